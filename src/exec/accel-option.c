#include "exec/accel-option.h"

#include <stdbool.h>
#include <string.h>

#include "util/error.h"
#include "util/options.h"

enum { ACCEL_ACCEL, ACCEL_JIT };

static const OptionDef accel_options[] = {
    { "accel", OPT_ARG_STRING, ACCEL_ACCEL, NULL, NULL, 0, 0, 0 },
    { "jit", OPT_ARG_BOOL, ACCEL_JIT, NULL, NULL, 0, 0, 0 },
    { NULL, 0, 0, NULL, NULL, 0, 0, 0 },
};

const JitBackend *accel_option_parse(const char *list)
{
    SubOptParser sp;
    const OptionDef *def;
    OptionValue v;
    int r;
    bool jit = true;

    subopts_init(&sp, accel_options, list, "accel", "-accel");
    while ((r = subopts_next(&sp, &def, &v)) == OPTIONS_FOUND) {
        if (def->id == ACCEL_ACCEL && strcmp(v.str, "tcg") != 0) {
            char q[UTIL_QUOTE_MAX];
            util_quote(q, sizeof(q), v.str, (unsigned)strlen(v.str));
            fatal_user_error("-accel: unknown accelerator '%s' (only tcg)", q);
        }
        if (def->id == ACCEL_JIT)
            jit = v.num != 0;
    }
    if (r == OPTIONS_ERROR)
        fatal_user_error("%s", sp.err);
    return jit ? &jit_backend_x86_64 : &jit_backend_interp;
}
