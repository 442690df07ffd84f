/* The command line of `normalize convert`, parsed and checked without
 * touching a file or printing anything.
 *
 * cmd_convert.c runs it in three steps:
 *   convert_args_parse()   argv -> options and operands
 *   (sniff standard input, when it is read without -f)
 *   convert_args_check()   the output format, then every option against
 *                          the formats and each other
 * and then turns the config into library options with
 * convert_read_options() and convert_write_options(). The steps do no
 * I/O (the one file-system question, "is the output also an input?", is
 * asked through a function the caller passes), so fuzz/fuzz_cli_args.c
 * runs them on arbitrary argument lists.
 */
#ifndef NZ_CLI_CONVERT_ARGS_H
#define NZ_CLI_CONVERT_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include <normalize/normalize.h>

#include "cli_options.h"

/* What the command line asked for. */
struct convert_config {
    nz_format from;          /* AUTO: each file's extension, else json  */
    nz_format to;            /* AUTO until convert_args_check()         */
    const char *output;      /* -o FILE; NULL = standard output         */
    int indent;              /* --indent N; -1 = not given              */
    bool pretty;
    bool compact;
    bool sort_keys;
    bool ascii;
    bool canonical;
    bool array;
    bool single;
    bool duplicate_last;
    bool keep_going;
    size_t max_depth;        /* 0 = the library's default               */
    size_t max_record_bytes; /* 0 = the library's default               */
    bool strict;             /* --strict: lossy steps are errors        */
    /* YAML input */
    bool yaml_11;
    bool no_merge_keys;
    size_t alias_factor;     /* 0 = the library's default               */
    /* XML input and output */
    const char *xml_record;
    const char **xml_arrays; /* --xml-array, repeatable (argc entries)  */
    size_t xml_array_count;
    bool xml_strip_ns;
    size_t xml_max_names;    /* 0 = the library's default               */
    const char *xml_root;
    const char *xml_record_name;
    /* CSV and TSV */
    char delimiter;          /* 0 = the format's own                    */
    bool no_header;
    bool allow_ragged;
    bool duplicate_headers_error;
    bool infer;
    bool unflatten;
    bool fill;
    /* Options given for one family of formats, to check that some input
     * or the output is of that family (an option that would be silently
     * ignored is a usage error). NULL when none was given. */
    const char *yaml_option, *xml_in_option, *xml_out_option;
    const char *csv_in_option, *csv_any_option, *csv_out_option;
    /* The format standard input was recognised as (sniff.c), set by the
     * caller between the two steps; AUTO: not sniffed, read as json. */
    nz_format stdin_format;
    char **files;            /* the operands, or {"-"}; borrowed        */
    int file_count;          /* >= 1                                    */
};

/* What convert_args_parse() found. */
enum convert_args_result {
    CONVERT_ARGS_OK,    /* go on: sniff if needed, then check          */
    CONVERT_ARGS_HELP,  /* --help: print the help, nothing else to do  */
    CONVERT_ARGS_USAGE, /* a usage error, described in err             */
    CONVERT_ARGS_NOMEM, /* out of memory                               */
};

/**
 * Parse argv (argv[0] is the command name) into cfg. cfg borrows the
 * strings of argv, whose operands the parser moves to the front. Always
 * call convert_args_free() afterwards, whatever the result.
 */
enum convert_args_result convert_args_parse(struct convert_config *cfg,
                                            int argc, char **argv,
                                            struct cli_usage *err);

/* Should standard input be sniffed before convert_args_check()? (It is
 * an input and -f does not say its format.) */
bool convert_args_reads_stdin_unknown(const struct convert_config *cfg);

/* Do these two paths name the same file? (cli_same_file() in the
 * program; a pure stand-in in the fuzzer.) */
typedef bool (*convert_same_file_fn)(const char *path, const char *other);

/**
 * Choose the output format (cfg->to) when -t did not, and refuse options
 * that contradict each other, the formats, or what the library's reader
 * and writer accept (they are asked, with the very options the run will
 * use, before any file is opened). Returns CONVERT_ARGS_OK,
 * CONVERT_ARGS_USAGE with err filled, or CONVERT_ARGS_NOMEM.
 */
enum convert_args_result convert_args_check(struct convert_config *cfg,
                                            convert_same_file_fn same_file,
                                            struct cli_usage *err);

/* The format FILE is read in: -f, else what standard input was sniffed
 * as, or the file's extension, else json. Never AUTO. */
nz_format convert_input_format(const struct convert_config *cfg,
                               const char *path);

/* Reader options for the input path, named name in diagnostics. The
 * strings stay cfg's (and argv's). */
void convert_read_options(const struct convert_config *cfg, const char *path,
                          const char *name, nz_read_options *ro);

/* Writer options for the output (after convert_args_check()). */
void convert_write_options(const struct convert_config *cfg,
                           nz_write_options *wo);

/* Free what convert_args_parse() allocated (not argv's strings). */
void convert_args_free(struct convert_config *cfg);

#endif /* NZ_CLI_CONVERT_ARGS_H */
