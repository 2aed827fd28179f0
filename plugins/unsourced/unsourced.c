/* unsourced: which claims carry a source, a vague one, or none.
 *
 * Reads `text`, `sentences`, `numbers` and `entities`; writes
 * `attributions` (cue, source, content, quality, kind) and `claims` (one per
 * sentence that asserts something checkable, with its status and reasons).
 * Attributions are found by scanning the words of each sentence against word
 * lists compiled into the plugin (data/ (cues, weasels, lexicon)) and extendable by options.
 * A small sequence model (unsourced_tag.h, data/model.bin) then checks and
 * completes them.  See README.md. */
#include <stdlib.h>
#include <string.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"
#include "unsourced_lex.h"
#include "unsourced_tag.h"

/* The built-in lists, made by bin2c and turned static by the rules in
 * local.mk (a preloaded module may export nothing but its entry). */
#include "plugins/unsourced/unsourced_cues.inc"
#include "plugins/unsourced/unsourced_weasels.inc"
#include "plugins/unsourced/unsourced_lexicon.inc"

/* The built-in attribution model (data/model.bin), linked in as it is.
 * The generated header names it (and changes when it does). */
#ifndef US_NO_BUILTIN_MODEL
#include "plugins/unsourced/unsourced_model.h"
__asm__(".section .rodata\n"
        ".balign 64\n"
        "unsourced_model_blob:\n"
        ".incbin \"" UNSOURCED_MODEL_PATH "\"\n"
        "unsourced_model_blob_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const unsigned char unsourced_model_blob[] __attribute__((visibility("hidden")));
extern const unsigned char unsourced_model_blob_end[] __attribute__((visibility("hidden")));
#endif

/* Keys of literal strings with their length known (no strlen in jansson),
 * where jansson has the calls (2.14). */
#if defined(JANSSON_VERSION_HEX) && JANSSON_VERSION_HEX >= 0x020e00
#define US_SET_NEW(o, k, v) json_object_setn_new_nocheck((o), (k), sizeof(k) - 1, (v))
#define US_GET(o, k) json_object_getn((o), (k), sizeof(k) - 1)
#else
#define US_SET_NEW(o, k, v) json_object_set_new_nocheck((o), (k), (v))
#define US_GET(o, k) json_object_get((o), (k))
#endif
#define US_SET(o, k, v) US_SET_NEW((o), (k), json_incref(v))

#define US_NP_MAX 12     /* words in a source */
#define US_QUOTE_GAP 3   /* punctuation between a quotation and its source */
#define US_CONTENT_MAX 160 /* tokens of indirect content */
/* The tags claims look at (phrases with other tags need no early look). */
#define US_TAG_GATE (US_CUE | US_WEAK | US_NOUN | US_STMT | US_TAGGER)
#define US_REASON_TAGS (US_NUMWORD | US_SUPERL | US_COMPAR | US_CAUSE | US_ACCUSE | US_EVENT | US_NOTEVENT)

enum { Q_NAMED = 3, Q_VAGUE = 2, Q_NONE = 1 };
enum { K_DIRECT = 1, K_INDIRECT, K_ACCORDING, K_HEADLINE };
enum { L_NONE = 0, L_PER, L_ORG, L_LOC, L_MISC };
enum {
    R_NUMBER = 1u << 0, R_SUPERL = 1u << 1, R_COMPAR = 1u << 2,
    R_ACCUSE = 1u << 3, R_CAUSE = 1u << 4, R_EVENT = 1u << 5
};

static const char *const us_quality_names[] = {"", "none", "vague", "named"};
static const char *const us_kind_names[] = {"", "direct", "indirect", "according_to", "headline"};
static const char *const us_label_names[] = {"", "PER", "ORG", "LOC", "MISC"};
static const char *const us_reason_names[] = {"number", "superlative", "comparison",
                                              "accusation", "cause", "event"};

typedef struct us_instance {
    us_lexicon lex;
    us_model model;
    int tagger;      /* 0: rules only; 1: rules checked and completed by the model */
    int train_only;  /* the trainer: keep the tagger's per-token facts, no model */
    int train_gated; /* ... of the sentences the tagger looks at only (us_tag_window) */
    int plain_rules; /* tests only: the rule scans visit every token, not the starts */
    int fresh_ints;  /* tests only: every integer of the output made anew (us_int) */
    uint8_t *estart; /* per lexicon entry: US_S_* (us_entry_starts) */
} us_instance;

/* Constant strings (kinds, qualities, statuses, reasons, entity labels),
 * shared by every record a worker writes.  Each worker
 * has its own: jansson counts references with atomic operations, and
 * workers on other cores counting the same strings would pass their
 * cache lines back and forth on every record. */
typedef struct us_strings {
    json_t *quality[4], *kind[5], *reason[6], *status[4], *label[5];
} us_strings;

typedef struct us_sent {
    uint32_t ts, te;  /* tokens */
    uint32_t bs, be;  /* bytes */
    int para;
    int headline;
    int tag;          /* the tagger looks at it (us_tag_window) */
    uint32_t wa, wb;  /* the tokens it tags (us_tag_window) */
} us_sent;

typedef struct us_quote {
    uint32_t a, b;  /* opening and closing mark (tokens) */
    int32_t head;   /* first region of its chain (a quotation over paragraphs) */
    int32_t tail;   /* last region of its chain */
    int32_t attr;   /* attribution that owns it, or -1 */
} us_quote;

typedef struct us_ent {
    uint32_t bs, be;
    int label;
    json_t *id; /* borrowed from the record */
} us_ent;

typedef struct us_attr {
    int kind, quality;
    uint32_t cue0, cue1;     /* tokens, end exclusive */
    int32_t src0, src1;      /* tokens, or -1 */
    uint32_t con0, con1;     /* content tokens, end exclusive; con0 == con1: none */
    int sent;                /* sentence of the cue */
    int source_last;         /* "..., X said." */
    int label;
    json_t *entity_id;       /* borrowed */
    int32_t res_attr;        /* source resolved to this attribution's source */
    int32_t res_ent;         /* ... or to this entity */
    int32_t parent;          /* a continued quotation: the attribution it continues */
} us_attr;

typedef struct us_worker {
    tp_text *t;
    us_strings str;
    us_toks toks;
    us_sent *sents;
    size_t n_sents, cap_sents;
    us_quote *quotes;
    size_t n_quotes, cap_quotes;
    us_ent *ents;
    size_t n_ents, cap_ents;
    us_attr *attrs;
    size_t n_attrs, cap_attrs;
    int32_t *tok_sent;   /* per token */
    int32_t *q_open;     /* per token: region whose opening mark it is */
    int32_t *q_close;    /* per token: region whose closing mark it is */
    uint32_t *ptags;     /* per token: tags of phrases starting there */
    /* Where a rule can start, in token order (us_rule_starts): tokens that
     * can open an attribution (a colon, a word that begins a cue, "in"),
     * tokens that can give a claim a reason, and the quotation marks and
     * tokens after a line break (us_find_quotes). */
    uint32_t *a_start, *r_start, *q_start;
    size_t n_a_start, n_r_start, n_q_start;
    size_t cap_tok;
    uint32_t *num_at;    /* per sentence: numbers from the record */
    int32_t *best;       /* per sentence: best attribution covering it */
    int32_t *order;
    size_t cap_sent_arrays, cap_best, cap_order;
    json_t **srcs;       /* per attribution: its source as written */
    size_t cap_srcs;
    /* the tagger */
    us_tokinfo *ti;      /* per token */
    uint8_t *tlab;       /* per token: its label */
    size_t cap_ti;
    uint64_t *F;         /* per token of a sentence: features */
    uint32_t *near;
    float *em;
    uint8_t *back;
    int16_t *acc;        /* per token of a sentence: integer scores (us_emissions_body) */
    size_t cap_sent_tok;
    us_wentry *wc;       /* the model's word cache (us_model_emissions_fast) */
    int32_t *remap;      /* per attribution */
    size_t cap_remap;
} us_worker;

#define US_GROW(ptr, n, cap, want)                                           \
    do {                                                                     \
        if ((want) > (cap)) {                                                \
            size_t nc_ = (cap) ? (cap) : 64;                                 \
            void *np_;                                                       \
            while (nc_ < (want))                                             \
                nc_ *= 2;                                                    \
            np_ = realloc((ptr), nc_ * sizeof *(ptr));                       \
            if (np_ == NULL)                                                 \
                goto oom;                                                    \
            (ptr) = np_;                                                     \
            (cap) = nc_;                                                     \
        }                                                                    \
        (void)(n);                                                           \
    } while (0)

/* Room for exactly cap elements in ptr; jumps to oom when out of memory,
 * ptr unchanged. */
#define US_RESIZE(ptr, cap)                                                  \
    do {                                                                     \
        void *np_ = realloc((ptr), (cap) * sizeof *(ptr));                   \
        if (np_ == NULL)                                                     \
            goto oom;                                                        \
        (ptr) = np_;                                                         \
    } while (0)

/* ---- options and creation ---- */

static const tp_option_spec us_options[] = {
    {"cue_lists", TP_OPT_LIST, NULL,
     "extra files of cue phrases, in the format of data/cues.txt", NULL, 0, 0, 0},
    {"weasel_lists", TP_OPT_LIST, NULL,
     "extra files of vague sources, in the format of data/weasels.txt", NULL, 0, 0, 0},
    {"lexicon_lists", TP_OPT_LIST, NULL,
     "extra files of word classes, in the format of data/lexicon.txt", NULL, 0, 0, 0},
    {"model", TP_OPT_STRING, NULL,
     "attribution model file made by textpipe-unsourced-train (default: the built-in model)", NULL, 0, 0, 0},
    {"tagger", TP_OPT_BOOL, "true",
     "check and complete the rules' cues and sources with the model (false: rules only)", NULL, 0, 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0}};

static const char *const us_reads[] = {"sentences", "numbers", "entities", NULL};
static const char *const us_writes[] = {"attributions", "claims", NULL};

static int us_load_file(us_lexicon *lx, const char *path, const char *option, tp_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, msg[400];
    size_t n = 0, cap = 0;
    int rc;
    if (f == NULL)
        return tp_error_set(err, option, "cannot open %s", path);
    for (;;) {
        size_t got;
        if (n + 4096 > cap) {
            char *nb;
            cap = cap ? cap * 2 : 8192;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return tp_error_set(err, option, "out of memory reading %s", path);
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return tp_error_set(err, option, "cannot read %s", path);
    }
    fclose(f);
    rc = unsourced_lex_load(lx, buf, n, path, msg, sizeof msg);
    free(buf);
    if (rc != 0)
        return tp_error_set(err, option, "%s", msg);
    return TP_OK;
}

static int us_load_option(us_lexicon *lx, const json_t *options, const char *name, tp_error *err)
{
    const json_t *v = options ? json_object_get(options, name) : NULL;
    size_t i;
    if (v == NULL || json_is_null(v))
        return TP_OK;
    if (json_is_string(v))
        return us_load_file(lx, json_string_value(v), name, err);
    if (!json_is_array(v))
        return tp_error_set(err, name, "expected a list of file names");
    for (i = 0; i < json_array_size(v); i++) {
        const json_t *e = json_array_get(v, i);
        if (!json_is_string(e))
            return tp_error_set(err, name, "expected a list of file names");
        if (us_load_file(lx, json_string_value(e), name, err) != TP_OK)
            return TP_ERROR;
    }
    return TP_OK;
}

static void us_strings_free(us_strings *st)
{
    size_t k;
    for (k = 0; k < 4; k++) {
        json_decref(st->quality[k]);
        json_decref(st->status[k]);
    }
    for (k = 0; k < 5; k++)
        json_decref(st->kind[k]);
    for (k = 0; k < 6; k++)
        json_decref(st->reason[k]);
    for (k = 0; k < 5; k++)
        json_decref(st->label[k]);
    memset(st, 0, sizeof *st);
}

/* 0, or -1 out of memory (nothing kept). */
static int us_strings_new(us_strings *st)
{
    static const char *const status[] = {"", "unsourced", "vague", "attributed"};
    size_t k;
    int bad = 0;
    for (k = 0; k < 4; k++) {
        bad |= (st->quality[k] = json_string(us_quality_names[k])) == NULL;
        bad |= (st->status[k] = json_string(status[k])) == NULL;
    }
    for (k = 0; k < 5; k++)
        bad |= (st->kind[k] = json_string(us_kind_names[k])) == NULL;
    for (k = 0; k < 6; k++)
        bad |= (st->reason[k] = json_string(us_reason_names[k])) == NULL;
    for (k = 0; k < 5; k++)
        bad |= (st->label[k] = json_string(us_label_names[k])) == NULL;
    if (bad) {
        us_strings_free(st);
        return -1;
    }
    return 0;
}

static void us_destroy(void *instance)
{
    us_instance *in = instance;
    if (in == NULL)
        return;
    unsourced_lex_free(&in->lex);
    us_model_close(&in->model);
    free(in->estart);
    free(in);
}

/* What a word of the lexicon can start (us_rule_starts): an attribution
 * (it begins a cue, or it is "in"), a claim's reason by its own tags, or
 * phrases whose tags the claim rules read (ptags). */
enum { US_S_ATTR = 1, US_S_REASON = 2, US_S_PHRASE = 4 };
#define US_REASON_START (US_NUMWORD | US_SUPERL | US_COMPAR | US_CAUSE | US_ACCUSE | US_EVENT)

static int us_entry_starts(us_instance *in)
{
    const us_lexicon *lx = &in->lex;
    size_t k;
    if ((in->estart = malloc(lx->n_entries ? lx->n_entries : 1)) == NULL)
        return -1;
    for (k = 0; k < lx->n_entries; k++) {
        const us_entry *e = &lx->entries[k];
        uint8_t b = 0;
        if (((e->tags | e->ptags) & US_CUE) ||
            (e->key_len == 2 && memcmp(lx->keys + e->key_off, "in", 2) == 0))
            b |= US_S_ATTR;
        if (e->tags & US_REASON_START)
            b |= US_S_REASON;
        if (e->ptags & US_REASON_TAGS)
            b |= US_S_PHRASE;
        in->estart[k] = b;
    }
    return 0;
}

static int us_create(void **out, const json_t *options, tp_error *err)
{
    us_instance *in = calloc(1, sizeof *in);
    char msg[400];
    *out = NULL;
    if (in == NULL || unsourced_lex_init(&in->lex) != 0) {
        free(in);
        return tp_error_set(err, NULL, "out of memory");
    }
    if (unsourced_lex_load(&in->lex, (const char *)unsourced_cues, unsourced_cues_len,
                           "cues.txt", msg, sizeof msg) != 0 ||
        unsourced_lex_load(&in->lex, (const char *)unsourced_weasels, unsourced_weasels_len,
                           "weasels.txt", msg, sizeof msg) != 0 ||
        unsourced_lex_load(&in->lex, (const char *)unsourced_lexicon, unsourced_lexicon_len,
                           "lexicon.txt", msg, sizeof msg) != 0) {
        us_destroy(in);
        return tp_error_set(err, NULL, "built-in list: %s", msg);
    }
    if (us_load_option(&in->lex, options, "cue_lists", err) != TP_OK ||
        us_load_option(&in->lex, options, "weasel_lists", err) != TP_OK ||
        us_load_option(&in->lex, options, "lexicon_lists", err) != TP_OK) {
        us_destroy(in);
        return TP_ERROR;
    }
    if (us_entry_starts(in) != 0 || unsourced_lex_seal(&in->lex) != 0) {
        us_destroy(in);
        return tp_error_set(err, NULL, "out of memory");
    }
    in->lex.estart = in->estart;
    {
        const json_t *v = US_GET(options, "tagger");
        const json_t *mf = US_GET(options, "model");
        in->tagger = v == NULL || json_is_true(v);
        if (mf != NULL && !json_is_null(mf)) {
            if (!json_is_string(mf)) {
                us_destroy(in);
                return tp_error_set(err, "model", "\"model\" must be a file name");
            }
            if (us_model_open_file(&in->model, json_string_value(mf), msg, sizeof msg) != 0) {
                us_destroy(in);
                return tp_error_set(err, "model", "%s", msg);
            }
        } else {
#ifndef US_NO_BUILTIN_MODEL
            if (us_model_open(&in->model, unsourced_model_blob,
                              (size_t)(unsourced_model_blob_end - unsourced_model_blob), msg, sizeof msg) != 0) {
                us_destroy(in);
                return tp_error_set(err, "model", "built-in model: %s", msg);
            }
#else
            in->tagger = 0;
#endif
        }
    }
    *out = in;
    return TP_OK;
}

static int us_worker_init(void **out, void *instance, tp_error *err)
{
    us_worker *w = calloc(1, sizeof *w);
    (void)instance;
    *out = NULL;
    if (w == NULL || (w->t = tp_text_new()) == NULL || us_strings_new(&w->str) != 0) {
        if (w != NULL)
            tp_text_free(w->t);
        free(w);
        return tp_error_set(err, NULL, "out of memory");
    }
    *out = w;
    return TP_OK;
}

static void us_worker_fini(void *instance, void *worker)
{
    us_worker *w = worker;
    (void)instance;
    if (w == NULL)
        return;
    tp_text_free(w->t);
    us_strings_free(&w->str);
    free(w->toks.v);
    free(w->toks.wh);
    free(w->sents);
    free(w->quotes);
    free(w->ents);
    free(w->attrs);
    free(w->tok_sent);
    free(w->q_open);
    free(w->q_close);
    free(w->ptags);
    free(w->a_start);
    free(w->r_start);
    free(w->q_start);
    free(w->num_at);
    free(w->best);
    free(w->order);
    free(w->srcs);
    free(w->ti);
    free(w->tlab);
    free(w->F);
    free(w->near);
    free(w->em);
    free(w->back);
    free(w->acc);
    free(w->wc);
    free(w->remap);
    free(w);
}

/* ---- small token helpers ---- */

/* A place in the text: byte b, and cp, the characters starting before it
 * (see us_cp_byte). */
typedef struct us_cursor {
    size_t b, cp;
} us_cursor;

typedef struct us_doc {
    const us_lexicon *lx;
    us_worker *w;
    const char *text;
    size_t len;
    us_tok *tk;
    size_t nt;
    int have_entities;
    int ascii;     /* the text is all ASCII: code points are bytes (us_is_ascii) */
    us_cursor cur; /* the writer's (us_tok_span_text), from {0, 0} */
    size_t r_next; /* us_reasons: the first of r_start not before the sentence */
    const uint8_t *estart; /* the instance's */
    int plain;     /* visit every token in the rule scans (tests) */
    int fresh;     /* every integer made anew (us_int; tests) */
} us_doc;

static int us_punct_is(const us_doc *d, uint32_t i, char c)
{
    const us_tok *t = &d->tk[i];
    return t->kind == US_T_PUNCT && t->e - t->s == 1 && d->text[t->s] == c;
}

/* Dashes: ASCII hyphen standing alone, en and em dash. */
static int us_is_dash(const us_doc *d, uint32_t i)
{
    const us_tok *t = &d->tk[i];
    const unsigned char *p = (const unsigned char *)d->text + t->s;
    if (t->kind != US_T_PUNCT)
        return 0;
    if (t->e - t->s == 1)
        return p[0] == '-';
    return t->e - t->s == 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94);
}

/* Inlined everywhere, so that the length of the literal is a constant. */
static inline __attribute__((always_inline)) int us_word_is(const us_doc *d, uint32_t i, const char *w)
{
    const us_tok *t = &d->tk[i];
    size_t n = strlen(w), k;
    if (t->kind != US_T_WORD || t->e - t->s != n)
        return 0;
    for (k = 0; k < n; k++) {
        char c = d->text[t->s + k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != w[k])
            return 0;
    }
    return 1;
}

static inline __attribute__((always_inline)) int us_ends_with(const us_doc *d, uint32_t i, const char *suf)
{
    const us_tok *t = &d->tk[i];
    size_t n = strlen(suf);
    return t->e - t->s > n && memcmp(d->text + t->e - n, suf, n) == 0;
}

/* us_phrase_at of a word that starts a phrase with one of the tags. */
static uint32_t us_phrase_at_list(const us_doc *d, uint32_t i, uint32_t end, uint32_t mask)
{
    const us_tok *t = &d->tk[i];
    int32_t q;
    for (q = d->lx->entries[t->id].phrases; q >= 0; q = d->lx->phrases[q].next) {
        const us_phrase *ph = &d->lx->phrases[q];
        uint32_t k;
        if (!(ph->tags & mask) || i + ph->n > end)
            continue;
        for (k = 1; k < ph->n; k++)
            if (d->tk[i + k].id != (int32_t)ph->words[k])
                break;
        if (k == ph->n)
            return ph->n;
    }
    return (t->tags & mask) ? 1 : 0;
}

/* Length in tokens of the longest phrase with one of the tags starting at
 * token i (within [i, end)), or 0.  The cheap tests inline; the phrase list
 * (few words start one) out of line. */
static inline __attribute__((always_inline)) uint32_t us_phrase_at(const us_doc *d, uint32_t i, uint32_t end,
                                                                   uint32_t mask)
{
    const us_tok *t = &d->tk[i];
    if (t->kind != US_T_WORD || t->id < 0)
        return 0;
    if (!(d->lx->entries[t->id].ptags & mask))
        return (t->tags & mask) ? 1 : 0;
    return us_phrase_at_list(d, i, end, mask);
}

static uint32_t us_phrase_tags_at(const us_doc *d, uint32_t i, uint32_t end)
{
    const us_tok *t = &d->tk[i];
    uint32_t tags = t->tags;
    int32_t q;
    if (t->kind != US_T_WORD || t->id < 0)
        return tags;
    for (q = d->lx->entries[t->id].phrases; q >= 0; q = d->lx->phrases[q].next) {
        const us_phrase *ph = &d->lx->phrases[q];
        uint32_t k;
        if (i + ph->n > end)
            continue;
        for (k = 1; k < ph->n; k++)
            if (d->tk[i + k].id != (int32_t)ph->words[k])
                break;
        if (k == ph->n)
            tags |= ph->tags;
    }
    return tags;
}

static int us_is_terminal(const us_doc *d, uint32_t i)
{
    return us_punct_is(d, i, '.') || us_punct_is(d, i, '!') || us_punct_is(d, i, '?');
}

/* ---- code points to bytes ---- */

/* Offsets in code points and bytes, without tp_text's index: a cursor
 * (byte b, and cp, the characters that start before b) that walks to the
 * next offset asked for, eight bytes at a time, backwards too.  Offsets
 * come in nearly ascending order and close together, so the walks are
 * short; the results are tp_text_cp's and tp_text_byte's to the byte (a
 * test compares them, on invalid UTF-8 too).  A character starts at every
 * byte but the continuation bytes 10xxxxxx, as tp_text counts them. */
static inline int us_cont_byte(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Characters starting in the 8 bytes at p. */
static inline size_t us_starts8(const char *p)
{
    uint64_t x, m;
    memcpy(&x, p, sizeof x);
    m = (x & ~(x << 1) & 0x8080808080808080ull) >> 7; /* a bit a continuation byte */
    return 8 - (size_t)((m * 0x0101010101010101ull) >> 56);
}

static size_t us_starts(const char *p, size_t n)
{
    size_t c = 0, i = 0;
    for (; i + 8 <= n; i += 8)
        c += us_starts8(p + i);
    for (; i < n; i++)
        c += !us_cont_byte((unsigned char)p[i]);
    return c;
}

/* Is the text all ASCII?  64 bytes a step, to the first byte that is not. */
static int us_is_ascii(const char *p, size_t n)
{
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint64_t x[8];
        memcpy(x, p + i, sizeof x);
        if (((x[0] | x[1] | x[2] | x[3] | x[4] | x[5] | x[6] | x[7]) & 0x8080808080808080ull) != 0)
            return 0;
    }
    for (; i < n; i++)
        if ((unsigned char)p[i] & 0x80)
            return 0;
    return 1;
}

/* tp_text_cp(t, b) of the document's text. */
static size_t us_cursor_cp(const us_doc *d, us_cursor *c, size_t b)
{
    if (b > d->len)
        b = d->len;
    if (d->ascii)
        return b;
    while (b > 0 && b < d->len && us_cont_byte((unsigned char)d->text[b]))
        b--;
    if (b >= c->b)
        c->cp += us_starts(d->text + c->b, b - c->b);
    else
        c->cp -= us_starts(d->text + b, c->b - b);
    c->b = b;
    return c->cp;
}

/* The byte offset of code point cp (tp_text_byte), or SIZE_MAX when cp is
 * past the end. */
static size_t us_cp_byte(const us_doc *d, us_cursor *c, size_t cp)
{
    const char *t = d->text;
    if (d->ascii)
        return cp > d->len ? SIZE_MAX : cp;
    if (cp < c->cp) {
        while (c->b >= 8 && c->cp - us_starts8(t + c->b - 8) >= cp) {
            c->cp -= us_starts8(t + c->b - 8);
            c->b -= 8;
        }
        while (c->cp > cp) {
            c->b--;
            c->cp -= !us_cont_byte((unsigned char)t[c->b]);
        }
    }
    while (c->b + 8 <= d->len && c->cp + us_starts8(t + c->b) <= cp) {
        c->cp += us_starts8(t + c->b);
        c->b += 8;
    }
    /* to the first byte that starts character cp */
    while (c->b < d->len && (c->cp < cp || us_cont_byte((unsigned char)t[c->b]))) {
        c->cp += !us_cont_byte((unsigned char)t[c->b]);
        c->b++;
    }
    return c->cp < cp ? SIZE_MAX : c->b;
}

/* ---- sentences ---- */

static int us_abbrev_before(const us_doc *d, uint32_t i)
{
    /* Token i is a full stop: is the word before it an abbreviation? */
    static const char *const ab[] = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov",
                                     "sen", "rep", "prof", "rev", "lt", "col", "sgt", "capt",
                                     "no", "vs", "etc", "inc", "corp", "co", "ltd", "jan",
                                     "feb", "aug", "sept", "oct", "nov", "dec", "u.s", "u.k",
                                     "u.n", "e.g", "i.e", NULL};
    size_t k;
    const us_tok *p;
    if (i == 0)
        return 0;
    p = &d->tk[i - 1];
    if (p->kind != US_T_WORD || p->e != d->tk[i].s)
        return 0;
    if (p->e - p->s == 1)
        return 1; /* an initial */
    if (p->e - p->s > 5)
        return 0;
    for (k = 0; ab[k] != NULL; k++)
        if (us_word_is(d, i - 1, ab[k]))
            return 1;
    return 0;
}

static int us_push_sent(us_worker *w, uint32_t ts, uint32_t te, const us_tok *tk)
{
    us_sent *s;
    US_GROW(w->sents, w->n_sents, w->cap_sents, w->n_sents + 1);
    s = &w->sents[w->n_sents++];
    s->ts = ts;
    s->te = te;
    s->bs = tk[ts].s;
    s->be = tk[te - 1].e;
    s->para = 0;
    s->headline = 0;
    return 0;
oom:
    return -1;
}

/* Our own split, for records without `sentences`. */
static int us_split(us_doc *d)
{
    us_worker *w = d->w;
    uint32_t i, start = 0;
    w->n_sents = 0;
    for (i = 0; i < d->nt; i++) {
        int end = 0;
        if (i + 1 == d->nt) {
            end = 1;
        } else if (d->tk[i + 1].flags & US_F_PARA) {
            end = 1;
        } else if (us_is_terminal(d, i) && !(us_punct_is(d, i, '.') && us_abbrev_before(d, i))) {
            /* Swallow closing quotes and brackets after the stop. */
            while (i + 1 < d->nt && !(d->tk[i + 1].flags & US_F_SPACE) &&
                   ((d->tk[i + 1].flags & US_F_QCLOSE) || us_punct_is(d, i + 1, ')')))
                i++;
            if (i + 1 == d->nt) {
                end = 1;
            } else {
                const us_tok *n = &d->tk[i + 1];
                end = (n->flags & (US_F_SPACE | US_F_LINE)) &&
                      ((n->flags & US_F_CAP) || n->kind == US_T_NUM || n->kind == US_T_QUOTE ||
                       (n->flags & US_F_LINE));
            }
        } else if ((d->tk[i + 1].flags & US_F_LINE) && start == 0 && i < 40) {
            end = 1; /* a headline line */
        }
        if (end) {
            if (us_push_sent(w, start, i + 1, d->tk) != 0)
                return -1;
            start = i + 1;
        }
    }
    return 0;
}

/* Sentences from the record; -1 out of memory, 1 unusable (then we split). */
static int us_record_sentences(us_doc *d, const json_t *arr)
{
    us_worker *w = d->w;
    size_t k, n = json_array_size(arr);
    uint32_t ti = 0, prev_end = 0;
    us_cursor cur = {0, 0};
    w->n_sents = 0;
    for (k = 0; k < n; k++) {
        const json_t *s = json_array_get(arr, k);
        json_int_t a, b;
        uint32_t bs, be, ts;
        const json_t *ja = US_GET(s, "start"), *jb = US_GET(s, "end");
        if (!json_is_integer(ja) || !json_is_integer(jb))
            return 1;
        a = json_integer_value(ja);
        b = json_integer_value(jb);
        if (a < 0 || b < a)
            return 1;
        {
            size_t x = us_cp_byte(d, &cur, (size_t)a), y = us_cp_byte(d, &cur, (size_t)b);
            if (x == SIZE_MAX || y == SIZE_MAX)
                return 1;
            bs = (uint32_t)x;
            be = (uint32_t)y;
        }
        if (bs < prev_end)
            return 1;
        prev_end = be;
        while (ti < d->nt && d->tk[ti].s < bs) {
            /* A token before this sentence: it joins the previous one. */
            if (w->n_sents > 0) {
                w->sents[w->n_sents - 1].te = ti + 1;
                w->sents[w->n_sents - 1].be = d->tk[ti].e;
            }
            ti++;
        }
        ts = ti;
        while (ti < d->nt && d->tk[ti].s < be)
            ti++;
        if (ti > ts && us_push_sent(w, ts, ti, d->tk) != 0)
            return -1;
    }
    if (ti < d->nt) {
        if (w->n_sents == 0)
            return 1;
        w->sents[w->n_sents - 1].te = (uint32_t)d->nt;
        w->sents[w->n_sents - 1].be = d->tk[d->nt - 1].e;
    }
    return 0;
}

/* Paragraphs and headlines, and the sentence of each token. */
static void us_mark_sentences(us_doc *d)
{
    us_worker *w = d->w;
    size_t s;
    int para = 0;
    for (s = 0; s < w->n_sents; s++) {
        us_sent *st = &w->sents[s];
        uint32_t i;
        if (s > 0 && (d->tk[st->ts].flags & US_F_LINE))
            para++;
        st->para = para;
        for (i = st->ts; i < st->te; i++)
            w->tok_sent[i] = (int32_t)s;
        /* A headline: first in the document, no closing stop, a line break after. */
        if (s == 0 && st->te < d->nt && (d->tk[st->te].flags & US_F_LINE) && st->te - st->ts <= 40)
            st->headline = 1;
    }
}

/* ---- quotations ---- */

static int us_add_quote(us_worker *w, uint32_t a, uint32_t b, int32_t prev)
{
    us_quote *q;
    int32_t id = (int32_t)w->n_quotes;
    US_GROW(w->quotes, w->n_quotes, w->cap_quotes, w->n_quotes + 1);
    q = &w->quotes[w->n_quotes++];
    q->a = a;
    q->b = b;
    q->attr = -1;
    q->head = prev >= 0 ? w->quotes[prev].head : id;
    q->tail = id;
    if (prev >= 0) {
        int32_t k = w->quotes[prev].head;
        /* Point every region of the chain at the new tail. */
        for (; k < id; k++)
            if (w->quotes[k].head == q->head)
                w->quotes[k].tail = id;
    }
    w->q_open[a] = id;
    w->q_close[b] = id;
    return 0;
oom:
    return -1;
}

/* Pair quotation marks.  A quotation closes in its paragraph, or runs on
 * into the next one when that opens with a quotation mark (the convention
 * for quotations over several paragraphs).  Marks that pair with nothing
 * are ignored. */
static int us_find_quotes(us_doc *d)
{
    us_worker *w = d->w;
    uint32_t i;
    int64_t open = -1;
    int32_t chain = -1; /* region the open quotation continues */
    size_t c, n = d->plain ? d->nt : w->n_q_start;
    w->n_quotes = 0;
    /* Only quotation marks and tokens after a line break do anything:
     * those us_rule_starts lists (or every token, d->plain). */
    for (c = 0; c < n; c++) {
        const us_tok *t;
        i = d->plain ? (uint32_t)c : w->q_start[c];
        t = &d->tk[i];
        if ((t->flags & US_F_PARA) || ((t->flags & US_F_LINE) && open >= 0)) {
            if (open >= 0 && t->kind == US_T_QUOTE && (t->flags & US_F_QOPEN)) {
                /* Runs on: close the part before the break. */
                if (i - 1 > (uint32_t)open) {
                    if (us_add_quote(w, (uint32_t)open, i - 1, chain) != 0)
                        return -1;
                    chain = (int32_t)w->n_quotes - 1;
                    w->q_close[i - 1] = -1; /* not a real closing mark */
                }
                open = i;
                continue;
            }
            open = -1;
            chain = -1;
        }
        if (t->kind != US_T_QUOTE)
            continue;
        if (open < 0) {
            if (t->flags & US_F_QOPEN || i + 1 < d->nt) {
                open = i;
                chain = -1;
            }
        } else if (t->flags & US_F_QCLOSE || d->text[t->s] == '"' || d->text[t->s] == '\'') {
            if (us_add_quote(w, (uint32_t)open, i, chain) != 0)
                return -1;
            open = -1;
            chain = -1;
        } else {
            open = i; /* an opening mark inside a quotation: start again */
            chain = -1;
        }
    }
    return 0;
}

/* ---- sources ---- */

static int us_np_word(const us_doc *d, uint32_t i)
{
    const us_tok *t = &d->tk[i];
    if (t->kind == US_T_NUM)
        return 1;
    if (t->kind == US_T_WORD) {
        if (t->tags & US_STOP)
            return 0;
        if ((t->tags & US_CUE) && !(t->flags & US_F_CAP) && !(t->tags & (US_DET | US_PREP))) {
            /* A cue word after a determiner, a name, a possessive or "own"
             * is a noun: "the report", "the board's own forecast". */
            const us_tok *p = i > 0 ? &d->tk[i - 1] : NULL;
            return p != NULL && p->kind == US_T_WORD && !(p->tags & US_STOP) &&
                   ((p->tags & US_DET) || (p->flags & US_F_CAP) || us_word_is(d, i - 1, "own") ||
                    us_ends_with(d, i - 1, "'s") || us_ends_with(d, i - 1, "\xe2\x80\x99s"));
        }
        return 1;
    }
    /* Possessive apostrophe, ampersand, the dot of "Jr." or "Co.". */
    if (t->kind == US_T_PUNCT && t->e - t->s == 1 && d->text[t->s] == '&')
        return 1;
    if (t->kind == US_T_PUNCT && t->e - t->s == 1 && !(t->flags & US_F_SPACE)) {
        char c = d->text[t->s];
        return c == '\'' || c == '&' || c == '/' || (c == '.' && us_abbrev_before(d, i));
    }
    return 0;
}

/* Trim a source to its noun phrase: no leading prepositions, no trailing
 * adverbs; a phrase that ran too long keeps its tail from the last
 * determiner or capitalised run. */
static int us_np_trim(const us_doc *d, uint32_t *a, uint32_t *b, int too_long)
{
    while (*b > *a && d->tk[*b - 1].kind == US_T_WORD && us_ends_with(d, *b - 1, "ly") &&
           !(d->tk[*b - 1].flags & US_F_CAP) && !(d->tk[*b - 1].tags & US_ROLE))
        (*b)--;
    if (too_long && *b > *a) {
        uint32_t k = *b - 1;
        int found = 0;
        while (k > *a) {
            if (d->tk[k].tags & US_DET) {
                found = 1;
                break;
            }
            k--;
        }
        if (!found) {
            k = *b - 1;
            while (k > *a && (d->tk[k - 1].flags & US_F_CAP))
                k--;
        }
        *a = k;
    }
    while (*a < *b && ((d->tk[*a].tags & US_PREP) || d->tk[*a].kind == US_T_PUNCT))
        (*a)++;
    return *b > *a;
}

/* The source left of token j (inclusive), within the sentence from ts. */
static int us_np_left(const us_doc *d, uint32_t ts, uint32_t j, uint32_t *a, uint32_t *b)
{
    int64_t k = j;
    uint32_t n = 0;
    while (k >= (int64_t)ts && us_np_word(d, (uint32_t)k) && n < US_NP_MAX) {
        k--;
        n++;
    }
    *a = (uint32_t)(k + 1);
    *b = j + 1;
    if (n == 0)
        return 0;
    return us_np_trim(d, a, b, n == US_NP_MAX && k >= (int64_t)ts && us_np_word(d, (uint32_t)k));
}

/* The source right of token j (inclusive), before te. */
static int us_np_right(const us_doc *d, uint32_t j, uint32_t te, uint32_t *a, uint32_t *b, uint32_t max)
{
    uint32_t k = j, n = 0;
    while (k < te && n < max && us_np_word(d, k) && !(k > j && (d->tk[k].flags & US_F_LINE))) {
        k++;
        n++;
    }
    *a = j;
    *b = k;
    if (n == 0)
        return 0;
    return us_np_trim(d, a, b, 0);
}

/* A source of common words only: no name, pronoun, role or vague source. */
static int us_np_plain(const us_doc *d, size_t s, uint32_t a, uint32_t b)
{
    uint32_t k;
    /* "the envoy", "the man": a short definite phrase is a source. */
    if (b - a == 2 && us_word_is(d, a, "the") && d->tk[a + 1].kind == US_T_WORD)
        return 0;
    for (k = a; k < b; k++) {
        const us_tok *t = &d->tk[k];
        if (t->tags & (US_PRON | US_WEASEL | US_ROLE))
            return 0;
        if ((t->flags & US_F_CAP) && !(t->tags != 0 && k == d->w->sents[s].ts))
            return 0;
    }
    return 1;
}

/* Does the noun phrase starting at j hold a capitalised word ("union
 * leader Marta Vos")? */
static int us_np_has_cap(const us_doc *d, uint32_t j, uint32_t te)
{
    uint32_t k;
    for (k = j; k < te && k < j + 4 && us_np_word(d, k); k++)
        if (d->tk[k].flags & US_F_CAP)
            return 1;
    return 0;
}

/* A subject too weak to carry a weak cue: anything but one name run or
 * one third-person pronoun. */
static int us_np_weak_subject(const us_doc *d, uint32_t a, uint32_t b)
{
    uint32_t k;
    if (b - a == 1 && (d->tk[a].tags & (US_PRON_M | US_PRON_F | US_PRON_PL | US_PRON_IT)))
        return 0;
    for (k = a; k < b; k++)
        if (!(d->tk[k].flags & US_F_CAP) && !us_word_is(d, k, "the"))
            return 1;
    return 0;
}

/* ---- attributions ---- */

static int32_t us_new_attr(us_worker *w)
{
    us_attr *a;
    US_GROW(w->attrs, w->n_attrs, w->cap_attrs, w->n_attrs + 1);
    a = &w->attrs[w->n_attrs];
    memset(a, 0, sizeof *a);
    a->src0 = a->src1 = -1;
    a->res_attr = a->res_ent = a->parent = -1;
    return (int32_t)w->n_attrs++;
oom:
    return -1;
}

/* A new attribution of kind in sentence s with cue [c0, c1) and source
 * [s0, s1) (-1: none); NULL when out of memory.  *aid is its index. */
static us_attr *us_attr_add(us_worker *w, int32_t *aid, size_t s, int kind, uint32_t c0, uint32_t c1,
                            int32_t s0, int32_t s1)
{
    us_attr *at;
    if ((*aid = us_new_attr(w)) < 0)
        return NULL;
    at = &w->attrs[*aid];
    at->cue0 = c0;
    at->cue1 = c1;
    at->src0 = s0;
    at->src1 = s1;
    at->sent = (int)s;
    at->kind = kind;
    return at;
}

/* The quotation chain closing at or just before token p (skipping a
 * comma or dash), or -1. */
static int32_t us_quote_ending_before(const us_doc *d, int64_t p, uint32_t ts_limit)
{
    int gap = 0;
    while (p >= (int64_t)ts_limit && gap < US_QUOTE_GAP &&
           (us_punct_is(d, (uint32_t)p, ',') || us_is_dash(d, (uint32_t)p))) {
        p--;
        gap++;
    }
    if (p < 0 || p < (int64_t)ts_limit)
        return -1;
    if (d->w->q_close[p] >= 0)
        return d->w->q_close[p];
    return -1;
}

/* The quotation chain opening at or just after token p (after a colon or
 * comma), or -1. */
static int32_t us_quote_starting_at(const us_doc *d, uint32_t p)
{
    int gap = 0;
    while (p < d->nt && gap < US_QUOTE_GAP &&
           (us_punct_is(d, p, ',') || us_punct_is(d, p, ':') || us_is_dash(d, p))) {
        p++;
        gap++;
    }
    if (p < d->nt && d->w->q_open[p] >= 0)
        return d->w->q_open[p];
    return -1;
}

/* Content tokens [a, b) without trailing punctuation other than quotes;
 * it ends at a semicolon and runs at most US_CONTENT_MAX tokens. */
static void us_set_content(const us_doc *d, us_attr *at, uint32_t a, uint32_t b)
{
    uint32_t k;
    if (b > a + US_CONTENT_MAX)
        b = a + US_CONTENT_MAX;
    for (k = a; k < b; k++)
        if (us_punct_is(d, k, ';')) {
            b = k;
            break;
        }
    while (b > a && d->tk[b - 1].kind == US_T_PUNCT)
        b--;
    while (a < b && d->tk[a].kind == US_T_PUNCT && !us_is_dash(d, a))
        a++;
    at->con0 = a;
    at->con1 = b;
}

/* Give the newest attribution the content [a, b) and keep it (1), or drop
 * it when nothing is left of the content (0). */
static int us_keep_with_content(const us_doc *d, us_attr *at, uint32_t a, uint32_t b)
{
    us_set_content(d, at, a, b);
    if (at->con1 <= at->con0) {
        d->w->n_attrs--;
        return 0;
    }
    return 1;
}

static void us_set_quote_content(us_doc *d, us_attr *at, int32_t qid, int32_t aid)
{
    const us_quote *q = &d->w->quotes[qid];
    const us_quote *h = &d->w->quotes[q->head], *tl = &d->w->quotes[q->tail];
    int32_t k;
    if (at->con1 > at->con0 && at->con0 < h->a) {
        /* Already has a quotation before: widen to take both. */
        at->con1 = tl->b + 1;
    } else {
        at->con0 = h->a;
        at->con1 = tl->b + 1;
    }
    for (k = q->head; k <= q->tail; k++)
        if (d->w->quotes[k].head == q->head)
            d->w->quotes[k].attr = aid;
    at->kind = K_DIRECT;
}

/* Skip a "statement" phrase and day words after a cue. */
static uint32_t us_skip_after_cue(const us_doc *d, uint32_t p, uint32_t te)
{
    int guard = 0;
    while (p < te && guard++ < 4) {
        uint32_t n = us_phrase_at(d, p, te, US_STMT);
        if (n == 0 && (d->tk[p].tags & US_AUX) && !(d->tk[p].tags & US_STOP) &&
            !us_word_is(d, p, "has") && !us_word_is(d, p, "have") && !us_word_is(d, p, "had"))
            n = 1;
        if (n == 0 && us_word_is(d, p, "on") && p + 1 < te && (d->tk[p + 1].tags & US_AUX))
            n = 2;
        if (n == 0)
            break;
        p += n;
    }
    return p;
}

/* Articles and possessives: a cue word after one is a noun. */
static int us_article(const us_doc *d, uint32_t i)
{
    static const char *const arts[] = {"the", "a", "an", "his", "her", "its", "their", "our",
                                       "my", "your", "this", "these", "those", "no", "every",
                                       "each", "any", NULL};
    size_t k;
    if (!(d->tk[i].tags & US_DET))
        return 0;
    for (k = 0; arts[k] != NULL; k++)
        if (us_word_is(d, i, arts[k]))
            return 1;
    return 0;
}

static int us_verb_cue(us_doc *d, size_t s, uint32_t c0, uint32_t c1, uint32_t ctags, int32_t prev_attr)
{
    us_worker *w = d->w;
    const us_sent *st = &w->sents[s];
    uint32_t ts = st->ts, te = st->te, a = 0, b = 0, p, after;
    int64_t j;
    int have_src = 0, inverted = 0, that_clause = 0;
    int32_t qid, aid;
    us_attr *at;

    /* Left: skip words between subject and verb, then the subject. */
    j = (int64_t)c0 - 1;
    {
        int ing = us_ends_with(d, c0, "ing");
        while (j >= (int64_t)ts && d->tk[j].kind == US_T_WORD && !(d->tk[j].flags & US_F_CAP) &&
               ((d->tk[j].tags & US_AUX) || us_word_is(d, (uint32_t)j, "not") ||
                us_word_is(d, (uint32_t)j, "never") || us_word_is(d, (uint32_t)j, "did") ||
                us_word_is(d, (uint32_t)j, "does") ||
                /* "is pledging", "was defending" */
                (ing && (us_word_is(d, (uint32_t)j, "is") || us_word_is(d, (uint32_t)j, "are") ||
                         us_word_is(d, (uint32_t)j, "was") || us_word_is(d, (uint32_t)j, "were") ||
                         us_word_is(d, (uint32_t)j, "been")))))
            j--;
    }
    /* A parenthesis after a name: "Sen. Ann Lee (D-Ohio) said". */
    if (j > (int64_t)ts && us_punct_is(d, (uint32_t)j, ')')) {
        int64_t k = j - 1;
        while (k > (int64_t)ts && k > j - 8 && !us_punct_is(d, (uint32_t)k, '('))
            k--;
        if (k > (int64_t)ts && us_punct_is(d, (uint32_t)k, '(') && d->tk[k - 1].kind == US_T_WORD &&
            (d->tk[k - 1].flags & US_F_CAP)) {
            if (us_np_left(d, ts, (uint32_t)k - 1, &a, &b)) {
                b = (uint32_t)j + 1;
                have_src = 1;
            }
        }
    }
    /* An appositive: "Ann Lee, a labour economist at the institute, said".
     * Before a name, an article or a pronoun the cue may rather be the
     * inverted form (`..., said the minister`): then only a name that
     * opens the sentence takes it ("Ann Lee, a spokeswoman for the union,
     * said the union expected ..."). */
    if (!have_src && j > (int64_t)ts && us_punct_is(d, (uint32_t)j, ',') && c1 < te) {
        int opens_only = (d->tk[c1].flags & US_F_CAP) || us_article(d, c1) || (d->tk[c1].tags & US_PRON);
        int64_t k = j - 1;
        while (k > (int64_t)ts && k > j - 30 && !us_punct_is(d, (uint32_t)k, ',') &&
               d->tk[k].kind != US_T_QUOTE &&
               !((d->tk[k].tags & US_CUE) && !(d->tk[k].flags & US_F_CAP) && !us_article(d, (uint32_t)k - 1) &&
                 /* "Lee, speaking in Lyon, said": a participle opening it */
                 !(us_punct_is(d, (uint32_t)k - 1, ',') && us_ends_with(d, (uint32_t)k, "ing"))))
            k--;
        /* "Ann Lee, 21, a student from Lyon, said", "Ann Lee, speaking in
         * Lyon, France, said": further commas of the appositive, when a
         * name opening the sentence comes before them (checked below) */
        int hops = 0;
        int64_t nk;
        while (hops < 3 && k > (int64_t)ts + 1 && us_punct_is(d, (uint32_t)k, ',') &&
               !(d->tk[k - 1].kind == US_T_WORD && (d->tk[k - 1].flags & US_F_CAP)) &&
               !us_punct_is(d, (uint32_t)k - 1, ')')) {
            int64_t k2 = k - 1;
            while (k2 > (int64_t)ts && k2 > k - 20 && !us_punct_is(d, (uint32_t)k2, ',') &&
                   d->tk[k2].kind != US_T_QUOTE)
                k2--;
            if (k2 <= (int64_t)ts || !us_punct_is(d, (uint32_t)k2, ','))
                break;
            k = k2;
            hops++;
        }
        /* "Rep. Ann Lee (D-Ohio), chair of the caucus, said" */
        nk = k - 1;
        if (nk > (int64_t)ts && us_punct_is(d, (uint32_t)nk, ')')) {
            int64_t o = nk - 1;
            while (o > (int64_t)ts && o > nk - 8 && !us_punct_is(d, (uint32_t)o, '('))
                o--;
            if (o > (int64_t)ts && us_punct_is(d, (uint32_t)o, '('))
                nk = o - 1;
        }
        if (k > (int64_t)ts && k < j - 1 && us_punct_is(d, (uint32_t)k, ',') &&
            d->tk[nk].kind == US_T_WORD && (d->tk[nk].flags & US_F_CAP) &&
            ((d->tk[k + 1].tags & US_DET) || (d->tk[k + 1].flags & US_F_CAP) || d->tk[k + 1].kind == US_T_NUM ||
             (d->tk[k + 1].kind == US_T_WORD && d->tk[nk].id < 0 && us_np_word(d, (uint32_t)nk) &&
              (nk == (int64_t)ts || (d->tk[nk - 1].flags & US_F_CAP))))) {
            if (us_np_left(d, ts, (uint32_t)nk, &a, &b) &&
                ((!opens_only && hops == 0) || a == ts || (a == ts + 1 && d->tk[ts].kind == US_T_QUOTE))) {
                b = (uint32_t)j; /* the name and its appositive */
                have_src = 1;
            }
        }
    }
    if (!have_src && j >= (int64_t)ts && d->tk[j].kind == US_T_WORD) {
        /* A vague phrase that runs into the cue: "it is said", "studies have shown". */
        int64_t k;
        for (k = (int64_t)c0 - 1; k >= (int64_t)ts && k >= (int64_t)c0 - 4; k--) {
            uint32_t n = us_phrase_at(d, (uint32_t)k, c1, US_WEASEL);
            if (n > 0 && (uint32_t)k + n > c0) {
                a = (uint32_t)k;
                b = c0;
                while (b > a && (d->tk[b - 1].tags & US_AUX))
                    b--;
                if (b == a || (d->tk[b - 1].tags & US_STOP))
                    b = c0; /* keep "it is" */
                have_src = 1;
                break;
            }
        }
        if (!have_src)
            have_src = us_np_left(d, ts, (uint32_t)j, &a, &b);
    }
    /* A relative clause: "Ann Lee, who said ...", "the agency, which
     * reported ...": the source is the relative pronoun with the noun
     * phrase it stands for. */
    if (!have_src && j > (int64_t)ts && d->tk[j].kind == US_T_WORD &&
        (us_word_is(d, (uint32_t)j, "who") || us_word_is(d, (uint32_t)j, "which"))) {
        uint32_t a2, b2;
        int64_t h = us_punct_is(d, (uint32_t)j - 1, ',') ? j - 2 : j - 1;
        a = (uint32_t)j;
        b = (uint32_t)j + 1;
        if (h >= (int64_t)ts && us_np_left(d, ts, (uint32_t)h, &a2, &b2)) {
            /* the phrase from its last determiner, or its run of names */
            uint32_t k = (uint32_t)h + 1;
            while (k > a2 && !(d->tk[k - 1].tags & US_DET))
                k--;
            if (k > a2 || (d->tk[a2].tags & US_DET)) {
                a = k > a2 ? k - 1 : a2;
            } else if (d->tk[h].flags & US_F_CAP) {
                for (k = (uint32_t)h; k > a2 && (d->tk[k - 1].flags & US_F_CAP); k--)
                    ;
                a = k;
            }
        }
        have_src = 1;
    }
    after = c1;
    after = us_skip_after_cue(d, after, te);
    if (!have_src && (j < (int64_t)ts || d->tk[j].kind == US_T_QUOTE || us_punct_is(d, (uint32_t)j, ',') ||
                      us_is_dash(d, (uint32_t)j))) {
        /* Inverted: `"...," said Zhao` */
        /* (a pronoun of object or possessive case after the cue is no
         * speaker: "Reporting its results, ...") */
        int not_subject = after < te && (d->tk[after].tags & US_PRON) &&
                          (us_word_is(d, after, "its") || us_word_is(d, after, "his") || us_word_is(d, after, "him") ||
                           us_word_is(d, after, "her") || us_word_is(d, after, "their") ||
                           us_word_is(d, after, "them") || us_word_is(d, after, "our") || us_word_is(d, after, "us") ||
                           us_word_is(d, after, "my") || us_word_is(d, after, "me") || us_word_is(d, after, "your"));
        if (after < te && !not_subject &&
            ((d->tk[after].flags & US_F_CAP) || (d->tk[after].tags & (US_DET | US_PRON)) ||
             us_np_has_cap(d, after, te))) {
            /* a pronoun is a source of one word: `..." said she.` */
            have_src = us_np_right(d, after, te, &a, &b, (d->tk[after].tags & US_PRON) ? 1 : US_NP_MAX);
            if (have_src) {
                uint32_t k;
                inverted = 1;
                /* `said Ann Lee, a former envoy.`: the appositive belongs to her. */
                if (b + 1 < te && us_punct_is(d, b, ',') && (d->tk[b + 1].tags & US_DET)) {
                    for (k = b + 1; k < te && (us_np_word(d, k) || us_punct_is(d, k, ',')) &&
                                    d->tk[k].kind != US_T_QUOTE; k++)
                        ;
                    if (k == te || (k + 1 == te && us_is_terminal(d, k)))
                        b = k;
                }
                after = us_skip_after_cue(d, b, te);
            }
        }
    }
    /* First-person sources ("I think", "we said") are the speakers of the
     * text itself or of a quotation: no attribution a reader checks. */
    if (have_src && b - a == 1 && (d->tk[a].tags & US_PRON_1))
        return 0;
    /* Cognition and evidence verbs need a subject. */
    if (!have_src && (ctags & (US_COGN | US_EVID)) && !(ctags & US_SPEECH))
        return 0;
    /* A participle after a comma ("..., adding that") takes the source of the
     * attribution before it in the sentence. */
    if (!have_src && prev_attr >= 0 && w->attrs[prev_attr].sent == (int)s &&
        us_ends_with(d, c0, "ing") && j >= (int64_t)ts && us_punct_is(d, (uint32_t)j, ',')) {
        aid = us_new_attr(w);
        if (aid < 0)
            return -1;
        at = &w->attrs[aid];
        *at = w->attrs[prev_attr];
        at->cue0 = c0;
        at->cue1 = c1;
        at->con0 = at->con1 = 0;
        at->source_last = 0;
        at->parent = -1;
        goto content;
    }
    at = us_attr_add(w, &aid, s, K_INDIRECT, c0, c1, have_src ? (int32_t)a : -1,
                     have_src ? (int32_t)b : -1);
    if (at == NULL)
        return -1;
content:
    /* A quotation just before the source (or the cue, when inverted). */
    p = have_src && !inverted ? a : c0;
    qid = p > 0 ? us_quote_ending_before(d, (int64_t)p - 1, 0) : -1;
    if (qid >= 0 && w->quotes[qid].attr < 0)
        us_set_quote_content(d, at, qid, aid);
    /* A quotation after: `X said: "..."`, `X said, "..."`, `X told reporters: "..."`. */
    p = after;
    /* (a cue that ends the document has no token after it) */
    if ((p >= d->nt || us_word_is(d, p, "that") == 0) && (ctags & US_SPEECH)) {
        uint32_t k = p, n = 0;
        while (k < te && n < 5 && us_np_word(d, k)) {
            k++;
            n++;
        }
        if (k < te && (us_punct_is(d, k, ':') || us_word_is(d, k, "that")))
            p = k; /* told reporters: / told reporters that */
    }
    qid = us_quote_starting_at(d, p);
    if (qid >= 0 && w->quotes[qid].attr < 0 && (at->kind != K_DIRECT || p > at->con0)) {
        us_set_quote_content(d, at, qid, aid);
    } else if (at->kind != K_DIRECT) {
        if (p < te && us_word_is(d, p, "that")) {
            us_set_content(d, at, p + 1, te);
            that_clause = 1;
        } else {
            uint32_t k = p;
            while (k < te && d->tk[k].kind != US_T_WORD && d->tk[k].kind != US_T_NUM &&
                   d->tk[k].kind != US_T_QUOTE)
                k++;
            if (k == te && (inverted || have_src)) {
                /* Source last: "The economy grew, the minister said." */
                uint32_t e = have_src ? (inverted ? c0 : a) : c0;
                us_set_content(d, at, ts, e);
                at->source_last = 1;
            } else {
                us_set_content(d, at, p, te);
            }
        }
    }
    if (at->con1 <= at->con0) {
        w->n_attrs--; /* nothing attributed */
        return 0;
    }
    /* Noun-like forms need a name or pronoun and a quotation or "that". */
    if ((ctags & US_NOUN) && at->parent < 0 &&
        (!have_src || us_np_weak_subject(d, a, b) || !(at->kind == K_DIRECT || that_clause))) {
        w->n_attrs--;
        return 0;
    }
    /* Weak cues, and sources that are only common words ("the number of"),
     * need a clear structure: a quotation, a "that" clause, the source last. */
    if (!(at->kind == K_DIRECT || that_clause || at->source_last) &&
        (((ctags & US_WEAK) && at->parent < 0 && (!have_src || us_np_weak_subject(d, a, b))) ||
         (have_src && us_np_plain(d, s, a, b)))) {
        w->n_attrs--;
        return 0;
    }
    return 1;
}

static int us_according(us_doc *d, size_t s, uint32_t c0, uint32_t c1)
{
    us_worker *w = d->w;
    const us_sent *st = &w->sents[s];
    uint32_t a, b, k;
    int32_t aid;
    us_attr *at = us_attr_add(w, &aid, s, K_ACCORDING, c0, c1, -1, -1);
    int lead;
    if (at == NULL)
        return -1;
    b = c1;
    if (us_np_right(d, c1, st->te, &a, &b, 16)) {
        at->src0 = (int32_t)a;
        at->src1 = (int32_t)b;
    }
    /* Leading: "According to X, ..."; otherwise "..., according to X." */
    lead = 1;
    for (k = st->ts; k < c0; k++)
        if (d->tk[k].kind == US_T_WORD && !(d->tk[k].tags & (US_STOP)))
            lead = 0;
    if (lead) {
        us_set_content(d, at, b, st->te);
    } else {
        us_set_content(d, at, st->ts, c0);
        if (b < st->te && us_punct_is(d, b, ',')) {
            /* "X, according to Y, said ..." keeps the whole clause. */
            at->con1 = st->te;
            us_set_content(d, at, st->ts, st->te);
        }
    }
    if (at->con1 <= at->con0) {
        w->n_attrs--;
        return 0;
    }
    return 1;
}

/* A headline of the form "Source: what they say". */
/* Does [a, b) hold a word?  "Clinton: 547." is a table row, not a
 * quotation. */
static int us_has_word(const us_doc *d, uint32_t a, uint32_t b)
{
    for (; a < b; a++)
        if (d->tk[a].kind == US_T_WORD)
            return 1;
    return 0;
}

static int us_headline_colon(us_doc *d, size_t s)
{
    us_worker *w = d->w;
    const us_sent *st = &w->sents[s];
    uint32_t k, caps = 0;
    int32_t aid;
    us_attr *at;
    for (k = st->ts; k < st->te && k < st->ts + 6; k++) {
        if (us_punct_is(d, k, ':'))
            break;
        if (d->tk[k].kind != US_T_WORD && !us_np_word(d, k))
            return 0;
        if ((d->tk[k].tags & US_CUE) && !(d->tk[k].flags & US_F_CAP))
            return 0; /* "X said: ..." is the verb's */
        if (d->tk[k].flags & US_F_CAP)
            caps++;
    }
    if (k == st->ts || k >= st->te - 1 || !us_punct_is(d, k, ':') || caps == 0)
        return 0;
    /* "The Latest: ...", "The Ninth Circle: ...": a series or a title, not
     * a speaker; "Correction: ...", "Q: ...": a label; and a colon before
     * a number only is a table row. */
    if ((d->tk[st->ts].tags & US_DET) || us_phrase_at(d, st->ts, k, US_LABEL) == k - st->ts ||
        !us_has_word(d, k + 1, st->te))
        return 0;
    at = us_attr_add(w, &aid, s, K_HEADLINE, k, k + 1, (int32_t)st->ts, (int32_t)k);
    if (at == NULL)
        return -1;
    return us_keep_with_content(d, at, k + 1, st->te);
}

/* "In a poll released Sunday, ..." / "In an interview with the paper, ...":
 * the document or occasion is the source of what follows the comma. */
static int us_in_document(us_doc *d, size_t s, uint32_t i)
{
    us_worker *w = d->w;
    const us_sent *st = &w->sents[s];
    uint32_t k, doc = 0;
    int32_t aid;
    us_attr *at;
    for (k = i + 1; k < st->te && k < i + 14 && !us_punct_is(d, k, ','); k++) {
        if (d->tk[k].kind == US_T_QUOTE)
            return 0;
        if ((d->tk[k].tags & US_ROLE_DOC) || us_word_is(d, k, "interview"))
            doc = 1;
    }
    if (!doc || k >= st->te - 1 || !us_punct_is(d, k, ',') || !(d->tk[i + 1].tags & US_DET))
        return 0;
    at = us_attr_add(w, &aid, s, K_ACCORDING, i, i + 1, (int32_t)(i + 1), (int32_t)k);
    if (at == NULL)
        return -1;
    return us_keep_with_content(d, at, k + 1, st->te);
}

/* "Name: “...”" in the body: a short named phrase, a colon, a quotation. */
static int us_colon_quote(us_doc *d, size_t s, uint32_t i)
{
    us_worker *w = d->w;
    const us_sent *st = &w->sents[s];
    uint32_t a, k, caps = 0;
    int32_t q, aid;
    us_attr *at;
    q = i + 1 < d->nt ? w->q_open[i + 1] : -1;
    if (i == st->ts || i - st->ts > 6 || i + 1 >= st->te)
        return 0;
    /* A transcript quoted whole opens each turn with a quotation mark:
     * "“WALLACE: Let's start ..." */
    a = st->ts;
    if (d->tk[a].kind == US_T_QUOTE && (d->tk[a].flags & US_F_QOPEN) && a + 1 < i)
        a++;
    if (q < 0 || w->quotes[q].attr >= 0) {
        /* A speaker's label opening a paragraph: "MAYOR LEE: We will ..." */
        if (!(st->ts == 0 || (d->tk[st->ts].flags & US_F_LINE)) || i - a > 4 ||
            (d->tk[a].tags & US_DET))
            return 0;
        for (k = a; k < i; k++)
            if (!(d->tk[k].flags & US_F_CAP) && !us_punct_is(d, k, '.'))
                return 0;
        if (!us_has_word(d, i + 1, st->te) || us_phrase_at(d, a, i, US_LABEL) == i - a)
            return 0;
        q = -1;
    }
    for (k = a; k < i; k++) {
        if (!us_np_word(d, k))
            return 0;
        if (d->tk[k].flags & US_F_CAP)
            caps++;
    }
    if (caps == 0)
        return 0;
    at = us_attr_add(w, &aid, s, K_DIRECT, i, i + 1, (int32_t)a, (int32_t)i);
    if (at == NULL)
        return -1;
    if (q >= 0) {
        us_set_quote_content(d, at, q, aid);
    } else {
        at->kind = st->headline ? K_HEADLINE : K_DIRECT;
        us_set_content(d, at, i + 1, st->te);
    }
    return 1;
}

/* The tokens where a rule can start, once per document, with each token's
 * phrase tags (ptags) and no quotation marks paired yet (q_open, q_close).
 * An attribution starts at a colon, at a word that begins a cue
 * (us_phrase_at with US_CUE is not 0 there) or at "in" (us_in_document);
 * a claim's reason at a number, a word with a reason's tags, or a word
 * that may be a superlative (us_is_superlative_word's first test); the
 * pairing of quotation marks acts at a mark or after a line break.  The
 * rule scans visit only these; at any other token they did nothing. */
/* us_rule_starts from the tokens' kinds, ids and text alone, as it was
 * before the tokeniser left the start bytes in the tokens (used when the
 * lexicon has no start bytes, and by a test against the fast pass). */
static void us_rule_starts_plain(us_doc *d)
{
    us_worker *w = d->w;
    size_t na = 0, nr = 0, nq = 0, k;
    for (k = 0; k < d->nt; k++) {
        const us_tok *t = &d->tk[k];
        uint32_t pt = t->tags;
        unsigned a = 0, r = 0;
        if (t->kind == US_T_WORD) {
            if (t->id >= 0) {
                unsigned b = d->estart[t->id];
                if (b & US_S_PHRASE) {
                    pt = us_phrase_tags_at(d, (uint32_t)k, (uint32_t)d->nt);
                    b |= (pt & US_REASON_START) ? US_S_REASON : 0;
                }
                a = b & US_S_ATTR;
                r = b & US_S_REASON;
            }
            if (!r && !(t->flags & US_F_CAP) && t->e - t->s >= 6)
                r = us_ends_with(d, (uint32_t)k, "est");
        } else if (t->kind == US_T_PUNCT) {
            a = t->e - t->s == 1 && d->text[t->s] == ':';
        } else {
            r = t->kind == US_T_NUM;
        }
        w->ptags[k] = pt;
        w->a_start[na] = (uint32_t)k;
        na += a != 0;
        w->r_start[nr] = (uint32_t)k;
        nr += r != 0;
        w->q_start[nq] = (uint32_t)k;
        nq += t->kind == US_T_QUOTE || (t->flags & (US_F_LINE | US_F_PARA));
    }
    w->n_a_start = na;
    w->n_r_start = nr;
    w->n_q_start = nq;
}

static void us_rule_starts(us_doc *d)
{
    us_worker *w = d->w;
    size_t na = 0, nr = 0, nq = 0, k;
    memset(w->q_open, 0xff, d->nt * sizeof *w->q_open); /* -1 */
    memset(w->q_close, 0xff, d->nt * sizeof *w->q_close);
    if (d->lx->estart != d->estart) {
        us_rule_starts_plain(d);
        return;
    }
    /* The tokeniser left each word's entry byte (US_S_*) and whether it
     * may be a superlative in its pad, and marked a colon of its own: no
     * branch but on phrases, no read of the text.  The arrays in locals:
     * the stores could alias them otherwise. */
    {
        const us_tok *tk = d->tk;
        uint32_t *ptags = w->ptags, *as = w->a_start, *rs = w->r_start, *qs = w->q_start;
        size_t nt = d->nt;
        for (k = 0; k < nt; k++) {
            us_tok t = tk[k];
            uint32_t pt = t.tags;
            unsigned b = (unsigned)t.pad >> US_TK_START_SHIFT, a, r;
            if (__builtin_expect(b & US_S_PHRASE, 0)) {
                pt = us_phrase_tags_at(d, (uint32_t)k, (uint32_t)nt);
                b |= (pt & US_REASON_START) ? US_S_REASON : 0;
            }
            a = (b & US_S_ATTR) | ((unsigned)t.pad & US_TK_COLON);
            r = (b & US_S_REASON) | (t.pad & US_TK_EST) | (t.kind == US_T_NUM);
            ptags[k] = pt;
            as[na] = (uint32_t)k;
            na += a != 0;
            rs[nr] = (uint32_t)k;
            nr += r != 0;
            qs[nq] = (uint32_t)k;
            nq += (t.kind == US_T_QUOTE) | ((t.flags & (US_F_LINE | US_F_PARA)) != 0);
        }
    }
    w->n_a_start = na;
    w->n_r_start = nr;
    w->n_q_start = nq;
}

/* The first of the n starts v[] at or after token x, from position c. */
static size_t us_seek_start(const uint32_t *v, size_t n, size_t c, uint32_t x)
{
    while (c > 0 && v[c - 1] >= x)
        c--;
    while (c < n && v[c] < x)
        c++;
    return c;
}

/* The attribution rules at token i of sentence s: -1 on error, else the
 * token to look at next (past an attribution found here). */
/* A headline in title case: three in four of its words of three letters
 * or more capitalised (looked at only when a cue word is capitalised). */
static int us_title_case(const us_doc *d, const us_sent *st)
{
    uint32_t k, words = 0, caps = 0;
    if (!st->headline)
        return 0;
    for (k = st->ts; k < st->te; k++)
        if (d->tk[k].kind == US_T_WORD && d->tk[k].e - d->tk[k].s >= 3) {
            words++;
            caps += (d->tk[k].flags & US_F_CAP) != 0;
        }
    return words >= 3 && 4 * caps >= 3 * words;
}

static int64_t us_attribution_at(us_doc *d, size_t s, uint32_t i, int32_t *last)
{
    us_worker *w = d->w;
    const us_sent *st = &w->sents[s];
    const us_tok *t = &d->tk[i];
    uint32_t n, tags;
    int r;
    if (us_punct_is(d, i, ':')) {
        r = us_colon_quote(d, s, i);
        if (r < 0)
            return -1;
        if (r > 0)
            *last = (int32_t)w->n_attrs - 1;
        return (int64_t)i + 1;
    }
    if (t->kind != US_T_WORD || t->id < 0)
        return (int64_t)i + 1;
    if (i == st->ts && us_word_is(d, i, "in")) {
        r = us_in_document(d, s, i);
        if (r < 0)
            return -1;
        if (r > 0) {
            *last = (int32_t)w->n_attrs - 1;
            return w->attrs[*last].cue1;
        }
    }
    n = us_phrase_at(d, i, st->te, US_CUE);
    if (n == 0)
        return (int64_t)i + 1;
    tags = us_phrase_tags_at(d, i, i + n) & (US_CUE | US_WEAK | US_NOUN);
    if (tags & US_ACCORD) {
        r = us_according(d, s, i, i + n);
    } else {
        int initial = i == st->ts || d->tk[i - 1].kind == US_T_QUOTE;
        /* A capitalised verb inside a sentence is a name ("State"), but
         * not in a headline in title case ("Mayor Lee Says Taxes Will Rise"). */
        if ((t->flags & US_F_CAP) && !initial && !us_title_case(d, st))
            return (int64_t)i + 1;
        /* After a determiner or a possessive it is a noun ("the report"). */
        if (i > st->ts && us_article(d, i - 1))
            return (int64_t)i + 1;
        if (i > st->ts && (us_ends_with(d, i - 1, "'s") || us_ends_with(d, i - 1, "\xe2\x80\x99s")))
            return (int64_t)i + 1;
        /* After a preposition too ("the number of attacks"). */
        if (i > st->ts && (d->tk[i - 1].tags & US_PREP) && !us_ends_with(d, i, "ed"))
            return (int64_t)i + 1;
        if (i + n < st->te && us_ends_with(d, i + n - 1, "s") && !us_ends_with(d, i + n - 1, "ss") &&
            (us_word_is(d, i + n, "of") || us_word_is(d, i + n, "about") ||
             us_word_is(d, i + n, "are") || us_word_is(d, i + n, "were")))
            return (int64_t)i + 1;
        r = us_verb_cue(d, s, i, i + n, tags, *last);
    }
    if (r < 0)
        return -1;
    if (r > 0) {
        *last = (int32_t)w->n_attrs - 1;
        return w->attrs[*last].cue1;
    }
    return (int64_t)i + 1;
}

/* A dash that signs a quotation: a dash of us_is_dash, the horizontal bar
 * (U+2015) or "--". */
static int us_is_signature_dash(const us_doc *d, uint32_t i)
{
    const us_tok *t = &d->tk[i];
    const unsigned char *p = (const unsigned char *)d->text + t->s;
    if (us_is_dash(d, i))
        return 1;
    if (t->kind != US_T_PUNCT)
        return 0;
    if (t->e - t->s == 2)
        return p[0] == '-' && p[1] == '-';
    return t->e - t->s == 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0x95;
}

/* A quotation signed after a dash, as pull quotes, letters and quoted
 * posts are: "“We will not wait.” ― Ana Ruiz".  The dash is the cue and
 * the name after it the source: one to five capitalised words (initials
 * with their full stops), ending the text or the line, or followed by
 * punctuation or a quotation mark.  q: a quotation chain's last region,
 * not yet attributed; s: the sentence of the token after it.  1 when it
 * makes an attribution, 0 when not, -1 out of memory. */
static int us_dash_signed(us_doc *d, size_t s, int32_t q)
{
    us_worker *w = d->w;
    uint32_t p = w->quotes[q].b + 1, k, n = 0;
    int32_t aid;
    us_attr *at;
    if (p >= d->nt || !us_is_signature_dash(d, p))
        return 0;
    for (k = p + 1; k < d->nt && n <= 5; k++) {
        const us_tok *t = &d->tk[k];
        if (k > p + 1 && (t->flags & US_F_LINE))
            break;
        if (t->kind == US_T_WORD && (t->flags & US_F_CAP))
            n++;
        else if (!(n > 0 && us_punct_is(d, k, '.') && d->tk[k - 1].kind == US_T_WORD &&
                   d->tk[k - 1].e - d->tk[k - 1].s == 1))
            break;
    }
    if (n == 0 || n > 5)
        return 0;
    if (k < d->nt && !(d->tk[k].flags & US_F_LINE) && d->tk[k].kind != US_T_QUOTE &&
        !us_punct_is(d, k, '.') && !us_punct_is(d, k, ',') && !us_punct_is(d, k, ';') &&
        !us_punct_is(d, k, '(') && !us_punct_is(d, k, ')'))
        return 0;
    at = us_attr_add(w, &aid, s, K_DIRECT, p, p + 1, (int32_t)(p + 1), (int32_t)k);
    if (at == NULL)
        return -1;
    us_set_quote_content(d, at, q, aid);
    return 1;
}

static int us_find_attributions(us_doc *d)
{
    us_worker *w = d->w;
    size_t s, c = 0, qc = 0;
    w->n_attrs = 0;
    for (s = 0; s < w->n_sents; s++) {
        const us_sent *st = &w->sents[s];
        int64_t i;
        int32_t last = -1;
        /* quotations signed after a dash that opens this sentence or lies
         * in it (before the sentence's other rules) */
        for (; qc < w->n_quotes && w->quotes[qc].b + 1 < st->te; qc++) {
            const us_quote *r = &w->quotes[qc];
            int k;
            if (r->b + 1 < st->ts || r->tail != (int32_t)qc || r->attr >= 0)
                continue;
            if ((k = us_dash_signed(d, s, (int32_t)qc)) < 0)
                return -1;
            if (k > 0)
                last = (int32_t)w->n_attrs - 1;
        }
        if (st->headline) {
            int r = us_headline_colon(d, s);
            if (r < 0)
                return -1;
            if (r > 0)
                last = (int32_t)w->n_attrs - 1;
        }
        if (d->plain) {
            /* every token, as the starts stand for */
            for (i = st->ts; i < st->te;)
                if ((i = us_attribution_at(d, s, (uint32_t)i, &last)) < 0)
                    return -1;
            continue;
        }
        c = us_seek_start(w->a_start, w->n_a_start, c, st->ts);
        while (c < w->n_a_start && w->a_start[c] < st->te) {
            if ((i = us_attribution_at(d, s, w->a_start[c], &last)) < 0)
                return -1;
            c = us_seek_start(w->a_start, w->n_a_start, c, (uint32_t)i);
        }
    }
    return 0;
}

/* A quotation nobody was given to, right after an attributed one (same or
 * next paragraph, nothing attributed in between), continues it. */
static int us_continue_quotes(us_doc *d)
{
    us_worker *w = d->w;
    size_t q;
    int32_t last_attr = -1;
    int last_para = -1;
    size_t n_before = w->n_attrs;
    size_t scan = 0; /* attributions seen so far, by cue position */
    for (q = 0; q < w->n_quotes; q++) {
        us_quote *r = &w->quotes[q];
        int para;
        if (r->head != (int32_t)q)
            continue;
        para = w->sents[w->tok_sent[r->a]].para;
        /* Any attribution with a cue before this quotation other than the
         * last owner breaks the run. */
        while (scan < n_before && w->attrs[scan].cue0 < r->a) {
            if ((int32_t)scan != last_attr && w->attrs[scan].kind != K_DIRECT)
                last_attr = -1;
            scan++;
        }
        if (r->attr >= 0) {
            last_attr = w->attrs[r->attr].parent >= 0 ? w->attrs[r->attr].parent : r->attr;
            last_para = w->sents[w->tok_sent[w->quotes[r->tail].b]].para;
            continue;
        }
        if (last_attr >= 0 && para - last_para <= 1 && r->b - r->a > 3) {
            int32_t aid = us_new_attr(w);
            us_attr *at;
            if (aid < 0)
                return -1;
            at = &w->attrs[aid];
            *at = w->attrs[last_attr];
            at->parent = last_attr;
            at->con0 = at->con1 = 0;
            us_set_quote_content(d, at, (int32_t)q, aid);
            at->source_last = 0;
            last_para = w->sents[w->tok_sent[w->quotes[r->tail].b]].para;
        } else {
            last_attr = -1;
        }
    }
    return 0;
}

/* ---- entities, quality, resolution ---- */

static int us_load_entities(us_doc *d, const json_t *arr)
{
    us_worker *w = d->w;
    size_t k, n = json_array_size(arr);
    us_cursor cur = {0, 0};
    w->n_ents = 0;
    for (k = 0; k < n; k++) {
        const json_t *e = json_array_get(arr, k);
        const char *lab;
        json_int_t a, b;
        us_ent *x;
        const json_t *ja = json_is_object(e) ? US_GET(e, "start") : NULL, *jb = ja ? US_GET(e, "end") : NULL;
        if (!json_is_integer(ja) || !json_is_integer(jb))
            continue;
        a = json_integer_value(ja);
        b = json_integer_value(jb);
        if (a < 0 || b <= a)
            continue;
        {
            size_t bs = us_cp_byte(d, &cur, (size_t)a), be = us_cp_byte(d, &cur, (size_t)b);
            if (bs == SIZE_MAX || be == SIZE_MAX)
                continue;
            US_GROW(w->ents, w->n_ents, w->cap_ents, w->n_ents + 1);
            x = &w->ents[w->n_ents++];
            x->bs = (uint32_t)bs;
            x->be = (uint32_t)be;
        }
        lab = json_string_value(US_GET(e, "label"));
        x->label = L_MISC;
        if (lab != NULL) {
            if (strcmp(lab, "PER") == 0)
                x->label = L_PER;
            else if (strcmp(lab, "ORG") == 0)
                x->label = L_ORG;
            else if (strcmp(lab, "LOC") == 0)
                x->label = L_LOC;
        }
        x->id = US_GET(e, "entity_id");
    }
    return 0;
oom:
    return -1;
}

/* The entity overlapping bytes [bs, be) best (PER and ORG first), or -1. */
static int32_t us_entity_in(const us_doc *d, uint32_t bs, uint32_t be, int per_org_only)
{
    const us_worker *w = d->w;
    size_t lo = 0, hi = w->n_ents, k;
    int32_t best = -1;
    uint32_t best_ov = 0;
    /* Entities are in text order: find the first that may overlap. */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->ents[mid].be <= bs)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (k = lo; k < w->n_ents && w->ents[k].bs < be; k++) {
        const us_ent *e = &w->ents[k];
        uint32_t a = e->bs > bs ? e->bs : bs, b = e->be < be ? e->be : be, ov;
        if (b <= a)
            continue;
        if (per_org_only && e->label != L_PER && e->label != L_ORG)
            continue;
        ov = (b - a) + ((e->label == L_PER || e->label == L_ORG) ? 1000000u : 0);
        if (ov > best_ov) {
            best_ov = ov;
            best = (int32_t)k;
        }
    }
    return best;
}

/* Does the span contain word w (case-insensitive)? */
static int us_span_has_word(const us_doc *d, uint32_t bs, uint32_t be, const us_tok *w)
{
    size_t n = w->e - w->s, i;
    if (be - bs < n)
        return 0;
    for (i = bs; i + n <= be; i++) {
        size_t k;
        if (i > bs && d->text[i - 1] != ' ' && d->text[i - 1] != '-')
            continue;
        for (k = 0; k < n; k++) {
            char a = d->text[i + k], b = d->text[w->s + k];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a + 32);
            if (b >= 'A' && b <= 'Z')
                b = (char)(b + 32);
            if (a != b)
                break;
        }
        if (k == n && (i + n == be || d->text[i + n] == ' ' || d->text[i + n] == '\''))
            return 1;
    }
    return 0;
}

static void us_quality(us_doc *d, int32_t aid)
{
    us_worker *w = d->w;
    us_attr *at = &w->attrs[aid];
    uint32_t a, b, k, head, caps = 0, caps_first = 0;
    uint32_t bs, be;
    int32_t e, r;
    int weasel = 0;
    if (at->parent >= 0 || at->src0 < 0) {
        if (at->src0 < 0)
            at->quality = Q_NONE;
        return;
    }
    a = (uint32_t)at->src0;
    b = (uint32_t)at->src1;
    bs = d->tk[a].s;
    be = d->tk[b - 1].e;
    /* The head: the last word, or the word before "of"/"for"/"at". */
    head = b - 1;
    for (k = a + 1; k < b; k++)
        if (d->tk[k].tags & US_PREP) {
            head = k - 1;
            break;
        }
    /* A person or organisation in the source names it; so does a place or
     * other entity that is the head itself ("China said"), but not one
     * that only qualifies it ("Chinese officials"). */
    e = us_entity_in(d, bs, be, 1);
    if (e < 0) {
        e = us_entity_in(d, d->tk[head].s, d->tk[head].e, 0);
        if (e >= 0 && w->ents[e].be < d->tk[head].e)
            e = -1;
    }
    if (e >= 0) {
        at->quality = Q_NAMED;
        at->label = w->ents[e].label;
        at->entity_id = w->ents[e].id;
        return;
    }
    if (b - a == 1 && (d->tk[a].tags & US_PRON)) {
        uint32_t want = (d->tk[a].tags & (US_PRON_M | US_PRON_F)) ? L_PER
                      : (d->tk[a].tags & (US_PRON_IT | US_PRON_PL)) ? L_ORG : L_NONE;
        at->quality = Q_NAMED;
        if (want == L_NONE)
            return;
        /* The nearest earlier source of that kind, or entity. */
        for (r = aid - 1; r >= 0; r--) {
            const us_attr *o = &w->attrs[r];
            if (o->parent < 0 && o->src0 >= 0 && o->label == (int)want && o->quality == Q_NAMED) {
                at->label = o->label;
                at->entity_id = o->entity_id;
                at->res_attr = o->res_attr >= 0 ? o->res_attr : r;
                return;
            }
        }
        for (k = (uint32_t)w->n_ents; k > 0; k--) {
            const us_ent *x = &w->ents[k - 1];
            if (x->be <= bs && x->label == (int)want) {
                at->label = x->label;
                at->entity_id = x->id;
                at->res_ent = (int32_t)(k - 1);
                return;
            }
        }
        return;
    }
    for (k = a; k < b; k++) {
        uint32_t n = us_phrase_at(d, k, (uint32_t)d->nt, US_WEASEL);
        int first = k == w->sents[at->sent].ts || (k > 0 && d->tk[k - 1].kind == US_T_QUOTE);
        if (n > 1 || (n == 1 && k == head))
            weasel = 1;
        if ((d->tk[k].flags & US_F_CAP) && d->tk[k].kind == US_T_WORD &&
            !(d->tk[k].tags & (US_DET | US_PRON | US_STOP | US_PREP)) &&
            !(d->tk[k].tags != 0 && first) &&
            !(d->have_entities && us_entity_in(d, d->tk[k].s, d->tk[k].e, 0) >= 0)) {
            if (first)
                caps_first++;
            else
                caps++;
        }
    }
    /* A capitalised first word before a vague head is no name ("Health
     * officials"); elsewhere a capitalised word is taken for a name. */
    if (caps > 0 || (caps_first > 0 && !weasel)) {
        at->quality = Q_NAMED;
        return;
    }
    if (weasel) {
        at->quality = Q_VAGUE;
        return;
    }
    /* A bare organisation noun: "police said". */
    if (head == a && (d->tk[head].tags & US_ROLE_ORG)) {
        at->quality = Q_NAMED;
        return;
    }
    if ((d->tk[head].tags & US_ROLE) && a < head &&
        (us_word_is(d, a, "the") || (d->tk[a].tags & (US_PRON_M | US_PRON_F | US_PRON_IT | US_PRON_PL)))) {
        at->quality = Q_NAMED;
        /* "the spokesperson", "the ministry": an earlier source or entity
         * that has the same word. */
        for (r = aid - 1; r >= 0; r--) {
            const us_attr *o = &w->attrs[r];
            if (o->parent < 0 && o->src0 >= 0 && o->quality == Q_NAMED && o->res_attr < 0 &&
                !(d->tk[o->src0].tags & US_DET) &&
                us_span_has_word(d, d->tk[o->src0].s, d->tk[o->src1 - 1].e, &d->tk[head])) {
                at->label = o->label;
                at->entity_id = o->entity_id;
                at->res_attr = r;
                return;
            }
        }
        for (k = (uint32_t)w->n_ents; k > 0; k--) {
            const us_ent *x = &w->ents[k - 1];
            if (x->be <= bs && us_span_has_word(d, x->bs, x->be, &d->tk[head])) {
                at->label = x->label;
                at->entity_id = x->id;
                at->res_ent = (int32_t)(k - 1);
                return;
            }
        }
        return;
    }
    at->quality = Q_VAGUE;
}

/* ---- claims ---- */

static int us_is_superlative_word(const us_doc *d, uint32_t i)
{
    static const char *const no[] = {"interest", "honest", "protest", "forest", "request",
                                     "suggest", "contest", "digest", "modest", "arrest",
                                     "invest", "harvest", "latest", "earnest", "manifest",
                                     "west", "midwest", "southwest", "northwest", "guest",
                                     "quest", "nest", "rest", "test", "best", "unrest",
                                     "behest", "conquest", "inquest", "attest", "detest", NULL};
    size_t k;
    const us_tok *t = &d->tk[i];
    if (t->kind != US_T_WORD || (t->flags & US_F_CAP) || t->e - t->s < 6 || !us_ends_with(d, i, "est"))
        return 0;
    for (k = 0; no[k] != NULL; k++)
        if (us_word_is(d, i, no[k]) || us_ends_with(d, i, no[k]))
            return 0;
    return 1;
}

/* The reasons token i gives its sentence (none but at a reason's start). */
static uint32_t us_reason_at(us_doc *d, const us_sent *st, uint32_t i, int have_numbers)
{
    const us_tok *t = &d->tk[i];
    uint32_t tags, r = 0;
    if (t->kind == US_T_NUM && !have_numbers)
        return R_NUMBER;
    if (t->kind != US_T_WORD)
        return 0;
    tags = d->w->ptags[i];
    if ((tags & US_NUMWORD) && !have_numbers)
        r |= R_NUMBER;
    if ((tags & US_SUPERL) || us_is_superlative_word(d, i))
        r |= R_SUPERL;
    if (tags & US_COMPAR)
        r |= R_COMPAR;
    if (tags & US_CAUSE)
        r |= R_CAUSE;
    if (tags & US_ACCUSE)
        r |= R_ACCUSE;
    /* Events from the list only: taking every past tense for one made
     * the decision worse on the check-worthiness training data. */
    if (!(t->flags & US_F_CAP) && !(tags & US_NOTEVENT) && (tags & US_EVENT) &&
        !(i > st->ts && us_article(d, i - 1)))
        r |= R_EVENT;
    return r;
}

static uint32_t us_reasons(us_doc *d, size_t s, int have_numbers)
{
    us_worker *w = d->w;
    const us_sent *st = &w->sents[s];
    uint32_t r = 0, i;
    size_t c;
    if (have_numbers && w->num_at[s] > 0)
        r |= R_NUMBER;
    if (d->plain) {
        for (i = st->ts; i < st->te; i++)
            r |= us_reason_at(d, st, i, have_numbers);
        return r;
    }
    c = us_seek_start(w->r_start, w->n_r_start, d->r_next, st->ts);
    for (; c < w->n_r_start && w->r_start[c] < st->te; c++)
        r |= us_reason_at(d, st, w->r_start[c], have_numbers);
    d->r_next = c;
    return r;
}

/* Questions, first-person opinion, page furniture: no claims. */
static int us_not_claim(us_doc *d, size_t s)
{
    const us_sent *st = &d->w->sents[s];
    /* words counted up to 7 only: the tests below ask no more (d->plain,
     * for the tests: all of them) */
    uint32_t i, words = 0, last = st->te, first, enough = d->plain ? UINT32_MAX : 7;
    for (i = st->ts; i < st->te && words < enough; i++)
        words += d->tk[i].kind == US_T_WORD || d->tk[i].kind == US_T_NUM;
    while (last > st->ts && (d->tk[last - 1].kind == US_T_QUOTE || us_punct_is(d, last - 1, ')')))
        last--;
    if (last > st->ts && us_punct_is(d, last - 1, '?'))
        return 1;
    first = st->ts;
    while (first < st->te && d->tk[first].kind != US_T_WORD)
        first++;
    if (first < st->te && (us_word_is(d, first, "but") || us_word_is(d, first, "and") ||
                           us_word_is(d, first, "so") || us_word_is(d, first, "well")))
        first++;
    while (first < st->te && d->tk[first].kind == US_T_PUNCT)
        first++;
    if (first < st->te && us_phrase_at(d, first, st->te, US_OPINION))
        return 1;
    if (words <= 6 && first < st->te && us_phrase_at(d, first, st->te, US_FURN))
        return 1;
    if (words < 4)
        return 1;
    /* A byline: "By Jane Smith". */
    if (words <= 5 && us_word_is(d, st->ts, "by") && (d->tk[st->ts].flags & US_F_CAP)) {
        for (i = st->ts + 1; i < st->te; i++)
            if (d->tk[i].kind == US_T_WORD && !(d->tk[i].flags & US_F_CAP) && !(d->tk[i].tags & US_PREP))
                break;
        if (i == st->te)
            return 1;
    }
    return 0;
}

/* ---- output ---- */

/* The integer v for the output: shared when small (tp_shared_int; each
 * saves the record an allocation and its writer a free), but with d->fresh
 * (tests) always made anew. */
static inline json_t *us_int(const us_doc *d, json_int_t v)
{
    return d->fresh ? json_integer(v) : tp_shared_int(v);
}

/* tp_span_new of the tokens [a, b): tokens begin and end on whole
 * characters, so its clamping and its second conversion back to bytes
 * change nothing and are left out; the code points come from the
 * document's cursor (a test compares the two): the start's, then the
 * end's by us_cursor_cp's forward walk without its call and tests (the
 * end is a character's first byte or the text's end, but after stray
 * bytes). */
static json_t *us_tok_span_text(us_doc *d, uint32_t a, uint32_t b, json_t **text)
{
    tp_text *t = d->w->t;
    size_t bs = d->tk[a].s, be = d->tk[b - 1].e, s, e, os, oe;
    json_t *span = json_object(), *tx;
    if (span == NULL)
        return NULL;
    s = us_cursor_cp(d, &d->cur, bs);
    if (d->ascii) {
        e = be;
    } else if (be < d->len && us_cont_byte((unsigned char)d->text[be])) {
        e = us_cursor_cp(d, &d->cur, be); /* stray bytes: walk back */
    } else {
        /* us_cursor_cp's forward walk from where the start left it */
        e = d->cur.cp + us_starts(d->text + d->cur.b, be - d->cur.b);
        d->cur.b = be;
        d->cur.cp = e;
    }
    tx = json_stringn_nocheck(d->text + bs, be - bs);
    if (text != NULL)
        *text = tx; /* borrowed from the span */
    if (US_SET_NEW(span, "start", us_int(d, (json_int_t)s)) != 0 ||
        US_SET_NEW(span, "end", us_int(d, (json_int_t)e)) != 0 ||
        US_SET_NEW(span, "text", tx) != 0)
        goto fail;
    if (tp_text_orig(t, s, e, &os, &oe) &&
        (US_SET_NEW(span, "orig_start", us_int(d, (json_int_t)os)) != 0 ||
         US_SET_NEW(span, "orig_end", us_int(d, (json_int_t)oe)) != 0))
        goto fail;
    return span;
fail:
    json_decref(span);
    return NULL;
}

static json_t *us_tok_span(us_doc *d, uint32_t a, uint32_t b)
{
    return us_tok_span_text(d, a, b, NULL);
}

static json_t *us_source_json(us_doc *d, const us_attr *at)
{
    us_worker *w = d->w;
    json_t *src;
    if (at->src0 < 0)
        return json_null();
    src = us_tok_span(d, (uint32_t)at->src0, (uint32_t)at->src1);
    if (src == NULL)
        return NULL;
    if (at->entity_id != NULL)
        US_SET(src, "entity_id", at->entity_id);
    if (at->label != L_NONE)
        US_SET(src, "label", w->str.label[at->label]);
    if (at->res_attr >= 0) {
        const us_attr *o = &w->attrs[at->res_attr];
        US_SET_NEW(src, "resolved_from", us_tok_span(d, (uint32_t)o->src0, (uint32_t)o->src1));
    } else if (at->res_ent >= 0) {
        const us_ent *x = &w->ents[at->res_ent];
        US_SET_NEW(src, "resolved_from", tp_span_new(w->t, x->bs, x->be));
    }
    return src;
}

static int us_write(us_doc *d, json_t *record, int have_numbers)
{
    us_worker *w = d->w;
    const us_strings *str = &w->str;
    json_t *attrs = json_array(), *claims = json_array();
    size_t k, s;
    int32_t *index = w->order; /* output position of each attribution */
    json_t **srcs;
    if (attrs == NULL || claims == NULL)
        goto oom;
    US_GROW(w->srcs, 0, w->cap_srcs, 3 * w->n_attrs + 3);
    srcs = w->srcs;
    memset(srcs, 0, (3 * w->n_attrs + 3) * sizeof *srcs);
    /* Attributions in the order of their content. Small n: insertion order
     * is nearly sorted already, so a simple insertion sort will do. */
    {
        int32_t *ord = w->best + w->n_sents; /* scratch after the per-sentence part */
        for (k = 0; k < w->n_attrs; k++) {
            size_t j = k;
            uint32_t key = w->attrs[k].con0;
            while (j > 0 && w->attrs[ord[j - 1]].con0 > key) {
                ord[j] = ord[j - 1];
                j--;
            }
            ord[j] = (int32_t)k;
        }
        for (k = 0; k < w->n_attrs; k++) {
            const us_attr *at = &w->attrs[ord[k]];
            const us_attr *src = at->parent >= 0 ? &w->attrs[at->parent] : at;
            json_t *o = json_object(), *sj;
            if (o == NULL)
                goto oom;
            index[ord[k]] = (int32_t)k;
            US_SET_NEW(o, "sentence", us_int(d, src->sent));
            US_SET(o, "kind", str->kind[at->kind]);
            US_SET(o, "quality", str->quality[src->quality]);
            if (at->parent >= 0 && srcs[3 * at->parent] != NULL) {
                /* A continued quotation shares its cue and source objects. */
                US_SET(o, "cue", srcs[3 * at->parent + 1]);
                US_SET(o, "source", srcs[3 * at->parent]);
                srcs[3 * ord[k]] = srcs[3 * at->parent];
                srcs[3 * ord[k] + 1] = srcs[3 * at->parent + 1];
                srcs[3 * ord[k] + 2] = srcs[3 * at->parent + 2];
            } else {
                json_t *cj = us_tok_span_text(d, src->cue0, src->cue1, &srcs[3 * ord[k] + 2]);
                sj = us_source_json(d, src);
                if (sj == NULL || cj == NULL) {
                    json_decref(sj);
                    json_decref(cj);
                    json_decref(o);
                    goto oom;
                }
                US_SET_NEW(o, "cue", cj);
                US_SET_NEW(o, "source", sj);
                srcs[3 * ord[k]] = sj; /* shared with the claims, */
                srcs[3 * ord[k] + 1] = cj; /* and the cue's text too */
            }
            US_SET_NEW(o, "content", us_tok_span(d, at->con0, at->con1));
            if (at->parent >= 0)
                US_SET_NEW(o, "continues", json_true());
            if (json_array_append_new(attrs, o) != 0)
                goto oom;
        }
    }
    for (s = 0; s < w->n_sents; s++) {
        uint32_t reasons;
        json_t *c, *rs;
        int32_t b;
        int from_para = -1;
        size_t r;
        if (us_not_claim(d, s))
            continue;
        reasons = us_reasons(d, s, have_numbers);
        if (reasons == 0)
            continue;
        b = w->best[s];
        if (b < 0) {
            /* The paragraph's closing "..., X said." covers it. */
            size_t s2;
            for (s2 = s + 1; s2 < w->n_sents && w->sents[s2].para == w->sents[s].para; s2++)
                if (w->best[s2] >= 0 && w->attrs[w->best[s2]].source_last &&
                    w->attrs[w->best[s2]].sent == (int)s2) {
                    b = w->best[s2];
                    from_para = (int)s2;
                    break;
                }
        }
        c = json_object();
        rs = json_array();
        if (c == NULL || rs == NULL) {
            json_decref(c);
            json_decref(rs);
            goto oom;
        }
        US_SET_NEW(c, "sentence", us_int(d, (json_int_t)s));
        for (r = 0; r < 6; r++)
            if (reasons & (1u << r))
                json_array_append(rs, str->reason[r]);
        if (b >= 0) {
            const us_attr *at = &w->attrs[b];
            const us_attr *src = at->parent >= 0 ? &w->attrs[at->parent] : at;
            int ssent = src->sent;
            US_SET(c, "status", str->status[src->quality]);
            US_SET_NEW(c, "reasons", rs);
            /* the text of the cue's span (the same tokens) */
            US_SET(c, "cue", srcs[3 * b + 2]);
            if (src->src0 >= 0)
                US_SET(c, "source", srcs[3 * b]);
            US_SET_NEW(c, "attribution", us_int(d, index[b]));
            if (from_para >= 0)
                ssent = from_para;
            if (ssent != (int)s)
                US_SET_NEW(c, "source_sentence", us_int(d, ssent));
        } else {
            US_SET(c, "status", str->status[Q_NONE]);
            US_SET_NEW(c, "reasons", rs);
        }
        if (json_array_append_new(claims, c) != 0)
            goto oom;
    }
    US_SET_NEW(record, "attributions", attrs);
    US_SET_NEW(record, "claims", claims);
    return 0;
oom:
    json_decref(attrs);
    json_decref(claims);
    return -1;
}

/* ---- process ---- */


/* ---- the attribution tagger ---- */

/* Does the tagger look at sentence st, and at which of its tokens?  Only
 * where an attribution can be: a sentence with a word of the cue lists
 * (any form, weak or noun), a quotation mark, a colon, or something the
 * rules found (a quotation or an attribution: rule labels, set before).
 * Elsewhere every label is "none"; most of a news story's sentences hold
 * none of these.  In one pass, the tokens [wa, wb) it labels: from wl
 * tokens before its first cue word, quotation mark, colon or rule cue to
 * wr tokens after its last (the whole sentence when it has none, only
 * other rule labels); the model was trained on the same windows (their
 * edges are its sentence edges) and the tokens outside are "none". */
static int us_tag_window(us_doc *d, us_sent *st, uint32_t wl, uint32_t wr)
{
    const us_worker *w = d->w;
    uint32_t k, a = UINT32_MAX, b = 0;
    unsigned rules = 0;
    for (k = st->ts; k < st->te; k++) {
        const us_tok *t = &d->tk[k];
        const unsigned r = w->ti[k].rule;
        rules |= r;
        if ((t->tags & US_TAG_GATE) || (r & 3) == 2 || t->kind == US_T_QUOTE || (t->pad & US_TK_COLON)) {
            if (a == UINT32_MAX)
                a = k;
            b = k + 1;
        }
    }
    if (a == UINT32_MAX) {
        st->wa = st->ts;
        st->wb = st->te;
        return rules != 0;
    }
    st->wa = a - st->ts > wl ? a - wl : st->ts;
    st->wb = st->te - b > wr ? b + wr : st->te;
    return 1;
}

/* Per-token facts for the tagger: word hashes, shapes, quotations, and
 * what the rules found; for the tokens the tagger looks at (us_tag_window;
 * of every sentence for the trainer). */
static int us_tag_prepare(us_doc *d, int all, uint32_t wl, uint32_t wr)
{
    us_worker *w = d->w;
    size_t k, q, s;
    if (d->nt > w->cap_ti) {
        size_t c = w->cap_ti ? w->cap_ti : 256;
        void *p;
        while (c < d->nt)
            c *= 2;
        if ((p = realloc(w->ti, c * sizeof *w->ti)) == NULL)
            return -1;
        w->ti = p;
        if ((p = realloc(w->tlab, c)) == NULL)
            return -1;
        w->tlab = p;
        w->cap_ti = c;
    }
    for (k = 0; k < d->nt; k++)
        w->ti[k].rule = 0;
    for (q = 0; q < w->n_quotes; q++)
        for (k = w->quotes[q].a; k <= w->quotes[q].b; k++)
            w->ti[k].rule = 4;
    for (q = 0; q < w->n_attrs; q++) {
        const us_attr *at = &w->attrs[q];
        for (k = at->con0; k < at->con1; k++)
            w->ti[k].rule = (uint8_t)((w->ti[k].rule & 4) | 3);
        if (at->src0 >= 0)
            for (k = (size_t)at->src0; k < (size_t)at->src1; k++)
                w->ti[k].rule = (uint8_t)((w->ti[k].rule & 4) | 1);
        for (k = at->cue0; k < at->cue1; k++)
            w->ti[k].rule = (uint8_t)((w->ti[k].rule & 4) | 2);
    }
    for (s = 0; s < w->n_sents; s++) {
        us_sent *st = &w->sents[s];
        st->tag = us_tag_window(d, st, wl, wr) || all;
        if (!st->tag)
            continue;
        for (k = st->wa; k < st->wb; k++) {
            const us_tok *t = &d->tk[k];
            us_tokinfo *x = &w->ti[k];
            const char *str = d->text + t->s;
            size_t n = t->e - t->s;
            x->suf = 0;
            switch (t->kind) {
            case US_T_NUM:
                x->h = 0x6e756dull;
                x->shape = 3;
                break;
            case US_T_WORD:
                /* the hashes of its folded form, from the tokeniser (as
                 * us_fnv64 of us_fold gives them; a test compares) */
                x->shape = (t->flags & US_F_CAP) ? 1 : 0;
                if (t->pad & US_TK_LONG) {
                    /* too long to fold: one hash for all such words (and no
                     * capital second letter, as seen in its folded copy) */
                    x->h = x->suf = 0x6c6f6e67ull;
                    break;
                }
                x->h = w->toks.wh[2 * k];
                x->suf = w->toks.wh[2 * k + 1];
                if ((t->flags & US_F_CAP) && n > 1 && str[1] >= 'A' && str[1] <= 'Z')
                    x->shape = 2;
                break;
            case US_T_QUOTE:
                x->h = 0x71756f7465ull;
                x->shape = (t->flags & US_F_QOPEN) ? 5 : (t->flags & US_F_QCLOSE) ? 6 : 7;
                break;
            default:
                x->h = us_fnv64(str, n < 4 ? n : 4);
                x->shape = 4;
                break;
            }
        }
    }
    return 0;
}

/* Room for the features of a sentence of n tokens. */
static int us_tag_fit(us_worker *w, size_t n)
{
    void *p;
    size_t c = w->cap_sent_tok ? w->cap_sent_tok : 128;
    if (n <= w->cap_sent_tok)
        return 0;
    while (c < n)
        c *= 2;
    if ((p = realloc(w->F, c * US_NF * sizeof *w->F)) == NULL)
        return -1;
    w->F = p;
    if ((p = realloc(w->near, 2 * c * sizeof *w->near)) == NULL)
        return -1;
    w->near = p;
    if ((p = realloc(w->em, (c * US_NL + 8) * sizeof *w->em)) == NULL) /* us_viterbi reads one more */
        return -1;
    w->em = p;
    if ((p = realloc(w->back, c * US_BACK)) == NULL)
        return -1;
    w->back = p;
    if ((p = realloc(w->acc, (c + 4) * US_LANES * sizeof *w->acc)) == NULL) /* us_emissions_body */
        return -1;
    w->acc = p;
    w->cap_sent_tok = c;
    return 0;
}

/* Label every token of the document with the model. */
static int us_tag_doc(const us_model *m, us_doc *d)
{
    us_worker *w = d->w;
    size_t s;
    if (w->wc == NULL && (w->wc = us_wcache_new()) == NULL)
        return -1;
    for (s = 0; s < w->n_sents; s++) {
        const us_sent *st = &w->sents[s];
        uint32_t n = st->te - st->ts;
        if (n == 0)
            continue;
        if (!st->tag) {
            memset(w->tlab + st->ts, US_L_O, n);
            continue;
        }
        /* outside the window: none */
        memset(w->tlab + st->ts, US_L_O, st->wa - st->ts);
        memset(w->tlab + st->wb, US_L_O, st->te - st->wb);
        n = st->wb - st->wa;
        if (n == 0)
            continue;
        if (us_tag_fit(w, n) != 0)
            return -1;
        if (us_model_emissions_fast(m, w->wc, w->ti, d->tk, st->wa, st->wb, w->F, w->acc, w->em) != 0) {
            us_tag_feats(w->ti, d->tk, st->wa, st->wb, w->F, w->near);
            us_model_emissions(m, w->F, n, w->em);
        }
        w->em[(size_t)n * US_NL] = 0; /* read by us_viterbi, never used */
        us_viterbi_r(w->em, n, m->vrows, m->start, m->end, w->back, w->tlab + st->wa);
    }
    return 0;
}

/* The end of the span of kind `kind` (1 source, 2 cue, 3 content) that
 * starts at token i. */
static uint32_t us_tag_span_end(const us_worker *w, uint32_t i, uint32_t te)
{
    int inside = w->tlab[i] + 1;
    uint32_t j = i + 1;
    while (j < te && w->tlab[j] == inside)
        j++;
    return j;
}

/* Rules and model together: a rule attribution stands when the model
 * labels part of its cue a cue; a cue only the model found becomes an
 * attribution with the model's nearest source and content in its
 * sentence. */
static int us_tag_merge(us_doc *d)
{
    us_worker *w = d->w;
    size_t k, n0 = w->n_attrs, kept = 0, s;
    US_GROW(w->remap, 0, w->cap_remap, n0 + 1);
    for (k = 0; k < n0; k++) {
        const us_attr *at = &w->attrs[k];
        uint32_t i;
        int hit = 0;
        for (i = at->cue0; i < at->cue1 && !hit; i++)
            hit = US_KIND_OF(w->tlab[i]) == 2;
        /* A headline's or a transcript's colon ("LEE: ..."): structure
         * the model rarely sees; keep what the rules say. */
        if (at->kind == K_HEADLINE || d->tk[at->cue0].kind == US_T_PUNCT)
            hit = 1;
        if (hit) {
            w->remap[k] = (int32_t)kept;
            if (kept != k)
                w->attrs[kept] = w->attrs[k];
            kept++;
        } else {
            w->remap[k] = -1;
        }
    }
    w->n_attrs = kept;
    for (k = 0; k < w->n_quotes; k++)
        if (w->quotes[k].attr >= 0)
            w->quotes[k].attr = w->remap[w->quotes[k].attr];
    /* Mark the cues still standing (8), and their sources (16): a cue the
     * model sees inside a name the rules gave as a source ("― Pia Lund")
     * is no attribution of its own. */
    for (k = 0; k < kept; k++) {
        const us_attr *at = &w->attrs[k];
        uint32_t i;
        for (i = at->cue0; i < at->cue1; i++)
            w->ti[i].rule |= 8;
        for (i = at->src0 >= 0 ? (uint32_t)at->src0 : 0; at->src0 >= 0 && i < (uint32_t)at->src1; i++)
            w->ti[i].rule |= 16;
    }
    for (s = 0; s < w->n_sents; s++) {
        const us_sent *st = &w->sents[s];
        uint32_t i = st->ts;
        while (i < st->te) {
            uint32_t c0 = i, c1, j, best_a = 0, best_b = 0, con_a = 0, con_b = 0;
            uint32_t bestd = UINT32_MAX, cond = UINT32_MAX;
            int taken = 0;
            int32_t aid;
            us_attr *at;
            if (w->tlab[i] != US_L_BCUE) {
                i++;
                continue;
            }
            c1 = us_tag_span_end(w, i, st->te);
            i = c1;
            for (j = c0; j < c1; j++)
                taken |= (w->ti[j].rule & (8 | 16)) != 0;
            if (taken)
                continue;
            for (j = st->ts; j < st->te;) {
                uint32_t e, dist;
                int kind = w->tlab[j] == US_L_BSRC ? 1 : w->tlab[j] == US_L_BCON ? 3 : 0;
                if (kind == 0) {
                    j++;
                    continue;
                }
                e = us_tag_span_end(w, j, st->te);
                dist = e <= c0 ? c0 - e : j - c1;
                if (kind == 1 && dist < bestd)
                    bestd = dist, best_a = j, best_b = e;
                if (kind == 3 && dist < cond)
                    cond = dist, con_a = j, con_b = e;
                j = e;
            }
            if ((aid = us_new_attr(w)) < 0)
                return -1;
            at = &w->attrs[aid];
            at->cue0 = c0;
            at->cue1 = c1;
            at->sent = (int)s;
            at->kind = K_INDIRECT;
            if (bestd != UINT32_MAX) {
                at->src0 = (int32_t)best_a;
                at->src1 = (int32_t)best_b;
            }
            if (cond != UINT32_MAX) {
                us_set_content(d, at, con_a, con_b);
            } else if (at->src0 >= 0 && (uint32_t)at->src0 >= c1 && c0 > st->ts) {
                us_set_content(d, at, st->ts, c0);
            } else if (c1 < st->te) {
                us_set_content(d, at, at->src0 >= 0 && (uint32_t)at->src1 > c1 ? (uint32_t)at->src1 : c1, st->te);
            } else {
                us_set_content(d, at, st->ts, c0);
            }
            if (at->con1 <= at->con0) {
                w->n_attrs--;
                continue;
            }
            if (at->src0 >= 0 && (uint32_t)at->src0 >= c1 && at->con1 <= c0)
                at->source_last = 1;
            if (w->q_open[at->con0] >= 0 && w->quotes[w->q_open[at->con0]].attr < 0)
                us_set_quote_content(d, at, w->q_open[at->con0], aid);
        }
    }
    return 0;
oom:
    return -1;
}

static int us_process(void *instance, void *worker, json_t *record, tp_error *err)
{
    us_instance *in = instance;
    us_worker *w = worker;
    us_doc d;
    const json_t *sj, *nj, *ej;
    int have_numbers;
    size_t k, s;
    if (w == NULL)
        return tp_error_set(err, NULL, "unsourced: no worker state");
    if (!json_is_object(record) || tp_text_load(w->t, record) != 0)
        return tp_error_set(err, NULL, "record has no string \"text\"");
    memset(&d, 0, sizeof d);
    d.lx = &in->lex;
    d.w = w;
    d.text = tp_text_bytes(w->t);
    d.len = tp_text_len(w->t);
    if (d.len > UINT32_MAX - 1)
        return tp_error_set(err, NULL, "text longer than 4 GiB");
    w->toks.want_wh = in->tagger || in->train_only;
    if (unsourced_tokenize(&w->toks, &in->lex, d.text, d.len) != 0)
        goto oom;
    d.tk = w->toks.v;
    d.nt = w->toks.n;
    d.ascii = us_is_ascii(d.text, d.len);
    w->n_sents = w->n_quotes = w->n_attrs = w->n_ents = 0;
    if (d.nt == 0) {
        US_SET_NEW(record, "attributions", json_array());
        US_SET_NEW(record, "claims", json_array());
        return TP_OK;
    }
    if (d.nt > w->cap_tok) {
        /* The per-token arrays share one capacity, raised only once all
         * of them have room (after a failed realloc none is smaller than
         * cap_tok says). */
        size_t cap = w->cap_tok ? w->cap_tok : 64;
        while (cap < d.nt)
            cap *= 2;
        US_RESIZE(w->tok_sent, cap);
        US_RESIZE(w->q_open, cap);
        US_RESIZE(w->q_close, cap);
        US_RESIZE(w->ptags, cap);
        US_RESIZE(w->a_start, cap);
        US_RESIZE(w->r_start, cap);
        US_RESIZE(w->q_start, cap);
        w->cap_tok = cap;
    }
    d.plain = in->plain_rules;
    d.fresh = in->fresh_ints;
    d.estart = in->estart;
    us_rule_starts(&d);
    sj = US_GET(record, "sentences");
    {
        int r = 1;
        if (json_is_array(sj) && json_array_size(sj) > 0)
            r = us_record_sentences(&d, sj);
        if (r < 0)
            goto oom;
        if (r > 0) {
            if (json_is_array(sj) && json_array_size(sj) > 0)
                tp_record_warn(record, "unsourced", "unusable \"sentences\"; splitting the text itself");
            if (us_split(&d) != 0)
                goto oom;
        }
    }
    us_mark_sentences(&d);
    ej = US_GET(record, "entities");
    d.have_entities = json_is_array(ej);
    if (d.have_entities && us_load_entities(&d, ej) != 0)
        goto oom;
    /* Per-sentence arrays; best[] also lends scratch to the writer. */
    {
        size_t want = w->n_sents + 1, c = w->cap_sent_arrays;
        void *p;
        if (want > c) {
            while (c < want)
                c = c ? c * 2 : 64;
            if ((p = realloc(w->num_at, c * sizeof *w->num_at)) == NULL)
                goto oom;
            w->num_at = p;
            w->cap_sent_arrays = c;
        }
    }
    nj = US_GET(record, "numbers");
    have_numbers = json_is_array(nj);
    for (s = 0; s < w->n_sents; s++)
        w->num_at[s] = 0;
    if (have_numbers) {
        us_cursor cur = {0, 0};
        for (k = 0; k < json_array_size(nj); k++) {
            const json_t *x = json_array_get(nj, k);
            json_int_t a;
            uint32_t b;
            size_t lo = 0, hi = w->n_sents, sb;
            if (!json_is_object(x) || !json_is_integer(US_GET(x, "start")))
                continue;
            a = json_integer_value(US_GET(x, "start"));
            if (a < 0 || (sb = us_cp_byte(&d, &cur, (size_t)a)) >= d.len)
                continue;
            b = (uint32_t)sb;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (w->sents[mid].be <= b)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < w->n_sents && w->sents[lo].bs <= b)
                w->num_at[lo]++;
        }
    }
    if (us_find_quotes(&d) != 0 || us_find_attributions(&d) != 0)
        goto oom;
    if ((in->tagger || in->train_only) && us_tag_prepare(&d, in->train_only && !in->train_gated, in->model.win_l,
                                                             in->model.win_r) != 0)
        goto oom;
    if (in->tagger && (us_tag_doc(&in->model, &d) != 0 || us_tag_merge(&d) != 0))
        goto oom;
    if (us_continue_quotes(&d) != 0)
        goto oom;
    for (k = 0; k < w->n_attrs; k++)
        us_quality(&d, (int32_t)k);
    /* best[s]: the best attribution whose content covers sentence s;
     * order[]: output positions.  best[] has room for the writer's scratch. */
    {
        size_t want = w->n_sents + w->n_attrs + 1;
        US_GROW(w->best, 0, w->cap_best, want);
        US_GROW(w->order, 0, w->cap_order, want);
    }
    for (s = 0; s < w->n_sents; s++)
        w->best[s] = -1;
    for (k = 0; k < w->n_attrs; k++) {
        const us_attr *at = &w->attrs[k];
        const us_attr *src = at->parent >= 0 ? &w->attrs[at->parent] : at;
        int32_t s0 = w->tok_sent[at->con0], s1 = w->tok_sent[at->con1 - 1], x;
        if (w->tok_sent[at->cue0] < s0)
            s0 = w->tok_sent[at->cue0];
        if (w->tok_sent[at->cue0] > s1)
            s1 = w->tok_sent[at->cue0];
        for (x = s0; x <= s1; x++) {
            int32_t cur = w->best[x];
            const us_attr *cs = cur >= 0 ? (w->attrs[cur].parent >= 0 ? &w->attrs[w->attrs[cur].parent] : &w->attrs[cur]) : NULL;
            if (cs == NULL || src->quality > cs->quality)
                w->best[x] = (int32_t)k;
        }
    }
    if (us_write(&d, record, have_numbers) != 0)
        goto oom;
    return TP_OK;
oom:
    return tp_error_set(err, NULL, "out of memory");
}

static const tp_plugin us_descriptor = {
    TP_PLUGIN_ABI,
    .name = "unsourced",
    .version = "1.0",
    .description = "which claims carry a source, a vague one, or none",
    .options = us_options,
    .reads = us_reads,
    .writes = us_writes,
    .create = us_create,
    .worker_init = us_worker_init,
    .process = us_process,
    .worker_fini = us_worker_fini,
    .destroy = us_destroy,
};

TEXTPIPE_PLUGIN(unsourced)
{
    return &us_descriptor;
}
