/*
 * The GDB Remote Serial Protocol's packet layer: framing, checksums,
 * acknowledgments, binary escapes and run-length decoding, apart from
 * what the packets mean (gdbstub.c).  See gdb-packet.c for the design.
 */
#ifndef MIMIC_GDBSTUB_GDB_PACKET_H
#define MIMIC_GDBSTUB_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decoded payload bytes we accept; we advertise PacketSize=4000 (hex). */
#define GDB_PACKET_MAX 16384

/* The longest framed packet gdb_packet_frame() can produce for a payload
 * of n bytes: every byte escaped, plus '$', '#' and two checksum digits. */
#define GDB_FRAMED_MAX(n) (2 * (size_t)(n) + 4)

typedef enum {
    GDB_EV_NONE,       /* byte consumed, nothing complete yet */
    GDB_EV_PACKET,     /* a packet with a good checksum: r->buf[0..r->len)
                          (NUL at r->buf[r->len]), escapes and run-length
                          encoding already expanded */
    GDB_EV_BAD,        /* a packet was dropped: bad checksum, bad escape or
                          RLE, or longer than GDB_PACKET_MAX; the caller
                          answers '-' (only given in ack mode) */
    GDB_EV_INTERRUPT,  /* 0x03 outside a packet */
    GDB_EV_ACK,        /* '+' outside a packet (only given in ack mode) */
    GDB_EV_NACK,       /* '-' outside a packet: the caller resends its last
                          packet (only given in ack mode) */
} GdbEvent;

typedef enum {
    GDB_RS_IDLE,       /* between packets */
    GDB_RS_DATA,       /* after '$' */
    GDB_RS_ESCAPE,     /* after '}' */
    GDB_RS_RLE,        /* after '*': the count character comes next */
    GDB_RS_CSUM1,      /* after '#' */
    GDB_RS_CSUM2,      /* after the first checksum digit */
} GdbReaderState;

typedef struct GdbPacketReader {
    GdbReaderState state;
    uint8_t sum;          /* of the raw bytes since '$' */
    int csum_hi;          /* first checksum digit's value, -1 if not hex */
    bool malformed;       /* a bad escape or RLE: drop at '#' */
    bool too_long;        /* decoded past GDB_PACKET_MAX: drop at '#' */
    /* Set by the caller once QStartNoAckMode is agreed: from then on
     * '+'/'-' between packets are ignored and a dropped packet gives
     * GDB_EV_NONE, so nothing asks the caller to send an ack. */
    bool no_ack;
    uint64_t dropped;     /* packets dropped so far, in either mode */
    size_t len;
    uint8_t buf[GDB_PACKET_MAX + 1];
} GdbPacketReader;

void gdb_reader_init(GdbPacketReader *r);
/* Switches no-acknowledgment mode on or off (see no_ack above). */
void gdb_reader_set_no_ack(GdbPacketReader *r, bool on);
/* Consumes one byte; O(1) per byte.  After GDB_EV_PACKET, r->buf and
 * r->len hold the packet until the next call. */
GdbEvent gdb_reader_feed(GdbPacketReader *r, uint8_t byte);

/* The framed packet "$" escaped-payload "#" cs for payload[0..len) into
 * out (cap bytes); returns the framed length, or 0 if it does not fit
 * (GDB_FRAMED_MAX(len) always does).  Escapes '#', '$', '}' and '*'
 * always; no RLE on output.  out is not NUL-terminated. */
size_t gdb_packet_frame(const uint8_t *payload, size_t len, uint8_t *out, size_t cap);

/* Hex helpers used by every command. */
/* Value 0-15 of a hex digit (either case), or -1. */
int gdb_hex_digit(int c);
/* Parses a hex number at *p (at least one digit, at most 16) and advances
 * *p past it; false, *p unchanged, on no digit or more than 16 digits. */
bool gdb_parse_hex(const char **p, uint64_t *out);
/* Decodes 2*n hex digits at s into n bytes; false if any is not hex.
 * Stops at the first non-hex character, so a NUL-terminated s shorter
 * than 2*n is never read past its NUL. */
bool gdb_hex_to_bytes(const char *s, size_t n, uint8_t *out);
/* Encodes n bytes as 2*n lowercase hex digits + NUL at out. */
void gdb_bytes_to_hex(const uint8_t *in, size_t n, char *out);

#endif
