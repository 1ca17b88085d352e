/* -icount's virtual clock (tests/linux-user/run-icount.py): RDTSC across
 * a block of known length, and clock readings across a system call free
 * loop, whose differences depend on the instruction count alone. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/time.h>

int main(void)
{
    /* RDTSC reads the count before it: between the two, the first RDTSC,
     * the MOV and the ten NOPs complete, 12 instructions. */
    uint32_t lo1, lo2;
    __asm__ volatile("rdtsc\n\tmovl %%eax, %0\n\t"
                     "nop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\t"
                     "rdtsc\n\tmovl %%eax, %1"
                     : "=r"(lo1), "=r"(lo2) : : "eax", "edx");
    printf("rdtsc over 12 instructions: %u\n", lo2 - lo1);

    struct timespec a, b, res;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (volatile int i = 0; i < 1000; i++)
        ;
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long mono = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("monotonic across the loop: %lld ns\n", mono);

    struct timeval t1, t2;
    gettimeofday(&t1, NULL);
    for (volatile int i = 0; i < 1000; i++)
        ;
    gettimeofday(&t2, NULL);
    printf("gettimeofday across the loop: %lld us\n",
           (t2.tv_sec - t1.tv_sec) * 1000000LL + (t2.tv_usec - t1.tv_usec));
    clock_getres(CLOCK_MONOTONIC, &res);
    printf("resolution: %ld ns\n", res.tv_nsec);
    printf("realtime after 2020: %d\n", time(NULL) > 1577836800);
    return 0;
}
