/*
 * libFuzzer harness for the GDB packet layer (src/gdbstub/gdb-packet.c):
 * the input is the byte stream gdb would send, fed one byte at a time,
 * switching to no-ack mode after a QStartNoAckMode packet as the stub
 * does.  Whatever the bytes, every
 * packet must fit the buffer and end in a NUL, no-ack mode must never ask
 * for an ack, and framing a packet and reading it back must give it
 * unchanged.  The hex helpers run over each packet too, since the
 * commands call them on exactly these bytes.  Any violation aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/gdb-packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static GdbPacketReader reader, echo;
static uint8_t framed[GDB_FRAMED_MAX(GDB_PACKET_MAX)];
static uint8_t bytes[GDB_PACKET_MAX / 2];
static char hex[GDB_PACKET_MAX + 1];

/* Frames the packet in r and reads it back through a second reader. */
static void check_round_trip(const GdbPacketReader *r)
{
    size_t n = gdb_packet_frame(r->buf, r->len, framed, sizeof(framed));
    if (n == 0 || n > GDB_FRAMED_MAX(r->len))
        abort();
    gdb_reader_init(&echo);
    for (size_t i = 0; i < n; i++) {
        GdbEvent ev = gdb_reader_feed(&echo, framed[i]);
        if (ev != (i + 1 == n ? GDB_EV_PACKET : GDB_EV_NONE))
            abort();
    }
    if (echo.len != r->len || memcmp(echo.buf, r->buf, r->len) != 0)
        abort();
}

static void check_hex(const GdbPacketReader *r)
{
    /* Parse numbers wherever they start, as the command parsers do. */
    for (size_t i = 0; i < r->len; i++) {
        const char *p = (const char *)r->buf + i;
        const char *start = p;
        uint64_t v;
        if (gdb_parse_hex(&p, &v)) {
            if (p <= start || p > start + 16 || p > (const char *)r->buf + r->len)
                abort();
        } else if (p != start) {
            abort();
        }
    }
    /* Decode as many bytes as the packet could hold: the helper must stop
     * at the NUL.  Then a hex round trip of the packet's prefix. */
    size_t n = r->len / 2;
    if (gdb_hex_to_bytes((const char *)r->buf, sizeof(bytes), bytes)) {
        if (r->len < 2 * sizeof(bytes))
            abort();
    }
    gdb_bytes_to_hex(r->buf, n, hex);
    if (strlen(hex) != 2 * n || !gdb_hex_to_bytes(hex, n, bytes) ||
        memcmp(bytes, r->buf, n) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char no_ack_packet[] = "QStartNoAckMode";
    bool no_ack = false;
    gdb_reader_init(&reader);
    uint64_t bad = 0;
    for (size_t i = 0; i < size; i++) {
        GdbEvent ev = gdb_reader_feed(&reader, data[i]);
        if (reader.len > GDB_PACKET_MAX)
            abort();
        switch (ev) {
        case GDB_EV_PACKET:
            if (reader.buf[reader.len] != 0)
                abort();
            check_round_trip(&reader);
            check_hex(&reader);
            if (reader.len == sizeof(no_ack_packet) - 1 &&
                memcmp(reader.buf, no_ack_packet, reader.len) == 0) {
                no_ack = true;
                gdb_reader_set_no_ack(&reader, true);
            }
            break;
        case GDB_EV_BAD:
            bad++;
            /* fall through */
        case GDB_EV_ACK:
        case GDB_EV_NACK:
            if (no_ack)
                abort();
            break;
        case GDB_EV_INTERRUPT:
            if (data[i] != 0x03)
                abort();
            break;
        case GDB_EV_NONE:
            break;
        default:
            abort();
        }
    }
    /* Every drop is counted; in ack mode each gave one GDB_EV_BAD. */
    if (reader.dropped < bad || (!no_ack && reader.dropped != bad))
        abort();
    return 0;
}
