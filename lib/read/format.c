/* Format names and file-extension guessing. */
#include "normalize/format.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    nz_format format;
} format_names[] = {
    {"json", NZ_FORMAT_JSON},
    {"ndjson", NZ_FORMAT_NDJSON},
    {"jsonl", NZ_FORMAT_NDJSON},
    {"json-seq", NZ_FORMAT_JSON_SEQ},
    {"yaml", NZ_FORMAT_YAML},
    {"yml", NZ_FORMAT_YAML},
    {"xml", NZ_FORMAT_XML},
    {"csv", NZ_FORMAT_CSV},
    {"tsv", NZ_FORMAT_TSV},
};

static const struct {
    const char *extension;
    nz_format format;
} format_extensions[] = {
    {".json", NZ_FORMAT_JSON},
    {".ndjson", NZ_FORMAT_NDJSON},
    {".jsonl", NZ_FORMAT_NDJSON},
    {".json-seq", NZ_FORMAT_JSON_SEQ},
    {".yaml", NZ_FORMAT_YAML},
    {".yml", NZ_FORMAT_YAML},
    {".xml", NZ_FORMAT_XML},
    {".csv", NZ_FORMAT_CSV},
    {".tsv", NZ_FORMAT_TSV},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

nz_format nz_format_from_name(const char *name)
{
    if (!name)
        return NZ_FORMAT_AUTO;
    for (size_t i = 0; i < COUNT(format_names); i++)
        if (strcasecmp(name, format_names[i].name) == 0)
            return format_names[i].format;
    return NZ_FORMAT_AUTO;
}

nz_format nz_format_from_path(const char *path)
{
    if (!path)
        return NZ_FORMAT_AUTO;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return NZ_FORMAT_AUTO;
    for (size_t i = 0; i < COUNT(format_extensions); i++)
        if (strcasecmp(dot, format_extensions[i].extension) == 0)
            return format_extensions[i].format;
    return NZ_FORMAT_AUTO;
}

const char *nz_format_name(nz_format format)
{
    switch (format) {
    case NZ_FORMAT_AUTO:
        return "auto";
    case NZ_FORMAT_JSON:
        return "json";
    case NZ_FORMAT_NDJSON:
        return "ndjson";
    case NZ_FORMAT_JSON_SEQ:
        return "json-seq";
    case NZ_FORMAT_YAML:
        return "yaml";
    case NZ_FORMAT_XML:
        return "xml";
    case NZ_FORMAT_CSV:
        return "csv";
    case NZ_FORMAT_TSV:
        return "tsv";
    }
    return NULL;
}
