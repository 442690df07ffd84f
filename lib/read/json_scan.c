#include "read/json_scan.h"

#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "normalize/write.h" /* nz_free */

size_t nz_json_skip_ws(const unsigned char *t, size_t len, size_t off)
{
    while (off < len && nz_json_is_ws(t[off]))
        off++;
    return off;
}

size_t nz_json_skip_string(const unsigned char *t, size_t len, size_t off)
{
    for (off++; off < len; off++) {
        if (t[off] == '\\')
            off++;
        else if (t[off] == '"')
            return off + 1;
    }
    return len;
}

size_t nz_json_token_end(const unsigned char *t, size_t len, size_t off)
{
    if (off >= len)
        return len;
    if (t[off] == '"')
        return nz_json_skip_string(t, len, off);
    if (nz_json_is_delim(t[off]))
        return off + 1;
    while (off < len && !nz_json_is_delim(t[off]))
        off++;
    return off;
}

size_t nz_json_skip_value(const unsigned char *t, size_t len, size_t off)
{
    off = nz_json_skip_ws(t, len, off);
    if (off >= len)
        return len;
    if (t[off] != '[' && t[off] != '{')
        return nz_json_token_end(t, len, off);
    size_t depth = 0;
    while (off < len) {
        unsigned char c = t[off];
        if (c == '"') {
            off = nz_json_skip_string(t, len, off);
            continue;
        }
        off++;
        if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (--depth == 0)
                return off;
        }
    }
    return len;
}

size_t nz_json_token_start(const unsigned char *t, size_t len, size_t at)
{
    size_t off = 0;
    while (off < len && off <= at) {
        if (nz_json_is_ws(t[off])) {
            off++;
            continue;
        }
        size_t end = nz_json_token_end(t, len, off);
        if (at < end)
            return off;
        off = end;
    }
    return at;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read 4 hex digits at t[off]; -1 when they are not there. */
static long read_hex4(const unsigned char *t, size_t end, size_t off)
{
    if (end - off < 4)
        return -1;
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = hex_value(t[off + i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

bool nz_json_string_equals(const unsigned char *t, size_t off, size_t end,
                           const char *key, size_t key_len)
{
    /* t[off] is the opening quote, t[end - 1] the closing one. */
    if (end - off < 2)
        return false;
    const unsigned char *k = (const unsigned char *)key;
    size_t ki = 0;
    size_t i = off + 1;
    size_t stop = end - 1;
    while (i < stop) {
        unsigned char out[4];
        size_t out_len;
        if (t[i] != '\\') {
            out[0] = t[i++];
            out_len = 1;
        } else {
            if (i + 1 >= stop)
                return false;
            unsigned char e = t[i + 1];
            i += 2;
            switch (e) {
            case 'b': out[0] = '\b'; out_len = 1; break;
            case 'f': out[0] = '\f'; out_len = 1; break;
            case 'n': out[0] = '\n'; out_len = 1; break;
            case 'r': out[0] = '\r'; out_len = 1; break;
            case 't': out[0] = '\t'; out_len = 1; break;
            case 'u': {
                long cp = read_hex4(t, stop, i);
                if (cp < 0)
                    return false;
                i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= stop &&
                    t[i] == '\\' && t[i + 1] == 'u') {
                    long lo = read_hex4(t, stop, i + 2);
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    }
                }
                out_len = nz_utf8_encode((uint32_t)cp, out);
                break;
            }
            default: out[0] = e; out_len = 1; break;
            }
        }
        if (ki + out_len > key_len || memcmp(k + ki, out, out_len) != 0)
            return false;
        ki += out_len;
    }
    return ki == key_len;
}

size_t nz_json_enclosing(const unsigned char *t, size_t len, size_t at)
{
    /* Walk forward with a stack of open containers; what is left on top
     * when we reach `at` is the innermost one still open there. */
    size_t stack_small[64];
    size_t *stack = stack_small;
    size_t cap = sizeof stack_small / sizeof stack_small[0], depth = 0;
    size_t result = (size_t)-1;
    size_t off = 0;
    while (off < len && off < at) {
        unsigned char c = t[off];
        if (c == '"') {
            off = nz_json_skip_string(t, len, off);
            continue;
        }
        if (c == '[' || c == '{') {
            if (depth == cap) {
                size_t *grown = nz_alloc(2 * cap * sizeof *grown);
                if (!grown)
                    goto out; /* no answer rather than a wrong one */
                memcpy(grown, stack, depth * sizeof *stack);
                if (stack != stack_small)
                    nz_free(stack);
                stack = grown;
                cap *= 2;
            }
            stack[depth++] = off;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        off++;
    }
    if (depth > 0)
        result = stack[depth - 1];
out:
    if (stack != stack_small)
        nz_free(stack);
    return result;
}
