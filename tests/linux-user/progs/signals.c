/*
 * signals: asynchronous signal delivery to an emulated process.
 *
 * Handlers only record what they saw (signal, si_code, a few siginfo
 * fields, whether they ran on the alternate stack) in a table; main
 * prints the table after each step, so the output is the same however
 * the host schedules things.  Process ids and addresses are printed only
 * as comparisons ("sender is self: yes").
 *
 * Steps: raise, kill and sigqueue to self (SI_TKILL, SI_USER, SI_QUEUE
 * with a value); blocking with sigprocmask, sigpending, delivery at
 * unblock; sa_mask deferring a signal raised inside a handler; real-time
 * signals queued while blocked (each one delivered, in order) against a
 * standard signal sent twice (delivered once); SA_RESETHAND; sigaltstack
 * with SA_ONSTACK; alarm() waking sigsuspend; an interval timer
 * interrupting a blocking read (EINTR) without SA_RESTART; SIGCHLD from children that
 * exit and that are killed, with waitpid statuses; SIGPIPE from writing
 * to a pipe with no reader, then EPIPE with SIGPIPE ignored.  Last, the
 * process kills itself with SIGTERM at its default action, so the exit
 * status the harness sees is "killed by SIGTERM".
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_EVENTS 64

typedef struct Event {
    int signo;
    int code;
    int sender_is_self;     /* si_pid == getpid() */
    int value;              /* si_value.sival_int */
    int status;             /* si_status (SIGCHLD) */
    int on_altstack;        /* a local of the handler lies in the alternate stack */
    int altstack_flags;     /* ss_flags seen from inside the handler */
    const char *note;
} Event;

static volatile int nevents;
static Event events[MAX_EVENTS];
static pid_t self;
static char *altstack;
static size_t altstack_size;

static Event *new_event(int signo, const char *note)
{
    int n = nevents;
    if (n >= MAX_EVENTS)
        _exit(99);
    nevents = n + 1;
    events[n].signo = signo;
    events[n].note = note;
    return &events[n];
}

static void record(int signo, siginfo_t *info, void *uc)
{
    (void)uc;
    Event *e = new_event(signo, "");
    e->code = info->si_code;
    e->sender_is_self = info->si_pid == self;
    /* si_value means something for sigqueue only: POSIX leaves it
     * unspecified otherwise, so do not print what is there. */
    e->value = info->si_code == SI_QUEUE ? info->si_value.sival_int : 0;
    e->status = signo == SIGCHLD ? info->si_status : 0;
    char local;
    e->on_altstack = altstack && &local >= altstack && &local < altstack + altstack_size;
    stack_t ss;
    sigaltstack(NULL, &ss);
    e->altstack_flags = ss.ss_flags;
}

/* Raises SIGUSR1 while SIGUSR2's handler runs: sa_mask holds it back. */
static void nested(int signo, siginfo_t *info, void *uc)
{
    new_event(signo, "enter");
    raise(SIGUSR1);
    Event *e = new_event(signo, "leave");
    (void)info;
    (void)uc;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    e->value = sigismember(&now, SIGUSR1) * 10 + sigismember(&now, SIGUSR2);
}

static void install(int signo, void (*fn)(int, siginfo_t *, void *), int flags,
                    const int *masked)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    for (; masked && *masked; masked++)
        sigaddset(&sa.sa_mask, *masked);
    if (sigaction(signo, &sa, NULL) != 0) {
        perror("sigaction");
        exit(1);
    }
}

static int printed;

static const char *signal_name(int signo)
{
    static char buf[16];
    if (signo >= SIGRTMIN && signo <= SIGRTMAX) {
        snprintf(buf, sizeof(buf), "RTMIN+%d", signo - SIGRTMIN);
        return buf;
    }
    return sigabbrev_np(signo) ? sigabbrev_np(signo) : "?";
}

static void print_events(const char *step)
{
    printf("%s:\n", step);
    for (; printed < nevents; printed++) {
        Event *e = &events[printed];
        printf("  %-9s %s code=%d self=%d value=%d status=%d altstack=%d ss_flags=%d\n",
               signal_name(e->signo), e->note, e->code,
               e->sender_is_self, e->value, e->status, e->on_altstack, e->altstack_flags);
    }
    fflush(stdout);
}

static void block(int signo, int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(how, &set, NULL);
}

static void basic_sends(void)
{
    install(SIGUSR1, record, 0, NULL);
    install(SIGUSR2, record, 0, NULL);
    raise(SIGUSR1);
    kill(self, SIGUSR2);
    union sigval v = { .sival_int = 1234 };
    sigqueue(self, SIGUSR1, v);
    print_events("raise, kill, sigqueue");
}

static void blocking(void)
{
    block(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    sigset_t pending;
    sigpending(&pending);
    printf("blocked: %d events so far, SIGUSR1 pending %d, SIGUSR2 pending %d\n", nevents,
           sigismember(&pending, SIGUSR1), sigismember(&pending, SIGUSR2));
    block(SIGUSR1, SIG_UNBLOCK);
    print_events("after unblocking");

    static const int usr1[] = { SIGUSR1, 0 };
    install(SIGUSR2, nested, 0, usr1);
    raise(SIGUSR2);
    print_events("SIGUSR1 raised inside SIGUSR2's handler (sa_mask holds it)");
}

static void queueing(void)
{
    int rt = SIGRTMIN + 2;
    install(rt, record, 0, NULL);
    block(rt, SIG_BLOCK);
    block(SIGUSR1, SIG_BLOCK);
    for (int i = 1; i <= 3; i++) {
        union sigval v = { .sival_int = i * 100 };
        sigqueue(self, rt, v);
    }
    kill(self, SIGUSR1);
    kill(self, SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    print_events("3 real-time signals and 2 SIGUSR1 sent while blocked");
}

static void reset_hand(void)
{
    install(SIGUSR2, record, SA_RESETHAND, NULL);
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    print_events("SA_RESETHAND");
    printf("  disposition afterwards is SIG_DFL: %s\n",
           now.sa_handler == SIG_DFL ? "yes" : "no");
}

static void alternate_stack(void)
{
    altstack_size = 64 * 1024;
    altstack = malloc(altstack_size);
    stack_t ss = { .ss_sp = altstack, .ss_size = altstack_size, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        exit(1);
    }
    install(SIGUSR1, record, SA_ONSTACK, NULL);
    install(SIGUSR2, record, 0, NULL);
    raise(SIGUSR1);
    raise(SIGUSR2);
    stack_t after;
    sigaltstack(NULL, &after);
    print_events("sigaltstack: SIGUSR1 with SA_ONSTACK, SIGUSR2 without");
    printf("  outside the handler ss_flags=%d size ok=%d\n", after.ss_flags,
           after.ss_size == altstack_size);
}

static void alarm_and_timer(void)
{
    install(SIGALRM, record, 0, NULL);
    block(SIGALRM, SIG_BLOCK);
    alarm(1);
    sigset_t wait_mask;
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, SIGALRM);
    int r = sigsuspend(&wait_mask);
    printf("sigsuspend returned %d (%s)\n", r, strerror(errno));
    block(SIGALRM, SIG_UNBLOCK);
    print_events("alarm(1)");

    /* A timer interrupts a read on an empty pipe: no SA_RESTART.  It
     * repeats every 50 ms, in case a slow or busy host lets the first
     * expiry come before the read starts; so only say whether SIGALRMs
     * came, not how many. */
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(1);
    }
    struct itimerval it = { .it_value = { .tv_usec = 50000 },
                            .it_interval = { .tv_usec = 50000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    char c;
    errno = 0;
    ssize_t n = read(fds[0], &c, 1);
    int err = errno;
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    printf("read interrupted: returned %zd, errno %s\n", n, strerrorname_np(err));
    int alarms = 0, all_kernel = 1;
    for (; printed < nevents; printed++) {
        alarms += events[printed].signo == SIGALRM;
        all_kernel &= events[printed].signo == SIGALRM && events[printed].code == SI_KERNEL;
    }
    printf("setitimer: SIGALRM delivered: %s, all from the kernel (SI_KERNEL): %s\n",
           alarms > 0 ? "yes" : "no", all_kernel ? "yes" : "no");
    close(fds[0]);
    close(fds[1]);
}

static void children(void)
{
    install(SIGCHLD, record, 0, NULL);
    block(SIGCHLD, SIG_BLOCK);
    sigset_t wait_mask;
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, SIGCHLD);

    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
        _exit(7);
    sigsuspend(&wait_mask);
    int status;
    pid_t w = waitpid(child, &status, 0);
    print_events("child exits with 7");
    printf("  waitpid: right child %d, exited %d, status %d\n", w == child,
           WIFEXITED(status), WEXITSTATUS(status));

    int go[2];
    if (pipe(go) != 0) {
        perror("pipe");
        exit(1);
    }
    child = fork();
    if (child == 0) {
        close(go[1]);
        signal(SIGTERM, SIG_DFL);
        char c;
        while (read(go[0], &c, 1) != 0)
            ;           /* never returns: the parent kills us first */
        _exit(0);
    }
    close(go[0]);
    kill(child, SIGTERM);
    sigsuspend(&wait_mask);
    w = waitpid(child, &status, 0);
    close(go[1]);
    block(SIGCHLD, SIG_UNBLOCK);
    print_events("child killed by SIGTERM");
    printf("  waitpid: right child %d, signalled %d, signal %s\n", w == child,
           WIFSIGNALED(status), signal_name(WTERMSIG(status)));
    signal(SIGCHLD, SIG_DFL);
}

static void broken_pipe(void)
{
    install(SIGPIPE, record, 0, NULL);
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(1);
    }
    close(fds[0]);
    errno = 0;
    ssize_t n = write(fds[1], "x", 1);
    printf("write to a pipe without reader: %zd, errno %s\n", n, strerrorname_np(errno));
    print_events("SIGPIPE");
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    n = write(fds[1], "x", 1);
    printf("again with SIGPIPE ignored: %zd, errno %s, %d new events\n", n,
           strerrorname_np(errno), nevents - printed);
    close(fds[1]);
}

int main(void)
{
    self = getpid();
    basic_sends();
    blocking();
    queueing();
    reset_hand();
    alternate_stack();
    alarm_and_timer();
    children();
    broken_pipe();
    printf("now SIGTERM at its default action\n");
    fflush(stdout);
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
