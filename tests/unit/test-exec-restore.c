/*
 * Precise state after an exception in the middle of a block: pc,
 * registers, memory and instruction count equal the reference's, on both
 * backends, and execution resumes correctly after it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "toy-ref.h"

#define ENTRY 0x200u

typedef struct Case {
    const uint32_t *prog;
    size_t len;
    uint32_t entry;
} Case;

static void load_case(ToyRig *rig, ToyRef *ref, const Case *c, const JitBackend *backend,
                      bool optimize)
{
    ExecConfig cfg = { .tb_size = 1u << 20, .optimize = optimize };
    toyrig_init(rig, backend, &cfg);
    toyrig_load(rig, c->entry, c->prog, c->len);
    toyref_load(ref, c->entry, c->prog, c->len);
    rig->cpu.pc = ref->pc = c->entry;
}

/* Runs to the first exception on both sides and compares; returns it. */
static int run_and_compare(ToyRig *rig, ToyRef *ref)
{
    int expect = toyref_step(ref, UINT64_MAX);
    int got = cpu_exec(&rig->cpu.parent);
    assert_int_equal(got, expect);
    toyrig_assert_same(rig, ref);
    return got;
}

/* Register writes, a store and an output before the raise, in one block;
 * instructions after it must not run. */
static const uint32_t raise_mid[] = {
    tr_insn(TR_LI, 1, 0, 5),
    tr_insn(TR_ADDI, 1, 1, 3),
    tr_insn(TR_LI, 2, 0, 0x3000),
    tr_insn(TR_ST, 1, 2, 8),
    TR_RRR(TR_MUL, 3, 1, 1),
    tr_insn(TR_OUT, 3, 0, 0),
    tr_insn(TR_LUI, 4, 0, 0x1234),
    tr_insn(TR_RAISE, 0, 0, 42),
    tr_insn(TR_LI, 5, 0, 9),
    tr_insn(TR_ADDI, 1, 1, 1),
    tr_insn(TR_OUT, 1, 0, 0),
    tr_insn(TR_HALT, 0, 0, 0),
};

static void test_raise_mid_block(void **state)
{
    (void)state;
    const Case c = { raise_mid, sizeof(raise_mid) / 4, ENTRY };
    for (int b = 0; b < 2; b++) {
        for (int opt = 0; opt < 2; opt++) {
            ToyRig rig;
            ToyRef *ref = toyref_new();
            load_case(&rig, ref, &c, toy_test_backend(b), opt);
            assert_int_equal(run_and_compare(&rig, ref), 42);
            /* Spelled out too, not only through the reference. */
            assert_int_equal(rig.cpu.pc, ENTRY + 7 * 4);
            assert_int_equal(rig.cpu.regs[1], 8);
            assert_int_equal(rig.cpu.regs[3], 64);
            assert_int_equal(rig.cpu.regs[4], 0x12340000u);
            assert_int_equal(rig.cpu.regs[5], 0);
            assert_int_equal(cpu_icount(&rig.cpu.parent), 7);

            /* The raise is a fault: running again raises again, same state. */
            assert_int_equal(run_and_compare(&rig, ref), 42);

            /* Skipping it resumes in the middle of the old block. */
            rig.cpu.pc += 4;
            ref->pc += 4;
            assert_int_equal(run_and_compare(&rig, ref), TOY_EXCP_HALT);
            assert_int_equal(rig.cpu.regs[1], 9);
            assert_int_equal(cpu_icount(&rig.cpu.parent), 10);
            toyrig_destroy(&rig);
            toyref_free(ref);
        }
    }
}

/* The raise first in its block, reached through a taken branch (so
 * through a chained jump the second time), and last in a long block. */
static const uint32_t raise_edges[] = {
    /* 0x200 */ tr_insn(TR_LI, 1, 0, 2),
    /* 0x204 */ tr_insn(TR_LI, 6, 0, 0),
    /* 0x208 loop: */ tr_insn(TR_ADDI, 6, 6, 1),
    /* 0x20c */ tr_insn(TR_ADDI, 1, 1, -1),
    /* 0x210 */ tr_insn(TR_BEQ, 1, 0, 0x21c - 0x210),
    /* 0x214 */ tr_insn(TR_JMP, 0, 0, 0x208 - 0x214),
    /* 0x218 */ tr_insn(TR_HALT, 0, 0, 0),
    /* 0x21c */ tr_insn(TR_RAISE, 0, 0, 7),
    /* 0x220 */ tr_insn(TR_LI, 7, 0, 1),
    /* 0x224 */ tr_insn(TR_LI, 8, 0, 2),
    /* 0x228 */ tr_insn(TR_RAISE, 0, 0, 0xffff),
    /* 0x22c */ tr_insn(TR_HALT, 0, 0, 0),
};

static void test_raise_at_block_edges(void **state)
{
    (void)state;
    const Case c = { raise_edges, sizeof(raise_edges) / 4, ENTRY };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        load_case(&rig, ref, &c, toy_test_backend(b), true);
        assert_int_equal(run_and_compare(&rig, ref), 7);
        assert_int_equal(rig.cpu.pc, 0x21c);
        rig.cpu.pc += 4;
        ref->pc += 4;
        assert_int_equal(run_and_compare(&rig, ref), 0xffff);
        assert_int_equal(rig.cpu.pc, 0x228);
        assert_int_equal(rig.cpu.regs[8], 2);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

static const uint32_t illegal[] = {
    tr_insn(TR_LI, 1, 0, 1),
    tr_insn(TR_LI, 2, 0, 2),
    tr_insn(0xee, 3, 3, 3),
    tr_insn(TR_LI, 3, 0, 3),
};

static void test_illegal_instruction(void **state)
{
    (void)state;
    const Case c = { illegal, sizeof(illegal) / 4, ENTRY };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        load_case(&rig, ref, &c, toy_test_backend(b), false);
        assert_int_equal(run_and_compare(&rig, ref), TOY_EXCP_ILLEGAL);
        assert_int_equal(rig.cpu.pc, ENTRY + 8);
        assert_int_equal(cpu_icount(&rig.cpu.parent), 2);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

/*
 * Code running off the end of guest memory: the instruction at 0xfffe
 * straddles the end, so the block from 0xfff6 stops before it (a fetch
 * fault after the first instruction), and the fault is raised only when
 * execution reaches it, at the exact count.
 */
static const uint32_t runs_off_end[] = {
    tr_insn(TR_LI, 1, 0, 11),
    tr_insn(TR_LI, 2, 0, 22),
};

static void test_fetch_fault(void **state)
{
    (void)state;
    const Case c = { runs_off_end, 2, 0xfff6 };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        load_case(&rig, ref, &c, toy_test_backend(b), true);
        assert_int_equal(run_and_compare(&rig, ref), EXCP_FETCH);
        assert_int_equal(rig.cpu.parent.exec->fetch_fault_addr, 0x10000);
        assert_int_equal(ref->fault_addr, 0x10000);
        assert_int_equal(rig.cpu.pc, 0xfffe);
        assert_int_equal(cpu_icount(&rig.cpu.parent), 2);
        TranslationBlock *tb = tb_lookup(&rig.cpu.parent, 0xfff6, 0,
                                         rig.ctx.cfg.backend == &jit_backend_interp
                                             ? CF_INTERP : 0);
        assert_non_null(tb);
        assert_int_equal(tb->icount, 2);
        assert_int_equal(tb->size, 8);

        /* A jump far outside memory faults at its target. */
        rig.cpu.pc = ref->pc = 0x20000;
        assert_int_equal(run_and_compare(&rig, ref), EXCP_FETCH);
        assert_int_equal(rig.cpu.parent.exec->fetch_fault_addr, 0x20000);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

static void test_restore_outside_code(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        toyrig_init(&rig, toy_test_backend(b), NULL);
        rig.cpu.pc = 0x1234;
        uint64_t before = cpu_icount(&rig.cpu.parent);
        assert_false(cpu_restore_state(&rig.cpu.parent, (uintptr_t)&test_restore_outside_code));
        assert_null(tb_find_by_host_pc(&rig.cpu.parent, (uintptr_t)&rig, NULL));
        assert_int_equal(rig.cpu.pc, 0x1234);
        assert_int_equal(cpu_icount(&rig.cpu.parent), before);
        toyrig_destroy(&rig);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raise_mid_block),
        cmocka_unit_test(test_raise_at_block_edges),
        cmocka_unit_test(test_illegal_instruction),
        cmocka_unit_test(test_fetch_fault),
        cmocka_unit_test(test_restore_outside_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
