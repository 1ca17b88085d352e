/*
 * Every computing IR op on every backend, against an independent C
 * reference.  (Ops with effects beyond their outputs — memory, CPU
 * state, calls, block exits — are in test-ir-effects.c.)
 *
 * The reference below is written from the spec (docs/ir.md) with plain
 * 32- and 64-bit C arithmetic and loops, separately from jit/ir-eval.h,
 * which the interpreter and the constant folder share.
 *
 * Each arithmetic case runs three ways on each backend:
 *   - "reg":   inputs are globals (in host registers for generated
 *              code), results go to globals; compiled once, run for
 *              every pair of edge values;
 *   - "const": inputs are movi constants, not folded, so the backend
 *              sees constant operands (immediates);
 *   - "fold":  the same block after opt_fold, which computes the result
 *              itself.
 * An i32 result is also widened with ext32u and checked whole, which
 * catches a backend leaving garbage in the upper half of a register.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir-harness.h"
#include "jit/backend.h"
#include "jit/ir.h"
#include "jit/opt.h"

static const JitBackend *const backends[] = {
    &jit_backend_interp,
    &jit_backend_x86_64,
};
#define NB_BACKENDS (sizeof(backends) / sizeof(backends[0]))

static const uint64_t edge_vals[] = {
    0, 1, 2, 3, 5, 7, 8, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100,
    0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001,
    0xfffffffe, 0xffffffff, 0x100000000ull, 0x12345678, 0xfedcba98,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xfffffffffffffffeull,
    0xffffffffffffffffull, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
    0xffffffff00000000ull, 0x00000000ffff8000ull, 0x8000000080000000ull,
    0xa5a5a5a5a5a5a5a5ull, 0x0000000100000001ull,
};
#define NB_EDGE (sizeof(edge_vals) / sizeof(edge_vals[0]))

/* ---- the reference ---- */

static unsigned ref_clz(uint64_t v, unsigned w)
{
    unsigned n = 0;
    for (int i = (int)w - 1; i >= 0 && !((v >> i) & 1); i--)
        n++;
    return n;
}

static unsigned ref_ctz(uint64_t v, unsigned w)
{
    unsigned n = 0;
    for (unsigned i = 0; i < w && !((v >> i) & 1); i++)
        n++;
    return n;
}

static unsigned ref_popcnt(uint64_t v)
{
    unsigned n = 0;
    for (; v; v >>= 1)
        n += v & 1;
    return n;
}

static uint64_t ref_bswap(uint64_t v, unsigned bytes)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bytes; i++)
        r |= ((v >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
    return r;
}

static bool ref_cond32(IRCond c, uint32_t a, uint32_t b)
{
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return (int32_t)a < (int32_t)b;
    case IR_COND_GE: return (int32_t)a >= (int32_t)b;
    case IR_COND_LE: return (int32_t)a <= (int32_t)b;
    case IR_COND_GT: return (int32_t)a > (int32_t)b;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return (a & b) == 0;
    case IR_COND_TSTNE: return (a & b) != 0;
    default: return false;
    }
}

static bool ref_cond64(IRCond c, uint64_t a, uint64_t b)
{
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return (int64_t)a < (int64_t)b;
    case IR_COND_GE: return (int64_t)a >= (int64_t)b;
    case IR_COND_LE: return (int64_t)a <= (int64_t)b;
    case IR_COND_GT: return (int64_t)a > (int64_t)b;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return (a & b) == 0;
    case IR_COND_TSTNE: return (a & b) != 0;
    default: return false;
    }
}

typedef struct Case {
    IROpcode opc;
    IRType type;
    uint64_t k[2];     /* cond, or pos and len */
} Case;

/* Results of one op: out[0], and out[1] for mulu2/muls2. */
static void ref32(const Case *c, const uint64_t *in, uint64_t *out)
{
    uint32_t a = (uint32_t)in[0], b = (uint32_t)in[1];
    int32_t sa = (int32_t)a, sb = (int32_t)b;
    uint32_t r = 0;
    switch (c->opc) {
    case IR_OP_mov: r = a; break;
    case IR_OP_add: r = a + b; break;
    case IR_OP_sub: r = a - b; break;
    case IR_OP_mul: r = a * b; break;
    case IR_OP_neg: r = 0u - a; break;
    case IR_OP_divu: r = b ? a / b : 0xffffffffu; break;
    case IR_OP_remu: r = b ? a % b : a; break;
    case IR_OP_divs:
        if (b == 0) r = 0xffffffffu;
        else if (a == 0x80000000u && b == 0xffffffffu) r = 0x80000000u;
        else r = (uint32_t)(sa / sb);
        break;
    case IR_OP_rems:
        if (b == 0) r = a;
        else if (a == 0x80000000u && b == 0xffffffffu) r = 0;
        else r = (uint32_t)(sa % sb);
        break;
    case IR_OP_and: r = a & b; break;
    case IR_OP_or: r = a | b; break;
    case IR_OP_xor: r = a ^ b; break;
    case IR_OP_andc: r = a & ~b; break;
    case IR_OP_not: r = ~a; break;
    case IR_OP_shl: r = a << (b & 31); break;
    case IR_OP_shr: r = a >> (b & 31); break;
    case IR_OP_sar: r = (uint32_t)(sa >> (b & 31)); break;
    case IR_OP_rotl: r = (b & 31) ? (a << (b & 31)) | (a >> (32 - (b & 31))) : a; break;
    case IR_OP_rotr: r = (b & 31) ? (a >> (b & 31)) | (a << (32 - (b & 31))) : a; break;
    case IR_OP_ext8s: r = (uint32_t)(int32_t)(int8_t)a; break;
    case IR_OP_ext8u: r = a & 0xff; break;
    case IR_OP_ext16s: r = (uint32_t)(int32_t)(int16_t)a; break;
    case IR_OP_ext16u: r = a & 0xffff; break;
    case IR_OP_extrl: r = (uint32_t)in[0]; break;
    case IR_OP_extrh: r = (uint32_t)(in[0] >> 32); break;
    case IR_OP_bswap16: r = (uint32_t)ref_bswap(a & 0xffff, 2); break;
    case IR_OP_bswap32: r = (uint32_t)ref_bswap(a, 4); break;
    case IR_OP_clz: r = a ? ref_clz(a, 32) : b; break;
    case IR_OP_ctz: r = a ? ref_ctz(a, 32) : b; break;
    case IR_OP_popcnt: r = ref_popcnt(a); break;
    case IR_OP_setcond: r = ref_cond32((IRCond)c->k[0], a, b); break;
    case IR_OP_brcond: r = ref_cond32((IRCond)c->k[0], a, b); break;
    case IR_OP_movcond:
        r = ref_cond32((IRCond)c->k[0], a, b) ? (uint32_t)in[2] : (uint32_t)in[3];
        break;
    case IR_OP_deposit: {
        uint32_t m = (c->k[1] == 32 ? 0xffffffffu : ((1u << c->k[1]) - 1)) << c->k[0];
        r = (a & ~m) | ((b << c->k[0]) & m);
        break;
    }
    case IR_OP_extract:
        r = (a >> c->k[0]) & (c->k[1] == 32 ? 0xffffffffu : ((1u << c->k[1]) - 1));
        break;
    case IR_OP_sextract:
        /* shift the field to the top, then arithmetic-shift it down */
        r = (uint32_t)((int32_t)(a << (32 - c->k[0] - c->k[1])) >> (32 - c->k[1]));
        break;
    case IR_OP_mulu2: {
        uint64_t p = (uint64_t)a * b;
        out[1] = p >> 32;
        r = (uint32_t)p;
        break;
    }
    case IR_OP_muls2: {
        int64_t p = (int64_t)sa * sb;
        out[1] = (uint32_t)((uint64_t)p >> 32);
        r = (uint32_t)p;
        break;
    }
    default:
        fail_msg("no i32 reference for %s", ir_op_defs[c->opc].name);
    }
    out[0] = r;
}

static void ref64(const Case *c, const uint64_t *in, uint64_t *out)
{
    uint64_t a = in[0], b = in[1], r = 0;
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    switch (c->opc) {
    case IR_OP_mov: r = a; break;
    case IR_OP_add: r = a + b; break;
    case IR_OP_sub: r = a - b; break;
    case IR_OP_mul: r = a * b; break;
    case IR_OP_neg: r = 0 - a; break;
    case IR_OP_divu: r = b ? a / b : ~0ull; break;
    case IR_OP_remu: r = b ? a % b : a; break;
    case IR_OP_divs:
        if (b == 0) r = ~0ull;
        else if (a == 1ull << 63 && b == ~0ull) r = 1ull << 63;
        else r = (uint64_t)(sa / sb);
        break;
    case IR_OP_rems:
        if (b == 0) r = a;
        else if (a == 1ull << 63 && b == ~0ull) r = 0;
        else r = (uint64_t)(sa % sb);
        break;
    case IR_OP_and: r = a & b; break;
    case IR_OP_or: r = a | b; break;
    case IR_OP_xor: r = a ^ b; break;
    case IR_OP_andc: r = a & ~b; break;
    case IR_OP_not: r = ~a; break;
    case IR_OP_shl: r = a << (b & 63); break;
    case IR_OP_shr: r = a >> (b & 63); break;
    case IR_OP_sar: r = (uint64_t)(sa >> (b & 63)); break;
    case IR_OP_rotl: r = (b & 63) ? (a << (b & 63)) | (a >> (64 - (b & 63))) : a; break;
    case IR_OP_rotr: r = (b & 63) ? (a >> (b & 63)) | (a << (64 - (b & 63))) : a; break;
    case IR_OP_ext8s: r = (uint64_t)(int64_t)(int8_t)a; break;
    case IR_OP_ext8u: r = a & 0xff; break;
    case IR_OP_ext16s: r = (uint64_t)(int64_t)(int16_t)a; break;
    case IR_OP_ext16u: r = a & 0xffff; break;
    case IR_OP_ext32s: r = (uint64_t)(int64_t)(int32_t)(uint32_t)a; break;
    case IR_OP_ext32u: r = a & 0xffffffffull; break;
    case IR_OP_bswap16: r = ref_bswap(a & 0xffff, 2); break;
    case IR_OP_bswap32: r = ref_bswap(a & 0xffffffffull, 4); break;
    case IR_OP_bswap64: r = ref_bswap(a, 8); break;
    case IR_OP_clz: r = a ? ref_clz(a, 64) : b; break;
    case IR_OP_ctz: r = a ? ref_ctz(a, 64) : b; break;
    case IR_OP_popcnt: r = ref_popcnt(a); break;
    case IR_OP_setcond: r = ref_cond64((IRCond)c->k[0], a, b); break;
    case IR_OP_brcond: r = ref_cond64((IRCond)c->k[0], a, b); break;
    case IR_OP_movcond: r = ref_cond64((IRCond)c->k[0], a, b) ? in[2] : in[3]; break;
    case IR_OP_deposit: {
        uint64_t m = (c->k[1] == 64 ? ~0ull : ((1ull << c->k[1]) - 1)) << c->k[0];
        r = (a & ~m) | ((b << c->k[0]) & m);
        break;
    }
    case IR_OP_extract:
        r = (a >> c->k[0]) & (c->k[1] == 64 ? ~0ull : ((1ull << c->k[1]) - 1));
        break;
    case IR_OP_sextract:
        r = (uint64_t)((int64_t)(a << (64 - c->k[0] - c->k[1])) >> (64 - c->k[1]));
        break;
    case IR_OP_mulu2: {
        unsigned __int128 p = (unsigned __int128)a * b;
        out[1] = (uint64_t)(p >> 64);
        r = (uint64_t)p;
        break;
    }
    case IR_OP_muls2: {
        __int128 p = (__int128)sa * sb;
        out[1] = (uint64_t)((unsigned __int128)p >> 64);
        r = (uint64_t)p;
        break;
    }
    default:
        fail_msg("no i64 reference for %s", ir_op_defs[c->opc].name);
    }
    out[0] = r;
}

/* ---- shapes ---- */

static unsigned case_nb_in(IROpcode opc)
{
    if (opc == IR_OP_movcond)
        return 4;
    if (opc == IR_OP_brcond)
        return 2;
    return ir_op_defs[opc].nb_in;
}

static unsigned case_nb_out(IROpcode opc)
{
    return opc == IR_OP_brcond ? 1 : ir_op_defs[opc].nb_out;
}

static IRType in_type(const Case *c)
{
    if (c->opc == IR_OP_ext32s || c->opc == IR_OP_ext32u)
        return IR_I32;
    if (c->opc == IR_OP_extrl || c->opc == IR_OP_extrh)
        return IR_I64;
    return c->type;
}

static IRType out_type(const Case *c)
{
    if (c->opc == IR_OP_ext32s || c->opc == IR_OP_ext32u)
        return IR_I64;
    if (c->opc == IR_OP_extrl || c->opc == IR_OP_extrh)
        return IR_I32;
    return c->type;
}

/* Emits the op under test: outputs out[], inputs in[]. */
static void emit_case(IRFunc *f, const Case *c, const IRTemp *out, const IRTemp *in)
{
    IRType t = c->type;
    switch (c->opc) {
    case IR_OP_mulu2:
    case IR_OP_muls2:
        ir_gen_mul2(f, c->opc, t, out[0], out[1], in[0], in[1]);
        break;
    case IR_OP_setcond:
        ir_gen_setcond(f, t, (IRCond)c->k[0], out[0], in[0], in[1]);
        break;
    case IR_OP_movcond:
        ir_gen_movcond(f, t, (IRCond)c->k[0], out[0], in[0], in[1], in[2], in[3]);
        break;
    case IR_OP_deposit:
        ir_gen_deposit(f, t, out[0], in[0], in[1], (unsigned)c->k[0], (unsigned)c->k[1]);
        break;
    case IR_OP_extract:
    case IR_OP_sextract:
        ir_gen_extract(f, c->opc, t, out[0], in[0], (unsigned)c->k[0], (unsigned)c->k[1]);
        break;
    case IR_OP_brcond: {
        /* out = cond ? 1 : 0, through both edges of a branch */
        uint32_t taken = ir_new_label(f), join = ir_new_label(f);
        ir_gen_brcond(f, t, (IRCond)c->k[0], in[0], in[1], taken);
        ir_gen_movi(f, t, out[0], 0);
        ir_gen_br(f, join);
        ir_gen_set_label(f, taken);
        ir_gen_movi(f, t, out[0], 1);
        ir_gen_set_label(f, join);
        break;
    }
    default:
        if (case_nb_in(c->opc) == 1)
            ir_gen_op1(f, c->opc, t, out[0], in[0]);
        else
            ir_gen_op2(f, c->opc, t, out[0], in[0], in[1]);
        break;
    }
}

static void case_name(const Case *c, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s_i%u", ir_op_defs[c->opc].name, ir_type_bits(c->type));
    if (c->opc == IR_OP_setcond || c->opc == IR_OP_movcond || c->opc == IR_OP_brcond)
        snprintf(buf + n, len - (size_t)n, " %s", ir_cond_name((IRCond)c->k[0]));
    else if (c->opc == IR_OP_deposit || c->opc == IR_OP_extract || c->opc == IR_OP_sextract)
        snprintf(buf + n, len - (size_t)n, " pos=%u len=%u", (unsigned)c->k[0],
                 (unsigned)c->k[1]);
}

static void reference(const Case *c, const uint64_t *in, uint64_t *out)
{
    out[1] = 0;
    if (c->type == IR_I32)
        ref32(c, in, out);
    else
        ref64(c, in, out);
}

/* The inputs of run number (i, j): the first two walk the edge table,
 * the movcond values are picked from it too. */
static void case_inputs(const Case *c, size_t i, size_t j, uint64_t *in)
{
    uint64_t m = ir_type_mask(in_type(c));
    in[0] = edge_vals[i] & m;
    in[1] = edge_vals[j] & m;
    in[2] = edge_vals[(i + 7) % NB_EDGE] & m;
    in[3] = edge_vals[(j + 11) % NB_EDGE] & m;
}

static unsigned nb_checked;

static void report(const JitBackend *be, const Case *c, const char *mode, const uint64_t *in,
                   unsigned nin, unsigned outi, uint64_t got, uint64_t want, IRFunc *f)
{
    char name[64];
    case_name(c, name, sizeof(name));
    fprintf(stderr, "%s: %s (%s) inputs", be->name, name, mode);
    for (unsigned k = 0; k < nin; k++)
        fprintf(stderr, " 0x%llx", (unsigned long long)in[k]);
    fprintf(stderr, ": out%u = 0x%llx, expected 0x%llx\n", outi,
            (unsigned long long)got, (unsigned long long)want);
    if (f)
        ir_dump(f, stderr);
    fail();
}

/* Inputs from globals, outputs to globals: one compiled block, run for
 * every input pair. */
static void run_reg_mode(IRHarness *h, const Case *c, size_t nj)
{
    IRFunc f;
    IRType it = in_type(c), ot = out_type(c);
    unsigned nin = case_nb_in(c->opc), nout = case_nb_out(c->opc);
    IRTemp in[4], out[2];
    /* i64 globals g0..g7, i32 globals g8..g15 */
    unsigned ibase = it == IR_I64 ? 0 : 8, obase = ot == IR_I64 ? 4 : 12;

    ir_func_init(&f, 64, 64);
    irh_begin(&f, IR_I32);
    for (unsigned k = 0; k < nin; k++)
        in[k] = IRH_G(ibase + k);
    for (unsigned k = 0; k < nout; k++)
        out[k] = IRH_G(obase + k);
    ir_gen_insn_start(&f, 0x1000, 0, 0);
    emit_case(&f, c, out, in);
    if (ot == IR_I32)
        ir_gen_op1(&f, IR_OP_ext32u, IR_I64, IRH_G(7), out[0]);
    ir_gen_exit_tb(&f);

    IRFunc dump;
    irh_func_copy(&dump, &f);
    if (irh_compile(h, &f, 0, 0) != 0)
        fail_msg("%s: %s", h->backend->name, h->err);

    for (size_t i = 0; i < NB_EDGE; i++) {
        for (size_t j = 0; j < nj; j++) {
            uint64_t v[4], want[2];
            case_inputs(c, i, j, v);
            reference(c, v, want);
            for (unsigned k = 0; k < IRH_NB_GLOBALS; k++)
                h->cpu->g[k] = 0x5a5a5a5a5a5a5a5aull;
            for (unsigned k = 0; k < nin; k++)
                h->cpu->g[ibase + k] = (h->cpu->g[ibase + k] & ~ir_type_mask(it)) | v[k];
            uintptr_t e = irh_exec(h, 0);
            assert_int_equal(e, 0);
            for (unsigned k = 0; k < nout; k++) {
                uint64_t got = h->cpu->g[obase + k];
                uint64_t expect = want[k];
                if (ot == IR_I32)
                    expect |= 0x5a5a5a5a00000000ull;   /* upper half untouched */
                if (got != expect)
                    report(h->backend, c, "reg", v, nin, k, got, expect, &dump);
            }
            if (ot == IR_I32 && h->cpu->g[7] != want[0])
                report(h->backend, c, "reg, widened", v, nin, 0, h->cpu->g[7], want[0], &dump);
            /* inputs are not modified */
            for (unsigned k = 0; k < nin; k++) {
                if ((h->cpu->g[ibase + k] & ir_type_mask(it)) != v[k])
                    report(h->backend, c, "reg, input clobbered", v, nin, k,
                           h->cpu->g[ibase + k], v[k], &dump);
            }
            nb_checked++;
        }
    }
    ir_func_destroy(&f);
    ir_func_destroy(&dump);
}

/* Inputs as constants: one block per first input, every second input
 * in it, results stored to guest memory (widened to 64 bits). */
static void run_const_mode(IRHarness *h, const Case *c, size_t nj, bool fold)
{
    IRType it = in_type(c), ot = out_type(c);
    unsigned nin = case_nb_in(c->opc), nout = case_nb_out(c->opc);

    for (size_t i = 0; i < NB_EDGE; i++) {
        IRFunc f, dump;
        ir_func_init(&f, 640, 512);
        irh_begin(&f, IR_I32);
        ir_gen_insn_start(&f, 0x1000, 0, 0);
        for (size_t j = 0; j < nj; j++) {
            uint64_t v[4];
            IRTemp in[4], out[2];
            case_inputs(c, i, j, v);
            for (unsigned k = 0; k < nin; k++) {
                in[k] = ir_new_temp(&f, it);
                ir_gen_movi(&f, it, in[k], v[k]);
            }
            for (unsigned k = 0; k < nout; k++)
                out[k] = ir_new_temp(&f, ot);
            emit_case(&f, c, out, in);
            for (unsigned k = 0; k < nout; k++) {
                IRTemp w = out[k], addr = ir_new_temp(&f, IR_I32);
                if (ot == IR_I32) {
                    w = ir_new_temp(&f, IR_I64);
                    ir_gen_op1(&f, IR_OP_ext32u, IR_I64, w, out[k]);
                }
                ir_gen_movi(&f, IR_I32, addr, (uint32_t)(16 * j + 8 * k));
                ir_gen_guest_st(&f, IR_I64, w, addr, IR_MO_64);
            }
        }
        ir_gen_exit_tb(&f);
        irh_func_copy(&dump, &f);
        irh_reset_state(h);
        uintptr_t e;
        if (irh_run(h, &f, fold ? IRH_FOLD : 0, &e) != 0)
            fail_msg("%s: %s", h->backend->name, h->err);
        assert_int_equal(e, 0);
        for (size_t j = 0; j < nj; j++) {
            uint64_t v[4], want[2];
            case_inputs(c, i, j, v);
            reference(c, v, want);
            for (unsigned k = 0; k < nout; k++) {
                uint64_t got;
                memcpy(&got, h->mem + 16 * j + 8 * k, 8);
                if (got != want[k])
                    report(h->backend, c, fold ? "fold" : "const", v, nin, k, got, want[k],
                           fold ? &f : &dump);
            }
            nb_checked++;
        }
        ir_func_destroy(&f);
        ir_func_destroy(&dump);
    }
}

/* One harness per backend for all the arithmetic cases. */
static IRHarness shared[NB_BACKENDS];

static int setup_shared(void **state)
{
    (void)state;
    for (size_t b = 0; b < NB_BACKENDS; b++) {
        if (irh_init(&shared[b], backends[b]) != 0)
            return -1;
    }
    return 0;
}

static int teardown_shared(void **state)
{
    (void)state;
    for (size_t b = 0; b < NB_BACKENDS; b++)
        irh_destroy(&shared[b]);
    printf("checked %u op results\n", nb_checked);
    return 0;
}

static void run_case(const Case *c)
{
    size_t nj = case_nb_in(c->opc) >= 2 ? NB_EDGE : 1;
    for (size_t b = 0; b < NB_BACKENDS; b++) {
        run_reg_mode(&shared[b], c, nj);
        run_const_mode(&shared[b], c, nj, false);
        run_const_mode(&shared[b], c, nj, true);
    }
}

static void run_op_both_types(IROpcode opc)
{
    for (int t = IR_I32; t <= IR_I64; t++) {
        unsigned flags = ir_op_defs[opc].flags;
        if ((flags & IR_OPF_I64_ONLY) && t != IR_I64)
            continue;
        if ((flags & IR_OPF_I32_ONLY) && t != IR_I32)
            continue;
        Case c = { .opc = opc, .type = (IRType)t };
        run_case(&c);
    }
}

static void test_arith(void **state)
{
    (void)state;
    static const IROpcode ops[] = {
        IR_OP_mov, IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_neg, IR_OP_mulu2, IR_OP_muls2,
        IR_OP_divu, IR_OP_divs, IR_OP_remu, IR_OP_rems,
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        run_op_both_types(ops[i]);
}

static void test_logic_shift(void **state)
{
    (void)state;
    static const IROpcode ops[] = {
        IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_not,
        IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr,
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        run_op_both_types(ops[i]);
}

static void test_ext_bits(void **state)
{
    (void)state;
    static const IROpcode ops[] = {
        IR_OP_ext8s, IR_OP_ext8u, IR_OP_ext16s, IR_OP_ext16u, IR_OP_ext32s, IR_OP_ext32u,
        IR_OP_extrl, IR_OP_extrh, IR_OP_bswap16, IR_OP_bswap32, IR_OP_bswap64,
        IR_OP_clz, IR_OP_ctz, IR_OP_popcnt,
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        run_op_both_types(ops[i]);
}

static void test_conditions(void **state)
{
    (void)state;
    static const IROpcode ops[] = { IR_OP_setcond, IR_OP_movcond, IR_OP_brcond };
    for (size_t i = 0; i < 3; i++) {
        for (int t = IR_I32; t <= IR_I64; t++) {
            for (int cond = 0; cond < IR_COND_COUNT; cond++) {
                Case c = { .opc = ops[i], .type = (IRType)t, .k = { (uint64_t)cond, 0 } };
                run_case(&c);
            }
        }
    }
}

static void test_bitfields(void **state)
{
    (void)state;
    static const unsigned fields[][2] = {
        { 0, 1 }, { 0, 8 }, { 0, 16 }, { 8, 8 }, { 3, 5 }, { 16, 16 }, { 31, 1 },
        { 0, 32 }, { 1, 31 }, { 0, 31 }, { 12, 20 }, { 32, 32 }, { 63, 1 }, { 0, 64 },
        { 1, 63 }, { 20, 40 }, { 0, 63 }, { 40, 8 },
    };
    static const IROpcode ops[] = { IR_OP_deposit, IR_OP_extract, IR_OP_sextract };
    for (size_t i = 0; i < 3; i++) {
        for (int t = IR_I32; t <= IR_I64; t++) {
            for (size_t fi = 0; fi < sizeof(fields) / sizeof(fields[0]); fi++) {
                if (fields[fi][0] + fields[fi][1] > ir_type_bits((IRType)t))
                    continue;
                Case c = { .opc = ops[i], .type = (IRType)t,
                           .k = { fields[fi][0], fields[fi][1] } };
                run_case(&c);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arith),
        cmocka_unit_test(test_logic_shift),
        cmocka_unit_test(test_ext_bits),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_bitfields),
    };
    return cmocka_run_group_tests(tests, setup_shared, teardown_shared);
}
