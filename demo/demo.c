/*
 * The `make run` demo: a small static i386 program that mimic-i386 runs.
 *
 * It prints the primes below 200 (a sieve), a CRC-32 and an Adler-32 of
 * a 4 MiB buffer it generates with xorshift32, a table of factorials,
 * Fibonacci numbers and square roots (64-bit integers and doubles), and
 * a small picture of the Mandelbrot set (floating point in a tight
 * loop).  Everything is computed, nothing is read from the host, so the
 * output is the same natively and under either mimic backend, which
 * `make run` checks.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void primes(int limit)
{
    char *composite = calloc((size_t)limit, 1);
    int count = 0;
    printf("primes below %d:", limit);
    for (int n = 2; n < limit; n++) {
        if (composite[n])
            continue;
        printf("%s%d", count % 16 ? " " : "\n  ", n);
        count++;
        for (int m = n * n; m < limit; m += n)
            composite[m] = 1;
    }
    printf("\n  (%d primes)\n\n", count);
    free(composite);
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffffu;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

static void checksums(void)
{
    enum { SIZE = 4 << 20 };
    uint8_t *buf = malloc(SIZE);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < SIZE; i += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        memcpy(buf + i, &x, 4);
    }
    printf("a 4 MiB xorshift32 buffer: CRC-32 %08x, Adler-32 %08x\n\n", crc32(buf, SIZE),
           adler32(buf, SIZE));
    free(buf);
}

static void table(void)
{
    printf("  n  %20s  %12s  %12s  %10s\n", "n!", "fib(n)", "sqrt(n)", "ln(n)");
    uint64_t fact = 1, fa = 0, fb = 1;
    for (int n = 1; n <= 20; n++) {
        fact *= (uint64_t)n;
        uint64_t t = fa + fb;
        fa = fb;
        fb = t;
        if (n % 2 == 0 || n < 5)
            printf("%3d  %20llu  %12llu  %12.9f  %10.6f\n", n, (unsigned long long)fact,
                   (unsigned long long)fa, sqrt((double)n), log((double)n));
    }
    printf("\n");
}

static void mandelbrot(void)
{
    static const char shades[] = " .:-=+*#%@";
    printf("the Mandelbrot set:\n");
    for (int row = 0; row < 20; row++) {
        double ci = -1.14 + row * 0.12;
        putchar(' ');
        for (int col = 0; col < 64; col++) {
            double cr = -2.1 + col * 0.045;
            double zr = 0, zi = 0;
            int it = 0;
            while (it < 200 && zr * zr + zi * zi < 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                it++;
            }
            putchar(it == 200 ? '@' : shades[it % 9]);
        }
        putchar('\n');
    }
}

int main(void)
{
    printf("mimic demo: a 32-bit x86 Linux program\n\n");
    primes(200);
    checksums();
    table();
    mandelbrot();
    return 0;
}
