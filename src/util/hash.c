/*
 * XXH64, one-shot and incremental, from the xxHash specification.
 *
 * The input is consumed in 32-byte stripes by four accumulators; the
 * rest (under 32 bytes) is folded in 8, then 4, then 1 byte at a time;
 * an avalanche step mixes the result.  Lanes are read little-endian
 * whatever the host, through memcpy so unaligned input is fine.
 */
#include "util/hash.h"

#include <string.h>

static inline uint64_t read64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint32_t read32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static void init_accs(uint64_t v[4], uint64_t seed)
{
    v[0] = seed + XXH_PRIME64_1 + XXH_PRIME64_2;
    v[1] = seed + XXH_PRIME64_2;
    v[2] = seed;
    v[3] = seed - XXH_PRIME64_1;
}

static void consume_stripe(uint64_t v[4], const uint8_t *p)
{
    v[0] = hash_xxh64_round(v[0], read64(p));
    v[1] = hash_xxh64_round(v[1], read64(p + 8));
    v[2] = hash_xxh64_round(v[2], read64(p + 16));
    v[3] = hash_xxh64_round(v[3], read64(p + 24));
}

static uint64_t converge(const uint64_t v[4])
{
    uint64_t h = hash_rotl64(v[0], 1) + hash_rotl64(v[1], 7) +
                 hash_rotl64(v[2], 12) + hash_rotl64(v[3], 18);
    for (int i = 0; i < 4; i++)
        h = hash_xxh64_merge(h, v[i]);
    return h;
}

/* Folds in the last len (< 32) bytes and mixes. */
static uint64_t finish(uint64_t h, const uint8_t *p, size_t len)
{
    while (len >= 8) {
        h = hash_xxh64_tail8(h, read64(p));
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        h ^= (uint64_t)read32(p) * XXH_PRIME64_1;
        h = hash_rotl64(h, 23) * XXH_PRIME64_2 + XXH_PRIME64_3;
        p += 4;
        len -= 4;
    }
    while (len > 0) {
        h ^= *p * XXH_PRIME64_5;
        h = hash_rotl64(h, 11) * XXH_PRIME64_1;
        p++;
        len--;
    }
    return hash_xxh64_avalanche(h);
}

uint64_t hash_xxh64(const void *data, size_t len, uint64_t seed)
{
    const uint8_t *p = data;
    size_t rest = len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v[4];
        init_accs(v, seed);
        for (; rest >= 32; rest -= 32, p += 32)
            consume_stripe(v, p);
        h = converge(v);
    } else {
        h = seed + XXH_PRIME64_5;
    }
    return finish(h + (uint64_t)len, p, rest);
}

void hash_init(HashState *st, uint64_t seed)
{
    memset(st, 0, sizeof(*st));
    st->seed = seed;
    init_accs(st->v, seed);
}

void hash_update(HashState *st, const void *data, size_t len)
{
    const uint8_t *p = data;
    st->total_len += len;
    if (st->buf_len) {
        size_t take = 32 - st->buf_len;
        if (take > len)
            take = len;
        memcpy(st->buf + st->buf_len, p, take);
        st->buf_len += (uint32_t)take;
        p += take;
        len -= take;
        if (st->buf_len < 32)
            return;
        consume_stripe(st->v, st->buf);
        st->buf_len = 0;
    }
    for (; len >= 32; len -= 32, p += 32)
        consume_stripe(st->v, p);
    memcpy(st->buf, p, len);
    st->buf_len = (uint32_t)len;
}

uint64_t hash_final(const HashState *st)
{
    uint64_t h = st->total_len >= 32 ? converge(st->v) : st->seed + XXH_PRIME64_5;
    return finish(h + st->total_len, st->buf, st->buf_len);
}

uint64_t hash_str(const char *s)
{
    return hash_xxh64(s, strlen(s), 0);
}
