/*
 * The IR ops whose effects go beyond their outputs, on every backend:
 * guest memory (every memop, both address types), CPU-state words,
 * helper calls (argument passing, i32 results, globals around calls),
 * block exits, chaining and the instruction budget on entry, and
 * lookup_and_goto.  Expected values come from byte-level reference
 * code here, not from src/mem or the interpreter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "ir-harness.h"
#include "jit/backend.h"
#include "jit/ir.h"

static const JitBackend *const backends[] = {
    &jit_backend_interp,
    &jit_backend_x86_64,
};
#define NB_BACKENDS (sizeof(backends) / sizeof(backends[0]))

static unsigned nb_checked;

/* ---- memory ---- */

static uint64_t ref_load(const uint8_t *p, unsigned memop, IRType t)
{
    unsigned n = 1u << (memop & IR_MO_SIZE);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned src = (memop & IR_MO_BE) ? n - 1 - i : i;
        v |= (uint64_t)p[src] << (8 * i);
    }
    if ((memop & IR_MO_SIGN) && n < 8 && (v >> (8 * n - 1)) & 1)
        v |= ~0ull << (8 * n);
    return v & ir_type_mask(t);
}

static void ref_store(uint8_t *p, unsigned memop, uint64_t v)
{
    unsigned n = 1u << (memop & IR_MO_SIZE);
    for (unsigned i = 0; i < n; i++) {
        unsigned dst = (memop & IR_MO_BE) ? n - 1 - i : i;
        p[dst] = (uint8_t)(v >> (8 * i));
    }
}

static void test_guest_memory(void **state)
{
    (void)state;
    static const uint32_t addrs[] = { 0, 1, 0x7ff, 0x1003, 0xfff8 };
    uint8_t expect[IRH_MEM_SIZE];

    for (size_t b = 0; b < NB_BACKENDS; b++) {
        IRHarness h;
        assert_int_equal(irh_init(&h, backends[b]), 0);
        for (int at = IR_I32; at <= IR_I64; at++) {
            for (int t = IR_I32; t <= IR_I64; t++) {
                for (unsigned mo = 0; mo < 16; mo++) {
                    if ((8u << (mo & IR_MO_SIZE)) > ir_type_bits((IRType)t))
                        continue;
                    IRFunc f, dump;
                    IRTemp addr = IRH_G(at == IR_I64 ? 0 : 8);
                    IRTemp val = IRH_G(t == IR_I64 ? 1 : 9);
                    IRTemp res = IRH_G(t == IR_I64 ? 2 : 10);
                    ir_func_init(&f, 64, 64);
                    irh_begin(&f, (IRType)at);
                    IRTemp addr2 = ir_new_temp(&f, (IRType)at);
                    ir_gen_insn_start(&f, 0x1000, 0, 0);
                    ir_gen_guest_ld(&f, (IRType)t, res, addr, mo);
                    /* store 8 bytes further on, through a computed address */
                    ir_gen_op2i(&f, IR_OP_add, (IRType)at, addr2, addr, 8);
                    ir_gen_guest_st(&f, (IRType)t, val, addr2, mo);
                    ir_gen_exit_tb(&f);
                    irh_func_copy(&dump, &f);
                    if (irh_compile(&h, &f, 0, 0) != 0)
                        fail_msg("%s", h.err);
                    for (size_t ai = 0; ai < sizeof(addrs) / sizeof(addrs[0]); ai++) {
                        uint32_t a = addrs[ai];
                        for (unsigned k = 0; k < IRH_MEM_SIZE + 64; k++)
                            h.mem[k] = (uint8_t)(k * 7 + 3 + ai);
                        memcpy(expect, h.mem, IRH_MEM_SIZE);
                        uint64_t v = 0x8899aabbccddeeffull ^ ((uint64_t)ai << 60);
                        h.cpu->g[at == IR_I64 ? 0 : 8] = a;
                        h.cpu->g[t == IR_I64 ? 1 : 9] = v & ir_type_mask((IRType)t);
                        h.cpu->g[t == IR_I64 ? 2 : 10] = 0;
                        assert_int_equal(irh_exec(&h, 0), 0);
                        uint64_t want = ref_load(expect + a, mo, (IRType)t);
                        uint64_t got = h.cpu->g[t == IR_I64 ? 2 : 10];
                        if (got != want) {
                            fprintf(stderr, "%s: guest_ld memop %u addr 0x%x: 0x%llx, "
                                    "expected 0x%llx\n", h.backend->name, mo, a,
                                    (unsigned long long)got, (unsigned long long)want);
                            ir_dump(&dump, stderr);
                            fail();
                        }
                        if (a + 8 + 8 <= IRH_MEM_SIZE)
                            ref_store(expect + a + 8, mo, v & ir_type_mask((IRType)t));
                        if (a + 16 <= IRH_MEM_SIZE && memcmp(expect, h.mem, IRH_MEM_SIZE)) {
                            fprintf(stderr, "%s: guest_st memop %u addr 0x%x wrong\n",
                                    h.backend->name, mo, a + 8);
                            ir_dump(&dump, stderr);
                            fail();
                        }
                        nb_checked++;
                    }
                    ir_func_destroy(&f);
                    ir_func_destroy(&dump);
                }
            }
        }
        irh_destroy(&h);
    }
}

static void test_env_access(void **state)
{
    (void)state;
    for (size_t b = 0; b < NB_BACKENDS; b++) {
        IRHarness h;
        assert_int_equal(irh_init(&h, backends[b]), 0);
        for (int t = IR_I32; t <= IR_I64; t++) {
            for (unsigned mo = 0; mo < 8; mo++) {
                if ((8u << (mo & IR_MO_SIZE)) > ir_type_bits((IRType)t))
                    continue;
                for (int off = 0; off < 8; off += 3) {
                    IRFunc f;
                    IRTemp res = IRH_G(t == IR_I64 ? 2 : 10);
                    IRTemp val = IRH_G(t == IR_I64 ? 1 : 9);
                    ir_func_init(&f, 64, 64);
                    irh_begin(&f, IR_I32);
                    ir_gen_insn_start(&f, 0x1000, 0, 0);
                    ir_gen_ld_env(&f, (IRType)t, res, IRH_SCRATCH_OFFSET(0) + off, mo);
                    ir_gen_st_env(&f, (IRType)t, val, IRH_SCRATCH_OFFSET(2) + off, mo);
                    ir_gen_exit_tb(&f);
                    if (irh_compile(&h, &f, 0, 0) != 0)
                        fail_msg("%s", h.err);
                    uint8_t before[sizeof(h.cpu->scratch)];
                    for (unsigned k = 0; k < sizeof(before); k++)
                        before[k] = (uint8_t)(0xf1 - 13 * k);
                    memcpy(h.cpu->scratch, before, sizeof(before));
                    uint64_t v = 0x8192a3b4c5d6e7f8ull & ir_type_mask((IRType)t);
                    h.cpu->g[t == IR_I64 ? 1 : 9] = v;
                    assert_int_equal(irh_exec(&h, 0), 0);
                    uint64_t want = ref_load(before + off, mo, (IRType)t);
                    uint64_t got = h.cpu->g[t == IR_I64 ? 2 : 10] & ir_type_mask((IRType)t);
                    if (got != want)
                        fail_msg("%s: ld_env memop %u off %d: 0x%llx, expected 0x%llx",
                                 h.backend->name, mo, off, (unsigned long long)got,
                                 (unsigned long long)want);
                    ref_store(before + 16 + off, mo, v);
                    if (memcmp(before, h.cpu->scratch, sizeof(before)))
                        fail_msg("%s: st_env memop %u off %d wrong", h.backend->name, mo, off);
                    nb_checked++;
                    ir_func_destroy(&f);
                }
            }
        }
        irh_destroy(&h);
    }
}

/* ---- calls ---- */

/* One helper per arity, each weighing its arguments differently. */
static uint64_t helper_args0(void)
{
    return 0x77;
}
static uint64_t helper_args1(uint64_t a)
{
    return a ^ 0x5555;
}
static uint64_t helper_args2(uint64_t a, uint64_t b)
{
    return a + 3 * b;
}
static uint64_t helper_args3(uint64_t a, uint64_t b, uint64_t c)
{
    return a + 3 * b + 5 * c;
}
static uint64_t helper_args4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return a + 3 * b + 5 * c + 7 * d;
}
static uint64_t helper_args5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
    return a + 3 * b + 5 * c + 7 * d + 11 * e;
}
static uint64_t helper_args6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                             uint64_t f)
{
    return a + 3 * b + 5 * c + 7 * d + 11 * e + 13 * f;
}

static void *const arg_helpers[7] = {
    (void *)helper_args0, (void *)helper_args1, (void *)helper_args2, (void *)helper_args3,
    (void *)helper_args4, (void *)helper_args5, (void *)helper_args6,
};

static uint64_t expect_args(unsigned n, const uint64_t *a)
{
    switch (n) {
    case 0: return 0x77;
    case 1: return a[0] ^ 0x5555;
    case 2: return a[0] + 3 * a[1];
    case 3: return a[0] + 3 * a[1] + 5 * a[2];
    case 4: return a[0] + 3 * a[1] + 5 * a[2] + 7 * a[3];
    case 5: return a[0] + 3 * a[1] + 5 * a[2] + 7 * a[3] + 11 * a[4];
    default: return a[0] + 3 * a[1] + 5 * a[2] + 7 * a[3] + 11 * a[4] + 13 * a[5];
    }
}

static uint64_t helper_garbage_high(uint64_t a)
{
    return 0xdead000000000000ull | (a + 1);
}

/* Reads and writes globals through env, as a helper without flags may. */
static void helper_touch_globals(IRHCpu *cpu)
{
    cpu->g[3] = cpu->g[3] * 2 + 1;
    cpu->g[11] = (uint32_t)cpu->g[11] + 0x10;
    cpu->calls++;
}

static void test_calls(void **state)
{
    (void)state;
    for (size_t b = 0; b < NB_BACKENDS; b++) {
        IRHarness h;
        assert_int_equal(irh_init(&h, backends[b]), 0);
        for (unsigned nargs = 0; nargs <= 6; nargs++) {
            IRFunc f;
            IRTemp args[6];
            ir_func_init(&f, 64, 64);
            irh_begin(&f, IR_I32);
            ir_gen_insn_start(&f, 0x1000, 0, 0);
            for (unsigned k = 0; k < 6; k++) {
                args[k] = ir_new_temp(&f, k & 1 ? IR_I32 : IR_I64);
                ir_gen_movi(&f, k & 1 ? IR_I32 : IR_I64, args[k], 0);
            }
            for (unsigned k = 0; k < nargs; k++) {
                /* i32 arguments come in zero-extended */
                if (k & 1)
                    ir_gen_mov(&f, IR_I32, args[k], IRH_G(8 + k));
                else
                    ir_gen_mov(&f, IR_I64, args[k], IRH_G(k));
            }
            ir_gen_call(&f, arg_helpers[nargs], IR_CALL_PURE, IR_I64, IRH_G(6), nargs, args);
            ir_gen_exit_tb(&f);
            if (irh_compile(&h, &f, 0, 0) != 0)
                fail_msg("%s", h.err);
            uint64_t a[6] = { 0 };
            for (unsigned k = 0; k < 6; k++) {
                h.cpu->g[k] = 0x1111111111111111ull * (k + 1);
                h.cpu->g[8 + k] = 0xf0000000u + k;
            }
            for (unsigned k = 0; k < nargs; k++)
                a[k] = (k & 1) ? 0xf0000000u + k : 0x1111111111111111ull * (k + 1);
            assert_int_equal(irh_exec(&h, 0), 0);
            assert_int_equal(h.cpu->g[6], expect_args(nargs, a));
            nb_checked++;
            ir_func_destroy(&f);
        }

        /* an i32 result is the low half of rax only */
        IRFunc f;
        ir_func_init(&f, 64, 64);
        irh_begin(&f, IR_I32);
        ir_gen_insn_start(&f, 0x1000, 0, 0);
        IRTemp arg = IRH_G(0);
        IRTemp r32 = ir_new_temp(&f, IR_I32);
        ir_gen_call(&f, (void *)helper_garbage_high, IR_CALL_PURE, IR_I32, r32, 1, &arg);
        ir_gen_op1(&f, IR_OP_ext32u, IR_I64, IRH_G(1), r32);
        ir_gen_exit_tb(&f);
        if (irh_compile(&h, &f, IRH_FOLD, 0) != 0)
            fail_msg("%s", h.err);
        h.cpu->g[0] = 0x41;
        assert_int_equal(irh_exec(&h, 0), 0);
        assert_int_equal(h.cpu->g[1], 0x42);
        ir_func_destroy(&f);

        /* a helper without flags sees every global and its writes are seen */
        ir_func_init(&f, 64, 64);
        irh_begin(&f, IR_I32);
        ir_gen_insn_start(&f, 0x1000, 0, 0);
        ir_gen_op2i(&f, IR_OP_add, IR_I64, IRH_G(3), IRH_G(3), 100);
        ir_gen_op2i(&f, IR_OP_add, IR_I32, IRH_G(11), IRH_G(11), 1);
        IRTemp env = IR_TEMP_ENV;
        ir_gen_call(&f, (void *)helper_touch_globals, 0, IR_I64, IR_TEMP_NONE, 1, &env);
        ir_gen_op2i(&f, IR_OP_add, IR_I64, IRH_G(4), IRH_G(3), 1);
        ir_gen_op2i(&f, IR_OP_add, IR_I32, IRH_G(12), IRH_G(11), 2);
        ir_gen_exit_tb(&f);
        if (irh_compile(&h, &f, IRH_FOLD, 0) != 0)
            fail_msg("%s", h.err);
        irh_reset_state(&h);
        h.cpu->g[3] = 5;
        h.cpu->g[11] = 0xfffffff0u;
        assert_int_equal(irh_exec(&h, 0), 0);
        assert_int_equal(h.cpu->g[3], 211);                 /* (5 + 100) * 2 + 1 */
        assert_int_equal(h.cpu->g[4], 212);
        assert_int_equal(h.cpu->g[11], 0x1);                /* 0xfffffff1 + 0x10 */
        assert_int_equal(h.cpu->g[12], 0x3);
        assert_int_equal(h.cpu->calls, 1);
        ir_func_destroy(&f);
        irh_destroy(&h);
    }
}

/* ---- block exits, chaining, the budget ---- */

static void build_counter_block(IRFunc *f, unsigned insns, int exit_kind)
{
    ir_func_init(f, 64, 64);
    irh_begin(f, IR_I32);
    for (unsigned i = 0; i < insns; i++) {
        ir_gen_insn_start(f, 0x1000 + 4 * i, 0, 0);
        ir_gen_op2i(f, IR_OP_add, IR_I64, IRH_G(0), IRH_G(0), 1);
    }
    ir_gen_mb(f, IR_MB_ALL);
    if (exit_kind < 2)
        ir_gen_goto_tb(f, (unsigned)exit_kind);
    else if (exit_kind == 2)
        ir_gen_exit_tb(f);
    else
        ir_gen_lookup_and_goto(f);
}

/* What the exec layer does to chain (dest) or unchain (NULL) a slot. */
static void chain(IRHarness *h, int src, int n, TranslationBlock *dest)
{
    if (h->backend->set_jump)
        h->backend->set_jump(&h->cb, &h->tb[src], n, dest);
    h->tb[src].jmp_dest[n] = dest;
}

static void test_exits_and_budget(void **state)
{
    (void)state;
    for (size_t b = 0; b < NB_BACKENDS; b++) {
        IRHarness h;
        IRFunc f0, f1;
        assert_int_equal(irh_init(&h, backends[b]), 0);

        build_counter_block(&f0, 3, 1);    /* goto_tb 1 */
        build_counter_block(&f1, 2, 0);    /* goto_tb 0 */
        assert_int_equal(irh_compile(&h, &f0, IRH_FOLD, 0), 0);
        assert_int_equal(irh_compile(&h, &f1, IRH_FOLD, 1), 0);
        for (unsigned i = 1; i < f0.nb_insns; i++)
            assert_true(h.insn_end[i - 1] <= h.insn_end[i]);

        /* unchained: the exit names the block and the slot */
        h.cpu->g[0] = 10;
        h.cpu->parent.budget.u32 = 100;
        uintptr_t e = h.backend->run(&h.cpu->parent, &h.tb[0]);
        assert_int_equal(e, (uintptr_t)&h.tb[0] | TB_EXIT_SLOT1);
        assert_int_equal(h.cpu->g[0], 13);
        assert_int_equal(h.cpu->parent.budget.u32, 97);

        /* chained both ways: runs until the budget is short, then
         * leaves without running the block that does not fit */
        chain(&h, 0, 1, &h.tb[1]);
        chain(&h, 1, 0, &h.tb[0]);
        h.cpu->g[0] = 0;
        h.cpu->parent.budget.u32 = 12;     /* 3 + 2 + 3 + 2 = 10, then 3 > 2 */
        e = h.backend->run(&h.cpu->parent, &h.tb[0]);
        assert_int_equal(e, (uintptr_t)&h.tb[0] | TB_EXIT_REQUESTED);
        assert_int_equal(h.cpu->g[0], 10);
        assert_int_equal(h.cpu->parent.budget.u32, 2);

        /* an exit request in the high half: nothing runs, low half kept */
        h.cpu->parent.budget.u16.low = 50;
        h.cpu->parent.budget.u16.high = 0xffff;
        e = h.backend->run(&h.cpu->parent, &h.tb[1]);
        assert_int_equal(e, (uintptr_t)&h.tb[1] | TB_EXIT_REQUESTED);
        assert_int_equal(h.cpu->g[0], 10);
        assert_int_equal(h.cpu->parent.budget.u16.low, 50);
        assert_int_equal(h.cpu->parent.budget.u16.high, 0xffff);

        /* a chained entry, then an unchained slot 0 */
        chain(&h, 1, 0, NULL);
        h.cpu->parent.budget.u16.low = 7;
        h.cpu->parent.budget.u16.high = 0;
        e = h.backend->run(&h.cpu->parent, &h.tb[0]);
        assert_int_equal(e, (uintptr_t)&h.tb[1] | TB_EXIT_SLOT0);
        assert_int_equal(h.cpu->g[0], 15);
        assert_int_equal(h.cpu->parent.budget.u32, 2);
        ir_func_destroy(&f0);
        ir_func_destroy(&f1);

        /* exit_tb returns 0 */
        build_counter_block(&f0, 1, 2);
        assert_int_equal(irh_compile(&h, &f0, 0, 0), 0);
        h.cpu->parent.budget.u32 = 1;
        assert_int_equal(h.backend->run(&h.cpu->parent, &h.tb[0]), 0);
        assert_int_equal(h.cpu->parent.budget.u32, 0);
        assert_int_equal(h.cpu->g[0], 16);
        ir_func_destroy(&f0);
        irh_destroy(&h);
    }
}

/* lookup_and_goto goes through tb_lookup_for_jump: the jump cache of
 * the harness's CPUExec, under a minimal ExecContext and target. */
static uint64_t lookup_pc;

static void lookup_get_tb_state(CPUState *cpu, uint64_t *pc, uint32_t *flags)
{
    (void)cpu;
    *pc = lookup_pc;
    *flags = 0;
}

static void test_lookup_and_goto(void **state)
{
    (void)state;
    for (size_t b = 0; b < NB_BACKENDS; b++) {
        IRHarness h;
        IRFunc f0, f1;
        static TranslationBlock *bucket;
        TargetInfo target = { .name = "irtest", .get_tb_state = lookup_get_tb_state };
        ExecContext *ctx = calloc(1, sizeof(*ctx));
        assert_non_null(ctx);
        assert_int_equal(irh_init(&h, backends[b]), 0);
        ctx->backend = backends[b];
        ctx->buckets = &bucket;
        ctx->nb_buckets = 1;
        h.exec->ctx = ctx;
        h.cpu->parent.target = &target;

        build_counter_block(&f0, 2, 3);    /* lookup_and_goto */
        build_counter_block(&f1, 1, 2);    /* exit_tb */
        assert_int_equal(irh_compile(&h, &f0, 0, 0), 0);
        assert_int_equal(irh_compile(&h, &f1, 0, 1), 0);
        h.tb[1].pc = 0x5000;

        /* not found: back to the loop with 0 */
        lookup_pc = 0x6000;
        h.cpu->g[0] = 0;
        h.cpu->parent.budget.u32 = 10;
        assert_int_equal(h.backend->run(&h.cpu->parent, &h.tb[0]), 0);
        assert_int_equal(h.cpu->g[0], 2);

        /* found in the jump cache: continues there, through its entry */
        for (unsigned i = 0; i < TB_JC_SIZE; i++)
            h.exec->jc[i] = &h.tb[1];
        lookup_pc = 0x5000;
        h.cpu->parent.budget.u32 = 10;
        assert_int_equal(h.backend->run(&h.cpu->parent, &h.tb[0]), 0);
        assert_int_equal(h.cpu->g[0], 5);
        assert_int_equal(h.cpu->parent.budget.u32, 7);

        h.cpu->parent.budget.u32 = 2;      /* the found block does not fit */
        assert_int_equal(h.backend->run(&h.cpu->parent, &h.tb[0]),
                         (uintptr_t)&h.tb[1] | TB_EXIT_REQUESTED);
        assert_int_equal(h.cpu->g[0], 7);

        ir_func_destroy(&f0);
        ir_func_destroy(&f1);
        h.exec->ctx = NULL;
        irh_destroy(&h);
        free(ctx);
    }
}

static int print_count(void **state)
{
    (void)state;
    printf("checked %u memory accesses and calls\n", nb_checked);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guest_memory),
        cmocka_unit_test(test_env_access),
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_exits_and_budget),
        cmocka_unit_test(test_lookup_and_goto),
    };
    return cmocka_run_group_tests(tests, NULL, print_count);
}
