/*
 * Chaining: blocks that exit through goto_tb get linked to their
 * successors; invalidating a block unlinks every jump into it; CF_NO_CHAIN
 * blocks never link; an exit request from another thread stops a loop
 * that never returns to the cpu loop by itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "toy-ref.h"

#define ENTRY 0x100u
#define LOOP 0x108u
#define AFTER 0x114u

/* r1 += 3, 1000 times, then out r1. */
static const uint32_t counting_loop[] = {
    /* 0x100 */ tr_insn(TR_LI, 1, 0, 0),
    /* 0x104 */ tr_insn(TR_LI, 2, 0, 1000),
    /* 0x108 loop: */ tr_insn(TR_ADDI, 1, 1, 3),
    /* 0x10c */ tr_insn(TR_ADDI, 2, 2, -1),
    /* 0x110 */ tr_insn(TR_BNE, 2, 0, LOOP - 0x110),
    /* 0x114 */ tr_insn(TR_OUT, 1, 0, 0),
    /* 0x118 */ tr_insn(TR_HALT, 0, 0, 0),
};
#define LOOP_LEN (sizeof(counting_loop) / 4)

static uint32_t base_cflags(const ToyRig *rig)
{
    return rig->ctx.backend == &jit_backend_interp ? CF_INTERP : 0;
}

static TranslationBlock *find(ToyRig *rig, uint32_t pc, uint32_t cflags)
{
    return tb_lookup(&rig->cpu.parent, pc, 0, cflags);
}

/* For generated code: where slot n's jump currently goes. */
static const uint8_t *jump_target(const TranslationBlock *tb, int n)
{
    const uint8_t *rel = (const uint8_t *)tb->host_code + tb->jmp_patch_off[n];
    int32_t disp;
    memcpy(&disp, rel, 4);
    return rel + 4 + disp;
}

static void assert_slot_chained(const ToyRig *rig, const TranslationBlock *tb, int n,
                                const TranslationBlock *dest)
{
    assert_ptr_equal(tb->jmp_dest[n], dest);
    if (rig->ctx.backend == &jit_backend_x86_64)
        assert_ptr_equal(jump_target(tb, n), dest->host_code);
}

static void assert_slot_unchained(const ToyRig *rig, const TranslationBlock *tb, int n)
{
    assert_null(tb->jmp_dest[n]);
    if (rig->ctx.backend == &jit_backend_x86_64 && tb->jmp_patch_off[n] != ~0u)
        assert_ptr_equal(jump_target(tb, n),
                         (const uint8_t *)tb->host_code + tb->jmp_reset_off[n]);
}

static void run_loop_program(ToyRig *rig)
{
    memset(rig->cpu.regs, 0, sizeof(rig->cpu.regs));
    rig->cpu.nb_out = 0;
    rig->cpu.pc = ENTRY;
    assert_int_equal(cpu_exec(&rig->cpu.parent), TOY_EXCP_HALT);
    assert_int_equal(rig->cpu.nb_out, 1);
    assert_int_equal(rig->cpu.out[0], 3000);
    assert_int_equal(rig->cpu.pc, 0x118);
}

static void test_loop_chains(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        toyrig_init(&rig, toy_test_backend(b), NULL);
        toyrig_load(&rig, ENTRY, counting_loop, LOOP_LEN);
        run_loop_program(&rig);
        /* 1000 iterations, 3 + 1 blocks: far fewer trips through the loop. */
        assert_int_equal(cpu_icount(&rig.cpu.parent), 2 + 3 * 1000 + 1);

        uint32_t cf = base_cflags(&rig);
        TranslationBlock *first = find(&rig, ENTRY, cf);
        TranslationBlock *loop = find(&rig, LOOP, cf);
        TranslationBlock *after = find(&rig, AFTER, cf);
        assert_non_null(first);
        assert_non_null(loop);
        assert_non_null(after);
        assert_int_equal(first->icount, 5);
        assert_int_equal(loop->icount, 3);
        assert_int_equal(rig.ctx.stats.tbs_translated, 3);
        /* first -> loop (taken), loop -> loop, loop -> after. */
        assert_slot_chained(&rig, first, 0, loop);
        assert_slot_chained(&rig, loop, 0, loop);
        assert_slot_chained(&rig, loop, 1, after);
        assert_int_equal(rig.ctx.stats.chained, 3);
        toyrig_destroy(&rig);
    }
}

static void test_invalidate_unchains(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        toyrig_init(&rig, toy_test_backend(b), NULL);
        toyrig_load(&rig, ENTRY, counting_loop, LOOP_LEN);
        run_loop_program(&rig);
        uint32_t cf = base_cflags(&rig);
        TranslationBlock *first = find(&rig, ENTRY, cf);
        TranslationBlock *loop = find(&rig, LOOP, cf);
        TranslationBlock *after = find(&rig, AFTER, cf);

        /* Bytes of the loop's last instruction only: first's code (0x100
         * .. 0x114) overlaps too, after's (0x114 ..) does not. */
        tb_invalidate_phys_range(&rig.ctx, 0x110, 0x114);
        assert_true(loop->invalid);
        assert_true(first->invalid);
        assert_false(after->invalid);
        assert_int_equal(rig.ctx.stats.invalidated, 2);
        assert_slot_unchained(&rig, first, 0);
        assert_slot_unchained(&rig, loop, 0);
        assert_slot_unchained(&rig, loop, 1);
        assert_int_equal(after->jmp_first, 0);
        assert_null(find(&rig, LOOP, cf));
        assert_null(find(&rig, ENTRY, cf));
        assert_ptr_equal(find(&rig, AFTER, cf), after);

        /* Fresh blocks, chained again to the surviving one. */
        run_loop_program(&rig);
        TranslationBlock *loop2 = find(&rig, LOOP, cf);
        assert_non_null(loop2);
        assert_true(loop2 != loop);
        assert_slot_chained(&rig, loop2, 0, loop2);
        assert_slot_chained(&rig, loop2, 1, after);

        /* Invalidating the target alone unchains the jumps into it. */
        tb_invalidate_phys_range(&rig.ctx, AFTER, AFTER + 1);
        assert_true(after->invalid);
        assert_false(loop2->invalid);
        assert_slot_unchained(&rig, loop2, 1);
        assert_slot_chained(&rig, loop2, 0, loop2);
        run_loop_program(&rig);
        toyrig_destroy(&rig);
    }
}

static void test_no_chain_flag(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ExecConfig cfg = { .default_cflags = CF_NO_CHAIN };
        toyrig_init(&rig, toy_test_backend(b), &cfg);
        toyrig_load(&rig, ENTRY, counting_loop, LOOP_LEN);
        run_loop_program(&rig);
        assert_int_equal(rig.ctx.stats.chained, 0);
        uint32_t cf = base_cflags(&rig) | CF_NO_CHAIN;
        TranslationBlock *loop = find(&rig, LOOP, cf);
        assert_non_null(loop);
        assert_slot_unchained(&rig, loop, 0);
        assert_slot_unchained(&rig, loop, 1);
        toyrig_destroy(&rig);
    }
}

/* Blocks on different pages chain only when the config allows it. */
static void test_cross_page_chaining(void **state)
{
    (void)state;
    /* 0x3f8: li; 0x3fc: jmp 0x400 (the next page); 0x400: out; halt. */
    const uint32_t prog[] = {
        tr_insn(TR_LI, 1, 0, 77),
        tr_insn(TR_JMP, 0, 0, 4),
        tr_insn(TR_OUT, 1, 0, 0),
        tr_insn(TR_HALT, 0, 0, 0),
    };
    for (int b = 0; b < 2; b++) {
        for (int cross = 0; cross < 2; cross++) {
            ToyRig rig;
            ExecConfig cfg = { .chain_cross_page = cross };
            toyrig_init(&rig, toy_test_backend(b), &cfg);
            toyrig_load(&rig, 0x3f8, prog, 4);
            rig.cpu.pc = 0x3f8;
            assert_int_equal(cpu_exec(&rig.cpu.parent), TOY_EXCP_HALT);
            assert_int_equal(rig.cpu.out[0], 77);
            TranslationBlock *a = find(&rig, 0x3f8, base_cflags(&rig));
            TranslationBlock *c = find(&rig, 0x400, base_cflags(&rig));
            assert_non_null(a);
            assert_non_null(c);
            if (cross)
                assert_slot_chained(&rig, a, 0, c);
            else
                assert_slot_unchained(&rig, a, 0);
            toyrig_destroy(&rig);
        }
    }
}

/* An endless loop: 0x100: addi r1, r1, 1; jmp 0x100. */
static const uint32_t endless[] = {
    tr_insn(TR_ADDI, 1, 1, 1),
    tr_insn(TR_JMP, 0, 0, -4),
};

typedef struct Stopper {
    ToyRig *rig;
    uint32_t seen;
} Stopper;

static void *stopper_thread(void *arg)
{
    Stopper *s = arg;
    /* Wait until the loop has gone round many times through its own
     * chained jump, then ask it to stop. */
    while ((s->seen = __atomic_load_n(&s->rig->cpu.regs[1], __ATOMIC_RELAXED)) < 100000)
        sched_yield();
    cpu_exit(&s->rig->cpu.parent);
    return NULL;
}

static void test_exit_request_from_another_thread(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        toyrig_init(&rig, toy_test_backend(b), NULL);
        toyrig_load(&rig, ENTRY, endless, 2);
        rig.cpu.pc = ENTRY;
        Stopper s = { .rig = &rig };
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, stopper_thread, &s), 0);
        assert_int_equal(cpu_exec(&rig.cpu.parent), EXCP_INTERRUPT);
        pthread_join(th, NULL);
        assert_true(rig.cpu.regs[1] >= s.seen);
        assert_int_equal(rig.cpu.parent.budget.u16.high, 0);

        /* The state is the reference's after the same count. */
        uint64_t n = cpu_icount(&rig.cpu.parent);
        ToyRef *ref = toyref_new();
        toyref_load(ref, ENTRY, endless, 2);
        ref->pc = ENTRY;
        assert_int_equal(toyref_step(ref, n), TOYREF_DONE);
        toyrig_assert_same(&rig, ref);

        /* The request was consumed: a bounded run now ends on the budget. */
        cpu_set_icount_limit(&rig.cpu.parent, n + 101);
        assert_int_equal(cpu_exec(&rig.cpu.parent), EXCP_BUDGET);
        assert_int_equal(toyref_step(ref, 101), TOYREF_DONE);
        toyrig_assert_same(&rig, ref);
        toyref_free(ref);
        toyrig_destroy(&rig);
    }
}

/* A request made before cpu_exec is honoured before any guest code. */
static void test_exit_request_before_exec(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        toyrig_init(&rig, toy_test_backend(b), NULL);
        toyrig_load(&rig, ENTRY, endless, 2);
        rig.cpu.pc = ENTRY;
        cpu_exit(&rig.cpu.parent);
        assert_int_equal(cpu_exec(&rig.cpu.parent), EXCP_INTERRUPT);
        assert_int_equal(cpu_icount(&rig.cpu.parent), 0);
        assert_int_equal(rig.cpu.regs[1], 0);
        toyrig_destroy(&rig);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_chains),
        cmocka_unit_test(test_invalidate_unchains),
        cmocka_unit_test(test_no_chain_flag),
        cmocka_unit_test(test_cross_page_chaining),
        cmocka_unit_test(test_exit_request_from_another_thread),
        cmocka_unit_test(test_exit_request_before_exec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
