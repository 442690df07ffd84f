/* RFC 3986 URI references: see uri.h. */
#include "schema/uri.h"

#include <ctype.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"

void nz_uri_split(const char *s, nz_uri_parts *p)
{
    memset(p, 0, sizeof *p);
    /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    const char *c = s;
    if (isalpha((unsigned char)*c)) {
        const char *e = c + 1;
        while (isalnum((unsigned char)*e) || *e == '+' || *e == '-' ||
               *e == '.')
            e++;
        if (*e == ':') {
            p->scheme = s;
            p->scheme_len = (size_t)(e - s);
            c = e + 1;
        }
    }
    if (c[0] == '/' && c[1] == '/') {
        c += 2;
        const char *e = c + strcspn(c, "/?#");
        p->has_authority = true;
        p->authority = c;
        p->authority_len = (size_t)(e - c);
        c = e;
    }
    size_t n = strcspn(c, "?#");
    p->path = c;
    p->path_len = n;
    c += n;
    if (*c == '?') {
        c++;
        n = strcspn(c, "#");
        p->has_query = true;
        p->query = c;
        p->query_len = n;
        c += n;
    }
    if (*c == '#') {
        c++;
        p->has_fragment = true;
        p->fragment = c;
        p->fragment_len = strlen(c);
    }
}

bool nz_uri_is_absolute(const char *s)
{
    nz_uri_parts p;
    nz_uri_split(s, &p);
    return p.scheme_len > 0;
}

/* §5.2.4 remove_dot_segments, on in[0..n), appended to out. */
static void remove_dots(nz_strbuf *out, const char *in, size_t n)
{
    nz_strbuf o = {0};
    size_t i = 0;
    while (i < n) {
        const char *r = in + i;
        size_t left = n - i;
        if (left >= 3 && memcmp(r, "../", 3) == 0) {
            i += 3;
        } else if (left >= 2 && memcmp(r, "./", 2) == 0) {
            i += 2;
        } else if (left >= 3 && memcmp(r, "/./", 3) == 0) {
            i += 2;
        } else if (left == 2 && memcmp(r, "/.", 2) == 0) {
            nz_strbuf_add(&o, "/", 1);
            i += 2;
        } else if ((left >= 4 && memcmp(r, "/../", 4) == 0) ||
                   (left == 3 && memcmp(r, "/..", 3) == 0)) {
            /* drop the last segment of the output */
            while (o.len > 0 && o.s[o.len - 1] != '/')
                o.len--;
            if (o.len > 0)
                o.len--;
            if (o.s)
                o.s[o.len] = '\0';
            if (left == 3) {
                nz_strbuf_add(&o, "/", 1);
                i += 3;
            } else {
                i += 3;
            }
        } else if ((left == 1 && r[0] == '.') ||
                   (left == 2 && memcmp(r, "..", 2) == 0)) {
            i = n;
        } else {
            size_t j = (r[0] == '/') ? 1 : 0;
            while (j < left && r[j] != '/')
                j++;
            nz_strbuf_add(&o, r, j);
            i += j;
        }
    }
    if (o.failed)
        out->failed = true;
    else if (o.len)
        nz_strbuf_add(out, o.s, o.len);
    nz_free(o.s);
}

/* Scheme and host are case-insensitive (§6.2.2.1): write them lower-case. */
static void add_lower(nz_strbuf *b, const char *s, size_t n)
{
    size_t start = b->len;
    nz_strbuf_add(b, s, n);
    if (!b->failed)
        for (size_t i = start; i < b->len; i++)
            b->s[i] = (char)tolower((unsigned char)b->s[i]);
}

char *nz_uri_resolve(const char *base, const char *ref)
{
    nz_uri_parts r, b;
    nz_uri_split(ref, &r);
    nz_uri_split(base ? base : "", &b);
    nz_strbuf out = {0};
    const nz_uri_parts *auth_from, *query_from = &r;
    nz_strbuf path = {0};

    if (r.scheme_len) {
        auth_from = &r;
        remove_dots(&path, r.path, r.path_len);
    } else {
        if (r.has_authority) {
            auth_from = &r;
            remove_dots(&path, r.path, r.path_len);
        } else {
            auth_from = &b;
            if (r.path_len == 0) {
                nz_strbuf_add(&path, b.path, b.path_len);
                if (!r.has_query)
                    query_from = &b;
            } else if (r.path[0] == '/') {
                remove_dots(&path, r.path, r.path_len);
            } else {
                /* §5.2.3 merge */
                nz_strbuf m = {0};
                if (b.has_authority && b.path_len == 0) {
                    nz_strbuf_add(&m, "/", 1);
                } else {
                    size_t k = b.path_len;
                    while (k > 0 && b.path[k - 1] != '/')
                        k--;
                    nz_strbuf_add(&m, b.path, k);
                }
                nz_strbuf_add(&m, r.path, r.path_len);
                if (m.failed)
                    path.failed = true;
                else if (m.s)
                    remove_dots(&path, m.s, m.len);
                nz_free(m.s);
            }
        }
    }
    const nz_uri_parts *scheme_from = r.scheme_len ? &r : &b;
    if (scheme_from->scheme_len) {
        add_lower(&out, scheme_from->scheme, scheme_from->scheme_len);
        nz_strbuf_add(&out, ":", 1);
    }
    if (auth_from->has_authority) {
        nz_strbuf_add(&out, "//", 2);
        /* lower-case the host, not the userinfo */
        const char *a = auth_from->authority;
        size_t an = auth_from->authority_len;
        const char *at = memchr(a, '@', an);
        size_t ui = at ? (size_t)(at - a) + 1 : 0;
        nz_strbuf_add(&out, a, ui);
        add_lower(&out, a + ui, an - ui);
    }
    if (path.failed)
        out.failed = true;
    else if (path.len)
        nz_strbuf_add(&out, path.s, path.len);
    nz_free(path.s);
    if (query_from->has_query) {
        nz_strbuf_add(&out, "?", 1);
        nz_strbuf_add(&out, query_from->query, query_from->query_len);
    }
    if (r.has_fragment) {
        nz_strbuf_add(&out, "#", 1);
        nz_strbuf_add(&out, r.fragment, r.fragment_len);
    }
    nz_strbuf_add(&out, "", 0);
    if (out.failed) {
        nz_free(out.s);
        return NULL;
    }
    return out.s;
}

char *nz_uri_strip_fragment(const char *uri, const char **fragment)
{
    const char *h = strchr(uri, '#');
    size_t n = h ? (size_t)(h - uri) : strlen(uri);
    if (fragment)
        *fragment = h ? h + 1 : NULL;
    char *s = nz_alloc(n + 1);
    if (!s)
        return NULL;
    memcpy(s, uri, n);
    s[n] = '\0';
    return s;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *nz_uri_unescape(const char *s, size_t len)
{
    char *o = nz_alloc(len + 1);
    if (!o)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        int h1, h2;
        if (s[i] == '%' && i + 2 < len && (h1 = hexval(s[i + 1])) >= 0 &&
            (h2 = hexval(s[i + 2])) >= 0) {
            o[j++] = (char)(h1 * 16 + h2);
            i += 2;
        } else {
            o[j++] = s[i];
        }
    }
    o[j] = '\0';
    return o;
}
