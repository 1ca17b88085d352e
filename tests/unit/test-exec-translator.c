/*
 * The generic translation loop's stop rules and fetch-fault handling,
 * driven by a fake target with variable-length instructions: the first
 * byte of an instruction is its length (1..15), 0xff ends the block.
 * Each instruction emits a movi into a fresh temp *before* fetching its
 * remaining bytes, so a fault there must roll that op and temp back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "jit/translator.h"

#define MEM_SIZE 4096
#define PAGE_BITS 8

static uint8_t mem[MEM_SIZE];
static uint64_t readable_end;     /* code reads at or past this fail */
static unsigned tb_starts, tb_stops;

static bool fake_read(CPUState *cpu, uint64_t addr, void *buf, unsigned len)
{
    (void)cpu;
    if (addr >= readable_end || len > readable_end - addr)
        return false;
    memcpy(buf, mem + addr, len);
    return true;
}

static void fake_init(DisasContextBase *db, CPUState *cpu)
{
    (void)db;
    (void)cpu;
}

static void fake_tb_start(DisasContextBase *db, CPUState *cpu)
{
    (void)db;
    (void)cpu;
    tb_starts++;
}

static void fake_insn_start(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    ir_gen_insn_start(db->f, db->pc_next, 0, 0);
}

static void fake_translate(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    uint8_t len = translator_ldub(db, db->pc_next);
    IRTemp t = ir_new_temp(db->f, IR_I32);
    ir_gen_movi(db->f, IR_I32, t, len);
    if (len == 0xff) {
        ir_gen_exit_tb(db->f);
        db->pc_next += 1;
        db->is_jmp = DISAS_NORETURN;
        return;
    }
    for (unsigned i = 1; i < len; i++)
        (void)translator_ldub(db, db->pc_next + i);
    db->pc_next += len;
}

static void fake_tb_stop(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    tb_stops++;
    if (db->is_jmp == DISAS_TOO_MANY)
        ir_gen_goto_tb(db->f, 0);
}

static const TranslatorOps fake_ops = {
    .init_disas_context = fake_init,
    .tb_start = fake_tb_start,
    .insn_start = fake_insn_start,
    .translate_insn = fake_translate,
    .tb_stop = fake_tb_stop,
};

typedef struct Run {
    IRFunc f;
    TranslationBlock tb;
    DisasContextBase db;
    CPUState cpu;
    int ret;
} Run;

static void translate(Run *r, uint64_t pc, int max_insns, uint32_t max_ops)
{
    memset(r, 0, sizeof(*r));
    ir_func_init(&r->f, max_ops, 4096);
    ir_func_begin(&r->f, NULL, 0, IR_I32);
    r->tb.pc = pc;
    tb_starts = tb_stops = 0;
    r->ret = translator_loop(&fake_ops, &r->db, &r->cpu, &r->tb, &r->f, max_insns,
                             fake_read, PAGE_BITS);
}

static unsigned count_ops(const IRFunc *f, IROpcode opc)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < f->nb_ops; i++)
        n += f->ops[i].opc == opc;
    return n;
}

/* Fills [addr, addr + n * len) with instructions of length len. */
static void fill(uint64_t addr, unsigned n, uint8_t len)
{
    for (unsigned i = 0; i < n; i++) {
        mem[addr + i * len] = len;
        memset(mem + addr + i * len + 1, 0xaa, len - 1u);
    }
}

static int setup(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    readable_end = MEM_SIZE;
    return 0;
}

static void test_stops_at_max_insns(void **state)
{
    (void)state;
    Run r;
    fill(0x100, 40, 2);
    translate(&r, 0x100, 5, 1000);
    assert_int_equal(r.ret, TRANSLATE_OK);
    assert_int_equal(r.tb.icount, 5);
    assert_int_equal(r.tb.size, 10);
    assert_int_equal(r.db.is_jmp, DISAS_TOO_MANY);
    assert_int_equal(r.db.pc_next, 0x10a);
    assert_int_equal(r.f.nb_insns, 5);
    assert_int_equal(count_ops(&r.f, IR_OP_goto_tb), 1);
    assert_int_equal(tb_starts, 1);
    assert_int_equal(tb_stops, 1);
    assert_int_equal(r.db.last_fetched, 0x10a);
    ir_func_destroy(&r.f);
}

static void test_stops_when_target_ends_block(void **state)
{
    (void)state;
    Run r;
    fill(0x100, 3, 4);
    mem[0x10c] = 0xff;
    translate(&r, 0x100, 100, 1000);
    assert_int_equal(r.tb.icount, 4);
    assert_int_equal(r.tb.size, 13);
    assert_int_equal(r.db.is_jmp, DISAS_NORETURN);
    assert_int_equal(count_ops(&r.f, IR_OP_goto_tb), 0);
    assert_int_equal(count_ops(&r.f, IR_OP_exit_tb), 1);
    ir_func_destroy(&r.f);
}

/* Pages are 256 bytes: the block from 0x1f0 takes instructions of 6
 * bytes at 0x1f0, 0x1f6, 0x1fc (straddling into page 0x200) and stops
 * before 0x202, the first one starting on the next page. */
static void test_stops_at_page_end(void **state)
{
    (void)state;
    Run r;
    fill(0x1f0, 10, 6);
    translate(&r, 0x1f0, 100, 1000);
    assert_int_equal(r.tb.icount, 3);
    assert_int_equal(r.tb.size, 18);
    assert_int_equal(r.db.pc_next, 0x202);
    assert_int_equal(r.db.last_fetched, 0x202);
    assert_int_equal(r.db.is_jmp, DISAS_TOO_MANY);
    ir_func_destroy(&r.f);
}

/* With room for 600 ops, the 512-op headroom leaves space for few
 * instructions (2 ops each: insn_start and movi). */
static void test_stops_when_ir_nearly_full(void **state)
{
    (void)state;
    Run r;
    fill(0x100, 100, 1);
    translate(&r, 0x100, 1000, 600);
    assert_false(r.f.overflow);
    /* Stops as soon as fewer than 512 ops are free: after 45 insns. */
    assert_int_equal(r.tb.icount, 45);
    assert_true(r.f.max_ops - r.f.nb_ops < 512 + 1);
    assert_int_equal(r.db.is_jmp, DISAS_TOO_MANY);
    ir_func_destroy(&r.f);
}

static void test_fetch_fault_first_insn(void **state)
{
    (void)state;
    Run r;
    fill(0x100, 4, 4);
    readable_end = 0x102;
    translate(&r, 0x100, 100, 1000);
    assert_int_equal(r.ret, TRANSLATE_FETCH_FAULT);
    /* The first unreadable byte, not the instruction's start. */
    assert_int_equal(r.db.fetch_fault_addr, 0x102);
    ir_func_destroy(&r.f);
}

static void test_fetch_fault_later_rolls_back(void **state)
{
    (void)state;
    Run r, ref;
    fill(0x100, 6, 5);
    /* Reference: the same two instructions as a block of its own. */
    translate(&ref, 0x100, 2, 1000);
    assert_int_equal(ref.tb.icount, 2);

    /* The third instruction's opcode byte is readable, its rest is not:
     * its insn_start, movi and temp were emitted before the fault. */
    readable_end = 0x10b;
    translate(&r, 0x100, 100, 1000);
    assert_int_equal(r.ret, TRANSLATE_OK);
    assert_int_equal(r.tb.icount, 2);
    assert_int_equal(r.tb.size, 10);
    assert_int_equal(r.db.pc_next, 0x10a);
    assert_int_equal(r.db.is_jmp, DISAS_TOO_MANY);
    assert_int_equal(r.f.nb_insns, 2);
    assert_int_equal(r.db.last_fetched, 0x10a);
    /* Exactly the IR of the two-instruction block. */
    assert_int_equal(r.f.nb_ops, ref.f.nb_ops);
    assert_int_equal(r.f.nb_temps, ref.f.nb_temps);
    for (uint32_t i = 0; i < r.f.nb_ops; i++) {
        assert_int_equal(r.f.ops[i].opc, ref.f.ops[i].opc);
        assert_memory_equal(r.f.ops[i].args, ref.f.ops[i].args, sizeof(r.f.ops[i].args));
    }
    assert_int_equal(tb_stops, 1);
    ir_func_destroy(&r.f);
    ir_func_destroy(&ref.f);
}

static void test_code_fetch_helpers(void **state)
{
    (void)state;
    Run r;
    fill(0x100, 1, 1);
    translate(&r, 0x100, 1, 1000);
    const uint8_t bytes[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
    memcpy(mem + 0x200, bytes, 8);
    sigjmp_buf jmp;
    r.db.fetch_jmp = &jmp;
    if (sigsetjmp(jmp, 0) == 0) {
        assert_int_equal(translator_ldub(&r.db, 0x200), 0x01);
        assert_int_equal(translator_lduw(&r.db, 0x200), 0x2301);
        assert_int_equal(translator_ldl(&r.db, 0x201), 0x89674523u);
        assert_int_equal(translator_ldq(&r.db, 0x200), 0xefcdab8967452301ull);
        assert_int_equal(r.db.last_fetched, 0x208);
        readable_end = 0x204;
        (void)translator_ldl(&r.db, 0x202);
        fail_msg("a read past the readable end returned");
    }
    assert_int_equal(r.db.fetch_fault_addr, 0x204);
    ir_func_destroy(&r.f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_stops_at_max_insns, setup),
        cmocka_unit_test_setup(test_stops_when_target_ends_block, setup),
        cmocka_unit_test_setup(test_stops_at_page_end, setup),
        cmocka_unit_test_setup(test_stops_when_ir_nearly_full, setup),
        cmocka_unit_test_setup(test_fetch_fault_first_insn, setup),
        cmocka_unit_test_setup(test_fetch_fault_later_rolls_back, setup),
        cmocka_unit_test_setup(test_code_fetch_helpers, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
