/*
 * The record/replay mode and its log (replay/replay.h).
 *
 * Events are put and peeked by the thread holding the run token, so the
 * lock here only guards against the few paths that reach the log from
 * elsewhere (a forked child forgetting it, the exit paths).
 */
#include "replay/replay.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/options.h"

ReplayMode replay_mode = REPLAY_MODE_OFF;

static struct {
    pthread_mutex_t lock;
    const char *path;
    bool verify;
    uint64_t interval;
    ReplayLogWriter *w;
    ReplayLogReader *r;
    ReplayEvent peek;
    bool have_peek;
    uint64_t events, checkpoints;
    uint64_t high;               /* the most events ever taken */
} rr = { .lock = PTHREAD_MUTEX_INITIALIZER };

enum { RR_FILE = 1, RR_CHECKPOINT, RR_VERIFY, RR_SNAPSHOT };

static const OptionDef rr_suboptions[] = {
    { "file", OPT_ARG_STRING, RR_FILE, NULL, NULL, 0, 0, 0 },
    { "checkpoint", OPT_ARG_UINT, RR_CHECKPOINT, NULL, NULL, 1, 0, 0 },
    { "verify", OPT_ARG_NONE, RR_VERIFY, NULL, NULL, 0, 0, 0 },
    { "snapshot", OPT_ARG_UINT, RR_SNAPSHOT, NULL, NULL, 1, 0, 0 },
    { NULL, 0, 0, NULL, NULL, 0, 0, 0 },
};

void replay_parse_option(ReplayOptions *o, const char *list)
{
    memset(o, 0, sizeof(*o));
    size_t n = strcspn(list, ",");
    if (n == 6 && strncmp(list, "record", 6) == 0)
        o->mode = REPLAY_MODE_RECORD;
    else if (n == 6 && strncmp(list, "replay", 6) == 0)
        o->mode = REPLAY_MODE_PLAY;
    else
        fatal_user_error("-rr: record or replay first (-rr record,file=F)");
    SubOptParser sp;
    const OptionDef *def;
    OptionValue v;
    int r;
    subopts_init(&sp, rr_suboptions, list[n] ? list + n + 1 : "", NULL, "-rr");
    while ((r = subopts_next(&sp, &def, &v)) == OPTIONS_FOUND) {
        switch (def->id) {
        case RR_FILE:
            if (!v.str[0])
                fatal_user_error("-rr: file= needs a name");
            /* v.str lives only until the next sub-option */
            o->path = strdup(v.str);
            if (!o->path)
                fatal_user_error("out of memory");
            break;
        case RR_CHECKPOINT:
            o->checkpoint_interval = v.num;
            break;
        case RR_VERIFY:
            o->verify = true;
            break;
        case RR_SNAPSHOT:
            o->snapshot_interval = v.num;
            break;
        }
    }
    if (r == OPTIONS_ERROR)
        fatal_user_error("%s", sp.err);
    if (!o->path)
        fatal_user_error("-rr: file=F names the recording");
    if (o->mode == REPLAY_MODE_RECORD && o->verify)
        fatal_user_error("-rr: verify is for replay");
    if (o->mode == REPLAY_MODE_RECORD && o->snapshot_interval)
        fatal_user_error("-rr: snapshot= is for replay (under gdb)");
    if (o->mode == REPLAY_MODE_PLAY && o->checkpoint_interval)
        fatal_user_error("-rr: checkpoint= is for record (replay uses the recording's)");
}

void replay_start(const ReplayOptions *o, const ReplayLogHeader *h, const char *config_text)
{
    char err[512];
    rr.path = o->path;
    rr.verify = o->verify;
    if (o->mode == REPLAY_MODE_RECORD) {
        ReplayLogHeader hh = *h;
        hh.checkpoint_interval =
            o->checkpoint_interval ? o->checkpoint_interval : REPLAY_DEFAULT_INTERVAL;
        rr.interval = hh.checkpoint_interval;
        rr.w = replay_log_create(o->path, &hh, err, sizeof(err));
        if (!rr.w)
            fatal_user_error("%s", err);
    } else if (o->mode == REPLAY_MODE_PLAY) {
        rr.r = replay_log_open(o->path, err, sizeof(err));
        if (!rr.r)
            fatal_user_error("%s", err);
        const ReplayLogHeader *rh = replay_log_header(rr.r);
        if (strcmp(rh->target, h->target) != 0)
            fatal_user_error("%s: a recording of an %s guest, not %s", o->path, rh->target,
                             h->target);
        if (rh->config_hash != h->config_hash)
            fatal_user_error("%s: recorded with other options that change execution "
                             "(-cpu, -icount); this run has %s",
                             o->path, config_text);
        if (rh->checkpoint_interval == 0)
            fatal_user_error("%s: checkpoint interval 0 in the header", o->path);
        rr.interval = rh->checkpoint_interval;
    }
    replay_mode = o->mode;
}

uint64_t replay_checkpoint_interval(void)
{
    return rr.interval;
}

bool replay_verify_only(void)
{
    return rr.verify;
}

/* ---- recording ---------------------------------------------------------- */

void replay_put(const ReplayEvent *ev)
{
    pthread_mutex_lock(&rr.lock);
    if (rr.w) {
        int r = replay_log_put(rr.w, ev);
        if (r < 0) {
            pthread_mutex_unlock(&rr.lock);
            fatal_user_error("%s: cannot write the recording: %s", rr.path, strerror(-r));
        }
        rr.events++;
    }
    pthread_mutex_unlock(&rr.lock);
}

void replay_flush(void)
{
    pthread_mutex_lock(&rr.lock);
    int r = rr.w ? replay_log_flush(rr.w) : 0;
    pthread_mutex_unlock(&rr.lock);
    if (r < 0)
        fatal_user_error("%s: cannot write the recording: %s", rr.path, strerror(-r));
}

void replay_finish(void)
{
    pthread_mutex_lock(&rr.lock);
    ReplayLogWriter *w = rr.w;
    rr.w = NULL;
    int r = w ? replay_log_close(w) : 0;
    pthread_mutex_unlock(&rr.lock);
    if (r < 0)
        fatal_user_error("%s: cannot write the recording: %s", rr.path, strerror(-r));
}

void replay_forget_in_child(void)
{
    /* The writer's buffer holds the parent's unwritten events: dropped
     * with the memory, never written from here.  The descriptor is
     * closed on exec. */
    rr.w = NULL;
    replay_mode = REPLAY_MODE_OFF;
}

/* ---- replaying ------------------------------------------------------------ */

const ReplayEvent *replay_peek(void)
{
    if (rr.have_peek)
        return &rr.peek;
    if (!rr.r)
        return NULL;
    int n = replay_log_next(rr.r, &rr.peek);
    if (n < 0)
        fatal_user_error("%s: %s", rr.path, replay_log_error(rr.r));
    if (n == 0)
        return NULL;
    rr.have_peek = true;
    return &rr.peek;
}

void replay_consume(void)
{
    if (rr.have_peek) {
        rr.have_peek = false;
        rr.events++;
        if (rr.events > rr.high)
            rr.high = rr.events;
    }
}

uint64_t replay_position(void)
{
    return rr.events;
}

bool replay_first_time(void)
{
    return rr.events >= rr.high;
}

void replay_seek(uint64_t position)
{
    char err[512];
    replay_log_close_reader(rr.r);
    rr.have_peek = false;
    rr.r = replay_log_open(rr.path, err, sizeof(err));
    if (!rr.r)
        fatal_user_error("%s", err);
    ReplayEvent ev;
    for (uint64_t i = 0; i < position; i++) {
        int n = replay_log_next(rr.r, &ev);
        if (n < 0)
            fatal_user_error("%s: %s", rr.path, replay_log_error(rr.r));
        if (n == 0)
            fatal_user_error("%s: shorter than when it was read before", rr.path);
    }
    rr.events = position;
}

static _Noreturn void divergence(uint32_t tid, uint64_t icount, uint64_t pc, const char *detail,
                                 const char *fmt, va_list ap)
{
    char what[512];
    vsnprintf(what, sizeof(what), fmt, ap);
    fprintf(stderr, "%s: replay: divergence at instruction %" PRIu64 " of thread %u (pc %#" PRIx64
            "): %s\n", util_progname(), icount, tid, pc, what);
    if (detail && detail[0])
        fprintf(stderr, "%s%s", detail, detail[strlen(detail) - 1] == '\n' ? "" : "\n");
    fflush(stderr);
    _exit(1);
}

void replay_divergence(uint32_t tid, uint64_t icount, uint64_t pc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    divergence(tid, icount, pc, NULL, fmt, ap);
}

void replay_divergence_detail(uint32_t tid, uint64_t icount, uint64_t pc, const char *detail,
                              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    divergence(tid, icount, pc, detail, fmt, ap);
}

void replay_end_of_recording(void)
{
    fprintf(stderr, "%s: replay: the recording ends here (cut short%s): %" PRIu64
            " events replayed\n", util_progname(),
            rr.r && replay_log_truncated(rr.r) ? ", its last frame torn" : "", rr.events);
    fflush(stderr);
    _exit(0);
}

void replay_count_checkpoint(void)
{
    rr.checkpoints++;
}

void replay_note_exit(uint64_t instructions)
{
    if (!rr.verify)
        return;
    fprintf(stderr, "%s: replay: verified: %" PRIu64 " checkpoints, %" PRIu64 " events, %" PRIu64
            " instructions\n", util_progname(), rr.checkpoints, rr.events, instructions);
    fflush(stderr);
}
