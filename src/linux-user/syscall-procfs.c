/*
 * The few /proc/self files that must describe the guest, not mimic.
 *
 * A guest that opens /proc/self/exe expects its own program, one that
 * reads /proc/self/maps expects its own 32-bit mappings (glibc's
 * pthread_getattr_np looks the main thread's stack up there), and
 * /proc/self/auxv must be the vector the loader gave the guest.  These
 * are served from the emulated process: exe by opening the program
 * file, the others as a memfd filled at open time (the kernel builds
 * them when they are read, so a snapshot taken at open is what a
 * program reading them at once sees).  Every other /proc
 * path is the host's, which is right for anything about files, pids and
 * the system.
 */
#include "linux-user/syscall-internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes len bytes of data into a fresh memfd positioned at 0. */
static abi_long memfd_with(const void *data, size_t len, int flags)
{
    int fd = memfd_create("mimic-proc", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0)
        return host_to_guest_errno(errno);
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            int e = errno;
            close(fd);
            return host_to_guest_errno(e);
        }
        p += n;
        len -= (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) < 0) {
        int e = errno;
        close(fd);
        return host_to_guest_errno(e);
    }
    return fd;
}

/* The guest's mappings in the format of /proc/<pid>/maps: one line per
 * run of pages with the same permissions. */
static char *guest_maps_text(GuestSpace *gs, size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    const unsigned perm = GPAGE_VALID | GPAGE_READ | GPAGE_WRITE | GPAGE_EXEC;
    pthread_mutex_lock(&gs->lock);
    /* The heap is a mapping of its own even where the data segment
     * before it has the same permissions. */
    uint32_t heap_lo = (gs->brk_start + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    uint32_t heap_hi = (gs->brk + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    uint32_t page = 0;
    while (page < GUEST_NB_PAGES) {
        unsigned fl = gs->flags[page] & perm;
        uint32_t start = page;
        do
            page++;
        while (page < GUEST_NB_PAGES && (gs->flags[page] & perm) == fl && page != heap_lo &&
               page != heap_hi);
        if (!(fl & GPAGE_VALID))
            continue;
        uint32_t lo = start << GUEST_PAGE_BITS;
        uint64_t hi = (uint64_t)page << GUEST_PAGE_BITS;
        const char *name = "";
        if (start == heap_lo && page <= heap_hi && heap_hi > heap_lo)
            name = "[heap]";
        else if (hi == GUEST_STACK_TOP)
            name = "[stack]";
        fprintf(f, "%08x-%08llx %c%c%cp 00000000 00:00 0%s%s\n", lo,
                (unsigned long long)hi, (fl & GPAGE_READ) ? 'r' : '-',
                (fl & GPAGE_WRITE) ? 'w' : '-', (fl & GPAGE_EXEC) ? 'x' : '-',
                name[0] ? "          " : "", name);
    }
    pthread_mutex_unlock(&gs->lock);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    *len = size;
    return buf;
}

bool procfs_open(LinuxThread *t, const char *path, int flags, int mode, abi_long *ret)
{
    LinuxProcess *proc = t->proc;
    if (proc_is_self_entry(path, "exe")) {
        if (!proc->exe_path)
            return false;
        int fd = open(proc->exe_path, flags, mode);
        *ret = fd < 0 ? host_to_guest_errno(errno) : fd;
        return true;
    }
    bool auxv = proc_is_self_entry(path, "auxv");
    bool maps = !auxv && proc_is_self_entry(path, "maps");
    if (!auxv && !maps)
        return false;
    if ((flags & O_ACCMODE) != O_RDONLY) {
        *ret = -EACCES;
        return true;
    }
    if (auxv) {
        uint32_t len = proc->auxv_len;
        void *copy = malloc(len ? len : 1);
        if (!copy) {
            *ret = -ENOMEM;
            return true;
        }
        abi_long err = get_guest(t, copy, proc->auxv_addr, len);
        *ret = err ? err : memfd_with(copy, len, flags);
        free(copy);
        return true;
    }
    size_t len = 0;
    char *text = guest_maps_text(&proc->space, &len);
    *ret = text ? memfd_with(text, len, flags) : -ENOMEM;
    free(text);
    return true;
}
