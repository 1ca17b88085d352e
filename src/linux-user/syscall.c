/*
 * The system call dispatcher: from INT 0x80 to the table's handler and
 * back, with -strace around it, and the host-to-guest errno rule.
 *
 * i386 and x86-64 Linux number errno values the same way (both use
 * asm-generic/errno-base.h and errno.h; test-syscall-abi.c checks a
 * sample against the i386 values), so the conversion is the identity on
 * 1..4095, the range the kernel reserves for error returns.  Anything
 * else would be a host libc quirk, reported as EINVAL rather than handed
 * to the guest as a bogus success.
 */
#include "linux-user/syscall.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "linux-user/syscall-internal.h"
#include "util/log.h"

abi_long host_to_guest_errno(int host_errno)
{
    if (host_errno <= 0 || host_errno >= 4096)
        return -EINVAL;
    return -host_errno;
}

abi_long guest_result(long r)
{
    if (r == -1)
        return host_to_guest_errno(errno);
    return (abi_long)r;
}

void syscall_unimp(LinuxThread *t, const char *fmt, ...)
{
    if (!log_enabled(LOG_UNIMP))
        return;
    va_list ap;
    va_start(ap, fmt);
    log_lock();
    log_printf("%d: ", t->tid);
    log_vprintf(fmt, ap);
    log_printf("\n");
    log_unlock();
    va_end(ap);
}

void linux_syscall(LinuxThread *t)
{
    I386CPU *cpu = &t->cpu;
    uint32_t nr = cpu->regs[R_EAX];
    const abi_ulong a[6] = {
        cpu->regs[R_EBX], cpu->regs[R_ECX], cpu->regs[R_EDX],
        cpu->regs[R_ESI], cpu->regs[R_EDI], cpu->regs[R_EBP],
    };
    bool strace = t->proc->strace;
    const SyscallDef *def = syscall_lookup(nr);
    abi_long ret;

    if (!def) {
        if (strace)
            strace_print_unknown(t, nr, a);
        if (log_enabled(LOG_UNIMP))
            log_printf("Unsupported syscall: %u\n", nr);
        cpu->regs[R_EAX] = (uint32_t)-ENOSYS;
        return;
    }
    /* A call that may not come back is shown before it runs, so that the
     * trace of a program ends with its exit (or the exec it made). */
    if (strace && (def->flags & SC_NORETURN))
        strace_print(t, def, a, 0, false);
    ret = def->fn(t, a);
    if (strace)
        strace_print(t, def, a, ret, true);
    cpu->regs[R_EAX] = (uint32_t)ret;
}
