/*
 * fuzz-insn: the differential instruction fuzzer of the i386 target.
 *
 *   fuzz-insn [--seed S] [--count N] [--seconds N] [--modes interp,jit,jit1]
 *             [--cpu MODEL|simd] [--classes a,b,...] [--host-only]
 *
 * --cpu picks the CPU model of the rig (default: mimic's default model;
 * "simd" is a test model of this program with MMX SSE SSE2 SSE3 SSSE3
 * on), and the classes default to what that model advertises in CPUID:
 * the integer classes, x87 with FPU, mmx, sse, sse2, sse3, ssse3 with
 * theirs.  --classes names them instead ("int" = all integer classes).
 * --host-only runs the cases on the oracle alone and counts how each
 * class ends there (#UD would mean the generator writes invalid code).
 * --batch N runs N sequences at a time in a child process (the default,
 * 2000, when a SIMD class is on: mimic makes one SSE thunk per distinct
 * encoding and keeps a bounded number; 0 = all in this process).
 *
 * Generates random instruction sequences (gen.c), keeps those capstone
 * decodes to the lengths the generator meant, runs each natively on the
 * oracle (tests/oracle/) and in mimic through the oracle's rig in every
 * mode, from the same state, and compares everything the oracle compares:
 * the end or fault, registers, EFLAGS (status flags and DF), the bytes of
 * the data window that changed.  A mismatch is minimized by dropping
 * units of the sequence while it stays, then printed as a reproducer.
 *
 * The host is the reference: the run is only meaningful on the kind of
 * CPU whose undefined bits mimic models (ops_host_is_reference); on
 * another one the fuzzer says so and compares anyway.
 *
 * Exit status: 0 with no mismatch, 1 otherwise (2 on a setup error).
 * One line per class says how many sequences containing it ran and
 * agreed; the last line is "N passed, N failed, N skipped" for
 * tests/run-suites.py.
 * --seconds bounds the run by host time (for long runs by hand); the
 * check suite uses a fixed --count so that its cases never vary.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "i386-rig.h"
#include "ops-check.h"
#include "oracle-client.h"
#include "targets/i386/cpuid.h"

/* The "simd" test model: the default model's identity with MMX, SSE,
 * SSE2 (EDX) and SSE3, SSSE3 (ECX) on, for fuzzing the SIMD classes
 * before the default model advertises them. */
static const I386Model simd_model = {
    .name = "simd",
    .description = "fuzz-insn test model: i686 + MMX SSE SSE2 SSE3 SSSE3",
    .vendor = "GenuineIntel",
    .family = 6, .model = 15, .stepping = 1,
    .features_edx = CPUID_FPU | CPUID_TSC | CPUID_CX8 | CPUID_CMOV | CPUID_MMX | CPUID_FXSR |
                    CPUID_SSE | CPUID_SSE2,
    .features_ecx = (1u << 0) | (1u << 9),
    .brand = "mimic i386 (fuzz-insn simd)",
};

/* Where a run is: the generator, the next sequence, the counts.  A
 * batch run in a child process (see main) sends it back whole. */
typedef struct Totals {
    FuzzRng rng;
    unsigned long n;              /* sequences generated */
    unsigned long passed, failed, rejected, faulted, skipped;
    unsigned reported;
    bool stop;                    /* out of time, or the oracle died */
    /* Per class: sequences that contained it, and those that agreed. */
    unsigned long class_ran[FUZZ_MAX_CLASSES], class_agreed[FUZZ_MAX_CLASSES];
    /* --host-only: how the oracle ended sequences of each class (the
     * vector, or 32 for the end). */
    unsigned long class_end[FUZZ_MAX_CLASSES][33];
} Totals;

/* Reproducers printed in full; later mismatches are only counted. */
#define MAX_REPORTS 20

typedef struct Fuzzer {
    Oracle oracle;
    I386Rig *rig[RIG_NB_MODES];
    bool use_mode[RIG_NB_MODES];
    csh cs;
    unsigned reported;
} Fuzzer;

/*
 * The oracle's own address space is not empty outside the window: its
 * static image sits at 0x08048000 and its stack just below 3 GiB or 4 GiB.
 * A random pointer that lands there is read (or written) natively and
 * faults in mimic, which maps nothing else.  Such a case says nothing
 * about mimic, so it is skipped: the host mappings are read once from
 * /proc, and a mimic #PF whose cr2 falls in one of them marks the case.
 */
#define MAX_HOST_MAPS 64

static uint32_t host_map_lo[MAX_HOST_MAPS], host_map_hi[MAX_HOST_MAPS];
static unsigned nb_host_maps;

static void read_host_maps(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return;
    while (fgets(line, sizeof(line), fp) && nb_host_maps < MAX_HOST_MAPS) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2 || lo > 0xffffffffu)
            continue;
        if (lo <= ORACLE_DATA_ADDR && ORACLE_DATA_ADDR < hi)
            continue; /* the window: mapped on both sides */
        if (lo <= ORACLE_CODE_ADDR && ORACLE_CODE_ADDR < hi)
            continue;
        host_map_lo[nb_host_maps] = (uint32_t)lo;
        host_map_hi[nb_host_maps++] = (uint32_t)(hi > 0xffffffffu ? 0xffffffffu : hi - 1);
    }
    fclose(fp);
}

/* A page fault in mimic on memory only the host has.  The slack below
 * each mapping is the default stack rlimit: the kernel grows the host
 * stack on an access anywhere down to it. */

/* A new oracle process (the old one killed if it hangs), whose maps are
 * read again after its first case. */
static bool restart_oracle(Fuzzer *f)
{
    kill(f->oracle.pid, SIGKILL);
    oracle_close(&f->oracle);
    nb_host_maps = 0;
    return oracle_open(&f->oracle);
}

static bool only_host_has(const OracleResult *got)
{
    if (got->status != ORACLE_FAULT || got->vector != 14)
        return false;
    for (unsigned i = 0; i < nb_host_maps; i++) {
        uint32_t lo = host_map_lo[i] > 0x800000u ? host_map_lo[i] - 0x800000u : 0;
        if (got->cr2 >= lo && got->cr2 <= host_map_hi[i])
            return true;
    }
    return false;
}

/* Every instruction decodes, and to the length the generator wrote. */
static bool capstone_agrees(Fuzzer *f, const FuzzSeq *s)
{
    for (unsigned u = 0; u < s->nb_units; u++) {
        const FuzzUnit *unit = &s->units[u];
        unsigned off = 0;
        for (unsigned i = 0; i < unit->nb_insns; i++) {
            cs_insn *insn;
            size_t n = cs_disasm(f->cs, unit->bytes + off, unit->insn_len[i],
                                 ORACLE_CODE_ADDR, 1, &insn);
            bool ok = n == 1 && insn[0].size == unit->insn_len[i];
            if (n)
                cs_free(insn, n);
            if (!ok)
                return false;
            off += unit->insn_len[i];
        }
    }
    return true;
}

/* Runs c natively and in one mode; true when they agree.  want/got get
 * the results and diff what differs. */
static bool differs(Fuzzer *f, const OracleCase *c, int mode, OracleResult *want,
                    OracleResult *got, char *diff, size_t size, bool *oracle_ok)
{
    *oracle_ok = oracle_run(&f->oracle, c, want);
    if (!*oracle_ok)
        return false;
    i386_rig_run(f->rig[mode], c, got);
    return !oracle_result_compare(want, got, 0, diff, size);
}

static void print_disasm(Fuzzer *f, const OracleCase *c)
{
    cs_insn *insn;
    size_t n = cs_disasm(f->cs, c->code, c->code_len, ORACLE_CODE_ADDR, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "     %08" PRIx64 ":", insn[i].address);
        for (unsigned b = 0; b < insn[i].size; b++)
            fprintf(stderr, " %02x", insn[i].bytes[b]);
        fprintf(stderr, "%*s %s %s\n", 3 * (12 - (int)insn[i].size), "", insn[i].mnemonic,
                insn[i].op_str);
    }
    if (n)
        cs_free(insn, n);
}

/* Drops units while the mismatch in this mode stays, then reports. */
static void minimize_and_report(Fuzzer *f, const FuzzSeq *s, int mode, unsigned bad_modes,
                                uint64_t seed, unsigned index)
{
    static OracleResult want, got;
    char diff[1024], text[1024];
    unsigned mask = (1u << s->nb_units) - 1;
    for (unsigned i = 0; i < s->nb_units; i++) {
        unsigned fewer = mask & ~(1u << i);
        if (!fewer)
            continue;
        OracleCase c;
        bool ok;
        fuzz_seq_case(s, fewer, &c);
        if (differs(f, &c, mode, &want, &got, diff, sizeof(diff), &ok) && ok)
            mask = fewer;
    }
    OracleCase c;
    bool ok;
    fuzz_seq_case(s, mask, &c);
    differs(f, &c, mode, &want, &got, diff, sizeof(diff), &ok);
    if (f->reported++ >= MAX_REPORTS)
        return;
    fprintf(stderr, "MISMATCH #%u, seed %" PRIu64 " sequence %u, modes:", f->reported, seed,
            index);
    for (int m = 0; m < RIG_NB_MODES; m++)
        if (bad_modes & (1u << m))
            fprintf(stderr, " %s", i386_rig_mode_name((I386RigMode)m));
    fprintf(stderr, "; classes:");
    for (unsigned i = 0; i < s->nb_units; i++)
        if (mask & (1u << i))
            fprintf(stderr, " %s", s->units[i].cls);
    fprintf(stderr, "\n");
    print_disasm(f, &c);
    oracle_case_format(&c, text, sizeof(text));
    fprintf(stderr, "   initial: %s\n", text);
    fprintf(stderr, "   differs:%s\n", diff);
    oracle_result_format(&want, text, sizeof(text));
    fprintf(stderr, "   host:    %s\n", text);
    oracle_result_format(&got, text, sizeof(text));
    fprintf(stderr, "   mimic (%s): %s\n", i386_rig_mode_name((I386RigMode)mode), text);
}

static void usage(void)
{
    fprintf(stderr, "usage: fuzz-insn [--seed S] [--count N] [--seconds N] "
                    "[--modes interp,jit,jit1]\n"
                    "                 [--cpu MODEL|simd] [--classes a,b,...] [--host-only] [--batch N] [--from N]\n"
                    "classes: int (all of:");
    for (unsigned i = 0; i < fuzz_nb_classes(); i++)
        fprintf(stderr, " %s%s", fuzz_class_name(i), !strcmp(fuzz_class_name(i), "flags") ? ")" : "");
    fprintf(stderr, "\n");
    exit(2);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Runs sequences t->n .. end - 1 (or until --seconds is up). */
/* The current sequence is skipped and the oracle replaced; false (the
 * run stops, failed) if a new oracle cannot start. */
static bool skip_with_fresh_oracle(Fuzzer *f, Totals *t)
{
    if (!restart_oracle(f)) {
        t->failed++;
        t->stop = true;
        return false;
    }
    t->skipped++;
    return true;
}

static void run_batch(Fuzzer *f, Totals *t, unsigned long end, uint64_t seed, bool host_only,
                      double start, double seconds)
{
    static OracleResult want, got;
    char diff[1024];
    f->reported = t->reported;
    for (; t->n < end; t->n++) {
        unsigned long n = t->n;
        if (seconds > 0 && (n & 63) == 0 && now() - start >= seconds) {
            t->stop = true;
            break;
        }
        FuzzSeq s;
        do {
            fuzz_gen_seq(&t->rng, &s);
        } while (!capstone_agrees(f, &s) && ++t->rejected);
        OracleCase c;
        fuzz_seq_case(&s, (1u << s.nb_units) - 1, &c);
        if (!oracle_run(&f->oracle, &c, &want)) {
            /* The case broke the oracle (see below): report it, go on
             * with a fresh one. */
            char text[768];
            oracle_case_format(&c, text, sizeof(text));
            fprintf(stderr, "fuzz-insn: sequence %lu broke the oracle: %s\n", n, text);
            if (!skip_with_fresh_oracle(f, t))
                break;
            continue;
        }
        if (nb_host_maps == 0) /* now the oracle has surely exec'd: its maps are its own */
            read_host_maps(f->oracle.pid);
        if (want.status != ORACLE_END)
            t->faulted++;
        uint32_t in_seq = 0;
        for (unsigned u = 0; u < s.nb_units; u++)
            in_seq |= 1u << s.units[u].cls_index;
        if (host_only) {
            unsigned how = want.status == ORACLE_END ? 32 : want.vector < 32 ? want.vector : 31;
            for (unsigned k = 0; k < FUZZ_MAX_CLASSES; k++) {
                if (in_seq & (1u << k)) {
                    t->class_ran[k]++;
                    t->class_end[k][how]++;
                }
            }
            t->passed++;
            continue;
        }
        unsigned bad_modes = 0;
        bool host_memory = false;
        for (int m = 0; m < RIG_NB_MODES; m++) {
            if (!f->use_mode[m])
                continue;
            i386_rig_run(f->rig[m], &c, &got);
            if (oracle_result_compare(&want, &got, 0, diff, sizeof(diff)))
                continue;
            if (only_host_has(&got) || i386_rig_code_changed(f->rig[m], &c)) {
                host_memory = true;
                break;
            }
            bad_modes |= 1u << m;
        }
        if (host_memory) {
            /* Natively the case may have written the oracle's own memory:
             * the next case gets a fresh oracle. */
            if (!skip_with_fresh_oracle(f, t))
                break;
            continue;
        }
        for (unsigned k = 0; k < FUZZ_MAX_CLASSES; k++) {
            if (in_seq & (1u << k)) {
                t->class_ran[k]++;
                t->class_agreed[k] += !bad_modes;
            }
        }
        /* Minimized in the first mode that disagrees; the report names
         * all of them, since a bug in one backend only is a clue. */
        if (bad_modes)
            minimize_and_report(f, &s, __builtin_ctz(bad_modes), bad_modes, seed,
                                (unsigned)n);
        if (!bad_modes)
            t->passed++;
        else
            t->failed++;
    }
    t->reported = f->reported;
}

static bool make_rigs(Fuzzer *f, const I386Model *model)
{
    for (int m = 0; m < RIG_NB_MODES; m++) {
        if (!f->use_mode[m])
            continue;
        f->rig[m] = i386_rig_new_model((I386RigMode)m, model);
        if (!f->rig[m])
            return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    unsigned long count = 20000;
    double seconds = 0;
    const char *modes = "interp,jit,jit1";
    const char *cpu = NULL, *class_list = NULL;
    long batch = -1;
    bool host_only = false;
    unsigned long from = 0;   /* --from N: start at sequence N of the seed's stream */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--host-only")) {
            host_only = true;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--seed"))
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--count"))
            count = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--from"))
            from = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--modes"))
            modes = argv[++i];
        else if (!strcmp(argv[i], "--batch"))
            batch = strtol(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--cpu"))
            cpu = argv[++i];
        else if (!strcmp(argv[i], "--classes"))
            class_list = argv[++i];
        else
            usage();
    }
    const I386Model *model = i386_model_default();
    if (cpu && !strcmp(cpu, "simd"))
        model = &simd_model;
    else if (cpu && !(model = i386_model_find(cpu))) {
        fprintf(stderr, "fuzz-insn: unknown CPU model %s\n", cpu);
        return 2;
    }
    uint32_t class_mask = fuzz_classes_for_cpuid(model->features_edx, model->features_ecx);
    if (class_list && !fuzz_parse_classes(class_list, &class_mask)) {
        fprintf(stderr, "fuzz-insn: bad class list %s\n", class_list);
        usage();
    }
    fuzz_set_classes(class_mask);
    /* The SIMD classes make a thunk per distinct encoding, and mimic
     * keeps a bounded number of them: batches in child processes. */
    uint32_t simd_classes = 0;
    if (fuzz_parse_classes("mmx,sse,sse2,sse3,ssse3", &simd_classes) && batch < 0)
        batch = (class_mask & simd_classes) && !host_only ? 2000 : 0;
    if (batch < 0)
        batch = 0;
    {
        /* The host's MXCSR_MASK: the bits a case may set (DAZ or not). */
        static uint8_t img[512] __attribute__((aligned(16)));
        __asm__ volatile("fxsave %0" : "=m"(img));
        uint32_t mask;
        memcpy(&mask, img + ORACLE_FX_MXCSR_MASK, 4);
        fuzz_set_mxcsr_mask(mask ? mask : 0xffbf);
    }
    if (seconds > 0 && count == 20000)
        count = ~0ul; /* --seconds alone: as many as fit */

    static Fuzzer fz;
    Fuzzer *f = &fz;
    static const char *const mode_names[RIG_NB_MODES] = { "interp", "jit", "jit1" };
    for (int m = 0; m < RIG_NB_MODES; m++) {
        const char *p = strstr(modes, mode_names[m]);
        /* "jit" must not match inside "jit1" alone */
        while (p && m == RIG_JIT && p[3] == '1')
            p = strstr(p + 1, mode_names[m]);
        f->use_mode[m] = p != NULL && !host_only;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &f->cs) != CS_ERR_OK) {
        fprintf(stderr, "fuzz-insn: capstone cannot open x86-32\n");
        return 2;
    }
    if (!oracle_open(&f->oracle))
        return 2;
    ops_host_is_reference(); /* says so when the host is not */

    static Totals tot;
    fuzz_rng_seed(&tot.rng, seed);
    /* Sequence N of a long run, without running the ones before it:
     * generated (and capstone-checked, which consumes the stream the same
     * way) and dropped. */
    for (unsigned long k = 0; k < from; k++) {
        FuzzSeq s;
        do {
            fuzz_gen_seq(&tot.rng, &s);
        } while (!capstone_agrees(f, &s));
    }
    tot.n = from;
    if (count != ~0ul)
        count += from;
    double start = now();
    if (batch == 0) {
        if (!make_rigs(f, model))
            return 2;
        run_batch(f, &tot, count, seed, host_only, start, seconds);
    }
    while (batch > 0 && tot.n < count && !tot.stop) {
        /* Each batch in a child: whatever mimic allocates for the
         * sequences (thunks, translated code) goes with it. */
        int fds[2];
        if (pipe(fds) != 0) {
            perror("fuzz-insn: pipe");
            return 2;
        }
        fflush(stdout);
        fflush(stderr);
        unsigned long first = tot.n;
        pid_t pid = fork();
        if (pid < 0) {
            perror("fuzz-insn: fork");
            return 2;
        }
        if (pid == 0) {
            close(fds[0]);
            /* A fresh oracle for the batch: a previous batch may have
             * replaced the parent's (restart_oracle). */
            nb_host_maps = 0;
            if (!oracle_open(&f->oracle) || !make_rigs(f, model))
                _exit(2);
            unsigned long end = count - tot.n > (unsigned long)batch ? tot.n + (unsigned long)batch : count;
            run_batch(f, &tot, end, seed, host_only, start, seconds);
            fflush(stdout);
            fflush(stderr);
            bool ok = write(fds[1], &tot, sizeof(tot)) == (ssize_t)sizeof(tot);
            oracle_close(&f->oracle);
            _exit(ok ? 0 : 2);
        }
        close(fds[1]);
        size_t got_bytes = 0;
        while (got_bytes < sizeof(tot)) {
            ssize_t k = read(fds[0], (uint8_t *)&tot + got_bytes, sizeof(tot) - got_bytes);
            if (k <= 0)
                break;
            got_bytes += (size_t)k;
        }
        close(fds[0]);
        int status;
        waitpid(pid, &status, 0);
        if (got_bytes != sizeof(tot)) {
            fprintf(stderr, "fuzz-insn: the batch from sequence %lu died (status %#x): "
                            "rerun with --batch 0 --seed %" PRIu64 " to see it\n",
                    first, status, seed);
            tot.failed++;
            break;
        }
    }
    unsigned long passed = tot.passed, failed = tot.failed, skipped = tot.skipped;
    unsigned long faulted = tot.faulted, rejected = tot.rejected;
    unsigned long *class_ran = tot.class_ran, *class_agreed = tot.class_agreed;
    printf("fuzz-insn: seed %" PRIu64 ", cpu %s, %lu sequences (%lu ended in a fault on the host), "
           "%lu rejected by capstone, %.1f s\n",
           seed, model->name, passed + failed + skipped, faulted, rejected, now() - start);
    for (unsigned k = 0; k < fuzz_nb_classes(); k++) {
        if (!(class_mask & (1u << k)))
            continue;
        if (host_only) {
            printf("  class %-11s %8lu sequences on the host; ended:", fuzz_class_name(k),
                   class_ran[k]);
            for (unsigned v = 0; v <= 32; v++)
                if (tot.class_end[k][v] && v == 32)
                    printf(" end %lu", tot.class_end[k][v]);
                else if (tot.class_end[k][v])
                    printf(" #%u %lu", v, tot.class_end[k][v]);
            printf("\n");
            continue;
        }
        printf("  class %-11s %8lu sequences, %8lu agreed, %lu differed\n", fuzz_class_name(k),
               class_ran[k], class_agreed[k], class_ran[k] - class_agreed[k]);
    }
    for (int m = 0; m < RIG_NB_MODES; m++)
        i386_rig_free(f->rig[m]);
    oracle_close(&f->oracle);
    cs_close(&f->cs);
    /* skipped: cases that reached memory only the host has mapped */
    printf("%lu passed, %lu failed, %lu skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
