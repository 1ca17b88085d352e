/*
 * The translation cache's memory (see codebuf.h for the contract).
 *
 * Code: one anonymous memfd, mapped twice with MAP_SHARED.  The RX view
 * is where generated code runs and where every pointer handed out by
 * codebuf_claim points; the RW view is the only place code is written or
 * patched (codebuf_rw_addr).  Because both views map the same file pages,
 * a store through RW is visible through RX, and x86-64 keeps instruction
 * fetch coherent with data stores, so no cache maintenance is needed.
 * No mapping is ever writable and executable at once, which also keeps
 * hardened kernels (PaX, SELinux execmem) happy as long as memfd exec is
 * allowed.
 *
 * Metadata: a private anonymous mapping, bump-allocated.  It is not
 * executable and is reset together with the code by a flush.  Both
 * mappings are lazily committed by the kernel, so a generous size costs
 * address space, not memory.
 */
#include "jit/codebuf.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t round_up_to_page(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (n + page - 1) & ~(page - 1);
}

int codebuf_init(CodeBuf *cb, size_t code_size, size_t data_size)
{
    memset(cb, 0, sizeof(*cb));
    if (code_size == 0 || data_size == 0)
        return -EINVAL;
    code_size = round_up_to_page(code_size);
    data_size = round_up_to_page(data_size);

    int fd = memfd_create("mimic-jit", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)code_size) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    void *rx = mmap(NULL, code_size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (rx == MAP_FAILED) {
        int err = errno;
        close(fd);
        return -err;
    }
    void *rw = mmap(NULL, code_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int err = errno;
    /* The mappings keep the file alive; the descriptor is not needed. */
    close(fd);
    if (rw == MAP_FAILED) {
        munmap(rx, code_size);
        return -err;
    }
    void *data = mmap(NULL, data_size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) {
        err = errno;
        munmap(rx, code_size);
        munmap(rw, code_size);
        return -err;
    }
    cb->rx = rx;
    cb->rw = rw;
    cb->size = code_size;
    cb->data = data;
    cb->data_size = data_size;
    cb->fork_fd = -1;
    return 0;
}

void codebuf_destroy(CodeBuf *cb)
{
    if (cb->rx)
        munmap(cb->rx, cb->size);
    if (cb->rw)
        munmap(cb->rw, cb->size);
    if (cb->data)
        munmap(cb->data, cb->data_size);
    memset(cb, 0, sizeof(*cb));
}

int codebuf_fork_prepare(CodeBuf *cb)
{
    cb->fork_fd = -1;
    if (!cb->rx)
        return 0;
    int fd = memfd_create("mimic-jit", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)cb->size) < 0)
        goto fail;
    for (size_t done = 0; done < cb->used;) {
        ssize_t n = pwrite(fd, cb->rx + done, cb->used - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        done += (size_t)n;
    }
    cb->fork_fd = fd;
    return 0;
fail:;
    int err = errno ? -errno : -EIO;
    close(fd);
    return err;
}

int codebuf_fork_child(CodeBuf *cb)
{
    int fd = cb->fork_fd;
    cb->fork_fd = -1;
    if (!cb->rx)
        return 0;
    if (fd < 0)
        return -EBADF;
    int err = 0;
    if (mmap(cb->rx, cb->size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, fd, 0) ==
            MAP_FAILED ||
        mmap(cb->rw, cb->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
            MAP_FAILED)
        err = -errno;
    close(fd);
    return err;
}

void codebuf_fork_parent(CodeBuf *cb)
{
    if (cb->fork_fd >= 0)
        close(cb->fork_fd);
    cb->fork_fd = -1;
}

void codebuf_reset(CodeBuf *cb)
{
    cb->used = cb->reserved;
    cb->data_used = 0;
}

/* Bump allocation shared by both areas; align must be a power of two
 * (0 and 1 mean unaligned). */
static size_t bump(size_t *used, size_t size, uintptr_t base, size_t len, size_t align,
                   bool *ok)
{
    if (align == 0)
        align = 1;
    uintptr_t cur = base + *used;
    uintptr_t aligned = (cur + align - 1) & ~(uintptr_t)(align - 1);
    size_t start = aligned - base;
    if (start > size || len > size - start) {
        *ok = false;
        return 0;
    }
    *used = start + len;
    *ok = true;
    return start;
}

void *codebuf_claim(CodeBuf *cb, size_t len, size_t align)
{
    bool ok;
    size_t start = bump(&cb->used, cb->size, (uintptr_t)cb->rx, len, align, &ok);
    return ok ? cb->rx + start : NULL;
}

void *codebuf_data_alloc(CodeBuf *cb, size_t len, size_t align)
{
    bool ok;
    size_t start = bump(&cb->data_used, cb->data_size, (uintptr_t)cb->data, len, align, &ok);
    return ok ? cb->data + start : NULL;
}
