/*
 * The i386 Linux ABI as the guest sees it: structures and constants,
 * spelled independently of the host's headers.
 *
 * The host is x86-64, whose kernel structures differ from the i386 ones
 * wherever a `long`, a pointer or a 64-bit field sits in them (longs are
 * 4 bytes on i386, and 64-bit fields are only 4-aligned there), and
 * whose C library adds fields of its own.  So every guest structure is
 * written out here with fixed-width fields in its i386 order, packed so
 * that no host alignment rule can move a field, and pinned by static
 * assertions on its size and on the offset of each field that follows a
 * 64-bit one (the values of the i386 kernel ABI: arch/x86/include/uapi,
 * include/uapi/asm-generic, the psABI).  The syscall layer converts
 * field by field between these and host structures; nothing here is
 * ever cast from a host structure.
 *
 * All fields are little-endian like the host, so a packed struct is the
 * exact byte image of guest memory.  Never take the address of a member
 * (it may be unaligned): read and assign fields by value.
 *
 * Constants carry a _GUEST suffix where their value differs from the
 * host's (or the host's libc has no name for them); values that are the
 * same on i386 and x86-64 Linux (errno numbers, open flags, signal
 * numbers, socket levels) are used through the host names, and the test
 * test-syscall-abi.c checks that assumption.
 */
#ifndef MIMIC_LINUX_USER_I386_ABI_H
#define MIMIC_LINUX_USER_I386_ABI_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_ABI_PACKED __attribute__((packed))

#define GUEST_ABI_CHECK(type, size) \
    _Static_assert(sizeof(type) == (size), "i386 layout of " #type)
#define GUEST_ABI_OFFSET(type, field, off) \
    _Static_assert(offsetof(type, field) == (off), "i386 offset of " #type "." #field)

/* ---- time ---------------------------------------------------------- */

/* struct old_timespec32: the timespec of the original i386 calls. */
typedef struct GUEST_ABI_PACKED GuestTimespec32 {
    int32_t tv_sec;
    int32_t tv_nsec;
} GuestTimespec32;
GUEST_ABI_CHECK(GuestTimespec32, 8);

/* struct __kernel_timespec: the *_time64 calls (numbers 403 and up). */
typedef struct GUEST_ABI_PACKED GuestTimespec64 {
    int64_t tv_sec;
    int64_t tv_nsec;    /* the kernel ignores the upper half from 32-bit callers */
} GuestTimespec64;
GUEST_ABI_CHECK(GuestTimespec64, 16);

/* struct old_timeval32 */
typedef struct GUEST_ABI_PACKED GuestTimeval32 {
    int32_t tv_sec;
    int32_t tv_usec;
} GuestTimeval32;
GUEST_ABI_CHECK(GuestTimeval32, 8);

/* struct __kernel_sock_timeval (SO_RCVTIMEO_NEW and friends). */
typedef struct GUEST_ABI_PACKED GuestSockTimeval64 {
    int64_t tv_sec;
    int64_t tv_usec;
} GuestSockTimeval64;
GUEST_ABI_CHECK(GuestSockTimeval64, 16);

typedef struct GUEST_ABI_PACKED GuestTimezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
} GuestTimezone;
GUEST_ABI_CHECK(GuestTimezone, 8);

typedef struct GUEST_ABI_PACKED GuestItimerval32 {
    GuestTimeval32 it_interval;
    GuestTimeval32 it_value;
} GuestItimerval32;
GUEST_ABI_CHECK(GuestItimerval32, 16);

typedef struct GUEST_ABI_PACKED GuestItimerspec32 {
    GuestTimespec32 it_interval;
    GuestTimespec32 it_value;
} GuestItimerspec32;
GUEST_ABI_CHECK(GuestItimerspec32, 16);

typedef struct GUEST_ABI_PACKED GuestItimerspec64 {
    GuestTimespec64 it_interval;
    GuestTimespec64 it_value;
} GuestItimerspec64;
GUEST_ABI_CHECK(GuestItimerspec64, 32);

/* struct tms: clock_t is a long. */
typedef struct GUEST_ABI_PACKED GuestTms {
    int32_t tms_utime;
    int32_t tms_stime;
    int32_t tms_cutime;
    int32_t tms_cstime;
} GuestTms;
GUEST_ABI_CHECK(GuestTms, 16);

/* struct utimbuf (utime, 30) */
typedef struct GUEST_ABI_PACKED GuestUtimbuf {
    int32_t actime;
    int32_t modtime;
} GuestUtimbuf;
GUEST_ABI_CHECK(GuestUtimbuf, 8);

/* ---- files --------------------------------------------------------- */

/* struct stat64 (arch/x86/include/uapi/asm/stat.h, 32-bit branch). */
typedef struct GUEST_ABI_PACKED GuestStat64 {
    uint64_t st_dev;
    uint8_t pad0[4];
    uint32_t st_ino32;          /* __st_ino: the low 32 bits */
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint8_t pad3[4];
    int64_t st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;
    uint32_t st_atime_sec;
    uint32_t st_atime_nsec;
    uint32_t st_mtime_sec;
    uint32_t st_mtime_nsec;
    uint32_t st_ctime_sec;
    uint32_t st_ctime_nsec;
    uint64_t st_ino;
} GuestStat64;
GUEST_ABI_CHECK(GuestStat64, 96);
GUEST_ABI_OFFSET(GuestStat64, st_ino32, 12);
GUEST_ABI_OFFSET(GuestStat64, st_rdev, 32);
GUEST_ABI_OFFSET(GuestStat64, st_size, 44);
GUEST_ABI_OFFSET(GuestStat64, st_blksize, 52);
GUEST_ABI_OFFSET(GuestStat64, st_blocks, 56);
GUEST_ABI_OFFSET(GuestStat64, st_atime_sec, 64);
GUEST_ABI_OFFSET(GuestStat64, st_ino, 88);

/* struct stat, the 32-bit one of stat/lstat/fstat (106-108). */
typedef struct GUEST_ABI_PACKED GuestStat {
    uint32_t st_dev;
    uint32_t st_ino;
    uint16_t st_mode;
    uint16_t st_nlink;
    uint16_t st_uid;
    uint16_t st_gid;
    uint32_t st_rdev;
    uint32_t st_size;
    uint32_t st_blksize;
    uint32_t st_blocks;
    uint32_t st_atime_sec;
    uint32_t st_atime_nsec;
    uint32_t st_mtime_sec;
    uint32_t st_mtime_nsec;
    uint32_t st_ctime_sec;
    uint32_t st_ctime_nsec;
    uint32_t unused4;
    uint32_t unused5;
} GuestStat;
GUEST_ABI_CHECK(GuestStat, 64);
GUEST_ABI_OFFSET(GuestStat, st_rdev, 16);
GUEST_ABI_OFFSET(GuestStat, st_atime_sec, 32);

/* struct statx is the same on every architecture (include/uapi/linux/stat.h):
 * 256 bytes, every field naturally aligned; it is copied as bytes. */
#define GUEST_STATX_SIZE 256

/* struct statfs64 with __statfs_word = u32, packed to 4 (asm/statfs.h). */
typedef struct GUEST_ABI_PACKED GuestStatfs64 {
    uint32_t f_type;
    uint32_t f_bsize;
    uint64_t f_blocks;
    uint64_t f_bfree;
    uint64_t f_bavail;
    uint64_t f_files;
    uint64_t f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen;
    uint32_t f_frsize;
    uint32_t f_flags;
    uint32_t f_spare[4];
} GuestStatfs64;
GUEST_ABI_CHECK(GuestStatfs64, 84);
GUEST_ABI_OFFSET(GuestStatfs64, f_blocks, 8);
GUEST_ABI_OFFSET(GuestStatfs64, f_fsid, 48);
GUEST_ABI_OFFSET(GuestStatfs64, f_namelen, 56);

/* struct statfs (statfs/fstatfs, 99/100): every count a u32. */
typedef struct GUEST_ABI_PACKED GuestStatfs {
    uint32_t f_type;
    uint32_t f_bsize;
    uint32_t f_blocks;
    uint32_t f_bfree;
    uint32_t f_bavail;
    uint32_t f_files;
    uint32_t f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen;
    uint32_t f_frsize;
    uint32_t f_flags;
    uint32_t f_spare[4];
} GuestStatfs;
GUEST_ABI_CHECK(GuestStatfs, 64);

/* struct linux_dirent (getdents, 141): d_type is the record's last byte. */
typedef struct GUEST_ABI_PACKED GuestDirent {
    uint32_t d_ino;
    uint32_t d_off;
    uint16_t d_reclen;
    char d_name[];
} GuestDirent;
GUEST_ABI_CHECK(GuestDirent, 10);

/* struct linux_dirent64 (getdents64, 220); records are 8-aligned. */
typedef struct GUEST_ABI_PACKED GuestDirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
} GuestDirent64;
GUEST_ABI_CHECK(GuestDirent64, 19);

/* struct flock with a 32-bit off_t (fcntl F_GETLK/F_SETLK/F_SETLKW). */
typedef struct GUEST_ABI_PACKED GuestFlock {
    int16_t l_type;
    int16_t l_whence;
    int32_t l_start;
    int32_t l_len;
    int32_t l_pid;
} GuestFlock;
GUEST_ABI_CHECK(GuestFlock, 16);

/* struct flock64 (fcntl64 F_GETLK64..., and F_OFD_*). */
typedef struct GUEST_ABI_PACKED GuestFlock64 {
    int16_t l_type;
    int16_t l_whence;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
} GuestFlock64;
GUEST_ABI_CHECK(GuestFlock64, 24);
GUEST_ABI_OFFSET(GuestFlock64, l_start, 4);
GUEST_ABI_OFFSET(GuestFlock64, l_len, 12);
GUEST_ABI_OFFSET(GuestFlock64, l_pid, 20);

/* O_LARGEFILE: the x86-64 C library defines it as 0 (the kernel forces
 * it for 64-bit processes); a 32-bit process passes it explicitly. */
#define O_LARGEFILE_GUEST 0100000

/* The largest offset without large-file support (MAX_NON_LFS). */
#define GUEST_MAX_NON_LFS 0x7fffffffll

/* fcntl commands whose i386 numbers the x86-64 host does not have (its
 * F_GETLK already takes a 64-bit struct flock). */
#define F_GETLK64_GUEST 12
#define F_SETLK64_GUEST 13
#define F_SETLKW64_GUEST 14

typedef struct GUEST_ABI_PACKED GuestIovec {
    uint32_t iov_base;
    uint32_t iov_len;
} GuestIovec;
GUEST_ABI_CHECK(GuestIovec, 8);

/* IOV_MAX (UIO_MAXIOV) */
#define GUEST_IOV_MAX 1024

/* ---- terminals ------------------------------------------------------- */

/* struct termios of TCGETS/TCSETS* (asm-generic/termbits.h): the kernel's,
 * not the C library's. */
#define GUEST_NCCS 19
typedef struct GUEST_ABI_PACKED GuestTermios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[GUEST_NCCS];
} GuestTermios;
GUEST_ABI_CHECK(GuestTermios, 36);

/* struct termios2 (TCGETS2/TCSETS2*): termios plus the two speeds. */
typedef struct GUEST_ABI_PACKED GuestTermios2 {
    GuestTermios t;
    uint32_t c_ispeed;
    uint32_t c_ospeed;
} GuestTermios2;
GUEST_ABI_CHECK(GuestTermios2, 44);

typedef struct GUEST_ABI_PACKED GuestWinsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
} GuestWinsize;
GUEST_ABI_CHECK(GuestWinsize, 8);

/* i386 ioctl numbers (asm-generic/ioctls.h; the _IOR ones encode the
 * i386 sizes, which are the host's too for these). */
#define TCGETS_GUEST      0x5401
#define TCSETS_GUEST      0x5402
#define TCSETSW_GUEST     0x5403
#define TCSETSF_GUEST     0x5404
#define TCSBRK_GUEST      0x5409
#define TCXONC_GUEST      0x540a
#define TCFLSH_GUEST      0x540b
#define TIOCSCTTY_GUEST   0x540e
#define TIOCGPGRP_GUEST   0x540f
#define TIOCSPGRP_GUEST   0x5410
#define TIOCOUTQ_GUEST    0x5411
#define TIOCGWINSZ_GUEST  0x5413
#define TIOCSWINSZ_GUEST  0x5414
#define FIONREAD_GUEST    0x541b
#define TIOCNOTTY_GUEST   0x5422
#define TIOCGSID_GUEST    0x5429
#define TCGETS2_GUEST     0x802c542a
#define TCSETS2_GUEST     0x402c542b
#define TCSETSW2_GUEST    0x402c542c
#define TCSETSF2_GUEST    0x402c542d
#define TIOCGPTN_GUEST    0x80045430
#define TIOCSPTLCK_GUEST  0x40045431
#define FIONBIO_GUEST     0x5421
#define FIONCLEX_GUEST    0x5450
#define FIOCLEX_GUEST     0x5451
#define FIOASYNC_GUEST    0x5452

/* struct ifreq (network interface ioctls): the name, then a union whose
 * i386 members are at most 16 bytes (a sockaddr, ints, a name); the
 * x86-64 union is 24 bytes because struct ifmap holds longs. */
#define GUEST_IFNAMSIZ 16
typedef struct GUEST_ABI_PACKED GuestIfreq {
    char name[GUEST_IFNAMSIZ];
    uint8_t u[16];
} GuestIfreq;
GUEST_ABI_CHECK(GuestIfreq, 32);

/* struct ifconf (SIOCGIFCONF): { int len; char *buf; }. */
typedef struct GUEST_ABI_PACKED GuestIfconf {
    int32_t len;
    uint32_t buf;
} GuestIfconf;
GUEST_ABI_CHECK(GuestIfconf, 8);

#define SIOCGIFCONF_GUEST 0x8912

/* ---- processes and resources ---------------------------------------- */

typedef struct GUEST_ABI_PACKED GuestRlimit {
    uint32_t rlim_cur;
    uint32_t rlim_max;
} GuestRlimit;
GUEST_ABI_CHECK(GuestRlimit, 8);

typedef struct GUEST_ABI_PACKED GuestRlimit64 {
    uint64_t rlim_cur;
    uint64_t rlim_max;
} GuestRlimit64;
GUEST_ABI_CHECK(GuestRlimit64, 16);

/* Infinity as ugetrlimit (191) and setrlimit report it, and as the old
 * getrlimit (76) does, which clamps everything to a signed long. */
#define RLIM_INFINITY_GUEST 0xffffffffu
#define RLIM_INFINITY_OLD_GUEST 0x7fffffffu

typedef struct GUEST_ABI_PACKED GuestRusage {
    GuestTimeval32 ru_utime;
    GuestTimeval32 ru_stime;
    int32_t ru_maxrss;
    int32_t ru_ixrss;
    int32_t ru_idrss;
    int32_t ru_isrss;
    int32_t ru_minflt;
    int32_t ru_majflt;
    int32_t ru_nswap;
    int32_t ru_inblock;
    int32_t ru_oublock;
    int32_t ru_msgsnd;
    int32_t ru_msgrcv;
    int32_t ru_nsignals;
    int32_t ru_nvcsw;
    int32_t ru_nivcsw;
} GuestRusage;
GUEST_ABI_CHECK(GuestRusage, 72);

typedef struct GUEST_ABI_PACKED GuestSysinfo {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram;
    uint32_t freeram;
    uint32_t sharedram;
    uint32_t bufferram;
    uint32_t totalswap;
    uint32_t freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t totalhigh;
    uint32_t freehigh;
    uint32_t mem_unit;
    uint8_t f[8];
} GuestSysinfo;
GUEST_ABI_CHECK(GuestSysinfo, 64);
GUEST_ABI_OFFSET(GuestSysinfo, procs, 40);
GUEST_ABI_OFFSET(GuestSysinfo, mem_unit, 52);

#define GUEST_UTS_LEN 65
typedef struct GUEST_ABI_PACKED GuestUtsname {
    char sysname[GUEST_UTS_LEN];
    char nodename[GUEST_UTS_LEN];
    char release[GUEST_UTS_LEN];
    char version[GUEST_UTS_LEN];
    char machine[GUEST_UTS_LEN];
    char domainname[GUEST_UTS_LEN];
} GuestUtsname;
GUEST_ABI_CHECK(GuestUtsname, 390);

/* siginfo_t is 128 bytes; waitid fills the SIGCHLD form. */
#define GUEST_SIGINFO_SIZE 128
typedef struct GUEST_ABI_PACKED GuestSiginfoChld {
    /* named apart from the C library's si_* macros */
    int32_t signo;
    int32_t errno_;
    int32_t code;
    int32_t pid;
    uint32_t uid;
    int32_t status;
    int32_t utime;          /* clock_t */
    int32_t stime;
    uint8_t pad[GUEST_SIGINFO_SIZE - 32];
} GuestSiginfoChld;
GUEST_ABI_CHECK(GuestSiginfoChld, GUEST_SIGINFO_SIZE);

/* struct sigevent (timer_create): sigval (a 32-bit int or pointer),
 * signo, notify, then the union whose first member is the thread id of
 * SIGEV_THREAD_ID; 64 bytes. */
typedef struct GUEST_ABI_PACKED GuestSigevent {
    uint32_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid;
    uint8_t pad[48];
} GuestSigevent;
GUEST_ABI_CHECK(GuestSigevent, 64);

/* The kernel's sigset_t for rt_* calls and the sigmask of ppoll,
 * pselect6 and epoll_pwait: 64 bits as two u32 words. */
#define GUEST_SIGSET_SIZE 8

/* ---- poll, select, epoll ---------------------------------------------- */

/* epoll_event is packed on x86 (both widths): 12 bytes. */
typedef struct GUEST_ABI_PACKED GuestEpollEvent {
    uint32_t events;
    uint64_t data;
} GuestEpollEvent;
GUEST_ABI_CHECK(GuestEpollEvent, 12);
GUEST_ABI_OFFSET(GuestEpollEvent, data, 4);

typedef struct GUEST_ABI_PACKED GuestPollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
} GuestPollfd;
GUEST_ABI_CHECK(GuestPollfd, 8);

/* fd_set is an array of 32-bit longs, bit n of word n / 32: on a
 * little-endian machine, byte n / 8 bit n % 8, as on the host. */
#define GUEST_FD_SETSIZE 1024

/* The pselect6 sixth argument: { const sigset_t *ss; size_t ss_len; }. */
typedef struct GUEST_ABI_PACKED GuestSigsetArg {
    uint32_t ss;
    uint32_t ss_len;
} GuestSigsetArg;
GUEST_ABI_CHECK(GuestSigsetArg, 8);

/* The old select (82) takes one pointer to its five arguments. */
typedef struct GUEST_ABI_PACKED GuestSelArgStruct {
    uint32_t n;
    uint32_t inp, outp, exp;
    uint32_t tvp;
} GuestSelArgStruct;
GUEST_ABI_CHECK(GuestSelArgStruct, 20);

/* ---- sockets ---------------------------------------------------------- */

typedef struct GUEST_ABI_PACKED GuestMsghdr {
    uint32_t msg_name;
    int32_t msg_namelen;
    uint32_t msg_iov;
    uint32_t msg_iovlen;
    uint32_t msg_control;
    uint32_t msg_controllen;
    int32_t msg_flags;
} GuestMsghdr;
GUEST_ABI_CHECK(GuestMsghdr, 28);

typedef struct GUEST_ABI_PACKED GuestMmsghdr {
    GuestMsghdr msg_hdr;
    uint32_t msg_len;
} GuestMmsghdr;
GUEST_ABI_CHECK(GuestMmsghdr, 32);

/* Control messages are aligned to 4 on i386 (CMSG_ALIGN = sizeof(long)). */
typedef struct GUEST_ABI_PACKED GuestCmsghdr {
    uint32_t cmsg_len;
    int32_t cmsg_level;
    int32_t cmsg_type;
} GuestCmsghdr;
GUEST_ABI_CHECK(GuestCmsghdr, 12);
#define GUEST_CMSG_ALIGN(len) (((len) + 3u) & ~3u)

typedef struct GUEST_ABI_PACKED GuestLinger {
    int32_t l_onoff;
    int32_t l_linger;
} GuestLinger;
GUEST_ABI_CHECK(GuestLinger, 8);

/* socketcall (102) subcall numbers (linux/net.h). */
enum {
    GUEST_SYS_SOCKET = 1,
    GUEST_SYS_BIND = 2,
    GUEST_SYS_CONNECT = 3,
    GUEST_SYS_LISTEN = 4,
    GUEST_SYS_ACCEPT = 5,
    GUEST_SYS_GETSOCKNAME = 6,
    GUEST_SYS_GETPEERNAME = 7,
    GUEST_SYS_SOCKETPAIR = 8,
    GUEST_SYS_SEND = 9,
    GUEST_SYS_RECV = 10,
    GUEST_SYS_SENDTO = 11,
    GUEST_SYS_RECVFROM = 12,
    GUEST_SYS_SHUTDOWN = 13,
    GUEST_SYS_SETSOCKOPT = 14,
    GUEST_SYS_GETSOCKOPT = 15,
    GUEST_SYS_SENDMSG = 16,
    GUEST_SYS_RECVMSG = 17,
    GUEST_SYS_ACCEPT4 = 18,
    GUEST_SYS_RECVMMSG = 19,
    GUEST_SYS_SENDMMSG = 20,
    GUEST_SYS_SOCKETCALL_MAX = 20,
};

/* SOL_SOCKET options whose i386 argument is a 32-bit timeval (the
 * host's options of the same numbers take a 64-bit one), and control
 * messages whose payload is one. */
#define SO_RCVTIMEO_OLD_GUEST 20
#define SO_SNDTIMEO_OLD_GUEST 21
#define SO_TIMESTAMP_OLD_GUEST 29
#define SO_TIMESTAMPNS_OLD_GUEST 35
#define SO_RCVTIMEO_NEW_GUEST 66
#define SO_SNDTIMEO_NEW_GUEST 67

/* ---- miscellaneous ------------------------------------------------------ */

/* The first argument of the old mmap (90) and the like are plain words;
 * the user-mode layer reads them.  AT_FDCWD and the AT_* flags are the
 * host's (identical). */

/* sched_getaffinity masks are arrays of 32-bit longs. */
#define GUEST_LONG_SIZE 4

#endif
