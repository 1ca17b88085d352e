/*
 * Trace file writer and reader, format version 2 (docs/trace-format.md).
 * Integers are little-endian; the hosts we run on are x86, so records are
 * copied as they are in memory (TraceRecord has the on-disk layout).
 *
 * A frame is a 16-byte header (FRAM, item count, compressed length,
 * CRC-32 of the compressed bytes) and a zlib stream of its items, each
 * u32 kind, u32 len, len bytes: the framing is util/zframe's, with the
 * item count in its aux word and the CRC over the compressed bytes.
 */
#include "targets/i386/trace-format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "util/host-file.h"
#include "util/zframe.h"

#define ITEM_HEAD 8
/* The most a frame can hold uncompressed: the writer ends a frame once it
 * reaches TRACE_FRAME_BYTES, so before the last item it held less than
 * that, and the last item can be the largest allowed. */
#define FRAME_RAW_MAX ((size_t)TRACE_FRAME_BYTES + TRACE_ITEM_MAX + ITEM_HEAD)
#define HEADER_STRING_MAX (1u << 20)

static const ZFrameFormat trace_frames = {
    .magic = TRACE_FRAME_MAGIC,
    .aux_is_raw_len = false,
    .crc_of_raw = false,
    .aux_max = TRACE_FRAME_ITEMS,
    .raw_max = FRAME_RAW_MAX,
};

struct TraceWriter {
    FILE *f;              /* the header goes through stdio, frames through zf */
    ZFrameWriter zf;
    uint8_t *buf;         /* the items of the current frame */
    size_t len, cap;
    unsigned n;
};

struct TraceReader {
    FILE *f;
    char *model, *cmdline;
    ZFrameReader zf;
    const uint8_t *buf;   /* the current frame, inflated */
    size_t len, pos;      /* bytes in buf, next item's offset */
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
    w->f = host_fopen(path, "wb");
    if (!w->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
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
        free(w);
        return NULL;
    }
    zframe_writer_init(&w->zf, fileno(w->f), &trace_frames);
    return w;
}

/* Compresses and writes the buffered items as one frame. */
static int write_frame(TraceWriter *w)
{
    if (!w->n)
        return 0;
    int r = zframe_write(&w->zf, w->n, w->buf, w->len);
    if (r < 0)
        return r;
    w->n = 0;
    w->len = 0;
    return 0;
}

/* Frames go straight to the descriptor (nothing stays in stdio's
 * buffer after the header), so writing the frame is the flush. */
int trace_writer_flush(TraceWriter *w)
{
    return write_frame(w);
}

/* Appends an item header and room for len payload bytes; NULL if out of
 * memory.  The caller fills the payload, then calls item_done. */
static uint8_t *item_reserve(TraceWriter *w, uint32_t kind, uint32_t len)
{
    size_t need = w->len + ITEM_HEAD + len;
    if (need > w->cap) {
        size_t cap = w->cap ? w->cap : 64 * 1024;
        while (cap < need)
            cap *= 2;
        uint8_t *b = realloc(w->buf, cap);
        if (!b)
            return NULL;
        w->buf = b;
        w->cap = cap;
    }
    uint8_t *p = w->buf + w->len;
    st_le32(p, kind);
    st_le32(p + 4, len);
    w->len = need;
    w->n++;
    return p + ITEM_HEAD;
}

/* A full frame goes out as soon as it is full, so buffers stay small. */
static int item_done(TraceWriter *w)
{
    if (w->n >= TRACE_FRAME_ITEMS || w->len >= TRACE_FRAME_BYTES)
        return trace_writer_flush(w);
    return 0;
}

int trace_writer_add_item(TraceWriter *w, uint32_t kind, const void *data, uint32_t len)
{
    if (len > TRACE_ITEM_MAX)
        return -EINVAL;
    uint8_t *p = item_reserve(w, kind, len);
    if (!p)
        return -ENOMEM;
    if (len)
        memcpy(p, data, len);
    return item_done(w);
}

int trace_writer_add(TraceWriter *w, const TraceRecord *rec)
{
    return trace_writer_add_item(w, TRACE_ITEM_INSN, rec, sizeof(*rec));
}

int trace_writer_add_syscall(TraceWriter *w, const TraceSyscall *sc)
{
    uint64_t len = 12;
    for (uint32_t i = 0; i < sc->count; i++)
        len += 8 + (uint64_t)sc->mem[i].len;
    if (len > TRACE_ITEM_MAX)
        return -EINVAL;
    uint8_t *p = item_reserve(w, TRACE_ITEM_SYSCALL, (uint32_t)len);
    if (!p)
        return -ENOMEM;
    st_le32(p, sc->nr);
    st_le32(p + 4, sc->result);
    st_le32(p + 8, sc->count);
    p += 12;
    for (uint32_t i = 0; i < sc->count; i++) {
        st_le32(p, sc->mem[i].addr);
        st_le32(p + 4, sc->mem[i].len);
        if (sc->mem[i].len)
            memcpy(p + 8, sc->mem[i].bytes, sc->mem[i].len);
        p += 8 + sc->mem[i].len;
    }
    return item_done(w);
}

int trace_writer_close(TraceWriter *w)
{
    int r = trace_writer_flush(w);
    if (fclose(w->f) != 0 && r == 0)
        r = -errno;
    zframe_writer_fini(&w->zf);
    free(w->buf);
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
    if (n > HEADER_STRING_MAX)
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
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->f = host_fopen(path, "rb");
    if (!r->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    uint8_t h[16];
    if (fread(h, 16, 1, r->f) != 1 || memcmp(h, TRACE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "%s: not a mimic trace file", path);
        goto fail;
    }
    if (ld_le32(h + 8) != TRACE_VERSION) {
        snprintf(err, errlen, "%s: trace format version %u, this reader reads %u", path,
                 ld_le32(h + 8), TRACE_VERSION);
        goto fail;
    }
    if (ld_le32(h + 12) != sizeof(TraceRecord)) {
        snprintf(err, errlen, "%s: record size %u, this reader reads %zu", path,
                 ld_le32(h + 12), sizeof(TraceRecord));
        goto fail;
    }
    r->model = read_string(r->f);
    r->cmdline = r->model ? read_string(r->f) : NULL;
    if (!r->cmdline) {
        snprintf(err, errlen, "%s: truncated or bad trace header", path);
        goto fail;
    }
    zframe_reader_init(&r->zf, r->f, &trace_frames);
    return r;
fail:
    trace_reader_close(r);
    return NULL;
}

/* The inflated frame must be exactly n well-formed items. */
static bool items_ok(const uint8_t *buf, size_t len, uint32_t n)
{
    size_t pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (len - pos < ITEM_HEAD)
            return false;
        uint32_t ilen = ld_le32(buf + pos + 4);
        if (ilen > TRACE_ITEM_MAX || len - pos - ITEM_HEAD < ilen)
            return false;
        pos += ITEM_HEAD + ilen;
    }
    return pos == len;
}

/* Loads the next frame: 1, 0 at the end (clean or truncated), -1 bad. */
static int read_frame(TraceReader *r)
{
    uint32_t n;
    const uint8_t *data;
    size_t len;
    int fr = zframe_read(&r->zf, &n, &data, &len);
    if (fr == 1 && !items_ok(data, len, n))
        fr = zframe_reader_fail(&r->zf, "data does not inflate to the %u items announced", n);
    if (fr < 0) {
        snprintf(r->err, sizeof(r->err), "%s", zframe_reader_error(&r->zf));
        return -1;
    }
    if (fr == 0)
        return 0;
    r->buf = data;
    r->len = len;
    r->pos = 0;
    return 1;
}

int trace_reader_next_item(TraceReader *r, TraceItem *it)
{
    if (r->err[0])
        return -1;
    if (r->pos == r->len) {
        int fr = read_frame(r);
        if (fr <= 0)
            return fr;
    }
    const uint8_t *p = r->buf + r->pos;
    it->kind = ld_le32(p);
    it->len = ld_le32(p + 4);
    it->data = p + ITEM_HEAD;
    r->pos += ITEM_HEAD + it->len;
    return 1;
}

int trace_reader_next(TraceReader *r, TraceRecord *rec)
{
    TraceItem it;
    int n;
    while ((n = trace_reader_next_item(r, &it)) == 1) {
        if (it.kind != TRACE_ITEM_INSN)
            continue;
        if (it.len != sizeof(*rec)) {
            snprintf(r->err, sizeof(r->err), "frame %u at offset %ld: instruction item of %u bytes",
                     r->zf.frame, r->zf.offset, it.len);
            return -1;
        }
        memcpy(rec, it.data, sizeof(*rec));
        return 1;
    }
    return n;
}

bool trace_item_parse_syscall(const TraceItem *it, TraceSyscall *sc)
{
    memset(sc, 0, sizeof(*sc));
    if (it->kind != TRACE_ITEM_SYSCALL || it->len < 12)
        return false;
    const uint8_t *p = it->data, *end = it->data + it->len;
    uint32_t count = ld_le32(p + 8);
    /* Each entry takes at least 8 bytes: bounds the allocation. */
    if (count > (it->len - 12) / 8)
        return false;
    TraceSyscallMem *mem = count ? calloc(count, sizeof(*mem)) : NULL;
    if (count && !mem)
        return false;
    p += 12;
    for (uint32_t i = 0; i < count; i++) {
        if (end - p < 8)
            goto bad;
        mem[i].addr = ld_le32(p);
        mem[i].len = ld_le32(p + 4);
        p += 8;
        if ((size_t)(end - p) < mem[i].len)
            goto bad;
        mem[i].bytes = p;
        p += mem[i].len;
    }
    if (p != end)
        goto bad;
    sc->nr = ld_le32(it->data);
    sc->result = ld_le32(it->data + 4);
    sc->count = count;
    sc->mem = mem;
    return true;
bad:
    free(mem);
    return false;
}

const char *trace_reader_error(const TraceReader *r)
{
    return r->err;
}

bool trace_reader_truncated(const TraceReader *r)
{
    return zframe_reader_truncated(&r->zf);
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
    zframe_reader_fini(&r->zf);
    free(r);
}

bool trace_insn_is_prefix(uint8_t b)
{
    switch (b) {
    case 0xf2: case 0xf3: case 0x66: case 0x67: case 0x26: case 0x2e: case 0x36:
    case 0x3e: case 0x64: case 0x65: case 0xf0:
        return true;
    }
    return false;
}

bool trace_insn_is_rep_string(const uint8_t b[TRACE_INSN_BYTES])
{
    bool rep = false;
    int i = 0;
    for (; i < TRACE_INSN_BYTES && trace_insn_is_prefix(b[i]); i++)
        rep |= b[i] == 0xf2 || b[i] == 0xf3;
    if (i == TRACE_INSN_BYTES)
        return false;
    return rep && ((b[i] >= 0xa4 && b[i] <= 0xa7) || (b[i] >= 0xaa && b[i] <= 0xaf) ||
                   (b[i] >= 0x6c && b[i] <= 0x6f));
}

bool trace_step_is_new(TraceStep *st, uint64_t icount, uint32_t eip)
{
    bool same = st->have && eip == st->eip &&
                (icount == st->icount || trace_insn_is_rep_string(st->insn));
    st->have = true;
    st->icount = icount;
    st->eip = eip;
    return !same;
}
