/*
 * Reading and checking the headers of an i386 ELF program, apart from
 * loading it, so that the checks can be fuzzed and unit-tested on bytes
 * in memory (fuzz/fuzz-elf.c, tests/unit/test-linux-user-elf.c).
 */
#ifndef MIMIC_LINUX_USER_ELF_PARSE_H
#define MIMIC_LINUX_USER_ELF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux reads at most one page of program headers (ELF_MIN_ALIGN). */
#define ELF_MAX_PHNUM (4096 / 32)
#define ELF_INTERP_MAX 4096

enum {
    ELF_PT_NULL = 0,
    ELF_PT_LOAD = 1,
    ELF_PT_DYNAMIC = 2,
    ELF_PT_INTERP = 3,
    ELF_PT_PHDR = 6,
    ELF_PT_TLS = 7,
    ELF_PT_GNU_STACK = 0x6474e551,
};
enum { ELF_PF_X = 1, ELF_PF_W = 2, ELF_PF_R = 4 };
enum { ELF_ET_EXEC = 2, ELF_ET_DYN = 3 };

typedef struct ElfPhdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
} ElfPhdr;

/* Where the bytes come from: read(opaque, off, buf, len) fills buf
 * entirely or returns false. */
typedef struct ElfSource {
    bool (*read)(void *opaque, uint64_t off, void *buf, size_t len);
    void *opaque;
    uint64_t size;             /* bytes in the file */
} ElfSource;

typedef struct ElfInfo {
    uint16_t type;             /* ELF_ET_EXEC or ELF_ET_DYN */
    uint32_t entry;
    uint32_t phoff;
    uint16_t phnum;
    ElfPhdr phdr[ELF_MAX_PHNUM];
    /* Page-aligned span of the PT_LOAD segments, unbiased: [lo, hi). */
    uint32_t lo, hi;
    /* Address of the program headers in memory (unbiased), 0 when no
     * loaded segment holds them. */
    uint32_t phdr_vaddr;
    bool has_interp;
    char interp[ELF_INTERP_MAX];
    /* PT_GNU_STACK: -1 absent, 0 non-executable, 1 executable. */
    int exec_stack;
} ElfInfo;

/*
 * Reads and checks the ELF header, the program headers and the
 * interpreter path.  Returns true, or false with a one-line reason in err
 * ("not an ELF file", "segment 2: file size larger than memory size"...).
 * Every field the loader uses is checked here, so loading a parsed file
 * cannot go outside the file, wrap around the address space or overlap
 * its own segments.
 */
bool elf_parse(const ElfSource *src, ElfInfo *info, char *err, size_t errlen);

/* An ElfSource over bytes in memory: parse &m->src. */
typedef struct ElfMemSource {
    ElfSource src;
    const uint8_t *data;
    size_t len;
} ElfMemSource;
void elf_source_memory(ElfMemSource *m, const uint8_t *data, size_t len);

#endif
