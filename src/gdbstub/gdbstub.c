/*
 * The GDB stub's connection and its all-stop synchronisation with the
 * guest threads (the protocol's commands are in gdb-commands.c).
 *
 * One host thread of the stub owns the socket.  While the guest runs it
 * polls the socket (for gdb's Ctrl-C, 0x03) and a pipe that guest
 * threads write to when they have a stop to report.  Either way it then
 * asks every guest thread to leave guest code (GdbHostOps.interrupt),
 * waits until none is inside, tells gdb, and serves gdb's packets until
 * one resumes the guest.  Guest threads wait on the condition variable
 * while the guest is stopped; a resume gives each its action (continue
 * or step, a signal to deliver), and a thread without one (vCont naming
 * other threads only) stays stopped until a later resume names it.
 *
 * A connection that ends (gdb quit, detached, or died) removes gdb's
 * breakpoints, lets the guest run on and waits for the next gdb, which
 * finds the guest stopped again as it connects.
 */
#include "gdbstub/gdbstub-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/host-file.h"
#include "util/log.h"

/* -d gdb: a line per packet and per stop, flushed at once, since the
 * process may end (or be killed) at any moment. */
__attribute__((format(printf, 1, 2)))
static void trace(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_printf("gdb: %s\n", line);
    log_flush();
}

/* ---- replies ---------------------------------------------------------- */

void gdb_reply_clear(GdbStub *s)
{
    s->reply_len = 0;
    s->reply[0] = '\0';
}

void gdb_reply_str(GdbStub *s, const char *str)
{
    size_t n = strlen(str);
    if (n > sizeof(s->reply) - 1 - s->reply_len)
        n = sizeof(s->reply) - 1 - s->reply_len;
    memcpy(s->reply + s->reply_len, str, n);
    s->reply_len += n;
    s->reply[s->reply_len] = '\0';
}

void gdb_reply_fmt(GdbStub *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->reply + s->reply_len, sizeof(s->reply) - s->reply_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->reply_len += (size_t)n < sizeof(s->reply) - s->reply_len
                        ? (size_t)n : sizeof(s->reply) - 1 - s->reply_len;
}

void gdb_reply_hex(GdbStub *s, const uint8_t *data, size_t len)
{
    if (len > (sizeof(s->reply) - 1 - s->reply_len) / 2)
        len = (sizeof(s->reply) - 1 - s->reply_len) / 2;
    gdb_bytes_to_hex(data, len, s->reply + s->reply_len);
    s->reply_len += 2 * len;
}

/* Raw bytes: gdb_packet_frame escapes what binary data needs. */
void gdb_reply_bin(GdbStub *s, const uint8_t *data, size_t len)
{
    if (len > sizeof(s->reply) - 1 - s->reply_len)
        len = sizeof(s->reply) - 1 - s->reply_len;
    memcpy(s->reply + s->reply_len, data, len);
    s->reply_len += len;
    s->reply[s->reply_len] = '\0';
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static void drop_connection(GdbStub *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static void send_framed(GdbStub *s, const uint8_t *payload, size_t len)
{
    if (s->fd < 0)
        return;
    s->framed_len = gdb_packet_frame(payload, len, s->framed, 2 * GDB_REPLY_MAX + 8);
    if (!write_all(s->fd, s->framed, s->framed_len))
        drop_connection(s);
}

void gdb_send_reply(GdbStub *s)
{
    if (log_enabled(LOG_GDB))
        trace("-> %.200s", s->reply);
    send_framed(s, (const uint8_t *)s->reply, s->reply_len);
}

void gdb_send_console(GdbStub *s, const char *text)
{
    /* 'O' and the text in hex, in pieces a packet holds. */
    size_t n = strlen(text);
    while (n) {
        size_t chunk = n < 1024 ? n : 1024;
        char buf[1 + 2 * 1024 + 1];
        buf[0] = 'O';
        gdb_bytes_to_hex((const uint8_t *)text, chunk, buf + 1);
        send_framed(s, (const uint8_t *)buf, 1 + 2 * chunk);
        text += chunk;
        n -= chunk;
    }
}

/* ---- listening -------------------------------------------------------- */

static int listen_unix(GdbStub *s, const char *path, char *err, size_t errlen)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(a.sun_path)) {
        snprintf(err, errlen, "gdb socket path too long: %s", path);
        return -1;
    }
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
        snprintf(err, errlen, "cannot listen on unix:%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(s->unix_path, sizeof(s->unix_path), "%s", path);
    return fd;
}

static int listen_tcp(const char *spec, char *err, size_t errlen)
{
    char host[64] = "127.0.0.1";
    const char *port_str = spec;
    const char *colon = strrchr(spec, ':');
    if (colon) {
        size_t hl = (size_t)(colon - spec);
        if (hl == 0 || hl >= sizeof(host)) {
            snprintf(err, errlen, "bad gdb address: %s", spec);
            return -1;
        }
        memcpy(host, spec, hl);
        host[hl] = '\0';
        port_str = colon + 1;
    }
    char *end;
    long port = strtol(port_str, &end, 10);
    if (*port_str == '\0' || *end != '\0' || port < 0 || port > 65535) {
        snprintf(err, errlen, "bad gdb port: %s", spec);
        return -1;
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        snprintf(err, errlen, "bad gdb address: %s (an IPv4 address is needed)", host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
        snprintf(err, errlen, "cannot listen on %s:%ld: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static bool accept_gdb(GdbStub *s)
{
    for (;;) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0 && errno == EINTR)
            continue;
        if (fd < 0)
            return false;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        s->fd = host_fd_move_high(fd);
        gdb_reader_init(&s->rd);
        s->no_ack = false;
        s->g_tid = s->c_tid = 0;
        return true;
    }
}

/* ---- the stop/resume protocol with guest threads ------------------------ */

/* The action of the last resume for tid; false if it names neither tid
 * nor a default. */
static bool action_for(const GdbStub *s, int tid, GdbResume *r)
{
    const GdbAction *def = NULL;
    for (unsigned i = 0; i < s->nb_actions; i++) {
        if (s->actions[i].tid == tid) {
            *r = s->actions[i].r;
            return true;
        }
        if (s->actions[i].tid == -1 && !def)
            def = &s->actions[i];
    }
    if (!def)
        return false;
    *r = def->r;
    return true;
}

/* tid's record (made on first sight, up to date with the current resume). */
static GdbThreadState *thread_state(GdbStub *s, int tid)
{
    for (unsigned i = 0; i < s->nb_threads; i++)
        if (s->threads[i].tid == tid)
            return &s->threads[i];
    static GdbThreadState overflow;
    if (s->nb_threads == GDB_MAX_THREADS) {
        overflow = (GdbThreadState){ tid, s->gen, false };
        return &overflow;
    }
    s->threads[s->nb_threads] = (GdbThreadState){ tid, s->gen, false };
    return &s->threads[s->nb_threads++];
}

/*
 * Waits (lock held) until tid may run guest code: the guest is not
 * stopped and the latest resume did not leave tid stopped.  Returns the
 * action tid took from a resume it had not seen yet (*took), or none.
 */
static GdbResume wait_turn(GdbStub *s, int tid, bool *took)
{
    GdbResume r = { false, 0, false };
    *took = false;
    for (;;) {
        GdbThreadState *t = thread_state(s, tid);
        if (t->gen != s->gen) {
            t->gen = s->gen;
            t->held = !action_for(s, tid, &r);
            *took = !t->held;
            if (log_enabled(LOG_GDB))
                trace("thread %d %s (gen %llu)", tid,
                      t->held ? "held" : r.step ? "resumed (step)" : "resumed",
                      (unsigned long long)s->gen);
        }
        if (!s->stopped && !s->stop_requested && !t->held)
            return r;
        uint64_t gen = s->gen;
        while (s->gen == gen)
            pthread_cond_wait(&s->cond, &s->lock);
    }
}

static void wake_stub(GdbStub *s)
{
    char c = 1;
    ssize_t w = write(s->wake[1], &c, 1);
    (void)w;   /* a full pipe already wakes it */
}

bool gdbstub_enter_guest(GdbStub *s, int tid, GdbResume *r)
{
    bool took;
    pthread_mutex_lock(&s->lock);
    *r = wait_turn(s, tid, &took);
    s->running++;
    pthread_mutex_unlock(&s->lock);
    return took;
}

void gdbstub_leave_guest(GdbStub *s, int tid)
{
    (void)tid;
    pthread_mutex_lock(&s->lock);
    s->running--;
    if (s->running == 0)
        pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

bool gdbstub_stopping(GdbStub *s)
{
    return __atomic_load_n(&s->stop_requested, __ATOMIC_RELAXED);
}

GdbResume gdbstub_report(GdbStub *s, int tid, int sig, const char *reason, bool again)
{
    pthread_mutex_lock(&s->lock);
    GdbThreadState *t = thread_state(s, tid);
    if (again && (s->stopped || s->stop_requested || t->held || t->gen != s->gen)) {
        if (log_enabled(LOG_GDB))
            trace("thread %d breakpoint dropped", tid);
        pthread_mutex_unlock(&s->lock);
        return (GdbResume){ false, 0, true };
    }
    /* One report at a time, and none while gdb has the guest. */
    bool took;
    wait_turn(s, tid, &took);
    if (s->fd < 0) {
        /* No gdb (it went away): the stop is not reported; the signal is
         * delivered as without a debugger. */
        pthread_mutex_unlock(&s->lock);
        return (GdbResume){ false, sig == SIGTRAP ? 0 : sig, false };
    }
    if (log_enabled(LOG_GDB))
        trace("thread %d stops with signal %d %s", tid, sig, reason ? reason : "");
    s->report_pending = true;
    s->report_tid = tid;
    s->report_sig = sig;
    snprintf(s->report_reason, sizeof(s->report_reason), "%s", reason ? reason : "");
    __atomic_store_n(&s->stop_requested, true, __ATOMIC_RELAXED);
    wake_stub(s);
    GdbResume r = wait_turn(s, tid, &took);
    pthread_mutex_unlock(&s->lock);
    return r;
}

void gdbstub_thread_exit(GdbStub *s, int tid)
{
    pthread_mutex_lock(&s->lock);
    /* gdb may be looking at this thread's registers. */
    while (s->stopped)
        pthread_cond_wait(&s->cond, &s->lock);
    for (unsigned i = 0; i < s->nb_threads; i++) {
        if (s->threads[i].tid == tid) {
            s->threads[i] = s->threads[--s->nb_threads];
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
}

void gdbstub_exit(GdbStub *s, int code, int sig)
{
    pthread_mutex_lock(&s->lock);
    while (s->stopped || s->report_pending)
        pthread_cond_wait(&s->cond, &s->lock);
    s->exited = true;
    if (s->fd >= 0) {
        gdb_reply_clear(s);
        if (sig)
            gdb_reply_fmt(s, "X%02x", gdb_signal_from_host(sig) & 0xff);
        else
            gdb_reply_fmt(s, "W%02x", code & 0xff);
        gdb_send_reply(s);
        /* Let gdb read it before the process (and the socket) goes. */
        shutdown(s->fd, SHUT_WR);
        char buf[256];
        struct pollfd p = { s->fd, POLLIN, 0 };
        while (poll(&p, 1, 2000) > 0 && read(s->fd, buf, sizeof(buf)) > 0)
            ;
    }
    if (s->unix_path[0])
        unlink(s->unix_path);
    pthread_mutex_unlock(&s->lock);
}

/* ---- the stub's thread ------------------------------------------------- */

/* Stops the guest (lock held): every thread out of guest code.  No
 * thread enters guest code once stop_requested is set, and an interrupt
 * stays pending until the thread's cpu loop takes it, so one round of
 * interrupts is enough; the last thread out wakes us. */
static void stop_guest(GdbStub *s)
{
    __atomic_store_n(&s->stop_requested, true, __ATOMIC_RELAXED);
    if (s->running > 0) {
        pthread_mutex_unlock(&s->lock);
        s->ops->interrupt(s->opaque);
        pthread_mutex_lock(&s->lock);
    }
    while (s->running > 0)
        pthread_cond_wait(&s->cond, &s->lock);
    s->stopped = true;
}

/* Lets the guest run with s->actions (lock held). */
static void resume_guest(GdbStub *s)
{
    s->report_pending = false;
    s->stopped = false;
    __atomic_store_n(&s->stop_requested, false, __ATOMIC_RELAXED);
    s->gen++;
    if (log_enabled(LOG_GDB))
        trace("resume (gen %llu, %u actions, running %d)", (unsigned long long)s->gen,
              s->nb_actions, s->running);
    pthread_cond_broadcast(&s->cond);
}

/* The thread a stop without a reporting thread is reported in. */
static int any_thread(GdbStub *s)
{
    int tids[1];
    if (s->stop_tid > 0 && s->ops->thread_cpu(s->opaque, s->stop_tid))
        return s->stop_tid;
    return s->ops->list_threads(s->opaque, tids, 1) ? tids[0] : 1;
}

/* Reads from gdb until a packet resumes the guest; false if the
 * connection ended. */
static bool serve_stopped(GdbStub *s)
{
    uint8_t buf[4096];
    for (;;) {
        ssize_t n = read(s->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (log_enabled(LOG_GDB))
                trace("connection lost (%s)", n ? strerror(errno) : "EOF");
            return false;
        }
        for (ssize_t i = 0; i < n; i++) {
            GdbEvent ev = gdb_reader_feed(&s->rd, buf[i]);
            switch (ev) {
            case GDB_EV_PACKET: {
                if (log_enabled(LOG_GDB))
                    trace("<- %.200s", (const char *)s->rd.buf);
                if (!s->no_ack && !write_all(s->fd, (const uint8_t *)"+", 1))
                    return false;
                bool resumed = gdb_handle_packet(s, (char *)s->rd.buf, s->rd.len);
                if (s->fd < 0)
                    return false;
                if (resumed)
                    return true;
                break;
            }
            case GDB_EV_BAD:
                if (!s->no_ack && !write_all(s->fd, (const uint8_t *)"-", 1))
                    return false;
                break;
            case GDB_EV_NACK:
                if (s->framed_len && !write_all(s->fd, s->framed, s->framed_len))
                    return false;
                break;
            default:   /* acks, and 0x03 while already stopped */
                break;
            }
        }
    }
}

/* Waits while the guest runs: true when it must stop (a report, or
 * Ctrl-C), false when the connection ended. */
static bool wait_running(GdbStub *s)
{
    for (;;) {
        pthread_mutex_lock(&s->lock);
        bool report = s->report_pending;
        pthread_mutex_unlock(&s->lock);
        if (report)
            return true;
        struct pollfd p[2] = { { s->fd, POLLIN, 0 }, { s->wake[0], POLLIN, 0 } };
        int n = poll(p, 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (log_enabled(LOG_GDB))
                trace("poll failed: %s", strerror(errno));
            return false;
        }
        if (p[1].revents & POLLIN) {
            char c[64];
            ssize_t r = read(s->wake[0], c, sizeof(c));
            (void)r;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t buf[256];
            ssize_t r = read(s->fd, buf, sizeof(buf));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                if (log_enabled(LOG_GDB))
                    trace("connection lost while running (%s)", r ? strerror(errno) : "EOF");
                return false;
            }
            for (ssize_t i = 0; i < r; i++) {
                /* Ctrl-C: the stop without a report is SIGINT's.  gdb
                 * sends nothing else while the guest runs (all-stop). */
                if (gdb_reader_feed(&s->rd, buf[i]) == GDB_EV_INTERRUPT)
                    return true;
            }
        }
    }
}

/* gdb went away: its breakpoints go, the guest runs on (or stays
 * stopped for the next gdb). */
static void end_session(GdbStub *s)
{
    drop_connection(s);
    if (s->stop_on_disconnect)
        return;
    pthread_mutex_lock(&s->lock);
    s->nb_actions = 1;
    s->actions[0] = (GdbAction){ -1, { false, 0, false } };
    resume_guest(s);
    pthread_mutex_unlock(&s->lock);
}

static void *stub_thread(void *arg)
{
    GdbStub *s = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    bool first = true;
    for (;;) {
        if (!first) {
            pthread_mutex_lock(&s->lock);
            bool exited = s->exited;
            pthread_mutex_unlock(&s->lock);
            if (exited || !accept_gdb(s))
                return NULL;
        }
        /* A new gdb finds the guest stopped.  The first one stops it
         * before its first instruction: the main thread is parked. */
        pthread_mutex_lock(&s->lock);
        stop_guest(s);
        s->stop_tid = first ? s->stop_tid : any_thread(s);
        s->stop_sig = first ? SIGTRAP : SIGINT;
        s->stop_reason[0] = '\0';
        pthread_mutex_unlock(&s->lock);
        first = false;
        for (;;) {
            if (!serve_stopped(s))
                break;
            pthread_mutex_lock(&s->lock);
            resume_guest(s);
            pthread_mutex_unlock(&s->lock);
            if (!wait_running(s)) {
                if (s->stop_on_disconnect) {
                    pthread_mutex_lock(&s->lock);
                    stop_guest(s);
                    pthread_mutex_unlock(&s->lock);
                }
                break;
            }
            pthread_mutex_lock(&s->lock);
            stop_guest(s);
            if (s->report_pending) {
                s->stop_tid = s->report_tid;
                s->stop_sig = s->report_sig;
                snprintf(s->stop_reason, sizeof(s->stop_reason), "%s", s->report_reason);
            } else {
                s->stop_tid = any_thread(s);
                s->stop_sig = SIGINT;
                s->stop_reason[0] = '\0';
            }
            pthread_mutex_unlock(&s->lock);
            gdb_reply_clear(s);
            gdb_stop_reply(s);
            gdb_send_reply(s);
            if (s->fd < 0)
                break;
        }
        s->ops->breakpoints_clear(s->opaque);
        end_session(s);
    }
}

GdbStub *gdbstub_start(const char *spec, const GdbTargetDesc *target, const GdbHostOps *ops,
                       void *opaque, int first_tid, bool stop_on_disconnect, char *err,
                       size_t errlen)
{
    GdbStub *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->framed = malloc(2 * GDB_REPLY_MAX + 8);
    s->target = target;
    s->ops = ops;
    s->opaque = opaque;
    s->fd = -1;
    s->stop_on_disconnect = stop_on_disconnect;
    s->stop_tid = first_tid;
    s->stop_sig = SIGTRAP;
    if (!s->framed || pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        snprintf(err, errlen, "cannot set up the gdb stub: %s", strerror(errno));
        free(s->framed);
        free(s);
        return NULL;
    }
    s->wake[0] = host_fd_move_high(s->wake[0]);
    s->wake[1] = host_fd_move_high(s->wake[1]);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->listen_fd = strncmp(spec, "unix:", 5) == 0 ? listen_unix(s, spec + 5, err, errlen)
                                                 : listen_tcp(spec, err, errlen);
    if (s->listen_fd < 0)
        goto fail;
    s->listen_fd = host_fd_move_high(s->listen_fd);
    /* The guest is stopped before its first instruction until gdb says. */
    s->stopped = true;
    s->stop_requested = true;
    if (!accept_gdb(s)) {
        snprintf(err, errlen, "waiting for gdb: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&s->thread, NULL, stub_thread, s) != 0) {
        snprintf(err, errlen, "cannot start the gdb stub thread");
        goto fail;
    }
    pthread_detach(s->thread);
    return s;
fail:
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    drop_connection(s);
    close(s->wake[0]);
    close(s->wake[1]);
    free(s->framed);
    free(s);
    return NULL;
}
