/*
 * The i386 register description for the GDB stub (src/targets/i386/
 * gdb-i386.c): the target description documents list the registers in
 * the documented order with the right sizes and types; every register
 * reads what a hand-built CPU state holds (lazy flags, the full x87 tag
 * word at several TOP values); writes come back; refused writes (CS, a
 * bad selector, reserved MXCSR bits) leave the CPU exactly as it was.
 * Expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "targets/i386/fpu.h"
#include "targets/i386/fpu-thunk.h"
#include "targets/i386/gdb-i386.h"
#include "targets/i386/translate.h"
#include "util/bytes.h"

static const GdbTargetDesc *const T = &i386_gdb_target;

/* ---------------------------------------------------------------------
 * The documents.
 */

typedef struct ExpReg {
    const char *name;
    unsigned bitsize;
    const char *type;
} ExpReg;

static const ExpReg exp_regs[42] = {
    { "eax", 32, "int32" }, { "ecx", 32, "int32" }, { "edx", 32, "int32" },
    { "ebx", 32, "int32" }, { "esp", 32, "data_ptr" }, { "ebp", 32, "data_ptr" },
    { "esi", 32, "int32" }, { "edi", 32, "int32" },
    { "eip", 32, "code_ptr" }, { "eflags", 32, "i386_eflags" },
    { "cs", 32, "int32" }, { "ss", 32, "int32" }, { "ds", 32, "int32" },
    { "es", 32, "int32" }, { "fs", 32, "int32" }, { "gs", 32, "int32" },
    { "st0", 80, "i387_ext" }, { "st1", 80, "i387_ext" }, { "st2", 80, "i387_ext" },
    { "st3", 80, "i387_ext" }, { "st4", 80, "i387_ext" }, { "st5", 80, "i387_ext" },
    { "st6", 80, "i387_ext" }, { "st7", 80, "i387_ext" },
    { "fctrl", 32, "int" }, { "fstat", 32, "int" }, { "ftag", 32, "int" },
    { "fiseg", 32, "int" }, { "fioff", 32, "int" }, { "foseg", 32, "int" },
    { "fooff", 32, "int" }, { "fop", 32, "int" },
    { "xmm0", 128, "vec128" }, { "xmm1", 128, "vec128" }, { "xmm2", 128, "vec128" },
    { "xmm3", 128, "vec128" }, { "xmm4", 128, "vec128" }, { "xmm5", 128, "vec128" },
    { "xmm6", 128, "vec128" }, { "xmm7", 128, "vec128" },
    { "mxcsr", 32, "i386_mxcsr" }, { "orig_eax", 32, "int32" },
};

/* The value of attribute attr inside the element text [el, end), copied
 * to out; false if absent. */
static bool attr(const char *el, const char *end, const char *attr, char *out, size_t size)
{
    char key[32];
    snprintf(key, sizeof(key), " %s=\"", attr);
    const char *a = strstr(el, key);
    if (!a || a >= end)
        return false;
    a += strlen(key);
    const char *q = strchr(a, '"');
    assert_non_null(q);
    assert_true(q < end);
    assert_true((size_t)(q - a) < size);
    memcpy(out, a, (size_t)(q - a));
    out[q - a] = 0;
    return true;
}

typedef struct Scan {
    unsigned nregs;
    ExpReg regs[64];
    char names[64][16], types[64][16];
    unsigned nfeatures;
    char features[8][40];
} Scan;

/* Collects <feature name=...> and <reg .../> elements of doc in order. */
static void scan_doc(Scan *s, const char *doc)
{
    for (const char *p = strchr(doc, '<'); p; p = strchr(p + 1, '<')) {
        const char *end = strchr(p, '>');
        assert_non_null(end);
        char buf[40];
        if (strncmp(p, "<feature ", 9) == 0) {
            assert_true(s->nfeatures < 8);
            assert_true(attr(p, end, "name", s->features[s->nfeatures], 40));
            s->nfeatures++;
        } else if (strncmp(p, "<reg ", 5) == 0) {
            assert_true(s->nregs < 64);
            unsigned i = s->nregs++;
            assert_true(attr(p, end, "name", s->names[i], 16));
            assert_true(attr(p, end, "type", s->types[i], 16));
            assert_true(attr(p, end, "bitsize", buf, sizeof(buf)));
            s->regs[i] = (ExpReg){ s->names[i], (unsigned)atoi(buf), s->types[i] };
            /* No regnum attributes: numbering is by order alone. */
            assert_false(attr(p, end, "regnum", buf, sizeof(buf)));
        }
    }
}

static void test_xml_registers(void **state)
{
    (void)state;
    const char *target = T->xml("target.xml");
    assert_non_null(target);
    assert_non_null(strstr(target, "<architecture>i386</architecture>"));
    assert_non_null(strstr(target, "<osabi>GNU/Linux</osabi>"));

    /* Walk target.xml, expanding each xi:include where it stands. */
    Scan s = { 0 };
    unsigned includes = 0;
    scan_doc(&s, target);
    for (const char *p = strstr(target, "<xi:include "); p; p = strstr(p + 1, "<xi:include ")) {
        char href[64];
        assert_true(attr(p, strchr(p, '>'), "href", href, sizeof(href)));
        const char *doc = T->xml(href);
        assert_non_null(doc);
        scan_doc(&s, doc);
        includes++;
    }
    assert_int_equal(includes, 3);
    assert_int_equal(s.nfeatures, 3);
    assert_string_equal(s.features[0], "org.gnu.gdb.i386.core");
    assert_string_equal(s.features[1], "org.gnu.gdb.i386.sse");
    assert_string_equal(s.features[2], "org.gnu.gdb.i386.linux");

    assert_int_equal(s.nregs, 42);
    assert_int_equal(T->nb_regs, 42);
    for (unsigned i = 0; i < 42; i++) {
        assert_string_equal(s.regs[i].name, exp_regs[i].name);
        assert_string_equal(T->reg_name(i), exp_regs[i].name);
        assert_int_equal(s.regs[i].bitsize, exp_regs[i].bitsize);
        assert_string_equal(s.regs[i].type, exp_regs[i].type);
        assert_int_equal(T->reg_size(i) * 8, exp_regs[i].bitsize);
    }
    assert_int_equal(T->reg_size(42), 0);
    assert_int_equal(T->reg_size(1000), 0);
    assert_int_equal(T->pc_regnum, 8);
    assert_int_equal(T->sp_regnum, 4);

    /* The flag types gdb shows, with their bit positions. */
    const char *core = T->xml("i386-core.xml"), *sse = T->xml("i386-sse.xml");
    assert_non_null(strstr(core, "<flags id=\"i386_eflags\" size=\"4\">"));
    static const char *const eflags[][2] = {
        { "CF", "0" }, { "PF", "2" }, { "AF", "4" }, { "ZF", "6" }, { "SF", "7" },
        { "TF", "8" }, { "IF", "9" }, { "DF", "10" }, { "OF", "11" }, { "NT", "14" },
        { "RF", "16" }, { "VM", "17" }, { "AC", "18" }, { "VIF", "19" },
        { "VIP", "20" }, { "ID", "21" },
    };
    char want[96];
    for (size_t i = 0; i < sizeof(eflags) / sizeof(eflags[0]); i++) {
        snprintf(want, sizeof(want), "<field name=\"%s\" start=\"%s\" end=\"%s\"/>",
                 eflags[i][0], eflags[i][1], eflags[i][1]);
        assert_non_null(strstr(core, want));
    }
    assert_non_null(strstr(sse, "<flags id=\"i386_mxcsr\" size=\"4\">"));
    static const char *const mxcsr[][2] = {
        { "IE", "0" }, { "DE", "1" }, { "ZE", "2" }, { "OE", "3" }, { "UE", "4" },
        { "PE", "5" }, { "DAZ", "6" }, { "IM", "7" }, { "DM", "8" }, { "ZM", "9" },
        { "OM", "10" }, { "UM", "11" }, { "PM", "12" }, { "FZ", "15" },
    };
    for (size_t i = 0; i < sizeof(mxcsr) / sizeof(mxcsr[0]); i++) {
        snprintf(want, sizeof(want), "<field name=\"%s\" start=\"%s\" end=\"%s\"/>",
                 mxcsr[i][0], mxcsr[i][1], mxcsr[i][1]);
        assert_non_null(strstr(sse, want));
    }
    assert_non_null(strstr(sse, "<union id=\"vec128\">"));

    assert_null(T->xml("nonexistent.xml"));
    assert_null(T->xml(""));
    assert_null(T->xml(NULL));
}

/* Every document parses as XML (python3's parser, when there is one). */
static void test_xml_well_formed(void **state)
{
    (void)state;
    if (system("command -v python3 >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    char dir[64];
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/gdb-xml-XXXXXX", t && *t ? t : "/tmp");
    assert_non_null(mkdtemp(dir));
    static const char *const annexes[] = {
        "target.xml", "i386-core.xml", "i386-sse.xml", "i386-linux.xml",
    };
    for (size_t i = 0; i < 4; i++) {
        char path[128], cmd[256];
        snprintf(path, sizeof(path), "%s/%s", dir, annexes[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(T->xml(annexes[i]), f);
        assert_int_equal(fclose(f), 0);
        snprintf(cmd, sizeof(cmd),
                 "python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' %s",
                 path);
        int rc = system(cmd);
        unlink(path);
        assert_int_equal(rc, 0);
    }
    rmdir(dir);
}

/* ---------------------------------------------------------------------
 * Reading.
 */

static uint32_t rd32(I386CPU *cpu, unsigned n)
{
    uint8_t buf[GDB_MAX_REG_SIZE];
    assert_int_equal(T->reg_size(n), 4);
    T->read_reg(&cpu->parent, n, buf);
    return ld_le32(buf);
}

static bool wr32(I386CPU *cpu, unsigned n, uint32_t v)
{
    uint8_t buf[4];
    st_le32(buf, v);
    return T->write_reg(&cpu->parent, n, buf);
}

/* An 80-bit value into ST slot i of fxstate. */
static void set_st(I386CPU *cpu, unsigned i, uint16_t sign_exp, uint64_t mant)
{
    uint8_t *r = cpu->fxstate + I386_FX_ST0 + 16 * i;
    st_le32(r, (uint32_t)mant);
    st_le32(r + 4, (uint32_t)(mant >> 32));
    st_le16(r + 8, sign_exp);
}

static void test_read_core(void **state)
{
    (void)state;
    I386CPU cpu;
    i386_cpu_init(&cpu, NULL);
    for (unsigned i = 0; i < 8; i++)
        cpu.regs[i] = 0x11111111u * (i + 1);
    cpu.regs[R_ESP] = 0xbffff000u;
    cpu.eip = 0x08048123u;
    /* Distinct selectors in segs[] order (ES CS SS DS FS GS); reading
     * looks at the selector only. */
    cpu.segs[R_ES].selector = 0x10;
    cpu.segs[R_CS].selector = 0x23;
    cpu.segs[R_SS].selector = 0x2b;
    cpu.segs[R_DS].selector = 0x33;
    cpu.segs[R_FS].selector = 0x63;
    cpu.segs[R_GS].selector = 0x6b;

    assert_int_equal(rd32(&cpu, 0), 0x11111111u);   /* eax */
    assert_int_equal(rd32(&cpu, 1), 0x22222222u);   /* ecx */
    assert_int_equal(rd32(&cpu, 2), 0x33333333u);   /* edx */
    assert_int_equal(rd32(&cpu, 3), 0x44444444u);   /* ebx */
    assert_int_equal(rd32(&cpu, 4), 0xbffff000u);   /* esp */
    assert_int_equal(rd32(&cpu, 5), 0x66666666u);   /* ebp */
    assert_int_equal(rd32(&cpu, 6), 0x77777777u);   /* esi */
    assert_int_equal(rd32(&cpu, 7), 0x88888888u);   /* edi */
    assert_int_equal(rd32(&cpu, 8), 0x08048123u);
    assert_int_equal(T->get_pc(&cpu.parent), 0x08048123u);
    assert_int_equal(rd32(&cpu, 10), 0x23);   /* cs */
    assert_int_equal(rd32(&cpu, 11), 0x2b);   /* ss */
    assert_int_equal(rd32(&cpu, 12), 0x33);   /* ds */
    assert_int_equal(rd32(&cpu, 13), 0x10);   /* es */
    assert_int_equal(rd32(&cpu, 14), 0x63);   /* fs */
    assert_int_equal(rd32(&cpu, 15), 0x6b);   /* gs */
    /* No system call to restart. */
    assert_int_equal(rd32(&cpu, 41), 0xffffffffu);
}

static void test_read_eflags_lazy(void **state)
{
    (void)state;
    I386CPU cpu;
    i386_cpu_init(&cpu, NULL);
    assert_int_equal(rd32(&cpu, 9), 0x202);

    /* ADD 0xffffffff + 1 = 0: CF (carry out), ZF, PF (low byte 0 has
     * even parity), AF (carry out of bit 3); SF, OF clear:
     * 0x202 | 0x01 | 0x04 | 0x10 | 0x40 = 0x257. */
    cpu.cc_op = CC_OP_ADDL;
    cpu.cc_dst = 0;
    cpu.cc_src = 1;
    assert_int_equal(rd32(&cpu, 9), 0x257);

    /* ADD 0x7fffffff + 1 = 0x80000000: SF, OF (positive + positive gave
     * negative), AF, PF; no CF, no ZF: 0x202 | 0x80 | 0x800 | 0x10 | 0x04
     * = 0xa96.  With DF set (df = -1): | 0x400 = 0xe96. */
    cpu.cc_dst = 0x80000000u;
    cpu.cc_src = 1;
    assert_int_equal(rd32(&cpu, 9), 0xa96);
    cpu.df = -1;
    assert_int_equal(rd32(&cpu, 9), 0xe96);

    /* ADD byte 0x80 + 0x80 = 0x00 (cc_dst holds the byte result): CF, OF,
     * ZF, PF; AF clear: 0x602 | 0x01 | 0x800 | 0x40 | 0x04 = 0xe47. */
    cpu.cc_op = CC_OP_ADDB;
    cpu.cc_dst = 0;
    cpu.cc_src = 0x80;
    assert_int_equal(rd32(&cpu, 9), 0xe47);
}

/* The x87 state used by the ftag tests: ST(i) holds the same kinds at
 * every TOP (the image is in stack order):
 *   ST0  1.0 (exponent 0x3fff, J set)          valid   0
 *   ST1  +0                                      zero    1
 *   ST2  +infinity (0x7fff, J set)               special 2
 *   ST3  denormal (exponent 0, significand 1)    special 2
 *   ST4  unnormal (0x3fff, J clear, nonzero)     special 2
 *   ST5  1.0, but its register is empty          empty   3
 *   ST6  a quiet NaN (0x7fff, 0xc000...)         special 2
 *   ST7  -0 (sign set, exponent 0)               zero    1
 */
static void setup_x87_kinds(I386CPU *cpu, unsigned top)
{
    set_st(cpu, 0, 0x3fff, 0x8000000000000000ull);
    set_st(cpu, 1, 0x0000, 0);
    set_st(cpu, 2, 0x7fff, 0x8000000000000000ull);
    set_st(cpu, 3, 0x0000, 1);
    set_st(cpu, 4, 0x3fff, 0x4000000000000000ull);
    set_st(cpu, 5, 0x3fff, 0x8000000000000000ull);
    set_st(cpu, 6, 0x7fff, 0xc000000000000000ull);
    set_st(cpu, 7, 0x8000, 0);
    st_le16(cpu->fxstate + I386_FX_FSW, (uint16_t)(top << 11));
    /* Abridged tag: physical register (TOP + 5) & 7 empty. */
    cpu->fxstate[I386_FX_FTW] = (uint8_t)~(1u << ((top + 5) & 7));
}

static void test_read_ftag(void **state)
{
    (void)state;
    I386CPU cpu;
    i386_cpu_init(&cpu, NULL);
    /* FNINIT: every register empty. */
    assert_int_equal(rd32(&cpu, 26), 0xffff);

    /* TOP = 0: physical p = ST(p).  Tags p0..p7 = 0 1 2 2 2 3 2 1:
     * 0x0000 | 0x0004 | 0x0020 | 0x0080 | 0x0200 | 0x0c00 | 0x2000 |
     * 0x4000 = 0x6ea4. */
    setup_x87_kinds(&cpu, 0);
    assert_int_equal(cpu.fxstate[I386_FX_FTW], 0xdf);
    assert_int_equal(rd32(&cpu, 26), 0x6ea4);

    /* TOP = 3: p = (3 + i) & 7, so p0..p7 hold ST5 ST6 ST7 ST0 ST1 ST2
     * ST3 ST4: tags 3 2 1 0 1 2 2 2: 0x0003 | 0x0008 | 0x0010 | 0 |
     * 0x0100 | 0x0800 | 0x2000 | 0x8000 = 0xa91b. */
    setup_x87_kinds(&cpu, 3);
    assert_int_equal(cpu.fxstate[I386_FX_FTW], 0xfe);
    assert_int_equal(rd32(&cpu, 26), 0xa91b);

    /* TOP = 7: p0..p7 hold ST1 ST2 ST3 ST4 ST5 ST6 ST7 ST0: tags 1 2 2 2 3
     * 2 1 0: 0x0001 | 0x0008 | 0x0020 | 0x0080 | 0x0300 | 0x0800 | 0x1000
     * | 0 = 0x1ba9. */
    setup_x87_kinds(&cpu, 7);
    assert_int_equal(cpu.fxstate[I386_FX_FTW], 0xef);
    assert_int_equal(rd32(&cpu, 26), 0x1ba9);
    assert_int_equal(rd32(&cpu, 25), 0x3800);   /* fstat: TOP 7 */

    /* The st registers are the image's slots, in stack order. */
    uint8_t buf[GDB_MAX_REG_SIZE];
    T->read_reg(&cpu.parent, 16 + 4, buf);
    static const uint8_t st4[10] = { 0, 0, 0, 0, 0, 0, 0, 0x40, 0xff, 0x3f };
    assert_memory_equal(buf, st4, 10);
    T->read_reg(&cpu.parent, 16 + 7, buf);
    static const uint8_t st7[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x80 };
    assert_memory_equal(buf, st7, 10);
}

static void test_read_fpu_env_sse(void **state)
{
    (void)state;
    I386CPU cpu;
    i386_cpu_init(&cpu, NULL);
    uint8_t *fx = cpu.fxstate;
    st_le16(fx + I386_FX_FCW, 0x027f);
    st_le16(fx + I386_FX_FSW, 0x3020);
    st_le16(fx + I386_FX_FOP, 0x05d9);
    st_le32(fx + I386_FX_FIP, 0x08049abcu);
    st_le16(fx + I386_FX_FCS, 0x0023);
    st_le32(fx + I386_FX_FDP, 0x0804c010u);
    st_le16(fx + I386_FX_FDS, 0x002b);
    st_le32(fx + I386_FX_MXCSR, 0x1fa0);
    for (unsigned i = 0; i < 16; i++)
        fx[I386_FX_XMM0 + 16 * 5 + i] = (uint8_t)(0xa0 + i);

    assert_int_equal(rd32(&cpu, 24), 0x027f);       /* fctrl */
    assert_int_equal(rd32(&cpu, 25), 0x3020);       /* fstat */
    assert_int_equal(rd32(&cpu, 27), 0x0023);       /* fiseg */
    assert_int_equal(rd32(&cpu, 28), 0x08049abcu);  /* fioff */
    assert_int_equal(rd32(&cpu, 29), 0x002b);       /* foseg */
    assert_int_equal(rd32(&cpu, 30), 0x0804c010u);  /* fooff */
    assert_int_equal(rd32(&cpu, 31), 0x05d9);       /* fop */
    assert_int_equal(rd32(&cpu, 40), 0x1fa0);       /* mxcsr */

    uint8_t buf[GDB_MAX_REG_SIZE];
    assert_int_equal(T->reg_size(32 + 5), 16);
    T->read_reg(&cpu.parent, 32 + 5, buf);
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(buf[i], 0xa0 + i);
    T->read_reg(&cpu.parent, 32 + 4, buf);
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(buf[i], 0);
}

/* ---------------------------------------------------------------------
 * Writing.
 */

/* A GDT as Linux sets up: flat user code (4) and data (5), a TLS entry
 * (12) based at 0x12345000, a system descriptor (13, an LDT). */
static uint64_t gdt[16];

static void cpu_with_gdt(I386CPU *cpu)
{
    i386_cpu_init(cpu, NULL);
    memset(gdt, 0, sizeof(gdt));
    gdt[4] = 0x00cffb000000ffffull;
    gdt[5] = 0x00cff3000000ffffull;
    gdt[12] = 0x12cff3345000ffffull;
    gdt[13] = 0x0000e20000000000ull | 0xffull;
    cpu->gdt = gdt;
    cpu->gdt_entries = 16;
}

static void test_write_roundtrip(void **state)
{
    (void)state;
    I386CPU cpu;
    cpu_with_gdt(&cpu);
    uint8_t buf[GDB_MAX_REG_SIZE];

    for (unsigned n = 0; n < 9; n++) {
        assert_true(wr32(&cpu, n, 0xdead0000u + n));
        assert_int_equal(rd32(&cpu, n), 0xdead0000u + n);
    }
    assert_int_equal(cpu.regs[R_EBX], 0xdead0003u);
    assert_int_equal(cpu.regs[R_ESP], 0xdead0004u);
    assert_int_equal(cpu.eip, 0xdead0008u);

    /* eflags: only CF PF AF ZF SF TF DF OF AC ID change; IF stays set,
     * bit 1 reads 1: 0x240dd5 | 0x202 = 0x240fd7. */
    assert_true(wr32(&cpu, 9, 0xffffffffu));
    assert_int_equal(rd32(&cpu, 9), 0x240fd7);
    assert_int_equal(cpu.df, -1);
    assert_true(cpu.hflags & I386_HF_TF);
    assert_true(wr32(&cpu, 9, 0));
    assert_int_equal(rd32(&cpu, 9), 0x202);
    assert_int_equal(cpu.df, 1);
    assert_false(cpu.hflags & I386_HF_TF);
    assert_true(wr32(&cpu, 9, 0x0c1));   /* CF ZF SF */
    assert_int_equal(rd32(&cpu, 9), 0x2c3);

    /* Segments: a MOV; the TLS entry's base comes from the GDT. */
    assert_true(wr32(&cpu, 15, 0x63));    /* gs = GDT 12, RPL 3 */
    assert_int_equal(rd32(&cpu, 15), 0x63);
    assert_int_equal(cpu.segs[R_GS].base, 0x12345000u);
    assert_true(wr32(&cpu, 14, 0));       /* fs = null */
    assert_int_equal(rd32(&cpu, 14), 0);
    assert_true(wr32(&cpu, 13, 0x2b));    /* es = user data */
    assert_true(wr32(&cpu, 12, 0x63));    /* ds = TLS entry */
    assert_int_equal(cpu.segs[R_DS].base, 0x12345000u);
    assert_true(cpu.hflags & I386_HF_ADDSEG);
    assert_true(wr32(&cpu, 12, 0x2b));
    assert_false(cpu.hflags & I386_HF_ADDSEG);
    assert_true(wr32(&cpu, 11, 0x2b));    /* ss */
    /* CS: its current value only (a 'G' packet writes it back). */
    assert_true(wr32(&cpu, 10, 0x23));
    assert_int_equal(cpu.parent.exception_index, EXCP_NONE);

    /* st and xmm registers. */
    static const uint8_t pi[10] = { 0x35, 0xc2, 0x68, 0x21, 0xa2, 0xda, 0x0f, 0xc9, 0x00, 0x40 };
    assert_true(T->write_reg(&cpu.parent, 16 + 2, pi));
    T->read_reg(&cpu.parent, 16 + 2, buf);
    assert_memory_equal(buf, pi, 10);
    assert_memory_equal(cpu.fxstate + I386_FX_ST0 + 32, pi, 10);
    uint8_t x[16];
    for (unsigned i = 0; i < 16; i++)
        x[i] = (uint8_t)(0x10 * i + 1);
    assert_true(T->write_reg(&cpu.parent, 32 + 7, x));
    T->read_reg(&cpu.parent, 32 + 7, buf);
    assert_memory_equal(buf, x, 16);
    assert_memory_equal(cpu.fxstate + I386_FX_XMM0 + 7 * 16, x, 16);

    /* FCW/FSW: ES and B follow the unmasked exception flags. */
    assert_true(wr32(&cpu, 25, 0x3801));   /* TOP 7, IE; FCW 0x37f masks it */
    assert_int_equal(rd32(&cpu, 25), 0x3801);
    assert_true(wr32(&cpu, 24, 0x037e));   /* IE unmasked: ES, B */
    assert_int_equal(rd32(&cpu, 24), 0x037e);
    assert_int_equal(rd32(&cpu, 25), 0xb881);
    assert_true(wr32(&cpu, 25, 0x0080));   /* ES alone, no flag: cleared */
    assert_int_equal(rd32(&cpu, 25), 0x0000);
    assert_true(wr32(&cpu, 24, 0x037f));

    /* ftag: the abridged bit of each physical register is (tag != 3);
     * reading gives the tags the contents imply. */
    setup_x87_kinds(&cpu, 3);
    assert_true(wr32(&cpu, 26, 0xffff));
    assert_int_equal(cpu.fxstate[I386_FX_FTW], 0x00);
    assert_int_equal(rd32(&cpu, 26), 0xffff);
    assert_true(wr32(&cpu, 26, 0xa91b));
    assert_int_equal(cpu.fxstate[I386_FX_FTW], 0xfe);
    assert_int_equal(rd32(&cpu, 26), 0xa91b);
    /* All "valid" (0): every register in use, tags from the contents;
     * p0 holds ST5 = 1.0, valid: 0xa918. */
    assert_true(wr32(&cpu, 26, 0));
    assert_int_equal(cpu.fxstate[I386_FX_FTW], 0xff);
    assert_int_equal(rd32(&cpu, 26), 0xa918);

    /* Pointers and opcode. */
    I386FpuHost *host = i386_fpu_host();
    bool zero = host->fcs_fds_zero;
    host->fcs_fds_zero = false;
    assert_true(wr32(&cpu, 27, 0x1b));
    assert_true(wr32(&cpu, 28, 0x0804aaaau));
    assert_true(wr32(&cpu, 29, 0x2b));
    assert_true(wr32(&cpu, 30, 0x0804bbbbu));
    assert_true(wr32(&cpu, 31, 0xffff));
    assert_int_equal(rd32(&cpu, 27), 0x1b);
    assert_int_equal(rd32(&cpu, 28), 0x0804aaaau);
    assert_int_equal(rd32(&cpu, 29), 0x2b);
    assert_int_equal(rd32(&cpu, 30), 0x0804bbbbu);
    assert_int_equal(rd32(&cpu, 31), 0x7ff);   /* 11 bits */
    assert_int_equal(ld_le16(cpu.fxstate + I386_FX_FOP), 0x7ff);
    /* A host that no longer stores FCS/FDS drops the value. */
    host->fcs_fds_zero = true;
    assert_true(wr32(&cpu, 27, 0x1b));
    assert_true(wr32(&cpu, 29, 0x2b));
    assert_int_equal(rd32(&cpu, 27), 0);
    assert_int_equal(rd32(&cpu, 29), 0);
    host->fcs_fds_zero = zero;

    /* MXCSR: FZ | RC=up | all masked | PE = 0x8000 | 0x4000 | 0x1f80 |
     * 0x20. */
    assert_true(wr32(&cpu, 40, 0xdfa0));
    assert_int_equal(rd32(&cpu, 40), 0xdfa0);

    /* orig_eax: accepted, ignored. */
    assert_true(wr32(&cpu, 41, 11));
    assert_int_equal(rd32(&cpu, 41), 0xffffffffu);
}

/* A refused write returns false and changes nothing at all. */
static void refused(I386CPU *cpu, unsigned n, uint32_t v)
{
    I386CPU before;
    memcpy(&before, cpu, sizeof(before));
    assert_false(wr32(cpu, n, v));
    assert_memory_equal(&before, cpu, sizeof(before));
}

static void test_write_refused(void **state)
{
    (void)state;
    I386CPU cpu;
    cpu_with_gdt(&cpu);
    assert_true(wr32(&cpu, 15, 0x63));

    refused(&cpu, 10, 0x2b);        /* cs: another selector */
    refused(&cpu, 10, 0x0);
    refused(&cpu, 12, 0x83);        /* ds: GDT 16, beyond the table */
    refused(&cpu, 12, 0x6b);        /* ds: GDT 13, a system descriptor */
    refused(&cpu, 12, 0x2f);        /* ds: LDT 5, no LDT */
    refused(&cpu, 11, 0x0);         /* ss: null */
    refused(&cpu, 11, 0x23);        /* ss: code */
    refused(&cpu, 15, 0x10063);     /* above 16 bits */
    assert_int_equal(cpu.segs[R_GS].base, 0x12345000u);
    assert_int_equal(cpu.parent.exception_index, EXCP_NONE);

    /* MXCSR: bits 16-31 are reserved everywhere; DAZ (bit 6) where the
     * host's MXCSR_MASK lacks it. */
    refused(&cpu, 40, 0x00011f80u);
    refused(&cpu, 40, 0x80001f80u);
    I386FpuHost *host = i386_fpu_host();
    uint32_t mask = host->mxcsr_mask;
    host->mxcsr_mask = 0xffbf;
    refused(&cpu, 40, 0x1fc0);
    host->mxcsr_mask = 0xffff;
    assert_true(wr32(&cpu, 40, 0x1fc0));
    assert_int_equal(rd32(&cpu, 40), 0x1fc0);
    host->mxcsr_mask = mask;

    /* Not a register. */
    uint8_t buf[GDB_MAX_REG_SIZE] = { 0 };
    I386CPU before;
    memcpy(&before, &cpu, sizeof(before));
    assert_false(T->write_reg(&cpu.parent, 42, buf));
    assert_false(T->write_reg(&cpu.parent, 0xffffffffu, buf));
    memset(buf, 0x5a, sizeof(buf));
    T->read_reg(&cpu.parent, 42, buf);   /* size 0: writes nothing */
    for (unsigned i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0x5a);
    assert_memory_equal(&before, &cpu, sizeof(before));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_registers),
        cmocka_unit_test(test_xml_well_formed),
        cmocka_unit_test(test_read_core),
        cmocka_unit_test(test_read_eflags_lazy),
        cmocka_unit_test(test_read_ftag),
        cmocka_unit_test(test_read_fpu_env_sse),
        cmocka_unit_test(test_write_roundtrip),
        cmocka_unit_test(test_write_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
