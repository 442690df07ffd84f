/* Dialects: which draft a "$schema" URI names, and which keywords each
 * draft knows. */
#ifndef NZ_SCHEMA_DIALECT_H
#define NZ_SCHEMA_DIALECT_H

#include <stdbool.h>

#include "normalize/schema.h"

/* The draft a meta-schema URI names, or NZ_DIALECT_AUTO when it is not one
 * of the official ones. Accepts http and https, with or without the empty
 * fragment "#". */
nz_dialect nz_dialect_from_uri(const char *uri);

/* "4", "6", "7", "2019-09", "2020-12" (for messages). */
const char *nz_dialect_name(nz_dialect d);

/* The canonical meta-schema URI of a draft (no trailing '#'). */
const char *nz_dialect_uri(nz_dialect d);

/* Vocabulary bits (2019-09 and later: which keyword groups are active). */
enum {
    NZ_VOCAB_CORE = 1u << 0,
    NZ_VOCAB_APPLICATOR = 1u << 1,
    NZ_VOCAB_VALIDATION = 1u << 2,
    NZ_VOCAB_UNEVALUATED = 1u << 3,
    NZ_VOCAB_FORMAT_ASSERTION = 1u << 4,
    NZ_VOCAB_FORMAT_ANNOTATION = 1u << 5,
    NZ_VOCAB_META = 1u << 6,
    NZ_VOCAB_CONTENT = 1u << 7,
    NZ_VOCAB_ALL = 0xffu & ~(unsigned)NZ_VOCAB_FORMAT_ASSERTION,
};

/* The bit of a vocabulary URI; 0 when unknown. */
unsigned nz_vocab_from_uri(const char *uri);

#endif
