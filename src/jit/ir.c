/*
 * The IR builder: op definitions, blocks, temps, labels and one builder
 * per operand shape.
 *
 * Running out of room never writes past an array: ops and temps are
 * allocated with one spare slot each.  Once the block overflows, every
 * further op goes to the spare op (not part of the block) and every new
 * temp is the spare temp, so a frontend can finish its instruction
 * without checking, and the translator retries with a shorter block
 * when it sees f->overflow.
 */
#include "jit/ir.h"
#include "jit/ir-eval.h"

#include <stdlib.h>
#include <string.h>

const IROpDef ir_op_defs[IR_OP_COUNT] = {
#define DEF(name_, nout, nin, nconst, flags_) \
    [IR_OP_##name_] = { #name_, nout, nin, nconst, flags_ },
#include "jit/ir-ops.def"
#undef DEF
};

/* One entry per DEF line: a def missing from the table would leave a
 * zeroed entry, which this count catches together with the enum. */
enum {
#define DEF(name_, nout, nin, nconst, flags_) IR_DEF_COUNT_##name_,
#include "jit/ir-ops.def"
#undef DEF
    IR_DEF_COUNT
};
_Static_assert((int)IR_DEF_COUNT == (int)IR_OP_COUNT, "ir_op_defs must cover every op");

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "mimic: error: out of memory (IR buffers)\n");
        abort();
    }
    return p;
}

void ir_func_init(IRFunc *f, uint32_t max_ops, uint32_t max_temps)
{
    memset(f, 0, sizeof(*f));
    if (max_temps < 1)
        max_temps = 1;
    f->ops = xcalloc((size_t)max_ops + 1, sizeof(IROp));
    f->temps = xcalloc((size_t)max_temps + 1, sizeof(IRTempInfo));
    f->max_ops = max_ops;
    f->max_temps = max_temps;
}

void ir_func_destroy(IRFunc *f)
{
    free(f->ops);
    free(f->temps);
    memset(f, 0, sizeof(*f));
}

void ir_func_begin(IRFunc *f, const IRGlobalDef *globals, unsigned nb_globals,
                   IRType addr_type)
{
    f->nb_ops = 0;
    f->nb_labels = 0;
    f->nb_insns = 0;
    f->addr_type = addr_type;
    f->overflow = false;

    f->temps[IR_TEMP_ENV] = (IRTempInfo){
        .type = IR_I64, .kind = IR_TEMP_KIND_FIXED, .offset = 0, .name = "env",
    };
    f->nb_temps = 1;
    for (unsigned i = 0; i < nb_globals; i++) {
        if (f->nb_temps >= f->max_temps) {
            f->overflow = true;
            break;
        }
        f->temps[f->nb_temps++] = (IRTempInfo){
            .type = (uint8_t)globals[i].type,
            .kind = IR_TEMP_KIND_GLOBAL,
            .offset = globals[i].offset,
            .name = globals[i].name,
        };
    }
    f->nb_globals = f->nb_temps;
}

IRTemp ir_new_temp(IRFunc *f, IRType type)
{
    IRTemp t;
    if (f->nb_temps >= f->max_temps) {
        f->overflow = true;
        t = f->max_temps;   /* the spare slot */
    } else {
        t = f->nb_temps++;
    }
    f->temps[t] = (IRTempInfo){ .type = (uint8_t)type, .kind = IR_TEMP_KIND_NORMAL };
    return t;
}

uint32_t ir_new_label(IRFunc *f)
{
    return f->nb_labels++;
}

IROp *ir_emit(IRFunc *f, IROpcode opc, IRType type)
{
    IROp *op;
    if (f->overflow || f->nb_ops >= f->max_ops) {
        f->overflow = true;
        op = &f->ops[f->max_ops];
    } else {
        op = &f->ops[f->nb_ops++];
    }
    memset(op, 0, sizeof(*op));
    op->opc = (uint8_t)opc;
    op->type = (uint8_t)type;
    op->nb_out = ir_op_defs[opc].nb_out;
    op->nb_in = ir_op_defs[opc].nb_in;
    return op;
}

void ir_gen_mov(IRFunc *f, IRType t, IRTemp d, IRTemp a)
{
    IROp *op = ir_emit(f, IR_OP_mov, t);
    op->args[0] = d;
    op->args[1] = a;
}

void ir_gen_movi(IRFunc *f, IRType t, IRTemp d, uint64_t val)
{
    IROp *op = ir_emit(f, IR_OP_movi, t);
    op->args[0] = d;
    op->args[1] = val & ir_type_mask(t);
}

void ir_gen_op1(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a)
{
    IROp *op = ir_emit(f, opc, t);
    op->args[0] = d;
    op->args[1] = a;
}

void ir_gen_op2(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, IRTemp b)
{
    IROp *op = ir_emit(f, opc, t);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
}

void ir_gen_op2i(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, uint64_t imm)
{
    IRTemp c = ir_new_temp(f, t);
    ir_gen_movi(f, t, c, imm);
    ir_gen_op2(f, opc, t, d, a, c);
}

void ir_gen_mul2(IRFunc *f, IROpcode opc, IRType t, IRTemp lo, IRTemp hi,
                 IRTemp a, IRTemp b)
{
    IROp *op = ir_emit(f, opc, t);
    op->args[0] = lo;
    op->args[1] = hi;
    op->args[2] = a;
    op->args[3] = b;
}

void ir_gen_setcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b)
{
    IROp *op = ir_emit(f, IR_OP_setcond, t);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = c;
}

void ir_gen_movcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b,
                    IRTemp v1, IRTemp v2)
{
    IROp *op = ir_emit(f, IR_OP_movcond, t);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = v1;
    op->args[4] = v2;
    op->args[5] = c;
}

void ir_gen_deposit(IRFunc *f, IRType t, IRTemp d, IRTemp a, IRTemp b,
                    unsigned pos, unsigned len)
{
    IROp *op = ir_emit(f, IR_OP_deposit, t);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = pos;
    op->args[4] = len;
}

void ir_gen_extract(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a,
                    unsigned pos, unsigned len)
{
    IROp *op = ir_emit(f, opc, t);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = pos;
    op->args[3] = len;
}

void ir_gen_ld_env(IRFunc *f, IRType t, IRTemp d, int32_t offset, unsigned memop)
{
    IROp *op = ir_emit(f, IR_OP_ld_env, t);
    op->args[0] = d;
    op->args[1] = (uint64_t)(int64_t)offset;
    op->args[2] = memop;
}

void ir_gen_st_env(IRFunc *f, IRType t, IRTemp v, int32_t offset, unsigned memop)
{
    IROp *op = ir_emit(f, IR_OP_st_env, t);
    op->args[0] = v;
    op->args[1] = (uint64_t)(int64_t)offset;
    op->args[2] = memop;
}

void ir_gen_guest_ld(IRFunc *f, IRType t, IRTemp d, IRTemp addr, unsigned memop)
{
    IROp *op = ir_emit(f, IR_OP_guest_ld, t);
    op->args[0] = d;
    op->args[1] = addr;
    op->args[2] = memop;
}

void ir_gen_guest_st(IRFunc *f, IRType t, IRTemp v, IRTemp addr, unsigned memop)
{
    IROp *op = ir_emit(f, IR_OP_guest_st, t);
    op->args[0] = v;
    op->args[1] = addr;
    op->args[2] = memop;
}

void ir_gen_mb(IRFunc *f, unsigned bits)
{
    IROp *op = ir_emit(f, IR_OP_mb, IR_I64);
    op->args[0] = bits;
}

void ir_gen_set_label(IRFunc *f, uint32_t label)
{
    IROp *op = ir_emit(f, IR_OP_set_label, IR_I64);
    op->args[0] = label;
}

void ir_gen_br(IRFunc *f, uint32_t label)
{
    IROp *op = ir_emit(f, IR_OP_br, IR_I64);
    op->args[0] = label;
}

void ir_gen_brcond(IRFunc *f, IRType t, IRCond c, IRTemp a, IRTemp b, uint32_t label)
{
    IROp *op = ir_emit(f, IR_OP_brcond, t);
    op->args[0] = a;
    op->args[1] = b;
    op->args[2] = c;
    op->args[3] = label;
}

void ir_gen_call(IRFunc *f, void *fn, unsigned call_flags, IRType ret_type,
                 IRTemp ret, unsigned nargs, const IRTemp *args)
{
    IROp *op = ir_emit(f, IR_OP_call, ret_type);
    unsigned i = 0;
    if (nargs > IR_CALL_MAX_ARGS) {
        /* Cannot be represented: make the block invalid rather than
         * silently dropping arguments. */
        f->overflow = true;
        nargs = IR_CALL_MAX_ARGS;
    }
    op->nb_out = ret != IR_TEMP_NONE ? 1 : 0;
    op->nb_in = (uint8_t)nargs;
    if (ret != IR_TEMP_NONE)
        op->args[i++] = ret;
    for (unsigned k = 0; k < nargs; k++)
        op->args[i++] = args[k];
    op->args[i++] = (uint64_t)(uintptr_t)fn;
    op->args[i] = call_flags;
}

void ir_gen_insn_start(IRFunc *f, uint64_t pc, uint64_t w1, uint64_t w2)
{
    IROp *op = ir_emit(f, IR_OP_insn_start, IR_I64);
    op->args[0] = pc;
    op->args[1] = w1;
    op->args[2] = w2;
    if (!f->overflow)
        f->nb_insns++;
}

void ir_gen_goto_tb(IRFunc *f, unsigned slot)
{
    IROp *op = ir_emit(f, IR_OP_goto_tb, IR_I64);
    op->args[0] = slot;
}

void ir_gen_exit_tb(IRFunc *f)
{
    ir_emit(f, IR_OP_exit_tb, IR_I64);
}

void ir_gen_lookup_and_goto(IRFunc *f)
{
    ir_emit(f, IR_OP_lookup_and_goto, IR_I64);
}

/* ---- conditions ---- */

IRCond ir_cond_invert(IRCond c)
{
    static const IRCond inv[IR_COND_COUNT] = {
        [IR_COND_NEVER] = IR_COND_ALWAYS, [IR_COND_ALWAYS] = IR_COND_NEVER,
        [IR_COND_EQ] = IR_COND_NE,        [IR_COND_NE] = IR_COND_EQ,
        [IR_COND_LT] = IR_COND_GE,        [IR_COND_GE] = IR_COND_LT,
        [IR_COND_LE] = IR_COND_GT,        [IR_COND_GT] = IR_COND_LE,
        [IR_COND_LTU] = IR_COND_GEU,      [IR_COND_GEU] = IR_COND_LTU,
        [IR_COND_LEU] = IR_COND_GTU,      [IR_COND_GTU] = IR_COND_LEU,
        [IR_COND_TSTEQ] = IR_COND_TSTNE,  [IR_COND_TSTNE] = IR_COND_TSTEQ,
    };
    return (unsigned)c < IR_COND_COUNT ? inv[c] : c;
}

IRCond ir_cond_swap(IRCond c)
{
    static const IRCond swp[IR_COND_COUNT] = {
        [IR_COND_NEVER] = IR_COND_NEVER,  [IR_COND_ALWAYS] = IR_COND_ALWAYS,
        [IR_COND_EQ] = IR_COND_EQ,        [IR_COND_NE] = IR_COND_NE,
        [IR_COND_LT] = IR_COND_GT,        [IR_COND_GE] = IR_COND_LE,
        [IR_COND_LE] = IR_COND_GE,        [IR_COND_GT] = IR_COND_LT,
        [IR_COND_LTU] = IR_COND_GTU,      [IR_COND_GEU] = IR_COND_LEU,
        [IR_COND_LEU] = IR_COND_GEU,      [IR_COND_GTU] = IR_COND_LTU,
        [IR_COND_TSTEQ] = IR_COND_TSTEQ,  [IR_COND_TSTNE] = IR_COND_TSTNE,
    };
    return (unsigned)c < IR_COND_COUNT ? swp[c] : c;
}

bool ir_cond_eval(IRCond c, IRType t, uint64_t a, uint64_t b)
{
    uint64_t m = ir_type_mask(t);
    return ir_eval_cond(c, t, a & m, b & m);
}

const char *ir_cond_name(IRCond c)
{
    static const char *const names[IR_COND_COUNT] = {
        [IR_COND_NEVER] = "never", [IR_COND_ALWAYS] = "always",
        [IR_COND_EQ] = "eq",       [IR_COND_NE] = "ne",
        [IR_COND_LT] = "lt",       [IR_COND_GE] = "ge",
        [IR_COND_LE] = "le",       [IR_COND_GT] = "gt",
        [IR_COND_LTU] = "ltu",     [IR_COND_GEU] = "geu",
        [IR_COND_LEU] = "leu",     [IR_COND_GTU] = "gtu",
        [IR_COND_TSTEQ] = "tsteq", [IR_COND_TSTNE] = "tstne",
    };
    return (unsigned)c < IR_COND_COUNT ? names[c] : "?";
}
