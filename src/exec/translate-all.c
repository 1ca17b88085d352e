/*
 * tb_gen_code: guest code -> IR -> optimizer -> backend -> published block.
 *
 * Everything happens under ctx->lock, which also protects the shared IR
 * buffer, the DisasContext and insn_end[] (one translation at a time per
 * context).  Resource exhaustion is handled here and nowhere else:
 *   - block pool, code buffer or metadata arena full: flush the whole
 *     cache, once the other vCPUs are out of generated code
 *     (cpu-exclusive.c), and translate again (a second failure right
 *     after a flush means one block cannot fit an empty cache: an
 *     internal error);
 *   - the backend says the block is too big for its limits: translate
 *     again with half as many instructions;
 *   - the IR overflowed despite the translator's headroom: same.
 * A failed attempt gives back its pool entry and the code and metadata it
 * claimed, so retries do not leak.
 *
 * The block is published (hash table, page lists) only when it is
 * complete, with release stores, so lock-free readers never see a
 * half-built block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec-internal.h"
#include "jit/opt.h"
#include "jit/translator.h"
#include "util/error.h"
#include "util/log.h"

static bool default_code_read(CPUState *cpu, uint64_t addr, void *buf, unsigned len)
{
    memcpy(buf, cpu->guest_base + addr, len);
    return true;
}

static TranslationBlock *tb_alloc_locked(ExecContext *ctx, uint64_t pc, uint32_t flags,
                                         uint32_t cflags)
{
    if (ctx->nb_tbs == ctx->max_tbs)
        return NULL;
    TranslationBlock *tb = &ctx->tbs[ctx->nb_tbs];
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->flags = flags;
    tb->cflags = cflags;
    tb->page_addr[0] = ~(uint64_t)0;
    tb->page_addr[1] = ~(uint64_t)0;
    tb->jmp_patch_off[0] = tb->jmp_patch_off[1] = ~(uint32_t)0;
    tb->jmp_reset_off[0] = tb->jmp_reset_off[1] = ~(uint32_t)0;
    return tb;
}

/* -d in_asm and -d op: the guest code of a block and the IR the front end
 * made of it.  The code is read again through code_read, which succeeded
 * for these bytes a moment ago. */
static void log_block_input(ExecContext *ctx, CPUState *cpu, const TranslationBlock *tb,
                            const IRFunc *f)
{
    CodeReadFn code_read = ctx->cfg.code_read ? ctx->cfg.code_read : default_code_read;
    const TargetInfo *target = ctx->target;

    log_lock();
    FILE *out = log_file();
    if (log_enabled(LOG_IN_ASM)) {
        uint8_t *code = malloc(tb->size ? tb->size : 1);
        fprintf(out, "IN: pc 0x%llx, %u instructions, %u bytes\n",
                (unsigned long long)tb->pc, tb->icount, tb->size);
        if (code && code_read(cpu, tb->pc, code, tb->size)) {
            if (target->disas_log) {
                target->disas_log(out, code, tb->size, tb->pc);
            } else {
                for (uint32_t i = 0; i < tb->size; i++)
                    fprintf(out, "%s%02x", i % 16 ? " " : i ? "\n  " : "  ", code[i]);
                fputc('\n', out);
            }
        }
        free(code);
        fputc('\n', out);
    }
    if (log_enabled(LOG_OP)) {
        fprintf(out, "OP: pc 0x%llx\n", (unsigned long long)tb->pc);
        ir_dump(f, out);
        fputc('\n', out);
    }
    log_unlock();
}

/* -d op_opt and -d out_asm: what the optimizer and the backend made. */
static void log_block_output(ExecContext *ctx, const TranslationBlock *tb, const IRFunc *f)
{
    log_lock();
    FILE *out = log_file();
    if (log_enabled(LOG_OP_OPT)) {
        fprintf(out, "OP after optimization and liveness: pc 0x%llx\n",
                (unsigned long long)tb->pc);
        ir_dump(f, out);
        fputc('\n', out);
    }
    if (log_enabled(LOG_OUT_ASM)) {
        fprintf(out, "OUT: pc 0x%llx, %s backend, %u bytes at %p\n",
                (unsigned long long)tb->pc, ctx->backend->name, tb->host_size, tb->host_code);
        if (ctx->backend->log_code)
            ctx->backend->log_code(out, tb);
        fputc('\n', out);
    }
    log_unlock();
}

enum attempt {
    ATTEMPT_OK,
    ATTEMPT_FETCH_FAULT,
    ATTEMPT_FULL,       /* flush and retry */
    ATTEMPT_TOO_BIG,    /* retry with fewer instructions */
};

/* One translation of tb with at most max_insns instructions. */
static enum attempt translate_block(ExecContext *ctx, CPUState *cpu, TranslationBlock *tb,
                                    int max_insns)
{
    const TargetInfo *target = ctx->target;
    IRFunc *f = &ctx->ir;
    CodeBuf *cb = &ctx->cb;
    size_t code_mark = cb->used, data_mark = cb->data_used;

    ir_func_begin(f, target->globals, target->nb_globals, target->addr_type);
    memset(ctx->disas, 0, target->disas_size);
    DisasContextBase *db = ctx->disas;
    db->breakpoints = ctx->breakpoints;
    db->nb_breakpoints = ctx->nb_breakpoints;
    int r = translator_loop(target->translator, db, cpu, tb, f, max_insns,
                            ctx->cfg.code_read ? ctx->cfg.code_read : default_code_read,
                            target->page_bits);
    if (r == TRANSLATE_FETCH_FAULT) {
        cpu->exec->fetch_fault_addr = db->fetch_fault_addr;
        return ATTEMPT_FETCH_FAULT;
    }
    if (f->overflow) {
        if (tb->icount <= 1)
            fatal_internal("one guest instruction at 0x%llx overflows the IR buffer",
                           (unsigned long long)tb->pc);
        return ATTEMPT_TOO_BIG;
    }
    uint64_t page_mask = exec_page_mask(ctx);
    tb->page_addr[0] = tb->pc & page_mask;
    uint64_t last_page = (db->last_fetched - 1) & page_mask;
    if (db->last_fetched > tb->pc && last_page != tb->page_addr[0])
        tb->page_addr[1] = last_page;

    if (log_enabled(LOG_IN_ASM | LOG_OP))
        log_block_input(ctx, cpu, tb, f);
    if (ctx->cfg.optimize)
        opt_fold(f);
    opt_liveness(f);

    r = ctx->backend->compile(cb, f, tb, ctx->insn_end);
    if (r == JIT_OK && tb_pcmap_encode(cb, tb, f, ctx->insn_end)) {
        if (log_enabled(LOG_OP_OPT | LOG_OUT_ASM))
            log_block_output(ctx, tb, f);
        return ATTEMPT_OK;
    }
    cb->used = code_mark;
    cb->data_used = data_mark;
    if (r == JIT_ERR_TOO_BIG) {
        if (tb->icount <= 1)
            fatal_internal("one guest instruction at 0x%llx is too big for the backend",
                           (unsigned long long)tb->pc);
        return ATTEMPT_TOO_BIG;
    }
    return ATTEMPT_FULL;
}

static void tb_publish_locked(ExecContext *ctx, TranslationBlock *tb)
{
    if (tb->cflags & CF_NOCACHE) {
        /* Not findable by lookup or invalidation: only by host pc. */
        __atomic_store_n(&ctx->nb_tbs, ctx->nb_tbs + 1, __ATOMIC_RELEASE);
        return;
    }
    if (!tb_page_add_locked(ctx, tb, 0) ||
        (tb->page_addr[1] != ~(uint64_t)0 && !tb_page_add_locked(ctx, tb, 1)))
        fatal_internal("out of memory for the page table");
    tb_hash_insert_locked(ctx, tb);
    /* The pool entry becomes visible to host-pc searches last. */
    __atomic_store_n(&ctx->nb_tbs, ctx->nb_tbs + 1, __ATOMIC_RELEASE);
}

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint32_t flags, uint32_t cflags)
{
    ExecContext *ctx = cpu->exec->ctx;
    int max_insns = (int)(cflags & CF_COUNT_MASK);
    if (max_insns == 0 || max_insns > TB_MAX_INSNS)
        max_insns = TB_MAX_INSNS;
    bool flushed = false;

    pthread_mutex_lock(&ctx->lock);
    /* Another vCPU may have translated it while we waited for the lock. */
    TranslationBlock *tb = (cflags & CF_NOCACHE) ? NULL : tb_hash_lookup(ctx, pc, flags, cflags);
    while (!tb) {
        TranslationBlock *fresh = tb_alloc_locked(ctx, pc, flags, cflags);
        enum attempt a = fresh ? translate_block(ctx, cpu, fresh, max_insns) : ATTEMPT_FULL;
        switch (a) {
        case ATTEMPT_OK:
            tb_publish_locked(ctx, fresh);
            ctx->stats.tbs_translated++;
            ctx->stats.insns_translated += fresh->icount;
            ctx->stats.ir_ops += ctx->ir.nb_ops;
            tb = fresh;
            break;
        case ATTEMPT_FETCH_FAULT:
            cpu->exception_index = EXCP_FETCH;
            pthread_mutex_unlock(&ctx->lock);
            return NULL;
        case ATTEMPT_TOO_BIG:
            max_insns = fresh->icount / 2;
            break;
        case ATTEMPT_FULL:
            if (flushed)
                fatal_internal("a block at 0x%llx does not fit an empty translation cache",
                               (unsigned long long)pc);
            /* Only our own flush, with the lock held since, guarantees an
             * empty cache for the next attempt. */
            flushed = tb_flush_exclusive_locked(ctx, cpu);
            if (!flushed && !(cflags & CF_NOCACHE))   /* the lock was released: look again */
                tb = tb_hash_lookup(ctx, pc, flags, cflags);
            break;
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    return tb;
}
