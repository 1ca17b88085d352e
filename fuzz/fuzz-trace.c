/*
 * libFuzzer harness for the trace reader (src/targets/i386/trace-format.c):
 * the input is a whole trace file, handed to the reader through a memfd
 * (it reads paths).  Whatever the bytes, the reader must end with an item
 * stream, a clean end or a one-line error, within bounded memory, and
 * every item it gives must lie inside what it announced.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "targets/i386/trace-format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-trace", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    char err[256];
    TraceReader *r = trace_reader_open(path, err, sizeof(err));
    if (!r) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    TraceItem it;
    int n;
    while ((n = trace_reader_next_item(r, &it)) == 1) {
        if (it.len > TRACE_ITEM_MAX)
            abort();
        /* Touch every byte, so ASan sees a read past the frame. */
        volatile uint8_t sink = 0;
        for (uint32_t i = 0; i < it.len; i++)
            sink ^= it.data[i];
        (void)sink;
        TraceSyscall sc;
        if (trace_item_parse_syscall(&it, &sc)) {
            for (uint32_t i = 0; i < sc.count; i++)
                if (sc.mem[i].bytes < it.data || sc.mem[i].bytes + sc.mem[i].len > it.data + it.len)
                    abort();
            free(sc.mem);
        }
    }
    if (n < 0) {
        const char *e = trace_reader_error(r);
        if (e[0] == '\0' || strchr(e, '\n'))
            abort();
    }
    trace_reader_close(r);
    return 0;
}
