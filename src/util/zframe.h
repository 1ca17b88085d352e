/*
 * Framed, zlib-compressed files (the CPU trace format, the replay log):
 * after a format's own header comes a sequence of frames, each
 *
 *     u32 magic        the format's frame magic
 *     u32 aux          raw length of the payload, or a count of the
 *                      format's own (ZFrameFormat.aux_is_raw_len)
 *     u32 clen         length of the zlib data that follows
 *     u32 crc          CRC-32 of the raw payload or of the zlib data
 *                      (ZFrameFormat.crc_of_raw)
 *     clen bytes       one zlib stream
 *
 * all little-endian.  Why frames: a writer killed at any point leaves
 * whole frames plus at most one torn last frame, because each frame goes
 * out in one write(); a reader gives the payloads up to the last complete
 * frame and says whether the file ended inside one (truncated, which is
 * how a killed writer's file looks) or had a damaged frame (corrupted,
 * an error naming the frame's index and byte offset).  The two trace
 * and replay layouts differ in aux and in what the CRC covers, hence the
 * parameters rather than one fixed layout.
 */
#ifndef MIMIC_UTIL_ZFRAME_H
#define MIMIC_UTIL_ZFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ZFRAME_HEAD 16

typedef struct ZFrameFormat {
    uint32_t magic;
    /* aux is the payload's raw length (the reader checks the inflated
     * size against it) rather than a number the caller checks. */
    bool aux_is_raw_len;
    /* The CRC covers the raw payload rather than the compressed bytes. */
    bool crc_of_raw;
    /* A frame header with aux outside [1, aux_max] is corrupt. */
    uint32_t aux_max;
    /* The largest payload a frame may inflate to: bounds the reader's
     * memory whatever the file says. */
    size_t raw_max;
    /* Entropy coding only (zlib's Z_HUFFMAN_ONLY): twice as fast as the
     * fastest matching, for data written while the guest waits (a
     * recording of what a program reads), at some size.  The stream is
     * an ordinary zlib stream either way. */
    bool huffman_only;
} ZFrameFormat;

typedef struct ZFrameWriter {
    int fd;
    const ZFrameFormat *fmt;
    uint8_t *buf;          /* header + compressed data of one frame */
    size_t cap;
    uint64_t frames;       /* frames written so far */
    unsigned stored_run;   /* frames still to store without deflating */
} ZFrameWriter;

/* The writer appends to fd (positioned after the format's header); it
 * neither opens nor closes fd. */
void zframe_writer_init(ZFrameWriter *w, int fd, const ZFrameFormat *fmt);
/* Compresses len bytes (1 <= len <= raw_max) and appends them as one
 * frame, in one write() (repeated only after a short write or EINTR).
 * aux is ignored when the format's aux is the raw length.  0, -EINVAL,
 * -ENOMEM or -errno of write(). */
int zframe_write(ZFrameWriter *w, uint32_t aux, const void *data, size_t len);
void zframe_writer_fini(ZFrameWriter *w);

typedef struct ZFrameReader {
    FILE *f;
    const ZFrameFormat *fmt;
    uint8_t *buf;          /* the current frame's payload */
    size_t cap;
    unsigned frame;        /* index of the current (last returned) frame */
    unsigned done;         /* complete frames returned so far */
    long offset;           /* byte offset of the current frame's header */
    bool truncated;
    char err[256];
} ZFrameReader;

/* The reader reads f from its current position (after the header); it
 * does not close f. */
void zframe_reader_init(ZFrameReader *r, FILE *f, const ZFrameFormat *fmt);
/* 1: the next frame's payload in *data, *len (valid until the next call)
 * and its aux word; 0: the end, clean or truncated (zframe_reader_truncated
 * says which); -1: a corrupt frame (zframe_reader_error says which and
 * where).  After 0 or -1 every further call returns the same. */
int zframe_read(ZFrameReader *r, uint32_t *aux, const uint8_t **data, size_t *len);
/* Marks the current frame bad for a reason the caller found in its
 * payload; the message reads "frame N at offset X: <reason>".  Returns -1. */
int zframe_reader_fail(ZFrameReader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline const char *zframe_reader_error(const ZFrameReader *r)
{
    return r->err;
}
static inline bool zframe_reader_truncated(const ZFrameReader *r)
{
    return r->truncated;
}
void zframe_reader_fini(ZFrameReader *r);

#endif
