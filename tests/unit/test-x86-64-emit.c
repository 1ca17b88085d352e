/*
 * The x86-64 backend: its instruction encoder, checked instruction by
 * instruction against the capstone disassembler, and the parts of the
 * backend the cross-backend IR tests cannot see (stubs, chaining patches,
 * host positions, the POPCNT fallback, register pressure, argument
 * shuffles for helper calls).
 *
 * Each encoder check emits one instruction, disassembles it, and requires
 * exactly one instruction of the emitted length whose text is the
 * expected one.  Expected texts are written out or built from register
 * name tables and the rules capstone 4 follows when printing numbers:
 * values below 10 in decimal, others in hex; for and/or/xor the
 * immediate as the CPU extends it, unsigned at the operand size;
 * otherwise an imm8 that the CPU sign-extends, or an imm32 sign-extended
 * to 64 bits, signed, and a full-width immediate unsigned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <capstone/capstone.h>
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir-harness.h"
#include "jit/backend.h"
#include "jit/codebuf.h"
#include "jit/ir.h"
#include "jit/x86_64/codegen.h"
#include "jit/x86_64/emit.h"

static const char *const names64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const names32[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const names16[16] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
static const char *const names8[16] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};
static const char *const cc_names[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};

static const char *rname(X64Size size, int r)
{
    switch (size) {
    case X64_S8:  return names8[r];
    case X64_S16: return names16[r];
    case X64_S32: return names32[r];
    default:      return names64[r];
    }
}

static const char *ptr_name(X64Size size)
{
    static const char *const n[] = { "byte", "word", "dword", "qword" };
    return n[size];
}

/* capstone's spelling of a number */
static void num_text(char *out, size_t n, uint64_t v)
{
    if (v < 10)
        snprintf(out, n, "%llu", (unsigned long long)v);
    else
        snprintf(out, n, "0x%llx", (unsigned long long)v);
}

static void signed_text(char *out, size_t n, int64_t v)
{
    if (v < 0) {
        out[0] = '-';
        num_text(out + 1, n - 1, (uint64_t)0 - (uint64_t)v);
    } else {
        num_text(out, n, (uint64_t)v);
    }
}

/* An immediate operand (see the rules at the top). */
static void imm_text(char *out, size_t n, int64_t v, X64Size size, bool imm8_form, bool logical)
{
    if (logical && size == X64_S64)
        num_text(out, n, (uint64_t)v);
    else if (!logical && (imm8_form || size == X64_S64))
        signed_text(out, n, v);
    else
        num_text(out, n, (uint64_t)v & (size == X64_S8 ? 0xff : size == X64_S16 ? 0xffff
                                                                              : 0xffffffffu));
}

/* "qword ptr [base + index + disp]"; without the size for size < 0 (lea). */
static void mem_text(char *out, size_t n, int size, X64Mem m)
{
    char disp[32] = "";
    if (m.disp) {
        char num[24];
        num_text(num, sizeof(num), m.disp < 0 ? (uint64_t)-(int64_t)m.disp : (uint64_t)m.disp);
        snprintf(disp, sizeof(disp), " %c %s", m.disp < 0 ? '-' : '+', num);
    }
    snprintf(out, n, "%s%s[%s%s%s%s]", size < 0 ? "" : ptr_name((X64Size)size),
             size < 0 ? "" : " ptr ", names64[m.base],
             m.index == X64_NOREG ? "" : " + ", m.index == X64_NOREG ? "" : names64[m.index],
             disp);
}

/* Length of the shortest encoding of "op reg, [m]" with a one-byte
 * opcode, worked out from the ModRM/SIB rules of the SDM. */
static size_t mem_insn_len(X64Mem m, bool rex)
{
    size_t len = (rex ? 1 : 0) + 1 + 1;
    if (m.index != X64_NOREG || (m.base & 7) == 4)
        len++;                                  /* SIB */
    if (m.disp == 0 && (m.base & 7) != 5)
        return len;
    return len + (m.disp >= -128 && m.disp <= 127 ? 1 : 4);
}

/* ---- the check ---- */

static csh cs;
static uint8_t code[64];
static unsigned nb_checked;

static int setup_capstone(void **state)
{
    (void)state;
    return cs_open(CS_ARCH_X86, CS_MODE_64, &cs) == CS_ERR_OK ? 0 : -1;
}

static int teardown_capstone(void **state)
{
    (void)state;
    cs_close(&cs);
    return 0;
}

static void check_one(const char *what, const X64Buf *b, const char *want, size_t want_len)
{
    cs_insn *insn;
    char text[sizeof(insn->mnemonic) + sizeof(insn->op_str) + 2];

    nb_checked++;
    if (b->overflow)
        fail_msg("%s: buffer overflow", what);
    size_t n = cs_disasm(cs, b->code, b->len, 0, 0, &insn);
    if (n != 1 || insn[0].size != b->len) {
        char hex[64] = "";
        for (size_t i = 0; i < b->len && i < 16; i++)
            snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", b->code[i]);
        if (n)
            cs_free(insn, n);
        fail_msg("%s: bytes %sare not one instruction (%zu decoded)", what, hex, n);
    }
    snprintf(text, sizeof(text), "%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
             insn[0].op_str);
    cs_free(insn, n);
    if (strcmp(text, want) != 0)
        fail_msg("%s: got \"%s\", expected \"%s\"", what, text, want);
    if (want_len && b->len != want_len)
        fail_msg("%s (\"%s\"): %zu bytes, expected %zu", what, want, b->len, want_len);
}

/* Emits with `b` bound to a fresh buffer, then checks. */
#define CHECK_LEN(want, len, emit) do {                 \
        X64Buf buf_;                                    \
        X64Buf *b = &buf_;                              \
        x64_buf_init(b, code, sizeof(code));            \
        emit;                                           \
        check_one(#emit, b, (want), (len));             \
    } while (0)
#define CHECK(want, emit) CHECK_LEN(want, 0, emit)

/* ---- encoder tests ---- */

static void test_alu(void **state)
{
    static const struct { X64Alu op; const char *name; bool logical; } ops[] = {
        { X64_ADD, "add", false }, { X64_OR, "or", true }, { X64_AND, "and", true },
        { X64_SUB, "sub", false }, { X64_XOR, "xor", true }, { X64_CMP, "cmp", false },
    };
    static const int32_t imms[] = { 0, 1, 9, 0x7f, -0x80, 0x80, -0x81, 0x12345678,
                                    -0x12345678, INT32_MIN, INT32_MAX };
    char want[96], imm[32];
    (void)state;

    for (unsigned o = 0; o < 6; o++) {
        for (int w = 0; w < 2; w++) {
            X64Size size = w ? X64_S64 : X64_S32;
            for (int d = 0; d < 16; d++) {
                int s = (d * 7 + 3) & 15;
                snprintf(want, sizeof(want), "%s %s, %s", ops[o].name, rname(size, d),
                         rname(size, s));
                CHECK_LEN(want, (w || d >= 8 || s >= 8) ? 3 : 2,
                          x64_emit_alu_rr(b, ops[o].op, w, (X64Reg)d, (X64Reg)s));
                for (unsigned i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
                    bool imm8 = imms[i] >= -128 && imms[i] <= 127;
                    imm_text(imm, sizeof(imm), imms[i], size, imm8, ops[o].logical);
                    snprintf(want, sizeof(want), "%s %s, %s", ops[o].name, rname(size, d), imm);
                    CHECK_LEN(want, (w || d >= 8 ? 1 : 0) + 2 + (imm8 ? 1 : 4),
                              x64_emit_alu_ri(b, ops[o].op, w, (X64Reg)d, imms[i]));
                }
            }
        }
    }
    CHECK("add r13d, 0x12345678", x64_emit_alu_ri(b, X64_ADD, false, X64_R13, 0x12345678));
    CHECK("sub rsp, 0x1008", x64_emit_alu_ri(b, X64_SUB, true, X64_RSP, 0x1008));
    CHECK("test r12, rsi", x64_emit_test_rr(b, true, X64_R12, X64_RSI));
    CHECK("test edi, edi", x64_emit_test_rr(b, false, X64_RDI, X64_RDI));
    CHECK("test r9d, 0xfffffffb", x64_emit_test_ri(b, false, X64_R9, -5));
    CHECK("test rbp, -0x12345678", x64_emit_test_ri(b, true, X64_RBP, -0x12345678));
    CHECK("test rax, 0x10", x64_emit_test_ri(b, true, X64_RAX, 0x10));
}

static void test_mov(void **state)
{
    char want[96];
    (void)state;

    for (int d = 0; d < 16; d++) {
        for (int w = 0; w < 2; w++) {
            int s = (d * 5 + 1) & 15;
            snprintf(want, sizeof(want), "mov %s, %s", rname(w ? X64_S64 : X64_S32, d),
                     rname(w ? X64_S64 : X64_S32, s));
            CHECK(want, x64_emit_mov_rr(b, w, (X64Reg)d, (X64Reg)s));
        }
        /* 32-bit form (zero-extends) when the value fits in 32 bits
         * unsigned, sign-extended imm32 when it fits signed, else movabs */
        snprintf(want, sizeof(want), "mov %s, 0", names32[d]);
        CHECK_LEN(want, d >= 8 ? 6 : 5, x64_emit_mov_ri(b, (X64Reg)d, 0));
        snprintf(want, sizeof(want), "mov %s, 0xffffffff", names32[d]);
        CHECK_LEN(want, d >= 8 ? 6 : 5, x64_emit_mov_ri(b, (X64Reg)d, 0xffffffffu));
        snprintf(want, sizeof(want), "mov %s, -1", names64[d]);
        CHECK_LEN(want, 7, x64_emit_mov_ri(b, (X64Reg)d, ~0ull));
        snprintf(want, sizeof(want), "mov %s, -0x80000000", names64[d]);
        CHECK_LEN(want, 7, x64_emit_mov_ri(b, (X64Reg)d, 0xffffffff80000000ull));
        snprintf(want, sizeof(want), "movabs %s, 0x123456789abcdef0", names64[d]);
        CHECK_LEN(want, 10, x64_emit_mov_ri(b, (X64Reg)d, 0x123456789abcdef0ull));
        snprintf(want, sizeof(want), "movabs %s, 0x100000000", names64[d]);
        CHECK_LEN(want, 10, x64_emit_mov_ri(b, (X64Reg)d, 0x100000000ull));
    }
}

static void test_memory_operands(void **state)
{
    static const int32_t disps[] = { 0, 8, -9, 0x7f, 0x80, -0x80, -0x81, 0x12345678,
                                     -0x12345678 };
    char want[128], mem[96];
    (void)state;

    /* every base, every index (none, and all but rsp), every disp size */
    for (int base = 0; base < 16; base++) {
        for (int index = -1; index < 16; index++) {
            if (index == X64_RSP)
                continue;
            for (unsigned i = 0; i < sizeof(disps) / sizeof(disps[0]); i++) {
                X64Mem m = x64_mem_idx((X64Reg)base, (X64Reg)index, disps[i]);
                int dst = (base + 3 * (index + 1) + (int)i) & 15;
                mem_text(mem, sizeof(mem), X64_S64, m);
                snprintf(want, sizeof(want), "mov %s, %s", names64[dst], mem);
                CHECK_LEN(want, mem_insn_len(m, true),
                          x64_emit_load(b, X64_S64, false, true, (X64Reg)dst, m));
                mem_text(mem, sizeof(mem), X64_S32, m);
                snprintf(want, sizeof(want), "mov %s, %s", mem, names32[dst]);
                bool rex = dst >= 8 || base >= 8 || index >= 8;
                CHECK_LEN(want, mem_insn_len(m, rex), x64_emit_store(b, X64_S32, (X64Reg)dst, m));
                mem_text(mem, sizeof(mem), -1, m);
                snprintf(want, sizeof(want), "lea %s, %s", names64[dst], mem);
                CHECK_LEN(want, mem_insn_len(m, true), x64_emit_lea(b, true, (X64Reg)dst, m));
            }
        }
    }
    CHECK("mov rax, qword ptr [r14 + 0x10]",
          x64_emit_load(b, X64_S64, false, true, X64_RAX, x64_mem(X64_R14, 0x10)));
    CHECK("movzx eax, byte ptr [r15 + rbx]",
          x64_emit_load(b, X64_S8, false, false, X64_RAX, x64_mem_idx(X64_R15, X64_RBX, 0)));
    CHECK("mov qword ptr [rsp + 0xff8], r13",
          x64_emit_store(b, X64_S64, X64_R13, x64_mem(X64_RSP, 0xff8)));
    CHECK("lea r8d, [r13 + r12 - 1]",
          x64_emit_lea(b, false, X64_R8, x64_mem_idx(X64_R13, X64_R12, -1)));
}

static void test_load_store_sizes(void **state)
{
    X64Mem m = x64_mem_idx(X64_R15, X64_R12, 0x40);
    char want[128], mem[96];
    (void)state;

    for (int r = 0; r < 16; r++) {
        for (int size = X64_S8; size <= X64_S64; size++) {
            mem_text(mem, sizeof(mem), (X64Size)size, m);
            for (int sign = 0; sign < 2; sign++) {
                for (int w = 0; w < 2; w++) {
                    if (size == X64_S64 && !w)
                        continue;
                    const char *mn;
                    X64Size dsize;
                    if (size == X64_S64) {
                        mn = "mov";
                        dsize = X64_S64;
                    } else if (sign && size == X64_S32) {
                        mn = w ? "movsxd" : "mov";
                        dsize = w ? X64_S64 : X64_S32;
                    } else if (sign) {
                        mn = "movsx";
                        dsize = w ? X64_S64 : X64_S32;
                    } else {
                        /* the 32-bit form zero-extends to 64 bits anyway */
                        mn = size == X64_S32 ? "mov" : "movzx";
                        dsize = X64_S32;
                    }
                    snprintf(want, sizeof(want), "%s %s, %s", mn, rname(dsize, r), mem);
                    CHECK(want, x64_emit_load(b, (X64Size)size, sign, w, (X64Reg)r, m));
                }
            }
            /* byte stores of spl..dil need an empty REX prefix */
            snprintf(want, sizeof(want), "mov %s, %s", mem, rname((X64Size)size, r));
            CHECK(want, x64_emit_store(b, (X64Size)size, (X64Reg)r, m));
        }
    }
    CHECK_LEN("mov byte ptr [rax], sil", 3,
              x64_emit_store(b, X64_S8, X64_RSI, x64_mem(X64_RAX, 0)));
    CHECK_LEN("mov byte ptr [rax], bl", 2,
              x64_emit_store(b, X64_S8, X64_RBX, x64_mem(X64_RAX, 0)));
    CHECK("mov byte ptr [r14 + 5], 0xff", x64_emit_store_imm(b, X64_S8, -1, x64_mem(X64_R14, 5)));
    CHECK("mov word ptr [rsp], 0x1234",
          x64_emit_store_imm(b, X64_S16, 0x1234, x64_mem(X64_RSP, 0)));
    CHECK("mov dword ptr [r13], 0x80000000",
          x64_emit_store_imm(b, X64_S32, INT32_MIN, x64_mem(X64_R13, 0)));
    CHECK("mov qword ptr [r12 + 8], -2",
          x64_emit_store_imm(b, X64_S64, -2, x64_mem(X64_R12, 8)));
    CHECK("mov qword ptr [r15 + rbp + 0x100], 0x7fffffff",
          x64_emit_store_imm(b, X64_S64, INT32_MAX, x64_mem_idx(X64_R15, X64_RBP, 0x100)));
}

static void test_shift_mul_ext(void **state)
{
    static const struct { X64Shift op; const char *name; } shifts[] = {
        { X64_ROL, "rol" }, { X64_ROR, "ror" }, { X64_SHL, "shl" },
        { X64_SHR, "shr" }, { X64_SAR, "sar" },
    };
    static const struct { X64Unary op; const char *name; } unaries[] = {
        { X64_NOT, "not" }, { X64_NEG, "neg" }, { X64_MUL, "mul" },
        { X64_IMUL1, "imul" }, { X64_DIV, "div" }, { X64_IDIV, "idiv" },
    };
    char want[96];
    (void)state;

    for (int r = 0; r < 16; r++) {
        int s = (r * 3 + 5) & 15;
        for (unsigned i = 0; i < 5; i++) {
            static const X64Size sizes[] = { X64_S16, X64_S32, X64_S64 };
            for (unsigned z = 0; z < 3; z++) {
                snprintf(want, sizeof(want), "%s %s, 0x1f", shifts[i].name, rname(sizes[z], r));
                CHECK(want, x64_emit_shift_ri(b, shifts[i].op, sizes[z], (X64Reg)r, 31));
            }
            snprintf(want, sizeof(want), "%s %s, cl", shifts[i].name, names64[r]);
            CHECK(want, x64_emit_shift_cl(b, shifts[i].op, true, (X64Reg)r));
            snprintf(want, sizeof(want), "%s %s, cl", shifts[i].name, names32[r]);
            CHECK(want, x64_emit_shift_cl(b, shifts[i].op, false, (X64Reg)r));
        }
        for (unsigned i = 0; i < 6; i++) {
            snprintf(want, sizeof(want), "%s %s", unaries[i].name, names64[r]);
            CHECK(want, x64_emit_unary(b, unaries[i].op, true, (X64Reg)r));
            snprintf(want, sizeof(want), "%s %s", unaries[i].name, names32[r]);
            CHECK(want, x64_emit_unary(b, unaries[i].op, false, (X64Reg)r));
        }
        snprintf(want, sizeof(want), "imul %s, %s", names64[r], names64[s]);
        CHECK(want, x64_emit_imul_rr(b, true, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "imul %s, %s, -5", names32[r], names32[s]);
        CHECK(want, x64_emit_imul_rri(b, false, (X64Reg)r, (X64Reg)s, -5));
        snprintf(want, sizeof(want), "imul %s, %s, 0x12345", names64[r], names64[s]);
        CHECK(want, x64_emit_imul_rri(b, true, (X64Reg)r, (X64Reg)s, 0x12345));
        snprintf(want, sizeof(want), "imul %s, %s, 0xfffe0000", names32[r], names32[s]);
        CHECK(want, x64_emit_imul_rri(b, false, (X64Reg)r, (X64Reg)s, -0x20000));

        snprintf(want, sizeof(want), "movzx %s, %s", names32[r], names8[s]);
        CHECK(want, x64_emit_ext_rr(b, X64_S8, false, true, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "movsx %s, %s", names64[r], names8[s]);
        CHECK(want, x64_emit_ext_rr(b, X64_S8, true, true, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "movsx %s, %s", names32[r], names8[s]);
        CHECK(want, x64_emit_ext_rr(b, X64_S8, true, false, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "movzx %s, %s", names32[r], names16[s]);
        CHECK(want, x64_emit_ext_rr(b, X64_S16, false, false, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "movsx %s, %s", names64[r], names16[s]);
        CHECK(want, x64_emit_ext_rr(b, X64_S16, true, true, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "movsxd %s, %s", names64[r], names32[s]);
        CHECK(want, x64_emit_ext_rr(b, X64_S32, true, true, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "mov %s, %s", names32[r], names32[s]);
        CHECK(want, x64_emit_ext_rr(b, X64_S32, false, true, (X64Reg)r, (X64Reg)s));

        snprintf(want, sizeof(want), "bswap %s", names64[r]);
        CHECK(want, x64_emit_bswap(b, true, (X64Reg)r));
        snprintf(want, sizeof(want), "bswap %s", names32[r]);
        CHECK(want, x64_emit_bswap(b, false, (X64Reg)r));
        snprintf(want, sizeof(want), "bsr %s, %s", names64[r], names64[s]);
        CHECK(want, x64_emit_bitscan(b, true, true, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "bsf %s, %s", names32[r], names32[s]);
        CHECK(want, x64_emit_bitscan(b, false, false, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "popcnt %s, %s", names64[r], names64[s]);
        CHECK(want, x64_emit_popcnt(b, true, (X64Reg)r, (X64Reg)s));
        snprintf(want, sizeof(want), "popcnt %s, %s", names32[r], names32[s]);
        CHECK(want, x64_emit_popcnt(b, false, (X64Reg)r, (X64Reg)s));

        for (int cc = 0; cc < 16; cc++) {
            snprintf(want, sizeof(want), "set%s %s", cc_names[cc], names8[r]);
            CHECK(want, x64_emit_setcc(b, (X64Cond)cc, (X64Reg)r));
            snprintf(want, sizeof(want), "cmov%s %s, %s", cc_names[cc], names64[r], names64[s]);
            CHECK(want, x64_emit_cmov(b, (X64Cond)cc, true, (X64Reg)r, (X64Reg)s));
            snprintf(want, sizeof(want), "cmov%s %s, %s", cc_names[cc], names32[r], names32[s]);
            CHECK(want, x64_emit_cmov(b, (X64Cond)cc, false, (X64Reg)r, (X64Reg)s));
        }
    }
    CHECK_LEN("cqo", 2, x64_emit_sign_extend_ax(b, true));
    CHECK_LEN("cdq", 1, x64_emit_sign_extend_ax(b, false));
    CHECK_LEN("rol r8w, 8", 5, x64_emit_shift_ri(b, X64_ROL, X64_S16, X64_R8, 8));
}

static void test_control(void **state)
{
    char want[64];
    (void)state;

    for (int cc = 0; cc < 16; cc++) {
        snprintf(want, sizeof(want), "j%s 0x100", cc_names[cc]);
        CHECK_LEN(want, 6, {
            size_t f = x64_emit_jcc32(b, (X64Cond)cc);
            assert_int_equal(f, 2);
            x64_patch_rel32(b, f, 0x100);
        });
        snprintf(want, sizeof(want), "j%s 0x12", cc_names[cc]);
        CHECK_LEN(want, 2, {
            size_t f = x64_emit_jcc8(b, (X64Cond)cc);
            assert_int_equal(f, 1);
            x64_patch_rel8(b, f, 0x12);
        });
    }
    CHECK_LEN("jmp 0xfffffffffffff000", 5, x64_patch_rel32(b, x64_emit_jmp32(b), (size_t)-0x1000));
    CHECK_LEN("call 0x12345678", 5, x64_patch_rel32(b, x64_emit_call32(b), 0x12345678));
    CHECK_LEN("jmp 0", 2, x64_patch_rel8(b, x64_emit_jmp8(b), 0));
    for (int r = 0; r < 16; r++) {
        snprintf(want, sizeof(want), "call %s", names64[r]);
        CHECK_LEN(want, r >= 8 ? 3 : 2, x64_emit_call_r(b, (X64Reg)r));
        snprintf(want, sizeof(want), "jmp %s", names64[r]);
        CHECK_LEN(want, r >= 8 ? 3 : 2, x64_emit_jmp_r(b, (X64Reg)r));
        snprintf(want, sizeof(want), "push %s", names64[r]);
        CHECK_LEN(want, r >= 8 ? 2 : 1, x64_emit_push(b, (X64Reg)r));
        snprintf(want, sizeof(want), "pop %s", names64[r]);
        CHECK_LEN(want, r >= 8 ? 2 : 1, x64_emit_pop(b, (X64Reg)r));
    }
    CHECK_LEN("ret", 1, x64_emit_ret(b));
    CHECK_LEN("mfence", 3, x64_emit_mfence(b));
    for (unsigned n = 1; n <= 9; n++) {
        X64Buf buf;
        cs_insn *insn;
        x64_buf_init(&buf, code, sizeof(code));
        x64_emit_nop(&buf, n);
        assert_int_equal(buf.len, n);
        size_t count = cs_disasm(cs, buf.code, buf.len, 0, 0, &insn);
        assert_int_equal(count, 1);
        assert_string_equal(insn[0].mnemonic, "nop");
        assert_int_equal(insn[0].size, n);
        cs_free(insn, count);
    }
}

static void test_overflow(void **state)
{
    uint8_t small[40];
    X64Buf b;
    (void)state;

    memset(small, 0xcc, sizeof(small));
    x64_buf_init(&b, small, 32);
    for (int i = 0; i < 20; i++)
        x64_emit_mov_ri(&b, X64_R9, 0x123456789abcdef0ull);
    assert_true(b.overflow);
    /* Whole instructions only, and nothing written past the capacity. */
    assert_int_equal(b.len % 10, 0);
    assert_true(b.len <= 32);
    for (size_t i = 32; i < sizeof(small); i++)
        assert_int_equal(small[i], 0xcc);
    size_t len = b.len;
    x64_emit_ret(&b);
    assert_int_equal(b.len, len);
}

/* ---- backend tests ---- */

static void begin_block(IRFunc *f, unsigned max_ops)
{
    ir_func_init(f, max_ops, 512);
    irh_begin(f, IR_I32);
}

static void test_stubs_survive_flush(void **state)
{
    CodeBuf cb;
    (void)state;

    assert_int_equal(codebuf_init(&cb, 1 << 16, 1 << 16), 0);
    jit_backend_x86_64.init(&cb);
    assert_non_null(cb.backend_state);
    size_t reserved = cb.reserved;
    void *st = cb.backend_state;
    assert_true(reserved > 0 && reserved == cb.used);

    codebuf_reset(&cb);
    jit_backend_x86_64.init(&cb);
    assert_ptr_equal(cb.backend_state, st);
    assert_int_equal(cb.reserved, reserved);
    assert_int_equal(cb.used, reserved);
    codebuf_destroy(&cb);

    /* A buffer too full for the stubs: compile says so, nothing else. */
    assert_int_equal(codebuf_init(&cb, 1 << 12, 1 << 12), 0);
    assert_non_null(codebuf_claim(&cb, cb.size - 8, 1));
    jit_backend_x86_64.init(&cb);
    assert_null(cb.backend_state);
    IRFunc f;
    TranslationBlock tb;
    uint32_t insn_end[1];
    memset(&tb, 0, sizeof(tb));
    begin_block(&f, 16);
    ir_gen_exit_tb(&f);
    assert_int_equal(jit_backend_x86_64.compile(&cb, &f, &tb, insn_end), JIT_ERR_BUFFER_FULL);
    ir_func_destroy(&f);
    codebuf_destroy(&cb);
}

static void test_chaining_and_positions(void **state)
{
    IRHarness h;
    IRFunc f;
    (void)state;

    assert_int_equal(irh_init(&h, &jit_backend_x86_64), 0);
    for (int n = 0; n < 2; n++) {
        /* four instructions, slot n only */
        begin_block(&f, 64);
        for (unsigned i = 0; i < 4; i++) {
            ir_gen_insn_start(&f, 0x100 + i, 0, 0);
            ir_gen_op2i(&f, IR_OP_add, IR_I64, IRH_G(n), IRH_G(n), 1 + i);
        }
        ir_gen_goto_tb(&f, (unsigned)n);
        assert_int_equal(irh_compile(&h, &f, 0, n), 0);
        ir_func_destroy(&f);

        TranslationBlock *tb = &h.tb[n];
        const uint8_t *hc = tb->host_code;
        assert_int_equal(tb->jmp_patch_off[!n], UINT32_MAX);
        assert_int_equal(tb->jmp_reset_off[!n], UINT32_MAX);
        uint32_t off = tb->jmp_patch_off[n];
        assert_true(off < tb->host_size);
        assert_int_equal(((uintptr_t)hc + off) % 4, 0);
        assert_int_equal(hc[off - 1], 0xE9);
        assert_int_equal(tb->jmp_reset_off[n], off + 4);
        int32_t rel;
        memcpy(&rel, hc + off, 4);
        assert_int_equal(rel, 0);

        uint32_t prev = 0;
        for (unsigned i = 0; i < 4; i++) {
            assert_true(h.insn_end[i] > prev);
            assert_true(h.insn_end[i] <= tb->host_size);
            prev = h.insn_end[i];
        }
        assert_int_equal(jit_backend_x86_64.host_pos(tb, (uintptr_t)hc), 0);
        assert_int_equal(jit_backend_x86_64.host_pos(tb, (uintptr_t)hc + tb->host_size - 1),
                         tb->host_size - 1);
        assert_int_equal(jit_backend_x86_64.host_pos(tb, (uintptr_t)hc + tb->host_size), -1);
        assert_int_equal(jit_backend_x86_64.host_pos(tb, (uintptr_t)hc - 1), -1);
    }

    /* tb0 --slot 0--> tb1 --slot 1--> exit */
    TranslationBlock *t0 = &h.tb[0], *t1 = &h.tb[1];
    jit_backend_x86_64.set_jump(&h.cb, t0, 0, t1);
    int32_t rel;
    memcpy(&rel, (uint8_t *)t0->host_code + t0->jmp_patch_off[0], 4);
    assert_ptr_equal((uint8_t *)t0->host_code + t0->jmp_patch_off[0] + 4 + rel, t1->host_code);

    irh_reset_state(&h);
    h.cpu->parent.budget.u32 = 100;
    uintptr_t e = jit_backend_x86_64.run(&h.cpu->parent, t0);
    assert_int_equal(e, (uintptr_t)t1 | TB_EXIT_SLOT1);
    assert_int_equal(h.cpu->g[0], 1 + 2 + 3 + 4);
    assert_int_equal(h.cpu->g[1], 1 + 2 + 3 + 4);
    assert_int_equal(h.cpu->parent.budget.u32, 92);

    /* the chained block's entry check still runs */
    h.cpu->parent.budget.u32 = 6;
    e = jit_backend_x86_64.run(&h.cpu->parent, t0);
    assert_int_equal(e, (uintptr_t)t1 | TB_EXIT_REQUESTED);
    assert_int_equal(h.cpu->parent.budget.u32, 2);

    jit_backend_x86_64.set_jump(&h.cb, t0, 0, NULL);
    memcpy(&rel, (uint8_t *)t0->host_code + t0->jmp_patch_off[0], 4);
    assert_int_equal(rel, 0);
    h.cpu->parent.budget.u32 = 100;
    e = jit_backend_x86_64.run(&h.cpu->parent, t0);
    assert_int_equal(e, (uintptr_t)t0 | TB_EXIT_SLOT0);
    irh_destroy(&h);
}

static void test_popcnt_both_ways(void **state)
{
    static const uint64_t vals[] = {
        0, 1, 0x80, 0xff, 0x8000000000000000ull, 0xffffffffffffffffull,
        0x5555555555555555ull, 0xaaaaaaaa00000001ull, 0x0123456789abcdefull,
        0xfffffffeull, 0x100000000ull, 0xf0f0f0f00f0f0f0full,
    };
    IRHarness h;
    IRFunc f;
    (void)state;

    assert_int_equal(irh_init(&h, &jit_backend_x86_64), 0);
    for (int policy = X64_POPCNT_ON; policy <= X64_POPCNT_OFF; policy++) {
        unsigned a, bb, c, d;
        if (policy == X64_POPCNT_ON && !(__get_cpuid(1, &a, &bb, &c, &d) && (c & bit_POPCNT)))
            continue;
        x64_popcnt_policy = policy;
        begin_block(&f, 64);
        ir_gen_op1(&f, IR_OP_popcnt, IR_I64, IRH_G(1), IRH_G(0));
        ir_gen_op1(&f, IR_OP_popcnt, IR_I32, IRH_G(9), IRH_G(8));
        /* an input that stays live: the result must not clobber it */
        IRTemp t = ir_new_temp(&f, IR_I64);
        ir_gen_op1(&f, IR_OP_popcnt, IR_I64, t, IRH_G(0));
        ir_gen_op2(&f, IR_OP_add, IR_I64, IRH_G(2), IRH_G(0), t);
        ir_gen_exit_tb(&f);
        assert_int_equal(irh_compile(&h, &f, 0, 0), 0);
        ir_func_destroy(&f);
        for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            irh_reset_state(&h);
            h.cpu->g[0] = vals[i];
            h.cpu->g[8] = (uint32_t)(vals[i] >> 16);
            assert_int_equal(irh_exec(&h, 0), 0);
            assert_int_equal(h.cpu->g[1], (uint64_t)__builtin_popcountll(vals[i]));
            assert_int_equal(h.cpu->g[9], (uint64_t)__builtin_popcount((uint32_t)(vals[i] >> 16)));
            assert_int_equal(h.cpu->g[2], vals[i] + (uint64_t)__builtin_popcountll(vals[i]));
        }
    }
    x64_popcnt_policy = X64_POPCNT_AUTO;
    irh_destroy(&h);
}

static uint64_t test_rng(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t weigh6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    return a * 3 + b * 5 + c * 7 + d * 11 + e * 13 + f * 17;
}

/* Many values live at once, across a helper call and a branch: spills,
 * reloads, slots kept for the label, values saved from call-clobbered
 * registers, arguments shuffled between argument registers. */
static void test_pressure_and_calls(void **state)
{
    enum { NT = 24 };
    IRHarness h;
    IRFunc f;
    uint64_t rng = 0x3141592653589793ull;
    (void)state;

    assert_int_equal(irh_init(&h, &jit_backend_x86_64), 0);
    for (unsigned round = 0; round < 40; round++) {
        IRTemp t[NT];
        unsigned perm[6];
        uint64_t k[NT];
        uint32_t skip;

        for (unsigned i = 0; i < 6; i++)
            perm[i] = (unsigned)(test_rng(&rng) % NT);
        for (unsigned i = 0; i < NT; i++)
            k[i] = test_rng(&rng);

        begin_block(&f, 512);
        skip = ir_new_label(&f);
        for (unsigned i = 0; i < NT; i++) {
            t[i] = ir_new_temp(&f, IR_I64);
            ir_gen_op2i(&f, IR_OP_xor, IR_I64, t[i], IRH_G(i % 8), k[i]);
        }
        IRTemp args[6], r = ir_new_temp(&f, IR_I64);
        for (unsigned i = 0; i < 6; i++)
            args[i] = t[perm[i]];
        ir_gen_call(&f, (void *)weigh6, IR_CALL_PURE, IR_I64, r, 6, args);
        ir_gen_brcond(&f, IR_I64, IR_COND_EQ, IRH_G(7), IRH_G(7), skip);
        ir_gen_movi(&f, IR_I64, IRH_G(6), 0xdead);    /* never runs */
        ir_gen_set_label(&f, skip);
        /* every temp is still needed: fold them into two globals */
        ir_gen_mov(&f, IR_I64, IRH_G(0), r);
        ir_gen_movi(&f, IR_I64, IRH_G(1), 0);
        for (unsigned i = 0; i < NT; i++) {
            ir_gen_op2i(&f, IR_OP_rotl, IR_I64, IRH_G(1), IRH_G(1), 5);
            ir_gen_op2(&f, IR_OP_xor, IR_I64, IRH_G(1), IRH_G(1), t[i]);
        }
        ir_gen_exit_tb(&f);
        assert_int_equal(irh_compile(&h, &f, 0, 0), 0);
        ir_func_destroy(&f);

        irh_reset_state(&h);
        uint64_t g[8];
        for (unsigned i = 0; i < 8; i++)
            h.cpu->g[i] = g[i] = test_rng(&rng);
        assert_int_equal(irh_exec(&h, 0), 0);

        uint64_t v[NT], acc = 0;
        for (unsigned i = 0; i < NT; i++)
            v[i] = g[i % 8] ^ k[i];
        for (unsigned i = 0; i < NT; i++)
            acc = ((acc << 5) | (acc >> 59)) ^ v[i];
        assert_int_equal(h.cpu->g[0], weigh6(v[perm[0]], v[perm[1]], v[perm[2]], v[perm[3]],
                                             v[perm[4]], v[perm[5]]));
        assert_int_equal(h.cpu->g[1], acc);
        assert_int_equal(h.cpu->g[6], g[6]);
    }
    irh_destroy(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alu),
        cmocka_unit_test(test_mov),
        cmocka_unit_test(test_memory_operands),
        cmocka_unit_test(test_load_store_sizes),
        cmocka_unit_test(test_shift_mul_ext),
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_stubs_survive_flush),
        cmocka_unit_test(test_chaining_and_positions),
        cmocka_unit_test(test_popcnt_both_ways),
        cmocka_unit_test(test_pressure_and_calls),
    };
    int ret = cmocka_run_group_tests(tests, setup_capstone, teardown_capstone);
    printf("%u encodings checked\n", nb_checked);
    return ret;
}
