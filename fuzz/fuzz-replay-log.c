/*
 * libFuzzer harness for the replay log reader (src/replay/replay-log.c):
 * the input is a whole log file, handed to the reader through a memfd
 * (it reads paths).  Whatever the bytes, the reader must end with events,
 * a clean or truncated end or a one-line error, within bounded memory;
 * every event's bytes must lie inside what it announced, and formatting
 * it (mimic-rr dump) must stay inside its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "replay/replay-log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch(const uint8_t *p, uint32_t n)
{
    /* Every byte, so ASan sees a read past the frame. */
    volatile uint8_t sink = 0;
    for (uint32_t i = 0; i < n; i++)
        sink ^= p[i];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-replay-log", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    char err[256];
    ReplayLogReader *r = replay_log_open(path, err, sizeof(err));
    if (!r) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    const ReplayLogHeader *h = replay_log_header(r);
    if (!h->mimic_version || !h->target || !h->cmdline)
        abort();
    ReplayEvent ev;
    char line[256];
    int n;
    while ((n = replay_log_next(r, &ev)) == 1) {
        if (ev.kind == 0 || ev.kind >= REPLAY_EV_KINDS)
            abort();
        if (ev.kind == REPLAY_EV_RANDOM) {
            if (ev.u.random.len > REPLAY_PAYLOAD_MAX)
                abort();
            touch(ev.u.random.bytes, ev.u.random.len);
        }
        if (ev.kind == REPLAY_EV_SYSCALL) {
            if (ev.u.syscall.has_out_hash > 1)
                abort();
            for (uint32_t i = 0; i < ev.u.syscall.count; i++)
                touch(ev.u.syscall.mem[i].bytes, ev.u.syscall.mem[i].len);
        }
        if (ev.kind == REPLAY_EV_CHECKPOINT) {
            if (ev.u.checkpoint.regs_len > REPLAY_REGS_MAX)
                abort();
            touch(ev.u.checkpoint.regs, ev.u.checkpoint.regs_len);
        }
        if (ev.kind == REPLAY_EV_STACK) {
            if (ev.u.stack.path_len > REPLAY_PATH_MAX || ev.u.stack.len > REPLAY_PAYLOAD_MAX)
                abort();
            touch((const uint8_t *)ev.u.stack.path, ev.u.stack.path_len);
            touch(ev.u.stack.bytes, ev.u.stack.len);
        }
        replay_event_format(&ev, line, sizeof(line));
        if (strlen(line) >= sizeof(line))
            abort();
    }
    if (n < 0) {
        const char *e = replay_log_error(r);
        if (e[0] == '\0' || strchr(e, '\n') || !strstr(e, "frame "))
            abort();
    }
    replay_log_close_reader(r);
    return 0;
}
