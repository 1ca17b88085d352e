/*
 * gdb's "monitor" commands (qRcmd): output goes to gdb's console in 'O'
 * packets, then the reply is OK (or an error line and E01).
 *
 *   help                   the list below
 *   info registers         every register of the current thread
 *   x ADDR [LEN]           LEN (default 64, at most 4096) bytes of guest
 *                          memory in hex; xp is the same in user mode,
 *                          where there is no other address space
 *   icount                 instructions the current thread has completed
 */
#include "gdbstub/gdbstub-internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void monitor_registers(GdbStub *s, CPUState *cpu)
{
    char line[128];
    for (unsigned n = 0; n < s->target->nb_regs; n++) {
        uint8_t buf[GDB_MAX_REG_SIZE];
        char hex[2 * GDB_MAX_REG_SIZE + 1];
        unsigned size = s->target->reg_size(n);
        s->target->read_reg(cpu, n, buf);
        /* Most significant byte first, as a number reads. */
        for (unsigned i = 0; i < size; i++)
            snprintf(hex + 2 * i, 3, "%02x", buf[size - 1 - i]);
        snprintf(line, sizeof(line), "%-8s 0x%s\n", s->target->reg_name(n), hex);
        gdb_send_console(s, line);
    }
}

static bool monitor_dump(GdbStub *s, const char *args)
{
    char *end;
    uint64_t addr = strtoull(args, &end, 0);
    if (end == args)
        return false;
    uint64_t len = 64;
    while (*end == ' ')
        end++;
    if (*end) {
        char *e2;
        len = strtoull(end, &e2, 0);
        if (e2 == end || *e2 || len == 0)
            return false;
    }
    if (len > 4096)
        len = 4096;
    for (uint64_t off = 0; off < len; off += 16) {
        char line[128];
        int pos = snprintf(line, sizeof(line), "%08" PRIx64 ":", addr + off);
        for (uint64_t i = off; i < off + 16 && i < len; i++) {
            uint8_t b;
            if (s->ops->read_mem(s->opaque, addr + i, &b, 1))
                pos += snprintf(line + pos, sizeof(line) - (size_t)pos, " %02x", b);
            else
                pos += snprintf(line + pos, sizeof(line) - (size_t)pos, " ??");
        }
        snprintf(line + pos, sizeof(line) - (size_t)pos, "\n");
        gdb_send_console(s, line);
    }
    return true;
}

void gdb_monitor(GdbStub *s, const char *cmd)
{
    while (*cmd == ' ')
        cmd++;
    CPUState *cpu = gdb_current_cpu(s);
    if (strcmp(cmd, "help") == 0) {
        gdb_send_console(s, "help               this list\n"
                            "info registers     registers of the current thread\n"
                            "x ADDR [LEN]       guest memory in hex (xp: the same)\n"
                            "icount             instructions the thread has completed\n");
    } else if (strcmp(cmd, "info registers") == 0 && cpu) {
        monitor_registers(s, cpu);
    } else if ((strncmp(cmd, "x ", 2) == 0 || strncmp(cmd, "xp ", 3) == 0)) {
        if (!monitor_dump(s, cmd + (cmd[1] == 'p' ? 3 : 2))) {
            gdb_send_console(s, "usage: x ADDR [LEN]\n");
            gdb_reply_str(s, "E01");
            return;
        }
    } else if (strcmp(cmd, "icount") == 0 && cpu) {
        char line[64];
        snprintf(line, sizeof(line), "%" PRIu64 "\n", s->ops->icount(s->opaque, cpu));
        gdb_send_console(s, line);
    } else {
        gdb_send_console(s, "unknown monitor command (try: monitor help)\n");
        gdb_reply_str(s, "E01");
        return;
    }
    gdb_reply_str(s, "OK");
}
