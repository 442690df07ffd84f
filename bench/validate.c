/* Benchmark of JSON Schema validation (issue 4 acceptance figures).
 *
 *   validate [RECORDS]        (default 200000)
 *
 * Generates a deterministic NDJSON corpus of API-like records (nested
 * objects, arrays, enums, patterns, formats, numbers; about 5% invalid) in
 * memory and a draft 2020-12 schema with $ref, then reports:
 *   - compile time of the schema and of the 2020-12 meta-schema (from its
 *     $ref, through the bundled copy);
 *   - validation of pre-parsed records, records/s, fast and all-errors;
 *   - parse-only and parse+validate (fast) MB/s in the same run, and the
 *     time validation adds to parsing.
 * Prints numbers; asserts no timing (benchmarks never fail on speed).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <normalize/normalize.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char schema_text[] =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
    " \"$id\": \"https://bench.example/order.json\","
    " \"$defs\": {"
    "  \"money\": {\"type\": \"object\", \"properties\": {"
    "     \"amount\": {\"type\": \"number\", \"minimum\": 0, \"multipleOf\": 0.01},"
    "     \"currency\": {\"enum\": [\"EUR\", \"USD\", \"GBP\", \"JPY\", \"CHF\","
    "                   \"CAD\", \"AUD\", \"SEK\", \"NOK\", \"DKK\"]}},"
    "     \"required\": [\"amount\", \"currency\"], \"additionalProperties\": false},"
    "  \"address\": {\"type\": \"object\", \"properties\": {"
    "     \"street\": {\"type\": \"string\", \"maxLength\": 200},"
    "     \"city\": {\"type\": \"string\", \"minLength\": 1},"
    "     \"zip\": {\"type\": \"string\", \"pattern\": \"^[0-9]{5}$\"},"
    "     \"country\": {\"type\": \"string\", \"pattern\": \"^[A-Z]{2}$\"}},"
    "     \"required\": [\"city\", \"country\"]}},"
    " \"type\": \"object\","
    " \"properties\": {"
    "  \"id\": {\"type\": \"integer\", \"minimum\": 1},"
    "  \"uuid\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"email\": {\"type\": \"string\", \"format\": \"email\"},"
    "  \"created\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"status\": {\"enum\": [\"new\", \"paid\", \"shipped\", \"cancelled\"]},"
    "  \"customer\": {\"type\": \"object\", \"properties\": {"
    "     \"name\": {\"type\": \"string\", \"minLength\": 1},"
    "     \"address\": {\"$ref\": \"#/$defs/address\"}},"
    "     \"required\": [\"name\"]},"
    "  \"items\": {\"type\": \"array\", \"minItems\": 1, \"items\": {"
    "     \"type\": \"object\", \"properties\": {"
    "       \"sku\": {\"type\": \"string\", \"pattern\": \"^[A-Z]{3}-[0-9]{4}$\"},"
    "       \"qty\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000},"
    "       \"price\": {\"$ref\": \"#/$defs/money\"}},"
    "     \"required\": [\"sku\", \"qty\", \"price\"]}},"
    "  \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"},"
    "            \"uniqueItems\": true},"
    "  \"total\": {\"$ref\": \"#/$defs/money\"}},"
    " \"required\": [\"id\", \"status\", \"customer\", \"items\", \"total\"]}";

static unsigned long long rng = 42;
static unsigned next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng >> 33);
}

/* One record as NDJSON; about 1 in 20 breaks one rule. */
static int gen_record(char *buf, size_t size, unsigned i)
{
    static const char *const status[] = {"new", "paid", "shipped",
                                         "cancelled"};
    static const char *const cur[] = {"EUR", "USD", "GBP", "CHF"};
    static const char *const city[] = {"Paris", "Berlin", "Madrid", "Rome"};
    bool bad = next() % 20 == 0;
    unsigned kind = next() % 4;
    unsigned items = 1 + next() % 4;
    int n = snprintf(buf, size,
                     "{\"id\":%u,\"uuid\":\"%08x-1234-4abc-8def-%012x\","
                     "\"email\":\"user%u@example.com\","
                     "\"created\":\"2024-0%u-1%uT10:2%u:00Z\","
                     "\"status\":\"%s\",\"customer\":{\"name\":\"Customer %u\","
                     "\"address\":{\"street\":\"%u Main Street\",\"city\":\"%s\","
                     "\"zip\":\"%05u\",\"country\":\"%s\"}},\"items\":[",
                     bad && kind == 0 ? 0 : i + 1, next(), next() % 100000,
                     i, 1 + next() % 9, next() % 10, next() % 10,
                     status[next() % 4], i, next() % 999,
                     city[next() % 4], next() % 100000,
                     bad && kind == 1 ? "fr" : "FR");
    unsigned total = 0;
    for (unsigned k = 0; k < items; k++) {
        unsigned cents = 100 + next() % 100000;
        total += cents;
        n += snprintf(buf + n, size - (size_t)n,
                      "%s{\"sku\":\"%s-%04u\",\"qty\":%u,\"price\":"
                      "{\"amount\":%u.%02u,\"currency\":\"%s\"}}",
                      k ? "," : "", bad && kind == 2 ? "AB" : "ABC",
                      next() % 10000, 1 + next() % 10, cents / 100,
                      cents % 100, cur[next() % 4]);
    }
    n += snprintf(buf + n, size - (size_t)n,
                  "],\"tags\":[\"a%u\",\"b%u\"],\"total\":{\"amount\":%u.%02u,"
                  "\"currency\":\"%s\"}}\n",
                  next() % 10, 10 + next() % 10, total / 100, total % 100,
                  bad && kind == 3 ? "XXX" : "EUR");
    return n;
}

int main(int argc, char **argv)
{
    unsigned records = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10)
                                : 200000;
    if (records == 0)
        records = 1;
    size_t cap = (size_t)records * 1024, len = 0;
    char *corpus = malloc(cap);
    if (!corpus)
        return 1;
    for (unsigned i = 0; i < records; i++)
        len += (size_t)gen_record(corpus + len, cap - len, i);
    double mb = (double)len / 1e6;

    nz_diag d;
    json_error_t je;
    json_t *schema = json_loads(schema_text, 0, &je);
    nz_schema *s = NULL;
    double t0 = now();
    if (!schema || nz_schema_compile(&s, schema, NULL, NULL, &d) != NZ_OK) {
        fprintf(stderr, "schema: %s\n", d.text);
        return 1;
    }
    double t_compile = now() - t0;

    /* the 2020-12 meta-schema (warm: the bundled registry is built once) */
    json_t *meta = json_pack("{s:s}", "$ref",
                             "https://json-schema.org/draft/2020-12/schema");
    nz_schema *m = NULL;
    nz_schema_compile(&m, meta, NULL, NULL, &d);
    nz_schema_unref(&m);
    int reps = 50;
    t0 = now();
    for (int i = 0; i < reps; i++) {
        nz_schema_compile(&m, meta, NULL, NULL, &d);
        nz_schema_unref(&m);
    }
    double t_meta = (now() - t0) / reps;

    /* parse once, keep the trees */
    json_t **trees = malloc(records * sizeof *trees);
    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.format = NZ_FORMAT_NDJSON;
    nz_reader *r;
    size_t n = 0;
    t0 = now();
    nz_reader_open_memory(&r, corpus, len, &ro, &d);
    json_t *rec;
    while (n < records && nz_reader_next(r, &rec, &d) > 0)
        trees[n++] = rec;
    nz_reader_close(&r);
    double t_parse_keep = now() - t0;

    /* Best of 3 alternating rounds: the first pass over 100 MB of trees
     * pays for cold caches, which would otherwise all go to the mode
     * measured first. */
    size_t invalid = 0, errors = 0;
    double t_fast = 1e9, t_all = 1e9;
    for (int round = 0; round < 3; round++) {
        invalid = 0;
        t0 = now();
        for (size_t i = 0; i < n; i++)
            invalid += nz_schema_check(s, trees[i]) == 0;
        double t = now() - t0;
        if (t < t_fast)
            t_fast = t;
        errors = 0;
        t0 = now();
        for (size_t i = 0; i < n; i++) {
            nz_result *res = NULL;
            nz_schema_validate(s, trees[i], 0, &res);
            errors += nz_result_count(res);
            nz_result_free(&res);
        }
        t = now() - t0;
        if (t < t_all)
            t_all = t;
    }

    /* end to end, same run: parse only, then parse + fast validation */
    double t_parse = 1e9, t_both = 1e9;
    for (int round = 0; round < 3; round++) {
        t0 = now();
        nz_reader_open_memory(&r, corpus, len, &ro, &d);
        while (nz_reader_next(r, &rec, &d) > 0)
            json_decref(rec);
        nz_reader_close(&r);
        double t = now() - t0;
        if (t < t_parse)
            t_parse = t;
        t0 = now();
        nz_reader_open_memory(&r, corpus, len, &ro, &d);
        while (nz_reader_next(r, &rec, &d) > 0) {
            nz_schema_check(s, rec);
            json_decref(rec);
        }
        nz_reader_close(&r);
        t = now() - t0;
        if (t < t_both)
            t_both = t;
    }

    printf("corpus: %zu records, %.1f MB, %zu invalid (%.1f%%), %zu errors "
           "in all-errors mode\n",
           n, mb, invalid, 100.0 * (double)invalid / (double)n, errors);
    printf("compile: bench schema %.3f ms (first, cold), 2020-12 "
           "meta-schema %.3f ms\n",
           t_compile * 1e3, t_meta * 1e3);
    printf("pre-parsed: fast mode %.0f records/s, all-errors mode %.0f "
           "records/s\n",
           (double)n / t_fast, (double)n / t_all);
    printf("end to end: parse only %.1f MB/s, parse + validate %.1f MB/s; "
           "validation adds %.1f%% to parse time (first parse, keeping "
           "trees: %.2f s)\n",
           mb / t_parse, mb / t_both, 100.0 * (t_both - t_parse) / t_parse,
           t_parse_keep);
    for (size_t i = 0; i < n; i++)
        json_decref(trees[i]);
    free(trees);
    nz_schema_unref(&s);
    json_decref(schema);
    json_decref(meta);
    free(corpus);
    return 0;
}
