/*
 * The guest address space: mmap, munmap, mprotect, mremap and brk keep
 * the page flags and the host mappings in step, choose addresses as
 * Linux's top-down layout does, and fail as Linux does; guest pointers
 * are checked against the flags; pages holding code are host read-only.
 *
 * The host side is checked independently of the flag table: through
 * /proc/self/maps (the kernel's view of each host mapping's protection)
 * and by reading the bytes at base + address.  Expected errors are the
 * ones mmap(2), munmap(2), mprotect(2) and mremap(2) document.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-user/guest-space.h"
#include "linux-user/process.h"
#include "linux-user/syscall-impl.h"

#define PAGE GUEST_PAGE_SIZE
#define RW (PROT_READ | PROT_WRITE)
#define ANON_PRIV (MAP_PRIVATE | MAP_ANONYMOUS)

static LinuxProcess *proc;
static LinuxThread *thr;

static int setup(void **state)
{
    (void)state;
    proc = calloc(1, sizeof(*proc));
    thr = calloc(1, sizeof(*thr));
    thr->proc = proc;
    return guest_space_init(&proc->space) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    guest_space_destroy(&proc->space);
    free(thr);
    free(proc);
    return 0;
}

static GuestSpace *gs(void)
{
    return &proc->space;
}

/* The host protection of the page at guest address addr, from the
 * kernel's list of mappings: "r--", "rw-", "---"... */
static void host_perms(uint32_t addr, char out[4])
{
    uintptr_t h = (uintptr_t)g2h(gs(), addr);
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[512];
    strcpy(out, "???");
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && h >= lo && h < hi) {
            memcpy(out, perms, 3);
            out[3] = '\0';
            break;
        }
    }
    fclose(f);
}

static void test_anonymous_top_down(void **state)
{
    (void)state;
    int64_t a = guest_mmap(gs(), 0, 3 * PAGE, RW, ANON_PRIV, -1, 0);
    int64_t b = guest_mmap(gs(), 0, PAGE + 1, PROT_READ, ANON_PRIV, -1, 0);
    /* The first mapping ends at the mmap base, the next right below. */
    assert_int_equal(a, GUEST_MMAP_BASE - 3 * PAGE);
    assert_int_equal(b, a - 2 * PAGE);
    assert_true(guest_access_ok(gs(), (uint32_t)a, 3 * PAGE, GPAGE_READ | GPAGE_WRITE));
    assert_true(guest_access_ok(gs(), (uint32_t)b, 2 * PAGE, GPAGE_READ));
    assert_false(guest_access_ok(gs(), (uint32_t)b, 1, GPAGE_WRITE));
    assert_false(guest_access_ok(gs(), (uint32_t)b - 1, 2, GPAGE_READ));
    assert_true(guest_access_ok(gs(), 0, 0, GPAGE_READ));   /* len 0 */
    char p[4];
    host_perms((uint32_t)a, p);
    assert_string_equal(p, "rw-");
    host_perms((uint32_t)b, p);
    assert_string_equal(p, "r--");
    /* Anonymous memory is zero and writable through the window. */
    uint8_t *h = g2h(gs(), (uint32_t)a);
    assert_int_equal(h[0] | h[3 * PAGE - 1], 0);
    h[5] = 42;
    assert_int_equal(guest_munmap(gs(), (uint32_t)a, 3 * PAGE), 0);
    assert_int_equal(guest_munmap(gs(), (uint32_t)b, 2 * PAGE), 0);
    assert_false(guest_access_ok(gs(), (uint32_t)a, 1, 0));
    host_perms((uint32_t)a, p);
    assert_string_equal(p, "---");   /* the reservation is back */
    /* The same request gets the same place again, zero-filled. */
    assert_int_equal(guest_mmap(gs(), 0, 3 * PAGE, RW, ANON_PRIV, -1, 0), a);
    assert_int_equal(h[5], 0);
    assert_int_equal(guest_munmap(gs(), (uint32_t)a, 3 * PAGE), 0);
}

static void test_hint_and_fixed(void **state)
{
    (void)state;
    uint32_t want = 0x20000000;
    assert_int_equal(guest_mmap(gs(), want + 5, PAGE, RW, ANON_PRIV, -1, 0), want + PAGE);
    /* A hint on a used range is ignored (top-down instead). */
    int64_t other = guest_mmap(gs(), want + PAGE, PAGE, RW, ANON_PRIV, -1, 0);
    assert_true(other > 0 && other != want + PAGE);   /* int64_t: no sign trouble */
    /* MAP_FIXED_NOREPLACE refuses, MAP_FIXED replaces. */
    assert_int_equal(guest_mmap(gs(), want + PAGE, PAGE, RW, ANON_PRIV | MAP_FIXED_NOREPLACE,
                                -1, 0), -EEXIST);
    memset(g2h(gs(), want + PAGE), 7, 16);
    assert_int_equal(guest_mmap(gs(), want + PAGE, PAGE, PROT_READ, ANON_PRIV | MAP_FIXED, -1,
                                0), want + PAGE);
    assert_int_equal(*(uint8_t *)g2h(gs(), want + PAGE), 0);
    assert_false(guest_access_ok(gs(), want + PAGE, 1, GPAGE_WRITE));
    assert_int_equal(guest_munmap(gs(), want + PAGE, PAGE), 0);
    assert_int_equal(guest_munmap(gs(), (uint32_t)other, PAGE), 0);
}

static void test_mmap_errors(void **state)
{
    (void)state;
    assert_int_equal(guest_mmap(gs(), 0, 0, RW, ANON_PRIV, -1, 0), -EINVAL);
    assert_int_equal(guest_mmap(gs(), 0, PAGE, RW, MAP_ANONYMOUS, -1, 0), -EINVAL);
    assert_int_equal(guest_mmap(gs(), 0x30000001, PAGE, RW, ANON_PRIV | MAP_FIXED, -1, 0),
                     -EINVAL);
    assert_int_equal(guest_mmap(gs(), 0, PAGE, RW, MAP_PRIVATE, -1, 0), -EBADF);
    assert_int_equal(guest_mmap(gs(), 0, PAGE, RW, MAP_PRIVATE, 0x7fff, 0), -EBADF);
    assert_int_equal(guest_mmap(gs(), 0, PAGE, RW, ANON_PRIV, -1, 123), -EINVAL);
    assert_int_equal(guest_mmap(gs(), 0xfffff000u, 2 * PAGE, RW, ANON_PRIV | MAP_FIXED, -1, 0),
                     -ENOMEM);
    assert_int_equal(guest_mmap(gs(), 0, 0xfffff001u, RW, ANON_PRIV, -1, 0), -ENOMEM);
    assert_int_equal(guest_munmap(gs(), 0x30000001, PAGE), -EINVAL);
    assert_int_equal(guest_munmap(gs(), 0x30000000, 0), -EINVAL);
    /* Unmapping nothing is fine. */
    assert_int_equal(guest_munmap(gs(), 0x30000000, PAGE), 0);
}

static void test_mprotect(void **state)
{
    (void)state;
    uint32_t a = (uint32_t)guest_mmap(gs(), 0x21000000, 4 * PAGE, RW, ANON_PRIV, -1, 0);
    assert_int_equal(a, 0x21000000);
    assert_int_equal(guest_mprotect(gs(), a + PAGE, 2 * PAGE, PROT_READ), 0);
    char p[4];
    host_perms(a, p);
    assert_string_equal(p, "rw-");
    host_perms(a + PAGE, p);
    assert_string_equal(p, "r--");
    host_perms(a + 3 * PAGE, p);
    assert_string_equal(p, "rw-");
    assert_false(guest_access_ok(gs(), a, 2 * PAGE, GPAGE_WRITE));
    assert_true(guest_access_ok(gs(), a, 4 * PAGE, GPAGE_READ));
    assert_int_equal(guest_mprotect(gs(), a, PAGE, PROT_NONE), 0);
    assert_false(guest_access_ok(gs(), a, 1, GPAGE_READ));
    assert_true(guest_access_ok(gs(), a, 1, 0));   /* mapped, inaccessible */
    /* Exec implies read on x86. */
    assert_int_equal(guest_mprotect(gs(), a, PAGE, PROT_EXEC), 0);
    assert_true(guest_access_ok(gs(), a, 1, GPAGE_READ | GPAGE_EXEC));
    assert_int_equal(guest_mprotect(gs(), a + 1, PAGE, PROT_READ), -EINVAL);
    assert_int_equal(guest_mprotect(gs(), a, PAGE, 0x100), -EINVAL);
    /* A hole in the range: ENOMEM, and nothing changes. */
    assert_int_equal(guest_mprotect(gs(), a + 3 * PAGE, 2 * PAGE, PROT_READ), -ENOMEM);
    assert_true(guest_access_ok(gs(), a + 3 * PAGE, 1, GPAGE_WRITE));
    assert_int_equal(guest_munmap(gs(), a, 4 * PAGE), 0);
}

static void test_file_mapping(void **state)
{
    (void)state;
    char path[] = "/tmp/mimic-test-space-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    uint8_t buf[2 * PAGE];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
    int64_t a = guest_mmap(gs(), 0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    assert_true(a > 0);
    assert_memory_equal(g2h(gs(), (uint32_t)a), buf + PAGE, PAGE);
    assert_false(guest_access_ok(gs(), (uint32_t)a, 1, GPAGE_WRITE));
    /* A failed MAP_FIXED (write access to a read-only descriptor through
     * a shared mapping) leaves the old mapping as it was. */
    int rdonly = open("/proc/self/exe", O_RDONLY);
    assert_true(rdonly >= 0);
    assert_int_equal(guest_mmap(gs(), (uint32_t)a, PAGE, RW, MAP_SHARED | MAP_FIXED, rdonly, 0),
                     -EACCES);
    close(rdonly);
    assert_memory_equal(g2h(gs(), (uint32_t)a), buf + PAGE, PAGE);
    assert_int_equal(guest_munmap(gs(), (uint32_t)a, PAGE), 0);
    close(fd);
}

static void test_mremap(void **state)
{
    (void)state;
    uint32_t a = (uint32_t)guest_mmap(gs(), 0x22000000, 2 * PAGE, RW, ANON_PRIV, -1, 0);
    memset(g2h(gs(), a), 0x5a, 2 * PAGE);
    /* Grow in place: the pages after it are free. */
    abi_ulong args[6] = { a, 2 * PAGE, 4 * PAGE, 0, 0, 0 };
    assert_int_equal(sys_mremap(thr, args), (abi_long)a);
    assert_true(guest_access_ok(gs(), a, 4 * PAGE, GPAGE_WRITE));
    assert_int_equal(*(uint8_t *)g2h(gs(), a + 2 * PAGE - 1), 0x5a);
    assert_int_equal(*(uint8_t *)g2h(gs(), a + 3 * PAGE), 0);
    /* Blocked: ENOMEM without MREMAP_MAYMOVE, a move with it. */
    uint32_t block = (uint32_t)guest_mmap(gs(), a + 4 * PAGE, PAGE, RW,
                                          ANON_PRIV | MAP_FIXED, -1, 0);
    assert_int_equal(block, a + 4 * PAGE);
    abi_ulong grow[6] = { a, 4 * PAGE, 8 * PAGE, 0, 0, 0 };
    assert_int_equal(sys_mremap(thr, grow), -ENOMEM);
    grow[3] = MREMAP_MAYMOVE;
    /* Addresses above 2 GiB are negative as an abi_long: errors are
     * -4095..-1 only. */
    uint32_t moved = (uint32_t)sys_mremap(thr, grow);
    assert_true(moved < 0xfffff001u && moved != a);
    assert_false(guest_access_ok(gs(), a, 1, 0));
    assert_int_equal(*(uint8_t *)g2h(gs(), moved + PAGE), 0x5a);
    char p[4];
    host_perms(a, p);
    assert_string_equal(p, "---");
    /* Shrink. */
    abi_ulong shrink[6] = { moved, 8 * PAGE, PAGE, 0, 0, 0 };
    assert_int_equal((uint32_t)sys_mremap(thr, shrink), moved);
    assert_false(guest_access_ok(gs(), moved + PAGE, 1, 0));
    abi_ulong bad[6] = { moved + 1, PAGE, PAGE, 0, 0, 0 };
    assert_int_equal(sys_mremap(thr, bad), -EINVAL);
    abi_ulong unmapped[6] = { 0x23000000, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0, 0 };
    assert_int_equal(sys_mremap(thr, unmapped), -EFAULT);
    guest_munmap(gs(), moved, PAGE);
    guest_munmap(gs(), block, PAGE);
}

static void test_brk(void **state)
{
    (void)state;
    gs()->brk_start = gs()->brk = 0x08100000;
    abi_ulong q[6] = { 0 };
    assert_int_equal(sys_brk(thr, q), 0x08100000);
    abi_ulong up[6] = { 0x08102010 };
    assert_int_equal(sys_brk(thr, up), 0x08102010);
    assert_true(guest_access_ok(gs(), 0x08100000, 3 * PAGE, GPAGE_WRITE));
    assert_false(guest_access_ok(gs(), 0x08103000, 1, 0));
    /* Below the start: refused, the break stays. */
    abi_ulong low[6] = { 0x080ff000 };
    assert_int_equal(sys_brk(thr, low), 0x08102010);
    /* Into another mapping: refused. */
    assert_int_equal(guest_mmap(gs(), 0x08105000, PAGE, RW, ANON_PRIV | MAP_FIXED, -1, 0),
                     0x08105000);
    abi_ulong into[6] = { 0x08106000 };
    assert_int_equal(sys_brk(thr, into), 0x08102010);
    abi_ulong down[6] = { 0x08100800 };
    assert_int_equal(sys_brk(thr, down), 0x08100800);
    assert_true(guest_access_ok(gs(), 0x08100000, PAGE, GPAGE_WRITE));
    assert_false(guest_access_ok(gs(), 0x08101000, 1, 0));
    guest_munmap(gs(), 0x08105000, PAGE);
    abi_ulong zero[6] = { 0x08100000 };
    sys_brk(thr, zero);
}

static void test_copies(void **state)
{
    (void)state;
    uint32_t a = (uint32_t)guest_mmap(gs(), 0x24000000, PAGE, RW, ANON_PRIV, -1, 0);
    const char msg[] = "hello";
    assert_int_equal(copy_to_guest(gs(), a + PAGE - 6, msg, 6), 0);
    char back[6];
    assert_int_equal(copy_from_guest(gs(), back, a + PAGE - 6, 6), 0);
    assert_string_equal(back, "hello");
    /* One byte past the mapping. */
    assert_int_equal(copy_to_guest(gs(), a + PAGE - 5, msg, 6), -EFAULT);
    assert_int_equal(copy_from_guest(gs(), back, a + PAGE - 5, 6), -EFAULT);
    assert_int_equal(copy_from_guest(gs(), back, 0xfffffffe, 4), -EFAULT);
    int err = 0;
    char *s = strdup_from_guest(gs(), a + PAGE - 6, 64, &err);
    assert_non_null(s);
    assert_string_equal(s, "hello");
    free(s);
    assert_null(strdup_from_guest(gs(), a + PAGE - 6, 5, &err));
    assert_int_equal(err, -ENAMETOOLONG);
    /* No NUL before the end of the mapping. */
    memset(g2h(gs(), a + PAGE - 4), 'x', 4);
    assert_null(strdup_from_guest(gs(), a + PAGE - 4, 64, &err));
    assert_int_equal(err, -EFAULT);
    assert_int_equal(guest_mprotect(gs(), a, PAGE, PROT_READ), 0);
    assert_int_equal(copy_to_guest(gs(), a, msg, 1), -EFAULT);
    assert_int_equal(guest_prepare_write(gs(), a, 1), -EFAULT);
    guest_munmap(gs(), a, PAGE);
}

/* A page that receives translated code becomes host read-only while the
 * guest still sees it writable; a write the guest may make gives it
 * back, and code_read only serves executable pages. */
static void test_code_pages(void **state)
{
    (void)state;
    uint32_t a = (uint32_t)guest_mmap(gs(), 0x25000000, 2 * PAGE, RW | PROT_EXEC, ANON_PRIV, -1,
                                      0);
    uint8_t code[4];
    assert_true(guest_code_read(gs(), a, code, 4));
    guest_page_code_added(gs(), a);
    char p[4];
    host_perms(a, p);
    assert_string_equal(p, "r--");
    host_perms(a + PAGE, p);
    assert_string_equal(p, "rw-");
    assert_true(gs()->flags[a >> GUEST_PAGE_BITS] & GPAGE_CODE);
    assert_true(guest_access_ok(gs(), a, PAGE, GPAGE_WRITE));
    /* A system call about to write there gets the page back. */
    assert_int_equal(guest_prepare_write(gs(), a + 8, 4), 0);
    host_perms(a, p);
    assert_string_equal(p, "rw-");
    assert_false(gs()->flags[a >> GUEST_PAGE_BITS] & GPAGE_CODE);
    /* mprotect keeps a code page read-only on the host. */
    guest_page_code_added(gs(), a);
    assert_int_equal(guest_mprotect(gs(), a, PAGE, RW | PROT_EXEC), 0);
    host_perms(a, p);
    assert_string_equal(p, "r--");
    assert_true(guest_code_write_fault(gs(), a + 100));
    host_perms(a, p);
    assert_string_equal(p, "rw-");
    /* A read-only page is not the guest's to write: the fault is real. */
    assert_int_equal(guest_mprotect(gs(), a + PAGE, PAGE, PROT_READ), 0);
    assert_false(guest_code_write_fault(gs(), a + PAGE));
    assert_false(guest_code_read(gs(), a + PAGE, code, 1));
    assert_false(guest_code_read(gs(), a + PAGE - 2, code, 4));   /* straddles */
    gs()->read_implies_exec = true;
    assert_true(guest_code_read(gs(), a + PAGE, code, 1));
    gs()->read_implies_exec = false;
    guest_munmap(gs(), a, 2 * PAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anonymous_top_down),
        cmocka_unit_test(test_hint_and_fixed),
        cmocka_unit_test(test_mmap_errors),
        cmocka_unit_test(test_mprotect),
        cmocka_unit_test(test_file_mapping),
        cmocka_unit_test(test_mremap),
        cmocka_unit_test(test_brk),
        cmocka_unit_test(test_copies),
        cmocka_unit_test(test_code_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
