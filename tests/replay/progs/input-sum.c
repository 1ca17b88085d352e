/*
 * input-sum: the program of tests/replay/run-rr-input.py, whose input is
 * changed in the recording (one byte of one read's data) to check that
 * the replay stops at the first output that the change makes differ.
 *
 *   input-sum FILE
 *
 * Reads FILE with read(2) in chunks of CHUNK bytes and, for each chunk,
 * writes one line with its FNV-1a hash (any changed byte changes it) with
 * one write(2), straight after the read: stdio would buffer the lines
 * and put many chunks' reads before one write.  Exits with a status made
 * from the hash of the whole file (10 to 109), so that a changed exit
 * status can be told from a failure.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define CHUNK 100

static int say(int fd, const char *s, int len)
{
    return write(fd, s, len) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const char usage[] = "usage: input-sum FILE\n";
    if (argc != 2) {
        say(2, usage, sizeof usage - 1);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        static const char msg[] = "input-sum: cannot open the file\n";
        say(2, msg, sizeof msg - 1);
        return 2;
    }
    static unsigned char buf[CHUNK];
    uint32_t total = 2166136261u;
    unsigned index = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            static const char msg[] = "input-sum: read failed\n";
            say(2, msg, sizeof msg - 1);
            return 2;
        }
        if (n == 0)
            break;
        uint32_t h = 2166136261u;
        for (ssize_t i = 0; i < n; i++) {
            h = (h ^ buf[i]) * 16777619u;
            total = (total ^ buf[i]) * 16777619u;
        }
        char line[64];
        int len = snprintf(line, sizeof line, "chunk %u: %d bytes, fnv %08x\n", index,
                           (int)n, h);
        if (say(1, line, len) < 0)
            return 2;
        index++;
    }
    close(fd);
    return 10 + (int)(total % 100);
}
