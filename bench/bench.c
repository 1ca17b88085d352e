/*
 * mimic-bench: how fast the core translates and runs guest code.
 *
 *   mimic-bench [-time MS] [-translate-only | -run-only]
 *
 * Figures, each for the IR interpreter and the x86-64 backend:
 *   - translation throughput: guest instructions and IR ops per CPU
 *     second through translator + optimizer + backend, over a large
 *     generated toy program translated block by block, the cache flushed
 *     between rounds;
 *   - execution speed of synthetic guest loops (guest instructions per
 *     CPU second) and the JIT's speed-up over the interpreter;
 *   - the process's peak resident set.
 *
 * Timing is process CPU time (CLOCK_PROCESS_CPUTIME_ID), so a busy
 * machine slows the figures less than wall time would.  This is the only
 * place in mimic that reads a clock for itself: benchmarks are never part
 * of `make check`, and every run's result is checked against a C model
 * so a fast wrong answer cannot pass as a figure.
 *
 * Output is Markdown (tables), which bench/run-bench copies into
 * docs/PERFORMANCE.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench-toy.h"
#include "exec/exec.h"
#include "jit/backend.h"
#include "targets/toy/cpu.h"
#include "util/error.h"
#include "util/options.h"

#define TRANSLATION_SEED 0x6d696d6963ull
#define CODE_CACHE_BYTES ((size_t)64 << 20)

typedef struct BenchConfig {
    double target_seconds;    /* CPU time each measurement runs for */
    bool translate;
    bool run;
} BenchConfig;

static const JitBackend *const backends[] = { &jit_backend_interp, &jit_backend_x86_64 };
#define NB_BACKENDS 2

static double cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        fatal_internal("clock_gettime failed");
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct Rig {
    ExecContext ctx;
    ToyCPU cpu;
} Rig;

static void rig_init(Rig *rig, const JitBackend *backend)
{
    ExecConfig cfg = {
        .tb_size = CODE_CACHE_BYTES,
        .backend = backend,
        .optimize = true,
        .code_read = toy_code_read,
    };
    memset(rig, 0, sizeof(*rig));
    if (toy_cpu_init(&rig->cpu) != 0)
        fatal_user_error("out of memory for the toy guest");
    if (exec_init(&rig->ctx, &toy_target, &cfg) != 0)
        fatal_user_error("cannot create the translation cache (%zu MiB)",
                         CODE_CACHE_BYTES >> 20);
    if (cpu_exec_init(&rig->cpu.parent, &rig->ctx) != 0)
        fatal_internal("cpu_exec_init failed");
}

static void rig_destroy(Rig *rig)
{
    cpu_exec_destroy(&rig->cpu.parent);
    exec_destroy(&rig->ctx);
    toy_cpu_destroy(&rig->cpu);
}

static void load_words(ToyCPU *cpu, uint32_t addr, const uint32_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (unsigned b = 0; b < 4; b++)
            cpu->mem[addr + 4 * i + b] = (uint8_t)(words[i] >> (8 * b));
    }
}

/* A rate in millions per second, with about three significant digits. */
static const char *fmt_mega(char *buf, size_t len, double per_second)
{
    double m = per_second / 1e6;
    snprintf(buf, len, m >= 100 ? "%.0f M" : m >= 10 ? "%.1f M" : "%.2f M", m);
    return buf;
}

static uint32_t base_cflags(const JitBackend *backend)
{
    return backend == &jit_backend_interp ? CF_INTERP : 0;
}

/* Translates the whole program once, block after block. */
static uint64_t translate_program(Rig *rig, const JitBackend *backend, uint32_t end,
                                  uint64_t *host_bytes)
{
    uint64_t blocks = 0;
    uint32_t pc = BENCH_CODE_BASE;
    tb_flush(&rig->ctx);
    while (pc < end) {
        TranslationBlock *tb = tb_gen_code(&rig->cpu.parent, pc, 0, base_cflags(backend));
        if (!tb || tb->size == 0)
            fatal_internal("translation failed at 0x%x", pc);
        *host_bytes += tb->host_size;
        pc += tb->size;
        blocks++;
    }
    return blocks;
}

static void bench_translation(const BenchConfig *bc)
{
    /* All of guest memory but the first and last 256 bytes. */
    size_t n = (TOY_MEM_SIZE - 2 * BENCH_CODE_BASE) / 4;
    uint32_t *words = malloc(n * sizeof(uint32_t));
    if (!words)
        fatal_user_error("out of memory");
    bench_gen_translation_mix(words, n, TRANSLATION_SEED);

    printf("## Translation throughput\n\n");
    printf("A generated toy program of %zu instructions (arithmetic, loads, stores, "
           "a branch every ~12 instructions) translated block by block, translation "
           "cache flushed between rounds.  IR ops are counted after optimization; host "
           "bytes are the backend's output (x86-64 code, or interpreter programs).\n\n", n);
    printf("| backend | guest insns/s | IR ops/s | IR ops per insn | host bytes per insn "
           "| blocks per round | rounds |\n");
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (int b = 0; b < NB_BACKENDS; b++) {
        Rig rig;
        rig_init(&rig, backends[b]);
        load_words(&rig.cpu, BENCH_CODE_BASE, words, n);
        uint32_t end = BENCH_CODE_BASE + (uint32_t)(4 * n);
        uint64_t host_bytes = 0, blocks = 0, rounds = 0;
        /* A warm-up round, not counted: page faults of fresh memory. */
        translate_program(&rig, backends[b], end, &host_bytes);
        host_bytes = 0;
        ExecStats before = rig.ctx.stats;
        double t0 = cpu_seconds(), t;
        do {
            blocks = translate_program(&rig, backends[b], end, &host_bytes);
            rounds++;
            t = cpu_seconds() - t0;
        } while (t < bc->target_seconds);
        uint64_t insns = rig.ctx.stats.insns_translated - before.insns_translated;
        uint64_t ops = rig.ctx.stats.ir_ops - before.ir_ops;
        if (insns != rounds * n)
            fatal_internal("translated %llu instructions, expected %llu",
                           (unsigned long long)insns, (unsigned long long)(rounds * n));
        char r1[32], r2[32];
        printf("| %s | %s | %s | %.2f | %.1f | %llu | %llu |\n", backends[b]->name,
               fmt_mega(r1, sizeof(r1), insns / t), fmt_mega(r2, sizeof(r2), ops / t),
               (double)ops / (double)insns, (double)host_bytes / (double)insns,
               (unsigned long long)blocks, (unsigned long long)rounds);
        rig_destroy(&rig);
    }
    printf("\n");
    free(words);
}

typedef struct LoopRun {
    double seconds;
    uint64_t icount;
} LoopRun;

static LoopRun run_loop(const BenchLoop *loop, const JitBackend *backend, uint32_t iters)
{
    Rig rig;
    rig_init(&rig, backend);
    load_words(&rig.cpu, BENCH_CODE_BASE, loop->code, loop->code_len);
    loop->setup(rig.cpu.regs, iters);
    rig.cpu.pc = BENCH_CODE_BASE;
    double t0 = cpu_seconds();
    int r;
    while ((r = cpu_exec(&rig.cpu.parent)) == EXCP_INTERRUPT)
        ;
    LoopRun run = { cpu_seconds() - t0, cpu_icount(&rig.cpu.parent) };
    if (r != TOY_EXCP_HALT)
        fatal_internal("loop %s on %s stopped with %d", loop->name, backend->name, r);
    uint64_t want_icount = (uint64_t)iters * loop->insns_per_iter + loop->insns_outside;
    if (run.icount != want_icount || rig.cpu.regs[1] != loop->expect_r1(iters))
        fatal_internal("loop %s on %s computed r1=0x%x in %llu instructions, "
                       "expected r1=0x%x in %llu", loop->name, backend->name,
                       rig.cpu.regs[1], (unsigned long long)run.icount,
                       loop->expect_r1(iters), (unsigned long long)want_icount);
    rig_destroy(&rig);
    return run;
}

/* Iterations that take about target seconds, from a short trial run. */
static uint32_t calibrate(const BenchLoop *loop, const JitBackend *backend, double target)
{
    uint32_t iters = 10000;
    for (;;) {
        LoopRun trial = run_loop(loop, backend, iters);
        if (trial.seconds >= 0.05 || iters >= (1u << 30)) {
            double want = (double)iters * target / (trial.seconds > 1e-6 ? trial.seconds : 1e-6);
            if (want > 4e9)
                want = 4e9;
            return want < 1000 ? 1000 : (uint32_t)want;
        }
        iters *= 8;
    }
}

static void bench_execution(const BenchConfig *bc)
{
    printf("## Execution speed\n\n");
    printf("Synthetic toy-guest loops run to completion by cpu_exec; each result "
           "is checked against a C model of the loop.\n\n");
    printf("| loop | what | %s insns/s | %s insns/s | %s / %s |\n", backends[0]->name,
           backends[1]->name, backends[1]->name, backends[0]->name);
    printf("| --- | --- | ---: | ---: | ---: |\n");
    for (size_t l = 0; l < bench_nb_loops; l++) {
        const BenchLoop *loop = &bench_loops[l];
        double ips[NB_BACKENDS];
        for (int b = 0; b < NB_BACKENDS; b++) {
            uint32_t iters = calibrate(loop, backends[b], bc->target_seconds);
            LoopRun run = run_loop(loop, backends[b], iters);
            ips[b] = (double)run.icount / (run.seconds > 1e-9 ? run.seconds : 1e-9);
        }
        char r0[32], r1[32];
        printf("| %s | %s | %s | %s | %.1fx |\n", loop->name, loop->what,
               fmt_mega(r0, sizeof(r0), ips[0]), fmt_mega(r1, sizeof(r1), ips[1]),
               ips[1] / ips[0]);
    }
    printf("\n");
}

static void report_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        fatal_internal("getrusage failed");
    printf("## Memory\n\n");
    printf("Peak resident set of the whole benchmark process (translation cache of "
           "%zu MiB reserved per context): %.1f MiB.\n\n",
           CODE_CACHE_BYTES >> 20, (double)ru.ru_maxrss / 1024.0);
}

enum { OPT_TIME, OPT_TRANSLATE_ONLY, OPT_RUN_ONLY, OPT_HELP };

static const OptionDef bench_options[] = {
    { .name = "time", .arg = OPT_ARG_UINT, .id = OPT_TIME, .metavar = "MS",
      .help = "CPU time per measurement in milliseconds (default 1000)",
      .min = 1, .max = 600000 },
    { .name = "translate-only", .arg = OPT_ARG_NONE, .id = OPT_TRANSLATE_ONLY,
      .help = "only measure translation" },
    { .name = "run-only", .arg = OPT_ARG_NONE, .id = OPT_RUN_ONLY,
      .help = "only measure execution" },
    { .name = "h", .arg = OPT_ARG_NONE, .id = OPT_HELP, .help = "this help" },
    { .name = NULL },
};

int main(int argc, char **argv)
{
    BenchConfig bc = { .target_seconds = 1.0, .translate = true, .run = true };
    OptionParser p;
    const OptionDef *def;
    OptionValue v;
    int r;

    util_set_progname(argv[0]);
    options_init(&p, bench_options, argc, argv);
    while ((r = options_next(&p, &def, &v)) == OPTIONS_FOUND) {
        switch (def->id) {
        case OPT_TIME:
            bc.target_seconds = (double)v.num / 1000.0;
            break;
        case OPT_TRANSLATE_ONLY:
            bc.run = false;
            break;
        case OPT_RUN_ONLY:
            bc.translate = false;
            break;
        case OPT_HELP:
            printf("usage: %s [options]\n", util_progname());
            options_print_help(stdout, bench_options);
            return 0;
        }
    }
    if (r == OPTIONS_ERROR)
        fatal_user_error("%s", p.err);
    if (p.index < argc)
        fatal_user_error("unexpected argument '%s'", argv[p.index]);

    if (bc.translate)
        bench_translation(&bc);
    if (bc.run)
        bench_execution(&bc);
    report_rss();
    return 0;
}
