/* fopencookie() (GNU, also in musl) puts the read-ahead bytes back in
 * front of the stream without copying the whole input. */
#define _GNU_SOURCE
#include "sniff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Is line[0, n) one JSON scalar: a number, true, false or null? */
static bool is_json_scalar_line(const unsigned char *t, size_t n)
{
    while (n > 0 && is_space(t[n - 1]))
        n--;
    if ((n == 4 && memcmp(t, "true", 4) == 0) ||
        (n == 5 && memcmp(t, "false", 5) == 0) ||
        (n == 4 && memcmp(t, "null", 4) == 0))
        return true;
    size_t i = 0;
    if (i < n && t[i] == '-')
        i++;
    size_t digits = i;
    while (i < n && ((t[i] >= '0' && t[i] <= '9') || t[i] == '.' ||
                     t[i] == 'e' || t[i] == 'E' || t[i] == '+' ||
                     t[i] == '-'))
        i++;
    return i == n && i > digits && t[digits] >= '0' && t[digits] <= '9';
}

/* "key: value" or "key:" at the end of the line, with a plain key that
 * holds no comma or tab (those make it a CSV header), or "- item". */
static bool is_yaml_line(const unsigned char *t, size_t n)
{
    if (n >= 2 && t[0] == '-' && t[1] == ' ')
        return true;
    if (n >= 1 && t[0] == '-' && (n == 1 || t[1] == '\n' || t[1] == '\r'))
        return true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = t[i];
        if (c == ',' || c == '\t' || c == '"' || c == '\n' || c == '\r')
            return false;
        if (c == ':' && i > 0)
            return i + 1 == n || is_space(t[i + 1]);
    }
    return false;
}

nz_format cli_sniff_format(const unsigned char *p, size_t n)
{
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    if (n > 0 && p[0] == 0x1E)
        return NZ_FORMAT_JSON_SEQ;
    size_t i = 0;
    while (i < n && is_space(p[i]))
        i++;
    if (i == n)
        return NZ_FORMAT_JSON; /* empty: no records either way */
    const unsigned char *t = p + i;
    size_t len = n - i;
    const unsigned char *nl = memchr(t, '\n', len);
    size_t line = nl ? (size_t)(nl - t) : len;
    switch (t[0]) {
    case '<':
        return NZ_FORMAT_XML;
    case '{':
    case '[':
        return NZ_FORMAT_JSON;
    case '#':
    case '%':
        return NZ_FORMAT_YAML;
    case '"': {
        /* A JSON string, or a quoted CSV header field? What follows the
         * closing quote tells: a delimiter is CSV, JSON has none. */
        size_t j = 1;
        while (j < line && t[j] != '"')
            j += t[j] == '\\' ? 2 : 1;
        j++;
        while (j < line && t[j] == ' ')
            j++;
        if (j < line && t[j] == ',')
            return NZ_FORMAT_CSV;
        if (j < line && t[j] == '\t')
            return NZ_FORMAT_TSV;
        return NZ_FORMAT_JSON;
    }
    default:
        break;
    }
    if (line >= 3 && memcmp(t, "---", 3) == 0 &&
        (line == 3 || is_space(t[3])))
        return NZ_FORMAT_YAML;
    if (is_json_scalar_line(t, line))
        return NZ_FORMAT_JSON;
    if (is_yaml_line(t, line))
        return NZ_FORMAT_YAML;
    if (memchr(t, ',', line))
        return NZ_FORMAT_CSV;
    if (memchr(t, '\t', line))
        return NZ_FORMAT_TSV;
    return NZ_FORMAT_JSON;
}

int cli_sniff_fd(struct cli_sniff *s, int fd)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    /* Someone typing: waiting for a first line before even checking the
     * options would look like a hang. */
    if (isatty(fd) == 1)
        return 0;
    s->done = true;
    s->prefix = malloc(CLI_SNIFF_MAX);
    if (!s->prefix)
        return ENOMEM;
    while (s->len < CLI_SNIFF_MAX) {
        ssize_t got = read(fd, s->prefix + s->len, CLI_SNIFF_MAX - s->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            s->read_errno = errno;
            break;
        }
        if (got == 0)
            break;
        bool line_end = memchr(s->prefix + s->len, '\n', (size_t)got) != NULL;
        s->len += (size_t)got;
        /* A first line of blanks says nothing yet: read on. */
        size_t i = 0;
        while (i < s->len && is_space(s->prefix[i]))
            i++;
        if (line_end && memchr(s->prefix + i, '\n', s->len - i))
            break;
    }
    s->format = cli_sniff_format(s->prefix, s->len);
    return 0;
}

static ssize_t sniff_read(void *cookie, char *buf, size_t size)
{
    struct cli_sniff *s = cookie;
    if (s->pos < s->len) {
        size_t n = s->len - s->pos;
        if (n > size)
            n = size;
        memcpy(buf, s->prefix + s->pos, n);
        s->pos += n;
        return (ssize_t)n;
    }
    if (s->read_errno) {
        errno = s->read_errno;
        return -1;
    }
    for (;;) {
        ssize_t got = read(s->fd, buf, size);
        if (got < 0 && errno == EINTR)
            continue;
        return got;
    }
}

FILE *cli_sniff_stream(struct cli_sniff *s)
{
    cookie_io_functions_t io = {sniff_read, NULL, NULL, NULL};
    s->used = true;
    return fopencookie(s, "r", io);
}

void cli_sniff_free(struct cli_sniff *s)
{
    free(s->prefix);
    s->prefix = NULL;
    s->len = s->pos = 0;
}
