/*
 * i386 bit instructions against the host CPU (tests/oracle/): BT BTS BTR
 * BTC with register and immediate offsets, on registers and on memory
 * (bit strings: register offsets far outside the operand, negative ones,
 * ones that leave the mapped window and fault, 16-bit addressing through
 * a based FS), with and without LOCK; BSF and BSR (zero sources leave
 * the destination alone); BSWAP at 32 bits and the undefined 16-bit form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../oracle/ops-check.h"

static OpsChecker checker;

/* The middle of the data window: bit strings reach both ways from it. */
#define MID 0x8000u

static const uint32_t offsets[] = {
    0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 0x3ff, 0x7fff, 0x8000, 0xffff,
    0xffffffff, 0xfffffff0, 0xffffffe0, 0xffff8000, 0x3ffff, 0xfffc0000, 0x7fffffff,
    0x80000000,
};
#define NB_OFFSETS (sizeof(offsets) / sizeof(offsets[0]))

/* Flags the SDM leaves undefined after BT*, and after BSF/BSR. */
#define BT_UNDEFINED (I386_OF | I386_SF | I386_AF | I386_PF)
#define BSF_UNDEFINED (I386_CF | I386_OF | I386_SF | I386_AF | I386_PF)

static int setup(void **state)
{
    (void)state;
    return ops_checker_init(&checker) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ops_checker_destroy(&checker);
    return 0;
}

/* BT-family Ev,Gv: 0F A3/AB/B3/BB, destination EAX or [EBX], offset in
 * ECX. */
static void check_bt_reg_offset(uint8_t opc, unsigned ot, bool mem, bool lock, uint32_t v,
                                uint32_t offset, uint32_t flags)
{
    OracleCase c;
    uint8_t code[6];
    unsigned n = 0;
    if (lock)
        code[n++] = 0xf0;
    if (ot == IR_MO_16)
        code[n++] = 0x66;
    code[n++] = 0x0f;
    code[n++] = opc;
    code[n++] = (uint8_t)((mem ? 0x00 : 0xc0) | R_ECX << 3 | (mem ? R_EBX : R_EAX));
    oracle_case_init(&c, code, n);
    c.eflags = flags;
    c.regs[R_EAX] = v;
    c.regs[R_ECX] = offset;
    c.regs[R_EBX] = ORACLE_DATA_ADDR + MID;
    ops_check_undef(&checker, &c, BT_UNDEFINED, false);
}

static void test_bt_register_offset(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t opcodes[] = { 0xa3, 0xab, 0xb3, 0xbb };
    unsigned faults = 0;
    for (size_t o = 0; o < sizeof(opcodes); o++) {
        for (unsigned ot = IR_MO_16; ot <= IR_MO_32; ot++) {
            for (size_t i = 0; i < NB_OFFSETS; i++) {
                for (size_t v = 0; v < ops_nb_edge_values; v += 3) {
                    uint32_t fl = (i + v) & 1 ? I386_CC_MASK : 0;
                    check_bt_reg_offset(opcodes[o], ot, false, false, ops_edge_values[v],
                                        offsets[i], fl);
                }
                check_bt_reg_offset(opcodes[o], ot, true, false, 0, offsets[i], 0);
                faults += checker.last.status == ORACLE_FAULT;
                check_bt_reg_offset(opcodes[o], ot, true, false, 0, offsets[i], I386_CC_MASK);
                if (opcodes[o] != 0xa3)
                    check_bt_reg_offset(opcodes[o], ot, true, true, 0, offsets[i], 0);
            }
        }
    }
    assert_int_equal(checker.failures, before);
    /* Offsets beyond the window fault (#PF at the computed address). */
    assert_true(faults > 0);
}

/* 0F BA /4-/7 with an immediate offset (taken modulo the width). */
static void test_bt_immediate(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t imms[] = { 0, 1, 7, 15, 16, 31, 32, 33, 0x7f, 0xff };
    for (unsigned reg = 4; reg <= 7; reg++) {
        for (unsigned ot = IR_MO_16; ot <= IR_MO_32; ot++) {
            for (size_t i = 0; i < sizeof(imms); i++) {
                for (size_t v = 0; v < ops_nb_edge_values; v++) {
                    for (int form = 0; form < 3; form++) {
                        /* form 0: EDX; 1: [ESI]; 2: LOCK [ESI] */
                        if (form == 2 && reg == 4)
                            continue;
                        OracleCase c;
                        uint8_t code[6];
                        unsigned n = 0;
                        if (form == 2)
                            code[n++] = 0xf0;
                        if (ot == IR_MO_16)
                            code[n++] = 0x66;
                        code[n++] = 0x0f;
                        code[n++] = 0xba;
                        code[n++] = (uint8_t)((form ? 0x00 : 0xc0) | reg << 3 |
                                              (form ? R_ESI : R_EDX));
                        code[n++] = imms[i];
                        oracle_case_init(&c, code, n);
                        uint32_t val = ops_edge_values[v];
                        uint8_t bytes[4] = { (uint8_t)val, (uint8_t)(val >> 8),
                                             (uint8_t)(val >> 16), (uint8_t)(val >> 24) };
                        oracle_case_patch(&c, MID, bytes, 4);
                        c.regs[R_EDX] = val;
                        c.regs[R_ESI] = ORACLE_DATA_ADDR + MID;
                        c.eflags = (i + v) & 1 ? I386_CC_MASK : I386_CF;
                        ops_check_undef(&checker, &c, BT_UNDEFINED, false);
                    }
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* Bit strings with 16-bit addressing through FS (based at the window):
 * does the byte displacement wrap at 64 KiB with the rest of the
 * address, and does the access fault where the host's does? */
static void test_bt_16bit_addressing(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint32_t bx_values[] = { 0, 0x10, 0x7ff0, 0xfff0, 0xfffe, 0xffff };
    static const uint32_t offs[] = { 0, 0x7f, 0x80, 0x200, 0x7fff, 0xffff, 0x8000, 0xfff8 };
    for (size_t b = 0; b < sizeof(bx_values) / sizeof(bx_values[0]); b++) {
        for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
            for (unsigned ot = IR_MO_16; ot <= IR_MO_32; ot++) {
                OracleCase c;
                uint8_t code[8];
                unsigned n = 0;
                code[n++] = 0x64;   /* FS */
                code[n++] = 0x67;   /* 16-bit addressing: [BX] */
                if (ot == IR_MO_16)
                    code[n++] = 0x66;
                code[n++] = 0x0f;
                code[n++] = 0xab;   /* BTS */
                code[n++] = (uint8_t)(R_ECX << 3 | 7);
                oracle_case_init(&c, code, n);
                c.fs_ldt = 1;
                c.regs[R_EBX] = 0xabcd0000u | bx_values[b];
                c.regs[R_ECX] = offs[o];
                ops_check_undef(&checker, &c, BT_UNDEFINED, false);
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

static void test_bit_scan(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    for (int rev = 0; rev < 2; rev++) {
        for (unsigned ot = IR_MO_16; ot <= IR_MO_32; ot++) {
            for (size_t v = 0; v < ops_nb_edge_values; v++) {
                for (int mem = 0; mem < 2; mem++) {
                    for (int f = 0; f < 2; f++) {
                        OracleCase c;
                        uint8_t code[5];
                        unsigned n = 0;
                        if (ot == IR_MO_16)
                            code[n++] = 0x66;
                        code[n++] = 0x0f;
                        code[n++] = rev ? 0xbd : 0xbc;
                        code[n++] = (uint8_t)((mem ? 0x00 : 0xc0) | R_EDI << 3 |
                                              (mem ? R_ESI : R_EBX));
                        oracle_case_init(&c, code, n);
                        uint32_t val = ops_edge_values[v];
                        uint8_t bytes[4] = { (uint8_t)val, (uint8_t)(val >> 8),
                                             (uint8_t)(val >> 16), (uint8_t)(val >> 24) };
                        oracle_case_patch(&c, MID, bytes, 4);
                        c.regs[R_EBX] = val;
                        c.regs[R_ESI] = ORACLE_DATA_ADDR + MID;
                        c.regs[R_EDI] = 0x5555aaaa;
                        c.eflags = f ? I386_CC_MASK : 0;
                        /* A zero source leaves the destination undefined. */
                        uint32_t sized = ot == IR_MO_16 ? val & 0xffff : val;
                        ops_check_undef(&checker, &c, BSF_UNDEFINED, sized == 0);
                    }
                }
            }
        }
    }
    /* Conditions on the result in the same block: bsf; jz; setp; lahf
     * (undefined flags read: other hosts skip these). */
    for (size_t v = 0; v < ops_nb_edge_values; v++) {
        OracleCase c;
        OPS_CASE(&c, 0x0f, 0xbc, 0xc3, 0x74, 0x01, 0x46, 0x0f, 0x9a, 0xc2, 0x9f);
        c.regs[R_EBX] = ops_edge_values[v];
        ops_check_undef(&checker, &c, 0, true);   /* PF, CF read: undefined */
        OPS_CASE(&c, 0x0f, 0xbd, 0xc3, 0x0f, 0x9e, 0xc2, 0x0f, 0x92, 0xc6);   /* bsr; setle; setc */
        c.regs[R_EBX] = ops_edge_values[v];
        ops_check_undef(&checker, &c, 0, true);   /* PF, CF read: undefined */
    }
    assert_int_equal(checker.failures, before);
}

static void test_bswap(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    for (int reg = 0; reg < 8; reg++) {
        for (int wide = 0; wide < 2; wide++) {
            OracleCase c;
            uint8_t code[3];
            unsigned n = 0;
            if (!wide)
                code[n++] = 0x66;
            code[n++] = 0x0f;
            code[n++] = (uint8_t)(0xc8 + reg);
            oracle_case_init(&c, code, n);
            for (int r = 0; r < 8; r++)
                c.regs[r] = 0x01020304u * (uint32_t)(r + 1);
            c.eflags = reg & 1 ? I386_CC_MASK : 0;
            ops_check_undef(&checker, &c, 0, !wide);   /* 16-bit: undefined */
        }
    }
    assert_int_equal(checker.failures, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bt_register_offset),
        cmocka_unit_test(test_bt_immediate),
        cmocka_unit_test(test_bt_16bit_addressing),
        cmocka_unit_test(test_bit_scan),
        cmocka_unit_test(test_bswap),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
