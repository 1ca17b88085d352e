/*
 * The i386 translator's internal API: what every translate-*.c file of
 * src/targets/i386/ uses to turn one decoded instruction into IR.
 *
 * How an instruction flows
 * ------------------------
 * translate.c reads the prefixes, the opcode and (when the table row
 * needs one) the ModRM/SIB/displacement, then the immediates, and fills an
 * I386Insn: the row of the decode table (decode-tables.c, written in the
 * SDM's operand notation), the resolved operand size, and up to three
 * operands already classified as register / memory / immediate / segment
 * register.  It then calls the row's handler, `void fn(I386DisasContext
 * *s, const I386Insn *insn)`.  The decoder has already checked what the
 * table says about the instruction (LOCK allowed, memory-only forms,
 * 15-byte limit, privileged), so handlers only emit IR.
 *
 * Operands are loaded with gen_load_operand() and written with
 * gen_store_operand(), which handle 8-bit high registers, 16-bit partial
 * writes and memory with the segment base applied.  Values are IR_I32
 * temps, zero-extended from the operand size.
 *
 * Precise exceptions: a fault inside an instruction (a guest_ld/guest_st
 * that faults on the host, or a helper calling cpu_raise with
 * HELPER_RETADDR()) is recovered from the instruction's insn_start words:
 * eip and cc_op go back to their values at the start of the instruction.
 * Registers and the cc_* globals are NOT rolled back, so every handler
 * orders its IR as: all loads and stores that may fault first, then the
 * register writes and the flag update (gen_set_cc*).  Example: POP
 * loads from [esp] before it adds to esp; ADD [mem],reg stores the sum
 * before writing cc_dst.
 *
 * Lazy flags
 * ----------
 * The six status flags are not computed when an instruction sets them.
 * The instruction stores its operands and result in the cc_dst, cc_src and
 * cc_src2 globals and the translator remembers, statically in s->cc_op,
 * which instruction it was (CC_OP_* below).  A later reader of the flags
 * asks gen_prepare_cc()/gen_cond() for one condition; for the common
 * pairs the answer is one comparison of the saved operands (after CMP
 * a,b a JL is `a <s b` with a = cc_dst + cc_src, b = cc_src), with no
 * flag ever materialised.  Only instructions that need all of EFLAGS
 * (PUSHF, LAHF, ...) call gen_compute_eflags(), which calls the pure
 * helper helper_cc_compute_all(cc_op, dst, src, src2).
 *
 * Because cc_dst/cc_src/cc_src2 are IR globals, a flag result that the
 * next instruction overwrites without reading is dead, and opt_liveness
 * deletes the code computing it: only the flag inputs that some reader
 * (or a block exit, or a possible fault) can see survive.
 *
 * The cc_op global itself is written only when needed: at block exits,
 * before helpers that read the flags at run time and before helpers that
 * return with a new cc_op (s->cc_op_dirty tracks it).  At a fault the
 * restore hook puts back the static cc_op recorded in word 1 of the
 * instruction's insn_start (CC_OP_DYNAMIC there means "the global is
 * already right").  A block starts with s->cc_op = CC_OP_DYNAMIC: the
 * value is in the global, and readers pass it to the helper.
 *
 * The CC_OP list: what cc_dst, cc_src and cc_src2 hold after each kind
 * of instruction.  The B/W/L variants (8/16/32-bit operands) of each
 * kind are consecutive, so CC_OP_ADDB + ot selects one (ot = IR_MO_8,
 * IR_MO_16 or IR_MO_32, i.e. 0, 1, 2).  "msb" is the operand size's top
 * bit; PF is always the even parity of the low byte of cc_dst, ZF and SF
 * come from cc_dst at the operand size unless stated.
 *
 *   DYNAMIC   translation time only: the cc_op global says which one.
 *   EFLAGS    cc_src = the six flags at their EFLAGS positions (bits of
 *             I386_CC_MASK; others zero).  cc_dst, cc_src2 unused.  For
 *             instructions whose flags a helper computed in full.
 *   CLR       flags of a zero result from XOR r,r / SUB r,r: ZF=PF=1,
 *             the others 0.  No operands.
 *   ADD       dst = result, src = second operand.  CF = dst <u src,
 *             AF = bit 4 of (dst ^ src ^ (dst - src)), OF from the signs.
 *   ADC       dst = result, src = second operand, src2 = carry in (0/1).
 *   SUB       dst = result, src = second operand (subtrahend); the first
 *             operand is dst + src.  CMP and NEG (first operand 0) too.
 *   SBB       dst = result, src = subtrahend, src2 = borrow in (0/1).
 *   LOGIC     dst = result; CF = OF = AF = 0.  AND OR XOR TEST.
 *   INC       dst = result, src = CF before the instruction (0/1), which
 *             INC leaves unchanged; OF = (dst == msb), AF = low nibble 0.
 *   DEC       dst = result, src = CF before; OF = (dst == msb - 1),
 *             AF = low nibble 0xf.
 *   SHL       dst = result, src = operand shifted left by count - 1:
 *             CF = msb of src, OF = msb of (src ^ dst), AF = 0.
 *   SAR       dst = result, src = operand shifted right by count - 1
 *             (SAR and SHR): CF = bit 0 of src, OF = msb of (src ^ dst),
 *             AF = 0.
 *   MUL       dst = low half of the product (at the operand size),
 *             src = nonzero when the result does not fit the low half:
 *             CF = OF = (src != 0); SF ZF PF from dst; AF = 0.
 *
 * A group whose flags do not fit one of these (rotates, BCD, BT...)
 * computes them in a helper and sets CC_OP_EFLAGS; a helper that needs
 * the current flags as input gets them from gen_compute_eflags().
 * Add a kind here (and to cc-helper.c) rather than bend one.
 *
 * Who implements what: translate.c (decoder, operands, flags, block
 * ends), decode-tables.c (the opcode maps), translate-*.c (groups).  The
 * groups of the helpers "i386x" (shifts, mul/div, BCD, bit ops, strings,
 * atomics) and "x87" are declared at the end of this file.
 */
#ifndef MIMIC_TARGETS_I386_TRANSLATE_H
#define MIMIC_TARGETS_I386_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/translator.h"
#include "targets/i386/cpu.h"

/* ---------------------------------------------------------------------
 * Globals: the IR temps of the target's globals (table in target.c).
 */
#define I386_TEMP_REG(r)   ((IRTemp)(r) + 1)    /* eax .. edi: temps 1..8 */
#define I386_TEMP_EIP      ((IRTemp)9)
#define I386_TEMP_CC_DST   ((IRTemp)10)
#define I386_TEMP_CC_SRC   ((IRTemp)11)
#define I386_TEMP_CC_SRC2  ((IRTemp)12)
#define I386_TEMP_CC_OP    ((IRTemp)13)
#define I386_TEMP_DF       ((IRTemp)14)         /* +1 / -1 */
#define I386_NB_GLOBALS    14

/* ---------------------------------------------------------------------
 * Lazy flags.
 */
typedef enum I386CCOp {
    CC_OP_DYNAMIC,
    CC_OP_EFLAGS,
    CC_OP_CLR,
    CC_OP_ADDB, CC_OP_ADDW, CC_OP_ADDL,
    CC_OP_ADCB, CC_OP_ADCW, CC_OP_ADCL,
    CC_OP_SUBB, CC_OP_SUBW, CC_OP_SUBL,
    CC_OP_SBBB, CC_OP_SBBW, CC_OP_SBBL,
    CC_OP_LOGICB, CC_OP_LOGICW, CC_OP_LOGICL,
    CC_OP_INCB, CC_OP_INCW, CC_OP_INCL,
    CC_OP_DECB, CC_OP_DECW, CC_OP_DECL,
    CC_OP_SHLB, CC_OP_SHLW, CC_OP_SHLL,
    CC_OP_SARB, CC_OP_SARW, CC_OP_SARL,
    CC_OP_MULB, CC_OP_MULW, CC_OP_MULL,
    CC_OP_NB
} I386CCOp;

/* Condition codes of Jcc/SETcc/CMOVcc: the low 4 bits of the opcode. */
enum {
    JCC_O, JCC_NO, JCC_B, JCC_NB, JCC_Z, JCC_NZ, JCC_BE, JCC_NBE,
    JCC_S, JCC_NS, JCC_P, JCC_NP, JCC_L, JCC_NL, JCC_LE, JCC_NLE,
};

/* All six status flags for a cc_op and its operands (EFLAGS positions).
 * Pure; cc-helper.c.  Also used by i386_get_eflags(). */
uint32_t helper_cc_compute_all(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2);
/* CF only (0/1). */
uint32_t helper_cc_compute_c(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2);

/* ---------------------------------------------------------------------
 * The decoded instruction.
 */

/* Prefixes seen (I386DisasContext.prefix). */
enum {
    I386_PREFIX_REPZ  = 1u << 0,   /* F3 */
    I386_PREFIX_REPNZ = 1u << 1,   /* F2 */
    I386_PREFIX_LOCK  = 1u << 2,   /* F0 */
    I386_PREFIX_DATA  = 1u << 3,   /* 66 */
    I386_PREFIX_ADR   = 1u << 4,   /* 67 */
};

/* Operand addressing methods (SDM vol. 2, A.2.1) and fixed operands. */
typedef enum I386OpMethod {
    I386_AM_NONE,
    I386_AM_A,      /* far pointer in the instruction (Ap) */
    I386_AM_C,      /* control register from ModRM.reg (Cd) */
    I386_AM_D,      /* debug register from ModRM.reg (Dd) */
    I386_AM_E,      /* ModRM r/m: general register or memory */
    I386_AM_G,      /* ModRM reg: general register */
    I386_AM_I,      /* immediate */
    I386_AM_J,      /* relative offset: the operand is the target eip */
    I386_AM_M,      /* ModRM r/m, memory only (#UD on a register) */
    I386_AM_O,      /* moffs: offset in the instruction, no ModRM */
    I386_AM_R,      /* ModRM r/m, register only */
    I386_AM_S,      /* ModRM reg: segment register (Sw) */
    I386_AM_Z,      /* general register in the opcode's low 3 bits */
    I386_AM_REG,    /* a fixed general register: AL, eAX, CL, DX ... */
    I386_AM_SEG,    /* a fixed segment register: ES CS SS DS FS GS */
    I386_AM_ONE,    /* the constant 1 (D0/D1 shifts) */
} I386OpMethod;

/* Operand size codes (SDM A.2.2). */
typedef enum I386OpSize {
    I386_SZ_NONE,   /* M without a size (LEA) */
    I386_SZ_b,      /* byte */
    I386_SZ_bs,     /* byte immediate sign-extended to the operand size */
    I386_SZ_w,      /* word */
    I386_SZ_d,      /* doubleword */
    I386_SZ_q,      /* quadword (memory only) */
    I386_SZ_v,      /* word or doubleword by operand size */
    I386_SZ_z,      /* same as v in 16/32-bit code */
    I386_SZ_p,      /* far pointer: 16:16 or 16:32 by operand size */
    I386_SZ_a,      /* two v operands in memory (BOUND) */
} I386OpSize;

typedef struct I386OpSpec {
    uint8_t method;     /* I386OpMethod */
    uint8_t size;       /* I386OpSize */
    uint8_t reg;        /* I386_AM_REG / I386_AM_SEG: the register */
} I386OpSpec;

/* Row flags (I386OpEntry.flags). */
enum {
    I386_F_MODRM   = 1u << 0,   /* has a ModRM byte (set for E/G/M/R/S/C/D operands too) */
    I386_F_LOCK    = 1u << 1,   /* LOCK allowed (with a memory destination) */
    I386_F_MEM     = 1u << 2,   /* ModRM must select memory, else #UD */
    I386_F_REG     = 1u << 3,   /* ModRM must select a register, else #UD */
    I386_F_PRIV    = 1u << 4,   /* privileged: #GP(0) at CPL 3 */
    I386_F_BYTEOP  = 1u << 5,   /* operand size is 8 bits whatever 66h says */
};

struct I386DisasContext;
struct I386Insn;
typedef void I386TransFn(struct I386DisasContext *s, const struct I386Insn *insn);

/* One row of a decode table. */
typedef struct I386OpEntry {
    const char *name;                  /* mnemonic, for logs */
    I386TransFn *trans;                /* NULL (and no group): #UD */
    const struct I386OpEntry *group;   /* 8 rows selected by ModRM.reg */
    I386OpSpec op[3];
    uint16_t flags;                    /* I386_F_* */
    uint16_t arg;                      /* for the handler (e.g. ALU operation) */
} I386OpEntry;

/* What a decoded operand is. */
typedef enum I386OpKind {
    I386_OPK_NONE,
    I386_OPK_REG,     /* general register `reg` (8-bit: 0-3 AL CL DL BL, 4-7 AH CH DH BH) */
    I386_OPK_MEM,     /* memory at insn->ea */
    I386_OPK_IMM,     /* `imm`, already extended as the notation says and masked to size */
    I386_OPK_SEG,     /* segment register `reg` (R_ES .. R_GS) */
    I386_OPK_CREG,    /* control register `reg` */
    I386_OPK_DREG,    /* debug register `reg` */
    I386_OPK_FAR,     /* Ap: imm = offset, sel = selector */
} I386OpKind;

typedef struct I386Operand {
    uint8_t kind;     /* I386OpKind */
    uint8_t size;     /* IR_MO_8 / IR_MO_16 / IR_MO_32 / IR_MO_64; for p: the offset's */
    uint8_t reg;
    uint16_t sel;
    uint32_t imm;     /* I: value; J: target eip (masked to 16 bits for 16-bit operands) */
} I386Operand;

/* A memory operand's address, as decoded. */
typedef struct I386Addr {
    int8_t base;      /* R_EAX .. R_EDI, or -1 */
    int8_t index;     /* R_EAX .. R_EDI, or -1 */
    uint8_t scale;    /* log2: index << scale */
    uint8_t seg;      /* segment after default and override (R_ES .. R_GS) */
    uint8_t aflag;    /* IR_MO_16: offset wraps at 64 KiB; IR_MO_32 */
    uint32_t disp;
} I386Addr;

typedef struct I386Insn {
    const I386OpEntry *entry;   /* the row (the group's row for groups) */
    uint16_t opcode;            /* 0x00-0xff one-byte map, 0x100 | b for 0F xx */
    uint8_t b;                  /* the last opcode byte */
    uint8_t ot;                 /* operand size: IR_MO_8 for byte forms, else s->dflag */
    bool has_modrm;
    uint8_t modrm, mod, reg, rm;
    bool mem;                   /* ModRM (or moffs) selects memory: ea is valid */
    I386Addr ea;
    uint8_t nb_ops;
    I386Operand op[3];
} I386Insn;

/* ---------------------------------------------------------------------
 * The translation context.
 */
typedef struct I386DisasContext {
    DisasContextBase base;      /* first */
    uint32_t cs_base;
    uint32_t flags;             /* the block's hflags (I386_HF_*) */
    bool code32, ss32, addseg;  /* from flags */
    uint32_t cur_eip;           /* eip of the instruction being translated */
    uint32_t next_eip;          /* eip after it (valid once decoded) */
    /* prefixes of the current instruction */
    uint32_t prefix;            /* I386_PREFIX_* */
    int override;               /* segment override R_ES .. R_GS, or -1 */
    uint8_t dflag;              /* operand size: IR_MO_16 or IR_MO_32 */
    uint8_t aflag;              /* address size: IR_MO_16 or IR_MO_32 */
    /* lazy flags */
    I386CCOp cc_op;             /* the flags' kind at this point of the block */
    bool cc_op_dirty;           /* the cc_op global does not hold cc_op yet */
    I386CCOp insn_cc_op;        /* cc_op at the start of the instruction */
    /* With cc_op SUB*: a temp of this block holding the subtraction's
     * first operand zero-extended (cc_dst + cc_src), so conditions need
     * not recompute it; IR_TEMP_NONE when unknown.  gen_set_cc() and
     * gen_set_cc_op() forget it. */
    IRTemp cc_srcT;
    /* Single-stepping: every block exit raises this trap (I386_EXCP_DB
     * for EFLAGS.TF, EXCP_DEBUG for a debugger's step, CF_DEBUG_STEP);
     * 0 when not stepping.  Blocks then hold one instruction. */
    int step_excp;
    /* Debugger watchpoints are set (CF_WATCH): every data access is
     * reported (gen_watch_access) and every exit checks for a hit. */
    bool watch;
} I386DisasContext;

/* ---------------------------------------------------------------------
 * Small IR helpers.  All values are IR_I32.
 */
IRTemp gen_temp(I386DisasContext *s);
IRTemp gen_const(I386DisasContext *s, uint32_t v);
/* A new temp holding a OPC b (or a OPC imm). */
IRTemp gen_op2(I386DisasContext *s, IROpcode opc, IRTemp a, IRTemp b);
IRTemp gen_op2i(I386DisasContext *s, IROpcode opc, IRTemp a, uint32_t imm);
/* Zero-extends v from size ot (IR_MO_8/16/32) into a new temp. */
IRTemp gen_ext(I386DisasContext *s, unsigned ot, IRTemp v, bool sign);

/* ---------------------------------------------------------------------
 * Registers and memory.
 */
/* A general register at size ot, zero-extended.  8-bit: reg 4-7 are
 * AH CH DH BH. */
IRTemp gen_load_reg(I386DisasContext *s, unsigned ot, int reg);
/* Writes the low ot bits of v into reg (8/16-bit writes keep the rest). */
void gen_store_reg(I386DisasContext *s, unsigned ot, int reg, IRTemp v);

/* Kinds of access, for segment checks: a write also needs a writable
 * segment.  I386_ACC_PIECES: the CPU makes the access in pieces (the
 * x87's 80-bit operands and environment/state images), so that a wrap
 * past 4 GiB shows up as the first piece's page fault, not a limit
 * fault. */
enum { I386_ACC_R = 1, I386_ACC_W = 2, I386_ACC_RW = 3, I386_ACC_PIECES = 4 };

/* Linear address of the memory operand (segment base added), for an
 * access of `size` bytes of kind acc (I386_ACC_*).  The access is
 * checked against the segment's limit and type first when the block's
 * flags say the segment is not flat (I386_HF_SEGCHK) or the block is
 * CF_STRICT; flat segments cost nothing. */
IRTemp gen_lea(I386DisasContext *s, const I386Insn *insn, unsigned size, unsigned acc);
/* The offset alone, as LEA computes it (wrapped to the address size). */
IRTemp gen_ea_offset(I386DisasContext *s, const I386Addr *ea);
/* offset (already wrapped to its size) + the base of segment seg when
 * the block's flags say it may be non-zero (FS/GS always; DS ES SS CS
 * with ADDSEG), after the segment check gen_lea describes. */
IRTemp gen_seg_addr(I386DisasContext *s, int seg, IRTemp offset, unsigned size, unsigned acc);
/* The segment to use for a default of `def`: the override if any. */
int gen_seg(I386DisasContext *s, int def);

/* Guest memory at a linear address; loads zero-extend (or sign-extend
 * to 32 bits with sign).  ot may be IR_MO_8/16/32. */
IRTemp gen_ld(I386DisasContext *s, unsigned ot, IRTemp addr, bool sign);
void gen_st(I386DisasContext *s, unsigned ot, IRTemp addr, IRTemp v);
/* With debugger watchpoints set (s->watch): reports a data access of
 * size bytes at linear address addr that a thunk or helper will make
 * (gen_ld and gen_st report their own). */
void gen_watch_access(I386DisasContext *s, IRTemp addr, unsigned size, bool write);

/* Operand i of the instruction, zero-extended from its size. */
IRTemp gen_load_operand(I386DisasContext *s, const I386Insn *insn, int i);
/* Writes operand i (a register or memory). */
void gen_store_operand(I386DisasContext *s, const I386Insn *insn, int i, IRTemp v);
/* Same, with the memory address already computed (read-modify-write:
 * compute gen_lea() once, load with gen_ld, store here). */
void gen_store_operand_at(I386DisasContext *s, const I386Insn *insn, int i,
                          IRTemp addr, IRTemp v);

/* Register with the address size (ECX/ESI/EDI for strings): read
 * zero-extended from aflag; add a (signed) value wrapping at aflag. */
IRTemp gen_load_areg(I386DisasContext *s, int reg);
void gen_add_areg(I386DisasContext *s, int reg, IRTemp delta);

/* ---------------------------------------------------------------------
 * Stack.  Pushes store before they move esp; pops load before.
 */
/* Address of the top of stack after pushing `ot` bytes (SS base added),
 * and the new esp value (wrapped to SP when the stack is 16-bit). */
void gen_push_addr(I386DisasContext *s, unsigned ot, IRTemp *addr, IRTemp *new_esp);
void gen_push(I386DisasContext *s, unsigned ot, IRTemp v);
/* Loads the value at the top of the stack without moving esp. */
IRTemp gen_pop_load(I386DisasContext *s, unsigned ot);
/* esp += bytes (wrapping at 16 bits with a 16-bit stack). */
void gen_esp_add(I386DisasContext *s, uint32_t bytes);

/* ---------------------------------------------------------------------
 * Flags.
 */
/* Sets the static cc_op (the globals must already hold its operands). */
void gen_set_cc_op(I386DisasContext *s, I386CCOp op);
/* The usual case: cc_dst = dst, cc_src = src (each if not IR_TEMP_NONE),
 * cc_src2 = src2 (if not IR_TEMP_NONE), then cc_op = op. */
void gen_set_cc(I386DisasContext *s, I386CCOp op, IRTemp dst, IRTemp src, IRTemp src2);
/* Writes the cc_op global if it is stale (before helpers that read it). */
void gen_update_cc_op(I386DisasContext *s);
/* Forgets the static cc_op: after a helper that wrote the cc_op global. */
void gen_cc_op_dynamic(I386DisasContext *s);
/* The six status flags (I386_CC_MASK bits) in a new temp. */
IRTemp gen_compute_eflags(I386DisasContext *s);
/* CF as 0/1. */
IRTemp gen_compute_cf(I386DisasContext *s);

/* A condition as one IR comparison: true when cond(a, b). */
typedef struct I386Cond {
    IRCond cond;
    IRTemp a, b;
} I386Cond;
I386Cond gen_prepare_cc(I386DisasContext *s, int jcc);
/* Condition jcc (JCC_*) as 0/1 in a new temp. */
IRTemp gen_cond(I386DisasContext *s, int jcc);

/* ---------------------------------------------------------------------
 * Exceptions and block ends.
 */
/* Emits a call raising the fault excp with error code err at the current
 * instruction (eip and cc_op restored to its start; it does not count).
 * Does not end the block: use under a branch, or call gen_exception. */
void gen_raise(I386DisasContext *s, int excp, uint32_t err);
/* A fault at the current instruction; ends the block. */
void gen_exception(I386DisasContext *s, int excp);
void gen_exception_err(I386DisasContext *s, int excp, uint32_t err);
/* A trap: the instruction completes, eip = s->next_eip, then excp is
 * reported (cpu->exception_next_eip = next_eip).  Ends the block. */
void gen_trap(I386DisasContext *s, int excp);
/* #UD / #GP(0) at the instruction. */
void gen_illegal(I386DisasContext *s);
void gen_privileged(I386DisasContext *s);

/* Continues at eip (direct, chainable through goto_tb slot). */
void gen_jmp(I386DisasContext *s, uint32_t eip, unsigned slot);
/* Continues at the eip in a temp (indirect: lookup_and_goto). */
void gen_jmp_temp(I386DisasContext *s, IRTemp eip);
/* Ends the block after this instruction and returns to the cpu loop, so
 * the next block is looked up with the new cpu state (hflags changed). */
void gen_end_block(I386DisasContext *s);
/* eip wrapped to 16 bits when the operand size is 16 (jump targets). */
uint32_t i386_mask_eip(I386DisasContext *s, uint32_t eip);

/* ---------------------------------------------------------------------
 * Calls to helpers.  gen_helper(s, fn, flags, ret, n, args...): args are
 * IRTemps (IR_TEMP_ENV for env); ret may be IR_TEMP_NONE.
 */
void gen_helper(I386DisasContext *s, void *fn, unsigned call_flags, IRTemp ret,
                unsigned nargs, ...);

/* ---------------------------------------------------------------------
 * Instruction groups of the other helpers, named by the decode tables.
 * The handler distinguishes the instructions of a group by insn->b,
 * insn->opcode and insn->reg.
 */
/* translate-shift.c: C0 C1 D0 D1 D2 D3 /0-/7 (ROL ROR RCL RCR SHL SHR
 * SAL SAR); op[0] = Eb/Ev, op[1] = Ib, the constant 1, or CL. */
I386TransFn i386_trans_shift_grp2;
/* 0F A4 Ev,Gv,Ib / 0F A5 Ev,Gv,CL and 0F AC / 0F AD */
I386TransFn i386_trans_shld;
I386TransFn i386_trans_shrd;
/* translate-muldiv.c: F6/F7 /4 MUL and /5 IMUL (one operand) */
I386TransFn i386_trans_mul_grp3;
/* 0F AF IMUL Gv,Ev; 69 IMUL Gv,Ev,Iz; 6B IMUL Gv,Ev,Ibs */
I386TransFn i386_trans_imul;
/* F6/F7 /6 DIV and /7 IDIV */
I386TransFn i386_trans_div;
/* translate-bcd.c: 27 DAA, 2F DAS, 37 AAA, 3F AAS, D4 AAM Ib, D5 AAD Ib */
I386TransFn i386_trans_bcd;
/* translate-bitop.c: 0F A3/AB/B3/BB BT/BTS/BTR/BTC Ev,Gv */
I386TransFn i386_trans_bt;
/* 0F BA /4-/7 BT/BTS/BTR/BTC Ev,Ib */
I386TransFn i386_trans_bt_grp8;
I386TransFn i386_trans_bsf;      /* 0F BC Gv,Ev */
I386TransFn i386_trans_bsr;      /* 0F BD Gv,Ev */
I386TransFn i386_trans_bswap;    /* 0F C8+r */
/* translate-string.c: A4/A5 MOVS, A6/A7 CMPS, AA/AB STOS, AC/AD LODS,
 * AE/AF SCAS, 6C/6D INS, 6E/6F OUTS, with s->prefix REPZ/REPNZ */
I386TransFn i386_trans_string;
/* translate-atomic.c */
I386TransFn i386_trans_xadd;     /* 0F C0 Eb,Gb / 0F C1 Ev,Gv */
I386TransFn i386_trans_cmpxchg;  /* 0F B0 Eb,Gb / 0F B1 Ev,Gv */
I386TransFn i386_trans_cmpxchg8b;/* 0F C7 /1 Mq */
/* translate-fpu.c: D8-DF with their ModRM forms; 9B FWAIT */
I386TransFn i386_trans_fpu;
I386TransFn i386_trans_fwait;
/* 0F AE /0 FXSAVE M, /1 FXRSTOR M (#UD without CPUID.FXSR) */
I386TransFn i386_trans_fxsave;

extern const TranslatorOps i386_translator_ops;

#endif
/* API READY */
