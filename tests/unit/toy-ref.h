/*
 * Test support for the exec tests.
 *
 * toyref_*: an independent reference interpreter of the toy ISA, written
 * from docs/toy-isa.md in plain C (it shares no code or constants with
 * src/targets/toy), stepping a given number of instructions.
 *
 * toyrig_*: a toy vCPU on an ExecContext with a chosen backend, and the
 * comparison of its state with the reference.  Include after cmocka.h.
 */
#ifndef MIMIC_TESTS_TOY_REF_H
#define MIMIC_TESTS_TOY_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exec/exec.h"
#include "targets/toy/cpu.h"

/* Opcodes, from the specification's table. */
enum {
    TR_HALT = 0x00, TR_LI = 0x01, TR_LUI = 0x02, TR_ADD = 0x03, TR_ADDI = 0x04,
    TR_SUB = 0x05, TR_MUL = 0x06, TR_AND = 0x07, TR_OR = 0x08, TR_XOR = 0x09,
    TR_SHLI = 0x0a, TR_SHRI = 0x0b, TR_SLTU = 0x0c, TR_LD = 0x0d, TR_LDB = 0x0e,
    TR_ST = 0x0f, TR_STB = 0x10, TR_BEQ = 0x11, TR_BNE = 0x12, TR_JMP = 0x13,
    TR_JAL = 0x14, TR_JR = 0x15, TR_OUT = 0x16, TR_RAISE = 0x17,
};

#define TOYREF_MEM_SIZE 0x10000u
#define TOYREF_EXCP_HALT 0x10000
#define TOYREF_EXCP_ILLEGAL 0x10001
#define TOYREF_EXCP_FETCH (-6)     /* the value of EXCP_FETCH */
#define TOYREF_DONE (-1)           /* all requested steps ran */

/* word = opcode | rd << 8 | rs << 12 | imm16 << 16; a macro so that
 * programs can be static tables. */
#define tr_insn(op, rd, rs, imm) \
    ((uint32_t)(op) | ((uint32_t)(rd) & 15u) << 8 | ((uint32_t)(rs) & 15u) << 12 | \
     ((uint32_t)(imm) & 0xffffu) << 16)
#define TR_RRR(op, rd, rs, rt) tr_insn(op, rd, rs, rt)

typedef struct ToyRef {
    uint32_t regs[16];
    uint32_t pc;
    uint64_t icount;
    uint64_t fault_addr;        /* with TOYREF_EXCP_FETCH */
    uint8_t mem[TOYREF_MEM_SIZE];
    uint32_t out[4096];
    size_t nb_out;
} ToyRef;

/* A zeroed machine (heap allocated: it holds the whole memory). */
ToyRef *toyref_new(void);
void toyref_free(ToyRef *r);
void toyref_load(ToyRef *r, uint32_t addr, const uint32_t *words, size_t n);
/* Runs at most n instructions; returns TOYREF_DONE, or the exception that
 * stopped it (the faulting instruction is not executed or counted). */
int toyref_step(ToyRef *r, uint64_t n);

typedef struct ToyRig {
    ExecContext ctx;
    ToyCPU cpu;
} ToyRig;

/*
 * The rig lives in this header, as static functions, so that only the
 * exec tests (which include it) link the exec layer and the backends;
 * toy-ref.c is linked into every unit test.
 */

/* The backends every exec test runs on: 0 = interpreter, 1 = x86-64. */
static inline const JitBackend *toy_test_backend(int i)
{
    return i == 0 ? &jit_backend_interp : &jit_backend_x86_64;
}

/* cfg may be NULL; the rig sets code_read and backend.  Fails the test
 * on error. */
static inline void toyrig_init(ToyRig *rig, const JitBackend *backend,
                               const ExecConfig *cfg)
{
    ExecConfig c = { 0 };
    if (cfg)
        c = *cfg;
    c.backend = backend;
    c.code_read = toy_code_read;
    memset(rig, 0, sizeof(*rig));
    assert_int_equal(toy_cpu_init(&rig->cpu), 0);
    assert_int_equal(exec_init(&rig->ctx, &toy_target, &c), 0);
    assert_int_equal(cpu_exec_init(&rig->cpu.parent, &rig->ctx), 0);
}

static inline void toyrig_destroy(ToyRig *rig)
{
    cpu_exec_destroy(&rig->cpu.parent);
    exec_destroy(&rig->ctx);
    toy_cpu_destroy(&rig->cpu);
}

static inline void toyrig_load(ToyRig *rig, uint32_t addr, const uint32_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (unsigned b = 0; b < 4; b++)
            rig->cpu.mem[(addr + 4 * i + b) % TOY_MEM_SIZE] = (uint8_t)(words[i] >> (8 * b));
    }
}

/* Asserts registers, pc, instruction count, output and memory agree. */
static inline void toyrig_assert_same(ToyRig *rig, const ToyRef *ref)
{
    for (int i = 0; i < 16; i++)
        assert_int_equal(rig->cpu.regs[i], ref->regs[i]);
    assert_int_equal(rig->cpu.pc, ref->pc);
    assert_int_equal(cpu_icount(&rig->cpu.parent), ref->icount);
    assert_int_equal(rig->cpu.nb_out, ref->nb_out);
    if (ref->nb_out)
        assert_memory_equal(rig->cpu.out, ref->out, ref->nb_out * sizeof(uint32_t));
    assert_memory_equal(rig->cpu.mem, ref->mem, TOYREF_MEM_SIZE);
}

#endif
