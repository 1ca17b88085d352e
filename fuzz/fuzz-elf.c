/*
 * libFuzzer harness for the ELF header checks (linux-user/elf-parse.c):
 * the input is a whole file.  Whatever it holds, elf_parse must return,
 * without reading outside the input, and anything it accepts must keep
 * the promises the loader relies on, which are checked here again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux-user/elf-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ElfInfo info;
    char err[256];
    ElfMemSource m;
    elf_source_memory(&m, data, size);
    if (!elf_parse(&m.src, &info, err, sizeof(err))) {
        /* A reason is always given, as one line. */
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (info.phnum == 0 || info.phnum > ELF_MAX_PHNUM || info.hi <= info.lo)
        abort();
    uint64_t prev_end = 0;
    for (int i = 0; i < info.phnum; i++) {
        const ElfPhdr *ph = &info.phdr[i];
        if (ph->type != ELF_PT_LOAD)
            continue;
        if (ph->filesz > ph->memsz || (uint64_t)ph->offset + ph->filesz > size ||
            (uint64_t)ph->vaddr + ph->memsz > ((uint64_t)1 << 32) || ph->vaddr < prev_end ||
            (ph->vaddr & ~0xfffu) < info.lo || (uint64_t)ph->vaddr + ph->memsz > info.hi)
            abort();
        prev_end = (uint64_t)ph->vaddr + ph->memsz;
    }
    if (info.has_interp && strlen(info.interp) == 0)
        abort();
    return 0;
}
