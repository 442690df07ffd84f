/* Format name -> checker. Names are those of 2020-12 §7.3 (the older drafts
 * use a subset of them); anything else is an annotation. */
#include "schema/format.h"

#include <string.h>

#include "schema/format_impl.h"

static const struct {
    const char *name;
    nz_format_check_fn check;
} formats[] = {
    {"date", nz_format_date},
    {"date-time", nz_format_date_time},
    {"duration", nz_format_duration},
    {"email", nz_format_email},
    {"hostname", nz_format_hostname},
    {"idn-email", nz_format_idn_email},
    {"idn-hostname", nz_format_idn_hostname},
    {"ipv4", nz_format_ipv4},
    {"ipv6", nz_format_ipv6},
    {"iri", nz_format_iri},
    {"iri-reference", nz_format_iri_reference},
    {"json-pointer", nz_format_json_pointer},
    {"regex", nz_format_regex},
    {"relative-json-pointer", nz_format_relative_json_pointer},
    {"time", nz_format_time},
    {"uri", nz_format_uri},
    {"uri-reference", nz_format_uri_reference},
    {"uri-template", nz_format_uri_template},
    {"uuid", nz_format_uuid},
};

nz_format_check_fn nz_format_checker(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, name) == 0)
            return formats[i].check;
    return NULL;
}
