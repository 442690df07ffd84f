/* A byte source for the readers: a file descriptor, a stdio stream or a
 * memory buffer, behind one sliding window.
 *
 * The window data[0, len) holds bytes not yet consumed. Readers look at it,
 * consume what they have turned into records, and ask for more. Consumed
 * bytes are dropped on the next refill, so the window only ever holds the
 * record being read plus one chunk: memory is bounded by the largest record.
 */
#ifndef NZ_CORE_INPUT_H
#define NZ_CORE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes asked for per read(). Large enough that syscalls do not dominate,
 * small enough to keep a streaming reader's footprint tiny. */
#define NZ_INPUT_CHUNK (128 * 1024)

typedef enum nz_input_kind {
    NZ_INPUT_FD,
    NZ_INPUT_FILE,
    NZ_INPUT_MEMORY,
} nz_input_kind;

typedef struct nz_input {
    nz_input_kind kind;
    int fd;
    FILE *fp;
    unsigned char *buf;        /* owned window storage (NULL for memory) */
    size_t cap;
    const unsigned char *data; /* first unconsumed byte                  */
    size_t len;                /* unconsumed bytes available at data     */
    uint64_t offset;           /* input offset of data[0]                */
    bool eof;                  /* no more bytes will come                */
    int read_errno;            /* errno of a failed read, else 0         */
} nz_input;

void nz_input_init_fd(nz_input *in, int fd);
void nz_input_init_file(nz_input *in, FILE *fp);
void nz_input_init_memory(nz_input *in, const void *data, size_t size);
void nz_input_free(nz_input *in);

/* Mark the first n bytes of the window consumed (n <= len). */
static inline void nz_input_consume(nz_input *in, size_t n)
{
    in->data += n;
    in->len -= n;
    in->offset += n;
}

/* Append at least one more byte to the window, keeping the unconsumed
 * ones (offsets relative to data stay valid; data itself may move).
 * Returns the number of bytes added, 0 at end of input, NZ_EIO (errno in
 * read_errno) or NZ_ENOMEM. */
long nz_input_more(nz_input *in);

#endif
