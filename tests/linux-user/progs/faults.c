/*
 * faults: synchronous signals from faulting instructions, and the exact
 * machine state the kernel reports for them.
 *
 * Each fault is a small assembly function (below, one per fault) that
 * loads known values into every general register, sets the arithmetic
 * flags with a cmp, and executes one faulting instruction at a global
 * label NAME_insn.  The handler (SA_SIGINFO) records the signal, si_code,
 * si_addr, the eip and the registers and flags from the ucontext, then
 * siglongjmps back to main, which prints them.  Addresses are printed
 * relative to a known symbol ("insn+0", "page+8") or as small absolute
 * numbers, never as raw pointers, so the output does not depend on where
 * things were loaded.  An emulator passes only if it reports the fault at
 * the right instruction with the guest state exactly as it was before
 * that instruction (precise exceptions), as the real CPU does.
 *
 * Faults: a write to NULL and a read at a small address (SEGV_MAPERR), a
 * write to a read-only page and to the program's own code (SEGV_ACCERR), a
 * jump into a page without execute permission, privileged or invalid-vector
 * instructions (hlt, int $0x40: SI_KERNEL), into and bound; integer
 * division by zero and quotient overflow (FPE_INTDIV); ud2 (ILL_ILLOPN);
 * int3 (SIGTRAP); a read past the end of a file mapping (SIGBUS,
 * BUS_ADRERR); a rep movsb that runs into an unmapped page half-way (ecx,
 * esi and edi show how far it got).  One ud2 is resumed instead: the
 * handler moves eip past it and sets eax in the ucontext, and the
 * function returns that eax.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/*
 * FAULT(name, setup, insn) defines "uint32_t name(uint32_t edx, uint32_t
 * ebp)": it saves the callee-saved registers, sets eax..edi to
 * 0x11111111..0x66666666 except edx and ebp, which take the two
 * arguments, runs setup, sets the flags with "cmp $0x33333333, %eax"
 * unless setup changed them since, and then executes insn at name_insn.
 * If insn does not fault (or the handler resumes after it) the function
 * returns eax.
 */
#define FAULT(name, setup, insn)                                        \
    asm(".text\n"                                                       \
        ".globl " #name "\n.hidden " #name "\n"                         \
        ".type " #name ", @function\n"                                  \
        #name ":\n"                                                     \
        "    pushl %ebp\n    pushl %ebx\n    pushl %esi\n    pushl %edi\n" \
        "    movl 20(%esp), %edx\n"                                     \
        "    movl 24(%esp), %ebp\n"                                     \
        "    movl $0x11111111, %eax\n"                                  \
        "    movl $0x22222222, %ecx\n"                                  \
        "    movl $0x44444444, %ebx\n"                                  \
        "    movl $0x55555555, %esi\n"                                  \
        "    movl $0x66666666, %edi\n"                                  \
        "    cmpl $0x33333333, %eax\n"                                  \
        setup "\n"                                                      \
        ".globl " #name "_insn\n.hidden " #name "_insn\n"               \
        #name "_insn:\n"                                                \
        "    " insn "\n"                                                \
        "    popl %edi\n    popl %esi\n    popl %ebx\n    popl %ebp\n"  \
        "    ret\n"                                                     \
        ".size " #name ", .-" #name "\n");                              \
    uint32_t name(uint32_t edx, uint32_t ebp);                          \
    extern char name##_insn[]

FAULT(write_null, "", "movl $0x1234, 0x0");
FAULT(read_small_address, "", "movl 0x10, %eax");
FAULT(write_readonly_page, "", "movl $7, 8(%edx)");
FAULT(write_own_code, "call 1f\n1: popl %edx\n    cmpl $0x33333333, %eax",
      "movl $0, (%edx)");
FAULT(jump_to_noexec_page, "", "call *%edx");
FAULT(privileged_hlt, "", "hlt");
FAULT(int_0x40, "", "int $0x40");
FAULT(into_overflow, "movl $0x7fffffff, %eax\n    addl $1, %eax", "into");
FAULT(bound_range, "subl $8, %esp\n    movl $10, (%esp)\n    movl $20, 4(%esp)\n"
      "    movl $5, %eax\n    cmpl $0x33333333, %ecx", "bound %eax, (%esp)");
FAULT(divide_by_zero, "movl $0, %ecx\n    movl $7, %eax\n    cltd\n"
      "    cmpl $1, %ecx", "idivl %ecx");
FAULT(divide_overflow, "movl $-1, %ecx\n    movl $0x80000000, %eax\n    cltd\n"
      "    cmpl $2, %ecx", "idivl %ecx");
FAULT(divide_byte_overflow, "movl $0x1000, %eax\n    movl $2, %ecx", "divb %cl");
FAULT(undefined_ud2, "", "ud2");
FAULT(resume_after_ud2, "", "ud2");
FAULT(breakpoint_int3, "", "int3");
FAULT(read_past_file_end, "", "movl (%edx), %eax");
FAULT(rep_movs_into_hole, "movl %edx, %edi\n    movl %ebp, %esi\n    movl $8192, %ecx\n"
      "    cld\n    cmpl $0x33333333, %eax", "rep movsb");

static sigjmp_buf back;
static volatile int resume_mode;

typedef struct Seen {
    int signo, code;
    uintptr_t addr, eip;
    uint32_t regs[7];       /* eax ecx edx ebx esi edi ebp */
    uint32_t flags;
} Seen;

static Seen seen;

static void handler(int signo, siginfo_t *info, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    seen.signo = signo;
    seen.code = info->si_code;
    seen.addr = (uintptr_t)info->si_addr;
    seen.eip = (uintptr_t)g[REG_EIP];
    static const int order[7] = { REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESI, REG_EDI,
                                  REG_EBP };
    for (int i = 0; i < 7; i++)
        seen.regs[i] = (uint32_t)g[order[i]];
    /* CF PF AF ZF SF DF OF: the flags the cmp before each fault defines */
    seen.flags = (uint32_t)g[REG_EFL] & 0xcd5;
    if (resume_mode) {
        g[REG_EIP] += 2;            /* past the ud2 */
        g[REG_EAX] = 0xabcdef01;
        return;
    }
    siglongjmp(back, 1);
}

/* Where an address is, relative to the things this test knows. */
typedef struct Anchor {
    const char *name;
    uintptr_t base;
    uintptr_t size;
} Anchor;

static const char *where(uintptr_t addr, const Anchor *anchors, int n)
{
    static char buf[4][64];
    static int turn;
    char *out = buf[turn++ % 4];
    for (int i = 0; i < n; i++) {
        if (addr >= anchors[i].base - 16 && addr < anchors[i].base + anchors[i].size) {
            long off = (long)(addr - anchors[i].base);
            snprintf(out, 64, "%s%+ld", anchors[i].name, off);
            return out;
        }
    }
    /* Small numbers and values that are not addresses print as they are;
     * so does an address the test did not expect (a failure anyway). */
    snprintf(out, 64, "%#lx", (unsigned long)addr);
    return out;
}

static void report(const char *name, const char *insn, uint32_t a1, uint32_t a2,
                   const Anchor *extra, int nextra)
{
    Anchor anchors[4] = { { "insn", (uintptr_t)insn, 16 } };
    for (int i = 0; i < nextra && i < 3; i++)
        anchors[1 + i] = extra[i];
    printf("%s: %s code=%d addr=%s eip=%s flags=%#x\n", name, sigabbrev_np(seen.signo),
           seen.code, where(seen.addr, anchors, 1 + nextra),
           where(seen.eip, anchors, 1 + nextra), seen.flags);
    static const char *const names[7] = { "eax", "ecx", "edx", "ebx", "esi", "edi", "ebp" };
    printf("   ");
    for (int i = 0; i < 7; i++) {
        uint32_t v = seen.regs[i];
        if (v != 0 && v % 0x11111111 == 0)      /* one of the pattern values */
            printf(" %s=%#x", names[i], v);
        else if (v == a1 && where(v, anchors, 1 + nextra)[0] == '0')
            printf(" %s=arg1", names[i]);
        else if (v == a2 && where(v, anchors, 1 + nextra)[0] == '0')
            printf(" %s=arg2", names[i]);
        else
            printf(" %s=%s", names[i], where(v, anchors, 1 + nextra));
    }
    printf("\n");
    fflush(stdout);
}

#define RUN(fn, a1, a2, extra, nextra)                                     \
    do {                                                                   \
        memset(&seen, 0, sizeof(seen));                                    \
        if (sigsetjmp(back, 1) == 0) {                                     \
            uint32_t r = fn(a1, a2);                                       \
            printf("%s: no fault, returned %#x\n", #fn, r);                \
        } else {                                                           \
            report(#fn, fn##_insn, a1, a2, extra, nextra);                 \
        }                                                                  \
    } while (0)

static void *map(size_t size, int prot)
{
    void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    return p;
}

int main(void)
{
    static const int signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        sigaction(signals[i], &sa, NULL);

    const uint32_t EDX = 0x33333333, EBP = 0x77777777;
    long page = sysconf(_SC_PAGESIZE);

    RUN(write_null, EDX, EBP, NULL, 0);
    RUN(read_small_address, EDX, EBP, NULL, 0);

    char *ro = map(page, PROT_READ);
    Anchor ro_anchor = { "page", (uintptr_t)ro, (uintptr_t)page };
    RUN(write_readonly_page, (uint32_t)(uintptr_t)ro, EBP, &ro_anchor, 1);

    RUN(write_own_code, EDX, EBP, NULL, 0);

    char *nx = map(page, PROT_READ | PROT_WRITE);
    memset(nx, 0xc3, page);                 /* ret, if it ran */
    Anchor nx_anchor = { "page", (uintptr_t)nx, (uintptr_t)page };
    RUN(jump_to_noexec_page, (uint32_t)(uintptr_t)nx, EBP, &nx_anchor, 1);

    RUN(privileged_hlt, EDX, EBP, NULL, 0);
    RUN(int_0x40, EDX, EBP, NULL, 0);
    RUN(into_overflow, EDX, EBP, NULL, 0);
    RUN(bound_range, EDX, EBP, NULL, 0);
    RUN(divide_by_zero, EDX, EBP, NULL, 0);
    RUN(divide_overflow, EDX, EBP, NULL, 0);
    RUN(divide_byte_overflow, EDX, EBP, NULL, 0);
    RUN(undefined_ud2, EDX, EBP, NULL, 0);

    resume_mode = 1;
    uint32_t r = resume_after_ud2(EDX, EBP);
    resume_mode = 0;
    printf("resume_after_ud2: handler moved eip past ud2, function returned %#x\n", r);

    RUN(breakpoint_int3, EDX, EBP, NULL, 0);

    int fd = memfd_create("faults", 0);
    if (fd < 0 || ftruncate(fd, page) != 0) {
        perror("memfd_create");
        return 1;
    }
    char *file = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
    if (file == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    Anchor file_anchor = { "mapping", (uintptr_t)file, 2 * (uintptr_t)page };
    RUN(read_past_file_end, (uint32_t)(uintptr_t)(file + page + 12), EBP, &file_anchor, 1);

    char *dst = map(2 * page, PROT_READ | PROT_WRITE);
    munmap(dst + page, page);
    char *src = map(2 * page, PROT_READ | PROT_WRITE);
    for (long i = 0; i < 2 * page; i++)
        src[i] = (char)i;
    Anchor copy_anchors[2] = { { "dst", (uintptr_t)dst, 2 * (uintptr_t)page },
                               { "src", (uintptr_t)src, 2 * (uintptr_t)page } };
    RUN(rep_movs_into_hole, (uint32_t)(uintptr_t)dst, (uint32_t)(uintptr_t)src,
        copy_anchors, 2);
    printf("rep_movs_into_hole: bytes copied before the fault match the source: %s\n",
           memcmp(dst, src, page) == 0 ? "yes" : "no");
    return 0;
}
