/*
 * fpmath: floating point as i386 programs use it, built twice: with the
 * default x87 code (fpmath-x87) and with -msse2 -mfpmath=sse
 * (fpmath-sse).  Every result is printed exactly (%a, or the bits in
 * hex), so a difference in the last bit shows.
 *
 * Parts: the four operations and sqrt in float, double and long double
 * on values that round differently (halfway cases, denormals, overflow);
 * conversions between integers and floating point, truncating and under
 * each rounding mode (fesetround, lrint, llrint, nearbyint); exception
 * flags (fetestexcept after inexact, overflow, underflow, division by
 * zero, invalid); comparisons with NaN and signed zeros; libm functions
 * the x87 computes with its own instructions in glibc (sin, cos, tan,
 * atan2, exp, log, pow, fmod, remainder), at ordinary and at large
 * arguments; and a long double series that needs the 64-bit mantissa.
 */
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Values the compiler cannot fold: every operation happens at run time. */
static volatile double dv[] = { 1.0, 3.0, 0.1, 1e308, 4.9e-324, -2.5, 0.5, 1e-310,
                                 123456789.125, -0.0, 2.0, 7.0 };
static volatile float fv[] = { 1.0f, 3.0f, 0.1f, 3e38f, 1.4e-45f, -2.5f, 16777217.0f };
static volatile long double lv[] = { 1.0L, 3.0L, 0.1L, 1e4000L, -2.5L };

static void print_double(const char *what, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, 8);
    printf("  %-24s %-26a %016" PRIx64 "\n", what, x, bits);
}

static void print_float(const char *what, float x)
{
    uint32_t bits;
    memcpy(&bits, &x, 4);
    printf("  %-24s %-26a %08" PRIx32 "\n", what, (double)x, bits);
}

static void print_long_double(const char *what, long double x)
{
    unsigned char bytes[16] = { 0 };
    memcpy(bytes, &x, 10);
    printf("  %-24s %-30La %02x%02x", what, x, bytes[9], bytes[8]);
    for (int i = 7; i >= 0; i--)
        printf("%02x", bytes[i]);
    printf(" %.21Lg\n", x);
}

static void arithmetic(void)
{
    printf("double arithmetic:\n");
    print_double("1/3", dv[0] / dv[1]);
    print_double("0.1*3", dv[2] * dv[1]);
    print_double("0.1+0.1+0.1", dv[2] + dv[2] + dv[2]);
    print_double("1e308*10", dv[3] * 10);
    print_double("min denormal/2", dv[4] / 2);
    print_double("min denormal*3", dv[4] * 3);
    print_double("denormal*1e10", dv[7] * 1e10);
    print_double("sqrt(2)", sqrt(dv[10]));
    print_double("sqrt(-2.5)", sqrt(dv[5]));
    print_double("-0.0 + 0.0", dv[9] + 0.0);
    print_double("-0.0 * -2.5", dv[9] * dv[5]);
    print_double("big + 0.0625", dv[8] + 0.0625);
    print_double("fma-like a*b+c", dv[2] * dv[11] + dv[6]);

    printf("float arithmetic:\n");
    print_float("1/3", fv[0] / fv[1]);
    print_float("0.1*3", fv[2] * fv[1]);
    print_float("3e38*10", fv[3] * 10.0f);
    print_float("min denormal/2", fv[4] / 2.0f);
    print_float("16777217+1", fv[6] + 1.0f);
    print_float("sqrtf(3)", sqrtf(fv[1]));

    printf("long double arithmetic:\n");
    print_long_double("1/3", lv[0] / lv[1]);
    print_long_double("0.1*3", lv[2] * lv[1]);
    print_long_double("1e4000*1e4000", lv[3] * lv[3]);
    print_long_double("sqrtl(3)", sqrtl(lv[1]));
    long double sum = 0;
    for (int k = 1; k <= 2000; k++)
        sum += 1.0L / ((long double)k * k);
    print_long_double("sum 1/k^2, k<=2000", sum);
}

static const struct {
    int mode;
    const char *name;
} modes[] = {
    { FE_TONEAREST, "to nearest" },
    { FE_DOWNWARD, "downward" },
    { FE_UPWARD, "upward" },
    { FE_TOWARDZERO, "toward zero" },
};

static void conversions(void)
{
    static volatile double samples[] = { 2.5, 3.5, -2.5, -0.5, 1e10, -1e10, 2147483647.5,
                                         4294967295.9, 1e19, -9.2e18 };
    printf("conversions, truncating:\n");
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        double x = samples[i];
        printf("  %-16.17g int32 %-12" PRId32 " int64 %-22" PRId64 " uint32 %" PRIu32 "\n", x,
               (fabs(x) < 2147483648.0) ? (int32_t)x : INT32_MIN,
               (fabs(x) < 9.2e18) ? (int64_t)x : INT64_MIN,
               (x >= 0 && x < 4294967296.0) ? (uint32_t)x : 0u);
    }
    for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        fesetround(modes[m].mode);
        printf("rounding %s:", modes[m].name);
        for (size_t i = 0; i < 6; i++)
            printf(" %ld/%lld/%g", lrint(samples[i]), llrint(samples[i]),
                   nearbyint(samples[i]));
        volatile double a = 1.0, b = 3.0;
        double q = a / b;
        uint64_t bits;
        memcpy(&bits, &q, 8);
        volatile float fa = 1.0f, fb = 3.0f;
        float fq = fa / fb;
        uint32_t fbits;
        memcpy(&fbits, &fq, 4);
        printf(" 1/3=%016" PRIx64 " 1f/3f=%08" PRIx32 " (float)0.1=%a\n", bits, fbits,
               (double)(float)dv[2]);
    }
    fesetround(FE_TONEAREST);
    volatile int64_t big = INT64_MAX - 511;
    volatile uint32_t u = 0xffffffffu;
    volatile int32_t neg = -7;
    printf("int to float: %a %a %a %a\n", (double)big, (double)(float)big, (double)u,
           (double)neg / 2);
}

static void exceptions(void)
{
    static const struct {
        int flag;
        const char *name;
    } flags[] = {
        { FE_INEXACT, "inexact" }, { FE_OVERFLOW, "overflow" },
        { FE_UNDERFLOW, "underflow" }, { FE_DIVBYZERO, "divbyzero" },
        { FE_INVALID, "invalid" },
    };
    struct {
        const char *what;
        double (*op)(void);
    } ops[] = {
        { "1/3", NULL }, { "1e308*10", NULL }, { "1e-310/1e10", NULL },
        { "1/0", NULL }, { "0/0", NULL }, { "sqrt(-1)", NULL }, { "2+2", NULL },
    };
    printf("exception flags:\n");
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        volatile double r = 0, zero = 0;
        feclearexcept(FE_ALL_EXCEPT);
        switch (i) {
        case 0: r = dv[0] / dv[1]; break;
        case 1: r = dv[3] * 10; break;
        case 2: r = dv[7] / 1e10; break;
        case 3: r = dv[0] / zero; break;
        case 4: r = zero / zero; break;
        case 5: r = sqrt(dv[5]); break;
        case 6: r = dv[10] + dv[10]; break;
        }
        int raised = fetestexcept(FE_ALL_EXCEPT);
        printf("  %-12s = %-10g", ops[i].what, r);
        for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
            if (raised & flags[f].flag)
                printf(" %s", flags[f].name);
        printf("\n");
    }
}

static void comparisons(void)
{
    volatile double nan = NAN, one = 1.0, pz = 0.0, nz = -0.0;
    printf("comparisons: nan==nan %d nan<1 %d nan>1 %d nan!=nan %d isnan %d "
           "0==-0 %d signbit(-0) %d 1/-0 %g isless %d isunordered %d\n",
           nan == nan, nan < one, nan > one, nan != nan, isnan(nan), pz == nz,
           signbit(nz) != 0, one / nz, isless(nan, one), isunordered(nan, one));
    volatile double mx = fmax(nan, one), mn = fmin(pz, nz);
    printf("fmax(nan,1) %g fmin(0,-0) %g copysign %g\n", mx, mn, copysign(3.0, nz));
}

static void libm(void)
{
    static volatile double args[] = { 0.5, 1.0, 2.0, 10.0, 100.0, 1e6, 1e22, -3.75 };
    printf("libm:\n");
    for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
        double x = args[i];
        printf("  x=%-6g sin %a cos %a tan %a\n", x, sin(x), cos(x), tan(x));
        printf("  %8s exp %a log %a atan2 %a\n", "", exp(x / 16), log(fabs(x)),
               atan2(x, 3.0));
        printf("  %8s pow %a fmod %a remainder %a\n", "", pow(fabs(x), 0.37),
               fmod(x, 0.7), remainder(x, 0.7));
    }
    printf("  long double: sinl(1) %La expl(1) %La logl(10) %La powl(2,0.5) %La\n",
           sinl(lv[0]), expl(lv[0]), logl(10.0L), powl(2.0L, 0.5L));
    /* the same and more in decimal: the conversion uses the full 64-bit
     * mantissa, and libm's long double paths run x87 code in both builds */
    static volatile long double largs[] = { 1.0L, 0.1L, -2.5L, 1e10L, 3e-4000L };
    for (size_t i = 0; i < sizeof(largs) / sizeof(largs[0]); i++) {
        long double x = largs[i];
        printf("  x=%.21Lg sinl %.21Lg cosl %.21Lg atanl %.21Lg\n", x, sinl(x), cosl(x),
               atanl(x));
        printf("  %8s expl %.21Lg log1pl %.21Lg cbrtl %.21Lg sqrtl %.21Lg\n", "",
               expl(x / 64), log1pl(fabsl(x)), cbrtl(x), sqrtl(fabsl(x)));
    }
}

int main(void)
{
    arithmetic();
    conversions();
    exceptions();
    comparisons();
    libm();
    return 0;
}
