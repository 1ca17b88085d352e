/*
 * The benchmark programs, written in toy machine code (docs/toy-isa.md:
 * word = opcode | rd << 8 | rs << 12 | imm16 << 16, rt in imm's low
 * bits; branch offsets are relative to the branch).
 */
#include "bench-toy.h"

#include <stdlib.h>
#include <string.h>

#include "targets/toy/cpu.h"

/* toy_encode() as a constant expression, for static tables. */
#define I(op, rd, rs, imm) \
    ((uint32_t)TOY_OP_##op | (uint32_t)(rd) << 8 | (uint32_t)(rs) << 12 | \
     ((uint32_t)(imm) & 0xffffu) << 16)

static uint64_t next_random(uint64_t *s)
{
    /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

void bench_gen_translation_mix(uint32_t *words, size_t n, uint64_t seed)
{
    static const unsigned alu_rr[] = {
        TOY_OP_ADD, TOY_OP_SUB, TOY_OP_MUL, TOY_OP_AND, TOY_OP_OR, TOY_OP_XOR,
        TOY_OP_SLTU,
    };
    uint64_t s = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next_random(&s);
        unsigned kind = (unsigned)(r % 100);
        unsigned rd = 1 + (unsigned)((r >> 8) % 15);   /* r0 stays 0 */
        unsigned rs = (unsigned)((r >> 16) % 16);
        unsigned rt = (unsigned)((r >> 24) % 16);
        int imm = (int)(int16_t)(r >> 32);
        uint32_t w;
        if (kind < 45)
            w = toy_encode(alu_rr[(r >> 40) % 7], rd, rs, (int)rt);
        else if (kind < 55)
            w = toy_encode(TOY_OP_ADDI, rd, rs, imm);
        else if (kind < 60)
            w = toy_encode((r >> 40) & 1 ? TOY_OP_SHLI : TOY_OP_SHRI, rd, rs, imm & 31);
        else if (kind < 65)
            w = toy_encode((r >> 40) & 1 ? TOY_OP_LI : TOY_OP_LUI, rd, 0, imm);
        else if (kind < 77)
            w = toy_encode((r >> 40) & 1 ? TOY_OP_LD : TOY_OP_LDB, rd, rs, imm & 0xfff);
        else if (kind < 85)
            w = toy_encode((r >> 40) & 1 ? TOY_OP_ST : TOY_OP_STB, rd, rs, imm & 0xfff);
        else if (kind < 93)
            /* Forward, within the program: the fall-through starts the
             * next block, the target is just another start. */
            w = toy_encode((r >> 40) & 1 ? TOY_OP_BEQ : TOY_OP_BNE, rd, rs,
                           4 * (int)(1 + (r >> 44) % 64));
        else
            w = toy_encode(alu_rr[(r >> 40) % 6], rd, rd, (int)rs);
        words[i] = w;
    }
    /* End on a jump so that no block runs past the program. */
    if (n > 0)
        words[n - 1] = toy_encode(TOY_OP_JMP, 0, 0, -(int)(4 * ((n - 1) % 8192)));
}

/*
 * alu: register arithmetic only.
 *   r1 accumulator, r2 counter, r3 mixer, r8 = 0x00ff00ff mask.
 */
static const uint32_t alu_loop[] = {
    /* 0x100 loop: */ I(ADD, 1, 1, 2),
    /* 0x104 */ I(MUL, 4, 1, 1),
    /* 0x108 */ I(XOR, 3, 3, 4),
    /* 0x10c */ I(SHRI, 5, 3, 7),
    /* 0x110 */ I(ADD, 1, 1, 5),
    /* 0x114 */ I(SUB, 6, 1, 3),
    /* 0x118 */ I(AND, 7, 6, 8),
    /* 0x11c */ I(OR, 3, 3, 7),
    /* 0x120 */ I(ADDI, 2, 2, -1),
    /* 0x124 */ I(BNE, 2, 0, 0x100 - 0x124),
    /* 0x128 */ I(HALT, 0, 0, 0),
};

static void alu_setup(uint32_t *regs, uint32_t iters)
{
    regs[2] = iters;
    regs[3] = 0x12345678;
    regs[8] = 0x00ff00ff;
}

static uint32_t alu_expect(uint32_t iters)
{
    uint32_t r1 = 0, r2 = iters, r3 = 0x12345678, r8 = 0x00ff00ff;
    do {
        r1 += r2;
        uint32_t r4 = r1 * r1;
        r3 ^= r4;
        r1 += r3 >> 7;
        uint32_t r6 = r1 - r3;
        r3 |= r6 & r8;
        r2--;
    } while (r2 != 0);
    return r1;
}

/*
 * mem: a read-modify-write walk over a 4 KiB window at 0x8000.
 *   r1 accumulator, r2 counter, r7 pointer, r8 = 0xffc, r9 = 0x8000.
 */
static const uint32_t mem_loop[] = {
    /* 0x100 loop: */ I(LD, 6, 7, 0),
    /* 0x104 */ I(ADD, 6, 6, 1),
    /* 0x108 */ I(SHLI, 5, 6, 3),
    /* 0x10c */ I(XOR, 6, 6, 5),
    /* 0x110 */ I(ST, 6, 7, 0),
    /* 0x114 */ I(ADD, 1, 1, 6),
    /* 0x118 */ I(ADDI, 7, 7, 4),
    /* 0x11c */ I(AND, 7, 7, 8),
    /* 0x120 */ I(OR, 7, 7, 9),
    /* 0x124 */ I(ADDI, 2, 2, -1),
    /* 0x128 */ I(BNE, 2, 0, 0x100 - 0x128),
    /* 0x12c */ I(HALT, 0, 0, 0),
};

static void mem_setup(uint32_t *regs, uint32_t iters)
{
    regs[2] = iters;
    regs[7] = 0x8000;
    regs[8] = 0xffc;
    regs[9] = 0x8000;
}

static uint32_t mem_expect(uint32_t iters)
{
    uint32_t *window = calloc(1024, sizeof(uint32_t));
    uint32_t r1 = 0, r2 = iters, r7 = 0x8000;
    if (!window)
        abort();
    do {
        uint32_t r6 = window[(r7 - 0x8000) / 4];
        r6 += r1;
        r6 ^= r6 << 3;
        window[(r7 - 0x8000) / 4] = r6;
        r1 += r6;
        r7 = ((r7 + 4) & 0xffc) | 0x8000;
        r2--;
    } while (r2 != 0);
    free(window);
    return r1;
}

const BenchLoop bench_loops[] = {
    { "alu", "register arithmetic, one block per iteration",
      alu_loop, sizeof(alu_loop) / sizeof(alu_loop[0]), 10, 0, alu_setup, alu_expect },
    { "mem", "load/modify/store walk (stores through a helper call)",
      mem_loop, sizeof(mem_loop) / sizeof(mem_loop[0]), 11, 0, mem_setup, mem_expect },
};
const size_t bench_nb_loops = sizeof(bench_loops) / sizeof(bench_loops[0]);
