/* Fuzz target for the JSON Schema regex engine: the ECMA-262 -> PCRE2
 * translator (lib/schema/regex_translate.c, a hand-written parser) and the
 * limited search behind `pattern` and `patternProperties`.
 *
 * Input layout: the pattern up to the first newline, then the subject.
 * Small PCRE2 limits keep each run short; hitting them is a normal result.
 *
 * What counts as a bug (abort()): a return code outside the documented
 * ones; a failed compile without a reason, or with a schema left behind;
 * a strict compile (no warning) of a pattern that nz_regex_is_valid_ecma()
 * calls invalid, or an ECMA-valid pattern refused for any reason but
 * PCRE2's own documented limits ("unsupported pattern"); NZ_EUTF8 from a
 * search of valid UTF-8, or a search of invalid UTF-8 that does not say
 * so. Crashes, leaks and UB are reported by the sanitizers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "normalize/error.h"
#include "schema/regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_regex: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    const char *pattern = (const char *)data;
    const char *subject = nl ? (const char *)nl + 1 : "";
    size_t slen = nl ? size - plen - 1 : 0;

    bool ecma = nz_regex_is_valid_ecma(pattern, plen);
    nz_regex *re = (nz_regex *)&re; /* must be set to NULL on failure */
    char err[256] = "";
    int rc = nz_regex_compile(&re, pattern, plen, 100000, 10000, err,
                              sizeof err);
    if (rc != 0) {
        if (rc != NZ_ESCHEMA && rc != NZ_ENOMEM)
            fail("compile returned an undocumented code", nz_err_name(rc));
        if (re)
            fail("failed compile left a regex", err);
        if (!err[0])
            fail("failed compile without a reason", NULL);
        if (rc == NZ_ESCHEMA && ecma &&
            strncmp(err, "unsupported pattern", 19) != 0)
            fail("ECMA-valid pattern refused", err);
        return 0;
    }
    if (!re)
        fail("compile succeeded without a regex", NULL);
    if (!nz_regex_warning(re) && !ecma)
        fail("strict compile of a pattern that is not ECMA-262", NULL);
    if (nz_regex_size(re) == 0)
        fail("compiled regex of size 0", NULL);

    bool utf8 = nz_utf8_first_invalid((const unsigned char *)subject, slen) ==
                slen;
    int m = nz_regex_search(re, subject, slen);
    if (m != 0 && m != 1 && m != NZ_EMATCHLIMIT && m != NZ_EUTF8 &&
        m != NZ_ENOMEM)
        fail("search returned an undocumented code", nz_err_name(m));
    if ((m == NZ_EUTF8) != !utf8)
        fail(utf8 ? "NZ_EUTF8 from valid UTF-8" : "invalid UTF-8 searched",
             NULL);
    /* Same answer the second time (thread-local match data reused). */
    if (nz_regex_search(re, subject, slen) != m)
        fail("two searches disagree", NULL);
    nz_regex_free(re);
    return 0;
}
