/*
 * XXH64 against the reference implementation's outputs.
 *
 * The expected values were produced by the xxHash project's own library
 * (Debian's python3-xxhash and xxhsum 0.8.1), not by this code.  The
 * "sanity buffer" is the one xxHash's self-test uses: byte i is the top
 * byte of PRIME32 * PRIME64^i.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/hash.h"

#define SANITY_LEN 2367
#define SANITY_SEED 2654435761ull   /* PRIME32_1 */

static uint8_t sanity[SANITY_LEN];

static int setup_sanity(void **state)
{
    (void)state;
    uint64_t gen = 2654435761ull;
    for (size_t i = 0; i < SANITY_LEN; i++) {
        sanity[i] = (uint8_t)(gen >> 56);
        gen *= 11400714785074694797ull;
    }
    return 0;
}

static const struct {
    size_t len;
    uint64_t seed0, seed_prime;
} sanity_vectors[] = {
    { 0,    0xef46db3751d8e999ull, 0xac75fda2929b17efull },
    { 1,    0xe934a84adb052768ull, 0x5014607643a9b4c3ull },
    { 4,    0x9136a0dca57457eeull, 0xcaab286bd8e9fdb5ull },
    { 8,    0xcdbcf538e71d1348ull, 0xfe0c047a5353cdacull },
    { 14,   0x8282dcc4994e35c8ull, 0xc3bd6bf63deb6df0ull },
    { 31,   0x299b39a290e6d783ull, 0xda673d5feb5c1d79ull },
    { 32,   0x18b216492bb44b70ull, 0xb3f33bdf93ade409ull },
    { 33,   0x55c8dc3e578f5b59ull, 0xe92c292f64bc3071ull },
    { 63,   0xa9efbe0fa0f3f4e7ull, 0x6c911fadb05b6fc2ull },
    { 64,   0xef558f8acac2b5cdull, 0xb5eeba99264cc44full },
    { 100,  0x4bfe019cd91d9ea4ull, 0x4853706dc9625caeull },
    { 222,  0xb641ae8cb691c174ull, 0x20cb8ab7ae10c14aull },
    { 2367, 0xa82418ddec0ea581ull, 0xa36a93c18052673aull },
};
#define NB_SANITY (sizeof(sanity_vectors) / sizeof(sanity_vectors[0]))

static void test_sanity_buffer(void **state)
{
    (void)state;
    for (size_t i = 0; i < NB_SANITY; i++) {
        size_t len = sanity_vectors[i].len;
        assert_int_equal(hash_xxh64(sanity, len, 0), sanity_vectors[i].seed0);
        assert_int_equal(hash_xxh64(sanity, len, SANITY_SEED),
                         sanity_vectors[i].seed_prime);
    }
}

static void test_strings(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint64_t seed0, seed_golden;
    } v[] = {
        { "", 0xef46db3751d8e999ull, 0xc4349fc93c010000ull },
        { "a", 0xd24ec4f1a98c6e5bull, 0x9a7c6d2ea45568c9ull },
        { "abc", 0x44bc2cf5ad770999ull, 0x2ed0f59d6b43ac8bull },
        { "message digest", 0x066ed728fceeb3beull, 0xdd80ff412a4892a0ull },
        { "Nobody inspects the spammish repetition",
          0xfbcea83c8a378bf1ull, 0xeb8b157ca26cbf34ull },
        { "abcdefghijklmnopqrstuvwxyz", 0xcfe1f278fa89835cull, 0x9c220416fea109c1ull },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        assert_int_equal(hash_xxh64(v[i].s, strlen(v[i].s), 0), v[i].seed0);
        assert_int_equal(hash_str(v[i].s), v[i].seed0);
        assert_int_equal(hash_xxh64(v[i].s, strlen(v[i].s), 0x9e3779b97f4a7c15ull),
                         v[i].seed_golden);
    }
}

/* The sanity buffer starting at an odd address: lanes are unaligned. */
static void test_unaligned_input(void **state)
{
    (void)state;
    static uint8_t copy[SANITY_LEN + 1];
    memcpy(copy + 1, sanity, SANITY_LEN);
    assert_int_equal(hash_xxh64(copy + 1, 222, 0), 0xb641ae8cb691c174ull);
    assert_int_equal(hash_xxh64(copy + 1, SANITY_LEN, SANITY_SEED), 0xa36a93c18052673aull);
}

static void test_fixed_size_keys(void **state)
{
    (void)state;
    assert_int_equal(hash_u64(0x0123456789abcdefull), 0xea3c52081e9843ecull);
    assert_int_equal(hash_u64(0), 0x34c96acdcadb1bbbull);
    assert_int_equal(hash_u64x2(0x0123456789abcdefull, 0xfedcba9876543210ull),
                     0x733db3b88f7671c0ull);
    assert_int_equal(hash_u64x4(0x8048000, 0x12345, 0x40, 0xffffffffffffffffull),
                     0x94c1b522aa276a04ull);
}

/* Little xorshift64: the test's own fixed-seed stream of split points. */
static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_streaming_any_split(void **state)
{
    (void)state;
    uint64_t rng = 0x5eed5eed12345678ull;
    for (size_t i = 0; i < NB_SANITY; i++) {
        size_t len = sanity_vectors[i].len;
        for (int trial = 0; trial < 50; trial++) {
            HashState st;
            hash_init(&st, trial & 1 ? SANITY_SEED : 0);
            size_t pos = 0;
            while (pos < len) {
                size_t step = (size_t)(xorshift(&rng) % 70);
                if (step > len - pos)
                    step = len - pos;
                hash_update(&st, sanity + pos, step);
                pos += step;
            }
            uint64_t want = trial & 1 ? sanity_vectors[i].seed_prime
                                      : sanity_vectors[i].seed0;
            assert_int_equal(hash_final(&st), want);
        }
    }
}

static void test_final_does_not_consume(void **state)
{
    (void)state;
    HashState st;
    hash_init(&st, 0);
    hash_update(&st, sanity, 40);
    assert_int_equal(hash_final(&st), hash_final(&st));
    hash_update(&st, sanity + 40, 60);
    assert_int_equal(hash_final(&st), 0x4bfe019cd91d9ea4ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanity_buffer),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_unaligned_input),
        cmocka_unit_test(test_fixed_size_keys),
        cmocka_unit_test(test_streaming_any_split),
        cmocka_unit_test(test_final_does_not_consume),
    };
    return cmocka_run_group_tests(tests, setup_sanity, NULL);
}
