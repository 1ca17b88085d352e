/*
 * i386 multiplication and division against the host CPU (tests/oracle/):
 * MUL/IMUL with one operand (F6/F7 /4 /5), IMUL Gv,Ev (0F AF), IMUL
 * Gv,Ev,Iz/Ibs (69, 6B), DIV/IDIV (F6/F7 /6 /7) at 8, 16 and 32 bits,
 * register and memory operands, over edge values; division by zero and
 * quotient overflow (INT_MIN / -1 included) must raise #DE at the
 * instruction, with the instructions before it done and none after.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../oracle/ops-check.h"

static OpsChecker checker;

#define MEM_OFF 0x200u

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

static void put32(OracleCase *c, uint32_t off, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    oracle_case_patch(c, off, b, 4);
}

/*
 * Group 3 /reg with the operand in EBX (BL, or BH for rm 7 at 8 bits)
 * or in memory at [ESI].  eax/edx: the accumulator pair.
 */
static void check_grp3(unsigned reg, unsigned ot, int where, uint32_t eax, uint32_t edx,
                       uint32_t operand, uint32_t flags)
{
    OracleCase c;
    uint8_t code[4];
    unsigned n = 0;
    /* INC EDI first: a fault must leave it done. */
    code[n++] = 0x47;
    if (ot == IR_MO_16)
        code[n++] = 0x66;
    code[n++] = ot == IR_MO_8 ? 0xf6 : 0xf7;
    int rm = where == 0 ? R_EBX : where == 1 ? 7 /* BH */ : R_ESI;
    code[n++] = (uint8_t)((where == 2 ? 0x00 : 0xc0) | reg << 3 | rm);
    oracle_case_init(&c, code, n);
    c.eflags = flags;
    c.regs[R_EAX] = eax;
    c.regs[R_EDX] = edx;
    c.regs[R_EBX] = where == 1 ? (operand & 0xff) << 8 | 0x11 : operand;
    c.regs[R_ESI] = ORACLE_DATA_ADDR + MEM_OFF;
    put32(&c, MEM_OFF, operand);
    /* MUL/IMUL: SF ZF AF PF undefined; DIV/IDIV: all six. */
    ops_check_undef(&checker, &c, reg >= 6 ? I386_CC_MASK : I386_SF | I386_ZF | I386_AF | I386_PF,
                    false);
}

static const uint32_t flag_inputs[] = { 0, I386_CC_MASK };

static void test_mul_one_operand(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    for (unsigned reg = 4; reg <= 5; reg++) {
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            for (size_t a = 0; a < ops_nb_edge_values; a++) {
                for (size_t b = 0; b < ops_nb_edge_values; b++) {
                    int where = (int)((a + b) % 3);
                    if (where == 1 && ot != IR_MO_8)
                        where = 0;
                    check_grp3(reg, ot, where, ops_edge_values[a], 0xdeadbeef,
                               ops_edge_values[b], flag_inputs[(a ^ b) & 1]);
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* 0F AF IMUL Gv,Ev and 69/6B IMUL Gv,Ev,imm at 16 and 32 bits. */
static void test_imul_forms(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint32_t imms[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffffffff,
                                     0x10001, 0x7fffffff };
    for (unsigned ot = IR_MO_16; ot <= IR_MO_32; ot++) {
        for (size_t a = 0; a < ops_nb_edge_values; a++) {
            for (size_t b = 0; b < ops_nb_edge_values; b++) {
                OracleCase c;
                uint8_t code[8];
                unsigned n = 0;
                bool mem = (a + b) % 3 == 0;
                if (ot == IR_MO_16)
                    code[n++] = 0x66;
                code[n++] = 0x0f;
                code[n++] = 0xaf;
                code[n++] = (uint8_t)((mem ? 0x00 : 0xc0) | R_ECX << 3 | (mem ? R_ESI : R_EBX));
                oracle_case_init(&c, code, n);
                c.eflags = flag_inputs[(a + b) & 1];
                c.regs[R_ECX] = ops_edge_values[a];
                c.regs[R_EBX] = ops_edge_values[b];
                c.regs[R_ESI] = ORACLE_DATA_ADDR + MEM_OFF;
                put32(&c, MEM_OFF, ops_edge_values[b]);
                ops_check_undef(&checker, &c, I386_SF | I386_ZF | I386_AF | I386_PF, false);
            }
            for (size_t i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
                for (int form = 0; form < 2; form++) {
                    OracleCase c;
                    uint8_t code[10];
                    unsigned n = 0;
                    uint32_t imm = imms[i];
                    if (ot == IR_MO_16)
                        code[n++] = 0x66;
                    code[n++] = form ? 0x6b : 0x69;
                    /* IMUL EDX, EAX, imm */
                    code[n++] = (uint8_t)(0xc0 | R_EDX << 3 | R_EAX);
                    code[n++] = (uint8_t)imm;
                    if (!form) {
                        code[n++] = (uint8_t)(imm >> 8);
                        if (ot == IR_MO_32) {
                            code[n++] = (uint8_t)(imm >> 16);
                            code[n++] = (uint8_t)(imm >> 24);
                        }
                    }
                    oracle_case_init(&c, code, n);
                    c.eflags = flag_inputs[(a + i) & 1];
                    c.regs[R_EAX] = ops_edge_values[a];
                    c.regs[R_EDX] = 0xdeadbeef;
                    ops_check_undef(&checker, &c, I386_SF | I386_ZF | I386_AF | I386_PF, false);
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

static const uint32_t edx_values[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                       0x7fffffff, 0x80000000, 0xffffffff, 0x12345 };

/* DIV/IDIV over every dividend and divisor pair: a good share of them
 * overflow or divide by zero, and those must fault exactly like the
 * host. */
static void test_div(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    unsigned faults = 0;
    for (unsigned reg = 6; reg <= 7; reg++) {
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            for (size_t d = 0; d < sizeof(edx_values) / sizeof(edx_values[0]); d++) {
                for (size_t a = 0; a < ops_nb_edge_values; a++) {
                    for (size_t b = 0; b < ops_nb_edge_values; b++) {
                        if (ot == IR_MO_8 && d > 0)
                            continue;   /* EDX is not an input */
                        int where = (int)((a + b + d) % 3);
                        if (where == 1 && ot != IR_MO_8)
                            where = 0;
                        check_grp3(reg, ot, where, ops_edge_values[a], edx_values[d],
                                   ops_edge_values[b], flag_inputs[(a + b) & 1]);
                        if (checker.last.status == ORACLE_FAULT) {
                            /* The check compared vector and eip; the case
                             * is meant to fault exactly so. */
                            assert_int_equal(checker.last.vector, I386_EXCP_DE);
                            assert_int_equal(checker.last.eip, ORACLE_CODE_ADDR + 1);
                            faults++;
                        }
                    }
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
    assert_true(faults > 100);
}

/* The named edge cases, spelled out: 0 divisors, INT_MIN / -1 at each
 * size, the largest quotient that fits and the smallest that does not. */
static void test_div_edges(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    struct { unsigned reg, ot; uint32_t eax, edx, div; bool fault; } cases[] = {
        { 6, IR_MO_32, 5, 0, 0, true },
        { 7, IR_MO_32, 5, 0, 0, true },
        { 6, IR_MO_16, 5, 0, 0, true },
        { 6, IR_MO_8, 5, 0, 0, true },
        { 7, IR_MO_32, 0x80000000, 0xffffffff, 0xffffffff, true },   /* INT_MIN / -1 */
        { 7, IR_MO_16, 0x8000, 0xffff, 0xffff, true },
        { 7, IR_MO_8, 0xff80, 0, 0xff, true },
        { 7, IR_MO_32, 0x80000001, 0xffffffff, 0xffffffff, false },  /* -INT_MAX / -1 */
        { 6, IR_MO_32, 0xffffffff, 0, 1, false },
        { 6, IR_MO_32, 0, 1, 1, true },                              /* 2^32 / 1 */
        { 6, IR_MO_32, 0xffffffff, 0xfffffffe, 0xffffffff, false },
        { 6, IR_MO_32, 0, 0xffffffff, 0xffffffff, true },
        { 7, IR_MO_32, 0x80000000, 0xffffffff, 1, false },           /* INT_MIN / 1 */
        { 7, IR_MO_32, 0, 0x40000000, 0x80000000, false },          /* -2^31 fits */
        { 7, IR_MO_32, 0, 0x40000000, 0x7fffffff, true },
        { 6, IR_MO_8, 0xff00, 0, 0xff, true },
        { 6, IR_MO_8, 0xfeff, 0, 0xff, false },
        { 7, IR_MO_8, 0x7f00, 0, 0xff, true },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int where = 0; where <= 2; where += 2) {
            check_grp3(cases[i].reg, cases[i].ot, where, cases[i].eax, cases[i].edx,
                       cases[i].div, I386_CC_MASK);
            assert_int_equal(checker.last.status == ORACLE_FAULT, cases[i].fault);
            if (cases[i].fault)
                assert_int_equal(checker.last.vector, I386_EXCP_DE);
        }
    }
    assert_int_equal(checker.failures, before);
}

/* Flags read after a multiplication and a division in the same block
 * (undefined ones too: other hosts skip these). */
static void test_flags_consumed(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    OracleCase c;
    for (size_t a = 0; a < ops_nb_edge_values; a++) {
        /* cmp eax,ebx; imul ecx,ebx; seto dl; setz dh; pushf-free: lahf */
        OPS_CASE(&c, 0x39, 0xd8, 0x0f, 0xaf, 0xcb, 0x0f, 0x90, 0xc2, 0x0f, 0x94, 0xc6, 0x9f);
        c.regs[R_EAX] = ops_edge_values[a];
        c.regs[R_EBX] = 0x10001;
        c.regs[R_ECX] = ops_edge_values[a];
        ops_check_undef(&checker, &c, 0, true);
        /* add eax,ecx; div ebx; jc +1; inc esi; jz +1; inc edi */
        OPS_CASE(&c, 0x01, 0xc8, 0xf7, 0xf3, 0x72, 0x01, 0x46, 0x74, 0x01, 0x47);
        c.regs[R_EAX] = ops_edge_values[a];
        c.regs[R_ECX] = 0x80000000;
        c.regs[R_EBX] = 7;
        ops_check_undef(&checker, &c, 0, true);
    }
    assert_int_equal(checker.failures, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mul_one_operand),
        cmocka_unit_test(test_imul_forms),
        cmocka_unit_test(test_div),
        cmocka_unit_test(test_div_edges),
        cmocka_unit_test(test_flags_consumed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
