/* A buffered byte sink for the writers: a callback, a descriptor or a
 * stdio stream. Small writes are copied into a buffer; the sink sees full
 * buffers only, which keeps the per-value cost of writing low. */
#ifndef NZ_CORE_OUTPUT_H
#define NZ_CORE_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "normalize/write.h"

#define NZ_OUTPUT_BUFFER (64 * 1024)

typedef struct nz_output {
    nz_write_fn fn;
    void *ctx;
    int fd;      /* for the descriptor sink */
    FILE *fp;    /* for the stdio sink      */
    char *buf;
    size_t len;
    size_t cap;
    int err;     /* sticky NZ_E* from the sink, 0 while healthy */
} nz_output;

int nz_output_init_fd(nz_output *out, int fd);
int nz_output_init_file(nz_output *out, FILE *fp);
int nz_output_init_callback(nz_output *out, nz_write_fn fn, void *ctx);
void nz_output_free(nz_output *out);

/* Hand the buffer to the sink. Returns 0 or the sink's NZ_E* code. */
int nz_output_flush(nz_output *out);

/* Slow path of nz_output_put: flush, then copy or pass through. */
int nz_output_put_slow(nz_output *out, const char *data, size_t size);

static inline int nz_output_put(nz_output *out, const char *data, size_t size)
{
    if (out->cap - out->len >= size) {
        memcpy(out->buf + out->len, data, size);
        out->len += size;
        return 0;
    }
    return nz_output_put_slow(out, data, size);
}

static inline int nz_output_putc(nz_output *out, char c)
{
    if (out->len < out->cap) {
        out->buf[out->len++] = c;
        return 0;
    }
    return nz_output_put_slow(out, &c, 1);
}

#endif
