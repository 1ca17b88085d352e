/*
 * The x86-64 backend's per-block code generation state and its register
 * allocator.  docs/jit-backend.md explains the strategy; in short, every
 * IR temp is at any point in one of four states:
 *
 *   DEAD   no value (a normal temp not yet written, or past its last use)
 *   REG    in a host register; `coherent` says whether its memory home
 *          also holds the value
 *   MEM    only in its memory home (globals: env + offset; normal temps:
 *          a frame slot, assigned on first spill)
 *   CONST  a known constant, not in any register
 *
 * and the allocator moves temps between these states as ops need them,
 * spilling the least recently used register when it runs out.
 *
 * Every function here works on the "current op" (g->op): the registers it
 * hands out are locked until the next op starts, so an allocation for one
 * operand can never steal the register of another.
 */
#ifndef MIMIC_JIT_X86_64_REGALLOC_H
#define MIMIC_JIT_X86_64_REGALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/tb.h"
#include "jit/ir.h"
#include "jit/x86_64/emit.h"

/* Fixed register roles (see backend.c). */
#define X64_REG_ENV        X64_R14   /* IR_TEMP_ENV: the CPUState pointer */
#define X64_REG_GUEST_BASE X64_R15   /* cpu->guest_base */
#define X64_REG_SCRATCH    X64_R11   /* never allocated: short-lived scratch within one op */

#define X64_REGMASK(r) ((uint16_t)(1u << (r)))
/* Registers the allocator may hand out: all but rsp, r11, r14, r15. */
#define X64_ALLOCATABLE ((uint16_t)(0xffffu & ~X64_REGMASK(X64_RSP) & ~X64_REGMASK(X64_R11) & \
                                    ~X64_REGMASK(X64_R14) & ~X64_REGMASK(X64_R15)))
/* Clobbered by a SysV AMD64 call (r11 too, but it is not allocatable). */
#define X64_CALL_CLOBBERED ((uint16_t)(X64_REGMASK(X64_RAX) | X64_REGMASK(X64_RCX) | \
                                       X64_REGMASK(X64_RDX) | X64_REGMASK(X64_RSI) | \
                                       X64_REGMASK(X64_RDI) | X64_REGMASK(X64_R8) |  \
                                       X64_REGMASK(X64_R9) | X64_REGMASK(X64_R10)))

/* Spill slots in the frame the entry stub reserves, 8 bytes each at
 * [rsp + 8 * slot]. */
#define X64_FRAME_SLOTS 512

typedef enum X64ValKind {
    X64_VAL_DEAD,
    X64_VAL_REG,
    X64_VAL_MEM,
    X64_VAL_CONST,
} X64ValKind;

typedef struct X64TempState {
    uint8_t val;          /* X64ValKind */
    int8_t reg;           /* X64_VAL_REG: the register */
    bool coherent;        /* the memory home holds the current value */
    bool known_const;     /* X64_VAL_REG: the register holds cval (spilling is free) */
    bool has_slot;        /* normal temps: `slot` is theirs */
    bool bb_local;        /* written before read and used in one basic block only */
    uint16_t slot;
    uint64_t cval;        /* X64_VAL_CONST, or known_const */
} X64TempState;

/* A rel32 field that must reach an absolute address outside the block
 * (the exit stub, a helper), filled in once the block's address is known. */
typedef struct X64Reloc {
    uint32_t field;
    uintptr_t target;
} X64Reloc;

/* A rel32 field that must reach a label of the block. */
typedef struct X64LabelRef {
    uint32_t field;
    uint32_t label;
} X64LabelRef;

/* A register-or-immediate operand. */
typedef struct X64Opnd {
    bool is_imm;
    X64Reg reg;
    int32_t imm;
} X64Opnd;

typedef struct X64Gen {
    X64Buf buf;
    const IRFunc *f;
    TranslationBlock *tb;
    const IROp *op;                /* the op being translated */
    uintptr_t exit_stub;           /* where blocks return to the cpu loop */
    /* Where the finished block may land: a helper is called with rel32
     * only if it reaches from anywhere in [code_lo, code_hi). */
    uintptr_t code_lo, code_hi;
    bool host_popcnt;              /* the host has the POPCNT instruction */

    X64TempState *temps;
    int16_t reg_temp[X64_NB_REGS]; /* temp held by each register, or -1 */
    uint32_t reg_stamp[X64_NB_REGS];
    uint32_t stamp;
    uint16_t locked;               /* registers the current op is using */
    bool globals_dirty;            /* some global may be newer than env */

    uint16_t slot_free[X64_FRAME_SLOTS];
    unsigned nb_slot_free;
    unsigned next_slot;

    int64_t *label_pos;            /* buffer offset of each label, -1 until set */
    bool *label_used;              /* some branch targets the label */
    X64LabelRef *label_refs;
    uint32_t nb_label_refs, max_label_refs;
    X64Reloc *relocs;
    uint32_t nb_relocs, max_relocs;

    uint32_t *insn_end;            /* the backend contract's insn_end[] */
    uint32_t insn_count;           /* insn_start ops seen so far */

    bool unreachable;              /* after an unconditional jump or exit */
    int error;                     /* 0 or a JIT_ERR_* code */
} X64Gen;

/* Block start: env fixed, globals in env, normal temps dead. */
void x64_ra_begin(X64Gen *g);
/* Starts translating op: unlocks every register. */
void x64_ra_op_start(X64Gen *g, const IROp *op);

/* The value of t when it is a known constant (a dead normal temp counts as
 * 0: reading it is unspecified). */
bool x64_ra_const(const X64Gen *g, IRTemp t, uint64_t *val);
/* t in a register, locked for the current op. */
X64Reg x64_ra_in(X64Gen *g, IRTemp t);
/* t as an immediate when it is a constant that the op's width accepts
 * (any i32; an i64 that fits sign-extended in 32 bits), else a register. */
X64Opnd x64_ra_in_ri(X64Gen *g, IRTemp t, IRType type);
/* t's value in register r, which is locked and must not be modified (the
 * shift count in cl).  t may end up associated with r. */
void x64_ra_in_fixed(X64Gen *g, IRTemp t, X64Reg r);
/* t's value copied into r (free and locked), leaving t where it is. */
void x64_ra_copy_to(X64Gen *g, IRTemp t, X64Reg r);
/* A free register from `allowed`, locked, not bound to any temp; spills
 * the least recently used when none is free. */
X64Reg x64_ra_alloc(X64Gen *g, uint16_t allowed);
/* Makes r free (moving its temp to a free register among `to`, or
 * spilling it) and locks it. */
void x64_ra_evict(X64Gen *g, X64Reg r, uint16_t to);

/* The current op's input argument argi (an args[] index), already loaded
 * in register r: when its value is not needed after this op, detaches
 * the temp from r and returns r for the op to overwrite; else X64_NOREG. */
X64Reg x64_ra_take(X64Gen *g, unsigned argi, X64Reg r);
/* A register for an output that starts as a copy of input argi (loaded
 * in r): r itself when the input may be overwritten, else a fresh copy. */
X64Reg x64_ra_out_copy(X64Gen *g, unsigned argi, X64Reg r, bool w64);
/* A register for an output that the op writes whole: the register of
 * input argi (in r) when it may be overwritten, else a free one. */
X64Reg x64_ra_out_new(X64Gen *g, unsigned argi, X64Reg r);

/* Binds output outi of the current op to register r (its value now). */
void x64_ra_bind_out(X64Gen *g, unsigned outi, X64Reg r);
/* Output outi of the current op is the constant v. */
void x64_ra_set_const_out(X64Gen *g, unsigned outi, uint64_t v);
/* Releases the inputs of the current op that die here. */
void x64_ra_free_dead_inputs(X64Gen *g);

/* Stores every global whose env copy is stale; registers keep theirs. */
void x64_ra_sync_globals(X64Gen *g);
/* After a helper that may write globals: forget every register copy. */
void x64_ra_drop_globals(X64Gen *g);
/* End of a basic block: globals synced and, if save_temps, every normal
 * temp with a value (except inputs dying here) written to its slot. */
void x64_ra_bb_end(X64Gen *g, bool save_temps);
/* At a label: no register holds anything any more. */
void x64_ra_forget_all(X64Gen *g);
/* Before an env access of [offset, offset + size): globals overlapping it
 * are stored if stale and, if drop (a store), forgotten afterwards by
 * x64_ra_drop_env_range. */
void x64_ra_sync_env_range(X64Gen *g, int64_t offset, unsigned size);
void x64_ra_drop_env_range(X64Gen *g, int64_t offset, unsigned size);

/* Helper calls: before the argument moves, get every value that must
 * survive out of call-clobbered registers (moved to a free callee-saved
 * one or made coherent in memory).  globals_dropped: the call may write
 * globals, so their register copies need not survive. */
void x64_ra_call_save(X64Gen *g, bool globals_dropped);
/* After the call: call-clobbered registers hold nothing. */
void x64_ra_call_clobber(X64Gen *g);
/* Where t lives in memory (assigning a frame slot to a normal temp). */
X64Mem x64_ra_home(X64Gen *g, IRTemp t);

#endif
