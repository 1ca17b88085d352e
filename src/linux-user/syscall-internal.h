/*
 * What the files of the system call layer share: the table's row type,
 * guest-memory and path helpers, the -strace formatter, and the handlers
 * each file implements (the user-mode layer's own handlers are declared
 * in syscall-impl.h).
 *
 * Guest memory is reached in two ways.  Small structures are copied with
 * copy_from_guest/copy_to_guest and converted field by field.  Bulk data
 * (read, write, recv...) goes straight between the host kernel and guest
 * memory at g2h(addr) once the guest-space layer has vouched for the
 * whole range (guest_access_ok to read it, guest_prepare_write to write
 * it, which also makes pages holding translated code host-writable and
 * drops that code), because that is where the kernel would put it
 * anyway.  If another thread unmaps the range meanwhile, the host kernel
 * answers EFAULT, as Linux would; the host never faults.
 *
 * Calls that may block go through safe_syscall() so that a guest signal
 * always interrupts them.  docs/syscall-layer.md has the whole design.
 */
#ifndef MIMIC_LINUX_USER_SYSCALL_INTERNAL_H
#define MIMIC_LINUX_USER_SYSCALL_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include "linux-user/i386/abi.h"
#include "linux-user/safe-syscall.h"
#include "linux-user/syscall-impl.h"

/* ---- the table (syscall-table.c) ------------------------------------- */

enum {
    SC_NORETURN = 1u << 0,   /* exit, execve on success: -strace prints before */
    SC_RET_HEX = 1u << 1,    /* the result is an address (brk, mmap) */
    SC_RET_REGS = 1u << 2,   /* sigreturn: the result is the restored eax */
};

typedef struct SyscallDef {
    uint16_t nr;
    const char *name;
    SyscallFn fn;
    /* How -strace prints each argument, one character per argument in
     * register order (strace.c lists the characters). */
    const char *args;
    uint8_t flags;           /* SC_* */
} SyscallDef;

extern const SyscallDef syscall_table[];
extern const unsigned syscall_table_size;

/* The row for number nr, or NULL. */
const SyscallDef *syscall_lookup(uint32_t nr);

/* ---- -strace (strace.c) ---------------------------------------------- */

/* Formats "name(arg,arg,...)" into buf; strings and buffers are read from
 * guest memory (a bad pointer prints as its address).  ret is the
 * call's result, used by arguments printed from the output ("B"). */
void strace_format_call(const GuestSpace *gs, const SyscallDef *def,
                        const abi_ulong a[6], abi_long ret, char *buf, size_t len);
/* Formats " = 3", " = 0xf7ff0000", " = -1 ENOENT (No such file or
 * directory)" or " = ?" (for calls that did not return). */
void strace_format_result(const SyscallDef *def, abi_long ret, bool returned,
                          char *buf, size_t len);
/* Prints one line "pid call = result" to the log stream (stderr by
 * default, -D file). */
void strace_print(LinuxThread *t, const SyscallDef *def, const abi_ulong a[6],
                  abi_long ret, bool returned);
/* Prints the line of a number without a row: "pid syscall_999(...)" */
void strace_print_unknown(LinuxThread *t, uint32_t nr, const abi_ulong a[6]);
/* "ENOENT" for errno 2; NULL when unknown. */
const char *strace_errno_name(int guest_errno);

/* ---- results and errors (syscall.c) ----------------------------------- */

/* -errno when r is -1, otherwise r (for libc calls that set errno). */
static inline abi_long host_ret(long r)
{
    return guest_result(r);
}

/* A host system call that may block, made so that a guest signal always
 * interrupts it (safe-syscall.h): like syscall(2), -1 with errno.  The
 * host numbers are <sys/syscall.h>'s SYS_*. */
#define safe_syscall(...) safe_syscall_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define safe_syscall_(nr, a, b, c, d, e, f, ...)                                  \
    linux_safe_syscall(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), \
                       (long)(f))

/* A 64-bit argument passed in two registers, low word first. */
static inline uint64_t arg64(abi_ulong lo, abi_ulong hi)
{
    return ((uint64_t)hi << 32) | lo;
}

/* Reports a feature the guest used that is not emulated (-d unimp). */
void syscall_unimp(LinuxThread *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- guest memory (syscall-guestmem.c) ---------------------------------- */

static inline abi_long get_guest(LinuxThread *t, void *dst, uint32_t src, size_t len)
{
    return copy_from_guest(&t->proc->space, dst, src, len);
}
static inline abi_long put_guest(LinuxThread *t, uint32_t dst, const void *src, size_t len)
{
    return copy_to_guest(&t->proc->space, dst, src, len);
}
static inline abi_long put_guest_u32(LinuxThread *t, uint32_t dst, uint32_t v)
{
    return put_guest(t, dst, &v, 4);
}
static inline abi_long get_guest_u32(LinuxThread *t, uint32_t src, uint32_t *v)
{
    return get_guest(t, v, src, 4);
}

/* Host pointer to len guest bytes at addr that the host may read, or
 * NULL (-EFAULT) when the guest may not read them all.  len 0 gives a
 * valid pointer for any addr. */
const void *guest_in_ptr(LinuxThread *t, uint32_t addr, uint32_t len);

/* Host pointer to len guest bytes at addr that the host kernel may
 * write, or NULL (-EFAULT) when the guest may not write them all. */
void *guest_out_ptr(LinuxThread *t, uint32_t addr, uint32_t len);

/* How many bytes from addr on (at most len) the guest may access with
 * the GPAGE_* bits of need: read() and write() move that prefix, as
 * Linux stops at the first byte it cannot copy. */
uint32_t guest_prefix(LinuxThread *t, uint32_t addr, uint32_t len, unsigned need);

/* A guest iovec array as host iovecs pointing into guest memory. */
typedef struct GuestIov {
    struct iovec *iov;
    int count;
} GuestIov;
/* Reads count guest iovecs at addr; to_guest says the data flows into
 * the guest.  -EINVAL for a count over IOV_MAX or a total over
 * SSIZE_MAX (as the kernel), -EFAULT for a bad array or buffer. */
abi_long guest_iov_get(LinuxThread *t, GuestIov *v, uint32_t addr, uint32_t count,
                       bool to_guest);
void guest_iov_free(GuestIov *v);

/* The longest path a guest may pass, with its NUL (PATH_MAX). */
#define GUEST_PATH_MAX 4096

/* A guest path, and the host path to use for it. */
typedef struct GuestPath {
    char *guest;             /* as the guest wrote it */
    const char *host;        /* guest, or its sysroot form */
    char *alloc;
} GuestPath;
enum {
    GPATH_PLAIN = 0,
    GPATH_SYSROOT = 1u << 0,   /* look an absolute path up in -L first */
};
/* Reads the path at addr: 0, -EFAULT, -ENAMETOOLONG. */
abi_long guest_path_get(LinuxThread *t, uint32_t addr, unsigned how, GuestPath *p);
void guest_path_free(GuestPath *p);
/* The sysroot form of an absolute path when it exists there: a malloc'd
 * string, or NULL to use path itself. */
char *sysroot_path(const LinuxProcess *proc, const char *path);
/* True when path names the running program through /proc (/proc/self/exe,
 * /proc/<our pid>/exe, /proc/thread-self/exe). */
bool proc_is_self_entry(const char *path, const char *entry);

/* syscall-procfs.c: serves /proc/self/{exe,auxv,maps} from the emulated
 * process; false when path is not one of them (the host's /proc is
 * right for it). */
bool procfs_open(LinuxThread *t, const char *path, int flags, int mode, abi_long *ret);

/* ---- time conversions (syscall-time.c) --------------------------------- */

struct timespec;
struct timeval;
/* Guest timespec at addr (32- or 64-bit layout) -> host, or -EFAULT.
 * Values are not checked (UTIME_NOW and UTIME_OMIT are out of range on
 * purpose): the host call checks them as Linux does. */
abi_long get_guest_timespec(LinuxThread *t, uint32_t addr, bool time64,
                            struct timespec *ts);
abi_long put_guest_timespec(LinuxThread *t, uint32_t addr, bool time64,
                            const struct timespec *ts);
abi_long get_guest_timeval(LinuxThread *t, uint32_t addr, struct timeval *tv);
abi_long put_guest_timeval(LinuxThread *t, uint32_t addr, const struct timeval *tv);

/* ---- structure conversions (pure; unit-tested) ------------------------ */

struct stat;
struct statfs;
struct rlimit;
struct rusage;
struct flock;
struct termios;
struct sysinfo;
struct epoll_event;

/* The int ones: 0, or -EOVERFLOW when a value does not fit the 32-bit
 * layout. */
void stat64_to_guest(const struct stat *st, GuestStat64 *g);
int stat_to_guest(const struct stat *st, GuestStat *g);
void statfs64_to_guest(const struct statfs *s, GuestStatfs64 *g);
int statfs_to_guest(const struct statfs *s, GuestStatfs *g);

/* Converts host linux_dirent64 records in [hbuf, hbuf + hlen) into guest
 * records (old getdents layout when old) in gbuf of glen bytes.
 * Returns the guest bytes written; *consumed is the host bytes used (a
 * record that does not fit stops the conversion; *last_off is the d_off
 * of the last record converted, to seek back to when records were left
 * over).  -EOVERFLOW when an inode number does not fit the old layout. */
long dirents_to_guest(const void *hbuf, size_t hlen, void *gbuf, size_t glen,
                      bool old, size_t *consumed, int64_t *last_off);

void rlimit_to_guest(const struct rlimit *r, GuestRlimit *g, bool old_getrlimit);
void rlimit_from_guest(const GuestRlimit *g, struct rlimit *r);
void rlimit64_to_guest(const struct rlimit *r, GuestRlimit64 *g);
void rlimit64_from_guest(const GuestRlimit64 *g, struct rlimit *r);
void rusage_to_guest(const struct rusage *r, GuestRusage *g);
void sysinfo_to_guest(const struct sysinfo *s, GuestSysinfo *g);

/* flock: 0, or -EOVERFLOW (to guest) when a 64-bit value does not fit. */
int flock_to_guest(const struct flock *f, GuestFlock *g);
void flock_from_guest(const GuestFlock *g, struct flock *f);
void flock64_to_guest(const struct flock *f, GuestFlock64 *g);
void flock64_from_guest(const GuestFlock64 *g, struct flock *f);

void termios_to_guest(const struct termios *h, GuestTermios *g);
void termios_from_guest(const GuestTermios *g, struct termios *h);

void epoll_event_to_guest(const struct epoll_event *h, GuestEpollEvent *g);
void epoll_event_from_guest(const GuestEpollEvent *g, struct epoll_event *h);

/* Control messages: guest -> host for sendmsg, host -> guest for
 * recvmsg.  Sizes in bytes; the _to_guest form sets MSG_CTRUNC in
 * *flags when the guest buffer was too small and returns the guest bytes
 * used.  -EINVAL for a malformed guest message. */
long cmsg_from_guest(const void *gbuf, size_t glen, void *hbuf, size_t hcap, size_t *hlen);
long cmsg_to_guest(const void *hbuf, size_t hlen, void *gbuf, size_t gcap, int *flags);
/* Host bytes needed for the guest control data of glen bytes. */
size_t cmsg_host_space(size_t glen);

/* ---- handlers, by file -------------------------------------------------- */

/* syscall-file.c: descriptors and their data */
SYSCALL_DECL(open);
SYSCALL_DECL(openat);
SYSCALL_DECL(openat2);
SYSCALL_DECL(creat);
SYSCALL_DECL(close);
SYSCALL_DECL(close_range);
SYSCALL_DECL(read);
SYSCALL_DECL(write);
SYSCALL_DECL(readv);
SYSCALL_DECL(writev);
SYSCALL_DECL(pread64);
SYSCALL_DECL(pwrite64);
SYSCALL_DECL(preadv);
SYSCALL_DECL(pwritev);
SYSCALL_DECL(preadv2);
SYSCALL_DECL(pwritev2);
SYSCALL_DECL(lseek);
SYSCALL_DECL(llseek);
SYSCALL_DECL(dup);
SYSCALL_DECL(dup2);
SYSCALL_DECL(dup3);
SYSCALL_DECL(pipe);
SYSCALL_DECL(pipe2);
SYSCALL_DECL(ftruncate);
SYSCALL_DECL(ftruncate64);
SYSCALL_DECL(truncate);
SYSCALL_DECL(truncate64);
SYSCALL_DECL(fsync);
SYSCALL_DECL(fdatasync);
SYSCALL_DECL(sync);
SYSCALL_DECL(syncfs);
SYSCALL_DECL(sync_file_range);
SYSCALL_DECL(sendfile);
SYSCALL_DECL(sendfile64);
SYSCALL_DECL(copy_file_range);
SYSCALL_DECL(splice);
SYSCALL_DECL(tee);
SYSCALL_DECL(fadvise64);
SYSCALL_DECL(fadvise64_64);
SYSCALL_DECL(fallocate);
SYSCALL_DECL(readahead);
SYSCALL_DECL(flock);
SYSCALL_DECL(eventfd);
SYSCALL_DECL(eventfd2);
SYSCALL_DECL(memfd_create);
SYSCALL_DECL(inotify_init);
SYSCALL_DECL(inotify_init1);
SYSCALL_DECL(inotify_add_watch);
SYSCALL_DECL(inotify_rm_watch);

/* syscall-fcntl.c */
SYSCALL_DECL(fcntl);
SYSCALL_DECL(fcntl64);

/* syscall-path.c: the file-system namespace */
SYSCALL_DECL(access);
SYSCALL_DECL(faccessat);
SYSCALL_DECL(faccessat2);
SYSCALL_DECL(unlink);
SYSCALL_DECL(unlinkat);
SYSCALL_DECL(rename);
SYSCALL_DECL(renameat);
SYSCALL_DECL(renameat2);
SYSCALL_DECL(mkdir);
SYSCALL_DECL(mkdirat);
SYSCALL_DECL(rmdir);
SYSCALL_DECL(link);
SYSCALL_DECL(linkat);
SYSCALL_DECL(symlink);
SYSCALL_DECL(symlinkat);
SYSCALL_DECL(readlink);
SYSCALL_DECL(readlinkat);
SYSCALL_DECL(chmod);
SYSCALL_DECL(fchmod);
SYSCALL_DECL(fchmodat);
SYSCALL_DECL(chown);
SYSCALL_DECL(lchown);
SYSCALL_DECL(fchown);
SYSCALL_DECL(chown16);
SYSCALL_DECL(lchown16);
SYSCALL_DECL(fchown16);
SYSCALL_DECL(fchownat);
SYSCALL_DECL(umask);
SYSCALL_DECL(chdir);
SYSCALL_DECL(fchdir);
SYSCALL_DECL(getcwd);
SYSCALL_DECL(utime);
SYSCALL_DECL(utimes);
SYSCALL_DECL(futimesat);
SYSCALL_DECL(utimensat);
SYSCALL_DECL(utimensat_time64);
SYSCALL_DECL(mknod);
SYSCALL_DECL(mknodat);
SYSCALL_DECL(chroot);
SYSCALL_DECL(mount);
SYSCALL_DECL(umount);
SYSCALL_DECL(umount2);

/* syscall-xattr.c */
SYSCALL_DECL(setxattr);
SYSCALL_DECL(lsetxattr);
SYSCALL_DECL(fsetxattr);
SYSCALL_DECL(getxattr);
SYSCALL_DECL(lgetxattr);
SYSCALL_DECL(fgetxattr);
SYSCALL_DECL(listxattr);
SYSCALL_DECL(llistxattr);
SYSCALL_DECL(flistxattr);
SYSCALL_DECL(removexattr);
SYSCALL_DECL(lremovexattr);
SYSCALL_DECL(fremovexattr);

/* syscall-stat.c */
SYSCALL_DECL(stat);
SYSCALL_DECL(lstat);
SYSCALL_DECL(fstat);
SYSCALL_DECL(stat64);
SYSCALL_DECL(lstat64);
SYSCALL_DECL(fstat64);
SYSCALL_DECL(fstatat64);
SYSCALL_DECL(statx);
SYSCALL_DECL(statfs);
SYSCALL_DECL(fstatfs);
SYSCALL_DECL(statfs64);
SYSCALL_DECL(fstatfs64);

/* syscall-dir.c */
SYSCALL_DECL(getdents);
SYSCALL_DECL(getdents64);

/* syscall-ioctl.c */
SYSCALL_DECL(ioctl);

/* syscall-poll.c */
SYSCALL_DECL(poll);
SYSCALL_DECL(ppoll);
SYSCALL_DECL(ppoll_time64);
SYSCALL_DECL(old_select);
SYSCALL_DECL(newselect);
SYSCALL_DECL(pselect6);
SYSCALL_DECL(pselect6_time64);
SYSCALL_DECL(epoll_create);
SYSCALL_DECL(epoll_create1);
SYSCALL_DECL(epoll_ctl);
SYSCALL_DECL(epoll_wait);
SYSCALL_DECL(epoll_pwait);
SYSCALL_DECL(epoll_pwait2);

/* syscall-net.c and syscall-sockmsg.c */
SYSCALL_DECL(socketcall);
SYSCALL_DECL(socket);
SYSCALL_DECL(socketpair);
SYSCALL_DECL(bind);
SYSCALL_DECL(connect);
SYSCALL_DECL(listen);
SYSCALL_DECL(accept4);
SYSCALL_DECL(getsockname);
SYSCALL_DECL(getpeername);
SYSCALL_DECL(sendto);
SYSCALL_DECL(recvfrom);
SYSCALL_DECL(shutdown);
SYSCALL_DECL(setsockopt);
SYSCALL_DECL(getsockopt);
SYSCALL_DECL(sendmsg);
SYSCALL_DECL(recvmsg);
SYSCALL_DECL(sendmmsg);
SYSCALL_DECL(recvmmsg);
SYSCALL_DECL(recvmmsg_time64);

/* syscall-time.c */
SYSCALL_DECL(time);
SYSCALL_DECL(gettimeofday);
SYSCALL_DECL(clock_gettime);
SYSCALL_DECL(clock_gettime64);
SYSCALL_DECL(clock_getres);
SYSCALL_DECL(clock_getres_time64);
SYSCALL_DECL(clock_nanosleep);
SYSCALL_DECL(clock_nanosleep_time64);
SYSCALL_DECL(nanosleep);
SYSCALL_DECL(times);
SYSCALL_DECL(getitimer);
SYSCALL_DECL(setitimer);
SYSCALL_DECL(alarm);
SYSCALL_DECL(timerfd_create);
SYSCALL_DECL(timerfd_settime);
SYSCALL_DECL(timerfd_gettime);
SYSCALL_DECL(timerfd_settime64);
SYSCALL_DECL(timerfd_gettime64);
SYSCALL_DECL(settimeofday);
SYSCALL_DECL(clock_settime);
SYSCALL_DECL(clock_settime64);
SYSCALL_DECL(timer_create);
SYSCALL_DECL(timer_settime);
SYSCALL_DECL(timer_settime64);
SYSCALL_DECL(timer_gettime);
SYSCALL_DECL(timer_gettime64);
SYSCALL_DECL(timer_getoverrun);
SYSCALL_DECL(timer_delete);

/* syscall-proc.c and syscall-cred.c */
SYSCALL_DECL(getpid);
SYSCALL_DECL(getppid);
SYSCALL_DECL(gettid);
SYSCALL_DECL(getuid);
SYSCALL_DECL(geteuid);
SYSCALL_DECL(getgid);
SYSCALL_DECL(getegid);
SYSCALL_DECL(getuid16);
SYSCALL_DECL(geteuid16);
SYSCALL_DECL(getgid16);
SYSCALL_DECL(getegid16);
SYSCALL_DECL(setuid);
SYSCALL_DECL(setgid);
SYSCALL_DECL(setreuid);
SYSCALL_DECL(setregid);
SYSCALL_DECL(setresuid);
SYSCALL_DECL(setresgid);
SYSCALL_DECL(getresuid);
SYSCALL_DECL(getresgid);
SYSCALL_DECL(setfsuid);
SYSCALL_DECL(setfsgid);
SYSCALL_DECL(getgroups);
SYSCALL_DECL(setgroups);
SYSCALL_DECL(setuid16);
SYSCALL_DECL(setgid16);
SYSCALL_DECL(setreuid16);
SYSCALL_DECL(setregid16);
SYSCALL_DECL(setresuid16);
SYSCALL_DECL(setresgid16);
SYSCALL_DECL(getresuid16);
SYSCALL_DECL(getresgid16);
SYSCALL_DECL(setfsuid16);
SYSCALL_DECL(setfsgid16);
SYSCALL_DECL(getgroups16);
SYSCALL_DECL(setgroups16);
SYSCALL_DECL(setsid);
SYSCALL_DECL(setpgid);
SYSCALL_DECL(getpgid);
SYSCALL_DECL(getpgrp);
SYSCALL_DECL(getsid);
SYSCALL_DECL(wait4);
SYSCALL_DECL(waitpid);
SYSCALL_DECL(waitid);
SYSCALL_DECL(uname);
SYSCALL_DECL(sethostname);
SYSCALL_DECL(setdomainname);
SYSCALL_DECL(sysinfo);
SYSCALL_DECL(getrlimit);
SYSCALL_DECL(ugetrlimit);
SYSCALL_DECL(setrlimit);
SYSCALL_DECL(prlimit64);
SYSCALL_DECL(getrusage);
SYSCALL_DECL(prctl);
SYSCALL_DECL(getrandom);
SYSCALL_DECL(sched_yield);
SYSCALL_DECL(sched_getaffinity);
SYSCALL_DECL(sched_setaffinity);
SYSCALL_DECL(sched_getparam);
SYSCALL_DECL(sched_setparam);
SYSCALL_DECL(sched_getscheduler);
SYSCALL_DECL(sched_setscheduler);
SYSCALL_DECL(sched_get_priority_max);
SYSCALL_DECL(sched_get_priority_min);
SYSCALL_DECL(getpriority);
SYSCALL_DECL(setpriority);
SYSCALL_DECL(nice);
SYSCALL_DECL(personality);
SYSCALL_DECL(getcpu);
SYSCALL_DECL(capget);
SYSCALL_DECL(capset);
SYSCALL_DECL(sched_rr_get_interval);
SYSCALL_DECL(sched_rr_get_interval_time64);
SYSCALL_DECL(ioprio_get);
SYSCALL_DECL(ioprio_set);
SYSCALL_DECL(syslog);

#endif
