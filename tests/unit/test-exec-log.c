/*
 * The core's -d log sites: in_asm, op, op_opt, out_asm (capstone), exec,
 * cpu and nochain, written to a -D file, on both backends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toy-ref.h"
#include "util/log.h"

/* Two blocks: the loop body chains to itself. */
static const uint32_t loop_prog[] = {
    tr_insn(TR_LI, 1, 0, 10),
    tr_insn(TR_ADDI, 1, 1, -1),
    tr_insn(TR_BNE, 1, 0, -4),
    tr_insn(TR_HALT, 0, 0, 0),
};

static char *run_logged(const JitBackend *backend, uint32_t mask)
{
    char path[] = "/tmp/mimic-test-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    assert_int_equal(log_set_file(path, err, sizeof(err)), 0);
    log_set_mask(mask);

    ToyRig rig;
    ExecConfig cfg = { .tb_size = 1u << 20, .optimize = true };
    toyrig_init(&rig, backend, &cfg);
    toyrig_load(&rig, 0, loop_prog, sizeof(loop_prog) / sizeof(loop_prog[0]));
    assert_int_equal(cpu_exec(&rig.cpu.parent), TOYREF_EXCP_HALT);
    toyrig_destroy(&rig);

    log_set_mask(0);
    assert_int_equal(log_set_file(NULL, err, sizeof(err)), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    unlink(path);
    return buf;
}

static unsigned count(const char *text, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_translation_items(void **state)
{
    (void)state;
    const char *log = run_logged(&jit_backend_x86_64,
                                 LOG_IN_ASM | LOG_OP | LOG_OP_OPT | LOG_OUT_ASM);
    /* Blocks at 0, at 4 (loop body) and at 0xc (halt). */
    assert_int_equal(count(log, "IN: pc 0x"), 3);
    assert_non_null(strstr(log, "IN: pc 0x4, 2 instructions, 8 bytes"));
    assert_int_equal(count(log, "OP: pc 0x"), 3);
    assert_int_equal(count(log, "OP after optimization and liveness: pc 0x"), 3);
    assert_non_null(strstr(log, "insn_start pc=0x4"));
    assert_non_null(strstr(log, "goto_tb 0"));
    assert_int_equal(count(log, "OUT: pc 0x"), 3);
    /* The budget check every block starts with, disassembled. */
    assert_int_equal(count(log, "cmp word ptr [r14 + 2], 0"), 3);
    assert_int_equal(count(log, "sub word ptr [r14], "), 3);
    assert_null(strstr(log, "Trace "));
}

static void test_exec_items(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        const JitBackend *backend = toy_test_backend(i);
        /* Chained: the loop proper enters the first block, the loop body
         * twice (before its exit to itself is chained, and once more when
         * it is) and the halt block; chained entries are not traced. */
        const char *log = run_logged(backend, LOG_EXEC);
        assert_int_equal(count(log, "Trace 0: "), 4);
        assert_null(strstr(log, "IN: "));
        /* nochain: every entry shows: the first block, 9 iterations of
         * the body, halt. */
        log = run_logged(backend, LOG_EXEC | LOG_NOCHAIN);
        assert_int_equal(count(log, "Trace 0: "), 11);
        /* -d cpu: the state before each block entered from the loop. */
        log = run_logged(backend, LOG_CPU | LOG_NOCHAIN);
        assert_int_equal(count(log, "pc=0000000"), 11);
        assert_non_null(strstr(log, "pc=00000004\nr0 =00000000 r1 =00000009"));
        assert_non_null(strstr(log, "pc=0000000c\nr0 =00000000 r1 =00000000"));
    }
}

static void test_interp_out_asm(void **state)
{
    (void)state;
    const char *log = run_logged(&jit_backend_interp, LOG_OUT_ASM);
    assert_int_equal(count(log, ", interp backend, "), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_translation_items),
        cmocka_unit_test(test_exec_items),
        cmocka_unit_test(test_interp_out_asm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
