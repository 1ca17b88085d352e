/*
 * Record and replay in user mode (docs/replay.md): where the linux-user
 * layer hands its inputs to src/replay/ and takes them back.
 *
 *   rr-user.c     start (the initial stack, the first thread), the cpu
 *                 loop's points: turns, time slices, checkpoints, signal
 *                 delivery, thread and process exit;
 *   rr-syscall.c  system calls: what each one is to replay (re-run,
 *                 take from the log, check as output), recording their
 *                 results and the memory they wrote, and replaying them.
 *
 * Every function is a no-op unless -rr is on (replay_mode).
 */
#ifndef MIMIC_LINUX_USER_RR_USER_H
#define MIMIC_LINUX_USER_RR_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "replay/replay.h"

struct LinuxProcess;
struct LinuxThread;
struct LinuxUserOptions;
struct GuestSiginfo;

/* Opens the log (after the options, before the program loads). */
void rr_user_open(const struct LinuxUserOptions *o, int argc, char **argv);

/* Replay without a program on the command line: the recorded one. */
const char *rr_user_recorded_program(void);

/* The initial stack is set up: record logs it, replay puts the
 * recording's in its place (and the first thread's recorded tid). */
void rr_user_initial_stack(struct LinuxThread *t);

/* A thread's cpu loop starts: waits for its turn. */
void rr_user_thread_begin(struct LinuxThread *t);
/* Before each cpu_exec: checkpoints, switches, the instruction budget. */
void rr_user_before_exec(struct LinuxThread *t);
/* The system call t stopped at, recorded or replayed (replaces
 * linux_syscall). */
void rr_user_syscall(struct LinuxThread *t);

/* The next signal to deliver to t among `allowed` (replaces
 * sig_dequeue while recording or replaying); 0 for none. */
int rr_user_next_signal(struct LinuxThread *t, uint64_t allowed, struct GuestSiginfo *info);

/* t ends (after its clear_child_tid); the next thread runs. */
void rr_user_thread_exit(struct LinuxThread *t);
/* The process ends: exit status, or killed by signal. */
void rr_user_process_exit(struct LinuxThread *t, bool killed, int code);

/* A forked child stops recording. */
void rr_user_fork_child(void);

/* ---- replay under gdb: reverse execution (rr-reverse.c) ---- */

/* Replaying with snapshots: gdb may go backwards. */
bool rr_user_can_reverse(void);
/* gdb's bs (step) or bc on thread tid, every guest thread stopped: goes
 * back and sets where to stop; false when there is no history. */
bool rr_user_reverse(struct LinuxProcess *proc, int tid, bool step);
/* After cpu_exec: the exception to handle (breakpoints are stepped over
 * while going to a reverse command's target). */
int rr_user_after_exec(struct LinuxThread *t, int excp);
/* A snapshot was restored since t last ran: t starts over at the top of
 * its cpu loop (rr_user_restart does not return). */
bool rr_user_restart_pending(struct LinuxThread *t);
_Noreturn void rr_user_restart(struct LinuxThread *t);
void rr_user_check_restart(struct LinuxThread *t);
/* Where the cpu loop starts over: waits for t's turn. */
void rr_user_restarted(struct LinuxThread *t);
/* Snapshots are taken (replay under gdb): the cpu loop keeps a place to
 * start over from. */
bool rr_user_snapshots_on(void);

#endif
