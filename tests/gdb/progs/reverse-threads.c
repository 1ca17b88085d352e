/* Reverse execution across threads (tests/gdb/run-gdb-reverse.py): three
 * threads one after the other, each calling work() three times; shared
 * sums id * 100 + k, so every stop has one right value. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

volatile int shared;

__attribute__((noinline)) void work(int id, int k)
{
    shared += id * 100 + k;
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int k = 0; k < 3; k++)
        work(id, k);
    return NULL;
}

int main(void)
{
    for (int id = 1; id <= 3; id++) {
        pthread_t th;
        pthread_create(&th, NULL, worker, (void *)(intptr_t)id);
        pthread_join(th, NULL);
    }
    printf("shared %d\n", shared);
    return shared == 1809 ? 0 : 1;
}
