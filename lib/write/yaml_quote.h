/* How a string is written in YAML: plain, double-quoted or as a literal
 * block. A string is written plain only when it reads back as the same
 * string — the typing question is answered by the reader's own code
 * (read/yaml_scalar.h), under YAML 1.2 core AND YAML 1.1, so "no", "on",
 * "0777" and "1:20" are quoted too and survive PyYAML-style readers. */
#ifndef NZ_WRITE_YAML_QUOTE_H
#define NZ_WRITE_YAML_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum nz_yaml_style {
    NZ_YAML_STYLE_PLAIN,
    NZ_YAML_STYLE_DOUBLE,  /* "..." with escapes                        */
    NZ_YAML_STYLE_LITERAL, /* | block: multi-line text, kept as written */
} nz_yaml_style;

/* The style for s[0, n), which must be valid UTF-8. Keys are never
 * literal blocks. ascii: every non-ASCII character must be escaped, so
 * such strings are double-quoted. */
nz_yaml_style nz_yaml_string_style(const char *s, size_t n, bool key,
                                   bool ascii);

/* Must this character be written as an escape in a double-quoted scalar
 * (control characters, DEL, C1 controls, line and paragraph separators,
 * the byte order mark, U+FFFE, U+FFFF)? Tab and newline are not, here;
 * the writer escapes them itself. */
bool nz_yaml_must_escape(unsigned long cp);

#endif
