/* Keyword compilers for assertions: keywords that test the instance
 * itself (type, enum, const, numeric and length bounds, pattern, format,
 * required, dependentRequired, uniqueItems). Each checks its value's
 * shape first, so `{"type": 12}` is a schema error at /type. */
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "schema/compile.h"
#include "schema/dialect.h"
#include "schema/number.h"

#define KW(name) json_object_get(k->json, name)

static const struct {
    const char *name;
    unsigned bit;
} type_names[] = {
    {"null", NZ_T_NULL},     {"boolean", NZ_T_BOOLEAN},
    {"object", NZ_T_OBJECT}, {"array", NZ_T_ARRAY},
    {"number", NZ_T_NUMBER}, {"string", NZ_T_STRING},
    {"integer", NZ_T_INTEGER},
};

static unsigned type_bit(const json_t *v)
{
    if (!json_is_string(v))
        return 0;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcmp(type_names[i].name, json_string_value(v)) == 0)
            return type_names[i].bit;
    return 0;
}

static int type_kw(nz_kwctx *k)
{
    const json_t *v = KW("type");
    if (!v)
        return NZ_OK;
    unsigned bits = 0;
    if (json_is_string(v)) {
        bits = type_bit(v);
        if (!bits)
            return nz_kw_error(k, "type", "unknown type '%s'",
                               json_string_value(v));
    } else if (json_is_array(v)) {
        size_t i;
        json_t *t;
        json_array_foreach(v, i, t)
        {
            unsigned b = type_bit(t);
            if (!b)
                return nz_kw_error(k, "type",
                                   json_is_string(t)
                                       ? "unknown type name in 'type' array"
                                       : "'type' array must hold type names");
            bits |= b;
        }
    } else {
        char *txt = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        int rc = nz_kw_error(k, "type",
                             "'type' must be a type name or an array of type "
                             "names, got %s",
                             txt ? txt : "?");
        /* jansson's allocator, which the application may have replaced */
        json_free_t jfree;
        json_get_alloc_funcs(NULL, &jfree);
        jfree(txt);
        return rc;
    }
    nz_op *op = nz_kw_add_op(k, NZ_OP_TYPE, "type", v);
    if (!op)
        return NZ_ENOMEM;
    op->types = bits;
    /* draft 4: 1.0 is a number but not an integer */
    op->flag = k->d == NZ_DIALECT_DRAFT4;
    return NZ_OK;
}

static int enum_kw(nz_kwctx *k)
{
    const json_t *v = KW("enum");
    if (!v)
        return NZ_OK;
    if (!json_is_array(v))
        return nz_kw_error(k, "enum", "'enum' must be an array");
    nz_op *op = nz_kw_add_op(k, NZ_OP_ENUM, "enum", v);
    if (!op)
        return NZ_ENOMEM;
    /* many strings: a hash lookup instead of a scan */
    size_t n = json_array_size(v), i;
    json_t *e;
    bool strings = n >= 8;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            strings = false;
    }
    if (strings) {
        json_array_foreach(v, i, e)
        {
            if (nz_strmap_put(&op->map, json_string_value(e),
                              json_string_length(e), (void *)(i + 1)))
                return NZ_ENOMEM;
        }
        op->flag = true;
        k->c->s->bytes += nz_strmap_size(&op->map);
    }
    return NZ_OK;
}

static int number_kw(nz_kwctx *k, const char *kw, nz_op_kind kind)
{
    const json_t *v = KW(kw);
    if (!v)
        return NZ_OK;
    if (!json_is_number(v))
        return nz_kw_error(k, kw, "'%s' must be a number", kw);
    if (kind == NZ_OP_MULTIPLE_OF &&
        !(json_is_integer(v) ? json_integer_value(v) > 0
                             : json_real_value(v) > 0))
        return nz_kw_error(k, kw, "'multipleOf' must be greater than 0");
    nz_op *op = nz_kw_add_op(k, kind, kw, v);
    if (!op)
        return NZ_ENOMEM;
    bool neg;
    if (kind == NZ_OP_MULTIPLE_OF &&
        !nz_num_decimal(v, &op->dec_mant, &op->dec_exp, &neg))
        return nz_kw_error(k, kw, "'multipleOf' must be a finite number");
    return NZ_OK;
}

/* draft 4: exclusiveMaximum/Minimum are booleans modifying the bound */
static int bound_kw(nz_kwctx *k, const char *kw, const char *exkw,
                    nz_op_kind incl, nz_op_kind excl)
{
    if (k->d == NZ_DIALECT_DRAFT4) {
        const json_t *ex = KW(exkw);
        if (ex && !json_is_boolean(ex))
            return nz_kw_error(k, exkw, "'%s' must be a boolean in draft 4",
                               exkw);
        return number_kw(k, kw, json_is_true(ex) ? excl : incl);
    }
    int rc = number_kw(k, kw, incl);
    if (!rc)
        rc = number_kw(k, exkw, excl);
    return rc;
}

static int count_kw(nz_kwctx *k, const char *kw, nz_op_kind kind)
{
    const json_t *v = KW(kw);
    if (!v)
        return NZ_OK;
    size_t n;
    if (!nz_json_count(v, &n))
        return nz_kw_error(k, kw, "'%s' must be a non-negative integer", kw);
    nz_op *op = nz_kw_add_op(k, kind, kw, v);
    if (!op)
        return NZ_ENOMEM;
    op->count = n;
    return NZ_OK;
}

static int string_list(nz_kwctx *k, const char *kw, const json_t *v,
                       nz_op *op)
{
    if (!json_is_array(v))
        return nz_kw_error(k, kw, "'%s' must be an array of strings", kw);
    size_t n = json_array_size(v), i;
    json_t *e;
    op->names = nz_schema_alloc(k->c->s, (n ? n : 1) * sizeof *op->names);
    op->name_lens =
        nz_schema_alloc(k->c->s, (n ? n : 1) * sizeof *op->name_lens);
    if (!op->names || !op->name_lens)
        return NZ_ENOMEM;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return nz_kw_error(k, kw, "'%s' must be an array of strings", kw);
        size_t len = json_string_length(e);
        op->names[i] = nz_alloc(len + 1);
        if (!op->names[i])
            return NZ_ENOMEM;
        memcpy(op->names[i], json_string_value(e), len + 1);
        op->name_lens[i] = len;
        op->n = i + 1;
    }
    return NZ_OK;
}

static int required_kw(nz_kwctx *k)
{
    const json_t *v = KW("required");
    if (!v)
        return NZ_OK;
    nz_op *op = nz_kw_add_op(k, NZ_OP_REQUIRED, "required", v);
    if (!op)
        return NZ_ENOMEM;
    return string_list(k, "required", v, op);
}

/* dependentRequired, and the array form of draft 4-7 "dependencies":
 * names[i] is the trigger, subs unused; the lists stay in op->value. */
static int dep_required_kw(nz_kwctx *k, const char *kw)
{
    const json_t *v = KW(kw);
    if (!v)
        return NZ_OK;
    if (!json_is_object(v))
        return nz_kw_error(k, kw, "'%s' must be an object", kw);
    const char *key;
    json_t *list;
    size_t n = 0;
    json_object_foreach(NZ_MUT_JSON(v), key, list)
    {
        if (json_is_array(list)) {
            size_t i;
            json_t *e;
            json_array_foreach(list, i, e)
            {
                if (!json_is_string(e))
                    return nz_kw_error(k, kw,
                                       "'%s' lists must hold strings", kw);
            }
            n++;
        } else if (strcmp(kw, "dependentRequired") == 0) {
            return nz_kw_error(k, kw, "'%s' values must be arrays", kw);
        }
    }
    if (!n)
        return NZ_OK;
    return nz_kw_add_op(k, NZ_OP_DEPENDENT_REQUIRED, kw, v) ? NZ_OK
                                                           : NZ_ENOMEM;
}

static int pattern_kw(nz_kwctx *k)
{
    const json_t *v = KW("pattern");
    if (!v)
        return NZ_OK;
    if (!json_is_string(v))
        return nz_kw_error(k, "pattern", "'pattern' must be a string");
    nz_op *op = nz_kw_add_op(k, NZ_OP_PATTERN, "pattern", v);
    if (!op)
        return NZ_ENOMEM;
    op->res = nz_schema_alloc(k->c->s, sizeof *op->res);
    if (!op->res)
        return NZ_ENOMEM;
    char err[256];
    int rc = nz_regex_compile(&op->res[0], json_string_value(v),
                              json_string_length(v),
                              k->c->opts.regex_match_limit,
                              k->c->opts.regex_depth_limit, err, sizeof err);
    if (rc == NZ_ENOMEM)
        return rc;
    if (rc)
        return nz_kw_error(k, "pattern", "invalid pattern '%s': %s",
                           json_string_value(v), err);
    op->n = 1;
    k->c->s->bytes += nz_regex_size(op->res[0]);
    return NZ_OK;
}

static int format_kw(nz_kwctx *k)
{
    const json_t *v = KW("format");
    if (!v)
        return NZ_OK;
    if (!json_is_string(v))
        return nz_kw_error(k, "format", "'format' must be a string");
    bool assert = (k->c->opts.flags & NZ_SCHEMA_ASSERT_FORMATS) ||
                  k->d < NZ_DIALECT_2019_09 ||
                  (k->vocab & NZ_VOCAB_FORMAT_ASSERTION);
    if (!assert)
        return NZ_OK;
    nz_format_check_fn fn = nz_format_checker(json_string_value(v));
    if (!fn)
        return NZ_OK; /* unknown formats are annotations */
    nz_op *op = nz_kw_add_op(k, NZ_OP_FORMAT, "format", v);
    if (!op)
        return NZ_ENOMEM;
    op->fmt = fn;
    return NZ_OK;
}

/* Draft 7 lets validators assert contentEncoding and contentMediaType;
 * we do for the two everybody knows (base64, application/json). Later
 * drafts make them annotations only. */
static int content_kw(nz_kwctx *k)
{
    const json_t *enc = KW("contentEncoding"), *mt = KW("contentMediaType");
    if (k->d != NZ_DIALECT_DRAFT7 || (!enc && !mt))
        return NZ_OK;
    bool b64 = json_is_string(enc) &&
               strcmp(json_string_value(enc), "base64") == 0;
    bool js = json_is_string(mt) &&
              strcmp(json_string_value(mt), "application/json") == 0;
    if (!b64 && !js)
        return NZ_OK;
    nz_op *op = nz_kw_add_op(k, NZ_OP_CONTENT,
                             js ? "contentMediaType" : "contentEncoding",
                             js ? mt : enc);
    if (!op)
        return NZ_ENOMEM;
    op->flag = b64;
    op->count = js;
    return NZ_OK;
}

int nz_compile_assertions(nz_kwctx *k)
{
    if (k->d < NZ_DIALECT_2019_09 && KW("$ref"))
        return NZ_OK; /* $ref siblings are ignored in drafts 4 to 7 */
    int rc;
    if ((rc = format_kw(k)) || (rc = content_kw(k)))
        return rc;
    if (!(k->vocab & NZ_VOCAB_VALIDATION))
        return NZ_OK;
    if ((rc = type_kw(k)) || (rc = enum_kw(k)))
        return rc;
    if (k->d >= NZ_DIALECT_DRAFT6 && KW("const") &&
        !nz_kw_add_op(k, NZ_OP_CONST, "const", KW("const")))
        return NZ_ENOMEM;
    if ((rc = number_kw(k, "multipleOf", NZ_OP_MULTIPLE_OF)) ||
        (rc = bound_kw(k, "maximum", "exclusiveMaximum", NZ_OP_MAXIMUM,
                       NZ_OP_EXCLUSIVE_MAXIMUM)) ||
        (rc = bound_kw(k, "minimum", "exclusiveMinimum", NZ_OP_MINIMUM,
                       NZ_OP_EXCLUSIVE_MINIMUM)) ||
        (rc = count_kw(k, "maxLength", NZ_OP_MAX_LENGTH)) ||
        (rc = count_kw(k, "minLength", NZ_OP_MIN_LENGTH)) ||
        (rc = pattern_kw(k)) ||
        (rc = count_kw(k, "maxItems", NZ_OP_MAX_ITEMS)) ||
        (rc = count_kw(k, "minItems", NZ_OP_MIN_ITEMS)) ||
        (rc = count_kw(k, "maxProperties", NZ_OP_MAX_PROPERTIES)) ||
        (rc = count_kw(k, "minProperties", NZ_OP_MIN_PROPERTIES)) ||
        (rc = required_kw(k)))
        return rc;
    const json_t *u = KW("uniqueItems");
    if (u && !json_is_boolean(u))
        return nz_kw_error(k, "uniqueItems", "'uniqueItems' must be a boolean");
    if (json_is_true(u) && !nz_kw_add_op(k, NZ_OP_UNIQUE_ITEMS, "uniqueItems", u))
        return NZ_ENOMEM;
    if (k->d >= NZ_DIALECT_2019_09 &&
        (rc = dep_required_kw(k, "dependentRequired")))
        return rc;
    /* 2019-09 split "dependencies" in two; we keep honouring the old
     * keyword there too, as most validators do for compatibility */
    return dep_required_kw(k, "dependencies");
}
