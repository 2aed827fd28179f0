/* Unit tests of the record helpers: offsets, offset maps, spans. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textpipe/record.h"

static json_t *rec_text(const char *text)
{
    return json_pack("{s:s}", "text", text);
}

START_TEST(ascii_offsets_are_bytes)
{
    json_t *r = rec_text("hello world");
    tp_text *t = tp_text_new();
    ck_assert_int_eq(tp_text_load(t, r), 0);
    ck_assert_uint_eq(tp_text_cp(t, 6), 6);
    ck_assert_uint_eq(tp_text_byte(t, 6), 6);
    ck_assert_uint_eq(tp_text_cp_len(t), 11);
    tp_text_free(t);
    json_decref(r);
}
END_TEST

START_TEST(multibyte_offsets)
{
    /* "é" is 2 bytes, the emoji 4 bytes. */
    json_t *r = rec_text("caf\xc3\xa9 \xf0\x9f\x98\x80 ok");
    tp_text *t = tp_text_new();
    ck_assert_int_eq(tp_text_load(t, r), 0);
    ck_assert_uint_eq(tp_text_cp_len(t), 9);
    ck_assert_uint_eq(tp_text_cp(t, 5), 4);   /* the space after é */
    ck_assert_uint_eq(tp_text_cp(t, 4), 3);   /* inside é: its start */
    ck_assert_uint_eq(tp_text_cp(t, 10), 6);  /* after the emoji */
    ck_assert_uint_eq(tp_text_byte(t, 6), 10);
    ck_assert_uint_eq(tp_text_byte(t, 9), 13);
    ck_assert_uint_eq(tp_text_byte(t, 99), 13);
    tp_text_free(t);
    json_decref(r);
}
END_TEST

START_TEST(long_text_round_trip)
{
    /* Long enough to cross many index blocks. */
    size_t n = 1000, i;
    char *s = malloc(n * 3 + 1), *p = s;
    json_t *r;
    tp_text *t = tp_text_new();
    for (i = 0; i < n; i++) {
        if (i % 3 == 0) {
            *p++ = (char)0xc3;
            *p++ = (char)0xa9;
        } else {
            *p++ = 'a';
        }
    }
    *p = '\0';
    r = rec_text(s);
    ck_assert_int_eq(tp_text_load(t, r), 0);
    ck_assert_uint_eq(tp_text_cp_len(t), n);
    for (i = 0; i <= n; i++)
        ck_assert_uint_eq(tp_text_cp(t, tp_text_byte(t, i)), i);
    tp_text_free(t);
    json_decref(r);
    free(s);
}
END_TEST

START_TEST(span_carries_text)
{
    json_t *r = rec_text("Zo\xc3\xab said 42.");
    tp_text *t = tp_text_new();
    json_t *span;
    ck_assert_int_eq(tp_text_load(t, r), 0);
    span = tp_span_new(t, 10, 12);
    ck_assert_int_eq(json_integer_value(json_object_get(span, "start")), 9);
    ck_assert_int_eq(json_integer_value(json_object_get(span, "end")), 11);
    ck_assert_str_eq(json_string_value(json_object_get(span, "text")), "42");
    ck_assert_ptr_null(json_object_get(span, "orig_start"));
    json_decref(span);
    tp_text_free(t);
    json_decref(r);
}
END_TEST

/* Bytes inside a character count as its start: the span holds whole
 * characters, its text matches its offsets. */
START_TEST(span_inside_characters)
{
    /* "Zoë · £5" : ë and · are two bytes, £ is two. */
    json_t *r = rec_text("Zo\xc3\xab \xc2\xb7 \xc2\xa3" "5");
    tp_text *t = tp_text_new();
    json_t *span;
    ck_assert_int_eq(tp_text_load(t, r), 0);
    span = tp_span_new(t, 3, 9); /* from inside ë to inside £ */
    ck_assert_int_eq(json_integer_value(json_object_get(span, "start")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(span, "end")), 6);
    ck_assert_str_eq(json_string_value(json_object_get(span, "text")), "\xc3\xab \xc2\xb7 ");
    json_decref(span);
    span = tp_span_new(t, 8, 11); /* from £ to the end */
    ck_assert_int_eq(json_integer_value(json_object_get(span, "start")), 6);
    ck_assert_int_eq(json_integer_value(json_object_get(span, "end")), 8);
    ck_assert_str_eq(json_string_value(json_object_get(span, "text")), "\xc2\xa3" "5");
    json_decref(span);
    tp_text_free(t);
    json_decref(r);
}
END_TEST

START_TEST(offset_map_maps_spans)
{
    /* original "a  b\xe2\x80\x94c" (a, two spaces, b, em dash, c) became
     * "a b-c": the two spaces became one, the dash stayed one character. */
    json_t *r = json_pack("{s:s, s:s, s:[i,i, i,i, i,i, i,i]}",
                          "text", "a b-c", "original", "a  b\xe2\x80\x94" "c",
                          "offset_map", 0, 0, 1, 1, 2, 3, 5, 6);
    tp_text *t = tp_text_new();
    size_t os, oe;
    json_t *span;
    ck_assert_int_eq(tp_text_load(t, r), 0);
    ck_assert_int_eq(tp_text_orig(t, 0, 1, &os, &oe), 1);
    ck_assert_uint_eq(os, 0);
    ck_assert_uint_eq(oe, 1);
    /* The single space is the two spaces. */
    tp_text_orig(t, 1, 2, &os, &oe);
    ck_assert_uint_eq(os, 1);
    ck_assert_uint_eq(oe, 3);
    /* "b-c" */
    tp_text_orig(t, 2, 5, &os, &oe);
    ck_assert_uint_eq(os, 3);
    ck_assert_uint_eq(oe, 6);
    span = tp_span_new(t, 4, 5);
    ck_assert_int_eq(json_integer_value(json_object_get(span, "orig_start")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(span, "orig_end")), 6);
    json_decref(span);
    tp_text_free(t);
    json_decref(r);
}
END_TEST

START_TEST(deleted_characters_fall_outside_spans)
{
    /* original "x\xe2\x80\x8by" (zero-width space removed) became "xy". */
    json_t *r = json_pack("{s:s, s:[i,i, i,i, i,i, i,i]}", "text", "xy",
                          "offset_map", 0, 0, 1, 1, 1, 2, 2, 3);
    tp_text *t = tp_text_new();
    size_t os, oe;
    ck_assert_int_eq(tp_text_load(t, r), 0);
    tp_text_orig(t, 1, 2, &os, &oe);
    ck_assert_uint_eq(os, 2);
    ck_assert_uint_eq(oe, 3);
    tp_text_orig(t, 0, 1, &os, &oe);
    ck_assert_uint_eq(os, 0);
    ck_assert_uint_eq(oe, 1);
    tp_text_free(t);
    json_decref(r);
}
END_TEST

START_TEST(malformed_map_is_refused)
{
    json_t *r = json_pack("{s:s, s:[i,i,i]}", "text", "xy", "offset_map", 0, 0, 1);
    json_t *r2 = json_pack("{s:s, s:[i,i, i,i, i,i]}", "text", "xy", "offset_map", 0, 0, 2, 2, 1, 3);
    json_t *r3 = json_pack("{s:i}", "text", 4);
    tp_text *t = tp_text_new();
    ck_assert_int_eq(tp_text_load(t, r), -1);
    ck_assert_int_eq(tp_text_load(t, r2), -1);
    ck_assert_int_eq(tp_text_load(t, r3), -1);
    tp_text_free(t);
    json_decref(r);
    json_decref(r2);
    json_decref(r3);
}
END_TEST

START_TEST(record_array_and_error)
{
    json_t *r = rec_text("x");
    json_t *a = tp_record_array(r, "numbers");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(tp_record_array(r, "numbers"), a);
    ck_assert_int_eq(tp_record_error(r, "numbers", "boom"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "error"), "stage")), "numbers");
    ck_assert_int_eq(tp_record_warn(r, "normalise", "odd"), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(r, "warnings")), 1);
    json_decref(r);
}
END_TEST

/* Offsets counted the plain way, one byte at a time, for the test below. */
static size_t naive_cp(const char *s, size_t b)
{
    size_t i, n = 0;
    while (b > 0 && ((unsigned char)s[b] & 0xC0) == 0x80)
        b--;
    for (i = 0; i < b; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static size_t naive_byte(const char *s, size_t len, size_t cp)
{
    size_t i, n = 0;
    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (n == cp)
                return i;
            n++;
        }
    }
    return len;
}

/* The word-at-a-time counts (8 bytes, index blocks of 64) against the
 * plain ones: random UTF-8 of every length up to 300, mostly ASCII with
 * runs of 2-, 3- and 4-byte characters, at every byte and code point, and
 * spans over them. */
/* A bare span is the full span with "text" deleted, keys in the same
 * order: over texts with and without an offset map, every byte range. */
static void expect_bare_is_full_without_text(tp_text *t, size_t len)
{
    size_t a, b;
    for (a = 0; a <= len + 1; a++)
        for (b = a; b <= len + 1; b++) {
            json_t *full = tp_span_new(t, a, b), *bare = tp_span_new_bare(t, a, b);
            char *want, *got;
            ck_assert_ptr_nonnull(full);
            ck_assert_ptr_nonnull(bare);
            ck_assert_ptr_nonnull(json_object_get(full, "text"));
            ck_assert_ptr_null(json_object_get(bare, "text"));
            json_object_del(full, "text");
            want = json_dumps(full, JSON_COMPACT);
            got = json_dumps(bare, JSON_COMPACT);
            ck_assert_str_eq(got, want);
            free(want);
            free(got);
            json_decref(full);
            json_decref(bare);
        }
}

START_TEST(bare_span_is_span_without_text)
{
    json_t *mapped = json_pack("{s:s, s:s, s:[i,i, i,i, i,i, i,i]}",
                               "text", "a b-c", "original", "a  b\xe2\x80\x94" "c",
                               "offset_map", 0, 0, 1, 1, 2, 3, 5, 6);
    json_t *plain = rec_text("Caf\xC3\xA9 \xE2\x82\xAC" "5 \xF0\x9F\x93\x88 up");
    tp_text *t = tp_text_new();
    ck_assert_int_eq(tp_text_load(t, mapped), 0);
    expect_bare_is_full_without_text(t, 5);
    ck_assert_int_eq(tp_text_load(t, plain), 0);
    expect_bare_is_full_without_text(t, strlen(json_string_value(json_object_get(plain, "text"))));
    tp_text_free(t);
    json_decref(mapped);
    json_decref(plain);
}
END_TEST

START_TEST(offsets_match_the_plain_count)
{
    static const char *pieces[] = { "a", "b c", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x93\x88",
                                    "\xC2\xA3" "5", "word ", "\n" };
    uint64_t state = 88172645463325252ULL;
    char buf[400];
    int round;

    for (round = 0; round < 600; round++) {
        size_t len = 0, target = (size_t)round % 300, b, cp, cps;
        json_t *r, *span;
        tp_text *t = tp_text_new();
        while (len < target) {
            const char *piece;
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            piece = pieces[(state >> 8) % (round % 3 == 0 ? 2 : 8)];
            memcpy(buf + len, piece, strlen(piece));
            len += strlen(piece);
        }
        buf[len] = '\0';
        r = rec_text(buf);
        ck_assert_int_eq(tp_text_load(t, r), 0);
        cps = naive_cp(buf, len);
        ck_assert_uint_eq(tp_text_cp_len(t), cps);
        for (b = 0; b <= len + 2; b++)
            ck_assert_uint_eq(tp_text_cp(t, b), naive_cp(buf, b > len ? len : b));
        for (cp = 0; cp <= cps + 2; cp++)
            ck_assert_uint_eq(tp_text_byte(t, cp), naive_byte(buf, len, cp));
        for (b = 0; b + 3 <= len; b += 7) {
            span = tp_span_new(t, b, b + 3);
            ck_assert_int_eq(json_integer_value(json_object_get(span, "start")), (json_int_t)naive_cp(buf, b));
            ck_assert_int_eq(json_integer_value(json_object_get(span, "end")), (json_int_t)naive_cp(buf, b + 3));
            json_decref(span);
        }
        tp_text_free(t);
        json_decref(r);
    }
}
END_TEST

/* Small integers are made once and never counted; others are new values
 * that free as usual; json_decref of a shared one leaves it whole. */
START_TEST(shared_ints)
{
    json_int_t v[] = {0, 1, 42, TP_SHARED_INTS - 1};
    json_int_t w[] = {-1, TP_SHARED_INTS, (json_int_t)1 << 40};
    size_t k;
    for (k = 0; k < sizeof v / sizeof v[0]; k++) {
        json_t *a = tp_shared_int(v[k]), *b;
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq(a->refcount, (size_t)-1);
        json_decref(a);
        b = tp_shared_int(v[k]);
        ck_assert_ptr_eq(a, b);
        ck_assert(json_integer_value(b) == v[k]);
    }
    for (k = 0; k < sizeof w / sizeof w[0]; k++) {
        json_t *a = tp_shared_int(w[k]);
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq(a->refcount, 1);
        ck_assert(json_integer_value(a) == w[k]);
        json_decref(a);
    }
}
END_TEST

/* A span's offsets are the shared integers below their bound and new ones
 * above it, bare or with text; the values stay the offsets. */
START_TEST(span_offsets_are_shared_ints)
{
    size_t n = TP_SHARED_INTS + 100, k;
    char *text = malloc(n + 1);
    json_t *r;
    tp_text *t = tp_text_new();
    ck_assert_ptr_nonnull(text);
    memset(text, 'a', n);
    text[n] = '\0';
    r = rec_text(text);
    ck_assert_int_eq(tp_text_load(t, r), 0);
    for (k = 0; k < 2; k++) {
        json_t *low = k ? tp_span_new(t, 3, 9) : tp_span_new_bare(t, 3, 9);
        json_t *high = k ? tp_span_new(t, 5, n) : tp_span_new_bare(t, 5, n);
        ck_assert_ptr_eq(json_object_get(low, "start"), tp_shared_int(3));
        ck_assert_ptr_eq(json_object_get(low, "end"), tp_shared_int(9));
        ck_assert_ptr_eq(json_object_get(high, "start"), tp_shared_int(5));
        ck_assert_uint_eq(json_object_get(high, "end")->refcount, 1);
        ck_assert(json_integer_value(json_object_get(high, "end")) == (json_int_t)n);
        json_decref(low);
        json_decref(high);
    }
    ck_assert(json_integer_value(tp_shared_int(3)) == 3);
    tp_text_free(t);
    json_decref(r);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;
    tcase_add_test(tc, ascii_offsets_are_bytes);
    tcase_add_test(tc, multibyte_offsets);
    tcase_add_test(tc, long_text_round_trip);
    tcase_add_test(tc, span_carries_text);
    tcase_add_test(tc, span_inside_characters);
    tcase_add_test(tc, offset_map_maps_spans);
    tcase_add_test(tc, deleted_characters_fall_outside_spans);
    tcase_add_test(tc, malformed_map_is_refused);
    tcase_add_test(tc, record_array_and_error);
    tcase_add_test(tc, offsets_match_the_plain_count);
    tcase_add_test(tc, bare_span_is_span_without_text);
    tcase_add_test(tc, shared_ints);
    tcase_add_test(tc, span_offsets_are_shared_ints);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
