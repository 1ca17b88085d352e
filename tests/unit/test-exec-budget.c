/*
 * Exact instruction counting: stopping at any instruction limit N gives
 * the state of the reference interpreter after N steps, on both
 * backends, and execution resumes from there to the same end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "toy-ref.h"

#define ENTRY 0x100u
#define TB_SIZE (1u << 20)

/*
 * A loop with a call, loads, stores and outputs.  The first block is
 * 11 instructions (to the jal), the loop tail 2, the subroutine 5.
 */
static const uint32_t prog[] = {
    /* 0x100 */ tr_insn(TR_LI, 1, 0, 0),
    /* 0x104 */ tr_insn(TR_LI, 2, 0, 50),
    /* 0x108 */ tr_insn(TR_LI, 3, 0, 0x4000),
    /* 0x10c loop: */ TR_RRR(TR_ADD, 1, 1, 2),
    /* 0x110 */ TR_RRR(TR_MUL, 4, 1, 2),
    /* 0x114 */ TR_RRR(TR_XOR, 5, 4, 1),
    /* 0x118 */ tr_insn(TR_ST, 5, 3, 0),
    /* 0x11c */ tr_insn(TR_LDB, 6, 3, 1),
    /* 0x120 */ TR_RRR(TR_ADD, 1, 1, 6),
    /* 0x124 */ tr_insn(TR_ADDI, 3, 3, 4),
    /* 0x128 */ tr_insn(TR_JAL, 14, 0, 0x13c - 0x128),
    /* 0x12c */ tr_insn(TR_ADDI, 2, 2, -1),
    /* 0x130 */ tr_insn(TR_BNE, 2, 0, 0x10c - 0x130),
    /* 0x134 */ tr_insn(TR_OUT, 1, 0, 0),
    /* 0x138 */ tr_insn(TR_HALT, 0, 0, 0),
    /* 0x13c sub: */ tr_insn(TR_SHLI, 7, 1, 3),
    /* 0x140 */ tr_insn(TR_SHRI, 8, 7, 5),
    /* 0x144 */ TR_RRR(TR_SLTU, 9, 8, 1),
    /* 0x148 */ tr_insn(TR_OUT, 9, 0, 0),
    /* 0x14c */ tr_insn(TR_JR, 0, 14, 0),
};
#define PROG_LEN (sizeof(prog) / sizeof(prog[0]))

static void setup_both(ToyRig *rig, ToyRef *ref, const JitBackend *backend)
{
    ExecConfig cfg = { .tb_size = TB_SIZE, .optimize = true };
    toyrig_init(rig, backend, &cfg);
    toyrig_load(rig, ENTRY, prog, PROG_LEN);
    rig->cpu.pc = ENTRY;
    toyref_load(ref, ENTRY, prog, PROG_LEN);
    ref->pc = ENTRY;
}

/* The reference's whole run: how many instructions before the halt. */
static uint64_t reference_length(void)
{
    ToyRef *ref = toyref_new();
    toyref_load(ref, ENTRY, prog, PROG_LEN);
    ref->pc = ENTRY;
    assert_int_equal(toyref_step(ref, 1000000), TOYREF_EXCP_HALT);
    uint64_t n = ref->icount;
    toyref_free(ref);
    return n;
}

/* Stop at n, compare, resume to the end, compare. */
static void stop_at(const JitBackend *backend, uint64_t n)
{
    ToyRig rig;
    ToyRef *ref = toyref_new();
    setup_both(&rig, ref, backend);

    cpu_set_icount_limit(&rig.cpu.parent, n);
    int expect = toyref_step(ref, n);
    int got = cpu_exec(&rig.cpu.parent);
    assert_int_equal(got, expect == TOYREF_DONE ? EXCP_BUDGET : expect);
    toyrig_assert_same(&rig, ref);

    cpu_set_icount_limit(&rig.cpu.parent, UINT64_MAX);
    expect = toyref_step(ref, UINT64_MAX);
    assert_int_equal(expect, TOYREF_EXCP_HALT);
    /* A halt that stopped the first run raises again at once. */
    assert_int_equal(cpu_exec(&rig.cpu.parent), TOY_EXCP_HALT);
    toyrig_assert_same(&rig, ref);

    toyrig_destroy(&rig);
    toyref_free(ref);
}

static void test_stop_at_every_small_limit(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        for (uint64_t n = 0; n <= 40; n++)
            stop_at(toy_test_backend(b), n);
    }
}

static void test_stop_near_end_and_beyond(void **state)
{
    (void)state;
    uint64_t len = reference_length();
    /* The run is long enough for several chunks of blocks. */
    assert_true(len > 500);
    const uint64_t limits[] = { 100, 101, 255, 256, 257, 511, 512, 513,
                                len - 2, len - 1, len, len + 1, 1u << 20 };
    for (int b = 0; b < 2; b++) {
        for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
            stop_at(toy_test_backend(b), limits[i]);
    }
}

/* Advancing the limit by `step` each time visits the same states as the
 * reference stepping by `step`. */
static void walk(const JitBackend *backend, uint64_t step)
{
    ToyRig rig;
    ToyRef *ref = toyref_new();
    setup_both(&rig, ref, backend);
    for (;;) {
        uint64_t target = cpu_icount(&rig.cpu.parent) + step;
        cpu_set_icount_limit(&rig.cpu.parent, target);
        int expect = toyref_step(ref, step);
        int got = cpu_exec(&rig.cpu.parent);
        assert_int_equal(got, expect == TOYREF_DONE ? EXCP_BUDGET : expect);
        toyrig_assert_same(&rig, ref);
        if (expect != TOYREF_DONE)
            break;
    }
    toyrig_destroy(&rig);
    toyref_free(ref);
}

static void test_single_step_walk(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++)
        walk(toy_test_backend(b), 1);
}

static void test_odd_step_walks(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        walk(toy_test_backend(b), 7);
        walk(toy_test_backend(b), 12);
        walk(toy_test_backend(b), 97);
    }
}

/* A limit that stops inside a block is served by a count-limited block
 * cached under its own cflags, beside the normal one. */
static void test_count_limited_block_is_separate(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        setup_both(&rig, ref, toy_test_backend(b));
        cpu_set_icount_limit(&rig.cpu.parent, 5);
        assert_int_equal(cpu_exec(&rig.cpu.parent), EXCP_BUDGET);
        assert_int_equal(rig.cpu.pc, ENTRY + 5 * 4);

        uint32_t base = toy_test_backend(b) == &jit_backend_interp ? CF_INTERP : 0;
        TranslationBlock *limited = tb_lookup(&rig.cpu.parent, ENTRY, 0, base | 5);
        assert_non_null(limited);
        assert_int_equal(limited->icount, 5);
        /* The normal block, whose entry check sent the loop there, is
         * longer and remains for later. */
        TranslationBlock *normal = tb_lookup(&rig.cpu.parent, ENTRY, 0, base);
        assert_non_null(normal);
        assert_int_equal(normal->icount, 11);
        assert_true(normal != limited);

        cpu_set_icount_limit(&rig.cpu.parent, UINT64_MAX);
        assert_int_equal(toyref_step(ref, 5), TOYREF_DONE);
        assert_int_equal(toyref_step(ref, UINT64_MAX), TOYREF_EXCP_HALT);
        assert_int_equal(cpu_exec(&rig.cpu.parent), TOY_EXCP_HALT);
        toyrig_assert_same(&rig, ref);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

/* Exceptions in the middle of a chunk keep the count exact too. */
static void test_halt_count(void **state)
{
    (void)state;
    uint64_t len = reference_length();
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        setup_both(&rig, ref, toy_test_backend(b));
        assert_int_equal(cpu_exec(&rig.cpu.parent), TOY_EXCP_HALT);
        assert_int_equal(cpu_icount(&rig.cpu.parent), len);
        assert_int_equal(toyref_step(ref, UINT64_MAX), TOYREF_EXCP_HALT);
        toyrig_assert_same(&rig, ref);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stop_at_every_small_limit),
        cmocka_unit_test(test_stop_near_end_and_beyond),
        cmocka_unit_test(test_single_step_walk),
        cmocka_unit_test(test_odd_step_walks),
        cmocka_unit_test(test_count_limited_block_is_separate),
        cmocka_unit_test(test_halt_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
