/* XML text and attribute escaping, and name checks (xml_escape.h). */
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "core/utf8.h"
#include "write/xml_escape.h"

/* Does byte c need a look: markup, controls, quotes, non-ASCII. */
static inline bool special(unsigned char c, bool attr)
{
    return c < 0x20 || c == '&' || c == '<' || c == '>' || c >= 0x80 ||
           (attr && c == '"');
}

static void put_char_ref(nz_output *out, uint32_t cp)
{
    char ref[16];
    int n = snprintf(ref, sizeof ref, "&#x%X;", (unsigned)cp);
    nz_output_put(out, ref, (size_t)n);
}

nz_xml_escape_fault nz_xml_put_escaped(nz_output *out, const char *s,
                                       size_t n, bool attr, bool ascii,
                                       uint32_t *bad)
{
    const unsigned char *t = (const unsigned char *)s;
    size_t i = 0, run = 0;
    while (i < n) {
        unsigned char c = t[i];
        if (!special(c, attr)) {
            i++;
            continue;
        }
        nz_output_put(out, s + run, i - run);
        size_t len = 1;
        switch (c) {
        case '&': nz_output_put(out, "&amp;", 5); break;
        case '<': nz_output_put(out, "&lt;", 4); break;
        case '>': nz_output_put(out, "&gt;", 4); break;
        case '"': nz_output_put(out, "&quot;", 6); break;
        case '\r': nz_output_put(out, "&#13;", 5); break;
        case '\t':
            if (attr)
                nz_output_put(out, "&#9;", 4);
            else
                nz_output_putc(out, '\t');
            break;
        case '\n':
            if (attr)
                nz_output_put(out, "&#10;", 5);
            else
                nz_output_putc(out, '\n');
            break;
        default:
            if (c < 0x20) {
                *bad = c;
                return NZ_XML_ESCAPE_BAD_CHAR;
            } else {
                uint32_t cp;
                len = nz_utf8_decode(t + i, n - i, &cp);
                if (len == 0)
                    return NZ_XML_ESCAPE_BAD_UTF8;
                if (cp == 0xFFFE || cp == 0xFFFF) {
                    *bad = cp;
                    return NZ_XML_ESCAPE_BAD_CHAR;
                }
                if (ascii)
                    put_char_ref(out, cp);
                else
                    nz_output_put(out, s + i, len);
            }
            break;
        }
        i += len;
        run = i;
    }
    nz_output_put(out, s + run, n - run);
    return NZ_XML_ESCAPE_OK;
}

bool nz_xml_valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || nz_utf8_first_invalid((const unsigned char *)name, n) != n)
        return false;
    /* libxml2 knows XML's name characters; QName also rules out "a:b:c"
     * and ":a", which a namespace-aware reader would reject. */
    return xmlValidateQName((const xmlChar *)name, 0) == 0;
}
