/*
 * The -d/-D log: item parsing, help, the output file, and whole dumps
 * from several threads staying contiguous under log_lock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"

static void expect_mask(const char *list, uint32_t want)
{
    uint32_t mask = 0xdeadbeef;
    char err[128] = "";
    assert_int_equal(log_parse_items(list, &mask, err, sizeof(err)), LOG_PARSE_OK);
    assert_int_equal(mask, want);
}

static void expect_parse_error(const char *list, const char *msg)
{
    uint32_t mask = 0x1234;
    char err[128] = "";
    assert_int_equal(log_parse_items(list, &mask, err, sizeof(err)), LOG_PARSE_ERROR);
    assert_string_equal(err, msg);
    assert_int_equal(mask, 0x1234);   /* untouched on error */
}

static void test_parse_items(void **state)
{
    (void)state;
    expect_mask("in_asm", LOG_IN_ASM);
    expect_mask("in_asm,op", LOG_IN_ASM | LOG_OP);
    expect_mask("op_opt,out_asm,exec,cpu,int,unimp,nochain",
                LOG_OP_OPT | LOG_OUT_ASM | LOG_EXEC | LOG_CPU | LOG_INT |
                LOG_UNIMP | LOG_NOCHAIN);
    expect_mask("", 0);
    expect_mask(",op,,op,", LOG_OP);
}

static void test_every_table_item_parses_to_its_own_bit(void **state)
{
    (void)state;
    uint32_t all = 0;
    int n = 0;
    for (const LogItem *it = log_items; it->name; it++, n++) {
        expect_mask(it->name, it->mask);
        assert_int_equal(it->mask & (it->mask - 1), 0);  /* one bit */
        assert_int_equal(all & it->mask, 0);             /* distinct */
        all |= it->mask;
    }
    assert_int_equal(n, 10);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_parse_error("foo", "unknown log item 'foo' (try -d help)");
    expect_parse_error("op,bogus,exec", "unknown log item 'bogus' (try -d help)");
    expect_parse_error("in", "unknown log item 'in' (try -d help)");
    expect_parse_error("OP", "unknown log item 'OP' (try -d help)");
    expect_parse_error("op\n", "unknown log item 'op?' (try -d help)");
}

static void test_help_item(void **state)
{
    (void)state;
    uint32_t mask = 7;
    char err[64];
    assert_int_equal(log_parse_items("help", &mask, err, sizeof(err)), LOG_PARSE_HELP);
    assert_int_equal(log_parse_items("op,help", &mask, err, sizeof(err)), LOG_PARSE_HELP);
    assert_int_equal(mask, 7);

    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    assert_non_null(f);
    log_print_help(f);
    fclose(f);
    int lines = 0;
    for (const char *c = buf; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 11);
    assert_non_null(strstr(buf, "\nin_asm     show the guest code"));
    assert_non_null(strstr(buf, "\nnochain    "));
}

static void test_enabled(void **state)
{
    (void)state;
    log_set_mask(LOG_OP | LOG_EXEC);
    assert_true(log_enabled(LOG_OP));
    assert_true(log_enabled(LOG_EXEC));
    assert_true(log_enabled(LOG_IN_ASM | LOG_EXEC));
    assert_false(log_enabled(LOG_IN_ASM));
    assert_false(log_enabled(LOG_OUT_ASM | LOG_CPU));
    assert_int_equal(log_get_mask(), LOG_OP | LOG_EXEC);
    log_set_mask(0);
    assert_false(log_enabled(LOG_OP));
}

static char *read_whole(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void make_temp_path(char *path, size_t len)
{
    snprintf(path, len, "/tmp/test-util-log-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

static void test_log_file(void **state)
{
    (void)state;
    char path[64], err[256];
    make_temp_path(path, sizeof(path));
    assert_int_equal(log_set_file(path, err, sizeof(err)), 0);
    assert_true(log_file() != stderr);
    log_printf("block %d at 0x%x\n", 3, 0x8048000);
    log_lock();
    fprintf(log_file(), "raw\n");
    log_unlock();
    log_flush();
    char *text = read_whole(path);
    assert_string_equal(text, "block 3 at 0x8048000\nraw\n");
    free(text);
    /* Back to stderr: the file is closed and complete. */
    assert_int_equal(log_set_file(NULL, err, sizeof(err)), 0);
    assert_true(log_file() == stderr);
    assert_int_equal(log_set_file("-", err, sizeof(err)), 0);
    assert_true(log_file() == stderr);
    unlink(path);
}

static void test_log_file_error(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(log_set_file("/nonexistent-mimic-dir/log", err, sizeof(err)), -1);
    assert_string_equal(err, "cannot open log file '/nonexistent-mimic-dir/log': "
                             "No such file or directory");
    assert_true(log_file() == stderr);
}

#define NB_THREADS 4
#define NB_DUMPS 200
#define DUMP_LINES 5

static void *dump_thread(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int d = 0; d < NB_DUMPS; d++) {
        log_lock();
        for (int l = 0; l < DUMP_LINES; l++)
            log_printf("T%d D%d L%d\n", t, d, l);
        log_unlock();
    }
    return NULL;
}

static void test_dumps_stay_whole_across_threads(void **state)
{
    (void)state;
    char path[64], err[256];
    make_temp_path(path, sizeof(path));
    assert_int_equal(log_set_file(path, err, sizeof(err)), 0);
    pthread_t th[NB_THREADS];
    for (int t = 0; t < NB_THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, dump_thread, (void *)(intptr_t)t), 0);
    for (int t = 0; t < NB_THREADS; t++)
        pthread_join(th[t], NULL);
    assert_int_equal(log_set_file(NULL, err, sizeof(err)), 0);

    char *text = read_whole(path);
    int next_dump[NB_THREADS] = { 0 };
    int lines = 0;
    char *save = NULL;
    int t0 = -1, d0 = -1, expect_l = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int t, d, l;
        assert_int_equal(sscanf(line, "T%d D%d L%d", &t, &d, &l), 3);
        if (expect_l == 0) {
            /* A dump starts: each thread's dumps appear in order. */
            assert_true(t >= 0 && t < NB_THREADS);
            assert_int_equal(d, next_dump[t]);
            next_dump[t]++;
            t0 = t;
            d0 = d;
        }
        assert_int_equal(t, t0);
        assert_int_equal(d, d0);
        assert_int_equal(l, expect_l);
        expect_l = (expect_l + 1) % DUMP_LINES;
        lines++;
    }
    assert_int_equal(lines, NB_THREADS * NB_DUMPS * DUMP_LINES);
    free(text);
    unlink(path);
}

typedef struct Outcome {
    int status;
    char out[2048];
} Outcome;

/* Runs log_parse_items_or_exit(list) in a child, capturing fd. */
static void run_parse_or_exit(const char *list, int fd, Outcome *o)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], fd);
        close(fds[0]);
        close(fds[1]);
        util_set_progname("mimic-i386");
        uint32_t mask = log_parse_items_or_exit(list);
        printf("mask %u\n", mask);
        fflush(stdout);
        _exit(7);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while ((r = read(fds[0], o->out + n, sizeof(o->out) - 1 - n)) > 0)
        n += (size_t)r;
    o->out[n] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &o->status, 0), pid);
    assert_true(WIFEXITED(o->status));
}

static void test_parse_or_exit(void **state)
{
    (void)state;
    Outcome o;
    run_parse_or_exit("nope", 2, &o);
    assert_int_equal(WEXITSTATUS(o.status), 1);
    assert_string_equal(o.out, "mimic-i386: error: unknown log item 'nope' (try -d help)\n");

    run_parse_or_exit("help", 1, &o);
    assert_int_equal(WEXITSTATUS(o.status), 0);
    assert_true(strncmp(o.out, "Log items (comma separated):\nin_asm ", 36) == 0);

    run_parse_or_exit("op,exec", 1, &o);
    assert_int_equal(WEXITSTATUS(o.status), 7);
    char want[32];
    snprintf(want, sizeof(want), "mask %u\n", (unsigned)(LOG_OP | LOG_EXEC));
    assert_string_equal(o.out, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_items),
        cmocka_unit_test(test_every_table_item_parses_to_its_own_bit),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_help_item),
        cmocka_unit_test(test_enabled),
        cmocka_unit_test(test_log_file),
        cmocka_unit_test(test_log_file_error),
        cmocka_unit_test(test_dumps_stay_whole_across_threads),
        cmocka_unit_test(test_parse_or_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
