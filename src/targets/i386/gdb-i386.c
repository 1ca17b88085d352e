/*
 * The i386 register description for the GDB stub (gdb-i386.h): the
 * target description documents, written from the GDB manual's appendix
 * "Target Descriptions" and its i386 standard features, and the
 * transfer of each register to and from an I386CPU.
 *
 * Choices a reader of gdb's side would not guess:
 *
 * - Lazy flags: eflags is assembled by i386_get_eflags(); a write goes
 *   through i386_set_eflags() with I386_GDB_EFLAGS_WRITABLE, so a
 *   debugger cannot set bits user code could not (IF stays set).
 * - Segment registers: a write is a MOV to the register from user code
 *   (i386_load_seg: descriptor checks against the GDT/LDT).  CS cannot
 *   be loaded that way, so only its current value is accepted (a 'G'
 *   packet writes every register back, usually unchanged).  A refused
 *   write leaves no pending exception behind.
 * - x87: fxstate holds ST(0)-ST(7) in stack order, which is the order
 *   gdb's st0-st7 use, so a register is one copy.  ftag is the full tag
 *   word, derived from FXSAVE's abridged one and the register contents
 *   as FNSTENV would store it (SDM vol. 1, 8.1.7 and 10.5.1.1).
 *   Writing fstat does not rotate the registers when TOP changes: the
 *   image stays what gdb wrote (ST order), as a ptrace write of an
 *   FXSAVE image does on Linux.  Writing fstat or fctrl recomputes ES
 *   and B from the exception flags and masks, as FXRSTOR does, so a
 *   pending unmasked exception raises #MF at the next waiting x87
 *   instruction like hardware.
 * - MXCSR: bits the host's FXRSTOR would refuse (outside MXCSR_MASK) are
 *   refused, since the thunks load this image on the host.
 * - orig_eax: see read_reg.
 */
#include <string.h>

#include "targets/i386/gdb-i386.h"
#include "targets/i386/cpu.h"
#include "targets/i386/fpu.h"
#include "targets/i386/fpu-thunk.h"
#include "util/bytes.h"

_Static_assert(I386_GDB_EFLAGS_WRITABLE ==
               (I386_CC_MASK | I386_TF | I386_DF | I386_AC | I386_ID),
               "the documented EFLAGS write mask");

/* gdb's cs ss ds es fs gs, as segs[] indices. */
static const int gdb_seg[6] = {
    [I386_GDB_CS - I386_GDB_CS] = R_CS,
    [I386_GDB_SS - I386_GDB_CS] = R_SS,
    [I386_GDB_DS - I386_GDB_CS] = R_DS,
    [I386_GDB_ES - I386_GDB_CS] = R_ES,
    [I386_GDB_FS - I386_GDB_CS] = R_FS,
    [I386_GDB_GS - I386_GDB_CS] = R_GS,
};

/* ---------------------------------------------------------------------
 * The documents.  gdb numbers registers in the order it meets them
 * across the included features, which gives the table of gdb-i386.h.
 */

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
    "  <architecture>i386</architecture>\n"
    "  <osabi>GNU/Linux</osabi>\n"
    "  <xi:include href=\"i386-core.xml\"/>\n"
    "  <xi:include href=\"i386-sse.xml\"/>\n"
    "  <xi:include href=\"i386-linux.xml\"/>\n"
    "</target>\n";

#define FLAG(name, bit) "    <field name=\"" name "\" start=\"" #bit "\" end=\"" #bit "\"/>\n"
#define REG(name, bits, type) "  <reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type "\"/>\n"
#define FREG(name) "  <reg name=\"" name "\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"

static const char core_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "  <flags id=\"i386_eflags\" size=\"4\">\n"
    FLAG("CF", 0) FLAG("", 1) FLAG("PF", 2) FLAG("AF", 4) FLAG("ZF", 6)
    FLAG("SF", 7) FLAG("TF", 8) FLAG("IF", 9) FLAG("DF", 10) FLAG("OF", 11)
    FLAG("NT", 14) FLAG("RF", 16) FLAG("VM", 17) FLAG("AC", 18)
    FLAG("VIF", 19) FLAG("VIP", 20) FLAG("ID", 21)
    "  </flags>\n"
    REG("eax", 32, "int32") REG("ecx", 32, "int32")
    REG("edx", 32, "int32") REG("ebx", 32, "int32")
    REG("esp", 32, "data_ptr") REG("ebp", 32, "data_ptr")
    REG("esi", 32, "int32") REG("edi", 32, "int32")
    REG("eip", 32, "code_ptr")
    REG("eflags", 32, "i386_eflags")
    REG("cs", 32, "int32") REG("ss", 32, "int32") REG("ds", 32, "int32")
    REG("es", 32, "int32") REG("fs", 32, "int32") REG("gs", 32, "int32")
    REG("st0", 80, "i387_ext") REG("st1", 80, "i387_ext")
    REG("st2", 80, "i387_ext") REG("st3", 80, "i387_ext")
    REG("st4", 80, "i387_ext") REG("st5", 80, "i387_ext")
    REG("st6", 80, "i387_ext") REG("st7", 80, "i387_ext")
    FREG("fctrl") FREG("fstat") FREG("ftag") FREG("fiseg")
    FREG("fioff") FREG("foseg") FREG("fooff") FREG("fop")
    "</feature>\n";

static const char sse_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
    "<feature name=\"org.gnu.gdb.i386.sse\">\n"
    "  <vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "  <vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "  <vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
    "  <vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
    "  <vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
    "  <vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
    "  <union id=\"vec128\">\n"
    "    <field name=\"v4_float\" type=\"v4f\"/>\n"
    "    <field name=\"v2_double\" type=\"v2d\"/>\n"
    "    <field name=\"v16_int8\" type=\"v16i8\"/>\n"
    "    <field name=\"v8_int16\" type=\"v8i16\"/>\n"
    "    <field name=\"v4_int32\" type=\"v4i32\"/>\n"
    "    <field name=\"v2_int64\" type=\"v2i64\"/>\n"
    "    <field name=\"uint128\" type=\"uint128\"/>\n"
    "  </union>\n"
    "  <flags id=\"i386_mxcsr\" size=\"4\">\n"
    FLAG("IE", 0) FLAG("DE", 1) FLAG("ZE", 2) FLAG("OE", 3) FLAG("UE", 4)
    FLAG("PE", 5) FLAG("DAZ", 6) FLAG("IM", 7) FLAG("DM", 8) FLAG("ZM", 9)
    FLAG("OM", 10) FLAG("UM", 11) FLAG("PM", 12) FLAG("FZ", 15)
    "  </flags>\n"
    REG("xmm0", 128, "vec128") REG("xmm1", 128, "vec128")
    REG("xmm2", 128, "vec128") REG("xmm3", 128, "vec128")
    REG("xmm4", 128, "vec128") REG("xmm5", 128, "vec128")
    REG("xmm6", 128, "vec128") REG("xmm7", 128, "vec128")
    "  <reg name=\"mxcsr\" bitsize=\"32\" type=\"i386_mxcsr\" group=\"vector\"/>\n"
    "</feature>\n";

static const char linux_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
    "<feature name=\"org.gnu.gdb.i386.linux\">\n"
    "  <reg name=\"orig_eax\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "</feature>\n";

#undef FLAG
#undef REG
#undef FREG

static const char *i386_gdb_xml(const char *annex)
{
    static const struct {
        const char *annex, *doc;
    } docs[] = {
        { "target.xml", target_xml },
        { "i386-core.xml", core_xml },
        { "i386-sse.xml", sse_xml },
        { "i386-linux.xml", linux_xml },
    };
    if (!annex)
        return NULL;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        if (strcmp(annex, docs[i].annex) == 0)
            return docs[i].doc;
    return NULL;
}

/* ---------------------------------------------------------------------
 * Registers.
 */

static unsigned i386_gdb_reg_size(unsigned n)
{
    if (n < I386_GDB_ST0)
        return 4;
    if (n < I386_GDB_FCTRL)
        return 10;
    if (n < I386_GDB_XMM0)
        return 4;
    if (n < I386_GDB_MXCSR)
        return 16;
    if (n < I386_GDB_NB_REGS)
        return 4;
    return 0;
}

/* The full tag of physical register p (SDM vol. 1, 8.1.7): 3 empty
 * (abridged bit clear), else from the contents: 1 zero, 2 special (NaN,
 * infinity, denormal, unnormal: exponent all ones, or zero with a nonzero
 * significand, or the J bit clear with a nonzero exponent), 0 valid. */
static unsigned phys_tag(const uint8_t *fx, unsigned p)
{
    if (!((fx[I386_FX_FTW] >> p) & 1))
        return 3;
    unsigned top = (ld_le16(fx + I386_FX_FSW) >> 11) & 7;
    const uint8_t *r = fx + I386_FX_ST0 + 16 * ((p - top) & 7);
    uint64_t mant = (uint64_t)ld_le32(r) | (uint64_t)ld_le32(r + 4) << 32;
    unsigned exp = ld_le16(r + 8) & 0x7fff;
    if (exp == 0x7fff)
        return 2;
    if (exp == 0)
        return mant ? 2 : 1;
    return (mant >> 63) ? 0 : 2;
}

static uint16_t full_tag_word(const uint8_t *fx)
{
    uint16_t ftw = 0;
    for (unsigned p = 0; p < 8; p++)
        ftw |= (uint16_t)(phys_tag(fx, p) << (2 * p));
    return ftw;
}

/* ES (bit 7) and B (bit 15) of FSW: set when an exception flag is set
 * that FCW does not mask, as FXRSTOR computes them. */
static void fix_summary(uint8_t *fx)
{
    uint16_t fsw = ld_le16(fx + I386_FX_FSW) & 0x7f7f;
    if (fsw & ~ld_le16(fx + I386_FX_FCW) & 0x3f)
        fsw |= 0x8080;
    st_le16(fx + I386_FX_FSW, fsw);
}

static void i386_gdb_read_reg(CPUState *cs, unsigned n, uint8_t *buf)
{
    I386CPU *cpu = i386_cpu(cs);
    const uint8_t *fx = cpu->fxstate;
    uint32_t v;

    if (n >= I386_GDB_ST0 && n < I386_GDB_FCTRL) {
        memcpy(buf, fx + I386_FX_ST0 + 16 * (n - I386_GDB_ST0), 10);
        return;
    }
    if (n >= I386_GDB_XMM0 && n < I386_GDB_MXCSR) {
        memcpy(buf, fx + I386_FX_XMM0 + 16 * (n - I386_GDB_XMM0), 16);
        return;
    }
    if (n < I386_GDB_EIP) {
        v = cpu->regs[n - I386_GDB_EAX];
    } else if (n >= I386_GDB_CS && n <= I386_GDB_GS) {
        v = cpu->segs[gdb_seg[n - I386_GDB_CS]].selector;
    } else {
        switch (n) {
        case I386_GDB_EIP: v = cpu->eip; break;
        case I386_GDB_EFLAGS: v = i386_get_eflags(cpu); break;
        case I386_GDB_FCTRL: v = ld_le16(fx + I386_FX_FCW); break;
        case I386_GDB_FSTAT: v = ld_le16(fx + I386_FX_FSW); break;
        case I386_GDB_FTAG: v = full_tag_word(fx); break;
        case I386_GDB_FISEG: v = ld_le16(fx + I386_FX_FCS); break;
        case I386_GDB_FIOFF: v = ld_le32(fx + I386_FX_FIP); break;
        case I386_GDB_FOSEG: v = ld_le16(fx + I386_FX_FDS); break;
        case I386_GDB_FOOFF: v = ld_le32(fx + I386_FX_FDP); break;
        case I386_GDB_FOP: v = ld_le16(fx + I386_FX_FOP) & 0x7ff; break;
        case I386_GDB_MXCSR: v = ld_le32(fx + I386_FX_MXCSR); break;
        /* The register Linux keeps for restarting an interrupted system
         * call.  The stub only stops the guest between instructions, never
         * inside a system call, so there is none to report: -1, as the
         * kernel says outside one. */
        case I386_GDB_ORIG_EAX: v = 0xffffffffu; break;
        default: return;   /* not a register: reg_size is 0 */
        }
    }
    st_le32(buf, v);
}

/* A segment register write: a MOV from user code; CS only unchanged. */
static bool write_seg(I386CPU *cpu, int seg, uint32_t sel)
{
    if (sel > 0xffff)
        return false;
    if (seg == R_CS)
        return sel == cpu->segs[R_CS].selector;
    /* i386_load_seg records a refusal as an exception; the guest did
     * nothing, so none may be left pending. */
    int32_t excp = cpu->parent.exception_index;
    uint32_t err = cpu->error_code;
    bool ok = i386_load_seg(cpu, seg, sel, 0);
    cpu->parent.exception_index = excp;
    cpu->error_code = err;
    return ok;
}

static bool i386_gdb_write_reg(CPUState *cs, unsigned n, const uint8_t *buf)
{
    I386CPU *cpu = i386_cpu(cs);
    uint8_t *fx = cpu->fxstate;

    if (n >= I386_GDB_ST0 && n < I386_GDB_FCTRL) {
        memcpy(fx + I386_FX_ST0 + 16 * (n - I386_GDB_ST0), buf, 10);
        return true;
    }
    if (n >= I386_GDB_XMM0 && n < I386_GDB_MXCSR) {
        memcpy(fx + I386_FX_XMM0 + 16 * (n - I386_GDB_XMM0), buf, 16);
        return true;
    }
    if (n >= I386_GDB_NB_REGS)
        return false;
    uint32_t v = ld_le32(buf);
    if (n < I386_GDB_EIP) {
        cpu->regs[n - I386_GDB_EAX] = v;
        return true;
    }
    if (n >= I386_GDB_CS && n <= I386_GDB_GS)
        return write_seg(cpu, gdb_seg[n - I386_GDB_CS], v);
    switch (n) {
    case I386_GDB_EIP:
        cpu->eip = v;
        return true;
    case I386_GDB_EFLAGS:
        i386_set_eflags(cpu, v, I386_GDB_EFLAGS_WRITABLE);
        return true;
    case I386_GDB_FCTRL:
        st_le16(fx + I386_FX_FCW, (uint16_t)v);
        fix_summary(fx);
        return true;
    case I386_GDB_FSTAT:
        st_le16(fx + I386_FX_FSW, (uint16_t)v);
        fix_summary(fx);
        return true;
    case I386_GDB_FTAG: {
        uint8_t abridged = 0;
        for (unsigned p = 0; p < 8; p++)
            if (((v >> (2 * p)) & 3) != 3)
                abridged |= (uint8_t)(1u << p);
        fx[I386_FX_FTW] = abridged;
        return true;
    }
    /* A host whose x87 no longer stores FCS and FDS shows the guest 0
     * there (translate-fpu.c keeps them so); a written value would be
     * dropped by hardware the same way. */
    case I386_GDB_FISEG:
        st_le16(fx + I386_FX_FCS, i386_fpu_host()->fcs_fds_zero ? 0 : (uint16_t)v);
        return true;
    case I386_GDB_FOSEG:
        st_le16(fx + I386_FX_FDS, i386_fpu_host()->fcs_fds_zero ? 0 : (uint16_t)v);
        return true;
    case I386_GDB_FIOFF:
        st_le32(fx + I386_FX_FIP, v);
        return true;
    case I386_GDB_FOOFF:
        st_le32(fx + I386_FX_FDP, v);
        return true;
    case I386_GDB_FOP:
        st_le16(fx + I386_FX_FOP, (uint16_t)(v & 0x7ff));
        return true;
    case I386_GDB_MXCSR:
        if (v & ~i386_fpu_host()->mxcsr_mask)
            return false;
        st_le32(fx + I386_FX_MXCSR, v);
        return true;
    case I386_GDB_ORIG_EAX:
        return true;   /* nothing to restart (read_reg): ignored */
    default:
        return false;
    }
}

static uint64_t i386_gdb_get_pc(CPUState *cs)
{
    return i386_cpu(cs)->eip;
}

/* The names of the XML documents, in register order. */
static const char *i386_gdb_reg_name(unsigned n)
{
    static const char *const names[I386_GDB_NB_REGS] = {
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags",
        "cs", "ss", "ds", "es", "fs", "gs",
        "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7",
        "fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop",
        "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
        "mxcsr", "orig_eax",
    };
    return n < I386_GDB_NB_REGS ? names[n] : "";
}

const GdbTargetDesc i386_gdb_target = {
    .nb_regs = I386_GDB_NB_REGS,
    .xml = i386_gdb_xml,
    .reg_size = i386_gdb_reg_size,
    .read_reg = i386_gdb_read_reg,
    .write_reg = i386_gdb_write_reg,
    .pc_regnum = I386_GDB_EIP,
    .sp_regnum = I386_GDB_EAX + R_ESP,
    .get_pc = i386_gdb_get_pc,
    .reg_name = i386_gdb_reg_name,
};
