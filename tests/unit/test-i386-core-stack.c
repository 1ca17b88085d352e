/*
 * Stack instructions and near calls: PUSH/POP in every form (the SDM's
 * ESP special cases), PUSHA/POPA, ENTER/LEAVE at several nesting levels,
 * CALL/RET (direct, register, memory, RET imm16), PUSHF/POPF (AC and ID
 * toggle; IOPL and IF unchanged at CPL 3; DF; the TF single-step trap;
 * #AC once AC is set), and segment register pushes and pops.  Expected
 * values are worked out from the SDM (vol. 2 PUSH, POP, PUSHA, ENTER,
 * POPF) in each test.  Every case runs in every rig configuration.
 */
#include <stdio.h>

#include "i386-core-rig.h"

#define S RIG_STACK

static const uint8_t push_pop[] = {
    0xb8, 0x44, 0x33, 0x22, 0x11,            /* mov $0x11223344,%eax */
    0x50,                                    /* push %eax */
    0x66, 0x68, 0x66, 0x55,                  /* pushw $0x5566 */
    0x6a, 0xfe,                              /* push $0xfffffffe */
    0x54,                                    /* push %esp */
    0xff, 0x34, 0x24,                        /* push (%esp) */
    0x5b,                                    /* pop %ebx */
    0x8f, 0x04, 0x24,                        /* pop (%esp) */
    0x59,                                    /* pop %ecx */
    0x66, 0x5a,                              /* pop %dx */
    0x5c,                                    /* pop %esp */
    0xcc,                                    /* int3 */
};

/* PUSH ESP pushes the old value; POP to [ESP] addresses with ESP after
 * the increment; POP ESP leaves the popped value in ESP. */
static void test_push_pop(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        r.cpu.regs[R_EDX] = 0xabcd0000u;
        assert_int_equal(rig_run(&r, push_pop, sizeof(push_pop)), I386_EXCP_BP);
        /* S-4: 0x11223344; S-6: 0x5566; S-10: -2; S-14: S-10 (push esp);
         * S-18: [S-14] = S-10.  pop ebx = S-10; pop (%esp) pops S-10 (at
         * S-14) and stores it at the new ESP, S-10; pop ecx = S-10. */
        assert_int_equal(r.cpu.regs[R_EBX], S - 10);
        assert_int_equal(r.cpu.regs[R_ECX], S - 10);
        assert_int_equal(r.cpu.regs[R_EDX], 0xabcd5566u);
        assert_int_equal(r.cpu.regs[R_ESP], 0x11223344u);
        assert_int_equal(rig_ld32(&r, S - 14), S - 10);
        assert_int_equal(cpu_icount(&r.cpu.parent), 12);
        rig_destroy(&r);
    }
}

static const uint8_t pusha_popa[] = {
    0x60,                                    /* pusha */
    0x31, 0xc0,                              /* xor %eax,%eax */
    0x31, 0xc9,                              /* xor %ecx,%ecx */
    0x31, 0xd2,                              /* xor %edx,%edx */
    0x31, 0xdb,                              /* xor %ebx,%ebx */
    0x31, 0xed,                              /* xor %ebp,%ebp */
    0x31, 0xf6,                              /* xor %esi,%esi */
    0x31, 0xff,                              /* xor %edi,%edi */
    0xc7, 0x44, 0x24, 0x0c, 0x78, 0x56, 0x34, 0x12, /* movl $0x12345678,0xc(%esp) */
    0x61,                                    /* popa */
    0xcc,                                    /* int3 */
};

static const uint8_t pusha16[] = {
    0x66, 0x60,                              /* pushaw */
    0x66, 0xc7, 0x04, 0x24, 0x11, 0x11,      /* movw $0x1111,(%esp) */
    0x66, 0x61,                              /* popaw */
    0xcc,                                    /* int3 */
};

static void test_pusha_popa(void **state)
{
    (void)state;
    static const uint32_t init[8] = { 0xa0a0a0a0u, 0xc1c1c1c1u, 0xd2d2d2d2u, 0xb3b3b3b3u,
                                      S, 0xb5b5b5b5u, 0x5e5e5e5eu, 0xd7d7d7d7u };
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        memcpy(r.cpu.regs, init, sizeof(init));
        assert_int_equal(rig_run(&r, pusha_popa, sizeof(pusha_popa)), I386_EXCP_BP);
        /* EAX at S-4 down to EDI at S-32; the ESP slot (S-20) held S
         * until the program overwrote it. */
        for (int i = 0; i < 8; i++)
            assert_int_equal(rig_ld32(&r, S - 4 * (i + 1)), i == R_ESP ? 0x12345678u : init[i]);
        /* The store at ESP + 12 = S-20 hit the ESP slot, which POPA
         * skips: every register comes back. */
        for (int i = 0; i < 8; i++)
            assert_int_equal(r.cpu.regs[i], init[i]);

        /* 16-bit: words, low halves only; the EDI slot is at ESP. */
        rig_destroy(&r);
        rig_init(&r, c);
        memcpy(r.cpu.regs, init, sizeof(init));
        assert_int_equal(rig_run(&r, pusha16, sizeof(pusha16)), I386_EXCP_BP);
        for (int i = 0; i < 8; i++)
            assert_int_equal(rig_ld16(&r, S - 2 * (i + 1)),
                             i == R_EDI ? 0x1111 : (i == R_ESP ? S : init[i]) & 0xffff);
        for (int i = 0; i < 8; i++)
            assert_int_equal(r.cpu.regs[i], i == R_EDI ? (init[i] & 0xffff0000u) | 0x1111
                                                      : init[i]);
        rig_destroy(&r);
    }
}

static const uint8_t enter_leave[] = {
    0xc8, 0x10, 0x00, 0x00,                  /* enter $0x10,$0x0 */
    0x89, 0xe0,                              /* mov %esp,%eax */
    0x89, 0xeb,                              /* mov %ebp,%ebx */
    0xc9,                                    /* leave */
    0xc8, 0x08, 0x00, 0x01,                  /* enter $0x8,$0x1 */
    0x89, 0xe1,                              /* mov %esp,%ecx */
    0x89, 0xea,                              /* mov %ebp,%edx */
    0xc9,                                    /* leave */
    0xbd, 0x00, 0x00, 0x04, 0x00,            /* mov $0x40000,%ebp */
    0xc8, 0x04, 0x00, 0x03,                  /* enter $0x4,$0x3 */
    0x89, 0xe6,                              /* mov %esp,%esi */
    0x89, 0xef,                              /* mov %ebp,%edi */
    0xcc,                                    /* int3 */
};

static const uint8_t enter16[] = {
    0x66, 0xc8, 0x06, 0x00, 0x02,            /* enterw $0x6,$0x2 */
    0xcc,                                    /* int3 */
};

static void test_enter_leave(void **state)
{
    (void)state;
    const uint32_t ebp0 = 0x7777u;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        r.cpu.regs[R_EBP] = ebp0;
        rig_st32(&r, 0x40000 - 4, 0xf1f1f1f1u);
        rig_st32(&r, 0x40000 - 8, 0xf2f2f2f2u);
        assert_int_equal(rig_run(&r, enter_leave, sizeof(enter_leave)), I386_EXCP_BP);
        /* enter $16,$0: push ebp; ebp = S-4; esp = S-4-16 */
        assert_int_equal(r.cpu.regs[R_EAX], S - 20);
        assert_int_equal(r.cpu.regs[R_EBX], S - 4);
        /* enter $8,$1: push ebp; push frame (S-4); ebp = S-4; esp = S-8-8 */
        assert_int_equal(r.cpu.regs[R_ECX], S - 16);
        assert_int_equal(r.cpu.regs[R_EDX], S - 4);
        /* enter $4,$3 with ebp = 0x40000: push ebp; copy [ebp-4], [ebp-8];
         * push frame; ebp = S-4; esp = S-16-4 */
        assert_int_equal(r.cpu.regs[R_ESI], S - 20);
        assert_int_equal(r.cpu.regs[R_EDI], S - 4);
        assert_int_equal(rig_ld32(&r, S - 4), 0x40000u);
        assert_int_equal(rig_ld32(&r, S - 8), 0xf1f1f1f1u);
        assert_int_equal(rig_ld32(&r, S - 12), 0xf2f2f2f2u);
        assert_int_equal(rig_ld32(&r, S - 16), S - 4);
        rig_destroy(&r);

        /* enterw $6,$2 on a 32-bit stack: word pushes, the frame pointer
         * copied from [EBP - 2]; BP = SP after the first push, EBP's top
         * half kept. */
        rig_init(&r, c);
        r.cpu.regs[R_EBP] = 0x5000u;
        rig_st32(&r, 0x5000 - 4, 0xeeeeccccu);   /* word at [bp-2] = 0xeeee */
        assert_int_equal(rig_run(&r, enter16, sizeof(enter16)), I386_EXCP_BP);
        assert_int_equal(rig_ld16(&r, S - 2), 0x5000);
        assert_int_equal(rig_ld16(&r, S - 4), 0xeeee);
        assert_int_equal(rig_ld16(&r, S - 6), (S - 2) & 0xffff);
        assert_int_equal(r.cpu.regs[R_EBP], (S - 2) & 0xffff);
        assert_int_equal(r.cpu.regs[R_ESP], S - 6 - 6);
        rig_destroy(&r);
    }
}

static const uint8_t call_ret[] = {
    0xe8, 0x06, 0x00, 0x00, 0x00,            /* call 0x100b */
    0xbe, 0x99, 0x00, 0x00, 0x00,            /* mov $0x99,%esi */
    0xcc,                                    /* int3 */
    0x58,                                    /* pop %eax */
    0x50,                                    /* push %eax */
    0xbb, 0x18, 0x10, 0x00, 0x00,            /* mov $0x1018,%ebx */
    0xff, 0xd3,                              /* call *%ebx */
    0x89, 0xf9,                              /* mov %edi,%ecx */
    0xeb, 0x06,                              /* jmp 0x101e */
    0xbf, 0x77, 0x00, 0x00, 0x00,            /* mov $0x77,%edi */
    0xc3,                                    /* ret */
    0x6a, 0x00,                              /* push $0x0 */
    0x68, 0x29, 0x10, 0x00, 0x00,            /* push $0x1029 */
    0xc2, 0x04, 0x00,                        /* ret $0x4 */
    0xcc,                                    /* int3 */
    0xba, 0x3b, 0x10, 0x00, 0x00,            /* mov $0x103b,%edx */
    0x89, 0x15, 0x00, 0x00, 0x01, 0x00,      /* mov %edx,0x10000 */
    0xff, 0x15, 0x00, 0x00, 0x01, 0x00,      /* call *0x10000 */
    0xcc,                                    /* int3 */
    0x8b, 0x2c, 0x24,                        /* mov (%esp),%ebp */
    0xc3,                                    /* ret */
};

static void test_call_ret(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        assert_int_equal(rig_run(&r, call_ret, sizeof(call_ret)), I386_EXCP_BP);
        /* call pushed 0x1005; call *%ebx returned; ret $4 dropped the 0;
         * call *0x10000 pushed 0x103a and returned to the int3 there */
        assert_int_equal(r.cpu.regs[R_EAX], RIG_CODE + 5);
        assert_int_equal(r.cpu.regs[R_ECX], 0x77);
        assert_int_equal(r.cpu.regs[R_EBP], RIG_CODE + 0x3a);
        assert_int_equal(r.cpu.regs[R_ESI], 0);
        assert_int_equal(r.cpu.eip, RIG_CODE + 0x3b);
        assert_int_equal(r.cpu.regs[R_ESP], S - 4);
        rig_destroy(&r);
    }
}

/* A 16-bit call and jump: IP wraps at 64 KiB and only 2 bytes are pushed. */
static void test_call16(void **state)
{
    (void)state;
    /* at 0x1000: callw with rel16 0xe000 -> (0x1004 + 0xe000) & 0xffff */
    static const uint8_t code[] = { 0x66, 0xe8, 0x00, 0xe0 };
    static const uint8_t target[] = { 0x66, 0xc3 };   /* retw */
    static const uint8_t after[] = { 0x66, 0xe9, 0x00, 0x10 }; /* jmpw to 0x2008 */
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        uint8_t buf[8];
        memcpy(buf, code, 4);
        memcpy(buf + 4, after, 4);
        rig_load(&r, RIG_CODE, buf, 8);
        rig_load(&r, 0xf004, target, 2);
        uint8_t bp = 0xcc;
        rig_load(&r, 0x2008, &bp, 1);
        r.cpu.eip = RIG_CODE;
        assert_int_equal(cpu_exec(&r.cpu.parent), I386_EXCP_BP);
        assert_int_equal(r.cpu.eip, 0x2009);
        assert_int_equal(r.cpu.regs[R_ESP], S);
        assert_int_equal(rig_ld16(&r, S - 2), 0x1004);
        rig_destroy(&r);
    }
}

static const uint8_t pushf_popf[] = {
    0x9c,                                    /* pushf */
    0x58,                                    /* pop %eax */
    0x89, 0xc3,                              /* mov %eax,%ebx */
    0x81, 0xf3, 0x00, 0x00, 0x24, 0x00,      /* xor $0x240000,%ebx (AC, ID) */
    0x81, 0xe3, 0xff, 0xfd, 0xff, 0xff,      /* and $0xfffffdff,%ebx (IF) */
    0x81, 0xcb, 0x00, 0x30, 0x00, 0x00,      /* or $0x3000,%ebx (IOPL) */
    0x53,                                    /* push %ebx */
    0x9d,                                    /* popf */
    0x9c,                                    /* pushf */
    0x59,                                    /* pop %ecx */
    0x50,                                    /* push %eax */
    0x9d,                                    /* popf */
    0x9c,                                    /* pushf */
    0x5a,                                    /* pop %edx */
    0xcc,                                    /* int3 */
};

static void test_pushf_popf(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        i386_set_eflags(&r.cpu, I386_CF | I386_ZF, I386_CC_MASK);
        assert_int_equal(rig_run(&r, pushf_popf, sizeof(pushf_popf)), I386_EXCP_BP);
        /* bit 1 and IF set, CF and ZF as set, nothing else */
        assert_int_equal(r.cpu.regs[R_EAX], 0x202u | I386_CF | I386_ZF);
        /* AC and ID toggled; IF and IOPL kept at CPL 3 */
        assert_int_equal(r.cpu.regs[R_ECX], 0x202u | I386_CF | I386_ZF | I386_AC | I386_ID);
        assert_int_equal(r.cpu.regs[R_EDX], r.cpu.regs[R_EAX]);
        assert_int_equal(i386_get_eflags(&r.cpu), r.cpu.regs[R_EAX]);
        rig_destroy(&r);
    }
}

static const uint8_t popf_df[] = {
    0x68, 0x00, 0x04, 0x00, 0x00,            /* push $0x400 */
    0x9d,                                    /* popf */
    0x9c,                                    /* pushf */
    0x58,                                    /* pop %eax */
    0x66, 0x6a, 0x01,                        /* pushw $0x1 */
    0x66, 0x9d,                              /* popfw */
    0x9c,                                    /* pushf */
    0x5b,                                    /* pop %ebx */
    0xcc,                                    /* int3 */
};

/* POPF sets DF (and df, the string step); POPFW changes the low 16 bits
 * only. */
static void test_popf_df(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        i386_set_eflags(&r.cpu, I386_ID, I386_ID);
        assert_int_equal(rig_run(&r, popf_df, sizeof(popf_df)), I386_EXCP_BP);
        /* the 32-bit popf cleared ID and all status flags, set DF */
        assert_int_equal(r.cpu.regs[R_EAX], 0x602u);
        /* popfw: CF set, DF cleared, upper half (ID 0) unchanged */
        assert_int_equal(r.cpu.regs[R_EBX], 0x203u);
        assert_int_equal(r.cpu.df, 1);
        rig_destroy(&r);

        rig_init(&r, c);
        static const uint8_t std_only[] = { 0xfd, 0x9c, 0x58, 0xfc, 0x9c, 0x5b, 0xfd, 0xcc };
        assert_int_equal(rig_run(&r, std_only, sizeof(std_only)), I386_EXCP_BP);
        assert_int_equal(r.cpu.regs[R_EAX] & I386_DF, I386_DF);
        assert_int_equal(r.cpu.regs[R_EBX] & I386_DF, 0);
        assert_int_equal(r.cpu.df, -1);
        assert_int_equal(i386_get_eflags(&r.cpu) & I386_DF, I386_DF);
        rig_destroy(&r);
    }
}

static const uint8_t popf_ac[] = {
    0x9c,                                    /* pushf */
    0x81, 0x0c, 0x24, 0x00, 0x00, 0x04, 0x00, /* orl $0x40000,(%esp) */
    0x9d,                                    /* popf */
    0x8a, 0x46, 0x01,                        /* mov 0x1(%esi),%al */
    0x66, 0x8b, 0x46, 0x02,                  /* mov 0x2(%esi),%ax */
    0x8b, 0x46, 0x04,                        /* mov 0x4(%esi),%eax */
    0x8b, 0x46, 0x01,                        /* mov 0x1(%esi),%eax */
    0xcc,                                    /* int3 */
};

/* With AC set at CPL 3, a misaligned 4-byte load is #AC at that
 * instruction; byte and aligned accesses are fine. */
static void test_alignment_check(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        r.cpu.regs[R_ESI] = RIG_DATA;
        rig_st32(&r, RIG_DATA + 4, 0x44332211u);
        assert_int_equal(rig_run(&r, popf_ac, sizeof(popf_ac)), I386_EXCP_AC);
        assert_int_equal(r.cpu.eip, RIG_CODE + 19);
        assert_int_equal(r.cpu.regs[R_EAX], 0x44332211u);
        assert_int_equal(cpu_icount(&r.cpu.parent), 6);
        rig_destroy(&r);
    }
}

static const uint8_t popf_tf[] = {
    0x68, 0x02, 0x03, 0x00, 0x00,            /* push $0x302 */
    0x9d,                                    /* popf */
    0x90,                                    /* nop */
    0x90,                                    /* nop */
    0xcc,                                    /* int3 */
};

/* POPF setting TF: the instruction after it runs, then the #DB trap
 * with eip after that instruction; each later one traps too. */
static void test_single_step(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        assert_int_equal(rig_run(&r, popf_tf, sizeof(popf_tf)), I386_EXCP_DB);
        assert_int_equal(r.cpu.eip, RIG_CODE + 7);
        assert_int_equal(r.cpu.exception_next_eip, RIG_CODE + 7);
        assert_int_equal(cpu_icount(&r.cpu.parent), 3);
        assert_int_equal(cpu_exec(&r.cpu.parent), I386_EXCP_DB);
        assert_int_equal(r.cpu.eip, RIG_CODE + 8);
        assert_int_equal(cpu_icount(&r.cpu.parent), 4);
        rig_destroy(&r);
    }
}

static const uint8_t seg_push_pop[] = {
    0xc7, 0x44, 0x24, 0xfc, 0xff, 0xff, 0xff, 0xff, /* movl $0xffffffff,-0x4(%esp) */
    0x0f, 0xa0,                              /* push %fs */
    0xb8, 0x0b, 0x00, 0x00, 0x00,            /* mov $0xb,%eax */
    0x89, 0x04, 0x24,                        /* mov %eax,(%esp) */
    0x0f, 0xa9,                              /* pop %gs */
    0x65, 0x8b, 0x1d, 0x04, 0x00, 0x00, 0x00, /* mov %gs:0x4,%ebx */
    0x66, 0x1e,                              /* pushw %ds */
    0x66, 0x59,                              /* pop %cx */
    0x8c, 0xd2,                              /* mov %ss,%edx */
    0x8c, 0x15, 0x00, 0x00, 0x01, 0x00,      /* mov %ss,0x10000 */
    0xcc,                                    /* int3 */
};

/* A GDT with a null entry and entry 1: data, DPL 3, base 0x20000. */
static uint64_t test_gdt[2] = { 0, 0x00cff2020000ffffull };

static void test_segment_push_pop(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        r.cpu.gdt = test_gdt;
        r.cpu.gdt_entries = 2;
        r.cpu.segs[R_FS].selector = 0;
        r.cpu.regs[R_ECX] = 0x12345678u;
        rig_st32(&r, 0x20004, 0xcafef00du);
        rig_st32(&r, RIG_DATA, 0xffffffffu);
        assert_int_equal(rig_run(&r, seg_push_pop, sizeof(seg_push_pop)), I386_EXCP_BP);
        /* push %fs wrote a zero-extended 32-bit selector (the host's
         * choice among the two the SDM allows) */
        /* the mov's 0x0b, then pushw %ds's selector at S-2 */
        assert_int_equal(rig_ld32(&r, S - 4), r.cpu.segs[R_DS].selector << 16 | 0x0b);
        assert_int_equal(r.cpu.segs[R_GS].selector, 0x0b);
        assert_int_equal(r.cpu.segs[R_GS].base, 0x20000);
        assert_int_equal(r.cpu.regs[R_EBX], 0xcafef00du);
        assert_int_equal(r.cpu.regs[R_ECX], 0x12340000u | r.cpu.segs[R_DS].selector);
        assert_int_equal(r.cpu.regs[R_EDX], r.cpu.segs[R_SS].selector);
        assert_int_equal(rig_ld32(&r, RIG_DATA), 0xffff0000u | r.cpu.segs[R_SS].selector);
        assert_int_equal(r.cpu.regs[R_ESP], S);
        rig_destroy(&r);

        static const uint8_t push_fs[] = { 0x0f, 0xa0, 0xcc };
        rig_init(&r, c);
        rig_st32(&r, S - 4, 0xffffffffu);
        r.cpu.segs[R_FS].selector = 0x63;
        assert_int_equal(rig_run(&r, push_fs, sizeof(push_fs)), I386_EXCP_BP);
        assert_int_equal(rig_ld32(&r, S - 4), 0x63);
        rig_destroy(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_pop),
        cmocka_unit_test(test_pusha_popa),
        cmocka_unit_test(test_enter_leave),
        cmocka_unit_test(test_call_ret),
        cmocka_unit_test(test_call16),
        cmocka_unit_test(test_pushf_popf),
        cmocka_unit_test(test_popf_df),
        cmocka_unit_test(test_alignment_check),
        cmocka_unit_test(test_single_step),
        cmocka_unit_test(test_segment_push_pop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
