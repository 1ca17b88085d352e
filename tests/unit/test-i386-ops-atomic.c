/*
 * i386 XADD, CMPXCHG and CMPXCHG8B, and LOCK on them and on BTS/BTR.
 *
 * Against the host CPU (tests/oracle/): every form (register, memory,
 * LOCK memory) at every size over edge values, equal and unequal
 * compares, the accumulator as destination, CMPXCHG8B with a register
 * operand (#UD) and LOCK on register forms (#UD).
 *
 * Atomicity, which one thread cannot show: several host threads, each
 * running its own vCPU on one translation context and one guest memory,
 * update shared counters with LOCK XADD, a LOCK CMPXCHG retry loop, a
 * LOCK CMPXCHG8B retry loop on a 64-bit counter, and a spin lock made of
 * LOCK BTS / LOCK BTR around a plain increment.  The final counts are
 * computed independently (threads x iterations); any lost update shows.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../oracle/ops-check.h"
#include "jit/backend.h"

static OpsChecker checker;

#define MEM_OFF 0x300u

static int setup(void **state)
{
    (void)state;
    return ops_checker_init(&checker) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ops_checker_destroy(&checker);
    return 0;
}

static void put32(OracleCase *c, uint32_t off, uint32_t lo, uint32_t hi)
{
    uint8_t b[8];
    for (int i = 0; i < 4; i++) {
        b[i] = (uint8_t)(lo >> (8 * i));
        b[4 + i] = (uint8_t)(hi >> (8 * i));
    }
    oracle_case_patch(c, off, b, 8);
}

enum { FORM_REG, FORM_MEM, FORM_LOCK_MEM };

/* XADD or CMPXCHG (opc 0xc0 / 0xb0 + size bit) with destination EDX
 * (or DH, BL-numbered 6, for bytes), [EBX] or LOCK [EBX], source ECX. */
static void check_rmw(uint8_t opc, unsigned ot, int form, int dest_reg, uint32_t acc,
                      uint32_t dest, uint32_t src, uint32_t flags)
{
    OracleCase c;
    uint8_t code[6];
    unsigned n = 0;
    if (form == FORM_LOCK_MEM)
        code[n++] = 0xf0;
    if (ot == IR_MO_16)
        code[n++] = 0x66;
    code[n++] = 0x0f;
    code[n++] = (uint8_t)(opc | (ot != IR_MO_8));
    code[n++] = (uint8_t)((form == FORM_REG ? 0xc0 : 0x00) | R_ECX << 3 |
                          (form == FORM_REG ? dest_reg : R_EBX));
    oracle_case_init(&c, code, n);
    c.eflags = flags;
    c.regs[R_EAX] = acc;
    c.regs[R_ECX] = src;
    c.regs[R_EBX] = ORACLE_DATA_ADDR + MEM_OFF;
    put32(&c, MEM_OFF, dest, 0x11223344);
    if (form == FORM_REG) {
        if (ot == IR_MO_8 && dest_reg >= 4)
            c.regs[dest_reg - 4] = (c.regs[dest_reg - 4] & 0xffff00ffu) | (dest & 0xff) << 8;
        else if (dest_reg != R_EBX)
            c.regs[dest_reg] = dest;
    }
    ops_check(&checker, &c);
}

static void test_xadd_cmpxchg_forms(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint32_t values[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                       0x7fffffff, 0x80000000, 0xffffffff };
    const size_t nv = sizeof(values) / sizeof(values[0]);
    for (int op = 0; op < 2; op++) {
        uint8_t opc = op ? 0xb0 : 0xc0;
        for (unsigned ot = IR_MO_8; ot <= IR_MO_32; ot++) {
            for (int form = FORM_REG; form <= FORM_LOCK_MEM; form++) {
                for (size_t a = 0; a < nv; a++) {
                    for (size_t b = 0; b < nv; b++) {
                        /* CMPXCHG: equal compares half of the time. */
                        uint32_t acc = values[(a + b) % nv];
                        uint32_t dest = op && (a & 1) ? acc : values[b];
                        int reg = ot == IR_MO_8 ? 6 /* DH */ : R_EDX;
                        check_rmw(opc, ot, form, reg, acc, dest, values[a],
                                  (a + b) & 1 ? I386_CC_MASK : 0);
                    }
                }
            }
            /* The accumulator (and the source) as the destination. */
            for (size_t a = 0; a < nv; a++) {
                check_rmw(opc, ot, FORM_REG, R_EAX, values[a], values[a], 0x12345678, 0);
                check_rmw(opc, ot, FORM_REG, R_ECX, values[a], values[a], values[nv - 1 - a],
                          0);
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

static void test_cmpxchg8b_forms(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint32_t values[] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff };
    const size_t nv = sizeof(values) / sizeof(values[0]);
    for (int lock = 0; lock < 2; lock++) {
        for (size_t lo = 0; lo < nv; lo++) {
            for (size_t hi = 0; hi < nv; hi++) {
                for (int equal = 0; equal < 3; equal++) {
                    OracleCase c;
                    uint8_t code[4];
                    unsigned n = 0;
                    if (lock)
                        code[n++] = 0xf0;
                    code[n++] = 0x0f;
                    code[n++] = 0xc7;
                    code[n++] = 0x0e;   /* /1 [esi] */
                    oracle_case_init(&c, code, n);
                    put32(&c, MEM_OFF, values[lo], values[hi]);
                    c.regs[R_ESI] = ORACLE_DATA_ADDR + MEM_OFF;
                    /* equal: both halves; 1: low differs; 2: high differs */
                    c.regs[R_EAX] = values[lo] ^ (equal == 1 ? 0x100 : 0);
                    c.regs[R_EDX] = values[hi] ^ (equal == 2 ? 0x80000000 : 0);
                    c.regs[R_EBX] = 0xaaaa5555;
                    c.regs[R_ECX] = 0x12345678;
                    c.eflags = (lo + hi + (unsigned)equal) & 1 ? I386_CC_MASK : 0;
                    ops_check(&checker, &c);
                }
            }
        }
    }
    assert_int_equal(checker.failures, before);
}

/* #UD: CMPXCHG8B with a register operand; LOCK on register forms. */
static void test_invalid_forms(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t cases[][5] = {
        { 3, 0x0f, 0xc7, 0xc8 },         /* cmpxchg8b eax */
        { 4, 0xf0, 0x0f, 0xc7, 0xc9 },   /* lock cmpxchg8b ecx */
        { 4, 0xf0, 0x0f, 0xc1, 0xc3 },   /* lock xadd ebx,eax */
        { 4, 0xf0, 0x0f, 0xb1, 0xd3 },   /* lock cmpxchg ebx,edx */
        { 4, 0xf0, 0x0f, 0xab, 0xc3 },   /* lock bts ebx,eax */
        { 4, 0xf0, 0x0f, 0xa3, 0x03 },   /* lock bt [ebx],eax */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        OracleCase c;
        oracle_case_init(&c, &cases[i][1], cases[i][0]);
        c.regs[R_EBX] = ORACLE_DATA_ADDR + MEM_OFF;
        ops_check(&checker, &c);
        assert_int_equal(checker.last.status, ORACLE_FAULT);
        assert_int_equal(checker.last.vector, I386_EXCP_UD);
    }
    assert_int_equal(checker.failures, before);
}

/* EFLAGS.AC: misaligned accesses of these groups are #AC at CPL 3,
 * locked or not (CMPXCHG8B: 8-byte alignment); aligned ones are not. */
static void test_alignment_check(void **state)
{
    (void)state;
    unsigned before = checker.failures;
    static const uint8_t cases[][7] = {
        { 5, 0xf0, 0x0f, 0xc1, 0x43, 0x01 },         /* lock xadd [ebx+1],eax */
        { 5, 0xf0, 0x0f, 0xc1, 0x43, 0x04 },         /* lock xadd [ebx+4],eax */
        { 4, 0x0f, 0xc1, 0x43, 0x02 },               /* xadd [ebx+2],eax */
        { 6, 0xf0, 0x66, 0x0f, 0xb1, 0x4b, 0x01 },   /* lock cmpxchg [ebx+1],cx */
        { 6, 0xf0, 0x66, 0x0f, 0xb1, 0x4b, 0x02 },   /* lock cmpxchg [ebx+2],cx */
        { 5, 0xf0, 0x0f, 0xb0, 0x4b, 0x03 },         /* lock cmpxchg [ebx+3],cl */
        { 5, 0xf0, 0x0f, 0xc7, 0x4b, 0x04 },         /* lock cmpxchg8b [ebx+4] */
        { 5, 0xf0, 0x0f, 0xc7, 0x4b, 0x08 },         /* lock cmpxchg8b [ebx+8] */
        { 4, 0x0f, 0xc7, 0x4b, 0x01 },               /* cmpxchg8b [ebx+1] */
        { 5, 0xf0, 0x0f, 0xab, 0x43, 0x01 },         /* lock bts [ebx+1],eax */
        { 4, 0x0f, 0xb3, 0x43, 0x02 },               /* btr [ebx+2],eax */
        { 6, 0xf0, 0x0f, 0xba, 0x7b, 0x03, 0x05 },   /* lock btc dword [ebx+3],5 */
        { 4, 0xd1, 0x63, 0x01, 0x90 },               /* shl dword [ebx+1],1 */
        { 2, 0xf3, 0xa5 },                           /* rep movsd, esi misaligned */
        { 3, 0x66, 0xf3, 0xab },                     /* rep stosw, edi aligned */
        { 2, 0xf3, 0xa6 },                           /* repe cmpsb: bytes */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int ac = 0; ac < 2; ac++) {
            OracleCase c;
            oracle_case_init(&c, &cases[i][1], cases[i][0]);
            c.eflags = ac ? ORACLE_EFLAGS_AC : 0;
            c.regs[R_EBX] = ORACLE_DATA_ADDR + MEM_OFF;
            c.regs[R_ECX] = 3;
            c.regs[R_ESI] = ORACLE_DATA_ADDR + MEM_OFF + 0x101;
            c.regs[R_EDI] = ORACLE_DATA_ADDR + MEM_OFF + 0x200;
            ops_check(&checker, &c);
        }
        /* The checks above covered #AC: the first two must fault. */
        if (i == 0)
            assert_int_equal(checker.last.vector, I386_EXCP_AC);
    }
    assert_int_equal(checker.failures, before);
}

/* ---------------------------------------------------------------------
 * Several vCPUs on host threads.
 */
#define NB_THREADS 4

typedef struct Worker {
    pthread_t thread;
    I386CPU cpu;
    uint32_t regs[8];
    int excp;
} Worker;

static void *worker_main(void *arg)
{
    Worker *w = arg;
    memcpy(w->cpu.regs, w->regs, sizeof(w->regs));
    w->cpu.eip = ORACLE_CODE_ADDR;
    w->excp = cpu_exec(&w->cpu.parent);
    return NULL;
}

/*
 * Runs code on NB_THREADS vCPUs at once (each starting with regs, ecx
 * or edi as the iteration count given) until each reaches the final HLT;
 * returns the guest space so the caller can read the results.
 */
static uint8_t *run_threads(const JitBackend *backend, const uint8_t *code, size_t len,
                            uint32_t (*init_regs)(int reg, uint32_t iterations),
                            uint32_t iterations, const void *mem_init, size_t mem_len)
{
    uint8_t *space = i386_rig_space_new();
    assert_non_null(space);
    memcpy(space + ORACLE_CODE_ADDR, code, len);
    memcpy(space + ORACLE_DATA_ADDR, mem_init, mem_len);
    ExecContext ctx;
    ExecConfig cfg = { .tb_size = 1u << 20, .backend = backend, .optimize = true };
    assert_int_equal(exec_init(&ctx, &i386_target, &cfg), 0);
    static Worker workers[NB_THREADS];
    for (int t = 0; t < NB_THREADS; t++) {
        Worker *w = &workers[t];
        i386_cpu_init(&w->cpu, NULL);
        w->cpu.parent.guest_base = space;
        w->cpu.parent.cpu_index = t;
        assert_int_equal(cpu_exec_init(&w->cpu.parent, &ctx), 0);
        for (int r = 0; r < 8; r++)
            w->regs[r] = init_regs(r, iterations);
    }
    for (int t = 0; t < NB_THREADS; t++)
        assert_int_equal(pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]), 0);
    for (int t = 0; t < NB_THREADS; t++) {
        pthread_join(workers[t].thread, NULL);
        /* Every vCPU ends at the HLT: #GP at the last byte of the code. */
        assert_int_equal(workers[t].excp, I386_EXCP_GP);
        assert_int_equal(workers[t].cpu.eip, ORACLE_CODE_ADDR + len - 1);
    }
    for (int t = 0; t < NB_THREADS; t++)
        cpu_exec_destroy(&workers[t].cpu.parent);
    exec_destroy(&ctx);
    return space;
}

static uint32_t read32(const uint8_t *space, uint32_t off)
{
    uint32_t v;
    memcpy(&v, space + ORACLE_DATA_ADDR + off, 4);
    return v;
}

/* Counter at the start of the window in EBX and ESI, count in ECX and
 * EDI. */
static uint32_t counter_regs(int reg, uint32_t iterations)
{
    switch (reg) {
    case R_EBX:
    case R_ESI: return ORACLE_DATA_ADDR;
    case R_ECX:
    case R_EDI: return iterations;
    case R_ESP: return ORACLE_DATA_ADDR + 0x8000;
    default: return 0;
    }
}

static const uint8_t xadd_loop[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00,   /* 0:  mov eax,1 */
    0xf0, 0x0f, 0xc1, 0x03,         /* 5:  lock xadd [ebx],eax */
    0x49,                           /* 9:  dec ecx */
    0x75, 0xf4,                     /* 10: jnz 0 */
    0xf4,                           /* 12: hlt */
};

static const uint8_t cmpxchg_loop[] = {
    0x8b, 0x03,                     /* 0:  mov eax,[ebx] */
    0x8d, 0x50, 0x01,               /* 2:  lea edx,[eax+1] */
    0xf0, 0x0f, 0xb1, 0x13,         /* 5:  lock cmpxchg [ebx],edx */
    0x75, 0xf7,                     /* 9:  jnz 2 (eax has the new value) */
    0x49,                           /* 11: dec ecx */
    0x75, 0xf2,                     /* 12: jnz 0 */
    0xf4,                           /* 14: hlt */
};

static const uint8_t cmpxchg8b_loop[] = {
    0x8b, 0x06,                     /* 0:  mov eax,[esi] */
    0x8b, 0x56, 0x04,               /* 2:  mov edx,[esi+4] */
    0x89, 0xc3,                     /* 5:  mov ebx,eax */
    0x89, 0xd1,                     /* 7:  mov ecx,edx */
    0x83, 0xc3, 0x01,               /* 9:  add ebx,1 */
    0x83, 0xd1, 0x00,               /* 12: adc ecx,0 */
    0xf0, 0x0f, 0xc7, 0x0e,         /* 15: lock cmpxchg8b [esi] */
    0x75, 0xf0,                     /* 19: jnz 5 */
    0x4f,                           /* 21: dec edi */
    0x75, 0xe8,                     /* 22: jnz 0 */
    0xf4,                           /* 24: hlt */
};

static const uint8_t spinlock_loop[] = {
    0xf0, 0x0f, 0xba, 0x2e, 0x00,   /* 0:  lock bts dword [esi],0 */
    0x72, 0xf9,                     /* 5:  jc 0 */
    0xff, 0x46, 0x08,               /* 7:  inc dword [esi+8] (not atomic) */
    0xf0, 0x0f, 0xba, 0x36, 0x00,   /* 10: lock btr dword [esi],0 */
    0x49,                           /* 15: dec ecx */
    0x75, 0xee,                     /* 16: jnz 0 */
    0xf4,                           /* 18: hlt */
};

static void check_threaded(const JitBackend *backend, uint32_t iterations)
{
    const uint32_t total = NB_THREADS * iterations;
    uint8_t zero[16] = { 0 };

    uint8_t *space = run_threads(backend, xadd_loop, sizeof(xadd_loop), counter_regs,
                                 iterations, zero, sizeof(zero));
    assert_int_equal(read32(space, 0), total);
    i386_rig_space_free(space);

    space = run_threads(backend, cmpxchg_loop, sizeof(cmpxchg_loop), counter_regs,
                        iterations, zero, sizeof(zero));
    assert_int_equal(read32(space, 0), total);
    i386_rig_space_free(space);

    /* Starts just below 2^32 so the count carries into the high half. */
    uint8_t start64[8] = { 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00 };
    space = run_threads(backend, cmpxchg8b_loop, sizeof(cmpxchg8b_loop), counter_regs,
                        iterations, start64, sizeof(start64));
    uint64_t count64 = (uint64_t)read32(space, 4) << 32 | read32(space, 0);
    assert_true(count64 == 0xffff0000ull + total);
    i386_rig_space_free(space);

    space = run_threads(backend, spinlock_loop, sizeof(spinlock_loop), counter_regs,
                        iterations, zero, sizeof(zero));
    assert_int_equal(read32(space, 8), total);
    assert_int_equal(read32(space, 0), 0);   /* the lock is free again */
    i386_rig_space_free(space);
}

static void test_threads_x86_64(void **state)
{
    (void)state;
    check_threaded(&jit_backend_x86_64, 100000);
}

static void test_threads_interpreter(void **state)
{
    (void)state;
    check_threaded(&jit_backend_interp, 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xadd_cmpxchg_forms),
        cmocka_unit_test(test_cmpxchg8b_forms),
        cmocka_unit_test(test_invalid_forms),
        cmocka_unit_test(test_alignment_check),
        cmocka_unit_test(test_threads_x86_64),
        cmocka_unit_test(test_threads_interpreter),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
