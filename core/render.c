/* `textpipe render`: one HTML page per record and an index of the folder.
 *
 * A page shows the text as read ("original" where there is one) with every
 * finding marked in place.  Findings are spans that may overlap or nest in
 * any way, so the text is cut at every span boundary and, between two
 * boundaries, the spans that cover the piece are opened in a fixed order
 * (paragraph, claim sentence, quotation, source, cue, entity or number):
 * the markup is always well nested, a span crossing another is split into
 * fragments, and only its first fragment carries its anchor id.
 *
 * Only a small summary of each record is kept for the index, so memory
 * stays bounded whatever the number of documents. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "textpipe/record.h"
#include "html.h"
#include "render.h"

/* Limits that keep a hostile record from costing too much. */
#define MAX_MARKS 200000        /* marks placed in one page */
#define MAX_DEPTH 24            /* marks open at once */
#define MAX_GROUPS 2000         /* quoted sources listed on one page */
#define MAX_SOURCES 100000      /* distinct sources counted for the folder */
#define ID_CHARS 200            /* code points of an id kept for the index */
#define EXCERPT_CHARS 160       /* code points of a sentence in the panel */
#define TOP_N 20

enum { K_PARA, K_CLAIM, K_QUOTE, K_SRC, K_CUE, K_ENT, K_NUM };
enum { ST_ATTRIBUTED, ST_VAGUE, ST_UNSOURCED, ST_OTHER, ST_N };

static const char *const status_name[ST_N] = {
    "attributed", "vague", "unsourced", "other"
};
static const char *const status_class[ST_N] = { "a", "v", "u", "x" };

typedef struct mark {
    size_t s, e;                /* code points of the shown text */
    const json_t *obj;          /* the finding (claims: the claim) */
    unsigned idx;               /* its index in the record's array */
    unsigned char kind;
    unsigned char sub;          /* claim status */
    unsigned char opened;       /* its anchor has been written */
    const char *pfx;            /* anchor prefix */
} mark;

/* A quoted source on one page. */
typedef struct group {
    char *key;
    const char *name;
    size_t name_len;
    const char *quality;
    unsigned n;
    size_t first_anchor;        /* index into page.anchors */
} group;

typedef struct link_t {
    char name[24];
    size_t next;                /* next link of the same group */
} link_t;

typedef struct doc {
    char *id;
    char *file;
    unsigned entities, numbers, sentences, claims[ST_N];
    unsigned unsourced_numbers, warnings, skipped;
    char *error;                /* stage of the error, or NULL */
} doc;

typedef struct source {
    char *key;
    char *name;
    unsigned quotes, docs;
    size_t last_doc;
} source;

struct tp_render {
    char *dir;
    doc *docs;
    size_t ndocs, docs_cap;
    source *sources;            /* open addressing, key NULL = empty */
    size_t nsources, sources_cap;
    unsigned long sources_dropped;
    /* per page scratch, reused */
    tp_text *text;
    mark *marks;
    size_t nmarks, marks_cap;
    size_t *bounds;
    size_t bounds_cap;
    size_t *order, *active, *stack;
    size_t order_cap, active_cap;
    group *groups;
    size_t ngroups, groups_cap;
    link_t *anchors;
    size_t nanchors, anchors_cap;
    size_t *ranges;             /* unsourced sentence ranges, pairs */
    size_t nranges, ranges_cap;
};

/* What is shown of one record. */
typedef struct page {
    const json_t *rec;
    const char *txt;
    size_t len, cplen;
    int use_orig;
    int have_map;
    unsigned skipped;
} page;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 16;
    void *q;
    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    q = realloc(*p, n * size);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static int get_cp(const json_t *o, const char *key, size_t *out)
{
    const json_t *v = json_object_get(o, key);
    json_int_t x;
    if (!json_is_integer(v))
        return -1;
    x = json_integer_value(v);
    if (x < 0 || (uint64_t)x > SIZE_MAX / 2)
        return -1;
    *out = (size_t)x;
    return 0;
}

static const char *get_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The span of o in the shown text; -1 when it cannot be placed. */
static int span_of(tp_render *r, page *p, const json_t *o, size_t *s, size_t *e)
{
    size_t a, b;
    if (!json_is_object(o))
        return -1;
    if (!p->use_orig) {
        if (get_cp(o, "start", &a) != 0 || get_cp(o, "end", &b) != 0)
            return -1;
    } else if (get_cp(o, "orig_start", &a) == 0 && get_cp(o, "orig_end", &b) == 0) {
        /* placed in the original */
    } else if (p->have_map && get_cp(o, "start", &a) == 0 &&
               get_cp(o, "end", &b) == 0 && a <= b &&
               b <= tp_text_cp_len(r->text)) {
        size_t oa, ob;
        tp_text_orig(r->text, a, b, &oa, &ob);
        a = oa;
        b = ob;
    } else {
        return -1;
    }
    if (a >= b || b > p->cplen)
        return -1;
    *s = a;
    *e = b;
    return 0;
}

static int add_mark(tp_render *r, page *p, size_t s, size_t e, int kind,
                    const json_t *obj, size_t idx, int sub, const char *pfx)
{
    mark *m;
    if (r->nmarks >= MAX_MARKS) {
        p->skipped++;
        return -1;
    }
    if (grow((void **)&r->marks, &r->marks_cap, r->nmarks + 1, sizeof *m) != 0)
        return -1;
    m = &r->marks[r->nmarks++];
    m->s = s;
    m->e = e;
    m->obj = obj;
    m->idx = (unsigned)idx;
    m->kind = (unsigned char)kind;
    m->sub = (unsigned char)sub;
    m->opened = 0;
    m->pfx = pfx;
    return 0;
}

/* Mark o (a span object) unless it cannot be placed. */
static void mark_span(tp_render *r, page *p, const json_t *o, int kind,
                      size_t idx, int sub, const char *pfx)
{
    size_t s, e;
    if (span_of(r, p, o, &s, &e) != 0) {
        if (o != NULL)
            p->skipped++;
        return;
    }
    add_mark(r, p, s, e, kind, o, idx, sub, pfx);
}

static int status_of(const json_t *claim)
{
    const char *s = get_str(claim, "status");
    int i;
    if (s == NULL)
        return ST_OTHER;
    for (i = 0; i < ST_OTHER; i++)
        if (strcmp(s, status_name[i]) == 0)
            return i;
    return ST_OTHER;
}

static const char *const quality_name[4] = { "named", "vague", "none", "x" };

static int quality_of(const char *q)
{
    int i;
    for (i = 0; q != NULL && i < 3; i++)
        if (strcmp(q, quality_name[i]) == 0)
            return i;
    return 3;
}

/* The sentence of a claim, as a span object, or NULL. */
static const json_t *claim_sentence(const json_t *rec, const json_t *claim)
{
    const json_t *v = json_object_get(claim, "sentence");
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return json_array_get(json_object_get(rec, "sentences"),
                              (size_t)json_integer_value(v));
    if (json_is_object(v))
        return v;
    return NULL;
}

/* Paragraphs: cut after a run of white space holding two line breaks. */
static void mark_paragraphs(tp_render *r, page *p)
{
    const unsigned char *s = (const unsigned char *)p->txt;
    size_t i = 0, cp = 0, start = 0;
    while (i < p->len) {
        if (s[i] == '\n') {
            size_t j = i, k = cp, nl = 0;
            while (j < p->len && (s[j] == '\n' || s[j] == '\r' ||
                                  s[j] == ' ' || s[j] == '\t')) {
                nl += s[j] == '\n';
                j++;
                k++;
            }
            if (nl >= 2 && j < p->len) {
                add_mark(r, p, start, k, K_PARA, NULL, 0, 0, "p");
                start = k;
            }
            i = j;
            cp = k;
            continue;
        }
        cp += (s[i] & 0xC0) != 0x80;
        i++;
    }
    if (start < p->cplen)
        add_mark(r, p, start, p->cplen, K_PARA, NULL, 0, 0, "p");
}

/* ---- anchors written for the panel ---- */

static void anchor_name(const mark *m, char *buf, size_t n)
{
    snprintf(buf, n, "%s%u", m->pfx, m->idx);
}

static void collect_marks(tp_render *r, page *p)
{
    const json_t *rec = p->rec, *arr, *o;
    size_t i;
    mark_paragraphs(r, p);
    arr = json_object_get(rec, "claims");
    json_array_foreach(arr, i, o) {
        const json_t *sent;
        if (!json_is_object(o)) {
            p->skipped++;
            continue;
        }
        sent = claim_sentence(rec, o);
        {
            size_t s, e;
            if (span_of(r, p, sent, &s, &e) == 0)
                add_mark(r, p, s, e, K_CLAIM, o, i, status_of(o), "c");
            else
                p->skipped++;
        }
    }
    arr = json_object_get(rec, "attributions");
    json_array_foreach(arr, i, o) {
        if (!json_is_object(o)) {
            p->skipped++;
            continue;
        }
        mark_span(r, p, json_object_get(o, "content"), K_QUOTE, i, 0, "q");
        mark_span(r, p, json_object_get(o, "source"), K_SRC, i,
                  quality_of(get_str(o, "quality")), "s");
        mark_span(r, p, json_object_get(o, "cue"), K_CUE, i, 0, "k");
    }
    /* A claim's own source and cue, unless an attribution marked them. */
    arr = json_object_get(rec, "claims");
    json_array_foreach(arr, i, o) {
        static const char *const keys[2] = { "source", "cue" };
        int k;
        for (k = 0; k < 2; k++) {
            const json_t *sp = json_object_get(o, keys[k]);
            size_t s, e, j, n = r->nmarks;
            int kind = k == 0 ? K_SRC : K_CUE, dup = 0;
            if (!json_is_object(sp) || span_of(r, p, sp, &s, &e) != 0)
                continue;
            for (j = 0; j < n && !dup; j++)
                dup = r->marks[j].kind == kind && r->marks[j].s == s &&
                      r->marks[j].e == e;
            if (!dup)
                add_mark(r, p, s, e, kind, sp, i, 3, k == 0 ? "cs" : "ck");
        }
    }
    arr = json_object_get(rec, "entities");
    json_array_foreach(arr, i, o)
        mark_span(r, p, o, K_ENT, i, 0, "e");
    arr = json_object_get(rec, "numbers");
    json_array_foreach(arr, i, o)
        mark_span(r, p, o, K_NUM, i, 0, "n");
}

/* ---- writing the text ---- */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static const mark *sort_marks;

static int cmp_by_start(const void *a, const void *b)
{
    const mark *x = &sort_marks[*(const size_t *)a];
    const mark *y = &sort_marks[*(const size_t *)b];
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Nesting order: kind, then earlier start, then longer, then record order. */
static int before(const mark *marks, size_t a, size_t b)
{
    const mark *x = &marks[a], *y = &marks[b];
    if (x->kind != y->kind)
        return x->kind < y->kind;
    if (x->s != y->s)
        return x->s < y->s;
    if (x->e != y->e)
        return x->e > y->e;
    return a < b;
}

static void put_attr(FILE *f, const char *s)
{
    tp_html_puts(f, s, TP_HTML_ATTR);
}

static void put_value(FILE *f, const json_t *v)
{
    char buf[64];
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        fputs(buf, f);
    } else if (json_is_real(v)) {
        snprintf(buf, sizeof buf, "%.15g", json_real_value(v));
        fputs(buf, f);
    } else if (json_is_string(v)) {
        tp_html_escape(f, json_string_value(v), json_string_length(v),
                       TP_HTML_ATTR);
    } else if (json_is_true(v)) {
        fputs("true", f);
    } else if (json_is_false(v)) {
        fputs("false", f);
    }
}

static const char *entity_class(const char *label)
{
    static const char *const labels[] = { "PER", "ORG", "LOC", "MISC" };
    size_t i;
    for (i = 0; label != NULL && i < 4; i++)
        if (strcmp(label, labels[i]) == 0)
            return labels[i];
    return "X";
}


static void open_mark(FILE *f, mark *m)
{
    char name[48];
    const json_t *o = m->obj;
    anchor_name(m, name, sizeof name);
    if (m->kind == K_PARA) {
        fputs("<div class=\"p\" dir=\"auto\">", f);
        return;
    }
    switch (m->kind) {
    case K_CLAIM: {
        const json_t *reasons = json_object_get(o, "reasons"), *v;
        size_t i;
        const char *sep = ": ";
        fprintf(f, "<span class=\"cl st-%s\" data-status=\"%s\"",
                status_class[m->sub], status_name[m->sub]);
        fputs(" title=\"", f);
        if (m->sub == ST_OTHER)
            put_attr(f, get_str(o, "status"));
        else
            fputs(status_name[m->sub], f);
        fputs(" claim", f);
        json_array_foreach(reasons, i, v) {
            if (json_is_string(v)) {
                fputs(sep, f);
                put_attr(f, json_string_value(v));
                sep = ", ";
            }
        }
        v = json_object_get(o, "source");
        if (json_is_object(v) && get_str(v, "text") != NULL) {
            fputs(" \xc2\xb7 source: ", f);
            put_attr(f, get_str(v, "text"));
        }
        fputc('"', f);
        break;
    }
    case K_QUOTE:
        fputs("<span class=\"q\" title=\"quotation\"", f);
        break;
    case K_SRC:
        fprintf(f, "<span class=\"src q-%s\" title=\"%s source",
                quality_name[m->sub], m->sub < 3 ? quality_name[m->sub] : "");
        if (json_is_string(json_object_get(o, "entity_id"))) {
            fputs(" \xc2\xb7 ", f);
            put_attr(f, get_str(o, "entity_id"));
        }
        fputc('"', f);
        break;
    case K_CUE:
        fputs("<span class=\"cue\" title=\"attribution cue\"", f);
        break;
    case K_ENT: {
        const char *label = get_str(o, "label");
        const json_t *v;
        fprintf(f, "<span class=\"ent ent-%s\" data-label=\"", entity_class(label));
        put_attr(f, label);
        fputs("\" title=\"", f);
        put_attr(f, label);
        v = json_object_get(o, "score");
        if (json_is_number(v)) {
            fputs(" \xc2\xb7 score ", f);
            put_value(f, v);
        }
        v = json_object_get(o, "entity_id");
        if (json_is_string(v) || json_is_integer(v)) {
            fputs(" \xc2\xb7 ", f);
            put_value(f, v);
        }
        fputc('"', f);
        break;
    }
    case K_NUM: {
        static const char *const keys[] = { "unit", "approx", "kind" };
        const json_t *v = json_object_get(o, "value");
        size_t i;
        fputs("<span class=\"num\"", f);
        if (json_is_number(v)) {
            fputs(" data-value=\"", f);
            put_value(f, v);
            fputc('"', f);
        }
        fputs(" title=\"value ", f);
        if (json_is_number(v) || json_is_string(v))
            put_value(f, v);
        else
            fputc('?', f);
        for (i = 0; i < 3; i++) {
            const char *s = get_str(o, keys[i]);
            if (s != NULL && *s) {
                fputs(" \xc2\xb7 ", f);
                put_attr(f, s);
            }
        }
        fputc('"', f);
        break;
    }
    default:
        fputs("<span", f);
        break;
    }
    if (m->opened) {
        fprintf(f, " data-part=\"%s\">", name);
    } else {
        fprintf(f, " id=\"%s\">", name);
        m->opened = 1;
    }
}

static void close_mark(FILE *f, const mark *m)
{
    fputs(m->kind == K_PARA ? "</div>" : "</span>", f);
}

static int write_text(tp_render *r, page *p, FILE *f)
{
    size_t n = r->nmarks, nb = 0, i, nact = 0, depth = 0, next = 0;
    size_t pos = 0, pos_byte = 0, bi;
    mark *marks = r->marks;
    if (grow((void **)&r->bounds, &r->bounds_cap, 2 * n + 1, sizeof(size_t)) != 0 ||
        grow((void **)&r->order, &r->order_cap, n + 1, sizeof(size_t)) != 0 ||
        grow((void **)&r->active, &r->active_cap, n + 1, sizeof(size_t)) != 0)
        return -1;
    free(r->stack);
    r->stack = malloc((MAX_DEPTH + 1) * sizeof(size_t));
    if (r->stack == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        r->bounds[nb++] = marks[i].s;
        r->bounds[nb++] = marks[i].e;
        r->order[i] = i;
    }
    qsort(r->bounds, nb, sizeof(size_t), cmp_size);
    sort_marks = marks;
    qsort(r->order, n, sizeof(size_t), cmp_by_start);
    for (bi = 0; bi <= nb; bi++) {
        size_t b = bi < nb ? r->bounds[bi] : p->cplen, k, j, want;
        int changed = 0;
        if (bi > 0 && bi < nb && b == r->bounds[bi - 1])
            continue;
        if (b > pos) {
            size_t eb = tp_html_cp_to_byte(p->txt, p->len, pos_byte, pos, b);
            tp_html_escape(f, p->txt + pos_byte, eb - pos_byte, 0);
            pos = b;
            pos_byte = eb;
        }
        if (bi == nb)
            break;
        /* Drop the marks that end here, take in those that start here. */
        for (i = 0, k = 0; i < nact; i++) {
            if (marks[r->active[i]].e > b)
                r->active[k++] = r->active[i];
            else
                changed = 1;
        }
        nact = k;
        while (next < n && marks[r->order[next]].s == b) {
            size_t m = r->order[next++];
            j = nact;
            while (j > 0 && before(marks, m, r->active[j - 1])) {
                r->active[j] = r->active[j - 1];
                j--;
            }
            r->active[j] = m;
            nact++;
            changed = 1;
        }
        if (!changed)
            continue;
        want = nact < MAX_DEPTH ? nact : MAX_DEPTH;
        for (k = 0; k < depth && k < want && r->stack[k] == r->active[k]; k++)
            ;
        while (depth > k)
            close_mark(f, &marks[r->stack[--depth]]);
        for (; depth < want; depth++) {
            r->stack[depth] = r->active[depth];
            open_mark(f, &marks[r->stack[depth]]);
        }
    }
    while (depth > 0)
        close_mark(f, &marks[r->stack[--depth]]);
    return 0;
}

/* ---- the side panel ---- */

/* The text of a span: its "text" when a string, else the shown text. */
static const char *span_text(tp_render *r, page *p, const json_t *o, size_t *len)
{
    const json_t *t = json_object_get(o, "text");
    size_t s, e, bs, be;
    if (json_is_string(t)) {
        *len = json_string_length(t);
        return json_string_value(t);
    }
    if (span_of(r, p, o, &s, &e) != 0) {
        *len = 0;
        return "";
    }
    bs = tp_html_cp_to_byte(p->txt, p->len, 0, 0, s);
    be = tp_html_cp_to_byte(p->txt, p->len, bs, s, e);
    *len = be - bs;
    return p->txt + bs;
}

static void put_text_cut(FILE *f, const char *s, size_t n, size_t max)
{
    int cut;
    size_t b = tp_html_prefix(s, n, max, &cut);
    tp_html_escape(f, s, b, 0);
    if (cut)
        fputs("\xe2\x80\xa6", f);
}

static char *group_key(const json_t *src, const char *name, size_t len)
{
    const json_t *id = json_object_get(src, "entity_id");
    char *k;
    size_t i;
    if (json_is_string(id)) {
        k = malloc(json_string_length(id) + 4);
        if (k == NULL)
            return NULL;
        memcpy(k, "id:", 3);
        memcpy(k + 3, json_string_value(id), json_string_length(id) + 1);
        return k;
    }
    if (json_is_integer(id)) {
        k = malloc(32);
        if (k != NULL)
            snprintf(k, 32, "id:%" JSON_INTEGER_FORMAT, json_integer_value(id));
        return k;
    }
    k = malloc(len + 3);
    if (k == NULL)
        return NULL;
    memcpy(k, "t:", 2);
    for (i = 0; i < len; i++) {
        char c = name[i];
        k[i + 2] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (c == '\0')
            k[i + 2] = ' ';
    }
    k[len + 2] = '\0';
    return k;
}

static int add_anchor(tp_render *r, const char *name)
{
    if (grow((void **)&r->anchors, &r->anchors_cap, r->nanchors + 1,
             sizeof *r->anchors) != 0)
        return -1;
    snprintf(r->anchors[r->nanchors].name, sizeof r->anchors[0].name, "%s", name);
    r->anchors[r->nanchors].next = SIZE_MAX;
    r->nanchors++;
    return 0;
}

/* Group one quoted source of the page. */
static void add_quoted(tp_render *r, page *p, const json_t *src,
                       const char *quality, const char *link)
{
    size_t len, i;
    const char *name = span_text(r, p, src, &len);
    char *key;
    group *g = NULL;
    if (len == 0 && !json_is_string(json_object_get(src, "entity_id")))
        return;
    key = group_key(src, name, len);
    if (key == NULL)
        return;
    for (i = 0; i < r->ngroups; i++)
        if (strcmp(r->groups[i].key, key) == 0) {
            g = &r->groups[i];
            break;
        }
    if (g == NULL) {
        if (r->ngroups >= MAX_GROUPS ||
            grow((void **)&r->groups, &r->groups_cap, r->ngroups + 1,
                 sizeof *g) != 0) {
            free(key);
            return;
        }
        g = &r->groups[r->ngroups++];
        g->key = key;
        g->name = name;
        g->name_len = len;
        g->quality = quality;
        g->n = 0;
        g->first_anchor = SIZE_MAX;
    } else {
        free(key);
    }
    g->n++;
    if (link != NULL && add_anchor(r, link) == 0) {
        size_t a = r->nanchors - 1, *at = &g->first_anchor;
        while (*at != SIZE_MAX)
            at = &r->anchors[*at].next;
        *at = a;
    }
}

static unsigned long hash_str(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211UL;
    return h;
}

static source *source_slot(tp_render *r, const char *key)
{
    size_t mask = r->sources_cap - 1, i = hash_str(key) & mask;
    while (r->sources[i].key != NULL && strcmp(r->sources[i].key, key) != 0)
        i = (i + 1) & mask;
    return &r->sources[i];
}

/* Count a page's quoted source for the folder. */
static void count_source(tp_render *r, const group *g)
{
    source *s;
    if (r->sources_cap == 0 || (r->nsources + 1) * 10 > r->sources_cap * 7) {
        size_t ncap = r->sources_cap ? r->sources_cap * 2 : 1024, i;
        source *old = r->sources, *nt;
        size_t ocap = r->sources_cap;
        if (r->nsources >= MAX_SOURCES) {
            s = source_slot(r, g->key);
            if (s->key == NULL) {
                r->sources_dropped++;
                return;
            }
            goto found;
        }
        nt = calloc(ncap, sizeof *nt);
        if (nt == NULL)
            return;
        r->sources = nt;
        r->sources_cap = ncap;
        for (i = 0; i < ocap; i++)
            if (old[i].key != NULL)
                *source_slot(r, old[i].key) = old[i];
        free(old);
    }
    s = source_slot(r, g->key);
    if (s->key == NULL) {
        size_t nl = tp_html_prefix(g->name, g->name_len, ID_CHARS, NULL);
        s->key = strdup(g->key);
        s->name = dupn(g->name, nl);
        if (s->key == NULL || s->name == NULL) {
            free(s->key);
            free(s->name);
            s->key = NULL;
            return;
        }
        s->quotes = 0;
        s->docs = 0;
        s->last_doc = SIZE_MAX;
        r->nsources++;
    }
found:
    s->quotes += g->n;
    if (s->last_doc != r->ndocs) {
        s->docs++;
        s->last_doc = r->ndocs;
    }
}

static int in_ranges(const tp_render *r, size_t s, size_t e)
{
    size_t lo = 0, hi = r->nranges, k;
    /* ranges are sorted by start: find those starting at or before s and
     * look back a little way (sentences seldom nest) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ranges[2 * mid] <= s)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (k = 0; lo > 0 && k < 16; k++) {
        lo--;
        if (r->ranges[2 * lo + 1] >= e)
            return 1;
    }
    return 0;
}

static int cmp_range(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] > y[1] ? -1 : x[1] < y[1];
}

static void write_claims(tp_render *r, page *p, FILE *f, int status,
                         const char *title)
{
    const json_t *arr = json_object_get(p->rec, "claims"), *o;
    size_t i;
    int any = 0;
    json_array_foreach(arr, i, o) {
        const json_t *sent;
        size_t s, e, bs, be;
        char name[32];
        if (!json_is_object(o) || status_of(o) != status)
            continue;
        if (!any) {
            fprintf(f, "<section class=\"claims-%s\"><h2>%s</h2><ol>",
                    status_class[status], title);
            any = 1;
        }
        sent = claim_sentence(p->rec, o);
        fputs("<li>", f);
        if (span_of(r, p, sent, &s, &e) == 0) {
            snprintf(name, sizeof name, "c%zu", i);
            bs = tp_html_cp_to_byte(p->txt, p->len, 0, 0, s);
            be = tp_html_cp_to_byte(p->txt, p->len, bs, s, e);
            fprintf(f, "<a href=\"#%s\"><bdi>", name);
            put_text_cut(f, p->txt + bs, be - bs, EXCERPT_CHARS);
            fputs("</bdi></a>", f);
        } else {
            fputs("<span class=\"unplaced\">(sentence not found)</span>", f);
        }
        {
            const json_t *reasons = json_object_get(o, "reasons"), *v;
            size_t j;
            const char *sep = " <span class=\"why\">";
            json_array_foreach(reasons, j, v) {
                if (!json_is_string(v))
                    continue;
                fputs(sep, f);
                tp_html_puts(f, json_string_value(v), 0);
                sep = ", ";
            }
            if (sep[0] == ',')
                fputs("</span>", f);
        }
        fputs("</li>", f);
    }
    if (any)
        fputs("</ol></section>", f);
}

static void write_panel(tp_render *r, page *p, doc *d, FILE *f)
{
    const json_t *arr, *o;
    size_t i, g;
    /* who is quoted */
    r->ngroups = 0;
    r->nanchors = 0;
    arr = json_object_get(p->rec, "attributions");
    json_array_foreach(arr, i, o) {
        const json_t *src = json_object_get(o, "source");
        char name[32];
        size_t s, e;
        const char *link = NULL;
        if (!json_is_object(src))
            continue;
        if (span_of(r, p, src, &s, &e) == 0) {
            snprintf(name, sizeof name, "s%zu", i);
            link = name;
        } else if (span_of(r, p, json_object_get(o, "content"), &s, &e) == 0) {
            snprintf(name, sizeof name, "q%zu", i);
            link = name;
        }
        add_quoted(r, p, src, get_str(o, "quality"), link);
    }
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        arr = json_object_get(p->rec, "claims");
        json_array_foreach(arr, i, o) {
            const json_t *src = json_object_get(o, "source");
            char name[32];
            if (!json_is_object(src))
                continue;
            snprintf(name, sizeof name, "c%zu", i);
            add_quoted(r, p, src, NULL, name);
        }
    }
    fputs("<aside><section class=\"who\"><h2>Who is quoted</h2>", f);
    if (r->ngroups == 0)
        fputs("<p class=\"none\">No quoted source.</p>", f);
    else
        fputs("<ul>", f);
    for (g = 0; g < r->ngroups; g++) {
        group *gr = &r->groups[g];
        size_t a, k = 1;
        fputs("<li><bdi class=\"name\">", f);
        tp_html_escape(f, gr->name, tp_html_prefix(gr->name, gr->name_len,
                                                   EXCERPT_CHARS, NULL), 0);
        fputs("</bdi>", f);
        if (gr->quality != NULL) {
            fputs(" <span class=\"qual\">(", f);
            tp_html_puts(f, gr->quality, 0);
            fputs(")</span>", f);
        }
        fprintf(f, " \xe2\x80\x94 <span class=\"count\">%u</span> quote%s", gr->n,
                gr->n == 1 ? "" : "s");
        for (a = gr->first_anchor; a != SIZE_MAX; a = r->anchors[a].next) {
            fprintf(f, "%s<a href=\"#%s\">[%zu]</a>", k == 1 ? ": " : " ",
                    r->anchors[a].name, k);
            k++;
        }
        fputs("</li>", f);
        count_source(r, gr);
    }
    if (r->ngroups > 0)
        fputs("</ul>", f);
    fputs("</section>", f);
    for (g = 0; g < r->ngroups; g++)
        free(r->groups[g].key);
    r->ngroups = 0;

    /* quantities */
    arr = json_object_get(p->rec, "numbers");
    fputs("<section class=\"qty\"><h2>Quantities</h2>", f);
    if (json_array_size(arr) == 0)
        fputs("<p class=\"none\">No quantity.</p>", f);
    else
        fputs("<ol>", f);
    json_array_foreach(arr, i, o) {
        size_t s, e, len;
        const char *t;
        int placed;
        const json_t *v;
        if (!json_is_object(o))
            continue;
        placed = span_of(r, p, o, &s, &e) == 0;
        t = span_text(r, p, o, &len);
        fputs("<li>", f);
        if (placed)
            fprintf(f, "<a href=\"#n%zu\">", i);
        fputs("<bdi>", f);
        put_text_cut(f, t, len, EXCERPT_CHARS);
        fputs("</bdi>", f);
        if (placed)
            fputs("</a>", f);
        v = json_object_get(o, "value");
        if (json_is_number(v)) {
            fputs(" = <span class=\"val\">", f);
            put_value(f, v);
            fputs("</span>", f);
        }
        if (get_str(o, "unit") != NULL) {
            fputs(" <bdi class=\"unit\">", f);
            tp_html_puts(f, get_str(o, "unit"), 0);
            fputs("</bdi>", f);
        }
        if (get_str(o, "approx") != NULL) {
            fputs(" <span class=\"hedge\">(", f);
            tp_html_puts(f, get_str(o, "approx"), 0);
            fputs(")</span>", f);
        }
        if (placed && in_ranges(r, s, e)) {
            fputs(" <span class=\"tag-u\">unsourced</span>", f);
            d->unsourced_numbers++;
        }
        fputs("</li>", f);
    }
    if (json_array_size(arr) > 0)
        fputs("</ol>", f);
    fputs("</section>", f);

    write_claims(r, p, f, ST_UNSOURCED, "Unsourced claims");
    write_claims(r, p, f, ST_VAGUE, "Vaguely sourced claims");
    write_claims(r, p, f, ST_ATTRIBUTED, "Attributed claims");

    /* problems */
    o = json_object_get(p->rec, "error");
    arr = json_object_get(p->rec, "warnings");
    if (o != NULL || json_array_size(arr) > 0 || p->skipped > 0) {
        const json_t *w;
        fputs("<section class=\"problems\"><h2>Problems</h2><ul>", f);
        if (o != NULL) {
            fputs("<li class=\"error\">error", f);
            if (get_str(o, "stage") != NULL) {
                fputs(" in <bdi>", f);
                tp_html_puts(f, get_str(o, "stage"), 0);
                fputs("</bdi>", f);
            }
            fputs(": <bdi>", f);
            if (json_is_string(o))
                tp_html_puts(f, json_string_value(o), 0);
            else
                tp_html_puts(f, get_str(o, "message"), 0);
            fputs("</bdi></li>", f);
        }
        json_array_foreach(arr, i, w) {
            fputs("<li class=\"warning\">warning", f);
            if (get_str(w, "stage") != NULL) {
                fputs(" from <bdi>", f);
                tp_html_puts(f, get_str(w, "stage"), 0);
                fputs("</bdi>", f);
            }
            fputs(": <bdi>", f);
            tp_html_puts(f, json_is_string(w) ? json_string_value(w)
                                               : get_str(w, "message"), 0);
            fputs("</bdi></li>", f);
        }
        if (p->skipped > 0)
            fprintf(f, "<li class=\"skipped\">%u finding%s could not be placed "
                    "in the text (missing or malformed offsets)</li>",
                    p->skipped, p->skipped == 1 ? "" : "s");
        fputs("</ul></section>", f);
    }
    fputs("</aside>", f);
}

/* ---- style ---- */

static const char page_css[] =
    ":root{--per:#0072B2;--org:#CC79A7;--loc:#009E73;--misc:#000;"
    "--a:#56B4E9;--v:#E69F00;--u:#D55E00;--num:#F0E442}"
    "*{box-sizing:border-box}"
    "body{font:16px/1.55 Georgia,'DejaVu Serif',serif;margin:0;color:#111;background:#fff}"
    "header,footer{padding:.6rem 1.2rem;background:#f4f4f4;border-bottom:1px solid #ccc}"
    "header h1{font-size:1.15rem;margin:.2rem 0}header a{color:#0b57a4}"
    ".wrap{display:grid;grid-template-columns:minmax(0,1fr) 22rem;gap:1.5rem;padding:1rem 1.2rem}"
    "main .p{white-space:pre-wrap;margin:0 0 .2rem;max-width:46rem}"
    "aside{font:14px/1.4 system-ui,'DejaVu Sans',sans-serif;position:sticky;top:0;"
    "max-height:100vh;overflow:auto;border-left:1px solid #ccc;padding-left:1rem}"
    "aside h2{font-size:.95rem;margin:1rem 0 .3rem}aside ol,aside ul{padding-left:1.3rem;margin:0}"
    "aside li{margin:.2rem 0;break-inside:avoid}.none{color:#555;margin:0}"
    ".count{font-weight:700}.qual,.hedge,.why{color:#555}.val{font-weight:700}"
    ".tag-u{font-size:.75em;border:1px solid var(--u);padding:0 .2em;text-transform:uppercase}"
    "span,.legend i{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".ent{text-decoration-line:underline;text-decoration-thickness:2px;text-underline-offset:3px}"
    ".ent-PER{text-decoration-color:var(--per);text-decoration-style:solid}"
    ".ent-ORG{text-decoration-color:var(--org);text-decoration-style:double}"
    ".ent-LOC{text-decoration-color:var(--loc);text-decoration-style:dashed}"
    ".ent-MISC,.ent-X{text-decoration-color:var(--misc);text-decoration-style:dotted}"
    ".ent::after{content:attr(data-label);font:9px/1 system-ui,sans-serif;vertical-align:super;"
    "margin-left:1px;color:#333}"
    ".ent[data-part]::after{content:none}"
    ".num{border:1px solid #000;border-radius:3px;padding:0 1px;background:rgba(240,228,66,.55)}"
    ".src{font-weight:700;border-bottom:2px dotted #000}"
    ".cue{font-style:italic;text-decoration-line:overline}"
    ".q{color:#004f7a}"
    ".cl{padding:1px 0}"
    ".st-a{background:rgba(86,180,233,.22)}"
    ".st-v{background:repeating-linear-gradient(135deg,rgba(230,159,0,.28) 0 4px,rgba(230,159,0,.10) 4px 8px)}"
    ".st-u{background:repeating-linear-gradient(45deg,rgba(213,94,0,.30) 0 2px,rgba(213,94,0,.08) 2px 6px);"
    "box-shadow:inset 0 -2px 0 var(--u)}"
    ".st-x{background:rgba(0,0,0,.06)}"
    ".cl[id]::before{font:bold 9px/1 system-ui,sans-serif;vertical-align:super;margin-right:2px;"
    "padding:0 2px;border:1px solid #000;background:#fff}"
    ".st-a[id]::before{content:'A'}.st-v[id]::before{content:'V'}.st-u[id]::before{content:'U'}"
    ".bidi::before{content:'[' attr(data-c) ']';font:10px system-ui,sans-serif;color:#a00;border:1px solid #a00}"
    ":target{outline:3px solid #000;outline-offset:1px}"
    ".legend{font:13px/1.6 system-ui,'DejaVu Sans',sans-serif;margin:.3rem 0 0;padding:0;list-style:none;"
    "display:flex;flex-wrap:wrap;gap:.2rem 1rem}"
    ".problems .error{color:#8a0000;font-weight:700}"
    "@media (max-width:60rem){.wrap{grid-template-columns:1fr}aside{position:static;max-height:none;"
    "border-left:0;border-top:1px solid #ccc;padding-left:0}}"
    "@media print{body{font-size:11pt}.wrap{display:block;padding:0}header{background:none}"
    "aside{position:static;max-height:none;overflow:visible;border:0;border-top:1px solid #000;"
    "margin-top:1rem;padding:0}a{color:inherit;text-decoration:none}.nav{display:none}"
    "main .p{max-width:none}}";

static const char legend_html[] =
    "<ul class=\"legend\" aria-label=\"legend\">"
    "<li><span class=\"ent ent-PER\" data-label=\"PER\">person</span></li>"
    "<li><span class=\"ent ent-ORG\" data-label=\"ORG\">organisation</span></li>"
    "<li><span class=\"ent ent-LOC\" data-label=\"LOC\">place</span></li>"
    "<li><span class=\"ent ent-MISC\" data-label=\"MISC\">other name</span></li>"
    "<li><span class=\"num\">quantity</span> (hover: value, unit, hedge)</li>"
    "<li><span class=\"src\">source</span></li>"
    "<li><span class=\"cue\">cue</span></li>"
    "<li><span class=\"q\">quotation</span></li>"
    "<li><span class=\"cl st-a\" id=\"legend-a\">attributed claim</span></li>"
    "<li><span class=\"cl st-v\" id=\"legend-v\">vaguely sourced claim</span></li>"
    "<li><span class=\"cl st-u\" id=\"legend-u\">unsourced claim</span></li>"
    "</ul>";

static void write_head(FILE *f, const char *title, size_t title_len, int script)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
    fprintf(f, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'%s\">\n", script ? "; script-src 'unsafe-inline'" : "");
    fputs("<meta name=\"generator\" content=\"textpipe render\">\n<title>", f);
    tp_html_escape(f, title, title_len, TP_HTML_ATTR);
    fputs(" \xe2\x80\x94 textpipe</title>\n<style>", f);
    fputs(page_css, f);
}

/* ---- one page ---- */

static void slug(char *out, size_t outlen, size_t ordinal, const char *id)
{
    size_t n = (size_t)snprintf(out, outlen, "pages/%06zu-", ordinal);
    size_t start = n;
    if (id == NULL || *id == '\0')
        id = "doc";
    for (; *id && n + 6 < outlen && n - start < 60; id++) {
        unsigned char c = (unsigned char)*id;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok)
            c = '_';
        if (c == '_' && n > start && out[n - 1] == '_')
            continue;
        out[n++] = (char)c;
    }
    snprintf(out + n, outlen - n, ".html");
}

static int write_file_atomic_open(const char *path, FILE **out, char *tmp,
                                  size_t tmplen)
{
    snprintf(tmp, tmplen, "%s.tmp", path);
    *out = fopen(tmp, "w");
    if (*out == NULL)
        return -1;
    setvbuf(*out, NULL, _IOFBF, 1 << 16);
    return 0;
}

static int write_file_atomic_close(FILE *f, const char *tmp, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0)
        bad = 1;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

tp_render *tp_render_open(const char *dir, char *err, size_t errlen)
{
    tp_render *r;
    char *pages;
    struct stat st;
    if (dir == NULL || *dir == '\0') {
        set_err(err, errlen, "no site folder given");
        return NULL;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        set_err(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return NULL;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        set_err(err, errlen, "%s: %s", dir, "not a folder");
        return NULL;
    }
    pages = malloc(strlen(dir) + 8);
    if (pages == NULL) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    sprintf(pages, "%s/pages", dir);
    if (mkdir(pages, 0777) != 0 && errno != EEXIST) {
        set_err(err, errlen, "cannot create %s: %s", pages, strerror(errno));
        free(pages);
        return NULL;
    }
    free(pages);
    r = calloc(1, sizeof *r);
    if (r == NULL || (r->dir = strdup(dir)) == NULL ||
        (r->text = tp_text_new()) == NULL) {
        if (r != NULL)
            free(r->dir);
        free(r);
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    return r;
}

static void summarise(page *p, doc *d)
{
    const json_t *rec = p->rec, *arr, *o, *e;
    size_t i;
    arr = json_object_get(rec, "entities");
    json_array_foreach(arr, i, o)
        d->entities += json_is_object(o);
    arr = json_object_get(rec, "numbers");
    json_array_foreach(arr, i, o)
        d->numbers += json_is_object(o);
    arr = json_object_get(rec, "sentences");
    d->sentences = (unsigned)json_array_size(arr);
    arr = json_object_get(rec, "claims");
    json_array_foreach(arr, i, o)
        if (json_is_object(o))
            d->claims[status_of(o)]++;
    d->warnings = (unsigned)json_array_size(json_object_get(rec, "warnings"));
    e = json_object_get(rec, "error");
    if (e != NULL && !json_is_null(e)) {
        const char *stage = get_str(e, "stage");
        d->error = strdup(stage != NULL ? stage : "error");
    }
}

int tp_render_add(tp_render *r, const json_t *record, char *err, size_t errlen)
{
    page p;
    doc *d;
    const json_t *orig, *text, *idv;
    char file[128], path[4096], tmp[4200];
    const char *id;
    char idbuf[32];
    FILE *f;
    size_t i;
    if (!json_is_object(record)) {
        set_err(err, errlen, "the record is not a JSON object");
        return -1;
    }
    if (grow((void **)&r->docs, &r->docs_cap, r->ndocs + 1, sizeof *d) != 0) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    memset(&p, 0, sizeof p);
    p.rec = record;
    text = json_object_get(record, "text");
    orig = json_object_get(record, "original");
    p.have_map = tp_text_load(r->text, record) == 0 &&
                 json_is_array(json_object_get(record, "offset_map"));
    if (json_is_string(orig)) {
        p.use_orig = 1;
        p.txt = json_string_value(orig);
        p.len = json_string_length(orig);
    } else if (json_is_string(text)) {
        p.txt = json_string_value(text);
        p.len = json_string_length(text);
    } else {
        p.txt = "";
        p.len = 0;
    }
    p.cplen = tp_html_cp_count(p.txt, p.len);

    idv = json_object_get(record, "id");
    id = json_string_value(idv);
    if (id == NULL) {
        const json_t *src = json_object_get(record, "source");
        id = json_is_string(src) ? json_string_value(src) : get_str(src, "path");
    }
    if (id == NULL) {
        snprintf(idbuf, sizeof idbuf, "document %zu", r->ndocs + 1);
        id = idbuf;
    }
    d = &r->docs[r->ndocs];
    memset(d, 0, sizeof *d);
    slug(file, sizeof file, r->ndocs + 1, id);
    d->file = strdup(file);
    d->id = dupn(id, tp_html_prefix(id, strlen(id), ID_CHARS, NULL));
    if (d->file == NULL || d->id == NULL) {
        free(d->file);
        free(d->id);
        set_err(err, errlen, "out of memory");
        return -1;
    }
    summarise(&p, d);

    snprintf(path, sizeof path, "%s/%s", r->dir, file);
    if (write_file_atomic_open(path, &f, tmp, sizeof tmp) != 0) {
        set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto fail;
    }
    r->nmarks = 0;
    collect_marks(r, &p);
    /* unsourced sentences, for the quantities they hold */
    r->nranges = 0;
    for (i = 0; i < r->nmarks; i++) {
        if (r->marks[i].kind != K_CLAIM || r->marks[i].sub != ST_UNSOURCED)
            continue;
        if (grow((void **)&r->ranges, &r->ranges_cap, 2 * r->nranges + 2,
                 sizeof(size_t)) != 0)
            break;
        r->ranges[2 * r->nranges] = r->marks[i].s;
        r->ranges[2 * r->nranges + 1] = r->marks[i].e;
        r->nranges++;
    }
    if (r->nranges > 1)
        qsort(r->ranges, r->nranges, 2 * sizeof(size_t), cmp_range);

    write_head(f, id, strlen(id), 0);
    fputs("</style>\n</head>\n<body>\n<header><p class=\"nav\"><a href=\"../index.html\">"
          "\xe2\x86\x90 all documents</a></p><h1><bdi>", f);
    tp_html_puts(f, id, 0);
    fputs("</bdi></h1>", f);
    {
        const json_t *src = json_object_get(record, "source");
        const char *sp = json_is_string(src) ? json_string_value(src) : get_str(src, "path");
        if (sp != NULL && strcmp(sp, id) != 0) {
            fputs("<p class=\"from\">from <bdi>", f);
            tp_html_puts(f, sp, 0);
            fputs("</bdi></p>", f);
        }
    }
    fprintf(f, "<p class=\"counts\">%u entities \xc2\xb7 %u quantities \xc2\xb7 "
            "%u attributed, %u vague, %u unsourced claims%s</p>",
            d->entities, d->numbers, d->claims[ST_ATTRIBUTED], d->claims[ST_VAGUE],
            d->claims[ST_UNSOURCED], p.use_orig ? " \xc2\xb7 shown as read, before normalising" : "");
    fputs(legend_html, f);
    fputs("</header>\n<div class=\"wrap\">\n<main id=\"text\">", f);
    if (write_text(r, &p, f) != 0) {
        fclose(f);
        unlink(tmp);
        set_err(err, errlen, "out of memory");
        goto fail;
    }
    if (p.len == 0)
        fputs("<p class=\"none\">(no text)</p>", f);
    fputs("</main>\n", f);
    write_panel(r, &p, d, f);
    fputs("\n</div>\n</body>\n</html>\n", f);
    d->skipped = p.skipped;
    if (write_file_atomic_close(f, tmp, path) != 0) {
        set_err(err, errlen, "cannot write %s: %s", path,
                errno ? strerror(errno) : "write error");
        goto fail;
    }
    r->ndocs++;
    return 0;
fail:
    free(d->file);
    free(d->id);
    free(d->error);
    return -1;
}

/* ---- the index ---- */

static const char index_script[] =
    "(function(){var t=document.getElementById('docs');if(!t||!t.tHead)return;"
    "var b=t.tBodies[0],hs=t.tHead.rows[0].cells,co=new Intl.Collator(undefined,{numeric:true});"
    "Array.prototype.forEach.call(hs,function(h,i){h.tabIndex=0;h.className+=' sortable';"
    "function go(){var d=h.getAttribute('aria-sort')==='descending'?1:-1,n=/\\bn\\b/.test(h.className);"
    "if(!h.hasAttribute('aria-sort')&&!n)d=1;"
    "Array.prototype.forEach.call(hs,function(x){x.removeAttribute('aria-sort')});"
    "h.setAttribute('aria-sort',d>0?'ascending':'descending');"
    "var rs=Array.prototype.slice.call(b.rows);rs.sort(function(x,y){var a=x.cells[i].textContent,"
    "c=y.cells[i].textContent;return d*(n?(+a)-(+c):co.compare(a,c));});"
    "var f=document.createDocumentFragment();rs.forEach(function(r){f.appendChild(r)});b.appendChild(f);}"
    "h.addEventListener('click',go);h.addEventListener('keydown',function(e){"
    "if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});});"
    "var q=document.createElement('input');q.type='search';q.placeholder='filter by document';"
    "q.className='filter';q.setAttribute('aria-label','filter by document');"
    "q.addEventListener('input',function(){var v=q.value.toLowerCase();"
    "Array.prototype.forEach.call(b.rows,function(r){r.hidden=!!v&&"
    "r.cells[1].textContent.toLowerCase().indexOf(v)<0;});});t.parentNode.insertBefore(q,t);})();";

static const char index_css[] =
    "main{padding:0 1.2rem 2rem;font:14px/1.4 system-ui,'DejaVu Sans',sans-serif}"
    "table{border-collapse:collapse}th,td{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left}"
    "td.n,th.n{text-align:right}thead th{position:sticky;top:0;background:#eee;white-space:nowrap}"
    "th.sortable{cursor:pointer}th[aria-sort=ascending]::after{content:' \\25B2'}"
    "th[aria-sort=descending]::after{content:' \\25BC'}"
    ".totals{display:flex;flex-wrap:wrap;gap:1rem 3rem}.totals section{min-width:16rem}"
    ".filter{margin:.8rem 0;padding:.3rem;width:20rem;max-width:100%}"
    "td.err{color:#8a0000;font-weight:700}"
    "@media print{thead th{position:static}.filter{display:none}}";

static int cmp_sources(const void *a, const void *b)
{
    const source *x = *(source *const *)a, *y = *(source *const *)b;
    if (x->quotes != y->quotes)
        return x->quotes > y->quotes ? -1 : 1;
    if (x->docs != y->docs)
        return x->docs > y->docs ? -1 : 1;
    return strcmp(x->name, y->name);
}

static const doc *sort_docs;

static int cmp_docs_unsourced(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const doc *x = &sort_docs[i], *y = &sort_docs[j];
    if (x->unsourced_numbers != y->unsourced_numbers)
        return x->unsourced_numbers > y->unsourced_numbers ? -1 : 1;
    return i < j ? -1 : 1;
}

static void write_doc_link(FILE *f, const doc *d)
{
    fputs("<a href=\"", f);
    put_attr(f, d->file);
    fputs("\"><bdi>", f);
    tp_html_puts(f, d->id, 0);
    fputs("</bdi></a>", f);
}

static int write_index(tp_render *r, FILE *f)
{
    unsigned long tot[ST_N] = { 0 }, ents = 0, nums = 0, errs = 0, uq = 0, claims;
    size_t i, k, n;
    source **top = NULL;
    size_t *idx = NULL;
    for (i = 0; i < r->ndocs; i++) {
        const doc *d = &r->docs[i];
        for (k = 0; k < ST_N; k++)
            tot[k] += d->claims[k];
        ents += d->entities;
        nums += d->numbers;
        errs += d->error != NULL;
        uq += d->unsourced_numbers;
    }
    claims = tot[0] + tot[1] + tot[2] + tot[3];
    write_head(f, "index", 5, 1);
    fputs(index_css, f);
    fputs("</style>\n</head>\n<body>\n<header><h1>Documents</h1>", f);
    fprintf(f, "<p class=\"counts\" id=\"summary\">%zu documents \xc2\xb7 %lu entities \xc2\xb7 "
            "%lu quantities \xc2\xb7 %lu claims \xc2\xb7 %lu with errors</p>",
            r->ndocs, ents, nums, claims, errs);
    fputs(legend_html, f);
    fputs("</header>\n<main>\n<div class=\"totals\">", f);

    /* share of unsourced claims */
    fputs("<section id=\"share\"><h2>Claims in the folder</h2><ul>", f);
    for (k = 0; k < ST_N; k++) {
        if (k == ST_OTHER && tot[k] == 0)
            continue;
        fprintf(f, "<li><span class=\"cl st-%s\">%s</span>: %lu", status_class[k],
                status_name[k], tot[k]);
        if (claims > 0)
            fprintf(f, " (%.1f%%)", 100.0 * (double)tot[k] / (double)claims);
        fputs("</li>", f);
    }
    fprintf(f, "</ul><p>Unsourced share: <strong id=\"unsourced-share\">%.1f%%</strong> of %lu claims; "
            "%lu quantities inside unsourced claims.</p></section>",
            claims ? 100.0 * (double)tot[ST_UNSOURCED] / (double)claims : 0.0,
            claims, uq);

    /* most quoted sources */
    fputs("<section id=\"sources\"><h2>Most quoted sources</h2>", f);
    n = 0;
    if (r->nsources > 0) {
        top = malloc(r->nsources * sizeof *top);
        if (top == NULL)
            return -1;
        for (i = 0; i < r->sources_cap; i++)
            if (r->sources[i].key != NULL)
                top[n++] = &r->sources[i];
        qsort(top, n, sizeof *top, cmp_sources);
    }
    if (n == 0) {
        fputs("<p class=\"none\">No quoted source.</p>", f);
    } else {
        fputs("<ol>", f);
        for (i = 0; i < n && i < TOP_N; i++) {
            fputs("<li><bdi>", f);
            tp_html_puts(f, top[i]->name, 0);
            fprintf(f, "</bdi>: %u quote%s in %u document%s</li>", top[i]->quotes,
                    top[i]->quotes == 1 ? "" : "s", top[i]->docs,
                    top[i]->docs == 1 ? "" : "s");
        }
        fputs("</ol>", f);
    }
    if (r->sources_dropped > 0)
        fprintf(f, "<p>%lu further sources not counted.</p>", r->sources_dropped);
    fputs("</section>", f);
    free(top);

    /* documents with the most unsourced quantities */
    fputs("<section id=\"unsourced-quantities\"><h2>Most unsourced quantities</h2>", f);
    if (r->ndocs > 0) {
        idx = malloc(r->ndocs * sizeof *idx);
        if (idx == NULL)
            return -1;
        for (i = 0; i < r->ndocs; i++)
            idx[i] = i;
        sort_docs = r->docs;
        qsort(idx, r->ndocs, sizeof *idx, cmp_docs_unsourced);
    }
    if (r->ndocs == 0 || r->docs[idx[0]].unsourced_numbers == 0) {
        fputs("<p class=\"none\">No quantity in an unsourced claim.</p>", f);
    } else {
        fputs("<ol>", f);
        for (i = 0; i < r->ndocs && i < TOP_N; i++) {
            const doc *d = &r->docs[idx[i]];
            if (d->unsourced_numbers == 0)
                break;
            fputs("<li>", f);
            write_doc_link(f, d);
            fprintf(f, ": %u</li>", d->unsourced_numbers);
        }
        fputs("</ol>", f);
    }
    free(idx);
    fputs("</section></div>\n", f);

    /* the table */
    fputs("<table id=\"docs\">\n<thead><tr><th class=\"n\">#</th><th>document</th>"
          "<th class=\"n\">entities</th><th class=\"n\">quantities</th>"
          "<th class=\"n\">attributed</th><th class=\"n\">vague</th>"
          "<th class=\"n\">unsourced</th><th class=\"n\">unsourced quantities</th>"
          "<th class=\"n\">warnings</th><th>error</th></tr></thead>\n<tbody>\n", f);
    for (i = 0; i < r->ndocs; i++) {
        const doc *d = &r->docs[i];
        fprintf(f, "<tr><td class=\"n\">%zu</td><td>", i + 1);
        write_doc_link(f, d);
        fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                "<td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                "<td class=\"n\">%u</td><td class=\"err\">",
                d->entities, d->numbers, d->claims[ST_ATTRIBUTED], d->claims[ST_VAGUE],
                d->claims[ST_UNSOURCED], d->unsourced_numbers, d->warnings);
        if (d->error != NULL)
            tp_html_puts(f, d->error, 0);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</main>\n<script>", f);
    fputs(index_script, f);
    fputs("</script>\n</body>\n</html>\n", f);
    return 0;
}

static void render_free(tp_render *r)
{
    size_t i;
    for (i = 0; i < r->ndocs; i++) {
        free(r->docs[i].id);
        free(r->docs[i].file);
        free(r->docs[i].error);
    }
    for (i = 0; i < r->sources_cap; i++) {
        free(r->sources[i].key);
        free(r->sources[i].name);
    }
    free(r->sources);
    free(r->docs);
    free(r->dir);
    tp_text_free(r->text);
    free(r->marks);
    free(r->bounds);
    free(r->order);
    free(r->active);
    free(r->stack);
    free(r->groups);
    free(r->anchors);
    free(r->ranges);
    free(r);
}

int tp_render_close(tp_render *r, char *err, size_t errlen)
{
    char *path, tmp[4200];
    FILE *f;
    int rc = 0;
    if (r == NULL)
        return 0;
    path = malloc(strlen(r->dir) + 16);
    if (path == NULL) {
        render_free(r);
        set_err(err, errlen, "out of memory");
        return -1;
    }
    sprintf(path, "%s/index.html", r->dir);
    if (write_file_atomic_open(path, &f, tmp, sizeof tmp) != 0) {
        set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    } else if (write_index(r, f) != 0) {
        fclose(f);
        unlink(tmp);
        set_err(err, errlen, "out of memory");
        rc = -1;
    } else if (write_file_atomic_close(f, tmp, path) != 0) {
        set_err(err, errlen, "cannot write %s: %s", path, "write error");
        rc = -1;
    }
    free(path);
    render_free(r);
    return rc;
}
