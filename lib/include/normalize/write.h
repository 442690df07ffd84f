/* libnormalize — streaming writers: one record (a jansson tree) at a time
 * in, text out. Output is buffered and handed to the sink incrementally,
 * so writing never holds more than one buffer beside the record. */
#ifndef NORMALIZE_WRITE_H
#define NORMALIZE_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "diag.h"
#include "export.h"
#include "format.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open writer. Opaque; one owner; not thread-safe. */
typedef struct nz_writer nz_writer;

/** Option flags for nz_write_options.flags. */
enum {
    /** Object members in code point order of their keys, not as read. */
    NZ_WRITE_SORT_KEYS = 1u << 0,
    /** Escape every non-ASCII character, and DEL, as \uXXXX (lowercase
     *  hex, surrogate pairs above U+FFFF), so the output is plain
     *  printable ASCII. */
    NZ_WRITE_ASCII = 1u << 1,
    /** RFC 8785 JSON Canonicalization Scheme: no whitespace, keys sorted by
     *  UTF-16 code units, numbers as ECMAScript prints them (so integers
     *  beyond 2^53 lose precision, as the RFC requires), minimal string
     *  escaping. Overrides indent, SORT_KEYS and ASCII. */
    NZ_WRITE_CANONICAL = 1u << 2,
    /** NZ_FORMAT_JSON only (NZ_EINVAL with other formats): write all
     *  records as the elements of one array ("[", records separated by
     *  ",", "]" at nz_writer_finish()). */
    NZ_WRITE_ARRAY = 1u << 3,
};

/** XML writer options. */
typedef struct nz_xml_write_options {
    const char *root_name;   /**< document element when records need one
                                  (default "root"); borrowed            */
    const char *record_name; /**< element of each record under the root
                                  (default "record"); borrowed          */
    size_t reserved[4];
} nz_xml_write_options;

/** CSV writer flags (nz_csv_write_options.flags). */
enum {
    /** Records with other keys than the first record's: fill missing
     *  fields with empty ones and drop extra keys with a warning,
     *  instead of an error. */
    NZ_CSV_FILL = 1u << 0,
    /** No header row. */
    NZ_CSV_OMIT_HEADER = 1u << 1,
};

/** CSV and TSV writer options. Nested values are flattened to dotted
 *  headers ("address.city", "tags.0"), as miller does. */
typedef struct nz_csv_write_options {
    char delimiter;     /**< 0 = ',' for CSV, '\t' for TSV              */
    unsigned flags;     /**< NZ_CSV_FILL, NZ_CSV_OMIT_HEADER             */
    size_t reserved[4];
} nz_csv_write_options;

/** Writer options. Always start from nz_write_options_init(). */
typedef struct nz_write_options {
    nz_format format; /**< JSON (default), NDJSON or JSON_SEQ          */
    unsigned flags;   /**< NZ_WRITE_* flags                             */
    int indent;       /**< JSON and JSON_SEQ: 0 = compact (default),
                           1..16 = pretty, that many spaces per level.
                           NDJSON is always compact. YAML: block indent
                           (0 = 2).                                     */
    nz_xml_write_options xml; /**< NZ_FORMAT_XML only                    */
    nz_csv_write_options csv; /**< NZ_FORMAT_CSV / TSV only              */
    size_t reserved[8]; /**< zero; room to grow                         */
} nz_write_options;

/** Fill *opts with the defaults (compact JSON). */
NZ_API void nz_write_options_init(nz_write_options *opts);

/**
 * Where a writer's bytes go: called with each full buffer and at flush.
 * Return 0, or a negative NZ_E* code (NZ_EPIPE when the consumer went away,
 * NZ_EIO otherwise) to make the write fail with it.
 */
typedef int (*nz_write_fn)(const char *data, size_t size, void *ctx);

/**
 * Open a writer on a file descriptor (borrowed; never closed). A reader
 * that went away (EPIPE) fails writes with NZ_EPIPE; SIGPIPE is the
 * caller's to ignore or handle.
 *
 * @param out   receives the writer (caller owns; nz_writer_close()).
 * @param opts  borrowed; NULL for defaults.
 * @param diag  filled on failure; may be NULL.
 * @return NZ_OK, NZ_EINVAL (bad options), NZ_EFORMAT, NZ_ENOMEM.
 *
 * @code
 *   nz_writer *w;
 *   nz_write_options o;
 *   nz_write_options_init(&o);
 *   o.format = NZ_FORMAT_NDJSON;
 *   if (nz_writer_open_fd(&w, 1, &o, &d) == NZ_OK) {
 *       nz_writer_write(w, record, &d);   // record stays the caller's
 *       nz_writer_finish(w, &d);          // flush; check for errors
 *       nz_writer_close(&w);
 *   }
 * @endcode
 */
NZ_API int nz_writer_open_fd(nz_writer **out, int fd,
                             const nz_write_options *opts, nz_diag *diag);

/** As nz_writer_open_fd() on a stdio stream (borrowed; never closed;
 *  fflush()ed by nz_writer_flush() and nz_writer_finish()). */
NZ_API int nz_writer_open_file(nz_writer **out, FILE *fp,
                               const nz_write_options *opts, nz_diag *diag);

/** As nz_writer_open_fd() with a callback sink; ctx is passed through. */
NZ_API int nz_writer_open_callback(nz_writer **out, nz_write_fn fn,
                                   void *ctx, const nz_write_options *opts,
                                   nz_diag *diag);

/**
 * Write one record.
 *
 * @param w       the writer.
 * @param record  the record (borrowed; not modified).
 * @param diag    filled on failure; may be NULL.
 * @return NZ_OK; NZ_EUNREPRESENTABLE (a real that is not finite, a string
 *         that is not valid UTF-8); NZ_EDEPTH (nesting deeper than
 *         NZ_READ_JSON_DEPTH_LIMIT, the outer array of NZ_WRITE_ARRAY
 *         counting as one level); NZ_ENOMEM; NZ_EPIPE / NZ_EIO from the
 *         sink, which are sticky: every later write, flush and finish
 *         returns the same code; NZ_ESTATE after nz_writer_finish().
 *         When a record fails for its content, nothing of it reaches the
 *         sink and the writer carries on with the next record, unless the
 *         buffer filled while writing it: then the output is cut there and
 *         every later call returns NZ_ESTATE. diag->path is the JSON
 *         Pointer of the offending value.
 */
NZ_API int nz_writer_write(nz_writer *w, const json_t *record,
                           nz_diag *diag);

/**
 * Warnings about the record most recently passed to nz_writer_write():
 * lossy steps the format allowed (e.g. NZ_CSV_FILL dropping a key). Each
 * has diag->path set to the JSON Pointer of the value concerned.
 *
 * @return the number of warnings (0 before the first write).
 */
NZ_API size_t nz_writer_warning_count(const nz_writer *w);

/** Warning i (< nz_writer_warning_count()); borrowed, valid until the
 *  next write or close. NULL when i is out of range. */
NZ_API const nz_diag *nz_writer_warning(const nz_writer *w, size_t i);

/** Hand everything buffered to the sink now. */
NZ_API int nz_writer_flush(nz_writer *w, nz_diag *diag);

/** End the output (closing "]" for NZ_WRITE_ARRAY) and flush. Further
 *  writes fail with NZ_ESTATE. Call it and check it before close: close
 *  cannot report errors. */
NZ_API int nz_writer_finish(nz_writer *w, nz_diag *diag);

/** Free a writer and set *w to NULL; accepts NULL. Does not flush. */
NZ_API void nz_writer_close(nz_writer **w);

/**
 * Serialise one value to a new NUL-terminated string.
 *
 * @param value  borrowed.
 * @param opts   borrowed; NULL for compact JSON; format must be JSON.
 * @param out    receives the text (caller frees with nz_free()).
 * @param size   receives its length without the NUL; may be NULL.
 * @return NZ_OK, or as nz_writer_write() (NZ_ENOMEM included); on failure
 *         *out is NULL and *size 0. No trailing newline is added. For the
 *         reason in words, use a writer with a diagnostic instead.
 */
NZ_API int nz_write_string(const json_t *value, const nz_write_options *opts,
                           char **out, size_t *size);

/** Free memory that the library handed to the caller (nz_write_string).
 *  Accepts NULL. */
NZ_API void nz_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* NORMALIZE_WRITE_H */
