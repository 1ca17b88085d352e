/*
 * mimic-rr: inspects a record/replay log (docs/replay-format.md).
 *
 *   mimic-rr info FILE   header, event counts by kind, last instruction
 *                        count, checkpoints, frames, file size
 *   mimic-rr dump FILE   every event as one line of text
 *
 * A log cut short (the recorder was killed) is not an error: both
 * commands show what it holds and say "truncated after frame N".  A
 * damaged log is: one "mimic-rr: error: ..." line, exit status 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "replay/replay-log.h"

static int usage(void)
{
    fprintf(stderr, "usage: mimic-rr info FILE    header and event counts of a recording\n"
                    "       mimic-rr dump FILE    every event as one line\n");
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

int main(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    bool info = strcmp(argv[1], "info") == 0;
    if (!info && strcmp(argv[1], "dump") != 0)
        return usage();
    const char *path = argv[2];
    char err[512];
    ReplayLogReader *r = replay_log_open(path, err, sizeof(err));
    if (!r)
        return error(err);
    uint64_t counts[REPLAY_EV_KINDS] = { 0 }, last_icount = 0, total = 0;
    ReplayEvent ev;
    char line[4096];
    int n;
    while ((n = replay_log_next(r, &ev)) == 1) {
        counts[ev.kind]++;
        total++;
        last_icount = ev.icount;
        if (!info) {
            replay_event_format(&ev, line, sizeof(line));
            puts(line);
        }
    }
    if (n < 0) {
        fflush(stdout);
        snprintf(err, sizeof(err), "%s: %s", path, replay_log_error(r));
        replay_log_close_reader(r);
        return error(err);
    }
    if (info) {
        print_header(replay_log_header(r));
        printf("events: %" PRIu64 "\n", total);
        for (unsigned k = 1; k < REPLAY_EV_KINDS; k++)
            printf("  %s: %" PRIu64 "\n", replay_event_name(k), counts[k]);
        printf("last instruction count: %" PRIu64 "\n", last_icount);
        printf("checkpoints: %" PRIu64 "\n", counts[REPLAY_EV_CHECKPOINT]);
        printf("frames: %u\n", replay_log_frames(r));
        struct stat st;
        if (stat(path, &st) == 0)
            printf("file size: %lld bytes\n", (long long)st.st_size);
    }
    if (replay_log_truncated(r))
        printf("truncated after frame %u (%u complete frames, then a torn one)\n",
               replay_log_frames(r), replay_log_frames(r));
    replay_log_close_reader(r);
    return 0;
}
