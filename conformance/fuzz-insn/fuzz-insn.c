/*
 * fuzz-insn: the differential instruction fuzzer of the i386 target.
 *
 *   fuzz-insn [--seed S] [--count N] [--seconds N] [--modes interp,jit,jit1]
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
 * The last line is "N passed, N failed" for tests/run-suites.py.
 * --seconds bounds the run by host time (for long runs by hand); the
 * check suite uses a fixed --count so that its cases never vary.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "i386-rig.h"
#include "ops-check.h"
#include "oracle-client.h"

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
                    "[--modes interp,jit,jit1]\n");
    exit(2);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    unsigned long count = 20000;
    double seconds = 0;
    const char *modes = "interp,jit,jit1";
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--seed"))
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--count"))
            count = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--modes"))
            modes = argv[++i];
        else
            usage();
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
        f->use_mode[m] = p != NULL;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &f->cs) != CS_ERR_OK) {
        fprintf(stderr, "fuzz-insn: capstone cannot open x86-32\n");
        return 2;
    }
    if (!oracle_open(&f->oracle))
        return 2;
    for (int m = 0; m < RIG_NB_MODES; m++) {
        if (!f->use_mode[m])
            continue;
        f->rig[m] = i386_rig_new((I386RigMode)m);
        if (!f->rig[m])
            return 2;
    }
    ops_host_is_reference(); /* says so when the host is not */

    FuzzRng rng;
    fuzz_rng_seed(&rng, seed);
    unsigned long passed = 0, failed = 0, rejected = 0, faulted = 0, skipped = 0;
    double start = now();
    static OracleResult want, got;
    char diff[1024];
    for (unsigned long n = 0; n < count; n++) {
        if (seconds > 0 && (n & 63) == 0 && now() - start >= seconds)
            break;
        FuzzSeq s;
        do {
            fuzz_gen_seq(&rng, &s);
        } while (!capstone_agrees(f, &s) && ++rejected);
        OracleCase c;
        fuzz_seq_case(&s, (1u << s.nb_units) - 1, &c);
        if (!oracle_run(&f->oracle, &c, &want)) {
            fprintf(stderr, "fuzz-insn: the oracle died\n");
            failed++;
            break;
        }
        if (n == 0) /* now the oracle has surely exec'd: its maps are its own */
            read_host_maps(f->oracle.pid);
        if (want.status != ORACLE_END)
            faulted++;
        unsigned bad_modes = 0;
        bool host_memory = false;
        for (int m = 0; m < RIG_NB_MODES; m++) {
            if (!f->use_mode[m])
                continue;
            i386_rig_run(f->rig[m], &c, &got);
            if (oracle_result_compare(&want, &got, 0, diff, sizeof(diff)))
                continue;
            if (only_host_has(&got)) {
                host_memory = true;
                break;
            }
            bad_modes |= 1u << m;
        }
        if (host_memory) {
            skipped++;
            continue;
        }
        /* Minimized in the first mode that disagrees; the report names
         * all of them, since a bug in one backend only is a clue. */
        if (bad_modes)
            minimize_and_report(f, &s, __builtin_ctz(bad_modes), bad_modes, seed,
                                (unsigned)n);
        if (!bad_modes)
            passed++;
        else
            failed++;
    }
    printf("fuzz-insn: seed %" PRIu64 ", %lu sequences (%lu ended in a fault on the host), "
           "%lu rejected by capstone, %.1f s\n",
           seed, passed + failed + skipped, faulted, rejected, now() - start);
    for (int m = 0; m < RIG_NB_MODES; m++)
        i386_rig_free(f->rig[m]);
    oracle_close(&f->oracle);
    cs_close(&f->cs);
    /* skipped: cases that reached memory only the host has mapped */
    printf("%lu passed, %lu failed, %lu skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
