/* Unit tests of the input decoder: UTF-8 kept, BOM dropped, Windows-1252
 * recognised, anything else repaired with U+FFFD, NUL bytes refused. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define FFFD "\xEF\xBF\xBD"

/* Decode the literal s (sizeof - 1 bytes, so it may hold NULs). */
#define DECODE(out, s) tp_decode((out), (s), sizeof(s) - 1)

static void expect(const char *in, size_t in_len, const char *want,
                   size_t want_len, const char *encoding, int bom,
                   size_t replaced)
{
    tp_decoded d;

    ck_assert_int_eq(tp_decode(&d, in, in_len), TP_DECODE_OK);
    ck_assert_str_eq(d.encoding, encoding);
    ck_assert_uint_eq(d.len, want_len);
    ck_assert_mem_eq(d.text, want, want_len);
    ck_assert_int_eq(d.text[d.len], '\0');
    ck_assert_int_eq(d.had_bom, bom);
    ck_assert_uint_eq(d.replaced, replaced);
    free(d.text);
}

#define EXPECT(in, want, enc, bom, rep) \
    expect((in), sizeof(in) - 1, (want), sizeof(want) - 1, (enc), (bom), (rep))

START_TEST(ascii_is_kept)
{
    EXPECT("", "", "utf-8", 0, 0);
    EXPECT("a", "a", "utf-8", 0, 0);
    EXPECT("The quick brown fox jumps over the lazy dog.\n",
           "The quick brown fox jumps over the lazy dog.\n", "utf-8", 0, 0);
}
END_TEST

START_TEST(multibyte_is_kept)
{
    /* 2 bytes (e acute), 3 bytes (euro), 4 bytes (U+1F600), and the
     * extremes U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF;
     * placed at different offsets against the 8-byte ASCII skip. */
    EXPECT("caf\xC3\xA9", "caf\xC3\xA9", "utf-8", 0, 0);
    EXPECT("12345678\xE2\x82\xAC", "12345678\xE2\x82\xAC", "utf-8", 0, 0);
    EXPECT("1234567\xF0\x9F\x98\x80 ok", "1234567\xF0\x9F\x98\x80 ok", "utf-8", 0, 0);
    EXPECT("\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF",
           "\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF",
           "utf-8", 0, 0);
}
END_TEST

START_TEST(bom_is_dropped)
{
    EXPECT("\xEF\xBB\xBFhello", "hello", "utf-8", 1, 0);
    EXPECT("\xEF\xBB\xBF", "", "utf-8", 1, 0);
    /* Only a leading one. */
    EXPECT("a\xEF\xBB\xBF", "a\xEF\xBB\xBF", "utf-8", 0, 0);
    /* A BOM says UTF-8: invalid bytes after it are repaired, not read as
     * Windows-1252. */
    EXPECT("\xEF\xBB\xBF\xA3" "5", FFFD "5", "utf-8 (repaired)", 1, 1);
}
END_TEST

START_TEST(windows_1252)
{
    /* "£5" with the pound sign as 0xA3. */
    EXPECT("\xA3" "5", "\xC2\xA3" "5", "windows-1252", 0, 0);
    /* Curly quotes 0x93 and 0x94 around a word. */
    EXPECT("He said \x93hello\x94.", "He said \xE2\x80\x9Chello\xE2\x80\x9D.",
           "windows-1252", 0, 0);
    /* The euro, the dagger, a trade mark, a y with diaeresis (2 bytes). */
    EXPECT("\x80\x86\x99\x9F", "\xE2\x82\xAC\xE2\x80\xA0\xE2\x84\xA2\xC5\xB8",
           "windows-1252", 0, 0);
    /* Latin-1 half: 0xE9 is e acute, 0xFF y diaeresis. */
    EXPECT("caf\xE9 \xFF", "caf\xC3\xA9 \xC3\xBF", "windows-1252", 0, 0);
    /* Bytes that are also a valid UTF-8 sequence elsewhere in the file:
     * "\xC3\xA9" is then "Ã©", since the file as a whole is not UTF-8. */
    EXPECT("\xC3\xA9\xA3", "\xC3\x83\xC2\xA9\xC2\xA3", "windows-1252", 0, 0);
}
END_TEST

START_TEST(neither_is_repaired)
{
    /* 0x81 is undefined in Windows-1252 and invalid in UTF-8; the pound
     * sign as 0xA3 is then one more invalid byte. */
    EXPECT("a\x81" "b\xA3" "c", "a" FFFD "b" FFFD "c", "utf-8 (repaired)", 0, 2);
    /* Valid UTF-8 around the bad byte stays as it is. */
    EXPECT("\xC3\xA9\x8D\xE2\x82\xAC", "\xC3\xA9" FFFD "\xE2\x82\xAC",
           "utf-8 (repaired)", 0, 1);
}
END_TEST

START_TEST(truncated_at_end)
{
    /* A 3-byte sequence cut after 2 bytes: one maximal subpart, one
     * U+FFFD.  With 0x9D (undefined in 1252) to force the repair. */
    EXPECT("\x9Dok\xE2\x82", FFFD "ok" FFFD, "utf-8 (repaired)", 0, 2);
    EXPECT("\x9D\xF0\x9F\x98", FFFD FFFD, "utf-8 (repaired)", 0, 2);
    EXPECT("\x9D\xC3", FFFD FFFD, "utf-8 (repaired)", 0, 2);
}
END_TEST

START_TEST(maximal_subparts)
{
    /* The Unicode example (table 3-8): 61 F1 80 80 E1 80 C2 62 80 63 80
     * BF 64 gives a, FFFD, FFFD, FFFD, b, FFFD, c, FFFD, FFFD, d. */
    EXPECT("\x81" "a\xF1\x80\x80\xE1\x80\xC2" "b\x80" "c\x80\xBF" "d",
           FFFD "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d",
           "utf-8 (repaired)", 0, 7);
}
END_TEST

START_TEST(overlong_and_surrogates)
{
    /* Overlongs: C0 AF ("/" in 2 bytes) is two bad bytes; E0 80 AF is
     * three (E0 must be followed by A0-BF); F0 80 80 AF is four. */
    EXPECT("\x81\xC0\xAF", FFFD FFFD FFFD, "utf-8 (repaired)", 0, 3);
    EXPECT("\x81\xE0\x80\xAF", FFFD FFFD FFFD FFFD, "utf-8 (repaired)", 0, 4);
    EXPECT("\x81\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD FFFD, "utf-8 (repaired)", 0, 5);
    /* A surrogate (U+D800 as ED A0 80): ED then two bad bytes. */
    EXPECT("\x81\xED\xA0\x80", FFFD FFFD FFFD FFFD, "utf-8 (repaired)", 0, 4);
    /* Above U+10FFFF: F4 90 80 80, and F5 which never starts anything. */
    EXPECT("\x81\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD FFFD, "utf-8 (repaired)", 0, 5);
    EXPECT("\x81\xF5", FFFD FFFD, "utf-8 (repaired)", 0, 2);
}
END_TEST

START_TEST(surrogate_alone_is_windows_1252)
{
    /* ED A0 80 is not UTF-8 but each byte is defined in Windows-1252. */
    EXPECT("\xED\xA0\x80", "\xC3\xAD\xC2\xA0\xE2\x82\xAC", "windows-1252", 0, 0);
}
END_TEST

START_TEST(nul_is_binary)
{
    tp_decoded d;

    ck_assert_int_eq(DECODE(&d, "abc\0def"), TP_DECODE_BINARY);
    ck_assert_ptr_null(d.text);
    ck_assert_uint_eq(d.len, 0);
    ck_assert_int_eq(DECODE(&d, "\0"), TP_DECODE_BINARY);
    /* Even after a BOM or inside otherwise Windows-1252 bytes. */
    ck_assert_int_eq(DECODE(&d, "\xEF\xBB\xBF" "a\0"), TP_DECODE_BINARY);
    ck_assert_int_eq(DECODE(&d, "\xA3\0"), TP_DECODE_BINARY);
}
END_TEST

START_TEST(valid_prefix)
{
    ck_assert_uint_eq(tp_utf8_valid_prefix("", 0), 0);
    ck_assert_uint_eq(tp_utf8_valid_prefix("abc", 3), 3);
    ck_assert_uint_eq(tp_utf8_valid_prefix("abc\xC3\xA9", 5), 5);
    ck_assert_uint_eq(tp_utf8_valid_prefix("abc\xC3", 4), 3);
    ck_assert_uint_eq(tp_utf8_valid_prefix("abcdefghij\x80", 11), 10);
    ck_assert_uint_eq(tp_utf8_valid_prefix("abcdefghij\xED\xA0\x80", 13), 10);
    ck_assert_uint_eq(tp_utf8_valid_prefix("\xF0\x9F\x98\x80\xF4\x90\x80\x80", 8), 4);
    ck_assert_uint_eq(tp_utf8_valid_prefix("a\0b", 3), 3);  /* U+0000 is UTF-8 */
}
END_TEST

/* Every 1-, 2- and 3-byte string (plus 4-byte ones with a fixed tail)
 * against a reference validator written the plain way: decode the code
 * point, then check its range. */
static int reference_len(const unsigned char *s, size_t n)
{
    unsigned cp, min;
    size_t need, i;

    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0) {
        need = 1; cp = s[0] & 0x1F; min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        need = 2; cp = s[0] & 0x0F; min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        need = 3; cp = s[0] & 0x07; min = 0x10000;
    } else {
        return -1;
    }
    if (n < need + 1)
        return -1;
    for (i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    return (int)need + 1;
}

static size_t reference_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    int k;

    while (i < n && (k = reference_len(s + i, n - i)) > 0)
        i += (size_t)k;
    return i;
}

START_TEST(validator_agrees_with_reference)
{
    unsigned char s[4];
    unsigned a, b, c;

    for (a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        ck_assert_uint_eq(tp_utf8_valid_prefix((char *)s, 1), reference_prefix(s, 1));
        for (b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            ck_assert_uint_eq(tp_utf8_valid_prefix((char *)s, 2), reference_prefix(s, 2));
            for (c = 0; c < 256; c++) {
                s[2] = (unsigned char)c;
                if (tp_utf8_valid_prefix((char *)s, 3) != reference_prefix(s, 3))
                    ck_abort_msg("%02X %02X %02X", a, b, c);
                s[3] = 0x80;
                if (tp_utf8_valid_prefix((char *)s, 4) != reference_prefix(s, 4))
                    ck_abort_msg("%02X %02X %02X 80", a, b, c);
            }
        }
    }
}
END_TEST

START_TEST(long_input_crosses_words)
{
    /* ASCII runs of every length 0-17 before a multibyte character, then
     * a bad byte at every offset: the skip must never jump over it. */
    char buf[64];
    size_t i, j;

    for (i = 0; i < 18; i++) {
        memset(buf, 'x', i);
        memcpy(buf + i, "\xC3\xA9", 2);
        ck_assert_uint_eq(tp_utf8_valid_prefix(buf, i + 2), i + 2);
        for (j = 0; j < 20; j++) {
            memset(buf, 'y', sizeof buf);
            buf[j] = (char)0x80;
            ck_assert_uint_eq(tp_utf8_valid_prefix(buf, 40), j);
        }
    }
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, ascii_is_kept);
    tcase_add_test(tc, multibyte_is_kept);
    tcase_add_test(tc, bom_is_dropped);
    tcase_add_test(tc, windows_1252);
    tcase_add_test(tc, neither_is_repaired);
    tcase_add_test(tc, truncated_at_end);
    tcase_add_test(tc, maximal_subparts);
    tcase_add_test(tc, overlong_and_surrogates);
    tcase_add_test(tc, surrogate_alone_is_windows_1252);
    tcase_add_test(tc, nul_is_binary);
    tcase_add_test(tc, valid_prefix);
    tcase_add_test(tc, validator_agrees_with_reference);
    tcase_add_test(tc, long_input_crosses_words);
    tcase_set_timeout(tc, 60);
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
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
