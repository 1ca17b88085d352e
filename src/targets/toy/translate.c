/*
 * Toy instructions -> IR.  One trans_* function per opcode, dispatched
 * through a table indexed by opcode (docs/toy-isa.md gives the encoding
 * and the meaning of each).
 *
 * Faults (halt, raise, illegal opcodes) leave the pc at the faulting
 * instruction and do not count it: the helper raises with its return
 * address, and the exec layer restores pc from the insn_start words.
 * Stores go through helpers, so a store into translated code is seen
 * and handled (helper.c).
 */
#include "targets/toy/translate.h"

#include "targets/toy/cpu.h"

typedef struct ToyInsn {
    unsigned op, rd, rs, rt;
    int32_t imm;          /* sign-extended imm16 */
    uint32_t pc;
} ToyInsn;

typedef void (*ToyTransFn)(DisasContextBase *db, const ToyInsn *in);

#define R(i) TOY_TEMP_REG(i)

static IRTemp const_temp(IRFunc *f, uint32_t val)
{
    IRTemp t = ir_new_temp(f, IR_I32);
    ir_gen_movi(f, IR_I32, t, val);
    return t;
}

/* Leaves through goto_tb `slot` with the pc set to dest. */
static void gen_goto(DisasContextBase *db, unsigned slot, uint32_t dest)
{
    ir_gen_movi(db->f, IR_I32, TOY_TEMP_PC, dest);
    ir_gen_goto_tb(db->f, slot);
}

static void gen_raise(DisasContextBase *db, uint32_t excp)
{
    IRTemp args[2] = { IR_TEMP_ENV, const_temp(db->f, excp) };
    ir_gen_call(db->f, (void *)helper_toy_raise, IR_CALL_NO_WRITE_GLOBALS, IR_I32,
                IR_TEMP_NONE, 2, args);
    /* Not reached; keeps the block ending in an exit for the backends. */
    ir_gen_exit_tb(db->f);
    db->is_jmp = DISAS_NORETURN;
}

/* (rs + imm) masked to guest memory and, for words, to alignment. */
static IRTemp gen_addr(IRFunc *f, const ToyInsn *in, uint32_t mask)
{
    IRTemp a = ir_new_temp(f, IR_I32);
    ir_gen_op2i(f, IR_OP_add, IR_I32, a, R(in->rs), (uint32_t)in->imm);
    ir_gen_op2i(f, IR_OP_and, IR_I32, a, a, mask);
    return a;
}

static void trans_halt(DisasContextBase *db, const ToyInsn *in)
{
    (void)in;
    gen_raise(db, TOY_EXCP_HALT);
}

static void trans_illegal(DisasContextBase *db, const ToyInsn *in)
{
    (void)in;
    gen_raise(db, TOY_EXCP_ILLEGAL);
}

static void trans_raise(DisasContextBase *db, const ToyInsn *in)
{
    gen_raise(db, (uint16_t)in->imm);
}

static void trans_li(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_movi(db->f, IR_I32, R(in->rd), (uint32_t)in->imm);
}

static void trans_lui(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_movi(db->f, IR_I32, R(in->rd), (uint32_t)(uint16_t)in->imm << 16);
}

static const IROpcode alu_rr_op[TOY_OP_COUNT] = {
    [TOY_OP_ADD] = IR_OP_add, [TOY_OP_SUB] = IR_OP_sub, [TOY_OP_MUL] = IR_OP_mul,
    [TOY_OP_AND] = IR_OP_and, [TOY_OP_OR] = IR_OP_or,   [TOY_OP_XOR] = IR_OP_xor,
};

static void trans_alu_rr(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_op2(db->f, alu_rr_op[in->op], IR_I32, R(in->rd), R(in->rs), R(in->rt));
}

static void trans_addi(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_op2i(db->f, IR_OP_add, IR_I32, R(in->rd), R(in->rs), (uint32_t)in->imm);
}

static void trans_shli(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_op2i(db->f, IR_OP_shl, IR_I32, R(in->rd), R(in->rs), (uint32_t)in->imm & 31);
}

static void trans_shri(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_op2i(db->f, IR_OP_shr, IR_I32, R(in->rd), R(in->rs), (uint32_t)in->imm & 31);
}

static void trans_sltu(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_setcond(db->f, IR_I32, IR_COND_LTU, R(in->rd), R(in->rs), R(in->rt));
}

static void trans_ld(DisasContextBase *db, const ToyInsn *in)
{
    IRTemp a = gen_addr(db->f, in, TOY_MEM_SIZE - 4);
    ir_gen_guest_ld(db->f, IR_I32, R(in->rd), a, IR_MO_32);
}

static void trans_ldb(DisasContextBase *db, const ToyInsn *in)
{
    IRTemp a = gen_addr(db->f, in, TOY_MEM_SIZE - 1);
    ir_gen_guest_ld(db->f, IR_I32, R(in->rd), a, IR_MO_8);
}

static void gen_store(DisasContextBase *db, const ToyInsn *in, void *helper, uint32_t mask)
{
    IRTemp a = gen_addr(db->f, in, mask);
    IRTemp args[4] = { IR_TEMP_ENV, a, R(in->rd), const_temp(db->f, in->pc + 4) };
    /* May leave the block (code was overwritten), so globals are synced;
     * when it returns it has changed none. */
    ir_gen_call(db->f, helper, IR_CALL_NO_WRITE_GLOBALS, IR_I32, IR_TEMP_NONE, 4, args);
}

static void trans_st(DisasContextBase *db, const ToyInsn *in)
{
    gen_store(db, in, (void *)helper_toy_st32, TOY_MEM_SIZE - 4);
}

static void trans_stb(DisasContextBase *db, const ToyInsn *in)
{
    gen_store(db, in, (void *)helper_toy_st8, TOY_MEM_SIZE - 1);
}

/* Taken: slot 0; not taken: slot 1. */
static void trans_branch(DisasContextBase *db, const ToyInsn *in)
{
    IRFunc *f = db->f;
    uint32_t not_taken = ir_new_label(f);
    IRCond skip = in->op == TOY_OP_BEQ ? IR_COND_NE : IR_COND_EQ;
    ir_gen_brcond(f, IR_I32, skip, R(in->rd), R(in->rs), not_taken);
    gen_goto(db, 0, in->pc + (uint32_t)in->imm);
    ir_gen_set_label(f, not_taken);
    gen_goto(db, 1, in->pc + 4);
    db->is_jmp = DISAS_NORETURN;
}

static void trans_jmp(DisasContextBase *db, const ToyInsn *in)
{
    gen_goto(db, 0, in->pc + (uint32_t)in->imm);
    db->is_jmp = DISAS_NORETURN;
}

static void trans_jal(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_movi(db->f, IR_I32, R(in->rd), in->pc + 4);
    gen_goto(db, 0, in->pc + (uint32_t)in->imm);
    db->is_jmp = DISAS_NORETURN;
}

static void trans_jr(DisasContextBase *db, const ToyInsn *in)
{
    ir_gen_mov(db->f, IR_I32, TOY_TEMP_PC, R(in->rs));
    ir_gen_lookup_and_goto(db->f);
    db->is_jmp = DISAS_NORETURN;
}

static void trans_out(DisasContextBase *db, const ToyInsn *in)
{
    IRTemp args[2] = { IR_TEMP_ENV, R(in->rd) };
    ir_gen_call(db->f, (void *)helper_toy_out,
                IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_RAISE,
                IR_I32, IR_TEMP_NONE, 2, args);
}

static const ToyTransFn toy_trans[TOY_OP_COUNT] = {
    [TOY_OP_HALT] = trans_halt,   [TOY_OP_LI] = trans_li,       [TOY_OP_LUI] = trans_lui,
    [TOY_OP_ADD] = trans_alu_rr,  [TOY_OP_ADDI] = trans_addi,   [TOY_OP_SUB] = trans_alu_rr,
    [TOY_OP_MUL] = trans_alu_rr,  [TOY_OP_AND] = trans_alu_rr,  [TOY_OP_OR] = trans_alu_rr,
    [TOY_OP_XOR] = trans_alu_rr,  [TOY_OP_SHLI] = trans_shli,   [TOY_OP_SHRI] = trans_shri,
    [TOY_OP_SLTU] = trans_sltu,   [TOY_OP_LD] = trans_ld,       [TOY_OP_LDB] = trans_ldb,
    [TOY_OP_ST] = trans_st,       [TOY_OP_STB] = trans_stb,     [TOY_OP_BEQ] = trans_branch,
    [TOY_OP_BNE] = trans_branch,  [TOY_OP_JMP] = trans_jmp,     [TOY_OP_JAL] = trans_jal,
    [TOY_OP_JR] = trans_jr,       [TOY_OP_OUT] = trans_out,     [TOY_OP_RAISE] = trans_raise,
};
_Static_assert(TOY_OP_COUNT == TOY_OP_RAISE + 1, "toy_trans covers every opcode");

static void toy_init_disas_context(DisasContextBase *db, CPUState *cpu)
{
    (void)db;
    (void)cpu;
}

static void toy_tb_start(DisasContextBase *db, CPUState *cpu)
{
    (void)db;
    (void)cpu;
}

static void toy_insn_start(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    ir_gen_insn_start(db->f, db->pc_next, 0, 0);
}

static void toy_translate_insn(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    uint32_t word = translator_ldl(db, db->pc_next);
    ToyInsn in = {
        .op = word & 0xff,
        .rd = (word >> 8) & 15,
        .rs = (word >> 12) & 15,
        .rt = (word >> 16) & 15,
        .imm = (int16_t)(word >> 16),
        .pc = (uint32_t)db->pc_next,
    };
    db->pc_next += TOY_INSN_SIZE;
    ToyTransFn fn = in.op < TOY_OP_COUNT && toy_trans[in.op] ? toy_trans[in.op] : trans_illegal;
    fn(db, &in);
}

static void toy_tb_stop(DisasContextBase *db, CPUState *cpu)
{
    (void)cpu;
    if (db->is_jmp == DISAS_TOO_MANY)
        gen_goto(db, 0, (uint32_t)db->pc_next);
}

const TranslatorOps toy_translator_ops = {
    .init_disas_context = toy_init_disas_context,
    .tb_start = toy_tb_start,
    .insn_start = toy_insn_start,
    .translate_insn = toy_translate_insn,
    .tb_stop = toy_tb_stop,
};
