/*
 * Which EFLAGS bits and register bits the Intel SDM leaves undefined at
 * each point of a trace (docs/trace-flags.md).  A record is the state
 * before its instruction, so what instruction i leaves undefined is
 * masked when record i+1 is compared, and stays masked until a later
 * instruction writes it with a defined value.  The table of instructions
 * is data (flag-mask.c), keyed by capstone instruction id, with the few
 * conditions the SDM puts on the operands (shift and rotate counts, a
 * zero BSF/BSR source, 16-bit BSWAP, a successful 32-bit LAR).
 */
#ifndef CONFORMANCE_FLAG_MASK_H
#define CONFORMANCE_FLAG_MASK_H

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stdint.h>

#include "targets/i386/trace-format.h"

#define FM_CF 0x001u
#define FM_PF 0x004u
#define FM_AF 0x010u
#define FM_ZF 0x040u
#define FM_SF 0x080u
#define FM_DF 0x400u
#define FM_OF 0x800u
#define FM_STATUS (FM_CF | FM_PF | FM_AF | FM_ZF | FM_SF | FM_OF)

typedef struct FlagMaskState {
    csh cs;
    /* EFLAGS bits whose value is undefined now. */
    uint32_t undef;
    /* Per register (EAX ECX EDX EBX ESP EBP ESI EDI): its undefined bits. */
    uint32_t undef_bits[8];
    /* BSF/BSR: the destination is undefined when its source was zero,
     * which the SDM makes visible as ZF = 1 after it; a memory source
     * is not in the trace, so this waits for the next record.  LAR:
     * bits 16-19 of a 32-bit destination are undefined when it is
     * written, i.e. when ZF = 1 after it. */
    int zf_reg;
    uint32_t zf_bits;
    /* About the last stepped instruction, for reports: the flags it left
     * undefined, and the undefined flags it read (a value computed from
     * them, e.g. DAA after AND, is not masked). */
    uint32_t last_undef;
    uint32_t last_read_undef;
    bool last_decoded;
} FlagMaskState;

/* Opens capstone (detail on); false if it cannot.  Nothing undefined. */
bool flag_mask_init(FlagMaskState *s);
void flag_mask_fini(FlagMaskState *s);
/* Forget everything undefined (e.g. when comparing starts). */
void flag_mask_reset(FlagMaskState *s);
/* Updates the state for the instruction in rec (decoded from rec->insn
 * at rec->eip; operand values such as CL come from rec). */
void flag_mask_step(FlagMaskState *s, const TraceRecord *rec);
/* Called with the record after the stepped instruction (the reference
 * trace's) before comparing it: resolves conditions on the result. */
void flag_mask_settle(FlagMaskState *s, const TraceRecord *after);
/* The bits of register r (0-7) that are defined now. */
uint32_t flag_mask_reg(const FlagMaskState *s, int r);

/* The table row for a capstone id, for docs and tests: the flags the
 * instruction leaves undefined when its condition (if any) holds in the
 * most masking way.  0 if the instruction has no row. */
uint32_t flag_mask_table_undef(unsigned insn_id);

#endif
