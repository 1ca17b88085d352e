/*
 * The page undo log behind replay snapshots (reverse execution).
 *
 * Time between two snapshots is an epoch.  The first time a guest page is
 * about to change in an epoch, its contents are saved in that epoch; so
 * epoch k holds, for each page changed after snapshot k, its contents at
 * snapshot k.  Going back to snapshot k writes the saved pages back,
 * newest epoch first, which leaves every page as it was at k.  Memory is
 * spent only on pages that changed, once per epoch.
 *
 * Saves may run in the host fault handler (a guest store hit a tracked
 * page): storage comes from mmap in chunks, never malloc.  One thread
 * saves at a time (replay runs one guest thread at a time).
 */
#ifndef MIMIC_REPLAY_REPLAY_UNDO_H
#define MIMIC_REPLAY_REPLAY_UNDO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPLAY_UNDO_PAGE 4096u

/* Starts epoch `epoch` (the snapshot of that number was just taken);
 * epochs are numbered from 0 and only ever grow by one, or go back with
 * replay_undo_rewind. */
void replay_undo_begin_epoch(unsigned epoch);

/* Room for one page's contents in the current epoch under page number
 * `page`, for the caller to fill; NULL when out of memory (the epoch is
 * then marked incomplete: going back past it is refused). */
uint8_t *replay_undo_slot(uint32_t page);

/* The page of the last slot could not be read: it is handed to the
 * rewind function with bit 31 set. */
void replay_undo_mark_unread(void);

/* Writes back, newest epoch first, every page saved in epochs >= epoch
 * (fn gets each page and its saved contents), then drops those epochs:
 * the current epoch is `epoch` again, empty.  False (nothing done) when
 * one of them is incomplete. */
bool replay_undo_rewind(unsigned epoch, void (*fn)(void *opaque, uint32_t page,
                                                   const uint8_t *data),
                        void *opaque);

/* Bytes held, for the monitor and docs. */
size_t replay_undo_bytes(void);

#endif
