/* unsourced: word lists (a hash of lower-cased words with their tags and
 * the phrases they begin) and a small tokeniser that looks every word up
 * once.  Included by unsourced.c only: everything here is static, so the
 * plugin exports nothing but its entry (a preloaded module must not). */
#ifndef UNSOURCED_LEX_H
#define UNSOURCED_LEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Word classes (tags of a lexicon entry). */
enum {
    US_SPEECH = 1u << 0,   /* reporting verbs */
    US_COGN = 1u << 1,     /* thinking, wanting */
    US_EVID = 1u << 2,     /* show, find */
    US_ACCORD = 1u << 3,   /* according to */
    US_STMT = 1u << 4,     /* in a statement */
    US_WEASEL = 1u << 5,
    US_PRON_M = 1u << 6,
    US_PRON_F = 1u << 7,
    US_PRON_PL = 1u << 8,
    US_PRON_IT = 1u << 9,
    US_PRON_1 = 1u << 10,
    US_DET = 1u << 11,
    US_STOP = 1u << 12,
    US_AUX = 1u << 13,
    US_PREP = 1u << 14,
    US_ROLE_PER = 1u << 15,
    US_ROLE_ORG = 1u << 16,
    US_ROLE_DOC = 1u << 17,
    US_SUPERL = 1u << 18,
    US_COMPAR = 1u << 19,
    US_CAUSE = 1u << 20,
    US_ACCUSE = 1u << 21,
    US_EVENT = 1u << 22,
    US_NOTEVENT = 1u << 23,
    US_OPINION = 1u << 24,
    US_FURN = 1u << 25,
    US_NUMWORD = 1u << 26,
    US_WEAK = 1u << 27,    /* cue forms that need a clear structure */
    US_NOUN = 1u << 28,    /* cue forms that are nearly always nouns */
    US_TAGGER = 1u << 29,  /* words that open a sentence to the tagger only */
    US_LABEL = 1u << 30    /* a line's label before a colon that is no speaker */
};

#define US_CUE (US_SPEECH | US_COGN | US_EVID | US_ACCORD)
#define US_PRON (US_PRON_M | US_PRON_F | US_PRON_PL | US_PRON_IT | US_PRON_1)
#define US_ROLE (US_ROLE_PER | US_ROLE_ORG | US_ROLE_DOC)

/* A phrase of two or more words. */
typedef struct us_phrase {
    uint32_t tags;
    uint32_t n;      /* words */
    uint32_t *words; /* word ids */
    int32_t next;    /* next phrase with the same first word, or -1 */
} us_phrase;

typedef struct us_entry {
    uint32_t key_off, key_len; /* into the lexicon's key arena */
    uint32_t tags;             /* as a single word */
    uint32_t ptags;            /* union of the tags of the phrases it begins */
    int32_t phrases;           /* first phrase starting with this word, or -1 */
} us_entry;

/* A slot of the look-up table the tokeniser uses (made by
 * unsourced_lex_seal): a word's first eight bytes (zero-padded), its tags
 * and id, so that a word of fewer than eight bytes is found or passed over
 * by one comparison in one cache line; k8 == 0 is an empty slot. */
typedef struct us_fslot {
    uint64_t k8;
    uint32_t tags;
    int32_t id;
} us_fslot;

typedef struct us_lexicon {
    us_entry *entries;
    size_t n_entries, cap_entries;
    int32_t *slots; /* open addressing: entry index or -1 */
    size_t n_slots;
    char *keys;
    size_t keys_len, keys_cap;
    us_phrase *phrases;
    size_t n_phrases, cap_phrases;
    size_t max_key; /* longest word, in bytes */
    /* Made by unsourced_lex_seal once every list is loaded; the tokeniser
     * looks words up there (by us_khash) and falls back to the slots
     * above when it is missing.  filter: a bit array of two bits a word
     * (us_filter_bits), so that most words not in the lists are known as
     * such from 8 kB that stay in the first-level cache. */
    us_fslot *fast;
    uint32_t fast_shift; /* 64 - log2(slots) */
    size_t fast_mask;
    uint64_t *filter;
    /* Per entry, a byte the tokeniser copies into each of its words'
     * us_tok.pad (see US_TK_START_SHIFT); set by the user of the lexicon
     * (the stage's rule starts), or NULL. */
    const uint8_t *estart;
    /* Per entry, the tagger's two hashes of its key (us_hash of the key
     * and of its last three bytes, as us_toks.wh keeps them), made by
     * unsourced_lex_seal: a listed word found by the tokeniser takes them
     * from here instead of hashing its bytes.  NULL before the seal. */
    uint64_t *wh;
} us_lexicon;

#define US_FILTER_WORDS 1024 /* 64-bit words: 8 kB */

/* Add the lines of a list file.  Returns 0, or -1 with a message in msg. */
/* Word id of the lower-cased word, or -1. */

/* Tokens. */
enum { US_T_WORD = 1, US_T_NUM, US_T_PUNCT, US_T_QUOTE };
enum {
    US_F_CAP = 1u << 0,
    US_F_LINE = 1u << 1,   /* a line break before the token */
    US_F_PARA = 1u << 2,   /* a blank line before the token */
    US_F_QOPEN = 1u << 3,  /* an opening quotation mark */
    US_F_QCLOSE = 1u << 4, /* a closing quotation mark */
    US_F_SPACE = 1u << 5   /* white space before the token */
};

typedef struct us_tok {
    uint32_t s, e;
    uint8_t kind, flags;
    uint16_t pad;
    int32_t id;     /* word id in the lexicon, or -1 */
    uint32_t tags;  /* the word's own tags */
} us_tok;

typedef struct us_toks {
    us_tok *v;
    uint64_t *wh;   /* per token: for a word, us_hash of its folded form and
                       of its last three folded bytes (the form itself when
                       shorter); unset for other tokens */
    size_t n, cap;
    int want_wh;    /* fill wh (the tagger is on) */
} us_toks;

/* us_tok.pad of a word too long to fold (US_MAX_WORD): no key, no hash */
#define US_TK_LONG 1
/* us_tok.pad of a word in lower case at its start, of six bytes or more,
 * ending in "est" (a superlative maybe: see us_rule_starts) */
#define US_TK_EST 2
/* us_tok.pad of a punctuation token that is one colon (a headline's or a
 * transcript's speaker, see us_rule_starts and us_tag_window) */
#define US_TK_COLON 4
/* us_tok.pad >> US_TK_START_SHIFT: the lexicon's start byte of the word's
 * entry (us_lexicon.estart), 0 for a word not listed and other tokens */
#define US_TK_START_SHIFT 8

#define US_MAX_WORD 48

static const struct {
    const char *name;
    uint32_t bit;
} us_tag_names[] = {
    {"speech", US_SPEECH}, {"cognition", US_COGN}, {"evidence", US_EVID},
    {"according", US_ACCORD}, {"statement", US_STMT}, {"weasel", US_WEASEL},
    {"pron_m", US_PRON_M}, {"pron_f", US_PRON_F}, {"pron_pl", US_PRON_PL},
    {"pron_it", US_PRON_IT}, {"pron_1", US_PRON_1}, {"det", US_DET},
    {"stop", US_STOP}, {"aux", US_AUX}, {"prep", US_PREP},
    {"role_per", US_ROLE_PER}, {"role_org", US_ROLE_ORG}, {"role_doc", US_ROLE_DOC},
    {"superlative", US_SUPERL}, {"comparison", US_COMPAR}, {"cause", US_CAUSE},
    {"accusation", US_ACCUSE}, {"event", US_EVENT}, {"not_event", US_NOTEVENT},
    {"opinion", US_OPINION}, {"furniture", US_FURN}, {"number", US_NUMWORD},
    {"weak", US_WEAK}, {"noun", US_NOUN}, {"tagger", US_TAGGER}, {"label", US_LABEL},
};

static uint32_t unsourced_tag_bit(const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof us_tag_names / sizeof us_tag_names[0]; i++)
        if (strlen(us_tag_names[i].name) == len && memcmp(us_tag_names[i].name, name, len) == 0)
            return us_tag_names[i].bit;
    return 0;
}

/* FNV-1a, 64 bits: the lexicon's slots take its low bits, and the tagger
 * takes the whole of it as a word's hash (the h of us_tokinfo), so the tokeniser
 * computes it once for both. */
static uint64_t us_hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

#define US_FNV_OFFSET 14695981039346656037ull
#define US_FNV_PRIME 1099511628211ull

/* us_hash from h on, over the n low bytes of v, the lowest first. */
static inline uint64_t us_fnv_bytes(uint64_t h, uint64_t v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        h = (h ^ (v & 0xff)) * US_FNV_PRIME;
        v >>= 8;
    }
    return h;
}

/* Lower-case a word into buf (ASCII letters; the curly apostrophe becomes
 * a straight one).  Returns the length, or 0 when it does not fit. */
static size_t us_fold(char *buf, const char *w, size_t n)
{
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (o >= US_MAX_WORD)
            return 0;
        if (c == 0xe2 && i + 2 < n && (unsigned char)w[i + 1] == 0x80 && (unsigned char)w[i + 2] == 0x99) {
            buf[o++] = '\'';
            i += 2;
        } else if (c >= 'A' && c <= 'Z') {
            buf[o++] = (char)(c + 32);
        } else {
            buf[o++] = (char)c;
        }
    }
    return o;
}

static int unsourced_lex_init(us_lexicon *lx)
{
    size_t i;
    memset(lx, 0, sizeof *lx);
    lx->n_slots = 4096;
    lx->slots = malloc(lx->n_slots * sizeof *lx->slots);
    if (lx->slots == NULL)
        return -1;
    for (i = 0; i < lx->n_slots; i++)
        lx->slots[i] = -1;
    return 0;
}

static void unsourced_lex_free(us_lexicon *lx)
{
    size_t i;
    for (i = 0; i < lx->n_phrases; i++)
        free(lx->phrases[i].words);
    free(lx->phrases);
    free(lx->entries);
    free(lx->slots);
    free(lx->keys);
    free(lx->fast);
    free(lx->filter);
    free(lx->wh);
    memset(lx, 0, sizeof *lx);
}

static int32_t us_lookup_folded(const us_lexicon *lx, const char *k, size_t n)
{
    size_t mask = lx->n_slots - 1, i = (size_t)(us_hash(k, n) & mask);
    for (;;) {
        int32_t e = lx->slots[i];
        if (e < 0)
            return -1;
        if (lx->entries[e].key_len == n && memcmp(lx->keys + lx->entries[e].key_off, k, n) == 0)
            return e;
        i = (i + 1) & mask;
    }
}

/* Eight bytes as a number whose low byte is the first (any byte order),
 * and back. */
static inline uint64_t us_load_le64(const void *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline void us_store_le64(void *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, 8);
}

#define US_KHASH_SEED 0x9e3779b97f4a7c15ull
#define US_KHASH_MUL 0xff51afd7ed558ccdull

/* The look-up table's hash of a folded key k of n bytes, read eight bytes
 * at a time: k must be followed by zero bytes up to a multiple of eight
 * (a key holds no zero byte, so its zero-padded eights tell it from any
 * other).  The tokeniser computes the same as it gathers a word. */
static inline uint64_t us_khash(const unsigned char *k, size_t n)
{
    uint64_t h = US_KHASH_SEED;
    size_t j;
    for (j = 0; j < n; j += 8)
        h = (h ^ us_load_le64(k + j)) * US_KHASH_MUL;
    return h ^ (h >> 29);
}

/* The two bits of the filter's word (h >> 20) % US_FILTER_WORDS. */
static inline uint64_t us_filter_bits(uint64_t h)
{
    return (1ull << ((h >> 40) & 63)) | (1ull << ((h >> 46) & 63));
}

/* Look a folded key up in the sealed table: k (n bytes, no zero byte)
 * zero-padded as for us_khash, k8 its first eight (us_load_le64), h =
 * us_khash(k, n).  The id, or -1; *tags gets the word's tags when found.
 * A key of fewer than eight bytes is equal to a slot's when their first
 * eight bytes are (the zero after it differs from any other key's byte
 * there); a longer one compares its length and the rest of it with its
 * entry. */
static inline int32_t us_lookup_fast(const us_lexicon *lx, uint64_t k8, const unsigned char *k, size_t n,
                                     uint64_t h, uint32_t *tags)
{
    uint64_t need = us_filter_bits(h);
    size_t i;
    if ((lx->filter[(h >> 20) & (US_FILTER_WORDS - 1)] & need) != need)
        return -1;
    for (i = (size_t)(h >> lx->fast_shift);; i = (i + 1) & lx->fast_mask) {
        const us_fslot *sl = &lx->fast[i];
        if (sl->k8 == k8) {
            const us_entry *en;
            if (n < 8)
                break;
            en = &lx->entries[sl->id];
            if (en->key_len == n && memcmp(lx->keys + en->key_off + 8, k + 8, n - 8) == 0)
                break;
        } else if (sl->k8 == 0) {
            return -1;
        }
    }
    *tags = lx->fast[i].tags;
    return lx->fast[i].id;
}

/* Make the tokeniser's look-up table and filter, once every list is
 * loaded (the tags do not change afterwards).  Keys holding a zero byte
 * (only a list file could have one) stay out: no folded word of a text
 * looked up there holds one either (see unsourced_tokenize).  0, or -1
 * when out of memory. */
static int unsourced_lex_seal(us_lexicon *lx)
{
    size_t n = 64, bits = 6, e;
    free(lx->fast);
    free(lx->filter);
    free(lx->wh);
    lx->fast = NULL;
    lx->filter = NULL;
    lx->wh = NULL;
    while (n < 2 * lx->n_entries) {
        n *= 2;
        bits++;
    }
    lx->fast = calloc(n, sizeof *lx->fast);
    lx->filter = calloc(US_FILTER_WORDS, sizeof *lx->filter);
    lx->wh = malloc((2 * lx->n_entries + 2) * sizeof *lx->wh);
    if (lx->fast == NULL || lx->filter == NULL || lx->wh == NULL) {
        free(lx->fast);
        free(lx->filter);
        free(lx->wh);
        lx->fast = NULL;
        lx->filter = NULL;
        lx->wh = NULL;
        return -1;
    }
    for (e = 0; e < lx->n_entries; e++) {
        const us_entry *en = &lx->entries[e];
        const char *k = lx->keys + en->key_off;
        lx->wh[2 * e] = us_hash(k, en->key_len);
        lx->wh[2 * e + 1] = en->key_len > 3 ? us_hash(k + en->key_len - 3, 3) : lx->wh[2 * e];
    }
    lx->fast_shift = (uint32_t)(64 - bits);
    lx->fast_mask = n - 1;
    for (e = 0; e < lx->n_entries; e++) {
        const us_entry *en = &lx->entries[e];
        unsigned char k[US_MAX_WORD + 16];
        uint64_t h;
        size_t i;
        if (en->key_len == 0 || en->key_len > US_MAX_WORD || memchr(lx->keys + en->key_off, 0, en->key_len) != NULL)
            continue;
        memset(k, 0, sizeof k);
        memcpy(k, lx->keys + en->key_off, en->key_len);
        h = us_khash(k, en->key_len);
        lx->filter[(h >> 20) & (US_FILTER_WORDS - 1)] |= us_filter_bits(h);
        for (i = (size_t)(h >> lx->fast_shift); lx->fast[i].k8 != 0; i = (i + 1) & lx->fast_mask)
            ;
        lx->fast[i].k8 = us_load_le64(k);
        lx->fast[i].tags = en->tags;
        lx->fast[i].id = (int32_t)e;
    }
    return 0;
}

static int us_rehash(us_lexicon *lx)
{
    size_t ns = lx->n_slots * 2, i;
    int32_t *slots = malloc(ns * sizeof *slots);
    if (slots == NULL)
        return -1;
    for (i = 0; i < ns; i++)
        slots[i] = -1;
    for (i = 0; i < lx->n_entries; i++) {
        const us_entry *e = &lx->entries[i];
        size_t j = (size_t)(us_hash(lx->keys + e->key_off, e->key_len) & (ns - 1));
        while (slots[j] >= 0)
            j = (j + 1) & (ns - 1);
        slots[j] = (int32_t)i;
    }
    free(lx->slots);
    lx->slots = slots;
    lx->n_slots = ns;
    return 0;
}

/* The id of a folded word, added when new. */
static int32_t us_intern(us_lexicon *lx, const char *k, size_t n)
{
    int32_t id = us_lookup_folded(lx, k, n);
    size_t j;
    us_entry *e;
    if (id >= 0)
        return id;
    if ((lx->n_entries + 1) * 2 > lx->n_slots && us_rehash(lx) != 0)
        return -1;
    if (lx->n_entries == lx->cap_entries) {
        size_t nc = lx->cap_entries ? lx->cap_entries * 2 : 256;
        us_entry *ne = realloc(lx->entries, nc * sizeof *ne);
        if (ne == NULL)
            return -1;
        lx->entries = ne;
        lx->cap_entries = nc;
    }
    if (lx->keys_len + n > lx->keys_cap) {
        size_t nc = lx->keys_cap ? lx->keys_cap * 2 : 4096;
        char *nk;
        while (nc < lx->keys_len + n)
            nc *= 2;
        nk = realloc(lx->keys, nc);
        if (nk == NULL)
            return -1;
        lx->keys = nk;
        lx->keys_cap = nc;
    }
    memcpy(lx->keys + lx->keys_len, k, n);
    if (n > lx->max_key)
        lx->max_key = n;
    e = &lx->entries[lx->n_entries];
    e->key_off = (uint32_t)lx->keys_len;
    e->key_len = (uint32_t)n;
    e->tags = 0;
    e->ptags = 0;
    e->phrases = -1;
    lx->keys_len += n;
    j = (size_t)(us_hash(k, n) & (lx->n_slots - 1));
    while (lx->slots[j] >= 0)
        j = (j + 1) & (lx->n_slots - 1);
    lx->slots[j] = (int32_t)lx->n_entries;
    return (int32_t)lx->n_entries++;
}

/* Add one phrase (words separated by spaces) with the given tags. */
static int us_add_phrase(us_lexicon *lx, const char *p, size_t n, uint32_t tags)
{
    uint32_t ids[16];
    size_t nw = 0, i = 0;
    while (i < n) {
        size_t j;
        char buf[US_MAX_WORD];
        size_t fl;
        int32_t id;
        while (i < n && p[i] == ' ')
            i++;
        if (i >= n)
            break;
        j = i;
        while (j < n && p[j] != ' ')
            j++;
        fl = us_fold(buf, p + i, j - i);
        if (fl == 0 || nw == 16)
            return -1;
        id = us_intern(lx, buf, fl);
        if (id < 0)
            return -1;
        ids[nw++] = (uint32_t)id;
        i = j;
    }
    if (nw == 0)
        return 0;
    if (nw == 1) {
        lx->entries[ids[0]].tags |= tags;
        return 0;
    }
    /* The same phrase again only adds tags. */
    {
        int32_t q;
        for (q = lx->entries[ids[0]].phrases; q >= 0; q = lx->phrases[q].next) {
            us_phrase *ph = &lx->phrases[q];
            if (ph->n == nw && memcmp(ph->words, ids, nw * sizeof ids[0]) == 0) {
                ph->tags |= tags;
                lx->entries[ids[0]].ptags |= tags;
                return 0;
            }
        }
    }
    if (lx->n_phrases == lx->cap_phrases) {
        size_t nc = lx->cap_phrases ? lx->cap_phrases * 2 : 128;
        us_phrase *np = realloc(lx->phrases, nc * sizeof *np);
        if (np == NULL)
            return -1;
        lx->phrases = np;
        lx->cap_phrases = nc;
    }
    {
        us_phrase *ph = &lx->phrases[lx->n_phrases];
        int32_t *head = &lx->entries[ids[0]].phrases;
        ph->words = malloc(nw * sizeof ids[0]);
        if (ph->words == NULL)
            return -1;
        memcpy(ph->words, ids, nw * sizeof ids[0]);
        ph->n = (uint32_t)nw;
        ph->tags = tags;
        /* Keep each chain longest first, so the first match is the longest. */
        while (*head >= 0 && lx->phrases[*head].n >= nw)
            head = &lx->phrases[*head].next;
        ph->next = *head;
        *head = (int32_t)lx->n_phrases;
        lx->entries[ids[0]].ptags |= tags;
        lx->n_phrases++;
    }
    return 0;
}

static int unsourced_lex_load(us_lexicon *lx, const char *text, size_t len,
                       const char *name, char *msg, size_t msgsize)
{
    size_t i = 0, lineno = 0;
    while (i < len) {
        size_t eol = i, colon, k;
        uint32_t tag = 0;
        lineno++;
        while (eol < len && text[eol] != '\n')
            eol++;
        k = i;
        while (k < eol && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
            k++;
        if (k == eol || text[k] == '#') {
            i = eol + 1;
            continue;
        }
        colon = k;
        while (colon < eol && text[colon] != ':')
            colon++;
        if (colon < eol)
            tag = unsourced_tag_bit(text + k, colon - k);
        if (colon == eol || tag == 0) {
            snprintf(msg, msgsize, "%s:%zu: expected \"TAG: phrase, phrase\" with a known tag "
                     "(speech, cognition, evidence, according, statement, weasel, ...)", name, lineno);
            return -1;
        }
        k = colon + 1;
        while (k < eol) {
            size_t e = k, a, b;
            while (e < eol && text[e] != ',')
                e++;
            a = k;
            b = e;
            while (a < b && (text[a] == ' ' || text[a] == '\t'))
                a++;
            while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
                b--;
            if (b > a && us_add_phrase(lx, text + a, b - a, tag) != 0) {
                snprintf(msg, msgsize, "%s:%zu: phrase too long or out of memory", name, lineno);
                return -1;
            }
            k = e + 1;
        }
        i = eol + 1;
    }
    return 0;
}

/* ---- tokeniser ---- */

static inline int us_push(us_toks *out, uint32_t s, uint32_t e, uint8_t kind, uint8_t flags)
{
    us_tok *t;
    if (__builtin_expect(out->n == out->cap, 0)) {
        size_t nc = out->cap ? out->cap * 2 : 1024;
        us_tok *nv = realloc(out->v, nc * sizeof *nv);
        uint64_t *nh;
        if (nv == NULL)
            return -1;
        out->v = nv;
        if ((nh = realloc(out->wh, 2 * nc * sizeof *nh)) == NULL)
            return -1;
        out->wh = nh;
        out->cap = nc;
    }
    t = &out->v[out->n++];
    t->s = s;
    t->e = e;
    t->kind = kind;
    t->flags = flags;
    t->pad = 0;
    t->id = -1;
    t->tags = 0;
    return 0;
}

static int us_is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int us_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the UTF-8 sequence starting with c. */
static size_t us_u8len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xf0)
        return 4;
    if (c >= 0xe0)
        return 3;
    if (c >= 0xc0)
        return 2;
    return 1;
}

/* Classify a non-ASCII character: 0 letter, 1 space, 2 punctuation,
 * 3 opening quote, 4 closing quote, 5 apostrophe (’). */
static int us_u8class(const unsigned char *p, size_t n)
{
    if (n == 2 && p[0] == 0xc2) {
        if (p[1] == 0xa0)
            return 1;
        if (p[1] == 0xab)
            return 3;
        if (p[1] == 0xbb)
            return 4;
        return 2; /* Latin-1 punctuation and symbols: £ § ° ... */
    }
    if (n == 3 && p[0] == 0xe2 && p[1] == 0x80) {
        if (p[2] == 0x9c)
            return 3;
        if (p[2] == 0x9d)
            return 4;
        if (p[2] == 0x99)
            return 5;
        if (p[2] <= 0x8a || p[2] == 0xaf)
            return 1; /* the wide spaces */
        return 2;     /* dashes, ‘, bullets, ellipsis */
    }
    if (n == 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
        return 1;
    if (n == 3 && p[0] == 0xe2 && (p[1] == 0x82 || p[1] == 0x84 || p[1] == 0x86))
        return 2; /* currency, letter-like symbols, arrows */
    return 0;
}

/* A word's plain bytes (ASCII letters and digits) folded, 0 for any other
 * byte: the tokeniser's inner loop reads one entry instead of testing
 * ranges. */
static const unsigned char us_wfold[256] = {
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
     48,  49,  50,  51,  52,  53,  54,  55,  56,  57,   0,   0,   0,   0,   0,   0,
      0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
      0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
};

/* The bytes of x (eight bytes of text, the first in the low byte) that
 * are ASCII letters or digits: 0x80 in each.  Each byte's range tests are
 * sums that carry into its top bit only (its low seven bits plus at most
 * 0x50). */
static inline uint64_t us_alnum8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, top = 0x8080808080808080ull;
    uint64_t y = x & ~top, l = y | (0x20 * ones);
    uint64_t letter = (l + (0x80 - 'a') * ones) & ~(l + (0x80 - 'z' - 1) * ones);
    uint64_t digit = (y + (0x80 - '0') * ones) & ~(y + (0x80 - '9' - 1) * ones);
    return (letter | digit) & ~x & top;
}

/* Does byte d end a word wherever it stands?  An ASCII byte that is no
 * letter or digit and none of the marks a word may hold inside it
 * (- ' . &, when a letter follows); a byte of 0x80 or more may be a
 * letter and ends nothing here. */
static inline int us_word_end(unsigned char d)
{
    static const uint64_t bits[2] = {0xfc009f3fffffffffull, 0xf8000001f8000001ull};
    return d < 0x80 && (bits[d >> 6] >> (d & 63) & 1);
}

static int unsourced_tokenize(us_toks *out, const us_lexicon *lx, const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0;
    unsigned nl = 0;
    int space = 1, wh_on = out->want_wh;
    out->n = 0;
    while (i < len) {
        unsigned char c = u[i];
        uint8_t fl = 0;
        size_t st = i;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            space = 1;
            continue;
        }
        if (c == '\n') {
            nl++;
            i++;
            space = 1;
            continue;
        }
        if (nl == 1)
            fl |= US_F_LINE;
        else if (nl > 1)
            fl |= US_F_LINE | US_F_PARA;
        if (space)
            fl |= US_F_SPACE;
        if (c < 0x80 && !us_is_alpha(c) && !us_is_digit(c)) {
            /* ASCII punctuation. */
            i++;
            if (c == '\'' && i < len && u[i] == '\'') {
                /* Two apostrophes: a quotation mark in some wire copy. */
                int opens = space || st == 0 || u[st - 1] == '(' || u[st - 1] == '[';
                i++;
                fl |= opens ? US_F_QOPEN : US_F_QCLOSE;
                if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_QUOTE, fl) != 0)
                    return -1;
            } else if (c == '"') {
                int opens = space || st == 0 || u[st - 1] == '(' || u[st - 1] == '[';
                fl |= opens ? US_F_QOPEN : US_F_QCLOSE;
                if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_QUOTE, fl) != 0)
                    return -1;
            } else {
                if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_PUNCT, fl) != 0)
                    return -1;
                out->v[out->n - 1].pad = (uint16_t)((c == ':') * US_TK_COLON);
            }
        } else if (c >= 0x80 && us_u8class(u + i, us_u8len(c) <= len - i ? us_u8len(c) : 1) != 0) {
            size_t n = us_u8len(c);
            int cl;
            if (n > len - i)
                n = len - i;
            cl = us_u8class(u + i, n);
            i += n;
            if (cl == 1) {
                space = 1;
                continue;
            }
            if (cl == 3 || cl == 4) {
                fl |= cl == 3 ? US_F_QOPEN : US_F_QCLOSE;
                if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_QUOTE, fl) != 0)
                    return -1;
            } else if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_PUNCT, fl) != 0) {
                return -1;
            }
        } else if (us_is_digit(c)) {
            i++;
            while (i < len) {
                unsigned char d = u[i];
                if (us_is_digit(d) || us_is_alpha(d))
                    i++;
                else if ((d == '.' || d == ',') && i + 1 < len && us_is_digit(u[i + 1]))
                    i++;
                else
                    break;
            }
            if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_NUM, fl) != 0)
                return -1;
        } else {
            /* A word: letters (any non-ASCII letter), digits, and inner
             * hyphens, apostrophes and dots.  It is folded as it is
             * scanned, the way us_fold() would, a run of ASCII letters and
             * digits eight bytes at a time where eight are left (the fold
             * sets bit 5, which letters lack in upper case only and digits
             * have).  The key is gathered in a register, eight bytes at a
             * time (acc, in text order from its low byte), each full eight
             * stored once and hashed for the look-up as us_khash() would
             * (no load waits on stores of other sizes).  The tagger's
             * hashes (us_hash) come after the look-up: a listed word
             * takes them from the lexicon, another word hashes its key. */
            us_tok *t;
            uint64_t kw[US_MAX_WORD / 8 + 1], acc = 0, kh = US_KHASH_SEED;
            size_t kl = 0;
            int fits = 1, zero = 0;
            if (c >= 'A' && c <= 'Z')
                fl |= US_F_CAP;
/* Append the r bytes of v (its low bytes; the others zero) to the key. */
#define US_KEYS(v, r)                                                        \
    do {                                                                     \
        uint64_t v_ = (v);                                                   \
        size_t o_ = kl & 7, r_ = (r);                                        \
        if (kl + r_ > US_MAX_WORD) {                                         \
            fits = 0;                                                        \
            break;                                                           \
        }                                                                    \
        acc |= v_ << (8 * o_);                                               \
        if (o_ + r_ >= 8) {                                                  \
            us_store_le64(&kw[kl >> 3], acc);                                \
            kh = (kh ^ acc) * US_KHASH_MUL;                                  \
            acc = o_ ? v_ >> (64 - 8 * o_) : 0;                              \
        }                                                                    \
        kl += r_;                                                            \
    } while (0)
            if (c < 0x80 && i + 8 <= len) {
                /* The common word: ASCII letters and digits, fewer than
                 * eight, then a byte that surely ends it (an ASCII byte
                 * that is no letter, digit or inner mark: us_word_end),
                 * taken whole as the loop below would take it. */
                uint64_t x = us_load_le64(u + i), run = ~us_alnum8(x) & 0x8080808080808080ull;
                size_t r = run ? (size_t)__builtin_ctzll(run) >> 3 : 8;
                if (r < 8) {
                    if (us_word_end(u[i + r])) {
                        acc = (x | 0x2020202020202020ull) & (((run & (0 - run)) >> 7) - 1);
                        kl = r;
                        i += r;
                        goto word_end;
                    }
                } else if (i + 16 <= len) {
                    /* eight, then fewer than eight more: the key's first
                     * eight stored and hashed as the loop would */
                    uint64_t x2 = us_load_le64(u + i + 8), run2 = ~us_alnum8(x2) & 0x8080808080808080ull;
                    size_t r2 = run2 ? (size_t)__builtin_ctzll(run2) >> 3 : 8;
                    if (r2 < 8 && us_word_end(u[i + 8 + r2])) {
                        const uint64_t k0 = x | 0x2020202020202020ull;
                        us_store_le64(&kw[0], k0);
                        kh = (kh ^ k0) * US_KHASH_MUL;
                        acc = (x2 | 0x2020202020202020ull) & (((run2 & (0 - run2)) >> 7) - 1);
                        kl = 8 + r2;
                        i += kl;
                        goto word_end;
                    }
                }
            }
            while (i < len) {
                unsigned char d, f;
                if (i + 8 <= len) {
                    uint64_t x = us_load_le64(u + i), run = ~us_alnum8(x) & 0x8080808080808080ull;
                    size_t r = run ? (size_t)__builtin_ctzll(run) >> 3 : 8;
                    if (r > 0) {
                        /* the bytes before the first that is not one */
                        uint64_t keep = ((run & (0 - run)) >> 7) - 1;
                        if (fits)
                            US_KEYS((x | 0x2020202020202020ull) & keep, r);
                        i += r;
                        if (r == 8)
                            continue;
                    }
                }
                d = u[i];
                f = us_wfold[d];
                if (f != 0) {
                    if (fits)
                        US_KEYS(f, 1);
                    i++;
                } else if (d >= 0x80) {
                    size_t n = us_u8len(d), k;
                    int cl;
                    if (n > len - i)
                        n = len - i;
                    cl = us_u8class(u + i, n);
                    if (cl == 0) {
                        for (k = 0; k < n && fits; k++) {
                            zero |= u[i + k] == 0;
                            US_KEYS(u[i + k], 1);
                        }
                        i += n;
                    } else if (cl == 5 && i + n < len && us_is_alpha(u[i + n])) {
                        if (fits)
                            US_KEYS('\'', 1);
                        i += n;
                    } else {
                        break;
                    }
                } else if ((d == '-' || d == '\'' || d == '.' || d == '&') && i + 1 < len &&
                           us_is_alpha(u[i + 1])) {
                    if (fits)
                        US_KEYS(d, 1);
                    i++;
                } else {
                    break;
                }
            }
#undef US_KEYS
        word_end:
            if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_WORD, fl) != 0)
                return -1;
            t = &out->v[out->n - 1];
            {
                /* a lower-case word of six bytes or more ending in "est" */
                static const unsigned char none[3] = {0, 0, 0};
                int six = i - st >= 6;
                const unsigned char *q = six ? u + i - 3 : none;
                t->pad = (uint16_t)(((q[0] == 'e') & (q[1] == 's') & (q[2] == 't') & six & !(fl & US_F_CAP)) *
                                    US_TK_EST);
            }
            if (!fits) {
                t->pad |= US_TK_LONG;
            } else {
                const unsigned char *key = (const unsigned char *)kw;
                uint64_t k8 = kl < 8 ? acc : us_load_le64(kw);
                if (kl & 7) {
                    us_store_le64(&kw[kl >> 3], acc);
                    kh = (kh ^ acc) * US_KHASH_MUL;
                }
                if (kl <= lx->max_key) {
                    if (lx->fast != NULL && !zero)
                        t->id = us_lookup_fast(lx, k8, key, kl, kh ^ (kh >> 29), &t->tags);
                    else if ((t->id = us_lookup_folded(lx, (const char *)key, kl)) >= 0)
                        t->tags = lx->entries[t->id].tags;
                    if (t->id >= 0 && lx->estart != NULL)
                        t->pad |= (uint16_t)(lx->estart[t->id] << US_TK_START_SHIFT);
                }
                if (wh_on) {
                    /* us_hash of the key and of its last three bytes: a
                     * listed word's from the lexicon (its key is the
                     * same), another's from its key */
                    uint64_t *wh = out->wh + 2 * (out->n - 1);
                    if (t->id >= 0 && lx->wh != NULL) {
                        wh[0] = lx->wh[2 * t->id];
                        wh[1] = lx->wh[2 * t->id + 1];
                    } else {
                        uint64_t fh = US_FNV_OFFSET;
                        size_t j;
                        for (j = 0; j < kl; j++)
                            fh = (fh ^ key[j]) * US_FNV_PRIME;
                        wh[0] = fh;
                        wh[1] = kl > 3 ? us_fnv_bytes(US_FNV_OFFSET, key[kl - 3] | (uint64_t)key[kl - 2] << 8 |
                                                                         (uint64_t)key[kl - 1] << 16, 3)
                                       : fh;
                    }
                }
            }
        }
        nl = 0;
        space = 0;
    }
    return 0;
}

#endif
