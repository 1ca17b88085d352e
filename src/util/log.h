/*
 * Debug logging selected on the command line, as in QEMU: "-d item,item"
 * chooses what is logged and "-D file" where (default stderr).
 *
 * The check at a log site must cost one load and a test, since some sit
 * on the translation path: log_enabled() reads a global mask.  Several
 * vCPU threads may log; a multi-line dump holds log_lock() so its lines
 * are not interleaved with another thread's (log_printf takes the same
 * lock, which is recursive, for each call).
 */
#ifndef MIMIC_UTIL_LOG_H
#define MIMIC_UTIL_LOG_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
    LOG_IN_ASM  = 1u << 0,   /* guest code of each translated block */
    LOG_OP      = 1u << 1,   /* IR as the front end emitted it */
    LOG_OP_OPT  = 1u << 2,   /* IR after the optimizer */
    LOG_OUT_ASM = 1u << 3,   /* generated host code */
    LOG_EXEC    = 1u << 4,   /* each block as it is entered */
    LOG_CPU     = 1u << 5,   /* CPU state before each block */
    LOG_INT     = 1u << 6,   /* interrupts and exceptions */
    LOG_UNIMP   = 1u << 7,   /* unimplemented features the guest used */
    LOG_NOCHAIN = 1u << 8,   /* do not chain blocks (not a log item proper) */
    LOG_GDB     = 1u << 9,   /* the GDB stub's packets and stops */
};

typedef struct LogItem {
    const char *name;
    uint32_t mask;
    const char *help;
} LogItem;

/* The table of items, terminated by an entry with a NULL name. */
extern const LogItem log_items[];

extern _Atomic uint32_t log_mask;

static inline bool log_enabled(uint32_t items)
{
    return (atomic_load_explicit(&log_mask, memory_order_relaxed) & items) != 0;
}
static inline void log_set_mask(uint32_t mask)
{
    atomic_store_explicit(&log_mask, mask, memory_order_relaxed);
}
static inline uint32_t log_get_mask(void)
{
    return atomic_load_explicit(&log_mask, memory_order_relaxed);
}

enum {
    LOG_PARSE_OK = 0,
    LOG_PARSE_HELP = 1,      /* the list was "help": print log_print_help */
    LOG_PARSE_ERROR = -1,    /* err holds a one-line reason */
};

/*
 * Parses a comma-separated list of item names ("in_asm,op,exec") into
 * *mask.  Empty elements are ignored; an element "help" asks for the
 * list of items.  An unknown name is an error that names it:
 * "unknown log item 'foo' (try -d help)".
 */
int log_parse_items(const char *list, uint32_t *mask, char *err, size_t errlen);
/* For front ends: parses, prints the help and exits 0 for "help", and
 * fails with a user error for a bad list. */
uint32_t log_parse_items_or_exit(const char *list);
void log_print_help(FILE *out);

/* Sends the log to path, truncating it; NULL or "-" means stderr again.
 * Returns 0 or -1 with a one-line reason in err. */
int log_set_file(const char *path, char *err, size_t errlen);
/* The stream log lines go to now; write to it only under log_lock. */
FILE *log_file(void);

void log_lock(void);
void log_unlock(void);

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);
void log_flush(void);

#endif
