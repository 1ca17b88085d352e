/*
 * The guest address space: the reservation, the page flag table, checked
 * copies between host and guest memory, and the page protection that
 * catches writes to translated code.
 *
 * Self-modifying code.  When a guest page first holds translated code
 * (ExecConfig.page_code_added, called with the translation cache's lock
 * held), its flags get GPAGE_CODE and, if the guest may write it, its
 * host mapping becomes read-only.  A guest store to it then faults on the
 * host; fault.c calls guest_code_write_fault(), which makes the page
 * writable again, clears GPAGE_CODE and only then invalidates every block
 * on the page.  That order is what keeps it safe without holding the
 * cache lock across both steps: a block translated from the page between
 * the two steps finds the page already listed (so page_code_added does
 * not run and the page stays writable) but is removed by the
 * invalidation that follows; after it the page has no code, so the next
 * translation protects it again.
 *
 * Locks.  gs->lock serializes the mmap family (which ranges are free);
 * gs->prot_lock is a leaf that makes a page's flags byte and its host
 * protection change together, taken by mmap.c, page_code_added and the
 * write-fault path.  Nothing that holds gs->lock calls into the
 * translation cache (whose lock page_code_added runs under): invalidation
 * always happens after gs->lock is released.  Readers of the flag table
 * (guest_access_ok, the fault handler) read bytes without a lock; a race
 * with a concurrent munmap of the same range is the guest's own race, as
 * on Linux.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec/exec.h"
#include "linux-user/guest-space.h"
#include "linux-user/guest-space-internal.h"
#include "replay/replay-capture.h"

/* Beyond the 4 GiB: an access at 0xffffffff of up to 512 bytes (FXSAVE)
 * lands here and faults instead of touching a neighbouring mapping. */
#define GUEST_GUARD_SIZE ((size_t)64 << 10)

int guest_space_init(GuestSpace *gs)
{
    memset(gs, 0, sizeof(*gs));
    if (sysconf(_SC_PAGESIZE) != GUEST_PAGE_SIZE)
        return -EINVAL;   /* the flag table and host mappings assume 4 KiB pages */
    size_t size = ((size_t)1 << 32) + GUEST_GUARD_SIZE;
    void *base = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    if (base == MAP_FAILED)
        return -errno;
    gs->flags = calloc(GUEST_NB_PAGES, 1);
    if (!gs->flags) {
        munmap(base, size);
        return -ENOMEM;
    }
    gs->base = base;
    gs->reserved = size;
    gs->mmap_next = GUEST_MMAP_BASE;
    pthread_mutex_init(&gs->lock, NULL);
    pthread_mutex_init(&gs->prot_lock, NULL);
    return 0;
}

void guest_space_destroy(GuestSpace *gs)
{
    if (gs->base) {
        munmap(gs->base, gs->reserved);
        pthread_mutex_destroy(&gs->lock);
        pthread_mutex_destroy(&gs->prot_lock);
    }
    free(gs->flags);
    memset(gs, 0, sizeof(*gs));
}

int guest_host_prot(unsigned flags)
{
    if (!(flags & GPAGE_VALID))
        return PROT_NONE;
    int prot = 0;
    if (flags & GPAGE_READ)
        prot |= PROT_READ;
    if ((flags & GPAGE_WRITE) && !(flags & (GPAGE_CODE | GPAGE_TRACK)))
        prot |= PROT_WRITE;
    return prot;
}

int guest_apply_prot_locked(GuestSpace *gs, uint32_t page, uint32_t npages)
{
    uint32_t i = 0;
    while (i < npages) {
        int prot = guest_host_prot(gs->flags[page + i]);
        uint32_t j = i + 1;
        while (j < npages && guest_host_prot(gs->flags[page + j]) == prot)
            j++;
        if (mprotect(g2h(gs, (page + i) << GUEST_PAGE_BITS),
                     (size_t)(j - i) << GUEST_PAGE_BITS, prot) < 0)
            return -errno;
        i = j;
    }
    return 0;
}

bool guest_access_ok(const GuestSpace *gs, uint32_t addr, uint32_t len, unsigned need)
{
    if (len == 0)
        return true;
    uint64_t last = (uint64_t)addr + len - 1;
    if (last > UINT32_MAX)
        return false;
    unsigned want = GPAGE_VALID | need;
    for (uint32_t p = addr >> GUEST_PAGE_BITS; p <= (uint32_t)(last >> GUEST_PAGE_BITS); p++) {
        if ((__atomic_load_n(&gs->flags[p], __ATOMIC_RELAXED) & want) != want)
            return false;
    }
    return true;
}

bool guest_range_free(const GuestSpace *gs, uint32_t addr, uint32_t len)
{
    if (len == 0)
        return true;
    uint64_t last = (uint64_t)addr + len - 1;
    if (last > UINT32_MAX)
        return false;
    for (uint32_t p = addr >> GUEST_PAGE_BITS; p <= (uint32_t)(last >> GUEST_PAGE_BITS); p++) {
        if (gs->flags[p] & GPAGE_VALID)
            return false;
    }
    return true;
}

int copy_from_guest(const GuestSpace *gs, void *dst, uint32_t src, size_t len)
{
    if (len > UINT32_MAX || !guest_access_ok(gs, src, (uint32_t)len, GPAGE_READ))
        return -EFAULT;
    memcpy(dst, g2h(gs, src), len);
    return 0;
}

int copy_to_guest(GuestSpace *gs, uint32_t dst, const void *src, size_t len)
{
    if (len > UINT32_MAX)
        return -EFAULT;
    int r = guest_prepare_write(gs, dst, (uint32_t)len);
    if (r < 0)
        return r;
    /* Should another vCPU translate code on these pages meanwhile, the
     * write faults and fault.c unprotects again. */
    memcpy(g2h(gs, dst), src, len);
    return 0;
}

char *strdup_from_guest(const GuestSpace *gs, uint32_t src, size_t max, int *err)
{
    size_t n = 0;
    uint64_t addr = src;
    /* Page by page: only the pages up to the NUL need to be readable. */
    for (;;) {
        if (addr > UINT32_MAX || !guest_access_ok(gs, (uint32_t)addr, 1, GPAGE_READ)) {
            *err = -EFAULT;
            return NULL;
        }
        size_t chunk = GUEST_PAGE_SIZE - (addr & (GUEST_PAGE_SIZE - 1));
        const char *p = g2h(gs, (uint32_t)addr);
        const char *nul = memchr(p, 0, chunk);
        size_t here = nul ? (size_t)(nul - p) : chunk;
        if (n + here >= max) {
            *err = -ENAMETOOLONG;
            return NULL;
        }
        n += here;
        if (nul)
            break;
        addr += chunk;
    }
    char *s = malloc(n + 1);
    if (!s) {
        *err = -ENOMEM;
        return NULL;
    }
    memcpy(s, g2h(gs, src), n + 1);
    return s;
}

static int prepare_write(GuestSpace *gs, uint32_t addr, uint32_t len, bool bulk)
{
    if (!guest_access_ok(gs, addr, len, GPAGE_WRITE))
        return -EFAULT;
    if (len == 0)
        return 0;
    replay_capture_note(addr, len, bulk);   /* -rr record: what a system call wrote */
    uint32_t last = (uint32_t)(((uint64_t)addr + len - 1) >> GUEST_PAGE_BITS);
    for (uint32_t p = addr >> GUEST_PAGE_BITS; p <= last; p++) {
        if (__atomic_load_n(&gs->flags[p], __ATOMIC_RELAXED) & (GPAGE_CODE | GPAGE_TRACK))
            guest_code_write_fault(gs, p << GUEST_PAGE_BITS);
    }
    return 0;
}

int guest_prepare_write(GuestSpace *gs, uint32_t addr, uint32_t len)
{
    return prepare_write(gs, addr, len, false);
}

int guest_prepare_write_bulk(GuestSpace *gs, uint32_t addr, uint32_t len)
{
    return prepare_write(gs, addr, len, true);
}

void guest_page_code_added(void *opaque, uint64_t page_addr)
{
    GuestSpace *gs = opaque;
    if (page_addr > UINT32_MAX)
        return;
    uint32_t page = (uint32_t)(page_addr >> GUEST_PAGE_BITS);
    pthread_mutex_lock(&gs->prot_lock);
    uint8_t f = gs->flags[page];
    if ((f & GPAGE_VALID) && !(f & GPAGE_CODE)) {
        __atomic_store_n(&gs->flags[page], (uint8_t)(f | GPAGE_CODE), __ATOMIC_RELAXED);
        if (f & GPAGE_WRITE)
            guest_apply_prot_locked(gs, page, 1);
    }
    pthread_mutex_unlock(&gs->prot_lock);
}

bool guest_code_write_fault(GuestSpace *gs, uint32_t addr)
{
    uint32_t page = addr >> GUEST_PAGE_BITS;
    pthread_mutex_lock(&gs->prot_lock);
    uint8_t f = gs->flags[page];
    bool ours = (f & (GPAGE_VALID | GPAGE_WRITE)) == (GPAGE_VALID | GPAGE_WRITE);
    if (ours) {
        if ((f & GPAGE_TRACK) && gs->track_save)
            gs->track_save(gs->track_opaque, page);
        __atomic_store_n(&gs->flags[page], (uint8_t)(f & ~(GPAGE_CODE | GPAGE_TRACK)),
                         __ATOMIC_RELAXED);
        guest_apply_prot_locked(gs, page, 1);
    }
    pthread_mutex_unlock(&gs->prot_lock);
    if (ours && (f & GPAGE_CODE) && gs->exec) {
        uint64_t start = (uint64_t)page << GUEST_PAGE_BITS;
        tb_invalidate_phys_range(gs->exec, start, start + GUEST_PAGE_SIZE);
    }
    return ours;
}

int guest_track_arm(GuestSpace *gs)
{
    pthread_mutex_lock(&gs->prot_lock);
    for (uint32_t p = 0; p < GUEST_NB_PAGES; p++)
        if (gs->flags[p] & GPAGE_VALID)
            gs->flags[p] |= GPAGE_TRACK;
    int r = 0;
    /* Only the writable pages change host protection. */
    for (uint32_t p = 0; p < GUEST_NB_PAGES && r == 0;) {
        if ((gs->flags[p] & (GPAGE_VALID | GPAGE_WRITE)) != (GPAGE_VALID | GPAGE_WRITE)) {
            p++;
            continue;
        }
        uint32_t n = 1;
        while (p + n < GUEST_NB_PAGES &&
               (gs->flags[p + n] & (GPAGE_VALID | GPAGE_WRITE)) == (GPAGE_VALID | GPAGE_WRITE))
            n++;
        r = guest_apply_prot_locked(gs, p, n);
        p += n;
    }
    pthread_mutex_unlock(&gs->prot_lock);
    return r;
}

void guest_track_save_range(GuestSpace *gs, uint32_t addr, uint64_t len)
{
    if (!gs->track_save || len == 0)
        return;
    uint64_t end = ((uint64_t)addr + len + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    pthread_mutex_lock(&gs->prot_lock);
    for (uint64_t p = addr >> GUEST_PAGE_BITS; p < end && p < GUEST_NB_PAGES; p++) {
        if (gs->flags[p] & GPAGE_TRACK) {
            gs->track_save(gs->track_opaque, (uint32_t)p);
            gs->flags[p] &= (uint8_t)~GPAGE_TRACK;
        }
    }
    pthread_mutex_unlock(&gs->prot_lock);
}

bool guest_code_read(const GuestSpace *gs, uint64_t addr, void *buf, unsigned len)
{
    if (len == 0)
        return true;
    if (addr > UINT32_MAX || addr + len - 1 > UINT32_MAX)
        return false;
    unsigned need = gs->read_implies_exec ? GPAGE_READ : GPAGE_EXEC;
    if (!guest_access_ok(gs, (uint32_t)addr, len, need))
        return false;
    memcpy(buf, g2h(gs, (uint32_t)addr), len);
    return true;
}
