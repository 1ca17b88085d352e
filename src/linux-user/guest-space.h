/*
 * The guest's 4 GiB address space inside one host reservation.
 *
 * Guest address A is host address base + A (cpu->guest_base = base), so
 * generated code reaches guest memory with one instruction and can reach
 * nothing else: the reservation is 4 GiB plus a guard page, PROT_NONE
 * wherever the guest has mapped nothing.  A page table with one byte of
 * flags per 4 KiB guest page is the authority on what is mapped: system
 * calls check guest pointers against it (never by touching memory and
 * catching the fault), mmap/mprotect/munmap keep it and the host
 * protections in step, and pages holding translated code are kept
 * read-only on the host so that writes to them are caught (self-modifying
 * code) while the guest still sees them as writable.
 */
#ifndef MIMIC_LINUX_USER_GUEST_SPACE_H
#define MIMIC_LINUX_USER_GUEST_SPACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_BITS 12
#define GUEST_PAGE_SIZE (1u << GUEST_PAGE_BITS)
#define GUEST_PAGE_MASK (~(uint32_t)(GUEST_PAGE_SIZE - 1))
#define GUEST_NB_PAGES (1u << (32 - GUEST_PAGE_BITS))

/* Page flags. */
enum {
    GPAGE_VALID = 1u << 0,     /* mapped */
    GPAGE_READ = 1u << 1,
    GPAGE_WRITE = 1u << 2,     /* as the guest sees it */
    GPAGE_EXEC = 1u << 3,
    GPAGE_CODE = 1u << 4,      /* holds translated code: host-protected read-only */
    GPAGE_ANON = 1u << 5,
};

typedef struct GuestSpace {
    uint8_t *base;             /* host address of guest address 0 */
    uint8_t *flags;            /* GUEST_NB_PAGES entries */
    uint32_t brk_start, brk;   /* program break */
    uint32_t mmap_next;        /* where the next mmap without a hint is tried */
    pthread_mutex_t lock;      /* mmap, munmap, mprotect, brk, flags changes */
} GuestSpace;

static inline void *g2h(const GuestSpace *gs, uint32_t addr)
{
    return gs->base + addr;
}
static inline uint32_t h2g(const GuestSpace *gs, const void *p)
{
    return (uint32_t)((const uint8_t *)p - gs->base);
}

/* True when every page of [addr, addr + len) is mapped with all the
 * GPAGE_* bits of `need` (GPAGE_READ, GPAGE_WRITE); len 0 is always ok. */
bool guest_access_ok(const GuestSpace *gs, uint32_t addr, uint32_t len, unsigned need);

/* Copies between host and guest memory; -EFAULT (guest errno, negative)
 * when the guest range is not accessible.  Writes into pages holding
 * translated code invalidate that code first. */
int copy_from_guest(const GuestSpace *gs, void *dst, uint32_t src, size_t len);
int copy_to_guest(GuestSpace *gs, uint32_t dst, const void *src, size_t len);
/* A NUL-terminated guest string of at most max bytes (with the NUL),
 * copied into a malloc'd buffer: NULL with *err = -EFAULT or
 * -ENAMETOOLONG. */
char *strdup_from_guest(const GuestSpace *gs, uint32_t src, size_t max, int *err);

#endif
