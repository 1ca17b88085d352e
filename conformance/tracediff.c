/*
 * mimic-tracediff [-skip N] [-eflags-mask HEX] A B: the first instruction
 * where two traces differ, with its bytes and disassembly, the registers
 * that differ (both values) and the 8 instructions before it.
 * Exit status: 0 same, 1 differ, 2 bad file or usage (one-line error).
 *
 * EFLAGS are compared under a mask (default: the status flags and DF),
 * since IF, RF and the reserved bits say nothing about the CPU model.
 * -skip N does not compare the registers of the first N records (the
 * initial stack pointer depends on the environment, not on the CPU);
 * their EIPs are still compared.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets/i386/trace-format.h"

#define HISTORY 8

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx",
                                          "esp", "ebp", "esi", "edi" };
static csh cs;

static void print_insn(const char *tag, uint64_t index, const TraceRecord *r)
{
    cs_insn *insn;
    size_t n = cs_disasm(cs, r->insn, TRACE_INSN_BYTES, r->eip, 1, &insn);
    char bytes[64] = "";
    unsigned len = n ? insn[0].size : 1;
    for (unsigned i = 0; i < len; i++)
        snprintf(bytes + strlen(bytes), sizeof(bytes) - strlen(bytes), "%02x ", r->insn[i]);
    printf("%s%10" PRIu64 "  %08x  %-24s %s %s\n", tag, index, r->eip, bytes,
           n ? insn[0].mnemonic : "(bad)", n ? insn[0].op_str : "");
    if (n)
        cs_free(insn, n);
}

static TraceReader *open_or_die(const char *path)
{
    char err[512];
    TraceReader *r = trace_reader_open(path, err, sizeof(err));
    if (!r) {
        fprintf(stderr, "mimic-tracediff: %s\n", err);
        exit(2);
    }
    return r;
}

static int next_or_die(TraceReader *r, const char *path, TraceRecord *rec)
{
    int n = trace_reader_next(r, rec);
    if (n < 0) {
        fprintf(stderr, "mimic-tracediff: %s: %s\n", path, trace_reader_error(r));
        exit(2);
    }
    return n;
}

static void usage(void)
{
    fprintf(stderr, "usage: mimic-tracediff [-skip N] [-eflags-mask HEX] A B\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint64_t skip = 0;
    uint32_t mask = 0xcd5;   /* CF PF AF ZF SF DF OF */
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc)
            usage();
        char *end;
        if (strcmp(argv[i], "-skip") == 0)
            skip = strtoull(argv[i + 1], &end, 0);
        else if (strcmp(argv[i], "-eflags-mask") == 0)
            mask = (uint32_t)strtoul(argv[i + 1], &end, 16);
        else
            usage();
        if (*end)
            usage();
    }
    if (argc - i != 2)
        usage();
    const char *pa = argv[i], *pb = argv[i + 1];
    TraceReader *a = open_or_die(pa), *b = open_or_die(pb);
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK) {
        fprintf(stderr, "mimic-tracediff: capstone unavailable\n");
        return 2;
    }

    TraceRecord hist[HISTORY], ra, rb;
    uint64_t idx = 0;
    int result = 0;
    for (;; idx++) {
        int na = next_or_die(a, pa, &ra), nb = next_or_die(b, pb, &rb);
        if (!na && !nb)
            break;
        bool differ = na != nb || ra.eip != rb.eip;
        if (!differ && idx >= skip)
            differ = memcmp(ra.regs, rb.regs, sizeof(ra.regs)) != 0 ||
                     ((ra.eflags ^ rb.eflags) & mask) != 0 || ra.fs_base != rb.fs_base ||
                     ra.gs_base != rb.gs_base;
        if (!differ) {
            hist[idx % HISTORY] = ra;
            continue;
        }
        result = 1;
        printf("traces differ at instruction %" PRIu64 "\n", idx);
        uint64_t first = idx > HISTORY ? idx - HISTORY : 0;
        for (uint64_t k = first; k < idx; k++)
            print_insn("  ", k, &hist[k % HISTORY]);
        if (!na || !nb) {
            printf("%s ends here%s; %s goes on:\n", na ? pb : pa,
                   trace_reader_truncated(na ? b : a) ? " (truncated)" : "", na ? pa : pb);
            print_insn("> ", idx, na ? &ra : &rb);
            break;
        }
        print_insn("A ", idx, &ra);
        if (ra.eip != rb.eip || memcmp(ra.insn, rb.insn, TRACE_INSN_BYTES) != 0)
            print_insn("B ", idx, &rb);
        if (ra.eip != rb.eip)
            printf("  eip      %08x  %08x\n", ra.eip, rb.eip);
        for (int r = 0; r < 8; r++)
            if (ra.regs[r] != rb.regs[r])
                printf("  %-8s %08x  %08x\n", reg_names[r], ra.regs[r], rb.regs[r]);
        if ((ra.eflags ^ rb.eflags) & mask)
            printf("  eflags   %08x  %08x  (differing bits %08x)\n", ra.eflags, rb.eflags,
                   (ra.eflags ^ rb.eflags) & mask);
        if (ra.fs_base != rb.fs_base)
            printf("  fs_base  %08x  %08x\n", ra.fs_base, rb.fs_base);
        if (ra.gs_base != rb.gs_base)
            printf("  gs_base  %08x  %08x\n", ra.gs_base, rb.gs_base);
        break;
    }
    if (!result) {
        printf("traces agree: %" PRIu64 " instructions\n", idx);
        for (int k = 0; k < 2; k++)
            if (trace_reader_truncated(k ? b : a))
                printf("note: %s is truncated (read up to its last complete frame)\n",
                       k ? pb : pa);
    }
    cs_close(&cs);
    trace_reader_close(a);
    trace_reader_close(b);
    return result;
}
