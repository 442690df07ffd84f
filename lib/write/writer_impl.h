/* What every format's writer plugs into: the generic nz_writer (writer.c)
 * owns the sink, the buffer and the error states; a format appends each
 * record, framed, to w->out and may add a trailer at the end. */
#ifndef NZ_WRITE_WRITER_IMPL_H
#define NZ_WRITE_WRITER_IMPL_H

#include <stdint.h>

#include "core/output.h"
#include "normalize/write.h"

typedef struct nz_writer_ops {
    /* Are these options valid for this format? NZ_OK, or NZ_EINVAL with
     * diag saying which. Runs before anything is allocated. */
    int (*check)(const nz_write_options *opts, nz_diag *diag);
    /* Set up w->state. */
    int (*open)(nz_writer *w, const nz_write_options *opts, nz_diag *diag);
    /* Append one record to w->out. On failure the generic writer takes
     * back whatever of it is still in the buffer. */
    int (*write)(nz_writer *w, const json_t *record, nz_diag *diag);
    /* Append what ends the output (may be NULL). */
    int (*finish)(nz_writer *w, nz_diag *diag);
    /* Free w->state (may be NULL). */
    void (*close)(nz_writer *w);
} nz_writer_ops;

enum nz_writer_state { NZ_WRITER_OPEN, NZ_WRITER_FINISHED, NZ_WRITER_CUT };

struct nz_writer {
    nz_output out;         /* must not move: the fd sink points into it */
    nz_write_fn sink_fn;   /* the real sink, behind count_and_forward()  */
    void *sink_ctx;
    uint64_t handed;       /* bytes handed to the sink so far            */
    const nz_writer_ops *ops;
    void *state;           /* the format's own                           */
    nz_format format;
    uint64_t records;      /* records written                            */
    enum nz_writer_state phase;
    nz_diag *warnings;     /* about the record being written             */
    size_t warning_count;
    size_t warning_cap;
};

/* Note a lossy step in the record being written; path is the JSON Pointer
 * of the value concerned. Returns 0 or NZ_ENOMEM. */
int nz_writer_warn(nz_writer *w, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The writers of JSON, NDJSON and JSON text sequences (json_records.c). */
extern const nz_writer_ops nz_json_writer_ops;
extern const nz_writer_ops nz_csv_writer_ops;
/* The XML writer (xml_write.c). */
extern const nz_writer_ops nz_xml_writer_ops;
/* The YAML writer (yaml_write.c). */
extern const nz_writer_ops nz_yaml_writer_ops;

#define NZ_WRITE_MAX_INDENT 16

#endif
