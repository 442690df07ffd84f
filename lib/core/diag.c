#include "core/diag_set.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "normalize/error.h"

void nz_diag_clear(nz_diag *diag)
{
    if (diag)
        memset(diag, 0, sizeof *diag);
}

void nz_copy_clipped(char *dst, size_t size, const char *src)
{
    if (size == 0)
        return;
    size_t len = strlen(src);
    if (len < size) {
        memcpy(dst, src, len + 1);
        return;
    }
    static const char ellipsis[] = "...";
    size_t room = size > sizeof ellipsis ? size - sizeof ellipsis : 0;
    size_t keep = nz_utf8_clip(src, room);
    memcpy(dst, src, keep);
    if (size >= sizeof ellipsis + keep)
        memcpy(dst + keep, ellipsis, sizeof ellipsis);
    else
        dst[keep] = '\0';
}

int nz_diag_set(nz_diag *diag, int code, const char *source,
                const nz_position *pos, const char *fmt, ...)
{
    if (!diag)
        return code;
    memset(diag, 0, sizeof *diag);
    diag->code = code;
    diag->severity = NZ_SEVERITY_ERROR;
    if (pos) {
        diag->line = pos->line;
        diag->column = pos->column;
        diag->offset = pos->offset;
    }
    if (source)
        nz_copy_clipped(diag->source, sizeof diag->source, source);
    char text[4 * NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    nz_copy_clipped(diag->text, sizeof diag->text, text);
    return code;
}

void nz_diag_set_path(nz_diag *diag, const char *path)
{
    if (diag)
        nz_copy_clipped(diag->path, sizeof diag->path, path ? path : "");
}

int nz_diag_format(const nz_diag *diag, char *buf, size_t size)
{
    if (!diag || (!buf && size))
        return NZ_EINVAL;
    const char *severity =
        diag->severity == NZ_SEVERITY_WARNING ? "warning" : "error";
    const char *text = diag->text[0] ? diag->text : nz_strerror(diag->code);
    char where[NZ_DIAG_SOURCE_MAX + 48];
    const char *source = diag->source[0] ? diag->source : "<input>";
    if (diag->line && diag->column)
        snprintf(where, sizeof where, "%s:%" PRIu64 ":%" PRIu64, source,
                 diag->line, diag->column);
    else if (diag->line)
        snprintf(where, sizeof where, "%s:%" PRIu64, source, diag->line);
    else
        snprintf(where, sizeof where, "%s", source);
    int n;
    if (diag->path[0])
        n = snprintf(buf, size, "%s: %s: %s (at %s)", where, severity, text,
                     diag->path);
    else
        n = snprintf(buf, size, "%s: %s: %s", where, severity, text);
    return n < 0 ? NZ_EINVAL : n;
}
