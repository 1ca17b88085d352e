/*
 * The GDB stub's commands: one packet in, one reply out, while the guest
 * is stopped (GDB manual, appendix "Remote Serial Protocol", "Packets"
 * and "General Query Packets").  Every number and length gdb sends is
 * parsed and checked; anything malformed gets "E nn", anything unknown
 * the empty reply, which tells gdb the packet is not supported.
 *
 * Thread ids are the guest's thread ids in hex; -1 means all threads and
 * 0 any thread.  Memory goes through the front end, which refuses bytes
 * the guest could not access: a read returns the accessible prefix (gdb
 * asks again for the rest) or E14 (EFAULT) when not even its first byte
 * is.
 */
#include "gdbstub/gdbstub-internal.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define E_BADARG "E16"    /* EINVAL: a malformed packet */
#define E_FAULT "E14"     /* EFAULT: memory that cannot be accessed */
#define E_NOTHREAD "E03"  /* ESRCH */

static bool starts(const char *p, const char *prefix)
{
    return strncmp(p, prefix, strlen(prefix)) == 0;
}

/* A thread id: hex, or -1; false if malformed. */
static bool parse_tid(const char **p, int *tid)
{
    if (**p == '-' && (*p)[1] == '1') {
        *tid = -1;
        *p += 2;
        return true;
    }
    uint64_t v;
    if (!gdb_parse_hex(p, &v) || v > 0x7fffffff)
        return false;
    *tid = (int)v;
    return true;
}

CPUState *gdb_current_cpu(GdbStub *s)
{
    CPUState *cpu = NULL;
    if (s->g_tid > 0)
        cpu = s->ops->thread_cpu(s->opaque, s->g_tid);
    if (!cpu)
        cpu = s->ops->thread_cpu(s->opaque, s->stop_tid);
    if (!cpu) {
        int tid;
        if (s->ops->list_threads(s->opaque, &tid, 1))
            cpu = s->ops->thread_cpu(s->opaque, tid);
    }
    return cpu;
}

static void reply_reg(GdbStub *s, CPUState *cpu, unsigned n)
{
    uint8_t buf[GDB_MAX_REG_SIZE];
    unsigned size = s->target->reg_size(n);
    s->target->read_reg(cpu, n, buf);
    gdb_reply_hex(s, buf, size);
}

void gdb_stop_reply(GdbStub *s)
{
    gdb_reply_fmt(s, "T%02xthread:%x;", gdb_signal_from_host(s->stop_sig) & 0xff,
                  (unsigned)s->stop_tid);
    gdb_reply_str(s, s->stop_reason);
    /* The pc and sp, so that gdb need not ask for them. */
    CPUState *cpu = s->ops->thread_cpu(s->opaque, s->stop_tid);
    if (!cpu)
        return;
    unsigned regs[2] = { s->target->pc_regnum, s->target->sp_regnum };
    for (unsigned i = 0; i < 2; i++) {
        gdb_reply_fmt(s, "%02x:", regs[i]);
        reply_reg(s, cpu, regs[i]);
        gdb_reply_str(s, ";");
    }
}

/* ---- registers and memory ---------------------------------------------- */

static void cmd_read_regs(GdbStub *s, CPUState *cpu)
{
    for (unsigned n = 0; n < s->target->nb_regs; n++)
        reply_reg(s, cpu, n);
}

static void cmd_write_regs(GdbStub *s, CPUState *cpu, const char *p)
{
    size_t avail = strlen(p);
    bool ok = true;
    for (unsigned n = 0; n < s->target->nb_regs && avail; n++) {
        unsigned size = s->target->reg_size(n);
        uint8_t buf[GDB_MAX_REG_SIZE];
        if (avail < 2 * size || !gdb_hex_to_bytes(p, size, buf)) {
            gdb_reply_str(s, E_BADARG);
            return;
        }
        ok &= s->target->write_reg(cpu, n, buf);
        p += 2 * size;
        avail -= 2 * size;
    }
    gdb_reply_str(s, ok ? "OK" : E_BADARG);
}

static void cmd_read_reg(GdbStub *s, CPUState *cpu, const char *p)
{
    uint64_t n;
    if (!gdb_parse_hex(&p, &n) || *p || n >= s->target->nb_regs) {
        gdb_reply_str(s, E_BADARG);
        return;
    }
    reply_reg(s, cpu, (unsigned)n);
}

static void cmd_write_reg(GdbStub *s, CPUState *cpu, const char *p)
{
    uint64_t n;
    uint8_t buf[GDB_MAX_REG_SIZE];
    if (!gdb_parse_hex(&p, &n) || *p != '=' || n >= s->target->nb_regs) {
        gdb_reply_str(s, E_BADARG);
        return;
    }
    p++;
    unsigned size = s->target->reg_size((unsigned)n);
    if (strlen(p) != 2 * size || !gdb_hex_to_bytes(p, size, buf)) {
        gdb_reply_str(s, E_BADARG);
        return;
    }
    gdb_reply_str(s, s->target->write_reg(cpu, (unsigned)n, buf) ? "OK" : E_BADARG);
}

/* "addr,len" then the end or sep; false if malformed. */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char sep)
{
    if (!gdb_parse_hex(p, addr) || **p != ',')
        return false;
    (*p)++;
    if (!gdb_parse_hex(p, len))
        return false;
    return sep ? **p == sep : **p == '\0';
}

static void cmd_read_mem(GdbStub *s, const char *p)
{
    uint64_t addr, len;
    if (!parse_addr_len(&p, &addr, &len, 0)) {
        gdb_reply_str(s, E_BADARG);
        return;
    }
    if (len > GDB_PACKET_SIZE / 2)
        len = GDB_PACKET_SIZE / 2;
    uint8_t buf[GDB_PACKET_SIZE / 2];
    if (len && s->ops->read_mem(s->opaque, addr, buf, len)) {
        gdb_reply_hex(s, buf, len);
        return;
    }
    /* The readable prefix, one byte at a time past the first failure. */
    size_t n = 0;
    while (n < len && s->ops->read_mem(s->opaque, addr + n, buf + n, 1))
        n++;
    if (n == 0 && len)
        gdb_reply_str(s, E_FAULT);
    else
        gdb_reply_hex(s, buf, n);
}

static void cmd_write_mem(GdbStub *s, const char *p, size_t pkt_len, bool binary)
{
    const char *start = p - 1;   /* the packet's 'M' or 'X' */
    uint64_t addr, len;
    if (!parse_addr_len(&p, &addr, &len, ':') || len > GDB_PACKET_SIZE) {
        gdb_reply_str(s, E_BADARG);
        return;
    }
    p++;
    size_t data_len = pkt_len - (size_t)(p - start);
    uint8_t buf[GDB_PACKET_SIZE];
    if (binary) {
        if (data_len != len) {
            gdb_reply_str(s, E_BADARG);
            return;
        }
        memcpy(buf, p, len);
    } else if (data_len != 2 * len || !gdb_hex_to_bytes(p, len, buf)) {
        gdb_reply_str(s, E_BADARG);
        return;
    }
    gdb_reply_str(s, !len || s->ops->write_mem(s->opaque, addr, buf, len) ? "OK" : E_FAULT);
}

/* ---- breakpoints -------------------------------------------------------- */

static void cmd_breakpoint(GdbStub *s, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    if (!gdb_parse_hex(&p, &type) || *p++ != ',' || !gdb_parse_hex(&p, &addr) ||
        *p++ != ',' || !gdb_parse_hex(&p, &kind)) {
        gdb_reply_str(s, E_BADARG);
        return;
    }
    /* Conditions and commands (";X...") are gdb's to evaluate.  Z0 and
     * Z1 are the same to us: the translator stops before the pc. */
    if (type > 4) {
        gdb_reply_str(s, "");
        return;
    }
    bool ok;
    if (type <= 1) {
        ok = s->ops->breakpoint(s->opaque, addr, insert);
    } else {
        if (kind == 0 || kind > 0x10000 || addr + kind < addr) {
            gdb_reply_str(s, E_BADARG);
            return;
        }
        ok = s->ops->watchpoint(s->opaque, addr, kind, (int)type - 1, insert);
    }
    gdb_reply_str(s, ok || !insert ? "OK" : "E28");   /* ENOSPC */
}

/* ---- resuming ------------------------------------------------------------ */

/* c/C/s/S: the Hc thread (or the stopped one) gets r, the others
 * continue; an address sets that thread's pc first. */
static bool cmd_legacy_resume(GdbStub *s, const char *p, bool step, bool with_sig)
{
    GdbResume r = { step, 0, false };
    if (with_sig) {
        uint64_t sig;
        if (!gdb_parse_hex(&p, &sig) || sig > 255) {
            gdb_reply_str(s, E_BADARG);
            return false;
        }
        r.signal = gdb_signal_to_host((int)sig);
        if (*p == ';')
            p++;
        else if (*p) {
            gdb_reply_str(s, E_BADARG);
            return false;
        }
    }
    int tid = s->c_tid > 0 ? s->c_tid : s->stop_tid;
    if (*p) {
        uint64_t addr;
        CPUState *cpu = s->ops->thread_cpu(s->opaque, tid);
        uint8_t buf[GDB_MAX_REG_SIZE] = { 0 };
        unsigned size = s->target->reg_size(s->target->pc_regnum);
        if (!gdb_parse_hex(&p, &addr) || *p || !cpu) {
            gdb_reply_str(s, E_BADARG);
            return false;
        }
        for (unsigned i = 0; i < size && i < 8; i++)
            buf[i] = (uint8_t)(addr >> (8 * i));
        s->target->write_reg(cpu, s->target->pc_regnum, buf);
    }
    s->nb_actions = 2;
    s->actions[0] = (GdbAction){ tid, r };
    s->actions[1] = (GdbAction){ -1, { false, 0, false } };
    return true;
}

/* bs / bc: the front end goes back and arranges the stop; every thread
 * then runs as for 'c' until it comes. */
static bool cmd_reverse(GdbStub *s, const char *p)
{
    if ((strcmp(p, "s") != 0 && strcmp(p, "c") != 0) || !s->ops->reverse ||
        !s->ops->can_reverse || !s->ops->can_reverse(s->opaque)) {
        gdb_reply_str(s, "");   /* not supported: an empty reply */
        return false;
    }
    int tid = s->c_tid > 0 ? s->c_tid : s->stop_tid;
    if (!s->ops->reverse(s->opaque, tid, p[0] == 's')) {
        gdb_reply_str(s, "E01");
        return false;
    }
    s->nb_actions = 1;
    s->actions[0] = (GdbAction){ -1, { false, 0, false } };
    return true;
}

/* vCont;ACTION[:TID];...  The first action naming a thread wins for it. */
static bool cmd_vcont(GdbStub *s, const char *p)
{
    unsigned n = 0;
    while (*p == ';') {
        p++;
        char a = *p++;
        GdbResume r = { false, 0, false };
        if (a == 'C' || a == 'S') {
            uint64_t sig;
            if (!gdb_parse_hex(&p, &sig) || sig > 255)
                goto bad;
            r.signal = gdb_signal_to_host((int)sig);
        } else if (a != 'c' && a != 's') {
            goto bad;
        }
        r.step = a == 's' || a == 'S';
        int tid = -1;
        if (*p == ':') {
            p++;
            if (!parse_tid(&p, &tid))
                goto bad;
        }
        if (n == GDB_MAX_ACTIONS)
            goto bad;
        s->actions[n++] = (GdbAction){ tid, r };
    }
    if (*p || n == 0)
        goto bad;
    s->nb_actions = n;
    return true;
bad:
    gdb_reply_str(s, E_BADARG);
    return false;
}

/* ---- queries ------------------------------------------------------------- */

static void cmd_thread_list(GdbStub *s)
{
    static int tids[GDB_MAX_THREADS];
    unsigned n = s->ops->list_threads(s->opaque, tids, GDB_MAX_THREADS);
    gdb_reply_str(s, "m");
    for (unsigned i = 0; i < n; i++)
        gdb_reply_fmt(s, "%s%x", i ? "," : "", (unsigned)tids[i]);
}

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH */
static void cmd_xfer(GdbStub *s, const char *p)
{
    char object[32], annex[64];
    const char *c = strchr(p, ':');
    if (!c || (size_t)(c - p) >= sizeof(object))
        goto bad;
    memcpy(object, p, (size_t)(c - p));
    object[c - p] = '\0';
    p = c + 1;
    if (!starts(p, "read:")) {
        gdb_reply_str(s, "");
        return;
    }
    p += 5;
    c = strchr(p, ':');
    if (!c || (size_t)(c - p) >= sizeof(annex))
        goto bad;
    memcpy(annex, p, (size_t)(c - p));
    annex[c - p] = '\0';
    p = c + 1;
    uint64_t off, len;
    if (!parse_addr_len(&p, &off, &len, 0))
        goto bad;
    if (len > GDB_PACKET_SIZE - 16)
        len = GDB_PACKET_SIZE - 16;
    static uint8_t buf[GDB_PACKET_SIZE];
    size_t n;
    if (strcmp(object, "features") == 0) {
        const char *doc = s->target->xml(annex);
        if (!doc) {
            gdb_reply_str(s, "E00");
            return;
        }
        size_t total = strlen(doc);
        n = off < total ? (total - off < len ? total - off : len) : 0;
        memcpy(buf, doc + (off < total ? off : total), n);
    } else {
        /* auxv and exec-file have no annex in user mode (exec-file's is
         * a pid, which can only be ours). */
        long r = s->ops->xfer_read(s->opaque, object, off, buf, len);
        if (r < 0) {
            gdb_reply_str(s, "");
            return;
        }
        n = (size_t)r;
    }
    gdb_reply_str(s, n < len ? "l" : "m");
    gdb_reply_bin(s, buf, n);
    return;
bad:
    gdb_reply_str(s, E_BADARG);
}

static void cmd_query(GdbStub *s, const char *p)
{
    if (starts(p, "qSupported")) {
        bool reverse = s->ops->can_reverse && s->ops->reverse && s->ops->can_reverse(s->opaque);
        gdb_reply_fmt(s, "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;"
                         "qXfer:auxv:read+;qXfer:exec-file:read+;swbreak+;hwbreak+;"
                         "vContSupported+%s", GDB_PACKET_SIZE,
                      reverse ? ";ReverseStep+;ReverseContinue+" : "");
    } else if (strcmp(p, "qC") == 0) {
        gdb_reply_fmt(s, "QC%x", (unsigned)s->stop_tid);
    } else if (strcmp(p, "qfThreadInfo") == 0) {
        cmd_thread_list(s);
    } else if (strcmp(p, "qsThreadInfo") == 0) {
        gdb_reply_str(s, "l");
    } else if (starts(p, "qAttached")) {
        gdb_reply_str(s, "0");   /* we started the process: quitting kills it */
    } else if (strcmp(p, "qOffsets") == 0) {
        gdb_reply_str(s, "Text=0;Data=0;Bss=0");
    } else if (starts(p, "qXfer:")) {
        cmd_xfer(s, p + 6);
    } else if (starts(p, "qRcmd,")) {
        p += 6;
        size_t n = strlen(p);
        char cmd[512];
        if (n % 2 || n / 2 >= sizeof(cmd) || !gdb_hex_to_bytes(p, n / 2, (uint8_t *)cmd)) {
            gdb_reply_str(s, E_BADARG);
            return;
        }
        cmd[n / 2] = '\0';
        gdb_monitor(s, cmd);
    } else if (starts(p, "qSymbol")) {
        gdb_reply_str(s, "OK");
    }
    /* everything else: empty, unsupported */
}

/* ---- dispatch ---------------------------------------------------------- */

bool gdb_handle_packet(GdbStub *s, char *pkt, size_t len)
{
    gdb_reply_clear(s);
    CPUState *cpu = gdb_current_cpu(s);
    bool resumed = false;
    switch (pkt[0]) {
    case '?':
        gdb_stop_reply(s);
        break;
    case 'g':
        if (cpu && len == 1)
            cmd_read_regs(s, cpu);
        else
            gdb_reply_str(s, E_BADARG);
        break;
    case 'G':
        if (cpu)
            cmd_write_regs(s, cpu, pkt + 1);
        else
            gdb_reply_str(s, E_BADARG);
        break;
    case 'p':
        if (cpu)
            cmd_read_reg(s, cpu, pkt + 1);
        else
            gdb_reply_str(s, E_BADARG);
        break;
    case 'P':
        if (cpu)
            cmd_write_reg(s, cpu, pkt + 1);
        else
            gdb_reply_str(s, E_BADARG);
        break;
    case 'm':
        cmd_read_mem(s, pkt + 1);
        break;
    case 'M':
        cmd_write_mem(s, pkt + 1, len, false);
        break;
    case 'X':
        cmd_write_mem(s, pkt + 1, len, true);
        break;
    case 'c':
    case 's':
        resumed = cmd_legacy_resume(s, pkt + 1, pkt[0] == 's', false);
        break;
    case 'C':
    case 'S':
        resumed = cmd_legacy_resume(s, pkt + 1, pkt[0] == 'S', true);
        break;
    case 'b':
        resumed = cmd_reverse(s, pkt + 1);
        break;
    case 'H': {
        const char *p = pkt + 2;
        int tid;
        if ((pkt[1] != 'g' && pkt[1] != 'c') || !parse_tid(&p, &tid) || *p) {
            gdb_reply_str(s, E_BADARG);
            break;
        }
        if (tid > 0 && !s->ops->thread_cpu(s->opaque, tid)) {
            gdb_reply_str(s, E_NOTHREAD);
            break;
        }
        if (pkt[1] == 'g')
            s->g_tid = tid > 0 ? tid : 0;
        else
            s->c_tid = tid > 0 ? tid : 0;
        gdb_reply_str(s, "OK");
        break;
    }
    case 'T': {
        const char *p = pkt + 1;
        int tid;
        bool alive = parse_tid(&p, &tid) && !*p && tid > 0 &&
                     s->ops->thread_cpu(s->opaque, tid);
        gdb_reply_str(s, alive ? "OK" : E_NOTHREAD);
        break;
    }
    case 'Z':
    case 'z':
        cmd_breakpoint(s, pkt + 1, pkt[0] == 'Z');
        break;
    case 'D':
        gdb_reply_str(s, "OK");
        gdb_send_reply(s);
        shutdown(s->fd, SHUT_RDWR);
        return false;
    case 'k':
        s->ops->kill(s->opaque);
        return false;
    case 'q':
        cmd_query(s, pkt);
        break;
    case 'Q':
        if (strcmp(pkt, "QStartNoAckMode") == 0) {
            gdb_reply_str(s, "OK");
            gdb_send_reply(s);
            s->no_ack = true;
            gdb_reader_set_no_ack(&s->rd, true);
            return false;
        }
        break;
    case 'v':
        if (strcmp(pkt, "vCont?") == 0) {
            gdb_reply_str(s, "vCont;c;C;s;S");
        } else if (starts(pkt, "vCont;")) {
            resumed = cmd_vcont(s, pkt + 5);
        } else if (starts(pkt, "vKill")) {
            gdb_reply_str(s, "OK");
            gdb_send_reply(s);
            s->ops->kill(s->opaque);
            return false;
        }
        break;
    default:
        break;
    }
    if (resumed)
        return true;
    gdb_send_reply(s);
    return false;
}
