/*
 * Segment registers: loading a selector from the GDT or LDT with the
 * checks of the SDM (vol. 2, MOV and POP "protected mode exceptions";
 * vol. 3, 5.5-5.8), and the far transfers (JMP/CALL/RET far, IRET) that
 * load CS; LAR, LSL, VERR and VERW, which read descriptors without
 * loading them.
 *
 * User mode runs at CPL 3 and never changes privilege: a far transfer
 * may only reach a code segment of the same level (a conforming one of
 * any DPL <= 3), gates and task segments give #GP.  Descriptor tables
 * are host arrays of raw 8-byte descriptors owned by the user-mode layer
 * (cpu->gdt, cpu->ldt); entries beyond their length behave as beyond the
 * table limit.  The accessed bit is not written back.  Segment limits
 * are recorded but not enforced on accesses (flat user mode: see
 * docs/i386.md).
 */
#include "exec/exec.h"
#include "mem/memif.h"
#include "targets/i386/helper.h"
#include "targets/i386/translate.h"

#define CPL 3u

/* Descriptor fields (SDM vol. 3, figure 5-1 and 3-8). */
enum {
    DESC_TYPE_ACCESSED = 1,
    DESC_TYPE_WRITE = 2,       /* data: writable; code: readable */
    DESC_TYPE_CONFORM = 4,     /* code: conforming; data: expand-down */
    DESC_TYPE_CODE = 8,
};

static unsigned desc_type(uint64_t d) { return (unsigned)(d >> 40) & 15; }
static bool desc_s(uint64_t d) { return (d >> 44) & 1; }
static unsigned desc_dpl(uint64_t d) { return (unsigned)(d >> 45) & 3; }
static bool desc_present(uint64_t d) { return (d >> 47) & 1; }

static uint32_t desc_base(uint64_t d)
{
    return (uint32_t)((d >> 16) & 0xffffff) | (uint32_t)((d >> 56) & 0xff) << 24;
}

static uint32_t desc_limit(uint64_t d)
{
    uint32_t limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 48) & 0xf) << 16;
    if ((d >> 55) & 1)
        limit = limit << 12 | 0xfff;
    return limit;
}

/* Leaves with excp(err) when retaddr is set, else records the error. */
static bool seg_fault(I386CPU *cpu, int excp, uint32_t err, uintptr_t retaddr)
{
    cpu->error_code = err;
    if (retaddr)
        cpu_raise(&cpu->parent, excp, retaddr);
    cpu->parent.exception_index = excp;
    return false;
}

/* The descriptor of selector (not null); false if outside its table. */
static bool fetch_desc(const I386CPU *cpu, uint32_t sel, uint64_t *d)
{
    uint32_t index = sel >> 3;
    const uint64_t *table = (sel & 4) ? cpu->ldt : cpu->gdt;
    uint32_t entries = (sel & 4) ? cpu->ldt_entries : cpu->gdt_entries;
    if (!table || index >= entries)
        return false;
    *d = table[index];
    return true;
}

static void set_seg(I386CPU *cpu, int seg, uint32_t sel, uint64_t d)
{
    I386Segment *s = &cpu->segs[seg];
    s->selector = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->flags = (uint32_t)(d >> 40) & 0xffff;
}

bool i386_load_seg(I386CPU *cpu, int seg, uint32_t selector, uintptr_t retaddr)
{
    uint32_t sel = selector & 0xffff;
    uint32_t err = sel & 0xfffc;
    uint32_t rpl = sel & 3;
    uint64_t d = 0;

    if (seg == R_CS)
        return seg_fault(cpu, I386_EXCP_GP, 0, retaddr);   /* MOV CS is #UD earlier */
    if (err == 0) {
        /* A null selector: allowed except in SS; the register becomes
         * unusable (any access would fault on hardware). */
        if (seg == R_SS)
            return seg_fault(cpu, I386_EXCP_GP, 0, retaddr);
        cpu->segs[seg] = (I386Segment){ .selector = sel };
        i386_update_hflags(cpu);
        return true;
    }
    if (!fetch_desc(cpu, sel, &d))
        return seg_fault(cpu, I386_EXCP_GP, err, retaddr);
    unsigned type = desc_type(d), dpl = desc_dpl(d);
    if (seg == R_SS) {
        if (rpl != CPL || dpl != CPL || !desc_s(d) || (type & DESC_TYPE_CODE) ||
            !(type & DESC_TYPE_WRITE))
            return seg_fault(cpu, I386_EXCP_GP, err, retaddr);
        if (!desc_present(d))
            return seg_fault(cpu, I386_EXCP_SS, err, retaddr);
    } else {
        /* Data, or readable code; privilege unless conforming code. */
        if (!desc_s(d) || ((type & DESC_TYPE_CODE) && !(type & DESC_TYPE_WRITE)))
            return seg_fault(cpu, I386_EXCP_GP, err, retaddr);
        bool conforming_code = (type & (DESC_TYPE_CODE | DESC_TYPE_CONFORM)) ==
                               (DESC_TYPE_CODE | DESC_TYPE_CONFORM);
        if (!conforming_code && (rpl > dpl || CPL > dpl))
            return seg_fault(cpu, I386_EXCP_GP, err, retaddr);
        if (!desc_present(d))
            return seg_fault(cpu, I386_EXCP_NP, err, retaddr);
    }
    set_seg(cpu, seg, sel, d);
    i386_update_hflags(cpu);
    return true;
}

void helper_load_seg(CPUState *env, uint32_t seg, uint32_t sel)
{
    i386_load_seg(i386_cpu(env), (int)seg, sel, HELPER_RETADDR());
}

int i386_seg_access_fault(const I386CPU *cpu, int seg, uint32_t offset, uint32_t size,
                          bool write)
{
    const I386Segment *sg = &cpu->segs[seg];
    uint64_t d = (uint64_t)sg->flags << 40;
    uint64_t last = (uint64_t)offset + size - 1;
    bool ok;
    if (!desc_present(d) || !desc_s(d)) {
        ok = false;   /* a null selector: the register is unusable */
    } else if (desc_type(d) & DESC_TYPE_CODE) {
        /* Code: never writable; readable when the W (R) bit says so. */
        ok = !write && (desc_type(d) & DESC_TYPE_WRITE) && last <= sg->limit;
    } else if (desc_type(d) & DESC_TYPE_CONFORM) {
        /* Expand-down data: the valid offsets are above the limit, up
         * to 64 KiB or 4 GiB by the B bit (SDM vol. 3, 5.3). */
        uint64_t upper = (sg->flags & (1u << 14)) ? 0xffffffffu : 0xffffu;
        ok = offset > sg->limit && last <= upper;
    } else {
        ok = last <= sg->limit;
    }
    if (ok && write && !(desc_type(d) & DESC_TYPE_WRITE))
        ok = false;
    if (ok)
        return 0;
    return seg == R_SS && desc_present(d) ? I386_EXCP_SS : I386_EXCP_GP;
}

void helper_seg_access(CPUState *env, uint32_t what, uint32_t offset)
{
    I386CPU *cpu = i386_cpu(env);
    int seg = what & 7;
    int excp = i386_seg_access_fault(cpu, seg, offset, what >> 8, (what >> 4) & I386_ACC_W);
    if (excp)
        seg_fault(cpu, excp, 0, HELPER_RETADDR());
}

/* Checks a CS selector for a far JMP/CALL/RET at the same privilege
 * level and returns its descriptor (SDM JMP/CALL "protected mode"). */
static uint64_t check_code_seg(I386CPU *cpu, uint32_t sel, bool is_ret, uintptr_t retaddr)
{
    uint32_t err = sel & 0xfffc;
    uint64_t d = 0;
    if (err == 0)
        seg_fault(cpu, I386_EXCP_GP, 0, retaddr);
    if (!fetch_desc(cpu, sel, &d))
        seg_fault(cpu, I386_EXCP_GP, err, retaddr);
    unsigned type = desc_type(d), dpl = desc_dpl(d), rpl = sel & 3;
    /* System descriptors (call gates, TSS, task gates) need a privilege
     * change or a task switch, which user mode never grants. */
    if (!desc_s(d) || !(type & DESC_TYPE_CODE))
        seg_fault(cpu, I386_EXCP_GP, err, retaddr);
    if (is_ret) {
        /* RET to an outer level (RPL > CPL) cannot happen at CPL 3. */
        if (rpl < CPL || ((type & DESC_TYPE_CONFORM) ? dpl > rpl : dpl != rpl))
            seg_fault(cpu, I386_EXCP_GP, err, retaddr);
    } else if (type & DESC_TYPE_CONFORM) {
        if (dpl > CPL)
            seg_fault(cpu, I386_EXCP_GP, err, retaddr);
    } else if (rpl > CPL || dpl != CPL) {
        seg_fault(cpu, I386_EXCP_GP, err, retaddr);
    }
    if (!desc_present(d))
        seg_fault(cpu, I386_EXCP_NP, err, retaddr);
    /* A 64-bit code segment (L): the far transfer would switch to 64-bit
     * mode, which mimic does not emulate; refused rather than running
     * 64-bit code as 32-bit. */
    if ((d >> 53) & 1)
        seg_fault(cpu, I386_EXCP_GP, err, retaddr);
    return d;
}

/* Loads CS (RPL forced to CPL) and eip; eip beyond the limit is #GP(0). */
static void load_cs(I386CPU *cpu, uint32_t sel, uint64_t d, uint32_t eip, uintptr_t retaddr)
{
    if (eip > desc_limit(d))
        seg_fault(cpu, I386_EXCP_GP, 0, retaddr);
    set_seg(cpu, R_CS, (sel & 0xfffc) | CPL, d);
    cpu->eip = eip;
    i386_update_hflags(cpu);
}

/* ---- the stack, for the far transfers ---- */

static uint32_t stack_addr(const I386CPU *cpu, uint32_t esp)
{
    if (!(cpu->hflags & I386_HF_SS32))
        esp &= 0xffff;
    return cpu->segs[R_SS].base + esp;
}

static uint32_t stack_esp(const I386CPU *cpu, uint32_t new_esp)
{
    if (cpu->hflags & I386_HF_SS32)
        return new_esp;
    return (cpu->regs[R_ESP] & 0xffff0000u) | (new_esp & 0xffff);
}

static void stack_store(I386CPU *cpu, uint32_t esp, uint32_t v, unsigned ot, uintptr_t ra)
{
    cpu->parent.exec->helper_retaddr = ra;
    mem_st(&cpu->parent, stack_addr(cpu, esp), v, ot);
    cpu->parent.exec->helper_retaddr = 0;
}

static uint32_t stack_load(I386CPU *cpu, uint32_t esp, unsigned ot, uintptr_t ra)
{
    cpu->parent.exec->helper_retaddr = ra;
    uint32_t v = (uint32_t)mem_ld(&cpu->parent, stack_addr(cpu, esp), ot);
    cpu->parent.exec->helper_retaddr = 0;
    return v;
}

void helper_ljmp(CPUState *env, uint32_t sel, uint32_t offset)
{
    I386CPU *cpu = i386_cpu(env);
    uintptr_t ra = HELPER_RETADDR();
    uint64_t d = check_code_seg(cpu, sel, false, ra);
    load_cs(cpu, sel, d, offset, ra);
}

void helper_lcall(CPUState *env, uint32_t sel, uint32_t offset, uint32_t next_eip,
                  uint32_t dflag)
{
    I386CPU *cpu = i386_cpu(env);
    uintptr_t ra = HELPER_RETADDR();
    uint64_t d = check_code_seg(cpu, sel, false, ra);
    uint32_t size = dflag == IR_MO_32 ? 4 : 2;
    uint32_t esp = cpu->regs[R_ESP];
    if (offset > desc_limit(d))
        seg_fault(cpu, I386_EXCP_GP, 0, ra);
    /* Both pushes before anything changes, so a stack fault is precise. */
    stack_store(cpu, esp - size, cpu->segs[R_CS].selector, dflag, ra);
    stack_store(cpu, esp - 2 * size, next_eip, dflag, ra);
    cpu->regs[R_ESP] = stack_esp(cpu, esp - 2 * size);
    load_cs(cpu, sel, d, offset, ra);
}

void helper_lret(CPUState *env, uint32_t dflag, uint32_t imm)
{
    I386CPU *cpu = i386_cpu(env);
    uintptr_t ra = HELPER_RETADDR();
    uint32_t size = dflag == IR_MO_32 ? 4 : 2;
    uint32_t esp = cpu->regs[R_ESP];
    uint32_t eip = stack_load(cpu, esp, dflag, ra);
    uint32_t sel = stack_load(cpu, esp + size, dflag, ra) & 0xffff;
    uint64_t d = check_code_seg(cpu, sel, true, ra);
    load_cs(cpu, sel, d, eip, ra);
    cpu->regs[R_ESP] = stack_esp(cpu, esp + 2 * size + imm);
}

void helper_iret(CPUState *env, uint32_t dflag)
{
    I386CPU *cpu = i386_cpu(env);
    uintptr_t ra = HELPER_RETADDR();
    uint32_t size = dflag == IR_MO_32 ? 4 : 2;
    uint32_t esp = cpu->regs[R_ESP];
    if (cpu->eflags & I386_NT)
        seg_fault(cpu, I386_EXCP_GP, 0, ra);   /* a task return */
    uint32_t eip = stack_load(cpu, esp, dflag, ra);
    uint32_t sel = stack_load(cpu, esp + size, dflag, ra) & 0xffff;
    uint32_t fl = stack_load(cpu, esp + 2 * size, dflag, ra);
    uint64_t d = check_code_seg(cpu, sel, true, ra);
    load_cs(cpu, sel, d, eip, ra);
    cpu->regs[R_ESP] = stack_esp(cpu, esp + 3 * size);
    uint32_t mask = dflag == IR_MO_32 ? 0xffffffffu : 0xffffu;
    helper_write_eflags(env, fl, mask);
}

/* ---- LAR, LSL, VERR, VERW (SDM vol. 2; vol. 3, 5.10.3) ----
 *
 * They never fault on the selector: an unusable one clears ZF and leaves
 * the destination alone.  Common to all four at CPL 3: a null selector
 * (GDT index 0; an LDT index 0 is a real entry) or one beyond its table
 * is refused, and so is a data segment, non-conforming code segment or
 * (LAR/LSL) system descriptor whose DPL is below CPL or the RPL.  The
 * present bit is not checked.  LAR/LSL accept system descriptors of the
 * types the SDM lists (LSL only those with a limit: LDT and TSS), VERR
 * any code/data segment that can be read, VERW writable data only. */

static bool seg_access_ok(const I386CPU *cpu, uint32_t sel, uint32_t op, uint64_t *d)
{
    sel &= 0xffff;
    if ((sel & 0xfffc) == 0 || !fetch_desc(cpu, sel, d))
        return false;
    unsigned type = desc_type(*d), dpl = desc_dpl(*d), rpl = sel & 3;
    bool privileged = dpl < CPL || dpl < rpl;
    if (!desc_s(*d)) {
        /* LAR: 16/32-bit TSS (available or busy), LDT, call gates, task
         * gate; LSL: the ones with a limit. */
        static const uint16_t lar_types = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 |
                                          1u << 9 | 1u << 11 | 1u << 12;
        static const uint16_t lsl_types = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 9 | 1u << 11;
        uint16_t valid = op == I386_SEGCHK_LAR ? lar_types
                         : op == I386_SEGCHK_LSL ? lsl_types : 0;
        return (valid >> type & 1) && !privileged;
    }
    bool code = type & DESC_TYPE_CODE;
    bool conforming_code = code && (type & DESC_TYPE_CONFORM);
    switch (op) {
    case I386_SEGCHK_VERR:
        if (code && !(type & DESC_TYPE_WRITE))
            return false;          /* execute-only */
        break;
    case I386_SEGCHK_VERW:
        if (code || !(type & DESC_TYPE_WRITE))
            return false;
        break;
    default:
        break;
    }
    return conforming_code || !privileged;
}

uint32_t helper_seg_check(CPUState *env, uint32_t sel, uint32_t op)
{
    uint64_t d;
    return seg_access_ok(i386_cpu(env), sel, op, &d);
}

/* The access rights as LAR writes them: descriptor bits 40-55 in place,
 * bits 16-19 holding the limit's top nibble as the reference host does
 * (the SDM leaves them undefined). */
uint32_t helper_seg_info(CPUState *env, uint32_t sel, uint32_t op)
{
    uint64_t d;
    if (!seg_access_ok(i386_cpu(env), sel, op, &d))
        return 0;
    if (op == I386_SEGCHK_LSL)
        return desc_limit(d);
    return (uint32_t)(d >> 32) & 0x00ffff00u;
}
