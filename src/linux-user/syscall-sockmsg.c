/*
 * sendmsg, recvmsg, sendmmsg, recvmmsg: message headers, iovecs and
 * control messages between the i386 and x86-64 layouts.
 *
 * struct msghdr is 28 bytes on i386 (pointers and size_t are 4 bytes)
 * and struct cmsghdr 12 with 4-byte alignment of the data; the host's
 * are 56 and 16 with 8-byte alignment.  Control data is rebuilt message
 * by message: the payload of SCM_RIGHTS (an int array), SCM_CREDENTIALS
 * (struct ucred: three ints) and the IP/IPv6 packet-info messages is
 * the same on both; the receive timestamps SO_TIMESTAMP (a timeval),
 * SO_TIMESTAMPNS (a timespec) and SO_TIMESTAMPING (three timespecs) in
 * their original form carry 32-bit times in the guest.  When the
 * guest's control buffer is too small the data is cut and MSG_CTRUNC
 * set, as the kernel does; descriptors received by SCM_RIGHTS that do
 * not fit are closed so they do not leak into the process.
 */
#include "linux-user/syscall-internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SO_TIMESTAMPING_OLD_GUEST 37
/* The kernel's cap on a message's control data (optmem_max default). */
#define CMSG_GUEST_MAX 65536

size_t cmsg_host_space(size_t glen)
{
    /* Each guest message is at least 12 bytes; its host form adds 4 to
     * the header and up to 7 of padding. */
    return glen + (glen / sizeof(GuestCmsghdr) + 1) * 16;
}

long cmsg_from_guest(const void *gbuf, size_t glen, void *hbuf, size_t hcap, size_t *hlen)
{
    const uint8_t *g = gbuf;
    uint8_t *h = hbuf;
    size_t gpos = 0, hpos = 0;
    while (gpos + sizeof(GuestCmsghdr) <= glen) {
        GuestCmsghdr gc;
        memcpy(&gc, g + gpos, sizeof(gc));
        if (gc.cmsg_len < sizeof(gc) || gc.cmsg_len > glen - gpos)
            return -EINVAL;
        size_t payload = gc.cmsg_len - sizeof(gc);
        if (hpos + CMSG_SPACE(payload) > hcap)
            return -EINVAL;
        struct cmsghdr hc;
        memset(&hc, 0, sizeof(hc));
        hc.cmsg_len = CMSG_LEN(payload);
        hc.cmsg_level = gc.cmsg_level;
        hc.cmsg_type = gc.cmsg_type;
        memset(h + hpos, 0, CMSG_SPACE(payload));
        memcpy(h + hpos, &hc, sizeof(hc));
        memcpy(h + hpos + CMSG_LEN(0), g + gpos + sizeof(gc), payload);
        hpos += CMSG_SPACE(payload);
        gpos += GUEST_CMSG_ALIGN(gc.cmsg_len);
    }
    *hlen = hpos;
    return 0;
}

/* Rewrites a timestamp payload of n host timespecs or timevals (16
 * bytes each) as 32-bit pairs; returns the guest payload length. */
static size_t times_to_guest(const uint8_t *src, size_t len, uint8_t *dst)
{
    size_t n = len / 16;
    for (size_t i = 0; i < n; i++) {
        int64_t sec, frac;
        memcpy(&sec, src + 16 * i, 8);
        memcpy(&frac, src + 16 * i + 8, 8);
        int32_t pair[2] = { (int32_t)sec, (int32_t)frac };
        memcpy(dst + 8 * i, pair, 8);
    }
    return n * 8;
}

long cmsg_to_guest(const void *hbuf, size_t hlen, void *gbuf, size_t gcap, int *flags)
{
    const uint8_t *h = hbuf;
    uint8_t *g = gbuf;
    size_t hpos = 0, gpos = 0;
    while (hpos + sizeof(struct cmsghdr) <= hlen) {
        struct cmsghdr hc;
        memcpy(&hc, h + hpos, sizeof(hc));
        if (hc.cmsg_len < CMSG_LEN(0) || hc.cmsg_len > hlen - hpos)
            break;
        const uint8_t *src = h + hpos + CMSG_LEN(0);
        size_t hpayload = hc.cmsg_len - CMSG_LEN(0);
        hpos += CMSG_ALIGN(hc.cmsg_len);

        uint8_t conv[48];
        const uint8_t *payload = src;
        size_t plen = hpayload;
        if (hc.cmsg_level == SOL_SOCKET &&
            (hc.cmsg_type == SO_TIMESTAMP_OLD_GUEST || hc.cmsg_type == SO_TIMESTAMPNS_OLD_GUEST ||
             hc.cmsg_type == SO_TIMESTAMPING_OLD_GUEST) &&
            hpayload <= sizeof(conv)) {
            plen = times_to_guest(src, hpayload, conv);
            payload = conv;
        }
        bool rights = hc.cmsg_level == SOL_SOCKET && hc.cmsg_type == SCM_RIGHTS;
        size_t room = gcap > gpos ? gcap - gpos : 0;
        if (room < sizeof(GuestCmsghdr)) {
            *flags |= MSG_CTRUNC;
            if (rights) {
                for (size_t i = 0; i + 4 <= hpayload; i += 4) {
                    int fd;
                    memcpy(&fd, src + i, 4);
                    close(fd);
                }
            }
            continue;
        }
        size_t fit = plen;
        if (sizeof(GuestCmsghdr) + fit > room) {
            fit = room - sizeof(GuestCmsghdr);
            if (rights)
                fit &= ~(size_t)3;     /* whole descriptors only */
            *flags |= MSG_CTRUNC;
        }
        if (rights) {
            for (size_t i = fit; i + 4 <= plen; i += 4) {
                int fd;
                memcpy(&fd, payload + i, 4);
                close(fd);
            }
        }
        GuestCmsghdr gc = { (uint32_t)(sizeof(GuestCmsghdr) + fit), hc.cmsg_level, hc.cmsg_type };
        memcpy(g + gpos, &gc, sizeof(gc));
        memcpy(g + gpos + sizeof(gc), payload, fit);
        size_t space = GUEST_CMSG_ALIGN(gc.cmsg_len);
        if (space > room)
            space = room;
        memset(g + gpos + gc.cmsg_len, 0, space - gc.cmsg_len);
        gpos += space;
    }
    return (long)gpos;
}

/* One message in host form, with what is needed to write it back. */
typedef struct HostMsg {
    struct msghdr m;
    GuestMsghdr g;
    GuestIov iov;
    struct sockaddr_storage name;
    void *control;
} HostMsg;

static void host_msg_free(HostMsg *hm)
{
    guest_iov_free(&hm->iov);
    free(hm->control);
    hm->control = NULL;
}

/* Builds hm from the guest header g (recv: buffers flow to the guest). */
static abi_long host_msg_get(LinuxThread *t, HostMsg *hm, const GuestMsghdr *g, bool recv)
{
    memset(hm, 0, sizeof(*hm));
    hm->g = *g;
    if (g->msg_name) {
        /* Linux refuses a negative length and cuts a long one. */
        if (g->msg_namelen < 0)
            return -EINVAL;
        if ((size_t)g->msg_namelen > sizeof(hm->name))
            hm->g.msg_namelen = sizeof(hm->name);
        hm->m.msg_name = &hm->name;
        if (recv) {
            hm->m.msg_namelen = sizeof(hm->name);
        } else {
            abi_long err = get_guest(t, &hm->name, g->msg_name, (size_t)hm->g.msg_namelen);
            if (err)
                return err;
            hm->m.msg_namelen = (socklen_t)hm->g.msg_namelen;
        }
    }
    abi_long err = guest_iov_get(t, &hm->iov, g->msg_iov, g->msg_iovlen, recv);
    if (err)
        return err;
    hm->m.msg_iov = hm->iov.iov;
    hm->m.msg_iovlen = (size_t)hm->iov.count;
    if (g->msg_controllen) {
        if (g->msg_controllen > CMSG_GUEST_MAX) {
            host_msg_free(hm);
            return -ENOBUFS;
        }
        size_t hcap = cmsg_host_space(g->msg_controllen);
        hm->control = calloc(1, hcap);
        if (!hm->control) {
            host_msg_free(hm);
            return -ENOMEM;
        }
        if (recv) {
            hm->m.msg_controllen = hcap;
        } else {
            void *gbuf = malloc(g->msg_controllen);
            size_t hlen = 0;
            err = gbuf ? get_guest(t, gbuf, g->msg_control, g->msg_controllen) : -ENOMEM;
            if (!err)
                err = cmsg_from_guest(gbuf, g->msg_controllen, hm->control, hcap, &hlen);
            free(gbuf);
            if (err) {
                host_msg_free(hm);
                return err;
            }
            hm->m.msg_controllen = hlen;
        }
        hm->m.msg_control = hm->control;
    }
    return 0;
}

/* After a receive: address, control data and flags back into the guest
 * header at addr (and its buffers). */
static abi_long host_msg_put(LinuxThread *t, HostMsg *hm, uint32_t addr)
{
    GuestMsghdr *g = &hm->g;
    if (g->msg_name) {
        size_t n = hm->m.msg_namelen < (socklen_t)g->msg_namelen ? hm->m.msg_namelen
                                                                  : (size_t)g->msg_namelen;
        abi_long err = put_guest(t, g->msg_name, &hm->name, n);
        if (err)
            return err;
        g->msg_namelen = (int32_t)hm->m.msg_namelen;
    }
    int flags = hm->m.msg_flags;
    if (g->msg_controllen) {
        uint8_t *gbuf = calloc(1, g->msg_controllen);
        if (!gbuf)
            return -ENOMEM;
        long used = cmsg_to_guest(hm->control, hm->m.msg_controllen, gbuf,
                                  g->msg_controllen, &flags);
        abi_long err = put_guest(t, g->msg_control, gbuf, (size_t)used);
        free(gbuf);
        if (err)
            return err;
        g->msg_controllen = (uint32_t)used;
    }
    g->msg_flags = flags;
    return put_guest(t, addr, g, sizeof(*g));
}

SYSCALL_DECL(sendmsg)
{
    GuestMsghdr g;
    abi_long err = get_guest(t, &g, a[1], sizeof(g));
    if (err)
        return err;
    HostMsg hm;
    err = host_msg_get(t, &hm, &g, false);
    if (err)
        return err;
    abi_long ret = host_ret(safe_syscall(SYS_sendmsg, (int)a[0], &hm.m, (int)a[2]));
    host_msg_free(&hm);
    return ret;
}

SYSCALL_DECL(recvmsg)
{
    GuestMsghdr g;
    abi_long err = get_guest(t, &g, a[1], sizeof(g));
    if (err)
        return err;
    HostMsg hm;
    err = host_msg_get(t, &hm, &g, true);
    if (err)
        return err;
    abi_long ret = host_ret(safe_syscall(SYS_recvmsg, (int)a[0], &hm.m, (int)a[2]));
    if (ret >= 0) {
        err = host_msg_put(t, &hm, a[1]);
        if (err)
            ret = err;
    }
    host_msg_free(&hm);
    return ret;
}

/* sendmmsg(fd, mmsghdr*, vlen, flags) and recvmmsg(fd, mmsghdr*, vlen,
 * flags, timeout*): every header converted, one host call. */
static abi_long do_mmsg(LinuxThread *t, const abi_ulong a[6], bool recv, uint32_t timeout,
                        bool time64)
{
    uint32_t vlen = a[2];
    if (vlen > GUEST_IOV_MAX)
        vlen = GUEST_IOV_MAX;
    if (vlen == 0)
        return 0;
    struct timespec ts, *tsp = NULL;
    if (recv && timeout) {
        abi_long err = get_guest_timespec(t, timeout, time64, &ts);
        if (err)
            return err;
        tsp = &ts;
    }
    HostMsg *hm = calloc(vlen, sizeof(*hm));
    struct mmsghdr *hv = calloc(vlen, sizeof(*hv));
    abi_long ret = (!hm || !hv) ? -ENOMEM : 0;
    uint32_t built = 0;
    for (; ret == 0 && built < vlen; built++) {
        GuestMmsghdr g;
        ret = get_guest(t, &g, a[1] + built * sizeof(g), sizeof(g));
        if (ret == 0)
            ret = host_msg_get(t, &hm[built], &g.msg_hdr, recv);
        if (ret)
            break;
        hv[built].msg_hdr = hm[built].m;
    }
    if (ret == 0) {
        long r = recv ? safe_syscall(SYS_recvmmsg, (int)a[0], hv, vlen, (int)a[3], tsp)
                      : safe_syscall(SYS_sendmmsg, (int)a[0], hv, vlen, (int)a[3]);
        ret = host_ret(r);
    }
    for (abi_long i = 0; i < ret; i++) {
        uint32_t addr = a[1] + (uint32_t)i * sizeof(GuestMmsghdr);
        abi_long err = 0;
        if (recv) {
            hm[i].m = hv[i].msg_hdr;
            err = host_msg_put(t, &hm[i], addr);
        }
        if (!err)
            err = put_guest_u32(t, addr + offsetof(GuestMmsghdr, msg_len), hv[i].msg_len);
        if (err) {
            /* Linux reports the messages done before the fault. */
            ret = i > 0 ? i : err;
            break;
        }
    }
    for (uint32_t i = 0; hm && i < built; i++)
        host_msg_free(&hm[i]);
    free(hm);
    free(hv);
    return ret;
}

SYSCALL_DECL(sendmmsg)
{
    return do_mmsg(t, a, false, 0, false);
}

SYSCALL_DECL(recvmmsg)
{
    return do_mmsg(t, a, true, a[4], false);
}

SYSCALL_DECL(recvmmsg_time64)
{
    return do_mmsg(t, a, true, a[4], true);
}
