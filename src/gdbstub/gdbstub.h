/*
 * The GDB remote stub: gdb's Remote Serial Protocol over TCP or a Unix
 * socket, for `gdb -ex 'target remote :1234'`.
 *
 * The stub knows nothing of a target beyond its register description
 * (gdb-target.h) and nothing of the front end beyond GdbHostOps.  It runs
 * all-stop: when one guest thread stops (a breakpoint, a step, a signal,
 * gdb's Ctrl-C) every guest thread stops before gdb hears of it, and all
 * resume together.
 *
 * Threads.  The stub has a host thread of its own that owns the socket.
 * Guest threads call in at three points: before they run guest code
 * (gdbstub_enter_guest, which waits while the guest is stopped), after
 * (gdbstub_leave_guest), and when they have something to report
 * (gdbstub_report, which waits until gdb resumes them and says how).  A
 * thread outside guest code (in a system call, delivering a signal)
 * counts as stopped: its registers do not change under gdb until it
 * calls back in.
 */
#ifndef MIMIC_GDBSTUB_GDBSTUB_H
#define MIMIC_GDBSTUB_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/cpu.h"
#include "gdbstub/gdb-target.h"

typedef struct GdbStub GdbStub;

/* The front end's side, called from the stub's thread while every guest
 * thread is stopped (but `interrupt`, called while they run). */
typedef struct GdbHostOps {
    /* Guest memory: false if any byte is not readable (writable). */
    bool (*read_mem)(void *opaque, uint64_t addr, uint8_t *buf, size_t len);
    bool (*write_mem)(void *opaque, uint64_t addr, const uint8_t *buf, size_t len);
    /* The guest threads' ids (> 0), in creation order: how many were
     * written to tids (at most max). */
    unsigned (*list_threads)(void *opaque, int *tids, unsigned max);
    /* A thread's CPU; NULL if there is no such thread. */
    CPUState *(*thread_cpu)(void *opaque, int tid);
    /* qXfer:OBJECT:read with an empty annex: up to len bytes of the
     * object from offset; the count (0 at its end), or -1 if the object
     * does not exist. */
    long (*xfer_read)(void *opaque, const char *object, uint64_t offset, uint8_t *buf,
                      size_t len);
    /* Software breakpoints (the translator stops before pc): false if the
     * table is full (insert) or there was none (remove). */
    bool (*breakpoint)(void *opaque, uint64_t pc, bool insert);
    /* Watchpoints on [addr, addr + len): type 1 write, 2 read, 3 access
     * (Z2, Z3, Z4); false if full (insert) or none such (remove).  A
     * stop after an instruction that hit one is reported by the front end
     * with "watch:ADDR;", "rwatch:ADDR;" or "awatch:ADDR;". */
    bool (*watchpoint)(void *opaque, uint64_t addr, uint64_t len, int type, bool insert);
    /* Removes every breakpoint and watchpoint (gdb went away). */
    void (*breakpoints_clear)(void *opaque);
    /* Makes every guest thread leave guest code soon (Ctrl-C, or
     * another thread stopped): they call gdbstub_leave_guest. */
    void (*interrupt)(void *opaque);
    /* Instructions the thread has completed (monitor "icount"). */
    uint64_t (*icount)(void *opaque, CPUState *cpu);
    /* gdb asked to kill the guest (k, vKill): does not return. */
    void (*kill)(void *opaque);
    /* Reverse execution (a replay): whether it is offered now, and gdb's
     * bs (step) / bc on thread tid.  reverse goes back and arranges for
     * the guest, once resumed, to stop where the command ends and report
     * it; false (an error reply) when it cannot.  NULL: not offered. */
    bool (*can_reverse)(void *opaque);
    bool (*reverse)(void *opaque, int tid, bool step);
} GdbHostOps;

/* How gdb resumes a thread. */
typedef struct GdbResume {
    bool step;      /* one instruction, then report SIGTRAP */
    int signal;     /* guest signal to deliver on resuming, 0: none */
    bool dropped;   /* gdbstub_report of a breakpoint: not reported (see there) */
} GdbResume;

/* Listens on spec ("PORT", "HOST:PORT" or "unix:PATH"; 127.0.0.1 unless
 * HOST is given) and waits for gdb to connect; then gdb sees the guest
 * stopped with SIGTRAP in thread `first_tid` before its first
 * instruction.  When gdb goes away (detach, quit, lost connection) its
 * breakpoints go and the guest runs on, or with stop_on_disconnect stays
 * stopped until the next gdb connects.  NULL, with a one-line reason in
 * err, on failure. */
GdbStub *gdbstub_start(const char *spec, const GdbTargetDesc *target, const GdbHostOps *ops,
                       void *opaque, int first_tid, bool stop_on_disconnect, char *err,
                       size_t errlen);

/* A guest thread is about to run guest code: waits while the guest is
 * stopped.  True when it did wait, with how gdb resumed the thread in
 * *r (a step, a signal to deliver); false when it went straight on. */
bool gdbstub_enter_guest(GdbStub *s, int tid, GdbResume *r);
/* A guest thread left guest code. */
void gdbstub_leave_guest(GdbStub *s, int tid);
/* True when a stop is pending: the caller should not start long work. */
bool gdbstub_stopping(GdbStub *s);

/*
 * A guest thread stopped with guest signal sig (SIGTRAP for a breakpoint
 * or a finished step; `reason` is the stop reply's extra field such as
 * "swbreak:;", or NULL).  gdb hears of it once every thread is stopped;
 * returns when gdb resumes, with the signal to deliver (gdb may cancel
 * or change it) and whether to step.  Must be called outside guest code.
 *
 * A breakpoint (`again`: the instruction did not run, running it again
 * stops again) is dropped instead, returning at once with r.dropped,
 * when another stop is being reported or gdb has the guest: gdb may be
 * stepping another thread over this very breakpoint, and the thread
 * meets it again when it resumes, as a gdbserver discards such events.
 */
GdbResume gdbstub_report(GdbStub *s, int tid, int sig, const char *reason, bool again);

/* The guest process ends: exit status code, or killed by signal sig
 * (sig != 0).  Tells gdb (W/X) and closes the connection. */
void gdbstub_exit(GdbStub *s, int code, int sig);

/* A guest thread is gone (its id stops appearing in thread lists). */
void gdbstub_thread_exit(GdbStub *s, int tid);

#endif
