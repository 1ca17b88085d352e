/*
 * The recorder's list of the guest ranges a system call wrote
 * (src/replay/replay-capture.h): ranges are noted only between begin and
 * end, in the order noted, with their bulk flag; empty ranges are
 * dropped; past 4096 ranges the list says it overflowed; a new begin
 * starts an empty list.
 *
 * The state is per thread and these tests run one after another on one
 * thread, so each test starts with begin (or checks what happens before
 * one) and ends with end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include "replay/replay-capture.h"

/* The documented limit: more ranges than this in one call overflow. */
#define LIMIT 4096u

static void test_nothing_outside(void **state)
{
    (void)state;
    /* Before any begin, and after an end: notes are ignored. */
    replay_capture_note(0x1000, 16, false);
    replay_capture_begin();
    uint32_t count = 99;
    bool overflow = true;
    replay_capture_end(&count, &overflow);
    assert_int_equal(count, 0);
    assert_false(overflow);

    replay_capture_begin();
    replay_capture_note(0x2000, 8, true);
    replay_capture_end(&count, &overflow);
    assert_int_equal(count, 1);
    /* After end: this note must not join the next list. */
    replay_capture_note(0x3000, 4, false);
    replay_capture_begin();
    replay_capture_end(&count, &overflow);
    assert_int_equal(count, 0);
    assert_false(overflow);
}

static void test_order_and_bulk(void **state)
{
    (void)state;
    replay_capture_begin();
    replay_capture_note(0x8000, 100, true);
    replay_capture_note(0x1000, 4, false);
    replay_capture_note(0xfffff000ull, 0x1000, false);
    /* Addresses wider than 32 bits and lengths over 4 GiB pass as given. */
    replay_capture_note(0x123456789ull, 0x100000000ull, true);
    uint32_t count = 0;
    bool overflow = true;
    const ReplayRange *r = replay_capture_end(&count, &overflow);
    assert_int_equal(count, 4);
    assert_false(overflow);
    assert_non_null(r);
    assert_int_equal(r[0].addr, 0x8000);
    assert_int_equal(r[0].len, 100);
    assert_true(r[0].bulk);
    assert_int_equal(r[1].addr, 0x1000);
    assert_int_equal(r[1].len, 4);
    assert_false(r[1].bulk);
    assert_int_equal(r[2].addr, 0xfffff000ull);
    assert_int_equal(r[2].len, 0x1000);
    assert_false(r[2].bulk);
    assert_int_equal(r[3].addr, 0x123456789ull);
    assert_int_equal(r[3].len, 0x100000000ull);
    assert_true(r[3].bulk);
}

static void test_zero_length_ignored(void **state)
{
    (void)state;
    replay_capture_begin();
    replay_capture_note(0x1000, 0, true);
    replay_capture_note(0x2000, 3, false);
    replay_capture_note(0x3000, 0, false);
    replay_capture_note(0x4000, 5, true);
    replay_capture_note(0x5000, 0, true);
    uint32_t count = 0;
    bool overflow = true;
    const ReplayRange *r = replay_capture_end(&count, &overflow);
    assert_int_equal(count, 2);
    assert_false(overflow);
    assert_int_equal(r[0].addr, 0x2000);
    assert_int_equal(r[0].len, 3);
    assert_false(r[0].bulk);
    assert_int_equal(r[1].addr, 0x4000);
    assert_int_equal(r[1].len, 5);
    assert_true(r[1].bulk);
}

static void test_exactly_limit_fits(void **state)
{
    (void)state;
    replay_capture_begin();
    for (uint32_t i = 0; i < LIMIT; i++)
        replay_capture_note(0x10000 + 16ull * i, 1 + i % 7, i % 3 == 0);
    uint32_t count = 0;
    bool overflow = true;
    const ReplayRange *r = replay_capture_end(&count, &overflow);
    assert_int_equal(count, LIMIT);
    assert_false(overflow);
    for (uint32_t i = 0; i < LIMIT; i++) {
        assert_int_equal(r[i].addr, 0x10000 + 16ull * i);
        assert_int_equal(r[i].len, 1 + i % 7);
        assert_int_equal(r[i].bulk, i % 3 == 0);
    }
}

static void test_overflow(void **state)
{
    (void)state;
    replay_capture_begin();
    for (uint32_t i = 0; i < LIMIT + 10; i++)
        replay_capture_note(0x20000 + 8ull * i, 8, false);
    uint32_t count = 0;
    bool overflow = false;
    const ReplayRange *r = replay_capture_end(&count, &overflow);
    assert_true(overflow);
    /* What is kept then is not promised (the recorder logs the union
     * of the call's bounds instead), but never more than the limit, and
     * what is kept is the front of the list, in order. */
    assert_true(count <= LIMIT);
    for (uint32_t i = 0; i < count; i++)
        assert_int_equal(r[i].addr, 0x20000 + 8ull * i);
}

static void test_begin_resets(void **state)
{
    (void)state;
    /* A list that overflowed, then a new call: empty, no overflow. */
    replay_capture_begin();
    for (uint32_t i = 0; i < LIMIT + 1; i++)
        replay_capture_note(0x30000 + i, 1, false);
    uint32_t count = 0;
    bool overflow = false;
    replay_capture_end(&count, &overflow);
    assert_true(overflow);

    replay_capture_begin();
    replay_capture_note(0x40000, 2, true);
    const ReplayRange *r = replay_capture_end(&count, &overflow);
    assert_false(overflow);
    assert_int_equal(count, 1);
    assert_int_equal(r[0].addr, 0x40000);
    assert_int_equal(r[0].len, 2);
    assert_true(r[0].bulk);

    /* begin twice without an end between: the second starts afresh. */
    replay_capture_begin();
    replay_capture_note(0x50000, 1, false);
    replay_capture_note(0x50010, 1, false);
    replay_capture_begin();
    replay_capture_note(0x60000, 9, false);
    r = replay_capture_end(&count, &overflow);
    assert_int_equal(count, 1);
    assert_false(overflow);
    assert_int_equal(r[0].addr, 0x60000);
    assert_int_equal(r[0].len, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_outside),
        cmocka_unit_test(test_order_and_bulk),
        cmocka_unit_test(test_zero_length_ignored),
        cmocka_unit_test(test_exactly_limit_fits),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_begin_resets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
