/*
 * x87 and FXSAVE memory operands that wrap at the end of their address
 * size, piece by piece.
 *
 * The processor makes a multi-byte x87 operand as a series of smaller
 * accesses, each at the operand's offset plus its position, wrapped at
 * the address size; a piece itself runs on contiguously.  When the
 * operand does not wrap, this is one contiguous range and the thunk runs
 * the host's own instruction on it (translate-fpu.c).  When it does
 * (16-bit addressing past offset 0xffff, 32-bit past 0xffffffff), the
 * host, which runs the thunk in 64-bit mode, cannot: this helper makes
 * the accesses in the processor's order and runs the thunk on a host
 * copy of the image.  Measured on the reference host (docs/i386-fpu.md,
 * "Operands that wrap"):
 *
 *   FLDENV, FNSTENV, FRSTOR, FNSAVE: the environment in 7 pieces of 4
 *   bytes (2 in the 16-bit format), each register as 8 bytes and then 2.
 *   First the first piece and the image's last byte are checked; then
 *   the pieces are made in order.  FRSTOR and FLDENV make FSW and the tag
 *   word take effect as soon as their piece is read, and each register
 *   once its two pieces are, so a fault leaves those; FCW and the
 *   pointers only at the end.  FNSAVE and FNSTENV write each piece as
 *   they go and change the x87 state only at the end.
 *
 *   80-bit operands: 8 bytes and then 2, both checked before anything is
 *   read or written.
 *
 *   FXSAVE, FXRSTOR: the limit of the first 4 bytes, then #GP when
 *   misaligned; aligned, no piece of 16 bytes straddles the wrap.  The image's last byte, then
 *   its first, then every piece is checked before anything is read or
 *   written (288 bytes in 32-bit mode).
 *
 * A piece that runs past the segment limit is #GP (#SS through SS): with
 * 32-bit addressing the piece that straddles offset 0xffffffff always
 * does.  Page faults come from touching each page of a piece in order,
 * first byte first, so cr2 is the processor's: the piece's first byte,
 * or the start of the page it runs into.
 */
#include "targets/i386/fpu-image.h"

#include <string.h>

#include "exec/exec.h"
#include "targets/i386/fpu-thunk.h"
#include "targets/i386/fpu.h"
#include "util/bytes.h"

#define PAGE_SIZE 4096u
#define FX_PIECES (I386_FX_GUEST_SIZE / 16)
#define MAX_PIECES (7 + 16)
#define FSW_ES 0x80u

typedef struct Piece {
    uint16_t at, len;   /* position in the image, bytes */
} Piece;

typedef struct ImageAccess {
    I386CPU *cpu;
    int seg;
    uint32_t offset, mask;   /* the operand's offset; the address size's */
    bool write;
    uintptr_t ra;
} ImageAccess;

unsigned i386_image_size(unsigned kind, bool fmt16)
{
    switch (kind) {
    case I386_IMAGE_FLDENV: case I386_IMAGE_FNSTENV:
        return fmt16 ? I386_FENV16_SIZE : I386_FENV32_SIZE;
    case I386_IMAGE_FRSTOR: case I386_IMAGE_FNSAVE:
        return fmt16 ? I386_FSAVE16_SIZE : I386_FSAVE32_SIZE;
    case I386_IMAGE_LOAD80: case I386_IMAGE_STORE80:
        return 10;
    default:
        return I386_FX_SIZE;
    }
}

/* The pieces in the order the processor makes them. */
static unsigned image_pieces(unsigned kind, bool fmt16, Piece *p)
{
    unsigned n = 0;
    switch (kind) {
    case I386_IMAGE_FLDENV: case I386_IMAGE_FNSTENV:
    case I386_IMAGE_FRSTOR: case I386_IMAGE_FNSAVE: {
        uint16_t unit = fmt16 ? 2 : 4;
        for (uint16_t i = 0; i < 7; i++)
            p[n++] = (Piece){ (uint16_t)(i * unit), unit };
        if (kind == I386_IMAGE_FRSTOR || kind == I386_IMAGE_FNSAVE) {
            for (uint16_t i = 0; i < 8; i++) {
                uint16_t at = (uint16_t)(7 * unit + 10 * i);
                p[n++] = (Piece){ at, 8 };
                p[n++] = (Piece){ (uint16_t)(at + 8), 2 };
            }
        }
        break;
    }
    case I386_IMAGE_LOAD80: case I386_IMAGE_STORE80:
        p[n++] = (Piece){ 0, 8 };
        p[n++] = (Piece){ 8, 2 };
        break;
    default:
        for (uint16_t i = 0; i < FX_PIECES; i++)
            p[n++] = (Piece){ (uint16_t)(16 * i), 16 };
        break;
    }
    return n;
}

/* Touches guest byte lin as the access would (a write that stores
 * nothing new, even with other threads sharing the page); a fault is the
 * guest's, at the calling instruction. */
static void touch(const ImageAccess *a, uint32_t lin)
{
    uint8_t *p = a->cpu->parent.guest_base + lin;
    a->cpu->parent.exec->helper_retaddr = a->ra;
    if (a->write)
        __atomic_fetch_or(p, 0, __ATOMIC_RELAXED);
    else
        (void)*(volatile uint8_t *)p;
    a->cpu->parent.exec->helper_retaddr = 0;
}

/* Checks bytes [at, at + len) of the image (segment, then each page in
 * order); returns the piece's linear address. */
static uint32_t piece_check(const ImageAccess *a, uint32_t at, uint32_t len)
{
    uint32_t off = (a->offset + at) & a->mask;
    int excp = i386_seg_access_fault(a->cpu, a->seg, off, len, a->write);
    if (excp) {
        a->cpu->error_code = 0;
        cpu_raise(&a->cpu->parent, excp, a->ra);
    }
    uint32_t lin = a->cpu->segs[a->seg].base + off;
    touch(a, lin);
    if ((lin & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
        touch(a, (lin | (PAGE_SIZE - 1)) + 1);   /* the next page, 0 after the last */
    return lin;
}

/* Copies a checked piece; linear addresses wrap at 4 GiB byte by byte. */
static void piece_copy(const ImageAccess *a, uint32_t lin, uint8_t *img, uint32_t len)
{
    uint8_t *base = a->cpu->parent.guest_base;
    uint32_t first = PAGE_SIZE - (lin & (PAGE_SIZE - 1));
    if (first > len)
        first = len;
    a->cpu->parent.exec->helper_retaddr = a->ra;
    if (a->write) {
        memcpy(base + lin, img, first);
        memcpy(base + (uint32_t)(lin + first), img + first, len - first);
    } else {
        memcpy(img, base + lin, first);
        memcpy(img + first, base + (uint32_t)(lin + first), len - first);
    }
    a->cpu->parent.exec->helper_retaddr = 0;
}

/* FSW read by FRSTOR/FLDENV: ES and B summarise the exceptions flagged
 * and unmasked by the FCW still in effect; TOP may move while the
 * physical registers stay, and fxstate holds them in ST order. */
static void commit_fsw(uint8_t *fx, uint16_t fsw)
{
    fsw &= 0x7f7f;
    if (fsw & ~ld_le16(fx + I386_FX_FCW) & 0x3f)
        fsw |= 0x8080;
    unsigned old_top = (ld_le16(fx + I386_FX_FSW) >> 11) & 7, top = (fsw >> 11) & 7u;
    if (top != old_top) {
        uint8_t st[8][16];
        memcpy(st, fx + I386_FX_ST0, sizeof(st));
        for (unsigned j = 0; j < 8; j++)
            memcpy(fx + I386_FX_ST0 + 16 * j, st[(top + j - old_top) & 7], 16);
    }
    st_le16(fx + I386_FX_FSW, fsw);
}

/* The full tag word (2 bits per physical register, 3 = empty) as
 * FXSAVE's abridged one. */
static void commit_ftw(uint8_t *fx, uint16_t ftw)
{
    uint8_t abridged = 0;
    for (unsigned i = 0; i < 8; i++)
        if (((ftw >> (2 * i)) & 3) != 3)
            abridged |= (uint8_t)(1u << i);
    fx[I386_FX_FTW] = abridged;
}

/* What FRSTOR/FLDENV has made take effect once piece i of the image is
 * read. */
static void commit_piece(uint8_t *fx, const uint8_t *img, const Piece *p, unsigned i,
                         bool fmt16)
{
    unsigned unit = fmt16 ? 2 : 4;
    if (i == 1)
        commit_fsw(fx, ld_le16(img + unit));
    else if (i == 2)
        commit_ftw(fx, ld_le16(img + 2 * unit));
    else if (i >= 8 && (i - 8) % 2 == 0) {
        unsigned reg = (i - 8) / 2;   /* its second piece: ST(reg) is whole */
        memcpy(fx + I386_FX_ST0 + 16 * reg, img + p[i - 1].at, 10);
        memset(fx + I386_FX_ST0 + 16 * reg + 10, 0, 6);
    }
}

/* The pointers an FLDENV/FRSTOR/FXRSTOR image sets (translate-fpu.c
 * gen_load_env_pointers, i386_trans_fxsave). */
static void load_pointers(uint8_t *fx, const uint8_t *img, unsigned kind, bool fmt16)
{
    uint32_t fop, fip, fcs, fdp, fds;
    if (kind == I386_IMAGE_FXRSTOR) {
        fop = ld_le16(img + I386_FX_FOP) & 0x7ff;
        fip = ld_le32(img + I386_FX_FIP);
        fcs = ld_le16(img + I386_FX_FCS);
        fdp = ld_le32(img + I386_FX_FDP);
        fds = ld_le16(img + I386_FX_FDS);
    } else if (fmt16) {
        fop = 0;   /* the 16-bit image has none: the processor clears it */
        fip = ld_le16(img + I386_FENV16_FIP);
        fcs = ld_le16(img + I386_FENV16_FCS);
        fdp = ld_le16(img + I386_FENV16_FDP);
        fds = ld_le16(img + I386_FENV16_FDS);
    } else {
        fop = ld_le16(img + I386_FENV32_FOP) & 0x7ff;
        fip = ld_le32(img + I386_FENV32_FIP);
        fcs = ld_le16(img + I386_FENV32_FCS);
        fdp = ld_le32(img + I386_FENV32_FDP);
        fds = ld_le16(img + I386_FENV32_FDS);
    }
    if (i386_fpu_host()->fcs_fds_zero)
        fcs = fds = 0;
    st_le16(fx + I386_FX_FOP, (uint16_t)fop);
    st_le32(fx + I386_FX_FIP, fip);
    st_le16(fx + I386_FX_FCS, (uint16_t)fcs);
    st_le32(fx + I386_FX_FDP, fdp);
    st_le16(fx + I386_FX_FDS, (uint16_t)fds);
}

/* The guest's pointers into an FNSTENV/FNSAVE image (the host stored its
 * own: gen_store_env_pointers). */
static void store_pointers(const uint8_t *fx, uint8_t *img, bool fmt16)
{
    if (fmt16) {
        st_le16(img + I386_FENV16_FIP, (uint16_t)ld_le32(fx + I386_FX_FIP));
        st_le16(img + I386_FENV16_FCS, ld_le16(fx + I386_FX_FCS));
        st_le16(img + I386_FENV16_FDP, (uint16_t)ld_le32(fx + I386_FX_FDP));
        st_le16(img + I386_FENV16_FDS, ld_le16(fx + I386_FX_FDS));
    } else {
        st_le32(img + I386_FENV32_FIP, ld_le32(fx + I386_FX_FIP));
        st_le16(img + I386_FENV32_FCS, ld_le16(fx + I386_FX_FCS));
        st_le16(img + I386_FENV32_FOP, ld_le16(fx + I386_FX_FOP));
        st_le32(img + I386_FENV32_FDP, ld_le32(fx + I386_FX_FDP));
        st_le16(img + I386_FENV32_FDS, ld_le16(fx + I386_FX_FDS));
    }
}

static void clear_pointers(uint8_t *fx)
{
    memset(fx + I386_FX_FOP, 0, 2);
    memset(fx + I386_FX_FIP, 0, I386_FX_MXCSR - I386_FX_FIP);
}

void helper_fpu_image_wrapped(CPUState *env, uint32_t what, uint32_t offset, uint32_t mask,
                              uint64_t fn)
{
    I386CPU *cpu = i386_cpu(env);
    uint8_t *fx = cpu->fxstate;
    unsigned kind = what & 15;
    bool fmt16 = (what >> 8) & 1;
    uintptr_t ra = HELPER_RETADDR();
    I386FpuThunk *thunk = (I386FpuThunk *)(uintptr_t)fn;

    if (((what >> 9) & 1) && (ld_le16(fx + I386_FX_FSW) & FSW_ES)) {
        /* A waiting instruction takes a pending unmasked exception
         * before it touches memory. */
        cpu->error_code = 0;
        cpu_raise(env, I386_EXCP_MF, ra);
    }

    bool store = kind == I386_IMAGE_FNSTENV || kind == I386_IMAGE_FNSAVE ||
                 kind == I386_IMAGE_STORE80 || kind == I386_IMAGE_FXSAVE;
    ImageAccess a = { cpu, (int)((what >> 4) & 7), offset, mask, store, ra };
    unsigned size = i386_image_size(kind, fmt16);
    Piece p[MAX_PIECES];
    unsigned n = image_pieces(kind, fmt16, p);
    uint32_t lin[MAX_PIECES];
    uint8_t img[I386_FX_SIZE] __attribute__((aligned(16)));
    memset(img, 0, sizeof(img));

    /* The checks before the pieces. */
    switch (kind) {
    case I386_IMAGE_FXSAVE: case I386_IMAGE_FXRSTOR: {
        /* The limit of the image's first 4 bytes, then the alignment. */
        int excp = i386_seg_access_fault(cpu, a.seg, offset, 4, store);
        if (excp) {
            cpu->error_code = 0;
            cpu_raise(env, excp, ra);
        }
        if ((cpu->segs[a.seg].base + offset) & 15) {
            cpu->error_code = 0;
            cpu_raise(env, I386_EXCP_GP, ra);
        }
        piece_check(&a, size - 1, 1);
        piece_check(&a, 0, 1);
        break;
    }
    case I386_IMAGE_LOAD80: case I386_IMAGE_STORE80:
        break;
    default:
        piece_check(&a, p[0].at, p[0].len);
        piece_check(&a, size - 1, 1);
        break;
    }

    if (!store) {
        bool progressive = kind == I386_IMAGE_FLDENV || kind == I386_IMAGE_FRSTOR;
        if (!progressive) {
            for (unsigned i = 0; i < n; i++)
                lin[i] = piece_check(&a, p[i].at, p[i].len);
        }
        for (unsigned i = 0; i < n; i++) {
            if (progressive)
                lin[i] = piece_check(&a, p[i].at, p[i].len);
            piece_copy(&a, lin[i], img + p[i].at, p[i].len);
            if (progressive)
                commit_piece(fx, img, p, i, fmt16);
        }
        if (kind == I386_IMAGE_FXRSTOR &&
            (ld_le32(img + I386_FX_MXCSR) & ~i386_fpu_host()->mxcsr_mask)) {
            cpu->error_code = 0;
            cpu_raise(env, I386_EXCP_GP, ra);
        }
        thunk(fx, img, 0);
        if (kind != I386_IMAGE_LOAD80)
            load_pointers(fx, img, kind, fmt16);
        return;
    }

    if (kind == I386_IMAGE_STORE80 || kind == I386_IMAGE_FXSAVE) {
        /* All or nothing: every piece is checked before the store. */
        for (unsigned i = 0; i < n; i++)
            lin[i] = piece_check(&a, p[i].at, p[i].len);
        thunk(fx, img, 0);
        for (unsigned i = 0; i < n; i++)
            piece_copy(&a, lin[i], img + p[i].at, p[i].len);
        return;
    }

    /* FNSTENV, FNSAVE: the new state takes effect only once every piece
     * is written. */
    uint8_t next[I386_FX_SIZE] __attribute__((aligned(16)));
    memcpy(next, fx, sizeof(next));
    thunk(next, img, 0);
    store_pointers(fx, img, fmt16);
    for (unsigned i = 0; i < n; i++) {
        uint32_t l = piece_check(&a, p[i].at, p[i].len);
        piece_copy(&a, l, img + p[i].at, p[i].len);
    }
    memcpy(fx, next, sizeof(next));
    if (kind == I386_IMAGE_FNSAVE)
        clear_pointers(fx);
}
