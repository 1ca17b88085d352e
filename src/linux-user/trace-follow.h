/*
 * mimic-i386 -trace-follow REF: run in step with a reference trace that
 * mimic-hwtrace recorded on the host CPU (docs/trace-format.md), so that
 * the two traces can be compared instruction by instruction even though
 * the program sees things that differ from run to run.  The reference
 * supplies:
 *   - the initial stack (environment, auxiliary vector, AT_RANDOM bytes)
 *     and registers;
 *   - the result of every system call and the memory it wrote; mmap2
 *     places its mapping where the reference's went;
 *   - the results of CPUID and RDTSC.
 * System calls still run (the program's output appears, files are read),
 * their results are then replaced by the reference's.  Only the first
 * thread of the process that was started follows; when mimic leaves the
 * reference's path (another instruction address, a system call the
 * reference did not make), following stops with one warning, and the
 * trace comparison shows where.
 */
#ifndef MIMIC_LINUX_USER_TRACE_FOLLOW_H
#define MIMIC_LINUX_USER_TRACE_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

struct LinuxThread;

/* The command line named the reference (opened by trace_follow_start). */
void trace_follow_request(const char *path);
bool trace_follow_requested(void);

/* After the program is loaded, before its first instruction: opens the
 * reference and takes its initial stack and registers.  A reference that
 * cannot be read, or that starts elsewhere, is a user error. */
void trace_follow_start(struct LinuxThread *t);

/* True while t follows the reference. */
bool trace_follow_active(struct LinuxThread *t);

/* Before each cpu_exec of t: lines the reference up with the instruction
 * about to run, and limits the run to that one instruction. */
void trace_follow_step(struct LinuxThread *t);

/* Around linux_syscall for the system call t is making. */
void trace_follow_syscall_before(struct LinuxThread *t);
void trace_follow_syscall_after(struct LinuxThread *t);

#endif
