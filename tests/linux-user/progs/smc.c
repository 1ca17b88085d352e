/*
 * smc: self-modifying code.  A translator that caches translated blocks
 * must notice every write to guest code and drop what it translated from
 * it; on x86 no instruction is needed to make new code visible (the CPU
 * snoops stores to code, also to the very next instruction), so programs
 * rely on that.  Each part below changes code and checks that the next
 * execution runs the new version.
 *
 *   1. a generated "mov $imm, %eax; ret" in an mprotect(RWX) buffer,
 *      called, re-patched and called again 1000 times;
 *   2. a generated loop whose body is patched between calls;
 *   3. code that patches the immediate of the instruction right after
 *      the store, in the same block: the patched value must be the one
 *      executed;
 *   4. a loop that rewrites an instruction a few bytes ahead in each
 *      iteration, so every iteration runs a different version;
 *   5. a function in the program's own .text patched after mprotect;
 *   6. a buffer unmapped and mapped again at the same address with
 *      different code (no stale translation may survive);
 *   7. W^X style: a page made writable, rewritten, made read+execute
 *      and run, fifty times over.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef uint32_t (*Fn)(void);

static long page;

static uint8_t *rwx_buffer(size_t size)
{
    /* Allocated writable, then made RWX with mprotect, as JITs do. */
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p, size, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("mmap/mprotect");
        exit(1);
    }
    return p;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* The compiler must not move stores to code past the call that runs it. */
static uint32_t call(const void *code)
{
    __asm__ volatile("" ::: "memory");
    return ((Fn)(uintptr_t)code)();
}

static void patch_immediate(void)
{
    uint8_t *code = rwx_buffer(page);
    code[0] = 0xb8;                 /* mov $imm32, %eax */
    put32(code + 1, 0);
    code[5] = 0xc3;                 /* ret */
    uint32_t sum = 0, first = call(code);
    for (uint32_t i = 1; i <= 1000; i++) {
        put32(code + 1, i * 7919);
        sum += call(code);
    }
    printf("1. re-patched immediate: first %u, sum of 1000 versions %u (expected %u)\n",
           first, sum, 7919u * 500500u);
    munmap(code, page);
}

static void patch_loop_body(void)
{
    uint8_t *code = rwx_buffer(page);
    static const uint8_t loop[] = {
        0x31, 0xc0,                     /* xor %eax,%eax */
        0xb9, 0x64, 0x00, 0x00, 0x00,   /* mov $100,%ecx */
        0x05, 0x01, 0x00, 0x00, 0x00,   /* 1: add $1,%eax    (imm at 8) */
        0x49,                           /* dec %ecx */
        0x75, 0xf8,                     /* jnz 1b */
        0xc3,                           /* ret */
    };
    memcpy(code, loop, sizeof(loop));
    printf("2. loop adding 1 a hundred times: %u\n", call(code));
    put32(code + 8, 3);
    printf("2. after patching the add to 3: %u\n", call(code));
    code[7] = 0x2d;                     /* sub $imm32,%eax */
    printf("2. after patching add into sub: %d\n", (int32_t)call(code));
    munmap(code, page);
}

static void patch_next_instruction(void)
{
    uint8_t *code = rwx_buffer(page);
    uint32_t imm_addr = (uint32_t)(uintptr_t)(code + 11);
    code[0] = 0xc7;                     /* movl $0x600d, imm_addr */
    code[1] = 0x05;
    put32(code + 2, imm_addr);
    put32(code + 6, 0x600d);
    code[10] = 0xb8;                    /* mov $0xbad, %eax: imm at 11 */
    put32(code + 11, 0xbad);
    code[15] = 0xc3;
    printf("3. store into the next instruction: %#x\n", call(code));
    put32(code + 11, 0xbad);
    code[6] = 0x0e;                     /* now it stores 0x600e */
    printf("3. again after resetting it from outside: %#x\n", call(code));
    munmap(code, page);
}

static void patch_ahead_in_loop(void)
{
    uint8_t *code = rwx_buffer(page);
    uint32_t target = (uint32_t)(uintptr_t)(code + 14);
    static const uint8_t body[] = {
        0x31, 0xd2,                     /*  0: xor %edx,%edx */
        0xb9, 0x0a, 0x00, 0x00, 0x00,   /*  2: mov $10,%ecx */
        0xff, 0x05, 0, 0, 0, 0,         /*  7: incl target    (addr at 9) */
        0xb8, 0x00, 0x00, 0x00, 0x00,   /* 13: mov $0,%eax    (imm at 14) */
        0x01, 0xc2,                     /* 18: add %eax,%edx */
        0x49,                           /* 20: dec %ecx */
        0x75, 0xf0,                     /* 21: jnz 7 */
        0x89, 0xd0,                     /* 23: mov %edx,%eax */
        0xc3,                           /* 25: ret */
    };
    memcpy(code, body, sizeof(body));
    put32(code + 9, target);
    printf("4. loop incrementing an immediate ahead of it: %u (expected 55)\n", call(code));
    uint32_t now = code[14];
    uint32_t again = call(code);
    printf("4. the immediate is now %u; running again gives %u (expected 155)\n", now, again);
    munmap(code, page);
}

/* A function of our own, in its own page-aligned section. */
__asm__(".section .text.smc_patchable, \"ax\", @progbits\n"
        ".p2align 12\n"
        ".globl patchable\n"
        ".hidden patchable\n"
        ".type patchable, @function\n"
        "patchable:\n"
        "    movl $1111, %eax\n"
        "    ret\n"
        ".size patchable, .-patchable\n"
        ".p2align 12\n"
        ".text\n");
uint32_t patchable(void);

static void patch_own_text(void)
{
    uint8_t *fn = (uint8_t *)(uintptr_t)patchable;
    uint8_t *start = (uint8_t *)((uintptr_t)fn & ~(uintptr_t)(page - 1));
    printf("5. own function before: %u\n", call(fn));
    if (mprotect(start, page, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("mprotect");
        exit(1);
    }
    put32(fn + 1, 2222);
    printf("5. after patching it in place: %u\n", call(fn));
    put32(fn + 1, 3333);
    mprotect(start, page, PROT_READ | PROT_EXEC);
    printf("5. after patching again and restoring r-x: %u\n", call(fn));
}

static void remap_same_address(void)
{
    uint8_t *code = rwx_buffer(page);
    code[0] = 0xb8;
    put32(code + 1, 41);
    code[5] = 0xc3;
    printf("6. first mapping: %u\n", call(code));
    munmap(code, page);
    uint8_t *again = mmap(code, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (again != code) {
        perror("mmap MAP_FIXED");
        exit(1);
    }
    again[0] = 0xb8;
    put32(again + 1, 42);
    again[5] = 0xc3;
    printf("6. new mapping at the same address: %u\n", call(again));
    munmap(again, page);
}

static void toggle_protection(void)
{
    uint8_t *code = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                         -1, 0);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 50; i++) {
        mprotect(code, page, PROT_READ | PROT_WRITE);
        code[0] = 0xb8;
        put32(code + 1, i * i);
        code[5] = 0xc3;
        mprotect(code, page, PROT_READ | PROT_EXEC);
        sum += call(code);
    }
    printf("7. W^X toggling, 50 versions: sum %u (expected %u)\n", sum, 40425u);
    munmap(code, page);
}

int main(void)
{
    page = sysconf(_SC_PAGESIZE);
    patch_immediate();
    patch_loop_body();
    patch_next_instruction();
    patch_ahead_in_loop();
    patch_own_text();
    remap_same_address();
    toggle_protection();
    return 0;
}
