/* The YAML writer: which strings are quoted (each one read back, in YAML
 * 1.2 and 1.1 typing, as the same string), layout, numbers, multi-document
 * output, errors, and the JSON -> YAML -> JSON round trip over the golden
 * corpus. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize/normalize.h"

/* Growing memory sink. */
typedef struct sink {
    char *data;
    size_t len;
} sink;

static int sink_write(const char *data, size_t size, void *ctx)
{
    sink *s = ctx;
    s->data = realloc(s->data, s->len + size + 1);
    memcpy(s->data + s->len, data, size);
    s->len += size;
    s->data[s->len] = '\0';
    return 0;
}

/* Write the records (a JSON array of them) as YAML; returns the text. */
static char *to_yaml(json_t *records, unsigned flags, int indent)
{
    nz_write_options o;
    nz_write_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    o.flags = flags;
    o.indent = indent;
    sink s = {calloc(1, 1), 0};
    nz_writer *w;
    nz_diag d;
    assert_int_equal(nz_writer_open_callback(&w, sink_write, &s, &o, &d), 0);
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec) {
        int rc = nz_writer_write(w, rec, &d);
        if (rc != NZ_OK)
            fail_msg("write: %s", d.text);
    }
    assert_int_equal(nz_writer_finish(w, &d), 0);
    nz_writer_close(&w);
    return s.data;
}

/* Read YAML text back into an array of its records. */
static json_t *from_yaml(const char *text, unsigned yaml_flags)
{
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    o.yaml.flags = yaml_flags;
    nz_reader *r;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(&r, text, strlen(text), &o, &d), 0);
    json_t *all = json_array();
    json_t *v;
    int rc;
    while ((rc = nz_reader_next(r, &v, &d)) == 1)
        json_array_append_new(all, v);
    if (rc != 0)
        fail_msg("reading back %s: %s at %llu:%llu", text, d.text,
                 (unsigned long long)d.line, (unsigned long long)d.column);
    nz_reader_close(&r);
    return all;
}

/* records -> YAML -> records, in both typings. Returns the YAML. */
static char *round_trip(json_t *records, unsigned flags, int indent)
{
    char *text = to_yaml(records, flags, indent);
    static const unsigned modes[] = {0, NZ_YAML_1_1};
    for (size_t m = 0; m < 2; m++) {
        json_t *back = from_yaml(text, modes[m]);
        if (!json_equal(back, records)) {
            char *want = json_dumps(records, JSON_COMPACT);
            char *got = json_dumps(back, JSON_COMPACT);
            fail_msg("round trip (mode %u)\nyaml:\n%s\nwant %s\ngot  %s",
                     modes[m], text, want, got);
        }
        json_decref(back);
    }
    return text;
}

static void quoting_table_reads_back(void **state)
{
    (void)state;
    /* string, how it must be written after "v: " */
    static const char *const table[][2] = {
        {"no", "\"no\""},         {"yes", "\"yes\""},
        {"on", "\"on\""},         {"Off", "\"Off\""},
        {"1.0", "\"1.0\""},       {"null", "\"null\""},
        {"0123", "\"0123\""},     {"", "\"\""},
        {"~", "\"~\""},           {"true", "\"true\""},
        {"1_000", "\"1_000\""},   {"1:20", "\"1:20\""},
        {"0o10", "\"0o10\""},     {"0x1F", "\"0x1F\""},
        {"1e3", "\"1e3\""},       {".inf", "\".inf\""},
        {".NaN", "\".NaN\""},     {"-1", "\"-1\""},
        {" lead", "\" lead\""},   {"trail ", "\"trail \""},
        {"a: b", "\"a: b\""},     {"a #b", "\"a #b\""},
        {"#c", "\"#c\""},         {"-d", "\"-d\""},
        {"- e", "\"- e\""},       {"?f", "\"?f\""},
        {":g", "\":g\""},         {"h:", "\"h:\""},
        {"[i]", "\"[i]\""},       {"{j}", "\"{j}\""},
        {"&k", "\"&k\""},         {"*l", "\"*l\""},
        {"!m", "\"!m\""},         {"|n", "\"|n\""},
        {">o", "\">o\""},         {"'p'", "\"'p'\""},
        {"\"q\"", "\"\\\"q\\\"\""}, {"%r", "\"%r\""},
        {"@s", "\"@s\""},         {"`t", "\"`t\""},
        {"---", "\"---\""},       {"...", "\"...\""},
        {"<<", "\"<<\""},         {"=", "\"=\""},
        {"a\tb", "\"a\\tb\""},    {"back\\slash", "back\\slash"},
        {"nul\x01", "\"nul\\x01\""}, {"del\x7f", "\"del\\x7F\""},
        {"nel\xc2\x85", "\"nel\\x85\""},
        {"ls\xe2\x80\xa8", "\"ls\\L\""},
        {"bom\xef\xbb\xbf", "\"bom\\uFEFF\""},
        {"plain text", "plain text"}, {"a:b", "a:b"},
        {"a#b", "a#b"},           {"x-y", "x-y"},
        {"y", "y"},               {"n", "n"},
        {"1.2.3", "1.2.3"},       {"12abc", "12abc"},
        {"caf\xc3\xa9 \xe6\xbc\xa2", "caf\xc3\xa9 \xe6\xbc\xa2"},
        {"one\ntwo", "|-\n  one\n  two"},
        {"one\ntwo\n", "|\n  one\n  two"},
        {"end\n\n", "|+\n  end\n"},
        {"  indented\nx", "|2-\n    indented\n  x"},
        {"\ttab\nx", "|2-\n  \ttab\n  x"},
        {"\n\n\tlate\n", "|2\n\n\n  \tlate"},
        {"sp \n \nx", "\"sp \\n \\nx\""},
        {"cr\r\nlf", "\"cr\\r\\nlf\""},
        {"\n", "\"\\n\""},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        json_t *records = json_pack("[{s:s}]", "v", table[i][0]);
        char *text = round_trip(records, 0, 0);
        char want[256];
        snprintf(want, sizeof want, "v: %s\n", table[i][1]);
        if (strcmp(text, want) != 0)
            fail_msg("string %zu: got\n%s\nwant\n%s", i, text, want);
        free(text);
        json_decref(records);
    }
    /* Keys are quoted by the same rules, and never literal blocks. */
    json_t *records = json_pack("[{s:i,s:i,s:i,s:i}]", "no", 1, "a b", 2,
                                "two\nlines", 3, "", 4);
    char *text = round_trip(records, 0, 0);
    assert_string_equal(text,
                        "\"no\": 1\na b: 2\n\"two\\nlines\": 3\n\"\": 4\n");
    free(text);
    json_decref(records);
}

static void numbers_read_back_as_numbers(void **state)
{
    (void)state;
    json_t *records = json_loads(
        "[[0, -7, 9223372036854775807, -9223372036854775808, 1.0, -0.0, 0.1, "
        "1.5e300, 5e-324, 1e16, 123456789.125, true, false, null]]",
        0, NULL);
    char *text = round_trip(records, 0, 0);
    assert_string_equal(text, "- 0\n- -7\n- 9223372036854775807\n"
                              "- -9223372036854775808\n- 1.0\n- -0.0\n"
                              "- 0.1\n- 1.5e+300\n- 5.0e-324\n- 1.0e+16\n"
                              "- 123456789.125\n- true\n- false\n- null\n");
    free(text);
    json_decref(records);
}

static void layout_and_documents(void **state)
{
    (void)state;
    json_t *records = json_loads(
        "[{\"name\": \"x\", \"list\": [1, [2, 3], {\"a\": {}, \"b\": []}, []],"
        "  \"map\": {\"deep\": {\"er\": [{}]}}, \"e\": {}},"
        " 42, \"scalar\", [], {}, \"multi\\nline\"]",
        0, NULL);
    char *text = round_trip(records, 0, 0);
    assert_string_equal(text, "name: x\n"
                              "list:\n"
                              "  - 1\n"
                              "  - - 2\n"
                              "    - 3\n"
                              "  - a: {}\n"
                              "    b: []\n"
                              "  - []\n"
                              "map:\n"
                              "  deep:\n"
                              "    er:\n"
                              "      - {}\n"
                              "e: {}\n"
                              "---\n42\n---\nscalar\n---\n[]\n---\n{}\n"
                              "---\n|-\n  multi\n  line\n");
    free(text);
    /* Indent 4, and 1 (sequence items still need "- "). */
    text = round_trip(records, 0, 4);
    assert_non_null(strstr(text, "list:\n    - 1\n    -   - 2\n        - 3\n"));
    free(text);
    text = round_trip(records, 0, 1);
    assert_non_null(strstr(text, "map:\n deep:\n  er:\n   - {}\n"));
    free(text);
    json_decref(records);
}

static void sort_keys_ascii_and_long_keys(void **state)
{
    (void)state;
    json_t *records = json_loads("[{\"b\": 1, \"a\": {\"z\": 1, \"y\": 2},"
                                 " \"\\u00e9\": \"\\u00e9\\ud83d\\ude00\"}]",
                                 0, NULL);
    char *text = round_trip(records, NZ_WRITE_SORT_KEYS, 0);
    assert_string_equal(text, "a:\n  y: 2\n  z: 1\nb: 1\n"
                              "\xc3\xa9: \xc3\xa9\xf0\x9f\x98\x80\n");
    free(text);
    text = round_trip(records, NZ_WRITE_ASCII, 0);
    assert_non_null(strstr(text, "\"\\xE9\": \"\\xE9\\U0001F600\"\n"));
    free(text);
    json_decref(records);

    /* Keys longer than YAML's 1024-character implicit key limit. */
    char key[3000];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    records = json_pack("[{s:i,s:{s:i}}]", key, 1, "n", key, 2);
    text = round_trip(records, 0, 0);
    assert_int_equal(strncmp(text, "? kkk", 5), 0);
    free(text);
    json_decref(records);
    /* A short key whose escapes make it long; one that stays implicit. */
    memset(key, '\x01', 300);
    key[300] = '\0';
    records = json_pack("[{s:i,s:i}]", key, 1, "k300", 2);
    text = round_trip(records, 0, 0);
    assert_int_equal(strncmp(text, "? \"\\x01", 7), 0);
    assert_non_null(strstr(text, "\nk300: 2\n"));
    free(text);
    json_decref(records);
}

static void bad_values_are_refused(void **state)
{
    (void)state;
    nz_write_options o;
    nz_write_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    sink s = {calloc(1, 1), 0};
    nz_writer *w;
    nz_diag d;
    assert_int_equal(nz_writer_open_callback(&w, sink_write, &s, &o, &d), 0);
    json_t *good = json_pack("{s:i}", "a", 1);
    json_t *bad = json_pack("{s:[i,o]}", "list", 1,
                            json_stringn_nocheck("\xff", 1));
    assert_int_equal(nz_writer_write(w, good, &d), 0);
    assert_int_equal(nz_writer_write(w, bad, &d), NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, "/list/1");
    assert_non_null(strstr(d.text, "UTF-8"));
    assert_int_equal(nz_writer_write(w, good, &d), 0);
    assert_int_equal(nz_writer_finish(w, &d), 0);
    nz_writer_close(&w);
    /* The failed record left nothing behind. */
    assert_string_equal(s.data, "a: 1\n---\na: 1\n");
    free(s.data);
    json_decref(good);
    json_decref(bad);

    o.flags = NZ_WRITE_CANONICAL;
    assert_int_equal(nz_writer_open_callback(&w, sink_write, &s, &o, &d),
                     NZ_EINVAL);
    o.flags = 0;
    o.indent = 17;
    assert_int_equal(nz_writer_open_callback(&w, sink_write, &s, &o, &d),
                     NZ_EINVAL);
}

/* Every readable golden JSON output, as records, through YAML and back. */
static void golden_json_corpus_round_trips(void **state)
{
    (void)state;
    const char *root = NZ_TESTDATA_DIR "/json";
    DIR *dir = opendir(root);
    assert_non_null(dir);
    struct dirent *e;
    size_t files = 0, records_total = 0;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/output", root, e->d_name);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        nz_read_options o;
        nz_read_options_init(&o);
        o.format = NZ_FORMAT_JSON;
        nz_reader *r;
        assert_int_equal(nz_reader_open_file(&r, fp, &o, NULL), 0);
        json_t *records = json_array();
        json_t *v;
        int rc;
        while ((rc = nz_reader_next(r, &v, NULL)) == 1)
            json_array_append_new(records, v);
        nz_reader_close(&r);
        fclose(fp);
        /* Outputs that are not JSON texts (json-seq, errors) are skipped. */
        if (rc == 0 && json_array_size(records) > 0) {
            free(round_trip(records, 0, 0));
            files++;
            records_total += json_array_size(records);
        }
        json_decref(records);
    }
    closedir(dir);
    assert_true(files >= 20);
    assert_true(records_total >= 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting_table_reads_back),
        cmocka_unit_test(numbers_read_back_as_numbers),
        cmocka_unit_test(layout_and_documents),
        cmocka_unit_test(sort_keys_ascii_and_long_keys),
        cmocka_unit_test(bad_values_are_refused),
        cmocka_unit_test(golden_json_corpus_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
