/* Escaping for the XML writer: text and attribute values as XML 1.0 can
 * hold them, and the test for names that can be element or attribute
 * names. */
#ifndef NZ_WRITE_XML_ESCAPE_H
#define NZ_WRITE_XML_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/output.h"

/* Why a string cannot be written (returned by nz_xml_put_escaped). */
typedef enum nz_xml_escape_fault {
    NZ_XML_ESCAPE_OK = 0,
    NZ_XML_ESCAPE_BAD_UTF8,  /* not well-formed UTF-8                  */
    NZ_XML_ESCAPE_BAD_CHAR,  /* a character XML 1.0 forbids (U+0001,
                                U+FFFE, ...): *bad holds it            */
} nz_xml_escape_fault;

/* Append s[0, n) to out, escaped for element text (attr false: & < > and
 * CR as &#13; so it survives line-end normalisation) or for a
 * double-quoted attribute value (attr true: also ", TAB, LF as character
 * references, which attribute normalisation would otherwise turn into
 * spaces). ascii: characters above U+007F as &#xHEX;. Nothing is
 * appended when the result is not NZ_XML_ESCAPE_OK... except what came
 * before the fault: callers roll the record back. */
nz_xml_escape_fault nz_xml_put_escaped(nz_output *out, const char *s,
                                       size_t n, bool attr, bool ascii,
                                       uint32_t *bad);

/* Is name a qualified XML name ("tag", "ns:tag"), usable as an element or
 * attribute name that reads back unchanged? */
bool nz_xml_valid_name(const char *name);

#endif
