/*
 * Trace format v2 (src/targets/i386/trace-format.c, docs/trace-format.md):
 * items of every kind come back as written, frames end where the format
 * says, and a damaged file is either a clean truncated end (the writer
 * died) or an error (corruption), never a wrong item.
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

#include "targets/i386/trace-format.h"
#include "util/bytes.h"

static char dir[64], path[128], path2[128];

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/trace-fmt-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/a.trace", dir);
    snprintf(path2, sizeof(path2), "%s/b.trace", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    unlink(path2);
    rmdir(dir);
    return 0;
}

static TraceWriter *wopen(void)
{
    char err[256];
    TraceWriter *w = trace_writer_open(path, "test:model", "prog arg", err, sizeof(err));
    assert_non_null(w);
    return w;
}

static TraceReader *ropen(const char *p)
{
    char err[256];
    TraceReader *r = trace_reader_open(p, err, sizeof(err));
    assert_non_null(r);
    return r;
}

static TraceRecord record(uint32_t i)
{
    TraceRecord rec;
    memset(&rec, 0, sizeof(rec));
    rec.eip = 0x8048000 + i;
    for (int k = 0; k < 8; k++)
        rec.regs[k] = i * 8 + (uint32_t)k;
    rec.eflags = 0x202;
    rec.fs_base = i ^ 0x55;
    rec.gs_base = 0xf7ff0000u + i;
    rec.insn[0] = (uint8_t)i;
    rec.insn[15] = 0xc3;
    return rec;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static void test_every_kind(void **state)
{
    (void)state;
    TraceWriter *w = wopen();
    TraceRecord rec = record(7);
    uint8_t fx[TRACE_FXSAVE_BYTES];
    fill(fx, sizeof(fx), 1);
    uint8_t a[40], b[3];
    fill(a, sizeof(a), 2);
    fill(b, sizeof(b), 3);
    TraceSyscallMem mem[3] = {
        { 0x1000, sizeof(a), a }, { 0x2000, 0, NULL }, { 0x3000, sizeof(b), b },
    };
    TraceSyscall sc = { 3, 40, 3, mem };
    uint32_t nondet[5] = { 0x0fa2, 1, 2, 3, 4 };
    enum { STACK_LEN = 8 + 200 * 1024 + 3 };
    uint8_t *stack = malloc(STACK_LEN);
    assert_non_null(stack);
    fill(stack, STACK_LEN, 4);
    st_le32(stack, 0xfffdd000u);
    st_le32(stack + 4, 0xfffdd000u + STACK_LEN - 8);

    assert_int_equal(trace_writer_add_item(w, TRACE_ITEM_STACK, stack, STACK_LEN), 0);
    assert_int_equal(trace_writer_add_item(w, TRACE_ITEM_FPU, fx, sizeof(fx)), 0);
    assert_int_equal(trace_writer_add(w, &rec), 0);
    assert_int_equal(trace_writer_add_syscall(w, &sc), 0);
    assert_int_equal(trace_writer_add_item(w, TRACE_ITEM_NONDET, nondet, sizeof(nondet)), 0);
    assert_int_equal(trace_writer_add_item(w, 99, NULL, 0), 0);
    rec = record(8);
    assert_int_equal(trace_writer_add(w, &rec), 0);
    assert_int_equal(trace_writer_close(w), 0);

    TraceReader *r = ropen(path);
    assert_string_equal(trace_reader_model(r), "test:model");
    assert_string_equal(trace_reader_cmdline(r), "prog arg");
    TraceItem it;
    assert_int_equal(trace_reader_next_item(r, &it), 1);
    assert_int_equal(it.kind, TRACE_ITEM_STACK);
    assert_int_equal(it.len, STACK_LEN);
    assert_memory_equal(it.data, stack, STACK_LEN);
    assert_int_equal(trace_reader_next_item(r, &it), 1);
    assert_int_equal(it.kind, TRACE_ITEM_FPU);
    assert_int_equal(it.len, sizeof(fx));
    assert_memory_equal(it.data, fx, sizeof(fx));
    assert_int_equal(trace_reader_next_item(r, &it), 1);
    assert_int_equal(it.kind, TRACE_ITEM_INSN);
    rec = record(7);
    assert_int_equal(it.len, sizeof(rec));
    assert_memory_equal(it.data, &rec, sizeof(rec));
    assert_int_equal(trace_reader_next_item(r, &it), 1);
    TraceSyscall got;
    assert_true(trace_item_parse_syscall(&it, &got));
    assert_int_equal(got.nr, 3);
    assert_int_equal(got.result, 40);
    assert_int_equal(got.count, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(got.mem[i].addr, mem[i].addr);
        assert_int_equal(got.mem[i].len, mem[i].len);
        if (mem[i].len)
            assert_memory_equal(got.mem[i].bytes, mem[i].bytes, mem[i].len);
    }
    free(got.mem);
    /* A syscall item cut short or with slack is malformed. */
    TraceItem bad = it;
    bad.len--;
    assert_false(trace_item_parse_syscall(&bad, &got));
    assert_int_equal(trace_reader_next_item(r, &it), 1);
    assert_int_equal(it.kind, TRACE_ITEM_NONDET);
    assert_memory_equal(it.data, nondet, sizeof(nondet));
    assert_false(trace_item_parse_syscall(&it, &got));
    assert_int_equal(trace_reader_next_item(r, &it), 1);
    assert_int_equal(it.kind, 99);
    assert_int_equal(it.len, 0);
    assert_int_equal(trace_reader_next_item(r, &it), 1);
    rec = record(8);
    assert_memory_equal(it.data, &rec, sizeof(rec));
    assert_int_equal(trace_reader_next_item(r, &it), 0);
    assert_false(trace_reader_truncated(r));
    trace_reader_close(r);
    free(stack);
}

/* Walks the frame headers: the item count of each frame. */
static int frames(const char *p, uint32_t *counts, int max, long *ends)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    uint8_t h[16];
    assert_int_equal(fread(h, 16, 1, f), 1);
    for (int s = 0; s < 2; s++) {
        assert_int_equal(fread(h, 4, 1, f), 1);
        fseek(f, ld_le32(h), SEEK_CUR);
    }
    int n = 0;
    while (fread(h, 16, 1, f) == 1) {
        assert_int_equal(ld_le32(h), TRACE_FRAME_MAGIC);
        assert_true(n < max);
        counts[n] = ld_le32(h + 4);
        fseek(f, ld_le32(h + 8), SEEK_CUR);
        if (ends)
            ends[n] = ftell(f);
        n++;
    }
    fclose(f);
    return n;
}

static void test_frames(void **state)
{
    (void)state;
    TraceWriter *w = wopen();
    uint32_t i = 0;
    for (; i < TRACE_FRAME_ITEMS + 5; i++) {
        TraceRecord rec = record(i);
        assert_int_equal(trace_writer_add(w, &rec), 0);
    }
    assert_int_equal(trace_writer_flush(w), 0);
    assert_int_equal(trace_writer_flush(w), 0);   /* nothing buffered: no frame */
    uint32_t nondet[5] = { 0x0f31, 1, 2, 3, 4 };
    assert_int_equal(trace_writer_add_item(w, TRACE_ITEM_NONDET, nondet, sizeof(nondet)), 0);
    /* A STACK item bigger than a frame's worth ends its frame at once. */
    uint32_t big = TRACE_FRAME_BYTES + 100;
    uint8_t *p = calloc(1, big);
    assert_non_null(p);
    assert_int_equal(trace_writer_add_item(w, TRACE_ITEM_STACK, p, big), 0);
    assert_int_equal(trace_writer_add_item(w, TRACE_ITEM_STACK, p, TRACE_ITEM_MAX + 1), -EINVAL);
    free(p);
    TraceRecord rec = record(i++);
    assert_int_equal(trace_writer_add(w, &rec), 0);
    assert_int_equal(trace_writer_close(w), 0);

    uint32_t counts[8];
    assert_int_equal(frames(path, counts, 8, NULL), 4);
    assert_int_equal(counts[0], TRACE_FRAME_ITEMS);
    assert_int_equal(counts[1], 5);
    assert_int_equal(counts[2], 2);
    assert_int_equal(counts[3], 1);

    /* trace_reader_next gives the records only, in order. */
    TraceReader *r = ropen(path);
    TraceRecord got;
    for (uint32_t k = 0; k < i; k++) {
        assert_int_equal(trace_reader_next(r, &got), 1);
        rec = record(k);
        assert_memory_equal(&got, &rec, sizeof(rec));
    }
    assert_int_equal(trace_reader_next(r, &got), 0);
    assert_false(trace_reader_truncated(r));
    trace_reader_close(r);
}

static uint8_t *slurp(const char *p, long *len)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    uint8_t *d = malloc((size_t)*len);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)*len, f), (size_t)*len);
    fclose(f);
    return d;
}

static void spit(const char *p, const uint8_t *d, long len)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, (size_t)len, f), (size_t)len);
    fclose(f);
}

/* Three short frames of 3, 2 and 4 items. */
static void small_trace(void)
{
    TraceWriter *w = wopen();
    uint32_t per[3] = { 3, 2, 4 }, k = 0;
    for (int f = 0; f < 3; f++) {
        for (uint32_t j = 0; j < per[f]; j++) {
            TraceRecord rec = record(k++);
            assert_int_equal(trace_writer_add(w, &rec), 0);
        }
        assert_int_equal(trace_writer_flush(w), 0);
    }
    assert_int_equal(trace_writer_close(w), 0);
}

static void test_truncated_everywhere(void **state)
{
    (void)state;
    small_trace();
    uint32_t counts[3];
    long ends[3];
    assert_int_equal(frames(path, counts, 3, ends), 3);
    long len;
    uint8_t *d = slurp(path, &len);
    long head = 16;
    {
        /* The first frame starts after the header's two strings. */
        FILE *f = fopen(path, "rb");
        uint8_t h[16];
        assert_int_equal(fread(h, 16, 1, f), 1);
        for (int s = 0; s < 2; s++) {
            assert_int_equal(fread(h, 4, 1, f), 1);
            head += 4 + ld_le32(h);
            fseek(f, ld_le32(h), SEEK_CUR);
        }
        fclose(f);
    }
    for (long cut = 0; cut <= len; cut++) {
        spit(path2, d, cut);
        char err[256];
        TraceReader *r = trace_reader_open(path2, err, sizeof(err));
        if (cut < head) {
            assert_null(r);
            continue;
        }
        assert_non_null(r);
        uint32_t expect = 0;
        bool boundary = cut == head;
        for (int f = 0; f < 3; f++) {
            if (ends[f] <= cut)
                expect += counts[f];
            boundary |= ends[f] == cut;
        }
        TraceRecord got;
        uint32_t n = 0;
        int rc;
        while ((rc = trace_reader_next(r, &got)) == 1) {
            TraceRecord rec = record(n++);
            assert_memory_equal(&got, &rec, sizeof(rec));
        }
        assert_int_equal(rc, 0);
        assert_int_equal(n, expect);
        assert_int_equal(trace_reader_truncated(r), !boundary);
        trace_reader_close(r);
    }
    free(d);
}

static void expect_error(const char *needle)
{
    TraceReader *r = ropen(path2);
    TraceRecord got;
    int rc;
    while ((rc = trace_reader_next(r, &got)) == 1)
        ;
    assert_int_equal(rc, -1);
    const char *e = trace_reader_error(r);
    assert_non_null(strstr(e, needle));
    assert_null(strchr(e, '\n'));
    assert_non_null(strstr(e, "offset"));
    trace_reader_close(r);
}

static void test_corrupt(void **state)
{
    (void)state;
    small_trace();
    uint32_t counts[3];
    long ends[3];
    assert_int_equal(frames(path, counts, 3, ends), 3);
    long len;
    uint8_t *d = slurp(path, &len);

    /* A bit flipped in the second frame's data: its CRC fails. */
    d[ends[1] - 3] ^= 0x10;
    spit(path2, d, len);
    expect_error("frame 1 at offset");
    expect_error("CRC");
    d[ends[1] - 3] ^= 0x10;

    /* The third frame announces one item more than it holds. */
    long h3 = ends[1];
    st_le32(d + h3 + 4, counts[2] + 1);
    spit(path2, d, len);
    expect_error("frame 2");
    st_le32(d + h3 + 4, TRACE_FRAME_ITEMS + 1);
    spit(path2, d, len);
    expect_error("bad frame header");
    st_le32(d + h3 + 4, counts[2]);
    d[h3] ^= 1;
    spit(path2, d, len);
    expect_error("bad frame header");
    d[h3] ^= 1;

    /* Version 1 files are refused with a clear message. */
    st_le32(d + 8, 1);
    spit(path2, d, len);
    char err[256];
    assert_null(trace_reader_open(path2, err, sizeof(err)));
    assert_non_null(strstr(err, "trace format version 1, this reader reads 2"));
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind),
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_corrupt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
