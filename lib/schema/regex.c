/* ECMA-262 patterns on PCRE2: compile (translate, pcre2_compile, JIT) and
 * search with bounded effort.
 *
 * Compile options: PCRE2_UTF without PCRE2_UCP — ECMA \d \w \b are ASCII
 * even in Unicode mode, and PCRE2 without UCP gives exactly that, while
 * \p{...}, '.', classes and case folding still work on code points; ECMA
 * \s is spelled out by the translator. PCRE2_MATCH_UNSET_BACKREF because an
 * ECMA backreference to a group that did not participate matches the empty
 * string. The translator emits \z for '$' (no "before a final newline").
 *
 * Threads: the compiled code and its match context are read-only after
 * compile, so one nz_regex serves many threads. Match data and the JIT
 * stack are per thread (a pthread key whose destructor frees them), created
 * on a thread's first search and reused afterwards, so repeated searches
 * allocate nothing.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "schema/regex.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "schema/regex_translate.h"

/* JIT code reads the subject a machine word at a time, past its end, which
 * valgrind (unaware of JIT code) reports as uses of uninitialised memory.
 * Under valgrind the interpreter runs instead: same answers, clean reports.
 * RUNNING_ON_VALGRIND costs a few no-op instructions otherwise. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define NZ_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef NZ_UNDER_VALGRIND
#define NZ_UNDER_VALGRIND() 0
#endif

/* PCRE2's heap for backtracking frames (interpreter), in KiB. The depth
 * limit normally stops a search well before this. */
#define NZ_REGEX_HEAP_LIMIT_KIB (64u * 1024u)
#define NZ_REGEX_JIT_STACK_START (32u * 1024u)

struct nz_regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
    char *warning; /* NULL, or the leniency the pattern relies on */
    size_t bytes;
};

typedef struct thread_state {
    pcre2_match_data *md;
    pcre2_jit_stack *jit_stack; /* NULL when the JIT is unavailable */
} thread_state;

static pthread_key_t state_key;
static pthread_once_t state_once = PTHREAD_ONCE_INIT;
static int state_key_rc;

static void *pcre_alloc(PCRE2_SIZE size, void *data)
{
    (void)data;
    return nz_alloc(size);
}

static void pcre_free(void *ptr, void *data)
{
    (void)data;
    nz_free(ptr);
}

static void state_destroy(void *p)
{
    thread_state *ts = p;
    if (!ts)
        return;
    pcre2_match_data_free(ts->md);
    pcre2_jit_stack_free(ts->jit_stack);
    nz_free(ts);
}

static void state_key_init(void)
{
    state_key_rc = pthread_key_create(&state_key, state_destroy);
}

/* This thread's match data and JIT stack, created on first use. */
static thread_state *thread_state_get(void)
{
    if (pthread_once(&state_once, state_key_init) != 0 || state_key_rc != 0)
        return NULL;
    thread_state *ts = pthread_getspecific(state_key);
    if (ts)
        return ts;
    ts = nz_zalloc(sizeof *ts);
    if (!ts)
        return NULL;
    pcre2_general_context *g = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
    if (!g) {
        nz_free(ts);
        return NULL;
    }
    /* One ovector pair: a search only needs to know whether it matched. */
    ts->md = pcre2_match_data_create(1, g);
    uint32_t jit = 0;
    if (pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit)
        ts->jit_stack = pcre2_jit_stack_create(NZ_REGEX_JIT_STACK_START,
                                               NZ_REGEX_JIT_STACK_MAX, g);
    pcre2_general_context_free(g);
    if (!ts->md || pthread_setspecific(state_key, ts) != 0) {
        state_destroy(ts);
        return NULL;
    }
    return ts;
}

/* The JIT asks for a stack on every match: hand it this thread's. */
static pcre2_jit_stack *jit_stack_for_thread(void *data)
{
    (void)data;
    thread_state *ts = pthread_getspecific(state_key);
    return ts ? ts->jit_stack : NULL;
}

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* PCRE2 limits ECMA-262 does not have; such a pattern is valid ECMA. */
static bool is_pcre2_only_limit(int code)
{
    return code == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH ||
           code == PCRE2_ERROR_QUANTIFIER_TOO_BIG ||
           code == PCRE2_ERROR_LOOKBEHIND_TOO_COMPLICATED ||
           code == PCRE2_ERROR_LOOKBEHIND_TOO_LONG ||
           code == PCRE2_ERROR_PATTERN_TOO_LARGE ||
           code == PCRE2_ERROR_PATTERN_TOO_COMPLICATED;
}

static pcre2_code *compile_translated(const char *pcre, size_t len,
                                      pcre2_general_context *g, int *code)
{
    pcre2_compile_context *cc = pcre2_compile_context_create(g);
    if (!cc) {
        *code = PCRE2_ERROR_NOMEMORY;
        return NULL;
    }
    PCRE2_SIZE off = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pcre, len,
                                   PCRE2_UTF | PCRE2_MATCH_UNSET_BACKREF |
                                       PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
                                   code, &off, cc);
    pcre2_compile_context_free(cc);
    return re;
}

int nz_regex_compile(nz_regex **out, const char *pattern, size_t len,
                     uint64_t match_limit, uint64_t depth_limit, char *err,
                     size_t err_size)
{
    if (!out || (!pattern && len))
        return NZ_EINVAL;
    *out = NULL;
    if (err && err_size)
        err[0] = '\0';
    char *pcre = NULL;
    size_t pcre_len = 0;
    char warning[256];
    int rc = nz_regex_translate(pattern, len, &pcre, &pcre_len, err, err_size,
                                warning, sizeof warning);
    if (rc)
        return rc;
    pcre2_general_context *g = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
    nz_regex *re = nz_zalloc(sizeof *re);
    if (!g || !re) {
        rc = NZ_ENOMEM;
        goto done;
    }
    int code = 0;
    re->code = compile_translated(pcre, pcre_len, g, &code);
    if (!re->code) {
        if (code == PCRE2_ERROR_NOMEMORY || code == PCRE2_ERROR_HEAP_FAILED) {
            rc = NZ_ENOMEM;
            goto done;
        }
        rc = NZ_ESCHEMA;
        if (err && err_size) {
            PCRE2_UCHAR msg[160];
            if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
                snprintf((char *)msg, sizeof msg, "PCRE2 error %d", code);
            if (code == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH)
                snprintf(err, err_size, "unsupported pattern: a variable-length "
                         "lookbehind is valid ECMA-262 but PCRE2 needs each "
                         "lookbehind alternative to have a fixed length");
            else if (is_pcre2_only_limit(code))
                snprintf(err, err_size, "unsupported pattern: %s", (char *)msg);
            else
                snprintf(err, err_size, "invalid pattern: %s", (char *)msg);
        }
        goto done;
    }
    /* JIT is an optimisation: without it (no JIT support, no executable
     * memory) the interpreter gives the same answers. */
    bool jit = !NZ_UNDER_VALGRIND() &&
               pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
    re->mctx = pcre2_match_context_create(g);
    if (!re->mctx) {
        rc = NZ_ENOMEM;
        goto done;
    }
    pcre2_set_match_limit(re->mctx, clamp32(match_limit ? match_limit
                                                         : NZ_REGEX_DEFAULT_MATCH_LIMIT));
    pcre2_set_depth_limit(re->mctx, clamp32(depth_limit ? depth_limit
                                                         : NZ_REGEX_DEFAULT_DEPTH_LIMIT));
    pcre2_set_heap_limit(re->mctx, NZ_REGEX_HEAP_LIMIT_KIB);
    if (jit)
        pcre2_jit_stack_assign(re->mctx, jit_stack_for_thread, NULL);
    if (warning[0] && !(re->warning = nz_strdup(warning))) {
        rc = NZ_ENOMEM;
        goto done;
    }
    size_t code_size = 0, jit_size = 0;
    pcre2_pattern_info(re->code, PCRE2_INFO_SIZE, &code_size);
    if (jit)
        pcre2_pattern_info(re->code, PCRE2_INFO_JITSIZE, &jit_size);
    re->bytes = sizeof *re + code_size + jit_size + 256 /* match context */ +
                (re->warning ? strlen(re->warning) + 1 : 0);
    *out = re;
    re = NULL;
    rc = 0;
done:
    nz_regex_free(re);
    pcre2_general_context_free(g);
    nz_free(pcre);
    return rc;
}

int nz_regex_search(const nz_regex *re, const char *s, size_t len)
{
    if (!re || (!s && len))
        return NZ_EINVAL;
    thread_state *ts = thread_state_get();
    if (!ts)
        return NZ_ENOMEM;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), len, 0, 0, ts->md,
                         re->mctx);
    if (rc >= 0) /* 0: matched, ovector too small for the groups */
        return 1;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH:
        return 0;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
        return NZ_EMATCHLIMIT;
    case PCRE2_ERROR_NOMEMORY:
        return NZ_ENOMEM;
    default:
        return rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21
                   ? NZ_EUTF8
                   : NZ_EINVAL;
    }
}

void nz_regex_free(nz_regex *re)
{
    if (!re)
        return;
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    nz_free(re->warning);
    nz_free(re);
}

const char *nz_regex_warning(const nz_regex *re)
{
    return re ? re->warning : NULL;
}

size_t nz_regex_size(const nz_regex *re)
{
    return re ? re->bytes : 0;
}

bool nz_regex_is_valid_ecma(const char *pattern, size_t len)
{
    char *pcre = NULL;
    size_t pcre_len = 0;
    if (nz_regex_translate(pattern, len, &pcre, &pcre_len, NULL, 0, NULL, 0) != 0)
        return false;
    /* The translator knows the grammar; PCRE2 still judges what it passes
     * through (e.g. script names in \p{sc=...}). */
    pcre2_general_context *g = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
    bool ok = false;
    if (g) {
        int code = 0;
        pcre2_code *re = compile_translated(pcre, pcre_len, g, &code);
        ok = re != NULL || is_pcre2_only_limit(code);
        pcre2_code_free(re);
        pcre2_general_context_free(g);
    }
    nz_free(pcre);
    return ok;
}
