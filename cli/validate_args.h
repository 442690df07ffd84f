/* The command line of `normalize validate`, parsed without touching a
 * file or printing anything (cmd_validate.c prints; fuzz/fuzz_cli_args.c
 * runs it on arbitrary argument lists).
 */
#ifndef NZ_CLI_VALIDATE_ARGS_H
#define NZ_CLI_VALIDATE_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <normalize/normalize.h>

#include "cli_options.h"

#define VALIDATE_DEFAULT_MAX_ERRORS 20
#define VALIDATE_MAX_ERRORS_LIMIT 1000000

/* --ref-map PREFIX=DIR, split at the first '='. */
struct validate_ref_map {
    char *prefix;    /* an absolute URI prefix ("https://x/"); owned    */
    const char *dir; /* not empty; borrowed from argv                  */
};

struct validate_config {
    const char *schema; /* -s FILE: never NULL once parsed              */
    nz_dialect dialect; /* AUTO: from $schema, else 2020-12             */
    bool assert_formats;
    bool flag_output;   /* --output flag                                */
    nz_format from;     /* AUTO: each file's extension, stdin ndjson    */
    unsigned long long max_errors; /* 0 = all                           */
    size_t max_depth;        /* input records; 0 = the library's default */
    size_t max_record_bytes; /* input records; 0 = the library's default */
    uint64_t regex_match_limit; /* 0 = the library's default            */
    /* repeatable options: at most argc entries each; strings borrowed */
    const char **refs, **ref_dirs;
    struct validate_ref_map *ref_maps;
    size_t nrefs, nref_dirs, nref_maps;
    char **files;       /* the operands; none = standard input           */
    int file_count;
};

enum validate_args_result {
    VALIDATE_ARGS_OK,
    VALIDATE_ARGS_HELP,  /* --help: print the help, nothing else to do */
    VALIDATE_ARGS_USAGE, /* a usage error, described in err            */
    VALIDATE_ARGS_NOMEM, /* out of memory                              */
};

/**
 * Parse argv (argv[0] is the command name) into cfg, which borrows the
 * strings of argv (the parser moves operands to the front). Always call
 * validate_args_free() afterwards, whatever the result.
 */
enum validate_args_result validate_args_parse(struct validate_config *cfg,
                                              int argc, char **argv,
                                              struct cli_usage *err);

/* Does text start with an RFC 3986 scheme and ':' ("https:", "urn:")?
 * The prefix of --ref-map must (nz_registry_map() says the same). */
bool validate_is_absolute_uri(const char *text, size_t len);

void validate_args_free(struct validate_config *cfg);

#endif /* NZ_CLI_VALIDATE_ARGS_H */
