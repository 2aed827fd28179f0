/*
 * entities: the sequence tagger shared by the stage, its tests and the
 * training program.
 *
 * Labels are BILOU over four types (PER ORG LOC MISC): label 0 is O, label
 * 1 + 4 * type + k is B, I, L, U for k = 0..3.  Every feature is either a
 * property of one word seen from a relative offset -2..2 (so that what a
 * known word adds at each offset can be summed once, when first met) or a property
 * of a position (sentence start, document casing, multi-word list matches).
 * Features are hashed into a table of 2^hbits rows of one weight per label.
 */
#ifndef ENTITIES_NER_H
#define ENTITIES_NER_H

#include <stddef.h>
#include <stdint.h>

/* The stage compiles this file into itself with ENT_API defined as static,
 * so that the plugin exports nothing but its entry. */
#ifndef ENT_API
#define ENT_API
#define ENT_DATA extern
#else
#define ENT_DATA ENT_API
#endif

#define ENT_NTYPES 4
#define ENT_NL 17
#define ENT_WIN 2                    /* offsets -2..2 */
#define ENT_NOFF (2 * ENT_WIN + 1)
#define ENT_MAXFEAT 48               /* word features of one word */
#define ENT_MAXPOS 12                /* position features of one position */
#define ENT_GAZ_MAXLEN 8             /* tokens of a multi-word list entry */

/* Gazetteer kinds of the built-in lists (bit numbers in ent_lexinfo.gaz). */
enum { ENT_GAZ_PER, ENT_GAZ_ORG, ENT_GAZ_LOC, ENT_GAZ_MISC, ENT_GAZ_FIRST, ENT_GAZ_NKINDS };

#define ENT_LABEL(type, k) (1 + 4 * (type) + (k))
#define ENT_TYPE(label) (((label) - 1) / 4)
#define ENT_K(label) (((label) - 1) % 4)
enum { ENT_B, ENT_I, ENT_L, ENT_U };

ENT_DATA const char *const entities_type_names[ENT_NTYPES];
ENT_DATA const char *const entities_gaz_names[ENT_GAZ_NKINDS];

/* What the lexicon knows of a lower-cased word from unlabelled news and the
 * built-in lists. */
typedef struct ent_lexinfo {
    uint16_t cluster;   /* path in the cluster tree, most significant bit first */
    uint8_t clen;       /* its length in bits; 0: no cluster */
    uint8_t casing;     /* 0 unseen, 1..4: how often it is capitalised mid-sentence */
    uint16_t gaz;       /* bits 0..4: a list entry of that kind is this word;
                           bits 8..12: the word is part of a longer entry;
                           bit 15: a longer entry starts with it */
    uint16_t pad;
} ent_lexinfo;

#define ENT_GAZ_PART(k) (1u << (8 + (k)))
#define ENT_GAZ_STARTS 0x8000u
#define ENT_GAZ_PARTS 0x1f00u  /* all the ENT_GAZ_PART bits */

/* A read-only table: lower-cased word -> ent_lexinfo. */
typedef struct ent_lex {
    uint32_t n;
    const char *const *words;    /* n words (not NUL-terminated: see lens) */
    const uint16_t *lens;
    const ent_lexinfo *info;
    uint32_t *index;             /* open addressing, capacity index_mask + 1: a word's
                                    number (bits index_kmask) and the top bits of its
                                    hash above it; UINT32_MAX is empty */
    uint32_t index_mask;
    uint32_t index_kmask;
    /* multi-word list entries: hash of the token sequence -> kind bits */
    uint32_t ngaz;
    const uint64_t *gaz_keys;
    const uint32_t *gaz_kinds;
    uint32_t *gaz_index;
    uint32_t gaz_mask;
} ent_lex;

/* One token as the tagger sees it. */
typedef struct ent_tok {
    const char *s;
    uint32_t len;
} ent_tok;

/* A word feature: its hash and the offsets (bit d+2) it fires at. */
typedef struct ent_wfeat {
    uint64_t h;
    uint32_t mask;
} ent_wfeat;

/* Per-document casing evidence (per worker; no allocation per record once
 * grown). */
typedef struct ent_docent { /* 16 bytes: four to a cache line */
    uint64_t key;       /* hash of the lower-cased word */
    uint32_t hist;      /* tagged so far: four 8-bit counts, PER ORG LOC MISC */
    uint16_t stamp;     /* the document it belongs to (ent_doc.gen) */
    uint8_t bits;       /* 1: seen lower-case mid-sentence, 2: capitalised */
    uint8_t ocount;     /* capitalised and tagged O so far */
} ent_docent;

typedef struct ent_doc {
    ent_docent *e;      /* open addressing; one cache line holds what a look-up needs */
    uint32_t cap, n, gen, nhist;
    uint32_t live;      /* the slots this document uses: a power of two, at most cap */
    /* optionally, the document's tokens and each one's entry once known
     * (-1: not yet), so that each token is looked up once */
    const ent_tok *base;
    size_t nbase, slotcap;
    int32_t *slot;
    uint8_t *cc;        /* each token's capitalisation class + 1 once known (0: not yet) */
} ent_doc;

/* Hashing. */
ENT_API uint64_t entities_hash(const void *p, size_t n, uint64_t seed);
ENT_API uint32_t entities_slot(uint64_t h, int offset, unsigned hbits);

/* Lexicon (the arrays stay owned by the caller). */
ENT_API int entities_lex_index(ent_lex *lex);
ENT_API void entities_lex_free_index(ent_lex *lex);
ENT_API const ent_lexinfo *entities_lex_find(const ent_lex *lex, const char *lower, size_t len);
ENT_API uint32_t entities_gaz_find(const ent_lex *lex, uint64_t key);
ENT_API uint64_t entities_gaz_key(const ent_tok *toks, size_t n);

/* Lower-case ASCII letters of s into out (at most cap bytes); returns the length. */
ENT_API size_t entities_lower(char *out, size_t cap, const char *s, size_t len);

/* The word features of one token. */
ENT_API int entities_word_feats(const ent_lex *lex, const char *s, size_t len, ent_wfeat *out);

/* Sentence-level facts for position features. */
ENT_API int entities_all_caps(const ent_tok *toks, size_t n);

/* Position features of every token of a sentence: for token i, pf[i * ENT_MAXPOS ...]
 * with npf[i] of them.  info, if not NULL, holds each token's lexicon entry
 * (NULL where it has none), saving the look-ups. */
ENT_API void entities_pos_feats(const ent_lex *lex, const ent_doc *doc, const ent_tok *toks,
                        size_t n, const ent_lexinfo *const *info, uint64_t *pf, uint8_t *npf);

/* Document casing evidence. */
ENT_API void entities_doc_init(ent_doc *d);
ENT_API void entities_doc_free(ent_doc *d);
ENT_API int entities_doc_reset(ent_doc *d, size_t ntokens_hint);
/* After a reset: the document is the n tokens at toks, and every token
 * passed to the functions below for it is one of them (so each is looked
 * up once).  Optional. */
ENT_API int entities_doc_tokens(ent_doc *d, const ent_tok *toks, size_t n);
ENT_API void entities_doc_add_sentence(ent_doc *d, const ent_tok *toks, size_t n);
ENT_API unsigned entities_doc_get(const ent_doc *d, const char *s, size_t len);
/* Remember the types the tagger gave the words of a sentence ... */
ENT_API void entities_doc_add_labels(ent_doc *d, const ent_tok *toks, size_t n, const uint8_t *labels);
/* ... and the feature they make for a capitalised word later on (0: none). */
ENT_API uint64_t entities_hist_feat(const ent_doc *d, const ent_tok *t, size_t i);
/* Once the whole document has been tagged (a first pass, its labels in d),
 * the feature of what the other mentions of the same capitalised word were
 * tagged, its own label lab left out (0: none).  A second pass adds it. */
ENT_API uint64_t entities_doc_feat(const ent_doc *d, const ent_tok *t, size_t i, unsigned lab);

/* Decoding tables made once from the transitions, start and end scores
 * (entities_dec_init): the transitions from each of the nine labels that
 * can be followed by O, B-x or U-x to each of those, laid out for the
 * vector loops. */
typedef struct ent_dec {
    float trans[ENT_NL * ENT_NL], start[ENT_NL], end[ENT_NL];
    float fw[9][16];    /* fw[q][k]: closed label q to start label k (lanes 9..15: never read) */
    float fwl[9][16];   /* the same in the lanes of the labels, U-MISC (16) in lane 2 (of I-PER,
                           an inside label), the other inside lanes NEG */
    float bw[9][16];    /* bw[k][q]: the same, lanes over q */
    float bwl[9][16];   /* the same in the lanes of the labels, O-closed label 16 (U-MISC) in
                           lane 1 (of B-PER, an open label), the other open lanes NEG */
    float inb[16], ini[16]; /* for an inside label c < 16: from B-x and I-x of its type to c */
    float oi[16], ol[16];   /* for an open label c (B-x, I-x): from c to I-x and L-x of its type */
} ent_dec;

/* Transitions allowed by BILOU. */
ENT_API int entities_allowed(int prev, int cur);
ENT_API int entities_allowed_start(int cur);
ENT_API int entities_allowed_end(int prev);

/* Best label sequence for emission scores em[n][ENT_NL] (in place of
 * nothing: back is scratch of n * ENT_NL bytes, delta of 2 * ENT_NL floats).
 * With mm non-NULL (n * ENT_NL floats) and bwd (n * ENT_NL floats) also
 * fills max-marginals: the best full-path score through each label. */
ENT_API void entities_viterbi(const float *em, size_t n, const float *trans, const float *start,
                      const float *end, uint8_t *back, float *fwd, uint8_t *out);
/* The same, again after the emissions of the positions where changed[i]
 * is set changed: fwd, back and out hold the earlier call's on the same
 * sentence.  Each row of fwd is kept relative to its label O, so a row
 * that comes out as it was leaves all the rows up to the next changed
 * position as they were, and after the last one the path too: only those
 * stretches are computed again, with the result of decoding afresh. */
ENT_API void entities_viterbi_again(const float *em, size_t n, const uint8_t *changed, const float *trans,
                                    const float *start, const float *end, uint8_t *back, float *fwd,
                                    uint8_t *out);
ENT_API void entities_max_marginals(const float *em, size_t n, const float *trans, const float *start,
                            const float *end, const float *fwd, float *bwd);
/* The same three with tables made once (the model keeps its own:
 * entities_model_dec).  back, if not NULL, is n * ENT_BACK bytes of back
 * pointers, kept from a decoding to its decoding again, where that is
 * cheaper than tracing the path back from the rows of fwd (making again
 * the choices the forward step made); NULL: always from fwd.
 * entities_marginals fills only the rows from..n-1 of bwd (those that the
 * margins of labels at from or later read). */
#define ENT_BACK 32
ENT_API void entities_dec_init(ent_dec *d, const float *trans, const float *start, const float *end);
ENT_API void entities_decode(const ent_dec *d, const float *em, size_t n, uint8_t *back, float *fwd, uint8_t *out);
ENT_API void entities_decode_again(const ent_dec *d, const float *em, size_t n, const uint8_t *changed,
                                   uint8_t *back, float *fwd, uint8_t *out);
ENT_API void entities_marginals(const ent_dec *d, const float *em, size_t n, size_t from, float *bwd);

/* ---- the model file ---- */

#define ENT_MAGIC "TPNERMOD"
#define ENT_VERSION 1u
#define ENT_FLAG_SECOND 1u   /* trained to tag each document a second time (entities_doc_feat) */
#define ENT_FLAGS_KNOWN ENT_FLAG_SECOND

typedef struct ent_header {
    char magic[8];
    uint32_t version;
    uint32_t nlabels;
    uint32_t hbits;
    uint32_t nrows;        /* non-zero rows of the hashed table */
    uint32_t nlex;         /* lexicon entries */
    uint32_t lex_bytes;    /* their strings */
    uint32_t ngaz;         /* multi-word list entries */
    uint32_t nvocab;       /* exact forms whose scores are summed once, when first met */
    uint32_t vocab_bytes;
    float wscale;          /* weight = int16 * wscale */
    float score_scale;     /* entity score = logistic(margin / score_scale) */
    uint32_t flags;        /* ENT_FLAG_*; 0 in models made before there were any */
    uint64_t payload_bytes;
    uint64_t checksum;     /* FNV-1a 64 of the payload */
} ent_header;

/* Sizes of the payload sections, in order, each padded to 8 bytes:
 *   float trans[NL*NL], start[NL], end[NL]
 *   uint64 bitmap[2^hbits / 64]; uint32 rank[2^hbits / 64]
 *   int16 rows[nrows * NL]
 *   ent_lexinfo info[nlex]; uint32 lex_off[nlex + 1]; char lex_str[lex_bytes]
 *   uint64 gaz_keys[ngaz]; uint32 gaz_kinds[ngaz]
 *   uint32 vocab_off[nvocab + 1]; char vocab_str[vocab_bytes] */
ENT_API uint64_t entities_payload_size(const ent_header *h);
ENT_API uint64_t entities_checksum(const void *p, size_t n);

typedef struct ent_model ent_model;

/* Check and map a model image (not copied: it must outlive the model).
 * Returns NULL with a message in err on any inconsistency. */
ENT_API ent_model *entities_model_open(const void *data, size_t size, char *err, size_t errlen);
/* Map a file read-only and open it. */
ENT_API ent_model *entities_model_open_file(const char *path, char *err, size_t errlen);
ENT_API void entities_model_free(ent_model *m);
ENT_API const ent_lex *entities_model_lex(const ent_model *m);

/* A worker's cache of what words the model does not know add (it
 * belongs to one model): 2^ENT_CACHE_BITS slots, two ways to a set, the
 * way used longer ago replaced. */
#ifndef ENT_CACHE_BITS /* (the tests also build with a cache of two words) */
#define ENT_CACHE_BITS 14
#endif
typedef struct ent_cacheset {             /* the two ways of a set, in one place */
    uint64_t key[2];
    uint32_t stamp[2];                      /* the sentence that last used each */
    uint32_t info[2];                       /* the word's lexicon entry + 1 (0: none) */
} ent_cacheset;
typedef struct ent_cacheslot {              /* a way's rows */
    float rows[ENT_NOFF * ENT_NL];
} ent_cacheslot;
typedef struct ent_cache {
    ent_cacheset set[1u << (ENT_CACHE_BITS - 1)];
    ent_cacheslot slot[1u << ENT_CACHE_BITS]; /* slot 2 * s + w: way w of set s */
} ent_cache;

/* Scratch of one worker for entities_model_emissions(): grown to fit. */
typedef struct ent_scratch {
    uint64_t *pf;
    uint8_t *npf;
    const ent_lexinfo **info;
    const float **rows;
    float *spill;       /* rows of words whose cache slot another word of
                           the sentence holds: ENT_NOFF * ENT_NL per token */
    size_t cap;
    ent_cache *cache;
    uint32_t sent;      /* sentences tagged, for the cache's stamps */
} ent_scratch;

ENT_API int entities_scratch_fit(ent_scratch *s, size_t n);
ENT_API void entities_scratch_free(ent_scratch *s);

/* Emission scores of a sentence: em[n * ENT_NL]. */
ENT_API void entities_model_emissions(const ent_model *m, const ent_doc *doc, const ent_tok *toks,
                              size_t n, ent_scratch *scratch, float *em);
/* The second pass over a sentence of a document that has had its first
 * (its labels in doc): adds the document features to the sentence's
 * first-pass emissions em, whose labels were lab; changed[i] says whether
 * position i's did change.  Returns whether any did (if none, the first
 * pass's labels stand: no need to decode again). */
ENT_API int entities_model_second(const ent_model *m, const ent_doc *doc, const ent_tok *toks, size_t n,
                                  const uint8_t *lab, float *em, uint8_t *changed);
/* Margin of the labels lab[a, b) against the best path that differs
 * there, from Viterbi scores fwd and max_marginals' bwd. */
ENT_API float entities_margin(const float *fwd, const float *bwd, const uint8_t *lab, size_t a, size_t b);
ENT_API const ent_dec *entities_model_dec(const ent_model *m);
ENT_API const float *entities_model_trans(const ent_model *m);
ENT_API const float *entities_model_start(const ent_model *m);
ENT_API const float *entities_model_end(const ent_model *m);
ENT_API float entities_model_score_scale(const ent_model *m);

#endif /* ENTITIES_NER_H */
