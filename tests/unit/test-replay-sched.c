/*
 * The record side of the run token (src/replay/replay-sched.h): one
 * holder at a time, replay_sched_contended() says when another thread
 * waits, and each change of holder is logged as one SWITCH event naming
 * the thread that stopped, its count when it let go, and the next one.
 *
 * Recording needs a log: replay_start() opens one on a temporary file,
 * and it can be called once per process, so the tests share it and run
 * in order; the last one closes it (replay_finish) and reads it back,
 * comparing it with the holder changes the threads saw while holding
 * the token.  Failures seen on the worker threads are counted and
 * asserted on the main thread (cmocka's asserts jump back to the test,
 * which only works on the thread running it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay/replay.h"
#include "replay/replay-log.h"
#include "replay/replay-sched.h"

#define THREADS 3
#define ROUNDS 2000
#define MAIN_TID 100
#define WAITER_TID 101
/* Every acquisition can change the holder, plus one for the first. */
#define MAX_SWITCHES (THREADS * ROUNDS + 16)

static char dir[64], path[128];

/* Holder changes as the new holder saw them, in the order they
 * happened (each is appended while holding the token, so this is the
 * order the SWITCH events were put in). */
typedef struct Switch {
    uint32_t from;
    uint64_t icount;
    uint32_t to;
} Switch;
static Switch seen[MAX_SWITCHES];
static unsigned nseen;
/* The last thread to let the token go, and its count then (0: none). */
static uint32_t last_tid;
static uint64_t last_icount;

static atomic_int holder;
static atomic_int violations;
static long counter;            /* deliberately not atomic: the token guards it */

/* After replay_sched_acquire: checks nobody else holds the token and
 * notes a change of holder. */
static void took(uint32_t tid)
{
    int before = atomic_exchange(&holder, (int)tid);
    if (before != 0)
        atomic_fetch_add(&violations, 1);
    if (last_tid != 0 && last_tid != tid) {
        if (nseen < MAX_SWITCHES)
            seen[nseen] = (Switch){ last_tid, last_icount, tid };
        nseen++;
    }
}

/* Before replay_sched_release. */
static void letting_go(uint32_t tid, uint64_t icount)
{
    last_tid = tid;
    last_icount = icount;
    int before = atomic_exchange(&holder, 0);
    if (before != (int)tid)
        atomic_fetch_add(&violations, 1);
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/replay-sched-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/sched.rr", dir);
    ReplayOptions o = { .mode = REPLAY_MODE_RECORD, .path = path, .checkpoint_interval = 1000 };
    ReplayLogHeader h = { .mimic_version = "test", .target = "i386", .cmdline = "sched test",
                          .config_hash = 7 };
    replay_start(&o, &h, "test");
    return replay_recording() ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    return 0;
}

/* Polls cond for up to about 10 s: a thread blocking takes a moment. */
static bool wait_for(bool (*cond)(void))
{
    struct timespec ms = { 0, 1000000 };
    for (int i = 0; i < 10000; i++) {
        if (cond())
            return true;
        nanosleep(&ms, NULL);
    }
    return cond();
}

static void *waiter(void *arg)
{
    (void)arg;
    int tid = WAITER_TID;
    replay_sched_acquire(&tid);
    took(WAITER_TID);
    letting_go(WAITER_TID, 5);
    replay_sched_release(WAITER_TID, 5);
    return NULL;
}

static void test_contended(void **state)
{
    (void)state;
    int tid = MAIN_TID;
    assert_false(replay_sched_contended());
    replay_sched_acquire(&tid);
    took(MAIN_TID);
    /* Holding it alone: nobody waits. */
    assert_false(replay_sched_contended());
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, waiter, NULL), 0);
    assert_true(wait_for(replay_sched_contended));
    /* The waiter cannot have run meanwhile. */
    assert_int_equal(atomic_load(&holder), MAIN_TID);
    letting_go(MAIN_TID, 1234);
    replay_sched_release(MAIN_TID, 1234);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_false(replay_sched_contended());
    assert_int_equal(atomic_load(&violations), 0);
    assert_int_equal(atomic_load(&holder), 0);
    /* MAIN_TID at 1234 → WAITER_TID. */
    assert_int_equal(nseen, 1);
    assert_int_equal(seen[0].from, MAIN_TID);
    assert_int_equal(seen[0].icount, 1234);
    assert_int_equal(seen[0].to, WAITER_TID);
}

static void *worker(void *arg)
{
    int tid = (int)(intptr_t)arg;
    for (int i = 0; i < ROUNDS; i++) {
        replay_sched_acquire(&tid);
        took((uint32_t)tid);
        /* A read, a pause, a write: a second holder would lose updates. */
        long c = counter;
        if (i % 64 == 0)
            sched_yield();
        counter = c + 1;
        /* Each thread's own count, distinct per thread and per round. */
        uint64_t icount = 1000u * (uint64_t)tid + 7u * (uint64_t)(i + 1);
        letting_go((uint32_t)tid, icount);
        replay_sched_release((uint32_t)tid, icount);
        /* Give the others a chance to queue, so that holders change. */
        if (i % 8 == 0)
            sched_yield();
    }
    return NULL;
}

static void test_mutual_exclusion(void **state)
{
    (void)state;
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)(i + 1)), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(atomic_load(&violations), 0);
    assert_int_equal(counter, THREADS * ROUNDS);
    assert_int_equal(atomic_load(&holder), 0);
    assert_true(nseen <= MAX_SWITCHES);
    /* With three threads taking turns 2000 times each, the holder must
     * have changed at least once after the first phase's one switch
     * (each thread gets the token: at least THREADS changes). */
    assert_true(nseen >= 1 + THREADS);
    print_message("%u holder changes in all\n", nseen);
}

static void test_log(void **state)
{
    (void)state;
    replay_finish();
    char err[256];
    ReplayLogReader *r = replay_log_open(path, err, sizeof(err));
    if (!r)
        fail_msg("%s", err);
    const ReplayLogHeader *h = replay_log_header(r);
    assert_string_equal(h->cmdline, "sched test");
    assert_int_equal(h->checkpoint_interval, 1000);
    ReplayEvent ev;
    unsigned n = 0;
    uint32_t prev_next = 0;
    int rc;
    while ((rc = replay_log_next(r, &ev)) == 1) {
        assert_int_equal(ev.kind, REPLAY_EV_SWITCH);
        assert_true(n < nseen);
        /* The event is the change the new holder saw, in the same place. */
        assert_int_equal(ev.tid, seen[n].from);
        assert_int_equal(ev.icount, seen[n].icount);
        assert_int_equal(ev.u.sw.next_tid, seen[n].to);
        assert_int_not_equal(ev.tid, ev.u.sw.next_tid);
        if (n > 0)
            assert_int_equal(ev.tid, prev_next);
        prev_next = ev.u.sw.next_tid;
        n++;
    }
    if (rc < 0)
        fail_msg("%s", replay_log_error(r));
    assert_false(replay_log_truncated(r));
    assert_int_equal(n, nseen);
    replay_log_close_reader(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contended),
        cmocka_unit_test(test_mutual_exclusion),
        cmocka_unit_test(test_log),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
