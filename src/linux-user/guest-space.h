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
    /* Snapshots for reverse execution (linux-user/rr-snapshot.c): the
     * page's contents are not saved in the current snapshot epoch yet,
     * so it is host read-only and the first change saves them. */
    GPAGE_TRACK = 1u << 6,
};

/*
 * The layout, as Linux gives it to a 32-bit process on an x86-64 kernel
 * with address-space randomization off (docs/linux-user.md): the stack
 * ends at the top of the user range, mmap allocates top-down from 128 MiB
 * below it, a position-independent main program is loaded at
 * GUEST_PIE_BASE, and nothing is mapped below GUEST_MMAP_MIN.
 */
#define GUEST_TASK_SIZE 0xffffe000u
#define GUEST_STACK_TOP GUEST_TASK_SIZE
#define GUEST_MMAP_BASE (GUEST_TASK_SIZE - (128u << 20))
#define GUEST_MMAP_MIN 0x10000u
#define GUEST_PIE_BASE 0x56555000u

struct ExecContext;

typedef struct GuestSpace {
    uint8_t *base;             /* host address of guest address 0 */
    uint8_t *flags;            /* GUEST_NB_PAGES entries */
    uint32_t brk_start, brk;   /* program break */
    uint32_t mmap_next;        /* where the next mmap without a hint is tried */
    pthread_mutex_t lock;      /* mmap, munmap, mprotect, brk, flags changes */
    /* Leaf lock: a page's flags byte and its host protection change
     * together under it (also from page_code_added and the write-fault
     * handler), so the two never disagree.  Nothing else is taken while
     * it is held and no guest memory is touched. */
    pthread_mutex_t prot_lock;
    struct ExecContext *exec;  /* the translation cache to invalidate */
    /* GPAGE_TRACK: saves page's contents before they change (under
     * prot_lock, possibly in the fault handler: no allocation). */
    void (*track_save)(void *opaque, uint32_t page);
    void *track_opaque;
    bool read_implies_exec;    /* no PT_GNU_STACK: PROT_READ means PROT_EXEC */
    size_t reserved;           /* bytes reserved at base (4 GiB + guard) */
} GuestSpace;

/* Whether Linux would have a present page table entry for addr: mapped
 * with some access (a PROT_NONE page is not present), for the P bit of a
 * page fault's error code. */
static inline bool guest_page_present(const GuestSpace *gs, uint32_t addr)
{
    uint8_t f = gs->flags[addr >> GUEST_PAGE_BITS];
    return (f & GPAGE_VALID) && (f & (GPAGE_READ | GPAGE_WRITE | GPAGE_EXEC));
}

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

/* Reserves the 4 GiB (+ guard) and the flag table: 0 or -errno. */
int guest_space_init(GuestSpace *gs);
void guest_space_destroy(GuestSpace *gs);

/*
 * Before a host system call writes into guest memory directly
 * (read(fd, g2h(buf), n)): checks [addr, addr + len) is mapped writable
 * and makes it host-writable, invalidating any translated code on it (a
 * host kernel write to a page kept read-only for self-modifying code
 * detection would fail with EFAULT, not fault).  0 or -EFAULT.
 */
int guest_prepare_write(GuestSpace *gs, uint32_t addr, uint32_t len);
/* The same for a bulk buffer (read's): while recording, a call that
 * returns a byte count is taken to have written that many bytes of its
 * bulk buffers (replay/replay-capture.h). */
int guest_prepare_write_bulk(GuestSpace *gs, uint32_t addr, uint32_t len);

/* ExecConfig.page_code_added (opaque = the GuestSpace). */
void guest_page_code_added(void *opaque, uint64_t page_addr);
/* Reads code for the translator: false unless every byte is mapped
 * executable. */
bool guest_code_read(const GuestSpace *gs, uint64_t addr, void *buf, unsigned len);
/*
 * A write to guest page `addr` faulted although the guest may write
 * there (the page holds translated code, or its contents are tracked,
 * and it is host read-only): saves tracked contents, makes it writable
 * and drops the code on it.  False when the page is not guest-writable,
 * i.e. the fault is the guest's.
 */
bool guest_code_write_fault(GuestSpace *gs, uint32_t addr);

/* Snapshots: every mapped page gets GPAGE_TRACK (0 or -errno). */
int guest_track_arm(GuestSpace *gs);
/* The contents of [addr, addr + len) are about to go (unmapped, mapped
 * over, moved, zeroed): saves those of tracked pages first. */
void guest_track_save_range(GuestSpace *gs, uint32_t addr, uint64_t len);

/*
 * The address-space operations behind the mmap family (mmap.c), for
 * the system calls and the ELF loader.  prot and flags are Linux's
 * (PROT_*, MAP_*; identical on i386 and x86-64); fd is a host fd.
 * Results are guest addresses or -errno (guest numbering).
 */
int64_t guest_mmap(GuestSpace *gs, uint32_t addr, uint32_t len, int prot, int flags,
                   int fd, uint64_t offset);
int guest_munmap(GuestSpace *gs, uint32_t addr, uint32_t len);
int guest_mprotect(GuestSpace *gs, uint32_t addr, uint32_t len, int prot);
/* The highest free range of len bytes (page multiple) at or below top
 * and at or above GUEST_MMAP_MIN: its address, or 0 when there is none.
 * Lock held. */
uint32_t guest_find_free_locked(const GuestSpace *gs, uint32_t len, uint32_t top);
/* Whether no page of [addr, addr + len) is mapped. */
bool guest_range_free(const GuestSpace *gs, uint32_t addr, uint32_t len);

#endif
