/*
 * Sorted arrays of 64-bit values (the debugger's breakpoints, kept by
 * exec/breakpoint.c and searched by the translation loop).
 */
#ifndef MIMIC_UTIL_SORTED_H
#define MIMIC_UTIL_SORTED_H

#include <stdbool.h>
#include <stdint.h>

/* The index of the first element >= v (n when there is none). */
static inline unsigned sorted_u64_lower_bound(const uint64_t *a, unsigned n, uint64_t v)
{
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline bool sorted_u64_contains(const uint64_t *a, unsigned n, uint64_t v)
{
    unsigned i = sorted_u64_lower_bound(a, n, v);
    return i < n && a[i] == v;
}

#endif
