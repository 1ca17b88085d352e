/*
 * The i386 guest described as data: its globals, the key of a block,
 * how a state is restored after an exception, the logs, and the initial
 * CPU state.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "targets/i386/cpuid.h"
#include "targets/i386/fpu.h"
#include "targets/i386/translate.h"
#include "util/disas.h"

#define I386_GLOBAL(field, name) \
    { IR_I32, (int32_t)offsetof(I386CPU, field), name }

/* Temp i + 1 is entry i: translate.h names them (I386_TEMP_*). */
static const IRGlobalDef i386_globals[] = {
    I386_GLOBAL(regs[R_EAX], "eax"),
    I386_GLOBAL(regs[R_ECX], "ecx"),
    I386_GLOBAL(regs[R_EDX], "edx"),
    I386_GLOBAL(regs[R_EBX], "ebx"),
    I386_GLOBAL(regs[R_ESP], "esp"),
    I386_GLOBAL(regs[R_EBP], "ebp"),
    I386_GLOBAL(regs[R_ESI], "esi"),
    I386_GLOBAL(regs[R_EDI], "edi"),
    I386_GLOBAL(eip, "eip"),
    I386_GLOBAL(cc_dst, "cc_dst"),
    I386_GLOBAL(cc_src, "cc_src"),
    I386_GLOBAL(cc_src2, "cc_src2"),
    I386_GLOBAL(cc_op, "cc_op"),
    I386_GLOBAL(df, "df"),
};
_Static_assert(sizeof(i386_globals) / sizeof(i386_globals[0]) == I386_NB_GLOBALS,
               "translate.h numbers every global");
_Static_assert(I386_TEMP_EIP == 9 && I386_TEMP_DF == I386_NB_GLOBALS,
               "globals table and I386_TEMP_* agree");

static void i386_get_tb_state(CPUState *cs, uint64_t *pc, uint32_t *flags)
{
    I386CPU *cpu = i386_cpu(cs);
    *pc = (uint32_t)(cpu->segs[R_CS].base + cpu->eip);
    *flags = cpu->hflags;
}

/* Word 0 is the linear pc of the instruction, word 1 its static cc_op
 * (CC_OP_DYNAMIC: the global already holds the right value). */
static void i386_restore_state(CPUState *cs, const uint64_t data[IR_INSN_START_WORDS])
{
    I386CPU *cpu = i386_cpu(cs);
    cpu->eip = (uint32_t)data[0] - cpu->segs[R_CS].base;
    if (data[1] != CC_OP_DYNAMIC)
        cpu->cc_op = (uint32_t)data[1];
}

static void i386_disas_log(FILE *out, const uint8_t *code, size_t size, uint64_t pc)
{
    disas_dump(out, DISAS_I386, code, size, pc);
}

static const char *const seg_names[I386_NB_SEGS] = { "ES", "CS", "SS", "DS", "FS", "GS" };

/* The layout of QEMU's -d cpu for i386, so logs can be compared. */
static void i386_dump_state(FILE *out, CPUState *cs)
{
    const I386CPU *cpu = i386_cpu(cs);
    uint32_t fl = i386_get_eflags(cpu);
    static const char flag_chars[] = "ODSZAPC";
    static const uint32_t flag_bits[] = { I386_OF, I386_DF, I386_SF, I386_ZF,
                                          I386_AF, I386_PF, I386_CF };
    char fs[8];
    for (int i = 0; i < 7; i++)
        fs[i] = (fl & flag_bits[i]) ? flag_chars[i] : '-';
    fs[7] = 0;

    fprintf(out, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", cpu->regs[R_EAX],
            cpu->regs[R_EBX], cpu->regs[R_ECX], cpu->regs[R_EDX]);
    fprintf(out, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", cpu->regs[R_ESI],
            cpu->regs[R_EDI], cpu->regs[R_EBP], cpu->regs[R_ESP]);
    fprintf(out, "EIP=%08x EFL=%08x [%s] CPL=3\n", cpu->eip, fl, fs);
    for (int i = 0; i < I386_NB_SEGS; i++)
        fprintf(out, "%-3s=%04x %08x %08x %08x\n", seg_names[i], cpu->segs[i].selector,
                cpu->segs[i].base, cpu->segs[i].limit, cpu->segs[i].flags << 8);
    fprintf(out, "CCS=%08x CCD=%08x CCO=%u\n", cpu->cc_src, cpu->cc_dst, cpu->cc_op);
}

const TargetInfo i386_target = {
    .name = "i386",
    .addr_type = IR_I32,
    .page_bits = 12,
    .globals = i386_globals,
    .nb_globals = I386_NB_GLOBALS,
    .translator = &i386_translator_ops,
    .disas_size = sizeof(I386DisasContext),
    .get_tb_state = i386_get_tb_state,
    .restore_state = i386_restore_state,
    .disas_log = i386_disas_log,
    .dump_state = i386_dump_state,
};

/* Descriptor bits 40-55 of Linux's flat user segments: present, DPL 3,
 * 4 GiB limit, 32-bit, page granular.  The selectors are those a 32-bit
 * program sees on an x86-64 kernel (__USER32_CS, __USER32_DS), the
 * machine native reference runs happen on; the user-mode layer installs
 * the matching GDT entries. */
#define FLAT_CODE_FLAGS 0xcffbu   /* execute/read, accessed */
#define FLAT_DATA_FLAGS 0xcff3u   /* read/write, accessed */
#define LINUX_USER_CS 0x23u
#define LINUX_USER_DS 0x2bu

void i386_cpu_init(I386CPU *cpu, const struct I386Model *model)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->parent.target = &i386_target;
    cpu->parent.exception_index = EXCP_NONE;
    cpu->model = model ? model : i386_model_default();
    for (int i = 0; i < I386_NB_SEGS; i++) {
        I386Segment *sg = &cpu->segs[i];
        if (i == R_FS || i == R_GS)
            continue;   /* null selectors until the program loads TLS */
        sg->selector = i == R_CS ? LINUX_USER_CS : LINUX_USER_DS;
        sg->base = 0;
        sg->limit = 0xffffffffu;
        sg->flags = i == R_CS ? FLAT_CODE_FLAGS : FLAT_DATA_FLAGS;
    }
    cpu->eflags = 0x202;   /* bit 1 is always set; user code runs with IF set */
    cpu->df = 1;
    cpu->cc_op = CC_OP_EFLAGS;
    i386_update_hflags(cpu);
    i386_fpu_reset(cpu);
}
