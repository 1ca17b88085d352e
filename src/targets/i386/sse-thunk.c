/*
 * SSE and MMX by host passthrough: the thunks.
 *
 * As for x87 (fpu-thunk.c), every SIMD instruction runs on the host CPU,
 * so results, NaN payloads, denormal handling (DAZ/FTZ), rounding and the
 * MXCSR flags are the hardware's.  The SSE state needs no FXRSTOR: the
 * thunk loads only what the instruction uses,
 *
 *      ldmxcsr [rdi+24]                   the guest's MXCSR
 *      movdqu  xmmN, [rdi+160+16*N]       each XMM register it names
 *      <the instruction>                  memory operand at [rsi], a
 *                                         general source in EDX, a
 *                                         general result in EAX
 *      movdqu  [rdi+160+16*N], xmmN       the same registers back
 *      stmxcsr [rdi+24]
 *      ldmxcsr <0x1f80>                   the ABI's MXCSR
 *      ret
 *
 * with the guest's own register numbers (XMM0-7 are call-clobbered on
 * the host).  Storing back a register the instruction only read writes
 * the same bytes, so the map need not say which operand is written.
 *
 * Instructions that touch the x87/MMX state (MMX registers alias the x87
 * stack, set TOP = 0 and the tags; EMMS empties it) run between FXRSTOR
 * and FXSAVE instead, the way fpu-thunk.c's saving thunks do, keeping
 * the guest's FIP/FDP/FOP (bytes 6-23), and leave the host x87 in the
 * ABI state (FNINIT first when an unmasked exception is pending).
 *
 * Faults.  The thunks live in fpu-thunk.c's buffer (i386_thunk_install),
 * so the fault handlers find them with i386_fpu_thunk_contains(); like
 * the x87 thunks they are frameless leaves, the caller's return address
 * at [rsp] when the guest instruction faults.  An unmasked SIMD exception
 * is a SIGFPE with trap number 19 (i386_sse_thunk_xm); a misaligned
 * 16-byte operand or reserved MXCSR bits a SIGSEGV with SI_KERNEL (#GP);
 * a bad address a page fault.  Constants are stored through the red zone
 * below rsp, never by moving rsp.
 */
#include "targets/i386/sse-thunk.h"

#include <pthread.h>
#include <string.h>
#include <ucontext.h>

#include "targets/i386/fpu-thunk.h"
#include "targets/i386/thunk-emit.h"
#include "targets/i386/fpu.h"
#include "util/error.h"

#define TABLE_BITS 14
#define TABLE_SIZE (1u << TABLE_BITS)
#define MAX_BYTES 160
#define X86_TRAP_XM 19
/* In RCX while an FXRSTOR/FXSAVE thunk runs its instruction, so that a
 * fault handler knows the host x87 state is the guest's. */
#define X87_MARK 0x5eef87u

typedef struct Key {
    uint8_t bytes[I386_SSE_THUNK_MAX_INSN];
    uint8_t len, mask, variant, used;
} Key;

static pthread_mutex_t sse_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t sse_once = PTHREAD_ONCE_INIT;
static Key sse_keys[TABLE_SIZE];
static I386SseThunk *sse_fns[TABLE_SIZE];
static unsigned sse_nb;

static void sse_prepare(void) { pthread_mutex_lock(&sse_lock); }
static void sse_release(void) { pthread_mutex_unlock(&sse_lock); }

static void sse_init(void)
{
    /* Registered after the x87 thunks' handlers (i386_thunk_install made
     * them), so fork takes this lock first, as i386_sse_thunk_get does. */
    i386_fpu_host();
    if (pthread_atfork(sse_prepare, sse_release, sse_release))
        fatal_internal("pthread_atfork failed for the SSE thunks");
}

/* movdqu xmmN <-> [rdi + 160 + 16 * N] (opc 0x6f load, 0x7f store) */
static void emit_xmm_move(Emit *e, unsigned n, uint8_t opc)
{
    uint32_t disp = I386_FX_XMM0 + 16 * n;
    uint8_t b[8] = { 0xf3, 0x0f, opc, (uint8_t)(0x87 | n << 3) };
    memcpy(b + 4, &disp, 4);
    emit(e, (const char *)b, 8);
}

static unsigned emit_thunk(uint8_t *buf, const Key *k)
{
    Emit e = { buf };
    bool x87 = k->variant & I386_SSE_THUNK_X87;
    if (x87) {
        EMIT(&e, "\xb9\x87\xef\x5e\x00");               /* mov ecx, X87_MARK */
        emit_x87_load(&e);
    } else {
        EMIT(&e, "\x31\xc9");                           /* xor ecx, ecx */
        EMIT(&e, "\x0f\xae\x57\x18");                   /* ldmxcsr [rdi+24] */
        for (unsigned n = 0; n < 8; n++)
            if (k->mask & (1u << n))
                emit_xmm_move(&e, n, 0x6f);
    }
    if (k->variant & I386_SSE_THUNK_MASKMOV) {
        EMIT(&e, "\x49\x89\xfb");                       /* mov r11, rdi */
        EMIT(&e, "\x48\x89\xf7");                       /* mov rdi, rsi */
    }
    emit(&e, (const char *)k->bytes, k->len);
    if (k->variant & I386_SSE_THUNK_MASKMOV)
        EMIT(&e, "\x4c\x89\xdf");                       /* mov rdi, r11 */
    if (k->variant & I386_SSE_THUNK_FLAGS_OUT)
        EMIT(&e, "\x9c\x58");                           /* pushfq; pop rax */
    if (x87) {
        emit_x87_save(&e);
        /* The ABI's x87 state (see fpu-thunk.c). */
        emit_x87_clear_pending(&e);
        EMIT(&e, "\x66\xc7\x44\x24\xf8\x7f\x03");       /* mov word [rsp-8], 0x37f */
        EMIT(&e, "\xd9\x6c\x24\xf8");                   /* fldcw [rsp-8] */
        EMIT(&e, "\x0f\x77");                           /* emms */
    } else {
        for (unsigned n = 0; n < 8; n++)
            if (k->mask & (1u << n))
                emit_xmm_move(&e, n, 0x7f);
        EMIT(&e, "\x0f\xae\x5f\x18");                   /* stmxcsr [rdi+24] */
    }
    EMIT(&e, "\xc7\x44\x24\xf8\x80\x1f\x00\x00");       /* mov dword [rsp-8], 0x1f80 */
    EMIT(&e, "\x0f\xae\x54\x24\xf8");                   /* ldmxcsr [rsp-8] */
    EMIT(&e, "\xc3");                                   /* ret */
    return (unsigned)(e.p - buf);
}

I386SseThunk *i386_sse_thunk_get(const uint8_t *insn, unsigned len, unsigned xmm_mask,
                                 unsigned variant)
{
    if (len == 0 || len > I386_SSE_THUNK_MAX_INSN || variant >= I386_SSE_THUNK_VARIANTS ||
        xmm_mask > 0xff)
        fatal_internal("bad SSE thunk request (%u bytes, variant %#x)", len, variant);
    pthread_once(&sse_once, sse_init);
    Key k;
    memset(&k, 0, sizeof(k));
    memcpy(k.bytes, insn, len);
    k.len = (uint8_t)len;
    k.mask = (uint8_t)((variant & I386_SSE_THUNK_X87) ? 0 : xmm_mask);
    k.variant = (uint8_t)variant;
    k.used = 1;
    uint64_t h = 0;
    for (unsigned i = 0; i < sizeof(k); i++)
        h = (h ^ ((const uint8_t *)&k)[i]) * 0x100000001b3ull;
    uint32_t i = (uint32_t)(h >> (64 - TABLE_BITS));

    pthread_mutex_lock(&sse_lock);
    while (sse_keys[i].used && memcmp(&sse_keys[i], &k, sizeof(k)))
        i = (i + 1) & (TABLE_SIZE - 1);
    I386SseThunk *fn = sse_fns[i];
    if (!sse_keys[i].used) {
        if (sse_nb >= TABLE_SIZE / 2)
            fatal_internal("too many SSE thunks");
        uint8_t code[MAX_BYTES];
        unsigned size = emit_thunk(code, &k);
        fn = (I386SseThunk *)i386_thunk_install(code, size);
        sse_fns[i] = fn;
        sse_keys[i] = k;
        sse_nb++;
    }
    pthread_mutex_unlock(&sse_lock);
    return fn;
}

unsigned i386_sse_thunk_count(void)
{
    pthread_mutex_lock(&sse_lock);
    unsigned n = sse_nb;
    pthread_mutex_unlock(&sse_lock);
    return n;
}

/* The x87 part of the host's state at a fault, when it is the guest's. */
static void take_host_x87(uint8_t *fxstate, const ucontext_t *uc)
{
    const uint8_t *host = (const uint8_t *)uc->uc_mcontext.fpregs;
    memcpy(fxstate, host, I386_FX_FOP);
    memcpy(fxstate + I386_FX_MXCSR, host + I386_FX_MXCSR, I386_FX_GUEST_SIZE - I386_FX_MXCSR);
}

void i386_sse_thunk_fault_state(uint8_t *fxstate, const void *ucontext)
{
    const ucontext_t *uc = ucontext;
    if (uc->uc_mcontext.fpregs && (uint32_t)uc->uc_mcontext.gregs[REG_RCX] == X87_MARK)
        take_host_x87(fxstate, uc);
}

bool i386_sse_thunk_xm(uint8_t *fxstate, const void *ucontext, uint32_t *err)
{
    const ucontext_t *uc = ucontext;
    if (uc->uc_mcontext.gregs[REG_TRAPNO] != X86_TRAP_XM || !uc->uc_mcontext.fpregs)
        return false;
    uint32_t mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    /* The flags (bits 0-5) whose mask bit (7-12) is clear. */
    *err = mxcsr & ~(mxcsr >> 7) & 0x3f;
    if ((uint32_t)uc->uc_mcontext.gregs[REG_RCX] == X87_MARK) {
        /* The host x87 unit holds the guest's state, and an MMX
         * conversion (CVTPI2PS xmm, mm) switches it to MMX mode (TOP = 0,
         * all tags valid) before the exception: take it all, but the
         * last-instruction pointers. */
        take_host_x87(fxstate, uc);
    } else {
        memcpy(fxstate + I386_FX_MXCSR, &mxcsr, 4);
    }
    return true;
}
