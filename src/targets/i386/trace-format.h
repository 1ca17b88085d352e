/*
 * mimic CPU trace files (docs/trace-format.md): a versioned header, then
 * zlib-compressed frames of fixed-size records, one record per executed
 * instruction (the state before it runs).  Each frame carries its length
 * and a CRC, so a reader stops cleanly at the last complete frame when
 * the writer died, and reports a corrupted one as an error.
 */
#ifndef CONFORMANCE_TRACE_FORMAT_H
#define CONFORMANCE_TRACE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_MAGIC "MIMICTRC"
#define TRACE_VERSION 1
#define TRACE_FRAME_MAGIC 0x4d415246u   /* "FRAM" little-endian */
#define TRACE_FRAME_RECORDS 4096        /* records per full frame */
#define TRACE_INSN_BYTES 16

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

typedef struct TraceWriter TraceWriter;
typedef struct TraceReader TraceReader;

/* Creates path and writes the header; NULL with a message in err. */
TraceWriter *trace_writer_open(const char *path, const char *model, const char *cmdline,
                               char *err, size_t errlen);
/* Buffers one record; a full frame is written out.  0 or -errno. */
int trace_writer_add(TraceWriter *w, const TraceRecord *rec);
/* Writes the buffered records as a (short) frame and flushes the file,
 * so that everything added so far survives the process dying. */
int trace_writer_flush(TraceWriter *w);
int trace_writer_close(TraceWriter *w);

/* Opens and checks the header; NULL with a one-line message in err. */
TraceReader *trace_reader_open(const char *path, char *err, size_t errlen);
/* 1: a record in *rec; 0: end of the trace; -1: bad file
 * (trace_reader_error says why). */
int trace_reader_next(TraceReader *r, TraceRecord *rec);
const char *trace_reader_error(const TraceReader *r);
/* After the end: the file ended inside a frame (the writer died). */
bool trace_reader_truncated(const TraceReader *r);
const char *trace_reader_model(const TraceReader *r);
const char *trace_reader_cmdline(const TraceReader *r);
void trace_reader_close(TraceReader *r);

#endif
