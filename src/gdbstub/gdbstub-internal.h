/*
 * The stub's state, shared by its connection and synchronisation code
 * (gdbstub.c) and its command handling (gdb-commands.c, gdb-monitor.c).
 */
#ifndef MIMIC_GDBSTUB_GDBSTUB_INTERNAL_H
#define MIMIC_GDBSTUB_GDBSTUB_INTERNAL_H

#include <pthread.h>

#include "gdbstub/gdb-packet.h"
#include "gdbstub/gdbstub.h"

#define GDB_MAX_ACTIONS 64
#define GDB_MAX_THREADS 1024
/* What we advertise as PacketSize (hex in qSupported): the largest packet
 * gdb may send us, and what we fill replies up to. */
#define GDB_PACKET_SIZE 0x4000
/* A reply before framing: hex doubles the data. */
#define GDB_REPLY_MAX (GDB_PACKET_SIZE + 64)

typedef struct GdbThreadState {
    int tid;
    uint64_t gen;
    bool held;
} GdbThreadState;

typedef struct GdbAction {
    int tid;        /* -1: the default action */
    GdbResume r;
} GdbAction;

struct GdbStub {
    const GdbTargetDesc *target;
    const GdbHostOps *ops;
    void *opaque;

    /* Connection (owned by the stub's thread). */
    int listen_fd;
    int fd;                     /* -1 when no gdb is connected */
    char unix_path[108];
    pthread_t thread;
    GdbPacketReader rd;
    bool no_ack;
    bool stop_on_disconnect;
    uint8_t *framed;            /* the last reply, for a resend on '-' */
    size_t framed_len;
    char reply[GDB_REPLY_MAX];  /* the reply being built */
    size_t reply_len;

    /* All-stop synchronisation, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int wake[2];                /* a pipe: guest threads wake the stub's poll */
    int running;                /* guest threads inside guest code */
    bool stop_requested;        /* read without the lock by gdbstub_stopping */
    bool stopped;               /* gdb has the guest: nobody runs */
    uint64_t gen;               /* counts resumes */
    GdbAction actions[GDB_MAX_ACTIONS];
    unsigned nb_actions;
    /* Per guest thread: the resume it last took its action from, and
     * whether that resume left it stopped (vCont naming other threads
     * only).  A thread outside guest code when the guest stopped takes
     * its action from the latest resume when it comes back. */
    GdbThreadState threads[GDB_MAX_THREADS];
    unsigned nb_threads;
    /* The event being reported. */
    bool report_pending;
    int report_tid, report_sig;
    char report_reason[48];
    bool exited;                /* the process ended: W/X sent */

    /* Command state (the stub's thread only, while stopped). */
    int stop_tid;               /* thread of the current stop */
    int stop_sig;
    char stop_reason[48];
    int g_tid;                  /* Hg: registers and memory of this thread */
    int c_tid;                  /* Hc: the thread legacy s/c act on */
};

/* gdb-commands.c: handles one packet while the guest is stopped.  Returns
 * true when gdb resumed the guest (the actions are in s->actions). */
bool gdb_handle_packet(GdbStub *s, char *pkt, size_t len);
/* The stop reply for the current stop into s->reply. */
void gdb_stop_reply(GdbStub *s);

/* Replies (gdbstub.c). */
void gdb_reply_clear(GdbStub *s);
void gdb_reply_str(GdbStub *s, const char *str);
void gdb_reply_fmt(GdbStub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gdb_reply_hex(GdbStub *s, const uint8_t *data, size_t len);
void gdb_reply_bin(GdbStub *s, const uint8_t *data, size_t len);
/* Sends s->reply as one packet (and waits for its ack in ack mode). */
void gdb_send_reply(GdbStub *s);
/* An 'O' console packet now, before the reply (monitor output). */
void gdb_send_console(GdbStub *s, const char *text);

/* gdb-monitor.c: qRcmd's command (already decoded from hex). */
void gdb_monitor(GdbStub *s, const char *cmd);

/* gdb-signals.c: guest (Linux) signal numbers <-> gdb's. */
int gdb_signal_from_host(int sig);
int gdb_signal_to_host(int gdb_sig);

/* The CPU of a thread for register access: Hg's, else the stopped one. */
CPUState *gdb_current_cpu(GdbStub *s);

#endif
