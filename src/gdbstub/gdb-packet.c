/*
 * The GDB Remote Serial Protocol's packet layer (GDB manual, appendix
 * "Remote Serial Protocol", sections "Overview" and "Packet
 * Acknowledgment").
 *
 * The stream from gdb is a sequence of packets, "$" data "#" cs, where cs
 * is the sum of the raw data bytes modulo 256 as two hex digits, mixed
 * with single bytes outside packets: '+' and '-' acknowledge the last
 * packet we sent, 0x03 asks the running guest to stop.  Inside the data,
 * '}' escapes the next byte (sent XOR 0x20) and "X*n" repeats X another
 * n - 29 times (n a printable character).  The checksum covers the data as
 * sent: escapes and counts included.
 *
 * The reader is a byte-at-a-time state machine, fed whatever the socket
 * gives, so that the stub never has to buffer a partial packet itself nor
 * trust any length the peer claims.  What it guarantees, whatever the
 * bytes:
 *
 *   - Bounded memory: the decoded packet lives in a fixed buffer of
 *     GDB_PACKET_MAX bytes plus a NUL inside the reader; nothing is
 *     allocated.  A packet that decodes to more is not truncated (a
 *     truncated 'X' or 'G' would write wrong data) but read on to its '#'
 *     and dropped whole, and the reader is then ready for the next one.
 *   - O(1) per byte: a byte is at most one run of 97 repeats (count '~').
 *   - Never a read or write past its buffer: every store checks len
 *     against GDB_PACKET_MAX first, and a repeat count is checked against
 *     the room left before anything is stored.
 *   - Resynchronisation: a '$' anywhere starts a new packet, dropping the
 *     partial one without an event (gdb resends a whole packet after a
 *     timeout, so a lost tail must not swallow the retry), and bytes
 *     other than '$', '+', '-', 0x03 between packets are ignored.
 *
 * What counts as malformed: '}' or '*' right before '#', a '*' with no
 * byte before it to repeat, and a count outside ' '..'~'.  The manual
 * forbids '#' and '$' as counts; they cannot be counts here anyway, being
 * frame characters.  A repeat repeats the last decoded byte, so "}]*!"
 * gives five '}' bytes.  Checksum digits may be either case.
 *
 * Acknowledgments are the caller's to send (it owns the socket); the
 * reader only says which to send.  After QStartNoAckMode neither side
 * acks, so the caller sets no_ack and the reader stops reporting '+',
 * '-' and dropped packets (it still counts the latter in r->dropped).
 *
 * On output we escape the four special bytes always and never
 * run-length encode: gdb accepts escapes in every reply, binary replies
 * need them, and the saving of RLE is not worth a second encoder to test.
 */
#include "gdbstub/gdb-packet.h"

#include <string.h>

void gdb_reader_init(GdbPacketReader *r)
{
    r->state = GDB_RS_IDLE;
    r->sum = 0;
    r->csum_hi = -1;
    r->malformed = false;
    r->too_long = false;
    r->no_ack = false;
    r->dropped = 0;
    r->len = 0;
    r->buf[0] = 0;
}

void gdb_reader_set_no_ack(GdbPacketReader *r, bool on)
{
    r->no_ack = on;
}

static void start_packet(GdbPacketReader *r)
{
    r->state = GDB_RS_DATA;
    r->sum = 0;
    r->csum_hi = -1;
    r->malformed = false;
    r->too_long = false;
    r->len = 0;
}

/* Appends count copies of c, or marks the packet too long when they do
 * not all fit (nothing is stored then: the packet is dropped anyway). */
static void put_bytes(GdbPacketReader *r, uint8_t c, size_t count)
{
    if (r->malformed || r->too_long)
        return;
    if (count > GDB_PACKET_MAX - r->len) {
        r->too_long = true;
        return;
    }
    memset(r->buf + r->len, c, count);
    r->len += count;
}

static GdbEvent end_packet(GdbPacketReader *r, int lo)
{
    r->state = GDB_RS_IDLE;
    if (r->csum_hi < 0 || lo < 0 || r->malformed || r->too_long ||
        (uint8_t)(r->csum_hi << 4 | lo) != r->sum) {
        r->dropped++;
        r->len = 0;
        r->buf[0] = 0;
        return r->no_ack ? GDB_EV_NONE : GDB_EV_BAD;
    }
    r->buf[r->len] = 0;
    return GDB_EV_PACKET;
}

GdbEvent gdb_reader_feed(GdbPacketReader *r, uint8_t byte)
{
    if (byte == '$') {
        start_packet(r);
        return GDB_EV_NONE;
    }
    switch (r->state) {
    case GDB_RS_IDLE:
        if (byte == 0x03)
            return GDB_EV_INTERRUPT;
        if (r->no_ack)
            return GDB_EV_NONE;
        if (byte == '+')
            return GDB_EV_ACK;
        if (byte == '-')
            return GDB_EV_NACK;
        return GDB_EV_NONE;
    case GDB_RS_DATA:
        if (byte == '#') {
            r->state = GDB_RS_CSUM1;
            return GDB_EV_NONE;
        }
        r->sum += byte;
        if (byte == '}') {
            r->state = GDB_RS_ESCAPE;
        } else if (byte == '*') {
            /* Nothing to repeat yet. */
            if (r->len == 0 && !r->too_long)
                r->malformed = true;
            r->state = GDB_RS_RLE;
        } else {
            put_bytes(r, byte, 1);
        }
        return GDB_EV_NONE;
    case GDB_RS_ESCAPE:
    case GDB_RS_RLE:
        if (byte == '#') {
            /* The escape or count is missing. */
            r->malformed = true;
            r->state = GDB_RS_CSUM1;
            return GDB_EV_NONE;
        }
        r->sum += byte;
        if (r->state == GDB_RS_ESCAPE) {
            put_bytes(r, byte ^ 0x20, 1);
        } else if (byte < ' ' || byte > '~') {
            r->malformed = true;
        } else if (r->len > 0) {
            put_bytes(r, r->buf[r->len - 1], (size_t)byte - 29);
        }
        r->state = GDB_RS_DATA;
        return GDB_EV_NONE;
    case GDB_RS_CSUM1:
        r->csum_hi = gdb_hex_digit(byte);
        r->state = GDB_RS_CSUM2;
        return GDB_EV_NONE;
    case GDB_RS_CSUM2:
        return end_packet(r, gdb_hex_digit(byte));
    }
    /* Unreachable: state only takes the values above. */
    r->state = GDB_RS_IDLE;
    return GDB_EV_NONE;
}

static const char hex_lower[] = "0123456789abcdef";

static bool needs_escape(uint8_t c)
{
    return c == '#' || c == '$' || c == '}' || c == '*';
}

size_t gdb_packet_frame(const uint8_t *payload, size_t len, uint8_t *out, size_t cap)
{
    size_t n = 0;
    uint8_t sum = 0;
    if (cap < 4)
        return 0;
    out[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = payload[i];
        /* Room for this byte (two if escaped) and the 3-byte trailer. */
        size_t need = needs_escape(c) ? 2 : 1;
        if (cap - n < need + 3)
            return 0;
        if (need == 2) {
            out[n++] = '}';
            sum += '}';
            c ^= 0x20;
        }
        out[n++] = c;
        sum += c;
    }
    out[n++] = '#';
    out[n++] = (uint8_t)hex_lower[sum >> 4];
    out[n++] = (uint8_t)hex_lower[sum & 15];
    return n;
}

int gdb_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool gdb_parse_hex(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    int digits = 0;
    int d;
    while ((d = gdb_hex_digit((unsigned char)*s)) >= 0) {
        if (++digits > 16)
            return false;
        v = v << 4 | (uint64_t)d;
        s++;
    }
    if (digits == 0)
        return false;
    *p = s;
    *out = v;
    return true;
}

bool gdb_hex_to_bytes(const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = gdb_hex_digit((unsigned char)s[2 * i]);
        if (hi < 0)
            return false;
        int lo = gdb_hex_digit((unsigned char)s[2 * i + 1]);
        if (lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void gdb_bytes_to_hex(const uint8_t *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_lower[in[i] >> 4];
        out[2 * i + 1] = hex_lower[in[i] & 15];
    }
    out[2 * n] = 0;
}
