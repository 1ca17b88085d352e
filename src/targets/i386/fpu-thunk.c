/*
 * x87 by host passthrough: the thunks.
 *
 * The host is x86-64 and has the very x87 unit an i386 program would run
 * on natively.  Rather than model 80-bit arithmetic, precision and
 * rounding control, denormals, NaN payloads, the transcendental
 * instructions' exact results and the exception flags in C, mimic runs
 * each guest x87 instruction on the host: the translator emits a call to
 * a small piece of generated host code, a thunk, that
 *
 *      fxrstor [rdi]          load the guest's x87/SSE state (I386CPU.fxstate)
 *      <the instruction>      the guest's own opcode and ModRM, with a
 *                             memory operand rewritten to [rsi], where the
 *                             caller put guest_base + the linear address
 *      fxsave  [rdi]          store the new state back
 *      emms; fldcw [default]  give the host back the state the ABI requires
 *      ldmxcsr [default]      (empty stack, FCW 0x37f, MXCSR 0x1f80)
 *      ret
 *
 * so every result is bit-exact by construction.  One thunk exists per
 * distinct (instruction bytes, variant); with memory operands normalised
 * to [rsi] there are at most a few hundred, made on first use and cached
 * here for the life of the process.
 *
 * Faults.  A thunk is a leaf without a frame and never moves rsp around a
 * faulting instruction, so when a host signal hits inside it the return
 * address into the generated code (or the interpreter) that called it is
 * at [rsp]: the user-mode fault handler recovers the guest instruction
 * from there (fpu.h).  A pending unmasked x87 exception makes the host
 * raise #MF (SIGFPE) at the next waiting instruction, which is the
 * guest's instruction right after fxrstor, exactly where the guest would
 * take it; a memory operand at an address the guest may not touch faults
 * (SIGSEGV) on the same instruction.  Either way fxsave has not run, so
 * the guest state is unchanged, as after a fault on hardware.  An
 * exception the guest instruction itself raises is only recorded in the
 * saved status word, again as on hardware, where #MF comes at the next
 * waiting instruction: fxsave does not wait, and EMMS and FLDCW, which
 * do, run only when nothing is pending (otherwise FNINIT, which does not
 * wait, clears it first).
 *
 * Last-instruction pointers.  FXSAVE's FIP/FDP/FCS/FDS/FOP fields would
 * get the host's values (the thunk's address, the host segment
 * selectors) and AMD processors store them as zeros unless an exception
 * is pending; so a thunk that saves the state keeps bytes 6-23 of the
 * image as they were, and the translator writes the guest's values there
 * itself (translate-fpu.c).
 *
 * The buffer: W^X as in jit/codebuf.c, one memfd mapped read+execute
 * (where thunks run) and read+write (where they are written), reused
 * through CodeBuf.  Both views are MAP_SHARED, so after fork() parent
 * and child would write new thunks into the same pages: pthread_atfork
 * handlers give the child its own copy, mapped at the same addresses so
 * that its translated code keeps working.
 */
#include "targets/i386/fpu-thunk.h"
#include "targets/i386/thunk-emit.h"

#include <cpuid.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "jit/codebuf.h"
#include "targets/i386/cpu.h"
#include "targets/i386/fpu.h"
#include "util/error.h"

/* Every (opcode, ModRM) of D8-DF with memory operands normalised is at
 * most 8 * (64 + 8) = 576 encodings, a few more with 66h, FXSAVE/FXRSTOR,
 * FWAIT and the state-conversion thunks of fpu-state.c; a thunk is under
 * 128 bytes. */
#define THUNK_CODE_SIZE (4u << 20)   /* with the SSE thunks (sse-thunk.c) */
#define THUNK_TABLE_BITS 12
#define THUNK_TABLE_SIZE (1u << THUNK_TABLE_BITS)
#define THUNK_MAX_BYTES 192
#define MXCSR_DEFAULT 0x1f80u
#define FCW_DEFAULT 0x37fu
/* Where the defaults are, from the buffer's start. */
#define THUNK_CONST_MXCSR 0
#define THUNK_CONST_FCW 4

static pthread_once_t thunk_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t thunk_lock = PTHREAD_MUTEX_INITIALIZER;
static CodeBuf thunk_cb;
/* The executable range, read without the lock by fault handlers. */
static uintptr_t thunk_rx_start, thunk_rx_end;
static uint64_t thunk_keys[THUNK_TABLE_SIZE];          /* 0 = free */
static I386FpuThunk *thunk_fns[THUNK_TABLE_SIZE];
static unsigned thunk_nb;
static I386FpuHost fpu_host;

/* ---------------------------------------------------------------------
 * The host's x87.
 */
static void probe_host(void)
{
    unsigned a, b, c, d;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        fpu_host.fdp_exception_only = (b >> 6) & 1;
        fpu_host.fcs_fds_zero = (b >> 13) & 1;
    }
    uint8_t img[I386_FX_SIZE] __attribute__((aligned(16)));
    memset(img, 0, sizeof(img));
    __asm__ volatile("fxsave %0" : "=m"(img));
    uint32_t mask;
    memcpy(&mask, img + I386_FX_MXCSR_MASK, 4);
    /* SDM vol. 1, 11.6.6: a zero MXCSR_MASK means the default 0xffbf. */
    fpu_host.mxcsr_mask = mask ? mask : 0xffbfu;
}


/* ---------------------------------------------------------------------
 * fork: the child gets a private copy of the thunk buffer at the same
 * addresses (codebuf_fork_*), taken while no thunk is being written.
 */
static int thunk_fork_err;

static void thunk_atfork_prepare(void)
{
    pthread_mutex_lock(&thunk_lock);
    thunk_fork_err = codebuf_fork_prepare(&thunk_cb);
}

static void thunk_atfork_parent(void)
{
    codebuf_fork_parent(&thunk_cb);
    pthread_mutex_unlock(&thunk_lock);
}

static void thunk_atfork_child(void)
{
    int err = thunk_fork_err < 0 ? thunk_fork_err : codebuf_fork_child(&thunk_cb);
    if (err < 0)
        fatal_internal("cannot copy the x87 thunks after fork: %s", strerror(-err));
    pthread_mutex_unlock(&thunk_lock);
}

static void thunk_init(void)
{
    probe_host();
    int err = codebuf_init(&thunk_cb, THUNK_CODE_SIZE, 4096);
    if (err < 0)
        fatal_internal("cannot map the x87 thunk buffer: %s", strerror(-err));
    /* The default MXCSR and FCW that every thunk reloads, at the
     * buffer's start. */
    uint8_t *consts = codebuf_claim(&thunk_cb, 16, 16);
    const uint32_t mxcsr = MXCSR_DEFAULT;
    const uint16_t fcw = FCW_DEFAULT;
    memcpy(codebuf_rw_addr(&thunk_cb, consts + THUNK_CONST_MXCSR), &mxcsr, 4);
    memcpy(codebuf_rw_addr(&thunk_cb, consts + THUNK_CONST_FCW), &fcw, 2);
    thunk_cb.reserved = thunk_cb.used;
    __atomic_store_n(&thunk_rx_end, (uintptr_t)thunk_cb.rx + thunk_cb.size, __ATOMIC_RELEASE);
    __atomic_store_n(&thunk_rx_start, (uintptr_t)thunk_cb.rx, __ATOMIC_RELEASE);
    if (pthread_atfork(thunk_atfork_prepare, thunk_atfork_parent, thunk_atfork_child))
        fatal_internal("pthread_atfork failed for the x87 thunks");
}

I386FpuHost *i386_fpu_host(void)
{
    pthread_once(&thunk_once, thunk_init);
    return &fpu_host;
}

/* ---------------------------------------------------------------------
 * Code generation.
 */
/* The disp32 of a RIP-relative operand ending the instruction, addressing
 * the constant at `off` in the buffer (rx is where buf will run). */
static void emit_rip_disp(Emit *e, const uint8_t *buf, uintptr_t rx, unsigned off)
{
    uintptr_t next = rx + (uintptr_t)(e->p - buf) + 4;
    int32_t disp = (int32_t)((intptr_t)((uintptr_t)thunk_cb.rx + off) - (intptr_t)next);
    memcpy(e->p, &disp, 4);
    e->p += 4;
}

/*
 * Writes the thunk into buf (whose bytes will run at rx) and returns its
 * length.  Register use: rdi fxstate, rsi memory operand, rdx eflags in;
 * rax result; rcx, r8, r9, r10 scratch.  All are call-clobbered in the
 * System V ABI, and so are the XMM registers fxrstor loads.
 */
static unsigned emit_thunk(uint8_t *buf, uintptr_t rx, const uint8_t *insn, unsigned len,
                           unsigned v)
{
    Emit e = { buf };
    /* RCX may still hold the mark an MMX thunk of the same block left
     * (sse-thunk.c): a fault in this thunk must not look like one of
     * those. */
    EMIT(&e, "\x31\xc9");                               /* xor ecx, ecx */
    if (v & I386_FPU_THUNK_RET_AX)
        EMIT(&e, "\x31\xc0");                           /* xor eax, eax */
    if (v & I386_FPU_THUNK_FLAGS_IN) {
        /* Only CF, PF and ZF (what FCMOVcc reads): TF, DF and AC stay 0. */
        EMIT(&e, "\x83\xe2\x45");                       /* and edx, 0x45 */
        EMIT(&e, "\x83\xca\x02");                       /* or edx, 2 */
        EMIT(&e, "\x52\x9d");                           /* push rdx; popfq */
    }
    if (v & I386_FPU_THUNK_GUEST_FXSAVE) {
        /* Probe the image for writing as the host CPU does before it
         * stores anything: its last byte, then its first (a fault
         * reports that address, as a write).  LOCK OR 0 writes nothing
         * new, even with other threads sharing the memory. */
        EMIT(&e, "\xf0\x80\x8e\xff\x01\x00\x00\x00");   /* lock or byte [rsi+511], 0 */
        EMIT(&e, "\xf0\x80\x0e\x00");                   /* lock or byte [rsi], 0 */
        EMIT(&e, "\xb9\x78\x00\x00\x00");               /* mov ecx, 120 */
        EMIT(&e, "\x48\x8b\x84\x0e\x20\x01\x00\x00");   /* 1: mov rax, [rsi+rcx+288] */
        EMIT(&e, "\x48\x89\x84\x0f\x20\x01\x00\x00");   /* mov [rdi+rcx+288], rax */
        EMIT(&e, "\x83\xe9\x08");                       /* sub ecx, 8 */
        EMIT(&e, "\x79\xeb");                           /* jns 1b */
    }
    if (v & I386_FPU_THUNK_SAVE)
        emit_x87_load(&e);
    else
        EMIT(&e, "\x0f\xae\x0f");                       /* fxrstor [rdi] */
    if (v & I386_FPU_THUNK_CLEX)
        EMIT(&e, "\xdb\xe2");                           /* fnclex */
    emit(&e, (const char *)insn, len);
    if (v & I386_FPU_THUNK_FLAGS_OUT)
        EMIT(&e, "\x9c\x58");                           /* pushfq; pop rax */
    if (v & I386_FPU_THUNK_SAVE)
        emit_x87_save(&e);
    /* Back to the ABI's x87 state: an empty stack and FCW 0x37f.  EMMS
     * empties the stack and FLDCW sets FCW, both in a cycle, where
     * FNINIT takes dozens; but both wait, so with an unmasked exception
     * pending (FSW.ES, in the image just saved or loaded) FNINIT first. */
    emit_x87_clear_pending(&e);
    EMIT(&e, "\xd9\x2d");                               /* fldcw [rip + default] */
    emit_rip_disp(&e, buf, rx, THUNK_CONST_FCW);
    EMIT(&e, "\x0f\x77");                               /* emms */
    EMIT(&e, "\x0f\xae\x15");                           /* ldmxcsr [rip + default] */
    emit_rip_disp(&e, buf, rx, THUNK_CONST_MXCSR);
    EMIT(&e, "\xc3");                                   /* ret */
    return (unsigned)(e.p - buf);
}

static uint64_t thunk_key(const uint8_t *insn, unsigned len, unsigned variant)
{
    uint64_t k = 0;
    for (unsigned i = 0; i < len; i++)
        k |= (uint64_t)insn[i] << (8 * i);
    return k | (uint64_t)len << 32 | (uint64_t)variant << 40;
}

I386FpuThunk *i386_fpu_thunk_get(const uint8_t *insn, unsigned len, unsigned variant)
{
    if (len == 0 || len > I386_FPU_THUNK_MAX_INSN || variant >= I386_FPU_THUNK_VARIANTS)
        fatal_internal("bad x87 thunk request (%u bytes, variant %#x)", len, variant);
    pthread_once(&thunk_once, thunk_init);
    uint64_t key = thunk_key(insn, len, variant);
    uint32_t i = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - THUNK_TABLE_BITS));

    pthread_mutex_lock(&thunk_lock);
    while (thunk_keys[i] && thunk_keys[i] != key)
        i = (i + 1) & (THUNK_TABLE_SIZE - 1);
    I386FpuThunk *fn = thunk_fns[i];
    if (!thunk_keys[i]) {
        if (thunk_nb >= THUNK_TABLE_SIZE / 2)
            fatal_internal("too many x87 thunks");
        uint8_t code[THUNK_MAX_BYTES];
        /* Emit once to learn the size, then again at the final address
         * (the RIP-relative displacements depend on it).  Every variant
         * bit at once stays under THUNK_MAX_BYTES. */
        unsigned size = emit_thunk(code, (uintptr_t)thunk_cb.rx, insn, len, variant);
        uint8_t *rx = codebuf_claim(&thunk_cb, size, 16);
        if (!rx)
            fatal_internal("the x87 thunk buffer is full");
        emit_thunk(code, (uintptr_t)rx, insn, len, variant);
        memcpy(codebuf_rw_addr(&thunk_cb, rx), code, size);
        fn = (I386FpuThunk *)(void *)rx;
        thunk_fns[i] = fn;
        thunk_keys[i] = key;
        thunk_nb++;
    }
    pthread_mutex_unlock(&thunk_lock);
    return fn;
}

void *i386_thunk_install(const uint8_t *code, unsigned size)
{
    pthread_once(&thunk_once, thunk_init);
    pthread_mutex_lock(&thunk_lock);
    uint8_t *rx = codebuf_claim(&thunk_cb, size, 16);
    if (!rx)
        fatal_internal("the thunk buffer is full");
    memcpy(codebuf_rw_addr(&thunk_cb, rx), code, size);
    pthread_mutex_unlock(&thunk_lock);
    return rx;
}

unsigned i386_fpu_thunk_count(void)
{
    pthread_mutex_lock(&thunk_lock);
    unsigned n = thunk_nb;
    pthread_mutex_unlock(&thunk_lock);
    return n;
}

/* ---------------------------------------------------------------------
 * Faults inside thunks (fpu.h).  These run in signal handlers: no locks.
 */
bool i386_fpu_thunk_contains(uintptr_t host_pc)
{
    uintptr_t start = __atomic_load_n(&thunk_rx_start, __ATOMIC_ACQUIRE);
    return start && host_pc >= start &&
           host_pc < __atomic_load_n(&thunk_rx_end, __ATOMIC_RELAXED);
}

uintptr_t i386_fpu_thunk_caller_pc(uintptr_t host_rsp)
{
    return *(const uintptr_t *)host_rsp - 1;
}

int i386_fpu_thunk_exception(int signo, int si_code)
{
    switch (signo) {
    case SIGFPE:
        return I386_EXCP_MF;
    case SIGSEGV:
        if (si_code == SI_KERNEL)
            return I386_EXCP_GP;
        if (si_code == SEGV_MAPERR || si_code == SEGV_ACCERR)
            return I386_EXCP_PF;
        return -1;
    default:
        return -1;
    }
}

void i386_fpu_host_reset(void)
{
    static const uint32_t mxcsr = MXCSR_DEFAULT;
    __asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}
