/*
 * Files mimic itself opens (logs, traces) while a guest may run: they
 * are close-on-exec and numbered high, out of the range where the guest's
 * own descriptors are allocated, so that the guest's open() returns the
 * numbers it gets natively (3 for its first file) and a trace of the
 * guest compares with a native one.
 */
#ifndef MIMIC_UTIL_HOST_FILE_H
#define MIMIC_UTIL_HOST_FILE_H

#include <stdio.h>

/* fopen(path, mode) ("r", "w", "wb", "rb", "a"), then the descriptor moved
 * high.  NULL with errno set on failure. */
FILE *host_fopen(const char *path, const char *mode);

/* Moves fd (closing it) to the lowest free number in mimic's high range,
 * close-on-exec; returns the new descriptor, or fd itself when no high
 * number is free. */
int host_fd_move_high(int fd);

#endif
