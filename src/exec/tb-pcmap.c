/*
 * The per-block state-recovery table ("pcmap").
 *
 * When a helper raises or a guest access faults inside a block, the cpu
 * loop knows only a position in the block's code (a host address, or the
 * interpreter's op index).  The pcmap turns that into the guest
 * instruction it belongs to and the words its insn_start recorded, so
 * the target can put back the pc (and whatever else it recorded) and
 * the budget can be given back the instructions that did not run.
 *
 * Encoding, per instruction i in order:
 *   uleb128  insn_end[i] - insn_end[i - 1]          (insn_end[-1] = 0)
 *   sleb128  data[i][j] - data[i - 1][j], j = 0..2   (data[-1] = tb->pc, 0, 0)
 * Instructions are short and consecutive, so most entries take 4 bytes.
 * It is only ever decoded on the slow path, from the start.
 */
#include <string.h>

#include "exec/exec-internal.h"

/* Largest encoding of one instruction: a 32-bit and three 64-bit values. */
#define PCMAP_MAX_ENTRY (5 + 3 * 10)

static uint8_t *put_uleb128(uint8_t *p, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        if (v)
            byte |= 0x80;
        *p++ = byte;
    } while (v);
    return p;
}

static uint8_t *put_sleb128(uint8_t *p, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7f;
        /* Arithmetic shift of a signed value, spelled portably. */
        v = v < 0 ? ~(~v >> 7) : v >> 7;
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        if (!done)
            byte |= 0x80;
        *p++ = byte;
        if (done)
            return p;
    }
}

/* Decoders stop at end: a truncated table reads as zeros, not past it. */
static const uint8_t *get_uleb128(const uint8_t *p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    while (p < end) {
        uint8_t byte = *p++;
        if (shift < 64)
            v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80))
            break;
    }
    *out = v;
    return p;
}

static const uint8_t *get_sleb128(const uint8_t *p, const uint8_t *end, int64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t byte = 0;
    while (p < end) {
        byte = *p++;
        if (shift < 64)
            v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80))
            break;
    }
    if (shift < 64 && (byte & 0x40))
        v |= ~(uint64_t)0 << shift;
    *out = (int64_t)v;
    return p;
}

bool tb_pcmap_encode(CodeBuf *cb, TranslationBlock *tb, const IRFunc *f,
                     const uint32_t *insn_end)
{
    uint8_t buf[TB_MAX_INSNS * PCMAP_MAX_ENTRY];
    uint8_t *p = buf;
    uint64_t prev[IR_INSN_START_WORDS] = { tb->pc, 0, 0 };
    uint32_t prev_end = 0;
    uint32_t i = 0;

    for (uint32_t k = 0; k < f->nb_ops && i < tb->icount; k++) {
        const IROp *op = &f->ops[k];
        if (op->opc != IR_OP_insn_start)
            continue;
        p = put_uleb128(p, insn_end[i] - prev_end);
        prev_end = insn_end[i];
        for (unsigned j = 0; j < IR_INSN_START_WORDS; j++) {
            uint64_t w = ir_op_const(op, j);
            p = put_sleb128(p, (int64_t)(w - prev[j]));
            prev[j] = w;
        }
        i++;
    }
    size_t len = (size_t)(p - buf);
    uint8_t *dst = codebuf_data_alloc(cb, len ? len : 1, 1);
    if (!dst)
        return false;
    memcpy(dst, buf, len);
    tb->pcmap = dst;
    tb->pcmap_len = (uint32_t)len;
    return true;
}

int tb_pcmap_find(const TranslationBlock *tb, uint64_t pos,
                  uint64_t data[IR_INSN_START_WORDS])
{
    const uint8_t *p = tb->pcmap;
    const uint8_t *end = p + tb->pcmap_len;
    uint64_t cur[IR_INSN_START_WORDS] = { tb->pc, 0, 0 };
    uint64_t insn_end = 0;

    for (int i = 0; i < tb->icount && p < end; i++) {
        uint64_t delta;
        p = get_uleb128(p, end, &delta);
        insn_end += delta;
        for (unsigned j = 0; j < IR_INSN_START_WORDS; j++) {
            int64_t d;
            p = get_sleb128(p, end, &d);
            cur[j] += (uint64_t)d;
        }
        if (pos < insn_end) {
            memcpy(data, cur, sizeof(cur));
            return i;
        }
    }
    return -1;
}
