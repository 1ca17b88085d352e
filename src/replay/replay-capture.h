/*
 * Which guest memory a system call wrote, for the recorder.
 *
 * While a thread records a system call, every range the call prepares
 * for writing (copy_to_guest, a host call's output buffer, a futex word)
 * is noted here; after the call the recorder reads those ranges and logs
 * their bytes.  Reading them after the call rather than catching each
 * write keeps the layer below unaware of recording, and is exact: with
 * threads serialized, nothing else changes guest memory between the
 * call's end and the read.
 */
#ifndef MIMIC_REPLAY_REPLAY_CAPTURE_H
#define MIMIC_REPLAY_REPLAY_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ReplayRange {
    uint64_t addr;
    uint64_t len;
    /* A bulk buffer (read's): the call's byte count may say how much of
     * it was written. */
    bool bulk;
} ReplayRange;

/* Starts noting on this thread. */
void replay_capture_begin(void);
/* Notes a range about to be written; nothing unless this thread is
 * noting (cheap enough for every copy_to_guest). */
void replay_capture_note(uint64_t addr, uint64_t len, bool bulk);
/* Stops noting: the ranges in the order noted (valid until the next
 * replay_capture_begin on this thread); *count may be 0.  NULL with
 * *count 0 when out of memory: the caller logs the whole call as
 * failed to capture. */
const ReplayRange *replay_capture_end(uint32_t *count, bool *overflow);

#endif
