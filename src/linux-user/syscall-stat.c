/*
 * File status: the stat family in its three i386 shapes and statfs.
 *
 * - stat/lstat/fstat (106-108) fill the 32-bit struct stat: device
 *   numbers in the old 8:8 encoding, 32-bit inode and size, 16-bit link
 *   count; a value that does not fit is EOVERFLOW and a uid or gid over
 *   65535 becomes the overflow id 65534, as the i386 kernel does.
 * - stat64/lstat64/fstat64/fstatat64 (195-197, 300) fill struct stat64,
 *   whose fields are wide enough for any host value.
 * - statx (383) has one layout on every architecture and is copied.
 *
 * Look-ups by path see the -L sysroot, and /proc/self/exe names the
 * guest program (see syscall-procfs.c).
 */
#include "linux-user/syscall-internal.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define OVERFLOW_ID 65534

void stat64_to_guest(const struct stat *st, GuestStat64 *g)
{
    memset(g, 0, sizeof(*g));
    g->st_dev = st->st_dev;
    g->st_ino32 = (uint32_t)st->st_ino;
    g->st_mode = st->st_mode;
    g->st_nlink = (uint32_t)st->st_nlink;
    g->st_uid = st->st_uid;
    g->st_gid = st->st_gid;
    g->st_rdev = st->st_rdev;
    g->st_size = st->st_size;
    g->st_blksize = (uint32_t)st->st_blksize;
    g->st_blocks = (uint64_t)st->st_blocks;
    g->st_atime_sec = (uint32_t)st->st_atim.tv_sec;
    g->st_atime_nsec = (uint32_t)st->st_atim.tv_nsec;
    g->st_mtime_sec = (uint32_t)st->st_mtim.tv_sec;
    g->st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
    g->st_ctime_sec = (uint32_t)st->st_ctim.tv_sec;
    g->st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
    g->st_ino = st->st_ino;
}

/* The old 16-bit device encoding: 8 bits of major, 8 of minor. */
static bool old_dev(dev_t d, uint32_t *out)
{
    unsigned ma = major(d), mi = minor(d);
    if (ma > 0xff || mi > 0xff)
        return false;
    *out = (ma << 8) | mi;
    return true;
}

static uint16_t id_to_16(uint32_t id)
{
    return id > 0xffff ? OVERFLOW_ID : (uint16_t)id;
}

int stat_to_guest(const struct stat *st, GuestStat *g)
{
    memset(g, 0, sizeof(*g));
    uint32_t dev, rdev;
    if (!old_dev(st->st_dev, &dev) || !old_dev(st->st_rdev, &rdev))
        return -EOVERFLOW;
    if (st->st_ino > UINT32_MAX || st->st_nlink > 0xffff || st->st_size > INT32_MAX)
        return -EOVERFLOW;
    g->st_dev = dev;
    g->st_ino = (uint32_t)st->st_ino;
    g->st_mode = (uint16_t)st->st_mode;
    g->st_nlink = (uint16_t)st->st_nlink;
    g->st_uid = id_to_16(st->st_uid);
    g->st_gid = id_to_16(st->st_gid);
    g->st_rdev = rdev;
    g->st_size = (uint32_t)st->st_size;
    g->st_blksize = (uint32_t)st->st_blksize;
    g->st_blocks = (uint32_t)st->st_blocks;
    g->st_atime_sec = (uint32_t)st->st_atim.tv_sec;
    g->st_atime_nsec = (uint32_t)st->st_atim.tv_nsec;
    g->st_mtime_sec = (uint32_t)st->st_mtim.tv_sec;
    g->st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
    g->st_ctime_sec = (uint32_t)st->st_ctim.tv_sec;
    g->st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
    return 0;
}

/* fstatat on a guest path (or on dirfd alone with AT_EMPTY_PATH). */
static abi_long host_fstatat(LinuxThread *t, int dirfd, uint32_t path, int flags,
                             struct stat *st)
{
    GuestPath p;
    abi_long err = guest_path_get(t, path, GPATH_SYSROOT, &p);
    if (err)
        return err;
    const char *name = p.host;
    if (!(flags & AT_SYMLINK_NOFOLLOW) && t->proc->exe_path &&
        proc_is_self_entry(p.guest, "exe"))
        name = t->proc->exe_path;
    err = host_ret(fstatat(dirfd, name, st, flags));
    guest_path_free(&p);
    return err;
}

static abi_long put_stat64(LinuxThread *t, uint32_t addr, const struct stat *st)
{
    GuestStat64 g;
    stat64_to_guest(st, &g);
    return put_guest(t, addr, &g, sizeof(g));
}

static abi_long put_stat(LinuxThread *t, uint32_t addr, const struct stat *st)
{
    GuestStat g;
    int r = stat_to_guest(st, &g);
    if (r)
        return r;
    return put_guest(t, addr, &g, sizeof(g));
}

SYSCALL_DECL(stat)
{
    struct stat st;
    abi_long err = host_fstatat(t, AT_FDCWD, a[0], 0, &st);
    return err ? err : put_stat(t, a[1], &st);
}

SYSCALL_DECL(lstat)
{
    struct stat st;
    abi_long err = host_fstatat(t, AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, &st);
    return err ? err : put_stat(t, a[1], &st);
}

SYSCALL_DECL(fstat)
{
    struct stat st;
    if (fstat((int)a[0], &st) != 0)
        return host_to_guest_errno(errno);
    return put_stat(t, a[1], &st);
}

SYSCALL_DECL(stat64)
{
    struct stat st;
    abi_long err = host_fstatat(t, AT_FDCWD, a[0], 0, &st);
    return err ? err : put_stat64(t, a[1], &st);
}

SYSCALL_DECL(lstat64)
{
    struct stat st;
    abi_long err = host_fstatat(t, AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, &st);
    return err ? err : put_stat64(t, a[1], &st);
}

SYSCALL_DECL(fstat64)
{
    struct stat st;
    if (fstat((int)a[0], &st) != 0)
        return host_to_guest_errno(errno);
    return put_stat64(t, a[1], &st);
}

/* fstatat64(dirfd, path, struct stat64 *, flags) */
SYSCALL_DECL(fstatat64)
{
    struct stat st;
    abi_long err = host_fstatat(t, (int)a[0], a[1], (int)a[3], &st);
    return err ? err : put_stat64(t, a[2], &st);
}

/* statx(dirfd, path, flags, mask, struct statx *) */
SYSCALL_DECL(statx)
{
    uint8_t buf[GUEST_STATX_SIZE];
    int dirfd = (int)a[0], flags = (int)a[2];
    unsigned mask = (unsigned)a[3];
    long r;
    if (!a[1]) {
        /* Linux 6.11 accepts NULL for "" with AT_EMPTY_PATH. */
        r = syscall(SYS_statx, dirfd, NULL, flags, mask, buf);
    } else {
        GuestPath p;
        abi_long err = guest_path_get(t, a[1], GPATH_SYSROOT, &p);
        if (err)
            return err;
        const char *name = p.host;
        if (!(flags & AT_SYMLINK_NOFOLLOW) && t->proc->exe_path &&
            proc_is_self_entry(p.guest, "exe"))
            name = t->proc->exe_path;
        r = syscall(SYS_statx, dirfd, name, flags, mask, buf);
        guest_path_free(&p);
    }
    if (r != 0)
        return host_to_guest_errno(errno);
    return put_guest(t, a[4], buf, sizeof(buf));
}

void statfs64_to_guest(const struct statfs *s, GuestStatfs64 *g)
{
    memset(g, 0, sizeof(*g));
    g->f_type = (uint32_t)s->f_type;
    g->f_bsize = (uint32_t)s->f_bsize;
    g->f_blocks = s->f_blocks;
    g->f_bfree = s->f_bfree;
    g->f_bavail = s->f_bavail;
    g->f_files = s->f_files;
    g->f_ffree = s->f_ffree;
    memcpy(g->f_fsid, &s->f_fsid, sizeof(g->f_fsid));
    g->f_namelen = (uint32_t)s->f_namelen;
    g->f_frsize = (uint32_t)s->f_frsize;
    g->f_flags = (uint32_t)s->f_flags;
}

int statfs_to_guest(const struct statfs *s, GuestStatfs *g)
{
    memset(g, 0, sizeof(*g));
    /* The 32-bit kernel's rule: block counts must fit, and the file
     * counts may also be -1 ("unknown"). */
    if ((s->f_blocks | s->f_bfree | s->f_bavail) > UINT32_MAX)
        return -EOVERFLOW;
    if ((s->f_files != (fsfilcnt_t)-1 && s->f_files > UINT32_MAX) ||
        (s->f_ffree != (fsfilcnt_t)-1 && s->f_ffree > UINT32_MAX))
        return -EOVERFLOW;
    g->f_type = (uint32_t)s->f_type;
    g->f_bsize = (uint32_t)s->f_bsize;
    g->f_blocks = (uint32_t)s->f_blocks;
    g->f_bfree = (uint32_t)s->f_bfree;
    g->f_bavail = (uint32_t)s->f_bavail;
    g->f_files = (uint32_t)s->f_files;
    g->f_ffree = (uint32_t)s->f_ffree;
    memcpy(g->f_fsid, &s->f_fsid, sizeof(g->f_fsid));
    g->f_namelen = (uint32_t)s->f_namelen;
    g->f_frsize = (uint32_t)s->f_frsize;
    g->f_flags = (uint32_t)s->f_flags;
    return 0;
}

static abi_long path_statfs(LinuxThread *t, uint32_t path, struct statfs *s)
{
    GuestPath p;
    abi_long err = guest_path_get(t, path, GPATH_SYSROOT, &p);
    if (err)
        return err;
    err = host_ret(statfs(p.host, s));
    guest_path_free(&p);
    return err;
}

static abi_long put_statfs(LinuxThread *t, uint32_t addr, const struct statfs *s)
{
    GuestStatfs g;
    int r = statfs_to_guest(s, &g);
    return r ? r : put_guest(t, addr, &g, sizeof(g));
}

/* statfs64 and fstatfs64 pass the structure size: 84 on i386 (88 is
 * what some 32-bit libcs pass when their struct is unpacked, and Linux
 * accepts it for them). */
static abi_long put_statfs64(LinuxThread *t, uint32_t addr, const struct statfs *s)
{
    GuestStatfs64 g;
    statfs64_to_guest(s, &g);
    return put_guest(t, addr, &g, sizeof(g));
}

static bool statfs64_size_ok(uint32_t size)
{
    return size == sizeof(GuestStatfs64) || size == 88;
}

SYSCALL_DECL(statfs)
{
    struct statfs s;
    abi_long err = path_statfs(t, a[0], &s);
    return err ? err : put_statfs(t, a[1], &s);
}

SYSCALL_DECL(fstatfs)
{
    struct statfs s;
    if (fstatfs((int)a[0], &s) != 0)
        return host_to_guest_errno(errno);
    return put_statfs(t, a[1], &s);
}

SYSCALL_DECL(statfs64)
{
    if (!statfs64_size_ok(a[1]))
        return -EINVAL;
    struct statfs s;
    abi_long err = path_statfs(t, a[0], &s);
    return err ? err : put_statfs64(t, a[2], &s);
}

SYSCALL_DECL(fstatfs64)
{
    if (!statfs64_size_ok(a[1]))
        return -EINVAL;
    struct statfs s;
    if (fstatfs((int)a[0], &s) != 0)
        return host_to_guest_errno(errno);
    return put_statfs64(t, a[2], &s);
}
