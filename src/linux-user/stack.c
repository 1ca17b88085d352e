/*
 * The initial stack of a new program, laid out as Linux's exec does for
 * a 32-bit process (fs/exec.c copy_strings, fs/binfmt_elf.c
 * create_elf_tables), from the top of the stack down:
 *
 *     GUEST_STACK_TOP - 4    a zero word
 *                            the file name (AT_EXECFN points here)
 *                            the environment strings, envp[0] lowest
 *                            the argument strings, argv[0] lowest
 *     (16-byte aligned)      "i686" (AT_PLATFORM)
 *                            16 random bytes (AT_RANDOM)
 *     (16-byte aligned) esp: argc, argv[0..argc-1], 0, envp[...], 0,
 *                            auxv pairs ending with AT_NULL
 *
 * esp is the 16-byte aligned address Linux computes (STACK_ROUND over
 * the whole table), so a program sees the same alignment as natively.
 * Randomization is off, as with `setarch -R`.  The auxiliary vector has
 * no AT_SYSINFO/AT_SYSINFO_EHDR (no vDSO: glibc then makes system calls
 * with INT 0x80).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "linux-user/user-internal.h"

#define AUXV_MAX 24

static const char platform[] = "i686";

int linux_setup_stack(GuestSpace *gs, const LinuxImage *img, const LinuxStackArgs *args,
                      uint32_t *sp_out, uint32_t *auxv_addr, uint32_t *auxv_len)
{
    uint32_t top = GUEST_STACK_TOP;
    uint32_t bottom = top - LINUX_STACK_SIZE;
    int prot = PROT_READ | PROT_WRITE | (img->exec_stack ? PROT_EXEC : 0);
    int64_t r = guest_mmap(gs, bottom, LINUX_STACK_SIZE, prot,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    if (r < 0)
        return (int)r;

    /* Strings: Linux allows a quarter of the stack limit for them. */
    uint64_t strings = 4 + strlen(args->execfn) + 1;
    for (int i = 0; i < args->argc; i++)
        strings += strlen(args->argv[i]) + 1;
    for (int i = 0; i < args->envc; i++)
        strings += strlen(args->envp[i]) + 1;
    uint64_t words = 1 + (uint64_t)args->argc + 1 + (uint64_t)args->envc + 1 + 2 * AUXV_MAX;
    if (strings + words * 4 + 64 > LINUX_STACK_SIZE / 4)
        return -E2BIG;

    uint32_t *argv_addr = malloc(sizeof(uint32_t) * ((size_t)args->argc + 1));
    uint32_t *envp_addr = malloc(sizeof(uint32_t) * ((size_t)args->envc + 1));
    if (!argv_addr || !envp_addr) {
        free(argv_addr);
        free(envp_addr);
        return -ENOMEM;
    }

    /* The stack was just mapped writable and holds no code: plain
     * copies into it are safe. */
    uint32_t p = top - 4;
    memset(g2h(gs, p), 0, 4);
    size_t n = strlen(args->execfn) + 1;
    p -= (uint32_t)n;
    memcpy(g2h(gs, p), args->execfn, n);
    uint32_t execfn = p;

    size_t env_total = 0, arg_total = 0;
    for (int i = 0; i < args->envc; i++)
        env_total += strlen(args->envp[i]) + 1;
    for (int i = 0; i < args->argc; i++)
        arg_total += strlen(args->argv[i]) + 1;
    p -= (uint32_t)env_total;
    uint32_t q = p;
    for (int i = 0; i < args->envc; i++) {
        n = strlen(args->envp[i]) + 1;
        memcpy(g2h(gs, q), args->envp[i], n);
        envp_addr[i] = q;
        q += (uint32_t)n;
    }
    p -= (uint32_t)arg_total;
    q = p;
    for (int i = 0; i < args->argc; i++) {
        n = strlen(args->argv[i]) + 1;
        memcpy(g2h(gs, q), args->argv[i], n);
        argv_addr[i] = q;
        q += (uint32_t)n;
    }

    p &= ~15u;   /* arch_align_stack, without the random offset */
    p -= sizeof(platform);
    memcpy(g2h(gs, p), platform, sizeof(platform));
    uint32_t platform_addr = p;
    p -= 16;
    memcpy(g2h(gs, p), args->random16, 16);
    uint32_t random_addr = p;

    uint32_t auxv[2 * AUXV_MAX];
    unsigned na = 0;
#define AUX(k, v) (auxv[na++] = (k), auxv[na++] = (v))
    AUX(AT_HWCAP_, args->hwcap);
    AUX(AT_PAGESZ_, GUEST_PAGE_SIZE);
    AUX(AT_CLKTCK_, 100);
    AUX(AT_PHDR_, img->phdr);
    AUX(AT_PHENT_, 32);
    AUX(AT_PHNUM_, img->phnum);
    AUX(AT_BASE_, img->interp_base);
    AUX(AT_FLAGS_, 0);
    AUX(AT_ENTRY_, img->entry);
    AUX(AT_UID_, args->uid);
    AUX(AT_EUID_, args->euid);
    AUX(AT_GID_, args->gid);
    AUX(AT_EGID_, args->egid);
    AUX(AT_SECURE_, 0);
    AUX(AT_RANDOM_, random_addr);
    AUX(AT_HWCAP2_, 0);
    AUX(AT_EXECFN_, execfn);
    AUX(AT_PLATFORM_, platform_addr);
    AUX(AT_NULL_, 0);
#undef AUX

    /* STACK_ADD(p, ei_index) then STACK_ROUND(sp, items). */
    uint32_t items = (uint32_t)(args->argc + 1) + (uint32_t)(args->envc + 1) + 1;
    uint32_t sp = (p - na * 4 - items * 4) & ~15u;

    uint32_t w = sp;
    uint32_t v = (uint32_t)args->argc;
    memcpy(g2h(gs, w), &v, 4);
    w += 4;
    for (int i = 0; i < args->argc; i++, w += 4)
        memcpy(g2h(gs, w), &argv_addr[i], 4);
    memset(g2h(gs, w), 0, 4);
    w += 4;
    for (int i = 0; i < args->envc; i++, w += 4)
        memcpy(g2h(gs, w), &envp_addr[i], 4);
    memset(g2h(gs, w), 0, 4);
    w += 4;
    *auxv_addr = w;
    *auxv_len = na * 4;
    memcpy(g2h(gs, w), auxv, na * 4);

    free(argv_addr);
    free(envp_addr);
    *sp_out = sp;
    return 0;
}
