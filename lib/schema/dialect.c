/* $schema URIs and vocabularies: see dialect.h. */
#include "schema/dialect.h"

#include <string.h>

static const struct {
    const char *uri; /* without scheme, without trailing '#' */
    nz_dialect d;
} known[] = {
    {"json-schema.org/draft-04/schema", NZ_DIALECT_DRAFT4},
    {"json-schema.org/draft-06/schema", NZ_DIALECT_DRAFT6},
    {"json-schema.org/draft-07/schema", NZ_DIALECT_DRAFT7},
    {"json-schema.org/draft/2019-09/schema", NZ_DIALECT_2019_09},
    {"json-schema.org/draft/2020-12/schema", NZ_DIALECT_2020_12},
};

nz_dialect nz_dialect_from_uri(const char *uri)
{
    if (!uri)
        return NZ_DIALECT_AUTO;
    if (strncmp(uri, "http://", 7) == 0)
        uri += 7;
    else if (strncmp(uri, "https://", 8) == 0)
        uri += 8;
    else
        return NZ_DIALECT_AUTO;
    size_t n = strlen(uri);
    if (n && uri[n - 1] == '#')
        n--;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i].uri) == n && memcmp(known[i].uri, uri, n) == 0)
            return known[i].d;
    return NZ_DIALECT_AUTO;
}

const char *nz_dialect_uri(nz_dialect d)
{
    switch (d) {
    case NZ_DIALECT_DRAFT4:
        return "http://json-schema.org/draft-04/schema";
    case NZ_DIALECT_DRAFT6:
        return "http://json-schema.org/draft-06/schema";
    case NZ_DIALECT_DRAFT7:
        return "http://json-schema.org/draft-07/schema";
    case NZ_DIALECT_2019_09:
        return "https://json-schema.org/draft/2019-09/schema";
    default:
        return "https://json-schema.org/draft/2020-12/schema";
    }
}

unsigned nz_vocab_from_uri(const char *uri)
{
    static const struct {
        const char *name;
        unsigned bit;
    } v[] = {
        {"core", NZ_VOCAB_CORE},
        {"applicator", NZ_VOCAB_APPLICATOR},
        {"validation", NZ_VOCAB_VALIDATION},
        {"unevaluated", NZ_VOCAB_UNEVALUATED},
        {"format-assertion", NZ_VOCAB_FORMAT_ASSERTION},
        {"format-annotation", NZ_VOCAB_FORMAT_ANNOTATION},
        {"format", NZ_VOCAB_FORMAT_ANNOTATION},
        {"meta-data", NZ_VOCAB_META},
        {"content", NZ_VOCAB_CONTENT},
    };
    const char *p = NULL;
    if (strncmp(uri, "https://json-schema.org/draft/2020-12/vocab/", 44) == 0)
        p = uri + 44;
    else if (strncmp(uri, "https://json-schema.org/draft/2019-09/vocab/",
                     44) == 0)
        p = uri + 44;
    if (!p)
        return 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(v[i].name, p) == 0)
            return v[i].bit;
    return 0;
}

const char *nz_dialect_name(nz_dialect d)
{
    switch (d) {
    case NZ_DIALECT_DRAFT4:
        return "4";
    case NZ_DIALECT_DRAFT6:
        return "6";
    case NZ_DIALECT_DRAFT7:
        return "7";
    case NZ_DIALECT_2019_09:
        return "2019-09";
    default:
        return "2020-12";
    }
}
