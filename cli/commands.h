/* The commands of the `normalize` program.
 *
 * Adding a command: write cmd_NAME.c with a run and a help function, give
 * it an option table in cli_options.c, add one line to the command table
 * in main.c and the file to cli/meson.build, and document it in
 * normalize.1 (tests/cli checks --help against the man page).
 */
#ifndef NZ_CLI_COMMANDS_H
#define NZ_CLI_COMMANDS_H

#include <stdio.h>

struct cli_command {
    const char *name;    /* as typed: "convert"                         */
    const char *summary; /* one line for `normalize --help`             */
    /* Run the command. argv[0] is the command name, the rest its
     * arguments. Returns an exit code (exit_codes.h). */
    int (*run)(int argc, char **argv);
    /* Write the command's --help text. */
    void (*help)(FILE *out);
};

int cmd_convert_run(int argc, char **argv);
void cmd_convert_help(FILE *out);

int cmd_validate_run(int argc, char **argv);
void cmd_validate_help(FILE *out);

#endif /* NZ_CLI_COMMANDS_H */
