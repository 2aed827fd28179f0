/* Unit tests of the tokeniser and the sentence splitter.  Most cases are
 * data: tests/unit/tokenize_cases.txt and tests/unit/sentence_cases.txt. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textpipe/token.h"

/* A growing string. */
typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        ck_assert_ptr_nonnull(b->s);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* Turn \n, \t and \\ into the characters they stand for, in place. */
static size_t unescape(char *s)
{
    char *r = s, *w = s;
    while (*r) {
        if (r[0] == '\\' && (r[1] == 'n' || r[1] == 't' || r[1] == '\\')) {
            *w++ = r[1] == 'n' ? '\n' : r[1] == 't' ? '\t' : '\\';
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static FILE *open_data(const char *name)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/tests/unit/%s", top ? top : ".", name);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    return f;
}

/* Run every case of a file through fn, which writes what the text gives in
 * the file's notation; report every case that differs. */
static void run_cases(const char *name, void (*fn)(buf *got, const char *text, size_t len))
{
    FILE *f = open_data(name);
    char line[8192];
    int lineno = 0, cases = 0, failed = 0;
    buf report = { 0 };
    while (fgets(line, sizeof line, f) != NULL) {
        char *sep, *expected;
        size_t n = strlen(line), len;
        buf got = { 0 };
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        sep = strstr(line, " => ");
        ck_assert_msg(sep != NULL, "%s:%d: no \" => \" in the case", name, lineno);
        *sep = '\0';
        expected = sep + 4;
        unescape(expected);
        len = unescape(line);
        buf_add(&got, "", 0);
        fn(&got, line, len);
        cases++;
        if (strcmp(got.s, expected) != 0) {
            char msg[8192 + 64];
            int m = snprintf(msg, sizeof msg, "%s:%d:\n  expected: %s\n  got:      %s\n",
                             name, lineno, expected, got.s);
            buf_add(&report, msg, (size_t)m);
            failed++;
        }
        free(got.s);
    }
    fclose(f);
    ck_assert_msg(cases > 0, "%s holds no cases", name);
    ck_assert_msg(failed == 0, "%d of %d cases failed:\n%s", failed, cases, report.s);
    free(report.s);
}

static void tokens_of(buf *got, const char *text, size_t len)
{
    tp_tokens t = { 0 };
    size_t i;
    ck_assert_int_eq(tp_tokenize(&t, text, len), 0);
    for (i = 0; i < t.n; i++) {
        if (i)
            buf_add(got, "|", 1);
        buf_add(got, text + t.v[i].start, t.v[i].end - t.v[i].start);
    }
    tp_tokens_free(&t);
}

static void sentences_of(buf *got, const char *text, size_t len)
{
    tp_tokens t = { 0 };
    tp_sentences s = { 0 };
    size_t i;
    ck_assert_int_eq(tp_tokenize(&t, text, len), 0);
    ck_assert_int_eq(tp_split_sentences(&s, &t, text, len), 0);
    for (i = 0; i < s.n; i++) {
        if (i)
            buf_add(got, " || ", 4);
        buf_add(got, text + s.v[i].start, s.v[i].end - s.v[i].start);
    }
    tp_sentences_free(&s);
    tp_tokens_free(&t);
}

START_TEST(token_cases)
{
    run_cases("tokenize_cases.txt", tokens_of);
}
END_TEST

START_TEST(sentence_cases)
{
    run_cases("sentence_cases.txt", sentences_of);
}
END_TEST

/* The token of text whose bytes are word (the first one). */
static const tp_token *find(const tp_tokens *t, const char *text, const char *word)
{
    size_t i, n = strlen(word);
    for (i = 0; i < t->n; i++)
        if (t->v[i].end - t->v[i].start == n && memcmp(text + t->v[i].start, word, n) == 0)
            return &t->v[i];
    ck_abort_msg("no token \"%s\"", word);
    return NULL;
}

#define HAS(tok, f) ck_assert_msg(((tok)->flags & (f)) == (f), "flag %s missing", #f)
#define HASNT(tok, f) ck_assert_msg(((tok)->flags & (f)) == 0, "flag %s set", #f)

START_TEST(flags)
{
    const char *text = "NASA's \"new\" plan,\nsaid Dr. Lee (U.S.) at http://x.org \xe2\x80\x94 "
                       "\xc3\x89mile and \xc3\xa9t\xc3\xa9 #tag 42\n\nEnd";
    tp_tokens t = { 0 };
    const tp_token *k;
    ck_assert_int_eq(tp_tokenize(&t, text, strlen(text)), 0);

    k = find(&t, text, "NASA");
    HAS(k, TP_TOK_WORD | TP_TOK_UPPER_INIT | TP_TOK_ALL_UPPER);
    HASNT(k, TP_TOK_SPACE_AFTER | TP_TOK_LOWER_INIT);
    k = find(&t, text, "'s");
    HAS(k, TP_TOK_WORD | TP_TOK_CLITIC | TP_TOK_SPACE_AFTER);
    HASNT(k, TP_TOK_QUOTE | TP_TOK_UPPER_INIT | TP_TOK_LOWER_INIT);
    ck_assert_uint_eq(t.v[2].flags & (TP_TOK_QUOTE | TP_TOK_OPEN | TP_TOK_CLOSE),
                      TP_TOK_QUOTE | TP_TOK_OPEN);
    ck_assert_uint_eq(t.v[4].flags & (TP_TOK_QUOTE | TP_TOK_OPEN | TP_TOK_CLOSE),
                      TP_TOK_QUOTE | TP_TOK_CLOSE);
    k = find(&t, text, "new");
    HAS(k, TP_TOK_WORD | TP_TOK_LOWER_INIT);
    HASNT(k, TP_TOK_UPPER_INIT | TP_TOK_ALL_UPPER | TP_TOK_SPACE_AFTER);
    k = find(&t, text, ",");
    HAS(k, TP_TOK_PUNCT | TP_TOK_SPACE_AFTER | TP_TOK_LINE_AFTER);
    HASNT(k, TP_TOK_PARA_AFTER);
    k = find(&t, text, "Dr.");
    HAS(k, TP_TOK_WORD | TP_TOK_ABBREV | TP_TOK_UPPER_INIT);
    HASNT(k, TP_TOK_ALL_UPPER);
    k = find(&t, text, "(");
    HAS(k, TP_TOK_PUNCT | TP_TOK_OPEN);
    k = find(&t, text, "U.S.");
    HAS(k, TP_TOK_ABBREV | TP_TOK_ALL_UPPER);
    k = find(&t, text, ")");
    HAS(k, TP_TOK_PUNCT | TP_TOK_CLOSE);
    k = find(&t, text, "http://x.org");
    HAS(k, TP_TOK_URL);
    HASNT(k, TP_TOK_WORD);
    k = find(&t, text, "\xc3\x89mile");
    HAS(k, TP_TOK_WORD | TP_TOK_UPPER_INIT);
    k = find(&t, text, "\xc3\xa9t\xc3\xa9");
    HAS(k, TP_TOK_WORD | TP_TOK_LOWER_INIT);
    HASNT(k, TP_TOK_UPPER_INIT);
    k = find(&t, text, "#tag");
    HAS(k, TP_TOK_WORD | TP_TOK_TAG);
    k = find(&t, text, "42");
    HAS(k, TP_TOK_NUMBER | TP_TOK_LINE_AFTER | TP_TOK_PARA_AFTER | TP_TOK_SPACE_AFTER);
    HASNT(k, TP_TOK_WORD);
    k = find(&t, text, "End");
    ck_assert_uint_eq(k->flags & (TP_TOK_SPACE_AFTER | TP_TOK_LINE_AFTER), 0);
    tp_tokens_free(&t);
}
END_TEST

START_TEST(empty_and_blank)
{
    tp_tokens t = { 0 };
    tp_sentences s = { 0 };
    ck_assert_int_eq(tp_tokenize(&t, "", 0), 0);
    ck_assert_uint_eq(t.n, 0);
    ck_assert_int_eq(tp_split_sentences(&s, &t, "", 0), 0);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_int_eq(tp_tokenize(&t, " \n\n\t \r\n", 7), 0);
    ck_assert_uint_eq(t.n, 0);
    ck_assert_int_eq(tp_split_sentences(&s, &t, " \n\n\t \r\n", 7), 0);
    ck_assert_uint_eq(s.n, 0);
    tp_sentences_free(&s);
    tp_tokens_free(&t);
}
END_TEST

/* Tokens are in order, do not overlap, hold no white space, and cover
 * every other byte; sentences partition the tokens. */
static void check_invariants(const char *text, size_t len)
{
    tp_tokens t = { 0 };
    tp_sentences s = { 0 };
    size_t i, at = 0, tok = 0;
    ck_assert_int_eq(tp_tokenize(&t, text, len), 0);
    for (i = 0; i < t.n; i++) {
        size_t b;
        ck_assert_uint_lt(t.v[i].start, t.v[i].end);
        ck_assert_uint_le(t.v[i].end, len);
        for (b = at; b < t.v[i].start; b++)
            ck_assert_msg(strchr(" \t\n\r\f\v", text[b]) != NULL || (unsigned char)text[b] >= 0x80 ||
                          (unsigned char)text[b] < 0x20 || text[b] == 0x7f,
                          "byte %zu (%02x) skipped", b, (unsigned char)text[b]);
        at = t.v[i].end;
    }
    ck_assert_int_eq(tp_split_sentences(&s, &t, text, len), 0);
    for (i = 0; i < s.n; i++) {
        ck_assert_uint_eq(s.v[i].tok_start, tok);
        ck_assert_uint_lt(s.v[i].tok_start, s.v[i].tok_end);
        ck_assert_uint_eq(s.v[i].start, t.v[s.v[i].tok_start].start);
        ck_assert_uint_eq(s.v[i].end, t.v[s.v[i].tok_end - 1].end);
        tok = s.v[i].tok_end;
    }
    ck_assert_uint_eq(tok, t.n);
    tp_sentences_free(&s);
    tp_tokens_free(&t);
}

START_TEST(random_bytes)
{
    /* Every byte value, malformed UTF-8 included, in many short texts. */
    static const char alphabet[] = "aZ9.,'\"-/:@#$%&_ \n\xe2\x80\x99\xc3\xa9";
    char text[200];
    unsigned x = 12345u;
    int round, i;
    for (round = 0; round < 3000; round++) {
        int n = round % 200;
        for (i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            if (round % 3 == 0)
                text[i] = (char)(x >> 16);
            else
                text[i] = alphabet[(x >> 16) % (sizeof alphabet - 1)];
        }
        check_invariants(text, (size_t)n);
    }
}
END_TEST

START_TEST(truncated_utf8)
{
    /* A multi-byte character cut by the end of the text. */
    tp_tokens t = { 0 };
    ck_assert_int_eq(tp_tokenize(&t, "ab \xe2\x80", 5), 0);
    ck_assert_uint_eq(t.n, 3);
    ck_assert_uint_eq(t.v[2].end, 5);
    tp_tokens_free(&t);
    check_invariants("x\xc3", 2);
    check_invariants("\xf0\x9f\x98", 3);
}
END_TEST

START_TEST(buffers_are_reused)
{
    tp_tokens t = { 0 };
    tp_sentences s = { 0 };
    const char *a = "One. Two. Three.", *b = "Four";
    ck_assert_int_eq(tp_tokenize(&t, a, strlen(a)), 0);
    ck_assert_int_eq(tp_split_sentences(&s, &t, a, strlen(a)), 0);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_int_eq(tp_tokenize(&t, b, strlen(b)), 0);
    ck_assert_int_eq(tp_split_sentences(&s, &t, b, strlen(b)), 0);
    ck_assert_uint_eq(t.n, 1);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.v[0].end, 4);
    tp_sentences_free(&s);
    tp_tokens_free(&t);
    tp_tokens_free(&t); /* freeing twice is harmless */
}
END_TEST

/* ---- the per-thread memo of the last text ----
 *
 * A thread's first call works its answer out afresh, so answers made on a
 * new thread are the reference for answers the memo may have given. */

typedef struct fresh_job {
    const char *text;
    size_t len;
    const tp_tokens *given; /* split these rather than the text's own */
    tp_tokens toks;
    tp_sentences sents;
} fresh_job;

static void *fresh_main(void *arg)
{
    fresh_job *j = arg;
    if (tp_tokenize(&j->toks, j->text, j->len) != 0)
        return arg;
    if (tp_split_sentences(&j->sents, j->given ? j->given : &j->toks, j->text, j->len) != 0)
        return arg;
    return NULL;
}

static fresh_job fresh(const char *text, size_t len, const tp_tokens *given)
{
    fresh_job j;
    pthread_t t;
    void *rc;
    memset(&j, 0, sizeof j);
    j.text = text;
    j.len = len;
    j.given = given;
    ck_assert_int_eq(pthread_create(&t, NULL, fresh_main, &j), 0);
    ck_assert_int_eq(pthread_join(t, &rc), 0);
    ck_assert_ptr_null(rc);
    return j;
}

static void fresh_free(fresh_job *j)
{
    tp_tokens_free(&j->toks);
    tp_sentences_free(&j->sents);
}

static void expect_tokens(const tp_tokens *got, const tp_tokens *want)
{
    ck_assert_uint_eq(got->n, want->n);
    ck_assert(got->n == 0 || memcmp(got->v, want->v, got->n * sizeof *got->v) == 0);
}

static void expect_sentences(const tp_sentences *got, const tp_sentences *want)
{
    ck_assert_uint_eq(got->n, want->n);
    ck_assert(got->n == 0 || memcmp(got->v, want->v, got->n * sizeof *got->v) == 0);
}

/* Tokens and sentences of text, here and on a new thread, twice over. */
static void expect_fresh(const char *text, size_t len)
{
    fresh_job want = fresh(text, len, NULL);
    tp_tokens t = {0};
    tp_sentences s = {0};
    int round;
    for (round = 0; round < 2; round++) {
        ck_assert_int_eq(tp_tokenize(&t, text, len), 0);
        expect_tokens(&t, &want.toks);
        ck_assert_int_eq(tp_split_sentences(&s, &t, text, len), 0);
        expect_sentences(&s, &want.sents);
    }
    tp_tokens_free(&t);
    tp_sentences_free(&s);
    fresh_free(&want);
}

START_TEST(memo_matches_fresh)
{
    const char *a = "Mr. Smith said the U.S. economy grew 2.5% in 2019. \"We're pleased,\" he said.\n\nNext.";
    const char *b = "Prices rose. Rents fell! Who knew? The end";
    char text[128], *big;
    size_t n, i;
    tp_tokens t = {0};
    tp_sentences s = {0};
    fresh_job want;

    /* the same text again, another text, and the first once more */
    expect_fresh(a, strlen(a));
    expect_fresh(b, strlen(b));
    expect_fresh(a, strlen(a));
    expect_fresh("", 0);

    /* the same buffer and length with other bytes, a byte at a time */
    snprintf(text, sizeof text, "%s", a);
    n = strlen(text);
    for (i = 0; i < n; i += 7) {
        ck_assert_int_eq(tp_tokenize(&t, text, n), 0);
        text[i] = text[i] == '.' ? 'x' : '.';
        expect_fresh(text, n);
    }

    /* tokens the caller changed are split afresh */
    ck_assert_int_eq(tp_tokenize(&t, a, strlen(a)), 0);
    ck_assert_int_eq(tp_split_sentences(&s, &t, a, strlen(a)), 0);
    ck_assert_uint_gt(t.n, 3);
    t.v[2].flags |= TP_TOK_PARA_AFTER;
    t.n--;
    want = fresh(a, strlen(a), &t);
    ck_assert_int_eq(tp_split_sentences(&s, &t, a, strlen(a)), 0);
    expect_sentences(&s, &want.sents);
    fresh_free(&want);

    /* a text too long to keep */
    n = (4u << 20) + 100;
    big = malloc(n);
    ck_assert_ptr_nonnull(big);
    for (i = 0; i < n; i++)
        big[i] = b[i % strlen(b)];
    expect_fresh(big, n);
    expect_fresh(b, strlen(b));
    free(big);

    tp_tokens_free(&t);
    tp_sentences_free(&s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokenize");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, token_cases);
    tcase_add_test(tc, sentence_cases);
    tcase_add_test(tc, flags);
    tcase_add_test(tc, empty_and_blank);
    tcase_add_test(tc, random_bytes);
    tcase_add_test(tc, truncated_utf8);
    tcase_add_test(tc, buffers_are_reused);
    tcase_add_test(tc, memo_matches_fresh);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
