/* Feeding libyaml from the reader's window (see yaml_feed.h). */
#include "read/yaml_feed.h"

#include <string.h>

#include "core/utf8.h"

/* Bytes libyaml may read past the end of a document before it ends it
 * (its look-ahead): the document guard allows them. */
#define READ_AHEAD_SLACK (64 * 1024)

/* Bytes libyaml may scan between two events: the record size limit less
 * HEADROOM (libyaml's string buffers double when within 5 bytes of full,
 * see yaml_feed.h), or less a quarter for limits too small for that. */
#define HEADROOM 16

static uint64_t scan_budget(size_t limit)
{
    if (limit >= 4 * HEADROOM)
        return (uint64_t)limit - HEADROOM;
    return (uint64_t)limit - limit / 4;
}

void nz_yaml_feed_init(nz_yaml_feed *f, nz_input *in,
                       const yaml_parser_t *parser, size_t limit)
{
    memset(f, 0, sizeof *f);
    f->in = in;
    f->parser = parser;
    f->limit = limit;
}

/* Where libyaml's scanner stands, in bytes of input: all it was given
 * less what still waits in its raw buffer and in its decoded buffer (the
 * same bytes for UTF-8 input, an estimate for UTF-16; the NUL libyaml
 * adds at the end of the input is why it is clamped). */
static uint64_t scanner_at(const nz_yaml_feed *f)
{
    const yaml_parser_t *p = f->parser;
    uint64_t held = (uint64_t)(p->raw_buffer.last - p->raw_buffer.pointer) +
                    (uint64_t)(p->buffer.last - p->buffer.pointer);
    return held < f->fed ? f->fed - held : 0;
}

void nz_yaml_feed_mark_event(nz_yaml_feed *f)
{
    f->event_at = scanner_at(f);
}

/* Length of the prefix of t[0, n) that holds only characters YAML allows
 * (YAML 1.2 §5.1 c-printable, as libyaml checks). A character cut by the
 * end of t ends the prefix too. */
static size_t allowed_prefix(const unsigned char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = t[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return i;
            if (c == 0x7F)
                return i;
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = nz_utf8_decode(t + i, n - i, &cp);
        if (len == 0)
            return i;
        if ((cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE ||
            cp == 0xFFFF)
            return i;
        i += len;
    }
    return i;
}

static void hand_over(nz_yaml_feed *f, unsigned char *buffer, size_t n,
                      size_t *size_read)
{
    memcpy(buffer, f->in->data, n);
    nz_input_consume(f->in, n);
    f->fed += n;
    *size_read = n;
}

int nz_yaml_feed_read(void *data, unsigned char *buffer, size_t size,
                      size_t *size_read)
{
    nz_yaml_feed *f = data;
    nz_input *in = f->in;
    *size_read = 0;
    if (f->limit != SIZE_MAX) {
        /* The whole document (checked exactly, event by event, by the
         * reader; this catches one whose events never come). */
        if (f->limit < SIZE_MAX - READ_AHEAD_SLACK &&
            f->fed - f->doc_start > f->limit + READ_AHEAD_SLACK) {
            f->too_big = true;
            return 0;
        }
        /* One stretch between two events, i.e. one huge scalar: libyaml
         * is never given more than its budget, so its buffer stays below
         * the limit. event_at <= fed: it was measured from fed. */
        uint64_t budget = scan_budget(f->limit);
        uint64_t since = f->fed - f->event_at;
        if (since >= budget) {
            f->too_big = true;
            return 0;
        }
        if (size > budget - since)
            size = (size_t)(budget - since);
    }
    if (f->safe == 0) {
        while (in->len < 4 && !in->eof) {
            long got = nz_input_more(in);
            if (got < 0) {
                f->input_error = (int)got;
                return 0;
            }
        }
        if (in->len == 0)
            return 1; /* end of input */
        f->safe = allowed_prefix(in->data, in->len);
        if (f->safe == 0) {
            /* A banned or broken character first: hand it over so that
             * libyaml reports it where it stands. */
            size_t n = in->len < 4 ? in->len : 4;
            hand_over(f, buffer, n < size ? n : size, size_read);
            return 1;
        }
    }
    size_t n = f->safe < size ? f->safe : size;
    hand_over(f, buffer, n, size_read);
    f->safe -= n;
    return 1;
}

nz_position nz_yaml_reader_error_position(const yaml_parser_t *p)
{
    nz_position pos = {(uint64_t)p->mark.line + 1,
                       (uint64_t)p->mark.column + 1, 0};
    const unsigned char *c = p->buffer.pointer;
    const unsigned char *end = p->buffer.last;
    while (c < end) {
        uint32_t cp;
        size_t len = nz_utf8_decode(c, (size_t)(end - c), &cp);
        if (len == 0)
            break;
        bool brk = cp == '\n' || cp == 0x85 || cp == 0x2028 ||
                   cp == 0x2029 ||
                   (cp == '\r' && !(c + 1 < end && c[1] == '\n'));
        if (brk) {
            pos.line++;
            pos.column = 1;
        } else {
            pos.column++;
        }
        c += len;
    }
    pos.offset = p->problem_offset; /* libyaml knows this one in bytes */
    return pos;
}
