/*
 * inputs: everything non-deterministic a program commonly reads from
 * outside, printed so that a replay can be compared with its recording
 * (tests/replay/run-rr.py).
 *
 *   inputs FILE
 *
 * Reads /dev/urandom and getrandom(2), the clocks (time, CLOCK_REALTIME,
 * CLOCK_MONOTONIC, gettimeofday), its pid, parent pid and tid, uname, the
 * working directory, stat(FILE) and FILE's contents, the environment
 * variable RR_TEST_VALUE and the number of environment entries; then
 * appends one line (the time and a random number) to FILE and prints
 * it all: most to stdout, a few lines to stderr.  Every value changes
 * from one native run to the next, or with the host, or with FILE and
 * the environment: a replay that repeats the recorded run's output has
 * supplied all of them from the recording.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what)
{
    fprintf(stderr, "inputs: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void print_hex(const char *label, const unsigned char *p, size_t n)
{
    printf("%s:", label);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: inputs FILE\n");
        return 2;
    }
    const char *path = argv[1];

    unsigned char urandom[16];
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0 || read(fd, urandom, sizeof urandom) != (ssize_t)sizeof urandom)
        die("/dev/urandom");
    close(fd);

    /* Raw system call: glibc's getrandom wrapper may not exist everywhere
     * the test is built, and this is the call the recorder must see. */
    unsigned char grnd[16];
    if (syscall(SYS_getrandom, grnd, sizeof grnd, 0) != (long)sizeof grnd)
        die("getrandom");

    time_t now = time(NULL);
    struct timespec real, mono;
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    struct timeval tv;
    gettimeofday(&tv, NULL);

    pid_t pid = getpid(), ppid = getppid();
    long tid = syscall(SYS_gettid);
    struct utsname un;
    if (uname(&un) != 0)
        die("uname");
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        die("getcwd");

    struct stat st;
    if (stat(path, &st) != 0)
        die(path);
    char contents[4096];
    fd = open(path, O_RDONLY);
    if (fd < 0)
        die(path);
    ssize_t got = read(fd, contents, sizeof contents - 1);
    if (got < 0)
        die(path);
    contents[got] = 0;
    close(fd);

    const char *value = getenv("RR_TEST_VALUE");
    int nenv = 0;
    for (char **e = environ; *e; e++)
        nenv++;

    /* The change a replay must not repeat: one more line in FILE. */
    char line[128];
    int len = snprintf(line, sizeof line, "appended at %lld: %02x%02x%02x%02x\n",
                       (long long)now, urandom[0], urandom[1], grnd[0], grnd[1]);
    fd = open(path, O_WRONLY | O_APPEND);
    if (fd < 0 || write(fd, line, len) != len)
        die(path);
    close(fd);

    print_hex("urandom", urandom, sizeof urandom);
    print_hex("getrandom", grnd, sizeof grnd);
    printf("time: %lld\n", (long long)now);
    printf("realtime: %lld.%09ld\n", (long long)real.tv_sec, real.tv_nsec);
    printf("monotonic: %lld.%09ld\n", (long long)mono.tv_sec, mono.tv_nsec);
    printf("gettimeofday: %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
    printf("pid: %d ppid: %d tid: %ld\n", (int)pid, (int)ppid, tid);
    printf("uname: %s %s %s %s %s\n", un.sysname, un.nodename, un.release,
           un.version, un.machine);
    printf("cwd: %s\n", cwd);
    printf("stat: size %lld mode %o ino %llu mtime %lld.%09ld\n", (long long)st.st_size,
           (unsigned)st.st_mode, (unsigned long long)st.st_ino,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    printf("contents (%zd bytes): %s", got, contents);
    if (got == 0 || contents[got - 1] != '\n')
        printf("\n");
    printf("RR_TEST_VALUE: %s\n", value ? value : "(unset)");
    printf("environ entries: %d\n", nenv);
    printf("appended: %s", line);
    fflush(stdout);

    fprintf(stderr, "inputs: pid %d read %zd bytes, RR_TEST_VALUE=%s, random %02x%02x\n",
            (int)pid, got, value ? value : "(unset)", urandom[2], grnd[2]);
    fprintf(stderr, "inputs: time %lld\n", (long long)now);
    /* The exit status depends on an input too. */
    return 3 + (urandom[3] & 1);
}
