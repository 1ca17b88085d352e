/*
 * mimic CPU trace files (docs/trace-format.md): a versioned header, then
 * zlib-compressed frames of items.  The main item is one record per
 * executed instruction (the state before it runs); other items carry what
 * a second run needs to stay in step with the first (system call results
 * and the memory they wrote, CPUID/RDTSC results, the initial stack) and
 * the x87/SSE state now and then.  Each frame carries its length and a
 * CRC, so a reader stops cleanly at the last complete frame when the
 * writer died, and reports a corrupted one as an error.
 */
#ifndef CONFORMANCE_TRACE_FORMAT_H
#define CONFORMANCE_TRACE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_MAGIC "MIMICTRC"
#define TRACE_VERSION 2
#define TRACE_FRAME_MAGIC 0x4d415246u   /* "FRAM" little-endian */
#define TRACE_FRAME_ITEMS 4096          /* items per full frame */
#define TRACE_FRAME_BYTES (1u << 20)    /* a frame is written at this much data */
#define TRACE_ITEM_MAX (16u << 20)      /* largest item payload */
#define TRACE_INSN_BYTES 16
#define TRACE_FXSAVE_BYTES 512

/* One executed instruction.  Stored as 64 little-endian bytes in this
 * field order (the struct has no padding). */
typedef struct TraceRecord {
    uint32_t eip;
    uint32_t regs[8];          /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eflags;
    uint32_t fs_base;
    uint32_t gs_base;
    uint8_t insn[TRACE_INSN_BYTES];   /* bytes at EIP (0 where unreadable) */
} TraceRecord;

_Static_assert(sizeof(TraceRecord) == 64, "TraceRecord is the on-disk layout");

/* Item kinds.  An item's payload layout (all little-endian u32 unless
 * said otherwise) is given with each; "previous instruction" is the last
 * TRACE_ITEM_INSN before the item. */
enum {
    /* TraceRecord, 64 bytes. */
    TRACE_ITEM_INSN = 1,
    /* The FXSAVE image (512 bytes) of the x87/SSE state before the next
     * TRACE_ITEM_INSN, i.e. at the same point as that record. */
    TRACE_ITEM_FPU = 2,
    /* The previous instruction was a system call (INT 0x80):
     *   nr, result (EAX after it), count,
     *   then count times: addr, len, len bytes (memory it wrote). */
    TRACE_ITEM_SYSCALL = 3,
    /* The previous instruction (CPUID, RDTSC) produced values that are
     * not a function of the state: opcode (0x0fa2 CPUID, 0x0f31 RDTSC),
     * then EAX ECX EDX EBX after it. */
    TRACE_ITEM_NONDET = 4,
    /* The initial stack, before the first TRACE_ITEM_INSN: lo, hi (the
     * end of the stack mapping), then the hi - lo bytes at [lo, hi). */
    TRACE_ITEM_STACK = 5,
};

typedef struct TraceItem {
    uint32_t kind;
    uint32_t len;
    const uint8_t *data;     /* valid until the next read from the reader */
} TraceItem;

/* A parsed TRACE_ITEM_SYSCALL. */
typedef struct TraceSyscallMem {
    uint32_t addr, len;
    const uint8_t *bytes;
} TraceSyscallMem;

typedef struct TraceSyscall {
    uint32_t nr, result, count;
    TraceSyscallMem *mem;    /* count entries, malloc'd: free() it */
} TraceSyscall;

/* An instruction prefix byte (operand/address size, segment, LOCK, REP). */
bool trace_insn_is_prefix(uint8_t b);
/* bytes start a REP/REPNE string instruction.  The CPU single-steps
 * each of its iterations, and mimic may stop in the middle of one (to
 * check for interrupts), both with EIP still on it: a trace has one
 * record per instruction, so writers drop those repeats. */
bool trace_insn_is_rep_string(const uint8_t bytes[TRACE_INSN_BYTES]);

/* For a run stepped one instruction per cpu_exec (-trace-cpu,
 * -trace-follow): whether the instruction about to run is a new one.  A
 * return from cpu_exec that ran nothing (a signal, an exit request), or
 * a REP string instruction that stopped between iterations, is the same
 * instruction; a system call moves eip without counting. */
typedef struct TraceStep {
    bool have;
    uint64_t icount;
    uint32_t eip;
    uint8_t insn[TRACE_INSN_BYTES];   /* the last new instruction's bytes */
} TraceStep;

/* True when eip (after icount instructions) starts a new instruction;
 * the caller then stores its bytes in st->insn. */
bool trace_step_is_new(TraceStep *st, uint64_t icount, uint32_t eip);

typedef struct TraceWriter TraceWriter;
typedef struct TraceReader TraceReader;

/* Creates path and writes the header; NULL with a message in err. */
TraceWriter *trace_writer_open(const char *path, const char *model, const char *cmdline,
                               char *err, size_t errlen);
/* Buffers one instruction record; a full frame is written out.  0 or -errno. */
int trace_writer_add(TraceWriter *w, const TraceRecord *rec);
/* Buffers any item (payload len bytes). 0, -EINVAL (too big) or -errno. */
int trace_writer_add_item(TraceWriter *w, uint32_t kind, const void *data, uint32_t len);
/* Builds and buffers a TRACE_ITEM_SYSCALL.  0 or -errno. */
int trace_writer_add_syscall(TraceWriter *w, const TraceSyscall *sc);
/* Writes the buffered items as a (short) frame and flushes the file,
 * so that everything added so far survives the process dying. */
int trace_writer_flush(TraceWriter *w);
int trace_writer_close(TraceWriter *w);

/* Opens and checks the header; NULL with a one-line message in err. */
TraceReader *trace_reader_open(const char *path, char *err, size_t errlen);
/* 1: the next item in *it; 0: end of the trace; -1: bad file
 * (trace_reader_error says why). */
int trace_reader_next_item(TraceReader *r, TraceItem *it);
/* The next instruction record, skipping other items.  1, 0 or -1 as above. */
int trace_reader_next(TraceReader *r, TraceRecord *rec);
/* Parses a TRACE_ITEM_SYSCALL payload; false if it is malformed. */
bool trace_item_parse_syscall(const TraceItem *it, TraceSyscall *sc);
const char *trace_reader_error(const TraceReader *r);
/* After the end: the file ended inside a frame (the writer died). */
bool trace_reader_truncated(const TraceReader *r);
const char *trace_reader_model(const TraceReader *r);
const char *trace_reader_cmdline(const TraceReader *r);
void trace_reader_close(TraceReader *r);

#endif
