/*
 * i386 shifts and rotates against the host CPU (tests/oracle/): group 2
 * (ROL ROR RCL RCR SHL SHR SAL SAR in the C0 C1 D0 D1 D2 D3 forms) and
 * SHLD/SHRD, at 8, 16 and 32 bits, register and memory operands, over
 * edge values and counts 0, 1, 2, width-1, width, width+1, 31, 32 and
 * beyond, with the flags clear, all set, and CF alone set.  Every result
 * (registers, memory, all six status flags) must equal the host's, on
 * both backends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../oracle/ops-check.h"

static OpsChecker checker;

static const uint32_t flag_inputs[] = { I386_CF, 0, I386_CC_MASK | I386_DF };
#define NB_FLAG_INPUTS (sizeof(flag_inputs) / sizeof(flag_inputs[0]))

static const uint32_t counts[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 0xff };
#define NB_COUNTS (sizeof(counts) / sizeof(counts[0]))

/* Where memory operands live: [ebx], ebx pointing into the window. */
#define MEM_OFF 0x100u

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

/* Register values with the operand in the low bits and other bits set
 * around it, so a write of the wrong width shows. */
static uint32_t reg_with(unsigned ot, uint32_t v)
{
    switch (ot) {
    case IR_MO_8: return 0xdeadbe00u | (v & 0xff);
    case IR_MO_16: return 0xdead0000u | (v & 0xffff);
    default: return v;
    }
}

/* What the SDM leaves undefined for group 2 with this count. */
static uint32_t grp2_undefined_flags(unsigned op, unsigned ot, uint32_t count)
{
    unsigned n = count & 31;
    uint32_t undef = 0;
    if (n == 0)
        return 0;
    if (n > 1)
        undef |= I386_OF;
    if (op >= 4) {
        undef |= I386_AF;
        if ((op == 4 || op == 5 || op == 6) && n >= (8u << ot))
            undef |= I386_CF;
    }
    return undef;
}

/*
 * One group-2 instruction: opc (C0 C1 D0 D1 D2 D3), operation op (ModRM
 * reg), operand size, destination register (rm, 8-bit numbering) or
 * memory, the value, the count (imm or CL) and the input flags.
 */
static void check_grp2(uint8_t opc, unsigned op, unsigned ot, bool mem, int rm, uint32_t v,
                       uint32_t count, uint32_t flags)
{
    OracleCase c;
    uint8_t code[4];
    unsigned n = 0;
    if (ot == IR_MO_16)
        code[n++] = 0x66;
    code[n++] = opc;
    code[n++] = (uint8_t)((mem ? 0x00 : 0xc0) | op << 3 | (mem ? R_EBX : rm));
    if (opc == 0xc0 || opc == 0xc1)
        code[n++] = (uint8_t)count;
    oracle_case_init(&c, code, n);
    c.eflags = flags;
    c.regs[R_ECX] = 0x5a5a5a00u | (count & 0xff);
    if (mem) {
        c.regs[R_EBX] = ORACLE_DATA_ADDR + MEM_OFF;
        uint8_t bytes[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                             (uint8_t)(v >> 24) };
        oracle_case_patch(&c, MEM_OFF, bytes, 4);
    } else if (ot == IR_MO_8 && rm >= 4) {
        c.regs[rm - 4] = 0xde0000adu | (v & 0xff) << 8;
    } else {
        c.regs[rm] = reg_with(ot, v);
    }
    ops_check_undef(&checker, &c, grp2_undefined_flags(op, ot, count), false);
}

/* All eight operations, three sizes, register and memory, every value,
 * count and flag input, the count alternately in CL and immediate.  CF
 * alone as an input matters only to RCL/RCR. */
static void test_group2_counts(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    for (unsigned op = 0; op < 8; op++) {
        bool through_carry = op == 2 || op == 3;
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            uint8_t imm_opc = ot == IR_MO_8 ? 0xc0 : 0xc1;
            uint8_t cl_opc = ot == IR_MO_8 ? 0xd2 : 0xd3;
            for (size_t vi = 0; vi < ops_nb_edge_values; vi++) {
                uint32_t v = ops_edge_values[vi];
                for (size_t ci = 0; ci < NB_COUNTS; ci++) {
                    for (size_t fi = through_carry ? 0 : 1; fi < NB_FLAG_INPUTS; fi++) {
                        uint32_t fl = flag_inputs[fi];
                        bool mem = (vi + ci) % 4 == 0;
                        if ((vi + ci + fi) & 1)
                            check_grp2(imm_opc, op, ot, mem, R_EAX, v, counts[ci], fl);
                        else
                            check_grp2(cl_opc, op, ot, mem, R_EDX, v, counts[ci], fl);
                    }
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* The by-one forms D0/D1, and the high byte registers. */
static void test_group2_by_one(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    for (unsigned op = 0; op < 8; op++) {
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            for (size_t vi = 0; vi < ops_nb_edge_values; vi++) {
                for (size_t fi = 0; fi < NB_FLAG_INPUTS; fi++) {
                    uint32_t v = ops_edge_values[vi], fl = flag_inputs[fi];
                    check_grp2(ot == IR_MO_8 ? 0xd0 : 0xd1, op, ot, false, R_ESI, v, 1, fl);
                    check_grp2(ot == IR_MO_8 ? 0xd0 : 0xd1, op, ot, true, 0, v, 1, fl);
                    if (ot == IR_MO_8) {
                        check_grp2(0xd0, op, ot, false, 4 + R_EBX, v, 1, fl);   /* BH */
                        check_grp2(0xd2, op, ot, false, 4 + R_EAX, v, 5, fl);   /* AH, CL */
                    }
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* SHLD/SHRD Ev,Gv,Ib and Ev,Gv,CL (0F A4 A5 AC AD), 16 and 32 bits:
 * EAX or [EBX] shifted, EDX supplying the bits. */
static void check_double(uint8_t opc, unsigned ot, bool mem, uint32_t d, uint32_t src,
                         uint32_t count, uint32_t flags)
{
    OracleCase c;
    uint8_t code[5];
    unsigned n = 0;
    if (ot == IR_MO_16)
        code[n++] = 0x66;
    code[n++] = 0x0f;
    code[n++] = opc;
    code[n++] = (uint8_t)((mem ? 0x00 : 0xc0) | R_EDX << 3 | (mem ? R_EBX : R_EAX));
    if (!(opc & 1))
        code[n++] = (uint8_t)count;
    oracle_case_init(&c, code, n);
    c.eflags = flags;
    c.regs[R_ECX] = 0x12345600u | (count & 0xff);
    c.regs[R_EDX] = reg_with(ot, src);
    if (mem) {
        c.regs[R_EBX] = ORACLE_DATA_ADDR + MEM_OFF;
        uint8_t bytes[4] = { (uint8_t)d, (uint8_t)(d >> 8), (uint8_t)(d >> 16),
                             (uint8_t)(d >> 24) };
        oracle_case_patch(&c, MEM_OFF, bytes, 4);
    } else {
        c.regs[R_EAX] = reg_with(ot, d);
    }
    /* Counts above the operand size leave result and flags undefined. */
    unsigned masked = count & 31;
    uint32_t undef = masked == 0 ? 0 : I386_AF | (masked > 1 ? I386_OF : 0);
    ops_check_undef(&checker, &c, undef, masked > (8u << ot));
}

static void test_shld_shrd(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t opcodes[] = { 0xa4, 0xa5, 0xac, 0xad };
    static const uint32_t srcs[] = { 0, 0xffffffff, 0x80000001, 0x13579bdf };
    for (size_t oi = 0; oi < sizeof(opcodes); oi++) {
        for (unsigned ot = IR_MO_16; ot <= IR_MO_32; ot++) {
            for (size_t vi = 0; vi < ops_nb_edge_values; vi++) {
                for (size_t si = 0; si < sizeof(srcs) / sizeof(srcs[0]); si++) {
                    for (size_t ci = 0; ci < NB_COUNTS; ci++) {
                        bool mem = (vi + si + ci) % 5 == 0;
                        uint32_t fl = flag_inputs[(vi + ci) % NB_FLAG_INPUTS];
                        check_double(opcodes[oi], ot, mem, ops_edge_values[vi], srcs[si],
                                     counts[ci], fl);
                    }
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* A shift's flags read by the next instructions in the same block
 * (lazy flags handed on), and a CL count of 0 after a flag-setting
 * instruction whose flags must survive.  Undefined flags end up in
 * registers here, so other hosts skip these. */
static void test_flags_consumed(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    OracleCase c;
    for (size_t vi = 0; vi < ops_nb_edge_values; vi++) {
        for (uint32_t count = 0; count < 3; count++) {
            /* sub eax,ebx; shl eax,cl; setc dl; seto dh; lahf */
            OPS_CASE(&c, 0x29, 0xd8, 0xd3, 0xe0, 0x0f, 0x92, 0xc2, 0x0f, 0x90, 0xc6, 0x9f);
            c.regs[R_EAX] = ops_edge_values[vi];
            c.regs[R_EBX] = 0x12345;
            c.regs[R_ECX] = count;
            ops_check_undef(&checker, &c, 0, count > 1);
            /* add al,bl; rol al,cl; jo +2; inc esi; jc +2; inc edi */
            OPS_CASE(&c, 0x00, 0xd8, 0xd2, 0xc0, 0x70, 0x01, 0x46, 0x72, 0x01, 0x47);
            c.regs[R_EAX] = ops_edge_values[vi];
            c.regs[R_EBX] = 0x81;
            c.regs[R_ECX] = count;
            ops_check_undef(&checker, &c, 0, count > 1);
            /* shr edx,1; rcr eax,cl; sbb esi,esi */
            OPS_CASE(&c, 0xd1, 0xea, 0xd3, 0xd8, 0x19, 0xf6);
            c.regs[R_EAX] = ops_edge_values[vi];
            c.regs[R_EDX] = 3;
            c.regs[R_ECX] = count;
            ops_check_undef(&checker, &c, 0, count > 1);
        }
    }
    assert_int_equal(checker.failures, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group2_counts),
        cmocka_unit_test(test_group2_by_one),
        cmocka_unit_test(test_shld_shrd),
        cmocka_unit_test(test_flags_consumed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
