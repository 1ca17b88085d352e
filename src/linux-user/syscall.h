/*
 * The i386 Linux system call layer.
 *
 * linux_syscall() is entered when the guest executes INT 0x80 (the cpu
 * loop returned I386_EXCP_SYSCALL with eip after the instruction): the
 * number is in eax, the arguments in ebx, ecx, edx, esi, edi, ebp, and
 * the result (or -errno, guest numbering) goes back to eax.  Each
 * implemented call has a row in one table (number, name, handler, how
 * -strace prints its arguments); an unknown one returns -ENOSYS and is
 * reported under -d unimp.  Guest structures are converted field by
 * field from their i386 layout (linux-user/i386/abi.h), never by
 * casting host structs; guest errno values are the i386 ones.
 */
#ifndef MIMIC_LINUX_USER_SYSCALL_H
#define MIMIC_LINUX_USER_SYSCALL_H

#include <stdint.h>
#include <stdio.h>

struct LinuxThread;

typedef int32_t abi_long;
typedef uint32_t abi_ulong;

/* Runs the system call in the thread's registers and stores its result. */
void linux_syscall(struct LinuxThread *t);

/* Host errno -> negative guest errno (identical numbering on i386 and
 * x86-64 Linux, but routed through here so the layer stays honest). */
abi_long host_to_guest_errno(int host_errno);
/* Host result r (-1 with errno set, or a value) -> guest result. */
abi_long guest_result(long r);

/* Lists the implemented system calls, one "number name" per line (for
 * -strace-list and docs/syscalls.md). */
void syscall_print_table(FILE *out);

#endif
