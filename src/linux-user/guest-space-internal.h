/*
 * Declarations shared by guest-space.c and mmap.c only.
 */
#ifndef MIMIC_LINUX_USER_GUEST_SPACE_INTERNAL_H
#define MIMIC_LINUX_USER_GUEST_SPACE_INTERNAL_H

#include "linux-user/guest-space.h"

/* Host protection for a page with these GPAGE_* flags: guest-writable
 * pages holding code stay read-only; the host never executes guest
 * pages, so PROT_EXEC is never asked for. */
int guest_host_prot(unsigned flags);

/* Makes the host protection of pages [page, page + npages) follow their
 * flags.  prot_lock held.  0 or -errno. */
int guest_apply_prot_locked(GuestSpace *gs, uint32_t page, uint32_t npages);

#endif
