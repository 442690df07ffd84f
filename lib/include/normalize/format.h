/* libnormalize — data formats the readers and writers know. */
#ifndef NORMALIZE_FORMAT_H
#define NORMALIZE_FORMAT_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Formats. Numbers are stable (append only). */
typedef enum nz_format {
    NZ_FORMAT_AUTO = 0,     /**< choose from the file name (readers only)  */
    NZ_FORMAT_JSON = 1,     /**< one or more JSON values, concatenated     */
    NZ_FORMAT_NDJSON = 2,   /**< one JSON value per line (JSON Lines)      */
    NZ_FORMAT_JSON_SEQ = 3, /**< RFC 7464 JSON text sequence (RS ... LF)   */
    NZ_FORMAT_YAML = 4,     /**< YAML 1.2 (1.1 typing on request); each
                                 document of a stream is a record          */
    NZ_FORMAT_XML = 5,      /**< XML, mapped as xmltodict does             */
    NZ_FORMAT_CSV = 6,      /**< RFC 4180 comma-separated values           */
    NZ_FORMAT_TSV = 7,      /**< tab-separated values (CSV with tabs)      */
} nz_format;

/**
 * Look a format up by name: "json", "ndjson" (also "jsonl"), "json-seq",
 * "yaml" (also "yml"), "xml", "csv", "tsv". Case-insensitive.
 *
 * @return the format, or NZ_FORMAT_AUTO when the name is unknown.
 */
NZ_API nz_format nz_format_from_name(const char *name);

/**
 * Guess a format from a file name's extension (".json", ".ndjson",
 * ".jsonl", ".json-seq", ".yaml", ".yml", ".xml", ".csv", ".tsv");
 * NZ_FORMAT_AUTO when it says nothing.
 */
NZ_API nz_format nz_format_from_path(const char *path);

/** The canonical name of a format ("ndjson"); "auto" for NZ_FORMAT_AUTO,
 *  NULL for values that are not formats. Static string. */
NZ_API const char *nz_format_name(nz_format format);

#ifdef __cplusplus
}
#endif

#endif /* NORMALIZE_FORMAT_H */
