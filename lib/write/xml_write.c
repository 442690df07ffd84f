/* The XML writer: the inverse of the reader's xmltodict mapping.
 *
 *   {"name": content}  one key: the document element <name>
 *   "@a": v            attribute a="v" (null: left out)
 *   "#text": v         the element's text, written before its children
 *   key: [v1, v2]      repeated elements <key>v1</key><key>v2</key>
 *   null, {}           empty element <key/>
 *   string, number,
 *   true/false         the element's text
 *
 * The output is always ONE well-formed UTF-8 document with an XML
 * declaration. A stream of exactly one record shaped {"name": content}
 * (a valid name, content not an array) is written as that document, so
 * XML -> JSON -> XML gives the document back. Anything else - several
 * records, a record of another shape, or xml.root_name set explicitly -
 * is wrapped: <root_name> (default "root") holding each record as
 * <record_name> (default "record") with the record as its content, the
 * inverse of reading with a record path /root_name/record_name.
 *
 * Since whether a second record follows is known only when it comes, the
 * first record is checked at once (so its errors are reported by its own
 * nz_writer_write call) and kept, copied, until the next write or finish.
 *
 * Keys that are not XML names ("1abc", "a b", "" or an unknown "#x") are
 * NZ_EUNREPRESENTABLE errors naming the JSON Pointer, as are arrays
 * directly inside arrays, objects as attribute values, and characters
 * XML 1.0 cannot hold (U+0000-U+001F other than TAB, LF, CR; U+FFFE,
 * U+FFFF).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/json_copy.h"
#include "core/output.h"
#include "normalize/error.h"
#include "normalize/read.h"
#include "write/json_number.h"
#include "write/writer_impl.h"
#include "write/xml_escape.h"

#define XML_DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define DEFAULT_ROOT "root"
#define DEFAULT_RECORD "record"
#define KNOWN_FLAGS (NZ_WRITE_ASCII)

typedef struct xml_writer {
    char *root_name;
    char *record_name;
    bool root_explicit;  /* root_name given: always wrap            */
    bool ascii;
    int indent;
    json_t *held;        /* the first record, until the second comes */
    bool started;        /* declaration and <root> are out          */
    nz_output scratch;   /* where the first record is checked       */
    char path[NZ_DIAG_PATH_MAX];
    size_t path_len;
} xml_writer;

/* ---- JSON Pointer of the value being written, for errors ----------- */

static size_t path_push(xml_writer *x, const char *token)
{
    size_t mark = x->path_len;
    size_t len = x->path_len;
    if (len + 1 < sizeof x->path)
        x->path[len++] = '/';
    for (const char *t = token; *t && len + 2 < sizeof x->path; t++) {
        if (*t == '~' || *t == '/') {
            x->path[len++] = '~';
            x->path[len++] = *t == '~' ? '0' : '1';
        } else {
            x->path[len++] = *t;
        }
    }
    x->path[len] = '\0';
    x->path_len = len;
    return mark;
}

static size_t path_push_index(xml_writer *x, size_t i)
{
    char num[24];
    snprintf(num, sizeof num, "%zu", i);
    return path_push(x, num);
}

static void path_pop(xml_writer *x, size_t mark)
{
    x->path_len = mark;
    x->path[mark] = '\0';
}

static int unrepresentable(xml_writer *x, nz_diag *diag, const char *fmt,
                           ...) NZ_PRINTF(3, 4);

static int unrepresentable(xml_writer *x, nz_diag *diag, const char *fmt,
                           ...)
{
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    nz_diag_set(diag, NZ_EUNREPRESENTABLE, "<output>", NULL, "%s", text);
    nz_diag_set_path(diag, x->path);
    return NZ_EUNREPRESENTABLE;
}

/* ---- values ----------------------------------------------------------- */

static int put_text(xml_writer *x, nz_output *out, const char *s, size_t n,
                    bool attr, nz_diag *diag)
{
    uint32_t bad = 0;
    switch (nz_xml_put_escaped(out, s, n, attr, x->ascii, &bad)) {
    case NZ_XML_ESCAPE_OK:
        return NZ_OK;
    case NZ_XML_ESCAPE_BAD_UTF8:
        return unrepresentable(x, diag, "string is not valid UTF-8");
    default: {
        char cp[16];
        snprintf(cp, sizeof cp, "U+%04X", (unsigned)bad);
        return unrepresentable(x, diag,
                               "character %s cannot appear in XML 1.0", cp);
    }
    }
}

/* A scalar as text: strings as they are, numbers and booleans as JSON
 * writes them. */
static int put_scalar(xml_writer *x, nz_output *out, const json_t *v,
                      bool attr, nz_diag *diag)
{
    char num[NZ_JSON_NUMBER_MAX];
    size_t n;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return put_text(x, out, json_string_value(v), json_string_length(v),
                        attr, diag);
    case JSON_INTEGER:
        n = nz_print_integer(num, json_integer_value(v));
        nz_output_put(out, num, n);
        return NZ_OK;
    case JSON_REAL:
        n = nz_print_real(num, json_real_value(v));
        if (n == 0)
            return unrepresentable(x, diag, "number is not finite");
        nz_output_put(out, num, n);
        return NZ_OK;
    case JSON_TRUE:
        nz_output_put(out, "true", 4);
        return NZ_OK;
    case JSON_FALSE:
        nz_output_put(out, "false", 5);
        return NZ_OK;
    default:
        return unrepresentable(x, diag, "an object or array cannot be text "
                                        "or an attribute value");
    }
}

static void put_indent(xml_writer *x, nz_output *out, int level)
{
    if (!x->indent)
        return;
    nz_output_putc(out, '\n');
    for (int i = 0; i < x->indent * level; i++)
        nz_output_putc(out, ' ');
}

static int check_name(xml_writer *x, const char *name, nz_diag *diag)
{
    if (nz_xml_valid_name(name))
        return NZ_OK;
    return unrepresentable(x, diag,
                           "key '%s' is not a valid XML name (names start "
                           "with a letter or '_', hold no spaces, and have "
                           "at most one ':')",
                           name);
}

static int put_element(xml_writer *x, nz_output *out, const char *name,
                       const json_t *v, int level, nz_diag *diag);

/* Key `name` with value v: one element, or one per item of an array. */
static int put_member(xml_writer *x, nz_output *out, const char *name,
                      const json_t *v, int level, nz_diag *diag)
{
    if (!json_is_array(v))
        return put_element(x, out, name, v, level, diag);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *item = json_array_get(v, i);
        size_t mark = path_push_index(x, i);
        int rc = json_is_array(item)
                     ? unrepresentable(x, diag, "an array directly inside an "
                                             "array has no XML form")
                     : put_element(x, out, name, item, level, diag);
        if (rc != NZ_OK)
            return rc;
        path_pop(x, mark);
    }
    return NZ_OK;
}

/* jansson's iteration takes a non-const object but does not change it. */
static json_t *iterable(const json_t *v)
{
    return (json_t *)(uintptr_t)v;
}

/* Does the key at iterator it hold a NUL character? Names are C strings
 * here; such a key (from YAML's "\0" or the API) would be cut short. */
static bool key_holds_nul(void *it)
{
    return strlen(json_object_iter_key(it)) != json_object_iter_key_len(it);
}

static int refuse_nul_key(xml_writer *x, void *it, nz_diag *diag)
{
    size_t mark = path_push(x, json_object_iter_key(it));
    int rc = unrepresentable(x, diag,
                             "key '%s\\0...' holds a NUL character, which "
                             "XML cannot carry",
                             json_object_iter_key(it));
    path_pop(x, mark);
    return rc;
}

static int put_object_content(xml_writer *x, nz_output *out,
                              const char *name, const json_t *const_obj,
                              int level, nz_diag *diag)
{
    json_t *obj = iterable(const_obj);
    const char *key;
    const json_t *member;
    for (void *it = json_object_iter(obj); it;
         it = json_object_iter_next(obj, it))
        if (key_holds_nul(it))
            return refuse_nul_key(x, it, diag);
    /* Attributes first: they go inside the start tag. */
    json_object_foreach(obj, key, member) {
        if (key[0] != '@' || json_is_null(member))
            continue;
        size_t mark = path_push(x, key);
        int rc = check_name(x, key + 1, diag);
        if (rc != NZ_OK)
            return rc;
        nz_output_putc(out, ' ');
        nz_output_put(out, key + 1, strlen(key + 1));
        nz_output_put(out, "=\"", 2);
        rc = put_scalar(x, out, member, true, diag);
        if (rc != NZ_OK)
            return rc;
        nz_output_putc(out, '"');
        path_pop(x, mark);
    }
    const json_t *text = json_object_get(obj, "#text");
    bool children = false;
    json_object_foreach(obj, key, member) {
        if (key[0] != '@' && strcmp(key, "#text") != 0) {
            children = true;
            break;
        }
    }
    if (!children && (!text || json_is_null(text))) {
        nz_output_put(out, "/>", 2);
        return NZ_OK;
    }
    nz_output_putc(out, '>');
    if (text && !json_is_null(text)) {
        size_t mark = path_push(x, "#text");
        int rc = put_scalar(x, out, text, false, diag);
        if (rc != NZ_OK)
            return rc;
        path_pop(x, mark);
    }
    json_object_foreach(obj, key, member) {
        if (key[0] == '@' || strcmp(key, "#text") == 0)
            continue;
        size_t mark = path_push(x, key);
        int rc = put_member(x, out, key, member, level + 1, diag);
        if (rc != NZ_OK)
            return rc;
        path_pop(x, mark);
    }
    if (children)
        put_indent(x, out, level);
    nz_output_put(out, "</", 2);
    nz_output_put(out, name, strlen(name));
    nz_output_putc(out, '>');
    return NZ_OK;
}

static int put_element(xml_writer *x, nz_output *out, const char *name,
                       const json_t *v, int level, nz_diag *diag)
{
    int rc = check_name(x, name, diag);
    if (rc != NZ_OK)
        return rc;
    if (level > NZ_READ_JSON_DEPTH_LIMIT) {
        nz_diag_set(diag, NZ_EDEPTH, "<output>", NULL,
                    "nesting deeper than %d levels", NZ_READ_JSON_DEPTH_LIMIT);
        nz_diag_set_path(diag, x->path);
        return NZ_EDEPTH;
    }
    if (level > 0)
        put_indent(x, out, level); /* the document element starts a line */
    nz_output_putc(out, '<');
    nz_output_put(out, name, strlen(name));
    if (json_is_object(v))
        return put_object_content(x, out, name, v, level, diag);
    if (json_is_null(v)) {
        nz_output_put(out, "/>", 2);
        return NZ_OK;
    }
    nz_output_putc(out, '>');
    rc = put_scalar(x, out, v, false, diag);
    if (rc != NZ_OK)
        return rc;
    nz_output_put(out, "</", 2);
    nz_output_put(out, name, strlen(name));
    nz_output_putc(out, '>');
    return NZ_OK;
}

/* ---- documents and records ------------------------------------------- */

/* Can this record, alone, be the document: {"name": non-array}? */
static bool is_document(const xml_writer *x, const json_t *record)
{
    if (x->root_explicit || !json_is_object(record) ||
        json_object_size(record) != 1)
        return false;
    void *it = json_object_iter(iterable(record));
    const char *key = json_object_iter_key(it);
    const json_t *v = json_object_iter_value(it);
    return key[0] != '@' && key[0] != '#' && !json_is_array(v) &&
           !key_holds_nul(it) && nz_xml_valid_name(key);
}

static int put_record(xml_writer *x, nz_output *out, const json_t *record,
                      nz_diag *diag)
{
    x->path_len = 0;
    x->path[0] = '\0';
    int level = 1;
    if (!x->indent) {
        nz_output_putc(out, '\n');
        level = 0; /* one record per line */
    }
    return put_element(x, out, x->record_name, record, level, diag);
}

static void put_start(xml_writer *x, nz_output *out)
{
    nz_output_put(out, XML_DECLARATION, sizeof XML_DECLARATION - 1);
    nz_output_putc(out, '<');
    nz_output_put(out, x->root_name, strlen(x->root_name));
    nz_output_putc(out, '>');
}

static int discard(const char *data, size_t size, void *ctx)
{
    (void)data;
    (void)size;
    (void)ctx;
    return 0;
}

static int xml_check(const nz_write_options *o, nz_diag *diag)
{
    if (o->flags & ~(unsigned)KNOWN_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "write flags 0x%x do not apply to XML output (only "
                           "ASCII does)",
                           o->flags & ~(unsigned)KNOWN_FLAGS);
    if (o->indent < 0 || o->indent > NZ_WRITE_MAX_INDENT)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "indent must be 0 to %d spaces, not %d",
                           NZ_WRITE_MAX_INDENT, o->indent);
    const char *names[2] = {o->xml.root_name, o->xml.record_name};
    for (int i = 0; i < 2; i++)
        if (names[i] && !nz_xml_valid_name(names[i]))
            return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                               "XML %s name '%s' is not a valid XML name",
                               i == 0 ? "root" : "record", names[i]);
    return NZ_OK;
}

static int xml_open(nz_writer *w, const nz_write_options *o, nz_diag *diag)
{
    xml_writer *x = nz_zalloc(sizeof *x);
    if (!x)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                           "out of memory opening a writer");
    w->state = x;
    x->root_explicit = o->xml.root_name != NULL;
    x->root_name = nz_strdup(o->xml.root_name ? o->xml.root_name
                                              : DEFAULT_ROOT);
    x->record_name = nz_strdup(o->xml.record_name ? o->xml.record_name
                                                  : DEFAULT_RECORD);
    x->ascii = (o->flags & NZ_WRITE_ASCII) != 0;
    x->indent = o->indent;
    if (!x->root_name || !x->record_name ||
        nz_output_init_callback(&x->scratch, discard, NULL) != 0)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                           "out of memory opening a writer");
    return NZ_OK;
}

static int xml_write(nz_writer *w, const json_t *record, nz_diag *diag)
{
    xml_writer *x = w->state;
    if (!x->started && !x->held && !x->root_explicit) {
        /* The first record: check it now, write it when we know more. */
        x->scratch.len = 0;
        int rc = put_record(x, &x->scratch, record, diag);
        if (rc != NZ_OK)
            return rc;
        x->held = nz_json_deep_copy(record);
        if (!x->held)
            return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
        return NZ_OK;
    }
    if (!x->started) {
        put_start(x, &w->out);
        if (x->held) {
            int rc = put_record(x, &w->out, x->held, diag);
            if (rc != NZ_OK)
                return rc;
        }
    }
    int rc = put_record(x, &w->out, record, diag);
    if (rc != NZ_OK)
        return rc; /* the generic writer takes this call's output back */
    x->started = true;
    json_decref(x->held);
    x->held = NULL;
    return NZ_OK;
}

static int xml_finish(nz_writer *w, nz_diag *diag)
{
    xml_writer *x = w->state;
    if (x->held && is_document(x, x->held)) {
        nz_output_put(&w->out, XML_DECLARATION, sizeof XML_DECLARATION - 1);
        const char *key =
            json_object_iter_key(json_object_iter(x->held));
        x->path_len = 0;
        size_t mark = path_push(x, key);
        int rc = put_element(x, &w->out, key, json_object_get(x->held, key),
                             0, diag);
        if (rc != NZ_OK)
            return rc;
        path_pop(x, mark);
        nz_output_putc(&w->out, '\n');
    } else if (x->held || x->started) {
        if (!x->started)
            put_start(x, &w->out);
        if (x->held) {
            int rc = put_record(x, &w->out, x->held, diag);
            if (rc != NZ_OK)
                return rc;
        }
        nz_output_putc(&w->out, '\n');
        nz_output_put(&w->out, "</", 2);
        nz_output_put(&w->out, x->root_name, strlen(x->root_name));
        nz_output_put(&w->out, ">\n", 2);
    } else {
        /* No records: an empty document element. */
        nz_output_put(&w->out, XML_DECLARATION, sizeof XML_DECLARATION - 1);
        nz_output_putc(&w->out, '<');
        nz_output_put(&w->out, x->root_name, strlen(x->root_name));
        nz_output_put(&w->out, "/>\n", 3);
    }
    json_decref(x->held);
    x->held = NULL;
    return NZ_OK;
}

static void xml_close(nz_writer *w)
{
    xml_writer *x = w->state;
    if (x) {
        json_decref(x->held);
        nz_free(x->root_name);
        nz_free(x->record_name);
        nz_output_free(&x->scratch);
        nz_free(x);
    }
    w->state = NULL;
}

const nz_writer_ops nz_xml_writer_ops = {
    xml_check, xml_open, xml_write, xml_finish, xml_close,
};
