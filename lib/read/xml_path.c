/* Element paths and the stack of open element names (xml_path.h). */
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "read/xml_path.h"

int nz_xml_names_push(nz_xml_names *n, const char *name)
{
    size_t len = strlen(name) + 1;
    if (n->depth == n->depth_cap) {
        size_t cap = n->depth_cap ? 2 * n->depth_cap : 16;
        size_t *s = nz_realloc(n->starts, cap * sizeof *s);
        if (!s)
            return NZ_ENOMEM;
        n->starts = s;
        n->depth_cap = cap;
    }
    if (n->cap - n->len < len) {
        size_t cap = n->cap ? n->cap : 256;
        while (cap - n->len < len)
            cap *= 2;
        char *b = nz_realloc(n->buf, cap);
        if (!b)
            return NZ_ENOMEM;
        n->buf = b;
        n->cap = cap;
    }
    memcpy(n->buf + n->len, name, len);
    n->starts[n->depth++] = n->len;
    n->len += len;
    return NZ_OK;
}

void nz_xml_names_pop(nz_xml_names *n)
{
    if (n->depth == 0)
        return;
    n->len = n->starts[--n->depth];
}

void nz_xml_names_free(nz_xml_names *n)
{
    nz_free(n->buf);
    nz_free(n->starts);
    memset(n, 0, sizeof *n);
}

int nz_xml_path_parse(nz_xml_path *p, const char *text, const char **why)
{
    memset(p, 0, sizeof *p);
    *why = NULL;
    if (!text || text[0] != '/') {
        *why = "an element path must start with '/' (e.g. /orders/order)";
        return NZ_EINVAL;
    }
    size_t count = 0;
    for (const char *c = text; *c; c++) {
        if (*c != '/')
            continue;
        if (c[1] == '/' || c[1] == '\0') {
            *why = "an element path has an empty step ('//' or a trailing "
                   "'/')";
            return NZ_EINVAL;
        }
        count++;
    }
    p->text = nz_strdup(text + 1);
    p->steps = nz_alloc(count * sizeof *p->steps);
    if (!p->text || !p->steps) {
        nz_xml_path_free(p);
        return NZ_ENOMEM;
    }
    char *c = p->text;
    for (size_t i = 0; i < count; i++) {
        p->steps[i] = c;
        char *slash = strchr(c, '/');
        if (slash) {
            *slash = '\0';
            c = slash + 1;
        }
    }
    p->count = count;
    return NZ_OK;
}

void nz_xml_path_free(nz_xml_path *p)
{
    nz_free(p->text);
    nz_free(p->steps);
    memset(p, 0, sizeof *p);
}

static bool step_matches(const char *step, const char *name)
{
    return (step[0] == '*' && step[1] == '\0') || strcmp(step, name) == 0;
}

bool nz_xml_path_matches(const nz_xml_path *p, const nz_xml_names *names)
{
    if (p->count != names->depth)
        return false;
    /* Last step first: it differs most often. */
    for (size_t i = p->count; i-- > 0;)
        if (!step_matches(p->steps[i], nz_xml_names_get(names, i)))
            return false;
    return true;
}
