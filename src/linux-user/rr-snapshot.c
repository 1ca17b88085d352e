/*
 * Replay snapshots, for reverse execution under gdb (docs/replay.md).
 *
 * A snapshot is taken by the running thread at the top of its cpu loop,
 * every -rr replay,snapshot=N instructions of the process (and once
 * before the first instruction), while every other thread waits for its
 * turn.  It holds
 *   - each thread's LinuxThread (CPU state, signal state, its place in
 *     the replay: instruction count, pending system call);
 *   - the process's signal dispositions and pending signals, the LDT,
 *     the break and the mapping hint, and which pages were mapped how;
 *   - where the log was (events taken) and whose turn it was;
 * and starts a new epoch of the page undo log (replay/replay-undo.h):
 * from now on each page's contents are saved the first time they are
 * about to change, by write protection (GPAGE_TRACK) and by the mmap
 * family before it unmaps, maps over, moves or zeroes pages.  So the
 * memory a snapshot costs is the pages written after it.
 *
 * Restoring snapshot k (every thread stopped or waiting) writes the
 * saved pages back newest epoch first, remaps what was mapped at k,
 * puts every thread's state back, drops all translated code and reads
 * the log again up to k's position.  The threads then leave wherever
 * they wait and start over at the top of their cpu loops
 * (rr_user_restart).  A thread created after k ends (its host thread,
 * when it next wakes); one that ended since comes back on a new host
 * thread with its state at k.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-user/guest-space-internal.h"
#include "linux-user/rr-internal.h"
#include "linux-user/user-internal.h"
#include "replay/replay-sched.h"
#include "replay/replay-undo.h"
#include "util/error.h"

#define MAX_SNAPSHOTS 4000u

typedef struct Snapshot {
    uint64_t position;
    uint64_t proc_icount;
    uint32_t runner;
    unsigned nthreads;
    LinuxThread *copy;          /* each thread's state; tid says which */
    uint64_t *icount;
    GuestSigAction sigact[GUEST_NSIG + 1];
    uint64_t pending;
    GuestSiginfo sig_info[GUEST_NSIG + 1];
    SigQueue sigqueue;
    uint64_t *ldt;
    uint32_t ldt_used;
    uint64_t exited_icount;
    uint32_t brk_start, brk, mmap_next;
    uint32_t nvalid;
    uint32_t *page;
    uint8_t *flags;
} Snapshot;

static struct {
    Snapshot *s[MAX_SNAPSHOTS];
    unsigned n;
    uint64_t interval;           /* process instructions between snapshots */
    uint64_t next_at;
    int mem_fd;                  /* /proc/self/mem: reads any page */
    LinuxProcess *proc;
} sn = { .mem_fd = -1 };

/* Pages whose contents could not be read (a file mapping's pages past
 * the file's end) are noted with this bit and left alone on restore. */
#define PAGE_UNREAD 0x80000000u

static void track_save(void *opaque, uint32_t page)
{
    GuestSpace *gs = opaque;
    uint8_t *slot = replay_undo_slot(page);
    if (!slot)
        return;
    ssize_t n = pread(sn.mem_fd, slot, GUEST_PAGE_SIZE,
                      (off_t)(uintptr_t)g2h(gs, page << GUEST_PAGE_BITS));
    if (n != (ssize_t)GUEST_PAGE_SIZE)
        replay_undo_mark_unread();
}

void rr_snapshot_init(LinuxProcess *proc, uint64_t interval)
{
    sn.proc = proc;
    sn.interval = interval;
    sn.mem_fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    if (sn.mem_fd < 0)
        fatal_user_error("reverse execution needs /proc/self/mem: %s", strerror(errno));
    proc->space.track_opaque = &proc->space;
    proc->space.track_save = track_save;
}

unsigned rr_snapshot_count(void)
{
    return sn.n;
}

bool rr_snapshot_due(LinuxProcess *proc)
{
    return sn.proc == proc && sn.n < MAX_SNAPSHOTS && linux_process_icount(proc) >= sn.next_at;
}

static void snapshot_free(Snapshot *s)
{
    if (!s)
        return;
    free(s->copy);
    free(s->icount);
    free(s->ldt);
    free(s->page);
    free(s->flags);
    free(s);
}

void rr_snapshot_take(LinuxThread *runner)
{
    LinuxProcess *proc = runner->proc;
    GuestSpace *gs = &proc->space;
    Snapshot *s = calloc(1, sizeof(*s));
    if (!s)
        return;
    s->position = replay_position();
    s->proc_icount = linux_process_icount(proc);
    s->runner = (uint32_t)runner->tid;
    pthread_mutex_lock(&proc->thread_lock);
    unsigned n = 0;
    for (LinuxThread *t = proc->threads; t; t = t->next)
        n++;
    s->copy = calloc(n ? n : 1, sizeof(*s->copy));
    s->icount = calloc(n ? n : 1, sizeof(*s->icount));
    if (!s->copy || !s->icount) {
        pthread_mutex_unlock(&proc->thread_lock);
        snapshot_free(s);
        return;
    }
    for (LinuxThread *t = proc->threads; t; t = t->next) {
        s->copy[s->nthreads] = *t;
        s->icount[s->nthreads] = cpu_icount(&t->cpu.parent);
        s->nthreads++;
    }
    s->exited_icount = proc->exited_icount;
    s->ldt_used = proc->ldt_used;
    if (s->ldt_used) {
        s->ldt = malloc(s->ldt_used * sizeof(uint64_t));
        if (s->ldt)
            memcpy(s->ldt, proc->ldt, s->ldt_used * sizeof(uint64_t));
    }
    pthread_mutex_unlock(&proc->thread_lock);
    pthread_mutex_lock(&proc->sig_lock);
    memcpy(s->sigact, proc->sigact, sizeof(s->sigact));
    s->pending = proc->pending;
    memcpy(s->sig_info, proc->sig_info, sizeof(s->sig_info));
    s->sigqueue = proc->sigqueue;
    pthread_mutex_unlock(&proc->sig_lock);

    pthread_mutex_lock(&gs->lock);
    s->brk_start = gs->brk_start;
    s->brk = gs->brk;
    s->mmap_next = gs->mmap_next;
    for (uint32_t p = 0; p < GUEST_NB_PAGES; p++)
        if (gs->flags[p] & GPAGE_VALID)
            s->nvalid++;
    s->page = malloc((s->nvalid ? s->nvalid : 1) * sizeof(*s->page));
    s->flags = malloc(s->nvalid ? s->nvalid : 1);
    if (s->page && s->flags) {
        uint32_t k = 0;
        for (uint32_t p = 0; p < GUEST_NB_PAGES; p++) {
            uint8_t f = gs->flags[p];
            if (f & GPAGE_VALID) {
                s->page[k] = p;
                s->flags[k++] = (uint8_t)(f & ~(GPAGE_CODE | GPAGE_TRACK));
            }
        }
    }
    pthread_mutex_unlock(&gs->lock);
    if ((s->ldt_used && !s->ldt) || !s->page || !s->flags) {
        snapshot_free(s);
        return;
    }
    replay_undo_begin_epoch(sn.n);
    if (guest_track_arm(gs) < 0) {
        snapshot_free(s);
        return;
    }
    sn.s[sn.n++] = s;
    sn.next_at = s->proc_icount + sn.interval;
}

/* ---- which snapshot ----------------------------------------------------- */

/* Thread tid's instruction count in snapshot k; false if it did not
 * exist then. */
bool rr_snapshot_thread_icount(unsigned k, int tid, uint64_t *icount)
{
    const Snapshot *s = sn.s[k];
    for (unsigned i = 0; i < s->nthreads; i++) {
        if (s->copy[i].tid == tid) {
            *icount = s->icount[i];
            return true;
        }
    }
    return false;
}

uint64_t rr_snapshot_position(unsigned k)
{
    return sn.s[k]->position;
}

uint32_t rr_snapshot_runner(unsigned k)
{
    return sn.s[k]->runner;
}

/* ---- restoring ------------------------------------------------------------ */

typedef struct PutPages {
    GuestSpace *gs;
    const uint8_t *want;      /* the snapshot's page flags */
} PutPages;

static void put_page(void *opaque, uint32_t page, const uint8_t *data)
{
    PutPages *pp = opaque;
    /* A page mapped only after the snapshot has nothing to go back to. */
    if ((page & PAGE_UNREAD) || !(pp->want[page] & GPAGE_VALID))
        return;
    memcpy(g2h(pp->gs, page << GUEST_PAGE_BITS), data, GUEST_PAGE_SIZE);
}

/* Host mapping and protection of every page as flags[] (the snapshot's)
 * says, with every page the snapshot had mapped host-writable first so
 * that saved contents can go back. */
static bool remap(GuestSpace *gs, const uint8_t *want)
{
    for (uint32_t p = 0; p < GUEST_NB_PAGES;) {
        bool was = (gs->flags[p] & GPAGE_VALID) != 0, will = (want[p] & GPAGE_VALID) != 0;
        uint32_t n = 1;
        while (p + n < GUEST_NB_PAGES &&
               ((gs->flags[p + n] & GPAGE_VALID) != 0) == was &&
               ((want[p + n] & GPAGE_VALID) != 0) == will)
            n++;
        size_t len = (size_t)n << GUEST_PAGE_BITS;
        void *h = g2h(gs, p << GUEST_PAGE_BITS);
        void *r = h;
        if (will && !was)
            r = mmap(h, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                     0);
        else if (!will && was)
            r = mmap(h, len, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        else if (will && mprotect(h, len, PROT_READ | PROT_WRITE) < 0)
            r = MAP_FAILED;
        if (r == MAP_FAILED)
            return false;
        p += n;
    }
    return true;
}

bool rr_snapshot_restore(unsigned k, char *err, size_t errlen)
{
    if (k >= sn.n) {
        snprintf(err, errlen, "no snapshot %u", k);
        return false;
    }
    Snapshot *s = sn.s[k];
    LinuxProcess *proc = sn.proc;
    GuestSpace *gs = &proc->space;
    uint8_t *want = calloc(GUEST_NB_PAGES, 1);
    if (!want) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (uint32_t i = 0; i < s->nvalid; i++)
        want[s->page[i]] = s->flags[i];

    pthread_mutex_lock(&gs->lock);
    pthread_mutex_lock(&gs->prot_lock);
    /* Saving is off while going back: these writes are the undo itself. */
    gs->track_save = NULL;
    bool ok = remap(gs, want);
    PutPages pp = { gs, want };
    ok = ok && replay_undo_rewind(k, put_page, &pp);
    memcpy(gs->flags, want, GUEST_NB_PAGES);
    if (guest_apply_prot_locked(gs, 0, GUEST_NB_PAGES) < 0)
        ok = false;
    gs->brk_start = s->brk_start;
    gs->brk = s->brk;
    gs->mmap_next = s->mmap_next;
    gs->track_save = track_save;
    pthread_mutex_unlock(&gs->prot_lock);
    pthread_mutex_unlock(&gs->lock);
    free(want);
    if (!ok)
        fatal_user_error("reverse execution: cannot put guest memory back as it was");
    tb_flush(&proc->exec);

    pthread_mutex_lock(&proc->sig_lock);
    memcpy(proc->sigact, s->sigact, sizeof(s->sigact));
    proc->pending = s->pending;
    memcpy(proc->sig_info, s->sig_info, sizeof(s->sig_info));
    proc->sigqueue = s->sigqueue;
    pthread_mutex_unlock(&proc->sig_lock);
    pthread_mutex_lock(&proc->thread_lock);
    proc->exited_icount = s->exited_icount;
    if (s->ldt_used)
        memcpy(proc->ldt, s->ldt, s->ldt_used * sizeof(uint64_t));
    if (proc->ldt_used > s->ldt_used)
        memset(proc->ldt + s->ldt_used, 0, (proc->ldt_used - s->ldt_used) * sizeof(uint64_t));
    proc->ldt_used = s->ldt_used;
    /* Threads made after the snapshot go: out of the list now, their
     * host threads end when they next wake (rr_user_restarted). */
    for (LinuxThread **pp = &proc->threads; *pp;) {
        LinuxThread *t = *pp;
        bool keep = false;
        for (unsigned i = 0; i < s->nthreads; i++)
            keep |= s->copy[i].tid == t->tid;
        if (keep) {
            pp = &t->next;
            continue;
        }
        *pp = t->next;
        proc->nb_threads--;
        t->rr_dead = true;
    }
    /* Those of the snapshot take its state; those that ended since come
     * back on new host threads. */
    bool *revive = calloc(s->nthreads ? s->nthreads : 1, sizeof(*revive));
    if (!revive)
        fatal_user_error("out of memory");
    for (unsigned i = 0; i < s->nthreads; i++) {
        LinuxThread *t = proc->threads;
        while (t && t->tid != s->copy[i].tid)
            t = t->next;
        if (t)
            rr_thread_restore(t, &s->copy[i], s->icount[i]);
        else
            revive[i] = true;
    }
    pthread_mutex_unlock(&proc->thread_lock);

    for (unsigned j = k + 1; j < sn.n; j++) {
        snapshot_free(sn.s[j]);
        sn.s[j] = NULL;
    }
    sn.n = k + 1;
    sn.next_at = s->proc_icount + sn.interval;
    replay_seek(s->position);
    if (guest_track_arm(gs) < 0)
        fatal_user_error("reverse execution: cannot protect guest memory");
    rr_restart_all(s->runner);
    for (unsigned i = 0; i < s->nthreads; i++) {
        if (!revive[i])
            continue;
        LinuxThread *t = linux_thread_new(proc);
        if (!t)
            fatal_user_error("reverse execution: out of memory for a thread");
        rr_thread_restore(t, &s->copy[i], s->icount[i]);
        rr_thread_caught_up(t);
        int r = linux_thread_revive(t);
        if (r < 0)
            fatal_user_error("reverse execution: cannot start a thread again: %s", strerror(-r));
    }
    free(revive);
    return true;
}

