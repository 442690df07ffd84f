#include "cli_io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLI_PROGRAM "normalize"

void cli_io_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}

/* ---- messages ---------------------------------------------------------- */

void cli_report_diag(const nz_diag *diag)
{
    char line[NZ_DIAG_SOURCE_MAX + NZ_DIAG_PATH_MAX + NZ_DIAG_TEXT_MAX + 128];
    if (nz_diag_format(diag, line, sizeof line) < 0)
        snprintf(line, sizeof line, "%s: error: %s", CLI_PROGRAM,
                 nz_strerror(diag ? diag->code : NZ_EINVAL));
    fprintf(stderr, "%s\n", line);
}

void cli_report(const char *source, const char *fmt, ...)
{
    /* Built as an nz_diag and printed by nz_diag_format(), so that it has
     * exactly the layout of the library's diagnostics. */
    nz_diag diag;
    nz_diag_clear(&diag);
    diag.code = NZ_EIO;
    diag.severity = NZ_SEVERITY_ERROR;
    snprintf(diag.source, sizeof diag.source, "%s", source);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag.text, sizeof diag.text, fmt, ap);
    va_end(ap);
    cli_report_diag(&diag);
}

void cli_usage_error(const char *help_command, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: error: %s\n%s: try '%s --help'\n", CLI_PROGRAM,
            text, CLI_PROGRAM, help_command);
}

/* ---- input ------------------------------------------------------------- */

int cli_input_open(struct cli_input *in, const char *path)
{
    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
        in->name = "<stdin>";
        in->owned = false;
        return 0;
    }
    in->name = path;
    in->owned = true;
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0)
        return errno;
    /* open() succeeds on a directory and only read() fails; refuse it
     * here, so it is reported like any file that cannot be opened. */
    struct stat st;
    if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(in->fd);
        in->fd = -1;
        return EISDIR;
    }
    return 0;
}

void cli_input_close(struct cli_input *in)
{
    if (in->owned && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
}

/* ---- output ------------------------------------------------------------ */

int cli_output_open(struct cli_output *out, const char *path)
{
    out->write_errno = 0;
    if (!path || strcmp(path, "-") == 0) {
        out->fd = STDOUT_FILENO;
        out->name = CLI_STDOUT_NAME;
        out->owned = false;
        return 0;
    }
    out->name = path;
    out->owned = true;
    out->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    return out->fd < 0 ? errno : 0;
}

int cli_output_write(const char *data, size_t size, void *ctx)
{
    struct cli_output *out = ctx;
    while (size > 0) {
        ssize_t n = write(out->fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            out->write_errno = errno;
            return errno == EPIPE ? NZ_EPIPE : NZ_EIO;
        }
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

bool cli_output_is_terminal(const struct cli_output *out)
{
    return isatty(out->fd) == 1;
}

int cli_output_close(struct cli_output *out)
{
    if (!out->owned || out->fd < 0)
        return 0;
    int rc = close(out->fd);
    out->fd = -1;
    if (rc != 0 && errno != EINTR) {
        cli_report(out->name, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void cli_output_report(const struct cli_output *out, int code,
                       const nz_diag *diag)
{
    if (out->write_errno)
        cli_report(out->name, "cannot write: %s", strerror(out->write_errno));
    else if (diag && diag->text[0])
        cli_report(out->name, "cannot write: %s", diag->text);
    else
        cli_report(out->name, "cannot write: %s", nz_strerror(code));
}

bool cli_same_file(const char *path, const char *other_path)
{
    struct stat a, b;
    if (stat(path, &a) != 0 || stat(other_path, &b) != 0)
        return false;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}
