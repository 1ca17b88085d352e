/*
 * i386 string instructions against the host CPU (tests/oracle/): MOVS
 * CMPS STOS LODS SCAS at 8, 16 and 32 bits, DF clear and set, without
 * prefix, with REP/REPE and REPNE, ECX 0, 1 and several, 32- and 16-bit
 * addressing (SI/DI/CX wrapping at 64 KiB through based ES and FS),
 * segment overrides on the source; faults in the middle of a REP (on the
 * source, on the destination, going up and going down) must leave ECX,
 * ESI, EDI, the flags and memory exactly as the host does; repetitions
 * longer than one block entry's budget; INS/OUTS are #GP at CPL 3.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../oracle/ops-check.h"

static OpsChecker checker;

/* Source and destination areas inside the patch (both patched). */
#define AREA 0x1000u
#define SRC (AREA + 0x40)
#define DST (AREA + 0x140)

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

/* Source bytes 0, 1, 2 ...; the destination a copy with one difference
 * at byte `diff_at` (so REPE stops there, and REPNE runs through equal
 * bytes first only where the copy matches). */
static void patch_areas(OracleCase *c, unsigned diff_at)
{
    uint8_t buf[0x200];
    for (unsigned i = 0; i < 0x40; i++)
        buf[i] = (uint8_t)(0xa0 + i);
    for (unsigned i = 0; i < 0x100; i++)
        buf[0x40 + i] = (uint8_t)(i * 3);
    for (unsigned i = 0; i < 0xc0; i++)
        buf[0x140 + i] = buf[0x40 + i];
    buf[0x140 + diff_at % 0xc0] ^= 0x5a;
    oracle_case_patch(c, AREA, buf, sizeof(buf));
}

enum { PFX_NONE, PFX_REP, PFX_REPNE };

static const uint8_t string_opcodes[] = { 0xa4, 0xa6, 0xaa, 0xac, 0xae };

static void check_string(uint8_t opc, unsigned ot, int pfx, bool df, uint32_t ecx,
                         unsigned diff_at, int override)
{
    OracleCase c;
    uint8_t code[6];
    unsigned n = 0;
    if (pfx == PFX_REP)
        code[n++] = 0xf3;
    if (pfx == PFX_REPNE)
        code[n++] = 0xf2;
    if (override)
        code[n++] = (uint8_t)override;
    if (ot == IR_MO_16)
        code[n++] = 0x66;
    code[n++] = (uint8_t)(opc | (ot != IR_MO_8));
    oracle_case_init(&c, code, n);
    patch_areas(&c, diff_at);
    c.eflags = df ? I386_DF | I386_CF : I386_ZF;
    c.regs[R_ECX] = ecx;
    /* Start in the middle of the areas so both directions stay inside. */
    c.regs[R_ESI] = ORACLE_DATA_ADDR + SRC + 0x60;
    c.regs[R_EDI] = ORACLE_DATA_ADDR + DST + 0x60;
    /* AL/AX/EAX: the source's element 2 (SCAS finds it, or not). */
    c.regs[R_EAX] = 0x55aa0000u | (uint32_t)(((0x62 * 3) & 0xff) | (((0x63 * 3) & 0xff) << 8));
    if (override == 0x64) {
        /* FS based at the window: the same source through an offset. */
        c.fs_ldt = 1;
        c.regs[R_ESI] -= ORACLE_DATA_ADDR;
    }
    ops_check(&checker, &c);
}

static void test_string_forms(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint32_t ecx_values[] = { 0, 1, 2, 7, 0x20 };
    static const int overrides[] = { 0, 0x2e, 0x36, 0x3e, 0x64 };
    for (size_t o = 0; o < sizeof(string_opcodes); o++) {
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            for (int pfx = PFX_NONE; pfx <= PFX_REPNE; pfx++) {
                for (int df = 0; df < 2; df++) {
                    for (size_t e = 0; e < sizeof(ecx_values) / sizeof(ecx_values[0]); e++) {
                        if (pfx == PFX_NONE && e > 1)
                            continue;
                        unsigned diff_at = df ? 0x5d : 0x64;
                        int ov = overrides[(o + e + (unsigned)df) % 5];
                        check_string(string_opcodes[o], ot, pfx, df, ecx_values[e], diff_at,
                                     ov);
                    }
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* 16-bit addressing: SI, DI and CX, wrapping at 64 KiB, the top halves
 * of ESI, EDI and ECX kept; ES and FS based at the window. */
static void test_string_16bit_addressing(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint32_t si_values[] = { 0x1040, 0xfffe, 0x0001, 0x8000 };
    for (size_t o = 0; o < sizeof(string_opcodes); o++) {
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            for (int df = 0; df < 2; df++) {
                for (size_t si = 0; si < sizeof(si_values) / sizeof(si_values[0]); si++) {
                    OracleCase c;
                    uint8_t code[5];
                    unsigned n = 0;
                    code[n++] = 0xf3;
                    code[n++] = 0x67;
                    code[n++] = 0x64;
                    if (ot == IR_MO_16)
                        code[n++] = 0x66;
                    code[n++] = (uint8_t)(string_opcodes[o] | (ot != IR_MO_8));
                    oracle_case_init(&c, code, n);
                    patch_areas(&c, 3);
                    c.es_ldt = 1;
                    c.fs_ldt = 1;
                    c.eflags = df ? I386_DF : 0;
                    c.regs[R_ECX] = 0x77770005;    /* CX = 5 */
                    c.regs[R_ESI] = 0xabcd0000u | si_values[si];
                    c.regs[R_EDI] = 0x12340000u | ((si_values[si] + 0x100) & 0xffff);
                    c.regs[R_EAX] = 0xffffffff;
                    ops_check(&checker, &c);
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* Faults in the middle of a repetition: the state at the faulting
 * element, flags of the last completed compare included. */
static void test_rep_faults(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    unsigned faults = 0;
    for (size_t o = 0; o < sizeof(string_opcodes); o++) {
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            for (int df = 0; df < 2; df++) {
                for (int on_dest = 0; on_dest < 2; on_dest++) {
                    OracleCase c;
                    uint8_t code[8];
                    unsigned n = 0;
                    /* add eax,ebx (flags of another kind before) */
                    code[n++] = 0x01;
                    code[n++] = 0xd8;
                    code[n++] = 0xf3;
                    if (ot == IR_MO_16)
                        code[n++] = 0x66;
                    code[n++] = (uint8_t)(string_opcodes[o] | (ot != IR_MO_8));
                    oracle_case_init(&c, code, n);
                    /* Equal non-zero bytes near the edge the case runs
                     * off (the end going up, the start going down), so
                     * REPE keeps comparing until the fault, and the
                     * flags of a compare differ from the ADD's before. */
                    uint8_t same[0x200];
                    memset(same, 0x80, sizeof(same));
                    oracle_case_patch(&c, df ? 0 : ORACLE_DATA_SIZE - sizeof(same), same,
                                      sizeof(same));
                    uint32_t edge = df ? 0x13 : ORACLE_DATA_SIZE - 0x15;
                    uint32_t safe = df ? 0x1f0 : ORACLE_DATA_SIZE - 0x1f0;
                    c.eflags = df ? I386_DF : 0;
                    c.regs[R_EAX] = 0x8080807f;   /* 0x80808080 after the ADD */
                    c.regs[R_EBX] = 1;
                    c.regs[R_ECX] = 0x40;
                    c.regs[R_ESI] = ORACLE_DATA_ADDR + (on_dest ? safe : edge);
                    c.regs[R_EDI] = ORACLE_DATA_ADDR + (on_dest ? edge : safe);
                    ops_check(&checker, &c);
                    if (checker.last.status == ORACLE_FAULT) {
                        assert_int_equal(checker.last.vector, I386_EXCP_PF);
                        assert_int_equal(checker.last.eip, ORACLE_CODE_ADDR + 2);
                        faults++;
                    }
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
    assert_true(faults >= 30);
}

/* More elements than one block entry does: the instruction re-enters
 * itself and must still finish exactly. */
static void test_long_repetitions(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint32_t counts[] = { 4095, 4096, 4097, 9000 };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        for (int df = 0; df < 2; df++) {
            OracleCase c;
            /* rep stosb; rep movsb */
            OPS_CASE(&c, 0xf3, 0xaa, 0x89, 0xd9, 0xf3, 0xa4);   /* ... mov ecx,ebx ... */
            c.eflags = df ? I386_DF : 0;
            c.regs[R_EAX] = 0x5a;
            c.regs[R_ECX] = counts[i];
            c.regs[R_EBX] = counts[i] / 2;
            c.regs[R_EDI] = ORACLE_DATA_ADDR + (df ? 0x7fff : 0x100);
            c.regs[R_ESI] = ORACLE_DATA_ADDR + (df ? 0xffff : 0x8000);
            ops_check(&checker, &c);
        }
        /* repne scasd for a value the window does not hold there */
        OracleCase c;
        OPS_CASE(&c, 0xf2, 0xaf);
        c.regs[R_EAX] = 0xdeadbeef;
        c.regs[R_ECX] = counts[i];
        c.regs[R_EDI] = ORACLE_DATA_ADDR + 0x100;
        ops_check(&checker, &c);
    }
    assert_int_equal(checker.failures, before);
}

/* Flags of CMPS/SCAS read in the same block, and the REPE/REPNE stop. */
static void test_compare_flags_consumed(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    for (uint32_t ecx = 0; ecx < 6; ecx++) {
        for (int repne = 0; repne < 2; repne++) {
            OracleCase c;
            uint8_t code[] = { 0x01, 0xd8, (uint8_t)(repne ? 0xf2 : 0xf3), 0xa6, 0x0f, 0x92,
                               0xc2, 0x0f, 0x9c, 0xc6, 0x9f, 0x74, 0x01, 0x47 };
            /* add eax,ebx; repe/repne cmpsb; setb dl; setl dh; lahf; jz +1; inc edi */
            oracle_case_init(&c, code, sizeof(code));
            patch_areas(&c, 2);
            c.regs[R_EAX] = 0xffffffff;
            c.regs[R_EBX] = 1;
            c.regs[R_ECX] = ecx;
            c.regs[R_ESI] = ORACLE_DATA_ADDR + SRC;
            c.regs[R_EDI] = ORACLE_DATA_ADDR + DST;
            ops_check(&checker, &c);
        }
    }
    assert_int_equal(checker.failures, before);
}

/* INS/OUTS: #GP(0) at the instruction, with or without REP. */
static void test_io_strings_privileged(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t opcodes[] = { 0x6c, 0x6d, 0x6e, 0x6f };
    for (size_t o = 0; o < sizeof(opcodes); o++) {
        for (int rep = 0; rep < 2; rep++) {
            OracleCase c;
            uint8_t code[3] = { 0x40, 0xf3, opcodes[o] };   /* inc eax; [rep] ins/outs */
            if (rep)
                oracle_case_init(&c, code, 3);
            else {
                code[1] = opcodes[o];
                oracle_case_init(&c, code, 2);
            }
            c.regs[R_ECX] = rep ? 0 : 3;
            c.regs[R_EDI] = c.regs[R_ESI] = ORACLE_DATA_ADDR + 0x100;
            ops_check(&checker, &c);
            assert_int_equal(checker.last.status, ORACLE_FAULT);
            assert_int_equal(checker.last.vector, I386_EXCP_GP);
            assert_int_equal(checker.last.eip, ORACLE_CODE_ADDR + 1);
        }
    }
    assert_int_equal(checker.failures, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_forms),
        cmocka_unit_test(test_string_16bit_addressing),
        cmocka_unit_test(test_rep_faults),
        cmocka_unit_test(test_long_repetitions),
        cmocka_unit_test(test_compare_flags_consumed),
        cmocka_unit_test(test_io_strings_privileged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
