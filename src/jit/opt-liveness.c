/*
 * opt_liveness: backward liveness over the whole block, dead-code
 * deletion, and the per-operand life bits the backends allocate with.
 *
 * What it must guarantee:
 *  - an op is deleted only if it has no effect besides its outputs and
 *    none of its outputs is read again on any path;
 *  - a life bit set on an input means no path reads that temp's current
 *    value after the op, so the backend may free its register there (a
 *    temp must be marked dead at its last use for that to happen); an
 *    output's bit means the value written is never read;
 *  - globals count as read at every point where the backends must have
 *    them in the CPU state: block exits, basic-block ends and starts
 *    (br, brcond, set_label), before ops that may raise, and before
 *    calls that may read globals or raise.  So a write to a global is
 *    deleted only when it is overwritten before any of those points.
 *
 * Approach: one backward scan with a bitset of live temps.  A set_label
 * records the set live at its position; br and brcond take it from
 * their label.  Forward branches meet their label before themselves in
 * a backward scan, so one pass is exact.  Backward branches (loops) meet
 * their label after themselves: the scan is repeated without deleting
 * anything until the label sets stop growing, then the final scan
 * deletes and writes the life bits, using the fixed-point sets for
 * back edges.  Those sets may still count reads by ops the final scan
 * deletes, so they can only over-approximate liveness: a temp may be
 * kept alive longer than needed, never freed too early.
 */
#include <stdlib.h>
#include <string.h>

#include "jit/opt.h"

typedef uint64_t Word;
#define WORD_BITS 64

typedef struct Live {
    IRFunc *f;
    size_t words;           /* per bitset */
    Word *cur;              /* live after the op being scanned */
    Word *globals;          /* temps 1 .. nb_globals-1 */
    Word *label_live;       /* nb_labels bitsets */
} Live;

static inline bool bit_test(const Word *s, IRTemp t)
{
    return (s[t / WORD_BITS] >> (t % WORD_BITS)) & 1;
}
static inline void bit_set(Word *s, IRTemp t)
{
    s[t / WORD_BITS] |= (Word)1 << (t % WORD_BITS);
}
static inline void bit_clear(Word *s, IRTemp t)
{
    s[t / WORD_BITS] &= ~((Word)1 << (t % WORD_BITS));
}
static void set_or(Word *d, const Word *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] |= s[i];
}

static bool deletable(const IROp *op)
{
    unsigned flags = ir_op_defs[op->opc].flags;
    if (flags & IR_OPF_CALL)
        return (ir_op_const(op, 1) & IR_CALL_NO_SIDE_EFFECTS) != 0;
    return !(flags & (IR_OPF_SIDE_EFFECTS | IR_OPF_BB_END | IR_OPF_BB_START |
                      IR_OPF_TB_EXIT | IR_OPF_MAY_RAISE));
}

/* Whether globals must be in the CPU state before the op. */
static bool syncs_globals(const IROp *op)
{
    unsigned flags = ir_op_defs[op->opc].flags;
    if (flags & IR_OPF_MAY_RAISE)
        return true;
    if (flags & IR_OPF_CALL) {
        uint64_t cf = ir_op_const(op, 1);
        return !((cf & IR_CALL_NO_READ_GLOBALS) && (cf & IR_CALL_NO_RAISE));
    }
    return false;
}

/* One backward scan.  With `final`, deletes dead ops and writes life
 * bits.  Returns true if a label's live set changed. */
static bool scan(Live *s, bool final)
{
    IRFunc *f = s->f;
    Word *live = s->cur;
    size_t n = s->words;
    bool changed = false;

    memset(live, 0, n * sizeof(Word));
    for (uint32_t i = f->nb_ops; i-- > 0;) {
        IROp *op = &f->ops[i];
        unsigned flags = ir_op_defs[op->opc].flags;
        uint32_t life = 0;

        switch (op->opc) {
        case IR_OP_nop:
        case IR_OP_insn_start:
        case IR_OP_mb:
            if (final)
                op->life = 0;
            continue;
        case IR_OP_set_label: {
            Word *ll = s->label_live + (size_t)op->args[0] * n;
            set_or(live, s->globals, n);
            if (memcmp(ll, live, n * sizeof(Word)) != 0) {
                memcpy(ll, live, n * sizeof(Word));
                changed = true;
            }
            if (final)
                op->life = 0;
            continue;
        }
        case IR_OP_br:
            memcpy(live, s->label_live + (size_t)op->args[0] * n, n * sizeof(Word));
            set_or(live, s->globals, n);
            if (final)
                op->life = 0;
            continue;
        case IR_OP_brcond:
            set_or(live, s->label_live + (size_t)ir_op_const(op, 1) * n, n);
            set_or(live, s->globals, n);
            break;
        default:
            if (flags & IR_OPF_TB_EXIT) {
                memcpy(live, s->globals, n * sizeof(Word));
                if (final)
                    op->life = 0;
                continue;
            }
            break;
        }

        if (final && deletable(op)) {
            bool used = false;
            for (unsigned o = 0; o < op->nb_out; o++)
                used |= bit_test(live, ir_op_out(op, o));
            if (!used) {
                memset(op, 0, sizeof(*op));
                op->opc = IR_OP_nop;
                continue;
            }
        }

        for (unsigned o = 0; o < op->nb_out; o++) {
            IRTemp t = ir_op_out(op, o);
            if (!bit_test(live, t))
                life |= 1u << o;
            bit_clear(live, t);
        }
        if (syncs_globals(op))
            set_or(live, s->globals, n);
        for (unsigned j = 0; j < op->nb_in; j++) {
            IRTemp t = ir_op_in(op, j);
            if (t != IR_TEMP_ENV && !bit_test(live, t))
                life |= 1u << (op->nb_out + j);
        }
        for (unsigned j = 0; j < op->nb_in; j++) {
            IRTemp t = ir_op_in(op, j);
            if (t != IR_TEMP_ENV)
                bit_set(live, t);
        }
        if (final)
            op->life = life;
    }
    return changed;
}

static bool has_back_edge(const IRFunc *f, uint32_t *label_pos)
{
    bool back = false;
    for (uint32_t l = 0; l < f->nb_labels; l++)
        label_pos[l] = UINT32_MAX;
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        if (op->opc == IR_OP_set_label)
            label_pos[op->args[0]] = i;
        else if (op->opc == IR_OP_br && label_pos[op->args[0]] != UINT32_MAX)
            back = true;
        else if (op->opc == IR_OP_brcond && label_pos[ir_op_const(op, 1)] != UINT32_MAX)
            back = true;
    }
    return back;
}

void opt_liveness(IRFunc *f)
{
    Live s = { .f = f };
    uint32_t *label_pos;

    s.words = (f->nb_temps + WORD_BITS - 1) / WORD_BITS;
    if (s.words == 0)
        s.words = 1;
    s.cur = calloc(s.words, sizeof(Word));
    s.globals = calloc(s.words, sizeof(Word));
    s.label_live = calloc((size_t)s.words * (f->nb_labels ? f->nb_labels : 1), sizeof(Word));
    label_pos = calloc(f->nb_labels ? f->nb_labels : 1, sizeof(uint32_t));
    if (!s.cur || !s.globals || !s.label_live || !label_pos) {
        fprintf(stderr, "mimic: error: out of memory (liveness)\n");
        abort();
    }
    for (IRTemp g = 1; g < f->nb_globals; g++)
        bit_set(s.globals, g);

    if (has_back_edge(f, label_pos)) {
        while (scan(&s, false))
            ;
    }
    scan(&s, true);

    free(s.cur);
    free(s.globals);
    free(s.label_live);
    free(label_pos);
}
