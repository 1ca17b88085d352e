/*
 * diverge-reg: a program built twice, as is and with -DVARIANT, for
 * tests/replay/run-rr.py's checkpoint test.  Between two write(2) calls
 * it loads a constant into ESI and then runs a loop of LOOPS iterations
 * that makes no system call; the variant's constant differs.  Recorded
 * with the plain build and checkpoints every 1000 instructions, then
 * replayed with the variant, the difference is visible only in ESI, so
 * the replay must stop at the first checkpoint after the load and name
 * ESI with both values:
 *
 *   esi: recorded 0x11111111, replayed 0x22222222
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#ifdef VARIANT
#define VALUE "0x22222222"
#else
#define VALUE "0x11111111"
#endif

#define LOOPS "100000"

int main(void)
{
    static const char before[] = "before the loop\n";
    if (write(1, before, sizeof before - 1) != (ssize_t)(sizeof before - 1))
        return 2;
    uint32_t esi, sum;
    /* Same length in both builds (mov r32, imm32 is 5 bytes), so the
     * two binaries have the same instruction counts throughout. */
    __asm__ volatile("movl $" VALUE ", %%esi\n\t"
                     "movl $" LOOPS ", %%ecx\n\t"
                     "xorl %%eax, %%eax\n"
                     "1:\n\t"
                     "addl $3, %%eax\n\t"
                     "decl %%ecx\n\t"
                     "jnz 1b\n\t"
                     "movl %%esi, %0"
                     : "=r"(esi), "=a"(sum) : : "ecx", "esi", "cc");
    char line[64];
    int len = snprintf(line, sizeof line, "esi %08x sum %u\n", esi, sum);
    return write(1, line, len) == len ? 0 : 2;
}
