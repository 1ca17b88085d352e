/*
 * Reference interpreter of the toy ISA (see toy-ref.h).  The interpreter follows docs/toy-isa.md directly, one
 * instruction at a time, so it shares no structure with the translator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "toy-ref.h"

ToyRef *toyref_new(void)
{
    ToyRef *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    return r;
}

void toyref_free(ToyRef *r)
{
    free(r);
}

void toyref_load(ToyRef *r, uint32_t addr, const uint32_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (unsigned b = 0; b < 4; b++)
            r->mem[(addr + 4 * i + b) % TOYREF_MEM_SIZE] = (uint8_t)(words[i] >> (8 * b));
    }
}

static uint32_t rd32(const ToyRef *r, uint32_t a)
{
    return r->mem[a] | r->mem[a + 1] << 8 | r->mem[a + 2] << 16 | (uint32_t)r->mem[a + 3] << 24;
}

/* Executes one instruction; returns TOYREF_DONE or its exception. */
static int step_one(ToyRef *r)
{
    uint32_t pc = r->pc;
    if ((uint64_t)pc + 4 > TOYREF_MEM_SIZE) {
        r->fault_addr = pc >= TOYREF_MEM_SIZE ? pc : TOYREF_MEM_SIZE;
        return TOYREF_EXCP_FETCH;
    }
    uint32_t w = rd32(r, pc);
    unsigned op = w & 0xff, d = (w >> 8) & 15, s = (w >> 12) & 15, t = (w >> 16) & 15;
    uint32_t imm = (uint32_t)(int32_t)(int16_t)(w >> 16);
    uint32_t *R = r->regs;
    uint32_t next = pc + 4;

    switch (op) {
    case TR_LI: R[d] = imm; break;
    case TR_LUI: R[d] = (w >> 16) << 16; break;
    case TR_ADD: R[d] = R[s] + R[t]; break;
    case TR_ADDI: R[d] = R[s] + imm; break;
    case TR_SUB: R[d] = R[s] - R[t]; break;
    case TR_MUL: R[d] = R[s] * R[t]; break;
    case TR_AND: R[d] = R[s] & R[t]; break;
    case TR_OR: R[d] = R[s] | R[t]; break;
    case TR_XOR: R[d] = R[s] ^ R[t]; break;
    case TR_SHLI: R[d] = R[s] << (imm & 31); break;
    case TR_SHRI: R[d] = R[s] >> (imm & 31); break;
    case TR_SLTU: R[d] = R[s] < R[t]; break;
    case TR_LD: R[d] = rd32(r, (R[s] + imm) & 0xfffc); break;
    case TR_LDB: R[d] = r->mem[(R[s] + imm) & 0xffff]; break;
    case TR_ST: {
        uint32_t a = (R[s] + imm) & 0xfffc;
        for (unsigned b = 0; b < 4; b++)
            r->mem[a + b] = (uint8_t)(R[d] >> (8 * b));
        break;
    }
    case TR_STB: r->mem[(R[s] + imm) & 0xffff] = (uint8_t)R[d]; break;
    case TR_BEQ: if (R[d] == R[s]) next = pc + imm; break;
    case TR_BNE: if (R[d] != R[s]) next = pc + imm; break;
    case TR_JMP: next = pc + imm; break;
    case TR_JAL: R[d] = pc + 4; next = pc + imm; break;
    case TR_JR: next = R[s]; break;
    case TR_OUT:
        assert_true(r->nb_out < sizeof(r->out) / sizeof(r->out[0]));
        r->out[r->nb_out++] = R[d];
        break;
    case TR_RAISE: return (int)(w >> 16);
    case TR_HALT: return TOYREF_EXCP_HALT;
    default: return TOYREF_EXCP_ILLEGAL;
    }
    r->pc = next;
    r->icount++;
    return TOYREF_DONE;
}

int toyref_step(ToyRef *r, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        int e = step_one(r);
        if (e != TOYREF_DONE)
            return e;
    }
    return TOYREF_DONE;
}
