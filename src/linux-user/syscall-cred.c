/*
 * Credentials: user and group ids, the supplementary groups.
 *
 * Credentials are per thread in the Linux kernel, and the guest's C
 * library makes a set*id call on every thread itself (glibc's setxid
 * broadcast); so the set*id calls here are raw host system calls acting
 * on the calling thread only, never the host C library's wrappers, which
 * would broadcast the change to every thread of mimic.
 *
 * i386 has a 16-bit and a 32-bit version of each id call (the 32-bit
 * ones are numbered 198-216): the 16-bit ones map an id over 65535 to
 * the overflow id 65534 on the way out and 0xffff to -1 ("unchanged")
 * on the way in, as the kernel's high2lowuid and low2highuid do.
 */
#include "linux-user/syscall-internal.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OVERFLOW_ID 65534

static uint32_t low_id(uint32_t id)
{
    return id > 0xffff ? OVERFLOW_ID : id;
}

static uint32_t high_id(abi_ulong v)
{
    uint16_t x = (uint16_t)v;
    return x == 0xffff ? (uint32_t)-1 : x;
}

SYSCALL_DECL(getuid)
{
    (void)t;
    (void)a;
    return (abi_long)getuid();
}

SYSCALL_DECL(geteuid)
{
    (void)t;
    (void)a;
    return (abi_long)geteuid();
}

SYSCALL_DECL(getgid)
{
    (void)t;
    (void)a;
    return (abi_long)getgid();
}

SYSCALL_DECL(getegid)
{
    (void)t;
    (void)a;
    return (abi_long)getegid();
}

SYSCALL_DECL(getuid16)
{
    (void)t;
    (void)a;
    return (abi_long)low_id(getuid());
}

SYSCALL_DECL(geteuid16)
{
    (void)t;
    (void)a;
    return (abi_long)low_id(geteuid());
}

SYSCALL_DECL(getgid16)
{
    (void)t;
    (void)a;
    return (abi_long)low_id(getgid());
}

SYSCALL_DECL(getegid16)
{
    (void)t;
    (void)a;
    return (abi_long)low_id(getegid());
}

SYSCALL_DECL(setuid)
{
    (void)t;
    return host_ret(syscall(SYS_setuid, (uid_t)a[0]));
}

SYSCALL_DECL(setgid)
{
    (void)t;
    return host_ret(syscall(SYS_setgid, (gid_t)a[0]));
}

SYSCALL_DECL(setreuid)
{
    (void)t;
    return host_ret(syscall(SYS_setreuid, (uid_t)a[0], (uid_t)a[1]));
}

SYSCALL_DECL(setregid)
{
    (void)t;
    return host_ret(syscall(SYS_setregid, (gid_t)a[0], (gid_t)a[1]));
}

SYSCALL_DECL(setresuid)
{
    (void)t;
    return host_ret(syscall(SYS_setresuid, (uid_t)a[0], (uid_t)a[1], (uid_t)a[2]));
}

SYSCALL_DECL(setresgid)
{
    (void)t;
    return host_ret(syscall(SYS_setresgid, (gid_t)a[0], (gid_t)a[1], (gid_t)a[2]));
}

SYSCALL_DECL(setfsuid)
{
    (void)t;
    return host_ret(syscall(SYS_setfsuid, (uid_t)a[0]));
}

SYSCALL_DECL(setfsgid)
{
    (void)t;
    return host_ret(syscall(SYS_setfsgid, (gid_t)a[0]));
}

SYSCALL_DECL(setuid16)
{
    (void)t;
    return host_ret(syscall(SYS_setuid, high_id(a[0])));
}

SYSCALL_DECL(setgid16)
{
    (void)t;
    return host_ret(syscall(SYS_setgid, high_id(a[0])));
}

SYSCALL_DECL(setreuid16)
{
    (void)t;
    return host_ret(syscall(SYS_setreuid, high_id(a[0]), high_id(a[1])));
}

SYSCALL_DECL(setregid16)
{
    (void)t;
    return host_ret(syscall(SYS_setregid, high_id(a[0]), high_id(a[1])));
}

SYSCALL_DECL(setresuid16)
{
    (void)t;
    return host_ret(syscall(SYS_setresuid, high_id(a[0]), high_id(a[1]), high_id(a[2])));
}

SYSCALL_DECL(setresgid16)
{
    (void)t;
    return host_ret(syscall(SYS_setresgid, high_id(a[0]), high_id(a[1]), high_id(a[2])));
}

SYSCALL_DECL(setfsuid16)
{
    (void)t;
    return host_ret(syscall(SYS_setfsuid, high_id(a[0])));
}

SYSCALL_DECL(setfsgid16)
{
    (void)t;
    return host_ret(syscall(SYS_setfsgid, high_id(a[0])));
}

/* getresuid/getresgid: three ids written to three pointers, 4 or 2
 * bytes each. */
static abi_long put_res_ids(LinuxThread *t, const abi_ulong a[6], const uint32_t ids[3],
                            bool wide)
{
    for (int i = 0; i < 3; i++) {
        abi_long err;
        if (wide) {
            err = put_guest_u32(t, a[i], ids[i]);
        } else {
            uint16_t v = (uint16_t)low_id(ids[i]);
            err = put_guest(t, a[i], &v, sizeof(v));
        }
        if (err)
            return err;
    }
    return 0;
}

static abi_long do_getres(LinuxThread *t, const abi_ulong a[6], bool gid, bool wide)
{
    uint32_t ids[3];
    long r = syscall(gid ? SYS_getresgid : SYS_getresuid, &ids[0], &ids[1], &ids[2]);
    if (r != 0)
        return host_to_guest_errno(errno);
    return put_res_ids(t, a, ids, wide);
}

SYSCALL_DECL(getresuid)
{
    return do_getres(t, a, false, true);
}

SYSCALL_DECL(getresgid)
{
    return do_getres(t, a, true, true);
}

SYSCALL_DECL(getresuid16)
{
    return do_getres(t, a, false, false);
}

SYSCALL_DECL(getresgid16)
{
    return do_getres(t, a, true, false);
}

/* The kernel's NGROUPS_MAX. */
#define GUEST_NGROUPS_MAX 65536

static abi_long do_getgroups(LinuxThread *t, int32_t size, uint32_t list, bool wide)
{
    if (size < 0)
        return -EINVAL;
    if (size > GUEST_NGROUPS_MAX)
        size = GUEST_NGROUPS_MAX;
    gid_t *g = malloc(((size_t)size + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    long n = syscall(SYS_getgroups, size, g);
    abi_long ret = host_ret(n);
    if (n > 0 && size > 0) {
        if (wide) {
            abi_long err = put_guest(t, list, g, (size_t)n * sizeof(*g));
            if (err)
                ret = err;
        } else {
            uint16_t *s = malloc((size_t)n * sizeof(*s));
            if (!s) {
                ret = -ENOMEM;
            } else {
                for (long i = 0; i < n; i++)
                    s[i] = (uint16_t)low_id(g[i]);
                abi_long err = put_guest(t, list, s, (size_t)n * sizeof(*s));
                if (err)
                    ret = err;
                free(s);
            }
        }
    }
    free(g);
    return ret;
}

static abi_long do_setgroups(LinuxThread *t, int32_t size, uint32_t list, bool wide)
{
    if (size < 0 || size > GUEST_NGROUPS_MAX)
        return -EINVAL;
    gid_t *g = malloc(((size_t)size + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    abi_long err = 0;
    if (wide) {
        err = get_guest(t, g, list, (size_t)size * sizeof(*g));
    } else {
        uint16_t *s = malloc(((size_t)size + 1) * sizeof(*s));
        err = s ? get_guest(t, s, list, (size_t)size * sizeof(*s)) : -ENOMEM;
        for (int32_t i = 0; !err && i < size; i++)
            g[i] = high_id(s[i]);
        free(s);
    }
    if (!err)
        err = host_ret(syscall(SYS_setgroups, (size_t)size, g));
    free(g);
    return err;
}

SYSCALL_DECL(getgroups)
{
    return do_getgroups(t, (int32_t)a[0], a[1], true);
}

SYSCALL_DECL(setgroups)
{
    return do_setgroups(t, (int32_t)a[0], a[1], true);
}

SYSCALL_DECL(getgroups16)
{
    return do_getgroups(t, (int32_t)a[0], a[1], false);
}

SYSCALL_DECL(setgroups16)
{
    return do_setgroups(t, (int32_t)a[0], a[1], false);
}
