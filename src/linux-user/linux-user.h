/*
 * The Linux user-mode emulator as a library call: what the mimic-i386
 * front end runs.
 */
#ifndef MIMIC_LINUX_USER_LINUX_USER_H
#define MIMIC_LINUX_USER_LINUX_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jit/backend.h"
#include "replay/replay.h"

#define MIMIC_VERSION "0.3"

struct I386Model;

/* What the command line asked for. */
typedef struct LinuxUserOptions {
    const char *sysroot;            /* -L */
    const struct I386Model *model;  /* -cpu; NULL = the default */
    const JitBackend *backend;      /* -accel tcg[,jit=off] */
    size_t tb_size;                 /* -tb-size, bytes; 0 = default */
    bool one_insn_per_tb;           /* -one-insn-per-tb */
    bool strace;                    /* -strace */
    const char *gdb;                /* -g: where to wait for gdb, or NULL */
    bool gdb_disconnect_stop;       /* -g ...,disconnect=stop */
    int icount_shift;               /* -icount shift=N, or -1 */
    ReplayOptions rr;               /* -rr, or -icount ...,rr=,rrfile= */
    const char *argv0;              /* -0: the guest's argv[0] */
    /* -E var=val and -U var, in command-line order: "var=val" or "var" */
    char **env_edits;
    bool *env_unset;
    int nb_env_edits;
    /* Options a child mimic (execve of an i386 program) gets again. */
    char **child_argv;
    int child_argc;
    int prog_index;                 /* argv index of the program */
} LinuxUserOptions;

/*
 * Parses the options (exits for -h, -version, -cpu help, -d help, and
 * with a one-line user error for bad ones).  Returns with
 * opts->prog_index at the program's path.
 */
void linux_user_parse_options(LinuxUserOptions *opts, int argc, char **argv);

/* The environment the guest starts with: envp edited by the -E/-U list,
 * newly allocated. */
char **linux_user_environment(const LinuxUserOptions *opts, char *const *envp);

/* Loads and runs the program; returns only on a setup failure (after
 * printing the error), never when the guest ends (it exits the process
 * with the guest's status, or is killed by the guest's signal). */
int linux_user_run(const LinuxUserOptions *opts, int argc, char **argv, char **envp);

#endif
