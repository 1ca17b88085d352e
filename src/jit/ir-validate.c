/*
 * ir_validate: the structural rules of docs/ir.md, checked op by op.
 *
 * Both backends and the optimizer assume a block passed this check;
 * the fuzz harness relies on it to reject every program whose meaning
 * the spec leaves undefined by construction (bad operands, types,
 * labels, field ranges, memops).  It does not prove that each temp is
 * written before it is read: that value is merely unspecified.
 */
#include "jit/ir.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct Checker {
    const IRFunc *f;
    char *err;
    size_t errlen;
    uint32_t opi;
} Checker;

static bool fail(Checker *c, const char *fmt, ...)
{
    if (c->err && c->errlen) {
        int n = snprintf(c->err, c->errlen, "op %u (%s): ", c->opi,
                         c->opi < c->f->nb_ops && c->f->ops[c->opi].opc < IR_OP_COUNT
                             ? ir_op_defs[c->f->ops[c->opi].opc].name : "?");
        if (n >= 0 && (size_t)n < c->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return false;
}

static bool check_temp(Checker *c, uint64_t t, IRType want, const char *what)
{
    if (t >= c->f->nb_temps)
        return fail(c, "%s temp %llu out of range (%u temps)", what,
                    (unsigned long long)t, c->f->nb_temps);
    if (c->f->temps[t].type != want)
        return fail(c, "%s temp %llu has type i%u, expected i%u", what,
                    (unsigned long long)t, ir_type_bits((IRType)c->f->temps[t].type),
                    ir_type_bits(want));
    return true;
}

static bool check_out(Checker *c, uint64_t t, IRType want)
{
    if (!check_temp(c, t, want, "output"))
        return false;
    if (c->f->temps[t].kind == IR_TEMP_KIND_FIXED)
        return fail(c, "writes the fixed temp %llu (env)", (unsigned long long)t);
    return true;
}

static bool check_memop(Checker *c, uint64_t mo, IRType t, bool env)
{
    if (mo & ~(uint64_t)(IR_MO_SIZE | IR_MO_SIGN | IR_MO_BE))
        return fail(c, "unknown memop bits 0x%llx", (unsigned long long)mo);
    if (env && (mo & IR_MO_BE))
        return fail(c, "IR_MO_BE on a CPU-state access");
    if ((8u << (mo & IR_MO_SIZE)) > ir_type_bits(t))
        return fail(c, "%u-bit access wider than the type",
                    8u << (unsigned)(mo & IR_MO_SIZE));
    return true;
}

static bool check_cond(Checker *c, uint64_t cond)
{
    if (cond >= IR_COND_COUNT)
        return fail(c, "bad condition %llu", (unsigned long long)cond);
    return true;
}

static bool check_field(Checker *c, uint64_t pos, uint64_t len, IRType t)
{
    unsigned w = ir_type_bits(t);
    if (len < 1 || pos >= w || len > w || pos + len > w)
        return fail(c, "bad bit field pos %llu len %llu at width %u",
                    (unsigned long long)pos, (unsigned long long)len, w);
    return true;
}

/* Operand types of every op; shapes and labels are checked elsewhere. */
static bool check_operands(Checker *c, const IROp *op)
{
    const IRFunc *f = c->f;
    IRType t = (IRType)op->type;
    const uint64_t *k = op->args + op->nb_out + op->nb_in;

    switch (op->opc) {
    case IR_OP_ext32s:
    case IR_OP_ext32u:
        return check_out(c, op->args[0], IR_I64) &&
               check_temp(c, op->args[1], IR_I32, "input");
    case IR_OP_extrl:
    case IR_OP_extrh:
        return check_out(c, op->args[0], IR_I32) &&
               check_temp(c, op->args[1], IR_I64, "input");
    case IR_OP_guest_ld:
        return check_out(c, op->args[0], t) &&
               check_temp(c, op->args[1], f->addr_type, "address") &&
               check_memop(c, k[0], t, false);
    case IR_OP_guest_st:
        return check_temp(c, op->args[0], t, "value") &&
               check_temp(c, op->args[1], f->addr_type, "address") &&
               check_memop(c, k[0], t, false);
    case IR_OP_call:
        if (op->nb_out > 1 || op->nb_in > IR_CALL_MAX_ARGS)
            return fail(c, "call with %u results and %u arguments",
                        op->nb_out, op->nb_in);
        if (op->nb_out && !check_out(c, op->args[0], t))
            return false;
        for (unsigned i = 0; i < op->nb_in; i++) {
            if (op->args[op->nb_out + i] >= f->nb_temps)
                return fail(c, "argument %u: temp out of range", i);
        }
        if (k[0] == 0)
            return fail(c, "call to a null function");
        if (k[1] & ~(uint64_t)IR_CALL_PURE)
            return fail(c, "unknown call flags 0x%llx", (unsigned long long)k[1]);
        return true;
    default:
        break;
    }

    for (unsigned i = 0; i < op->nb_out; i++) {
        if (!check_out(c, op->args[i], t))
            return false;
    }
    for (unsigned i = 0; i < op->nb_in; i++) {
        if (!check_temp(c, op->args[op->nb_out + i], t, "input"))
            return false;
    }

    switch (op->opc) {
    case IR_OP_movi:
        if (k[0] & ~ir_type_mask(t))
            return fail(c, "constant 0x%llx wider than the type", (unsigned long long)k[0]);
        return true;
    case IR_OP_mulu2:
    case IR_OP_muls2:
        if (op->args[0] == op->args[1])
            return fail(c, "both results in the same temp");
        return true;
    case IR_OP_setcond:
    case IR_OP_movcond:
    case IR_OP_brcond:
        return check_cond(c, k[0]);
    case IR_OP_deposit:
        return check_field(c, k[0], k[1], t);
    case IR_OP_extract:
    case IR_OP_sextract:
        return check_field(c, k[0], k[1], t);
    case IR_OP_ld_env:
    case IR_OP_st_env:
        if ((int64_t)k[0] != (int32_t)k[0])
            return fail(c, "env offset does not fit 32 bits");
        return check_memop(c, k[1], t, true);
    case IR_OP_mb:
        if (k[0] & ~(uint64_t)IR_MB_ALL)
            return fail(c, "unknown barrier bits 0x%llx", (unsigned long long)k[0]);
        return true;
    case IR_OP_goto_tb:
        if (k[0] > 1)
            return fail(c, "goto_tb slot %llu", (unsigned long long)k[0]);
        return true;
    default:
        return true;
    }
}

/* Label id of a set_label/br/brcond, or UINT64_MAX for other ops. */
static uint64_t op_label(const IROp *op)
{
    switch (op->opc) {
    case IR_OP_set_label:
    case IR_OP_br:
        return op->args[0];
    case IR_OP_brcond:
        return op->args[3];
    default:
        return UINT64_MAX;
    }
}

bool ir_validate(const IRFunc *f, char *err, size_t errlen)
{
    Checker c = { .f = f, .err = err, .errlen = errlen, .opi = 0 };
    uint32_t nb_insns = 0;
    uint8_t *label_set = NULL, *label_used = NULL;
    bool ok = false;
    int last_real = -1;

    if (err && errlen)
        err[0] = '\0';
    if (f->overflow) {
        c.opi = f->nb_ops;
        return fail(&c, "block overflowed its buffers");
    }
    if (f->nb_globals < 1 || f->nb_globals > f->nb_temps) {
        c.opi = f->nb_ops;
        return fail(&c, "bad global count %u of %u temps", f->nb_globals, f->nb_temps);
    }
    if (f->addr_type != IR_I32 && f->addr_type != IR_I64) {
        c.opi = f->nb_ops;
        return fail(&c, "bad address type");
    }
    if (f->nb_labels) {
        label_set = calloc(f->nb_labels, 1);
        label_used = calloc(f->nb_labels, 1);
        if (!label_set || !label_used) {
            c.opi = f->nb_ops;
            fail(&c, "out of memory");
            goto out;
        }
    }

    for (c.opi = 0; c.opi < f->nb_ops; c.opi++) {
        const IROp *op = &f->ops[c.opi];
        const IROpDef *def;
        if (op->opc >= IR_OP_COUNT) {
            fail(&c, "bad opcode %u", op->opc);
            goto out;
        }
        def = &ir_op_defs[op->opc];
        if (!(def->flags & IR_OPF_NOT_TYPED) && op->type != IR_I32 && op->type != IR_I64) {
            fail(&c, "bad type %u", op->type);
            goto out;
        }
        if ((def->flags & IR_OPF_I64_ONLY) && op->type != IR_I64) {
            fail(&c, "only valid at i64");
            goto out;
        }
        if ((def->flags & IR_OPF_I32_ONLY) && op->type != IR_I32) {
            fail(&c, "only valid at i32");
            goto out;
        }
        if (!(def->flags & IR_OPF_CALL) &&
            (op->nb_out != def->nb_out || op->nb_in != def->nb_in)) {
            fail(&c, "operand counts %u/%u, expected %u/%u", op->nb_out, op->nb_in,
                 def->nb_out, def->nb_in);
            goto out;
        }
        if ((unsigned)op->nb_out + op->nb_in + def->nb_const > IR_MAX_ARGS) {
            fail(&c, "too many operands");
            goto out;
        }
        if (!check_operands(&c, op))
            goto out;

        uint64_t label = op_label(op);
        if (label != UINT64_MAX) {
            if (label >= f->nb_labels) {
                fail(&c, "label %llu out of range (%u labels)",
                     (unsigned long long)label, f->nb_labels);
                goto out;
            }
            if (op->opc == IR_OP_set_label) {
                if (label_set[label]) {
                    fail(&c, "label L%llu set twice", (unsigned long long)label);
                    goto out;
                }
                label_set[label] = 1;
            } else {
                label_used[label] = 1;
            }
        }
        if (op->opc == IR_OP_insn_start)
            nb_insns++;
        if (op->opc != IR_OP_nop)
            last_real = (int)c.opi;
    }

    for (uint32_t l = 0; l < f->nb_labels; l++) {
        if (label_used[l] && !label_set[l]) {
            fail(&c, "label L%u is used but never set", l);
            goto out;
        }
    }
    if (nb_insns != f->nb_insns) {
        fail(&c, "%u insn_start ops but nb_insns is %u", nb_insns, f->nb_insns);
        goto out;
    }
    /* Control must never run off the end of the block. */
    if (last_real < 0) {
        fail(&c, "empty block");
        goto out;
    }
    {
        const IROp *last = &f->ops[last_real];
        if (last->opc != IR_OP_br && !(ir_op_defs[last->opc].flags & IR_OPF_TB_EXIT)) {
            c.opi = (uint32_t)last_real;
            fail(&c, "block does not end with br or a block exit");
            goto out;
        }
    }
    ok = true;
out:
    free(label_set);
    free(label_used);
    return ok;
}
