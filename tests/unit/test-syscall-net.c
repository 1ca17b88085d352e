/*
 * Socket handlers on a guest address space: the socketcall multiplexer,
 * addresses truncated to the guest's buffer, the i386 msghdr and cmsghdr
 * layouts with descriptors passed by SCM_RIGHTS, the 32-bit timeval of
 * SO_RCVTIMEO, and the control-message conversions on their own.  The
 * reference is the host kernel's view of the same sockets (what was
 * received, which file a passed descriptor names, the option's value).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include "syscall-fixture.h"

/* socketcall(call, args): the arguments as guest words. */
static abi_long socketcall(uint32_t call, const uint32_t *args, int n)
{
    return CALL(socketcall, call, gput(args, (size_t)n * 4));
}

static void test_socketcall_pair_and_data(void **state)
{
    (void)state;
    uint32_t sv = galloc(8);
    uint32_t args[4] = { AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv };
    assert_int_equal(socketcall(GUEST_SYS_SOCKETPAIR, args, 4), 0);
    int a = (int)gu32(sv), b = (int)gu32(sv + 4);
    assert_int_equal(fcntl(a, F_GETFD), FD_CLOEXEC);

    /* send (9) and recv (10) through the multiplexer. */
    uint32_t send_args[4] = { (uint32_t)a, gstr("ping"), 4, 0 };
    assert_int_equal(socketcall(GUEST_SYS_SEND, send_args, 4), 4);
    char host[8] = { 0 };
    assert_int_equal(recv(b, host, sizeof(host), 0), 4);
    assert_string_equal(host, "ping");
    assert_int_equal(send(b, "pong!", 5, 0), 5);
    uint32_t buf = galloc(16);
    uint32_t recv_args[4] = { (uint32_t)a, buf, 16, 0 };
    assert_int_equal(socketcall(GUEST_SYS_RECV, recv_args, 4), 5);
    assert_memory_equal(gptr(buf), "pong!", 5);

    /* shutdown, then a read sees end of file. */
    uint32_t sh[2] = { (uint32_t)b, SHUT_WR };
    assert_int_equal(socketcall(GUEST_SYS_SHUTDOWN, sh, 2), 0);
    assert_int_equal(socketcall(GUEST_SYS_RECV, recv_args, 4), 0);

    assert_int_equal(CALL(socketcall, 0, gput(args, 16)), -EINVAL);
    assert_int_equal(CALL(socketcall, 21, gput(args, 16)), -EINVAL);
    assert_int_equal(CALL(socketcall, GUEST_SYS_SOCKET, GUEST_UNMAPPED), -EFAULT);
    close(a);
    close(b);
}

static void test_addresses(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/mimic-sock-%d", (int)getpid());
    unlink(path);
    abi_long s = CALL(socket, AF_UNIX, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    strcpy(un.sun_path, path);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
    assert_int_equal(CALL(bind, s, gput(&un, len), len), 0);
    /* Lengths the kernel refuses. */
    assert_int_equal(CALL(bind, s, gput(&un, len), 200), -EINVAL);
    assert_int_equal(CALL(bind, s, gput(&un, len), -1), -EINVAL);

    uint32_t addr = galloc(128), alen = gput(&(uint32_t){ 128 }, 4);
    assert_int_equal(CALL(getsockname, s, addr, alen), 0);
    assert_int_equal(gu32(alen), len);
    assert_string_equal((char *)gptr(addr) + 2, path);
    /* A short buffer gets a prefix, the length is the full one. */
    uint32_t small = galloc(8);
    uint32_t slen = gput(&(uint32_t){ 4 }, 4);
    memset(gptr(small), 0x55, 8);
    assert_int_equal(CALL(getsockname, s, small, slen), 0);
    assert_int_equal(gu32(slen), len);
    assert_memory_equal(gptr(small), &un, 4);
    assert_int_equal(((uint8_t *)gptr(small))[4], 0x55);

    /* sendto the bound socket; recvfrom reports the (unnamed) source. */
    int c = socket(AF_UNIX, SOCK_DGRAM, 0);
    assert_true(c >= 0);
    assert_int_equal(CALL(sendto, c, gstr("dgram"), 5, 0, gput(&un, len), len), 5);
    uint32_t rb = galloc(16), from = galloc(128), flen = gput(&(uint32_t){ 128 }, 4);
    assert_int_equal(CALL(recvfrom, s, rb, 16, 0, from, flen), 5);
    assert_memory_equal(gptr(rb), "dgram", 5);
    /* The same datagram received natively reports the same length. */
    assert_int_equal(sendto(c, "x", 1, 0, (struct sockaddr *)&un, len), 1);
    struct sockaddr_storage hs;
    socklen_t hsl = sizeof(hs);
    char hb[4];
    assert_int_equal(recvfrom((int)s, hb, sizeof(hb), 0, (struct sockaddr *)&hs, &hsl), 1);
    assert_int_equal(gu32(flen), hsl);
    close(c);
    close((int)s);
    unlink(path);
}

static void test_scm_rights(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int file = open("/proc/self/exe", O_RDONLY);
    assert_true(file >= 0);

    /* i386 control message: 12-byte header, then the int. */
    uint8_t ctl[16];
    uint32_t clen = 16;
    int32_t level = SOL_SOCKET, type = SCM_RIGHTS, fd = file;
    memcpy(ctl, &clen, 4);
    memcpy(ctl + 4, &level, 4);
    memcpy(ctl + 8, &type, 4);
    memcpy(ctl + 12, &fd, 4);
    uint32_t iov[2] = { gstr("F"), 1 };
    uint32_t msg[7] = { 0, 0, gput(iov, sizeof(iov)), 1, gput(ctl, sizeof(ctl)), 16, 0 };
    assert_int_equal(CALL(sendmsg, sv[0], gput(msg, sizeof(msg)), 0), 1);

    uint32_t rbuf = galloc(4), rctl = galloc(32);
    uint32_t riov[2] = { rbuf, 4 };
    uint32_t rmsg[7] = { 0, 0, gput(riov, sizeof(riov)), 1, rctl, 32, 0 };
    uint32_t rm = gput(rmsg, sizeof(rmsg));
    assert_int_equal(CALL(recvmsg, sv[1], rm, 0), 1);
    assert_memory_equal(gptr(rbuf), "F", 1);
    assert_int_equal(gu32(rm + 20), 16);           /* msg_controllen */
    assert_int_equal(gu32(rm + 24), 0);            /* msg_flags */
    assert_int_equal(gu32(rctl), 16);              /* cmsg_len */
    assert_int_equal(gu32(rctl + 4), SOL_SOCKET);
    assert_int_equal(gu32(rctl + 8), SCM_RIGHTS);
    int got = (int)gu32(rctl + 12);
    struct stat s1, s2;
    assert_int_equal(fstat(file, &s1), 0);
    assert_int_equal(fstat(got, &s2), 0);
    assert_int_equal(s1.st_ino, s2.st_ino);
    assert_true(got != file);
    close(got);

    /* Room for the header only: the data is cut, MSG_CTRUNC is set. */
    assert_int_equal(CALL(sendmsg, sv[0], gput(msg, sizeof(msg)), 0), 1);
    uint32_t tmsg[7] = { 0, 0, gput(riov, sizeof(riov)), 1, rctl, 12, 0 };
    uint32_t tm = gput(tmsg, sizeof(tmsg));
    assert_int_equal(CALL(recvmsg, sv[1], tm, 0), 1);
    assert_true(gu32(tm + 24) & MSG_CTRUNC);
    assert_int_equal(gu32(tm + 20), 12);

    /* A malformed guest control message. */
    uint32_t bad_len = 8;
    memcpy(ctl, &bad_len, 4);
    msg[4] = gput(ctl, sizeof(ctl));
    assert_int_equal(CALL(sendmsg, sv[0], gput(msg, sizeof(msg)), 0), -EINVAL);
    close(file);
    close(sv[0]);
    close(sv[1]);
}

static void test_mmsg(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    /* Two i386 mmsghdrs (32 bytes each) in one sendmmsg. */
    uint32_t iov1[2] = { gstr("one"), 3 }, iov2[2] = { gstr("three"), 5 };
    uint32_t v[16] = { 0 };
    v[2] = gput(iov1, sizeof(iov1));
    v[3] = 1;
    v[8 + 2] = gput(iov2, sizeof(iov2));
    v[8 + 3] = 1;
    uint32_t vec = gput(v, sizeof(v));
    assert_int_equal(CALL(sendmmsg, sv[0], vec, 2, 0), 2);
    assert_int_equal(gu32(vec + 28), 3);
    assert_int_equal(gu32(vec + 32 + 28), 5);
    uint32_t b1 = galloc(8), b2 = galloc(8);
    uint32_t r1[2] = { b1, 8 }, r2[2] = { b2, 8 };
    uint32_t r[16] = { 0 };
    r[2] = gput(r1, sizeof(r1));
    r[3] = 1;
    r[8 + 2] = gput(r2, sizeof(r2));
    r[8 + 3] = 1;
    uint32_t rvec = gput(r, sizeof(r));
    assert_int_equal(CALL(recvmmsg, sv[1], rvec, 2, MSG_DONTWAIT, 0), 2);
    assert_memory_equal(gptr(b1), "one", 3);
    assert_memory_equal(gptr(b2), "three", 5);
    assert_int_equal(gu32(rvec + 28), 3);
    assert_int_equal(gu32(rvec + 32 + 28), 5);
    close(sv[0]);
    close(sv[1]);
}

static void test_sockopts(void **state)
{
    (void)state;
    abi_long s = CALL(socket, AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    /* SO_RCVTIMEO with the i386 8-byte timeval. */
    int32_t tv[2] = { 2, 500000 };
    assert_int_equal(CALL(setsockopt, s, SOL_SOCKET, SO_RCVTIMEO_OLD_GUEST, gput(tv, 8), 8), 0);
    struct timeval h;
    socklen_t hl = sizeof(h);
    assert_int_equal(getsockopt((int)s, SOL_SOCKET, SO_RCVTIMEO, &h, &hl), 0);
    assert_int_equal(h.tv_sec, 2);
    assert_int_equal(h.tv_usec, 500000);
    uint32_t out = galloc(16), olen = gput(&(uint32_t){ 16 }, 4);
    assert_int_equal(CALL(getsockopt, s, SOL_SOCKET, SO_RCVTIMEO_OLD_GUEST, out, olen), 0);
    assert_int_equal(gu32(olen), 8);
    assert_int_equal(gu32(out), 2);
    assert_int_equal(gu32(out + 4), 500000);
    assert_int_equal(CALL(setsockopt, s, SOL_SOCKET, SO_RCVTIMEO_OLD_GUEST, gput(tv, 8), 4),
                     -EINVAL);

    /* An int option passes through. */
    int32_t one = 1;
    assert_int_equal(CALL(setsockopt, s, SOL_SOCKET, SO_REUSEADDR, gput(&one, 4), 4), 0);
    int hv = 0;
    hl = sizeof(hv);
    getsockopt((int)s, SOL_SOCKET, SO_REUSEADDR, &hv, &hl);
    assert_int_equal(hv, 1);
    olen = gput(&(uint32_t){ 4 }, 4);
    assert_int_equal(CALL(getsockopt, s, SOL_SOCKET, SO_TYPE, out, olen), 0);
    assert_int_equal(gu32(out), SOCK_STREAM);
    /* A filter holds a pointer: refused rather than misread. */
    assert_int_equal(CALL(setsockopt, s, SOL_SOCKET, SO_ATTACH_FILTER, gput(tv, 8), 8),
                     -ENOPROTOOPT);
    close((int)s);
}

static void test_cmsg_conversions(void **state)
{
    (void)state;
    /* A host SO_TIMESTAMP message (16-byte timeval) becomes an i386 one
     * with an 8-byte timeval. */
    uint8_t host[CMSG_SPACE(sizeof(struct timeval))];
    memset(host, 0, sizeof(host));
    struct cmsghdr *c = (struct cmsghdr *)host;
    c->cmsg_len = CMSG_LEN(sizeof(struct timeval));
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SO_TIMESTAMP_OLD_GUEST;
    struct timeval tv = { 1234567, 89 };
    memcpy(CMSG_DATA(c), &tv, sizeof(tv));
    uint8_t g[64];
    int flags = 0;
    long n = cmsg_to_guest(host, sizeof(host), g, sizeof(g), &flags);
    assert_int_equal(n, 20);
    assert_int_equal(flags, 0);
    uint32_t w[5];
    memcpy(w, g, 20);
    assert_int_equal(w[0], 20);
    assert_int_equal(w[1], SOL_SOCKET);
    assert_int_equal(w[2], SO_TIMESTAMP_OLD_GUEST);
    assert_int_equal(w[3], 1234567);
    assert_int_equal(w[4], 89);

    /* Guest to host: two messages, the first padded to 4 bytes. */
    uint8_t gm[12 + 4 + 12 + 8];
    uint32_t h1[3] = { 13, 41, 50 }, h2[3] = { 20, 0, 8 };
    memset(gm, 0, sizeof(gm));
    memcpy(gm, h1, 12);
    gm[12] = 0xab;
    memcpy(gm + 16, h2, 12);
    memcpy(gm + 28, "12345678", 8);
    uint8_t hb[128];
    size_t hlen = 0;
    assert_int_equal(cmsg_from_guest(gm, sizeof(gm), hb, sizeof(hb), &hlen), 0);
    struct msghdr m = { .msg_control = hb, .msg_controllen = hlen };
    struct cmsghdr *x = CMSG_FIRSTHDR(&m);
    assert_non_null(x);
    assert_int_equal(x->cmsg_len, CMSG_LEN(1));
    assert_int_equal(x->cmsg_level, 41);
    assert_int_equal(x->cmsg_type, 50);
    assert_int_equal(CMSG_DATA(x)[0], 0xab);
    x = CMSG_NXTHDR(&m, x);
    assert_non_null(x);
    assert_int_equal(x->cmsg_len, CMSG_LEN(8));
    assert_memory_equal(CMSG_DATA(x), "12345678", 8);
    assert_null(CMSG_NXTHDR(&m, x));
    assert_true(hlen <= cmsg_host_space(sizeof(gm)));

    /* A length running past the buffer. */
    h2[0] = 40;
    memcpy(gm + 16, h2, 12);
    assert_int_equal(cmsg_from_guest(gm, sizeof(gm), hb, sizeof(hb), &hlen), -EINVAL);
}

static void test_interface_ioctls(void **state)
{
    (void)state;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    unsigned lo = if_nametoindex("lo");
    if (!lo)
        skip();
    /* i386 struct ifreq: 16 bytes of name, 16 of union. */
    uint8_t req[32] = "lo";
    uint32_t g = gput(req, sizeof(req));
    assert_int_equal(CALL(ioctl, s, SIOCGIFINDEX, g), 0);
    assert_int_equal(gu32(g + 16), lo);
    assert_int_equal(CALL(ioctl, s, SIOCGIFFLAGS, g), 0);
    assert_true(gu32(g + 16) & IFF_LOOPBACK);
    assert_int_equal(CALL(ioctl, s, SIOCGIFADDR, g), 0);
    struct sockaddr_in sin;
    memcpy(&sin, gptr(g + 16), sizeof(sin));
    assert_int_equal(sin.sin_family, AF_INET);
    assert_int_equal(ntohl(sin.sin_addr.s_addr), 0x7f000001);

    /* SIOCGIFCONF: 32-byte records, the same interfaces as the host's. */
    struct ifreq hreq[16];
    struct ifconf hc = { .ifc_len = sizeof(hreq), .ifc_req = hreq };
    assert_int_equal(ioctl(s, SIOCGIFCONF, &hc), 0);
    int hn = hc.ifc_len / (int)sizeof(struct ifreq);
    uint32_t buf = galloc(16 * 32);
    uint32_t conf[2] = { 16 * 32, buf };
    uint32_t gc = gput(conf, sizeof(conf));
    assert_int_equal(CALL(ioctl, s, SIOCGIFCONF_GUEST, gc), 0);
    assert_int_equal(gu32(gc), (uint32_t)hn * 32);
    for (int i = 0; i < hn; i++)
        assert_string_equal((char *)gptr(buf + 32u * (uint32_t)i), hreq[i].ifr_name);
    /* A NULL buffer asks for the length. */
    uint32_t ask[2] = { 0, 0 };
    uint32_t ga = gput(ask, sizeof(ask));
    assert_int_equal(CALL(ioctl, s, SIOCGIFCONF_GUEST, ga), 0);
    assert_int_equal(gu32(ga), (uint32_t)hn * 32);
    close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_socketcall_pair_and_data, fx_reset),
        cmocka_unit_test_setup(test_addresses, fx_reset),
        cmocka_unit_test_setup(test_scm_rights, fx_reset),
        cmocka_unit_test_setup(test_mmsg, fx_reset),
        cmocka_unit_test_setup(test_sockopts, fx_reset),
        cmocka_unit_test(test_cmsg_conversions),
        cmocka_unit_test_setup(test_interface_ioctls, fx_reset),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
