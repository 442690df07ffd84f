/* Draft 7 content assertions: contentEncoding "base64" and
 * contentMediaType "application/json" (draft 7 lets a validator assert
 * them; later drafts make them annotations only). */
#include <string.h>

#include "core/alloc.h"
#include "schema/validate_impl.h"

/* Strict RFC 4648 base64 (padding required). Returns the decoded length,
 * or -1 when s is not base64. out needs len/4*3 bytes. */
static long base64_decode(const char *s, size_t len, unsigned char *out)
{
    if (len % 4)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        unsigned v = 0;
        int pad = 0;
        for (size_t j = 0; j < 4; j++) {
            char ch = s[i + j];
            int d;
            if (ch >= 'A' && ch <= 'Z')
                d = ch - 'A';
            else if (ch >= 'a' && ch <= 'z')
                d = ch - 'a' + 26;
            else if (ch >= '0' && ch <= '9')
                d = ch - '0' + 52;
            else if (ch == '+')
                d = 62;
            else if (ch == '/')
                d = 63;
            else if (ch == '=' && i + 4 == len && j >= 2)
                d = -1;
            else
                return -1;
            if (d < 0)
                pad++;
            else if (pad)
                return -1; /* data after padding */
            v = v * 64 + (unsigned)(d < 0 ? 0 : d);
        }
        out[o++] = (unsigned char)(v >> 16);
        if (pad < 2)
            out[o++] = (unsigned char)(v >> 8);
        if (pad < 1)
            out[o++] = (unsigned char)v;
    }
    return (long)o;
}

const char nz_content_nomem[] = "out of memory";

/* Why a string fails contentEncoding/contentMediaType, or NULL. */
const char *nz_content_error(const nz_op *op, const char *s, size_t len)
{
    const char *doc = s;
    size_t doclen = len;
    unsigned char *buf = NULL;
    if (op->flag) {
        buf = nz_alloc(len / 4 * 3 + 1);
        if (!buf)
            return nz_content_nomem;
        long n = base64_decode(s, len, buf);
        if (n < 0) {
            nz_free(buf);
            return "must be base64-encoded (contentEncoding)";
        }
        doc = (const char *)buf;
        doclen = (size_t)n;
    }
    const char *why = NULL;
    if (op->count) {
        json_error_t je;
        json_t *j = json_loadb(doc, doclen, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                               &je);
        if (!j)
            why = "must hold a JSON document (contentMediaType "
                  "application/json)";
        json_decref(j);
    }
    nz_free(buf);
    return why;
}
