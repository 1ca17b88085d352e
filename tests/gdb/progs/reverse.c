/* For reverse execution in a replay (tests/gdb/run-gdb-reverse.py): a
 * loop that changes a counter every time and `watched` every third
 * time, with system calls (getpid, write) between the changes. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile int counter;
volatile int watched;
char buffer[64];

__attribute__((noinline)) int square(int x)
{
    return x * x;
}

__attribute__((noinline)) void tick(int i)
{
    counter += square(i);
    if (i % 3 == 0)
        watched = i;
}

int main(void)
{
    for (int i = 1; i <= 10; i++) {
        tick(i);
        memset(buffer, 'a' + i, sizeof(buffer) - 1);
        printf("tick %d counter %d pid %s\n", i, counter, getpid() > 0 ? "ok" : "bad");
    }
    return counter == 385 ? 0 : 1;
}
