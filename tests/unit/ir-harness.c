/*
 * The IR test harness (see ir-harness.h).
 */
#include "ir-harness.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/opt.h"

#define G64(i) { IR_I64, (int32_t)(offsetof(IRHCpu, g) + 8 * (i)), "g" #i }
#define G32(i) { IR_I32, (int32_t)(offsetof(IRHCpu, g) + 8 * (i)), "g" #i }

const IRGlobalDef irh_globals[IRH_NB_GLOBALS] = {
    G64(0), G64(1), G64(2), G64(3), G64(4), G64(5), G64(6), G64(7),
    G32(8), G32(9), G32(10), G32(11), G32(12), G32(13), G32(14), G32(15),
};

int irh_init(IRHarness *h, const JitBackend *backend)
{
    memset(h, 0, sizeof(*h));
    h->backend = backend;
    int r = codebuf_init(&h->cb, 4u << 20, 4u << 20);
    if (r < 0)
        return r;
    h->cpu = calloc(1, sizeof(*h->cpu));
    h->exec = calloc(1, sizeof(*h->exec));
    h->mem = calloc(1, IRH_MEM_SIZE + 64);
    if (!h->cpu || !h->exec || !h->mem)
        return -1;
    h->cpu->parent.guest_base = h->mem;
    h->cpu->parent.exec = h->exec;
    h->cpu->parent.exception_index = EXCP_NONE;
    if (backend->init)
        backend->init(&h->cb);
    return 0;
}

void irh_destroy(IRHarness *h)
{
    codebuf_destroy(&h->cb);
    free(h->cpu);
    free(h->exec);
    free(h->mem);
    memset(h, 0, sizeof(*h));
}

void irh_begin(IRFunc *f, IRType addr_type)
{
    ir_func_begin(f, irh_globals, IRH_NB_GLOBALS, addr_type);
}

void irh_reset_state(IRHarness *h)
{
    memset(h->cpu->g, 0, sizeof(h->cpu->g));
    memset(h->cpu->scratch, 0, sizeof(h->cpu->scratch));
    h->cpu->calls = 0;
    memset(h->mem, 0, IRH_MEM_SIZE + 64);
}

int irh_compile(IRHarness *h, IRFunc *f, unsigned flags, int slot)
{
    TranslationBlock *tb = &h->tb[slot];

    h->err[0] = '\0';
    if (f->nb_insns > TB_MAX_INSNS) {
        snprintf(h->err, sizeof(h->err), "too many instructions");
        return -1;
    }
    if (flags & IRH_FOLD)
        opt_fold(f);
    opt_liveness(f);
    if (!(flags & IRH_NO_VALIDATE) && !ir_validate(f, h->err, sizeof(h->err)))
        return -1;

    /* The harness never flushes; start over when the buffer fills. */
    if (codebuf_avail(&h->cb) < (1u << 20) || h->cb.data_size - h->cb.data_used < (1u << 20))
        codebuf_reset(&h->cb);

    memset(tb, 0, sizeof(*tb));
    tb->icount = (uint16_t)f->nb_insns;
    tb->cflags = strcmp(h->backend->name, "interp") == 0 ? CF_INTERP : 0;
    tb->page_addr[0] = tb->page_addr[1] = ~(uint64_t)0;
    int r = h->backend->compile(&h->cb, f, tb, h->insn_end);
    if (r != JIT_OK) {
        snprintf(h->err, sizeof(h->err), "compile failed: %d", r);
        return -1;
    }
    return 0;
}

uintptr_t irh_exec(IRHarness *h, int slot)
{
    h->cpu->parent.budget.u32 = 0x7fff;
    return h->backend->run(&h->cpu->parent, &h->tb[slot]);
}

int irh_run(IRHarness *h, IRFunc *f, unsigned flags, uintptr_t *exit_value)
{
    int r = irh_compile(h, f, flags, 0);
    if (r < 0)
        return r;
    uintptr_t e = irh_exec(h, 0);
    if (exit_value)
        *exit_value = e;
    return 0;
}

void irh_func_copy(IRFunc *dst, const IRFunc *src)
{
    ir_func_init(dst, src->max_ops, src->max_temps);
    IROp *ops = dst->ops;
    IRTempInfo *temps = dst->temps;
    *dst = *src;
    dst->ops = ops;
    dst->temps = temps;
    memcpy(ops, src->ops, (size_t)src->nb_ops * sizeof(IROp));
    memcpy(temps, src->temps, ((size_t)src->max_temps + 1) * sizeof(IRTempInfo));
}
