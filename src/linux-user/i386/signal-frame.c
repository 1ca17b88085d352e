/*
 * i386 signal frames, laid out exactly as a 64-bit Linux kernel builds
 * them for a 32-bit process (arch/x86/kernel/signal_32.c, struct
 * sigframe_ia32 and rt_sigframe_ia32), so that handlers, debuggers and
 * unwinders that read the frame find everything where they expect:
 *
 *   sigframe (no SA_SIGINFO), 732 bytes:
 *     0 pretcode  4 sig  8 struct sigcontext (88)  96 _fpstate_32 (unused, 624)
 *     720 extramask (signals 33-64)  724 retcode[8]
 *   rt_sigframe, 268 bytes:
 *     0 pretcode  4 sig  8 pinfo  12 puc  16 siginfo (128)
 *     144 ucontext: flags, link, stack_t (12), sigcontext (88), sigmask (8)
 *     260 retcode[8]
 *
 * Below the frame's start lies the FP state: the 112-byte FNSAVE-format
 * header (the x87 environment and registers, status word, magic 0 =
 * "FXSR data follows") and right after it, 64-byte aligned, the 512-byte
 * FXSAVE image; sigcontext.fpstate points at the header.  On sigreturn
 * the XMM registers and MXCSR come from the FXSAVE image and the x87
 * state from the header, which is what the kernel does (a handler that
 * edits the legacy part is obeyed).  The handler itself starts with a
 * clean FPU (FNINIT, default MXCSR), as Linux gives it.
 *
 * The frame pointer is chosen as the kernel's get_sigframe: the
 * alternate stack's top if SA_ONSTACK asks and we are not on it already,
 * then the math frame, then the frame rounded so that esp + 4 is 16-byte
 * aligned at the handler's first instruction.  pretcode is the
 * SA_RESTORER address, else the retcode in the frame (there is no vDSO):
 * "popl %eax; movl $119,%eax; int $0x80" or "movl $173,%eax; int $0x80".
 */
#include <string.h>

#include "linux-user/user-internal.h"
#include "targets/i386/fpu.h"
#include "util/bytes.h"

enum {
    SC_GS = 0, SC_FS = 4, SC_ES = 8, SC_DS = 12,
    SC_EDI = 16, SC_ESI = 20, SC_EBP = 24, SC_ESP = 28,
    SC_EBX = 32, SC_EDX = 36, SC_ECX = 40, SC_EAX = 44,
    SC_TRAPNO = 48, SC_ERR = 52, SC_EIP = 56, SC_CS = 60,
    SC_EFLAGS = 64, SC_ESP_AT_SIGNAL = 68, SC_SS = 72,
    SC_FPSTATE = 76, SC_OLDMASK = 80, SC_CR2 = 84,
    SC_SIZE = 88,

    FRAME_SC = 8,
    FRAME_EXTRAMASK = 720,
    FRAME_RETCODE = 724,
    FRAME_SIZE = 732,

    RT_PINFO = 8, RT_PUC = 12, RT_INFO = 16,
    RT_UC = 144,
    UC_FLAGS = 0, UC_LINK = 4, UC_STACK = 8, UC_MCONTEXT = 20, UC_SIGMASK = 108,
    RT_RETCODE = 260,
    RT_FRAME_SIZE = 268,

    FP_HEADER = 112,      /* FNSAVE image (108), status, magic */
    FP_MAGIC_FXSR = 0x0000,
    FP_MAGIC_FSAVE = 0xffff,
};

/* The bits of EFLAGS sigreturn takes from the frame (the kernel's
 * FIX_EFLAGS); the rest stays as it is. */
#define FIX_EFLAGS (I386_AC | I386_OF | I386_DF | I386_TF | I386_SF | I386_ZF | I386_AF | \
                    I386_PF | I386_CF | I386_RF)

/* Trap number Linux records for the signal's cause. */
static uint32_t trapno_of(const LinuxThread *t, int sig)
{
    if (t->fault_signo != sig || t->fault_trapno < 0)
        return 0;
    return (uint32_t)t->fault_trapno;
}

static void fill_sigcontext(LinuxThread *t, int sig, uint8_t *sc, uint32_t fpstate,
                            uint32_t oldmask)
{
    I386CPU *cpu = &t->cpu;
    memset(sc, 0, SC_SIZE);
    st_le16(sc + SC_GS, (uint16_t)cpu->segs[R_GS].selector);
    st_le16(sc + SC_FS, (uint16_t)cpu->segs[R_FS].selector);
    st_le16(sc + SC_ES, (uint16_t)cpu->segs[R_ES].selector);
    st_le16(sc + SC_DS, (uint16_t)cpu->segs[R_DS].selector);
    st_le32(sc + SC_EDI, cpu->regs[R_EDI]);
    st_le32(sc + SC_ESI, cpu->regs[R_ESI]);
    st_le32(sc + SC_EBP, cpu->regs[R_EBP]);
    st_le32(sc + SC_ESP, cpu->regs[R_ESP]);
    st_le32(sc + SC_EBX, cpu->regs[R_EBX]);
    st_le32(sc + SC_EDX, cpu->regs[R_EDX]);
    st_le32(sc + SC_ECX, cpu->regs[R_ECX]);
    st_le32(sc + SC_EAX, cpu->regs[R_EAX]);
    st_le32(sc + SC_TRAPNO, trapno_of(t, sig));
    st_le32(sc + SC_ERR, t->fault_signo == sig ? cpu->error_code : 0);
    st_le32(sc + SC_EIP, cpu->eip);
    st_le16(sc + SC_CS, (uint16_t)cpu->segs[R_CS].selector);
    st_le32(sc + SC_EFLAGS, i386_get_eflags(cpu));
    st_le32(sc + SC_ESP_AT_SIGNAL, cpu->regs[R_ESP]);
    st_le16(sc + SC_SS, (uint16_t)cpu->segs[R_SS].selector);
    st_le32(sc + SC_FPSTATE, fpstate);
    st_le32(sc + SC_OLDMASK, oldmask);
    st_le32(sc + SC_CR2, t->fault_signo == sig ? t->fault_addr : 0);
}

/* The FP area (header + FXSAVE image) for the current state. */
static void fill_fpstate(I386CPU *cpu, uint8_t *fp)
{
    memset(fp, 0, FP_HEADER + I386_FX_SIZE);
    i386_fpu_save_fsave(cpu, fp);
    memcpy(fp + 108, cpu->fxstate + I386_FX_FSW, 2);   /* status */
    st_le16(fp + 110, FP_MAGIC_FXSR);
    /* The 32-bit FXSAVE image: XMM8-15 and the rest are not part of it. */
    memcpy(fp + FP_HEADER, cpu->fxstate, I386_FX_GUEST_SIZE);
}

bool i386_setup_frame(LinuxThread *t, int sig, const GuestSigAction *ka, const GuestSiginfo *info,
                      uint64_t saved_mask)
{
    I386CPU *cpu = &t->cpu;
    GuestSpace *gs = &t->proc->space;
    bool rt = (ka->flags & GUEST_SA_SIGINFO) != 0;
    uint32_t esp = cpu->regs[R_ESP];
    uint32_t sp = esp;
    bool on_alt = linux_on_sigstack(t, esp);

    if ((ka->flags & GUEST_SA_ONSTACK) && t->ss_size && !on_alt)
        sp = t->ss_sp + t->ss_size;

    /* The math frame: FXSAVE image 64-byte aligned, header below it. */
    uint32_t buf_fx = (sp - I386_FX_SIZE) & ~63u;
    uint32_t fpstate = buf_fx - FP_HEADER;
    uint32_t frame_size = rt ? RT_FRAME_SIZE : FRAME_SIZE;
    uint32_t frame = ((fpstate - frame_size + 4) & ~15u) - 4;

    uint8_t fp[FP_HEADER + I386_FX_SIZE];
    fill_fpstate(cpu, fp);
    if (copy_to_guest(gs, fpstate, fp, sizeof(fp)) < 0)
        return false;

    uint8_t f[FRAME_SIZE];
    memset(f, 0, sizeof(f));
    uint32_t retcode = frame + (rt ? RT_RETCODE : FRAME_RETCODE);
    st_le32(f + 0, (ka->flags & GUEST_SA_RESTORER) ? ka->restorer : retcode);
    st_le32(f + 4, (uint32_t)sig);
    if (rt) {
        st_le32(f + RT_PINFO, frame + RT_INFO);
        st_le32(f + RT_PUC, frame + RT_UC);
        memcpy(f + RT_INFO, info->b, sizeof(info->b));
        uint8_t *uc = f + RT_UC;
        st_le32(uc + UC_FLAGS, 0);
        st_le32(uc + UC_LINK, 0);
        st_le32(uc + UC_STACK, t->ss_sp);
        st_le32(uc + UC_STACK + 4, t->ss_size == 0 ? GUEST_SS_DISABLE
                                 : (on_alt ? GUEST_SS_ONSTACK : 0) |
                                       (t->ss_flags & GUEST_SS_AUTODISARM));
        st_le32(uc + UC_STACK + 8, t->ss_size);
        fill_sigcontext(t, sig, uc + UC_MCONTEXT, fpstate, (uint32_t)saved_mask);
        st_le32(uc + UC_SIGMASK, (uint32_t)saved_mask);
        st_le32(uc + UC_SIGMASK + 4, (uint32_t)(saved_mask >> 32));
        static const uint8_t code[8] = { 0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0 };
        memcpy(f + RT_RETCODE, code, sizeof(code));
    } else {
        fill_sigcontext(t, sig, f + FRAME_SC, fpstate, (uint32_t)saved_mask);
        st_le32(f + FRAME_EXTRAMASK, (uint32_t)(saved_mask >> 32));
        static const uint8_t code[8] = { 0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80 };
        memcpy(f + FRAME_RETCODE, code, sizeof(code));
    }
    if (copy_to_guest(gs, frame, f, frame_size) < 0)
        return false;

    if ((ka->flags & GUEST_SA_ONSTACK) && (t->ss_flags & GUEST_SS_AUTODISARM) && !on_alt) {
        t->ss_sp = t->ss_size = 0;
        t->ss_flags = 0;
    }
    cpu->regs[R_ESP] = frame;
    cpu->eip = ka->handler;
    cpu->regs[R_EAX] = (uint32_t)sig;
    cpu->regs[R_EDX] = rt ? frame + RT_INFO : 0;
    cpu->regs[R_ECX] = rt ? frame + RT_UC : 0;
    i386_set_eflags(cpu, 0, I386_DF | I386_RF | I386_TF);
    cpu->segs[R_CS].selector = LINUX_USER_CS;
    i386_load_seg(cpu, R_DS, LINUX_USER_DS, 0);
    i386_load_seg(cpu, R_ES, LINUX_USER_DS, 0);
    i386_load_seg(cpu, R_SS, LINUX_USER_DS, 0);
    i386_fpu_reset(cpu);
    if (t->fault_signo == sig)
        t->fault_signo = 0;
    return true;
}

/* A selector from the frame, RPL forced to 3, as the kernel loads it;
 * one that does not load becomes null (the kernel's fixup), except SS. */
static bool load_frame_seg(I386CPU *cpu, int seg, uint16_t sel)
{
    uint32_t s = sel ? (uint32_t)sel | 3 : 0;
    if (i386_load_seg(cpu, seg, s, 0))
        return true;
    return seg != R_SS && i386_load_seg(cpu, seg, 0, 0);
}

static bool restore_sigcontext(LinuxThread *t, const uint8_t *sc)
{
    I386CPU *cpu = &t->cpu;
    GuestSpace *gs = &t->proc->space;
    if ((ld_le16(sc + SC_CS) | 3) != LINUX_USER_CS)
        return false;   /* only the flat 32-bit code segment runs guest code */
    if (!load_frame_seg(cpu, R_SS, ld_le16(sc + SC_SS)) ||
        !load_frame_seg(cpu, R_GS, ld_le16(sc + SC_GS)) ||
        !load_frame_seg(cpu, R_FS, ld_le16(sc + SC_FS)) ||
        !load_frame_seg(cpu, R_ES, ld_le16(sc + SC_ES)) ||
        !load_frame_seg(cpu, R_DS, ld_le16(sc + SC_DS)))
        return false;
    cpu->regs[R_EDI] = ld_le32(sc + SC_EDI);
    cpu->regs[R_ESI] = ld_le32(sc + SC_ESI);
    cpu->regs[R_EBP] = ld_le32(sc + SC_EBP);
    cpu->regs[R_ESP] = ld_le32(sc + SC_ESP);
    cpu->regs[R_EBX] = ld_le32(sc + SC_EBX);
    cpu->regs[R_EDX] = ld_le32(sc + SC_EDX);
    cpu->regs[R_ECX] = ld_le32(sc + SC_ECX);
    cpu->regs[R_EAX] = ld_le32(sc + SC_EAX);
    cpu->eip = ld_le32(sc + SC_EIP);
    i386_set_eflags(cpu, ld_le32(sc + SC_EFLAGS), FIX_EFLAGS);

    uint32_t fpstate = ld_le32(sc + SC_FPSTATE);
    if (fpstate == 0) {
        i386_fpu_reset(cpu);   /* the kernel clears the FPU for a NULL fpstate */
        return true;
    }
    uint8_t fp[FP_HEADER + I386_FX_SIZE];
    if (copy_from_guest(gs, fp, fpstate, FP_HEADER) < 0)
        return false;
    if (ld_le16(fp + 110) == FP_MAGIC_FSAVE) {
        i386_fpu_load_fsave(cpu, fp);
        return true;
    }
    if (copy_from_guest(gs, fp + FP_HEADER, fpstate + FP_HEADER, I386_FX_GUEST_SIZE) < 0)
        return false;
    i386_fpu_load_fxsave(cpu, fp + FP_HEADER);
    i386_fpu_load_fsave(cpu, fp);
    return true;
}

bool i386_restore_sigframe(LinuxThread *t, uint64_t *mask)
{
    uint32_t frame = t->cpu.regs[R_ESP] - 8;
    uint8_t f[FRAME_SIZE];
    if (copy_from_guest(&t->proc->space, f, frame, sizeof(f)) < 0)
        return false;
    *mask = ld_le32(f + FRAME_SC + SC_OLDMASK) | (uint64_t)ld_le32(f + FRAME_EXTRAMASK) << 32;
    return restore_sigcontext(t, f + FRAME_SC);
}

bool i386_restore_rt_sigframe(LinuxThread *t, uint64_t *mask)
{
    uint32_t frame = t->cpu.regs[R_ESP] - 4;
    uint8_t f[RT_FRAME_SIZE];
    if (copy_from_guest(&t->proc->space, f, frame, sizeof(f)) < 0)
        return false;
    const uint8_t *uc = f + RT_UC;
    *mask = ld_le32(uc + UC_SIGMASK) | (uint64_t)ld_le32(uc + UC_SIGMASK + 4) << 32;
    if (!restore_sigcontext(t, uc + UC_MCONTEXT))
        return false;
    /* restore_altstack: as sigaltstack would, all errors but EFAULT
     * ignored; checked against the restored esp. */
    uint32_t ss_sp = ld_le32(uc + UC_STACK), ss_flags = ld_le32(uc + UC_STACK + 4);
    uint32_t ss_size = ld_le32(uc + UC_STACK + 8);
    if (!linux_on_sigstack(t, t->cpu.regs[R_ESP])) {
        uint32_t mode = ss_flags & ~(uint32_t)GUEST_SS_AUTODISARM;
        if (mode == GUEST_SS_DISABLE) {
            t->ss_sp = t->ss_size = 0;
            t->ss_flags = 0;
        } else if ((mode == 0 || mode == GUEST_SS_ONSTACK) && ss_size >= GUEST_MINSIGSTKSZ) {
            t->ss_sp = ss_sp;
            t->ss_size = ss_size;
            t->ss_flags = ss_flags & (uint32_t)GUEST_SS_AUTODISARM;
        }
    }
    return true;
}
