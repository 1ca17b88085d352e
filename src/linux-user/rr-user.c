/*
 * Record and replay in user mode, the process and thread side
 * (linux-user/rr-user.h; system calls are rr-syscall.c's).
 *
 * The log starts with a STACK event: the whole initial stack from the
 * stack pointer to its top, so that replay gives the program the
 * recorded arguments, environment, auxiliary vector and AT_RANDOM bytes
 * whatever its own command line and environment are.
 *
 * Each thread counts its own instructions.  Its cpu loop stops it
 * exactly at
 *   - every multiple of the checkpoint interval: a CHECKPOINT event with
 *     its pc, the XXH64 of its registers (the gdb 'g' image, which is
 *     the whole user-visible CPU state) and a hash of guest memory;
 *   - recording: the end of a time slice, where it lets a waiting thread
 *     run;
 *   - replay: the count of its next SWITCH or SIGNAL event.
 *
 * The memory hash covers every guest page the guest may read and write,
 * combined so that it depends on contents only: the XOR over the pages
 * that are not all zero of XXH64(page, seed = page number).  Pages the
 * host has never backed (mincore) are zero and skipped unread, so a
 * large untouched stack costs nothing.  That is more than the memory
 * written since the previous checkpoint, and needs no tracking of
 * writes: recording and replay agree on it by construction.
 */
#include "linux-user/rr-user.h"

#include <setjmp.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gdbstub/gdb-target.h"
#include "linux-user/linux-user.h"
#include "linux-user/rr-internal.h"
#include "linux-user/signal-internal.h"
#include "linux-user/user-internal.h"
#include "replay/insn-source.h"
#include "replay/replay-sched.h"
#include "targets/i386/cpuid.h"
#include "targets/i386/gdb-i386.h"
#include "util/error.h"
#include "util/hash.h"

/* Instructions a thread runs before letting a waiting one have a turn
 * while recording. */
#define RR_SLICE 500000u
/* The register image: i386's 'g' packet is a few hundred bytes. */
#define RR_REGS_MAX 1024
/* In a SIGNAL event's signo: the instruction at icount raised it (a
 * fault, a trap), so replay runs that instruction rather than stopping
 * before it (docs/replay-format.md). */
#define RR_SIG_RAISED 0x100u

static ReplayOptions rr_opts;
static const char *rr_program;      /* replay: from the STACK event */
static bool rr_snapshots;           /* replay under gdb: snapshots for reverse execution */
static uint64_t rr_gen;             /* counts snapshot restores */

/* The configuration hash and its text: the options that change what the
 * guest sees, which the header records and replay compares. */
static uint64_t rr_user_config(const LinuxUserOptions *o, char *text, size_t len)
{
    const I386Model *m = o->model ? o->model : i386_model_default();
    if (o->icount_shift >= 0)
        snprintf(text, len, "-cpu %s -icount shift=%d", m->name, o->icount_shift);
    else
        snprintf(text, len, "-cpu %s, no -icount", m->name);
    return hash_xxh64(text, strlen(text), 0x6d696d6963727200ull);
}

/* Events carry their thread's own instruction count. */
static uint64_t thread_icount(LinuxThread *t)
{
    return cpu_icount(&t->cpu.parent);
}

/* ---- CPUID and RDTSC ------------------------------------------------------ */

static bool insn_source(void *opaque, uint32_t opcode, uint32_t regs[4])
{
    (void)opaque;
    LinuxThread *t = linux_current;
    if (!t || t->vfork_child)   /* another process, not recorded */
        return false;
    ReplayEvent ev = { .kind = REPLAY_EV_NONDET, .tid = (uint32_t)t->tid,
                       .icount = thread_icount(t) };
    if (replay_recording()) {
        ev.u.nondet.opcode = opcode;
        memcpy(ev.u.nondet.regs, regs, sizeof(ev.u.nondet.regs));
        replay_put(&ev);
        return false;
    }
    if (!replay_playing())
        return false;
    const ReplayEvent *r = replay_peek();
    if (!r)
        replay_end_of_recording();
    if (r->kind != REPLAY_EV_NONDET || r->tid != ev.tid || r->u.nondet.opcode != opcode)
        replay_divergence(ev.tid, ev.icount, t->cpu.eip,
                          "%s; the recording has a %s event of thread %u next",
                          opcode == REPLAY_INSN_CPUID ? "CPUID" : "RDTSC",
                          replay_event_name(r->kind), r->tid);
    memcpy(regs, r->u.nondet.regs, sizeof(r->u.nondet.regs));
    replay_consume();
    return true;
}

/* ---- opening ---------------------------------------------------------------- */

/* The guest's argv as one line, for mimic-rr info. */
static char *joined_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s)
        fatal_user_error("out of memory");
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

void rr_user_open(const LinuxUserOptions *o, int argc, char **argv)
{
    if (o->rr.mode == REPLAY_MODE_OFF)
        return;
    rr_opts = o->rr;
    rr_snapshots = o->rr.mode == REPLAY_MODE_PLAY && o->gdb;
    char config[128];
    ReplayLogHeader h = {
        .version = REPLAY_LOG_VERSION,
        .mimic_version = MIMIC_VERSION,
        .target = "i386",
        .config_hash = rr_user_config(o, config, sizeof(config)),
    };
    char *cmd = NULL;
    if (o->prog_index < argc)
        cmd = joined_args(argc - o->prog_index, argv + o->prog_index);
    h.cmdline = cmd ? cmd : "";
    replay_start(&rr_opts, &h, config);
    free(cmd);
    replay_set_insn_source(insn_source, NULL);
    if (replay_playing()) {
        const ReplayEvent *ev = replay_peek();
        if (!ev || ev->kind != REPLAY_EV_STACK)
            fatal_user_error("%s: no initial stack event: not a user-mode recording",
                             rr_opts.path);
        char *p = malloc(ev->u.stack.path_len + 1);
        if (!p)
            fatal_user_error("out of memory");
        memcpy(p, ev->u.stack.path, ev->u.stack.path_len);
        p[ev->u.stack.path_len] = '\0';
        rr_program = p;
    }
}

const char *rr_user_recorded_program(void)
{
    return rr_program;
}

/* ---- starting over after a restore ------------------------------------------- */

bool rr_user_snapshots_on(void)
{
    return rr_snapshots;
}

bool rr_user_restart_pending(LinuxThread *t)
{
    return rr_snapshots && t->rr_gen != __atomic_load_n(&rr_gen, __ATOMIC_ACQUIRE);
}

void rr_user_restart(LinuxThread *t)
{
    longjmp(t->rr_restart, 1);
}

void rr_user_check_restart(LinuxThread *t)
{
    if (rr_user_restart_pending(t))
        rr_user_restart(t);
}

void rr_user_restarted(LinuxThread *t)
{
    if (t->rr_dead)
        linux_thread_discard(t);
    t->rr_gen = __atomic_load_n(&rr_gen, __ATOMIC_ACQUIRE);
    replay_sched_acquire(&t->tid);
}

void rr_thread_caught_up(LinuxThread *t)
{
    t->rr_gen = __atomic_load_n(&rr_gen, __ATOMIC_ACQUIRE);
}

/* A thread woke from waiting for its turn. */
static void wake_hook(void)
{
    LinuxThread *t = linux_current;
    if (t)
        rr_user_check_restart(t);
}

void rr_restart_all(uint32_t runner)
{
    __atomic_add_fetch(&rr_gen, 1, __ATOMIC_RELEASE);
    replay_sched_set_runner(runner);
}

LinuxThread *rr_find_thread(LinuxProcess *proc, int tid)
{
    pthread_mutex_lock(&proc->thread_lock);
    LinuxThread *t = proc->threads;
    while (t && t->tid != tid)
        t = t->next;
    pthread_mutex_unlock(&proc->thread_lock);
    return t;
}

void rr_thread_restore(LinuxThread *t, const LinuxThread *saved, uint64_t icount)
{
    /* What belongs to the host thread and the debugger stays. */
    CPUState parent = t->cpu.parent;
    LinuxProcess *proc = t->proc;
    pthread_t host = t->host;
    LinuxThread *next = t->next;
    GuestSigAction *sigact = t->sigact;
    void *host_sigstack = t->host_sigstack;
    bool gdb_stepping = t->gdb_stepping, vfork_child = t->vfork_child;
    uint64_t gen = t->rr_gen;
    jmp_buf restart;
    memcpy(restart, t->rr_restart, sizeof(restart));
    if (t->rr_over)
        exec_breakpoint_insert(&proc->exec, t->rr_over_pc);

    memcpy(t, saved, sizeof(*t));
    t->cpu.parent = parent;
    t->proc = proc;
    t->host = host;
    t->next = next;
    t->sigact = sigact;
    t->host_sigstack = host_sigstack;
    t->gdb_stepping = gdb_stepping;
    t->vfork_child = vfork_child;
    t->rr_gen = gen;
    memcpy(t->rr_restart, restart, sizeof(restart));
    t->rr_over = false;
    t->rr_dead = false;
    t->cpu.gdt = t->gdt;      /* the saved one may be another LinuxThread's */

    CPUExec *ex = parent.exec;
    ex->icount_base = icount;
    ex->chunk = 0;
    __atomic_store_n(&t->cpu.parent.budget.u16.low, 0, __ATOMIC_RELAXED);
    ex->cflags_next_tb = 0;
    ex->watch_hit = false;
    cpu_set_icount_limit(&t->cpu.parent, UINT64_MAX);
}

int rr_user_after_exec(LinuxThread *t, int excp)
{
    if (!rr_snapshots || !rr_reverse_active())
        return excp;
    return rr_reverse_after_exec(t, excp);
}

/* ---- the initial stack ---------------------------------------------------- */

void rr_user_initial_stack(LinuxThread *t)
{
    LinuxProcess *proc = t->proc;
    GuestSpace *gs = &proc->space;
    uint32_t sp = t->cpu.regs[R_ESP];
    if (replay_recording()) {
        ReplayEvent ev = { .kind = REPLAY_EV_STACK, .tid = (uint32_t)t->tid, .icount = 0 };
        ev.u.stack.sp = sp;
        ev.u.stack.auxv_addr = proc->auxv_addr;
        ev.u.stack.auxv_len = proc->auxv_len;
        ev.u.stack.path = proc->exe_path;
        ev.u.stack.path_len = (uint32_t)strlen(proc->exe_path);
        ev.u.stack.len = GUEST_STACK_TOP - sp;
        ev.u.stack.bytes = g2h(gs, sp);
        replay_put(&ev);
        return;
    }
    if (!replay_playing())
        return;
    const ReplayEvent *ev = replay_peek();
    uint64_t rsp = ev->u.stack.sp;
    if (rsp > GUEST_STACK_TOP || GUEST_STACK_TOP - rsp != ev->u.stack.len ||
        GUEST_STACK_TOP - rsp > LINUX_STACK_SIZE)
        fatal_user_error("%s: the recorded stack (%#" PRIx64 ", %u bytes) does not fit",
                         rr_opts.path, rsp, ev->u.stack.len);
    /* Whatever this run's setup wrote goes; below the recorded stack
     * pointer the recording had zeros too. */
    uint32_t lo = (uint32_t)rsp < sp ? (uint32_t)rsp : sp;
    uint8_t *zeros = calloc(1, GUEST_STACK_TOP - lo);
    if (!zeros || copy_to_guest(gs, lo, zeros, GUEST_STACK_TOP - lo) < 0 ||
        copy_to_guest(gs, (uint32_t)rsp, ev->u.stack.bytes, ev->u.stack.len) < 0)
        fatal_user_error("%s: cannot put the recorded stack in place", rr_opts.path);
    free(zeros);
    t->cpu.regs[R_ESP] = (uint32_t)rsp;
    proc->auxv_addr = (uint32_t)ev->u.stack.auxv_addr;
    proc->auxv_len = ev->u.stack.auxv_len;
    t->tid = (int)ev->tid;
    replay_sched_init(ev->tid);
    replay_consume();
    if (rr_snapshots) {
        rr_snapshot_init(proc, rr_opts.snapshot_interval ? rr_opts.snapshot_interval
                                                         : REPLAY_DEFAULT_SNAPSHOT);
        replay_sched_set_wake_hook(wake_hook);
    }
}

/* ---- checkpoints ---------------------------------------------------------- */

static bool page_is_zero(const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *)p;
    for (unsigned i = 0; i < GUEST_PAGE_SIZE / 8; i++)
        if (w[i])
            return false;
    return true;
}

void rr_each_writable_page(const GuestSpace *gs,
                           void (*fn)(void *opaque, uint32_t page, const uint8_t *data),
                           void *opaque)
{
    enum { WANT = GPAGE_VALID | GPAGE_READ | GPAGE_WRITE, CHUNK = 512 };
    unsigned char vec[CHUNK];
    uint32_t p = 0;
    while (p < GUEST_NB_PAGES) {
        /* Most of the 4 GiB is unmapped: eight flag bytes at a time. */
        uint64_t eight;
        if ((p & 7) == 0) {
            memcpy(&eight, gs->flags + p, 8);
            if (eight == 0) {
                p += 8;
                continue;
            }
        }
        if ((gs->flags[p] & WANT) != WANT) {
            p++;
            continue;
        }
        uint32_t n = 1;
        while (n < CHUNK && p + n < GUEST_NB_PAGES && (gs->flags[p + n] & WANT) == WANT)
            n++;
        const uint8_t *base = g2h(gs, p << GUEST_PAGE_BITS);
        bool resident_known = mincore((void *)base, (size_t)n << GUEST_PAGE_BITS, vec) == 0;
        for (uint32_t i = 0; i < n; i++)
            if (!resident_known || (vec[i] & 1))
                fn(opaque, p + i, base + ((size_t)i << GUEST_PAGE_BITS));
        p += n;
    }
}

static void hash_page(void *opaque, uint32_t page, const uint8_t *data)
{
    uint64_t *h = opaque;
    if (!page_is_zero(data))
        *h ^= hash_xxh64(data, GUEST_PAGE_SIZE, page);
}

static uint64_t guest_memory_hash(const GuestSpace *gs)
{
    uint64_t h = 0;
    rr_each_writable_page(gs, hash_page, &h);
    return h;
}

static uint32_t read_regs(LinuxThread *t, uint8_t *buf)
{
    const GdbTargetDesc *d = &i386_gdb_target;
    uint32_t off = 0;
    for (unsigned n = 0; n < d->nb_regs; n++) {
        unsigned size = d->reg_size(n);
        if (off + size > RR_REGS_MAX)
            break;
        d->read_reg(&t->cpu.parent, n, buf + off);
        off += size;
    }
    return off;
}

/* "  eax: recorded 0x…, replayed 0x…" for each register that differs. */
static void describe_regs(const uint8_t *rec, uint32_t rec_len, const uint8_t *now,
                          uint32_t len, char *out, size_t outlen)
{
    const GdbTargetDesc *d = &i386_gdb_target;
    size_t used = 0;
    out[0] = '\0';
    if (rec_len != len) {
        snprintf(out, outlen, "  the recording's register image has %u bytes, this one %u\n",
                 rec_len, len);
        return;
    }
    uint32_t off = 0;
    for (unsigned n = 0; n < d->nb_regs && off < len; n++) {
        unsigned size = d->reg_size(n);
        if (off + size > len)
            break;
        if (memcmp(rec + off, now + off, size) != 0 && used < outlen) {
            char a[2 * GDB_MAX_REG_SIZE + 1], b[2 * GDB_MAX_REG_SIZE + 1];
            /* Little-endian bytes, most significant first as a number. */
            for (unsigned i = 0; i < size; i++) {
                snprintf(a + 2 * i, 3, "%02x", rec[off + size - 1 - i]);
                snprintf(b + 2 * i, 3, "%02x", now[off + size - 1 - i]);
            }
            int k = snprintf(out + used, outlen - used, "  %s: recorded 0x%s, replayed 0x%s\n",
                             d->reg_name(n), a, b);
            if (k > 0)
                used += (size_t)k;
        }
        off += size;
    }
}

static void checkpoint(LinuxThread *t, uint64_t icount)
{
    uint8_t regs[RR_REGS_MAX];
    uint32_t len = read_regs(t, regs);
    uint64_t cpu_hash = hash_xxh64(regs, len, 0);
    uint64_t mem_hash = guest_memory_hash(&t->proc->space);
    uint32_t tid = (uint32_t)t->tid;
    if (replay_recording()) {
        ReplayEvent ev = { .kind = REPLAY_EV_CHECKPOINT, .tid = tid, .icount = icount };
        ev.u.checkpoint.pc = t->cpu.eip;
        ev.u.checkpoint.cpu_hash = cpu_hash;
        ev.u.checkpoint.mem_hash = mem_hash;
        ev.u.checkpoint.regs_len = len;
        ev.u.checkpoint.regs = regs;
        replay_put(&ev);
        replay_flush();
        return;
    }
    const ReplayEvent *ev = replay_peek();
    if (!ev)
        replay_end_of_recording();
    if (ev->kind != REPLAY_EV_CHECKPOINT || ev->tid != tid || ev->icount != icount)
        replay_divergence(tid, icount, t->cpu.eip,
                          "at a checkpoint; the recording has a %s event of thread %u at "
                          "instruction %" PRIu64 " next",
                          replay_event_name(ev->kind), ev->tid, ev->icount);
    if (ev->u.checkpoint.cpu_hash != cpu_hash || ev->u.checkpoint.pc != t->cpu.eip) {
        char detail[4096];
        describe_regs(ev->u.checkpoint.regs, ev->u.checkpoint.regs_len, regs, len, detail,
                      sizeof(detail));
        replay_divergence_detail(tid, icount, t->cpu.eip, detail,
                                 "the registers differ from the recording's (its pc %#" PRIx64
                                 ")", ev->u.checkpoint.pc);
    }
    if (ev->u.checkpoint.mem_hash != mem_hash)
        replay_divergence(tid, icount, t->cpu.eip,
                          "guest memory differs from the recording's (hash %016" PRIx64
                          ", recorded %016" PRIx64 ")", mem_hash, ev->u.checkpoint.mem_hash);
    replay_consume();
    replay_count_checkpoint();
}

/* ---- the cpu loop's points ------------------------------------------------- */

void rr_user_thread_begin(LinuxThread *t)
{
    if (replay_mode == REPLAY_MODE_OFF || t->vfork_child)
        return;
    if (rr_snapshots && !t->rr_gen)
        t->rr_gen = __atomic_load_n(&rr_gen, __ATOMIC_ACQUIRE);
    uint64_t interval = replay_checkpoint_interval();
    uint64_t icount = thread_icount(t);
    t->rr_next_checkpoint = (icount / interval + 1) * interval;
    t->rr_slice_end = icount + RR_SLICE;
    replay_sched_acquire(&t->tid);
}

void rr_user_before_exec(LinuxThread *t)
{
    if (replay_mode == REPLAY_MODE_OFF)
        return;
    CPUState *cs = &t->cpu.parent;
    uint32_t tid = (uint32_t)t->tid;
    uint64_t icount = thread_icount(t);
    uint64_t reverse_limit = UINT64_MAX;
    if (rr_snapshots) {
        if (rr_reverse_active())
            rr_reverse_before_exec(t, icount, &reverse_limit);
        else if (rr_snapshot_due(t->proc))
            rr_snapshot_take(t);
    }
    if (icount >= t->rr_next_checkpoint) {
        checkpoint(t, icount);
        uint64_t interval = replay_checkpoint_interval();
        t->rr_next_checkpoint = (icount / interval + 1) * interval;
    }
    uint64_t limit = t->rr_next_checkpoint;
    if (replay_recording()) {
        if (icount >= t->rr_slice_end) {
            if (replay_sched_contended()) {
                replay_sched_release(tid, icount);
                replay_sched_acquire(&t->tid);
            }
            t->rr_slice_end = icount + RR_SLICE;
        }
        if (t->rr_slice_end < limit)
            limit = t->rr_slice_end;
    } else {
        while (replay_sched_follow(tid, icount, t->cpu.eip))
            ;
        /* Stop where the next event of this thread that no instruction
         * asks for (a switch away, a signal) must happen. */
        const ReplayEvent *ev = replay_peek();
        if (ev && ev->tid == tid &&
            (ev->kind == REPLAY_EV_SWITCH || ev->kind == REPLAY_EV_SIGNAL)) {
            /* A signal an instruction raises comes from running it:
             * no stop before it. */
            bool raised = ev->kind == REPLAY_EV_SIGNAL && (ev->u.signal.signo & RR_SIG_RAISED);
            if (ev->icount < icount)
                replay_divergence(tid, icount, t->cpu.eip,
                                  "the recording has a %s event at instruction %" PRIu64,
                                  replay_event_name(ev->kind), ev->icount);
            if (!raised && ev->icount < limit)
                limit = ev->icount;
        }
    }
    if (reverse_limit < limit)
        limit = reverse_limit;
    cpu_set_icount_limit(cs, limit);
}

int rr_user_next_signal(LinuxThread *t, uint64_t allowed, GuestSiginfo *info)
{
    uint32_t tid = (uint32_t)t->tid;
    uint64_t icount = thread_icount(t);
    if (replay_recording()) {
        int sig = sig_dequeue(t, allowed, info);
        if (sig) {
            ReplayEvent ev = { .kind = REPLAY_EV_SIGNAL, .tid = tid, .icount = icount };
            ev.u.signal.signo = (uint32_t)sig;
            if (t->rr_raised & BIT(sig))
                ev.u.signal.signo |= RR_SIG_RAISED;
            t->rr_raised &= ~BIT(sig);
            memcpy(ev.u.signal.info, info->b, sizeof(ev.u.signal.info));
            replay_put(&ev);
        }
        return sig;
    }
    const ReplayEvent *ev = replay_peek();
    uint64_t raised = sig_load_pending(&t->pending) & allowed;
    if (ev && ev->kind == REPLAY_EV_SIGNAL && ev->tid == tid && ev->icount == icount) {
        int sig = (int)(ev->u.signal.signo & ~RR_SIG_RAISED);
        /* Raised by the instruction at icount: not before it has run. */
        if ((ev->u.signal.signo & RR_SIG_RAISED) && !(raised & BIT(sig)))
            return 0;
        if (sig < 1 || sig > GUEST_NSIG || !(allowed & BIT(sig)))
            replay_divergence(tid, icount, t->cpu.eip,
                              "the recording delivers signal %d here, which is blocked", sig);
        memcpy(info->b, ev->u.signal.info, sizeof(info->b));
        replay_consume();
        /* A fault raised it here too: taken now. */
        __atomic_and_fetch(&t->pending, ~BIT(sig), __ATOMIC_SEQ_CST);
        return sig;
    }
    if (raised)
        replay_divergence(tid, icount, t->cpu.eip,
                          "signal %d is raised here, the recording has none",
                          __builtin_ctzll(raised) + 1);
    return 0;
}

void rr_user_thread_exit(LinuxThread *t)
{
    if (replay_recording())
        replay_sched_release((uint32_t)t->tid, thread_icount(t));
    else if (replay_playing())
        replay_sched_leave((uint32_t)t->tid, thread_icount(t), t->cpu.eip);
}

void rr_user_process_exit(LinuxThread *t, bool killed, int code)
{
    if (replay_mode == REPLAY_MODE_OFF || (t && t->vfork_child))
        return;
    /* Without a guest thread (a fatal signal outside guest code) the
     * recording still ends with its exit, at "thread 0". */
    uint32_t tid = t ? (uint32_t)t->tid : 0;
    uint64_t icount = t ? thread_icount(t) : 0;
    if (replay_recording()) {
        ReplayEvent ev = { .kind = REPLAY_EV_EXIT, .tid = tid, .icount = icount };
        ev.u.exit.killed = killed;
        ev.u.exit.code = (uint32_t)code;
        replay_put(&ev);
        replay_finish();
        return;
    }
    if (!t)
        return;
    const ReplayEvent *ev = replay_peek();
    if (!ev)
        replay_end_of_recording();
    if (ev->kind != REPLAY_EV_EXIT || ev->tid != tid || ev->icount != icount)
        replay_divergence(tid, icount, t->cpu.eip,
                          "the process ends; the recording has a %s event of thread %u at "
                          "instruction %" PRIu64 " next",
                          replay_event_name(ev->kind), ev->tid, ev->icount);
    if (ev->u.exit.killed != killed || ev->u.exit.code != (uint32_t)code)
        replay_divergence(tid, icount, t->cpu.eip, "the process %s %d, in the recording it %s %u",
                          killed ? "is killed by signal" : "exits with status", code,
                          ev->u.exit.killed ? "was killed by signal" : "exited with status",
                          ev->u.exit.code);
    replay_consume();
    replay_note_exit(linux_process_icount(t->proc));
    if (replay_verify_only())
        _exit(0);
}

void rr_user_fork_child(void)
{
    if (!replay_recording())
        return;
    replay_forget_in_child();
    /* The parent's stop for its next checkpoint or slice means nothing
     * to the child, which is not recorded. */
    if (linux_current)
        cpu_set_icount_limit(&linux_current->cpu.parent, UINT64_MAX);
}
