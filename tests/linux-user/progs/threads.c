/*
 * threads: POSIX threads under emulation, with output that does not
 * depend on scheduling.
 *
 * Each part makes threads race for real (atomics, a mutex-protected
 * counter, a condition-variable queue) but prints only results that are
 * the same for every interleaving: totals, per-thread values read back
 * after pthread_join, and a ping-pong whose order semaphores force.
 *
 *   1. atomics: 6 threads add to 32-bit and 64-bit counters with
 *      __atomic_fetch_add (lock xadd, and lock cmpxchg8b for 64 bits),
 *      keep a maximum with a compare-and-swap loop, toggle bits with
 *      lock xor (an even number of times each) and set bits with lock or;
 *   2. a mutex around a plain counter and a shared histogram;
 *   3. a bounded queue between 3 producers and 3 consumers with two
 *      condition variables, ended by one sentinel per consumer;
 *   4. __thread variables: an initialised one and a zero one, each
 *      thread computing with its own copy; main's copy is unchanged;
 *   5. exit codes: pthread_exit(value) and return value, read by join;
 *      pthread_once and a thread-specific key with a destructor;
 *   6. a barrier, and a ping-pong of two threads on semaphores;
 *   7. a thread with a small explicit stack size, and distinct thread ids.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 6
#define ITERATIONS 20000

static void check(int err, const char *what)
{
    if (err) {
        fprintf(stderr, "%s: %s\n", what, strerror(err));
        exit(1);
    }
}

/* ---- 1. atomics */

static uint32_t atomic32;
static uint64_t atomic64;
static uint32_t maximum;
static uint32_t bits;

static void *atomics_worker(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    uint32_t seed = id * 2654435761u + 1;
    for (int i = 0; i < ITERATIONS; i++) {
        __atomic_fetch_add(&atomic32, 1, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&atomic64, 0x100000001ull, __ATOMIC_SEQ_CST);
        seed = seed * 1103515245u + 12345u;
        uint32_t candidate = seed >> 8;
        uint32_t seen = __atomic_load_n(&maximum, __ATOMIC_RELAXED);
        while (candidate > seen &&
               !__atomic_compare_exchange_n(&maximum, &seen, candidate, false,
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            ;
        __atomic_fetch_xor(&bits, 1u << (i % 16), __ATOMIC_SEQ_CST);
    }
    __atomic_fetch_or(&bits, 1u << (id + 20), __ATOMIC_SEQ_CST);
    return NULL;
}

static uint32_t expected_maximum(void)
{
    uint32_t best = 0;
    for (uint32_t id = 0; id < NTHREADS; id++) {
        uint32_t seed = id * 2654435761u + 1;
        for (int i = 0; i < ITERATIONS; i++) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 8) > best)
                best = seed >> 8;
        }
    }
    return best;
}

/* ---- 2. mutex */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long plain_counter;
static int histogram[16];

static void *mutex_worker(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int i = 0; i < ITERATIONS / 4; i++) {
        pthread_mutex_lock(&counter_lock);
        long v = plain_counter;
        plain_counter = v + 1;
        histogram[(i * (id + 1)) % 16]++;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

/* ---- 3. producer/consumer queue */

#define QUEUE_SIZE 8
#define ITEMS_PER_PRODUCER 3000
#define SENTINEL (-1)

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int queue[QUEUE_SIZE];
static int queue_head, queue_count;

static void queue_put(int item)
{
    pthread_mutex_lock(&queue_lock);
    while (queue_count == QUEUE_SIZE)
        pthread_cond_wait(&not_full, &queue_lock);
    queue[(queue_head + queue_count) % QUEUE_SIZE] = item;
    queue_count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&queue_lock);
}

static int queue_get(void)
{
    pthread_mutex_lock(&queue_lock);
    while (queue_count == 0)
        pthread_cond_wait(&not_empty, &queue_lock);
    int item = queue[queue_head];
    queue_head = (queue_head + 1) % QUEUE_SIZE;
    queue_count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&queue_lock);
    return item;
}

static void *producer(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int i = 1; i <= ITEMS_PER_PRODUCER; i++)
        queue_put(id * 100000 + i);
    return NULL;
}

typedef struct ConsumerResult {
    long long sum;
    int count;
} ConsumerResult;

static void *consumer(void *arg)
{
    ConsumerResult *res = arg;
    for (;;) {
        int item = queue_get();
        if (item == SENTINEL)
            return res;
        res->sum += item;
        res->count++;
    }
}

/* ---- 4. thread-local storage */

static __thread int tls_initialised = 1000;
static __thread long long tls_zero;
static __thread char tls_name[16];

static void *tls_worker(void *arg)
{
    int id = (int)(uintptr_t)arg;
    snprintf(tls_name, sizeof(tls_name), "worker-%d", id);
    for (int i = 0; i < 1000; i++) {
        tls_initialised += id;
        tls_zero += (long long)i * id;
        if (i % 100 == 0)
            sched_yield();
    }
    char *out = malloc(80);
    snprintf(out, 80, "%s: initialised %d zero %lld", tls_name, tls_initialised, tls_zero);
    return out;
}

/* ---- 5. exit codes, once, keys */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_calls;
static pthread_key_t key;
static int destructor_calls;
static long destructor_sum;
static pthread_mutex_t destructor_lock = PTHREAD_MUTEX_INITIALIZER;

static void once_init(void)
{
    once_calls++;
}

static void key_destructor(void *value)
{
    pthread_mutex_lock(&destructor_lock);
    destructor_calls++;
    destructor_sum += (long)(intptr_t)value;
    pthread_mutex_unlock(&destructor_lock);
}

static void *exit_worker(void *arg)
{
    int id = (int)(uintptr_t)arg;
    pthread_once(&once, once_init);
    if (id % 3 != 0)
        pthread_setspecific(key, (void *)(intptr_t)(id * 10));
    if (id % 2)
        pthread_exit((void *)(intptr_t)(id * 11));
    return (void *)(intptr_t)(id * 7);
}

/* ---- 6. barrier and ping-pong */

static pthread_barrier_t barrier;
static int arrived[NTHREADS];
static int seen_all[NTHREADS];

static void *barrier_worker(void *arg)
{
    int id = (int)(uintptr_t)arg;
    __atomic_store_n(&arrived[id], 1, __ATOMIC_SEQ_CST);
    int serial = pthread_barrier_wait(&barrier);
    int all = 1;
    for (int i = 0; i < NTHREADS; i++)
        all &= __atomic_load_n(&arrived[i], __ATOMIC_SEQ_CST);
    seen_all[id] = all;
    return (void *)(intptr_t)(serial == PTHREAD_BARRIER_SERIAL_THREAD);
}

static sem_t ping_sem, pong_sem;

static void *pinger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        sem_wait(&ping_sem);
        printf("ping %d\n", i);
        fflush(stdout);
        sem_post(&pong_sem);
    }
    return NULL;
}

static void *ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        sem_wait(&pong_sem);
        printf("pong %d\n", i);
        fflush(stdout);
        sem_post(&ping_sem);
    }
    return NULL;
}

/* ---- 7. small stacks, thread ids */

static pid_t tids[NTHREADS];

static void *stack_worker(void *arg)
{
    int id = (int)(uintptr_t)arg;
    volatile char buffer[24 * 1024];
    for (size_t i = 0; i < sizeof(buffer); i++)
        buffer[i] = (char)(i * id);
    long sum = 0;
    for (size_t i = 0; i < sizeof(buffer); i += 64)
        sum += buffer[i];
    tids[id] = (pid_t)syscall(SYS_gettid);
    return (void *)sum;
}

static void run_all(void *(*fn)(void *), void **results)
{
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        check(pthread_create(&t[i], NULL, fn, (void *)(uintptr_t)i), "pthread_create");
    for (int i = 0; i < NTHREADS; i++)
        check(pthread_join(t[i], results ? &results[i] : NULL), "pthread_join");
}

int main(void)
{
    void *results[NTHREADS];

    run_all(atomics_worker, NULL);
    printf("atomics: 32-bit %u (expected %u), 64-bit %#llx (expected %#llx)\n",
           atomic32, NTHREADS * ITERATIONS, (unsigned long long)atomic64,
           (unsigned long long)NTHREADS * ITERATIONS * 0x100000001ull);
    printf("atomics: maximum %u (expected %u), bits %#x\n", maximum, expected_maximum(), bits);

    run_all(mutex_worker, NULL);
    int hist_total = 0;
    for (int i = 0; i < 16; i++)
        hist_total += histogram[i];
    printf("mutex: counter %ld (expected %d), histogram total %d, bucket 0 %d, bucket 5 %d\n",
           plain_counter, NTHREADS * (ITERATIONS / 4), hist_total, histogram[0], histogram[5]);

    pthread_t prod[3], cons[3];
    ConsumerResult cres[3];
    memset(cres, 0, sizeof(cres));
    for (int i = 0; i < 3; i++) {
        check(pthread_create(&prod[i], NULL, producer, (void *)(uintptr_t)(i + 1)), "create");
        check(pthread_create(&cons[i], NULL, consumer, &cres[i]), "create");
    }
    for (int i = 0; i < 3; i++)
        check(pthread_join(prod[i], NULL), "join");
    for (int i = 0; i < 3; i++)
        queue_put(SENTINEL);
    long long total = 0;
    int count = 0;
    for (int i = 0; i < 3; i++) {
        check(pthread_join(cons[i], NULL), "join");
        total += cres[i].sum;
        count += cres[i].count;
    }
    printf("queue: %d items, sum %lld\n", count, total);

    tls_initialised = 5;
    run_all(tls_worker, results);
    for (int i = 0; i < NTHREADS; i++) {
        printf("tls: %s\n", (char *)results[i]);
        free(results[i]);
    }
    printf("tls: main's copies %d %lld \"%s\"\n", tls_initialised, tls_zero, tls_name);

    check(pthread_key_create(&key, key_destructor), "pthread_key_create");
    run_all(exit_worker, results);
    for (int i = 0; i < NTHREADS; i++)
        printf("exit: thread %d returned %ld\n", i, (long)(intptr_t)results[i]);
    printf("once: %d call(s); key destructor: %d calls, sum %ld\n", once_calls,
           destructor_calls, destructor_sum);

    check(pthread_barrier_init(&barrier, NULL, NTHREADS), "pthread_barrier_init");
    run_all(barrier_worker, results);
    int serial = 0, all = 1;
    for (int i = 0; i < NTHREADS; i++) {
        serial += (int)(intptr_t)results[i];
        all &= seen_all[i];
    }
    printf("barrier: %d serial thread(s), every thread saw all arrivals: %s\n", serial,
           all ? "yes" : "no");
    pthread_barrier_destroy(&barrier);

    sem_init(&ping_sem, 0, 1);
    sem_init(&pong_sem, 0, 0);
    pthread_t pi, po;
    check(pthread_create(&pi, NULL, pinger, NULL), "create");
    check(pthread_create(&po, NULL, ponger, NULL), "create");
    pthread_join(pi, NULL);
    pthread_join(po, NULL);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    check(pthread_attr_setstacksize(&attr, 64 * 1024), "pthread_attr_setstacksize");
    pthread_t small[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        check(pthread_create(&small[i], &attr, stack_worker, (void *)(uintptr_t)i), "create");
    long stack_sum = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        check(pthread_join(small[i], &r), "join");
        stack_sum += (long)r;
    }
    pthread_attr_destroy(&attr);
    int distinct = 1;
    pid_t self = (pid_t)syscall(SYS_gettid);
    for (int i = 0; i < NTHREADS; i++) {
        distinct &= tids[i] != self && tids[i] > 0;
        for (int j = 0; j < i; j++)
            distinct &= tids[i] != tids[j];
    }
    printf("small stacks: sum %ld; thread ids distinct from each other and main: %s\n",
           stack_sum, distinct ? "yes" : "no");
    printf("main thread id equals pid: %s\n", self == getpid() ? "yes" : "no");
    return 0;
}
