/* Grouping of mentions (entity_id): group_mentions(), which finds earlier
 * mentions of the same text through a table and filters the others by
 * their tokens' bits, against group_mentions_plain(), which compares
 * each mention with every earlier one, over many made-up documents:
 * random words (names, parts of names, acronyms, parentheses, some
 * spaced twice) and random mentions of them with random labels.  The
 * stage is compiled into this test, so its static functions are at hand. */
#include "../entities.c"

#include <check.h>

#include "../../../tests/unit/random_text.h"

static const char *const words[] = {
    "Zhao", "Lijian", "Vantor", "Corp", "Holdings", "Ltd", "United", "Nations", "UN", "UNDP", "UNP",
    "Development", "Programme", "(", ")", "(", ")", "CNCERT/CC", "the", "said", "U.S.", "Bank", "Ormond",
    "Lee", "Park", "Hall", "\xc3\x89lys\xc3\xa9" "e", "\xc3\x9c" "ber", "NATO", "North", "Atlantic",
    "Treaty", "Organization", "of", ",", "NA", "N.A.T.O.", "Lee", "Park", "Vantor", "Zhao"};

/* A document of random words and random mentions of them in w. */
static void make_doc(worker *w, char *text, size_t cap)
{
    size_t len = 0, i, nw = 3 + rng_below(80);
    for (i = 0; i < nw; i++) {
        const char *s = words[rng_below(sizeof words / sizeof *words)];
        size_t n;
        /* often an acronym in parentheses */
        if (rng_below(6) == 0) {
            static const char *const acro[] = {"( UN )", "( UNDP )", "( NATO )", "( CNCERT/CC )", "( NA )",
                                               "( Zhao )", "( UNP )"};
            s = acro[rng_below(sizeof acro / sizeof *acro)];
        }
        n = strlen(s);
        ck_assert_uint_lt(len + n + 3, cap);
        if (i > 0) {
            text[len++] = ' ';
            if (rng_below(12) == 0)
                text[len++] = ' ';
        }
        memcpy(text + len, s, n);
        len += n;
    }
    text[len] = '\0';
    ck_assert_int_eq(tp_tokenize(&w->toks, text, len), 0);
    w->nm = 0;
    for (i = 0; i < w->toks.n;) {
        size_t n = 1 + rng_below(rng_below(3) == 0 ? 5 : 2);
        if (rng_below(3) != 0 || i + n > w->toks.n) {
            i++;
            continue;
        }
        ck_assert_int_eq(add_mention(w, (uint32_t)i, (uint32_t)(i + n), (int)rng_below(6), 0.5f), 0);
        i += n;
        /* often the acronym in parentheses right after it */
        if (i + 2 < w->toks.n && tok_eq(w, text, i, "(") && tok_eq(w, text, i + 2, ")") && rng_below(3) != 0) {
            ck_assert_int_eq(add_mention(w, (uint32_t)i + 1, (uint32_t)i + 2, (int)rng_below(6), 0.5f), 0);
            i += 3;
        }
        i += rng_below(2);
    }
}

START_TEST(test_group_same_as_plain)
{
    void *wp;
    tp_error err;
    worker *w;
    static char text[4096];
    mention *copy = NULL;
    size_t ccap = 0, k, doc, grouped = 0, joined = 0;
    ck_assert_int_eq(entities_worker_init(&wp, NULL, &err), TP_OK);
    w = wp;
    for (doc = 0; doc < 40000; doc++) {
        uint32_t plain_alias[64];
        size_t plain_nalias;
        make_doc(w, text, sizeof text);
        if (w->nm > ccap) {
            ccap = w->nm;
            copy = realloc(copy, ccap * sizeof *copy);
            ck_assert_ptr_nonnull(copy);
        }
        if (w->nm > 0)
            memcpy(copy, w->m, w->nm * sizeof *copy);
        ck_assert_int_eq(group_mentions_plain(w, text), 0);
        plain_nalias = w->nalias;
        ck_assert_uint_le(plain_nalias, 32);
        if (plain_nalias > 0)
            memcpy(plain_alias, w->alias, plain_nalias * 2 * sizeof *plain_alias);
        for (k = 0; k < w->nm; k++) {
            uint32_t id = w->m[k].id;
            w->m[k] = copy[k];
            copy[k].id = id;
        }
        ck_assert_int_eq(group_mentions(w, text), 0);
        for (k = 0; k < w->nm; k++) {
            ck_assert_msg(w->m[k].id == copy[k].id, "document %zu (%s), mention %zu: id %u, plainly %u", doc,
                          text, k, w->m[k].id, copy[k].id);
            if (k > 0 && w->m[k].id <= w->m[k - 1].id)
                joined++;
        }
        ck_assert_uint_eq(w->nalias, plain_nalias);
        if (plain_nalias > 0)
            ck_assert_int_eq(memcmp(w->alias, plain_alias, plain_nalias * 2 * sizeof *plain_alias), 0);
        grouped += w->nm;
    }
    /* (the documents did exercise the grouping) */
    ck_assert_uint_gt(grouped, 100000);
    ck_assert_uint_gt(joined, 10000);
    free(copy);
    entities_worker_fini(NULL, wp);
}
END_TEST

START_TEST(test_sorted_mentions_left_as_they_are)
{
    void *wp;
    tp_error err;
    worker *w;
    static char text[4096];
    size_t doc, k;
    ck_assert_int_eq(entities_worker_init(&wp, NULL, &err), TP_OK);
    w = wp;
    for (doc = 0; doc < 2000; doc++) {
        mention *copy;
        make_doc(w, text, sizeof text);
        if (w->nm < 2)
            continue;
        ck_assert(mentions_sorted(w));
        copy = malloc(w->nm * sizeof *copy);
        ck_assert_ptr_nonnull(copy);
        /* shuffled: not in order, and qsort puts them back */
        for (k = w->nm - 1; k > 0; k--) {
            size_t r = rng_below((unsigned)k + 1);
            mention t = w->m[k];
            w->m[k] = w->m[r];
            w->m[r] = t;
        }
        memcpy(copy, w->m, w->nm * sizeof *copy);
        qsort(copy, w->nm, sizeof *copy, cmp_mention);
        for (k = 1; k < w->nm; k++)
            ck_assert_uint_lt(copy[k - 1].a, copy[k].a);
        if (memcmp(copy, w->m, w->nm * sizeof *copy) != 0)
            ck_assert(!mentions_sorted(w));
        free(copy);
    }
    entities_worker_fini(NULL, wp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("entities grouping");
    TCase *tc = tcase_create("grouping");
    SRunner *sr;
    int failed;
    rng_state = 88172645463325252ull;
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_group_same_as_plain);
    tcase_add_test(tc, test_sorted_mentions_left_as_they_are);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
