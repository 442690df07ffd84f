/* normalize — command-line front end of libnormalize.
 *
 *   normalize [--help | --version]
 *   normalize COMMAND [OPTIONS] [FILE...]
 *   normalize help [COMMAND]
 *
 * This file only finds the command; each command lives in cmd_NAME.c. The
 * program uses nothing but the public API (<normalize/normalize.h>).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <normalize/normalize.h>

#include "cli_io.h"
#include "cli_options.h"
#include "commands.h"
#include "exit_codes.h"

static const struct cli_command commands[] = {
    {"convert", "read records in one format, write them in another",
     cmd_convert_run, cmd_convert_help},
    {"validate", "check records against a JSON Schema", cmd_validate_run,
     cmd_validate_help},
};
static const size_t command_count = sizeof commands / sizeof commands[0];

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < command_count; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_main_help(FILE *out)
{
    fputs("Usage: normalize COMMAND [OPTIONS] [FILE...]\n"
          "       normalize help COMMAND\n"
          "       normalize --help | --version\n"
          "\n"
          "Read JSON, NDJSON, JSON text sequences, YAML, XML and CSV record by\n"
          "record, and write them back out in the format you ask for.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < command_count; i++)
        fprintf(out, "  %-10s%s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-10s%s\n", "help", "show the help of a command");
    fputs("\nOptions:\n", out);
    cli_options_print(out, cli_main_options, cli_main_option_count);
    fputc('\n', out);
    cli_exit_codes_print(out);
    fputs("\nRun 'normalize COMMAND --help' for the options of a command;\n"
          "'man normalize' has the details.\n",
          out);
}

/* `normalize help [COMMAND]` */
static int run_help(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 2) {
        cli_usage_error("normalize", "'help' takes one command name, not %d",
                        argc - 1);
        return CLI_EXIT_USAGE;
    }
    const struct cli_command *cmd = find_command(argv[1]);
    if (!cmd) {
        cli_usage_error("normalize", "unknown command '%s'", argv[1]);
        return CLI_EXIT_USAGE;
    }
    cmd->help(stdout);
    return CLI_EXIT_OK;
}

/* Help and version text goes through stdio; do not claim success when it
 * was lost (`normalize --help > /dev/full`), and stop as quietly as the
 * commands do when the reader went away. */
static int finish_stdout(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    if (errno == EPIPE)
        return CLI_EXIT_PIPE;
    cli_report(CLI_STDOUT_NAME, "cannot write: %s",
               errno ? strerror(errno) : "output error");
    return CLI_EXIT_INPUT;
}

int main(int argc, char **argv)
{
    cli_io_init();

    struct cli_parser p;
    cli_parser_init(&p, cli_main_options, cli_main_option_count, argc, argv,
                    true);
    int id;
    while ((id = cli_parser_next(&p)) != 0) {
        switch (id) {
        case OPT_HELP:
            print_main_help(stdout);
            return finish_stdout(CLI_EXIT_OK);
        case OPT_VERSION:
            printf("normalize %s\n", nz_version());
            return finish_stdout(CLI_EXIT_OK);
        default: /* -1 */
            cli_usage_error("normalize", "%s", p.error.text);
            return CLI_EXIT_USAGE;
        }
    }

    int nargs;
    char **args = cli_parser_operands(&p, &nargs);
    if (nargs == 0) {
        cli_usage_error("normalize", "no command given");
        return CLI_EXIT_USAGE;
    }
    const char *name = args[0];
    if (strcmp(name, "help") == 0)
        return finish_stdout(run_help(nargs, args));
    const struct cli_command *cmd = find_command(name);
    if (!cmd) {
        cli_usage_error("normalize", "unknown command '%s'", name);
        return CLI_EXIT_USAGE;
    }
    return finish_stdout(cmd->run(nargs, args));
}
