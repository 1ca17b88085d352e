/*
 * LAR, LSL, VERR, VERW; SGDT, SIDT, SMSW, SLDT, STR as a 32-bit Linux
 * process sees them; the single-step trap held off after MOV SS / POP SS.
 *
 * LAR/LSL/VERR/VERW are compared with the host CPU: the test process
 * creates LDT entries with modify_ldt, reads the descriptors back, gives
 * mimic the same LDT and a GDT laid out like the host kernel's (user
 * code 0x23, data 0x2b, 64-bit code 0x33, kernel entries of DPL 0), and
 * runs the same instructions natively (in 64-bit mode they have the same
 * encoding and semantics) for every selector and RPL.  System
 * descriptors, which no user process can create, are checked against
 * the SDM's type tables.  The UMIP values are those the reference host's
 * kernel gives a 32-bit process (measured with a gcc -m32 program; the
 * values are documented in translate-seg.c).  The MOV SS case follows
 * SDM vol. 3, 6.8.3, as measured on the host: one trap, after the
 * instruction that follows MOV SS.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "i386-core-rig.h"
#include "i386-native.h"

/* The host kernel's GDT entries 0-7 as far as CPL 3 can see them. */
static uint64_t host_gdt[] = {
    0,
    0x00cf9b000000ffffull,   /* 0x08: kernel 32-bit code, DPL 0 */
    0x00af9b000000ffffull,   /* 0x10: kernel code, DPL 0 */
    0x00cf93000000ffffull,   /* 0x18: kernel data, DPL 0 */
    0x00cffb000000ffffull,   /* 0x23: user 32-bit code */
    0x00cff3000000ffffull,   /* 0x2b: user data */
    0x00affb000000ffffull,   /* 0x33: user 64-bit code */
    0,
};

/* struct user_desc (same layout on i386 and x86-64). */
typedef struct UserDesc {
    uint32_t entry_number, base_addr, limit, bits;
} UserDesc;

/* bits: seg_32bit 1, contents << 1, read_exec_only 8, limit_in_pages 16,
 * seg_not_present 32, useable 64. */
static const UserDesc ldt_entries[] = {
    { 0, 0x10000, 0x00fff, 1 | 64 },            /* data RW, byte limit */
    { 1, 0, 0xfffff, 1 | 2 << 1 | 8 | 16 },     /* execute-only code, pages */
    { 2, 0x1000, 0x10, 1 << 1 | 8 },            /* read-only expand-down data, 16-bit */
    { 3, 0, 0xfffff, 1 | 2 << 1 | 16 },         /* readable code */
    { 4, 0x2000, 0x1234, 1 | 32 },              /* data, not present */
    { 5, 0, 0xfffff, 1 | 3 << 1 | 16 | 32 },    /* conforming code, not present */
    { 6, 0x3000, 0xabcde, 1 | 8 | 16 },         /* read-only data, pages */
};
#define NB_LDT 8   /* entry 7 stays empty */

static uint64_t host_ldt[NB_LDT];

/* lar %ebx,%eax; setz %cl; lsl %ebx,%edx; setz %ch; mov %ecx,%ebp;
 * verr %bx; setz %cl; verw %bx; setz %ch; lar %bx,%si; lsl %bx,%di */
static const uint8_t check_reg[] = {
    0x0f, 0x02, 0xc3, 0x0f, 0x94, 0xc1, 0x0f, 0x03, 0xd3, 0x0f, 0x94, 0xc5,
    0x89, 0xcd, 0x0f, 0x00, 0xe3, 0x0f, 0x94, 0xc1, 0x0f, 0x00, 0xeb, 0x0f,
    0x94, 0xc5, 0x66, 0x0f, 0x02, 0xf3, 0x66, 0x0f, 0x03, 0xfb,
};
/* The same with the selector in memory at (%ebx): ModRM 03 / 13 / 23 /
 * 2b / 33 / 3b. */
static const uint8_t check_mem[] = {
    0x0f, 0x02, 0x03, 0x0f, 0x94, 0xc1, 0x0f, 0x03, 0x13, 0x0f, 0x94, 0xc5,
    0x89, 0xcd, 0x0f, 0x00, 0x23, 0x0f, 0x94, 0xc1, 0x0f, 0x00, 0x2b, 0x0f,
    0x94, 0xc5, 0x66, 0x0f, 0x02, 0x33, 0x66, 0x0f, 0x03, 0x3b, 0xcc,
};

static void init_state(NativeState *st, uint32_t sel)
{
    static const uint32_t init[8] = { 0xa0a0a0a0u, 0xc1c1c1c1u, 0xd2d2d2d2u, 0, 0,
                                      0xb5b5b5b5u, 0xe6e6e6e6u, 0xf7f7f7f7u };
    memcpy(st->regs, init, sizeof(init));
    st->regs[R_EBX] = 0xffff0000u | sel;   /* only the low 16 bits count */
    st->eflags = 0x2 | I386_CF | I386_PF | I386_AF | I386_SF | I386_OF;
}

static bool create_host_ldt(void)
{
    for (size_t i = 0; i < sizeof(ldt_entries) / sizeof(ldt_entries[0]); i++) {
        UserDesc u = ldt_entries[i];
        if (syscall(SYS_modify_ldt, 0x11, &u, sizeof(u)) != 0)
            return false;
    }
    memset(host_ldt, 0, sizeof(host_ldt));
    long n = syscall(SYS_modify_ldt, 0, host_ldt, sizeof(host_ldt));
    return n == (long)sizeof(host_ldt);
}

/* Runs code in mimic on st (ebx's selector also at RIG_DATA for the
 * memory forms, where ebx becomes RIG_DATA). */
static void mimic_run(int c, uint64_t *gdt, uint32_t gdt_n, uint64_t *ldt, uint32_t ldt_n,
                      const uint8_t *code, size_t len, NativeState *st, bool mem)
{
    I386Rig r;
    rig_init(&r, c);
    r.cpu.gdt = gdt;
    r.cpu.gdt_entries = gdt_n;
    r.cpu.ldt = ldt;
    r.cpu.ldt_entries = ldt_n;
    memcpy(r.cpu.regs, st->regs, sizeof(st->regs));
    r.cpu.regs[R_ESP] = RIG_STACK;
    if (mem) {
        rig_st32(&r, RIG_DATA, st->regs[R_EBX]);
        r.cpu.regs[R_EBX] = RIG_DATA;
    }
    i386_set_eflags(&r.cpu, (uint32_t)st->eflags, RIG_FLAGS);
    assert_int_equal(rig_run(&r, code, len), I386_EXCP_BP);
    if (mem)
        r.cpu.regs[R_EBX] = st->regs[R_EBX];
    memcpy(st->regs, r.cpu.regs, sizeof(st->regs));
    st->eflags = i386_get_eflags(&r.cpu) & RIG_FLAGS;
    rig_destroy(&r);
}

static bool same_state(const NativeState *a, const NativeState *b)
{
    for (int i = 0; i < 8; i++)
        if (i != R_ESP && a->regs[i] != b->regs[i])
            return false;
    return ((a->eflags ^ b->eflags) & RIG_FLAGS) == 0;
}

static void test_lar_lsl_verr_verw_host(void **state)
{
    (void)state;
    if (!create_host_ldt()) {
        print_error("modify_ldt unavailable on this host\n");
        fail();
    }
    NativeCode nc;
    assert_true(native_compile(&nc, check_reg, sizeof(check_reg)));
    uint8_t with_int3[sizeof(check_reg) + 1];
    memcpy(with_int3, check_reg, sizeof(check_reg));
    with_int3[sizeof(check_reg)] = 0xcc;

    unsigned passed = 0, checked = 0;
    for (uint32_t sel = 0; sel < NB_LDT * 8; sel++) {
        /* GDT selectors 0x00-0x3f (TI = 0) and LDT ones (TI = 1). */
        if ((sel & 4) == 0 && sel >= sizeof(host_gdt))
            continue;
        NativeState want;
        init_state(&want, sel);
        native_run(&nc, &want);
        want.eflags &= RIG_FLAGS;
        checked++;
        passed += (want.regs[R_ECX] & 1) != 0;
        for (int c = 0; c < RIG_NB_CONFIGS; c++) {
            for (int mem = 0; mem < 2; mem++) {
                NativeState got;
                init_state(&got, sel);
                mimic_run(c, host_gdt, sizeof(host_gdt) / 8, host_ldt, NB_LDT,
                          mem ? check_mem : with_int3,
                          mem ? sizeof(check_mem) : sizeof(with_int3), &got, mem);
                if (!same_state(&want, &got)) {
                    print_error("sel %02x [%s%s]: eax %08x/%08x ecx %08x/%08x edx %08x/%08x "
                                "ebp %08x/%08x esi %08x/%08x edi %08x/%08x fl %03x/%03x\n",
                                sel, rig_config_name(c), mem ? ", memory" : "",
                                got.regs[R_EAX], want.regs[R_EAX], got.regs[R_ECX],
                                want.regs[R_ECX], got.regs[R_EDX], want.regs[R_EDX],
                                got.regs[R_EBP], want.regs[R_EBP], got.regs[R_ESI],
                                want.regs[R_ESI], got.regs[R_EDI], want.regs[R_EDI],
                                (unsigned)got.eflags, (unsigned)want.eflags);
                    fail();
                }
            }
        }
    }
    native_free(&nc);
    /* The table must exercise both answers: 0x23, 0x2b, 0x33 and the
     * LDT pass LAR; null, DPL 0 and empty entries do not. */
    assert_true(passed >= 12 && passed < checked);
}

/* System descriptors (SDM vol. 3, table 3-2), DPL 3 unless said. */
static uint64_t sys_gdt[] = {
    0,
    0x0000e20000001000ull,   /* 0x08: LDT, limit 0x1000 */
    0x0000e90000000067ull,   /* 0x10: 32-bit TSS available */
    0x0000eb0000000067ull,   /* 0x18: 32-bit TSS busy */
    0x0000ec0000000000ull,   /* 0x20: 32-bit call gate */
    0x0000e50000000000ull,   /* 0x28: task gate */
    0x0000ee0000000000ull,   /* 0x30: 32-bit interrupt gate: never valid */
    0x0000890000000067ull,   /* 0x38: TSS, DPL 0 */
    0x0000e10000000123ull,   /* 0x40: 16-bit TSS available */
    0x0000e40000000000ull,   /* 0x48: 16-bit call gate */
    0x0000ef0000000000ull,   /* 0x50: trap gate: never valid */
    0x0000e00000000000ull,   /* 0x58: type 0, reserved */
};

typedef struct SysCase {
    uint32_t sel;
    bool lar, lsl;
    uint32_t limit;
} SysCase;

static const SysCase sys_cases[] = {
    { 0x0b, true, true, 0x1000 },
    { 0x13, true, true, 0x67 },
    { 0x1b, true, true, 0x67 },
    { 0x23, true, false, 0 },
    { 0x2b, true, false, 0 },
    { 0x33, false, false, 0 },
    { 0x3b, false, false, 0 },   /* DPL 0 < CPL */
    { 0x43, true, true, 0x123 },
    { 0x4b, true, false, 0 },
    { 0x53, false, false, 0 },
    { 0x5b, false, false, 0 },
};

static void test_lar_lsl_system(void **state)
{
    (void)state;
    uint8_t code[sizeof(check_reg) + 1];
    memcpy(code, check_reg, sizeof(check_reg));
    code[sizeof(check_reg)] = 0xcc;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (size_t i = 0; i < sizeof(sys_cases) / sizeof(sys_cases[0]); i++) {
            const SysCase *sc = &sys_cases[i];
            NativeState st, init;
            init_state(&init, sc->sel);
            st = init;
            mimic_run(c, sys_gdt, sizeof(sys_gdt) / 8, NULL, 0, code, sizeof(code), &st,
                      false);
            uint32_t ar = (uint32_t)(sys_gdt[sc->sel >> 3] >> 32) & 0x00ffff00u;
            /* ebp = lar ZF | lsl ZF << 8 (from cl, ch); ecx: VERR/VERW
             * always fail on system descriptors. */
            assert_int_equal(st.regs[R_EBP] & 0xffff, (sc->lar ? 1u : 0) | (sc->lsl ? 0x100u : 0));
            assert_int_equal(st.regs[R_ECX] & 0xffff, 0);
            assert_int_equal(st.regs[R_EAX], sc->lar ? ar : init.regs[R_EAX]);
            assert_int_equal(st.regs[R_EDX], sc->lsl ? sc->limit : init.regs[R_EDX]);
            assert_int_equal(st.regs[R_ESI],
                             sc->lar ? (init.regs[R_ESI] & 0xffff0000u) | (ar & 0xff00)
                                     : init.regs[R_ESI]);
            assert_int_equal(st.regs[R_EDI],
                             sc->lsl ? (init.regs[R_EDI] & 0xffff0000u) | sc->limit
                                     : init.regs[R_EDI]);
        }
    }
}

/* SGDT/SIDT/SMSW/SLDT/STR: the values the reference host's kernel gives
 * a 32-bit process (UMIP emulation). */
static const uint8_t umip_code[] = {
    0x0f, 0x01, 0x03,                        /* sgdt (%ebx) */
    0x0f, 0x01, 0x4b, 0x08,                  /* sidt 8(%ebx) */
    0x66, 0x0f, 0x01, 0x43, 0x10,            /* data16 sgdt 0x10(%ebx) */
    0x0f, 0x01, 0x63, 0x18,                  /* smsw 0x18(%ebx) */
    0x0f, 0x00, 0x43, 0x1c,                  /* sldt 0x1c(%ebx) */
    0x0f, 0x00, 0x4b, 0x20,                  /* str 0x20(%ebx) */
    0x0f, 0x01, 0xe0,                        /* smsw %eax */
    0x66, 0x0f, 0x01, 0xe1,                  /* smsw %cx */
    0x0f, 0x00, 0xc2,                        /* sldt %edx */
    0x66, 0x0f, 0x00, 0xce,                  /* str %si */
    0x0f, 0x00, 0xcf,                        /* str %edi */
    0xcc,
};

static void test_umip_values(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        memset(r.mem + RIG_DATA, 0xaa, 0x40);
        r.cpu.regs[R_EBX] = RIG_DATA;
        for (int i = 0; i < 8; i++)
            if (i != R_EBX && i != R_ESP)
                r.cpu.regs[i] = 0xaaaaaaaau;
        assert_int_equal(rig_run(&r, umip_code, sizeof(umip_code)), I386_EXCP_BP);
        static const uint8_t want_mem[0x24] = {
            0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xaa, 0xaa,   /* GDTR: limit 0, base */
            0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xaa, 0xaa,   /* IDTR */
            0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xaa, 0xaa,   /* 6 bytes with 66 too */
            0x33, 0x00, 0xaa, 0xaa,                           /* MSW */
            0x00, 0x00, 0xaa, 0xaa,                           /* LDTR */
            0x40, 0x00, 0xaa, 0xaa,                           /* TR */
        };
        assert_memory_equal(r.mem + RIG_DATA, want_mem, sizeof(want_mem));
        assert_int_equal(r.cpu.regs[R_EAX], 0x80050033u);
        assert_int_equal(r.cpu.regs[R_ECX], 0xaaaa0033u);
        assert_int_equal(r.cpu.regs[R_EDX], 0);
        assert_int_equal(r.cpu.regs[R_ESI], 0xaaaa0040u);
        assert_int_equal(r.cpu.regs[R_EDI], 0x40);
        rig_destroy(&r);
    }
    /* SGDT/SIDT with a register operand: #UD. */
    static const uint8_t sgdt_reg[] = { 0x90, 0x0f, 0x01, 0xc8, 0xcc };  /* sidt %eax */
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        I386Rig r;
        rig_init(&r, c);
        assert_int_equal(rig_run(&r, sgdt_reg, sizeof(sgdt_reg)), I386_EXCP_UD);
        assert_int_equal(r.cpu.eip, RIG_CODE + 1);
        rig_destroy(&r);
    }
}

/* The single-step trap after a segment load with TF set: eip of the
 * first #DB.  MOV SS and POP SS: after the instruction that follows;
 * MOV DS and LSS: right after them. */
typedef struct TfCase {
    const char *text;
    uint8_t bytes[8];
    uint8_t len;
    uint32_t trap_eip;    /* offset from RIG_CODE */
} TfCase;

static const TfCase tf_cases[] = {
    { "mov %eax,%ss; nop", { 0x8e, 0xd0, 0x90, 0x90 }, 4, 3 },
    { "pop %ss; inc %ecx", { 0x17, 0x41, 0x90 }, 3, 2 },
    { "mov %eax,%ds; nop", { 0x8e, 0xd8, 0x90, 0x90 }, 4, 2 },
    { "lss (%esi),%edx; nop", { 0x0f, 0xb2, 0x16, 0x90, 0x90 }, 5, 3 },
};

static uint64_t flat_gdt[] = { 0, 0, 0, 0, 0x00cffb000000ffffull, 0x00cff3000000ffffull };

static void test_mov_ss_tf(void **state)
{
    (void)state;
    for (int c = 0; c < RIG_NB_CONFIGS; c++) {
        for (size_t i = 0; i < sizeof(tf_cases) / sizeof(tf_cases[0]); i++) {
            const TfCase *tc = &tf_cases[i];
            I386Rig r;
            rig_init(&r, c);
            r.cpu.gdt = flat_gdt;
            r.cpu.gdt_entries = sizeof(flat_gdt) / 8;
            r.cpu.regs[R_EAX] = 0x2b;
            r.cpu.regs[R_ECX] = 5;
            r.cpu.regs[R_ESI] = RIG_DATA;
            rig_st32(&r, RIG_DATA, 0x100);
            rig_st32(&r, RIG_DATA + 4, 0x2b);
            rig_st32(&r, RIG_STACK, 0x2b);
            i386_set_eflags(&r.cpu, I386_TF | 0x2, I386_TF);
            int excp = rig_run(&r, tc->bytes, tc->len);
            if (excp != I386_EXCP_DB || r.cpu.eip != RIG_CODE + tc->trap_eip) {
                print_error("%s [%s]: excp %d eip +%x, want #DB at +%x\n", tc->text,
                            rig_config_name(c), excp, r.cpu.eip - RIG_CODE, tc->trap_eip);
                fail();
            }
            if (tc->bytes[0] == 0x17) {
                assert_int_equal(r.cpu.regs[R_ECX], 6);          /* the INC ran */
                assert_int_equal(r.cpu.regs[R_ESP], RIG_STACK + 4);
            }
            rig_destroy(&r);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lar_lsl_verr_verw_host),
        cmocka_unit_test(test_lar_lsl_system),
        cmocka_unit_test(test_umip_values),
        cmocka_unit_test(test_mov_ss_tf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
