/*
 * Framed, zlib-compressed files (zframe.h has the layout and the
 * guarantees).  The reader never trusts a length before it has checked
 * it against the format's caps and against what is left of the file, and
 * inflates into a buffer that grows as data comes, so a small damaged
 * frame never makes it allocate much.
 */
#include "util/zframe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/bytes.h"

/* Frames stored without deflating after one that did not compress. */
#define ZFRAME_RETRY 7

void zframe_writer_init(ZFrameWriter *w, int fd, const ZFrameFormat *fmt)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->fmt = fmt;
}

/* compress2 with a strategy: one zlib stream of src into dst (*dlen in:
 * room, out: length).  0 or -1. */
static int deflate_frame(uint8_t *dst, uLongf *dlen, const void *src, size_t len, int level,
                         int strategy)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, level, Z_DEFLATED, 15, 8, strategy) != Z_OK)
        return -1;
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)len;
    zs.next_out = dst;
    zs.avail_out = (uInt)*dlen;
    int r = deflate(&zs, Z_FINISH);
    *dlen = zs.total_out;
    deflateEnd(&zs);
    return r == Z_STREAM_END ? 0 : -1;
}

int zframe_write(ZFrameWriter *w, uint32_t aux, const void *data, size_t len)
{
    const ZFrameFormat *fmt = w->fmt;
    if (len == 0 || len > fmt->raw_max || len > UINT32_MAX)
        return -EINVAL;
    if (fmt->aux_is_raw_len)
        aux = (uint32_t)len;
    if (aux == 0 || aux > fmt->aux_max)
        return -EINVAL;
    uLong bound = compressBound((uLong)len);
    if (ZFRAME_HEAD + bound > w->cap) {
        uint8_t *b = realloc(w->buf, ZFRAME_HEAD + bound);
        if (!b)
            return -ENOMEM;
        w->buf = b;
        w->cap = ZFRAME_HEAD + bound;
    }
    uint8_t *z = w->buf + ZFRAME_HEAD;
    uLongf clen = bound;
    /* Data that did not compress (random bytes a program read) is stored
     * for a while instead of deflated again: the same zlib stream, at a
     * fraction of the cost.  Every ZFRAME_RETRY-th frame tries again. */
    int level = Z_BEST_SPEED;
    if (w->stored_run > 0) {
        level = Z_NO_COMPRESSION;
        w->stored_run--;
    }
    if (deflate_frame(z, &clen, data, len, level,
                      w->fmt->huffman_only ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY) != 0)
        return -ENOMEM;
    if (level == Z_BEST_SPEED && clen > len - len / 16)
        w->stored_run = ZFRAME_RETRY;
    uint32_t crc = fmt->crc_of_raw ? (uint32_t)crc32(0, data, (uInt)len)
                                   : (uint32_t)crc32(0, z, (uInt)clen);
    st_le32(w->buf, fmt->magic);
    st_le32(w->buf + 4, aux);
    st_le32(w->buf + 8, (uint32_t)clen);
    st_le32(w->buf + 12, crc);
    /* One write() for the whole frame: a writer killed now leaves either
     * nothing of it or a prefix, which the reader sees as a torn tail. */
    size_t total = ZFRAME_HEAD + clen, off = 0;
    while (off < total) {
        ssize_t n = write(w->fd, w->buf + off, total - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        off += (size_t)n;
    }
    w->frames++;
    return 0;
}

void zframe_writer_fini(ZFrameWriter *w)
{
    free(w->buf);
    w->buf = NULL;
    w->cap = 0;
}

void zframe_reader_init(ZFrameReader *r, FILE *f, const ZFrameFormat *fmt)
{
    memset(r, 0, sizeof(*r));
    r->f = f;
    r->fmt = fmt;
    r->offset = -1;
}

int zframe_reader_fail(ZFrameReader *r, const char *fmt, ...)
{
    int n = snprintf(r->err, sizeof(r->err), "frame %u at offset %ld: ", r->frame, r->offset);
    if (n < 0 || (size_t)n >= sizeof(r->err))
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
    va_end(ap);
    /* The message is one line whatever the caller put in it. */
    for (char *p = r->err; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return -1;
}

/* Inflates exactly one zlib stream of clen bytes into r->buf, at most
 * limit bytes; the inflated length, or -1 if the data is bad. */
static long inflate_frame(ZFrameReader *r, const uint8_t *z, uint32_t clen, size_t limit)
{
    z_stream s;
    memset(&s, 0, sizeof(s));
    if (inflateInit(&s) != Z_OK)
        return -1;
    s.next_in = (Bytef *)z;
    s.avail_in = clen;
    size_t len = 0;
    int zr = Z_OK;
    while (zr == Z_OK) {
        /* One byte over the limit lets a stream that ends exactly at
         * the limit finish, and shows one that goes past it. */
        if (len == r->cap) {
            if (r->cap > limit)
                break;
            size_t cap = r->cap ? r->cap * 2 : 64 * 1024;
            if (cap > limit + 1)
                cap = limit + 1;
            uint8_t *b = realloc(r->buf, cap);
            if (!b)
                break;
            r->buf = b;
            r->cap = cap;
        }
        s.next_out = r->buf + len;
        s.avail_out = (uInt)(r->cap - len);
        zr = inflate(&s, Z_NO_FLUSH);
        len = r->cap - s.avail_out;
    }
    inflateEnd(&s);
    if (zr != Z_STREAM_END || s.avail_in != 0 || len > limit)
        return -1;
    return (long)len;
}

int zframe_read(ZFrameReader *r, uint32_t *aux, const uint8_t **data, size_t *len)
{
    const ZFrameFormat *fmt = r->fmt;
    if (r->err[0])
        return -1;
    if (r->truncated || feof(r->f))
        return 0;
    long at = ftell(r->f);
    r->frame = r->done;
    r->offset = at;
    uint8_t h[ZFRAME_HEAD];
    size_t got = fread(h, 1, ZFRAME_HEAD, r->f);
    if (got == 0)
        return 0;
    if (got < ZFRAME_HEAD) {
        r->truncated = true;
        return 0;
    }
    uint32_t a = ld_le32(h + 4), clen = ld_le32(h + 8);
    size_t raw_max = fmt->aux_is_raw_len && a < fmt->raw_max ? a : fmt->raw_max;
    if (ld_le32(h) != fmt->magic || a == 0 || a > fmt->aux_max || clen == 0 ||
        clen > compressBound((uLong)raw_max))
        return zframe_reader_fail(r, "bad frame header");
    /* A frame longer than the rest of the file was cut short by the
     * writer dying: no need to allocate for it. */
    struct stat st;
    if (fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode) &&
        (off_t)clen > st.st_size - (at + ZFRAME_HEAD)) {
        r->truncated = true;
        return 0;
    }
    uint8_t *z = malloc(clen);
    if (!z)
        return zframe_reader_fail(r, "out of memory");
    if (fread(z, 1, clen, r->f) != clen) {
        free(z);
        r->truncated = true;
        return 0;
    }
    if (!fmt->crc_of_raw && (uint32_t)crc32(0, z, clen) != ld_le32(h + 12)) {
        free(z);
        return zframe_reader_fail(r, "CRC mismatch (corrupted)");
    }
    long n = inflate_frame(r, z, clen, raw_max);
    free(z);
    if (n < 0)
        return zframe_reader_fail(r, "bad compressed data (corrupted)");
    if (fmt->aux_is_raw_len && (uint32_t)n != a)
        return zframe_reader_fail(r, "inflates to %ld bytes, header says %u", n, a);
    if (fmt->crc_of_raw && (uint32_t)crc32(0, r->buf, (uInt)n) != ld_le32(h + 12))
        return zframe_reader_fail(r, "CRC mismatch (corrupted)");
    r->done++;
    *aux = a;
    *data = r->buf;
    *len = (size_t)n;
    return 1;
}

void zframe_reader_fini(ZFrameReader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
}
