/*
 * ioctl (54): the terminal and file requests programs make on their own.
 *
 * Each request is listed with the shape of its argument (none, an int
 * value, a pointer to an int in or out, or a structure converted field
 * by field); anything else is refused with ENOTTY, the kernel's answer
 * for a request a driver does not know, and reported under -d unimp.
 * Passing an unknown request through would hand the host kernel a
 * guest pointer it would misread (argument structures with longs or
 * pointers differ between i386 and x86-64).
 *
 * The terminal structures: TCGETS/TCSETS* carry the kernel's struct
 * termios (36 bytes, the same on both architectures), which is the
 * prefix of the C library's struct termios (c_iflag .. c_cc[18]); the
 * host call is the raw ioctl into a C library struct, so no speed or
 * flag is reinterpreted on the way.  TCGETS2/TCSETS2* carry struct
 * termios2, declared below for the host since the C library has none.
 *
 * Network interface requests (SIOCGIF..., SIOCSIF...) carry struct
 * ifreq, 32 bytes on i386 and 40 on x86-64: the name and the first 16
 * bytes of the union (a sockaddr, a short or an int, a name) are what
 * the i386 requests use, and are copied both ways.  SIOCGIFCONF returns
 * an array of them, rewritten record by record.
 */
#include "linux-user/syscall-internal.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>

void termios_to_guest(const struct termios *h, GuestTermios *g)
{
    g->c_iflag = h->c_iflag;
    g->c_oflag = h->c_oflag;
    g->c_cflag = h->c_cflag;
    g->c_lflag = h->c_lflag;
    g->c_line = h->c_line;
    for (int i = 0; i < GUEST_NCCS; i++)
        g->c_cc[i] = h->c_cc[i];
}

void termios_from_guest(const GuestTermios *g, struct termios *h)
{
    memset(h, 0, sizeof(*h));
    h->c_iflag = g->c_iflag;
    h->c_oflag = g->c_oflag;
    h->c_cflag = g->c_cflag;
    h->c_lflag = g->c_lflag;
    h->c_line = g->c_line;
    for (int i = 0; i < GUEST_NCCS; i++)
        h->c_cc[i] = g->c_cc[i];
}

/* The host kernel's struct termios2 (asm-generic/termbits.h). */
struct host_termios2 {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
    uint32_t c_ispeed, c_ospeed;
};
_Static_assert(sizeof(struct host_termios2) == 44, "host struct termios2");
#define HOST_TCGETS2 _IOR('T', 0x2A, struct host_termios2)
#define HOST_TCSETS2 _IOW('T', 0x2B, struct host_termios2)
#define HOST_TCSETSW2 _IOW('T', 0x2C, struct host_termios2)
#define HOST_TCSETSF2 _IOW('T', 0x2D, struct host_termios2)

static abi_long do_tcgets2(LinuxThread *t, int fd, uint32_t addr)
{
    struct host_termios2 h;
    if (ioctl(fd, HOST_TCGETS2, &h) < 0)
        return host_to_guest_errno(errno);
    GuestTermios2 g;
    g.t.c_iflag = h.c_iflag;
    g.t.c_oflag = h.c_oflag;
    g.t.c_cflag = h.c_cflag;
    g.t.c_lflag = h.c_lflag;
    g.t.c_line = h.c_line;
    for (int i = 0; i < GUEST_NCCS; i++)
        g.t.c_cc[i] = h.c_cc[i];
    g.c_ispeed = h.c_ispeed;
    g.c_ospeed = h.c_ospeed;
    return put_guest(t, addr, &g, sizeof(g));
}

static abi_long do_tcsets2(LinuxThread *t, int fd, unsigned long host_req, uint32_t addr)
{
    GuestTermios2 g;
    abi_long err = get_guest(t, &g, addr, sizeof(g));
    if (err)
        return err;
    struct host_termios2 h;
    h.c_iflag = g.t.c_iflag;
    h.c_oflag = g.t.c_oflag;
    h.c_cflag = g.t.c_cflag;
    h.c_lflag = g.t.c_lflag;
    h.c_line = g.t.c_line;
    for (int i = 0; i < GUEST_NCCS; i++)
        h.c_cc[i] = g.t.c_cc[i];
    h.c_ispeed = g.c_ispeed;
    h.c_ospeed = g.c_ospeed;
    return host_ret(safe_syscall(SYS_ioctl, fd, host_req, &h));
}

/* A request whose argument points to an int the kernel writes. */
static abi_long int_out(LinuxThread *t, int fd, unsigned long req, uint32_t addr)
{
    int v;
    if (ioctl(fd, req, &v) < 0)
        return host_to_guest_errno(errno);
    return put_guest_u32(t, addr, (uint32_t)v);
}

/* A request whose argument points to an int the kernel reads. */
static abi_long int_in(LinuxThread *t, int fd, unsigned long req, uint32_t addr)
{
    uint32_t v;
    abi_long err = get_guest_u32(t, addr, &v);
    if (err)
        return err;
    int iv = (int)v;
    return host_ret(ioctl(fd, req, &iv));
}

/* The ifreq requests handled: all use at most 16 bytes of the union. */
static bool is_ifreq_request(uint32_t req)
{
    switch (req) {
    case SIOCGIFNAME: case SIOCGIFFLAGS: case SIOCSIFFLAGS: case SIOCGIFADDR:
    case SIOCSIFADDR: case SIOCGIFDSTADDR: case SIOCSIFDSTADDR: case SIOCGIFBRDADDR:
    case SIOCSIFBRDADDR: case SIOCGIFNETMASK: case SIOCSIFNETMASK: case SIOCGIFMETRIC:
    case SIOCSIFMETRIC: case SIOCGIFMTU: case SIOCSIFMTU: case SIOCSIFHWADDR:
    case SIOCGIFHWADDR: case SIOCGIFINDEX: case SIOCGIFTXQLEN: case SIOCSIFTXQLEN:
        return true;
    default:
        return false;
    }
}

static abi_long do_ifreq(LinuxThread *t, int fd, uint32_t req, uint32_t addr)
{
    GuestIfreq g;
    abi_long err = get_guest(t, &g, addr, sizeof(g));
    if (err)
        return err;
    struct ifreq h;
    memset(&h, 0, sizeof(h));
    memcpy(h.ifr_name, g.name, sizeof(g.name));
    _Static_assert(sizeof(h.ifr_ifru) >= sizeof(g.u), "host ifreq union");
    memcpy(&h.ifr_ifru, g.u, sizeof(g.u));
    if (ioctl(fd, req, &h) < 0)
        return host_to_guest_errno(errno);
    memcpy(g.name, h.ifr_name, sizeof(g.name));
    memcpy(g.u, &h.ifr_ifru, sizeof(g.u));
    return put_guest(t, addr, &g, sizeof(g));
}

#define IFCONF_MAX 4096

/* SIOCGIFCONF: with a NULL buffer, the length all records need. */
static abi_long do_ifconf(LinuxThread *t, int fd, uint32_t addr)
{
    GuestIfconf gc;
    abi_long err = get_guest(t, &gc, addr, sizeof(gc));
    if (err)
        return err;
    if (gc.len < 0)
        return -EINVAL;
    /* At most IFCONF_MAX records, which bounds the host buffer; a host
     * with more interfaces than that is not expected. */
    size_t n = gc.buf ? (size_t)gc.len / sizeof(GuestIfreq) : 0;
    if (n > IFCONF_MAX)
        n = IFCONF_MAX;
    struct ifreq *h = calloc(n ? n : 1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    struct ifconf hc = { .ifc_len = (int)(n * sizeof(*h)), .ifc_req = gc.buf ? h : NULL };
    if (ioctl(fd, SIOCGIFCONF, &hc) < 0) {
        int e = errno;
        free(h);
        return host_to_guest_errno(e);
    }
    size_t got = (size_t)hc.ifc_len / sizeof(*h);
    for (size_t i = 0; gc.buf && i < got && !err; i++) {
        GuestIfreq g;
        memcpy(g.name, h[i].ifr_name, sizeof(g.name));
        memcpy(g.u, &h[i].ifr_ifru, sizeof(g.u));
        err = put_guest(t, gc.buf + (uint32_t)(i * sizeof(g)), &g, sizeof(g));
    }
    free(h);
    if (err)
        return err;
    gc.len = (int32_t)(got * sizeof(GuestIfreq));
    return put_guest(t, addr, &gc, sizeof(gc));
}

SYSCALL_DECL(ioctl)
{
    int fd = (int)a[0];
    uint32_t req = a[1], arg = a[2];
    switch (req) {
    case TCGETS_GUEST: {
        struct termios h;
        if (ioctl(fd, TCGETS, &h) < 0)
            return host_to_guest_errno(errno);
        GuestTermios g;
        termios_to_guest(&h, &g);
        return put_guest(t, arg, &g, sizeof(g));
    }
    case TCSETS_GUEST:
    case TCSETSW_GUEST:
    case TCSETSF_GUEST: {
        GuestTermios g;
        abi_long err = get_guest(t, &g, arg, sizeof(g));
        if (err)
            return err;
        struct termios h;
        termios_from_guest(&g, &h);
        unsigned long host_req = req == TCSETS_GUEST ? TCSETS
                               : req == TCSETSW_GUEST ? TCSETSW : TCSETSF;
        /* TCSETSW and TCSETSF wait for the output to drain. */
        return host_ret(safe_syscall(SYS_ioctl, fd, host_req, &h));
    }
    case TCGETS2_GUEST:
        return do_tcgets2(t, fd, arg);
    case TCSETS2_GUEST:
        return do_tcsets2(t, fd, HOST_TCSETS2, arg);
    case TCSETSW2_GUEST:
        return do_tcsets2(t, fd, HOST_TCSETSW2, arg);
    case TCSETSF2_GUEST:
        return do_tcsets2(t, fd, HOST_TCSETSF2, arg);
    case TIOCGWINSZ_GUEST: {
        struct winsize ws;
        if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
            return host_to_guest_errno(errno);
        GuestWinsize g = { ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel };
        return put_guest(t, arg, &g, sizeof(g));
    }
    case TIOCSWINSZ_GUEST: {
        GuestWinsize g;
        abi_long err = get_guest(t, &g, arg, sizeof(g));
        if (err)
            return err;
        struct winsize ws = { g.ws_row, g.ws_col, g.ws_xpixel, g.ws_ypixel };
        return host_ret(ioctl(fd, TIOCSWINSZ, &ws));
    }
    case TIOCGPGRP_GUEST:
        return int_out(t, fd, TIOCGPGRP, arg);
    case TIOCGSID_GUEST:
        return int_out(t, fd, TIOCGSID, arg);
    case FIONREAD_GUEST:
        return int_out(t, fd, FIONREAD, arg);
    case TIOCOUTQ_GUEST:
        return int_out(t, fd, TIOCOUTQ, arg);
    case TIOCGPTN_GUEST:
        return int_out(t, fd, TIOCGPTN, arg);
    case TIOCSPGRP_GUEST:
        return int_in(t, fd, TIOCSPGRP, arg);
    case FIONBIO_GUEST:
        return int_in(t, fd, FIONBIO, arg);
    case FIOASYNC_GUEST:
        return int_in(t, fd, FIOASYNC, arg);
    case TIOCSPTLCK_GUEST:
        return int_in(t, fd, TIOCSPTLCK, arg);
    case FIOCLEX_GUEST:
        return host_ret(ioctl(fd, FIOCLEX));
    case FIONCLEX_GUEST:
        return host_ret(ioctl(fd, FIONCLEX));
    case TIOCNOTTY_GUEST:
        return host_ret(ioctl(fd, TIOCNOTTY));
    case TCSBRK_GUEST:
    case TCXONC_GUEST:
    case TCFLSH_GUEST:
    case TIOCSCTTY_GUEST:
        /* The argument is a plain integer value; TCSBRK drains first. */
        return host_ret(safe_syscall(SYS_ioctl, fd, req, (int)arg));
    case SIOCGIFCONF_GUEST:
        return do_ifconf(t, fd, arg);
    default:
        if (is_ifreq_request(req))
            return do_ifreq(t, fd, req, arg);
        syscall_unimp(t, "ioctl fd %d request 0x%08x", fd, req);
        return -ENOTTY;
    }
}
