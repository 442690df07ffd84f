/* nz_registry: schemas by URI (see schema.h and registry.h).
 *
 * Every lookup takes the registry's mutex, because a lookup may load a
 * file under a mapped prefix and add it to the index. Documents are never
 * removed before nz_registry_close(), so an entry stays valid after the
 * lock is released. Nothing is ever fetched from the network. */
#include "schema/registry.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "normalize/read.h"
#include "schema/dialect.h"
#include "schema/uri.h"

typedef struct nz_prefix_map {
    char *prefix;
    char *dir;
} nz_prefix_map;

struct nz_registry {
    pthread_mutex_t lock;
    nz_index ix;
    nz_prefix_map *maps;
    size_t nmaps;
};

static int add_embedded(nz_registry *r)
{
    for (size_t i = 0; i < nz_embedded_metaschema_count; i++) {
        json_error_t je;
        json_t *doc = json_loads(nz_embedded_metaschemas[i].text, 0, &je);
        if (!doc)
            return NZ_ENOMEM; /* the embedded texts are valid JSON */
        const json_t *id = json_object_get(doc, "$id");
        if (!json_is_string(id))
            id = json_object_get(doc, "id");
        const char *uri = json_is_string(id) ? json_string_value(id) : "";
        int rc = nz_index_add(&r->ix, doc, uri, NZ_DIALECT_AUTO);
        /* also under https/http twins, so either spelling resolves */
        if (!rc) {
            char alt[256];
            if (strncmp(uri, "http://", 7) == 0)
                snprintf(alt, sizeof alt, "https://%s", uri + 7);
            else if (strncmp(uri, "https://", 8) == 0)
                snprintf(alt, sizeof alt, "http://%s", uri + 8);
            else
                alt[0] = '\0';
            size_t n = strlen(alt);
            if (n && alt[n - 1] == '#')
                alt[n - 1] = '\0';
            /* the same holder: one reference count for both names */
            if (alt[0])
                rc = nz_index_add_doc(&r->ix, r->ix.docs[r->ix.ndocs - 1],
                                      alt, NZ_DIALECT_AUTO);
        }
        json_decref(doc);
        if (rc)
            return rc;
    }
    return NZ_OK;
}

int nz_registry_open(nz_registry **out)
{
    if (!out)
        return NZ_EINVAL;
    *out = NULL;
    nz_registry *r = nz_zalloc(sizeof *r);
    if (!r)
        return NZ_ENOMEM;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        nz_free(r);
        return NZ_ENOMEM;
    }
    int rc = add_embedded(r);
    if (rc) {
        nz_registry_close(&r);
        return rc;
    }
    *out = r;
    return NZ_OK;
}

void nz_registry_close(nz_registry **rp)
{
    if (!rp || !*rp)
        return;
    nz_registry *r = *rp;
    nz_index_free(&r->ix);
    for (size_t i = 0; i < r->nmaps; i++) {
        nz_free(r->maps[i].prefix);
        nz_free(r->maps[i].dir);
    }
    nz_free(r->maps);
    pthread_mutex_destroy(&r->lock);
    nz_free(r);
    *rp = NULL;
}

static nz_registry *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_init(void)
{
    nz_registry_open(&builtin);
}

nz_registry *nz_registry_builtin(void)
{
    pthread_once(&builtin_once, builtin_init);
    return builtin;
}

int nz_registry_add(nz_registry *r, const char *uri, const json_t *schema,
                    nz_diag *diag)
{
    if (!r || !uri || !schema)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_registry_add: NULL argument");
    if (!nz_uri_is_absolute(uri))
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "'%s' is not an absolute URI", uri);
    if (!json_is_object(schema) && !json_is_boolean(schema))
        return nz_diag_set(diag, NZ_ESCHEMA, uri, NULL,
                           "a schema must be an object or a boolean");
    pthread_mutex_lock(&r->lock);
    int rc = nz_index_add(&r->ix, NZ_MUT_JSON(schema), uri, NZ_DIALECT_AUTO);
    pthread_mutex_unlock(&r->lock);
    if (rc)
        return nz_diag_set(diag, rc, uri, NULL, "cannot register schema");
    return NZ_OK;
}

/* Read one schema document with the library's readers (format from the
 * file name). */
static int load_file(const char *path, json_t **out, nz_diag *diag)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return nz_diag_set(diag, NZ_EIO, path, NULL, "cannot open: %s",
                           strerror(errno));
    nz_read_options o;
    nz_read_options_init(&o);
    o.source_name = path;
    if (nz_format_from_path(path) == NZ_FORMAT_AUTO)
        o.format = NZ_FORMAT_JSON;
    o.flags = NZ_READ_SINGLE_VALUE;
    nz_reader *rd;
    int rc = nz_reader_open_file(&rd, fp, &o, diag);
    if (rc == NZ_OK) {
        rc = nz_reader_next(rd, out, diag);
        if (rc == 0)
            rc = nz_diag_set(diag, NZ_ESYNTAX, path, NULL,
                             "empty schema file");
        else if (rc > 0)
            rc = NZ_OK;
        /* A schema file holds one document: anything after it is an
         * error at its position, not silently dropped. */
        if (rc == NZ_OK && (rc = nz_reader_expect_end(rd, diag)) != NZ_OK) {
            json_decref(*out);
            *out = NULL;
        }
        nz_reader_close(&rd);
    }
    fclose(fp);
    return rc;
}

/* file://ABSOLUTE-PATH for a path */
static char *file_uri(const char *path)
{
    char cwd[4096];
    char *abs;
    if (path[0] == '/') {
        abs = nz_strdup(path);
    } else {
        if (!getcwd(cwd, sizeof cwd))
            cwd[0] = '\0';
        size_t n = strlen(cwd) + strlen(path) + 2;
        abs = nz_alloc(n);
        if (abs)
            snprintf(abs, n, "%s/%s", cwd, path);
    }
    if (!abs)
        return NULL;
    size_t n = strlen(abs) + 8;
    char *u = nz_alloc(n);
    if (u)
        snprintf(u, n, "file://%s", abs);
    nz_free(abs);
    return u;
}

char *nz_registry_file_uri(const char *path)
{
    return file_uri(path);
}

int nz_registry_add_file(nz_registry *r, const char *path, nz_diag *diag)
{
    if (!r || !path)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_registry_add_file: NULL argument");
    json_t *doc;
    int rc = load_file(path, &doc, diag);
    if (rc)
        return rc;
    char *fu = file_uri(path);
    if (!fu) {
        json_decref(doc);
        return nz_diag_set(diag, NZ_ENOMEM, path, NULL, "out of memory");
    }
    pthread_mutex_lock(&r->lock);
    /* under its file URI; its $id (if any) is registered by the walk */
    rc = nz_index_add(&r->ix, doc, fu, NZ_DIALECT_AUTO);
    pthread_mutex_unlock(&r->lock);
    nz_free(fu);
    json_decref(doc);
    if (rc)
        return nz_diag_set(diag, rc, path, NULL, "cannot register schema");
    return NZ_OK;
}

static bool schema_file_name(const char *n)
{
    size_t l = strlen(n);
    return (l > 5 && strcmp(n + l - 5, ".json") == 0) ||
           (l > 5 && strcmp(n + l - 5, ".yaml") == 0) ||
           (l > 4 && strcmp(n + l - 4, ".yml") == 0);
}

int nz_registry_add_dir(nz_registry *r, const char *dir, nz_diag *diag)
{
    if (!r || !dir)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_registry_add_dir: NULL argument");
    DIR *d = opendir(dir);
    if (!d)
        return nz_diag_set(diag, NZ_EIO, dir, NULL, "cannot open: %s",
                           strerror(errno));
    int rc = NZ_OK;
    struct dirent *de;
    while (rc == NZ_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !schema_file_name(de->d_name))
            continue;
        size_t n = strlen(dir) + strlen(de->d_name) + 2;
        char *p = nz_alloc(n);
        if (!p) {
            rc = nz_diag_set(diag, NZ_ENOMEM, dir, NULL, "out of memory");
            break;
        }
        snprintf(p, n, "%s/%s", dir, de->d_name);
        rc = nz_registry_add_file(r, p, diag);
        nz_free(p);
    }
    closedir(d);
    return rc;
}

int nz_registry_map(nz_registry *r, const char *prefix, const char *dir,
                    nz_diag *diag)
{
    if (!r || !prefix || !dir)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_registry_map: NULL argument");
    if (!nz_uri_is_absolute(prefix))
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "'%s' is not an absolute URI prefix", prefix);
    nz_prefix_map *nm = nz_realloc(r->maps, (r->nmaps + 1) * sizeof *nm);
    if (!nm)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
    r->maps = nm;
    nm[r->nmaps].prefix = nz_strdup(prefix);
    nm[r->nmaps].dir = nz_strdup(dir);
    if (!nm[r->nmaps].prefix || !nm[r->nmaps].dir) {
        nz_free(nm[r->nmaps].prefix);
        nz_free(nm[r->nmaps].dir);
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
    }
    r->nmaps++;
    return NZ_OK;
}

/* Under the lock: load the file a mapped prefix serves for uri. */
static int load_mapped(nz_registry *r, const char *uri, nz_dialect d,
                       nz_diag *diag)
{
    for (size_t i = 0; i < r->nmaps; i++) {
        size_t pl = strlen(r->maps[i].prefix);
        if (strncmp(uri, r->maps[i].prefix, pl) != 0)
            continue;
        const char *rest = uri + pl;
        /* never leave the mapped folder */
        if (strstr(rest, "..") || rest[0] == '/' || !rest[0])
            continue;
        size_t n = strlen(r->maps[i].dir) + strlen(rest) + 2;
        char *path = nz_alloc(n);
        if (!path)
            return NZ_ENOMEM;
        snprintf(path, n, "%s/%s", r->maps[i].dir, rest);
        FILE *probe = fopen(path, "rb");
        if (!probe) {
            nz_free(path);
            continue;
        }
        fclose(probe);
        json_t *doc;
        int rc = load_file(path, &doc, diag);
        nz_free(path);
        if (rc)
            return rc;
        rc = nz_index_add(&r->ix, doc, uri, d);
        json_decref(doc);
        return rc;
    }
    return NZ_ENOTFOUND;
}

int nz_registry_find(nz_registry *reg, const char *uri, bool anchor,
                     nz_dialect dialect, const nz_index_entry **out,
                     nz_diag *diag)
{
    *out = NULL;
    if (!reg)
        reg = nz_registry_builtin();
    if (!reg)
        return NZ_ENOMEM;
    pthread_mutex_lock(&reg->lock);
    nz_strmap *m = anchor ? &reg->ix.anchors : &reg->ix.resources;
    const nz_index_entry *e = nz_strmap_get(m, uri, strlen(uri), NULL);
    int rc = NZ_OK;
    if (!e) {
        /* load the document (the part before '#') then look again */
        char *doc_uri = nz_uri_strip_fragment(uri, NULL);
        if (!doc_uri) {
            rc = NZ_ENOMEM;
        } else {
            rc = nz_strmap_get(&reg->ix.resources, doc_uri, strlen(doc_uri),
                               NULL)
                     ? NZ_ENOTFOUND
                     : load_mapped(reg, doc_uri, dialect, diag);
            nz_free(doc_uri);
        }
        if (rc == NZ_OK) {
            e = nz_strmap_get(m, uri, strlen(uri), NULL);
            if (!e)
                rc = NZ_ENOTFOUND;
        }
    }
    pthread_mutex_unlock(&reg->lock);
    if (rc == NZ_OK)
        *out = e;
    else if (reg != builtin && rc == NZ_ENOTFOUND)
        /* the meta-schemas are always there */
        return nz_registry_find(NULL, uri, anchor, dialect, out, diag);
    return rc;
}
