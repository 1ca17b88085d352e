/*
 * The optimizer: what opt_fold leaves of a block, what opt_liveness
 * deletes, and the life bits it sets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ir-harness.h"
#include "jit/ir.h"
#include "jit/opt.h"

#define G0 IRH_G(0)
#define G1 IRH_G(1)
#define G2 IRH_G(2)
#define G8 IRH_G(8)

static void begin(IRFunc *f)
{
    ir_func_init(f, 256, 256);
    irh_begin(f, IR_I32);
    ir_gen_insn_start(f, 0x1000, 0, 0);
}

/* The ops left after optimization, without nops and insn_start. */
static unsigned live_ops(const IRFunc *f, const IROp **out, unsigned max)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        if (op->opc == IR_OP_nop || op->opc == IR_OP_insn_start)
            continue;
        assert_true(n < max);
        out[n++] = op;
    }
    return n;
}

static void expect_opcodes(const IRFunc *f, const IROpcode *want, unsigned n)
{
    const IROp *ops[64];
    unsigned got = live_ops(f, ops, 64);
    bool same = got == n;
    for (unsigned i = 0; same && i < n; i++)
        same = ops[i]->opc == want[i];
    if (!same) {
        fprintf(stderr, "expected:");
        for (unsigned i = 0; i < n; i++)
            fprintf(stderr, " %s", ir_op_defs[want[i]].name);
        fprintf(stderr, "\ngot:\n");
        ir_dump(f, stderr);
        fail();
    }
}

static void check_valid(const IRFunc *f)
{
    char err[256];
    if (!ir_validate(f, err, sizeof(err)))
        fail_msg("%s", err);
}

/* ---- folding ---- */

static void test_fold_constants(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp a = ir_new_temp(&f, IR_I32), b = ir_new_temp(&f, IR_I32);
    IRTemp c = ir_new_temp(&f, IR_I32);
    ir_gen_movi(&f, IR_I32, a, 0xfffffff0);
    ir_gen_movi(&f, IR_I32, b, 0x20);
    ir_gen_op2(&f, IR_OP_add, IR_I32, c, a, b);         /* wraps: 0x10 */
    ir_gen_op2(&f, IR_OP_shl, IR_I32, c, c, b);         /* count 0x20 & 31 = 0 */
    ir_gen_op2(&f, IR_OP_divu, IR_I32, G8, c, IRH_G(9));
    ir_gen_mov(&f, IR_I32, IRH_G(10), c);
    ir_gen_exit_tb(&f);
    opt_run(&f);
    check_valid(&f);
    const IROp *ops[8];
    IROpcode want[] = { IR_OP_movi, IR_OP_divu, IR_OP_movi, IR_OP_exit_tb };
    expect_opcodes(&f, want, 4);
    live_ops(&f, ops, 8);
    assert_int_equal(ops[0]->args[1], 0x10);
    assert_int_equal(ir_op_in(ops[1], 0), ir_op_out(ops[0], 0));
    assert_int_equal(ops[2]->args[0], IRH_G(10));
    assert_int_equal(ops[2]->args[1], 0x10);
    ir_func_destroy(&f);
}

/* Folds of constant operands that the spec defines specially. */
static void test_fold_special_values(void **state)
{
    (void)state;
    static const struct {
        IROpcode opc;
        IRType t;
        uint64_t a, b, want;
    } cases[] = {
        { IR_OP_divu, IR_I32, 5, 0, 0xffffffff },
        { IR_OP_divu, IR_I64, 5, 0, ~0ull },
        { IR_OP_remu, IR_I32, 5, 0, 5 },
        { IR_OP_divs, IR_I32, 0x80000000, 0xffffffff, 0x80000000 },
        { IR_OP_divs, IR_I64, 1ull << 63, ~0ull, 1ull << 63 },
        { IR_OP_divs, IR_I32, 7, 0, 0xffffffff },
        { IR_OP_rems, IR_I32, 0x80000000, 0xffffffff, 0 },
        { IR_OP_rems, IR_I64, 9, 0, 9 },
        { IR_OP_divs, IR_I32, 0xfffffff9, 2, 0xfffffffd },    /* -7 / 2 = -3 */
        { IR_OP_rems, IR_I32, 0xfffffff9, 2, 0xffffffff },    /* -7 % 2 = -1 */
        { IR_OP_sar, IR_I32, 0x80000000, 35, 0xf0000000 },
        { IR_OP_rotl, IR_I64, 0x8000000000000001ull, 65, 3 },
        { IR_OP_clz, IR_I32, 0, 77, 77 },
        { IR_OP_clz, IR_I32, 0x00010000, 77, 15 },
        { IR_OP_ctz, IR_I64, 0, 99, 99 },
        { IR_OP_sub, IR_I32, 0, 1, 0xffffffff },
        { IR_OP_mul, IR_I32, 0x10000, 0x10000, 0 },
        { IR_OP_andc, IR_I64, 0xff, 0x0f, 0xf0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IRFunc f;
        IRType t = cases[i].t;
        begin(&f);
        IRTemp a = ir_new_temp(&f, t), b = ir_new_temp(&f, t);
        IRTemp out = t == IR_I32 ? G8 : G0;
        ir_gen_movi(&f, t, a, cases[i].a);
        ir_gen_movi(&f, t, b, cases[i].b);
        ir_gen_op2(&f, cases[i].opc, t, out, a, b);
        ir_gen_exit_tb(&f);
        opt_run(&f);
        const IROp *ops[4];
        IROpcode want[] = { IR_OP_movi, IR_OP_exit_tb };
        expect_opcodes(&f, want, 2);
        live_ops(&f, ops, 4);
        if (ops[0]->args[1] != cases[i].want)
            fail_msg("%s 0x%llx, 0x%llx folded to 0x%llx, expected 0x%llx",
                     ir_op_defs[cases[i].opc].name, (unsigned long long)cases[i].a,
                     (unsigned long long)cases[i].b, (unsigned long long)ops[0]->args[1],
                     (unsigned long long)cases[i].want);
        ir_func_destroy(&f);
    }
}

enum { TO_MOV_A, TO_MOVI, TO_NOT, TO_NEG, TO_KEEP };

static void test_fold_identities(void **state)
{
    (void)state;
    /* x OP c (or c OP x with const_first) and what it must become */
    static const struct {
        IROpcode opc;
        uint64_t c;
        bool const_first;
        int result;
        uint64_t val;
    } cases[] = {
        { IR_OP_add, 0, false, TO_MOV_A, 0 },
        { IR_OP_add, 0, true, TO_MOV_A, 0 },
        { IR_OP_sub, 0, false, TO_MOV_A, 0 },
        { IR_OP_sub, 0, true, TO_NEG, 0 },
        { IR_OP_mul, 1, false, TO_MOV_A, 0 },
        { IR_OP_mul, 1, true, TO_MOV_A, 0 },
        { IR_OP_mul, 0, false, TO_MOVI, 0 },
        { IR_OP_mul, 0, true, TO_MOVI, 0 },
        { IR_OP_and, 0, false, TO_MOVI, 0 },
        { IR_OP_and, ~0ull, false, TO_MOV_A, 0 },
        { IR_OP_and, ~0ull, true, TO_MOV_A, 0 },
        { IR_OP_or, 0, false, TO_MOV_A, 0 },
        { IR_OP_or, ~0ull, false, TO_MOVI, ~0ull },
        { IR_OP_or, ~0ull, true, TO_MOVI, ~0ull },
        { IR_OP_xor, 0, false, TO_MOV_A, 0 },
        { IR_OP_xor, ~0ull, false, TO_NOT, 0 },
        { IR_OP_andc, 0, false, TO_MOV_A, 0 },
        { IR_OP_andc, ~0ull, false, TO_MOVI, 0 },
        { IR_OP_andc, 0, true, TO_MOVI, 0 },
        { IR_OP_shl, 0, false, TO_MOV_A, 0 },
        { IR_OP_shl, 64, false, TO_MOV_A, 0 },     /* count taken mod 64 */
        { IR_OP_shr, 0, true, TO_MOVI, 0 },
        { IR_OP_sar, ~0ull, true, TO_MOVI, ~0ull },
        { IR_OP_rotr, 128, false, TO_MOV_A, 0 },
        { IR_OP_rotl, ~0ull, true, TO_MOVI, ~0ull },
        { IR_OP_divu, 1, false, TO_MOV_A, 0 },
        { IR_OP_divs, 1, false, TO_MOV_A, 0 },
        { IR_OP_remu, 1, false, TO_MOVI, 0 },
        { IR_OP_rems, 1, false, TO_MOVI, 0 },
        { IR_OP_divu, 0, false, TO_MOVI, ~0ull },   /* x / 0 is all ones */
        { IR_OP_divs, 0, false, TO_MOVI, ~0ull },
        { IR_OP_remu, 0, false, TO_MOV_A, 0 },      /* x % 0 is x */
        { IR_OP_rems, 0, false, TO_MOV_A, 0 },
        { IR_OP_shl, 3, false, TO_KEEP, 0 },
        { IR_OP_sub, 5, false, TO_KEEP, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IRFunc f;
        begin(&f);
        IRTemp k = ir_new_temp(&f, IR_I64);
        ir_gen_movi(&f, IR_I64, k, cases[i].c);
        if (cases[i].const_first)
            ir_gen_op2(&f, cases[i].opc, IR_I64, G1, k, G0);
        else
            ir_gen_op2(&f, cases[i].opc, IR_I64, G1, G0, k);
        ir_gen_exit_tb(&f);
        opt_run(&f);
        check_valid(&f);

        const IROp *ops[4];
        unsigned n = live_ops(&f, ops, 4);
        const IROp *op = ops[n - 2];
        bool ok;
        switch (cases[i].result) {
        case TO_MOV_A:
            ok = n == 2 && op->opc == IR_OP_mov && op->args[1] == G0;
            break;
        case TO_MOVI:
            ok = n == 2 && op->opc == IR_OP_movi && op->args[1] == cases[i].val;
            break;
        case TO_NOT:
        case TO_NEG:
            ok = n == 2 && op->opc == (cases[i].result == TO_NOT ? IR_OP_not : IR_OP_neg) &&
                 op->args[1] == G0;
            break;
        default:
            ok = n == 3 && op->opc == cases[i].opc;
            break;
        }
        assert_int_equal(op->args[0], G1);
        if (!ok) {
            fprintf(stderr, "case %zu (%s, 0x%llx):\n", i, ir_op_defs[cases[i].opc].name,
                    (unsigned long long)cases[i].c);
            ir_dump(&f, stderr);
            fail();
        }
        ir_func_destroy(&f);
    }
}

static void test_fold_same_operand(void **state)
{
    (void)state;
    static const struct {
        IROpcode opc;
        bool to_movi;
    } cases[] = {
        { IR_OP_sub, true }, { IR_OP_xor, true }, { IR_OP_andc, true },
        { IR_OP_and, false }, { IR_OP_or, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IRFunc f;
        begin(&f);
        IRTemp t = ir_new_temp(&f, IR_I32);
        ir_gen_mov(&f, IR_I32, t, G8);           /* t is a copy of g8 */
        ir_gen_op2(&f, cases[i].opc, IR_I32, IRH_G(9), t, G8);
        ir_gen_exit_tb(&f);
        opt_run(&f);
        const IROp *ops[4];
        unsigned n = live_ops(&f, ops, 4);
        assert_int_equal(n, 2);
        if (cases[i].to_movi) {
            assert_int_equal(ops[0]->opc, IR_OP_movi);
            assert_int_equal(ops[0]->args[1], 0);
        } else {
            assert_int_equal(ops[0]->opc, IR_OP_mov);
            assert_int_equal(ops[0]->args[1], G8);
        }
        ir_func_destroy(&f);
    }
}

static void test_fold_conditions(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp a = ir_new_temp(&f, IR_I32), b = ir_new_temp(&f, IR_I32);
    uint32_t l0 = ir_new_label(&f), l1 = ir_new_label(&f);
    ir_gen_movi(&f, IR_I32, a, 0x80000000);
    ir_gen_movi(&f, IR_I32, b, 1);
    ir_gen_setcond(&f, IR_I32, IR_COND_LT, G8, a, b);          /* signed: 1 */
    ir_gen_setcond(&f, IR_I32, IR_COND_LTU, IRH_G(9), a, b);   /* unsigned: 0 */
    ir_gen_movcond(&f, IR_I32, IR_COND_GT, IRH_G(10), a, b, IRH_G(11), IRH_G(12));
    ir_gen_brcond(&f, IR_I32, IR_COND_NEVER, IRH_G(13), IRH_G(14), l0);
    ir_gen_brcond(&f, IR_I32, IR_COND_LEU, IRH_G(13), IRH_G(13), l1);  /* always */
    ir_gen_set_label(&f, l0);
    ir_gen_movi(&f, IR_I32, IRH_G(15), 1);
    ir_gen_set_label(&f, l1);
    ir_gen_exit_tb(&f);
    opt_fold(&f);
    check_valid(&f);
    const IROp *ops[16];
    IROpcode want[] = {
        IR_OP_movi, IR_OP_movi, IR_OP_movi, IR_OP_movi, IR_OP_mov, IR_OP_br,
        IR_OP_set_label, IR_OP_movi, IR_OP_set_label, IR_OP_exit_tb,
    };
    expect_opcodes(&f, want, 10);
    live_ops(&f, ops, 16);
    assert_int_equal(ops[2]->args[1], 1);
    assert_int_equal(ops[3]->args[1], 0);
    assert_int_equal(ops[4]->args[1], IRH_G(12));
    assert_int_equal(ops[5]->args[0], l1);

    /* swapped to put the constant second, with the condition mirrored */
    IRFunc g;
    begin(&g);
    IRTemp k = ir_new_temp(&g, IR_I64);
    ir_gen_movi(&g, IR_I64, k, 10);
    ir_gen_setcond(&g, IR_I64, IR_COND_LT, G1, k, G0);          /* 10 < g0 */
    ir_gen_exit_tb(&g);
    opt_fold(&g);
    const IROp *sc = &g.ops[2];
    assert_int_equal(sc->opc, IR_OP_setcond);
    assert_int_equal(ir_op_in(sc, 0), G0);
    assert_int_equal(ir_op_in(sc, 1), k);
    assert_int_equal(ir_op_const(sc, 0), IR_COND_GT);           /* g0 > 10 */
    ir_func_destroy(&f);
    ir_func_destroy(&g);
}

static void test_fold_mul2_bitfields(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp a = ir_new_temp(&f, IR_I64), b = ir_new_temp(&f, IR_I64);
    ir_gen_movi(&f, IR_I64, a, ~0ull);
    ir_gen_movi(&f, IR_I64, b, 3);
    ir_gen_mul2(&f, IR_OP_muls2, IR_I64, G0, G1, a, b);       /* -3: lo, hi = -3, -1 */
    ir_gen_mul2(&f, IR_OP_mulu2, IR_I64, G2, IRH_G(3), a, b);  /* 3*(2^64-1) */
    ir_gen_deposit(&f, IR_I64, IRH_G(4), a, b, 60, 4);
    ir_gen_extract(&f, IR_OP_sextract, IR_I64, IRH_G(5), b, 0, 2);
    ir_gen_exit_tb(&f);
    opt_run(&f);
    check_valid(&f);
    const IROp *ops[16];
    unsigned n = live_ops(&f, ops, 16);
    assert_int_equal(n, 7);
    uint64_t want[][2] = {
        { G0, (uint64_t)-3 }, { G1, ~0ull }, { G2, (uint64_t)-3 }, { IRH_G(3), 2 },
        { IRH_G(4), 0x3fffffffffffffffull }, { IRH_G(5), ~0ull },
    };
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(ops[i]->opc, IR_OP_movi);
        assert_int_equal(ops[i]->args[0], want[i][0]);
        assert_int_equal(ops[i]->args[1], want[i][1]);
    }
    ir_func_destroy(&f);
}

static void test_copy_propagation(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp t = ir_new_temp(&f, IR_I64), u = ir_new_temp(&f, IR_I64);
    ir_gen_mov(&f, IR_I64, t, G0);
    ir_gen_mov(&f, IR_I64, u, t);
    ir_gen_op2(&f, IR_OP_add, IR_I64, G1, u, t);    /* add g1, g0, g0 */
    ir_gen_exit_tb(&f);
    opt_run(&f);
    IROpcode want[] = { IR_OP_add, IR_OP_exit_tb };
    expect_opcodes(&f, want, 2);
    const IROp *ops[4];
    live_ops(&f, ops, 4);
    assert_int_equal(ir_op_in(ops[0], 0), G0);
    assert_int_equal(ir_op_in(ops[0], 1), G0);
    ir_func_destroy(&f);
}

/* A copy whose source is overwritten must keep its own value. */
static void test_copy_invalidation(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp t = ir_new_temp(&f, IR_I64);
    ir_gen_mov(&f, IR_I64, t, G0);
    ir_gen_op2i(&f, IR_OP_add, IR_I64, G0, G0, 1);
    ir_gen_mov(&f, IR_I64, G1, t);               /* the old g0, not the new */
    ir_gen_exit_tb(&f);
    opt_run(&f);
    const IROp *ops[8];
    unsigned n = live_ops(&f, ops, 8);
    assert_int_equal(ops[n - 2]->opc, IR_OP_mov);
    assert_int_equal(ops[n - 2]->args[0], G1);
    assert_int_equal(ops[n - 2]->args[1], t);

    IRHarness h;
    assert_int_equal(irh_init(&h, &jit_backend_interp), 0);
    h.cpu->g[0] = 41;
    IRFunc g;
    irh_func_copy(&g, &f);
    assert_int_equal(irh_run(&h, &g, 0, NULL), 0);
    assert_int_equal(h.cpu->g[0], 42);
    assert_int_equal(h.cpu->g[1], 41);
    irh_destroy(&h);
    ir_func_destroy(&f);
    ir_func_destroy(&g);
}

static uint64_t helper_nop(uint64_t env)
{
    return env;
}

/* A call that may write globals makes their constants unknown. */
static void test_call_invalidation(void **state)
{
    (void)state;
    for (int pass = 0; pass < 2; pass++) {
        unsigned flags = pass ? IR_CALL_NO_WRITE_GLOBALS : 0;
        IRFunc f;
        begin(&f);
        IRTemp env = IR_TEMP_ENV;
        ir_gen_movi(&f, IR_I64, G0, 5);
        ir_gen_call(&f, (void *)helper_nop, flags, IR_I64, IR_TEMP_NONE, 1, &env);
        ir_gen_op2i(&f, IR_OP_add, IR_I64, G1, G0, 1);
        ir_gen_exit_tb(&f);
        opt_run(&f);
        const IROp *ops[8];
        unsigned n = live_ops(&f, ops, 8);
        const IROp *last = ops[n - 2];
        assert_int_equal(last->args[0], G1);
        if (pass)
            assert_true(last->opc == IR_OP_movi && last->args[1] == 6);
        else
            assert_int_equal(last->opc, IR_OP_add);
        ir_func_destroy(&f);
    }
}

/* Knowledge does not cross a label another path reaches. */
static void test_label_resets_knowledge(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp t = ir_new_temp(&f, IR_I32);
    uint32_t l = ir_new_label(&f);
    ir_gen_movi(&f, IR_I32, t, 5);
    ir_gen_brcond(&f, IR_I32, IR_COND_EQ, G8, IRH_G(9), l);
    ir_gen_movi(&f, IR_I32, t, 6);
    ir_gen_set_label(&f, l);
    ir_gen_op2i(&f, IR_OP_add, IR_I32, IRH_G(10), t, 1);
    ir_gen_exit_tb(&f);
    opt_run(&f);
    const IROp *ops[16];
    unsigned n = live_ops(&f, ops, 16);
    assert_int_equal(ops[n - 2]->opc, IR_OP_add);

    for (int eq = 0; eq < 2; eq++) {
        IRHarness h;
        IRFunc g;
        irh_func_copy(&g, &f);
        assert_int_equal(irh_init(&h, &jit_backend_interp), 0);
        h.cpu->g[8] = 3;
        h.cpu->g[9] = eq ? 3 : 4;
        assert_int_equal(irh_run(&h, &g, 0, NULL), 0);
        assert_int_equal(h.cpu->g[10], eq ? 6 : 7);
        irh_destroy(&h);
        ir_func_destroy(&g);
    }
    ir_func_destroy(&f);
}

/* ---- liveness ---- */

static uint64_t helper_pure(uint64_t a)
{
    return a * 3;
}

static void test_dead_code(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp t = ir_new_temp(&f, IR_I64), u = ir_new_temp(&f, IR_I64);
    IRTemp a32 = ir_new_temp(&f, IR_I32);
    ir_gen_op2(&f, IR_OP_add, IR_I64, t, G0, G1);                 /* dead */
    ir_gen_call(&f, (void *)helper_pure, IR_CALL_PURE, IR_I64, u, 1, &t);  /* dead, pure */
    ir_gen_call(&f, (void *)helper_pure, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_RAISE,
                IR_I64, u, 1, &t);                                 /* kept: side effects */
    ir_gen_movi(&f, IR_I64, G2, 1);                                /* overwritten */
    ir_gen_movi(&f, IR_I64, G2, 2);
    ir_gen_movi(&f, IR_I32, a32, 0x100);
    ir_gen_guest_ld(&f, IR_I64, u, a32, IR_MO_64);                /* kept: may raise */
    ir_gen_movi(&f, IR_I64, IRH_G(3), 1);                          /* kept: g3 read if it raises */
    ir_gen_guest_st(&f, IR_I64, G0, a32, IR_MO_64);
    ir_gen_movi(&f, IR_I64, IRH_G(3), 2);
    ir_gen_exit_tb(&f);
    opt_liveness(&f);
    check_valid(&f);
    IROpcode want[] = {
        IR_OP_add, IR_OP_call, IR_OP_movi, IR_OP_movi, IR_OP_guest_ld, IR_OP_movi,
        IR_OP_guest_st, IR_OP_movi, IR_OP_exit_tb,
    };
    expect_opcodes(&f, want, 9);
    const IROp *ops[16];
    live_ops(&f, ops, 16);
    assert_int_equal(ops[2]->args[1], 2);             /* the second write of g2 */
    /* the dead result of the kept call and of the load are marked */
    assert_true(ir_op_arg_dead(ops[1], 0));
    assert_true(ir_op_arg_dead(ops[4], 0));
    ir_func_destroy(&f);
}

static void test_life_bits(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp a = ir_new_temp(&f, IR_I64), b = ir_new_temp(&f, IR_I64);
    ir_gen_op2(&f, IR_OP_add, IR_I64, a, G0, G1);       /* 1: g0, g1 live on */
    ir_gen_op2(&f, IR_OP_mul, IR_I64, b, a, a);         /* 2: a dies here (both uses) */
    ir_gen_op2(&f, IR_OP_sub, IR_I64, b, b, G0);        /* 3: old b dies, g0 stays */
    ir_gen_mov(&f, IR_I64, G2, b);                      /* 4: b dies */
    ir_gen_exit_tb(&f);
    opt_liveness(&f);
    const IROp *op = f.ops;
    assert_int_equal(op[1].life, 0);
    assert_int_equal(op[2].life, (1u << 1) | (1u << 2));
    assert_int_equal(op[3].life, 1u << 1);
    assert_int_equal(op[4].life, 1u << 1);
    assert_int_equal(op[5].life, 0);
    ir_func_destroy(&f);

    /* an output nobody reads, kept for its side effects */
    begin(&f);
    IRTemp addr = ir_new_temp(&f, IR_I32), v = ir_new_temp(&f, IR_I32);
    ir_gen_movi(&f, IR_I32, addr, 0);
    ir_gen_guest_ld(&f, IR_I32, v, addr, IR_MO_32);
    ir_gen_exit_tb(&f);
    opt_liveness(&f);
    assert_int_equal(f.ops[2].life, (1u << 0) | (1u << 1));
    ir_func_destroy(&f);
}

/* A temp set before a loop and read in every iteration must stay alive
 * around the back edge, and a value carried to the next iteration must
 * not be deleted. */
static void test_loop_liveness(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp c = ir_new_temp(&f, IR_I64), n = ir_new_temp(&f, IR_I64);
    IRTemp carry = ir_new_temp(&f, IR_I64), lim = ir_new_temp(&f, IR_I64);
    uint32_t top = ir_new_label(&f);
    ir_gen_movi(&f, IR_I64, c, 3);                        /* 1 */
    ir_gen_movi(&f, IR_I64, n, 0);                        /* 2 */
    ir_gen_movi(&f, IR_I64, carry, 0);                    /* 3 */
    ir_gen_movi(&f, IR_I64, lim, 10);                     /* 4 */
    ir_gen_set_label(&f, top);                            /* 5 */
    ir_gen_op2(&f, IR_OP_add, IR_I64, G0, G0, c);         /* 6: c live across */
    ir_gen_op2(&f, IR_OP_add, IR_I64, G1, G1, carry);     /* 7 */
    ir_gen_op2(&f, IR_OP_add, IR_I64, carry, n, n);       /* 8: read next time */
    ir_gen_op2i(&f, IR_OP_add, IR_I64, n, n, 1);          /* 9, 10 */
    ir_gen_brcond(&f, IR_I64, IR_COND_LTU, n, lim, top);  /* 11 */
    ir_gen_exit_tb(&f);
    IRFunc g;
    irh_func_copy(&g, &f);
    opt_liveness(&f);
    check_valid(&f);
    for (uint32_t i = 1; i < f.nb_ops; i++)
        assert_int_not_equal(f.ops[i].opc, IR_OP_nop);
    assert_false(ir_op_arg_dead(&f.ops[6], 2));          /* c */
    assert_false(ir_op_arg_dead(&f.ops[8], 0));          /* carry's new value */
    assert_true(ir_op_arg_dead(&f.ops[7], 2));           /* carry's old value */
    /* n and lim die on the exit path but the back edge reads them */
    assert_false(ir_op_arg_dead(&f.ops[11], 0));
    assert_false(ir_op_arg_dead(&f.ops[11], 1));

    IRHarness h;
    assert_int_equal(irh_init(&h, &jit_backend_interp), 0);
    assert_int_equal(irh_run(&h, &g, IRH_FOLD, NULL), 0);
    assert_int_equal(h.cpu->g[0], 30);
    /* iterations k = 1..10 add carry = 2 * (k - 2) for k >= 2: 2 * 36 */
    assert_int_equal(h.cpu->g[1], 72);
    irh_destroy(&h);
    ir_func_destroy(&f);
    ir_func_destroy(&g);
}

/* A temp read after a forward branch's label is live on both paths. */
static void test_forward_branch_liveness(void **state)
{
    (void)state;
    IRFunc f;
    begin(&f);
    IRTemp t = ir_new_temp(&f, IR_I32), dead = ir_new_temp(&f, IR_I32);
    uint32_t l = ir_new_label(&f);
    ir_gen_op2(&f, IR_OP_add, IR_I32, t, G8, IRH_G(9));          /* 1 */
    ir_gen_op2(&f, IR_OP_add, IR_I32, dead, G8, IRH_G(9));       /* 2: deleted */
    ir_gen_brcond(&f, IR_I32, IR_COND_EQ, G8, IRH_G(9), l);      /* 3 */
    ir_gen_movi(&f, IR_I32, IRH_G(10), 1);                       /* 4 */
    ir_gen_set_label(&f, l);                                     /* 5 */
    ir_gen_mov(&f, IR_I32, IRH_G(11), t);                        /* 6 */
    ir_gen_exit_tb(&f);
    opt_liveness(&f);
    assert_int_equal(f.ops[1].opc, IR_OP_add);
    assert_int_equal(f.ops[1].life, 0);
    assert_int_equal(f.ops[2].opc, IR_OP_nop);
    assert_int_equal(f.ops[3].life, 0);              /* g8, g9: globals stay */
    assert_true(ir_op_arg_dead(&f.ops[6], 1));
    ir_func_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_constants),
        cmocka_unit_test(test_fold_special_values),
        cmocka_unit_test(test_fold_identities),
        cmocka_unit_test(test_fold_same_operand),
        cmocka_unit_test(test_fold_conditions),
        cmocka_unit_test(test_fold_mul2_bitfields),
        cmocka_unit_test(test_copy_propagation),
        cmocka_unit_test(test_copy_invalidation),
        cmocka_unit_test(test_call_invalidation),
        cmocka_unit_test(test_label_resets_knowledge),
        cmocka_unit_test(test_dead_code),
        cmocka_unit_test(test_life_bits),
        cmocka_unit_test(test_loop_liveness),
        cmocka_unit_test(test_forward_branch_liveness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
