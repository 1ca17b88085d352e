/*
 * libFuzzer harness for the IR: decodes the input into an IR block,
 * keeps it only if ir_validate accepts it, then runs it on the IR
 * interpreter and on the x86-64 backend, each with and without
 * opt_fold, and aborts if the four runs disagree.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -D_GNU_SOURCE \
 *       fuzz/fuzz-ir.c build/libmimic.a -lpthread -o build/fuzz-ir
 *
 * The input drives a direct decoding (opcode byte, type bit, operand
 * bytes), so most of the op space, including ill-typed operands, reaches
 * ir_validate.  Only what would make a valid block meaningless or unsafe
 * to run is shaped by the decoder rather than left to validation:
 *  - every block temp is written in a prologue (a read of an unwritten
 *    temp is unspecified, and the backends may differ);
 *  - env is never an arithmetic input (the two runs have different
 *    CPU structs), only a helper argument;
 *  - guest addresses are masked into the test memory and env offsets
 *    into the scratch words, helpers come from a fixed table;
 *  - a block with a backward branch is dropped, so every block ends;
 *  - lookup_and_goto, which needs the exec layer, decodes as exit_tb.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cpu.h"
#include "exec/exec.h"
#include "jit/backend.h"
#include "jit/codebuf.h"
#include "jit/ir.h"
#include "jit/opt.h"

#define NB_G 8                 /* g0..g3 i64, g4..g7 i32 */
#define NB_SCRATCH 4
#define MEM_SIZE 4096u
#define MAX_OPS 512

typedef struct FuzzCpu {
    CPUState parent;
    uint64_t g[NB_G];
    uint64_t scratch[NB_SCRATCH];
    uint64_t calls;
} FuzzCpu;

#define GDEF(t, i) { t, (int32_t)(offsetof(FuzzCpu, g) + 8 * (i)), "g" #i }
static const IRGlobalDef fuzz_globals[NB_G] = {
    GDEF(IR_I64, 0), GDEF(IR_I64, 1), GDEF(IR_I64, 2), GDEF(IR_I64, 3),
    GDEF(IR_I32, 4), GDEF(IR_I32, 5), GDEF(IR_I32, 6), GDEF(IR_I32, 7),
};

static uint64_t fz_pure2(uint64_t a, uint64_t b)
{
    return a * 0x9e3779b97f4a7c15ull + (b >> 3);
}
static uint64_t fz_pure6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                         uint64_t f)
{
    return a ^ (b + c) ^ (d * 3) ^ (e << 1) ^ (f >> 1);
}
static uint64_t fz_read_globals(FuzzCpu *cpu, uint64_t a)
{
    return cpu->g[1] + cpu->g[5] + cpu->scratch[0] + a;
}
static void fz_write_globals(FuzzCpu *cpu, uint64_t a)
{
    cpu->g[2] += a;
    cpu->g[6] = (uint32_t)(cpu->g[6] ^ a);
    cpu->calls++;
}

/* ---- input reader ---- */

typedef struct Reader {
    const uint8_t *p;
    size_t left;
} Reader;

static uint8_t rd8(Reader *r)
{
    if (!r->left)
        return 0;
    r->left--;
    return *r->p++;
}

static uint64_t rd64(Reader *r)
{
    uint64_t v = 0;
    unsigned n = rd8(r) & 7;        /* short constants are the common case */
    for (unsigned i = 0; i <= n; i++)
        v |= (uint64_t)rd8(r) << (8 * i);
    if (n == 7 && (v & 1))
        v = ~v;
    return v;
}

typedef struct Dec {
    Reader r;
    IRFunc *f;
    uint32_t nb_defined;    /* temps written by the prologue, and globals */
} Dec;

/* Any temp but env that is written on every path: the decoder's own
 * helper temps are written only where they are made. */
static IRTemp rd_temp(Dec *d)
{
    IRTemp t = rd8(&d->r) % d->nb_defined;
    return t == IR_TEMP_ENV ? 1 : t;
}

static IRTemp masked_addr(Dec *d)
{
    IRFunc *f = d->f;
    IRTemp src = rd_temp(d);
    IRTemp a = ir_new_temp(f, f->addr_type);
    ir_gen_op2i(f, IR_OP_and, f->addr_type, a, src, (MEM_SIZE - 8) | 7);
    return a;
}

static void decode_op(Dec *d, uint32_t *labels_set, uint32_t nb_labels)
{
    IRFunc *f = d->f;
    unsigned opc = rd8(&d->r) % IR_OP_COUNT;
    IRType t = (rd8(&d->r) & 1) ? IR_I64 : IR_I32;
    const IROpDef *def = &ir_op_defs[opc];

    switch (opc) {
    case IR_OP_guest_ld:
    case IR_OP_guest_st: {
        IRTemp a = masked_addr(d);
        unsigned mo = rd8(&d->r) & 15;
        if (opc == IR_OP_guest_ld)
            ir_gen_guest_ld(f, t, rd_temp(d), a, mo);
        else
            ir_gen_guest_st(f, t, rd_temp(d), a, mo);
        return;
    }
    case IR_OP_ld_env:
    case IR_OP_st_env: {
        unsigned mo = rd8(&d->r) & 15;
        int32_t off = (int32_t)offsetof(FuzzCpu, scratch) + (rd8(&d->r) % (8 * NB_SCRATCH - 7));
        if (opc == IR_OP_ld_env)
            ir_gen_ld_env(f, t, rd_temp(d), off, mo);
        else
            ir_gen_st_env(f, t, rd_temp(d), off, mo);
        return;
    }
    case IR_OP_call: {
        IRTemp args[6];
        unsigned kind = rd8(&d->r) % 4, flags = rd8(&d->r) & 15;
        IRTemp ret = (rd8(&d->r) & 3) ? rd_temp(d) : IR_TEMP_NONE;
        switch (kind) {
        case 0:
            args[0] = rd_temp(d);
            args[1] = rd_temp(d);
            ir_gen_call(f, (void *)fz_pure2, flags, t, ret, 2, args);
            break;
        case 1:
            for (int i = 0; i < 6; i++)
                args[i] = rd_temp(d);
            ir_gen_call(f, (void *)fz_pure6, flags, t, ret, 6, args);
            break;
        case 2:
            args[0] = IR_TEMP_ENV;
            args[1] = rd_temp(d);
            ir_gen_call(f, (void *)fz_read_globals,
                        IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_RAISE | (flags & IR_CALL_NO_SIDE_EFFECTS),
                        t, ret, 2, args);
            break;
        default:
            args[0] = IR_TEMP_ENV;
            args[1] = rd_temp(d);
            ir_gen_call(f, (void *)fz_write_globals, 0, t, IR_TEMP_NONE, 2, args);
            break;
        }
        return;
    }
    case IR_OP_set_label: {
        uint32_t l = rd8(&d->r) % nb_labels;
        if (!labels_set[l]) {
            labels_set[l] = 1;
            ir_gen_set_label(f, l);
        }
        return;
    }
    case IR_OP_insn_start:
        ir_gen_insn_start(f, rd64(&d->r), 0, 0);
        return;
    case IR_OP_lookup_and_goto:
        ir_gen_exit_tb(f);
        return;
    default:
        break;
    }

    IROp *op = ir_emit(f, (IROpcode)opc, t);
    unsigned i = 0;
    for (; i < (unsigned)def->nb_out + def->nb_in; i++)
        op->args[i] = rd_temp(d);
    for (unsigned k = 0; k < def->nb_const; k++) {
        uint64_t c = rd64(&d->r);
        /* labels and small fields would rarely be hit by raw values */
        if ((opc == IR_OP_br && k == 0) || (opc == IR_OP_brcond && k == 1))
            c %= nb_labels;
        else if ((opc == IR_OP_deposit || opc == IR_OP_extract || opc == IR_OP_sextract ||
                  opc == IR_OP_setcond || opc == IR_OP_movcond || opc == IR_OP_brcond ||
                  opc == IR_OP_goto_tb || opc == IR_OP_mb) && !(c & 0x100))
            c &= 0x3f;
        op->args[i++] = c;
    }
}

/* ---- running ---- */

typedef struct Run {
    CodeBuf cb;
    FuzzCpu *cpu;
    CPUExec *exec;
    uint8_t *mem;
    TranslationBlock tb;
    uint32_t insn_end[TB_MAX_INSNS];
} Run;

typedef struct Result {
    uintptr_t exit;
    uint64_t g[NB_G], scratch[NB_SCRATCH], calls;
    uint8_t mem[MEM_SIZE];
} Result;

static Run runs[2];
static const JitBackend *fuzz_backends[2];

static void setup(void)
{
    fuzz_backends[0] = &jit_backend_interp;
    fuzz_backends[1] = &jit_backend_x86_64;
    for (int i = 0; i < 2; i++) {
        Run *r = &runs[i];
        if (codebuf_init(&r->cb, 1u << 20, 1u << 20) != 0)
            abort();
        r->cpu = calloc(1, sizeof(*r->cpu));
        r->exec = calloc(1, sizeof(*r->exec));
        r->mem = calloc(1, MEM_SIZE + 64);
        if (!r->cpu || !r->exec || !r->mem)
            abort();
        r->cpu->parent.guest_base = r->mem;
        r->cpu->parent.exec = r->exec;
        if (fuzz_backends[i]->init)
            fuzz_backends[i]->init(&r->cb);
    }
}

static IRFunc *copy_func(const IRFunc *src)
{
    IRFunc *f = malloc(sizeof(*f));
    if (!f)
        abort();
    ir_func_init(f, src->max_ops, src->max_temps);
    IROp *ops = f->ops;
    IRTempInfo *temps = f->temps;
    *f = *src;
    f->ops = ops;
    f->temps = temps;
    memcpy(ops, src->ops, src->nb_ops * sizeof(IROp));
    memcpy(temps, src->temps, (src->max_temps + 1) * sizeof(IRTempInfo));
    return f;
}

static void run_one(int b, const IRFunc *prog, bool fold, const uint8_t *init, Result *res)
{
    Run *r = &runs[b];
    IRFunc *f = copy_func(prog);
    char err[256];

    if (fold)
        opt_fold(f);
    opt_liveness(f);
    if (!ir_validate(f, err, sizeof(err))) {
        fprintf(stderr, "optimized block is invalid: %s\n", err);
        ir_dump(f, stderr);
        abort();
    }
    codebuf_reset(&r->cb);
    memset(&r->tb, 0, sizeof(r->tb));
    r->tb.icount = (uint16_t)f->nb_insns;
    r->tb.cflags = b == 0 ? CF_INTERP : 0;
    if (fuzz_backends[b]->compile(&r->cb, f, &r->tb, r->insn_end) != JIT_OK)
        abort();

    memcpy(r->cpu->g, init, sizeof(r->cpu->g));
    memcpy(r->cpu->scratch, init + sizeof(r->cpu->g), sizeof(r->cpu->scratch));
    r->cpu->calls = 0;
    for (unsigned i = 0; i < MEM_SIZE; i++)
        r->mem[i] = (uint8_t)(i * 13 + 7);
    r->cpu->parent.budget.u32 = 0x7fff;
    uintptr_t e = fuzz_backends[b]->run(&r->cpu->parent, &r->tb);
    res->exit = e ? (e & TB_EXIT_MASK) | ((e & ~(uintptr_t)TB_EXIT_MASK) == (uintptr_t)&r->tb
                                          ? 0x100 : 0x200) : 0;
    memcpy(res->g, r->cpu->g, sizeof(res->g));
    memcpy(res->scratch, r->cpu->scratch, sizeof(res->scratch));
    res->calls = r->cpu->calls;
    memcpy(res->mem, r->mem, MEM_SIZE);
    ir_func_destroy(f);
    free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static IRFunc f;
    static Result ref, other;
    uint8_t init[8 * (NB_G + NB_SCRATCH)];
    uint32_t labels_set[8] = { 0 };

    if (!fuzz_backends[0]) {
        setup();
        ir_func_init(&f, MAX_OPS * 4, 512);
    }
    Dec d = { .r = { data, size }, .f = &f };
    for (size_t i = 0; i < sizeof(init); i++)
        init[i] = rd8(&d.r);
    for (unsigned i = NB_G / 2; i < NB_G; i++)         /* i32 globals hold 32 bits */
        memset(init + 8 * i + 4, 0, 4);

    ir_func_begin(&f, fuzz_globals, NB_G, (rd8(&d.r) & 1) ? IR_I64 : IR_I32);
    uint32_t nb_labels = 1 + rd8(&d.r) % 8;
    for (uint32_t i = 0; i < nb_labels; i++)
        ir_new_label(&f);
    unsigned n32 = 1 + rd8(&d.r) % 24, n64 = 1 + rd8(&d.r) % 24;
    ir_gen_insn_start(&f, 0x1000, 0, 0);
    for (unsigned i = 0; i < n32 + n64; i++) {
        IRType t = i < n32 ? IR_I32 : IR_I64;
        IRTemp tmp = ir_new_temp(&f, t);
        ir_gen_movi(&f, t, tmp, rd64(&d.r) & ir_type_mask(t));
    }
    d.nb_defined = f.nb_temps;
    for (unsigned n = 0; d.r.left && n < MAX_OPS; n++)
        decode_op(&d, labels_set, nb_labels);
    for (uint32_t l = 0; l < nb_labels; l++) {
        if (!labels_set[l])
            ir_gen_set_label(&f, l);
    }
    ir_gen_exit_tb(&f);

    if (f.nb_insns > TB_MAX_INSNS || !ir_validate(&f, NULL, 0))
        return 0;
    /* only forward branches: every block terminates */
    {
        uint32_t seen[8] = { 0 };
        for (uint32_t i = 0; i < f.nb_ops; i++) {
            const IROp *op = &f.ops[i];
            if (op->opc == IR_OP_set_label)
                seen[op->args[0]] = 1;
            else if ((op->opc == IR_OP_br && seen[op->args[0]]) ||
                     (op->opc == IR_OP_brcond && seen[op->args[3]]))
                return 0;
        }
    }

    run_one(0, &f, false, init, &ref);
    for (int c = 1; c < 4; c++) {
        run_one(c / 2, &f, c & 1, init, &other);
        if (memcmp(&ref, &other, sizeof(ref)) != 0) {
            fprintf(stderr, "fuzz-ir: %s%s disagrees with the interpreter\n",
                    fuzz_backends[c / 2]->name, (c & 1) ? "+fold" : "");
            for (int i = 0; i < NB_G; i++) {
                if (ref.g[i] != other.g[i])
                    fprintf(stderr, "  g%d: 0x%llx vs 0x%llx\n", i,
                            (unsigned long long)ref.g[i], (unsigned long long)other.g[i]);
            }
            ir_dump(&f, stderr);
            abort();
        }
    }
    return 0;
}
