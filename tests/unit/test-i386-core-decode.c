/*
 * The i386 decoder: every ModRM/SIB addressing form (32-bit, checked
 * against the host's LEA with a 67h prefix; 16-bit, against SDM vol. 2
 * table 2-1 written out here), segment overrides and non-zero segment
 * bases, moffs, operand-size prefixes, the 15-byte limit, LOCK rules and
 * undefined opcodes.  Every case runs in every rig configuration.
 */
#include <stdio.h>
#include <stdlib.h>

#include "i386-core-rig.h"
#include "i386-native.h"
#include "i386-test-seg.h"

/* Distinct register values so that every base/index choice shows. */
static const uint32_t reg_init[8] = {
    0x00001000u, 0x00020030u, 0x00300500u, 0x04000070u,
    RIG_STACK, 0x50000009u, 0x0600000bu, 0x7000000du,
};

static void set_regs(I386Rig *r)
{
    memcpy(r->cpu.regs, reg_init, sizeof(reg_init));
}

static int run_code(I386Rig *r, const uint8_t *code, size_t len)
{
    uint8_t buf[64];
    memcpy(buf, code, len);
    buf[len] = 0xcc;
    return rig_run(r, buf, len + 1);
}

/* lea with ModRM `modrm` (reg = EAX), optional SIB, and a displacement
 * of the size mod asks for, against the host's 32-bit-address LEA. */
static void check_lea32(I386Rig *r, uint8_t modrm, int sib, uint32_t disp)
{
    uint8_t code[16], ncode[16];
    size_t n = 0;
    code[n++] = 0x8d;
    code[n++] = modrm;
    unsigned mod = modrm >> 6, rm = modrm & 7;
    if (sib >= 0)
        code[n++] = (uint8_t)sib;
    unsigned dsize = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (mod == 0 && (rm == 5 || (sib >= 0 && (sib & 7) == 5)))
        dsize = 4;
    for (unsigned i = 0; i < dsize; i++)
        code[n++] = (uint8_t)(disp >> (8 * i));

    uint32_t want;
    if (mod == 0 && rm == 5) {
        /* disp32 alone (RIP-relative in 64-bit mode, so not run natively) */
        want = disp;
    } else if (sib >= 0 && (sib & 7) == R_ESP) {
        /* ESP as the base: the host's would be its own stack pointer.
         * SDM vol. 2, table 2-3: base + index << scale + displacement. */
        unsigned index = (sib >> 3) & 7;
        uint32_t d = mod == 1 ? (uint32_t)(int32_t)(int8_t)disp : mod == 2 ? disp : 0;
        want = reg_init[R_ESP] + (index == 4 ? 0 : reg_init[index] << (sib >> 6)) + d;
    } else {
        ncode[0] = 0x67;
        memcpy(ncode + 1, code, n);
        NativeState st;
        memcpy(st.regs, reg_init, sizeof(reg_init));
        st.eflags = 0x202;
        NativeCode nc;
        assert_true(native_compile(&nc, ncode, n + 1));
        native_run(&nc, &st);
        native_free(&nc);
        want = st.regs[R_EAX];
    }
    set_regs(r);
    assert_int_equal(run_code(r, code, n), I386_EXCP_BP);
    if (r->cpu.regs[R_EAX] != want) {
        print_error("lea modrm %02x sib %02x disp %08x [%s]: got %08x want %08x\n", modrm,
                    sib, disp, rig_config_name(r->config), r->cpu.regs[R_EAX], want);
        fail();
    }
}

static void test_modrm32_forms(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        for (unsigned mod = 0; mod < 3; mod++) {
            for (unsigned rm = 0; rm < 8; rm++) {
                uint8_t modrm = (uint8_t)(mod << 6 | rm);
                uint32_t disp = mod == 1 ? 0x80 : 0x87654321u;   /* disp8 -128 */
                if (rm != 4) {
                    check_lea32(&r, modrm, -1, disp);
                    if (mod == 1)
                        check_lea32(&r, modrm, -1, 0x7f);
                    continue;
                }
                for (int sib = 0; sib < 256; sib++)
                    check_lea32(&r, modrm, sib, disp);
            }
        }
        rig_destroy(&r);
    }
}

/* 16-bit addressing (67h): SDM vol. 2, table 2-1. */
static uint32_t addr16(unsigned mod, unsigned rm, const uint32_t *regs, uint16_t disp)
{
    uint32_t bx = regs[R_EBX], bp = regs[R_EBP], si = regs[R_ESI], di = regs[R_EDI];
    uint32_t base;
    if (mod == 0 && rm == 6)
        return disp;
    switch (rm) {
    case 0: base = bx + si; break;
    case 1: base = bx + di; break;
    case 2: base = bp + si; break;
    case 3: base = bp + di; break;
    case 4: base = si; break;
    case 5: base = di; break;
    case 6: base = bp; break;
    default: base = bx; break;
    }
    uint32_t d = mod == 1 ? (uint32_t)(int32_t)(int8_t)disp : mod == 2 ? disp : 0;
    return (base + d) & 0xffff;
}

static void test_modrm16_forms(void **state)
{
    (void)state;
    static const uint16_t disps[] = { 0x0000, 0x007f, 0x0080, 0xfff0, 0x1234 };
    /* register sets: the usual ones, and ones whose sums wrap past 64 KiB */
    uint32_t wrap_regs[8];
    memcpy(wrap_regs, reg_init, sizeof(wrap_regs));
    wrap_regs[R_EBX] = 0x1234ffffu;
    wrap_regs[R_ESI] = 0x00000002u;
    wrap_regs[R_EBP] = 0xabcdfff0u;
    wrap_regs[R_EDI] = 0x0000ff00u;
    const uint32_t *sets[2] = { reg_init, wrap_regs };

    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        for (int set = 0; set < 2; set++) {
            for (unsigned mod = 0; mod < 3; mod++) {
                for (unsigned rm = 0; rm < 8; rm++) {
                    for (size_t d = 0; d < sizeof(disps) / sizeof(disps[0]); d++) {
                        uint8_t code[8];
                        size_t n = 0;
                        code[n++] = 0x67;
                        code[n++] = 0x8d;
                        code[n++] = (uint8_t)(mod << 6 | rm);
                        if (mod == 1)
                            code[n++] = (uint8_t)disps[d];
                        if (mod == 2 || (mod == 0 && rm == 6)) {
                            code[n++] = (uint8_t)disps[d];
                            code[n++] = (uint8_t)(disps[d] >> 8);
                        }
                        memcpy(r.cpu.regs, sets[set], sizeof(reg_init));
                        assert_int_equal(run_code(&r, code, n), I386_EXCP_BP);
                        uint32_t want = addr16(mod, rm, sets[set], disps[d]);
                        if (r.cpu.regs[R_EAX] != want) {
                            print_error("lea16 mod %u rm %u disp %04x [%s]: got %08x want "
                                        "%08x\n", mod, rm, disps[d], rig_config_name(c),
                                        r.cpu.regs[R_EAX], want);
                            fail();
                        }
                    }
                }
            }
        }
        rig_destroy(&r);
    }
}

/* Loads through a segment: FS/GS bases always apply; DS ES SS CS bases
 * apply once one of them is non-zero (ADDSEG).  Default segments: SS for
 * EBP/ESP bases (and BP in 16-bit forms), DS otherwise. */
typedef struct SegCase {
    const char *text;
    const char *hex;
    int seg;              /* the segment whose base applies */
    uint32_t offset;      /* the offset the instruction computes */
} SegCase;

static const SegCase seg_cases[] = {
    { "mov %fs:(%ebx),%eax", "64 8b 03", R_FS, 0x100 },
    { "mov %gs:0x10(%ebx),%eax", "65 8b 43 10", R_GS, 0x110 },
    { "mov %fs:0x20,%eax (moffs)", "64 a1 20 00 00 00", R_FS, 0x20 },
    { "mov %gs:0x30,%eax (modrm disp32)", "65 8b 05 30 00 00 00", R_GS, 0x30 },
    { "mov (%ebx),%eax", "8b 03", R_DS, 0x100 },
    { "mov (%ebp),%eax", "8b 45 00", R_SS, 0x200 },
    { "mov 4(%esp),%eax", "8b 44 24 04", R_SS, 0x304 },
    { "mov (%ebx,%ebp),%eax", "8b 04 2b", R_DS, 0x300 },
    { "mov (%ebp,%ebx),%eax", "8b 44 1d 00", R_SS, 0x300 },
    { "mov %es:(%ebp),%eax", "26 8b 45 00", R_ES, 0x200 },
    { "mov %ss:(%ebx),%eax", "36 8b 03", R_SS, 0x100 },
    { "mov %ds:(%ebp),%eax", "3e 8b 45 00", R_DS, 0x200 },
    { "mov %cs:(%ebx),%eax", "2e 8b 03", R_CS, 0x100 },
    { "mov 0x40,%eax (moffs)", "a1 40 00 00 00", R_DS, 0x40 },
    { "addr16 mov 0x50,%eax (moffs16)", "67 a1 50 00", R_DS, 0x50 },
    { "addr16 mov (%bp,%si),%eax", "67 8b 02", R_SS, 0x208 },
    { "addr16 mov %fs:(%bx,%di),%eax", "64 67 8b 01", R_FS, 0x10c },
    { "mov %fs:(%ebx),%al", "64 8a 03", R_FS, 0x100 },
    { "xlat %fs:", "64 d7", R_FS, 0x100 + 0x11 },
    { "last override wins", "64 65 8b 03", R_GS, 0x100 },
};

static void test_segments(void **state)
{
    (void)state;
    static const uint32_t bases[I386_NB_SEGS] = {
        [R_ES] = 0x40000, [R_CS] = 0x50000, [R_SS] = 0x60000, [R_DS] = 0x70000,
        [R_FS] = 0x20000, [R_GS] = 0x30000,
    };
    for (int addseg = 0; addseg < 2; addseg++) {
        for (int c = 0; c < RIG_NB_CONFIGS; c++) {
            I386Rig r;
            rig_init(&r, c);
            for (int sg = 0; sg < I386_NB_SEGS; sg++) {
                bool flat = sg != R_FS && sg != R_GS && !addseg;
                test_set_flat_seg(&r.cpu, sg, flat ? 0 : bases[sg]);
            }
            i386_update_hflags(&r.cpu);
            assert_int_equal(!!(r.cpu.hflags & I386_HF_ADDSEG), addseg);
            for (size_t i = 0; i < sizeof(seg_cases) / sizeof(seg_cases[0]); i++) {
                const SegCase *sc = &seg_cases[i];
                uint8_t code[16];
                size_t n = 0;
                for (const char *p = sc->hex; *p;) {
                    char *end;
                    code[n++] = (uint8_t)strtoul(p, &end, 16);
                    p = end;
                }
                code[n++] = 0xcc;
                /* A marker at the linear address the load must use; the
                 * code runs at CS base + eip. */
                memset(r.mem, 0, 0x80000);
                uint32_t lin = r.cpu.segs[sc->seg].base + sc->offset;
                uint32_t marker = 0xa5000000u | lin;
                memcpy(r.mem + lin, &marker, 4);
                rig_load(&r, r.cpu.segs[R_CS].base + RIG_CODE, code, n);
                r.cpu.regs[R_EAX] = 0x11;
                r.cpu.regs[R_EBX] = 0x100;
                r.cpu.regs[R_EBP] = 0x200;
                r.cpu.regs[R_ESP] = 0x300;
                r.cpu.regs[R_ESI] = 8;
                r.cpu.regs[R_EDI] = 0xc;
                r.cpu.eip = RIG_CODE;
                int excp = cpu_exec(&r.cpu.parent);
                bool byte = strstr(sc->text, "%al") || strstr(sc->text, "xlat");
                uint32_t want = byte ? (marker & 0xff) : marker;
                if (excp != I386_EXCP_BP || r.cpu.regs[R_EAX] != want ||
                    r.cpu.eip != RIG_CODE + n) {
                    print_error("%s addseg %d [%s]: excp %d eax %08x want %08x\n", sc->text,
                                addseg, rig_config_name(c), excp, r.cpu.regs[R_EAX], want);
                    fail();
                }
            }
            rig_destroy(&r);
        }
    }
}

/* Stores through FS with a 16-bit operand size keep the rest. */
static void test_operand_size(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x66, 0xb8, 0x34, 0x12,                   /* mov $0x1234,%ax */
        0xb3, 0x99,                               /* mov $0x99,%bl */
        0xb7, 0x88,                               /* mov $0x88,%bh */
        0x66, 0x64, 0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0xcd, 0xab, /* movw $0xabcd,%fs:0x10 */
        0x66, 0x67, 0x8b, 0x0e, 0x10, 0x00,       /* mov 0x10,%cx (addr16 disp16) */
        0xcc,
    };
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        test_set_flat_seg(&r.cpu, R_FS, RIG_DATA);
        r.cpu.regs[R_EAX] = 0xffffffffu;
        r.cpu.regs[R_EBX] = 0x55555555u;
        r.cpu.regs[R_ECX] = 0x77777777u;
        rig_st32(&r, RIG_DATA + 0x10, 0xeeeeeeeeu);
        rig_st32(&r, 0x10, 0x0000beefu);
        assert_int_equal(rig_run(&r, code, sizeof(code)), I386_EXCP_BP);
        assert_int_equal(r.cpu.regs[R_EAX], 0xffff1234u);
        assert_int_equal(r.cpu.regs[R_EBX], 0x55558899u);
        assert_int_equal(rig_ld32(&r, RIG_DATA + 0x10), 0xeeeeabcdu);
        assert_int_equal(r.cpu.regs[R_ECX], 0x7777beefu);
        rig_destroy(&r);
    }
}

/* An instruction that faults at decode raises at its first byte, after
 * the preceding ones ran and counted. */
typedef struct BadCase {
    const char *text;
    uint8_t bytes[20];
    uint8_t len;
    int excp;
    uint32_t err;
} BadCase;

static const BadCase bad_cases[] = {
    { "ud2", { 0x0f, 0x0b }, 2, I386_EXCP_UD, 0 },
    { "ud1", { 0x0f, 0xb9, 0xc0 }, 3, I386_EXCP_UD, 0 },
    { "ud0", { 0x0f, 0xff }, 2, I386_EXCP_UD, 0 },
    { "0f 04", { 0x0f, 0x04 }, 2, I386_EXCP_UD, 0 },
    { "0f 38 f0 (MOVBE: not in the model)", { 0x0f, 0x38, 0xf0, 0xc0 }, 4, I386_EXCP_UD, 0 },
    { "0f 0d (3DNow! prefetch: not in the model)", { 0x0f, 0x0d, 0x00 }, 3, I386_EXCP_UD, 0 },
    { "lock nop", { 0xf0, 0x90 }, 2, I386_EXCP_UD, 0 },
    { "lock add %ebx,%eax", { 0xf0, 0x01, 0xd8 }, 3, I386_EXCP_UD, 0 },
    { "lock cmp %eax,(%ebx)", { 0xf0, 0x39, 0x03 }, 3, I386_EXCP_UD, 0 },
    { "lock mov %eax,(%ebx)", { 0xf0, 0x89, 0x03 }, 3, I386_EXCP_UD, 0 },
    { "lea %ebx,%eax", { 0x8d, 0xc3 }, 2, I386_EXCP_UD, 0 },
    { "bound %eax,%ebx", { 0x62, 0xc3 }, 2, I386_EXCP_UD, 0 },
    { "les %ebx,%eax", { 0xc4, 0xc3 }, 2, I386_EXCP_UD, 0 },
    { "mov %seg6,%eax", { 0x8c, 0xf0 }, 2, I386_EXCP_UD, 0 },
    { "mov %eax,%cs", { 0x8e, 0xc8 }, 2, I386_EXCP_UD, 0 },
    { "fe /2", { 0xfe, 0xd0 }, 2, I386_EXCP_UD, 0 },
    { "ff /7", { 0xff, 0xf8 }, 2, I386_EXCP_UD, 0 },
    { "8f /1", { 0x8f, 0xc8 }, 2, I386_EXCP_UD, 0 },
    { "c6 /1", { 0xc6, 0xc8, 0x00 }, 3, I386_EXCP_UD, 0 },
    { "ljmp *%eax (register)", { 0xff, 0xe8 }, 2, I386_EXCP_UD, 0 },
    { "hlt", { 0xf4 }, 1, I386_EXCP_GP, 0 },
    { "cli", { 0xfa }, 1, I386_EXCP_GP, 0 },
    { "sti", { 0xfb }, 1, I386_EXCP_GP, 0 },
    { "in $0x60,%al", { 0xe4, 0x60 }, 2, I386_EXCP_GP, 0 },
    { "out %al,(%dx)", { 0xee }, 1, I386_EXCP_GP, 0 },
    { "mov %cr0,%eax", { 0x0f, 0x20, 0xc0 }, 3, I386_EXCP_GP, 0 },
    { "lgdt (%eax)", { 0x0f, 0x01, 0x10 }, 3, I386_EXCP_GP, 0 },
    { "wrmsr", { 0x0f, 0x30 }, 2, I386_EXCP_GP, 0 },
    /* 14 prefixes + nop = 15 bytes is fine; checked separately below */
    { "16 bytes", { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                    0x66, 0x66, 0x66, 0x90 }, 16, I386_EXCP_GP, 0 },
    { "9 prefixes + nopl disp32 (16 bytes)", { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
                    0x0f, 0x1f, 0x80, 0, 0, 0, 0 }, 16, I386_EXCP_GP, 0 },
    { "int $0x21", { 0xcd, 0x21 }, 2, I386_EXCP_GP, 0x21 << 3 | 2 },
};

static void test_bad_instructions(void **state)
{
    (void)state;
    /* Two instructions that run first: mov $7,%ecx; inc %edx. */
    static const uint8_t pre[] = { 0xb9, 0x07, 0x00, 0x00, 0x00, 0x42 };
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
            const BadCase *bc = &bad_cases[i];
            uint8_t code[40];
            memcpy(code, pre, sizeof(pre));
            memcpy(code + sizeof(pre), bc->bytes, bc->len);
            code[sizeof(pre) + bc->len] = 0xcc;
            I386Rig r;
            rig_init(&r, c);
            r.cpu.regs[R_EAX] = RIG_DATA;
            r.cpu.regs[R_EBX] = RIG_DATA;
            r.cpu.regs[R_EDX] = 0;
            int excp = rig_run(&r, code, sizeof(pre) + bc->len + 1);
            bool ok = excp == bc->excp && r.cpu.eip == RIG_CODE + sizeof(pre) &&
                      r.cpu.regs[R_ECX] == 7 && r.cpu.regs[R_EDX] == 1 &&
                      cpu_icount(&r.cpu.parent) == 2 && r.cpu.error_code == bc->err;
            if (!ok) {
                print_error("%s [%s]: excp %d (want %d) eip %08x err %x icount %lu\n",
                            bc->text, rig_config_name(c), excp, bc->excp, r.cpu.eip,
                            r.cpu.error_code, (unsigned long)cpu_icount(&r.cpu.parent));
                fail();
            }
            rig_destroy(&r);
        }
    }
}

/* The longest legal instruction: 14 prefixes and a one-byte opcode. */
static void test_fifteen_bytes(void **state)
{
    (void)state;
    /* 8 DS prefixes + 0f 1f 80 disp32 = 15 bytes: the limit exactly. */
    uint8_t code[20];
    size_t n = 0;
    for (int i = 0; i < 8; i++)
        code[n++] = 0x3e;
    const uint8_t nopl[] = { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 };
    memcpy(code + n, nopl, sizeof(nopl));
    n += sizeof(nopl);
    code[n++] = 0xcc;
    assert_int_equal(n, 16);
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        assert_int_equal(rig_run(&r, code, n), I386_EXCP_BP);
        assert_int_equal(r.cpu.eip, RIG_CODE + 16);
        rig_destroy(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modrm32_forms),
        cmocka_unit_test(test_modrm16_forms),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_operand_size),
        cmocka_unit_test(test_bad_instructions),
        cmocka_unit_test(test_fifteen_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
