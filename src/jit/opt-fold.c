/*
 * opt_fold: constant folding and propagation, copy propagation and
 * algebraic simplification, in one forward pass over the block.
 *
 * What it must guarantee: the block computes exactly what it computed
 * before (docs/ir.md semantics, including division by zero and shift
 * counts), every temp read is still written on every path before the
 * read, and the op array keeps its shape (ops are rewritten in place;
 * only a folded mulu2/muls2 inserts one op, when there is room).
 *
 * Approach: each temp carries what the pass knows of its current value:
 * a constant, or membership in a ring of temps known to hold the same
 * value (made by mov).  Inputs are replaced by the ring's representative
 * (the oldest member, normally the source of the moves), so the moves
 * become dead and opt_liveness deletes them.  Writing a temp takes it
 * out of its ring and forgets its constant.  Knowledge is valid only
 * along one straight path: it is dropped wholesale at every label (any
 * branch may arrive there) and after unconditional exits; dropping is
 * O(1) through a generation number.  A call that may write globals
 * forgets everything about the globals.
 */
#include <stdlib.h>
#include <string.h>

#include "jit/ir-eval.h"
#include "jit/opt.h"

typedef struct TempKnow {
    uint32_t gen;        /* knowledge below is valid only if == Fold.gen */
    bool is_const;
    uint64_t val;
    IRTemp rep;          /* representative of the ring of equal temps */
    IRTemp next, prev;   /* the ring (self when alone) */
} TempKnow;

typedef struct Fold {
    IRFunc *f;
    TempKnow *k;
    uint32_t gen;
} Fold;

static TempKnow *know(Fold *s, IRTemp t)
{
    TempKnow *k = &s->k[t];
    if (k->gen != s->gen) {
        k->gen = s->gen;
        k->is_const = false;
        k->val = 0;
        k->rep = t;
        k->next = k->prev = t;
    }
    return k;
}

static bool is_const(Fold *s, IRTemp t, uint64_t *val)
{
    TempKnow *k = know(s, t);
    if (k->is_const && val)
        *val = k->val;
    return k->is_const;
}

/* Takes t out of its ring: its value is about to change. */
static void forget(Fold *s, IRTemp t)
{
    TempKnow *k = know(s, t);
    if (k->next != t) {
        IRTemp next = k->next;
        s->k[k->prev].next = k->next;
        s->k[k->next].prev = k->prev;
        if (k->rep == t) {
            /* the ring loses its representative: elect the next member */
            IRTemp x = next;
            do {
                s->k[x].rep = next;
                x = s->k[x].next;
            } while (x != next);
        }
    }
    k->is_const = false;
    k->rep = t;
    k->next = k->prev = t;
}

static void learn_copy(Fold *s, IRTemp d, IRTemp src)
{
    TempKnow *ks = know(s, src);
    TempKnow *kd = know(s, d);
    kd->rep = ks->rep;
    kd->next = ks->next;
    kd->prev = src;
    s->k[ks->next].prev = d;
    ks->next = d;
}

static IRTemp rep_of(Fold *s, IRTemp t)
{
    return know(s, t)->rep;
}

static void make_movi(IROp *op, IRTemp d, uint64_t val)
{
    IRType t = (IRType)op->type;
    memset(op->args, 0, sizeof(op->args));
    op->opc = IR_OP_movi;
    op->nb_out = 1;
    op->nb_in = 0;
    op->args[0] = d;
    op->args[1] = val & ir_type_mask(t);
}

static void make_mov(IROp *op, IRTemp d, IRTemp a)
{
    memset(op->args, 0, sizeof(op->args));
    op->opc = IR_OP_mov;
    op->nb_out = 1;
    op->nb_in = 1;
    op->args[0] = d;
    op->args[1] = a;
}

static void make_nop(IROp *op)
{
    memset(op, 0, sizeof(*op));
    op->opc = IR_OP_nop;
}

static void make_op1(IROp *op, IROpcode opc, IRTemp d, IRTemp a)
{
    make_mov(op, d, a);
    op->opc = (uint8_t)opc;
}

/* Decides cond(a, b) without running it, when the knowledge allows. */
static bool cond_known(Fold *s, IRCond c, IRType t, IRTemp a, IRTemp b, bool *res)
{
    uint64_t va = 0, vb = 0;
    bool ca = is_const(s, a, &va), cb = is_const(s, b, &vb);

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        *res = c == IR_COND_ALWAYS;
        return true;
    }
    if (ca && cb) {
        *res = ir_eval_cond(c, t, va, vb);
        return true;
    }
    if (a == b) {
        switch (c) {
        case IR_COND_EQ: case IR_COND_GE: case IR_COND_LE:
        case IR_COND_GEU: case IR_COND_LEU:
            *res = true;
            return true;
        case IR_COND_NE: case IR_COND_LT: case IR_COND_GT:
        case IR_COND_LTU: case IR_COND_GTU:
            *res = false;
            return true;
        default:
            break;
        }
    }
    if (cb && vb == 0) {
        switch (c) {
        case IR_COND_LTU: *res = false; return true;  /* x < 0 unsigned */
        case IR_COND_GEU: *res = true; return true;
        case IR_COND_TSTEQ: *res = true; return true;
        case IR_COND_TSTNE: *res = false; return true;
        default: break;
        }
    }
    return false;
}

static bool is_commutative(IROpcode opc)
{
    switch (opc) {
    case IR_OP_add: case IR_OP_mul: case IR_OP_and: case IR_OP_or:
    case IR_OP_xor: case IR_OP_mulu2: case IR_OP_muls2:
        return true;
    default:
        return false;
    }
}

/* Makes room for one op after index i; false when the block is full. */
static bool insert_after(IRFunc *f, uint32_t i)
{
    if (f->nb_ops >= f->max_ops)
        return false;
    memmove(&f->ops[i + 2], &f->ops[i + 1], (f->nb_ops - i - 1) * sizeof(IROp));
    f->nb_ops++;
    memset(&f->ops[i + 1], 0, sizeof(IROp));
    return true;
}

/* Algebraic identities on a two-input op whose inputs are not both
 * constant.  Rewrites op in place; returns true if it did. */
static bool simplify_binary(Fold *s, IROp *op)
{
    IRType t = (IRType)op->type;
    uint64_t m = ir_type_mask(t);
    IRTemp d = ir_op_out(op, 0), a = ir_op_in(op, 0), b = ir_op_in(op, 1);
    uint64_t va = 0, vb = 0;
    bool ca = is_const(s, a, &va), cb = is_const(s, b, &vb);
    unsigned w = ir_type_bits(t);

    switch (op->opc) {
    case IR_OP_add:
        if (cb && vb == 0) { make_mov(op, d, a); return true; }
        break;
    case IR_OP_sub:
        if (cb && vb == 0) { make_mov(op, d, a); return true; }
        if (a == b) { make_movi(op, d, 0); return true; }
        if (ca && va == 0) { make_op1(op, IR_OP_neg, d, b); return true; }
        break;
    case IR_OP_mul:
        if (cb && vb == 1) { make_mov(op, d, a); return true; }
        if (cb && vb == 0) { make_movi(op, d, 0); return true; }
        break;
    case IR_OP_and:
        if (cb && vb == 0) { make_movi(op, d, 0); return true; }
        if ((cb && vb == m) || a == b) { make_mov(op, d, a); return true; }
        break;
    case IR_OP_or:
        if ((cb && vb == 0) || a == b) { make_mov(op, d, a); return true; }
        if (cb && vb == m) { make_movi(op, d, m); return true; }
        break;
    case IR_OP_xor:
        if (cb && vb == 0) { make_mov(op, d, a); return true; }
        if (a == b) { make_movi(op, d, 0); return true; }
        if (cb && vb == m) { make_op1(op, IR_OP_not, d, a); return true; }
        break;
    case IR_OP_andc:
        if (cb && vb == 0) { make_mov(op, d, a); return true; }
        if (a == b || (ca && va == 0) || (cb && vb == m)) {
            make_movi(op, d, 0);
            return true;
        }
        break;
    case IR_OP_shl: case IR_OP_shr:
        if (cb && (vb & (w - 1)) == 0) { make_mov(op, d, a); return true; }
        if (ca && va == 0) { make_movi(op, d, 0); return true; }
        break;
    case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        if (cb && (vb & (w - 1)) == 0) { make_mov(op, d, a); return true; }
        if (ca && (va == 0 || va == m)) { make_movi(op, d, va); return true; }
        break;
    case IR_OP_divu: case IR_OP_divs:
        if (cb && vb == 1) { make_mov(op, d, a); return true; }
        if (cb && vb == 0) { make_movi(op, d, m); return true; }   /* x / 0 */
        break;
    case IR_OP_remu: case IR_OP_rems:
        if (cb && vb == 1) { make_movi(op, d, 0); return true; }
        if (cb && vb == 0) { make_mov(op, d, a); return true; }    /* x % 0 */
        break;
    case IR_OP_clz: case IR_OP_ctz:
        if (ca && va == 0) { make_mov(op, d, b); return true; }
        if (ca) { make_movi(op, d, ir_eval_op((IROpcode)op->opc, t, va, 0)); return true; }
        break;
    default:
        break;
    }
    return false;
}

/* Rewrites op (index i) into something cheaper where the knowledge
 * allows.  Returns the number of extra ops inserted after it. */
static unsigned fold_op(Fold *s, uint32_t i)
{
    IRFunc *f = s->f;
    IROp *op = &f->ops[i];
    IROpcode opc = (IROpcode)op->opc;
    IRType t = (IRType)op->type;
    uint64_t va, vb;

    /* constant first operand of a commutative op or comparison goes
     * second, where backends can use it as an immediate */
    if ((is_commutative(opc) || opc == IR_OP_setcond || opc == IR_OP_movcond ||
         opc == IR_OP_brcond) &&
        is_const(s, ir_op_in(op, 0), NULL) && !is_const(s, ir_op_in(op, 1), NULL)) {
        uint64_t tmp = op->args[op->nb_out];
        op->args[op->nb_out] = op->args[op->nb_out + 1];
        op->args[op->nb_out + 1] = tmp;
        if (!is_commutative(opc)) {
            uint64_t *c = &op->args[op->nb_out + op->nb_in];
            *c = ir_cond_swap((IRCond)*c);
        }
    }

    if (ir_eval_is_simple(opc) && opc != IR_OP_mov) {
        bool all = is_const(s, ir_op_in(op, 0), &va);
        vb = 0;
        if (op->nb_in > 1)
            all = all && is_const(s, ir_op_in(op, 1), &vb);
        if (all) {
            make_movi(op, ir_op_out(op, 0), ir_eval_op(opc, t, va, vb));
            return 0;
        }
        if (op->nb_in == 2)
            simplify_binary(s, op);
        return 0;
    }

    switch (opc) {
    case IR_OP_setcond: {
        bool res;
        if (cond_known(s, (IRCond)ir_op_const(op, 0), t, ir_op_in(op, 0),
                       ir_op_in(op, 1), &res))
            make_movi(op, ir_op_out(op, 0), res);
        return 0;
    }
    case IR_OP_movcond: {
        bool res;
        IRTemp d = ir_op_out(op, 0), v1 = ir_op_in(op, 2), v2 = ir_op_in(op, 3);
        if (cond_known(s, (IRCond)ir_op_const(op, 0), t, ir_op_in(op, 0),
                       ir_op_in(op, 1), &res))
            make_mov(op, d, res ? v1 : v2);
        else if (v1 == v2)
            make_mov(op, d, v1);
        return 0;
    }
    case IR_OP_brcond: {
        bool res;
        uint64_t label = ir_op_const(op, 1);
        if (cond_known(s, (IRCond)ir_op_const(op, 0), t, ir_op_in(op, 0),
                       ir_op_in(op, 1), &res)) {
            if (res) {
                make_nop(op);
                op->opc = IR_OP_br;
                op->type = IR_I64;
                op->args[0] = label;
            } else {
                make_nop(op);
            }
        }
        return 0;
    }
    case IR_OP_deposit: {
        IRTemp d = ir_op_out(op, 0);
        unsigned pos = (unsigned)ir_op_const(op, 0), len = (unsigned)ir_op_const(op, 1);
        if (is_const(s, ir_op_in(op, 0), &va) && is_const(s, ir_op_in(op, 1), &vb))
            make_movi(op, d, ir_eval_deposit(t, va, vb, pos, len));
        else if (pos == 0 && len == ir_type_bits(t))
            make_mov(op, d, ir_op_in(op, 1));
        return 0;
    }
    case IR_OP_extract:
    case IR_OP_sextract: {
        IRTemp d = ir_op_out(op, 0);
        unsigned pos = (unsigned)ir_op_const(op, 0), len = (unsigned)ir_op_const(op, 1);
        if (is_const(s, ir_op_in(op, 0), &va))
            make_movi(op, d, ir_eval_extract(t, va, pos, len, opc == IR_OP_sextract));
        else if (pos == 0 && len == ir_type_bits(t))
            make_mov(op, d, ir_op_in(op, 0));
        return 0;
    }
    case IR_OP_mulu2:
    case IR_OP_muls2: {
        IRTemp lo = ir_op_out(op, 0), hi = ir_op_out(op, 1);
        uint64_t rlo, rhi;
        if (!is_const(s, ir_op_in(op, 0), &va) || !is_const(s, ir_op_in(op, 1), &vb))
            return 0;
        if (!insert_after(f, i))
            return 0;
        op = &f->ops[i];
        ir_eval_mul2(opc == IR_OP_muls2, t, va, vb, &rlo, &rhi);
        make_movi(op, lo, rlo);
        f->ops[i + 1].type = (uint8_t)t;
        make_movi(&f->ops[i + 1], hi, rhi);
        return 1;
    }
    default:
        return 0;
    }
}

/* Records what op (already rewritten) leaves in its outputs. */
static void learn(Fold *s, IROp *op)
{
    IRFunc *f = s->f;
    for (unsigned o = 0; o < op->nb_out; o++)
        forget(s, ir_op_out(op, o));

    if (op->opc == IR_OP_movi) {
        TempKnow *k = know(s, ir_op_out(op, 0));
        k->is_const = true;
        k->val = op->args[1];
    } else if (op->opc == IR_OP_mov) {
        IRTemp d = ir_op_out(op, 0), a = ir_op_in(op, 0);
        uint64_t v;
        if (d == a) {
            make_nop(op);
        } else if (is_const(s, a, &v)) {
            make_movi(op, d, v);
            know(s, d)->is_const = true;
            know(s, d)->val = v;
        } else {
            learn_copy(s, d, a);
        }
    } else if (op->opc == IR_OP_call &&
               !(ir_op_const(op, 1) & IR_CALL_NO_WRITE_GLOBALS)) {
        for (IRTemp g = 1; g < f->nb_globals; g++)
            forget(s, g);
    }
}

void opt_fold(IRFunc *f)
{
    Fold s = { .f = f, .gen = 1 };
    if (f->nb_temps == 0)
        return;
    s.k = calloc(f->nb_temps, sizeof(*s.k));
    if (!s.k)
        return;   /* folding is optional: the block stays correct as is */

    for (uint32_t i = 0; i < f->nb_ops; i++) {
        IROp *op = &f->ops[i];
        unsigned flags = ir_op_defs[op->opc].flags;

        if (op->opc == IR_OP_nop || op->opc == IR_OP_insn_start)
            continue;
        if (op->opc == IR_OP_set_label) {
            s.gen++;
            continue;
        }
        for (unsigned j = 0; j < op->nb_in; j++) {
            unsigned a = op->nb_out + j;
            op->args[a] = rep_of(&s, (IRTemp)op->args[a]);
        }
        unsigned extra = fold_op(&s, i);
        op = &f->ops[i];
        for (unsigned e = 0; e <= extra; e++)
            learn(&s, &f->ops[i + e]);
        i += extra;

        if (op->opc == IR_OP_br || (flags & IR_OPF_TB_EXIT))
            s.gen++;   /* what follows is reached only through a label */
    }
    free(s.k);
}

void opt_run(IRFunc *f)
{
    opt_fold(f);
    opt_liveness(f);
}
