/*
 * ticker: prints a numbered line about every million instructions, for
 * tests/replay/run-rr.py's cut-short test, which kills the recorder
 * after a few lines and replays what the recording kept.
 *
 *   ticker [LINES]        (default 1000000: longer than any test waits)
 *
 * Each line is one write(2) of its own, so it reaches the pipe the
 * moment it is printed; the loop between lines makes no system call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long lines = argc > 1 ? atol(argv[1]) : 1000000;
    volatile unsigned spin = 0;
    for (long n = 0; n < lines; n++) {
        /* About 4 instructions per iteration with the volatile
         * load/store: ~1e6 instructions per line. */
        for (unsigned i = 0; i < 250000; i++)
            spin += i;
        char line[64];
        int len = snprintf(line, sizeof line, "tick %ld %u\n", n, spin);
        if (write(1, line, len) != len)
            return 2;
    }
    return 0;
}
