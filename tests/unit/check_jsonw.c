/* Unit tests of the JSON writer: the same bytes as
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY), checked on thousands of
 * random trees, on reals and strings at the edges of each fast path, on
 * records shaped like textpipe's and on real ones.  Built twice: with the
 * SSE2 string scan where there is one, and with the plain C one
 * (TP_JSONW_PORTABLE). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

#include "random_values.h"

/* Compare tp_json_write with json_dumps on v (not consumed). */
static void expect_same(const json_t *v)
{
    tp_buf b = { 0 };
    char *want = json_dumps(v, DUMP_FLAGS);

    ck_assert_ptr_nonnull(want);
    ck_assert_int_eq(tp_json_write(&b, v), 0);
    ck_assert_msg(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0,
                  "want %s\n got %.*s", want, (int)b.len, b.data);
    free(want);
    tp_buf_free(&b);
}

static void expect_same_new(json_t *v)
{
    ck_assert_ptr_nonnull(v);
    expect_same(v);
    json_decref(v);
}

/* Random valid UTF-8 of up to max bytes: every control character, the
 * characters JSON escapes, '/', DEL, and 2-, 3- and 4-byte sequences. */
static size_t random_utf8(char *s, size_t max)
{
    size_t n = 0, len = rng_below((unsigned)max / 4 + 1);
    while (n + 4 <= max && len-- > 0)
        n += utf8_encode(random_codepoint(1), s + n);
    return n;
}

static json_t *random_value(int depth)
{
    char s[128];
    size_t n, i, count;
    json_t *v;
    unsigned kind = rng_below(depth > 4 ? 7 : 9);

    switch (kind) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(rng_below(2));
    case 2:
        return json_integer(random_integer());
    case 3:
        return json_real(random_real());
    case 4:
    case 5:
    case 6:
        n = random_utf8(s, sizeof s);
        return json_stringn(s, n);
    case 7:
        v = json_array();
        count = rng_below(6);
        for (i = 0; i < count; i++)
            json_array_append_new(v, random_value(depth + 1));
        return v;
    default:
        v = json_object();
        count = rng_below(6);
        for (i = 0; i < count; i++) {
            n = random_utf8(s, 24);
            json_object_setn_new(v, s, n, random_value(depth + 1));
        }
        return v;
    }
}

START_TEST(random_trees_match_jansson)
{
    int i;

    rng_state = UINT64_C(0x9E3779B97F4A7C15) + (uint64_t)_i;
    for (i = 0; i < 5000; i++) {
        json_t *v = random_value(0);
        expect_same_new(v);
    }
}
END_TEST

START_TEST(every_real_form)
{
    size_t i;
    int k;

    for (i = 0; i < sizeof special_reals / sizeof special_reals[0]; i++) {
        expect_same_new(json_real(special_reals[i]));
        expect_same_new(json_real(-special_reals[i]));
    }
    rng_state = 12345;
    for (k = 0; k < 100000; k++)
        expect_same_new(json_real(random_real()));
    /* Powers of ten and their neighbours, where %g switches notation. */
    for (k = -320; k <= 308; k++) {
        double d = pow(10, k);
        expect_same_new(json_real(d));
        expect_same_new(json_real(nextafter(d, 0)));
        expect_same_new(json_real(nextafter(d, INFINITY)));
    }
}
END_TEST

START_TEST(every_control_character)
{
    char s[3];
    int c;

    for (c = 0; c < 256; c++) {
        s[0] = 'a';
        s[1] = (char)c;
        s[2] = 'z';
        if (c >= 0x80)
            continue;   /* lone bytes above 0x7F are not UTF-8 */
        expect_same_new(json_stringn(s, 3));
    }
    /* Escapes at every offset against the 8-byte scan. */
    for (c = 0; c < 24; c++) {
        char buf[32];
        memset(buf, 'x', sizeof buf);
        buf[c] = '"';
        buf[(c + 9) % 32] = '\n';
        buf[(c + 17) % 32] = '\\';
        expect_same_new(json_stringn(buf, sizeof buf));
    }
}
END_TEST

START_TEST(integers)
{
    static const json_int_t v[] = { 0, 1, -1, 7, 10, 99, 100, 101, -999, 12345678,
        INT64_MAX, INT64_MIN, 4294967296LL, -4294967296LL };
    size_t i;
    int k;

    for (i = 0; i < sizeof v / sizeof v[0]; i++)
        expect_same_new(json_integer(v[i]));
    for (k = 0; k < 19; k++) {
        json_int_t p = 1;
        int j;
        for (j = 0; j < k; j++)
            p *= 10;
        expect_same_new(json_integer(p));
        expect_same_new(json_integer(p - 1));
        expect_same_new(json_integer(-p));
    }
}
END_TEST

START_TEST(empty_and_nested)
{
    expect_same_new(json_object());
    expect_same_new(json_array());
    expect_same_new(json_pack("{s:{},s:[],s:[[],{}],s:[[[[i]]]]}", "a", "b", "c", "d", 1));
    expect_same_new(json_pack("[s,s,n,b,b]", "", "/", 1, 0));
}
END_TEST

START_TEST(keys_in_insertion_order)
{
    json_t *o = json_object();

    json_object_set_new(o, "zebra", json_integer(1));
    json_object_set_new(o, "apple", json_integer(2));
    json_object_set_new(o, "mango", json_integer(3));
    json_object_set_new(o, "apple", json_integer(4));  /* replaced in place */
    json_object_del(o, "zebra");
    json_object_set_new(o, "zebra", json_integer(5));  /* now last */
    json_object_setn_new(o, "n\0ul", 4, json_true());
    expect_same(o);
    {
        tp_buf b = { 0 };
        ck_assert_int_eq(tp_json_write(&b, o), 0);
        ck_assert_int_eq((int)b.len, (int)strlen("{\"apple\":4,\"mango\":3,\"zebra\":5,\"n\\u0000ul\":true}"));
        ck_assert_mem_eq(b.data, "{\"apple\":4,\"mango\":3,\"zebra\":5,\"n\\u0000ul\":true}", b.len);
        tp_buf_free(&b);
    }
    json_decref(o);
}
END_TEST

/* Which way the writer reads the tree: jansson's structures with jansson
 * 2.14 (the layout the writer knows), its functions when built with
 * TP_JSONW_API (this test's second build) or against another version.
 * Both builds run every test here against json_dumps, which holds the two
 * ways to the same bytes. */
START_TEST(reads_the_tree_the_expected_way)
{
#if defined(TP_JSONW_API) || JANSSON_VERSION_HEX < 0x020e00 || JANSSON_VERSION_HEX >= 0x020f00
    ck_assert_int_eq(tp_json_write_reads_structures(), 0);
#else
    ck_assert_int_eq(tp_json_write_reads_structures(), 1);
#endif
}
END_TEST

/* Objects whose table grows, shrinks and has keys replaced, and arrays
 * grown, cut and inserted into: the pairs and elements as they are now. */
START_TEST(containers_after_changes)
{
    json_t *o = json_object(), *a = json_array();
    char key[32];
    int i;

    for (i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(o, key, json_integer(i));
        json_array_append_new(a, json_integer(i));
        if (i % 7 == 3) {
            snprintf(key, sizeof key, "k%d", i / 2);
            json_object_del(o, key);
            json_array_remove(a, (size_t)i / 3);
        }
        if (i % 11 == 5) {
            snprintf(key, sizeof key, "k%d", i - 1);
            json_object_set_new(o, key, json_string("again"));
            json_array_insert_new(a, 0, json_real(0.5 * i));
        }
        if (i % 50 == 0) {
            expect_same(o);
            expect_same(a);
        }
    }
    json_object_set(o, "list", a);
    expect_same(o);
    json_array_clear(a);
    json_object_clear(o);
    json_object_set_new(o, "list", a);
    expect_same(o);
    json_decref(o);
}
END_TEST

/* A record as textpipe makes them: an id, a source, a text and a
 * hundred spans. */
static json_t *make_record(int seed)
{
    static const char *words[] = { "minister", "said", "\xE2\x80\x9Cthe", "figures\xE2\x80\x9D",
        "rose", "by", "12.5%", "in", "Z\xC3\xBCrich", "\"quoted\"", "and", "\xE2\x82\xAC" "40m",
        "back\\slash", "tab\there", "new\nline", "\xF0\x9F\x93\x88" };
    char text[8192];
    size_t len = 0;
    json_t *rec, *spans;
    int i;

    rng_state = (uint64_t)seed * 7919 + 1;
    while (len < 6000) {
        const char *w = words[rng_below(sizeof words / sizeof words[0])];
        memcpy(text + len, w, strlen(w));
        len += strlen(w);
        text[len++] = ' ';
    }
    rec = json_pack("{s:s,s:{s:s,s:s,s:i},s:s%}", "id", "politics/001.txt",
                    "source", "path", "corpus/politics/001.txt", "encoding", "utf-8",
                    "bytes", (int)len, "text", text, len);
    spans = json_array();
    for (i = 0; i < 100; i++) {
        json_int_t start = rng_below(5000);
        json_array_append_new(spans, json_pack("{s:I,s:I,s:s,s:s,s:f}", "start", start,
                                               "end", start + 1 + rng_below(30), "text",
                                               words[rng_below(16)], "label",
                                               i % 2 ? "PERSON" : "ORG", "score",
                                               (double)rng_below(1000) / 1000.0));
    }
    json_object_set_new(rec, "entities", spans);
    return rec;
}

START_TEST(records_like_textpipe)
{
    int i;

    for (i = 0; i < 50; i++)
        expect_same_new(make_record(i));
}
END_TEST

/* Keys and string values go by a fast path when they are short and the
 * buffer has room for them, by the string writer otherwise: keys and values
 * of every length up to 40, with an escape at each place or none, written
 * after a prefix that leaves each amount of room from 0 to 24 bytes, must
 * give json_dumps' bytes. */
START_TEST(keys_at_every_length_and_room)
{
    static const char special[] = { 0, '"', '\\', '\n', 0x1f };
    char key[41], *want;
    size_t n, at, c, room, pre, form;

    for (n = 0; n <= 40; n++) {
        for (at = 0; at <= n; at++) {
            for (c = 0; c < (at < n ? sizeof special : 1); c++) {
                for (form = 0; form < 2; form++) {
                    json_t *o;
                    size_t k;
                    for (k = 0; k < n; k++)
                        key[k] = (char)('a' + k % 26);
                    if (at < n)
                        key[at] = special[c];
                    if (form == 0) {
                        /* a key */
                        o = json_object();
                        json_object_setn_new(o, key, n, json_integer((json_int_t)at));
                        json_object_setn_new(o, "z", 1, json_true());
                    } else {
                        /* a value, first in an array */
                        o = json_pack("[s%,i]", key, n, 1);
                    }
                    ck_assert_ptr_nonnull(o);
                    want = json_dumps(o, DUMP_FLAGS);
                    ck_assert_ptr_nonnull(want);
                    for (room = 0; room <= 24; room++) {
                        tp_buf b = { 0 };
                        /* a buffer of 64 bytes with room bytes free after the prefix */
                        pre = 64 - room;
                        b.data = malloc(64);
                        ck_assert_ptr_nonnull(b.data);
                        b.cap = 64;
                        memset(b.data, '#', pre);
                        b.len = pre;
                        ck_assert_int_eq(tp_json_write(&b, o), 0);
                        ck_assert_msg(b.len == pre + strlen(want) &&
                                          memcmp(b.data + pre, want, strlen(want)) == 0,
                                      "%s of %zu bytes, escape at %zu, room %zu: want %s got %.*s",
                                      form ? "value" : "key", n, at, room, want, (int)(b.len - pre),
                                      b.data + pre);
                        tp_buf_free(&b);
                    }
                    free(want);
                    json_decref(o);
                }
            }
        }
    }
}
END_TEST

START_TEST(appends_to_buffer)
{
    tp_buf b = { 0 };
    json_t *v = json_pack("[i,s]", 1, "x");

    ck_assert_int_eq(tp_buf_append(&b, "pre", 3), 0);
    ck_assert_int_eq(tp_json_write(&b, v), 0);
    ck_assert_int_eq(tp_buf_append(&b, "\n", 1), 0);
    ck_assert_uint_eq(b.len, 11);
    ck_assert_mem_eq(b.data, "pre[1,\"x\"]\n", 11);
    ck_assert_uint_ge(b.cap, b.len);
    json_decref(v);
    tp_buf_free(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(big_strings_grow_the_buffer)
{
    size_t n = 1 << 20, i;
    char *s = malloc(n);
    json_t *v;

    for (i = 0; i < n; i++)
        s[i] = (char)(i % 97 == 0 ? '\n' : 'a' + i % 26);
    v = json_stringn(s, n);
    expect_same_new(json_pack("[o,o]", json_incref(v), v));
    free(s);
}
END_TEST

START_TEST(cycles_and_null_are_refused)
{
    tp_buf b = { 0 };
    json_t *a = json_array(), *inner = json_array(), *o = json_object();

    ck_assert_int_eq(tp_buf_append(&b, "keep", 4), 0);
    json_array_append(a, inner);
    json_array_append(inner, a);   /* a -> inner -> a */
    ck_assert_ptr_null(json_dumps(a, DUMP_FLAGS));
    ck_assert_int_eq(tp_json_write(&b, a), -1);
    ck_assert_uint_eq(b.len, 4);   /* nothing half-written */
    json_object_set(o, "a", a);
    ck_assert_int_eq(tp_json_write(&b, o), -1);
    ck_assert_uint_eq(b.len, 4);
    json_array_clear(inner);
    ck_assert_int_eq(tp_json_write(&b, o), 0);
    ck_assert_mem_eq(b.data, "keep{\"a\":[[]]}", b.len);
    /* The same array twice, side by side, is not a cycle. */
    b.len = 0;
    json_array_append(a, inner);
    ck_assert_int_eq(tp_json_write(&b, a), 0);
    ck_assert_mem_eq(b.data, "[[],[]]", b.len);
    ck_assert_int_eq(tp_json_write(&b, NULL), -1);
    json_decref(o);
    json_decref(a);
    json_decref(inner);
    tp_buf_free(&b);
}
END_TEST

/* Reals through the exact 128-bit path: short decimals, whole numbers
 * with a fraction of one step, m / 2^s whose 18th significant digit is a
 * 5 (a tie, rounded to even), and any mantissa from 1e-6 up to 2^53. */
START_TEST(reals_short_and_tied)
{
    static const double scale[] = { 10, 100, 1000, 10000, 100000, 1000000, 1e7, 1e8 };
    size_t p;
    int k, s;
    uint64_t m;

    for (p = 0; p < sizeof scale / sizeof scale[0]; p++) {
        for (k = 0; k < 3000; k++) {
            double d = (double)k / scale[p];
            expect_same_new(json_real(d));
            expect_same_new(json_real(-d));
            expect_same_new(json_real(nextafter(d, INFINITY)));
        }
        rng_state = 777 + p;
        for (k = 0; k < 3000; k++)
            expect_same_new(json_real((double)(int64_t)(rng() >> rng_below(64)) / scale[p]));
    }
    /* Odd m over 2^s: an exact expansion ending in 5, so a tie wherever
     * it has 18 significant digits. */
    for (s = 1; s <= 72; s++)
        for (m = 1; m < 4000; m += 2)
            expect_same_new(json_real(ldexp((double)m, -s)));
    expect_same_new(json_real(262143.0 / 262144.0));    /* 0.999996185302734375 */
    expect_same_new(json_real(4503599627370495.5));
    expect_same_new(json_real(99999999999999.999));
    rng_state = 4242;
    for (k = 0; k < 200000; k++) {
        double d = ldexp((double)((rng() >> 11) | (UINT64_C(1) << 52)), -(int)rng_below(74));
        expect_same_new(json_real(rng_below(2) ? d : -d));
    }
    /* Either side of every power of ten the fast path spans. */
    for (k = -7; k <= 17; k++) {
        double d = pow(10, k);
        int j;
        for (j = 0; j < 4; j++) {
            expect_same_new(json_real(d));
            d = nextafter(d, INFINITY);
        }
        d = pow(10, k);
        for (j = 0; j < 4; j++) {
            d = nextafter(d, 0);
            expect_same_new(json_real(d));
        }
    }
}
END_TEST

/* Strings of every length up to 70, plain and with one or two bytes to
 * escape at every offset, among ASCII and multi-byte characters: the scan
 * that copies 16, 8 or 4 bytes at a time must stop at exactly the right
 * byte whatever its place. */
START_TEST(escapes_at_every_offset_and_length)
{
    static const char special[] = { '"', '\\', '\n', '\t', 1, 0x1f, 0 };
    static const char *fill[] = { "x", "\xC3\xA9", "\xE2\x82\xAC" };
    char buf[256];
    size_t n, i, j, f, c;

    for (f = 0; f < 3; f++) {
        for (n = 0; n <= 70; n++) {
            size_t len = 0, fl = strlen(fill[f]);
            while (len + fl <= n) {
                memcpy(buf + len, fill[f], fl);
                len += fl;
            }
            while (len < n)
                buf[len++] = '~';
            expect_same_new(json_stringn(buf, len));
            for (i = 0; i < len; i++) {
                char keep_i = buf[i];
                if (((unsigned char)buf[i] & 0xC0) == 0x80 || (unsigned char)buf[i] >= 0xC0)
                    continue;   /* only swap out whole ASCII characters */
                for (c = 0; c < sizeof special; c++) {
                    buf[i] = special[c];
                    expect_same_new(json_stringn(buf, len));
                    for (j = i + 1; j < len; j += 3) {
                        char keep_j = buf[j];
                        if ((unsigned char)buf[j] >= 0x80)
                            continue;
                        buf[j] = special[(c + 1) % sizeof special];
                        expect_same_new(json_stringn(buf, len));
                        buf[j] = keep_j;
                    }
                }
                buf[i] = keep_i;
            }
        }
    }
    /* The same strings as keys. */
    for (n = 0; n <= 40; n++) {
        json_t *o = json_object();
        memset(buf, 'k', n);
        if (n > 0)
            buf[n - 1] = '"';
        json_object_setn_new(o, buf, n, json_integer((json_int_t)n));
        expect_same_new(o);
    }
}
END_TEST

/* Real records: each line of the JSON Lines files named in
 * TP_JSONW_RECORDS (colon-separated; tests/unit/jsonw-records.test passes
 * the news pipeline's output over examples/) and the render test's
 * fixture.  Each is parsed and written again: the same bytes as
 * json_dumps and, for the runner's own output, as the line itself. */
static size_t check_records_file(const char *path, int own_output)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, count = 0;
    ssize_t len;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while ((len = getline(&line, &cap, f)) > 0) {
        json_error_t err;
        json_t *v;
        tp_buf b = { 0 };
        if (line[len - 1] == '\n')
            len--;
        v = json_loadb(line, (size_t)len, 0, &err);
        ck_assert_msg(v != NULL, "%s: %s", path, err.text);
        expect_same(v);
        if (own_output) {
            ck_assert_int_eq(tp_json_write(&b, v), 0);
            ck_assert_msg(b.len == (size_t)len && memcmp(b.data, line, b.len) == 0,
                          "%s: record %zu is not written back as it was", path, count + 1);
            tp_buf_free(&b);
        }
        json_decref(v);
        count++;
    }
    free(line);
    fclose(f);
    return count;
}

START_TEST(real_records)
{
    const char *top = getenv("top_srcdir"), *list = getenv("TP_JSONW_RECORDS");
    char path[4096];

    snprintf(path, sizeof path, "%s/tests/render/fixture.jsonl", top ? top : ".");
    ck_assert_uint_gt(check_records_file(path, 0), 0);
    while (list != NULL && *list != '\0') {
        const char *colon = strchr(list, ':');
        size_t n = colon ? (size_t)(colon - list) : strlen(list);
        snprintf(path, sizeof path, "%.*s", (int)n, list);
        ck_assert_uint_gt(check_records_file(path, 1), 0);
        list += n + (colon != NULL);
    }
}
END_TEST

static Suite *jsonw_suite(void)
{
    Suite *s = suite_create("jsonw");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, random_trees_match_jansson, 0, 4);
    tcase_add_test(tc, every_real_form);
    tcase_add_test(tc, every_control_character);
    tcase_add_test(tc, integers);
    tcase_add_test(tc, empty_and_nested);
    tcase_add_test(tc, keys_in_insertion_order);
    tcase_add_test(tc, reads_the_tree_the_expected_way);
    tcase_add_test(tc, containers_after_changes);
    tcase_add_test(tc, records_like_textpipe);
    tcase_add_test(tc, appends_to_buffer);
    tcase_add_test(tc, keys_at_every_length_and_room);
    tcase_add_test(tc, big_strings_grow_the_buffer);
    tcase_add_test(tc, cycles_and_null_are_refused);
    tcase_add_test(tc, reals_short_and_tied);
    tcase_add_test(tc, escapes_at_every_offset_and_length);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    /* Alone, so that tests/unit/jsonw-records.test can run just this. */
    tc = tcase_create("records");
    tcase_add_test(tc, real_records);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jsonw_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
