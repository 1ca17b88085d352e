/*
 * The host CPU as the reference for register-only i386 code.
 *
 * An instruction that touches only the 8/16/32-bit general registers and
 * the flags has the same encoding and the same effect in 64-bit mode,
 * except the one-byte INC/DEC (40-4F are REX prefixes there) and the
 * stack instructions.  native_compile() builds, in a page mapped RW then
 * flipped to RX, a function that loads EAX..EDI (not ESP) and EFLAGS
 * from a state block, runs the bytes, and stores them back;
 * native_run() calls it.  Relative jumps inside the sequence work
 * the same way.  A test compares mimic's result with this, so the
 * expected values come from the hardware, never from mimic.
 */
#ifndef TESTS_UNIT_I386_NATIVE_H
#define TESTS_UNIT_I386_NATIVE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

typedef struct NativeState {
    uint32_t regs[8];     /* EAX..EDI in encoding order; ESP is ignored */
    uint64_t eflags;      /* in and out */
} NativeState;

/* Register loads and stores between r15 = state and the guest registers. */
static inline size_t native_emit_regs(uint8_t *p, bool store)
{
    size_t n = 0;
    for (int r = 0; r < 8; r++) {
        if (r == 4)
            continue;
        /* mov r32, [r15 + 4r]  /  mov [r15 + 4r], r32 */
        p[n++] = 0x41;
        p[n++] = store ? 0x89 : 0x8b;
        p[n++] = (uint8_t)(0x47 | r << 3);
        p[n++] = (uint8_t)(4 * r);
    }
    return n;
}

typedef struct NativeCode {
    uint8_t *page;
    size_t size;
} NativeCode;

/* Builds the function running code (len bytes); false on failure. */
static inline bool native_compile(NativeCode *nc, const uint8_t *code, size_t len)
{
    static const uint8_t prologue[] = {
        0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, /* push rbx rbp r12-r15 */
        0x49, 0x89, 0xff,                                           /* mov r15, rdi */
        0x41, 0xff, 0x77, 0x20,                                     /* push [r15+32] */
        0x9d,                                                       /* popfq */
    };
    static const uint8_t epilogue[] = {
        0x9c,                                                       /* pushfq */
        0x41, 0x8f, 0x47, 0x20,                                     /* pop [r15+32] */
        0xfc,                                                       /* cld: the ABI's DF */
        0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, /* pop r15-r12 rbp rbx */
        0xc3,                                                       /* ret */
    };
    nc->size = 4096;
    if (len + 256 > nc->size)
        return false;
    nc->page = mmap(NULL, nc->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
    if (nc->page == MAP_FAILED)
        return false;
    uint8_t *page = nc->page;
    size_t n = 0;
    memcpy(page + n, prologue, sizeof(prologue));
    n += sizeof(prologue);
    n += native_emit_regs(page + n, false);
    memcpy(page + n, code, len);
    n += len;
    n += native_emit_regs(page + n, true);
    memcpy(page + n, epilogue, sizeof(epilogue));
    if (mprotect(page, nc->size, PROT_READ | PROT_EXEC) != 0) {
        munmap(page, nc->size);
        return false;
    }
    return true;
}

/* Runs the compiled code on st.  The caller keeps EFLAGS to the status
 * flags, DF and bit 1 (no TF or AC). */
static inline void native_run(const NativeCode *nc, NativeState *st)
{
    ((void (*)(NativeState *))(void *)nc->page)(st);
}

static inline void native_free(NativeCode *nc)
{
    munmap(nc->page, nc->size);
}

#endif
