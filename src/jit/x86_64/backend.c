/*
 * The x86-64 backend: IR blocks to host code (the JitBackend table).
 *
 * What it must guarantee
 *   Every IR program means exactly what it means to the IR interpreter
 *   (docs/ir.md); no IR op traps on the host; a block that raises or
 *   exits leaves every guest global in the CPU state; and the position of
 *   any host instruction maps back to the guest instruction it belongs to
 *   (insn_end[]), so a fault inside the block restores precise state.
 *
 * W^X
 *   The code buffer is one memfd mapped twice (jit/codebuf.h).  A block
 *   is generated into a private scratch buffer, then claimed and copied
 *   through the writable view; the executable view is never written.
 *   Chaining patches one aligned rel32 through the writable view with a
 *   single atomic store, which x86 makes visible to instruction fetch.
 *
 * Layout of the buffer
 *   [X64Stubs][entry stub][exit stub] ... [&entry][block code] ...
 *   The stubs are emitted once by init, in the prefix a flush keeps;
 *   cb->backend_state points at the X64Stubs record (read-only after
 *   init, so nothing needs freeing).  Each block is preceded by the entry
 *   stub's address, which is how run() finds the stub from the block.
 *
 * Register conventions (SysV AMD64 underneath)
 *   r14  env, the CPUState (IR_TEMP_ENV), for the whole run
 *   r15  cpu->guest_base: guest address A is at [r15 + A]
 *   rsp  16-byte aligned inside blocks; [rsp + 8 * i] is spill slot i
 *   r11  scratch for one op's internal use, never allocated
 *   the other twelve are allocated; rax/rdx/rcx also serve mul/div and
 *   shift counts, rdi..r9 helper arguments, rax results and exit values.
 *   The entry stub saves the callee-saved registers and reserves the
 *   frame; the exit stub undoes it and returns rax.  A helper that raises
 *   leaves by siglongjmp, which restores the cpu loop's own registers,
 *   so nothing in generated code needs unwinding.
 *
 * Block shape
 *   entry:  cmp word [r14+2], 0; jne budget_exit;
 *           sub word [r14], icount; jb budget_undo  (16-bit: see gen_block)
 *   body:   the ops, in order
 *   then, out of line: budget_undo: add word [r14], icount;
 *           budget_exit: mov rax, tb | TB_EXIT_REQUESTED; jmp exit
 *   goto_tb n: a jmp rel32 (field 4-aligned) to the next instruction,
 *   which is mov rax, tb | n; jmp exit.  set_jump retargets the rel32 at
 *   another block's entry (whose budget check then runs) or back.
 *
 * Allocation
 *   One linear pass, TCG-style (regalloc.c): values live in registers,
 *   in memory homes (env fields for globals, frame slots for temps) or as
 *   known constants, and are stored only when they must be: globals
 *   before anything that may read env or raise and at block ends, temps
 *   at basic-block ends and when spilled.  A register is released at the
 *   op where the liveness pass marks its temp dead.  docs/jit-backend.md
 *   has the details and the reasons.
 */
#include <cpuid.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jit/backend.h"
#include "util/disas.h"
#include "jit/x86_64/codegen.h"

/* Bound on one block's host code; a larger block is retried shorter. */
#define X64_MAX_BLOCK_CODE (256 * 1024)
/* Spill slots plus 8 bytes that, with the return address and the six
 * saved registers, keep rsp 16-byte aligned in generated code. */
#define X64_FRAME_SIZE (X64_FRAME_SLOTS * 8 + 8)
#define X64_STUBS_MAGIC 0x3436786363696d6dull   /* "mmiccx64" */
#define X64_BLOCK_PREFIX 8

typedef struct X64Stubs {
    uint64_t magic;
    uintptr_t enter;   /* uintptr_t enter(CPUState *env, const void *code) */
    uintptr_t exit;    /* jumped to with the return value in rax */
} X64Stubs;

typedef uintptr_t (*X64EnterFn)(CPUState *env, const void *code);

int x64_popcnt_policy = X64_POPCNT_AUTO;

static bool use_popcnt(void)
{
    /* CPUID traps to the hypervisor in a VM: ask once.  Racing first
     * callers compute the same answer. */
    static int host_has = -1;
    int has = __atomic_load_n(&host_has, __ATOMIC_RELAXED);

    if (x64_popcnt_policy != X64_POPCNT_AUTO)
        return x64_popcnt_policy == X64_POPCNT_ON;
    if (has < 0) {
        unsigned a, b, c, d;
        has = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_POPCNT);
        __atomic_store_n(&host_has, has, __ATOMIC_RELAXED);
    }
    return has;
}

static const X64Stubs *stubs_of(const CodeBuf *cb)
{
    const X64Stubs *st = cb->backend_state;
    if (!st || (const uint8_t *)st < cb->rx ||
        (const uint8_t *)(st + 1) > cb->rx + cb->reserved || st->magic != X64_STUBS_MAGIC)
        return NULL;
    return st;
}

static void x64_init(CodeBuf *cb)
{
    uint8_t code[128];
    X64Buf b;
    const size_t hdr = (sizeof(X64Stubs) + 15) & ~(size_t)15;

    /* After a flush the stubs are still there, in the reserved prefix. */
    if (stubs_of(cb))
        return;

    x64_buf_init(&b, code, sizeof(code));
    static const X64Reg saved[] = { X64_RBP, X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15 };
    for (unsigned i = 0; i < 6; i++)
        x64_emit_push(&b, saved[i]);
    x64_emit_alu_ri(&b, X64_SUB, true, X64_RSP, X64_FRAME_SIZE);
    x64_emit_mov_rr(&b, true, X64_REG_ENV, X64_RDI);
    x64_emit_load(&b, X64_S64, false, true, X64_REG_GUEST_BASE,
                  x64_mem(X64_RDI, (int32_t)offsetof(CPUState, guest_base)));
    x64_emit_jmp_r(&b, X64_RSI);

    size_t exit_off = b.len;
    x64_emit_alu_ri(&b, X64_ADD, true, X64_RSP, X64_FRAME_SIZE);
    for (unsigned i = 6; i-- > 0;)
        x64_emit_pop(&b, saved[i]);
    x64_emit_ret(&b);

    uint8_t *p = codebuf_claim(cb, hdr + b.len, 16);
    if (!p || b.overflow)
        return;   /* compile reports JIT_ERR_BUFFER_FULL without stubs */
    X64Stubs st = {
        .magic = X64_STUBS_MAGIC,
        .enter = (uintptr_t)(p + hdr),
        .exit = (uintptr_t)(p + hdr + exit_off),
    };
    memcpy(codebuf_rw_addr(cb, p + hdr), code, b.len);
    memcpy(codebuf_rw_addr(cb, p), &st, sizeof(st));
    cb->backend_state = p;
    cb->reserved = cb->used;
}

static void free_gen(X64Gen *g)
{
    free(g->buf.code);
    free(g->temps);
    free(g->label_pos);
    free(g->label_used);
    free(g->label_refs);
    free(g->relocs);
}

static int alloc_gen(X64Gen *g, const IRFunc *f)
{
    uint8_t *code = malloc(X64_MAX_BLOCK_CODE);
    x64_buf_init(&g->buf, code, code ? X64_MAX_BLOCK_CODE : 0);
    g->temps = calloc(f->nb_temps ? f->nb_temps : 1, sizeof(*g->temps));
    g->label_pos = malloc(sizeof(*g->label_pos) * (f->nb_labels ? f->nb_labels : 1));
    g->label_used = calloc(f->nb_labels ? f->nb_labels : 1, sizeof(*g->label_used));
    g->max_label_refs = f->nb_ops;
    g->label_refs = malloc(sizeof(*g->label_refs) * (g->max_label_refs + 1));
    g->max_relocs = f->nb_ops + 2;
    g->relocs = malloc(sizeof(*g->relocs) * g->max_relocs);
    if (!code || !g->temps || !g->label_pos || !g->label_used || !g->label_refs || !g->relocs)
        return JIT_ERR_TOO_BIG;
    for (uint32_t l = 0; l < f->nb_labels; l++)
        g->label_pos[l] = -1;
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        uint64_t l = op->opc == IR_OP_br ? ir_op_const(op, 0)
                   : op->opc == IR_OP_brcond ? ir_op_const(op, 1) : UINT64_MAX;
        if (l < f->nb_labels)
            g->label_used[l] = true;
    }
    return JIT_OK;
}

/* Emits the whole block into g->buf; returns JIT_OK or an error. */
static int gen_block(X64Gen *g)
{
    X64Buf *b = &g->buf;
    const IRFunc *f = g->f;

    x64_ra_begin(g);
    /* The budget check (cpu.h).  A set high half (an exit request) or a
     * low half smaller than the block leaves before the block runs.  The
     * count is a 16-bit read-modify-write, the same width as the previous
     * block's, so the store forwards to the load: a 32-bit load of the
     * word after a 16-bit store stalls on every chained entry.  Only the
     * low half is ever written, so a concurrent request is never lost. */
    const X64Mem budget_high = x64_mem(X64_REG_ENV, CPU_BUDGET_OFFSET + 2);
    const X64Mem budget_low = x64_mem(X64_REG_ENV, CPU_BUDGET_LOW_OFFSET);
    const int32_t icount = g->tb->icount;
    x64_emit_alu_mi16(b, X64_CMP, budget_high, 0);
    size_t to_budget_exit = x64_emit_jcc32(b, X64_CC_NE);
    x64_emit_alu_mi16(b, X64_SUB, budget_low, icount);
    size_t to_budget_undo = x64_emit_jcc32(b, X64_CC_B);

    for (uint32_t i = 0; i < f->nb_ops && !g->error; i++)
        x64_gen_op(g, &f->ops[i]);
    if (g->insn_count > 0 && g->insn_count <= f->nb_insns)
        g->insn_end[g->insn_count - 1] = (uint32_t)b->len;

    /* Out of line: the block is not run, so nothing to sync; a count
     * that borrowed is given back first. */
    x64_patch_rel32(b, to_budget_undo, b->len);
    x64_emit_alu_mi16(b, X64_ADD, budget_low, icount);
    x64_patch_rel32(b, to_budget_exit, b->len);
    x64_emit_mov_ri(b, X64_RAX, (uintptr_t)g->tb | TB_EXIT_REQUESTED);
    x64_gen_reloc(g, x64_emit_jmp32(b), g->exit_stub);

    for (uint32_t i = 0; i < g->nb_label_refs; i++) {
        int64_t pos = g->label_pos[g->label_refs[i].label];
        if (pos < 0)
            return JIT_ERR_TOO_BIG;   /* ir_validate rejects such blocks */
        x64_patch_rel32(b, g->label_refs[i].field, (size_t)pos);
    }
    if (b->overflow)
        return JIT_ERR_TOO_BIG;
    return g->error;
}

static int x64_compile(CodeBuf *cb, IRFunc *f, TranslationBlock *tb, uint32_t *insn_end)
{
    const X64Stubs *st = stubs_of(cb);
    X64Gen g;
    int ret;

    if (!st)
        return JIT_ERR_BUFFER_FULL;
    memset(&g, 0, sizeof(g));
    g.f = f;
    g.tb = tb;
    g.insn_end = insn_end;
    g.exit_stub = st->exit;
    g.code_lo = (uintptr_t)cb->rx;
    g.code_hi = (uintptr_t)cb->rx + cb->size;
    g.host_popcnt = use_popcnt();
    for (int n = 0; n < 2; n++) {
        tb->jmp_patch_off[n] = UINT32_MAX;
        tb->jmp_reset_off[n] = UINT32_MAX;
    }

    ret = alloc_gen(&g, f);
    if (ret == JIT_OK)
        ret = gen_block(&g);
    if (ret != JIT_OK) {
        free_gen(&g);
        return ret;
    }

    size_t len = g.buf.len;
    uint8_t *p = codebuf_claim(cb, X64_BLOCK_PREFIX + len, 16);
    if (!p) {
        free_gen(&g);
        return JIT_ERR_BUFFER_FULL;
    }
    uint8_t *code = p + X64_BLOCK_PREFIX;
    uint8_t *rw = codebuf_rw_addr(cb, p);
    memcpy(rw, &st->enter, X64_BLOCK_PREFIX);
    memcpy(rw + X64_BLOCK_PREFIX, g.buf.code, len);
    for (uint32_t i = 0; i < g.nb_relocs; i++) {
        const X64Reloc *r = &g.relocs[i];
        /* The buffer is below 2 GiB and helpers are only called with
         * rel32 when they reach from all of it. */
        int32_t rel = (int32_t)(int64_t)(r->target - ((uintptr_t)code + r->field + 4));
        memcpy(rw + X64_BLOCK_PREFIX + r->field, &rel, 4);
    }
    tb->host_code = code;
    tb->host_size = (uint32_t)len;
    free_gen(&g);
    return JIT_OK;
}

static uintptr_t x64_run(CPUState *cpu, TranslationBlock *tb)
{
    uintptr_t enter;
    memcpy(&enter, (const uint8_t *)tb->host_code - X64_BLOCK_PREFIX, sizeof(enter));
    return ((X64EnterFn)enter)(cpu, tb->host_code);
}

static void x64_set_jump(CodeBuf *cb, TranslationBlock *tb, int n, TranslationBlock *dest)
{
    if (n < 0 || n > 1 || tb->jmp_patch_off[n] == UINT32_MAX)
        return;
    uint8_t *field = (uint8_t *)tb->host_code + tb->jmp_patch_off[n];
    uintptr_t target = dest ? (uintptr_t)dest->host_code
                            : (uintptr_t)tb->host_code + tb->jmp_reset_off[n];
    uint32_t rel = (uint32_t)(int32_t)(int64_t)(target - ((uintptr_t)field + 4));
    __atomic_store_n((uint32_t *)codebuf_rw_addr(cb, field), rel, __ATOMIC_RELEASE);
}

static int64_t x64_host_pos(const TranslationBlock *tb, uintptr_t pc)
{
    uintptr_t start = (uintptr_t)tb->host_code;
    if (pc < start || pc - start >= tb->host_size)
        return -1;
    return (int64_t)(pc - start);
}

static void x64_log_code(FILE *out, const TranslationBlock *tb)
{
    disas_dump(out, DISAS_X86_64, tb->host_code, tb->host_size, (uintptr_t)tb->host_code);
}

const JitBackend jit_backend_x86_64 = {
    .name = "x86-64",
    .init = x64_init,
    .compile = x64_compile,
    .run = x64_run,
    .set_jump = x64_set_jump,
    .host_pos = x64_host_pos,
    .log_code = x64_log_code,
};
