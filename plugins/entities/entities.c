/*
 * entities: named entities (PER, ORG, LOC, MISC) of a record's text.
 *
 * Reads `text`, tokenises it and splits it into sentences with the shared
 * tokeniser, matches the user's lists (they win), tags the rest with the
 * trained model (ner.h), groups mentions of one entity within the document
 * and writes `entities`: [{start, end, text, label, score, entity_id}].
 */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <textpipe/plugin.h>
#include <textpipe/record.h>
#include <textpipe/token.h>

/* The tagger, compiled in with everything static: a plugin exports nothing
 * but its entry. */
#define ENT_API static __attribute__((unused))
#include "ner.c"

/* The built-in model, linked in as it is.  The generated header names
 * plugins/entities/data/model.bin (and changes when it does). */
#include "plugins/entities/entities_model.h"
__asm__(".section .rodata\n"
        ".balign 64\n"
        "entities_model_blob:\n"
        ".incbin \"" ENTITIES_MODEL_PATH "\"\n"
        "entities_model_blob_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const unsigned char entities_model_blob[] __attribute__((visibility("hidden")));
extern const unsigned char entities_model_blob_end[] __attribute__((visibility("hidden")));

#define MAX_LABEL 32
#define USER_MAXLEN 16

typedef struct user_name {
    uint64_t key;       /* hash of the exact token sequence */
    uint16_t ntok;
    uint16_t label;
} user_name;

typedef struct user_pattern {
    pcre2_code *code;
    uint16_t label;
} user_pattern;

typedef struct instance {
    ent_model *model;
    double min_score;
    /* user lists */
    char (*labels)[MAX_LABEL];
    size_t nlabels;
    user_name *names;
    size_t nnames;
    uint32_t *name_index;     /* open addressing over names, by key */
    uint32_t name_mask;
    unsigned maxlen;
    user_pattern *patterns;
    size_t npatterns;
    pcre2_match_context *mctx;
    /* the label strings, made once and shared by the entities that have
     * them (jansson counts references atomically): the model's types,
     * then the lists' labels */
    json_t **label_json;
    size_t nlabel_json;
} instance;

typedef struct mention {
    uint32_t a, b;            /* token range */
    int16_t label;            /* < ENT_NTYPES: a model type; else user label + ENT_NTYPES */
    float score;
    uint32_t id;
    /* for grouping (group_mentions): the mention before it with the same
     * model type (-1: none; -2: a list's label), a hash of its text, and
     * one bit a token, by the token's bytes */
    int32_t prev;
    uint64_t h, sig;
} mention;

typedef struct worker {
    tp_text *text;
    tp_tokens toks;
    tp_sentences sents;
    ent_tok *et;
    int32_t *user;            /* token -> user mention index or -1 */
    size_t cap;
    float *em, *fwd;          /* of the document, for its second pass */
    uint8_t *pred;
    uint8_t *back;            /* of the document too: ENT_BACK bytes a token */
    float *bwd;               /* of a sentence */
    uint8_t *changed;
    ent_scratch es;
    size_t scap;
    ent_doc doc;
    mention *m;
    size_t nm, mcap;
    uint32_t *alias;          /* pairs: token index of an acronym in parentheses, entity id */
    size_t nalias, acap;
    uint32_t *gtab;           /* grouping: open addressing by text, mention index + 1 (0: empty) */
    size_t gcap;
    pcre2_match_data *md;
} worker;

static uint64_t key_step(uint64_t key, const char *s, size_t len)
{
    uint64_t h = entities_hash(s, len, 11);
    key ^= h + 0x9e3779b97f4a7c15ull + (key << 6) + (key >> 2);
    return key * 0xff51afd7ed558ccdull + 1;
}

static uint32_t pow2(size_t n)
{
    uint32_t c = 16;
    while (c < n)
        c <<= 1;
    return c;
}

/* ---- user lists ---- */

static int label_index(instance *in, const char *s, size_t len, tp_error *err, const char *where)
{
    size_t i;
    if (len == 0 || len >= MAX_LABEL)
        return tp_error_set(err, "lists", "%s: a label must have 1 to %d characters", where, MAX_LABEL - 1);
    for (i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return tp_error_set(err, "lists", "%s: a label has letters, digits, '_' and '-' only", where);
    for (i = 0; i < in->nlabels; i++)
        if (strlen(in->labels[i]) == len && memcmp(in->labels[i], s, len) == 0)
            return (int)i;
    if (in->nlabels >= 4096)
        return tp_error_set(err, "lists", "%s: too many labels", where);
    {
        void *p = realloc(in->labels, sizeof *in->labels * (in->nlabels + 1));
        if (p == NULL)
            return tp_error_set(err, "lists", "out of memory");
        in->labels = p;
    }
    memcpy(in->labels[in->nlabels], s, len);
    in->labels[in->nlabels][len] = '\0';
    return (int)in->nlabels++;
}

static int add_pattern(instance *in, const char *re, size_t len, int label, tp_error *err, const char *where)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, len, PCRE2_UTF, &code, &off, NULL);
    void *p;
    if (c == NULL) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        return tp_error_set(err, "lists", "%s: bad pattern at offset %zu: %s", where, (size_t)off, (char *)msg);
    }
    if (pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) != 0) {
        /* JIT may be unavailable on this machine: the interpreter still works */
    }
    p = realloc(in->patterns, sizeof *in->patterns * (in->npatterns + 1));
    if (p == NULL) {
        pcre2_code_free(c);
        return tp_error_set(err, "lists", "out of memory");
    }
    in->patterns = p;
    in->patterns[in->npatterns].code = c;
    in->patterns[in->npatterns].label = (uint16_t)label;
    in->npatterns++;
    return 0;
}

static int add_name(instance *in, const char *name, size_t len, int label, tp_error *err, const char *where,
                    tp_tokens *toks, size_t *cap)
{
    uint64_t key = 0;
    size_t i;
    if (tp_tokenize(toks, name, len) != 0)
        return tp_error_set(err, "lists", "out of memory");
    if (toks->n == 0)
        return tp_error_set(err, "lists", "%s: empty name", where);
    if (toks->n > USER_MAXLEN)
        return tp_error_set(err, "lists", "%s: a name has at most %d tokens", where, USER_MAXLEN);
    for (i = 0; i < toks->n; i++)
        key = key_step(key, name + toks->v[i].start, toks->v[i].end - toks->v[i].start);
    if (in->nnames == *cap) {
        void *p;
        *cap = *cap ? *cap * 2 : 64;
        p = realloc(in->names, sizeof *in->names * *cap);
        if (p == NULL)
            return tp_error_set(err, "lists", "out of memory");
        in->names = p;
    }
    in->names[in->nnames].key = key;
    in->names[in->nnames].ntok = (uint16_t)toks->n;
    in->names[in->nnames].label = (uint16_t)label;
    in->nnames++;
    if (toks->n > in->maxlen)
        in->maxlen = (unsigned)toks->n;
    return 0;
}

static int read_list(instance *in, const char *path, tp_error *err, tp_tokens *toks, size_t *cap)
{
    FILE *f = fopen(path, "rb");
    char line[4096], where[600];
    int lineno = 0, rc = 0;
    if (f == NULL)
        return tp_error_set(err, "lists", "cannot open list %s: %s", path, strerror(errno));
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        char *tab;
        int label;
        lineno++;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            rc = tp_error_set(err, "lists", "%s: line too long", where);
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        tab = strchr(line, '\t');
        if (tab == NULL || tab == line || strchr(tab + 1, '\t') != NULL) {
            rc = tp_error_set(err, "lists", "%s: expected NAME<TAB>LABEL or re:PATTERN<TAB>LABEL", where);
            break;
        }
        label = label_index(in, tab + 1, strlen(tab + 1), err, where);
        if (label < 0) {
            rc = -1;
            break;
        }
        if (strncmp(line, "re:", 3) == 0)
            rc = add_pattern(in, line + 3, (size_t)(tab - line - 3), label, err, where);
        else
            rc = add_name(in, line, (size_t)(tab - line), label, err, where, toks, cap);
    }
    fclose(f);
    return rc;
}

static int index_names(instance *in, tp_error *err)
{
    size_t i;
    uint32_t cap = pow2(in->nnames * 2 + 1);
    in->name_index = malloc(sizeof *in->name_index * cap);
    if (in->name_index == NULL)
        return tp_error_set(err, "lists", "out of memory");
    memset(in->name_index, 0xff, sizeof *in->name_index * cap);
    in->name_mask = cap - 1;
    for (i = 0; i < in->nnames; i++) {
        uint32_t j = (uint32_t)(in->names[i].key >> 17) & in->name_mask;
        while (in->name_index[j] != UINT32_MAX) {
            if (in->names[in->name_index[j]].key == in->names[i].key)
                break; /* a later line with the same name: the first wins */
            j = (j + 1) & in->name_mask;
        }
        if (in->name_index[j] == UINT32_MAX)
            in->name_index[j] = (uint32_t)i;
    }
    return 0;
}

static const user_name *find_name(const instance *in, uint64_t key)
{
    uint32_t j = (uint32_t)(key >> 17) & in->name_mask, k;
    while ((k = in->name_index[j]) != UINT32_MAX) {
        if (in->names[k].key == key)
            return &in->names[k];
        j = (j + 1) & in->name_mask;
    }
    return NULL;
}

/* ---- the stage ---- */

static void entities_destroy(void *p)
{
    instance *in = p;
    size_t i;
    if (in == NULL)
        return;
    entities_model_free(in->model);
    for (i = 0; i < in->nlabel_json; i++)
        json_decref(in->label_json[i]);
    free(in->label_json);
    for (i = 0; i < in->npatterns; i++)
        pcre2_code_free(in->patterns[i].code);
    free(in->patterns);
    pcre2_match_context_free(in->mctx);
    free(in->labels);
    free(in->names);
    free(in->name_index);
    free(in);
}

static int entities_create(void **out, const json_t *options, tp_error *err)
{
    instance *in = calloc(1, sizeof *in);
    const json_t *v;
    char msg[480];
    if (in == NULL)
        return tp_error_set(err, NULL, "out of memory");
    v = json_object_get(options, "model");
    if (json_is_string(v) && json_string_length(v) > 0) {
        in->model = entities_model_open_file(json_string_value(v), msg, sizeof msg);
        if (in->model == NULL) {
            entities_destroy(in);
            return tp_error_set(err, "model", "%s", msg);
        }
    } else {
        in->model = entities_model_open(entities_model_blob,
                                        (size_t)(entities_model_blob_end - entities_model_blob),
                                        msg, sizeof msg);
        if (in->model == NULL) {
            entities_destroy(in);
            return tp_error_set(err, "model", "built-in model: %s", msg);
        }
    }
    v = json_object_get(options, "min_score");
    in->min_score = json_is_number(v) ? json_number_value(v) : 0;
    in->mctx = pcre2_match_context_create(NULL);
    if (in->mctx == NULL) {
        entities_destroy(in);
        return tp_error_set(err, NULL, "out of memory");
    }
    pcre2_set_match_limit(in->mctx, 200000);
    pcre2_set_depth_limit(in->mctx, 2000);
    v = json_object_get(options, "lists");
    if (v != NULL) {
        tp_tokens toks = {0};
        size_t cap = 0, i;
        json_t *item;
        if (json_is_string(v)) {
            if (read_list(in, json_string_value(v), err, &toks, &cap) != 0)
                goto bad_lists;
        } else
            json_array_foreach(v, i, item) {
                if (!json_is_string(item) || read_list(in, json_string_value(item), err, &toks, &cap) != 0) {
                    if (!json_is_string(item))
                        tp_error_set(err, "lists", "lists must name files");
                    goto bad_lists;
                }
            }
        tp_tokens_free(&toks);
        if (index_names(in, err) != 0) {
            entities_destroy(in);
            return TP_ERROR;
        }
        goto lists_done;
bad_lists:
        tp_tokens_free(&toks);
        entities_destroy(in);
        return TP_ERROR;
    }
lists_done:
    in->label_json = calloc(ENT_NTYPES + in->nlabels, sizeof *in->label_json);
    if (in->label_json == NULL) {
        entities_destroy(in);
        return tp_error_set(err, NULL, "out of memory");
    }
    for (; in->nlabel_json < ENT_NTYPES + in->nlabels; in->nlabel_json++) {
        size_t k = in->nlabel_json;
        const char *label = k < ENT_NTYPES ? entities_type_names[k] : in->labels[k - ENT_NTYPES];
        if ((in->label_json[k] = json_string_nocheck(label)) == NULL) {
            entities_destroy(in);
            return tp_error_set(err, NULL, "out of memory");
        }
    }
    *out = in;
    return TP_OK;
}

static int entities_worker_init(void **out, void *inst, tp_error *err)
{
    worker *w = calloc(1, sizeof *w);
    (void)inst;
    if (w == NULL || (w->text = tp_text_new()) == NULL ||
        (w->md = pcre2_match_data_create(1, NULL)) == NULL) {
        if (w != NULL)
            tp_text_free(w->text);
        free(w);
        return tp_error_set(err, NULL, "out of memory");
    }
    entities_doc_init(&w->doc);
    *out = w;
    return TP_OK;
}

static void entities_worker_fini(void *inst, void *p)
{
    worker *w = p;
    (void)inst;
    if (w == NULL)
        return;
    tp_text_free(w->text);
    tp_tokens_free(&w->toks);
    tp_sentences_free(&w->sents);
    free(w->et);
    free(w->user);
    free(w->em);
    free(w->fwd);
    free(w->bwd);
    free(w->back);
    free(w->changed);
    free(w->pred);
    entities_scratch_free(&w->es);
    free(w->m);
    free(w->alias);
    free(w->gtab);
    entities_doc_free(&w->doc);
    pcre2_match_data_free(w->md);
    free(w);
}

static int grow(void **p, size_t n, size_t size)
{
    void *q = realloc(*p, n * size);
    if (q == NULL)
        return -1;
    *p = q;
    return 0;
}

static int fit_tokens(worker *w, size_t n)
{
    if (n <= w->cap)
        return 0;
    n = n * 3 / 2 + 16;
    if (grow((void **)&w->et, n, sizeof *w->et) || grow((void **)&w->user, n, sizeof *w->user) ||
        grow((void **)&w->em, n, sizeof(float) * ENT_NL) || grow((void **)&w->fwd, n, sizeof(float) * ENT_NL) ||
        grow((void **)&w->pred, n, 1) || grow((void **)&w->back, n, ENT_BACK))
        return -1;
    w->cap = n;
    return 0;
}

static int fit_sentence(worker *w, size_t n)
{
    if (n <= w->scap)
        return 0;
    n = n * 3 / 2 + 16;
    if (grow((void **)&w->bwd, n, sizeof(float) * ENT_NL) || grow((void **)&w->changed, n, 1) ||
        entities_scratch_fit(&w->es, n) != 0)
        return -1;
    w->scap = n;
    return 0;
}

static int add_mention(worker *w, uint32_t a, uint32_t b, int label, float score)
{
    if (w->nm == w->mcap) {
        size_t c = w->mcap ? w->mcap * 2 : 64;
        if (grow((void **)&w->m, c, sizeof *w->m))
            return -1;
        w->mcap = c;
    }
    w->m[w->nm].a = a;
    w->m[w->nm].b = b;
    w->m[w->nm].label = (int16_t)label;
    w->m[w->nm].score = score;
    w->m[w->nm].id = 0;
    w->nm++;
    return 0;
}

/* Mark the tokens the user's names and patterns cover; longest name first. */
static int match_user(const instance *in, worker *w, const char *text, size_t len)
{
    size_t n = w->toks.n, i, p;
    for (i = 0; i < n; i++)
        w->user[i] = -1;
    if (in->nnames > 0) {
        for (i = 0; i < n;) {
            uint64_t key = 0;
            size_t l, best = 0;
            int label = 0;
            for (l = 1; l <= in->maxlen && i + l <= n; l++) {
                const tp_token *t = &w->toks.v[i + l - 1];
                const user_name *u;
                key = key_step(key, text + t->start, t->end - t->start);
                u = find_name(in, key);
                if (u != NULL && u->ntok == l) {
                    best = l;
                    label = u->label;
                }
            }
            if (best == 0) {
                i++;
                continue;
            }
            for (l = 0; l < best; l++)
                w->user[i + l] = (int32_t)w->nm;
            if (add_mention(w, (uint32_t)i, (uint32_t)(i + best), ENT_NTYPES + label, 1.0f))
                return -1;
            i += best;
        }
    }
    for (p = 0; p < in->npatterns; p++) {
        PCRE2_SIZE start = 0;
        while (start <= len) {
            int rc = pcre2_match(in->patterns[p].code, (PCRE2_SPTR)text, len, start,
                                 PCRE2_NO_UTF_CHECK, w->md, in->mctx);
            PCRE2_SIZE *ov;
            size_t a, b, k;
            int free_span = 1;
            if (rc < 0)
                break;
            ov = pcre2_get_ovector_pointer(w->md);
            /* the tokens inside the match */
            for (a = 0; a < n && w->toks.v[a].start < ov[0]; a++)
                ;
            for (b = a; b < n && w->toks.v[b].end <= ov[1]; b++)
                ;
            for (k = a; k < b; k++)
                if (w->user[k] >= 0)
                    free_span = 0;
            if (b > a && free_span) {
                for (k = a; k < b; k++)
                    w->user[k] = (int32_t)w->nm;
                if (add_mention(w, (uint32_t)a, (uint32_t)b, ENT_NTYPES + in->patterns[p].label, 1.0f))
                    return -1;
            }
            start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
            while (start < len && ((unsigned char)text[start] & 0xc0) == 0x80)
                start++;
        }
    }
    return 0;
}

static int cmp_mention(const void *a, const void *b)
{
    const mention *x = a, *y = b;
    return x->a < y->a ? -1 : x->a > y->a;
}

static int is_upper_word(const char *s, size_t len)
{
    size_t i, letters = 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            return 0;
        if (c >= 'A' && c <= 'Z')
            letters++;
    }
    return letters >= 2;
}

static int tok_eq(const worker *w, const char *text, size_t i, const char *s)
{
    const tp_token *t = &w->toks.v[i];
    return t->end - t->start == strlen(s) && memcmp(text + t->start, s, t->end - t->start) == 0;
}

/* Does acronym s match the initials of the capitalised words of mention m? */
static int initials_match(const worker *w, const char *text, const mention *m, const char *s, size_t len)
{
    size_t i, k = 0;
    for (i = m->a; i < m->b; i++) {
        const tp_token *t = &w->toks.v[i];
        unsigned char c = (unsigned char)text[t->start];
        if (!(c >= 'A' && c <= 'Z'))
            continue;
        while (k < len && !isalpha((unsigned char)s[k]))
            k++;
        if (k >= len || toupper((unsigned char)s[k]) != c)
            return 0;
        k++;
    }
    while (k < len && !isalpha((unsigned char)s[k]))
        k++;
    return k == len && m->b - m->a >= 2;
}

static int same_text(const worker *w, const char *text, const mention *x, const mention *y)
{
    size_t xs = w->toks.v[x->a].start, xe = w->toks.v[x->b - 1].end;
    size_t ys = w->toks.v[y->a].start, ye = w->toks.v[y->b - 1].end;
    return xe - xs == ye - ys && memcmp(text + xs, text + ys, xe - xs) == 0;
}

/* Are all tokens of y among the tokens of the longer x? */
static int tokens_within(const worker *w, const char *text, const mention *x, const mention *y)
{
    size_t i, j;
    if (y->b - y->a >= x->b - x->a)
        return 0;
    for (i = y->a; i < y->b; i++) {
        const tp_token *t = &w->toks.v[i];
        int found = 0;
        unsigned char c = (unsigned char)text[t->start];
        if (!(c >= 'A' && c <= 'Z') && c < 0x80)
            return 0;
        for (j = x->a; j < x->b && !found; j++) {
            const tp_token *u = &w->toks.v[j];
            found = u->end - u->start == t->end - t->start &&
                    memcmp(text + u->start, text + t->start, t->end - t->start) == 0;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* Is the shorter y the first or the last tokens of x, as written? ("Vantor" of
 * "Vantor Corp", "Lijian" of "Zhao Lijian") */
static int tokens_lead_or_trail(const worker *w, const char *text, const mention *x, const mention *y)
{
    size_t n = y->b - y->a, ys, ye, xs, xe;
    if (n >= x->b - x->a)
        return 0;
    ys = w->toks.v[y->a].start;
    ye = w->toks.v[y->b - 1].end;
    xs = w->toks.v[x->a].start;
    xe = w->toks.v[x->a + n - 1].end;
    if (xe - xs == ye - ys && memcmp(text + xs, text + ys, ye - ys) == 0)
        return 1;
    xs = w->toks.v[x->b - n].start;
    xe = w->toks.v[x->b - 1].end;
    return xe - xs == ye - ys && memcmp(text + xs, text + ys, ye - ys) == 0;
}

static int tok_same(const worker *w, const char *text, size_t i, const mention *m)
{
    const tp_token *t = &w->toks.v[i];
    size_t ms = w->toks.v[m->a].start, me = w->toks.v[m->b - 1].end;
    return t->end - t->start == me - ms && memcmp(text + t->start, text + ms, me - ms) == 0;
}

/* Give each mention an entity_id: the same for the mentions of one entity.
 * As first written, comparing each mention with every earlier one: the
 * tests hold group_mentions() to it. */
static __attribute__((unused)) int group_mentions_plain(worker *w, const char *text)
{
    size_t i, j;
    uint32_t next = 1;
    w->nalias = 0;
    for (i = 0; i < w->nm; i++) {
        mention *m = &w->m[i];
        size_t ms = w->toks.v[m->a].start, me = w->toks.v[m->b - 1].end;
        m->id = 0;
        /* an acronym in parentheses right after a mention: (CNCERT/CC) */
        if (i > 0 && m->a >= 1 && w->m[i - 1].b + 1 == m->a && tok_eq(w, text, m->a - 1, "(") &&
            m->b < w->toks.n && tok_eq(w, text, m->b, ")") && m->b - m->a == 1)
            m->id = w->m[i - 1].id;
        for (j = i; j-- > 0 && m->id == 0;) {
            const mention *o = &w->m[j];
            if (same_text(w, text, o, m))
                m->id = o->id;
        }
        for (j = i; j-- > 0 && m->id == 0;) {
            const mention *o = &w->m[j];
            /* an earlier acronym introduced in parentheses */
            if (o->b - o->a == 1 && j > 0 && w->m[j - 1].id == o->id && o->a >= 1 &&
                tok_eq(w, text, o->a - 1, "(") && same_text(w, text, o, m))
                m->id = o->id;
            else if (m->b - m->a == 1 && is_upper_word(text + ms, me - ms) &&
                     initials_match(w, text, o, text + ms, me - ms))
                m->id = o->id;
            else if (o->label == m->label && tokens_within(w, text, o, m))
                m->id = o->id;
        }
        /* a longer mention whose first or last tokens are an earlier mention
         * of the same label: "Vantor" ... "Vantor Corp" */
        for (j = i; j-- > 0 && m->id == 0;) {
            const mention *o = &w->m[j];
            if (o->label == m->label && tokens_lead_or_trail(w, text, m, o))
                m->id = o->id;
        }
        for (j = 0; j < w->nalias && m->id == 0; j++)
            if (tok_same(w, text, w->alias[2 * j], m))
                m->id = w->alias[2 * j + 1];
        if (m->id == 0)
            m->id = next++;
        /* a name followed by an acronym in parentheses that is not tagged */
        if (m->b + 2 < w->toks.n && tok_eq(w, text, m->b, "(") && tok_eq(w, text, m->b + 2, ")") &&
            (i + 1 >= w->nm || w->m[i + 1].a != m->b + 1)) {
            const tp_token *t = &w->toks.v[m->b + 1];
            if (is_upper_word(text + t->start, t->end - t->start)) {
                if (w->nalias == w->acap) {
                    size_t c = w->acap ? w->acap * 2 : 16;
                    if (grow((void **)&w->alias, c, 2 * sizeof *w->alias))
                        return -1;
                    w->acap = c;
                }
                w->alias[2 * w->nalias] = m->b + 1;
                w->alias[2 * w->nalias + 1] = m->id;
                w->nalias++;
            }
        }
    }
    return 0;
}

static int add_alias(worker *w, uint32_t tok, uint32_t id)
{
    if (w->nalias == w->acap) {
        size_t c = w->acap ? w->acap * 2 : 16;
        if (grow((void **)&w->alias, c, 2 * sizeof *w->alias))
            return -1;
        w->acap = c;
    }
    w->alias[2 * w->nalias] = tok;
    w->alias[2 * w->nalias + 1] = id;
    w->nalias++;
    return 0;
}

/* The same ids as group_mentions_plain(), for less:
 * - the latest earlier mention with the same text comes from a table of
 *   the document's texts (the latest mention of each), not a scan;
 * - an earlier acronym introduced in parentheses with the same text is
 *   not looked for again: a mention with the text of any earlier one has
 *   its id from it already (every earlier mention has an id);
 * - before comparing tokens, one bit a token (by its bytes) of each
 *   mention: when some bit of the shorter is not among the longer's bits,
 *   some token of it is not among the longer's tokens; an earlier mention
 *   that leads or trails a longer one begins with its first byte or ends
 *   with its last;
 * - mentions already in text order (the model's always are) are not
 *   sorted again (no two mentions start at the same token). */
static int group_mentions(worker *w, const char *text)
{
    size_t i, j, mask;
    uint32_t next = 1;
    int32_t last[ENT_NTYPES] = {-1, -1, -1, -1}, jj;
    const tp_token *tv = w->toks.v;
    w->nalias = 0;
    if (w->nm == 0)
        return 0;
    for (mask = 16; mask < w->nm * 2; mask <<= 1)
        ;
    if (mask > w->gcap) {
        free(w->gtab);
        w->gtab = malloc(mask * sizeof *w->gtab);
        if (w->gtab == NULL) {
            w->gcap = 0;
            return -1;
        }
        w->gcap = mask;
    }
    memset(w->gtab, 0, mask * sizeof *w->gtab);
    mask--;
    for (i = 0; i < w->nm; i++) {
        mention *m = &w->m[i];
        size_t ms = tv[m->a].start, me = tv[m->b - 1].end, k;
        if (m->label >= 0 && m->label < ENT_NTYPES) {
            m->prev = last[m->label];
            last[m->label] = (int32_t)i;
        } else {
            m->prev = -2;
        }
        m->h = word_key(text + ms, me - ms, 9, 0);
        m->sig = 0;
        for (k = m->a; k < m->b; k++)
            m->sig |= 1ull << (word_key(text + tv[k].start, tv[k].end - tv[k].start, 5, 0) >> 58);
    }
    for (i = 0; i < w->nm; i++) {
        mention *m = &w->m[i];
        size_t ms = tv[m->a].start, me = tv[m->b - 1].end, slot = (size_t)(m->h >> 20) & mask, found = 0;
        uint32_t n = m->b - m->a, e;
        m->id = 0;
        /* an acronym in parentheses right after a mention: (CNCERT/CC) */
        if (i > 0 && m->a >= 1 && w->m[i - 1].b + 1 == m->a && tok_eq(w, text, m->a - 1, "(") &&
            m->b < w->toks.n && tok_eq(w, text, m->b, ")") && n == 1)
            m->id = w->m[i - 1].id;
        /* the latest earlier mention with the same text (its slot is also
         * where this one goes) */
        while ((e = w->gtab[slot]) != 0) {
            const mention *o = &w->m[e - 1];
            if (o->h == m->h && same_text(w, text, o, m)) {
                found = 1;
                break;
            }
            slot = (slot + 1) & mask;
        }
        if (found && m->id == 0)
            m->id = w->m[e - 1].id;
        if (m->id == 0) {
            int acro = n == 1 && is_upper_word(text + ms, me - ms);
            if (acro || m->prev == -2) {
                for (j = i; j-- > 0;) {
                    const mention *o = &w->m[j];
                    if ((acro && initials_match(w, text, o, text + ms, me - ms)) ||
                        (o->label == m->label && o->b - o->a > n && (m->sig & ~o->sig) == 0 &&
                         tokens_within(w, text, o, m))) {
                        m->id = o->id;
                        break;
                    }
                }
            } else {
                /* (only mentions of its type can match: those alone, by
                 * the chain of them, in the same order) */
                for (jj = m->prev; jj >= 0; jj = w->m[jj].prev) {
                    const mention *o = &w->m[jj];
                    if (o->b - o->a > n && (m->sig & ~o->sig) == 0 && tokens_within(w, text, o, m)) {
                        m->id = o->id;
                        break;
                    }
                }
            }
        }
        /* a longer mention whose first or last tokens are an earlier mention
         * of the same label: "Vantor" ... "Vantor Corp" (of a model type:
         * by the chain of that type's mentions) */
        if (m->id == 0 && n > 1)
            for (jj = m->prev == -2 ? (int32_t)i - 1 : m->prev; jj >= 0;
                 jj = m->prev == -2 ? jj - 1 : w->m[jj].prev) {
                const mention *o = &w->m[jj];
                size_t os, oe;
                if (o->label != m->label || o->b - o->a >= n)
                    continue;
                os = tv[o->a].start;
                oe = tv[o->b - 1].end;
                if ((text[os] == text[ms] || text[oe - 1] == text[me - 1]) &&
                    tokens_lead_or_trail(w, text, m, o)) {
                    m->id = o->id;
                    break;
                }
            }
        for (j = 0; j < w->nalias && m->id == 0; j++)
            if (tok_same(w, text, w->alias[2 * j], m))
                m->id = w->alias[2 * j + 1];
        if (m->id == 0)
            m->id = next++;
        w->gtab[slot] = (uint32_t)i + 1;
        /* a name followed by an acronym in parentheses that is not tagged */
        if (m->b + 2 < w->toks.n && tok_eq(w, text, m->b, "(") && tok_eq(w, text, m->b + 2, ")") &&
            (i + 1 >= w->nm || w->m[i + 1].a != m->b + 1)) {
            const tp_token *t = &tv[m->b + 1];
            if (is_upper_word(text + t->start, t->end - t->start) && add_alias(w, m->b + 1, m->id) != 0)
                return -1;
        }
    }
    return 0;
}

/* Whether the mentions are in text order. */
static int mentions_sorted(const worker *w)
{
    size_t i;
    for (i = 1; i < w->nm; i++)
        if (w->m[i - 1].a >= w->m[i].a)
            return 0;
    return 1;
}

static int entities_process(void *inst, void *wp, json_t *record, tp_error *err)
{
    const instance *in = inst;
    worker *w = wp;
    const char *text;
    size_t len, s, i;
    json_t *arr;
    const ent_dec *dec = entities_model_dec(in->model);
    float sscale = entities_model_score_scale(in->model);

    if (tp_text_load(w->text, record) != 0)
        return tp_error_set(err, NULL, "record has no string \"text\" (or a bad offset_map)");
    text = tp_text_bytes(w->text);
    len = tp_text_len(w->text);
    if (tp_tokenize(&w->toks, text, len) != 0 || tp_split_sentences(&w->sents, &w->toks, text, len) != 0 ||
        fit_tokens(w, w->toks.n + 1) != 0 || entities_doc_reset(&w->doc, w->toks.n) != 0)
        return tp_error_set(err, NULL, "out of memory");
    for (i = 0; i < w->toks.n; i++) {
        w->et[i].s = text + w->toks.v[i].start;
        w->et[i].len = w->toks.v[i].end - w->toks.v[i].start;
    }
    w->nm = 0;
    if (match_user(in, w, text, len) != 0)
        return tp_error_set(err, NULL, "out of memory");
    if (entities_doc_tokens(&w->doc, w->et, w->toks.n) != 0)
        return tp_error_set(err, NULL, "out of memory");
    for (s = 0; s < w->sents.n; s++)
        entities_doc_add_sentence(&w->doc, w->et + w->sents.v[s].tok_start,
                                  w->sents.v[s].tok_end - w->sents.v[s].tok_start);
    /* the first pass: each sentence with what the sentences before it said
     * of its words */
    for (s = 0; s < w->sents.n; s++) {
        size_t a = w->sents.v[s].tok_start, n = w->sents.v[s].tok_end - a;
        if (n == 0)
            continue;
        if (fit_sentence(w, n) != 0)
            return tp_error_set(err, NULL, "out of memory");
        entities_model_emissions(in->model, &w->doc, w->et + a, n, &w->es, w->em + a * ENT_NL);
        entities_decode(dec, w->em + a * ENT_NL, n, w->back + a * ENT_BACK, w->fwd + a * ENT_NL, w->pred + a);
        entities_doc_add_labels(&w->doc, w->et + a, n, w->pred + a);
    }
    /* the second: again where the first pass tagged other mentions of a
     * capitalised word of the sentence, then the entities and their scores */
    for (s = 0; s < w->sents.n; s++) {
        size_t a = w->sents.v[s].tok_start, n = w->sents.v[s].tok_end - a, k;
        int any = 0, marg = 0;
        float *em = w->em + a * ENT_NL, *fwd = w->fwd + a * ENT_NL;
        uint8_t *pred = w->pred + a;
        if (n == 0)
            continue;
        /* (decoded again where that changed anything) */
        if (entities_model_second(in->model, &w->doc, w->et + a, n, pred, em, w->changed))
            entities_decode_again(dec, em, n, w->changed, w->back + a * ENT_BACK, fwd, pred);
        for (k = 0; k < n; k++)
            any |= pred[k];
        if (!any)
            continue;
        for (k = 0; k < n;) {
            size_t e = k + 1, t;
            int lab = pred[k], ok = 1;
            float margin, score;
            if (lab == 0) {
                k++;
                continue;
            }
            if (ENT_K(lab) == ENT_B)
                while (e < n && pred[e] != 0 && ENT_K(pred[e - 1]) != ENT_L)
                    e++;
            for (t = k; t < e; t++)
                if (w->user[a + t] >= 0)
                    ok = 0;
            if (ok) {
                if (!marg) {
                    /* the backward scores of the first entity scored
                     * and after it: the later ones need no more */
                    entities_marginals(dec, em, n, k, w->bwd);
                    marg = 1;
                }
                margin = entities_margin(fwd, w->bwd, pred, k, e);
                score = 1.0f / (1.0f + expf(-margin / sscale));
                if (score >= in->min_score &&
                    add_mention(w, (uint32_t)(a + k), (uint32_t)(a + e), ENT_TYPE(lab), score) != 0)
                    return tp_error_set(err, NULL, "out of memory");
            }
            k = e;
        }
    }
    if (w->nm > 1 && !mentions_sorted(w))
        qsort(w->m, w->nm, sizeof *w->m, cmp_mention);
    if (group_mentions(w, text) != 0)
        return tp_error_set(err, NULL, "out of memory");
    arr = tp_record_array(record, "entities");
    if (arr == NULL)
        return tp_error_set(err, NULL, "out of memory");
    json_array_clear(arr);
    for (i = 0; i < w->nm; i++) {
        const mention *m = &w->m[i];
        json_t *span = tp_span_new(w->text, w->toks.v[m->a].start, w->toks.v[m->b - 1].end);
        /* (keys and labels are ASCII: labels are checked when the lists are
         * read; keys with their lengths, so that jansson need not measure
         * them) */
        if (span == NULL ||
            json_object_setn_new_nocheck(span, "label", 5, json_incref(in->label_json[m->label])) != 0 ||
            json_object_setn_new_nocheck(span, "score", 5,
                                         json_real(floor(m->score * 10000.0 + 0.5) / 10000.0)) != 0 ||
            json_object_setn_new_nocheck(span, "entity_id", 9, json_integer((json_int_t)m->id)) != 0 ||
            json_array_append_new(arr, span) != 0)
            return tp_error_set(err, NULL, "out of memory");
    }
    return TP_OK;
}

static const tp_option_spec entities_options[] = {
    {"model", TP_OPT_STRING, NULL,
     "model file made by textpipe-train (default: the built-in model)", NULL, 0, 0, 0},
    {"lists", TP_OPT_LIST, NULL,
     "files of NAME<TAB>LABEL or re:PATTERN<TAB>LABEL lines, matched before the model and winning over it",
     NULL, 0, 0, 0},
    {"min_score", TP_OPT_REAL, "0", "drop model entities whose score is below this", NULL, 0, 1, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0},
};

static const char *const entities_reads[] = {"text", NULL};
static const char *const entities_writes[] = {"entities", NULL};

static const tp_plugin descriptor = {
    TP_PLUGIN_ABI,
    .name = "entities",
    .version = "1.0",
    .description = "named entities (PER, ORG, LOC, MISC) by a trained tagger and user lists",
    .options = entities_options,
    .reads = entities_reads,
    .writes = entities_writes,
    .create = entities_create,
    .worker_init = entities_worker_init,
    .process = entities_process,
    .worker_fini = entities_worker_fini,
    .destroy = entities_destroy,
};

TEXTPIPE_PLUGIN(entities)
{
    return &descriptor;
}
