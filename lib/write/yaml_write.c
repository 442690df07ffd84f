/* The YAML writer: block style, one document per record, "---" between
 * records.
 *
 *   key: value            members in the record's order (or sorted with
 *   list:                 NZ_WRITE_SORT_KEYS); sequences indented under
 *     - item              their key; empty containers as {} and []
 *   text: |-              strings with line breaks as literal blocks when
 *     two                 they read back the same, else double-quoted
 *     lines
 *
 * Strings are plain only when they read back as the same string
 * (yaml_quote.h); numbers are written so that they read back as the same
 * type: reals always carry a '.', "1.0e+300" rather than "1e+300", which
 * YAML 1.1 would read as a string. UTF-8 is written as is (escaped with
 * NZ_WRITE_ASCII). Hand-written rather than libyaml's emitter: the
 * emitter decides quoting without knowing our typing, and its buffering
 * would break the generic writer's take-back of a failed record.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/utf8.h"
#include "normalize/error.h"
#include "normalize/read.h"
#include "write/json_number.h"
#include "write/writer_impl.h"
#include "write/yaml_quote.h"

#define ALL_FLAGS (NZ_WRITE_SORT_KEYS | NZ_WRITE_ASCII)
/* libyaml (and the YAML spec) limit implicit keys to 1024 characters,
 * quotes and escapes included; longer keys are written as explicit
 * "? key" entries. */
#define MAX_IMPLICIT_KEY 1000

typedef struct yaml_writer {
    int indent;     /* spaces per level, 1..16                   */
    bool sort;
    bool ascii;
    /* JSON Pointer of the node being written, for diagnostics. */
    char *path;
    size_t path_len;
    size_t path_cap;
    nz_diag *diag;
} yaml_writer;

typedef struct member {
    const char *key;
    size_t len;
    json_t *value;
} member;

/* ---- output helpers ------------------------------------------------- */

static void put(nz_output *o, const char *s, size_t n)
{
    nz_output_put(o, s, n);
}

static void spaces(nz_output *o, size_t n)
{
    static const char blanks[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof blanks - 1 ? n : sizeof blanks - 1;
        nz_output_put(o, blanks, k);
        n -= k;
    }
}

static void newline_at(nz_output *o, size_t col)
{
    nz_output_putc(o, '\n');
    spaces(o, col);
}

/* ---- the path of the node being written ------------------------------ */

static int path_push(yaml_writer *y, const char *token, size_t n,
                     bool escape)
{
    size_t need = y->path_len + 2 * n + 2;
    if (need > y->path_cap) {
        size_t cap = y->path_cap ? y->path_cap : 256;
        while (cap < need)
            cap *= 2;
        char *p = nz_realloc(y->path, cap);
        if (!p)
            return NZ_ENOMEM;
        y->path = p;
        y->path_cap = cap;
    }
    y->path[y->path_len++] = '/';
    for (size_t i = 0; i < n; i++) {
        char c = token[i];
        if (escape && (c == '~' || c == '/')) {
            y->path[y->path_len++] = '~';
            y->path[y->path_len++] = c == '~' ? '0' : '1';
        } else {
            y->path[y->path_len++] = c ? c : '?';
        }
    }
    y->path[y->path_len] = '\0';
    return 0;
}

static void path_pop(yaml_writer *y, size_t len)
{
    y->path_len = len;
    if (y->path)
        y->path[len] = '\0';
}

static int fail(yaml_writer *y, int code, const char *what)
{
    nz_diag_set(y->diag, code, "<output>", NULL, "%s", what);
    nz_diag_set_path(y->diag, y->path ? y->path : "");
    return code;
}

/* ---- scalars ---------------------------------------------------------- */

static void put_escaped_cp(nz_output *o, uint32_t cp)
{
    static const char hex[] = "0123456789ABCDEF";
    char buf[12];
    size_t n = 0;
    buf[n++] = '\\';
    switch (cp) {
    case 0:
        buf[n++] = '0';
        break;
    case '\t':
        buf[n++] = 't';
        break;
    case '\n':
        buf[n++] = 'n';
        break;
    case '\r':
        buf[n++] = 'r';
        break;
    case 0x2028:
        buf[n++] = 'L';
        break;
    case 0x2029:
        buf[n++] = 'P';
        break;
    default: {
        int digits = cp <= 0xFF ? 2 : cp <= 0xFFFF ? 4 : 8;
        buf[n++] = digits == 2 ? 'x' : digits == 4 ? 'u' : 'U';
        for (int i = digits - 1; i >= 0; i--)
            buf[n++] = hex[(cp >> (4 * i)) & 0xF];
        break;
    }
    }
    put(o, buf, n);
}

/* Characters put_double_quoted() writes for s, quotes included. */
static size_t double_quoted_chars(const char *s, size_t n, bool ascii)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t chars = 2;
    for (size_t i = 0; i < n;) {
        uint32_t cp = u[i];
        size_t len = 1;
        if (cp >= 0x80) {
            len = nz_utf8_decode(u + i, n - i, &cp);
            if (len == 0) {
                len = 1;
                cp = 0xFFFD;
            }
        }
        if (cp == '"' || cp == '\\' || cp == 0 || cp == '\t' || cp == '\n' ||
            cp == '\r' || cp == 0x2028 || cp == 0x2029)
            chars += 2;
        else if ((cp < 0x80 && (cp < 0x20 || cp == 0x7F)) ||
                 (cp >= 0x80 && (ascii || nz_yaml_must_escape(cp))))
            chars += cp <= 0xFF ? 4 : cp <= 0xFFFF ? 6 : 10;
        else
            chars += 1;
        i += len;
    }
    return chars;
}

static void put_double_quoted(nz_output *o, const char *s, size_t n,
                              bool ascii)
{
    const unsigned char *u = (const unsigned char *)s;
    nz_output_putc(o, '"');
    size_t run = 0; /* start of bytes copied as they are */
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            i++;
            continue;
        }
        uint32_t cp = c;
        size_t len = 1;
        if (c >= 0x80) {
            len = nz_utf8_decode(u + i, n - i, &cp);
            if (len == 0) { /* checked before: cannot happen */
                len = 1;
                cp = 0xFFFD;
            }
            if (!ascii && !nz_yaml_must_escape(cp)) {
                i += len;
                continue;
            }
        }
        put(o, s + run, i - run);
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(o, esc, 2);
        } else {
            put_escaped_cp(o, cp);
        }
        i += len;
        run = i;
    }
    put(o, s + run, n - run);
    nz_output_putc(o, '"');
}

/* A literal block for the multi-line string s, whose parent collection
 * stands at column col: header "|", indentation indicator when the text
 * starts with a space or tab, chomping indicator from its trailing
 * newlines. */
static void put_literal(yaml_writer *y, nz_output *o, const char *s, size_t n,
                        size_t col)
{
    size_t body = n;
    while (body > 0 && s[body - 1] == '\n')
        body--;
    size_t trailing = n - body;
    size_t first = 0;
    while (first < body && s[first] == '\n')
        first++;
    nz_output_putc(o, '|');
    /* The indentation is guessed from the first line with content unless
     * given; a space or tab that starts the text would spoil the guess
     * (libyaml refuses the tab outright). */
    if (first < body && (s[first] == ' ' || s[first] == '\t'))
        nz_output_putc(o, (char)('0' + y->indent));
    if (trailing == 0)
        nz_output_putc(o, '-');
    else if (trailing > 1)
        nz_output_putc(o, '+');
    size_t content = col + (size_t)y->indent;
    size_t start = 0;
    for (;;) {
        const char *nl = memchr(s + start, '\n', body - start);
        size_t end = nl ? (size_t)(nl - s) : body;
        if (end > start)
            newline_at(o, content);
        else
            nz_output_putc(o, '\n');
        put(o, s + start, end - start);
        if (!nl)
            break;
        start = end + 1;
    }
    for (size_t i = 1; i < trailing; i++)
        nz_output_putc(o, '\n');
}

static int check_utf8(yaml_writer *y, const char *s, size_t n, bool key)
{
    if (nz_utf8_first_invalid((const unsigned char *)s, n) != n)
        return fail(y, NZ_EUNREPRESENTABLE,
                    key ? "object key is not valid UTF-8"
                        : "string is not valid UTF-8");
    return 0;
}

/* A scalar (not a non-empty container) after "key: ", "- " or at the
 * root; col is the column of its parent collection. */
static int put_scalar(yaml_writer *y, nz_output *o, const json_t *v,
                      size_t col)
{
    char num[NZ_JSON_NUMBER_MAX + 4];
    size_t n;
    switch (json_typeof(v)) {
    case JSON_NULL:
        put(o, "null", 4);
        return 0;
    case JSON_TRUE:
        put(o, "true", 4);
        return 0;
    case JSON_FALSE:
        put(o, "false", 5);
        return 0;
    case JSON_INTEGER:
        n = nz_print_integer(num, json_integer_value(v));
        put(o, num, n);
        return 0;
    case JSON_REAL: {
        n = nz_print_real(num, json_real_value(v));
        if (n == 0)
            return fail(y, NZ_EUNREPRESENTABLE,
                        "number is not finite (NaN or infinity)");
        /* "1e+300" is a string to YAML 1.1: make it "1.0e+300". */
        char *e = memchr(num, 'e', n);
        if (e && !memchr(num, '.', n)) {
            size_t at = (size_t)(e - num);
            memmove(num + at + 2, num + at, n - at);
            num[at] = '.';
            num[at + 1] = '0';
            n += 2;
        }
        put(o, num, n);
        return 0;
    }
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        int rc = check_utf8(y, s, len, false);
        if (rc)
            return rc;
        switch (nz_yaml_string_style(s, len, false, y->ascii)) {
        case NZ_YAML_STYLE_PLAIN:
            put(o, s, len);
            break;
        case NZ_YAML_STYLE_LITERAL:
            /* No indentation indicator beyond 9: quote instead. */
            if (y->indent <= 9)
                put_literal(y, o, s, len, col);
            else
                put_double_quoted(o, s, len, y->ascii);
            break;
        case NZ_YAML_STYLE_DOUBLE:
            put_double_quoted(o, s, len, y->ascii);
            break;
        }
        return 0;
    }
    case JSON_OBJECT:
        put(o, "{}", 2);
        return 0;
    case JSON_ARRAY:
        put(o, "[]", 2);
        return 0;
    }
    return 0;
}

static bool is_block(const json_t *v)
{
    return (json_is_object(v) && json_object_size(v) > 0) ||
           (json_is_array(v) && json_array_size(v) > 0);
}

static int put_block(yaml_writer *y, nz_output *o, const json_t *v,
                     size_t col, size_t depth);

/* What follows a key or "-": " scalar", or the nested block on the next
 * lines (maps) / after the indicator (sequence items). */
static int put_map_value(yaml_writer *y, nz_output *o, const json_t *v,
                         size_t col, size_t depth)
{
    if (!is_block(v)) {
        nz_output_putc(o, ' ');
        return put_scalar(y, o, v, col);
    }
    size_t inner = col + (size_t)y->indent;
    newline_at(o, inner);
    return put_block(y, o, v, inner, depth + 1);
}

static int compare_members(const void *a, const void *b)
{
    const member *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int put_key(yaml_writer *y, nz_output *o, const char *key, size_t len,
                   size_t col, bool *explicit_key)
{
    int rc = check_utf8(y, key, len, true);
    if (rc)
        return rc;
    bool plain = nz_yaml_string_style(key, len, true, y->ascii) ==
                 NZ_YAML_STYLE_PLAIN;
    /* Only long keys need counting: escapes at most quadruple a byte. */
    *explicit_key =
        len * 4 + 2 > MAX_IMPLICIT_KEY &&
        (plain ? nz_utf8_count((const unsigned char *)key, len)
               : double_quoted_chars(key, len, y->ascii)) > MAX_IMPLICIT_KEY;
    if (*explicit_key)
        put(o, "? ", 2);
    if (plain)
        put(o, key, len);
    else
        put_double_quoted(o, key, len, y->ascii);
    if (*explicit_key)
        newline_at(o, col);
    nz_output_putc(o, ':');
    return 0;
}

static int put_member(yaml_writer *y, nz_output *o, const char *key,
                      size_t len, const json_t *value, size_t col,
                      size_t depth)
{
    size_t mark = y->path_len;
    if (path_push(y, key, len, true))
        return fail(y, NZ_ENOMEM, "out of memory");
    bool explicit_key;
    int rc = put_key(y, o, key, len, col, &explicit_key);
    if (rc == 0)
        rc = put_map_value(y, o, value, col, depth);
    if (rc == 0)
        path_pop(y, mark);
    return rc;
}

static int put_object(yaml_writer *y, nz_output *o, const json_t *v,
                      size_t col, size_t depth)
{
    /* jansson iterates only non-const objects; we do not modify it. */
    json_t *obj = (json_t *)(uintptr_t)v;
    const char *key;
    size_t len;
    json_t *value;
    bool first = true;
    if (!y->sort) {
        json_object_keylen_foreach(obj, key, len, value) {
            if (!first)
                newline_at(o, col);
            first = false;
            int rc = put_member(y, o, key, len, value, col, depth);
            if (rc)
                return rc;
        }
        return 0;
    }
    size_t count = json_object_size(v), i = 0;
    member *m = nz_alloc(count * sizeof *m);
    if (!m)
        return fail(y, NZ_ENOMEM, "out of memory");
    json_object_keylen_foreach(obj, key, len, value) {
        m[i].key = key;
        m[i].len = len;
        m[i].value = value;
        i++;
    }
    qsort(m, count, sizeof *m, compare_members);
    int rc = 0;
    for (i = 0; i < count && rc == 0; i++) {
        if (i > 0)
            newline_at(o, col);
        rc = put_member(y, o, m[i].key, m[i].len, m[i].value, col, depth);
    }
    nz_free(m);
    return rc;
}

static int put_array(yaml_writer *y, nz_output *o, const json_t *v,
                     size_t col, size_t depth)
{
    size_t i;
    json_t *item;
    size_t pad = y->indent < 2 ? 2 : (size_t)y->indent;
    json_array_foreach(v, i, item) {
        if (i > 0)
            newline_at(o, col);
        char index[24];
        int n = snprintf(index, sizeof index, "%zu", i);
        size_t mark = y->path_len;
        if (path_push(y, index, (size_t)n, false))
            return fail(y, NZ_ENOMEM, "out of memory");
        nz_output_putc(o, '-');
        int rc;
        if (is_block(item)) {
            spaces(o, pad - 1);
            rc = put_block(y, o, item, col + pad, depth + 1);
        } else {
            nz_output_putc(o, ' ');
            rc = put_scalar(y, o, item, col);
        }
        if (rc)
            return rc;
        path_pop(y, mark);
    }
    return 0;
}

/* A non-empty container whose first line starts at the current output
 * position, which stands at column col. */
static int put_block(yaml_writer *y, nz_output *o, const json_t *v,
                     size_t col, size_t depth)
{
    if (depth >= NZ_READ_JSON_DEPTH_LIMIT)
        return fail(y, NZ_EDEPTH, "nesting deeper than the writer's limit");
    return json_is_object(v) ? put_object(y, o, v, col, depth)
                             : put_array(y, o, v, col, depth);
}

/* ---- the writer operations --------------------------------------------- */

static int yaml_check(const nz_write_options *o, nz_diag *diag)
{
    if (o->flags & ~(unsigned)ALL_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "write flags 0x%x are not available for yaml "
                           "output (only sorted keys and ASCII are)",
                           o->flags & ~(unsigned)ALL_FLAGS);
    if (o->indent < 0 || o->indent > NZ_WRITE_MAX_INDENT)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "indent must be 0 to %d spaces, not %d",
                           NZ_WRITE_MAX_INDENT, o->indent);
    return NZ_OK;
}

static int yaml_open(nz_writer *w, const nz_write_options *o, nz_diag *diag)
{
    yaml_writer *y = nz_zalloc(sizeof *y);
    if (!y)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                           "out of memory opening a writer");
    y->indent = o->indent ? o->indent : 2;
    y->sort = (o->flags & NZ_WRITE_SORT_KEYS) != 0;
    y->ascii = (o->flags & NZ_WRITE_ASCII) != 0;
    w->state = y;
    return NZ_OK;
}

static int yaml_write(nz_writer *w, const json_t *record, nz_diag *diag)
{
    yaml_writer *y = w->state;
    nz_output *o = &w->out;
    y->diag = diag;
    path_pop(y, 0);
    if (w->records > 0)
        put(o, "---\n", 4);
    int rc = is_block(record) ? put_block(y, o, record, 0, 0)
                              : put_scalar(y, o, record, 0);
    if (rc == 0)
        nz_output_putc(o, '\n');
    return rc;
}

static void yaml_close(nz_writer *w)
{
    yaml_writer *y = w->state;
    if (y) {
        nz_free(y->path);
        nz_free(y);
    }
    w->state = NULL;
}

const nz_writer_ops nz_yaml_writer_ops = {
    yaml_check, yaml_open, yaml_write, NULL, yaml_close,
};
