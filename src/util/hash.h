/*
 * 64-bit hashing: XXH64 (Yann Collet's xxHash, 64-bit variant), written
 * from its public specification (doc/xxhash_spec.md of the xxHash
 * project).  It is fast on short keys, has good avalanche, and its
 * published outputs let the tests check this implementation against
 * the reference.
 *
 * The fixed-size helpers hash_u64(), hash_u64x2() and hash_u64x4() are
 * inline specialisations for lookup keys (a TB's pc, flags, cflags...):
 * each returns exactly hash_xxh64() of its arguments laid out as
 * consecutive little-endian 64-bit words, with seed 0, so the value does
 * not depend on which form a caller used.
 */
#ifndef MIMIC_UTIL_HASH_H
#define MIMIC_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define XXH_PRIME64_1 0x9E3779B185EBCA87ull
#define XXH_PRIME64_2 0xC2B2AE3D27D4EB4Full
#define XXH_PRIME64_3 0x165667B19E3779F9ull
#define XXH_PRIME64_4 0x85EBCA77C2B2AE63ull
#define XXH_PRIME64_5 0x27D4EB2F165667C5ull

/* One-shot XXH64 of len bytes. */
uint64_t hash_xxh64(const void *data, size_t len, uint64_t seed);

/* Incremental XXH64: feeding the same bytes in any split gives the
 * one-shot value (for hashing a CPU state field by field). */
typedef struct HashState {
    uint64_t v[4];
    uint64_t total_len;
    uint8_t buf[32];
    uint32_t buf_len;
    uint64_t seed;
} HashState;

void hash_init(HashState *st, uint64_t seed);
void hash_update(HashState *st, const void *data, size_t len);
uint64_t hash_final(const HashState *st);

static inline uint64_t hash_rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t hash_xxh64_round(uint64_t acc, uint64_t lane)
{
    acc += lane * XXH_PRIME64_2;
    acc = hash_rotl64(acc, 31);
    return acc * XXH_PRIME64_1;
}

static inline uint64_t hash_xxh64_avalanche(uint64_t h)
{
    h ^= h >> 33;
    h *= XXH_PRIME64_2;
    h ^= h >> 29;
    h *= XXH_PRIME64_3;
    h ^= h >> 32;
    return h;
}

/* The step for each whole 8-byte lane of the tail. */
static inline uint64_t hash_xxh64_tail8(uint64_t acc, uint64_t lane)
{
    acc ^= hash_xxh64_round(0, lane);
    return hash_rotl64(acc, 27) * XXH_PRIME64_1 + XXH_PRIME64_4;
}

static inline uint64_t hash_xxh64_merge(uint64_t acc, uint64_t v)
{
    acc ^= hash_xxh64_round(0, v);
    return acc * XXH_PRIME64_1 + XXH_PRIME64_4;
}

static inline uint64_t hash_u64(uint64_t a)
{
    uint64_t h = XXH_PRIME64_5 + 8;
    return hash_xxh64_avalanche(hash_xxh64_tail8(h, a));
}

static inline uint64_t hash_u64x2(uint64_t a, uint64_t b)
{
    uint64_t h = XXH_PRIME64_5 + 16;
    h = hash_xxh64_tail8(h, a);
    return hash_xxh64_avalanche(hash_xxh64_tail8(h, b));
}

/* 32 bytes: exactly one stripe through the four accumulators. */
static inline uint64_t hash_u64x4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t v1 = hash_xxh64_round(XXH_PRIME64_1 + XXH_PRIME64_2, a);
    uint64_t v2 = hash_xxh64_round(XXH_PRIME64_2, b);
    uint64_t v3 = hash_xxh64_round(0, c);
    uint64_t v4 = hash_xxh64_round(0 - XXH_PRIME64_1, d);
    uint64_t h = hash_rotl64(v1, 1) + hash_rotl64(v2, 7) +
                 hash_rotl64(v3, 12) + hash_rotl64(v4, 18);
    h = hash_xxh64_merge(h, v1);
    h = hash_xxh64_merge(h, v2);
    h = hash_xxh64_merge(h, v3);
    h = hash_xxh64_merge(h, v4);
    return hash_xxh64_avalanche(h + 32);
}

/* XXH64 of a NUL-terminated string's bytes (without the NUL), seed 0. */
uint64_t hash_str(const char *s);

#endif
