/*
 * Running oracle test cases (oracle-proto.h) in mimic.
 *
 * A rig is one i386 vCPU on its own ExecContext with a chosen backend,
 * and a guest address space laid out as the oracle's: the code page and
 * the data window are mapped, everything else of the 4 GiB reservation
 * is PROT_NONE, so a guest access outside them is a host SIGSEGV which
 * the rig turns into a precise #PF (the way the user-mode layer does for
 * real programs).  i386_rig_run fills an OracleResult exactly as the
 * oracle would for the same case, so the two compare field by field.
 */
#ifndef MIMIC_TESTS_ORACLE_I386_RIG_H
#define MIMIC_TESTS_ORACLE_I386_RIG_H

#include "exec/exec.h"
#include "oracle-proto.h"
#include "targets/i386/cpu.h"
#include "targets/i386/cpuid.h"

typedef enum I386RigMode {
    RIG_INTERP,          /* IR interpreter */
    RIG_JIT,             /* x86-64 backend */
    RIG_JIT_ONE_INSN,    /* x86-64 backend, one instruction per block */
    RIG_NB_MODES
} I386RigMode;

typedef struct I386Rig {
    I386RigMode mode;
    ExecContext ctx;
    I386CPU cpu;
    uint8_t *space;          /* guest address 0 */
    uint64_t ldt[1];         /* ORACLE_LDT_DESC */
    uint8_t initial[ORACLE_DATA_SIZE];
} I386Rig;

const char *i386_rig_mode_name(I386RigMode mode);
/* NULL (with the reason on stderr) if the rig could not be set up. */
I386Rig *i386_rig_new(I386RigMode mode);
/* The same with a CPU model (NULL: the default), for the instruction
 * sets it enables. */
I386Rig *i386_rig_new_model(I386RigMode mode, const I386Model *model);
void i386_rig_free(I386Rig *rig);
/* Runs c from a fresh state, with no block of an earlier case. */
void i386_rig_run(I386Rig *rig, const OracleCase *c, OracleResult *r);
/* After i386_rig_run(rig, c, ...): whether the case wrote over its own
 * code.  The rig does not model self-modifying code (the user-mode layer
 * does, and its tests cover it), so such a case says nothing. */
bool i386_rig_code_changed(const I386Rig *rig, const OracleCase *c);

/* The guest address space of a rig, for tests that run their own code
 * on several vCPUs: reserves 4 GiB, maps the code page and the window. */
uint8_t *i386_rig_space_new(void);
void i386_rig_space_free(uint8_t *space);
/* Makes the SIGSEGV handler attribute faults on this thread to cpu. */
void i386_rig_set_current(I386CPU *cpu);
/* Takes SIGSEGV/SIGBUS for guest faults (a test framework may have its
 * own handler: install right before running guest code), and gives them
 * back.  i386_rig_run does both. */
void i386_rig_install_fault_handler(void);
void i386_rig_release_faults(void);

#endif
