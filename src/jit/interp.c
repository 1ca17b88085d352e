/*
 * The IR interpreter: the second backend, with exactly the semantics of
 * the x86-64 one (docs/ir.md) and no generated code.
 *
 * What it must guarantee:
 *  - the same results as generated code for every valid block, since the
 *    differential tests hold the two against each other;
 *  - the same contract with the exec layer: the budget check on entry to
 *    every block (chained ones included), goto_tb following
 *    tb->jmp_dest[], lookup_and_goto, and every modified global in the
 *    CPU state at block exits, before ops that may raise and before calls
 *    that may read globals or raise;
 *  - precise state recovery: before each op that may raise and each
 *    call, cpu->exec->interp_tb/interp_pos say where it is, in the same
 *    units as the insn_end[] it reported at compile time;
 *  - a compiled block does not depend on the IRFunc, which is reused.
 *
 * Approach: compile copies the block into a compact program in the
 * metadata arena: only ops that do something (no nop, insn_start or
 * set_label), labels resolved to op indices.  Temps live in a local
 * array while a block runs; globals are loaded into it on entry and
 * written back only where the contract needs them in the CPU state.
 * Which globals need writing back at each such point is computed at
 * compile time by a forward pass (a global written since the last write
 * back; at a label, conservatively, every global the block writes), so
 * a hot loop touches the CPU state no more than generated code would.
 *
 * set_jump is not needed: the exec layer stores tb->jmp_dest[] itself,
 * and goto_tb reads it with an acquire load on every exit.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "jit/backend.h"
#include "jit/ir-eval.h"
#include "mem/memif.h"

typedef struct InterpOp {
    uint8_t opc;
    uint8_t type;
    uint8_t nb_in;       /* calls: argument count */
    uint8_t has_out;     /* calls: whether there is a result */
    uint32_t sync;       /* pool offset of globals to write back first; 0: none */
    uint32_t t[7];       /* temps: outputs, then inputs */
    uint32_t target;     /* br, brcond: op index of the label */
    uint64_t k[2];       /* the op's constants */
} InterpOp;

typedef struct InterpGlobal {
    int32_t offset;
    uint8_t type;
} InterpGlobal;

typedef struct InterpProg {
    uint32_t nb_ops;
    uint32_t nb_temps;
    uint32_t load;       /* pool offset of the globals the block uses */
    const InterpOp *ops;
    const InterpGlobal *globals;    /* indexed by temp */
    const uint32_t *pool;           /* lists: count, then temps */
} InterpProg;

/* ---- compile ---- */

static bool op_kept(const IROp *op)
{
    return op->opc != IR_OP_nop && op->opc != IR_OP_insn_start &&
           op->opc != IR_OP_set_label;
}

/* Whether the CPU state must hold every global before op runs. */
static bool op_syncs(const IROp *op)
{
    unsigned flags = ir_op_defs[op->opc].flags;
    if (flags & (IR_OPF_MAY_RAISE | IR_OPF_TB_EXIT))
        return true;
    if (flags & IR_OPF_CALL) {
        /* a call that writes globals makes us reload them afterwards, so
         * our modified copies must be in the CPU state before it too */
        uint64_t cf = ir_op_const(op, 1);
        return (cf & IR_CALL_PURE & ~IR_CALL_NO_SIDE_EFFECTS) !=
               (IR_CALL_PURE & ~IR_CALL_NO_SIDE_EFFECTS);
    }
    return false;
}

static bool is_global(const IRFunc *f, uint64_t t)
{
    return t != IR_TEMP_ENV && t < f->nb_globals;
}

static int interp_compile(CodeBuf *cb, IRFunc *f, TranslationBlock *tb, uint32_t *insn_end)
{
    uint32_t nb_ops = 0, pool_len = 1, nb_used = 0;
    uint32_t *label_target = calloc(f->nb_labels ? f->nb_labels : 1, sizeof(uint32_t));
    uint8_t *used = calloc(f->nb_globals, 1);     /* referenced by the block */
    uint8_t *written = calloc(f->nb_globals, 1);  /* written anywhere */
    uint8_t *dirty = calloc(f->nb_globals, 1);
    int ret = JIT_OK;

    if (!label_target || !used || !written || !dirty) {
        ret = JIT_ERR_BUFFER_FULL;
        goto out;
    }

    /* Sizes, label positions and the globals involved. */
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        if (op->opc == IR_OP_set_label)
            label_target[op->args[0]] = nb_ops;
        if (!op_kept(op))
            continue;
        nb_ops++;
        for (unsigned a = 0; a < (unsigned)op->nb_out + op->nb_in; a++) {
            if (is_global(f, op->args[a])) {
                if (!used[op->args[a]])
                    nb_used++;
                used[op->args[a]] = 1;
                if (a < op->nb_out)
                    written[op->args[a]] = 1;
            }
        }
        if (op_syncs(op))
            pool_len += f->nb_globals;   /* upper bound of one list */
    }
    pool_len += 1 + nb_used;

    size_t ops_off = (sizeof(InterpProg) + 15) & ~(size_t)15;
    size_t glob_off = ops_off + (size_t)nb_ops * sizeof(InterpOp);
    size_t pool_off = glob_off + (size_t)f->nb_globals * sizeof(InterpGlobal);
    pool_off = (pool_off + 3) & ~(size_t)3;
    size_t total = pool_off + (size_t)pool_len * sizeof(uint32_t);
    if (total > UINT32_MAX) {
        ret = JIT_ERR_TOO_BIG;
        goto out;
    }
    uint8_t *mem = codebuf_data_alloc(cb, total, 16);
    if (!mem) {
        ret = JIT_ERR_BUFFER_FULL;
        goto out;
    }
    InterpProg *prog = (InterpProg *)mem;
    InterpOp *ops = (InterpOp *)(mem + ops_off);
    InterpGlobal *globals = (InterpGlobal *)(mem + glob_off);
    uint32_t *pool = (uint32_t *)(mem + pool_off);
    uint32_t pn = 1;

    memset(mem, 0, total);
    for (uint32_t g = 1; g < f->nb_globals; g++) {
        globals[g].offset = f->temps[g].offset;
        globals[g].type = f->temps[g].type;
    }
    prog->load = pn;
    pool[pn++] = nb_used;
    for (uint32_t g = 1; g < f->nb_globals; g++) {
        if (used[g])
            pool[pn++] = g;
    }

    uint32_t n = 0, insn = 0;
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        if (op->opc == IR_OP_insn_start) {
            if (insn > 0)
                insn_end[insn - 1] = n;
            insn++;
            continue;
        }
        if (op->opc == IR_OP_set_label) {
            memcpy(dirty, written, f->nb_globals);
            continue;
        }
        if (!op_kept(op))
            continue;

        InterpOp *o = &ops[n++];
        o->opc = op->opc;
        o->type = op->type;
        o->nb_in = op->nb_in;
        o->has_out = op->nb_out;
        for (unsigned a = 0; a < (unsigned)op->nb_out + op->nb_in; a++)
            o->t[a] = (uint32_t)op->args[a];
        for (unsigned c = 0; c < ir_op_nb_const(op) && c < 2; c++)
            o->k[c] = ir_op_const(op, c);
        if (op->opc == IR_OP_br)
            o->target = label_target[ir_op_const(op, 0)];
        else if (op->opc == IR_OP_brcond)
            o->target = label_target[ir_op_const(op, 1)];

        if (op_syncs(op)) {
            uint32_t start = pn++, cnt = 0;
            for (uint32_t g = 1; g < f->nb_globals; g++) {
                if (dirty[g]) {
                    pool[pn++] = g;
                    cnt++;
                }
            }
            if (cnt) {
                pool[start] = cnt;
                o->sync = start;
            } else {
                pn = start;
            }
            memset(dirty, 0, f->nb_globals);
        }
        for (unsigned a = 0; a < op->nb_out; a++) {
            if (is_global(f, op->args[a]))
                dirty[op->args[a]] = 1;
        }
    }
    if (insn > 0)
        insn_end[insn - 1] = n;

    prog->nb_ops = n;
    prog->nb_temps = f->nb_temps;
    prog->ops = ops;
    prog->globals = globals;
    prog->pool = pool;
    tb->host_code = prog;
    tb->host_size = (uint32_t)total;
    tb->jmp_patch_off[0] = tb->jmp_patch_off[1] = ~(uint32_t)0;
    tb->jmp_reset_off[0] = tb->jmp_reset_off[1] = ~(uint32_t)0;
out:
    free(label_target);
    free(used);
    free(written);
    free(dirty);
    return ret;
}

/* ---- run ---- */

/* CPU-state accesses: memops without IR_MO_BE (ir_validate rejects it). */
static uint64_t env_load(const CPUState *cpu, int64_t off, unsigned memop, IRType t)
{
    return mem_ld_host((const uint8_t *)cpu + off, memop) & ir_type_mask(t);
}

static void env_store(CPUState *cpu, int64_t off, unsigned memop, uint64_t v)
{
    mem_st_host((uint8_t *)cpu + off, v, memop);
}

static void globals_load(const InterpProg *p, uint32_t list, CPUState *cpu, uint64_t *v)
{
    const uint32_t *l = p->pool + list;
    for (uint32_t i = 1; i <= l[0]; i++) {
        const InterpGlobal *g = &p->globals[l[i]];
        v[l[i]] = env_load(cpu, g->offset, g->type == IR_I32 ? IR_MO_32 : IR_MO_64,
                           (IRType)g->type);
    }
}

static void globals_store(const InterpProg *p, uint32_t list, CPUState *cpu,
                          const uint64_t *v)
{
    const uint32_t *l = p->pool + list;
    for (uint32_t i = 1; i <= l[0]; i++) {
        const InterpGlobal *g = &p->globals[l[i]];
        env_store(cpu, g->offset, g->type == IR_I32 ? IR_MO_32 : IR_MO_64, v[l[i]]);
    }
}

typedef uint64_t (*HelperFn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/*
 * Runs one block from its first op.  Returns the next block to enter
 * when an exit continues in another block, else NULL with the value for
 * the cpu loop in *ret.
 */
static TranslationBlock *run_block(CPUState *cpu, TranslationBlock *tb, uintptr_t *ret)
{
    const InterpProg *p = tb->host_code;
    CPUExec *ex = cpu->exec;
    uint64_t v[p->nb_temps];
    const InterpOp *ops = p->ops;
    uint32_t pc = 0;

    v[IR_TEMP_ENV] = (uint64_t)(uintptr_t)cpu;
    globals_load(p, p->load, cpu, v);

    for (;;) {
        const InterpOp *o = &ops[pc];
        IRType t = (IRType)o->type;
        uint64_t m = ir_type_mask(t);

        if (o->sync)
            globals_store(p, o->sync, cpu, v);
        switch ((IROpcode)o->opc) {
        case IR_OP_mov:   v[o->t[0]] = v[o->t[1]]; break;
        case IR_OP_movi:  v[o->t[0]] = o->k[0]; break;
        case IR_OP_add:   v[o->t[0]] = (v[o->t[1]] + v[o->t[2]]) & m; break;
        case IR_OP_sub:   v[o->t[0]] = (v[o->t[1]] - v[o->t[2]]) & m; break;
        case IR_OP_mul:   v[o->t[0]] = (v[o->t[1]] * v[o->t[2]]) & m; break;
        case IR_OP_and:   v[o->t[0]] = v[o->t[1]] & v[o->t[2]]; break;
        case IR_OP_or:    v[o->t[0]] = v[o->t[1]] | v[o->t[2]]; break;
        case IR_OP_xor:   v[o->t[0]] = v[o->t[1]] ^ v[o->t[2]]; break;
        case IR_OP_andc:  v[o->t[0]] = v[o->t[1]] & ~v[o->t[2]]; break;
        case IR_OP_neg: case IR_OP_not:
        case IR_OP_ext8s: case IR_OP_ext8u: case IR_OP_ext16s: case IR_OP_ext16u:
        case IR_OP_ext32s: case IR_OP_ext32u: case IR_OP_extrl: case IR_OP_extrh:
        case IR_OP_bswap16: case IR_OP_bswap32: case IR_OP_bswap64: case IR_OP_popcnt:
            v[o->t[0]] = ir_eval_op((IROpcode)o->opc, t, v[o->t[1]], 0);
            break;
        case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
        case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        case IR_OP_clz: case IR_OP_ctz:
            v[o->t[0]] = ir_eval_op((IROpcode)o->opc, t, v[o->t[1]], v[o->t[2]]);
            break;
        case IR_OP_mulu2:
        case IR_OP_muls2: {
            uint64_t lo, hi;
            ir_eval_mul2(o->opc == IR_OP_muls2, t, v[o->t[2]], v[o->t[3]], &lo, &hi);
            v[o->t[0]] = lo;
            v[o->t[1]] = hi;
            break;
        }
        case IR_OP_setcond:
            v[o->t[0]] = ir_eval_cond((IRCond)o->k[0], t, v[o->t[1]], v[o->t[2]]);
            break;
        case IR_OP_movcond:
            v[o->t[0]] = ir_eval_cond((IRCond)o->k[0], t, v[o->t[1]], v[o->t[2]])
                             ? v[o->t[3]] : v[o->t[4]];
            break;
        case IR_OP_deposit:
            v[o->t[0]] = ir_eval_deposit(t, v[o->t[1]], v[o->t[2]], (unsigned)o->k[0],
                                         (unsigned)o->k[1]);
            break;
        case IR_OP_extract:
        case IR_OP_sextract:
            v[o->t[0]] = ir_eval_extract(t, v[o->t[1]], (unsigned)o->k[0],
                                         (unsigned)o->k[1], o->opc == IR_OP_sextract);
            break;
        case IR_OP_ld_env:
            v[o->t[0]] = env_load(cpu, (int64_t)o->k[0], (unsigned)o->k[1], t);
            break;
        case IR_OP_st_env:
            env_store(cpu, (int64_t)o->k[0], (unsigned)o->k[1], v[o->t[0]]);
            break;
        case IR_OP_guest_ld:
            if (ex) {
                ex->interp_tb = tb;
                ex->interp_pos = pc;
            }
            v[o->t[0]] = mem_ld(cpu, v[o->t[1]], (unsigned)o->k[0]) & m;
            break;
        case IR_OP_guest_st:
            if (ex) {
                ex->interp_tb = tb;
                ex->interp_pos = pc;
            }
            mem_st(cpu, v[o->t[1]], v[o->t[0]], (unsigned)o->k[0]);
            break;
        case IR_OP_mb:
            if (o->k[0] & IR_MB_ST_LD)
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
            else if (o->k[0])
                __atomic_thread_fence(__ATOMIC_ACQ_REL);
            break;
        case IR_OP_br:
            pc = o->target;
            continue;
        case IR_OP_brcond:
            if (ir_eval_cond((IRCond)o->k[0], t, v[o->t[0]], v[o->t[1]])) {
                pc = o->target;
                continue;
            }
            break;
        case IR_OP_call: {
            uint64_t a[IR_CALL_MAX_ARGS] = { 0 };
            const uint32_t *in = o->t + o->has_out;
            for (unsigned i = 0; i < o->nb_in; i++)
                a[i] = v[in[i]];
            if (ex) {
                ex->interp_tb = tb;
                ex->interp_pos = pc;
            }
            uint64_t r = ((HelperFn)(uintptr_t)o->k[0])(a[0], a[1], a[2], a[3], a[4], a[5]);
            if (!(o->k[1] & IR_CALL_NO_WRITE_GLOBALS))
                globals_load(p, p->load, cpu, v);
            if (o->has_out)
                v[o->t[0]] = r & m;
            break;
        }
        case IR_OP_goto_tb: {
            TranslationBlock *dest = __atomic_load_n(&tb->jmp_dest[o->k[0] & 1],
                                                     __ATOMIC_ACQUIRE);
            if (dest)
                return dest;
            *ret = (uintptr_t)tb | (uintptr_t)(o->k[0] & 1);
            return NULL;
        }
        case IR_OP_exit_tb:
            *ret = 0;
            return NULL;
        case IR_OP_lookup_and_goto: {
            TranslationBlock *dest = tb_lookup_for_jump(cpu);
            if (dest)
                return dest;
            *ret = 0;
            return NULL;
        }
        default:
            /* set_label, insn_start and nop are not compiled in */
            break;
        }
        pc++;
    }
}

static uintptr_t interp_run(CPUState *cpu, TranslationBlock *tb)
{
    uintptr_t ret = 0;
    for (;;) {
        uint32_t budget = __atomic_load_n(&cpu->budget.u32, __ATOMIC_RELAXED);
        int32_t left = (int32_t)(budget - tb->icount);
        if (left < 0) {
            ret = (uintptr_t)tb | TB_EXIT_REQUESTED;
            break;
        }
        __atomic_store_n(&cpu->budget.u16.low, (uint16_t)left, __ATOMIC_RELAXED);
        tb = run_block(cpu, tb, &ret);
        if (!tb)
            break;
    }
    if (cpu->exec)
        cpu->exec->interp_tb = NULL;
    return ret;
}

static int64_t interp_host_pos(const TranslationBlock *tb, uintptr_t pc)
{
    (void)tb;
    (void)pc;
    return -1;   /* no host code: positions come from CPUExec.interp_pos */
}

const JitBackend jit_backend_interp = {
    .name = "interp",
    .init = NULL,
    .compile = interp_compile,
    .run = interp_run,
    .set_jump = NULL,
    .host_pos = interp_host_pos,
};
