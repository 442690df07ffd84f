/* The JSON reader: NZ_FORMAT_JSON (one or more concatenated values),
 * NZ_FORMAT_NDJSON (one value per line) and NZ_FORMAT_JSON_SEQ (RFC 7464).
 *
 * Framing (finding each record's bytes) is ours; parsing is jansson's,
 * handed exactly one record at a time. Positions are never tracked per
 * node: the record's text stays in the input window until the next call,
 * and nz_reader_locate() / error reporting re-scan it when asked.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/utf8.h"
#include "normalize/error.h"
#include "read/json_frame.h"
#include "read/json_locate.h"
#include "read/json_scan.h"
#include "read/reader_impl.h"

#define RS 0x1E /* RFC 7464 record separator */

typedef struct json_state {
    nz_json_frame frame;  /* NZ_FORMAT_JSON framing                 */
    size_t jansson_flags;
    /* Position of the first byte of the input window. */
    uint64_t line;        /* 1-based                                */
    uint64_t col;         /* characters before it on its line       */
    /* Bytes of the window that belong to the record last returned (or
     * rejected); consumed at the start of the next call. */
    size_t pending;
    bool pending_is_line; /* pending ends with the line's '\n'      */
    size_t search_from;   /* NDJSON/seq: separator search resumes   */
    bool skipping;        /* discarding the rest of an over-long record */
    bool bom_checked;
    bool failed;          /* NZ_FORMAT_JSON: an error ended the input */
    size_t values_seen;
    /* The record last returned, for locate: window-relative. */
    bool have_record;
    size_t rec_off;
    size_t rec_len;
} json_state;

/* ---- positions ---------------------------------------------------- */

/* Position of window byte x, counted from the window start. */
static nz_position position_at(const nz_reader *r, const json_state *s,
                               size_t x)
{
    const unsigned char *t = r->in.data;
    nz_position p = {s->line, s->col + 1, r->in.offset + x};
    size_t line_start = 0;
    const unsigned char *nl;
    while ((nl = memchr(t + line_start, '\n', x - line_start)) != NULL) {
        p.line++;
        line_start = (size_t)(nl - t) + 1;
    }
    uint64_t chars = nz_utf8_count(t + line_start, x - line_start);
    p.column = (line_start == 0 ? s->col : 0) + chars + 1;
    return p;
}

/* Consume n window bytes, keeping the line/column count right. */
static void consume(nz_reader *r, json_state *s, size_t n)
{
    const unsigned char *t = r->in.data;
    size_t line_start = 0;
    bool newline = false;
    const unsigned char *nl;
    while ((nl = memchr(t + line_start, '\n', n - line_start)) != NULL) {
        s->line++;
        newline = true;
        line_start = (size_t)(nl - t) + 1;
    }
    uint64_t chars = nz_utf8_count(t + line_start, n - line_start);
    s->col = newline ? chars : s->col + chars;
    nz_input_consume(&r->in, n);
}

/* Consume one whole line whose '\n' is its last byte (NDJSON fast path). */
static void consume_line(nz_reader *r, json_state *s, size_t n)
{
    s->line++;
    s->col = 0;
    nz_input_consume(&r->in, n);
}

static void consume_pending(nz_reader *r, json_state *s)
{
    if (s->pending) {
        if (s->pending_is_line)
            consume_line(r, s, s->pending);
        else
            consume(r, s, s->pending);
    }
    s->pending = 0;
    s->pending_is_line = false;
    s->have_record = false;
    nz_json_frame_reset(&s->frame);
}

/* ---- diagnostics ---------------------------------------------------- */

/* Copy a piece of source text into a message: at most max bytes, control
 * characters and broken UTF-8 shown as '?'. */
static void quote_source(char *dst, size_t size, const unsigned char *t,
                         size_t len, size_t max)
{
    size_t o = 0, i = 0;
    bool cut = len > max;
    if (cut) { /* cut before a character, not inside it */
        len = max;
        while (len > 0 && (t[len] & 0xC0) == 0x80)
            len--;
    }
    while (i < len && o + 5 < size) {
        uint32_t cp;
        size_t n = nz_utf8_decode(t + i, len - i, &cp);
        if (n == 0 || cp < 0x20 || cp == 0x7F) {
            dst[o++] = '?';
            i += n ? n : 1;
            continue;
        }
        memcpy(dst + o, t + i, n);
        o += n;
        i += n;
    }
    if (cut && o + 4 < size) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

static int fail_at(nz_reader *r, json_state *s, nz_diag *diag, int code,
                   size_t x, const char *fmt, ...) NZ_PRINTF(6, 7);

static int fail_at(nz_reader *r, json_state *s, nz_diag *diag, int code,
                   size_t x, const char *fmt, ...)
{
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    nz_position p = position_at(r, s, x);
    return nz_diag_set(diag, code, r->source, &p, "%s", text);
}

static int fail_depth(nz_reader *r, json_state *s, nz_diag *diag, size_t x)
{
    return fail_at(r, s, diag, NZ_EDEPTH, x,
                   "nesting deeper than the limit of %zu levels (max-depth)",
                   r->opts.max_depth);
}

static int fail_big(nz_reader *r, json_state *s, nz_diag *diag, size_t x)
{
    return fail_at(r, s, diag, NZ_ETOOBIG, x,
                   "record larger than the limit of %zu bytes "
                   "(max-record-size)",
                   r->opts.max_record_bytes);
}

/* Where a duplicate key was first defined: the earlier member of the same
 * object with the same (decoded) name. */
static size_t first_definition(const unsigned char *t, size_t len,
                               size_t dup_start, size_t dup_end)
{
    size_t object = nz_json_enclosing(t, len, dup_start);
    if (object == (size_t)-1 || t[object] != '{')
        return (size_t)-1;
    json_error_t e;
    json_t *key = json_loadb((const char *)t + dup_start, dup_end - dup_start,
                             JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!key)
        return (size_t)-1;
    size_t found = (size_t)-1;
    size_t i = nz_json_skip_ws(t, len, object + 1);
    while (i < dup_start && t[i] == '"') {
        size_t key_end = nz_json_skip_string(t, len, i);
        if (nz_json_string_equals(t, i, key_end, json_string_value(key),
                                  json_string_length(key))) {
            found = i;
            break;
        }
        i = nz_json_skip_ws(t, len, key_end);
        if (i >= len || t[i] != ':')
            break;
        i = nz_json_skip_ws(t, len, nz_json_skip_value(t, len, i + 1));
        if (i >= len || t[i] != ',')
            break;
        i = nz_json_skip_ws(t, len, i + 1);
    }
    json_decref(key);
    return found;
}

/* In a string token that jansson rejected for a bad \u escape, the escape
 * itself: the first \uD800-\uDFFF that is not a proper pair. */
static size_t bad_unicode_escape(const unsigned char *t, size_t start,
                                 size_t end)
{
    for (size_t i = start + 1; i + 5 < end; i++) {
        if (t[i] != '\\')
            continue;
        if (t[i + 1] != 'u') {
            i++;
            continue;
        }
        char hex[5] = {(char)t[i + 2], (char)t[i + 3], (char)t[i + 4],
                       (char)t[i + 5], 0};
        unsigned long cp = strtoul(hex, NULL, 16);
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return i;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            bool paired = i + 11 < end && t[i + 6] == '\\' && t[i + 7] == 'u';
            if (paired) {
                char lo[5] = {(char)t[i + 8], (char)t[i + 9], (char)t[i + 10],
                              (char)t[i + 11], 0};
                unsigned long low = strtoul(lo, NULL, 16);
                paired = low >= 0xDC00 && low <= 0xDFFF;
            }
            if (!paired)
                return i;
            i += 6;
        }
    }
    return start;
}

/* What a record's end is called, for "unexpected end of ...". */
static const char *end_of_what(nz_format format)
{
    switch (format) {
    case NZ_FORMAT_NDJSON:
        return "line";
    case NZ_FORMAT_JSON_SEQ:
        return "sequence element";
    default:
        return "input";
    }
}

/* What was still missing when the record ended: jansson's "']' expected
 * near end of file" without the "near end of file" (which is wrong for
 * a line), or what kind of token was cut short. */
static const char *missing_at_end(const unsigned char *t, size_t len,
                                  const char *jansson_text, char *buf,
                                  size_t size)
{
    static const char tail[] = " near end of file";
    size_t n = strlen(jansson_text);
    if (n > sizeof tail - 1 &&
        strcmp(jansson_text + n - (sizeof tail - 1), tail) == 0) {
        quote_source(buf, size, (const unsigned char *)jansson_text,
                     n - (sizeof tail - 1), 100);
        return buf;
    }
    size_t last = nz_json_token_start(t, len, len > 0 ? len - 1 : 0);
    if (last < len && t[last] == '"')
        return "unterminated string";
    return "incomplete value";
}

/* A control character inside the string token t[start, stop). */
static size_t first_control(const unsigned char *t, size_t start, size_t stop)
{
    for (size_t i = start; i < stop; i++)
        if (t[i] < 0x20)
            return i;
    return start;
}

/* Bytes that are valid elsewhere but not here deserve a better word than
 * "invalid token": they usually mean the wrong format was chosen. */
static const char *stray_byte_hint(const unsigned char *t, size_t len,
                                   nz_format format)
{
    if (len > 0 && t[0] == RS)
        return format == NZ_FORMAT_JSON_SEQ
                   ? "record separator (RS, 0x1E) inside a sequence element"
                   : "record separator (RS, 0x1E) in input: this looks like "
                     "a JSON text sequence (read it as json-seq)";
    if (len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
        return "byte order mark (U+FEFF) in the middle of the input: only "
               "the start of a file may have one";
    return NULL;
}

/* Turn jansson's complaint about record t[0, len) (at window offset base)
 * into a diagnostic that points at the exact byte. */
static int parse_error(nz_reader *r, json_state *s, nz_diag *diag,
                       size_t base, size_t len, const json_error_t *e)
{
    const unsigned char *t = r->in.data + base;
    size_t end = e->position > 0 ? (size_t)e->position : 0;
    if (end > len)
        end = len;
    size_t at = end > 0 ? end - 1 : 0; /* the last byte jansson read */
    char quoted[160];

    /* Bytes no JSON text may hold are named as such, wherever jansson
     * happened to notice them. */
    const unsigned char *nul = memchr(t, 0, end < len ? end + 1 : len);
    if (nul)
        return fail_at(r, s, diag, NZ_ENUL, base + (size_t)(nul - t),
                       "NUL byte (0x00) in input");
    /* jansson fills the text of every error it finds in the input; an
     * empty one comes from an allocation that failed inside jansson (2.14
     * reports those as json_error_unknown or invalid_syntax). */
    if (e->text[0] == '\0')
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                           "out of memory while parsing a record");
    switch (json_error_code(e)) {
    case json_error_invalid_utf8: {
        size_t bad = nz_utf8_first_invalid(t, len);
        char byte[8];
        snprintf(byte, sizeof byte, "0x%02X", bad < len ? t[bad] : 0);
        return fail_at(r, s, diag, NZ_EUTF8, base + (bad < len ? bad : at),
                       "invalid UTF-8: byte %s is not part of a valid "
                       "character", byte);
    }
    case json_error_premature_end_of_input:
        return fail_at(r, s, diag, NZ_ESYNTAX, base + len,
                       "invalid JSON: unexpected end of %s (%s)",
                       end_of_what(r->opts.format),
                       missing_at_end(t, len, e->text, quoted, sizeof quoted));
    case json_error_duplicate_key: {
        size_t start = nz_json_token_start(t, len, at);
        size_t stop = nz_json_skip_string(t, len, start);
        quote_source(quoted, sizeof quoted, t + start, stop - start, 100);
        size_t first = first_definition(t, len, start, stop);
        char msg[400];
        if (first != (size_t)-1) {
            nz_position p = position_at(r, s, base + first);
            snprintf(msg, sizeof msg,
                     "duplicate object key %s (first defined at line %" PRIu64
                     ", column %" PRIu64 ")",
                     quoted, p.line, p.column);
        } else {
            snprintf(msg, sizeof msg, "duplicate object key %s", quoted);
        }
        return fail_at(r, s, diag, NZ_EDUPKEY, base + start, "%s", msg);
    }
    case json_error_numeric_overflow: {
        size_t start = nz_json_token_start(t, len, at);
        size_t stop = nz_json_token_end(t, len, start);
        quote_source(quoted, sizeof quoted, t + start, stop - start, 60);
        bool real = memchr(t + start, '.', stop - start) ||
                    memchr(t + start, 'e', stop - start) ||
                    memchr(t + start, 'E', stop - start);
        return fail_at(r, s, diag, NZ_ERANGE, base + start,
                       real ? "number %s is out of the range of a double"
                            : "integer %s is outside the signed 64-bit range",
                       quoted);
    }
    case json_error_stack_overflow:
        return fail_depth(r, s, diag, base + nz_json_token_start(t, len, at));
    case json_error_out_of_memory:
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                           "out of memory while parsing a record");
    case json_error_end_of_input_expected: {
        size_t start = nz_json_token_start(t, len, at);
        return fail_at(r, s, diag, NZ_ESYNTAX, base + start, "%s",
                       r->opts.format == NZ_FORMAT_NDJSON
                           ? "unexpected data after the value: NDJSON holds "
                             "one JSON value per line"
                           : "unexpected data after the value in this "
                             "sequence element");
    }
    default:
        break;
    }
    /* Syntax errors: point at the start of the offending token, or, for a
     * fault inside a string, at the offending character itself. */
    size_t start = nz_json_token_start(t, len, at);
    size_t where = start;
    if (start < len && t[start] == '"') {
        size_t stop = nz_json_skip_string(t, len, start);
        if (strncmp(e->text, "invalid Unicode", 15) == 0)
            where = bad_unicode_escape(t, start, stop);
        else if (strncmp(e->text, "invalid escape", 14) == 0)
            where = (at > 0 && t[at - 1] == '\\') ? at - 1 : at;
        else if (strncmp(e->text, "control character", 17) == 0)
            where = first_control(t, start, stop);
    }
    const char *hint = stray_byte_hint(t + where, len - where, r->opts.format);
    if (hint)
        return fail_at(r, s, diag, NZ_ESYNTAX, base + where, "%s", hint);
    quote_source(quoted, sizeof quoted, (const unsigned char *)e->text,
                 strlen(e->text), 150);
    return fail_at(r, s, diag, NZ_ESYNTAX, base + where, "invalid JSON: %s",
                   quoted);
}

/* Parse window bytes [off, off + len) as one JSON text. */
static int parse(nz_reader *r, json_state *s, size_t off, size_t len,
                 json_t **out, nz_diag *diag)
{
    json_error_t e;
    json_t *v = json_loadb((const char *)r->in.data + off, len,
                           s->jansson_flags, &e);
    if (!v)
        return parse_error(r, s, diag, off, len, &e);
    *out = v;
    s->have_record = true;
    s->rec_off = off;
    s->rec_len = len;
    s->values_seen++;
    return 1;
}

/* ---- input handling shared by the three framings -------------------- */

static int read_more(nz_reader *r, nz_diag *diag, long *got)
{
    *got = nz_input_more(&r->in);
    if (*got >= 0)
        return 0;
    if (*got == NZ_ENOMEM)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                           "out of memory while reading input");
    return nz_diag_set(diag, NZ_EIO, r->source, NULL, "cannot read: %s",
                       strerror(r->in.read_errno));
}

/* A UTF-8 byte order mark at the very start is not part of the data. */
static int skip_bom(nz_reader *r, json_state *s, nz_diag *diag)
{
    while (r->in.len < 3 && !r->in.eof) {
        long got;
        int rc = read_more(r, diag, &got);
        if (rc)
            return rc;
    }
    if (r->in.len >= 3 && memcmp(r->in.data, "\xEF\xBB\xBF", 3) == 0)
        nz_input_consume(&r->in, 3);
    s->bom_checked = true;
    return 0;
}

/* ---- NZ_FORMAT_JSON: concatenated values ---------------------------- */

static int next_concatenated(nz_reader *r, json_state *s, json_t **out,
                             nz_diag *diag)
{
    if (s->failed)
        return nz_diag_set(diag, NZ_ESTATE, r->source, NULL,
                           "reading stopped at an earlier error");
    nz_json_frame *f = &s->frame;
    for (;;) {
        nz_frame_result fr = nz_json_frame_scan(f, r->in.data, r->in.len,
                                                r->in.eof);
        int rc = 0;
        switch (fr) {
        case NZ_FRAME_EMPTY:
            consume(r, s, r->in.len);
            nz_json_frame_reset(f);
            if (r->in.eof) {
                if ((r->opts.flags & NZ_READ_SINGLE_VALUE) && s->values_seen == 0) {
                    s->failed = true;
                    return fail_at(r, s, diag, NZ_ESYNTAX, 0,
                                   "empty input: expected a JSON value");
                }
                return 0;
            }
            break;
        case NZ_FRAME_MORE:
            break;
        case NZ_FRAME_DEEP:
            s->failed = true;
            return fail_depth(r, s, diag, f->deep_at);
        case NZ_FRAME_BIG:
            s->failed = true;
            return fail_big(r, s, diag, f->start);
        case NZ_FRAME_VALUE:
            if ((r->opts.flags & NZ_READ_SINGLE_VALUE) && s->values_seen > 0) {
                s->failed = true;
                return fail_at(r, s, diag, NZ_ESYNTAX, f->start,
                               "unexpected data after the JSON value "
                               "(the input must hold a single value)");
            }
            rc = parse(r, s, f->start, f->scan - f->start, out, diag);
            if (rc < 0) {
                s->failed = true;
                return rc;
            }
            s->pending = f->scan;
            return 1;
        }
        long got;
        rc = read_more(r, diag, &got);
        if (rc) {
            s->failed = true;
            return rc;
        }
    }
}

/* ---- NZ_FORMAT_NDJSON: one value per line --------------------------- */

/* Throw away the rest of an over-long line (or sequence element) without
 * holding it: returns 1 when its end was reached, 0 at end of input. */
static int skip_rest(nz_reader *r, json_state *s, unsigned char sep,
                     nz_diag *diag)
{
    for (;;) {
        const unsigned char *hit = memchr(r->in.data, sep, r->in.len);
        if (hit) {
            size_t n = (size_t)(hit - r->in.data);
            consume(r, s, sep == '\n' ? n + 1 : n);
            s->skipping = false;
            return 1;
        }
        consume(r, s, r->in.len);
        if (r->in.eof) {
            s->skipping = false;
            return 0;
        }
        long got;
        int rc = read_more(r, diag, &got);
        if (rc)
            return rc;
    }
}

/* Outcomes of find_separator() besides a negative NZ_E* code. */
enum { SEP_FOUND, SEP_END, SEP_TOO_BIG, SEP_RETRY };

/* Look for the byte that ends the current line or sequence element, from
 * window offset `from` (resuming where the last look stopped). SEP_FOUND
 * sets *at to it; SEP_END sets *at to the window end (input ended without
 * one); SEP_TOO_BIG: the record already exceeds the size limit; SEP_RETRY:
 * more input was read, look again. */
static int find_separator(nz_reader *r, json_state *s, unsigned char sep,
                          size_t from, size_t *at, nz_diag *diag)
{
    const unsigned char *t = r->in.data;
    size_t len = r->in.len;
    if (s->search_from > from)
        from = s->search_from;
    const unsigned char *hit = from < len ? memchr(t + from, sep, len - from)
                                          : NULL;
    if (hit || len > r->opts.max_record_bytes || r->in.eof) {
        s->search_from = 0;
        *at = hit ? (size_t)(hit - t) : len;
        return hit ? SEP_FOUND : r->in.eof && len <= r->opts.max_record_bytes
                                     ? SEP_END
                                     : SEP_TOO_BIG;
    }
    s->search_from = len;
    long got;
    int rc = read_more(r, diag, &got);
    return rc ? rc : SEP_RETRY;
}

static bool all_ws(const unsigned char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!nz_json_is_ws(t[i]))
            return false;
    return true;
}

static int next_line(nz_reader *r, json_state *s, json_t **out, nz_diag *diag)
{
    for (;;) {
        if (s->skipping) {
            int rc = skip_rest(r, s, '\n', diag);
            if (rc <= 0)
                return rc;
        }
        size_t line_end;
        int found = find_separator(r, s, '\n', 0, &line_end, diag);
        if (found < 0)
            return found;
        if (found == SEP_RETRY)
            continue;
        if (found == SEP_TOO_BIG) {
            s->skipping = true;
            return fail_big(r, s, diag, 0);
        }
        if (found == SEP_END && line_end == 0)
            return 0;
        const unsigned char *t = r->in.data;
        bool has_newline = found == SEP_FOUND;
        size_t taken = has_newline ? line_end + 1 : line_end;
        s->pending = taken;
        s->pending_is_line = has_newline;
        size_t text_len = line_end;
        if (text_len > 0 && t[text_len - 1] == '\r')
            text_len--;
        if (line_end > r->opts.max_record_bytes)
            return fail_big(r, s, diag, 0);
        if (all_ws(t, text_len)) {
            consume_pending(r, s);
            continue;
        }
        size_t deep = nz_json_too_deep(t, text_len, r->opts.max_depth);
        if (deep != (size_t)-1)
            return fail_depth(r, s, diag, deep);
        return parse(r, s, 0, text_len, out, diag);
    }
}

/* ---- NZ_FORMAT_JSON_SEQ: RFC 7464 ----------------------------------- */

static int next_seq_element(nz_reader *r, json_state *s, json_t **out,
                            nz_diag *diag)
{
    for (;;) {
        if (s->skipping) {
            int rc = skip_rest(r, s, RS, diag);
            if (rc <= 0)
                return rc;
        }
        const unsigned char *t = r->in.data;
        size_t len = r->in.len;
        if (len == 0 && r->in.eof)
            return 0;
        if (len > 0 && t[0] != RS) {
            /* Before the first separator only whitespace may stand. */
            size_t i = nz_json_skip_ws(t, len, 0);
            if (i < len && t[i] != RS) {
                s->skipping = true;
                consume(r, s, i);
                return fail_at(r, s, diag, NZ_ESYNTAX, 0,
                               "JSON text sequence element does not start "
                               "with the record separator (RS, 0x1E)");
            }
            consume(r, s, i);
            if (i == len && !r->in.eof) {
                long got;
                int rc = read_more(r, diag, &got);
                if (rc)
                    return rc;
            }
            continue;
        }
        size_t end;
        int found = find_separator(r, s, RS, 1, &end, diag);
        if (found < 0)
            return found;
        if (found == SEP_RETRY)
            continue;
        if (found == SEP_TOO_BIG) {
            s->skipping = true;
            consume(r, s, 1); /* past our RS, so the skip finds the next */
            return fail_big(r, s, diag, 0);
        }
        s->pending = end;
        if (end - 1 > r->opts.max_record_bytes)
            return fail_big(r, s, diag, 0);
        size_t start = nz_json_skip_ws(t, end, 1);
        size_t stop = end;
        while (stop > start && nz_json_is_ws(t[stop - 1]))
            stop--;
        if (start == stop) { /* RS RS: no element (RFC 7464 §2.1) */
            consume_pending(r, s);
            continue;
        }
        /* A number or literal cut short looks whole: RFC 7464 §2.4 asks
         * that it be followed by whitespace to count as complete. */
        unsigned char c = t[start];
        if (c != '{' && c != '[' && c != '"' && stop == end)
            return fail_at(r, s, diag, NZ_ESYNTAX, start,
                           "possibly truncated element: a number or literal "
                           "must be followed by a newline");
        size_t deep = nz_json_too_deep(t + start, stop - start,
                                       r->opts.max_depth);
        if (deep != (size_t)-1)
            return fail_depth(r, s, diag, start + deep);
        return parse(r, s, start, stop - start, out, diag);
    }
}

/* ---- the reader operations ------------------------------------------ */

static int json_open(nz_reader *r, nz_diag *diag)
{
    json_state *s = nz_zalloc(sizeof *s);
    if (!s)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL, "out of memory");
    s->line = 1;
    s->frame.max_depth = r->opts.max_depth;
    s->frame.max_bytes = r->opts.max_record_bytes;
    s->jansson_flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    if (!(r->opts.flags & NZ_READ_DUPLICATE_KEYS_LAST))
        s->jansson_flags |= JSON_REJECT_DUPLICATES;
    r->state = s;
    return NZ_OK;
}

static int json_next(nz_reader *r, json_t **out, nz_diag *diag)
{
    json_state *s = r->state;
    consume_pending(r, s);
    if (!s->bom_checked) {
        int rc = skip_bom(r, s, diag);
        if (rc)
            return rc;
    }
    switch (r->opts.format) {
    case NZ_FORMAT_NDJSON:
        return next_line(r, s, out, diag);
    case NZ_FORMAT_JSON_SEQ:
        return next_seq_element(r, s, out, diag);
    default:
        return next_concatenated(r, s, out, diag);
    }
}

static int json_locate(const nz_reader *r, const char *pointer,
                       nz_position *out)
{
    const json_state *s = r->state;
    if (!s->have_record)
        return NZ_ENOTFOUND;
    size_t at;
    int rc = nz_json_locate(r->in.data + s->rec_off, s->rec_len, pointer, &at);
    if (rc == 0)
        *out = position_at(r, s, s->rec_off + at);
    return rc;
}

static void json_close(nz_reader *r)
{
    nz_free(r->state);
    r->state = NULL;
}

const nz_reader_ops nz_json_reader_ops = {
    json_open,
    json_next,
    json_locate,
    json_close,
};
