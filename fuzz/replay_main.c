/* Stand-in for libFuzzer's main when no fuzzing engine is configured: runs
 * the harness once on every file named on the command line, descending
 * into directories, so corpora (and crash reproducers) replay under plain
 * `meson test` and in a debugger.
 *
 * Exit status: 0 when every input ran, 1 when an input could not be read
 * or no input was found at all (a replay of nothing proves nothing). A bug
 * the harness finds ends the process with abort() or a sanitizer report.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t inputs_run;
static int failures;

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            uint8_t *p = realloc(buf, ncap);
            if (!p) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = p;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return -1;
    }
    *data = buf;
    *size = len;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay(const char *path);

/* Entries in name order, so runs are reproducible. */
static void replay_dir(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        failures++;
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t len = strlen(path) + 1 + strlen(e->d_name) + 1;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        char *full = malloc(len);
        if (!grown || !full) {
            free(full);
            if (grown)
                names = grown;
            fprintf(stderr, "%s: out of memory\n", path);
            failures++;
            break;
        }
        names = grown;
        snprintf(full, len, "%s/%s", path, e->d_name);
        names[n++] = full;
    }
    closedir(dir);
    if (n > 0)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        replay(names[i]);
        free(names[i]);
    }
    free(names);
}

static void replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        failures++;
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        replay_dir(path);
        return;
    }
    uint8_t *data = NULL;
    size_t size = 0;
    if (read_file(path, &data, &size) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        failures++;
        return;
    }
    /* Named before running, so a crash shows which input caused it. */
    fprintf(stderr, "replay %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    inputs_run++;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 64;
    }
    for (int i = 1; i < argc; i++)
        replay(argv[i]);
    fprintf(stderr, "%zu input(s) replayed, %d unreadable\n", inputs_run,
            failures);
    if (inputs_run == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return failures ? 1 : 0;
}
