/*
 * The i386 native oracle: what a test case is and what running it gives.
 *
 * The host CPU runs i386 code natively, so it is the reference for every
 * result of the i386 target, the bits the SDM leaves undefined included.
 * A test case is a few bytes of i386 code, the eight registers, the
 * status flags and DF, two segment choices and a patch over a data
 * window; the oracle (i386-oracle.c, a 32-bit static program) runs it on
 * the host and mimic runs it in the test rig (i386-rig.c), and the two
 * results must be equal.
 *
 * One memory layout serves both, so that addresses in registers mean the
 * same thing on each side:
 *
 *   ORACLE_CODE_ADDR   one page: the case's code, then HLT
 *   ORACLE_DATA_ADDR   ORACLE_DATA_SIZE bytes, readable and writable,
 *                      with nothing mapped on either side (a run off
 *                      either end is a #PF with cr2 = the address)
 *
 * The case ends at the HLT, which is privileged at CPL 3 and so raises
 * #GP at its own address on both sides: the same event ends a case
 * natively and in mimic, and no return path has to be added to the code
 * under test.  Any other exception ends it too and is reported with its
 * vector, eip and (for #PF) cr2.
 *
 * Segments: DS, SS and CS are the flat user segments.  ES and FS are
 * each either the flat data segment / the null selector, or
 * ORACLE_LDT_SEL, an LDT data segment based at ORACLE_DATA_ADDR (both
 * sides install it: modify_ldt natively, I386CPU.ldt in mimic).  With it
 * 16-bit addressing reaches the data window, and segment overrides are
 * exercised with a non-zero base.
 *
 * Memory: the window starts as oracle_fill_byte(offset) with the case's
 * patch applied; the result lists every byte that differs from that
 * image afterwards (oracle_diff), so no case ships 64 KiB back.
 *
 * x87 and SSE state: a case carries the first ORACLE_FX_SIZE bytes of an
 * FXSAVE image (SDM vol. 1, table 10-2: FCW, FSW, abridged FTW, MXCSR,
 * ST0-7, XMM0-7).  The oracle FXRSTORs it right before the case's code
 * and takes the image back from the signal frame of whatever ended the
 * case (so after a fault it is the state at the fault); the rig puts it
 * in I386CPU.fxstate and reads it back.  oracle_fx_default gives the
 * state of a new process (FNINIT, MXCSR 0x1f80, XMM zero), which every
 * case builder starts from, so integer cases run as they always did.
 * The last-instruction pointers (FOP, FIP, FCS, FDP, FDS) and
 * MXCSR_MASK are carried but never compared: mimic's values for them
 * depend on host addresses.
 *
 * The structures contain only 32-bit words and bytes in an order that
 * needs no padding, so the 32-bit oracle and the 64-bit tests agree on
 * their layout (checked by the _Static_asserts below); they are written
 * raw over a pipe.
 */
#ifndef MIMIC_TESTS_ORACLE_PROTO_H
#define MIMIC_TESTS_ORACLE_PROTO_H

#include <stdint.h>
#include <string.h>

#define ORACLE_CODE_ADDR 0x20000000u
#define ORACLE_CODE_MAX 252u           /* bytes of case code; HLT follows */
#define ORACLE_DATA_ADDR 0x10000000u
#define ORACLE_DATA_SIZE 0x10000u      /* 64 KiB: all of a 16-bit segment */
#define ORACLE_LDT_SEL 0x7u            /* LDT entry 0, RPL 3 */
#define ORACLE_PATCH_MAX 512u
#define ORACLE_DIFF_MAX 1024u

/* The LDT descriptor behind ORACLE_LDT_SEL: base ORACLE_DATA_ADDR, limit
 * 4 GiB (G=1), 32-bit, present, DPL 3, writable data.  Written in the
 * SDM's descriptor layout (vol. 3, 3.4.5) so mimic can use it directly. */
#define ORACLE_LDT_DESC                                                     \
    (((uint64_t)((ORACLE_DATA_ADDR & 0xff000000u) | 0x00dff200u |            \
                 ((ORACLE_DATA_ADDR >> 16) & 0xffu)) << 32) |                \
     (uint64_t)(((ORACLE_DATA_ADDR & 0xffffu) << 16) | 0xffffu))

#define ORACLE_CASE_MAGIC 0x4f524332u   /* "ORC2": with the FXSAVE image */
#define ORACLE_RESULT_MAGIC 0x4f525232u /* "ORR2" */

/* The part of the FXSAVE image a case and a result carry (what a 32-bit
 * FXSAVE defines), and the offsets of its fields. */
#define ORACLE_FX_SIZE 288u
enum {
    ORACLE_FX_FCW = 0,
    ORACLE_FX_FSW = 2,
    ORACLE_FX_FTW = 4,           /* abridged: bit i set = physical reg i valid */
    ORACLE_FX_MXCSR = 24,
    ORACLE_FX_MXCSR_MASK = 28,
    ORACLE_FX_ST0 = 32,          /* ST(i) at 32 + 16 * i, 10 bytes */
    ORACLE_FX_XMM0 = 160,        /* XMM(i) at 160 + 16 * i */
};

/* The bits of EFLAGS a result is compared on: the six status flags and
 * DF.  A case may also set AC (alignment checking, which Linux enables
 * at CPL 3: a misaligned access is #AC). */
#define ORACLE_EFLAGS_MASK 0x0cd5u
#define ORACLE_EFLAGS_AC 0x40000u
#define ORACLE_EFLAGS_INPUT (ORACLE_EFLAGS_MASK | ORACLE_EFLAGS_AC)

typedef struct OracleCase {
    uint32_t magic;
    uint32_t code_len;
    uint32_t regs[8];            /* eax ecx edx ebx esp ebp esi edi */
    uint32_t eflags;             /* only ORACLE_EFLAGS_INPUT bits are used */
    uint32_t es_ldt;             /* 1: ES = ORACLE_LDT_SEL, else flat */
    uint32_t fs_ldt;             /* 1: FS = ORACLE_LDT_SEL, else null */
    uint32_t patch_off;          /* offset in the data window */
    uint32_t patch_len;
    uint8_t code[ORACLE_CODE_MAX];
    uint8_t patch[ORACLE_PATCH_MAX];
    uint8_t fx[ORACLE_FX_SIZE];  /* initial x87/SSE state */
} OracleCase;

enum {
    ORACLE_END = 0,              /* reached the HLT after the code */
    ORACLE_FAULT = 1,            /* another exception: vector, eip, cr2 */
    ORACLE_TIMEOUT = 2,          /* did not end within a second */
    ORACLE_BAD_CASE = 3,         /* the case was malformed */
};

typedef struct OracleResult {
    uint32_t magic;
    uint32_t status;             /* ORACLE_* */
    uint32_t vector;             /* with ORACLE_FAULT: the exception vector */
    uint32_t cr2;                /* with a #PF (vector 14) */
    uint32_t regs[8];
    uint32_t eip;
    uint32_t eflags;
    uint32_t nb_diff;            /* bytes that changed; only the first
                                    ORACLE_DIFF_MAX are listed */
    uint32_t diff_off[ORACLE_DIFF_MAX];
    uint8_t diff_val[ORACLE_DIFF_MAX];
    uint8_t fx[ORACLE_FX_SIZE];  /* final x87/SSE state */
} OracleResult;

_Static_assert(sizeof(OracleCase) == 4 * 15 + ORACLE_CODE_MAX + ORACLE_PATCH_MAX + ORACLE_FX_SIZE,
               "OracleCase has no padding");
_Static_assert(sizeof(OracleResult) == 4 * 15 + 5 * ORACLE_DIFF_MAX + ORACLE_FX_SIZE,
               "OracleResult has no padding");

/* The x87/SSE state of a new process: FNINIT (FCW 0x37f, empty stack),
 * MXCSR 0x1f80 (all exceptions masked, round to nearest), XMM zero. */
static inline void oracle_fx_default(uint8_t fx[ORACLE_FX_SIZE])
{
    memset(fx, 0, ORACLE_FX_SIZE);
    fx[ORACLE_FX_FCW] = 0x7f;
    fx[ORACLE_FX_FCW + 1] = 0x03;
    fx[ORACLE_FX_MXCSR] = 0x80;
    fx[ORACLE_FX_MXCSR + 1] = 0x1f;
}

static inline uint32_t oracle_fx_get(const uint8_t *fx, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)fx[off + i] << (8 * i);
    return v;
}

static inline void oracle_fx_put(uint8_t *fx, unsigned off, unsigned size, uint32_t v)
{
    for (unsigned i = 0; i < size; i++)
        fx[off + i] = (uint8_t)(v >> (8 * i));
}

/* The data window's initial contents before the patch: varied bytes
 * (every value occurs, neighbours differ) that depend only on the offset. */
static inline uint8_t oracle_fill_byte(uint32_t off)
{
    uint32_t x = off * 0x9e3779b1u;
    return (uint8_t)((x >> 24) ^ (x >> 13) ^ off);
}

/* The window as a case starts it.  The fill pattern is computed once. */
static inline void oracle_initial_image(uint8_t *win, const OracleCase *c)
{
    static uint8_t pattern[ORACLE_DATA_SIZE];
    static int have_pattern;
    if (!have_pattern) {
        for (uint32_t i = 0; i < ORACLE_DATA_SIZE; i++)
            pattern[i] = oracle_fill_byte(i);
        have_pattern = 1;
    }
    memcpy(win, pattern, ORACLE_DATA_SIZE);
    if (c->patch_len <= ORACLE_PATCH_MAX && c->patch_off <= ORACLE_DATA_SIZE &&
        c->patch_len <= ORACLE_DATA_SIZE - c->patch_off)
        memcpy(win + c->patch_off, c->patch, c->patch_len);
}

/* Lists the bytes of win that differ from init into r (a block compare
 * first: most of the window never changes). */
static inline void oracle_diff(OracleResult *r, const uint8_t *win, const uint8_t *init)
{
    enum { BLOCK = 256 };
    r->nb_diff = 0;
    for (uint32_t b = 0; b < ORACLE_DATA_SIZE; b += BLOCK) {
        if (memcmp(win + b, init + b, BLOCK) == 0)
            continue;
        for (uint32_t i = b; i < b + BLOCK; i++) {
            if (win[i] == init[i])
                continue;
            if (r->nb_diff < ORACLE_DIFF_MAX) {
                r->diff_off[r->nb_diff] = i;
                r->diff_val[r->nb_diff] = win[i];
            }
            r->nb_diff++;
        }
    }
}

#endif
