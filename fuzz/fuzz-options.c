/*
 * Fuzzes the command-line surface: the option table parser, the -d log
 * item parser and the key=value sub-option parser, with arbitrary argv.
 *
 * Input: the bytes split at NUL into argv elements (argv[0] is fixed).
 * Besides "no crash, no leak, no undefined behaviour", it checks what the
 * parsers promise: parsing ends inside argv, values respect the table's
 * ranges, accepted numbers are what strtoull reads, and every error is
 * one non-empty line.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/options.h"

#define MAX_ARGS 64

enum { F_D, F_DFILE, F_TBSIZE, F_ONE, F_ACCEL, F_ICOUNT, F_MEM, F_SWITCH, F_HELP };

static const OptionDef options[] = {
    { .name = "d", .arg = OPT_ARG_STRING, .id = F_D },
    { .name = "D", .arg = OPT_ARG_STRING, .id = F_DFILE },
    { .name = "tb-size", .arg = OPT_ARG_UINT, .id = F_TBSIZE, .min = 1, .max = 2048 },
    { .name = "one-insn-per-tb", .arg = OPT_ARG_NONE, .id = F_ONE },
    { .name = "accel", .arg = OPT_ARG_STRING, .id = F_ACCEL },
    { .name = "icount", .arg = OPT_ARG_STRING, .id = F_ICOUNT },
    { .name = "m", .arg = OPT_ARG_SIZE, .id = F_MEM, .min = 1 << 20, .unit = 1 << 20 },
    { .name = "switch", .arg = OPT_ARG_BOOL, .id = F_SWITCH },
    { .name = "h", .arg = OPT_ARG_NONE, .id = F_HELP },
    { .name = NULL },
};

static const OptionDef accel_params[] = {
    { .name = "accel", .arg = OPT_ARG_STRING },
    { .name = "jit", .arg = OPT_ARG_BOOL },
    { .name = "tb-size", .arg = OPT_ARG_SIZE, .unit = 1 << 20, .max = 1ull << 32 },
    { .name = "one-insn-per-tb", .arg = OPT_ARG_NONE },
    { .name = NULL },
};

static const OptionDef icount_params[] = {
    { .name = "shift", .arg = OPT_ARG_UINT, .max = 10 },
    { .name = "sleep", .arg = OPT_ARG_BOOL },
    { .name = "rr", .arg = OPT_ARG_STRING },
    { .name = "rrfile", .arg = OPT_ARG_STRING },
    { .name = NULL },
};

static void check(bool ok)
{
    if (!ok)
        abort();
}

static void check_one_line(const char *err, size_t max)
{
    size_t len = strnlen(err, max);
    check(len > 0 && len < max);
    for (size_t i = 0; i < len; i++)
        check(err[i] != '\n' && err[i] != '\r');
}

static void check_value(const OptionDef *def, const OptionValue *v)
{
    switch (def->arg) {
    case OPT_ARG_NONE:
        check(v->num == 1);
        break;
    case OPT_ARG_STRING:
        check(v->str != NULL);
        break;
    case OPT_ARG_BOOL:
        check(v->num <= 1);
        break;
    case OPT_ARG_UINT:
    case OPT_ARG_SIZE:
        check(v->num >= def->min && (def->max == 0 || v->num <= def->max));
        break;
    }
}

/* An accepted number must read the same with the C library. */
static void check_uint_parse(const char *s)
{
    uint64_t v;
    if (!options_parse_uint(s, &v))
        return;
    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *digits = hex ? s + 2 : s;
    check(*digits != '\0');
    for (const char *c = digits; *c; c++)
        check(hex ? strchr("0123456789abcdefABCDEF", *c) != NULL : (*c >= '0' && *c <= '9'));
    char *end;
    unsigned long long want = strtoull(digits, &end, hex ? 16 : 10);
    check(*end == '\0' && want == v);
}

static void run_subopts(const OptionDef *defs, const char *list, const char *implied)
{
    SubOptParser sp;
    const OptionDef *def;
    OptionValue v;
    int r, n = 0;
    subopts_init(&sp, defs, list, implied, "-opt");
    while ((r = subopts_next(&sp, &def, &v)) == OPTIONS_FOUND) {
        check_value(def, &v);
        check(++n <= (int)strlen(list) + 1);
    }
    if (r == OPTIONS_ERROR)
        check_one_line(sp.err, sizeof(sp.err));
    else
        check(r == OPTIONS_END);
}

/* Every bit a log item stands for. */
static uint32_t log_items_all(void)
{
    uint32_t all = 0;
    for (const LogItem *it = log_items; it->name; it++)
        all |= it->mask;
    return all;
}

static void run_log_items(const char *list)
{
    uint32_t mask = 0;
    char err[128];
    err[0] = '\0';
    int r = log_parse_items(list, &mask, err, sizeof(err));
    if (r == LOG_PARSE_ERROR)
        check_one_line(err, sizeof(err));
    else if (r == LOG_PARSE_OK)
        check((mask & ~log_items_all()) == 0);
    else
        check(r == LOG_PARSE_HELP);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv[argc++] = "mimic-fuzz";
    for (char *p = buf; p <= buf + size && argc < MAX_ARGS; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;

    OptionParser p;
    const OptionDef *def;
    OptionValue v;
    int r;
    options_init(&p, options, argc, argv);
    while ((r = options_next(&p, &def, &v)) == OPTIONS_FOUND) {
        check_value(def, &v);
        if (def->id == F_D)
            run_log_items(v.str);
        else if (def->id == F_ACCEL)
            run_subopts(accel_params, v.str, "accel");
        else if (def->id == F_ICOUNT)
            run_subopts(icount_params, v.str, "shift");
    }
    check(p.index >= 1 && p.index <= argc);
    if (r == OPTIONS_ERROR)
        check_one_line(p.err, sizeof(p.err));
    else
        check(r == OPTIONS_END);

    /* Every element through every parser, whatever its position. */
    for (int i = 1; i < argc; i++) {
        check_uint_parse(argv[i]);
        run_log_items(argv[i]);
        run_subopts(accel_params, argv[i], i & 1 ? "accel" : NULL);
        run_subopts(icount_params, argv[i], "shift");
    }
    free(buf);
    return 0;
}
