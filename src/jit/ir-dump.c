/*
 * ir_dump: one op per line, in the operand order of ir-ops.def.
 *
 *   add_i32 t12, eax, t11
 *   movi_i64 t3, $0xffffffff80000000
 *   ld_env_i32 t4, env+0x20, u32
 *   brcond_i32 t4, t5, ltu, L2
 *   L2:
 *
 * Globals appear by name, env as "env", block temps as tN, constants in
 * hex.  After opt_liveness, "; dead t4, t5" lists the operands whose
 * life bit says they are not read again.
 */
#include "jit/ir.h"

#include <inttypes.h>

static void put_temp(const IRFunc *f, FILE *out, uint64_t t)
{
    if (t >= f->nb_temps) {
        fprintf(out, "t?%" PRIu64, t);
        return;
    }
    const IRTempInfo *ti = &f->temps[t];
    if (ti->kind == IR_TEMP_KIND_FIXED)
        fputs(ti->name ? ti->name : "env", out);
    else if (ti->kind == IR_TEMP_KIND_GLOBAL && ti->name)
        fputs(ti->name, out);
    else
        fprintf(out, "t%" PRIu64, t);
}

static void put_memop(FILE *out, uint64_t mo)
{
    fprintf(out, "%c%u%s", (mo & IR_MO_SIGN) ? 's' : 'u',
            8u << (unsigned)(mo & IR_MO_SIZE), (mo & IR_MO_BE) ? "be" : "");
}

static void put_cond(FILE *out, uint64_t c)
{
    if (c < IR_COND_COUNT)
        fputs(ir_cond_name((IRCond)c), out);
    else
        fprintf(out, "cond?%" PRIu64, c);
}

static void put_temps(const IRFunc *f, FILE *out, const IROp *op, unsigned from,
                      unsigned n, bool *first)
{
    for (unsigned i = 0; i < n; i++) {
        fputs(*first ? " " : ", ", out);
        *first = false;
        put_temp(f, out, op->args[from + i]);
    }
}

static void dump_op(const IRFunc *f, FILE *out, const IROp *op)
{
    if (op->opc >= IR_OP_COUNT) {
        fprintf(out, "bad_opcode_%u\n", op->opc);
        return;
    }
    const IROpDef *def = &ir_op_defs[op->opc];
    const uint64_t *k = op->args + op->nb_out + op->nb_in;
    bool first = true;

    switch (op->opc) {
    case IR_OP_set_label:
        fprintf(out, "L%" PRIu64 ":\n", k[0]);
        return;
    case IR_OP_insn_start:
        fprintf(out, " ---- insn_start pc=0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 "\n",
                k[0], k[1], k[2]);
        return;
    case IR_OP_call:
        fprintf(out, "call_i%u ", ir_type_bits((IRType)op->type));
        if (op->nb_out) {
            put_temp(f, out, op->args[0]);
            fputs(" = ", out);
        }
        fprintf(out, "$0x%" PRIx64 "(", k[0]);
        for (unsigned i = 0; i < op->nb_in; i++) {
            if (i)
                fputs(", ", out);
            put_temp(f, out, op->args[op->nb_out + i]);
        }
        fprintf(out, ") flags=0x%" PRIx64, k[1]);
        goto life;
    default:
        break;
    }

    if (def->flags & IR_OPF_NOT_TYPED)
        fputs(def->name, out);
    else
        fprintf(out, "%s_i%u", def->name, ir_type_bits((IRType)op->type));
    put_temps(f, out, op, 0, op->nb_out + op->nb_in, &first);

    const char *sep = first ? " " : ", ";
    switch (op->opc) {
    case IR_OP_setcond:
    case IR_OP_movcond:
        fputs(sep, out);
        put_cond(out, k[0]);
        break;
    case IR_OP_brcond:
        fputs(sep, out);
        put_cond(out, k[0]);
        fprintf(out, ", L%" PRIu64, k[1]);
        break;
    case IR_OP_br:
        fprintf(out, "%sL%" PRIu64, sep, k[0]);
        break;
    case IR_OP_deposit:
    case IR_OP_extract:
    case IR_OP_sextract:
        fprintf(out, "%spos=%" PRIu64 ", len=%" PRIu64, sep, k[0], k[1]);
        break;
    case IR_OP_ld_env:
    case IR_OP_st_env:
        fprintf(out, "%senv%c0x%" PRIx64 ", ", sep, (int64_t)k[0] < 0 ? '-' : '+',
                (int64_t)k[0] < 0 ? -k[0] : k[0]);
        put_memop(out, k[1]);
        break;
    case IR_OP_guest_ld:
    case IR_OP_guest_st:
        fputs(sep, out);
        put_memop(out, k[0]);
        break;
    case IR_OP_goto_tb:
        fprintf(out, "%s%" PRIu64, sep, k[0]);
        break;
    default:
        for (unsigned i = 0; i < def->nb_const; i++) {
            fprintf(out, "%s$0x%" PRIx64, sep, k[i]);
            sep = ", ";
        }
        break;
    }

life:
    if (op->life & ((1u << (op->nb_out + op->nb_in)) - 1)) {
        const char *s = "  ; dead ";
        for (unsigned i = 0; i < (unsigned)op->nb_out + op->nb_in; i++) {
            if (ir_op_arg_dead(op, i)) {
                fputs(s, out);
                put_temp(f, out, op->args[i]);
                s = ", ";
            }
        }
    }
    fputc('\n', out);
}

void ir_dump(const IRFunc *f, FILE *out)
{
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        if (f->ops[i].opc == IR_OP_nop)
            continue;
        if (f->ops[i].opc != IR_OP_set_label && f->ops[i].opc != IR_OP_insn_start)
            fputs("  ", out);
        dump_op(f, out, &f->ops[i]);
    }
}
