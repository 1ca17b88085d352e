/*
 * The GDB stub in user mode (gdb-user.c): started by -g, called at the
 * cpu loop's stop points.  All of these are only called when linux_gdb
 * is set.
 */
#ifndef MIMIC_LINUX_USER_GDB_USER_H
#define MIMIC_LINUX_USER_GDB_USER_H

#include <stdbool.h>

#include "gdbstub/gdbstub.h"
#include "linux-user/process.h"

/* The stub, or NULL without -g. */
extern GdbStub *linux_gdb;

/* Listens on spec and waits for gdb to connect (exits with a one-line
 * error if it cannot listen). */
void linux_gdb_start(LinuxProcess *proc, LinuxThread *main_thread, const char *spec,
                     bool stop_on_disconnect);

/* Before cpu_exec: waits while gdb has the guest; sets up a step. */
void linux_gdb_enter(LinuxThread *t);
/* After cpu_exec returned excp: true when it was the debugger's
 * (EXCP_DEBUG: a breakpoint or a finished step), reported and done. */
bool linux_gdb_leave(LinuxThread *t, int excp);
/* After a system call: a step over INT 0x80 ends here. */
void linux_gdb_after_syscall(LinuxThread *t);
/* A signal sig is about to be delivered to t: gdb hears of it first and
 * answers with the signal to deliver (0: none). */
int linux_gdb_signal(LinuxThread *t, int sig);
/* A reverse command ended here (rr-reverse.c): t stops with SIGTRAP and
 * the stop reply field `reason` ("" for none, "replaylog:begin;"...). */
void linux_gdb_stop_here(LinuxThread *t, const char *reason);

#endif
