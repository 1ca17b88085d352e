/*
 * Checking i386 instructions against the host: one case runs on the
 * native oracle and in mimic in every rig mode (interpreter, x86-64,
 * x86-64 one instruction per block), and all results must be equal.
 * Used by tests/unit/test-i386-ops-*.c, which build tables of cases.
 */
#ifndef MIMIC_TESTS_ORACLE_OPS_CHECK_H
#define MIMIC_TESTS_ORACLE_OPS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i386-rig.h"
#include "oracle-client.h"

typedef struct OpsChecker {
    Oracle oracle;
    I386Rig *rig[RIG_NB_MODES];
    unsigned cases;         /* cases run */
    unsigned failures;      /* cases where some mode disagreed */
    unsigned skipped;       /* undefined results on a non-reference host */
    unsigned reported;      /* failures printed so far */
    OracleResult last;      /* the oracle's result of the last case */
} OpsChecker;

/* Starts the oracle and the rigs; false (reason on stderr) on failure. */
bool ops_checker_init(OpsChecker *k);
void ops_checker_destroy(OpsChecker *k);

/* Runs c natively and in every mode and compares (flags in ignore_flags
 * excepted); prints the first mismatches.  Returns true when all agree.
 * k->last holds the native result afterwards. */
bool ops_check_masked(OpsChecker *k, const OracleCase *c, uint32_t ignore_flags);
bool ops_check(OpsChecker *k, const OracleCase *c);

/*
 * mimic reproduces what the SDM leaves undefined as the AMD CPU it was
 * measured on does (the comments of src/targets/i386/translate-*.c say
 * what).  On such a host every bit is compared.  On another host the
 * undefined parts cannot match: ops_check_undef then ignores the flags in
 * undef_flags and skips the case if its result is undefined
 * (undef_result), counting it in k->skipped.
 */
bool ops_check_undef(OpsChecker *k, const OracleCase *c, uint32_t undef_flags,
                     bool undef_result);
/* True when the host is the kind of CPU mimic's undefined bits model. */
bool ops_host_is_reference(void);

/* A case from code bytes: OPS_CASE(&c, 0xd3, 0xe0). */
#define OPS_CASE(c, ...)                                                       \
    do {                                                                       \
        static const uint8_t ops_code_[] = { __VA_ARGS__ };                    \
        oracle_case_init((c), ops_code_, sizeof(ops_code_));                   \
    } while (0)

/* The operand values every test sweeps: the edges of 8, 16 and 32 bits
 * and a few mixed patterns. */
extern const uint32_t ops_edge_values[];
extern const size_t ops_nb_edge_values;

#endif
