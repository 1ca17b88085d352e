/*
 * Register allocation for the x86-64 backend: one linear pass over the
 * block, TCG-style (see regalloc.h for the temp states and
 * docs/jit-backend.md for why).
 *
 * Invariants the code generator relies on:
 *   - a register holds at most one temp and a temp at most one register;
 *   - a register locked for the current op is never spilled, moved or
 *     handed out again before the next op;
 *   - a temp in state MEM has a valid memory home; a global's env field
 *     is stale only while the global is REG or CONST and not coherent;
 *   - i32 values in registers have bits 63..32 clear, so 64-bit moves of
 *     them are exact and 32-bit loads/stores of their homes suffice.
 */
#include "jit/x86_64/regalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "jit/backend.h"

/* Allocation order: callee-saved registers first, so that values survive
 * helper calls, and the registers with fixed jobs (rcx: shift counts,
 * rax/rdx: mul/div and call results) last. */
static const X64Reg alloc_order[] = {
    X64_RBX, X64_RBP, X64_R12, X64_R13, X64_R10, X64_R9,
    X64_R8, X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_RAX,
};
#define NB_ALLOC_ORDER (sizeof(alloc_order) / sizeof(alloc_order[0]))

#define CALLEE_SAVED_ALLOCATABLE \
    ((uint16_t)(X64_REGMASK(X64_RBX) | X64_REGMASK(X64_RBP) | \
                X64_REGMASK(X64_R12) | X64_REGMASK(X64_R13)))

static X64TempState *ts(X64Gen *g, IRTemp t)
{
    return &g->temps[t];
}

static IRTempKind temp_kind(const X64Gen *g, IRTemp t)
{
    return (IRTempKind)g->f->temps[t].kind;
}

static bool temp_w64(const X64Gen *g, IRTemp t)
{
    return ir_temp_type(g->f, t) == IR_I64;
}

static void lock(X64Gen *g, X64Reg r)
{
    g->locked |= X64_REGMASK(r);
}

static bool is_locked(const X64Gen *g, X64Reg r)
{
    return (g->locked & X64_REGMASK(r)) != 0;
}

static void touch(X64Gen *g, X64Reg r)
{
    g->reg_stamp[r] = g->stamp;
}

static void bind(X64Gen *g, IRTemp t, X64Reg r)
{
    X64TempState *s = ts(g, t);
    g->reg_temp[r] = (int16_t)t;
    s->val = X64_VAL_REG;
    s->reg = (int8_t)r;
    touch(g, r);
}

static bool is_output(const X64Gen *g, IRTemp t)
{
    for (unsigned i = 0; i < g->op->nb_out; i++) {
        if (ir_op_out(g->op, i) == t)
            return true;
    }
    return false;
}

static bool is_dying_input(const X64Gen *g, IRTemp t)
{
    for (unsigned i = 0; i < g->op->nb_in; i++) {
        unsigned argi = g->op->nb_out + i;
        if (ir_op_in(g->op, i) == t && ir_op_arg_dead(g->op, argi))
            return true;
    }
    return false;
}

/*
 * Which normal temps may give their frame slot back when they die.
 *
 * A label's code finds the temps live there in their slots, put there by
 * every branch to it.  A temp can die on the path after one branch (it is
 * not read again there) while an earlier branch already left its value
 * in its slot for the label, so in general a slot must stay its temp's
 * for the whole block.  A temp whose every reference is in one basic
 * block, the first a write, is never live at a block boundary, and only
 * such temps recycle their slots.
 */
static void classify_temps(X64Gen *g)
{
    const IRFunc *f = g->f;
    uint32_t bb = 0;
    enum { UNSEEN = 0 };
    /* first basic block referencing each temp, plus one; 0 = unseen */
    uint32_t *first = calloc(f->nb_temps, sizeof(*first));

    if (!first)
        return;   /* every temp keeps its slot: always correct */
    for (IRTemp t = f->nb_globals; t < f->nb_temps; t++)
        g->temps[t].bb_local = true;
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        unsigned flags = ir_op_defs[op->opc].flags;
        if (flags & IR_OPF_BB_START)
            bb++;
        for (unsigned k = 0; k < (unsigned)op->nb_out + op->nb_in; k++) {
            IRTemp t = (IRTemp)op->args[k];
            if (t < f->nb_globals || t >= f->nb_temps)
                continue;
            bool is_read = k >= op->nb_out;
            if (first[t] == UNSEEN) {
                first[t] = bb + 1;
                /* an op reads its inputs before writing its outputs */
                bool also_read = false;
                for (unsigned j = op->nb_out; j < (unsigned)op->nb_out + op->nb_in; j++)
                    also_read |= (IRTemp)op->args[j] == t;
                if (is_read || also_read)
                    g->temps[t].bb_local = false;
            } else if (first[t] != bb + 1) {
                g->temps[t].bb_local = false;
            }
        }
        if (flags & IR_OPF_BB_END)
            bb++;
    }
    free(first);
}

void x64_ra_begin(X64Gen *g)
{
    const IRFunc *f = g->f;
    for (int r = 0; r < X64_NB_REGS; r++) {
        g->reg_temp[r] = -1;
        g->reg_stamp[r] = 0;
    }
    memset(g->temps, 0, sizeof(*g->temps) * f->nb_temps);
    for (IRTemp t = 0; t < f->nb_temps; t++) {
        X64TempState *s = ts(g, t);
        switch (temp_kind(g, t)) {
        case IR_TEMP_KIND_FIXED:
            s->val = X64_VAL_REG;
            s->reg = X64_REG_ENV;
            s->coherent = true;
            break;
        case IR_TEMP_KIND_GLOBAL:
            s->val = X64_VAL_MEM;
            s->coherent = true;
            break;
        default:
            s->val = X64_VAL_DEAD;
            break;
        }
    }
    classify_temps(g);
    g->globals_dirty = false;
    g->stamp = 0;
    g->locked = 0;
    g->nb_slot_free = 0;
    g->next_slot = 0;
}

void x64_ra_op_start(X64Gen *g, const IROp *op)
{
    g->op = op;
    g->locked = 0;
    g->stamp++;
}

/* Frame slots: a temp confined to one basic block recycles its slot when
 * it dies (see classify_temps); any other keeps it for the block. */
static uint16_t slot_get(X64Gen *g)
{
    if (g->nb_slot_free)
        return g->slot_free[--g->nb_slot_free];
    if (g->next_slot < X64_FRAME_SLOTS)
        return (uint16_t)g->next_slot++;
    g->error = JIT_ERR_TOO_BIG;
    return 0;
}

static void slot_release(X64Gen *g, IRTemp t)
{
    X64TempState *s = ts(g, t);
    if (!s->bb_local)
        return;
    if (s->has_slot && g->nb_slot_free < X64_FRAME_SLOTS)
        g->slot_free[g->nb_slot_free++] = s->slot;
    s->has_slot = false;
}

X64Mem x64_ra_home(X64Gen *g, IRTemp t)
{
    X64TempState *s = ts(g, t);
    if (temp_kind(g, t) == IR_TEMP_KIND_GLOBAL)
        return x64_mem(X64_REG_ENV, g->f->temps[t].offset);
    if (!s->has_slot) {
        s->slot = slot_get(g);
        s->has_slot = true;
    }
    return x64_mem(X64_RSP, 8 * (int32_t)s->slot);
}

static void store_const(X64Gen *g, X64Mem m, uint64_t v, bool w64)
{
    if (!w64)
        x64_emit_store_imm(&g->buf, X64_S32, (int32_t)(uint32_t)v, m);
    else if (x64_fits_i32((int64_t)v))
        x64_emit_store_imm(&g->buf, X64_S64, (int32_t)(int64_t)v, m);
    else {
        x64_emit_mov_ri(&g->buf, X64_REG_SCRATCH, v);
        x64_emit_store(&g->buf, X64_S64, X64_REG_SCRATCH, m);
    }
}

/* Writes t's current value (REG or CONST) to its memory home. */
static void store_home(X64Gen *g, IRTemp t)
{
    X64TempState *s = ts(g, t);
    bool w64 = temp_w64(g, t);
    X64Mem m = x64_ra_home(g, t);
    if (s->val == X64_VAL_REG)
        x64_emit_store(&g->buf, w64 ? X64_S64 : X64_S32, (X64Reg)s->reg, m);
    else if (s->val == X64_VAL_CONST)
        store_const(g, m, s->cval, w64);
    s->coherent = true;
}

/* Puts t's value into r without changing where t lives. */
static void load_value(X64Gen *g, X64Reg r, IRTemp t)
{
    X64TempState *s = ts(g, t);
    bool w64 = temp_w64(g, t);
    switch (s->val) {
    case X64_VAL_REG:
        if (s->reg != r)
            x64_emit_mov_rr(&g->buf, w64, r, (X64Reg)s->reg);
        break;
    case X64_VAL_CONST:
        x64_emit_mov_ri(&g->buf, r, s->cval);
        break;
    case X64_VAL_MEM:
        x64_emit_load(&g->buf, w64 ? X64_S64 : X64_S32, false, w64, r, x64_ra_home(g, t));
        break;
    default:
        /* Read before written: unspecified; 0 keeps it deterministic. */
        x64_emit_mov_ri(&g->buf, r, 0);
        break;
    }
}

void x64_ra_copy_to(X64Gen *g, IRTemp t, X64Reg r)
{
    load_value(g, r, t);
}

/* Loads t (not in a register) into the free register r and binds it. */
static void load_and_bind(X64Gen *g, X64Reg r, IRTemp t)
{
    X64TempState *s = ts(g, t);
    load_value(g, r, t);
    if (s->val == X64_VAL_CONST) {
        s->known_const = true;
    } else if (s->val == X64_VAL_DEAD) {
        s->known_const = true;
        s->cval = 0;
        s->coherent = false;
    } else {
        s->known_const = false;
    }
    bind(g, t, r);
}

static void spill_reg(X64Gen *g, X64Reg r)
{
    int t = g->reg_temp[r];
    if (t < 0)
        return;
    X64TempState *s = ts(g, (IRTemp)t);
    if (s->known_const) {
        s->val = X64_VAL_CONST;
    } else {
        if (!s->coherent)
            store_home(g, (IRTemp)t);
        s->val = X64_VAL_MEM;
    }
    g->reg_temp[r] = -1;
}

bool x64_ra_const(const X64Gen *g, IRTemp t, uint64_t *val)
{
    const X64TempState *s = &g->temps[t];
    if (s->val == X64_VAL_CONST || (s->val == X64_VAL_REG && s->known_const)) {
        *val = s->cval;
        return true;
    }
    if (s->val == X64_VAL_DEAD && temp_kind(g, t) == IR_TEMP_KIND_NORMAL) {
        *val = 0;
        return true;
    }
    return false;
}

X64Reg x64_ra_alloc(X64Gen *g, uint16_t allowed)
{
    uint16_t cand = allowed & X64_ALLOCATABLE & (uint16_t)~g->locked;
    int best = -1;
    bool best_cheap = false;

    for (unsigned i = 0; i < NB_ALLOC_ORDER; i++) {
        X64Reg r = alloc_order[i];
        if ((cand & X64_REGMASK(r)) && g->reg_temp[r] < 0) {
            lock(g, r);
            return r;
        }
    }
    /* Spill: a value whose memory copy is valid costs nothing to drop;
     * among equals, the least recently used. */
    for (unsigned i = 0; i < NB_ALLOC_ORDER; i++) {
        X64Reg r = alloc_order[i];
        if (!(cand & X64_REGMASK(r)))
            continue;
        const X64TempState *s = &g->temps[g->reg_temp[r]];
        bool cheap = s->coherent || s->known_const;
        if (best < 0 || (cheap && !best_cheap) ||
            (cheap == best_cheap && g->reg_stamp[r] < g->reg_stamp[best])) {
            best = r;
            best_cheap = cheap;
        }
    }
    if (best < 0) {
        /* Every allowed register is an operand of this op: a code
         * generator bug, since no op uses more than half of them. */
        assert(!"x86-64 backend: out of registers within one op");
        g->error = JIT_ERR_TOO_BIG;
        return X64_RAX;
    }
    spill_reg(g, (X64Reg)best);
    lock(g, (X64Reg)best);
    return (X64Reg)best;
}

void x64_ra_evict(X64Gen *g, X64Reg r, uint16_t to)
{
    int t = g->reg_temp[r];
    assert(!is_locked(g, r) || t < 0);
    if (t >= 0) {
        uint16_t cand = to & X64_ALLOCATABLE & (uint16_t)~g->locked & (uint16_t)~X64_REGMASK(r);
        int dest = -1;
        for (unsigned i = 0; i < NB_ALLOC_ORDER; i++) {
            X64Reg c = alloc_order[i];
            if ((cand & X64_REGMASK(c)) && g->reg_temp[c] < 0) {
                dest = c;
                break;
            }
        }
        if (dest >= 0) {
            /* 64-bit move: exact for i32 values too (upper half clear). */
            x64_emit_mov_rr(&g->buf, true, (X64Reg)dest, r);
            g->reg_temp[r] = -1;
            bind(g, (IRTemp)t, (X64Reg)dest);
        } else {
            spill_reg(g, r);
        }
    }
    lock(g, r);
}

X64Reg x64_ra_in(X64Gen *g, IRTemp t)
{
    X64TempState *s = ts(g, t);
    if (temp_kind(g, t) == IR_TEMP_KIND_FIXED)
        return X64_REG_ENV;
    if (s->val == X64_VAL_REG) {
        lock(g, (X64Reg)s->reg);
        touch(g, (X64Reg)s->reg);
        return (X64Reg)s->reg;
    }
    X64Reg r = x64_ra_alloc(g, X64_ALLOCATABLE);
    load_and_bind(g, r, t);
    return r;
}

X64Opnd x64_ra_in_ri(X64Gen *g, IRTemp t, IRType type)
{
    uint64_t v;
    if (x64_ra_const(g, t, &v)) {
        if (type == IR_I32)
            return (X64Opnd){ .is_imm = true, .imm = (int32_t)(uint32_t)v };
        if (x64_fits_i32((int64_t)v))
            return (X64Opnd){ .is_imm = true, .imm = (int32_t)(int64_t)v };
    }
    return (X64Opnd){ .is_imm = false, .reg = x64_ra_in(g, t) };
}

void x64_ra_in_fixed(X64Gen *g, IRTemp t, X64Reg r)
{
    X64TempState *s = ts(g, t);
    if (s->val == X64_VAL_REG && s->reg == r) {
        lock(g, r);
        touch(g, r);
        return;
    }
    x64_ra_evict(g, r, X64_ALLOCATABLE);
    if (temp_kind(g, t) == IR_TEMP_KIND_FIXED) {
        x64_emit_mov_rr(&g->buf, true, r, X64_REG_ENV);
    } else if (s->val == X64_VAL_REG) {
        X64Reg old = (X64Reg)s->reg;
        x64_emit_mov_rr(&g->buf, true, r, old);
        /* A register another operand of this op already uses keeps t;
         * otherwise t moves, so the value is not held twice. */
        if (!is_locked(g, old)) {
            g->reg_temp[old] = -1;
            bind(g, t, r);
        }
    } else {
        load_and_bind(g, r, t);
    }
}

X64Reg x64_ra_take(X64Gen *g, unsigned argi, X64Reg r)
{
    IRTemp t = (IRTemp)g->op->args[argi];
    X64TempState *s = ts(g, t);
    IRTempKind kind = temp_kind(g, t);
    bool out = is_output(g, t);

    if (kind == IR_TEMP_KIND_FIXED)
        return X64_NOREG;
    if (!out && !ir_op_arg_dead(g->op, argi))
        return X64_NOREG;
    if (s->val != X64_VAL_REG || s->reg != r)
        return X64_NOREG;
    if (kind == IR_TEMP_KIND_GLOBAL) {
        if (out) {
            /* Overwritten by this very op: the output binding follows. */
            s->val = X64_VAL_DEAD;
        } else {
            if (!s->coherent)
                store_home(g, t);
            s->val = X64_VAL_MEM;
        }
    } else {
        s->val = X64_VAL_DEAD;
        if (!out)
            slot_release(g, t);
    }
    s->known_const = false;
    g->reg_temp[r] = -1;
    lock(g, r);
    return r;
}

X64Reg x64_ra_out_copy(X64Gen *g, unsigned argi, X64Reg r, bool w64)
{
    X64Reg d = x64_ra_take(g, argi, r);
    if (d != X64_NOREG)
        return d;
    d = x64_ra_alloc(g, X64_ALLOCATABLE);
    x64_emit_mov_rr(&g->buf, w64, d, r);
    return d;
}

X64Reg x64_ra_out_new(X64Gen *g, unsigned argi, X64Reg r)
{
    X64Reg d = x64_ra_take(g, argi, r);
    if (d != X64_NOREG)
        return d;
    return x64_ra_alloc(g, X64_ALLOCATABLE);
}

/* A temp that is not read again: its register and slot are released; a
 * global first reaches env. */
static void kill_temp(X64Gen *g, IRTemp t)
{
    X64TempState *s = ts(g, t);
    switch (temp_kind(g, t)) {
    case IR_TEMP_KIND_FIXED:
        return;
    case IR_TEMP_KIND_GLOBAL:
        if (s->val == X64_VAL_REG) {
            if (!s->coherent)
                store_home(g, t);
            g->reg_temp[s->reg] = -1;
            s->val = X64_VAL_MEM;
            s->known_const = false;
        }
        return;
    default:
        if (s->val == X64_VAL_REG)
            g->reg_temp[s->reg] = -1;
        s->val = X64_VAL_DEAD;
        s->known_const = false;
        slot_release(g, t);
        return;
    }
}

void x64_ra_bind_out(X64Gen *g, unsigned outi, X64Reg r)
{
    IRTemp t = ir_op_out(g->op, outi);
    X64TempState *s = ts(g, t);
    if (s->val == X64_VAL_REG && s->reg != r)
        g->reg_temp[s->reg] = -1;
    assert(g->reg_temp[r] < 0 || g->reg_temp[r] == (int)t);
    bind(g, t, r);
    lock(g, r);
    s->coherent = false;
    s->known_const = false;
    if (temp_kind(g, t) == IR_TEMP_KIND_GLOBAL)
        g->globals_dirty = true;
    if (ir_op_arg_dead(g->op, outi))
        kill_temp(g, t);
}

void x64_ra_set_const_out(X64Gen *g, unsigned outi, uint64_t v)
{
    IRTemp t = ir_op_out(g->op, outi);
    X64TempState *s = ts(g, t);
    if (s->val == X64_VAL_REG)
        g->reg_temp[s->reg] = -1;
    s->val = X64_VAL_CONST;
    s->cval = v & ir_type_mask(ir_temp_type(g->f, t));
    s->coherent = false;
    s->known_const = true;
    if (temp_kind(g, t) == IR_TEMP_KIND_GLOBAL)
        g->globals_dirty = true;
    if (ir_op_arg_dead(g->op, outi)) {
        if (temp_kind(g, t) == IR_TEMP_KIND_GLOBAL)
            store_home(g, t);
        else
            kill_temp(g, t);
    }
}

void x64_ra_free_dead_inputs(X64Gen *g)
{
    for (unsigned i = 0; i < g->op->nb_in; i++) {
        unsigned argi = g->op->nb_out + i;
        IRTemp t = ir_op_in(g->op, i);
        if (ir_op_arg_dead(g->op, argi) && !is_output(g, t))
            kill_temp(g, t);
    }
}

void x64_ra_sync_globals(X64Gen *g)
{
    /* Only an op's output makes a global newer than env. */
    if (!g->globals_dirty)
        return;
    g->globals_dirty = false;
    for (IRTemp t = 1; t < g->f->nb_globals; t++) {
        X64TempState *s = ts(g, t);
        if (temp_kind(g, t) != IR_TEMP_KIND_GLOBAL)
            continue;
        if ((s->val == X64_VAL_REG || s->val == X64_VAL_CONST) && !s->coherent)
            store_home(g, t);
    }
}

/* Forgets a synced global's register or constant: the next read loads
 * env. */
static void drop_global(X64Gen *g, IRTemp t)
{
    X64TempState *s = ts(g, t);
    if (s->val == X64_VAL_REG)
        g->reg_temp[s->reg] = -1;
    if (s->val == X64_VAL_REG || s->val == X64_VAL_CONST) {
        assert(s->coherent);
        s->val = X64_VAL_MEM;
    }
    s->known_const = false;
    s->coherent = true;
}

void x64_ra_drop_globals(X64Gen *g)
{
    for (IRTemp t = 1; t < g->f->nb_globals; t++) {
        if (temp_kind(g, t) == IR_TEMP_KIND_GLOBAL)
            drop_global(g, t);
    }
}

void x64_ra_bb_end(X64Gen *g, bool save_temps)
{
    x64_ra_sync_globals(g);
    if (!save_temps)
        return;
    for (IRTemp t = g->f->nb_globals; t < g->f->nb_temps; t++) {
        X64TempState *s = ts(g, t);
        if ((s->val == X64_VAL_REG || s->val == X64_VAL_CONST) && !s->coherent &&
            !is_dying_input(g, t))
            store_home(g, t);
    }
}

void x64_ra_forget_all(X64Gen *g)
{
    for (int r = 0; r < X64_NB_REGS; r++)
        g->reg_temp[r] = -1;
    for (IRTemp t = 1; t < g->f->nb_temps; t++) {
        X64TempState *s = ts(g, t);
        s->known_const = false;
        if (temp_kind(g, t) == IR_TEMP_KIND_GLOBAL) {
            s->val = X64_VAL_MEM;
            s->coherent = true;
        } else if (s->has_slot) {
            /* Every branch here stored the temps live at the label. */
            s->val = X64_VAL_MEM;
            s->coherent = true;
        } else {
            s->val = X64_VAL_DEAD;
        }
    }
}

static bool global_overlaps(const X64Gen *g, IRTemp t, int64_t offset, unsigned size)
{
    int64_t lo = g->f->temps[t].offset;
    int64_t hi = lo + (temp_w64(g, t) ? 8 : 4);
    return lo < offset + (int64_t)size && offset < hi;
}

void x64_ra_sync_env_range(X64Gen *g, int64_t offset, unsigned size)
{
    for (IRTemp t = 1; t < g->f->nb_globals; t++) {
        X64TempState *s = ts(g, t);
        if (temp_kind(g, t) != IR_TEMP_KIND_GLOBAL || !global_overlaps(g, t, offset, size))
            continue;
        if ((s->val == X64_VAL_REG || s->val == X64_VAL_CONST) && !s->coherent)
            store_home(g, t);
    }
}

void x64_ra_drop_env_range(X64Gen *g, int64_t offset, unsigned size)
{
    for (IRTemp t = 1; t < g->f->nb_globals; t++) {
        if (temp_kind(g, t) == IR_TEMP_KIND_GLOBAL && global_overlaps(g, t, offset, size))
            drop_global(g, t);
    }
}

void x64_ra_call_save(X64Gen *g, bool globals_dropped)
{
    for (unsigned i = 0; i < NB_ALLOC_ORDER; i++) {
        X64Reg r = alloc_order[i];
        int t = g->reg_temp[r];
        if (t < 0 || !(X64_CALL_CLOBBERED & X64_REGMASK(r)))
            continue;
        IRTempKind kind = temp_kind(g, (IRTemp)t);
        X64TempState *s = ts(g, (IRTemp)t);
        if (kind == IR_TEMP_KIND_NORMAL && is_dying_input(g, (IRTemp)t) &&
            !is_output(g, (IRTemp)t))
            continue;
        if (kind == IR_TEMP_KIND_GLOBAL && globals_dropped)
            continue;
        /* A free callee-saved register keeps the value at hand; failing
         * that it must at least be recoverable from memory. */
        int dest = -1;
        for (unsigned k = 0; k < NB_ALLOC_ORDER; k++) {
            X64Reg c = alloc_order[k];
            if ((CALLEE_SAVED_ALLOCATABLE & X64_REGMASK(c)) && g->reg_temp[c] < 0 &&
                !is_locked(g, c)) {
                dest = c;
                break;
            }
        }
        if (dest >= 0) {
            x64_emit_mov_rr(&g->buf, true, (X64Reg)dest, r);
            g->reg_temp[r] = -1;
            bind(g, (IRTemp)t, (X64Reg)dest);
        } else if (!s->known_const && !s->coherent) {
            store_home(g, (IRTemp)t);
        }
    }
}

void x64_ra_call_clobber(X64Gen *g)
{
    for (int r = 0; r < X64_NB_REGS; r++) {
        int t = g->reg_temp[r];
        if (t < 0 || !(X64_CALL_CLOBBERED & X64_REGMASK(r)))
            continue;
        X64TempState *s = ts(g, (IRTemp)t);
        g->reg_temp[r] = -1;
        if (s->known_const) {
            s->val = X64_VAL_CONST;
        } else if (s->coherent) {
            s->val = X64_VAL_MEM;
        } else {
            /* Only a normal temp dying at this call is left unsaved. */
            assert(temp_kind(g, (IRTemp)t) == IR_TEMP_KIND_NORMAL);
            s->val = X64_VAL_DEAD;
            slot_release(g, (IRTemp)t);
        }
    }
}
