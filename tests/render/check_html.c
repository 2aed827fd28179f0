/* Unit tests of the HTML escaper used by `textpipe render`. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static char *esc(const char *s, size_t n, int flags)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(tp_html_escape(f, s, n, flags), 0);
    fclose(f);
    return out;
}

#define FFFD "\xef\xbf\xbd"

/* input (with its length, as it may hold NUL), flags, expected output */
static const struct {
    const char *in;
    size_t len;
    int flags;
    const char *out;
} cases[] = {
#define C(in, flags, out) { in, sizeof(in) - 1, flags, out }
    C("plain text", 0, "plain text"),
    C("", 0, ""),
    C("a<b>&\"'", 0, "a&lt;b&gt;&amp;&quot;&#39;"),
    C("<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    C("\" onmouseover=\"alert(1)", TP_HTML_ATTR, "&quot; onmouseover=&quot;alert(1)"),
    C("&amp; stays text", 0, "&amp;amp; stays text"),
    C("tab\tnew\nline\r\n", 0, "tab\tnew\nline\r\n"),
    C("nul\0byte", 0, "nul" FFFD "byte"),
    C("bell\x07 del\x7f", 0, "bell" FFFD " del" FFFD),
    C("c1 \xc2\x85 next line", 0, "c1 " FFFD " next line"),
    C("caf\xc3\xa9 \xf0\x9f\x98\x80", 0, "caf\xc3\xa9 \xf0\x9f\x98\x80"),
    C("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d <b>", 0, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d &lt;b&gt;"),
    C("lone \xff byte", 0, "lone " FFFD " byte"),
    C("cut \xc3", 0, "cut " FFFD),
    C("overlong \xc0\xaf", 0, "overlong " FFFD FFFD),
    C("surrogate \xed\xa0\x80", 0, "surrogate " FFFD FFFD FFFD),
    C("too big \xf4\x90\x80\x80", 0, "too big " FFFD FFFD FFFD FFFD),
    C("lrm \xe2\x80\x8e kept", 0, "lrm \xe2\x80\x8e kept"),
    C("a\xe2\x80\xae" "cba", 0,
      "a<span class=\"bidi\" data-c=\"RLO\" title=\"U+202E\"></span>cba"),
    C("x\xe2\x81\xa7y\xe2\x81\xa9", 0,
      "x<span class=\"bidi\" data-c=\"RLI\" title=\"U+2067\"></span>y"
      "<span class=\"bidi\" data-c=\"PDI\" title=\"U+2069\"></span>"),
    C("a\xe2\x80\xae" "b", TP_HTML_ATTR, "a" FFFD "b"),
    C("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x81\xa6\xe2\x81\xa8", TP_HTML_ATTR,
      FFFD FFFD FFFD FFFD FFFD FFFD),
#undef C
};

START_TEST(escape_cases)
{
    char *out = esc(cases[_i].in, cases[_i].len, cases[_i].flags);
    ck_assert_msg(strcmp(out, cases[_i].out) == 0, "case %d: got \"%s\", want \"%s\"",
                  _i, out, cases[_i].out);
    free(out);
}
END_TEST

START_TEST(escape_never_leaves_markup)
{
    /* every byte value, alone and after a lead byte: no raw < > " ' & */
    unsigned a, b;
    for (a = 0; a < 256; a++) {
        for (b = 0; b < 256; b += 17) {
            char in[3] = { (char)a, (char)b, '<' };
            char *out = esc(in, 3, TP_HTML_ATTR), *p;
            for (p = out; *p; p++) {
                ck_assert_msg(*p != '<' && *p != '>' && *p != '"' && *p != '\'',
                              "bytes %02x %02x leave markup: %s", a, b, out);
                if (*p == '&')
                    ck_assert(strncmp(p, "&lt;", 4) == 0 || strncmp(p, "&gt;", 4) == 0 ||
                              strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&quot;", 6) == 0 ||
                              strncmp(p, "&#39;", 5) == 0);
            }
            free(out);
        }
    }
}
END_TEST

START_TEST(puts_null_and_string)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ck_assert_int_eq(tp_html_puts(f, NULL, 0), 0);
    ck_assert_int_eq(tp_html_puts(f, "x&y", 0), 0);
    fclose(f);
    ck_assert_str_eq(out, "x&amp;y");
    free(out);
}
END_TEST

START_TEST(code_points)
{
    /* "é" 2 bytes, "€" 3 bytes, emoji 4 bytes */
    const char *s = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
    size_t n = strlen(s);
    int cut = 0;
    ck_assert_uint_eq(tp_html_cp_count(s, n), 4);
    ck_assert_uint_eq(tp_html_cp_to_byte(s, n, 0, 0, 0), 0);
    ck_assert_uint_eq(tp_html_cp_to_byte(s, n, 0, 0, 1), 2);
    ck_assert_uint_eq(tp_html_cp_to_byte(s, n, 0, 0, 2), 5);
    ck_assert_uint_eq(tp_html_cp_to_byte(s, n, 2, 1, 3), 9);
    ck_assert_uint_eq(tp_html_cp_to_byte(s, n, 0, 0, 4), 10);
    ck_assert_uint_eq(tp_html_cp_to_byte(s, n, 0, 0, 99), 10);
    ck_assert_uint_eq(tp_html_prefix(s, n, 2, &cut), 5);
    ck_assert_int_eq(cut, 1);
    ck_assert_uint_eq(tp_html_prefix(s, n, 4, &cut), 10);
    ck_assert_int_eq(cut, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create("escape");
    SRunner *sr;
    int failed;
    tcase_add_loop_test(tc, escape_cases, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, escape_never_leaves_markup);
    tcase_add_test(tc, puts_null_and_string);
    tcase_add_test(tc, code_points);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
