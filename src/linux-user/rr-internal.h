/*
 * What the record/replay files of the user-mode layer share (rr-user.c,
 * rr-syscall.c, rr-snapshot.c, rr-reverse.c); the cpu loop and the gdb
 * glue use rr-user.h.
 */
#ifndef MIMIC_LINUX_USER_RR_INTERNAL_H
#define MIMIC_LINUX_USER_RR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux-user/process.h"
#include "linux-user/rr-user.h"

/* rr-user.c */
/* Puts a thread's saved state back (not its host side: stack, links,
 * gdb state), with its instruction count. */
void rr_thread_restore(LinuxThread *t, const LinuxThread *saved, uint64_t icount);
/* After a restore: every thread starts over at the top of its cpu loop
 * when it next wakes; `runner` has the turn. */
void rr_restart_all(uint32_t runner);
/* A thread brought back by a restore starts fresh: no restart due. */
void rr_thread_caught_up(LinuxThread *t);
/* Calls fn for every guest page mapped readable and writable that the
 * host backs (an untouched page is zero and skipped), in address order. */
void rr_each_writable_page(const GuestSpace *gs,
                           void (*fn)(void *opaque, uint32_t page, const uint8_t *data),
                           void *opaque);
/* The thread with that tid, or NULL. */
LinuxThread *rr_find_thread(LinuxProcess *proc, int tid);

/* rr-snapshot.c */
void rr_snapshot_init(LinuxProcess *proc, uint64_t interval);
bool rr_snapshot_due(LinuxProcess *proc);
void rr_snapshot_take(LinuxThread *runner);
unsigned rr_snapshot_count(void);
bool rr_snapshot_thread_icount(unsigned k, int tid, uint64_t *icount);
uint64_t rr_snapshot_position(unsigned k);
uint32_t rr_snapshot_runner(unsigned k);
/* Goes back to snapshot k (every thread stopped or waiting for its
 * turn); false with a reason when it cannot. */
bool rr_snapshot_restore(unsigned k, char *err, size_t errlen);

/* rr-reverse.c */
bool rr_reverse_active(void);
/* At the top of t's cpu loop while reversing: stops where the reverse
 * command ends (reporting to gdb), or lowers *limit to get there. */
void rr_reverse_before_exec(LinuxThread *t, uint64_t icount, uint64_t *limit);
/* After cpu_exec while reversing: breakpoints and watchpoints are noted
 * or stepped over instead of stopping; the exception to handle. */
int rr_reverse_after_exec(LinuxThread *t, int excp);

#endif
