/* Choosing the style of a YAML string (see yaml_quote.h). */
#include "write/yaml_quote.h"

#include <stdint.h>
#include <string.h>

#include "core/utf8.h"
#include "read/yaml_scalar.h"

bool nz_yaml_must_escape(unsigned long cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
           (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

/* Characters that start something else than a plain scalar when first. */
static bool is_indicator(char c)
{
    return strchr("-?:,[]{}#&*!|>'\"%@`", c) != NULL && c != '\0';
}

/* Can this multi-line text be a literal block and read back the same? */
static bool literal_ok(const char *s, size_t n)
{
    bool content = false;
    size_t line_start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '\n') {
            if (s[i] != ' ')
                content = true;
            continue;
        }
        /* A line of spaces only would read back as an empty line. */
        bool spaces_only = i > line_start;
        for (size_t k = line_start; k < i && spaces_only; k++)
            spaces_only = s[k] == ' ';
        if (spaces_only)
            return false;
        line_start = i + 1;
    }
    return content;
}

nz_yaml_style nz_yaml_string_style(const char *s, size_t n, bool key,
                                   bool ascii)
{
    if (n == 0)
        return NZ_YAML_STYLE_DOUBLE;
    bool newline = false, escape = false, tab = false;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            if (u[i] == '\n')
                newline = true;
            else if (u[i] == '\t')
                tab = true;
            else if (u[i] < 0x20 || u[i] == 0x7F)
                escape = true;
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = nz_utf8_decode(u + i, n - i, &cp);
        if (len == 0 || ascii || nz_yaml_must_escape(cp))
            escape = true;
        i += len ? len : 1;
    }
    if (newline)
        return !key && !escape && literal_ok(s, n) ? NZ_YAML_STYLE_LITERAL
                                                   : NZ_YAML_STYLE_DOUBLE;
    if (escape || tab)
        return NZ_YAML_STYLE_DOUBLE;
    if (s[0] == ' ' || s[n - 1] == ' ' || is_indicator(s[0]) ||
        s[n - 1] == ':')
        return NZ_YAML_STYLE_DOUBLE;
    if (n >= 3 && memcmp(s, "...", 3) == 0)
        return NZ_YAML_STYLE_DOUBLE; /* a document end marker at column 0 */
    for (size_t i = 0; i + 1 < n; i++) {
        if ((s[i] == ':' && s[i + 1] == ' ') ||
            (s[i] == ' ' && s[i + 1] == '#'))
            return NZ_YAML_STYLE_DOUBLE;
    }
    /* "<<" is the merge key; "=" is YAML 1.1's value key. */
    if ((n == 2 && s[0] == '<' && s[1] == '<') || (n == 1 && s[0] == '='))
        return NZ_YAML_STYLE_DOUBLE;
    if (nz_yaml_plain_is_typed(s, n))
        return NZ_YAML_STYLE_DOUBLE;
    return NZ_YAML_STYLE_PLAIN;
}
