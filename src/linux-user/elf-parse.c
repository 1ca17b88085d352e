/*
 * Checking an i386 ELF program's headers (System V ABI, ELF chapter, and
 * its Intel386 supplement) before anything is mapped.
 *
 * The loader trusts what this file accepts, so every value it will use
 * is checked here with 64-bit arithmetic (no wrap-around): the header's
 * identification, machine, version and type; the size and place of the
 * program header table (at most one page of it, as Linux reads); for
 * each PT_LOAD that its file bytes lie inside the file, that p_filesz <=
 * p_memsz, that address and offset agree modulo the page size (or mmap
 * could not map it), that it ends inside the 32-bit space and that the
 * segments come in address order without overlapping; the interpreter
 * path (one PT_INTERP, inside the file, NUL-terminated exactly at its
 * end).  Linux rejects most of these with ENOEXEC or EINVAL; we say which
 * rule failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "linux-user/elf-parse.h"
#include "util/bytes.h"

#define PAGE_SIZE_ 4096u

static bool fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static bool mem_source_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    const ElfMemSource *m = opaque;
    if (off > m->len || len > m->len - off)
        return false;
    memcpy(buf, m->data + off, len);
    return true;
}

void elf_source_memory(ElfMemSource *m, const uint8_t *data, size_t len)
{
    m->data = data;
    m->len = len;
    m->src.read = mem_source_read;
    m->src.opaque = m;
    m->src.size = len;
}

static bool check_load(const ElfPhdr *ph, int i, uint64_t file_size, char *err, size_t errlen)
{
    if (ph->filesz > ph->memsz)
        return fail(err, errlen, "segment %d: file size larger than memory size", i);
    if ((uint64_t)ph->offset + ph->filesz > file_size)
        return fail(err, errlen, "segment %d: outside the file", i);
    if ((ph->vaddr - ph->offset) % PAGE_SIZE_ != 0)
        return fail(err, errlen,
                    "segment %d: address and file offset differ modulo the page size", i);
    if ((uint64_t)ph->vaddr + ph->memsz > UINT32_MAX + 1ull)
        return fail(err, errlen, "segment %d: beyond the 32-bit address space", i);
    return true;
}

bool elf_parse(const ElfSource *src, ElfInfo *info, char *err, size_t errlen)
{
    uint8_t eh[52];
    memset(info, 0, sizeof(*info));
    info->exec_stack = -1;

    if (src->size < 4 || !src->read(src->opaque, 0, eh, 4) ||
        memcmp(eh, "\177ELF", 4) != 0)
        return fail(err, errlen, "not an ELF file");
    if (src->size < sizeof(eh) || !src->read(src->opaque, 0, eh, sizeof(eh)))
        return fail(err, errlen, "truncated ELF header");
    if (eh[4] != 1)
        return fail(err, errlen, "not a 32-bit ELF file (class %u)", eh[4]);
    if (eh[5] != 1)
        return fail(err, errlen, "not a little-endian ELF file (data encoding %u)", eh[5]);
    if (eh[6] != 1 || ld_le32(eh + 20) != 1)
        return fail(err, errlen, "unsupported ELF version %u", eh[6] != 1 ? eh[6] : ld_le32(eh + 20));
    uint16_t type = ld_le16(eh + 16), machine = ld_le16(eh + 18);
    if (machine != 3)
        return fail(err, errlen, "not an i386 program (ELF machine %u)", machine);
    if (type != ELF_ET_EXEC && type != ELF_ET_DYN)
        return fail(err, errlen, "not an executable or shared object (ELF type %u)", type);
    uint32_t phoff = ld_le32(eh + 28);
    uint16_t phentsize = ld_le16(eh + 42), phnum = ld_le16(eh + 44);
    if (phentsize != 32)
        return fail(err, errlen, "bad program header size %u (32 expected)", phentsize);
    if (phnum == 0)
        return fail(err, errlen, "no program headers");
    if (phnum > ELF_MAX_PHNUM)
        return fail(err, errlen, "too many program headers (%u, at most %u)", phnum,
                    ELF_MAX_PHNUM);
    if ((uint64_t)phoff + (uint64_t)phnum * 32 > src->size)
        return fail(err, errlen, "program headers outside the file");
    uint8_t raw[ELF_MAX_PHNUM * 32];
    if (!src->read(src->opaque, phoff, raw, (size_t)phnum * 32))
        return fail(err, errlen, "cannot read the program headers");

    info->type = type;
    info->entry = ld_le32(eh + 24);
    info->phoff = phoff;
    info->phnum = phnum;

    uint64_t prev_end = 0;
    int nload = 0, interp_index = -1;
    uint32_t pt_phdr = 0;
    bool have_pt_phdr = false;
    for (int i = 0; i < phnum; i++) {
        const uint8_t *p = raw + i * 32;
        ElfPhdr *ph = &info->phdr[i];
        ph->type = ld_le32(p);
        ph->offset = ld_le32(p + 4);
        ph->vaddr = ld_le32(p + 8);
        ph->paddr = ld_le32(p + 12);
        ph->filesz = ld_le32(p + 16);
        ph->memsz = ld_le32(p + 20);
        ph->flags = ld_le32(p + 24);
        ph->align = ld_le32(p + 28);
        switch (ph->type) {
        case ELF_PT_LOAD:
            if (!check_load(ph, i, src->size, err, errlen))
                return false;
            if (nload > 0 && ph->vaddr < prev_end)
                return fail(err, errlen, "segment %d overlaps or precedes the one before it", i);
            prev_end = (uint64_t)ph->vaddr + ph->memsz;
            if (nload == 0)
                info->lo = ph->vaddr & ~(PAGE_SIZE_ - 1);
            uint64_t hi = (prev_end + PAGE_SIZE_ - 1) & ~(uint64_t)(PAGE_SIZE_ - 1);
            if (hi > UINT32_MAX)
                return fail(err, errlen, "segment %d: beyond the 32-bit address space", i);
            info->hi = (uint32_t)hi;
            nload++;
            break;
        case ELF_PT_INTERP:
            if (interp_index >= 0)
                return fail(err, errlen, "more than one interpreter (PT_INTERP)");
            interp_index = i;
            break;
        case ELF_PT_GNU_STACK:
            info->exec_stack = (ph->flags & ELF_PF_X) ? 1 : 0;
            break;
        case ELF_PT_PHDR:
            pt_phdr = ph->vaddr;
            have_pt_phdr = true;
            break;
        default:
            break;
        }
    }
    if (nload == 0)
        return fail(err, errlen, "no loadable segment");
    if (info->hi - info->lo == 0)
        return fail(err, errlen, "loadable segments are empty");

    /* AT_PHDR: where a loaded segment puts the table (Linux does the
     * same search); PT_PHDR when it says so. */
    if (have_pt_phdr) {
        info->phdr_vaddr = pt_phdr;
    } else {
        for (int i = 0; i < phnum; i++) {
            const ElfPhdr *ph = &info->phdr[i];
            if (ph->type == ELF_PT_LOAD && phoff >= ph->offset &&
                (uint64_t)phoff + phnum * 32u <= (uint64_t)ph->offset + ph->filesz) {
                info->phdr_vaddr = ph->vaddr + (phoff - ph->offset);
                break;
            }
        }
    }

    if (interp_index >= 0) {
        const ElfPhdr *ph = &info->phdr[interp_index];
        if (ph->filesz < 2 || ph->filesz > ELF_INTERP_MAX)
            return fail(err, errlen, "bad interpreter path length %u", ph->filesz);
        if ((uint64_t)ph->offset + ph->filesz > src->size ||
            !src->read(src->opaque, ph->offset, info->interp, ph->filesz))
            return fail(err, errlen, "interpreter path outside the file");
        if (info->interp[ph->filesz - 1] != '\0' || strlen(info->interp) != ph->filesz - 1)
            return fail(err, errlen, "interpreter path not a NUL-terminated string");
        info->has_interp = true;
    }
    return true;
}
