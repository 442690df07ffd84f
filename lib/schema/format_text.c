/* Formats that are small grammars over text: JSON Pointer (RFC 6901),
 * Relative JSON Pointer (draft-handrews-relative-json-pointer-01, the one
 * 2019-09 and 2020-12 cite), regex (ECMA-262, via the pattern translator)
 * and UUID (RFC 4122 textual form, any version or variant). */
#include <stdbool.h>
#include <stddef.h>

#include "schema/format_impl.h"
#include "schema/regex.h"

/* "" or *( "/" reference-token ), where "~" only starts "~0" or "~1". */
bool nz_format_json_pointer(const char *s, size_t len)
{
    if (len > 0 && s[0] != '/')
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '~' && (i + 1 >= len || (s[i + 1] != '0' && s[i + 1] != '1')))
            return false;
    return true;
}

/* non-negative-integer ( "#" / json-pointer ); the integer is 0 or has no
 * leading zero, ASCII digits only. */
bool nz_format_relative_json_pointer(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0 || (i > 1 && s[0] == '0'))
        return false;
    if (i < len && s[i] == '#')
        return i + 1 == len;
    return nz_format_json_pointer(s + i, len - i);
}

bool nz_format_regex(const char *s, size_t len)
{
    return nz_regex_is_valid_ecma(s, len);
}

/* 8-4-4-4-12 hex digits, either case. */
bool nz_format_uuid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                     (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}
