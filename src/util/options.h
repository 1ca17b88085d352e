/*
 * Command-line options in QEMU's style, described by a table.
 *
 * Options are single-dash words ("-d in_asm", "-tb-size 64",
 * "-one-insn-per-tb"; "--name" is accepted too) and take at most one
 * argument, the next argv element.  Parsing stops at the first element
 * that is not an option (the guest program and its arguments) or after
 * "--".  Each program declares its options as a static OptionDef table
 * and walks the command line with options_next(), switching on the id:
 *
 *     OptionParser p;
 *     const OptionDef *def;
 *     OptionValue v;
 *     int r;
 *     options_init(&p, my_options, argc, argv);
 *     while ((r = options_next(&p, &def, &v)) == OPTIONS_FOUND) {
 *         switch (def->id) { case OPT_TB_SIZE: tb_mb = v.num; break; ... }
 *     }
 *     if (r == OPTIONS_ERROR)
 *         fatal_user_error("%s", p.err);
 *     guest argv = argv + p.index
 *
 * Values are checked before the caller sees them: numbers against the
 * table's range, booleans against on/off.  A value made of "key=value"
 * pairs (-accel tcg,jit=off; -icount shift=7) is walked the same way
 * with a SubOptParser over a second table.
 *
 * Every message in err is one line without a trailing newline and quotes
 * at most 64 bytes of what the user typed.
 */
#ifndef MIMIC_UTIL_OPTIONS_H
#define MIMIC_UTIL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum OptionArg {
    OPT_ARG_NONE,     /* a flag; as a sub-option, a key without a value */
    OPT_ARG_STRING,   /* any text, possibly empty */
    OPT_ARG_UINT,     /* decimal, or hex with 0x; no sign */
    OPT_ARG_SIZE,     /* a number with an optional K, M, G or T suffix
                       * (powers of 1024); without one it counts `unit`s */
    OPT_ARG_BOOL,     /* on/off, yes/no, true/false; a bare sub-option key
                       * means on */
} OptionArg;

typedef struct OptionDef {
    const char *name;      /* without the dash; NULL ends the table */
    OptionArg arg;
    int id;                /* what the caller switches on */
    const char *metavar;   /* the value's name in the help: "MB" */
    const char *help;
    /* OPT_ARG_UINT and OPT_ARG_SIZE: accepted range, inclusive; max 0
     * means no upper bound. */
    uint64_t min, max;
    uint64_t unit;         /* OPT_ARG_SIZE: bytes per unsuffixed unit (0: 1) */
} OptionDef;

typedef struct OptionValue {
    const char *str;   /* the argument as given; NULL for OPT_ARG_NONE */
    uint64_t num;      /* UINT and SIZE: the number; BOOL: 1 or 0 */
} OptionValue;

enum {
    OPTIONS_FOUND = 1,   /* *def and *val describe the next option */
    OPTIONS_END = 0,     /* no more options: p->index is the first operand */
    OPTIONS_ERROR = -1,  /* p->err says why */
};

#define OPTIONS_ERR_MAX 256

typedef struct OptionParser {
    const OptionDef *defs;
    int argc;
    char *const *argv;
    int index;             /* next element to read */
    char err[OPTIONS_ERR_MAX];
} OptionParser;

/* Starts at argv[1]: argv[0] is the program. */
void options_init(OptionParser *p, const OptionDef *defs, int argc, char *const *argv);
int options_next(OptionParser *p, const OptionDef **def, OptionValue *val);

/* One line per option: "  -tb-size MB        help". */
void options_print_help(FILE *out, const OptionDef *defs);

#define SUBOPT_VALUE_MAX 4096

typedef struct SubOptParser {
    const OptionDef *defs;
    const char *pos;           /* rest of the list */
    const char *implied_key;
    const char *what;          /* the option, for messages: "-accel" */
    bool first;
    char value[SUBOPT_VALUE_MAX];
    char err[OPTIONS_ERR_MAX];
} SubOptParser;

/*
 * Walks list = "key=value,key=value".  In a value ",," stands for a
 * comma.  Empty elements are skipped.  When implied_key is not NULL, a
 * first element without '=' is the value of that key ("-accel tcg" is
 * accel=tcg).  what names the option in messages.  val->str points into
 * the parser and is valid until the next call.
 */
void subopts_init(SubOptParser *p, const OptionDef *defs, const char *list,
                  const char *implied_key, const char *what);
int subopts_next(SubOptParser *p, const OptionDef **def, OptionValue *val);

/* The number parsers behind OPT_ARG_UINT, _SIZE and _BOOL; false when s
 * is not a valid value (or overflows 64 bits). */
bool options_parse_uint(const char *s, uint64_t *out);
bool options_parse_size(const char *s, uint64_t unit, uint64_t *out);
bool options_parse_bool(const char *s, bool *out);

#endif
