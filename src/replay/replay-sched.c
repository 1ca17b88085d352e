/*
 * The run token and the replayed schedule (replay/replay-sched.h).
 *
 * The token is a ticket lock on a mutex and condition variable: tickets
 * are taken in arrival order and served one at a time, so a thread at
 * the end of its slice that asks again queues behind those waiting.
 * Replay keeps only `runner`, the tid whose turn it is; every waiter
 * wakes on a change and checks its own tid (there are few threads).
 */
#include "replay/replay-sched.h"

#include <pthread.h>

#include "replay/replay.h"

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t next_ticket, serving;   /* record */
    bool have_last;
    uint32_t last_tid;               /* record: who held the token last */
    uint64_t last_icount;            /* ... and its count when it let go */
    uint32_t runner;                 /* replay: whose turn it is */
    void (*wake_hook)(void);
} sc = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };


void replay_sched_set_runner(uint32_t tid)
{
    pthread_mutex_lock(&sc.lock);
    sc.runner = tid;
    pthread_cond_broadcast(&sc.cond);
    pthread_mutex_unlock(&sc.lock);
}

void replay_sched_set_wake_hook(void (*fn)(void))
{
    sc.wake_hook = fn;
}

void replay_sched_init(uint32_t tid)
{
    pthread_mutex_lock(&sc.lock);
    sc.runner = tid;
    pthread_mutex_unlock(&sc.lock);
}

void replay_sched_lock(void)
{
    pthread_mutex_lock(&sc.lock);
}

void replay_sched_unlock(void)
{
    pthread_cond_broadcast(&sc.cond);
    pthread_mutex_unlock(&sc.lock);
}

void replay_sched_acquire(const int *tidp)
{
    pthread_mutex_lock(&sc.lock);
    uint32_t tid = (uint32_t)*tidp;
    if (replay_recording()) {
        uint64_t mine = sc.next_ticket++;
        while (sc.serving != mine)
            pthread_cond_wait(&sc.cond, &sc.lock);
        if (sc.have_last && sc.last_tid != tid) {
            ReplayEvent ev = { .kind = REPLAY_EV_SWITCH, .tid = sc.last_tid,
                               .icount = sc.last_icount };
            ev.u.sw.next_tid = tid;
            replay_put(&ev);
        }
    } else if (replay_playing()) {
        while (sc.runner != (uint32_t)*tidp) {
            /* Every wake-up may be a restored snapshot, after which the
             * front end starts the thread over (or ends it): the hook
             * may not return. */
            if (sc.wake_hook) {
                pthread_mutex_unlock(&sc.lock);
                sc.wake_hook();
                pthread_mutex_lock(&sc.lock);
                if (sc.runner == (uint32_t)*tidp)
                    break;
            }
            pthread_cond_wait(&sc.cond, &sc.lock);
        }
    }
    pthread_mutex_unlock(&sc.lock);
    if (sc.wake_hook && replay_playing())
        sc.wake_hook();
}

void replay_sched_release(uint32_t tid, uint64_t icount)
{
    if (!replay_recording())
        return;
    pthread_mutex_lock(&sc.lock);
    sc.have_last = true;
    sc.last_tid = tid;
    sc.last_icount = icount;
    sc.serving++;
    pthread_cond_broadcast(&sc.cond);
    pthread_mutex_unlock(&sc.lock);
}

bool replay_sched_contended(void)
{
    pthread_mutex_lock(&sc.lock);
    bool waiting = sc.next_ticket - sc.serving > 1;
    pthread_mutex_unlock(&sc.lock);
    return waiting;
}

/* Takes the SWITCH event away from tid and hands the turn on. */
static void hand_on(const ReplayEvent *ev)
{
    uint32_t next = ev->u.sw.next_tid;
    replay_consume();
    pthread_mutex_lock(&sc.lock);
    sc.runner = next;
    pthread_cond_broadcast(&sc.cond);
    pthread_mutex_unlock(&sc.lock);
}

bool replay_sched_follow(uint32_t tid, uint64_t icount, uint64_t pc)
{
    const ReplayEvent *ev = replay_peek();
    if (!ev || ev->kind != REPLAY_EV_SWITCH || ev->tid != tid)
        return false;
    if (ev->icount > icount)
        return false;
    if (ev->icount < icount)
        replay_divergence(tid, icount, pc, "the recording switched to thread %u at instruction %llu",
                          ev->u.sw.next_tid, (unsigned long long)ev->icount);
    if (ev->u.sw.next_tid == tid)
        replay_divergence(tid, icount, pc, "the recording switches from a thread to itself");
    hand_on(ev);
    int me = (int)tid;
    replay_sched_acquire(&me);
    return true;
}

void replay_sched_leave(uint32_t tid, uint64_t icount, uint64_t pc)
{
    const ReplayEvent *ev = replay_peek();
    if (!ev)
        replay_end_of_recording();
    if (ev->kind != REPLAY_EV_SWITCH || ev->tid != tid)
        replay_divergence(tid, icount, pc, "the thread exits; the recording has a %s event of "
                          "thread %u next", replay_event_name(ev->kind), ev->tid);
    if (ev->icount != icount)
        replay_divergence(tid, icount, pc, "the thread exits; in the recording it stopped at "
                          "instruction %llu", (unsigned long long)ev->icount);
    hand_on(ev);
}
