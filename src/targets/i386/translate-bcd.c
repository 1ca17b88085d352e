/*
 * The decimal-adjust instructions: 27 DAA, 2F DAS, 37 AAA, 3F AAS,
 * D4 ib AAM, D5 ib AAD.  Each is one pure helper call (helper-bcd.c)
 * taking EAX and the current flags and returning both updated; AAM with
 * a zero immediate is #DE at the instruction.
 */
#include "targets/i386/translate.h"

#include "targets/i386/helper-bcd.h"

#define REG(r) I386_TEMP_REG(r)

void i386_trans_bcd(I386DisasContext *s, const I386Insn *insn)
{
    IRFunc *f = s->base.f;
    void *fn;
    bool has_base = false;
    switch (insn->b) {
    case 0x27: fn = (void *)helper_daa; break;
    case 0x2f: fn = (void *)helper_das; break;
    case 0x37: fn = (void *)helper_aaa; break;
    case 0x3f: fn = (void *)helper_aas; break;
    case 0xd4: fn = (void *)helper_aam; has_base = true; break;
    case 0xd5: fn = (void *)helper_aad; has_base = true; break;
    default:
        gen_illegal(s);
        return;
    }
    uint32_t base = has_base ? insn->op[0].imm & 0xff : 0;
    if (insn->b == 0xd4 && base == 0) {
        gen_exception(s, I386_EXCP_DE);
        return;
    }
    IRTemp args[3] = { REG(R_EAX), gen_compute_eflags(s), gen_const(s, base) };
    IRTemp packed = ir_new_temp(f, IR_I64);
    ir_gen_call(f, fn, IR_CALL_PURE, IR_I64, packed, has_base ? 3 : 2, args);
    IRTemp flags = gen_temp(s);
    ir_gen_op1(f, IR_OP_extrl, IR_I32, REG(R_EAX), packed);
    ir_gen_op1(f, IR_OP_extrh, IR_I32, flags, packed);
    gen_set_cc(s, CC_OP_EFLAGS, IR_TEMP_NONE, flags, IR_TEMP_NONE);
}
