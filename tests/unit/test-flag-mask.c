/*
 * The undefined-flag state machine of mimic-tracediff (conformance/
 * flag-mask.c) on hand-built records, each case checked against the
 * "Flags Affected" section of its instruction in the Intel SDM vol. 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../conformance/flag-mask.h"

enum { EAX, ECX, EDX, EBX };

/* Steps one instruction given as bytes, with ECX = ecx (shift counts). */
static void step_ecx(FlagMaskState *s, const char *bytes, size_t len, uint32_t ecx)
{
    TraceRecord rec;
    memset(&rec, 0, sizeof(rec));
    rec.eip = 0x8048000;
    rec.regs[ECX] = ecx;
    memcpy(rec.insn, bytes, len);
    flag_mask_step(s, &rec);
    assert_true(s->last_decoded);
}

#define STEP(s, lit) step_ecx((s), (lit), sizeof(lit) - 1, 0)
#define STEP_CL(s, lit, cl) step_ecx((s), (lit), sizeof(lit) - 1, (cl))

/* The record after the instruction, for BSF/BSR: only its ZF matters. */
static void settle_zf(FlagMaskState *s, bool zf)
{
    TraceRecord rec;
    memset(&rec, 0, sizeof(rec));
    rec.eflags = 0x202 | (zf ? FM_ZF : 0);
    flag_mask_settle(s, &rec);
}

static int setup(void **state)
{
    static FlagMaskState s;
    if (!flag_mask_init(&s))
        return -1;
    *state = &s;
    return 0;
}

static int teardown(void **state)
{
    flag_mask_fini(*state);
    return 0;
}

static FlagMaskState *fresh(void **state)
{
    FlagMaskState *s = *state;
    flag_mask_reset(s);
    return s;
}

/* AND/OR/XOR/TEST: AF undefined; ADD writes it again. */
static void test_logic_then_add(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\x21\xd8");             /* and eax, ebx */
    assert_int_equal(s->undef, FM_AF);
    STEP(s, "\x01\xd8");             /* add eax, ebx */
    assert_int_equal(s->undef, 0);
    STEP(s, "\x85\xd8");             /* test eax, ebx */
    assert_int_equal(s->undef, FM_AF);
    STEP(s, "\x40");                 /* inc eax: AF defined, CF untouched */
    assert_int_equal(s->undef, 0);
    STEP(s, "\x83\xc8\x01");         /* or eax, 1 */
    STEP(s, "\x31\xc0");             /* xor eax, eax */
    assert_int_equal(s->undef, FM_AF);
}

/* SHL/SAL/SHR/SAR: count 0 changes nothing, 1 defines OF, > 1 leaves OF
 * undefined; AF undefined for any non-zero count; CF undefined for SHL
 * and SHR when the count reaches the operand size. */
static void test_shift(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\xd1\xe0");             /* shl eax, 1 */
    assert_int_equal(s->undef, FM_AF);
    STEP(s, "\xc1\xe0\x03");         /* shl eax, 3 */
    assert_int_equal(s->undef, FM_AF | FM_OF);
    STEP(s, "\xc1\xe8\x00");         /* shr eax, 0: no flag changes */
    assert_int_equal(s->undef, FM_AF | FM_OF);
    STEP(s, "\xd1\xf8");             /* sar eax, 1 */
    assert_int_equal(s->undef, FM_AF);
    STEP_CL(s, "\xd3\xe0", 0x20);    /* shl eax, cl: count masked to 0 */
    assert_int_equal(s->undef, FM_AF);
    STEP_CL(s, "\xd2\xe0", 8);       /* shl al, cl = 8 */
    assert_int_equal(s->undef, FM_AF | FM_OF | FM_CF);
    STEP_CL(s, "\xd2\xf8", 8);       /* sar al, cl = 8: CF defined */
    assert_int_equal(s->undef, FM_AF | FM_OF);
    STEP_CL(s, "\xd3\xe8", 0x21);    /* shr eax, cl: count 1 */
    assert_int_equal(s->undef, FM_AF);
}

/* ROL/ROR: CF written for a non-zero count, OF only for count 1. */
static void test_rotate(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\xf7\xf3");             /* div ebx: all undefined */
    assert_int_equal(s->undef, FM_STATUS);
    STEP(s, "\xd1\xc0");             /* rol eax, 1 */
    assert_int_equal(s->undef, FM_STATUS & ~(FM_CF | FM_OF));
    STEP(s, "\xc1\xc8\x05");         /* ror eax, 5 */
    assert_int_equal(s->undef, FM_STATUS & ~FM_CF);
    STEP(s, "\xc1\xc0\x00");         /* rol eax, 0 */
    assert_int_equal(s->undef, FM_STATUS & ~FM_CF);
}

/* RCL/RCR: 8- and 16-bit operands rotate by count mod 9 / 17, so CF does
 * not change when that is 0, but OF is still undefined (count > 1). */
static void test_rcl_rcr(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\xf7\xf3");             /* div ebx */
    STEP_CL(s, "\xd2\xd0", 9);       /* rcl al, cl = 9: rotates by 0 */
    assert_int_equal(s->undef, FM_STATUS);
    STEP_CL(s, "\xd2\xd8", 3);       /* rcr al, cl = 3 */
    assert_int_equal(s->undef, FM_STATUS & ~FM_CF);
    assert_int_equal(s->last_read_undef, FM_CF);
    STEP(s, "\xd1\xd0");             /* rcl eax, 1 */
    assert_int_equal(s->undef, FM_SF | FM_ZF | FM_AF | FM_PF);
    STEP_CL(s, "\x66\xd3\xd0", 17);  /* rcl ax, cl = 17: rotates by 0 */
    assert_int_equal(s->undef, FM_SF | FM_ZF | FM_AF | FM_PF | FM_OF);
}

/* SHLD/SHRD: AF undefined, OF for count > 1; a count beyond the operand
 * size leaves every flag and the destination undefined. */
static void test_shld_shrd(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\x0f\xa4\xd8\x01");     /* shld eax, ebx, 1 */
    assert_int_equal(s->undef, FM_AF);
    STEP(s, "\x0f\xac\xd8\x04");     /* shrd eax, ebx, 4 */
    assert_int_equal(s->undef, FM_AF | FM_OF);
    assert_int_equal(flag_mask_reg(s, EAX), 0xffffffffu);
    STEP_CL(s, "\x66\x0f\xa5\xd8", 20);   /* shld ax, bx, cl = 20 */
    assert_int_equal(s->undef, FM_STATUS);
    assert_int_equal(flag_mask_reg(s, EAX), 0xffff0000u);
    assert_int_equal(flag_mask_reg(s, EBX), 0xffffffffu);
    STEP_CL(s, "\x66\x0f\xa5\xd8", 16);   /* count = size: defined */
    assert_int_equal(s->undef, FM_AF | FM_OF);
    assert_int_equal(flag_mask_reg(s, EAX), 0xffffffffu);
}

/* MUL/IMUL: SF ZF AF PF undefined, CF OF defined; ADD defines them all. */
static void test_mul(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\xf7\xe3");             /* mul ebx */
    assert_int_equal(s->undef, FM_SF | FM_ZF | FM_AF | FM_PF);
    STEP(s, "\x01\xd8");             /* add eax, ebx */
    assert_int_equal(s->undef, 0);
    STEP(s, "\x69\xc0\xb1\x79\x37\x9e");   /* imul eax, eax, 0x9e3779b1 */
    assert_int_equal(s->undef, FM_SF | FM_ZF | FM_AF | FM_PF);
    STEP(s, "\x0f\xaf\xc3");         /* imul eax, ebx */
    assert_int_equal(s->undef, FM_SF | FM_ZF | FM_AF | FM_PF);
    STEP(s, "\xf6\xfb");             /* idiv bl */
    assert_int_equal(s->undef, FM_STATUS);
}

/* BCD: AAA/AAS leave OF SF ZF PF, AAM/AAD OF AF CF, DAA/DAS OF undefined. */
static void test_bcd(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\x37");                 /* aaa */
    assert_int_equal(s->undef, FM_OF | FM_SF | FM_ZF | FM_PF);
    STEP(s, "\x3f");                 /* aas */
    assert_int_equal(s->undef, FM_OF | FM_SF | FM_ZF | FM_PF);
    STEP(s, "\xd4\x0a");             /* aam */
    assert_int_equal(s->undef, FM_OF | FM_AF | FM_CF);
    STEP(s, "\xd5\x0a");             /* aad */
    assert_int_equal(s->undef, FM_OF | FM_AF | FM_CF);
    STEP(s, "\x27");                 /* daa: reads the undefined AF and CF */
    assert_int_equal(s->undef, FM_OF);
    assert_int_equal(s->last_read_undef, FM_AF | FM_CF);
    STEP(s, "\x2f");                 /* das */
    assert_int_equal(s->undef, FM_OF);
    assert_int_equal(s->last_read_undef, 0);
}

/* BT*: CF defined, OF SF AF PF undefined, ZF unaffected. */
static void test_bt(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\xf7\xe3");             /* mul ebx: ZF undefined */
    STEP(s, "\x0f\xa3\xd8");         /* bt eax, ebx */
    assert_int_equal(s->undef, FM_OF | FM_SF | FM_AF | FM_PF | FM_ZF);
    STEP(s, "\x01\xd8");             /* add */
    STEP(s, "\x0f\xba\xe8\x03");     /* bts eax, 3 */
    assert_int_equal(s->undef, FM_OF | FM_SF | FM_AF | FM_PF);
    STEP(s, "\x0f\xb3\xd8");         /* btr eax, ebx */
    STEP(s, "\x0f\xbb\xd8");         /* btc eax, ebx */
    assert_int_equal(s->undef, FM_OF | FM_SF | FM_AF | FM_PF);
}

/* BSF/BSR: ZF defined, the rest undefined, and the destination undefined
 * when the source was 0 (ZF = 1 after it) until something writes it. */
static void test_bsf_bsr(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\x0f\xbc\xc3");         /* bsf eax, ebx */
    assert_int_equal(s->undef, FM_CF | FM_OF | FM_SF | FM_AF | FM_PF);
    settle_zf(s, false);
    assert_int_equal(flag_mask_reg(s, EAX), 0xffffffffu);
    STEP(s, "\x0f\xbd\x03");         /* bsr eax, [ebx], source 0 */
    settle_zf(s, true);
    assert_int_equal(flag_mask_reg(s, EAX), 0);
    STEP(s, "\x01\xd9");             /* add ecx, ebx: eax still undefined */
    settle_zf(s, false);
    assert_int_equal(flag_mask_reg(s, EAX), 0);
    STEP(s, "\xb0\x01");             /* mov al, 1 */
    assert_int_equal(flag_mask_reg(s, EAX), 0xffu);
    STEP(s, "\x89\xd8");             /* mov eax, ebx */
    assert_int_equal(flag_mask_reg(s, EAX), 0xffffffffu);
    STEP(s, "\x66\x0f\xbc\xd3");     /* bsf dx, bx, source 0 */
    settle_zf(s, true);
    assert_int_equal(flag_mask_reg(s, EDX), 0xffff0000u);
}

/* BSWAP of a 16-bit register: the result is undefined. */
static void test_bswap(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\x66\x0f\xc8");         /* bswap ax */
    assert_int_equal(flag_mask_reg(s, EAX), 0xffff0000u);
    assert_int_equal(s->undef, 0);
    STEP(s, "\x0f\xc8");             /* bswap eax */
    assert_int_equal(flag_mask_reg(s, EAX), 0xffffffffu);
}

/* LAR: only ZF; when it succeeds (ZF = 1), bits 16-19 of a 32-bit
 * destination are undefined ("AND 00FxFF00H"). */
static void test_lar(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\xf7\xe3");             /* mul ebx */
    STEP(s, "\x0f\x02\xc3");         /* lar eax, ebx */
    assert_int_equal(s->undef, FM_SF | FM_AF | FM_PF);
    settle_zf(s, true);
    assert_int_equal(flag_mask_reg(s, EAX), 0xfff0ffffu);
    STEP(s, "\x0f\x02\xcb");         /* lar ecx, ebx, invalid selector */
    settle_zf(s, false);
    assert_int_equal(flag_mask_reg(s, ECX), 0xffffffffu);
    STEP(s, "\x66\x0f\x02\xd3");     /* lar dx, bx */
    settle_zf(s, true);
    assert_int_equal(flag_mask_reg(s, EDX), 0xffffffffu);
    STEP(s, "\x89\xd8");             /* mov eax, ebx */
    assert_int_equal(flag_mask_reg(s, EAX), 0xffffffffu);
}

/* Loaders of the flags define them all; readers report what they read. */
static void test_load_and_read(void **state)
{
    FlagMaskState *s = fresh(state);
    STEP(s, "\xf7\xf3");             /* div ebx */
    STEP(s, "\x9f");                 /* lahf */
    assert_int_equal(s->last_read_undef, FM_STATUS & ~FM_OF);
    STEP(s, "\x9e");                 /* sahf: OF is not in AH */
    assert_int_equal(s->undef, FM_OF);
    STEP(s, "\x9d");                 /* popfd */
    assert_int_equal(s->undef, 0);
    STEP(s, "\xf7\xf3");             /* div ebx */
    STEP(s, "\x11\xd8");             /* adc eax, ebx */
    assert_int_equal(s->last_read_undef, FM_CF);
    assert_int_equal(s->undef, 0);
}

/* Instructions without a row leave nothing undefined. */
static void test_table(void **state)
{
    (void)state;
    assert_int_equal(flag_mask_table_undef(X86_INS_ADD), 0);
    assert_int_equal(flag_mask_table_undef(X86_INS_NEG), 0);
    assert_int_equal(flag_mask_table_undef(X86_INS_AND), FM_AF);
    assert_int_equal(flag_mask_table_undef(X86_INS_DIV), FM_STATUS);
    assert_int_equal(flag_mask_table_undef(X86_INS_SHRD), FM_STATUS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logic_then_add),
        cmocka_unit_test(test_shift),
        cmocka_unit_test(test_rotate),
        cmocka_unit_test(test_rcl_rcr),
        cmocka_unit_test(test_shld_shrd),
        cmocka_unit_test(test_mul),
        cmocka_unit_test(test_bcd),
        cmocka_unit_test(test_bt),
        cmocka_unit_test(test_bsf_bsr),
        cmocka_unit_test(test_bswap),
        cmocka_unit_test(test_lar),
        cmocka_unit_test(test_load_and_read),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
