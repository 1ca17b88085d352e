/*
 * The GDB packet layer (src/gdbstub/gdb-packet.c) against the GDB
 * manual's "Remote Serial Protocol" appendix.  Checksums are computed here
 * by a plain loop over the raw bytes, or taken from real gdb traffic
 * ("$g#67", the qSupported packet of gdb 13 with its "#6a"); expanded
 * payloads are spelled out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/gdb-packet.h"

static GdbPacketReader reader;

static int setup(void **state)
{
    (void)state;
    gdb_reader_init(&reader);
    return 0;
}

static uint8_t checksum(const uint8_t *raw, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += raw[i];
    return (uint8_t)(sum % 256);
}

/* Feeds n bytes; every event but the last must be GDB_EV_NONE; returns
 * the last. */
static GdbEvent feed_bytes(const uint8_t *s, size_t n)
{
    GdbEvent ev = GDB_EV_NONE;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ev, GDB_EV_NONE);
        ev = gdb_reader_feed(&reader, s[i]);
    }
    return ev;
}

static GdbEvent feed_str(const char *s)
{
    return feed_bytes((const uint8_t *)s, strlen(s));
}

/* Feeds "$" raw "#" cs with the checksum of raw, as gdb would send it
 * (upper-case digits when upper). */
static GdbEvent feed_packet_raw(const uint8_t *raw, size_t n, bool upper)
{
    char tail[4];
    snprintf(tail, sizeof(tail), upper ? "#%02X" : "#%02x", checksum(raw, n));
    assert_int_equal(gdb_reader_feed(&reader, '$'), GDB_EV_NONE);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(gdb_reader_feed(&reader, raw[i]), GDB_EV_NONE);
    return feed_str(tail);
}

static GdbEvent feed_packet(const char *raw)
{
    return feed_packet_raw((const uint8_t *)raw, strlen(raw), false);
}

static void assert_packet(const char *expect)
{
    size_t n = strlen(expect);
    assert_int_equal(reader.len, n);
    assert_memory_equal(reader.buf, expect, n);
    assert_int_equal(reader.buf[n], 0);
}

static void test_real_traffic(void **state)
{
    (void)state;
    assert_int_equal(feed_str("+"), GDB_EV_ACK);
    assert_int_equal(feed_str("$qSupported:multiprocess+;swbreak+;hwbreak+;"
                              "qRelocInsn+;fork-events+;vfork-events+;"
                              "exec-events+;vContSupported+;QThreadEvents+;"
                              "no-resumed+;xmlRegisters=i386#6a"),
                     GDB_EV_PACKET);
    assert_packet("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
                  "fork-events+;vfork-events+;exec-events+;vContSupported+;"
                  "QThreadEvents+;no-resumed+;xmlRegisters=i386");
    assert_int_equal(feed_str("+"), GDB_EV_ACK);
    assert_int_equal(feed_str("$g#67"), GDB_EV_PACKET);
    assert_packet("g");
    assert_int_equal(feed_str("$m8048000,40#61"), GDB_EV_PACKET);
    assert_packet("m8048000,40");
    /* Upper-case checksum digits. */
    assert_int_equal(feed_str("$qC#B4"), GDB_EV_PACKET);
    assert_packet("qC");
    assert_int_equal(reader.dropped, 0);
}

static void test_single_bytes(void **state)
{
    (void)state;
    assert_int_equal(gdb_reader_feed(&reader, '+'), GDB_EV_ACK);
    assert_int_equal(gdb_reader_feed(&reader, '-'), GDB_EV_NACK);
    assert_int_equal(gdb_reader_feed(&reader, 0x03), GDB_EV_INTERRUPT);
    assert_int_equal(gdb_reader_feed(&reader, 'x'), GDB_EV_NONE);
    assert_int_equal(gdb_reader_feed(&reader, 0), GDB_EV_NONE);
    assert_int_equal(gdb_reader_feed(&reader, '#'), GDB_EV_NONE);
    /* Inside a packet, 0x03, '+' and '-' are data. */
    static const uint8_t raw[] = { 'X', 0x03, '+', '-' };
    assert_int_equal(feed_packet_raw(raw, sizeof(raw), false), GDB_EV_PACKET);
    assert_int_equal(reader.len, 4);
    assert_memory_equal(reader.buf, raw, 4);
}

static void test_bad_checksum(void **state)
{
    (void)state;
    assert_int_equal(feed_str("$g#68"), GDB_EV_BAD);
    assert_int_equal(feed_str("$g#6z"), GDB_EV_BAD);
    assert_int_equal(feed_str("$g#z7"), GDB_EV_BAD);
    assert_int_equal(reader.dropped, 3);
    /* The reader is back between packets. */
    assert_int_equal(feed_str("-"), GDB_EV_NACK);
    assert_int_equal(feed_str("$g#67"), GDB_EV_PACKET);
    assert_packet("g");
}

static void test_escapes(void **state)
{
    (void)state;
    /* An X packet writing '#', '$', '}', '*', each escaped, and a byte
     * escaped that need not be (allowed: the receiver just XORs). */
    static const uint8_t raw[] = {
        'X', '1', '0', ',', '5', ':',
        '}', '#' ^ 0x20, '}', '$' ^ 0x20, '}', '}' ^ 0x20, '}', '*' ^ 0x20,
        '}', 'a' ^ 0x20,
    };
    assert_int_equal(feed_packet_raw(raw, sizeof(raw), false), GDB_EV_PACKET);
    assert_packet("X10,5:#$}*a");
    /* An escape right before '#' is malformed. */
    assert_int_equal(feed_packet("X0,1:}"), GDB_EV_BAD);
}

static void test_rle(void **state)
{
    (void)state;
    /* The manual's example: "0* " is four zeros. */
    assert_int_equal(feed_packet("0* "), GDB_EV_PACKET);
    assert_packet("0000");
    assert_int_equal(feed_packet("0*!"), GDB_EV_PACKET);
    assert_packet("00000");
    assert_int_equal(feed_packet("0*\"0"), GDB_EV_PACKET);
    assert_packet("0000000");
    assert_int_equal(feed_packet("ab*%c"), GDB_EV_PACKET);
    assert_packet("a" "bbb" "bbb" "bbb" "c");   /* '%' is 8 more */
    /* The largest count, '~': 97 more. */
    assert_int_equal(feed_packet("x*~"), GDB_EV_PACKET);
    assert_int_equal(reader.len, 98);
    for (size_t i = 0; i < 98; i++)
        assert_int_equal(reader.buf[i], 'x');
    assert_int_equal(reader.buf[98], 0);
    /* A repeat of an escaped byte repeats the decoded byte. */
    assert_int_equal(feed_packet("}]* "), GDB_EV_PACKET);
    assert_packet("}}}}");
    /* '*' is a count character like any other printable one. */
    assert_int_equal(feed_packet("z**"), GDB_EV_PACKET);
    assert_packet("zzzzzzzzzzzzzz");
}

static void test_rle_malformed(void **state)
{
    (void)state;
    assert_int_equal(feed_packet("* "), GDB_EV_BAD);       /* nothing to repeat */
    assert_int_equal(feed_packet("0*"), GDB_EV_BAD);       /* no count */
    assert_int_equal(feed_packet("0*\x1f"), GDB_EV_BAD);   /* count below ' ' */
    static const uint8_t high[] = { '0', '*', 0x7f };
    assert_int_equal(feed_packet_raw(high, 3, false), GDB_EV_BAD);
    static const uint8_t higher[] = { '0', '*', 0xff };
    assert_int_equal(feed_packet_raw(higher, 3, false), GDB_EV_BAD);
    assert_int_equal(reader.dropped, 5);
    assert_int_equal(feed_packet("ok"), GDB_EV_PACKET);
    assert_packet("ok");
}

/* n plain bytes 'a' followed by tail, as one packet. */
static GdbEvent feed_long(size_t n, const char *tail)
{
    size_t t = strlen(tail);
    uint8_t *raw = malloc(n + t);
    assert_non_null(raw);
    memset(raw, 'a', n);
    memcpy(raw + n, tail, t);
    GdbEvent ev = feed_packet_raw(raw, n + t, false);
    free(raw);
    return ev;
}

static void test_rle_overflow(void **state)
{
    (void)state;
    /* MAX - 4 bytes, then "*!" adds 4: exactly the limit. */
    assert_int_equal(feed_long(GDB_PACKET_MAX - 4, "*!"), GDB_EV_PACKET);
    assert_int_equal(reader.len, GDB_PACKET_MAX);
    assert_int_equal(reader.buf[GDB_PACKET_MAX - 1], 'a');
    assert_int_equal(reader.buf[GDB_PACKET_MAX], 0);
    /* One byte more would not fit: the whole packet goes. */
    assert_int_equal(feed_long(GDB_PACKET_MAX - 3, "*!"), GDB_EV_BAD);
    /* A count far past the limit from a short raw packet. */
    assert_int_equal(feed_long(GDB_PACKET_MAX - 10, "*~"), GDB_EV_BAD);
    assert_int_equal(feed_str("$g#67"), GDB_EV_PACKET);
    assert_packet("g");
}

static void test_oversized(void **state)
{
    (void)state;
    assert_int_equal(feed_long(GDB_PACKET_MAX, ""), GDB_EV_PACKET);
    assert_int_equal(reader.len, GDB_PACKET_MAX);
    assert_int_equal(feed_long(GDB_PACKET_MAX + 1, ""), GDB_EV_BAD);
    assert_int_equal(feed_long(4 * GDB_PACKET_MAX, ""), GDB_EV_BAD);
    assert_int_equal(reader.dropped, 2);
    /* Recovered for the next packet. */
    assert_int_equal(feed_str("+"), GDB_EV_ACK);
    assert_int_equal(feed_str("$m8048000,40#61"), GDB_EV_PACKET);
    assert_packet("m8048000,40");
}

static void test_garbage_between(void **state)
{
    (void)state;
    assert_int_equal(feed_str("hello\r\n\xff"), GDB_EV_NONE);
    assert_int_equal(feed_str("$g#67"), GDB_EV_PACKET);
    assert_int_equal(feed_str("zz9#"), GDB_EV_NONE);
    assert_int_equal(feed_str("$qC#b4"), GDB_EV_PACKET);
    assert_packet("qC");
}

static void test_restart(void **state)
{
    (void)state;
    /* A '$' in the data, after an escape, after '*', after '#' and after
     * one checksum digit each drop the partial packet silently. */
    assert_int_equal(feed_str("$m80480$g#67"), GDB_EV_PACKET);
    assert_packet("g");
    assert_int_equal(feed_str("$X0,1:}$g#67"), GDB_EV_PACKET);
    assert_int_equal(feed_str("$0*$g#67"), GDB_EV_PACKET);
    assert_int_equal(feed_str("$abc#$g#67"), GDB_EV_PACKET);
    assert_int_equal(feed_str("$abc#2$g#67"), GDB_EV_PACKET);
    assert_packet("g");
    assert_int_equal(reader.dropped, 0);
}

static void test_no_ack(void **state)
{
    (void)state;
    gdb_reader_set_no_ack(&reader, true);
    assert_int_equal(gdb_reader_feed(&reader, '+'), GDB_EV_NONE);
    assert_int_equal(gdb_reader_feed(&reader, '-'), GDB_EV_NONE);
    assert_int_equal(gdb_reader_feed(&reader, 0x03), GDB_EV_INTERRUPT);
    /* A dropped packet is counted but asks for no '-'. */
    assert_int_equal(feed_str("$g#00"), GDB_EV_NONE);
    assert_int_equal(reader.dropped, 1);
    assert_int_equal(feed_long(GDB_PACKET_MAX + 1, ""), GDB_EV_NONE);
    assert_int_equal(reader.dropped, 2);
    assert_int_equal(feed_str("$g#67"), GDB_EV_PACKET);
    assert_packet("g");
    gdb_reader_set_no_ack(&reader, false);
    assert_int_equal(gdb_reader_feed(&reader, '+'), GDB_EV_ACK);
    assert_int_equal(feed_str("$g#00"), GDB_EV_BAD);
}

static void test_frame(void **state)
{
    (void)state;
    uint8_t out[64];
    assert_int_equal(gdb_packet_frame((const uint8_t *)"OK", 2, out, sizeof(out)), 6);
    assert_memory_equal(out, "$OK#9a", 6);
    assert_int_equal(gdb_packet_frame(NULL, 0, out, sizeof(out)), 4);
    assert_memory_equal(out, "$#00", 4);
    /* Each special byte is escaped; the checksum covers the escapes. */
    static const uint8_t special[] = { '#', '$', '}', '*', 'b' };
    static const uint8_t want[] = { '}', 0x03, '}', 0x04, '}', ']', '}', 0x0a, 'b' };
    size_t n = gdb_packet_frame(special, sizeof(special), out, sizeof(out));
    assert_int_equal(n, 1 + sizeof(want) + 3);
    assert_int_equal(out[0], '$');
    assert_memory_equal(out + 1, want, sizeof(want));
    char cs[3];
    snprintf(cs, sizeof(cs), "%02x", checksum(want, sizeof(want)));
    assert_int_equal(out[1 + sizeof(want)], '#');
    assert_memory_equal(out + 2 + sizeof(want), cs, 2);
    /* Too small by one byte: nothing. */
    assert_int_equal(gdb_packet_frame(special, sizeof(special), out, n - 1), 0);
    assert_int_equal(gdb_packet_frame(special, sizeof(special), out, n), n);
    assert_int_equal(gdb_packet_frame(NULL, 0, out, 3), 0);
}

static void test_frame_round_trip(void **state)
{
    (void)state;
    uint8_t payload[256];
    for (int i = 0; i < 256; i++)
        payload[i] = (uint8_t)i;
    uint8_t out[GDB_FRAMED_MAX(256)];
    size_t n = gdb_packet_frame(payload, 256, out, sizeof(out));
    assert_int_equal(n, 256 + 4 + 4);   /* four bytes escaped */
    assert_int_equal(feed_bytes(out, n), GDB_EV_PACKET);
    assert_int_equal(reader.len, 256);
    assert_memory_equal(reader.buf, payload, 256);
    assert_int_equal(reader.buf[256], 0);
    /* The largest payload, all of it escaped, fits GDB_FRAMED_MAX. */
    static uint8_t big[GDB_PACKET_MAX];
    static uint8_t big_out[GDB_FRAMED_MAX(GDB_PACKET_MAX)];
    memset(big, '*', sizeof(big));
    n = gdb_packet_frame(big, sizeof(big), big_out, sizeof(big_out));
    assert_int_equal(n, sizeof(big_out));
    assert_int_equal(feed_bytes(big_out, n), GDB_EV_PACKET);
    assert_int_equal(reader.len, GDB_PACKET_MAX);
    assert_memory_equal(reader.buf, big, GDB_PACKET_MAX);
}

static void test_hex_digit(void **state)
{
    (void)state;
    static const char digits[] = "0123456789abcdef";
    static const char upper[] = "0123456789ABCDEF";
    for (int c = -1; c < 256; c++) {
        int want = -1;
        for (int v = 0; v < 16; v++)
            if (c == digits[v] || c == upper[v])
                want = v;
        assert_int_equal(gdb_hex_digit(c), want);
    }
}

static void test_parse_hex(void **state)
{
    (void)state;
    uint64_t v = 0;
    const char *s = "8048000,40";
    assert_true(gdb_parse_hex(&s, &v));
    assert_int_equal(v, 0x8048000);
    assert_string_equal(s, ",40");
    s++;
    assert_true(gdb_parse_hex(&s, &v));
    assert_int_equal(v, 0x40);
    assert_string_equal(s, "");
    s = "DEADbeef:";
    assert_true(gdb_parse_hex(&s, &v));
    assert_int_equal(v, 0xdeadbeef);
    assert_int_equal(*s, ':');
    s = "ffffffffffffffff";
    assert_true(gdb_parse_hex(&s, &v));
    assert_true(v == UINT64_MAX);
    /* 17 digits overflow, even with leading zeros; *p stays. */
    const char *const o17 = "10000000000000000";
    s = o17;
    v = 7;
    assert_false(gdb_parse_hex(&s, &v));
    assert_ptr_equal(s, o17);
    assert_int_equal(v, 7);
    s = "00000000000000001";
    assert_false(gdb_parse_hex(&s, &v));
    s = "0000000000000001x";
    assert_true(gdb_parse_hex(&s, &v));
    assert_int_equal(v, 1);
    const char *const none = ",1";
    s = none;
    assert_false(gdb_parse_hex(&s, &v));
    assert_ptr_equal(s, none);
    s = "";
    assert_false(gdb_parse_hex(&s, &v));
}

static void test_hex_bytes(void **state)
{
    (void)state;
    uint8_t out[4] = { 0 };
    assert_true(gdb_hex_to_bytes("00ff7Fa5", 4, out));
    static const uint8_t want[] = { 0x00, 0xff, 0x7f, 0xa5 };
    assert_memory_equal(out, want, 4);
    assert_false(gdb_hex_to_bytes("0g", 1, out));
    assert_false(gdb_hex_to_bytes("g0", 1, out));
    /* Shorter than asked: stops at the NUL (ASan would see a read past
     * the 3-byte array otherwise). */
    static const char shortstr[3] = "ab";
    assert_false(gdb_hex_to_bytes(shortstr, 2, out));
    assert_false(gdb_hex_to_bytes("a", 1, out));
    assert_true(gdb_hex_to_bytes("", 0, out));
    char hex[9];
    gdb_bytes_to_hex(want, 4, hex);
    assert_string_equal(hex, "00ff7fa5");
    gdb_bytes_to_hex(want, 0, hex);
    assert_string_equal(hex, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_real_traffic, setup),
        cmocka_unit_test_setup(test_single_bytes, setup),
        cmocka_unit_test_setup(test_bad_checksum, setup),
        cmocka_unit_test_setup(test_escapes, setup),
        cmocka_unit_test_setup(test_rle, setup),
        cmocka_unit_test_setup(test_rle_malformed, setup),
        cmocka_unit_test_setup(test_rle_overflow, setup),
        cmocka_unit_test_setup(test_oversized, setup),
        cmocka_unit_test_setup(test_garbage_between, setup),
        cmocka_unit_test_setup(test_restart, setup),
        cmocka_unit_test_setup(test_no_ack, setup),
        cmocka_unit_test_setup(test_frame, setup),
        cmocka_unit_test_setup(test_frame_round_trip, setup),
        cmocka_unit_test_setup(test_hex_digit, setup),
        cmocka_unit_test_setup(test_parse_hex, setup),
        cmocka_unit_test_setup(test_hex_bytes, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
