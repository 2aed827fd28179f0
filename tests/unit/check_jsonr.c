/* Unit tests of the JSON reader: on every input, tp_json_parse must accept
 * exactly what json_loadb(buf, len, 0, ...) accepts and build the same
 * tree (same key order, same integer/real types, same bytes).  Checked on
 * random valid documents, on thousands of mutations of them, and on the
 * hand-written cases of tests/unit/jsonr_cases.txt. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonr.h"

#include "random_values.h"

/* ---- a growing byte buffer ---- */

typedef struct {
    char *data;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        ck_assert_ptr_nonnull(b->data);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_byte(sbuf *b, char c)
{
    sb_add(b, &c, 1);
}

/* ---- comparing trees ---- */

/* Printable form of an input, for failure messages. */
static const char *show(const char *s, size_t n)
{
    static char out[600];
    size_t i, k = 0;
    for (i = 0; i < n && k + 5 < sizeof out; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\')
            out[k++] = (char)c;
        else
            k += (size_t)snprintf(out + k, sizeof out - k, "\\x%02X", c);
    }
    out[k] = '\0';
    return out;
}

/* Same types, same numbers (reals bit for bit), same string bytes, same
 * keys in the same order; stricter than json_equal. */
static int same_tree(const json_t *a, const json_t *b)
{
    if (json_typeof(a) != json_typeof(b))
        return 0;
    switch (json_typeof(a)) {
    case JSON_OBJECT: {
        void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
        if (json_object_size(a) != json_object_size(b))
            return 0;
        while (ia != NULL && ib != NULL) {
            size_t la = json_object_iter_key_len(ia), lb = json_object_iter_key_len(ib);
            if (la != lb || memcmp(json_object_iter_key(ia), json_object_iter_key(ib), la) != 0)
                return 0;
            if (!same_tree(json_object_iter_value(ia), json_object_iter_value(ib)))
                return 0;
            ia = json_object_iter_next((json_t *)a, ia);
            ib = json_object_iter_next((json_t *)b, ib);
        }
        return ia == NULL && ib == NULL;
    }
    case JSON_ARRAY: {
        size_t i;
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (i = 0; i < json_array_size(a); i++)
            if (!same_tree(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_INTEGER:
        return json_integer_value(a) == json_integer_value(b);
    case JSON_REAL: {
        double x = json_real_value(a), y = json_real_value(b);
        return memcmp(&x, &y, sizeof x) == 0;
    }
    default:
        return 1;
    }
}

static unsigned n_accepted, n_rejected;

/* Both parsers on buf[0, n): they must agree.  Returns 1 if accepted. */
static int agree(const char *buf, size_t n)
{
    json_error_t e1, e2;
    json_t *a = json_loadb(buf, n, 0, &e1);
    json_t *b = tp_json_parse(buf, n, &e2);
    int ok;
    ck_assert_msg((a == NULL) == (b == NULL), "jansson %s, tp_json_parse %s on [%s]\n (%s / %s)",
                  a ? "accepts" : "rejects", b ? "accepts" : "rejects", show(buf, n),
                  a ? "" : e1.text, b ? "" : e2.text);
    if (a == NULL) {
        ck_assert_msg(e2.text[0] != '\0' && e2.column >= 0 && e2.line >= 1,
                      "no error message or position for [%s]", show(buf, n));
        n_rejected++;
        return 0;
    }
    ok = same_tree(a, b) && json_equal(a, b);
    ck_assert_msg(ok, "different trees for [%s]", show(buf, n));
    json_decref(a);
    json_decref(b);
    n_accepted++;
    return 1;
}

/* ---- random trees ---- */

static void random_utf8(sbuf *s, unsigned max_chars)
{
    unsigned len = rng_below(max_chars + 1);
    char u[4];
    while (len-- > 0)
        sb_add(s, u, utf8_encode(random_codepoint(0), u)); /* \u0000 is refused */
}

static json_t *random_tree(int depth)
{
    unsigned kind = depth <= 0 ? 2 + rng_below(6) : rng_below(8);
    sbuf s = { 0 };
    json_t *v = NULL;
    unsigned i, n;
    switch (kind) {
    case 0:
        v = json_object();
        n = rng_below(7);
        for (i = 0; i < n; i++) {
            s.len = 0;
            random_utf8(&s, 8);
            json_object_setn_new(v, s.data ? s.data : "", s.len, random_tree(depth - 1));
        }
        break;
    case 1:
        v = json_array();
        n = rng_below(7);
        for (i = 0; i < n; i++)
            json_array_append_new(v, random_tree(depth - 1));
        break;
    case 2:
        random_utf8(&s, 24);
        v = json_stringn(s.data ? s.data : "", s.len);
        break;
    case 3:
        v = json_integer(random_integer());
        break;
    case 4:
        v = json_real(random_real());
        break;
    case 5:
        v = json_true();
        break;
    case 6:
        v = json_false();
        break;
    default:
        v = json_null();
        break;
    }
    free(s.data);
    ck_assert_ptr_nonnull(v);
    return v;
}

static int structural(char c)
{
    return c != '\0' && strchr("{}[],:", c) != NULL;
}

/* Insert white space of every allowed kind between the tokens of a valid
 * document (outside strings, next to the structural characters). */
static void respace(sbuf *out, const char *in, size_t n)
{
    static const char ws[] = " \t\r\n";
    size_t i;
    int in_string = 0;
    out->len = 0;
    for (i = 0; i < n; i++) {
        char c = in[i];
        if (!in_string && (structural(c) || (i > 0 && structural(in[i - 1]))) &&
            rng_below(3) == 0) {
            unsigned k = 1 + rng_below(3);
            while (k-- > 0)
                sb_byte(out, ws[rng_below(4)]);
        }
        sb_byte(out, c);
        if (in_string && c == '\\') {
            sb_byte(out, in[++i]);
            continue;
        }
        if (c == '"')
            in_string = !in_string;
    }
    if (rng_below(2))
        sb_str(out, ws + rng_below(4));
}

static const size_t dump_flags[] = {
    JSON_COMPACT, 0, JSON_INDENT(2), JSON_INDENT(1) | JSON_ENSURE_ASCII,
    JSON_COMPACT | JSON_ENSURE_ASCII, JSON_COMPACT | JSON_SORT_KEYS,
    JSON_COMPACT | JSON_ESCAPE_SLASH, JSON_COMPACT | JSON_REAL_PRECISION(3),
    JSON_COMPACT | JSON_REAL_PRECISION(17) | JSON_ENSURE_ASCII
};

/* A random valid document (object or array at the top), dumped.  Reals
 * written with 3 digits may round past the largest double and be refused:
 * *rounded tells when that can happen. */
static char *random_document(int *rounded)
{
    size_t flags = dump_flags[rng_below(sizeof dump_flags / sizeof dump_flags[0])];
    json_t *t = rng_below(2) ? json_object() : json_array();
    unsigned i, n = 1 + rng_below(6);
    char *text;
    for (i = 0; i < n; i++) {
        if (json_is_object(t)) {
            char key[16];
            snprintf(key, sizeof key, "k%u", rng_below(20));
            json_object_set_new(t, key, random_tree((int)rng_below(5)));
        } else {
            json_array_append_new(t, random_tree((int)rng_below(5)));
        }
    }
    text = json_dumps(t, flags);
    *rounded = (flags & JSON_REAL_PRECISION(31)) == JSON_REAL_PRECISION(3);
    json_decref(t);
    ck_assert_ptr_nonnull(text);
    return text;
}

START_TEST(random_valid_documents)
{
    sbuf sp = { 0 };
    unsigned i;
    rng_state = UINT64_C(0x9E3779B97F4A7C15);
    n_accepted = n_rejected = 0;
    for (i = 0; i < 4000; i++) {
        int rounded, ok;
        char *text = random_document(&rounded);
        size_t n = strlen(text);
        ok = agree(text, n);
        ck_assert_msg(ok || rounded, "a dumped document was refused: %s", show(text, n));
        respace(&sp, text, n);
        ck_assert_msg(agree(sp.data, sp.len) == ok, "a respaced document was refused: %s",
                      show(sp.data, sp.len));
        free(text);
    }
    ck_assert_uint_lt(n_rejected, 100);
    free(sp.data);
}
END_TEST

/* ---- random documents written as text: what json_dumps never writes ---- */

static const char *const numbers[] = {
    "0", "-0", "0.0", "-0.0", "1", "-1", "10", "1e5", "1E5", "1e+5", "1e-5", "1.5E-3",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "-9223372036854775809", "18446744073709551616", "99999999999999999999999",
    "1e308", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309",
    "1e-400", "4.9e-324", "2.4703282292062327e-324", "0.1", "123456789012345678901234567890.5",
    "1.00000000000000011102230246251565404236316680908203125", "7e22", "1e23",
    "0e0", "0E-0", "-0e+0", "100000000000000000", "999999999999999999",
    "1000000000000000000", "9999999999999999999", "12345678901234567890",
};

static const char *const strings[] = {
    "\"\"", "\"a\"", "\"\\u00e9\"", "\"\\u00E9\"", "\"\\uD83D\\uDE00\"", "\"\\ud83d\\ude00\"",
    "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"",
    "\"\\u0001\\u001f\\u007F\"", "\"\\uFFFF\\uFFFE\"", "\"\\uDBFF\\uDFFF\"", "\"\xEF\xBF\xBF\"",
    "\"\xF4\x8F\xBF\xBF\"", "\"\xED\x9F\xBF\"", "\"\xEE\x80\x80\"", "\"a\\u0041b\"",
};

static void text_value(sbuf *b, int depth);

static void text_space(sbuf *b)
{
    static const char ws[] = " \t\r\n";
    unsigned k = rng_below(4) == 0 ? 1 + rng_below(2) : 0;
    while (k-- > 0)
        sb_byte(b, ws[rng_below(4)]);
}

static void text_container(sbuf *b, int depth, int object)
{
    unsigned i, n = rng_below(5);
    sb_byte(b, object ? '{' : '[');
    text_space(b);
    for (i = 0; i < n; i++) {
        if (i > 0) {
            sb_byte(b, ',');
            text_space(b);
        }
        if (object) {
            /* few key names, so duplicates are common */
            static const char *const keys[] = { "\"a\"", "\"b\"", "\"\\u0061\"", "\"\"",
                                                "\"\\u00e9\"", "\"\xC3\xA9\"", "\"a\\nb\"" };
            sb_str(b, keys[rng_below(sizeof keys / sizeof keys[0])]);
            text_space(b);
            sb_byte(b, ':');
            text_space(b);
        }
        text_value(b, depth - 1);
        text_space(b);
    }
    sb_byte(b, object ? '}' : ']');
}

static void text_value(sbuf *b, int depth)
{
    switch (rng_below(depth > 0 ? 6 : 4)) {
    case 0:
        sb_str(b, numbers[rng_below(sizeof numbers / sizeof numbers[0])]);
        break;
    case 1:
        sb_str(b, strings[rng_below(sizeof strings / sizeof strings[0])]);
        break;
    case 2: {
        static const char *const words[] = { "true", "false", "null" };
        sb_str(b, words[rng_below(3)]);
        break;
    }
    case 3:
        sb_byte(b, '"');
        {
            sbuf s = { 0 };
            random_utf8(&s, 12);
            /* keep it valid: escape what must be escaped */
            for (size_t i = 0; i < s.len; i++) {
                unsigned char c = (unsigned char)s.data[i];
                if (c < 0x20 || c == '"' || c == '\\') {
                    char e[8];
                    snprintf(e, sizeof e, "\\u%04x", c == 0 ? 1u : c);
                    sb_str(b, e);
                } else {
                    sb_byte(b, (char)c);
                }
            }
            free(s.data);
        }
        sb_byte(b, '"');
        break;
    case 4:
        text_container(b, depth, 1);
        break;
    default:
        text_container(b, depth, 0);
        break;
    }
}

static void text_document(sbuf *b)
{
    b->len = 0;
    text_space(b);
    text_container(b, 1 + (int)rng_below(4), (int)rng_below(2));
    text_space(b);
}

START_TEST(random_text_documents)
{
    sbuf b = { 0 };
    unsigned i;
    rng_state = UINT64_C(0x2545F4914F6CDD1D);
    n_accepted = n_rejected = 0;
    for (i = 0; i < 5000; i++) {
        text_document(&b);
        agree(b.data, b.len);
    }
    /* overflowing numbers make some refused, but most must pass */
    ck_assert_uint_gt(n_accepted, 2000);
    ck_assert_uint_gt(n_rejected, 200);
    free(b.data);
}
END_TEST

/* ---- mutations ---- */

static const char *const snippets[] = {
    "\"", "\\", "\\u", "\\uD800", "\\uDC00", "\\uD800\\u0041", "\\uD800\\uDBFF", "\\u0000",
    "\\x", "\\U0041", "\\u00G0", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE0\x80\xAF",
    "\xC0\xAF", "\xC1\x81", "\xF5\x80\x80\x80", "\xFF", "\x80", "\xC3", "\xE2\x82",
    "\xF0\x9F\x98", "\x00", "\x01", "\x1F", "\n", "\t", "\x7F", "\x0B", "\x0C",
    "9223372036854775808", "-9223372036854775809", "1e400", "-1e400", "1e-400", "-0", "01",
    "-01", "1.", ".5", "1.e5", "1e", "1e+", "-", "+1", "tru", "nul", "fals", "truex", "True",
    "NaN", "Infinity", "[", "]", "{", "}", ",", ":", "[]", "{}", "\"\":", ",,", "0x1F", "1 2",
};

static void mutate(sbuf *b)
{
    unsigned n = 1 + rng_below(3);
    while (n-- > 0) {
        size_t at = b->len ? rng_below((unsigned)b->len + 1) : 0;
        switch (rng_below(6)) {
        case 0: /* flip a byte to anything */
            if (at < b->len)
                b->data[at] = (char)rng_below(256);
            break;
        case 1: /* truncate */
            b->len = at;
            break;
        case 2: /* delete a few bytes */
            if (at < b->len) {
                size_t k = 1 + rng_below(4);
                if (k > b->len - at)
                    k = b->len - at;
                memmove(b->data + at, b->data + at + k, b->len - at - k);
                b->len -= k;
            }
            break;
        default: { /* insert a snippet */
            const char *s = snippets[rng_below(sizeof snippets / sizeof snippets[0])];
            size_t k = s[0] == '\0' ? 1 : strlen(s); /* "\x00" is one NUL byte */
            sbuf t = { 0 };
            sb_add(&t, b->data, at);
            sb_add(&t, s, k);
            sb_add(&t, b->data + at, b->len - at);
            free(b->data);
            *b = t;
            break;
        }
        }
    }
}

START_TEST(mutated_documents)
{
    sbuf b = { 0 };
    unsigned i;
    rng_state = UINT64_C(0xD1B54A32D192ED03);
    n_accepted = n_rejected = 0;
    for (i = 0; i < 20000; i++) {
        if (i % 2) {
            int rounded;
            char *text = random_document(&rounded);
            b.len = 0;
            sb_str(&b, text);
            free(text);
        } else {
            text_document(&b);
        }
        mutate(&b);
        agree(b.data ? b.data : "", b.len);
    }
    ck_assert_uint_gt(n_rejected, 5000);
    ck_assert_uint_gt(n_accepted, 500);
    free(b.data);
}
END_TEST

/* ---- depth ---- */

static void nested(sbuf *b, unsigned depth, const char *inner, int objects)
{
    unsigned i;
    b->len = 0;
    for (i = 0; i < depth; i++)
        sb_str(b, objects && i % 2 ? "{\"k\":" : "[");
    sb_str(b, inner);
    for (i = depth; i-- > 0;)
        sb_str(b, objects && i % 2 ? "}" : "]");
}

START_TEST(deep_nesting)
{
    static const char *const inner[] = { "", "1", "[]", "{}", "\"s\"", "[1]" };
    sbuf b = { 0 };
    unsigned d, k, o;
    int accepted_2048 = 0, refused_2049 = 0;
    for (d = 2040; d <= 2052; d++)
        for (k = 0; k < sizeof inner / sizeof inner[0]; k++)
            for (o = 0; o < 2; o++) {
                int ok;
                nested(&b, d, inner[k], (int)o);
                if (o && d % 2 == 0 && inner[k][0] == '\0')
                    continue; /* an object's key with no value */
                ok = agree(b.data, b.len);
                if (d == 2048 && k == 0 && ok)
                    accepted_2048 = 1;
                if (d == 2048 && k == 1 && !ok)
                    refused_2049 = 1;
            }
    /* 2048 empty arrays deep pass; a number inside them is 2049 deep */
    ck_assert(accepted_2048);
    ck_assert(refused_2049);
    /* far too deep must fail cleanly, not crash */
    nested(&b, 100000, "", 0);
    agree(b.data, b.len);
    free(b.data);
}
END_TEST

/* ---- hand-written cases: "ok TEXT" or "err TEXT", \xHH for a byte ---- */

static size_t unescape(char *s)
{
    size_t i = 0, k = 0;
    while (s[i] != '\0') {
        unsigned v;
        if (s[i] == '\\' && s[i + 1] == 'x' && sscanf(s + i + 2, "%2x", &v) == 1) {
            s[k++] = (char)v;
            i += 4;
        } else {
            s[k++] = s[i++];
        }
    }
    return k;
}

START_TEST(hand_written_cases)
{
    const char *top = getenv("top_srcdir");
    char path[4096], line[8192];
    FILE *f;
    unsigned cases = 0;
    snprintf(path, sizeof path, "%s/tests/unit/jsonr_cases.txt", top ? top : ".");
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, f) != NULL) {
        size_t n = strlen(line);
        char *text;
        int want, got;
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (strncmp(line, "ok ", 3) == 0)
            want = 1;
        else if (strncmp(line, "err ", 4) == 0)
            want = 0;
        else
            ck_abort_msg("bad case line: %s", line);
        text = line + (want ? 3 : 4);
        n = unescape(text);
        got = agree(text, n);
        ck_assert_msg(got == want, "case [%s]: expected %s", line, want ? "ok" : "err");
        cases++;
    }
    fclose(f);
    ck_assert_uint_gt(cases, 100);
}
END_TEST

/* ---- specific behaviour ---- */

START_TEST(duplicate_keys_keep_first_place_last_value)
{
    const char *s = "{\"a\":1,\"b\":2,\"a\":3}";
    json_t *v = tp_json_parse(s, strlen(s), NULL);
    void *it;
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(json_object_size(v), 2);
    it = json_object_iter(v);
    ck_assert_str_eq(json_object_iter_key(it), "a");
    ck_assert_int_eq(json_integer_value(json_object_iter_value(it)), 3);
    it = json_object_iter_next(v, it);
    ck_assert_str_eq(json_object_iter_key(it), "b");
    json_decref(v);
}
END_TEST

START_TEST(number_types)
{
    const char *s = "[1, -0, 1.0, 1e2, 1E2, -9223372036854775808, 0.1]";
    json_t *v = tp_json_parse(s, strlen(s), NULL);
    ck_assert_ptr_nonnull(v);
    ck_assert(json_is_integer(json_array_get(v, 0)));
    ck_assert(json_is_integer(json_array_get(v, 1)));
    ck_assert(json_is_real(json_array_get(v, 2)));
    ck_assert(json_is_real(json_array_get(v, 3)));
    ck_assert(json_is_real(json_array_get(v, 4)));
    ck_assert(json_integer_value(json_array_get(v, 5)) == INT64_MIN);
    ck_assert(json_real_value(json_array_get(v, 6)) == 0.1);
    json_decref(v);
}
END_TEST

START_TEST(error_positions)
{
    static const struct {
        const char *text;
        int column;
        const char *words;
    } cases[] = {
        { "{\"a\":tru}", 6, "invalid token" },
        { "{\"a\":1,}", 8, "string or '}' expected" },
        { "[1 2]", 4, "']' expected" },
        { "{\"\xC3\xA9\":x}", 6, "invalid token" },
        { "[\"a\x01\"]", 4, "control character 0x1" },
        { "[1]x", 4, "end of file expected" },
        { "42", 1, "'[' or '{' expected" },
        { "[99999999999999999999]", 21, "too big integer" },
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_error_t e;
        json_t *v = tp_json_parse(cases[i].text, strlen(cases[i].text), &e);
        ck_assert_ptr_null(v);
        ck_assert_msg(e.column == cases[i].column, "%s: column %d, want %d", cases[i].text,
                      e.column, cases[i].column);
        ck_assert_msg(strstr(e.text, cases[i].words) != NULL, "%s: message %s",
                      cases[i].text, e.text);
        ck_assert_int_eq(e.line, 1);
    }
    ck_assert_ptr_null(tp_json_parse(NULL, 0, NULL));
}
END_TEST

static Suite *jsonr_suite(void)
{
    Suite *s = suite_create("jsonr");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, duplicate_keys_keep_first_place_last_value);
    tcase_add_test(tc, number_types);
    tcase_add_test(tc, error_positions);
    tcase_add_test(tc, hand_written_cases);
    tcase_add_test(tc, deep_nesting);
    tcase_add_test(tc, random_valid_documents);
    tcase_add_test(tc, random_text_documents);
    tcase_add_test(tc, mutated_documents);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jsonr_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
