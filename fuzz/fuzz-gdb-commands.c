/*
 * libFuzzer harness for the GDB stub's command handling
 * (src/gdbstub/gdb-commands.c, gdb-monitor.c): each input is one packet
 * payload as the packet reader hands it over (escapes already undone,
 * NUL-terminated, binary allowed), given to gdb_handle_packet on a stub
 * built by hand around a fake front end: 64 KiB of guest memory at
 * 0x10000, threads 1 and 2 with an I386CPU each.  The stub's socket is
 * one end of a socketpair; everything it sends is read back through the
 * packet reader.
 *
 * Invariants (any violation aborts): no crash or sanitizer report; every
 * reply frame parses with a good checksum and is complete; the stub
 * never asks the front end for more memory than its own buffers hold, so
 * a request can never reach outside what it meant to touch; a packet
 * that resumes the guest sends nothing and leaves 1..GDB_MAX_ACTIONS
 * actions.  The CPU state carries over from input to input on purpose:
 * register writes by one packet feed the next.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub/gdbstub-internal.h"
#include "targets/i386/cpu.h"
#include "targets/i386/gdb-i386.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_BASE 0x10000u
#define MEM_SIZE 0x10000u

static uint8_t mem[MEM_SIZE];
static I386CPU cpus[2];
static const uint8_t auxv[16] = { 0x21, 0, 0, 0, '#', '$', '}', '*', 6, 0, 0, 0, 0, 0x10, 0, 0 };
static const char exec_file[] = "/bin/prog";

static bool in_mem(uint64_t addr, size_t len)
{
    return addr >= MEM_BASE && len <= MEM_SIZE && addr - MEM_BASE <= MEM_SIZE - len;
}

static bool fake_read_mem(void *opaque, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)opaque;
    /* The stub reads at most half a packet (hex doubles it). */
    if (!buf || len > GDB_PACKET_SIZE / 2)
        abort();
    if (!in_mem(addr, len))
        return false;
    memcpy(buf, mem + (addr - MEM_BASE), len);
    return true;
}

static bool fake_write_mem(void *opaque, uint64_t addr, const uint8_t *buf, size_t len)
{
    (void)opaque;
    if (!buf || len == 0 || len > GDB_PACKET_SIZE)
        abort();
    if (!in_mem(addr, len))
        return false;
    memcpy(mem + (addr - MEM_BASE), buf, len);
    return true;
}

static unsigned fake_list_threads(void *opaque, int *tids, unsigned max)
{
    (void)opaque;
    unsigned n = 0;
    for (int i = 1; i <= 2 && n < max; i++)
        tids[n++] = i;
    return n;
}

static CPUState *fake_thread_cpu(void *opaque, int tid)
{
    (void)opaque;
    return tid == 1 || tid == 2 ? &cpus[tid - 1].parent : NULL;
}

static long fake_xfer_read(void *opaque, const char *object, uint64_t offset, uint8_t *buf,
                           size_t len)
{
    (void)opaque;
    if (!object || !buf || len > GDB_PACKET_SIZE)
        abort();
    const uint8_t *d;
    size_t size;
    if (strcmp(object, "auxv") == 0) {
        d = auxv;
        size = sizeof(auxv);
    } else if (strcmp(object, "exec-file") == 0) {
        d = (const uint8_t *)exec_file;
        size = strlen(exec_file);
    } else {
        return -1;
    }
    if (offset >= size)
        return 0;
    size_t n = size - offset < len ? size - offset : len;
    memcpy(buf, d + offset, n);
    return (long)n;
}

static unsigned bp_calls;

static bool fake_breakpoint(void *opaque, uint64_t pc, bool insert)
{
    (void)opaque;
    (void)pc;
    bp_calls++;
    return insert ? (bp_calls & 7) != 0 : true;   /* now and then full */
}

static bool fake_watchpoint(void *opaque, uint64_t addr, uint64_t len, int type, bool insert)
{
    (void)opaque;
    (void)insert;
    /* Z2..Z4 only, with a length that does not wrap. */
    if (type < 1 || type > 3 || len == 0 || addr + len < addr)
        abort();
    return true;
}

static void fake_breakpoints_clear(void *opaque)
{
    (void)opaque;
}

static void fake_interrupt(void *opaque)
{
    (void)opaque;
}

static uint64_t fake_icount(void *opaque, CPUState *cpu)
{
    (void)opaque;
    if (cpu != &cpus[0].parent && cpu != &cpus[1].parent)
        abort();
    return 123456789;
}

static void fake_kill(void *opaque)
{
    (void)opaque;   /* recorded by not exiting: the harness goes on */
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

static GdbStub *stub;
static int peer = -1;
static GdbPacketReader reader;
static uint8_t copy[GDB_PACKET_MAX + 1];

/* A fresh connection: at start, and after D shut the last one down. */
static void connect_stub(void)
{
    if (stub->fd >= 0)
        close(stub->fd);
    if (peer >= 0)
        close(peer);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    stub->fd = sv[0];
    peer = sv[1];
    stub->no_ack = false;
    gdb_reader_init(&stub->rd);
    gdb_reader_init(&reader);
}

static void setup(void)
{
    for (unsigned i = 0; i < MEM_SIZE; i++)
        mem[i] = (uint8_t)(i * 7);
    i386_cpu_init(&cpus[0], NULL);
    i386_cpu_init(&cpus[1], NULL);
    stub = calloc(1, sizeof(*stub));
    if (!stub)
        abort();
    stub->target = &i386_gdb_target;
    stub->ops = &fake_ops;
    stub->listen_fd = -1;
    stub->fd = -1;
    stub->framed = malloc(2 * GDB_REPLY_MAX + 8);
    if (!stub->framed)
        abort();
    stub->stop_tid = 1;
    stub->stop_sig = SIGTRAP;
    connect_stub();
}

/* Reads back what the stub sent; returns the number of packets, or -1
 * when the stub closed the connection. */
static int drain(void)
{
    uint8_t buf[4096];
    int packets = 0;
    for (;;) {
        ssize_t n = recv(peer, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0)
            return -1;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                abort();
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            GdbEvent ev = gdb_reader_feed(&reader, buf[i]);
            if (ev == GDB_EV_PACKET)
                packets++;
            else if (ev != GDB_EV_NONE)
                abort();   /* bad checksum, bad escape, or a stray byte */
        }
    }
    /* Replies are written whole. */
    if (reader.state != GDB_RS_IDLE)
        abort();
    return packets;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!stub)
        setup();
    /* What the packet reader could deliver: at most GDB_PACKET_MAX bytes
     * with a NUL after them. */
    if (size > GDB_PACKET_MAX)
        size = GDB_PACKET_MAX;
    memcpy(copy, data, size);
    copy[size] = '\0';
    bool resumed = gdb_handle_packet(stub, (char *)copy, size);
    if (stub->reply_len >= sizeof(stub->reply))
        abort();
    int packets = drain();
    if (resumed) {
        if (packets != 0 || stub->nb_actions == 0 || stub->nb_actions > GDB_MAX_ACTIONS)
            abort();
    }
    if (packets < 0 || stub->fd < 0)
        connect_stub();
    return 0;
}
