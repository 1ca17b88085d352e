/*
 * Which guest memory an i386 Linux system call wrote, from its number,
 * arguments and result, so that mimic-hwtrace can record those bytes for
 * a second run to replay (TRACE_ITEM_SYSCALL, docs/trace-format.md).
 */
#ifndef CONFORMANCE_SYSCALL_OUTPUTS_H
#define CONFORMANCE_SYSCALL_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct SysOutput {
    uint32_t addr, len;
} SysOutput;

/* Reads guest memory after the call (iovec arrays, lengths the kernel
 * stored); false if unreadable. */
typedef bool (*SysOutPeek)(void *ctx, uint32_t addr, void *buf, size_t len);

enum {
    SYSOUT_MAX = 1024 + 8,      /* readv's IOV_MAX iovecs, and slack */
    SYSOUT_UNKNOWN = -1,        /* the call's outputs are not in the table */
    SYSOUT_SKIPPED = -2,        /* known but not recorded (socketcall) */
};

/* Fills out[] (SYSOUT_MAX entries) with the regions system call nr wrote
 * given its six arguments and its result (EAX after); returns how many,
 * or SYSOUT_UNKNOWN / SYSOUT_SKIPPED.  Null pointers and empty regions
 * are left out. */
int syscall_outputs(uint32_t nr, const uint32_t args[6], uint32_t result, SysOutPeek peek,
                    void *ctx, SysOutput *out);

#endif
