/*
 * The system call table: sorted and unique numbers that match the
 * kernel's own i386 numbering (<asm/unistd_32.h>, the kernel's uapi
 * header, as the reference), a handler, a name and a valid -strace
 * format in every row, the old/new interface pairs on the right
 * handlers, lookup of present and absent numbers, and docs/syscalls.md
 * up to date with the table.
 *
 *     test-syscall-table --markdown > docs/syscalls.md
 *
 * regenerates the document.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/unistd_32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux-user/syscall-internal.h"

typedef struct KernelNr {
    const char *name;
    unsigned nr;
} KernelNr;

#define NR(name) { #name, __NR_##name }

/* Every name the table uses, with the kernel header's number for it. */
static const KernelNr kernel_nrs[] = {
    NR(exit), NR(fork), NR(read), NR(write), NR(open), NR(close), NR(waitpid),
    NR(creat), NR(link), NR(unlink), NR(execve), NR(chdir), NR(time), NR(mknod),
    NR(chmod), NR(lchown), NR(lseek), NR(getpid), NR(mount), NR(umount), NR(setuid),
    NR(getuid), NR(alarm), NR(pause), NR(utime), NR(access), NR(nice), NR(sync),
    NR(kill), NR(rename), NR(mkdir), NR(rmdir), NR(dup), NR(pipe), NR(times), NR(brk),
    NR(setgid), NR(getgid), NR(signal), NR(geteuid), NR(getegid), NR(umount2),
    NR(ioctl), NR(fcntl), NR(setpgid), NR(umask), NR(chroot), NR(dup2), NR(getppid),
    NR(getpgrp), NR(setsid), NR(sigaction), NR(setreuid), NR(setregid), NR(sigsuspend),
    NR(sigpending), NR(sethostname), NR(setrlimit), NR(getrlimit), NR(getrusage),
    NR(gettimeofday), NR(settimeofday), NR(getgroups), NR(setgroups), NR(select),
    NR(symlink), NR(readlink), NR(mmap), NR(munmap), NR(truncate), NR(ftruncate),
    NR(fchmod), NR(fchown), NR(getpriority), NR(setpriority), NR(statfs), NR(fstatfs),
    NR(socketcall), NR(syslog), NR(setitimer), NR(getitimer), NR(stat), NR(lstat),
    NR(fstat), NR(wait4), NR(sysinfo), NR(fsync), NR(sigreturn), NR(clone),
    NR(setdomainname), NR(uname), NR(modify_ldt), NR(mprotect), NR(sigprocmask),
    NR(getpgid), NR(fchdir), NR(personality), NR(setfsuid), NR(setfsgid), NR(_llseek),
    NR(getdents), NR(_newselect), NR(flock), NR(msync), NR(readv), NR(writev),
    NR(getsid), NR(fdatasync), NR(sched_setparam), NR(sched_getparam),
    NR(sched_setscheduler), NR(sched_getscheduler), NR(sched_yield),
    NR(sched_get_priority_max), NR(sched_get_priority_min), NR(sched_rr_get_interval),
    NR(nanosleep), NR(mremap), NR(setresuid), NR(getresuid), NR(poll), NR(setresgid),
    NR(getresgid), NR(prctl), NR(rt_sigreturn), NR(rt_sigaction), NR(rt_sigprocmask),
    NR(rt_sigpending), NR(rt_sigtimedwait), NR(rt_sigqueueinfo), NR(rt_sigsuspend),
    NR(pread64), NR(pwrite64), NR(chown), NR(getcwd), NR(capget), NR(capset),
    NR(sigaltstack), NR(sendfile), NR(vfork), NR(ugetrlimit), NR(mmap2), NR(truncate64),
    NR(ftruncate64), NR(stat64), NR(lstat64), NR(fstat64), NR(lchown32), NR(getuid32),
    NR(getgid32), NR(geteuid32), NR(getegid32), NR(setreuid32), NR(setregid32),
    NR(getgroups32), NR(setgroups32), NR(fchown32), NR(setresuid32), NR(getresuid32),
    NR(setresgid32), NR(getresgid32), NR(chown32), NR(setuid32), NR(setgid32),
    NR(setfsuid32), NR(setfsgid32), NR(madvise), NR(getdents64), NR(fcntl64),
    NR(gettid), NR(readahead), NR(setxattr), NR(lsetxattr), NR(fsetxattr), NR(getxattr),
    NR(lgetxattr), NR(fgetxattr), NR(listxattr), NR(llistxattr), NR(flistxattr),
    NR(removexattr), NR(lremovexattr), NR(fremovexattr), NR(tkill), NR(sendfile64),
    NR(futex), NR(sched_setaffinity), NR(sched_getaffinity), NR(set_thread_area),
    NR(get_thread_area), NR(fadvise64), NR(exit_group), NR(epoll_create), NR(epoll_ctl),
    NR(epoll_wait), NR(set_tid_address), NR(timer_create), NR(timer_settime),
    NR(timer_gettime), NR(timer_getoverrun), NR(timer_delete), NR(clock_settime),
    NR(clock_gettime), NR(clock_getres), NR(clock_nanosleep), NR(statfs64),
    NR(fstatfs64), NR(tgkill), NR(utimes), NR(fadvise64_64), NR(waitid), NR(ioprio_set),
    NR(ioprio_get), NR(inotify_init), NR(inotify_add_watch), NR(inotify_rm_watch),
    NR(openat), NR(mkdirat), NR(mknodat), NR(fchownat), NR(futimesat), NR(fstatat64),
    NR(unlinkat), NR(renameat), NR(linkat), NR(symlinkat), NR(readlinkat), NR(fchmodat),
    NR(faccessat), NR(pselect6), NR(ppoll), NR(set_robust_list), NR(get_robust_list),
    NR(splice), NR(sync_file_range), NR(tee), NR(getcpu), NR(epoll_pwait),
    NR(utimensat), NR(timerfd_create), NR(eventfd), NR(fallocate), NR(timerfd_settime),
    NR(timerfd_gettime), NR(eventfd2), NR(epoll_create1), NR(dup3), NR(pipe2),
    NR(inotify_init1), NR(preadv), NR(pwritev), NR(rt_tgsigqueueinfo), NR(recvmmsg),
    NR(prlimit64), NR(syncfs), NR(sendmmsg), NR(renameat2), NR(getrandom),
    NR(memfd_create), NR(socket), NR(socketpair), NR(bind), NR(connect), NR(listen),
    NR(accept4), NR(getsockopt), NR(setsockopt), NR(getsockname), NR(getpeername),
    NR(sendto), NR(sendmsg), NR(recvfrom), NR(recvmsg), NR(shutdown),
    NR(copy_file_range), NR(preadv2), NR(pwritev2), NR(statx), NR(clock_gettime64),
    NR(clock_settime64), NR(clock_getres_time64), NR(clock_nanosleep_time64),
    NR(timer_gettime64), NR(timer_settime64), NR(timerfd_gettime64),
    NR(timerfd_settime64), NR(utimensat_time64), NR(pselect6_time64), NR(ppoll_time64),
    NR(recvmmsg_time64), NR(rt_sigtimedwait_time64), NR(futex_time64),
    NR(sched_rr_get_interval_time64), NR(close_range), NR(openat2), NR(faccessat2),
    NR(epoll_pwait2),
};

static const KernelNr *kernel_nr(const char *name)
{
    for (size_t i = 0; i < sizeof(kernel_nrs) / sizeof(kernel_nrs[0]); i++)
        if (strcmp(kernel_nrs[i].name, name) == 0)
            return &kernel_nrs[i];
    return NULL;
}

static void test_sorted_unique(void **state)
{
    (void)state;
    assert_true(syscall_table_size > 200);
    for (unsigned i = 1; i < syscall_table_size; i++)
        assert_true(syscall_table[i - 1].nr < syscall_table[i].nr);
}

static void test_numbers_match_kernel(void **state)
{
    (void)state;
    for (unsigned i = 0; i < syscall_table_size; i++) {
        const SyscallDef *d = &syscall_table[i];
        const KernelNr *k = kernel_nr(d->name);
        if (!k)
            fail_msg("%s is not a kernel name", d->name);
        if (k->nr != d->nr)
            fail_msg("%s: table %u, kernel %u", d->name, d->nr, k->nr);
    }
}

/* Registers each format character takes (0: not a format character). */
static int format_width(char c)
{
    if (c == 'L' || c == 'H')
        return 2;
    return strchr("duxpsvbBfomaAwciPMSCFTNhXrO", c) ? 1 : 0;
}

static void test_rows_complete(void **state)
{
    (void)state;
    for (unsigned i = 0; i < syscall_table_size; i++) {
        const SyscallDef *d = &syscall_table[i];
        assert_non_null(d->name);
        assert_true(d->name[0] != 0);
        assert_non_null(d->fn);
        assert_non_null(d->args);
        int regs = 0;
        for (const char *f = d->args; *f; f++) {
            int w = format_width(*f);
            if (!w)
                fail_msg("%s: bad format character '%c'", d->name, *f);
            regs += w;
            /* 'b' takes its length from the next register. */
            if (*f == 'b' && f[1] == 0)
                fail_msg("%s: 'b' needs a length after it", d->name);
        }
        if (regs > 6)
            fail_msg("%s: %d registers", d->name, regs);
    }
}

static void test_argument_counts(void **state)
{
    (void)state;
    /* A sample checked against the kernel's SYSCALL_DEFINEn counts (64-bit
     * arguments take two registers on i386). */
    static const struct { unsigned nr; int regs; } want[] = {
        { __NR_read, 3 }, { __NR_openat, 4 }, { __NR_mmap2, 6 }, { __NR__llseek, 5 },
        { __NR_pread64, 5 }, { __NR_fadvise64_64, 6 }, { __NR_statx, 5 },
        { __NR_exit_group, 1 }, { __NR_getpid, 0 }, { __NR_clone, 5 },
        { __NR_futex, 6 }, { __NR_epoll_pwait, 6 }, { __NR_sendto, 6 },
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const SyscallDef *d = syscall_lookup(want[i].nr);
        assert_non_null(d);
        int regs = 0;
        for (const char *f = d->args; *f; f++)
            regs += format_width(*f);
        if (regs != want[i].regs)
            fail_msg("%s: %d registers, want %d", d->name, regs, want[i].regs);
    }
}

static void test_shared_handlers(void **state)
{
    (void)state;
    /* The 16-bit id calls and their 32-bit successors. */
    assert_ptr_equal(syscall_lookup(__NR_chown)->fn, sys_chown16);
    assert_ptr_equal(syscall_lookup(__NR_chown32)->fn, sys_chown);
    assert_ptr_equal(syscall_lookup(__NR_getuid)->fn, sys_getuid16);
    assert_ptr_equal(syscall_lookup(__NR_getuid32)->fn, sys_getuid);
    assert_ptr_equal(syscall_lookup(__NR_getgroups)->fn, sys_getgroups16);
    assert_ptr_equal(syscall_lookup(__NR_getgroups32)->fn, sys_getgroups);
    /* The old select and mmap take one pointer to their arguments. */
    assert_ptr_equal(syscall_lookup(__NR_select)->fn, sys_old_select);
    assert_ptr_equal(syscall_lookup(__NR__newselect)->fn, sys_newselect);
    assert_ptr_equal(syscall_lookup(__NR_mmap)->fn, sys_old_mmap);
    /* 32- and 64-bit time. */
    assert_ptr_equal(syscall_lookup(__NR_clock_gettime)->fn, sys_clock_gettime);
    assert_ptr_equal(syscall_lookup(__NR_clock_gettime64)->fn, sys_clock_gettime64);
    /* Calls that may not return are printed before they run. */
    assert_true(syscall_lookup(__NR_exit_group)->flags & SC_NORETURN);
    assert_true(syscall_lookup(__NR_execve)->flags & SC_NORETURN);
    assert_true(syscall_lookup(__NR_mmap2)->flags & SC_RET_HEX);
    assert_true(syscall_lookup(__NR_rt_sigreturn)->flags & SC_RET_REGS);
}

static void test_lookup(void **state)
{
    (void)state;
    for (unsigned i = 0; i < syscall_table_size; i++)
        assert_ptr_equal(syscall_lookup(syscall_table[i].nr), &syscall_table[i]);
    /* Retired and unassigned numbers, and out-of-range ones. */
    assert_null(syscall_lookup(__NR_break));
    assert_null(syscall_lookup(222));
    assert_null(syscall_lookup(251));
    assert_null(syscall_lookup(100000));
    assert_null(syscall_lookup(0xffffffffu));
}

/* ---- docs/syscalls.md ------------------------------------------------------ */

static void print_markdown(FILE *out)
{
    fprintf(out, "# System calls of mimic-i386\n\n"
                 "The i386 Linux system calls `mimic-i386` implements, by number, as\n"
                 "listed in `src/linux-user/syscall-table.c` (%u calls).  Any other\n"
                 "number returns `ENOSYS` and is reported by `-d unimp`; how the calls\n"
                 "are emulated is in [syscall-layer.md](syscall-layer.md).  Generated by\n"
                 "`build/tests/unit/test-syscall-table --markdown`; `make check` fails\n"
                 "when this page and the table disagree.\n\n"
                 "| number | name | number | name | number | name |\n"
                 "| ---: | --- | ---: | --- | ---: | --- |\n",
            syscall_table_size);
    unsigned rows = (syscall_table_size + 2) / 3;
    for (unsigned r = 0; r < rows; r++) {
        for (unsigned c = 0; c < 3; c++) {
            unsigned i = c * rows + r;
            if (i < syscall_table_size)
                fprintf(out, "| %u | `%s` ", syscall_table[i].nr, syscall_table[i].name);
            else
                fprintf(out, "| | ");
        }
        fprintf(out, "|\n");
    }
}

/* docs/syscalls.md, found from this file's path in the tree. */
static char *doc_path(void)
{
    const char *src = __FILE__;
    const char *slash = strrchr(src, '/');
    size_t dir = slash ? (size_t)(slash - src) + 1 : 0;
    char *p = malloc(dir + 64);
    assert_non_null(p);
    memcpy(p, src, dir);
    strcpy(p + dir, "../../docs/syscalls.md");
    return p;
}

static void test_doc_up_to_date(void **state)
{
    (void)state;
    char *want = NULL, *have = NULL;
    size_t want_len = 0, have_len = 0;
    FILE *m = open_memstream(&want, &want_len);
    assert_non_null(m);
    print_markdown(m);
    fclose(m);
    char *path = doc_path();
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    FILE *h = open_memstream(&have, &have_len);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, h);
    fclose(f);
    fclose(h);
    if (want_len != have_len || memcmp(want, have, want_len) != 0)
        fail_msg("%s is out of date: run test-syscall-table --markdown > docs/syscalls.md",
                 path);
    free(want);
    free(have);
    free(path);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
        print_markdown(stdout);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorted_unique),
        cmocka_unit_test(test_numbers_match_kernel),
        cmocka_unit_test(test_rows_complete),
        cmocka_unit_test(test_argument_counts),
        cmocka_unit_test(test_shared_handlers),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_doc_up_to_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
