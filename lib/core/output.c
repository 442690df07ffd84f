#include "core/output.h"

#include <errno.h>
#include <unistd.h>

#include "core/alloc.h"
#include "normalize/error.h"

static int write_fd(const char *data, size_t size, void *ctx)
{
    int fd = *(const int *)ctx;
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EPIPE ? NZ_EPIPE : NZ_EIO;
        }
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

static int write_file(const char *data, size_t size, void *ctx)
{
    FILE *fp = ctx;
    if (fwrite(data, 1, size, fp) == size)
        return 0;
    return errno == EPIPE ? NZ_EPIPE : NZ_EIO;
}

int nz_output_init_callback(nz_output *out, nz_write_fn fn, void *ctx)
{
    memset(out, 0, sizeof *out);
    out->buf = nz_alloc(NZ_OUTPUT_BUFFER);
    if (!out->buf)
        return NZ_ENOMEM;
    out->cap = NZ_OUTPUT_BUFFER;
    out->fn = fn;
    out->ctx = ctx;
    out->fd = -1;
    return 0;
}

int nz_output_init_fd(nz_output *out, int fd)
{
    int rc = nz_output_init_callback(out, write_fd, NULL);
    if (rc == 0) {
        out->fd = fd;
        out->ctx = &out->fd; /* the struct must not move after init */
    }
    return rc;
}

int nz_output_init_file(nz_output *out, FILE *fp)
{
    int rc = nz_output_init_callback(out, write_file, fp);
    if (rc == 0)
        out->fp = fp;
    return rc;
}

void nz_output_free(nz_output *out)
{
    nz_free(out->buf);
    out->buf = NULL;
    out->len = out->cap = 0;
}

/* Hand the buffered bytes to the sink; a failure sticks. */
static int hand_over(nz_output *out)
{
    if (out->len == 0)
        return 0;
    int rc = out->fn(out->buf, out->len, out->ctx);
    out->len = 0;
    if (rc)
        out->err = rc;
    return rc;
}

int nz_output_flush(nz_output *out)
{
    if (out->err)
        return out->err;
    int rc = hand_over(out);
    if (rc)
        return rc;
    if (out->fp && fflush(out->fp) != 0) {
        out->err = errno == EPIPE ? NZ_EPIPE : NZ_EIO;
        return out->err;
    }
    return 0;
}

int nz_output_put_slow(nz_output *out, const char *data, size_t size)
{
    if (out->err)
        return out->err;
    int rc = hand_over(out);
    if (rc)
        return rc;
    if (size >= out->cap) { /* too big to buffer: pass straight through */
        rc = out->fn(data, size, out->ctx);
        if (rc)
            out->err = rc;
        return rc;
    }
    memcpy(out->buf, data, size);
    out->len = size;
    return 0;
}
