/*
 * Unit tests that place a segment directly (without a descriptor table):
 * a present, writable, expand-up 4 GiB data segment at `base`, as Linux's
 * TLS entries are, so that accesses through it need no segment check.
 */
#ifndef TESTS_UNIT_I386_TEST_SEG_H
#define TESTS_UNIT_I386_TEST_SEG_H

#include "targets/i386/cpu.h"

static inline void test_set_flat_seg(I386CPU *cpu, int seg, uint32_t base)
{
    cpu->segs[seg].base = base;
    cpu->segs[seg].limit = 0xffffffffu;
    /* Descriptor bits 40-55: G, D/B, P, DPL 3, S, type (code: execute/
     * read; data: read/write), accessed. */
    cpu->segs[seg].flags = seg == R_CS ? 0xcffbu : 0xcff3u;
    i386_update_hflags(cpu);
}

#endif
