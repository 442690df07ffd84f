/* The CSV and TSV reader (RFC 4180), on libcsv.
 *
 * libcsv does the tokenizing (quotes, doubled quotes, delimiters and
 * newlines inside quoted fields, CR LF or LF). It is fed one "segment" at
 * a time: the bytes up to and including the next delimiter, CR or LF.
 * Such a byte is the only place where a field or a row can end, so after
 * each segment we know exactly where every field began and ended, which
 * gives every cell its line and column without a second tokenizer, and
 * lets the window drop each segment as soon as libcsv has it: memory is
 * bounded by the largest row.
 *
 * Choices where RFC 4180 is silent or real files disagree with it:
 *   - spaces around fields are kept (libcsv would trim them by default);
 *   - libcsv's lenient mode: a quote inside an unquoted field (5" pipe) is
 *     kept as a character; a quoted field still open at the end of the
 *     input is an error naming the line where it started;
 *   - blank lines are skipped; CR LF, LF and a lone CR end a line;
 *   - positions are always kept (they cost a few bytes per field), so
 *     NZ_READ_KEEP_POSITIONS changes nothing;
 *   - a UTF-8 byte order mark at the start is dropped; NUL bytes and
 *     invalid UTF-8 are errors with their position.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/flatten.h"
#include "core/utf8.h"
#include "normalize/error.h"
#include "read/csv_infer.h"
#include "read/reader_impl.h"

#define KNOWN_CSV_FLAGS                                                    \
    (NZ_CSV_NO_HEADER | NZ_CSV_ALLOW_RAGGED |                              \
     NZ_CSV_DUPLICATE_HEADER_ERROR | NZ_CSV_INFER | NZ_CSV_UNFLATTEN)

/* libcsv's parser state "inside a field" (FIELD_BEGUN in libcsv.c, not
 * in its header); with struct csv_parser.quoted set it means a quoted
 * field is still open. */
#if CSV_MAJOR != 3
#error "check LIBCSV_FIELD_BEGUN against this libcsv version"
#endif
#define LIBCSV_FIELD_BEGUN 2

/* Byte classes for the segment scan. */
enum { PLAIN = 0, ENDS_SEGMENT = 1, NEEDS_CHECK = 2 };

typedef struct csv_field {
    size_t off;       /* in buf; the text is NUL-terminated there */
    size_t len;
    nz_position pos;  /* where the field starts (its quote, if quoted) */
    bool quoted;
} csv_field;

typedef struct csv_state {
    struct csv_parser parser;
    unsigned char delim;
    unsigned char cls[256];
    /* Position of the first byte of the window. */
    uint64_t line;
    uint64_t col;        /* 1-based */
    size_t scan_from;    /* the segment scan resumes here */
    bool scan_nonascii;  /* ... and had seen these bytes */
    bool after_cr;       /* the last segment ended in CR        */
    bool bom_checked;
    bool failed;         /* an error ended the input: NZ_ESTATE after  */
    bool finished;       /* csv_fini done                              */
    /* The row being read. */
    bool in_row;
    nz_position row_pos;
    bool at_field_start;
    nz_position field_pos;
    bool field_quoted;
    bool row_done;
    bool cb_nomem;
    char *buf;
    size_t buf_len, buf_cap;
    csv_field *fields;
    size_t nfields, fields_cap;
    /* The header (keys of every record), or the width of the first row
     * without one. */
    bool have_header;
    char **keys;
    size_t ncols;
    uint64_t header_line;
    size_t width;
    bool have_width;
    bool have_record;    /* fields describe the record last returned */
} csv_state;

/* ---- libcsv callbacks ---------------------------------------------------- */

static void on_field(void *data, size_t len, void *ctx)
{
    csv_state *s = ctx;
    if (s->cb_nomem)
        return;
    if (s->nfields == s->fields_cap) {
        size_t cap = s->fields_cap ? 2 * s->fields_cap : 32;
        csv_field *f = nz_realloc(s->fields, cap * sizeof *f);
        if (!f) {
            s->cb_nomem = true;
            return;
        }
        s->fields = f;
        s->fields_cap = cap;
    }
    if (len + 1 > s->buf_cap - s->buf_len) {
        size_t cap = s->buf_cap ? s->buf_cap : 1024;
        while (cap - s->buf_len < len + 1) {
            if (cap > SIZE_MAX / 2) {
                s->cb_nomem = true;
                return;
            }
            cap *= 2;
        }
        char *b = nz_realloc(s->buf, cap);
        if (!b) {
            s->cb_nomem = true;
            return;
        }
        s->buf = b;
        s->buf_cap = cap;
    }
    csv_field *f = &s->fields[s->nfields++];
    f->off = s->buf_len;
    f->len = len;
    f->pos = s->field_pos;
    f->quoted = s->field_quoted;
    if (len)
        memcpy(s->buf + s->buf_len, data, len);
    s->buf[s->buf_len + len] = '\0';
    s->buf_len += len + 1;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    csv_state *s = ctx;
    s->row_done = true;
}

/* Spaces are data (RFC 4180 section 2.4): never trim them. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* ---- positions and errors ------------------------------------------------ */

static nz_position here(const nz_reader *r, const csv_state *s)
{
    nz_position p = {s->line, s->col, r->in.offset};
    return p;
}

static int fail(nz_reader *r, csv_state *s, nz_diag *diag, int code,
                const nz_position *pos, const char *fmt, ...) NZ_PRINTF(6, 7);

static int fail(nz_reader *r, csv_state *s, nz_diag *diag, int code,
                const nz_position *pos, const char *fmt, ...)
{
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (code != NZ_ESYNTAX || !pos)
        s->failed = true; /* only row-shape errors let reading go on */
    return nz_diag_set(diag, code, r->source, pos, "%s", text);
}

static int read_more(nz_reader *r, csv_state *s, nz_diag *diag)
{
    long got = nz_input_more(&r->in);
    if (got >= 0)
        return 0;
    s->failed = true;
    if (got == NZ_ENOMEM)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                           "out of memory while reading input");
    return nz_diag_set(diag, NZ_EIO, r->source, NULL, "cannot read: %s",
                       strerror(r->in.read_errno));
}

/* A NUL byte or invalid UTF-8 in segment t[0, n): error at its place. */
static int check_text(nz_reader *r, csv_state *s, const unsigned char *t,
                      size_t n, uint64_t *chars, nz_diag *diag)
{
    size_t bad = nz_utf8_first_invalid(t, n);
    const unsigned char *nul = memchr(t, 0, bad);
    if (nul)
        bad = (size_t)(nul - t);
    if (bad < n) {
        nz_position p = here(r, s);
        p.column += nz_utf8_count(t, bad);
        p.offset += bad;
        if (t[bad] == 0)
            return fail(r, s, diag, NZ_ENUL, &p, "NUL byte (0x00) in input");
        return fail(r, s, diag, NZ_EUTF8, &p,
                    "invalid UTF-8: byte 0x%02X is not part of a valid "
                    "character",
                    t[bad]);
    }
    *chars = nz_utf8_count(t, n);
    return 0;
}

/* ---- header ------------------------------------------------------------- */

/* The key of column i (0-based) with no name of its own: its number from
 * 1, as miller names extra fields. */
static void column_name(char *buf, size_t size, size_t i)
{
    snprintf(buf, size, "%zu", i + 1);
}

static bool key_taken(char **keys, size_t n, const char *k)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], k) == 0)
            return true;
    return false;
}

/* A name for a duplicate: name_2, name_3, ... the first one not taken. */
static char *renamed(char **keys, size_t n, const char *name)
{
    size_t len = strlen(name);
    char *k = nz_alloc(len + 24);
    if (!k)
        return NULL;
    for (size_t i = 2;; i++) {
        snprintf(k, len + 24, "%s_%zu", name, i);
        if (!key_taken(keys, n, k))
            return k;
    }
}

/* With NZ_CSV_UNFLATTEN, "a" and "a.b" cannot both be keys. */
static int check_unflatten_header(nz_reader *r, csv_state *s, nz_diag *diag)
{
    for (size_t i = 0; i < s->ncols; i++) {
        size_t depth = 1;
        for (const char *c = s->keys[i]; *c; c++)
            depth += *c == '.';
        if (depth > r->opts.max_depth)
            return fail(r, s, diag, NZ_EDEPTH, &s->fields[i].pos,
                        "header \"%s\" nests deeper than the limit of %zu "
                        "levels (max-depth)",
                        s->keys[i], r->opts.max_depth);
        size_t li = strlen(s->keys[i]);
        for (size_t j = 0; j < s->ncols; j++) {
            if (i != j && strncmp(s->keys[j], s->keys[i], li) == 0 &&
                s->keys[j][li] == '.')
                return fail(r, s, diag, NZ_EDUPKEY, &s->fields[j].pos,
                            "header \"%s\" needs \"%s\" (column %zu) to be "
                            "an object, but it is a column of its own",
                            s->keys[j], s->keys[i], i + 1);
        }
    }
    return 0;
}

static int take_header(nz_reader *r, csv_state *s, nz_diag *diag)
{
    s->keys = nz_zalloc(s->nfields * sizeof *s->keys);
    if (!s->keys)
        return fail(r, s, diag, NZ_ENOMEM, NULL, "out of memory");
    s->ncols = 0;
    for (size_t i = 0; i < s->nfields; i++) {
        const csv_field *f = &s->fields[i];
        char num[24];
        const char *name = s->buf + f->off;
        if (f->len == 0) {
            column_name(num, sizeof num, i);
            name = num;
        }
        char *key;
        if (key_taken(s->keys, s->ncols, name)) {
            if (r->opts.csv.flags & NZ_CSV_DUPLICATE_HEADER_ERROR) {
                size_t first = 0;
                while (strcmp(s->keys[first], name) != 0)
                    first++;
                return fail(r, s, diag, NZ_EDUPKEY, &f->pos,
                            "duplicate header name \"%s\" (first in column "
                            "%zu)",
                            name, first + 1);
            }
            key = renamed(s->keys, s->ncols, name);
        } else {
            key = nz_strdup(name);
        }
        if (!key)
            return fail(r, s, diag, NZ_ENOMEM, NULL, "out of memory");
        s->keys[s->ncols++] = key;
    }
    s->have_header = true;
    s->header_line = s->row_pos.line;
    if (r->opts.csv.flags & NZ_CSV_UNFLATTEN)
        return check_unflatten_header(r, s, diag);
    return 0;
}

/* ---- records ------------------------------------------------------------ */

static json_t *field_value(const nz_reader *r, const csv_state *s,
                           const csv_field *f)
{
    const char *t = s->buf + f->off;
    if (r->opts.csv.flags & NZ_CSV_INFER)
        return nz_csv_infer(t, f->len, f->quoted);
    return json_stringn_nocheck(t, f->len);
}

/* Key of column i of a record: the header's, or for an extra field of a
 * ragged row its column number (made unique like a duplicate header). */
static char *record_key(const csv_state *s, size_t i)
{
    if (i < s->ncols)
        return nz_strdup(s->keys[i]);
    char num[24];
    column_name(num, sizeof num, i);
    return key_taken(s->keys, s->ncols, num) ? renamed(s->keys, s->ncols, num)
                                             : nz_strdup(num);
}

static int build_array(nz_reader *r, csv_state *s, json_t **out,
                       nz_diag *diag)
{
    json_t *row = json_array();
    size_t n = s->nfields;
    if (r->opts.csv.flags & NZ_CSV_ALLOW_RAGGED && n < s->width)
        n = s->width;
    for (size_t i = 0; row && i < n; i++) {
        json_t *v = i < s->nfields ? field_value(r, s, &s->fields[i])
                                   : json_null();
        if (!v || json_array_append_new(row, v)) {
            json_decref(row);
            row = NULL;
        }
    }
    if (!row)
        return fail(r, s, diag, NZ_ENOMEM, NULL, "out of memory");
    *out = row;
    return 1;
}

static int build_object(nz_reader *r, csv_state *s, json_t **out,
                        nz_diag *diag)
{
    bool unflatten = (r->opts.csv.flags & NZ_CSV_UNFLATTEN) != 0;
    size_t n = s->nfields > s->ncols ? s->nfields : s->ncols;
    json_t *obj = json_object();
    if (!obj)
        return fail(r, s, diag, NZ_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *v = i < s->nfields ? field_value(r, s, &s->fields[i])
                                   : json_null();
        char *key = i < s->ncols ? s->keys[i] : record_key(s, i);
        int rc = 0;
        if (!v || !key) {
            json_decref(v);
            rc = NZ_ENOMEM;
        } else if (unflatten && i < s->ncols) {
            rc = nz_unflatten_set(obj, key, v);
        } else if (json_object_get(obj, key)) {
            json_decref(v);
            rc = NZ_EDUPKEY;
        } else {
            rc = json_object_set_new_nocheck(obj, key, v) ? NZ_ENOMEM : 0;
        }
        if (key && i >= s->ncols)
            nz_free(key);
        if (rc == NZ_EDUPKEY) {
            /* Only an extra field's number can collide with a nested
             * header here; the header itself was checked. */
            json_decref(obj);
            return fail(r, s, diag, NZ_EDUPKEY, &s->fields[i].pos,
                        "field %zu cannot be placed: its key is taken", i + 1);
        }
        if (rc) {
            json_decref(obj);
            return fail(r, s, diag, NZ_ENOMEM, NULL, "out of memory");
        }
    }
    if (unflatten) {
        obj = nz_unflatten_finish(obj);
        if (!obj)
            return fail(r, s, diag, NZ_ENOMEM, NULL, "out of memory");
    }
    *out = obj;
    return 1;
}

/* A complete row is in fields: the header, or a record. Returns 1 with
 * *out set, 0 when it was the header, or an error. */
static int finish_row(nz_reader *r, csv_state *s, json_t **out,
                      nz_diag *diag)
{
    unsigned flags = r->opts.csv.flags;
    bool ragged_ok = (flags & NZ_CSV_ALLOW_RAGGED) != 0;
    if (flags & NZ_CSV_NO_HEADER) {
        if (!s->have_width) {
            s->width = s->nfields;
            s->have_width = true;
            s->header_line = s->row_pos.line;
        } else if (s->nfields != s->width && !ragged_ok) {
            return fail(r, s, diag, NZ_ESYNTAX, &s->row_pos,
                        "ragged row: %zu field%s where the first row (line "
                        "%llu) has %zu",
                        s->nfields, s->nfields == 1 ? "" : "s",
                        (unsigned long long)s->header_line, s->width);
        }
        s->have_record = true;
        return build_array(r, s, out, diag);
    }
    if (!s->have_header) {
        int rc = take_header(r, s, diag);
        return rc < 0 ? rc : 0;
    }
    if (s->nfields != s->ncols && !ragged_ok)
        return fail(r, s, diag, NZ_ESYNTAX, &s->row_pos,
                    "ragged row: %zu field%s where the header (line %llu) "
                    "has %zu",
                    s->nfields, s->nfields == 1 ? "" : "s",
                    (unsigned long long)s->header_line, s->ncols);
    s->have_record = true;
    return build_object(r, s, out, diag);
}

/* ---- feeding libcsv ------------------------------------------------------- */

static int parser_error(nz_reader *r, csv_state *s, nz_diag *diag)
{
    int e = csv_error(&s->parser);
    if (e == CSV_ENOMEM || e == CSV_ETOOBIG || s->cb_nomem)
        return fail(r, s, diag, NZ_ENOMEM, NULL, "out of memory");
    return fail(r, s, diag, NZ_ESYNTAX, &s->field_pos, "invalid CSV: %s",
                csv_strerror(e));
}

/* Hand segment t[0, n) to libcsv and move past it. */
static int feed(nz_reader *r, csv_state *s, size_t n, bool nonascii,
                nz_diag *diag)
{
    const unsigned char *t = r->in.data;
    uint64_t chars = n;
    if (nonascii) {
        int rc = check_text(r, s, t, n, &chars, diag);
        if (rc)
            return rc;
    }
    bool lone_end = n == 1 && (t[0] == '\r' || t[0] == '\n');
    if (!s->in_row && !lone_end) {
        s->in_row = true;
        s->row_pos = here(r, s);
        s->at_field_start = true;
    }
    if (s->in_row && s->at_field_start) {
        s->field_pos = here(r, s);
        s->field_quoted = t[0] == '"';
        s->at_field_start = false;
    }
    size_t before = s->nfields;
    /* libcsv grows its field buffer blk_size bytes at a time (128 by
     * default): steps as large as the buffer already is make a huge field
     * cost O(log n) reallocations instead of O(n), which were quadratic
     * copying where realloc always moves (ASan, valgrind: minutes for a
     * quote left open over 30 MB of lines). */
    if (s->parser.entry_size > s->parser.blk_size)
        csv_set_blk_size(&s->parser, s->parser.entry_size);
    if (csv_parse(&s->parser, t, n, on_field, on_row, s) != n ||
        s->cb_nomem)
        return parser_error(r, s, diag);
    if (s->nfields > before)
        s->at_field_start = true;
    /* CR LF, LF and a lone CR each end a line (CR LF arrives as the
     * segments "...\r" and "\n"). */
    if (t[n - 1] == '\r' || (t[n - 1] == '\n' && !(n == 1 && s->after_cr))) {
        s->line++;
        s->col = 1;
    } else if (t[n - 1] != '\n') {
        s->col += chars;
    }
    s->after_cr = t[n - 1] == '\r';
    nz_input_consume(&r->in, n);
    return 0;
}

static int too_big(nz_reader *r, csv_state *s, nz_diag *diag)
{
    nz_position p = s->in_row ? s->row_pos : here(r, s);
    /* The field being read (or about to be) is a quoted one. */
    bool open_quote = s->in_row && (s->at_field_start
                                        ? r->in.len > 0 && r->in.data[0] == '"'
                                        : s->field_quoted);
    return fail(r, s, diag, NZ_ETOOBIG, &p,
                "row larger than the limit of %zu bytes (max-record-size)%s",
                r->opts.max_record_bytes,
                open_quote ? "; is a quote left open in the field that "
                             "starts here?"
                           : "");
}

static void skip_bom(nz_reader *r, csv_state *s, nz_diag *diag, int *rc)
{
    *rc = 0;
    while (r->in.len < 3 && !r->in.eof && *rc == 0)
        *rc = read_more(r, s, diag);
    if (*rc == 0 && r->in.len >= 3 &&
        memcmp(r->in.data, "\xEF\xBB\xBF", 3) == 0)
        nz_input_consume(&r->in, 3);
    s->bom_checked = true;
}

/* The end of the input: let libcsv finish the last row. */
static int finish_input(nz_reader *r, csv_state *s, json_t **out,
                        nz_diag *diag)
{
    s->finished = true;
    /* libcsv reports an open quote at the end only in its strict mode
     * (CSV_STRICT_FINI needs CSV_STRICT), which would also refuse quotes
     * inside unquoted fields: look at its state instead. */
    if (s->parser.quoted && s->parser.pstate == LIBCSV_FIELD_BEGUN)
        return fail(r, s, diag, NZ_ESYNTAX, &s->field_pos,
                    "unterminated quoted field: the quote opened here is "
                    "never closed");
    if (csv_fini(&s->parser, on_field, on_row, s) != 0)
        return parser_error(r, s, diag);
    if (s->cb_nomem)
        return parser_error(r, s, diag);
    if (!s->row_done)
        return 0;
    s->row_done = false;
    s->in_row = false;
    int rc = finish_row(r, s, out, diag);
    return rc;
}

static int csv_next(nz_reader *r, json_t **out, nz_diag *diag)
{
    csv_state *s = r->state;
    if (s->failed)
        return nz_diag_set(diag, NZ_ESTATE, r->source, NULL,
                           "reading stopped at an earlier error");
    s->nfields = 0;
    s->buf_len = 0;
    s->have_record = false;
    if (!s->bom_checked) {
        int rc;
        skip_bom(r, s, diag, &rc);
        if (rc)
            return rc;
    }
    for (;;) {
        if (s->finished)
            return 0;
        const unsigned char *t = r->in.data;
        size_t len = r->in.len;
        size_t i = s->scan_from;
        bool nonascii = s->scan_nonascii;
        while (i < len) {
            unsigned char c = s->cls[t[i]];
            if (c == ENDS_SEGMENT)
                break;
            nonascii |= c == NEEDS_CHECK;
            i++;
        }
        size_t n;
        if (i < len) {
            n = i + 1;
        } else if (!r->in.eof) {
            uint64_t start = s->in_row ? s->row_pos.offset : r->in.offset;
            if (r->in.offset + len - start > r->opts.max_record_bytes)
                return too_big(r, s, diag);
            s->scan_from = len;
            s->scan_nonascii = nonascii;
            int rc = read_more(r, s, diag);
            if (rc)
                return rc;
            continue;
        } else if (len > 0) {
            n = len;
        } else {
            int rc = finish_input(r, s, out, diag);
            if (rc == 0 && !s->finished)
                continue;
            return rc;
        }
        s->scan_from = 0;
        s->scan_nonascii = false;
        if (s->in_row &&
            r->in.offset + n - s->row_pos.offset > r->opts.max_record_bytes)
            return too_big(r, s, diag);
        int rc = feed(r, s, n, nonascii, diag);
        if (rc)
            return rc;
        if (s->row_done) {
            s->row_done = false;
            s->in_row = false;
            rc = finish_row(r, s, out, diag);
            if (rc != 0)
                return rc;
            s->nfields = 0;
            s->buf_len = 0;
        }
    }
}

/* ---- locate -------------------------------------------------------------- */

/* Decode the next reference token of pointer p into buf; returns the rest
 * of the pointer, or NULL when the token does not fit. */
static const char *next_token(const char *p, char *buf, size_t size,
                              size_t *len)
{
    size_t o = 0;
    p++; /* the '/' */
    while (*p && *p != '/') {
        char c = *p++;
        if (c == '~' && (*p == '0' || *p == '1'))
            c = *p++ == '0' ? '~' : '/';
        if (o + 1 >= size)
            return NULL;
        buf[o++] = c;
    }
    buf[o] = '\0';
    *len = o;
    return p;
}

static int csv_locate(const nz_reader *r, const char *pointer,
                      nz_position *out)
{
    const csv_state *s = r->state;
    if (!s->have_record)
        return NZ_ENOTFOUND;
    if (pointer[0] == '\0') {
        *out = s->row_pos;
        return NZ_OK;
    }
    if (pointer[0] != '/')
        return NZ_EINVAL;
    char key[1024];
    size_t len;
    const char *rest = next_token(pointer, key, sizeof key, &len);
    if (!rest)
        return NZ_ENOTFOUND;
    if (r->opts.csv.flags & NZ_CSV_NO_HEADER) {
        char *end;
        unsigned long long i = strtoull(key, &end, 10);
        if (*rest || len == 0 || *end || key[0] < '0' || key[0] > '9' ||
            (key[0] == '0' && len > 1) || i >= s->nfields)
            return NZ_ENOTFOUND;
        *out = s->fields[i].pos;
        return NZ_OK;
    }
    /* Nested pointers name dotted headers: /address/city is the column
     * "address.city". */
    while (*rest && (r->opts.csv.flags & NZ_CSV_UNFLATTEN)) {
        if (len + 1 >= sizeof key)
            return NZ_ENOTFOUND;
        key[len++] = '.';
        size_t more;
        rest = next_token(rest, key + len, sizeof key - len, &more);
        if (!rest)
            return NZ_ENOTFOUND;
        len += more;
    }
    if (*rest)
        return NZ_ENOTFOUND;
    for (size_t i = 0; i < s->nfields; i++) {
        char *k = record_key(s, i);
        bool same = k && strcmp(k, key) == 0;
        nz_free(k);
        if (same) {
            *out = s->fields[i].pos;
            return NZ_OK;
        }
    }
    return NZ_ENOTFOUND;
}

/* ---- open / close --------------------------------------------------------- */

static int csv_open(nz_reader *r, nz_diag *diag)
{
    nz_csv_read_options *o = &r->opts.csv;
    if (o->flags & ~(unsigned)KNOWN_CSV_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, r->source, NULL,
                           "unknown CSV reader flags 0x%x",
                           o->flags & ~(unsigned)KNOWN_CSV_FLAGS);
    unsigned char delim = (unsigned char)o->delimiter;
    if (delim == 0)
        delim = r->opts.format == NZ_FORMAT_TSV ? '\t' : ',';
    if (delim == '"' || delim == '\r' || delim == '\n' || delim >= 0x80)
        return nz_diag_set(diag, NZ_EINVAL, r->source, NULL,
                           "the CSV delimiter must be one ASCII character "
                           "other than a quote, CR or LF (0x%02X is not)",
                           delim);
    csv_state *s = nz_zalloc(sizeof *s);
    if (!s)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL, "out of memory");
    r->state = s;
    if (csv_init(&s->parser, 0) != 0)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL, "out of memory");
    csv_set_delim(&s->parser, delim);
    csv_set_space_func(&s->parser, no_space);
    csv_set_realloc_func(&s->parser, nz_realloc);
    csv_set_free_func(&s->parser, nz_free);
    s->delim = delim;
    for (int c = 0x80; c < 0x100; c++)
        s->cls[c] = NEEDS_CHECK;
    s->cls[0] = NEEDS_CHECK;
    s->cls['\r'] = ENDS_SEGMENT;
    s->cls['\n'] = ENDS_SEGMENT;
    s->cls[delim] = ENDS_SEGMENT;
    s->line = 1;
    s->col = 1;
    return NZ_OK;
}

static void csv_close(nz_reader *r)
{
    csv_state *s = r->state;
    if (!s)
        return;
    csv_free(&s->parser);
    for (size_t i = 0; i < s->ncols; i++)
        nz_free(s->keys[i]);
    nz_free(s->keys);
    nz_free(s->buf);
    nz_free(s->fields);
    nz_free(s);
    r->state = NULL;
}

const nz_reader_ops nz_csv_reader_ops = {
    csv_open,
    csv_next,
    csv_locate,
    csv_close,
};
