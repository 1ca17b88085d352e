/*
 * mimic-tracediff [-skip N] [-eflags-mask HEX] [-no-undef-mask] A B: the
 * first instruction where two traces differ, with its bytes and
 * disassembly, what differs (both values) and the 8 instructions before
 * it.  Exit status: 0 same, 1 differ, 2 bad file or usage (one line).
 *
 * EFLAGS are compared under a mask (default: the status flags and DF),
 * since IF, RF and the reserved bits say nothing about the CPU model; on
 * top of it, the flags and register bytes the SDM leaves undefined after
 * an instruction are not compared until they are written again
 * (flag-mask.c, docs/trace-flags.md; -no-undef-mask turns that off).
 * -skip N does not compare the registers of the first N records (the
 * initial stack pointer depends on the environment, not on the CPU);
 * their EIPs are still compared.  When both traces have an x87/SSE image
 * before the same instruction, its architectural fields are compared too.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flag-mask.h"
#include "targets/i386/trace-format.h"
#include "util/bytes.h"

#define HISTORY 8

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx",
                                          "esp", "ebp", "esi", "edi" };
static csh cs;

/* One side: its reader, and what came with its next instruction. */
typedef struct Side {
    const char *path;
    TraceReader *r;
    TraceRecord rec;
    bool has_fpu;
    uint8_t fpu[TRACE_FXSAVE_BYTES];
    uint64_t syscalls;
} Side;

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

static void open_or_die(Side *s, const char *path)
{
    char err[512];
    s->path = path;
    s->r = trace_reader_open(path, err, sizeof(err));
    if (!s->r) {
        fprintf(stderr, "mimic-tracediff: %s\n", err);
        exit(2);
    }
}

static void bad_file(const Side *s, const char *why)
{
    fprintf(stderr, "mimic-tracediff: %s: %s\n", s->path, why);
    exit(2);
}

/* Reads up to the next instruction record, keeping the FPU image that
 * comes just before it.  1, or 0 at the end. */
static int next_insn(Side *s)
{
    TraceItem it;
    int n;
    s->has_fpu = false;
    while ((n = trace_reader_next_item(s->r, &it)) == 1) {
        switch (it.kind) {
        case TRACE_ITEM_INSN:
            if (it.len != sizeof(s->rec))
                bad_file(s, "instruction item of the wrong size");
            memcpy(&s->rec, it.data, sizeof(s->rec));
            return 1;
        case TRACE_ITEM_FPU:
            if (it.len != TRACE_FXSAVE_BYTES)
                bad_file(s, "FPU item of the wrong size");
            memcpy(s->fpu, it.data, TRACE_FXSAVE_BYTES);
            s->has_fpu = true;
            break;
        case TRACE_ITEM_SYSCALL:
            s->syscalls++;
            break;
        default:
            break;   /* replay data: not state to compare */
        }
    }
    if (n < 0)
        bad_file(s, trace_reader_error(s->r));
    return 0;
}

/* The architectural x87/SSE fields of two FXSAVE images (not FOP and the
 * last instruction/operand pointers: mimic's x87 runs on host code, so
 * those are host addresses).  Prints each difference if print; returns
 * whether there is one. */
static bool fpu_differ(const uint8_t *a, const uint8_t *b, bool print)
{
    static const struct { const char *name; unsigned off, len; } fields[] = {
        { "fcw", 0, 2 }, { "fsw", 2, 2 }, { "ftw", 4, 1 }, { "mxcsr", 24, 4 },
    };
    bool differ = false;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        unsigned off = fields[i].off, len = fields[i].len;
        uint32_t va = len == 1 ? a[off] : len == 2 ? ld_le16(a + off) : ld_le32(a + off);
        uint32_t vb = len == 1 ? b[off] : len == 2 ? ld_le16(b + off) : ld_le32(b + off);
        if (va == vb)
            continue;
        differ = true;
        if (print)
            printf("  %-8s %0*x  %0*x\n", fields[i].name, 2 * len, va, 2 * len, vb);
    }
    /* ST0-7 are 10 bytes in 16-byte slots from 32, XMM0-7 16 bytes from
     * 160; printed most significant byte first. */
    for (int k = 0; k < 16; k++) {
        bool xmm = k >= 8;
        unsigned off = xmm ? 160 + 16 * (k - 8) : 32 + 16 * k, len = xmm ? 16 : 10;
        if (memcmp(a + off, b + off, len) == 0)
            continue;
        differ = true;
        if (!print)
            continue;
        printf("  %s%-5d ", xmm ? "xmm" : "st", xmm ? k - 8 : k);
        for (int side = 0; side < 2; side++) {
            const uint8_t *p = (side ? b : a) + off;
            for (int i = (int)len - 1; i >= 0; i--)
                printf("%02x", p[i]);
            printf(side ? "\n" : "  ");
        }
    }
    return differ;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: mimic-tracediff [-skip N] [-eflags-mask HEX] [-no-undef-mask] A B\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint64_t skip = 0;
    uint32_t mask = 0xcd5;   /* CF PF AF ZF SF DF OF */
    bool undef_mask = true;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "-no-undef-mask") == 0) {
            undef_mask = false;
            i--;
            continue;
        }
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
    Side sa = { 0 }, sb = { 0 };
    open_or_die(&sa, argv[i]);
    open_or_die(&sb, argv[i + 1]);
    FlagMaskState fm;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK || !flag_mask_init(&fm)) {
        fprintf(stderr, "mimic-tracediff: capstone unavailable\n");
        return 2;
    }

    TraceRecord hist[HISTORY];
    TraceRecord *ra = &sa.rec, *rb = &sb.rec;
    uint64_t idx = 0, compared = 0, masked = 0, masked_differ = 0, fpu_compared = 0;
    int result = 0;
    for (;; idx++) {
        int na = next_insn(&sa), nb = next_insn(&sb);
        if (!na && !nb)
            break;
        bool differ = na != nb || ra->eip != rb->eip;
        uint32_t fmask = mask, rmask[8];
        for (int r = 0; r < 8; r++)
            rmask[r] = 0xffffffffu;
        if (idx > 0 && undef_mask && na)
            flag_mask_settle(&fm, ra);
        if (undef_mask && idx >= skip) {
            fmask &= ~fm.undef;
            for (int r = 0; r < 8; r++)
                rmask[r] = flag_mask_reg(&fm, r);
        }
        bool fpu = !differ && idx >= skip && sa.has_fpu && sb.has_fpu;
        if (!differ && idx >= skip) {
            compared++;
            if (fmask != mask) {
                masked++;
                masked_differ += ((ra->eflags ^ rb->eflags) & mask & ~fmask) != 0;
            }
            for (int r = 0; r < 8; r++)
                differ |= ((ra->regs[r] ^ rb->regs[r]) & rmask[r]) != 0;
            differ |= ((ra->eflags ^ rb->eflags) & fmask) != 0 || ra->fs_base != rb->fs_base ||
                      ra->gs_base != rb->gs_base;
            if (fpu) {
                fpu_compared++;
                differ |= fpu_differ(sa.fpu, sb.fpu, false);
            }
        }
        if (!differ) {
            hist[idx % HISTORY] = *ra;
            flag_mask_step(&fm, ra);
            continue;
        }
        result = 1;
        printf("traces differ at instruction %" PRIu64 "\n", idx);
        uint64_t first = idx > HISTORY ? idx - HISTORY : 0;
        for (uint64_t k = first; k < idx; k++)
            print_insn("  ", k, &hist[k % HISTORY]);
        if (!na || !nb) {
            Side *ended = na ? &sb : &sa, *on = na ? &sa : &sb;
            printf("%s ends here%s; %s goes on:\n", ended->path,
                   trace_reader_truncated(ended->r) ? " (truncated)" : "", on->path);
            print_insn("> ", idx, &on->rec);
            break;
        }
        print_insn("A ", idx, ra);
        if (ra->eip != rb->eip || memcmp(ra->insn, rb->insn, TRACE_INSN_BYTES) != 0)
            print_insn("B ", idx, rb);
        if (ra->eip != rb->eip)
            printf("  eip      %08x  %08x\n", ra->eip, rb->eip);
        for (int r = 0; r < 8; r++)
            if ((ra->regs[r] ^ rb->regs[r]) & rmask[r])
                printf("  %-8s %08x  %08x\n", reg_names[r], ra->regs[r], rb->regs[r]);
        if ((ra->eflags ^ rb->eflags) & fmask)
            printf("  eflags   %08x  %08x  (differing bits %08x)\n", ra->eflags, rb->eflags,
                   (ra->eflags ^ rb->eflags) & fmask);
        if (ra->fs_base != rb->fs_base)
            printf("  fs_base  %08x  %08x\n", ra->fs_base, rb->fs_base);
        if (ra->gs_base != rb->gs_base)
            printf("  gs_base  %08x  %08x\n", ra->gs_base, rb->gs_base);
        if (fpu)
            fpu_differ(sa.fpu, sb.fpu, true);
        /* A value computed from an undefined flag is compared: say so, it
         * is the likely cause. */
        if (undef_mask && idx > 0 && fm.last_read_undef)
            printf("  note: the previous instruction read flags %03x, undefined at that point\n",
                   fm.last_read_undef);
        break;
    }
    if (!result) {
        printf("traces agree: %" PRIu64 " instructions\n", idx);
        printf("%" PRIu64 " instructions compared, %" PRIu64 " with a flag masked as undefined",
               compared, masked);
        printf(" (%" PRIu64 " differing there), %" PRIu64 " x87/SSE states compared\n",
               masked_differ, fpu_compared);
        if (sa.syscalls != sb.syscalls)
            printf("note: %" PRIu64 " system call items in %s, %" PRIu64 " in %s\n",
                   sa.syscalls, sa.path, sb.syscalls, sb.path);
        for (int k = 0; k < 2; k++) {
            Side *s = k ? &sb : &sa;
            if (trace_reader_truncated(s->r))
                printf("note: %s is truncated (read up to its last complete frame)\n", s->path);
        }
    }
    flag_mask_fini(&fm);
    cs_close(&cs);
    trace_reader_close(sa.r);
    trace_reader_close(sb.r);
    return result;
}
