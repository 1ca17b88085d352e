/*
 * libc-basics: one program built three ways (dynamically linked,
 * static, static-pie) so that each ELF loading path runs the same code:
 * the dynamic one through ld-linux.so.2 and libc.so.6/libm.so.6, the
 * static one from its fixed addresses, the static-pie one relocating
 * itself (the pointer tables below are what its relocations fill in).
 *
 *   libc-basics ARG...     (the harness passes a few words, sets
 *                           MIMIC_TEST_WORD in the environment and a
 *                           file on stdin)
 *
 * It prints integers, strings and doubles through printf, calls libm,
 * sorts with qsort, allocates with malloc/realloc/free, writes and reads
 * back a file, walks argv and the environment, reads stdin, and ends
 * with exit(3) after an atexit handler.  Nothing it prints depends on
 * addresses, times or process ids, so the native run is the reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

/* Filled by relocations in the static-pie build. */
static const char *const colours[] = { "red", "green", "blue", "cyan", "magenta" };
static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }
static int negate(int x) { return -x; }
static int (*const operations[])(int) = { twice, square, negate };
static const char *const *const colour_table = colours;

static uint32_t rng_state = 12345;

static uint32_t next_random(void)
{
    /* xorshift32: the same sequence everywhere */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_integers(void)
{
    long long big = 1;
    unsigned long long ubig = 0xfedcba9876543210ull;
    printf("ints: %d %i %u %x %X %o %5d|%-5d|%05d %+d\n",
           -42, 17, 4000000000u, 0xbeef, 0xcafe, 0755, 7, 7, 7, 7);
    for (int i = 0; i < 62; i += 7)
        big *= 1 + i;
    printf("64-bit: %lld %llu %llx %" PRId64 " %" PRIu64 "\n",
           big, ubig, ubig, INT64_MIN, UINT64_MAX);
    printf("division: %lld %lld %llu %llu\n", big / 7919, big % 7919,
           ubig / 1000003u, ubig % 1000003u);
    printf("chars: %c%c%c %s|%10s|%-10s|%.3s\n", 'm', 'i', 'c', "str", "right", "left",
           "truncated");
}

static void print_doubles(void)
{
    double values[] = { 0.0, -0.0, 1.0 / 3.0, 2.5e-310, 1e300, -123456.789, M_PI, M_E };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        printf("double %zu: %f %e %g %.17g %a\n", i, values[i], values[i], values[i],
               values[i], values[i]);
    printf("special: %f %f %f %g\n", INFINITY, -INFINITY, NAN, nextafter(1.0, 2.0) - 1.0);
    printf("libm: %.15f %.15f %.15f %.15f %.15f\n", sin(1.0), cos(2.0), tan(0.5),
           atan2(1.0, -1.0), asin(0.5));
    printf("libm: %.15g %.15g %.15g %.15g %.15g\n", exp(10.0), log(1e10), log10(12345.0),
           pow(2.0, 0.5), cbrt(1000.0));
    printf("libm: %.15g %.15g %.15g %g %g %g\n", sqrt(2.0), hypot(3.0, 4.0),
           fmod(10.5, 3.0), floor(-2.5), ceil(-2.5), round(2.5));
    printf("libm: %.15g %.15g %ld %.15g\n", sinh(1.0), erf(0.5), lrint(7.5),
           ldexp(0.75, 20));
    float f = 1.0f;
    for (int i = 0; i < 10; i++)
        f = f * 1.1f + 0.01f;
    printf("float: %.9g %.9g\n", f, sqrtf(f));
    long double ld = 1.0L / 3.0L;
    printf("long double: %.20Lg %Lf\n", ld, ld * 1e10L);
    printf("strtod: %.17g %.17g %g\n", strtod("3.14159265358979", NULL),
           strtod("1e-5", NULL), strtod("-0x1.8p3", NULL));
}

static void sort_things(void)
{
    enum { N = 2000 };
    int *numbers = malloc(N * sizeof(*numbers));
    if (!numbers) {
        perror("malloc");
        exit(1);
    }
    for (int i = 0; i < N; i++)
        numbers[i] = (int)(next_random() % 100000) - 50000;
    qsort(numbers, N, sizeof(*numbers), compare_ints);
    long long sum = 0;
    for (int i = 0; i < N; i++)
        sum += (long long)numbers[i] * (i + 1);
    printf("qsort ints: first %d %d last %d weighted sum %lld\n",
           numbers[0], numbers[1], numbers[N - 1], sum);
    free(numbers);

    const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "apricot" };
    qsort(words, 7, sizeof(words[0]), compare_strings);
    printf("qsort strings:");
    for (int i = 0; i < 7; i++)
        printf(" %s", words[i]);
    printf("\n");
}

static void exercise_heap(void)
{
    /* Many sizes, including ones that go to mmap, freed in a scrambled order. */
    enum { N = 300 };
    unsigned char *blocks[N];
    size_t sizes[N];
    unsigned checksum = 0;
    for (int i = 0; i < N; i++) {
        sizes[i] = (i % 50 == 0) ? 300000u + (unsigned)i : 1 + next_random() % 5000;
        blocks[i] = malloc(sizes[i]);
        if (!blocks[i]) {
            perror("malloc");
            exit(1);
        }
        memset(blocks[i], i & 0xff, sizes[i]);
    }
    for (int i = 0; i < N; i += 3) {
        blocks[i] = realloc(blocks[i], sizes[i] * 2);
        if (!blocks[i]) {
            perror("realloc");
            exit(1);
        }
        memset(blocks[i] + sizes[i], 0x5a, sizes[i]);
        sizes[i] *= 2;
    }
    for (int k = 0; k < N; k++) {
        int i = (k * 7) % N;
        for (size_t j = 0; j < sizes[i]; j += 97)
            checksum = checksum * 31 + blocks[i][j];
        free(blocks[i]);
    }
    char *joined = calloc(1, 64);
    for (int i = 0; i < 5; i++) {
        strcat(joined, colour_table[i]);
        strcat(joined, i < 4 ? "," : "");
    }
    printf("heap: checksum %08x, joined %s (%zu chars)\n", checksum, joined, strlen(joined));
    free(joined);
}

static void file_io(void)
{
    const char *name = "libc-basics.tmp";
    FILE *f = fopen(name, "w");
    if (!f) {
        perror("fopen");
        exit(1);
    }
    for (int i = 0; i < 1000; i++)
        fprintf(f, "line %d value %.3f\n", i, i * 1.5);
    fclose(f);

    struct stat st;
    if (stat(name, &st) != 0) {
        perror("stat");
        exit(1);
    }
    printf("file: size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));

    f = fopen(name, "r");
    char line[100];
    int lines = 0;
    double total = 0;
    while (fgets(line, sizeof(line), f)) {
        int n;
        double v;
        if (sscanf(line, "line %d value %lf", &n, &v) == 2)
            total += v;
        lines++;
    }
    fseek(f, -20, SEEK_END);
    size_t got = fread(line, 1, 19, f);
    line[got] = 0;
    fclose(f);
    printf("file: %d lines, total %.1f, tail \"%s\"\n", lines, total, line);

    int fd = open(name, O_RDWR);
    lseek(fd, 5, SEEK_SET);
    if (write(fd, "XYZ", 3) != 3)
        perror("write");
    lseek(fd, 0, SEEK_SET);
    got = (size_t)read(fd, line, 12);
    line[got] = 0;
    close(fd);
    printf("file: after pwrite-like update \"%s\"\n", line);
    unlink(name);
    errno = 0;
    if (open(name, O_RDONLY) < 0)
        printf("file: reopen after unlink fails with %s\n", strerror(errno));
}

static void read_stdin(void)
{
    char buf[256];
    unsigned long bytes = 0, lines = 0, sum = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        bytes += n;
        for (size_t i = 0; i < n; i++) {
            lines += buf[i] == '\n';
            sum = sum * 33 + (unsigned char)buf[i];
        }
    }
    printf("stdin: %lu bytes, %lu lines, hash %lx\n", bytes, lines, sum);
}

static void arguments_and_environment(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\" (%zu)\n", i, argv[i], strlen(argv[i]));
    const char *word = getenv("MIMIC_TEST_WORD");
    printf("MIMIC_TEST_WORD=%s\n", word ? word : "(unset)");
    int count = 0;
    for (char **e = environ; *e; e++)
        count++;
    printf("environment entries: %d\n", count);
    setenv("MIMIC_ADDED", "yes", 1);
    unsetenv("MIMIC_TEST_WORD");
    printf("after setenv/unsetenv: %s %s\n", getenv("MIMIC_ADDED"),
           getenv("MIMIC_TEST_WORD") ? "still set" : "unset");
}

static jmp_buf jump_back;

/* Called through a volatile pointer: gcc 12 mistakes the longjmp-ended
 * recursion for an infinite one. */
static void deep(int level);
static void (*volatile deeper)(int) = deep;

static void deep(int level)
{
    if (level > 0)
        deeper(level - 1);
    else
        longjmp(jump_back, 77);
}

static void at_exit_handler(void)
{
    printf("atexit handler runs\n");
}

int main(int argc, char **argv)
{
    arguments_and_environment(argc, argv);
    print_integers();
    print_doubles();
    sort_things();
    exercise_heap();
    file_io();
    read_stdin();
    for (int i = 0; i < 3; i++)
        printf("operation %d on 12: %d\n", i, operations[i](12));
    int r = setjmp(jump_back);
    if (r == 0)
        deep(50);
    printf("longjmp returned %d\n", r);
    char buf[64];
    snprintf(buf, sizeof(buf), "%s-%d-%.2f", "snprintf", 99, 0.125);
    printf("%s, strtol %ld, strtoul %lu, atoi %d\n", buf, strtol("-0x7fff", NULL, 16),
           strtoul("4294967295", NULL, 10), atoi("  123abc"));
    atexit(at_exit_handler);
    exit(3);
}
