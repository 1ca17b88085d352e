/*
 * diverge-write: a program built twice, as is and with -DVARIANT, for
 * tests/replay/run-rr.py's divergence test: record the plain build,
 * replay with the variant, and the replay must stop at the first write
 * whose bytes differ from the recording.
 *
 *   diverge-write FILE
 *
 * Reads FILE, then prints STEPS checksums of it, one write(2) per line,
 * each with its own multiplier.  The multipliers live in a data table,
 * so both builds have the same code and the same instruction counts:
 * the variant changes only the multiplier of step CHANGED, and with it
 * the bytes of that step's line and of no line before it.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STEPS 5

#ifdef VARIANT
#define CHANGED_MULTIPLIER 40503u
#else
#define CHANGED_MULTIPLIER 2246822519u
#endif

/* Volatile and global: the compiler may not fold the values into code. */
volatile uint32_t multipliers[STEPS] = {
    2654435761u, 3266489917u, CHANGED_MULTIPLIER, 668265263u, 374761393u,
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        static const char usage[] = "usage: diverge-write FILE\n";
        write(2, usage, sizeof usage - 1);
        return 2;
    }
    static unsigned char data[65536];
    int fd = open(argv[1], O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, data, sizeof data);
    if (n < 0) {
        static const char msg[] = "diverge-write: cannot read the file\n";
        write(2, msg, sizeof msg - 1);
        return 2;
    }
    close(fd);
    for (int step = 0; step < STEPS; step++) {
        uint32_t h = (uint32_t)step;
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ data[i]) * multipliers[step];
        char line[64];
        int len = snprintf(line, sizeof line, "step %d: %08x\n", step, h);
        if (write(1, line, len) != len)
            return 2;
    }
    return 0;
}
