/* Tests of the attribution tagger's fast path: the summed tables, the word
 * cache and the one pass over a sentence must give the model's scores to
 * the bit.
 * Built on the stage's own source (its functions are static). */
#include "../unsourced.c"

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../tests/unit/random_text.h"

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

/* The word hashes the tokeniser keeps are us_fnv64 of us_fold of the
 * word (and of its last three folded bytes), and a word too long to fold
 * is marked: random texts of capitals, digits, curly and straight
 * apostrophes, hyphens, dots and other letters, words around the limit. */
START_TEST(tokenizer_word_hashes)
{
    static const char *const pieces[] = {"a", "B", "z", "Q", "7", "\xe2\x80\x99", "\xc3\xa9", "'", "-",
                                         ".", "&", "\xe4\xb8\xad", " ", " ", "\n", ",", "\xe2\x80\x9c"};
    static char text[1 << 16];
    size_t np = sizeof pieces / sizeof *pieces, k, words = 0, long_ones = 0;
    int round;
    rng_state = 99;
    for (round = 0; round < 40; round++) {
        size_t len = 0;
        us_toks tk = {NULL, NULL, 0, 0, 1};
        while (len < sizeof text - 8) {
            const char *p = pieces[rng_below((unsigned)np)];
            if (rng_below(200) == 0) /* now and then a long run of letters */
                while (len < sizeof text - 8 && rng_below(60) != 0)
                    text[len++] = (char)('a' + rng_below(26));
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        ck_assert_int_eq(unsourced_tokenize(&tk, &in->lex, text, len), 0);
        for (k = 0; k < tk.n; k++) {
            const us_tok *t = &tk.v[k];
            char buf[US_MAX_WORD];
            size_t m;
            if (t->kind != US_T_WORD)
                continue;
            words++;
            m = us_fold(buf, text + t->s, t->e - t->s);
            ck_assert_int_eq((t->pad & US_TK_LONG) != 0, m == 0);
            if (m == 0) {
                long_ones++;
                continue;
            }
            ck_assert_msg(tk.wh[2 * k] == us_fnv64(buf, m), "token %zu: other hash", k);
            ck_assert_msg(tk.wh[2 * k + 1] == (m > 3 ? us_fnv64(buf + m - 3, 3) : us_fnv64(buf, m)),
                          "token %zu: other suffix hash", k);
        }
        free(tk.v);
        free(tk.wh);
    }
    ck_assert_uint_gt(words, 10000);
    ck_assert_uint_gt(long_ones, 10);
}
END_TEST

/* The distance buckets of the table are those the model was trained with. */
START_TEST(dist_buckets)
{
    uint32_t d;
    for (d = 0; d < 200; d++) {
        unsigned want = d == 0 ? 0 : d <= 3 ? d : d <= 5 ? 4 : d <= 9 ? 5 : d <= 20 ? 6 : 7;
        ck_assert_uint_eq(us_dist_bucket(d), want);
    }
    ck_assert_uint_eq(us_dist_bucket(UINT32_MAX), 7);
}
END_TEST

/* Where the processor has the instructions, the fast path uses them. */
START_TEST(hw_path_chosen)
{
    ck_assert_int_eq(in->model.hw, us_cpu_hw());
#if US_HAVE_HW
    if (__builtin_cpu_supports("avx2"))
        ck_assert_int_eq(in->model.hw, 1);
#endif
}
END_TEST

/* The model's rows are the file's, in order, with a row of zeros after
 * them (US_ROW_NONE, a feature that is not there), aligned for the vector
 * loads; the rows' unused lane is zero. */
START_TEST(rows_as_file)
{
    const us_model *m = &in->model;
    us_model_header h;
    const unsigned char *p = unsourced_model_blob;
    uint32_t row, l, used = 0;
    memcpy(&h, p, sizeof h);
    ck_assert_uint_eq(h.version, US_MODEL_VERSION);
    ck_assert_uint_eq(h.rows, 1u << US_ROW_BITS);
    ck_assert_uint_eq(m->win_l, h.win_left);
    ck_assert_uint_eq(m->win_r, h.win_right);
    ck_assert_uint_eq((uintptr_t)m->dense % 64, 0);
    p += sizeof h + us_pad8((US_NL * US_NL + 2 * US_NL) * sizeof(float));
    for (row = 0; row < (1u << US_ROW_BITS); row++) {
        us_weight w[US_LANES];
        int any = 0;
        memcpy(w, p + (size_t)row * US_LANES * sizeof w[0], sizeof w);
        ck_assert_msg(memcmp(w, us_model_row(m, row), sizeof w) == 0, "row %u: other weights", row);
        ck_assert_int_eq(w[US_NL], 0);
        for (l = 0; l < US_NL; l++)
            any |= w[l] != 0;
        used += (uint32_t)any;
    }
    ck_assert_uint_eq(used, m->nfeat);
    for (l = 0; l < US_LANES; l++)
        ck_assert_int_eq(us_model_row(m, US_ROW_NONE)[l], 0);
}
END_TEST

/* A copy of the built-in model, changed by fix, opened: 0, or -1 with
 * the message in msg.  The checksum is made again when resum is set. */
static int open_changed(void (*fix)(unsigned char *img, size_t n), int resum, char *msg, size_t msglen)
{
    size_t n = (size_t)(unsourced_model_blob_end - unsourced_model_blob);
    unsigned char *img = NULL;
    us_model m;
    us_model_header h;
    int r;
    ck_assert_int_eq(posix_memalign((void **)&img, 64, n), 0);
    memcpy(img, unsourced_model_blob, n);
    fix(img, n);
    if (resum) {
        memcpy(&h, img, sizeof h);
        h.checksum = us_fnv64(img + sizeof h, n - sizeof h);
        memcpy(img, &h, sizeof h);
    }
    r = us_model_open(&m, img, n, msg, msglen);
    if (r == 0)
        us_model_close(&m);
    free(img);
    return r;
}

static void set_version_2(unsigned char *img, size_t n)
{
    uint32_t v = 2;
    (void)n;
    memcpy(img + offsetof(us_model_header, version), &v, sizeof v);
}

static void weight_out_of_range(unsigned char *img, size_t n)
{
    us_weight w = (us_weight)(-US_WMAX - 1);
    /* the first weight of the last row */
    memcpy(img + n - US_LANES * sizeof w, &w, sizeof w);
}

static void unused_lane_set(unsigned char *img, size_t n)
{
    us_weight w = 1;
    memcpy(img + n - sizeof w, &w, sizeof w);
}

static void window_too_wide(unsigned char *img, size_t n)
{
    uint32_t v = US_WIN_MAX + 1;
    (void)n;
    memcpy(img + offsetof(us_model_header, win_left), &v, sizeof v);
}

static void nothing(unsigned char *img, size_t n)
{
    (void)img;
    (void)n;
}

/* An older model file is refused by its version, and a weight the sums'
 * 16 bits could not hold, a weight in the unused lane or a window wider
 * than the stage allows are refused even with a good checksum. */
START_TEST(model_image_refused)
{
    char msg[300];
    ck_assert_int_eq(open_changed(nothing, 1, msg, sizeof msg), 0);
    ck_assert_int_eq(open_changed(set_version_2, 0, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, "model version 2") != NULL, "%s", msg);
    ck_assert_int_eq(open_changed(weight_out_of_range, 1, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, "out of range") != NULL, "%s", msg);
    ck_assert_int_eq(open_changed(unused_lane_set, 1, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, "unused lane") != NULL, "%s", msg);
    ck_assert_int_eq(open_changed(window_too_wide, 1, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, "bad window") != NULL, "%s", msg);
}
END_TEST

/* Run text through the stage, then score every sentence both ways. */
static size_t compare_text(const char *text)
{
    tp_error err;
    json_t *rec = json_pack("{s:s}", "text", text);
    size_t s, n_sents, compared = 0;
    float *slow;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(us_process(in, wk, rec, &err), TP_OK);
    n_sents = wk->n_sents;
    for (s = 0; s < n_sents; s++) {
        const us_sent *st = &wk->sents[s];
        uint32_t n = st->wb - st->wa, k; /* the window the tagger labels */
        if (st->te == st->ts || !st->tag)
            continue;
        ck_assert_uint_ge(st->wa, st->ts);
        ck_assert_uint_le(st->wb, st->te);
        ck_assert_uint_gt(n, 0);
        /* the labels as the tagger saw them (the merge marks kept cues) */
        for (k = st->ts; k < st->te; k++)
            wk->ti[k].rule &= 7;
        ck_assert_int_eq(us_tag_fit(wk, n), 0);
        us_tag_feats(wk->ti, wk->toks.v, st->wa, st->wb, wk->F, wk->near);
        slow = malloc((size_t)n * US_NL * sizeof *slow);
        us_model_emissions(&in->model, wk->F, n, slow);
        ck_assert_int_eq(us_model_emissions_fast(&in->model, wk->wc, wk->ti, wk->toks.v, st->wa, st->wb,
                                                 wk->F, wk->acc, wk->em),
                         0);
        ck_assert_msg(memcmp(slow, wk->em, (size_t)n * US_NL * sizeof *slow) == 0,
                      "sentence %zu: the fast path scores differ", s);
        /* the portable build of the fast path too (the one above may be the
         * processor-specific one) */
        memset(wk->em, 0, (size_t)n * US_NL * sizeof *wk->em);
        ck_assert_int_eq(us_model_emissions_sw(&in->model, wk->wc, wk->ti, wk->toks.v, st->wa, st->wb,
                                               wk->F, wk->acc, wk->em),
                         0);
        ck_assert_msg(memcmp(slow, wk->em, (size_t)n * US_NL * sizeof *slow) == 0,
                      "sentence %zu: the portable fast path scores differ", s);
        free(slow);
        compared++;
    }
    json_decref(rec);
    return compared;
}

/* Words of every kind the features look at: cue words, weak cues,
 * pronouns, names, numbers, quotation marks, colons, odd characters. */
static const char *const words[] = {
    "said", "says", "told", "according", "to", "the", "a", "report", "he", "she", "they",
    "Minister", "Zhao", "Lijian", "CNCERT/CC", "42", "million", "experts", "critics", "that",
    "“", "”", "\"", "'", ":", ",", ".", "?", "in", "statement", "believe", "think", "showed",
    "found", "warned", "denied", "added", "NATO", "percent", "more", "than", "largest", "accused",
    "police", "spokesperson", "(", ")", "—", "of", "and", "was", "is", "has", "also"};

/* Which sentences the tagger looks at: one with a cue word of any list
 * (the tagger's own included), a quotation mark or a colon; not one with
 * none; and it labels those it skips "none". */
START_TEST(tagger_gate)
{
    static const struct {
        const char *text;
        int tag;
    } cases[] = {
        {"The river flooded 300 homes on Monday.", 0},
        {"Farmers planted wheat in the northern valley.", 0},
        {"The mayor said the river flooded 300 homes.", 1},
        {"Sanders railed against the banks.", 1},    /* tagger list */
        {"Critics slammed the plan in May.", 1},      /* tagger list */
        {"He wants a new bridge by June.", 1},        /* cognition */
        {"Rain: the worst in a decade.", 1},          /* a colon */
        {"It was \"a disaster\" for the town.", 1}, /* quotation marks */
    };
    size_t k;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tp_error err;
        json_t *rec = json_pack("{s:s}", "text", cases[k].text);
        uint32_t i;
        memset(&err, 0, sizeof err);
        ck_assert_int_eq(us_process(in, wk, rec, &err), TP_OK);
        ck_assert_uint_eq(wk->n_sents, 1);
        ck_assert_msg(wk->sents[0].tag == cases[k].tag, "\"%s\": tagged %d, want %d", cases[k].text,
                      wk->sents[0].tag, cases[k].tag);
        if (!cases[k].tag)
            for (i = wk->sents[0].ts; i < wk->sents[0].te; i++)
                ck_assert_int_eq(wk->tlab[i], US_L_O);
        json_decref(rec);
    }
}
END_TEST

/* The stage's own span of tokens is tp_span_new's, with non-ASCII text and
 * an offset map (orig_start, orig_end). */
START_TEST(token_span_as_tp_span_new)
{
    tp_error err;
    json_t *rec = json_pack("{s:s, s:s, s:[iiiiiiii]}",
                            "text", "“Prices rose 5 %,” said Zoë Ångström — the café’s owner… «Ça va».",
                            "original", "\"Prices rose 5%,\" said Zoe Angstrom -- the cafe's owner... <<Ca va>>.",
                            "offset_map", 0, 0, 14, 13, 60, 59, 66, 70);
    us_doc d;
    uint32_t a, b;
    size_t compared = 0;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(us_process(in, wk, rec, &err), TP_OK);
    memset(&d, 0, sizeof d);
    d.w = wk;
    d.tk = wk->toks.v;
    d.nt = wk->toks.n;
    d.text = tp_text_bytes(wk->t);
    d.len = tp_text_len(wk->t);
    d.ascii = us_is_ascii(d.text, d.len);
    ck_assert_uint_gt(d.nt, 10);
    for (a = 0; a < d.nt; a++)
        for (b = a + 1; b <= d.nt; b++) {
            json_t *x = us_tok_span(&d, a, b), *y = tp_span_new(wk->t, d.tk[a].s, d.tk[b - 1].e);
            ck_assert_msg(json_equal(x, y), "tokens %u..%u: other span", a, b);
            ck_assert_ptr_nonnull(json_object_get(x, "orig_start"));
            json_decref(x);
            json_decref(y);
            compared++;
        }
    ck_assert_uint_gt(compared, 100);
    json_decref(rec);
}
END_TEST

/* The cursor's code points and bytes are tp_text's: random texts of ASCII (some only ASCII),
 * characters of 2, 3 and 4 bytes and stray continuation and lead bytes,
 * offsets asked for in random order (long walks both ways), near order
 * (short ones) and past the end. */
START_TEST(cursor_as_tp_text)
{
    static const char *const pieces[] = {"a", " ", "\xc3\xa9", "\xe2\x80\x99", "\xf0\x9f\x98\x80", "\x80", "\xbf", "\xe2", "\xc3"};
    static char text[4096];
    size_t np = sizeof pieces / sizeof *pieces, asked = 0;
    int round;
    rng_state = 7;
    for (round = 0; round < 300; round++) {
        size_t len = 0, cplen, q;
        tp_text *t = tp_text_new();
        json_t *rec;
        us_doc d;
        us_cursor cb = {0, 0};
        size_t target = rng_below(round % 3 == 0 ? 40 : 2000);
        while (len < target) {
            const char *p = pieces[rng_below(round % 4 == 3 ? 2 : round % 2 ? 5 : (unsigned)np)];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        rec = json_object();
        /* tp_text_load takes any bytes of a JSON string value */
        json_object_set_new(rec, "text", json_stringn_nocheck(text, len));
        ck_assert_int_eq(tp_text_load(t, rec), 0);
        memset(&d, 0, sizeof d);
        d.text = tp_text_bytes(t);
        d.len = tp_text_len(t);
        d.ascii = us_is_ascii(d.text, d.len);
        ck_assert_int_eq(d.ascii, round % 4 == 3 || strspn(d.text, "a ") == d.len);
        cplen = tp_text_cp_len(t);
        for (q = 0; q < 200; q++) {
            size_t b, cp, want;
            if (q % 2 == 0) { /* near the last place */
                b = d.cur.b + rng_below(20);
                b = b >= 10 ? b - 10 : 0;
                cp = cb.cp + rng_below(20);
                cp = cp >= 10 ? cp - 10 : 0;
            } else {
                b = rng_below((unsigned)len + 3);
                cp = rng_below((unsigned)cplen + 3);
            }
            ck_assert_uint_eq(us_cursor_cp(&d, &d.cur, b), tp_text_cp(t, b));
            want = cp > cplen ? SIZE_MAX : tp_text_byte(t, cp);
            ck_assert_uint_eq(us_cp_byte(&d, &cb, cp), want);
            asked++;
        }
        json_decref(rec);
        tp_text_free(t);
    }
    ck_assert_uint_gt(asked, 1000);
}
END_TEST

/* The lane-wise Viterbi picks the plain one's labels: random scores, some
 * ties (coarse values), the model's transitions and random ones. */
START_TEST(viterbi_same_labels)
{
    uint32_t round, n, i;
    float *em = malloc((200 * US_NL + 8) * sizeof *em), trans[US_NL * US_NL + 2 * US_NL];
    uint8_t *back = malloc(200 * US_BACK), *back2 = malloc(200 * US_NL), out[200], out2[200];
    rng_state = 777;
    for (round = 0; round < 4000; round++) {
        const float *t = in->model.trans;
        n = 1 + rng_below(199);
        for (i = 0; i < n * US_NL + 8; i++)
            em[i] = round % 3 == 0 ? (float)rng_below(4) : ((float)rng_below(20001) - 10000.0f) / 1000.0f;
        if (round % 2) {
            for (i = 0; i < US_NL * US_NL + 2 * US_NL; i++)
                trans[i] = round % 3 == 0 ? (float)rng_below(3) : ((float)rng_below(2001) - 1000.0f) / 100.0f;
            t = trans;
        }
        us_viterbi_plain(em, n, t, t + US_NL * US_NL, t + US_NL * US_NL + US_NL, back2, out2);
        us_viterbi(em, n, t, t + US_NL * US_NL, t + US_NL * US_NL + US_NL, back, out);
        ck_assert_msg(memcmp(out, out2, n) == 0, "round %u (%u tokens): other labels", round, n);
        memset(out, 0xff, n);
        us_viterbi_sw(em, n, t, t + US_NL * US_NL, t + US_NL * US_NL + US_NL, back, out);
        ck_assert_msg(memcmp(out, out2, n) == 0, "round %u (%u tokens): other labels (portable)", round, n);
        if (t == in->model.trans) {
            /* the model's transitions as it keeps them, as the stage calls it */
            memset(out, 0xff, n);
            us_viterbi_r(em, n, in->model.vrows, t + US_NL * US_NL, t + US_NL * US_NL + US_NL, back, out);
            ck_assert_msg(memcmp(out, out2, n) == 0, "round %u (%u tokens): other labels (model rows)", round, n);
        }
    }
    free(em);
    free(back);
    free(back2);
}
END_TEST

START_TEST(fast_path_same_scores)
{
    size_t nw = sizeof words / sizeof *words, k, compared = 0;
    int round;
    char *buf = malloc(1 << 20);
    size_t len = 0;
    rng_state = 12345;
    for (k = 0; k < 60000; k++) {
        unsigned r = rng_below(100);
        char tmp[8];
        if (r < 2) {
            len += (size_t)snprintf(buf + len, 16, "\n\n");
        } else if (r < 4) {
            size_t m = utf8_encode(random_codepoint(0), tmp);
            memcpy(buf + len, tmp, m);
            len += m;
            buf[len++] = ' ';
        } else if (r < 10) {
            /* a word the lists and the cache have never seen */
            len += (size_t)snprintf(buf + len, 32, "Word%u ", (unsigned)rng_below(50000));
        } else {
            len += (size_t)snprintf(buf + len, 64, "%s ", words[rng_below((unsigned)nw)]);
        }
    }
    buf[len] = '\0';
    /* twice: the second time the word cache is full of earlier words */
    for (round = 0; round < 2; round++)
        compared += compare_text(buf);
    ck_assert_uint_gt(compared, 1000);
    free(buf);
}
END_TEST

/* The whole of tests/cases.txt, NUL-terminated (free it). */
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

START_TEST(fast_path_cases_file)
{
    char *buf = read_cases();
    ck_assert_uint_gt(compare_text(buf), 50);
    free(buf);
}
END_TEST

/* The rule scans visit only the tokens us_rule_starts lists: at no other
 * token does a rule do anything (checked token by token), and the output
 * is the plain scan's, which visits every token, byte for byte.  With
 * numbers from the record and without (then number tokens are reasons).
 * Returns the attributions and claims written. */
static size_t compare_rules(const char *text, int with_numbers)
{
    json_t *out[2];
    char *dump[2];
    size_t made = 0;
    int plain;
    for (plain = 1; plain >= 0; plain--) {
        tp_error err;
        json_t *rec = json_pack("{s:s}", "text", text);
        if (with_numbers)
            json_object_set_new(rec, "numbers", json_array());
        memset(&err, 0, sizeof err);
        in->plain_rules = plain;
        ck_assert_int_eq(us_process(in, wk, rec, &err), TP_OK);
        in->plain_rules = 0;
        out[plain] = rec;
        dump[plain] = json_dumps(rec, JSON_SORT_KEYS | JSON_COMPACT);
        if (!plain && wk->toks.n > 0) {
            us_doc d;
            size_t a = 0, r = 0, q = 0, k;
            memset(&d, 0, sizeof d);
            d.lx = &in->lex;
            d.w = wk;
            d.text = tp_text_bytes(wk->t);
            d.len = tp_text_len(wk->t);
            d.tk = wk->toks.v;
            d.nt = wk->toks.n;
            for (k = 0; k < d.nt; k++) {
                const us_sent *st = &wk->sents[wk->tok_sent[k]];
                int in_a = a < wk->n_a_start && wk->a_start[a] == k;
                int in_r = r < wk->n_r_start && wk->r_start[r] == k;
                int in_q = q < wk->n_q_start && wk->q_start[q] == k;
                a += (size_t)in_a;
                r += (size_t)in_r;
                q += (size_t)in_q;
                if (!in_q)
                    ck_assert_msg(d.tk[k].kind != US_T_QUOTE && !(d.tk[k].flags & (US_F_LINE | US_F_PARA)),
                                  "token %zu may pair a quotation mark but is not listed", k);
                if (!in_a)
                    ck_assert_msg(!us_punct_is(&d, (uint32_t)k, ':') &&
                                      us_phrase_at(&d, (uint32_t)k, (uint32_t)d.nt, US_CUE) == 0 &&
                                      !(d.tk[k].id >= 0 && us_word_is(&d, (uint32_t)k, "in")),
                                  "token %zu can start an attribution but is not listed", k);
                if (!in_r)
                    ck_assert_msg(us_reason_at(&d, st, (uint32_t)k, 0) == 0 && us_reason_at(&d, st, (uint32_t)k, 1) == 0,
                                  "token %zu gives a reason but is not listed", k);
            }
            ck_assert_uint_eq(a, wk->n_a_start);
            ck_assert_uint_eq(r, wk->n_r_start);
            ck_assert_uint_eq(q, wk->n_q_start);
        }
    }
    ck_assert_ptr_nonnull(dump[0]);
    ck_assert_ptr_nonnull(dump[1]);
    ck_assert_msg(strcmp(dump[0], dump[1]) == 0, "the rule scans over their starts wrote other output");
    made = json_array_size(json_object_get(out[0], "attributions")) + json_array_size(json_object_get(out[0], "claims"));
    free(dump[0]);
    free(dump[1]);
    json_decref(out[0]);
    json_decref(out[1]);
    return made;
}

/* Words the rules start at or look around: cues of every list, "In" at a
 * sentence's start, colons, quotation marks, words ending in "est" that are
 * superlatives and some that are not, numbers, reason words. */
static const char *const rule_words[] = {
    "said", "says", "told", "According", "according", "to", "In", "in", "a", "statement", ":", ":",
    "biggest", "latest", "Highest", "highest", "interest", "forest", "more", "than", "because",
    "accused", "killed", "the", "report", "report's", "42", "three", "million", "?", ".", ".", ".",
    "“", "”", "\"", "'", "Critics", "experts", "he", "He", "reporters", "Police", "BEST", "its",
    "sources", "claimed", "denied", "of", "that", ",", ",", "Anna", "Berg", "minister", "showed",
    "found", "attacks", "were", "suggests", "an", "the", "I", "think", "By"};

START_TEST(rule_starts_as_every_token)
{
    size_t nw = sizeof rule_words / sizeof *rule_words, k, made = 0;
    int round;
    char *buf = malloc(1 << 16);
    rng_state = 4242;
    for (round = 0; round < 60; round++) {
        size_t len = 0, n = 20 + rng_below(2000);
        for (k = 0; k < n; k++) {
            unsigned r = rng_below(100);
            if (r < 3)
                len += (size_t)snprintf(buf + len, 8, "\n\n");
            else if (r < 5)
                len += (size_t)snprintf(buf + len, 8, "\n");
            else if (r < 8)
                len += (size_t)snprintf(buf + len, 32, "Word%u ", (unsigned)rng_below(100));
            else
                len += (size_t)snprintf(buf + len, 32, "%s ", rule_words[rng_below((unsigned)nw)]);
        }
        buf[len] = '\0';
        made += compare_rules(buf, round % 2);
    }
    ck_assert_uint_gt(made, 500);
    /* one token; none */
    compare_rules("said", 0);
    compare_rules(":", 1);
    compare_rules("", 0);
    free(buf);
}
END_TEST

/* us_seek_start finds the first start at or after a token from any
 * position, forwards and back (a rule that ends before the token it
 * started at, or a sentence after one whose rule ran past its end). */
START_TEST(seek_start_both_ways)
{
    static const uint32_t v[] = {2, 5, 9, 9, 14};
    size_t n = sizeof v / sizeof *v, c, want;
    uint32_t x;
    for (x = 0; x < 17; x++) {
        for (want = 0; want < n && v[want] < x; want++)
            ;
        for (c = 0; c <= n; c++)
            ck_assert_uint_eq(us_seek_start(v, n, c, x), want);
    }
    ck_assert_uint_eq(us_seek_start(v, 0, 0, 3), 0);
}
END_TEST

START_TEST(rule_starts_cases_file)
{
    char *buf = read_cases();
    ck_assert_uint_gt(compare_rules(buf, 0), 50);
    ck_assert_uint_gt(compare_rules(buf, 1), 50);
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unsourced_tag");
    TCase *tc = tcase_create("fast");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, hw_path_chosen);
    tcase_add_test(tc, dist_buckets);
    tcase_add_test(tc, tokenizer_word_hashes);
    tcase_add_test(tc, rows_as_file);
    tcase_add_test(tc, model_image_refused);
    tcase_add_test(tc, fast_path_same_scores);
    tcase_add_test(tc, viterbi_same_labels);
    tcase_add_test(tc, token_span_as_tp_span_new);
    tcase_add_test(tc, cursor_as_tp_text);
    tcase_add_test(tc, tagger_gate);
    tcase_add_test(tc, fast_path_cases_file);
    tcase_add_test(tc, rule_starts_as_every_token);
    tcase_add_test(tc, rule_starts_cases_file);
    tcase_add_test(tc, seek_start_both_ways);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
