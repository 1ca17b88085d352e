/*
 * The i386 guest as the GDB stub sees it: its registers, their target
 * description XML and their transfer to and from an I386CPU.
 *
 * User mode: gdb's features org.gnu.gdb.i386.core, .sse and .linux, 42
 * registers in this order (the 'g' packet's, and the XML's):
 *
 *    0-7   eax ecx edx ebx esp ebp esi edi      4 bytes each
 *    8     eip                                  4
 *    9     eflags                               4
 *   10-15  cs ss ds es fs gs (selectors)        4
 *   16-23  st0-st7 (80-bit, stack order)       10
 *   24-31  fctrl fstat ftag fiseg fioff foseg fooff fop   4
 *   32-39  xmm0-xmm7                           16
 *   40     mxcsr                                4
 *   41     orig_eax                             4
 *
 * The XML documents: "target.xml" includes "i386-core.xml",
 * "i386-sse.xml" and "i386-linux.xml" (xi:include), all served by
 * i386_gdb_target.xml().
 */
#ifndef MIMIC_TARGETS_I386_GDB_I386_H
#define MIMIC_TARGETS_I386_GDB_I386_H

#include "gdbstub/gdb-target.h"

/* Register numbers (see the table above). */
enum {
    I386_GDB_EAX = 0,          /* + R_EAX.. (hardware encoding order) */
    I386_GDB_EIP = 8,
    I386_GDB_EFLAGS = 9,
    I386_GDB_CS = 10,
    I386_GDB_SS = 11,
    I386_GDB_DS = 12,
    I386_GDB_ES = 13,
    I386_GDB_FS = 14,
    I386_GDB_GS = 15,
    I386_GDB_ST0 = 16,
    I386_GDB_FCTRL = 24,
    I386_GDB_FSTAT = 25,
    I386_GDB_FTAG = 26,
    I386_GDB_FISEG = 27,
    I386_GDB_FIOFF = 28,
    I386_GDB_FOSEG = 29,
    I386_GDB_FOOFF = 30,
    I386_GDB_FOP = 31,
    I386_GDB_XMM0 = 32,
    I386_GDB_MXCSR = 40,
    I386_GDB_ORIG_EAX = 41,
    I386_GDB_NB_REGS = 42,
};

/* The EFLAGS bits a register write may change: those user code may
 * change with POPF at CPL 3 and IOPL 0 (status flags, TF, DF, AC, ID),
 * less NT, which user mode never uses.  IF, IOPL, RF, VM, VIF and VIP
 * keep their value whatever gdb writes. */
#define I386_GDB_EFLAGS_WRITABLE 0x00240dd5u

/* User mode: core + sse + linux features. */
extern const GdbTargetDesc i386_gdb_target;

#endif
