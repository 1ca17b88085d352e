/*
 * linux_safe_syscall: a pending guest signal (the thread's exit request)
 * stops a host call before it starts, also when the signal lands between
 * the check and the SYSCALL instruction; otherwise it is syscall(2).
 * Checked against the kernel's own answers (getpid, a pipe's read).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/user-internal.h"

extern const char safe_syscall_start[], safe_syscall_end[], safe_syscall_interrupted[];

static LinuxThread *thread_with_exec(void)
{
    LinuxThread *t = calloc(1, sizeof(*t));
    t->cpu.parent.exec = calloc(1, sizeof(CPUExec));
    return t;
}

static void free_thread(LinuxThread *t)
{
    free(t->cpu.parent.exec);
    free(t);
}

static void test_plain_and_flagged(void **state)
{
    (void)state;
    LinuxThread *t = thread_with_exec();
    linux_current = t;
    assert_int_equal(linux_safe_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0), getpid());
    errno = 0;
    assert_int_equal(linux_safe_syscall(SYS_close, -1, 0, 0, 0, 0, 0), -1);
    assert_int_equal(errno, EBADF);
    /* A recorded signal: the call is not made (a pipe write would
     * otherwise succeed). */
    int p[2];
    assert_int_equal(pipe(p), 0);
    t->cpu.parent.exec->exit_request = 1;
    errno = 0;
    assert_int_equal(linux_safe_syscall(SYS_write, p[1], (long)"x", 1, 0, 0, 0), -1);
    assert_int_equal(errno, EINTR);
    t->cpu.parent.exec->exit_request = 0;
    assert_int_equal(linux_safe_syscall(SYS_write, p[1], (long)"y", 1, 0, 0, 0), 1);
    char c = 0;
    assert_int_equal(read(p[0], &c, 1), 1);
    assert_int_equal(c, 'y');   /* "x" was never written */
    close(p[0]);
    close(p[1]);
    linux_current = NULL;
    free_thread(t);
}

static void test_fixup_window(void **state)
{
    (void)state;
    ucontext_t uc;
    memset(&uc, 0, sizeof(uc));
    for (const char *pc = safe_syscall_start; pc < safe_syscall_end; pc++) {
        uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)pc;
        assert_true(linux_safe_syscall_fixup(&uc));
        assert_ptr_equal((void *)(uintptr_t)uc.uc_mcontext.gregs[REG_RIP],
                         safe_syscall_interrupted);
    }
    /* Once the call returned its result stands. */
    uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)safe_syscall_end;
    assert_false(linux_safe_syscall_fixup(&uc));
    uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)test_fixup_window;
    assert_false(linux_safe_syscall_fixup(&uc));
}

/* A blocked read interrupted by a host signal whose handler records a
 * guest signal, as signal.c's does. */
static LinuxThread *reader;
static int pipe_fds[2];
static volatile long reader_result, reader_errno;
static volatile int reader_ready;

static void recording_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    linux_safe_syscall_fixup(uc);
    __atomic_store_n(&linux_current->cpu.parent.exec->exit_request, 1, __ATOMIC_SEQ_CST);
}

static void *read_thread(void *arg)
{
    (void)arg;
    linux_current = reader;
    __atomic_store_n(&reader_ready, 1, __ATOMIC_SEQ_CST);
    char c;
    reader_result = linux_safe_syscall(SYS_read, pipe_fds[0], (long)&c, 1, 0, 0, 0);
    reader_errno = errno;
    return NULL;
}

static void test_blocking_call_interrupted(void **state)
{
    (void)state;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = recording_handler;
    sa.sa_flags = SA_SIGINFO;   /* no SA_RESTART, as mimic installs them */
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
    assert_int_equal(pipe(pipe_fds), 0);
    reader = thread_with_exec();
    pthread_t th;
    reader_ready = 0;
    assert_int_equal(pthread_create(&th, NULL, read_thread, NULL), 0);
    /* The handler needs the thread's linux_current; then, blocked in the
     * call or about to enter it (the exit request's case), it must
     * return EINTR. */
    while (!__atomic_load_n(&reader_ready, __ATOMIC_SEQ_CST))
        sched_yield();
    usleep(50 * 1000);
    pthread_kill(th, SIGUSR1);
    pthread_join(th, NULL);
    assert_int_equal(reader_result, -1);
    assert_int_equal(reader_errno, EINTR);
    sigaction(SIGUSR1, &old, NULL);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    free_thread(reader);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_flagged),
        cmocka_unit_test(test_fixup_window),
        cmocka_unit_test(test_blocking_call_interrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
