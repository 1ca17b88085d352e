/*
 * The GDB stub's command handling, the rest: monitor commands
 * (gdb-monitor.c), the packets that resume, kill or detach, and gdb's
 * signal numbers (gdb-signals.c: those of gdb's include/gdb/signals.def),
 * driven through gdb-cmd-rig.h.
 */
#include "gdb-cmd-rig.h"

static void test_monitor(void **state)
{
    (void)state;
    /* "help" */
    mon("qRcmd,68656c70");
    assert_string_equal(reply, "OK");
    assert_int_equal(nb_packets, 2);
    assert_non_null(strstr(console, "icount"));
    assert_true(console_len > 0 && console[console_len - 1] == '\n');

    /* "icount": thread 1's, then thread 2's through Hg. */
    mon("qRcmd,69636f756e74");
    assert_string_equal(reply, "OK");
    assert_string_equal(console, "1234\n");
    assert_reply("Hg2", "OK");
    mon("qRcmd,69636f756e74");
    assert_string_equal(console, "99\n");
    assert_reply("Hg1", "OK");

    /* "info registers": one line per register, value most significant
     * byte first. */
    cpus[0].regs[R_EAX] = 0x12345678u;
    mon("qRcmd,696e666f20726567697374657273");
    assert_string_equal(reply, "OK");
    assert_int_equal(nb_packets, 43);
    assert_memory_equal(console, "eax      0x12345678\n", 20);
    assert_non_null(strstr(console, "\neip      0x00000000\n"));
    assert_non_null(strstr(console, "\neflags   0x00000202\n"));
    assert_non_null(strstr(console, "\nmxcsr    0x00001f80\n"));

    /* "x 0x10010 4" */
    mon("qRcmd,7820307831303031302034");
    assert_string_equal(reply, "OK");
    assert_string_equal(console, "00010010: 10 11 12 13\n");
    /* "x 0x1fffe 4": unreadable bytes show as ?? */
    mon("qRcmd,7820307831666666652034");
    assert_string_equal(console, "0001fffe: fe ff ?? ??\n");
    /* "x 0x10000 0x10000": capped to 4096 bytes, 256 lines. */
    mon("qRcmd,7820307831303030302030783130303030");
    assert_string_equal(reply, "OK");
    assert_int_equal(nb_packets, 257);
    assert_int_equal(console_len, 256 * (9 + 16 * 3 + 1));
    assert_memory_equal(console + 255 * 58, "00010ff0: f0 f1", 15);
    /* "x": no address. */
    mon("qRcmd,78");
    assert_string_equal(reply, "E01");

    /* "bogus" */
    mon("qRcmd,626f677573");
    assert_string_equal(reply, "E01");
    assert_int_equal(nb_packets, 2);
    assert_string_equal(console, "unknown monitor command (try: monitor help)\n");

    /* Odd-length and non-hex arguments. */
    REPLIES({ "qRcmd,6", "E16" }, { "qRcmd,zz", "E16" });
}

/* ---------------------------------------------------------------------
 * Resuming, killing, detaching.
 */

static void send_resume(const char *pkt)
{
    send_bin(pkt, strlen(pkt));
    assert_true(resumed);
    assert_int_equal(nb_packets, 0);   /* the stop reply comes later */
}

static void assert_action(unsigned i, int tid, bool step, int sig)
{
    assert_true(i < S->nb_actions);
    assert_int_equal(S->actions[i].tid, tid);
    assert_int_equal(S->actions[i].r.step, step);
    assert_int_equal(S->actions[i].r.signal, sig);
}

static void test_resume_legacy(void **state)
{
    (void)state;
    send_resume("c");
    assert_int_equal(S->nb_actions, 2);
    assert_action(0, 1, false, 0);
    assert_action(1, -1, false, 0);

    send_resume("s");
    assert_int_equal(S->nb_actions, 2);
    assert_action(0, 1, true, 0);
    assert_action(1, -1, false, 0);

    /* gdb's 11 is SIGSEGV, Linux 11; gdb's 10 is SIGBUS, Linux 7. */
    send_resume("C0b");
    assert_action(0, 1, false, 11);
    assert_action(1, -1, false, 0);
    send_resume("S0a");
    assert_action(0, 1, true, 7);
    send_resume("C1e");                /* gdb's SIGUSR1, Linux 10 */
    assert_action(0, 1, false, 10);

    /* Hc picks the thread. */
    assert_reply("Hc2", "OK");
    send_resume("s");
    assert_action(0, 2, true, 0);
    assert_action(1, -1, false, 0);

    /* An address: that thread's eip first. */
    send_resume("c1234");
    assert_int_equal(cpus[1].eip, 0x1234u);
    assert_int_equal(cpus[0].eip, 0);
    assert_reply("Hc-1", "OK");
    send_resume("C05;8048000");
    assert_int_equal(cpus[0].eip, 0x8048000u);
    assert_action(0, 1, false, SIGTRAP);

    all_reply("E16", "cxyz", "C", "Cxx", "C05x", "C100", "s12;", NULL);
}

static void test_resume_vcont(void **state)
{
    (void)state;
    send_resume("vCont;c");
    assert_int_equal(S->nb_actions, 1);
    assert_action(0, -1, false, 0);

    send_resume("vCont;s:2;c");
    assert_int_equal(S->nb_actions, 2);
    assert_action(0, 2, true, 0);
    assert_action(1, -1, false, 0);

    send_resume("vCont;C0a:1");
    assert_int_equal(S->nb_actions, 1);
    assert_action(0, 1, false, 7);

    send_resume("vCont;S0b:2;c:1");
    assert_int_equal(S->nb_actions, 2);
    assert_action(0, 2, true, 11);
    assert_action(1, 1, false, 0);

    send_resume("vCont;c:-1");
    assert_action(0, -1, false, 0);

    /* Malformed: E16 and the guest stays stopped. */
    static const char *const bad[] = {
        "vCont;", "vCont;x", "vCont;c:", "vCont;s:zz", "vCont;C", "vCont;Cxx:1",
        "vCont;C100", "vCont;c;", "vCont;c:1x", "vCont;c:1;;c", "vCont;r1,2",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_reply(bad[i], "E16");

    /* More actions than the stub holds. */
    char many[8 + 4 * (GDB_MAX_ACTIONS + 1)];
    strcpy(many, "vCont");
    for (int i = 0; i <= GDB_MAX_ACTIONS; i++)
        strcat(many, ";s:1");
    assert_reply(many, "E16");
}

static void test_kill(void **state)
{
    (void)state;
    send_bin("k", 1);
    assert_false(resumed);
    assert_int_equal(nb_packets, 0);
    assert_int_equal(rec.kill_calls, 1);
    assert_reply("vKill;1", "OK");
    assert_int_equal(rec.kill_calls, 2);
}

static void test_detach(void **state)
{
    (void)state;
    assert_reply("D", "OK");
    /* The stub shut the connection down after its reply. */
    assert_true(peer_eof);
}

/* ---------------------------------------------------------------------
 * Signal numbers.
 */

static void test_signals(void **state)
{
    (void)state;
    /* From gdb's signals.def: the numbers that differ from Linux. */
    static const int pairs[][2] = {
        { SIGHUP, 1 }, { SIGINT, 2 }, { SIGQUIT, 3 }, { SIGILL, 4 }, { SIGTRAP, 5 },
        { SIGABRT, 6 }, { SIGBUS, 10 }, { SIGFPE, 8 }, { SIGKILL, 9 }, { SIGUSR1, 30 },
        { SIGSEGV, 11 }, { SIGUSR2, 31 }, { SIGPIPE, 13 }, { SIGALRM, 14 },
        { SIGTERM, 15 }, { SIGCHLD, 20 }, { SIGCONT, 19 }, { SIGSTOP, 17 },
        { SIGTSTP, 18 }, { SIGTTIN, 21 }, { SIGTTOU, 22 }, { SIGURG, 16 },
        { SIGXCPU, 24 }, { SIGXFSZ, 25 }, { SIGVTALRM, 26 }, { SIGPROF, 27 },
        { SIGWINCH, 28 }, { SIGIO, 23 }, { SIGPWR, 32 }, { SIGSYS, 12 },
        /* Linux's real-time signals 32-64: gdb's REALTIME_32 is 77,
         * REALTIME_33..63 are 45..75, REALTIME_64 is 78. */
        { 32, 77 }, { 33, 45 }, { 34, 46 }, { 40, 52 }, { 63, 75 }, { 64, 78 },
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        assert_int_equal(gdb_signal_from_host(pairs[i][0]), pairs[i][1]);
        assert_int_equal(gdb_signal_to_host(pairs[i][1]), pairs[i][0]);
    }
    /* Round trips wherever gdb has a number; SIGSTKFLT (16) has none. */
    for (int sig = 1; sig <= 64; sig++) {
        int g = gdb_signal_from_host(sig);
        if (sig == 16) {
            assert_int_equal(g, 143);   /* GDB_SIGNAL_UNKNOWN */
            continue;
        }
        assert_true(g > 0 && g < 143);
        assert_int_equal(gdb_signal_to_host(g), sig);
    }
    assert_int_equal(gdb_signal_from_host(0), 0);
    assert_int_equal(gdb_signal_from_host(65), 0);
    assert_int_equal(gdb_signal_from_host(-1), 0);
    assert_int_equal(gdb_signal_to_host(0), 0);
    assert_int_equal(gdb_signal_to_host(-3), 0);
    assert_int_equal(gdb_signal_to_host(7), 0);     /* GDB_SIGNAL_EMT */
    assert_int_equal(gdb_signal_to_host(143), 0);
    assert_int_equal(gdb_signal_to_host(255), 0);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_monitor),
        T(test_resume_legacy),
        T(test_resume_vcont),
        T(test_kill),
        T(test_detach),
        T(test_signals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
