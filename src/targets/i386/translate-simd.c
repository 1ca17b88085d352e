/*
 * MMX, SSE, SSE2, SSE3 and SSSE3: the 0F rows of the SIMD opcodes, the
 * 0F 38 and 0F 3A escapes and group 15 (0F AE).
 *
 * Every instruction runs on the host through a thunk (sse-thunk.c).  This
 * file finds the row in the opcode map (simd-insn.c) by mandatory prefix
 * and opcode, checks the form and the CPU model's features (#UD), builds
 * the host instruction (the mandatory prefix, the opcode bytes, ModRM
 * with a memory operand as [rsi] and general registers as EDX (source)
 * or EAX (result), the imm8) and emits
 *
 *   host = guest_base + linear address        memory forms, after the
 *                                             segment check (gen_lea)
 *   r    = call thunk(fxstate, host, gpr)     may raise #XM #GP #PF #MF
 *   then the general-register result or the flags (COMIS*: CC_OP_EFLAGS)
 *
 * so a fault leaves the guest's registers as they were.  A 66h that is
 * the mandatory prefix is not an operand-size prefix here, and segment
 * and address-size prefixes only shape the address: the host sees none.
 */
#include <stddef.h>

#include "targets/i386/cpuid.h"
#include "targets/i386/fpu.h"
#include "targets/i386/simd-insn.h"
#include "targets/i386/sse-thunk.h"
#include "targets/i386/translate.h"

#define THUNK_CALL_FLAGS (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS)
#define HOST_REG_OUT 0              /* EAX */
#define HOST_REG_IN 2               /* EDX */

static const I386Model *model(I386DisasContext *s)
{
    return i386_cpu(s->base.cpu)->model;
}

static bool has_feature(I386DisasContext *s, unsigned feat)
{
    const I386Model *m = model(s);
    switch (feat) {
    case SIMD_FEAT_MMX: return m->features_edx & CPUID_MMX;
    case SIMD_FEAT_SSE: return m->features_edx & CPUID_SSE;
    case SIMD_FEAT_SSE2: return m->features_edx & CPUID_SSE2;
    case SIMD_FEAT_SSE3: return m->features_ecx & CPUID_ECX_SSE3;
    case SIMD_FEAT_SSSE3: return m->features_ecx & CPUID_ECX_SSSE3;
    default: return false;
    }
}

static unsigned mandatory_prefix(const I386DisasContext *s)
{
    if (s->prefix & I386_PREFIX_REPNZ)
        return SIMD_PFX_F2;
    if (s->prefix & I386_PREFIX_REPZ)
        return SIMD_PFX_F3;
    if (s->prefix & I386_PREFIX_DATA)
        return SIMD_PFX_66;
    return SIMD_PFX_NONE;
}

/* guest_base + a linear address, as an i64 host pointer. */
static IRTemp gen_host_addr(I386DisasContext *s, IRTemp linear)
{
    IRFunc *f = s->base.f;
    IRTemp base = ir_new_temp(f, IR_I64), lin64 = ir_new_temp(f, IR_I64);
    IRTemp host = ir_new_temp(f, IR_I64);
    ir_gen_ld_env(f, IR_I64, base, (int32_t)offsetof(CPUState, guest_base), IR_MO_64);
    ir_gen_op1(f, IR_OP_ext32u, IR_I64, lin64, linear);
    ir_gen_op2(f, IR_OP_add, IR_I64, host, base, lin64);
    return host;
}

/* The ModRM field value for an operand of kind k, or the guest's. */
static uint8_t host_field(unsigned k, uint8_t guest)
{
    if (k == SIMD_K_GPR_IN)
        return HOST_REG_IN;
    if (k == SIMD_K_GPR_OUT)
        return HOST_REG_OUT;
    return guest;
}

static void trans_row(I386DisasContext *s, const I386Insn *insn, const I386SimdInsn *d,
                      unsigned map, unsigned pfx)
{
    bool mem = insn->mem;
    if (!has_feature(s, d->feat) || (mem && (d->flags & SIMD_F_REG_ONLY)) ||
        (!mem && insn->has_modrm && d->rm == SIMD_K_NONE && !(d->flags & SIMD_F_REG_ONLY))) {
        gen_illegal(s);
        return;
    }
    if (d->flags & SIMD_F_FENCE)
        return;   /* one thread's accesses are already in order; see docs */

    uint8_t bytes[I386_SSE_THUNK_MAX_INSN];
    unsigned len = 0;
    static const uint8_t pfx_byte[4] = { 0, 0x66, 0xf3, 0xf2 };
    if (pfx != SIMD_PFX_NONE)
        bytes[len++] = pfx_byte[pfx];
    bytes[len++] = 0x0f;
    if (map == SIMD_MAP_0F38)
        bytes[len++] = 0x38;
    else if (map == SIMD_MAP_0F3A)
        bytes[len++] = 0x3a;
    bytes[len++] = d->op;

    unsigned xmm_mask = 0;
    IRTemp gpr = IR_TEMP_NONE;
    int gpr_out = -1;
    if (insn->has_modrm) {
        uint8_t reg = insn->reg, rm = insn->rm;
        if (d->reg == SIMD_K_XMM)
            xmm_mask |= 1u << reg;
        else if (d->reg == SIMD_K_GPR_IN)
            gpr = gen_load_reg(s, IR_MO_32, reg);
        else if (d->reg == SIMD_K_GPR_OUT)
            gpr_out = reg;
        uint8_t modrm;
        if (mem) {
            modrm = (uint8_t)(host_field(d->reg, reg) << 3 | 0x06);
        } else {
            if (d->rm == SIMD_K_XMM)
                xmm_mask |= 1u << rm;
            else if (d->rm == SIMD_K_GPR_IN)
                gpr = gen_load_reg(s, IR_MO_32, rm);
            else if (d->rm == SIMD_K_GPR_OUT)
                gpr_out = rm;
            modrm = (uint8_t)(0xc0 | host_field(d->reg, reg) << 3 | host_field(d->rm, rm));
        }
        bytes[len++] = modrm;
    }
    if (d->flags & SIMD_F_IMM8)
        bytes[len++] = (uint8_t)insn->op[0].imm;

    unsigned variant = 0;
    if (d->flags & SIMD_F_X87)
        variant |= I386_SSE_THUNK_X87;
    if (d->flags & SIMD_F_FLAGS)
        variant |= I386_SSE_THUNK_FLAGS_OUT;

    IRFunc *f = s->base.f;
    IRTemp fx = ir_new_temp(f, IR_I64);
    ir_gen_op2i(f, IR_OP_add, IR_I64, fx, IR_TEMP_ENV, (uint64_t)offsetof(I386CPU, fxstate));
    IRTemp host = fx;   /* rsi unused without a memory operand */
    if (d->flags & SIMD_F_MASKMOV) {
        /* The implicit destination DS:EDI (segment override allowed),
         * EDI wrapped to the address size. */
        variant |= I386_SSE_THUNK_MASKMOV;
        if (d->flags & SIMD_F_X87)   /* before the checks, as the host does */
            gen_helper(s, (void *)helper_mmx_enter,
                       IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_RAISE,
                       IR_TEMP_NONE, 1, IR_TEMP_ENV);
        IRTemp off = gen_load_areg(s, R_EDI);
        /* MASKMOVDQU stores the selected bytes one by one: wrapping past
         * 4 GiB it page-faults on its first byte (fuzz-insn.md, finding
         * 12); MASKMOVQ fails the flat segment's limit as a whole (#GP),
         * as the reference host does. */
        IRTemp lin = gen_seg_addr(s, gen_seg(s, R_DS), off, d->msize,
                                  I386_ACC_W | (d->msize == 16 ? I386_ACC_PIECES : 0));
        gen_watch_access(s, lin, d->msize, true);
        host = gen_host_addr(s, lin);
    } else if (mem) {
        unsigned acc = (d->flags & SIMD_F_MEM_W) ? I386_ACC_W : I386_ACC_R;
        IRTemp lin = gen_lea(s, insn, d->msize, acc);
        gen_watch_access(s, lin, d->msize, acc == I386_ACC_W);
        host = gen_host_addr(s, lin);
    }

    I386SseThunk *fn = i386_sse_thunk_get(bytes, len, xmm_mask, variant);
    IRTemp ret = IR_TEMP_NONE;
    if (gpr_out >= 0 || (variant & I386_SSE_THUNK_FLAGS_OUT))
        ret = gen_temp(s);
    if (gpr != IR_TEMP_NONE)
        gen_helper(s, (void *)fn, THUNK_CALL_FLAGS, ret, 3, fx, host, gpr);
    else
        gen_helper(s, (void *)fn, THUNK_CALL_FLAGS, ret, 2, fx, host);

    if (gpr_out >= 0)
        gen_store_reg(s, IR_MO_32, gpr_out, ret);
    if (variant & I386_SSE_THUNK_FLAGS_OUT)
        gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE,
                   gen_op2i(s, IR_OP_and, ret, I386_CF | I386_PF | I386_ZF), IR_TEMP_NONE);
}

void i386_trans_simd(I386DisasContext *s, const I386Insn *insn)
{
    unsigned map = insn->opcode >> 8 == 2 ? SIMD_MAP_0F38
                   : insn->opcode >> 8 == 3 ? SIMD_MAP_0F3A : SIMD_MAP_0F;
    unsigned pfx = mandatory_prefix(s);
    const I386SimdInsn *d = i386_simd_lookup(map, pfx, insn->b, insn->reg);
    if (!d) {
        gen_illegal(s);
        return;
    }
    trans_row(s, insn, d, map, pfx);
}

void i386_trans_grp15(I386DisasContext *s, const I386Insn *insn)
{
    unsigned pfx = mandatory_prefix(s);
    if (insn->reg <= 1) {
        /* FXSAVE/FXRSTOR, whatever the prefixes (as before this map). */
        i386_trans_fxsave(s, insn);
        return;
    }
    if (insn->reg == 7 && insn->mem && pfx == SIMD_PFX_NONE) {
        /* CLFLUSH: no cache to flush; the address is checked as a read
         * of one byte (SDM: it faults like one). */
        if (!(model(s)->features_edx & CPUID_CLFSH)) {
            gen_illegal(s);
            return;
        }
        gen_ld(s, IR_MO_8, gen_lea(s, insn, 1, I386_ACC_R), false);
        return;
    }
    i386_trans_simd(s, insn);
}
