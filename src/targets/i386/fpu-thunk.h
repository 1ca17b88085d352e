/*
 * Host thunks that run one guest x87 instruction on the host's x87 unit
 * (the design is in fpu-thunk.c and docs/i386-fpu.md).
 */
#ifndef MIMIC_TARGETS_I386_FPU_THUNK_H
#define MIMIC_TARGETS_I386_FPU_THUNK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A thunk, called like a helper:
 *   fxstate    the guest state (16-byte aligned FXSAVE image), in rdi
 *   host_addr  guest_base + the memory operand's linear address, in rsi
 *              (ignored without a memory operand)
 *   eflags     the guest's status flags, in rdx (I386_FPU_THUNK_FLAGS_IN)
 * It returns rax: FNSTSW AX's status word in the low 16 bits
 * (I386_FPU_THUNK_RET_AX), the host RFLAGS after the instruction
 * (I386_FPU_THUNK_FLAGS_OUT), otherwise garbage.
 */
typedef uint64_t I386FpuThunk(uint8_t *fxstate, void *host_addr, uint64_t eflags);

/* How the thunk wraps its instruction. */
enum {
    /* Run and save back the state (fxsave [rdi]), keeping fxstate's
     * bytes 6-23 (the guest's last-instruction pointers) as they were. */
    I386_FPU_THUNK_SAVE = 1u << 0,
    /* Set the host's arithmetic flags from eflags first (FCMOVcc). */
    I386_FPU_THUNK_FLAGS_IN = 1u << 1,
    /* Return the host RFLAGS after the instruction (FCOMI and family). */
    I386_FPU_THUNK_FLAGS_OUT = 1u << 2,
    /* Return the AX the instruction wrote (FNSTSW AX), zero-extended. */
    I386_FPU_THUNK_RET_AX = 1u << 3,
    /* The instruction is the guest's FXSAVE: first copy the bytes of the
     * host_addr image from I386_FX_GUEST_SIZE to the end of the XMM area
     * into fxstate, so that the host's 64-bit FXSAVE, which also writes
     * XMM8-15 there, writes back what the guest had (a 32-bit FXSAVE
     * leaves those bytes alone). */
    I386_FPU_THUNK_GUEST_FXSAVE = 1u << 4,
    /* Clear pending exceptions (FNCLEX) before the instruction: for the
     * C-called thunks, which must never raise. */
    I386_FPU_THUNK_CLEX = 1u << 5,
    I386_FPU_THUNK_VARIANTS = 1u << 6,
};

/* The longest instruction a thunk runs: [66] opcode ModRM, or 0F AE ModRM. */
#define I386_FPU_THUNK_MAX_INSN 4

/*
 * The thunk running insn (its bytes with any memory operand already
 * rewritten to ModRM mod=00 rm=110, i.e. [rsi]) with the given variant
 * bits.  Thunks are made once per distinct (bytes, variant) and never
 * freed; thread-safe.  An internal error if the buffer is full (it is
 * sized for every encoding the translator can ask for).
 */
I386FpuThunk *i386_fpu_thunk_get(const uint8_t *insn, unsigned len, unsigned variant);

/* Copies size bytes of position-independent code (no RIP-relative
 * operands) into the thunk buffer and returns where it runs: the SSE
 * thunks (sse-thunk.c) live in the same buffer, so that the fault
 * handlers' i386_fpu_thunk_contains() covers them too.  Thread-safe. */
void *i386_thunk_install(const uint8_t *code, unsigned size);

/* Number of distinct thunks made so far (for tests). */
unsigned i386_fpu_thunk_count(void);

/* What this host's x87 does with the last-instruction pointers, read
 * once from CPUID (SDM vol. 1, 8.1.8; vol. 2, CPUID leaf 7). */
typedef struct I386FpuHost {
    /* FDP/FDS are only updated by an instruction that raises an
     * unmasked exception (CPUID.7.0:EBX[6], FDP_EXCPTN_ONLY). */
    bool fdp_exception_only;
    /* FCS and FDS always read as 0 (CPUID.7.0:EBX[13]). */
    bool fcs_fds_zero;
    /* MXCSR bits FXRSTOR/LDMXCSR accept (FXSAVE's MXCSR_MASK). */
    uint32_t mxcsr_mask;
} I386FpuHost;

/* The host's properties; tests may change them to exercise the other
 * behaviour (they only affect code translated afterwards). */
I386FpuHost *i386_fpu_host(void);

/* Makes thunk memory into ModRM normal form: mod=00 rm=110 ([rsi]),
 * keeping reg. */
static inline uint8_t i386_fpu_modrm_rsi(uint8_t modrm)
{
    return (uint8_t)((modrm & 0x38) | 0x06);
}

#endif
