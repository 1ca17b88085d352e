/*
 * Little-endian loads and stores at unaligned byte addresses, for the
 * guest structures mimic lays out byte by byte (signal frames, FPU state
 * images, trace records, ELF headers).
 */
#ifndef MIMIC_UTIL_BYTES_H
#define MIMIC_UTIL_BYTES_H

#include <stdint.h>

static inline uint16_t ld_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ld_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void st_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void st_le32(uint8_t *p, uint32_t v)
{
    st_le16(p, (uint16_t)v);
    st_le16(p + 2, (uint16_t)(v >> 16));
}

#endif
