/*
 * Extended attributes: set, get, list and remove, each by path, by path
 * without following a final symlink (l*), and by descriptor (f*).
 *
 * Names are strings and values byte strings, the same on every
 * architecture, so the handlers only move them between guest memory and
 * the host calls.  A get or list with size 0 asks for the size needed
 * and touches no buffer, as on Linux.  Paths see the -L sysroot for the
 * read-only calls only.
 */
#include "linux-user/syscall-internal.h"

#include <stdlib.h>
#include <sys/xattr.h>

/* XATTR_NAME_MAX + 1 and XATTR_SIZE_MAX (linux/limits.h). */
#define GUEST_XATTR_NAME_MAX 256
#define GUEST_XATTR_SIZE_MAX 65536

enum { BY_PATH, BY_LINK, BY_FD };

static abi_long get_name(LinuxThread *t, uint32_t addr, char **name)
{
    int err = 0;
    *name = strdup_from_guest(&t->proc->space, addr, GUEST_XATTR_NAME_MAX, &err);
    if (!*name)
        return err == -ENAMETOOLONG ? -ERANGE : err;
    return 0;
}

/* The object (a[0]: path or fd) and name (a[1]) every call starts with. */
typedef struct XattrTarget {
    GuestPath path;
    int fd;
    char *name;
} XattrTarget;

static abi_long target_get(LinuxThread *t, const abi_ulong a[6], int how, bool lookup,
                           bool has_name, XattrTarget *x)
{
    x->fd = -1;
    x->name = NULL;
    x->path.guest = x->path.alloc = NULL;
    if (how == BY_FD) {
        x->fd = (int)a[0];
    } else {
        abi_long err = guest_path_get(t, a[0], lookup ? GPATH_SYSROOT : GPATH_PLAIN, &x->path);
        if (err)
            return err;
    }
    if (has_name) {
        abi_long err = get_name(t, a[1], &x->name);
        if (err) {
            guest_path_free(&x->path);
            return err;
        }
    }
    return 0;
}

static void target_free(XattrTarget *x)
{
    if (x->path.guest)
        guest_path_free(&x->path);
    free(x->name);
}

/* setxattr(target, name, value, size, flags) */
static abi_long do_set(LinuxThread *t, const abi_ulong a[6], int how)
{
    uint32_t size = a[3];
    if (size > GUEST_XATTR_SIZE_MAX)
        return -E2BIG;
    const void *value = guest_in_ptr(t, a[2], size);
    if (!value)
        return -EFAULT;
    XattrTarget x;
    abi_long ret = target_get(t, a, how, false, true, &x);
    if (ret)
        return ret;
    int flags = (int)a[4];
    if (how == BY_FD)
        ret = host_ret(fsetxattr(x.fd, x.name, value, size, flags));
    else if (how == BY_LINK)
        ret = host_ret(lsetxattr(x.path.host, x.name, value, size, flags));
    else
        ret = host_ret(setxattr(x.path.host, x.name, value, size, flags));
    target_free(&x);
    return ret;
}

/* getxattr(target, name, value, size) */
static abi_long do_get(LinuxThread *t, const abi_ulong a[6], int how)
{
    uint32_t size = a[3] > GUEST_XATTR_SIZE_MAX ? GUEST_XATTR_SIZE_MAX : a[3];
    void *value = size ? guest_out_ptr(t, a[2], size) : NULL;
    if (size && !value)
        return -EFAULT;
    XattrTarget x;
    abi_long ret = target_get(t, a, how, true, true, &x);
    if (ret)
        return ret;
    if (how == BY_FD)
        ret = host_ret(fgetxattr(x.fd, x.name, value, size));
    else if (how == BY_LINK)
        ret = host_ret(lgetxattr(x.path.host, x.name, value, size));
    else
        ret = host_ret(getxattr(x.path.host, x.name, value, size));
    target_free(&x);
    return ret;
}

/* listxattr(target, list, size) */
static abi_long do_list(LinuxThread *t, const abi_ulong a[6], int how)
{
    uint32_t size = a[2] > GUEST_XATTR_SIZE_MAX ? GUEST_XATTR_SIZE_MAX : a[2];
    char *list = size ? guest_out_ptr(t, a[1], size) : NULL;
    if (size && !list)
        return -EFAULT;
    XattrTarget x;
    abi_long ret = target_get(t, a, how, true, false, &x);
    if (ret)
        return ret;
    if (how == BY_FD)
        ret = host_ret(flistxattr(x.fd, list, size));
    else if (how == BY_LINK)
        ret = host_ret(llistxattr(x.path.host, list, size));
    else
        ret = host_ret(listxattr(x.path.host, list, size));
    target_free(&x);
    return ret;
}

/* removexattr(target, name) */
static abi_long do_remove(LinuxThread *t, const abi_ulong a[6], int how)
{
    XattrTarget x;
    abi_long ret = target_get(t, a, how, false, true, &x);
    if (ret)
        return ret;
    if (how == BY_FD)
        ret = host_ret(fremovexattr(x.fd, x.name));
    else if (how == BY_LINK)
        ret = host_ret(lremovexattr(x.path.host, x.name));
    else
        ret = host_ret(removexattr(x.path.host, x.name));
    target_free(&x);
    return ret;
}

SYSCALL_DECL(setxattr) { return do_set(t, a, BY_PATH); }
SYSCALL_DECL(lsetxattr) { return do_set(t, a, BY_LINK); }
SYSCALL_DECL(fsetxattr) { return do_set(t, a, BY_FD); }
SYSCALL_DECL(getxattr) { return do_get(t, a, BY_PATH); }
SYSCALL_DECL(lgetxattr) { return do_get(t, a, BY_LINK); }
SYSCALL_DECL(fgetxattr) { return do_get(t, a, BY_FD); }
SYSCALL_DECL(listxattr) { return do_list(t, a, BY_PATH); }
SYSCALL_DECL(llistxattr) { return do_list(t, a, BY_LINK); }
SYSCALL_DECL(flistxattr) { return do_list(t, a, BY_FD); }
SYSCALL_DECL(removexattr) { return do_remove(t, a, BY_PATH); }
SYSCALL_DECL(lremovexattr) { return do_remove(t, a, BY_LINK); }
SYSCALL_DECL(fremovexattr) { return do_remove(t, a, BY_FD); }
