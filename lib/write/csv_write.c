/* The CSV and TSV writer.
 *
 * Each record is flattened to dotted keys (core/flatten.h: "address.city",
 * "tags.0"); the first record's keys are the header. Fields are quoted
 * (RFC 4180: doubled quotes inside) only where needed: when they hold the
 * delimiter, a quote, CR or LF, and when a row's only field is empty (an
 * empty line would be skipped as blank). Types are not marked: null and
 * "" are both an empty field, and 12 and "12" are both 12 (CSV has no
 * types; --infer guesses them back on reading). Empty objects and arrays
 * are "{}" and "[]"; numbers are written as the JSON writer writes them.
 * Rows end in LF, as miller and most Unix tools write them.
 *
 * A later record with other keys is an error (NZ_EUNREPRESENTABLE, naming
 * the key), or with NZ_CSV_FILL: missing fields are empty, extra keys are
 * dropped.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/flatten.h"
#include "core/utf8.h"
#include "normalize/error.h"
#include "normalize/read.h"
#include "write/json_number.h"
#include "write/writer_impl.h"

#define KNOWN_CSV_WRITE_FLAGS (NZ_CSV_FILL | NZ_CSV_OMIT_HEADER)

typedef struct csv_writer {
    nz_flat flat;
    char **header;
    size_t ncols;
    bool have_header;
    size_t *slot; /* slot[c]: leaf of column c in this record, or SIZE_MAX */
    unsigned char delim;
    unsigned flags;
    bool sort;
    uint64_t dropped; /* NZ_CSV_FILL: keys dropped so far */
} csv_writer;

static int csv_check(const nz_write_options *o, nz_diag *diag)
{
    if (o->flags & ~(unsigned)NZ_WRITE_SORT_KEYS)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "write flags 0x%x do not apply to %s output "
                           "(only NZ_WRITE_SORT_KEYS does)",
                           o->flags & ~(unsigned)NZ_WRITE_SORT_KEYS,
                           nz_format_name(o->format));
    if (o->indent != 0)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "%s output has no indentation (indent %d)",
                           nz_format_name(o->format), o->indent);
    if (o->csv.flags & ~(unsigned)KNOWN_CSV_WRITE_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "unknown CSV writer flags 0x%x",
                           o->csv.flags & ~(unsigned)KNOWN_CSV_WRITE_FLAGS);
    unsigned char d = (unsigned char)o->csv.delimiter;
    if (d == '"' || d == '\r' || d == '\n' || d >= 0x80)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "the CSV delimiter must be one ASCII character "
                           "other than a quote, CR or LF (0x%02X is not)",
                           d);
    return NZ_OK;
}

static int csv_wopen(nz_writer *w, const nz_write_options *o, nz_diag *diag)
{
    csv_writer *s = nz_zalloc(sizeof *s);
    if (!s)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                           "out of memory opening a writer");
    nz_flat_init(&s->flat);
    s->delim = (unsigned char)o->csv.delimiter;
    if (s->delim == 0)
        s->delim = o->format == NZ_FORMAT_TSV ? '\t' : ',';
    s->flags = o->csv.flags;
    s->sort = (o->flags & NZ_WRITE_SORT_KEYS) != 0;
    w->state = s;
    return NZ_OK;
}

/* JSON Pointer of a dotted key, for diagnostics: "a.b" -> "/a/b". */
static void pointer_of(const char *key, char *buf, size_t size)
{
    size_t o = 0;
    if (size < 2)
        return;
    buf[o++] = '/';
    for (const char *c = key; *c && o + 3 < size; c++) {
        if (*c == '.') {
            buf[o++] = '/';
        } else if (*c == '~' || *c == '/') {
            buf[o++] = '~';
            buf[o++] = *c == '~' ? '0' : '1';
        } else {
            buf[o++] = *c;
        }
    }
    buf[o] = '\0';
}

static int unrepresentable(const char *key, nz_diag *diag, const char *fmt,
                           uint64_t record) NZ_PRINTF(3, 0);

static int unrepresentable(const char *key, nz_diag *diag, const char *fmt,
                           uint64_t record)
{
    char ptr[NZ_DIAG_PATH_MAX];
    pointer_of(key, ptr, sizeof ptr);
    nz_diag_set(diag, NZ_EUNREPRESENTABLE, "<output>", NULL, fmt,
                (unsigned long long)record, key);
    nz_diag_set_path(diag, ptr);
    return NZ_EUNREPRESENTABLE;
}

/* Write text t[0, n) as one field, quoted when it must be. alone: the
 * row's only field (quoted when empty). first: the first bytes of the
 * output, where a leading U+FEFF would be read as a byte order mark. */
static int put_field(nz_output *out, const csv_writer *s, const char *t,
                     size_t n, bool alone, bool first)
{
    bool quote = (alone && n == 0) ||
                 (first && n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0);
    bool check_utf8 = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == s->delim || c == '"' || c == '\r' || c == '\n')
            quote = true;
        else if (c == 0)
            return NZ_ENUL;
        else if (c >= 0x80)
            check_utf8 = true;
    }
    if (check_utf8 &&
        nz_utf8_first_invalid((const unsigned char *)t, n) != n)
        return NZ_EUTF8;
    if (!quote)
        return nz_output_put(out, t, n);
    nz_output_putc(out, '"');
    const char *q;
    while ((q = memchr(t, '"', n)) != NULL) {
        size_t k = (size_t)(q - t) + 1;
        nz_output_put(out, t, k);
        nz_output_putc(out, '"');
        t += k;
        n -= k;
    }
    nz_output_put(out, t, n);
    return nz_output_putc(out, '"');
}

static int put_value(nz_output *out, const csv_writer *s, const json_t *v,
                     bool first)
{
    char num[NZ_JSON_NUMBER_MAX];
    switch (json_typeof(v)) {
    case JSON_STRING:
        return put_field(out, s, json_string_value(v), json_string_length(v),
                         s->ncols == 1, first);
    case JSON_INTEGER:
        return nz_output_put(out, num,
                             nz_print_integer(num, json_integer_value(v)));
    case JSON_REAL: {
        size_t n = nz_print_real(num, json_real_value(v));
        return n ? nz_output_put(out, num, n) : NZ_EUNREPRESENTABLE;
    }
    case JSON_TRUE:
        return nz_output_put(out, "true", 4);
    case JSON_FALSE:
        return nz_output_put(out, "false", 5);
    case JSON_NULL:
        return s->ncols == 1 ? nz_output_put(out, "\"\"", 2) : 0;
    case JSON_OBJECT:
        return nz_output_put(out, "{}", 2); /* only empty ones are leaves */
    case JSON_ARRAY:
        return nz_output_put(out, "[]", 2);
    }
    return 0;
}

static int value_error(int rc, const char *key, uint64_t record,
                       nz_diag *diag)
{
    if (rc == NZ_ENUL)
        return unrepresentable(key, diag,
                               "record %llu: \"%s\" holds a NUL character, "
                               "which CSV cannot carry",
                               record);
    if (rc == NZ_EUTF8)
        return unrepresentable(key, diag,
                               "record %llu: \"%s\" is not valid UTF-8",
                               record);
    return unrepresentable(key, diag,
                           "record %llu: \"%s\" is not a finite number",
                           record);
}

static void free_header(csv_writer *s)
{
    for (size_t i = 0; i < s->ncols; i++)
        nz_free(s->header[i]);
    nz_free(s->header);
    nz_free(s->slot);
    s->header = NULL;
    s->slot = NULL;
    s->ncols = 0;
    s->have_header = false;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A column name that two of the header's n names share, or NULL; sets
 * *oom instead when the sorting copy cannot be made. */
static const char *duplicate_column(char *const *header, size_t n, bool *oom)
{
    *oom = false;
    if (n < 2)
        return NULL;
    char **sorted = nz_alloc(n * sizeof *sorted);
    if (!sorted) {
        *oom = true;
        return NULL;
    }
    memcpy(sorted, header, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_strp);
    const char *dup = NULL;
    for (size_t i = 1; i < n && !dup; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0)
            dup = sorted[i];
    nz_free(sorted);
    return dup;
}

/* Two leaves of one record flattened to one column name: writing both
 * would make two columns that read back as x and x_2 (or as one nested
 * value), so the record is refused. */
static int same_column_twice(const char *key, uint64_t record, nz_diag *diag)
{
    return unrepresentable(key, diag,
                           "record %llu has two fields that flatten to the "
                           "column \"%s\" (a key with '.' beside a nested "
                           "one): CSV cannot keep both",
                           record);
}

/* The first record's keys become the header (written unless omitted).
 * record: its number, for messages. */
static int take_header(nz_writer *w, csv_writer *s, uint64_t record,
                       nz_diag *diag)
{
    size_t n = s->flat.count;
    s->header = nz_zalloc(n * sizeof *s->header);
    s->slot = nz_alloc(n * sizeof *s->slot);
    if (!s->header || !s->slot) {
        free_header(s);
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        s->header[i] = nz_strdup(nz_flat_key(&s->flat, i));
        if (!s->header[i]) {
            s->ncols = i;
            free_header(s);
            return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
        }
        s->slot[i] = i;
    }
    s->ncols = n;
    bool oom;
    const char *dup = duplicate_column(s->header, n, &oom);
    if (oom || dup) {
        int rc = oom ? nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                                   "out of memory")
                     : same_column_twice(dup, record, diag);
        free_header(s);
        return rc;
    }
    s->have_header = true;
    if (s->flags & NZ_CSV_OMIT_HEADER)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            nz_output_putc(&w->out, (char)s->delim);
        const char *k = s->header[i];
        int rc = put_field(&w->out, s, k, strlen(k), n == 1, i == 0);
        if (rc < 0 && w->out.err)
            return rc;
        if (rc < 0) {
            value_error(rc, k, 1, diag);
            free_header(s);
            return NZ_EUNREPRESENTABLE;
        }
    }
    return nz_output_putc(&w->out, '\n');
}

/* The JSON Pointer of a flattened column ("address.city" ->
 * "/address/city"), for warnings that point at the value. */
static void column_pointer(const char *column, char *out, size_t size)
{
    size_t o = 0;
    if (size < 2)
        return;
    out[o++] = '/';
    for (const char *c = column; *c && o + 3 < size; c++) {
        if (*c == '.') {
            out[o++] = '/';
        } else if (*c == '~' || *c == '/') {
            out[o++] = '~';
            out[o++] = *c == '~' ? '0' : '1';
        } else {
            out[o++] = *c;
        }
    }
    out[o] = '\0';
}

/* Match this record's leaves to the header columns (s->slot). */
static int match_header(nz_writer *w, csv_writer *s, uint64_t record,
                        nz_diag *diag)
{
    const nz_flat *f = &s->flat;
    bool same = f->count == s->ncols;
    for (size_t i = 0; same && i < s->ncols; i++)
        same = strcmp(s->header[i], nz_flat_key(f, i)) == 0;
    if (same) {
        for (size_t i = 0; i < s->ncols; i++)
            s->slot[i] = i;
        return 0;
    }
    bool fill = (s->flags & NZ_CSV_FILL) != 0;
    size_t matched = 0;
    for (size_t c = 0; c < s->ncols; c++) {
        s->slot[c] = SIZE_MAX;
        for (size_t i = 0; i < f->count; i++)
            if (strcmp(s->header[c], nz_flat_key(f, i)) == 0) {
                s->slot[c] = i;
                matched++;
                break;
            }
        if (s->slot[c] == SIZE_MAX && !fill)
            return unrepresentable(s->header[c], diag,
                                   "record %llu has no \"%s\", which the "
                                   "header (from the first record) has; "
                                   "fill mode writes an empty field",
                                   record);
        if (s->slot[c] == SIZE_MAX) {
            char path[NZ_DIAG_PATH_MAX];
            column_pointer(s->header[c], path, sizeof path);
            if (nz_writer_warn(w, path, "record %llu has no \"%s\": wrote "
                               "an empty field (--fill)",
                               (unsigned long long)record, s->header[c]))
                return NZ_ENOMEM;
        }
    }
    if (matched == f->count)
        return 0;
    for (size_t i = 0; i < f->count; i++) {
        bool known = false;
        for (size_t c = 0; c < s->ncols && !known; c++)
            known = s->slot[c] == i;
        if (known)
            continue;
        /* Not matched yet the header has its name: a second leaf of the
         * same name (matching takes each column's first). */
        for (size_t c = 0; c < s->ncols; c++)
            if (strcmp(s->header[c], nz_flat_key(f, i)) == 0)
                return same_column_twice(nz_flat_key(f, i), record, diag);
        if (!fill)
            return unrepresentable(nz_flat_key(f, i), diag,
                                   "record %llu has \"%s\", which is not in "
                                   "the header (from the first record); "
                                   "fill mode drops it",
                                   record);
        char path[NZ_DIAG_PATH_MAX];
        column_pointer(nz_flat_key(f, i), path, sizeof path);
        if (nz_writer_warn(w, path, "record %llu has \"%s\", which is not "
                           "in the header: dropped it (--fill)",
                           (unsigned long long)record, nz_flat_key(f, i)))
            return NZ_ENOMEM;
        s->dropped++;
    }
    return 0;
}

static int csv_wwrite(nz_writer *w, const json_t *record, nz_diag *diag)
{
    csv_writer *s = w->state;
    uint64_t number = w->records + 1;
    if (!json_is_object(record) && !json_is_array(record))
        return nz_diag_set(diag, NZ_EUNREPRESENTABLE, "<output>", NULL,
                           "record %llu is a %s: a CSV row needs an object "
                           "or an array",
                           (unsigned long long)number,
                           json_is_string(record)   ? "string"
                           : json_is_number(record) ? "number"
                           : json_is_null(record)   ? "null"
                                                    : "boolean");
    int rc = nz_flatten(&s->flat, record, s->sort, NZ_READ_JSON_DEPTH_LIMIT);
    if (rc == NZ_EDEPTH)
        return nz_diag_set(diag, NZ_EDEPTH, "<output>", NULL,
                           "record %llu nests deeper than %d levels",
                           (unsigned long long)number,
                           NZ_READ_JSON_DEPTH_LIMIT);
    if (rc == NZ_ENUL)
        return unrepresentable(s->flat.nul_key, diag,
                               "record %llu: the key \"%s\" holds a NUL "
                               "character, which CSV cannot carry",
                               number);
    if (rc)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
    bool first = !s->have_header;
    if (first && s->flat.count == 0)
        return nz_diag_set(diag, NZ_EUNREPRESENTABLE, "<output>", NULL,
                           "record 1 is empty: the first record gives the "
                           "CSV header, so it needs at least one field");
    if (first) {
        rc = take_header(w, s, number, diag);
        if (rc < 0)
            return rc;
    } else {
        rc = match_header(w, s, number, diag);
        if (rc < 0)
            return rc;
    }
    for (size_t c = 0; c < s->ncols; c++) {
        if (c)
            nz_output_putc(&w->out, (char)s->delim);
        if (s->slot[c] == SIZE_MAX) {
            if (s->ncols == 1)
                nz_output_put(&w->out, "\"\"", 2);
            continue;
        }
        bool at_start = first && c == 0 && (s->flags & NZ_CSV_OMIT_HEADER);
        rc = put_value(&w->out, s, s->flat.leaves[s->slot[c]], at_start);
        if (rc < 0 && w->out.err)
            return rc; /* the sink failed: writer.c reports it */
        if (rc < 0) {
            rc = value_error(rc, s->header[c], number, diag);
            if (first)
                free_header(s); /* the header goes back with the record */
            return rc;
        }
    }
    return nz_output_putc(&w->out, '\n');
}

static void csv_wclose(nz_writer *w)
{
    csv_writer *s = w->state;
    if (!s)
        return;
    free_header(s);
    nz_flat_free(&s->flat);
    nz_free(s);
    w->state = NULL;
}

const nz_writer_ops nz_csv_writer_ops = {
    csv_check, csv_wopen, csv_wwrite, NULL, csv_wclose,
};
