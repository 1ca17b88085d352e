/*
 * i386-oracle: runs i386 test cases natively on the host CPU.
 *
 * Built as a 32-bit static program (gcc -m32 -static, tests/oracle/
 * oracle.mk).  oracle-proto.h describes a case and its result.
 *
 *   i386-oracle --serve
 *       reads OracleCase structures from stdin until EOF and writes one
 *       OracleResult for each to stdout (what oracle-client.c drives);
 *   i386-oracle HEXBYTES [REG=VALUE ...] [es=ldt] [fs=ldt]
 *       runs one case and prints its final state: for looking at what
 *       the host does by hand.  REG is eax..edi or eflags; VALUE is hex.
 *
 * How a case runs: the code is copied into an executable page at
 * ORACLE_CODE_ADDR and followed by HLT; oracle_enter loads the x87/SSE
 * state (FXRSTOR, first, since no C code may run after it), ES, FS,
 * EFLAGS and the eight registers (ESP last but one, EAX last, since it
 * addresses the input) and jumps to it.  Whatever ends the case is a
 * synchronous exception (the HLT's #GP at the end, or a fault on the
 * way), delivered as a signal on an alternate stack because the case's
 * ESP can be anything; the handler copies the interrupted state out of
 * the ucontext and siglongjmps back to the loop.  The kernel's
 * sigcontext gives the vector (trapno) and cr2 as the CPU reported them,
 * and its FP area the x87/SSE state at that point: the handler itself
 * runs with a fresh FPU, so the state can only be taken from the frame.
 * In a 32-bit frame that area is the FNSAVE-format header (112 bytes)
 * followed by the FXSAVE image, when the header's magic says FXSR.
 */
#define _GNU_SOURCE 1
#include <asm/ldt.h>
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include "oracle-proto.h"

#if !defined(__i386__)
#error "the oracle runs the cases natively: build it with -m32"
#endif

#define VEC_GP 13
#define VEC_PF 14
#define HLT 0xf4

/* What oracle_enter loads; read by its assembly by offset. */
typedef struct EntryState {
    uint32_t regs[8];      /* 0..28 */
    uint32_t eflags;       /* 32 */
    uint32_t es, fs;       /* 36, 40 */
} EntryState;

EntryState oracle_in;
/* What FXRSTOR loads: the case's image, 16-byte aligned as it requires. */
uint8_t oracle_fx[512] __attribute__((aligned(16)));
const uint32_t oracle_code_addr __attribute__((used)) = ORACLE_CODE_ADDR;

void oracle_enter(void) __attribute__((noreturn));
__asm__(
    ".text\n"
    ".globl oracle_enter\n"
    "oracle_enter:\n"
    "    fxrstor oracle_fx\n"
    "    movw oracle_in+36, %es\n"
    "    movw oracle_in+40, %fs\n"
    "    pushl oracle_in+32\n"
    "    popfl\n"
    "    movl oracle_in+4, %ecx\n"
    "    movl oracle_in+8, %edx\n"
    "    movl oracle_in+12, %ebx\n"
    "    movl oracle_in+20, %ebp\n"
    "    movl oracle_in+24, %esi\n"
    "    movl oracle_in+28, %edi\n"
    "    movl oracle_in+16, %esp\n"
    "    movl oracle_in+0, %eax\n"
    "    jmp *oracle_code_addr\n");

static sigjmp_buf case_jmp;
static volatile sig_atomic_t timed_out;
static OracleResult result;
static uint8_t *code_page;
static uint8_t *window;
static uint8_t initial[ORACLE_DATA_SIZE];
static uint16_t flat_ds;
static uint32_t host_mxcsr_mask;

/* The kernel's 32-bit FP frame: FNSAVE header, then (magic 0) FXSAVE. */
#define FPFRAME_MAGIC_OFF 110
#define FPFRAME_FXSR_MAGIC 0x0000
#define FPFRAME_FX_OFF 112

static void on_exception(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    const ucontext_t *uc = ctx;
    const greg_t *g = uc->uc_mcontext.gregs;
    static const int reg_index[8] = {
        REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_UESP, REG_EBP, REG_ESI, REG_EDI,
    };
    for (int i = 0; i < 8; i++)
        result.regs[i] = (uint32_t)g[reg_index[i]];
    result.eip = (uint32_t)g[REG_EIP];
    result.eflags = (uint32_t)g[REG_EFL];
    result.vector = (uint32_t)g[REG_TRAPNO];
    result.cr2 = (uint32_t)uc->uc_mcontext.cr2;
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    uint16_t magic;
    if (fp) {
        memcpy(&magic, fp + FPFRAME_MAGIC_OFF, 2);
        if (magic == FPFRAME_FXSR_MAGIC)
            memcpy(result.fx, fp + FPFRAME_FX_OFF, ORACLE_FX_SIZE);
    }
    if (sig == SIGALRM)
        timed_out = 1;
    siglongjmp(case_jmp, 1);
}

static void die(const char *what)
{
    fprintf(stderr, "i386-oracle: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void setup(void)
{
    code_page = mmap((void *)ORACLE_CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code_page != (void *)ORACLE_CODE_ADDR)
        die("mapping the code page");
    window = mmap((void *)ORACLE_DATA_ADDR, ORACLE_DATA_SIZE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (window != (void *)ORACLE_DATA_ADDR)
        die("mapping the data window");

    struct user_desc d = {
        .entry_number = ORACLE_LDT_SEL >> 3,
        .base_addr = ORACLE_DATA_ADDR,
        .limit = 0xfffff,
        .seg_32bit = 1,
        .contents = 0,              /* data, expand-up */
        .read_exec_only = 0,
        .limit_in_pages = 1,
        .seg_not_present = 0,
        .useable = 1,
    };
    if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)) != 0)
        die("modify_ldt");

    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    if (sigaltstack(&ss, NULL) != 0)
        die("sigaltstack");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_exception;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGALRM };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (sigaction(sigs[i], &sa, NULL) != 0)
            die("sigaction");
    }
    __asm__ volatile("movw %%ds, %0" : "=r"(flat_ds));

    /* MXCSR bits this CPU lets FXRSTOR set (SDM vol. 1, 11.6.6): a case
     * asking for others is malformed, not a #GP of the case. */
    static uint8_t img[512] __attribute__((aligned(16)));
    __asm__ volatile("fxsave %0" : "=m"(img));
    memcpy(&host_mxcsr_mask, img + ORACLE_FX_MXCSR_MASK, 4);
    if (host_mxcsr_mask == 0)
        host_mxcsr_mask = 0xffbf;
}

static void set_timer(long usec)
{
    struct itimerval it = { .it_value = { .tv_sec = usec / 1000000, .tv_usec = usec % 1000000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void run_case(const OracleCase *c)
{
    memset(&result, 0, sizeof(result));
    result.magic = ORACLE_RESULT_MAGIC;
    if (c->magic != ORACLE_CASE_MAGIC || c->code_len > ORACLE_CODE_MAX ||
        c->patch_len > ORACLE_PATCH_MAX || c->patch_off > ORACLE_DATA_SIZE ||
        c->patch_len > ORACLE_DATA_SIZE - c->patch_off ||
        (oracle_fx_get(c->fx, ORACLE_FX_MXCSR, 4) & ~host_mxcsr_mask) != 0) {
        result.status = ORACLE_BAD_CASE;
        return;
    }
    memset(oracle_fx, 0, sizeof(oracle_fx));
    memcpy(oracle_fx, c->fx, ORACLE_FX_SIZE);
    oracle_fx_put(oracle_fx, ORACLE_FX_MXCSR_MASK, 4, 0);
    memcpy(code_page, c->code, c->code_len);
    code_page[c->code_len] = HLT;
    oracle_initial_image(initial, c);
    memcpy(window, initial, ORACLE_DATA_SIZE);

    memcpy(oracle_in.regs, c->regs, sizeof(oracle_in.regs));
    oracle_in.eflags = (c->eflags & ORACLE_EFLAGS_INPUT) | 0x2u;
    oracle_in.es = c->es_ldt ? ORACLE_LDT_SEL : flat_ds;
    oracle_in.fs = c->fs_ldt ? ORACLE_LDT_SEL : 0;

    timed_out = 0;
    if (sigsetjmp(case_jmp, 1) == 0) {
        set_timer(1000000);
        oracle_enter();
    }
    set_timer(0);
    /* The handler ran with the kernel's flat DS/ES; put back what the C
     * library expects in ES and FS, and make sure AC is off again. */
    __asm__ volatile("movw %0, %%es\n\tmovw %1, %%fs" : : "r"(flat_ds), "r"((uint16_t)0));
    __asm__ volatile("pushfl\n\tandl $~0x40000, (%%esp)\n\tpopfl" : : : "cc", "memory");

    uint32_t end = ORACLE_CODE_ADDR + c->code_len;
    if (timed_out)
        result.status = ORACLE_TIMEOUT;
    else if (result.vector == VEC_GP && result.eip == end)
        result.status = ORACLE_END;
    else
        result.status = ORACLE_FAULT;
    if (result.vector != VEC_PF)
        result.cr2 = 0;
    oracle_diff(&result, window, initial);
}

static int read_all(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, (uint8_t *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return done == 0 && n == 0 ? 0 : -1;
        done += (size_t)n;
    }
    return 1;
}

static int write_all(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, (const uint8_t *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static int serve(void)
{
    static OracleCase c;
    for (;;) {
        int r = read_all(0, &c, sizeof(c));
        if (r == 0)
            return 0;
        if (r < 0) {
            fprintf(stderr, "i386-oracle: truncated case on stdin\n");
            return 2;
        }
        run_case(&c);
        if (write_all(1, &result, sizeof(result)) != 0)
            return 2;
    }
}

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static void usage(void)
{
    fprintf(stderr, "usage: i386-oracle --serve\n"
                    "       i386-oracle HEXBYTES [REG=HEX ...] [es=ldt] [fs=ldt]\n"
                    "         REG: eax..edi eflags fcw fsw ftw mxcsr st0-7 mm0-7 xmm0-7\n");
    exit(2);
}

/* Writes hex digits (most significant first, as printed) into size
 * bytes, little-endian. */
static void put_hex(uint8_t *dst, unsigned size, const char *hex)
{
    memset(dst, 0, size);
    size_t n = strlen(hex);
    for (unsigned b = 0; b < size && n > 0; b++) {
        int lo = hexval(hex[--n]), hi = n > 0 ? hexval(hex[--n]) : 0;
        if (lo < 0 || hi < 0)
            usage();
        dst[b] = (uint8_t)(hi << 4 | lo);
    }
}

/* fcw fsw ftw mxcsr stN xmmN mmN (mmN: ST(N)'s mantissa, exponent all
 * ones, as MMX leaves it). */
static bool parse_fx(OracleCase *c, const char *name, const char *val)
{
    static const struct { const char *name; unsigned off, size; } words[] = {
        { "fcw", ORACLE_FX_FCW, 2 }, { "fsw", ORACLE_FX_FSW, 2 },
        { "ftw", ORACLE_FX_FTW, 1 }, { "mxcsr", ORACLE_FX_MXCSR, 4 },
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (!strcmp(name, words[i].name)) {
            put_hex(c->fx + words[i].off, words[i].size, val);
            return true;
        }
    }
    unsigned n;
    char tail;
    if (sscanf(name, "st%u%c", &n, &tail) == 1 && n < 8) {
        put_hex(c->fx + ORACLE_FX_ST0 + 16 * n, 10, val);
        return true;
    }
    if (sscanf(name, "mm%u%c", &n, &tail) == 1 && n < 8) {
        put_hex(c->fx + ORACLE_FX_ST0 + 16 * n, 8, val);
        oracle_fx_put(c->fx, ORACLE_FX_ST0 + 16 * n + 8, 2, 0xffff);
        return true;
    }
    if (sscanf(name, "xmm%u%c", &n, &tail) == 1 && n < 8) {
        put_hex(c->fx + ORACLE_FX_XMM0 + 16 * n, 16, val);
        return true;
    }
    return false;
}

static void print_hex(const uint8_t *p, unsigned size)
{
    for (unsigned i = size; i-- > 0;)
        printf("%02x", p[i]);
}

/* The interactive form: one case from the command line, printed. */
static int run_one(int argc, char **argv)
{
    static OracleCase c;
    c.magic = ORACLE_CASE_MAGIC;
    c.regs[4] = ORACLE_DATA_ADDR + ORACLE_DATA_SIZE / 2;
    oracle_fx_default(c.fx);
    for (const char *p = argv[1]; *p;) {
        if (*p == ' ' || *p == ':') {
            p++;
            continue;
        }
        int hi = hexval(p[0]), lo = hexval(p[1]);
        if (hi < 0 || lo < 0 || c.code_len == ORACLE_CODE_MAX)
            usage();
        c.code[c.code_len++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            usage();
        *eq = 0;
        const char *val = eq + 1;
        if (!strcmp(argv[i], "es") || !strcmp(argv[i], "fs")) {
            (argv[i][0] == 'e' ? &c.es_ldt : &c.fs_ldt)[0] = !strcmp(val, "ldt");
            continue;
        }
        if (parse_fx(&c, argv[i], val))
            continue;
        uint32_t v = (uint32_t)strtoul(val, NULL, 16);
        if (!strcmp(argv[i], "eflags")) {
            c.eflags = v;
            continue;
        }
        int r = 0;
        while (r < 8 && strcmp(argv[i], reg_names[r]))
            r++;
        if (r == 8)
            usage();
        c.regs[r] = v;
    }
    run_case(&c);
    static const char *const status[] = { "end", "fault", "timeout", "bad case" };
    printf("%s vector=%u eip=%08x cr2=%08x\n", status[result.status], result.vector,
           result.eip, result.cr2);
    for (int r = 0; r < 8; r++)
        printf("%s=%08x%c", reg_names[r], result.regs[r], r % 4 == 3 ? '\n' : ' ');
    uint32_t f = result.eflags;
    printf("eflags=%08x  CF=%u PF=%u AF=%u ZF=%u SF=%u DF=%u OF=%u\n", f, f & 1, (f >> 2) & 1,
           (f >> 4) & 1, (f >> 6) & 1, (f >> 7) & 1, (f >> 10) & 1, (f >> 11) & 1);
    for (uint32_t i = 0; i < result.nb_diff && i < ORACLE_DIFF_MAX; i++)
        printf("mem[%08x] = %02x\n", ORACLE_DATA_ADDR + result.diff_off[i], result.diff_val[i]);
    const uint8_t *fx = result.fx;
    printf("fcw=%04x fsw=%04x ftw=%02x mxcsr=%08x\n", oracle_fx_get(fx, ORACLE_FX_FCW, 2),
           oracle_fx_get(fx, ORACLE_FX_FSW, 2), fx[ORACLE_FX_FTW],
           oracle_fx_get(fx, ORACLE_FX_MXCSR, 4));
    for (int i = 0; i < 8; i++) {
        printf("st%d=", i);
        print_hex(fx + ORACLE_FX_ST0 + 16 * i, 10);
        printf(" xmm%d=", i);
        print_hex(fx + ORACLE_FX_XMM0 + 16 * i, 16);
        printf("\n");
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    setup();
    if (!strcmp(argv[1], "--serve"))
        return serve();
    return run_one(argc, argv);
}
