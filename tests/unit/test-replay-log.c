/*
 * The replay log (src/replay/replay-log.c, docs/replay-format.md): every
 * event kind comes back as written, frames end at flushes, a log cut
 * anywhere reads up to its last complete frame, damage is an error
 * naming the frame and its offset, a wrong magic or version is refused,
 * and a writer killed with SIGKILL leaves a readable log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "replay/replay-log.h"
#include "util/bytes.h"

static char dir[64], path[128], path2[128];

static void fill_edges(void);

static int setup(void **state)
{
    (void)state;
    fill_edges();
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/replay-log-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/a.rr", dir);
    snprintf(path2, sizeof(path2), "%s/b.rr", dir);
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

static const ReplayLogHeader hdr = {
    .mimic_version = "0.1-test", .target = "i386", .cmdline = "prog a 'b c'",
    .config_hash = 0xfedcba9876543210ull, .checkpoint_interval = 1000000,
};

static ReplayLogWriter *wcreate(const char *p)
{
    char err[256];
    ReplayLogWriter *w = replay_log_create(p, &hdr, err, sizeof(err));
    assert_non_null(w);
    return w;
}

static ReplayLogReader *ropen(const char *p)
{
    char err[256];
    ReplayLogReader *r = replay_log_open(p, err, sizeof(err));
    if (!r)
        print_error("%s\n", err);
    assert_non_null(r);
    return r;
}

static uint8_t *slurp(const char *p, long *len)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    uint8_t *d = malloc((size_t)*len + 1);
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

/* ---- a fixed sample of every kind ---- */

static const uint8_t mem_a[3] = { 0xde, 0xad, 0x00 };
static const uint8_t rnd16[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const ReplayMem pieces[3] = {
    { .addr = 0xbfff0000u, .len = 3, .bytes = mem_a },
    { .addr = 0xffffffffffffffffull, .len = 0, .bytes = NULL },
    { .addr = 0x1000, .len = 16, .bytes = rnd16 },
};

/* A 4096-byte register image, a 4096-byte path and a small stack: the
 * version 2 payloads at their edge lengths. */
static uint8_t regs4k[REPLAY_REGS_MAX];
static char path4k[REPLAY_PATH_MAX];
static const uint8_t stack24[24] = { 2, 0, 0, 0, 0x10, 0xf0, 0xff, 0xbf, 0x14, 0xf0, 0xff, 0xbf,
                                     0, 0, 0, 0, 6, 0, 0, 0, 0, 0x10, 0, 0 };

static void fill_edges(void)
{
    for (size_t i = 0; i < sizeof(regs4k); i++)
        regs4k[i] = (uint8_t)(i * 31 + 7);
    for (size_t i = 0; i < sizeof(path4k); i++)
        path4k[i] = i == 0 ? '/' : (char)('a' + i % 26);
}

#define NSAMPLE 13

static ReplayEvent sample(int i)
{
    ReplayEvent ev;
    memset(&ev, 0, sizeof(ev));
    ev.tid = 100 + (uint32_t)i;
    ev.icount = (uint64_t)i * 1000;
    switch (i) {
    case 0:
        ev.kind = REPLAY_EV_RANDOM;   /* AT_RANDOM */
        ev.u.random.len = 16;
        ev.u.random.bytes = rnd16;
        break;
    case 1:
        ev.kind = REPLAY_EV_SYSCALL;  /* no memory written */
        ev.u.syscall.nr = 20;
        ev.u.syscall.result = 4242;
        break;
    case 10:
        ev.kind = REPLAY_EV_STACK;
        ev.u.stack.sp = 0xbffff000u;
        ev.u.stack.auxv_addr = 0xbffff010u;
        ev.u.stack.auxv_len = 8;
        ev.u.stack.path = "/bin/a b";
        ev.u.stack.path_len = 8;
        ev.u.stack.len = sizeof(stack24);
        ev.u.stack.bytes = stack24;
        break;
    case 11:
        ev.kind = REPLAY_EV_CHECKPOINT;   /* no register image */
        ev.u.checkpoint.pc = 1;
        break;
    case 12:
        ev.kind = REPLAY_EV_STACK;        /* longest path, empty stack */
        ev.u.stack.sp = UINT64_MAX;
        ev.u.stack.path = path4k;
        ev.u.stack.path_len = REPLAY_PATH_MAX;
        break;
    case 2:
        ev.kind = REPLAY_EV_SYSCALL;  /* three pieces, one empty */
        ev.u.syscall.nr = 3;
        ev.u.syscall.result = 0xfffffff2u;    /* -EFAULT as a u32 register */
        for (int k = 0; k < 6; k++)
            ev.u.syscall.args[k] = k == 5 ? UINT64_MAX : 0x11u * (uint64_t)(k + 1);
        ev.u.syscall.has_out_hash = 1;
        ev.u.syscall.out_hash = 0x0123456789abcdefull;
        ev.u.syscall.count = 3;
        ev.u.syscall.mem = pieces;
        break;
    case 3:
        ev.kind = REPLAY_EV_NONDET;
        ev.u.nondet.opcode = REPLAY_NONDET_CPUID;
        ev.u.nondet.regs[0] = 0x16;
        ev.u.nondet.regs[1] = 0x6c65746e;
        ev.u.nondet.regs[2] = 0x49656e69;
        ev.u.nondet.regs[3] = 0x756e6547;
        break;
    case 4:
        ev.kind = REPLAY_EV_NONDET;
        ev.u.nondet.opcode = REPLAY_NONDET_RDTSC;
        ev.u.nondet.regs[0] = 0xffffffffu;
        break;
    case 5:
        ev.kind = REPLAY_EV_SIGNAL;
        ev.u.signal.signo = 10;
        for (int k = 0; k < REPLAY_SIGINFO_BYTES; k++)
            ev.u.signal.info[k] = (uint8_t)(255 - k);
        break;
    case 6:
        ev.kind = REPLAY_EV_SWITCH;
        ev.u.sw.next_tid = 4096;
        break;
    case 7:
        ev.kind = REPLAY_EV_CHECKPOINT;
        ev.icount = UINT64_MAX;
        ev.u.checkpoint.pc = 0x8048000;
        ev.u.checkpoint.cpu_hash = 0x0123456789abcdefull;
        ev.u.checkpoint.mem_hash = UINT64_MAX;
        ev.u.checkpoint.regs_len = REPLAY_REGS_MAX;
        ev.u.checkpoint.regs = regs4k;
        break;
    case 8:
        ev.kind = REPLAY_EV_EXIT;
        ev.u.exit.code = 3;
        break;
    case 9:
        ev.kind = REPLAY_EV_EXIT;
        ev.u.exit.killed = true;
        ev.u.exit.code = 9;
        break;
    }
    return ev;
}

/* Field by field: the read event's pointers point into the reader. */
static void assert_event_equal(const ReplayEvent *a, const ReplayEvent *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->tid, b->tid);
    assert_true(a->icount == b->icount);
    switch (a->kind) {
    case REPLAY_EV_SYSCALL:
        assert_int_equal(a->u.syscall.nr, b->u.syscall.nr);
        for (int i = 0; i < 6; i++)
            assert_true(a->u.syscall.args[i] == b->u.syscall.args[i]);
        assert_true(a->u.syscall.result == b->u.syscall.result);
        assert_int_equal(a->u.syscall.has_out_hash, b->u.syscall.has_out_hash);
        assert_true(a->u.syscall.out_hash == b->u.syscall.out_hash);
        assert_int_equal(a->u.syscall.count, b->u.syscall.count);
        for (uint32_t i = 0; i < a->u.syscall.count; i++) {
            const ReplayMem *x = &a->u.syscall.mem[i], *y = &b->u.syscall.mem[i];
            assert_true(x->addr == y->addr);
            assert_int_equal(x->len, y->len);
            if (x->len)
                assert_memory_equal(x->bytes, y->bytes, x->len);
        }
        break;
    case REPLAY_EV_RANDOM:
        assert_int_equal(a->u.random.len, b->u.random.len);
        if (a->u.random.len)
            assert_memory_equal(a->u.random.bytes, b->u.random.bytes, a->u.random.len);
        break;
    case REPLAY_EV_CHECKPOINT:
        assert_true(a->u.checkpoint.pc == b->u.checkpoint.pc);
        assert_true(a->u.checkpoint.cpu_hash == b->u.checkpoint.cpu_hash);
        assert_true(a->u.checkpoint.mem_hash == b->u.checkpoint.mem_hash);
        assert_int_equal(a->u.checkpoint.regs_len, b->u.checkpoint.regs_len);
        if (a->u.checkpoint.regs_len)
            assert_memory_equal(a->u.checkpoint.regs, b->u.checkpoint.regs,
                                a->u.checkpoint.regs_len);
        break;
    case REPLAY_EV_STACK:
        assert_true(a->u.stack.sp == b->u.stack.sp);
        assert_true(a->u.stack.auxv_addr == b->u.stack.auxv_addr);
        assert_int_equal(a->u.stack.auxv_len, b->u.stack.auxv_len);
        assert_int_equal(a->u.stack.path_len, b->u.stack.path_len);
        if (a->u.stack.path_len)
            assert_memory_equal(a->u.stack.path, b->u.stack.path, a->u.stack.path_len);
        assert_int_equal(a->u.stack.len, b->u.stack.len);
        if (a->u.stack.len)
            assert_memory_equal(a->u.stack.bytes, b->u.stack.bytes, a->u.stack.len);
        break;
    default:
        /* The other kinds hold no pointers: compare the union whole
         * (sample() and the reader both start from zeroed events). */
        assert_memory_equal(&a->u, &b->u, sizeof(a->u));
        break;
    }
}

/* The sample, in frames of 3, 3 and 7 events (flushed at 3 and 6). */
static void small_log(const char *p)
{
    ReplayLogWriter *w = wcreate(p);
    for (int i = 0; i < NSAMPLE; i++) {
        ReplayEvent ev = sample(i);
        assert_int_equal(replay_log_put(w, &ev), 0);
        if (i == 2 || i == 5)
            assert_int_equal(replay_log_flush(w), 0);
    }
    assert_int_equal(replay_log_flush(w), 0);
    assert_int_equal(replay_log_flush(w), 0);     /* nothing buffered: no frame */
    assert_int_equal(replay_log_close(w), 0);
}

static void test_round_trip(void **state)
{
    (void)state;
    small_log(path);
    ReplayLogReader *r = ropen(path);
    const ReplayLogHeader *h = replay_log_header(r);
    assert_int_equal(h->version, 2);
    assert_string_equal(h->mimic_version, "0.1-test");
    assert_string_equal(h->target, "i386");
    assert_string_equal(h->cmdline, "prog a 'b c'");
    assert_true(h->config_hash == 0xfedcba9876543210ull);
    assert_true(h->checkpoint_interval == 1000000);
    ReplayEvent ev;
    for (int i = 0; i < NSAMPLE; i++) {
        assert_int_equal(replay_log_next(r, &ev), 1);
        ReplayEvent want = sample(i);
        assert_event_equal(&ev, &want);
    }
    assert_int_equal(replay_log_next(r, &ev), 0);
    assert_false(replay_log_truncated(r));
    assert_int_equal(replay_log_frames(r), 3);
    assert_int_equal(replay_log_next(r, &ev), 0);
    replay_log_close_reader(r);

    /* The header's bytes as docs/replay-format.md gives them. */
    long len;
    uint8_t *d = slurp(path, &len);
    assert_memory_equal(d, "MIMICRR\0", 8);
    assert_int_equal(ld_le32(d + 8), 2);
    uint32_t hl = ld_le32(d + 12);
    assert_int_equal(hl, 16 + 12 + 8 + 4 + 12 + 16 + 4);
    assert_int_equal(ld_le32(d + 16), 8);
    assert_memory_equal(d + 20, "0.1-test", 8);
    assert_int_equal(ld_le32(d + hl), REPLAY_FRAME_MAGIC);
    free(d);
}

static void test_format(void **state)
{
    (void)state;
    char line[512];
    ReplayEvent ev = sample(2);
    replay_event_format(&ev, line, sizeof(line));
    assert_string_equal(line, "icount=2000 tid=102 syscall nr=3 "
                              "args=0x11,0x22,0x33,0x44,0x55,0xffffffffffffffff "
                              "result=0xfffffff2 out=0123456789abcdef writes=3 "
                              "[0xbfff0000+3 dead00] [0xffffffffffffffff+0 ] "
                              "[0x1000+16 0102030405060708090a0b0c0d0e0f10]");
    ev = sample(1);
    replay_event_format(&ev, line, sizeof(line));
    assert_string_equal(line, "icount=1000 tid=101 syscall nr=20 args=0x0,0x0,0x0,0x0,0x0,0x0 "
                              "result=0x1092 writes=0");
    ev = sample(3);
    replay_event_format(&ev, line, sizeof(line));
    assert_string_equal(line, "icount=3000 tid=103 nondet cpuid=0x0fa2 eax=0x00000016 "
                              "ecx=0x6c65746e edx=0x49656e69 ebx=0x756e6547");
    ev = sample(7);
    replay_event_format(&ev, line, sizeof(line));
    assert_string_equal(line, "icount=18446744073709551615 tid=107 checkpoint pc=0x8048000 "
                              "cpu=0123456789abcdef mem=ffffffffffffffff regs_len=4096");
    ev = sample(9);
    replay_event_format(&ev, line, sizeof(line));
    assert_string_equal(line, "icount=9000 tid=109 exit signal=9");
    ev = sample(10);
    replay_event_format(&ev, line, sizeof(line));
    assert_string_equal(line, "icount=10000 tid=110 stack sp=0xbffff000 auxv=0xbffff010+8 "
                              "path=/bin/a\\x20b len=24");
    /* A 4096-byte path: cut at the buffer's end, still terminated. */
    ev = sample(12);
    replay_event_format(&ev, line, sizeof(line));
    assert_int_equal(strlen(line), sizeof(line) - 1);
    assert_memory_equal(line, "icount=12000 tid=112 stack sp=0xffffffffffffffff auxv=0x0+0 "
                              "path=/bcdefghijk", 76);
    ev = sample(6);
    replay_event_format(&ev, line, 12);
    assert_string_equal(line, "icount=6000");
    ev = sample(5);
    replay_event_format(&ev, line, sizeof(line));
    assert_string_equal(line, "icount=5000 tid=105 signal signo=10 "
                              "info=fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0...");
    assert_string_equal(replay_event_name(0), "?");
    assert_string_equal(replay_event_name(REPLAY_EV_SWITCH), "switch");
    assert_string_equal(replay_event_name(REPLAY_EV_STACK), "stack");
    assert_string_equal(replay_event_name(REPLAY_EV_KINDS), "?");
}

static void test_put_limits(void **state)
{
    (void)state;
    ReplayLogWriter *w = wcreate(path);
    ReplayEvent ev = sample(0);
    ev.kind = 0;
    assert_int_equal(replay_log_put(w, &ev), -EINVAL);
    ev.kind = REPLAY_EV_KINDS;
    assert_int_equal(replay_log_put(w, &ev), -EINVAL);
    ev = sample(0);
    ev.u.random.len = REPLAY_PAYLOAD_MAX + 1;   /* refused before reading bytes */
    assert_int_equal(replay_log_put(w, &ev), -EINVAL);
    ev = sample(2);
    ev.u.syscall.has_out_hash = 2;
    assert_int_equal(replay_log_put(w, &ev), -EINVAL);
    ev = sample(7);
    ev.u.checkpoint.regs_len = REPLAY_REGS_MAX + 1;
    assert_int_equal(replay_log_put(w, &ev), -EINVAL);
    ev = sample(12);
    ev.u.stack.path_len = REPLAY_PATH_MAX + 1;
    assert_int_equal(replay_log_put(w, &ev), -EINVAL);
    ev = sample(10);
    ev.u.stack.len = REPLAY_PAYLOAD_MAX - 28 - 8 + 1;   /* one byte over, with the path */
    assert_int_equal(replay_log_put(w, &ev), -EINVAL);
    assert_int_equal(replay_log_close(w), 0);
    ReplayLogReader *r = ropen(path);
    assert_int_equal(replay_log_next(r, &ev), 0);
    assert_int_equal(replay_log_frames(r), 0);
    replay_log_close_reader(r);
}

/* Many frames: flushes every 100 events, and one event bigger than a
 * frame's worth ends its frame at once. */
static void test_many_frames(void **state)
{
    (void)state;
    ReplayLogWriter *w = wcreate(path);
    size_t big = 3u << 20;
    uint8_t *blob = malloc(big);
    assert_non_null(blob);
    for (size_t i = 0; i < big; i++)
        blob[i] = (uint8_t)(i * 7 + (i >> 12));
    for (uint32_t i = 0; i < 5000; i++) {
        ReplayEvent ev = { .kind = REPLAY_EV_SWITCH, .tid = i, .icount = i };
        ev.u.sw.next_tid = i ^ 0x5555;
        if (i == 2550) {
            ev.kind = REPLAY_EV_RANDOM;
            ev.u.random.len = (uint32_t)big;
            ev.u.random.bytes = blob;
        }
        assert_int_equal(replay_log_put(w, &ev), 0);
        if (i % 100 == 99)
            assert_int_equal(replay_log_flush(w), 0);
    }
    assert_int_equal(replay_log_close(w), 0);
    ReplayLogReader *r = ropen(path);
    ReplayEvent ev;
    for (uint32_t i = 0; i < 5000; i++) {
        assert_int_equal(replay_log_next(r, &ev), 1);
        assert_int_equal(ev.tid, i);
        assert_true(ev.icount == i);
        if (i == 2550) {
            assert_int_equal(ev.kind, REPLAY_EV_RANDOM);
            assert_int_equal(ev.u.random.len, big);
            assert_memory_equal(ev.u.random.bytes, blob, big);
        } else {
            assert_int_equal(ev.kind, REPLAY_EV_SWITCH);
            assert_int_equal(ev.u.sw.next_tid, i ^ 0x5555);
        }
    }
    assert_int_equal(replay_log_next(r, &ev), 0);
    assert_false(replay_log_truncated(r));
    /* 50 flushes, plus the frame the big event ended (2500..2550). */
    assert_int_equal(replay_log_frames(r), 51);
    replay_log_close_reader(r);
    free(blob);
}

/* Frame boundaries of a log: walks the frame headers (16 bytes: magic,
 * raw length, compressed length, CRC). */
static int frame_ends(const uint8_t *d, long len, long *ends, int max)
{
    long at = ld_le32(d + 12);
    int n = 0;
    while (at + 16 <= len) {
        assert_int_equal(ld_le32(d + at), REPLAY_FRAME_MAGIC);
        at += 16 + ld_le32(d + at + 8);
        assert_true(n < max);
        ends[n++] = at;
    }
    assert_int_equal(at, len);
    return n;
}

/* Reads p to its end: the events before the end must be the sample's
 * first ones.  Returns replay_log_next's last result; *count events. */
static int read_sample(const char *p, int *count, char *err, size_t errlen)
{
    ReplayLogReader *r = replay_log_open(p, err, errlen);
    if (!r)
        return -2;
    ReplayEvent ev;
    int n, i = 0;
    while ((n = replay_log_next(r, &ev)) == 1) {
        assert_true(i < NSAMPLE);
        ReplayEvent want = sample(i);
        assert_event_equal(&ev, &want);
        i++;
    }
    *count = i;
    snprintf(err, errlen, "%s%s", replay_log_error(r),
             n == 0 && replay_log_truncated(r) ? "truncated" : "");
    if (n < 0)
        assert_int_equal(replay_log_next(r, &ev), -1);
    replay_log_close_reader(r);
    return n;
}

static void test_cut_everywhere(void **state)
{
    (void)state;
    small_log(path);
    long len, ends[8];
    uint8_t *d = slurp(path, &len);
    int nf = frame_ends(d, len, ends, 8);
    assert_int_equal(nf, 3);
    static const int events_before[4] = { 0, 3, 6, 13 };
    long hl = ld_le32(d + 12);
    char err[256];
    for (long cut = 0; cut <= len; cut++) {
        spit(path2, d, cut);
        int count;
        int n = read_sample(path2, &count, err, sizeof(err));
        if (cut < hl) {
            /* The header itself is cut: refused, one line. */
            assert_int_equal(n, -2);
            assert_null(strchr(err, '\n'));
            assert_true(strstr(err, "truncated header") || strstr(err, "bad magic"));
            continue;
        }
        int whole = 0;
        while (whole < nf && ends[whole] <= cut)
            whole++;
        assert_int_equal(n, 0);
        assert_int_equal(count, events_before[whole]);
        bool at_boundary = cut == hl || cut == ends[whole - (whole > 0)];
        assert_int_equal(strcmp(err, "truncated") == 0, !at_boundary);
    }
    free(d);
}

static void test_bit_flips(void **state)
{
    (void)state;
    small_log(path);
    long len, ends[8];
    uint8_t *d = slurp(path, &len);
    frame_ends(d, len, ends, 8);
    long hl = ld_le32(d + 12);
    long starts[3] = { hl, ends[0], ends[1] };
    char err[256], want[64];
    int errors = 0;
    /* Every byte, one bit each (cycling through the 8). */
    for (long at = 0; at < len; at++) {
        uint8_t mask = (uint8_t)(1u << (at % 8));
        d[at] ^= mask;
        spit(path2, d, len);
        d[at] ^= mask;
        int count;
        int n = read_sample(path2, &count, err, sizeof(err));
        assert_null(strchr(err, '\n'));
        if (at < hl) {
            /* The header's CRC covers it all. */
            assert_int_equal(n, -2);
            continue;
        }
        int f = at < ends[0] ? 0 : at < ends[1] ? 1 : 2;
        if (n == -1) {
            snprintf(want, sizeof(want), "frame %d at offset %ld: ", f, starts[f]);
            assert_memory_equal(err, want, strlen(want));
            errors++;
        } else if (n == 0 && strcmp(err, "truncated") == 0) {
            /* A longer compressed length: only the field itself. */
            assert_true(at >= starts[f] + 8 && at < starts[f] + 12);
        } else {
            /* A flip in the deflate padding bits after the last block
             * reads back the same events (read_sample compared them). */
            assert_int_equal(n, 0);
            assert_int_equal(count, NSAMPLE);
        }
    }
    assert_true(errors > (len - hl) * 9 / 10);
    free(d);
}

static void test_refused(void **state)
{
    (void)state;
    small_log(path);
    long len;
    uint8_t *d = slurp(path, &len);
    char err[256], want[300];
    d[0] = 'X';
    spit(path2, d, len);
    assert_null(replay_log_open(path2, err, sizeof(err)));
    snprintf(want, sizeof(want), "%s: not a mimic replay log (bad magic)", path2);
    assert_string_equal(err, want);
    d[0] = 'M';
    st_le32(d + 8, 1);
    spit(path2, d, len);
    assert_null(replay_log_open(path2, err, sizeof(err)));
    snprintf(want, sizeof(want),
             "%s: replay log format version 1, this mimic reads version 2", path2);
    assert_string_equal(err, want);
    st_le32(d + 8, 2);
    st_le32(d + 12, 0x7fffffff);
    spit(path2, d, len);
    assert_null(replay_log_open(path2, err, sizeof(err)));
    assert_non_null(strstr(err, "bad header length"));
    assert_null(replay_log_open("/nonexistent/x.rr", err, sizeof(err)));
    assert_string_equal(err, "/nonexistent/x.rr: No such file or directory");
    free(d);
}

/* A hand-made frame whose event claims more than the frame holds. */
static void test_event_past_frame(void **state)
{
    (void)state;
    ReplayLogWriter *w = wcreate(path);
    ReplayEvent ev = sample(6);
    assert_int_equal(replay_log_put(w, &ev), 0);
    assert_int_equal(replay_log_close(w), 0);
    /* Rewrite the frame with the switch event's payload length 5: the
     * frame's own checks pass, the event's fail. */
    long len;
    uint8_t *d = slurp(path, &len);
    long hl = ld_le32(d + 12);
    uint8_t raw[REPLAY_EVENT_HEAD + 4] = { REPLAY_EV_SWITCH };
    st_le32(raw + 13, 5);
    FILE *f = fopen(path2, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, (size_t)hl, f), (size_t)hl);
    fclose(f);
    free(d);
    /* Append a frame in the zframe layout by hand. */
    unsigned char z[128];
    uLongf zl = sizeof(z);
    assert_int_equal(compress(z, &zl, raw, sizeof(raw)), 0);
    uint8_t h[16];
    st_le32(h, REPLAY_FRAME_MAGIC);
    st_le32(h + 4, sizeof(raw));
    st_le32(h + 8, (uint32_t)zl);
    st_le32(h + 12, (uint32_t)crc32(0, raw, sizeof(raw)));
    f = fopen(path2, "ab");
    assert_non_null(f);
    assert_int_equal(fwrite(h, 1, 16, f), 16);
    assert_int_equal(fwrite(z, 1, zl, f), zl);
    fclose(f);
    char err[256], want[160];
    int count;
    assert_int_equal(read_sample(path2, &count, err, sizeof(err)), -1);
    snprintf(want, sizeof(want),
             "frame 0 at offset %ld: event 0: payload runs past the end of its frame", hl);
    assert_string_equal(err, want);
}

/* A log of one frame holding one event of the given kind and payload,
 * built by hand (header from the writer, frame in the zframe layout);
 * returns the reader's error with the frame's "frame 0 at offset H: "
 * prefix checked and stripped. */
static const char *one_event_error(uint8_t kind, const uint8_t *payload, uint32_t plen)
{
    ReplayLogWriter *w = wcreate(path);
    assert_int_equal(replay_log_close(w), 0);
    long hl;
    uint8_t *d = slurp(path, &hl);
    size_t rl = REPLAY_EVENT_HEAD + plen;
    uint8_t *raw = calloc(1, rl);
    assert_non_null(raw);
    raw[0] = kind;
    st_le32(raw + 13, plen);
    if (plen)
        memcpy(raw + REPLAY_EVENT_HEAD, payload, plen);
    uLongf zl = compressBound(rl);
    uint8_t *z = malloc(zl);
    assert_non_null(z);
    assert_int_equal(compress(z, &zl, raw, rl), 0);
    uint8_t h[16];
    st_le32(h, REPLAY_FRAME_MAGIC);
    st_le32(h + 4, (uint32_t)rl);
    st_le32(h + 8, (uint32_t)zl);
    st_le32(h + 12, (uint32_t)crc32(0, raw, (uInt)rl));
    FILE *f = fopen(path2, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, (size_t)hl, f), (size_t)hl);
    assert_int_equal(fwrite(h, 1, 16, f), 16);
    assert_int_equal(fwrite(z, 1, zl, f), zl);
    fclose(f);
    free(d);
    free(raw);
    free(z);
    static char err[256];
    ReplayLogReader *r = ropen(path2);
    ReplayEvent ev;
    assert_int_equal(replay_log_next(r, &ev), -1);
    snprintf(err, sizeof(err), "%s", replay_log_error(r));
    replay_log_close_reader(r);
    char want[64];
    snprintf(want, sizeof(want), "frame 0 at offset %ld: event 0: ", hl);
    assert_memory_equal(err, want, strlen(want));
    return err + strlen(want);
}

/* Every malformed version 2 payload, each with its own message. */
static void test_bad_payloads(void **state)
{
    (void)state;
    static uint8_t b[REPLAY_REGS_MAX + 64];
    memset(b, 0, sizeof(b));
    /* SYSCALL: 73 fixed bytes (nr, args, result, flag at 60, hash at 61,
     * count at 69). */
    assert_string_equal(one_event_error(REPLAY_EV_SYSCALL, b, 72), "system call event too short");
    b[60] = 2;
    assert_string_equal(one_event_error(REPLAY_EV_SYSCALL, b, 73),
                        "system call event's out-hash flag is not 0 or 1");
    b[60] = 0;
    b[68] = 1;
    assert_string_equal(one_event_error(REPLAY_EV_SYSCALL, b, 73),
                        "system call event has an out hash without its flag");
    b[68] = 0;
    st_le32(b + 69, 1);
    assert_string_equal(one_event_error(REPLAY_EV_SYSCALL, b, 73 + 11),
                        "system call event claims more memory pieces than it holds");
    st_le32(b + 73 + 8, 5);           /* piece of 5 bytes, 4 there */
    assert_string_equal(one_event_error(REPLAY_EV_SYSCALL, b, 73 + 12 + 4),
                        "system call memory piece runs past the event");
    st_le32(b + 73 + 8, 3);           /* piece of 3 bytes, one more after */
    assert_string_equal(one_event_error(REPLAY_EV_SYSCALL, b, 73 + 12 + 4),
                        "system call event has trailing bytes");
    memset(b, 0, sizeof(b));
    /* CHECKPOINT: 28 fixed bytes, regs_len at 24. */
    assert_string_equal(one_event_error(REPLAY_EV_CHECKPOINT, b, 27),
                        "checkpoint event too short");
    st_le32(b + 24, REPLAY_REGS_MAX + 1);
    assert_string_equal(one_event_error(REPLAY_EV_CHECKPOINT, b, 28 + REPLAY_REGS_MAX + 1),
                        "checkpoint event's register image is over 4096 bytes");
    st_le32(b + 24, 3);
    assert_string_equal(one_event_error(REPLAY_EV_CHECKPOINT, b, 28 + 4),
                        "checkpoint event's register image does not end at its payload's end");
    assert_string_equal(one_event_error(REPLAY_EV_CHECKPOINT, b, 28 + 2),
                        "checkpoint event's register image does not end at its payload's end");
    memset(b, 0, sizeof(b));
    /* STACK: sp, auxv addr, auxv len, path_len at 20, path, stack len. */
    assert_string_equal(one_event_error(REPLAY_EV_STACK, b, 27), "stack event too short");
    st_le32(b + 20, REPLAY_PATH_MAX + 1);
    assert_string_equal(one_event_error(REPLAY_EV_STACK, b, 28 + REPLAY_PATH_MAX + 1),
                        "stack event's program path is over 4096 bytes");
    st_le32(b + 20, 10);
    assert_string_equal(one_event_error(REPLAY_EV_STACK, b, 28 + 9),
                        "stack event's program path runs past the event");
    st_le32(b + 24 + 10, 2);          /* 2 stack bytes announced, 3 there */
    assert_string_equal(one_event_error(REPLAY_EV_STACK, b, 28 + 10 + 3),
                        "stack event's stack bytes do not end at its payload's end");
    assert_string_equal(one_event_error(REPLAY_EV_STACK, b, 28 + 10 + 1),
                        "stack event's stack bytes do not end at its payload's end");
    memset(b, 0, sizeof(b));
    b[0] = 2;
    assert_string_equal(one_event_error(REPLAY_EV_EXIT, b, 5), "bad exit event");
    assert_string_equal(one_event_error(REPLAY_EV_KINDS, b, 5), "unknown event kind");
    assert_string_equal(one_event_error(0, b, 5), "unknown event kind");
    assert_string_equal(one_event_error(REPLAY_EV_SWITCH, b, 5),
                        "payload length does not match the event kind");
    assert_string_equal(one_event_error(REPLAY_EV_NONDET, b, 19),
                        "payload length does not match the event kind");
}

/* A writer killed with SIGKILL while it writes: the log reads as every
 * flushed frame and more, in order, with a clean or truncated end. */
static void test_killed_writer(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        char err[256];
        ReplayLogWriter *w = replay_log_create(path, &hdr, err, sizeof(err));
        if (!w)
            _exit(2);
        static uint8_t blob[4096];
        for (uint64_t i = 0;; i++) {
            for (size_t k = 0; k < sizeof(blob); k++)
                blob[k] = (uint8_t)(i + k * 13);
            ReplayEvent ev = { .kind = REPLAY_EV_RANDOM, .tid = 1, .icount = i };
            ev.u.random.len = sizeof(blob);
            ev.u.random.bytes = blob;
            if (replay_log_put(w, &ev) != 0)
                _exit(3);
            if (i % 10 == 9 && replay_log_flush(w) != 0)
                _exit(3);
            /* After 3 flushed frames, tell the parent; go on writing
             * (flushed and buffered) until killed. */
            if (i == 29 && write(pipefd[1], "x", 1) != 1)
                _exit(4);
        }
    }
    close(pipefd[1]);
    char c;
    assert_int_equal(read(pipefd[0], &c, 1), 1);
    close(pipefd[0]);
    kill(pid, SIGKILL);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    ReplayLogReader *r = ropen(path);
    ReplayEvent ev;
    uint64_t i = 0;
    int n;
    while ((n = replay_log_next(r, &ev)) == 1) {
        assert_true(ev.icount == i);
        assert_int_equal(ev.u.random.len, 4096);
        assert_int_equal(ev.u.random.bytes[100], (uint8_t)(i + 1300));
        i++;
    }
    assert_int_equal(n, 0);
    assert_true(i >= 30);
    /* Whole frames of 10 events only. */
    assert_int_equal(i % 10, 0);
    assert_int_equal(replay_log_frames(r), i / 10);
    replay_log_close_reader(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_put_limits),
        cmocka_unit_test(test_many_frames),
        cmocka_unit_test(test_cut_everywhere),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_event_past_frame),
        cmocka_unit_test(test_bad_payloads),
        cmocka_unit_test(test_killed_writer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
