/*
 * The IR builder (jit/ir.c), ir_validate and ir_dump.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir-harness.h"
#include "jit/ir.h"

static uint64_t dummy_helper(uint64_t a)
{
    return a + 1;
}

static void test_op_defs(void **state)
{
    (void)state;
    for (unsigned i = 0; i < IR_OP_COUNT; i++) {
        const IROpDef *d = &ir_op_defs[i];
        assert_non_null(d->name);
        assert_true(d->nb_out + d->nb_in + d->nb_const <= IR_MAX_ARGS);
    }
    assert_string_equal(ir_op_defs[IR_OP_add].name, "add");
    assert_int_equal(ir_op_defs[IR_OP_add].nb_out, 1);
    assert_int_equal(ir_op_defs[IR_OP_add].nb_in, 2);
    assert_int_equal(ir_op_defs[IR_OP_movcond].nb_in, 4);
    assert_int_equal(ir_op_defs[IR_OP_movcond].nb_const, 1);
    assert_int_equal(ir_op_defs[IR_OP_mulu2].nb_out, 2);
    assert_int_equal(ir_op_defs[IR_OP_guest_st].flags,
                     IR_OPF_SIDE_EFFECTS | IR_OPF_MAY_RAISE);
    assert_true(ir_op_defs[IR_OP_ext32s].flags & IR_OPF_I64_ONLY);
    assert_true(ir_op_defs[IR_OP_extrh].flags & IR_OPF_I32_ONLY);
    assert_string_equal(ir_op_defs[IR_OP_lookup_and_goto].name, "lookup_and_goto");
    assert_string_equal(ir_op_defs[IR_OP_nop].name, "nop");
}

static void test_func_begin(void **state)
{
    (void)state;
    IRFunc f;
    ir_func_init(&f, 64, 64);
    irh_begin(&f, IR_I32);
    assert_int_equal(f.nb_temps, 1 + IRH_NB_GLOBALS);
    assert_int_equal(f.nb_globals, 1 + IRH_NB_GLOBALS);
    assert_int_equal(f.temps[IR_TEMP_ENV].kind, IR_TEMP_KIND_FIXED);
    assert_int_equal(f.temps[IR_TEMP_ENV].type, IR_I64);
    assert_int_equal(f.temps[IRH_G(0)].kind, IR_TEMP_KIND_GLOBAL);
    assert_int_equal(f.temps[IRH_G(0)].type, IR_I64);
    assert_int_equal(f.temps[IRH_G(9)].type, IR_I32);
    assert_int_equal(f.temps[IRH_G(9)].offset, offsetof(IRHCpu, g) + 72);
    assert_string_equal(f.temps[IRH_G(9)].name, "g9");
    assert_true(ir_temp_is_global(&f, IRH_G(15)));
    assert_int_equal(f.addr_type, IR_I32);

    IRTemp t = ir_new_temp(&f, IR_I32);
    assert_int_equal(t, 1 + IRH_NB_GLOBALS);
    assert_int_equal(ir_temp_type(&f, t), IR_I32);
    assert_false(ir_temp_is_global(&f, t));
    assert_int_equal(ir_new_label(&f), 0);
    assert_int_equal(ir_new_label(&f), 1);
    assert_int_equal(f.nb_labels, 2);

    /* begin again: everything but the globals is forgotten */
    ir_gen_exit_tb(&f);
    irh_begin(&f, IR_I64);
    assert_int_equal(f.nb_ops, 0);
    assert_int_equal(f.nb_labels, 0);
    assert_int_equal(f.nb_temps, 1 + IRH_NB_GLOBALS);
    assert_int_equal(f.addr_type, IR_I64);
    ir_func_destroy(&f);
}

static void test_builders_layout(void **state)
{
    (void)state;
    IRFunc f;
    ir_func_init(&f, 64, 64);
    irh_begin(&f, IR_I32);
    IRTemp a = ir_new_temp(&f, IR_I32), b = ir_new_temp(&f, IR_I32);
    IRTemp q = ir_new_temp(&f, IR_I64);

    ir_gen_insn_start(&f, 0x1000, 7, 9);
    ir_gen_movi(&f, IR_I32, a, 0x123456789ull);      /* masked to 32 bits */
    ir_gen_op2(&f, IR_OP_sub, IR_I32, b, a, IRH_G(8));
    ir_gen_op2i(&f, IR_OP_add, IR_I32, b, b, 5);
    ir_gen_mul2(&f, IR_OP_mulu2, IR_I32, a, b, IRH_G(8), IRH_G(9));
    ir_gen_setcond(&f, IR_I32, IR_COND_LTU, a, b, IRH_G(8));
    ir_gen_movcond(&f, IR_I32, IR_COND_EQ, a, b, IRH_G(8), IRH_G(9), IRH_G(10));
    ir_gen_deposit(&f, IR_I32, a, a, b, 8, 4);
    ir_gen_extract(&f, IR_OP_sextract, IR_I32, a, b, 3, 5);
    ir_gen_ld_env(&f, IR_I64, q, -16, IR_MO_32 | IR_MO_SIGN);
    ir_gen_guest_st(&f, IR_I32, a, b, IR_MO_16 | IR_MO_BE);
    IRTemp args[2] = { IR_TEMP_ENV, q };
    ir_gen_call(&f, (void *)dummy_helper, IR_CALL_PURE, IR_I64, q, 2, args);
    ir_gen_call(&f, (void *)dummy_helper, 0, IR_I32, IR_TEMP_NONE, 0, NULL);
    ir_gen_brcond(&f, IR_I32, IR_COND_NE, a, b, 3);
    ir_gen_goto_tb(&f, 1);

    const IROp *op = f.ops;
    assert_int_equal(f.nb_insns, 1);
    assert_int_equal(op[0].opc, IR_OP_insn_start);
    assert_int_equal(op[0].args[0], 0x1000);
    assert_int_equal(op[0].args[2], 9);
    assert_int_equal(op[1].opc, IR_OP_movi);
    assert_int_equal(op[1].args[1], 0x23456789);
    assert_int_equal(op[2].nb_out, 1);
    assert_int_equal(op[2].nb_in, 2);
    assert_int_equal(op[2].args[2], IRH_G(8));
    /* op2i: a fresh constant temp, then the op on it */
    assert_int_equal(op[3].opc, IR_OP_movi);
    assert_int_equal(op[3].args[1], 5);
    assert_int_equal(op[4].opc, IR_OP_add);
    assert_int_equal(op[4].args[2], op[3].args[0]);
    assert_int_equal(ir_temp_type(&f, (IRTemp)op[3].args[0]), IR_I32);
    assert_int_equal(op[5].nb_out, 2);
    assert_int_equal(op[5].args[1], b);
    assert_int_equal(op[5].args[3], IRH_G(9));
    assert_int_equal(ir_op_const(&op[6], 0), IR_COND_LTU);
    assert_int_equal(ir_op_in(&op[7], 3), IRH_G(10));
    assert_int_equal(ir_op_const(&op[7], 0), IR_COND_EQ);
    assert_int_equal(ir_op_const(&op[8], 0), 8);
    assert_int_equal(ir_op_const(&op[8], 1), 4);
    assert_int_equal(op[9].opc, IR_OP_sextract);
    assert_int_equal(ir_op_const(&op[9], 1), 5);
    assert_int_equal((int64_t)ir_op_const(&op[10], 0), -16);
    assert_int_equal(ir_op_const(&op[10], 1), IR_MO_32 | IR_MO_SIGN);
    assert_int_equal(ir_op_in(&op[11], 1), b);
    assert_int_equal(op[12].nb_out, 1);
    assert_int_equal(op[12].nb_in, 2);
    assert_int_equal(ir_op_in(&op[12], 1), q);
    assert_int_equal(ir_op_const(&op[12], 0), (uintptr_t)dummy_helper);
    assert_int_equal(ir_op_const(&op[12], 1), IR_CALL_PURE);
    assert_int_equal(op[13].nb_out, 0);
    assert_int_equal(op[13].nb_in, 0);
    assert_int_equal(op[13].args[0], (uintptr_t)dummy_helper);
    assert_int_equal(ir_op_const(&op[14], 1), 3);
    assert_int_equal(op[15].args[0], 1);
    assert_int_equal(f.nb_ops, 16);
    assert_false(f.overflow);
    ir_func_destroy(&f);
}

static void test_overflow(void **state)
{
    (void)state;
    IRFunc f;
    ir_func_init(&f, 4, 1 + IRH_NB_GLOBALS + 2);
    irh_begin(&f, IR_I32);
    IRTemp a = ir_new_temp(&f, IR_I32);
    IRTemp b = ir_new_temp(&f, IR_I64);
    assert_false(f.overflow);
    IRTemp c = ir_new_temp(&f, IR_I32);   /* one too many: the spare */
    assert_true(f.overflow);
    assert_int_equal(f.nb_temps, 1 + IRH_NB_GLOBALS + 2);
    assert_int_equal(ir_temp_type(&f, c), IR_I32);
    assert_true(a != c && b != c);

    IRFunc g;
    ir_func_init(&g, 3, 64);
    irh_begin(&g, IR_I32);
    for (int i = 0; i < 3; i++)
        ir_gen_movi(&g, IR_I32, IRH_G(8), (uint64_t)i);
    assert_false(g.overflow);
    IROp *spare = ir_emit(&g, IR_OP_add, IR_I32);
    assert_true(g.overflow);
    assert_int_equal(g.nb_ops, 3);
    assert_true(spare < g.ops || spare >= g.ops + g.nb_ops);
    assert_int_equal(spare->nb_in, 2);
    /* still ignored, and the block is rejected */
    ir_gen_exit_tb(&g);
    assert_int_equal(g.nb_ops, 3);
    char err[128];
    assert_false(ir_validate(&g, err, sizeof(err)));
    assert_non_null(strstr(err, "overflow"));
    ir_func_destroy(&f);
    ir_func_destroy(&g);
}

static const uint64_t cond_vals[] = {
    0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
};
#define NB_COND_VALS (sizeof(cond_vals) / sizeof(cond_vals[0]))

static bool ref_cond(IRCond c, IRType t, uint64_t a, uint64_t b)
{
    if (t == IR_I32) {
        uint32_t x = (uint32_t)a, y = (uint32_t)b;
        int32_t sx = (int32_t)x, sy = (int32_t)y;
        switch (c) {
        case IR_COND_NEVER: return false;
        case IR_COND_ALWAYS: return true;
        case IR_COND_EQ: return x == y;
        case IR_COND_NE: return x != y;
        case IR_COND_LT: return sx < sy;
        case IR_COND_GE: return sx >= sy;
        case IR_COND_LE: return sx <= sy;
        case IR_COND_GT: return sx > sy;
        case IR_COND_LTU: return x < y;
        case IR_COND_GEU: return x >= y;
        case IR_COND_LEU: return x <= y;
        case IR_COND_GTU: return x > y;
        case IR_COND_TSTEQ: return !(x & y);
        case IR_COND_TSTNE: return (x & y) != 0;
        default: fail();
        }
    }
    int64_t sx = (int64_t)a, sy = (int64_t)b;
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return sx < sy;
    case IR_COND_GE: return sx >= sy;
    case IR_COND_LE: return sx <= sy;
    case IR_COND_GT: return sx > sy;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return !(a & b);
    case IR_COND_TSTNE: return (a & b) != 0;
    default: fail();
    }
    return false;
}

static void test_conditions(void **state)
{
    (void)state;
    for (int c = 0; c < IR_COND_COUNT; c++) {
        IRCond inv = ir_cond_invert((IRCond)c), sw = ir_cond_swap((IRCond)c);
        assert_int_equal(ir_cond_invert(inv), c);
        assert_int_equal(ir_cond_swap(sw), c);
        assert_non_null(ir_cond_name((IRCond)c));
        for (int t = IR_I32; t <= IR_I64; t++) {
            for (size_t i = 0; i < NB_COND_VALS; i++) {
                for (size_t j = 0; j < NB_COND_VALS; j++) {
                    uint64_t a = cond_vals[i] & ir_type_mask((IRType)t);
                    uint64_t b = cond_vals[j] & ir_type_mask((IRType)t);
                    bool r = ref_cond((IRCond)c, (IRType)t, a, b);
                    assert_int_equal(ir_cond_eval((IRCond)c, (IRType)t, a, b), r);
                    assert_int_equal(ir_cond_eval(inv, (IRType)t, a, b), !r);
                    assert_int_equal(ir_cond_eval(sw, (IRType)t, b, a), r);
                }
            }
        }
    }
    assert_string_equal(ir_cond_name(IR_COND_LTU), "ltu");
    assert_string_equal(ir_cond_name(IR_COND_TSTNE), "tstne");
    /* i32 comparisons ignore the (never set) upper half */
    assert_true(ir_cond_eval(IR_COND_LT, IR_I32, 0x80000000, 1));
    assert_false(ir_cond_eval(IR_COND_LT, IR_I64, 0x80000000, 1));
    assert_true(ir_cond_eval(IR_COND_EQ, IR_I32, 0x100000005ull, 5));
}

/* ---- validate ---- */

typedef struct Good {
    IRFunc f;
    IRTemp a32, b32, c64;
    uint32_t l0, l1;
} Good;

/* A block using every feature validate checks; each test breaks one. */
static void build_good(Good *g)
{
    IRFunc *f = &g->f;
    ir_func_init(f, 128, 128);
    irh_begin(f, IR_I32);
    g->a32 = ir_new_temp(f, IR_I32);
    g->b32 = ir_new_temp(f, IR_I32);
    g->c64 = ir_new_temp(f, IR_I64);
    g->l0 = ir_new_label(f);
    g->l1 = ir_new_label(f);
    ir_gen_insn_start(f, 0x100, 0, 0);
    ir_gen_movi(f, IR_I32, g->a32, 3);                                    /* 1 */
    ir_gen_op2(f, IR_OP_add, IR_I32, g->b32, g->a32, IRH_G(8));           /* 2 */
    ir_gen_op1(f, IR_OP_ext32u, IR_I64, g->c64, g->b32);                  /* 3 */
    ir_gen_guest_ld(f, IR_I64, IRH_G(0), g->a32, IR_MO_64 | IR_MO_BE);    /* 4 */
    ir_gen_deposit(f, IR_I32, g->a32, g->a32, g->b32, 24, 8);            /* 5 */
    ir_gen_ld_env(f, IR_I32, g->b32, IRH_SCRATCH_OFFSET(0), IR_MO_16);   /* 6 */
    ir_gen_brcond(f, IR_I32, IR_COND_LT, g->a32, g->b32, g->l1);         /* 7 */
    ir_gen_set_label(f, g->l0);                                          /* 8 */
    IRTemp args[1] = { g->c64 };
    ir_gen_call(f, (void *)dummy_helper, 0, IR_I64, g->c64, 1, args);    /* 9 */
    ir_gen_set_label(f, g->l1);                                          /* 10 */
    ir_gen_insn_start(f, 0x104, 0, 0);
    ir_gen_op1(f, IR_OP_extrh, IR_I32, IRH_G(8), g->c64);                /* 12 */
    ir_gen_brcond(f, IR_I32, IR_COND_NE, g->a32, g->b32, g->l0);         /* 13 */
    ir_gen_goto_tb(f, 1);                                                /* 14 */
}

static void expect_invalid(IRFunc *f, const char *needle)
{
    char err[256];
    assert_false(ir_validate(f, err, sizeof(err)));
    if (!strstr(err, needle))
        fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

static void test_validate_good(void **state)
{
    (void)state;
    Good g;
    char err[256];
    build_good(&g);
    if (!ir_validate(&g.f, err, sizeof(err)))
        fail_msg("%s", err);
    /* a small error buffer is not overrun and NULL is accepted */
    assert_true(ir_validate(&g.f, NULL, 0));
    ir_func_destroy(&g.f);
}

typedef void (*Breaker)(Good *g);

static void brk_opcode(Good *g) { g->f.ops[1].opc = IR_OP_COUNT; }
static void brk_type(Good *g) { g->f.ops[2].type = 2; }
static void brk_counts(Good *g) { g->f.ops[2].nb_in = 1; }
static void brk_temp_range(Good *g) { g->f.ops[2].args[2] = g->f.nb_temps; }
static void brk_write_env(Good *g) { g->f.ops[2].type = IR_I64; g->f.ops[2].args[0] = 0; }
static void brk_in_type(Good *g) { g->f.ops[2].args[2] = IRH_G(0); }
static void brk_out_type(Good *g) { g->f.ops[1].args[0] = g->c64; }
static void brk_ext32_type(Good *g) { g->f.ops[3].args[2 - 1] = g->c64; }
static void brk_ext32_i32(Good *g) { g->f.ops[3].type = IR_I32; }
static void brk_extrh_i64(Good *g) { g->f.ops[12].type = IR_I64; }
static void brk_addr_type(Good *g) { g->f.ops[4].args[1] = g->c64; }
static void brk_memop_wide(Good *g)
{
    g->f.ops[6].args[2] = IR_MO_64;
}
static void brk_memop_be_env(Good *g) { g->f.ops[6].args[2] = IR_MO_16 | IR_MO_BE; }
static void brk_memop_bits(Good *g) { g->f.ops[4].args[2] = 0x10; }
static void brk_deposit_len0(Good *g) { g->f.ops[5].args[4] = 0; }
static void brk_deposit_range(Good *g) { g->f.ops[5].args[3] = 25; }
static void brk_cond(Good *g) { g->f.ops[7].args[2] = IR_COND_COUNT; }
static void brk_label_range(Good *g) { g->f.ops[7].args[3] = 7; }
static void brk_label_twice(Good *g) { g->f.ops[10].args[0] = g->l0; }
static void brk_label_unset(Good *g)
{
    g->f.ops[10].opc = IR_OP_nop;
    g->f.ops[10].args[0] = 0;
}
static void brk_call_args(Good *g) { g->f.ops[9].nb_in = 7; }
static void brk_call_null(Good *g) { g->f.ops[9].args[2] = 0; }
static void brk_call_flags(Good *g) { g->f.ops[9].args[3] = 0x100; }
static void brk_goto_slot(Good *g) { g->f.ops[14].args[0] = 2; }
static void brk_no_exit(Good *g) { g->f.ops[14].opc = IR_OP_nop; }
static void brk_insn_count(Good *g) { g->f.nb_insns = 3; }
static void brk_i64_only(Good *g)
{
    /* bswap64 at i32 */
    g->f.ops[1].opc = IR_OP_bswap64;
    g->f.ops[1].nb_in = 1;
    g->f.ops[1].args[1] = g->a32;
}
static void brk_movi_wide(Good *g) { g->f.ops[1].args[1] = 0x100000000ull; }
static void brk_mul2_same(Good *g)
{
    IROp *op = &g->f.ops[2];
    op->opc = IR_OP_mulu2;
    op->nb_out = 2;
    op->args[0] = g->a32;
    op->args[1] = g->a32;
    op->args[2] = g->b32;
    op->args[3] = g->b32;
}

static const struct {
    Breaker brk;
    const char *needle;
} breakers[] = {
    { brk_opcode, "bad opcode" },
    { brk_type, "bad type" },
    { brk_counts, "operand counts" },
    { brk_temp_range, "out of range" },
    { brk_write_env, "env" },
    { brk_in_type, "input temp" },
    { brk_out_type, "output temp" },
    { brk_ext32_type, "expected i32" },
    { brk_ext32_i32, "only valid at i64" },
    { brk_extrh_i64, "only valid at i32" },
    { brk_addr_type, "address" },
    { brk_memop_wide, "wider than the type" },
    { brk_memop_be_env, "IR_MO_BE" },
    { brk_memop_bits, "memop bits" },
    { brk_deposit_len0, "bit field" },
    { brk_deposit_range, "bit field" },
    { brk_cond, "condition" },
    { brk_label_range, "label 7 out of range" },
    { brk_label_twice, "set twice" },
    { brk_label_unset, "never set" },
    { brk_call_args, "arguments" },
    { brk_call_null, "null function" },
    { brk_call_flags, "call flags" },
    { brk_goto_slot, "slot" },
    { brk_no_exit, "does not end" },
    { brk_insn_count, "insn_start" },
    { brk_i64_only, "only valid at i64" },
    { brk_mul2_same, "same temp" },
    { brk_movi_wide, "wider than the type" },
};

static void test_validate_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(breakers) / sizeof(breakers[0]); i++) {
        Good g;
        build_good(&g);
        breakers[i].brk(&g);
        expect_invalid(&g.f, breakers[i].needle);
        ir_func_destroy(&g.f);
    }
}

/* ---- dump ---- */

static char *dump_to_string(const IRFunc *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    ir_dump(f, out);
    fclose(out);
    return buf;
}

static void test_dump(void **state)
{
    (void)state;
    IRFunc f;
    ir_func_init(&f, 64, 64);
    irh_begin(&f, IR_I32);
    IRTemp t = ir_new_temp(&f, IR_I32);     /* temp 17 */
    IRTemp q = ir_new_temp(&f, IR_I64);     /* temp 18 */
    uint32_t l = ir_new_label(&f);
    ir_gen_insn_start(&f, 0x401000, 0, 0x2);
    ir_gen_movi(&f, IR_I32, t, 5);
    ir_gen_op2(&f, IR_OP_add, IR_I32, t, IRH_G(8), t);
    ir_gen_ld_env(&f, IR_I64, q, IRH_SCRATCH_OFFSET(1), IR_MO_32 | IR_MO_SIGN);
    ir_gen_guest_st(&f, IR_I32, t, IRH_G(9), IR_MO_16 | IR_MO_BE);
    ir_gen_brcond(&f, IR_I32, IR_COND_LTU, t, IRH_G(9), l);
    ir_gen_extract(&f, IR_OP_extract, IR_I64, q, q, 4, 8);
    ir_gen_set_label(&f, l);
    ir_gen_mb(&f, IR_MB_ALL);
    ir_gen_goto_tb(&f, 0);

    char expect[512];
    snprintf(expect, sizeof(expect),
             " ---- insn_start pc=0x401000, 0x0, 0x2\n"
             "  movi_i32 t17, $0x5\n"
             "  add_i32 t17, g8, t17\n"
             "  ld_env_i64 t18, env+0x%zx, s32\n"
             "  guest_st_i32 t17, g9, u16be\n"
             "  brcond_i32 t17, g9, ltu, L0\n"
             "  extract_i64 t18, t18, pos=4, len=8\n"
             "L0:\n"
             "  mb $0xf\n"
             "  goto_tb 0\n",
             offsetof(IRHCpu, scratch) + 8);
    char *s = dump_to_string(&f);
    assert_string_equal(s, expect);
    free(s);

    /* life bits appear once set */
    f.ops[2].life = 1u << 2;
    s = dump_to_string(&f);
    assert_non_null(strstr(s, "add_i32 t17, g8, t17  ; dead t17\n"));
    free(s);
    ir_func_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_op_defs),
        cmocka_unit_test(test_func_begin),
        cmocka_unit_test(test_builders_layout),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_validate_good),
        cmocka_unit_test(test_validate_rejects),
        cmocka_unit_test(test_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
