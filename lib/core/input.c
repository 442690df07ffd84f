#include "core/input.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "normalize/error.h"

void nz_input_init_fd(nz_input *in, int fd)
{
    memset(in, 0, sizeof *in);
    in->kind = NZ_INPUT_FD;
    in->fd = fd;
}

void nz_input_init_file(nz_input *in, FILE *fp)
{
    memset(in, 0, sizeof *in);
    in->kind = NZ_INPUT_FILE;
    in->fd = -1;
    in->fp = fp;
}

void nz_input_init_memory(nz_input *in, const void *data, size_t size)
{
    memset(in, 0, sizeof *in);
    in->kind = NZ_INPUT_MEMORY;
    in->fd = -1;
    in->data = data;
    in->len = size;
    in->eof = true;
}

void nz_input_free(nz_input *in)
{
    nz_free(in->buf);
    in->buf = NULL;
    in->cap = 0;
}

/* Make room for one chunk after the unconsumed bytes: slide them to the
 * front of the buffer, and grow it only when they fill most of it. */
static int make_room(nz_input *in)
{
    size_t keep = in->len;
    if (in->buf && in->data != in->buf && keep > 0)
        memmove(in->buf, in->data, keep);
    if (in->cap - keep < NZ_INPUT_CHUNK) {
        size_t want = in->cap ? in->cap : 2 * NZ_INPUT_CHUNK;
        while (want - keep < NZ_INPUT_CHUNK) {
            if (want > SIZE_MAX / 2)
                return NZ_ENOMEM;
            want *= 2;
        }
        unsigned char *grown = nz_realloc(in->buf, want);
        if (!grown)
            return NZ_ENOMEM;
        in->buf = grown;
        in->cap = want;
    }
    in->data = in->buf;
    return 0;
}

long nz_input_more(nz_input *in)
{
    if (in->eof)
        return 0;
    int rc = make_room(in);
    if (rc)
        return rc;
    unsigned char *dst = in->buf + in->len;
    size_t room = in->cap - in->len;
    /* One chunk per read, as input.h says: a reader checks its record-size
     * limit between reads, so a huge record is refused after at most one
     * chunk past the limit instead of after filling a doubled buffer
     * (a 100 MB line peaked at 64 MiB of window under the 32 MiB limit). */
    if (room > NZ_INPUT_CHUNK)
        room = NZ_INPUT_CHUNK;
    for (;;) {
        size_t got;
        if (in->kind == NZ_INPUT_FD) {
            ssize_t n = read(in->fd, dst, room);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                in->read_errno = errno;
                return NZ_EIO;
            }
            got = (size_t)n;
        } else {
            got = fread(dst, 1, room, in->fp);
            if (got == 0 && ferror(in->fp)) {
                in->read_errno = errno ? errno : EIO;
                return NZ_EIO;
            }
        }
        if (got == 0) {
            in->eof = true;
            return 0;
        }
        in->len += got;
        return (long)got;
    }
}
