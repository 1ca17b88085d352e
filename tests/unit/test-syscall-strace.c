/*
 * -strace formatting: calls with strings, buffers, flags and 64-bit
 * arguments read from a guest address space, results as numbers,
 * addresses and errno names, and whole lines through the log stream.
 * The expected lines are written by hand in strace(1)'s notation; the
 * errno names are checked against the host's <errno.h> constants, which
 * have the i386 values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "syscall-fixture.h"
#include "util/log.h"

static const char *call(uint32_t nr, abi_ulong a0, abi_ulong a1, abi_ulong a2, abi_ulong a3,
                        abi_ulong a4, abi_ulong a5, abi_long ret)
{
    static char buf[512];
    const abi_ulong a[6] = { a0, a1, a2, a3, a4, a5 };
    const SyscallDef *d = syscall_lookup(nr);
    assert_non_null(d);
    strace_format_call(&fx_proc->space, d, a, ret, buf, sizeof(buf));
    return buf;
}

static const char *result(uint32_t nr, abi_long ret, bool returned)
{
    static char buf[128];
    strace_format_result(syscall_lookup(nr), ret, returned, buf, sizeof(buf));
    return buf;
}

static void test_strings_and_flags(void **state)
{
    (void)state;
    uint32_t path = gstr("/etc/passwd");
    assert_string_equal(call(295, (abi_ulong)-100, path, O_RDONLY | O_CLOEXEC, 0, 0, 0, 3),
                        "openat(AT_FDCWD,\"/etc/passwd\",O_RDONLY|O_CLOEXEC,0)");
    assert_string_equal(result(295, 3, true), " = 3");
    assert_string_equal(call(5, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0, 0, 3),
                        "open(\"/etc/passwd\",O_WRONLY|O_CREAT|O_TRUNC,0644)");
    /* A string pointer that cannot be read prints as its address. */
    assert_string_equal(call(10, GUEST_UNMAPPED, 0, 0, 0, 0, 0, 0), "unlink(0x40000000)");
    assert_string_equal(call(10, 0, 0, 0, 0, 0, 0, 0), "unlink(NULL)");
    assert_string_equal(call(33, path, R_OK | X_OK, 0, 0, 0, 0, 0),
                        "access(\"/etc/passwd\",R_OK|X_OK)");
    assert_string_equal(call(33, path, F_OK, 0, 0, 0, 0, 0), "access(\"/etc/passwd\",F_OK)");
    assert_string_equal(call(221, 3, F_SETFD, 1, 0, 0, 0, 0), "fcntl64(3,F_SETFD,0x1)");
    assert_string_equal(call(54, 0, TCGETS_GUEST, 0x1000, 0, 0, 0, 0),
                        "ioctl(0,TCGETS,0x1000)");
    assert_string_equal(call(54, 0, 0x1234, 0x1000, 0, 0, 0, 0), "ioctl(0,0x1234,0x1000)");
    assert_string_equal(call(37, 123, SIGTERM, 0, 0, 0, 0, 0), "kill(123,SIGTERM)");
    assert_string_equal(call(37, 123, 34, 0, 0, 0, 0, 0), "kill(123,SIGRT_2)");
    assert_string_equal(call(265, 1, 0x2000, 0, 0, 0, 0, 0),
                        "clock_gettime(CLOCK_MONOTONIC,0x2000)");
    assert_string_equal(call(359, 2, 1 | SOCK_CLOEXEC, 0, 0, 0, 0, 3),
                        "socket(AF_INET,SOCK_STREAM|SOCK_CLOEXEC,0)");
    assert_string_equal(call(191, 7, 0x3000, 0, 0, 0, 0, 0), "ugetrlimit(RLIMIT_NOFILE,0x3000)");
    assert_string_equal(call(172, 15, 0x3000, 0, 0, 0, 0, 0),
                        "prctl(PR_SET_NAME,0x3000,0,0,0)");
    assert_string_equal(call(300, 5, path, 0x3000, 0x100, 0, 0, 0),
                        "fstatat64(5,\"/etc/passwd\",0x3000,AT_SYMLINK_NOFOLLOW)");
}

static void test_buffers(void **state)
{
    (void)state;
    uint32_t buf = gput("ab\ncd\"\\\x01", 8);
    /* read shows what it read: as many bytes as it returned. */
    assert_string_equal(call(3, 3, buf, 4096, 0, 0, 0, 5), "read(3,\"ab\\ncd\",4096)");
    assert_string_equal(call(3, 3, buf, 4096, 0, 0, 0, -EAGAIN), "read(3,0x10000,4096)");
    /* write shows its input: escapes, and a cut after 32 bytes. */
    assert_string_equal(call(4, 1, buf, 8, 0, 0, 0, 8), "write(1,\"ab\\ncd\\\"\\\\\\x01\",8)");
    uint32_t longer = gstr("0123456789abcdefghijklmnopqrstuvwxyz");
    assert_string_equal(call(4, 1, longer, 36, 0, 0, 0, 36),
                        "write(1,\"0123456789abcdefghijklmnopqrstuv\"...,36)");
    /* An argv array. */
    uint32_t argv[3] = { gstr("ls"), gstr("-l"), 0 };
    uint32_t av = gput(argv, sizeof(argv));
    assert_string_equal(call(11, gstr("/bin/ls"), av, 0, 0, 0, 0, 0),
                        "execve(\"/bin/ls\",[\"ls\",\"-l\"],NULL)");
}

static void test_memory_and_wide_args(void **state)
{
    (void)state;
    assert_string_equal(call(192, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                             (abi_ulong)-1, 0, 0),
                        "mmap2(NULL,8192,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0)");
    assert_string_equal(result(192, (abi_long)0xf7ff0000u, true), " = 0xf7ff0000");
    assert_string_equal(result(192, -ENOMEM, true), " = -1 ENOMEM (Cannot allocate memory)");
    assert_string_equal(call(125, 0x8048000, 4096, 0, 0, 0, 0, 0),
                        "mprotect(0x8048000,4096,PROT_NONE)");
    /* _llseek(fd, high, low, result, whence) */
    assert_string_equal(call(140, 3, 1, 16, 0x4000, SEEK_END, 0, 0),
                        "_llseek(3,4294967312,0x4000,SEEK_END)");
    /* pread64(fd, buf, count, low, high) */
    assert_string_equal(call(180, 3, 0x4000, 10, 0, 2, 0, -EINVAL),
                        "pread64(3,0x4000,10,8589934592)");
}

static void test_results(void **state)
{
    (void)state;
    assert_string_equal(result(5, -ENOENT, true), " = -1 ENOENT (No such file or directory)");
    assert_string_equal(result(252, 0, false), " = ?");
    /* sigreturn's result is the restored eax, not an error. */
    assert_string_equal(result(173, -EINTR, true), " = -4");
    assert_string_equal(result(20, 4242, true), " = 4242");

    static const struct { int e; const char *name; } names[] = {
        { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EAGAIN, "EAGAIN" },
        { ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" },
        { ENOSYS, "ENOSYS" }, { ELOOP, "ELOOP" }, { ENOMSG, "ENOMSG" }, { EOVERFLOW, "EOVERFLOW" },
        { ENOTSOCK, "ENOTSOCK" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ECONNREFUSED, "ECONNREFUSED" },
        { EINPROGRESS, "EINPROGRESS" }, { ESTALE, "ESTALE" }, { EDQUOT, "EDQUOT" },
        { ECANCELED, "ECANCELED" }, { EOWNERDEAD, "EOWNERDEAD" }, { EHWPOISON, "EHWPOISON" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_string_equal(strace_errno_name(names[i].e), names[i].name);
    assert_null(strace_errno_name(0));
    assert_null(strace_errno_name(41));      /* unused number */
    assert_null(strace_errno_name(4000));
}

/* Whole lines go to the log stream with the thread id in front. */
static void test_lines(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/mimic-strace-%d.log", (int)getpid());
    char err[128];
    assert_int_equal(log_set_file(path, err, sizeof(err)), 0);
    const abi_ulong a[6] = { gstr("/nope"), 0, 0, 0, 0, 0 };
    strace_print(fx_thread, syscall_lookup(10), a, -ENOENT, true);
    const abi_ulong b[6] = { 0, 0, 0, 0, 0, 0 };
    strace_print(fx_thread, syscall_lookup(252), b, 0, false);
    const abi_ulong c[6] = { 1, 2, 3, 4, 5, 6 };
    strace_print_unknown(fx_thread, 999, c);
    assert_int_equal(log_set_file(NULL, err, sizeof(err)), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char text[1024] = { 0 };
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    unlink(path);
    text[n] = 0;
    char want[1024];
    snprintf(want, sizeof(want),
             "%d unlink(\"/nope\") = -1 ENOENT (No such file or directory)\n"
             "%d exit_group(0) = ?\n"
             "%d syscall_999(0x1,0x2,0x3,0x4,0x5,0x6) = -1 ENOSYS (Function not implemented)\n",
             fx_thread->tid, fx_thread->tid, fx_thread->tid);
    assert_string_equal(text, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_strings_and_flags, fx_reset),
        cmocka_unit_test_setup(test_buffers, fx_reset),
        cmocka_unit_test_setup(test_memory_and_wide_args, fx_reset),
        cmocka_unit_test_setup(test_results, fx_reset),
        cmocka_unit_test_setup(test_lines, fx_reset),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
