/* Element paths for the XML reader: "/orders/order" names the elements
 * whose ancestry from the document element is exactly orders, order.
 * A step "*" matches any one element name. Paths are matched against the
 * stack of open element names, so no tree is ever needed. */
#ifndef NZ_READ_XML_PATH_H
#define NZ_READ_XML_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* The names of the open elements, document element first, in one buffer
 * (each NUL-terminated) so pushing and popping allocate only on growth. */
typedef struct nz_xml_names {
    char *buf;
    size_t len, cap;
    size_t *starts; /* starts[i]: offset of name i in buf */
    size_t depth, depth_cap;
} nz_xml_names;

int nz_xml_names_push(nz_xml_names *n, const char *name);
void nz_xml_names_pop(nz_xml_names *n);
static inline const char *nz_xml_names_get(const nz_xml_names *n, size_t i)
{
    return n->buf + n->starts[i];
}
void nz_xml_names_free(nz_xml_names *n);

/* A parsed path: its steps, each NUL-terminated, in one buffer. */
typedef struct nz_xml_path {
    char *text;    /* steps, NUL-separated (owned) */
    char **steps;  /* pointers into text (owned)   */
    size_t count;
} nz_xml_path;

/* Parse "/a/b/c". Returns NZ_OK, NZ_EINVAL (no leading '/', empty step,
 * "//") or NZ_ENOMEM; *why is set to the reason for NZ_EINVAL. */
int nz_xml_path_parse(nz_xml_path *p, const char *text, const char **why);
void nz_xml_path_free(nz_xml_path *p);

/* Do the open elements, document element first, match path p exactly? */
bool nz_xml_path_matches(const nz_xml_path *p, const nz_xml_names *names);

#endif
