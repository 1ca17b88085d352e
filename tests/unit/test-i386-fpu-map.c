/*
 * The whole x87 opcode map against the host: every register form
 * (D8-DF C0-FF) and every memory form (D8-DF /0-/7) is run natively and
 * through mimic on both backends.  The host decides which encodings
 * exist (#UD where it raises SIGILL), which are control instructions
 * (those that leave the last-instruction pointer alone), and every bit
 * of the result; i386_fpu_classify and the translator must agree.
 *
 * Also: the CPU model gates FCMOVcc/FCOMI (CMOV), FISTTP (SSE3) and
 * FXSAVE/FXRSTOR (FXSR); the thunk cache makes one thunk per encoding,
 * is safe from several threads, and survives fork().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i386-fpu-rig.h"
#include "targets/i386/fpu-insn.h"

#define CPUID_ECX_SSE3 1u
#define ENV_AT 0x200u       /* where the trailing FNSTENV stores */

/* Two values on the stack (1 and pi) and nothing pending, pointers 0. */
static void two_value_state(uint8_t fx[512])
{
    uint8_t init[512] __attribute__((aligned(16)));
    fx_init_state(init, 0x37f);
    static const uint8_t push2[] = { 0xd9, 0xe8, 0xd9, 0xeb };   /* fld1; fldpi */
    static NativeOut no;
    static uint8_t scratch[16];
    native_run(push2, sizeof(push2), init, scratch, 0, &no);
    assert_int_equal(no.sig, 0);
    memcpy(fx, no.fx, 512);
    memset(fx + I386_FX_FOP, 0, 24 - I386_FX_FOP);
}

static void fill_data(uint8_t *data)
{
    for (unsigned i = 0; i < RIG_DATA_SIZE; i += 8) {
        double d = 1.5 + i;
        memcpy(data + i, &d, 8);
    }
}

/* One encoding: op, ModRM (a memory form addresses [ebx]). */
static void check_encoding(FpuRig rigs[2], const uint8_t *fx, uint8_t op, uint8_t modrm)
{
    bool mem = (modrm >> 6) != 3;
    const uint8_t code[] = { op, modrm, 0xd9, 0xb3, ENV_AT & 0xff, ENV_AT >> 8, 0, 0 };
    const uint32_t flags = I386_CF | I386_PF;
    static uint8_t ndata[RIG_DATA_SIZE];
    fill_data(ndata);
    static NativeOut no;
    native_run(code, sizeof(code), fx, ndata, flags, &no);
    unsigned cls = i386_fpu_classify(op, modrm);
    char what[40];
    snprintf(what, sizeof(what), "%02x %02x", op, modrm);

    if (no.sig == SIGILL) {
        if (cls & I386_FPU_VALID)
            fail_msg("%s: the host raises #UD, classify says valid", what);
        for (int b = 0; b < 2; b++) {
            assert_int_equal(rig_run(&rigs[b], code, sizeof(code), fx, flags), I386_EXCP_UD);
            assert_int_equal(rigs[b].cpu->eip, RIG_CODE);
        }
        return;
    }
    if (no.sig)
        fail_msg("%s: native run got signal %d", what, no.sig);
    if (!(cls & I386_FPU_VALID))
        fail_msg("%s: the host runs it, classify says #UD", what);

    /* Natively, a non-control instruction points FIP (low 32 bits of
     * its address) and, with a memory operand, FDP at itself. */
    const uint8_t *nenv = ndata + ENV_AT;
    bool native_control = fx_get32(nenv, 12) != (uint32_t)native_code_start;
    if (native_control != !!(cls & I386_FPU_CONTROL))
        fail_msg("%s: control %d natively, %d in classify", what, native_control,
                 !!(cls & I386_FPU_CONTROL));
    if (!native_control && mem && fx_get32(nenv, 20) != (uint32_t)(uintptr_t)ndata)
        fail_msg("%s: the host did not point FDP at the operand", what);
    if (!native_control)
        assert_int_equal(fx_get16(nenv, 18), ((op & 7) << 8) | modrm);

    for (int b = 0; b < 2; b++) {
        FpuRig *r = &rigs[b];
        uint8_t *g = r->mem + RIG_DATA;
        fill_data(g);
        int excp = rig_run(r, code, sizeof(code), fx, flags);
        if (excp != I386_EXCP_BP)
            fail_msg("%s backend %d: exception %d", what, b, excp);
        const uint8_t *gfx = r->cpu->fxstate;
        if (memcmp(gfx, no.fx, 6) || memcmp(gfx + 24, no.fx + 24, I386_FX_GUEST_SIZE - 24)) {
            print_message("%s backend %d: state differs\n", what, b);
            assert_fx_same_but_pointers(gfx, no.fx);
        }
        /* Memory equal except the trailing image's pointer fields. */
        const uint8_t *genv = g + ENV_AT;
        assert_memory_equal(g, ndata, ENV_AT + 12);
        assert_memory_equal(genv + 28, nenv + 28, RIG_DATA_SIZE - ENV_AT - 28);
        if (native_control) {
            /* Whatever the pointers were (0, or loaded by FLDENV and
             * FRSTOR), both sides report the same. */
            assert_memory_equal(genv + 12, nenv + 12, 16);
        } else {
            assert_int_equal(fx_get32(genv, 12), RIG_CODE);
            assert_int_equal(fx_get16(genv, 18), ((op & 7) << 8) | modrm);
            assert_int_equal(fx_get32(genv, 20), mem ? RIG_DATA : 0);
        }
        assert_int_equal(r->cpu->regs[R_EAX] & 0xffff, no.rax & 0xffff);
        assert_int_equal(i386_get_eflags(r->cpu) & I386_CC_MASK, no.rflags & I386_CC_MASK);
    }
}

static void test_register_forms(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rig_init(&rigs[0], 0, 0, CPUID_ECX_SSE3);
    rig_init(&rigs[1], 1, 0, CPUID_ECX_SSE3);
    uint8_t fx[512] __attribute__((aligned(16)));
    two_value_state(fx);
    for (unsigned op = 0xd8; op <= 0xdf; op++)
        for (unsigned m = 0xc0; m <= 0xff; m++)
            check_encoding(rigs, fx, (uint8_t)op, (uint8_t)m);
    rig_destroy(&rigs[0]);
    rig_destroy(&rigs[1]);
}

static void test_memory_forms(void **state)
{
    (void)state;
    FpuRig rigs[2];
    rig_init(&rigs[0], 0, 0, CPUID_ECX_SSE3);
    rig_init(&rigs[1], 1, 0, CPUID_ECX_SSE3);
    uint8_t fx[512] __attribute__((aligned(16)));
    two_value_state(fx);
    for (unsigned op = 0xd8; op <= 0xdf; op++)
        for (unsigned reg = 0; reg < 8; reg++)
            check_encoding(rigs, fx, (uint8_t)op, (uint8_t)(reg << 3 | 3));  /* [ebx] */
    rig_destroy(&rigs[0]);
    rig_destroy(&rigs[1]);
}

/* Instructions the model does not have raise #UD at the instruction. */
static void test_model_gates(void **state)
{
    (void)state;
    static const uint8_t needs_cmov[][2] = {
        { 0xda, 0xc1 }, { 0xdb, 0xd9 }, { 0xdb, 0xe9 }, { 0xdb, 0xf1 }, { 0xdf, 0xe9 },
        { 0xdf, 0xf1 },
    };
    static const uint8_t needs_sse3[][2] = { { 0xdb, 0x0b }, { 0xdd, 0x0b }, { 0xdf, 0x0b } };
    static const uint8_t fxsave[] = { 0x0f, 0xae, 0x03 };
    uint8_t fx[512] __attribute__((aligned(16)));
    two_value_state(fx);
    for (int b = 0; b < 2; b++) {
        FpuRig r;
        rig_init(&r, b, 0, 0);
        /* The default model has CMOV and FXSR: FCMOV/FCOMI/FXSAVE run;
         * no SSE3. */
        for (size_t i = 0; i < sizeof(needs_cmov) / 2; i++)
            assert_int_equal(rig_run(&r, needs_cmov[i], 2, fx, 0), I386_EXCP_BP);
        for (size_t i = 0; i < sizeof(needs_sse3) / 2; i++) {
            assert_int_equal(rig_run(&r, needs_sse3[i], 2, fx, 0), I386_EXCP_UD);
            assert_int_equal(r.cpu->eip, RIG_CODE);
        }
        assert_int_equal(rig_run(&r, fxsave, sizeof(fxsave), fx, 0), I386_EXCP_BP);
        rig_destroy(&r);

        rig_init(&r, b, 0, 0);
        r.model.features_edx &= ~(CPUID_CMOV | CPUID_FXSR);   /* a Pentium */
        for (size_t i = 0; i < sizeof(needs_cmov) / 2; i++) {
            assert_int_equal(rig_run(&r, needs_cmov[i], 2, fx, 0), I386_EXCP_UD);
            assert_int_equal(r.cpu->eip, RIG_CODE);
        }
        assert_int_equal(rig_run(&r, fxsave, sizeof(fxsave), fx, 0), I386_EXCP_UD);
        assert_int_equal(r.cpu->eip, RIG_CODE);
        rig_destroy(&r);
    }
}

/* One thunk per distinct encoding; memory forms share theirs whatever
 * the addressing mode. */
static void test_thunk_cache_dedup(void **state)
{
    (void)state;
    FpuRig r;
    rig_init(&r, 1, 0, 0);
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x37f);
    static const uint8_t a[] = { 0xdd, 0x03, 0xdd, 0x43, 8, 0xdd, 0x83, 0, 1, 0, 0,
                                 0xdd, 0x44, 0x23, 0x10 };   /* fld qword [ebx] .. [ebx+0x10] */
    assert_int_equal(rig_run(&r, a, sizeof(a), fx, 0), I386_EXCP_BP);
    unsigned n = i386_fpu_thunk_count();
    static const uint8_t b[] = { 0xdd, 0x46, 4, 0xdd, 0x05, 0, 0, 2, 0 };  /* [esi+4], [abs] */
    assert_int_equal(rig_run(&r, b, sizeof(b), fx, 0), I386_EXCP_BP);
    assert_int_equal(i386_fpu_thunk_count(), n);
    const uint8_t fld[] = { 0xdd, 0x06 };
    assert_ptr_equal(i386_fpu_thunk_get(fld, 2, I386_FPU_THUNK_SAVE),
                     i386_fpu_thunk_get(fld, 2, I386_FPU_THUNK_SAVE));
    assert_ptr_not_equal(i386_fpu_thunk_get(fld, 2, I386_FPU_THUNK_SAVE),
                         i386_fpu_thunk_get(fld, 2, 0));
    rig_destroy(&r);
}

/* Several threads asking for the same new thunks get the same ones. */
static void *thunk_worker(void *arg)
{
    I386FpuThunk **out = arg;
    for (unsigned m = 0; m < 64; m++) {
        const uint8_t insn[2] = { 0xdc, (uint8_t)(0xc0 + m) };
        out[m] = i386_fpu_thunk_get(insn, 2, I386_FPU_THUNK_SAVE | I386_FPU_THUNK_FLAGS_OUT);
    }
    return NULL;
}

static void test_thunk_cache_threads(void **state)
{
    (void)state;
    enum { NT = 4 };
    static I386FpuThunk *got[NT][64];
    pthread_t t[NT];
    for (int i = 0; i < NT; i++)
        assert_int_equal(pthread_create(&t[i], NULL, thunk_worker, got[i]), 0);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    for (int i = 1; i < NT; i++)
        assert_memory_equal(got[i], got[0], sizeof(got[0]));
    for (int m = 0; m < 64; m++)
        for (int k = m + 1; k < 64; k++)
            assert_ptr_not_equal(got[0][m], got[0][k]);
}

/* After fork, the child makes and runs new thunks at addresses the
 * parent may also use for its own: neither sees the other's. */
static void test_thunk_cache_fork(void **state)
{
    (void)state;
    uint8_t fx[512] __attribute__((aligned(16)));
    fx_init_state(fx, 0x37f);
    static const uint8_t fld1[] = { 0xd9, 0xe8 }, fldz[] = { 0xd9, 0xee };
    i386_fpu_thunk_get(fld1, 2, I386_FPU_THUNK_SAVE);   /* exists before the fork */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static const uint8_t fldpi[] = { 0xd9, 0xeb };
        I386FpuThunk *pi = i386_fpu_thunk_get(fldpi, 2, I386_FPU_THUNK_SAVE);
        I386FpuThunk *one = i386_fpu_thunk_get(fld1, 2, I386_FPU_THUNK_SAVE);
        usleep(20000);   /* let the parent write its thunk */
        pi(fx, NULL, 0);
        one(fx, NULL, 0);
        /* ST0 = 1 (exponent 0x3fff), ST1 = pi (0x4000). */
        _exit(fx_get16(fx, I386_FX_ST0 + 8) == 0x3fff &&
              fx_get16(fx, I386_FX_ST0 + 16 + 8) == 0x4000 ? 0 : 1);
    }
    I386FpuThunk *z = i386_fpu_thunk_get(fldz, 2, I386_FPU_THUNK_SAVE);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    z(fx, NULL, 0);
    assert_int_equal(fx_get16(fx, I386_FX_ST0 + 8), 0);   /* +0 */
    assert_int_equal(fx_get16(fx, I386_FX_FSW) >> 11 & 7, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_forms),
        cmocka_unit_test(test_memory_forms),
        cmocka_unit_test(test_model_gates),
        cmocka_unit_test(test_thunk_cache_dedup),
        cmocka_unit_test(test_thunk_cache_threads),
        cmocka_unit_test(test_thunk_cache_fork),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
