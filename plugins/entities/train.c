/*
 * textpipe-train: build word clusters from unlabelled news, train the
 * entities tagger from CoNLL files, evaluate a model, measure its speed.
 *
 *   textpipe-train clusters -o CLUSTERS.tsv [--seed N] [--depth N] DIR_OR_FILE...
 *   textpipe-train train -o MODEL --train FILE --dev FILE [--clusters FILE]
 *                  [--lists FILE]... [--epochs N] [--seed N] [--hbits N]
 *                  [--second 0|1] [--folds N] [--fold-epochs N]
 *   textpipe-train eval MODEL FILE...     (CoNLL-style: token first, tag last)
 *   textpipe-train speed MODEL FILE [--text DIR] [--seconds N]
 */
#include <config.h>
#include "ner.h"
#include <textpipe/token.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "textpipe-train: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n ? n : 1, s);
    if (p == NULL)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: speed per core, whatever else the machine runs */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng_state;
static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t cap = 1 << 16, n = 0, r;
    if (f == NULL)
        die("cannot open %s: %s", path, strerror(errno));
    buf = xmalloc(cap + 1);
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---- a string -> id map ---- */

typedef struct strmap {
    char **keys;
    uint32_t *lens;
    uint32_t *ids;      /* slot -> id */
    uint32_t cap, n;
    char **byid;
    uint32_t *lenbyid;
} strmap;

static void strmap_grow(strmap *m);

static uint32_t strmap_get(strmap *m, const char *s, size_t len, int add)
{
    uint32_t j;
    if (m->cap == 0 || (m->n + 1) * 2 > m->cap) {
        if (!add && m->cap == 0)
            return UINT32_MAX;
        if (add)
            strmap_grow(m);
    }
    j = (uint32_t)entities_hash(s, len, 9) & (m->cap - 1);
    while (m->ids[j] != UINT32_MAX) {
        uint32_t id = m->ids[j];
        if (m->lenbyid[id] == len && memcmp(m->byid[id], s, len) == 0)
            return id;
        j = (j + 1) & (m->cap - 1);
    }
    if (!add)
        return UINT32_MAX;
    m->ids[j] = m->n;
    if ((m->n & (m->n - 1)) == 0 || m->n == 0) {
        size_t c = m->n ? m->n * 2 : 1;
        m->byid = xrealloc(m->byid, sizeof *m->byid * c);
        m->lenbyid = xrealloc(m->lenbyid, sizeof *m->lenbyid * c);
    }
    m->byid[m->n] = xmalloc(len + 1);
    memcpy(m->byid[m->n], s, len);
    m->byid[m->n][len] = '\0';
    m->lenbyid[m->n] = (uint32_t)len;
    return m->n++;
}

static void strmap_grow(strmap *m)
{
    uint32_t cap = m->cap ? m->cap * 2 : 1024, i;
    uint32_t *ids = xmalloc(sizeof *ids * cap);
    memset(ids, 0xff, sizeof *ids * cap);
    for (i = 0; i < m->n; i++) {
        uint32_t j = (uint32_t)entities_hash(m->byid[i], m->lenbyid[i], 9) & (cap - 1);
        while (ids[j] != UINT32_MAX)
            j = (j + 1) & (cap - 1);
        ids[j] = i;
    }
    free(m->ids);
    m->ids = ids;
    m->cap = cap;
}

static void strmap_free(strmap *m)
{
    uint32_t i;
    for (i = 0; i < m->n; i++)
        free(m->byid[i]);
    free(m->byid);
    free(m->lenbyid);
    free(m->ids);
    memset(m, 0, sizeof *m);
}

/* ---- labelled corpora ---- */

typedef struct corpus {
    char *buf;
    ent_tok *toks;
    uint8_t *gold;
    size_t ntok;
    size_t *sent;   /* nsent + 1 token offsets */
    size_t nsent;
    size_t *doc;    /* ndoc + 1 sentence offsets */
    size_t ndoc;
} corpus;

static int map_type(const char *t, size_t n)
{
    static const struct { const char *name; int type; } names[] = {
        {"PER", 0}, {"ORG", 1}, {"LOC", 2}, {"MISC", 3},
        {"Person", 0}, {"Organisation", 1}, {"Organization", 1}, {"Location", 2},
        {"Nationality", 3},
    };
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && memcmp(names[i].name, t, n) == 0)
            return names[i].type;
    return -1;
}

/* Gold spans of IOB1, IOB2 or IO tags to BILOU labels. */
static void tags_to_bilou(const char (*pfx), const int *type, size_t n, uint8_t *out)
{
    size_t i = 0;
    while (i < n) {
        size_t j;
        if (type[i] < 0) {
            out[i++] = 0;
            continue;
        }
        j = i + 1;
        while (j < n && type[j] == type[i] && pfx[j] != 'B')
            j++;
        if (j - i == 1)
            out[i] = (uint8_t)ENT_LABEL(type[i], ENT_U);
        else {
            size_t k;
            out[i] = (uint8_t)ENT_LABEL(type[i], ENT_B);
            for (k = i + 1; k + 1 < j; k++)
                out[k] = (uint8_t)ENT_LABEL(type[i], ENT_I);
            out[j - 1] = (uint8_t)ENT_LABEL(type[i], ENT_L);
        }
        i = j;
    }
}

static void corpus_read(corpus *c, const char *path)
{
    size_t len, cap = 1024, scap = 256, dcap = 64;
    char *p, *line, *next;
    int *types;
    char *pfx;
    size_t sent_begin;
    memset(c, 0, sizeof *c);
    c->buf = read_file(path, &len);
    c->toks = xmalloc(sizeof *c->toks * cap);
    types = xmalloc(sizeof *types * cap);
    pfx = xmalloc(cap);
    c->sent = xmalloc(sizeof *c->sent * scap);
    c->doc = xmalloc(sizeof *c->doc * dcap);
    c->doc[0] = 0;
    c->ndoc = 0;
    sent_begin = 0;
    for (p = c->buf; p != NULL && *p; p = next) {
        char *tok, *tag, *end, *q;
        size_t tl;
        line = p;
        next = strchr(p, '\n');
        if (next != NULL)
            *next++ = '\0';
        end = line + strlen(line);
        while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (*line == '\0' || strncmp(line, "-DOCSTART-", 10) == 0) {
            if (c->ntok > sent_begin) {
                if (c->nsent + 2 > scap) {
                    scap *= 2;
                    c->sent = xrealloc(c->sent, sizeof *c->sent * scap);
                }
                c->sent[c->nsent++] = sent_begin;
                sent_begin = c->ntok;
            }
            if (*line != '\0' && c->nsent > c->doc[c->ndoc]) {
                if (c->ndoc + 2 > dcap) {
                    dcap *= 2;
                    c->doc = xrealloc(c->doc, sizeof *c->doc * dcap);
                }
                c->doc[++c->ndoc] = c->nsent;
            }
            continue;
        }
        tok = line;
        q = line;
        while (*q && *q != ' ' && *q != '\t')
            q++;
        tl = (size_t)(q - tok);
        tag = end;
        while (tag > line && tag[-1] != ' ' && tag[-1] != '\t')
            tag--;
        if (c->ntok + 1 > cap) {
            cap *= 2;
            c->toks = xrealloc(c->toks, sizeof *c->toks * cap);
            types = xrealloc(types, sizeof *types * cap);
            pfx = xrealloc(pfx, cap);
        }
        if (tl > 63)
            tl = 63;
        c->toks[c->ntok].s = tok;
        c->toks[c->ntok].len = (uint32_t)tl;
        if (tag[0] != 'O' && tag[1] == '-') {
            pfx[c->ntok] = tag[0];
            types[c->ntok] = map_type(tag + 2, strlen(tag + 2));
        } else {
            pfx[c->ntok] = 'O';
            types[c->ntok] = -1;
        }
        c->ntok++;
    }
    if (c->ntok > sent_begin) {
        if (c->nsent + 2 > scap)
            c->sent = xrealloc(c->sent, sizeof *c->sent * (scap + 2));
        c->sent[c->nsent++] = sent_begin;
    }
    c->sent[c->nsent] = c->ntok;
    if (c->nsent > c->doc[c->ndoc]) {
        if (c->ndoc + 2 > dcap)
            c->doc = xrealloc(c->doc, sizeof *c->doc * (dcap + 2));
        c->doc[++c->ndoc] = c->nsent;
    }
    c->gold = xmalloc(c->ntok + 1);
    {
        size_t s;
        for (s = 0; s < c->nsent; s++)
            tags_to_bilou(pfx + c->sent[s], types + c->sent[s], c->sent[s + 1] - c->sent[s],
                          c->gold + c->sent[s]);
    }
    free(types);
    free(pfx);
}

static void corpus_free(corpus *c)
{
    free(c->buf);
    free(c->toks);
    free(c->gold);
    free(c->sent);
    free(c->doc);
    memset(c, 0, sizeof *c);
}

/* ---- scoring, conlleval-style ---- */

typedef struct counts {
    long tp[ENT_NTYPES], fp[ENT_NTYPES], fn[ENT_NTYPES];
} counts;

typedef struct span {
    size_t a, b;
    int type;
} span;

static size_t spans_of(const uint8_t *lab, size_t n, span *out)
{
    size_t i = 0, k = 0;
    while (i < n) {
        size_t j;
        if (lab[i] == 0) {
            i++;
            continue;
        }
        j = i + 1;
        if (ENT_K(lab[i]) == ENT_B)
            while (j < n && lab[j] != 0 && ENT_TYPE(lab[j]) == ENT_TYPE(lab[i]) &&
                   (ENT_K(lab[j]) == ENT_I || ENT_K(lab[j]) == ENT_L)) {
                j++;
                if (ENT_K(lab[j - 1]) == ENT_L)
                    break;
            }
        out[k].a = i;
        out[k].b = j;
        out[k].type = ENT_TYPE(lab[i]);
        k++;
        i = j;
    }
    return k;
}

static void count_sentence(counts *ct, const uint8_t *gold, const uint8_t *pred, size_t n, span *sg, span *sp)
{
    size_t ng = spans_of(gold, n, sg), np = spans_of(pred, n, sp), i, j;
    for (i = 0; i < np; i++) {
        int hit = 0;
        for (j = 0; j < ng; j++)
            if (sg[j].a == sp[i].a && sg[j].b == sp[i].b && sg[j].type == sp[i].type)
                hit = 1;
        if (hit)
            ct->tp[sp[i].type]++;
        else
            ct->fp[sp[i].type]++;
    }
    for (j = 0; j < ng; j++) {
        int hit = 0;
        for (i = 0; i < np; i++)
            if (sg[j].a == sp[i].a && sg[j].b == sp[i].b && sg[j].type == sp[i].type)
                hit = 1;
        if (!hit)
            ct->fn[sg[j].type]++;
    }
}

static double f1_of(long tp, long fp, long fn, double *p, double *r)
{
    double pp = tp + fp ? (double)tp / (double)(tp + fp) : 0, rr = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    if (p)
        *p = pp;
    if (r)
        *r = rr;
    return pp + rr > 0 ? 2 * pp * rr / (pp + rr) : 0;
}

static double overall_f1(const counts *ct)
{
    long tp = 0, fp = 0, fn = 0;
    int t;
    for (t = 0; t < ENT_NTYPES; t++) {
        tp += ct->tp[t];
        fp += ct->fp[t];
        fn += ct->fn[t];
    }
    return f1_of(tp, fp, fn, NULL, NULL);
}

static void print_counts(const char *name, const counts *ct)
{
    long tp = 0, fp = 0, fn = 0;
    int t;
    double p, r, f;
    printf("%s\n  %-8s %9s %9s %9s %7s\n", name, "label", "precision", "recall", "F1", "gold");
    for (t = 0; t < ENT_NTYPES; t++) {
        f = f1_of(ct->tp[t], ct->fp[t], ct->fn[t], &p, &r);
        printf("  %-8s %9.4f %9.4f %9.4f %7ld\n", entities_type_names[t], p, r, f, ct->tp[t] + ct->fn[t]);
        tp += ct->tp[t];
        fp += ct->fp[t];
        fn += ct->fn[t];
    }
    f = f1_of(tp, fp, fn, &p, &r);
    printf("  %-8s %9.4f %9.4f %9.4f %7ld\n", "overall", p, r, f, tp + fn);
}

/* ---- lexicon from a cluster file and name lists ---- */

typedef struct lexbuild {
    strmap words;
    ent_lexinfo *info;
    size_t cap;
    uint64_t *gkeys;
    uint32_t *gkinds;
    size_t ngaz, gcap;
    ent_lex lex;
} lexbuild;

static ent_lexinfo *lb_entry(lexbuild *lb, const char *w, size_t len)
{
    uint32_t id;
    char low[64];
    len = entities_lower(low, sizeof low - 1, w, len);
    id = strmap_get(&lb->words, low, len, 1);
    if (id >= lb->cap) {
        size_t old = lb->cap;
        lb->cap = lb->cap ? lb->cap * 2 : 4096;
        while (lb->cap <= id)
            lb->cap *= 2;
        lb->info = xrealloc(lb->info, sizeof *lb->info * lb->cap);
        memset(lb->info + old, 0, sizeof *lb->info * (lb->cap - old));
    }
    return &lb->info[id];
}

static void lb_read_clusters(lexbuild *lb, const char *path)
{
    size_t len;
    char *buf = read_file(path, &len), *line, *next;
    for (line = buf; line && *line; line = next) {
        char *f[4];
        int nf = 0;
        char *q = line;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '#')
            continue;
        f[nf++] = q;
        while (*q && nf < 4) {
            if (*q == '\t') {
                *q = '\0';
                f[nf++] = q + 1;
            }
            q++;
        }
        if (nf < 3 || strlen(f[0]) == 0 || strlen(f[0]) > 63)
            continue;
        {
            ent_lexinfo *e = lb_entry(lb, f[0], strlen(f[0]));
            const char *b = f[1];
            uint16_t c = 0;
            int l = 0;
            if (strcmp(b, "-") != 0)
                for (; *b == '0' || *b == '1'; b++, l++)
                    if (l < 16)
                        c |= (uint16_t)((*b - '0') << (15 - l));
            e->cluster = c;
            e->clen = (uint8_t)(l > 16 ? 16 : l);
            e->casing = (uint8_t)atoi(f[2]);
        }
    }
    free(buf);
}

static int gaz_kind(const char *s)
{
    int k;
    for (k = 0; k < ENT_GAZ_NKINDS; k++)
        if (strcmp(s, entities_gaz_names[k]) == 0)
            return k;
    return -1;
}

static void lb_read_list(lexbuild *lb, const char *path)
{
    size_t len;
    char *buf = read_file(path, &len), *line, *next;
    int lineno = 0;
    for (line = buf; line && *line; line = next) {
        char *tab, *w;
        ent_tok toks[ENT_GAZ_MAXLEN];
        size_t nt = 0, i;
        int kind;
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '#' || *line == '\0')
            continue;
        tab = strchr(line, '\t');
        if (tab == NULL)
            die("%s:%d: expected NAME<TAB>LABEL", path, lineno);
        *tab = '\0';
        kind = gaz_kind(tab + 1);
        if (kind < 0)
            die("%s:%d: unknown label %s", path, lineno, tab + 1);
        for (w = line; *w;) {
            char *e = w;
            while (*e && *e != ' ')
                e++;
            if (e > w) {
                if (nt == ENT_GAZ_MAXLEN)
                    die("%s:%d: more than %d words", path, lineno, ENT_GAZ_MAXLEN);
                toks[nt].s = w;
                toks[nt].len = (uint32_t)(e - w);
                nt++;
            }
            w = *e ? e + 1 : e;
        }
        if (nt == 0)
            continue;
        if (nt == 1) {
            lb_entry(lb, toks[0].s, toks[0].len)->gaz |= (uint16_t)(1u << kind);
            continue;
        }
        for (i = 0; i < nt; i++)
            lb_entry(lb, toks[i].s, toks[i].len)->gaz |= (uint16_t)ENT_GAZ_PART(kind);
        lb_entry(lb, toks[0].s, toks[0].len)->gaz |= ENT_GAZ_STARTS;
        {
            uint64_t key = entities_gaz_key(toks, nt);
            size_t g;
            for (g = 0; g < lb->ngaz; g++)
                if (lb->gkeys[g] == key)
                    break;
            if (g == lb->ngaz) {
                if (lb->ngaz == lb->gcap) {
                    lb->gcap = lb->gcap ? lb->gcap * 2 : 256;
                    lb->gkeys = xrealloc(lb->gkeys, sizeof *lb->gkeys * lb->gcap);
                    lb->gkinds = xrealloc(lb->gkinds, sizeof *lb->gkinds * lb->gcap);
                }
                lb->gkeys[g] = key;
                lb->gkinds[g] = 0;
                lb->ngaz++;
            }
            lb->gkinds[g] |= 1u << kind;
        }
    }
    free(buf);
}

static void lb_finish(lexbuild *lb)
{
    lb->lex.n = lb->words.n;
    lb->lex.words = (const char *const *)lb->words.byid;
    {
        uint16_t *lens = xmalloc(sizeof *lens * (lb->words.n + 1));
        uint32_t i;
        for (i = 0; i < lb->words.n; i++)
            lens[i] = (uint16_t)lb->words.lenbyid[i];
        lb->lex.lens = lens;
    }
    if (lb->info == NULL)
        lb->info = xcalloc(1, sizeof *lb->info);
    lb->lex.info = lb->info;
    lb->lex.ngaz = (uint32_t)lb->ngaz;
    lb->lex.gaz_keys = lb->gkeys;
    lb->lex.gaz_kinds = lb->gkinds;
    if (entities_lex_index(&lb->lex) != 0)
        die("out of memory");
}

static void lb_free(lexbuild *lb)
{
    entities_lex_free_index(&lb->lex);
    free((void *)lb->lex.lens);
    strmap_free(&lb->words);
    free(lb->info);
    free(lb->gkeys);
    free(lb->gkinds);
    memset(lb, 0, sizeof *lb);
}

/* ---- features of a corpus ---- */

typedef struct feats {
    uint32_t *slots;
    size_t *off;        /* ntok + 1 */
} feats;

static void corpus_feats(const corpus *c, const ent_lex *lex, unsigned hbits, feats *out)
{
    size_t cap = c->ntok * 48 + 64, n = 0, d, s, i;
    ent_wfeat *wf = xmalloc(sizeof *wf * ENT_MAXFEAT * (c->ntok + 1));
    uint8_t *nwf = xmalloc(c->ntok + 1);
    uint64_t *pf = xmalloc(sizeof *pf * ENT_MAXPOS * 4096);
    uint8_t *npf = xmalloc(4096);
    ent_doc doc;
    entities_doc_init(&doc);
    out->slots = xmalloc(sizeof *out->slots * cap);
    out->off = xmalloc(sizeof *out->off * (c->ntok + 1));
    for (i = 0; i < c->ntok; i++)
        nwf[i] = (uint8_t)entities_word_feats(lex, c->toks[i].s, c->toks[i].len, wf + i * ENT_MAXFEAT);
    for (d = 0; d < c->ndoc; d++) {
        if (entities_doc_reset(&doc, c->sent[c->doc[d + 1]] - c->sent[c->doc[d]]) != 0)
            die("out of memory");
        for (s = c->doc[d]; s < c->doc[d + 1]; s++)
            entities_doc_add_sentence(&doc, c->toks + c->sent[s], c->sent[s + 1] - c->sent[s]);
        for (s = c->doc[d]; s < c->doc[d + 1]; s++) {
            size_t a = c->sent[s], len = c->sent[s + 1] - a;
            if (len > 4096)
                die("sentence of %zu tokens", len);
            entities_pos_feats(lex, &doc, c->toks + a, len, NULL, pf, npf);
            for (i = 0; i < len; i++) {
                int o, k;
                if (n + ENT_MAXFEAT * ENT_NOFF + ENT_MAXPOS > cap) {
                    cap *= 2;
                    out->slots = xrealloc(out->slots, sizeof *out->slots * cap);
                }
                out->off[a + i] = n;
                for (o = -ENT_WIN; o <= ENT_WIN; o++) {
                    long j = (long)i + o;
                    const ent_wfeat *f;
                    if (j < 0 || j >= (long)len)
                        continue;
                    f = wf + (a + (size_t)j) * ENT_MAXFEAT;
                    for (k = 0; k < nwf[a + (size_t)j]; k++)
                        if (f[k].mask & (1u << (o + ENT_WIN)))
                            out->slots[n++] = entities_slot(f[k].h, o, hbits);
                }
                for (k = 0; k < npf[i]; k++)
                    out->slots[n++] = entities_slot(pf[i * ENT_MAXPOS + k], 0, hbits);
            }
        }
    }
    out->off[c->ntok] = n;
    entities_doc_free(&doc);
    free(wf);
    free(nwf);
    free(pf);
    free(npf);
}

/* ---- the perceptron ---- */

typedef struct params {
    float *w;          /* (1 << hbits) * NL */
    float trans[ENT_NL * ENT_NL], start[ENT_NL], end[ENT_NL];
} params;

/* Slots of the document-history feature of each token (UINT32_MAX: none). */
static void hist_slots(const ent_doc *hdoc, const ent_tok *toks, size_t n, unsigned hbits, uint32_t *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t h = entities_hist_feat(hdoc, &toks[i], i);
        out[i] = h ? entities_slot(h, 0, hbits) : UINT32_MAX;
    }
}

/* Slots of the second pass's document feature of each token (UINT32_MAX:
 * none), from the first pass's labels lab; returns how many there are. */
static size_t doc_slots(const ent_doc *hdoc, const ent_tok *toks, size_t n, const uint8_t *lab, unsigned hbits,
                        uint32_t *out)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        uint64_t h = entities_doc_feat(hdoc, &toks[i], i, lab[i]);
        out[i] = h ? entities_slot(h, 0, hbits) : UINT32_MAX;
        k += h != 0;
    }
    return k;
}

static void emissions(const params *p, const feats *f, size_t a, size_t n, const uint32_t *hslot,
                      const uint32_t *rslot, float *em)
{
    size_t i, k;
    int l;
    for (i = 0; i < n; i++) {
        float *e = em + i * ENT_NL;
        memset(e, 0, sizeof(float) * ENT_NL);
        if (hslot != NULL && hslot[i] != UINT32_MAX) {
            const float *w = p->w + (size_t)hslot[i] * ENT_NL;
            for (l = 0; l < ENT_NL; l++)
                e[l] += w[l];
        }
        if (rslot != NULL && rslot[i] != UINT32_MAX) {
            const float *w = p->w + (size_t)rslot[i] * ENT_NL;
            for (l = 0; l < ENT_NL; l++)
                e[l] += w[l];
        }
        for (k = f->off[a + i]; k < f->off[a + i + 1]; k++) {
            const float *w = p->w + (size_t)f->slots[k] * ENT_NL;
            for (l = 0; l < ENT_NL; l++)
                e[l] += w[l];
        }
    }
}

typedef struct scratch {
    float *em, *fwd, *bwd;
    uint8_t *back, *pred;
    uint32_t *hslot;
    ent_doc hdoc;
    unsigned hbits;
    span *sg, *sp;
    size_t cap;
    /* of the document: first-pass labels, history and document slots */
    uint8_t *p1;
    uint32_t *dh, *dr;
    size_t dcap;
} scratch;

/* Whether the trainer tags in two passes (--second). */
static int second_pass = 1;

static void scratch_fit_doc(scratch *s, size_t n)
{
    if (n <= s->dcap)
        return;
    s->dcap = n * 2;
    s->p1 = xrealloc(s->p1, s->dcap);
    s->dh = xrealloc(s->dh, sizeof *s->dh * s->dcap);
    s->dr = xrealloc(s->dr, sizeof *s->dr * s->dcap);
}

static void scratch_fit(scratch *s, size_t n)
{
    if (n <= s->cap)
        return;
    s->cap = n * 2;
    s->em = xrealloc(s->em, sizeof(float) * ENT_NL * s->cap);
    s->fwd = xrealloc(s->fwd, sizeof(float) * ENT_NL * s->cap);
    s->bwd = xrealloc(s->bwd, sizeof(float) * ENT_NL * s->cap);
    s->back = xrealloc(s->back, ENT_NL * s->cap);
    s->pred = xrealloc(s->pred, s->cap);
    s->hslot = xrealloc(s->hslot, sizeof *s->hslot * s->cap);
    s->sg = xrealloc(s->sg, sizeof(span) * s->cap);
    s->sp = xrealloc(s->sp, sizeof(span) * s->cap);
}

/* First pass over sentence s of document d of c with weights p, the
 * document history so far in sc->hdoc: labels to sc->p1, history slots to
 * sc->dh (both at the sentence's offset in the document). */
static void tag_first(const params *p, const corpus *c, const feats *f, size_t d, size_t s, scratch *sc)
{
    size_t a = c->sent[s], n = c->sent[s + 1] - a, o = a - c->sent[c->doc[d]];
    scratch_fit(sc, n);
    scratch_fit_doc(sc, c->sent[c->doc[d + 1]] - c->sent[c->doc[d]]);
    hist_slots(&sc->hdoc, c->toks + a, n, sc->hbits, sc->dh + o);
    emissions(p, f, a, n, sc->dh + o, NULL, sc->em);
    entities_viterbi(sc->em, n, p->trans, p->start, p->end, sc->back, sc->fwd, sc->p1 + o);
}

/* Second pass over sentence s once the whole document has had its first:
 * labels to sc->pred, document slots to sc->dr; sc->em and sc->fwd are
 * this pass's. */
static void tag_second(const params *p, const corpus *c, const feats *f, size_t d, size_t s, scratch *sc)
{
    size_t a = c->sent[s], n = c->sent[s + 1] - a, o = a - c->sent[c->doc[d]];
    scratch_fit(sc, n);
    if (second_pass)
        doc_slots(&sc->hdoc, c->toks + a, n, sc->p1 + o, sc->hbits, sc->dr + o);
    else
        memset(sc->dr + o, 0xff, sizeof *sc->dr * n);
    emissions(p, f, a, n, sc->dh + o, sc->dr + o, sc->em);
    entities_viterbi(sc->em, n, p->trans, p->start, p->end, sc->back, sc->fwd, sc->pred);
}

/* The second pass over sentence s of a training document with the
 * document features made from labels jk (of the whole corpus, in jdoc)
 * rather than the first pass's. */
static void tag_second_jk(const params *p, const corpus *c, const feats *f, size_t d, size_t s, scratch *sc,
                          const ent_doc *jdoc, const uint8_t *jk)
{
    size_t a = c->sent[s], n = c->sent[s + 1] - a, o = a - c->sent[c->doc[d]];
    scratch_fit(sc, n);
    doc_slots(jdoc, c->toks + a, n, jk + a, sc->hbits, sc->dr + o);
    emissions(p, f, a, n, sc->dh + o, sc->dr + o, sc->em);
    entities_viterbi(sc->em, n, p->trans, p->start, p->end, sc->back, sc->fwd, sc->pred);
}

/* Both passes over document d: the first pass's labels in sc->p1, the
 * history of the document in sc->hdoc. */
static void tag_doc_first(const params *p, const corpus *c, const feats *f, size_t d, scratch *sc)
{
    size_t s;
    entities_doc_reset(&sc->hdoc, c->sent[c->doc[d + 1]] - c->sent[c->doc[d]]);
    for (s = c->doc[d]; s < c->doc[d + 1]; s++) {
        size_t a = c->sent[s], n = c->sent[s + 1] - a;
        tag_first(p, c, f, d, s, sc);
        entities_doc_add_labels(&sc->hdoc, c->toks + a, n, sc->p1 + (a - c->sent[c->doc[d]]));
    }
}

static void scratch_free(scratch *s)
{
    free(s->em);
    free(s->fwd);
    free(s->bwd);
    free(s->back);
    free(s->pred);
    free(s->hslot);
    free(s->sg);
    free(s->sp);
    free(s->p1);
    free(s->dh);
    free(s->dr);
    entities_doc_free(&s->hdoc);
    memset(s, 0, sizeof *s);
}

static void evaluate(const params *p, const corpus *c, const feats *f, counts *ct, scratch *sc)
{
    size_t s, d;
    memset(ct, 0, sizeof *ct);
    for (d = 0; d < c->ndoc; d++) {
        tag_doc_first(p, c, f, d, sc);
        for (s = c->doc[d]; s < c->doc[d + 1]; s++) {
            size_t a = c->sent[s], n = c->sent[s + 1] - a;
            tag_second(p, c, f, d, s, sc);
            count_sentence(ct, c->gold + a, sc->pred, n, sc->sg, sc->sp);
        }
    }
}

/* Scale of entity scores: the one whose logistic best predicts, on the
 * development split, whether a predicted entity is right. */
static float fit_score_scale(const params *p, const corpus *c, const feats *f, scratch *sc)
{
    static const float grid[] = {0.25f, 0.5f, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256};
    double loss[sizeof grid / sizeof grid[0]] = {0};
    size_t s, g, best = 0, d = 0;
    for (s = 0; s < c->nsent; s++) {
        size_t a = c->sent[s], n = c->sent[s + 1] - a, np, ng, i, j;
        if (s == c->doc[d])
            tag_doc_first(p, c, f, d++, sc);
        tag_second(p, c, f, d - 1, s, sc);
        entities_max_marginals(sc->em, n, p->trans, p->start, p->end, sc->fwd, sc->bwd);
        np = spans_of(sc->pred, n, sc->sp);
        ng = spans_of(c->gold + a, n, sc->sg);
        for (i = 0; i < np; i++) {
            float m = entities_margin(sc->fwd, sc->bwd, sc->pred, sc->sp[i].a, sc->sp[i].b);
            int ok = 0;
            for (j = 0; j < ng; j++)
                if (sc->sg[j].a == sc->sp[i].a && sc->sg[j].b == sc->sp[i].b && sc->sg[j].type == sc->sp[i].type)
                    ok = 1;
            for (g = 0; g < sizeof grid / sizeof grid[0]; g++) {
                double q = 1.0 / (1.0 + exp(-(double)m / grid[g]));
                q = q < 1e-6 ? 1e-6 : q > 1 - 1e-6 ? 1 - 1e-6 : q;
                loss[g] -= ok ? log(q) : log(1 - q);
            }
        }
    }
    for (g = 1; g < sizeof grid / sizeof grid[0]; g++)
        if (loss[g] < loss[best])
            best = g;
    return grid[best];
}

static void write_pad(FILE *f, size_t n)
{
    static const char zero[8] = {0};
    if (n % 8)
        fwrite(zero, 1, 8 - n % 8, f);
}

/* Serialise into memory so the checksum can be computed, then write. */
typedef struct buf {
    unsigned char *p;
    size_t n, cap;
} buf;

static void buf_add(buf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->n + n + 8 > b->cap) {
        while (b->n + n + 8 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 1 << 20;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void buf_pad(buf *b)
{
    static const char zero[8] = {0};
    if (b->n % 8)
        buf_add(b, zero, 8 - b->n % 8);
}

static void save_model(const char *path, const params *p, unsigned hbits, const lexbuild *lb,
                       char **vocab, size_t nvocab, float score_scale, float prune)
{
    ent_header h;
    buf b = {0};
    size_t slots = (size_t)1 << hbits, words = slots / 64, i, nrows = 0;
    float maxw = 0;
    uint64_t *bitmap = xcalloc(words, 8);
    uint32_t *rank = xcalloc(words, 4);
    FILE *f;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, ENT_MAGIC, 8);
    h.version = ENT_VERSION;
    h.nlabels = ENT_NL;
    h.hbits = hbits;
    for (i = 0; i < slots * ENT_NL; i++)
        if (fabsf(p->w[i]) > maxw)
            maxw = fabsf(p->w[i]);
    h.wscale = maxw > 0 ? maxw / 32767.0f : 1.0f;
    h.score_scale = score_scale;
    h.flags = second_pass ? ENT_FLAG_SECOND : 0;
    for (i = 0; i < slots; i++) {
        int l, nz = 0;
        for (l = 0; l < ENT_NL; l++)
            if (fabsf(p->w[i * ENT_NL + l]) >= prune && lrintf(p->w[i * ENT_NL + l] / h.wscale) != 0)
                nz = 1;
        if (nz)
            bitmap[i / 64] |= (uint64_t)1 << (i % 64);
    }
    for (i = 0; i < words; i++) {
        rank[i] = (uint32_t)nrows;
        nrows += (size_t)__builtin_popcountll(bitmap[i]);
    }
    h.nrows = (uint32_t)nrows;
    buf_add(&b, p->trans, sizeof p->trans);
    buf_add(&b, p->start, sizeof p->start);
    buf_add(&b, p->end, sizeof p->end);
    buf_pad(&b);
    buf_add(&b, bitmap, words * 8);
    buf_add(&b, rank, words * 4);
    buf_pad(&b);
    for (i = 0; i < slots; i++) {
        int l;
        int16_t q[ENT_NL];
        if (!(bitmap[i / 64] & ((uint64_t)1 << (i % 64))))
            continue;
        for (l = 0; l < ENT_NL; l++) {
            float w = p->w[i * ENT_NL + l];
            q[l] = (int16_t)(fabsf(w) >= prune ? lrintf(w / h.wscale) : 0);
        }
        buf_add(&b, q, sizeof q);
    }
    buf_pad(&b);
    h.nlex = lb->words.n;
    buf_add(&b, lb->info, sizeof(ent_lexinfo) * h.nlex);
    buf_pad(&b);
    {
        uint32_t off = 0;
        buf_add(&b, &off, 4);
        for (i = 0; i < h.nlex; i++) {
            off += lb->words.lenbyid[i];
            buf_add(&b, &off, 4);
        }
        buf_pad(&b);
        h.lex_bytes = off;
        for (i = 0; i < h.nlex; i++)
            buf_add(&b, lb->words.byid[i], lb->words.lenbyid[i]);
        buf_pad(&b);
    }
    h.ngaz = (uint32_t)lb->ngaz;
    buf_add(&b, lb->gkeys, 8 * lb->ngaz);
    buf_add(&b, lb->gkinds, 4 * lb->ngaz);
    buf_pad(&b);
    {
        uint32_t off = 0;
        h.nvocab = (uint32_t)nvocab;
        buf_add(&b, &off, 4);
        for (i = 0; i < nvocab; i++) {
            off += (uint32_t)strlen(vocab[i]);
            buf_add(&b, &off, 4);
        }
        buf_pad(&b);
        h.vocab_bytes = off;
        for (i = 0; i < nvocab; i++)
            buf_add(&b, vocab[i], strlen(vocab[i]));
        buf_pad(&b);
    }
    h.payload_bytes = b.n;
    if (entities_payload_size(&h) != b.n)
        die("internal error: payload size %zu, expected %llu", b.n,
            (unsigned long long)entities_payload_size(&h));
    h.checksum = entities_checksum(b.p, b.n);
    f = fopen(path, "wb");
    if (f == NULL)
        die("cannot write %s: %s", path, strerror(errno));
    fwrite(&h, sizeof h, 1, f);
    fwrite(b.p, 1, b.n, f);
    write_pad(f, 0);
    if (fclose(f) != 0)
        die("cannot write %s", path);
    fprintf(stderr, "wrote %s: %zu bytes (%zu weight rows, %u lexicon words, %zu vocabulary words)\n",
            path, sizeof h + b.n, nrows, h.nlex, nvocab);
    free(b.p);
    free(bitmap);
    free(rank);
}

static long reload_check(const char *path, const params *p, const corpus *c, const feats *f, scratch *sc);

/* One step of the structured perceptron on a sentence tagged pred (gold g),
 * at time c of the averaging; returns 1 if it was wrong. */
static long perceptron_update(params *P, float *U, float *tU, float c, const feats *f, size_t a, size_t n,
                              const uint8_t *g, const uint8_t *pred, const uint32_t *hs, const uint32_t *rs)
{
    size_t p;
    if (memcmp(pred, g, n) == 0)
        return 0;
    for (p = 0; p < n; p++) {
        size_t q;
        int gl = g[p], pl = pred[p];
        if (gl != pl) {
            for (q = f->off[a + p]; q < f->off[a + p + 1] + 2; q++) {
                size_t base;
                if (q == f->off[a + p + 1]) {
                    if (hs == NULL || hs[p] == UINT32_MAX)
                        continue;
                    base = (size_t)hs[p] * ENT_NL;
                } else if (q == f->off[a + p + 1] + 1) {
                    if (rs == NULL || rs[p] == UINT32_MAX)
                        continue;
                    base = (size_t)rs[p] * ENT_NL;
                } else
                    base = (size_t)f->slots[q] * ENT_NL;
                P->w[base + gl] += 1;
                U[base + gl] += c;
                P->w[base + pl] -= 1;
                U[base + pl] -= c;
            }
        }
        if (p > 0 && (gl != pl || g[p - 1] != pred[p - 1])) {
            P->trans[g[p - 1] * ENT_NL + gl] += 1;
            tU[g[p - 1] * ENT_NL + gl] += c;
            P->trans[pred[p - 1] * ENT_NL + pl] -= 1;
            tU[pred[p - 1] * ENT_NL + pl] -= c;
        }
    }
    if (g[0] != pred[0]) {
        P->start[g[0]] += 1;
        tU[ENT_NL * ENT_NL + g[0]] += c;
        P->start[pred[0]] -= 1;
        tU[ENT_NL * ENT_NL + pred[0]] -= c;
    }
    if (g[n - 1] != pred[n - 1]) {
        P->end[g[n - 1]] += 1;
        tU[ENT_NL * ENT_NL + ENT_NL + g[n - 1]] += c;
        P->end[pred[n - 1]] -= 1;
        tU[ENT_NL * ENT_NL + ENT_NL + pred[n - 1]] -= c;
    }
    return 1;
}

/* First-pass labels of every training token from a model trained on the
 * other folds (documents d with d % folds != fold), so that the second
 * pass learns from first-pass labels as good as those it will see on new
 * text, not from ones that have seen the answer. */
static void jackknife(const corpus *tr, const feats *ftr, int folds, int epochs, unsigned seed, params *P,
                      params *A, float *U, float *tU, scratch *sc, size_t *order, uint8_t *jk)
{
    size_t slots = (size_t)1 << sc->hbits, s, k, dd, nd;
    int fold, e;
    for (fold = 0; fold < folds; fold++) {
        long c = 1;
        memset(P->w, 0, sizeof(float) * slots * ENT_NL);
        memset(U, 0, sizeof(float) * slots * ENT_NL);
        memset(tU, 0, sizeof(float) * (ENT_NL * ENT_NL + 2 * ENT_NL));
        memset(P->trans, 0, sizeof P->trans);
        memset(P->start, 0, sizeof P->start);
        memset(P->end, 0, sizeof P->end);
        nd = 0;
        for (s = 0; s < tr->ndoc; s++)
            if ((int)(s % (size_t)folds) != fold)
                order[nd++] = s;
        rng_state = 0x2545f4914f6cdd1dull ^ ((uint64_t)(seed + (unsigned)fold) * 0xbf58476d1ce4e5b9ull);
        for (e = 0; e < epochs; e++) {
            for (s = nd; s > 1; s--) {
                size_t j = (size_t)(rng() % s), t = order[s - 1];
                order[s - 1] = order[j];
                order[j] = t;
            }
            for (dd = 0; dd < nd; dd++) {
                size_t doc = order[dd], d0 = tr->sent[tr->doc[doc]];
                entities_doc_reset(&sc->hdoc, tr->sent[tr->doc[doc + 1]] - d0);
                for (k = tr->doc[doc]; k < tr->doc[doc + 1]; k++) {
                    size_t a = tr->sent[k], n = tr->sent[k + 1] - a;
                    tag_first(P, tr, ftr, doc, k, sc);
                    perceptron_update(P, U, tU, (float)c, ftr, a, n, tr->gold + a, sc->p1 + (a - d0),
                                      sc->dh + (a - d0), NULL);
                    c++;
                    entities_doc_add_labels(&sc->hdoc, tr->toks + a, n, sc->p1 + (a - d0));
                }
            }
        }
        for (k = 0; k < slots * ENT_NL; k++)
            A->w[k] = P->w[k] - U[k] / (float)c;
        for (k = 0; k < ENT_NL * ENT_NL; k++)
            A->trans[k] = P->trans[k] - tU[k] / (float)c;
        for (k = 0; k < ENT_NL; k++) {
            A->start[k] = P->start[k] - tU[ENT_NL * ENT_NL + k] / (float)c;
            A->end[k] = P->end[k] - tU[ENT_NL * ENT_NL + ENT_NL + k] / (float)c;
        }
        for (s = (size_t)fold; s < tr->ndoc; s += (size_t)folds) {
            size_t d0 = tr->sent[tr->doc[s]];
            tag_doc_first(A, tr, ftr, s, sc);
            memcpy(jk + d0, sc->p1, tr->sent[tr->doc[s + 1]] - d0);
        }
    }
}

static int cmd_train(int argc, char **argv)
{
    const char *out = NULL, *trainp = NULL, *devp = NULL, *clusters = NULL;
    const char *lists[32];
    int nlists = 0, epochs = 20, patience = 4, i;
    unsigned hbits = 20, seed = 1;
    float prune = 0;
    int lexvocab = 12000;
    corpus tr, dev;
    lexbuild lb;
    feats ftr, fdev;
    params P, A, best, mix;
    int nseeds = 1, run;
    float score_scale = 0;
    float *U, *tU;
    size_t slots, *order, s;
    double best_f1 = -1, t0 = now();
    int best_epoch = 0;
    scratch sc = {0};
    long c = 1;
    int folds = 5, fold_epochs = 12;
    uint8_t *jk = NULL;
    ent_doc jdoc;
    for (i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--train") && i + 1 < argc)
            trainp = argv[++i];
        else if (!strcmp(argv[i], "--dev") && i + 1 < argc)
            devp = argv[++i];
        else if (!strcmp(argv[i], "--clusters") && i + 1 < argc)
            clusters = argv[++i];
        else if (!strcmp(argv[i], "--lists") && i + 1 < argc && nlists < 32)
            lists[nlists++] = argv[++i];
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc)
            epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--patience") && i + 1 < argc)
            patience = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--hbits") && i + 1 < argc)
            hbits = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--score-scale") && i + 1 < argc)
            score_scale = (float)atof(argv[++i]);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            nseeds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--lexvocab") && i + 1 < argc)
            lexvocab = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--prune") && i + 1 < argc)
            prune = (float)atof(argv[++i]);
        else if (!strcmp(argv[i], "--second") && i + 1 < argc)
            second_pass = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--folds") && i + 1 < argc)
            folds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--fold-epochs") && i + 1 < argc)
            fold_epochs = atoi(argv[++i]);
        else
            die("train: unknown argument %s", argv[i]);
    }
    if (out == NULL || trainp == NULL)
        die("train: need -o MODEL and --train FILE");
    if (hbits < 10 || hbits > 26)
        die("--hbits must be 10..26");
    memset(&lb, 0, sizeof lb);
    if (clusters)
        lb_read_clusters(&lb, clusters);
    for (i = 0; i < nlists; i++)
        lb_read_list(&lb, lists[i]);
    lb_finish(&lb);
    corpus_read(&tr, trainp);
    if (devp)
        corpus_read(&dev, devp);
    else
        dev = tr;
    fprintf(stderr, "train: %zu tokens, %zu sentences, %zu documents; dev: %zu tokens\n",
            tr.ntok, tr.nsent, tr.ndoc, dev.ntok);
    corpus_feats(&tr, &lb.lex, hbits, &ftr);
    corpus_feats(&dev, &lb.lex, hbits, &fdev);
    fprintf(stderr, "features: %.1f per token (%.1fs)\n", (double)ftr.off[tr.ntok] / (double)tr.ntok, now() - t0);
    slots = (size_t)1 << hbits;
    memset(&P, 0, sizeof P);
    memset(&A, 0, sizeof A);
    memset(&best, 0, sizeof best);
    P.w = xcalloc(slots * ENT_NL, sizeof(float));
    A.w = xcalloc(slots * ENT_NL, sizeof(float));
    best.w = xcalloc(slots * ENT_NL, sizeof(float));
    U = xcalloc(slots * ENT_NL, sizeof(float));
    tU = xcalloc(ENT_NL * ENT_NL + 2 * ENT_NL, sizeof(float));
    order = xmalloc(sizeof *order * tr.ndoc);
    for (s = 0; s < tr.ndoc; s++)
        order[s] = s;
    sc.hbits = hbits;
    entities_doc_init(&sc.hdoc);
    entities_doc_init(&jdoc);
    if (second_pass && folds < 2)
        die("--folds must be 2 or more");
    if (second_pass) {
        jk = xmalloc(tr.ntok);
        jackknife(&tr, &ftr, folds, fold_epochs, seed, &P, &A, U, tU, &sc, order, jk);
        fprintf(stderr, "first-pass labels of the training split from %d folds (%.1fs)\n", folds, now() - t0);
    }
    if (nseeds > 1) {
        memset(&mix, 0, sizeof mix);
        mix.w = xcalloc(slots * ENT_NL, sizeof(float));
    }
  for (run = 0; run < nseeds; run++) {
    /* each run starts afresh from its own seed */
    memset(P.w, 0, sizeof(float) * slots * ENT_NL);
    memset(U, 0, sizeof(float) * slots * ENT_NL);
    memset(tU, 0, sizeof(float) * (ENT_NL * ENT_NL + 2 * ENT_NL));
    memset(P.trans, 0, sizeof P.trans);
    memset(P.start, 0, sizeof P.start);
    memset(P.end, 0, sizeof P.end);
    c = 1;
    best_f1 = -1;
    best_epoch = 0;
    for (s = 0; s < tr.ndoc; s++)
        order[s] = s;
    rng_state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)(seed + (unsigned)run) * 0xbf58476d1ce4e5b9ull);
    if (rng_state == 0)
        rng_state = 1;
    for (i = 1; i <= epochs; i++) {
        long errors = 0;
        counts ct;
        double f1;
        size_t k, dd;
        for (s = tr.ndoc; s > 1; s--) {
            size_t j = (size_t)(rng() % s), t = order[s - 1];
            order[s - 1] = order[j];
            order[j] = t;
        }
        for (dd = 0; dd < tr.ndoc; dd++) {
          size_t doc = order[dd];
          size_t d0 = tr.sent[tr.doc[doc]];
          entities_doc_reset(&sc.hdoc, tr.sent[tr.doc[doc + 1]] - d0);
          for (k = tr.doc[doc]; k < tr.doc[doc + 1]; k++) {
            size_t a = tr.sent[k], n = tr.sent[k + 1] - a;
            tag_first(&P, &tr, &ftr, doc, k, &sc);
            if (!second_pass) {
                errors += perceptron_update(&P, U, tU, (float)c, &ftr, a, n, tr.gold + a, sc.p1 + (a - d0),
                                            sc.dh + (a - d0), NULL);
                c++;
            }
            entities_doc_add_labels(&sc.hdoc, tr.toks + a, n, sc.p1 + (a - d0));
          }
          if (jk != NULL) {
            entities_doc_reset(&jdoc, tr.sent[tr.doc[doc + 1]] - d0);
            for (k = tr.doc[doc]; k < tr.doc[doc + 1]; k++)
                entities_doc_add_labels(&jdoc, tr.toks + tr.sent[k], tr.sent[k + 1] - tr.sent[k], jk + tr.sent[k]);
          }
          if (second_pass)
            for (k = tr.doc[doc]; k < tr.doc[doc + 1]; k++) {
                size_t a = tr.sent[k], n = tr.sent[k + 1] - a;
                tag_second_jk(&P, &tr, &ftr, doc, k, &sc, &jdoc, jk);
                errors += perceptron_update(&P, U, tU, (float)c, &ftr, a, n, tr.gold + a, sc.pred,
                                            sc.dh + (a - d0), sc.dr + (a - d0));
                c++;
            }
        }
        /* averaged weights */
        for (k = 0; k < slots * ENT_NL; k++)
            A.w[k] = P.w[k] - U[k] / (float)c;
        for (k = 0; k < ENT_NL * ENT_NL; k++)
            A.trans[k] = P.trans[k] - tU[k] / (float)c;
        for (k = 0; k < ENT_NL; k++) {
            A.start[k] = P.start[k] - tU[ENT_NL * ENT_NL + k] / (float)c;
            A.end[k] = P.end[k] - tU[ENT_NL * ENT_NL + ENT_NL + k] / (float)c;
        }
        evaluate(&A, &dev, &fdev, &ct, &sc);
        f1 = overall_f1(&ct);
        fprintf(stderr, "epoch %2d: %ld sentences wrong, dev F1 %.4f (%.1fs)\n", i, errors, f1, now() - t0);
        if (f1 > best_f1) {
            best_f1 = f1;
            best_epoch = i;
            memcpy(best.w, A.w, sizeof(float) * slots * ENT_NL);
            memcpy(best.trans, A.trans, sizeof A.trans);
            memcpy(best.start, A.start, sizeof A.start);
            memcpy(best.end, A.end, sizeof A.end);
        } else if (i - best_epoch >= patience)
            break;
    }
    fprintf(stderr, "best: epoch %d, dev F1 %.4f (seed %u)\n", best_epoch, best_f1, seed + (unsigned)run);
    if (nseeds > 1) {
        size_t k;
        for (k = 0; k < slots * ENT_NL; k++)
            mix.w[k] += best.w[k] / (float)nseeds;
        for (k = 0; k < ENT_NL * ENT_NL; k++)
            mix.trans[k] += best.trans[k] / (float)nseeds;
        for (k = 0; k < ENT_NL; k++) {
            mix.start[k] += best.start[k] / (float)nseeds;
            mix.end[k] += best.end[k] / (float)nseeds;
        }
    }
  }
    if (nseeds > 1) {
        counts ct;
        free(best.w);
        best = mix;
        evaluate(&best, &dev, &fdev, &ct, &sc);
        fprintf(stderr, "mixture of %d runs: dev F1 %.4f\n", nseeds, overall_f1(&ct));
    }
    {
        /* vocabulary whose scores are summed once when first met: training forms seen
         * twice or more and the commonest lexicon words */
        strmap vm = {0};
        uint32_t *cnt = xcalloc(tr.ntok + 1, 4);
        char **vocab;
        size_t nv = 0, k;
        float ss;
        for (k = 0; k < tr.ntok; k++) {
            uint32_t id = strmap_get(&vm, tr.toks[k].s, tr.toks[k].len, 1);
            cnt[id]++;
        }
        vocab = xmalloc(sizeof *vocab * (vm.n + 2 * lb.words.n + 1));
        for (k = 0; k < vm.n; k++)
            if (cnt[k] >= 2)
                vocab[nv++] = vm.byid[k];
        /* (pointers into vm.byid stay valid: it only grows by realloc of the
         * array of pointers, not of the strings) */
        for (k = 0; k < lb.words.n && k < (size_t)lexvocab; k++) {
            char *w = lb.words.byid[k], *t;
            if (strmap_get(&vm, w, strlen(w), 0) == UINT32_MAX) {
                uint32_t id = strmap_get(&vm, w, strlen(w), 1);
                vocab[nv++] = vm.byid[id];
            }
            t = xmalloc(strlen(w) + 1);
            strcpy(t, w);
            t[0] = (char)toupper((unsigned char)t[0]);
            if (strmap_get(&vm, t, strlen(t), 0) == UINT32_MAX) {
                uint32_t id = strmap_get(&vm, t, strlen(t), 1);
                vocab[nv++] = vm.byid[id];
            }
            free(t);
        }
        ss = score_scale > 0 ? score_scale : fit_score_scale(&best, &dev, &fdev, &sc);
        fprintf(stderr, "score scale %.2f\n", ss);
        save_model(out, &best, hbits, &lb, vocab, nv, ss, prune);
        fprintf(stderr, "reloaded model: %ld of %zu dev tokens tagged differently\n",
                reload_check(out, &best, &dev, &fdev, &sc), dev.ntok);
        free(cnt);
        free(vocab);
        strmap_free(&vm);
    }
    free(P.w);
    free(A.w);
    free(best.w);
    free(U);
    free(tU);
    free(order);
    free(ftr.slots);
    free(ftr.off);
    free(fdev.slots);
    free(fdev.off);
    if (devp)
        corpus_free(&dev);
    corpus_free(&tr);
    lb_free(&lb);
    scratch_free(&sc);
    entities_doc_free(&jdoc);
    free(jk);
    return 0;
}

/* ---- using a saved model ---- */

struct tagger;
static void tagger_fit(struct tagger *t, size_t n);

typedef struct tagger {
    ent_model *m;
    ent_doc doc;
    ent_scratch es;
    scratch sc;
    float *em, *fwd;    /* of the document */
    uint8_t *pred, *back, *changed;
    size_t cap;
} tagger;

/* Tag a document of ntok tokens whose sentence s is tokens se[2s] ..
 * se[2s+1], as the stage does: a first pass, then a second with what the
 * first said of the other mentions of each word; labels to t->pred. */
static void tagger_doc(tagger *t, const ent_tok *toks, size_t ntok, const size_t *se, size_t ns)
{
    const ent_dec *dec = entities_model_dec(t->m);
    size_t s;
    if (ntok > t->cap) {
        t->cap = ntok * 2;
        t->em = xrealloc(t->em, sizeof(float) * ENT_NL * t->cap);
        t->fwd = xrealloc(t->fwd, sizeof(float) * ENT_NL * t->cap);
        t->pred = xrealloc(t->pred, t->cap);
        t->back = xrealloc(t->back, ENT_BACK * t->cap);
        t->changed = xrealloc(t->changed, t->cap);
    }
    if (entities_doc_reset(&t->doc, ntok) != 0 || entities_doc_tokens(&t->doc, toks, ntok) != 0)
        die("out of memory");
    for (s = 0; s < ns; s++)
        entities_doc_add_sentence(&t->doc, toks + se[2 * s], se[2 * s + 1] - se[2 * s]);
    for (s = 0; s < ns; s++) {
        size_t a = se[2 * s], n = se[2 * s + 1] - a;
        if (n == 0)
            continue;
        tagger_fit(t, n);
        entities_model_emissions(t->m, &t->doc, toks + a, n, &t->es, t->em + a * ENT_NL);
        entities_decode(dec, t->em + a * ENT_NL, n, t->back + a * ENT_BACK, t->fwd + a * ENT_NL, t->pred + a);
        entities_doc_add_labels(&t->doc, toks + a, n, t->pred + a);
    }
    for (s = 0; s < ns; s++) {
        size_t a = se[2 * s], n = se[2 * s + 1] - a;
        if (n > 0 && entities_model_second(t->m, &t->doc, toks + a, n, t->pred + a, t->em + a * ENT_NL,
                                           t->changed + a))
            entities_decode_again(dec, t->em + a * ENT_NL, n, t->changed + a, t->back + a * ENT_BACK,
                                  t->fwd + a * ENT_NL, t->pred + a);
    }
}

/* The sentences of document d of c as tokens of the document, in sc->bounds. */
static size_t doc_bounds(const corpus *c, size_t d, size_t **bounds, size_t *cap)
{
    size_t s, ns = c->doc[d + 1] - c->doc[d], d0 = c->sent[c->doc[d]];
    if (2 * ns > *cap) {
        *cap = 4 * ns;
        *bounds = xrealloc(*bounds, sizeof **bounds * *cap);
    }
    for (s = 0; s < ns; s++) {
        (*bounds)[2 * s] = c->sent[c->doc[d] + s] - d0;
        (*bounds)[2 * s + 1] = c->sent[c->doc[d] + s + 1] - d0;
    }
    return ns;
}

static void tagger_fit(tagger *t, size_t n)
{
    scratch_fit(&t->sc, n);
    if (entities_scratch_fit(&t->es, n) != 0)
        die("out of memory");
}

static void tag_corpus(tagger *t, const corpus *c, counts *ct)
{
    size_t d, s, *bounds = NULL, bcap = 0;
    if (ct)
        memset(ct, 0, sizeof *ct);
    for (d = 0; d < c->ndoc; d++) {
        size_t d0 = c->sent[c->doc[d]], ns = doc_bounds(c, d, &bounds, &bcap);
        tagger_doc(t, c->toks + d0, c->sent[c->doc[d + 1]] - d0, bounds, ns);
        if (ct)
            for (s = c->doc[d]; s < c->doc[d + 1]; s++) {
                size_t a = c->sent[s], n = c->sent[s + 1] - a;
                tagger_fit(t, n);
                count_sentence(ct, c->gold + a, t->pred + (a - d0), n, t->sc.sg, t->sc.sp);
            }
    }
    free(bounds);
}

static void tagger_free(tagger *t)
{
    entities_model_free(t->m);
    entities_doc_free(&t->doc);
    entities_scratch_free(&t->es);
    scratch_free(&t->sc);
    free(t->em);
    free(t->fwd);
    free(t->pred);
    free(t->back);
    free(t->changed);
}

static ent_model *open_model(const char *path)
{
    char err[512];
    double t0 = now();
    ent_model *m = entities_model_open_file(path, err, sizeof err);
    if (m == NULL)
        die("%s", err);
    fprintf(stderr, "loaded %s in %.3fs\n", path, now() - t0);
    return m;
}

/* Tag c with the saved model and with the weights it was saved from;
 * count the tokens whose labels differ. */
static long reload_check(const char *path, const params *p, const corpus *c, const feats *f, scratch *sc)
{
    tagger t;
    size_t d, s, k, *bounds = NULL, bcap = 0;
    long diff = 0;
    memset(&t, 0, sizeof t);
    t.m = open_model(path);
    entities_doc_init(&t.doc);
    for (d = 0; d < c->ndoc; d++) {
        size_t d0 = c->sent[c->doc[d]], ns = doc_bounds(c, d, &bounds, &bcap);
        tagger_doc(&t, c->toks + d0, c->sent[c->doc[d + 1]] - d0, bounds, ns);
        tag_doc_first(p, c, f, d, sc);
        for (s = c->doc[d]; s < c->doc[d + 1]; s++) {
            size_t a = c->sent[s], n = c->sent[s + 1] - a;
            tag_second(p, c, f, d, s, sc);
            for (k = 0; k < n; k++)
                diff += t.pred[a - d0 + k] != sc->pred[k];
        }
    }
    free(bounds);
    tagger_free(&t);
    return diff;
}

static int cmd_eval(int argc, char **argv)
{
    tagger t;
    int i;
    if (argc < 2)
        die("eval: need MODEL FILE...");
    memset(&t, 0, sizeof t);
    t.m = open_model(argv[0]);
    entities_doc_init(&t.doc);
    for (i = 1; i < argc; i++) {
        corpus c;
        counts ct;
        corpus_read(&c, argv[i]);
        tag_corpus(&t, &c, &ct);
        print_counts(argv[i], &ct);
        corpus_free(&c);
    }
    tagger_free(&t);
    return 0;
}

/* ---- speed ---- */

static void add_text_files(const char *dir, char ***files, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t nn = 0, nc = 0, i;
    if (d == NULL)
        die("cannot open %s: %s", dir, strerror(errno));
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (nn == nc) {
            nc = nc ? nc * 2 : 64;
            names = xrealloc(names, sizeof *names * nc);
        }
        names[nn] = xmalloc(strlen(dir) + strlen(e->d_name) + 2);
        sprintf(names[nn], "%s/%s", dir, e->d_name);
        nn++;
    }
    closedir(d);
    for (i = 0; i < nn; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            add_text_files(names[i], files, n, cap);
        else if (strlen(names[i]) > 4 && strcmp(names[i] + strlen(names[i]) - 4, ".txt") == 0) {
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 256;
                *files = xrealloc(*files, sizeof **files * *cap);
            }
            (*files)[(*n)++] = names[i];
            continue;
        }
        free(names[i]);
    }
    free(names);
}

static int cmd_speed(int argc, char **argv)
{
    tagger t;
    corpus c;
    double secs = 3, t0, el;
    long reps = 0, ntok = 0;
    const char *textdir = NULL;
    int i;
    if (argc < 2)
        die("speed: need MODEL FILE");
    for (i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--text") && i + 1 < argc)
            textdir = argv[++i];
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            secs = atof(argv[++i]);
    }
    memset(&t, 0, sizeof t);
    t.m = open_model(argv[0]);
    entities_doc_init(&t.doc);
    corpus_read(&c, argv[1]);
    tag_corpus(&t, &c, NULL);
    t0 = cpu_now();
    do {
        tag_corpus(&t, &c, NULL);
        reps++;
    } while ((el = cpu_now() - t0) < secs);
    printf("tagging alone (pre-tokenised %s): %ld tokens in %.2f CPU s: %.0f tokens/s per core\n", argv[1],
           (long)c.ntok * reps, el, (double)c.ntok * (double)reps / el);
    if (textdir != NULL) {
        char **files = NULL, **texts;
        size_t nf = 0, fc = 0, k, *lens, bytes = 0;
        tp_tokens toks = {0};
        tp_sentences sents = {0};
        ent_tok *et = NULL;
        size_t etcap = 0, *bounds = NULL, bcap = 0;
        add_text_files(textdir, &files, &nf, &fc);
        texts = xmalloc(sizeof *texts * (nf + 1));
        lens = xmalloc(sizeof *lens * (nf + 1));
        for (k = 0; k < nf; k++) {
            texts[k] = read_file(files[k], &lens[k]);
            bytes += lens[k];
        }
        reps = 0;
        ntok = 0;
        t0 = cpu_now();
        do {
            for (k = 0; k < nf; k++) {
                size_t s, j;
                if (tp_tokenize(&toks, texts[k], lens[k]) != 0 ||
                    tp_split_sentences(&sents, &toks, texts[k], lens[k]) != 0)
                    die("tokeniser failed");
                if (toks.n > etcap) {
                    etcap = toks.n * 2;
                    et = xrealloc(et, sizeof *et * etcap);
                }
                for (j = 0; j < toks.n; j++) {
                    et[j].s = texts[k] + toks.v[j].start;
                    et[j].len = toks.v[j].end - toks.v[j].start;
                }
                if (2 * sents.n > bcap) {
                    bcap = 4 * sents.n;
                    bounds = xrealloc(bounds, sizeof *bounds * bcap);
                }
                for (s = 0; s < sents.n; s++) {
                    bounds[2 * s] = sents.v[s].tok_start;
                    bounds[2 * s + 1] = sents.v[s].tok_end;
                }
                tagger_doc(&t, et, toks.n, bounds, sents.n);
                ntok += (long)toks.n;
            }
            reps++;
        } while ((el = cpu_now() - t0) < secs);
        printf("tokenise + sentences + tag (%zu files, %zu bytes, %s): %ld tokens in %.2f CPU s: %.0f tokens/s per core\n",
               nf, bytes, textdir, ntok, el, (double)ntok / el);
        for (k = 0; k < nf; k++) {
            free(texts[k]);
            free(files[k]);
        }
        free(texts);
        free(files);
        free(lens);
        free(et);
        free(bounds);
        tp_tokens_free(&toks);
        tp_sentences_free(&sents);
    }
    corpus_free(&c);
    tagger_free(&t);
    return 0;
}

int entities_train_clusters(int argc, char **argv);

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: textpipe-train clusters|train|eval|speed ARGS...\n");
        return 2;
    }
    if (!strcmp(argv[1], "train"))
        return cmd_train(argc - 2, argv + 2);
    if (!strcmp(argv[1], "eval"))
        return cmd_eval(argc - 2, argv + 2);
    if (!strcmp(argv[1], "speed"))
        return cmd_speed(argc - 2, argv + 2);
    if (!strcmp(argv[1], "clusters"))
        return entities_train_clusters(argc - 2, argv + 2);
    fprintf(stderr, "textpipe-train: unknown command %s\n", argv[1]);
    return 2;
}
