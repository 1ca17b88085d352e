/*
 * The framed-file layer (src/util/zframe.c): frames come back as written
 * in both layouts (raw length + CRC of the raw bytes; caller's count +
 * CRC of the compressed bytes), a file cut anywhere reads as whole frames
 * then a clean or truncated end, and damage is an error naming the frame
 * and its byte offset.  Offsets are computed here from the layout
 * (16-byte header + clen), not taken from the reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/bytes.h"
#include "util/zframe.h"

static const ZFrameFormat raw_fmt = {
    .magic = 0x31323334u, .aux_is_raw_len = true, .crc_of_raw = true,
    .aux_max = 1u << 20, .raw_max = 1u << 20,
};

static const ZFrameFormat count_fmt = {
    .magic = 0x4d415246u, .aux_is_raw_len = false, .crc_of_raw = false,
    .aux_max = 100, .raw_max = 1u << 20,
};

/* Deterministic bytes: a fixed-seed xorshift, so frames do not compress
 * to nothing. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)x;
    }
}

static const size_t sizes[] = { 1, 17, 5000, 70000 };
#define NFRAMES 4

/* A file of NFRAMES frames with the sizes above; the header offset of
 * each frame and the file's length in offs[0..NFRAMES]. */
static FILE *make_file(const ZFrameFormat *fmt, long offs[NFRAMES + 1])
{
    FILE *f = tmpfile();
    assert_non_null(f);
    ZFrameWriter w;
    zframe_writer_init(&w, fileno(f), fmt);
    uint8_t *buf = malloc(70000);
    assert_non_null(buf);
    for (int i = 0; i < NFRAMES; i++) {
        fill(buf, sizes[i], (uint32_t)i);
        assert_int_equal(zframe_write(&w, (uint32_t)i + 1, buf, sizes[i]), 0);
    }
    assert_int_equal(w.frames, NFRAMES);
    zframe_writer_fini(&w);
    free(buf);
    /* Walk the headers independently of the reader. */
    long at = 0;
    uint8_t h[16];
    for (int i = 0; i < NFRAMES; i++) {
        offs[i] = at;
        assert_int_equal(pread(fileno(f), h, 16, at), 16);
        assert_int_equal(ld_le32(h), fmt->magic);
        at += 16 + ld_le32(h + 8);
    }
    offs[NFRAMES] = at;
    assert_int_equal(lseek(fileno(f), 0, SEEK_END), at);
    rewind(f);
    return f;
}

static void check_frames(FILE *f, const ZFrameFormat *fmt, int expect, bool truncated)
{
    ZFrameReader r;
    zframe_reader_init(&r, f, fmt);
    uint8_t *want = malloc(70000);
    assert_non_null(want);
    for (int i = 0; i < expect; i++) {
        uint32_t aux;
        const uint8_t *data;
        size_t len;
        assert_int_equal(zframe_read(&r, &aux, &data, &len), 1);
        assert_int_equal(len, sizes[i]);
        assert_int_equal(aux, fmt->aux_is_raw_len ? sizes[i] : (uint32_t)i + 1);
        fill(want, sizes[i], (uint32_t)i);
        assert_memory_equal(data, want, sizes[i]);
    }
    uint32_t aux;
    const uint8_t *data;
    size_t len;
    assert_int_equal(zframe_read(&r, &aux, &data, &len), 0);
    assert_int_equal(zframe_reader_truncated(&r), truncated);
    assert_int_equal(zframe_read(&r, &aux, &data, &len), 0);
    assert_int_equal(r.done, (unsigned)expect);
    zframe_reader_fini(&r);
    free(want);
}

static void test_round_trip(void **state)
{
    (void)state;
    long offs[NFRAMES + 1];
    FILE *f = make_file(&raw_fmt, offs);
    /* Raw-length layout: aux of frame 2 is its raw size. */
    uint8_t h[16];
    assert_int_equal(pread(fileno(f), h, 16, offs[2]), 16);
    assert_int_equal(ld_le32(h + 4), 5000);
    check_frames(f, &raw_fmt, NFRAMES, false);
    fclose(f);
    f = make_file(&count_fmt, offs);
    assert_int_equal(pread(fileno(f), h, 16, offs[2]), 16);
    assert_int_equal(ld_le32(h + 4), 3);
    check_frames(f, &count_fmt, NFRAMES, false);
    fclose(f);
}

static void test_write_limits(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    ZFrameWriter w;
    uint8_t b[4] = { 1, 2, 3, 4 };
    zframe_writer_init(&w, fileno(f), &count_fmt);
    assert_int_equal(zframe_write(&w, 1, b, 0), -EINVAL);
    assert_int_equal(zframe_write(&w, 0, b, 4), -EINVAL);
    assert_int_equal(zframe_write(&w, 101, b, 4), -EINVAL);
    assert_int_equal(zframe_write(&w, 100, b, 4), 0);
    zframe_writer_fini(&w);
    zframe_writer_init(&w, -1, &raw_fmt);
    uint8_t *big = calloc(1, (1u << 20) + 1);
    assert_non_null(big);
    assert_int_equal(zframe_write(&w, 0, big, (1u << 20) + 1), -EINVAL);
    /* A bad descriptor: write's errno comes back. */
    assert_int_equal(zframe_write(&w, 0, big, 10), -EBADF);
    zframe_writer_fini(&w);
    free(big);
    /* Only the one good frame reached the file, with its count. */
    uint8_t h[16];
    assert_int_equal(pread(fileno(f), h, 16, 0), 16);
    assert_int_equal(ld_le32(h + 4), 100);
    assert_int_equal(lseek(fileno(f), 0, SEEK_END), 16 + (long)ld_le32(h + 8));
    fclose(f);
}

/* Cut at every offset: whole frames, then a clean end exactly at a frame
 * boundary and a truncated one anywhere else; never an error. */
static void test_cut_everywhere(void **state)
{
    (void)state;
    long offs[NFRAMES + 1];
    FILE *src = make_file(&raw_fmt, offs);
    long len = offs[NFRAMES];
    uint8_t *d = malloc((size_t)len);
    assert_non_null(d);
    assert_int_equal(pread(fileno(src), d, (size_t)len, 0), len);
    fclose(src);
    /* Every byte in the small frames, a stride through the big one. */
    for (long cut = 0; cut <= len; cut += cut < offs[3] + 64 ? 1 : 997) {
        FILE *f = tmpfile();
        assert_non_null(f);
        assert_int_equal(fwrite(d, 1, (size_t)cut, f), (size_t)cut);
        rewind(f);
        int whole = 0;
        while (whole < NFRAMES && offs[whole + 1] <= cut)
            whole++;
        check_frames(f, &raw_fmt, whole, cut != offs[whole]);
        fclose(f);
    }
    free(d);
}

static bool last_truncated;
static int last_frames;

/* Reads f to its end; every frame it gives must be the one written. */
static int read_all(FILE *f, const ZFrameFormat *fmt, char *err, size_t errlen)
{
    ZFrameReader r;
    zframe_reader_init(&r, f, fmt);
    uint32_t aux;
    const uint8_t *data;
    size_t len;
    int n, i = 0;
    uint8_t *want = malloc(70000);
    assert_non_null(want);
    while ((n = zframe_read(&r, &aux, &data, &len)) == 1) {
        assert_true(i < NFRAMES);
        assert_int_equal(len, sizes[i]);
        fill(want, sizes[i], (uint32_t)i);
        assert_memory_equal(data, want, len);
        i++;
    }
    free(want);
    last_frames = i;
    last_truncated = zframe_reader_truncated(&r);
    snprintf(err, errlen, "%s", zframe_reader_error(&r));
    if (n < 0)
        assert_int_equal(zframe_read(&r, &aux, &data, &len), -1);
    zframe_reader_fini(&r);
    return n;
}

/* The file with byte at flipped (xor mask), read back to its end. */
static int damaged(const ZFrameFormat *fmt, long at, uint8_t mask, char *err, size_t errlen)
{
    long offs[NFRAMES + 1];
    FILE *f = make_file(fmt, offs);
    uint8_t b;
    assert_int_equal(pread(fileno(f), &b, 1, at), 1);
    b ^= mask;
    assert_int_equal(pwrite(fileno(f), &b, 1, at), 1);
    int n = read_all(f, fmt, err, errlen);
    fclose(f);
    return n;
}

static void test_corrupt(void **state)
{
    (void)state;
    long offs[NFRAMES + 1];
    FILE *f = make_file(&raw_fmt, offs);
    fclose(f);
    char err[256], want[128];

    /* Frame 1's magic. */
    assert_int_equal(damaged(&raw_fmt, offs[1], 0x01, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "frame 1 at offset %ld: bad frame header", offs[1]);
    assert_string_equal(err, want);
    /* Frame 2's CRC field (raw layout: checked after inflating). */
    assert_int_equal(damaged(&raw_fmt, offs[2] + 12, 0x80, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "frame 2 at offset %ld: CRC mismatch (corrupted)", offs[2]);
    assert_string_equal(err, want);
    /* Frame 2's raw length one more than it inflates to. */
    assert_int_equal(damaged(&raw_fmt, offs[2] + 4, 0x01, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "frame 2 at offset %ld: ", offs[2]);
    assert_memory_equal(err, want, strlen(want));
    /* A length beyond the cap. */
    assert_int_equal(damaged(&raw_fmt, offs[0] + 7, 0x40, err, sizeof(err)), -1);
    assert_string_equal(err, "frame 0 at offset 0: bad frame header");
    /* The compressed bytes of frame 3 in the count layout: the CRC over
     * them catches it before inflating. */
    FILE *g = make_file(&count_fmt, offs);
    fclose(g);
    assert_int_equal(damaged(&count_fmt, offs[3] + 100, 0x10, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "frame 3 at offset %ld: CRC mismatch (corrupted)", offs[3]);
    assert_string_equal(err, want);
    /* Count layout: aux 0 or over aux_max is a bad header. */
    assert_int_equal(damaged(&count_fmt, offs[0] + 4, 0x01, err, sizeof(err)), -1);
    assert_string_equal(err, "frame 0 at offset 0: bad frame header");
    /* Every single-bit flip in frame 1 (raw layout) is an error naming
     * frame 1, or, in its length fields, a truncated end; never frames
     * that differ from what was written (check_frames would see them). */
    f = make_file(&raw_fmt, offs);
    fclose(f);
    snprintf(want, sizeof(want), "frame 1 at offset %ld: ", offs[1]);
    int harmless = 0;
    for (long at = offs[1]; at < offs[2]; at++) {
        for (int bit = 0; bit < 8; bit++) {
            int n = damaged(&raw_fmt, at, (uint8_t)(1u << bit), err, sizeof(err));
            if (n == 0 && last_truncated) {
                /* Only a longer clen can look like a torn tail. */
                assert_true(at >= offs[1] + 8 && at < offs[1] + 12);
                assert_int_equal(last_frames, 1);
            } else if (n == 0) {
                /* A flip in the deflate stream's padding bits after its
                 * last block changes nothing read: the frames all came
                 * back as written (read_all compared them). */
                assert_int_equal(last_frames, NFRAMES);
                harmless++;
            } else {
                assert_int_equal(n, -1);
                assert_memory_equal(err, want, strlen(want));
                assert_null(strchr(err, '\n'));
            }
        }
    }
    /* Padding is under a byte's worth of bits. */
    assert_true(harmless < 8);
}

static void test_fail_message(void **state)
{
    (void)state;
    long offs[NFRAMES + 1];
    FILE *f = make_file(&count_fmt, offs);
    ZFrameReader r;
    zframe_reader_init(&r, f, &count_fmt);
    uint32_t aux;
    const uint8_t *data;
    size_t len;
    assert_int_equal(zframe_read(&r, &aux, &data, &len), 1);
    assert_int_equal(zframe_read(&r, &aux, &data, &len), 1);
    assert_int_equal(zframe_reader_fail(&r, "item %d is\nbad", 7), -1);
    char want[128];
    snprintf(want, sizeof(want), "frame 1 at offset %ld: item 7 is bad", offs[1]);
    assert_string_equal(zframe_reader_error(&r), want);
    assert_int_equal(zframe_read(&r, &aux, &data, &len), -1);
    zframe_reader_fini(&r);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_write_limits),
        cmocka_unit_test(test_cut_everywhere),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_fail_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
