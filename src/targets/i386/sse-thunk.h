/*
 * Host thunks that run one guest SSE/SSE2/SSE3/SSSE3 or MMX instruction
 * on the host (the design is in sse-thunk.c and docs/i386-simd.md).
 */
#ifndef MIMIC_TARGETS_I386_SSE_THUNK_H
#define MIMIC_TARGETS_I386_SSE_THUNK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A thunk, called like a helper:
 *   fxstate    the guest state (FXSAVE image; MXCSR at 24, XMM at 160), rdi
 *   host_addr  guest_base + the memory operand's linear address, rsi
 *   gpr_in     a general-register source operand, rdx (the instruction's
 *              register field is rewritten to EDX)
 * It returns rax: a general-register result (the field rewritten to EAX),
 * or the host RFLAGS with I386_SSE_THUNK_FLAGS_OUT.
 */
typedef uint64_t I386SseThunk(uint8_t *fxstate, void *host_addr, uint64_t gpr_in);

enum {
    /* The instruction touches the x87/MMX state (MMX registers, EMMS,
     * the MMX conversions): FXRSTOR/FXSAVE around it, as the x87 thunks
     * do, keeping the guest's last-instruction pointers (bytes 6-23). */
    I386_SSE_THUNK_X87 = 1u << 0,
    /* Return the host RFLAGS (COMISS and family). */
    I386_SSE_THUNK_FLAGS_OUT = 1u << 1,
    /* RDI = host_addr while the instruction runs (MASKMOVQ/MASKMOVDQU
     * store to [rdi]). */
    I386_SSE_THUNK_MASKMOV = 1u << 2,
    I386_SSE_THUNK_VARIANTS = 1u << 3,
};

/* [prefix] 0F [38|3A] op ModRM [imm8] */
#define I386_SSE_THUNK_MAX_INSN 6

/*
 * The thunk running insn (memory operand already rewritten to [rsi],
 * general registers to EDX/EAX) with the XMM registers of xmm_mask loaded
 * from fxstate before it and stored back after it (not used with
 * I386_SSE_THUNK_X87, where FXRSTOR/FXSAVE move everything).  Made once
 * per distinct (bytes, xmm_mask, variant), never freed; thread-safe.
 */
I386SseThunk *i386_sse_thunk_get(const uint8_t *insn, unsigned len, unsigned xmm_mask,
                                 unsigned variant);

/* Number of distinct SSE thunks made so far (for tests). */
unsigned i386_sse_thunk_count(void);

/*
 * For a SIGFPE inside a thunk (ucontext: the signal's ucontext_t): when
 * the host took a SIMD floating-point exception (trap 19, #XM), copies
 * the host's MXCSR, which holds the flags the instruction set, into
 * fxstate, sets *err to the unmasked flags that fired and returns true.
 * False for an x87 #MF.  Async-signal-safe.
 */
bool i386_sse_thunk_xm(uint8_t *fxstate, const void *ucontext, uint32_t *err);

/*
 * Any other fault (#PF, #GP) inside a thunk, with the host signal's
 * ucontext: when the thunk ran an instruction on the guest's whole x87
 * state (MMX), the x87 part of fxstate becomes the host's state at the
 * fault but the last-instruction pointers, since the CPU may have changed
 * it before faulting (MASKMOVQ enters MMX mode, TOP = 0 and all tags
 * valid, before its store faults on AMD).  Async-signal-safe.
 */
void i386_sse_thunk_fault_state(uint8_t *fxstate, const void *ucontext);

#endif
