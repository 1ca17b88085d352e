/*
 * System call handlers, by the file that implements them.  Every handler
 * has the table's signature: the thread and the six argument registers
 * (ebx, ecx, edx, esi, edi, ebp), returning the guest result (-errno on
 * failure).  The table (syscall-table.c) names each one once.
 */
#ifndef MIMIC_LINUX_USER_SYSCALL_IMPL_H
#define MIMIC_LINUX_USER_SYSCALL_IMPL_H

#include "linux-user/process.h"
#include "linux-user/syscall.h"

typedef abi_long (*SyscallFn)(LinuxThread *t, const abi_ulong a[6]);

#define SYSCALL_DECL(name) abi_long sys_##name(LinuxThread *t, const abi_ulong a[6])

/* mmap.c: the guest address space */
SYSCALL_DECL(brk);
SYSCALL_DECL(old_mmap);      /* mmap (90): one pointer to six words */
SYSCALL_DECL(mmap2);
SYSCALL_DECL(munmap);
SYSCALL_DECL(mprotect);
SYSCALL_DECL(mremap);
SYSCALL_DECL(madvise);
SYSCALL_DECL(msync);

/* signal-calls.c: dispositions, masks, frames.  The dispatcher stores every
 * handler's result in eax, so sigreturn and rt_sigreturn return the eax
 * they restored from the frame. */
SYSCALL_DECL(sigaction);
SYSCALL_DECL(rt_sigaction);
SYSCALL_DECL(sigprocmask);
SYSCALL_DECL(rt_sigprocmask);
SYSCALL_DECL(sigaltstack);
SYSCALL_DECL(sigreturn);
SYSCALL_DECL(rt_sigreturn);
SYSCALL_DECL(rt_sigsuspend);
SYSCALL_DECL(rt_sigpending);
SYSCALL_DECL(rt_sigtimedwait);
SYSCALL_DECL(kill);
SYSCALL_DECL(tkill);
SYSCALL_DECL(tgkill);
SYSCALL_DECL(pause);
SYSCALL_DECL(signal);            /* 48 */
SYSCALL_DECL(sigsuspend);        /* 72: the mask word in edx */
SYSCALL_DECL(sigpending);        /* 73 */
SYSCALL_DECL(rt_sigqueueinfo);   /* 178 */
SYSCALL_DECL(rt_tgsigqueueinfo); /* 335 */
SYSCALL_DECL(rt_sigtimedwait_time64);   /* 421 */

/* thread.c / process.c: threads, processes, TLS */
SYSCALL_DECL(clone);
SYSCALL_DECL(fork);
SYSCALL_DECL(vfork);
SYSCALL_DECL(execve);
SYSCALL_DECL(exit);
SYSCALL_DECL(exit_group);
SYSCALL_DECL(set_tid_address);
SYSCALL_DECL(set_robust_list);
SYSCALL_DECL(get_robust_list);
SYSCALL_DECL(futex);
SYSCALL_DECL(futex_time64);
SYSCALL_DECL(set_thread_area);
SYSCALL_DECL(get_thread_area);
SYSCALL_DECL(modify_ldt);

#endif
