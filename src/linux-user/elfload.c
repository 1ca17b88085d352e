/*
 * Loading an i386 ELF program and its interpreter into the guest space,
 * as Linux's binfmt_elf does for a 32-bit process on x86-64.
 *
 * Placement: an ET_EXEC program at its own addresses; a position-
 * independent main program (PIE, static-pie, or ld.so run directly) with
 * its lowest segment at GUEST_PIE_BASE (0x56555000, where Linux puts it
 * with randomization off); the interpreter at the highest free range
 * below the mmap base, like any top-down mmap.
 *
 * Each PT_LOAD is a private file mapping of the pages that hold its file
 * bytes, with the rest of the last such page zeroed (Linux's padzero) and
 * anonymous pages for the remainder of p_memsz.  A file system that
 * cannot map files (ENODEV) gets the bytes copied instead.  Protections
 * follow p_flags; a program without PT_GNU_STACK gets an executable stack
 * and READ_IMPLIES_EXEC, as Linux gives 32-bit programs.
 *
 * The headers were checked by elf_parse (elf-parse.c); what is left here
 * are failures of the address space (no room, overlap) and of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux-user/elf-parse.h"
#include "linux-user/user-internal.h"

static bool fd_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    int fd = *(int *)opaque;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

static int elf_prot(uint32_t pflags)
{
    return ((pflags & ELF_PF_R) ? PROT_READ : 0) | ((pflags & ELF_PF_W) ? PROT_WRITE : 0) |
           ((pflags & ELF_PF_X) ? PROT_EXEC : 0);
}

static uint64_t page_up(uint64_t x)
{
    return (x + GUEST_PAGE_SIZE - 1) & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
}

/* Opens path and parses it: the fd, or -1 with err set. */
static int open_elf(const char *path, ElfInfo *info, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s", S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
        close(fd);
        return -1;
    }
    ElfSource src = { .read = fd_read, .opaque = &fd, .size = (uint64_t)st.st_size };
    if (!elf_parse(&src, info, err, errlen)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Maps one PT_LOAD at bias. */
static bool map_segment(GuestSpace *gs, int fd, const ElfPhdr *ph, int index, uint32_t bias,
                        char *err, size_t errlen)
{
    uint32_t vaddr = ph->vaddr + bias;
    uint32_t page = vaddr & GUEST_PAGE_MASK;
    uint32_t pad = vaddr - page;
    int prot = elf_prot(ph->flags);
    uint64_t file_end = (uint64_t)vaddr + ph->filesz;
    uint64_t mem_end = (uint64_t)vaddr + ph->memsz;
    uint64_t file_map_end = page_up(file_end);
    uint64_t anon_start = page;
    int64_t r;

    if (ph->filesz) {
        bool zero_tail = mem_end > file_end && (file_end & (GUEST_PAGE_SIZE - 1));
        int map_prot = prot | (zero_tail ? PROT_WRITE : 0);
        uint32_t len = (uint32_t)(file_map_end - page);
        r = guest_mmap(gs, page, len, map_prot, MAP_PRIVATE | MAP_FIXED, fd,
                       (uint64_t)ph->offset - pad);
        if (r == -ENODEV) {
            /* No mmap on this file system: copy the bytes. */
            r = guest_mmap(gs, page, len, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);
            if (r >= 0 && !fd_read(&fd, ph->offset, g2h(gs, vaddr), ph->filesz))
                r = -EIO;
            if (r >= 0 && map_prot != (PROT_READ | PROT_WRITE))
                r = guest_mprotect(gs, page, len, map_prot);
        }
        if (r < 0) {
            snprintf(err, errlen, "cannot map segment %d at 0x%x: %s", index, page,
                     strerror((int)-r));
            return false;
        }
        if (zero_tail) {
            memset(g2h(gs, (uint32_t)file_end), 0, (size_t)(file_map_end - file_end));
            if (!(prot & PROT_WRITE))
                guest_mprotect(gs, page, len, prot);
        }
        anon_start = file_map_end;
    }
    uint64_t anon_end = page_up(mem_end);
    if (anon_end > anon_start) {
        r = guest_mmap(gs, (uint32_t)anon_start, (uint32_t)(anon_end - anon_start), prot,
                       MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);
        if (r < 0) {
            snprintf(err, errlen, "cannot map segment %d at 0x%x: %s", index,
                     (uint32_t)anon_start, strerror((int)-r));
            return false;
        }
    }
    return true;
}

/* Chooses the bias of a parsed image and maps its segments. */
static bool map_image(GuestSpace *gs, int fd, const ElfInfo *info, bool is_interp,
                      uint32_t *bias_out, char *err, size_t errlen)
{
    uint32_t span = info->hi - info->lo;
    uint32_t bias = 0;
    if (info->type == ELF_ET_DYN) {
        uint32_t base;
        if (!is_interp) {
            base = GUEST_PIE_BASE;
            if ((uint64_t)base + span > GUEST_MMAP_BASE)
                base = 0;
        } else {
            pthread_mutex_lock(&gs->lock);
            base = guest_find_free_locked(gs, span, gs->mmap_next);
            pthread_mutex_unlock(&gs->lock);
        }
        if (!base || !guest_range_free(gs, base, span)) {
            snprintf(err, errlen, "no room for %u bytes of segments", span);
            return false;
        }
        bias = base - info->lo;
    } else {
        if (info->lo < GUEST_MMAP_MIN || info->hi > GUEST_MMAP_BASE) {
            snprintf(err, errlen, "segments at 0x%x-0x%x are outside 0x%x-0x%x", info->lo,
                     info->hi, GUEST_MMAP_MIN, GUEST_MMAP_BASE);
            return false;
        }
        if (!guest_range_free(gs, info->lo, span)) {
            snprintf(err, errlen, "segments at 0x%x-0x%x overlap the program", info->lo,
                     info->hi);
            return false;
        }
    }
    for (int i = 0; i < info->phnum; i++) {
        const ElfPhdr *ph = &info->phdr[i];
        if (ph->type == ELF_PT_LOAD && !map_segment(gs, fd, ph, i, bias, err, errlen))
            return false;
    }
    *bias_out = bias;
    return true;
}

bool linux_is_i386_elf(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    uint8_t h[20];
    bool ok = fd_read(&fd, 0, h, sizeof(h)) && memcmp(h, "\177ELF", 4) == 0 && h[4] == 1 &&
              h[5] == 1 && h[18] == 3 && h[19] == 0;
    close(fd);
    return ok;
}

/* The interpreter's host path: under the sysroot when it exists there. */
static char *interp_path(const LinuxProcess *proc, const char *interp)
{
    if (proc->sysroot && interp[0] == '/') {
        size_t n = strlen(proc->sysroot) + strlen(interp) + 1;
        char *p = malloc(n);
        if (p) {
            snprintf(p, n, "%s%s", proc->sysroot, interp);
            if (access(p, F_OK) == 0)
                return p;
            free(p);
        }
    }
    return strdup(interp);
}

bool linux_load_program(LinuxProcess *proc, const char *path, LinuxImage *img, char *err,
                        size_t errlen)
{
    GuestSpace *gs = &proc->space;
    ElfInfo *info = malloc(sizeof(*info));
    ElfInfo *iinfo = malloc(sizeof(*iinfo));
    bool ok = false;
    int fd = -1, ifd = -1;
    char *ipath = NULL;
    memset(img, 0, sizeof(*img));
    if (!info || !iinfo) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    fd = open_elf(path, info, err, errlen);
    if (fd < 0)
        goto out;
    if (info->has_interp) {
        ipath = interp_path(proc, info->interp);
        char ierr[256];
        ifd = ipath ? open_elf(ipath, iinfo, ierr, sizeof(ierr)) : -1;
        if (ifd < 0) {
            snprintf(err, errlen, "interpreter %s: %s", info->interp,
                     ipath ? ierr : "out of memory");
            goto out;
        }
        if (iinfo->has_interp) {
            snprintf(err, errlen, "interpreter %s: has an interpreter itself", info->interp);
            goto out;
        }
    }

    uint32_t bias;
    if (!map_image(gs, fd, info, false, &bias, err, errlen))
        goto out;
    img->entry = info->entry + bias;
    img->start = img->entry;
    img->phdr = info->phdr_vaddr ? info->phdr_vaddr + bias : 0;
    img->phnum = info->phnum;
    img->brk = info->hi + bias;
    img->exec_stack = info->exec_stack != 0;
    /* Linux's elf_read_implies_exec for 32-bit programs. */
    gs->read_implies_exec = info->exec_stack < 0;

    if (info->has_interp) {
        uint32_t ibias;
        char ierr[256];
        if (!map_image(gs, ifd, iinfo, true, &ibias, ierr, sizeof(ierr))) {
            snprintf(err, errlen, "interpreter %s: %s", info->interp, ierr);
            goto out;
        }
        img->interp_base = iinfo->lo + ibias;
        img->start = iinfo->entry + ibias;
    }
    gs->brk_start = gs->brk = img->brk;
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (ifd >= 0)
        close(ifd);
    free(ipath);
    free(info);
    free(iinfo);
    return ok;
}
