/* Tests of the rules' fast paths against plain ones: the tokeniser (words
 * gathered eight bytes at a time, the sealed look-up table and its filter)
 * against the byte-at-a-time tokeniser it replaced.  Built on the stage's
 * own source (its functions are static). */
#include "../unsourced.c"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static unsigned rng_below(unsigned n)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * UINT64_C(2685821657736338717)) >> 32) % n;
}

static us_instance *in;
static us_worker *wk;

static void setup(void)
{
    tp_error err;
    void *i = NULL, *w = NULL;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(us_create(&i, NULL, &err), TP_OK);
    ck_assert_int_eq(us_worker_init(&w, i, &err), TP_OK);
    in = i;
    wk = w;
}

static void teardown(void)
{
    us_worker_fini(in, wk);
    us_destroy(in);
}

/* The tokeniser as it was: a byte at a time, each word folded and hashed
 * with us_hash as it is scanned, looked up by us_lookup_folded. */
static int plain_tokenize(us_toks *out, const us_lexicon *lx, const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0;
    unsigned nl = 0;
    int space = 1;
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
            } else if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_PUNCT, fl) != 0) {
                return -1;
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
             * hyphens, apostrophes and dots.  It is folded and hashed as it
             * is scanned, the way us_fold() and us_hash() would. */
            us_tok *t;
            char key[US_MAX_WORD];
            size_t kl = 0;
            uint64_t h = 14695981039346656037ull;
            int fits = 1;
            if (c >= 'A' && c <= 'Z')
                fl |= US_F_CAP;
#define US_KEY(ch)                                                           \
    do {                                                                     \
        unsigned char k_ = (unsigned char)(ch);                              \
        if (kl < US_MAX_WORD) {                                              \
            key[kl++] = (char)k_;                                            \
            h = (h ^ k_) * 1099511628211ull;                                 \
        } else {                                                             \
            fits = 0;                                                        \
        }                                                                    \
    } while (0)
            while (i < len) {
                unsigned char d = u[i], f = us_wfold[d];
                if (f != 0) {
                    US_KEY(f);
                    i++;
                } else if (d >= 0x80) {
                    size_t n = us_u8len(d), k;
                    int cl;
                    if (n > len - i)
                        n = len - i;
                    cl = us_u8class(u + i, n);
                    if (cl == 0) {
                        for (k = 0; k < n; k++)
                            US_KEY(u[i + k]);
                        i += n;
                    } else if (cl == 5 && i + n < len && us_is_alpha(u[i + n])) {
                        US_KEY('\'');
                        i += n;
                    } else {
                        break;
                    }
                } else if ((d == '-' || d == '\'' || d == '.' || d == '&') && i + 1 < len &&
                           us_is_alpha(u[i + 1])) {
                    US_KEY(d);
                    i++;
                } else {
                    break;
                }
            }
#undef US_KEY
            if (us_push(out, (uint32_t)st, (uint32_t)i, US_T_WORD, fl) != 0)
                return -1;
            t = &out->v[out->n - 1];
            /* the start byte and "est" as us_rule_starts_plain tests them */
            if (!(fl & US_F_CAP) && i - st >= 6 && memcmp(text + i - 3, "est", 3) == 0)
                t->pad |= US_TK_EST;
            if (!fits) {
                t->pad |= US_TK_LONG;
            } else if (out->want_wh) {
                uint64_t *wh = out->wh + 2 * (out->n - 1);
                wh[0] = h;
                wh[1] = kl > 3 ? us_hash(key + kl - 3, 3) : h;
            }
            if (fits && kl <= lx->max_key) {
                t->id = us_lookup_folded(lx, key, kl);
                if (t->id >= 0)
                    t->tags = lx->entries[t->id].tags;
                if (t->id >= 0 && lx->estart != NULL)
                    t->pad |= (uint16_t)(lx->estart[t->id] << US_TK_START_SHIFT);
            }
        }
        nl = 0;
        space = 0;
    }
    /* a colon of its own, by its kind and text */
    for (i = 0; i < out->n; i++) {
        us_tok *t = &out->v[i];
        if (t->kind == US_T_PUNCT && t->e - t->s == 1 && text[t->s] == ':')
            t->pad |= US_TK_COLON;
    }
    return 0;
}


/* Both tokenisers on text[0, len): the same tokens, field by field, and
 * the same word hashes where they are kept.  Returns the words found in
 * the lists. */
static size_t compare_tokens(const char *text, size_t len, int want_wh)
{
    us_toks a = {NULL, NULL, 0, 0, want_wh}, b = {NULL, NULL, 0, 0, want_wh};
    size_t k, found = 0;
    ck_assert_int_eq(unsourced_tokenize(&a, &in->lex, text, len), 0);
    ck_assert_int_eq(plain_tokenize(&b, &in->lex, text, len), 0);
    ck_assert_uint_eq(a.n, b.n);
    for (k = 0; k < a.n; k++) {
        const us_tok *x = &a.v[k], *y = &b.v[k];
        ck_assert_msg(x->s == y->s && x->e == y->e && x->kind == y->kind && x->flags == y->flags &&
                          x->pad == y->pad && x->id == y->id && x->tags == y->tags,
                      "token %zu (%u-%u \"%.*s\"): s %u/%u e %u/%u kind %d/%d flags %d/%d pad %d/%d id %d/%d",
                      k, y->s, y->e, (int)(y->e - y->s), text + y->s, x->s, y->s, x->e, y->e, x->kind,
                      y->kind, x->flags, y->flags, x->pad, y->pad, x->id, y->id);
        found += x->id >= 0;
        if (want_wh && x->kind == US_T_WORD && !(x->pad & US_TK_LONG))
            ck_assert(a.wh[2 * k] == b.wh[2 * k] && a.wh[2 * k + 1] == b.wh[2 * k + 1]);
    }
    free(a.v);
    free(a.wh);
    free(b.v);
    free(b.wh);
    return found;
}

/* Random text of listed words (in any case), pieces of words, digits,
 * inner hyphens, dots, ampersands and apostrophes (straight and curly),
 * other letters, quotation marks, spaces and line breaks; now and then a
 * long run of letters (past US_MAX_WORD), a zero byte, a stray UTF-8
 * byte; words ending at the end of the text or just before it. */
START_TEST(tokenizer_as_plain)
{
    static const char *const pieces[] = {"a", "B", "z", "Q", "7", "\xe2\x80\x99", "\xc3\xa9", "'", "-", ".",
                                         "&", "\xe4\xb8\xad", " ", " ", " ", "\n", "\n\n", ",", ":",
                                         "\xe2\x80\x9c", "\xe2\x80\x9d", "\"", "''", "\xc2\xa0", "est",
                                         "s", "ed", "1,5", "\t"};
    static char text[1 << 14];
    const us_lexicon *lx = &in->lex;
    size_t np = sizeof pieces / sizeof *pieces, found = 0;
    int round;
    rng_state = 4242;
    for (round = 0; round < 400; round++) {
        size_t len = 0, cap = 16 + rng_below(sizeof text - 80);
        while (len < cap) {
            unsigned what = rng_below(20);
            if (what < 7 && lx->n_entries > 0) {
                /* a listed word, some letters upper-cased */
                const us_entry *e = &lx->entries[rng_below((unsigned)lx->n_entries)];
                size_t j;
                for (j = 0; j < e->key_len; j++) {
                    char ch = lx->keys[e->key_off + j];
                    if (ch >= 'a' && ch <= 'z' && rng_below(5) == 0)
                        ch = (char)(ch - 32);
                    text[len++] = ch;
                }
                if (rng_below(3) == 0)
                    text[len++] = ' ';
            } else if (what == 7 && rng_below(10) == 0) {
                size_t run = 40 + rng_below(20);
                while (run-- > 0)
                    text[len++] = (char)('a' + rng_below(26));
            } else if (what == 8 && rng_below(4) == 0) {
                static const char odd[] = {'\0', (char)0xc3, (char)0xff, (char)0x80, (char)0xe2};
                text[len++] = odd[rng_below(sizeof odd)];
            } else {
                const char *p = pieces[rng_below((unsigned)np)];
                memcpy(text + len, p, strlen(p));
                len += strlen(p);
            }
        }
        found += compare_tokens(text, len, round % 2);
        /* the same text cut short: words running into its end */
        compare_tokens(text, len - rng_below((unsigned)len < 9 ? (unsigned)len : 9), round % 2);
    }
    ck_assert_uint_gt(found, 20000);
    compare_tokens("", 0, 1);
    compare_tokens("said", 4, 1);
    compare_tokens("according", 9, 0);
    compare_tokens("\0said\0", 6, 0);
    compare_tokens("\xc3\0said", 6, 0);
}
END_TEST

/* The sealed table finds every listed word with its tags, and finds no
 * other: each key, the key one byte longer and shorter, with a byte
 * changed, against us_lookup_folded. */
START_TEST(lookup_fast_as_folded)
{
    const us_lexicon *lx = &in->lex;
    size_t e, checked = 0;
    ck_assert_ptr_nonnull(lx->fast);
    for (e = 0; e < lx->n_entries; e++) {
        const us_entry *en = &lx->entries[e];
        int v;
        for (v = 0; v < 5; v++) {
            unsigned char k[US_MAX_WORD + 16];
            size_t n = en->key_len;
            uint32_t tags = 0;
            int32_t got, want;
            memset(k, 0, sizeof k);
            memcpy(k, lx->keys + en->key_off, n);
            if (v == 1 && n < US_MAX_WORD)
                k[n++] = 's';
            else if (v == 2 && n > 1)
                k[--n] = 0;
            else if (v == 3)
                k[n / 2] = (unsigned char)(k[n / 2] == 'q' ? 'x' : 'q');
            else if (v == 4 && n > 8)
                k[n - 1] = (unsigned char)(k[n - 1] == 'q' ? 'x' : 'q');
            want = us_lookup_folded(lx, (const char *)k, n);
            got = us_lookup_fast(lx, us_load_le64(k), k, n, us_khash(k, n), &tags);
            ck_assert_int_eq(got, want);
            if (v == 0)
                ck_assert_int_eq(got, (int)e);
            if (got >= 0)
                ck_assert_uint_eq(tags, lx->entries[got].tags);
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 5000);
}
END_TEST

/* The bytes that surely end a word (the tokeniser's short-word paths) are
 * the ASCII bytes that are no letter, digit or inner mark; and words of
 * one to twenty letters before each byte (one load, two loads, the word
 * loop), at every offset near the end of the text, come out as the plain
 * tokeniser makes them. */
START_TEST(word_end_bytes)
{
    char text[64];
    unsigned d;
    for (d = 0; d < 256; d++) {
        int want = d < 0x80 && !us_is_alpha((unsigned char)d) && !us_is_digit((unsigned char)d) && d != '-' &&
                   d != '\'' && d != '.' && d != '&';
        size_t n, pad;
        ck_assert_int_eq(us_word_end((unsigned char)d), want);
        for (n = 1; n <= 20; n++)
            for (pad = 0; pad < 10; pad++) {
                size_t k, len = 0;
                for (k = 0; k < n; k++)
                    text[len++] = (char)((k % 3 == 1 ? 'A' : 'a') + (k * 7 + d) % 26);
                text[len++] = (char)d;
                text[len++] = d % 2 ? 'b' : '7';
                for (k = 0; k < pad; k++)
                    text[len++] = ' ';
                compare_tokens(text, len, (int)(d & 1));
            }
    }
    {
        /* listed words before marks and other letters */
        static const char marks[] = "said. said- said'd said&co said\xe2\x80\x99s said\xc3\xa9 said:x       ";
        compare_tokens(marks, sizeof marks - 1, 1);
    }
}
END_TEST

/* The tagger's hashes the sealed lexicon keeps per entry (which a listed
 * word takes instead of hashing its bytes) are us_hash of its key and of
 * its last three bytes; and a text of every listed word, in lower and
 * upper case, gets the same word hashes as the plain tokeniser gives. */
START_TEST(lexicon_word_hashes)
{
    const us_lexicon *lx = &in->lex;
    char *text;
    size_t e, len = 0, found, cap = 0;
    ck_assert_ptr_nonnull(lx->wh);
    for (e = 0; e < lx->n_entries; e++) {
        const us_entry *en = &lx->entries[e];
        const char *k = lx->keys + en->key_off;
        size_t n = en->key_len;
        ck_assert(lx->wh[2 * e] == us_hash(k, n));
        ck_assert(lx->wh[2 * e + 1] == (n > 3 ? us_hash(k + n - 3, 3) : us_hash(k, n)));
        cap += 2 * (n + 1);
    }
    text = malloc(cap + 1);
    ck_assert_ptr_nonnull(text);
    for (e = 0; e < lx->n_entries; e++) {
        const us_entry *en = &lx->entries[e];
        size_t j;
        memcpy(text + len, lx->keys + en->key_off, en->key_len);
        len += en->key_len;
        text[len++] = ' ';
        for (j = 0; j < en->key_len; j++) {
            char ch = lx->keys[en->key_off + j];
            text[len++] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
        }
        text[len++] = '\n';
    }
    found = compare_tokens(text, len, 1);
    ck_assert_uint_gt(found, lx->n_entries);
    free(text);
}
END_TEST

/* Many keys that share their first eight bytes (and keys of exactly
 * those eight), so that probes pass over slots whose first eight match:
 * every key and its near misses as us_lookup_folded finds them. */
START_TEST(lookup_fast_shared_prefixes)
{
    us_lexicon lx;
    char words[40][US_MAX_WORD];
    size_t nw = 0, j, checked = 0;
    int p, q, round;
    ck_assert_int_eq(unsourced_lex_init(&lx), 0);
    rng_state = 77;
    for (p = 0; p < 40; p++) {
        char base[9];
        for (j = 0; j < 8; j++)
            base[j] = (char)('a' + rng_below(3));
        base[8] = '\0';
        if (p % 2 == 0)
            ck_assert_int_eq(us_add_phrase(&lx, base, 8, US_SPEECH), 0);
        for (q = 0; q < 30; q++) {
            char w[US_MAX_WORD];
            size_t n = 8 + 1 + rng_below(20);
            memcpy(w, base, 8);
            for (j = 8; j < n; j++)
                w[j] = (char)('a' + rng_below(2));
            ck_assert_int_eq(us_add_phrase(&lx, w, n, (uint32_t)(1u << rng_below(20))), 0);
        }
        memcpy(words[nw++], base, 9);
    }
    ck_assert_int_eq(unsourced_lex_seal(&lx), 0);
    for (round = 0; round < 2; round++) {
    if (round == 1) {
        /* every word's hash 0: one run of slots from the first, in the
         * order of the entries, every probe passing over all before */
        size_t e, i = 0;
        memset(lx.fast, 0, (lx.fast_mask + 1) * sizeof *lx.fast);
        memset(lx.filter, 0xff, US_FILTER_WORDS * sizeof *lx.filter);
        for (e = 0; e < lx.n_entries; e++, i++) {
            unsigned char k[US_MAX_WORD + 16];
            memset(k, 0, sizeof k);
            memcpy(k, lx.keys + lx.entries[e].key_off, lx.entries[e].key_len);
            lx.fast[i].k8 = us_load_le64(k);
            lx.fast[i].tags = lx.entries[e].tags;
            lx.fast[i].id = (int32_t)e;
        }
    }
    for (j = 0; j < lx.n_entries + nw; j++) {
        unsigned char k[US_MAX_WORD + 16];
        size_t n, cut;
        if (j < lx.n_entries) {
            n = lx.entries[j].key_len;
            memcpy(k, lx.keys + lx.entries[j].key_off, n);
        } else {
            n = 8;
            memcpy(k, words[j - lx.n_entries], 8);
        }
        for (cut = 0; cut < 3 && n > cut; cut++) {
            size_t m = n - cut;
            uint32_t tags = 0;
            int32_t got, want;
            memset(k + m, 0, sizeof k - m);
            want = us_lookup_folded(&lx, (const char *)k, m);
            got = us_lookup_fast(&lx, us_load_le64(k), k, m, round == 0 ? us_khash(k, m) : 0, &tags);
            ck_assert_int_eq(got, want);
            if (got >= 0)
                ck_assert_uint_eq(tags, lx.entries[got].tags);
            checked++;
        }
    }
    }
    ck_assert_uint_gt(checked, 2000);
    unsourced_lex_free(&lx);
}
END_TEST

/* The rule starts of the text by the fast pass (the start bytes the
 * tokeniser leaves in the tokens) and by the plain one (from the kinds,
 * ids and text): the same lists and phrase tags.  Returns the starts. */
static size_t compare_starts(const char *text)
{
    tp_error err;
    json_t *rec = json_pack("{s:s}", "text", text);
    us_doc d;
    uint32_t *keep;
    size_t na, nr, nq, n, k;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(us_process(in, wk, rec, &err), TP_OK);
    if (wk->toks.n == 0) {
        json_decref(rec);
        return 0;
    }
    memset(&d, 0, sizeof d);
    d.lx = &in->lex;
    d.w = wk;
    d.text = tp_text_bytes(wk->t);
    d.len = tp_text_len(wk->t);
    d.tk = wk->toks.v;
    d.nt = wk->toks.n;
    d.estart = in->estart;
    n = d.nt;
    na = wk->n_a_start;
    nr = wk->n_r_start;
    nq = wk->n_q_start;
    keep = malloc((na + nr + nq + n) * sizeof *keep);
    ck_assert_ptr_nonnull(keep);
    memcpy(keep, wk->a_start, na * sizeof *keep);
    memcpy(keep + na, wk->r_start, nr * sizeof *keep);
    memcpy(keep + na + nr, wk->q_start, nq * sizeof *keep);
    memcpy(keep + na + nr + nq, wk->ptags, n * sizeof *keep);
    us_rule_starts_plain(&d);
    /* us_not_claim counts a sentence's words only as far as its tests
     * need (d.plain: all of them) */
    for (k = 0; k < wk->n_sents; k++) {
        int fast, plain;
        d.plain = 0;
        fast = us_not_claim(&d, k);
        d.plain = 1;
        plain = us_not_claim(&d, k);
        d.plain = 0;
        ck_assert_int_eq(fast, plain);
    }
    ck_assert_uint_eq(wk->n_a_start, na);
    ck_assert_uint_eq(wk->n_r_start, nr);
    ck_assert_uint_eq(wk->n_q_start, nq);
    ck_assert(memcmp(keep, wk->a_start, na * sizeof *keep) == 0);
    ck_assert(memcmp(keep + na, wk->r_start, nr * sizeof *keep) == 0);
    ck_assert(memcmp(keep + na + nr, wk->q_start, nq * sizeof *keep) == 0);
    for (k = 0; k < n; k++)
        ck_assert_uint_eq(keep[na + nr + nq + k], wk->ptags[k]);
    free(keep);
    json_decref(rec); /* the text the tokens point into */
    return na + nr + nq;
}

static char *read_cases(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    FILE *f;
    char *buf;
    long n;
    snprintf(path, sizeof path, "%s/plugins/unsourced/tests/cases.txt", top ? top : ".");
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_int_eq((long)fread(buf, 1, (size_t)n, f), n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Random texts of listed words (phrases' first words among them), words
 * ending in "est" in either case, numbers, colons, quotation marks and
 * line breaks; and the cases file. */
START_TEST(rule_starts_as_plain)
{
    static const char *const pieces[] = {"Biggest", "biggest", "est", "TALLEST", "nest", "protest", "42",
                                         ":", " : ", "\"", "\xe2\x80\x9c", "\xe2\x80\x9d", "\n", "\n\n",
                                         " ", " ", ", ", ". ", "more than", "according to", "In ",
                                         ". By ", ". Share this ", ". Photo ", ". Jane ", "Smith ", ". "};
    const us_lexicon *lx = &in->lex;
    char *buf = malloc(1 << 14);
    size_t np = sizeof pieces / sizeof *pieces, starts = 0;
    int round;
    ck_assert_ptr_nonnull(buf);
    rng_state = 99;
    for (round = 0; round < 300; round++) {
        size_t len = 0, cap = 1 + rng_below((1 << 14) - 200);
        while (len < cap) {
            if (rng_below(2) == 0) {
                const us_entry *e = &lx->entries[rng_below((unsigned)lx->n_entries)];
                memcpy(buf + len, lx->keys + e->key_off, e->key_len);
                if (rng_below(6) == 0 && buf[len] >= 'a' && buf[len] <= 'z')
                    buf[len] = (char)(buf[len] - 32);
                len += e->key_len;
                buf[len++] = ' ';
            } else {
                const char *p = pieces[rng_below((unsigned)np)];
                memcpy(buf + len, p, strlen(p));
                len += strlen(p);
            }
        }
        buf[len] = '\0';
        starts += compare_starts(buf);
    }
    free(buf);
    ck_assert_uint_gt(starts, 50000);
    buf = read_cases();
    ck_assert_uint_gt(compare_starts(buf), 500);
    free(buf);
}
END_TEST

/* The output with the shared integers is the output with every integer
 * made anew, and the shared ones are marked as never counted: the cases
 * file (paragraph by paragraph, so offsets run low and high) and a long
 * text with offsets past TP_SHARED_INTS. */
static size_t compare_ints(const char *text)
{
    json_t *out[2];
    char *dump[2];
    size_t n, k, shared = 0;
    int fresh;
    for (fresh = 0; fresh < 2; fresh++) {
        tp_error err;
        memset(&err, 0, sizeof err);
        out[fresh] = json_pack("{s:s}", "text", text);
        in->fresh_ints = fresh;
        ck_assert_int_eq(us_process(in, wk, out[fresh], &err), TP_OK);
        in->fresh_ints = 0;
        dump[fresh] = json_dumps(out[fresh], JSON_COMPACT);
        ck_assert_ptr_nonnull(dump[fresh]);
    }
    ck_assert_str_eq(dump[0], dump[1]);
    n = json_array_size(json_object_get(out[0], "attributions"));
    for (k = 0; k < n; k++) {
        const json_t *a = json_array_get(json_object_get(out[0], "attributions"), k);
        const json_t *c = json_object_get(json_object_get(a, "cue"), "start");
        const json_t *f = json_object_get(json_object_get(json_array_get(json_object_get(out[1], "attributions"), k), "cue"), "start");
        ck_assert(json_is_integer(c));
        if (json_integer_value(c) < TP_SHARED_INTS) {
            ck_assert_uint_eq(c->refcount, (size_t)-1);
            shared++;
        }
        ck_assert_uint_eq(f->refcount, 1);
    }
    free(dump[0]);
    free(dump[1]);
    json_decref(out[0]);
    json_decref(out[1]);
    return shared;
}

START_TEST(shared_ints_as_fresh)
{
    char *buf = read_cases(), *big;
    size_t shared = 0, len = strlen(buf), k;
    ck_assert_uint_gt(compare_ints(buf), 20);
    /* then a text of many copies of the cases: offsets far past the table */
    big = malloc(8 * len + 1);
    ck_assert_ptr_nonnull(big);
    for (k = 0; k < 8; k++)
        memcpy(big + k * len, buf, len);
    big[8 * len] = '\0';
    shared = compare_ints(big);
    ck_assert_uint_gt(shared, 20);
    free(big);
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unsourced_fast");
    TCase *tc = tcase_create("fast");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tokenizer_as_plain);
    tcase_add_test(tc, lookup_fast_as_folded);
    tcase_add_test(tc, lexicon_word_hashes);
    tcase_add_test(tc, word_end_bytes);
    tcase_add_test(tc, lookup_fast_shared_prefixes);
    tcase_add_test(tc, rule_starts_as_plain);
    tcase_add_test(tc, shared_ints_as_fresh);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
