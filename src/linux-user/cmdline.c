/*
 * mimic-i386's command line, in QEMU's linux-user spelling:
 *
 *   mimic-i386 [-L path] [-E var=val] [-U var] [-0 argv0] [-cpu model]
 *              [-accel tcg[,jit=off]] [-tb-size MB] [-one-insn-per-tb]
 *              [-strace] [-trace-cpu file] [-trace-fpu n] [-trace-follow file]
 *              [-g [host:]port|unix:path[,disconnect=run|stop]]
 *              [-icount shift=N|auto[,rr=record|replay,rrfile=F]]
 *              [-rr record|replay,file=F[,checkpoint=N][,verify]]
 *              [-d items] [-D file] [-version] [-h]
 *              PROGRAM [ARGS...]
 *
 * Options stop at the program (or "--").  The options that change how a
 * program runs (-L, -cpu, -accel, -tb-size, -one-insn-per-tb, -strace)
 * are kept to be given again to the mimic that runs an i386 program the
 * guest execs; the environment is the guest's own by then, and logging
 * stays with this process, as do -g, the traces and -rr (the recording
 * is of this process only).  With -rr replay the program may be left
 * out: the recorded one runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets/i386/cpu-trace.h"
#include "exec/accel-option.h"
#include "linux-user/linux-user.h"
#include "linux-user/trace-follow.h"
#include "replay/virtual-clock.h"
#include "targets/i386/cpuid.h"
#include "util/error.h"
#include "util/log.h"
#include "util/options.h"

enum {
    OPT_SYSROOT,
    OPT_SETENV,
    OPT_UNSETENV,
    OPT_ARGV0,
    OPT_CPU,
    OPT_ACCEL,
    OPT_TB_SIZE,
    OPT_ONE_INSN,
    OPT_STRACE,
    OPT_LOG,
    OPT_LOG_FILE,
    OPT_VERSION,
    OPT_HELP,
    OPT_TRACE_CPU,
    OPT_TRACE_FPU,
    OPT_TRACE_FOLLOW,
    OPT_GDB,
    OPT_ICOUNT,
    OPT_RR,
};

static const OptionDef user_options[] = {
    { "L", OPT_ARG_STRING, OPT_SYSROOT, "path",
      "look up the interpreter and absolute paths under path first", 0, 0, 0 },
    { "E", OPT_ARG_STRING, OPT_SETENV, "var=value", "set a variable in the guest's environment",
      0, 0, 0 },
    { "U", OPT_ARG_STRING, OPT_UNSETENV, "var", "remove a variable from the guest's environment",
      0, 0, 0 },
    { "0", OPT_ARG_STRING, OPT_ARGV0, "argv0", "the program's argv[0] (default: its path)", 0,
      0, 0 },
    { "cpu", OPT_ARG_STRING, OPT_CPU, "model", "CPU model (-cpu help lists them)", 0, 0, 0 },
    { "accel", OPT_ARG_STRING, OPT_ACCEL, "tcg[,jit=off]",
      "jit=off runs the IR interpreter instead of generated x86-64 code", 0, 0, 0 },
    { "tb-size", OPT_ARG_SIZE, OPT_TB_SIZE, "MB", "translation cache size (default 32 MiB)",
      16u << 10, 1ull << 30, 1ull << 20 },
    { "one-insn-per-tb", OPT_ARG_NONE, OPT_ONE_INSN, NULL,
      "translate one guest instruction per block", 0, 0, 0 },
    { "trace-cpu", OPT_ARG_STRING, OPT_TRACE_CPU, "file",
      "write a trace of every instruction (docs/trace-format.md)", 0, 0, 0 },
    { "trace-fpu", OPT_ARG_UINT, OPT_TRACE_FPU, "n",
      "with -trace-cpu: the x87/SSE state every n instructions (0: never)", 0, 1u << 30, 0 },
    { "trace-follow", OPT_ARG_STRING, OPT_TRACE_FOLLOW, "file",
      "take system call results, CPUID, RDTSC and the initial stack from a reference trace",
      0, 0, 0 },
    { "strace", OPT_ARG_NONE, OPT_STRACE, NULL, "log system calls", 0, 0, 0 },
    { "icount", OPT_ARG_STRING, OPT_ICOUNT, "shift=N|auto[,rr=record|replay,rrfile=F]",
      "guest time advances 2^N ns per instruction (auto: N = 3); rr= as -rr", 0, 0, 0 },
    { "rr", OPT_ARG_STRING, OPT_RR, "record|replay,file=F[,checkpoint=N][,verify]",
      "record the run into F (a checkpoint every N instructions of a thread), or replay F "
      "(verify: check it without the guest's output)", 0, 0, 0 },
    { "g", OPT_ARG_STRING, OPT_GDB, "[host:]port|unix:path[,disconnect=run|stop]",
      "wait for gdb on the port (127.0.0.1 unless host is given) or Unix socket; when gdb "
      "goes away the guest runs on (or stays stopped for the next gdb)", 0, 0, 0 },
    { "d", OPT_ARG_STRING, OPT_LOG, "item,...", "log the items (-d help lists them)", 0, 0, 0 },
    { "D", OPT_ARG_STRING, OPT_LOG_FILE, "file", "write the log to file", 0, 0, 0 },
    { "version", OPT_ARG_NONE, OPT_VERSION, NULL, "print the version", 0, 0, 0 },
    { "h", OPT_ARG_NONE, OPT_HELP, NULL, "print this help", 0, 0, 0 },
    { "help", OPT_ARG_NONE, OPT_HELP, NULL, "print this help", 0, 0, 0 },
    { NULL, 0, 0, NULL, NULL, 0, 0, 0 },
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s [options] PROGRAM [ARGS...]\n"
            "Runs a 32-bit x86 Linux program.\n\n",
            util_progname());
    options_print_help(out, user_options);
}

static void add_child_option(LinuxUserOptions *o, const char *opt, const char *value)
{
    char **v = realloc(o->child_argv, sizeof(*v) * (size_t)(o->child_argc + 3));
    if (!v)
        fatal_user_error("out of memory");
    o->child_argv = v;
    v[o->child_argc++] = (char *)opt;
    if (value)
        v[o->child_argc++] = (char *)value;
    v[o->child_argc] = NULL;
}

static void add_env_edit(LinuxUserOptions *o, const char *s, bool unset)
{
    char **e = realloc(o->env_edits, sizeof(*e) * (size_t)(o->nb_env_edits + 1));
    bool *u = realloc(o->env_unset, sizeof(*u) * (size_t)(o->nb_env_edits + 1));
    if (!e || !u)
        fatal_user_error("out of memory");
    o->env_edits = e;
    o->env_unset = u;
    e[o->nb_env_edits] = (char *)s;
    u[o->nb_env_edits] = unset;
    o->nb_env_edits++;
}

enum { GDB_ADDR, GDB_DISCONNECT };

static const OptionDef gdb_suboptions[] = {
    { "addr", OPT_ARG_STRING, GDB_ADDR, NULL, NULL, 0, 0, 0 },
    { "disconnect", OPT_ARG_STRING, GDB_DISCONNECT, NULL, NULL, 0, 0, 0 },
    { NULL, 0, 0, NULL, NULL, 0, 0, 0 },
};

enum { ICOUNT_SHIFT, ICOUNT_RR, ICOUNT_RRFILE };

static const OptionDef icount_suboptions[] = {
    { "shift", OPT_ARG_STRING, ICOUNT_SHIFT, NULL, NULL, 0, 0, 0 },
    { "rr", OPT_ARG_STRING, ICOUNT_RR, NULL, NULL, 0, 0, 0 },
    { "rrfile", OPT_ARG_STRING, ICOUNT_RRFILE, NULL, NULL, 0, 0, 0 },
    { NULL, 0, 0, NULL, NULL, 0, 0, 0 },
};

/* -icount [shift=]N|auto[,rr=record|replay,rrfile=F] (QEMU's spelling of
 * -rr).  The shift alone is what an exec'd child gets: *child_opt. */
static void parse_icount_option(LinuxUserOptions *o, const char *list, char **child_opt)
{
    SubOptParser sp;
    const OptionDef *def;
    OptionValue v;
    int r;
    const char *rr = NULL, *rrfile = NULL, *shift = NULL;
    o->icount_shift = -1;
    subopts_init(&sp, icount_suboptions, list, "shift", "-icount");
    while ((r = subopts_next(&sp, &def, &v)) == OPTIONS_FOUND) {
        uint64_t n;
        /* v.str lives only until the next sub-option */
        char *copy = strdup(v.str);
        if (!copy)
            fatal_user_error("out of memory");
        if (def->id == ICOUNT_RR) {
            rr = copy;
            continue;
        }
        if (def->id == ICOUNT_RRFILE) {
            rrfile = copy;
            continue;
        }
        shift = copy;
        if (strcmp(v.str, "auto") == 0)
            o->icount_shift = REPLAY_ICOUNT_AUTO_SHIFT;
        else if (options_parse_uint(v.str, &n) && n <= REPLAY_ICOUNT_MAX_SHIFT)
            o->icount_shift = (int)n;
        else
            fatal_user_error("-icount: shift must be auto or 0 to %d", REPLAY_ICOUNT_MAX_SHIFT);
    }
    if (r == OPTIONS_ERROR)
        fatal_user_error("%s", sp.err);
    if (o->icount_shift < 0)
        fatal_user_error("-icount: shift=N or shift=auto is needed");
    if (rrfile && !rr)
        fatal_user_error("-icount: rrfile= goes with rr=record or rr=replay");
    if (rr) {
        if (strcmp(rr, "record") != 0 && strcmp(rr, "replay") != 0)
            fatal_user_error("-icount: rr must be record or replay");
        if (!rrfile || !rrfile[0])
            fatal_user_error("-icount: rr=%s needs rrfile=F", rr);
        char *spec = malloc(strlen(rr) + strlen(rrfile) + 8);
        if (!spec)
            fatal_user_error("out of memory");
        sprintf(spec, "%s,file=%s", rr, rrfile);
        if (o->rr.mode != REPLAY_MODE_OFF)
            fatal_user_error("-icount rr= and -rr: one of them");
        replay_parse_option(&o->rr, spec);
    }
    *child_opt = malloc(strlen(shift) + 8);
    if (!*child_opt)
        fatal_user_error("out of memory");
    sprintf(*child_opt, "shift=%s", shift);
}

/* -g ADDR[,disconnect=run|stop] */
static void parse_gdb_option(LinuxUserOptions *o, const char *list)
{
    SubOptParser sp;
    const OptionDef *def;
    OptionValue v;
    int r;
    subopts_init(&sp, gdb_suboptions, list, "addr", "-g");
    while ((r = subopts_next(&sp, &def, &v)) == OPTIONS_FOUND) {
        if (def->id == GDB_ADDR) {
            char *addr = strdup(v.str);
            if (!addr)
                fatal_user_error("out of memory");
            o->gdb = addr;
        } else if (strcmp(v.str, "run") == 0 || strcmp(v.str, "stop") == 0) {
            o->gdb_disconnect_stop = v.str[0] == 's';
        } else {
            fatal_user_error("-g: disconnect must be run or stop");
        }
    }
    if (r == OPTIONS_ERROR)
        fatal_user_error("%s", sp.err);
    if (!o->gdb || !o->gdb[0])
        fatal_user_error("-g: an address is needed ([host:]port or unix:path)");
}

void linux_user_parse_options(LinuxUserOptions *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    o->icount_shift = -1;
    o->backend = &jit_backend_x86_64;

    OptionParser p;
    const OptionDef *def;
    OptionValue v;
    int r;
    char q[UTIL_QUOTE_MAX];
    options_init(&p, user_options, argc, argv);
    while ((r = options_next(&p, &def, &v)) == OPTIONS_FOUND) {
        switch (def->id) {
        case OPT_SYSROOT:
            o->sysroot = v.str;
            add_child_option(o, "-L", v.str);
            break;
        case OPT_SETENV:
            if (!strchr(v.str, '=') || v.str[0] == '=') {
                util_quote(q, sizeof(q), v.str, (unsigned)strlen(v.str));
                fatal_user_error("-E: '%s' is not var=value", q);
            }
            add_env_edit(o, v.str, false);
            break;
        case OPT_UNSETENV:
            if (!v.str[0] || strchr(v.str, '=')) {
                util_quote(q, sizeof(q), v.str, (unsigned)strlen(v.str));
                fatal_user_error("-U: '%s' is not a variable name", q);
            }
            add_env_edit(o, v.str, true);
            break;
        case OPT_ARGV0:
            o->argv0 = v.str;
            break;
        case OPT_CPU:
            if (strcmp(v.str, "help") == 0 || strcmp(v.str, "?") == 0) {
                i386_model_list(stdout);
                exit(0);
            }
            o->model = i386_model_find(v.str);
            if (!o->model) {
                util_quote(q, sizeof(q), v.str, (unsigned)strlen(v.str));
                fatal_user_error("-cpu: unknown CPU model '%s' (-cpu help lists them)", q);
            }
            add_child_option(o, "-cpu", v.str);
            break;
        case OPT_ACCEL:
            o->backend = accel_option_parse(v.str);
            add_child_option(o, "-accel", v.str);
            break;
        case OPT_TB_SIZE:
            o->tb_size = v.num;
            add_child_option(o, "-tb-size", v.str);
            break;
        case OPT_ONE_INSN:
            o->one_insn_per_tb = true;
            add_child_option(o, "-one-insn-per-tb", NULL);
            break;
        case OPT_TRACE_CPU:
            /* Not passed on to an exec'd child: the file is this run's. */
            cpu_trace_request(v.str, argc, argv);
            break;
        case OPT_TRACE_FPU:
            cpu_trace_set_fpu_interval((uint32_t)v.num);
            break;
        case OPT_TRACE_FOLLOW:
            trace_follow_request(v.str);
            break;
        case OPT_GDB:
            /* Not passed on to an exec'd child: the port is this run's. */
            parse_gdb_option(o, v.str);
            break;
        case OPT_ICOUNT: {
            char *child;
            parse_icount_option(o, v.str, &child);
            add_child_option(o, "-icount", child);
            break;
        }
        case OPT_RR:
            /* Not passed on to an exec'd child: the recording is this
             * process's. */
            if (o->rr.mode != REPLAY_MODE_OFF)
                fatal_user_error("-rr: given twice");
            replay_parse_option(&o->rr, v.str);
            break;
        case OPT_STRACE:
            o->strace = true;
            add_child_option(o, "-strace", NULL);
            break;
        case OPT_LOG:
            log_set_mask(log_parse_items_or_exit(v.str));
            break;
        case OPT_LOG_FILE: {
            char err[256];
            if (log_set_file(v.str, err, sizeof(err)) < 0)
                fatal_user_error("%s", err);
            break;
        }
        case OPT_VERSION:
            printf("%s version " MIMIC_VERSION "\n", util_progname());
            exit(0);
        case OPT_HELP:
            usage(stdout);
            exit(0);
        }
    }
    if (r == OPTIONS_ERROR)
        fatal_user_error("%s", p.err);
    if (p.index >= argc && o->rr.mode != REPLAY_MODE_PLAY)
        fatal_user_error("no program given (mimic-i386 -h lists the options)");
    if (o->rr.mode != REPLAY_MODE_OFF && trace_follow_requested())
        fatal_user_error("-rr and -trace-follow: one of them (both supply the program's inputs)");
    o->prog_index = p.index;
}

char **linux_user_environment(const LinuxUserOptions *o, char *const *envp)
{
    size_t n = 0;
    while (envp && envp[n])
        n++;
    char **env = calloc(n + (size_t)o->nb_env_edits + 1, sizeof(*env));
    if (!env)
        fatal_user_error("out of memory");
    for (size_t i = 0; i < n; i++)
        env[i] = envp[i];
    for (int k = 0; k < o->nb_env_edits; k++) {
        const char *e = o->env_edits[k];
        size_t name_len = o->env_unset[k] ? strlen(e) : (size_t)(strchr(e, '=') - e);
        size_t i = 0;
        while (i < n && !(strncmp(env[i], e, name_len) == 0 && env[i][name_len] == '='))
            i++;
        if (o->env_unset[k]) {
            if (i < n) {
                memmove(&env[i], &env[i + 1], (n - i) * sizeof(*env));
                n--;
            }
        } else if (i < n) {
            env[i] = (char *)e;
        } else {
            env[n++] = (char *)e;
            env[n] = NULL;
        }
    }
    return env;
}
