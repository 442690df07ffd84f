#include "read/json_locate.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "normalize/write.h"
#include "read/json_scan.h"

/* Decode one reference token (up to the next '/' or the end) into buf,
 * turning ~1 into '/' and ~0 into '~'. Returns its length, or -1 for a
 * '~' followed by anything else. */
static long unescape_token(const char *p, size_t n, char *buf)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '~') {
            buf[out++] = p[i];
            continue;
        }
        if (i + 1 >= n || (p[i + 1] != '0' && p[i + 1] != '1'))
            return -1;
        buf[out++] = p[i + 1] == '0' ? '~' : '/';
        i++;
    }
    return (long)out;
}

/* An array index per RFC 6901: "0" or digits without a leading zero. */
static bool parse_index(const char *s, size_t n, size_t *index)
{
    if (n == 0 || (n > 1 && s[0] == '0'))
        return false;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        size_t d = (size_t)(s[i] - '0');
        if (v > (SIZE_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *index = v;
    return true;
}

/* Step from the container at t[off] to its member named by the token. */
static int step(const unsigned char *t, size_t len, size_t *off,
                const char *token, size_t token_len)
{
    size_t i = *off;
    if (i >= len)
        return NZ_ENOTFOUND;
    if (t[i] == '{') {
        size_t found = (size_t)-1;
        i = nz_json_skip_ws(t, len, i + 1);
        while (i < len && t[i] == '"') {
            size_t key_end = nz_json_skip_string(t, len, i);
            bool match = nz_json_string_equals(t, i, key_end, token, token_len);
            i = nz_json_skip_ws(t, len, key_end);
            if (i >= len || t[i] != ':')
                break;
            size_t value = nz_json_skip_ws(t, len, i + 1);
            if (match)
                found = value;
            i = nz_json_skip_ws(t, len, nz_json_skip_value(t, len, value));
            if (i >= len || t[i] != ',')
                break;
            i = nz_json_skip_ws(t, len, i + 1);
        }
        if (found == (size_t)-1)
            return NZ_ENOTFOUND;
        *off = found;
        return 0;
    }
    if (t[i] == '[') {
        size_t index;
        if (!parse_index(token, token_len, &index))
            return NZ_ENOTFOUND;
        i = nz_json_skip_ws(t, len, i + 1);
        if (i < len && t[i] == ']')
            return NZ_ENOTFOUND;
        for (size_t k = 0; k < index; k++) {
            i = nz_json_skip_ws(t, len, nz_json_skip_value(t, len, i));
            if (i >= len || t[i] != ',')
                return NZ_ENOTFOUND;
            i = nz_json_skip_ws(t, len, i + 1);
        }
        if (i >= len)
            return NZ_ENOTFOUND;
        *off = i;
        return 0;
    }
    return NZ_ENOTFOUND;
}

int nz_json_locate(const unsigned char *t, size_t len, const char *pointer,
                   size_t *at)
{
    if (!pointer || (pointer[0] != '\0' && pointer[0] != '/'))
        return NZ_EINVAL;
    size_t off = nz_json_skip_ws(t, len, 0);
    if (off >= len)
        return NZ_ENOTFOUND;
    size_t plen = strlen(pointer);
    char small[256];
    char *token = plen < sizeof small ? small : nz_alloc(plen + 1);
    if (!token)
        return NZ_ENOMEM;
    int rc = 0;
    const char *p = pointer;
    while (*p == '/') {
        p++;
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        long token_len = unescape_token(p, n, token);
        if (token_len < 0) {
            rc = NZ_EINVAL;
            break;
        }
        rc = step(t, len, &off, token, (size_t)token_len);
        if (rc)
            break;
        p += n;
    }
    if (token != small)
        nz_free(token);
    if (rc == 0)
        *at = off;
    return rc;
}
