/* Unit tests of the sentences stage: spans in code points, options, odd
 * texts.  The splitting rules themselves are tested by
 * tests/unit/check_tokenize with its case files. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"
#include "textpipe/token.h"

const tp_plugin *sentences_LTX_textpipe_plugin(void);

typedef struct stage {
    const tp_plugin *p;
    void *inst, *worker;
} stage;

static stage open_stage(const char *options_json)
{
    stage st;
    tp_error err = { { 0 }, { 0 } };
    json_t *opts = json_loads(options_json, 0, NULL);
    ck_assert_ptr_nonnull(opts);
    st.p = sentences_LTX_textpipe_plugin();
    ck_assert_str_eq(st.p->name, "sentences");
    ck_assert_int_eq(st.p->create(&st.inst, opts, &err), TP_OK);
    ck_assert_int_eq(st.p->worker_init(&st.worker, st.inst, &err), TP_OK);
    json_decref(opts);
    return st;
}

static void close_stage(stage *st)
{
    st->p->worker_fini(st->inst, st->worker);
    st->p->destroy(st->inst);
}

/* Process {"text": text} and return the record. */
static json_t *run(stage *st, const char *text)
{
    tp_error err = { { 0 }, { 0 } };
    json_t *r = json_pack("{s:s}", "text", text);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(st->p->process(st->inst, st->worker, r, &err) == TP_OK, "%s", err.message);
    return r;
}

static json_int_t ival(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    ck_assert_msg(json_is_integer(v), "no integer \"%s\"", key);
    return json_integer_value(v);
}

START_TEST(ascii_spans)
{
    stage st = open_stage("{\"with_text\": false}");
    json_t *r = run(&st, "He came. She left.");
    json_t *a = json_object_get(r, "sentences");
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert_int_eq(ival(json_array_get(a, 0), "start"), 0);
    ck_assert_int_eq(ival(json_array_get(a, 0), "end"), 8);
    ck_assert_int_eq(ival(json_array_get(a, 1), "start"), 9);
    ck_assert_int_eq(ival(json_array_get(a, 1), "end"), 18);
    /* without with_text a span is offsets only */
    ck_assert_ptr_null(json_object_get(json_array_get(a, 0), "text"));
    json_decref(r);
    close_stage(&st);
}
END_TEST

START_TEST(code_points_not_bytes)
{
    /* "Zoë dit « Non ». Ça va. 北京很大。" : é, «, », Ç and the CJK characters
     * are several bytes each. */
    const char *text = "Zo\xc3\xab dit \xc2\xab Non \xc2\xbb. \xc3\x87" "a va. "
                       "\xe5\x8c\x97\xe4\xba\xac\xe5\xbe\x88\xe5\xa4\xa7\xe3\x80\x82";
    stage st = open_stage("{\"with_text\": true}");
    json_t *r = run(&st, text);
    json_t *a = json_object_get(r, "sentences");
    ck_assert_uint_eq(json_array_size(a), 3);
    ck_assert_int_eq(ival(json_array_get(a, 0), "start"), 0);
    ck_assert_int_eq(ival(json_array_get(a, 0), "end"), 16);
    ck_assert_int_eq(ival(json_array_get(a, 1), "start"), 17);
    ck_assert_int_eq(ival(json_array_get(a, 1), "end"), 23);
    ck_assert_int_eq(ival(json_array_get(a, 2), "start"), 24);
    ck_assert_int_eq(ival(json_array_get(a, 2), "end"), 29);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 1), "text")),
                     "\xc3\x87" "a va.");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 2), "text")),
                     "\xe5\x8c\x97\xe4\xba\xac\xe5\xbe\x88\xe5\xa4\xa7\xe3\x80\x82");
    json_decref(r);
    close_stage(&st);
}
END_TEST

/* The example of the README. */
START_TEST(readme_example)
{
    stage st = open_stage("{\"with_text\": true}");
    json_t *r = run(&st, "Zo\xc3\xab met Dr. Lee in the U.S. on Jul. 4. \"We won.\" He left.");
    json_t *a = json_object_get(r, "sentences");
    ck_assert_uint_eq(json_array_size(a), 3);
    ck_assert_int_eq(ival(json_array_get(a, 0), "end"), 38);
    ck_assert_int_eq(ival(json_array_get(a, 1), "start"), 39);
    ck_assert_int_eq(ival(json_array_get(a, 1), "end"), 48);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 1), "text")), "\"We won.\"");
    ck_assert_int_eq(ival(json_array_get(a, 2), "start"), 49);
    ck_assert_int_eq(ival(json_array_get(a, 2), "end"), 57);
    json_decref(r);
    close_stage(&st);
}
END_TEST

START_TEST(empty_text)
{
    stage st = open_stage("{}");
    json_t *r = run(&st, "");
    json_t *a = json_object_get(r, "sentences");
    ck_assert(json_is_array(a));
    ck_assert_uint_eq(json_array_size(a), 0);
    json_decref(r);
    r = run(&st, "  \n\n  ");
    ck_assert_uint_eq(json_array_size(json_object_get(r, "sentences")), 0);
    json_decref(r);
    close_stage(&st);
}
END_TEST

START_TEST(only_punctuation)
{
    stage st = open_stage("{}");
    json_t *r = run(&st, "?! ... --- ,,, \"\" () !!");
    json_t *a = json_object_get(r, "sentences");
    size_t i, n = json_array_size(a);
    json_int_t at = 0;
    ck_assert_uint_ge(n, 1);
    for (i = 0; i < n; i++) {
        json_int_t s = ival(json_array_get(a, i), "start"), e = ival(json_array_get(a, i), "end");
        ck_assert_int_ge(s, at);
        ck_assert_int_lt(s, e);
        at = e;
    }
    ck_assert_int_eq(at, 23);
    json_decref(r);
    close_stage(&st);
}
END_TEST

/* A megabyte of words and no punctuation, then a megabyte of one word:
 * linear work, so the test's time limit bounds it. */
START_TEST(megabyte_without_punctuation)
{
    size_t n = 1 << 20, i;
    char *text = malloc(n + 1);
    stage st = open_stage("{}");
    json_t *r;
    ck_assert_ptr_nonnull(text);
    for (i = 0; i < n; i++)
        text[i] = (i % 7 == 6) ? ' ' : (char)('a' + i % 5);
    text[n] = '\0';
    r = run(&st, text);
    ck_assert_uint_eq(json_array_size(json_object_get(r, "sentences")), 1);
    ck_assert_int_eq(ival(json_array_get(json_object_get(r, "sentences"), 0), "end"),
                     (json_int_t)(text[n - 1] == ' ' ? n - 1 : n));
    json_decref(r);
    memset(text, 'x', n);
    for (i = 0; i < n; i += 2)
        text[i] = i % 4 ? '-' : '/';
    text[0] = 'x';
    r = run(&st, text);
    ck_assert_uint_ge(json_array_size(json_object_get(r, "sentences")), 1);
    json_decref(r);
    free(text);
    close_stage(&st);
}
END_TEST

START_TEST(replaces_earlier_sentences)
{
    stage st = open_stage("{}");
    tp_error err = { { 0 }, { 0 } };
    json_t *r = json_pack("{s:s, s:[{s:i,s:i},{s:i,s:i}], s:i}", "text", "One sentence.",
                          "sentences", "start", 0, "end", 1, "start", 1, "end", 2, "other", 7);
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_OK);
    ck_assert_uint_eq(json_array_size(json_object_get(r, "sentences")), 1);
    ck_assert_int_eq(ival(r, "other"), 7);
    json_decref(r);
    close_stage(&st);
}
END_TEST

START_TEST(offset_map_gives_orig)
{
    /* normalise turned "Hi!  Go." into "Hi! Go." (two spaces into one). */
    stage st = open_stage("{}");
    tp_error err = { { 0 }, { 0 } };
    json_t *r = json_pack("{s:s, s:s, s:[i,i,i,i,i,i,i,i]}", "text", "Hi! Go.", "original",
                          "Hi!  Go.", "offset_map", 0, 0, 3, 3, 4, 5, 7, 8);
    json_t *a;
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_OK);
    a = json_object_get(r, "sentences");
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert_int_eq(ival(json_array_get(a, 1), "start"), 4);
    ck_assert_int_eq(ival(json_array_get(a, 1), "orig_start"), 5);
    ck_assert_int_eq(ival(json_array_get(a, 1), "orig_end"), 8);
    json_decref(r);
    close_stage(&st);
}
END_TEST

/* The stage's spans are tp_span_new_bare's of the shared splitter's
 * sentences, on texts of ASCII and of two-, three- and four-byte
 * characters, with and without an offset map, past the shared integers'
 * bound too. */
START_TEST(spans_match_tp_span_new_bare)
{
    static const char *const words[] = { "Prices", "rose", "3.5%", "in", "Z\xc3\xbcrich", "\xe2\x80\x9cNo\xe2\x80\x9d",
                                         "said", "Mr.", "Smith", "\xf0\x9f\x98\x80", "the", "U.S." };
    static const char *const ends[] = { ". ", "! ", "? ", "\n\n", " ", " ", ", " };
    stage st = open_stage("{}");
    tp_text *t = tp_text_new();
    tp_tokens toks = { 0 };
    tp_sentences sents = { 0 };
    char *text = malloc(40000);
    unsigned x = 7;
    int round;

    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(t);
    for (round = 0; round < 40; round++) {
        size_t n = 0, limit = round % 4 == 3 ? 30000 : (size_t)(round * 97 % 3000), i, cp;
        int mapped = round % 2;
        json_t *r, *a, *map;
        tp_error err = { { 0 }, { 0 } };
        while (n < limit) {
            const char *wd;
            x = x * 1103515245u + 12345u;
            wd = words[(x >> 16) % (sizeof words / sizeof words[0])];
            memcpy(text + n, wd, strlen(wd));
            n += strlen(wd);
            x = x * 1103515245u + 12345u;
            wd = ends[(x >> 16) % (sizeof ends / sizeof ends[0])];
            memcpy(text + n, wd, strlen(wd));
            n += strlen(wd);
        }
        text[n] = '\0';
        r = json_pack("{s:s%}", "text", text, n);
        ck_assert_ptr_nonnull(r);
        if (mapped) {
            /* the original one code point longer from the middle on */
            for (cp = 0, i = 0; i < n / 2; i++)
                cp += ((unsigned char)text[i] & 0xC0) != 0x80;
            map = json_pack("[i,i,i,i,i,i]", 0, 0, (json_int_t)cp, (json_int_t)cp, (json_int_t)cp,
                            (json_int_t)cp + 1);
            ck_assert_ptr_nonnull(map);
            json_object_set_new(r, "offset_map", map);
        }
        ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_OK);
        a = json_object_get(r, "sentences");
        ck_assert_int_eq(tp_text_load(t, r), 0);
        ck_assert_int_eq(tp_tokenize(&toks, text, n), 0);
        ck_assert_int_eq(tp_split_sentences(&sents, &toks, text, n), 0);
        ck_assert_uint_eq(json_array_size(a), sents.n);
        for (i = 0; i < sents.n; i++) {
            /* the same keys in the same order with the same values */
            json_t *want = tp_span_new_bare(t, sents.v[i].start, sents.v[i].end);
            char *ws = json_dumps(want, JSON_COMPACT), *gs = json_dumps(json_array_get(a, i), JSON_COMPACT);
            ck_assert_ptr_nonnull(ws);
            ck_assert_ptr_nonnull(gs);
            ck_assert_msg(strcmp(ws, gs) == 0, "round %d, sentence %zu: %s against %s", round, i, gs, ws);
            free(ws);
            free(gs);
            json_decref(want);
        }
        json_decref(r);
    }
    free(text);
    tp_tokens_free(&toks);
    tp_sentences_free(&sents);
    tp_text_free(t);
    close_stage(&st);
}
END_TEST

START_TEST(bad_records)
{
    stage st = open_stage("{}");
    tp_error err = { { 0 }, { 0 } };
    json_t *r = json_pack("{s:i}", "text", 42);
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "text"));
    ck_assert_ptr_null(json_object_get(r, "sentences"));
    json_decref(r);
    r = json_pack("{s:s}", "id", "x");
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    json_decref(r);
    close_stage(&st);
}
END_TEST

START_TEST(descriptor)
{
    const tp_plugin *p = sentences_LTX_textpipe_plugin();
    ck_assert_uint_eq(p->abi_major, TP_ABI_MAJOR);
    ck_assert_str_eq(p->options[0].name, "with_text");
    ck_assert_int_eq(p->options[0].type, TP_OPT_BOOL);
    ck_assert_ptr_null(p->options[1].name);
    ck_assert_str_eq(p->reads[0], "text");
    ck_assert_str_eq(p->writes[0], "sentences");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sentences");
    TCase *tc = tcase_create("stage");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, ascii_spans);
    tcase_add_test(tc, code_points_not_bytes);
    tcase_add_test(tc, readme_example);
    tcase_add_test(tc, empty_text);
    tcase_add_test(tc, only_punctuation);
    tcase_add_test(tc, megabyte_without_punctuation);
    tcase_add_test(tc, replaces_earlier_sentences);
    tcase_add_test(tc, offset_map_gives_orig);
    tcase_add_test(tc, bad_records);
    tcase_add_test(tc, spans_match_tp_span_new_bare);
    tcase_add_test(tc, descriptor);
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
