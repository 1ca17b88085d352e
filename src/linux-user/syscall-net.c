/*
 * Sockets: the socketcall (102) multiplexer and the direct calls i386
 * gained in Linux 4.3 (359-373), socket options.  Messages with
 * iovecs and control data are in syscall-sockmsg.c.
 *
 * Socket addresses have the same layout on i386 and x86-64 and are
 * copied through a host sockaddr_storage after their length is checked
 * as the kernel does (0..128, EINVAL otherwise).  An address the kernel
 * returns is truncated to the guest's buffer and its full length stored
 * in the guest's socklen_t.
 *
 * Socket options: most are an int or a structure of ints and bytes,
 * identical on both architectures, and pass through as bytes; the ones
 * whose argument is a struct timeval (SO_RCVTIMEO/SO_SNDTIMEO in their
 * original form) are converted, and those that hold a pointer or an
 * 8-aligned sockaddr_storage (socket filters, the MCAST_* group
 * requests) are refused with ENOPROTOOPT and reported under -d unimp
 * rather than handed to the host misread.
 */
#include "linux-user/syscall-internal.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- addresses -------------------------------------------------------- */

static abi_long sockaddr_get(LinuxThread *t, uint32_t addr, int32_t len,
                             struct sockaddr_storage *ss)
{
    if (len < 0 || (size_t)len > sizeof(*ss))
        return -EINVAL;
    memset(ss, 0, sizeof(*ss));
    return get_guest(t, ss, addr, (size_t)len);
}

static abi_long sockaddr_out_len(LinuxThread *t, uint32_t len_addr, int32_t *len)
{
    uint32_t v;
    abi_long err = get_guest_u32(t, len_addr, &v);
    if (err)
        return err;
    if ((int32_t)v < 0)
        return -EINVAL;
    *len = (int32_t)v;
    return 0;
}

static abi_long sockaddr_put(LinuxThread *t, uint32_t addr, uint32_t len_addr, int32_t guest_len,
                      const struct sockaddr_storage *ss, socklen_t host_len)
{
    size_t n = host_len < (socklen_t)guest_len ? host_len : (size_t)guest_len;
    abi_long err = put_guest(t, addr, ss, n);
    if (err)
        return err;
    return put_guest_u32(t, len_addr, host_len);
}

/* ---- the calls -------------------------------------------------------- */

SYSCALL_DECL(socket)
{
    (void)t;
    return host_ret(socket((int)a[0], (int)a[1], (int)a[2]));
}

SYSCALL_DECL(socketpair)
{
    int sv[2];
    if (socketpair((int)a[0], (int)a[1], (int)a[2], sv) != 0)
        return host_to_guest_errno(errno);
    int32_t g[2] = { sv[0], sv[1] };
    abi_long err = put_guest(t, a[3], g, sizeof(g));
    if (err) {
        close(sv[0]);
        close(sv[1]);
    }
    return err;
}

SYSCALL_DECL(bind)
{
    struct sockaddr_storage ss;
    abi_long err = sockaddr_get(t, a[1], (int32_t)a[2], &ss);
    if (err)
        return err;
    return host_ret(bind((int)a[0], (struct sockaddr *)&ss, (socklen_t)a[2]));
}

SYSCALL_DECL(connect)
{
    struct sockaddr_storage ss;
    abi_long err = sockaddr_get(t, a[1], (int32_t)a[2], &ss);
    if (err)
        return err;
    return host_ret(safe_syscall(SYS_connect, (int)a[0], &ss, (socklen_t)a[2]));
}

SYSCALL_DECL(listen)
{
    (void)t;
    return host_ret(listen((int)a[0], (int)a[1]));
}

/* accept4(fd, addr*, addrlen*, flags); accept is flags 0. */
SYSCALL_DECL(accept4)
{
    int fd = (int)a[0];
    if (!a[1])
        return host_ret(safe_syscall(SYS_accept4, fd, NULL, NULL, (int)a[3]));
    int32_t glen;
    abi_long err = sockaddr_out_len(t, a[2], &glen);
    if (err)
        return err;
    struct sockaddr_storage ss;
    socklen_t hlen = sizeof(ss);
    int nfd = (int)safe_syscall(SYS_accept4, fd, &ss, &hlen, (int)a[3]);
    if (nfd < 0)
        return host_to_guest_errno(errno);
    err = sockaddr_put(t, a[1], a[2], glen, &ss, hlen);
    if (err) {
        close(nfd);
        return err;
    }
    return nfd;
}

static abi_long do_getname(LinuxThread *t, const abi_ulong a[6], bool peer)
{
    int32_t glen;
    abi_long err = sockaddr_out_len(t, a[2], &glen);
    if (err)
        return err;
    struct sockaddr_storage ss;
    socklen_t hlen = sizeof(ss);
    int r = peer ? getpeername((int)a[0], (struct sockaddr *)&ss, &hlen)
                 : getsockname((int)a[0], (struct sockaddr *)&ss, &hlen);
    if (r != 0)
        return host_to_guest_errno(errno);
    return sockaddr_put(t, a[1], a[2], glen, &ss, hlen);
}

SYSCALL_DECL(getsockname)
{
    return do_getname(t, a, false);
}

SYSCALL_DECL(getpeername)
{
    return do_getname(t, a, true);
}

/* sendto(fd, buf, len, flags, addr*, addrlen); send has no address. */
SYSCALL_DECL(sendto)
{
    int fd = (int)a[0];
    const void *buf = guest_in_ptr(t, a[1], a[2]);
    if (!buf)
        return -EFAULT;
    if (!a[4])
        return host_ret(safe_syscall(SYS_sendto, fd, buf, a[2], (int)a[3], NULL, 0));
    struct sockaddr_storage ss;
    abi_long err = sockaddr_get(t, a[4], (int32_t)a[5], &ss);
    if (err)
        return err;
    return host_ret(safe_syscall(SYS_sendto, fd, buf, a[2], (int)a[3], &ss, (socklen_t)a[5]));
}

/* recvfrom(fd, buf, len, flags, addr*, addrlen*); recv has no address. */
SYSCALL_DECL(recvfrom)
{
    int fd = (int)a[0];
    void *buf = guest_out_ptr(t, a[1], a[2]);
    if (!buf)
        return -EFAULT;
    if (!a[4])
        return host_ret(safe_syscall(SYS_recvfrom, fd, buf, a[2], (int)a[3], NULL, NULL));
    int32_t glen;
    abi_long err = sockaddr_out_len(t, a[5], &glen);
    if (err)
        return err;
    struct sockaddr_storage ss;
    socklen_t hlen = sizeof(ss);
    long r = safe_syscall(SYS_recvfrom, fd, buf, a[2], (int)a[3], &ss, &hlen);
    if (r < 0)
        return host_to_guest_errno(errno);
    /* Datagram sockets without a source leave the length at 0. */
    err = sockaddr_put(t, a[4], a[5], glen, &ss, hlen);
    return err ? err : (abi_long)r;
}

SYSCALL_DECL(shutdown)
{
    (void)t;
    return host_ret(shutdown((int)a[0], (int)a[1]));
}

/* ---- options ---------------------------------------------------------- */

/* The largest option value passed through (the kernel's optmem_max is
 * 20 KiB by default; larger ones fail there anyway). */
#define SOCKOPT_MAX 65536

static bool level_passes_through(int level)
{
    switch (level) {
    case SOL_SOCKET:
    case IPPROTO_IP:
    case IPPROTO_IPV6:
    case IPPROTO_TCP:
    case IPPROTO_UDP:
    case IPPROTO_ICMPV6:
    case SOL_NETLINK:
        return true;
    default:
        return false;
    }
}

/* Options whose argument holds a pointer or a differently aligned
 * structure. */
static bool option_differs(int level, int name)
{
    if (level == SOL_SOCKET)
        return name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF;
    if (level == IPPROTO_IP || level == IPPROTO_IPV6)
        return name >= MCAST_JOIN_GROUP && name <= MCAST_MSFILTER;
    return false;
}

static bool option_is_old_timeval(int level, int name)
{
    return level == SOL_SOCKET &&
           (name == SO_RCVTIMEO_OLD_GUEST || name == SO_SNDTIMEO_OLD_GUEST);
}

SYSCALL_DECL(setsockopt)
{
    int fd = (int)a[0], level = (int)a[1], name = (int)a[2];
    uint32_t val = a[3];
    int32_t len = (int32_t)a[4];
    if (len < 0)
        return -EINVAL;
    if (option_is_old_timeval(level, name)) {
        if ((size_t)len < sizeof(GuestTimeval32))
            return -EINVAL;
        struct timeval tv;
        abi_long err = get_guest_timeval(t, val, &tv);
        if (err)
            return err;
        /* The host's option of this number takes its native timeval. */
        return host_ret(setsockopt(fd, level, name, &tv, sizeof(tv)));
    }
    if (!level_passes_through(level) || option_differs(level, name)) {
        syscall_unimp(t, "setsockopt level %d option %d", level, name);
        return -ENOPROTOOPT;
    }
    if (len > SOCKOPT_MAX)
        return -ENOBUFS;
    const void *p = guest_in_ptr(t, val, (uint32_t)len);
    if (!p)
        return -EFAULT;
    return host_ret(setsockopt(fd, level, name, p, (socklen_t)len));
}

SYSCALL_DECL(getsockopt)
{
    int fd = (int)a[0], level = (int)a[1], name = (int)a[2];
    uint32_t val = a[3], len_addr = a[4];
    int32_t glen;
    abi_long err = sockaddr_out_len(t, len_addr, &glen);
    if (err)
        return err;
    if (option_is_old_timeval(level, name)) {
        struct timeval tv;
        socklen_t hlen = sizeof(tv);
        if (getsockopt(fd, level, name, &tv, &hlen) != 0)
            return host_to_guest_errno(errno);
        GuestTimeval32 g = { (int32_t)tv.tv_sec, (int32_t)tv.tv_usec };
        size_t n = (size_t)glen < sizeof(g) ? (size_t)glen : sizeof(g);
        err = put_guest(t, val, &g, n);
        return err ? err : put_guest_u32(t, len_addr, (uint32_t)n);
    }
    if (!level_passes_through(level) || option_differs(level, name)) {
        syscall_unimp(t, "getsockopt level %d option %d", level, name);
        return -ENOPROTOOPT;
    }
    if (glen > SOCKOPT_MAX)
        glen = SOCKOPT_MAX;
    void *p = guest_out_ptr(t, val, (uint32_t)glen);
    if (!p)
        return -EFAULT;
    socklen_t hlen = (socklen_t)glen;
    if (getsockopt(fd, level, name, p, &hlen) != 0)
        return host_to_guest_errno(errno);
    return put_guest_u32(t, len_addr, hlen);
}

/* ---- socketcall ------------------------------------------------------- */

/* Argument words of each subcall, by GUEST_SYS_* number. */
static const uint8_t socketcall_nargs[GUEST_SYS_SOCKETCALL_MAX + 1] = {
    [GUEST_SYS_SOCKET] = 3, [GUEST_SYS_BIND] = 3, [GUEST_SYS_CONNECT] = 3,
    [GUEST_SYS_LISTEN] = 2, [GUEST_SYS_ACCEPT] = 3, [GUEST_SYS_GETSOCKNAME] = 3,
    [GUEST_SYS_GETPEERNAME] = 3, [GUEST_SYS_SOCKETPAIR] = 4, [GUEST_SYS_SEND] = 4,
    [GUEST_SYS_RECV] = 4, [GUEST_SYS_SENDTO] = 6, [GUEST_SYS_RECVFROM] = 6,
    [GUEST_SYS_SHUTDOWN] = 2, [GUEST_SYS_SETSOCKOPT] = 5, [GUEST_SYS_GETSOCKOPT] = 5,
    [GUEST_SYS_SENDMSG] = 3, [GUEST_SYS_RECVMSG] = 3, [GUEST_SYS_ACCEPT4] = 4,
    [GUEST_SYS_RECVMMSG] = 5, [GUEST_SYS_SENDMMSG] = 4,
};

/* socketcall(call, unsigned long args[]) */
SYSCALL_DECL(socketcall)
{
    uint32_t call = a[0];
    if (call < 1 || call > GUEST_SYS_SOCKETCALL_MAX)
        return -EINVAL;
    abi_ulong v[6] = { 0 };
    abi_long err = get_guest(t, v, a[1], socketcall_nargs[call] * 4u);
    if (err)
        return err;
    switch (call) {
    case GUEST_SYS_SOCKET:      return sys_socket(t, v);
    case GUEST_SYS_BIND:        return sys_bind(t, v);
    case GUEST_SYS_CONNECT:     return sys_connect(t, v);
    case GUEST_SYS_LISTEN:      return sys_listen(t, v);
    case GUEST_SYS_ACCEPT:      v[3] = 0; return sys_accept4(t, v);
    case GUEST_SYS_GETSOCKNAME: return sys_getsockname(t, v);
    case GUEST_SYS_GETPEERNAME: return sys_getpeername(t, v);
    case GUEST_SYS_SOCKETPAIR:  return sys_socketpair(t, v);
    case GUEST_SYS_SEND:        v[4] = v[5] = 0; return sys_sendto(t, v);
    case GUEST_SYS_RECV:        v[4] = v[5] = 0; return sys_recvfrom(t, v);
    case GUEST_SYS_SENDTO:      return sys_sendto(t, v);
    case GUEST_SYS_RECVFROM:    return sys_recvfrom(t, v);
    case GUEST_SYS_SHUTDOWN:    return sys_shutdown(t, v);
    case GUEST_SYS_SETSOCKOPT:  return sys_setsockopt(t, v);
    case GUEST_SYS_GETSOCKOPT:  return sys_getsockopt(t, v);
    case GUEST_SYS_SENDMSG:     return sys_sendmsg(t, v);
    case GUEST_SYS_RECVMSG:     return sys_recvmsg(t, v);
    case GUEST_SYS_ACCEPT4:     return sys_accept4(t, v);
    case GUEST_SYS_RECVMMSG:    return sys_recvmmsg(t, v);
    case GUEST_SYS_SENDMMSG:    return sys_sendmmsg(t, v);
    }
    return -EINVAL;
}
