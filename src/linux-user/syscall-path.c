/*
 * The file-system namespace: access checks, names made and removed,
 * links, permissions and owners, the working directory, timestamps.
 *
 * Calls that only look a file up (access, readlink) see the -L sysroot
 * (syscall-guestmem.c); calls that change the namespace act on the path
 * the guest gave.  readlink of /proc/self/exe answers the guest program,
 * not mimic.  The 16-bit owner calls (lchown 16, fchown 95, chown 182)
 * widen their ids with 0xffff meaning "unchanged" as the i386 kernel
 * does.
 */
#include "linux-user/syscall-internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

/* One path argument, a host call on it, the path released. */
#define WITH_PATH(t, addr, how, p, expr)                      \
    do {                                                      \
        GuestPath p;                                          \
        abi_long err_ = guest_path_get(t, addr, how, &p);     \
        if (err_)                                             \
            return err_;                                      \
        abi_long ret_ = host_ret(expr);                       \
        guest_path_free(&p);                                  \
        return ret_;                                          \
    } while (0)

/* Two path arguments (old, new), neither looked up in the sysroot. */
#define WITH_PATHS(t, addr1, addr2, p1, p2, expr)             \
    do {                                                      \
        GuestPath p1, p2;                                     \
        abi_long err_ = guest_path_get(t, addr1, GPATH_PLAIN, &p1); \
        if (err_)                                             \
            return err_;                                      \
        err_ = guest_path_get(t, addr2, GPATH_PLAIN, &p2);    \
        if (err_) {                                           \
            guest_path_free(&p1);                             \
            return err_;                                      \
        }                                                     \
        abi_long ret_ = host_ret(expr);                       \
        guest_path_free(&p1);                                 \
        guest_path_free(&p2);                                 \
        return ret_;                                          \
    } while (0)

SYSCALL_DECL(access)
{
    WITH_PATH(t, a[0], GPATH_SYSROOT, p, faccessat(AT_FDCWD, p.host, (int)a[1], 0));
}

/* faccessat has no flags argument in the kernel (faccessat2 has). */
SYSCALL_DECL(faccessat)
{
    WITH_PATH(t, a[1], GPATH_SYSROOT, p,
              syscall(SYS_faccessat, (int)a[0], p.host, (int)a[2]));
}

SYSCALL_DECL(faccessat2)
{
    WITH_PATH(t, a[1], GPATH_SYSROOT, p,
              syscall(SYS_faccessat2, (int)a[0], p.host, (int)a[2], (int)a[3]));
}

SYSCALL_DECL(unlink)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, unlink(p.host));
}

SYSCALL_DECL(unlinkat)
{
    WITH_PATH(t, a[1], GPATH_PLAIN, p, unlinkat((int)a[0], p.host, (int)a[2]));
}

SYSCALL_DECL(rmdir)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, rmdir(p.host));
}

SYSCALL_DECL(mkdir)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, mkdir(p.host, (mode_t)a[1]));
}

SYSCALL_DECL(mkdirat)
{
    WITH_PATH(t, a[1], GPATH_PLAIN, p, mkdirat((int)a[0], p.host, (mode_t)a[2]));
}

/* dev is the kernel's 32-bit encoding on both i386 and x86-64. */
SYSCALL_DECL(mknod)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p,
              syscall(SYS_mknodat, AT_FDCWD, p.host, (unsigned)a[1], (unsigned)a[2]));
}

SYSCALL_DECL(mknodat)
{
    WITH_PATH(t, a[1], GPATH_PLAIN, p,
              syscall(SYS_mknodat, (int)a[0], p.host, (unsigned)a[2], (unsigned)a[3]));
}

SYSCALL_DECL(rename)
{
    WITH_PATHS(t, a[0], a[1], o, n, rename(o.host, n.host));
}

SYSCALL_DECL(renameat)
{
    WITH_PATHS(t, a[1], a[3], o, n, renameat((int)a[0], o.host, (int)a[2], n.host));
}

SYSCALL_DECL(renameat2)
{
    WITH_PATHS(t, a[1], a[3], o, n,
               syscall(SYS_renameat2, (int)a[0], o.host, (int)a[2], n.host, (unsigned)a[4]));
}

SYSCALL_DECL(link)
{
    WITH_PATHS(t, a[0], a[1], o, n, link(o.host, n.host));
}

SYSCALL_DECL(linkat)
{
    WITH_PATHS(t, a[1], a[3], o, n,
               linkat((int)a[0], o.host, (int)a[2], n.host, (int)a[4]));
}

/* The target of a symlink is stored as written, never resolved here. */
SYSCALL_DECL(symlink)
{
    WITH_PATHS(t, a[0], a[1], target, name, symlink(target.guest, name.host));
}

SYSCALL_DECL(symlinkat)
{
    WITH_PATHS(t, a[0], a[2], target, name, symlinkat(target.guest, (int)a[1], name.host));
}

static abi_long do_readlinkat(LinuxThread *t, int dirfd, uint32_t path, uint32_t buf,
                              int32_t size)
{
    if (size <= 0)
        return -EINVAL;
    GuestPath p;
    abi_long ret = guest_path_get(t, path, GPATH_SYSROOT, &p);
    if (ret)
        return ret;
    /* Like the kernel: the target, cut to size, without a NUL; only the
     * bytes stored must be writable. */
    char target[GUEST_PATH_MAX];
    size_t cap = (size_t)size < sizeof(target) ? (size_t)size : sizeof(target);
    if (t->proc->exe_path && proc_is_self_entry(p.guest, "exe")) {
        size_t n = strlen(t->proc->exe_path);
        ret = (abi_long)(n < cap ? n : cap);
        memcpy(target, t->proc->exe_path, (size_t)ret);
    } else {
        ret = host_ret(readlinkat(dirfd, p.host, target, cap));
    }
    guest_path_free(&p);
    if (ret > 0) {
        abi_long err = put_guest(t, buf, target, (size_t)ret);
        if (err)
            return err;
    }
    return ret;
}

SYSCALL_DECL(readlink)
{
    return do_readlinkat(t, AT_FDCWD, a[0], a[1], (int32_t)a[2]);
}

SYSCALL_DECL(readlinkat)
{
    return do_readlinkat(t, (int)a[0], a[1], a[2], (int32_t)a[3]);
}

SYSCALL_DECL(chmod)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, chmod(p.host, (mode_t)a[1]));
}

SYSCALL_DECL(fchmod)
{
    (void)t;
    return host_ret(fchmod((int)a[0], (mode_t)a[1]));
}

/* The kernel's fchmodat has no flags argument. */
SYSCALL_DECL(fchmodat)
{
    WITH_PATH(t, a[1], GPATH_PLAIN, p,
              syscall(SYS_fchmodat, (int)a[0], p.host, (mode_t)a[2]));
}

/* A 16-bit id widened: 0xffff is -1, "leave unchanged". */
static uid_t id16(abi_ulong v)
{
    uint16_t x = (uint16_t)v;
    return x == 0xffff ? (uid_t)-1 : x;
}

SYSCALL_DECL(chown)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, chown(p.host, (uid_t)a[1], (gid_t)a[2]));
}

SYSCALL_DECL(lchown)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, lchown(p.host, (uid_t)a[1], (gid_t)a[2]));
}

SYSCALL_DECL(fchown)
{
    (void)t;
    return host_ret(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
}

SYSCALL_DECL(chown16)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, chown(p.host, id16(a[1]), id16(a[2])));
}

SYSCALL_DECL(lchown16)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, lchown(p.host, id16(a[1]), id16(a[2])));
}

SYSCALL_DECL(fchown16)
{
    (void)t;
    return host_ret(fchown((int)a[0], id16(a[1]), id16(a[2])));
}

SYSCALL_DECL(fchownat)
{
    WITH_PATH(t, a[1], GPATH_PLAIN, p,
              fchownat((int)a[0], p.host, (uid_t)a[2], (gid_t)a[3], (int)a[4]));
}

SYSCALL_DECL(umask)
{
    (void)t;
    return (abi_long)umask((mode_t)(a[0] & 0777));
}

SYSCALL_DECL(chdir)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, chdir(p.host));
}

SYSCALL_DECL(fchdir)
{
    (void)t;
    return host_ret(fchdir((int)a[0]));
}

SYSCALL_DECL(chroot)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, chroot(p.host));
}

/* getcwd returns the length with the NUL, or ERANGE when size is short. */
SYSCALL_DECL(getcwd)
{
    char buf[GUEST_PATH_MAX];
    uint32_t size = a[1];
    long r = syscall(SYS_getcwd, buf, size < sizeof(buf) ? (size_t)size : sizeof(buf));
    if (r < 0)
        return host_to_guest_errno(errno);
    abi_long err = put_guest(t, a[0], buf, (size_t)r);
    return err ? err : (abi_long)r;
}

/* utimensat and its older forms, all through the kernel's utimensat
 * (path NULL acts on dirfd itself, which the libc wrapper refuses). */
static abi_long do_utimens(LinuxThread *t, int dirfd, uint32_t path,
                           const struct timespec *ts, int flags)
{
    if (!path)
        return host_ret(syscall(SYS_utimensat, dirfd, NULL, ts, flags));
    WITH_PATH(t, path, GPATH_PLAIN, p, syscall(SYS_utimensat, dirfd, p.host, ts, flags));
}

SYSCALL_DECL(utime)
{
    if (!a[1])
        return do_utimens(t, AT_FDCWD, a[0], NULL, 0);
    GuestUtimbuf g;
    abi_long err = get_guest(t, &g, a[1], sizeof(g));
    if (err)
        return err;
    struct timespec ts[2] = { { g.actime, 0 }, { g.modtime, 0 } };
    return do_utimens(t, AT_FDCWD, a[0], ts, 0);
}

/* utimes and futimesat: two struct timeval, checked like the kernel. */
static abi_long do_utimes(LinuxThread *t, int dirfd, uint32_t path, uint32_t tv_addr)
{
    if (!tv_addr)
        return do_utimens(t, dirfd, path, NULL, 0);
    struct timeval tv[2];
    struct timespec ts[2];
    for (int i = 0; i < 2; i++) {
        abi_long err = get_guest_timeval(t, tv_addr + 8 * i, &tv[i]);
        if (err)
            return err;
        if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
            return -EINVAL;
        ts[i].tv_sec = tv[i].tv_sec;
        ts[i].tv_nsec = tv[i].tv_usec * 1000;
    }
    return do_utimens(t, dirfd, path, ts, 0);
}

SYSCALL_DECL(utimes)
{
    return do_utimes(t, AT_FDCWD, a[0], a[1]);
}

SYSCALL_DECL(futimesat)
{
    return do_utimes(t, (int)a[0], a[1], a[2]);
}

static abi_long do_utimensat(LinuxThread *t, const abi_ulong a[6], bool time64)
{
    struct timespec ts[2], *tsp = NULL;
    if (a[2]) {
        unsigned size = time64 ? sizeof(GuestTimespec64) : sizeof(GuestTimespec32);
        for (int i = 0; i < 2; i++) {
            abi_long err = get_guest_timespec(t, a[2] + size * i, time64, &ts[i]);
            if (err)
                return err;
        }
        tsp = ts;
    }
    return do_utimens(t, (int)a[0], a[1], tsp, (int)a[3]);
}

SYSCALL_DECL(utimensat)
{
    return do_utimensat(t, a, false);
}

SYSCALL_DECL(utimensat_time64)
{
    return do_utimensat(t, a, true);
}

/* mount(source, target, fstype, flags, data): source, fstype and data
 * are optional strings (data is file-system specific but a string for
 * every file system that takes options). */
static abi_long opt_string(LinuxThread *t, uint32_t addr, size_t max, char **out)
{
    *out = NULL;
    if (!addr)
        return 0;
    int err = 0;
    *out = strdup_from_guest(&t->proc->space, addr, max, &err);
    return *out ? 0 : err;
}

SYSCALL_DECL(mount)
{
    char *source, *fstype = NULL, *data = NULL;
    abi_long err = opt_string(t, a[0], GUEST_PATH_MAX, &source);
    if (!err)
        err = opt_string(t, a[2], GUEST_PATH_MAX, &fstype);
    if (!err)
        err = opt_string(t, a[4], GUEST_PAGE_SIZE, &data);
    if (!err) {
        GuestPath target;
        err = guest_path_get(t, a[1], GPATH_PLAIN, &target);
        if (!err) {
            err = host_ret(mount(source, target.host, fstype, a[3], data));
            guest_path_free(&target);
        }
    }
    free(source);
    free(fstype);
    free(data);
    return err;
}

SYSCALL_DECL(umount)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, umount2(p.host, 0));
}

SYSCALL_DECL(umount2)
{
    WITH_PATH(t, a[0], GPATH_PLAIN, p, umount2(p.host, (int)a[1]));
}
