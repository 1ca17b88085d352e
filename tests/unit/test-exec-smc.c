/*
 * Self-modifying code: guest stores into translated code make the new
 * code run, whether the written block is another one or the block doing
 * the store; per-page bookkeeping and two-page blocks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "toy-ref.h"

/* lui + addi that put `word` in register r. */
#define LOAD_WORD(r, word) \
    tr_insn(TR_LUI, r, 0, ((word) >> 16) + (((word) & 0x8000) ? 1 : 0)), \
    tr_insn(TR_ADDI, r, r, (word) & 0xffff)

#define LI_R1_2 tr_insn(TR_LI, 1, 0, 2)

typedef struct Seg {
    uint32_t addr;
    const uint32_t *words;
    size_t n;
} Seg;

/* Loads the segments into both machines, runs both from entry to their
 * first exception, compares, and returns the rig for more checks. */
static void run_compare(ToyRig *rig, ToyRef *ref, const JitBackend *backend,
                        const Seg *segs, size_t nsegs, uint32_t entry, int expect_excp)
{
    ExecConfig cfg = { .tb_size = 1u << 20, .optimize = true };
    toyrig_init(rig, backend, &cfg);
    for (size_t i = 0; i < nsegs; i++) {
        toyrig_load(rig, segs[i].addr, segs[i].words, segs[i].n);
        toyref_load(ref, segs[i].addr, segs[i].words, segs[i].n);
    }
    rig->cpu.pc = ref->pc = entry;
    assert_int_equal(toyref_step(ref, UINT64_MAX), expect_excp);
    assert_int_equal(cpu_exec(&rig->cpu.parent), expect_excp);
    toyrig_assert_same(rig, ref);
}

static void test_overwrite_other_block(void **state)
{
    (void)state;
    static const uint32_t main_code[] = {
        /* 0x100 */ tr_insn(TR_JAL, 14, 0, 0x200 - 0x100),
        /* 0x104 */ tr_insn(TR_OUT, 1, 0, 0),
        /* 0x108 */ LOAD_WORD(5, LI_R1_2),
        /* 0x110 */ tr_insn(TR_LI, 6, 0, 0x200),
        /* 0x114 */ tr_insn(TR_ST, 5, 6, 0),
        /* 0x118 */ tr_insn(TR_JAL, 14, 0, 0x200 - 0x118),
        /* 0x11c */ tr_insn(TR_OUT, 1, 0, 0),
        /* 0x120 */ tr_insn(TR_HALT, 0, 0, 0),
    };
    static const uint32_t sub[] = {
        /* 0x200 */ tr_insn(TR_LI, 1, 0, 1),
        /* 0x204 */ tr_insn(TR_JR, 0, 14, 0),
    };
    const Seg segs[] = { { 0x100, main_code, 9 }, { 0x200, sub, 2 } };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        run_compare(&rig, ref, toy_test_backend(b), segs, 2, 0x100, TOY_EXCP_HALT);
        assert_int_equal(rig.cpu.nb_out, 2);
        assert_int_equal(rig.cpu.out[0], 1);
        assert_int_equal(rig.cpu.out[1], 2);
        assert_true(rig.ctx.stats.invalidated >= 1);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

static void test_overwrite_running_block(void **state)
{
    (void)state;
    static const uint32_t code[] = {
        /* 0x100 */ LOAD_WORD(5, LI_R1_2),
        /* 0x108 */ tr_insn(TR_LI, 6, 0, 0x114),
        /* 0x10c */ tr_insn(TR_ST, 5, 6, 0),
        /* 0x110 */ tr_insn(TR_LI, 2, 0, 5),
        /* 0x114 */ tr_insn(TR_LI, 1, 0, 1),
        /* 0x118 */ tr_insn(TR_OUT, 1, 0, 0),
        /* 0x11c */ tr_insn(TR_OUT, 2, 0, 0),
        /* 0x120 */ tr_insn(TR_HALT, 0, 0, 0),
    };
    const Seg segs[] = { { 0x100, code, 9 } };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        run_compare(&rig, ref, toy_test_backend(b), segs, 1, 0x100, TOY_EXCP_HALT);
        assert_int_equal(rig.cpu.out[0], 2);
        assert_int_equal(rig.cpu.out[1], 5);
        assert_int_equal(cpu_icount(&rig.cpu.parent), 8);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

/* A loop whose block rewrites one of its own later instructions on every
 * iteration (r1 += 1, then += 2, ... += 10). */
static void test_self_modifying_loop(void **state)
{
    (void)state;
    static const uint32_t code[] = {
        /* 0x100 */ tr_insn(TR_LI, 2, 0, 10),
        /* 0x104 */ tr_insn(TR_LUI, 7, 0, 1),
        /* 0x108 loop: */ tr_insn(TR_LD, 5, 0, 0x118),
        /* 0x10c */ TR_RRR(TR_ADD, 5, 5, 7),
        /* 0x110 */ tr_insn(TR_ST, 5, 0, 0x118),
        /* 0x114 */ tr_insn(TR_ADDI, 3, 3, 1),
        /* 0x118 */ tr_insn(TR_ADDI, 1, 1, 0),
        /* 0x11c */ tr_insn(TR_ADDI, 2, 2, -1),
        /* 0x120 */ tr_insn(TR_BNE, 2, 0, 0x108 - 0x120),
        /* 0x124 */ tr_insn(TR_OUT, 1, 0, 0),
        /* 0x128 */ tr_insn(TR_HALT, 0, 0, 0),
    };
    const Seg segs[] = { { 0x100, code, 11 } };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        run_compare(&rig, ref, toy_test_backend(b), segs, 1, 0x100, TOY_EXCP_HALT);
        assert_int_equal(rig.cpu.out[0], 55);
        assert_int_equal(rig.cpu.regs[3], 10);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

/*
 * 0x7f6 .. 0x801 is one block on two 1 KiB pages: the addi at 0x7fe
 * straddles into page 0x800, whose first byte is its immediate.  The
 * second iteration patches that byte through page 0x800.
 */
static const uint32_t straddle_code[] = {
    /* 0x7f6 */ tr_insn(TR_LI, 1, 0, 5),
    /* 0x7fa */ tr_insn(TR_LI, 2, 0, 6),
    /* 0x7fe */ tr_insn(TR_ADDI, 3, 3, 1),
    /* 0x802 */ tr_insn(TR_OUT, 3, 0, 0),
    /* 0x806 */ tr_insn(TR_LI, 6, 0, 0x800),
    /* 0x80a */ tr_insn(TR_LI, 5, 0, 0x10),
    /* 0x80e */ tr_insn(TR_STB, 5, 6, 0),
    /* 0x812 */ tr_insn(TR_ADDI, 4, 4, 1),
    /* 0x816 */ tr_insn(TR_LI, 7, 0, 2),
    /* 0x81a */ tr_insn(TR_BNE, 4, 7, 0x7f6 - 0x81a),
    /* 0x81e */ tr_insn(TR_HALT, 0, 0, 0),
};

static void test_two_page_block_written_through_second_page(void **state)
{
    (void)state;
    const Seg segs[] = { { 0x7f6, straddle_code, 11 } };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ToyRef *ref = toyref_new();
        run_compare(&rig, ref, toy_test_backend(b), segs, 1, 0x7f6, TOY_EXCP_HALT);
        assert_int_equal(rig.cpu.nb_out, 2);
        assert_int_equal(rig.cpu.out[0], 1);
        assert_int_equal(rig.cpu.out[1], 0x11);
        toyrig_destroy(&rig);
        toyref_free(ref);
    }
}

static TranslationBlock *straddler(ToyRig *rig)
{
    uint32_t cf = rig->ctx.backend == &jit_backend_interp ? CF_INTERP : 0;
    return tb_lookup(&rig->cpu.parent, 0x7f6, 0, cf);
}

static void run_straddle_once(ToyRig *rig)
{
    rig->cpu.pc = 0x7f6;
    rig->cpu.regs[4] = 0;
    cpu_set_icount_limit(&rig->cpu.parent, cpu_icount(&rig->cpu.parent) + 3);
    assert_int_equal(cpu_exec(&rig->cpu.parent), EXCP_BUDGET);
    assert_int_equal(rig->cpu.pc, 0x802);
}

static void test_two_page_block_invalidation(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        toyrig_init(&rig, toy_test_backend(b), NULL);
        toyrig_load(&rig, 0x7f6, straddle_code, 11);
        assert_false(tb_page_has_code(&rig.ctx, 0x400));
        assert_false(tb_page_has_code(&rig.ctx, 0x800));

        run_straddle_once(&rig);
        TranslationBlock *tb = straddler(&rig);
        assert_non_null(tb);
        assert_int_equal(tb->page_addr[0], 0x400);
        assert_int_equal(tb->page_addr[1], 0x800);
        assert_int_equal(tb->size, 12);
        assert_int_equal(tb->icount, 3);
        assert_true(tb_page_has_code(&rig.ctx, 0x400));
        assert_true(tb_page_has_code(&rig.ctx, 0x800));
        assert_true(tb_page_has_code(&rig.ctx, 0x9ff));   /* any address in the page */
        assert_false(tb_page_has_code(&rig.ctx, 0xc00));

        /* Bytes next to the block, on either side, leave it alone. */
        tb_invalidate_phys_range(&rig.ctx, 0x700, 0x7f6);
        tb_invalidate_phys_range(&rig.ctx, 0x802, 0x900);
        assert_false(tb->invalid);

        /* Through the second page. */
        tb_invalidate_phys_range(&rig.ctx, 0x801, 0x802);
        assert_true(tb->invalid);
        assert_null(straddler(&rig));
        assert_false(tb_page_has_code(&rig.ctx, 0x400));
        assert_false(tb_page_has_code(&rig.ctx, 0x800));

        /* Through the first page. */
        run_straddle_once(&rig);
        TranslationBlock *tb2 = straddler(&rig);
        assert_non_null(tb2);
        assert_true(tb2 != tb);
        tb_invalidate_phys_range(&rig.ctx, 0x7f6, 0x7f7);
        assert_true(tb2->invalid);
        assert_false(tb_page_has_code(&rig.ctx, 0x800));

        /* A range covering both pages and everything else. */
        run_straddle_once(&rig);
        TranslationBlock *tb3 = straddler(&rig);
        assert_non_null(tb3);
        tb_invalidate_phys_range(&rig.ctx, 0, UINT64_MAX);
        assert_true(tb3->invalid);
        assert_int_equal(rig.ctx.stats.invalidated, 3);

        /* A flush forgets every page. */
        run_straddle_once(&rig);
        assert_true(tb_page_has_code(&rig.ctx, 0x800));
        tb_flush(&rig.ctx);
        assert_false(tb_page_has_code(&rig.ctx, 0x400));
        assert_false(tb_page_has_code(&rig.ctx, 0x800));
        assert_null(straddler(&rig));
        toyrig_destroy(&rig);
    }
}

/* Writing data on a page without code does not invalidate anything, and
 * page_code_added is called once per page that gains code. */
static unsigned pages_added;
static uint64_t last_page_added;

static void note_page(void *opaque, uint64_t page)
{
    (void)opaque;
    pages_added++;
    last_page_added = page;
}

static void test_data_stores_and_page_callback(void **state)
{
    (void)state;
    static const uint32_t code[] = {
        /* 0x100 */ tr_insn(TR_LI, 6, 0, 0x4000),
        /* 0x104 */ tr_insn(TR_LI, 2, 0, 100),
        /* 0x108 */ tr_insn(TR_ST, 2, 6, 0),
        /* 0x10c */ tr_insn(TR_ADDI, 6, 6, 4),
        /* 0x110 */ tr_insn(TR_ADDI, 2, 2, -1),
        /* 0x114 */ tr_insn(TR_BNE, 2, 0, 0x108 - 0x114),
        /* 0x118 */ tr_insn(TR_HALT, 0, 0, 0),
    };
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        ExecConfig cfg = { .page_code_added = note_page };
        pages_added = 0;
        toyrig_init(&rig, toy_test_backend(b), &cfg);
        toyrig_load(&rig, 0x100, code, 7);
        rig.cpu.pc = 0x100;
        assert_int_equal(cpu_exec(&rig.cpu.parent), TOY_EXCP_HALT);
        assert_int_equal(rig.ctx.stats.invalidated, 0);
        assert_int_equal(pages_added, 1);
        assert_int_equal(last_page_added, 0);
        assert_int_equal(rig.cpu.mem[0x4000], 100);
        assert_int_equal(rig.cpu.mem[0x4000 + 99 * 4], 1);
        toyrig_destroy(&rig);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overwrite_other_block),
        cmocka_unit_test(test_overwrite_running_block),
        cmocka_unit_test(test_self_modifying_loop),
        cmocka_unit_test(test_two_page_block_written_through_second_page),
        cmocka_unit_test(test_two_page_block_invalidation),
        cmocka_unit_test(test_data_stores_and_page_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
