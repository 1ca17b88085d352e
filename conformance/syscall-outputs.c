/*
 * The output table of i386 system calls (see syscall-outputs.h): for each
 * call that writes user memory, where and how much.  Sizes are the i386
 * kernel ABI's (struct stat64 96, struct sigaction 20, struct statx 256,
 * ...).  Most outputs are written only when the call succeeds; the few
 * written on failure (nanosleep's remaining time on EINTR) say so.
 */
#include "syscall-outputs.h"

#include <asm/unistd_32.h>

#define EINTR_RESULT ((uint32_t)-4)

typedef struct Out {
    SysOutput *v;
    int n;
} Out;

static void add(Out *o, uint32_t addr, uint32_t len)
{
    if (addr && len && o->n < SYSOUT_MAX) {
        o->v[o->n].addr = addr;
        o->v[o->n].len = len;
        o->n++;
    }
}

/* A u32 the kernel stored (a socklen_t, an iovec field); 0 if unreadable. */
static uint32_t peek32(SysOutPeek peek, void *ctx, uint32_t addr)
{
    uint32_t v = 0;
    if (!addr || !peek(ctx, addr, &v, 4))
        return 0;
    return v;
}

/* readv/preadv: the iovecs at iov, filled in order with `bytes` bytes. */
static void iovecs(Out *o, SysOutPeek peek, void *ctx, uint32_t iov, uint32_t cnt, uint32_t bytes)
{
    for (uint32_t i = 0; i < cnt && i < 1024 && bytes; i++) {
        uint32_t base = peek32(peek, ctx, iov + 8 * i);
        uint32_t len = peek32(peek, ctx, iov + 8 * i + 4);
        if (len > bytes)
            len = bytes;
        add(o, base, len);
        bytes -= len;
    }
}

/* A socket address returned with its length: the length word, then up to
 * that many bytes of the address (the kernel truncates to the buffer). */
static void sockaddr_out(Out *o, SysOutPeek peek, void *ctx, uint32_t addr, uint32_t lenp)
{
    if (!addr || !lenp)
        return;
    uint32_t len = peek32(peek, ctx, lenp);
    add(o, addr, len > 128 ? 128 : len);
    add(o, lenp, 4);
}

/* The calls known to write no user memory (their results are in EAX). */
static bool writes_nothing(uint32_t nr)
{
    switch (nr) {
    case __NR_exit: case __NR_fork: case __NR_write: case __NR_open: case __NR_close:
    case __NR_creat: case __NR_link: case __NR_unlink: case __NR_execve: case __NR_chdir:
    case __NR_mknod: case __NR_chmod: case __NR_lchown: case __NR_lseek: case __NR_getpid:
    case __NR_mount: case __NR_umount: case __NR_setuid: case __NR_getuid: case __NR_alarm:
    case __NR_pause: case __NR_utime: case __NR_access: case __NR_nice: case __NR_sync:
    case __NR_kill: case __NR_rename: case __NR_mkdir: case __NR_rmdir: case __NR_dup:
    case __NR_brk: case __NR_setgid: case __NR_getgid: case __NR_geteuid: case __NR_getegid:
    case __NR_umount2: case __NR_setpgid: case __NR_umask: case __NR_chroot: case __NR_dup2:
    case __NR_getppid: case __NR_getpgrp: case __NR_setsid: case __NR_setreuid:
    case __NR_setregid: case __NR_sethostname: case __NR_setrlimit: case __NR_settimeofday:
    case __NR_setgroups: case __NR_symlink: case __NR_mmap: case __NR_munmap:
    case __NR_truncate: case __NR_ftruncate: case __NR_fchmod: case __NR_fchown:
    case __NR_getpriority: case __NR_setpriority: case __NR_fsync: case __NR_sigreturn:
    case __NR_mprotect: case __NR_getpgid: case __NR_fchdir: case __NR_personality:
    case __NR_setfsuid: case __NR_setfsgid: case __NR_flock: case __NR_msync:
    case __NR_writev: case __NR_getsid: case __NR_fdatasync: case __NR_mlock:
    case __NR_munlock: case __NR_mlockall: case __NR_munlockall: case __NR_sched_setparam:
    case __NR_sched_setscheduler: case __NR_sched_getscheduler: case __NR_sched_yield:
    case __NR_sched_get_priority_max: case __NR_sched_get_priority_min: case __NR_mremap:
    case __NR_setresuid: case __NR_setresgid: case __NR_rt_sigreturn:
    case __NR_rt_sigqueueinfo: case __NR_rt_sigsuspend: case __NR_pwrite64: case __NR_chown:
    case __NR_vfork: case __NR_mmap2: case __NR_truncate64: case __NR_ftruncate64:
    case __NR_lchown32: case __NR_getuid32: case __NR_getgid32: case __NR_geteuid32:
    case __NR_getegid32: case __NR_setreuid32: case __NR_setregid32: case __NR_setgroups32:
    case __NR_fchown32: case __NR_setresuid32: case __NR_setresgid32: case __NR_chown32:
    case __NR_setuid32: case __NR_setgid32: case __NR_setfsuid32: case __NR_setfsgid32:
    case __NR_madvise: case __NR_gettid: case __NR_readahead: case __NR_setxattr:
    case __NR_lsetxattr: case __NR_fsetxattr: case __NR_removexattr: case __NR_lremovexattr:
    case __NR_fremovexattr: case __NR_tkill: case __NR_futex: case __NR_sched_setaffinity:
    case __NR_fadvise64: case __NR_exit_group: case __NR_epoll_create: case __NR_epoll_ctl:
    case __NR_set_tid_address: case __NR_timer_getoverrun: case __NR_timer_delete:
    case __NR_clock_settime: case __NR_tgkill: case __NR_utimes: case __NR_fadvise64_64:
    case __NR_inotify_init: case __NR_inotify_add_watch: case __NR_inotify_rm_watch:
    case __NR_openat: case __NR_mkdirat: case __NR_mknodat: case __NR_fchownat:
    case __NR_futimesat: case __NR_unlinkat: case __NR_renameat: case __NR_linkat:
    case __NR_symlinkat: case __NR_fchmodat: case __NR_faccessat: case __NR_unshare:
    case __NR_set_robust_list: case __NR_utimensat: case __NR_signalfd:
    case __NR_timerfd_create: case __NR_eventfd: case __NR_fallocate: case __NR_signalfd4:
    case __NR_eventfd2: case __NR_epoll_create1: case __NR_dup3: case __NR_inotify_init1:
    case __NR_pwritev: case __NR_syncfs: case __NR_renameat2: case __NR_memfd_create:
    case __NR_socket: case __NR_bind: case __NR_connect: case __NR_listen:
    case __NR_setsockopt: case __NR_sendto: case __NR_sendmsg: case __NR_shutdown:
    case __NR_membarrier: case __NR_mlock2: case __NR_pwritev2: case __NR_pkey_mprotect:
    case __NR_rseq: case __NR_arch_prctl: case __NR_futex_time64: case __NR_clock_settime64:
    case __NR_utimensat_time64: case __NR_close_range: case __NR_openat2:
    case __NR_faccessat2:
        return true;
    }
    return false;
}

int syscall_outputs(uint32_t nr, const uint32_t a[6], uint32_t res, SysOutPeek peek, void *ctx,
                    SysOutput *v)
{
    Out o = { v, 0 };
    bool ok = res < (uint32_t)-4095;   /* not -4095..-1 */

    if (writes_nothing(nr))
        return 0;
    if (nr == __NR_socketcall)
        return SYSOUT_SKIPPED;
    /* Written also when the call fails. */
    switch (nr) {
    case __NR_nanosleep:
        if (res == EINTR_RESULT)
            add(&o, a[1], 8);
        return o.n;
    case __NR_clock_nanosleep:
        if (res == EINTR_RESULT)
            add(&o, a[3], 8);
        return o.n;
    case __NR_clock_nanosleep_time64:
        if (res == EINTR_RESULT)
            add(&o, a[3], 16);
        return o.n;
    }
    switch (nr) {
    case __NR_read: case __NR_pread64: case __NR_getdents: case __NR_getdents64:
    case __NR_readlink: case __NR_getxattr: case __NR_lgetxattr: case __NR_fgetxattr:
    case __NR_listxattr: case __NR_llistxattr: case __NR_flistxattr:
    case __NR_sched_getaffinity:
        if (nr == __NR_sched_getaffinity)
            add(&o, a[2], ok ? res : 0);
        else if (nr == __NR_getxattr || nr == __NR_lgetxattr || nr == __NR_fgetxattr)
            add(&o, a[2], ok ? res : 0);
        else
            add(&o, a[1], ok ? res : 0);
        return o.n;
    case __NR_readlinkat:
        add(&o, a[2], ok ? res : 0);
        return o.n;
    case __NR_getrandom: case __NR_getcwd:
        add(&o, a[0], ok ? res : 0);
        return o.n;
    case __NR_socketpair:
        if (ok)
            add(&o, a[3], 8);
        return o.n;
    case __NR_recvfrom:
        if (ok) {
            add(&o, a[1], res);
            sockaddr_out(&o, peek, ctx, a[4], a[5]);
        }
        return o.n;
    case __NR_getsockname: case __NR_getpeername: case __NR_accept4:
        if (ok)
            sockaddr_out(&o, peek, ctx, a[1], a[2]);
        return o.n;
    case __NR_getsockopt:
        if (ok)
            sockaddr_out(&o, peek, ctx, a[3], a[4]);
        return o.n;
    }
    if (!ok)
        return 0;
    switch (nr) {
    case __NR_readv: case __NR_preadv: case __NR_preadv2:
        iovecs(&o, peek, ctx, a[1], a[2], res);
        break;
    case __NR__newselect: case __NR_pselect6: case __NR_pselect6_time64: {
        uint32_t bytes = a[0] > 1024 ? 128 : (a[0] + 31) / 32 * 4;
        add(&o, a[1], bytes);
        add(&o, a[2], bytes);
        add(&o, a[3], bytes);
        /* The time left goes back into the timeout. */
        add(&o, a[4], nr == __NR_pselect6_time64 ? 16 : 8);
        break;
    }
    case __NR_poll:
        add(&o, a[0], a[1] * 8);
        break;
    case __NR_ppoll: case __NR_ppoll_time64:
        add(&o, a[0], a[1] * 8);
        add(&o, a[2], nr == __NR_ppoll ? 8 : 16);
        break;
    case __NR_epoll_wait: case __NR_epoll_pwait: case __NR_epoll_pwait2:
        add(&o, a[1], res * 12);
        break;
    case __NR_waitpid:
        if (res)
            add(&o, a[1], 4);
        break;
    case __NR_wait4:
        if (res) {
            add(&o, a[1], 4);
            add(&o, a[3], 72);
        }
        break;
    case __NR_waitid:
        add(&o, a[2], 128);
        add(&o, a[4], 72);
        break;
    case __NR_ioctl:
        switch (a[1]) {
        case 0x5401: /* TCGETS */
            add(&o, a[2], 36);
            break;
        case 0x5413: /* TIOCGWINSZ */
            add(&o, a[2], 8);
            break;
        case 0x541b: /* FIONREAD */
        case 0x540f: /* TIOCGPGRP */
            add(&o, a[2], 4);
            break;
        default:
            return SYSOUT_UNKNOWN;
        }
        break;
    case __NR_fcntl: case __NR_fcntl64:
        if (a[1] == 5)                 /* F_GETLK: struct flock */
            add(&o, a[2], 16);
        else if (a[1] == 12)           /* F_GETLK64 */
            add(&o, a[2], 24);
        else if (a[1] == 16)           /* F_GETOWN_EX */
            add(&o, a[2], 8);
        break;
    case __NR__llseek:
        add(&o, a[3], 8);
        break;
    case __NR_rt_sigaction:
        add(&o, a[2], 20);
        break;
    case __NR_sigaction:
        add(&o, a[2], 16);
        break;
    case __NR_sigaltstack:
        add(&o, a[1], 12);
        break;
    case __NR_rt_sigprocmask:
        add(&o, a[2], a[3] > 128 ? 128 : a[3]);
        break;
    case __NR_sigprocmask:
        add(&o, a[2], 4);
        break;
    case __NR_rt_sigpending:
        add(&o, a[0], a[1] > 128 ? 128 : a[1]);
        break;
    case __NR_sigpending:
        add(&o, a[0], 4);
        break;
    case __NR_rt_sigtimedwait: case __NR_rt_sigtimedwait_time64:
        add(&o, a[1], 128);
        break;
    case __NR_statx:
        add(&o, a[4], 256);
        break;
    case __NR_stat64: case __NR_lstat64: case __NR_fstat64:
        add(&o, a[1], 96);
        break;
    case __NR_fstatat64:
        add(&o, a[2], 96);
        break;
    case __NR_stat: case __NR_lstat: case __NR_fstat:
        add(&o, a[1], 64);
        break;
    case __NR_statfs: case __NR_fstatfs:
        add(&o, a[1], 64);
        break;
    case __NR_statfs64: case __NR_fstatfs64:
        add(&o, a[2], a[1] > 128 ? 128 : a[1]);
        break;
    case __NR_uname:
        add(&o, a[0], 390);
        break;
    case __NR_prctl:
        if (a[0] == 16)                /* PR_GET_NAME */
            add(&o, a[1], 16);
        else if (a[0] == 2 || a[0] == 40)   /* PR_GET_PDEATHSIG, PR_GET_TID_ADDRESS */
            add(&o, a[1], 4);
        break;
    case __NR_ugetrlimit: case __NR_getrlimit:
        add(&o, a[1], 8);
        break;
    case __NR_prlimit64:
        add(&o, a[3], 16);
        break;
    case __NR_clock_gettime: case __NR_clock_getres:
        add(&o, a[1], 8);
        break;
    case __NR_clock_gettime64: case __NR_clock_getres_time64:
        add(&o, a[1], 16);
        break;
    case __NR_gettimeofday:
        add(&o, a[0], 8);
        add(&o, a[1], 8);
        break;
    case __NR_time:
        add(&o, a[0], 4);
        break;
    case __NR_times:
        add(&o, a[0], 16);
        break;
    case __NR_sysinfo:
        add(&o, a[0], 64);
        break;
    case __NR_getrusage:
        add(&o, a[1], 72);
        break;
    case __NR_pipe: case __NR_pipe2:
        add(&o, a[0], 8);
        break;
    case __NR_set_thread_area: case __NR_get_thread_area:
        add(&o, a[0], 16);
        break;
    case __NR_modify_ldt:
        if (a[0] == 0 || a[0] == 2)    /* reads of the LDT */
            add(&o, a[1], res);
        break;
    case __NR_getresuid32: case __NR_getresgid32:
        add(&o, a[0], 4);
        add(&o, a[1], 4);
        add(&o, a[2], 4);
        break;
    case __NR_getresuid: case __NR_getresgid:
        add(&o, a[0], 2);
        add(&o, a[1], 2);
        add(&o, a[2], 2);
        break;
    case __NR_getgroups32:
        if (a[0])
            add(&o, a[1], res * 4);
        break;
    case __NR_getgroups:
        if (a[0])
            add(&o, a[1], res * 2);
        break;
    case __NR_clone:
        if (a[0] & 0x00100000)         /* CLONE_PARENT_SETTID */
            add(&o, a[2], 4);
        break;
    case __NR_mincore:
        add(&o, a[2], (a[1] + 4095) / 4096);
        break;
    case __NR_getcpu:
        add(&o, a[0], 4);
        add(&o, a[1], 4);
        break;
    case __NR_get_robust_list:
        add(&o, a[1], 4);
        add(&o, a[2], 4);
        break;
    case __NR_sendfile:
        add(&o, a[2], 4);
        break;
    case __NR_sendfile64:
        add(&o, a[2], 8);
        break;
    case __NR_copy_file_range:
        add(&o, a[1], 8);
        add(&o, a[3], 8);
        break;
    case __NR_timer_create:
        add(&o, a[2], 4);
        break;
    case __NR_timer_gettime: case __NR_timerfd_gettime:
        add(&o, a[1], 16);
        break;
    case __NR_timer_gettime64: case __NR_timerfd_gettime64:
        add(&o, a[1], 32);
        break;
    case __NR_timer_settime: case __NR_timerfd_settime:
        add(&o, a[3], 16);
        break;
    case __NR_timer_settime64: case __NR_timerfd_settime64:
        add(&o, a[3], 32);
        break;
    case __NR_getitimer:
        add(&o, a[1], 16);
        break;
    case __NR_setitimer:
        add(&o, a[2], 16);
        break;
    case __NR_sched_getparam:
        add(&o, a[1], 4);
        break;
    case __NR_sched_rr_get_interval:
        add(&o, a[1], 8);
        break;
    default:
        return SYSOUT_UNKNOWN;
    }
    return o.n;
}
