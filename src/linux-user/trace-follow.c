/*
 * -trace-follow (linux-user/trace-follow.h).  The reference is read as
 * the guest runs: before each instruction the reader moves to that
 * instruction's record and keeps the items that follow it (a system
 * call's result, a CPUID value) until the next record, for the
 * instruction to use while it runs.
 */
#include "linux-user/trace-follow.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"
#include "linux-user/user-internal.h"
#include "replay/insn-source.h"
#include "targets/i386/trace-format.h"
#include "util/bytes.h"
#include "util/error.h"

#define I386_NR_EXIT 1
#define I386_NR_EXIT_GROUP 252
#define I386_NR_MMAP2 192
#define GUEST_MAP_FIXED 0x10
#define GUEST_MAP_FIXED_NOREPLACE 0x100000

/* An item kept from the reader (whose data only lives until its next
 * read). */
typedef struct HeldItem {
    uint32_t kind, len;
    uint8_t *data;
} HeldItem;

static struct {
    const char *path;
    TraceReader *r;
    LinuxThread *t;          /* the following thread; NULL when stopped */
    pid_t pid;
    uint64_t index;          /* reference index of `cur` */
    TraceRecord cur;         /* the instruction about to run */
    TraceRecord next;
    bool have_next;
    HeldItem *held;          /* the items between cur and next */
    unsigned nheld, capheld;
    TraceStep step;          /* the instruction stepping is at */
    /* registers trace_follow_syscall_before changed, to put back */
    bool restore_args;
    uint32_t saved_ebx, saved_esi;
} fl;

void trace_follow_request(const char *path)
{
    fl.path = path;
}

bool trace_follow_requested(void)
{
    return fl.path != NULL;
}

bool trace_follow_active(LinuxThread *t)
{
    return fl.t && fl.t == t && fl.pid == getpid();
}

/* Leaves the reference's path: one warning, then mimic runs on alone. */
static void __attribute__((format(printf, 1, 2))) stop_following(const char *fmt, ...)
{
    fprintf(stderr, "mimic-i386: -trace-follow: instruction %llu: ",
            (unsigned long long)fl.index);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "; not following the reference from here\n");
    fl.t = NULL;
}

static void clear_held(void)
{
    for (unsigned i = 0; i < fl.nheld; i++)
        free(fl.held[i].data);
    fl.nheld = 0;
}

static void hold(const TraceItem *it)
{
    if (fl.nheld == fl.capheld) {
        unsigned cap = fl.capheld ? fl.capheld * 2 : 8;
        HeldItem *h = realloc(fl.held, cap * sizeof(*h));
        if (!h)
            fatal_user_error("out of memory");
        fl.held = h;
        fl.capheld = cap;
    }
    HeldItem *h = &fl.held[fl.nheld++];
    h->kind = it->kind;
    h->len = it->len;
    h->data = malloc(it->len ? it->len : 1);
    if (!h->data)
        fatal_user_error("out of memory");
    memcpy(h->data, it->data, it->len);
}

static const HeldItem *find_held(uint32_t kind)
{
    for (unsigned i = 0; i < fl.nheld; i++)
        if (fl.held[i].kind == kind)
            return &fl.held[i];
    return NULL;
}

/* Reads the items after `cur` up to the next instruction record. */
static void read_ahead(void)
{
    clear_held();
    fl.have_next = false;
    TraceItem it;
    int n;
    while ((n = trace_reader_next_item(fl.r, &it)) > 0) {
        if (it.kind == TRACE_ITEM_INSN) {
            if (it.len != sizeof(TraceRecord))
                fatal_user_error("-trace-follow: %s: bad instruction record", fl.path);
            memcpy(&fl.next, it.data, sizeof(TraceRecord));
            fl.have_next = true;
            return;
        }
        hold(&it);
    }
    if (n < 0)
        fatal_user_error("-trace-follow: %s: %s", fl.path, trace_reader_error(fl.r));
}

/* The reference's CPUID/RDTSC values for the instruction running now. */
static bool insn_source(void *opaque, uint32_t opcode, uint32_t regs[4])
{
    (void)opaque;
    if (!fl.t || linux_current != fl.t || fl.pid != getpid())
        return false;
    const HeldItem *h = find_held(TRACE_ITEM_NONDET);
    if (!h || h->len != 20 || ld_le32(h->data) != opcode) {
        stop_following("the reference has no result for opcode %#x at eip %#x", (unsigned)opcode,
                       fl.cur.eip);
        return false;
    }
    for (int i = 0; i < 4; i++)
        regs[i] = ld_le32(h->data + 4 + 4 * i);
    return true;
}

static void take_stack(LinuxThread *t, const TraceItem *it)
{
    if (it->len < 8)
        fatal_user_error("-trace-follow: %s: bad stack item", fl.path);
    uint32_t lo = ld_le32(it->data), hi = ld_le32(it->data + 4);
    if (hi < lo || hi - lo != it->len - 8 || (lo & (GUEST_PAGE_SIZE - 1)))
        fatal_user_error("-trace-follow: %s: bad stack item", fl.path);
    GuestSpace *gs = &t->proc->space;
    /* mimic's own stack ends where Linux's does; map what it lacks. */
    if (!guest_access_ok(gs, lo, hi - lo, GPAGE_READ | GPAGE_WRITE)) {
        int64_t r = guest_mmap(gs, lo, hi - lo, 3 /* PROT_READ | PROT_WRITE */,
                               0x22 | GUEST_MAP_FIXED /* MAP_PRIVATE | MAP_ANONYMOUS */, -1, 0);
        if (r < 0)
            fatal_user_error("-trace-follow: cannot map the reference's stack at %#x: %s", lo,
                             strerror((int)-r));
    }
    if (copy_to_guest(gs, lo, it->data + 8, hi - lo) < 0)
        fatal_user_error("-trace-follow: cannot write the reference's stack at %#x", lo);
}

void trace_follow_start(LinuxThread *t)
{
    if (!fl.path)
        return;
    char err[512];
    fl.r = trace_reader_open(fl.path, err, sizeof(err));
    if (!fl.r)
        fatal_user_error("-trace-follow: %s", err);
    TraceItem it;
    int n;
    bool stack = false;
    while ((n = trace_reader_next_item(fl.r, &it)) > 0 && it.kind != TRACE_ITEM_INSN) {
        if (it.kind == TRACE_ITEM_STACK) {
            take_stack(t, &it);
            stack = true;
        }
    }
    if (n < 0)
        fatal_user_error("-trace-follow: %s: %s", fl.path, trace_reader_error(fl.r));
    if (n == 0 || it.len != sizeof(TraceRecord))
        fatal_user_error("-trace-follow: %s: no instructions", fl.path);
    if (!stack)
        fatal_user_error("-trace-follow: %s: no initial stack (not written by mimic-hwtrace?)",
                         fl.path);
    memcpy(&fl.next, it.data, sizeof(TraceRecord));
    fl.have_next = true;
    I386CPU *cpu = &t->cpu;
    if (fl.next.eip != cpu->eip)
        fatal_user_error("-trace-follow: %s starts at %#x, this program at %#x", fl.path,
                         fl.next.eip, cpu->eip);
    memcpy(cpu->regs, fl.next.regs, sizeof(cpu->regs));
    fl.t = t;
    fl.pid = getpid();
    fl.index = (uint64_t)-1;
    replay_set_insn_source(insn_source, NULL);
}

void trace_follow_step(LinuxThread *t)
{
    CPUState *cs = &t->cpu.parent;
    uint64_t icount = cpu_icount(cs);
    cpu_set_icount_limit(cs, icount + 1);
    if (!trace_step_is_new(&fl.step, icount, t->cpu.eip))
        return;
    if (!fl.have_next) {
        stop_following("the reference ended");
        return;
    }
    fl.cur = fl.next;
    memcpy(fl.step.insn, fl.cur.insn, sizeof(fl.step.insn));
    fl.index++;
    read_ahead();
    if (fl.cur.eip != t->cpu.eip)
        stop_following("mimic is at eip %#x, the reference at %#x", t->cpu.eip, fl.cur.eip);
}

/* The reference's record of the system call running now, or NULL. */
static bool held_syscall(LinuxThread *t, TraceSyscall *sc)
{
    const HeldItem *h = find_held(TRACE_ITEM_SYSCALL);
    if (!h) {
        stop_following("system call %u at eip %#x is not in the reference", t->cpu.regs[R_EAX],
                       fl.cur.eip);
        return false;
    }
    TraceItem it = { h->kind, h->len, h->data };
    if (!trace_item_parse_syscall(&it, sc)) {
        stop_following("bad system call item at eip %#x", fl.cur.eip);
        return false;
    }
    return true;
}

void trace_follow_syscall_before(LinuxThread *t)
{
    if (!trace_follow_active(t))
        return;
    I386CPU *cpu = &t->cpu;
    uint32_t nr = cpu->regs[R_EAX];
    /* The reference ends with these: no result was recorded. */
    if (nr == I386_NR_EXIT || nr == I386_NR_EXIT_GROUP)
        return;
    TraceSyscall sc;
    if (!held_syscall(t, &sc))
        return;
    if (sc.nr != nr) {
        stop_following("mimic makes system call %u, the reference %u", nr, sc.nr);
        free(sc.mem);
        return;
    }
    /* mmap2 without a fixed address: where the host's kernel put it, so
     * that the addresses the program computes with agree. */
    fl.restore_args = false;
    if (nr == I386_NR_MMAP2 && sc.result < (uint32_t)-4095 &&
        !(cpu->regs[R_ESI] & (GUEST_MAP_FIXED | GUEST_MAP_FIXED_NOREPLACE))) {
        fl.restore_args = true;
        fl.saved_ebx = cpu->regs[R_EBX];
        fl.saved_esi = cpu->regs[R_ESI];
        cpu->regs[R_EBX] = sc.result;
        cpu->regs[R_ESI] |= GUEST_MAP_FIXED_NOREPLACE;
    }
    free(sc.mem);
}

void trace_follow_syscall_after(LinuxThread *t)
{
    if (!trace_follow_active(t))
        return;
    I386CPU *cpu = &t->cpu;
    if (fl.restore_args) {
        cpu->regs[R_EBX] = fl.saved_ebx;
        cpu->regs[R_ESI] = fl.saved_esi;
        fl.restore_args = false;
    }
    TraceSyscall sc;
    if (!held_syscall(t, &sc))
        return;
    GuestSpace *gs = &t->proc->space;
    for (uint32_t i = 0; i < sc.count; i++) {
        if (copy_to_guest(gs, sc.mem[i].addr, sc.mem[i].bytes, sc.mem[i].len) < 0) {
            stop_following("cannot write the system call's output at %#x (%u bytes)",
                           sc.mem[i].addr, sc.mem[i].len);
            free(sc.mem);
            return;
        }
    }
    cpu->regs[R_EAX] = sc.result;
    free(sc.mem);
}
