/*
 * The state-recovery table: what tb_pcmap_encode stores, tb_pcmap_find
 * gives back for every position, with insn_start words of any size and
 * sign of change (checked against a linear search over the inputs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "exec/exec-internal.h"

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
    /* xorshift64*, fixed seed */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* A word that changes by small, large, negative or no amounts. */
static uint64_t next_word(uint64_t prev)
{
    switch (rng() % 5) {
    case 0: return prev;
    case 1: return prev + rng() % 16;
    case 2: return prev - rng() % 300;
    case 3: return rng();
    default: return (uint64_t)(int64_t)(int32_t)rng();
    }
}

typedef struct Block {
    unsigned n;
    uint32_t insn_end[TB_MAX_INSNS];
    uint64_t words[TB_MAX_INSNS][IR_INSN_START_WORDS];
} Block;

static void make_block(IRFunc *f, TranslationBlock *tb, Block *blk, unsigned n)
{
    ir_func_begin(f, NULL, 0, IR_I32);
    tb->pc = rng();
    tb->icount = (uint16_t)n;
    blk->n = n;
    uint64_t prev[IR_INSN_START_WORDS] = { tb->pc, 0, 0 };
    uint32_t end = 0;
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < IR_INSN_START_WORDS; j++)
            prev[j] = blk->words[i][j] = next_word(prev[j]);
        ir_gen_insn_start(f, prev[0], prev[1], prev[2]);
        /* Other ops between the markers are not instructions. */
        IRTemp t = ir_new_temp(f, IR_I32);
        ir_gen_movi(f, IR_I32, t, i);
        /* Instructions may generate no code (same end as the previous). */
        end += (uint32_t)(rng() % 4 == 0 ? 0 : rng() % 400);
        blk->insn_end[i] = end;
    }
    assert_false(f->overflow);
}

static int expected_insn(const Block *blk, uint64_t pos)
{
    for (unsigned i = 0; i < blk->n; i++) {
        if (pos < blk->insn_end[i])
            return (int)i;
    }
    return -1;
}

static void test_roundtrip_random_blocks(void **state)
{
    (void)state;
    static Block blk;
    IRFunc f;
    CodeBuf cb;
    ir_func_init(&f, 4 * TB_MAX_INSNS, 2 * TB_MAX_INSNS);
    assert_int_equal(codebuf_init(&cb, 4096, 1 << 20), 0);
    for (int round = 0; round < 200; round++) {
        TranslationBlock tb = { 0 };
        unsigned n = round < 10 ? (unsigned)round + 1 : 1 + (unsigned)(rng() % TB_MAX_INSNS);
        make_block(&f, &tb, &blk, n);
        codebuf_reset(&cb);
        assert_true(tb_pcmap_encode(&cb, &tb, &f, blk.insn_end));
        assert_true(tb.pcmap_len >= 4 * n);   /* at least one byte per value */

        /* Both sides of every boundary, and as many random positions. */
        uint64_t last = blk.insn_end[n - 1];
        for (unsigned i = 0; i < n; i++) {
            uint64_t probes[3] = { blk.insn_end[i], blk.insn_end[i] - 1, rng() % (last + 4) };
            for (unsigned k = 0; k < 3; k++) {
                uint64_t pos = probes[k];
                if (pos > last + 3)   /* insn_end[i] - 1 below 0 */
                    continue;
                uint64_t data[IR_INSN_START_WORDS];
                int want = expected_insn(&blk, pos);
                int got = tb_pcmap_find(&tb, pos, data);
                assert_int_equal(got, want);
                if (want >= 0)
                    assert_memory_equal(data, blk.words[want], sizeof(data));
            }
        }
    }
    codebuf_destroy(&cb);
    ir_func_destroy(&f);
}

static void test_exact_bounds(void **state)
{
    (void)state;
    IRFunc f;
    CodeBuf cb;
    ir_func_init(&f, 64, 16);
    assert_int_equal(codebuf_init(&cb, 4096, 4096), 0);
    ir_func_begin(&f, NULL, 0, IR_I32);
    ir_gen_insn_start(&f, 0x1000, 1, 2);
    ir_gen_insn_start(&f, 0x0ffc, 1, 0);
    ir_gen_insn_start(&f, 0xffffffffffffffffull, 0, 0x8000000000000000ull);
    TranslationBlock tb = { .pc = 0x1000, .icount = 3 };
    const uint32_t ends[3] = { 10, 10, 25 };
    assert_true(tb_pcmap_encode(&cb, &tb, &f, ends));

    uint64_t d[IR_INSN_START_WORDS];
    assert_int_equal(tb_pcmap_find(&tb, 0, d), 0);
    assert_int_equal(d[0], 0x1000);
    assert_int_equal(d[1], 1);
    assert_int_equal(d[2], 2);
    assert_int_equal(tb_pcmap_find(&tb, 9, d), 0);
    /* Instruction 1 has no code: position 10 is already instruction 2. */
    assert_int_equal(tb_pcmap_find(&tb, 10, d), 2);
    assert_int_equal(d[0], 0xffffffffffffffffull);
    assert_int_equal(d[1], 0);
    assert_int_equal(d[2], 0x8000000000000000ull);
    assert_int_equal(tb_pcmap_find(&tb, 24, d), 2);
    assert_int_equal(tb_pcmap_find(&tb, 25, d), -1);
    codebuf_destroy(&cb);
    ir_func_destroy(&f);
}

/* A full arena is reported, not overrun. */
static void test_arena_full(void **state)
{
    (void)state;
    static Block blk;
    IRFunc f;
    CodeBuf cb;
    ir_func_init(&f, 4 * TB_MAX_INSNS, 2 * TB_MAX_INSNS);
    assert_int_equal(codebuf_init(&cb, 4096, 4096), 0);
    TranslationBlock tb = { 0 };
    make_block(&f, &tb, &blk, TB_MAX_INSNS);
    cb.data_used = cb.data_size - 8;
    assert_false(tb_pcmap_encode(&cb, &tb, &f, blk.insn_end));
    assert_int_equal(cb.data_used, cb.data_size - 8);
    codebuf_destroy(&cb);
    ir_func_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_random_blocks),
        cmocka_unit_test(test_exact_bounds),
        cmocka_unit_test(test_arena_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
