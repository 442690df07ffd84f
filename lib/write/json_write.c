/* JSON text from a jansson tree. See json_write.h.
 *
 * Throughput matters here (the CLI is a filter; parse + write should beat
 * `jq -c .`), so: strings are copied in runs with one nz_output_put per run
 * of bytes that need no escaping; the per-byte test is one table lookup;
 * numbers are formatted without printf; nothing is allocated per value
 * (the walk's stack and the key array of sorted objects are reused).
 */
#include "write/json_write.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "normalize/error.h"
#include "normalize/read.h"
#include "normalize/write.h"
#include "write/json_number.h"

/* Where diagnostics say the problem is: the writer has no name for its
 * output, and "<input>" (nz_diag_format's default) would mislead. */
#define OUTPUT_NAME "<output>"

/* A member of an object being written in sorted order. */
struct nz_json_member {
    const char *key;
    size_t len;
    json_t *value;
};

/* An open array or object. */
struct nz_json_frame {
    const json_t *container;
    void *iter;         /* object in stored order: the next member      */
    size_t next;        /* array: next index; sorted object: next member
                           in jw->members                               */
    size_t end;         /* array: size; sorted object: end in members   */
    size_t begin;       /* sorted object: first of its members          */
    const char *key;    /* object: key of the member being written      */
    size_t key_len;
    unsigned char is_object;
    unsigned char sorted;
    unsigned char first; /* no member written yet                       */
};

enum { SORT_NONE, SORT_CODE_POINTS, SORT_UTF16 };

void nz_json_writer_init(nz_json_writer *jw, unsigned flags, int indent)
{
    memset(jw, 0, sizeof *jw);
    jw->flags = flags & (NZ_WRITE_SORT_KEYS | NZ_WRITE_ASCII |
                         NZ_WRITE_CANONICAL);
    if (jw->flags & NZ_WRITE_CANONICAL)
        jw->flags = NZ_WRITE_CANONICAL;
    jw->indent = (jw->flags & NZ_WRITE_CANONICAL) ? 0 : indent;
}

void nz_json_writer_free(nz_json_writer *jw)
{
    nz_free(jw->frames);
    nz_free(jw->members);
    jw->frames = NULL;
    jw->members = NULL;
    jw->frames_cap = jw->members_cap = jw->members_top = 0;
}

/* ---- strings ---------------------------------------------------------- */

/* What to do with each byte of a string: 0 = copy as is; 'u' = \u00xx;
 * a letter or '"' or '\\' = that two-character escape; NON_ASCII = a byte
 * of a multi-byte character. Normal and RFC 8785 output escape exactly the
 * same bytes ('/' and DEL stay as they are); ASCII output also escapes DEL,
 * so that it is all printable (as jq -a and Python's ensure_ascii do). */
#define NON_ASCII 1
#define U 'u'
#define N NON_ASCII
static const char ESCAPE[256] = {
    U, U, U, U, U, U, U, U, 'b', 't', 'n', U, 'f', 'r', U, U, /* 00 */
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, /* 10 */
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0, /* 50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 70 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* 80 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* 90 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* A0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* B0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* C0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* D0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* E0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* F0 */
};
static const char ESCAPE_ASCII[256] = {
    U, U, U, U, U, U, U, U, 'b', 't', 'n', U, 'f', 'r', U, U, /* 00 */
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, /* 10 */
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0, /* 50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, U, /* 70 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* 80 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* 90 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* A0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* B0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* C0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* D0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* E0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* F0 */
};
#undef U
#undef N

/* Lowercase, as jq and RFC 8785 write \u escapes. */
static const char HEX[] = "0123456789abcdef";

/* Length (2..4) of the well-formed UTF-8 sequence at p, whose first byte
 * is >= 0x80, with *cp set; 0 when it is not well-formed. Inline twin of
 * nz_utf8_decode(): this runs once per non-ASCII character. */
static inline size_t utf8_sequence(const unsigned char *p, size_t n,
                                   uint32_t *cp)
{
    unsigned char b = p[0];
    if (b >= 0xC2 && b <= 0xDF) {
        if (n < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b & 0x1F) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        uint32_t v = ((uint32_t)(b & 0x0F) << 12) |
                     ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3Fu);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        uint32_t v = ((uint32_t)(b & 0x07) << 18) |
                     ((uint32_t)(p[1] & 0x3F) << 12) |
                     ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3Fu);
        if (v < 0x10000 || v > 0x10FFFF)
            return 0;
        *cp = v;
        return 4;
    }
    return 0;
}

static inline void put_u_escape(nz_output *out, uint32_t unit)
{
    char esc[6] = {'\\', 'u', HEX[(unit >> 12) & 0xF], HEX[(unit >> 8) & 0xF],
                   HEX[(unit >> 4) & 0xF], HEX[unit & 0xF]};
    nz_output_put(out, esc, sizeof esc);
}

/* Write s (n bytes, NULs allowed) as a JSON string. Returns 0, or 1 + the
 * offset of the first byte that is not well-formed UTF-8 (nothing more is
 * written then). Sink errors stay in out->err. */
static size_t put_string(nz_output *out, const char *s, size_t n, int ascii)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + n;
    const unsigned char *run = p;
    const char *escape = ascii ? ESCAPE_ASCII : ESCAPE;
    nz_output_putc(out, '"');
    while (p < end) {
        char e = escape[*p];
        if (e == 0) {
            p++;
            continue;
        }
        if (e == NON_ASCII) {
            uint32_t cp;
            size_t len = utf8_sequence(p, (size_t)(end - p), &cp);
            if (len == 0)
                return (size_t)(p - (const unsigned char *)s) + 1;
            if (!ascii) {
                p += len;
                continue;
            }
            nz_output_put(out, (const char *)run, (size_t)(p - run));
            if (cp < 0x10000) {
                put_u_escape(out, cp);
            } else {
                cp -= 0x10000;
                put_u_escape(out, 0xD800 + (cp >> 10));
                put_u_escape(out, 0xDC00 + (cp & 0x3FF));
            }
            p += len;
            run = p;
            continue;
        }
        nz_output_put(out, (const char *)run, (size_t)(p - run));
        if (e == 'u') {
            put_u_escape(out, *p);
        } else {
            char esc[2] = {'\\', e};
            nz_output_put(out, esc, 2);
        }
        run = ++p;
    }
    nz_output_put(out, (const char *)run, (size_t)(p - run));
    nz_output_putc(out, '"');
    return 0;
}

/* ---- layout ----------------------------------------------------------- */

/* A newline and `spaces` spaces, in as few puts as possible. */
static void put_newline_indent(nz_output *out, size_t spaces)
{
    static const char NL_SPACES[] =
        "\n                                                               "
        "                                                                ";
    size_t chunk = sizeof NL_SPACES - 2; /* spaces available after '\n' */
    size_t first = spaces < chunk ? spaces : chunk;
    nz_output_put(out, NL_SPACES, first + 1);
    spaces -= first;
    while (spaces > 0) {
        size_t k = spaces < chunk ? spaces : chunk;
        nz_output_put(out, NL_SPACES + 1, k);
        spaces -= k;
    }
}

/* ---- key order -------------------------------------------------------- */

/* UTF-8 byte order is code point order. */
static int compare_code_points(const void *a, const void *b)
{
    const nz_json_member *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c != 0)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/* The UTF-16 code units of cp: (unit, 0) or (high, low surrogate). */
static void utf16_units(uint32_t cp, uint32_t units[2])
{
    if (cp < 0x10000) {
        units[0] = cp;
        units[1] = 0;
    } else {
        units[0] = 0xD800 + ((cp - 0x10000) >> 10);
        units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
    }
}

/* RFC 8785 section 3.2.3: order by UTF-16 code units. It differs from
 * code point order only where a character above U+FFFF (high surrogate
 * D800..DBFF) meets one in U+E000..U+FFFF, so compare up to the first
 * different character and decide there. */
static int compare_utf16(const void *a, const void *b)
{
    const nz_json_member *x = a, *y = b;
    const unsigned char *s = (const unsigned char *)x->key;
    const unsigned char *t = (const unsigned char *)y->key;
    size_t n = x->len < y->len ? x->len : y->len;
    size_t i = 0;
    while (i < n && s[i] == t[i])
        i++;
    if (i == n)
        return (x->len > y->len) - (x->len < y->len);
    size_t start = i;
    while (start > 0 && (s[start] & 0xC0) == 0x80)
        start--;
    uint32_t cs, ct, us[2], ut[2];
    if (s[start] < 0x80)
        cs = s[start];
    else if (!utf8_sequence(s + start, x->len - start, &cs))
        return s[i] < t[i] ? -1 : 1; /* rejected when written anyway */
    if (t[start] < 0x80)
        ct = t[start];
    else if (!utf8_sequence(t + start, y->len - start, &ct))
        return s[i] < t[i] ? -1 : 1;
    utf16_units(cs, us);
    utf16_units(ct, ut);
    if (us[0] != ut[0])
        return us[0] < ut[0] ? -1 : 1;
    return us[1] < ut[1] ? -1 : us[1] > ut[1];
}

/* Most objects are small: insertion sort beats qsort's setup and indirect
 * calls there. static inline so the comparison is inlined at each use. */
static inline void sort_by(nz_json_member *m, size_t n,
                           int (*compare)(const void *, const void *))
{
    if (n > 16) {
        qsort(m, n, sizeof *m, compare);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        nz_json_member item = m[i];
        size_t j = i;
        while (j > 0 && compare(&m[j - 1], &item) > 0) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = item;
    }
}

/* ---- errors ----------------------------------------------------------- */

/* Append a JSON Pointer segment, stopping at the end of buf (the caller
 * leaves room to show that the path was cut). */
static size_t path_append(char *buf, size_t len, size_t max, const char *s,
                          size_t n)
{
    for (size_t i = 0; i < n && len < max; i++) {
        if (s[i] == '~' || s[i] == '/') {
            buf[len++] = '~';
            if (len < max)
                buf[len++] = s[i] == '~' ? '0' : '1';
        } else if (s[i] == '\0') {
            /* A pointer cannot carry NUL in a C string: show it escaped. */
            static const char nul[] = "\\u0000";
            for (size_t j = 0; j < sizeof nul - 1 && len < max; j++)
                buf[len++] = nul[j];
        } else {
            buf[len++] = s[i];
        }
    }
    return len;
}

/* Put the JSON Pointer of the value being written at depth `depth` into
 * diag->path. Only runs on the error path. */
static void set_error_path(const nz_json_writer *jw, size_t depth,
                           nz_diag *diag)
{
    if (!diag)
        return;
    /* One byte more than the field: a longer path is cut with "...". */
    char path[NZ_DIAG_PATH_MAX + 1];
    size_t max = sizeof path - 1, len = 0;
    for (size_t d = 0; d < depth && len < max; d++) {
        const nz_json_frame *f = &jw->frames[d];
        path[len++] = '/';
        if (f->is_object) {
            len = path_append(path, len, max, f->key, f->key_len);
        } else {
            char index[NZ_JSON_NUMBER_MAX];
            size_t n = nz_print_integer(index, (json_int_t)(f->next - 1));
            len = path_append(path, len, max, index, n);
        }
    }
    path[len] = '\0';
    nz_diag_set_path(diag, path);
}

static int fail(const nz_json_writer *jw, size_t depth, nz_diag *diag,
                int code, const char *what)
{
    nz_diag_set(diag, code, OUTPUT_NAME, NULL, "%s", what);
    set_error_path(jw, depth, diag);
    return code;
}

static int fail_utf8(const nz_json_writer *jw, size_t depth, nz_diag *diag,
                     const char *what, const char *s, size_t bad)
{
    nz_diag_set(diag, NZ_EUNREPRESENTABLE, OUTPUT_NAME, NULL,
                "%s is not valid UTF-8 (byte 0x%02X at offset %zu)", what,
                (unsigned)(unsigned char)s[bad], bad);
    set_error_path(jw, depth, diag);
    return NZ_EUNREPRESENTABLE;
}

/* ---- the walk --------------------------------------------------------- */

static nz_json_frame *push_frame(nz_json_writer *jw, size_t depth)
{
    if (depth == jw->frames_cap) {
        size_t cap = jw->frames_cap ? 2 * jw->frames_cap : 32;
        nz_json_frame *frames =
            nz_realloc(jw->frames, cap * sizeof *frames);
        if (!frames)
            return NULL;
        jw->frames = frames;
        jw->frames_cap = cap;
    }
    nz_json_frame *f = &jw->frames[depth];
    memset(f, 0, sizeof *f);
    f->first = 1;
    return f;
}

/* Collect the members of object into jw->members and sort them. */
static int sort_members(nz_json_writer *jw, nz_json_frame *f,
                        const json_t *object, int order)
{
    size_t size = json_object_size(object);
    size_t need = jw->members_top + size;
    if (need > jw->members_cap) {
        size_t cap = jw->members_cap ? jw->members_cap : 64;
        while (cap < need)
            cap *= 2;
        nz_json_member *m = nz_realloc(jw->members, cap * sizeof *m);
        if (!m)
            return NZ_ENOMEM;
        jw->members = m;
        jw->members_cap = cap;
    }
    nz_json_member *m = jw->members + jw->members_top;
    size_t n = 0;
    /* jansson's iterator API takes a non-const object but does not change
     * it; the cast is confined here and to the unsorted walk. */
    json_t *obj = (json_t *)(uintptr_t)object;
    for (void *it = json_object_iter(obj); it && n < size;
         it = json_object_iter_next(obj, it), n++) {
        m[n].key = json_object_iter_key(it);
        m[n].len = json_object_iter_key_len(it);
        m[n].value = json_object_iter_value(it);
    }
    if (order == SORT_UTF16)
        sort_by(m, n, compare_utf16);
    else
        sort_by(m, n, compare_code_points);
    f->sorted = 1;
    f->begin = f->next = jw->members_top;
    f->end = jw->members_top + n;
    jw->members_top = f->end;
    return 0;
}

int nz_json_write(nz_json_writer *jw, nz_output *out, const json_t *value,
                  int level, nz_diag *diag)
{
    const int canonical = (jw->flags & NZ_WRITE_CANONICAL) != 0;
    const int ascii = (jw->flags & NZ_WRITE_ASCII) != 0;
    const int order = canonical ? SORT_UTF16
                      : (jw->flags & NZ_WRITE_SORT_KEYS) ? SORT_CODE_POINTS
                                                         : SORT_NONE;
    const size_t indent = (size_t)jw->indent;
    const size_t base = level > 0 ? (size_t)level : 0;
    const char *colon = indent ? ": " : ":";
    const size_t colon_len = indent ? 2 : 1;
    size_t depth = 0; /* open containers */
    const json_t *v = value;
    char num[NZ_JSON_NUMBER_MAX];
    size_t n, bad;

    jw->members_top = 0;
    for (;;) {
        /* Write v; containers open a frame and continue below. */
        switch (json_typeof(v)) {
        case JSON_OBJECT:
        case JSON_ARRAY: {
            int is_object = json_is_object(v);
            size_t size = is_object ? json_object_size(v) : json_array_size(v);
            if (size == 0) {
                nz_output_put(out, is_object ? "{}" : "[]", 2);
                break;
            }
            if (base + depth + 1 > NZ_READ_JSON_DEPTH_LIMIT) {
                nz_diag_set(diag, NZ_EDEPTH, OUTPUT_NAME, NULL,
                            "nesting deeper than %d levels cannot be "
                            "written", NZ_READ_JSON_DEPTH_LIMIT);
                set_error_path(jw, depth, diag);
                return NZ_EDEPTH;
            }
            nz_json_frame *f = push_frame(jw, depth);
            if (!f)
                return fail(jw, depth, diag, NZ_ENOMEM,
                            "out of memory while writing");
            f->container = v;
            f->is_object = (unsigned char)is_object;
            if (!is_object) {
                f->end = size;
            } else if (order != SORT_NONE) {
                if (sort_members(jw, f, v, order) != 0)
                    return fail(jw, depth, diag, NZ_ENOMEM,
                                "out of memory while sorting keys");
            } else {
                f->iter = json_object_iter((json_t *)(uintptr_t)v);
            }
            depth++;
            nz_output_putc(out, is_object ? '{' : '[');
            break;
        }
        case JSON_STRING:
            bad = put_string(out, json_string_value(v), json_string_length(v),
                             ascii);
            if (bad)
                return fail_utf8(jw, depth, diag, "string",
                                 json_string_value(v), bad - 1);
            break;
        case JSON_INTEGER:
            /* RFC 8785 numbers are IEEE doubles: integers beyond 2^53 are
             * printed as the nearest double, losing precision, exactly as
             * the RFC (and JavaScript) require. */
            n = canonical ? nz_print_ecmascript(
                                num, (double)json_integer_value(v))
                          : nz_print_integer(num, json_integer_value(v));
            nz_output_put(out, num, n);
            break;
        case JSON_REAL:
            n = canonical ? nz_print_ecmascript(num, json_real_value(v))
                          : nz_print_real(num, json_real_value(v));
            if (n == 0)
                return fail(jw, depth, diag, NZ_EUNREPRESENTABLE,
                            "a number that is not finite (NaN or infinity) "
                            "has no JSON form");
            nz_output_put(out, num, n);
            break;
        case JSON_TRUE:
            nz_output_put(out, "true", 4);
            break;
        case JSON_FALSE:
            nz_output_put(out, "false", 5);
            break;
        case JSON_NULL:
            nz_output_put(out, "null", 4);
            break;
        }

        /* Find the next value: the next member of the innermost open
         * container, closing the ones that are done. */
        for (;;) {
            if (depth == 0)
                return out->err;
            nz_json_frame *f = &jw->frames[depth - 1];
            const json_t *child = NULL;
            const char *key = NULL;
            size_t key_len = 0;
            if (!f->is_object) {
                if (f->next < f->end)
                    child = json_array_get(f->container, f->next++);
            } else if (f->sorted) {
                if (f->next < f->end) {
                    const nz_json_member *m = &jw->members[f->next++];
                    key = m->key;
                    key_len = m->len;
                    child = m->value;
                }
            } else if (f->iter) {
                key = json_object_iter_key(f->iter);
                key_len = json_object_iter_key_len(f->iter);
                child = json_object_iter_value(f->iter);
                f->iter = json_object_iter_next(
                    (json_t *)(uintptr_t)f->container, f->iter);
            }
            if (child) {
                if (!f->first)
                    nz_output_putc(out, ',');
                f->first = 0;
                if (indent)
                    put_newline_indent(out, indent * (base + depth));
                if (key) {
                    f->key = key;
                    f->key_len = key_len;
                    bad = put_string(out, key, key_len, ascii);
                    if (bad)
                        return fail_utf8(jw, depth, diag, "object key", key,
                                         bad - 1);
                    nz_output_put(out, colon, colon_len);
                }
                v = child;
                break;
            }
            if (indent)
                put_newline_indent(out, indent * (base + depth - 1));
            nz_output_putc(out, f->is_object ? '}' : ']');
            if (f->sorted)
                jw->members_top = f->begin;
            depth--;
            if (out->err) /* the reader went away: stop early */
                return out->err;
        }
    }
}
