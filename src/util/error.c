/*
 * Fatal errors: one line on stderr, then exit(1) for the user's mistakes
 * or abort() for mimic's own.
 */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Long enough for any sane message; a longer one is cut, not split. */
#define MESSAGE_MAX 1024
#define PROGNAME_MAX 64

static char progname[PROGNAME_MAX] = "mimic";

void util_set_progname(const char *argv0)
{
    if (!argv0 || !*argv0)
        return;
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    if (!*base)
        return;
    snprintf(progname, sizeof(progname), "%s", base);
}

const char *util_progname(void)
{
    return progname;
}

void util_quote(char *out, unsigned outlen, const char *s, unsigned len)
{
    unsigned max = len > 64 ? 64 : len;
    unsigned j = 0;
    if (outlen == 0)
        return;
    for (unsigned i = 0; i < max && j + 1 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        out[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (max < len && j + 3 < outlen) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

static void format_message_va(char *buf, unsigned size, const char *kind,
                              const char *fmt, va_list ap)
{
    if (size == 0)
        return;
    int n = kind ? snprintf(buf, size, "%s: %s: ", progname, kind)
                 : snprintf(buf, size, "%s: ", progname);
    if (n < 0)
        n = 0;
    if ((unsigned)n < size)
        vsnprintf(buf + n, size - n, fmt, ap);
    /* Keep it one line: drop trailing newlines, mask other controls. */
    size_t len = strlen(buf);
    while (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20 || c == 0x7f)
            buf[i] = '?';
    }
}

void util_format_message(char *buf, unsigned size, const char *kind,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_message_va(buf, size, kind, fmt, ap);
    va_end(ap);
}

_Noreturn void fatal_user_error(const char *fmt, ...)
{
    char buf[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    format_message_va(buf, sizeof(buf), "error", fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "%s\n", buf);
    exit(1);
}

_Noreturn void fatal_internal(const char *fmt, ...)
{
    char buf[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    format_message_va(buf, sizeof(buf), "internal error", fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", buf);
    abort();
}
