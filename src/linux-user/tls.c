/*
 * Descriptor tables of the emulated process: each thread's GDT with its
 * TLS entries (set_thread_area, get_thread_area, clone's CLONE_SETTLS)
 * and the process's LDT (modify_ldt).
 *
 * The layout is that of a 32-bit process on an x86-64 kernel, the
 * machine the native reference runs on: user code selector 0x23 (GDT
 * entry 4), user data 0x2b (entry 5), TLS entries 12-14, so glibc's
 * thread pointer selector reads 0x63 as it does natively.  Descriptors
 * are built from struct user_desc as the kernel's fill_ldt does and read
 * back as its fill_user_desc does; the CPU's segment-load helper
 * (i386_load_seg) reads the same arrays through cpu->gdt and cpu->ldt.
 *
 * A thread's GDT is its own (TLS entries differ per thread, as the kernel
 * swaps them in at each context switch); the LDT is shared by all the
 * threads of the process and allocated whole at startup, so the CPUs'
 * pointers to it never change.
 */
#include <errno.h>
#include <string.h>

#include "linux-user/syscall-impl.h"
#include "linux-user/user-internal.h"

/* struct user_desc, i386 layout: 16 bytes. */
typedef struct UserDesc {
    uint32_t entry_number;
    uint32_t base_addr;
    uint32_t limit;
    uint32_t bits;
} UserDesc;

enum {
    UD_SEG_32BIT = 1u << 0,
    UD_CONTENTS_SHIFT = 1,       /* 2 bits */
    UD_READ_EXEC_ONLY = 1u << 3,
    UD_LIMIT_IN_PAGES = 1u << 4,
    UD_SEG_NOT_PRESENT = 1u << 5,
    UD_USEABLE = 1u << 6,
};

static unsigned ud_contents(const UserDesc *u)
{
    return (u->bits >> UD_CONTENTS_SHIFT) & 3;
}

/* The kernel's LDT_empty. */
static bool ud_empty(const UserDesc *u)
{
    return u->base_addr == 0 && u->limit == 0 &&
           (u->bits & 0x7f) == (UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT);
}

/* LDT_empty or LDT_zero: for TLS entries, both mean "clear the entry". */
static bool ud_clears(const UserDesc *u)
{
    return ud_empty(u) || (u->base_addr == 0 && u->limit == 0 && (u->bits & 0x7f) == 0);
}

/* fill_ldt: the 8-byte descriptor for a user_desc. */
static uint64_t ud_to_desc(const UserDesc *u)
{
    uint64_t type = ((uint64_t)(!(u->bits & UD_READ_EXEC_ONLY)) << 1) |
                    ((uint64_t)ud_contents(u) << 2) | 1;   /* accessed */
    uint64_t d = 0;
    d |= u->limit & 0xffff;
    d |= (uint64_t)(u->base_addr & 0xffffff) << 16;
    d |= type << 40;
    d |= 1ull << 44;                                        /* S: code/data */
    d |= 3ull << 45;                                        /* DPL 3 */
    d |= (uint64_t)!(u->bits & UD_SEG_NOT_PRESENT) << 47;
    d |= (uint64_t)((u->limit >> 16) & 0xf) << 48;
    d |= (uint64_t)!!(u->bits & UD_USEABLE) << 52;
    d |= (uint64_t)!!(u->bits & UD_SEG_32BIT) << 54;
    d |= (uint64_t)!!(u->bits & UD_LIMIT_IN_PAGES) << 55;
    d |= (uint64_t)(u->base_addr >> 24) << 56;
    return d;
}

/* fill_user_desc: a descriptor read back. */
static void desc_to_ud(uint64_t d, uint32_t index, UserDesc *u)
{
    unsigned type = (unsigned)(d >> 40) & 15;
    u->entry_number = index;
    u->base_addr = (uint32_t)((d >> 16) & 0xffffff) | (uint32_t)(d >> 56) << 24;
    u->limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 48) & 0xf) << 16;
    u->bits = 0;
    if ((d >> 54) & 1)
        u->bits |= UD_SEG_32BIT;
    u->bits |= (type >> 2) << UD_CONTENTS_SHIFT;
    if (!(type & 2))
        u->bits |= UD_READ_EXEC_ONLY;
    if ((d >> 55) & 1)
        u->bits |= UD_LIMIT_IN_PAGES;
    if (!((d >> 47) & 1))
        u->bits |= UD_SEG_NOT_PRESENT;
    if ((d >> 52) & 1)
        u->bits |= UD_USEABLE;
}

void linux_tls_init_thread(LinuxThread *t)
{
    I386CPU *cpu = &t->cpu;
    memset(t->gdt, 0, sizeof(t->gdt));
    t->gdt[LINUX_GDT_USER_CS] = 0x00cffb000000ffffull;   /* flat 32-bit code, DPL 3 */
    t->gdt[LINUX_GDT_USER_DS] = 0x00cff3000000ffffull;   /* flat data, DPL 3 */
    /* Visible to LAR/LSL/VERR and loadable into data segment registers
     * as on the host; a far transfer to it (a switch to 64-bit mode) is
     * refused with #GP, since mimic runs 32-bit code only (seg.c). */
    t->gdt[LINUX_GDT_USER_CS64] = 0x00affb000000ffffull;
    /* Read-only expand-down data with limit (node << 12 | cpu): mimic's
     * vCPU is CPU 0 of node 0, a fixed answer so that runs repeat
     * (getcpu(), a system call, reports the host's CPU). */
    t->gdt[LINUX_GDT_CPUNODE] = 0x0040f50000000000ull;
    cpu->gdt = t->gdt;
    cpu->gdt_entries = LINUX_GDT_ENTRIES;
    cpu->ldt = t->proc->ldt;
    cpu->ldt_entries = t->proc->ldt ? LINUX_LDT_ENTRIES : 0;
    /* CS cannot be loaded with a MOV; its cached descriptor is the flat
     * one i386_cpu_init set, only the selector changes. */
    cpu->segs[R_CS].selector = LINUX_USER_CS;
    i386_load_seg(cpu, R_SS, LINUX_USER_DS, 0);
    i386_load_seg(cpu, R_DS, LINUX_USER_DS, 0);
    i386_load_seg(cpu, R_ES, LINUX_USER_DS, 0);
}

/* The TLS checks of the kernel's tls_desc_okay. */
static bool tls_desc_ok(const UserDesc *u)
{
    if (ud_clears(u))
        return true;
    return (u->bits & UD_SEG_32BIT) && ud_contents(u) <= 1 && !(u->bits & UD_SEG_NOT_PRESENT);
}

/* After an entry changed: segment registers that select it are loaded
 * again, as x86-64 Linux does for the calling thread. */
static void reload_segs(I386CPU *cpu, uint32_t index, bool ldt)
{
    uint32_t sel = (index << 3) | (ldt ? 4 : 0) | 3;
    static const int segs[] = { R_DS, R_ES, R_FS, R_GS };
    for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        if (cpu->segs[segs[i]].selector == sel && !i386_load_seg(cpu, segs[i], sel, 0))
            i386_load_seg(cpu, segs[i], 0, 0);
    }
}

int linux_tls_set(LinuxThread *t, uint32_t desc, bool can_allocate)
{
    UserDesc u;
    int r = copy_from_guest(&t->proc->space, &u, desc, sizeof(u));
    if (r < 0)
        return r;
    if (!tls_desc_ok(&u))
        return -EINVAL;
    uint32_t index = u.entry_number;
    if (index == UINT32_MAX && can_allocate) {
        for (index = LINUX_GDT_TLS_MIN; index <= LINUX_GDT_TLS_MAX; index++) {
            if (t->gdt[index] == 0)
                break;
        }
        if (index > LINUX_GDT_TLS_MAX)
            return -ESRCH;
        r = copy_to_guest(&t->proc->space, desc, &index, 4);
        if (r < 0)
            return r;
    }
    if (index < LINUX_GDT_TLS_MIN || index > LINUX_GDT_TLS_MAX)
        return -EINVAL;
    t->gdt[index] = ud_clears(&u) ? 0 : ud_to_desc(&u);
    if (t == linux_current)
        reload_segs(&t->cpu, index, false);
    return 0;
}

SYSCALL_DECL(set_thread_area)
{
    return linux_tls_set(t, a[0], true);
}

SYSCALL_DECL(get_thread_area)
{
    UserDesc u;
    int r = copy_from_guest(&t->proc->space, &u, a[0], sizeof(u));
    if (r < 0)
        return r;
    uint32_t index = u.entry_number;
    if (index < LINUX_GDT_TLS_MIN || index > LINUX_GDT_TLS_MAX)
        return -EINVAL;
    desc_to_ud(t->gdt[index], index, &u);
    return copy_to_guest(&t->proc->space, a[0], &u, sizeof(u));
}

/* modify_ldt(0): the table's bytes, zero-filled up to bytecount. */
static int read_ldt(LinuxThread *t, uint32_t ptr, uint32_t bytecount)
{
    LinuxProcess *proc = t->proc;
    GuestSpace *gs = &proc->space;
    if (bytecount > LINUX_LDT_ENTRIES * 8)
        bytecount = LINUX_LDT_ENTRIES * 8;
    pthread_mutex_lock(&proc->thread_lock);
    uint32_t used = proc->ldt_used * 8;
    if (used == 0) {
        pthread_mutex_unlock(&proc->thread_lock);
        return 0;
    }
    uint32_t n = used < bytecount ? used : bytecount;
    int r = guest_prepare_write(gs, ptr, bytecount);
    if (r == 0) {
        memcpy(g2h(gs, ptr), proc->ldt, n);
        memset(g2h(gs, ptr + n), 0, bytecount - n);
    }
    pthread_mutex_unlock(&proc->thread_lock);
    return r < 0 ? r : (int)bytecount;
}

/* modify_ldt(1 or 0x11): one entry. */
static int write_ldt(LinuxThread *t, uint32_t ptr, uint32_t bytecount, bool oldmode)
{
    LinuxProcess *proc = t->proc;
    UserDesc u;
    if (bytecount != sizeof(u))
        return -EINVAL;
    int r = copy_from_guest(&proc->space, &u, ptr, sizeof(u));
    if (r < 0)
        return r;
    if (u.entry_number >= LINUX_LDT_ENTRIES)
        return -EINVAL;
    if (ud_contents(&u) == 3 && (oldmode || !(u.bits & UD_SEG_NOT_PRESENT)))
        return -EINVAL;
    /* The kernel's rule: an "empty" descriptor (or, in the old mode, a
     * zero base and limit) clears the entry. */
    uint64_t d = 0;
    if (!((oldmode && u.base_addr == 0 && u.limit == 0) || ud_empty(&u))) {
        if (oldmode)
            u.bits &= ~(uint32_t)UD_USEABLE;
        d = ud_to_desc(&u);
    }
    pthread_mutex_lock(&proc->thread_lock);
    proc->ldt[u.entry_number] = d;
    if (u.entry_number >= proc->ldt_used)
        proc->ldt_used = u.entry_number + 1;
    pthread_mutex_unlock(&proc->thread_lock);
    reload_segs(&t->cpu, u.entry_number, true);
    return 0;
}

SYSCALL_DECL(modify_ldt)
{
    int func = (int)a[0];
    uint32_t ptr = a[1], bytecount = a[2];
    switch (func) {
    case 0:
        return read_ldt(t, ptr, bytecount);
    case 1:
        return write_ldt(t, ptr, bytecount, true);
    case 0x11:
        return write_ldt(t, ptr, bytecount, false);
    case 2: {
        /* The default LDT is empty: 128 zero bytes on x86-64. */
        uint32_t n = bytecount > 128 ? 128 : bytecount;
        int r = guest_prepare_write(&t->proc->space, ptr, n);
        if (r < 0)
            return r;
        memset(g2h(&t->proc->space, ptr), 0, n);
        return (int)n;
    }
    default:
        return -ENOSYS;
    }
}
