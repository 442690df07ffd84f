/* libyaml's input: bytes from the reader's window, handed over as libyaml
 * asks for them and dropped from the window at once (so the window stays
 * one chunk, whatever the document sizes), with two guards:
 * - bytes YAML bans (control characters, broken UTF-8) are handed over
 *   only when libyaml has read up to them, because libyaml decodes all it
 *   is given at once and would otherwise fail the documents before them;
 * - a document may not grow past the record size limit inside libyaml,
 *   and no single stretch libyaml scans between two events (one huge
 *   scalar is scanned whole before any event of it) may reach the limit
 *   less a little headroom: libyaml keeps such a scalar in a buffer that
 *   doubles, zero-filled, when it comes within 5 bytes of its size, so
 *   with a power-of-two limit (the default 32 MiB) a scalar allowed right
 *   up to the limit would cost twice the limit.
 */
#ifndef NZ_READ_YAML_FEED_H
#define NZ_READ_YAML_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "core/input.h"
#include "normalize/diag.h"

typedef struct nz_yaml_feed {
    nz_input *in;       /* the reader's window (borrowed)               */
    const yaml_parser_t *parser; /* whose buffers say where it stands    */
    size_t limit;       /* max_record_bytes                             */
    size_t safe;        /* window bytes known free of bytes YAML bans   */
    uint64_t fed;       /* bytes handed to libyaml so far               */
    uint64_t doc_start; /* libyaml's byte position when the last
                           document started or ended                   */
    uint64_t event_at;  /* ... and when it gave the last event          */
    int input_error;    /* NZ_EIO / NZ_ENOMEM from the window, else 0   */
    bool too_big;       /* refused: the document passed the limit       */
} nz_yaml_feed;

void nz_yaml_feed_init(nz_yaml_feed *f, nz_input *in,
                       const yaml_parser_t *parser, size_t limit);

/* libyaml gave an event: the scan budget counts from where it stands. */
void nz_yaml_feed_mark_event(nz_yaml_feed *f);

/* A document started or ended: the document size guard counts from
 * here (call after nz_yaml_feed_mark_event). */
static inline void nz_yaml_feed_mark_document(nz_yaml_feed *f)
{
    f->doc_start = f->event_at;
}

/* The yaml_read_handler_t; data is the nz_yaml_feed. Returns 0 (a libyaml
 * "input error") with input_error or too_big set. */
int nz_yaml_feed_read(void *data, unsigned char *buffer, size_t size,
                      size_t *size_read);

/* Where libyaml's reader stopped on a reader error (bad byte): the
 * scanner's mark advanced over the characters decoded but not scanned;
 * offset is libyaml's problem_offset, in bytes. */
nz_position nz_yaml_reader_error_position(const yaml_parser_t *p);

#endif
