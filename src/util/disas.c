#include "util/disas.h"

#include <capstone/capstone.h>

static void dump_bytes(FILE *out, const uint8_t *p, size_t n, uint64_t addr)
{
    fprintf(out, "  0x%08llx: ", (unsigned long long)addr);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%02x ", p[i]);
    fprintf(out, "%*s", (int)(3 * (n < 10 ? 10 - n : 0)), "");
}

void disas_dump(FILE *out, DisasArch arch, const void *code, size_t size, uint64_t addr)
{
    const uint8_t *p = code;
    csh cs;
    cs_mode mode = arch == DISAS_I386 ? CS_MODE_32 : CS_MODE_64;

    if (cs_open(CS_ARCH_X86, mode, &cs) != CS_ERR_OK) {
        for (size_t i = 0; i < size; i += 8) {
            dump_bytes(out, p + i, size - i < 8 ? size - i : 8, addr + i);
            fputc('\n', out);
        }
        return;
    }
    cs_insn *insn = cs_malloc(cs);
    while (size > 0) {
        const uint8_t *cur = p;
        size_t left = size;
        uint64_t at = addr;
        if (cs_disasm_iter(cs, &cur, &left, &at, insn)) {
            dump_bytes(out, p, insn->size, addr);
            fprintf(out, " %s %s\n", insn->mnemonic, insn->op_str);
        } else {
            /* Undecodable: show one byte and resynchronise after it. */
            dump_bytes(out, p, 1, addr);
            fprintf(out, " .byte 0x%02x\n", p[0]);
            cur = p + 1;
            left = size - 1;
            at = addr + 1;
        }
        p = cur;
        size = left;
        addr = at;
    }
    cs_free(insn, 1);
    cs_close(&cs);
}
