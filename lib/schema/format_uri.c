/* URIs and IRIs by their ABNF — RFC 3986 §3/§4.1 (uri, uri-reference) and
 * RFC 3987 §2.2 (iri, iri-reference: the same grammar with ucschar allowed
 * and iprivate in queries) — and RFC 6570 URI templates.
 *
 * This is a strict recogniser, not lib/schema/uri.c's splitter (which reads
 * any string loosely so references can be resolved): a format check must
 * say no to "http:// x" and "/%zz". */
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"
#include "schema/format_impl.h"

typedef struct uri_in {
    const unsigned char *s;
    size_t n;
    bool iri;
} uri_in;

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool in_set(unsigned char c, const char *set)
{
    return c != 0 && set && strchr(set, c) != NULL;
}

static bool is_unreserved(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || in_set(c, "-._~");
}

static bool is_sub_delim(unsigned char c)
{
    return in_set(c, "!$&'()*+,;=");
}

/* RFC 3987 ucschar and iprivate. */
static bool is_ucschar(uint32_t cp)
{
    if ((cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) ||
        (cp >= 0xFDF0 && cp <= 0xFFEF))
        return true;
    if (cp < 0x10000 || cp > 0xEFFFD)
        return false;
    /* %x10000-1FFFD ... %xE1000-EFFFD: every plane but its last two code
     * points; plane 14 starts at E1000. */
    if ((cp & 0xFFFF) >= 0xFFFE)
        return false;
    return cp < 0xE0000 || cp >= 0xE1000;
}

static bool is_iprivate(uint32_t cp)
{
    return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD) ||
           (cp >= 0x100000 && cp <= 0x10FFFD);
}

/* Bytes taken by one allowed unit at i (pct-encoded, unreserved,
 * sub-delims, a character of extra, or — in an IRI — ucschar / iprivate),
 * or 0 when the character there is not allowed. */
static size_t unit(const uri_in *u, size_t i, const char *extra, bool private_ok)
{
    unsigned char c = u->s[i];
    if (c == '%')
        return i + 2 < u->n && is_hex(u->s[i + 1]) && is_hex(u->s[i + 2]) ? 3 : 0;
    if (c < 0x80)
        return is_unreserved(c) || is_sub_delim(c) || in_set(c, extra) ? 1 : 0;
    if (!u->iri)
        return 0;
    uint32_t cp = 0;
    size_t k = nz_utf8_decode(u->s + i, u->n - i, &cp);
    if (k == 0)
        return 0;
    return is_ucschar(cp) || (private_ok && is_iprivate(cp)) ? k : 0;
}

static bool run(const uri_in *u, size_t from, size_t to, const char *extra, bool private_ok)
{
    for (size_t i = from; i < to;) {
        size_t k = unit(u, i, extra, private_ok);
        if (k == 0 || i + k > to)
            return false;
        i += k;
    }
    return true;
}

/* IP-literal = "[" ( IPv6address / IPvFuture ) "]" (contents only). */
static bool ip_literal(const unsigned char *s, size_t n)
{
    if (n > 0 && (s[0] == 'v' || s[0] == 'V')) {
        size_t i = 1;
        while (i < n && is_hex(s[i]))
            i++;
        if (i == 1 || i >= n || s[i] != '.' || i + 1 >= n)
            return false;
        for (i++; i < n; i++)
            if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) && s[i] != ':')
                return false;
        return true;
    }
    return nz_format_ipv6((const char *)s, n);
}

/* authority = [ userinfo "@" ] host [ ":" port ] over [from, to). */
static bool authority(const uri_in *u, size_t from, size_t to)
{
    const unsigned char *s = u->s;
    size_t host = from;
    for (size_t i = from; i < to; i++) {
        if (s[i] == '@') {
            if (!run(u, from, i, ":", false))
                return false;
            host = i + 1;
            break;
        }
    }
    size_t host_end;
    if (host < to && s[host] == '[') {
        size_t close = host;
        while (close < to && s[close] != ']')
            close++;
        if (close >= to || !ip_literal(s + host + 1, close - host - 1))
            return false;
        host_end = close + 1;
    } else {
        host_end = host;
        while (host_end < to && s[host_end] != ':')
            host_end++;
        if (!run(u, host, host_end, NULL, false))
            return false; /* reg-name (an IPv4 address is one too) */
    }
    if (host_end == to)
        return true;
    if (s[host_end] != ':')
        return false;
    for (size_t i = host_end + 1; i < to; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

static bool uri_reference(const uri_in *u, bool need_scheme)
{
    const unsigned char *s = u->s;
    size_t n = u->n, i = 0;
    size_t k = 0;
    if (n > 0 && is_alpha(s[0])) {
        k = 1;
        while (k < n && (is_alpha(s[k]) || is_digit(s[k]) || in_set(s[k], "+-.")))
            k++;
    }
    bool has_scheme = k > 0 && k < n && s[k] == ':';
    if (need_scheme && !has_scheme)
        return false;
    if (has_scheme)
        i = k + 1;
    size_t path_end = i;
    while (path_end < n && s[path_end] != '?' && s[path_end] != '#')
        path_end++;
    size_t path = i;
    if (path_end - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        size_t auth_end = i + 2;
        while (auth_end < path_end && s[auth_end] != '/')
            auth_end++;
        if (!authority(u, i + 2, auth_end))
            return false;
        path = auth_end; /* path-abempty: empty or starts with '/' */
    } else if (!has_scheme) {
        /* path-noscheme: no ':' in the first segment ("1:b" is neither a
         * URI nor a relative reference). */
        for (size_t j = i; j < path_end && s[j] != '/'; j++)
            if (s[j] == ':')
                return false;
    }
    if (!run(u, path, path_end, ":@/", false))
        return false;
    i = path_end;
    if (i < n && s[i] == '?') {
        size_t q_end = i + 1;
        while (q_end < n && s[q_end] != '#')
            q_end++;
        if (!run(u, i + 1, q_end, ":@/?", true))
            return false;
        i = q_end;
    }
    if (i < n && s[i] == '#' && !run(u, i + 1, n, ":@/?", false))
        return false;
    return true;
}

static bool check(const char *s, size_t len, bool iri, bool need_scheme)
{
    uri_in u = {(const unsigned char *)s, len, iri};
    if (iri && nz_utf8_first_invalid(u.s, len) != len)
        return false;
    return uri_reference(&u, need_scheme);
}

bool nz_format_uri(const char *s, size_t len)
{
    return check(s, len, false, true);
}

bool nz_format_uri_reference(const char *s, size_t len)
{
    return check(s, len, false, false);
}

bool nz_format_iri(const char *s, size_t len)
{
    return check(s, len, true, true);
}

bool nz_format_iri_reference(const char *s, size_t len)
{
    return check(s, len, true, false);
}

/* ---- RFC 6570 URI templates --------------------------------------------- */

/* varspec = varname [ ":" max-length / "*" ]; varname = varchar *(["."]
 * varchar); varchar = ALPHA / DIGIT / "_" / pct-encoded. */
static bool varspec(const unsigned char *s, size_t n)
{
    size_t i = 0;
    bool need_char = true;
    while (i < n && s[i] != ':' && s[i] != '*') {
        if (s[i] == '.') {
            if (need_char)
                return false;
            need_char = true;
            i++;
        } else if (s[i] == '%') {
            if (i + 2 >= n || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
                return false;
            i += 3;
            need_char = false;
        } else if (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_') {
            i++;
            need_char = false;
        } else {
            return false;
        }
    }
    if (need_char)
        return false;
    if (i == n)
        return true;
    if (s[i] == '*')
        return i + 1 == n;
    /* max-length = %x31-39 0*3DIGIT: 1..9999 */
    size_t d = i + 1;
    if (d >= n || s[d] < '1' || s[d] > '9' || n - d > 4)
        return false;
    for (size_t k = d; k < n; k++)
        if (!is_digit(s[k]))
            return false;
    return true;
}

static bool expression(const unsigned char *s, size_t n)
{
    size_t i = 0;
    if (n > 0 && in_set(s[0], "+#./;?&"))
        i = 1;
    size_t start = i;
    for (; i <= n; i++) {
        if (i < n && s[i] != ',')
            continue;
        if (!varspec(s + start, i - start))
            return false;
        start = i + 1;
    }
    return true;
}

bool nz_format_uri_template(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    if (nz_utf8_first_invalid(s, len) != len)
        return false;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c == '{') {
            size_t close = i + 1;
            while (close < len && s[close] != '}' && s[close] != '{')
                close++;
            if (close >= len || s[close] != '}' || !expression(s + i + 1, close - i - 1))
                return false;
            i = close + 1;
        } else if (c == '%') {
            if (i + 2 >= len || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
                return false;
            i += 3;
        } else if (c < 0x80) {
            /* literals: any printable ASCII but " % < > \ ^ ` { | } (the
             * apostrophe is accepted, as the JSON Schema suite expects) */
            if (c <= 0x20 || c == 0x7F || in_set(c, "\"<>\\^`{|}"))
                return false;
            i++;
        } else {
            uint32_t cp = 0;
            size_t k = nz_utf8_decode(s + i, len - i, &cp);
            if (k == 0 || !(is_ucschar(cp) || is_iprivate(cp)))
                return false;
            i += k;
        }
    }
    return true;
}
