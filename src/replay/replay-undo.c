/*
 * The page undo log (replay/replay-undo.h).  Each epoch is a list of
 * chunks; a chunk is one mmap holding a header, the page numbers and the
 * page contents of up to CHUNK_PAGES pages.
 */
#include "replay/replay-undo.h"

#include <string.h>
#include <sys/mman.h>

#define CHUNK_PAGES 255u
#define MAX_EPOCHS 4096u

typedef struct Chunk {
    struct Chunk *prev;          /* older chunk of the same epoch */
    uint32_t count;
    uint32_t page[CHUNK_PAGES];
} Chunk;

/* The header takes the first page; the contents follow. */
#define CHUNK_BYTES ((size_t)(CHUNK_PAGES + 1) * REPLAY_UNDO_PAGE)

_Static_assert(sizeof(Chunk) <= REPLAY_UNDO_PAGE, "chunk header fits its page");

static struct {
    Chunk *last[MAX_EPOCHS];     /* newest chunk of each epoch */
    bool incomplete[MAX_EPOCHS];
    unsigned epoch;
    size_t bytes;
} u;

static uint8_t *chunk_data(Chunk *c, uint32_t i)
{
    return (uint8_t *)c + (size_t)(i + 1) * REPLAY_UNDO_PAGE;
}

static void drop_epoch(unsigned e)
{
    for (Chunk *c = u.last[e]; c;) {
        Chunk *prev = c->prev;
        munmap(c, CHUNK_BYTES);
        u.bytes -= CHUNK_BYTES;
        c = prev;
    }
    u.last[e] = NULL;
    u.incomplete[e] = false;
}

void replay_undo_begin_epoch(unsigned epoch)
{
    if (epoch >= MAX_EPOCHS)
        epoch = MAX_EPOCHS - 1;
    for (unsigned e = epoch; e < MAX_EPOCHS && (u.last[e] || u.incomplete[e]); e++)
        drop_epoch(e);
    u.epoch = epoch;
}

uint8_t *replay_undo_slot(uint32_t page)
{
    Chunk *c = u.last[u.epoch];
    if (!c || c->count == CHUNK_PAGES) {
        void *m = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (m == MAP_FAILED) {
            u.incomplete[u.epoch] = true;
            return NULL;
        }
        Chunk *n = m;
        n->prev = c;
        n->count = 0;
        u.last[u.epoch] = n;
        u.bytes += CHUNK_BYTES;
        c = n;
    }
    c->page[c->count] = page;
    return chunk_data(c, c->count++);
}

void replay_undo_mark_unread(void)
{
    Chunk *c = u.last[u.epoch];
    if (c && c->count)
        c->page[c->count - 1] |= 0x80000000u;
}

bool replay_undo_rewind(unsigned epoch, void (*fn)(void *opaque, uint32_t page,
                                                   const uint8_t *data),
                        void *opaque)
{
    if (epoch > u.epoch)
        return false;
    for (unsigned e = epoch; e <= u.epoch; e++)
        if (u.incomplete[e])
            return false;
    /* Newest first: within an epoch a page is saved once, so the order
     * inside one does not matter. */
    for (unsigned e = u.epoch + 1; e-- > epoch;) {
        for (Chunk *c = u.last[e]; c; c = c->prev)
            for (uint32_t i = 0; i < c->count; i++)
                fn(opaque, c->page[i], chunk_data(c, i));
    }
    replay_undo_begin_epoch(epoch);
    return true;
}

size_t replay_undo_bytes(void)
{
    return u.bytes;
}
