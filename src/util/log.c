/*
 * The -d/-D log: item table, list parsing and a locked output stream.
 */
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/host-file.h"

_Atomic uint32_t log_mask;

const LogItem log_items[] = {
    { "in_asm",  LOG_IN_ASM,  "show the guest code of each translated block" },
    { "op",      LOG_OP,      "show the IR of each block before optimization" },
    { "op_opt",  LOG_OP_OPT,  "show the IR of each block after optimization" },
    { "out_asm", LOG_OUT_ASM, "show the host code generated for each block" },
    { "exec",    LOG_EXEC,    "show each block as it is executed" },
    { "cpu",     LOG_CPU,     "show the CPU registers before each block" },
    { "int",     LOG_INT,     "show interrupts and exceptions" },
    { "unimp",   LOG_UNIMP,   "log unimplemented functionality" },
    { "nochain", LOG_NOCHAIN, "do not chain blocks (with exec: see every block)" },
    { "gdb",     LOG_GDB,     "show the GDB stub's packets, stops and resumes" },
    { NULL, 0, NULL },
};

/* Recursive so a dump under log_lock can use log_printf. */
static pthread_mutex_t log_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
/* NULL means stderr, which is not a constant initializer. */
static FILE *log_stream;

static const LogItem *find_item(const char *name, size_t len)
{
    for (const LogItem *it = log_items; it->name; it++) {
        if (strlen(it->name) == len && memcmp(it->name, name, len) == 0)
            return it;
    }
    return NULL;
}

int log_parse_items(const char *list, uint32_t *mask, char *err, size_t errlen)
{
    uint32_t m = 0;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 4 && memcmp(p, "help", 4) == 0)
            return LOG_PARSE_HELP;
        if (len > 0) {
            const LogItem *it = find_item(p, len);
            if (!it) {
                char q[UTIL_QUOTE_MAX];
                util_quote(q, sizeof(q), p, (unsigned)(len > 65 ? 65 : len));
                if (errlen)
                    snprintf(err, errlen, "unknown log item '%s' (try -d help)", q);
                return LOG_PARSE_ERROR;
            }
            m |= it->mask;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *mask = m;
    return LOG_PARSE_OK;
}

void log_print_help(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (const LogItem *it = log_items; it->name; it++)
        fprintf(out, "%-10s %s\n", it->name, it->help);
}

uint32_t log_parse_items_or_exit(const char *list)
{
    char err[160];
    uint32_t mask = 0;
    switch (log_parse_items(list, &mask, err, sizeof(err))) {
    case LOG_PARSE_HELP:
        log_print_help(stdout);
        exit(0);
    case LOG_PARSE_ERROR:
        fatal_user_error("%s", err);
    default:
        return mask;
    }
}

int log_set_file(const char *path, char *err, size_t errlen)
{
    FILE *f = NULL;
    if (path && strcmp(path, "-") != 0) {
        f = host_fopen(path, "w");
        if (!f) {
            if (errlen)
                snprintf(err, errlen, "cannot open log file '%s': %s", path,
                         strerror(errno));
            return -1;
        }
    }
    log_lock();
    if (log_stream)
        fclose(log_stream);
    log_stream = f;
    log_unlock();
    return 0;
}

FILE *log_file(void)
{
    return log_stream ? log_stream : stderr;
}

void log_lock(void)
{
    pthread_mutex_lock(&log_mutex);
}

void log_unlock(void)
{
    pthread_mutex_unlock(&log_mutex);
}

void log_vprintf(const char *fmt, va_list ap)
{
    log_lock();
    vfprintf(log_file(), fmt, ap);
    log_unlock();
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}

void log_flush(void)
{
    log_lock();
    fflush(log_file());
    log_unlock();
}
