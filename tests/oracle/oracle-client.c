/*
 * The test side of the oracle's pipe protocol (oracle-proto.h), and the
 * case builders and result comparison shared by the tests.
 */
#include "oracle-client.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#ifndef ORACLE_PATH
#define ORACLE_PATH "build/tests/oracle/i386-oracle"
#endif

bool oracle_open(Oracle *o)
{
    const char *path = getenv("MIMIC_I386_ORACLE");
    if (!path || !*path)
        path = ORACLE_PATH;
    if (access(path, X_OK) != 0) {
        fprintf(stderr, "oracle: cannot run %s: %s\n", path, strerror(errno));
        return false;
    }
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) != 0)
        return false;
    if (pipe2(from, O_CLOEXEC) != 0) {
        close(to[0]);
        close(to[1]);
        return false;
    }
    /* A dead oracle must show up as a failed write, not kill the test. */
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "oracle: fork: %s\n", strerror(errno));
        close(to[0]);
        close(to[1]);
        close(from[0]);
        close(from[1]);
        return false;
    }
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        execl(path, path, "--serve", (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    o->pid = pid;
    o->to_fd = to[1];
    o->from_fd = from[0];
    return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, (const uint8_t *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* A case that breaks the oracle (natively it may write the oracle's own
 * stack or data: addresses outside the data window are valid there) can
 * leave it spinning: an answer that does not come within this many ms
 * counts as a dead oracle. */
#define ORACLE_ANSWER_MS 10000

static bool read_all(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int ready = poll(&p, 1, ORACLE_ANSWER_MS);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return false;
        ssize_t n = read(fd, (uint8_t *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

bool oracle_run(Oracle *o, const OracleCase *c, OracleResult *r)
{
    if (!write_all(o->to_fd, c, sizeof(*c)) || !read_all(o->from_fd, r, sizeof(*r))) {
        fprintf(stderr, "oracle: the oracle process stopped answering\n");
        kill(o->pid, SIGKILL);
        return false;
    }
    if (r->magic != ORACLE_RESULT_MAGIC || r->status == ORACLE_BAD_CASE) {
        fprintf(stderr, "oracle: bad answer (magic %08x, status %u)\n", r->magic, r->status);
        return false;
    }
    return true;
}

void oracle_close(Oracle *o)
{
    close(o->to_fd);
    close(o->from_fd);
    int status;
    while (waitpid(o->pid, &status, 0) < 0 && errno == EINTR)
        ;
}

void oracle_case_init(OracleCase *c, const void *code, size_t len)
{
    memset(c, 0, sizeof(*c));
    c->magic = ORACLE_CASE_MAGIC;
    c->regs[4] = ORACLE_DATA_ADDR + ORACLE_DATA_SIZE / 2;
    oracle_fx_default(c->fx);
    oracle_case_add_code(c, code, len);
}

void oracle_case_add_code(OracleCase *c, const void *code, size_t len)
{
    if (len > ORACLE_CODE_MAX - c->code_len) {
        fprintf(stderr, "oracle: case code longer than %u bytes\n", ORACLE_CODE_MAX);
        abort();
    }
    memcpy(c->code + c->code_len, code, len);
    c->code_len += (uint32_t)len;
}

void oracle_case_patch(OracleCase *c, uint32_t off, const void *bytes, size_t len)
{
    if (len > ORACLE_PATCH_MAX || off > ORACLE_DATA_SIZE || len > ORACLE_DATA_SIZE - off) {
        fprintf(stderr, "oracle: patch of %zu bytes at %#x does not fit\n", len, off);
        abort();
    }
    c->patch_off = off;
    c->patch_len = (uint32_t)len;
    memcpy(c->patch, bytes, len);
}

/* snprintf that appends at *pos and never overruns. */
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
    if (*pos >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n;
}

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

static void append_hex(char *buf, size_t size, size_t *pos, const uint8_t *p, unsigned n)
{
    for (unsigned i = n; i-- > 0;)
        append(buf, size, pos, "%02x", p[i]);
}

/* The compared fields of an FXSAVE image: offset, size, name. */
typedef struct FxField {
    unsigned off, size;
    char name[8];
} FxField;

static unsigned fx_fields(FxField f[4 + 16])
{
    unsigned n = 0;
    f[n++] = (FxField){ ORACLE_FX_FCW, 2, "fcw" };
    f[n++] = (FxField){ ORACLE_FX_FSW, 2, "fsw" };
    f[n++] = (FxField){ ORACLE_FX_FTW, 1, "ftw" };
    f[n++] = (FxField){ ORACLE_FX_MXCSR, 4, "mxcsr" };
    for (unsigned i = 0; i < 8; i++) {
        f[n] = (FxField){ ORACLE_FX_ST0 + 16 * i, 10, "" };
        snprintf(f[n++].name, sizeof(f[0].name), "st%u", i);
    }
    for (unsigned i = 0; i < 8; i++) {
        f[n] = (FxField){ ORACLE_FX_XMM0 + 16 * i, 16, "" };
        snprintf(f[n++].name, sizeof(f[0].name), "xmm%u", i);
    }
    return n;
}

/* " name=hex" for every compared field of fx that differs from ref. */
static void append_fx(char *buf, size_t size, size_t *pos, const uint8_t *fx, const uint8_t *ref)
{
    FxField f[20];
    unsigned n = fx_fields(f);
    for (unsigned i = 0; i < n; i++) {
        if (!memcmp(fx + f[i].off, ref + f[i].off, f[i].size))
            continue;
        append(buf, size, pos, " %s=", f[i].name);
        append_hex(buf, size, pos, fx + f[i].off, f[i].size);
    }
}

void oracle_case_format(const OracleCase *c, char *buf, size_t size)
{
    size_t pos = 0;
    buf[0] = 0;
    append(buf, size, &pos, "code");
    for (uint32_t i = 0; i < c->code_len; i++)
        append(buf, size, &pos, " %02x", c->code[i]);
    for (int r = 0; r < 8; r++)
        append(buf, size, &pos, " %s=%x", reg_names[r], c->regs[r]);
    append(buf, size, &pos, " eflags=%x", c->eflags & ORACLE_EFLAGS_INPUT);
    if (c->es_ldt)
        append(buf, size, &pos, " es=ldt");
    if (c->fs_ldt)
        append(buf, size, &pos, " fs=ldt");
    if (c->patch_len)
        append(buf, size, &pos, " patch@%x+%u", c->patch_off, c->patch_len);
    /* The x87/SSE state where it is not a new process's, in the
     * i386-oracle command line's notation. */
    static uint8_t def[ORACLE_FX_SIZE];
    oracle_fx_default(def);
    append_fx(buf, size, &pos, c->fx, def);
}

static const char *status_name(uint32_t s)
{
    static const char *const names[] = { "end", "fault", "timeout", "bad case" };
    return s < 4 ? names[s] : "?";
}

void oracle_result_format(const OracleResult *r, char *buf, size_t size)
{
    size_t pos = 0;
    buf[0] = 0;
    append(buf, size, &pos, "%s", status_name(r->status));
    if (r->status == ORACLE_FAULT)
        append(buf, size, &pos, " vector %u", r->vector);
    if (r->vector == 14)
        append(buf, size, &pos, " cr2=%x", r->cr2);
    append(buf, size, &pos, " eip=%x", r->eip);
    for (int i = 0; i < 8; i++)
        append(buf, size, &pos, " %s=%x", reg_names[i], r->regs[i]);
    append(buf, size, &pos, " eflags=%x (%d bytes written)", r->eflags & ORACLE_EFLAGS_MASK,
           r->nb_diff);
    static uint8_t def[ORACLE_FX_SIZE];
    oracle_fx_default(def);
    append_fx(buf, size, &pos, r->fx, def);
}

static const char *const flag_names[12] = {
    "CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "DF", "OF",
};

bool oracle_result_compare(const OracleResult *want, const OracleResult *got,
                           uint32_t ignore_flags, char *buf, size_t size)
{
    size_t pos = 0;
    buf[0] = 0;
    if (want->status != got->status)
        append(buf, size, &pos, " status %s want %s;", status_name(got->status),
               status_name(want->status));
    else if (want->status == ORACLE_FAULT && want->vector != got->vector)
        append(buf, size, &pos, " vector %u want %u;", got->vector, want->vector);
    if (want->eip != got->eip)
        append(buf, size, &pos, " eip %x want %x;", got->eip, want->eip);
    if (want->status == ORACLE_FAULT && want->vector == 14 && want->cr2 != got->cr2)
        append(buf, size, &pos, " cr2 %x want %x;", got->cr2, want->cr2);
    for (int i = 0; i < 8; i++) {
        if (want->regs[i] != got->regs[i])
            append(buf, size, &pos, " %s %x want %x;", reg_names[i], got->regs[i],
                   want->regs[i]);
    }
    uint32_t fdiff = (want->eflags ^ got->eflags) & ORACLE_EFLAGS_MASK & ~ignore_flags;
    for (int b = 0; b < 12; b++) {
        if (fdiff & (1u << b))
            append(buf, size, &pos, " %s %u want %u;", flag_names[b], (got->eflags >> b) & 1,
                   (want->eflags >> b) & 1);
    }
    if (want->nb_diff != got->nb_diff) {
        append(buf, size, &pos, " %u bytes written, want %u;", got->nb_diff, want->nb_diff);
    } else {
        uint32_t n = want->nb_diff < ORACLE_DIFF_MAX ? want->nb_diff : ORACLE_DIFF_MAX;
        for (uint32_t i = 0; i < n; i++) {
            if (want->diff_off[i] != got->diff_off[i] || want->diff_val[i] != got->diff_val[i]) {
                append(buf, size, &pos, " memory: [%x]=%02x, want [%x]=%02x;",
                       got->diff_off[i], got->diff_val[i], want->diff_off[i],
                       want->diff_val[i]);
                break;
            }
        }
    }
    FxField f[20];
    unsigned n = fx_fields(f);
    for (unsigned i = 0; i < n; i++) {
        if (!memcmp(want->fx + f[i].off, got->fx + f[i].off, f[i].size))
            continue;
        append(buf, size, &pos, " %s ", f[i].name);
        append_hex(buf, size, &pos, got->fx + f[i].off, f[i].size);
        append(buf, size, &pos, " want ");
        append_hex(buf, size, &pos, want->fx + f[i].off, f[i].size);
        append(buf, size, &pos, ";");
    }
    return pos == 0;
}
