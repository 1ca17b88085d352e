/*
 * The toy guest: a minimal 32-bit register machine for testing and
 * measuring the exec layer (docs/toy-isa.md is its specification).
 */
#ifndef MIMIC_TARGETS_TOY_CPU_H
#define MIMIC_TARGETS_TOY_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/cpu.h"
#include "exec/exec.h"
#include "exec/target.h"

#define TOY_NB_REGS 16
#define TOY_MEM_BITS 16
#define TOY_MEM_SIZE (1u << TOY_MEM_BITS)
#define TOY_PAGE_BITS 10
#define TOY_INSN_SIZE 4

/* Exceptions besides `raise N` (N = 0 .. 0xffff). */
enum {
    TOY_EXCP_HALT = 0x10000,
    TOY_EXCP_ILLEGAL = 0x10001,
};

/* Opcodes: byte 0 of an instruction word. */
enum {
    TOY_OP_HALT = 0x00,
    TOY_OP_LI = 0x01,
    TOY_OP_LUI = 0x02,
    TOY_OP_ADD = 0x03,
    TOY_OP_ADDI = 0x04,
    TOY_OP_SUB = 0x05,
    TOY_OP_MUL = 0x06,
    TOY_OP_AND = 0x07,
    TOY_OP_OR = 0x08,
    TOY_OP_XOR = 0x09,
    TOY_OP_SHLI = 0x0a,
    TOY_OP_SHRI = 0x0b,
    TOY_OP_SLTU = 0x0c,
    TOY_OP_LD = 0x0d,
    TOY_OP_LDB = 0x0e,
    TOY_OP_ST = 0x0f,
    TOY_OP_STB = 0x10,
    TOY_OP_BEQ = 0x11,
    TOY_OP_BNE = 0x12,
    TOY_OP_JMP = 0x13,
    TOY_OP_JAL = 0x14,
    TOY_OP_JR = 0x15,
    TOY_OP_OUT = 0x16,
    TOY_OP_RAISE = 0x17,
    TOY_OP_COUNT
};

typedef struct ToyCPU {
    CPUState parent;               /* first: env points here */
    uint32_t regs[TOY_NB_REGS];
    uint32_t pc;
    uint8_t *mem;                  /* TOY_MEM_SIZE bytes, also parent.guest_base */
    /* Values written by `out`, in order. */
    uint32_t *out;
    size_t nb_out, out_cap;
} ToyCPU;

extern const TargetInfo toy_target;

/* Allocates zeroed guest memory and clears the registers. Returns 0 or a
 * negative errno. */
int toy_cpu_init(ToyCPU *cpu);
void toy_cpu_destroy(ToyCPU *cpu);

/* ExecConfig.code_read for the toy: fails outside guest memory. */
bool toy_code_read(CPUState *cpu, uint64_t addr, void *buf, unsigned len);

/* Helpers called from translated code (translate.c emits the calls). */
void helper_toy_st32(CPUState *env, uint32_t addr, uint32_t val, uint32_t next_pc);
void helper_toy_st8(CPUState *env, uint32_t addr, uint32_t val, uint32_t next_pc);
void helper_toy_out(CPUState *env, uint32_t val);
_Noreturn void helper_toy_raise(CPUState *env, uint32_t excp);

static inline uint32_t toy_encode(unsigned op, unsigned rd, unsigned rs, int imm)
{
    return (uint32_t)(op & 0xff) | (uint32_t)(rd & 15) << 8 | (uint32_t)(rs & 15) << 12 |
           (uint32_t)(uint16_t)imm << 16;
}

#endif
