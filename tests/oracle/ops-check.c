/*
 * See ops-check.h.
 */
#include "ops-check.h"

#include <cpuid.h>
#include <stdio.h>
#include <string.h>

const uint32_t ops_edge_values[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x12345678, 0xa5c3e1f0,
};
const size_t ops_nb_edge_values = sizeof(ops_edge_values) / sizeof(ops_edge_values[0]);

/* Failures printed per checker, beyond which only the count grows. */
#define OPS_MAX_REPORTS 25

bool ops_checker_init(OpsChecker *k)
{
    *k = (OpsChecker){ 0 };
    if (!oracle_open(&k->oracle))
        return false;
    for (int m = 0; m < RIG_NB_MODES; m++) {
        k->rig[m] = i386_rig_new((I386RigMode)m);
        if (!k->rig[m]) {
            ops_checker_destroy(k);
            return false;
        }
    }
    return true;
}

void ops_checker_destroy(OpsChecker *k)
{
    if (k->cases)
        printf("ops-check: %u cases on the host and in %d modes, %u failed, %u skipped\n",
               k->cases, RIG_NB_MODES, k->failures, k->skipped);
    for (int m = 0; m < RIG_NB_MODES; m++) {
        i386_rig_free(k->rig[m]);
        k->rig[m] = NULL;
    }
    if (k->oracle.pid > 0)
        oracle_close(&k->oracle);
    k->oracle.pid = 0;
}

static void report(OpsChecker *k, const OracleCase *c, int mode, const OracleResult *want,
                   const OracleResult *got, const char *diff)
{
    if (k->reported++ >= OPS_MAX_REPORTS)
        return;
    char text[1024];
    oracle_case_format(c, text, sizeof(text));
    fprintf(stderr, "MISMATCH (%s): %s\n", i386_rig_mode_name((I386RigMode)mode), text);
    fprintf(stderr, "   differs:%s\n", diff);
    oracle_result_format(want, text, sizeof(text));
    fprintf(stderr, "   host:  %s\n", text);
    oracle_result_format(got, text, sizeof(text));
    fprintf(stderr, "   mimic: %s\n", text);
}

bool ops_check_masked(OpsChecker *k, const OracleCase *c, uint32_t ignore_flags)
{
    static OracleResult got;
    char diff[1024];
    bool ok = true;
    k->cases++;
    if (!oracle_run(&k->oracle, c, &k->last)) {
        k->failures++;
        return false;
    }
    if (k->last.status == ORACLE_TIMEOUT) {
        oracle_case_format(c, diff, sizeof(diff));
        fprintf(stderr, "the case timed out natively: %s\n", diff);
        k->failures++;
        return false;
    }
    for (int m = 0; m < RIG_NB_MODES; m++) {
        i386_rig_run(k->rig[m], c, &got);
        if (!oracle_result_compare(&k->last, &got, ignore_flags, diff, sizeof(diff))) {
            report(k, c, m, &k->last, &got, diff);
            ok = false;
        }
    }
    if (!ok)
        k->failures++;
    return ok;
}

bool ops_check(OpsChecker *k, const OracleCase *c)
{
    return ops_check_masked(k, c, 0);
}

bool ops_host_is_reference(void)
{
    static int known = -1;
    if (known < 0) {
        unsigned a, b, c, d;
        char vendor[13] = { 0 };
        __cpuid(0, a, b, c, d);
        memcpy(vendor, &b, 4);
        memcpy(vendor + 4, &d, 4);
        memcpy(vendor + 8, &c, 4);
        known = strcmp(vendor, "AuthenticAMD") == 0;
        if (!known)
            printf("ops-check: host CPU is %s, not AMD: undefined flags and results are "
                   "not compared\n", vendor);
    }
    return known;
}

bool ops_check_undef(OpsChecker *k, const OracleCase *c, uint32_t undef_flags,
                     bool undef_result)
{
    if (ops_host_is_reference())
        return ops_check(k, c);
    if (undef_result) {
        k->skipped++;
        return true;
    }
    return ops_check_masked(k, c, undef_flags);
}
