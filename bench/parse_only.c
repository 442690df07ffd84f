/* Parse-only floor for bench/run: read every record of FILE with
 * libnormalize's reader and drop it (no validation, no writing), so the
 * table can show how much of normalize's time is parsing itself.
 *
 *   parse_only FORMAT FILE [--max-record-size BYTES] [--xml-record PATH]
 *
 * FORMAT is a name nz_format_from_name() knows (json, ndjson, yaml, ...);
 * the options mean what they mean to `normalize convert`.
 * Prints "records N" on stdout; a malformed input is reported as
 * FILE:LINE:COLUMN: error: ... and exits 2, like the CLI.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <normalize/normalize.h>

int main(int argc, char **argv)
{
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: parse_only FORMAT FILE [--max-record-size "
                        "BYTES] [--xml-record PATH]\n");
        return 64;
    }
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = nz_format_from_name(argv[1]);
    if (o.format == NZ_FORMAT_AUTO) {
        fprintf(stderr, "parse_only: unknown format '%s'\n", argv[1]);
        return 64;
    }
    for (int i = 3; i + 1 < argc; i += 2) {
        const char *v = argv[i + 1];
        if (strcmp(argv[i], "--xml-record") == 0) {
            o.xml.record_path = v;
        } else if (strcmp(argv[i], "--max-record-size") == 0) {
            char *end;
            unsigned long long n = strtoull(v, &end, 10);
            if (*v == '\0' || *v == '-' || *end != '\0' || n == 0) {
                fprintf(stderr, "parse_only: bad size '%s'\n", v);
                return 64;
            }
            o.max_record_bytes = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
        } else {
            fprintf(stderr, "parse_only: unknown option '%s'\n", argv[i]);
            return 64;
        }
    }
    o.source_name = argv[2];
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) {
        perror(argv[2]);
        return 2;
    }
    nz_diag d;
    nz_diag_clear(&d);
    nz_reader *r = NULL;
    char msg[1024];
    if (nz_reader_open_fd(&r, fd, &o, &d) != NZ_OK) {
        nz_diag_format(&d, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        close(fd);
        return 2;
    }
    unsigned long long records = 0;
    json_t *rec;
    int rc;
    while ((rc = nz_reader_next(r, &rec, &d)) > 0) {
        records++;
        json_decref(rec);
    }
    nz_reader_close(&r);
    close(fd);
    if (rc < 0) {
        nz_diag_format(&d, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    printf("records %llu\n", records);
    return 0;
}
