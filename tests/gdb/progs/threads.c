/* Three threads that meet in worker() and wait there for each other. */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t barrier;
volatile int done;

static void *worker(void *arg)
{
    pthread_barrier_wait(&barrier);   /* all three threads exist from here */
    return arg;
}

int main(void)
{
    pthread_t t[2];
    pthread_barrier_init(&barrier, NULL, 3);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    worker(NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    done = 1;
    printf("joined\n");
    return 0;
}
