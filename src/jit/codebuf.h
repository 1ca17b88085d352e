/*
 * The translation cache's memory: generated code and per-block data.
 *
 * W^X: the code lives in one memfd mapped twice, once read+execute (where
 * it runs) and once read+write (where it is written and patched), so no
 * page is ever writable and executable through the same mapping.  Block
 * metadata (pc maps, interpreter programs) lives in a separate ordinary
 * arena.  Both are bump-allocated and reset together by a flush.
 */
#ifndef MIMIC_JIT_CODEBUF_H
#define MIMIC_JIT_CODEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CodeBuf {
    uint8_t *rx;          /* executable view */
    uint8_t *rw;          /* writable view of the same pages */
    size_t size;
    size_t used;          /* bytes of code in use, from rx */
    size_t reserved;      /* shared stubs at the start, kept by a flush */
    uint8_t *data;        /* metadata arena */
    size_t data_size;
    size_t data_used;
    void *backend_state;  /* the backend's stub addresses etc. */
    int fork_fd;          /* codebuf_fork_prepare's snapshot, or -1 */
} CodeBuf;

/* Maps a buffer of code_size bytes (rounded to pages) and a metadata
 * arena of data_size bytes.  Returns 0 or a negative errno. */
int codebuf_init(CodeBuf *cb, size_t code_size, size_t data_size);
void codebuf_destroy(CodeBuf *cb);
/*
 * fork(): the code is a shared memfd mapping, which parent and child
 * would both write (new blocks, and chaining patches in old ones).
 * Before the fork, with everything that writes code stopped (the
 * translation cache's lock held), codebuf_fork_prepare snapshots the code
 * into a new file; the child's codebuf_fork_child maps the snapshot at
 * the same two addresses, so every code pointer stays valid, and the
 * parent's codebuf_fork_parent drops it.  0 or -errno.
 */
int codebuf_fork_prepare(CodeBuf *cb);
int codebuf_fork_child(CodeBuf *cb);
void codebuf_fork_parent(CodeBuf *cb);
/* Forgets every block; the reserved prefix stays. */
void codebuf_reset(CodeBuf *cb);

/* The writable alias of an address in the executable view. */
static inline uint8_t *codebuf_rw_addr(const CodeBuf *cb, const void *rx_addr)
{
    return cb->rw + ((const uint8_t *)rx_addr - cb->rx);
}
static inline bool codebuf_contains(const CodeBuf *cb, uintptr_t pc)
{
    return pc >= (uintptr_t)cb->rx && pc < (uintptr_t)cb->rx + cb->used;
}
static inline size_t codebuf_avail(const CodeBuf *cb)
{
    return cb->size - cb->used;
}
/* Claims len bytes of code at the current position (rx address), after
 * aligning it; NULL when the buffer is full. */
void *codebuf_claim(CodeBuf *cb, size_t len, size_t align);
/* Metadata allocation; NULL when the arena is full. */
void *codebuf_data_alloc(CodeBuf *cb, size_t len, size_t align);

#endif
