/*
 * Table-driven option and sub-option parsing.  Nothing here exits or
 * prints: errors come back as one line in the parser's err, so the same
 * code serves the front ends, the unit tests and the fuzzer.
 */
#include "util/options.h"

#include <stdarg.h>
#include <string.h>

#include "util/error.h"

static void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, OPTIONS_ERR_MAX, fmt, ap);
    va_end(ap);
}

static void quote(char *out, const char *s)
{
    size_t len = strlen(s);
    util_quote(out, UTIL_QUOTE_MAX, s, (unsigned)(len > 65 ? 65 : len));
}

static bool parse_digits(const char **sp, uint64_t *out)
{
    const char *s = *sp;
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        const char *start = s;
        for (;; s++) {
            unsigned d;
            if (*s >= '0' && *s <= '9')
                d = (unsigned)(*s - '0');
            else if (*s >= 'a' && *s <= 'f')
                d = (unsigned)(*s - 'a' + 10);
            else if (*s >= 'A' && *s <= 'F')
                d = (unsigned)(*s - 'A' + 10);
            else
                break;
            if (v >> 60)
                return false;
            v = (v << 4) | d;
        }
        if (s == start)
            return false;
    } else {
        const char *start = s;
        for (; *s >= '0' && *s <= '9'; s++) {
            unsigned d = (unsigned)(*s - '0');
            if (v > (UINT64_MAX - d) / 10)
                return false;
            v = v * 10 + d;
        }
        if (s == start)
            return false;
    }
    *sp = s;
    *out = v;
    return true;
}

bool options_parse_uint(const char *s, uint64_t *out)
{
    uint64_t v;
    if (!parse_digits(&s, &v) || *s)
        return false;
    *out = v;
    return true;
}

bool options_parse_size(const char *s, uint64_t unit, uint64_t *out)
{
    uint64_t v, scale;
    if (!parse_digits(&s, &v))
        return false;
    switch (*s) {
    case '\0': scale = unit ? unit : 1; break;
    case 'k': case 'K': scale = 1ull << 10; s++; break;
    case 'm': case 'M': scale = 1ull << 20; s++; break;
    case 'g': case 'G': scale = 1ull << 30; s++; break;
    case 't': case 'T': scale = 1ull << 40; s++; break;
    default: return false;
    }
    if (*s || (v && scale > UINT64_MAX / v))
        return false;
    *out = v * scale;
    return true;
}

bool options_parse_bool(const char *s, bool *out)
{
    static const struct { const char *word; bool value; } words[] = {
        { "on", true }, { "yes", true }, { "true", true },
        { "off", false }, { "no", false }, { "false", false },
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcmp(s, words[i].word) == 0) {
            *out = words[i].value;
            return true;
        }
    }
    return false;
}

/* Checks s as a value of def; label names it in messages ("option
 * '-tb-size'"). */
static bool check_value(const OptionDef *def, const char *label, const char *s,
                        OptionValue *val, char *err)
{
    char q[UTIL_QUOTE_MAX];
    bool b;
    val->str = s;
    val->num = 0;
    switch (def->arg) {
    case OPT_ARG_NONE:
    case OPT_ARG_STRING:
        return true;
    case OPT_ARG_BOOL:
        if (!options_parse_bool(s, &b)) {
            quote(q, s);
            set_err(err, "%s: expected on or off, not '%s'", label, q);
            return false;
        }
        val->num = b;
        return true;
    case OPT_ARG_UINT:
    case OPT_ARG_SIZE:
        if (def->arg == OPT_ARG_UINT ? !options_parse_uint(s, &val->num)
                                     : !options_parse_size(s, def->unit, &val->num)) {
            quote(q, s);
            set_err(err, "%s: invalid %s '%s'", label,
                    def->arg == OPT_ARG_UINT ? "number" : "size", q);
            return false;
        }
        if (val->num < def->min || (def->max && val->num > def->max)) {
            quote(q, s);
            if (def->max)
                set_err(err, "%s: %s is out of range (%llu to %llu)", label, q,
                        (unsigned long long)def->min, (unsigned long long)def->max);
            else
                set_err(err, "%s: %s is out of range (at least %llu)", label, q,
                        (unsigned long long)def->min);
            return false;
        }
        return true;
    }
    set_err(err, "%s: bad option table", label);
    return false;
}

static const OptionDef *find_def(const OptionDef *defs, const char *name, size_t len)
{
    for (const OptionDef *d = defs; d->name; d++) {
        if (strlen(d->name) == len && memcmp(d->name, name, len) == 0)
            return d;
    }
    return NULL;
}

void options_init(OptionParser *p, const OptionDef *defs, int argc, char *const *argv)
{
    p->defs = defs;
    p->argc = argc;
    p->argv = argv;
    p->index = argc > 0 ? 1 : 0;
    p->err[0] = '\0';
}

int options_next(OptionParser *p, const OptionDef **def, OptionValue *val)
{
    char q[UTIL_QUOTE_MAX];
    char label[UTIL_QUOTE_MAX + 16];
    if (p->index >= p->argc || !p->argv[p->index])
        return OPTIONS_END;
    const char *arg = p->argv[p->index];
    if (arg[0] != '-' || arg[1] == '\0')
        return OPTIONS_END;
    if (strcmp(arg, "--") == 0) {
        p->index++;
        return OPTIONS_END;
    }
    const char *name = arg + 1;
    if (*name == '-')
        name++;
    const OptionDef *d = find_def(p->defs, name, strlen(name));
    quote(q, arg);
    if (!d) {
        set_err(p->err, "unknown option '%s'", q);
        return OPTIONS_ERROR;
    }
    snprintf(label, sizeof(label), "option '%s'", q);
    p->index++;
    if (d->arg == OPT_ARG_NONE) {
        val->str = NULL;
        val->num = 1;
    } else {
        if (p->index >= p->argc || !p->argv[p->index]) {
            set_err(p->err, "%s requires an argument", label);
            return OPTIONS_ERROR;
        }
        if (!check_value(d, label, p->argv[p->index], val, p->err))
            return OPTIONS_ERROR;
        p->index++;
    }
    *def = d;
    return OPTIONS_FOUND;
}

void options_print_help(FILE *out, const OptionDef *defs)
{
    for (const OptionDef *d = defs; d->name; d++) {
        char left[64];
        if (d->arg == OPT_ARG_NONE)
            snprintf(left, sizeof(left), "-%s", d->name);
        else
            snprintf(left, sizeof(left), "-%s %s", d->name,
                     d->metavar ? d->metavar : "ARG");
        fprintf(out, "  %-24s %s\n", left, d->help ? d->help : "");
    }
}

void subopts_init(SubOptParser *p, const OptionDef *defs, const char *list,
                  const char *implied_key, const char *what)
{
    p->defs = defs;
    p->pos = list;
    p->implied_key = implied_key;
    p->what = what;
    p->first = true;
    p->value[0] = '\0';
    p->err[0] = '\0';
}

/* Copies a value ending at an unescaped ',' or the end into p->value. */
static bool read_value(SubOptParser *p, const char *s)
{
    size_t n = 0;
    for (;;) {
        char c = *s;
        if (c == '\0')
            break;
        if (c == ',') {
            if (s[1] != ',') {
                s++;
                break;
            }
            s++;
        }
        if (n + 1 >= sizeof(p->value)) {
            set_err(p->err, "%s: value longer than %u bytes", p->what,
                    (unsigned)sizeof(p->value) - 1);
            return false;
        }
        p->value[n++] = c;
        s++;
    }
    p->value[n] = '\0';
    p->pos = s;
    return true;
}

int subopts_next(SubOptParser *p, const OptionDef **def, OptionValue *val)
{
    char q[UTIL_QUOTE_MAX], kq[UTIL_QUOTE_MAX];
    char label[2 * UTIL_QUOTE_MAX + 32];
    const char *s = p->pos;

    while (*s == ',')          /* empty elements */
        s++;
    if (!*s) {
        p->pos = s;
        return OPTIONS_END;
    }
    size_t klen = strcspn(s, "=,");
    bool first = p->first;
    p->first = false;
    const char *what = p->what ? p->what : "option";

    const OptionDef *d;
    if (s[klen] != '=' && first && p->implied_key) {
        d = find_def(p->defs, p->implied_key, strlen(p->implied_key));
        if (!d) {
            set_err(p->err, "%s: bad option table", what);
            return OPTIONS_ERROR;
        }
        if (!read_value(p, s))
            return OPTIONS_ERROR;
    } else {
        util_quote(kq, sizeof(kq), s, (unsigned)(klen > 65 ? 65 : klen));
        if (klen == 0) {
            set_err(p->err, "%s: missing parameter name before '='", what);
            return OPTIONS_ERROR;
        }
        d = find_def(p->defs, s, klen);
        if (!d) {
            set_err(p->err, "%s: invalid parameter '%s'", what, kq);
            return OPTIONS_ERROR;
        }
        if (s[klen] != '=') {
            /* A bare key: a flag, or "on" for a boolean. */
            if (d->arg != OPT_ARG_NONE && d->arg != OPT_ARG_BOOL) {
                set_err(p->err, "%s: parameter '%s' requires a value", what, kq);
                return OPTIONS_ERROR;
            }
            p->pos = s + klen;
            val->str = NULL;
            val->num = 1;
            *def = d;
            return OPTIONS_FOUND;
        }
        if (d->arg == OPT_ARG_NONE) {
            set_err(p->err, "%s: parameter '%s' takes no value", what, kq);
            return OPTIONS_ERROR;
        }
        if (!read_value(p, s + klen + 1))
            return OPTIONS_ERROR;
    }
    util_quote(q, sizeof(q), d->name, (unsigned)strlen(d->name));
    snprintf(label, sizeof(label), "%s: parameter '%s'", what, q);
    if (!check_value(d, label, p->value, val, p->err))
        return OPTIONS_ERROR;
    *def = d;
    return OPTIONS_FOUND;
}
