/* libnormalize — streaming readers: bytes in, one record (a jansson tree)
 * at a time out.
 *
 * A reader never holds more than the record being read plus one read
 * buffer, so memory is bounded by the largest record, not by the input.
 * Every failure comes with a diagnostic naming the source, line and column.
 */
#ifndef NORMALIZE_READ_H
#define NORMALIZE_READ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "diag.h"
#include "export.h"
#include "format.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open reader. Opaque; one owner; not safe to share between threads
 *  (open one reader per thread instead). */
typedef struct nz_reader nz_reader;

/** Option flags for nz_read_options.flags. */
enum {
    /** Duplicate object keys: the last one wins instead of being an error
     *  (the default is an NZ_EDUPKEY error naming the key). */
    NZ_READ_DUPLICATE_KEYS_LAST = 1u << 0,
    /** NZ_FORMAT_JSON: the input must hold exactly one value; anything
     *  after it is an NZ_ESYNTAX error. */
    NZ_READ_SINGLE_VALUE = 1u << 1,
    /** Keep the source position of every node of the current record, for
     *  nz_reader_locate(). JSON finds positions from the source text when
     *  asked and ignores this flag (it costs nothing there). */
    NZ_READ_KEEP_POSITIONS = 1u << 2,
    /** A step that loses information (XML mixed content, reordered
     *  siblings, ...) is an NZ_ELOSSY error instead of a warning. */
    NZ_READ_STRICT = 1u << 3,
};

/** YAML reader flags (nz_yaml_read_options.flags). */
enum {
    /** Type plain scalars as YAML 1.1 does (yes/no/on/off are booleans,
     *  0777 is octal, 1:20 is sexagesimal) instead of the 1.2 core schema. */
    NZ_YAML_1_1 = 1u << 0,
    /** Do not apply merge keys ("<<"): keep "<<" as an ordinary key. */
    NZ_YAML_NO_MERGE = 1u << 1,
};

/** YAML options. */
typedef struct nz_yaml_read_options {
    unsigned flags;      /**< NZ_YAML_* flags                             */
    size_t alias_factor; /**< nodes produced may be at most this many
                              times the nodes parsed (alias expansion
                              budget); 0 = default (10)                   */
    size_t reserved[4];
} nz_yaml_read_options;

/** XML reader flags (nz_xml_read_options.flags). */
enum {
    /** Drop namespace prefixes from element and attribute names. */
    NZ_XML_STRIP_NAMESPACES = 1u << 0,
};

/** XML options. */
typedef struct nz_xml_read_options {
    /** Slash path of the elements that are records ("/orders/order");
     *  NULL: the whole document is one record {"root-name": content}.  */
    const char *record_path;
    /** Paths (same syntax, absolute from the document root) of elements
     *  that are always arrays, even when they occur once. Borrowed.    */
    const char *const *array_paths;
    size_t array_path_count;
    unsigned flags;             /**< NZ_XML_* flags                      */
    size_t max_entity_expansion; /**< bytes entities may expand to; 0 =
                                      default                            */
    /** Distinct element and attribute names (with prefixes and namespace
     *  URIs) the whole stream may use; past it reading stops with
     *  NZ_ETOOBIG. libxml2 keeps every name until the stream ends and
     *  slows down with the square of their number, so a stream that
     *  keeps inventing names would otherwise cost unbounded time and
     *  memory. The count is of libxml2's dictionary, which also holds
     *  the few names libxml2 enters itself and short runs of white space
     *  between elements, and libxml2 parses a little ahead of the record
     *  being built. 0 = NZ_XML_DEFAULT_MAX_NAMES.                       */
    size_t max_names;
    size_t reserved[3];
} nz_xml_read_options;

/** Default of nz_xml_read_options.max_names. */
#define NZ_XML_DEFAULT_MAX_NAMES ((size_t)100000)

/** CSV reader flags (nz_csv_read_options.flags). */
enum {
    NZ_CSV_NO_HEADER = 1u << 0,      /**< rows are arrays, no header row  */
    NZ_CSV_ALLOW_RAGGED = 1u << 1,   /**< short rows padded with null,
                                          extra fields kept               */
    NZ_CSV_DUPLICATE_HEADER_ERROR = 1u << 2, /**< instead of x, x_2, ... */
    NZ_CSV_INFER = 1u << 3,          /**< numbers, booleans, empty->null;
                                          leading zeros stay strings      */
    NZ_CSV_UNFLATTEN = 1u << 4,      /**< "a.b" and "t.0" headers nest    */
};

/** CSV and TSV options. */
typedef struct nz_csv_read_options {
    char delimiter;     /**< 0 = ',' for CSV, '\t' for TSV              */
    unsigned flags;     /**< NZ_CSV_* flags                              */
    size_t reserved[4];
} nz_csv_read_options;

/** Default limits (see nz_read_options). */
#define NZ_READ_DEFAULT_MAX_DEPTH 1000
#define NZ_READ_DEFAULT_MAX_RECORD_BYTES ((size_t)32 << 20) /* 32 MiB */
/** The deepest nesting the JSON reader can accept (jansson's own limit). */
#define NZ_READ_JSON_DEPTH_LIMIT 2048

/** Reader options. Always start from nz_read_options_init(). */
typedef struct nz_read_options {
    nz_format format;    /**< input format; AUTO = from source_name's
                              extension, else NZ_FORMAT_JSON            */
    unsigned flags;      /**< NZ_READ_* flags                           */
    size_t max_depth;    /**< deepest nesting of arrays/objects; deeper
                              input is an NZ_EDEPTH error. 0 = default.
                              JSON accepts at most
                              NZ_READ_JSON_DEPTH_LIMIT.                  */
    size_t max_record_bytes; /**< largest record, in bytes of input; a
                              larger one is an NZ_ETOOBIG error. 0 = the
                              default; SIZE_MAX = no limit.              */
    const char *source_name; /**< name used in diagnostics (copied); NULL
                              = "<stdin>" for fd 0, "<input>" otherwise */
    nz_yaml_read_options yaml; /**< used by NZ_FORMAT_YAML only          */
    nz_xml_read_options xml;   /**< used by NZ_FORMAT_XML only; strings
                                    are copied at open                  */
    nz_csv_read_options csv;   /**< used by NZ_FORMAT_CSV / TSV only     */
    size_t reserved[8];  /**< zero; room to grow without an ABI break   */
} nz_read_options;

/** Fill *opts with the defaults. */
NZ_API void nz_read_options_init(nz_read_options *opts);

/**
 * Open a reader on a file descriptor. The descriptor stays the caller's:
 * the reader never closes it.
 *
 * @param out   receives the new reader (caller owns it; free with
 *              nz_reader_close()); set to NULL on failure.
 * @param fd    an open, readable descriptor (borrowed).
 * @param opts  options (borrowed; copied); NULL for defaults.
 * @param diag  filled on failure; may be NULL.
 * @return NZ_OK, NZ_EINVAL, NZ_EFORMAT or NZ_ENOMEM.
 *
 * @code
 *   nz_reader *r;
 *   nz_read_options o;
 *   nz_read_options_init(&o);
 *   o.format = NZ_FORMAT_NDJSON;
 *   o.source_name = "events.ndjson";
 *   nz_diag d = {0};
 *   if (nz_reader_open_fd(&r, fd, &o, &d) == NZ_OK) {
 *       json_t *rec;
 *       int rc;
 *       while ((rc = nz_reader_next(r, &rec, &d)) > 0) {
 *           use(rec);
 *           json_decref(rec);
 *       }
 *       if (rc < 0) report(&d);  // "events.ndjson:3:8: error: ..."
 *       nz_reader_close(&r);
 *   }
 * @endcode
 */
NZ_API int nz_reader_open_fd(nz_reader **out, int fd,
                             const nz_read_options *opts, nz_diag *diag);

/** As nz_reader_open_fd() on a stdio stream (borrowed; never closed). The
 *  reader reads with fread(), so it sees data already buffered in fp. */
NZ_API int nz_reader_open_file(nz_reader **out, FILE *fp,
                               const nz_read_options *opts, nz_diag *diag);

/** As nz_reader_open_fd() on a memory buffer. The buffer is borrowed, not
 *  copied: it must stay valid and unchanged until nz_reader_close(). */
NZ_API int nz_reader_open_memory(nz_reader **out, const void *data,
                                 size_t size, const nz_read_options *opts,
                                 nz_diag *diag);

/**
 * Read the next record.
 *
 * @param r     the reader.
 * @param out   on 1, receives a new reference to the record (the caller
 *              owns it and must json_decref() it); otherwise set to NULL.
 * @param diag  filled when the return is negative; may be NULL.
 * @return 1 when a record was read, 0 at the end of the input, or a
 *         negative NZ_E* code. After an error in a line-framed format
 *         (NDJSON, JSON text sequences) the next call resumes with the next
 *         record; in NZ_FORMAT_JSON an error is final and later calls
 *         return NZ_ESTATE.
 */
NZ_API int nz_reader_next(nz_reader *r, json_t **out, nz_diag *diag);

/**
 * For inputs that must hold exactly one record (a schema file, a config):
 * call after the one nz_reader_next() that returned it. Reads on, and
 * reports what follows as an error at its position instead of leaving it
 * unread. The record already returned can no longer be located
 * (nz_reader_locate()) afterwards: locate first.
 *
 * @param diag  filled when the return is negative; may be NULL.
 * @return NZ_OK when the input ends there; NZ_ESYNTAX "more than one
 *         record" at the second one's start; or the reader's error for
 *         what follows (JSON with NZ_READ_SINGLE_VALUE reports anything
 *         after the value this way).
 */
NZ_API int nz_reader_expect_end(nz_reader *r, nz_diag *diag);

/**
 * Where a node of the record most recently returned by nz_reader_next()
 * begins in the source.
 *
 * @param r        the reader (borrowed).
 * @param pointer  an RFC 6901 JSON Pointer into that record ("" is the
 *                 record itself, "/items/0/name" a nested member).
 * @param out      receives line, column and byte offset.
 * @return NZ_OK, NZ_ENOTFOUND (no such node, or no current record),
 *         NZ_EINVAL.
 */
NZ_API int nz_reader_locate(const nz_reader *r, const char *pointer,
                            nz_position *out);

/**
 * Warnings about the record most recently returned by nz_reader_next():
 * lossy steps (XML mixed content, ...) that NZ_READ_STRICT would have
 * made errors.
 *
 * @return the number of warnings (0 when there is no current record).
 */
NZ_API size_t nz_reader_warning_count(const nz_reader *r);

/** Warning i (< nz_reader_warning_count()) of the current record, with
 *  its position and path. Borrowed: valid until the next call of
 *  nz_reader_next() or nz_reader_close(). NULL when i is out of range. */
NZ_API const nz_diag *nz_reader_warning(const nz_reader *r, size_t i);

/** The name diagnostics use for this reader's input (borrowed; valid
 *  until nz_reader_close()). */
NZ_API const char *nz_reader_source_name(const nz_reader *r);

/** Close a reader and set *r to NULL. Accepts NULL and *r == NULL. */
NZ_API void nz_reader_close(nz_reader **r);

#ifdef __cplusplus
}
#endif

#endif /* NORMALIZE_READ_H */
