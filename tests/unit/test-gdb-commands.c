/*
 * The GDB stub's command handling, packets that do not resume the guest:
 * registers, memory, breakpoints and watchpoints, threads, queries and
 * qXfer (src/gdbstub/gdb-commands.c), driven through gdb-cmd-rig.h.
 *
 * Expected replies are written out by hand from the GDB manual's "Remote
 * Serial Protocol" appendix and the i386 register layout of gdb-i386.h
 * (little-endian register bytes in hex).
 */
#include "gdb-cmd-rig.h"

/* ---------------------------------------------------------------------
 * Stop replies and registers.
 */

static void test_stop_reply(void **state)
{
    (void)state;
    cpus[0].eip = 0x08048123u;
    cpus[0].regs[R_ESP] = 0xbffff000u;
    /* SIGTRAP is 5 for gdb too; eip is register 8, esp 4. */
    assert_reply("?", "T05thread:1;08:23810408;04:00f0ffbf;");

    S->stop_tid = 2;
    S->stop_sig = SIGBUS;     /* Linux 7, gdb 10 */
    strcpy(S->stop_reason, "swbreak:;");
    cpus[1].eip = 0x1000;
    cpus[1].regs[R_ESP] = 0x11223344u;
    assert_reply("?", "T0athread:2;swbreak:;08:00100000;04:44332211;");
}

/* Hex digits of register n within the 'g' reply (gdb-i386.h's order). */
static size_t g_offset(unsigned n)
{
    size_t off = 0;
    for (unsigned i = 0; i < n; i++)
        off += 2 * (i >= 16 && i < 24 ? 10 : i >= 32 && i < 40 ? 16 : 4);
    return off;
}

static void test_read_regs(void **state)
{
    (void)state;
    cpus[0].regs[R_EAX] = 0x12345678u;
    cpus[0].eip = 0x08049abcu;
    cpus[1].regs[R_EAX] = 0xcafef00du;
    const char *g = cmd("g");
    /* 16 * 4 + 8 * 10 + 8 * 4 + 8 * 16 + 4 + 4 = 312 bytes. */
    assert_int_equal(reply_len, 624);
    assert_int_equal(g_offset(8), 64);
    assert_int_equal(g_offset(40), 608);
    assert_memory_equal(g + 0, "78563412", 8);     /* eax */
    assert_memory_equal(g + 64, "bc9a0408", 8);    /* eip */
    assert_memory_equal(g + 72, "02020000", 8);    /* eflags: IF and bit 1 */
    assert_memory_equal(g + 80, "23000000", 8);    /* cs */
    assert_memory_equal(g + 88, "2b000000", 8);    /* ss */
    assert_memory_equal(g + 112, "00000000", 8);   /* fs: null */
    assert_memory_equal(g + 288, "7f030000", 8);   /* fctrl after FNINIT */
    assert_memory_equal(g + 608, "801f0000", 8);   /* mxcsr at reset */
    assert_memory_equal(g + 616, "ffffffff", 8);   /* orig_eax */
    /* Hg2: thread 2's registers. */
    assert_reply("Hg2", "OK");
    g = cmd("g");
    assert_int_equal(reply_len, 624);
    assert_memory_equal(g, "0df0feca", 8);
    /* 'g' takes no argument. */
    assert_reply("g0", "E16");
}

/* A GDT with the Linux user code (0x23) and data (0x2b) descriptors, so
 * that writing the selectors back is a valid MOV. */
static uint64_t gdt[8];

static void test_write_regs(void **state)
{
    (void)state;
    gdt[4] = 0x00cffb000000ffffull;
    gdt[5] = 0x00cff3000000ffffull;
    cpus[0].gdt = gdt;
    cpus[0].gdt_entries = 8;
    char g[625];
    cmd("g");
    assert_int_equal(reply_len, 624);
    memcpy(g, reply, 625);
    /* eax = 0xdeadbeef, ebx = 0x01020304, eip = 0x08048000, xmm1's
     * first bytes 0xaa 0xbb. */
    memcpy(g + 0, "efbeadde", 8);
    memcpy(g + 24, "04030201", 8);
    memcpy(g + 64, "00800408", 8);
    memcpy(g + g_offset(33), "aabb", 4);
    char G[626] = "G";
    memcpy(G + 1, g, 625);
    assert_reply(G, "OK");
    assert_int_equal(cpus[0].regs[R_EAX], 0xdeadbeefu);
    assert_int_equal(cpus[0].regs[R_EBX], 0x01020304u);
    assert_int_equal(cpus[0].eip, 0x08048000u);
    assert_int_equal(cpus[0].fxstate[I386_FX_XMM0 + 16], 0xaa);
    assert_int_equal(cpus[0].fxstate[I386_FX_XMM0 + 17], 0xbb);
    assert_string_equal(cmd("g"), g);

    /* A short packet, a bad digit: E16. */
    G[100] = '\0';
    assert_reply(G, "E16");
    G[100] = '0';
    G[5] = 'x';
    assert_reply(G, "E16");
}

static void test_read_reg(void **state)
{
    (void)state;
    cpus[0].eip = 0x0804a001u;
    assert_reply("p8", "01a00408");
    /* st0 (16 = 0x10): 1.0 is significand 0x8000000000000000, exponent
     * 0x3fff. */
    static const uint8_t one[10] = { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f };
    memcpy(cpus[0].fxstate + I386_FX_ST0, one, 10);
    assert_reply("p10", "0000000000000080ff3f");
    /* xmm0 (32 = 0x20). */
    for (int i = 0; i < 16; i++)
        cpus[0].fxstate[I386_FX_XMM0 + i] = (uint8_t)(0xf0 + i);
    assert_reply("p20", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    assert_reply("p28", "801f0000");   /* mxcsr (40) */
    assert_reply("p29", "ffffffff");   /* orig_eax (41) */
    /* No register 42; malformed numbers. */
    all_reply("E16", "p2a", "p", "pz", "p8;", NULL);
    assert_reply("p11111111111111111", "E16");   /* 17 digits */
}

static void test_write_reg(void **state)
{
    (void)state;
    assert_reply("P0=11223344", "OK");
    assert_int_equal(cpus[0].regs[R_EAX], 0x44332211u);
    assert_reply("P8=00900408", "OK");
    assert_int_equal(cpus[0].eip, 0x08049000u);
    assert_reply("p8", "00900408");
    /* st0: ten bytes. */
    assert_reply("P10=0102030405060708090a", "OK");
    static const uint8_t st[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    assert_memory_equal(cpus[0].fxstate + I386_FX_ST0, st, 10);
    /* xmm0: sixteen. */
    assert_reply("P20=000102030405060708090a0b0c0d0e0f", "OK");
    for (int i = 0; i < 16; i++)
        assert_int_equal(cpus[0].fxstate[I386_FX_XMM0 + i], i);
    /* mxcsr 0x1fa0 (PE set) is valid; bit 16 is reserved everywhere. */
    assert_reply("P28=a01f0000", "OK");
    assert_int_equal(cpus[0].fxstate[I386_FX_MXCSR], 0xa0);
    assert_reply("P28=00000100", "E16");
    assert_int_equal(cpus[0].fxstate[I386_FX_MXCSR + 2], 0x00);
    /* Not a register, wrong lengths, bad digits, no '='. */
    all_reply("E16", "P2a=11223344", "P0=112233", "P0=1122334455", "P0=1122zz44", "P0",
              "P=11223344", NULL);
    assert_int_equal(cpus[0].regs[R_EAX], 0x44332211u);
    /* Thread 2 through Hg. */
    REPLIES({ "Hg2", "OK" }, { "P1=78563412", "OK" });
    assert_int_equal(cpus[1].regs[R_ECX], 0x12345678u);
    assert_int_equal(cpus[0].regs[R_ECX], 0);
}

/* ---------------------------------------------------------------------
 * Memory.
 */

static void test_read_mem(void **state)
{
    (void)state;
    /* mem[i] = i & 0xff. */
    REPLIES({ "m10000,4", "00010203" }, { "m100fe,4", "feff0001" });
    assert_reply("m1FFFE,2", "feff");                 /* upper-case hex */
    assert_reply("m1fffe,4", "feff");                 /* the readable prefix */
    assert_reply("m20000,4", "E14");                  /* just past the end */
    assert_reply("mffff,4", "E14");                   /* starts before */
    assert_reply("mffffffffffffffff,10", "E14");      /* wraps around */
    all_reply("E16", "m10000", "m,4", "m10000,", "m10000,4x", "m10000,4,",
              "m11111111111111111,4", NULL);
    /* A huge length is capped to what a reply holds. */
    cmd("m10000,ffffffff");
    assert_int_equal(reply_len, 2 * (GDB_PACKET_SIZE / 2));
    assert_memory_equal(reply, "000102", 6);
    assert_memory_equal(reply + reply_len - 4, "feff", 4);   /* byte 0x1fff */
}

static void test_write_mem(void **state)
{
    (void)state;
    assert_reply("M10100,4:deadBEEF", "OK");
    static const uint8_t dead[4] = { 0xde, 0xad, 0xbe, 0xef };
    assert_memory_equal(mem + 0x100, dead, 4);
    REPLIES({ "m10100,4", "deadbeef" }, { "M10100,0:", "OK" });
    /* Outside the array, and straddling its end: nothing written. */
    REPLIES({ "M30000,1:00", "E14" }, { "M1ffff,2:1111", "E14" });
    assert_int_equal(mem[0xffff], 0xff);
    /* Odd hex, data length differing from the count, bad digits. */
    all_reply("E16", "M10100,2:abc", "M10100,2:aabbcc", "M10100,2:aa", "M10100,2:zzzz",
              "M10100,2", "M10100:aabb", NULL);
    assert_memory_equal(mem + 0x100, dead, 4);
}

static void test_write_mem_binary(void **state)
{
    (void)state;
    /* The reader has already unescaped "}]" into '}' and so on: the
     * payload holds the raw bytes, a NUL among them. */
    static const char pkt[] = "X10200,5:\x7d\x23\x00\x2a\x24";
    send_bin(pkt, sizeof(pkt) - 1);
    assert_false(resumed);
    assert_string_equal(reply, "OK");
    static const uint8_t want[5] = { 0x7d, 0x23, 0x00, 0x2a, 0x24 };
    assert_memory_equal(mem + 0x200, want, 5);
    /* gdb probes for X with an empty write. */
    assert_reply("X10200,0:", "OK");
    /* Count and data disagree. */
    send_bin(pkt, sizeof(pkt) - 2);
    assert_string_equal(reply, "E16");
    REPLIES({ "X10200,1:", "E16" }, { "X30000,1:a", "E14" });
}

/* ---------------------------------------------------------------------
 * Breakpoints and watchpoints.
 */

static void test_breakpoints(void **state)
{
    (void)state;
    assert_reply("Z0,8048000,1", "OK");
    assert_int_equal(rec.bp_calls, 1);
    assert_int_equal(rec.bp.addr, 0x8048000u);
    assert_true(rec.bp.insert);
    assert_reply("z0,8048000,1", "OK");
    assert_int_equal(rec.bp_calls, 2);
    assert_int_equal(rec.bp.addr, 0x8048000u);
    assert_false(rec.bp.insert);
    /* Hardware breakpoints are the same to us. */
    assert_reply("Z1,8048010,1", "OK");
    assert_int_equal(rec.bp.addr, 0x8048010u);
    assert_true(rec.bp.insert);
    assert_reply("z1,8048010,1", "OK");
    assert_false(rec.bp.insert);
    /* A condition list after the kind is gdb's business. */
    assert_reply("Z0,8048020,1;X2,2004", "OK");
    assert_int_equal(rec.bp.addr, 0x8048020u);
    assert_int_equal(rec.bp_calls, 5);
    assert_int_equal(rec.wp_calls, 0);

    /* Z2 write, Z3 read, Z4 access: types 1, 2, 3, kind = length. */
    assert_reply("Z2,10100,4", "OK");
    assert_int_equal(rec.wp_calls, 1);
    assert_int_equal(rec.wp.addr, 0x10100u);
    assert_int_equal(rec.wp.len, 4);
    assert_int_equal(rec.wp.type, 1);
    assert_true(rec.wp.insert);
    assert_reply("Z3,10200,2", "OK");
    assert_int_equal(rec.wp.type, 2);
    assert_int_equal(rec.wp.len, 2);
    assert_reply("Z4,10300,8", "OK");
    assert_int_equal(rec.wp.type, 3);
    assert_int_equal(rec.wp.addr, 0x10300u);
    assert_reply("z4,10300,8", "OK");
    assert_int_equal(rec.wp.type, 3);
    assert_false(rec.wp.insert);
    assert_int_equal(rec.wp_calls, 4);

    /* Unknown types are unsupported; bad lengths and syntax E16. */
    REPLIES({ "Z5,10000,1", "" }, { "Z2,10000,0", "E16" });
    assert_reply("Z2,ffffffffffffffff,2", "E16");   /* wraps */
    all_reply("E16", "Z2,10000,10001", "Z0,10000", "Z0", "Z", "Z0;10000,1", NULL);
    assert_int_equal(rec.wp_calls, 4);
    assert_int_equal(rec.bp_calls, 5);

    /* A full table: ENOSPC on insert. */
    rec.full = true;
    REPLIES({ "Z0,8048000,1", "E28" }, { "Z2,10100,4", "E28" });
}

/* ---------------------------------------------------------------------
 * Threads and queries.
 */

static void test_threads(void **state)
{
    (void)state;
    assert_reply("Hg2", "OK");
    assert_int_equal(S->g_tid, 2);
    assert_reply("Hg-1", "OK");
    assert_int_equal(S->g_tid, 0);
    assert_reply("Hg1", "OK");
    assert_int_equal(S->g_tid, 1);
    assert_reply("Hg0", "OK");
    assert_int_equal(S->g_tid, 0);
    assert_reply("Hg3", "E03");
    assert_int_equal(S->g_tid, 0);
    assert_reply("Hc2", "OK");
    assert_int_equal(S->c_tid, 2);
    assert_reply("Hc-1", "OK");
    assert_int_equal(S->c_tid, 0);
    REPLIES({ "Hc0", "OK" }, { "Hc7", "E03" });
    all_reply("E16", "Hx1", "Hg", "H", "Hgz", "Hg1,", NULL);

    REPLIES({ "T1", "OK" }, { "T2", "OK" });
    all_reply("E03", "T3", "T0", "T-1", "T", NULL);
    REPLIES({ "qC", "QC1" }, { "qfThreadInfo", "m1,2" }, { "qsThreadInfo", "l" });

    /* Thread 2 exits. */
    alive[1] = false;
    REPLIES({ "T2", "E03" }, { "Hg2", "E03" }, { "qfThreadInfo", "m1" });
    S->stop_tid = 2;
    assert_reply("qC", "QC2");
}

static void test_queries(void **state)
{
    (void)state;
    const char *r = cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    assert_non_null(strstr(r, "PacketSize=4000"));
    assert_non_null(strstr(r, "qXfer:features:read+"));
    assert_non_null(strstr(r, "qXfer:auxv:read+"));
    assert_non_null(strstr(r, "qXfer:exec-file:read+"));
    assert_non_null(strstr(r, "QStartNoAckMode+"));
    assert_non_null(strstr(r, "vContSupported+"));
    assert_null(strstr(r, "multiprocess"));
    REPLIES({ "qAttached", "0" }, { "qAttached:1", "0" },
            { "qOffsets", "Text=0;Data=0;Bss=0" }, { "qSymbol::", "OK" },
            { "vCont?", "vCont;c;C;s;S" });
    /* Unknown packets: the empty reply. */
    all_reply("", "qFooBar", "qTStatus", "vMustReplyEmpty", "vCont", "!", "QNonStop:1",
              "\x7f", "", NULL);
    /* No-ack mode: OK, then the stub stops expecting acks. */
    assert_reply("QStartNoAckMode", "OK");
    assert_true(S->no_ack);
    assert_true(S->rd.no_ack);
}

static void test_xfer_features(void **state)
{
    (void)state;
    const char *xml = i386_gdb_target.xml("target.xml");
    assert_non_null(xml);
    size_t total = strlen(xml);
    char want[GDB_PACKET_MAX];

    assert_reply("qXfer:features:read:target.xml:0,10", "m<?xml version=\"1");
    /* The whole document fits in 0xfff bytes: 'l' for the last part. */
    snprintf(want, sizeof(want), "l%s", xml);
    assert_reply("qXfer:features:read:target.xml:0,fff", want);
    /* From the middle: offset 0x10, 8 bytes. */
    snprintf(want, sizeof(want), "m%.8s", xml + 16);
    assert_reply("qXfer:features:read:target.xml:10,8", want);
    /* The last 5 bytes, asked for 0x10. */
    char pkt[80];
    snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,10", total - 5);
    snprintf(want, sizeof(want), "l%s", xml + total - 5);
    assert_reply(pkt, want);
    /* At and past the end. */
    snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,10", total);
    assert_reply(pkt, "l");
    assert_reply("qXfer:features:read:target.xml:ffffffff,10", "l");
    /* The included documents are served too. */
    assert_reply("qXfer:features:read:i386-linux.xml:0,5", "m<?xml");
    /* Unknown annex; malformed. */
    REPLIES({ "qXfer:features:read:nosuch.xml:0,10", "E00" },
            { "qXfer:features:read::0,10", "E00" });
    all_reply("E16", "qXfer:features:read:target.xml:0", "qXfer:features:read:target.xml:,10",
              "qXfer:features:read:target.xml", "qXfer:features", "qXfer:", NULL);
    /* Writes are not supported. */
    assert_reply("qXfer:features:write:target.xml:0:abc", "");
}

static void test_xfer_auxv(void **state)
{
    (void)state;
    char want[64];
    /* All of it, with '#', '$', '}' and '*' escaped on the wire. */
    want[0] = 'l';
    memcpy(want + 1, auxv, sizeof(auxv));
    cmd("qXfer:auxv:read::0,100");
    assert_int_equal(reply_len, 1 + sizeof(auxv));
    assert_memory_equal(reply, want, 1 + sizeof(auxv));
    /* Slices: 8 bytes from 4 ('m': there is more), 10 from 20. */
    cmd("qXfer:auxv:read::4,8");
    assert_int_equal(reply_len, 9);
    assert_int_equal(reply[0], 'm');
    assert_memory_equal(reply + 1, auxv + 4, 8);
    cmd("qXfer:auxv:read::14,10");
    assert_int_equal(reply_len, 5);
    assert_int_equal(reply[0], 'l');
    assert_memory_equal(reply + 1, auxv + 20, 4);
    REPLIES({ "qXfer:auxv:read::18,10", "l" }, { "qXfer:auxv:read::100,10", "l" });

    REPLIES({ "qXfer:exec-file:read::0,fff", "l/bin/prog" },
            { "qXfer:exec-file:read:1:0,fff", "l/bin/prog" },
            { "qXfer:exec-file:read::4,3", "m/pr" });
    /* An object the front end does not have. */
    assert_reply("qXfer:libraries:read::0,fff", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_stop_reply),
        T(test_read_regs),
        T(test_write_regs),
        T(test_read_reg),
        T(test_write_reg),
        T(test_read_mem),
        T(test_write_mem),
        T(test_write_mem_binary),
        T(test_breakpoints),
        T(test_threads),
        T(test_queries),
        T(test_xfer_features),
        T(test_xfer_auxv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
