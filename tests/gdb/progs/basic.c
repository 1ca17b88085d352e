/* The gdb suite's main program (tests/gdb/run-gdb.py): functions,
 * globals and locals with known values, a repeated string instruction,
 * a system call, and an exit status that depends on counter. */
#include <stdio.h>
#include <unistd.h>

int counter = 5;
char buffer[64];
volatile int watched;

static int square(int x)
{
    return x * x;
}

static int getval(void)
{
    return 42;
}

static void copy(void)
{
    __asm__ volatile("cld\n\trep movsb"
                     : : "S"("hello, world"), "D"(buffer), "c"(12) : "memory");
}

static void touch(void)
{
    /* Every store changes the value: gdb reports a store of the same
     * value under a native read watchpoint (x86 has no read-only data
     * breakpoint, so gdb guesses from the value), which a stub with true
     * read watchpoints does not. */
    for (int i = 1; i <= 4; i++)
        watched = i;
    int sink = watched;
    sink += watched;
    (void)sink;
}

int main(void)
{
    int local = 7;
    for (int i = 0; i < 3; i++)
        counter += square(i);
    copy();
    int v = getval();
    touch();
    static const char msg[] = "syscall\n";
    write(1, msg, sizeof(msg) - 1);
    printf("counter=%d local=%d v=%d buffer=%s\n", counter, local, v, buffer);
    return counter == 10 ? 3 : 1;
}
