/*
 * The page undo log of replay snapshots (src/replay/replay-undo.c):
 * pages saved per epoch come back newest epoch first, so that each page
 * ends as it was at the snapshot gone back to; rewinding drops the
 * epochs it went through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "replay/replay-undo.h"

/* A guest of 8 pages whose first byte tells the page's "version". */
static uint8_t mem[8][REPLAY_UNDO_PAGE];
static uint32_t order[64];
static unsigned norder;

static void save(uint32_t page)
{
    uint8_t *slot = replay_undo_slot(page);
    assert_non_null(slot);
    memcpy(slot, mem[page], REPLAY_UNDO_PAGE);
}

static void put_back(void *opaque, uint32_t page, const uint8_t *data)
{
    (void)opaque;
    order[norder++] = page;
    if (page & 0x80000000u)
        return;
    memcpy(mem[page], data, REPLAY_UNDO_PAGE);
}

static void write_page(uint32_t page, uint8_t version)
{
    memset(mem[page], version, REPLAY_UNDO_PAGE);
}

static void test_rewind_restores_each_epoch(void **state)
{
    (void)state;
    for (uint32_t p = 0; p < 8; p++)
        write_page(p, 1);
    replay_undo_begin_epoch(0);          /* snapshot 0: every page at 1 */
    save(2);
    write_page(2, 2);
    save(5);
    write_page(5, 2);
    replay_undo_begin_epoch(1);          /* snapshot 1: pages 2, 5 at 2 */
    save(2);
    write_page(2, 3);
    save(7);
    write_page(7, 3);
    replay_undo_begin_epoch(2);          /* snapshot 2 */
    save(2);
    write_page(2, 4);

    norder = 0;
    assert_true(replay_undo_rewind(1, put_back, NULL));
    /* Epoch 2 first (page 2 back to 3), then epoch 1 (2 to 2, 7 to 1). */
    assert_int_equal(norder, 3);
    assert_int_equal(order[0], 2);
    assert_int_equal(mem[2][0], 2);
    assert_int_equal(mem[2][REPLAY_UNDO_PAGE - 1], 2);
    assert_int_equal(mem[5][0], 2);
    assert_int_equal(mem[7][0], 1);

    /* Epoch 1 is current again and empty: a second rewind to it does
     * nothing; going to 0 brings the state of snapshot 0. */
    norder = 0;
    assert_true(replay_undo_rewind(1, put_back, NULL));
    assert_int_equal(norder, 0);
    assert_true(replay_undo_rewind(0, put_back, NULL));
    for (uint32_t p = 0; p < 8; p++)
        assert_int_equal(mem[p][0], 1);
    /* Not beyond the current epoch. */
    assert_false(replay_undo_rewind(3, put_back, NULL));
}

static void count_page(void *opaque, uint32_t page, const uint8_t *data)
{
    unsigned *n = opaque;
    /* Every page's contents are its own, whatever chunk held them. */
    if (!(page & 0x80000000u)) {
        assert_int_equal(data[0], page & 0xff);
        assert_int_equal(data[REPLAY_UNDO_PAGE - 1], page & 0xff);
    }
    (*n)++;
}

static void test_chunks_keep_contents(void **state)
{
    (void)state;
    replay_undo_begin_epoch(0);
    size_t before = replay_undo_bytes();
    for (uint32_t i = 0; i < 600; i++)
        memset(replay_undo_slot(i), (int)(i & 0xff), REPLAY_UNDO_PAGE);
    /* 255 pages and a header page per chunk: 3 chunks for 600 pages. */
    assert_int_equal(replay_undo_bytes() - before, 3u * 256u * REPLAY_UNDO_PAGE);
    unsigned n = 0;
    assert_true(replay_undo_rewind(0, count_page, &n));
    assert_int_equal(n, 600);
    assert_int_equal(replay_undo_bytes(), before);
}

static void test_unread_page_is_flagged(void **state)
{
    (void)state;
    replay_undo_begin_epoch(0);
    replay_undo_slot(3);
    replay_undo_mark_unread();
    replay_undo_slot(4);
    norder = 0;
    write_page(4, 9);
    assert_true(replay_undo_rewind(0, put_back, NULL));
    assert_int_equal(norder, 2);
    /* Newest first within the chunk does not matter; both are there. */
    assert_true((order[0] == (3u | 0x80000000u) && order[1] == 4) ||
                (order[1] == (3u | 0x80000000u) && order[0] == 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewind_restores_each_epoch),
        cmocka_unit_test(test_chunks_keep_contents),
        cmocka_unit_test(test_unread_page_is_flagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
