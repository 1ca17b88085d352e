/*
 * The per-thread list of ranges a system call wrote (replay-capture.h).
 */
#include "replay/replay-capture.h"

#include <stdlib.h>

/* More ranges than this in one call (a huge iovec array) and the
 * recorder logs their union bounds instead (overflow). */
#define CAPTURE_MAX 4096

static __thread struct {
    bool on;
    bool overflow;
    uint32_t count, cap;
    ReplayRange *r;
} cap;

void replay_capture_begin(void)
{
    cap.on = true;
    cap.overflow = false;
    cap.count = 0;
}

void replay_capture_note(uint64_t addr, uint64_t len, bool bulk)
{
    if (!cap.on || len == 0)
        return;
    if (cap.count == cap.cap) {
        uint32_t n = cap.cap ? cap.cap * 2 : 16;
        ReplayRange *r = n <= CAPTURE_MAX ? realloc(cap.r, n * sizeof(*r)) : NULL;
        if (!r) {
            cap.overflow = true;
            return;
        }
        cap.r = r;
        cap.cap = n;
    }
    cap.r[cap.count++] = (ReplayRange){ addr, len, bulk };
}

const ReplayRange *replay_capture_end(uint32_t *count, bool *overflow)
{
    cap.on = false;
    *count = cap.count;
    *overflow = cap.overflow;
    return cap.r;
}
