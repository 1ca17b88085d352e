/*
 * The i386 ALU instructions and the lazy flags, checked against the host
 * CPU: each snippet of register-only code runs under mimic (every rig
 * configuration: both backends, optimizer on/off, one instruction per
 * block) and natively (i386-native.h) from the same registers and flags,
 * over edge operands; every register and the six status flags must
 * match.  Snippets end in a suffix that turns all 16 conditions into a
 * bit mask with SETcc/MOVZX/LEA (which leave the flags alone), so each
 * condition after each kind of flag producer is checked too, through
 * the translator's direct formulas (same block) and through the runtime
 * helper (one instruction per block).  Jcc and CMOVcc get their own
 * snippets.  Memory and LOCK forms are checked against the native result
 * of the register form.
 */
#include <stdio.h>
#include <stdlib.h>

#include "i386-core-rig.h"
#include "i386-native.h"

typedef struct Snippet {
    const char *text;     /* the instruction(s), for messages */
    const char *hex;      /* bytes run by mimic */
    const char *native;   /* bytes run natively when they differ (NULL: same) */
} Snippet;

static const Snippet alu_snippets[] = {
    { "add %bl,%al", "00 d8", NULL },
    { "add %bx,%ax", "66 01 d8", NULL },
    { "add %ebx,%eax", "01 d8", NULL },
    { "add %bl,%al (02 /r)", "02 c3", NULL },
    { "add %ebx,%eax (03 /r)", "03 c3", NULL },
    { "add %bh,%ah", "00 fc", NULL },
    { "add %ah,%bl", "00 e3", NULL },
    { "or %bl,%al", "08 d8", NULL },
    { "or %bx,%ax", "66 09 d8", NULL },
    { "or %ebx,%eax", "09 d8", NULL },
    { "adc %bl,%al", "10 d8", NULL },
    { "adc %bx,%ax", "66 11 d8", NULL },
    { "adc %ebx,%eax", "11 d8", NULL },
    { "adc %ch,%bh", "10 ef", NULL },
    { "sbb %bl,%al", "18 d8", NULL },
    { "sbb %bx,%ax", "66 19 d8", NULL },
    { "sbb %ebx,%eax", "19 d8", NULL },
    { "sbb %ebx,%eax (1b /r)", "1b c3", NULL },
    { "and %bl,%al", "20 d8", NULL },
    { "and %bx,%ax", "66 21 d8", NULL },
    { "and %ebx,%eax", "21 d8", NULL },
    { "sub %bl,%al", "28 d8", NULL },
    { "sub %bx,%ax", "66 29 d8", NULL },
    { "sub %ebx,%eax", "29 d8", NULL },
    { "sub %bh,%al", "28 f8", NULL },
    { "xor %bl,%al", "30 d8", NULL },
    { "xor %bx,%ax", "66 31 d8", NULL },
    { "xor %ebx,%eax", "31 d8", NULL },
    { "cmp %bl,%al", "38 d8", NULL },
    { "cmp %bx,%ax", "66 39 d8", NULL },
    { "cmp %ebx,%eax", "39 d8", NULL },
    { "cmp %ebx,%eax (3b /r)", "3b c3", NULL },
    { "cmp %al,%bh", "38 c7", NULL },
    { "xor %eax,%eax", "31 c0", NULL },
    { "sub %ebx,%ebx", "29 db", NULL },
    { "xor %al,%al", "30 c0", NULL },
    { "sub %bx,%bx", "66 29 db", NULL },
    { "neg %al", "f6 d8", NULL },
    { "neg %ax", "66 f7 d8", NULL },
    { "neg %eax", "f7 d8", NULL },
    { "neg %bh", "f6 df", NULL },
    { "not %al", "f6 d0", NULL },
    { "not %ax", "66 f7 d0", NULL },
    { "not %eax", "f7 d0", NULL },
    { "test %bl,%al", "84 d8", NULL },
    { "test %bx,%ax", "66 85 d8", NULL },
    { "test %ebx,%eax", "85 d8", NULL },
    { "test $0x80,%al", "a8 80", NULL },
    { "test $0x8001,%ax", "66 a9 01 80", NULL },
    { "test $0x80000001,%eax", "a9 01 00 00 80", NULL },
    { "test $0x81,%bl", "f6 c3 81", NULL },
    { "test $0xffff0000,%ebx", "f7 c3 00 00 ff ff", NULL },
    { "test $0x81,%bl (f6 /1)", "f6 cb 81", "f6 c3 81" },
    { "inc %bh", "fe c7", NULL },
    { "inc %al", "fe c0", NULL },
    { "dec %al", "fe c8", NULL },
    { "dec %ah", "fe cc", NULL },
    { "inc %eax", "40", "ff c0" },
    { "dec %eax", "48", "ff c8" },
    { "inc %ebx", "43", "ff c3" },
    { "inc %ax", "66 40", "66 ff c0" },
    { "dec %ax", "66 48", "66 ff c8" },
    { "inc %eax (ff /0)", "ff c0", NULL },
    { "dec %eax (ff /1)", "ff c8", NULL },
    { "add $0x80,%al", "04 80", NULL },
    { "add $0xffff,%bx", "66 83 c3 ff", NULL },
    { "add $-1,%ebx", "83 c3 ff", NULL },
    { "add $0x7fffffff,%eax", "05 ff ff ff 7f", NULL },
    { "or $0x80,%al", "0c 80", NULL },
    { "or $0x1234,%ax", "66 0d 34 12", NULL },
    { "or $0x55,%eax", "83 c8 55", NULL },
    { "adc $0x7f,%al", "14 7f", NULL },
    { "adc $1,%ebx", "83 d3 01", NULL },
    { "adc $0x8000,%ax", "66 15 00 80", NULL },
    { "sbb $1,%al", "1c 01", NULL },
    { "sbb $-2,%eax", "83 d8 fe", NULL },
    { "sbb $0x7fff,%bx", "66 81 db ff 7f", NULL },
    { "and $0xf0,%bl", "80 e3 f0", NULL },
    { "and $0xff00,%ax", "66 25 00 ff", NULL },
    { "and $0x80000000,%eax", "25 00 00 00 80", NULL },
    { "sub $1,%al", "2c 01", NULL },
    { "sub $0x80,%bl", "80 eb 80", NULL },
    { "sub $1,%ax", "66 83 e8 01", NULL },
    { "sub $0x80000000,%ebx", "81 eb 00 00 00 80", NULL },
    { "sub $0x7f,%eax", "83 e8 7f", NULL },
    { "xor $0xff,%al", "34 ff", NULL },
    { "xor $0xffff,%ax", "66 83 f0 ff", NULL },
    { "xor $0x12345678,%eax", "35 78 56 34 12", NULL },
    { "cmp $0x80,%al", "3c 80", NULL },
    { "cmp $-1,%ax", "66 83 f8 ff", NULL },
    { "cmp $0x7fffffff,%eax", "3d ff ff ff 7f", NULL },
    { "cmp $0x10,%eax", "83 f8 10", NULL },
    { "cmp $0x7f,%bh", "80 ff 7f", NULL },
    { "add $5,%al (82 /0)", "82 c0 05", "80 c0 05" },
    /* flag instructions and moves that keep the flags */
    { "clc", "f8", NULL },
    { "stc", "f9", NULL },
    { "cmc", "f5", NULL },
    { "sahf", "9e", NULL },
    { "lahf", "9f", NULL },
    { "add %ebx,%eax; sahf", "01 d8 9e", NULL },
    { "sub %ebx,%eax; lahf", "29 d8 9f", NULL },
    { "sub %ebx,%eax; cmc", "29 d8 f5", NULL },
    { "inc %eax; stc; dec %ebx", "40 f9 4b", "ff c0 f9 ff cb" },
    { "add %ebx,%eax; inc %eax", "01 d8 40", "01 d8 ff c0" },
    { "cmp %ebx,%eax; dec %eax", "39 d8 48", "39 d8 ff c8" },
    { "cbw", "66 98", NULL },
    { "cwde", "98", NULL },
    { "cwd", "66 99", NULL },
    { "cdq", "99", NULL },
    { "movzbl %bh,%eax", "0f b6 c7", NULL },
    { "movzwl %bx,%eax", "0f b7 c3", NULL },
    { "movsbl %bl,%eax", "0f be c3", NULL },
    { "movswl %bx,%eax", "0f bf c3", NULL },
    { "movsbw %bh,%ax", "66 0f be c7", NULL },
    { "xchg %ebx,%eax", "93", NULL },
    { "xchg %bl,%ah", "86 dc", NULL },
    { "xchg %bx,%ax", "66 87 d8", NULL },
    { "lea (%eax,%ebx,2),%eax", "8d 04 58", NULL },
    { "lea 0x10(%ebx,%eax,8),%ax", "66 8d 44 c3 10", NULL },
    { "mov %bh,%al; mov $0x1234,%bx", "88 f8 66 bb 34 12", NULL },
    { "nop; pause; nopl 0(%eax)", "90 f3 90 0f 1f 40 00", NULL },
};

/* SETcc into CL, MOVZX, LEA: ESI = ESI * 2 + cond, for cc = 0 .. 15. */
static size_t append_cond_mask(uint8_t *p)
{
    size_t n = 0;
    for (int cc = 0; cc < 16; cc++) {
        const uint8_t step[] = { 0x0f, (uint8_t)(0x90 + cc), 0xc1,   /* setcc %cl */
                                 0x0f, 0xb6, 0xc9,                   /* movzbl %cl,%ecx */
                                 0x8d, 0x34, 0x71 };                 /* lea (%ecx,%esi,2),%esi */
        memcpy(p + n, step, sizeof(step));
        n += sizeof(step);
    }
    return n;
}

static size_t parse_hex(const char *hex, uint8_t *out)
{
    size_t n = 0;
    while (*hex) {
        char *end;
        unsigned long v = strtoul(hex, &end, 16);
        if (end == hex)
            break;
        out[n++] = (uint8_t)v;
        hex = end;
    }
    return n;
}

static const uint32_t values[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x12345678, 0xfedcba98,
};
#define NB_VALUES (sizeof(values) / sizeof(values[0]))

/* Status flags entering a snippet: all clear, all set, and a mix. */
static const uint32_t flag_states[] = {
    0x202, 0x202 | I386_CC_MASK, 0x202 | I386_CF | I386_ZF | I386_OF,
};

/* One initial state: eax = a, ebx = b, the others fixed. */
static void initial_state(NativeState *st, uint32_t a, uint32_t b, uint32_t fl)
{
    static const uint32_t fixed[8] = { 0, 0x0c0c8181u, 0x7f80ff01u, 0, 0, 0x55555555u, 0, 0 };
    memcpy(st->regs, fixed, sizeof(fixed));
    st->regs[R_EAX] = a;
    st->regs[R_EBX] = b;
    st->eflags = fl;
}

static void set_rig_state(I386Rig *r, const NativeState *st)
{
    for (int i = 0; i < 8; i++)
        if (i != R_ESP)
            r->cpu.regs[i] = st->regs[i];
    r->cpu.regs[R_ESP] = RIG_STACK;
    i386_set_eflags(&r->cpu, (uint32_t)st->eflags, RIG_FLAGS);
}

static void compare_state(I386Rig *r, const NativeState *want, const char *what, uint32_t a,
                          uint32_t b, uint32_t fl)
{
    uint32_t got_fl = i386_get_eflags(&r->cpu) & RIG_FLAGS;
    uint32_t want_fl = (uint32_t)want->eflags & RIG_FLAGS;
    bool ok = got_fl == want_fl;
    for (int i = 0; i < 8; i++)
        ok &= i == R_ESP || r->cpu.regs[i] == want->regs[i];
    if (!ok) {
        print_error("%s [%s] a=%08x b=%08x flags=%03x\n", what, rig_config_name(r->config), a,
                    b, fl);
        for (int i = 0; i < 8; i++)
            if (i != R_ESP)
                print_error("  reg %d: got %08x want %08x\n", i, r->cpu.regs[i],
                            want->regs[i]);
        print_error("  flags: got %03x want %03x\n", got_fl, want_fl);
        fail();
    }
}

/* Runs code under every configuration and natively over all the operand
 * pairs and flag states. */
static void check_code(const char *what, const uint8_t *code, size_t len,
                       const uint8_t *ncode, size_t nlen, const uint32_t *vals, size_t nvals)
{
    NativeCode nc;
    assert_true(native_compile(&nc, ncode, nlen));
    uint8_t buf[512];
    assert_true(len + 1 <= sizeof(buf));
    memcpy(buf, code, len);
    buf[len] = 0xcc;   /* int3 */

    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        rig_load(&r, RIG_CODE, buf, len + 1);
        for (size_t i = 0; i < nvals; i++) {
            for (size_t j = 0; j < nvals; j++) {
                for (size_t k = 0; k < sizeof(flag_states) / sizeof(flag_states[0]); k++) {
                    NativeState st;
                    initial_state(&st, vals[i], vals[j], flag_states[k]);
                    set_rig_state(&r, &st);
                    r.cpu.eip = RIG_CODE;
                    int excp = cpu_exec(&r.cpu.parent);
                    if (excp != I386_EXCP_BP || r.cpu.eip != RIG_CODE + len + 1) {
                        print_error("%s [%s]: exception %d at eip %08x\n", what,
                                    rig_config_name(c), excp, r.cpu.eip);
                        fail();
                    }
                    native_run(&nc, &st);
                    compare_state(&r, &st, what, vals[i], vals[j], flag_states[k]);
                }
            }
        }
        rig_destroy(&r);
    }
    native_free(&nc);
}

static void test_alu_and_conditions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(alu_snippets) / sizeof(alu_snippets[0]); i++) {
        const Snippet *sn = &alu_snippets[i];
        uint8_t code[256], ncode[256];
        size_t len = parse_hex(sn->hex, code);
        size_t nlen = parse_hex(sn->native ? sn->native : sn->hex, ncode);
        len += append_cond_mask(code + len);
        nlen += append_cond_mask(ncode + nlen);
        check_code(sn->text, code, len, ncode, nlen, values, NB_VALUES);
    }
}

/* Flag producers followed by one Jcc (each condition), which ends the
 * block: EDI gets 1 when the branch is taken. */
static const Snippet jcc_producers[] = {
    { "cmp %bl,%al", "38 d8", NULL },
    { "cmp %bx,%ax", "66 39 d8", NULL },
    { "cmp %ebx,%eax", "39 d8", NULL },
    { "sub %ebx,%eax", "29 d8", NULL },
    { "add %ebx,%eax", "01 d8", NULL },
    { "add %bl,%al", "00 d8", NULL },
    { "adc %bx,%ax", "66 11 d8", NULL },
    { "sbb %ebx,%eax", "19 d8", NULL },
    { "test %ebx,%eax", "85 d8", NULL },
    { "and %bl,%al", "20 d8", NULL },
    { "inc %eax", "40", "ff c0" },
    { "dec %al", "fe c8", NULL },
    { "neg %ax", "66 f7 d8", NULL },
    { "xor %eax,%eax", "31 c0", NULL },
    { "sahf", "9e", NULL },
    { "", "", NULL },   /* the flags as they enter */
};

static const uint32_t jcc_values[] = {
    0, 1, 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
};

static void test_jcc(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(jcc_producers) / sizeof(jcc_producers[0]); i++) {
        const Snippet *sn = &jcc_producers[i];
        for (int cc = 0; cc < 16; cc++) {
            for (int wide = 0; wide < 2; wide++) {
                uint8_t code[64], ncode[64];
                size_t len = parse_hex(sn->hex, code);
                size_t nlen = parse_hex(sn->native ? sn->native : sn->hex, ncode);
                /* jcc over "mov $1,%edi" lands on "mov $2,%esi" */
                const uint8_t jshort[] = { (uint8_t)(0x70 + cc), 0x05 };
                const uint8_t jnear[] = { 0x0f, (uint8_t)(0x80 + cc), 0x05, 0, 0, 0 };
                const uint8_t tail[] = { 0xbf, 1, 0, 0, 0, 0xbe, 2, 0, 0, 0 };
                const uint8_t *j = wide ? jnear : jshort;
                size_t jl = wide ? sizeof(jnear) : sizeof(jshort);
                memcpy(code + len, j, jl);
                memcpy(ncode + nlen, j, jl);
                len += jl;
                nlen += jl;
                memcpy(code + len, tail, sizeof(tail));
                memcpy(ncode + nlen, tail, sizeof(tail));
                len += sizeof(tail);
                nlen += sizeof(tail);
                char what[80];
                snprintf(what, sizeof(what), "%s; j%s cc %d", sn->text, wide ? "(near)" : "",
                         cc);
                check_code(what, code, len, ncode, nlen, jcc_values,
                           sizeof(jcc_values) / sizeof(jcc_values[0]));
            }
        }
    }
}

/* CMOVcc %edx,%edi and %dx,%di after a compare, for every condition. */
static void test_cmov(void **state)
{
    (void)state;
    for (int cc = 0; cc < 16; cc++) {
        for (int w16 = 0; w16 < 2; w16++) {
            uint8_t code[16];
            size_t len = 0;
            code[len++] = 0x39;   /* cmp %ebx,%eax */
            code[len++] = 0xd8;
            if (w16)
                code[len++] = 0x66;
            code[len++] = 0x0f;
            code[len++] = (uint8_t)(0x40 + cc);
            code[len++] = 0xfa;
            char what[40];
            snprintf(what, sizeof(what), "cmp; cmov%s cc %d", w16 ? "w" : "l", cc);
            check_code(what, code, len, code, len, jcc_values,
                       sizeof(jcc_values) / sizeof(jcc_values[0]));
        }
    }
}

/*
 * Memory forms: each ALU operation with a memory destination (plain and
 * LOCKed) or memory source must give the register form's native result,
 * in memory or in the register, with the same flags.
 */
typedef struct MemCase {
    const char *text;
    const char *mem_hex;     /* operates on [RIG_DATA] = 0x10000 and %bl/%bx/%ebx */
    const char *reg_hex;     /* the same with %al/%ax/%eax as the operand */
    unsigned size;           /* bytes */
    bool dest_mem;           /* the result goes to memory, else to %eax */
} MemCase;

static const MemCase mem_cases[] = {
    { "add %bl,mem", "00 1d 00 00 01 00", "00 d8", 1, true },
    { "lock add %ebx,mem", "f0 01 1d 00 00 01 00", "01 d8", 4, true },
    { "adc %bx,mem", "66 11 1d 00 00 01 00", "66 11 d8", 2, true },
    { "lock adc %ebx,mem", "f0 11 1d 00 00 01 00", "11 d8", 4, true },
    { "lock sbb %bl,mem", "f0 18 1d 00 00 01 00", "18 d8", 1, true },
    { "sub %ebx,mem", "29 1d 00 00 01 00", "29 d8", 4, true },
    { "lock sub %bx,mem", "66 f0 29 1d 00 00 01 00", "66 29 d8", 2, true },
    { "lock or %ebx,mem", "f0 09 1d 00 00 01 00", "09 d8", 4, true },
    { "lock and %bl,mem", "f0 20 1d 00 00 01 00", "20 d8", 1, true },
    { "lock xor %bx,mem", "f0 66 31 1d 00 00 01 00", "66 31 d8", 2, true },
    { "cmp %ebx,mem", "39 1d 00 00 01 00", "39 d8", 4, true },
    { "lock incl mem", "f0 ff 05 00 00 01 00", "ff c0", 4, true },
    { "decw mem", "66 ff 0d 00 00 01 00", "66 ff c8", 2, true },
    { "lock decb mem", "f0 fe 0d 00 00 01 00", "fe c8", 1, true },
    { "lock negl mem", "f0 f7 1d 00 00 01 00", "f7 d8", 4, true },
    { "negb mem", "f6 1d 00 00 01 00", "f6 d8", 1, true },
    { "lock notw mem", "66 f0 f7 15 00 00 01 00", "66 f7 d0", 2, true },
    { "test %ebx,mem", "85 1d 00 00 01 00", "85 d8", 4, true },
    { "lock addl $-1,mem (83 /0)", "f0 83 05 00 00 01 00 ff", "83 c0 ff", 4, true },
    { "subb $0x80,mem", "80 2d 00 00 01 00 80", "2c 80", 1, true },
    { "xchg %ebx,mem", "87 1d 00 00 01 00", "93", 4, true },
    { "xchg %bl,mem", "86 1d 00 00 01 00", "86 d8", 1, true },
    /* memory as the source: the register (eax) gets the result */
    { "add mem,%eax", "03 05 00 00 01 00", "03 c3", 4, false },
    { "sbb mem,%ax", "66 1b 05 00 00 01 00", "66 1b c3", 2, false },
    { "cmp mem,%al", "3a 05 00 00 01 00", "3a c3", 1, false },
    { "xor mem,%eax", "33 05 00 00 01 00", "33 c3", 4, false },
};

static void test_memory_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(mem_cases) / sizeof(mem_cases[0]); i++) {
        const MemCase *mc = &mem_cases[i];
        uint8_t code[32], ncode[32];
        size_t len = parse_hex(mc->mem_hex, code);
        size_t nlen = parse_hex(mc->reg_hex, ncode);
        code[len++] = 0xcc;
        NativeCode nc;
        assert_true(native_compile(&nc, ncode, nlen));
        for (int c = 0; c < RIG_NB_CONFIGS; c++) {
            I386Rig r;
            rig_init(&r, c);
            rig_load(&r, RIG_CODE, code, len);
            for (size_t a = 0; a < NB_VALUES; a++) {
                for (size_t b = 0; b < NB_VALUES; b++) {
                    for (int k = 0; k < 2; k++) {
                        /* Native register form: eax = the memory value.
                         * For the source forms eax = dest, ebx = memory. */
                        NativeState st;
                        initial_state(&st, values[a], values[b], flag_states[k]);
                        set_rig_state(&r, &st);
                        if (mc->dest_mem) {
                            rig_st32(&r, RIG_DATA, values[a]);
                        } else {
                            rig_st32(&r, RIG_DATA, values[b]);
                            r.cpu.regs[R_EBX] = 0xdeadbeefu;
                        }
                        r.cpu.eip = RIG_CODE;
                        assert_int_equal(cpu_exec(&r.cpu.parent), I386_EXCP_BP);
                        native_run(&nc, &st);
                        uint32_t mask = mc->size == 4 ? 0xffffffffu : (1u << (8 * mc->size)) - 1;
                        uint32_t got_fl = i386_get_eflags(&r.cpu) & RIG_FLAGS;
                        bool ok = got_fl == ((uint32_t)st.eflags & RIG_FLAGS);
                        if (mc->dest_mem) {
                            uint32_t m = rig_ld32(&r, RIG_DATA);
                            ok &= (m & mask) == (st.regs[R_EAX] & mask);
                            ok &= (m & ~mask) == (values[a] & ~mask);
                            /* XCHG also writes the register operand */
                            ok &= r.cpu.regs[R_EBX] == st.regs[R_EBX];
                        } else {
                            ok &= r.cpu.regs[R_EAX] == st.regs[R_EAX];
                        }
                        if (!ok) {
                            print_error("%s [%s] a=%08x b=%08x: mem %08x eax %08x ebx %08x "
                                        "flags %03x; want %08x/%08x flags %03x\n",
                                        mc->text, rig_config_name(c), values[a], values[b],
                                        rig_ld32(&r, RIG_DATA), r.cpu.regs[R_EAX],
                                        r.cpu.regs[R_EBX], got_fl, st.regs[R_EAX],
                                        st.regs[R_EBX], (unsigned)st.eflags & RIG_FLAGS);
                            fail();
                        }
                    }
                }
            }
            rig_destroy(&r);
        }
        native_free(&nc);
    }
}

/* SALC (D6) is invalid in 64-bit mode, so its values come from the
 * definition: AL = CF ? 0xff : 0, nothing else changes. */
static void test_salc(void **state)
{
    (void)state;
    static const uint8_t code[] = { 0xd6, 0xcc };
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (int cf = 0; cf < 2; cf++) {
            I386Rig r;
            rig_init(&r, c);
            r.cpu.regs[R_EAX] = 0x12345678;
            i386_set_eflags(&r.cpu, 0x202 | (cf ? I386_CF | I386_ZF : I386_SF), RIG_FLAGS);
            assert_int_equal(rig_run(&r, code, sizeof(code)), I386_EXCP_BP);
            assert_int_equal(r.cpu.regs[R_EAX], cf ? 0x123456ffu : 0x12345600u);
            assert_int_equal(i386_get_eflags(&r.cpu) & RIG_FLAGS,
                             cf ? I386_CF | I386_ZF : I386_SF);
            rig_destroy(&r);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alu_and_conditions),
        cmocka_unit_test(test_jcc),
        cmocka_unit_test(test_cmov),
        cmocka_unit_test(test_memory_forms),
        cmocka_unit_test(test_salc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
