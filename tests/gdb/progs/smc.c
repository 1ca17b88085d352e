/* Writes a function into a fixed page, runs it, rewrites it, runs it
 * again: a breakpoint on it must hit both times. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define CODE ((unsigned char *)0x30000000)

static int run(int value)
{
    /* mov eax, imm32; ret */
    CODE[0] = 0xb8;
    memcpy(CODE + 1, &value, 4);
    CODE[5] = 0xc3;
    return ((int (*)(void))CODE)();
}

int main(void)
{
    if (mmap(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != CODE)
        return 2;
    int a = run(11);
    int b = run(22);
    printf("a=%d b=%d\n", a, b);
    return 0;
}
