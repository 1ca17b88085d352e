/*
 * The -accel option shared by the front ends: "tcg" (the only
 * accelerator) with "jit=on|off" choosing between generated x86-64 code
 * and the IR interpreter.
 */
#ifndef MIMIC_EXEC_ACCEL_OPTION_H
#define MIMIC_EXEC_ACCEL_OPTION_H

#include "jit/backend.h"

/* The backend that list ("tcg", "tcg,jit=off", "jit=on") selects; a bad
 * list is a one-line user error. */
const JitBackend *accel_option_parse(const char *list);

#endif
