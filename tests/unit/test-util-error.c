/*
 * Fatal errors: the exact line, the exit status, the abort.  Each case
 * that ends the program runs in a forked child whose stderr is a pipe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"

typedef struct Outcome {
    int status;          /* from waitpid */
    char out[512];       /* what the child wrote to stderr */
} Outcome;

/* Runs fn(arg) in a child and collects its stderr and status. */
static void run_child(void (*fn)(const void *), const void *arg, Outcome *o)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        fn(arg);
        _exit(99);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while ((r = read(fds[0], o->out + n, sizeof(o->out) - 1 - n)) > 0)
        n += (size_t)r;
    o->out[n] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &o->status, 0), pid);
}

static void user_error_child(const void *arg)
{
    util_set_progname(arg);
    fatal_user_error("cannot open '%s': %s", "prog.elf", "No such file or directory");
}

static void test_user_error_line_and_status(void **state)
{
    (void)state;
    Outcome o;
    run_child(user_error_child, "/usr/local/bin/mimic-i386", &o);
    assert_true(WIFEXITED(o.status));
    assert_int_equal(WEXITSTATUS(o.status), 1);
    assert_string_equal(o.out,
        "mimic-i386: error: cannot open 'prog.elf': No such file or directory\n");
}

static void multiline_child(const void *arg)
{
    (void)arg;
    util_set_progname("mimic-rr");
    fatal_user_error("bad\nrecord\theader\n\n");
}

static void test_user_error_stays_one_line(void **state)
{
    (void)state;
    Outcome o;
    run_child(multiline_child, NULL, &o);
    assert_int_equal(WEXITSTATUS(o.status), 1);
    assert_string_equal(o.out, "mimic-rr: error: bad?record?header\n");
}

static void internal_child(const void *arg)
{
    (void)arg;
    util_set_progname("mimic-i386");
    fatal_internal("register allocator lost temp %d", 42);
}

static void test_internal_error_aborts(void **state)
{
    (void)state;
    Outcome o;
    run_child(internal_child, NULL, &o);
    assert_true(WIFSIGNALED(o.status));
    assert_int_equal(WTERMSIG(o.status), SIGABRT);
    assert_non_null(strstr(o.out, "mimic-i386: internal error: register allocator lost temp 42\n"));
}

static void test_progname(void **state)
{
    (void)state;
    util_set_progname("mimic-system-i386");
    assert_string_equal(util_progname(), "mimic-system-i386");
    util_set_progname("./build/mimic-i386");
    assert_string_equal(util_progname(), "mimic-i386");
    util_set_progname(NULL);
    util_set_progname("");
    util_set_progname("dir/");
    assert_string_equal(util_progname(), "mimic-i386");
}

static void test_format_message(void **state)
{
    (void)state;
    char buf[64];
    util_set_progname("mimic");
    util_format_message(buf, sizeof(buf), "error", "x=%d", 5);
    assert_string_equal(buf, "mimic: error: x=5");
    util_format_message(buf, sizeof(buf), NULL, "plain");
    assert_string_equal(buf, "mimic: plain");
    util_format_message(buf, 12, "error", "long message");
    assert_string_equal(buf, "mimic: erro");
}

static void test_quote(void **state)
{
    (void)state;
    char out[UTIL_QUOTE_MAX];
    util_quote(out, sizeof(out), "ab\x01\x7f" "c", 5);
    assert_string_equal(out, "ab??c");
    char in[100];
    memset(in, 'q', sizeof(in));
    util_quote(out, sizeof(out), in, sizeof(in));
    assert_int_equal(strlen(out), 67);
    assert_memory_equal(out + 64, "...", 3);
    util_quote(out, sizeof(out), in, 64);
    assert_int_equal(strlen(out), 64);
    util_quote(out, 4, in, 10);
    assert_string_equal(out, "qqq");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_error_line_and_status),
        cmocka_unit_test(test_user_error_stays_one_line),
        cmocka_unit_test(test_internal_error_aborts),
        cmocka_unit_test(test_progname),
        cmocka_unit_test(test_format_message),
        cmocka_unit_test(test_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
