/*
 * The ELF loader: every malformed header is refused with its own reason,
 * and real programs load where Linux puts them.
 *
 * The headers are built here byte by byte from the System V ABI's ELF32
 * layout (not with the parser's structures); the real programs' expected
 * entry points and program-header addresses are read from the files with
 * the host's <elf.h>.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux-user/elf-parse.h"
#include "linux-user/user-internal.h"

#define PH_OFF 52
#define INTERP "/lib/ld-linux.so.2"

static uint8_t img[0x3000];

static void w16(size_t off, uint16_t v)
{
    img[off] = (uint8_t)v;
    img[off + 1] = (uint8_t)(v >> 8);
}

static void w32(size_t off, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        img[off + i] = (uint8_t)(v >> (8 * i));
}

static void phdr(int i, uint32_t type, uint32_t off, uint32_t vaddr, uint32_t filesz,
                 uint32_t memsz, uint32_t flags)
{
    size_t p = PH_OFF + 32 * (size_t)i;
    w32(p, type);
    w32(p + 4, off);
    w32(p + 8, vaddr);
    w32(p + 12, vaddr);
    w32(p + 16, filesz);
    w32(p + 20, memsz);
    w32(p + 24, flags);
    w32(p + 28, 0x1000);
}

/* A dynamic ET_EXEC: text (with the headers) at 0x08048000, data+bss at
 * 0x0804a000, the interpreter path, PT_GNU_STACK, PT_PHDR. */
static void make_valid(void)
{
    memset(img, 0, sizeof(img));
    memcpy(img, "\177ELF", 4);
    img[4] = 1;   /* ELFCLASS32 */
    img[5] = 1;   /* ELFDATA2LSB */
    img[6] = 1;   /* EV_CURRENT */
    w16(16, 2);   /* ET_EXEC */
    w16(18, 3);   /* EM_386 */
    w32(20, 1);
    w32(24, 0x08048100);     /* e_entry */
    w32(28, PH_OFF);         /* e_phoff */
    w16(40, 52);             /* e_ehsize */
    w16(42, 32);             /* e_phentsize */
    w16(44, 5);              /* e_phnum */
    phdr(0, PT_PHDR, PH_OFF, 0x08048000 + PH_OFF, 5 * 32, 5 * 32, PF_R);
    phdr(1, PT_INTERP, 0x200, 0x08048200, sizeof(INTERP), sizeof(INTERP), PF_R);
    phdr(2, PT_LOAD, 0, 0x08048000, 0x1000, 0x1000, PF_R | PF_X);
    phdr(3, PT_LOAD, 0x2000, 0x0804a000, 0x800, 0x3000, PF_R | PF_W);
    phdr(4, PT_GNU_STACK, 0, 0, 0, 0, PF_R | PF_W);
    memcpy(img + 0x200, INTERP, sizeof(INTERP));
}

static bool parse(size_t len, ElfInfo *info, char *err, size_t errlen)
{
    ElfMemSource m;
    elf_source_memory(&m, img, len);
    return elf_parse(&m.src, info, err, errlen);
}

static void test_valid(void **state)
{
    (void)state;
    static ElfInfo info;
    char err[256] = "";
    make_valid();
    assert_true(parse(sizeof(img), &info, err, sizeof(err)));
    assert_int_equal(info.type, 2);
    assert_int_equal(info.entry, 0x08048100);
    assert_int_equal(info.phnum, 5);
    assert_int_equal(info.lo, 0x08048000);
    assert_int_equal(info.hi, 0x0804d000);   /* 0x0804a000 + 0x3000 */
    assert_int_equal(info.phdr_vaddr, 0x08048034);
    assert_true(info.has_interp);
    assert_string_equal(info.interp, INTERP);
    assert_int_equal(info.exec_stack, 0);
}

typedef struct BadCase {
    const char *name;
    void (*mutate)(void);
    size_t len;               /* 0: the whole image */
    const char *reason;       /* expected at the start of the message */
} BadCase;

static void bad_magic(void) { img[1] = 'X'; }
static void bad_class(void) { img[4] = 2; }
static void bad_data(void) { img[5] = 2; }
static void bad_ident_version(void) { img[6] = 0; }
static void bad_version(void) { w32(20, 2); }
static void bad_machine(void) { w16(18, 62); }
static void bad_type(void) { w16(16, 1); }
static void bad_phentsize(void) { w16(42, 56); }
static void no_phdrs(void) { w16(44, 0); }
static void too_many_phdrs(void) { w16(44, 129); }
static void phdrs_outside(void) { w32(28, 0x2ff0); }
static void filesz_gt_memsz(void) { phdr(3, PT_LOAD, 0x2000, 0x0804a000, 0x800, 0x100, PF_R); }
static void segment_outside(void) { phdr(3, PT_LOAD, 0x2000, 0x0804a000, 0x1800, 0x3000, PF_R); }
static void not_congruent(void) { phdr(3, PT_LOAD, 0x2010, 0x0804a000, 0x10, 0x10, PF_R); }
static void beyond_4g(void) { phdr(3, PT_LOAD, 0x2000, 0xfffff000, 0x800, 0x2000, PF_R); }
static void overlapping(void) { phdr(3, PT_LOAD, 0x800, 0x08048800, 0x10, 0x10, PF_R); }
static void two_interps(void) { phdr(4, PT_INTERP, 0x200, 0, sizeof(INTERP), sizeof(INTERP), PF_R); }
static void interp_unterminated(void) { img[0x200 + sizeof(INTERP) - 1] = 'x'; }
static void interp_nul_inside(void) { img[0x205] = 0; }
static void interp_outside(void) { phdr(1, PT_INTERP, 0x2ff8, 0, 0x100, 0x100, PF_R); }
static void interp_empty(void) { phdr(1, PT_INTERP, 0x200, 0, 1, 1, PF_R); }
static void no_load(void)
{
    phdr(2, PT_NULL, 0, 0, 0, 0, 0);
    phdr(3, PT_NULL, 0, 0, 0, 0, 0);
}
static void nothing(void) {}

static const BadCase bad_cases[] = {
    { "magic", bad_magic, 0, "not an ELF file" },
    { "short", nothing, 3, "not an ELF file" },
    { "truncated header", nothing, 40, "truncated ELF header" },
    { "class", bad_class, 0, "not a 32-bit ELF file" },
    { "data", bad_data, 0, "not a little-endian ELF file" },
    { "ident version", bad_ident_version, 0, "unsupported ELF version 0" },
    { "version", bad_version, 0, "unsupported ELF version 2" },
    { "machine", bad_machine, 0, "not an i386 program (ELF machine 62)" },
    { "type", bad_type, 0, "not an executable or shared object (ELF type 1)" },
    { "phentsize", bad_phentsize, 0, "bad program header size 56" },
    { "no phdrs", no_phdrs, 0, "no program headers" },
    { "too many phdrs", too_many_phdrs, 0, "too many program headers (129" },
    { "phdrs outside", phdrs_outside, 0, "program headers outside the file" },
    { "phdrs cut", nothing, 100, "program headers outside the file" },
    { "filesz > memsz", filesz_gt_memsz, 0, "segment 3: file size larger than memory size" },
    { "segment outside", segment_outside, 0, "segment 3: outside the file" },
    { "not congruent", not_congruent, 0, "segment 3: address and file offset differ" },
    { "beyond 4 GiB", beyond_4g, 0, "segment 3: beyond the 32-bit address space" },
    { "overlap", overlapping, 0, "segment 3 overlaps or precedes" },
    { "two interps", two_interps, 0, "more than one interpreter" },
    { "interp unterminated", interp_unterminated, 0, "interpreter path not a NUL-terminated" },
    { "interp nul inside", interp_nul_inside, 0, "interpreter path not a NUL-terminated" },
    { "interp outside", interp_outside, 0, "interpreter path outside the file" },
    { "interp empty", interp_empty, 0, "bad interpreter path length 1" },
    { "no load", no_load, 0, "no loadable segment" },
};

static void test_bad_headers(void **state)
{
    (void)state;
    static ElfInfo info;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const BadCase *c = &bad_cases[i];
        char err[256] = "";
        make_valid();
        c->mutate();
        bool ok = parse(c->len ? c->len : sizeof(img), &info, err, sizeof(err));
        if (ok || strncmp(err, c->reason, strlen(c->reason)) != 0)
            fail_msg("%s: got %s '%s', expected '%s'", c->name, ok ? "success" : "error", err,
                     c->reason);
    }
}

/* The real thing: /bin/busybox (static ET_EXEC) and ld.so run as a
 * program (ET_DYN, at the PIE base). */
static void read_ehdr(const char *path, Elf32_Ehdr *eh, Elf32_Phdr *ph, int max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(eh, sizeof(*eh), 1, f), 1);
    assert_true(eh->e_phnum <= max);
    assert_int_equal(fseek(f, eh->e_phoff, SEEK_SET), 0);
    assert_int_equal(fread(ph, sizeof(*ph), eh->e_phnum, f), eh->e_phnum);
    fclose(f);
}

static void test_load_static(void **state)
{
    (void)state;
    static LinuxProcess proc;
    Elf32_Ehdr eh;
    Elf32_Phdr ph[64];
    read_ehdr("/bin/busybox", &eh, ph, 64);
    assert_int_equal(guest_space_init(&proc.space), 0);
    LinuxImage img_;
    char err[256];
    assert_true(linux_load_program(&proc, "/bin/busybox", &img_, err, sizeof(err)));
    assert_int_equal(img_.entry, eh.e_entry);
    assert_int_equal(img_.start, eh.e_entry);
    assert_int_equal(img_.interp_base, 0);
    assert_int_equal(img_.phnum, eh.e_phnum);
    uint32_t end = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        /* Every PT_LOAD: file bytes as in the file, bss zero. */
        FILE *f = fopen("/bin/busybox", "rb");
        uint8_t *buf = malloc(ph[i].p_filesz ? ph[i].p_filesz : 1);
        fseek(f, ph[i].p_offset, SEEK_SET);
        assert_int_equal(fread(buf, 1, ph[i].p_filesz, f), ph[i].p_filesz);
        fclose(f);
        assert_memory_equal(g2h(&proc.space, ph[i].p_vaddr), buf, ph[i].p_filesz);
        free(buf);
        for (uint32_t a = ph[i].p_vaddr + ph[i].p_filesz; a < ph[i].p_vaddr + ph[i].p_memsz; a++)
            assert_int_equal(*(uint8_t *)g2h(&proc.space, a), 0);
        unsigned need = GPAGE_READ | ((ph[i].p_flags & PF_W) ? GPAGE_WRITE : 0) |
                        ((ph[i].p_flags & PF_X) ? GPAGE_EXEC : 0);
        assert_true(guest_access_ok(&proc.space, ph[i].p_vaddr, ph[i].p_memsz, need));
        if (!(ph[i].p_flags & PF_W))
            assert_false(guest_access_ok(&proc.space, ph[i].p_vaddr, 1, GPAGE_WRITE));
        if (ph[i].p_vaddr + ph[i].p_memsz > end)
            end = ph[i].p_vaddr + ph[i].p_memsz;
    }
    assert_int_equal(img_.brk, (end + 4095) & ~4095u);
    assert_int_equal(proc.space.brk, img_.brk);
    guest_space_destroy(&proc.space);
}

static void test_load_dyn(void **state)
{
    (void)state;
    static LinuxProcess proc;
    Elf32_Ehdr eh;
    Elf32_Phdr ph[64];
    read_ehdr("/lib/ld-linux.so.2", &eh, ph, 64);
    assert_int_equal(eh.e_type, ET_DYN);
    uint32_t lo = UINT32_MAX;
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && (ph[i].p_vaddr & ~4095u) < lo)
            lo = ph[i].p_vaddr & ~4095u;
    }
    assert_int_equal(guest_space_init(&proc.space), 0);
    LinuxImage img_;
    char err[256];
    assert_true(linux_load_program(&proc, "/lib/ld-linux.so.2", &img_, err, sizeof(err)));
    assert_int_equal(img_.entry, eh.e_entry - lo + GUEST_PIE_BASE);
    assert_memory_equal(g2h(&proc.space, GUEST_PIE_BASE), "\177ELF", 4);
    guest_space_destroy(&proc.space);
}

static void test_load_errors(void **state)
{
    (void)state;
    static LinuxProcess proc;
    assert_int_equal(guest_space_init(&proc.space), 0);
    LinuxImage img_;
    char err[256];
    assert_false(linux_load_program(&proc, "/nonexistent/prog", &img_, err, sizeof(err)));
    assert_string_equal(err, "No such file or directory");
    assert_false(linux_load_program(&proc, "/", &img_, err, sizeof(err)));
    assert_string_equal(err, "is a directory");
    /* An x86-64 program: the machine is named. */
    assert_false(linux_load_program(&proc, "/proc/self/exe", &img_, err, sizeof(err)));
    assert_string_equal(err, "not a 32-bit ELF file (class 2)");
    /* A missing interpreter names it. */
    char path[] = "/tmp/mimic-test-elf-XXXXXX";
    int fd = mkstemp(path);
    make_valid();
    memcpy(img + 0x200, "/nonexistent.so", 16);
    phdr(1, PT_INTERP, 0x200, 0x08048200, 16, 16, PF_R);
    assert_int_equal(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
    close(fd);
    assert_false(linux_load_program(&proc, path, &img_, err, sizeof(err)));
    unlink(path);
    assert_string_equal(err, "interpreter /nonexistent.so: No such file or directory");
    guest_space_destroy(&proc.space);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_load_static),
        cmocka_unit_test(test_load_dyn),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
