/*
 * A small static glibc program for mimic-hwtrace's checks
 * (tests/conformance/run-trace.py): it makes a few system calls that
 * write memory (read, clock_gettime, uname), executes CPUID and prints
 * what it saw, so that its output under hwtrace can be compared with its
 * output under mimic (hwtrace answers CPUID from mimic's model).
 */
#include <cpuid.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    unsigned a, b, c, d;
    char vendor[13];
    __cpuid(0, a, b, c, d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    unsigned max = a;
    __cpuid(1, a, b, c, d);
    printf("cpuid: %s max %u leaf1 %08x %08x %08x\n", vendor, max, a, c, d);

    char buf[200];
    int fd = open(argc > 1 ? argv[1] : "/proc/self/exe", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    unsigned sum = 0;
    for (ssize_t i = 0; i < n; i++)
        sum = sum * 31 + (unsigned char)buf[i];
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    struct utsname u;
    uname(&u);
    printf("read %d bytes, hash %08x, clock %s, %s\n", (int)n, sum,
           ts.tv_sec || ts.tv_nsec ? "ok" : "zero", u.sysname);
    return 0;
}
