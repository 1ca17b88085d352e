/*
 * What signal.c (pending sets, delivery, host handlers) shares with
 * signal-calls.c (the signal system calls), and nobody else.
 */
#ifndef MIMIC_LINUX_USER_SIGNAL_INTERNAL_H
#define MIMIC_LINUX_USER_SIGNAL_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "linux-user/user-internal.h"

#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
#define SIGRTMIN_ 32

/* A kill-style siginfo from this process (kill, tkill of ourselves). */
void sig_self_info(GuestSiginfo *g, int sig, int code);
/* Records one more instance of sig for t (NULL: the process); false when
 * a real-time queue is full. */
bool sig_record(LinuxProcess *proc, LinuxThread *t, int sig, const GuestSiginfo *info);
uint64_t sig_load_pending(const uint64_t *p);
/* Whether the disposition in acts[sig] discards sig. */
bool sig_is_ignored(const GuestSigAction *acts, int sig);
/* Drops the queued instances of the signals in sigs. */
void sig_queue_drop(SigQueue *q, uint64_t sigs);
/* Takes the next pending signal in `allowed` (thread first, synchronous
 * first, lowest number): its number, or 0. */
int sig_dequeue(LinuxThread *t, uint64_t allowed, GuestSiginfo *info);
/* Sleeps until t has a deliverable signal, one of `also` is pending, or
 * the CLOCK_MONOTONIC deadline passes (false). */
bool sig_wait(LinuxThread *t, uint64_t also, const struct timespec *deadline);
/* Makes the host disposition of sig implement the guest's ka. */
void sig_set_host_action(int sig, const GuestSigAction *ka);

#endif
