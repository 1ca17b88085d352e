/*
 * threads4: four threads whose output order depends on the schedule
 * (tests/replay/run-rr.py replays one recording ten times and expects
 * the same bytes every time).
 *
 * Two producers and two consumers share a bounded queue (a mutex and two
 * condition variables) and a counter.  The work goes in PHASES phases
 * separated by a barrier; within a phase each producer pushes ITEMS
 * items, and whichever consumer wakes first takes the next one.  Every
 * thread prints a line now and then (which consumer took which item, how
 * far the counter had got), so the interleaving shows in the output.
 * The threads also call time() and getpid(), which a replay must
 * supply from the recording.  The last lines (totals) are the same for
 * every schedule.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PHASES 4
#define ITEMS 12000             /* per producer and phase */
#define QUEUE 8
#define REPORT 1500             /* a line every REPORT items taken */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;

static uint32_t queue[QUEUE];
static int head, count;
static int remaining;           /* items still to be taken in this phase */
static long counter;            /* items taken in all phases */
static uint64_t sum;

static void check(int err, const char *what)
{
    if (err) {
        fprintf(stderr, "threads4: %s: %s\n", what, strerror(err));
        exit(2);
    }
}

/* All four threads meet twice at the end of a phase: the thread the
 * barrier picks (any of them) resets the phase's item count while the
 * others wait at the second meeting, so no consumer sees the new count
 * before every thread has finished the old phase. */
static void end_phase(int phase, const char *who, int id)
{
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
        pthread_mutex_lock(&lock);
        printf("phase %d done, %s %d resets: counter %ld, time %lld\n", phase, who, id,
               counter, (long long)time(NULL));
        remaining = 2 * ITEMS;
        pthread_mutex_unlock(&lock);
    }
    pthread_barrier_wait(&barrier);
}

static void *producer(void *arg)
{
    int id = (int)(intptr_t)arg;
    printf("producer %d: started, time %lld, pid %d\n", id, (long long)time(NULL),
           (int)getpid());
    for (int phase = 0; phase < PHASES; phase++) {
        for (uint32_t i = 0; i < ITEMS; i++) {
            uint32_t value = (uint32_t)id * 1000003u + (uint32_t)phase * 7919u + i;
            pthread_mutex_lock(&lock);
            while (count == QUEUE)
                pthread_cond_wait(&not_full, &lock);
            queue[(head + count) % QUEUE] = value;
            count++;
            pthread_cond_signal(&not_empty);
            pthread_mutex_unlock(&lock);
        }
        printf("producer %d: phase %d pushed, time %lld\n", id, phase,
               (long long)time(NULL));
        end_phase(phase, "producer", id);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    int id = (int)(intptr_t)arg;
    long taken = 0;
    printf("consumer %d: started, pid %d, tid offset %ld\n", id, (int)getpid(),
           (long)syscall(SYS_gettid) - (long)getpid());
    for (int phase = 0; phase < PHASES; phase++) {
        for (;;) {
            pthread_mutex_lock(&lock);
            while (count == 0 && remaining > 0)
                pthread_cond_wait(&not_empty, &lock);
            if (remaining == 0) {
                /* The other consumer took the last item: wake it if it
                 * waits, then meet everyone at the barrier. */
                pthread_cond_broadcast(&not_empty);
                pthread_mutex_unlock(&lock);
                break;
            }
            uint32_t value = queue[head];
            head = (head + 1) % QUEUE;
            count--;
            remaining--;
            long c = ++counter;
            sum += value;
            if (remaining == 0)
                pthread_cond_broadcast(&not_empty);
            pthread_cond_signal(&not_full);
            pthread_mutex_unlock(&lock);
            taken++;
            if (c % REPORT == 0)
                printf("consumer %d: item %ld was %u, %ld taken by me\n", id, c, value, taken);
        }
        end_phase(phase, "consumer", id);
    }
    printf("consumer %d: took %ld items\n", id, taken);
    return (void *)taken;
}

int main(void)
{
    /* Line buffered: each line is its own write(2), at the moment the
     * thread printed it. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    remaining = 2 * ITEMS;
    check(pthread_barrier_init(&barrier, NULL, 4), "pthread_barrier_init");
    pthread_t threads[4];
    check(pthread_create(&threads[0], NULL, consumer, (void *)(intptr_t)0), "create");
    check(pthread_create(&threads[1], NULL, consumer, (void *)(intptr_t)1), "create");
    check(pthread_create(&threads[2], NULL, producer, (void *)(intptr_t)0), "create");
    check(pthread_create(&threads[3], NULL, producer, (void *)(intptr_t)1), "create");
    long total = 0;
    for (int i = 0; i < 4; i++) {
        void *ret;
        check(pthread_join(threads[i], &ret), "pthread_join");
        if (i < 2)
            total += (long)ret;
    }
    printf("total: counter %ld, taken %ld, sum %llu\n", counter, total,
           (unsigned long long)sum);
    return counter == (long)PHASES * 2 * ITEMS && total == counter ? 0 : 1;
}
