/*
 * The host randomness the guest may observe without asking for it (the
 * 16 AT_RANDOM bytes of a new process).  Everything of the kind goes
 * through here (DESIGN.md, determinism rule 1), so that record and replay
 * have one place to log and feed it.  (The getrandom system call is a
 * system call: its result is logged with the others.)
 */
#ifndef MIMIC_REPLAY_HOST_RANDOM_H
#define MIMIC_REPLAY_HOST_RANDOM_H

#include <stdbool.h>
#include <stddef.h>

/* Fills buf with len bytes from the host's generator; false (errno set)
 * if it cannot. */
bool replay_host_random(void *buf, size_t len);

#endif
