/*
 * Host system calls that a guest signal can always interrupt.
 *
 * A guest signal is recorded by a host handler and delivered by the cpu
 * loop; a blocking host call started after the signal was recorded but
 * before the loop looked would sleep through it.  linux_safe_syscall()
 * closes that window: it checks the thread's exit request (which every
 * recorded signal sets, cpu_exit) immediately before the SYSCALL
 * instruction, and the host signal handlers move a thread interrupted
 * between that check and the instruction to an early return of -EINTR
 * (linux_safe_syscall_fixup).  A signal that arrives once the kernel has
 * started the call interrupts it the ordinary way (the handlers have no
 * SA_RESTART).  The guest-level restart rules (signal.c) then apply to
 * the -EINTR.  This is the scheme QEMU's safe_syscall uses.
 */
#ifndef MIMIC_LINUX_USER_SAFE_SYSCALL_H
#define MIMIC_LINUX_USER_SAFE_SYSCALL_H

#include <stdbool.h>
#include <ucontext.h>

/* Like syscall(2): the result, or -1 with errno (EINTR when a guest
 * signal is pending for the calling thread). */
long linux_safe_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* For host signal handlers: if the interrupted context is between the
 * check and the SYSCALL instruction, make it return -EINTR instead.
 * True when it did. */
bool linux_safe_syscall_fixup(ucontext_t *uc);

#endif
