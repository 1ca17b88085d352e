/*
 * Reverse execution during a replay under gdb: bs (reverse-stepi) and bc
 * (reverse-continue), from replay snapshots (rr-snapshot.c).
 *
 * Going back is going to a snapshot and replaying forward to a target: a
 * thread, its instruction count, and the log position it must have got
 * to (a thread may sit at one count while others run).
 *
 *   bs   target: the current thread one instruction earlier.  From the
 *        latest snapshot where that thread had not yet got there.
 *   bc   the last breakpoint or watchpoint hit before now.  From the
 *        latest snapshot before now, replay forward to now noting every
 *        hit instead of stopping (SCAN); if there was one, go back to the
 *        same snapshot and on to the last hit (GOTO).  If not, scan the
 *        window from the snapshot before, and so on; past the first
 *        snapshot the replay stops at the start of the recording and gdb
 *        hears "replaylog:begin".
 *
 * While scanning or going to a target, breakpoints and watchpoints are
 * stepped over (the breakpoint is lifted for one instruction), and no
 * stop reaches gdb until the target.  A watchpoint hit takes gdb to the
 * instruction that made the access, before it runs, as going backwards
 * over it would.
 */
#include <string.h>

#include "linux-user/gdb-user.h"
#include "linux-user/rr-internal.h"
#include "linux-user/user-internal.h"
#include "replay/replay.h"
#include "util/log.h"

typedef enum { REV_NONE, REV_SCAN, REV_GOTO } RevMode;

typedef struct RevPoint {
    int tid;
    uint64_t icount;
    uint64_t position;        /* events taken, at least */
    char reason[48];          /* the stop reply's field, "" for none */
} RevPoint;

static struct {
    RevMode mode;
    RevPoint target;          /* GOTO: where to stop; SCAN: where the window ends */
    unsigned snap;            /* SCAN: the snapshot the window starts at */
    bool have_hit;
    RevPoint hit;
} rev;

bool rr_reverse_active(void)
{
    return rev.mode != REV_NONE;
}

bool rr_user_can_reverse(void)
{
    return rr_user_snapshots_on();   /* only ever on while replaying */
}

/* Whether snapshot k lies before the point (tid at icount, after
 * position events): there tid had done fewer instructions, or as many
 * with fewer events taken, or did not exist yet (it is made later). */
static bool snapshot_before(unsigned k, int tid, uint64_t icount, uint64_t position,
                            bool or_at)
{
    uint64_t ic;
    uint64_t pos = rr_snapshot_position(k);
    if (!rr_snapshot_thread_icount(k, tid, &ic))
        return pos < position || (or_at && pos == position);
    if (ic != icount)
        return ic < icount;
    return pos < position || (or_at && pos == position);
}

static int latest_before(int tid, uint64_t icount, uint64_t position, bool or_at)
{
    for (unsigned k = rr_snapshot_count(); k-- > 0;)
        if (snapshot_before(k, tid, icount, position, or_at))
            return (int)k;
    return -1;
}

static bool go_back(unsigned k)
{
    char err[128];
    if (rr_snapshot_restore(k, err, sizeof(err)))
        return true;
    if (log_enabled(LOG_GDB))
        log_printf("reverse: cannot go back to snapshot %u: %s\n", k, err);
    return false;
}

/* The start of the recording as far as snapshots go: gdb stops there. */
static bool go_to_begin(void)
{
    if (!go_back(0))
        return false;
    rev.mode = REV_GOTO;
    rev.target.tid = (int)rr_snapshot_runner(0);
    rr_snapshot_thread_icount(0, rev.target.tid, &rev.target.icount);
    rev.target.position = rr_snapshot_position(0);
    strcpy(rev.target.reason, "replaylog:begin;");
    return true;
}

bool rr_user_reverse(LinuxProcess *proc, int tid, bool step)
{
    LinuxThread *t = rr_find_thread(proc, tid);
    if (!t || !rr_user_can_reverse() || rr_snapshot_count() == 0)
        return false;
    uint64_t now = cpu_icount(&t->cpu.parent);
    uint64_t pos = replay_position();
    rev.have_hit = false;
    if (step) {
        if (now == 0)
            return go_to_begin();
        int k = latest_before(tid, now - 1, UINT64_MAX, true);
        if (k < 0)
            return go_to_begin();
        if (!go_back((unsigned)k))
            return false;
        rev.mode = REV_GOTO;
        rev.target = (RevPoint){ tid, now - 1, 0, "" };
        return true;
    }
    int k = latest_before(tid, now, pos, false);
    if (k < 0)
        return go_to_begin();
    if (!go_back((unsigned)k))
        return false;
    rev.mode = REV_SCAN;
    rev.snap = (unsigned)k;
    rev.target = (RevPoint){ tid, now, pos, "" };
    return true;
}

/* The scan window ended: on to the last hit, or to the window before. */
static void scan_done(LinuxThread *t)
{
    if (rev.have_hit) {
        if (!go_back(rev.snap)) {
            rev.mode = REV_NONE;
            return;
        }
        rev.mode = REV_GOTO;
        rev.target = rev.hit;
    } else if (rev.snap == 0) {
        if (!go_to_begin())
            rev.mode = REV_NONE;
    } else {
        unsigned end = rev.snap;
        rev.target.tid = (int)rr_snapshot_runner(end);
        rr_snapshot_thread_icount(end, rev.target.tid, &rev.target.icount);
        rev.target.position = rr_snapshot_position(end);
        rev.target.reason[0] = '\0';
        rev.snap = end - 1;
        if (!go_back(rev.snap)) {
            rev.mode = REV_NONE;
            return;
        }
    }
    (void)t;
    rr_user_restart(t);
}

void rr_reverse_before_exec(LinuxThread *t, uint64_t icount, uint64_t *limit)
{
    if (log_enabled(LOG_GDB))
        log_printf("reverse: %s thread %d at %llu (position %llu), target %d at %llu (%llu)\n",
                   rev.mode == REV_SCAN ? "scan" : "goto", t->tid, (unsigned long long)icount,
                   (unsigned long long)replay_position(), rev.target.tid,
                   (unsigned long long)rev.target.icount,
                   (unsigned long long)rev.target.position);
    if (t->tid != rev.target.tid)
        return;
    if (icount == rev.target.icount && replay_position() >= rev.target.position) {
        if (rev.mode == REV_SCAN) {
            scan_done(t);
            return;
        }
        rev.mode = REV_NONE;
        linux_gdb_stop_here(t, rev.target.reason);
        return;
    }
    if (icount < rev.target.icount && rev.target.icount < *limit)
        *limit = rev.target.icount;
}

static void note_hit(LinuxThread *t, uint64_t icount, const char *reason)
{
    if (rev.mode != REV_SCAN)
        return;
    rev.have_hit = true;
    rev.hit.tid = t->tid;
    rev.hit.icount = icount;
    rev.hit.position = replay_position();
    strncpy(rev.hit.reason, reason, sizeof(rev.hit.reason) - 1);
    rev.hit.reason[sizeof(rev.hit.reason) - 1] = '\0';
}

int rr_reverse_after_exec(LinuxThread *t, int excp)
{
    CPUState *cs = &t->cpu.parent;
    CPUExec *ex = cs->exec;
    uint64_t icount = cpu_icount(cs);
    ExecContext *ctx = &t->proc->exec;
    if (t->rr_over && icount > t->rr_over_icount) {
        /* The instruction under the breakpoint has run. */
        exec_breakpoint_insert(ctx, t->rr_over_pc);
        t->rr_over = false;
        if (excp == EXCP_DEBUG && !ex->watch_hit)
            return EXCP_NONE;
    }
    if (excp != EXCP_DEBUG)
        return excp;
    if (ex->watch_hit) {
        static const char *const kind[] = { "", "watch", "rwatch", "awatch" };
        char reason[48];
        snprintf(reason, sizeof(reason), "%s:%llx;", kind[ex->watch_type & 3],
                 (unsigned long long)ex->watch_addr);
        ex->watch_hit = false;
        /* Stopped after the access; going back stops before it. */
        note_hit(t, icount - 1, reason);
        return EXCP_NONE;
    }
    note_hit(t, icount, "swbreak:;");
    t->rr_over = true;
    t->rr_over_pc = t->cpu.eip;
    t->rr_over_icount = icount;
    exec_breakpoint_remove(ctx, t->rr_over_pc);
    ex->cflags_next_tb = CF_DEBUG_STEP | CF_NOCACHE | 1 | (ctx->nb_watchpoints ? CF_WATCH : 0);
    return EXCP_NONE;
}
