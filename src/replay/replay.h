/*
 * Record and replay (docs/replay.md): the mode, the log it writes or
 * reads, and the one schedule every guest thread follows.
 *
 * Recording logs each input from outside the guest as it arrives, in the
 * order the guest sees it; replay hands the same inputs back in the same
 * order.  That order is total because guest threads are serialized: one
 * runs at a time and holds the run token (replay-sched.c), so every event
 * is put by the thread holding it and the log's order is the execution's.
 * The front end (linux-user/rr-*.c) decides what an input is; this layer
 * owns the log, the schedule, and how a divergence or the end of a
 * recording is reported.
 *
 * Replay reads one event ahead: replay_peek shows the next event without
 * taking it, so that a thread can see whether the next input is its own
 * (a system call's result) or a switch to another thread.  Its pointers
 * stay valid until replay_consume.
 */
#ifndef MIMIC_REPLAY_REPLAY_H
#define MIMIC_REPLAY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay/replay-log.h"

typedef enum ReplayMode {
    REPLAY_MODE_OFF,
    REPLAY_MODE_RECORD,
    REPLAY_MODE_PLAY,
} ReplayMode;

/* The default checkpoint interval, in instructions of one thread. */
#define REPLAY_DEFAULT_INTERVAL 10000000u
/* The default snapshot interval for reverse execution, in instructions
 * of the process. */
#define REPLAY_DEFAULT_SNAPSHOT 20000000u

typedef struct ReplayOptions {
    ReplayMode mode;
    const char *path;
    uint64_t checkpoint_interval;  /* record; 0 = the default */
    bool verify;                   /* play: no guest output, a summary at the end */
    uint64_t snapshot_interval;    /* play under gdb: 0 = the default */
} ReplayOptions;

/* Set once before the guest starts (replay_start), read without a lock. */
extern ReplayMode replay_mode;

static inline bool replay_recording(void)
{
    return replay_mode == REPLAY_MODE_RECORD;
}
static inline bool replay_playing(void)
{
    return replay_mode == REPLAY_MODE_PLAY;
}

/* Parses "record,file=F[,checkpoint=N]" or "replay,file=F[,verify]" (the
 * -rr option) into *o; a user error exits with one line. */
void replay_parse_option(ReplayOptions *o, const char *list);

/*
 * Opens the log.  Recording: creates it with a header made of h (whose
 * checkpoint_interval replay_start fills in).  Replay: opens it and
 * refuses another target or configuration (h->config_hash; config_text
 * says what this run's is) with one line.  A user error exits.
 */
void replay_start(const ReplayOptions *o, const ReplayLogHeader *h, const char *config_text);

/* The header of the log being replayed or recorded. */
uint64_t replay_checkpoint_interval(void);
bool replay_verify_only(void);

/* ---- recording ------------------------------------------------------- */

/* Appends ev to the log (the caller holds the run token).  A write
 * error ends the run: the recording would be incomplete. */
void replay_put(const ReplayEvent *ev);
/* Ends the current frame, so that everything so far survives a kill. */
void replay_flush(void);
/* Flushes and closes the log (the process ends or execs); events put
 * afterwards are dropped. */
void replay_finish(void);
/* In a forked child: forget the log without writing (the parent owns
 * it), and stop recording. */
void replay_forget_in_child(void);

/* ---- replaying ------------------------------------------------------- */

/* The next event, or NULL at the end of the log (a corrupt log is a
 * user error naming the frame and offset). */
const ReplayEvent *replay_peek(void);
/* Takes the peeked event. */
void replay_consume(void);

/* Events taken so far: where a snapshot is in the log. */
uint64_t replay_position(void);
/* Goes back to position (a snapshot's): the log is read again from its
 * start up to there.  A log that reads differently now is a user error. */
void replay_seek(uint64_t position);
/* The next event has never been taken before (no snapshot took replay
 * back over it): output is shown only then. */
bool replay_first_time(void);

/* The replayed guest left the recording: one line "divergence at
 * instruction N of thread T (pc X): what", then exit status 1. */
_Noreturn void replay_divergence(uint32_t tid, uint64_t icount, uint64_t pc,
                                 const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same, with detail lines printed after the first (detail may be
 * NULL or end without a newline). */
_Noreturn void replay_divergence_detail(uint32_t tid, uint64_t icount, uint64_t pc,
                                        const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The replay needs an event past the last one of a recording that was
 * cut short: says so and exits 0. */
_Noreturn void replay_end_of_recording(void);
/* The recorded process ended here (its EXIT event was consumed): with
 * verify, prints the summary line.  Returns; the caller exits as the
 * recording says. */
void replay_note_exit(uint64_t instructions);
/* Counts a verified checkpoint for the summary. */
void replay_count_checkpoint(void);

#endif
