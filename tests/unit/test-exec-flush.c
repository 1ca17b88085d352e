/*
 * The translation cache filling up: a tiny cache forces flushes again and
 * again and results stay the reference's; explicit flushes; the code
 * buffer itself (W^X views, bump allocation, reset).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toy-ref.h"

#define ENTRY 0x100u
#define NB_BLOCKS 600

/* Three passes over NB_BLOCKS two-instruction blocks, then out r1. */
static uint32_t *many_blocks(size_t *len)
{
    size_t n = 1 + 2 * NB_BLOCKS + 4, k = 0;
    uint32_t *p = malloc(n * sizeof(*p));
    assert_non_null(p);
    p[k++] = tr_insn(TR_LI, 2, 0, 3);
    uint32_t start = ENTRY + 4;
    for (int i = 0; i < NB_BLOCKS; i++) {
        p[k++] = tr_insn(TR_ADDI, 1, 1, i + 1);
        p[k++] = tr_insn(TR_JMP, 0, 0, 4);
    }
    uint32_t bne_pc = ENTRY + 4 * (uint32_t)k + 4;
    p[k++] = tr_insn(TR_ADDI, 2, 2, -1);
    p[k++] = tr_insn(TR_BNE, 2, 0, (int)(start - bne_pc));
    p[k++] = tr_insn(TR_OUT, 1, 0, 0);
    p[k++] = tr_insn(TR_HALT, 0, 0, 0);
    assert_int_equal(k, n);
    *len = n;
    return p;
}

static void run_tiny_cache(const JitBackend *backend, uint64_t step)
{
    size_t len;
    uint32_t *prog = many_blocks(&len);
    ToyRig rig;
    ExecConfig cfg = { .tb_size = 16 << 10, .optimize = true };
    toyrig_init(&rig, backend, &cfg);
    ToyRef *ref = toyref_new();
    toyrig_load(&rig, ENTRY, prog, len);
    toyref_load(ref, ENTRY, prog, len);
    rig.cpu.pc = ref->pc = ENTRY;

    int expect, got;
    do {
        cpu_set_icount_limit(&rig.cpu.parent, cpu_icount(&rig.cpu.parent) + step);
        expect = toyref_step(ref, step);
        got = cpu_exec(&rig.cpu.parent);
        assert_int_equal(got, expect == TOYREF_DONE ? EXCP_BUDGET : expect);
    } while (expect == TOYREF_DONE);
    assert_int_equal(got, TOY_EXCP_HALT);
    toyrig_assert_same(&rig, ref);
    /* 3 * (1 + 3 * 600) / 2 */
    assert_int_equal(rig.cpu.out[0], 3 * NB_BLOCKS * (NB_BLOCKS + 1) / 2);
    /* 600 distinct blocks do not fit: the cache was flushed, repeatedly. */
    assert_true(rig.ctx.stats.flushes >= 3);
    assert_true(rig.ctx.stats.tbs_translated > 3 * NB_BLOCKS);
    toyrig_destroy(&rig);
    toyref_free(ref);
    free(prog);
}

static void test_tiny_cache_flushes(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        run_tiny_cache(toy_test_backend(b), UINT64_MAX / 2);
        run_tiny_cache(toy_test_backend(b), 13);
    }
}

static void test_explicit_flush(void **state)
{
    (void)state;
    size_t len;
    uint32_t *prog = many_blocks(&len);
    for (int b = 0; b < 2; b++) {
        ToyRig rig;
        toyrig_init(&rig, toy_test_backend(b), NULL);
        toyrig_load(&rig, ENTRY, prog, len);
        rig.cpu.pc = ENTRY;
        cpu_set_icount_limit(&rig.cpu.parent, 101);
        assert_int_equal(cpu_exec(&rig.cpu.parent), EXCP_BUDGET);
        uint64_t translated = rig.ctx.stats.tbs_translated;
        assert_true(translated > 0);
        assert_int_equal(rig.ctx.nb_tbs, translated);
        assert_int_equal(rig.ctx.stats.flushes, 0);

        tb_flush(&rig.ctx);
        assert_int_equal(rig.ctx.stats.flushes, 1);
        assert_int_equal(rig.ctx.nb_tbs, 0);
        assert_int_equal(rig.ctx.cb.used, rig.ctx.cb.reserved);
        assert_int_equal(rig.ctx.cb.data_used, 0);
        assert_false(tb_page_has_code(&rig.ctx, ENTRY));
        uint32_t cf = toy_test_backend(b) == &jit_backend_interp ? CF_INTERP : 0;
        assert_null(tb_lookup(&rig.cpu.parent, ENTRY + 4, 0, cf));

        cpu_set_icount_limit(&rig.cpu.parent, UINT64_MAX);
        assert_int_equal(cpu_exec(&rig.cpu.parent), TOY_EXCP_HALT);
        assert_int_equal(rig.cpu.out[0], 3 * NB_BLOCKS * (NB_BLOCKS + 1) / 2);
        assert_int_equal(cpu_icount(&rig.cpu.parent), 1 + 3 * (2 * NB_BLOCKS + 2) + 1);
        toyrig_destroy(&rig);
    }
    free(prog);
}

/* Two vCPUs on one tiny cache, in two threads: each flush must wait for
 * the other vCPU to leave generated code, and both still compute the
 * reference's results. */
typedef struct Worker {
    ToyCPU cpu;
    int excp;
} Worker;

static void *worker_main(void *arg)
{
    Worker *w = arg;
    w->excp = cpu_exec(&w->cpu.parent);
    return NULL;
}

static void test_flush_with_two_vcpus(void **state)
{
    (void)state;
    size_t len;
    uint32_t *prog = many_blocks(&len);
    for (int b = 0; b < 2; b++) {
        ExecContext ctx;
        ExecConfig cfg = { .tb_size = 16 << 10, .backend = toy_test_backend(b),
                           .code_read = toy_code_read, .chain_cross_page = true };
        assert_int_equal(exec_init(&ctx, &toy_target, &cfg), 0);
        Worker w[2];
        pthread_t th[2];
        for (int i = 0; i < 2; i++) {
            assert_int_equal(toy_cpu_init(&w[i].cpu), 0);
            assert_int_equal(cpu_exec_init(&w[i].cpu.parent, &ctx), 0);
            for (size_t k = 0; k < len; k++)
                memcpy(w[i].cpu.mem + ENTRY + 4 * k, &prog[k], 4);
            w[i].cpu.pc = ENTRY;
            /* Different starting sums, so the outputs tell them apart. */
            w[i].cpu.regs[1] = 1000u * (uint32_t)i;
        }
        for (int i = 0; i < 2; i++)
            assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
        for (int i = 0; i < 2; i++)
            pthread_join(th[i], NULL);
        for (int i = 0; i < 2; i++) {
            assert_int_equal(w[i].excp, TOY_EXCP_HALT);
            assert_int_equal(w[i].cpu.nb_out, 1);
            assert_int_equal(w[i].cpu.out[0],
                             1000u * (uint32_t)i + 3 * NB_BLOCKS * (NB_BLOCKS + 1) / 2);
            assert_int_equal(cpu_icount(&w[i].cpu.parent), 1 + 3 * (2 * NB_BLOCKS + 2) + 1);
        }
        assert_true(ctx.stats.flushes >= 3);
        assert_int_equal(ctx.nb_running, 0);
        assert_false(ctx.flush_pending);
        for (int i = 0; i < 2; i++) {
            cpu_exec_destroy(&w[i].cpu.parent);
            toy_cpu_destroy(&w[i].cpu);
        }
        exec_destroy(&ctx);
    }
    free(prog);
}

/* No mapping of this process is writable and executable at once, while
 * generated code exists. */
static void test_no_writable_executable_mapping(void **state)
{
    (void)state;
    ToyRig rig;
    toyrig_init(&rig, &jit_backend_x86_64, NULL);
    size_t len;
    uint32_t *prog = many_blocks(&len);
    toyrig_load(&rig, ENTRY, prog, len);
    rig.cpu.pc = ENTRY;
    assert_int_equal(cpu_exec(&rig.cpu.parent), TOY_EXCP_HALT);
    assert_true(rig.ctx.cb.used > rig.ctx.cb.reserved);

    FILE *maps = fopen("/proc/self/maps", "r");
    assert_non_null(maps);
    char line[512];
    int nb_lines = 0;
    bool saw_rx = false;
    while (fgets(line, sizeof(line), maps)) {
        unsigned long lo, hi;
        char perms[5] = "";
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3)
            continue;
        nb_lines++;
        if (perms[1] == 'w' && perms[2] == 'x')
            fail_msg("writable and executable mapping: %s", line);
        if (lo <= (uintptr_t)rig.ctx.cb.rx && (uintptr_t)rig.ctx.cb.rx < hi)
            saw_rx = perms[0] == 'r' && perms[1] == '-' && perms[2] == 'x';
    }
    fclose(maps);
    assert_true(nb_lines > 0);
    assert_true(saw_rx);
    toyrig_destroy(&rig);
    free(prog);
}

static void test_codebuf(void **state)
{
    (void)state;
    CodeBuf cb;
    assert_int_equal(codebuf_init(&cb, 10000, 5000), 0);
    assert_int_equal(cb.size % 4096, 0);
    assert_true(cb.size >= 10000);
    assert_true(cb.data_size >= 5000);
    assert_true(cb.rx != cb.rw);

    /* Alignment and bumping. */
    uint8_t *a = codebuf_claim(&cb, 3, 1);
    assert_ptr_equal(a, cb.rx);
    codebuf_rw_addr(&cb, a)[0] = 0x90;
    uint8_t *b = codebuf_claim(&cb, 10, 16);
    assert_ptr_equal(b, cb.rx + 16);
    assert_int_equal(cb.used, 26);
    assert_true(codebuf_contains(&cb, (uintptr_t)b + 9));
    assert_false(codebuf_contains(&cb, (uintptr_t)cb.rx + 26));

    /* The two views alias the same bytes. */
    uint8_t *w = codebuf_rw_addr(&cb, b);
    w[0] = 0xc3;
    w[9] = 0x5a;
    assert_int_equal(b[0], 0xc3);
    assert_int_equal(b[9], 0x5a);

    /* Filling up: a claim that does not fit fails and changes nothing. */
    size_t avail = codebuf_avail(&cb);
    assert_null(codebuf_claim(&cb, avail + 1, 1));
    assert_int_equal(codebuf_avail(&cb), avail);
    assert_non_null(codebuf_claim(&cb, avail, 1));
    assert_int_equal(codebuf_avail(&cb), 0);
    assert_null(codebuf_claim(&cb, 1, 1));

    /* Metadata arena. */
    uint8_t *d1 = codebuf_data_alloc(&cb, 5, 1);
    uint64_t *d2 = codebuf_data_alloc(&cb, 16, 8);
    assert_non_null(d1);
    assert_non_null(d2);
    assert_int_equal((uintptr_t)d2 % 8, 0);
    assert_ptr_equal(d2, cb.data + 8);
    d2[1] = 7;
    assert_null(codebuf_data_alloc(&cb, cb.data_size, 1));

    /* Reset keeps the reserved prefix. */
    cb.reserved = 16;
    codebuf_reset(&cb);
    assert_int_equal(cb.used, 16);
    assert_int_equal(cb.data_used, 0);
    assert_ptr_equal(codebuf_claim(&cb, 4, 4), cb.rx + 16);
    assert_int_equal(a[0], 0x90);   /* the reserved bytes are untouched */
    codebuf_destroy(&cb);
    assert_null(cb.rx);
    assert_int_equal(codebuf_init(&cb, 0, 100), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_cache_flushes),
        cmocka_unit_test(test_explicit_flush),
        cmocka_unit_test(test_flush_with_two_vcpus),
        cmocka_unit_test(test_no_writable_executable_mapping),
        cmocka_unit_test(test_codebuf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
