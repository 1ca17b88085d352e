/*
 * mimic-toy: runs a raw toy-ISA program (docs/toy-isa.md) and prints the
 * values it outputs, one decimal number per line.
 *
 *   mimic-toy [-accel tcg[,jit=off]] [-tb-size MB] [-icount-limit N]
 *             [-one-insn-per-tb] [-stats] [-d item,...] [-D file] FILE
 *
 * FILE is a memory image loaded at guest address 0 (at most 64 KiB);
 * execution starts at 0.  Exit status: 0 when the program halts or
 * reaches the instruction limit, 1 (with a one-line error) for a user
 * error or a guest fault.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/accel-option.h"
#include "exec/exec.h"
#include "targets/toy/cpu.h"
#include "util/error.h"
#include "util/log.h"
#include "util/options.h"

enum {
    OPT_ACCEL,
    OPT_TB_SIZE,
    OPT_ICOUNT_LIMIT,
    OPT_ONE_INSN,
    OPT_STATS,
    OPT_LOG,
    OPT_LOG_FILE,
    OPT_HELP,
};

static const OptionDef toy_options[] = {
    { "accel", OPT_ARG_STRING, OPT_ACCEL, "tcg[,jit=off]",
      "jit=off runs the IR interpreter instead of generated x86-64 code", 0, 0, 0 },
    { "tb-size", OPT_ARG_SIZE, OPT_TB_SIZE, "MB",
      "translation cache size (default 32 MiB)", 16u << 10, 1ull << 30, 1ull << 20 },
    { "icount-limit", OPT_ARG_UINT, OPT_ICOUNT_LIMIT, "N",
      "stop after exactly N guest instructions", 0, 0, 0 },
    { "one-insn-per-tb", OPT_ARG_NONE, OPT_ONE_INSN, NULL,
      "translate one guest instruction per block", 0, 0, 0 },
    { "stats", OPT_ARG_NONE, OPT_STATS, NULL,
      "print translation statistics on stderr at the end", 0, 0, 0 },
    { "d", OPT_ARG_STRING, OPT_LOG, "item,...",
      "log the items (in_asm, op, op_opt, out_asm, exec, cpu, nochain; -d help lists them)",
      0, 0, 0 },
    { "D", OPT_ARG_STRING, OPT_LOG_FILE, "file", "write the log to file", 0, 0, 0 },
    { "h", OPT_ARG_NONE, OPT_HELP, NULL, "print this help", 0, 0, 0 },
    { "help", OPT_ARG_NONE, OPT_HELP, NULL, "print this help", 0, 0, 0 },
    { NULL, 0, 0, NULL, NULL, 0, 0, 0 },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: %s [options] FILE\n"
                 "Runs a raw toy-ISA memory image and prints its `out` values.\n\n",
            util_progname());
    options_print_help(out, toy_options);
}

static void load_image(ToyCPU *cpu, const char *path)
{
    char q[UTIL_QUOTE_MAX];
    util_quote(q, sizeof(q), path, (unsigned)strlen(path));
    FILE *f = fopen(path, "rb");
    if (!f)
        fatal_user_error("cannot open '%s': %s", q, strerror(errno));
    size_t n = fread(cpu->mem, 1, TOY_MEM_SIZE, f);
    bool too_big = n == TOY_MEM_SIZE && fgetc(f) != EOF;
    bool failed = ferror(f);
    fclose(f);
    if (failed)
        fatal_user_error("cannot read '%s'", q);
    if (too_big)
        fatal_user_error("'%s' is larger than the toy's %u bytes of memory", q, TOY_MEM_SIZE);
}

static void print_stats(const ExecContext *ctx, const CPUState *cpu)
{
    const ExecStats *s = &ctx->stats;
    fprintf(stderr,
            "instructions %" PRIu64 ", blocks %" PRIu64 " (%" PRIu64 " guest insns, %" PRIu64
            " IR ops), chained %" PRIu64 ", invalidated %" PRIu64 ", flushes %" PRIu64 "\n",
            cpu_icount(cpu), s->tbs_translated, s->insns_translated, s->ir_ops, s->chained,
            s->invalidated, s->flushes);
}

int main(int argc, char **argv)
{
    util_set_progname(argv[0]);
    ExecConfig cfg = { .optimize = true, .backend = &jit_backend_x86_64 };
    uint64_t limit = UINT64_MAX;
    bool stats = false;

    OptionParser p;
    const OptionDef *def;
    OptionValue v;
    int r;
    options_init(&p, toy_options, argc, argv);
    while ((r = options_next(&p, &def, &v)) == OPTIONS_FOUND) {
        switch (def->id) {
        case OPT_ACCEL: cfg.backend = accel_option_parse(v.str); break;
        case OPT_TB_SIZE: cfg.tb_size = v.num; break;
        case OPT_ICOUNT_LIMIT: limit = v.num; break;
        case OPT_ONE_INSN: cfg.default_cflags = 1; break;
        case OPT_STATS: stats = true; break;
        case OPT_LOG: log_set_mask(log_parse_items_or_exit(v.str)); break;
        case OPT_LOG_FILE: {
            char err[256];
            if (log_set_file(v.str, err, sizeof(err)) < 0)
                fatal_user_error("%s", err);
            break;
        }
        case OPT_HELP: usage(stdout); return 0;
        }
    }
    if (r == OPTIONS_ERROR)
        fatal_user_error("%s", p.err);
    if (p.index != argc - 1) {
        usage(stderr);
        fatal_user_error(p.index == argc ? "no program file given" : "one program file only");
    }

    static ToyCPU cpu;
    static ExecContext ctx;
    if (toy_cpu_init(&cpu) < 0)
        fatal_user_error("out of memory");
    load_image(&cpu, argv[p.index]);
    cfg.code_read = toy_code_read;
    int err = exec_init(&ctx, &toy_target, &cfg);
    if (err < 0)
        fatal_user_error("cannot set up the translation cache: %s", strerror(-err));
    if (cpu_exec_init(&cpu.parent, &ctx) < 0)
        fatal_user_error("out of memory");
    cpu_set_icount_limit(&cpu.parent, limit);

    int excp = cpu_exec(&cpu.parent);
    for (size_t i = 0; i < cpu.nb_out; i++)
        printf("%" PRIu32 "\n", cpu.out[i]);
    fflush(stdout);
    if (stats)
        print_stats(&ctx, &cpu.parent);

    int status = 0;
    switch (excp) {
    case TOY_EXCP_HALT:
    case EXCP_BUDGET:
        break;
    case TOY_EXCP_ILLEGAL:
        fprintf(stderr, "%s: error: illegal instruction at pc 0x%" PRIx32 "\n",
                util_progname(), cpu.pc);
        status = 1;
        break;
    case EXCP_FETCH:
        fprintf(stderr, "%s: error: cannot fetch code at 0x%" PRIx64 " (pc 0x%" PRIx32 ")\n",
                util_progname(), cpu.parent.exec->fetch_fault_addr, cpu.pc);
        status = 1;
        break;
    default:
        fprintf(stderr, "%s: error: guest raised exception %d at pc 0x%" PRIx32 "\n",
                util_progname(), excp, cpu.pc);
        status = 1;
        break;
    }
    cpu_exec_destroy(&cpu.parent);
    exec_destroy(&ctx);
    toy_cpu_destroy(&cpu);
    return status;
}
