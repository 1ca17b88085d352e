/*
 * EFLAGS as the architecture sees it, assembled from the lazy flags, and
 * the translation flags (hflags) derived from the CPU state.
 */
#include "targets/i386/translate.h"

uint32_t i386_get_eflags(const I386CPU *cpu)
{
    uint32_t fl = cpu->eflags & ~(I386_CC_MASK | I386_DF);
    fl |= helper_cc_compute_all(cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2);
    if (cpu->df < 0)
        fl |= I386_DF;
    return fl | 0x2;
}

void i386_set_eflags(I386CPU *cpu, uint32_t value, uint32_t mask)
{
    uint32_t fl = (i386_get_eflags(cpu) & ~mask) | (value & mask);
    /* Bits 3, 5, 15 and 22-31 read as 0, bit 1 as 1. */
    fl = (fl & 0x003f7fd5u) | 0x2;
    cpu->cc_src = fl & I386_CC_MASK;
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->eflags = fl & ~I386_CC_MASK;
    cpu->df = (fl & I386_DF) ? -1 : 1;
    i386_update_hflags(cpu);
}

void i386_update_hflags(I386CPU *cpu)
{
    uint32_t hf = 0;
    if (cpu->segs[R_CS].flags & (1u << 14))
        hf |= I386_HF_CS32;
    if (cpu->segs[R_SS].flags & (1u << 14))
        hf |= I386_HF_SS32;
    if (cpu->segs[R_CS].base | cpu->segs[R_DS].base | cpu->segs[R_ES].base |
        cpu->segs[R_SS].base)
        hf |= I386_HF_ADDSEG;
    if (cpu->eflags & I386_TF)
        hf |= I386_HF_TF;
    if (cpu->eflags & I386_AC)
        hf |= I386_HF_AC;
    for (int seg = 0; seg < I386_NB_SEGS; seg++) {
        const I386Segment *sg = &cpu->segs[seg];
        /* Present (bit 7), S (4), data (type bit 3 clear), writable (1),
         * expand-up (2 clear). */
        bool flat_rw = (sg->flags & 0x9e) == 0x92 && sg->limit == 0xffffffffu;
        if (!flat_rw)
            hf |= I386_HF_SEGCHK(seg);
    }
    cpu->hflags = hf;
}
