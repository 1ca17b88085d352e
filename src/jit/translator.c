/*
 * The generic translation loop: targets translate one instruction at a
 * time through TranslatorOps hooks; this file decides where a block ends.
 *
 * Stop rules, checked after each instruction:
 *   - the target ended the block (is_jmp != DISAS_NEXT);
 *   - max_insns instructions were translated (from the caller: the cflags
 *     count, TB_MAX_INSNS, or fewer after a "too big" retry);
 *   - the next instruction would start on another page than the first
 *     one, so a block covers at most two pages, the second only through
 *     an instruction that straddles the boundary;
 *   - the IR buffer is nearly full (fewer than a headroom of ops or temps
 *     left), so a block never overflows in the middle of an instruction.
 *
 * Debugger breakpoints: an instruction at a breakpoint's pc always
 * starts a block (the block before it ends there), and the target's
 * breakpoint hook stands in for it.  The block claims the breakpoint's
 * first byte, so that removing the breakpoint (which invalidates the
 * code at that address) drops it.
 *
 * Code fetch faults: translator_ld* read through code_read; when it fails
 * they siglongjmp back here.  On the first instruction the block cannot
 * exist and the caller reports a fetch fault.  On a later one the IR is
 * rolled back to where that instruction began (ops, temps, labels,
 * instruction count) and the block ends before it with DISAS_TOO_MANY,
 * so the fault is raised when (and only if) execution gets there.  The
 * jump target lives in translate_one()'s frame, which does nothing after
 * sigsetjmp but return, so no local variable is ever left indeterminate.
 */
#include "jit/translator.h"

#include <stdlib.h>
#include <string.h>

#include "util/sorted.h"

/* A block ends when fewer ops or temps than this are left: more than one
 * instruction of any target needs. */
#define TRANSLATOR_OPS_HEADROOM   512
#define TRANSLATOR_TEMPS_HEADROOM 256

/* Translates the instruction at db->pc_next; false on a fetch fault. */
static bool translate_one(const TranslatorOps *ops, DisasContextBase *db, CPUState *cpu)
{
    sigjmp_buf jmp;
    db->fetch_jmp = &jmp;
    if (sigsetjmp(jmp, 0)) {
        db->fetch_jmp = NULL;
        return false;
    }
    ops->insn_start(db, cpu);
    ops->translate_insn(db, cpu);
    db->fetch_jmp = NULL;
    return true;
}

static bool ir_nearly_full(const IRFunc *f)
{
    return f->overflow ||
           f->max_ops - f->nb_ops < TRANSLATOR_OPS_HEADROOM ||
           f->max_temps - f->nb_temps < TRANSLATOR_TEMPS_HEADROOM;
}

int translator_loop(const TranslatorOps *ops, DisasContextBase *db, CPUState *cpu,
                    TranslationBlock *tb, IRFunc *f, int max_insns,
                    bool (*code_read)(CPUState *, uint64_t, void *, unsigned),
                    unsigned page_bits)
{
    db->tb = tb;
    db->f = f;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = max_insns < 1 ? 1 : max_insns;
    db->page_mask = ~(((uint64_t)1 << page_bits) - 1);
    db->code_read = code_read;
    db->cpu = cpu;
    db->fetch_jmp = NULL;
    db->fetch_fault_addr = 0;
    db->insn_pc = tb->pc;
    db->last_fetched = tb->pc;

    ops->init_disas_context(db, cpu);
    ops->tb_start(db, cpu);

    for (;;) {
        uint32_t saved_ops = f->nb_ops;
        uint32_t saved_temps = f->nb_temps;
        uint32_t saved_labels = f->nb_labels;
        uint32_t saved_insns = f->nb_insns;
        uint64_t saved_fetched = db->last_fetched;

        db->insn_pc = db->pc_next;
        if (ops->breakpoint &&
            sorted_u64_contains(db->breakpoints, db->nb_breakpoints, db->pc_next)) {
            if (db->num_insns > 0) {
                db->is_jmp = DISAS_TOO_MANY;
                break;
            }
            db->num_insns++;
            ops->breakpoint(db, cpu);
            db->pc_next = db->insn_pc + 1;
            if (db->last_fetched < db->pc_next)
                db->last_fetched = db->pc_next;
            break;
        }
        db->num_insns++;
        if (!translate_one(ops, db, cpu)) {
            if (db->num_insns == 1)
                return TRANSLATE_FETCH_FAULT;
            f->nb_ops = saved_ops;
            f->nb_temps = saved_temps;
            f->nb_labels = saved_labels;
            f->nb_insns = saved_insns;
            db->last_fetched = saved_fetched;
            db->num_insns--;
            db->pc_next = db->insn_pc;
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
        if (db->is_jmp != DISAS_NEXT)
            break;
        if (db->num_insns >= db->max_insns ||
            (db->pc_next & db->page_mask) != (db->pc_first & db->page_mask) ||
            ir_nearly_full(f)) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    ops->tb_stop(db, cpu);

    tb->size = (uint32_t)(db->pc_next - db->pc_first);
    tb->icount = (uint16_t)db->num_insns;
    return TRANSLATE_OK;
}

/*
 * Reads len bytes of code at pc or leaves through fetch_jmp.  On a fault
 * the first unreadable byte is found one byte at a time, so an
 * instruction straddling into an unmapped page reports that page.
 */
static void translator_fetch(DisasContextBase *db, uint64_t pc, void *buf, unsigned len)
{
    if (!db->code_read(db->cpu, pc, buf, len)) {
        uint64_t bad = pc;
        uint8_t byte;
        for (unsigned i = 0; i < len; i++) {
            if (!db->code_read(db->cpu, pc + i, &byte, 1)) {
                bad = pc + i;
                break;
            }
        }
        db->fetch_fault_addr = bad;
        if (!db->fetch_jmp)
            abort();   /* a code read outside translate_insn: a target bug */
        siglongjmp(*db->fetch_jmp, 1);
    }
    if (pc + len > db->last_fetched)
        db->last_fetched = pc + len;
}

uint8_t translator_ldub(DisasContextBase *db, uint64_t pc)
{
    uint8_t v;
    translator_fetch(db, pc, &v, 1);
    return v;
}

uint16_t translator_lduw(DisasContextBase *db, uint64_t pc)
{
    uint8_t b[2];
    translator_fetch(db, pc, b, 2);
    return (uint16_t)(b[0] | b[1] << 8);
}

uint32_t translator_ldl(DisasContextBase *db, uint64_t pc)
{
    uint8_t b[4];
    translator_fetch(db, pc, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

uint64_t translator_ldq(DisasContextBase *db, uint64_t pc)
{
    uint8_t b[8];
    translator_fetch(db, pc, b, 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}
