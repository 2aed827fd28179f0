/* entities: features, decoding and the model file of the tagger (ner.h). */
#include <config.h>
#include "ner.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

ENT_API const char *const entities_type_names[ENT_NTYPES] = {"PER", "ORG", "LOC", "MISC"};
ENT_API const char *const entities_gaz_names[ENT_GAZ_NKINDS] = {"PER", "ORG", "LOC", "MISC", "FIRST"};

/* ---- hashing ---- */

ENT_API uint64_t entities_hash(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull ^ (seed * 0x9e3779b97f4a7c15ull);
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* Up to 7 bytes of s as a little-endian word, the rest zero: two loads
 * that overlap (four bytes from each end), or three bytes (first, middle,
 * last), instead of a branch for each length. */
static inline uint64_t tail_word(const unsigned char *s, size_t n)
{
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
    }
    if (n == 0)
        return 0;
    return (uint64_t)s[0] | (uint64_t)s[n / 2] << (8 * (n / 2)) | (uint64_t)s[n - 1] << (8 * (n - 1));
}

/* The same a byte at a time, as it was: the tests hold the other to it. */
static inline uint64_t tail_word_plain(const unsigned char *s, size_t n)
{
    uint64_t w = 0;
    size_t k;
    for (k = 0; k < n && k < 8; k++)
        w |= (uint64_t)s[k] << (8 * k);
    return w;
}

/* Whether the len bytes at a and b are the same: words of up to 16 bytes
 * as one or two words each (two that overlap), without a call; longer
 * ones by memcmp.  (The tests hold it to memcmp.) */
static inline int same_bytes(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a, *y = b;
    uint64_t p, q, r, t;
    if (len <= 8)
        return tail_word(x, len) == tail_word(y, len);
    if (len > 16)
        return memcmp(x, y, len) == 0;
    memcpy(&p, x, 8);
    memcpy(&q, y, 8);
    memcpy(&r, x + len - 8, 8);
    memcpy(&t, y + len - 8, 8);
    return ((p ^ q) | (r ^ t)) == 0;
}

/* ASCII A-Z of the eight bytes of w to a-z. */
static inline uint64_t lower_word(uint64_t w)
{
    uint64_t h = w & 0x7f7f7f7f7f7f7f7full;
    uint64_t ge_a = h + 0x3f3f3f3f3f3f3f3full;   /* bit 7 set from 'A' */
    uint64_t gt_z = h + 0x2525252525252525ull;   /* bit 7 set above 'Z' */
    uint64_t up = ge_a & ~gt_z & ~w & 0x8080808080808080ull;
    return w | (up >> 2);
}

/* A hash of s (lower-cased when lower is set) eight bytes at a time, for
 * the tables built at load or per document: never stored in a model. */
static inline uint64_t word_key(const char *p, size_t n, uint64_t seed, int lower)
{
    const unsigned char *s = (const unsigned char *)p;
    uint64_t h = seed * 0x9e3779b97f4a7c15ull ^ (uint64_t)n, w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        if (lower)
            w = lower_word(w);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    w = tail_word(s, n);
    if (lower)
        w = lower_word(w);
    return mix64(h ^ w);
}

ENT_API uint32_t entities_slot(uint64_t h, int offset, unsigned hbits)
{
    return (uint32_t)(mix64(h + (uint64_t)(offset + 3) * 0x9e3779b97f4a7c15ull) >> (64 - hbits));
}

ENT_API uint64_t entities_checksum(const void *p, size_t n)
{
    /* FNV-1a over 64-bit words, then the tail bytes. */
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h ^= w;
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* ---- text helpers ---- */

ENT_API size_t entities_lower(char *out, size_t cap, const char *s, size_t len)
{
    size_t i;
    if (len > cap)
        len = cap;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return len;
}

/* 0 lower, 1 title, 2 all upper, 3 mixed, 4 digit first, 5 other, 6 non-ASCII first:
 * a byte at a time, as it was (the tests hold capclass() to it) */
static inline int capclass_plain(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    size_t i;
    int upper = 0, lower = 0, lower_then_upper = 0;
    if (len == 0)
        return 5;
    if (c >= 0x80)
        return 6;
    if (c >= '0' && c <= '9')
        return 4;
    for (i = 0; i < len; i++) {
        unsigned char d = (unsigned char)s[i];
        if (d >= 'A' && d <= 'Z') {
            upper++;
            if (lower)
                lower_then_upper = 1;
        } else if (d >= 'a' && d <= 'z')
            lower++;
    }
    if (c >= 'a' && c <= 'z')
        return upper ? 3 : 0;
    if (c >= 'A' && c <= 'Z') {
        if (!lower)
            return 2;
        return lower_then_upper ? 3 : 1;
    }
    return 5;
}

/* Bit 7 of each byte of w that is ASCII A-Z (upper) or a-z (lower). */
static inline uint64_t upper_bits(uint64_t w)
{
    uint64_t h = w & 0x7f7f7f7f7f7f7f7full;
    return (h + 0x3f3f3f3f3f3f3f3full) & ~(h + 0x2525252525252525ull) & ~w & 0x8080808080808080ull;
}

static inline uint64_t lower_bits(uint64_t w)
{
    uint64_t h = w & 0x7f7f7f7f7f7f7f7full;
    return (h + 0x1f1f1f1f1f1f1f1full) & ~(h + 0x0505050505050505ull) & ~w & 0x8080808080808080ull;
}

/* The same class eight bytes at a time, from the first byte: after a
 * lower-case letter only whether an upper-case one follows matters; after
 * an upper-case one, whether there is a lower-case one and whether an
 * upper-case letter comes after it (if an earlier eight bytes had a
 * lower-case letter, or if the upper mask is above the lowest bit of the
 * lower one: the masks never share a bit); anything else is decided by
 * the first byte alone. */
static inline int capclass(const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    unsigned char c;
    uint64_t w, u, l, lower = 0;
    int lower_then_upper = 0;
    if (len == 0)
        return 5;
    c = s[0];
    if (c >= 'a' && c <= 'z') {
        for (u = 0; len >= 8; s += 8, len -= 8) {
            memcpy(&w, s, 8);
            u |= upper_bits(w);
        }
        u |= upper_bits(tail_word(s, len)); /* (nothing left: zero) */
        return u ? 3 : 0;
    }
    if (c >= 'A' && c <= 'Z') {
        for (; len >= 8; s += 8, len -= 8) {
            memcpy(&w, s, 8);
            u = upper_bits(w);
            l = lower_bits(w);
            lower_then_upper |= lower ? u != 0 : u > (l & -l) && l != 0;
            lower |= l;
        }
        w = tail_word(s, len);
        u = upper_bits(w);
        l = lower_bits(w);
        lower_then_upper |= lower ? u != 0 : u > (l & -l) && l != 0;
        lower |= l;
        if (!lower)
            return 2;
        return lower_then_upper ? 3 : 1;
    }
    if (c >= 0x80)
        return 6;
    if (c >= '0' && c <= '9')
        return 4;
    return 5;
}

static size_t shape(char *out, size_t cap, const char *s, size_t len)
{
    size_t i, n = 0;
    char last = 0;
    for (i = 0; i < len && n < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        char k;
        if (c >= 'A' && c <= 'Z')
            k = 'X';
        else if (c >= 'a' && c <= 'z')
            k = 'x';
        else if (c >= '0' && c <= '9')
            k = 'd';
        else if (c >= 0xc0)
            k = 'u';
        else if (c >= 0x80)
            continue;
        else
            k = (char)c;
        if (k != last)
            out[n++] = k;
        last = k;
    }
    if (len > 12 && n < cap)
        out[n++] = '+';
    return n;
}

/* ---- lexicon ---- */

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t c = 16;
    while (c < n)
        c <<= 1;
    return c;
}

ENT_API int entities_lex_index(ent_lex *lex)
{
    uint32_t cap = pow2_at_least(lex->n * 2 + 1), i, kbits;
    lex->index = malloc(sizeof *lex->index * cap);
    if (lex->index == NULL)
        return -1;
    memset(lex->index, 0xff, sizeof *lex->index * cap);
    lex->index_mask = cap - 1;
    /* the numbers' bits: enough that no number is all ones (a slot
     * never reads as empty); the bits above hold the hash's top bits */
    for (kbits = 1; kbits < 32 && ((uint64_t)1 << kbits) <= (uint64_t)lex->n + 1; kbits++)
        ;
    lex->index_kmask = kbits >= 32 ? UINT32_MAX : ((uint32_t)1 << kbits) - 1;
    for (i = 0; i < lex->n; i++) {
        uint64_t h = word_key(lex->words[i], lex->lens[i], 1, 0);
        uint32_t j = (uint32_t)h & lex->index_mask;
        while (lex->index[j] != UINT32_MAX)
            j = (j + 1) & lex->index_mask;
        lex->index[j] = ((uint32_t)(h >> 32) & ~lex->index_kmask) | i;
    }
    cap = pow2_at_least(lex->ngaz * 2 + 1);
    lex->gaz_index = malloc(sizeof *lex->gaz_index * cap);
    if (lex->gaz_index == NULL) {
        free(lex->index);
        lex->index = NULL;
        return -1;
    }
    memset(lex->gaz_index, 0xff, sizeof *lex->gaz_index * cap);
    lex->gaz_mask = cap - 1;
    for (i = 0; i < lex->ngaz; i++) {
        uint32_t j = (uint32_t)mix64(lex->gaz_keys[i]) & lex->gaz_mask;
        while (lex->gaz_index[j] != UINT32_MAX)
            j = (j + 1) & lex->gaz_mask;
        lex->gaz_index[j] = i;
    }
    return 0;
}

ENT_API void entities_lex_free_index(ent_lex *lex)
{
    free(lex->index);
    free(lex->gaz_index);
    lex->index = NULL;
    lex->gaz_index = NULL;
}

/* entities_lex_find() of a word whose hash word_key(lower, len, 1, 0) is
 * h: the words of the slots whose hash bits differ are not looked at. */
static inline const ent_lexinfo *lex_find_h(const ent_lex *lex, const char *lower, size_t len, uint64_t h)
{
    uint32_t j = (uint32_t)h & lex->index_mask, e, km = lex->index_kmask, tag = (uint32_t)(h >> 32) & ~km;
    while ((e = lex->index[j]) != UINT32_MAX) {
        if ((e & ~km) == tag) {
            uint32_t k = e & km;
            if (lex->lens[k] == len && same_bytes(lex->words[k], lower, len))
                return &lex->info[k];
        }
        j = (j + 1) & lex->index_mask;
    }
    return NULL;
}

ENT_API const ent_lexinfo *entities_lex_find(const ent_lex *lex, const char *lower, size_t len)
{
    if (lex == NULL || lex->index == NULL)
        return NULL;
    return lex_find_h(lex, lower, len, word_key(lower, len, 1, 0));
}

ENT_API uint32_t entities_gaz_find(const ent_lex *lex, uint64_t key)
{
    uint32_t j, k;
    if (lex == NULL || lex->gaz_index == NULL)
        return 0;
    j = (uint32_t)mix64(key) & lex->gaz_mask;
    while ((k = lex->gaz_index[j]) != UINT32_MAX) {
        if (lex->gaz_keys[k] == key)
            return lex->gaz_kinds[k];
        j = (j + 1) & lex->gaz_mask;
    }
    return 0;
}

static uint64_t gaz_step(uint64_t key, const char *s, size_t len)
{
    char low[64];
    size_t n = entities_lower(low, sizeof low, s, len);
    return mix64(key ^ entities_hash(low, n, 7)) + 0x632be59bd9b4e019ull;
}

ENT_API uint64_t entities_gaz_key(const ent_tok *toks, size_t n)
{
    uint64_t key = 0x51ed270b27u;
    size_t i;
    for (i = 0; i < n; i++)
        key = gaz_step(key, toks[i].s, toks[i].len);
    return key;
}

/* ---- features ---- */

#define OFF_ALL 0x1fu
#define OFF_0 0x04u
#define OFF_NEAR 0x0eu

static inline int addf(ent_wfeat *out, int n, int kind, const void *p, size_t len, uint32_t mask)
{
    if (n < ENT_MAXFEAT) {
        out[n].h = entities_hash(p, len, (uint64_t)kind);
        out[n].mask = mask;
        n++;
    }
    return n;
}

/* A word's features in two parts: those that do not need its lexicon
 * entry (word_feats_a), then the entry and those that do (word_feats_b),
 * in this order.  What the first part leaves for the second: */
typedef struct ent_wpart {
    char low[64];       /* the word lower-cased, n bytes */
    size_t n;
    int cc;             /* its capitalisation class */
    uint64_t lh;        /* the hash of low for the lexicon (0: no lexicon) */
} ent_wpart;

static inline __attribute__((always_inline)) int word_feats_a(const ent_lex *lex, const char *s, size_t len,
                                                             ent_wfeat *out, ent_wpart *wp)
{
    char shp[16];
    size_t sn, k, n;
    int nf = 0;
    memset(wp->low, 0, sizeof wp->low);
    n = wp->n = entities_lower(wp->low, sizeof wp->low, s, len);
    wp->lh = 0;
    /* the lexicon's slot fetched first, and looked at once the features
     * that do not need the entry are made */
    if (lex != NULL && lex->index != NULL) {
        wp->lh = word_key(wp->low, n, 1, 0);
        __builtin_prefetch(&lex->index[(uint32_t)wp->lh & lex->index_mask]);
    }
    wp->cc = capclass(s, len);
    nf = addf(out, nf, 'w', wp->low, n, OFF_ALL);
    nf = addf(out, nf, 'e', s, len < 64 ? len : 64, OFF_0);
    sn = shape(shp, sizeof shp - 1, s, len);
    nf = addf(out, nf, 's', shp, sn, OFF_ALL);
    for (k = 1; k <= 4 && k < n; k++) {
        nf = addf(out, nf, 'p' + (int)k * 16, wp->low, k, OFF_0);
        nf = addf(out, nf, 'x' + (int)k * 16, wp->low + n - k, k, k == 3 ? OFF_NEAR : OFF_0);
    }
    return nf;
}

static inline __attribute__((always_inline)) int word_feats_b(const ent_lex *lex, ent_wfeat *out, int nf,
                                                             const ent_wpart *wp, const ent_lexinfo **infop)
{
    const ent_lexinfo *info = NULL;
    unsigned char v[4] = {0, 0, 0, 0};
    size_t k;
    if (lex != NULL && lex->index != NULL)
        info = lex_find_h(lex, wp->low, wp->n, wp->lh);
    *infop = info;
    v[0] = (unsigned char)wp->cc;
    v[1] = info ? info->casing : 0;
    nf = addf(out, nf, 'k', v, 2, OFF_NEAR);
    if (info != NULL) {
        static const uint8_t plen[] = {4, 6, 10, 16};
        for (k = 0; k < sizeof plen; k++) {
            uint16_t c;
            uint8_t l = plen[k] < info->clen ? plen[k] : info->clen;
            if (info->clen == 0 || (k > 0 && plen[k - 1] >= info->clen))
                break;
            c = (uint16_t)(info->cluster >> (16 - l));
            v[0] = (unsigned char)(c & 0xff);
            v[1] = (unsigned char)(c >> 8);
            v[2] = l;
            nf = addf(out, nf, 'c', v, 3, l == info->clen ? OFF_ALL : OFF_NEAR);
        }
        for (k = 0; k < ENT_GAZ_NKINDS; k++) {
            if (info->gaz & (1u << k)) {
                v[0] = (unsigned char)k;
                nf = addf(out, nf, 'g', v, 1, OFF_NEAR);
            }
            if (info->gaz & ENT_GAZ_PART(k)) {
                v[0] = (unsigned char)k;
                nf = addf(out, nf, 'G', v, 1, OFF_0);
            }
        }
    }
    return nf;
}

/* The word features of s, and its lexicon entry in *infop. */
static int word_feats_info(const ent_lex *lex, const char *s, size_t len, ent_wfeat *out,
                           const ent_lexinfo **infop)
{
    ent_wpart wp;
    int nf = word_feats_a(lex, s, len, out, &wp);
    return word_feats_b(lex, out, nf, &wp, infop);
}

ENT_API int entities_word_feats(const ent_lex *lex, const char *s, size_t len, ent_wfeat *out)
{
    const ent_lexinfo *info;
    return word_feats_info(lex, s, len, out, &info);
}

/* The capitalisation class of token t: once per token of the document
 * where t is one of them (entities_doc_tokens). */
static inline int tok_capclass(const ent_doc *d, const ent_tok *t)
{
    if (d != NULL && d->base != NULL && t >= d->base && (size_t)(t - d->base) < d->nbase) {
        uint8_t *c = &d->cc[t - d->base];
        if (*c == 0)
            *c = (uint8_t)(capclass(t->s, t->len) + 1);
        return *c - 1;
    }
    return capclass(t->s, t->len);
}

static int all_caps_doc(const ent_doc *d, const ent_tok *toks, size_t n);

ENT_API int entities_all_caps(const ent_tok *toks, size_t n)
{
    return all_caps_doc(NULL, toks, n);
}

static int all_caps_doc(const ent_doc *d, const ent_tok *toks, size_t n)
{
    size_t i, words = 0, caps = 0;
    for (i = 0; i < n; i++) {
        int cc;
        unsigned char c = (unsigned char)toks[i].s[0];
        if (toks[i].len < 2)
            continue;
        if (c >= 'a' && c <= 'z') {
            words++;
            /* a lower-case word: the rest cannot make the 80% */
            if ((words - caps) * 10 > n * 2 + 10)
                return 0;
            continue;
        }
        cc = tok_capclass(d, &toks[i]);
        if (cc <= 3) {
            words++;
            if (cc == 2)
                caps++;
        }
    }
    return words >= 2 && caps * 10 >= words * 8;
}

static inline uint64_t posh(int kind, unsigned a, unsigned b, unsigned c)
{
    unsigned char v[3] = {(unsigned char)a, (unsigned char)b, (unsigned char)c};
    return entities_hash(v, 3, (uint64_t)kind + 1000);
}

/* The kinds of position feature, in the order of their codes. */
#define ENT_POS_KINDS "bPQafdhmr"
#define ENT_POS_NCODES (9u << 10)

/* A position feature as its hash (codes 0: what the model's table is
 * indexed by) or as its code (codes 1: the kind's place in
 * ENT_POS_KINDS, a, b and c in 4, 3 and 3 bits; every feature
 * entities_pos_feats() makes has a < 16, b < 8 and c < 8), which indexes
 * the rows of position features made at load directly. */
static inline uint64_t posf(int codes, int kind, unsigned a, unsigned b, unsigned c)
{
    unsigned k;
    if (!codes)
        return posh(kind, a, b, c);
    switch (kind) {
    case 'b': k = 0; break;
    case 'P': k = 1; break;
    case 'Q': k = 2; break;
    case 'a': k = 3; break;
    case 'f': k = 4; break;
    case 'd': k = 5; break;
    case 'h': k = 6; break;
    case 'm': k = 7; break;
    default: k = 8; break; /* 'r' */
    }
    return (uint64_t)(k << 10 | (a & 15) << 6 | (b & 7) << 3 | (c & 7));
}

static long doc_find(const ent_doc *d, uint64_t key);
static long tok_find(const ent_doc *d, const ent_tok *t);

/* The key of a word in the document's table: its lower-cased form. */
static inline uint64_t doc_key(const char *s, size_t len)
{
    return word_key(s, len > 64 ? 64 : len, 3, 1);
}

/* The feature of a word's history of predicted types (non-zero h). */
static inline uint64_t hist_code(uint32_t h, size_t i, int codes)
{
    uint32_t c, best = 0, total = 0;
    unsigned k, bt = 0, code;
    for (k = 0; k < ENT_NTYPES; k++) {
        c = (h >> (8 * k)) & 0xff;
        total += c;
        if (c > best) {
            best = c;
            bt = k;
        }
    }
    code = best == total ? 1 + bt : 5 + bt;
    return posf(codes, 'h', code, i == 0, 0);
}

static inline const ent_lexinfo *tok_info(const ent_lex *lex, const ent_lexinfo *const *info,
                                          const ent_tok *t, size_t i)
{
    char low[64];
    size_t ln;
    if (info != NULL)
        return info[i];
    ln = entities_lower(low, sizeof low, t->s, t->len);
    return entities_lex_find(lex, low, ln);
}

/* entities_pos_feats(), as hashes or (codes) as codes (posf). */
static inline void pos_feats(const ent_lex *lex, const ent_doc *doc, const ent_tok *toks, size_t n,
                             const ent_lexinfo *const *infos, uint64_t *pf, uint8_t *npf, int codes)
{
    size_t i;
    int ac = all_caps_doc(doc, toks, n);
    uint64_t bias = posf(codes, 'b', 0, 0, 0);
    for (i = 0; i < n; i++) {
        uint64_t *f = pf + i * ENT_MAXPOS;
        unsigned char c0 = (unsigned char)toks[i].s[0];
        int k = 0, upper = c0 >= 'A' && c0 <= 'Z', cc = upper || ac ? tok_capclass(doc, &toks[i]) : 0;
        f[k++] = bias;
        if (i < 2)
            f[k++] = posf(codes, 'P', (unsigned)i, 0, 0);
        if (i + 2 >= n)
            f[k++] = posf(codes, 'Q', (unsigned)(n - i), 0, 0);
        if (ac)
            f[k++] = posf(codes, 'a', (unsigned)cc, i == 0, 0);
        if (upper) {
            const ent_lexinfo *info = tok_info(lex, infos, &toks[i], i);
            unsigned casing = info ? info->casing : 0, d = 0;
            uint32_t hist = 0;
            if (doc != NULL && doc->cap > 0) {
                /* one look-up for the casing seen and the types tagged */
                long j = tok_find(doc, &toks[i]);
                if (j >= 0) {
                    d = doc->e[j].bits;
                    hist = doc->e[j].hist;
                }
            }
            if (i == 0)
                f[k++] = posf(codes, 'f', (unsigned)cc, casing, 0);
            f[k++] = posf(codes, 'd', d, (unsigned)(i == 0) | (unsigned)ac << 1, (unsigned)cc);
            if (hist != 0)
                f[k++] = hist_code(hist, i, codes);
        }
        npf[i] = (uint8_t)k;
    }
    /* multi-word list entries, longest first, left to right */
    for (i = 0; i < n;) {
        size_t best = 0, l, j;
        uint32_t kinds = 0;
        unsigned char c0 = (unsigned char)toks[i].s[0];
        if (lex != NULL && lex->ngaz > 0 && c0 >= 'A' && c0 <= 'Z') {
            const ent_lexinfo *info = tok_info(lex, infos, &toks[i], i);
            if (info != NULL && (info->gaz & ENT_GAZ_STARTS)) {
                uint64_t key = entities_gaz_key(toks + i, 1);
                /* the kinds of entry every token so far is a word of: an
                 * entry of kind k has all its words so marked in the
                 * lexicon (as the lexicon keeps them: lower-cased, under
                 * 63 bytes), so once none is left no longer entry can
                 * start here (with the entries of the tokens at hand) */
                unsigned part = toks[i].len < 63 ? info->gaz & ENT_GAZ_PARTS : ENT_GAZ_PARTS;
                for (l = 2; l <= ENT_GAZ_MAXLEN && i + l <= n; l++) {
                    uint32_t kk;
                    if (infos != NULL && toks[i + l - 1].len < 63) {
                        const ent_lexinfo *nx = infos[i + l - 1];
                        part &= nx != NULL ? nx->gaz : 0;
                        if (part == 0)
                            break;
                    }
                    key = gaz_step(key, toks[i + l - 1].s, toks[i + l - 1].len);
                    kk = entities_gaz_find(lex, key);
                    if (kk) {
                        best = l;
                        kinds = kk;
                    }
                }
            }
        }
        if (best == 0) {
            i++;
            continue;
        }
        for (j = 0; j < best; j++) {
            unsigned pos = j == 0 ? 0 : j + 1 == best ? 2 : 1;
            uint64_t *f = pf + (i + j) * ENT_MAXPOS;
            unsigned kind;
            for (kind = 0; kind < ENT_GAZ_NKINDS; kind++)
                if ((kinds & (1u << kind)) && npf[i + j] < ENT_MAXPOS)
                    f[npf[i + j]++] = posf(codes, 'm', kind, pos, 0);
        }
        i += best;
    }
}

ENT_API void entities_pos_feats(const ent_lex *lex, const ent_doc *doc, const ent_tok *toks,
                        size_t n, const ent_lexinfo *const *infos, uint64_t *pf, uint8_t *npf)
{
    pos_feats(lex, doc, toks, n, infos, pf, npf, 0);
}

/* ---- document casing ---- */

ENT_API void entities_doc_init(ent_doc *d)
{
    memset(d, 0, sizeof *d);
}

ENT_API void entities_doc_free(ent_doc *d)
{
    free(d->e);
    free(d->slot);
    free(d->cc);
    memset(d, 0, sizeof *d);
}

ENT_API int entities_doc_tokens(ent_doc *d, const ent_tok *toks, size_t n)
{
    if (n > d->slotcap) {
        int32_t *p = realloc(d->slot, sizeof *p * (n + n / 2 + 16));
        uint8_t *c;
        if (p == NULL)
            return -1;
        d->slot = p;
        c = realloc(d->cc, n + n / 2 + 16);
        if (c == NULL)
            return -1;
        d->cc = c;
        d->slotcap = n + n / 2 + 16;
    }
    if (n > 0) {
        memset(d->slot, 0xff, sizeof *d->slot * n);
        memset(d->cc, 0, n);
    }
    d->base = toks;
    d->nbase = n;
    return 0;
}

ENT_API int entities_doc_reset(ent_doc *d, size_t hint)
{
    uint32_t cap = pow2_at_least((uint32_t)(hint > (1u << 28) ? 1u << 28 : hint) * 2 + 64);
    d->n = 0;
    d->nhist = 0;
    d->base = NULL;
    d->nbase = 0;
    if (cap > d->cap) {
        free(d->e);
        d->e = calloc(cap, sizeof *d->e);
        if (d->e == NULL) {
            free(d->slot);
            free(d->cc);
            memset(d, 0, sizeof *d);
            return -1;
        }
        d->cap = cap;
        d->gen = 0;
    }
    /* a small document uses the start of a table grown for a large one:
     * its entries stay close together */
    d->live = cap;
    d->gen++;
    if (d->gen > UINT16_MAX) { /* (the stamps have 16 bits) */
        uint32_t j;
        for (j = 0; j < d->cap; j++)
            d->e[j].stamp = 0;
        d->gen = 1;
    }
    return 0;
}

/* (key is already well mixed: doc_key) */
static long doc_find(const ent_doc *d, uint64_t key)
{
    uint32_t j = (uint32_t)key & (d->live - 1);
    while (d->e[j].stamp == d->gen) {
        if (d->e[j].key == key)
            return j;
        j = (j + 1) & (d->live - 1);
    }
    return -1 - (long)j;
}

/* The entry of token t: from the document's tokens' cache where t is one
 * of them and has been looked up before (entries never move within a
 * document), otherwise by its key. */
static long tok_find(const ent_doc *d, const ent_tok *t)
{
    size_t x = (size_t)(t - d->base);
    long j;
    if (d->base != NULL && t >= d->base && x < d->nbase) {
        if (d->slot[x] >= 0)
            return d->slot[x];
        j = doc_find(d, doc_key(t->s, t->len));
        if (j >= 0)
            d->slot[x] = (int32_t)j;
        return j;
    }
    return doc_find(d, doc_key(t->s, t->len));
}

static ent_docent *doc_slot(ent_doc *d, const ent_tok *t, int create)
{
    int mine = d->base != NULL && t >= d->base && (size_t)(t - d->base) < d->nbase;
    uint64_t key;
    long j;
    if (mine && d->slot[t - d->base] >= 0)
        return &d->e[d->slot[t - d->base]];
    /* (tok_find, with the key kept for a new entry) */
    key = doc_key(t->s, t->len);
    j = doc_find(d, key);
    if (j >= 0) {
        if (mine)
            d->slot[t - d->base] = (int32_t)j;
        return &d->e[j];
    }
    if (!create || (d->n + 1) * 2 > d->live)
        return NULL;
    j = -1 - j;
    if (mine)
        d->slot[t - d->base] = (int32_t)j;
    d->e[j].key = key;
    d->e[j].stamp = d->gen;
    d->e[j].bits = 0;
    d->e[j].hist = 0;
    d->e[j].ocount = 0;
    d->n++;
    return &d->e[j];
}

ENT_API void entities_doc_add_labels(ent_doc *d, const ent_tok *toks, size_t n, const uint8_t *lab)
{
    size_t i;
    if (d == NULL || d->cap == 0)
        return;
    for (i = 0; i < n; i++) {
        ent_docent *b;
        unsigned t, c;
        if (lab[i] == 0) {
            /* capitalised words left out, for the second pass */
            unsigned char c0 = (unsigned char)toks[i].s[0];
            if (c0 >= 'A' && c0 <= 'Z' && (b = doc_slot(d, &toks[i], 1)) != NULL &&
                b->ocount < 255)
                b->ocount++;
            continue;
        }
        b = doc_slot(d, &toks[i], 1);
        if (b == NULL)
            continue;
        t = (unsigned)ENT_TYPE(lab[i]);
        c = (b->hist >> (8 * t)) & 0xff;
        if (c < 255)
            b->hist += 1u << (8 * t);
        d->nhist++;
    }
}

ENT_API uint64_t entities_hist_feat(const ent_doc *d, const ent_tok *t, size_t i)
{
    long j;
    uint32_t h;
    unsigned char c0 = (unsigned char)t->s[0];
    if (d == NULL || d->nhist == 0 || !(c0 >= 'A' && c0 <= 'Z'))
        return 0;
    j = tok_find(d, t);
    if (j < 0 || (h = d->e[j].hist) == 0)
        return 0;
    return hist_code(h, i, 0);
}

ENT_API uint64_t entities_doc_feat(const ent_doc *d, const ent_tok *t, size_t i, unsigned lab)
{
    long j;
    uint32_t h, c, best = 0, total = 0;
    unsigned o, k, bt = 0, code;
    unsigned char c0 = (unsigned char)t->s[0];
    if (d == NULL || d->cap == 0 || !(c0 >= 'A' && c0 <= 'Z'))
        return 0;
    j = tok_find(d, t);
    if (j < 0)
        return 0;
    h = d->e[j].hist;
    o = d->e[j].ocount;
    /* leave out this mention's own label (a count at 255 may have
     * saturated: left as it is) */
    if (lab == 0) {
        if (o > 0 && o < 255)
            o--;
    } else {
        k = (unsigned)ENT_TYPE(lab);
        c = (h >> (8 * k)) & 0xff;
        if (c > 0 && c < 255)
            h -= 1u << (8 * k);
    }
    for (k = 0; k < ENT_NTYPES; k++) {
        c = (h >> (8 * k)) & 0xff;
        total += c;
        if (c > best) {
            best = c;
            bt = k;
        }
    }
    if (total == 0 && o == 0)
        return 0;
    code = total == 0 ? 9 : best == total ? 1 + bt : 5 + bt;
    return posh('r', code, (unsigned)(i == 0) | (unsigned)(o > 0) << 1 | (unsigned)(o >= total) << 2, 0);
}

ENT_API void entities_doc_add_sentence(ent_doc *d, const ent_tok *toks, size_t n)
{
    size_t i;
    if (d == NULL || d->cap == 0 || all_caps_doc(d, toks, n))
        return;
    for (i = 1; i < n; i++) {
        int cc = tok_capclass(d, &toks[i]);
        ent_docent *b;
        if (cc > 3)
            continue;
        b = doc_slot(d, &toks[i], 1);
        if (b != NULL)
            b->bits |= cc == 0 ? 1 : 2;
    }
}

ENT_API unsigned entities_doc_get(const ent_doc *d, const char *s, size_t len)
{
    long j;
    if (d == NULL || d->cap == 0)
        return 0;
    j = doc_find(d, doc_key(s, len));
    return j >= 0 ? d->e[j].bits : 0;
}

/* ---- decoding ---- */

ENT_API int entities_allowed(int prev, int cur)
{
    int pk = prev == 0 ? -1 : ENT_K(prev), ck = cur == 0 ? -1 : ENT_K(cur);
    int open = pk == ENT_B || pk == ENT_I;
    if (open)
        return (ck == ENT_I || ck == ENT_L) && ENT_TYPE(prev) == ENT_TYPE(cur);
    return ck == -1 || ck == ENT_B || ck == ENT_U;
}

ENT_API int entities_allowed_start(int cur)
{
    return cur == 0 || ENT_K(cur) == ENT_B || ENT_K(cur) == ENT_U;
}

ENT_API int entities_allowed_end(int prev)
{
    return prev == 0 || ENT_K(prev) == ENT_L || ENT_K(prev) == ENT_U;
}

#define NEG (-1e30f)

/* Under BILOU, O, B-x and U-x follow O, L-y or U-y ("closed" labels);
 * I-x and L-x follow B-x or I-x. */
static const uint8_t closed_set[9] = {0, 3, 4, 7, 8, 11, 12, 15, 16};
static const uint8_t start_set[9] = {0, 1, 4, 5, 8, 9, 12, 13, 16};
/* the lane of a row in the order of the labels that holds label 16 (U-MISC)
 * where a vector's lanes are the labels (an inside label's: 2, I-PER) */
#define ENT_U16_LANE 2
/* the same where the lanes are the closed labels (an open label's: 1, B-PER) */
#define ENT_C16_LANE 1

typedef float ent_v4f __attribute__((vector_size(16)));
typedef int32_t ent_v4i __attribute__((vector_size(16)));

/* a > b ? a : b in each lane (so b where they are equal or unordered):
 * what MAXPS does, in one instruction. */
static inline ent_v4f vmax4(ent_v4f a, ent_v4f b)
{
#ifdef __SSE__
    return _mm_max_ps(a, b);
#else
    ent_v4i m = a > b;
    return (ent_v4f)(((ent_v4i)a & m) | ((ent_v4i)b & ~m));
#endif
}

/* p[0], p[1], q[0], q[1] */
static inline ent_v4f pairs(const float *p, const float *q)
{
    ent_v4f v = {p[0], p[1], q[0], q[1]};
    return v;
}

static inline void put_pairs(float *p, float *q, ent_v4f v)
{
    p[0] = v[0];
    p[1] = v[1];
    q[0] = v[2];
    q[1] = v[3];
}

ENT_API void entities_dec_init(ent_dec *d, const float *trans, const float *start, const float *end)
{
    int q, k;
    memcpy(d->trans, trans, sizeof d->trans);
    memcpy(d->start, start, sizeof d->start);
    memcpy(d->end, end, sizeof d->end);
    for (q = 0; q < 9; q++)
        for (k = 0; k < 16; k++) {
            d->fw[q][k] = k < 9 ? trans[closed_set[q] * ENT_NL + start_set[k]] : NEG;
            d->bw[q][k] = k < 9 ? trans[closed_set[k] * ENT_NL + start_set[q]] : NEG;
            d->fwl[q][k] = NEG;
            d->bwl[q][k] = NEG;
        }
    for (q = 0; q < 9; q++)
        for (k = 0; k < 9; k++)
            d->fwl[q][start_set[k] < 16 ? start_set[k] : ENT_U16_LANE] = trans[closed_set[q] * ENT_NL + start_set[k]];
    for (q = 0; q < 9; q++)
        for (k = 0; k < 9; k++)
            d->bwl[q][closed_set[k] < 16 ? closed_set[k] : ENT_C16_LANE] = trans[closed_set[k] * ENT_NL + start_set[q]];
    for (k = 0; k < 16; k++) {
        int inside = k != 0 && (ENT_K(k) == ENT_I || ENT_K(k) == ENT_L), B = inside ? k - ENT_K(k) : 0;
        int open = k != 0 && (ENT_K(k) == ENT_B || ENT_K(k) == ENT_I), I = open ? k - ENT_K(k) + 1 : 0;
        d->inb[k] = inside ? trans[B * ENT_NL + k] : 0;
        d->ini[k] = inside ? trans[(B + 1) * ENT_NL + k] : 0;
        d->oi[k] = open ? trans[k * ENT_NL + I] : 0;
        d->ol[k] = open ? trans[k * ENT_NL + I + 1] : 0;
    }
}

/* The parts both Viterbi loops share.  The first position: returns 1 when
 * decoding again and nothing changes anywhere. */
static inline int viterbi_start(const float *em, size_t n, const uint8_t *changed, const float *start,
                                float *fwd, size_t *first)
{
    float z, old[ENT_NL];
    int c;
    if (changed != NULL)
        memcpy(old, fwd, sizeof old);
    for (c = 0; c < ENT_NL; c++)
        fwd[c] = entities_allowed_start(c) ? start[c] + em[c] : NEG;
    z = fwd[0];
    for (c = 0; c < ENT_NL; c++)
        fwd[c] -= z;
    if (changed != NULL && memcmp(old, fwd, sizeof old) == 0) {
        while (*first < n && !changed[*first])
            (*first)++;
        if (*first >= n)
            return 1;
    }
    return 0;
}

/* Inside labels of one step: I-x and L-x follow B-x or I-x. */
/* The label before cur on the best path, from the row prev of the position
 * before: the choice the forward step made there (the first of the best,
 * as a scan with "strictly greater" finds it), made again for the one
 * label the path goes through instead of kept for all of them. */
static inline int viterbi_back_plain(const float *trans, const float *prev, int cur)
{
    int k = cur == 0 ? -1 : ENT_K(cur);
    if (k == ENT_I || k == ENT_L) {
        int B = cur - k, I = B + 1;
        float vb = prev[B] + trans[B * ENT_NL + cur], vi = prev[I] + trans[I * ENT_NL + cur];
        return vi > vb ? I : B;
    } else {
        int q, best = closed_set[0];
        float bv = prev[closed_set[0]] + trans[closed_set[0] * ENT_NL + cur];
        for (q = 1; q < 9; q++) {
            float v = prev[closed_set[q]] + trans[closed_set[q] * ENT_NL + cur];
            if (v > bv) {
                bv = v;
                best = closed_set[q];
            }
        }
        return best;
    }
}

/* The same, the nine sums of a label O, B-x or U-x at once: the first of
 * the sums equal to their largest is the one a scan keeps. */
static inline int viterbi_back(const ent_dec *d, const float *prev, int cur)
{
#ifdef __SSE2__
    /* the index of each label in start_set (-1: an inside label) */
    static const int8_t start_index[ENT_NL] = {0, 1, -1, -1, 2, 3, -1, -1, 4, 5, -1, -1, 6, 7, -1, -1, 8};
    int k = start_index[cur];
    if (k >= 0) {
        ent_v4f a = {prev[0], prev[3], prev[4], prev[7]}, b = {prev[8], prev[11], prev[12], prev[15]}, t0, t1, m;
        float c, mx;
        unsigned mask;
        memcpy(&t0, &d->bw[k][0], sizeof t0);
        memcpy(&t1, &d->bw[k][4], sizeof t1);
        a = a + t0;
        b = b + t1;
        c = prev[16] + d->bw[k][8];
        m = _mm_max_ps(a, b);
        m = _mm_max_ps(m, _mm_shuffle_ps(m, m, _MM_SHUFFLE(1, 0, 3, 2)));
        m = _mm_max_ps(m, _mm_shuffle_ps(m, m, _MM_SHUFFLE(2, 3, 0, 1)));
        mx = m[0] > c ? m[0] : c;
        m = _mm_set1_ps(mx);
        mask = (unsigned)_mm_movemask_ps(_mm_cmpeq_ps(a, m)) | (unsigned)_mm_movemask_ps(_mm_cmpeq_ps(b, m)) << 4 |
               256u;
        return closed_set[__builtin_ctz(mask)];
    }
#endif
    return viterbi_back_plain(d->trans, prev, cur);
}

/* The path back from position i, whose label out[i] is known: from the
 * rows of back pointers the forward pass kept (ENT_BACK bytes a
 * position: the label before each label, at the label's place), or
 * without them, from the scores. */
static inline void viterbi_path(const ent_dec *d, const float *fwd, const uint8_t *back, size_t i, uint8_t *out)
{
    if (back != NULL) {
        /* (the label in a register: out may share memory with back as
         * far as the compiler knows, and would be read back each step) */
        unsigned cur = out[i];
        for (; i > 0; i--) {
            cur = back[i * ENT_BACK + cur];
            out[i - 1] = (uint8_t)cur;
        }
    } else
        for (; i > 0; i--)
            out[i - 1] = (uint8_t)viterbi_back(d, fwd + (i - 1) * ENT_NL, out[i]);
}

/* Each row is kept as it stands against its O (the loops subtract the
 * score of O from each label's as they write it), so that a change of the
 * emissions before it does not carry on once the rows agree again.
 * Decoding again (old is the row before): when the row is as it was, skip
 * to the next changed position; after the last, the path is as it was
 * too, and 1 says the decoding is done. */
static inline int viterbi_settle(const float *cur, const float *old, const uint8_t *changed, size_t n,
                                 size_t *i, const ent_dec *d, const float *fwd, const uint8_t *back,
                                 uint8_t *out)
{
    size_t nx;
    if (old == NULL || memcmp(old, cur, ENT_NL * sizeof *cur) != 0)
        return 0;
    nx = *i + 1;
    while (nx < n && !changed[nx])
        nx++;
    if (nx >= n) {
        viterbi_path(d, fwd, back, *i, out);
        return 1;
    }
    *i = nx - 1;
    return 0;
}

/* The best closed label at the end, and the path back from it. */
static inline void viterbi_end(const float *fwd, size_t n, const ent_dec *d, const uint8_t *back, uint8_t *out)
{
    float bs = NEG * 2;
    int k, best = 0;
    for (k = 0; k < 9; k++) {
        int c = closed_set[k];
        float v = fwd[(n - 1) * ENT_NL + c] + d->end[c];
        if (v > bs) {
            bs = v;
            best = c;
        }
    }
    out[n - 1] = (uint8_t)best;
    viterbi_path(d, fwd, back, n - 1, out);
}

/* Without back pointers (the path is traced back from the scores): with
 * vectors of four, keeping the best's label would cost more than finding
 * it again for the labels of the path. */
static void viterbi_sse(const ent_dec *d, const float *em, size_t n, size_t from, const uint8_t *changed,
                        float *fwd, uint8_t *out)
{
    size_t i, first = from > 1 ? from : 1;
    int k, q;
    float old[ENT_NL], z;
    /* transitions from each closed label to each label of start_set, three
     * vectors of four (the last three lanes are never read) */
    ent_v4f T[9][3], z4, tb[2], ti[2];
    const ent_v4i sel_b = {0, 0, 2, 2}, sel_i = {1, 1, 3, 3};
    if (n == 0)
        return;
    /* to I-x and L-x of types 0, 1 and of 2, 3 from B-x and from I-x */
    for (k = 0; k < 2; k++) {
        tb[k] = pairs(d->inb + 2 + 8 * k, d->inb + 6 + 8 * k);
        ti[k] = pairs(d->ini + 2 + 8 * k, d->ini + 6 + 8 * k);
    }
    for (q = 0; q < 9; q++)
        for (k = 0; k < 3; k++)
            memcpy(&T[q][k], &d->fw[q][4 * k], sizeof T[q][k]);
    if (from == 0 && viterbi_start(em, n, changed, d->start, fwd, &first))
        return;
    for (i = first; i < n; i++) {
        const float *prev = fwd + (i - 1) * ENT_NL;
        float *cur = fwd + i * ENT_NL;
        const float *e = em + i * ENT_NL;
        ent_v4f b0, b1, b2;
        {
            float pq = prev[closed_set[0]];
            b0 = T[0][0] + pq;
            b1 = T[0][1] + pq;
            b2 = T[0][2] + pq;
        }
#pragma GCC unroll 8
        for (q = 1; q < 9; q++) {
            float pq = prev[closed_set[q]];
            b0 = vmax4(T[q][0] + pq, b0);
            b1 = vmax4(T[q][1] + pq, b1);
            b2 = vmax4(T[q][2] + pq, b2);
        }
        if (changed != NULL)
            memcpy(old, cur, sizeof old);
        /* the labels come in pairs: start_set is O B-PER, U-PER B-ORG, ...,
         * U-MISC; the inside labels I-x L-x of each type */
        b0 += pairs(e, e + 4);
        b1 += pairs(e + 8, e + 12);
        z = b0[0];
        z4 = (ent_v4f){z, z, z, z};
        put_pairs(cur, cur + 4, b0 - z4);
        put_pairs(cur + 8, cur + 12, b1 - z4);
        cur[16] = (b2[0] + e[16]) - z;
        for (k = 0; k < 2; k++) {
            /* I-x, L-x of two types after B-x or I-x of theirs: the later
             * when strictly greater */
            ent_v4f x = pairs(prev + 1 + 8 * k, prev + 5 + 8 * k);
            ent_v4f vb = __builtin_shuffle(x, sel_b) + tb[k], vi = __builtin_shuffle(x, sel_i) + ti[k];
            put_pairs(cur + 2 + 8 * k, cur + 6 + 8 * k, (vmax4(vi, vb) + pairs(e + 2 + 8 * k, e + 6 + 8 * k)) - z4);
        }
        if (viterbi_settle(cur, changed != NULL ? old : NULL, changed, n, &i, d, fwd, NULL, out))
            return;
    }
    viterbi_end(fwd, n, d, NULL, out);
}

/* Rows from..n-1 of the max-marginals' backward scores. */
static void marginals_sse(const ent_dec *d, const float *em, size_t n, size_t from, float *bwd)
{
    size_t i;
    int c, k, t;
    ent_v4f TT[9][3], oi[2], ol[2];
    const ent_v4i sel_i = {0, 0, 2, 2}, sel_l = {1, 1, 3, 3};
    if (n == 0)
        return;
    /* from B-x and I-x of types 0, 1 and of 2, 3 to I-x and to L-x */
    for (t = 0; t < 2; t++) {
        oi[t] = pairs(d->oi + 1 + 8 * t, d->oi + 5 + 8 * t);
        ol[t] = pairs(d->ol + 1 + 8 * t, d->ol + 5 + 8 * t);
    }
    /* TT[k]: from each closed label (lanes) to start_set[k] */
    for (k = 0; k < 9; k++)
        for (c = 0; c < 3; c++)
            memcpy(&TT[k][c], &d->bw[k][4 * c], sizeof TT[k][c]);
    for (c = 0; c < ENT_NL; c++)
        bwd[(n - 1) * ENT_NL + c] = entities_allowed_end(c) ? d->end[c] : NEG;
    for (i = n - 1; i > from; i--) {
        const float *nx = bwd + i * ENT_NL;
        const float *e = em + i * ENT_NL;
        float *cur = bwd + (i - 1) * ENT_NL;
        float v[ENT_NL];
        for (c = 0; c < ENT_NL; c++)
            v[c] = nx[c] + e[c];
        /* closed labels go on to O, B-x or U-x: vectors over the 9 closed
         * labels, one pass per label they go on to */
        {
            ent_v4f a0 = {NEG, NEG, NEG, NEG}, a1 = a0, a2 = a0;
#pragma GCC unroll 9
            for (k = 0; k < 9; k++) {
                float vc = v[start_set[k]];
                a0 = vmax4(TT[k][0] + vc, a0);
                a1 = vmax4(TT[k][1] + vc, a1);
                a2 = vmax4(TT[k][2] + vc, a2);
            }
            for (k = 0; k < 9; k++)
                cur[closed_set[k]] = k < 4 ? a0[k] : k < 8 ? a1[k - 4] : a2[0];
        }
        /* B-x and I-x go on to I-x or L-x (I-x's when not smaller): the
         * pairs B-x I-x of two types at once */
        for (t = 0; t < 2; t++) {
            ent_v4f x = pairs(v + 2 + 8 * t, v + 6 + 8 * t);
            ent_v4f xa = __builtin_shuffle(x, sel_i) + oi[t], xb = __builtin_shuffle(x, sel_l) + ol[t];
            put_pairs(cur + 1 + 8 * t, cur + 5 + 8 * t, vmax4(xa, xb));
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(ENT_NO_WIDE)
/* The same two passes with the nine closed labels in one 16-lane vector,
 * for processors with AVX-512: the same additions and comparisons in the
 * same order, so the same results. */
#define ENT_WIDE 1
typedef float ent_v16f __attribute__((vector_size(64)));

/* a > b ? a : b in each lane (_mm512_max_ps), as vmax4 */
#define ENT_VMAX16(a, b) ((ent_v16f)_mm512_max_ps((__m512)(a), (__m512)(b)))

/* The largest of nine vectors, as a tree: a with b, c with d, ... and
 * the pairs' maxima, then k (both passes take them in this order). */
__attribute__((target("avx512f"))) static inline __m512 max9_wide(__m512 a, __m512 b, __m512 c, __m512 d,
                                                                 __m512 e, __m512 f, __m512 g, __m512 h,
                                                                 __m512 k)
{
    a = _mm512_max_ps(b, a);
    c = _mm512_max_ps(d, c);
    e = _mm512_max_ps(f, e);
    g = _mm512_max_ps(h, g);
    a = _mm512_max_ps(c, a);
    e = _mm512_max_ps(g, e);
    a = _mm512_max_ps(e, a);
    return _mm512_max_ps(k, a);
}

/* With back pointers when back is not NULL (the best's label costs a
 * compare and a blend a step, and a row of them one store), otherwise
 * traced back from the scores. */
__attribute__((target("avx512f"))) static void viterbi_wide(const ent_dec *d, const float *em, size_t n,
                                                           size_t from, const uint8_t *changed, float *fwd,
                                                           uint8_t *back, uint8_t *out)
{
    size_t i, first = from > 1 ? from : 1, held = (size_t)-1;
    int q;
    float old[ENT_NL], p16 = 0;
    __m512 T[9], tb = _mm512_loadu_ps(d->inb), ti = _mm512_loadu_ps(d->ini), pv = _mm512_setzero_ps();
    __m512i Q[9];
    /* (the candidates of each start label are made in its own lane, those
     * of U-MISC in lane ENT_U16_LANE: the row needs no permute) the B-x
     * and I-x before an inside label c; those labels */
    const __m512i idx_b = _mm512_setr_epi32(0, 0, 1, 1, 0, 0, 5, 5, 0, 0, 9, 9, 0, 0, 13, 13),
                  idx_i = _mm512_setr_epi32(0, 0, 2, 2, 0, 0, 6, 6, 0, 0, 10, 10, 0, 0, 14, 14);
    const __m512i lab_b = idx_b, lab_i = idx_i;
    const __mmask16 inside = 0xccccu;   /* labels 2, 3, 6, 7, 10, 11, 14, 15 */
    if (n == 0)
        return;
    for (q = 0; q < 9; q++) {
        T[q] = _mm512_loadu_ps(d->fwl[q]);
        Q[q] = _mm512_set1_epi32(closed_set[q]);
    }
    if (from == 0 && viterbi_start(em, n, changed, d->start, fwd, &first))
        return;
    for (i = first; i < n; i++) {
        const float *prev = fwd + (i - 1) * ENT_NL;
        float *cur = fwd + i * ENT_NL;
        const float *e = em + i * ENT_NL;
        uint8_t *bk = back != NULL ? back + i * ENT_BACK : NULL;
        __m512 v0, v1, v2, v3, v4, v5, v6, v7, v8, vb, vi, row;
        __m512i pk = Q[0];
        __mmask16 mi;
        float z, last;
        /* the row before: kept in registers when this loop has just made
         * it, its labels taken out by permutes, rather than read back
         * from its store (which the processor forwards more slowly);
         * read from fwd after a stretch that did not change */
        if (held != i - 1) {
            pv = _mm512_loadu_ps(prev);
            p16 = prev[16];
        }
        v0 = _mm512_add_ps(T[0], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[0]), pv));
        v1 = _mm512_add_ps(T[1], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[1]), pv));
        v2 = _mm512_add_ps(T[2], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[2]), pv));
        v3 = _mm512_add_ps(T[3], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[3]), pv));
        v4 = _mm512_add_ps(T[4], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[4]), pv));
        v5 = _mm512_add_ps(T[5], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[5]), pv));
        v6 = _mm512_add_ps(T[6], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[6]), pv));
        v7 = _mm512_add_ps(T[7], _mm512_permutexvar_ps(_mm512_set1_epi32(closed_set[7]), pv));
        v8 = _mm512_add_ps(T[8], _mm512_set1_ps(p16));
        /* the first best of nine as a tree (of two, the later only when
         * strictly greater): the choice a scan makes, in four steps, in
         * registers */
        if (bk != NULL) {
            __m512i p0, p2, p4, p6;
            __mmask16 m;
#define ENT_PICK(va, pa, vb, pb)                                                  \
    do {                                                                          \
        m = _mm512_cmp_ps_mask(vb, va, _CMP_GT_OQ);                               \
        pa = _mm512_mask_blend_epi32(m, pa, pb);                                  \
        va = _mm512_mask_blend_ps(m, va, vb);                                     \
    } while (0)
            p0 = Q[0];
            p2 = Q[2];
            p4 = Q[4];
            p6 = Q[6];
            ENT_PICK(v0, p0, v1, Q[1]);
            ENT_PICK(v2, p2, v3, Q[3]);
            ENT_PICK(v4, p4, v5, Q[5]);
            ENT_PICK(v6, p6, v7, Q[7]);
            ENT_PICK(v0, p0, v2, p2);
            ENT_PICK(v4, p4, v6, p6);
            ENT_PICK(v0, p0, v4, p4);
            ENT_PICK(v0, p0, v8, Q[8]);
#undef ENT_PICK
            pk = p0;
        } else {
            v0 = max9_wide(v0, v1, v2, v3, v4, v5, v6, v7, v8);
        }
        /* inside labels: from B-x or I-x of their type, the later only
         * when strictly greater */
        vb = _mm512_add_ps(_mm512_permutexvar_ps(idx_b, pv), tb);
        vi = _mm512_add_ps(_mm512_permutexvar_ps(idx_i, pv), ti);
        mi = _mm512_cmp_ps_mask(vi, vb, _CMP_GT_OQ);
        if (bk != NULL) {
            /* the back pointers in the order of the labels, as the row
             * (so that the path back takes one look-up a step), label 16
             * (U-MISC, the last of start_set) after them */
            __m512i bl = _mm512_mask_blend_epi32(inside, pk, _mm512_mask_blend_epi32(mi, lab_b, lab_i));
            _mm_storeu_si128((__m128i *)(void *)bk, _mm512_cvtepi32_epi8(bl));
            bk[16] = (uint8_t)_mm_extract_epi32(_mm512_castsi512_si128(pk), ENT_U16_LANE);
        }
        /* the row in the order of the labels, plus its emissions, less its O */
        row = _mm512_mask_blend_ps(inside, v0, _mm512_mask_blend_ps(mi, vb, vi));
        row = _mm512_add_ps(row, _mm512_loadu_ps(e));
        z = _mm512_cvtss_f32(row);
        {
            __m128 l4 = _mm512_castps512_ps128(v0);
            last = _mm_cvtss_f32(_mm_shuffle_ps(l4, l4, ENT_U16_LANE)) + e[16];
        }
        if (changed != NULL)
            memcpy(old, cur, sizeof old);
        pv = _mm512_sub_ps(row, _mm512_set1_ps(z));
        p16 = last - z;
        held = i;
        _mm512_storeu_ps(cur, pv);
        cur[16] = p16;
        if (viterbi_settle(cur, changed != NULL ? old : NULL, changed, n, &i, d, fwd, back, out))
            return;
    }
    viterbi_end(fwd, n, d, back, out);
}

/* Each row made in one vector, as the Viterbi rows. */
__attribute__((target("avx512f"))) static void marginals_wide(const ent_dec *d, const float *em, size_t n,
                                                             size_t from, float *bwd)
{
    size_t i;
    int c, k;
    float nx16;
    __m512 TT[9], oi = _mm512_loadu_ps(d->oi), ol = _mm512_loadu_ps(d->ol), nxv;
    /* (the closed labels' best in their own lanes, label 16's in lane
     * ENT_C16_LANE: the row needs no permute) the I-x and L-x after an
     * open label c (B-x or I-x) */
    const __m512i idx_i = _mm512_setr_epi32(0, 2, 2, 0, 0, 6, 6, 0, 0, 10, 10, 0, 0, 14, 14, 0),
                  idx_l = _mm512_setr_epi32(0, 3, 3, 0, 0, 7, 7, 0, 0, 11, 11, 0, 0, 15, 15, 0);
    const __mmask16 open = 0x6666u;    /* labels 1, 2, 5, 6, 9, 10, 13, 14 */
    if (n == 0)
        return;
    for (k = 0; k < 9; k++)
        TT[k] = _mm512_loadu_ps(d->bwl[k]);
    for (c = 0; c < ENT_NL; c++)
        bwd[(n - 1) * ENT_NL + c] = entities_allowed_end(c) ? d->end[c] : NEG;
    /* the row after, kept in registers from one step to the next (its
     * labels taken out by permutes rather than read back from a store) */
    nxv = _mm512_loadu_ps(bwd + (n - 1) * ENT_NL);
    nx16 = bwd[(n - 1) * ENT_NL + 16];
    for (i = n - 1; i > from; i--) {
        const float *e = em + i * ENT_NL;
        float *cur = bwd + (i - 1) * ENT_NL;
        float v16 = nx16 + e[16];
        __m512 vv = _mm512_add_ps(nxv, _mm512_loadu_ps(e)), a, x0, x1, x2, x3, x4, x5, x6, x7, x8, xa, xb;
        a = _mm512_set1_ps(NEG);
        x0 = _mm512_add_ps(TT[0], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[0]), vv));
        x1 = _mm512_add_ps(TT[1], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[1]), vv));
        x2 = _mm512_add_ps(TT[2], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[2]), vv));
        x3 = _mm512_add_ps(TT[3], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[3]), vv));
        x4 = _mm512_add_ps(TT[4], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[4]), vv));
        x5 = _mm512_add_ps(TT[5], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[5]), vv));
        x6 = _mm512_add_ps(TT[6], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[6]), vv));
        x7 = _mm512_add_ps(TT[7], _mm512_permutexvar_ps(_mm512_set1_epi32(start_set[7]), vv));
        x8 = _mm512_add_ps(TT[8], _mm512_set1_ps(v16));
        /* closed labels go on to O, B-x or U-x: the largest of NEG and the
         * nine, as a tree */
        x0 = max9_wide(x0, x1, x2, x3, x4, x5, x6, x7, x8);
        a = _mm512_max_ps(x0, a);
        /* B-x and I-x go on to I-x or L-x: I-x's when not smaller */
        xa = _mm512_add_ps(_mm512_permutexvar_ps(idx_i, vv), oi);
        xb = _mm512_add_ps(_mm512_permutexvar_ps(idx_l, vv), ol);
        nxv = _mm512_mask_blend_ps(open, a, _mm512_max_ps(xa, xb));
        {
            __m128 l4 = _mm512_castps512_ps128(a);
            nx16 = _mm_cvtss_f32(_mm_shuffle_ps(l4, l4, ENT_C16_LANE));
        }
        _mm512_storeu_ps(cur, nxv);
        cur[16] = nx16;
    }
}

/* Read each time (a load and a test): a cached answer in a static would be
 * written by several workers at once. */
static int have_wide(void)
{
    return __builtin_cpu_supports("avx512f");
}
#endif

static void viterbi_any(const ent_dec *d, const float *em, size_t n, size_t from, const uint8_t *changed,
                        float *fwd, uint8_t *back, uint8_t *out)
{
#ifdef ENT_WIDE
    if (have_wide()) {
        viterbi_wide(d, em, n, from, changed, fwd, back, out);
        return;
    }
#endif
    (void)back;
    viterbi_sse(d, em, n, from, changed, fwd, out);
}

ENT_API void entities_decode(const ent_dec *d, const float *em, size_t n, uint8_t *back, float *fwd, uint8_t *out)
{
    viterbi_any(d, em, n, 0, NULL, fwd, back, out);
}

ENT_API void entities_decode_again(const ent_dec *d, const float *em, size_t n, const uint8_t *changed,
                                   uint8_t *back, float *fwd, uint8_t *out)
{
    size_t from = 0;
    while (from < n && !changed[from])
        from++;
    if (from < n)
        viterbi_any(d, em, n, from, changed, fwd, back, out);
}

ENT_API void entities_marginals(const ent_dec *d, const float *em, size_t n, size_t from, float *bwd)
{
#ifdef ENT_WIDE
    if (have_wide()) {
        marginals_wide(d, em, n, from, bwd);
        return;
    }
#endif
    marginals_sse(d, em, n, from, bwd);
}

/* The calls with the transitions as they are (the trainer's, whose weights
 * change): tables made for each call.  back is no longer used. */
ENT_API void entities_viterbi_again(const float *em, size_t n, const uint8_t *changed, const float *trans,
                                    const float *start, const float *end, uint8_t *back, float *fwd,
                                    uint8_t *out)
{
    ent_dec d;
    (void)back;
    entities_dec_init(&d, trans, start, end);
    entities_decode_again(&d, em, n, changed, NULL, fwd, out);
}

ENT_API void entities_viterbi(const float *em, size_t n, const float *trans, const float *start,
                      const float *end, uint8_t *back, float *fwd, uint8_t *out)
{
    ent_dec d;
    (void)back;
    entities_dec_init(&d, trans, start, end);
    entities_decode(&d, em, n, NULL, fwd, out);
}

ENT_API void entities_max_marginals(const float *em, size_t n, const float *trans, const float *start,
                            const float *end, const float *fwd, float *bwd)
{
    ent_dec d;
    (void)fwd;
    entities_dec_init(&d, trans, start, end);
    entities_marginals(&d, em, n, 0, bwd);
}

/* ---- the model ---- */

#define PAD8(x) (((x) + 7u) & ~(uint64_t)7u)

ENT_API uint64_t entities_payload_size(const ent_header *h)
{
    uint64_t words = ((uint64_t)1 << h->hbits) / 64, s = 0;
    s += PAD8((uint64_t)(ENT_NL * ENT_NL + 2 * ENT_NL) * 4);
    s += words * 8;
    s += PAD8(words * 4);
    s += PAD8((uint64_t)h->nrows * ENT_NL * 2);
    s += PAD8((uint64_t)h->nlex * sizeof(ent_lexinfo));
    s += PAD8(((uint64_t)h->nlex + 1) * 4);
    s += PAD8(h->lex_bytes);
    s += (uint64_t)h->ngaz * 8;
    s += PAD8((uint64_t)h->ngaz * 4);
    s += PAD8(((uint64_t)h->nvocab + 1) * 4);
    s += PAD8(h->vocab_bytes);
    return s;
}

#define ENT_PTAB 2048

struct ent_model {
    const unsigned char *data;
    size_t size;
    void *map;          /* non-NULL when mapped here */
    size_t map_size;
    ent_header h;
    const float *trans, *start, *end;
    ent_dec dec;        /* the decoding tables of trans, start and end */
    const uint64_t *bitmap;
    const uint32_t *rank;
    const int16_t *rows;
    ent_lex lex;
    const char **lex_words;
    uint16_t *lex_lens;
    /* known exact forms and what each adds at offsets -2..2 */
    uint32_t nvocab;
    const uint32_t *vocab_off;
    const char *vocab_str;
    uint64_t *vindex;   /* open addressing: hash << 32 | (record + 1); 0 is empty */
    uint32_t vmask;
    struct vent *vent;  /* nvocab records, zero until each is first used */
    size_t vent_bytes;  /* their mapping */
    /* position features (few, small values) with a row, and their rows
     * in float: open addressing by feature hash; index 0 is empty */
    uint64_t pkey[ENT_PTAB];
    uint16_t pidx[ENT_PTAB];
    uint16_t pcode[ENT_POS_NCODES]; /* the same by code (posf): 0 none */
    float (*prow)[ENT_NL];
    int ptab_ok;
    int has_doc;        /* tags each document a second time (ENT_FLAG_SECOND) */
};

/* A known word: what it adds at each offset, its lexicon entry and itself,
 * together so that one look-up touches one place.  Record r is word r of
 * the vocabulary.  Nothing of it is made when the model loads: the first
 * worker to meet the word sums its rows (state VENT_BUSY while it does),
 * and publishes them with state VENT_READY; until then the word is
 * compared against the vocabulary in the model image. */
#define VENT_MAXLEN 35
enum { VENT_EMPTY, VENT_BUSY, VENT_READY };
struct vent {
    float rows[ENT_NOFF * ENT_NL];
    uint32_t info;      /* its lexicon entry's number + 1 (0: none) */
    uint8_t len;
    uint8_t state;      /* VENT_*, read and written atomically */
    char s[VENT_MAXLEN];
} __attribute__((aligned(64)));
/* (six whole lines a record, the word and its state in the last) */
_Static_assert(sizeof(struct vent) == 6 * 64, "a known word's record is six cache lines");

/* The lexicon entry of a record, or NULL. */
static inline const ent_lexinfo *vent_info(const ent_model *m, const struct vent *v)
{
    return v->info != 0 ? &m->lex.info[v->info - 1] : NULL;
}

static inline uint32_t popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

static inline const int16_t *model_row(const ent_model *m, uint32_t slot)
{
    uint64_t w = m->bitmap[slot >> 6], bit = (uint64_t)1 << (slot & 63);
    if (!(w & bit))
        return NULL;
    return m->rows + (size_t)(m->rank[slot >> 6] + popcount64(w & (bit - 1))) * ENT_NL;
}

/* Add the 17 floats at r to the sums a0..a3 (four each) and a4. */
#define ENT_ROW_ADD(r)                                                            \
    do {                                                                          \
        ent_v4f x0, x1, x2, x3;                                                   \
        memcpy(&x0, (r), 16);                                                     \
        memcpy(&x1, (r) + 4, 16);                                                 \
        memcpy(&x2, (r) + 8, 16);                                                 \
        memcpy(&x3, (r) + 12, 16);                                                \
        a0 += x0;                                                                 \
        a1 += x1;                                                                 \
        a2 += x2;                                                                 \
        a3 += x3;                                                                 \
        a4 += (r)[16];                                                            \
    } while (0)

/* What word s adds at each offset, as it was first written (the weights
 * turned into floats at each use, each row added to its offset's sums in
 * memory): the tests hold word_rows() to it. */
static inline const ent_lexinfo *word_rows_plain(const ent_model *m, const char *s, size_t len, float *out)
{
    ent_wfeat f[ENT_MAXFEAT];
    uint32_t slot[ENT_MAXFEAT * ENT_NOFF];
    uint8_t off[ENT_MAXFEAT * ENT_NOFF];
    const int16_t *rows[ENT_MAXFEAT * ENT_NOFF];
    const ent_lexinfo *info;
    int nf = word_feats_info(&m->lex, s, len, f, &info), i, d, l, ns = 0, nr = 0;
    for (i = 0; i < nf; i++)
        for (d = -ENT_WIN; d <= ENT_WIN; d++)
            if (f[i].mask & (1u << (d + ENT_WIN))) {
                uint32_t sl = entities_slot(f[i].h, d, m->h.hbits);
                __builtin_prefetch(&m->bitmap[sl >> 6]);
                __builtin_prefetch(&m->rank[sl >> 6]);
                slot[ns] = sl;
                off[ns++] = (uint8_t)(d + ENT_WIN);
            }
    for (i = 0; i < ns; i++) {
        const int16_t *r = model_row(m, slot[i]);
        if (r == NULL)
            continue;
        __builtin_prefetch(r);
        __builtin_prefetch(r + ENT_NL - 1);
        rows[nr] = r;
        off[nr++] = off[i];
    }
    memset(out, 0, sizeof(float) * ENT_NOFF * ENT_NL);
    for (i = 0; i < nr; i++) {
        float *o = out + off[i] * ENT_NL;
        for (l = 0; l < ENT_NL; l++)
            o[l] += (float)rows[i][l] * m->h.wscale;
    }
    return info;
}

/* What word s adds at each offset: out[ENT_NOFF][ENT_NL].  The rows are
 * spread over the table: all slots are worked out and their index words
 * fetched first, then the rows, so that the misses overlap.  The rows are
 * read as the model keeps them, 16-bit integers (34 bytes, one cache line
 * more often than not, where their floats took two), four made into
 * floats and scaled at once, as word_rows_plain() makes each (an exact
 * conversion, then the same product); each offset's are summed in
 * registers, in the order of the features, from zero, as
 * word_rows_plain() sums them in memory: the same floats. */
/* (the part of word_rows() before the sums: the rows of each offset, in
 * the order of the features) */
static inline __attribute__((always_inline)) const ent_lexinfo *
word_rows_find(const ent_model *m, const char *s, size_t len, const int16_t *rows[ENT_NOFF][ENT_MAXFEAT],
               int nr[ENT_NOFF])
{
    ent_wfeat f[ENT_MAXFEAT];
    uint32_t slot[ENT_NOFF][ENT_MAXFEAT];
    int ns[ENT_NOFF] = {0};
    const ent_lexinfo *info;
    ent_wpart wp;
    int nf = word_feats_a(&m->lex, s, len, f, &wp), i = 0, o, part;
    /* the slots of the features that do not need the lexicon's entry
     * worked out and fetched before it is looked up (its misses and
     * theirs overlap), then those of the others: the same order */
    for (part = 0; part < 2; part++) {
        if (part == 1)
            nf = word_feats_b(&m->lex, f, nf, &wp, &info);
        for (; i < nf; i++) {
            uint32_t mask = f[i].mask & ((1u << ENT_NOFF) - 1);
            while (mask != 0) {
                uint32_t sl;
                o = __builtin_ctz(mask);
                mask &= mask - 1;
                sl = entities_slot(f[i].h, o - ENT_WIN, m->h.hbits);
                __builtin_prefetch(&m->bitmap[sl >> 6]);
                __builtin_prefetch(&m->rank[sl >> 6]);
                slot[o][ns[o]++] = sl;
            }
        }
    }
    for (o = 0; o < ENT_NOFF; o++) {
        nr[o] = 0;
        for (i = 0; i < ns[o]; i++) {
            const int16_t *q = model_row(m, slot[o][i]);
            if (q == NULL)
                continue;
            __builtin_prefetch(q);
            __builtin_prefetch(q + ENT_NL - 1);
            rows[o][nr[o]++] = q;
        }
    }
    return info;
}

static const ent_lexinfo *word_rows_sse(const ent_model *m, const char *s, size_t len, float *out)
{
    const int16_t *rows[ENT_NOFF][ENT_MAXFEAT];
    int nr[ENT_NOFF], i, o;
    const ent_lexinfo *info = word_rows_find(m, s, len, rows, nr);
    for (o = 0; o < ENT_NOFF; o++) {
        __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, ws = _mm_set1_ps(m->h.wscale);
        float a4 = 0, *e = out + o * ENT_NL;
        for (i = 0; i < nr[o]; i++) {
            const int16_t *q = rows[o][i];
            __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)q),
                    hi = _mm_loadu_si128((const __m128i *)(const void *)(q + 8));
            a0 = _mm_add_ps(a0, _mm_mul_ps(_mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(lo, lo), 16)), ws));
            a1 = _mm_add_ps(a1, _mm_mul_ps(_mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpackhi_epi16(lo, lo), 16)), ws));
            a2 = _mm_add_ps(a2, _mm_mul_ps(_mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(hi, hi), 16)), ws));
            a3 = _mm_add_ps(a3, _mm_mul_ps(_mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpackhi_epi16(hi, hi), 16)), ws));
            a4 += (float)q[16] * m->h.wscale;
        }
        memcpy(e, &a0, 16);
        memcpy(e + 4, &a1, 16);
        memcpy(e + 8, &a2, 16);
        memcpy(e + 12, &a3, 16);
        e[16] = a4;
    }
    return info;
}

#ifdef ENT_WIDE
/* The same with labels 0..15 of a row made into floats, scaled and added
 * in one 16-lane vector each: the same products and sums (not fused). */
__attribute__((target("avx512f"))) static const ent_lexinfo *word_rows_wide(const ent_model *m, const char *s,
                                                                           size_t len, float *out)
{
    const int16_t *rows[ENT_NOFF][ENT_MAXFEAT];
    int nr[ENT_NOFF], i, o;
    const ent_lexinfo *info = word_rows_find(m, s, len, rows, nr);
    __m512 ws = _mm512_set1_ps(m->h.wscale);
    for (o = 0; o < ENT_NOFF; o++) {
        __m512 a = _mm512_setzero_ps();
        float a4 = 0, *e = out + o * ENT_NL;
        for (i = 0; i < nr[o]; i++) {
            const int16_t *q = rows[o][i];
            __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)q);
            __m512 p = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(v)), ws);
            float p4 = (float)q[16] * m->h.wscale;
            /* (each product rounded, then added, as the others do: with
             * AVX-512 the compiler may fuse them into one rounding) */
            __asm__("" : "+v"(p), "+x"(p4));
            a = _mm512_add_ps(a, p);
            a4 += p4;
        }
        _mm512_storeu_ps(e, a);
        e[16] = a4;
    }
    return info;
}
#endif

static const ent_lexinfo *word_rows(const ent_model *m, const char *s, size_t len, float *out)
{
#ifdef ENT_WIDE
    if (have_wide())
        return word_rows_wide(m, s, len, out);
#endif
    return word_rows_sse(m, s, len, out);
}

static inline uint32_t ptab_home(uint64_t key)
{
    return (uint32_t)(key ^ (key >> 23) ^ (key >> 41)) & (ENT_PTAB - 1);
}

/* Every position feature entities_pos_feats() can make is posh(kind, a, b,
 * c) with a < 16, b < 8 and c < 8: the rows of those the model has are
 * kept in float, so that a position's features cost a small look-up each
 * instead of a probe of the hashed table.  A feature not found has no row. */
static int ptab_build(ent_model *m)
{
    static const char kinds[] = ENT_POS_KINDS;
    size_t nk, a, b, c, n = 0, cap = 0;
    for (nk = 0; kinds[nk] != '\0'; nk++)
        for (a = 0; a < 16; a++)
            for (b = 0; b < 8; b++)
                for (c = 0; c < 8; c++) {
                    uint64_t key = posh(kinds[nk], (unsigned)a, (unsigned)b, (unsigned)c);
                    const int16_t *r = model_row(m, entities_slot(key, 0, m->h.hbits));
                    uint32_t j;
                    int l;
                    if (r == NULL)
                        continue;
                    if (n + 2 > ENT_PTAB / 2)
                        return 0; /* more than expected: probe the table */
                    if (n + 2 > cap) {
                        void *p;
                        cap = cap ? cap * 2 : 64;
                        p = realloc(m->prow, sizeof *m->prow * cap);
                        if (p == NULL)
                            return -1;
                        m->prow = p;
                    }
                    n++;
                    for (l = 0; l < ENT_NL; l++)
                        m->prow[n][l] = (float)r[l] * m->h.wscale;
                    j = ptab_home(key);
                    while (m->pidx[j] != 0)
                        j = (j + 1) & (ENT_PTAB - 1);
                    m->pkey[j] = key;
                    m->pidx[j] = (uint16_t)n;
                    m->pcode[nk << 10 | a << 6 | b << 3 | c] = (uint16_t)n;
                }
    m->ptab_ok = 1;
    return 0;
}

/* n bytes of zero pages (the pages are only made as they are touched),
 * aligned to 2 MB and on huge pages where the system has them; *bytes
 * gets the size to unmap.  NULL if it cannot be mapped. */
static void *map_zero(size_t n, size_t *bytes)
{
    const size_t huge = (size_t)2 << 20;
    size_t size = (n + huge - 1) & ~(huge - 1);
    unsigned char *p = mmap(NULL, size + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;
    if (p == MAP_FAILED)
        return NULL;
    /* keep the aligned part only */
    a = (unsigned char *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (a + size < p + size + huge)
        munmap(a + size, (size_t)(p + size + huge - (a + size)));
#ifdef MADV_HUGEPAGE
    madvise(a, size, MADV_HUGEPAGE);
#endif
    *bytes = size;
    return a;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *a)
{
    if (err != NULL)
        snprintf(err, errlen, fmt, a);
    return -1;
}

ENT_API ent_model *entities_model_open(const void *data, size_t size, char *err, size_t errlen)
{
    ent_model *m;
    const unsigned char *p;
    uint64_t words, need, sum, i;
    const uint32_t *lex_off;
    const char *lex_str;
    char num[64];

    if (size < sizeof(ent_header)) {
        snprintf(num, sizeof num, "%zu", size);
        fail(err, errlen, "model is truncated: %s bytes, shorter than its header", num);
        return NULL;
    }
    m = calloc(1, sizeof *m);
    if (m == NULL) {
        fail(err, errlen, "%s", "out of memory");
        return NULL;
    }
    memcpy(&m->h, data, sizeof m->h);
    m->data = data;
    m->size = size;
    if (memcmp(m->h.magic, ENT_MAGIC, 8) != 0) {
        fail(err, errlen, "%s", "not an entities model (bad magic number)");
        goto bad;
    }
    if (m->h.version != ENT_VERSION) {
        snprintf(num, sizeof num, "%u (this build reads %u)", m->h.version, ENT_VERSION);
        fail(err, errlen, "unsupported model version %s", num);
        goto bad;
    }
    if ((m->h.flags & ~ENT_FLAGS_KNOWN) != 0) {
        snprintf(num, sizeof num, "%#x", m->h.flags & ~ENT_FLAGS_KNOWN);
        fail(err, errlen, "model needs features this build does not have (flags %s)", num);
        goto bad;
    }
    m->has_doc = (m->h.flags & ENT_FLAG_SECOND) != 0;
    if (m->h.nlabels != ENT_NL || m->h.hbits < 10 || m->h.hbits > 26 ||
        !(m->h.wscale > 0) || !(m->h.score_scale > 0)) {
        fail(err, errlen, "%s", "model header is corrupt (labels, table size or scales)");
        goto bad;
    }
    need = entities_payload_size(&m->h);
    if (m->h.payload_bytes != need || size - sizeof(ent_header) < need) {
        snprintf(num, sizeof num, "%zu of %llu", size - sizeof(ent_header), (unsigned long long)need);
        fail(err, errlen, "model is truncated or corrupt: payload has %s bytes", num);
        goto bad;
    }
    if (size - sizeof(ent_header) != need) {
        fail(err, errlen, "%s", "model has trailing bytes after its payload");
        goto bad;
    }
    p = (const unsigned char *)data + sizeof(ent_header);
    if (((uintptr_t)p & 7u) != 0) {
        fail(err, errlen, "%s", "model image is not aligned to 8 bytes");
        goto bad;
    }
    if (entities_checksum(p, need) != m->h.checksum) {
        fail(err, errlen, "%s", "model checksum mismatch: the file is corrupt");
        goto bad;
    }
    words = ((uint64_t)1 << m->h.hbits) / 64;
    m->trans = (const float *)p;
    m->start = m->trans + ENT_NL * ENT_NL;
    m->end = m->start + ENT_NL;
    entities_dec_init(&m->dec, m->trans, m->start, m->end);
    p += PAD8((uint64_t)(ENT_NL * ENT_NL + 2 * ENT_NL) * 4);
    m->bitmap = (const uint64_t *)p;
    p += words * 8;
    m->rank = (const uint32_t *)p;
    p += PAD8(words * 4);
    m->rows = (const int16_t *)p;
    p += PAD8((uint64_t)m->h.nrows * ENT_NL * 2);
    for (sum = 0, i = 0; i < words; i++) {
        if (m->rank[i] != sum)
            break;
        sum += popcount64(m->bitmap[i]);
    }
    if (i != words || sum != m->h.nrows) {
        fail(err, errlen, "%s", "model weight index is corrupt");
        goto bad;
    }
    m->lex.n = m->h.nlex;
    m->lex.info = (const ent_lexinfo *)p;
    p += PAD8((uint64_t)m->h.nlex * sizeof(ent_lexinfo));
    lex_off = (const uint32_t *)p;
    p += PAD8(((uint64_t)m->h.nlex + 1) * 4);
    lex_str = (const char *)p;
    p += PAD8(m->h.lex_bytes);
    m->lex.ngaz = m->h.ngaz;
    m->lex.gaz_keys = (const uint64_t *)p;
    p += (uint64_t)m->h.ngaz * 8;
    m->lex.gaz_kinds = (const uint32_t *)p;
    p += PAD8((uint64_t)m->h.ngaz * 4);
    m->nvocab = m->h.nvocab;
    m->vocab_off = (const uint32_t *)p;
    p += PAD8(((uint64_t)m->h.nvocab + 1) * 4);
    m->vocab_str = (const char *)p;

    if (lex_off[0] != 0 || lex_off[m->h.nlex] != m->h.lex_bytes ||
        m->vocab_off[0] != 0 || m->vocab_off[m->h.nvocab] != m->h.vocab_bytes) {
        fail(err, errlen, "%s", "model word tables are corrupt");
        goto bad;
    }
    m->lex_words = malloc(sizeof *m->lex_words * (m->h.nlex + 1));
    m->lex_lens = malloc(sizeof *m->lex_lens * (m->h.nlex + 1));
    if (m->lex_words == NULL || m->lex_lens == NULL) {
        fail(err, errlen, "%s", "out of memory");
        goto bad;
    }
    for (i = 0; i < m->h.nlex; i++) {
        if (lex_off[i + 1] < lex_off[i] || lex_off[i + 1] - lex_off[i] > 63) {
            fail(err, errlen, "%s", "model lexicon is corrupt");
            goto bad;
        }
        m->lex_words[i] = lex_str + lex_off[i];
        m->lex_lens[i] = (uint16_t)(lex_off[i + 1] - lex_off[i]);
    }
    for (i = 0; i < m->h.nvocab; i++)
        if (m->vocab_off[i + 1] < m->vocab_off[i] || m->vocab_off[i + 1] - m->vocab_off[i] > 63) {
            fail(err, errlen, "%s", "model vocabulary is corrupt");
            goto bad;
        }
    m->lex.words = m->lex_words;
    m->lex.lens = m->lex_lens;
    if (entities_lex_index(&m->lex) != 0) {
        fail(err, errlen, "%s", "out of memory");
        goto bad;
    }
    if (ptab_build(m) != 0) {
        fail(err, errlen, "%s", "out of memory");
        goto bad;
    }
    {
        uint32_t cap = pow2_at_least(m->nvocab * 2 + 1), j, nv = 0;
        m->vindex = calloc(cap, sizeof *m->vindex);
        /* the records: zero pages, mapped here and touched only as words
         * are met; one block, on huge pages where the system has them,
         * since the look-ups of known words are spread over it */
        m->vent = map_zero(sizeof *m->vent * ((size_t)m->nvocab + 1), &m->vent_bytes);
        if (m->vindex == NULL || m->vent == NULL) {
            fail(err, errlen, "%s", "out of memory");
            goto bad;
        }
        m->vmask = cap - 1;
        for (i = 0; i < m->h.nvocab; i++) {
            const char *s = m->vocab_str + m->vocab_off[i];
            size_t len = m->vocab_off[i + 1] - m->vocab_off[i];
            uint64_t h = word_key(s, len, 2, 0);
            if (len == 0 || len > VENT_MAXLEN)
                continue;
            j = (uint32_t)h & m->vmask;
            while (m->vindex[j] != 0)
                j = (j + 1) & m->vmask;
            m->vindex[j] = (h & 0xffffffff00000000ull) | (uint32_t)(i + 1);
            nv++;
        }
        m->nvocab = nv;
    }
    return m;
bad:
    entities_model_free(m);
    return NULL;
}

ENT_API ent_model *entities_model_open_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *map;
    ent_model *m;
    if (fd < 0) {
        if (err != NULL)
            snprintf(err, errlen, "cannot open model %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (err != NULL)
            snprintf(err, errlen, "model %s is not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_size < (off_t)sizeof(ent_header)) {
        if (err != NULL)
            snprintf(err, errlen, "model %s is truncated: %lld bytes, shorter than its header",
                     path, (long long)st.st_size);
        close(fd);
        return NULL;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        if (err != NULL)
            snprintf(err, errlen, "cannot map model %s: %s", path, strerror(errno));
        return NULL;
    }
    m = entities_model_open(map, (size_t)st.st_size, err, errlen);
    if (m == NULL) {
        if (err != NULL) {
            char *tmp = strdup(err);
            if (tmp != NULL) {
                snprintf(err, errlen, "%s: %s", path, tmp);
                free(tmp);
            }
        }
        munmap(map, (size_t)st.st_size);
        return NULL;
    }
    m->map = map;
    m->map_size = (size_t)st.st_size;
    return m;
}

ENT_API void entities_model_free(ent_model *m)
{
    if (m == NULL)
        return;
    entities_lex_free_index(&m->lex);
    free(m->lex_words);
    free(m->lex_lens);
    free(m->vindex);
    if (m->vent != NULL)
        munmap(m->vent, m->vent_bytes);
    free(m->prow);
    if (m->map != NULL)
        munmap(m->map, m->map_size);
    free(m);
}

ENT_API const ent_lex *entities_model_lex(const ent_model *m) { return &m->lex; }
ENT_API const ent_dec *entities_model_dec(const ent_model *m) { return &m->dec; }
ENT_API const float *entities_model_trans(const ent_model *m) { return m->trans; }
ENT_API const float *entities_model_start(const ent_model *m) { return m->start; }
ENT_API const float *entities_model_end(const ent_model *m) { return m->end; }
ENT_API float entities_model_score_scale(const ent_model *m) { return m->h.score_scale; }

ENT_API int entities_scratch_fit(ent_scratch *s, size_t n)
{
    void *a, *b, *c;
    if (s->cache == NULL) {
        size_t bytes = (sizeof *s->cache + ((size_t)2 << 20) - 1) & ~(((size_t)2 << 20) - 1);
        if (posix_memalign((void **)&s->cache, (size_t)2 << 20, bytes) != 0) {
            s->cache = NULL;
            return -1;
        }
#ifdef MADV_HUGEPAGE
        madvise(s->cache, bytes, MADV_HUGEPAGE);
#endif
        memset(s->cache->set, 0, sizeof s->cache->set);
        s->sent = 0;
    }
    if (n <= s->cap)
        return 0;
    n = n * 3 / 2 + 16;
    a = realloc(s->pf, sizeof *s->pf * ENT_MAXPOS * n);
    if (a == NULL)
        return -1;
    s->pf = a;
    b = realloc(s->npf, n);
    if (b == NULL)
        return -1;
    s->npf = b;
    c = realloc(s->info, sizeof *s->info * n);
    if (c == NULL)
        return -1;
    s->info = c;
    c = realloc(s->rows, sizeof *s->rows * n);
    if (c == NULL)
        return -1;
    s->rows = c;
    c = realloc(s->spill, sizeof *s->spill * ENT_NOFF * ENT_NL * n);
    if (c == NULL)
        return -1;
    s->spill = c;
    s->cap = n;
    return 0;
}

ENT_API void entities_scratch_free(ent_scratch *s)
{
    free(s->pf);
    free(s->npf);
    free(s->info);
    free(s->rows);
    free(s->spill);
    free(s->cache);
    memset(s, 0, sizeof *s);
}

/* Fetch the cache lines of the n bytes at p, from the line of the first
 * to the line of the last (the rows of a word the model does not list,
 * 340 bytes, start anywhere in a line; a record of a known word is six
 * whole lines). */
static inline void ent_prefetch_lines(const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)63, e = (uintptr_t)p + n;
    for (; a < e; a += 64)
        __builtin_prefetch((const void *)a);
}

/* The record of the known word s (hash h = word_key(s, len, 2, 0)), or
 * NULL.  A record made is compared with its own copy of the word, one not
 * yet made with the vocabulary in the model image. */
static inline struct vent *vent_find(const ent_model *m, const char *s, size_t len, uint64_t h)
{
    uint64_t e;
    uint32_t j = (uint32_t)h & m->vmask;
    while ((e = m->vindex[j]) != 0) {
        if ((e >> 32) == (h >> 32)) {
            uint32_t r = (uint32_t)e - 1;
            struct vent *v = &m->vent[r];
            if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VENT_READY) {
                if (v->len == len && same_bytes(v->s, s, len))
                    return v;
            } else if (m->vocab_off[r + 1] - m->vocab_off[r] == len &&
                       same_bytes(m->vocab_str + m->vocab_off[r], s, len))
                return v;
        }
        j = (j + 1) & m->vmask;
    }
    return NULL;
}

/* The rows of the known word s of record v (found by vent_find), made
 * when first met: by whichever worker claims the record first, which
 * then publishes it; a worker that finds it claimed by another sums the
 * rows into its own spare rows for token i rather than wait. */
static const float *vent_rows(const ent_model *m, ent_scratch *sc, struct vent *v, const char *s, size_t len,
                              size_t i, const ent_lexinfo **info)
{
    uint8_t st = __atomic_load_n(&v->state, __ATOMIC_ACQUIRE), empty = VENT_EMPTY;
    float *rows;
    if (st == VENT_READY) {
        *info = vent_info(m, v);
        return v->rows;
    }
    if (st == VENT_EMPTY &&
        __atomic_compare_exchange_n(&v->state, &empty, VENT_BUSY, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
        const ent_lexinfo *li = word_rows(m, s, len, v->rows);
        v->info = li != NULL ? (uint32_t)(li - m->lex.info) + 1 : 0;
        v->len = (uint8_t)len;
        memcpy(v->s, s, len);
        __atomic_store_n(&v->state, VENT_READY, __ATOMIC_RELEASE);
        *info = li;
        return v->rows;
    }
    if (empty == VENT_READY) { /* made meanwhile */
        *info = vent_info(m, v);
        return v->rows;
    }
    rows = sc->spill + i * ENT_NOFF * ENT_NL;
    *info = word_rows(m, s, len, rows);
    return rows;
}

/* What token t adds at each offset, and its lexicon entry. */
static inline const float *token_rows(const ent_model *m, ent_scratch *sc, const char *s, size_t len,
                                      uint64_t h, size_t i, const ent_lexinfo **info)
{
    ent_cache *cache = sc->cache;
    struct vent *v = vent_find(m, s, len, h);
    ent_cacheset *set;
    unsigned w;
    float *rows;
    if (v != NULL) {
        if (__builtin_expect(__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VENT_READY, 1)) {
            *info = vent_info(m, v);
            return v->rows;
        }
        return vent_rows(m, sc, v, s, len, i, info);
    }
    /* not in the vocabulary: the worker's cache, keyed by hash and length,
     * two ways to a set (the keys and stamps of both in one place) */
    h = mix64(h ^ len) | 1;
    set = &cache->set[h >> (64 - ENT_CACHE_BITS) >> 1];
    w = set->key[0] == h ? 0 : 1;
    if (set->key[w] == h) {
        ent_cacheslot *cs = &cache->slot[2 * (size_t)(set - cache->set) + w];
        /* (its rows are read once the position features are made) */
        ent_prefetch_lines(cs, sizeof *cs);
        set->stamp[w] = sc->sent;
        *info = set->info[w] != 0 ? &m->lex.info[set->info[w] - 1] : NULL;
        return cs->rows;
    }
    /* not there: the way used longer ago (an empty one has stamp 0) */
    w = set->stamp[0] < set->stamp[1] ? 0 : 1;
    if (set->stamp[w] == sc->sent) {
        /* other words of this sentence hold both ways: their rows are in
         * use, so this word's go to the sentence's own spare rows */
        rows = sc->spill + i * ENT_NOFF * ENT_NL;
        *info = word_rows(m, s, len, rows);
        return rows;
    }
    {
        ent_cacheslot *cs = &cache->slot[2 * (size_t)(set - cache->set) + w];
        *info = word_rows(m, s, len, cs->rows);
        /* (an entry of the model's lexicon, kept as its number) */
        set->info[w] = *info != NULL ? (uint32_t)(*info - m->lex.info) + 1 : 0;
        set->key[w] = h;
        set->stamp[w] = sc->sent;
        return cs->rows;
    }
}

/* The emissions of a sentence from its words' rows (rp) and its position
 * features (sc->pf, sc->npf):
 * position p sums what the words at p-2 .. p+2 add at offsets -2 .. 2,
 * then the rows of its position features, in that order, in registers. */
static void emissions_sum(const ent_model *m, const ent_scratch *sc, const float *const *rp, size_t n, float *em)
{
    size_t i;
    int l, k;
    for (i = 0; i < n; i++) {
        float *e = em + i * ENT_NL;
        ent_v4f a0, a1, a2, a3;
        float a4;
        const float *r = rp[i] + ENT_WIN * ENT_NL;
        memcpy(&a0, r, 16);
        memcpy(&a1, r + 4, 16);
        memcpy(&a2, r + 8, 16);
        memcpy(&a3, r + 12, 16);
        a4 = r[16];
        if (i >= 1)
            ENT_ROW_ADD(rp[i - 1] + (ENT_WIN - 1) * ENT_NL);
        if (i >= 2)
            ENT_ROW_ADD(rp[i - 2]);
        if (i + 1 < n)
            ENT_ROW_ADD(rp[i + 1] + (ENT_WIN + 1) * ENT_NL);
        if (i + 2 < n)
            ENT_ROW_ADD(rp[i + 2] + (ENT_WIN + 2) * ENT_NL);
        if (m->ptab_ok)
            for (k = 0; k < sc->npf[i]; k++) {
                uint16_t f = m->pcode[sc->pf[i * ENT_MAXPOS + k]];
                if (f != 0)
                    ENT_ROW_ADD(m->prow[f]);
            }
        memcpy(e, &a0, 16);
        memcpy(e + 4, &a1, 16);
        memcpy(e + 8, &a2, 16);
        memcpy(e + 12, &a3, 16);
        e[16] = a4;
        if (!m->ptab_ok)
            for (k = 0; k < sc->npf[i]; k++) {
                const int16_t *q = model_row(m, entities_slot(sc->pf[i * ENT_MAXPOS + k], 0, m->h.hbits));
                if (q == NULL)
                    continue;
                for (l = 0; l < ENT_NL; l++)
                    e[l] += (float)q[l] * m->h.wscale;
            }
    }
}

#ifdef ENT_WIDE
/* The same with labels 0..15 of a row in one 16-lane vector (and label 16
 * apart, as before): the same additions for each label, in the same
 * order, so the same sums. */
__attribute__((target("avx512f"))) static void emissions_sum_wide(const ent_model *m, const ent_scratch *sc,
                                                                 const float *const *rp, size_t n, float *em)
{
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        const float *r = rp[i] + ENT_WIN * ENT_NL;
        __m512 a = _mm512_loadu_ps(r);
        float a4 = r[16];
#define ENT_ROW_ADD16(q)                                                          \
    do {                                                                          \
        const float *q_ = (q);                                                    \
        a = _mm512_add_ps(a, _mm512_loadu_ps(q_));                                \
        a4 += q_[16];                                                             \
    } while (0)
        if (i >= 1)
            ENT_ROW_ADD16(rp[i - 1] + (ENT_WIN - 1) * ENT_NL);
        if (i >= 2)
            ENT_ROW_ADD16(rp[i - 2]);
        if (i + 1 < n)
            ENT_ROW_ADD16(rp[i + 1] + (ENT_WIN + 1) * ENT_NL);
        if (i + 2 < n)
            ENT_ROW_ADD16(rp[i + 2] + (ENT_WIN + 2) * ENT_NL);
        for (k = 0; k < sc->npf[i]; k++) {
            uint16_t f = m->pcode[sc->pf[i * ENT_MAXPOS + k]];
            if (f != 0)
                ENT_ROW_ADD16(m->prow[f]);
        }
#undef ENT_ROW_ADD16
        _mm512_storeu_ps(em + i * ENT_NL, a);
        em[i * ENT_NL + 16] = a4;
    }
}
#endif

ENT_API void entities_model_emissions(const ent_model *m, const ent_doc *doc, const ent_tok *toks,
                              size_t n, ent_scratch *sc, float *em)
{
    size_t i;
    const float **rp = sc->rows;
    uint64_t *hs = sc->pf; /* the words' hashes, until the position features */
    /* the look-ups of a sentence's words in three passes, so that their
     * cache misses overlap: the index slots, then the records, then the rows */
    for (i = 0; i < n; i++) {
        hs[i] = word_key(toks[i].s, toks[i].len, 2, 0);
        __builtin_prefetch(&m->vindex[(uint32_t)hs[i] & m->vmask]);
    }
    for (i = 0; i < n; i++) {
        uint64_t e = m->vindex[(uint32_t)hs[i] & m->vmask];
        if (e != 0 && (e >> 32) == (hs[i] >> 32)) {
            ent_prefetch_lines(&m->vent[(uint32_t)e - 1], sizeof(struct vent));
        } else {
            uint64_t h = mix64(hs[i] ^ toks[i].len) | 1;
            __builtin_prefetch(&sc->cache->set[h >> (64 - ENT_CACHE_BITS) >> 1]);
        }
    }
    if (++sc->sent == 0) {
        for (i = 0; i < (size_t)1 << (ENT_CACHE_BITS - 1); i++)
            sc->cache->set[i].stamp[0] = sc->cache->set[i].stamp[1] = 0;
        sc->sent = 1;
    }
    for (i = 0; i < n; i++)
        rp[i] = token_rows(m, sc, toks[i].s, toks[i].len, hs[i], i, &sc->info[i]);
    /* (as codes, where the rows of all position features are at hand) */
    if (m->ptab_ok)
        pos_feats(&m->lex, doc, toks, n, sc->info, sc->pf, sc->npf, 1);
    else
        pos_feats(&m->lex, doc, toks, n, sc->info, sc->pf, sc->npf, 0);
#ifdef ENT_WIDE
    if (m->ptab_ok && have_wide()) {
        emissions_sum_wide(m, sc, rp, n, em);
        return;
    }
#endif
    emissions_sum(m, sc, rp, n, em);
}

/* Add the row of position feature key to e. */
static inline int add_pos_row(const ent_model *m, uint64_t key, float *e)
{
    int l;
    if (m->ptab_ok) {
        uint32_t j = ptab_home(key);
        const float *r;
        while (m->pidx[j] != 0 && m->pkey[j] != key)
            j = (j + 1) & (ENT_PTAB - 1);
        if (m->pidx[j] == 0)
            return 0;
        r = m->prow[m->pidx[j]];
        for (l = 0; l < ENT_NL; l++)
            e[l] += r[l];
    } else {
        const int16_t *r = model_row(m, entities_slot(key, 0, m->h.hbits));
        if (r == NULL)
            return 0;
        for (l = 0; l < ENT_NL; l++)
            e[l] += (float)r[l] * m->h.wscale;
    }
    return 1;
}

ENT_API int entities_model_second(const ent_model *m, const ent_doc *doc, const ent_tok *toks, size_t n,
                                  const uint8_t *lab, float *em, uint8_t *changed)
{
    size_t i;
    int any = 0;
    if (!m->has_doc || doc == NULL || doc->cap == 0)
        return 0;
    for (i = 0; i < n; i++) {
        uint64_t key = entities_doc_feat(doc, &toks[i], i, lab[i]);
        changed[i] = key != 0 && add_pos_row(m, key, em + i * ENT_NL);
        any |= changed[i];
    }
    return any;
}

ENT_API float entities_margin(const float *fwd, const float *bwd, const uint8_t *lab, size_t a, size_t b)
{
    size_t i;
    float m = 1e30f;
    for (i = a; i < b; i++) {
        const float *f = fwd + i * ENT_NL, *g = bwd + i * ENT_NL;
        float best = f[lab[i]] + g[lab[i]], other = -1e30f;
        int c;
        for (c = 0; c < ENT_NL; c++)
            if (c != lab[i] && f[c] + g[c] > other)
                other = f[c] + g[c];
        if (best - other < m)
            m = best - other;
    }
    return m;
}
