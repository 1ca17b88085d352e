/*
 * Guest pointers and paths as the system call handlers receive them:
 * buffers checked against the page table before the host touches them,
 * iovec arrays, and path names with the -L sysroot and /proc rules.
 *
 * The sysroot rule is the one the dynamic loader needs: with -L DIR, an
 * absolute path that exists under DIR means that file ("/lib/ld-linux.so.2"
 * -> "DIR/lib/ld-linux.so.2"), and any other path means itself.  It is
 * applied to calls that look files up (open, stat, access, readlink,
 * exec), never to calls that create or remove names, which act on the
 * real file system as the guest asked.
 */
#include "linux-user/syscall-internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const void *guest_in_ptr(LinuxThread *t, uint32_t addr, uint32_t len)
{
    GuestSpace *gs = &t->proc->space;
    if (!guest_access_ok(gs, addr, len, GPAGE_READ))
        return NULL;
    return g2h(gs, addr);
}

void *guest_out_ptr(LinuxThread *t, uint32_t addr, uint32_t len)
{
    GuestSpace *gs = &t->proc->space;
    if (guest_prepare_write_bulk(gs, addr, len) != 0)
        return NULL;
    return g2h(gs, addr);
}

uint32_t guest_prefix(LinuxThread *t, uint32_t addr, uint32_t len, unsigned need)
{
    const GuestSpace *gs = &t->proc->space;
    uint32_t done = 0;
    while (done < len) {
        uint32_t a = addr + done;
        uint32_t chunk = GUEST_PAGE_SIZE - (a & (GUEST_PAGE_SIZE - 1));
        if (chunk > len - done)
            chunk = len - done;
        if ((uint64_t)a + chunk > ((uint64_t)1 << 32) || !guest_access_ok(gs, a, chunk, need))
            break;
        done += chunk;
    }
    return done;
}

abi_long guest_iov_get(LinuxThread *t, GuestIov *v, uint32_t addr, uint32_t count,
                       bool to_guest)
{
    v->iov = NULL;
    v->count = 0;
    if (count > GUEST_IOV_MAX)
        return -EINVAL;
    if (count == 0)
        return 0;
    GuestIovec *g = malloc(count * sizeof(*g));
    struct iovec *h = calloc(count, sizeof(*h));
    if (!g || !h) {
        free(g);
        free(h);
        return -ENOMEM;
    }
    abi_long err = get_guest(t, g, addr, count * sizeof(*g));
    uint64_t total = 0;
    for (uint32_t i = 0; err == 0 && i < count; i++) {
        uint32_t len = g[i].iov_len;
        /* The kernel's rule: the running total must stay a valid ssize_t
         * (32-bit here), checked before any buffer. */
        total += len;
        if (len > INT32_MAX || total > INT32_MAX) {
            err = -EINVAL;
            break;
        }
        h[i].iov_len = len;
    }
    for (uint32_t i = 0; err == 0 && i < count; i++) {
        uint32_t base = g[i].iov_base, len = g[i].iov_len;
        void *p = to_guest ? guest_out_ptr(t, base, len)
                           : (void *)guest_in_ptr(t, base, len);
        if (!p)
            err = -EFAULT;
        h[i].iov_base = p;
    }
    free(g);
    if (err) {
        free(h);
        return err;
    }
    v->iov = h;
    v->count = (int)count;
    return 0;
}

void guest_iov_free(GuestIov *v)
{
    free(v->iov);
    v->iov = NULL;
    v->count = 0;
}

char *sysroot_path(const LinuxProcess *proc, const char *path)
{
    const char *root = proc->sysroot;
    if (!root || !root[0] || path[0] != '/')
        return NULL;
    if (strcmp(root, "/") == 0)
        return NULL;
    size_t rl = strlen(root), pl = strlen(path);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    if (rl + pl + 1 > GUEST_PATH_MAX)
        return NULL;
    char *joined = malloc(rl + pl + 1);
    if (!joined)
        return NULL;
    memcpy(joined, root, rl);
    memcpy(joined + rl, path, pl + 1);
    struct stat st;
    if (lstat(joined, &st) != 0) {
        free(joined);
        return NULL;
    }
    return joined;
}

bool proc_is_self_entry(const char *path, const char *entry)
{
    static const char prefix[] = "/proc/";
    if (strncmp(path, prefix, sizeof(prefix) - 1) != 0)
        return false;
    const char *p = path + sizeof(prefix) - 1;
    const char *slash = strchr(p, '/');
    if (!slash || strcmp(slash + 1, entry) != 0)
        return false;
    size_t n = (size_t)(slash - p);
    if ((n == 4 && memcmp(p, "self", 4) == 0) ||
        (n == 11 && memcmp(p, "thread-self", 11) == 0))
        return true;
    /* /proc/<pid>/ of this process: the guest sees host pids. */
    char pid[16];
    int len = snprintf(pid, sizeof(pid), "%d", (int)getpid());
    return (size_t)len == n && memcmp(p, pid, n) == 0;
}

abi_long guest_path_get(LinuxThread *t, uint32_t addr, unsigned how, GuestPath *p)
{
    int err = 0;
    p->alloc = NULL;
    p->guest = strdup_from_guest(&t->proc->space, addr, GUEST_PATH_MAX, &err);
    p->host = p->guest;
    if (!p->guest)
        return err ? err : -EFAULT;
    if (how & GPATH_SYSROOT) {
        p->alloc = sysroot_path(t->proc, p->guest);
        if (p->alloc)
            p->host = p->alloc;
    }
    return 0;
}

void guest_path_free(GuestPath *p)
{
    free(p->guest);
    free(p->alloc);
    p->guest = p->alloc = NULL;
    p->host = NULL;
}
