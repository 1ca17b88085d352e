/*
 * i386 decimal adjustment against the host CPU (tests/oracle/): DAA DAS
 * AAA AAS for every AL with every CF/AF combination (and several AH and
 * other flag states), AAM and AAD with several bases, and AAM 0, which
 * must raise #DE at the instruction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../oracle/ops-check.h"

static OpsChecker checker;

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

/* The flags the SDM leaves undefined after each instruction. */
static uint32_t bcd_undefined_flags(uint8_t opcode)
{
    switch (opcode) {
    case 0x27:
    case 0x2f: return I386_OF;
    case 0x37:
    case 0x3f: return I386_OF | I386_SF | I386_ZF | I386_PF;
    default: return I386_OF | I386_AF | I386_CF;
    }
}

static void check_one(const uint8_t *code, unsigned len, uint32_t eax, uint32_t flags)
{
    OracleCase c;
    oracle_case_init(&c, code, len);
    c.regs[R_EAX] = eax;
    c.eflags = flags;
    ops_check_undef(&checker, &c, bcd_undefined_flags(code[0]), false);
}

static void test_adjust_after_add_sub(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t opcodes[] = { 0x27, 0x2f, 0x37, 0x3f };   /* DAA DAS AAA AAS */
    static const uint32_t high[] = { 0x12340000, 0xffffff00, 0x00008000, 0x00007f00 };
    static const uint32_t others[] = { 0, I386_ZF | I386_SF | I386_PF | I386_OF };
    for (size_t o = 0; o < sizeof(opcodes); o++) {
        for (uint32_t al = 0; al < 256; al++) {
            for (uint32_t cfaf = 0; cfaf < 4; cfaf++) {
                uint32_t fl = ((cfaf & 1) ? I386_CF : 0) | ((cfaf & 2) ? I386_AF : 0);
                size_t h = (al + cfaf) % 4;
                fl |= others[(al >> 2) & 1];
                check_one(&opcodes[o], 1, high[h] | al, fl);
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

static void test_aam_aad(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t bases[] = { 1, 2, 7, 10, 16, 0x7f, 0x80, 0xff };
    static const uint32_t ax_values[] = { 0, 1, 9, 0x0a, 0x63, 0x7f, 0x80, 0x99, 0xff,
                                          0x0909, 0x1234, 0x7fff, 0x8000, 0xff09, 0xffff };
    for (size_t b = 0; b < sizeof(bases); b++) {
        for (size_t v = 0; v < sizeof(ax_values) / sizeof(ax_values[0]); v++) {
            for (int op = 0; op < 2; op++) {
                uint8_t code[2] = { op ? 0xd5 : 0xd4, bases[b] };
                check_one(code, 2, 0xabcd0000 | ax_values[v], v & 1 ? I386_CC_MASK : 0);
            }
        }
        /* AAD 0 is fine: AL = AL + AH * 0. */
        uint8_t aad0[2] = { 0xd5, 0 };
        check_one(aad0, 2, 0x1234 + b, 0);
    }
    assert_int_equal(checker.failures, before);
}

static void test_aam_zero_faults(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    /* inc ecx; aam 0; inc edx */
    static const uint8_t code[] = { 0x41, 0xd4, 0x00, 0x42 };
    check_one(code, sizeof(code), 0x1234, I386_CF);
    assert_int_equal(checker.last.status, ORACLE_FAULT);
    assert_int_equal(checker.last.vector, I386_EXCP_DE);
    assert_int_equal(checker.last.eip, ORACLE_CODE_ADDR + 1);
    assert_int_equal(checker.last.regs[R_ECX], 1);
    assert_int_equal(checker.last.regs[R_EDX], 0);
    assert_int_equal(checker.failures, before);
}

/* Flags of an adjustment read by the next instructions of the block. */
static void test_flags_consumed(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    OracleCase c;
    for (uint32_t v = 0; v < 256; v += 7) {
        /* add al,bl; daa; setc dl; sete dh; js +1; inc esi */
        OPS_CASE(&c, 0x00, 0xd8, 0x27, 0x0f, 0x92, 0xc2, 0x0f, 0x94, 0xc6, 0x78, 0x01, 0x46);
        c.regs[R_EAX] = v;
        c.regs[R_EBX] = 0x19;
        ops_check(&checker, &c);
        /* sub al,bl; aas; lahf */
        OPS_CASE(&c, 0x28, 0xd8, 0x3f, 0x9f);
        c.regs[R_EAX] = v | 0x500;
        c.regs[R_EBX] = 0x09;
        ops_check_undef(&checker, &c, 0, true);   /* LAHF copies undefined flags */
    }
    assert_int_equal(checker.failures, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adjust_after_add_sub),
        cmocka_unit_test(test_aam_aad),
        cmocka_unit_test(test_aam_zero_faults),
        cmocka_unit_test(test_flags_consumed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
