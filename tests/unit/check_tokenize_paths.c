/* The tokeniser's fast paths against its plain ones: this program holds a
 * second copy of core/tokenize.c, built with TP_TOKENIZE_PORTABLE (byte
 * loops only, no SSE2) and its public functions renamed, and checks that
 * both copies give the same tokens and sentences on texts made to cross
 * every 16-byte boundary with words of every shape. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textpipe/token.h"

#include "random_text.h"

/* The plain copy. */
int plain_tokenize(tp_tokens *out, const char *text, size_t len);
void plain_tokens_free(tp_tokens *t);
int plain_split_sentences(tp_sentences *out, const tp_tokens *tokens, const char *text, size_t len);
void plain_sentences_free(tp_sentences *s);
#define TP_TOKENIZE_PORTABLE 1
#define tp_tokenize plain_tokenize
#define tp_tokens_free plain_tokens_free
#define tp_split_sentences plain_split_sentences
#define tp_sentences_free plain_sentences_free
#include "tokenize.c"
#undef tp_tokenize
#undef tp_tokens_free
#undef tp_split_sentences
#undef tp_sentences_free

static void expect_same(const char *text, size_t len)
{
    tp_tokens a = { 0 }, b = { 0 };
    tp_sentences sa = { 0 }, sb = { 0 };
    size_t i;

    ck_assert_int_eq(tp_tokenize(&a, text, len), 0);
    ck_assert_int_eq(plain_tokenize(&b, text, len), 0);
    ck_assert_msg(a.n == b.n, "%zu tokens against %zu in \"%.*s\"", a.n, b.n, (int)len, text);
    for (i = 0; i < a.n; i++)
        ck_assert_msg(a.v[i].start == b.v[i].start && a.v[i].end == b.v[i].end &&
                          a.v[i].flags == b.v[i].flags,
                      "token %zu: %u-%u %#x against %u-%u %#x in \"%.*s\"", i,
                      (unsigned)a.v[i].start, (unsigned)a.v[i].end, (unsigned)a.v[i].flags,
                      (unsigned)b.v[i].start, (unsigned)b.v[i].end, (unsigned)b.v[i].flags,
                      (int)len, text);
    ck_assert_int_eq(tp_split_sentences(&sa, &a, text, len), 0);
    ck_assert_int_eq(plain_split_sentences(&sb, &b, text, len), 0);
    ck_assert_uint_eq(sa.n, sb.n);
    if (sa.n)
        ck_assert(memcmp(sa.v, sb.v, sa.n * sizeof *sa.v) == 0);
    tp_tokens_free(&a);
    plain_tokens_free(&b);
    tp_sentences_free(&sa);
    plain_sentences_free(&sb);
}


/* Pieces a text is made of: words of each case and length, digits, the
 * bytes either side of each letter and digit range, joiners, non-ASCII
 * letters, marks and punctuation, spaces and breaks. */
static const char *const pieces[] = {
    "a", "Z", "q", "word", "Word", "WORD", "wOrD", "internationalisation",
    "INTERNATIONALISATION", "Internationalisation", "0", "9", "2024", "1234567890123456789",
    "@", "[", "`", "{", "/", ":", "\x7f", "\x01", "\t", " ", "  ", "\n", "\n\n", "\r\n",
    ".", ",", "-", "_", "'", "&", "%", "$", "$5", "U.S.", "e.g.", "Mr.", "3.5%", "2,700",
    "\xc3\xa9", "\xc3\x89", "caf\xc3\xa9", "\xe2\x80\x99", "\xe2\x80\x9c", "\xe2\x80\x9d",
    "\xcc\x81", "\xe4\xb8\xad", "\xc2\xa3", "\xe2\x82\xac" "3m", "\xff", "\xc3",
    "http://example.com/a", "www.bbc.co.uk", "don't", "O'Brien", "AT&T", "24/7",
};

START_TEST(random_texts)
{
    char text[400];
    int round;

    for (round = 0; round < 20000; round++) {
        size_t n = 0, limit = (size_t)rng_below(sizeof text - 40);
        while (n < limit) {
            const char *p = pieces[rng_below(sizeof pieces / sizeof pieces[0])];
            size_t k = strlen(p);
            memcpy(text + n, p, k);
            n += k;
            if (rng_below(3) == 0)
                text[n++] = ' ';
        }
        expect_same(text, n);
        /* every shorter length, so that the end falls everywhere */
        if (round % 50 == 0) {
            size_t m;
            for (m = 0; m < n; m++)
                expect_same(text, m);
        }
    }
}
END_TEST

START_TEST(long_runs_at_every_offset)
{
    char text[128];
    size_t off, len;
    int kind;

    for (kind = 0; kind < 4; kind++)
        for (off = 0; off < 20; off++)
            for (len = 0; len + off + 2 <= sizeof text; len++) {
                size_t i;
                memset(text, ' ', sizeof text);
                for (i = 0; i < len; i++)
                    text[off + i] = kind == 0 ? (char)('a' + i % 26)
                                  : kind == 1 ? (char)('A' + i % 26)
                                  : kind == 2 ? (char)('0' + i % 10)
                                              : "aZ9"[i % 3];
                text[off + len] = kind == 3 ? '\xc3' : '.';
                text[off + len + 1] = kind == 3 ? '\xa9' : ' ';
                expect_same(text, off + len + 2);
                expect_same(text, off + len + 1);
                expect_same(text, off + len);
            }
}
END_TEST

/* Every byte after a word or number, and then a letter, a digit, a space
 * or the end: where the fast word path stops and where it leaves the
 * word to the full scanner. */
START_TEST(every_byte_after_a_word)
{
    static const char *const heads[] = { "word", "Word", "WORD", "a", "I", "2024", "3", "G7", "x9y",
                                         "abcdefghijklmnopqrstuvwxyz", "Mr", "etc", "No", "e.g", "U.S" };
    static const char *const tails[] = { "", "x", "X", "5", "555", "5555", " ", "\n", "t", "s ", "ll ",
                                         "\xc3\xa9", "-", "." };
    char text[64];
    size_t h, t, c;

    for (h = 0; h < sizeof heads / sizeof heads[0]; h++)
        for (c = 0; c < 256; c++)
            for (t = 0; t < sizeof tails / sizeof tails[0]; t++) {
                int n = snprintf(text, sizeof text, "%s%c%s", heads[h], (char)c, tails[t]);
                ck_assert_int_gt(n, 0);
                /* snprintf stops at a NUL: the length counts it in */
                n = (int)(strlen(heads[h]) + 1 + strlen(tails[t]));
                expect_same(text, (size_t)n);
                expect_same(text, strlen(heads[h]) + 1);
            }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokenize paths");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, random_texts);
    tcase_add_test(tc, long_runs_at_every_offset);
    tcase_add_test(tc, every_byte_after_a_word);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    rng_state = 88172645463325252ull;
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
