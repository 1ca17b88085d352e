/*
 * The initial stack: argc, argv, envp and the auxiliary vector where a
 * 32-bit program finds them on Linux (System V i386 psABI, "Process
 * Initialization"; fs/binfmt_elf.c create_elf_tables for the order and
 * the alignment), read back word by word from guest memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linux-user/user-internal.h"

static LinuxProcess proc;

static uint32_t rd(uint32_t addr)
{
    uint32_t v;
    assert_int_equal(copy_from_guest(&proc.space, &v, addr, 4), 0);
    return v;
}

static const char *str(uint32_t addr)
{
    assert_true(guest_access_ok(&proc.space, addr, 1, GPAGE_READ));
    return g2h(&proc.space, addr);
}

static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(guest_space_init(&proc.space), 0);
    static const uint8_t rnd[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    char *argv[] = { "prog", "one", "", "three words", NULL };
    char *envp[] = { "A=1", "PATH=/bin", NULL };
    LinuxImage img = {
        .entry = 0x08049000, .start = 0xf7fd0100, .phdr = 0x08048034, .phnum = 9,
        .interp_base = 0xf7fd0000, .exec_stack = false,
    };
    LinuxStackArgs args = {
        .argc = 4, .argv = argv, .envc = 2, .envp = envp, .execfn = "./prog",
        .hwcap = 0x178bfbff, .random16 = rnd, .uid = 1000, .euid = 1001, .gid = 100,
        .egid = 101,
    };
    uint32_t sp, auxv, auxv_len;
    assert_int_equal(linux_setup_stack(&proc.space, &img, &args, &sp, &auxv, &auxv_len), 0);

    /* The stack mapping: below the top, writable, not executable. */
    assert_true(guest_access_ok(&proc.space, GUEST_STACK_TOP - LINUX_STACK_SIZE,
                                LINUX_STACK_SIZE, GPAGE_READ | GPAGE_WRITE));
    assert_false(guest_access_ok(&proc.space, GUEST_STACK_TOP - 1, 1, GPAGE_EXEC));
    assert_false(guest_access_ok(&proc.space, GUEST_STACK_TOP, 1, 0));

    /* The psABI's picture: argc at esp, 16-byte aligned. */
    assert_int_equal(sp % 16, 0);
    assert_int_equal(rd(sp), 4);
    for (int i = 0; i < 4; i++)
        assert_string_equal(str(rd(sp + 4 + 4 * (uint32_t)i)), argv[i]);
    assert_int_equal(rd(sp + 20), 0);
    assert_string_equal(str(rd(sp + 24)), "A=1");
    assert_string_equal(str(rd(sp + 28)), "PATH=/bin");
    assert_int_equal(rd(sp + 32), 0);
    assert_int_equal(auxv, sp + 36);

    /* The auxiliary vector, in Linux's order. */
    struct { uint32_t key, val; } want[] = {
        { AT_HWCAP, 0x178bfbff }, { AT_PAGESZ, 4096 }, { AT_CLKTCK, 100 },
        { AT_PHDR, 0x08048034 }, { AT_PHENT, 32 }, { AT_PHNUM, 9 },
        { AT_BASE, 0xf7fd0000 }, { AT_FLAGS, 0 }, { AT_ENTRY, 0x08049000 },
        { AT_UID, 1000 }, { AT_EUID, 1001 }, { AT_GID, 100 }, { AT_EGID, 101 },
        { AT_SECURE, 0 }, { AT_RANDOM, 0 }, { AT_HWCAP2, 0 }, { AT_EXECFN, 0 },
        { AT_PLATFORM, 0 }, { AT_NULL, 0 },
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    assert_int_equal(auxv_len, n * 8);
    uint32_t random_addr = 0, execfn = 0, platform = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t key = rd(auxv + 8 * (uint32_t)i), val = rd(auxv + 8 * (uint32_t)i + 4);
        assert_int_equal(key, want[i].key);
        if (key == AT_RANDOM)
            random_addr = val;
        else if (key == AT_EXECFN)
            execfn = val;
        else if (key == AT_PLATFORM)
            platform = val;
        else
            assert_int_equal(val, want[i].val);
    }
    assert_memory_equal(g2h(&proc.space, random_addr), rnd, 16);
    assert_string_equal(str(platform), "i686");
    /* The file name sits right under the zero word at the top. */
    assert_string_equal(str(execfn), "./prog");
    assert_int_equal(execfn + sizeof("./prog"), GUEST_STACK_TOP - 4);
    assert_int_equal(rd(GUEST_STACK_TOP - 4), 0);
    /* Strings: argv[0] lowest, then the others, then the environment,
     * contiguous, as copy_strings leaves them. */
    uint32_t a0 = rd(sp + 4);
    assert_int_equal(rd(sp + 8), a0 + 5);
    assert_int_equal(rd(sp + 24), a0 + 5 + 4 + 1 + 12);
    assert_int_equal(rd(sp + 28) + sizeof("PATH=/bin"), execfn);
    /* Everything below the strings, above esp. */
    assert_true(random_addr < a0 && random_addr > auxv);
    guest_space_destroy(&proc.space);
}

static void test_exec_stack_and_limits(void **state)
{
    (void)state;
    assert_int_equal(guest_space_init(&proc.space), 0);
    static const uint8_t rnd[16];
    LinuxImage img = { .exec_stack = true };
    /* One string of 3 MiB is more than a quarter of the 8 MiB stack. */
    size_t big = 3u << 20;
    char *huge = malloc(big);
    memset(huge, 'x', big - 1);
    huge[big - 1] = '\0';
    char *argv[] = { huge, NULL };
    LinuxStackArgs args = { .argc = 1, .argv = argv, .envc = 0, .envp = argv + 1,
                            .execfn = "p", .random16 = rnd };
    uint32_t sp, auxv, len;
    assert_int_equal(linux_setup_stack(&proc.space, &img, &args, &sp, &auxv, &len), -E2BIG);
    argv[0] = "p";
    guest_space_destroy(&proc.space);
    assert_int_equal(guest_space_init(&proc.space), 0);
    assert_int_equal(linux_setup_stack(&proc.space, &img, &args, &sp, &auxv, &len), 0);
    assert_true(guest_access_ok(&proc.space, GUEST_STACK_TOP - 1, 1, GPAGE_EXEC));
    assert_int_equal(sp % 16, 0);
    free(huge);
    guest_space_destroy(&proc.space);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_exec_stack_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
