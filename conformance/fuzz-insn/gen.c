/*
 * See gen.h.  Each opcode class has one generator that writes a unit; a
 * weighted table picks the class.  Encodings are built from the SDM's
 * opcode map (ModRM/SIB/displacement/immediate) rather than from a
 * table of known-good instructions, so that forms nobody thought of
 * (undocumented aliases such as SAL /6, odd prefix mixes) get run too;
 * capstone then rejects what it cannot decode (fuzz-insn.c).
 */
#include "gen.h"
#include "gen-emit.h"

#include <string.h>

/* The integer class generators below use these short names; the shared
 * functions carry the fuzz_/emit_ prefix for gen-fp.c. */
#define below fuzz_below
#define chance fuzz_chance
#define value fuzz_value
#define byte emit_byte
#define imm emit_imm
#define end_insn emit_end_insn
#define choose_rm fuzz_choose_rm
#define modrm_insn emit_modrm_insn

void fuzz_rng_seed(FuzzRng *r, uint64_t seed)
{
    /* Through the finalizer: a plain multiple of the seed would make
     * seed n + 1 the stream of seed n shifted by one draw. */
    uint64_t z = seed + 0x632be59bd9b4e019ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    r->s = z ^ (z >> 31);
}

/* splitmix64: small, and good enough to spread opcodes and operands. */
uint32_t fuzz_rand(FuzzRng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 16);
}

unsigned fuzz_below(FuzzRng *r, unsigned n)
{
    return fuzz_rand(r) % n;
}

bool fuzz_chance(FuzzRng *r, unsigned percent)
{
    return below(r, 100) < percent;
}

/* Operand values: the edges of 8, 16 and 32 bits are where flags
 * differ, so they come up often; fully random values the rest. */
uint32_t fuzz_value(FuzzRng *r)
{
    static const uint32_t edges[] = {
        0, 1, 2, 7, 8, 9, 0x0f, 0x10, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0x99, 0xff,
        0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
        0x80000001, 0xffffffff, 0xfffffffe, 0xffff8000, 0xffffff80,
    };
    switch (below(r, 4)) {
    case 0:
        return edges[below(r, sizeof(edges) / sizeof(edges[0]))];
    case 1:
        return below(r, 64);
    default:
        return fuzz_rand(r) ^ (fuzz_rand(r) << 16);
    }
}

void emit_byte(Emit *e, uint8_t b)
{
    e->u->bytes[e->u->len++] = b;
}

void emit_imm(Emit *e, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        byte(e, (uint8_t)(v >> (8 * i)));
}

void emit_end_insn(Emit *e)
{
    e->u->insn_len[e->u->nb_insns++] = (uint8_t)(e->u->len - e->insn_start);
    e->insn_start = e->u->len;
}

static uint32_t window_off(FuzzRng *r)
{
    /* Away from the ends mostly; the edges sometimes, where an access
     * runs off the window and must fault alike on both sides. */
    if (chance(r, 3))
        return chance(r, 50) ? below(r, 8) : ORACLE_DATA_SIZE - 1 - below(r, 8);
    return 16 + below(r, ORACLE_DATA_SIZE - 48);
}

Rm fuzz_choose_rm(FuzzRng *r, bool allow_reg, bool allow_a16, bool any_address)
{
    Rm m = { 0 };
    if (allow_reg && chance(r, 50)) {
        m.modrm = (uint8_t)(0xc0 | below(r, 8));
        return m;
    }
    m.mem = true;
    if (allow_a16 && chance(r, 15)) {
        /* Through FS (based at the window): every 16-bit offset is in it. */
        m.a16 = true;
        switch (below(r, 3)) {
        case 0: {
            uint32_t d = below(r, 0x10000);
            m.modrm = 0x06; /* [disp16] */
            m.tail[m.tail_len++] = (uint8_t)d;
            m.tail[m.tail_len++] = (uint8_t)(d >> 8);
            break;
        }
        case 1: {
            static const uint8_t rms[] = { 4, 5, 7 }; /* [si] [di] [bx] */
            m.modrm = (uint8_t)(0x40 | rms[below(r, 3)]);
            m.tail[m.tail_len++] = (uint8_t)fuzz_rand(r);
            break;
        }
        default:
            m.modrm = (uint8_t)below(r, 2); /* [bx+si] [bx+di] */
            break;
        }
        return m;
    }
    if (any_address) {
        /* LEA computes without accessing: any ModRM, SIB and disp. */
        uint8_t mod = (uint8_t)below(r, 3), rm = (uint8_t)below(r, 8);
        m.modrm = (uint8_t)(mod << 6 | rm);
        if (rm == 4)
            m.tail[m.tail_len++] = (uint8_t)fuzz_rand(r);
        unsigned disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
        if (mod == 0 && (rm == 5 || (rm == 4 && (m.tail[0] & 7) == 5)))
            disp = 4;
        uint32_t d = fuzz_rand(r);
        for (unsigned i = 0; i < disp; i++)
            m.tail[m.tail_len++] = (uint8_t)(d >> (8 * i));
        return m;
    }
    switch (below(r, 10)) {
    case 0: case 1: case 2: case 3: {
        uint32_t a = ORACLE_DATA_ADDR + window_off(r);
        m.modrm = 0x05; /* [disp32] */
        for (unsigned i = 0; i < 4; i++)
            m.tail[m.tail_len++] = (uint8_t)(a >> (8 * i));
        break;
    }
    case 4: case 5: case 6: case 7: {
        static const uint8_t bases[] = { 3, 5, 6, 7 }; /* ebx ebp esi edi */
        m.modrm = (uint8_t)(0x40 | bases[below(r, 4)]);
        m.tail[m.tail_len++] = (uint8_t)fuzz_rand(r);
        break;
    }
    default:
        m.modrm = 0x44; /* [esp+disp8] */
        m.tail[m.tail_len++] = 0x24;
        m.tail[m.tail_len++] = (uint8_t)fuzz_rand(r);
        break;
    }
    return m;
}

/* Writes prefixes (66 when opsize16, 67+FS for a 16-bit address), the
 * opcode bytes, the ModRM with reg, SIB and displacement. */
void emit_modrm_insn(Emit *e, const Rm *m, bool opsize16, const uint8_t *op,
                     unsigned op_len, unsigned reg)
{
    if (opsize16)
        byte(e, 0x66);
    if (m->a16) {
        byte(e, 0x67);
        byte(e, 0x64);
        e->u->fs_ldt = true;
    }
    for (unsigned i = 0; i < op_len; i++)
        byte(e, op[i]);
    byte(e, (uint8_t)(m->modrm | (reg & 7) << 3));
    for (unsigned i = 0; i < m->tail_len; i++)
        byte(e, m->tail[i]);
}

/* The immediate size of an Iz operand. */
static unsigned iz(bool opsize16)
{
    return opsize16 ? 2 : 4;
}

static void gen_alu(FuzzRng *r, Emit *e)
{
    bool o16 = chance(r, 20);
    unsigned op = below(r, 8);
    switch (below(r, 9)) {
    case 0: case 1: { /* op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev */
        Rm m = choose_rm(r, true, true, false);
        uint8_t opc = (uint8_t)(op * 8 + below(r, 4));
        modrm_insn(e, &m, o16, &opc, 1, below(r, 8));
        break;
    }
    case 2: { /* op AL,Ib / eAX,Iz */
        if (o16)
            byte(e, 0x66);
        bool b = chance(r, 50);
        byte(e, (uint8_t)(op * 8 + (b ? 4 : 5)));
        imm(e, value(r), b ? 1 : iz(o16));
        break;
    }
    case 3: { /* group 1: 80 81 83 */
        static const uint8_t opcs[] = { 0x80, 0x81, 0x83 };
        uint8_t opc = opcs[below(r, 3)];
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, &opc, 1, op);
        imm(e, value(r), opc == 0x81 ? iz(o16) : 1);
        break;
    }
    case 4: { /* INC/DEC r (40-4f), FE/FF /0 /1, F6/F7 /2 /3 NOT NEG */
        if (chance(r, 40)) {
            if (o16)
                byte(e, 0x66);
            byte(e, (uint8_t)(0x40 + below(r, 16)));
        } else {
            bool grp3 = chance(r, 50);
            uint8_t opc = (uint8_t)((grp3 ? 0xf6 : 0xfe) + below(r, 2));
            Rm m = choose_rm(r, true, true, false);
            modrm_insn(e, &m, o16, &opc, 1, (grp3 ? 2 : 0) + below(r, 2));
        }
        break;
    }
    case 5: { /* TEST 84/85, A8/A9, F6/F7 /0 */
        unsigned form = below(r, 3);
        if (form == 1) {
            if (o16)
                byte(e, 0x66);
            bool b = chance(r, 50);
            byte(e, b ? 0xa8 : 0xa9);
            imm(e, value(r), b ? 1 : iz(o16));
        } else {
            bool b = chance(r, 50);
            uint8_t opc = (uint8_t)(form == 0 ? (b ? 0x84 : 0x85) : (b ? 0xf6 : 0xf7));
            Rm m = choose_rm(r, true, true, false);
            modrm_insn(e, &m, o16, &opc, 1, form == 0 ? below(r, 8) : 0);
            if (form == 2)
                imm(e, value(r), b ? 1 : iz(o16));
        }
        break;
    }
    case 6: { /* MOV 88-8b, C6/C7, B0-BF */
        unsigned form = below(r, 3);
        if (form == 0) {
            uint8_t opc = (uint8_t)(0x88 + below(r, 4));
            Rm m = choose_rm(r, true, true, false);
            modrm_insn(e, &m, o16, &opc, 1, below(r, 8));
        } else if (form == 1) {
            bool b = chance(r, 50);
            uint8_t opc = b ? 0xc6 : 0xc7;
            Rm m = choose_rm(r, true, true, false);
            modrm_insn(e, &m, o16, &opc, 1, 0);
            imm(e, value(r), b ? 1 : iz(o16));
        } else {
            if (o16)
                byte(e, 0x66);
            unsigned reg = below(r, 16);
            byte(e, (uint8_t)(0xb0 + reg));
            imm(e, value(r), reg < 8 ? 1 : iz(o16));
        }
        break;
    }
    case 7: { /* MOVZX/MOVSX 0f b6 b7 be bf */
        static const uint8_t ops[] = { 0xb6, 0xb7, 0xbe, 0xbf };
        uint8_t opc[2] = { 0x0f, ops[below(r, 4)] };
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, opc, 2, below(r, 8));
        break;
    }
    default: /* CBW/CWDE, CWD/CDQ */
        if (o16)
            byte(e, 0x66);
        byte(e, (uint8_t)(0x98 + below(r, 2)));
        break;
    }
    end_insn(e);
}

static void gen_shift(FuzzRng *r, Emit *e)
{
    bool o16 = chance(r, 25);
    Rm m = choose_rm(r, true, true, false);
    if (chance(r, 25)) { /* SHLD/SHRD Ib or CL */
        static const uint8_t ops[] = { 0xa4, 0xa5, 0xac, 0xad };
        uint8_t opc[2] = { 0x0f, ops[below(r, 4)] };
        modrm_insn(e, &m, o16, opc, 2, below(r, 8));
        if (!(opc[1] & 1))
            byte(e, (uint8_t)below(r, 40));
    } else {
        static const uint8_t ops[] = { 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3 };
        uint8_t opc = ops[below(r, 6)];
        modrm_insn(e, &m, o16, &opc, 1, below(r, 8));
        if (opc <= 0xc1)
            byte(e, (uint8_t)(chance(r, 80) ? below(r, 40) : fuzz_rand(r)));
    }
    end_insn(e);
}

static void gen_muldiv(FuzzRng *r, Emit *e)
{
    bool o16 = chance(r, 25);
    Rm m = choose_rm(r, true, true, false);
    switch (below(r, 4)) {
    case 0: case 1: { /* F6/F7 /4-/7: MUL IMUL DIV IDIV */
        uint8_t opc = (uint8_t)(0xf6 + below(r, 2));
        modrm_insn(e, &m, o16, &opc, 1, 4 + below(r, 4));
        break;
    }
    case 2: {
        uint8_t opc[2] = { 0x0f, 0xaf };
        modrm_insn(e, &m, o16, opc, 2, below(r, 8));
        break;
    }
    default: {
        bool b = chance(r, 50);
        uint8_t opc = b ? 0x6b : 0x69;
        modrm_insn(e, &m, o16, &opc, 1, below(r, 8));
        imm(e, value(r), b ? 1 : iz(o16));
        break;
    }
    }
    end_insn(e);
}

static void gen_bitop(FuzzRng *r, Emit *e)
{
    bool o16 = chance(r, 25);
    switch (below(r, 4)) {
    case 0: { /* BT BTS BTR BTC Ev,Gv: a register offset reaches far in memory */
        static const uint8_t ops[] = { 0xa3, 0xab, 0xb3, 0xbb };
        uint8_t opc[2] = { 0x0f, ops[below(r, 4)] };
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, opc, 2, below(r, 8));
        break;
    }
    case 1: { /* 0F BA /4-/7 Ib */
        uint8_t opc[2] = { 0x0f, 0xba };
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, opc, 2, 4 + below(r, 4));
        byte(e, (uint8_t)fuzz_rand(r));
        break;
    }
    case 2: { /* BSF BSR */
        uint8_t opc[2] = { 0x0f, (uint8_t)(0xbc + below(r, 2)) };
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, opc, 2, below(r, 8));
        break;
    }
    default: /* BSWAP */
        if (chance(r, 15))
            byte(e, 0x66);
        byte(e, 0x0f);
        byte(e, (uint8_t)(0xc8 + below(r, 8)));
        break;
    }
    end_insn(e);
}

static void gen_bcd(FuzzRng *r, Emit *e)
{
    static const uint8_t ops[] = { 0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5 };
    uint8_t opc = ops[below(r, 6)];
    byte(e, opc);
    if (opc >= 0xd4)
        byte(e, (uint8_t)(chance(r, 60) ? 10 : fuzz_rand(r)));
    end_insn(e);
}

static void gen_string(FuzzRng *r, Emit *e)
{
    static const uint8_t ops[] = { 0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf };
    unsigned rep = below(r, 3); /* none, F3, F2 */
    if (rep)
        byte(e, rep == 1 ? 0xf3 : 0xf2);
    if (chance(r, 20))
        byte(e, 0x66);
    if (chance(r, 5)) /* SI/DI/CX: faults at the bottom of the flat space mostly */
        byte(e, 0x67);
    byte(e, ops[below(r, 10)]);
    end_insn(e);
}

static void gen_cc(FuzzRng *r, Emit *e)
{
    bool set = chance(r, 50);
    uint8_t opc[2] = { 0x0f, (uint8_t)((set ? 0x90 : 0x40) + below(r, 16)) };
    Rm m = choose_rm(r, true, true, false);
    modrm_insn(e, &m, !set && chance(r, 20), opc, 2, set ? 0 : below(r, 8));
    end_insn(e);
}

static void gen_xchg(FuzzRng *r, Emit *e)
{
    bool o16 = chance(r, 20);
    switch (below(r, 5)) {
    case 0: { /* XCHG 86/87 */
        uint8_t opc = (uint8_t)(0x86 + below(r, 2));
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, &opc, 1, below(r, 8));
        break;
    }
    case 1: /* XCHG eAX,r */
        if (o16)
            byte(e, 0x66);
        byte(e, (uint8_t)(0x90 + below(r, 8)));
        break;
    case 2: { /* XADD */
        uint8_t opc[2] = { 0x0f, (uint8_t)(0xc0 + below(r, 2)) };
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, opc, 2, below(r, 8));
        break;
    }
    case 3: { /* CMPXCHG */
        uint8_t opc[2] = { 0x0f, (uint8_t)(0xb0 + below(r, 2)) };
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, opc, 2, below(r, 8));
        break;
    }
    default: { /* CMPXCHG8B m64 */
        uint8_t opc[2] = { 0x0f, 0xc7 };
        Rm m = choose_rm(r, false, true, false);
        modrm_insn(e, &m, false, opc, 2, 1);
        break;
    }
    }
    end_insn(e);
}

static void gen_lea(FuzzRng *r, Emit *e)
{
    uint8_t opc = 0x8d;
    bool a16 = chance(r, 10);
    Rm m = choose_rm(r, false, false, true);
    if (a16) {
        /* 16-bit addressing forms: mod 0-2, disp16 for mod 2 or rm 6 */
        m.modrm = (uint8_t)(below(r, 3) << 6 | below(r, 8));
        m.tail_len = 0;
        unsigned mod = m.modrm >> 6;
        unsigned disp = mod == 1 ? 1 : (mod == 2 || (m.modrm & 7) == 6) ? 2 : 0;
        for (unsigned i = 0; i < disp; i++)
            m.tail[m.tail_len++] = (uint8_t)fuzz_rand(r);
        byte(e, 0x67);
    }
    modrm_insn(e, &m, chance(r, 20), &opc, 1, below(r, 8));
    end_insn(e);
}

static void gen_stack(FuzzRng *r, Emit *e)
{
    bool o16 = chance(r, 15);
    switch (below(r, 6)) {
    case 0: /* PUSH r / POP r */
        if (o16)
            byte(e, 0x66);
        byte(e, (uint8_t)(0x50 + below(r, 16)));
        break;
    case 1: { /* PUSH Ib / Iz */
        if (o16)
            byte(e, 0x66);
        bool b = chance(r, 50);
        byte(e, b ? 0x6a : 0x68);
        imm(e, value(r), b ? 1 : iz(o16));
        break;
    }
    case 2: { /* PUSH m (FF /6) */
        uint8_t opc = 0xff;
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, &opc, 1, 6);
        break;
    }
    case 3: { /* POP m (8F /0): the address uses ESP after the pop */
        uint8_t opc = 0x8f;
        Rm m = choose_rm(r, true, true, false);
        modrm_insn(e, &m, o16, &opc, 1, 0);
        break;
    }
    default: /* PUSHA / POPA */
        if (o16)
            byte(e, 0x66);
        byte(e, (uint8_t)(0x60 + below(r, 2)));
        break;
    }
    end_insn(e);
}

static void gen_flags(FuzzRng *r, Emit *e)
{
    static const uint8_t ops[] = { 0x9e, 0x9f, 0x9c, 0xf5, 0xf8, 0xf9, 0xfc, 0xfd };
    if (chance(r, 20)) {
        /* PUSH imm; POPF with the status flags and DF only. */
        bool o16 = chance(r, 20);
        uint32_t v = value(r) & ORACLE_EFLAGS_MASK;
        if (o16)
            byte(e, 0x66);
        byte(e, 0x68);
        imm(e, v, iz(o16));
        end_insn(e);
        if (o16)
            byte(e, 0x66);
        byte(e, 0x9d);
    } else {
        if (chance(r, 10))
            byte(e, 0x66); /* PUSHF 16-bit */
        byte(e, ops[below(r, 8)]);
    }
    end_insn(e);
}

typedef struct Class {
    const char *name;
    unsigned weight;
    void (*gen)(FuzzRng *r, Emit *e);
    uint32_t edx, ecx;        /* the CPUID.1 features it needs */
} Class;

/* CPUID.1 feature bits of the classes (SDM vol. 2, tables 3-10, 3-11). */
#define EDX_FPU (1u << 0)
#define EDX_MMX (1u << 23)
#define EDX_SSE (1u << 25)
#define EDX_SSE2 (1u << 26)
#define ECX_SSE3 (1u << 0)
#define ECX_SSSE3 (1u << 9)

static const Class classes[] = {
    { "alu", 22, gen_alu, 0, 0 },
    { "shift", 14, gen_shift, 0, 0 },
    { "muldiv", 8, gen_muldiv, 0, 0 },
    { "bitop", 9, gen_bitop, 0, 0 },
    { "bcd", 6, gen_bcd, 0, 0 },
    { "string", 9, gen_string, 0, 0 },
    { "cmov/setcc", 8, gen_cc, 0, 0 },
    { "xchg", 8, gen_xchg, 0, 0 },
    { "lea", 5, gen_lea, 0, 0 },
    { "stack", 6, gen_stack, 0, 0 },
    { "flags", 5, gen_flags, 0, 0 },
    { "x87", 24, fuzz_gen_x87, EDX_FPU, 0 },
    { "mmx", 14, fuzz_gen_mmx, EDX_MMX, 0 },
    { "sse", 16, fuzz_gen_sse, EDX_SSE, 0 },
    { "sse2", 22, fuzz_gen_sse2, EDX_SSE2, 0 },
    { "sse3", 8, fuzz_gen_sse3, 0, ECX_SSE3 },
    { "ssse3", 10, fuzz_gen_ssse3, 0, ECX_SSSE3 },
};
#define NB_CLASSES (sizeof(classes) / sizeof(classes[0]))
_Static_assert(NB_CLASSES <= FUZZ_MAX_CLASSES, "class masks are 32 bits");

/* The integer classes: those that need no feature. */
static uint32_t int_classes(void)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < NB_CLASSES; i++)
        if (!classes[i].edx && !classes[i].ecx)
            m |= 1u << i;
    return m;
}

uint32_t fuzz_class_mask;
uint32_t fuzz_fp_area_addr;
unsigned fuzz_fp_area_len;
static bool class_mask_set;
static uint32_t mxcsr_mask = 0xffbf;

unsigned fuzz_nb_classes(void)
{
    return NB_CLASSES;
}

const char *fuzz_class_name(unsigned i)
{
    return i < NB_CLASSES ? classes[i].name : "?";
}

uint32_t fuzz_classes_for_cpuid(uint32_t edx, uint32_t ecx)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < NB_CLASSES; i++)
        if ((classes[i].edx & edx) == classes[i].edx && (classes[i].ecx & ecx) == classes[i].ecx)
            m |= 1u << i;
    return m;
}

bool fuzz_parse_classes(const char *list, uint32_t *mask)
{
    *mask = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        bool found = false;
        if (n == 3 && !strncmp(p, "int", 3)) {
            *mask |= int_classes();
            found = true;
        }
        for (unsigned i = 0; i < NB_CLASSES && !found; i++) {
            if (strlen(classes[i].name) == n && !strncmp(p, classes[i].name, n)) {
                *mask |= 1u << i;
                found = true;
            }
        }
        if (!found)
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    return *mask != 0;
}

bool fuzz_class_on(const char *name)
{
    for (unsigned i = 0; i < NB_CLASSES; i++)
        if (!strcmp(classes[i].name, name))
            return (fuzz_class_mask >> i) & 1;
    return false;
}

void fuzz_set_classes(uint32_t mask)
{
    fuzz_class_mask = mask;
    class_mask_set = true;
}

void fuzz_set_mxcsr_mask(uint32_t mask)
{
    mxcsr_mask = mask;
}

static void gen_unit(FuzzRng *r, FuzzUnit *u)
{
    unsigned total = 0;
    for (unsigned i = 0; i < NB_CLASSES; i++)
        if (fuzz_class_mask & (1u << i))
            total += classes[i].weight;
    unsigned pick = below(r, total), i = 0;
    for (;; i++) {
        if (!(fuzz_class_mask & (1u << i)))
            continue;
        if (pick < classes[i].weight)
            break;
        pick -= classes[i].weight;
    }
    memset(u, 0, sizeof(*u));
    u->cls = classes[i].name;
    u->cls_index = (uint8_t)i;
    Emit e = { .u = u, .insn_start = 0 };
    classes[i].gen(r, &e);
}

/* The patch: STACK_PATCH bytes of integer edges around ESP (for POP,
 * POPA and the like), then the FP area up to ORACLE_PATCH_MAX. */
#define STACK_PATCH 80u

void fuzz_gen_seq(FuzzRng *r, FuzzSeq *s)
{
    if (!class_mask_set)
        fuzz_set_classes(int_classes());
    memset(s, 0, sizeof(*s));
    OracleCase *c = &s->state;
    c->magic = ORACLE_CASE_MAGIC;
    for (unsigned i = 0; i < 8; i++)
        c->regs[i] = value(r);
    /* ebx ebp esi edi point into the window; ecx is a small count half
     * the time so that REP runs end inside it. */
    static const unsigned ptrs[] = { 3, 5, 6, 7 };
    for (unsigned i = 0; i < 4; i++)
        c->regs[ptrs[i]] = ORACLE_DATA_ADDR + 0x100 + below(r, ORACLE_DATA_SIZE - 0x200);
    if (chance(r, 50))
        c->regs[1] = below(r, 48);
    c->regs[4] = ORACLE_DATA_ADDR + ORACLE_DATA_SIZE / 2 - 4 * below(r, 64);
    c->eflags = value(r) & ORACLE_EFLAGS_MASK;
    c->es_ldt = 0;
    /* Edge values on the stack (at least 32 bytes either side of ESP),
     * then FP edge values on 16-byte boundaries. */
    c->patch_off = (c->regs[4] - ORACLE_DATA_ADDR - 32) & ~15u;
    c->patch_len = ORACLE_PATCH_MAX;
    for (unsigned i = 0; i < STACK_PATCH; i += 4) {
        uint32_t v = value(r);
        memcpy(c->patch + i, &v, 4);
    }
    fuzz_fp_area_addr = ORACLE_DATA_ADDR + c->patch_off + STACK_PATCH;
    fuzz_fp_area_len = ORACLE_PATCH_MAX - STACK_PATCH;
    oracle_fx_default(c->fx);
    if (fuzz_class_mask & ~int_classes()) {
        fuzz_fill_fp_area(r, c->patch + STACK_PATCH, fuzz_fp_area_len);
        fuzz_gen_fp_state(r, c->fx);
        uint32_t mxcsr = oracle_fx_get(c->fx, ORACLE_FX_MXCSR, 4) & mxcsr_mask;
        oracle_fx_put(c->fx, ORACLE_FX_MXCSR, 4, mxcsr);
    } else {
        for (unsigned i = STACK_PATCH; i < ORACLE_PATCH_MAX; i += 4) {
            uint32_t v = value(r);
            memcpy(c->patch + i, &v, 4);
        }
    }
    s->nb_units = 1 + below(r, FUZZ_MAX_UNITS);
    for (unsigned i = 0; i < s->nb_units; i++)
        gen_unit(r, &s->units[i]);
}

void fuzz_seq_case(const FuzzSeq *s, unsigned unit_mask, OracleCase *c)
{
    *c = s->state;
    c->code_len = 0;
    c->fs_ldt = 0;
    for (unsigned i = 0; i < s->nb_units; i++) {
        if (!(unit_mask & (1u << i)))
            continue;
        memcpy(c->code + c->code_len, s->units[i].bytes, s->units[i].len);
        c->code_len += s->units[i].len;
        c->fs_ldt |= s->units[i].fs_ldt;
    }
}
