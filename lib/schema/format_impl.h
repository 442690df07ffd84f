/* The format checkers behind nz_format_checker(), one family per file:
 * format_time.c (RFC 3339), format_net.c (IP addresses, host names, e-mail
 * addresses), format_uri.c (RFC 3986/3987 URIs and IRIs, RFC 6570
 * templates), format_text.c (JSON pointers, regex, UUID). Shared between the
 * families: the IPv4/IPv6 parsers (URI hosts and e-mail address literals)
 * and the host name check (e-mail domains). */
#ifndef NZ_SCHEMA_FORMAT_IMPL_H
#define NZ_SCHEMA_FORMAT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

bool nz_format_date(const char *s, size_t len);
bool nz_format_time(const char *s, size_t len);
bool nz_format_date_time(const char *s, size_t len);
bool nz_format_duration(const char *s, size_t len);

bool nz_format_ipv4(const char *s, size_t len);
bool nz_format_ipv6(const char *s, size_t len);
bool nz_format_hostname(const char *s, size_t len);
bool nz_format_idn_hostname(const char *s, size_t len);
bool nz_format_email(const char *s, size_t len);
bool nz_format_idn_email(const char *s, size_t len);

bool nz_format_uri(const char *s, size_t len);
bool nz_format_uri_reference(const char *s, size_t len);
bool nz_format_iri(const char *s, size_t len);
bool nz_format_iri_reference(const char *s, size_t len);
bool nz_format_uri_template(const char *s, size_t len);

bool nz_format_json_pointer(const char *s, size_t len);
bool nz_format_relative_json_pointer(const char *s, size_t len);
bool nz_format_regex(const char *s, size_t len);
bool nz_format_uuid(const char *s, size_t len);

#endif
