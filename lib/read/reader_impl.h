/* What every format's reader plugs into: the generic nz_reader (reader.c)
 * owns the input and options and forwards to the format's operations. */
#ifndef NZ_READ_READER_IMPL_H
#define NZ_READ_READER_IMPL_H

#include "core/input.h"
#include "normalize/read.h"

typedef struct nz_reader_ops {
    /* Set up r->state. Returns NZ_OK or NZ_E* with diag filled. */
    int (*open)(nz_reader *r, nz_diag *diag);
    /* As nz_reader_next(). */
    int (*next)(nz_reader *r, json_t **out, nz_diag *diag);
    /* As nz_reader_locate(). */
    int (*locate)(const nz_reader *r, const char *pointer, nz_position *out);
    /* Free r->state (may be NULL when open failed half-way). */
    void (*close)(nz_reader *r);
} nz_reader_ops;

struct nz_reader {
    const nz_reader_ops *ops;
    nz_read_options opts; /* with defaults filled in */
    char *source;         /* name for diagnostics    */
    nz_input in;
    void *state;          /* the format's own        */
    nz_diag *warnings;    /* about the current record */
    size_t warning_count;
    size_t warning_cap;
};

/* A lossy step in the current record at `pos` (may be NULL) and JSON
 * Pointer `path` (may be NULL). Without NZ_READ_STRICT it is kept as a
 * warning (nz_reader_warning()) and 0 is returned; with it, diag is filled
 * and NZ_ELOSSY returned, to be returned by the format's next(). */
int nz_reader_lossy(nz_reader *r, nz_diag *diag, const nz_position *pos,
                    const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

extern const nz_reader_ops nz_json_reader_ops;
extern const nz_reader_ops nz_csv_reader_ops;
extern const nz_reader_ops nz_xml_reader_ops;
extern const nz_reader_ops nz_yaml_reader_ops;

#endif
