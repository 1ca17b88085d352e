/*
 * The toy guest described as data: its globals, its block key and how
 * a state is restored after an exception.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "jit/translator.h"
#include "targets/toy/cpu.h"
#include "targets/toy/translate.h"

#define TOY_REG_GLOBAL(i) \
    { IR_I32, (int32_t)offsetof(ToyCPU, regs[i]), "r" #i }

/* Temp i + 1 is register i; temp TOY_TEMP_PC is the pc. */
static const IRGlobalDef toy_globals[] = {
    TOY_REG_GLOBAL(0),  TOY_REG_GLOBAL(1),  TOY_REG_GLOBAL(2),  TOY_REG_GLOBAL(3),
    TOY_REG_GLOBAL(4),  TOY_REG_GLOBAL(5),  TOY_REG_GLOBAL(6),  TOY_REG_GLOBAL(7),
    TOY_REG_GLOBAL(8),  TOY_REG_GLOBAL(9),  TOY_REG_GLOBAL(10), TOY_REG_GLOBAL(11),
    TOY_REG_GLOBAL(12), TOY_REG_GLOBAL(13), TOY_REG_GLOBAL(14), TOY_REG_GLOBAL(15),
    { IR_I32, (int32_t)offsetof(ToyCPU, pc), "pc" },
};
_Static_assert(sizeof(toy_globals) / sizeof(toy_globals[0]) == TOY_NB_REGS + 1,
               "one global per register, then pc");
_Static_assert(TOY_TEMP_PC == TOY_NB_REGS + 1, "pc follows the registers");

static void toy_get_tb_state(CPUState *cs, uint64_t *pc, uint32_t *flags)
{
    *pc = ((ToyCPU *)cs)->pc;
    *flags = 0;
}

static void toy_restore_state(CPUState *cs, const uint64_t data[IR_INSN_START_WORDS])
{
    ((ToyCPU *)cs)->pc = (uint32_t)data[0];
}

static void toy_dump_state(FILE *out, CPUState *cs)
{
    const ToyCPU *cpu = (const ToyCPU *)cs;
    fprintf(out, "pc=%08x", cpu->pc);
    for (int i = 0; i < TOY_NB_REGS; i++)
        fprintf(out, "%sr%-2d=%08x", i % 4 ? " " : "\n", i, cpu->regs[i]);
    fputc('\n', out);
}

const TargetInfo toy_target = {
    .name = "toy",
    .addr_type = IR_I32,
    .page_bits = TOY_PAGE_BITS,
    .globals = toy_globals,
    .nb_globals = TOY_NB_REGS + 1,
    .translator = &toy_translator_ops,
    .disas_size = sizeof(ToyDisasContext),
    .get_tb_state = toy_get_tb_state,
    .restore_state = toy_restore_state,
    .dump_state = toy_dump_state,
};

int toy_cpu_init(ToyCPU *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mem = calloc(1, TOY_MEM_SIZE);
    if (!cpu->mem)
        return -ENOMEM;
    cpu->parent.guest_base = cpu->mem;
    cpu->parent.target = &toy_target;
    cpu->parent.exception_index = EXCP_NONE;
    return 0;
}

void toy_cpu_destroy(ToyCPU *cpu)
{
    free(cpu->mem);
    free(cpu->out);
    cpu->mem = NULL;
    cpu->out = NULL;
    cpu->nb_out = cpu->out_cap = 0;
}

bool toy_code_read(CPUState *cs, uint64_t addr, void *buf, unsigned len)
{
    if (addr > TOY_MEM_SIZE || len > TOY_MEM_SIZE - addr)
        return false;
    memcpy(buf, ((ToyCPU *)cs)->mem + addr, len);
    return true;
}
