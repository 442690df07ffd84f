/* Files, standard streams and messages of the `normalize` program.
 *
 * Everything the program says on stderr goes through here, so every
 * message has one of two shapes:
 *   SOURCE[:LINE:COLUMN]: error: TEXT       (a problem with data or a file)
 *   normalize: error: TEXT                  (a usage error, plus a hint)
 */
#ifndef NZ_CLI_IO_H
#define NZ_CLI_IO_H

#include <stdbool.h>
#include <stddef.h>

#include <normalize/normalize.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Name of standard output in messages (stdin's is "<stdin>", as in the
 * library). */
#define CLI_STDOUT_NAME "<stdout>"

/* Process-wide setup: ignore SIGPIPE, so that a closed stdout shows up as
 * EPIPE from write() (and NZ_EPIPE from the writer) instead of killing us
 * before we could stop cleanly. */
void cli_io_init(void);

/* An input: a descriptor and the name diagnostics use for it. */
struct cli_input {
    int fd;
    const char *name; /* the path as given, or "<stdin>" (borrowed) */
    bool owned;       /* we opened fd and must close it             */
};

/* Open PATH for reading ("-" is standard input). Returns 0, or an errno
 * value for the caller to report ("PATH: error: cannot open: REASON") at
 * the right moment: after flushing the records written so far. */
int cli_input_open(struct cli_input *in, const char *path);
void cli_input_close(struct cli_input *in);

/* The output: standard output, or a file from -o. The writer hands it
 * bytes through cli_output_write(), which keeps errno of a failed write
 * so the message can say "No space left on device" and not just
 * "input/output error". */
struct cli_output {
    int fd;
    const char *name;  /* the path, or CLI_STDOUT_NAME (borrowed) */
    bool owned;
    int write_errno;   /* errno of the failed write(), 0 if none  */
};

/* Open PATH for writing (NULL or "-" = standard output), creating or
 * truncating it. Returns 0 or an errno value. */
int cli_output_open(struct cli_output *out, const char *path);

/* nz_write_fn for nz_writer_open_callback(); ctx is a struct cli_output.
 * Returns 0, NZ_EPIPE when the reader went away, or NZ_EIO. */
int cli_output_write(const char *data, size_t size, void *ctx);

/* Is the output a terminal? (Then we flush after every record, as stdio
 * line-buffers a terminal, so interactive use shows records at once.) */
bool cli_output_is_terminal(const struct cli_output *out);

/* Close a file opened by cli_output_open(); standard output is left
 * open. Prints and returns -1 when close() reports a late write error. */
int cli_output_close(struct cli_output *out);

/* Print "NAME: error: cannot write: REASON" for a failed write. code is
 * the writer's NZ_E* code, diag its diagnostic (may be NULL). */
void cli_output_report(const struct cli_output *out, int code,
                       const nz_diag *diag);

/* Do PATH and the file behind an open input name the same file? Used to
 * refuse `-o x.json x.json`, which would truncate the input before it is
 * read. False when either cannot be examined. */
bool cli_same_file(const char *path, const char *other_path);

/* Print one diagnostic line: "SOURCE:LINE:COLUMN: error: TEXT". */
void cli_report_diag(const nz_diag *diag);

/* Print "SOURCE: error: TEXT" (a problem without a position). */
void cli_report(const char *source, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Print a usage error and a hint naming the help to read:
 *   normalize: error: TEXT
 *   normalize: try 'HELP_COMMAND --help'
 * Callers then exit with CLI_EXIT_USAGE. */
void cli_usage_error(const char *help_command, const char *fmt, ...)
    CLI_PRINTF(2, 3);

#endif /* NZ_CLI_IO_H */
