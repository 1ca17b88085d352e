/*
 * The one schedule of guest threads under record and replay.
 *
 * Recording: a thread runs guest code only while it holds the run token.
 * It gives the token up around a system call that may block and at the
 * end of a time slice when others wait; tokens are handed out in arrival
 * order.  Whoever takes the token from another thread logs a SWITCH
 * event: the thread that stopped, at which of its instruction counts,
 * and itself as the next to run.
 *
 * Replay: the log says who runs.  A thread runs until the next event is
 * a SWITCH naming it at its current count; it takes that event, lets the
 * named thread run and waits for a SWITCH back.
 */
#ifndef MIMIC_REPLAY_REPLAY_SCHED_H
#define MIMIC_REPLAY_REPLAY_SCHED_H

#include <stdbool.h>
#include <stdint.h>

/* Replay: tid runs first (the process's first thread). */
void replay_sched_init(uint32_t tid);

/* Blocks until the thread whose tid *tid is may run guest code (record:
 * holds the token, logging a SWITCH if another thread had it; replay:
 * its turn).  *tid is read under the schedule's lock, so that a thread
 * created on replay can be given its recorded tid while it waits. */
void replay_sched_acquire(const int *tid);

/* Record: tid, at instruction count icount, gives the token up. */
void replay_sched_release(uint32_t tid, uint64_t icount);

/* Record: another thread waits for the token. */
bool replay_sched_contended(void);

/* Replay: when the next event is a SWITCH away from tid at icount, takes
 * it, lets the next thread run and returns once tid's turn comes back:
 * true.  False when the next event is something else.  A SWITCH of tid
 * at an earlier count is a divergence (pc for its report). */
bool replay_sched_follow(uint32_t tid, uint64_t icount, uint64_t pc);

/* Replay: tid ends; the next event must be its SWITCH away, which it
 * takes (the end of the log ends the replay). */
void replay_sched_leave(uint32_t tid, uint64_t icount, uint64_t pc);

/* Replay: whose turn it is now; setting it wakes the waiters (a snapshot
 * being restored). */
void replay_sched_set_runner(uint32_t tid);
/* Replay: called whenever a waiting thread wakes, outside the lock: the
 * front end leaves from there when a snapshot was restored meanwhile. */
void replay_sched_set_wake_hook(void (*fn)(void));

/* Replay: a thread created during replay gets its recorded tid before it
 * first asks for its turn (replay_sched_acquire re-reads it). */
void replay_sched_lock(void);
void replay_sched_unlock(void);

#endif
