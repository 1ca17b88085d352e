/*
 * test-i386 section x87edge: x87 and FXSAVE memory operands that the
 * processor makes in pieces (FLDENV, FNSTENV, FRSTOR, FNSAVE in both
 * image formats, FLD/FSTP m80, FBLD/FBSTP, FXRSTOR, FXSAVE), placed k
 * bytes before an edge for every k:
 *
 *   page       a page boundary into a PROT_NONE page (32-bit addressing)
 *   a16page    the same through FS with 16-bit addressing, no wrap
 *   a16wrap    offset 0x10000 - k with 16-bit addressing: the operand
 *              wraps to offset 0; everything accessible
 *   a16low     the same with the page at offset 0 and the one past
 *              0xffff PROT_NONE
 *   a16high    the same with only the page past 0xffff PROT_NONE
 *   a16limit   a16wrap through a segment whose limit is 0xffff
 *   4gflat     offset 2^32 - k through DS (the top pages are never user
 *              pages)
 *   4gss       the same through SS (#SS rather than #GP for the limit)
 *   4gfs       offset 2^32 - k through FS based on a mapped page: the
 *              linear addresses wrap onto memory
 *
 * Each case starts from x87 state A, with the image of state B in
 * memory for the loads, and prints the fault (trap number, error code,
 * cr2 for a page fault), which parts of the x87 state are A's or B's (or
 * their value), and a hash of the memory around the edge.  The fuzzer
 * found mimic differing here (docs/fuzz-insn.md, findings 9-11); the
 * rules the host follows are in docs/i386-fpu.md.  Memory and code are
 * at fixed addresses, so the pointers and cr2 are the same natively and
 * under mimic.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

void sec_x87edge(void);

#define CODE_ADDR 0x3f000000u
#define PAGE_ADDR 0x40000000u    /* two pages, the second PROT_NONE */
#define WRAP_ADDR 0x41000000u    /* 0x11000 bytes: a 64 KiB segment and the page past it */
#define WRAP4_ADDR 0x42000000u   /* three pages; the FS base of 4gfs is the middle one */
#define LDT_ENTRY 0
#define LDT_FS ((LDT_ENTRY << 3) | 7)

static volatile unsigned long edge_cr2, edge_trap, edge_err;
static volatile int edge_faulted;
static int edge_skip;

static void edge_on_signal(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)sig;
    (void)si;
    edge_faulted = 1;
    edge_cr2 = uc->uc_mcontext.cr2;
    edge_trap = uc->uc_mcontext.gregs[REG_TRAPNO];
    edge_err = uc->uc_mcontext.gregs[REG_ERR];
    uc->uc_mcontext.gregs[REG_EIP] += edge_skip;
}

static uint8_t fx_a[512] __attribute__((aligned(16)));
static uint8_t fx_b[512] __attribute__((aligned(16)));
static uint8_t fx_r[512] __attribute__((aligned(16)));
static uint8_t img32[108], img16[94];

static void fx_load(const uint8_t *fx)
{
    __asm__ volatile("fxrstor %0" : : "m"(*(const uint8_t(*)[512])fx));
}

static void fx_store(uint8_t *fx)
{
    __asm__ volatile("fxsave %0" : "=m"(*(uint8_t(*)[512])fx));
}

/* A state: TOP, register contents from pat, FCW, one empty register, and
 * (flagged) an unmasked-looking exception flag with the pointers set. */
static void make_state(uint8_t *fx, int top, uint8_t pat, uint16_t fcw, uint16_t flags,
                       uint32_t ptr)
{
    memset(fx, 0, 512);
    *(uint16_t *)(fx + 0) = fcw;
    *(uint16_t *)(fx + 2) = (uint16_t)(top << 11 | flags);
    fx[4] = (uint8_t)(0xff & ~(1u << (pat & 7)));
    *(uint16_t *)(fx + 6) = (uint16_t)(ptr & 0x7ff);
    *(uint32_t *)(fx + 8) = ptr;
    *(uint32_t *)(fx + 16) = ptr ^ 0x5a5a5a5a;
    for (int i = 0; i < 8; i++) {
        uint8_t *r = fx + 32 + 16 * i;
        for (int j = 0; j < 8; j++)
            r[j] = (uint8_t)(pat + i * 16 + j);
        r[7] |= 0x80;
        r[8] = (uint8_t)(pat + i);
        r[9] = 0x3f;
    }
    *(uint32_t *)(fx + 24) = 0x1f80;
}

static uint32_t fnv(const uint8_t *p, size_t n, uint32_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Which state each field of fx_r came from. */
static void print_state(void)
{
    static const char *const name[] = { "fcw", "fsw", "ftw", "fop", "fip", "fdp" };
    static const int off[] = { 0, 2, 4, 6, 8, 16 }, size[] = { 2, 2, 1, 2, 4, 4 };
    for (int i = 0; i < 6; i++) {
        uint32_t r = 0, a = 0, b = 0;
        memcpy(&r, fx_r + off[i], (size_t)size[i]);
        memcpy(&a, fx_a + off[i], (size_t)size[i]);
        memcpy(&b, fx_b + off[i], (size_t)size[i]);
        if (r == a)
            printf(" %s=A", name[i]);
        else if (r == b)
            printf(" %s=B", name[i]);
        else
            printf(" %s=%x", name[i], r);
    }
    /* Physical registers: FXSAVE stores them in ST order. */
    int top_r = (*(uint16_t *)(fx_r + 2) >> 11) & 7, top_a = (*(uint16_t *)(fx_a + 2) >> 11) & 7;
    int top_b = (*(uint16_t *)(fx_b + 2) >> 11) & 7;
    printf(" R=");
    for (int p = 0; p < 8; p++) {
        const uint8_t *r = fx_r + 32 + 16 * ((p - top_r) & 7);
        const uint8_t *a = fx_a + 32 + 16 * ((p - top_a) & 7);
        const uint8_t *b = fx_b + 32 + 16 * ((p - top_b) & 7);
        putchar(!memcmp(r, a, 10) ? 'A' : !memcmp(r, b, 10) ? 'B' : '?');
    }
    printf(" regs=%08x", fnv(fx_r + 32, 128, 2166136261u));
}

typedef struct EdgeOp {
    const char *name;
    uint8_t code[3];
    int len, size;
    int store;
} EdgeOp;

/* The operand at [esi] (mod 00 rm 110), or [si] with 67h (rm 100). */
static const EdgeOp edge_ops[] = {
    { "frstor", { 0xdd, 0x26 }, 2, 108, 0 },
    { "frstor16", { 0x66, 0xdd, 0x26 }, 3, 94, 0 },
    { "fldenv", { 0xd9, 0x26 }, 2, 28, 0 },
    { "fldenv16", { 0x66, 0xd9, 0x26 }, 3, 14, 0 },
    { "fnsave", { 0xdd, 0x36 }, 2, 108, 1 },
    { "fnsave16", { 0x66, 0xdd, 0x36 }, 3, 94, 1 },
    { "fnstenv", { 0xd9, 0x36 }, 2, 28, 1 },
    { "fnstenv16", { 0x66, 0xd9, 0x36 }, 3, 14, 1 },
    { "fld80", { 0xdb, 0x2e }, 2, 10, 0 },
    { "fstp80", { 0xdb, 0x3e }, 2, 10, 1 },
    { "fbld", { 0xdf, 0x26 }, 2, 10, 0 },
    { "fbstp", { 0xdf, 0x36 }, 2, 10, 1 },
    { "fxrstor", { 0x0f, 0xae, 0x0e }, 3, 512, 0 },
    { "fxsave", { 0x0f, 0xae, 0x06 }, 3, 512, 1 },
};

enum {
    M_PAGE, M_A16PAGE, M_A16WRAP, M_A16LOW, M_A16HIGH, M_A16LIMIT, M_4GFLAT, M_4GSS, M_4GFS,
    M_NB
};
static const char *const mode_name[M_NB] = {
    "page", "a16page", "a16wrap", "a16low", "a16high", "a16limit", "4gflat", "4gss", "4gfs",
};

static int set_fs(uint32_t base, uint32_t limit, int pages)
{
    struct user_desc d;
    memset(&d, 0, sizeof(d));
    d.entry_number = LDT_ENTRY;
    d.base_addr = base;
    d.limit = limit;
    d.seg_32bit = 1;
    d.limit_in_pages = (unsigned)pages;
    d.useable = 1;
    if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)))
        return -1;
    __asm__ volatile("mov %0, %%fs" : : "r"(LDT_FS));
    return 0;
}

/* The image of state B an operation loads. */
static const uint8_t *load_image(const EdgeOp *op)
{
    switch (op->size) {
    case 108: case 28: return img32;
    case 94: case 14: return img16;
    case 512: return fx_b;
    default: return img32 + 28;   /* ST(0) of B */
    }
}

static void map_fixed(uint32_t addr, uint32_t len)
{
    if (mmap((void *)addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0) != (void *)addr) {
        printf("x87edge: cannot map %#x\n", addr);
        exit(1);
    }
}

/* Sets up the memory and FS of mode m; returns the segment base the
 * offset is relative to. */
static uint32_t setup_mode(int m)
{
    munmap((void *)PAGE_ADDR, 0x2000);
    munmap((void *)WRAP_ADDR, 0x11000);
    munmap((void *)WRAP4_ADDR, 0x3000);
    switch (m) {
    case M_PAGE:
        map_fixed(PAGE_ADDR, 0x2000);
        mprotect((void *)(PAGE_ADDR + 0x1000), 0x1000, PROT_NONE);
        return 0;
    case M_A16PAGE:
        map_fixed(PAGE_ADDR, 0x2000);
        mprotect((void *)(PAGE_ADDR + 0x1000), 0x1000, PROT_NONE);
        set_fs(PAGE_ADDR + 0x1000 - 0x8000, 0xfffff, 1);
        return PAGE_ADDR + 0x1000 - 0x8000;
    case M_A16WRAP: case M_A16LOW: case M_A16HIGH: case M_A16LIMIT:
        map_fixed(WRAP_ADDR, 0x11000);
        if (m == M_A16LOW)
            mprotect((void *)WRAP_ADDR, 0x1000, PROT_NONE);
        if (m == M_A16LOW || m == M_A16HIGH)
            mprotect((void *)(WRAP_ADDR + 0x10000), 0x1000, PROT_NONE);
        if (m == M_A16LIMIT)
            set_fs(WRAP_ADDR, 0xffff, 0);
        else
            set_fs(WRAP_ADDR, 0xfffff, 1);
        return WRAP_ADDR;
    case M_4GFLAT: case M_4GSS:
        return 0;
    default:
        map_fixed(WRAP4_ADDR, 0x3000);
        set_fs(WRAP4_ADDR + 0x1000, 0xfffff, 1);
        return WRAP4_ADDR + 0x1000;
    }
}

/* The memory a case may write, hashed after it. */
static uint32_t hash_memory(int m)
{
    switch (m) {
    case M_PAGE: case M_A16PAGE:
        return fnv((const uint8_t *)PAGE_ADDR, 0x1000, 2166136261u);
    case M_A16WRAP: case M_A16LIMIT:
        return fnv((const uint8_t *)WRAP_ADDR, 0x11000, 2166136261u);
    case M_A16LOW:
        return fnv((const uint8_t *)(WRAP_ADDR + 0x1000), 0xf000, 2166136261u);
    case M_A16HIGH:
        return fnv((const uint8_t *)WRAP_ADDR, 0x10000, 2166136261u);
    case M_4GFLAT: case M_4GSS:
        return 0;
    default:
        return fnv((const uint8_t *)WRAP4_ADDR, 0x3000, 2166136261u);
    }
}

static void fill_memory(int m)
{
    switch (m) {
    case M_PAGE: case M_A16PAGE:
        memset((void *)PAGE_ADDR, 0xcc, 0x1000);
        break;
    case M_A16WRAP: case M_A16LIMIT:
        memset((void *)WRAP_ADDR, 0xcc, 0x11000);
        break;
    case M_A16LOW:
        memset((void *)(WRAP_ADDR + 0x1000), 0xcc, 0xf000);
        break;
    case M_A16HIGH:
        memset((void *)WRAP_ADDR, 0xcc, 0x10000);
        break;
    case M_4GFLAT: case M_4GSS:
        break;
    default:
        memset((void *)WRAP4_ADDR, 0xcc, 0x3000);
        break;
    }
}

/* Writes the image at offset off of the segment based at base, wrapped at
 * mask, where the mode has memory. */
static void place_image(int m, uint32_t base, uint32_t off, uint32_t mask, const uint8_t *img,
                        int size)
{
    for (int i = 0; i < size; i++) {
        uint32_t a = base + ((off + (uint32_t)i) & mask);
        int ok;
        switch (m) {
        case M_PAGE: case M_A16PAGE:
            ok = a >= PAGE_ADDR && a < PAGE_ADDR + 0x1000;
            break;
        case M_A16WRAP: case M_A16LIMIT:
            ok = a >= WRAP_ADDR && a < WRAP_ADDR + 0x11000;
            break;
        case M_A16LOW:
            ok = a >= WRAP_ADDR + 0x1000 && a < WRAP_ADDR + 0x10000;
            break;
        case M_A16HIGH:
            ok = a >= WRAP_ADDR && a < WRAP_ADDR + 0x10000;
            break;
        case M_4GFLAT: case M_4GSS:
            ok = 0;
            break;
        default:
            ok = a >= WRAP4_ADDR && a < WRAP4_ADDR + 0x3000;
            break;
        }
        if (ok)
            *(uint8_t *)a = img[i];
    }
}

static void run_mode(int m, uint8_t *code)
{
    uint32_t base = setup_mode(m);
    int a16 = m >= M_A16PAGE && m <= M_A16LIMIT;
    uint32_t mask = a16 ? 0xffffu : 0xffffffffu;
    for (unsigned o = 0; o < sizeof(edge_ops) / sizeof(edge_ops[0]); o++) {
        const EdgeOp *op = &edge_ops[o];
        int pl = 0;
        if (m == M_4GSS)
            code[pl++] = 0x36;   /* SS */
        else if (m != M_PAGE && m != M_4GFLAT)
            code[pl++] = 0x64;   /* FS */
        if (a16)
            code[pl++] = 0x67;
        memcpy(code + pl, op->code, (size_t)op->len);
        if (a16)
            code[pl + op->len - 1] = (uint8_t)((code[pl + op->len - 1] & ~7) | 4);
        code[pl + op->len] = 0xc3;
        edge_skip = pl + op->len;
        /* FXSAVE/FXRSTOR at aligned distances, and every distance near
         * 4 GiB (the limit check of the start comes before alignment). */
        int is4g = m == M_4GFLAT || m == M_4GSS || m == M_4GFS;
        int fx = op->size == 512;
        for (int k = fx && !is4g ? 16 : 1; k < op->size; k += fx && !(is4g && k < 48) ? 16 : 1) {
            uint32_t off;
            if (m == M_PAGE)
                off = PAGE_ADDR + 0x1000 - (uint32_t)k;
            else if (m == M_A16PAGE)
                off = 0x8000 - (uint32_t)k;
            else if (a16)
                off = 0x10000 - (uint32_t)k;
            else
                off = 0u - (uint32_t)k;
            fill_memory(m);
            if (!op->store)
                place_image(m, base, off, mask, load_image(op), op->size);
            uint32_t before = hash_memory(m);
            edge_faulted = 0;
            fx_load(fx_a);
            __asm__ volatile("call *%0" : : "r"(code), "S"(off) : "memory", "eax", "ecx", "edx");
            fx_store(fx_r);
            __asm__ volatile("fninit");
            printf("%s %s k=%d", mode_name[m], op->name, k);
            if (edge_faulted) {
                printf(" trap %lu err %lx", edge_trap, edge_err);
                if (edge_trap == 14)
                    printf(" cr2 %08lx", edge_cr2);
            } else {
                printf(" ok");
            }
            print_state();
            uint32_t after = hash_memory(m);
            if (after != before)
                printf(" mem=%08x", after);
            putchar('\n');
        }
    }
}

/* Wrapping operands with an unmasked exception pending: the waiting
 * instructions (all but FNSAVE, FNSTENV, FXSAVE, FXRSTOR) take #MF
 * before they touch memory. */
static void run_pending(uint8_t *code)
{
    uint32_t base = setup_mode(M_A16WRAP);
    static uint8_t fx_p[512] __attribute__((aligned(16)));
    memcpy(fx_p, fx_a, sizeof(fx_p));
    *(uint16_t *)(fx_p + 0) = 0x037e;                  /* IM unmasked */
    *(uint16_t *)(fx_p + 2) |= 0x0081;                 /* IE and ES */
    for (unsigned o = 0; o < sizeof(edge_ops) / sizeof(edge_ops[0]); o++) {
        const EdgeOp *op = &edge_ops[o];
        int pl = 0;
        code[pl++] = 0x64;
        code[pl++] = 0x67;
        memcpy(code + pl, op->code, (size_t)op->len);
        code[pl + op->len - 1] = (uint8_t)((code[pl + op->len - 1] & ~7) | 4);
        code[pl + op->len] = 0xc3;
        edge_skip = pl + op->len;
        uint32_t off = 0x10000 - (op->size == 512 ? 16u : 5u);
        fill_memory(M_A16WRAP);
        if (!op->store)
            place_image(M_A16WRAP, base, off, 0xffff, load_image(op), op->size);
        edge_faulted = 0;
        fx_load(fx_p);
        __asm__ volatile("call *%0" : : "r"(code), "S"(off) : "memory", "eax", "ecx", "edx");
        fx_store(fx_r);
        __asm__ volatile("fninit");
        printf("pending %s", op->name);
        if (edge_faulted)
            printf(" trap %lu", edge_trap);
        else
            printf(" ok");
        printf(" fsw=%04x mem=%08x\n", *(uint16_t *)(fx_r + 2), hash_memory(M_A16WRAP));
    }
}

void sec_x87edge(void)
{
    struct sigaction sa, old_segv, old_bus, old_fpe;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = edge_on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    sigaction(SIGFPE, &sa, &old_fpe);
    uint8_t *code = mmap((void *)CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (code != (void *)CODE_ADDR) {
        printf("x87edge: cannot map code\n");
        exit(1);
    }

    /* A: TOP 6, FCW 0x37f, a masked exception flagged (nothing pending:
     * the waiting instructions must reach memory); B: TOP 3, FCW 0xb7f,
     * ES set in its FSW (FRSTOR's partial FSW gets ES from A's FCW),
     * other pointers.  B's images are B's own FNSAVE. */
    make_state(fx_a, 6, 0x11, 0x037f, 0x0002, 0x11111111);
    make_state(fx_b, 3, 0x22, 0x0b7f, 0x0181, 0x12345678);
    fx_load(fx_b);
    __asm__ volatile("fnsave %0" : "=m"(img32));
    fx_load(fx_b);
    __asm__ volatile("data16 fnsave %0" : "=m"(img16));
    fx_load(fx_b);
    fx_store(fx_b);
    fx_load(fx_a);
    fx_store(fx_a);

    for (int m = 0; m < M_NB; m++)
        run_mode(m, code);
    run_pending(code);

    munmap(code, 4096);
    munmap((void *)PAGE_ADDR, 0x2000);
    munmap((void *)WRAP_ADDR, 0x11000);
    munmap((void *)WRAP4_ADDR, 0x3000);
    __asm__ volatile("mov %0, %%fs" : : "r"(0));
    fx_load(fx_a);
    __asm__ volatile("fninit");
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    sigaction(SIGFPE, &old_fpe, NULL);
}
