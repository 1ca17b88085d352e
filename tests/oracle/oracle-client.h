/*
 * Running i386 test cases on the native oracle, from a 64-bit test.
 *
 * oracle_open starts build/.../i386-oracle --serve (the path the build
 * compiled in, or $MIMIC_I386_ORACLE) on a pair of pipes; oracle_run
 * sends one case and reads its result.  The case builders and the
 * comparison of two results are here too, so that every test that checks
 * mimic against the host phrases cases and mismatches the same way.
 */
#ifndef MIMIC_TESTS_ORACLE_CLIENT_H
#define MIMIC_TESTS_ORACLE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oracle-proto.h"

typedef struct Oracle {
    pid_t pid;
    int to_fd, from_fd;
} Oracle;

/* Starts the oracle; false (with the reason on stderr) if it cannot run. */
bool oracle_open(Oracle *o);
/* Runs c natively; false if the oracle died or answered nonsense. */
bool oracle_run(Oracle *o, const OracleCase *c, OracleResult *r);
void oracle_close(Oracle *o);

/* A case with the given code, all registers 0 but ESP (the middle of
 * the data window), flags clear, flat segments, no patch, the x87/SSE
 * state of a new process (oracle_fx_default). */
void oracle_case_init(OracleCase *c, const void *code, size_t len);
/* Appends code bytes. */
void oracle_case_add_code(OracleCase *c, const void *code, size_t len);
/* Sets the data window patch: len bytes at offset off. */
void oracle_case_patch(OracleCase *c, uint32_t off, const void *bytes, size_t len);

/* One line describing the case: code bytes, registers, flags, segments. */
void oracle_case_format(const OracleCase *c, char *buf, size_t size);
/* Compares a result with the reference: status, vector, eip, cr2 for
 * #PF, registers, the flags in ORACLE_EFLAGS_MASK except ignore_flags,
 * memory, and the x87/SSE state: FCW, FSW, abridged FTW, MXCSR, ST0-7
 * (80 bits), XMM0-7 (not FOP/FIP/FCS/FDP/FDS/MXCSR_MASK).  Returns true when equal; otherwise writes what differs
 * into buf. */
bool oracle_result_compare(const OracleResult *want, const OracleResult *got,
                           uint32_t ignore_flags, char *buf, size_t size);
void oracle_result_format(const OracleResult *r, char *buf, size_t size);

#endif
