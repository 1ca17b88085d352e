/*
 * Differential test: random well-formed IR programs, each run on the IR
 * interpreter and on the x86-64 backend, with and without opt_fold; the
 * final globals, CPU-state words, guest memory and exit value must be
 * identical in all four runs.
 *
 * The generator keeps programs well formed by construction:
 *  - every block temp is written in a prologue, so every read on every
 *    path sees a defined value;
 *  - forward branches go to labels set later; loops are counted (a
 *    dedicated counter temp, 1..4 iterations, nested at most twice) and
 *    nothing branches into a loop from outside, so every program ends;
 *  - guest addresses are masked into the 64 KiB test memory;
 *  - helpers do exactly what their call flags declare.
 * Temps outnumber the host's registers so the allocator has to spill.
 *
 * A mismatch prints the program number, seed, configuration, the state
 * difference and the IR dump, which is enough to replay it alone
 * (IR_RANDOM_ONLY=<index> runs and prints only that one; IR_RANDOM_COUNT=<n>
 * runs n programs instead of 10,000).
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

#define NB_PROGRAMS 10000
#define BASE_SEED 0x6d696d6963495221ull

/* ---- helpers the programs call ---- */

static uint64_t rh_args0(void)
{
    return 0x123456789abcdefull;
}
static uint64_t rh_args1(uint64_t a)
{
    return (a * 0x9e3779b97f4a7c15ull) ^ (a >> 29);
}
static uint64_t rh_args2(uint64_t a, uint64_t b)
{
    return a - (b << 3) + (b >> 7);
}
static uint64_t rh_args3(uint64_t a, uint64_t b, uint64_t c)
{
    return (a ^ b) * 5 + c;
}
static uint64_t rh_args4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return a + 2 * b + 3 * c + 4 * d;
}
static uint64_t rh_args5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
    return (a | b) - (c & d) + (e ^ 0x55);
}
static uint64_t rh_args6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                         uint64_t f)
{
    return a * 7 + b * 11 + c * 13 + d * 17 + e * 19 + f * 23;
}
static void *const rh_pure[7] = {
    (void *)rh_args0, (void *)rh_args1, (void *)rh_args2, (void *)rh_args3,
    (void *)rh_args4, (void *)rh_args5, (void *)rh_args6,
};

/* Reads globals and CPU-state words; writes nothing. */
static uint64_t rh_read_globals(IRHCpu *cpu, uint64_t a)
{
    return (cpu->g[0] + cpu->g[9] * 3 + cpu->g[5]) ^ cpu->scratch[1] ^ a;
}

/* Reads and writes globals: flags 0. */
static void rh_write_globals(IRHCpu *cpu, uint64_t a)
{
    cpu->g[2] ^= a + cpu->g[3];
    cpu->g[12] = (uint32_t)(cpu->g[12] + a);
    cpu->scratch[3] += a;
    cpu->calls++;
}

/* Writes globals without reading any: NO_READ_GLOBALS | NO_RAISE. */
static uint64_t rh_blind_write(IRHCpu *cpu, uint64_t a)
{
    cpu->g[6] = a * 3;
    cpu->g[14] = (uint32_t)(a >> 3);
    cpu->calls++;
    return a + 1;
}

/* ---- the generator ---- */

#define MAX_NORMAL 40
#define MAX_LABELS 64

typedef struct Gen {
    IRFunc *f;
    uint64_t rng;
    IRTemp t32[MAX_NORMAL], t64[MAX_NORMAL];
    unsigned n32, n64;
    IRTemp counters[2];          /* loop counters, never random outputs */
    unsigned loop_depth;
    /* forward labels waiting to be set, and the loop depth they were
     * made at (they may only be set at that depth or shallower) */
    uint32_t pending[MAX_LABELS];
    unsigned pending_depth[MAX_LABELS];
    unsigned nb_pending;
    bool top_level_insns;
} Gen;

static uint64_t rnd(Gen *g)
{
    return irh_rand(&g->rng);
}
static unsigned rnd_below(Gen *g, unsigned n)
{
    return (unsigned)(rnd(g) % n);
}

static const uint64_t interesting[] = {
    0, 1, 2, 7, 8, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x7fffffff,
    0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull,
};

static uint64_t rnd_value(Gen *g)
{
    switch (rnd_below(g, 4)) {
    case 0:
        return interesting[rnd_below(g, sizeof(interesting) / sizeof(interesting[0]))];
    case 1:
        return rnd_below(g, 70);
    case 2:
        return -(uint64_t)rnd_below(g, 70);
    default:
        return rnd(g);
    }
}

static IRType rnd_type(Gen *g)
{
    return rnd_below(g, 2) ? IR_I64 : IR_I32;
}

/* Any readable temp of type t: a global or a block temp. */
static IRTemp rnd_input(Gen *g, IRType t)
{
    unsigned r = rnd_below(g, 10);
    if (r < 3)
        return IRH_G(t == IR_I64 ? rnd_below(g, IRH_NB_G64)
                                 : IRH_NB_G64 + rnd_below(g, IRH_NB_GLOBALS - IRH_NB_G64));
    if (r == 3 && t == IR_I64 && g->loop_depth)
        return g->counters[rnd_below(g, g->loop_depth)];
    return t == IR_I64 ? g->t64[rnd_below(g, g->n64)] : g->t32[rnd_below(g, g->n32)];
}

static IRTemp rnd_output(Gen *g, IRType t)
{
    if (rnd_below(g, 4) == 0)
        return IRH_G(t == IR_I64 ? rnd_below(g, IRH_NB_G64)
                                 : IRH_NB_G64 + rnd_below(g, IRH_NB_GLOBALS - IRH_NB_G64));
    return t == IR_I64 ? g->t64[rnd_below(g, g->n64)] : g->t32[rnd_below(g, g->n32)];
}

static IRTemp rnd_address(Gen *g)
{
    IRFunc *f = g->f;
    IRType at = f->addr_type;
    IRTemp a = ir_new_temp(f, at);
    /* aligned or not, always inside memory with room for 8 bytes */
    ir_gen_op2i(f, IR_OP_and, at, a, rnd_input(g, at), rnd_below(g, 2) ? 0xfff8 : 0xfff7);
    return a;
}

static unsigned rnd_memop(Gen *g, IRType t, bool guest)
{
    unsigned size = rnd_below(g, t == IR_I64 ? 4 : 3);
    unsigned mo = size | (rnd_below(g, 2) ? IR_MO_SIGN : 0);
    if (guest && rnd_below(g, 3) == 0)
        mo |= IR_MO_BE;
    return mo;
}

static const IROpcode simple_ops[] = {
    IR_OP_mov, IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_neg, IR_OP_divu, IR_OP_divs,
    IR_OP_remu, IR_OP_rems, IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_not,
    IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr, IR_OP_ext8s, IR_OP_ext8u,
    IR_OP_ext16s, IR_OP_ext16u, IR_OP_bswap16, IR_OP_bswap32, IR_OP_clz, IR_OP_ctz,
    IR_OP_popcnt,
};
#define NB_SIMPLE (sizeof(simple_ops) / sizeof(simple_ops[0]))

static void gen_call(Gen *g)
{
    IRFunc *f = g->f;
    IRTemp args[IR_CALL_MAX_ARGS];
    switch (rnd_below(g, 5)) {
    case 0:
    case 1: {
        unsigned n = rnd_below(g, 7);
        for (unsigned i = 0; i < n; i++)
            args[i] = rnd_input(g, rnd_type(g));
        IRType rt = rnd_type(g);
        bool ret = rnd_below(g, 8) != 0;
        /* pure, or just not declared so */
        unsigned flags = rnd_below(g, 2) ? IR_CALL_PURE : (unsigned)rnd_below(g, 16);
        ir_gen_call(f, rh_pure[n], flags, rt, ret ? rnd_output(g, rt) : IR_TEMP_NONE, n, args);
        break;
    }
    case 2: {
        args[0] = IR_TEMP_ENV;
        args[1] = rnd_input(g, rnd_type(g));
        IRType rt = rnd_type(g);
        ir_gen_call(f, (void *)rh_read_globals,
                    IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS | IR_CALL_NO_RAISE,
                    rt, rnd_output(g, rt), 2, args);
        break;
    }
    case 3:
        args[0] = IR_TEMP_ENV;
        args[1] = rnd_input(g, rnd_type(g));
        ir_gen_call(f, (void *)rh_write_globals, 0, IR_I64, IR_TEMP_NONE, 2, args);
        break;
    default: {
        args[0] = IR_TEMP_ENV;
        args[1] = rnd_input(g, IR_I64);
        IRType rt = rnd_type(g);
        ir_gen_call(f, (void *)rh_blind_write, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_RAISE,
                    rt, rnd_output(g, rt), 2, args);
        break;
    }
    }
}

/* One random op that is not control flow. */
static void gen_data_op(Gen *g)
{
    IRFunc *f = g->f;
    IRType t = rnd_type(g);
    unsigned w = ir_type_bits(t);
    unsigned kind = rnd_below(g, 100);

    if (kind < 40) {
        IROpcode opc = simple_ops[rnd_below(g, NB_SIMPLE)];
        if (ir_op_defs[opc].nb_in == 1)
            ir_gen_op1(f, opc, t, rnd_output(g, t), rnd_input(g, t));
        else if (rnd_below(g, 3) == 0)
            ir_gen_op2i(f, opc, t, rnd_output(g, t), rnd_input(g, t), rnd_value(g));
        else
            ir_gen_op2(f, opc, t, rnd_output(g, t), rnd_input(g, t), rnd_input(g, t));
    } else if (kind < 46) {
        ir_gen_movi(f, t, rnd_output(g, t), rnd_value(g));
    } else if (kind < 50) {
        IRTemp lo = rnd_output(g, t), hi;
        do {
            hi = rnd_output(g, t);
        } while (hi == lo);
        ir_gen_mul2(f, rnd_below(g, 2) ? IR_OP_mulu2 : IR_OP_muls2, t, lo, hi,
                    rnd_input(g, t), rnd_input(g, t));
    } else if (kind < 54) {
        switch (rnd_below(g, 5)) {
        case 0:
            ir_gen_op1(f, IR_OP_ext32s, IR_I64, rnd_output(g, IR_I64), rnd_input(g, IR_I32));
            break;
        case 1:
            ir_gen_op1(f, IR_OP_ext32u, IR_I64, rnd_output(g, IR_I64), rnd_input(g, IR_I32));
            break;
        case 2:
            ir_gen_op1(f, IR_OP_extrl, IR_I32, rnd_output(g, IR_I32), rnd_input(g, IR_I64));
            break;
        case 3:
            ir_gen_op1(f, IR_OP_extrh, IR_I32, rnd_output(g, IR_I32), rnd_input(g, IR_I64));
            break;
        default:
            ir_gen_op1(f, IR_OP_bswap64, IR_I64, rnd_output(g, IR_I64), rnd_input(g, IR_I64));
            break;
        }
    } else if (kind < 60) {
        IRCond c = (IRCond)rnd_below(g, IR_COND_COUNT);
        if (rnd_below(g, 2))
            ir_gen_setcond(f, t, c, rnd_output(g, t), rnd_input(g, t), rnd_input(g, t));
        else
            ir_gen_movcond(f, t, c, rnd_output(g, t), rnd_input(g, t), rnd_input(g, t),
                           rnd_input(g, t), rnd_input(g, t));
    } else if (kind < 66) {
        unsigned len = 1 + rnd_below(g, w);
        unsigned pos = rnd_below(g, w - len + 1);
        switch (rnd_below(g, 3)) {
        case 0:
            ir_gen_deposit(f, t, rnd_output(g, t), rnd_input(g, t), rnd_input(g, t), pos, len);
            break;
        case 1:
            ir_gen_extract(f, IR_OP_extract, t, rnd_output(g, t), rnd_input(g, t), pos, len);
            break;
        default:
            ir_gen_extract(f, IR_OP_sextract, t, rnd_output(g, t), rnd_input(g, t), pos, len);
            break;
        }
    } else if (kind < 72) {
        unsigned mo = rnd_memop(g, t, false);
        int32_t off = IRH_SCRATCH_OFFSET(0) +
                      (int32_t)rnd_below(g, 8 * IRH_NB_SCRATCH - (1u << (mo & IR_MO_SIZE)) + 1);
        if (rnd_below(g, 2))
            ir_gen_ld_env(f, t, rnd_output(g, t), off, mo);
        else
            ir_gen_st_env(f, t, rnd_input(g, t), off, mo & IR_MO_SIZE);
    } else if (kind < 84) {
        unsigned mo = rnd_memop(g, t, true);
        IRTemp a = rnd_address(g);
        if (rnd_below(g, 2))
            ir_gen_guest_ld(f, t, rnd_output(g, t), a, mo);
        else
            ir_gen_guest_st(f, t, rnd_input(g, t), a, mo & ~(unsigned)IR_MO_SIGN);
    } else if (kind < 92) {
        gen_call(g);
    } else if (kind < 94) {
        ir_gen_mb(f, rnd_below(g, IR_MB_ALL + 1));
    } else if (kind < 96 && g->top_level_insns && g->loop_depth == 0) {
        ir_gen_insn_start(f, 0x1000 + 4 * f->nb_insns, rnd_below(g, 4), 0);
    } else {
        /* a copy, which the folder propagates */
        ir_gen_mov(f, t, rnd_output(g, t), rnd_input(g, t));
    }
}

static void set_some_pending(Gen *g, bool all)
{
    for (unsigned i = 0; i < g->nb_pending;) {
        if (g->pending_depth[i] >= g->loop_depth && (all || rnd_below(g, 3) == 0)) {
            ir_gen_set_label(g->f, g->pending[i]);
            g->pending[i] = g->pending[--g->nb_pending];
            g->pending_depth[i] = g->pending_depth[g->nb_pending];
        } else {
            i++;
        }
    }
}

static void gen_body(Gen *g, unsigned nops);

static void gen_loop(Gen *g)
{
    IRFunc *f = g->f;
    IRTemp cnt = g->counters[g->loop_depth];
    uint32_t top = ir_new_label(f);
    unsigned pending_before = g->nb_pending;

    ir_gen_movi(f, IR_I64, cnt, 1 + rnd_below(g, 4));
    ir_gen_set_label(f, top);
    g->loop_depth++;
    gen_body(g, 3 + rnd_below(g, 10));
    /* labels made inside the loop are set before its back edge */
    for (unsigned i = pending_before; i < g->nb_pending;) {
        if (g->pending_depth[i] == g->loop_depth) {
            ir_gen_set_label(f, g->pending[i]);
            g->pending[i] = g->pending[--g->nb_pending];
            g->pending_depth[i] = g->pending_depth[g->nb_pending];
        } else {
            i++;
        }
    }
    g->loop_depth--;
    ir_gen_op2i(f, IR_OP_sub, IR_I64, cnt, cnt, 1);
    IRTemp zero = ir_new_temp(f, IR_I64);
    ir_gen_movi(f, IR_I64, zero, 0);
    ir_gen_brcond(f, IR_I64, IR_COND_NE, cnt, zero, top);
}

static void gen_body(Gen *g, unsigned nops)
{
    IRFunc *f = g->f;
    for (unsigned i = 0; i < nops; i++) {
        unsigned r = rnd_below(g, 100);
        if (r < 8 && g->nb_pending < MAX_LABELS) {
            uint32_t l = ir_new_label(f);
            IRType t = rnd_type(g);
            if (rnd_below(g, 6) == 0)
                ir_gen_br(f, l);
            else
                ir_gen_brcond(f, t, (IRCond)rnd_below(g, IR_COND_COUNT), rnd_input(g, t),
                              rnd_input(g, t), l);
            g->pending[g->nb_pending] = l;
            g->pending_depth[g->nb_pending++] = g->loop_depth;
        } else if (r < 14) {
            set_some_pending(g, false);
        } else if (r < 16 && g->loop_depth < 2) {
            gen_loop(g);
        } else {
            gen_data_op(g);
        }
    }
}

/* Builds program number idx into f. */
static void gen_program(IRFunc *f, uint64_t seed)
{
    Gen g = { .f = f, .rng = seed };
    IRType at = rnd_below(&g, 2) ? IR_I64 : IR_I32;

    irh_begin(f, at);
    ir_gen_insn_start(f, 0x1000, 0, 0);
    g.n32 = 4 + rnd_below(&g, MAX_NORMAL - 4);
    g.n64 = 4 + rnd_below(&g, MAX_NORMAL - 4);
    g.top_level_insns = true;
    for (unsigned i = 0; i < g.n32; i++) {
        g.t32[i] = ir_new_temp(f, IR_I32);
        if (rnd_below(&g, 2))
            ir_gen_movi(f, IR_I32, g.t32[i], rnd_value(&g));
        else
            ir_gen_op2i(f, IR_OP_xor, IR_I32, g.t32[i],
                        IRH_G(IRH_NB_G64 + rnd_below(&g, 8)), rnd_value(&g));
    }
    for (unsigned i = 0; i < g.n64; i++) {
        g.t64[i] = ir_new_temp(f, IR_I64);
        if (rnd_below(&g, 2))
            ir_gen_movi(f, IR_I64, g.t64[i], rnd_value(&g));
        else
            ir_gen_op2i(f, IR_OP_add, IR_I64, g.t64[i], IRH_G(rnd_below(&g, 8)),
                        rnd_value(&g));
    }
    g.counters[0] = ir_new_temp(f, IR_I64);
    g.counters[1] = ir_new_temp(f, IR_I64);

    gen_body(&g, 10 + rnd_below(&g, 60));
    set_some_pending(&g, true);

    /* a second exit, reached by a branch, half of the time */
    if (rnd_below(&g, 2)) {
        uint32_t alt = ir_new_label(f);
        IRType t = rnd_type(&g);
        ir_gen_brcond(f, t, (IRCond)rnd_below(&g, IR_COND_COUNT), rnd_input(&g, t),
                      rnd_input(&g, t), alt);
        gen_body(&g, rnd_below(&g, 8));
        set_some_pending(&g, true);
        ir_gen_exit_tb(f);
        ir_gen_set_label(f, alt);
        gen_body(&g, rnd_below(&g, 8));
        set_some_pending(&g, true);
        ir_gen_goto_tb(f, 1);
    } else {
        ir_gen_exit_tb(f);
    }
}

/* ---- running ---- */

static const JitBackend *const backends[] = { &jit_backend_interp, &jit_backend_x86_64 };
#define NB_BACKENDS (sizeof(backends) / sizeof(backends[0]))
#define NB_CONFIGS (2 * NB_BACKENDS)

typedef struct Outcome {
    uintptr_t exit;            /* 0, or slot | 0x100 (this block) */
    uint64_t g[IRH_NB_GLOBALS];
    uint64_t scratch[IRH_NB_SCRATCH];
    uint64_t calls;
} Outcome;

static void init_state(IRHarness *h, uint64_t seed)
{
    uint64_t s = seed ^ 0xa0761f2d5b3c9e47ull;
    for (unsigned i = 0; i < IRH_NB_GLOBALS; i++)
        h->cpu->g[i] = irh_rand(&s);
    /* i32 globals hold 32-bit values; the upper halves must survive */
    for (unsigned i = IRH_NB_G64; i < IRH_NB_GLOBALS; i++)
        h->cpu->g[i] = (h->cpu->g[i] & 0xffffffffull) | 0xc0de000000000000ull;
    for (unsigned i = 0; i < IRH_NB_SCRATCH; i++)
        h->cpu->scratch[i] = irh_rand(&s);
    h->cpu->calls = 0;
    for (unsigned i = 0; i < IRH_MEM_SIZE; i += 8) {
        uint64_t v = irh_rand(&s);
        memcpy(h->mem + i, &v, 8);
    }
}

static int run_config(IRHarness *h, const IRFunc *prog, bool fold, uint64_t seed,
                      Outcome *o, IRFunc *work)
{
    /* same capacities every time: reuse the buffers */
    IROp *ops = work->ops;
    IRTempInfo *temps = work->temps;
    *work = *prog;
    work->ops = ops;
    work->temps = temps;
    memcpy(ops, prog->ops, prog->nb_ops * sizeof(IROp));
    memcpy(temps, prog->temps, prog->nb_temps * sizeof(IRTempInfo));
    init_state(h, seed);
    uintptr_t e;
    if (irh_run(h, work, fold ? IRH_FOLD : 0, &e) != 0)
        return -1;
    o->exit = e ? (e & TB_EXIT_MASK) | ((e & ~(uintptr_t)TB_EXIT_MASK) ==
                                        (uintptr_t)&h->tb[0] ? 0x100 : 0x200) : 0;
    memcpy(o->g, h->cpu->g, sizeof(o->g));
    memcpy(o->scratch, h->cpu->scratch, sizeof(o->scratch));
    o->calls = h->cpu->calls;
    return 0;
}

static void print_diff(const Outcome *a, const Outcome *b, const uint8_t *ma, const uint8_t *mb)
{
    if (a->exit != b->exit)
        fprintf(stderr, "  exit: 0x%lx vs 0x%lx\n", (unsigned long)a->exit,
                (unsigned long)b->exit);
    for (unsigned i = 0; i < IRH_NB_GLOBALS; i++) {
        if (a->g[i] != b->g[i])
            fprintf(stderr, "  g%u: 0x%016llx vs 0x%016llx\n", i,
                    (unsigned long long)a->g[i], (unsigned long long)b->g[i]);
    }
    for (unsigned i = 0; i < IRH_NB_SCRATCH; i++) {
        if (a->scratch[i] != b->scratch[i])
            fprintf(stderr, "  scratch%u: 0x%016llx vs 0x%016llx\n", i,
                    (unsigned long long)a->scratch[i], (unsigned long long)b->scratch[i]);
    }
    if (a->calls != b->calls)
        fprintf(stderr, "  calls: %llu vs %llu\n", (unsigned long long)a->calls,
                (unsigned long long)b->calls);
    for (unsigned i = 0, shown = 0; i < IRH_MEM_SIZE && shown < 8; i++) {
        if (ma[i] != mb[i]) {
            fprintf(stderr, "  mem[0x%04x]: 0x%02x vs 0x%02x\n", i, ma[i], mb[i]);
            shown++;
        }
    }
}

static void test_random_programs(void **state)
{
    (void)state;
    IRHarness h[NB_BACKENDS];
    uint8_t *mem_ref = malloc(IRH_MEM_SIZE);
    IRFunc prog, work;
    unsigned first = 0, count = NB_PROGRAMS;
    const char *only = getenv("IR_RANDOM_ONLY");

    const char *many = getenv("IR_RANDOM_COUNT");

    if (only) {
        first = (unsigned)strtoul(only, NULL, 0);
        count = 1;
    } else if (many) {
        count = (unsigned)strtoul(many, NULL, 0);   /* longer local runs */
    }
    assert_non_null(mem_ref);
    for (size_t b = 0; b < NB_BACKENDS; b++)
        assert_int_equal(irh_init(&h[b], backends[b]), 0);
    ir_func_init(&prog, 2048, 1024);
    ir_func_init(&work, 2048, 1024);

    unsigned total_ops = 0;
    for (unsigned idx = first; idx < first + count; idx++) {
        uint64_t seed = BASE_SEED + idx * 0x9e3779b97f4a7c15ull;
        char err[256];
        gen_program(&prog, seed);
        if (!ir_validate(&prog, err, sizeof(err))) {
            ir_dump(&prog, stderr);
            fail_msg("program %u (seed 0x%llx) is not valid: %s", idx,
                     (unsigned long long)seed, err);
        }
        total_ops += prog.nb_ops;
        if (only)
            ir_dump(&prog, stdout);

        Outcome ref, o;
        for (unsigned c = 0; c < NB_CONFIGS; c++) {
            IRHarness *hh = &h[c / 2];
            bool fold = c & 1;
            if (run_config(hh, &prog, fold, seed, c ? &o : &ref, &work) != 0) {
                ir_dump(&prog, stderr);
                fail_msg("program %u on %s%s: %s", idx, hh->backend->name,
                         fold ? "+fold" : "", hh->err);
            }
            if (c == 0) {
                memcpy(mem_ref, hh->mem, IRH_MEM_SIZE);
                continue;
            }
            if (memcmp(&ref, &o, sizeof(o)) != 0 || memcmp(mem_ref, hh->mem, IRH_MEM_SIZE)) {
                fprintf(stderr, "program %u (seed 0x%llx): interp vs %s%s differ:\n", idx,
                        (unsigned long long)seed, hh->backend->name, fold ? "+fold" : "");
                print_diff(&ref, &o, mem_ref, hh->mem);
                fprintf(stderr, "program:\n");
                ir_dump(&prog, stderr);
                if (fold) {
                    fprintf(stderr, "after opt_fold and opt_liveness:\n");
                    ir_dump(&work, stderr);
                }
                fail_msg("mismatch in program %u; rerun with IR_RANDOM_ONLY=%u", idx, idx);
            }
        }
    }
    printf("%u programs, %u ops, %zu configurations each: all agree\n", count, total_ops,
           (size_t)NB_CONFIGS);
    ir_func_destroy(&prog);
    ir_func_destroy(&work);
    for (size_t b = 0; b < NB_BACKENDS; b++)
        irh_destroy(&h[b]);
    free(mem_ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
