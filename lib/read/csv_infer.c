#include "read/csv_infer.h"

#include <string.h>

enum number_kind { NOT_NUMBER, INTEGER, REAL };

/* Does s[0, n) follow the JSON number grammar exactly? */
static enum number_kind json_number_kind(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return NOT_NUMBER;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return NOT_NUMBER;
    }
    enum number_kind kind = INTEGER;
    if (i < n && s[i] == '.') {
        i++;
        size_t digits = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == digits)
            return NOT_NUMBER;
        kind = REAL;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t digits = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == digits)
            return NOT_NUMBER;
        kind = REAL;
    }
    return i == n ? kind : NOT_NUMBER;
}

/* The number, or NULL (with *fits false) when it does not fit. jansson
 * parses it: it refuses what does not fit in an int64 or a double, and,
 * unlike strtod(), does not depend on the locale's decimal point. */
static json_t *number_value(const char *s, size_t n, enum number_kind kind,
                            bool *fits)
{
    *fits = false;
    if (kind == INTEGER && n == 2 && s[0] == '-' && s[1] == '0')
        return NULL; /* -0 would lose its sign */
    json_error_t e;
    /* jansson 2.14 leaves the error code unset when its lexer set-up
     * fails: zeroed, that reads as json_error_unknown. */
    memset(&e, 0, sizeof e);
    json_t *v = json_loadb(s, n, JSON_DECODE_ANY, &e);
    if (!v) {
        /* Out of range: the text stays a string. Anything else is out of
         * memory (the text has JSON's number grammar, checked above; and
         * jansson 2.14 reports an allocation failure in its lexer set-up
         * as json_error_unknown, not json_error_out_of_memory): say so. */
        *fits = json_error_code(&e) != json_error_numeric_overflow;
        return NULL;
    }
    *fits = true;
    return v;
}

json_t *nz_csv_infer(const char *s, size_t n, bool quoted)
{
    if (quoted)
        return json_stringn_nocheck(s, n);
    if (n == 0)
        return json_null();
    if (n == 4 && memcmp(s, "true", 4) == 0)
        return json_true();
    if (n == 5 && memcmp(s, "false", 5) == 0)
        return json_false();
    enum number_kind kind = json_number_kind(s, n);
    if (kind != NOT_NUMBER) {
        bool fits;
        json_t *v = number_value(s, n, kind, &fits);
        if (fits)
            return v; /* NULL here means out of memory */
    }
    return json_stringn_nocheck(s, n);
}
