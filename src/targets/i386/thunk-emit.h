/*
 * Byte emission shared by the x87 and SSE thunk generators
 * (fpu-thunk.c, sse-thunk.c): the buffer cursor and the sequences both
 * wrap around an instruction that runs on the guest's whole x87 state.
 */
#ifndef MIMIC_TARGETS_I386_THUNK_EMIT_H
#define MIMIC_TARGETS_I386_THUNK_EMIT_H

#include <stdint.h>
#include <string.h>

typedef struct Emit {
    uint8_t *p;
} Emit;

static inline void emit(Emit *e, const char *bytes, unsigned n)
{
    memcpy(e->p, bytes, n);
    e->p += n;
}
#define EMIT(e, s) emit((e), (s), sizeof(s) - 1)

/* The guest's x87/SSE image at rdi into the host unit, keeping its
 * last-instruction pointers (bytes 6-23: FOP, FIP, FCS, FDP, FDS) in
 * r8, r9, r10, since the host's FXSAVE would replace them with its own. */
static inline void emit_x87_load(Emit *e)
{
    EMIT(e, "\x4c\x8b\x47\x08");                       /* mov r8, [rdi+8] */
    EMIT(e, "\x4c\x8b\x4f\x10");                       /* mov r9, [rdi+16] */
    EMIT(e, "\x44\x0f\xb7\x57\x06");                   /* movzx r10d, word [rdi+6] */
    EMIT(e, "\x0f\xae\x0f");                           /* fxrstor [rdi] */
}

/* The host unit back into the image, with the guest's pointers. */
static inline void emit_x87_save(Emit *e)
{
    EMIT(e, "\x0f\xae\x07");                           /* fxsave [rdi] */
    EMIT(e, "\x4c\x89\x47\x08");                       /* mov [rdi+8], r8 */
    EMIT(e, "\x4c\x89\x4f\x10");                       /* mov [rdi+16], r9 */
    EMIT(e, "\x66\x44\x89\x57\x06");                   /* mov [rdi+6], r10w */
}

/* FNINIT when the image at rdi has an unmasked exception pending
 * (FSW.ES): FLDCW and EMMS, which restore the ABI's x87 state in a cycle,
 * are waiting instructions and would raise it. */
static inline void emit_x87_clear_pending(Emit *e)
{
    EMIT(e, "\xf6\x47\x02\x80");                       /* test byte [rdi+2], 0x80 */
    EMIT(e, "\x74\x02");                               /* jz 1f */
    EMIT(e, "\xdb\xe3");                               /* fninit; 1: */
}

#endif
