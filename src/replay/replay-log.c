/*
 * The replay log writer and reader (docs/replay-format.md).
 *
 * The design follows from what the log is for.  A recording must survive
 * the recorder being killed: events are buffered and written as whole
 * zframe frames, each in one write(), at every checkpoint and before the
 * process ends (replay_log_flush), so a killed recorder leaves complete
 * frames plus at most a torn tail, which the reader treats as the end.
 * A recording is also an untrusted input (users send them in bug
 * reports): the header carries its own CRC, every frame its CRC and raw
 * length, every event a payload length that must lie inside its frame
 * and match its kind's layout exactly, so a damaged log gives one error
 * line naming the frame and its offset instead of a wrong replay.
 *
 * Usage:
 *     ReplayLogWriter *w = replay_log_create("run.rr", &hdr, err, sizeof(err));
 *     replay_log_put(w, &ev);  ...  replay_log_flush(w);  ...  replay_log_close(w);
 *     ReplayLogReader *r = replay_log_open("run.rr", err, sizeof(err));
 *     while ((n = replay_log_next(r, &ev)) == 1) ...
 */
#include "replay/replay-log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/bytes.h"
#include "util/host-file.h"
#include "util/zframe.h"

#define FRAME_RAW_MAX ((size_t)REPLAY_FRAME_BYTES + REPLAY_PAYLOAD_MAX + REPLAY_EVENT_HEAD)
/* magic, version, header length; the strings; two u64; the CRC. */
#define HEADER_FIXED (16 + 3 * 4 + 16 + 4)
#define HEADER_MAX (HEADER_FIXED + 3 * REPLAY_STRING_MAX)
/* The fixed parts of the variable-length payloads (docs/replay-format.md):
 * SYSCALL nr, 6 args, result, out-hash flag and hash, piece count;
 * CHECKPOINT pc, two hashes, regs_len; STACK sp, auxv addr and length,
 * path length, stack length. */
#define SYSCALL_FIXED (4 + 6 * 8 + 8 + 1 + 8 + 4)
#define CHECKPOINT_FIXED (3 * 8 + 4)
#define STACK_FIXED (8 + 8 + 4 + 4 + 4)

static const ZFrameFormat replay_frames = {
    .magic = REPLAY_FRAME_MAGIC,
    .aux_is_raw_len = true,
    .crc_of_raw = true,
    .aux_max = FRAME_RAW_MAX,
    .raw_max = FRAME_RAW_MAX,
    .huffman_only = true,    /* written while the guest waits */
};

struct ReplayLogWriter {
    int fd;
    ZFrameWriter zf;
    uint8_t *buf;          /* the events of the current frame */
    size_t len, cap;
};

struct ReplayLogReader {
    FILE *f;
    ReplayLogHeader h;
    ZFrameReader zf;
    const uint8_t *buf;    /* the current frame's events */
    size_t len, pos;
    unsigned event;        /* index of the next event in the frame */
    ReplayMem *mem;        /* the current SYSCALL event's pieces */
    size_t mem_cap;
    char err[256];
};

static uint64_t ld_le64(const uint8_t *p)
{
    return (uint64_t)ld_le32(p) | (uint64_t)ld_le32(p + 4) << 32;
}

static void st_le64(uint8_t *p, uint64_t v)
{
    st_le32(p, (uint32_t)v);
    st_le32(p + 4, (uint32_t)(v >> 32));
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* ---- writer ---- */

ReplayLogWriter *replay_log_create(const char *path, const ReplayLogHeader *h,
                                   char *err, size_t errlen)
{
    const char *s[3] = { h->mimic_version ? h->mimic_version : "",
                         h->target ? h->target : "", h->cmdline ? h->cmdline : "" };
    size_t hl = HEADER_FIXED;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(s[i]);
        if (n > REPLAY_STRING_MAX) {
            snprintf(err, errlen, "%s: header string of %zu bytes (at most %u)", path, n,
                     REPLAY_STRING_MAX);
            return NULL;
        }
        hl += n;
    }
    ReplayLogWriter *w = calloc(1, sizeof(*w));
    uint8_t *hb = malloc(hl);
    if (!w || !hb) {
        snprintf(err, errlen, "out of memory");
        free(w);
        free(hb);
        return NULL;
    }
    memcpy(hb, REPLAY_LOG_MAGIC, 8);
    st_le32(hb + 8, REPLAY_LOG_VERSION);
    st_le32(hb + 12, (uint32_t)hl);
    uint8_t *p = hb + 16;
    for (int i = 0; i < 3; i++) {
        uint32_t n = (uint32_t)strlen(s[i]);
        st_le32(p, n);
        memcpy(p + 4, s[i], n);
        p += 4 + n;
    }
    st_le64(p, h->config_hash);
    st_le64(p + 8, h->checkpoint_interval);
    st_le32(p + 16, (uint32_t)crc32(0, hb, (uInt)(hl - 4)));
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int r = w->fd < 0 ? -errno : 0;
    if (r == 0) {
        w->fd = host_fd_move_high(w->fd);
        r = write_all(w->fd, hb, hl);
    }
    free(hb);
    if (r < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(-r));
        if (w->fd >= 0)
            close(w->fd);
        free(w);
        return NULL;
    }
    zframe_writer_init(&w->zf, w->fd, &replay_frames);
    return w;
}

/* The payload length of ev; 0 with *bad set if ev cannot be written. */
static uint64_t payload_len(const ReplayEvent *ev, bool *bad)
{
    *bad = false;
    switch (ev->kind) {
    case REPLAY_EV_SYSCALL: {
        if (ev->u.syscall.has_out_hash > 1)
            break;
        uint64_t n = SYSCALL_FIXED;
        for (uint32_t i = 0; i < ev->u.syscall.count; i++)
            n += 12 + (uint64_t)ev->u.syscall.mem[i].len;
        return n;
    }
    case REPLAY_EV_RANDOM:
        return ev->u.random.len;
    case REPLAY_EV_NONDET:
        return 20;
    case REPLAY_EV_SIGNAL:
        return 4 + REPLAY_SIGINFO_BYTES;
    case REPLAY_EV_SWITCH:
        return 4;
    case REPLAY_EV_CHECKPOINT:
        if (ev->u.checkpoint.regs_len > REPLAY_REGS_MAX)
            break;
        return CHECKPOINT_FIXED + ev->u.checkpoint.regs_len;
    case REPLAY_EV_EXIT:
        return 5;
    case REPLAY_EV_STACK:
        if (ev->u.stack.path_len > REPLAY_PATH_MAX)
            break;
        return STACK_FIXED + (uint64_t)ev->u.stack.path_len + ev->u.stack.len;
    }
    *bad = true;
    return 0;
}

static void encode_payload(const ReplayEvent *ev, uint8_t *p)
{
    switch (ev->kind) {
    case REPLAY_EV_SYSCALL:
        st_le32(p, ev->u.syscall.nr);
        for (int i = 0; i < 6; i++)
            st_le64(p + 4 + 8 * i, ev->u.syscall.args[i]);
        st_le64(p + 52, ev->u.syscall.result);
        p[60] = ev->u.syscall.has_out_hash;
        /* Zero without the flag: one byte string per event. */
        st_le64(p + 61, ev->u.syscall.has_out_hash ? ev->u.syscall.out_hash : 0);
        st_le32(p + 69, ev->u.syscall.count);
        p += SYSCALL_FIXED;
        for (uint32_t i = 0; i < ev->u.syscall.count; i++) {
            const ReplayMem *m = &ev->u.syscall.mem[i];
            st_le64(p, m->addr);
            st_le32(p + 8, m->len);
            if (m->len)
                memcpy(p + 12, m->bytes, m->len);
            p += 12 + m->len;
        }
        break;
    case REPLAY_EV_RANDOM:
        if (ev->u.random.len)
            memcpy(p, ev->u.random.bytes, ev->u.random.len);
        break;
    case REPLAY_EV_NONDET:
        st_le32(p, ev->u.nondet.opcode);
        for (int i = 0; i < 4; i++)
            st_le32(p + 4 + 4 * i, ev->u.nondet.regs[i]);
        break;
    case REPLAY_EV_SIGNAL:
        st_le32(p, ev->u.signal.signo);
        memcpy(p + 4, ev->u.signal.info, REPLAY_SIGINFO_BYTES);
        break;
    case REPLAY_EV_SWITCH:
        st_le32(p, ev->u.sw.next_tid);
        break;
    case REPLAY_EV_CHECKPOINT:
        st_le64(p, ev->u.checkpoint.pc);
        st_le64(p + 8, ev->u.checkpoint.cpu_hash);
        st_le64(p + 16, ev->u.checkpoint.mem_hash);
        st_le32(p + 24, ev->u.checkpoint.regs_len);
        if (ev->u.checkpoint.regs_len)
            memcpy(p + CHECKPOINT_FIXED, ev->u.checkpoint.regs, ev->u.checkpoint.regs_len);
        break;
    case REPLAY_EV_EXIT:
        p[0] = ev->u.exit.killed ? 1 : 0;
        st_le32(p + 1, ev->u.exit.code);
        break;
    case REPLAY_EV_STACK: {
        uint32_t pl = ev->u.stack.path_len;
        st_le64(p, ev->u.stack.sp);
        st_le64(p + 8, ev->u.stack.auxv_addr);
        st_le32(p + 16, ev->u.stack.auxv_len);
        st_le32(p + 20, pl);
        if (pl)
            memcpy(p + 24, ev->u.stack.path, pl);
        st_le32(p + 24 + pl, ev->u.stack.len);
        if (ev->u.stack.len)
            memcpy(p + STACK_FIXED + pl, ev->u.stack.bytes, ev->u.stack.len);
        break;
    }
    }
}

int replay_log_put(ReplayLogWriter *w, const ReplayEvent *ev)
{
    bool bad;
    uint64_t plen = payload_len(ev, &bad);
    if (bad || plen > REPLAY_PAYLOAD_MAX)
        return -EINVAL;
    size_t need = w->len + REPLAY_EVENT_HEAD + (size_t)plen;
    if (need > w->cap) {
        size_t cap = w->cap ? w->cap : 64 * 1024;
        while (cap < need)
            cap *= 2;
        uint8_t *b = realloc(w->buf, cap);
        if (!b)
            return -ENOMEM;
        w->buf = b;
        w->cap = cap;
    }
    uint8_t *p = w->buf + w->len;
    p[0] = ev->kind;
    st_le32(p + 1, ev->tid);
    st_le64(p + 5, ev->icount);
    st_le32(p + 13, (uint32_t)plen);
    encode_payload(ev, p + REPLAY_EVENT_HEAD);
    w->len = need;
    /* Frames stay near REPLAY_FRAME_BYTES so the reader's buffer does. */
    if (w->len >= REPLAY_FRAME_BYTES)
        return replay_log_flush(w);
    return 0;
}

int replay_log_flush(ReplayLogWriter *w)
{
    if (!w->len)
        return 0;
    int r = zframe_write(&w->zf, 0, w->buf, w->len);
    if (r == 0)
        w->len = 0;
    /* A big frame's buffer is not kept for the rest of the run. */
    if (w->cap > 4 * REPLAY_FRAME_BYTES) {
        free(w->buf);
        w->buf = NULL;
        w->cap = 0;
        w->len = 0;
    }
    return r;
}

int replay_log_close(ReplayLogWriter *w)
{
    int r = replay_log_flush(w);
    if (close(w->fd) != 0 && r == 0)
        r = -errno;
    zframe_writer_fini(&w->zf);
    free(w->buf);
    free(w);
    return r;
}

/* ---- reader ---- */

/* A length-prefixed string at *p (advanced) within end; NULL if it does
 * not fit. */
static char *take_string(const uint8_t **p, const uint8_t *end)
{
    if (end - *p < 4)
        return NULL;
    uint32_t n = ld_le32(*p);
    if (n > REPLAY_STRING_MAX || (size_t)(end - *p - 4) < n)
        return NULL;
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    memcpy(s, *p + 4, n);
    s[n] = 0;
    *p += 4 + n;
    return s;
}

static bool read_header(ReplayLogReader *r, const char *path, char *err, size_t errlen)
{
    uint8_t fixed[16];
    size_t got = fread(fixed, 1, 16, r->f);
    if (memcmp(fixed, REPLAY_LOG_MAGIC, got < 8 ? got : 8) != 0) {
        snprintf(err, errlen, "%s: not a mimic replay log (bad magic)", path);
        return false;
    }
    if (got < 16) {
        snprintf(err, errlen, "%s: truncated header", path);
        return false;
    }
    uint32_t v = ld_le32(fixed + 8);
    if (v != REPLAY_LOG_VERSION) {
        snprintf(err, errlen, "%s: replay log format version %u, this mimic reads version %u",
                 path, v, REPLAY_LOG_VERSION);
        return false;
    }
    uint32_t hl = ld_le32(fixed + 12);
    if (hl < HEADER_FIXED || hl > HEADER_MAX) {
        snprintf(err, errlen, "%s: bad header length %u", path, hl);
        return false;
    }
    uint8_t *hb = malloc(hl);
    if (!hb) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(hb, fixed, 16);
    bool ok = false;
    if (fread(hb + 16, 1, hl - 16, r->f) != hl - 16) {
        snprintf(err, errlen, "%s: truncated header", path);
        goto out;
    }
    if ((uint32_t)crc32(0, hb, hl - 4) != ld_le32(hb + hl - 4)) {
        snprintf(err, errlen, "%s: header CRC mismatch (corrupted)", path);
        goto out;
    }
    const uint8_t *p = hb + 16, *end = hb + hl - 4;
    char *s[3] = { NULL, NULL, NULL };
    for (int i = 0; i < 3; i++)
        s[i] = i == 0 || s[i - 1] ? take_string(&p, end) : NULL;
    r->h.mimic_version = s[0];
    r->h.target = s[1];
    r->h.cmdline = s[2];
    if (!s[2] || end - p != 16) {
        snprintf(err, errlen, "%s: malformed header", path);
        goto out;
    }
    r->h.version = v;
    r->h.config_hash = ld_le64(p);
    r->h.checkpoint_interval = ld_le64(p + 8);
    ok = true;
out:
    free(hb);
    return ok;
}

ReplayLogReader *replay_log_open(const char *path, char *err, size_t errlen)
{
    ReplayLogReader *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->f = host_fopen(path, "rb");
    if (!r->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        replay_log_close_reader(r);
        return NULL;
    }
    if (!read_header(r, path, err, errlen)) {
        replay_log_close_reader(r);
        return NULL;
    }
    zframe_reader_init(&r->zf, r->f, &replay_frames);
    return r;
}

const ReplayLogHeader *replay_log_header(const ReplayLogReader *r)
{
    return &r->h;
}

static int fail(ReplayLogReader *r, const char *why)
{
    zframe_reader_fail(&r->zf, "event %u: %s", r->event, why);
    snprintf(r->err, sizeof(r->err), "%s", zframe_reader_error(&r->zf));
    return -1;
}

static int parse_syscall(ReplayLogReader *r, const uint8_t *p, uint32_t len, ReplayEvent *ev)
{
    if (len < SYSCALL_FIXED)
        return fail(r, "system call event too short");
    uint8_t has_hash = p[60];
    if (has_hash > 1)
        return fail(r, "system call event's out-hash flag is not 0 or 1");
    uint64_t out_hash = ld_le64(p + 61);
    if (!has_hash && out_hash)
        return fail(r, "system call event has an out hash without its flag");
    uint32_t count = ld_le32(p + 69);
    /* Each piece takes at least 12 bytes: bounds the allocation. */
    if (count > (len - SYSCALL_FIXED) / 12)
        return fail(r, "system call event claims more memory pieces than it holds");
    if (count > r->mem_cap) {
        ReplayMem *m = realloc(r->mem, count * sizeof(*m));
        if (!m)
            return fail(r, "out of memory");
        r->mem = m;
        r->mem_cap = count;
    }
    const uint8_t *q = p + SYSCALL_FIXED, *end = p + len;
    for (uint32_t i = 0; i < count; i++) {
        if (end - q < 12)
            return fail(r, "system call memory piece runs past the event");
        r->mem[i].addr = ld_le64(q);
        r->mem[i].len = ld_le32(q + 8);
        q += 12;
        if ((size_t)(end - q) < r->mem[i].len)
            return fail(r, "system call memory piece runs past the event");
        r->mem[i].bytes = q;
        q += r->mem[i].len;
    }
    if (q != end)
        return fail(r, "system call event has trailing bytes");
    ev->u.syscall.nr = ld_le32(p);
    for (int i = 0; i < 6; i++)
        ev->u.syscall.args[i] = ld_le64(p + 4 + 8 * i);
    ev->u.syscall.result = ld_le64(p + 52);
    ev->u.syscall.has_out_hash = has_hash;
    ev->u.syscall.out_hash = out_hash;
    ev->u.syscall.count = count;
    ev->u.syscall.mem = r->mem;
    return 1;
}

static int parse_checkpoint(ReplayLogReader *r, const uint8_t *p, uint32_t len, ReplayEvent *ev)
{
    if (len < CHECKPOINT_FIXED)
        return fail(r, "checkpoint event too short");
    uint32_t n = ld_le32(p + 24);
    if (n > REPLAY_REGS_MAX)
        return fail(r, "checkpoint event's register image is over 4096 bytes");
    if (len - CHECKPOINT_FIXED != n)
        return fail(r, "checkpoint event's register image does not end at its payload's end");
    ev->u.checkpoint.pc = ld_le64(p);
    ev->u.checkpoint.cpu_hash = ld_le64(p + 8);
    ev->u.checkpoint.mem_hash = ld_le64(p + 16);
    ev->u.checkpoint.regs_len = n;
    ev->u.checkpoint.regs = n ? p + CHECKPOINT_FIXED : NULL;
    return 1;
}

static int parse_stack(ReplayLogReader *r, const uint8_t *p, uint32_t len, ReplayEvent *ev)
{
    if (len < STACK_FIXED)
        return fail(r, "stack event too short");
    uint32_t pl = ld_le32(p + 20);
    if (pl > REPLAY_PATH_MAX)
        return fail(r, "stack event's program path is over 4096 bytes");
    if (pl > len - STACK_FIXED)
        return fail(r, "stack event's program path runs past the event");
    uint32_t n = ld_le32(p + 24 + pl);
    if (n != len - STACK_FIXED - pl)
        return fail(r, "stack event's stack bytes do not end at its payload's end");
    ev->u.stack.sp = ld_le64(p);
    ev->u.stack.auxv_addr = ld_le64(p + 8);
    ev->u.stack.auxv_len = ld_le32(p + 16);
    ev->u.stack.path_len = pl;
    ev->u.stack.path = pl ? (const char *)p + 24 : NULL;
    ev->u.stack.len = n;
    ev->u.stack.bytes = n ? p + STACK_FIXED + pl : NULL;
    return 1;
}

/* Decodes a payload of len bytes at p into ev (kind already set). */
static int parse_payload(ReplayLogReader *r, const uint8_t *p, uint32_t len, ReplayEvent *ev)
{
    static const uint32_t fixed[REPLAY_EV_KINDS] = {
        [REPLAY_EV_NONDET] = 20, [REPLAY_EV_SIGNAL] = 4 + REPLAY_SIGINFO_BYTES,
        [REPLAY_EV_SWITCH] = 4, [REPLAY_EV_EXIT] = 5,
    };
    if (ev->kind == 0 || ev->kind >= REPLAY_EV_KINDS)
        return fail(r, "unknown event kind");
    if (fixed[ev->kind] && len != fixed[ev->kind])
        return fail(r, "payload length does not match the event kind");
    switch (ev->kind) {
    case REPLAY_EV_SYSCALL:
        return parse_syscall(r, p, len, ev);
    case REPLAY_EV_CHECKPOINT:
        return parse_checkpoint(r, p, len, ev);
    case REPLAY_EV_STACK:
        return parse_stack(r, p, len, ev);
    case REPLAY_EV_RANDOM:
        ev->u.random.len = len;
        ev->u.random.bytes = p;
        break;
    case REPLAY_EV_NONDET:
        ev->u.nondet.opcode = ld_le32(p);
        for (int i = 0; i < 4; i++)
            ev->u.nondet.regs[i] = ld_le32(p + 4 + 4 * i);
        break;
    case REPLAY_EV_SIGNAL:
        ev->u.signal.signo = ld_le32(p);
        memcpy(ev->u.signal.info, p + 4, REPLAY_SIGINFO_BYTES);
        break;
    case REPLAY_EV_SWITCH:
        ev->u.sw.next_tid = ld_le32(p);
        break;
    case REPLAY_EV_EXIT:
        if (p[0] > 1)
            return fail(r, "bad exit event");
        ev->u.exit.killed = p[0] == 1;
        ev->u.exit.code = ld_le32(p + 1);
        break;
    }
    return 1;
}

int replay_log_next(ReplayLogReader *r, ReplayEvent *ev)
{
    if (r->err[0])
        return -1;
    if (r->pos == r->len) {
        uint32_t aux;
        const uint8_t *data;
        size_t len;
        int fr = zframe_read(&r->zf, &aux, &data, &len);
        if (fr < 0) {
            snprintf(r->err, sizeof(r->err), "%s", zframe_reader_error(&r->zf));
            return -1;
        }
        if (fr == 0)
            return 0;
        r->buf = data;
        r->len = len;
        r->pos = 0;
        r->event = 0;
    }
    size_t left = r->len - r->pos;
    if (left < REPLAY_EVENT_HEAD)
        return fail(r, "event header runs past the end of its frame");
    const uint8_t *p = r->buf + r->pos;
    uint32_t plen = ld_le32(p + 13);
    if (plen > REPLAY_PAYLOAD_MAX || plen > left - REPLAY_EVENT_HEAD)
        return fail(r, "payload runs past the end of its frame");
    memset(ev, 0, sizeof(*ev));
    ev->kind = p[0];
    ev->tid = ld_le32(p + 1);
    ev->icount = ld_le64(p + 5);
    int rc = parse_payload(r, p + REPLAY_EVENT_HEAD, plen, ev);
    if (rc < 0)
        return rc;
    r->pos += REPLAY_EVENT_HEAD + plen;
    r->event++;
    return 1;
}

const char *replay_log_error(const ReplayLogReader *r)
{
    return r->err;
}

bool replay_log_truncated(const ReplayLogReader *r)
{
    return zframe_reader_truncated(&r->zf);
}

unsigned replay_log_frames(const ReplayLogReader *r)
{
    return r->zf.done;
}

void replay_log_close_reader(ReplayLogReader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free((char *)r->h.mimic_version);
    free((char *)r->h.target);
    free((char *)r->h.cmdline);
    zframe_reader_fini(&r->zf);
    free(r->mem);
    free(r);
}

/* ---- text ---- */

const char *replay_event_name(unsigned kind)
{
    static const char *const names[REPLAY_EV_KINDS] = {
        [REPLAY_EV_SYSCALL] = "syscall", [REPLAY_EV_RANDOM] = "random",
        [REPLAY_EV_NONDET] = "nondet",   [REPLAY_EV_SIGNAL] = "signal",
        [REPLAY_EV_SWITCH] = "switch",   [REPLAY_EV_CHECKPOINT] = "checkpoint",
        [REPLAY_EV_EXIT] = "exit",       [REPLAY_EV_STACK] = "stack",
    };
    return kind < REPLAY_EV_KINDS && names[kind] ? names[kind] : "?";
}

/* Appends to buf at *pos, never past len (snprintf's rules). */
static void put(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
    if (*pos >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n;
}

static void put_hex(char *buf, size_t len, size_t *pos, const uint8_t *b, uint32_t n)
{
    uint32_t show = n < 16 ? n : 16;
    for (uint32_t i = 0; i < show; i++)
        put(buf, len, pos, "%02x", b[i]);
    if (show < n)
        put(buf, len, pos, "...");
}

/* A path from the log: printable ASCII as is, anything else (a space,
 * a newline, a byte over 0x7e) as \xNN so the dump stays one line and
 * the path's end is unambiguous. */
static void put_text(char *buf, size_t len, size_t *pos, const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > 0x20 && c < 0x7f && c != '\\')
            put(buf, len, pos, "%c", c);
        else
            put(buf, len, pos, "\\x%02x", c);
    }
}

void replay_event_format(const ReplayEvent *ev, char *buf, size_t len)
{
    size_t pos = 0;
    if (len == 0)
        return;
    buf[0] = 0;
    put(buf, len, &pos, "icount=%" PRIu64 " tid=%" PRIu32 " %s", ev->icount, ev->tid,
        replay_event_name(ev->kind));
    switch (ev->kind) {
    case REPLAY_EV_SYSCALL:
        put(buf, len, &pos, " nr=%" PRIu32 " args=", ev->u.syscall.nr);
        for (int i = 0; i < 6; i++)
            put(buf, len, &pos, "%s0x%" PRIx64, i ? "," : "", ev->u.syscall.args[i]);
        put(buf, len, &pos, " result=0x%" PRIx64, ev->u.syscall.result);
        if (ev->u.syscall.has_out_hash)
            put(buf, len, &pos, " out=%016" PRIx64, ev->u.syscall.out_hash);
        put(buf, len, &pos, " writes=%" PRIu32, ev->u.syscall.count);
        for (uint32_t i = 0; i < ev->u.syscall.count; i++) {
            const ReplayMem *m = &ev->u.syscall.mem[i];
            put(buf, len, &pos, " [0x%" PRIx64 "+%" PRIu32 " ", m->addr, m->len);
            put_hex(buf, len, &pos, m->bytes, m->len);
            put(buf, len, &pos, "]");
        }
        break;
    case REPLAY_EV_RANDOM:
        put(buf, len, &pos, " len=%" PRIu32 " ", ev->u.random.len);
        put_hex(buf, len, &pos, ev->u.random.bytes, ev->u.random.len);
        break;
    case REPLAY_EV_NONDET: {
        uint32_t op = ev->u.nondet.opcode;
        const char *name = op == REPLAY_NONDET_CPUID ? "cpuid"
                           : op == REPLAY_NONDET_RDTSC ? "rdtsc" : "opcode";
        put(buf, len, &pos, " %s=0x%04" PRIx32 " eax=0x%08" PRIx32 " ecx=0x%08" PRIx32
            " edx=0x%08" PRIx32 " ebx=0x%08" PRIx32, name, op, ev->u.nondet.regs[0],
            ev->u.nondet.regs[1], ev->u.nondet.regs[2], ev->u.nondet.regs[3]);
        break;
    }
    case REPLAY_EV_SIGNAL:
        put(buf, len, &pos, " signo=%" PRIu32 " info=", ev->u.signal.signo);
        put_hex(buf, len, &pos, ev->u.signal.info, REPLAY_SIGINFO_BYTES);
        break;
    case REPLAY_EV_SWITCH:
        put(buf, len, &pos, " next=%" PRIu32, ev->u.sw.next_tid);
        break;
    case REPLAY_EV_CHECKPOINT:
        put(buf, len, &pos, " pc=0x%" PRIx64 " cpu=%016" PRIx64 " mem=%016" PRIx64
            " regs_len=%" PRIu32, ev->u.checkpoint.pc, ev->u.checkpoint.cpu_hash,
            ev->u.checkpoint.mem_hash, ev->u.checkpoint.regs_len);
        break;
    case REPLAY_EV_STACK:
        put(buf, len, &pos, " sp=0x%" PRIx64 " auxv=0x%" PRIx64 "+%" PRIu32 " path=",
            ev->u.stack.sp, ev->u.stack.auxv_addr, ev->u.stack.auxv_len);
        put_text(buf, len, &pos, ev->u.stack.path, ev->u.stack.path_len);
        put(buf, len, &pos, " len=%" PRIu32, ev->u.stack.len);
        break;
    case REPLAY_EV_EXIT:
        put(buf, len, &pos, ev->u.exit.killed ? " signal=%" PRIu32 : " status=%" PRIu32,
            ev->u.exit.code);
        break;
    }
}
