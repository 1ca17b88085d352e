/*
 * The guest's x87 (and later SSE) state, as the rest of mimic sees it.
 *
 * The state lives in I386CPU.fxstate in the FXSAVE layout (SDM vol. 1,
 * 10.5.1, table 10-2).  Guest x87 instructions run on the host's own x87
 * unit through small generated "thunks" (docs/i386-fpu.md): this header
 * is what the user-mode layer needs to initialise the state, to turn a
 * host fault inside a thunk into the guest exception, and to build and
 * read the FP part of signal frames.
 *
 * The last-instruction pointers (FOP, FIP, FCS, FDP, FDS at bytes 6-23)
 * always hold the guest-visible values, whatever the host's FXSAVE
 * stores for them.
 */
#ifndef MIMIC_TARGETS_I386_FPU_H
#define MIMIC_TARGETS_I386_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "targets/i386/cpu.h"

/* Byte offsets in the FXSAVE image (32-bit format). */
enum {
    I386_FX_FCW = 0,
    I386_FX_FSW = 2,
    I386_FX_FTW = 4,          /* abridged: one bit per register, 1 = valid */
    I386_FX_FOP = 6,          /* 11 bits */
    I386_FX_FIP = 8,
    I386_FX_FCS = 12,
    I386_FX_FDP = 16,
    I386_FX_FDS = 20,
    I386_FX_MXCSR = 24,
    I386_FX_MXCSR_MASK = 28,
    I386_FX_ST0 = 32,         /* ST(i) at 32 + 16 * i, 10 bytes each */
    I386_FX_XMM0 = 160,       /* XMM(i) at 160 + 16 * i */
    I386_FX_GUEST_SIZE = 288, /* what a 32-bit FXSAVE writes */
    I386_FX_SIZE = 512,
};

/* The FNSTENV/FNSAVE images in protected mode (SDM vol. 1, figures 8-9
 * and 8-10): FCW, FSW and the full tag word first in both formats, the
 * pointers at these offsets, and the registers ST(0)-ST(7), 10 bytes
 * each, after the environment in FNSAVE's image. */
enum {
    I386_FENV32_FIP = 12, I386_FENV32_FCS = 16, I386_FENV32_FOP = 18,
    I386_FENV32_FDP = 20, I386_FENV32_FDS = 24,
    I386_FENV16_FIP = 6, I386_FENV16_FCS = 8, I386_FENV16_FDP = 10, I386_FENV16_FDS = 12,
    I386_FENV16_SIZE = 14,
    I386_FENV32_SIZE = 28,
    I386_FSAVE16_SIZE = 94,
    I386_FSAVE32_SIZE = 108,
};

/* The state of a new process: FNINIT (FCW 0x37f, empty stack), MXCSR
 * 0x1f80, every register and pointer zero.  Called by i386_cpu_init.
 * cpu->fxstate must be 16-byte aligned (an internal error otherwise). */
void i386_fpu_reset(I386CPU *cpu);

/* The x87-to-MMX transition (SDM vol. 1, 9.5.1) on fxstate: TOP = 0, so
 * the image's ST slots rotate to physical register order, and every tag
 * valid; nothing while an x87 exception is pending (#MF comes first).  A
 * helper (env = the CPU): MASKMOVQ makes it before its memory checks on
 * the reference host, so a faulting MASKMOVQ leaves it done. */
void helper_mmx_enter(CPUState *env);

/*
 * Host faults inside a thunk (SIGFPE for a pending unmasked x87
 * exception, SIGSEGV for a memory operand the guest may not access or a
 * general-protection fault).  A thunk is a leaf without a frame: at any
 * faulting instruction the return address into the generated code or
 * the interpreter that called it is at [rsp].  The signal handler:
 *
 *   if (i386_fpu_thunk_contains(uc_rip)) {
 *       uintptr_t pc = i386_fpu_thunk_caller_pc(uc_rsp);
 *       int excp = i386_fpu_thunk_exception(signo, si_code);
 *       i386_fpu_host_reset();
 *       ... cpu_restore_state(cs, pc); set cr2/error_code for #PF;
 *       cs->exception_index = excp; cpu_loop_exit(cs);
 *   }
 *
 * pc is what cpu_restore_state and tb_find_by_host_pc take: recovery
 * puts eip at the guest FPU instruction, which did not run (its state
 * change is only written back at the end of the thunk).
 */
bool i386_fpu_thunk_contains(uintptr_t host_pc);
/* The host pc, inside the calling code, to recover the guest state from:
 * the return address at [host_rsp], minus one. */
uintptr_t i386_fpu_thunk_caller_pc(uintptr_t host_rsp);
/* The guest exception for a host signal inside a thunk: I386_EXCP_MF for
 * SIGFPE, I386_EXCP_GP (error code 0) for SIGSEGV with SI_KERNEL (a
 * misaligned FXSAVE/FXRSTOR operand, reserved MXCSR bits), I386_EXCP_PF
 * for SIGSEGV with SEGV_MAPERR/SEGV_ACCERR (cr2 from si_addr as for
 * generated code; a write to a page kept read-only for self-modifying
 * code is the caller's to recognise first).  -1 for anything else, e.g.
 * SIGBUS from a file mapping: handle it as the same signal from
 * generated code, at the caller pc. */
int i386_fpu_thunk_exception(int signo, int si_code);
/* Puts the host x87/SSE control state back to the ABI's (FNINIT, MXCSR
 * 0x1f80), as the thunk would have on its way out. */
void i386_fpu_host_reset(void);

/* The si_code Linux gives the SIGFPE of an x87 #MF for this state: the
 * first unmasked exception pending in FSW, in the kernel's order
 * (invalid, zero divide, overflow, underflow/denormal, precision); 0 if
 * none is. */
int i386_fpu_sigfpe_code(const I386CPU *cpu);

/* Signal frames (host buffers only, never guest memory): */
/* The 108-byte FNSAVE image (32-bit protected-mode format) of the
 * current state, which is left unchanged. */
void i386_fpu_save_fsave(I386CPU *cpu, uint8_t out[I386_FSAVE32_SIZE]);
/* Loads an FNSAVE image as FRSTOR would (pointers included); XMM and
 * MXCSR are kept. */
void i386_fpu_load_fsave(I386CPU *cpu, const uint8_t in[I386_FSAVE32_SIZE]);
/* Loads the x87 and XMM0-7 state of a 32-bit FXSAVE image; MXCSR bits the
 * host does not support are cleared (as Linux does on sigreturn). */
void i386_fpu_load_fxsave(I386CPU *cpu, const uint8_t in[I386_FX_GUEST_SIZE]);

#endif
