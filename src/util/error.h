/*
 * Errors that end the program.
 *
 * Two kinds, kept apart on purpose: a user error (bad option, unreadable
 * file, malformed input) is the user's to fix, so it is one line naming
 * the program, "mimic-i386: error: <message>", and exit status 1; an
 * internal error is a bug in mimic, so it says so and aborts, leaving a
 * core or a sanitizer report to debug.
 */
#ifndef MIMIC_UTIL_ERROR_H
#define MIMIC_UTIL_ERROR_H

/* Names the program in messages: the basename of argv0 (NULL or an empty
 * string keeps the previous name, initially "mimic"). */
void util_set_progname(const char *argv0);
const char *util_progname(void);

/* Prints "<prog>: error: <message>" as one line on stderr, then exit(1).
 * A trailing newline in the message is not doubled; embedded newlines
 * and other control characters are shown as '?' so the error stays on
 * one line whatever the input that caused it. */
_Noreturn void fatal_user_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints "<prog>: internal error: <message>" on stderr, then abort(). */
_Noreturn void fatal_internal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Formats "<prog>: <kind>: <message>" into buf as one line (without a
 * newline), truncating to size - 1 characters; what the two above
 * print.  kind may be NULL for "<prog>: <message>". */
void util_format_message(char *buf, unsigned size, const char *kind,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copies at most 64 bytes of s[0, len) into out (always terminated),
 * control characters shown as '?' and "..." marking a cut: for echoing
 * untrusted text (an option, a file name) inside a one-line message. */
void util_quote(char *out, unsigned outlen, const char *s, unsigned len);
#define UTIL_QUOTE_MAX 68    /* enough room for out */

#endif
