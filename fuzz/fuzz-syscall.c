/*
 * libFuzzer harness for the guest-controlled structures of the system
 * call layer: message headers and control messages, iovec arrays,
 * pollfd arrays and fd_sets, socket options, ioctl arguments, directory
 * buffers and the -strace formatter, all read from guest memory the
 * input fills.
 *
 * Input: a 32-byte header (an operation byte, then six 32-bit argument
 * words) and guest memory, copied to the mapped guest pages at
 * GUEST_BASE.  Pointer arguments are folded into a window that covers
 * the mapped pages, a read-only page and unmapped memory, so bad
 * pointers are exercised too.  Whatever the input, a handler must return
 * a value or -errno and never touch memory outside the guest space.
 *
 * Only calls that cannot block, create files, reach other programs or
 * send signals are made: descriptors are the harness's own (a
 * non-blocking socket pair and pipe, /dev/null, the root directory, an
 * epoll instance), destination addresses are cleared, timeouts are
 * forced to zero, and every descriptor a call creates is closed after
 * each input.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/syscall-internal.h"

#define GUEST_BASE 0x10000u
#define GUEST_PAGES 16u
#define GUEST_RO 0x30000u                 /* one read-only page */
#define WINDOW (0x34000u - GUEST_BASE)    /* mapped, read-only, unmapped */
#define HEADER 32

#define FD_SCAN 1024

static LinuxProcess *proc;
static LinuxThread *thr;
static int sv[2], pfd[2], devnull, rootdir, epfd;
static uint8_t fd_open_before[FD_SCAN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void setup(void)
{
    proc = calloc(1, sizeof(*proc));
    thr = calloc(1, sizeof(*thr));
    if (!proc || !thr || guest_space_init(&proc->space) != 0)
        abort();
    pthread_mutex_init(&proc->sig_lock, NULL);
    if (guest_mmap(&proc->space, GUEST_BASE, GUEST_PAGES * GUEST_PAGE_SIZE,
                   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
            GUEST_BASE ||
        guest_mmap(&proc->space, GUEST_RO, GUEST_PAGE_SIZE, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != GUEST_RO)
        abort();
    thr->proc = proc;
    thr->tid = (int)syscall(SYS_gettid);
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) != 0 ||
        pipe2(pfd, O_NONBLOCK) != 0)
        abort();
    devnull = open("/dev/null", O_RDWR);
    rootdir = open("/", O_RDONLY | O_DIRECTORY);
    epfd = epoll_create1(0);
    if (devnull < 0 || rootdir < 0 || epfd < 0)
        abort();
}

/* Clears the destination of a guest msghdr at addr, if mapped. */
static void clear_msg_name(uint8_t *mem, uint32_t addr)
{
    if (addr >= GUEST_BASE && addr + 8 <= GUEST_BASE + GUEST_PAGES * GUEST_PAGE_SIZE)
        memset(mem + (addr - GUEST_BASE), 0, 8);
}

static uint32_t word(const uint8_t *h, int i)
{
    uint32_t v;
    memcpy(&v, h + 1 + 4 * i, 4);
    return v;
}

static uint32_t ptr(uint32_t v)
{
    return GUEST_BASE + v % WINDOW;
}

static int our_fd(uint32_t v)
{
    const int fds[] = { sv[0], sv[1], pfd[0], pfd[1], devnull };
    return fds[v % 5];
}

static abi_long call(SyscallFn fn, abi_ulong a0, abi_ulong a1, abi_ulong a2, abi_ulong a3,
                     abi_ulong a4, abi_ulong a5)
{
    const abi_ulong a[6] = { a0, a1, a2, a3, a4, a5 };
    return fn(thr, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!proc)
        setup();
    if (size < HEADER)
        return 0;
    uint8_t *mem = g2h(&proc->space, GUEST_BASE);
    size_t n = size - HEADER;
    if (n > GUEST_PAGES * GUEST_PAGE_SIZE)
        n = GUEST_PAGES * GUEST_PAGE_SIZE;
    memset(mem, 0, GUEST_PAGES * GUEST_PAGE_SIZE);
    memcpy(mem, data + HEADER, n);
    /* A zero timeval/timespec for the waits, at the end of the pages. */
    uint32_t zero_time = GUEST_BASE + GUEST_PAGES * GUEST_PAGE_SIZE - 16;
    memset(mem + (zero_time - GUEST_BASE), 0, 16);

    uint32_t w[6];
    for (int i = 0; i < 6; i++)
        w[i] = word(data, i);
    /* Descriptors open now (the harness's, libFuzzer's) stay open. */
    for (int fd = 0; fd < FD_SCAN; fd++)
        fd_open_before[fd] = fcntl(fd, F_GETFD) >= 0;
    abi_long r = 0;
    switch (data[0] % 14) {
    case 0:
        clear_msg_name(mem, ptr(w[1]));
        r = call(sys_sendmsg, (abi_ulong)our_fd(w[0]), ptr(w[1]), MSG_DONTWAIT, 0, 0, 0);
        break;
    case 1:
        r = call(sys_recvmsg, (abi_ulong)sv[w[0] & 1], ptr(w[1]),
                 MSG_DONTWAIT | (w[2] & MSG_CMSG_CLOEXEC), 0, 0, 0);
        break;
    case 2:
        r = call(sys_writev, (abi_ulong)devnull, ptr(w[1]), w[2] % 1100, 0, 0, 0);
        break;
    case 3:
        r = call(sys_readv, (abi_ulong)pfd[0], ptr(w[1]), w[2] % 1100, 0, 0, 0);
        break;
    case 4:
        r = call(sys_poll, ptr(w[0]), w[1] % 64, 0, 0, 0, 0);
        break;
    case 5:
        r = call(sys_newselect, w[0] % 2048, w[1] & 1 ? ptr(w[1]) : 0,
                 w[2] & 1 ? ptr(w[2]) : 0, w[3] & 1 ? ptr(w[3]) : 0, zero_time, 0);
        break;
    case 6: {
        const SyscallDef *d = &syscall_table[w[0] % syscall_table_size];
        char buf[1024], res[96];
        const abi_ulong a[6] = { w[1] & 1 ? ptr(w[1]) : w[1], ptr(w[2]), w[3], ptr(w[4]),
                                 w[5], w[5] >> 16 };
        strace_format_call(&proc->space, d, a, (abi_long)w[5], buf, sizeof(buf));
        strace_format_result(d, (abi_long)w[5], w[0] & 1, res, sizeof(res));
        size_t nl = strlen(d->name);
        if (strncmp(buf, d->name, nl) != 0 || buf[nl] != '(' || strncmp(res, " = ", 3) != 0)
            abort();
        break;
    }
    case 7: {
        static const int levels[] = { SOL_SOCKET, 0 /* IP */, 6 /* TCP */, 41 /* IPV6 */, 99 };
        r = call(sys_setsockopt, (abi_ulong)sv[0], (abi_ulong)levels[w[0] % 5], w[1] % 80,
                 ptr(w[2]), w[3] % 300, 0);
        break;
    }
    case 8: {
        static const int levels[] = { SOL_SOCKET, 0, 6, 41, 99 };
        r = call(sys_getsockopt, (abi_ulong)sv[0], (abi_ulong)levels[w[0] % 5], w[1] % 80,
                 ptr(w[2]), ptr(w[3]), 0);
        break;
    }
    case 9: {
        uint8_t host[4096];
        size_t hlen = 0;
        size_t glen = n < 1024 ? n : 1024;
        r = cmsg_from_guest(mem, glen, host, sizeof(host) < cmsg_host_space(glen)
                                                  ? sizeof(host) : cmsg_host_space(glen),
                            &hlen);
        if (r == 0 && hlen > cmsg_host_space(glen))
            abort();
        break;
    }
    case 10: {
        static const uint32_t reqs[] = {
            TCGETS_GUEST, TCSETS_GUEST, TIOCGWINSZ_GUEST, TIOCSWINSZ_GUEST, FIONREAD_GUEST,
            TIOCGPGRP_GUEST, TCGETS2_GUEST, SIOCGIFCONF_GUEST, 0x8933 /* SIOCGIFINDEX */,
            0x8915 /* SIOCGIFADDR */, 0x1234,
        };
        r = call(sys_ioctl, (abi_ulong)our_fd(w[0]), reqs[w[1] % 11], ptr(w[2]), 0, 0, 0);
        break;
    }
    case 11:
        r = call(w[0] & 1 ? sys_getdents : sys_getdents64, (abi_ulong)rootdir, ptr(w[1]),
                 w[2] % 8192, 0, 0, 0);
        lseek(rootdir, 0, SEEK_SET);
        break;
    case 12:
        r = call(sys_epoll_ctl, (abi_ulong)epfd, w[0] % 4, (abi_ulong)our_fd(w[1]), ptr(w[2]),
                 0, 0);
        if (r == 0)
            r = call(sys_epoll_wait, (abi_ulong)epfd, ptr(w[3]), w[4] % 300, 0, 0, 0);
        break;
    case 13: {
        /* socketcall with the subcalls that take no destination. */
        static const uint32_t calls[] = { 6, 7, 9, 10, 12, 14, 15, 17, 19 };
        uint32_t c = calls[w[0] % 9];
        uint32_t args = ptr(w[1]) & ~3u;
        if (args >= GUEST_BASE && args + 24 <= GUEST_BASE + GUEST_PAGES * GUEST_PAGE_SIZE) {
            uint32_t fd = (uint32_t)sv[w[2] & 1];
            memcpy(mem + (args - GUEST_BASE), &fd, 4);
            /* Non-blocking receives, and no timeout for recvmmsg. */
            if (c == 10 || c == 12 || c == 17 || c == 19) {
                uint32_t f = MSG_DONTWAIT;
                memcpy(mem + (args - GUEST_BASE) + (c == 17 ? 8 : 12), &f, 4);
                if (c == 19)
                    memcpy(mem + (args - GUEST_BASE) + 16, &(uint32_t){ 0 }, 4);
            }
        }
        r = call(sys_socketcall, c, args, 0, 0, 0, 0);
        break;
    }
    }
    /* A result is a value or -errno, never something in between. */
    if (r < -4095)
        abort();
    /* Drain what was sent, drop what was received or created. */
    char sink[512];
    while (recv(sv[0], sink, sizeof(sink), MSG_DONTWAIT) > 0)
        ;
    while (recv(sv[1], sink, sizeof(sink), MSG_DONTWAIT) > 0)
        ;
    while (read(pfd[0], sink, sizeof(sink)) > 0)
        ;
    for (int fd = 0; fd < FD_SCAN; fd++)
        if (!fd_open_before[fd] && fcntl(fd, F_GETFD) >= 0)
            close(fd);
    for (int i = 0; i < 2; i++) {
        fcntl(sv[i], F_SETFL, O_NONBLOCK);
        fcntl(pfd[i], F_SETFL, O_NONBLOCK);
    }
    epoll_ctl(epfd, EPOLL_CTL_DEL, sv[0], NULL);
    epoll_ctl(epfd, EPOLL_CTL_DEL, sv[1], NULL);
    epoll_ctl(epfd, EPOLL_CTL_DEL, pfd[0], NULL);
    epoll_ctl(epfd, EPOLL_CTL_DEL, pfd[1], NULL);
    epoll_ctl(epfd, EPOLL_CTL_DEL, devnull, NULL);
    return 0;
}
