/*
 * mimic's intermediate representation.
 *
 * A translation block is translated into one IRFunc: a flat array of ops
 * over temps.  Temp 0 is the env pointer (the CPUState of the running
 * vCPU); temps 1 .. nb_globals-1 are the target's globals, each backed by a
 * field of the CPU state at a fixed offset from env; the rest are the
 * block's own temps.  Every temp may be used anywhere in the block after
 * it is written on every path.  Values of type IR_I32 occupy the low 32
 * bits; both backends keep the upper half zero.
 *
 * Ops are declared once in ir-ops.def and specified in docs/ir.md.
 * Frontends may emit naive IR (redundant moves, constant operands,
 * flag computations nobody reads): jit/opt.c folds, propagates and
 * deletes it.
 */
#ifndef MIMIC_JIT_IR_H
#define MIMIC_JIT_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum IRType { IR_I32 = 0, IR_I64 = 1 } IRType;

typedef uint32_t IRTemp;
#define IR_TEMP_ENV  0u
#define IR_TEMP_NONE UINT32_MAX

/* op flags, used by ir-ops.def */
enum {
    IR_OPF_BB_END       = 1 << 0,
    IR_OPF_BB_START     = 1 << 1,
    IR_OPF_TB_EXIT      = 1 << 2,
    IR_OPF_SIDE_EFFECTS = 1 << 3,
    IR_OPF_MAY_RAISE    = 1 << 4,
    IR_OPF_CALL         = 1 << 5,
    IR_OPF_I64_ONLY     = 1 << 6,
    IR_OPF_I32_ONLY     = 1 << 7,
    IR_OPF_NOT_TYPED    = 1 << 8,
};

typedef enum IROpcode {
#define DEF(name, nout, nin, nconst, flags) IR_OP_##name,
#include "ir-ops.def"
#undef DEF
    IR_OP_COUNT
} IROpcode;

typedef struct IROpDef {
    const char *name;
    uint8_t nb_out, nb_in, nb_const;
    uint16_t flags;
} IROpDef;

extern const IROpDef ir_op_defs[IR_OP_COUNT];

/* Comparison for setcond, movcond and brcond. */
typedef enum IRCond {
    IR_COND_NEVER,
    IR_COND_ALWAYS,
    IR_COND_EQ,
    IR_COND_NE,
    IR_COND_LT,   /* signed */
    IR_COND_GE,
    IR_COND_LE,
    IR_COND_GT,
    IR_COND_LTU,  /* unsigned */
    IR_COND_GEU,
    IR_COND_LEU,
    IR_COND_GTU,
    IR_COND_TSTEQ, /* (a & b) == 0 */
    IR_COND_TSTNE, /* (a & b) != 0 */
    IR_COND_COUNT
} IRCond;

IRCond ir_cond_invert(IRCond c);
IRCond ir_cond_swap(IRCond c);   /* cond(a, b) == swap(cond)(b, a) */
bool ir_cond_eval(IRCond c, IRType t, uint64_t a, uint64_t b);

/* Memory access description for ld_env/st_env/guest_ld/guest_st. */
typedef enum IRMemOp {
    IR_MO_8 = 0,
    IR_MO_16 = 1,
    IR_MO_32 = 2,
    IR_MO_64 = 3,
    IR_MO_SIZE = 3,      /* mask: log2 of the access size */
    IR_MO_SIGN = 4,      /* sign-extend loads to the op's type */
    IR_MO_BE = 8,        /* big-endian guest access (guest_ld/st only) */
} IRMemOp;

/* Ordering bits for mb. */
enum {
    IR_MB_LD_LD = 1,
    IR_MB_LD_ST = 2,
    IR_MB_ST_LD = 4,
    IR_MB_ST_ST = 8,
    IR_MB_ALL = 15,
};

/* Declared effects of a helper call.  0 is the safe default: the helper
 * may read and write globals through env, has side effects and may raise
 * (leave the block by longjmp through cpu_loop_exit). */
enum {
    IR_CALL_NO_READ_GLOBALS  = 1 << 0,
    IR_CALL_NO_WRITE_GLOBALS = 1 << 1,
    IR_CALL_NO_SIDE_EFFECTS  = 1 << 2, /* pure: removed when its result is dead */
    IR_CALL_NO_RAISE         = 1 << 3,
};
#define IR_CALL_MAX_ARGS 6
#define IR_CALL_PURE (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | \
                      IR_CALL_NO_SIDE_EFFECTS | IR_CALL_NO_RAISE)

/* Words carried by insn_start: the guest pc and two target words. */
#define IR_INSN_START_WORDS 3

/* Upper bound on operands of one op: a call has 1 output, 6 inputs and 2
 * constants. */
#define IR_MAX_ARGS 10

typedef struct IROp {
    uint8_t opc;        /* IROpcode */
    uint8_t type;       /* IRType */
    uint8_t nb_out;     /* copied from the definition, or the call's shape */
    uint8_t nb_in;
    /* Set by the liveness pass: bit i set means args[i] (an output or an
     * input) is not read again after this op. */
    uint32_t life;
    uint64_t args[IR_MAX_ARGS];  /* outputs, inputs, constants */
} IROp;

static inline unsigned ir_op_nb_const(const IROp *op)
{
    return ir_op_defs[op->opc].nb_const;
}
static inline uint64_t ir_op_const(const IROp *op, unsigned i)
{
    return op->args[op->nb_out + op->nb_in + i];
}
static inline IRTemp ir_op_in(const IROp *op, unsigned i)
{
    return (IRTemp)op->args[op->nb_out + i];
}
static inline IRTemp ir_op_out(const IROp *op, unsigned i)
{
    return (IRTemp)op->args[i];
}
static inline bool ir_op_arg_dead(const IROp *op, unsigned argi)
{
    return (op->life >> argi) & 1;
}

typedef enum IRTempKind {
    IR_TEMP_KIND_FIXED,   /* env: lives in a reserved host register */
    IR_TEMP_KIND_GLOBAL,  /* backed by the CPU state at `offset` */
    IR_TEMP_KIND_NORMAL,  /* the block's own */
} IRTempKind;

typedef struct IRTempInfo {
    uint8_t type;         /* IRType */
    uint8_t kind;         /* IRTempKind */
    int32_t offset;       /* globals: byte offset from env */
    const char *name;     /* globals: for dumps */
} IRTempInfo;

/* A target's global, declared once in a table. */
typedef struct IRGlobalDef {
    IRType type;
    int32_t offset;
    const char *name;
} IRGlobalDef;

typedef struct IRFunc {
    IROp *ops;
    uint32_t nb_ops, max_ops;
    IRTempInfo *temps;
    uint32_t nb_temps, max_temps;
    uint32_t nb_globals;   /* temps [0, nb_globals) are env and globals */
    uint32_t nb_labels;
    uint32_t nb_insns;     /* number of insn_start ops */
    IRType addr_type;      /* type of guest addresses in guest_ld/st */
    bool overflow;         /* ran out of ops or temps: retry with a shorter block */
} IRFunc;

/* Allocates room for max_ops ops and max_temps temps. */
void ir_func_init(IRFunc *f, uint32_t max_ops, uint32_t max_temps);
void ir_func_destroy(IRFunc *f);
/* Starts a new block: env, then the globals of the table, in order; the
 * global globals[i] is temp i + 1. */
void ir_func_begin(IRFunc *f, const IRGlobalDef *globals, unsigned nb_globals,
                   IRType addr_type);

IRTemp ir_new_temp(IRFunc *f, IRType type);
uint32_t ir_new_label(IRFunc *f);
static inline IRType ir_temp_type(const IRFunc *f, IRTemp t)
{
    return (IRType)f->temps[t].type;
}
static inline bool ir_temp_is_global(const IRFunc *f, IRTemp t)
{
    return f->temps[t].kind == IR_TEMP_KIND_GLOBAL;
}

/* Appends an op with its operands zeroed; on overflow returns a scratch
 * op that is not part of the block and sets f->overflow. */
IROp *ir_emit(IRFunc *f, IROpcode opc, IRType type);

/* Builders, one per operand shape. */
void ir_gen_mov(IRFunc *f, IRType t, IRTemp d, IRTemp a);
void ir_gen_movi(IRFunc *f, IRType t, IRTemp d, uint64_t val);
void ir_gen_op1(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a);
void ir_gen_op2(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, IRTemp b);
/* d = a OP imm, through a fresh constant temp. */
void ir_gen_op2i(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, uint64_t imm);
void ir_gen_mul2(IRFunc *f, IROpcode opc, IRType t, IRTemp lo, IRTemp hi,
                 IRTemp a, IRTemp b);
void ir_gen_setcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b);
void ir_gen_movcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b,
                    IRTemp v1, IRTemp v2);
void ir_gen_deposit(IRFunc *f, IRType t, IRTemp d, IRTemp a, IRTemp b,
                    unsigned pos, unsigned len);
void ir_gen_extract(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a,
                    unsigned pos, unsigned len);
void ir_gen_ld_env(IRFunc *f, IRType t, IRTemp d, int32_t offset, unsigned memop);
void ir_gen_st_env(IRFunc *f, IRType t, IRTemp v, int32_t offset, unsigned memop);
void ir_gen_guest_ld(IRFunc *f, IRType t, IRTemp d, IRTemp addr, unsigned memop);
void ir_gen_guest_st(IRFunc *f, IRType t, IRTemp v, IRTemp addr, unsigned memop);
void ir_gen_mb(IRFunc *f, unsigned bits);
void ir_gen_set_label(IRFunc *f, uint32_t label);
void ir_gen_br(IRFunc *f, uint32_t label);
void ir_gen_brcond(IRFunc *f, IRType t, IRCond c, IRTemp a, IRTemp b, uint32_t label);
/* ret may be IR_TEMP_NONE; ret_type is the type of ret. */
void ir_gen_call(IRFunc *f, void *fn, unsigned call_flags, IRType ret_type,
                 IRTemp ret, unsigned nargs, const IRTemp *args);
void ir_gen_insn_start(IRFunc *f, uint64_t pc, uint64_t w1, uint64_t w2);
void ir_gen_goto_tb(IRFunc *f, unsigned slot);
void ir_gen_exit_tb(IRFunc *f);
void ir_gen_lookup_and_goto(IRFunc *f);

/* Checks operand counts, temp indices, types and labels.  Returns true
 * when f is well formed; otherwise writes a reason to err. */
bool ir_validate(const IRFunc *f, char *err, size_t errlen);

/* Human-readable listing, for -d op and -d op_opt. */
void ir_dump(const IRFunc *f, FILE *out);
const char *ir_cond_name(IRCond c);

/* Width helpers. */
static inline uint64_t ir_type_mask(IRType t)
{
    return t == IR_I32 ? 0xffffffffull : ~0ull;
}
static inline unsigned ir_type_bits(IRType t)
{
    return t == IR_I32 ? 32 : 64;
}

#endif
