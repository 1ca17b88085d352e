/*
 * File, directory, stat and fcntl handlers called on a guest address
 * space, checked against the host kernel's view of the same files (the
 * reference: what Linux itself says the file holds, its size, inode,
 * lock owner), with guest results read at the i386 ABI offsets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "syscall-fixture.h"

static char tmpdir[64];

static int group_setup(void **state)
{
    strcpy(tmpdir, "/tmp/mimic-syscall-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return fx_setup(state);
}

static int group_teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        return -1;
    return fx_teardown(state);
}

static const char *tpath(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) & 3;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
    return buf[i];
}

static void test_open_write_read(void **state)
{
    (void)state;
    const char *text = "hello, i386 world\n";
    abi_long fd = CALL(openat, AT_FDCWD, gstr(tpath("a.txt")), O_CREAT | O_RDWR | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(CALL(write, fd, gstr(text), strlen(text)), (abi_long)strlen(text));

    /* The host sees what the guest wrote. */
    char host[64] = { 0 };
    assert_int_equal(pread((int)fd, host, sizeof(host), 0), (ssize_t)strlen(text));
    assert_string_equal(host, text);

    uint32_t buf = galloc(64);
    assert_int_equal(CALL(pread64, fd, buf, 5, 7, 0), 5);
    assert_memory_equal(gptr(buf), "i386 ", 5);
    assert_int_equal(CALL(lseek, fd, 0, SEEK_SET), 0);
    assert_int_equal(CALL(read, fd, buf, 64), (abi_long)strlen(text));
    assert_memory_equal(gptr(buf), text, strlen(text));
    assert_int_equal(CALL(close, fd), 0);
    assert_int_equal(CALL(close, fd), -EBADF);
}

static void test_bad_buffers(void **state)
{
    (void)state;
    int fd = open(tpath("a.txt"), O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(CALL(read, fd, GUEST_UNMAPPED, 10), -EFAULT);
    /* Linux checks the descriptor before the buffer. */
    assert_int_equal(CALL(read, 999, GUEST_UNMAPPED, 10), -EBADF);
    assert_int_equal(CALL(write, 999, GUEST_UNMAPPED, 10), -EBADF);
    /* A buffer running off the end of the mapping: a short read, as
     * Linux stops at the first byte it cannot store. */
    uint32_t tail = GUEST_TEST_END - 6;
    assert_int_equal(CALL(read, fd, tail, 100), 6);
    assert_memory_equal(gptr(tail), "hello,", 6);
    assert_int_equal(CALL(openat, AT_FDCWD, GUEST_UNMAPPED, O_RDONLY, 0), -EFAULT);
    close(fd);
}

static void test_llseek_and_overflow(void **state)
{
    (void)state;
    int fd = open(tpath("big"), O_CREAT | O_RDWR | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 3ll << 30), 0);     /* sparse 3 GiB */
    /* A 32-bit lseek cannot report the position. */
    assert_int_equal(CALL(lseek, fd, 0, SEEK_END), -EOVERFLOW);
    uint32_t res = galloc(8);
    /* _llseek(fd, high, low, result*, whence) */
    assert_int_equal(CALL(llseek, fd, 0, 0, res, SEEK_END), 0);
    assert_int_equal(gu64(res), 3ull << 30);
    assert_int_equal(CALL(llseek, fd, 1, 0x10, res, SEEK_SET), 0);
    assert_int_equal(gu64(res), 0x100000010ull);
    assert_int_equal(lseek(fd, 0, SEEK_CUR), 0x100000010ll);
    /* ftruncate64(fd, low, high) */
    assert_int_equal(CALL(ftruncate64, fd, 0x20, 1), 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, 0x100000020ll);
    close(fd);

    /* Without O_LARGEFILE a 32-bit program cannot open it (i386 Linux's
     * generic_file_open); with it, it can. */
    uint32_t big = gstr(tpath("big"));
    assert_int_equal(CALL(open, big, O_RDONLY, 0), -EOVERFLOW);
    abi_long lfd = CALL(open, big, O_RDONLY | O_LARGEFILE_GUEST, 0);
    assert_true(lfd >= 0);
    close((int)lfd);
    /* Directories and small files are not affected. */
    abi_long dfd = CALL(open, gstr(tmpdir), O_RDONLY | O_DIRECTORY, 0);
    assert_true(dfd >= 0);
    close((int)dfd);
}

static void test_fstat64_against_host(void **state)
{
    (void)state;
    int fd = open(tpath("a.txt"), O_RDONLY);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    uint32_t g = galloc(96);
    assert_int_equal(CALL(fstat64, fd, g), 0);
    assert_int_equal(gu32(g + 16), st.st_mode);
    assert_int_equal(gu64(g + 44), (uint64_t)st.st_size);
    assert_int_equal(gu64(g + 88), st.st_ino);
    assert_int_equal(gu32(g + 12), (uint32_t)st.st_ino);
    assert_int_equal(gu32(g + 72), (uint32_t)st.st_mtim.tv_sec);

    uint32_t g2 = galloc(96);
    assert_int_equal(CALL(stat64, gstr(tpath("a.txt")), g2), 0);
    assert_memory_equal(gptr(g), gptr(g2), 96);
    assert_int_equal(CALL(fstatat64, AT_FDCWD, gstr(tpath("nope")), g2, 0), -ENOENT);

    /* statx: the same for every architecture; compare its size field. */
    uint32_t sx = galloc(256);
    assert_int_equal(CALL(statx, AT_FDCWD, gstr(tpath("a.txt")), 0, 0x7ff, sx), 0);
    assert_int_equal(gu64(sx + 40), (uint64_t)st.st_size);     /* stx_size */
    close(fd);
}

/* Parses guest getdents/getdents64 records into a sorted name list. */
static int collect(const uint8_t *p, long n, bool old, char names[][32], int max,
                   bool check_type)
{
    int count = 0;
    long pos = 0;
    while (pos < n) {
        uint16_t reclen;
        const char *name;
        uint8_t type;
        if (old) {
            memcpy(&reclen, p + pos + 8, 2);
            name = (const char *)p + pos + 10;
            type = p[pos + reclen - 1];
            assert_int_equal(reclen % 4, 0);
        } else {
            memcpy(&reclen, p + pos + 16, 2);
            type = p[pos + 18];
            name = (const char *)p + pos + 19;
            assert_int_equal(reclen % 8, 0);
            /* Positions as a 32-bit process gets them (ext4 gives 64-bit
             * processes 64-bit hashes), which a non-LFS readdir needs. */
            int64_t off;
            memcpy(&off, p + pos + 8, 8);
            assert_true(off >= 0 && off <= INT32_MAX);
        }
        assert_true(reclen > 0);
        if (strcmp(name, ".") && strcmp(name, "..")) {
            assert_true(count < max);
            snprintf(names[count++], 32, "%.31s", name);
            if (check_type)
                assert_int_equal(type, DT_REG);
        }
        pos += reclen;
    }
    assert_int_equal(pos, n);
    return count;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void check_dir(bool old, uint32_t bufsize)
{
    int fd = open(tpath("dir"), O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    char names[16][32];
    int count = 0;
    uint32_t buf = galloc(bufsize);
    for (;;) {
        abi_long n = old ? CALL(getdents, fd, buf, bufsize) : CALL(getdents64, fd, buf, bufsize);
        assert_true(n >= 0);
        if (n == 0)
            break;
        count += collect(gptr(buf), n, old, names + count, 16 - count, true);
    }
    close(fd);
    qsort(names, (size_t)count, sizeof(names[0]), cmp_names);
    /* The reference: the host's readdir of the same directory. */
    DIR *d = opendir(tpath("dir"));
    char want[16][32];
    int nw = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            snprintf(want[nw++], 32, "%.31s", e->d_name);
    closedir(d);
    qsort(want, (size_t)nw, sizeof(want[0]), cmp_names);
    assert_int_equal(count, nw);
    for (int i = 0; i < nw; i++)
        assert_string_equal(names[i], want[i]);
}

static void test_getdents(void **state)
{
    (void)state;
    assert_int_equal(CALL(mkdir, gstr(tpath("dir")), 0700), 0);
    static const char *const files[] = { "a", "bb", "ccc", "a-much-longer-file-name.txt" };
    for (int i = 0; i < 4; i++) {
        char p[64];
        snprintf(p, sizeof(p), "dir/%s", files[i]);
        int fd = open(tpath(p), O_CREAT | O_WRONLY, 0600);
        close(fd);
    }
    check_dir(false, 4096);
    check_dir(true, 4096);
    /* Buffers holding one short record at a time: nothing is lost
     * between calls (the layer seeks back over what it could not
     * deliver). */
    check_dir(false, 56);
    check_dir(true, 40);
    /* Too small for any record. */
    int fd = open(tpath("dir"), O_RDONLY | O_DIRECTORY);
    assert_int_equal(CALL(getdents64, fd, galloc(8), 8), -EINVAL);
    close(fd);
}

static void test_fcntl_locks(void **state)
{
    (void)state;
    int fd = open(tpath("lock"), O_CREAT | O_RDWR, 0600);
    assert_true(fd >= 0);
    /* A child holds a lock until `hold` reaches end of file: when this
     * test closes it, or when the test program ends, even after a failed
     * assertion. */
    int ready[2], hold[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(hold), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(hold[1]);
        alarm(30);
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0x100000000ll,
                            .l_len = 10 };
        fcntl(fd, F_SETLK, &fl);
        char c = 1;
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        while (read(hold[0], &c, 1) > 0)
            ;
        _exit(0);
    }
    close(hold[0]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);

    /* F_GETLK64 through fcntl64 with the i386 struct flock64. */
    uint8_t fl64[24] = { 0 };
    int16_t type = F_WRLCK;
    memcpy(fl64, &type, 2);
    uint32_t g = gput(fl64, sizeof(fl64));
    assert_int_equal(CALL(fcntl64, fd, F_GETLK64_GUEST, g), 0);
    int16_t got_type;
    memcpy(&got_type, gptr(g), 2);
    assert_int_equal(got_type, F_WRLCK);
    assert_int_equal(gu64(g + 4), 0x100000000ull);
    assert_int_equal(gu64(g + 12), 10);
    assert_int_equal((int32_t)gu32(g + 20), child);

    /* The 32-bit struct flock cannot describe that lock. */
    uint8_t fl32[16] = { 0 };
    memcpy(fl32, &type, 2);
    uint32_t g32 = gput(fl32, sizeof(fl32));
    assert_int_equal(CALL(fcntl64, fd, F_GETLK, g32), -EOVERFLOW);
    /* fcntl (55) does not know the 64-bit commands. */
    assert_int_equal(CALL(fcntl, fd, F_GETLK64_GUEST, g), -EINVAL);

    /* F_SETLK64 on a free range, checked from the host side. */
    uint8_t set[24] = { 0 };
    memcpy(set, &type, 2);
    int64_t start = 50, len = 5;
    memcpy(set + 4, &start, 8);
    memcpy(set + 12, &len, 8);
    assert_int_equal(CALL(fcntl64, fd, F_SETLK64_GUEST, gput(set, sizeof(set))), 0);

    close(hold[1]);
    waitpid(child, NULL, 0);
    close(ready[0]);
    close(ready[1]);

    assert_int_equal(CALL(fcntl64, fd, F_GETFD), 0);
    assert_int_equal(CALL(fcntl64, fd, F_SETFD, FD_CLOEXEC), 0);
    assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
    abi_long dup = CALL(fcntl64, fd, F_DUPFD_CLOEXEC, 20);
    assert_true(dup >= 20);
    close((int)dup);
    close(fd);
}

static void test_paths(void **state)
{
    (void)state;
    uint32_t a = gstr(tpath("a.txt")), b = gstr(tpath("b.txt"));
    assert_int_equal(CALL(link, a, b), 0);
    assert_int_equal(CALL(access, b, R_OK), 0);
    assert_int_equal(CALL(unlink, b), 0);
    assert_int_equal(CALL(access, b, F_OK), -ENOENT);
    assert_int_equal(CALL(symlink, gstr("a.txt"), gstr(tpath("sl"))), 0);
    uint32_t buf = galloc(64);
    assert_int_equal(CALL(readlink, gstr(tpath("sl")), buf, 64), 5);
    assert_memory_equal(gptr(buf), "a.txt", 5);
    /* Truncated like the kernel, without a NUL. */
    assert_int_equal(CALL(readlink, gstr(tpath("sl")), buf, 2), 2);
    assert_int_equal(CALL(renameat2, AT_FDCWD, gstr(tpath("sl")), AT_FDCWD,
                          gstr(tpath("sl2")), 0), 0);
    assert_int_equal(CALL(unlinkat, AT_FDCWD, gstr(tpath("sl2")), 0), 0);
    assert_int_equal(CALL(chmod, a, 0640), 0);
    struct stat st;
    stat(tpath("a.txt"), &st);
    assert_int_equal(st.st_mode & 07777, 0640);

    /* getcwd: the length with its NUL, ERANGE when short. */
    char host[PATH_MAX];
    assert_non_null(getcwd(host, sizeof(host)));
    uint32_t cwd = galloc(PATH_MAX);
    assert_int_equal(CALL(getcwd, cwd, PATH_MAX), (abi_long)strlen(host) + 1);
    assert_string_equal(gptr(cwd), host);
    assert_int_equal(CALL(getcwd, cwd, 1), -ERANGE);

    /* utimensat with 32-bit timespecs. */
    int32_t ts[4] = { 1000000, 5, 2000000, 7 };
    assert_int_equal(CALL(utimensat, AT_FDCWD, a, gput(ts, sizeof(ts)), 0), 0);
    stat(tpath("a.txt"), &st);
    assert_int_equal(st.st_atim.tv_sec, 1000000);
    assert_int_equal(st.st_mtim.tv_sec, 2000000);
    assert_int_equal(st.st_mtim.tv_nsec, 7);
}

static void test_sysroot_and_proc(void **state)
{
    (void)state;
    /* -L: an absolute path found under the sysroot means that file. */
    char root[256];
    snprintf(root, sizeof(root), "%s/root", tmpdir);
    mkdir(root, 0700);
    mkdir(tpath("root/etc"), 0700);
    int hf = open(tpath("root/etc/hostname"), O_CREAT | O_WRONLY, 0600);
    assert_int_equal(write(hf, "sysroot!", 8), 8);
    close(hf);
    fx_proc->sysroot = root;
    uint32_t buf = galloc(16);
    abi_long fd = CALL(open, gstr("/etc/hostname"), O_RDONLY, 0);
    assert_true(fd >= 0);
    assert_int_equal(CALL(read, fd, buf, 16), 8);
    assert_memory_equal(gptr(buf), "sysroot!", 8);
    CALL(close, fd);
    /* Anything else is the host's file. */
    uint32_t st = galloc(96);
    assert_int_equal(CALL(stat64, gstr(tpath("a.txt")), st), 0);
    fx_proc->sysroot = NULL;

    /* /proc/self/exe is the guest program. */
    fx_proc->exe_path = "/bin/busybox";
    uint32_t out = galloc(64);
    assert_int_equal(CALL(readlink, gstr("/proc/self/exe"), out, 64), 12);
    assert_memory_equal(gptr(out), "/bin/busybox", 12);
    char self[64];
    snprintf(self, sizeof(self), "/proc/%d/exe", (int)getpid());
    assert_int_equal(CALL(readlinkat, AT_FDCWD, gstr(self), out, 64), 12);

    /* /proc/self/maps lists the guest's mappings. */
    fd = CALL(openat, AT_FDCWD, gstr("/proc/self/maps"), O_RDONLY, 0);
    assert_true(fd >= 0);
    char maps[4096] = { 0 };
    assert_true(read((int)fd, maps, sizeof(maps) - 1) > 0);
    close((int)fd);
    char want[64];
    snprintf(want, sizeof(want), "%08x-%08x rw-p ", GUEST_TEST_BASE, GUEST_TEST_END);
    assert_non_null(strstr(maps, want));
    assert_int_equal(CALL(open, gstr("/proc/self/maps"), O_RDWR, 0), -EACCES);
}

static void test_pipe_and_vectors(void **state)
{
    (void)state;
    uint32_t fds = galloc(8);
    assert_int_equal(CALL(pipe2, fds, O_CLOEXEC), 0);
    int rfd = (int)gu32(fds), wfd = (int)gu32(fds + 4);
    assert_int_equal(fcntl(rfd, F_GETFD), FD_CLOEXEC);
    /* writev with two guest iovecs. */
    uint32_t iov[4] = { gstr("abc"), 3, gstr("defgh"), 5 };
    assert_int_equal(CALL(writev, wfd, gput(iov, sizeof(iov)), 2), 8);
    /* readv into two guest buffers. */
    uint32_t b1 = galloc(4), b2 = galloc(8);
    uint32_t riov[4] = { b1, 2, b2, 8 };
    assert_int_equal(CALL(readv, rfd, gput(riov, sizeof(riov)), 2), 8);
    assert_memory_equal(gptr(b1), "ab", 2);
    assert_memory_equal(gptr(b2), "cdefgh", 6);
    /* An iovec pointing nowhere, and a count over IOV_MAX. */
    uint32_t bad[2] = { GUEST_UNMAPPED, 4 };
    assert_int_equal(CALL(writev, wfd, gput(bad, sizeof(bad)), 1), -EFAULT);
    assert_int_equal(CALL(writev, wfd, gput(iov, sizeof(iov)), 1025), -EINVAL);
    close(rfd);
    close(wfd);
}

static void test_xattrs(void **state)
{
    (void)state;
    const char *f = tpath("x.txt");
    close(open(f, O_CREAT | O_WRONLY, 0600));
    if (setxattr(f, "user.probe", "1", 1, 0) != 0)
        skip();   /* the file system keeps no user attributes */
    removexattr(f, "user.probe");
    uint32_t path = gstr(f), name = gstr("user.mimic");
    assert_int_equal(CALL(setxattr, path, name, gstr("value!"), 6, 0), 0);
    char host[16] = { 0 };
    assert_int_equal(getxattr(f, "user.mimic", host, sizeof(host)), 6);
    assert_string_equal(host, "value!");
    /* Size 0 asks for the size. */
    assert_int_equal(CALL(getxattr, path, name, 0, 0), 6);
    uint32_t buf = galloc(64);
    assert_int_equal(CALL(lgetxattr, path, name, buf, 64), 6);
    assert_memory_equal(gptr(buf), "value!", 6);
    assert_int_equal(CALL(getxattr, path, name, buf, 2), -ERANGE);
    int fd = open(f, O_RDONLY);
    ssize_t hn = flistxattr(fd, host, sizeof(host));
    assert_int_equal(CALL(flistxattr, fd, buf, 64), hn);
    assert_memory_equal(gptr(buf), host, (size_t)hn);
    assert_int_equal(CALL(fremovexattr, fd, name), 0);
    assert_int_equal(CALL(fgetxattr, fd, name, buf, 64), -ENODATA);
    close(fd);
}

static void test_openat2(void **state)
{
    (void)state;
    close(open(tpath("o2"), O_CREAT | O_WRONLY, 0600));
    symlink("o2", tpath("o2link"));
    uint64_t how[4] = { O_RDONLY, 0, 0x04 /* RESOLVE_NO_SYMLINKS */, 0 };
    uint32_t h = gput(how, sizeof(how));
    abi_long fd = CALL(openat2, AT_FDCWD, gstr(tpath("o2")), h, 24);
    if (fd == -ENOSYS)
        skip();   /* host kernel before 5.6 */
    assert_true(fd >= 0);
    close((int)fd);
    assert_int_equal(CALL(openat2, AT_FDCWD, gstr(tpath("o2link")), h, 24), -ELOOP);
    /* Bigger structs are fine while the rest is zero. */
    fd = CALL(openat2, AT_FDCWD, gstr(tpath("o2")), h, 32);
    assert_true(fd >= 0);
    close((int)fd);
    how[3] = 1;
    assert_int_equal(CALL(openat2, AT_FDCWD, gstr(tpath("o2")), gput(how, sizeof(how)), 32),
                     -E2BIG);
    assert_int_equal(CALL(openat2, AT_FDCWD, gstr(tpath("o2")), h, 16), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_open_write_read, fx_reset),
        cmocka_unit_test_setup(test_bad_buffers, fx_reset),
        cmocka_unit_test_setup(test_llseek_and_overflow, fx_reset),
        cmocka_unit_test_setup(test_fstat64_against_host, fx_reset),
        cmocka_unit_test_setup(test_getdents, fx_reset),
        cmocka_unit_test_setup(test_fcntl_locks, fx_reset),
        cmocka_unit_test_setup(test_paths, fx_reset),
        cmocka_unit_test_setup(test_sysroot_and_proc, fx_reset),
        cmocka_unit_test_setup(test_pipe_and_vectors, fx_reset),
        cmocka_unit_test_setup(test_xattrs, fx_reset),
        cmocka_unit_test_setup(test_openat2, fx_reset),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
