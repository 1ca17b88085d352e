/*
 * File descriptors and the data through them: open, close, read,
 * write and their vector and positioned forms, seeking, duplication,
 * pipes, truncation, syncing, in-kernel copies, and the descriptor-making
 * calls (eventfd, memfd, inotify).
 *
 * Descriptor numbers are the host's: the guest's fd 3 is mimic's fd 3,
 * so descriptors survive exec and are inherited as they would be.  Data
 * moves directly between the host kernel and guest memory (see
 * syscall-internal.h).  A 64-bit file offset arrives in two registers,
 * low word first; the 32-bit calls (lseek, sendfile, truncate) refuse
 * offsets they cannot represent with EOVERFLOW or EINVAL as i386 Linux
 * does.  Open flags have the same values on i386 and x86-64.
 *
 * Large files: the host forces O_LARGEFILE on every descriptor mimic
 * opens.  A guest that opens without it still gets EOVERFLOW for a
 * regular file over 2 GiB, as on i386 Linux; the later limits of such a
 * descriptor (ftruncate or write past 2 GiB) are not kept, since the
 * host descriptor cannot remember that the guest did not ask.
 */
#include "linux-user/syscall-internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Linux caps one read or write at INT_MAX rounded down to a page. */
#define GUEST_MAX_RW_COUNT 0x7ffff000u

/* The errno for an unusable buffer: Linux checks the descriptor first. */
static abi_long bad_buffer(int fd)
{
    if (fcntl(fd, F_GETFD) < 0)
        return host_to_guest_errno(errno);
    return -EFAULT;
}

/* A 32-bit program that did not ask for large-file support cannot open
 * a regular file over 2 GiB (the kernel's generic_file_open); the host,
 * which treats mimic as a 64-bit process, would let it. */
static abi_long check_large_file(int fd, int flags)
{
    struct stat st;
    if (fd < 0 || (flags & O_LARGEFILE_GUEST) || fstat(fd, &st) != 0)
        return fd;
    if (S_ISREG(st.st_mode) && st.st_size > GUEST_MAX_NON_LFS) {
        close(fd);
        return -EOVERFLOW;
    }
    return fd;
}

static abi_long do_openat(LinuxThread *t, int dirfd, uint32_t path, int flags, int mode)
{
    GuestPath p;
    abi_long ret = guest_path_get(t, path, GPATH_SYSROOT, &p);
    if (ret)
        return ret;
    if (!procfs_open(t, p.guest, flags, mode, &ret)) {
        ret = host_ret(safe_syscall(SYS_openat, dirfd, p.host, flags, mode));
        ret = check_large_file(ret, flags);
    }
    guest_path_free(&p);
    return ret;
}

SYSCALL_DECL(open)
{
    return do_openat(t, AT_FDCWD, a[0], (int)a[1], (int)a[2]);
}

SYSCALL_DECL(openat)
{
    return do_openat(t, (int)a[0], a[1], (int)a[2], (int)a[3]);
}

/* openat2(dirfd, path, struct open_how *, size): open_how is three u64
 * (flags, mode, resolve) on every architecture, possibly extended:
 * larger sizes must have zeros past what is known, as the kernel's
 * copy_struct_from_user requires. */
SYSCALL_DECL(openat2)
{
    uint32_t size = a[3];
    if (size < 24)
        return -EINVAL;
    if (size > GUEST_PAGE_SIZE)
        return -E2BIG;
    uint8_t how[GUEST_PAGE_SIZE];
    abi_long err = get_guest(t, how, a[2], size);
    if (err)
        return err;
    for (uint32_t i = 24; i < size; i++)
        if (how[i])
            return -E2BIG;
    uint64_t flags;
    memcpy(&flags, how, 8);
    GuestPath p;
    err = guest_path_get(t, a[1], GPATH_SYSROOT, &p);
    if (err)
        return err;
    abi_long ret;
    if (!procfs_open(t, p.guest, (int)flags, 0, &ret)) {
        ret = host_ret(safe_syscall(SYS_openat2, (int)a[0], p.host, how, 24));
        ret = check_large_file(ret, (int)flags);
    }
    guest_path_free(&p);
    return ret;
}

SYSCALL_DECL(creat)
{
    return do_openat(t, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, (int)a[1]);
}

SYSCALL_DECL(close)
{
    (void)t;
    return host_ret(close((int)a[0]));
}

SYSCALL_DECL(close_range)
{
    (void)t;
    return host_ret(syscall(SYS_close_range, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]));
}

/* read and pread: the guest-writable prefix of the buffer. */
static abi_long do_read(LinuxThread *t, int fd, uint32_t buf, uint32_t count,
                        bool positioned, uint64_t pos)
{
    if (count > GUEST_MAX_RW_COUNT)
        count = GUEST_MAX_RW_COUNT;
    uint32_t n = guest_prefix(t, buf, count, GPAGE_WRITE);
    if (n == 0 && count > 0)
        return bad_buffer(fd);
    void *p = guest_out_ptr(t, buf, n);
    if (!p)
        return -EFAULT;
    if (positioned) {
        if ((int64_t)pos < 0)
            return -EINVAL;
        return host_ret(safe_syscall(SYS_pread64, fd, p, n, (off_t)pos));
    }
    return host_ret(safe_syscall(SYS_read, fd, p, n));
}

static abi_long do_write(LinuxThread *t, int fd, uint32_t buf, uint32_t count,
                         bool positioned, uint64_t pos)
{
    if (count > GUEST_MAX_RW_COUNT)
        count = GUEST_MAX_RW_COUNT;
    uint32_t n = guest_prefix(t, buf, count, GPAGE_READ);
    if (n == 0 && count > 0)
        return bad_buffer(fd);
    const void *p = guest_in_ptr(t, buf, n);
    if (!p)
        return -EFAULT;
    if (positioned) {
        if ((int64_t)pos < 0)
            return -EINVAL;
        return host_ret(safe_syscall(SYS_pwrite64, fd, p, n, (off_t)pos));
    }
    return host_ret(safe_syscall(SYS_write, fd, p, n));
}

SYSCALL_DECL(read)
{
    return do_read(t, (int)a[0], a[1], a[2], false, 0);
}

SYSCALL_DECL(write)
{
    return do_write(t, (int)a[0], a[1], a[2], false, 0);
}

SYSCALL_DECL(pread64)
{
    return do_read(t, (int)a[0], a[1], a[2], true, arg64(a[3], a[4]));
}

SYSCALL_DECL(pwrite64)
{
    return do_write(t, (int)a[0], a[1], a[2], true, arg64(a[3], a[4]));
}

enum { IOV_PLAIN, IOV_POS, IOV_POS_FLAGS };

static abi_long do_iov(LinuxThread *t, const abi_ulong a[6], bool to_guest, int form)
{
    GuestIov v;
    abi_long err = guest_iov_get(t, &v, a[1], a[2], to_guest);
    if (err)
        return err == -EFAULT ? bad_buffer((int)a[0]) : err;
    int fd = (int)a[0];
    off_t pos = (off_t)arg64(a[3], a[4]);
    /* The x86-64 kernel takes the whole offset in the low argument. */
    long r;
    switch (form) {
    case IOV_PLAIN:
        r = safe_syscall(to_guest ? SYS_readv : SYS_writev, fd, v.iov, v.count);
        break;
    case IOV_POS:
        r = safe_syscall(to_guest ? SYS_preadv : SYS_pwritev, fd, v.iov, v.count, pos, 0);
        break;
    default:
        /* preadv2 takes -1 as "the current position". */
        r = safe_syscall(to_guest ? SYS_preadv2 : SYS_pwritev2, fd, v.iov, v.count, pos, 0,
                         (int)a[5]);
        break;
    }
    abi_long ret = host_ret(r);
    guest_iov_free(&v);
    return ret;
}

SYSCALL_DECL(readv)
{
    return do_iov(t, a, true, IOV_PLAIN);
}

SYSCALL_DECL(writev)
{
    return do_iov(t, a, false, IOV_PLAIN);
}

SYSCALL_DECL(preadv)
{
    return do_iov(t, a, true, IOV_POS);
}

SYSCALL_DECL(pwritev)
{
    return do_iov(t, a, false, IOV_POS);
}

SYSCALL_DECL(preadv2)
{
    return do_iov(t, a, true, IOV_POS_FLAGS);
}

SYSCALL_DECL(pwritev2)
{
    return do_iov(t, a, false, IOV_POS_FLAGS);
}

SYSCALL_DECL(lseek)
{
    (void)t;
    off_t r = lseek((int)a[0], (off_t)(int32_t)a[1], (int)a[2]);
    if (r < 0)
        return host_to_guest_errno(errno);
    /* The position moved, but a 32-bit off_t cannot report it. */
    if (r > INT32_MAX)
        return -EOVERFLOW;
    return (abi_long)r;
}

/* _llseek(fd, offset_high, offset_low, loff_t *result, whence) */
SYSCALL_DECL(llseek)
{
    off_t r = lseek((int)a[0], (off_t)arg64(a[2], a[1]), (int)a[4]);
    if (r < 0)
        return host_to_guest_errno(errno);
    int64_t res = r;
    return put_guest(t, a[3], &res, sizeof(res));
}

SYSCALL_DECL(dup)
{
    (void)t;
    return host_ret(dup((int)a[0]));
}

SYSCALL_DECL(dup2)
{
    (void)t;
    return host_ret(dup2((int)a[0], (int)a[1]));
}

SYSCALL_DECL(dup3)
{
    (void)t;
    return host_ret(dup3((int)a[0], (int)a[1], (int)a[2]));
}

static abi_long do_pipe(LinuxThread *t, uint32_t addr, int flags)
{
    int fds[2];
    if (pipe2(fds, flags) != 0)
        return host_to_guest_errno(errno);
    int32_t g[2] = { fds[0], fds[1] };
    abi_long err = put_guest(t, addr, g, sizeof(g));
    if (err) {
        close(fds[0]);
        close(fds[1]);
    }
    return err;
}

SYSCALL_DECL(pipe)
{
    return do_pipe(t, a[0], 0);
}

SYSCALL_DECL(pipe2)
{
    return do_pipe(t, a[0], (int)a[1]);
}

SYSCALL_DECL(ftruncate)
{
    (void)t;
    return host_ret(ftruncate((int)a[0], (off_t)(int32_t)a[1]));
}

SYSCALL_DECL(ftruncate64)
{
    (void)t;
    return host_ret(ftruncate((int)a[0], (off_t)arg64(a[1], a[2])));
}

static abi_long do_truncate(LinuxThread *t, uint32_t path, off_t len)
{
    GuestPath p;
    abi_long err = guest_path_get(t, path, GPATH_PLAIN, &p);
    if (err)
        return err;
    abi_long ret = host_ret(truncate(p.host, len));
    guest_path_free(&p);
    return ret;
}

SYSCALL_DECL(truncate)
{
    return do_truncate(t, a[0], (off_t)(int32_t)a[1]);
}

SYSCALL_DECL(truncate64)
{
    return do_truncate(t, a[0], (off_t)arg64(a[1], a[2]));
}

SYSCALL_DECL(fsync)
{
    (void)t;
    return host_ret(fsync((int)a[0]));
}

SYSCALL_DECL(fdatasync)
{
    (void)t;
    return host_ret(fdatasync((int)a[0]));
}

SYSCALL_DECL(sync)
{
    (void)t;
    (void)a;
    sync();
    return 0;
}

SYSCALL_DECL(syncfs)
{
    (void)t;
    return host_ret(syncfs((int)a[0]));
}

/* sync_file_range(fd, offset lo, hi, nbytes lo, hi, flags) */
SYSCALL_DECL(sync_file_range)
{
    (void)t;
    return host_ret(sync_file_range((int)a[0], (off_t)arg64(a[1], a[2]),
                                    (off_t)arg64(a[3], a[4]), (unsigned)a[5]));
}

/* sendfile with a 32-bit (wide false) or 64-bit offset in guest memory. */
static abi_long do_sendfile(LinuxThread *t, const abi_ulong a[6], bool wide)
{
    int out = (int)a[0], in = (int)a[1];
    uint32_t offp = a[2];
    if (!offp)
        return host_ret(safe_syscall(SYS_sendfile, out, in, NULL, a[3]));
    off_t off;
    if (wide) {
        int64_t v;
        abi_long err = get_guest(t, &v, offp, sizeof(v));
        if (err)
            return err;
        off = (off_t)v;
    } else {
        int32_t v;
        abi_long err = get_guest(t, &v, offp, sizeof(v));
        if (err)
            return err;
        off = v;
    }
    long r = safe_syscall(SYS_sendfile, out, in, &off, a[3]);
    if (r < 0)
        return host_to_guest_errno(errno);
    abi_long err;
    if (wide) {
        int64_t v = off;
        err = put_guest(t, offp, &v, sizeof(v));
    } else {
        if (off > INT32_MAX)
            return -EOVERFLOW;
        int32_t v = (int32_t)off;
        err = put_guest(t, offp, &v, sizeof(v));
    }
    return err ? err : (abi_long)r;
}

SYSCALL_DECL(sendfile)
{
    return do_sendfile(t, a, false);
}

SYSCALL_DECL(sendfile64)
{
    return do_sendfile(t, a, true);
}

/* An optional loff_t in guest memory, read before and written after. */
static abi_long get_opt_off(LinuxThread *t, uint32_t addr, loff_t *off, loff_t **p)
{
    *p = NULL;
    if (!addr)
        return 0;
    int64_t v;
    abi_long err = get_guest(t, &v, addr, sizeof(v));
    if (err)
        return err;
    *off = v;
    *p = off;
    return 0;
}

static abi_long put_opt_off(LinuxThread *t, uint32_t addr, const loff_t *p)
{
    if (!p)
        return 0;
    int64_t v = *p;
    return put_guest(t, addr, &v, sizeof(v));
}

/* copy_file_range and splice: (fd_in, off_in*, fd_out, off_out*, len, flags) */
static abi_long do_copy(LinuxThread *t, const abi_ulong a[6], bool splice_call)
{
    loff_t in_off, out_off, *in_p, *out_p;
    abi_long err = get_opt_off(t, a[1], &in_off, &in_p);
    if (!err)
        err = get_opt_off(t, a[3], &out_off, &out_p);
    if (err)
        return err;
    long r = safe_syscall(splice_call ? SYS_splice : SYS_copy_file_range, (int)a[0], in_p,
                          (int)a[2], out_p, a[4], (unsigned)a[5]);
    if (r < 0)
        return host_to_guest_errno(errno);
    err = put_opt_off(t, a[1], in_p);
    if (!err)
        err = put_opt_off(t, a[3], out_p);
    return err ? err : (abi_long)r;
}

SYSCALL_DECL(copy_file_range)
{
    return do_copy(t, a, false);
}

SYSCALL_DECL(splice)
{
    return do_copy(t, a, true);
}

SYSCALL_DECL(tee)
{
    (void)t;
    return host_ret(safe_syscall(SYS_tee, (int)a[0], (int)a[1], a[2], (unsigned)a[3]));
}

/* fadvise64(fd, offset lo, hi, u32 len, advice) */
SYSCALL_DECL(fadvise64)
{
    (void)t;
    return host_ret(syscall(SYS_fadvise64, (int)a[0], (off_t)arg64(a[1], a[2]),
                            (off_t)a[3], (int)a[4]));
}

/* fadvise64_64(fd, offset lo, hi, len lo, hi, advice) */
SYSCALL_DECL(fadvise64_64)
{
    (void)t;
    return host_ret(syscall(SYS_fadvise64, (int)a[0], (off_t)arg64(a[1], a[2]),
                            (off_t)arg64(a[3], a[4]), (int)a[5]));
}

/* fallocate(fd, mode, offset lo, hi, len lo, hi) */
SYSCALL_DECL(fallocate)
{
    (void)t;
    return host_ret(fallocate((int)a[0], (int)a[1], (off_t)arg64(a[2], a[3]),
                              (off_t)arg64(a[4], a[5])));
}

/* readahead(fd, offset lo, hi, count) */
SYSCALL_DECL(readahead)
{
    (void)t;
    return host_ret(readahead((int)a[0], (off64_t)arg64(a[1], a[2]), a[3]));
}

SYSCALL_DECL(flock)
{
    (void)t;
    return host_ret(safe_syscall(SYS_flock, (int)a[0], (int)a[1]));
}

SYSCALL_DECL(eventfd)
{
    (void)t;
    return host_ret(eventfd((unsigned)a[0], 0));
}

SYSCALL_DECL(eventfd2)
{
    (void)t;
    return host_ret(eventfd((unsigned)a[0], (int)a[1]));
}

SYSCALL_DECL(memfd_create)
{
    int err = 0;
    /* The kernel limits the name to 249 bytes. */
    char *name = strdup_from_guest(&t->proc->space, a[0], 250, &err);
    if (!name)
        return err == -ENAMETOOLONG ? -EINVAL : err;
    abi_long ret = host_ret(memfd_create(name, (unsigned)a[1]));
    free(name);
    return ret;
}

SYSCALL_DECL(inotify_init)
{
    (void)t;
    (void)a;
    return host_ret(inotify_init());
}

SYSCALL_DECL(inotify_init1)
{
    (void)t;
    return host_ret(inotify_init1((int)a[0]));
}

SYSCALL_DECL(inotify_add_watch)
{
    GuestPath p;
    abi_long err = guest_path_get(t, a[1], GPATH_SYSROOT, &p);
    if (err)
        return err;
    abi_long ret = host_ret(inotify_add_watch((int)a[0], p.host, (uint32_t)a[2]));
    guest_path_free(&p);
    return ret;
}

SYSCALL_DECL(inotify_rm_watch)
{
    (void)t;
    return host_ret(inotify_rm_watch((int)a[0], (int)a[1]));
}
