/*
 * cpu-features: prints the CPUID feature bits that decide whether a test
 * program can run on the emulated CPU at all, one "name=0|1" per line.
 * run-progs.py runs it under each emulator and skips (does not pass) the
 * programs built for features the emulated CPU does not advertise: such
 * a program would rightly die of SIGILL there.
 */
#include <cpuid.h>
#include <stdio.h>

int main(void)
{
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        eax = ebx = ecx = edx = 0;
    printf("cmov=%d\n", !!(edx & bit_CMOV));
    printf("sse=%d\n", !!(edx & bit_SSE));
    printf("sse2=%d\n", !!(edx & bit_SSE2));
    printf("sse3=%d\n", !!(ecx & bit_SSE3));
    return 0;
}
