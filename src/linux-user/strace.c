/*
 * -strace: one line per system call, in the style of strace(1):
 *
 *     12345 openat(AT_FDCWD,"/etc/passwd",O_RDONLY|O_LARGEFILE) = 3
 *     12345 read(3,"root:x:0:0:root:/root:/bin/bash\n"...,4096) = 1203
 *     12345 stat64("/nope",0xffffd0a0) = -1 ENOENT (No such file or directory)
 *
 * Each row of the system call table says how to print its arguments, one
 * character per argument (a few take two registers):
 *
 *   d  signed decimal          u  unsigned decimal      x  hexadecimal
 *   p  pointer (NULL or 0x..)  s  guest string          v  string array (argv)
 *   b  input buffer, its length is the next argument
 *   B  output buffer, as many bytes as the call returned (read, recv)
 *   L  64-bit value from two registers, low word first
 *   H  64-bit value from two registers, high word first (_llseek)
 *   f  directory fd (AT_FDCWD) o  open flags           m  mode (octal)
 *   a  access mode (R_OK|W_OK) A  AT_* flags            w  lseek whence
 *   c  fcntl command           i  ioctl request        P  mmap protection
 *   M  mmap flags              S  signal number        C  clock id
 *   F  address family          T  socket type          N  socketcall call
 *   h  sigprocmask how         X  futex operation       r  RLIMIT_ resource
 *   O  prctl option
 *
 * The line is written once the call returns, so that output buffers can
 * be shown and lines of different threads do not interleave; calls that
 * may not return (exit, execve) are printed before they run, with
 * " = ?".  Strings are quoted with C escapes and cut after 32 bytes.
 * Guest memory is read through copy_from_guest: an unreadable pointer
 * is shown as its address.
 *
 * All the constants here are the i386 guest's values, written from the
 * kernel's uapi headers.
 */
#include "linux-user/syscall-internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

#define STRACE_STR_MAX 32
#define STRACE_ARGV_MAX 16

typedef struct Out {
    char *buf;
    size_t size, len;
} Out;

static void out_printf(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(Out *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    o->len += (size_t)n;
    if (o->len >= o->size)
        o->len = o->size - 1;
}

/* ---- names -------------------------------------------------------------- */

typedef struct Name {
    uint32_t value;
    const char *name;
} Name;

#define END { 0, NULL }

static const char *const errno_names[] = {
    [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO",
    [6] = "ENXIO", [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD",
    [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT",
    [15] = "ENOTBLK", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV",
    [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL",
    [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY", [26] = "ETXTBSY",
    [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS",
    [31] = "EMLINK", [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE",
    [35] = "EDEADLK", [36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS",
    [39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM",
    [44] = "ECHRNG", [45] = "EL2NSYNC", [46] = "EL3HLT", [47] = "EL3RST",
    [48] = "ELNRNG", [49] = "EUNATCH", [50] = "ENOCSI", [51] = "EL2HLT",
    [52] = "EBADE", [53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO",
    [56] = "EBADRQC", [57] = "EBADSLT", [59] = "EBFONT", [60] = "ENOSTR",
    [61] = "ENODATA", [62] = "ETIME", [63] = "ENOSR", [64] = "ENONET",
    [65] = "ENOPKG", [66] = "EREMOTE", [67] = "ENOLINK", [68] = "EADV",
    [69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO", [72] = "EMULTIHOP",
    [73] = "EDOTDOT", [74] = "EBADMSG", [75] = "EOVERFLOW", [76] = "ENOTUNIQ",
    [77] = "EBADFD", [78] = "EREMCHG", [79] = "ELIBACC", [80] = "ELIBBAD",
    [81] = "ELIBSCN", [82] = "ELIBMAX", [83] = "ELIBEXEC", [84] = "EILSEQ",
    [85] = "ERESTART", [86] = "ESTRPIPE", [87] = "EUSERS", [88] = "ENOTSOCK",
    [89] = "EDESTADDRREQ", [90] = "EMSGSIZE", [91] = "EPROTOTYPE",
    [92] = "ENOPROTOOPT", [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT",
    [95] = "EOPNOTSUPP", [96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT",
    [98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN",
    [101] = "ENETUNREACH", [102] = "ENETRESET", [103] = "ECONNABORTED",
    [104] = "ECONNRESET", [105] = "ENOBUFS", [106] = "EISCONN",
    [107] = "ENOTCONN", [108] = "ESHUTDOWN", [109] = "ETOOMANYREFS",
    [110] = "ETIMEDOUT", [111] = "ECONNREFUSED", [112] = "EHOSTDOWN",
    [113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS",
    [116] = "ESTALE", [117] = "EUCLEAN", [118] = "ENOTNAM", [119] = "ENAVAIL",
    [120] = "EISNAM", [121] = "EREMOTEIO", [122] = "EDQUOT",
    [123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE", [125] = "ECANCELED",
    [126] = "ENOKEY", [127] = "EKEYEXPIRED", [128] = "EKEYREVOKED",
    [129] = "EKEYREJECTED", [130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE",
    [132] = "ERFKILL", [133] = "EHWPOISON",
};

const char *strace_errno_name(int e)
{
    if (e <= 0 || (size_t)e >= sizeof(errno_names) / sizeof(errno_names[0]))
        return NULL;
    return errno_names[e];
}

static const char *const signal_names[] = {
    [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL",
    [5] = "SIGTRAP", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE",
    [9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
    [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM", [16] = "SIGSTKFLT",
    [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
    [21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG", [24] = "SIGXCPU",
    [25] = "SIGXFSZ", [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH",
    [29] = "SIGIO", [30] = "SIGPWR", [31] = "SIGSYS",
};

static const Name open_flags[] = {
    { 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
    { 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" },
    { 04010000, "O_SYNC" }, { 010000, "O_DSYNC" }, { 020000, "O_ASYNC" },
    { 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
    { 020200000, "O_TMPFILE" }, { 0200000, "O_DIRECTORY" },
    { 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
    { 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" }, END,
};

static const Name at_flags[] = {
    { 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
    { 0x400, "AT_SYMLINK_FOLLOW" }, { 0x800, "AT_NO_AUTOMOUNT" },
    { 0x1000, "AT_EMPTY_PATH" }, { 0x2000, "AT_STATX_FORCE_SYNC" },
    { 0x4000, "AT_STATX_DONT_SYNC" }, { 0x8000, "AT_RECURSIVE" }, END,
};

static const Name access_flags[] = {
    { 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" }, END,
};

static const Name prot_flags[] = {
    { 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" },
    { 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" }, END,
};

static const Name mmap_flags[] = {
    { 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x40, "MAP_32BIT" },
    { 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" },
    { 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
    { 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" },
    { 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" },
    { 0x40000, "MAP_HUGETLB" }, { 0x80000, "MAP_SYNC" },
    { 0x100000, "MAP_FIXED_NOREPLACE" }, END,
};

static const Name mmap_types[] = {
    { 1, "MAP_SHARED" }, { 2, "MAP_PRIVATE" }, { 3, "MAP_SHARED_VALIDATE" }, END,
};

static const Name fcntl_cmds[] = {
    { 0, "F_DUPFD" }, { 1, "F_GETFD" }, { 2, "F_SETFD" }, { 3, "F_GETFL" },
    { 4, "F_SETFL" }, { 5, "F_GETLK" }, { 6, "F_SETLK" }, { 7, "F_SETLKW" },
    { 8, "F_SETOWN" }, { 9, "F_GETOWN" }, { 10, "F_SETSIG" }, { 11, "F_GETSIG" },
    { 12, "F_GETLK64" }, { 13, "F_SETLK64" }, { 14, "F_SETLKW64" },
    { 15, "F_SETOWN_EX" }, { 16, "F_GETOWN_EX" }, { 36, "F_OFD_GETLK" },
    { 37, "F_OFD_SETLK" }, { 38, "F_OFD_SETLKW" }, { 1024, "F_SETLEASE" },
    { 1025, "F_GETLEASE" }, { 1026, "F_NOTIFY" }, { 1030, "F_DUPFD_CLOEXEC" },
    { 1031, "F_SETPIPE_SZ" }, { 1032, "F_GETPIPE_SZ" }, { 1033, "F_ADD_SEALS" },
    { 1034, "F_GET_SEALS" }, END,
};

static const Name ioctl_names[] = {
    { TCGETS_GUEST, "TCGETS" }, { TCSETS_GUEST, "TCSETS" },
    { TCSETSW_GUEST, "TCSETSW" }, { TCSETSF_GUEST, "TCSETSF" },
    { TCSBRK_GUEST, "TCSBRK" }, { TCXONC_GUEST, "TCXONC" },
    { TCFLSH_GUEST, "TCFLSH" }, { TIOCSCTTY_GUEST, "TIOCSCTTY" },
    { TIOCGPGRP_GUEST, "TIOCGPGRP" }, { TIOCSPGRP_GUEST, "TIOCSPGRP" },
    { TIOCOUTQ_GUEST, "TIOCOUTQ" }, { TIOCGWINSZ_GUEST, "TIOCGWINSZ" },
    { TIOCSWINSZ_GUEST, "TIOCSWINSZ" }, { FIONREAD_GUEST, "FIONREAD" },
    { FIONBIO_GUEST, "FIONBIO" }, { TIOCNOTTY_GUEST, "TIOCNOTTY" },
    { TIOCGSID_GUEST, "TIOCGSID" }, { TCGETS2_GUEST, "TCGETS2" },
    { TCSETS2_GUEST, "TCSETS2" }, { TCSETSW2_GUEST, "TCSETSW2" },
    { TCSETSF2_GUEST, "TCSETSF2" }, { TIOCGPTN_GUEST, "TIOCGPTN" },
    { TIOCSPTLCK_GUEST, "TIOCSPTLCK" }, { FIONCLEX_GUEST, "FIONCLEX" },
    { FIOCLEX_GUEST, "FIOCLEX" }, { FIOASYNC_GUEST, "FIOASYNC" }, END,
};

static const Name whence_names[] = {
    { 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" },
    { 3, "SEEK_DATA" }, { 4, "SEEK_HOLE" }, END,
};

static const Name clock_names[] = {
    { 0, "CLOCK_REALTIME" }, { 1, "CLOCK_MONOTONIC" },
    { 2, "CLOCK_PROCESS_CPUTIME_ID" }, { 3, "CLOCK_THREAD_CPUTIME_ID" },
    { 4, "CLOCK_MONOTONIC_RAW" }, { 5, "CLOCK_REALTIME_COARSE" },
    { 6, "CLOCK_MONOTONIC_COARSE" }, { 7, "CLOCK_BOOTTIME" },
    { 8, "CLOCK_REALTIME_ALARM" }, { 9, "CLOCK_BOOTTIME_ALARM" },
    { 11, "CLOCK_TAI" }, END,
};

static const Name family_names[] = {
    { 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 10, "AF_INET6" },
    { 16, "AF_NETLINK" }, { 17, "AF_PACKET" }, END,
};

static const Name socktype_names[] = {
    { 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" },
    { 4, "SOCK_RDM" }, { 5, "SOCK_SEQPACKET" }, { 10, "SOCK_PACKET" }, END,
};

static const Name socktype_flags[] = {
    { 04000, "SOCK_NONBLOCK" }, { 02000000, "SOCK_CLOEXEC" }, END,
};

static const Name socketcall_names[] = {
    { 1, "SYS_SOCKET" }, { 2, "SYS_BIND" }, { 3, "SYS_CONNECT" },
    { 4, "SYS_LISTEN" }, { 5, "SYS_ACCEPT" }, { 6, "SYS_GETSOCKNAME" },
    { 7, "SYS_GETPEERNAME" }, { 8, "SYS_SOCKETPAIR" }, { 9, "SYS_SEND" },
    { 10, "SYS_RECV" }, { 11, "SYS_SENDTO" }, { 12, "SYS_RECVFROM" },
    { 13, "SYS_SHUTDOWN" }, { 14, "SYS_SETSOCKOPT" }, { 15, "SYS_GETSOCKOPT" },
    { 16, "SYS_SENDMSG" }, { 17, "SYS_RECVMSG" }, { 18, "SYS_ACCEPT4" },
    { 19, "SYS_RECVMMSG" }, { 20, "SYS_SENDMMSG" }, END,
};

static const Name sighow_names[] = {
    { 0, "SIG_BLOCK" }, { 1, "SIG_UNBLOCK" }, { 2, "SIG_SETMASK" }, END,
};

static const Name futex_ops[] = {
    { 0, "FUTEX_WAIT" }, { 1, "FUTEX_WAKE" }, { 2, "FUTEX_FD" },
    { 3, "FUTEX_REQUEUE" }, { 4, "FUTEX_CMP_REQUEUE" }, { 5, "FUTEX_WAKE_OP" },
    { 6, "FUTEX_LOCK_PI" }, { 7, "FUTEX_UNLOCK_PI" }, { 8, "FUTEX_TRYLOCK_PI" },
    { 9, "FUTEX_WAIT_BITSET" }, { 10, "FUTEX_WAKE_BITSET" },
    { 11, "FUTEX_WAIT_REQUEUE_PI" }, { 12, "FUTEX_CMP_REQUEUE_PI" },
    { 13, "FUTEX_LOCK_PI2" }, END,
};

static const Name rlimit_names[] = {
    { 0, "RLIMIT_CPU" }, { 1, "RLIMIT_FSIZE" }, { 2, "RLIMIT_DATA" },
    { 3, "RLIMIT_STACK" }, { 4, "RLIMIT_CORE" }, { 5, "RLIMIT_RSS" },
    { 6, "RLIMIT_NPROC" }, { 7, "RLIMIT_NOFILE" }, { 8, "RLIMIT_MEMLOCK" },
    { 9, "RLIMIT_AS" }, { 10, "RLIMIT_LOCKS" }, { 11, "RLIMIT_SIGPENDING" },
    { 12, "RLIMIT_MSGQUEUE" }, { 13, "RLIMIT_NICE" }, { 14, "RLIMIT_RTPRIO" },
    { 15, "RLIMIT_RTTIME" }, END,
};

static const Name prctl_names[] = {
    { 1, "PR_SET_PDEATHSIG" }, { 2, "PR_GET_PDEATHSIG" }, { 3, "PR_GET_DUMPABLE" },
    { 4, "PR_SET_DUMPABLE" }, { 7, "PR_GET_KEEPCAPS" }, { 8, "PR_SET_KEEPCAPS" },
    { 15, "PR_SET_NAME" }, { 16, "PR_GET_NAME" }, { 21, "PR_GET_SECCOMP" },
    { 22, "PR_SET_SECCOMP" }, { 23, "PR_CAPBSET_READ" }, { 27, "PR_GET_SECUREBITS" },
    { 29, "PR_SET_TIMERSLACK" }, { 30, "PR_GET_TIMERSLACK" },
    { 36, "PR_SET_CHILD_SUBREAPER" }, { 37, "PR_GET_CHILD_SUBREAPER" },
    { 38, "PR_SET_NO_NEW_PRIVS" }, { 39, "PR_GET_NO_NEW_PRIVS" },
    { 41, "PR_SET_THP_DISABLE" }, { 42, "PR_GET_THP_DISABLE" }, END,
};

static const char *lookup(const Name *t, uint32_t v)
{
    for (; t->name; t++)
        if (t->value == v)
            return t->name;
    return NULL;
}

static void print_value(Out *o, const Name *t, uint32_t v, bool hex)
{
    const char *n = lookup(t, v);
    if (n)
        out_printf(o, "%s", n);
    else if (hex)
        out_printf(o, "%#x", v);
    else
        out_printf(o, "%d", (int32_t)v);
}

/* Flag names joined with '|', left-over bits in hex; multi-bit entries
 * (O_SYNC, O_TMPFILE) are listed before their single-bit parts. */
static void print_flags(Out *o, const Name *t, uint32_t v, bool *any)
{
    for (; t->name; t++) {
        if (t->value && (v & t->value) == t->value) {
            out_printf(o, "%s%s", *any ? "|" : "", t->name);
            v &= ~t->value;
            *any = true;
        }
    }
    if (v) {
        out_printf(o, "%s%#x", *any ? "|" : "", v);
        *any = true;
    }
}

static void print_flag_set(Out *o, const Name *t, uint32_t v, const char *zero)
{
    bool any = false;
    if (v == 0) {
        out_printf(o, "%s", zero);
        return;
    }
    print_flags(o, t, v, &any);
}

static void print_open_flags(Out *o, uint32_t v)
{
    static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
    bool any = true;
    out_printf(o, "%s", acc[v & 3]);
    print_flags(o, open_flags, v & ~3u, &any);
}

static void print_signal(Out *o, uint32_t s)
{
    if (s < sizeof(signal_names) / sizeof(signal_names[0]) && signal_names[s])
        out_printf(o, "%s", signal_names[s]);
    else if (s >= 32 && s <= GUEST_NSIG)
        out_printf(o, "SIGRT_%u", s - 32);
    else
        out_printf(o, "%d", (int32_t)s);
}

static void print_pointer(Out *o, uint32_t p)
{
    if (p)
        out_printf(o, "%#x", p);
    else
        out_printf(o, "NULL");
}

/* Quoted bytes with C escapes, at most STRACE_STR_MAX of them. */
static void print_bytes(Out *o, const uint8_t *s, size_t n, bool cut)
{
    out_printf(o, "\"");
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        switch (c) {
        case '\n': out_printf(o, "\\n"); break;
        case '\t': out_printf(o, "\\t"); break;
        case '\r': out_printf(o, "\\r"); break;
        case '"': out_printf(o, "\\\""); break;
        case '\\': out_printf(o, "\\\\"); break;
        default:
            if (c >= 0x20 && c < 0x7f)
                out_printf(o, "%c", c);
            else
                out_printf(o, "\\x%02x", c);
        }
    }
    out_printf(o, "\"%s", cut ? "..." : "");
}

/* A guest NUL-terminated string, read a byte range at a time so a
 * string ending just before an unmapped page still prints. */
static void print_string(Out *o, const GuestSpace *gs, uint32_t addr)
{
    if (!addr) {
        out_printf(o, "NULL");
        return;
    }
    uint8_t s[STRACE_STR_MAX + 1];
    size_t n = 0;
    while (n < sizeof(s) && copy_from_guest(gs, &s[n], addr + (uint32_t)n, 1) == 0) {
        if (s[n] == 0)
            break;
        n++;
    }
    if (n == 0 && copy_from_guest(gs, s, addr, 1) != 0) {
        out_printf(o, "%#x", addr);
        return;
    }
    bool cut = n > STRACE_STR_MAX;
    print_bytes(o, s, cut ? STRACE_STR_MAX : n, cut);
}

static void print_buffer(Out *o, const GuestSpace *gs, uint32_t addr, int64_t len)
{
    if (len < 0) {
        print_pointer(o, addr);
        return;
    }
    uint8_t s[STRACE_STR_MAX];
    size_t n = len > STRACE_STR_MAX ? STRACE_STR_MAX : (size_t)len;
    if (copy_from_guest(gs, s, addr, n) != 0) {
        print_pointer(o, addr);
        return;
    }
    print_bytes(o, s, n, (uint64_t)len > n);
}

static void print_argv(Out *o, const GuestSpace *gs, uint32_t addr)
{
    if (!addr) {
        out_printf(o, "NULL");
        return;
    }
    out_printf(o, "[");
    for (int i = 0;; i++) {
        uint32_t p;
        if (copy_from_guest(gs, &p, addr + 4u * (uint32_t)i, 4) != 0) {
            out_printf(o, "%s%#x", i ? "," : "", addr + 4u * (uint32_t)i);
            break;
        }
        if (!p)
            break;
        if (i == STRACE_ARGV_MAX) {
            out_printf(o, ",...");
            break;
        }
        if (i)
            out_printf(o, ",");
        print_string(o, gs, p);
    }
    out_printf(o, "]");
}

void strace_format_call(const GuestSpace *gs, const SyscallDef *def, const abi_ulong a[6],
                        abi_long ret, char *buf, size_t len)
{
    Out o = { buf, len, 0 };
    if (len)
        buf[0] = 0;
    out_printf(&o, "%s(", def->name);
    int i = 0;
    for (const char *f = def->args; *f && i < 6; f++, i++) {
        uint32_t v = a[i];
        if (i)
            out_printf(&o, ",");
        switch (*f) {
        case 'd': out_printf(&o, "%d", (int32_t)v); break;
        case 'u': out_printf(&o, "%u", v); break;
        case 'x': out_printf(&o, "%#x", v); break;
        case 'p': print_pointer(&o, v); break;
        case 's': print_string(&o, gs, v); break;
        case 'v': print_argv(&o, gs, v); break;
        case 'b': print_buffer(&o, gs, v, i < 5 ? (int64_t)a[i + 1] : -1); break;
        case 'B': print_buffer(&o, gs, v, ret); break;
        case 'L':
            out_printf(&o, "%" PRId64, (int64_t)arg64(v, i < 5 ? a[i + 1] : 0));
            i++;
            break;
        case 'H':
            out_printf(&o, "%" PRId64, (int64_t)arg64(i < 5 ? a[i + 1] : 0, v));
            i++;
            break;
        case 'f':
            if ((int32_t)v == -100)
                out_printf(&o, "AT_FDCWD");
            else
                out_printf(&o, "%d", (int32_t)v);
            break;
        case 'o': print_open_flags(&o, v); break;
        case 'm': out_printf(&o, "%#o", v); break;
        case 'a': print_flag_set(&o, access_flags, v, "F_OK"); break;
        case 'A': print_flag_set(&o, at_flags, v, "0"); break;
        case 'w': print_value(&o, whence_names, v, false); break;
        case 'c': print_value(&o, fcntl_cmds, v, false); break;
        case 'i': print_value(&o, ioctl_names, v, true); break;
        case 'P': print_flag_set(&o, prot_flags, v, "PROT_NONE"); break;
        case 'M': {
            bool any = true;
            print_value(&o, mmap_types, v & 3, true);
            print_flags(&o, mmap_flags, v & ~3u, &any);
            break;
        }
        case 'S': print_signal(&o, v); break;
        case 'C': print_value(&o, clock_names, v, false); break;
        case 'F': print_value(&o, family_names, v, false); break;
        case 'T': {
            bool any = true;
            print_value(&o, socktype_names, v & 0xf, false);
            print_flags(&o, socktype_flags, v & ~0xfu, &any);
            break;
        }
        case 'N': print_value(&o, socketcall_names, v, false); break;
        case 'h': print_value(&o, sighow_names, v, false); break;
        case 'r': print_value(&o, rlimit_names, v, false); break;
        case 'O': print_value(&o, prctl_names, v, false); break;
        case 'X': {
            print_value(&o, futex_ops, v & 0x7f, false);
            if (v & 128)
                out_printf(&o, "|FUTEX_PRIVATE_FLAG");
            if (v & 256)
                out_printf(&o, "|FUTEX_CLOCK_REALTIME");
            if (v & ~0x1ffu)
                out_printf(&o, "|%#x", v & ~0x1ffu);
            break;
        }
        default: out_printf(&o, "%#x", v); break;
        }
    }
    out_printf(&o, ")");
}

void strace_format_result(const SyscallDef *def, abi_long ret, bool returned,
                          char *buf, size_t len)
{
    Out o = { buf, len, 0 };
    if (len)
        buf[0] = 0;
    if (!returned) {
        out_printf(&o, " = ?");
        return;
    }
    if (!(def->flags & SC_RET_REGS) && ret < 0 && ret >= -4095) {
        int e = -ret;
        const char *name = strace_errno_name(e);
        const char *desc = strerrordesc_np(e);
        if (name)
            out_printf(&o, " = -1 %s (%s)", name, desc ? desc : "?");
        else
            out_printf(&o, " = -1 errno %d", e);
        return;
    }
    if (def->flags & SC_RET_HEX)
        out_printf(&o, " = %#x", (uint32_t)ret);
    else
        out_printf(&o, " = %d", ret);
}

#define STRACE_LINE_MAX 1024

static void emit(LinuxThread *t, const char *call, const char *result)
{
    log_lock();
    FILE *f = log_file();
    fprintf(f, "%d %s%s\n", t->tid, call, result);
    fflush(f);
    log_unlock();
}

void strace_print(LinuxThread *t, const SyscallDef *def, const abi_ulong a[6],
                  abi_long ret, bool returned)
{
    char call[STRACE_LINE_MAX], result[96];
    strace_format_call(&t->proc->space, def, a, returned ? ret : -1, call, sizeof(call));
    strace_format_result(def, ret, returned, result, sizeof(result));
    emit(t, call, result);
}

void strace_print_unknown(LinuxThread *t, uint32_t nr, const abi_ulong a[6])
{
    char call[STRACE_LINE_MAX];
    snprintf(call, sizeof(call), "syscall_%u(%#x,%#x,%#x,%#x,%#x,%#x)", nr,
             a[0], a[1], a[2], a[3], a[4], a[5]);
    emit(t, call, " = -1 ENOSYS (Function not implemented)");
}
