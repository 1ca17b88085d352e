/*
 * The record/replay log (docs/replay-format.md): a versioned header, then
 * util/zframe frames of events.  The recorder (issue 7) puts one event per
 * non-deterministic input the guest sees, ends a frame at every
 * checkpoint and before the process exits or dies, so a recording cut
 * short by SIGKILL still replays up to its last complete frame.
 */
#ifndef MIMIC_REPLAY_REPLAY_LOG_H
#define MIMIC_REPLAY_REPLAY_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPLAY_LOG_MAGIC "MIMICRR\0"        /* 8 bytes, with the NUL */
/* Changes whenever an event kind or payload layout changes. */
#define REPLAY_LOG_VERSION 2u
#define REPLAY_FRAME_MAGIC 0x4d465252u       /* "RRFM" little-endian */
/* The writer ends a frame once it holds this much. */
#define REPLAY_FRAME_BYTES (1u << 20)
#define REPLAY_PAYLOAD_MAX (64u << 20)       /* largest event payload */
#define REPLAY_EVENT_HEAD 17                 /* kind, tid, icount, len */
#define REPLAY_STRING_MAX (1u << 20)         /* largest header string */
#define REPLAY_SIGINFO_BYTES 128

enum {
    /* A system call returned: nr, result and the guest memory it wrote. */
    REPLAY_EV_SYSCALL = 1,
    /* Random bytes the guest got from outside (AT_RANDOM, getrandom). */
    REPLAY_EV_RANDOM = 2,
    /* CPUID or RDTSC: the four registers after it. */
    REPLAY_EV_NONDET = 3,
    /* A signal delivered before the instruction at icount. */
    REPLAY_EV_SIGNAL = 4,
    /* The scheduler switched threads: next_tid runs from icount on. */
    REPLAY_EV_SWITCH = 5,
    /* A state check: pc and hashes of the CPU state and of the guest
     * memory written since the previous checkpoint. */
    REPLAY_EV_CHECKPOINT = 6,
    /* The guest process ended (exit status or killing signal). */
    REPLAY_EV_EXIT = 7,
    /* The process as it starts (first event): the initial stack with its
     * arguments, environment and auxiliary vector, and the program. */
    REPLAY_EV_STACK = 8,
    REPLAY_EV_KINDS
};

#define REPLAY_NONDET_CPUID 0x0fa2u
#define REPLAY_NONDET_RDTSC 0x0f31u

typedef struct ReplayLogHeader {
    uint32_t version;             /* REPLAY_LOG_VERSION when read back */
    const char *mimic_version;
    const char *target;           /* "i386" */
    const char *cmdline;          /* the guest's argv joined by spaces */
    uint64_t config_hash;         /* caller-defined; replay refuses a mismatch */
    uint64_t checkpoint_interval; /* instructions between checkpoints */
} ReplayLogHeader;

/* One piece of guest memory a system call wrote. */
typedef struct ReplayMem {
    uint64_t addr;
    uint32_t len;
    const uint8_t *bytes;
} ReplayMem;

/* An event.  Pointers in it are the caller's when writing; when read
 * back they point into the reader and stay valid until its next call. */
typedef struct ReplayEvent {
    uint8_t kind;
    uint32_t tid;
    /* Instructions thread tid had executed before the event (each guest
     * thread counts its own; with threads serialized the total order of
     * events is the log's order). */
    uint64_t icount;
    union {
        struct {
            uint32_t nr;
            uint64_t args[6];     /* the argument registers, zero-extended */
            uint64_t result;      /* the return register, zero-extended */
            /* Output calls (write, send...): XXH64 of the bytes the guest
             * handed over, which replay checks; has_out_hash 0 or 1. */
            uint8_t has_out_hash;
            uint64_t out_hash;
            uint32_t count;
            const ReplayMem *mem;
        } syscall;
        struct {
            uint32_t len;
            const uint8_t *bytes;
        } random;
        struct {
            uint32_t opcode;      /* REPLAY_NONDET_CPUID or _RDTSC */
            uint32_t regs[4];     /* EAX ECX EDX EBX after it */
        } nondet;
        struct {
            uint32_t signo;
            uint8_t info[REPLAY_SIGINFO_BYTES];   /* the guest's siginfo */
        } signal;
        struct {
            /* tid stops at icount; next_tid runs next */
            uint32_t next_tid;
        } sw;
        struct {
            uint64_t pc;
            uint64_t cpu_hash;
            uint64_t mem_hash;
            /* The thread's registers (the target's gdb 'g' image), so a
             * divergence can name the registers that differ. */
            uint32_t regs_len;
            const uint8_t *regs;
        } checkpoint;
        struct {
            uint64_t sp;          /* the initial stack pointer */
            uint64_t auxv_addr;   /* where the auxiliary vector is */
            uint32_t auxv_len;
            uint32_t path_len;    /* the program's absolute host path */
            const char *path;     /* not NUL-terminated */
            uint32_t len;         /* bytes from sp to the stack's top */
            const uint8_t *bytes;
        } stack;
        struct {
            bool killed;          /* by a signal, rather than exit() */
            uint32_t code;        /* exit status or signal number */
        } exit;
    } u;
} ReplayEvent;

typedef struct ReplayLogWriter ReplayLogWriter;
typedef struct ReplayLogReader ReplayLogReader;

/* Creates path and writes the header; NULL with a message in err. */
ReplayLogWriter *replay_log_create(const char *path, const ReplayLogHeader *h,
                                   char *err, size_t errlen);
/* Buffers one event; a full frame is written out.  0, -EINVAL (a bad
 * kind or a payload over REPLAY_PAYLOAD_MAX), -ENOMEM or -errno. */
int replay_log_put(ReplayLogWriter *w, const ReplayEvent *ev);
/* Ends the current frame (writes it out).  0 or -errno. */
int replay_log_flush(ReplayLogWriter *w);
/* Flushes and closes; frees w whatever happens.  0 or -errno. */
int replay_log_close(ReplayLogWriter *w);

/* Opens path and checks its header; NULL with a one-line message in err
 * (wrong magic, another format version, a damaged header). */
ReplayLogReader *replay_log_open(const char *path, char *err, size_t errlen);
const ReplayLogHeader *replay_log_header(const ReplayLogReader *r);
/* 1: the next event in *ev; 0: the end (clean, or a torn last frame:
 * replay_log_truncated); -1: a corrupt log (replay_log_error has one
 * line naming the frame and its offset). */
int replay_log_next(ReplayLogReader *r, ReplayEvent *ev);
const char *replay_log_error(const ReplayLogReader *r);
bool replay_log_truncated(const ReplayLogReader *r);
/* Complete frames read so far. */
unsigned replay_log_frames(const ReplayLogReader *r);
void replay_log_close_reader(ReplayLogReader *r);

/* "syscall", "random", …; "?" for an unknown kind. */
const char *replay_event_name(unsigned kind);
/* One line of text (no newline) for mimic-rr dump; truncated to len. */
void replay_event_format(const ReplayEvent *ev, char *buf, size_t len);

/* Limits of the version 2 payloads the reader enforces (and the writer:
 * replay_log_put returns -EINVAL past them). */
#define REPLAY_REGS_MAX 4096u                /* a checkpoint's regs_len */
#define REPLAY_PATH_MAX 4096u                /* a stack event's path_len */

#endif
