/* The XML writer: the inverse mapping, one well-formed document for any
 * number of records, escaping, names that XML cannot hold, and round trips
 * JSON -> XML -> JSON where the mapping is lossless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize/normalize.h"

typedef struct membuf {
    char data[1 << 16];
    size_t len;
} membuf;

static int to_mem(const char *data, size_t size, void *ctx)
{
    membuf *m = ctx;
    if (size >= sizeof m->data - m->len)
        return NZ_EIO;
    memcpy(m->data + m->len, data, size);
    m->len += size;
    m->data[m->len] = '\0';
    return 0;
}

/* Write the NDJSON records in `ndjson` as XML with o; returns the text. */
static char *write_xml(const char *ndjson, nz_write_options *o, int *rc_out,
                       nz_diag *d)
{
    static membuf m;
    m.len = 0;
    m.data[0] = '\0';
    o->format = NZ_FORMAT_XML;
    nz_writer *w;
    assert_int_equal(nz_writer_open_callback(&w, to_mem, &m, o, d), 0);
    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.format = NZ_FORMAT_NDJSON;
    nz_reader *r;
    assert_int_equal(nz_reader_open_memory(&r, ndjson, strlen(ndjson), &ro, NULL), 0);
    json_t *v;
    int rc = 0;
    while (rc == 0 && nz_reader_next(r, &v, NULL) == 1) {
        rc = nz_writer_write(w, v, d);
        json_decref(v);
    }
    if (rc == 0)
        rc = nz_writer_finish(w, d);
    nz_reader_close(&r);
    nz_writer_close(&w);
    *rc_out = rc;
    return m.data;
}

static void expect_xml(const char *ndjson, const char *xml)
{
    nz_write_options o;
    nz_write_options_init(&o);
    int rc;
    nz_diag d;
    char *got = write_xml(ndjson, &o, &rc, &d);
    assert_int_equal(rc, 0);
    assert_string_equal(got, xml);
}

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static void xml_write_inverse_mapping(void **state)
{
    (void)state;
    expect_xml("{\"a\":null}", DECL "<a/>\n");
    expect_xml("{\"a\":\"t\"}", DECL "<a>t</a>\n");
    expect_xml("{\"a\":{\"@x\":\"1\",\"#text\":\"t\",\"b\":[1,2.5,true],\"c\":{}}}",
               DECL "<a x=\"1\">t<b>1</b><b>2.5</b><b>true</b><c/></a>\n");
    expect_xml("{\"a\":{\"@x\":null,\"ns:b\":false}}",
               DECL "<a><ns:b>false</ns:b></a>\n");
}

static void xml_write_multiple_records_one_document(void **state)
{
    (void)state;
    expect_xml("{\"a\":1}\n{\"a\":2}\n",
               DECL "<root>\n<record><a>1</a></record>\n"
                    "<record><a>2</a></record>\n</root>\n");
    expect_xml("", DECL "<root/>\n");
    /* A record of another shape is wrapped even when alone. */
    expect_xml("{\"a\":1,\"b\":2}", DECL "<root>\n<record><a>1</a><b>2</b>"
                                         "</record>\n</root>\n");
    expect_xml("\"x\"", DECL "<root>\n<record>x</record>\n</root>\n");
    nz_write_options o;
    nz_write_options_init(&o);
    o.xml.root_name = "orders";
    o.xml.record_name = "order";
    o.indent = 2;
    int rc;
    nz_diag d;
    char *got = write_xml("{\"@id\":\"1\",\"item\":[\"a\",\"b\"]}\n", &o, &rc, &d);
    assert_int_equal(rc, 0);
    assert_string_equal(got, DECL "<orders>\n  <order id=\"1\">\n    "
                                  "<item>a</item>\n    <item>b</item>\n  "
                                  "</order>\n</orders>\n");
}

static void xml_write_escaping(void **state)
{
    (void)state;
    expect_xml("{\"a\":{\"@q\":\"<\\\"&'\\t\\n\\r>\",\"#text\":\"<&>]]>\\r\\n\\t\\u00e9\"}}",
               DECL "<a q=\"&lt;&quot;&amp;'&#9;&#10;&#13;&gt;\">"
                    "&lt;&amp;&gt;]]&gt;&#13;\n\t\xc3\xa9</a>\n");
    nz_write_options o;
    nz_write_options_init(&o);
    o.flags = NZ_WRITE_ASCII;
    int rc;
    nz_diag d;
    char *got = write_xml("{\"a\":\"\\u00e9\\ud83d\\ude00\"}", &o, &rc, &d);
    assert_int_equal(rc, 0);
    assert_string_equal(got, DECL "<a>&#xE9;&#x1F600;</a>\n");
}

static void expect_unrepresentable(const char *ndjson, const char *path)
{
    nz_write_options o;
    nz_write_options_init(&o);
    int rc;
    nz_diag d;
    write_xml(ndjson, &o, &rc, &d);
    assert_int_equal(rc, NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, path);
}

static void xml_write_unrepresentable(void **state)
{
    (void)state;
    expect_unrepresentable("{\"a\":{\"1abc\":1}}", "/a/1abc");
    expect_unrepresentable("{\"a\":{\"b c\":1}}", "/a/b c");
    expect_unrepresentable("{\"a\":{\"@x y\":1}}", "/a/@x y");
    expect_unrepresentable("{\"a\":{\"#comment\":1}}", "/a/#comment");
    expect_unrepresentable("{\"a\":[[1]]}", "/a/0");
    expect_unrepresentable("{\"a\":{\"@x\":{}}}", "/a/@x");
    expect_unrepresentable("{\"a\":\"\\u0001\"}", "/a");
    expect_unrepresentable("{\"a\":\"\\uffff\"}", "/a");
    expect_unrepresentable("{\"a\":1}\n{\"b\":{\"\":1}}", "/b/");
    /* The failed record is left out; the writer goes on. */
    nz_write_options o;
    nz_write_options_init(&o);
    int rc;
    nz_diag d;
    o.format = NZ_FORMAT_XML;
    static membuf m;
    nz_writer *w;
    assert_int_equal(nz_writer_open_callback(&w, to_mem, &m, &o, &d), 0);
    json_t *good = json_pack("{s:i}", "a", 1), *bad = json_pack("{s:i}", "1", 1);
    assert_int_equal(nz_writer_write(w, bad, &d), NZ_EUNREPRESENTABLE);
    assert_int_equal(nz_writer_write(w, good, &d), 0);
    assert_int_equal(nz_writer_write(w, bad, &d), NZ_EUNREPRESENTABLE);
    assert_int_equal(nz_writer_write(w, good, &d), 0);
    assert_int_equal(nz_writer_finish(w, &d), 0);
    assert_string_equal(m.data, DECL "<root>\n<record><a>1</a></record>\n"
                                     "<record><a>1</a></record>\n</root>\n");
    json_decref(good);
    json_decref(bad);
    nz_writer_close(&w);
    rc = 0;
    (void)rc;
    /* Options the format cannot honour. */
    o.flags = NZ_WRITE_SORT_KEYS;
    assert_int_equal(nz_writer_open_callback(&w, to_mem, &m, &o, &d), NZ_EINVAL);
    o.flags = 0;
    o.xml.root_name = "bad name";
    assert_int_equal(nz_writer_open_callback(&w, to_mem, &m, &o, &d), NZ_EINVAL);
}

/* JSON -> XML -> JSON gives the same records where the mapping is
 * lossless: string leaves, objects with distinct keys, arrays of
 * non-arrays, attributes, "#text" with attributes. */
static void xml_round_trip(void **state)
{
    (void)state;
    static const char *cases[] = {
        "{\"doc\":{\"@id\":\"7\",\"title\":\"T \\u00e9 & <x>\",\"tags\":"
        "[\"a\",\"b\"],\"empty\":null,\"n\":{\"@k\":\"v\",\"#text\":\"x\"},"
        "\"deep\":{\"a\":{\"b\":{\"c\":\"d\"}}},\"list\":[{\"x\":\"1\"},null,"
        "\"s\"]}}",
        "{\"a\":\"line1\\nline2\\r\\nend\"}",
        "{\"a\":{\"@q\":\"tab\\there \\\"quoted\\\"\\nnl\"}}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int indent = 0; indent <= 2; indent += 2) {
            nz_write_options o;
            nz_write_options_init(&o);
            o.indent = indent;
            int rc;
            nz_diag d;
            char *xml = write_xml(cases[i], &o, &rc, &d);
            assert_int_equal(rc, 0);
            nz_read_options ro;
            nz_read_options_init(&ro);
            ro.format = NZ_FORMAT_XML;
            nz_reader *r;
            assert_int_equal(nz_reader_open_memory(&r, xml, strlen(xml), &ro, NULL), 0);
            json_t *back;
            assert_int_equal(nz_reader_next(r, &back, &d), 1);
            json_error_t e;
            json_t *orig = json_loads(cases[i], 0, &e);
            if (!json_equal(orig, back)) {
                char *t = json_dumps(back, JSON_COMPACT);
                fprintf(stderr, "round trip %zu changed:\n%s\n%s\n", i,
                        cases[i], t);
                free(t);
                fail();
            }
            assert_int_equal(nz_reader_warning_count(r), 0);
            json_decref(orig);
            json_decref(back);
            nz_reader_close(&r);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xml_write_inverse_mapping),
        cmocka_unit_test(xml_write_multiple_records_one_document),
        cmocka_unit_test(xml_write_escaping),
        cmocka_unit_test(xml_write_unrepresentable),
        cmocka_unit_test(xml_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
