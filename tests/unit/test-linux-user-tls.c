/*
 * set_thread_area, get_thread_area and modify_ldt: descriptors as the
 * SDM (vol. 3, 3.4.5, figure 3-8) encodes them, checked against values
 * worked out by hand from that figure, and segment loads through them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "linux-user/syscall-impl.h"
#include "linux-user/user-internal.h"

static LinuxProcess *proc;
static LinuxThread *t;
static uint32_t desc_addr;   /* a struct user_desc in guest memory */

enum { SEG_32BIT = 1, CONTENTS_CODE = 2 << 1, READ_EXEC_ONLY = 8, LIMIT_IN_PAGES = 16,
       NOT_PRESENT = 32, USEABLE = 64 };

static int setup(void **state)
{
    (void)state;
    proc = calloc(1, sizeof(*proc));
    t = aligned_alloc(64, (sizeof(*t) + 63) & ~(size_t)63);
    memset(t, 0, sizeof(*t));
    if (guest_space_init(&proc->space) < 0)
        return -1;
    proc->ldt = calloc(LINUX_LDT_ENTRIES, 8);
    pthread_mutex_init(&proc->thread_lock, NULL);
    t->proc = proc;
    i386_cpu_init(&t->cpu, NULL);
    linux_tls_init_thread(t);
    linux_current = t;
    desc_addr = (uint32_t)guest_mmap(&proc->space, 0x30000000, 4096,
                                     PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return desc_addr == 0x30000000 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    linux_current = NULL;
    guest_space_destroy(&proc->space);
    free(proc->ldt);
    free(proc);
    free(t);
    return 0;
}

static void put_desc(uint32_t entry, uint32_t base, uint32_t limit, uint32_t bits)
{
    uint32_t w[4] = { entry, base, limit, bits };
    assert_int_equal(copy_to_guest(&proc->space, desc_addr, w, sizeof(w)), 0);
}

static uint32_t desc_word(int i)
{
    uint32_t w[4];
    assert_int_equal(copy_from_guest(&proc->space, w, desc_addr, sizeof(w)), 0);
    return w[i];
}

static void test_initial_selectors(void **state)
{
    (void)state;
    /* A 32-bit process on x86-64 Linux: CS 0x23, the data segments 0x2b. */
    assert_int_equal(t->cpu.segs[R_CS].selector, 0x23);
    assert_int_equal(t->cpu.segs[R_DS].selector, 0x2b);
    assert_int_equal(t->cpu.segs[R_SS].selector, 0x2b);
    assert_int_equal(t->cpu.segs[R_DS].base, 0);
    assert_int_equal(t->cpu.segs[R_DS].limit, 0xffffffffu);
}

static void test_set_thread_area(void **state)
{
    (void)state;
    abi_ulong a[6] = { desc_addr };
    put_desc(0xffffffffu, 0x12345678, 0xfffff, SEG_32BIT | LIMIT_IN_PAGES | USEABLE);
    assert_int_equal(sys_set_thread_area(t, a), 0);
    assert_int_equal(desc_word(0), 12);   /* the first TLS entry, written back */
    /* base 0x12345678, limit 0xfffff, type 3 (data rw, accessed), S,
     * DPL 3, P, AVL, D, G: */
    assert_int_equal(t->gdt[12], 0x12dff3345678ffffull);
    /* The next one gets entry 13. */
    put_desc(0xffffffffu, 0x1000, 0xfff, SEG_32BIT);
    assert_int_equal(sys_set_thread_area(t, a), 0);
    assert_int_equal(desc_word(0), 13);
    /* GS = 0x63 (entry 12, GDT, RPL 3) now has that base. */
    assert_true(i386_load_seg(&t->cpu, R_GS, 0x63, 0));
    assert_int_equal(t->cpu.segs[R_GS].base, 0x12345678);
    assert_int_equal(t->cpu.segs[R_GS].limit, 0xffffffffu);
    /* Changing the entry GS selects reloads GS. */
    put_desc(12, 0xabcd0000, 0xfffff, SEG_32BIT | LIMIT_IN_PAGES);
    assert_int_equal(sys_set_thread_area(t, a), 0);
    assert_int_equal(t->cpu.segs[R_GS].base, 0xabcd0000);
    /* Read back. */
    put_desc(12, 0, 0, 0);
    assert_int_equal(sys_get_thread_area(t, a), 0);
    assert_int_equal(desc_word(1), 0xabcd0000);
    assert_int_equal(desc_word(2), 0xfffff);
    assert_int_equal(desc_word(3), SEG_32BIT | LIMIT_IN_PAGES);
    /* An empty entry reads back as "empty": read-exec-only, not present. */
    put_desc(14, 0, 0, 0);
    assert_int_equal(sys_get_thread_area(t, a), 0);
    assert_int_equal(desc_word(3), READ_EXEC_ONLY | NOT_PRESENT);
    /* Errors. */
    put_desc(5, 0x1000, 0xfff, SEG_32BIT);
    assert_int_equal(sys_set_thread_area(t, a), -EINVAL);          /* not a TLS entry */
    put_desc(14, 0x1000, 0xfff, 0);
    assert_int_equal(sys_set_thread_area(t, a), -EINVAL);          /* 16-bit */
    put_desc(14, 0x1000, 0xfff, SEG_32BIT | CONTENTS_CODE);
    assert_int_equal(sys_set_thread_area(t, a), -EINVAL);          /* code */
    abi_ulong bad[6] = { 0x40000000 };
    assert_int_equal(sys_set_thread_area(t, bad), -EFAULT);
    /* Taken: 12, 13, 14 -> no free entry. */
    put_desc(14, 0x2000, 0xfff, SEG_32BIT);
    assert_int_equal(sys_set_thread_area(t, a), 0);
    put_desc(0xffffffffu, 0x2000, 0xfff, SEG_32BIT);
    assert_int_equal(sys_set_thread_area(t, a), -ESRCH);
    /* Clearing with the "empty" descriptor: GS, which selected it, can
     * no longer load it and becomes null. */
    put_desc(12, 0, 0, READ_EXEC_ONLY | NOT_PRESENT);
    assert_int_equal(sys_set_thread_area(t, a), 0);
    assert_int_equal(t->gdt[12], 0);
    assert_int_equal(t->cpu.segs[R_GS].selector, 0);
}

static void test_modify_ldt(void **state)
{
    (void)state;
    abi_ulong rd0[6] = { 0, desc_addr, 64 };
    assert_int_equal(sys_modify_ldt(t, rd0), 0);   /* no LDT yet */
    put_desc(3, 0x8000, 0xffff, SEG_32BIT);
    abi_ulong wr[6] = { 0x11, desc_addr, 16 };
    assert_int_equal(sys_modify_ldt(t, wr), 0);
    /* base 0x8000, limit 0xffff, type 3, S, DPL 3, P, D: */
    assert_int_equal(proc->ldt[3], 0x0040f3008000ffffull);
    /* Selector 0x1f: entry 3, LDT, RPL 3. */
    assert_true(i386_load_seg(&t->cpu, R_FS, 0x1f, 0));
    assert_int_equal(t->cpu.segs[R_FS].base, 0x8000);
    assert_int_equal(t->cpu.segs[R_FS].limit, 0xffff);
    /* Reading: the table up to the last entry written, zero-filled to
     * the requested size, which is returned. */
    abi_ulong rd[6] = { 0, desc_addr + 1024, 48 };
    assert_int_equal(sys_modify_ldt(t, rd), 48);
    uint64_t back[6];
    assert_int_equal(copy_from_guest(&proc->space, back, desc_addr + 1024, 48), 0);
    assert_int_equal(back[3], proc->ldt[3]);
    assert_int_equal(back[4] | back[5] | back[0], 0);
    /* Old mode: useable cleared; a zero base and limit clear the entry. */
    put_desc(4, 0x8000, 0xffff, SEG_32BIT | USEABLE);
    abi_ulong old[6] = { 1, desc_addr, 16 };
    assert_int_equal(sys_modify_ldt(t, old), 0);
    assert_int_equal(proc->ldt[4] & (1ull << 52), 0);
    put_desc(4, 0, 0, SEG_32BIT);
    assert_int_equal(sys_modify_ldt(t, old), 0);
    assert_int_equal(proc->ldt[4], 0);
    /* Errors. */
    abi_ulong size[6] = { 0x11, desc_addr, 12 };
    assert_int_equal(sys_modify_ldt(t, size), -EINVAL);
    put_desc(8192, 0, 0xfff, SEG_32BIT);
    assert_int_equal(sys_modify_ldt(t, wr), -EINVAL);
    put_desc(5, 0, 0xfff, SEG_32BIT | (3 << 1));   /* contents 3, present */
    assert_int_equal(sys_modify_ldt(t, wr), -EINVAL);
    abi_ulong fn[6] = { 7, desc_addr, 16 };
    assert_int_equal(sys_modify_ldt(t, fn), -ENOSYS);
    /* The default LDT: 128 zero bytes on x86-64. */
    abi_ulong dflt[6] = { 2, desc_addr + 2048, 200 };
    assert_int_equal(sys_modify_ldt(t, dflt), 128);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initial_selectors),
        cmocka_unit_test(test_set_thread_area),
        cmocka_unit_test(test_modify_ldt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
