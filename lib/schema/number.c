/* Exact number comparisons and multipleOf: see number.h. */
#include "schema/number.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int_real(json_int_t i, double d)
{
    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    double f = floor(d);
    json_int_t fi = (json_int_t)f;
    if (i < fi)
        return -1;
    if (i > fi)
        return 1;
    return d == f ? 0 : -1;
}

int nz_num_cmp(const json_t *a, const json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b)) {
        json_int_t x = json_integer_value(a), y = json_integer_value(b);
        return x < y ? -1 : x > y;
    }
    if (json_is_real(a) && json_is_real(b)) {
        double x = json_real_value(a), y = json_real_value(b);
        return x < y ? -1 : x > y;
    }
    if (json_is_integer(a))
        return cmp_int_real(json_integer_value(a), json_real_value(b));
    return -cmp_int_real(json_integer_value(b), json_real_value(a));
}

bool nz_num_is_integral(const json_t *x)
{
    if (json_is_integer(x))
        return true;
    double d = json_real_value(x);
    return isfinite(d) && d == floor(d);
}

bool nz_num_decimal(const json_t *x, unsigned long long *mant, int *exp,
                    bool *neg)
{
    unsigned long long m = 0;
    int e = 0;
    if (json_is_integer(x)) {
        json_int_t i = json_integer_value(x);
        *neg = i < 0;
        m = i < 0 ? 0ull - (unsigned long long)i : (unsigned long long)i;
    } else {
        double d = json_real_value(x);
        *neg = d < 0;
        if (d < 0)
            d = -d;
        if (!isfinite(d))
            return false;
        char buf[40];
        /* A decimal that reads back to the same double. 15 significant
         * digits are tried first: two decimals of at most 15 digits never
         * read back to the same double, so when 15 round-trip, the value
         * (once trailing zeros go) is that of the shortest form. */
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
            if (strtod(buf, NULL) == d)
                break;
        }
        /* buf is D.DDDDe[+-]XX */
        char *p = buf;
        int digits_after = -1;
        for (; *p && *p != 'e'; p++) {
            if (*p == '.') {
                digits_after = 0;
                continue;
            }
            m = m * 10 + (unsigned)(*p - '0');
            if (digits_after >= 0)
                digits_after++;
        }
        e = (*p == 'e') ? (int)strtol(p + 1, NULL, 10) : 0;
        if (digits_after > 0)
            e -= digits_after;
    }
    if (m == 0) {
        *mant = 0;
        *exp = 0;
        return true;
    }
    while (m % 10 == 0) {
        m /= 10;
        e++;
    }
    *mant = m;
    *exp = e;
    return true;
}

/* (r * 10) mod b for r < b, without overflowing 64 bits. */
static unsigned long long mul10_mod(unsigned long long r, unsigned long long b)
{
    unsigned long long acc = 0;
    for (int i = 0; i < 10; i++)
        acc = (acc >= b - r) ? acc - (b - r) : acc + r;
    return acc;
}

static bool multiple_of_decimal(const json_t *x, double q,
                                unsigned long long b, int eb);

bool nz_num_is_multiple(const json_t *x, const json_t *m)
{
    unsigned long long b = 0;
    int eb = 0;
    bool nb;
    if (json_is_real(m) && !nz_num_decimal(m, &b, &eb, &nb))
        return false;
    return nz_num_is_multiple_prepared(x, m, b, eb);
}

bool nz_num_is_multiple_prepared(const json_t *x, const json_t *m,
                                 unsigned long long b, int eb)
{
    if (json_is_integer(x) && json_is_integer(m)) {
        json_int_t d = json_integer_value(m);
        if (d == 0)
            return false;
        if (d == -1)
            return true;
        return json_integer_value(x) % d == 0;
    }
    if (json_is_integer(m)) {
        bool nb;
        if (!nz_num_decimal(m, &b, &eb, &nb))
            return false;
    }
    /* Cheap answer first: when x/m is far from every integer, no decimal
     * reading can make it a multiple. */
    double xd = json_is_integer(x) ? (double)json_integer_value(x)
                                   : json_real_value(x);
    double md = json_is_integer(m) ? (double)json_integer_value(m)
                                   : json_real_value(m);
    double q = xd / md;
    if (isfinite(q) && fabs(q) < 1e15 && fabs(q - nearbyint(q)) > 1e-6)
        return false;
    return multiple_of_decimal(x, q, b, eb);
}

/* Exact powers of ten as doubles (10^22 is the last exact one). */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static bool multiple_of_decimal(const json_t *x, double q,
                                unsigned long long b, int eb)
{
    if (b == 0)
        return false;
    /* Fast exact path. x is k*m for the integer k nearest to x/m exactly
     * when the decimal k*b*10^eb is the number x was written as. When
     * k*b has at most 15 digits, that decimal reads back to x if and only
     * if it is x's own shortest decimal (two decimals of <= 15 digits
     * never share a double), and (double)(k*b) scaled by an exact power of
     * ten is rounded once, so correctly (Clinger's fast path). */
    double k = nearbyint(fabs(q));
    /* an integer below 10^15 is its own decimal of <= 15 digits too */
    bool small_int = json_is_integer(x) &&
                     json_integer_value(x) < 1000000000000000LL &&
                     json_integer_value(x) > -1000000000000000LL;
    if ((json_is_real(x) || small_int) && isfinite(q) && k < 1e15 &&
        (double)b * k < 1e15 && eb >= -22 && eb <= 22) {
        double kb = k * (double)b; /* exact: below 2^53 */
        double v = eb < 0 ? kb / pow10_exact[-eb] : kb * pow10_exact[eb];
        double xv = json_is_real(x) ? json_real_value(x)
                                    : (double)json_integer_value(x);
        return v == fabs(xv);
    }
    unsigned long long a;
    int ea;
    bool na;
    if (!nz_num_decimal(x, &a, &ea, &na))
        return false;
    if (b == 0)
        return false;
    if (a == 0)
        return true;
    /* a*10^ea = k * b*10^eb. With trailing zeros stripped, a has no factor
     * 10, so when ea < eb it cannot absorb 10^(eb-ea). */
    if (ea < eb)
        return false;
    unsigned long long r = a % b;
    for (int e = ea - eb; e > 0 && r != 0; e--)
        r = mul10_mod(r, b);
    return r == 0;
}
