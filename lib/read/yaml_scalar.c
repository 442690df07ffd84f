/* YAML scalar typing (see yaml_scalar.h for the grammar of each schema).
 *
 * Hand-written matchers instead of regular expressions: every plain scalar
 * of every document goes through here, and the first character already
 * rules out almost every string. */
#include "read/yaml_scalar.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* s[0, n) is one of the three spellings YAML allows for a word: all lower,
 * Title case, or ALL UPPER ("null", "Null", "NULL"; not "nULL"). */
static bool is_word(const char *s, size_t n, const char *lower)
{
    if (n != strlen(lower))
        return false;
    bool same = true, title = true, upper = true;
    for (size_t i = 0; i < n; i++) {
        char l = lower[i];
        char u = (l >= 'a' && l <= 'z') ? (char)(l - 'a' + 'A') : l;
        same = same && s[i] == l;
        upper = upper && s[i] == u;
        title = title && s[i] == (i == 0 ? u : l);
    }
    return same || title || upper;
}

/* ---- number values ------------------------------------------------- */

/* Accumulate digits of `base` from s[0, n), skipping '_' when allowed.
 * Returns false on overflow of the magnitude limit. */
static bool accumulate(const char *s, size_t n, unsigned base,
                       uint64_t limit, uint64_t *acc)
{
    uint64_t v = *acc;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_')
            continue;
        unsigned d = (unsigned)hex_value(s[i]);
        if (v > (limit - d) / base)
            return false;
        v = v * base + d;
    }
    *acc = v;
    return true;
}

/* An integer of magnitude digits s[0, n) in `base`, negative or not. */
static nz_yaml_kind make_int(const char *s, size_t n, unsigned base,
                             bool negative, nz_yaml_value *out)
{
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t mag = 0;
    if (!accumulate(s, n, base, limit, &mag))
        return out->kind = NZ_YAML_INT_RANGE;
    if (negative)
        out->integer = mag == (uint64_t)INT64_MAX + 1
                           ? INT64_MIN
                           : -(json_int_t)mag;
    else
        out->integer = (json_int_t)mag;
    return out->kind = NZ_YAML_INT;
}

/* strtod on s[0, n) without '_', with '.' as the decimal point whatever
 * the locale says. */
static nz_yaml_kind make_float(const char *s, size_t n, nz_yaml_value *out)
{
    char small[64];
    char *buf = small;
    if (n >= sizeof small) {
        buf = nz_alloc(n + 1);
        if (!buf) /* out of memory for a number text: say "string" rather
                     than guess a value; only texts over 63 bytes get here */
            return out->kind = NZ_YAML_STRING;
    }
    const char *point = localeconv()->decimal_point;
    char dp = point && point[0] && !point[1] ? point[0] : '.';
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_')
            continue;
        buf[len++] = s[i] == '.' ? dp : s[i];
    }
    buf[len] = '\0';
    errno = 0;
    double d = strtod(buf, NULL);
    bool overflow = errno == ERANGE && isinf(d);
    if (buf != small)
        nz_free(buf);
    if (overflow)
        return out->kind = NZ_YAML_FLOAT_RANGE;
    out->real = d;
    return out->kind = NZ_YAML_FLOAT;
}

/* [-+]?(\.inf|\.Inf|\.INF) and, unsigned only, \.nan|\.NaN|\.NAN. */
static bool is_nonfinite(const char *s, size_t n)
{
    size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (n - i != 4 || s[i] != '.')
        return false;
    if (is_word(s + i + 1, 3, "inf"))
        return true;
    /* .nan .NaN .NAN: not the Title-case rule of the other words */
    return i == 0 && (memcmp(s + 1, "nan", 3) == 0 ||
                      memcmp(s + 1, "NaN", 3) == 0 ||
                      memcmp(s + 1, "NAN", 3) == 0);
}

/* ---- YAML 1.2 core ------------------------------------------------- */

static nz_yaml_kind number12(const char *s, size_t n, nz_yaml_value *out)
{
    if (is_nonfinite(s, n))
        return out->kind = NZ_YAML_NONFINITE;
    if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
        unsigned base = s[1] == 'o' ? 8 : 16;
        for (size_t i = 2; i < n; i++) {
            int d = hex_value(s[i]);
            if (d < 0 || (unsigned)d >= base)
                return NZ_YAML_STRING;
        }
        return make_int(s + 2, n - 2, base, false, out);
    }
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    size_t int_start = i;
    while (i < n && is_digit(s[i]))
        i++;
    size_t int_digits = i - int_start;
    if (i == n)
        return int_digits ? make_int(s + int_start, int_digits, 10,
                                     s[0] == '-', out)
                          : NZ_YAML_STRING;
    size_t frac_digits = 0;
    if (s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) {
            i++;
            frac_digits++;
        }
    }
    if (int_digits == 0 && frac_digits == 0)
        return NZ_YAML_STRING;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp_start = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == exp_start)
            return NZ_YAML_STRING;
    }
    if (i != n)
        return NZ_YAML_STRING;
    return make_float(s, n, out);
}

static nz_yaml_kind resolve12(const char *s, size_t n, nz_yaml_value *out)
{
    switch (s[0]) {
    case '~':
        return n == 1 ? (out->kind = NZ_YAML_NULL) : NZ_YAML_STRING;
    case 'n':
    case 'N':
        return is_word(s, n, "null") ? (out->kind = NZ_YAML_NULL)
                                     : NZ_YAML_STRING;
    case 't':
    case 'T':
    case 'f':
    case 'F':
        if (is_word(s, n, "true") || is_word(s, n, "false")) {
            out->boolean = s[0] == 't' || s[0] == 'T';
            return out->kind = NZ_YAML_BOOL;
        }
        return NZ_YAML_STRING;
    default:
        if (is_digit(s[0]) || s[0] == '.' || s[0] == '-' || s[0] == '+')
            return number12(s, n, out);
        return NZ_YAML_STRING;
    }
}

/* ---- YAML 1.1 ------------------------------------------------------ */

/* Runs of [0-9_] starting with a digit (first_digit) or any. */
static size_t span_digits_(const char *s, size_t n, size_t i)
{
    while (i < n && (is_digit(s[i]) || s[i] == '_'))
        i++;
    return i;
}

/* (:[0-5]?[0-9])+ from i; returns the end, or i when there is none. */
static size_t span_base60(const char *s, size_t n, size_t i)
{
    size_t end = i;
    while (end < n && s[end] == ':') {
        size_t j = end + 1;
        if (j < n && is_digit(s[j])) {
            if (j + 1 < n && is_digit(s[j + 1])) {
                if (s[j] > '5')
                    break;
                j += 2;
            } else {
                j += 1;
            }
        } else {
            break;
        }
        end = j;
    }
    return end;
}

/* Value of a base-60 number: integer parts s[start, stop) separated by
 * ':' (the first may hold '_'). */
static nz_yaml_kind make_base60_int(const char *s, size_t start, size_t stop,
                                    bool negative, nz_yaml_value *out)
{
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    size_t i = start;
    while (i < stop) {
        size_t j = i;
        while (j < stop && s[j] != ':')
            j++;
        uint64_t part = 0;
        if (!accumulate(s + i, j - i, 10, limit, &part))
            return out->kind = NZ_YAML_INT_RANGE;
        if (i != start) {
            if (v > (limit - part) / 60)
                return out->kind = NZ_YAML_INT_RANGE;
            v = v * 60 + part;
        } else {
            v = part;
        }
        i = j + 1;
    }
    if (negative)
        out->integer = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN
                                                    : -(json_int_t)v;
    else
        out->integer = (json_int_t)v;
    return out->kind = NZ_YAML_INT;
}

/* 1:20.5 = 80.5: base-60 integer parts, the last with a fraction. */
static nz_yaml_kind make_base60_float(const char *s, size_t n, size_t start,
                                      size_t last_colon, bool negative,
                                      nz_yaml_value *out)
{
    double v = 0;
    size_t i = start;
    while (i < last_colon) {
        size_t j = i;
        while (j < last_colon && s[j] != ':')
            j++;
        double part = 0;
        for (size_t k = i; k < j; k++)
            if (s[k] != '_')
                part = part * 10 + (s[k] - '0');
        v = v * 60 + part;
        i = j + 1;
    }
    nz_yaml_value last;
    if (make_float(s + last_colon + 1, n - last_colon - 1, &last) !=
        NZ_YAML_FLOAT)
        return out->kind = NZ_YAML_FLOAT_RANGE;
    v = v * 60 + last.real;
    if (isinf(v))
        return out->kind = NZ_YAML_FLOAT_RANGE;
    out->real = negative ? -v : v;
    return out->kind = NZ_YAML_FLOAT;
}

static nz_yaml_kind number11(const char *s, size_t n, nz_yaml_value *out)
{
    if (is_nonfinite(s, n))
        return out->kind = NZ_YAML_NONFINITE;
    bool negative = s[0] == '-';
    size_t b = (negative || s[0] == '+') ? 1 : 0; /* start of magnitude */
    if (b >= n)
        return NZ_YAML_STRING;
    /* 0b..., 0x..., 0[0-7_]+ */
    if (s[b] == '0' && b + 1 < n && (s[b + 1] == 'b' || s[b + 1] == 'x')) {
        unsigned base = s[b + 1] == 'b' ? 2 : 16;
        size_t digits = 0;
        for (size_t i = b + 2; i < n; i++) {
            if (s[i] == '_')
                continue;
            int d = hex_value(s[i]);
            if (d < 0 || (unsigned)d >= base)
                return NZ_YAML_STRING;
            digits++;
        }
        if (b + 2 == n)
            return NZ_YAML_STRING;
        (void)digits; /* "0x_" is 0, as PyYAML reads it */
        return make_int(s + b + 2, n - b - 2, base, negative, out);
    }
    if (s[b] == '.') {
        /* [-+]?\.[0-9][0-9_]*([eE][-+][0-9]+)? (PyYAML takes no sign
         * here; the YAML 1.1 type definition does) */
        if (b + 1 >= n || !is_digit(s[b + 1]))
            return NZ_YAML_STRING;
        size_t i = span_digits_(s, n, b + 1);
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
            if (i + 2 > n || (s[i + 1] != '-' && s[i + 1] != '+'))
                return NZ_YAML_STRING;
            size_t e = i + 2;
            while (e < n && is_digit(s[e]))
                e++;
            if (e == i + 2 || e != n)
                return NZ_YAML_STRING;
            i = e;
        }
        return i == n ? make_float(s, n, out) : NZ_YAML_STRING;
    }
    if (!is_digit(s[b]))
        return NZ_YAML_STRING;
    size_t i = span_digits_(s, n, b);
    if (i == n) {
        if (s[b] == '0' && n - b > 1) { /* octal: 0[0-7_]+ */
            for (size_t k = b + 1; k < n; k++)
                if (s[k] != '_' && (s[k] < '0' || s[k] > '7'))
                    return NZ_YAML_STRING;
            return make_int(s + b + 1, n - b - 1, 8, negative, out);
        }
        if (s[b] == '0')
            return make_int(s + b, 1, 10, negative, out);
        return make_int(s + b, n - b, 10, negative, out);
    }
    if (s[i] == ':') { /* base 60 */
        size_t end = span_base60(s, n, i);
        if (end == i)
            return NZ_YAML_STRING;
        if (end == n)
            return s[b] == '0' ? NZ_YAML_STRING
                               : make_base60_int(s, b, n, negative, out);
        if (s[end] != '.')
            return NZ_YAML_STRING;
        size_t f = span_digits_(s, n, end + 1);
        if (f != n)
            return NZ_YAML_STRING;
        size_t last_colon = end;
        while (s[last_colon] != ':')
            last_colon--;
        return make_base60_float(s, n, b, last_colon, negative, out);
    }
    if (s[i] != '.')
        return NZ_YAML_STRING;
    i = span_digits_(s, n, i + 1);
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (i + 2 > n || (s[i + 1] != '-' && s[i + 1] != '+'))
            return NZ_YAML_STRING;
        size_t e = i + 2;
        while (e < n && is_digit(s[e]))
            e++;
        if (e == i + 2)
            return NZ_YAML_STRING;
        i = e;
    }
    return i == n ? make_float(s, n, out) : NZ_YAML_STRING;
}

static nz_yaml_kind resolve11(const char *s, size_t n, nz_yaml_value *out)
{
    switch (s[0]) {
    case '~':
        return n == 1 ? (out->kind = NZ_YAML_NULL) : NZ_YAML_STRING;
    case 'n':
    case 'N':
        if (is_word(s, n, "null"))
            return out->kind = NZ_YAML_NULL;
        if (is_word(s, n, "no")) {
            out->boolean = false;
            return out->kind = NZ_YAML_BOOL;
        }
        return NZ_YAML_STRING;
    case 't':
    case 'T':
    case 'f':
    case 'F':
    case 'y':
    case 'Y':
    case 'o':
    case 'O':
        if (is_word(s, n, "true") || is_word(s, n, "yes") ||
            is_word(s, n, "on")) {
            out->boolean = true;
            return out->kind = NZ_YAML_BOOL;
        }
        if (is_word(s, n, "false") || is_word(s, n, "off")) {
            out->boolean = false;
            return out->kind = NZ_YAML_BOOL;
        }
        return NZ_YAML_STRING;
    default:
        if (is_digit(s[0]) || s[0] == '.' || s[0] == '-' || s[0] == '+')
            return number11(s, n, out);
        return NZ_YAML_STRING;
    }
}

nz_yaml_kind nz_yaml_resolve(const char *s, size_t n, bool yaml11,
                             nz_yaml_value *out)
{
    out->kind = NZ_YAML_STRING;
    if (n == 0)
        return out->kind = NZ_YAML_NULL;
    nz_yaml_kind k = yaml11 ? resolve11(s, n, out) : resolve12(s, n, out);
    out->kind = k;
    return k;
}

nz_yaml_kind nz_yaml_resolve_as(const char *s, size_t n, bool yaml11,
                                nz_yaml_kind want, nz_yaml_value *out)
{
    nz_yaml_kind k = nz_yaml_resolve(s, n, yaml11, out);
    switch (want) {
    case NZ_YAML_INT:
        if (k == NZ_YAML_INT || k == NZ_YAML_INT_RANGE)
            return k;
        break;
    case NZ_YAML_FLOAT:
        if (k == NZ_YAML_FLOAT || k == NZ_YAML_FLOAT_RANGE ||
            k == NZ_YAML_NONFINITE)
            return k;
        if (k == NZ_YAML_INT) {
            out->real = (double)out->integer;
            return out->kind = NZ_YAML_FLOAT;
        }
        if (k == NZ_YAML_INT_RANGE)
            return out->kind = NZ_YAML_FLOAT_RANGE;
        break;
    default:
        if (k == want)
            return k;
        break;
    }
    out->kind = NZ_YAML_STRING;
    return NZ_YAML_STRING;
}
