/*
 * Signal numbers: the stub speaks gdb's own numbering (the GDB manual,
 * "Signals" in the remote protocol appendix: gdb's target-independent
 * numbers, as in gdb's include/gdb/signals.def), the guest's are Linux's
 * (asm-generic numbering, which i386 uses).  1-6, 8, 9, 11, 13-15 agree;
 * the rest differ.
 */
#include "gdbstub/gdbstub-internal.h"

/* gdb's number of Linux signal n (index), 0 where gdb has none. */
static const unsigned char linux_to_gdb[65] = {
    [1] = 1,  [2] = 2,  [3] = 3,  [4] = 4,  [5] = 5,  [6] = 6,
    [7] = 10,             /* SIGBUS */
    [8] = 8,  [9] = 9,
    [10] = 30,            /* SIGUSR1 */
    [11] = 11,
    [12] = 31,            /* SIGUSR2 */
    [13] = 13, [14] = 14, [15] = 15,
    [16] = 0,             /* SIGSTKFLT: none */
    [17] = 20,            /* SIGCHLD */
    [18] = 19,            /* SIGCONT */
    [19] = 17,            /* SIGSTOP */
    [20] = 18,            /* SIGTSTP */
    [21] = 21, [22] = 22,  /* SIGTTIN, SIGTTOU */
    [23] = 16,            /* SIGURG */
    [24] = 24, [25] = 25, [26] = 26, [27] = 27, [28] = 28,
    [29] = 23,            /* SIGIO */
    [30] = 32,            /* SIGPWR */
    [31] = 12,            /* SIGSYS */
    [32] = 77,            /* SIGRTMIN: gdb's REALTIME_32 */
    /* 33-63: REALTIME_33.. are gdb's 45-75 */
    [33] = 45, [34] = 46, [35] = 47, [36] = 48, [37] = 49, [38] = 50, [39] = 51,
    [40] = 52, [41] = 53, [42] = 54, [43] = 55, [44] = 56, [45] = 57, [46] = 58,
    [47] = 59, [48] = 60, [49] = 61, [50] = 62, [51] = 63, [52] = 64, [53] = 65,
    [54] = 66, [55] = 67, [56] = 68, [57] = 69, [58] = 70, [59] = 71, [60] = 72,
    [61] = 73, [62] = 74, [63] = 75,
    [64] = 78,            /* REALTIME_64 */
};

int gdb_signal_from_host(int sig)
{
    if (sig <= 0 || sig > 64)
        return 0;
    return linux_to_gdb[sig] ? linux_to_gdb[sig] : 143;   /* GDB_SIGNAL_UNKNOWN */
}

int gdb_signal_to_host(int gdb_sig)
{
    if (gdb_sig <= 0)
        return 0;
    for (int sig = 1; sig <= 64; sig++)
        if (linux_to_gdb[sig] == gdb_sig)
            return sig;
    return 0;
}
