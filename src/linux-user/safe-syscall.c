/*
 * linux_safe_syscall (the design is in safe-syscall.h): the check of the
 * thread's exit request and the SYSCALL instruction, in assembly so that
 * the window between them has known addresses.
 *
 *   long safe_syscall_base(volatile int *flag, long nr, long a1, long a2,
 *                          long a3, long a4, long a5, long a6)
 *
 * SysV arguments: rdi flag, rsi nr, rdx a1, rcx a2, r8 a3, r9 a4, the
 * stack a5 and a6; Linux's convention: rax nr, rdi rsi rdx r10 r8 r9.
 * It returns the kernel's raw result (-errno on failure), or -EINTR
 * without making the call when *flag is set.  A top-level asm block
 * keeps it one object file built by the project's ordinary C rule (and
 * by clang for the fuzzers).
 */
#include <errno.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/user-internal.h"

long safe_syscall_base(volatile int *flag, long nr, long a1, long a2, long a3, long a4,
                       long a5, long a6);
extern const char safe_syscall_start[], safe_syscall_end[], safe_syscall_interrupted[];

__asm__(
    "    .text\n"
    "    .globl safe_syscall_base\n"
    "    .type safe_syscall_base, @function\n"
    "safe_syscall_base:\n"
    "    .cfi_startproc\n"
    "    push %rbp\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    .cfi_rel_offset %rbp, 0\n"
    "    mov %rdi, %rbp\n"
    "    mov %rsi, %rax\n"
    "    mov %rdx, %rdi\n"
    "    mov %rcx, %rsi\n"
    "    mov %r8, %rdx\n"
    "    mov %r9, %r10\n"
    "    mov 16(%rsp), %r8\n"
    "    mov 24(%rsp), %r9\n"
    "    .globl safe_syscall_start\n"
    "safe_syscall_start:\n"
    /* From here to the SYSCALL, a handler that records a guest signal
     * sends the thread to safe_syscall_interrupted. */
    "    cmpl $0, (%rbp)\n"
    "    jnz safe_syscall_interrupted\n"
    "    syscall\n"
    "    .globl safe_syscall_end\n"
    "safe_syscall_end:\n"
    "    pop %rbp\n"
    "    .cfi_remember_state\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    .cfi_restore %rbp\n"
    "    ret\n"
    "    .cfi_restore_state\n"
    "    .globl safe_syscall_interrupted\n"
    "safe_syscall_interrupted:\n"
    "    mov $-4, %rax\n"            /* -EINTR */
    "    pop %rbp\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    .cfi_restore %rbp\n"
    "    ret\n"
    "    .cfi_endproc\n"
    "    .size safe_syscall_base, . - safe_syscall_base\n");

long linux_safe_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    static volatile int never;
    LinuxThread *t = linux_current;
    volatile int *flag = t && t->cpu.parent.exec ? &t->cpu.parent.exec->exit_request : &never;
    long r = safe_syscall_base(flag, nr, a1, a2, a3, a4, a5, a6);
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

bool linux_safe_syscall_fixup(ucontext_t *uc)
{
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (pc >= (uintptr_t)safe_syscall_start && pc < (uintptr_t)safe_syscall_end) {
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)safe_syscall_interrupted;
        return true;
    }
    return false;
}
