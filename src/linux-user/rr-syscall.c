/*
 * System calls under record and replay (linux-user/rr-user.h).
 *
 * What a call is to replay, by table:
 *   input    (the default) not run again: its result and the guest memory
 *            it wrote come from the log.  That covers everything whose
 *            answer comes from outside: files, time, pids, sockets,
 *            futex waits (another thread's wake is in the schedule).
 *   output   write, send...: not run again either, but the bytes handed
 *            over are hashed when recording and checked when replaying;
 *            a write to fd 1 or 2 is shown again on mimic's own.
 *   state    calls that change the emulated process itself (the address
 *            space, signal dispositions and masks, TLS, thread creation
 *            and exit): run again, and their result must match.
 *   exec     execve: a success ends the recording (the new program is
 *            another process); a failure is an input.
 * vfork is an input whose memory pieces are the pages its child changed
 * in the memory it shared with us (below).
 * A file mapping is replayed as an anonymous one at the recorded address
 * holding the recorded bytes of the file.
 *
 * Recording gives the run token up around every call that may block (all
 * but the `keep` ones), so the memory a call wrote is read once the
 * thread holds the token again, when no other thread can change it.
 * Arguments are logged and compared, so a replay that makes another call,
 * or the same call with other arguments, stops right there.
 */
#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux-user/rr-internal.h"
#include "linux-user/syscall-internal.h"
#include "linux-user/syscall.h"
#include "linux-user/user-internal.h"
#include "replay/replay-capture.h"
#include "replay/replay-sched.h"
#include "util/error.h"
#include "util/hash.h"

enum {
    RR_INPUT = 0,
    RR_OUTPUT = 1u << 0,
    RR_STATE = 1u << 1,      /* run again on replay */
    RR_KEEP = 1u << 2,       /* cannot block: recording keeps the token */
    RR_EXECVE = 1u << 3,
    RR_NOLOG = 1u << 4,      /* never returns (exit): nothing to log */
    RR_COUNT = 1u << 5,      /* the result counts the bytes of its bulk buffers */
    RR_MMAP = 1u << 6,
    RR_CLONE = 1u << 7,
};

typedef struct RRCall {
    const char *name;
    uint8_t flags;
} RRCall;

static const RRCall rr_calls[] = {
    { "exit", RR_STATE | RR_KEEP | RR_NOLOG },
    { "exit_group", RR_STATE | RR_KEEP | RR_NOLOG },
    { "brk", RR_STATE | RR_KEEP },
    { "mmap", RR_STATE | RR_KEEP | RR_MMAP },
    { "mmap2", RR_STATE | RR_KEEP | RR_MMAP },
    { "munmap", RR_STATE | RR_KEEP },
    { "mprotect", RR_STATE | RR_KEEP },
    { "mremap", RR_STATE | RR_KEEP },
    { "madvise", RR_STATE | RR_KEEP },
    { "signal", RR_STATE | RR_KEEP },
    { "sigaction", RR_STATE | RR_KEEP },
    { "rt_sigaction", RR_STATE | RR_KEEP },
    { "sigprocmask", RR_STATE | RR_KEEP },
    { "rt_sigprocmask", RR_STATE | RR_KEEP },
    { "sigaltstack", RR_STATE | RR_KEEP },
    { "sigreturn", RR_STATE | RR_KEEP },
    { "rt_sigreturn", RR_STATE | RR_KEEP },
    /* They wait for a signal: the token goes meanwhile; on replay the
     * wait is skipped (sig_wait) and the mask work redone. */
    { "sigsuspend", RR_STATE },
    { "rt_sigsuspend", RR_STATE },
    { "set_thread_area", RR_STATE | RR_KEEP },
    { "get_thread_area", RR_STATE | RR_KEEP },
    { "modify_ldt", RR_STATE | RR_KEEP },
    { "set_tid_address", RR_STATE | RR_KEEP },
    { "set_robust_list", RR_STATE | RR_KEEP },
    { "get_robust_list", RR_STATE | RR_KEEP },
    { "clone", RR_CLONE },
    { "execve", RR_EXECVE },
    { "write", RR_OUTPUT },
    { "writev", RR_OUTPUT },
    { "pwrite64", RR_OUTPUT },
    { "pwritev", RR_OUTPUT },
    { "pwritev2", RR_OUTPUT },
    { "sendto", RR_OUTPUT },
    { "sendmsg", RR_OUTPUT },
    { "socketcall", RR_INPUT },   /* output or not by its first argument */
    { "read", RR_COUNT },
    { "readv", RR_COUNT },
    { "pread64", RR_COUNT },
    { "preadv", RR_COUNT },
    { "preadv2", RR_COUNT },
    { "recvfrom", RR_COUNT },
    { "readlink", RR_COUNT },
    { "readlinkat", RR_COUNT },
    { "getrandom", RR_COUNT },
    /* Answers from the process itself that cannot block. */
    { "getpid", RR_KEEP },
    { "gettid", RR_KEEP },
    { "getppid", RR_KEEP },
    { "time", RR_KEEP },
    { "gettimeofday", RR_KEEP },
    { "clock_gettime", RR_KEEP },
    { "clock_gettime64", RR_KEEP },
    { "clock_getres", RR_KEEP },
    { "clock_getres_time64", RR_KEEP },
    { "uname", RR_KEEP },
    { "getuid32", RR_KEEP },
    { "geteuid32", RR_KEEP },
    { "getgid32", RR_KEEP },
    { "getegid32", RR_KEEP },
};

#define RR_NR_MAX 512
static uint8_t rr_flags[RR_NR_MAX];
static bool rr_flags_ready;
static uint32_t nr_write, nr_writev, nr_pwrite64, nr_pwritev, nr_pwritev2, nr_sendto,
    nr_sendmsg, nr_socketcall, nr_mmap, nr_vfork, nr_clone;

static uint32_t nr_of(const char *name)
{
    for (unsigned i = 0; i < syscall_table_size; i++)
        if (strcmp(syscall_table[i].name, name) == 0)
            return syscall_table[i].nr;
    fatal_user_error("internal error: no system call %s", name);
}

static void init_flags(void)
{
    if (rr_flags_ready)
        return;
    for (unsigned i = 0; i < sizeof(rr_calls) / sizeof(rr_calls[0]); i++) {
        uint32_t nr = nr_of(rr_calls[i].name);
        if (nr < RR_NR_MAX)
            rr_flags[nr] = rr_calls[i].flags;
    }
    nr_write = nr_of("write");
    nr_writev = nr_of("writev");
    nr_pwrite64 = nr_of("pwrite64");
    nr_pwritev = nr_of("pwritev");
    nr_pwritev2 = nr_of("pwritev2");
    nr_sendto = nr_of("sendto");
    nr_sendmsg = nr_of("sendmsg");
    nr_socketcall = nr_of("socketcall");
    nr_mmap = nr_of("mmap");
    nr_vfork = nr_of("vfork");
    nr_clone = nr_of("clone");
    rr_flags_ready = true;
}

/* socketcall's calls (linux/net.h) that send. */
enum { SOCK_SEND = 9, SOCK_SENDTO = 11, SOCK_SENDMSG = 16 };

static unsigned call_flags(LinuxThread *t, uint32_t nr, const abi_ulong a[6])
{
    if (nr >= RR_NR_MAX)
        return RR_INPUT;
    unsigned f = rr_flags[nr];
    if (nr == nr_socketcall && (a[0] == SOCK_SEND || a[0] == SOCK_SENDTO || a[0] == SOCK_SENDMSG))
        f |= RR_OUTPUT;
    /* A new thread must not run before its parent has logged the call
     * (replay makes it then); a fork's child is another process. */
    if ((f & RR_CLONE) && (a[0] & 0x00000100 /* CLONE_VM */))
        f |= RR_KEEP;
    (void)t;
    return f;
}

/* ---- the bytes an output call hands over ---------------------------------- */

/* Feeds [addr, addr + len), as far as the guest may read it, to st; with
 * echo_fd >= 0 also writes up to *echo_left of it there. */
static void take_bytes(LinuxThread *t, HashState *st, uint32_t addr, uint32_t len, int echo_fd,
                       uint64_t *echo_left)
{
    uint32_t n = guest_prefix(t, addr, len, GPAGE_READ);
    const uint8_t *p = g2h(&t->proc->space, addr);
    hash_update(st, p, n);
    if (echo_fd >= 0 && *echo_left) {
        uint64_t k = n < *echo_left ? n : *echo_left;
        uint64_t done = 0;
        while (done < k) {
            ssize_t w = write(echo_fd, p + done, k - done);
            if (w <= 0)
                break;
            done += (uint64_t)w;
        }
        *echo_left -= k;
    }
}

static void take_iov(LinuxThread *t, HashState *st, uint32_t iov, uint32_t count, int echo_fd,
                     uint64_t *echo_left)
{
    if (count > GUEST_IOV_MAX)
        return;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t v[2];
        if (copy_from_guest(&t->proc->space, v, iov + 8 * i, 8) < 0)
            return;
        take_bytes(t, st, v[0], v[1], echo_fd, echo_left);
    }
}

/* A struct msghdr's iovecs (i386: name, namelen, iov, iovlen, ...). */
static void take_msg(LinuxThread *t, HashState *st, uint32_t msg)
{
    uint32_t m[4];
    if (copy_from_guest(&t->proc->space, m, msg, sizeof(m)) == 0)
        take_iov(t, st, m[2], m[3], -1, NULL);
}

/* The hash of what the call hands over; echo_fd/echo_len: replay shows
 * that many bytes of a write to the guest's fd 1 or 2 on mimic's. */
static uint64_t output_hash(LinuxThread *t, uint32_t nr, const abi_ulong a[6], int echo_fd,
                            uint64_t echo_len)
{
    HashState st;
    hash_init(&st, nr);
    uint64_t left = echo_len;
    if (nr == nr_write || nr == nr_pwrite64) {
        take_bytes(t, &st, a[1], a[2], echo_fd, &left);
    } else if (nr == nr_writev || nr == nr_pwritev || nr == nr_pwritev2) {
        take_iov(t, &st, a[1], a[2], echo_fd, &left);
    } else if (nr == nr_sendto) {
        take_bytes(t, &st, a[1], a[2], -1, NULL);
    } else if (nr == nr_sendmsg) {
        take_msg(t, &st, a[1]);
    } else if (nr == nr_socketcall) {
        uint32_t s[3];
        if (copy_from_guest(&t->proc->space, s, a[1], sizeof(s)) == 0) {
            if (a[0] == SOCK_SENDMSG)
                take_msg(t, &st, s[1]);
            else
                take_bytes(t, &st, s[1], s[2], -1, NULL);
        }
    }
    return hash_final(&st);
}

/* ---- recording ------------------------------------------------------------- */

typedef struct Pieces {
    ReplayMem *mem;
    uint32_t count;
    uint8_t *data;
} Pieces;

static void pieces_free(Pieces *p)
{
    free(p->mem);
    free(p->data);
    memset(p, 0, sizeof(*p));
}

/* An mmap call's arguments (old mmap passes them in memory), with the
 * file offset in bytes. */
typedef struct MmapArgs {
    uint32_t len, prot, flags;
    int fd;
    uint64_t offset;
} MmapArgs;

static bool mmap_args(LinuxThread *t, uint32_t nr, const abi_ulong a[6], MmapArgs *m)
{
    uint32_t v[6];
    for (int i = 0; i < 6; i++)
        v[i] = a[i];
    if (nr == nr_mmap && copy_from_guest(&t->proc->space, v, a[0], sizeof(v)) < 0)
        return false;
    m->len = v[1];
    m->prot = v[2];
    m->flags = v[3];
    m->fd = (int)v[4];
    m->offset = nr == nr_mmap ? v[5] : (uint64_t)v[5] << 12;   /* mmap2: in pages */
    return true;
}

static bool mmap_of_file(const MmapArgs *m)
{
    return !(m->flags & 0x20 /* MAP_ANONYMOUS */) && m->fd >= 0;
}

/* The file contents an mmap mapped, read from the file (whatever the
 * protection): up to the file's end rounded up to a page, as far as the
 * mapping goes; NULL with *len 0 for an anonymous mapping or one of
 * something else than a regular file. */
static uint8_t *mmap_file_bytes(LinuxThread *t, uint32_t nr, const abi_ulong a[6], uint32_t *len)
{
    MmapArgs m;
    struct stat st;
    *len = 0;
    if (!mmap_args(t, nr, a, &m) || !mmap_of_file(&m) || fstat(m.fd, &st) < 0 ||
        !S_ISREG(st.st_mode))
        return NULL;
    uint64_t avail = (uint64_t)st.st_size > m.offset ? (uint64_t)st.st_size - m.offset : 0;
    avail = (avail + GUEST_PAGE_SIZE - 1) & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
    uint32_t n = avail < m.len ? (uint32_t)avail : m.len;
    uint8_t *buf = calloc(1, n ? n : 1);
    if (!buf)
        fatal_user_error("out of memory");
    uint32_t done = 0;
    while (done < n) {
        ssize_t r = pread(m.fd, buf + done, n - done, (off_t)(m.offset + done));
        if (r <= 0)
            break;   /* past a shrunk end: zeros, as the mapping reads */
        done += (uint32_t)r;
    }
    *len = n;
    return buf;
}

/* ---- vfork: what the child wrote into our memory ------------------------ */

/* A vfork child shares the parent's memory until it execs or exits, and
 * is not recorded (it is another process): what it wrote there (the
 * error code of a posix_spawn that failed, its stack) reaches the log as
 * the pages whose contents changed across the call, found by hashing
 * every page before and after. */
typedef struct PageSums {
    uint32_t n, cap;
    uint32_t *page;
    uint64_t *hash;
    /* after the call: the changed pages, and where the walk is in `page` */
    uint32_t at;
    ReplayMem *changed;
    uint8_t *data;
    uint32_t nchanged, capchanged;
} PageSums;

static void sum_page(void *opaque, uint32_t page, const uint8_t *data)
{
    PageSums *ps = opaque;
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 256;
        ps->page = realloc(ps->page, ps->cap * sizeof(*ps->page));
        ps->hash = realloc(ps->hash, ps->cap * sizeof(*ps->hash));
        if (!ps->page || !ps->hash)
            fatal_user_error("out of memory");
    }
    ps->page[ps->n] = page;
    ps->hash[ps->n++] = hash_xxh64(data, GUEST_PAGE_SIZE, 0);
}

static void changed_page(void *opaque, uint32_t page, const uint8_t *data)
{
    PageSums *ps = opaque;
    while (ps->at < ps->n && ps->page[ps->at] < page)
        ps->at++;
    if (ps->at < ps->n && ps->page[ps->at] == page &&
        ps->hash[ps->at] == hash_xxh64(data, GUEST_PAGE_SIZE, 0))
        return;
    if (ps->nchanged == ps->capchanged) {
        ps->capchanged = ps->capchanged ? ps->capchanged * 2 : 16;
        ps->changed = realloc(ps->changed, ps->capchanged * sizeof(*ps->changed));
        ps->data = realloc(ps->data, (size_t)ps->capchanged * GUEST_PAGE_SIZE);
        if (!ps->changed || !ps->data)
            fatal_user_error("out of memory");
    }
    memcpy(ps->data + (size_t)ps->nchanged * GUEST_PAGE_SIZE, data, GUEST_PAGE_SIZE);
    ps->changed[ps->nchanged++] = (ReplayMem){ (uint64_t)page << GUEST_PAGE_BITS,
                                               GUEST_PAGE_SIZE, NULL };
}

static void page_sums_free(PageSums *ps)
{
    free(ps->page);
    free(ps->hash);
    free(ps->changed);
    free(ps->data);
    memset(ps, 0, sizeof(*ps));
}

static bool is_vfork(uint32_t nr, const abi_ulong a[6])
{
    return nr == nr_vfork ||
           (nr == nr_clone && (a[0] & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK));
}

/* Reads the noted ranges into pieces (bulk ranges of a byte-counting
 * call cut to its count), then the extra pieces. */
static void collect(LinuxThread *t, const ReplayRange *r, uint32_t n, int64_t count,
                    const ReplayMem *extra, uint32_t nextra, Pieces *out)
{
    GuestSpace *gs = &t->proc->space;
    memset(out, 0, sizeof(*out));
    uint64_t total = 0;
    for (uint32_t i = 0; i < nextra; i++)
        total += extra[i].len;
    out->mem = calloc((size_t)n + nextra + 1, sizeof(*out->mem));
    uint64_t *len = calloc((size_t)n + 1, sizeof(*len));
    if (!out->mem || !len)
        fatal_user_error("out of memory");
    int64_t bulk_left = count;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t l = r[i].len;
        if (r[i].bulk && count >= 0) {
            l = (uint64_t)bulk_left < l ? (uint64_t)bulk_left : l;
            bulk_left -= (int64_t)l;
        }
        if (l > UINT32_MAX || !guest_access_ok(gs, (uint32_t)r[i].addr, (uint32_t)l, GPAGE_READ))
            l = 0;
        len[i] = l;
        total += l;
    }
    if (total > REPLAY_PAYLOAD_MAX - 16u * (n + nextra + 2))
        fatal_user_error("a system call wrote %" PRIu64 " bytes of guest memory: more than a "
                         "recording holds in one event", total);
    out->data = malloc(total ? total : 1);
    if (!out->data)
        fatal_user_error("out of memory");
    uint64_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!len[i])
            continue;
        memcpy(out->data + off, g2h(gs, (uint32_t)r[i].addr), len[i]);
        out->mem[out->count++] = (ReplayMem){ r[i].addr, (uint32_t)len[i], out->data + off };
        off += len[i];
    }
    for (uint32_t i = 0; i < nextra; i++)
        out->mem[out->count++] = extra[i];
    free(len);
}

static void record_syscall(LinuxThread *t, uint32_t nr, const abi_ulong a[6], unsigned f)
{
    uint32_t tid = (uint32_t)t->tid;
    uint64_t icount = cpu_icount(&t->cpu.parent);
    ReplayEvent ev = { .kind = REPLAY_EV_SYSCALL, .tid = tid, .icount = icount };
    ev.u.syscall.nr = nr;
    for (int i = 0; i < 6; i++)
        ev.u.syscall.args[i] = a[i];
    if (f & RR_OUTPUT) {
        ev.u.syscall.has_out_hash = 1;
        ev.u.syscall.out_hash = output_hash(t, nr, a, -1, 0);
    }
    if (f & RR_EXECVE)
        replay_flush();   /* a success does not come back */
    bool keep = (f & RR_KEEP) != 0;
    PageSums sums = { 0 };
    bool vfork = is_vfork(nr, a);
    if (vfork)
        rr_each_writable_page(&t->proc->space, sum_page, &sums);
    replay_capture_begin();
    if (!keep)
        replay_sched_release(tid, icount);
    linux_syscall(t);
    if (!keep)
        replay_sched_acquire(&t->tid);
    uint32_t n;
    bool overflow;
    const ReplayRange *r = replay_capture_end(&n, &overflow);
    if (overflow)
        fatal_user_error("system call %u wrote more separate pieces of memory than can be "
                         "recorded", nr);
    int32_t result = (int32_t)t->cpu.regs[R_EAX];
    /* A file mapping: its contents, last (replay_file_mmap takes them). */
    uint8_t *file = NULL;
    ReplayMem file_piece;
    if ((f & RR_MMAP) && (uint32_t)result < (uint32_t)-4095) {
        file = mmap_file_bytes(t, nr, a, &file_piece.len);
        file_piece.addr = (uint32_t)result;
        file_piece.bytes = file;
    }
    if (vfork && result > 0) {
        rr_each_writable_page(&t->proc->space, changed_page, &sums);
        for (uint32_t i = 0; i < sums.nchanged; i++)
            sums.changed[i].bytes = sums.data + (size_t)i * GUEST_PAGE_SIZE;
    }
    Pieces p;
    int64_t count = (f & RR_COUNT) ? (result < 0 ? 0 : result) : -1;
    if (file)
        collect(t, r, n, count, &file_piece, 1, &p);
    else
        collect(t, r, n, count, sums.changed, sums.nchanged, &p);
    ev.u.syscall.result = (uint32_t)result;
    ev.u.syscall.count = p.count;
    ev.u.syscall.mem = p.mem;
    replay_put(&ev);
    pieces_free(&p);
    free(file);
    page_sums_free(&sums);
}

/* ---- replaying -------------------------------------------------------------- */

static const char *call_name(uint32_t nr)
{
    const SyscallDef *d = syscall_lookup(nr);
    return d ? d->name : "?";
}

static void apply_pieces(LinuxThread *t, const ReplayEvent *ev)
{
    for (uint32_t i = 0; i < ev->u.syscall.count; i++) {
        const ReplayMem *m = &ev->u.syscall.mem[i];
        if (m->addr > UINT32_MAX ||
            copy_to_guest(&t->proc->space, (uint32_t)m->addr, m->bytes, m->len) < 0)
            replay_divergence((uint32_t)t->tid, ev->icount, t->cpu.eip,
                              "%s: the recorded output at %#" PRIx64 " (%u bytes) is not "
                              "writable here", call_name(ev->u.syscall.nr), m->addr, m->len);
    }
}

/* mmap of a file: the file may have changed or be gone, so the mapping
 * is made of an anonymous file (memfd) holding the recorded contents,
 * which also keeps a page past the file's end raising SIGBUS. */
static void replay_file_mmap(LinuxThread *t, const ReplayEvent *ev, uint32_t len, uint32_t prot,
                             uint32_t flags)
{
    GuestSpace *gs = &t->proc->space;
    uint32_t addr = (uint32_t)ev->u.syscall.result;
    uint32_t tid = (uint32_t)t->tid;
    const ReplayMem *m = ev->u.syscall.count ? &ev->u.syscall.mem[ev->u.syscall.count - 1] : NULL;
    if (!m || m->addr != addr)
        replay_divergence(tid, ev->icount, t->cpu.eip,
                          "the recording has no file contents for the mapping at %#x", addr);
    int fd = memfd_create("mimic-replay-mmap", MFD_CLOEXEC);
    bool ok = fd >= 0 && ftruncate(fd, m->len) == 0;
    for (uint32_t done = 0; ok && done < m->len;) {
        ssize_t w = write(fd, m->bytes + done, m->len - done);
        ok = w > 0;
        done += ok ? (uint32_t)w : 0;
    }
    int64_t r = ok ? guest_mmap(gs, addr, len, (int)prot, (int)(flags | 0x10 /* MAP_FIXED */),
                                fd, 0)
                   : -1;
    if (fd >= 0)
        close(fd);
    if (r != addr)
        replay_divergence(tid, ev->icount, t->cpu.eip,
                          "cannot map the recorded file contents at %#x", addr);
}

/* A thread made on replay takes the tid it had when recorded. */
static void rename_thread(LinuxThread *t, int host_tid, int recorded_tid)
{
    LinuxProcess *proc = t->proc;
    replay_sched_lock();
    pthread_mutex_lock(&proc->thread_lock);
    for (LinuxThread *o = proc->threads; o; o = o->next)
        if (o->tid == host_tid && o != t)
            o->tid = recorded_tid;
    pthread_mutex_unlock(&proc->thread_lock);
    replay_sched_unlock();
}

static void replay_syscall(LinuxThread *t, uint32_t nr, const abi_ulong a[6], unsigned f)
{
    uint32_t tid = (uint32_t)t->tid;
    uint64_t icount = cpu_icount(&t->cpu.parent);
    uint32_t pc = t->cpu.eip;
    /* A snapshot taken while this thread waits here must bring it back
     * here (the cpu loop resumes the call rather than running code). */
    t->rr_in_syscall = true;
    while (replay_sched_follow(tid, icount, pc))
        ;
    const ReplayEvent *ev = replay_peek();
    if (!ev && (f & RR_EXECVE)) {
        fprintf(stderr, "%s: replay: the program runs another one here (execve): the "
                "recording ends\n", util_progname());
        replay_note_exit(icount);
        _exit(0);
    }
    if (!ev)
        replay_end_of_recording();
    if (ev->kind != REPLAY_EV_SYSCALL || ev->tid != tid)
        replay_divergence(tid, icount, pc, "system call %s; the recording has a %s event of "
                          "thread %u next", call_name(nr), replay_event_name(ev->kind), ev->tid);
    if (ev->u.syscall.nr != nr)
        replay_divergence(tid, icount, pc, "system call %s, the recording has %s",
                          call_name(nr), call_name(ev->u.syscall.nr));
    if (ev->icount != icount)
        replay_divergence(tid, icount, pc, "system call %s, in the recording at instruction %"
                          PRIu64, call_name(nr), ev->icount);
    for (int i = 0; i < 6; i++)
        if (ev->u.syscall.args[i] != a[i])
            replay_divergence(tid, icount, pc, "%s: argument %d is %#x, the recording's %#"
                              PRIx64, call_name(nr), i + 1, a[i], ev->u.syscall.args[i]);
    int32_t recorded = (int32_t)ev->u.syscall.result;
    if (f & RR_OUTPUT) {
        uint64_t h = output_hash(t, nr, a, -1, 0);
        if (!ev->u.syscall.has_out_hash || ev->u.syscall.out_hash != h)
            replay_divergence(tid, icount, pc, "%s(%d, ...): the bytes written differ from "
                              "the recording's", call_name(nr), (int)a[0]);
        /* The same bytes again on mimic's own stdout/stderr, once. */
        if (!replay_verify_only() && (nr == nr_write || nr == nr_writev) &&
            (a[0] == 1 || a[0] == 2) && recorded > 0 && replay_first_time())
            output_hash(t, nr, a, (int)a[0], (uint64_t)recorded);
    }
    MmapArgs mm;
    bool file_map = (f & RR_MMAP) && (uint32_t)recorded < (uint32_t)-4095 &&
                    mmap_args(t, nr, a, &mm) && mmap_of_file(&mm);
    bool thread = (f & RR_CLONE) && (a[0] & 0x00010000 /* CLONE_THREAD */);
    if (file_map) {
        replay_file_mmap(t, ev, mm.len, mm.prot, mm.flags);
        t->cpu.regs[R_EAX] = (uint32_t)recorded;
    } else if (thread) {
        linux_syscall(t);
        int32_t host_tid = (int32_t)t->cpu.regs[R_EAX];
        if ((host_tid < 0) != (recorded < 0))
            replay_divergence(tid, icount, pc, "clone gives %d, the recording %d", host_tid,
                              recorded);
        if (host_tid > 0)
            rename_thread(t, host_tid, recorded);
        apply_pieces(t, ev);
        t->cpu.regs[R_EAX] = (uint32_t)recorded;
    } else if (f & RR_STATE) {
        linux_syscall(t);
        int32_t got = (int32_t)t->cpu.regs[R_EAX];
        if (got != recorded)
            replay_divergence(tid, icount, pc, "%s gives %#x, the recording %#x", call_name(nr),
                              (uint32_t)got, (uint32_t)recorded);
        apply_pieces(t, ev);
    } else {
        apply_pieces(t, ev);
        t->cpu.regs[R_EAX] = (uint32_t)recorded;
    }
    replay_consume();
    t->rr_in_syscall = false;
}

void rr_user_syscall(LinuxThread *t)
{
    init_flags();
    I386CPU *cpu = &t->cpu;
    uint32_t nr = cpu->regs[R_EAX];
    const abi_ulong a[6] = {
        cpu->regs[R_EBX], cpu->regs[R_ECX], cpu->regs[R_EDX],
        cpu->regs[R_ESI], cpu->regs[R_EDI], cpu->regs[R_EBP],
    };
    unsigned f = call_flags(t, nr, a);
    if (replay_mode == REPLAY_MODE_OFF || (f & RR_NOLOG)) {
        linux_syscall(t);
        return;
    }
    if (replay_recording())
        record_syscall(t, nr, a, f);
    else
        replay_syscall(t, nr, a, f);
}
