/*
 * The i386 structure conversions of the system call layer, checked byte
 * by byte against the i386 kernel ABI: every expected offset and size
 * below is written from the kernel's uapi headers for a 32-bit x86
 * build (arch/x86/include/uapi/asm/stat.h, asm-generic/statfs.h,
 * asm-generic/fcntl.h, asm-generic/termbits.h, linux/sysinfo.h,
 * asm-generic/resource.h ...), read out of the converted bytes with
 * little-endian loads, never through the structures under test.  Also
 * checks that the constants the layer passes through unchanged have
 * their i386 values on the host.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "linux-user/syscall-internal.h"

static uint16_t le16(const void *base, size_t off)
{
    const uint8_t *p = (const uint8_t *)base + off;
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const void *base, size_t off)
{
    const uint8_t *p = (const uint8_t *)base + off;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const void *base, size_t off)
{
    return le32(base, off) | (uint64_t)le32(base, off + 4) << 32;
}

static void fill_stat(struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = makedev(0x123, 0x45678);
    st->st_ino = 0x1122334455667788ull;
    st->st_mode = 0100644;
    st->st_nlink = 3;
    st->st_uid = 1000;
    st->st_gid = 100000;
    st->st_rdev = makedev(4, 5);
    st->st_size = 0x123456789ll;
    st->st_blksize = 4096;
    st->st_blocks = 0x100000010ll;
    st->st_atim.tv_sec = 0x5f000001;
    st->st_atim.tv_nsec = 111;
    st->st_mtim.tv_sec = 0x5f000002;
    st->st_mtim.tv_nsec = 222;
    st->st_ctim.tv_sec = 0x5f000003;
    st->st_ctim.tv_nsec = 333;
}

static void test_stat64_layout(void **state)
{
    (void)state;
    struct stat st;
    fill_stat(&st);
    GuestStat64 g;
    memset(&g, 0xaa, sizeof(g));
    stat64_to_guest(&st, &g);
    assert_int_equal(sizeof(g), 96);
    /* huge_encode_dev(MKDEV(0x123, 0x45678)): minor low byte, major,
     * minor high bits at 20. */
    assert_int_equal(le64(&g, 0), 0x45612378u);
    assert_int_equal(le32(&g, 8), 0);             /* __pad0 */
    assert_int_equal(le32(&g, 12), 0x55667788u);  /* __st_ino */
    assert_int_equal(le32(&g, 16), 0100644);
    assert_int_equal(le32(&g, 20), 3);
    assert_int_equal(le32(&g, 24), 1000);
    assert_int_equal(le32(&g, 28), 100000);
    assert_int_equal(le64(&g, 32), (4u << 8) | 5);
    assert_int_equal(le32(&g, 40), 0);            /* __pad3 */
    assert_int_equal(le64(&g, 44), 0x123456789ull);
    assert_int_equal(le32(&g, 52), 4096);
    assert_int_equal(le64(&g, 56), 0x100000010ull);
    assert_int_equal(le32(&g, 64), 0x5f000001);
    assert_int_equal(le32(&g, 68), 111);
    assert_int_equal(le32(&g, 72), 0x5f000002);
    assert_int_equal(le32(&g, 76), 222);
    assert_int_equal(le32(&g, 80), 0x5f000003);
    assert_int_equal(le32(&g, 84), 333);
    assert_int_equal(le64(&g, 88), 0x1122334455667788ull);
}

static void test_old_stat_layout_and_overflow(void **state)
{
    (void)state;
    struct stat st;
    fill_stat(&st);
    GuestStat g;
    /* Wide device, inode and size do not fit the 32-bit struct stat. */
    assert_int_equal(stat_to_guest(&st, &g), -EOVERFLOW);
    st.st_dev = makedev(8, 1);
    assert_int_equal(stat_to_guest(&st, &g), -EOVERFLOW);
    st.st_ino = 0x12345678;
    assert_int_equal(stat_to_guest(&st, &g), -EOVERFLOW);
    st.st_size = 0x7fffffff;
    st.st_blocks = 77;
    assert_int_equal(stat_to_guest(&st, &g), 0);
    assert_int_equal(sizeof(g), 64);
    assert_int_equal(le32(&g, 0), 0x0801);        /* old_encode_dev */
    assert_int_equal(le32(&g, 4), 0x12345678);
    assert_int_equal(le16(&g, 8), 0100644);
    assert_int_equal(le16(&g, 10), 3);
    assert_int_equal(le16(&g, 12), 1000);
    assert_int_equal(le16(&g, 14), 65534);       /* gid 100000: overflowgid */
    assert_int_equal(le32(&g, 16), 0x0405);
    assert_int_equal(le32(&g, 20), 0x7fffffff);
    assert_int_equal(le32(&g, 24), 4096);
    assert_int_equal(le32(&g, 28), 77);
    assert_int_equal(le32(&g, 32), 0x5f000001);
    assert_int_equal(le32(&g, 36), 111);
    assert_int_equal(le32(&g, 48), 0x5f000003);
    assert_int_equal(le32(&g, 52), 333);
    st.st_nlink = 70000;
    assert_int_equal(stat_to_guest(&st, &g), -EOVERFLOW);
    st.st_nlink = 1;
    st.st_rdev = makedev(300, 1);
    assert_int_equal(stat_to_guest(&st, &g), -EOVERFLOW);
}

static void test_statfs_layouts(void **state)
{
    (void)state;
    struct statfs s;
    memset(&s, 0, sizeof(s));
    s.f_type = 0xef53;
    s.f_bsize = 4096;
    s.f_blocks = 0x123456789ull;
    s.f_bfree = 0x23456789aull;
    s.f_bavail = 0x3456789abull;
    s.f_files = 1000;
    s.f_ffree = 900;
    memcpy(&s.f_fsid, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    s.f_namelen = 255;
    s.f_frsize = 4096;
    s.f_flags = 0x1020;
    GuestStatfs64 g;
    statfs64_to_guest(&s, &g);
    assert_int_equal(sizeof(g), 84);
    assert_int_equal(le32(&g, 0), 0xef53);
    assert_int_equal(le32(&g, 4), 4096);
    assert_int_equal(le64(&g, 8), 0x123456789ull);
    assert_int_equal(le64(&g, 16), 0x23456789aull);
    assert_int_equal(le64(&g, 24), 0x3456789abull);
    assert_int_equal(le64(&g, 32), 1000);
    assert_int_equal(le64(&g, 40), 900);
    assert_int_equal(le64(&g, 48), 0x0807060504030201ull);
    assert_int_equal(le32(&g, 56), 255);
    assert_int_equal(le32(&g, 60), 4096);
    assert_int_equal(le32(&g, 64), 0x1020);

    GuestStatfs o;
    assert_int_equal(statfs_to_guest(&s, &o), -EOVERFLOW);
    s.f_blocks = 10;
    s.f_bfree = 9;
    s.f_bavail = 8;
    s.f_files = (fsfilcnt_t)-1;       /* "unknown" still fits */
    assert_int_equal(statfs_to_guest(&s, &o), 0);
    assert_int_equal(sizeof(o), 64);
    assert_int_equal(le32(&o, 8), 10);
    assert_int_equal(le32(&o, 20), 0xffffffffu);
    assert_int_equal(le32(&o, 24), 900);
    assert_int_equal(le32(&o, 28), 0x04030201);
    assert_int_equal(le32(&o, 36), 255);
    assert_int_equal(le32(&o, 44), 0x1020);
}

static void test_rlimit(void **state)
{
    (void)state;
    struct rlimit r = { RLIM_INFINITY, 0x100000000ull };
    GuestRlimit g;
    rlimit_to_guest(&r, &g, false);
    assert_int_equal(sizeof(g), 8);
    assert_int_equal(le32(&g, 0), 0xffffffffu);
    assert_int_equal(le32(&g, 4), 0xffffffffu);
    rlimit_to_guest(&r, &g, true);            /* old getrlimit: LONG_MAX */
    assert_int_equal(le32(&g, 0), 0x7fffffffu);
    r.rlim_cur = 8u << 20;
    r.rlim_max = 0x7fffffff;
    rlimit_to_guest(&r, &g, true);
    assert_int_equal(le32(&g, 0), 8u << 20);
    assert_int_equal(le32(&g, 4), 0x7fffffffu);

    GuestRlimit in = { 0xffffffffu, 1024 };
    rlimit_from_guest(&in, &r);
    assert_true(r.rlim_cur == RLIM_INFINITY);
    assert_int_equal(r.rlim_max, 1024);

    GuestRlimit64 g64;
    r.rlim_cur = RLIM_INFINITY;
    r.rlim_max = 0x123456789ull;
    rlimit64_to_guest(&r, &g64);
    assert_int_equal(sizeof(g64), 16);
    assert_int_equal(le64(&g64, 0), ~0ull);
    assert_int_equal(le64(&g64, 8), 0x123456789ull);
}

static void test_flock(void **state)
{
    (void)state;
    struct flock f = { .l_type = F_WRLCK, .l_whence = SEEK_CUR, .l_start = 0x123456789ll,
                       .l_len = -5, .l_pid = 4321 };
    GuestFlock64 g;
    flock64_to_guest(&f, &g);
    assert_int_equal(sizeof(g), 24);
    assert_int_equal(le16(&g, 0), F_WRLCK);
    assert_int_equal(le16(&g, 2), SEEK_CUR);
    assert_int_equal(le64(&g, 4), 0x123456789ull);
    assert_int_equal(le64(&g, 12), (uint64_t)-5);
    assert_int_equal(le32(&g, 20), 4321);
    struct flock back;
    flock64_from_guest(&g, &back);
    assert_int_equal(back.l_start, 0x123456789ll);
    assert_int_equal(back.l_len, -5);
    assert_int_equal(back.l_pid, 4321);

    GuestFlock s;
    assert_int_equal(flock_to_guest(&f, &s), -EOVERFLOW);
    f.l_start = 100;
    assert_int_equal(flock_to_guest(&f, &s), 0);
    assert_int_equal(sizeof(s), 16);
    assert_int_equal(le16(&s, 0), F_WRLCK);
    assert_int_equal(le32(&s, 4), 100);
    assert_int_equal(le32(&s, 8), (uint32_t)-5);
    assert_int_equal(le32(&s, 12), 4321);
    flock_from_guest(&s, &back);
    assert_int_equal(back.l_start, 100);
    assert_int_equal(back.l_len, -5);
}

static void test_termios(void **state)
{
    (void)state;
    struct termios h;
    memset(&h, 0, sizeof(h));
    h.c_iflag = 0x11111111;
    h.c_oflag = 0x22222222;
    h.c_cflag = 0x33333333;
    h.c_lflag = 0x44444444;
    h.c_line = 7;
    for (int i = 0; i < 19; i++)
        h.c_cc[i] = (cc_t)(0x80 + i);
    GuestTermios g;
    termios_to_guest(&h, &g);
    assert_int_equal(sizeof(g), 36);
    assert_int_equal(le32(&g, 0), 0x11111111);
    assert_int_equal(le32(&g, 4), 0x22222222);
    assert_int_equal(le32(&g, 8), 0x33333333);
    assert_int_equal(le32(&g, 12), 0x44444444);
    const uint8_t *b = (const uint8_t *)&g;
    assert_int_equal(b[16], 7);
    for (int i = 0; i < 19; i++)
        assert_int_equal(b[17 + i], 0x80 + i);
    /* VINTR is c_cc[0], VMIN c_cc[6] on i386 (asm-generic/termbits.h). */
    assert_int_equal(VINTR, 0);
    assert_int_equal(VMIN, 6);
    struct termios back;
    termios_from_guest(&g, &back);
    assert_memory_equal(&back.c_cc, &h.c_cc, 19);
    assert_int_equal(back.c_cflag, h.c_cflag);
}

static void test_epoll_event(void **state)
{
    (void)state;
    struct epoll_event h = { .events = EPOLLIN | EPOLLET, .data.u64 = 0x0102030405060708ull };
    GuestEpollEvent g;
    epoll_event_to_guest(&h, &g);
    assert_int_equal(sizeof(g), 12);
    assert_int_equal(le32(&g, 0), EPOLLIN | EPOLLET);
    assert_int_equal(le64(&g, 4), 0x0102030405060708ull);
    struct epoll_event back;
    epoll_event_from_guest(&g, &back);
    assert_int_equal(back.events, h.events);
    assert_int_equal(back.data.u64, h.data.u64);
}

static void test_sysinfo_scaling(void **state)
{
    (void)state;
    struct sysinfo s;
    memset(&s, 0, sizeof(s));
    s.uptime = 1234;
    s.loads[0] = 65536;
    s.totalram = 0x300000000ull;   /* 12 GiB in units of 1 byte */
    s.freeram = 0x100000000ull;
    s.totalswap = 4096;
    s.procs = 321;
    s.mem_unit = 1;
    GuestSysinfo g;
    sysinfo_to_guest(&s, &g);
    assert_int_equal(sizeof(g), 64);
    assert_int_equal(le32(&g, 0), 1234);
    assert_int_equal(le32(&g, 4), 65536);
    uint32_t unit = le32(&g, 52);
    /* The smallest power of two that makes every count fit: 4. */
    assert_int_equal(unit, 4);
    assert_int_equal((uint64_t)le32(&g, 16) * unit, 0x300000000ull);
    assert_int_equal((uint64_t)le32(&g, 20) * unit, 0x100000000ull);
    assert_int_equal((uint64_t)le32(&g, 32) * unit, 4096);
    assert_int_equal(le16(&g, 40), 321);
    s.totalram = 1 << 20;
    s.freeram = 1 << 19;
    sysinfo_to_guest(&s, &g);
    assert_int_equal(le32(&g, 52), 1);
    assert_int_equal(le32(&g, 16), 1 << 20);
}

static void test_rusage(void **state)
{
    (void)state;
    struct rusage r;
    memset(&r, 0, sizeof(r));
    r.ru_utime.tv_sec = 5;
    r.ru_utime.tv_usec = 6;
    r.ru_stime.tv_sec = 7;
    r.ru_stime.tv_usec = 8;
    r.ru_maxrss = 9000;
    r.ru_nivcsw = 42;
    GuestRusage g;
    rusage_to_guest(&r, &g);
    assert_int_equal(sizeof(g), 72);
    assert_int_equal(le32(&g, 0), 5);
    assert_int_equal(le32(&g, 4), 6);
    assert_int_equal(le32(&g, 8), 7);
    assert_int_equal(le32(&g, 12), 8);
    assert_int_equal(le32(&g, 16), 9000);
    assert_int_equal(le32(&g, 68), 42);
}

static void test_other_sizes(void **state)
{
    (void)state;
    /* From the i386 headers: msghdr 28, cmsghdr 12, mmsghdr 32, iovec 8,
     * timespec 8, __kernel_timespec 16, timeval 8, utsname 6 * 65,
     * linux_dirent header 10, linux_dirent64 header 19, siginfo 128,
     * itimerval 16, tms 16, termios2 44, winsize 8, pollfd 8. */
    assert_int_equal(sizeof(GuestMsghdr), 28);
    assert_int_equal(offsetof(GuestMsghdr, msg_control), 16);
    assert_int_equal(offsetof(GuestMsghdr, msg_flags), 24);
    assert_int_equal(sizeof(GuestCmsghdr), 12);
    assert_int_equal(sizeof(GuestMmsghdr), 32);
    assert_int_equal(sizeof(GuestIovec), 8);
    assert_int_equal(sizeof(GuestTimespec32), 8);
    assert_int_equal(sizeof(GuestTimespec64), 16);
    assert_int_equal(sizeof(GuestTimeval32), 8);
    assert_int_equal(sizeof(GuestUtsname), 390);
    assert_int_equal(offsetof(GuestDirent, d_name), 10);
    assert_int_equal(offsetof(GuestDirent64, d_name), 19);
    assert_int_equal(offsetof(GuestDirent64, d_type), 18);
    assert_int_equal(sizeof(GuestSiginfoChld), 128);
    assert_int_equal(offsetof(GuestSiginfoChld, pid), 12);
    assert_int_equal(offsetof(GuestSiginfoChld, status), 20);
    assert_int_equal(sizeof(GuestItimerval32), 16);
    assert_int_equal(sizeof(GuestTms), 16);
    assert_int_equal(sizeof(GuestTermios2), 44);
    assert_int_equal(sizeof(GuestWinsize), 8);
    assert_int_equal(sizeof(GuestPollfd), 8);
    assert_int_equal(GUEST_CMSG_ALIGN(13), 16);
    assert_int_equal(GUEST_CMSG_ALIGN(12), 12);
}

/* Constants passed through unchanged must have their i386 values. */
static void test_shared_constants(void **state)
{
    (void)state;
    assert_int_equal(EAGAIN, 11);
    assert_int_equal(ENOSYS, 38);
    assert_int_equal(ELOOP, 40);
    assert_int_equal(EOVERFLOW, 75);
    assert_int_equal(ENOTSOCK, 88);
    assert_int_equal(EOPNOTSUPP, 95);
    assert_int_equal(ETIMEDOUT, 110);
    assert_int_equal(ECANCELED, 125);
    assert_int_equal(EHWPOISON, 133);
    assert_int_equal(O_CREAT, 0100);
    assert_int_equal(O_NONBLOCK, 04000);
    assert_int_equal(O_DIRECTORY, 0200000);
    assert_int_equal(O_NOFOLLOW, 0400000);
    assert_int_equal(O_CLOEXEC, 02000000);
    assert_int_equal(O_PATH, 010000000);
    assert_int_equal(AT_FDCWD, -100);
    assert_int_equal(AT_SYMLINK_NOFOLLOW, 0x100);
    assert_int_equal(AT_EMPTY_PATH, 0x1000);
    assert_int_equal(F_OFD_GETLK, 36);
    assert_int_equal(F_DUPFD_CLOEXEC, 1030);
    assert_int_equal(SOCK_NONBLOCK, 04000);
    assert_int_equal(SOCK_CLOEXEC, 02000000);
    assert_int_equal(SOL_SOCKET, 1);
    assert_int_equal(SCM_RIGHTS, 1);
    assert_int_equal(MSG_CTRUNC, 8);
    assert_int_equal(EPOLL_CTL_DEL, 2);
    /* The i386 numbers that differ from the x86-64 host's. */
    assert_int_equal(F_GETLK64_GUEST, 12);
    assert_int_equal(F_SETLKW64_GUEST, 14);
    assert_int_equal(F_GETLK, 5);
}

static void test_errno_conversion(void **state)
{
    (void)state;
    assert_int_equal(host_to_guest_errno(ENOENT), -2);
    assert_int_equal(host_to_guest_errno(EHWPOISON), -133);
    assert_int_equal(host_to_guest_errno(0), -EINVAL);
    assert_int_equal(host_to_guest_errno(5000), -EINVAL);
    errno = EACCES;
    assert_int_equal(guest_result(-1), -13);
    assert_int_equal(guest_result(7), 7);
    assert_int_equal(guest_result(0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat64_layout),
        cmocka_unit_test(test_old_stat_layout_and_overflow),
        cmocka_unit_test(test_statfs_layouts),
        cmocka_unit_test(test_rlimit),
        cmocka_unit_test(test_flock),
        cmocka_unit_test(test_termios),
        cmocka_unit_test(test_epoll_event),
        cmocka_unit_test(test_sysinfo_scaling),
        cmocka_unit_test(test_rusage),
        cmocka_unit_test(test_other_sizes),
        cmocka_unit_test(test_shared_constants),
        cmocka_unit_test(test_errno_conversion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
