/*
 * mimic-rr: inspects and checks a record/replay log (docs/replay-format.md).
 *
 *   mimic-rr info FILE     header, program, event counts by kind, last
 *                          instruction count, checkpoints, frames, file
 *                          size, how the recording ends
 *   mimic-rr dump FILE     every event as one line of text
 *   mimic-rr verify FILE   replays FILE with the mimic of its target and
 *                          checks every checkpoint
 *
 * A log cut short (the recorder was killed) is not an error: info and
 * dump show what it holds and say "truncated after frame N".  A damaged
 * log is: one "mimic-rr: error: ..." line, exit status 1.
 *
 * verify is a front end: the replayer lives in mimic-<target>, which is
 * run from mimic-rr's own directory (so a build tree or an installed set
 * of programs stay together) as `mimic-<target> -rr replay,file=F,verify`.
 * mimic-rr reads the whole log first so that a missing, damaged or
 * wrong-version file is refused before anything runs, and the emulator's
 * exit status is passed on: 0 the replay matched, 1 it diverged or failed
 * (the emulator has printed why).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "replay/replay-log.h"

static int usage(void)
{
    fprintf(stderr, "usage: mimic-rr info FILE      header and event counts of a recording\n"
                    "       mimic-rr dump FILE      every event as one line\n"
                    "       mimic-rr verify FILE    replay it and check every checkpoint\n");
    return 1;
}

static int error(const char *what)
{
    fprintf(stderr, "mimic-rr: error: %s\n", what);
    return 1;
}

static void print_header(const ReplayLogHeader *h)
{
    printf("format version: %" PRIu32 "\n", h->version);
    printf("mimic version: %s\n", h->mimic_version);
    printf("target: %s\n", h->target);
    printf("command line: %s\n", h->cmdline);
    printf("configuration hash: %016" PRIx64 "\n", h->config_hash);
    printf("checkpoint interval: %" PRIu64 "\n", h->checkpoint_interval);
}

/* What a whole pass over the log found. */
typedef struct Summary {
    uint64_t counts[REPLAY_EV_KINDS], last_icount, total;
    char program[4 * REPLAY_PATH_MAX + 1];  /* from the STACK event, escaped */
    bool has_program;
    bool ends_with_exit;
    ReplayEvent last_exit;
} Summary;

/* The STACK event's path for a one-line display: bytes outside
 * printable ASCII as \xNN (a hostile log could hold a newline). */
static void copy_path(char *out, const char *p, uint32_t n)
{
    size_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)sprintf(out + o, "\\x%02x", c);
    }
    out[o] = 0;
}

/* Reads every event (printing each when dump); 0, or 1 after printing
 * the error. */
static int scan(ReplayLogReader *r, const char *path, bool dump, Summary *s)
{
    ReplayEvent ev;
    char line[4096];
    int n;
    while ((n = replay_log_next(r, &ev)) == 1) {
        s->counts[ev.kind]++;
        s->total++;
        s->last_icount = ev.icount;
        s->ends_with_exit = ev.kind == REPLAY_EV_EXIT;
        if (ev.kind == REPLAY_EV_EXIT)
            s->last_exit = ev;
        if (ev.kind == REPLAY_EV_STACK && !s->has_program) {
            copy_path(s->program, ev.u.stack.path, ev.u.stack.path_len);
            s->has_program = true;
        }
        if (dump) {
            replay_event_format(&ev, line, sizeof(line));
            puts(line);
        }
    }
    if (n < 0) {
        fflush(stdout);
        char err[512];
        snprintf(err, sizeof(err), "%s: %s", path, replay_log_error(r));
        return error(err);
    }
    return 0;
}

static void print_info(ReplayLogReader *r, const char *path, const Summary *s)
{
    print_header(replay_log_header(r));
    if (s->has_program)
        printf("program: %s\n", s->program);
    printf("events: %" PRIu64 "\n", s->total);
    for (unsigned k = 1; k < REPLAY_EV_KINDS; k++)
        printf("  %s: %" PRIu64 "\n", replay_event_name(k), s->counts[k]);
    printf("last instruction count: %" PRIu64 "\n", s->last_icount);
    printf("checkpoints: %" PRIu64 "\n", s->counts[REPLAY_EV_CHECKPOINT]);
    printf("frames: %u\n", replay_log_frames(r));
    struct stat st;
    if (stat(path, &st) == 0)
        printf("file size: %lld bytes\n", (long long)st.st_size);
    if (!s->ends_with_exit)
        printf("ends: without an exit event (cut short)\n");
    else if (s->last_exit.u.exit.killed)
        printf("ends: killed by signal %" PRIu32 "\n", s->last_exit.u.exit.code);
    else
        printf("ends: exit status %" PRIu32 "\n", s->last_exit.u.exit.code);
}

/* A target name from the log becomes part of a program's name: only
 * lower-case letters, digits, '_' and '-' (no '/', no "..").  */
static bool good_target(const char *t)
{
    if (!t[0] || strlen(t) > 32)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    return true;
}

static int verify(const char *path, const char *target)
{
    char err[PATH_MAX + 256];
    if (!good_target(target)) {
        snprintf(err, sizeof(err), "%s: unknown target in the log's header", path);
        return error(err);
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        snprintf(err, sizeof(err), "cannot find mimic-rr's own path: %s", strerror(errno));
        return error(err);
    }
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    char emu[PATH_MAX + 64];
    snprintf(emu, sizeof(emu), "%s/mimic-%s", slash ? self : ".", target);
    if (access(emu, X_OK) != 0) {
        snprintf(err, sizeof(err), "no mimic-%s beside mimic-rr (%s: %s)", target, emu,
                 strerror(errno));
        return error(err);
    }
    /* The sub-option value's commas are doubled (util/options.h). */
    size_t len = strlen(path);
    char *opt = malloc(sizeof("replay,file=,verify") + 2 * len);
    if (!opt)
        return error("out of memory");
    char *o = opt + sprintf(opt, "replay,file=");
    for (size_t i = 0; i < len; i++) {
        *o++ = path[i];
        if (path[i] == ',')
            *o++ = ',';
    }
    strcpy(o, ",verify");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(opt);
        snprintf(err, sizeof(err), "fork: %s", strerror(errno));
        return error(err);
    }
    if (pid == 0) {
        execl(emu, emu, "-rr", opt, (char *)NULL);
        fprintf(stderr, "mimic-rr: error: %s: %s\n", emu, strerror(errno));
        _exit(1);
    }
    free(opt);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            snprintf(err, sizeof(err), "waitpid: %s", strerror(errno));
            return error(err);
        }
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st) == 0 ? 0 : 1;
    snprintf(err, sizeof(err), "%s killed by signal %d", emu, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return error(err);
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    const char *cmd = argv[1], *path = argv[2];
    bool info = strcmp(cmd, "info") == 0, dump = strcmp(cmd, "dump") == 0;
    bool check = strcmp(cmd, "verify") == 0;
    if (!info && !dump && !check)
        return usage();
    char err[512];
    ReplayLogReader *r = replay_log_open(path, err, sizeof(err));
    if (!r)
        return error(err);
    static Summary s;
    int rc = scan(r, path, dump, &s);
    if (rc == 0 && info)
        print_info(r, path, &s);
    if (rc == 0 && !check && replay_log_truncated(r))
        printf("truncated after frame %u (%u complete frames, then a torn one)\n",
               replay_log_frames(r), replay_log_frames(r));
    if (rc == 0 && check) {
        char target[64];
        snprintf(target, sizeof(target), "%s", replay_log_header(r)->target);
        if (strlen(replay_log_header(r)->target) >= sizeof(target))
            target[0] = 0;              /* refused by good_target */
        replay_log_close_reader(r);
        return verify(path, target);
    }
    replay_log_close_reader(r);
    return rc;
}
