/*
 * The i386 vCPU: architectural state as generated code and the rest of
 * mimic see it.
 *
 * Arithmetic flags are lazy: the six status flags (CF PF AF ZF SF OF) are
 * not kept in eflags while guest code runs but derived from cc_op and its
 * operands (cc_dst, cc_src, cc_src2); i386_get_eflags() computes the
 * architectural value and i386_set_eflags() stores one.  `eflags` holds
 * every other bit (DF, TF, IF, AC, ID, bit 1 ...), with the status bits
 * zero; `df` mirrors DF as +1/-1, the step of string instructions.
 *
 * Segments: user mode runs flat (CS, DS, ES, SS bases 0) but FS/GS carry
 * TLS bases and any segment may be loaded with an LDT or GDT selector
 * (modify_ldt, set_thread_area).  Descriptor tables live in host memory
 * owned by the user-mode layer (`gdt`, `ldt`); loading a segment register
 * goes through a helper that reads them and may raise #GP or #NP.
 */
#ifndef MIMIC_TARGETS_I386_CPU_H
#define MIMIC_TARGETS_I386_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/cpu.h"
#include "exec/target.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, I386_NB_SEGS };

/* EFLAGS bits (Intel SDM vol. 1, 3.4.3). */
enum {
    I386_CF = 1u << 0,
    I386_PF = 1u << 2,
    I386_AF = 1u << 4,
    I386_ZF = 1u << 6,
    I386_SF = 1u << 7,
    I386_TF = 1u << 8,
    I386_IF = 1u << 9,
    I386_DF = 1u << 10,
    I386_OF = 1u << 11,
    I386_IOPL = 3u << 12,
    I386_NT = 1u << 14,
    I386_RF = 1u << 16,
    I386_VM = 1u << 17,
    I386_AC = 1u << 18,
    I386_VIF = 1u << 19,
    I386_VIP = 1u << 20,
    I386_ID = 1u << 21,
    I386_CC_MASK = I386_CF | I386_PF | I386_AF | I386_ZF | I386_SF | I386_OF,
};

/* exception_index values (vectors of the SDM, vol. 3, 6.3.1), plus the
 * system call gate used by user mode. */
enum {
    I386_EXCP_DE = 0,     /* divide error */
    I386_EXCP_DB = 1,     /* debug (single step, TF) */
    I386_EXCP_BP = 3,     /* INT3: a trap, eip is after the instruction */
    I386_EXCP_OF = 4,     /* INTO with OF set: a trap */
    I386_EXCP_BR = 5,     /* BOUND range exceeded */
    I386_EXCP_UD = 6,     /* invalid opcode */
    I386_EXCP_NM = 7,     /* device not available */
    I386_EXCP_NP = 11,    /* segment not present */
    I386_EXCP_SS = 12,    /* stack-segment fault */
    I386_EXCP_GP = 13,    /* general protection (privileged, bad selector, INT n) */
    I386_EXCP_PF = 14,    /* page fault: cr2 = linear address */
    I386_EXCP_MF = 16,    /* x87 error */
    I386_EXCP_AC = 17,    /* alignment check */
    I386_EXCP_XM = 19,    /* SIMD floating point */
    I386_EXCP_SYSCALL = 0x100, /* INT 0x80: eip is after it, arguments in registers */
};

typedef struct I386Segment {
    uint32_t selector;
    uint32_t base;
    uint32_t limit;       /* in bytes, granularity applied */
    uint32_t flags;       /* descriptor bits 40-55 (type, S, DPL, P, AVL, D/B, G) */
} I386Segment;

/* Translation-relevant state, the `flags` of a block's key. */
enum {
    I386_HF_CS32 = 1u << 0,    /* default operand/address size 32 */
    I386_HF_SS32 = 1u << 1,    /* stack pointer is ESP, not SP */
    I386_HF_ADDSEG = 1u << 2,  /* DS, ES or SS base is non-zero: add bases */
    I386_HF_TF = 1u << 3,      /* single-step trap after each instruction */
    I386_HF_AC = 1u << 4,      /* EFLAGS.AC: alignment checks (CPL 3) */
    /* Bits 8-13, one per segment register (I386_HF_SEGCHK(seg)): data
     * accesses through it must be checked, since it is not a flat
     * writable 4 GiB data segment (a limit, expand-down, read-only, a
     * null selector, or CS, which is never writable). */
    I386_HF_SEGCHK_SHIFT = 8,
};
#define I386_HF_SEGCHK(seg) (1u << (I386_HF_SEGCHK_SHIFT + (seg)))

struct I386Model;

typedef struct I386CPU {
    CPUState parent;            /* first: env points here */
    uint32_t regs[8];
    uint32_t eip;
    /* lazy flags */
    uint32_t cc_dst, cc_src, cc_src2;
    uint32_t cc_op;             /* I386CCOp */
    uint32_t eflags;            /* all but I386_CC_MASK */
    int32_t df;                 /* +1 or -1 */
    uint32_t hflags;            /* I386_HF_* */
    I386Segment segs[I386_NB_SEGS];
    /* exception details, filled when exception_index is set */
    uint32_t error_code;
    uint32_t cr2;               /* faulting linear address of #PF / #AC */
    bool fault_is_write;        /* #PF: the access was a write */
    uint32_t exception_next_eip;/* traps and INT n: eip after the instruction */
    /* A REP string instruction stopped between two chunks of its
     * elements (translate-string.c): not finished, not counted yet. */
    uint32_t rep_pending;
    /* descriptor tables (user mode: the user-mode layer owns them) */
    uint64_t *gdt;
    uint32_t gdt_entries;
    uint64_t *ldt;
    uint32_t ldt_entries;
    const struct I386Model *model;
    /* x87 and SSE state in the FXSAVE layout (targets/i386/fpu.h); the
     * host's FXRSTOR/FXSAVE run on it directly, hence the alignment. */
    uint8_t fxstate[512] __attribute__((aligned(16)));
} I386CPU;

static inline I386CPU *i386_cpu(CPUState *cs)
{
    return (I386CPU *)cs;
}

extern const TargetInfo i386_target;

/* Sets up a CPU in 32-bit protected mode at CPL 3 with flat segments
 * (base 0, limit 4 GiB) and the given model (NULL = the default). */
void i386_cpu_init(I386CPU *cpu, const struct I386Model *model);

uint32_t i386_get_eflags(const I386CPU *cpu);
/* Writes every bit in mask from value (status flags included). */
void i386_set_eflags(I386CPU *cpu, uint32_t value, uint32_t mask);

/* Loads segment register seg with selector as a MOV to it would; raises
 * (longjmp) #GP/#NP/#SS like hardware when retaddr != 0, else returns
 * false on error.  Recomputes hflags. */
bool i386_load_seg(I386CPU *cpu, int seg, uint32_t selector, uintptr_t retaddr);

/* The fault of a data access of size bytes at offset through segment
 * seg (the offset is not wrapped: offset + size may pass 4 GiB): 0, or
 * I386_EXCP_GP (I386_EXCP_SS through SS) with error code 0, when the
 * segment is null, the access leaves its limit (expand-up or
 * expand-down), or a write goes to a segment that is not writable. */
int i386_seg_access_fault(const I386CPU *cpu, int seg, uint32_t offset, uint32_t size,
                          bool write);
/* Recomputes hflags from segments and eflags (after a direct change). */
void i386_update_hflags(I386CPU *cpu);

#endif
