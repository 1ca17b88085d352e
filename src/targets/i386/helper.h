/*
 * Helpers of the core i386 translator (helper.c, seg.c), called from
 * generated code.  env is the CPUState at the start of the I386CPU.
 * Helpers that raise use cpu_raise(env, excp, HELPER_RETADDR()), so the
 * state goes back to the start of the calling guest instruction.
 */
#ifndef MIMIC_TARGETS_I386_HELPER_H
#define MIMIC_TARGETS_I386_HELPER_H

#include <stdint.h>

#include "exec/cpu.h"

/* A fault at the calling instruction (error_code = err). */
_Noreturn void helper_raise_exception(CPUState *env, uint32_t excp, uint32_t err);
/* A trap after the calling instruction, which must end its block:
 * eip = next_eip, then leave with excp. */
_Noreturn void helper_raise_trap(CPUState *env, uint32_t excp, uint32_t next_eip);

/* POPF/SAHF/IRET at CPL 3: writes the bits of value selected by mask
 * that user code may change (IOPL, IF, VM, VIF, VIP keep their value),
 * leaving cc_op = CC_OP_EFLAGS. */
void helper_write_eflags(CPUState *env, uint32_t value, uint32_t mask);

/* MOV Sreg / POP Sreg / LxS: loads segment seg (not CS) with sel. */
void helper_load_seg(CPUState *env, uint32_t seg, uint32_t sel);
/* The segment check of a data access (translate-operand.c): `what` is
 * I386_SEG_ACCESS(seg, size, acc).  #GP(0) (#SS(0) through SS) when the
 * segment is null, the access is not inside its limit (expand-up or
 * expand-down), or a write goes to a segment that is not writable. */
#define I386_SEG_ACCESS(seg, size, acc) ((uint32_t)(seg) | (uint32_t)(acc) << 4 | \
                                         (uint32_t)(size) << 8)
void helper_seg_access(CPUState *env, uint32_t what, uint32_t offset);
/* Far transfers (same privilege level). */
void helper_ljmp(CPUState *env, uint32_t sel, uint32_t offset);
void helper_lcall(CPUState *env, uint32_t sel, uint32_t offset, uint32_t next_eip,
                  uint32_t dflag);
void helper_lret(CPUState *env, uint32_t dflag, uint32_t imm);
void helper_iret(CPUState *env, uint32_t dflag);

/* LAR, LSL, VERR, VERW (op): whether selector sel passes the checks
 * (the new ZF), and what LAR or LSL writes when it does (the access
 * rights masked to 0x00ffff00, or the limit in bytes). */
enum { I386_SEGCHK_LAR, I386_SEGCHK_LSL, I386_SEGCHK_VERR, I386_SEGCHK_VERW };
uint32_t helper_seg_check(CPUState *env, uint32_t sel, uint32_t op);
uint32_t helper_seg_info(CPUState *env, uint32_t sel, uint32_t op);

/* LOCKed read-modify-write of guest memory at addr (helper-lock.c):
 * applies op (I386_LOCK_*) with val atomically at size ot and returns
 * the old value. */
enum { I386_LOCK_ADD, I386_LOCK_SUB, I386_LOCK_OR, I386_LOCK_AND, I386_LOCK_XOR,
       I386_LOCK_NEG, I386_LOCK_XCHG };
uint32_t helper_lock_rmw(CPUState *env, uint32_t addr, uint32_t val, uint32_t op,
                         uint32_t ot);

/* Debugger watchpoints (CF_WATCH blocks): a data access of the running
 * instruction (`what`: size, | I386_WATCH_WRITE for a write); after the
 * instruction, EXCP_DEBUG with eip = next_eip if one hit a watchpoint. */
#define I386_WATCH_WRITE 0x80000000u
void helper_watch_access(CPUState *env, uint32_t addr, uint32_t what);
void helper_watch_after(CPUState *env, uint32_t next_eip);

/* CPUID: eax, ecx in; eax, ebx, ecx, edx out. */
void helper_cpuid(CPUState *env);
/* RDTSC: edx:eax. */
void helper_rdtsc(CPUState *env);

#endif
