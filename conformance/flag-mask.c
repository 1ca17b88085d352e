/*
 * The undefined-flag table and its state machine (flag-mask.h,
 * docs/trace-flags.md).  Capstone decodes each record's instruction; the
 * flags an instruction writes come from capstone's eflags detail unless
 * the table has a row for it, since capstone ignores the SDM's conditions
 * on the operands (it calls OF after ROL by 1 undefined, and has a shift
 * by 0 write flags) and lists no flags read by ADC, DAA or CMC.  Only the
 * table decides what is undefined: it transcribes the "Flags Affected"
 * sections of the SDM vol. 2.
 */
#include "flag-mask.h"

#include <stddef.h>
#include <string.h>

#define ALL FM_STATUS

/* How an operand changes a row's flags. */
enum {
    COND_NONE,
    COND_SHIFT,    /* SHL SAL SHR SAR: count 0 / 1 / >1 / >= size */
    COND_ROTATE,   /* ROL ROR: count 0 / 1 / >1 */
    COND_RCX,      /* RCL RCR: count 0 / 1 / >1, CF only when it rotates */
    COND_SHXD,     /* SHLD SHRD: count 0 / 1 / >1 / > size */
    COND_BSX,      /* BSF BSR: destination undefined on a zero source */
    COND_BSWAP,    /* BSWAP: a 16-bit destination is undefined */
    COND_LAR,      /* LAR: bits 16-19 of a 32-bit destination undefined */
};

typedef struct Row {
    unsigned id;
    uint32_t def;       /* written with a defined value */
    uint32_t undef;     /* left undefined (count > 1 for the shift rows) */
    int cond;
    uint32_t read;      /* flags the instruction reads (capstone misses most) */
} Row;

static const Row table[] = {
    /* Logical: OF CF cleared, SF ZF PF per result, AF undefined. */
    { X86_INS_AND, FM_CF | FM_OF | FM_SF | FM_ZF | FM_PF, FM_AF, COND_NONE, 0 },
    { X86_INS_OR, FM_CF | FM_OF | FM_SF | FM_ZF | FM_PF, FM_AF, COND_NONE, 0 },
    { X86_INS_XOR, FM_CF | FM_OF | FM_SF | FM_ZF | FM_PF, FM_AF, COND_NONE, 0 },
    { X86_INS_TEST, FM_CF | FM_OF | FM_SF | FM_ZF | FM_PF, FM_AF, COND_NONE, 0 },
    /* Shifts: see shift_flags. */
    { X86_INS_SHL, 0, 0, COND_SHIFT, 0 },
    { X86_INS_SAL, 0, 0, COND_SHIFT, 0 },
    { X86_INS_SHR, 0, 0, COND_SHIFT, 0 },
    { X86_INS_SAR, 0, 0, COND_SHIFT, 0 },
    { X86_INS_ROL, 0, 0, COND_ROTATE, 0 },
    { X86_INS_ROR, 0, 0, COND_ROTATE, 0 },
    { X86_INS_RCL, 0, 0, COND_RCX, FM_CF },
    { X86_INS_RCR, 0, 0, COND_RCX, FM_CF },
    { X86_INS_SHLD, 0, 0, COND_SHXD, 0 },
    { X86_INS_SHRD, 0, 0, COND_SHXD, 0 },
    /* Multiply: OF CF say whether the upper half is significant. */
    { X86_INS_MUL, FM_CF | FM_OF, FM_SF | FM_ZF | FM_AF | FM_PF, COND_NONE, 0 },
    { X86_INS_IMUL, FM_CF | FM_OF, FM_SF | FM_ZF | FM_AF | FM_PF, COND_NONE, 0 },
    { X86_INS_DIV, 0, ALL, COND_NONE, 0 },
    { X86_INS_IDIV, 0, ALL, COND_NONE, 0 },
    /* BCD adjustments. */
    { X86_INS_AAA, FM_AF | FM_CF, FM_OF | FM_SF | FM_ZF | FM_PF, COND_NONE, FM_AF },
    { X86_INS_AAS, FM_AF | FM_CF, FM_OF | FM_SF | FM_ZF | FM_PF, COND_NONE, FM_AF },
    { X86_INS_AAM, FM_SF | FM_ZF | FM_PF, FM_OF | FM_AF | FM_CF, COND_NONE, 0 },
    { X86_INS_AAD, FM_SF | FM_ZF | FM_PF, FM_OF | FM_AF | FM_CF, COND_NONE, 0 },
    { X86_INS_DAA, FM_CF | FM_AF | FM_SF | FM_ZF | FM_PF, FM_OF, COND_NONE, FM_AF | FM_CF },
    { X86_INS_DAS, FM_CF | FM_AF | FM_SF | FM_ZF | FM_PF, FM_OF, COND_NONE, FM_AF | FM_CF },
    /* Bit tests: CF is the bit, ZF unaffected. */
    { X86_INS_BT, FM_CF, FM_OF | FM_SF | FM_AF | FM_PF, COND_NONE, 0 },
    { X86_INS_BTS, FM_CF, FM_OF | FM_SF | FM_AF | FM_PF, COND_NONE, 0 },
    { X86_INS_BTR, FM_CF, FM_OF | FM_SF | FM_AF | FM_PF, COND_NONE, 0 },
    { X86_INS_BTC, FM_CF, FM_OF | FM_SF | FM_AF | FM_PF, COND_NONE, 0 },
    { X86_INS_BSF, FM_ZF, FM_CF | FM_OF | FM_SF | FM_AF | FM_PF, COND_BSX, 0 },
    { X86_INS_BSR, FM_ZF, FM_CF | FM_OF | FM_SF | FM_AF | FM_PF, COND_BSX, 0 },
    { X86_INS_BSWAP, 0, 0, COND_BSWAP, 0 },
    /* Only ZF (whether the selector is valid and visible). */
    { X86_INS_LAR, FM_ZF, 0, COND_LAR, 0 },
    /* Flag readers capstone does not mark as such. */
    { X86_INS_ADC, ALL, 0, COND_NONE, FM_CF },
    { X86_INS_SBB, ALL, 0, COND_NONE, FM_CF },
    { X86_INS_CMC, FM_CF, 0, COND_NONE, FM_CF },
    { X86_INS_SALC, 0, 0, COND_NONE, FM_CF },
    { X86_INS_LAHF, 0, 0, COND_NONE, FM_SF | FM_ZF | FM_AF | FM_PF | FM_CF },
    { X86_INS_PUSHF, 0, 0, COND_NONE, ALL | FM_DF },
    { X86_INS_PUSHFD, 0, 0, COND_NONE, ALL | FM_DF },
    /* Loaders of the whole set: the values come from data. */
    { X86_INS_SAHF, FM_SF | FM_ZF | FM_AF | FM_PF | FM_CF, 0, COND_NONE, 0 },
    { X86_INS_POPF, ALL | FM_DF, 0, COND_NONE, 0 },
    { X86_INS_POPFD, ALL | FM_DF, 0, COND_NONE, 0 },
    { X86_INS_IRET, ALL | FM_DF, 0, COND_NONE, 0 },
    { X86_INS_IRETD, ALL | FM_DF, 0, COND_NONE, 0 },
};

static const Row *find_row(unsigned id)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].id == id)
            return &table[i];
    return NULL;
}

uint32_t flag_mask_table_undef(unsigned id)
{
    const Row *row = find_row(id);
    if (!row)
        return 0;
    switch (row->cond) {
    case COND_SHIFT:
        return FM_AF | FM_OF | FM_CF;
    case COND_ROTATE:
    case COND_RCX:
        return FM_OF;
    case COND_SHXD:
        return ALL;
    default:
        return row->undef;
    }
}

#define R32 0xffffffffu
#define R16 0x0000ffffu
#define R8L 0x000000ffu
#define R8H 0x0000ff00u

/* A register as (index in TraceRecord.regs, its bits); 0 bits if it is
 * not a general register. */
static uint32_t reg_bits(x86_reg reg, int *idx)
{
    static const struct { x86_reg r; int8_t idx; uint32_t bits; } map[] = {
        { X86_REG_EAX, 0, R32 }, { X86_REG_AX, 0, R16 },
        { X86_REG_AL, 0, R8L }, { X86_REG_AH, 0, R8H },
        { X86_REG_ECX, 1, R32 }, { X86_REG_CX, 1, R16 },
        { X86_REG_CL, 1, R8L }, { X86_REG_CH, 1, R8H },
        { X86_REG_EDX, 2, R32 }, { X86_REG_DX, 2, R16 },
        { X86_REG_DL, 2, R8L }, { X86_REG_DH, 2, R8H },
        { X86_REG_EBX, 3, R32 }, { X86_REG_BX, 3, R16 },
        { X86_REG_BL, 3, R8L }, { X86_REG_BH, 3, R8H },
        { X86_REG_ESP, 4, R32 }, { X86_REG_SP, 4, R16 },
        { X86_REG_EBP, 5, R32 }, { X86_REG_BP, 5, R16 },
        { X86_REG_ESI, 6, R32 }, { X86_REG_SI, 6, R16 },
        { X86_REG_EDI, 7, R32 }, { X86_REG_DI, 7, R16 },
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].r == reg) {
            *idx = map[i].idx;
            return map[i].bits;
        }
    return 0;
}

static uint32_t cs_to_flags(uint64_t ef)
{
    static const struct { uint64_t bits; uint32_t flag; } map[] = {
        { X86_EFLAGS_MODIFY_CF | X86_EFLAGS_SET_CF | X86_EFLAGS_RESET_CF |
          X86_EFLAGS_UNDEFINED_CF, FM_CF },
        { X86_EFLAGS_MODIFY_PF | X86_EFLAGS_SET_PF | X86_EFLAGS_RESET_PF |
          X86_EFLAGS_UNDEFINED_PF, FM_PF },
        { X86_EFLAGS_MODIFY_AF | X86_EFLAGS_SET_AF | X86_EFLAGS_RESET_AF |
          X86_EFLAGS_UNDEFINED_AF, FM_AF },
        { X86_EFLAGS_MODIFY_ZF | X86_EFLAGS_SET_ZF | X86_EFLAGS_RESET_ZF |
          X86_EFLAGS_UNDEFINED_ZF, FM_ZF },
        { X86_EFLAGS_MODIFY_SF | X86_EFLAGS_SET_SF | X86_EFLAGS_RESET_SF |
          X86_EFLAGS_UNDEFINED_SF, FM_SF },
        { X86_EFLAGS_MODIFY_DF | X86_EFLAGS_SET_DF | X86_EFLAGS_RESET_DF, FM_DF },
        { X86_EFLAGS_MODIFY_OF | X86_EFLAGS_SET_OF | X86_EFLAGS_RESET_OF |
          X86_EFLAGS_UNDEFINED_OF, FM_OF },
    };
    uint32_t f = 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (ef & map[i].bits)
            f |= map[i].flag;
    return f;
}

static uint32_t cs_read_flags(uint64_t ef)
{
    uint32_t f = 0;
    f |= ef & X86_EFLAGS_TEST_CF ? FM_CF : 0;
    f |= ef & X86_EFLAGS_TEST_PF ? FM_PF : 0;
    f |= ef & X86_EFLAGS_TEST_AF ? FM_AF : 0;
    f |= ef & X86_EFLAGS_TEST_ZF ? FM_ZF : 0;
    f |= ef & X86_EFLAGS_TEST_SF ? FM_SF : 0;
    f |= ef & X86_EFLAGS_TEST_DF ? FM_DF : 0;
    f |= ef & X86_EFLAGS_TEST_OF ? FM_OF : 0;
    return f;
}

/* The count operand of a shift or rotate: the immediate, CL, or 1 (the
 * D0/D1 forms, which capstone may show without an operand). */
static unsigned shift_count(const cs_x86 *x, int op, const TraceRecord *rec)
{
    if (x->op_count <= op)
        return 1;
    const cs_x86_op *o = &x->operands[op];
    if (o->type == X86_OP_IMM)
        return (unsigned)o->imm & 0xff;
    if (o->type == X86_OP_REG && o->reg == X86_REG_CL)
        return rec->regs[1] & 0xff;
    return 1;
}

/* Sets *def and *undef for the conditional rows; may mark the
 * destination register undefined in *dest_undef. */
static void cond_flags(const Row *row, const cs_insn *in, const TraceRecord *rec,
                       uint32_t *def, uint32_t *undef, bool *dest_undef)
{
    const cs_x86 *x = &in->detail->x86;
    unsigned size = x->op_count ? x->operands[0].size * 8u : 32;
    unsigned count;
    switch (row->cond) {
    case COND_SHIFT:
        count = shift_count(x, 1, rec) & 31;
        if (count == 0)
            return;
        *def = FM_CF | FM_SF | FM_ZF | FM_PF | (count == 1 ? FM_OF : 0);
        *undef = FM_AF | (count > 1 ? FM_OF : 0);
        /* "CF is undefined for SHL and SHR where the count is greater
         * than or equal to the size of the destination" (not SAR). */
        if (in->id != X86_INS_SAR && count >= size) {
            *def &= ~FM_CF;
            *undef |= FM_CF;
        }
        return;
    case COND_ROTATE:
    case COND_RCX:
        count = shift_count(x, 1, rec) & 31;
        if (count == 0)
            return;
        *def = count == 1 ? FM_OF : 0;
        *undef = count > 1 ? FM_OF : 0;
        /* RCL/RCR rotate through CF by count mod 9 or 17 for 8- and
         * 16-bit operands: CF only changes when that is not 0.  ROL/ROR
         * always write CF from the result. */
        if (row->cond == COND_ROTATE || size == 32 || count % (size + 1) != 0)
            *def |= FM_CF;
        return;
    case COND_SHXD:
        count = shift_count(x, 2, rec) & 31;
        if (count == 0)
            return;
        if (count > size) {
            *undef = ALL;
            *dest_undef = true;
            return;
        }
        *def = FM_CF | FM_SF | FM_ZF | FM_PF | (count == 1 ? FM_OF : 0);
        *undef = FM_AF | (count > 1 ? FM_OF : 0);
        return;
    case COND_BSWAP:
        *dest_undef = size == 16;
        return;
    case COND_LAR:
        *def = row->def;
        return;
    default:
        *def = row->def;
        *undef = row->undef;
        return;
    }
}

bool flag_mask_init(FlagMaskState *s)
{
    memset(s, 0, sizeof(*s));
    s->zf_reg = -1;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &s->cs) != CS_ERR_OK)
        return false;
    cs_option(s->cs, CS_OPT_DETAIL, CS_OPT_ON);
    return true;
}

void flag_mask_fini(FlagMaskState *s)
{
    cs_close(&s->cs);
}

void flag_mask_reset(FlagMaskState *s)
{
    s->undef = 0;
    memset(s->undef_bits, 0, sizeof(s->undef_bits));
    s->zf_reg = -1;
    s->last_undef = s->last_read_undef = 0;
}

/* The registers an instruction writes; capstone lists none for the BCD
 * adjustments, which work on AL/AX implicitly. */
static void written_regs(FlagMaskState *s, const cs_insn *in, cs_regs out, uint8_t *n)
{
    cs_regs rd;
    uint8_t nrd;
    *n = 0;
    switch (in->id) {
    case X86_INS_DAA:
    case X86_INS_DAS:
        out[(*n)++] = X86_REG_AL;
        return;
    case X86_INS_AAA:
    case X86_INS_AAS:
    case X86_INS_AAM:
    case X86_INS_AAD:
        out[(*n)++] = X86_REG_AX;
        return;
    }
    if (cs_regs_access(s->cs, in, rd, &nrd, out, n) != CS_ERR_OK)
        *n = 0;
}

void flag_mask_step(FlagMaskState *s, const TraceRecord *rec)
{
    cs_insn *in;
    s->zf_reg = -1;
    s->last_undef = s->last_read_undef = 0;
    size_t n = cs_disasm(s->cs, rec->insn, TRACE_INSN_BYTES, rec->eip, 1, &in);
    s->last_decoded = n == 1;
    if (n != 1)
        return;    /* the CPU faults on it; nothing more is known */

    const Row *row = find_row(in->id);
    uint64_t ef = in->detail->x86.eflags;
    uint32_t def, undef = 0, read = cs_read_flags(ef);
    bool dest_undef = false;
    if (row) {
        def = 0;
        cond_flags(row, in, rec, &def, &undef, &dest_undef);
        read |= row->read;
    } else {
        /* Capstone's undefined marks are trusted only through the table:
         * elsewhere a flag it touches counts as written. */
        def = cs_to_flags(ef);
    }
    s->last_read_undef = read & s->undef;
    s->undef = (s->undef & ~def) | undef;
    s->last_undef = undef;

    cs_regs wr;
    uint8_t nwr;
    written_regs(s, in, wr, &nwr);
    for (uint8_t k = 0; k < nwr; k++) {
        int idx;
        uint32_t bits = reg_bits(wr[k], &idx);
        if (bits)
            s->undef_bits[idx] &= ~bits;
    }
    const cs_x86 *x = &in->detail->x86;
    if (row && x->op_count && x->operands[0].type == X86_OP_REG) {
        int idx;
        uint32_t bits = reg_bits(x->operands[0].reg, &idx);
        if (bits && dest_undef)
            s->undef_bits[idx] |= bits;
        if (bits && row->cond == COND_BSX) {
            s->zf_reg = idx;
            s->zf_bits = bits;
        }
        /* "DEST <- SRC[Offset+4] AND 00FxFF00H": x is undefined. */
        if (bits == R32 && row->cond == COND_LAR) {
            s->zf_reg = idx;
            s->zf_bits = 0x000f0000u;
        }
    }
    cs_free(in, n);
}

void flag_mask_settle(FlagMaskState *s, const TraceRecord *after)
{
    if (s->zf_reg >= 0 && (after->eflags & FM_ZF))
        s->undef_bits[s->zf_reg] |= s->zf_bits;
    s->zf_reg = -1;
}

uint32_t flag_mask_reg(const FlagMaskState *s, int r)
{
    return ~s->undef_bits[r];
}
