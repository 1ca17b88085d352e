/*
 * fcntl (55) and fcntl64 (221).
 *
 * The commands are the host's except for record locks: i386 has two
 * struct flock layouts, a 32-bit one for F_GETLK/F_SETLK/F_SETLKW (5-7)
 * and struct flock64 for F_GETLK64/F_SETLK64/F_SETLKW64 (12-14, fcntl64
 * only), while the x86-64 host has one 64-bit struct flock under the
 * numbers 5-7.  The open-file-description locks (F_OFD_*) take struct
 * flock64 through fcntl64 and the 32-bit struct through fcntl, as the
 * i386 kernel's do_fcntl sees them.
 */
#include "linux-user/syscall-internal.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>

int flock_to_guest(const struct flock *f, GuestFlock *g)
{
    if (f->l_start > INT32_MAX || f->l_start < INT32_MIN ||
        f->l_len > INT32_MAX || f->l_len < INT32_MIN)
        return -EOVERFLOW;
    g->l_type = f->l_type;
    g->l_whence = f->l_whence;
    g->l_start = (int32_t)f->l_start;
    g->l_len = (int32_t)f->l_len;
    g->l_pid = f->l_pid;
    return 0;
}

void flock_from_guest(const GuestFlock *g, struct flock *f)
{
    f->l_type = g->l_type;
    f->l_whence = g->l_whence;
    f->l_start = g->l_start;
    f->l_len = g->l_len;
    f->l_pid = g->l_pid;
}

void flock64_to_guest(const struct flock *f, GuestFlock64 *g)
{
    g->l_type = f->l_type;
    g->l_whence = f->l_whence;
    g->l_start = f->l_start;
    g->l_len = f->l_len;
    g->l_pid = f->l_pid;
}

void flock64_from_guest(const GuestFlock64 *g, struct flock *f)
{
    f->l_type = g->l_type;
    f->l_whence = g->l_whence;
    f->l_start = g->l_start;
    f->l_len = g->l_len;
    f->l_pid = g->l_pid;
}

/* A record-lock command with the guest struct at addr in the 32-bit
 * (wide false) or flock64 layout; host_cmd is the host's number. */
static abi_long do_lock(LinuxThread *t, int fd, int host_cmd, uint32_t addr, bool wide)
{
    struct flock fl = { 0 };
    abi_long err;
    if (wide) {
        GuestFlock64 g;
        err = get_guest(t, &g, addr, sizeof(g));
        if (err)
            return err;
        flock64_from_guest(&g, &fl);
    } else {
        GuestFlock g;
        err = get_guest(t, &g, addr, sizeof(g));
        if (err)
            return err;
        flock_from_guest(&g, &fl);
    }
    /* F_SETLKW and F_OFD_SETLKW wait. */
    if (safe_syscall(SYS_fcntl, fd, host_cmd, &fl) < 0)
        return host_to_guest_errno(errno);
    if (host_cmd != F_GETLK && host_cmd != F_OFD_GETLK)
        return 0;
    if (wide) {
        GuestFlock64 g;
        flock64_to_guest(&fl, &g);
        return put_guest(t, addr, &g, sizeof(g));
    }
    GuestFlock g;
    int r = flock_to_guest(&fl, &g);
    if (r)
        return r;
    return put_guest(t, addr, &g, sizeof(g));
}

static abi_long do_fcntl(LinuxThread *t, const abi_ulong a[6], bool is64)
{
    int fd = (int)a[0], cmd = (int)a[1];
    uint32_t arg = a[2];
    switch (cmd) {
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
        return do_lock(t, fd, cmd, arg, false);
    case F_GETLK64_GUEST:
    case F_SETLK64_GUEST:
    case F_SETLKW64_GUEST:
        if (!is64)
            return -EINVAL;
        return do_lock(t, fd, cmd == F_GETLK64_GUEST ? F_GETLK
                              : cmd == F_SETLK64_GUEST ? F_SETLK : F_SETLKW,
                       arg, true);
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return do_lock(t, fd, cmd, arg, is64);
    case F_GETOWN_EX:
    case F_SETOWN_EX: {
        /* struct f_owner_ex { int type; pid_t pid; }: no longs in it. */
        struct f_owner_ex ex;
        _Static_assert(sizeof(ex) == 8, "f_owner_ex");
        int32_t g[2];
        if (cmd == F_SETOWN_EX) {
            abi_long err = get_guest(t, g, arg, sizeof(g));
            if (err)
                return err;
            ex.type = g[0];
            ex.pid = g[1];
        }
        if (fcntl(fd, cmd, &ex) < 0)
            return host_to_guest_errno(errno);
        if (cmd == F_SETOWN_EX)
            return 0;
        g[0] = ex.type;
        g[1] = ex.pid;
        return put_guest(t, arg, g, sizeof(g));
    }
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_GETFD:
    case F_SETFD:
    case F_GETFL:
    case F_SETFL:
    case F_SETOWN:
    case F_GETOWN:
    case F_SETSIG:
    case F_GETSIG:
    case F_SETLEASE:
    case F_GETLEASE:
    case F_NOTIFY:
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
    case F_ADD_SEALS:
    case F_GET_SEALS:
        /* Plain integer argument (or none), same numbers and meaning. */
        return host_ret(fcntl(fd, cmd, (int)arg));
    default:
        syscall_unimp(t, "fcntl command %d", cmd);
        return -EINVAL;
    }
}

SYSCALL_DECL(fcntl)
{
    return do_fcntl(t, a, false);
}

SYSCALL_DECL(fcntl64)
{
    return do_fcntl(t, a, true);
}
