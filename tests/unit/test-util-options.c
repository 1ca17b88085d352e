/*
 * The option table parser and the key=value sub-option parser: what is
 * accepted, where parsing stops, and the exact one-line errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/options.h"

enum { O_D, O_DFILE, O_TBSIZE, O_ONE, O_ACCEL, O_MEM, O_SWITCH, O_HELP };

static const OptionDef opts[] = {
    { .name = "d", .arg = OPT_ARG_STRING, .id = O_D, .metavar = "item,...",
      .help = "log items" },
    { .name = "D", .arg = OPT_ARG_STRING, .id = O_DFILE, .metavar = "file",
      .help = "log file" },
    { .name = "tb-size", .arg = OPT_ARG_UINT, .id = O_TBSIZE, .metavar = "MB",
      .help = "code buffer size", .min = 1, .max = 2048 },
    { .name = "one-insn-per-tb", .arg = OPT_ARG_NONE, .id = O_ONE,
      .help = "one guest instruction per block" },
    { .name = "accel", .arg = OPT_ARG_STRING, .id = O_ACCEL, .metavar = "tcg,..." },
    { .name = "m", .arg = OPT_ARG_SIZE, .id = O_MEM, .metavar = "size",
      .min = 1 << 20, .unit = 1 << 20 },
    { .name = "switch", .arg = OPT_ARG_BOOL, .id = O_SWITCH },
    { .name = "h", .arg = OPT_ARG_NONE, .id = O_HELP, .help = "this help" },
    { .name = NULL },
};

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Parses argv to the end; records ids and values; returns the status
 * options_next finished with. */
typedef struct Seen {
    int n;
    int ids[16];
    uint64_t nums[16];
    const char *strs[16];
} Seen;

static int parse_all(OptionParser *p, int argc, char *const *argv, Seen *seen)
{
    const OptionDef *def;
    OptionValue v;
    int r;
    memset(seen, 0, sizeof(*seen));
    options_init(p, opts, argc, argv);
    while ((r = options_next(p, &def, &v)) == OPTIONS_FOUND) {
        assert_true(seen->n < 16);
        seen->ids[seen->n] = def->id;
        seen->nums[seen->n] = v.num;
        seen->strs[seen->n] = v.str;
        seen->n++;
    }
    return r;
}

static void test_typical_command_line(void **state)
{
    (void)state;
    char *argv[] = { "mimic-i386", "-d", "in_asm,op", "-tb-size", "64",
                     "-one-insn-per-tb", "--D", "log.txt", "prog", "-h", "arg" };
    OptionParser p;
    Seen s;
    assert_int_equal(parse_all(&p, ARGC(argv), argv, &s), OPTIONS_END);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.ids[0], O_D);
    assert_string_equal(s.strs[0], "in_asm,op");
    assert_int_equal(s.ids[1], O_TBSIZE);
    assert_int_equal(s.nums[1], 64);
    assert_int_equal(s.ids[2], O_ONE);
    assert_null(s.strs[2]);
    assert_int_equal(s.ids[3], O_DFILE);
    assert_string_equal(s.strs[3], "log.txt");
    /* "-h" after the program belongs to the guest. */
    assert_int_equal(p.index, 8);
    assert_string_equal(argv[p.index], "prog");
}

static void test_double_dash_ends_options(void **state)
{
    (void)state;
    char *argv[] = { "prog", "-one-insn-per-tb", "--", "-d", "x" };
    OptionParser p;
    Seen s;
    assert_int_equal(parse_all(&p, ARGC(argv), argv, &s), OPTIONS_END);
    assert_int_equal(s.n, 1);
    assert_int_equal(p.index, 3);
}

static void test_lone_dash_and_empty_are_operands(void **state)
{
    (void)state;
    char *argv1[] = { "prog", "-", "-h" };
    char *argv2[] = { "prog", "", "-h" };
    OptionParser p;
    Seen s;
    assert_int_equal(parse_all(&p, ARGC(argv1), argv1, &s), OPTIONS_END);
    assert_int_equal(s.n, 0);
    assert_int_equal(p.index, 1);
    assert_int_equal(parse_all(&p, ARGC(argv2), argv2, &s), OPTIONS_END);
    assert_int_equal(p.index, 1);
}

static void test_no_arguments(void **state)
{
    (void)state;
    char *argv[] = { "prog" };
    OptionParser p;
    Seen s;
    assert_int_equal(parse_all(&p, ARGC(argv), argv, &s), OPTIONS_END);
    assert_int_equal(p.index, 1);
    assert_int_equal(parse_all(&p, 0, argv, &s), OPTIONS_END);
    assert_int_equal(p.index, 0);
}

static void expect_error(char **argv, int argc, const char *msg)
{
    OptionParser p;
    Seen s;
    assert_int_equal(parse_all(&p, argc, argv, &s), OPTIONS_ERROR);
    assert_string_equal(p.err, msg);
}

static void test_errors(void **state)
{
    (void)state;
    char *a1[] = { "prog", "-x" };
    expect_error(a1, ARGC(a1), "unknown option '-x'");
    char *a2[] = { "prog", "-tb-size" };
    expect_error(a2, ARGC(a2), "option '-tb-size' requires an argument");
    char *a3[] = { "prog", "-tb-size", "abc" };
    expect_error(a3, ARGC(a3), "option '-tb-size': invalid number 'abc'");
    char *a4[] = { "prog", "-tb-size", "4096" };
    expect_error(a4, ARGC(a4), "option '-tb-size': 4096 is out of range (1 to 2048)");
    char *a5[] = { "prog", "-tb-size", "0" };
    expect_error(a5, ARGC(a5), "option '-tb-size': 0 is out of range (1 to 2048)");
    char *a6[] = { "prog", "-tb-size", "-5" };
    expect_error(a6, ARGC(a6), "option '-tb-size': invalid number '-5'");
    char *a7[] = { "prog", "-switch", "maybe" };
    expect_error(a7, ARGC(a7), "option '-switch': expected on or off, not 'maybe'");
    char *a8[] = { "prog", "-m", "12Q" };
    expect_error(a8, ARGC(a8), "option '-m': invalid size '12Q'");
    char *a9[] = { "prog", "-m", "1K" };
    expect_error(a9, ARGC(a9), "option '-m': 1K is out of range (at least 1048576)");
    /* An option name is matched whole, never as a prefix. */
    char *a10[] = { "prog", "-tb" };
    expect_error(a10, ARGC(a10), "unknown option '-tb'");
    char *a11[] = { "prog", "---d", "x" };
    expect_error(a11, ARGC(a11), "unknown option '---d'");
}

static void test_error_quotes_untrusted_text(void **state)
{
    (void)state;
    char longopt[200];
    memset(longopt, 'z', sizeof(longopt) - 1);
    longopt[0] = '-';
    longopt[sizeof(longopt) - 1] = '\0';
    char ctl[] = "-a\nb\tc";
    char *a1[] = { "prog", longopt };
    char *a2[] = { "prog", ctl };
    char want[128];
    snprintf(want, sizeof(want), "unknown option '-%.63s...'", longopt + 1);
    expect_error(a1, ARGC(a1), want);
    expect_error(a2, ARGC(a2), "unknown option '-a?b?c'");
}

static void test_numbers(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_true(options_parse_uint("0", &v));
    assert_int_equal(v, 0);
    assert_true(options_parse_uint("18446744073709551615", &v));
    assert_int_equal(v, UINT64_MAX);
    assert_false(options_parse_uint("18446744073709551616", &v));
    assert_true(options_parse_uint("0x10", &v));
    assert_int_equal(v, 16);
    assert_true(options_parse_uint("0XfFfFfFfFfFfFfFfF", &v));
    assert_int_equal(v, UINT64_MAX);
    assert_false(options_parse_uint("0x10000000000000000", &v));
    assert_true(options_parse_uint("010", &v));
    assert_int_equal(v, 10);           /* decimal, not octal */
    assert_false(options_parse_uint("", &v));
    assert_false(options_parse_uint("0x", &v));
    assert_false(options_parse_uint(" 1", &v));
    assert_false(options_parse_uint("1 ", &v));
    assert_false(options_parse_uint("+1", &v));
    assert_false(options_parse_uint("1.5", &v));
}

static void test_sizes(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_true(options_parse_size("512", 1 << 20, &v));
    assert_int_equal(v, 512ull << 20);
    assert_true(options_parse_size("512", 0, &v));
    assert_int_equal(v, 512);
    assert_true(options_parse_size("4k", 1 << 20, &v));
    assert_int_equal(v, 4096);
    assert_true(options_parse_size("2G", 1, &v));
    assert_int_equal(v, 2ull << 30);
    assert_true(options_parse_size("16777215T", 1, &v));
    assert_int_equal(v, 16777215ull << 40);
    assert_false(options_parse_size("16777216T", 1, &v));
    assert_false(options_parse_size("1KB", 1, &v));
    assert_false(options_parse_size("M", 1, &v));

    char *argv[] = { "prog", "-m", "256", "-m", "1G" };
    OptionParser p;
    Seen s;
    assert_int_equal(parse_all(&p, ARGC(argv), argv, &s), OPTIONS_END);
    assert_int_equal(s.nums[0], 256ull << 20);
    assert_int_equal(s.nums[1], 1ull << 30);
}

static void test_bools(void **state)
{
    (void)state;
    static const char *on[] = { "on", "yes", "true" };
    static const char *off[] = { "off", "no", "false" };
    bool b;
    for (int i = 0; i < 3; i++) {
        b = false;
        assert_true(options_parse_bool(on[i], &b));
        assert_true(b);
        assert_true(options_parse_bool(off[i], &b));
        assert_false(b);
    }
    assert_false(options_parse_bool("ON", &b));
    assert_false(options_parse_bool("1", &b));
    assert_false(options_parse_bool("", &b));
}

static void test_help_lists_every_option(void **state)
{
    (void)state;
    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    assert_non_null(f);
    options_print_help(f, opts);
    fclose(f);
    assert_non_null(strstr(buf, "  -tb-size MB              code buffer size\n"));
    assert_non_null(strstr(buf, "  -one-insn-per-tb         one guest instruction per block\n"));
    assert_non_null(strstr(buf, "  -switch ARG"));
    int lines = 0;
    for (const char *c = buf; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 8);
}

/* Sub-options. */
enum { S_ACCEL, S_JIT, S_THREAD, S_SHIFT, S_SIZE, S_FLAG };
static const OptionDef accel_subopts[] = {
    { .name = "accel", .arg = OPT_ARG_STRING, .id = S_ACCEL },
    { .name = "jit", .arg = OPT_ARG_BOOL, .id = S_JIT },
    { .name = "thread", .arg = OPT_ARG_STRING, .id = S_THREAD },
    { .name = "shift", .arg = OPT_ARG_UINT, .id = S_SHIFT, .max = 10 },
    { .name = "tb-size", .arg = OPT_ARG_SIZE, .id = S_SIZE, .unit = 1 << 20 },
    { .name = "flag", .arg = OPT_ARG_NONE, .id = S_FLAG },
    { .name = NULL },
};

typedef struct SubSeen {
    int n;
    int ids[8];
    uint64_t nums[8];
    char strs[8][64];
    bool has_str[8];
} SubSeen;

static int sub_all(SubOptParser *p, const char *list, const char *implied, SubSeen *seen)
{
    const OptionDef *def;
    OptionValue v;
    int r;
    memset(seen, 0, sizeof(*seen));
    subopts_init(p, accel_subopts, list, implied, "-accel");
    while ((r = subopts_next(p, &def, &v)) == OPTIONS_FOUND) {
        assert_true(seen->n < 8);
        seen->ids[seen->n] = def->id;
        seen->nums[seen->n] = v.num;
        if (v.str) {
            snprintf(seen->strs[seen->n], 64, "%s", v.str);
            seen->has_str[seen->n] = true;
        }
        seen->n++;
    }
    return r;
}

static void test_subopts_implied_key(void **state)
{
    (void)state;
    SubOptParser p;
    SubSeen s;
    assert_int_equal(sub_all(&p, "tcg,jit=off,shift=7", "accel", &s), OPTIONS_END);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ids[0], S_ACCEL);
    assert_string_equal(s.strs[0], "tcg");
    assert_int_equal(s.ids[1], S_JIT);
    assert_int_equal(s.nums[1], 0);
    assert_int_equal(s.ids[2], S_SHIFT);
    assert_int_equal(s.nums[2], 7);
    /* Explicit key for the implied one, too. */
    assert_int_equal(sub_all(&p, "accel=tcg", "accel", &s), OPTIONS_END);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.strs[0], "tcg");
}

static void test_subopts_bare_keys(void **state)
{
    (void)state;
    SubOptParser p;
    SubSeen s;
    /* Without an implied key a bare word is a key: a flag or "on". */
    assert_int_equal(sub_all(&p, "jit,flag", NULL, &s), OPTIONS_END);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[0], S_JIT);
    assert_int_equal(s.nums[0], 1);
    assert_false(s.has_str[0]);
    assert_int_equal(s.ids[1], S_FLAG);
    /* Only the first element can be the implied key's value. */
    assert_int_equal(sub_all(&p, "tcg,jit", "accel", &s), OPTIONS_END);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[1], S_JIT);
    assert_int_equal(s.nums[1], 1);
}

static void test_subopts_escaped_commas_and_empties(void **state)
{
    (void)state;
    SubOptParser p;
    SubSeen s;
    assert_int_equal(sub_all(&p, ",thread=a,,b,,,jit=on,", NULL, &s), OPTIONS_END);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.strs[0], "a,b,");
    assert_int_equal(s.ids[1], S_JIT);
    assert_int_equal(s.nums[1], 1);
    assert_int_equal(sub_all(&p, "", "accel", &s), OPTIONS_END);
    assert_int_equal(s.n, 0);
    assert_int_equal(sub_all(&p, "thread=", NULL, &s), OPTIONS_END);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.strs[0], "");
    assert_int_equal(sub_all(&p, "tb-size=3,tb-size=1k", NULL, &s), OPTIONS_END);
    assert_int_equal(s.nums[0], 3ull << 20);
    assert_int_equal(s.nums[1], 1024);
}

static void expect_sub_error(const char *list, const char *implied, const char *msg)
{
    SubOptParser p;
    SubSeen s;
    assert_int_equal(sub_all(&p, list, implied, &s), OPTIONS_ERROR);
    assert_string_equal(p.err, msg);
}

static void test_subopts_errors(void **state)
{
    (void)state;
    expect_sub_error("foo=1", NULL, "-accel: invalid parameter 'foo'");
    expect_sub_error("tcg,foo", "accel", "-accel: invalid parameter 'foo'");
    expect_sub_error("tcg", NULL, "-accel: invalid parameter 'tcg'");
    expect_sub_error("=1", NULL, "-accel: missing parameter name before '='");
    expect_sub_error("shift", NULL, "-accel: parameter 'shift' requires a value");
    expect_sub_error("flag=1", NULL, "-accel: parameter 'flag' takes no value");
    expect_sub_error("jit=maybe", NULL,
                     "-accel: parameter 'jit': expected on or off, not 'maybe'");
    expect_sub_error("shift=11", NULL,
                     "-accel: parameter 'shift': 11 is out of range (0 to 10)");
    expect_sub_error("shift=x", NULL, "-accel: parameter 'shift': invalid number 'x'");
}

static void test_subopts_value_too_long(void **state)
{
    (void)state;
    static char list[SUBOPT_VALUE_MAX + 16];
    strcpy(list, "thread=");
    memset(list + 7, 'v', SUBOPT_VALUE_MAX);
    list[7 + SUBOPT_VALUE_MAX] = '\0';
    expect_sub_error(list, NULL, "-accel: value longer than 4095 bytes");
    list[7 + SUBOPT_VALUE_MAX - 1] = '\0';
    SubOptParser p;
    SubSeen s;
    assert_int_equal(sub_all(&p, list, NULL, &s), OPTIONS_END);
    assert_int_equal(strlen(p.value), SUBOPT_VALUE_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typical_command_line),
        cmocka_unit_test(test_double_dash_ends_options),
        cmocka_unit_test(test_lone_dash_and_empty_are_operands),
        cmocka_unit_test(test_no_arguments),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_error_quotes_untrusted_text),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_bools),
        cmocka_unit_test(test_help_lists_every_option),
        cmocka_unit_test(test_subopts_implied_key),
        cmocka_unit_test(test_subopts_bare_keys),
        cmocka_unit_test(test_subopts_escaped_commas_and_empties),
        cmocka_unit_test(test_subopts_errors),
        cmocka_unit_test(test_subopts_value_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
