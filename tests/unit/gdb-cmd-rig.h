/*
 * The rig of the GDB stub's command tests (test-gdb-commands.c,
 * test-gdb-resume.c): a hand-built GdbStub whose front end is a fake
 * (64 KiB of memory at 0x10000, threads 1 and 2 with an I386CPU each,
 * recording breakpoint calls) and whose socket is one end of a
 * socketpair.  Each packet's framed replies are read back from the other
 * end and parsed by the packet reader, so every reply is also checked for
 * framing, escapes and checksum.  Header-only: each test program includes
 * it once.
 */
#ifndef MIMIC_TESTS_UNIT_GDB_CMD_RIG_H
#define MIMIC_TESTS_UNIT_GDB_CMD_RIG_H

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
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub/gdbstub-internal.h"
#include "targets/i386/cpu.h"
#include "targets/i386/fpu.h"
#include "targets/i386/gdb-i386.h"

/* ---------------------------------------------------------------------
 * The fake front end.
 */

#define MEM_BASE 0x10000u
#define MEM_SIZE 0x10000u

static uint8_t mem[MEM_SIZE];
static I386CPU cpus[2];
static bool alive[2];

typedef struct Call {
    uint64_t addr, len;
    int type;       /* watchpoints: 1 write, 2 read, 3 access */
    bool insert;
} Call;

static struct {
    unsigned bp_calls, wp_calls, kill_calls;
    Call bp, wp;    /* the last of each */
    bool full;      /* inserts fail */
} rec;

/* The auxv blob holds the bytes packet framing must escape. */
static const uint8_t auxv[24] = {
    0x21, 0x00, 0x00, 0x00, '#', '$', '}', '*',
    0x10, 0x00, 0x00, 0x00, 0xff, 0xfb, 0x8b, 0x07,
    0x06, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
};
static const char exec_file[] = "/bin/prog";

static inline bool in_mem(uint64_t addr, size_t len)
{
    return addr >= MEM_BASE && len <= MEM_SIZE && addr - MEM_BASE <= MEM_SIZE - len;
}

static inline bool fake_read_mem(void *opaque, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)opaque;
    if (!in_mem(addr, len))
        return false;
    memcpy(buf, mem + (addr - MEM_BASE), len);
    return true;
}

static inline bool fake_write_mem(void *opaque, uint64_t addr, const uint8_t *buf, size_t len)
{
    (void)opaque;
    if (!in_mem(addr, len))
        return false;
    memcpy(mem + (addr - MEM_BASE), buf, len);
    return true;
}

static inline unsigned fake_list_threads(void *opaque, int *tids, unsigned max)
{
    (void)opaque;
    unsigned n = 0;
    for (int i = 0; i < 2; i++)
        if (alive[i] && n < max)
            tids[n++] = i + 1;
    return n;
}

static CPUState *fake_thread_cpu(void *opaque, int tid)
{
    (void)opaque;
    if (tid < 1 || tid > 2 || !alive[tid - 1])
        return NULL;
    return &cpus[tid - 1].parent;
}

static inline long fake_xfer_read(void *opaque, const char *object, uint64_t offset, uint8_t *buf,
                           size_t len)
{
    (void)opaque;
    const uint8_t *data;
    size_t size;
    if (strcmp(object, "auxv") == 0) {
        data = auxv;
        size = sizeof(auxv);
    } else if (strcmp(object, "exec-file") == 0) {
        data = (const uint8_t *)exec_file;
        size = strlen(exec_file);
    } else {
        return -1;
    }
    if (offset >= size)
        return 0;
    size_t n = size - offset < len ? size - offset : len;
    memcpy(buf, data + offset, n);
    return (long)n;
}

static inline bool fake_breakpoint(void *opaque, uint64_t pc, bool insert)
{
    (void)opaque;
    rec.bp_calls++;
    rec.bp = (Call){ pc, 0, 0, insert };
    return !(insert && rec.full);
}

static inline bool fake_watchpoint(void *opaque, uint64_t addr, uint64_t len, int type, bool insert)
{
    (void)opaque;
    rec.wp_calls++;
    rec.wp = (Call){ addr, len, type, insert };
    return !(insert && rec.full);
}

static inline void fake_breakpoints_clear(void *opaque)
{
    (void)opaque;
}

static inline void fake_interrupt(void *opaque)
{
    (void)opaque;
}

static inline uint64_t fake_icount(void *opaque, CPUState *cpu)
{
    (void)opaque;
    return cpu == &cpus[0].parent ? 1234 : 99;
}

static inline void fake_kill(void *opaque)
{
    (void)opaque;
    rec.kill_calls++;
}

static const GdbHostOps fake_ops = {
    .read_mem = fake_read_mem,
    .write_mem = fake_write_mem,
    .list_threads = fake_list_threads,
    .thread_cpu = fake_thread_cpu,
    .xfer_read = fake_xfer_read,
    .breakpoint = fake_breakpoint,
    .watchpoint = fake_watchpoint,
    .breakpoints_clear = fake_breakpoints_clear,
    .interrupt = fake_interrupt,
    .icount = fake_icount,
    .kill = fake_kill,
};

/* ---------------------------------------------------------------------
 * The stub and what came back on the socket.
 */

static GdbStub *S;
static int peer = -1;           /* our end of the socketpair */
static GdbPacketReader *reader; /* parses what the stub sent */

static char reply[GDB_PACKET_MAX + 1];   /* the last packet */
static size_t reply_len;
static unsigned nb_packets;              /* including the reply */
static char console[16384];              /* 'O' packets' text, decoded */
static size_t console_len;
static bool peer_eof;
static bool resumed;

static inline int setup(void **state)
{
    (void)state;
    for (unsigned i = 0; i < MEM_SIZE; i++)
        mem[i] = (uint8_t)i;
    for (int i = 0; i < 2; i++) {
        i386_cpu_init(&cpus[i], NULL);
        alive[i] = true;
    }
    memset(&rec, 0, sizeof(rec));
    peer_eof = false;
    resumed = false;
    S = calloc(1, sizeof(*S));
    reader = calloc(1, sizeof(*reader));
    assert_non_null(S);
    assert_non_null(reader);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    S->fd = sv[0];
    peer = sv[1];
    S->listen_fd = -1;
    S->target = &i386_gdb_target;
    S->ops = &fake_ops;
    S->framed = malloc(2 * GDB_REPLY_MAX + 8);
    assert_non_null(S->framed);
    S->stop_tid = 1;
    S->stop_sig = SIGTRAP;
    gdb_reader_init(&S->rd);
    gdb_reader_init(reader);
    return 0;
}

static inline int teardown(void **state)
{
    (void)state;
    if (S->fd >= 0)
        close(S->fd);
    close(peer);
    free(S->framed);
    free(S);
    free(reader);
    return 0;
}

static inline void take_packet(void)
{
    /* The packet before this one was a console packet. */
    if (nb_packets > 0) {
        assert_true(reply_len >= 1 && reply[0] == 'O' && reply_len % 2 == 1);
        size_t n = (reply_len - 1) / 2;
        assert_true(console_len + n < sizeof(console));
        assert_true(gdb_hex_to_bytes(reply + 1, n, (uint8_t *)console + console_len));
        console_len += n;
        console[console_len] = '\0';
    }
    memcpy(reply, reader->buf, reader->len + 1);
    reply_len = reader->len;
    nb_packets++;
}

/* Everything the stub sent: framed packets with good checksums only. */
static inline void drain(void)
{
    uint8_t buf[4096];
    for (;;) {
        ssize_t n = recv(peer, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0) {
            peer_eof = true;
            break;
        }
        if (n < 0) {
            assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            GdbEvent ev = gdb_reader_feed(reader, buf[i]);
            assert_true(ev == GDB_EV_NONE || ev == GDB_EV_PACKET);
            if (ev == GDB_EV_PACKET)
                take_packet();
        }
    }
    /* Nothing left half-sent. */
    assert_int_equal(reader->state, GDB_RS_IDLE);
}

/* One packet of len bytes (binary allowed); the reply is in reply. */
static inline void send_bin(const void *pkt, size_t len)
{
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, pkt, len);
    copy[len] = '\0';
    reply[0] = '\0';
    reply_len = 0;
    nb_packets = 0;
    console_len = 0;
    console[0] = '\0';
    resumed = gdb_handle_packet(S, copy, len);
    free(copy);
    drain();
}

/* One text packet; returns the one reply packet. */
static const char *cmd(const char *pkt)
{
    send_bin(pkt, strlen(pkt));
    assert_false(resumed);
    assert_int_equal(nb_packets, 1);
    return reply;
}

/* A packet answered by console packets, then the reply. */
static inline void mon(const char *pkt)
{
    send_bin(pkt, strlen(pkt));
    assert_false(resumed);
    assert_true(nb_packets >= 1);
}

/* Each packet up to NULL gets the reply expected. */
static inline void all_reply(const char *expected, ...)
{
    va_list ap;
    va_start(ap, expected);
    for (const char *pkt; (pkt = va_arg(ap, const char *));) {
        if (strcmp(cmd(pkt), expected) != 0)
            print_error("packet \"%s\"\n", pkt);
        assert_string_equal(reply, expected);
    }
    va_end(ap);
}

#define assert_reply(pkt, expected) assert_string_equal(cmd(pkt), expected)

/* Packets and their replies, in order. */
static inline void check_replies(const char *const (*t)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cmd(t[i][0]), t[i][1]) != 0)
            print_error("packet \"%s\"\n", t[i][0]);
        assert_string_equal(reply, t[i][1]);
    }
}

#define REPLIES(...)                                                         \
    check_replies((const char *const[][2]){ __VA_ARGS__ },                   \
                  sizeof((const char *const[][2]){ __VA_ARGS__ }) / sizeof(const char *[2]))


#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif
