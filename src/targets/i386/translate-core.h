/*
 * Private to the core translator files (translate*.c, decode-tables.c):
 * the opcode maps and the handlers of the core instruction groups.  The
 * shared API is translate.h.
 */
#ifndef MIMIC_TARGETS_I386_TRANSLATE_CORE_H
#define MIMIC_TARGETS_I386_TRANSLATE_CORE_H

#include "targets/i386/translate.h"

/* The opcode maps (decode-tables.c): one-byte opcodes and 0F xx. */
extern const I386OpEntry i386_optab_1byte[256];
extern const I386OpEntry i386_optab_0f[256];

/* ALU operations in opcode order (bits 5:3 of 00-3F, ModRM.reg of
 * 80-83): the `arg` of their rows. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Memory operand address computed with `esp` as the value of ESP when
 * it is the base register (POP Ev computes it after the increment). */
IRTemp gen_lea_esp(I386DisasContext *s, const I386Insn *insn, IRTemp esp, unsigned size,
                   unsigned acc);
/* A trap after the instruction with the next eip in a temp, emitted
 * without ending the block (the caller ends it). */
void gen_trap_at(I386DisasContext *s, int excp, IRTemp next_eip);
/* SS base + (value & stack width mask): the address of a stack slot
 * whose offset (an ESP or EBP value) is in a temp, for an access of
 * `size` bytes of kind acc (checked as gen_seg_addr does). */
IRTemp gen_stack_addr(I386DisasContext *s, IRTemp esp_value, unsigned size, unsigned acc);
/* ESP + delta as the new ESP value (only SP changes with a 16-bit
 * stack); nothing is written. */
IRTemp gen_esp_plus(I386DisasContext *s, uint32_t delta);
/* The stack pointer width: 0xffff (SS 16-bit) or 0xffffffff. */
uint32_t gen_stack_mask(I386DisasContext *s);
/* Sets EFLAGS.DF and df (CLD/STD). */
void gen_set_df(I386DisasContext *s, bool set);

/* translate-alu.c */
I386TransFn i386_trans_alu;        /* 00-3D, 80-83: arg = ALU_* */
I386TransFn i386_trans_incdec;     /* 40-4F, FE/FF /0 /1: arg = 0 inc, 1 dec */
I386TransFn i386_trans_not;        /* F6/F7 /2 */
I386TransFn i386_trans_neg;        /* F6/F7 /3 */
I386TransFn i386_trans_test;       /* 84 85 A8 A9, F6/F7 /0 /1 */
I386TransFn i386_trans_cmov;       /* 0F 40-4F */
I386TransFn i386_trans_setcc;      /* 0F 90-9F */
I386TransFn i386_trans_salc;       /* D6 */

/* translate-mov.c */
I386TransFn i386_trans_mov;        /* 88-8B, A0-A3, B0-BF, C6/C7 /0 */
I386TransFn i386_trans_movx;       /* 0F B6 B7 (zero) BE BF (sign): arg = 1 sign */
I386TransFn i386_trans_lea;        /* 8D */
I386TransFn i386_trans_xchg;       /* 86 87 91-97 */
I386TransFn i386_trans_nop;        /* 90, F3 90, 0F 18-1F */
I386TransFn i386_trans_cbw;        /* 98 */
I386TransFn i386_trans_cwd;        /* 99 */
I386TransFn i386_trans_lahf;       /* 9F */
I386TransFn i386_trans_sahf;       /* 9E */
I386TransFn i386_trans_flagop;     /* F5 CMC, F8 CLC, F9 STC, FC CLD, FD STD */
I386TransFn i386_trans_xlat;       /* D7 */
I386TransFn i386_trans_cpuid;      /* 0F A2 */
I386TransFn i386_trans_rdtsc;      /* 0F 31 */

/* translate-branch.c */
I386TransFn i386_trans_jcc;        /* 70-7F, 0F 80-8F */
I386TransFn i386_trans_jmp;        /* EB, E9, FF /4 */
I386TransFn i386_trans_call;       /* E8, FF /2 */
I386TransFn i386_trans_ret;        /* C2, C3 */
I386TransFn i386_trans_loop;       /* E0-E3 */
I386TransFn i386_trans_ljmp;       /* EA, FF /5 */
I386TransFn i386_trans_lcall;      /* 9A, FF /3 */
I386TransFn i386_trans_lret;       /* CA, CB */
I386TransFn i386_trans_iret;       /* CF */
I386TransFn i386_trans_int3;       /* CC */
I386TransFn i386_trans_int;        /* CD */
I386TransFn i386_trans_into;       /* CE */
I386TransFn i386_trans_int1;       /* F1 */
I386TransFn i386_trans_bound;      /* 62 */
I386TransFn i386_trans_ud;         /* 0F 0B, 0F B9, 0F FF: #UD */
I386TransFn i386_trans_priv;       /* privileged at CPL 3: #GP(0) */

/* translate-stack.c */
I386TransFn i386_trans_push;       /* 50-57, 68, 6A, FF /6 */
I386TransFn i386_trans_pop;        /* 58-5F, 8F /0 */
I386TransFn i386_trans_pusha;      /* 60 */
I386TransFn i386_trans_popa;       /* 61 */
I386TransFn i386_trans_pushf;      /* 9C */
I386TransFn i386_trans_popf;       /* 9D */
I386TransFn i386_trans_enter;      /* C8 */
I386TransFn i386_trans_leave;      /* C9 */

/* translate-seg.c */
I386TransFn i386_trans_mov_from_seg;   /* 8C */
I386TransFn i386_trans_mov_to_seg;     /* 8E */
I386TransFn i386_trans_push_seg;       /* 06 0E 16 1E, 0F A0 A8 */
I386TransFn i386_trans_pop_seg;        /* 07 17 1F, 0F A1 A9 */
I386TransFn i386_trans_lxs;            /* C4 LES, C5 LDS, 0F B2 LSS, 0F B4 LFS, 0F B5 LGS */
I386TransFn i386_trans_arpl;           /* 63 */
I386TransFn i386_trans_lar_lsl;        /* 0F 02 LAR, 0F 03 LSL: arg = I386_SEGCHK_* */
I386TransFn i386_trans_verx;           /* 0F 00 /4 VERR, /5 VERW: arg = I386_SEGCHK_* */
I386TransFn i386_trans_umip_store;     /* 0F 00 /0 /1, 0F 01 /0 /1 /4: arg = UMIP_* */
enum { UMIP_SGDT, UMIP_SIDT, UMIP_SMSW, UMIP_SLDT, UMIP_STR };

#endif
