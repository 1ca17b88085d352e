/*
 * forkexec: processes under emulation: fork, vfork, execve, posix_spawn,
 * waitpid statuses, pipes between parent and child, and finally an
 * execve that replaces this program with another i386 program.
 *
 *   forkexec BUSYBOX EXEC_TARGET
 *
 * BUSYBOX is the static i386 busybox, EXEC_TARGET the exec-target
 * program (both absolute paths, from the harness).  Every child's output
 * is flushed or waited for before the parent prints again, so the order
 * of lines is fixed.  The exit status is exec-target's (23).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *busybox, *target;

static void describe(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited with %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(status)));
    else
        printf("%s: status %#x\n", what, status);
    fflush(stdout);
}

static pid_t checked_fork(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    return pid;
}

static int wait_for(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        exit(1);
    }
    return status;
}

static void plain_fork(void)
{
    pid_t parent = getpid();
    pid_t pid = checked_fork();
    if (pid == 0) {
        printf("child: parent is my getppid: %s\n", getppid() == parent ? "yes" : "no");
        printf("child: my pid differs from the parent's: %s\n",
               getpid() != parent ? "yes" : "no");
        fflush(stdout);
        _exit(5);
    }
    describe("fork child", wait_for(pid));

    /* Copy-on-write: the child's writes do not reach the parent. */
    static int shared_value = 10;
    pid = checked_fork();
    if (pid == 0) {
        shared_value = 99;
        _exit(shared_value == 99 ? 0 : 1);
    }
    describe("child that changed its copy", wait_for(pid));
    printf("parent's copy still %d\n", shared_value);

    pid = checked_fork();
    if (pid == 0) {
        abort();
    }
    describe("child that aborts", wait_for(pid));

    pid = checked_fork();
    if (pid == 0) {
        volatile int *volatile bad = (int *)16;
        *bad = 1;
        _exit(0);
    }
    describe("child that writes to address 16", wait_for(pid));
}

static void several_children(void)
{
    pid_t pids[4];
    for (int i = 0; i < 4; i++) {
        pids[i] = checked_fork();
        if (pids[i] == 0)
            _exit(10 + i);
    }
    int seen[4] = { 0 };
    for (int n = 0; n < 4; n++) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        for (int i = 0; i < 4; i++)
            if (pid == pids[i] && WIFEXITED(status))
                seen[i] = WEXITSTATUS(status);
    }
    printf("waitpid(-1) collected exit codes %d %d %d %d\n", seen[0], seen[1], seen[2],
           seen[3]);
    errno = 0;
    pid_t none = waitpid(-1, NULL, WNOHANG);
    printf("no children left: waitpid returns %d, errno %s\n", none, strerrorname_np(errno));
}

static void pipe_from_child(void)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(1);
    }
    pid_t pid = checked_fork();
    if (pid == 0) {
        close(fds[0]);
        for (int i = 0; i < 100; i++)
            dprintf(fds[1], "line %d from the child\n", i);
        _exit(0);
    }
    close(fds[1]);
    char buf[8192];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + total, sizeof(buf) - 1 - total)) > 0)
        total += (size_t)n;
    buf[total] = 0;
    close(fds[0]);
    describe("writer child", wait_for(pid));
    buf[total > 0 ? total - 1 : 0] = 0;       /* drop the last newline */
    const char *last = strrchr(buf, '\n');
    printf("read %zu bytes through the pipe; last line: %s\n", total, last ? last + 1 : buf);
}

static void vfork_exec(void)
{
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0) {
        char *argv[] = { "echo", "hello", "from", "busybox", "after", "vfork", NULL };
        execve(busybox, argv, environ);
        _exit(127);
    }
    describe("vfork + execve busybox echo", wait_for(pid));

    pid = vfork();
    if (pid == 0) {
        char *argv[] = { "sh", "-c", "exit 9", NULL };
        execve(busybox, argv, environ);
        _exit(127);
    }
    describe("busybox sh -c 'exit 9'", wait_for(pid));

    pid = vfork();
    if (pid == 0) {
        char *argv[] = { "sh", "-c", "kill -USR2 $$", NULL };
        execve(busybox, argv, environ);
        _exit(127);
    }
    describe("busybox sh killing itself with USR2", wait_for(pid));

    pid = vfork();
    if (pid == 0) {
        char *argv[] = { "nothing", NULL };
        execve("/nonexistent/program", argv, environ);
        _exit(errno == ENOENT ? 126 : 125);
    }
    describe("execve of a missing file (child exits 126 on ENOENT)", wait_for(pid));
}

static void exec_with_pipes(void)
{
    /* The child's stdin is a pipe the parent fills; busybox wc counts it. */
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(1);
    }
    pid_t pid = checked_fork();
    if (pid == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        char *argv[] = { "wc", "-c", NULL };
        execve(busybox, argv, environ);
        _exit(127);
    }
    close(fds[0]);
    char block[1000];
    memset(block, 'x', sizeof(block));
    for (int i = 0; i < 37; i++)
        if (write(fds[1], block, sizeof(block)) != (ssize_t)sizeof(block))
            perror("write");
    close(fds[1]);
    describe("busybox wc -c fed 37000 bytes", wait_for(pid));
}

static void spawn(void)
{
    char *argv[] = { "echo", "posix_spawn", "works", NULL };
    pid_t pid;
    fflush(stdout);
    int err = posix_spawn(&pid, busybox, NULL, NULL, argv, environ);
    if (err) {
        printf("posix_spawn failed: %s\n", strerror(err));
        return;
    }
    describe("posix_spawn busybox echo", wait_for(pid));

    char *bad[] = { "x", NULL };
    err = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, bad, environ);
    if (err == 0)
        describe("posix_spawn of a missing file", wait_for(pid));
    else
        printf("posix_spawn of a missing file: %s\n", strerrorname_np(err));
}

static void exec_other_program(void)
{
    pid_t pid = checked_fork();
    if (pid == 0) {
        char *argv[] = { "exec-target", "17", "first arg", "", "last", NULL };
        char *envp[] = { "MIMIC_EXEC_A=1", "MIMIC_EXEC_B=two words", "OTHER=ignored", NULL };
        execve(target, argv, envp);
        _exit(127);
    }
    describe("exec-target in a child", wait_for(pid));

    /* Now replace this process; fd 5 stays open across the exec. */
    int fd = open(target, O_RDONLY);
    if (fd >= 0 && fd != 5) {
        dup2(fd, 5);
        close(fd);
    }
    printf("replacing this process with exec-target\n");
    fflush(stdout);
    char *argv[] = { "exec-target", "23", "replaced", NULL };
    char *envp[] = { "MIMIC_EXEC_FINAL=yes", NULL };
    execve(target, argv, envp);
    perror("execve");
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: forkexec BUSYBOX EXEC_TARGET\n");
        return 2;
    }
    busybox = argv[1];
    target = argv[2];
    plain_fork();
    several_children();
    pipe_from_child();
    vfork_exec();
    exec_with_pipes();
    spawn();
    exec_other_program();
    return 1;
}
