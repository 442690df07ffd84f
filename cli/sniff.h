/* Guessing the format of standard input from its first bytes, for
 * `normalize convert` without -f.
 *
 * The guess is conservative: only what the first bytes say for sure
 * picks a format other than json, and json (the default everywhere else)
 * is what an unclear input is read as, so its error message points at
 * the first byte that is not JSON and the user can say -f.
 */
#ifndef NZ_CLI_SNIFF_H
#define NZ_CLI_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <normalize/normalize.h>

/* Bytes read ahead at most: the first line, up to this many bytes. */
#define CLI_SNIFF_MAX (64 * 1024)

struct cli_sniff {
    bool done;              /* the bytes below have been read           */
    bool used;              /* ... and handed to a reader               */
    nz_format format;       /* the guess                                */
    unsigned char *prefix;  /* what was read ahead (owned)              */
    size_t len;
    size_t pos;             /* how much of it the stream has given out  */
    int fd;
    int read_errno;         /* a failed read(), reported by the reader  */
};

/* The format the bytes p[0, n) (the start of an input) look like. */
nz_format cli_sniff_format(const unsigned char *p, size_t n);

/* Read ahead on fd (up to the first line end, CLI_SNIFF_MAX bytes or the
 * end of input) and guess. Returns 0, or an errno value (out of memory);
 * a failed read is kept for the reader to report. A terminal is not read
 * ahead (s->done stays false): it is json unless -f says otherwise. */
int cli_sniff_fd(struct cli_sniff *s, int fd);

/* A stream that gives the bytes read ahead, then the rest of the
 * descriptor (which it does not close). NULL when out of memory. */
FILE *cli_sniff_stream(struct cli_sniff *s);

void cli_sniff_free(struct cli_sniff *s);

#endif
