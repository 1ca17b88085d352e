/*
 * The guest x87/SSE state outside translated code: the reset state, the
 * SIGFPE code of an #MF, and the conversions signal frames need.  The
 * conversions run the host's own FNSAVE/FRSTOR through thunks, on host
 * buffers only, so they cannot fault; like every thunk they keep
 * fxstate's last-instruction pointers, which are copied here explicitly.
 */
#include <signal.h>
#include <string.h>

#include "targets/i386/fpu-thunk.h"
#include "targets/i386/fpu.h"
#include "util/bytes.h"
#include "util/error.h"

void i386_fpu_reset(I386CPU *cpu)
{
    if ((uintptr_t)cpu->fxstate & 15)
        fatal_internal("I386CPU is not 16-byte aligned (FXSAVE needs it)");
    uint8_t *fx = cpu->fxstate;
    memset(fx, 0, I386_FX_SIZE);
    st_le16(fx + I386_FX_FCW, 0x37f);
    st_le32(fx + I386_FX_MXCSR, 0x1f80);
    st_le32(fx + I386_FX_MXCSR_MASK, i386_fpu_host()->mxcsr_mask);
}

int i386_fpu_sigfpe_code(const I386CPU *cpu)
{
    /* The exceptions both flagged and unmasked (status and control word
     * bits 0-5: IE DE ZE OE UE PE), tested in the order Linux does. */
    unsigned err = ld_le16(cpu->fxstate + I386_FX_FSW) & ~ld_le16(cpu->fxstate + I386_FX_FCW);
    if (err & 0x01)
        return FPE_FLTINV;     /* invalid operation, stack fault */
    if (err & 0x04)
        return FPE_FLTDIV;
    if (err & 0x08)
        return FPE_FLTOVF;
    if (err & 0x12)
        return FPE_FLTUND;     /* underflow, and denormal operand */
    if (err & 0x20)
        return FPE_FLTRES;
    return 0;
}

static I386FpuThunk *state_thunk(uint8_t op, uint8_t reg, unsigned variant)
{
    const uint8_t insn[2] = { op, i386_fpu_modrm_rsi((uint8_t)(reg << 3)) };
    return i386_fpu_thunk_get(insn, 2, variant);
}

void i386_fpu_save_fsave(I386CPU *cpu, uint8_t out[I386_FSAVE32_SIZE])
{
    /* FNSAVE [rsi] (DD /6) without saving back: the state stays. */
    state_thunk(0xdd, 6, 0)(cpu->fxstate, out, 0);
    const uint8_t *fx = cpu->fxstate;
    st_le32(out + I386_FENV32_FIP, ld_le32(fx + I386_FX_FIP));
    st_le16(out + I386_FENV32_FCS, ld_le16(fx + I386_FX_FCS));
    st_le16(out + I386_FENV32_FOP, ld_le16(fx + I386_FX_FOP) & 0x7ff);
    st_le32(out + I386_FENV32_FDP, ld_le32(fx + I386_FX_FDP));
    st_le16(out + I386_FENV32_FDS, ld_le16(fx + I386_FX_FDS));
}

void i386_fpu_load_fsave(I386CPU *cpu, const uint8_t in[I386_FSAVE32_SIZE])
{
    /* FRSTOR [rsi] (DD /4) after FNCLEX, so that an exception pending in
     * the old state is not raised on the host. */
    state_thunk(0xdd, 4, I386_FPU_THUNK_SAVE | I386_FPU_THUNK_CLEX)(cpu->fxstate,
                                                                    (void *)in, 0);
    uint8_t *fx = cpu->fxstate;
    bool zero_sel = i386_fpu_host()->fcs_fds_zero;
    st_le16(fx + I386_FX_FOP, ld_le16(in + I386_FENV32_FOP) & 0x7ff);
    st_le32(fx + I386_FX_FIP, ld_le32(in + I386_FENV32_FIP));
    st_le16(fx + I386_FX_FCS, zero_sel ? 0 : ld_le16(in + I386_FENV32_FCS));
    st_le32(fx + I386_FX_FDP, ld_le32(in + I386_FENV32_FDP));
    st_le16(fx + I386_FX_FDS, zero_sel ? 0 : ld_le16(in + I386_FENV32_FDS));
}

void i386_fpu_load_fxsave(I386CPU *cpu, const uint8_t in[I386_FX_GUEST_SIZE])
{
    uint8_t *fx = cpu->fxstate;
    const I386FpuHost *host = i386_fpu_host();
    uint32_t mask = ld_le32(fx + I386_FX_MXCSR_MASK);
    memcpy(fx, in, I386_FX_GUEST_SIZE);
    st_le32(fx + I386_FX_MXCSR, ld_le32(in + I386_FX_MXCSR) & host->mxcsr_mask);
    st_le32(fx + I386_FX_MXCSR_MASK, mask);
    st_le16(fx + I386_FX_FOP, ld_le16(in + I386_FX_FOP) & 0x7ff);
    /* ES and B summarise the unmasked exceptions flagged, as FXRSTOR
     * recomputes them (the thunks rely on the image's ES). */
    uint16_t fsw = ld_le16(fx + I386_FX_FSW) & 0x7f7f, fcw = ld_le16(fx + I386_FX_FCW);
    if (fsw & ~fcw & 0x3f)
        fsw |= 0x8080;
    st_le16(fx + I386_FX_FSW, fsw);
    /* Reserved halves next to the selectors stay zero, as the thunks
     * keep them. */
    st_le16(fx + I386_FX_FCS + 2, 0);
    st_le16(fx + I386_FX_FDS + 2, 0);
    if (host->fcs_fds_zero) {
        st_le16(fx + I386_FX_FCS, 0);
        st_le16(fx + I386_FX_FDS, 0);
    }
}

void helper_mmx_enter(CPUState *env)
{
    uint8_t *fx = i386_cpu(env)->fxstate;
    uint16_t fsw = ld_le16(fx + I386_FX_FSW);
    /* With an unmasked x87 exception pending (ES) the instruction raises
     * #MF first, in its thunk, and the state stays as it is. */
    if (fsw & 0x80)
        return;
    unsigned top = (fsw >> 11) & 7;
    if (top) {
        /* Slot j held ST(j) = R((top + j) & 7); slot i must hold R(i). */
        uint8_t st[8][16];
        memcpy(st, fx + I386_FX_ST0, sizeof(st));
        for (unsigned i = 0; i < 8; i++)
            memcpy(fx + I386_FX_ST0 + 16 * i, st[(i - top) & 7], 16);
    }
    st_le16(fx + I386_FX_FSW, (uint16_t)(fsw & ~(7u << 11)));
    fx[I386_FX_FTW] = 0xff;
}
