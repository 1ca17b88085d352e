/*
 * The guest's mmap family: mmap, munmap, mprotect, mremap, madvise,
 * msync and brk, on the reservation of guest-space.c.
 *
 * Every guest mapping is a host mapping at base + addr made with
 * MAP_FIXED over the PROT_NONE reservation, and unmapping puts the
 * reservation back, so the 4 GiB window never has holes another host
 * mapping could fall into.  The flag table is the only record of what is
 * mapped: it answers "is this range free" for address selection and
 * "may the guest touch this" for system calls.
 *
 * File mappings are made first at a place the host kernel picks and then
 * moved into the window with mremap(MREMAP_FIXED): the host checks the
 * file, the descriptor and the protection before anything in the window
 * changes, so a failed MAP_FIXED mmap leaves the old mapping intact.
 *
 * Address selection follows Linux's top-down layout: the highest free
 * range below gs->mmap_next (GUEST_MMAP_BASE, 128 MiB under the stack top)
 * and above GUEST_MMAP_MIN; failing that, anywhere below the stack top.
 * A hint is taken when its range is free.  Errors are Linux's: EINVAL for
 * bad alignment, lengths and flags, ENOMEM for no room or unmapped
 * ranges, EBADF/EACCES/ENODEV from the host for bad descriptors.
 *
 * Translated code in a range that is unmapped, replaced, moved, made
 * non-executable or discarded (MADV_DONTNEED) is invalidated after the
 * range changed and after gs->lock is released (guest-space.c explains
 * why that order is safe).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "linux-user/guest-space-internal.h"
#include "linux-user/syscall-impl.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* Flags handed on to the host mapping; the placement flags are ours. */
#define HOST_PASS_FLAGS (MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | \
                         MAP_LOCKED | MAP_SYNC)
/* Flags mmap understands (MAP_SHARED_VALIDATE rejects any other). */
#define KNOWN_FLAGS (HOST_PASS_FLAGS | MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_GROWSDOWN | \
                     MAP_DENYWRITE | MAP_EXECUTABLE | MAP_STACK | MAP_HUGETLB | MAP_32BIT | \
                     MAP_UNINITIALIZED | (0x3fu << 26) /* MAP_HUGE_* sizes */)

#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)

static inline uint64_t page_align(uint64_t x)
{
    return (x + GUEST_PAGE_SIZE - 1) & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
}

static bool page_aligned(uint64_t x)
{
    return (x & (GUEST_PAGE_SIZE - 1)) == 0;
}

/* GPAGE_* access bits for PROT_* (x86: write and exec imply read). */
static unsigned prot_to_flags(int prot)
{
    unsigned f = 0;
    if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
        f |= GPAGE_READ;
    if (prot & PROT_WRITE)
        f |= GPAGE_WRITE;
    if (prot & PROT_EXEC)
        f |= GPAGE_EXEC;
    return f;
}

/* Sets the flags of [addr, addr + len) (a new mapping: no code yet). */
static void set_flags(GuestSpace *gs, uint32_t addr, uint32_t len, unsigned flags)
{
    pthread_mutex_lock(&gs->prot_lock);
    memset(gs->flags + (addr >> GUEST_PAGE_BITS), (int)flags, len >> GUEST_PAGE_BITS);
    pthread_mutex_unlock(&gs->prot_lock);
}

static void invalidate(GuestSpace *gs, uint32_t addr, uint64_t len)
{
    if (gs->exec && len)
        tb_invalidate_phys_range(gs->exec, addr, (uint64_t)addr + len);
}

/* Puts the reservation back over [addr, addr + len). */
static int reserve(GuestSpace *gs, uint32_t addr, uint64_t len)
{
    guest_track_save_range(gs, addr, len);   /* snapshots: the contents go */
    void *p = mmap(g2h(gs, addr), len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}

uint32_t guest_find_free_locked(const GuestSpace *gs, uint32_t len, uint32_t top)
{
    uint32_t need = len >> GUEST_PAGE_BITS;
    uint32_t lo = GUEST_MMAP_MIN >> GUEST_PAGE_BITS;
    uint32_t run = 0;
    if (need == 0)
        return 0;
    for (uint32_t p = top >> GUEST_PAGE_BITS; p-- > lo;) {
        if (gs->flags[p] & GPAGE_VALID)
            run = 0;
        else if (++run == need)
            return p << GUEST_PAGE_BITS;
    }
    return 0;
}

/* Makes the host mapping for [addr, addr + len); the range is the
 * reservation or an old mapping being replaced. */
static int host_map(GuestSpace *gs, uint32_t addr, uint32_t len, int hprot, int flags, int fd,
                    uint64_t offset)
{
    int type = flags & MAP_TYPE;
    int hflags = type | (flags & HOST_PASS_FLAGS);
    guest_track_save_range(gs, addr, len);   /* snapshots: mapped over */
    if (flags & MAP_ANONYMOUS) {
        void *p = mmap(g2h(gs, addr), len, hprot, hflags | MAP_FIXED, -1, 0);
        return p == MAP_FAILED ? -errno : 0;
    }
    if (fd < 0)
        return -EBADF;
    void *tmp = mmap(NULL, len, hprot, hflags, fd, (off_t)offset);
    if (tmp == MAP_FAILED)
        return -errno;
    void *p = mremap(tmp, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, g2h(gs, addr));
    if (p == MAP_FAILED) {
        int err = -errno;
        munmap(tmp, len);
        return err;
    }
    return 0;
}

int64_t guest_mmap(GuestSpace *gs, uint32_t addr, uint32_t len, int prot, int flags, int fd,
                   uint64_t offset)
{
    int type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == MAP_SHARED_VALIDATE && (flags & ~(KNOWN_FLAGS | MAP_TYPE)))
        return -EOPNOTSUPP;
    if ((flags & MAP_SYNC) && type != MAP_SHARED_VALIDATE)
        flags &= ~MAP_SYNC;   /* Linux ignores it outside MAP_SHARED_VALIDATE */
    if (prot & ~PROT_KNOWN)
        return -EINVAL;
    if (len == 0 || !page_aligned(offset))
        return -EINVAL;
    uint64_t rlen = page_align(len);
    if (rlen > GUEST_TASK_SIZE)
        return -ENOMEM;
    if (!(flags & MAP_ANONYMOUS) && offset + rlen < offset)
        return -EOVERFLOW;
    if (flags & MAP_ANONYMOUS) {
        fd = -1;
        offset = 0;
    }
    bool fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;

    pthread_mutex_lock(&gs->lock);
    uint32_t start;
    bool replaced = false;
    if (fixed) {
        if (!page_aligned(addr)) {
            pthread_mutex_unlock(&gs->lock);
            return -EINVAL;
        }
        if ((uint64_t)addr + rlen > GUEST_TASK_SIZE) {
            pthread_mutex_unlock(&gs->lock);
            return -ENOMEM;
        }
        if (addr < GUEST_MMAP_MIN) {
            pthread_mutex_unlock(&gs->lock);
            return -EPERM;
        }
        bool free = guest_range_free(gs, addr, (uint32_t)rlen);
        if (!free && !(flags & MAP_FIXED)) {
            pthread_mutex_unlock(&gs->lock);
            return -EEXIST;   /* MAP_FIXED_NOREPLACE */
        }
        replaced = !free;
        start = addr;
    } else {
        uint64_t hint = page_align(addr);
        if (hint && hint >= GUEST_MMAP_MIN && hint + rlen <= GUEST_TASK_SIZE &&
            guest_range_free(gs, (uint32_t)hint, (uint32_t)rlen)) {
            start = (uint32_t)hint;
        } else {
            start = guest_find_free_locked(gs, (uint32_t)rlen, gs->mmap_next);
            if (!start)
                start = guest_find_free_locked(gs, (uint32_t)rlen, GUEST_TASK_SIZE);
            if (!start) {
                pthread_mutex_unlock(&gs->lock);
                return -ENOMEM;
            }
        }
    }

    unsigned pflags = GPAGE_VALID | prot_to_flags(prot) | (fd < 0 ? GPAGE_ANON : 0);
    int r = host_map(gs, start, (uint32_t)rlen, guest_host_prot(pflags), flags, fd, offset);
    if (r < 0) {
        pthread_mutex_unlock(&gs->lock);
        return r;
    }
    set_flags(gs, start, (uint32_t)rlen, pflags);
    pthread_mutex_unlock(&gs->lock);
    if (replaced)
        invalidate(gs, start, rlen);
    return start;
}

int guest_munmap(GuestSpace *gs, uint32_t addr, uint32_t len)
{
    if (!page_aligned(addr) || len == 0)
        return -EINVAL;
    uint64_t rlen = page_align(len);
    if ((uint64_t)addr + rlen > GUEST_TASK_SIZE)
        return -EINVAL;
    pthread_mutex_lock(&gs->lock);
    bool had_any = !guest_range_free(gs, addr, (uint32_t)rlen);
    int r = had_any ? reserve(gs, addr, rlen) : 0;
    if (r == 0 && had_any)
        set_flags(gs, addr, (uint32_t)rlen, 0);
    pthread_mutex_unlock(&gs->lock);
    if (had_any)
        invalidate(gs, addr, rlen);
    return r;
}

int guest_mprotect(GuestSpace *gs, uint32_t addr, uint32_t len, int prot)
{
    if (!page_aligned(addr) || (prot & ~PROT_KNOWN) ||
        (prot & (PROT_GROWSDOWN | PROT_GROWSUP)) == (PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    if (len == 0)
        return 0;
    uint64_t rlen = page_align(len);
    if ((uint64_t)addr + rlen > GUEST_TASK_SIZE)
        return -ENOMEM;
    pthread_mutex_lock(&gs->lock);
    if (!guest_access_ok(gs, addr, (uint32_t)rlen, 0)) {
        pthread_mutex_unlock(&gs->lock);
        return -ENOMEM;
    }
    uint32_t first = addr >> GUEST_PAGE_BITS, n = (uint32_t)(rlen >> GUEST_PAGE_BITS);
    unsigned access = prot_to_flags(prot);
    bool lost_exec = false;
    int r = 0;
    pthread_mutex_lock(&gs->prot_lock);
    /* Host first, run by run, so a refusal (EACCES: PROT_WRITE on a
     * shared mapping of a read-only file) leaves the flags of the pages
     * it did not change as they were. */
    uint32_t i = 0;
    while (i < n && r == 0) {
        uint8_t old = gs->flags[first + i];
        uint8_t nf = (uint8_t)((old & (GPAGE_VALID | GPAGE_ANON | GPAGE_CODE | GPAGE_TRACK)) | access);
        int hprot = guest_host_prot(nf);
        uint32_t j = i + 1;
        while (j < n) {
            uint8_t o2 = gs->flags[first + j];
            uint8_t n2 = (uint8_t)((o2 & (GPAGE_VALID | GPAGE_ANON | GPAGE_CODE | GPAGE_TRACK)) | access);
            if (guest_host_prot(n2) != hprot)
                break;
            j++;
        }
        if (mprotect(g2h(gs, (first + i) << GUEST_PAGE_BITS),
                     (size_t)(j - i) << GUEST_PAGE_BITS, hprot) < 0) {
            r = -errno;
            break;
        }
        for (uint32_t k = i; k < j; k++) {
            uint8_t o = gs->flags[first + k];
            if ((o & GPAGE_EXEC) && !(access & GPAGE_EXEC))
                lost_exec = true;
            gs->flags[first + k] =
                (uint8_t)((o & (GPAGE_VALID | GPAGE_ANON | GPAGE_CODE | GPAGE_TRACK)) | access);
        }
        i = j;
    }
    pthread_mutex_unlock(&gs->prot_lock);
    pthread_mutex_unlock(&gs->lock);
    /* Blocks translated from pages that are no longer executable must not
     * run again: the next execution there fetches and faults. */
    if (lost_exec)
        invalidate(gs, addr, rlen);
    return r;
}

/* Moves the host pages of [old, old + old_len) to new (new_len bytes,
 * possibly longer: the rest comes from the same mapping) and puts the
 * reservation back at the old place.  Lock held. */
static int move_mapping(GuestSpace *gs, uint32_t old, uint32_t old_len, uint32_t new,
                        uint32_t new_len)
{
    /* snapshots: both the pages that move and those they land on */
    guest_track_save_range(gs, old, old_len);
    guest_track_save_range(gs, new, new_len);
    void *p = mremap(g2h(gs, old), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
                     g2h(gs, new));
    if (p == MAP_FAILED)
        return -errno;
    reserve(gs, old, old_len);
    return 0;
}

/* Grows [old, old + old_len) in place to new_len; the pages after it are
 * the reservation, which the host sees as a mapping in the way, so the
 * mapping goes out of the window and comes back. */
static int grow_in_place(GuestSpace *gs, uint32_t old, uint32_t old_len, uint32_t new_len)
{
    void *tmp = mremap(g2h(gs, old), old_len, new_len, MREMAP_MAYMOVE);
    if (tmp == MAP_FAILED)
        return -errno;
    void *p = mremap(tmp, new_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, g2h(gs, old));
    if (p == MAP_FAILED) {
        int err = -errno;
        /* Put it back as it was: shrinking into the hole it left. */
        if (mremap(tmp, new_len, old_len, MREMAP_MAYMOVE | MREMAP_FIXED, g2h(gs, old)) ==
            MAP_FAILED)
            reserve(gs, old, old_len);
        return err;
    }
    return 0;
}

/* Flags of a range that moved: the same access, no code. */
static void copy_flags(GuestSpace *gs, uint32_t dst, uint32_t src, uint32_t len,
                       uint32_t extra_len)
{
    uint32_t n = len >> GUEST_PAGE_BITS, d = dst >> GUEST_PAGE_BITS, s = src >> GUEST_PAGE_BITS;
    uint8_t tmp[256];
    pthread_mutex_lock(&gs->prot_lock);
    /* memmove semantics in chunks; ranges never overlap here but the
     * order does not matter for disjoint ones. */
    for (uint32_t i = 0; i < n; i += sizeof(tmp)) {
        uint32_t c = n - i < sizeof(tmp) ? n - i : (uint32_t)sizeof(tmp);
        memcpy(tmp, gs->flags + s + i, c);
        for (uint32_t k = 0; k < c; k++)
            tmp[k] &= (uint8_t)~GPAGE_CODE;
        memcpy(gs->flags + d + i, tmp, c);
    }
    uint8_t last = n ? (uint8_t)(gs->flags[d + n - 1] & ~GPAGE_CODE) : 0;
    memset(gs->flags + d + n, last, extra_len >> GUEST_PAGE_BITS);
    guest_apply_prot_locked(gs, d, n + (extra_len >> GUEST_PAGE_BITS));
    pthread_mutex_unlock(&gs->prot_lock);
}

static int64_t do_mremap(GuestSpace *gs, uint32_t old, uint32_t old_size, uint32_t new_size,
                         uint32_t mflags, uint32_t new_addr)
{
    if (mflags & ~(uint32_t)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
        return -EINVAL;
    if ((mflags & MREMAP_FIXED) && !(mflags & MREMAP_MAYMOVE))
        return -EINVAL;
    /* Keeping the old pages mapped (MREMAP_DONTUNMAP) is not offered:
     * Linux before 5.7 answers EINVAL the same way. */
    if (mflags & MREMAP_DONTUNMAP)
        return -EINVAL;
    if (!page_aligned(old))
        return -EINVAL;
    uint64_t old_len = page_align(old_size), new_len = page_align(new_size);
    if (new_len == 0 || old_len == 0 || new_len > GUEST_TASK_SIZE)
        return -EINVAL;
    if ((uint64_t)old + old_len > GUEST_TASK_SIZE)
        return -EFAULT;

    pthread_mutex_lock(&gs->lock);
    int64_t ret;
    uint64_t inval_addr = 0, inval_len = 0;
    if (!guest_access_ok(gs, old, (uint32_t)old_len, 0)) {
        ret = -EFAULT;
        goto out;
    }
    if (mflags & MREMAP_FIXED) {
        if (!page_aligned(new_addr) || (uint64_t)new_addr + new_len > GUEST_TASK_SIZE ||
            (new_addr < old + old_len && old < new_addr + new_len)) {
            ret = -EINVAL;
            goto out;
        }
        if (new_addr < GUEST_MMAP_MIN) {
            ret = -EPERM;
            goto out;
        }
        /* Whatever is at the destination goes, as with MAP_FIXED. */
        if (!guest_range_free(gs, new_addr, (uint32_t)new_len)) {
            reserve(gs, new_addr, new_len);
            set_flags(gs, new_addr, (uint32_t)new_len, 0);
        }
        uint32_t keep = (uint32_t)(new_len < old_len ? new_len : old_len);
        if (old_len > keep) {
            reserve(gs, old + keep, old_len - keep);
            set_flags(gs, old + keep, (uint32_t)(old_len - keep), 0);
        }
        ret = move_mapping(gs, old, keep, new_addr, (uint32_t)new_len);
        if (ret == 0) {
            copy_flags(gs, new_addr, old, keep, (uint32_t)(new_len - keep));
            set_flags(gs, old, keep, 0);
            ret = new_addr;
        }
        inval_addr = old;
        inval_len = old_len;
        goto out;
    }
    if (new_len <= old_len) {
        if (new_len < old_len) {
            reserve(gs, old + (uint32_t)new_len, old_len - new_len);
            set_flags(gs, old + (uint32_t)new_len, (uint32_t)(old_len - new_len), 0);
            inval_addr = old + new_len;
            inval_len = old_len - new_len;
        }
        ret = old;
        goto out;
    }
    uint64_t extra = new_len - old_len;
    if ((uint64_t)old + new_len <= GUEST_TASK_SIZE &&
        guest_range_free(gs, old + (uint32_t)old_len, (uint32_t)extra)) {
        ret = grow_in_place(gs, old, (uint32_t)old_len, (uint32_t)new_len);
        if (ret == 0) {
            /* The moved pages lost the read-only protection of code. */
            copy_flags(gs, old, old, (uint32_t)old_len, (uint32_t)extra);
            ret = old;
            inval_addr = old;
            inval_len = old_len;
        }
        goto out;
    }
    if (!(mflags & MREMAP_MAYMOVE)) {
        ret = -ENOMEM;
        goto out;
    }
    uint32_t dest = guest_find_free_locked(gs, (uint32_t)new_len, gs->mmap_next);
    if (!dest)
        dest = guest_find_free_locked(gs, (uint32_t)new_len, GUEST_TASK_SIZE);
    if (!dest) {
        ret = -ENOMEM;
        goto out;
    }
    ret = move_mapping(gs, old, (uint32_t)old_len, dest, (uint32_t)new_len);
    if (ret == 0) {
        copy_flags(gs, dest, old, (uint32_t)old_len, (uint32_t)extra);
        set_flags(gs, old, (uint32_t)old_len, 0);
        ret = dest;
        inval_addr = old;
        inval_len = old_len;
    }
out:
    pthread_mutex_unlock(&gs->lock);
    invalidate(gs, (uint32_t)inval_addr, inval_len);
    return ret;
}

SYSCALL_DECL(mmap2)
{
    /* The offset is in 4096-byte units whatever the page size. */
    return (abi_long)guest_mmap(&t->proc->space, a[0], a[1], (int)a[2], (int)a[3],
                                (int)(int32_t)a[4], (uint64_t)a[5] << 12);
}

SYSCALL_DECL(old_mmap)
{
    uint32_t v[6];
    int r = copy_from_guest(&t->proc->space, v, a[0], sizeof(v));
    if (r < 0)
        return r;
    if (!page_aligned(v[5]))
        return -EINVAL;
    return (abi_long)guest_mmap(&t->proc->space, v[0], v[1], (int)v[2], (int)v[3],
                                (int)(int32_t)v[4], v[5]);
}

SYSCALL_DECL(munmap)
{
    return guest_munmap(&t->proc->space, a[0], a[1]);
}

SYSCALL_DECL(mprotect)
{
    return guest_mprotect(&t->proc->space, a[0], a[1], (int)a[2]);
}

SYSCALL_DECL(mremap)
{
    return (abi_long)do_mremap(&t->proc->space, a[0], a[1], a[2], a[3], a[4]);
}

SYSCALL_DECL(madvise)
{
    GuestSpace *gs = &t->proc->space;
    uint32_t addr = a[0];
    int advice = (int)a[2];
    if (!page_aligned(addr))
        return -EINVAL;
    uint64_t len = page_align(a[1]);
    if ((uint64_t)addr + len > GUEST_TASK_SIZE)
        return -EINVAL;
    /* Poisoning or offlining pages of mimic's own process is not the
     * guest's to ask. */
    if (advice == MADV_HWPOISON || advice == MADV_SOFT_OFFLINE)
        return -EPERM;
    if (len == 0)
        return 0;
    if (!guest_access_ok(gs, addr, (uint32_t)len, 0))
        return -ENOMEM;
    if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE)
        guest_track_save_range(gs, addr, len);   /* snapshots: zeroed next */
    if (madvise(g2h(gs, addr), len, advice) < 0)
        return host_to_guest_errno(errno);
    /* These replace the contents (zero pages, or the file again). */
    if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE)
        invalidate(gs, addr, len);
    return 0;
}

SYSCALL_DECL(msync)
{
    GuestSpace *gs = &t->proc->space;
    uint32_t addr = a[0];
    int flags = (int)a[2];
    if (!page_aligned(addr) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    uint64_t len = page_align(a[1]);
    if ((uint64_t)addr + len > GUEST_TASK_SIZE)
        return -ENOMEM;
    if (!guest_access_ok(gs, addr, (uint32_t)len, 0))
        return -ENOMEM;
    if (len && msync(g2h(gs, addr), len, flags) < 0)
        return host_to_guest_errno(errno);
    return 0;
}

/*
 * brk: the break moves within [brk_start, the next mapping); pages are
 * mapped and unmapped as whole pages, and a refused move returns the old
 * break, as Linux does.
 */
SYSCALL_DECL(brk)
{
    GuestSpace *gs = &t->proc->space;
    uint32_t want = a[0];
    pthread_mutex_lock(&gs->lock);
    uint32_t cur = gs->brk;
    if (want < gs->brk_start) {
        pthread_mutex_unlock(&gs->lock);
        return (abi_long)cur;
    }
    uint64_t old_top = page_align(cur), new_top = page_align(want);
    uint64_t unmap_addr = 0, unmap_len = 0;
    if (new_top > old_top) {
        uint64_t n = new_top - old_top;
        if (new_top > GUEST_TASK_SIZE || !guest_range_free(gs, (uint32_t)old_top, (uint32_t)n)) {
            pthread_mutex_unlock(&gs->lock);
            return (abi_long)cur;
        }
        unsigned pflags = GPAGE_VALID | GPAGE_READ | GPAGE_WRITE | GPAGE_ANON;
        if (gs->read_implies_exec)
            pflags |= GPAGE_EXEC;
        if (host_map(gs, (uint32_t)old_top, (uint32_t)n, guest_host_prot(pflags),
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) < 0) {
            pthread_mutex_unlock(&gs->lock);
            return (abi_long)cur;
        }
        set_flags(gs, (uint32_t)old_top, (uint32_t)n, pflags);
    } else if (new_top < old_top) {
        unmap_addr = new_top;
        unmap_len = old_top - new_top;
        reserve(gs, (uint32_t)unmap_addr, unmap_len);
        set_flags(gs, (uint32_t)unmap_addr, (uint32_t)unmap_len, 0);
    }
    gs->brk = want;
    pthread_mutex_unlock(&gs->lock);
    invalidate(gs, (uint32_t)unmap_addr, unmap_len);
    return (abi_long)want;
}
