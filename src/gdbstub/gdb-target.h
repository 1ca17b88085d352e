/*
 * What the GDB stub knows of a guest architecture: its registers, as
 * data.  The stub (src/gdbstub/) never includes a target's headers; a
 * target fills a GdbTargetDesc and the front end hands it to the stub.
 *
 * Registers are numbered in the order of the target description XML,
 * which is the order of the 'g' packet; each has a fixed size in bytes
 * and is transferred in the guest's byte order (little-endian for
 * i386).  gdb learns the layout from the XML (qXfer:features:read), so
 * the numbering is ours to choose; it follows gdb's own feature names
 * (org.gnu.gdb.i386.core, .sse, .linux) so that gdb shows the registers
 * it knows by their usual names.
 */
#ifndef MIMIC_GDBSTUB_GDB_TARGET_H
#define MIMIC_GDBSTUB_GDB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/cpu.h"

/* The largest register, in bytes (an x87 register is 10, XMM 16). */
#define GDB_MAX_REG_SIZE 16

typedef struct GdbTargetDesc {
    /* Registers in 'g' packet order. */
    unsigned nb_regs;
    /* The XML document named annex ("target.xml" and the files it
     * includes), NUL-terminated and static; NULL if there is none of
     * that name. */
    const char *(*xml)(const char *annex);
    /* Size in bytes of register n; 0 if n is not a register. */
    unsigned (*reg_size)(unsigned n);
    /* Register n of cpu into buf (reg_size(n) bytes, guest order). */
    void (*read_reg)(CPUState *cpu, unsigned n, uint8_t *buf);
    /* Writes register n from buf (reg_size(n) bytes); false when the
     * value cannot be written (a segment selector the CPU would refuse),
     * leaving the register unchanged. */
    bool (*write_reg)(CPUState *cpu, unsigned n, const uint8_t *buf);
    /* The program counter register's number (for stop replies' "expedite"
     * fields and for the stub's own use) and the stack pointer's. */
    unsigned pc_regnum, sp_regnum;
    /* The pc as an address: what breakpoints and stepping compare. */
    uint64_t (*get_pc)(CPUState *cpu);
    /* Register n's name as gdb shows it (monitor "info registers"). */
    const char *(*reg_name)(unsigned n);
} GdbTargetDesc;

#endif
