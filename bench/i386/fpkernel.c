/*
 * fpkernel: the floating-point benchmark kernels of bench-i386.py, built
 * twice by bench.mk from this one source: -O2 -msse2 -mfpmath=sse
 * (fp-sse2: scalar and, where gcc vectorizes, packed SSE2) and
 * -O2 -mfpmath=387 (fp-x87).  Static 32-bit programs.
 *
 *     fp-sse2 [ROUNDS]        prints one checksum line per kernel (%a)
 *
 * Kernels: a 96x96 double matrix multiply, a float SAXPY over 64 Ki
 * elements, and a double dot product with a data-dependent update, so
 * that both precisions and both memory-bound and compute-bound loops are
 * timed.  Inputs come from a fixed-seed LCG, so the output is the same on
 * every run and bench-i386.py can check each runner against the native
 * output.  No libm.
 *
 * The SSE2 build checks CPUID first and exits with status 77 when SSE2 is
 * not advertised (mimic before issue 5's SIMD lands): bench-i386.py then
 * reports the kernel as not run instead of failing.
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 96
#define LEN (64 * 1024)

static double ma[N][N], mb[N][N], mc[N][N];
static float xs[LEN], ys[LEN];
static double da[LEN], db[LEN];

static uint32_t lcg = 12345;

static double next(void)
{
    lcg = lcg * 1103515245u + 12345u;
    return (double)(lcg >> 8) / 16777216.0 - 0.5;
}

static void matmul(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            mc[i][j] = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double a = ma[i][k];
            for (int j = 0; j < N; j++)
                mc[i][j] += a * mb[k][j];
        }
    /* feed the result back so rounds cannot be skipped */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            ma[i][j] = mc[i][j] * (1.0 / N);
}

static void saxpy(float a)
{
    for (int i = 0; i < LEN; i++)
        ys[i] = a * xs[i] + ys[i] * 0.5f;
}

static double dot(void)
{
    double s = 0;
    for (int i = 0; i < LEN; i++)
        s += da[i] * db[i];
    for (int i = 0; i < LEN; i++)
        db[i] = db[i] * 0.75 + s * 1e-9;
    return s;
}

static int advertised(void)
{
#ifdef __SSE2__
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    return (d >> 26) & 1;
#else
    return 1;
#endif
}

int main(int argc, char **argv)
{
    if (!advertised()) {
        fprintf(stderr, "fpkernel: SSE2 not advertised by CPUID\n");
        return 77;
    }
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            ma[i][j] = next(), mb[i][j] = next();
    for (int i = 0; i < LEN; i++) {
        xs[i] = (float)next();
        ys[i] = (float)next();
        da[i] = next();
        db[i] = next();
    }
    double dsum = 0;
    for (int r = 0; r < rounds; r++) {
        matmul();
        for (int s = 0; s < 4; s++)
            saxpy(1.0f + (float)s / 8);
        dsum += dot();
    }
    double msum = 0, ssum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            msum += mc[i][j];
    for (int i = 0; i < LEN; i++)
        ssum += ys[i];
    printf("matmul %a\nsaxpy %a\ndot %a\n", msum, ssum, dsum);
    return 0;
}
