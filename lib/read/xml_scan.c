/* Where start tags and text runs begin, for the XML reader (xml_scan.h). */
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "read/xml_scan.h"

enum {
    S_TEXT,      /* content, prolog, epilog                         */
    S_REF,       /* after '&' in text                               */
    S_LT,        /* after '<'                                       */
    S_TAG_NAME,  /* the name of a start tag                         */
    S_TAG,       /* inside a start tag, after its name              */
    S_TAG_QUOTE, /* an attribute value                              */
    S_END_TAG,   /* "</...>"                                        */
    S_PI,        /* "<?...?>"                                       */
    S_BANG,      /* after "<!": comment, CDATA or DOCTYPE?          */
    S_COMMENT,   /* "<!--...-->"                                    */
    S_CDATA,     /* "<![CDATA[...]]>"                               */
    S_DT,        /* "<!DOCTYPE ...>", internal subset included      */
    S_DT_QUOTE,
    S_DT_COMMENT,
    S_DT_PI,
};

#define FNV_BASIS 2166136261u
#define FNV_PRIME 16777619u

/* The last bytes seen end with marker m (2..4 bytes)? */
#define ENDS_WITH2(w, a, b) (((w) & 0xFFFF) == (((uint64_t)(a) << 8) | (b)))
#define ENDS_WITH3(w, a, b, c)                                             \
    (((w) & 0xFFFFFF) == (((uint64_t)(a) << 16) | ((uint64_t)(b) << 8) | (c)))
#define ENDS_WITH4(w, a, b, c, d)                                          \
    (((w) & 0xFFFFFFFF) == (((uint64_t)(a) << 24) | ((uint64_t)(b) << 16) | \
                            ((uint64_t)(c) << 8) | (d)))

void nz_xml_scan_init(nz_xml_scan *s)
{
    memset(s, 0, sizeof *s);
    s->state = S_TEXT;
    s->line = 1;
}

void nz_xml_scan_free(nz_xml_scan *s)
{
    nz_free(s->tags.items);
    nz_free(s->texts.items);
    nz_free(s->refs.items);
    memset(s, 0, sizeof *s);
    s->off = true;
}

static int push(nz_xml_notes *q, const nz_position *pos, uint64_t tag)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 64;
        nz_xml_note *items = nz_alloc(cap * sizeof *items);
        if (!items)
            return NZ_ENOMEM;
        for (size_t i = 0; i < q->count; i++)
            items[i] = q->items[(q->head + i) & (q->cap - 1)];
        nz_free(q->items);
        q->items = items;
        q->head = 0;
        q->cap = cap;
    }
    nz_xml_note *n = &q->items[(q->head + q->count) & (q->cap - 1)];
    n->pos = *pos;
    n->tag = tag;
    q->count++;
    return 0;
}

static const nz_xml_note *peek(const nz_xml_notes *q)
{
    return q->count ? &q->items[q->head] : NULL;
}

static void drop(nz_xml_notes *q)
{
    q->head = (q->head + 1) & (q->cap - 1);
    q->count--;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Predefined and character references stay inside a text node; any
 * other reference is an entity node between two text nodes. */
static bool ref_is_inline(const char *ref, int len)
{
    if (len > 0 && ref[0] == '#')
        return true;
    static const char *const predefined[] = {"amp", "lt", "gt", "quot",
                                             "apos"};
    for (size_t i = 0; i < 5; i++)
        if ((int)strlen(predefined[i]) == len &&
            memcmp(ref, predefined[i], (size_t)len) == 0)
            return true;
    return false;
}

/* UTF-8 continuation bytes (10xxxxxx) in p[from, to): eight bytes at a
 * time, so counting columns costs little more than reading the bytes. */
static size_t continuation_bytes(const unsigned char *p, size_t from,
                                 size_t to)
{
    const uint64_t high = 0x8080808080808080u;
    size_t n = 0, i = from;
    for (; i + 8 <= to; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if (!(x & high))
            continue; /* all ASCII */
        /* Bit 7 of each byte that has bit 7 set and bit 6 clear. */
        uint64_t m = (x & ~(x << 1) & high) >> 7;
        n += (size_t)((m * 0x0101010101010101u) >> 56);
    }
    for (; i < to; i++)
        n += (p[i] & 0xC0) == 0x80;
    return n;
}

/* Bring the line/column count from p[*counted] up to p[to]; return the
 * position of p[to]. Done in bulk (memchr for newlines, a word-wise count
 * of continuation bytes for columns) and only as far as a note needs. */
static nz_position position_at(nz_xml_scan *s, const unsigned char *p,
                               size_t *counted, size_t to)
{
    size_t from = *counted;
    const unsigned char *nl;
    while (from < to && (nl = memchr(p + from, '\n', to - from)) != NULL) {
        s->line++;
        s->col = 0;
        from = (size_t)(nl - p) + 1;
    }
    s->col += (to - from) - continuation_bytes(p, from, to);
    *counted = to;
    nz_position pos = {s->line, s->col + 1, s->offset + to};
    if (s->bom && s->line == 1)
        pos.column--; /* the byte order mark is not a column */
    return pos;
}

/* Bytes p[i, j) were skipped by a fast path: keep the window right. */
static void skip_to(nz_xml_scan *s, const unsigned char *p, size_t i,
                    size_t j)
{
    for (size_t k = j - i > 8 ? j - 8 : i; k < j; k++)
        s->window = (s->window << 8) | p[k];
}

/* Index of the first byte of p[i, n) that is a (n if none). */
static size_t find1(const unsigned char *p, size_t i, size_t n,
                    unsigned char a)
{
    const unsigned char *hit = memchr(p + i, a, n - i);
    return hit ? (size_t)(hit - p) : n;
}

/* Where the slow path need not look: the next byte that can change the
 * state, from p[i]. Returns i when p[i] itself must be looked at. */
static size_t fast_skip(const nz_xml_scan *s, const unsigned char *p,
                        size_t i, size_t n)
{
    switch (s->state) {
    case S_TEXT:
        if (s->run_has_text || !s->want_text) {
            /* Only '<' and '&' matter: two vectorised searches. */
            size_t lt = find1(p, i, n, '<');
            const unsigned char *amp = memchr(p + i, '&', lt - i);
            return amp ? (size_t)(amp - p) : lt;
        }
        while (i < n && is_space(p[i]))
            i++;
        return i;
    case S_TAG_QUOTE:
    case S_DT_QUOTE:
        return find1(p, i, n, (unsigned char)s->quote);
    case S_END_TAG:
    case S_COMMENT:
    case S_PI:
    case S_DT_COMMENT:
    case S_DT_PI:
        return find1(p, i, n, '>');
    case S_CDATA:
        return s->cdata_text ? find1(p, i, n, '>') : i;
    case S_TAG:
        while (i < n && p[i] != '"' && p[i] != '\'' && p[i] != '>')
            i++;
        return i;
    default:
        return i;
    }
}

/* Bytes count_fast stops at, by what it is looking for. */
enum { STOP_NAME = 1, STOP_TAG = 2 };
static const unsigned char stops[256] = {
    [' '] = STOP_NAME, ['\t'] = STOP_NAME, ['\n'] = STOP_NAME,
    ['\r'] = STOP_NAME, ['/'] = STOP_NAME, ['>'] = STOP_NAME | STOP_TAG,
    ['"'] = STOP_TAG,  ['\''] = STOP_TAG,
};

/* count_only in content: jump over text, whole end tags and start tags
 * without quoted attribute values (the common case), counting start tags
 * as the state machine would. Returns where the state machine must take
 * over (a '<' it does not handle, or the chunk's end); the state is
 * S_TEXT there. */
static size_t count_fast(nz_xml_scan *s, const unsigned char *p, size_t i,
                         size_t n)
{
    for (;;) {
        size_t lt = i < n && p[i] == '<' ? i : find1(p, i, n, '<');
        if (lt + 1 >= n)
            return lt; /* no '<', or it ends the chunk */
        unsigned char c = p[lt + 1];
        if (c == '/') {
            size_t gt = find1(p, lt + 2, n, '>');
            if (gt == n)
                return lt;
            i = gt + 1;
            continue;
        }
        if (c == '!' || c == '?')
            return lt; /* comments, CDATA, DOCTYPE, PIs: the machine */
        size_t k = lt + 1;
        while (k < n && !(stops[p[k]] & STOP_NAME))
            k++;
        while (k < n && !(stops[p[k]] & STOP_TAG))
            k++;
        if (k == n || p[k] != '>')
            return lt; /* quoted attribute values, or the chunk ends */
        s->tags_seen++;
        i = k + 1;
    }
}

int nz_xml_scan_feed(nz_xml_scan *s, const unsigned char *p, size_t n)
{
    if (s->off)
        return 0;
    size_t counted = 0, i = 0;
    size_t lt_index = SIZE_MAX; /* a '<' of this chunk not yet placed */
    int rc = 0;
    /* A byte order mark is not content; UTF-16 and UCS-4 are not
     * counted at all. */
    for (size_t k = 0; k < n && s->offset + k < 2; k++) {
        if (p[k] == 0 || p[k] == 0xFE || p[k] == 0xFF) {
            s->off = true;
            return 0;
        }
    }
    while (i < n && s->offset + i < 3) {
        static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
        unsigned char c = p[i];
        if (c != bom[s->offset + i] || s->bom_broken)
            break;
        if (s->offset + i == 2)
            s->bom = true;
        i++;
    }
    if (s->offset + i < 3 && i < n)
        s->bom_broken = true;
    while (i < n && rc == 0) {
        if (s->count_only && s->state == S_TEXT) {
            size_t j = count_fast(s, p, i, n);
            if (j > i) {
                skip_to(s, p, i, j);
                i = j;
                continue;
            }
        }
        size_t j = fast_skip(s, p, i, n);
        if (j > i) {
            skip_to(s, p, i, j);
            i = j;
            continue;
        }
        unsigned char c = p[i];
        s->window = (s->window << 8) | c;
    again:
        switch (s->state) {
        case S_TEXT:
            if (c == '<') {
                s->run_has_text = false;
                s->state = S_LT;
                s->hash = FNV_BASIS;
                s->bang_len = 0;
                s->subset_depth = 0;
                /* Placed only if it turns out to open an element. */
                lt_index = i;
            } else if (c == '&') {
                s->state = S_REF;
                s->ref_len = 0;
                if (!s->count_only)
                    s->amp_pos = position_at(s, p, &counted, i);
            } else if (!is_space(c) && !s->run_has_text) {
                s->run_has_text = true;
                if (s->want_text && !s->count_only) {
                    nz_position here = position_at(s, p, &counted, i);
                    rc = push(&s->texts, &here, s->tags_seen);
                }
            }
            break;
        case S_REF:
            if (c == ';' || c == '<' || is_space(c)) {
                bool inline_ref = c == ';' && ref_is_inline(s->ref, s->ref_len);
                if (inline_ref && !s->run_has_text) {
                    s->run_has_text = true;
                    if (s->want_text && !s->count_only)
                        rc = push(&s->texts, &s->amp_pos, s->tags_seen);
                } else if (!inline_ref) {
                    s->run_has_text = false; /* an entity node follows */
                    if (c == ';' && !s->count_only)
                        rc = push(&s->refs, &s->amp_pos, s->tags_seen);
                }
                s->state = S_TEXT;
                if (c != ';')
                    goto again;
            } else if (s->ref_len < (int)sizeof s->ref) {
                s->ref[s->ref_len++] = (char)c;
            } else {
                s->ref_len = (int)sizeof s->ref + 1; /* too long: no match */
            }
            break;
        case S_LT:
            if (c == '/') {
                s->state = S_END_TAG;
            } else if (c == '?') {
                s->state = S_PI;
            } else if (c == '!') {
                s->state = S_BANG;
            } else {
                if (lt_index != SIZE_MAX && !s->count_only)
                    s->lt_pos = position_at(s, p, &counted, lt_index);
                s->state = S_TAG_NAME;
                goto again;
            }
            break;
        case S_TAG_NAME:
            /* The name's bytes in one go, as far as this chunk has them. */
            while (!is_space(c) && c != '/' && c != '>') {
                s->hash = (s->hash ^ c) * FNV_PRIME;
                if (i + 1 == n)
                    break;
                c = p[++i];
            }
            if (is_space(c) || c == '/' || c == '>') {
                s->window = (s->window << 8) | c;
                if (!s->count_only)
                    rc = push(&s->tags, &s->lt_pos, s->hash);
                s->tags_seen++;
                s->state = S_TAG;
                goto again;
            }
            break;
        case S_TAG:
            if (c == '"' || c == '\'') {
                s->quote = (char)c;
                s->state = S_TAG_QUOTE;
            } else if (c == '>') {
                s->state = S_TEXT;
            }
            break;
        case S_TAG_QUOTE:
            if (c == (unsigned char)s->quote)
                s->state = S_TAG;
            break;
        case S_END_TAG:
            if (c == '>')
                s->state = S_TEXT;
            break;
        case S_PI:
            if (ENDS_WITH2(s->window, '?', '>'))
                s->state = S_TEXT;
            break;
        case S_BANG:
            s->bang_len++;
            if (s->bang_len == 1 && c == 'D') {
                s->state = S_DT;
            } else if (s->bang_len == 2 && ENDS_WITH2(s->window, '-', '-')) {
                s->state = S_COMMENT;
                s->window = 0; /* "<!--" does not also end it */
            } else if (s->bang_len == 7 && c == '[') { /* "[CDATA[" */
                s->state = S_CDATA;
                s->cdata_text = false;
                s->window = 0;
            } else if (s->bang_len > 7) {
                s->state = S_END_TAG; /* not markup we know: skip it */
            }
            break;
        case S_COMMENT:
            if (ENDS_WITH3(s->window, '-', '-', '>'))
                s->state = S_TEXT;
            break;
        case S_CDATA:
            if (ENDS_WITH3(s->window, ']', ']', '>')) {
                /* The content ended two bytes ago; its first non-space
                 * byte, if it came before the terminator, is its place. */
                if (s->want_text && !s->count_only && s->cdata_text &&
                    s->cdata_pos.offset + 2 < s->offset + i)
                    rc = push(&s->texts, &s->cdata_pos, s->tags_seen);
                s->state = S_TEXT;
                s->run_has_text = false;
            } else if (!s->cdata_text && !is_space(c)) {
                s->cdata_text = true;
                if (s->want_text && !s->count_only)
                    s->cdata_pos = position_at(s, p, &counted, i);
            }
            break;
        case S_DT:
            if (ENDS_WITH4(s->window, '<', '!', '-', '-')) {
                s->state = S_DT_COMMENT;
                s->window = 0;
            } else if (ENDS_WITH2(s->window, '<', '?')) {
                s->state = S_DT_PI;
            } else if (c == '"' || c == '\'') {
                s->quote = (char)c;
                s->state = S_DT_QUOTE;
            } else if (c == '[') {
                s->subset_depth++;
            } else if (c == ']') {
                s->subset_depth--;
            } else if (c == '>' && s->subset_depth <= 0) {
                s->state = S_TEXT;
            }
            break;
        case S_DT_QUOTE:
            if (c == (unsigned char)s->quote)
                s->state = S_DT;
            break;
        case S_DT_COMMENT:
            if (ENDS_WITH3(s->window, '-', '-', '>'))
                s->state = S_DT;
            break;
        case S_DT_PI:
            if (ENDS_WITH2(s->window, '?', '>'))
                s->state = S_DT;
            break;
        default:
            break;
        }
        i++;
    }
    if (s->state == S_LT && lt_index != SIZE_MAX && !s->count_only)
        s->lt_pos = position_at(s, p, &counted, lt_index); /* chunk ends */
    position_at(s, p, &counted, n);
    s->offset += n;
    if (rc != 0)
        s->off = true;
    return rc;
}

uint32_t nz_xml_scan_hash(const char *name)
{
    uint32_t h = FNV_BASIS;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * FNV_PRIME;
    return h;
}

bool nz_xml_scan_element(nz_xml_scan *s, const char *qname, nz_position *out)
{
    if (s->off)
        return false;
    const nz_xml_note *n = peek(&s->tags);
    if (!n || (uint32_t)n->tag != nz_xml_scan_hash(qname)) {
        s->off = true; /* out of step: no columns rather than wrong ones */
        return false;
    }
    *out = n->pos;
    drop(&s->tags);
    s->tags_taken++;
    /* Text before this start tag can no longer be asked for. */
    const nz_xml_note *t;
    while ((t = peek(&s->texts)) != NULL && t->tag < s->tags_taken)
        drop(&s->texts);
    while ((t = peek(&s->refs)) != NULL && t->tag < s->tags_taken)
        drop(&s->refs);
    return true;
}

/* The next note of q that belongs after the element taken last. */
static bool take_after_tag(nz_xml_scan *s, nz_xml_notes *q, nz_position *out)
{
    if (s->off)
        return false;
    const nz_xml_note *t;
    while ((t = peek(q)) != NULL && t->tag < s->tags_taken)
        drop(q);
    if (!t || t->tag != s->tags_taken)
        return false;
    *out = t->pos;
    drop(q);
    return true;
}

bool nz_xml_scan_text(nz_xml_scan *s, nz_position *out)
{
    return take_after_tag(s, &s->texts, out);
}

bool nz_xml_scan_ref(nz_xml_scan *s, nz_position *out)
{
    return take_after_tag(s, &s->refs, out);
}

/* ---- lazy placement ------------------------------------------------- */

/* A checkpoint at most this often: replays then start at most this many
 * bytes before the record they are about. */
#define MARK_EVERY ((uint64_t)16 << 10)
/* Replay in pieces this big, dropping notes not asked for in between, so
 * a replay holds few notes however long the record. */
#define REPLAY_PIECE ((size_t)64 << 10)

void nz_xml_lazy_init(nz_xml_lazy *l)
{
    memset(l, 0, sizeof *l);
    nz_xml_scan_init(&l->scan);
    l->scan.count_only = true;
}

void nz_xml_lazy_free(nz_xml_lazy *l)
{
    nz_free(l->marks);
    nz_free(l->bytes);
    memset(l, 0, sizeof *l);
    l->off = true;
}

static void lazy_off(nz_xml_lazy *l)
{
    nz_xml_lazy_free(l); /* a count_only scanner holds no notes */
}

/* Forget the bytes and checkpoints no placement can need: those before
 * the last checkpoint that precedes the start tag of element keep_from.
 * A checkpoint that has counted at most keep_from - 2 start tags does:
 * the (keep_from - 1)-th name is not yet complete there, so the
 * keep_from-th '<' is still ahead. */
static void lazy_trim(nz_xml_lazy *l, uint64_t keep_from)
{
    size_t c = 0;
    while (c + 1 < l->mark_count &&
           l->marks[c + 1].tags_seen + 2 <= keep_from)
        c++;
    if (c == 0)
        return;
    size_t drop = (size_t)(l->marks[c].offset - l->marks[0].offset);
    if (drop < l->len / 2)
        return; /* move the bytes only when that halves them */
    memmove(l->bytes, l->bytes + drop, l->len - drop);
    l->len -= drop;
    memmove(l->marks, l->marks + c, (l->mark_count - c) * sizeof *l->marks);
    l->mark_count -= c;
}

void nz_xml_lazy_feed(nz_xml_lazy *l, const unsigned char *p, size_t n,
                      uint64_t keep_from)
{
    if (l->off || n == 0)
        return;
    lazy_trim(l, keep_from);
    if (l->mark_count == 0 ||
        l->scan.offset - l->marks[l->mark_count - 1].offset >= MARK_EVERY) {
        if (l->mark_count == l->mark_cap) {
            size_t cap = l->mark_cap ? 2 * l->mark_cap : 16;
            nz_xml_scan *m = nz_realloc(l->marks, cap * sizeof *m);
            if (!m) {
                lazy_off(l);
                return;
            }
            l->marks = m;
            l->mark_cap = cap;
        }
        l->marks[l->mark_count++] = l->scan;
    }
    if (n > l->cap - l->len) {
        size_t cap = l->cap ? l->cap : (size_t)64 << 10;
        while (cap - l->len < n) {
            if (cap > SIZE_MAX / 2) {
                lazy_off(l);
                return;
            }
            cap *= 2;
        }
        unsigned char *b = nz_realloc(l->bytes, cap);
        if (!b) {
            lazy_off(l);
            return;
        }
        l->bytes = b;
        l->cap = cap;
    }
    memcpy(l->bytes + l->len, p, n);
    l->len += n;
    nz_xml_scan_feed(&l->scan, p, n); /* count_only: cannot fail */
    if (l->scan.off)
        lazy_off(l); /* UTF-16 or UCS-4 input: no columns at all */
}

bool nz_xml_lazy_place(const nz_xml_lazy *l, int kind, uint64_t ordinal,
                       uint64_t seq, const char *qname, nz_position *out)
{
    if (l->off || l->mark_count == 0)
        return false;
    /* The last checkpoint before the element's start tag (see above). */
    size_t c = 0;
    while (c + 1 < l->mark_count && l->marks[c + 1].tags_seen + 2 <= ordinal)
        c++;
    const nz_xml_scan *mark = &l->marks[c];
    nz_xml_scan r = *mark;
    r.count_only = false;
    r.want_text = true;
    memset(&r.tags, 0, sizeof r.tags);
    memset(&r.texts, 0, sizeof r.texts);
    memset(&r.refs, 0, sizeof r.refs);
    uint64_t head_ordinal = mark->tags_seen + 1; /* of r.tags' head */
    uint64_t skipped = 0;
    bool found = false;
    size_t at = (size_t)(mark->offset - l->marks[0].offset);
    while (at < l->len && !found && !r.off) {
        size_t piece = l->len - at < REPLAY_PIECE ? l->len - at
                                                   : REPLAY_PIECE;
        nz_xml_scan_feed(&r, l->bytes + at, piece);
        at += piece;
        if (r.off)
            break;
        if (kind == NZ_XML_NODE_ELEMENT) {
            while (r.tags.count && head_ordinal < ordinal) {
                drop(&r.tags);
                head_ordinal++;
            }
            const nz_xml_note *t = peek(&r.tags);
            if (t && head_ordinal == ordinal) {
                if ((uint32_t)t->tag != nz_xml_scan_hash(qname))
                    break; /* out of step: no column rather than a wrong one */
                *out = t->pos;
                found = true;
            }
            while (r.texts.count)
                drop(&r.texts);
            while (r.refs.count)
                drop(&r.refs);
            continue;
        }
        nz_xml_notes *q = kind == NZ_XML_NODE_TEXT ? &r.texts : &r.refs;
        const nz_xml_note *t;
        while ((t = peek(q)) != NULL &&
               (t->tag < ordinal || (t->tag == ordinal && skipped < seq))) {
            skipped += t->tag == ordinal;
            drop(q);
        }
        if (t && t->tag == ordinal) {
            *out = t->pos;
            found = true;
        } else if (t || r.tags_seen > ordinal) {
            break; /* past the element's content: there is no such node */
        }
        while (r.tags.count)
            drop(&r.tags);
        nz_xml_notes *other = q == &r.texts ? &r.refs : &r.texts;
        while (other->count)
            drop(other);
    }
    nz_free(r.tags.items);
    nz_free(r.texts.items);
    nz_free(r.refs.items);
    return found;
}
