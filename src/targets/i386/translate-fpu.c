/*
 * x87 instructions: D8-DF, FWAIT (9B), FXSAVE/FXRSTOR (0F AE /0 /1).
 *
 * Every one runs on the host's x87 through a thunk (fpu-thunk.c); this
 * file decides whether the encoding exists (fpu-insn.c and the CPU
 * model), builds the thunk's instruction with the memory operand moved to
 * [rsi], and emits:
 *
 *   fx   = env + offsetof(I386CPU, fxstate)
 *   host = guest_base + linear address          (memory forms)
 *   r    = call thunk(fx, host, eflags)         may raise: #MF, #PF, #GP
 *   then, in this order, what the thunk leaves to the translator:
 *   - AX (FNSTSW AX) or the flags (FCOMI family: CC_OP_EFLAGS);
 *   - the last-instruction pointers in fxstate: FOP, FIP/FCS and, with a
 *     memory operand, FDP/FDS after every non-control instruction (FDP
 *     only when an unmasked exception was raised on hosts that do so);
 *     zero after FNINIT/FNSAVE; from the image after FLDENV, FRSTOR and
 *     FXRSTOR; into the image after FNSTENV/FNSAVE.
 *
 * The call is declared to read and write no globals, so the optimizer
 * keeps registers across it, but it may raise, so the globals are in the
 * CPU state before it.  Nothing the guest sees is written before the
 * call: a fault leaves the instruction undone.
 */
#include <stddef.h>

#include "targets/i386/cpuid.h"
#include "targets/i386/fpu-image.h"
#include "targets/i386/fpu-insn.h"
#include "targets/i386/fpu-thunk.h"
#include "targets/i386/fpu.h"
#include "targets/i386/translate.h"

#define CPUID_ECX_SSE3 (1u << 0)   /* CPUID.1:ECX, SDM vol. 2, table 3-10 */
#define THUNK_CALL_FLAGS (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS)

static int32_t fx_off(unsigned field)
{
    return (int32_t)(offsetof(I386CPU, fxstate) + field);
}

static int32_t seg_selector_off(int seg)
{
    return (int32_t)(offsetof(I386CPU, segs) + (size_t)seg * sizeof(I386Segment) +
                     offsetof(I386Segment, selector));
}

static IRTemp gen_ld_fx(I386DisasContext *s, unsigned field, unsigned memop)
{
    IRTemp t = gen_temp(s);
    ir_gen_ld_env(s->base.f, IR_I32, t, fx_off(field), memop);
    return t;
}

static void gen_st_fx(I386DisasContext *s, unsigned field, IRTemp v, unsigned memop)
{
    ir_gen_st_env(s->base.f, IR_I32, v, fx_off(field), memop);
}

static IRTemp gen_ld_selector(I386DisasContext *s, int seg)
{
    IRTemp t = gen_temp(s);
    ir_gen_ld_env(s->base.f, IR_I32, t, seg_selector_off(seg), IR_MO_16);
    return t;
}

/* The memory operand of an instruction: its offset and linear address. */
typedef struct FpuMem {
    IRTemp offset;    /* FDP */
    IRTemp linear;
    IRTemp host;      /* i64: guest_base + linear */
} FpuMem;

/* Bytes and kind of access of the memory form of escape opcode op
 * (0xd8-0xdf) with ModRM reg field `reg` (SDM vol. 2, A.4.1): for the
 * segment check.  fmt16: the 16-bit environment images. */
static void fpu_mem_access(uint8_t op, unsigned reg, bool fmt16, unsigned *size, unsigned *acc)
{
    /* By opcode: the size of the operand of /0 (the arithmetic and
     * load forms). */
    static const uint8_t load_size[8] = { 4, 4, 4, 4, 8, 8, 2, 2 };
    bool store = reg == 2 || reg == 3 || (reg == 1 && (op & 1));   /* FST/FSTP/FISTTP */
    *size = load_size[op & 7];
    *acc = store ? I386_ACC_W : I386_ACC_R;
    if (op == 0xd8 || op == 0xda || op == 0xdc || op == 0xde) {
        *acc = I386_ACC_R;   /* arithmetic and compares with memory */
        return;
    }
    switch (op << 4 | reg) {
    case 0xd94: case 0xd96:   /* FLDENV, FNSTENV */
        *size = fmt16 ? 14 : 28;
        *acc = reg == 4 ? I386_ACC_R : I386_ACC_W;
        break;
    case 0xd95: case 0xd97:   /* FLDCW, FNSTCW */
        *size = 2;
        *acc = reg == 5 ? I386_ACC_R : I386_ACC_W;
        break;
    case 0xdb5: case 0xdb7:   /* FLD, FSTP m80fp */
    case 0xdf4: case 0xdf6:   /* FBLD, FBSTP m80bcd */
        *size = 10;
        *acc = (reg & 2) ? I386_ACC_W : I386_ACC_R;
        break;
    case 0xdd4: case 0xdd6:   /* FRSTOR, FNSAVE */
        *size = fmt16 ? 94 : 108;
        *acc = reg == 4 ? I386_ACC_R : I386_ACC_W;
        break;
    case 0xdd7:               /* FNSTSW m16 */
        *size = 2;
        *acc = I386_ACC_W;
        break;
    case 0xdf5: case 0xdf7:   /* FILD, FISTP m64int */
        *size = 8;
        *acc = reg == 5 ? I386_ACC_R : I386_ACC_W;
        break;
    default:
        break;
    }
}

/* The linear and host addresses of an operand whose offset is known. */
static void gen_fpu_mem(I386DisasContext *s, const I386Insn *insn, unsigned size, unsigned acc,
                        FpuMem *m)
{
    IRFunc *f = s->base.f;
    m->linear = gen_seg_addr(s, insn->ea.seg, m->offset, size, acc);
    gen_watch_access(s, m->linear, size, (acc & I386_ACC_W) != 0);
    IRTemp base = ir_new_temp(f, IR_I64), lin64 = ir_new_temp(f, IR_I64);
    m->host = ir_new_temp(f, IR_I64);
    ir_gen_ld_env(f, IR_I64, base, (int32_t)offsetof(CPUState, guest_base), IR_MO_64);
    ir_gen_op1(f, IR_OP_ext32u, IR_I64, lin64, m->linear);
    ir_gen_op2(f, IR_OP_add, IR_I64, m->host, base, lin64);
}

/* Calls the thunk for insn[0..len) with the variant bits; returns its
 * result (i32) when the variant has one. */
static IRTemp gen_thunk_call(I386DisasContext *s, const uint8_t *bytes, unsigned len,
                             unsigned variant, const FpuMem *m, IRTemp eflags)
{
    IRFunc *f = s->base.f;
    I386FpuThunk *fn = i386_fpu_thunk_get(bytes, len, variant);
    IRTemp fx = ir_new_temp(f, IR_I64);
    ir_gen_op2i(f, IR_OP_add, IR_I64, fx, IR_TEMP_ENV, (uint64_t)offsetof(I386CPU, fxstate));
    IRTemp ret = IR_TEMP_NONE;
    if (variant & (I386_FPU_THUNK_RET_AX | I386_FPU_THUNK_FLAGS_OUT))
        ret = gen_temp(s);
    IRTemp host = m ? m->host : fx;   /* rsi is not used without an operand */
    if (eflags != IR_TEMP_NONE)
        gen_helper(s, (void *)fn, THUNK_CALL_FLAGS, ret, 3, fx, host, eflags);
    else if (m)
        gen_helper(s, (void *)fn, THUNK_CALL_FLAGS, ret, 2, fx, host);
    else
        gen_helper(s, (void *)fn, THUNK_CALL_FLAGS, ret, 1, fx);
    return ret;
}

/* The operands made in pieces (fpu-image.h) by escape opcode op and
 * ModRM reg field; -1 for the others. */
static int fpu_image_kind(uint8_t op, unsigned reg)
{
    switch (op << 4 | reg) {
    case 0xd94: return I386_IMAGE_FLDENV;
    case 0xd96: return I386_IMAGE_FNSTENV;
    case 0xdd4: return I386_IMAGE_FRSTOR;
    case 0xdd6: return I386_IMAGE_FNSAVE;
    case 0xdb5: case 0xdf4: return I386_IMAGE_LOAD80;    /* FLD m80fp, FBLD */
    case 0xdb7: case 0xdf6: return I386_IMAGE_STORE80;   /* FSTP m80fp, FBSTP */
    default: return -1;
    }
}

/* An operand made in pieces whose offset wraps at the address size goes
 * to helper_fpu_image_wrapped, which does what the thunk call and the
 * code after it would (fpu-image.c); the other path follows, and the
 * returned label is where both meet. */
static uint32_t gen_wrapped_path(I386DisasContext *s, const I386Insn *insn, IRTemp offset,
                                 uint32_t what, unsigned size, I386FpuThunk *fn)
{
    IRFunc *f = s->base.f;
    uint32_t mask = insn->ea.aflag == IR_MO_16 ? 0xffffu : 0xffffffffu;
    uint32_t fast = ir_new_label(f), done = ir_new_label(f);
    ir_gen_brcond(f, IR_I32, IR_COND_LEU, offset, gen_const(s, mask - (size - 1)), fast);
    IRTemp fnt = ir_new_temp(f, IR_I64);
    ir_gen_movi(f, IR_I64, fnt, (uint64_t)(uintptr_t)fn);
    gen_helper(s, (void *)helper_fpu_image_wrapped, THUNK_CALL_FLAGS, IR_TEMP_NONE, 5,
               IR_TEMP_ENV, gen_const(s, what), offset, gen_const(s, mask), fnt);
    ir_gen_br(f, done);
    ir_gen_set_label(f, fast);
    return done;
}

/* FOP, FIP, FCS (and FDP, FDS with a memory operand) after a non-control
 * instruction (SDM vol. 1, 8.1.8). */
static void gen_update_pointers(I386DisasContext *s, const I386Insn *insn, const FpuMem *m)
{
    const I386FpuHost *host = i386_fpu_host();
    uint32_t fop = ((uint32_t)(insn->b & 7) << 8) | insn->modrm;
    gen_st_fx(s, I386_FX_FOP, gen_const(s, fop), IR_MO_16);
    gen_st_fx(s, I386_FX_FIP, gen_const(s, s->cur_eip), IR_MO_32);
    if (!host->fcs_fds_zero)
        gen_st_fx(s, I386_FX_FCS, gen_ld_selector(s, R_CS), IR_MO_16);
    if (!m)
        return;
    IRTemp fdp = m->offset;
    IRTemp fds = host->fcs_fds_zero ? IR_TEMP_NONE : gen_ld_selector(s, insn->ea.seg);
    if (host->fdp_exception_only) {
        /* Only an instruction that raised an unmasked exception (ES set:
         * it was clear, or the instruction would have faulted) moves
         * FDP/FDS. */
        IRTemp es = gen_temp(s), zero = gen_const(s, 0);
        ir_gen_op2i(s->base.f, IR_OP_and, IR_I32, es, gen_ld_fx(s, I386_FX_FSW, IR_MO_16), 0x80);
        IRTemp new_fdp = gen_temp(s);
        ir_gen_movcond(s->base.f, IR_I32, IR_COND_NE, new_fdp, es, zero, fdp,
                       gen_ld_fx(s, I386_FX_FDP, IR_MO_32));
        fdp = new_fdp;
        if (fds != IR_TEMP_NONE) {
            IRTemp new_fds = gen_temp(s);
            ir_gen_movcond(s->base.f, IR_I32, IR_COND_NE, new_fds, es, zero, fds,
                           gen_ld_fx(s, I386_FX_FDS, IR_MO_16));
            fds = new_fds;
        }
    }
    gen_st_fx(s, I386_FX_FDP, fdp, IR_MO_32);
    if (fds != IR_TEMP_NONE)
        gen_st_fx(s, I386_FX_FDS, fds, IR_MO_16);
}

static void gen_clear_pointers(I386DisasContext *s)
{
    IRTemp zero = gen_const(s, 0);
    gen_st_fx(s, I386_FX_FOP, zero, IR_MO_16);
    gen_st_fx(s, I386_FX_FIP, zero, IR_MO_32);
    gen_st_fx(s, I386_FX_FCS, zero, IR_MO_16);
    gen_st_fx(s, I386_FX_FDP, zero, IR_MO_32);
    gen_st_fx(s, I386_FX_FDS, zero, IR_MO_16);
}

static IRTemp gen_image_addr(I386DisasContext *s, IRTemp linear, uint32_t off)
{
    IRTemp a = gen_temp(s);
    ir_gen_op2i(s->base.f, IR_OP_add, IR_I32, a, linear, off);
    return a;
}

static void gen_image_st(I386DisasContext *s, IRTemp linear, uint32_t off, unsigned ot,
                         IRTemp v)
{
    gen_st(s, ot, gen_image_addr(s, linear, off), v);
}

static IRTemp gen_image_ld(I386DisasContext *s, IRTemp linear, uint32_t off, unsigned ot)
{
    return gen_ld(s, ot, gen_image_addr(s, linear, off), false);
}

/* FNSTENV/FNSAVE: the host stored its own pointers; the guest's go over
 * them (the rest of the image, reserved bits included, is the host's). */
static void gen_store_env_pointers(I386DisasContext *s, IRTemp linear, bool fmt16)
{
    IRTemp fip = gen_ld_fx(s, I386_FX_FIP, IR_MO_32);
    IRTemp fcs = gen_ld_fx(s, I386_FX_FCS, IR_MO_16);
    IRTemp fdp = gen_ld_fx(s, I386_FX_FDP, IR_MO_32);
    IRTemp fds = gen_ld_fx(s, I386_FX_FDS, IR_MO_16);
    if (fmt16) {
        gen_image_st(s, linear, I386_FENV16_FIP, IR_MO_16, fip);
        gen_image_st(s, linear, I386_FENV16_FCS, IR_MO_16, fcs);
        gen_image_st(s, linear, I386_FENV16_FDP, IR_MO_16, fdp);
        gen_image_st(s, linear, I386_FENV16_FDS, IR_MO_16, fds);
    } else {
        gen_image_st(s, linear, I386_FENV32_FIP, IR_MO_32, fip);
        gen_image_st(s, linear, I386_FENV32_FCS, IR_MO_16, fcs);
        gen_image_st(s, linear, I386_FENV32_FOP, IR_MO_16, gen_ld_fx(s, I386_FX_FOP, IR_MO_16));
        gen_image_st(s, linear, I386_FENV32_FDP, IR_MO_32, fdp);
        gen_image_st(s, linear, I386_FENV32_FDS, IR_MO_16, fds);
    }
}

/* Sets fxstate's pointers from values read out of an image. */
static void gen_set_pointers(I386DisasContext *s, IRTemp fop, IRTemp fip, IRTemp fcs,
                             IRTemp fdp, IRTemp fds)
{
    if (i386_fpu_host()->fcs_fds_zero)
        fcs = fds = gen_const(s, 0);
    gen_st_fx(s, I386_FX_FOP, fop, IR_MO_16);
    gen_st_fx(s, I386_FX_FIP, fip, IR_MO_32);
    gen_st_fx(s, I386_FX_FCS, fcs, IR_MO_16);
    gen_st_fx(s, I386_FX_FDP, fdp, IR_MO_32);
    gen_st_fx(s, I386_FX_FDS, fds, IR_MO_16);
}

static IRTemp gen_and_const(I386DisasContext *s, IRTemp v, uint32_t mask)
{
    IRTemp t = gen_temp(s);
    ir_gen_op2i(s->base.f, IR_OP_and, IR_I32, t, v, mask);
    return t;
}

/* FLDENV/FRSTOR: the pointers come from the image (a 16-bit image has no
 * FOP; the processor clears it). */
static void gen_load_env_pointers(I386DisasContext *s, IRTemp linear, bool fmt16)
{
    if (fmt16) {
        IRTemp fip = gen_image_ld(s, linear, I386_FENV16_FIP, IR_MO_16);
        IRTemp fcs = gen_image_ld(s, linear, I386_FENV16_FCS, IR_MO_16);
        IRTemp fdp = gen_image_ld(s, linear, I386_FENV16_FDP, IR_MO_16);
        IRTemp fds = gen_image_ld(s, linear, I386_FENV16_FDS, IR_MO_16);
        gen_set_pointers(s, gen_const(s, 0), fip, fcs, fdp, fds);
    } else {
        IRTemp fip = gen_image_ld(s, linear, I386_FENV32_FIP, IR_MO_32);
        IRTemp fcs = gen_image_ld(s, linear, I386_FENV32_FCS, IR_MO_16);
        IRTemp fop = gen_and_const(s, gen_image_ld(s, linear, I386_FENV32_FOP, IR_MO_16), 0x7ff);
        IRTemp fdp = gen_image_ld(s, linear, I386_FENV32_FDP, IR_MO_32);
        IRTemp fds = gen_image_ld(s, linear, I386_FENV32_FDS, IR_MO_16);
        gen_set_pointers(s, fop, fip, fcs, fdp, fds);
    }
}

static bool model_has(I386DisasContext *s, uint32_t edx, uint32_t ecx)
{
    const I386Model *m = i386_cpu(s->base.cpu)->model;
    return (m->features_edx & edx) == edx && (m->features_ecx & ecx) == ecx;
}

void i386_trans_fpu(I386DisasContext *s, const I386Insn *insn)
{
    uint8_t op = insn->b, modrm = insn->modrm;
    unsigned cls = i386_fpu_classify(op, modrm);
    if (!(cls & I386_FPU_VALID) ||
        ((cls & I386_FPU_NEEDS_CMOV) && !model_has(s, CPUID_FPU | CPUID_CMOV, 0)) ||
        ((cls & I386_FPU_NEEDS_SSE3) && !model_has(s, 0, CPUID_ECX_SSE3))) {
        gen_illegal(s);
        return;
    }
    bool fmt16 = (cls & I386_FPU_OPSIZE) && s->dflag == IR_MO_16;

    /* The host instruction: 66h selects the 16-bit image format in
     * 64-bit mode as in 32-bit mode; other prefixes do nothing to x87
     * instructions (segments are in the address already). */
    uint8_t bytes[I386_FPU_THUNK_MAX_INSN];
    unsigned len = 0;
    if (fmt16)
        bytes[len++] = 0x66;
    bytes[len++] = op;
    bytes[len++] = insn->mem ? i386_fpu_modrm_rsi(modrm) : modrm;

    unsigned variant = (cls & I386_FPU_READ_ONLY) ? 0 : I386_FPU_THUNK_SAVE;
    IRTemp eflags = IR_TEMP_NONE;
    if (cls & I386_FPU_FLAGS_IN) {
        variant |= I386_FPU_THUNK_FLAGS_IN;
        eflags = gen_compute_eflags(s);
    }
    if (cls & I386_FPU_FLAGS_OUT)
        variant |= I386_FPU_THUNK_FLAGS_OUT;
    if (cls & I386_FPU_RET_AX)
        variant |= I386_FPU_THUNK_RET_AX;

    FpuMem mem;
    uint32_t done = 0;
    if (insn->mem) {
        unsigned reg = (modrm >> 3) & 7, size, acc;
        fpu_mem_access(op, reg, fmt16, &size, &acc);
        /* The environment/state images are accessed in pieces; 80-bit
         * operands and FXSAVE/FXRSTOR are not: the host checks their whole
         * range's limit, then (FXSAVE) alignment, then pages. */
        if (size > 10)
            acc |= I386_ACC_PIECES;
        mem.offset = gen_ea_offset(s, &insn->ea);
        int kind = fpu_image_kind(op, reg);
        if (kind >= 0) {
            /* FLDENV and FRSTOR wait too: only FNSAVE and FNSTENV (and
             * FXSAVE/FXRSTOR) take no pending exception (fuzz-insn.md,
             * finding 13). */
            bool waits = kind != I386_IMAGE_FNSAVE && kind != I386_IMAGE_FNSTENV;
            done = gen_wrapped_path(s, insn, mem.offset,
                                    I386_IMAGE_WHAT(kind, insn->ea.seg, fmt16, waits), size,
                                    i386_fpu_thunk_get(bytes, len, variant));
        }
        gen_fpu_mem(s, insn, size, acc, &mem);
    }
    IRTemp ret = gen_thunk_call(s, bytes, len, variant, insn->mem ? &mem : NULL, eflags);

    if (cls & I386_FPU_RET_AX)
        gen_store_reg(s, IR_MO_16, R_EAX, ret);
    if (cls & I386_FPU_FLAGS_OUT)
        gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE,
                   gen_and_const(s, ret, I386_CF | I386_PF | I386_ZF), IR_TEMP_NONE);
    if (cls & I386_FPU_ENV_STORE)
        gen_store_env_pointers(s, mem.linear, fmt16);
    if (cls & I386_FPU_ENV_LOAD)
        gen_load_env_pointers(s, mem.linear, fmt16);
    if (cls & I386_FPU_INIT)
        gen_clear_pointers(s);
    if (done)
        ir_gen_set_label(s->base.f, done);
    if (!(cls & I386_FPU_CONTROL))
        gen_update_pointers(s, insn, insn->mem ? &mem : NULL);
}

void i386_trans_fwait(I386DisasContext *s, const I386Insn *insn)
{
    (void)insn;
    /* Raises #MF on the host when an unmasked exception is pending;
     * changes nothing otherwise, so the state is not saved back. */
    static const uint8_t fwait[] = { 0x9b };
    gen_thunk_call(s, fwait, 1, 0, NULL, IR_TEMP_NONE);
}

void i386_trans_fxsave(I386DisasContext *s, const I386Insn *insn)
{
    if (!model_has(s, CPUID_FXSR, 0) || !insn->mem || insn->reg > 1) {
        gen_illegal(s);
        return;
    }
    bool restore = insn->reg == 1;
    const uint8_t bytes[3] = { 0x0f, 0xae, i386_fpu_modrm_rsi(insn->modrm) };
    /* The host's FXSAVE stores the pointers the thunk's FXRSTOR loaded
     * from fxstate, and leaves them zero under the same condition as on
     * a native run (AMD: no exception pending). */
    unsigned variant = restore ? I386_FPU_THUNK_SAVE : I386_FPU_THUNK_GUEST_FXSAVE;
    FpuMem mem;
    IRFunc *f = s->base.f;
    mem.offset = gen_ea_offset(s, &insn->ea);
    uint32_t done = gen_wrapped_path(
        s, insn, mem.offset,
        I386_IMAGE_WHAT(restore ? I386_IMAGE_FXRSTOR : I386_IMAGE_FXSAVE, insn->ea.seg, 0, 0),
        I386_FX_SIZE, i386_fpu_thunk_get(bytes, 3, variant));
    gen_fpu_mem(s, insn, I386_FX_SIZE, restore ? I386_ACC_R : I386_ACC_W, &mem);
    /* A misaligned image is #GP(0) before any access (SDM FXSAVE), while
     * the thunk would touch the image first. */
    uint32_t aligned = ir_new_label(f);
    ir_gen_brcond(f, IR_I32, IR_COND_TSTEQ, mem.linear, gen_const(s, 15), aligned);
    gen_raise(s, I386_EXCP_GP, 0);
    ir_gen_set_label(f, aligned);
    gen_thunk_call(s, bytes, 3, variant, &mem, IR_TEMP_NONE);
    if (restore) {
        IRTemp l = mem.linear;
        gen_set_pointers(s, gen_and_const(s, gen_image_ld(s, l, I386_FX_FOP, IR_MO_16), 0x7ff),
                         gen_image_ld(s, l, I386_FX_FIP, IR_MO_32),
                         gen_image_ld(s, l, I386_FX_FCS, IR_MO_16),
                         gen_image_ld(s, l, I386_FX_FDP, IR_MO_32),
                         gen_image_ld(s, l, I386_FX_FDS, IR_MO_16));
    }
    ir_gen_set_label(f, done);
}
