#include "read/json_frame.h"

#include "read/json_scan.h"

void nz_json_frame_reset(nz_json_frame *f)
{
    f->scan = 0;
    f->start = 0;
    f->depth = 0;
    f->in_value = false;
    f->in_string = false;
    f->escape = false;
    f->kind = 0;
}

/* Inside a string: advance to just past the closing quote. Returns true
 * when it was found. */
static bool scan_string(nz_json_frame *f, const unsigned char *t, size_t len,
                        size_t *i)
{
    size_t k = *i;
    if (f->escape && k < len) {
        f->escape = false;
        k++;
    }
    while (k < len) {
        unsigned char c = t[k];
        if (c == '"') {
            f->in_string = false;
            *i = k + 1;
            return true;
        }
        if (c == '\\') {
            if (k + 1 < len) {
                k += 2;
                continue;
            }
            f->escape = true;
            k++;
            break;
        }
        k++;
    }
    *i = k;
    return false;
}

nz_frame_result nz_json_frame_scan(nz_json_frame *f, const unsigned char *t,
                                   size_t len, bool eof)
{
    size_t i = f->scan;
    if (!f->in_value) {
        while (i < len && nz_json_is_ws(t[i]))
            i++;
        f->scan = i;
        if (i == len)
            return NZ_FRAME_EMPTY;
        f->in_value = true;
        f->start = i;
        f->depth = 0;
        unsigned char c = t[i];
        if (c == '{' || c == '[') {
            f->kind = '{';
        } else if (c == '"') {
            f->kind = '"';
            f->in_string = true;
            i++;
        } else if (nz_json_is_delim(c)) {
            /* A stray ']' or ',' is a value of its own: jansson rejects it
             * with a message about that very byte. */
            f->scan = i + 1;
            return NZ_FRAME_VALUE;
        } else {
            f->kind = 'a';
        }
    }

    bool done = false;
    if (f->kind == 'a') {
        while (i < len && !nz_json_is_delim(t[i]))
            i++;
        done = i < len;
    } else if (f->kind == '"') {
        done = scan_string(f, t, len, &i);
    } else {
        while (i < len) {
            if (f->in_string) {
                if (!scan_string(f, t, len, &i))
                    break;
                continue;
            }
            unsigned char c = t[i++];
            if (c == '"') {
                f->in_string = true;
            } else if (c == '{' || c == '[') {
                if (++f->depth > f->max_depth) {
                    f->deep_at = i - 1;
                    f->scan = i;
                    return NZ_FRAME_DEEP;
                }
            } else if (c == '}' || c == ']') {
                if (--f->depth == 0) {
                    done = true;
                    break;
                }
            }
        }
    }
    f->scan = i;
    if (i - f->start > f->max_bytes)
        return NZ_FRAME_BIG;
    if (done || eof)
        return NZ_FRAME_VALUE;
    return NZ_FRAME_MORE;
}

size_t nz_json_too_deep(const unsigned char *t, size_t len, size_t max_depth)
{
    /* Nesting deeper than max_depth needs more than max_depth brackets. */
    if (len <= max_depth)
        return (size_t)-1;
    size_t depth = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = t[i];
        if (c == '"') {
            i = nz_json_skip_string(t, len, i);
            continue;
        }
        if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return i;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
        i++;
    }
    return (size_t)-1;
}
