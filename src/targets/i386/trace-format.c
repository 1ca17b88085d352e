/*
 * Trace file writer and reader (docs/trace-format.md).  Integers are
 * little-endian; the hosts we run on are x86, so records are copied as
 * they are in memory (TraceRecord has the on-disk layout).
 */
#include "targets/i386/trace-format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/bytes.h"

struct TraceWriter {
    FILE *f;
    TraceRecord buf[TRACE_FRAME_RECORDS];
    unsigned n;
    uint8_t *zbuf;
    uLong zcap;
};

struct TraceReader {
    FILE *f;
    char *model, *cmdline;
    TraceRecord *buf;
    unsigned n, pos;
    bool truncated;
    char err[256];
};

TraceWriter *trace_writer_open(const char *path, const char *model, const char *cmdline,
                               char *err, size_t errlen)
{
    TraceWriter *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->zcap = compressBound(sizeof(w->buf));
    w->zbuf = malloc(w->zcap);
    w->f = fopen(path, "wb");
    if (!w->zbuf || !w->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (w->f)
            fclose(w->f);
        free(w->zbuf);
        free(w);
        return NULL;
    }
    uint8_t h[16];
    size_t ml = strlen(model), cl = strlen(cmdline);
    memcpy(h, TRACE_MAGIC, 8);
    st_le32(h + 8, TRACE_VERSION);
    st_le32(h + 12, sizeof(TraceRecord));
    uint8_t len[4];
    bool ok = fwrite(h, 16, 1, w->f) == 1;
    st_le32(len, (uint32_t)ml);
    ok = ok && fwrite(len, 4, 1, w->f) == 1 && fwrite(model, 1, ml, w->f) == ml;
    st_le32(len, (uint32_t)cl);
    ok = ok && fwrite(len, 4, 1, w->f) == 1 && fwrite(cmdline, 1, cl, w->f) == cl;
    if (!ok || fflush(w->f) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        fclose(w->f);
        free(w->zbuf);
        free(w);
        return NULL;
    }
    return w;
}

int trace_writer_flush(TraceWriter *w)
{
    if (w->n) {
        uLongf clen = w->zcap;
        if (compress2(w->zbuf, &clen, (const Bytef *)w->buf, w->n * sizeof(TraceRecord),
                      Z_BEST_SPEED) != Z_OK)
            return -ENOMEM;
        uint8_t h[16];
        st_le32(h, TRACE_FRAME_MAGIC);
        st_le32(h + 4, w->n);
        st_le32(h + 8, (uint32_t)clen);
        st_le32(h + 12, (uint32_t)crc32(0, w->zbuf, (uInt)clen));
        if (fwrite(h, 16, 1, w->f) != 1 || fwrite(w->zbuf, 1, clen, w->f) != clen)
            return -EIO;
        w->n = 0;
    }
    return fflush(w->f) == 0 ? 0 : -errno;
}

int trace_writer_add(TraceWriter *w, const TraceRecord *rec)
{
    w->buf[w->n++] = *rec;
    return w->n == TRACE_FRAME_RECORDS ? trace_writer_flush(w) : 0;
}

int trace_writer_close(TraceWriter *w)
{
    int r = trace_writer_flush(w);
    if (fclose(w->f) != 0 && r == 0)
        r = -errno;
    free(w->zbuf);
    free(w);
    return r;
}

/* A length-prefixed string of the header; NULL if the file ends. */
static char *read_string(FILE *f)
{
    uint8_t len[4];
    if (fread(len, 4, 1, f) != 1)
        return NULL;
    uint32_t n = ld_le32(len);
    if (n > 1u << 20)
        return NULL;
    char *s = malloc(n + 1);
    if (s && fread(s, 1, n, f) != n) {
        free(s);
        return NULL;
    }
    if (s)
        s[n] = 0;
    return s;
}

TraceReader *trace_reader_open(const char *path, char *err, size_t errlen)
{
    TraceReader *r = calloc(1, sizeof(*r));
    r->buf = malloc(sizeof(TraceRecord) * TRACE_FRAME_RECORDS);
    r->f = fopen(path, "rb");
    if (!r->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    uint8_t h[16];
    if (fread(h, 16, 1, r->f) != 1 || memcmp(h, TRACE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "%s: not a mimic trace file", path);
        goto fail;
    }
    if (ld_le32(h + 8) != TRACE_VERSION || ld_le32(h + 12) != sizeof(TraceRecord)) {
        snprintf(err, errlen, "%s: trace format version %u (record size %u) is not supported",
                 path, ld_le32(h + 8), ld_le32(h + 12));
        goto fail;
    }
    r->model = read_string(r->f);
    r->cmdline = r->model ? read_string(r->f) : NULL;
    if (!r->cmdline) {
        snprintf(err, errlen, "%s: truncated or bad trace header", path);
        goto fail;
    }
    return r;
fail:
    trace_reader_close(r);
    return NULL;
}

/* Loads the next frame: 1, 0 at the end (clean or truncated), -1 bad. */
static int read_frame(TraceReader *r)
{
    uint8_t h[16];
    size_t got = fread(h, 1, 16, r->f);
    if (got == 0)
        return 0;
    if (got < 16) {
        r->truncated = true;
        return 0;
    }
    uint32_t n = ld_le32(h + 4), clen = ld_le32(h + 8);
    if (ld_le32(h) != TRACE_FRAME_MAGIC || n == 0 || n > TRACE_FRAME_RECORDS ||
        clen > compressBound(TRACE_FRAME_RECORDS * sizeof(TraceRecord))) {
        snprintf(r->err, sizeof(r->err), "bad frame header at offset %ld",
                 ftell(r->f) - 16);
        return -1;
    }
    uint8_t *z = malloc(clen);
    if (!z) {
        snprintf(r->err, sizeof(r->err), "out of memory");
        return -1;
    }
    long at = ftell(r->f) - 16;
    if (fread(z, 1, clen, r->f) != clen) {
        free(z);
        r->truncated = true;
        return 0;
    }
    if ((uint32_t)crc32(0, z, clen) != ld_le32(h + 12)) {
        free(z);
        snprintf(r->err, sizeof(r->err), "frame at offset %ld: CRC mismatch (corrupted)", at);
        return -1;
    }
    uLongf len = (uLongf)n * sizeof(TraceRecord);
    int zr = uncompress((Bytef *)r->buf, &len, z, clen);
    free(z);
    if (zr != Z_OK || len != (uLongf)n * sizeof(TraceRecord)) {
        snprintf(r->err, sizeof(r->err), "frame at offset %ld: bad compressed data", at);
        return -1;
    }
    r->n = n;
    r->pos = 0;
    return 1;
}

int trace_reader_next(TraceReader *r, TraceRecord *rec)
{
    if (r->err[0])
        return -1;
    if (r->pos == r->n) {
        int fr = read_frame(r);
        if (fr <= 0)
            return fr;
    }
    *rec = r->buf[r->pos++];
    return 1;
}

const char *trace_reader_error(const TraceReader *r)
{
    return r->err;
}

bool trace_reader_truncated(const TraceReader *r)
{
    return r->truncated;
}

const char *trace_reader_model(const TraceReader *r)
{
    return r->model;
}

const char *trace_reader_cmdline(const TraceReader *r)
{
    return r->cmdline;
}

void trace_reader_close(TraceReader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->model);
    free(r->cmdline);
    free(r->buf);
    free(r);
}
