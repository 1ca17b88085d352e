/*
 * Exceptions, software interrupts and system-flavoured instructions of
 * the core translator: INT3/INT n/INTO/INT1 (traps: eip after; INT n
 * other than 3, 4, 0x80: #GP with error (n << 3) | 2 at the
 * instruction), BOUND (#BR), the flags after a fault in the middle of a
 * block (restored cc_op), LOOP/LOOPE/LOOPNE/JECXZ with both address
 * sizes, ARPL, segment loads from a GDT and an LDT with their #GP/#NP/#SS
 * cases, far JMP/CALL/RET, CPUID and RDTSC.  Expected values come from
 * the SDM (worked out in each test) or, for flags, from the host.
 */
#include <stdio.h>

#include "i386-core-rig.h"
#include "i386-native.h"

#define S RIG_STACK

typedef struct TrapCase {
    const char *text;
    uint8_t bytes[8];
    uint8_t len;
    int excp;
    bool trap;        /* eip after the instruction (else at it) */
    uint32_t err;
} TrapCase;

static const TrapCase trap_cases[] = {
    { "int3", { 0xcc }, 1, I386_EXCP_BP, true, 0 },
    { "int $3", { 0xcd, 0x03 }, 2, I386_EXCP_BP, true, 0 },
    { "int $4", { 0xcd, 0x04 }, 2, I386_EXCP_OF, true, 0 },
    { "int $0x80", { 0xcd, 0x80 }, 2, I386_EXCP_SYSCALL, true, 0 },
    { "int1", { 0xf1 }, 1, I386_EXCP_DB, true, 0 },
    { "int $0", { 0xcd, 0x00 }, 2, I386_EXCP_GP, false, 2 },
    { "int $0x21", { 0xcd, 0x21 }, 2, I386_EXCP_GP, false, 0x21 << 3 | 2 },
    { "int $0xff", { 0xcd, 0xff }, 2, I386_EXCP_GP, false, 0xff << 3 | 2 },
    { "ud2", { 0x0f, 0x0b }, 2, I386_EXCP_UD, false, 0 },
};

/* Each after two instructions (mov $7,%ecx; inc %edx) in the same block. */
static void test_software_interrupts(void **state)
{
    (void)state;
    static const uint8_t pre[] = { 0xb9, 0x07, 0x00, 0x00, 0x00, 0x42 };
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (size_t i = 0; i < sizeof(trap_cases) / sizeof(trap_cases[0]); i++) {
            const TrapCase *tc = &trap_cases[i];
            uint8_t code[16];
            memcpy(code, pre, sizeof(pre));
            memcpy(code + sizeof(pre), tc->bytes, tc->len);
            I386Rig r;
            rig_init(&r, c);
            int excp = rig_run(&r, code, sizeof(pre) + tc->len);
            uint32_t at = RIG_CODE + sizeof(pre);
            uint32_t want_eip = tc->trap ? at + tc->len : at;
            bool ok = excp == tc->excp && r.cpu.eip == want_eip &&
                      r.cpu.error_code == tc->err && r.cpu.regs[R_ECX] == 7 &&
                      r.cpu.regs[R_EDX] == 1 &&
                      cpu_icount(&r.cpu.parent) == (tc->trap ? 3u : 2u) &&
                      (!tc->trap || r.cpu.exception_next_eip == want_eip);
            if (!ok) {
                print_error("%s [%s]: excp %d eip %08x err %x icount %lu\n", tc->text,
                            rig_config_name(c), excp, r.cpu.eip, r.cpu.error_code,
                            (unsigned long)cpu_icount(&r.cpu.parent));
                fail();
            }
            rig_destroy(&r);
        }
    }
}

static const uint8_t into_taken[] = {
    0xb0, 0x7f,                              /* mov $0x7f,%al */
    0x04, 0x01,                              /* add $0x1,%al */
    0xce,                                    /* into */
};
static const uint8_t into_not_taken[] = {
    0xb0, 0x7e,                              /* mov $0x7e,%al */
    0x04, 0x01,                              /* add $0x1,%al */
    0xce,                                    /* into */
    0xbb, 0x05, 0x00, 0x00, 0x00,            /* mov $0x5,%ebx */
    0xcc,                                    /* int3 */
};

static void test_into(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        /* 0x7f + 1 overflows: the #OF trap, eip after INTO */
        assert_int_equal(rig_run(&r, into_taken, sizeof(into_taken)), I386_EXCP_OF);
        assert_int_equal(r.cpu.eip, RIG_CODE + 5);
        assert_int_equal(cpu_icount(&r.cpu.parent), 3);
        assert_true(i386_get_eflags(&r.cpu) & I386_OF);
        rig_destroy(&r);

        rig_init(&r, c);
        assert_int_equal(rig_run(&r, into_not_taken, sizeof(into_not_taken)), I386_EXCP_BP);
        assert_int_equal(r.cpu.regs[R_EBX], 5);
        assert_int_equal(cpu_icount(&r.cpu.parent), 5);
        rig_destroy(&r);
    }
}

static const uint8_t bound_code[] = {
    0xb8, 0x0a, 0x00, 0x00, 0x00,            /* mov $0xa,%eax */
    0x62, 0x05, 0x00, 0x00, 0x01, 0x00,      /* bound %eax,0x10000 */
    0x66, 0xb8, 0xfb, 0xff,                  /* mov $0xfffb,%ax */
    0x66, 0x62, 0x05, 0x08, 0x00, 0x01, 0x00, /* bound %ax,0x10008 */
    0xb9, 0x0b, 0x00, 0x00, 0x00,            /* mov $0xb,%ecx */
    0x62, 0x0d, 0x00, 0x00, 0x01, 0x00,      /* bound %ecx,0x10000 */
    0xcc,                                    /* int3 */
};

/* Bounds [0, 10] (dwords) and [-10, -1] (words): 10 and -5 pass, 11 is
 * #BR, a fault at the BOUND. */
static void test_bound(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        rig_st32(&r, RIG_DATA, 0);
        rig_st32(&r, RIG_DATA + 4, 10);
        rig_st32(&r, RIG_DATA + 8, 0xfffffff6u);   /* words -10, -1 */
        assert_int_equal(rig_run(&r, bound_code, sizeof(bound_code)), I386_EXCP_BR);
        assert_int_equal(r.cpu.eip, RIG_CODE + 27);
        assert_int_equal(cpu_icount(&r.cpu.parent), 5);
        rig_destroy(&r);
    }
}

/* A fault after a flag-setting instruction in the same block: the flags
 * the program sees at the fault are those of that instruction (the
 * translator's static cc_op comes back from insn_start), as the host
 * computes them. */
static void test_flags_at_fault(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x39, 0xd8,        /* cmp %ebx,%eax */
        0x0f, 0x0b,        /* ud2 */
    };
    static const uint8_t code2[] = {
        0x01, 0xd8,        /* add %ebx,%eax */
        0x40,              /* inc %eax */
        0x0f, 0xff,        /* ud0 */
    };
    static const uint8_t native2[] = { 0x01, 0xd8, 0xff, 0xc0 };
    static const uint32_t pairs[][2] = {
        { 1, 2 }, { 0x80000000u, 1 }, { 5, 5 }, { 0x7fffffffu, 0xffffffffu }, { 0xff, 1 },
    };
    NativeCode n1, n2;
    assert_true(native_compile(&n1, code, 2));
    assert_true(native_compile(&n2, native2, sizeof(native2)));
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
            for (int which = 0; which < 2; which++) {
                NativeState st = { .eflags = 0x202 };
                st.regs[R_EAX] = pairs[p][0];
                st.regs[R_EBX] = pairs[p][1];
                I386Rig r;
                rig_init(&r, c);
                r.cpu.regs[R_EAX] = pairs[p][0];
                r.cpu.regs[R_EBX] = pairs[p][1];
                const uint8_t *cd = which ? code2 : code;
                size_t len = which ? sizeof(code2) : sizeof(code);
                assert_int_equal(rig_run(&r, cd, len), I386_EXCP_UD);
                assert_int_equal(r.cpu.eip, RIG_CODE + len - 2);
                native_run(which ? &n2 : &n1, &st);
                assert_int_equal(i386_get_eflags(&r.cpu) & RIG_FLAGS,
                                 (uint32_t)st.eflags & RIG_FLAGS);
                assert_int_equal(r.cpu.regs[R_EAX], st.regs[R_EAX]);
                /* and the program can go on from there */
                r.cpu.eip += 2;
                rig_load(&r, RIG_CODE + len, (const uint8_t[]){ 0xcc }, 1);
                assert_int_equal(cpu_exec(&r.cpu.parent), I386_EXCP_BP);
                assert_int_equal(i386_get_eflags(&r.cpu) & RIG_FLAGS,
                                 (uint32_t)st.eflags & RIG_FLAGS);
                rig_destroy(&r);
            }
        }
    }
    native_free(&n1);
    native_free(&n2);
}

static const uint8_t loops_code[] = {
    0xb9, 0x05, 0x00, 0x00, 0x00,            /* mov $0x5,%ecx */
    0x31, 0xc0,                              /* xor %eax,%eax */
    0x40,                                    /* 1: inc %eax */
    0xe2, 0xfd,                              /* loop 1b */
    0xb9, 0x01, 0x00, 0x01, 0x00,            /* mov $0x10001,%ecx */
    0x67, 0xe2, 0x00,                        /* loopw 2f (CX: 1 -> 0) */
    0x89, 0xca,                              /* 2: mov %ecx,%edx */
    0xb9, 0x0a, 0x00, 0x00, 0x00,            /* mov $0xa,%ecx */
    0x31, 0xdb,                              /* xor %ebx,%ebx */
    0x43,                                    /* 3: inc %ebx */
    0x83, 0xfb, 0x03,                        /* cmp $0x3,%ebx */
    0xe0, 0xfa,                              /* loopne 3b */
    0x89, 0xce,                              /* mov %ecx,%esi */
    0x31, 0xc9,                              /* xor %ecx,%ecx */
    0xe3, 0x01,                              /* jecxz 4f */
    0xcc,                                    /* int3 */
    0xb9, 0x0a, 0x00, 0x00, 0x00,            /* 4: mov $0xa,%ecx */
    0x4b,                                    /* 5: dec %ebx */
    0x83, 0xfb, 0x00,                        /* cmp $0x0,%ebx */
    0xe1, 0xfa,                              /* loope 5b */
    0x89, 0xcf,                              /* mov %ecx,%edi */
    0xcc,                                    /* int3 */
};

static void test_loops(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        assert_int_equal(rig_run(&r, loops_code, sizeof(loops_code)), I386_EXCP_BP);
        assert_int_equal(r.cpu.eip, RIG_CODE + sizeof(loops_code));
        assert_int_equal(r.cpu.regs[R_EAX], 5);        /* loop ran 5 times */
        assert_int_equal(r.cpu.regs[R_EDX], 0x10000);  /* only CX decremented */
        assert_int_equal(r.cpu.regs[R_ESI], 7);        /* loopne stopped at ebx = 3 */
        assert_int_equal(r.cpu.regs[R_EBX], 2);        /* loope stopped at once */
        assert_int_equal(r.cpu.regs[R_EDI], 9);
        rig_destroy(&r);
    }
}

static const uint8_t arpl_code[] = {
    0x63, 0xd8,                              /* arpl %bx,%ax */
    0x0f, 0x94, 0xc1,                        /* sete %cl */
    0x63, 0x1d, 0x00, 0x00, 0x01, 0x00,      /* arpl %bx,0x10000 */
    0x0f, 0x94, 0xc5,                        /* sete %ch */
    0x63, 0xd0,                              /* arpl %dx,%ax */
    0x0f, 0x94, 0xc2,                        /* sete %dl */
    0xcc,                                    /* int3 */
};

static void test_arpl(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        r.cpu.regs[R_EAX] = 0xaaaa0010u;   /* RPL 0 */
        r.cpu.regs[R_EBX] = 0x00000013u;   /* RPL 3 */
        r.cpu.regs[R_ECX] = 0xffffffffu;
        r.cpu.regs[R_EDX] = 0x00000001u;   /* RPL 1 */
        rig_st32(&r, RIG_DATA, 0x55550022u);
        assert_int_equal(rig_run(&r, arpl_code, sizeof(arpl_code)), I386_EXCP_BP);
        assert_int_equal(r.cpu.regs[R_EAX], 0xaaaa0013u);
        assert_int_equal(r.cpu.regs[R_ECX], 0xffff0101u);
        assert_int_equal(rig_ld32(&r, RIG_DATA), 0x55550023u);
        assert_int_equal(r.cpu.regs[R_EDX], 0);
        rig_destroy(&r);
    }
}

/* Descriptor tables for the segment tests (SDM vol. 3, 3.4.5). */
static uint64_t gdt[] = {
    0,
    0x00cff2020000ffffull,   /* 0x08: data RW, DPL 3, base 0x20000 */
    0x00cffa000000ffffull,   /* 0x10: code exec/read, DPL 3, 32-bit, base 0 */
    0x00cf72000000ffffull,   /* 0x18: data, DPL 3, not present */
    0x00cf92000000ffffull,   /* 0x20: data, DPL 0 */
    0x00cff8000000ffffull,   /* 0x28: code execute-only, DPL 3 */
    0x008ff2000000ffffull,   /* 0x30: data, DPL 3, 16-bit (B = 0) */
    0x008ffa000000ffffull,   /* 0x38: code exec/read, DPL 3, 16-bit (D = 0) */
};
static uint64_t ldt[] = {
    0x00cff2030000ffffull,   /* 0x04: data RW, DPL 3, base 0x30000 */
};

static void rig_tables(I386Rig *r)
{
    r->cpu.gdt = gdt;
    r->cpu.gdt_entries = sizeof(gdt) / sizeof(gdt[0]);
    r->cpu.ldt = ldt;
    r->cpu.ldt_entries = sizeof(ldt) / sizeof(ldt[0]);
}

static const uint8_t segload_code[] = {
    0x8e, 0xe0,                              /* mov %eax,%fs */
    0x64, 0x8b, 0x1d, 0x00, 0x00, 0x00, 0x00, /* mov %fs:0x0,%ebx */
    0xc5, 0x0e,                              /* lds (%esi),%ecx */
    0x8b, 0x17,                              /* mov (%edi),%edx */
    0xcc,                                    /* int3 */
};

static void test_segment_loads(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        rig_tables(&r);
        r.cpu.regs[R_EAX] = 0x07;          /* LDT entry 0, RPL 3 */
        r.cpu.regs[R_ESI] = RIG_DATA;
        r.cpu.regs[R_EDI] = 0x100;
        rig_st32(&r, RIG_DATA, 0x1234);     /* far pointer 0x0b:0x1234 */
        rig_st32(&r, RIG_DATA + 4, 0x0b);
        rig_st32(&r, 0x30000, 0x11111111u);
        rig_st32(&r, 0x20100, 0x22222222u);
        assert_int_equal(rig_run(&r, segload_code, sizeof(segload_code)), I386_EXCP_BP);
        assert_int_equal(r.cpu.segs[R_FS].base, 0x30000);
        assert_int_equal(r.cpu.regs[R_EBX], 0x11111111u);
        assert_int_equal(r.cpu.regs[R_ECX], 0x1234);
        assert_int_equal(r.cpu.segs[R_DS].selector, 0x0b);
        assert_true(r.cpu.hflags & I386_HF_ADDSEG);
        assert_int_equal(r.cpu.regs[R_EDX], 0x22222222u);
        rig_destroy(&r);
    }
}

typedef struct SegFault {
    int seg;
    uint32_t sel;
    int excp;         /* -1: loads fine */
    uint32_t err;
} SegFault;

static const SegFault seg_faults[] = {
    { R_DS, 0x1b, I386_EXCP_NP, 0x18 },   /* not present */
    { R_DS, 0x23, I386_EXCP_GP, 0x20 },   /* DPL 0 < CPL */
    { R_DS, 0x2b, I386_EXCP_GP, 0x28 },   /* execute-only code */
    { R_DS, 0xa3, I386_EXCP_GP, 0xa0 },   /* beyond the GDT */
    { R_ES, 0x0f, I386_EXCP_GP, 0x0c },   /* beyond the LDT */
    { R_DS, 0x13, -1, 0 },                /* readable code: allowed */
    { R_ES, 0x00, -1, 0 },                /* null: allowed except in SS */
    { R_GS, 0x03, -1, 0 },                /* null with RPL 3 */
    { R_SS, 0x00, I386_EXCP_GP, 0 },
    { R_SS, 0x13, I386_EXCP_GP, 0x10 },   /* code */
    { R_SS, 0x08, I386_EXCP_GP, 0x08 },   /* RPL 0 != CPL */
    { R_SS, 0x1b, I386_EXCP_SS, 0x18 },   /* not present: #SS */
    { R_SS, 0x33, -1, 0 },                /* a 16-bit stack segment */
};

/* mov %eax,%sreg: a fault is at the MOV with the SDM's error code and
 * leaves the segment as it was. */
static void test_segment_faults(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (size_t i = 0; i < sizeof(seg_faults) / sizeof(seg_faults[0]); i++) {
            const SegFault *sf = &seg_faults[i];
            const uint8_t code[] = { 0x90, 0x8e, (uint8_t)(0xc0 | sf->seg << 3), 0xcc };
            I386Rig r;
            rig_init(&r, c);
            rig_tables(&r);
            I386Segment before = r.cpu.segs[sf->seg];
            r.cpu.regs[R_EAX] = 0xffff0000u | sf->sel;
            int excp = rig_run(&r, code, sizeof(code));
            if (sf->excp < 0) {
                assert_int_equal(excp, I386_EXCP_BP);
                assert_int_equal(r.cpu.segs[sf->seg].selector, sf->sel);
                if (sf->seg == R_SS)
                    assert_false(r.cpu.hflags & I386_HF_SS32);
            } else {
                bool ok = excp == sf->excp && r.cpu.error_code == sf->err &&
                          r.cpu.eip == RIG_CODE + 1 && cpu_icount(&r.cpu.parent) == 1 &&
                          !memcmp(&before, &r.cpu.segs[sf->seg], sizeof(before));
                if (!ok) {
                    print_error("seg %d sel %02x [%s]: excp %d err %x eip %08x\n", sf->seg,
                                sf->sel, rig_config_name(c), excp, r.cpu.error_code,
                                r.cpu.eip);
                    fail();
                }
            }
            rig_destroy(&r);
        }
    }
}

static const uint8_t far_code[] = {
    0xea, 0x08, 0x10, 0x00, 0x00, 0x13, 0x00, /* ljmp $0x13,$0x1008 */
    0xcc,                                    /* int3 */
    0x9a, 0x15, 0x10, 0x00, 0x00, 0x13, 0x00, /* lcall $0x13,$0x1015 */
    0xbe, 0x55, 0x00, 0x00, 0x00,            /* mov $0x55,%esi */
    0xcc,                                    /* int3 */
    0x8b, 0x04, 0x24,                        /* mov (%esp),%eax */
    0x8b, 0x5c, 0x24, 0x04,                  /* mov 0x4(%esp),%ebx */
    0xcb,                                    /* lret */
};

static void test_far_transfers(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        rig_tables(&r);
        assert_int_equal(rig_run(&r, far_code, sizeof(far_code)), I386_EXCP_BP);
        assert_int_equal(r.cpu.segs[R_CS].selector, 0x13);
        assert_int_equal(r.cpu.regs[R_EAX], RIG_CODE + 0x0f);   /* return eip */
        assert_int_equal(r.cpu.regs[R_EBX], 0x13);              /* caller's CS */
        assert_int_equal(r.cpu.regs[R_ESI], 0x55);
        assert_int_equal(r.cpu.regs[R_ESP], S);
        assert_int_equal(r.cpu.eip, RIG_CODE + 0x15);
        rig_destroy(&r);

        /* into a 16-bit code segment: 16-bit operand size by default,
         * 66h selects 32 bits */
        static const uint8_t to16[] = {
            0xea, 0x07, 0x10, 0x00, 0x00, 0x3b, 0x00,   /* ljmp $0x3b,$0x1007 */
            0xb8, 0x34, 0x12,                           /* mov $0x1234,%ax */
            0x89, 0xc3,                                 /* mov %ax,%bx */
            0x66, 0xb9, 0x78, 0x56, 0x34, 0x12,         /* mov $0x12345678,%ecx */
            0xcc,
        };
        rig_init(&r, c);
        rig_tables(&r);
        r.cpu.regs[R_EAX] = 0xaaaaaaaau;
        r.cpu.regs[R_EBX] = 0xbbbbbbbbu;
        assert_int_equal(rig_run(&r, to16, sizeof(to16)), I386_EXCP_BP);
        assert_false(r.cpu.hflags & I386_HF_CS32);
        assert_int_equal(r.cpu.regs[R_EAX], 0xaaaa1234u);
        assert_int_equal(r.cpu.regs[R_EBX], 0xbbbb1234u);
        assert_int_equal(r.cpu.regs[R_ECX], 0x12345678u);
        assert_int_equal(r.cpu.eip, RIG_CODE + sizeof(to16));
        rig_destroy(&r);

        /* a far jump to a data segment: #GP(selector) at the jump */
        static const uint8_t bad[] = { 0x90, 0xea, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00 };
        rig_init(&r, c);
        rig_tables(&r);
        assert_int_equal(rig_run(&r, bad, sizeof(bad)), I386_EXCP_GP);
        assert_int_equal(r.cpu.error_code, 0x08);
        assert_int_equal(r.cpu.eip, RIG_CODE + 1);
        assert_int_equal(r.cpu.segs[R_CS].selector, 0x23);
        rig_destroy(&r);
    }
}

/* CPUID: the default model as docs/i386.md describes it. */
static void test_cpuid(void **state)
{
    (void)state;
    static const uint8_t code[] = { 0x0f, 0xa2, 0xcc };
    static const struct {
        uint32_t leaf;
        uint32_t out[4];   /* eax ebx ecx edx */
    } leaves[] = {
        { 0, { 1, 0x756e6547u, 0x6c65746eu, 0x49656e69u } },   /* "GenuineIntel" */
        /* FPU TSC CX8 CLFSH (64-byte lines) CMOV MMX FXSR SSE SSE2; SSE3 SSSE3 */
        { 1, { 0x6f1, 0x800, 0x201, 0x7888111 } },
        { 5, { 0x6f1, 0x800, 0x201, 0x7888111 } },             /* above: leaf 1 */
        { 0x80000000u, { 0x80000004u, 0, 0, 0 } },
        { 0x80000001u, { 0, 0, 0, 0 } },
        { 0x80000002u, { 0x696d696du, 0x33692063u, 0x00003638u, 0 } },   /* "mimic i386" */
        { 0x80000003u, { 0, 0, 0, 0 } },
        { 0x80000009u, { 0x6f1, 0x800, 0x201, 0x7888111 } },
    };
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
            I386Rig r;
            rig_init(&r, c);
            r.cpu.regs[R_EAX] = leaves[i].leaf;
            r.cpu.regs[R_ECX] = 0x12345;
            assert_int_equal(rig_run(&r, code, sizeof(code)), I386_EXCP_BP);
            assert_int_equal(r.cpu.regs[R_EAX], leaves[i].out[0]);
            assert_int_equal(r.cpu.regs[R_EBX], leaves[i].out[1]);
            assert_int_equal(r.cpu.regs[R_ECX], leaves[i].out[2]);
            assert_int_equal(r.cpu.regs[R_EDX], leaves[i].out[3]);
            rig_destroy(&r);
        }
    }
}

/* RDTSC: a 64-bit count in EDX:EAX that does not go backwards. */
static void test_rdtsc(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x0f, 0x31,        /* rdtsc */
        0x89, 0xc6,        /* mov %eax,%esi */
        0x89, 0xd7,        /* mov %edx,%edi */
        0x0f, 0x31,        /* rdtsc */
        0xcc,
    };
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        assert_int_equal(rig_run(&r, code, sizeof(code)), I386_EXCP_BP);
        uint64_t t1 = (uint64_t)r.cpu.regs[R_EDI] << 32 | r.cpu.regs[R_ESI];
        uint64_t t2 = (uint64_t)r.cpu.regs[R_EDX] << 32 | r.cpu.regs[R_EAX];
        assert_true(t1 != 0);
        assert_true(t2 >= t1);
        rig_destroy(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_software_interrupts),
        cmocka_unit_test(test_into),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_flags_at_fault),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_arpl),
        cmocka_unit_test(test_segment_loads),
        cmocka_unit_test(test_segment_faults),
        cmocka_unit_test(test_far_transfers),
        cmocka_unit_test(test_cpuid),
        cmocka_unit_test(test_rdtsc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
