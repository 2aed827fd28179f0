/* The tagger's decoders held to plain ones (and a word's last bytes read
 * for its hash, to a byte at a time): Viterbi (each vector loop the
 * processor has, first and again after a change of some emissions), the
 * path traced back from the scores without back pointers, and the
 * backward scores of the max-marginals from a given position, against
 * loops over all label pairs written as the definitions say.  Scores on a
 * coarse grid, so that ties (which the first label of the best wins) are
 * frequent.  And what a word adds at each offset (summed, or from the
 * worker's cache), to the rows summed as first written. */
#include <config.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* (before check.h, whose fail() is not ner.c's) */
#define ENT_API static __attribute__((unused))
#include "../ner.c"

#include <check.h>

#define MAXN 48

static uint64_t rng = 0x2545f4914f6cdd1dull;

static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

/* a score on a grid of quarters, -2 .. 2 */
static float grid(void)
{
    return (float)((int)(next_rand() % 17) - 8) * 0.25f;
}

static void random_model(float *trans, float *start, float *end)
{
    int i;
    for (i = 0; i < ENT_NL * ENT_NL; i++)
        trans[i] = grid();
    for (i = 0; i < ENT_NL; i++) {
        start[i] = grid();
        end[i] = grid();
    }
}

/* Viterbi as defined: every allowed pair, the first best label kept, each
 * row then taken against its O. */
static void plain_viterbi(const float *em, size_t n, const float *trans, const float *start, const float *end,
                          float *fwd, uint8_t *out)
{
    uint8_t back[MAXN][ENT_NL];
    size_t i;
    int c, p, best = 0;
    float z, bs = NEG * 2;
    for (c = 0; c < ENT_NL; c++)
        fwd[c] = entities_allowed_start(c) ? start[c] + em[c] : NEG;
    z = fwd[0];
    for (c = 0; c < ENT_NL; c++)
        fwd[c] -= z;
    for (i = 1; i < n; i++) {
        const float *prev = fwd + (i - 1) * ENT_NL;
        float *cur = fwd + i * ENT_NL;
        for (c = 0; c < ENT_NL; c++) {
            int bp = -1;
            float bv = 0;
            for (p = 0; p < ENT_NL; p++) {
                float v;
                if (!entities_allowed(p, c))
                    continue;
                v = prev[p] + trans[p * ENT_NL + c];
                if (bp < 0 || v > bv) {
                    bv = v;
                    bp = p;
                }
            }
            cur[c] = bv + em[i * ENT_NL + c];
            back[i][c] = (uint8_t)bp;
        }
        z = cur[0];
        for (c = 0; c < ENT_NL; c++)
            cur[c] -= z;
    }
    for (c = 0; c < ENT_NL; c++)
        if (entities_allowed_end(c) && fwd[(n - 1) * ENT_NL + c] + end[c] > bs) {
            bs = fwd[(n - 1) * ENT_NL + c] + end[c];
            best = c;
        }
    out[n - 1] = (uint8_t)best;
    for (i = n - 1; i > 0; i--)
        out[i - 1] = back[i][out[i]];
}

/* The backward scores as defined: the best of every allowed next label. */
static void plain_marginals(const float *em, size_t n, const float *trans, const float *end, float *bwd)
{
    size_t i;
    int c, p;
    for (c = 0; c < ENT_NL; c++)
        bwd[(n - 1) * ENT_NL + c] = entities_allowed_end(c) ? end[c] : NEG;
    for (i = n - 1; i > 0; i--) {
        float v[ENT_NL];
        for (c = 0; c < ENT_NL; c++)
            v[c] = bwd[i * ENT_NL + c] + em[i * ENT_NL + c];
        for (p = 0; p < ENT_NL; p++) {
            int closed = p == 0 || ENT_K(p) == ENT_L || ENT_K(p) == ENT_U, any = 0;
            float best = NEG;
            for (c = 0; c < ENT_NL; c++) {
                float x;
                if (!entities_allowed(p, c))
                    continue;
                x = v[c] + trans[p * ENT_NL + c];
                if ((!closed && !any) || x > best)
                    best = x;
                any = 1;
            }
            bwd[(i - 1) * ENT_NL + p] = best;
        }
    }
}

typedef void (*viterbi_fn)(const ent_dec *, const float *, size_t, size_t, const uint8_t *, float *, uint8_t *,
                           uint8_t *);
typedef void (*marginals_fn)(const ent_dec *, const float *, size_t, size_t, float *);

/* with back pointers (use_back) or without; the SSE loop never keeps them */
static void check_viterbi(viterbi_fn fn, const char *name, int use_back)
{
    static uint8_t backbuf[MAXN * ENT_BACK];
    uint8_t *back = use_back ? backbuf : NULL;
    static float em[MAXN * ENT_NL], fwd[MAXN * ENT_NL], ref[MAXN * ENT_NL];
    float trans[ENT_NL * ENT_NL], start[ENT_NL], end[ENT_NL];
    uint8_t out[MAXN], rout[MAXN], changed[MAXN];
    ent_dec d;
    int round, again = 0;
    for (round = 0; round < 3000; round++) {
        size_t n = 1 + next_rand() % (round < 100 ? 4 : MAXN), i;
        int c, any = 0;
        if (round % 50 == 0) {
            random_model(trans, start, end);
            entities_dec_init(&d, trans, start, end);
        }
        for (i = 0; i < n * ENT_NL; i++)
            em[i] = grid();
        fn(&d, em, n, 0, NULL, fwd, back, out);
        plain_viterbi(em, n, trans, start, end, ref, rout);
        ck_assert_msg(memcmp(fwd, ref, n * ENT_NL * sizeof *fwd) == 0, "%s: scores differ (round %d)", name,
                      round);
        ck_assert_msg(memcmp(out, rout, n) == 0, "%s: path differs (round %d, %zu tokens)", name, round, n);
        /* again, after some positions' emissions changed (or only
         * changed in name: the rows come out as they were) */
        for (i = 0; i < n; i++) {
            changed[i] = next_rand() % 4 == 0;
            if (changed[i] && next_rand() % 3 != 0)
                for (c = 0; c < ENT_NL; c++)
                    em[i * ENT_NL + c] += grid();
            any |= changed[i];
        }
        if (!any)
            continue;
        for (i = 0; i < n && !changed[i]; i++)
            ;
        fn(&d, em, n, i, changed, fwd, back, out);
        plain_viterbi(em, n, trans, start, end, ref, rout);
        ck_assert_msg(memcmp(fwd, ref, n * ENT_NL * sizeof *fwd) == 0, "%s again: scores differ (round %d)",
                      name, round);
        ck_assert_msg(memcmp(out, rout, n) == 0, "%s again: path differs (round %d)", name, round);
        again++;
    }
    ck_assert_int_gt(again, 1000);
}

static void check_marginals(marginals_fn fn, const char *name)
{
    static float em[MAXN * ENT_NL], bwd[MAXN * ENT_NL], ref[MAXN * ENT_NL];
    float trans[ENT_NL * ENT_NL], start[ENT_NL], end[ENT_NL];
    ent_dec d;
    int round;
    for (round = 0; round < 3000; round++) {
        size_t n = 1 + next_rand() % MAXN, from = next_rand() % n, i;
        if (round % 50 == 0) {
            random_model(trans, start, end);
            entities_dec_init(&d, trans, start, end);
        }
        if (round % 3 == 0)
            from = 0;
        for (i = 0; i < n * ENT_NL; i++)
            em[i] = grid();
        fn(&d, em, n, from, bwd);
        plain_marginals(em, n, trans, end, ref);
        ck_assert_msg(memcmp(bwd + from * ENT_NL, ref + from * ENT_NL, (n - from) * ENT_NL * sizeof *bwd) == 0,
                      "%s: backward scores differ (round %d, %zu tokens from %zu)", name, round, n, from);
    }
}

static void sse_with_back(const ent_dec *d, const float *em, size_t n, size_t from, const uint8_t *changed,
                          float *fwd, uint8_t *back, uint8_t *out)
{
    (void)back;
    viterbi_sse(d, em, n, from, changed, fwd, out);
}

/* A sentence's emissions summed with labels 0..15 of a row in one
 * 16-lane vector are those summed four lanes at a time, bit for bit:
 * rows of random floats and of numbers on a grid (whose sums round
 * alike more often), and position features of random codes, with and
 * without rows in the model. */
START_TEST(test_emissions_sum_wide)
{
#ifdef ENT_WIDE
    enum { N = 64 };
    static float rows[N][ENT_NOFF * ENT_NL], em1[N * ENT_NL], em2[N * ENT_NL];
    const float *rp[N];
    char path[1024], err[1280];
    const char *top = getenv("top_srcdir");
    ent_scratch sc;
    ent_model *m;
    uint32_t codes[ENT_POS_NCODES], ncodes = 0, c;
    unsigned round, withrow = 0;
    if (!have_wide())
        return;
    memset(&sc, 0, sizeof sc);
    ck_assert_int_eq(entities_scratch_fit(&sc, N), 0);
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    ck_assert(m->ptab_ok);
    for (c = 0; c < ENT_POS_NCODES; c++)
        if (m->pcode[c] != 0)
            codes[ncodes++] = c;
    ck_assert_uint_gt(ncodes, 50);
    for (round = 0; round < 3000; round++) {
        size_t n = 1 + next_rand() % N, i, k;
        for (i = 0; i < n; i++) {
            for (k = 0; k < ENT_NOFF * ENT_NL; k++)
                rows[i][k] = round % 2 ? grid() : (float)((int)(next_rand() % 2000001) - 1000000) * 1.37e-6f;
            rp[i] = rows[i];
            sc.npf[i] = (uint8_t)(next_rand() % (ENT_MAXPOS + 1));
            for (k = 0; k < sc.npf[i]; k++) {
                int has = next_rand() % 4 != 0;
                sc.pf[i * ENT_MAXPOS + k] = has ? codes[next_rand() % ncodes] : next_rand() % ENT_POS_NCODES;
                withrow += m->pcode[sc.pf[i * ENT_MAXPOS + k]] != 0;
            }
        }
        emissions_sum(m, &sc, rp, n, em1);
        emissions_sum_wide(m, &sc, rp, n, em2);
        ck_assert_msg(memcmp(em1, em2, n * ENT_NL * sizeof *em1) == 0, "round %u", round);
    }
    ck_assert_uint_gt(withrow, 100000);
    entities_scratch_free(&sc);
    entities_model_free(m);
#endif
}
END_TEST

START_TEST(test_viterbi_sse)
{
    check_viterbi(sse_with_back, "viterbi_sse", 0);
}
END_TEST

START_TEST(test_viterbi_wide)
{
#ifdef ENT_WIDE
    if (have_wide()) {
        check_viterbi(viterbi_wide, "viterbi_wide with back pointers", 1);
        check_viterbi(viterbi_wide, "viterbi_wide without", 0);
    }
#endif
    check_viterbi(viterbi_any, "viterbi_any", 1);
}
END_TEST

START_TEST(test_marginals)
{
    check_marginals(marginals_sse, "marginals_sse");
#ifdef ENT_WIDE
    if (have_wide())
        check_marginals(marginals_wide, "marginals_wide");
#endif
    check_marginals(entities_marginals, "entities_marginals");
}
END_TEST

/* The path's step back, nine sums at once, against the scan. */
START_TEST(test_step_back)
{
    float trans[ENT_NL * ENT_NL], start[ENT_NL], end[ENT_NL], prev[ENT_NL];
    ent_dec d;
    int round, c;
    for (round = 0; round < 20000; round++) {
        if (round % 100 == 0) {
            random_model(trans, start, end);
            entities_dec_init(&d, trans, start, end);
        }
        for (c = 0; c < ENT_NL; c++)
            prev[c] = grid();
        for (c = 0; c < ENT_NL; c++)
            ck_assert_int_eq(viterbi_back(&d, prev, c), viterbi_back_plain(trans, prev, c));
    }
}
END_TEST

/* The last bytes of a word for its hash, in two overlapping loads, against
 * a byte at a time; from every place of a buffer, so that no load strays
 * out of it (the sanitizer builds see to that). */
START_TEST(test_tail_word)
{
    unsigned char buf[16];
    int round;
    size_t n, at;
    for (round = 0; round < 200; round++) {
        for (n = 0; n < sizeof buf; n++)
            buf[n] = (unsigned char)next_rand();
        for (n = 0; n < 8; n++)
            for (at = 0; at + n <= sizeof buf; at++)
                ck_assert_msg(tail_word(buf + at, n) == tail_word_plain(buf + at, n), "%zu bytes at %zu", n, at);
    }
}
END_TEST

/* Two words compared a word at a time are the same where memcmp says
 * they are: every length to 40, equal, and differing in one byte at each
 * place (by one bit, or wholly), from every place of a buffer. */
START_TEST(test_same_bytes)
{
    unsigned char a[64], b[64];
    size_t n, at, k;
    int round;
    for (round = 0; round < 40; round++) {
        for (n = 0; n < sizeof a; n++)
            a[n] = (unsigned char)next_rand();
        for (n = 0; n <= 40; n++)
            for (at = 0; at + n < sizeof a; at += 5) {
                memcpy(b, a, sizeof b);
                ck_assert(same_bytes(a + at, b + at, n));
                for (k = 0; k < n; k++) {
                    unsigned char old = b[at + k];
                    b[at + k] = (unsigned char)(round & 1 ? old ^ (1u << (k % 8)) : old + 1 + next_rand() % 255);
                    ck_assert_msg(same_bytes(a + at, b + at, n) == (memcmp(a + at, b + at, n) == 0),
                                  "%zu bytes, byte %zu", n, k);
                    ck_assert(!same_bytes(a + at, b + at, n));
                    /* the bytes around the words do not count */
                    b[at + k] = old;
                    if (at > 0)
                        b[at - 1] ^= 0x55;
                    b[at + n] ^= 0x55;
                    ck_assert(same_bytes(a + at, b + at, n));
                    if (at > 0)
                        b[at - 1] ^= 0x55;
                    b[at + n] ^= 0x55;
                }
            }
    }
}
END_TEST

/* The capitalisation class eight bytes at a time against a byte at a time:
 * every one- and two-byte word, then words of up to 40 bytes drawn from
 * the bytes around the edges of the letter ranges (so that upper and lower
 * case fall on both sides of each eight-byte boundary), from every place
 * of a buffer. */
START_TEST(test_capclass)
{
    static const unsigned char edge[] = {'@', 'A', 'B', 'Y', 'Z', '[', '`', 'a', 'b', 'y', 'z', '{',
                                         '0', '9', '-', ' ', 0x00, 0x7f, 0x80, 0xc3, 0xe2, 0xff};
    unsigned char buf[48];
    int round, a, b;
    size_t n, at, k;
    for (a = 0; a < 256; a++) {
        buf[0] = (unsigned char)a;
        ck_assert_int_eq(capclass((const char *)buf, 1), capclass_plain((const char *)buf, 1));
        for (b = 0; b < 256; b++) {
            buf[1] = (unsigned char)b;
            ck_assert_int_eq(capclass((const char *)buf, 2), capclass_plain((const char *)buf, 2));
        }
    }
    ck_assert_int_eq(capclass((const char *)buf, 0), capclass_plain((const char *)buf, 0));
    for (round = 0; round < 3000; round++) {
        /* mostly one case, now and then another byte */
        unsigned base = next_rand() % 4;
        for (k = 0; k < sizeof buf; k++) {
            unsigned r = next_rand() % 16;
            buf[k] = r < 12 ? (unsigned char)((base & 1 ? 'a' : 'A') + (base & 2 ? 25 : 0) - (base & 2 ? r % 3 : -(r % 3)))
                            : edge[next_rand() % sizeof edge];
        }
        for (n = 1; n <= 40; n++)
            for (at = 0; at + n <= sizeof buf; at += 3)
                ck_assert_msg(capclass((const char *)buf + at, n) == capclass_plain((const char *)buf + at, n),
                              "%zu bytes at %zu", n, at);
    }
}
END_TEST

/* The index of known words finds each word of the built-in model's
 * vocabulary at its own record, and a word that differs from one by a
 * byte where a look at every word of the vocabulary finds it, or nowhere;
 * before the records are made (compared with the model image) and after
 * (with their own copies). */
static const struct vent *vent_scan(const ent_model *m, const char *s, size_t len)
{
    uint32_t r;
    for (r = 0; r < m->h.nvocab; r++)
        if (m->vocab_off[r + 1] - m->vocab_off[r] == len && len > 0 && len <= VENT_MAXLEN &&
            memcmp(m->vocab_str + m->vocab_off[r], s, len) == 0)
            return &m->vent[r];
    return NULL;
}

static unsigned vent_find_all(ent_model *m, ent_scratch *sc)
{
    char w[VENT_MAXLEN + 2];
    uint32_t i, found = 0, others = 0;
    for (i = 0; i < m->h.nvocab; i++) {
        const char *s = m->vocab_str + m->vocab_off[i];
        size_t len = m->vocab_off[i + 1] - m->vocab_off[i];
        struct vent *v;
        if (len == 0 || len > VENT_MAXLEN)
            continue;
        v = vent_find(m, s, len, word_key(s, len, 2, 0));
        ck_assert_ptr_eq(v, &m->vent[i]);
        found++;
        if (sc != NULL) {
            const ent_lexinfo *info;
            ck_assert_ptr_eq(vent_rows(m, sc, v, s, len, 0, &info), v->rows);
            ck_assert(v->state == VENT_READY && v->len == len && memcmp(v->s, s, len) == 0);
        }
        if (i % 61 == 0 && len < VENT_MAXLEN) {
            /* the same with its last byte changed, and with one more */
            memcpy(w, s, len);
            w[len - 1] = (char)(w[len - 1] ^ 0x20);
            ck_assert_ptr_eq(vent_find(m, w, len, word_key(w, len, 2, 0)), vent_scan(m, w, len));
            w[len - 1] = s[len - 1];
            w[len] = 's';
            ck_assert_ptr_eq(vent_find(m, w, len + 1, word_key(w, len + 1, 2, 0)), vent_scan(m, w, len + 1));
            others++;
        }
    }
    ck_assert_uint_eq(found, m->nvocab);
    ck_assert_uint_gt(others, 100);
    return found;
}

START_TEST(test_vent_find)
{
    char path[1024], err[1280];
    const char *top = getenv("top_srcdir");
    ent_scratch sc;
    ent_model *m;
    uint32_t i;
    memset(&sc, 0, sizeof sc);
    ck_assert_int_eq(entities_scratch_fit(&sc, 4), 0);
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    ck_assert_uint_gt(m->nvocab, 1000);
    /* loading made no record */
    for (i = 0; i < m->h.nvocab; i++)
        ck_assert_uint_eq(m->vent[i].state, VENT_EMPTY);
    vent_find_all(m, NULL);   /* none made */
    vent_find_all(m, &sc);    /* each made as it is found */
    vent_find_all(m, NULL);   /* all made */
    entities_scratch_free(&sc);
    entities_model_free(m);
}
END_TEST

/* A known word's rows, made when first met, are those summed as first
 * written: made by the worker that claims the record, taken from it
 * afterwards, and summed into the worker's spare rows when another worker
 * holds the record; and likewise with two threads tagging the same words
 * at once, in different orders. */
START_TEST(test_vent_rows)
{
    char path[1024], err[1280];
    const char *top = getenv("top_srcdir");
    float plain[ENT_NOFF * ENT_NL];
    const float *r;
    const ent_lexinfo *info;
    ent_scratch sc;
    ent_model *m;
    uint32_t i, made = 0, spilled = 0;
    memset(&sc, 0, sizeof sc);
    ck_assert_int_eq(entities_scratch_fit(&sc, 4), 0);
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    for (i = 0; i < m->h.nvocab; i++) {
        const char *s = m->vocab_str + m->vocab_off[i];
        size_t len = m->vocab_off[i + 1] - m->vocab_off[i];
        struct vent *v;
        const ent_lexinfo *pi;
        if (len == 0 || len > VENT_MAXLEN)
            continue;
        v = vent_find(m, s, len, word_key(s, len, 2, 0));
        ck_assert_ptr_nonnull(v);
        pi = word_rows_plain(m, s, len, plain);
        if (i % 3 == 0) {
            /* held by another worker: summed here, the record left to it */
            v->state = VENT_BUSY;
            r = vent_rows(m, &sc, v, s, len, 2, &info);
            ck_assert_ptr_eq(r, sc.spill + 2 * ENT_NOFF * ENT_NL);
            ck_assert_uint_eq(v->state, VENT_BUSY);
            ck_assert(info == pi && memcmp(r, plain, sizeof plain) == 0);
            v->state = VENT_EMPTY;
            spilled++;
        }
        r = vent_rows(m, &sc, v, s, len, 1, &info);
        ck_assert_ptr_eq(r, v->rows);
        ck_assert_uint_eq(v->state, VENT_READY);
        ck_assert_msg(info == pi && memcmp(r, plain, sizeof plain) == 0, "word \"%.*s\"", (int)len, s);
        r = vent_rows(m, &sc, v, s, len, 1, &info);
        ck_assert(r == v->rows && info == pi);
        made++;
    }
    ck_assert_uint_gt(made, 1000);
    ck_assert_uint_gt(spilled, 300);
    entities_scratch_free(&sc);
    entities_model_free(m);
}
END_TEST

struct race {
    ent_model *m;
    unsigned seed, bad, checked;
};

static void *race_run(void *p)
{
    enum { NTOK = 24 };
    struct race *rc = p;
    const ent_model *m = rc->m;
    float em[NTOK * ENT_NL];
    float plain[ENT_NOFF * ENT_NL];
    ent_tok toks[NTOK];
    ent_scratch sc;
    uint32_t at = 0, step = rc->seed, nv = m->h.nvocab;
    size_t i, n;
    memset(&sc, 0, sizeof sc);
    if (entities_scratch_fit(&sc, NTOK) != 0) {
        rc->bad++;
        return NULL;
    }
    while (at < nv) {
        for (n = 0; n < NTOK && at < nv; at++) {
            /* the vocabulary forwards in one thread, backwards in the other */
            uint32_t v = step ? at : nv - 1 - at;
            size_t len = m->vocab_off[v + 1] - m->vocab_off[v];
            if (len == 0)
                continue;
            toks[n].s = m->vocab_str + m->vocab_off[v];
            toks[n++].len = (uint32_t)len;
        }
        entities_model_emissions(m, NULL, toks, n, &sc, em);
        for (i = 0; i < n; i++) {
            const ent_lexinfo *info = word_rows_plain(m, toks[i].s, toks[i].len, plain);
            if (sc.info[i] != info || memcmp(sc.rows[i], plain, sizeof plain) != 0)
                rc->bad++;
            rc->checked++;
        }
    }
    entities_scratch_free(&sc);
    return NULL;
}

START_TEST(test_vent_race)
{
    char path[1024], err[1280];
    const char *top = getenv("top_srcdir");
    struct race rc[2];
    pthread_t th;
    ent_model *m;
    uint32_t i, made = 0;
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    for (i = 0; i < 2; i++) {
        rc[i].m = m;
        rc[i].seed = i;
        rc[i].bad = rc[i].checked = 0;
    }
    ck_assert_int_eq(pthread_create(&th, NULL, race_run, &rc[0]), 0);
    race_run(&rc[1]);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    for (i = 0; i < 2; i++) {
        ck_assert_uint_eq(rc[i].bad, 0);
        ck_assert_uint_gt(rc[i].checked, 1000);
    }
    for (i = 0; i < m->h.nvocab; i++)
        made += m->vent[i].state == VENT_READY;
    ck_assert_uint_eq(made, m->nvocab);
    entities_model_free(m);
}
END_TEST

/* What a word adds at each offset, from the stored rows made into floats
 * four or sixteen at a time and summed in registers, is to the bit what
 * the rows made into floats one at a time and summed in memory give: for
 * every word of the built-in model's vocabulary and of its lexicon, each
 * capitalised, in capitals and with a letter more, and for random words. */
static void rows_agree(const ent_model *m, const char *s, size_t len, unsigned *nonzero)
{
    float a[ENT_NOFF * ENT_NL], b[ENT_NOFF * ENT_NL];
    const ent_lexinfo *ia, *ib;
    int o, l;
    memset(a, 0xa5, sizeof a);
    memset(b, 0x5a, sizeof b);
    ib = word_rows_plain(m, s, len, b);
    ia = word_rows_sse(m, s, len, a);
    ck_assert_msg(ia == ib && memcmp(a, b, sizeof a) == 0, "word \"%.*s\"", (int)len, s);
#ifdef ENT_WIDE
    /* (and the sums of 16 lanes at once, where the processor has them) */
    if (have_wide()) {
        memset(a, 0xa5, sizeof a);
        ia = word_rows_wide(m, s, len, a);
        ck_assert_msg(ia == ib && memcmp(a, b, sizeof a) == 0, "word \"%.*s\" (16 lanes)", (int)len, s);
    }
#endif
    ia = word_rows(m, s, len, a);
    ck_assert_msg(ia == ib && memcmp(a, b, sizeof a) == 0, "word \"%.*s\"", (int)len, s);
    for (o = 0; o < ENT_NOFF; o++)
        for (l = 0; l < ENT_NL; l++)
            if (a[o * ENT_NL + l] != 0) {
                nonzero[o]++;
                break;
            }
}

static void rows_agree_variants(const ent_model *m, const char *s, size_t len, unsigned *nonzero)
{
    char w[80];
    size_t k;
    if (len + 1 > sizeof w)
        return;
    rows_agree(m, s, len, nonzero);
    memcpy(w, s, len);
    if (w[0] >= 'a' && w[0] <= 'z')
        w[0] = (char)(w[0] - 32);
    rows_agree(m, w, len, nonzero);
    for (k = 1; k < len; k++)
        if (w[k] >= 'a' && w[k] <= 'z')
            w[k] = (char)(w[k] - 32);
    rows_agree(m, w, len, nonzero);
    memcpy(w, s, len);
    w[len] = 's';
    rows_agree(m, w, len + 1, nonzero);
}

START_TEST(test_word_rows)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzAEIOUST0-.'\xc3\xa9";
    char path[1024], err[1280], w[40];
    const char *top = getenv("top_srcdir");
    unsigned nonzero[ENT_NOFF] = {0};
    ent_model *m;
    uint32_t i;
    int round, o;
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    for (i = 0; i < m->h.nvocab; i++)
        rows_agree_variants(m, m->vocab_str + m->vocab_off[i], m->vocab_off[i + 1] - m->vocab_off[i], nonzero);
    for (i = 0; i < m->lex.n; i++)
        rows_agree_variants(m, m->lex.words[i], m->lex.lens[i], nonzero);
    for (round = 0; round < 20000; round++) {
        size_t len = 1 + next_rand() % (sizeof w), k;
        for (k = 0; k < len; k++)
            w[k] = letters[next_rand() % (sizeof letters - 1)];
        rows_agree(m, w, len, nonzero);
    }
    /* the words had rows at every offset */
    for (o = 0; o < ENT_NOFF; o++)
        ck_assert_uint_gt(nonzero[o], 10000);
    entities_model_free(m);
}
END_TEST

/* The worker's cache of the rows of words the model does not list: after
 * each sentence, the rows each of its words was given are those summed
 * afresh as first written.  The words: many more than the cache has
 * slots (so that sets fill and ways are replaced), some of them often
 * (so that they are found again), repeated within a sentence, and now and
 * then a word of the vocabulary.  (Also built with a cache of four slots,
 * where the words of a sentence fill whole sets.) */
static size_t pool_word(char *w, uint32_t k)
{
    size_t n = 0;
    w[n++] = (char)('A' + (int)(k % 3) * 7);
    do {
        w[n++] = (char)('a' + (int)(k % 26));
        k /= 26;
    } while (k != 0);
    w[n++] = 'q';
    return n;
}

START_TEST(test_word_cache)
{
    enum { SLOTS = 1u << ENT_CACHE_BITS, NTOK = 40 };
    char path[1024], err[1280], words[NTOK][16];
    const char *top = getenv("top_srcdir");
    uint32_t pool = 3 * SLOTS + 500, sent, nsent = (3 * SLOTS + 500) / 6 + 200;
    static float em[NTOK * ENT_NL];
    float plain[ENT_NOFF * ENT_NL];
    ent_tok toks[NTOK];
    ent_scratch sc;
    ent_model *m;
    size_t i, n;
    unsigned checked = 0;
    memset(&sc, 0, sizeof sc);
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    for (sent = 0; sent < nsent; sent++) {
        n = 1 + next_rand() % NTOK;
        ck_assert_int_eq(entities_scratch_fit(&sc, n), 0);
        for (i = 0; i < n; i++) {
            unsigned r = next_rand() % 16;
            if (r == 0 && m->h.nvocab > 0) {
                uint32_t v = next_rand() % m->h.nvocab;
                size_t len = m->vocab_off[v + 1] - m->vocab_off[v];
                toks[i].s = m->vocab_str + m->vocab_off[v];
                toks[i].len = (uint32_t)len;
                if (len > 0)
                    continue;
            }
            if (r == 1 && i > 0) {
                toks[i] = toks[next_rand() % i];
                continue;
            }
            toks[i].len = (uint32_t)pool_word(words[i], r < 6 ? next_rand() % 64 : next_rand() % pool);
            toks[i].s = words[i];
        }
        entities_model_emissions(m, NULL, toks, n, &sc, em);
        for (i = 0; i < n; i++) {
            const ent_lexinfo *info = word_rows_plain(m, toks[i].s, toks[i].len, plain);
            ck_assert_msg(sc.info[i] == info && memcmp(sc.rows[i], plain, sizeof plain) == 0,
                          "sentence %u, word %zu \"%.*s\"", sent, i, (int)toks[i].len, toks[i].s);
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 4u * SLOTS);
    entities_scratch_free(&sc);
    entities_model_free(m);
}
END_TEST

/* The position features as codes find, in the table indexed by code, the
 * rows their hashes find in the table probed by hash (as the emissions
 * first looked them up), feature for feature: over documents of words of
 * the vocabulary and of the lexicon, capitalised or not, in sentences of
 * capitals now and then, with labels given to the words as a first pass
 * would (so that their history counts), for every kind of feature. */
static size_t read_names_of(const char *file, char (*names)[64], size_t cap);

static uint16_t ptab_probe(const ent_model *m, uint64_t key)
{
    uint32_t j = ptab_home(key);
    while (m->pidx[j] != 0 && m->pkey[j] != key)
        j = (j + 1) & (ENT_PTAB - 1);
    return m->pidx[j];
}

/* names of several words from the list files (as many from each), one a
 * line, words of letters */
static size_t read_names(char (*names)[64], size_t cap)
{
    static const char *const files[] = {"places", "organisations", "misc", "sports", "people"};
    size_t n = 0, i;
    for (i = 0; i < sizeof files / sizeof *files; i++)
        n += read_names_of(files[i], names + n, cap / (sizeof files / sizeof *files));
    return n;
}

static size_t read_names_of(const char *file, char (*names)[64], size_t cap)
{
    char path[1024], line[256];
    const char *top = getenv("top_srcdir");
    size_t n = 0, k;
    FILE *f;
    snprintf(path, sizeof path, "%s/plugins/entities/data/lists/%s.tsv", top ? top : ".", file);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s", path);
    while (n < cap && fgets(line, sizeof line, f) != NULL) {
        int ok = 1, spaces = 0;
        for (k = 0; line[k] != '\t' && line[k] != '\0' && ok; k++)
            if (line[k] == ' ')
                spaces++;
            else if (!((line[k] >= 'a' && line[k] <= 'z') || (line[k] >= 'A' && line[k] <= 'Z')))
                ok = 0;
        if (ok && line[k] == '\t' && spaces > 0 && k < 63) {
            memcpy(names[n], line, k);
            names[n++][k] = '\0';
        }
    }
    fclose(f);
    return n;
}

START_TEST(test_pos_codes)
{
    static char names[400][64];
    size_t nnames = read_names(names, 400);
    enum { NTOK = 400, MAXS = 30 };
    char path[1024], err[1280], buf[NTOK][40];
    const char *top = getenv("top_srcdir");
    static uint64_t pf[MAXS * ENT_MAXPOS], pc[MAXS * ENT_MAXPOS], pi[MAXS * ENT_MAXPOS];
    const ent_lexinfo *infos[MAXS];
    uint8_t npf[MAXS], npc[MAXS], npi[MAXS], lab[MAXS];
    unsigned kinds[9] = {0}, found = 0, multi = 0;
    ent_tok toks[NTOK];
    ent_doc doc;
    ent_model *m;
    size_t i, k, a, n;
    int d;
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    ck_assert(m->ptab_ok);
    entities_doc_init(&doc);
    for (d = 0; d < 300; d++) {
        for (i = 0; i < NTOK; i++) {
            const char *w;
            size_t len;
            unsigned r = next_rand() % 8;
            if (r < 3 && i > 0) {
                toks[i] = toks[next_rand() % i];   /* a word again */
                continue;
            }
            if (r == 3 && nnames > 0) {
                /* a name of the lists, a token a word */
                const char *q = names[next_rand() % nnames];
                while (*q != '\0' && i < NTOK) {
                    size_t wl = strcspn(q, " ");
                    memcpy(buf[i], q, wl);
                    toks[i].s = buf[i];
                    toks[i++].len = (uint32_t)wl;
                    q += wl + (q[wl] == ' ');
                }
                i--;
                continue;
            }
            if (r < 6) {
                uint32_t v = next_rand() % m->h.nvocab;
                w = m->vocab_str + m->vocab_off[v];
                len = m->vocab_off[v + 1] - m->vocab_off[v];
            } else {
                uint32_t v = next_rand() % m->lex.n;
                w = m->lex.words[v];
                len = m->lex.lens[v];
            }
            if (len == 0 || len >= sizeof buf[i]) {
                w = "x";
                len = 1;
            }
            memcpy(buf[i], w, len);
            if (r >= 4 && buf[i][0] >= 'a' && buf[i][0] <= 'z')
                buf[i][0] = (char)(buf[i][0] - 32);
            toks[i].s = buf[i];
            toks[i].len = (uint32_t)len;
        }
        /* some sentences in capitals */
        for (a = 0; a < NTOK; a += MAXS)
            if (next_rand() % 6 == 0)
                for (i = a; i < a + MAXS && i < NTOK; i++)
                    for (k = 0; k < toks[i].len; k++)
                        if (buf[i][k] >= 'a' && buf[i][k] <= 'z')
                            buf[i][k] = (char)(buf[i][k] - 32);
        ck_assert_int_eq(entities_doc_reset(&doc, NTOK), 0);
        ck_assert_int_eq(entities_doc_tokens(&doc, toks, NTOK), 0);
        for (a = 0; a < NTOK; a += n) {
            n = 1 + next_rand() % MAXS;
            if (a + n > NTOK)
                n = NTOK - a;
            entities_doc_add_sentence(&doc, toks + a, n);
        }
        for (a = 0; a < NTOK; a += n) {
            n = 1 + next_rand() % MAXS;
            if (a + n > NTOK)
                n = NTOK - a;
            pos_feats(&m->lex, &doc, toks + a, n, NULL, pf, npf, 0);
            pos_feats(&m->lex, &doc, toks + a, n, NULL, pc, npc, 1);
            /* with the tokens' lexicon entries given, as the stage does:
             * the multi-word entries' look-ups cut short where a token
             * is the word of no entry, for the same features */
            for (i = 0; i < n; i++) {
                char low[64];
                size_t ln = entities_lower(low, sizeof low, toks[a + i].s, toks[a + i].len);
                infos[i] = entities_lex_find(&m->lex, low, ln);
            }
            pos_feats(&m->lex, &doc, toks + a, n, infos, pi, npi, 1);
            for (i = 0; i < n; i++) {
                ck_assert_uint_eq(npi[i], npc[i]);
                ck_assert(memcmp(pi + i * ENT_MAXPOS, pc + i * ENT_MAXPOS, npc[i] * sizeof *pc) == 0);
                if (npi[i] > 0 && (pi[i * ENT_MAXPOS + npi[i] - 1] >> 10) == 7)
                    multi++;
            }
            for (i = 0; i < n; i++) {
                ck_assert_uint_eq(npf[i], npc[i]);
                for (k = 0; k < npf[i]; k++) {
                    uint64_t c = pc[i * ENT_MAXPOS + k];
                    ck_assert_uint_lt(c, ENT_POS_NCODES);
                    ck_assert_uint_eq(m->pcode[c], ptab_probe(m, pf[i * ENT_MAXPOS + k]));
                    if (m->pcode[c] != 0) {
                        kinds[c >> 10]++;
                        found++;
                    }
                }
                lab[i] = (uint8_t)(toks[a + i].s[0] >= 'A' && toks[a + i].s[0] <= 'Z' ? next_rand() % ENT_NL : 0);
            }
            entities_doc_add_labels(&doc, toks + a, n, lab);
        }
    }
    /* every kind but the second pass's (made by entities_doc_feat) */
    for (k = 0; k < 8; k++)
        ck_assert_msg(kinds[k] > 50, "kind %c: %u", ENT_POS_KINDS[k], kinds[k]);
    ck_assert_uint_gt(found, 100000);
    /* (positions in multi-word entries, found either way) */
    ck_assert_uint_gt(multi, 1000);
    entities_doc_free(&doc);
    entities_model_free(m);
}
END_TEST

/* The lexicon's look-up (the hash's top bits in the index's slots) against
 * a scan of every word: every word of the lexicon, and words a byte away
 * from some. */
static const ent_lexinfo *lex_scan(const ent_lex *lex, const char *w, size_t len)
{
    uint32_t k;
    for (k = 0; k < lex->n; k++)
        if (lex->lens[k] == len && memcmp(lex->words[k], w, len) == 0)
            return &lex->info[k];
    return NULL;
}

START_TEST(test_lex_find)
{
    char path[1024], err[1280], w[80];
    const char *top = getenv("top_srcdir");
    ent_model *m;
    const ent_lex *lex;
    uint32_t i, found = 0, other = 0;
    snprintf(path, sizeof path, "%s/plugins/entities/data/model.bin", top ? top : ".");
    m = entities_model_open_file(path, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    lex = &m->lex;
    ck_assert_uint_gt(lex->n, 1000);
    ck_assert_uint_gt(lex->index_kmask, lex->n);
    for (i = 0; i < lex->n; i++) {
        size_t len = lex->lens[i];
        const ent_lexinfo *f = entities_lex_find(lex, lex->words[i], len);
        /* (every word found as itself; a scan for some) */
        ck_assert(f != NULL && lex->lens[f - lex->info] == len &&
                  memcmp(lex->words[f - lex->info], lex->words[i], len) == 0);
        found++;
        if (len == 0 || len + 1 >= sizeof w || i % 16 != 0)
            continue;
        ck_assert_ptr_eq(f, lex_scan(lex, lex->words[i], len));
        memcpy(w, lex->words[i], len);
        w[len] = 's';   /* a byte more */
        f = entities_lex_find(lex, w, len + 1);
        ck_assert_ptr_eq(f, lex_scan(lex, w, len + 1));
        other += f != NULL;
        w[len - 1] = (char)(w[len - 1] ^ 1);   /* the last byte another */
        ck_assert_ptr_eq(entities_lex_find(lex, w, len), lex_scan(lex, w, len));
        ck_assert_ptr_eq(entities_lex_find(lex, w, len - 1), lex_scan(lex, w, len - 1));
    }
    ck_assert_uint_eq(found, lex->n);
    ck_assert_uint_gt(other, 20);
    entities_model_free(m);
}
END_TEST

/* A document's table (16-bit stamps) knows nothing of the documents
 * before it, across the stamps' wrapping round, and all of its own. */
START_TEST(test_doc_stamps)
{
    static char buf[8][8];
    char w[8];
    ent_tok toks[8];
    ent_doc doc;
    unsigned d, i;
    entities_doc_init(&doc);
    for (i = 0; i < 8; i++) {
        toks[i].s = buf[i];
        toks[i].len = 5;
    }
    for (d = 0; d < 70000; d++) {
        ck_assert_int_eq(entities_doc_reset(&doc, 8), 0);
        ck_assert_int_eq(entities_doc_tokens(&doc, toks, 8), 0);
        /* the words the document before entered: unseen in this one */
        for (i = 1; i < 8 && d > 0; i++) {
            snprintf(w, sizeof w, "w%04u", ((d - 1) * 8 + i) % 10000);
            ck_assert_uint_eq(entities_doc_get(&doc, w, 5), 0);
        }
        for (i = 0; i < 8; i++)
            snprintf(buf[i], sizeof buf[i], "w%04u", (d * 8 + i) % 10000);
        entities_doc_add_sentence(&doc, toks, 8);
        for (i = 1; i < 8; i++)
            ck_assert_uint_eq(entities_doc_get(&doc, buf[i], 5), 1);
        ck_assert_uint_eq(entities_doc_get(&doc, buf[0], 5), 0);
        ck_assert_uint_eq(doc.n, 7);
    }
    ck_assert_uint_le(doc.gen, UINT16_MAX);
    entities_doc_free(&doc);
}
END_TEST

/* The calls with the transitions as they are (the trainer's) decode as the
 * tables made once do. */
START_TEST(test_wrappers_agree)
{
    static float em[MAXN * ENT_NL], fwd[MAXN * ENT_NL], fwd2[MAXN * ENT_NL], bwd[MAXN * ENT_NL],
        bwd2[MAXN * ENT_NL];
    float trans[ENT_NL * ENT_NL], start[ENT_NL], end[ENT_NL];
    uint8_t out[MAXN], out2[MAXN], back[MAXN * ENT_BACK];
    ent_dec d;
    size_t n = MAXN, i;
    random_model(trans, start, end);
    entities_dec_init(&d, trans, start, end);
    for (i = 0; i < n * ENT_NL; i++)
        em[i] = grid();
    entities_viterbi(em, n, trans, start, end, back, fwd, out);
    entities_decode(&d, em, n, back, fwd2, out2);
    ck_assert(memcmp(out, out2, n) == 0);
    ck_assert(memcmp(fwd, fwd2, sizeof fwd) == 0);
    entities_max_marginals(em, n, trans, start, end, fwd, bwd);
    entities_marginals(&d, em, n, 0, bwd2);
    ck_assert(memcmp(bwd, bwd2, sizeof bwd) == 0);
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("entities decoding");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_viterbi_sse);
    tcase_add_test(tc, test_emissions_sum_wide);
    tcase_add_test(tc, test_viterbi_wide);
    tcase_add_test(tc, test_marginals);
    tcase_add_test(tc, test_step_back);
    tcase_add_test(tc, test_tail_word);
    tcase_add_test(tc, test_same_bytes);
    tcase_add_test(tc, test_capclass);
    tcase_add_test(tc, test_vent_find);
    tcase_add_test(tc, test_vent_rows);
    tcase_add_test(tc, test_vent_race);
    tcase_add_test(tc, test_word_rows);
    tcase_add_test(tc, test_word_cache);
    tcase_add_test(tc, test_wrappers_agree);
    tcase_add_test(tc, test_pos_codes);
    tcase_add_test(tc, test_lex_find);
    tcase_add_test(tc, test_doc_stamps);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
