/*
 * The i386 decoder and the translator hooks.
 *
 * An instruction is decoded in the order of its bytes (SDM vol. 2,
 * chapter 2): prefixes, one or two opcode bytes, the ModRM byte with its
 * SIB byte and displacement when the table row needs them, then the
 * immediates its operands name, in operand order.  The table row
 * (decode-tables.c) says, in the SDM's operand notation, what each
 * operand is; this file turns that into an I386Insn whose operands are
 * already registers, memory or immediates at a resolved size, checks
 * what the row demands (LOCK allowed, memory-only forms, privilege, the
 * 15-byte limit), and calls the row's handler.
 *
 * Checks happen before any IR is emitted for the instruction, and every
 * one of them raises at the instruction (eip and flags as before it):
 *   - more than 15 bytes: #GP(0) (bytes past the 15th are never fetched,
 *     so a long prefix run next to an unmapped page gives #GP as on
 *     hardware, not a page fault);
 *   - no handler for the opcode, a register where the row wants memory
 *     or the reverse, LOCK on a row without I386_F_LOCK or without a
 *     memory operand: #UD;
 *   - privileged rows at CPL 3: #GP(0).
 *
 * Blocks: the static state (cc_op) starts unknown at each block; every
 * exit writes back eip and cc_op.  With EFLAGS.TF set (I386_HF_TF) each
 * block holds one instruction and its exits raise the single-step #DB
 * trap instead of continuing.
 */
#include "targets/i386/translate.h"

#include <stdarg.h>
#include <stddef.h>

#include "targets/i386/helper.h"
#include "targets/i386/simd-insn.h"
#include "targets/i386/translate-core.h"

#define MAX_INSN_LEN 15

/* The decoder's cursor over the instruction's bytes. */
typedef struct Fetch {
    I386DisasContext *s;
    uint64_t start;      /* linear address of the instruction */
    uint64_t pc;         /* next byte */
    bool too_long;       /* a byte beyond the 15th was needed */
} Fetch;

static uint8_t fetch_u8(Fetch *fe)
{
    if (fe->pc - fe->start >= MAX_INSN_LEN) {
        fe->too_long = true;
        return 0;
    }
    return translator_ldub(&fe->s->base, fe->pc++);
}

static uint32_t fetch_uint(Fetch *fe, unsigned ot)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < (1u << ot); i++)
        v |= (uint32_t)fetch_u8(fe) << (8 * i);
    return v;
}

/* ---------------------------------------------------------------------
 * IR conveniences.
 */
IRTemp gen_temp(I386DisasContext *s)
{
    return ir_new_temp(s->base.f, IR_I32);
}

IRTemp gen_const(I386DisasContext *s, uint32_t v)
{
    IRTemp t = gen_temp(s);
    ir_gen_movi(s->base.f, IR_I32, t, v);
    return t;
}

IRTemp gen_op2(I386DisasContext *s, IROpcode opc, IRTemp a, IRTemp b)
{
    IRTemp t = gen_temp(s);
    ir_gen_op2(s->base.f, opc, IR_I32, t, a, b);
    return t;
}

IRTemp gen_op2i(I386DisasContext *s, IROpcode opc, IRTemp a, uint32_t imm)
{
    IRTemp t = gen_temp(s);
    ir_gen_op2i(s->base.f, opc, IR_I32, t, a, imm);
    return t;
}

IRTemp gen_ext(I386DisasContext *s, unsigned ot, IRTemp v, bool sign)
{
    IRTemp t = gen_temp(s);
    IRFunc *f = s->base.f;
    switch (ot) {
    case IR_MO_8:
        ir_gen_op1(f, sign ? IR_OP_ext8s : IR_OP_ext8u, IR_I32, t, v);
        break;
    case IR_MO_16:
        ir_gen_op1(f, sign ? IR_OP_ext16s : IR_OP_ext16u, IR_I32, t, v);
        break;
    default:
        ir_gen_mov(f, IR_I32, t, v);
        break;
    }
    return t;
}

void gen_helper(I386DisasContext *s, void *fn, unsigned call_flags, IRTemp ret,
                unsigned nargs, ...)
{
    IRTemp args[IR_CALL_MAX_ARGS];
    va_list ap;
    va_start(ap, nargs);
    for (unsigned i = 0; i < nargs && i < IR_CALL_MAX_ARGS; i++)
        args[i] = va_arg(ap, IRTemp);
    va_end(ap);
    ir_gen_call(s->base.f, fn, call_flags, IR_I32, ret, nargs, args);
}

uint32_t i386_mask_eip(I386DisasContext *s, uint32_t eip)
{
    return s->dflag == IR_MO_16 ? eip & 0xffff : eip;
}

/* ---------------------------------------------------------------------
 * Exceptions and block ends.
 */
void gen_raise(I386DisasContext *s, int excp, uint32_t err)
{
    /* No cc_op write: the fault restores cc_op from insn_start. */
    gen_helper(s, (void *)helper_raise_exception, IR_CALL_NO_WRITE_GLOBALS, IR_TEMP_NONE,
               3, IR_TEMP_ENV, gen_const(s, (uint32_t)excp), gen_const(s, err));
}

void gen_exception_err(I386DisasContext *s, int excp, uint32_t err)
{
    gen_raise(s, excp, err);
    ir_gen_exit_tb(s->base.f);   /* not reached: a block ends in an exit */
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_exception(I386DisasContext *s, int excp)
{
    gen_exception_err(s, excp, 0);
}

void gen_illegal(I386DisasContext *s)
{
    gen_exception(s, I386_EXCP_UD);
}

void gen_privileged(I386DisasContext *s)
{
    gen_exception(s, I386_EXCP_GP);
}

void gen_trap_at(I386DisasContext *s, int excp, IRTemp next_eip)
{
    gen_update_cc_op(s);
    gen_helper(s, (void *)helper_raise_trap, IR_CALL_NO_WRITE_GLOBALS, IR_TEMP_NONE, 3,
               IR_TEMP_ENV, gen_const(s, (uint32_t)excp), next_eip);
}

void gen_trap(I386DisasContext *s, int excp)
{
    gen_trap_at(s, excp, gen_const(s, s->next_eip));
    ir_gen_exit_tb(s->base.f);
    s->base.is_jmp = DISAS_NORETURN;
}

/* The end of every block exit: the single-step trap, or `exit`. */
static void gen_exit_with_eip(I386DisasContext *s, IRTemp eip)
{
    if (s->watch) {
        gen_update_cc_op(s);
        gen_helper(s, (void *)helper_watch_after, IR_CALL_NO_WRITE_GLOBALS, IR_TEMP_NONE, 2,
                   IR_TEMP_ENV, eip);
    }
    if (s->step_excp)
        gen_trap_at(s, s->step_excp, eip);
}

void gen_jmp(I386DisasContext *s, uint32_t eip, unsigned slot)
{
    gen_update_cc_op(s);
    ir_gen_movi(s->base.f, IR_I32, I386_TEMP_EIP, eip);
    gen_exit_with_eip(s, gen_const(s, eip));
    if (s->step_excp)
        ir_gen_exit_tb(s->base.f);
    else
        ir_gen_goto_tb(s->base.f, slot);
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_jmp_temp(I386DisasContext *s, IRTemp eip)
{
    gen_update_cc_op(s);
    ir_gen_mov(s->base.f, IR_I32, I386_TEMP_EIP, eip);
    gen_exit_with_eip(s, I386_TEMP_EIP);
    if (s->step_excp)
        ir_gen_exit_tb(s->base.f);
    else
        ir_gen_lookup_and_goto(s->base.f);
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_end_block(I386DisasContext *s)
{
    gen_update_cc_op(s);
    ir_gen_movi(s->base.f, IR_I32, I386_TEMP_EIP, s->next_eip);
    gen_exit_with_eip(s, gen_const(s, s->next_eip));
    ir_gen_exit_tb(s->base.f);
    s->base.is_jmp = DISAS_NORETURN;
}

/* ---------------------------------------------------------------------
 * Decoding.
 */
static void decode_modrm_addr32(Fetch *fe, I386Insn *insn)
{
    I386Addr *ea = &insn->ea;
    unsigned mod = insn->mod, rm = insn->rm;
    ea->base = -1;
    ea->index = -1;
    ea->scale = 0;
    ea->aflag = IR_MO_32;
    ea->disp = 0;
    if (rm == 4) {
        uint8_t sib = fetch_u8(fe);
        unsigned index = (sib >> 3) & 7, base = sib & 7;
        ea->scale = sib >> 6;
        if (index != R_ESP)
            ea->index = (int8_t)index;
        if (base == R_EBP && mod == 0)
            ea->disp = fetch_uint(fe, IR_MO_32);
        else
            ea->base = (int8_t)base;
    } else if (rm == 5 && mod == 0) {
        ea->disp = fetch_uint(fe, IR_MO_32);
    } else {
        ea->base = (int8_t)rm;
    }
    if (mod == 1)
        ea->disp = (uint32_t)(int32_t)(int8_t)fetch_u8(fe);
    else if (mod == 2)
        ea->disp = fetch_uint(fe, IR_MO_32);
    /* SS when the base is ESP or EBP (SDM vol. 1, 3.7.5). */
    ea->seg = (ea->base == R_ESP || ea->base == R_EBP) ? R_SS : R_DS;
}

/* The eight 16-bit forms of SDM vol. 2, table 2-1. */
static void decode_modrm_addr16(Fetch *fe, I386Insn *insn)
{
    static const int8_t base16[8] = { R_EBX, R_EBX, R_EBP, R_EBP, -1, -1, R_EBP, R_EBX };
    static const int8_t index16[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, -1, -1 };
    I386Addr *ea = &insn->ea;
    unsigned mod = insn->mod, rm = insn->rm;
    ea->scale = 0;
    ea->aflag = IR_MO_16;
    ea->disp = 0;
    if (mod == 0 && rm == 6) {
        ea->base = -1;
        ea->index = -1;
        ea->disp = fetch_uint(fe, IR_MO_16);
    } else {
        ea->base = base16[rm];
        ea->index = index16[rm];
        if (mod == 1)
            ea->disp = (uint32_t)(int32_t)(int8_t)fetch_u8(fe);
        else if (mod == 2)
            ea->disp = fetch_uint(fe, IR_MO_16);
    }
    ea->seg = ea->base == R_EBP ? R_SS : R_DS;
}

static unsigned resolve_size(const I386DisasContext *s, unsigned code, unsigned ot)
{
    switch (code) {
    case I386_SZ_b: return IR_MO_8;
    case I386_SZ_bs: return ot;
    case I386_SZ_w: return IR_MO_16;
    case I386_SZ_d: return IR_MO_32;
    case I386_SZ_q: return IR_MO_64;
    default: return s->dflag;
    }
}

static bool method_has_modrm(unsigned m)
{
    return m == I386_AM_C || m == I386_AM_D || m == I386_AM_E || m == I386_AM_G ||
           m == I386_AM_M || m == I386_AM_R || m == I386_AM_S;
}

/* Fills operand i from its spec; false when the form is invalid (#UD). */
static bool decode_operand(Fetch *fe, I386Insn *insn, int i, const I386OpSpec *sp)
{
    I386DisasContext *s = fe->s;
    I386Operand *op = &insn->op[i];
    op->size = (uint8_t)resolve_size(s, sp->size, insn->ot);
    switch (sp->method) {
    case I386_AM_E:
        if (insn->mod == 3) {
            op->kind = I386_OPK_REG;
            op->reg = insn->rm;
        } else {
            op->kind = I386_OPK_MEM;
        }
        break;
    case I386_AM_M:
        if (insn->mod == 3)
            return false;
        op->kind = I386_OPK_MEM;
        break;
    case I386_AM_R:
        /* MOV to/from control and debug registers ignore mod (SDM). */
        op->kind = I386_OPK_REG;
        op->reg = insn->rm;
        break;
    case I386_AM_G:
        op->kind = I386_OPK_REG;
        op->reg = insn->reg;
        break;
    case I386_AM_S:
        op->kind = I386_OPK_SEG;
        op->reg = insn->reg;
        break;
    case I386_AM_C:
        op->kind = I386_OPK_CREG;
        op->reg = insn->reg;
        break;
    case I386_AM_D:
        op->kind = I386_OPK_DREG;
        op->reg = insn->reg;
        break;
    case I386_AM_Z:
        op->kind = I386_OPK_REG;
        op->reg = insn->b & 7;
        break;
    case I386_AM_REG:
        op->kind = I386_OPK_REG;
        op->reg = sp->reg;
        break;
    case I386_AM_SEG:
        op->kind = I386_OPK_SEG;
        op->reg = sp->reg;
        break;
    case I386_AM_ONE:
        op->kind = I386_OPK_IMM;
        op->imm = 1;
        break;
    case I386_AM_I:
        op->kind = I386_OPK_IMM;
        if (sp->size == I386_SZ_bs) {
            uint32_t v = (uint32_t)(int32_t)(int8_t)fetch_u8(fe);
            op->imm = op->size == IR_MO_16 ? v & 0xffff : op->size == IR_MO_8 ? v & 0xff : v;
        } else {
            op->imm = fetch_uint(fe, op->size);
        }
        break;
    case I386_AM_J:
        /* The displacement for now; the target once the length is known. */
        op->kind = I386_OPK_IMM;
        op->imm = sp->size == I386_SZ_b ? (uint32_t)(int32_t)(int8_t)fetch_u8(fe)
                  : s->dflag == IR_MO_16 ? (uint32_t)(int32_t)(int16_t)fetch_uint(fe, IR_MO_16)
                                         : fetch_uint(fe, IR_MO_32);
        break;
    case I386_AM_A:
        op->kind = I386_OPK_FAR;
        op->imm = fetch_uint(fe, s->dflag);
        op->sel = (uint16_t)fetch_uint(fe, IR_MO_16);
        op->size = s->dflag;
        break;
    case I386_AM_O:
        op->kind = I386_OPK_MEM;
        insn->mem = true;
        insn->ea = (I386Addr){ .base = -1, .index = -1, .seg = R_DS, .aflag = s->aflag };
        insn->ea.disp = fetch_uint(fe, s->aflag);
        break;
    default:
        op->kind = I386_OPK_NONE;
        break;
    }
    return true;
}

/* Decodes the instruction at s->base.pc_next into insn.  Returns the
 * exception to raise instead of translating it, or -1. */
static int decode_insn(I386DisasContext *s, Fetch *fe, I386Insn *insn, uint32_t *err)
{
    *err = 0;
    /* Prefixes (SDM vol. 2, 2.1.1); of F2/F3 the last one counts. */
    for (;;) {
        uint8_t b = fetch_u8(fe);
        if (fe->too_long)
            return I386_EXCP_GP;
        switch (b) {
        case 0xf3: s->prefix = (s->prefix & ~I386_PREFIX_REPNZ) | I386_PREFIX_REPZ; continue;
        case 0xf2: s->prefix = (s->prefix & ~I386_PREFIX_REPZ) | I386_PREFIX_REPNZ; continue;
        case 0xf0: s->prefix |= I386_PREFIX_LOCK; continue;
        case 0x66: s->prefix |= I386_PREFIX_DATA; continue;
        case 0x67: s->prefix |= I386_PREFIX_ADR; continue;
        case 0x26: s->override = R_ES; continue;
        case 0x2e: s->override = R_CS; continue;
        case 0x36: s->override = R_SS; continue;
        case 0x3e: s->override = R_DS; continue;
        case 0x64: s->override = R_FS; continue;
        case 0x65: s->override = R_GS; continue;
        default:
            break;
        }
        if (b == 0x0f) {
            insn->b = fetch_u8(fe);
            insn->opcode = 0x100 | insn->b;
            insn->entry = &i386_optab_0f[insn->b];
            if (insn->b == 0x38 || insn->b == 0x3a) {
                /* The three-byte maps (SSSE3): translate-simd.c's rows. */
                bool m3a = insn->b == 0x3a;
                insn->b = fetch_u8(fe);
                insn->opcode = (uint16_t)((m3a ? 0x300 : 0x200) | insn->b);
                insn->entry = m3a ? &i386_simd_row_0f3a : &i386_simd_row_0f38;
            }
        } else {
            insn->b = b;
            insn->opcode = b;
            insn->entry = &i386_optab_1byte[b];
        }
        break;
    }
    s->dflag = (s->code32 != !!(s->prefix & I386_PREFIX_DATA)) ? IR_MO_32 : IR_MO_16;
    s->aflag = (s->code32 != !!(s->prefix & I386_PREFIX_ADR)) ? IR_MO_32 : IR_MO_16;

    const I386OpEntry *e = insn->entry;
    bool need_modrm = e->flags & I386_F_MODRM || e->group;
    for (int i = 0; i < 3; i++)
        need_modrm |= method_has_modrm(e->op[i].method);
    if (need_modrm) {
        insn->has_modrm = true;
        insn->modrm = fetch_u8(fe);
        insn->mod = insn->modrm >> 6;
        insn->reg = (insn->modrm >> 3) & 7;
        insn->rm = insn->modrm & 7;
        if (e->group) {
            e = &e->group[insn->reg];
            insn->entry = e;
        }
        if (insn->mod != 3) {
            insn->mem = true;
            if (s->aflag == IR_MO_32)
                decode_modrm_addr32(fe, insn);
            else
                decode_modrm_addr16(fe, insn);
        }
    }

    /* The operand size of the instruction: its first sized operand. */
    insn->ot = s->dflag;
    if ((e->flags & I386_F_BYTEOP) || e->op[0].size == I386_SZ_b)
        insn->ot = IR_MO_8;
    else if (e->op[0].size == I386_SZ_w)
        insn->ot = IR_MO_16;
    else if (e->op[0].size == I386_SZ_d)
        insn->ot = IR_MO_32;

    bool valid = e->trans != NULL;
    insn->nb_ops = 0;
    for (int i = 0; i < 3 && e->op[i].method != I386_AM_NONE; i++) {
        valid &= decode_operand(fe, insn, i, &e->op[i]);
        insn->nb_ops = (uint8_t)(i + 1);
    }
    if (fe->too_long)
        return I386_EXCP_GP;

    s->next_eip = (uint32_t)(fe->pc - s->cs_base);
    for (int i = 0; i < insn->nb_ops; i++)
        if (e->op[i].method == I386_AM_J)
            insn->op[i].imm = i386_mask_eip(s, s->next_eip + insn->op[i].imm);
    if (insn->mem)
        insn->ea.seg = (uint8_t)gen_seg(s, insn->ea.seg);

    if (!valid)
        return I386_EXCP_UD;
    if ((e->flags & I386_F_MEM) && !insn->mem)
        return I386_EXCP_UD;
    if ((e->flags & I386_F_REG) && insn->has_modrm && insn->mod != 3)
        return I386_EXCP_UD;
    if ((s->prefix & I386_PREFIX_LOCK) && (!(e->flags & I386_F_LOCK) || !insn->mem))
        return I386_EXCP_UD;
    if (e->flags & I386_F_PRIV)
        return I386_EXCP_GP;
    return -1;
}

/* ---------------------------------------------------------------------
 * Translator hooks.
 */
static I386DisasContext *i386_ctx(DisasContextBase *db)
{
    return (I386DisasContext *)db;
}

static void i386_init_disas_context(DisasContextBase *db, CPUState *cpu)
{
    I386DisasContext *s = i386_ctx(db);
    s->cs_base = i386_cpu(cpu)->segs[R_CS].base;
    s->flags = db->tb->flags;
    s->code32 = s->flags & I386_HF_CS32;
    s->ss32 = s->flags & I386_HF_SS32;
    s->addseg = s->flags & I386_HF_ADDSEG;
    /* Single-stepping traps after every instruction: a debugger's step
     * (which the guest does not see) or the guest's own TF. */
    if (db->tb->cflags & CF_DEBUG_STEP)
        s->step_excp = EXCP_DEBUG;
    else if (s->flags & I386_HF_TF)
        s->step_excp = I386_EXCP_DB;
    s->watch = (db->tb->cflags & CF_WATCH) != 0;
    if (s->step_excp || s->watch)
        db->max_insns = 1;
}

static void i386_tb_start(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    I386DisasContext *s = i386_ctx(db);
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
    s->cc_srcT = IR_TEMP_NONE;
}

static void i386_insn_start(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    I386DisasContext *s = i386_ctx(db);
    s->insn_cc_op = s->cc_op;
    ir_gen_insn_start(db->f, db->pc_next, s->cc_op, 0);
}

static void i386_translate_insn(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    I386DisasContext *s = i386_ctx(db);
    I386Insn insn = { 0 };
    Fetch fe = { .s = s, .start = db->pc_next, .pc = db->pc_next };
    uint32_t err;

    s->cur_eip = (uint32_t)(db->pc_next - s->cs_base);
    s->prefix = 0;
    s->override = -1;
    int excp = decode_insn(s, &fe, &insn, &err);
    db->pc_next = fe.pc;
    if (excp >= 0) {
        gen_exception_err(s, excp, err);
        return;
    }
    insn.entry->trans(s, &insn);
}

static void i386_tb_stop(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    I386DisasContext *s = i386_ctx(db);
    if (db->is_jmp == DISAS_TOO_MANY || db->is_jmp == DISAS_NEXT)
        gen_jmp(s, (uint32_t)(db->pc_next - s->cs_base), 0);
}

/* A debugger breakpoint: the instruction does not run. */
static void i386_breakpoint(DisasContextBase *db, CPUState *cpu)
{
    i386_insn_start(db, cpu);
    gen_exception(i386_ctx(db), EXCP_DEBUG);
}

const TranslatorOps i386_translator_ops = {
    .init_disas_context = i386_init_disas_context,
    .tb_start = i386_tb_start,
    .insn_start = i386_insn_start,
    .translate_insn = i386_translate_insn,
    .tb_stop = i386_tb_stop,
    .breakpoint = i386_breakpoint,
};
