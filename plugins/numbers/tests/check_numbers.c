/* Tests of the numbers stage: the data-driven cases in cases.txt (one line
 * each), exact values, code-point offsets, options, and bad input in bounded
 * time and memory. */
#include <config.h>

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"

const tp_plugin *numbers_LTX_textpipe_plugin(void);
int numbers_pack_agrees(const char *s, size_t len);
int numbers_iso_agrees(int y, int m, int d);
int numbers_stop_agrees(const void *instance, const char *s, size_t len);
int numbers_prev_word_agrees(const char *s, size_t p);
int numbers_prev_kept_agrees(const char *s, const size_t *ps, size_t k);
int numbers_cur_firsts_ok(void);
const char *numbers_table_word(int table, size_t i);
void numbers_len_filters(void *instance, int on);
int numbers_skip_sp_agrees(const char *s, size_t n, size_t p);
int numbers_skip_sp_back_agrees(const char *s, size_t p);
int numbers_wide_scan(void *instance, int on);
void numbers_share_values(void *instance, int on);
int numbers_excl_agrees(const void *instance, const char *s, size_t n, size_t ts);

typedef struct {
    const tp_plugin *pl;
    void *inst;
    void *worker;
} stage;

static void stage_open(stage *st, json_t *options)
{
    tp_error err;
    st->pl = numbers_LTX_textpipe_plugin();
    ck_assert_ptr_nonnull(st->pl);
    if (st->pl->create(&st->inst, options, &err) != 0)
        ck_abort_msg("create: %s", err.message);
    if (st->pl->worker_init(&st->worker, st->inst, &err) != 0)
        ck_abort_msg("worker_init: %s", err.message);
}

static void stage_close(stage *st)
{
    st->pl->worker_fini(st->inst, st->worker);
    st->pl->destroy(st->inst);
}

/* Run the stage on text; returns the record (caller frees). */
static json_t *run(stage *st, const char *text, size_t len)
{
    tp_error err;
    json_t *r = json_object();
    json_object_set_new(r, "text", json_stringn(text, len));
    if (st->pl->process(st->inst, st->worker, r, &err) != 0)
        ck_abort_msg("process: %s", err.message);
    return r;
}

static json_t *run_s(stage *st, const char *text)
{
    return run(st, text, strlen(text));
}

/* ------------------------------------------------------------------ */
/* cases.txt */

static char *trim(char *s)
{
    char *e;
    while (*s == ' ')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int value_matches(const json_t *f, const char *want, char *why, size_t whysz)
{
    const char *dots = strstr(want, "..");
    char *end;
    double w;
    if (strcmp(want, "-") == 0)
        return 1;
    if (dots) {
        double lo = strtod(want, NULL), hi = strtod(dots + 2, NULL);
        const json_t *l = json_object_get(f, "low"), *h = json_object_get(f, "high");
        if (l && h && fabs(json_number_value(l) - lo) < 1e-9 * fmax(1, fabs(lo)) &&
            fabs(json_number_value(h) - hi) < 1e-9 * fmax(1, fabs(hi)))
            return 1;
        snprintf(why, whysz, "range %g..%g", l ? json_number_value(l) : NAN, h ? json_number_value(h) : NAN);
        return 0;
    }
    w = strtod(want, &end);
    if (*end == '\0' && end != want && json_is_number(json_object_get(f, "value"))) {
        double g = json_number_value(json_object_get(f, "value"));
        if (fabs(g - w) <= 1e-9 * fmax(1, fabs(w)))
            return 1;
        snprintf(why, whysz, "value %.17g", g);
        return 0;
    }
    if (json_is_string(json_object_get(f, "value")) && strcmp(json_string_value(json_object_get(f, "value")), want) == 0)
        return 1;
    snprintf(why, whysz, "value is not %s", want);
    return 0;
}

static int run_case(stage *st, char *line, int lineno)
{
    char *field[8];
    int nf = 0;
    char *p = line, *sep;
    json_t *r, *arr, *f;
    size_t i;
    int ok = 0;
    char why[256] = "no finding of that kind and text";

    while (nf < 8 && (sep = strstr(p, " | ")) != NULL) {
        *sep = '\0';
        field[nf++] = trim(p);
        p = sep + 3;
    }
    if (nf < 8)
        field[nf++] = trim(p);
    if (nf < 4) {
        fprintf(stderr, "cases.txt:%d: expected SENTENCE | KIND | SPAN | VALUE\n", lineno);
        return 0;
    }
    r = run_s(st, field[0]);
    arr = json_object_get(r, "numbers");
    ck_assert(json_is_array(arr));
    if (strcmp(field[1], "none") == 0 || strcmp(field[1], "count") == 0) {
        size_t want = field[1][0] == 'n' ? 0 : (size_t)atoi(field[2]);
        ok = json_array_size(arr) == want;
        snprintf(why, sizeof why, "%zu findings, not %zu", json_array_size(arr), want);
    }
    json_array_foreach(arr, i, f) {
        int keys_ok = 1;
        if (ok || strcmp(field[1], "none") == 0 || strcmp(field[1], "count") == 0)
            break;
        if (strcmp(json_string_value(json_object_get(f, "kind")), field[1]) != 0 ||
            strcmp(json_string_value(json_object_get(f, "text")), field[2]) != 0)
            continue;
        if (!value_matches(f, field[3], why, sizeof why))
            continue;
        for (int k = 4; k < nf && keys_ok; k++) {
            char *eq = strchr(field[k], '=');
            const json_t *v;
            if (eq == NULL)
                continue;
            *eq = '\0';
            v = json_object_get(f, field[k]);
            keys_ok = json_is_string(v) && strcmp(json_string_value(v), eq + 1) == 0;
            if (!keys_ok)
                snprintf(why, sizeof why, "%s is %s, not %s", field[k], json_is_string(v) ? json_string_value(v) : "absent",
                         eq + 1);
            *eq = '=';
        }
        ok = keys_ok;
    }
    if (!ok) {
        char *dump = json_dumps(arr, JSON_COMPACT);
        fprintf(stderr, "cases.txt:%d: %s: %s\n    got %s\n", lineno, field[0], why, dump ? dump : "?");
        free(dump);
    }
    json_decref(r);
    return ok;
}

static int run_cases_file(json_t *options)
{
    const char *top = getenv("top_srcdir");
    char path[4096], line[2048];
    FILE *fp;
    int lineno = 0, failed = 0, cases = 0;
    stage st;
    snprintf(path, sizeof path, "%s/plugins/numbers/tests/cases.txt", top ? top : ".");
    fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    stage_open(&st, options);
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        cases++;
        failed += !run_case(&st, line, lineno);
    }
    fclose(fp);
    stage_close(&st);
    ck_assert_int_gt(cases, 100);
    return failed;
}

START_TEST(cases_file)
{
    int failed = run_cases_file(NULL);
    ck_assert_msg(failed == 0, "%d case(s) of cases.txt failed (see above)", failed);
}
END_TEST

/* The pcre2 candidate pattern and the word scan find the same things. */
START_TEST(cases_file_pcre2_candidates)
{
    json_t *o = json_pack("{s:s}", "candidates", "pcre2");
    int failed = run_cases_file(o);
    json_decref(o);
    ck_assert_msg(failed == 0, "%d case(s) of cases.txt failed with candidates: pcre2", failed);
}
END_TEST

/* ------------------------------------------------------------------ */

/* 55.41 million is exactly 55410000, an integer, not 55409999.99... */
START_TEST(exact_values)
{
    stage st;
    json_t *r, *f;
    stage_open(&st, NULL);
    r = run_s(&st, "It cost 55.41 million and then 0.1 billion and 1.15m.");
    f = json_array_get(json_object_get(r, "numbers"), 0);
    ck_assert(json_is_integer(json_object_get(f, "value")));
    ck_assert_int_eq(json_integer_value(json_object_get(f, "value")), 55410000);
    f = json_array_get(json_object_get(r, "numbers"), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(f, "value")), 100000000);
    f = json_array_get(json_object_get(r, "numbers"), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(f, "value")), 1150000);
    json_decref(r);
    stage_close(&st);
}
END_TEST

/* Offsets are code points; the span text is the text between them. */
START_TEST(code_point_offsets)
{
    stage st;
    json_t *r, *f;
    stage_open(&st, NULL);
    r = run_s(&st, "Caf\xc3\xa9 \xe2\x80\x94 \xc2\xa3" "300 and 42 people");
    f = json_array_get(json_object_get(r, "numbers"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(f, "text")), "\xc2\xa3" "300");
    ck_assert_int_eq(json_integer_value(json_object_get(f, "start")), 7);
    ck_assert_int_eq(json_integer_value(json_object_get(f, "end")), 11);
    f = json_array_get(json_object_get(r, "numbers"), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(f, "start")), 16);
    json_decref(r);
    stage_close(&st);
}
END_TEST

START_TEST(empty_text)
{
    stage st;
    json_t *r;
    stage_open(&st, NULL);
    r = run_s(&st, "");
    ck_assert(json_is_array(json_object_get(r, "numbers")));
    ck_assert_int_eq(json_array_size(json_object_get(r, "numbers")), 0);
    json_decref(r);
    stage_close(&st);
}
END_TEST

START_TEST(record_without_text)
{
    stage st;
    tp_error err;
    json_t *r = json_pack("{s:i}", "text", 5);
    stage_open(&st, NULL);
    ck_assert_int_eq(st.pl->process(st.inst, st.worker, r, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "text"));
    json_decref(r);
    stage_close(&st);
}
END_TEST

/* A 10 MB line of digits: one finding, in bounded time. */
START_TEST(ten_megabytes_of_digits)
{
    size_t n = 10u << 20;
    char *s = malloc(n);
    stage st;
    json_t *r;
    clock_t t0;
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('0' + i % 10);
    stage_open(&st, NULL);
    t0 = clock();
    r = run(&st, s, n);
    ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0, "too slow");
    ck_assert_int_le(json_array_size(json_object_get(r, "numbers")), 1);
    json_decref(r);
    stage_close(&st);
    free(s);
}
END_TEST

/* Thousands of numbers in one document: all found, in order. */
START_TEST(thousands_of_numbers)
{
    size_t count = 20000, cap = count * 16 + 1, len = 0;
    char *s = malloc(cap);
    stage st;
    json_t *r, *arr;
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < count; i++)
        len += (size_t)snprintf(s + len, cap - len, "%zu cats. ", i * 7 + 1);
    stage_open(&st, NULL);
    r = run(&st, s, len);
    arr = json_object_get(r, "numbers");
    ck_assert_int_eq(json_array_size(arr), count);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, count - 1), "value")),
                     (json_int_t)((count - 1) * 7 + 1));
    json_decref(r);
    stage_close(&st);
    free(s);
}
END_TEST

/* The 64-byte block scan finds the same candidates as the pcre2 pattern
 * (the set the byte scan was written to), wherever words, digits, glued
 * codes, underscores and multi-byte characters fall against the blocks:
 * a long text of such pieces in a fixed pseudo-random order, and every
 * suffix of a short one, give the same records both ways; with the AVX2
 * masks and their filter on the first three letters (where the CPU has
 * AVX2) and with the SSE2 masks, which filter on the first letter. */
static void same_both_ways(stage *a, stage *b, const char *text, size_t len)
{
    json_t *ra = run(a, text, len), *rb = run(b, text, len);
    char *ja = json_dumps(ra, JSON_SORT_KEYS | JSON_COMPACT), *jb = json_dumps(rb, JSON_SORT_KEYS | JSON_COMPACT);
    if (strcmp(ja, jb) != 0) {
        size_t d = 0;
        while (ja[d] == jb[d])
            d++;
        d = d > 150 ? d - 150 : 0;
        fprintf(stderr, "scan:  ...%.300s\npcre2: ...%.300s\n", ja + d, jb + d);
    }
    ck_assert_msg(strcmp(ja, jb) == 0, "scan and pcre2 differ (see above)");
    free(ja);
    free(jb);
    json_decref(ra);
    json_decref(rb);
}

START_TEST(block_scan_matches_pattern)
{
    static const char *const pieces[] = {
        "the", "forty-two", "Seventeen", "thousand", "one", "of", "G7", "x_5", "_12", "USD50", "Rs20", "abc123",
        "twentyfifth", "3.5", "2,700", "\xc2\xbd", "\xe2\x85\x93", "\xe2\x80\x99", "caf\xc3\xa9", "1990s", "21st",
        "million", "first", "seconds", "thirds", "a", "dozen", "9", "42", "hundreds", "sixty", "ninety-nine",
        "km", "5km", "May", "2021-07-21", "COVID-19", "www.example.org", "tenth", "quarter", "half", "pairs",
        "twelve", "eleventh", "eighty", "_", "-", "(", ")", ",", ".", "\n", "wUSD50", "ab_cd5", "gbp7", "Rsx20",
        "aud", "kUSD", "1st", "\xc3\xa9", "rs", "eur", "9am",
        "there", "THOUSANDS", "Nought", "decade", "century", "tens", "billionth", "quarters", "zero", "on",
        "twentieth", "seven7", "fifty_", "the_x", "Thirteen", "fifths", "these", "sixtieth", "elevens",
    };
    size_t np = sizeof pieces / sizeof pieces[0], cap = 200000, len = 0;
    char *text = malloc(cap + 64);
    uint32_t x = 12345;
    stage a, b;
    json_t *o = json_pack("{s:s}", "candidates", "pcre2");
    ck_assert_ptr_nonnull(text);
    while (len < cap) {
        const char *pc;
        x = x * 1103515245u + 12345u;
        pc = pieces[(x >> 8) % np];
        memcpy(text + len, pc, strlen(pc));
        len += strlen(pc);
        x = x * 1103515245u + 12345u;
        if ((x >> 12) % 4 != 0)
            text[len++] = ' ';
    }
    stage_open(&a, NULL);
    stage_open(&b, o);
    for (int wide = 1; wide >= 0; wide--) {
        if (numbers_wide_scan(a.inst, wide) != wide)
            continue; /* no AVX2 here */
        same_both_ways(&a, &b, text, len);
        for (size_t k = 0; k < 200; k++) {
            size_t at = k, l = 300;
            while (((unsigned char)text[at] & 0xC0) == 0x80)
                at++;
            while (((unsigned char)text[at + l] & 0xC0) == 0x80)
                l--;
            same_both_ways(&a, &b, text + at, l);
        }
    }
    stage_close(&a);
    stage_close(&b);
    json_decref(o);
    free(text);
}
END_TEST

/* The exclusion pattern (URLs, e-mail, domains, phone numbers, versions,
 * identifiers) runs only where a test of the bytes says it may match:
 * wherever the pattern matches, the test says so, on real shapes and on
 * random strings of awkward pieces (the Kelvin sign and the long s are
 * letters of [a-z] to a caseless UTF pattern), at every start. */
START_TEST(exclusion_prefilter)
{
    static const char *const shapes[] = {
        "999,999", "(555) 123-4567", "(55) 1234 5678", "+44 20 7946 0958", "020 7946 0958", "555-123-4567",
        "v1.2.3", "V10.2.33", "2.4.1", "192.168.1.2", "x@y.com", "a.b+c@d-e.org", "http://a.b/c", "svn+ssh://h",
        "www.bbc.co.uk", "WWW.X", "bbc.co.uk", "news.Example.COM/x", "5_a", "2020_file", "0123456789", "1-2_3",
        "\xe2\x84\xaa" "ttp://x", "\xc5\xbf" "ftp://x", "x.u\xe2\x84\xaa", "(\xc2\xa3" "1.5m)", "99-year-old", "(20-30)",
    };
    static const char *const pieces[] = {
        "0", "1", "9", "55", "123", "a", "v", "V", "w", "W", "www.", ".", "..", ":", "://", "/", "@", "+", "-", "_",
        "(", ")", " ", "com", "uk", "http", "\xe2\x84\xaa", "\xc5\xbf", "\xc2\xa3", ",", "x", "K", "e", "\xe2\x80\x93",
    };
    stage st;
    char buf[256];
    uint32_t x = 4242;
    stage_open(&st, NULL);
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        size_t len = strlen(shapes[i]);
        for (size_t ts = 0; ts < len; ts++)
            if (((unsigned char)shapes[i][ts] & 0xC0) != 0x80)
                ck_assert_msg(numbers_excl_agrees(st.inst, shapes[i], len, ts), "%s at %zu", shapes[i], ts);
    }
    for (int k = 0; k < 20000; k++) {
        size_t len = 0, np = 1 + (size_t)(k % 12);
        for (size_t j = 0; j < np; j++) {
            const char *pc;
            x = x * 1103515245u + 12345u;
            pc = pieces[(x >> 8) % (sizeof pieces / sizeof pieces[0])];
            memcpy(buf + len, pc, strlen(pc));
            len += strlen(pc);
        }
        for (size_t ts = 0; ts < len; ts++)
            if (((unsigned char)buf[ts] & 0xC0) != 0x80)
                ck_assert_msg(numbers_excl_agrees(st.inst, buf, len, ts), "%.*s at %zu", (int)len, buf, ts);
    }
    stage_close(&st);
}
END_TEST

/* Findings are read a batch at a time before their JSON is made: a
 * range of two hedged bounds (merge_bounds) is found wherever it falls
 * against the batches, and a document of many findings keeps them all in
 * order. */
START_TEST(batches_of_findings)
{
    stage st;
    char text[4096];
    stage_open(&st, NULL);
    for (size_t k = 0; k < 75; k++) {
        size_t len = 0;
        json_t *r, *arr, *f;
        for (size_t i = 0; i < k; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "We saw %zu cats. ", i + 1);
        len += (size_t)snprintf(text + len, sizeof text - len, "More than 10 and less than 20 dogs.");
        for (size_t i = 0; i < 3; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, " We saw %zu owls.", 100 + i);
        r = run(&st, text, len);
        arr = json_object_get(r, "numbers");
        ck_assert_uint_eq(json_array_size(arr), k + 4);
        for (size_t i = 0; i < k; i++)
            ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, i), "value")), (json_int_t)i + 1);
        f = json_array_get(arr, k);
        ck_assert_str_eq(json_string_value(json_object_get(f, "kind")), "range");
        ck_assert_int_eq(json_integer_value(json_object_get(f, "low")), 10);
        ck_assert_int_eq(json_integer_value(json_object_get(f, "high")), 20);
        for (size_t i = 0; i < 3; i++)
            ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, k + 1 + i), "value")),
                             (json_int_t)(100 + i));
        json_decref(r);
    }
    stage_close(&st);
}
END_TEST

/* Values shared between findings (small integers and the stage's
 * constant strings: kinds, currencies, hedges, units) are the same values
 * in every finding of every record and instance, and outlive the records,
 * the worker and the instance that made them: their reference counts are
 * jansson's "not counted" mark, so freeing a record leaves them alone. */
START_TEST(shared_values)
{
    stage st, st2;
    json_t *r1, *r2, *r3, *f1, *f2, *f3;
    stage_open(&st, NULL);
    r1 = run_s(&st, "She had 12 cats and 12 cats, more than $5 and 3 km.");
    r2 = run_s(&st, "She had 12 cats and 12 cats, more than $5 and 3 km.");
    json_decref(r1);
    f1 = json_array_get(json_object_get(r2, "numbers"), 0);
    f2 = json_array_get(json_object_get(r2, "numbers"), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(f1, "value")), 12);
    ck_assert_int_eq(json_integer_value(json_object_get(f2, "start")), 20);
    ck_assert_str_eq(json_string_value(json_object_get(f2, "text")), "12");
    ck_assert_str_eq(json_string_value(json_object_get(f2, "unit")), "cats");
    ck_assert_ptr_eq(json_object_get(f1, "value"), json_object_get(f2, "value"));
    ck_assert_ptr_eq(json_object_get(f1, "kind"), json_object_get(f2, "kind"));
    ck_assert(json_object_get(f1, "value")->refcount == (size_t)-1);
    stage_close(&st);
    /* another instance hands out the same values; the first one's are
     * still whole after it is gone */
    stage_open(&st2, NULL);
    r3 = run_s(&st2, "Only 12 dogs, more than $5.");
    f3 = json_array_get(json_object_get(r3, "numbers"), 0);
    ck_assert_ptr_eq(json_object_get(f3, "value"), json_object_get(f2, "value"));
    ck_assert_ptr_eq(json_object_get(f3, "kind"), json_object_get(f2, "kind"));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r3, "numbers"), 1), "approx")),
                     "more than");
    json_decref(r2);
    ck_assert_str_eq(json_string_value(json_object_get(f3, "kind")), "cardinal");
    ck_assert_int_eq(json_integer_value(json_object_get(f3, "value")), 12);
    json_decref(r3);
    stage_close(&st2);
}
END_TEST

/* The shared values against values made anew for each finding (the plain
 * way): the same records, on sentences of many kinds and on a long text
 * whose offsets run past the shared integers. */
START_TEST(shared_values_fast_path)
{
    static const char *const texts[] = {
        "She had 12 cats and 12 cats, more than $5bn and 3 km, between 20 and 30 jobs in 2020.",
        "On July 21, 2021 about 42 million malicious program samples, 14.2% and the 1990s, \xc2\xbd a cup.",
        "Up to forty-two tonnes, a dozen eggs, one hundred and twenty-three people, 1.5m euros, No. 1.",
    };
    stage a, b;
    char *big;
    size_t len = 0;
    stage_open(&a, NULL);
    stage_open(&b, NULL);
    numbers_share_values(b.inst, 0);
    {
        json_t *r = run_s(&b, texts[0]);
        ck_assert(json_object_get(json_array_get(json_object_get(r, "numbers"), 0), "value")->refcount == 1);
        json_decref(r);
    }
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        same_both_ways(&a, &b, texts[i], strlen(texts[i]));
    big = malloc(200000);
    ck_assert_ptr_nonnull(big);
    while (len + 120 < 200000)
        for (size_t i = 0; i < sizeof texts / sizeof texts[0] && len + 120 < 200000; i++) {
            memcpy(big + len, texts[i], strlen(texts[i]));
            len += strlen(texts[i]);
            big[len++] = ' ';
        }
    same_both_ways(&a, &b, big, len);
    stage_close(&a);
    stage_close(&b);
    free(big);
}
END_TEST

/* Number words are packed for the lexicon's hash by a few overlapping
 * loads: the same packing as the letter-by-letter loop, for every length
 * from 3 to 11, mixed case, and words cut from a longer buffer (the bytes
 * after the word must not count). */
START_TEST(word_packing_fast_path)
{
    static const char *const words[] = {"one", "TWO", "Three", "forty", "seventeen", "HUNDREDTHS",
                                        "quadrillion", "thousand", "dozen", "Eleven", "twelfth"};
    char buf[32];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        ck_assert(numbers_pack_agrees(words[i], strlen(words[i])));
    for (int k = 0; k < 2000; k++) {
        size_t len = 3 + (size_t)(k % 9);
        for (size_t j = 0; j < sizeof buf; j++) {
            x = x * 1103515245u + 12345u;
            buf[j] = (char)((x >> 16) & 1 ? 'a' + (x >> 17) % 26 : 'A' + (x >> 17) % 26);
        }
        ck_assert_msg(numbers_pack_agrees(buf + k % 7, len), "length %zu", len);
    }
}
END_TEST

/* The words after a count stop at a stop word, found by a hash of the
 * word's letters: the same answers as the list walked word by word, in
 * any case, for words of every length, with hyphens and apostrophes. */
START_TEST(stop_words_fast_path)
{
    static const char *const words[] = {"the", "The", "THE", "a", "A", "of", "including", "Including",
                                        "although", "went", "Work", "workers", "jobs", "people", "x",
                                        "hi", "theirs", "the-", "o'clock", "don't", "well-known",
                                        "abcdefghijklmnop", "abcdefghijklmnopq", "towards", "towardss",
                                        "had", "hAd", "said", "sAID", "thousands", "children"};
    stage st;
    char buf[20];
    unsigned x = 777;
    stage_open(&st, NULL);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        ck_assert_msg(numbers_stop_agrees(st.inst, words[i], strlen(words[i])), "%s", words[i]);
    ck_assert(numbers_stop_agrees(st.inst, "their", 5));
    for (int k = 0; k < 5000; k++) {
        size_t len = 1 + (size_t)(k % 17);
        /* letters of the stop words' alphabet, often a stop word's own */
        for (size_t j = 0; j < len; j++) {
            x = x * 1103515245u + 12345u;
            buf[j] = "theasoinrwTHE-'"[(x >> 16) % 15];
        }
        ck_assert_msg(numbers_stop_agrees(st.inst, buf, len), "%.*s", (int)len, buf);
    }
    stage_close(&st);
}
END_TEST

/* The word before a position: the quick path (one space after a letter)
 * gives what the general one gives, at every position of texts of
 * letters, spaces, tabs, no-break spaces and digits. */
START_TEST(previous_word_fast_path)
{
    static const char *const texts[] = {"In 2020 about  42 people", "a 5", " 7", "x\t 9", "A\xc2\xa0" "12 and 3",
                                        "   ", "word", "ab cd  ef   gh    ij 1"};
    char buf[24];
    unsigned x = 99;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        for (size_t p = 0; p <= strlen(texts[i]); p++)
            ck_assert_msg(numbers_prev_word_agrees(texts[i], p), "%s at %zu", texts[i], p);
    for (int k = 0; k < 3000; k++) {
        for (size_t j = 0; j < sizeof buf; j++) {
            x = x * 1103515245u + 12345u;
            buf[j] = "ab  Z\t9\xc2\xa0-"[(x >> 16) % 10];
        }
        for (size_t p = 0; p <= sizeof buf; p++)
            ck_assert(numbers_prev_word_agrees(buf, p));
    }
}
END_TEST

/* The word before a position kept for the next question: asked at
 * positions in a pseudo-random order with repeats (the same position
 * twice running, and coming back to one), the answers are prev_word's. */
START_TEST(previous_word_kept)
{
    static const char *const text = "In 2020 about  42 people, a\t9 or x\xc2\xa0" "12 and 3 of   them";
    size_t ps[400], len = strlen(text);
    unsigned x = 7;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        x = x * 1103515245u + 12345u;
        ps[i] = (x >> 16) % 3 == 0 && i > 0 ? ps[i - 1] : (x >> 8) % (len + 1);
    }
    ck_assert(numbers_prev_kept_agrees(text, ps, sizeof ps / sizeof ps[0]));
}
END_TEST

/* Code points are counted on from the last finding sixteen bytes at a
 * time and the last few bytes by one load, and are the bytes in the
 * text's ASCII start: at every distance from 0 to 40 bytes, with
 * characters of one, two and three bytes between (from the start, or after
 * the first 5, 17 or 33 findings), each finding's start and end are the
 * code points counted one by one. */
START_TEST(code_points_at_every_distance)
{
    static const char *const fill[] = {"a", "\xc3\xa9", "\xe2\x80\x94"};
    static const size_t ascii_first[] = {0, 5, 17, 33};
    stage st;
    char *text = malloc(20000);
    stage_open(&st, NULL);
    for (size_t v = 0; v < sizeof ascii_first / sizeof ascii_first[0]; v++) {
        size_t len = 0, cps = 0, k = 0, starts[200], ends[200];
        for (size_t d = 0; d <= 40; d++) {
            const char *c = d < ascii_first[v] ? "a" : fill[d % 3];
            for (size_t j = 0; j < d; j++) {
                memcpy(text + len, c, strlen(c));
                len += strlen(c);
                cps++;
            }
            /* " 7 " then, at the next finding, "77 ": a number of one or two digits */
            len += (size_t)sprintf(text + len, d % 2 ? " 7 " : " 77 ");
            starts[k] = cps + 1;
            ends[k] = cps + 1 + (d % 2 ? 1 : 2);
            cps += d % 2 ? 3 : 4;
            k++;
        }
        {
            json_t *r = run(&st, text, len), *a = json_object_get(r, "numbers");
            ck_assert_int_eq(json_array_size(a), k);
            for (size_t i = 0; i < k; i++) {
                json_t *f = json_array_get(a, i);
                ck_assert_int_eq(json_integer_value(json_object_get(f, "start")), starts[i]);
                ck_assert_int_eq(json_integer_value(json_object_get(f, "end")), ends[i]);
            }
            json_decref(r);
        }
    }
    {
        /* a number right after the first character that is not ASCII, or
         * after one at the very start */
        static const struct { const char *text; json_int_t start; } glued[] = {
            {"ab\xc3\xa9" "7 cats", 3}, {"\xc3\xa9" "7 cats", 1}, {"\xe2\x80\x94" "42", 1}, {"x\xe2\x80\x94" "42", 2},
        };
        for (size_t i = 0; i < sizeof glued / sizeof glued[0]; i++) {
            json_t *r = run_s(&st, glued[i].text), *f = json_array_get(json_object_get(r, "numbers"), 0);
            ck_assert_msg(json_integer_value(json_object_get(f, "start")) == glued[i].start, "%s", glued[i].text);
            json_decref(r);
        }
    }
    free(text);
    stage_close(&st);
}
END_TEST

/* Currency codes before a number are compared only after a first letter
 * of one of them: every code's first letter is in that set, and a code
 * of each first letter is still found. */
START_TEST(currency_code_filter)
{
    static const char *const texts[] = {"USD 40", "EUR 3", "GBP 7", "CNY 8", "JPY 9", "RMB 10", "INR 11",
                                        "Rs 12", "CHF 13", "AUD 14", "CAD 15", "HKD 16", "RUB 17", "usd 18",
                                        "rmb 19", "eur 20", "gbp 21", "rs 22", "MYR 23", "myr 24", "SEK 25",
                                        "NOK 26", "KRW 27", "UAH 28", "RM 29"};
    stage st;
    ck_assert(numbers_cur_firsts_ok());
    stage_open(&st, NULL);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_t *r = run_s(&st, texts[i]), *f = json_array_get(json_object_get(r, "numbers"), 0);
        ck_assert_msg(f != NULL, "%s", texts[i]);
        ck_assert_msg(json_object_get(f, "currency") != NULL, "%s: no currency", texts[i]);
        ck_assert_int_eq(json_integer_value(json_object_get(f, "start")), 0);
        json_decref(r);
    }
    stage_close(&st);
}
END_TEST

/* Currency words and units after a number are compared only when the
 * word there has a first run of letters as long as theirs, and hedges
 * before it only when the word there is as long as their last word: with
 * and without those filters, every word of the three tables, in three
 * shapes and two cases, gives the same findings. */
START_TEST(suffix_length_filters)
{
    static const char *const after[] = {"It cost 7 %s today.", "a 12-%s thing", "About 40 %s, 5 %ss and 9 %sx"};
    static const char *const before[] = {"%s 7 cats", "They had %s 12 dogs.", "(%s 40) and x%s 3"};
    stage st;
    stage_open(&st, NULL);
    for (int table = 0; table < 3; table++)
        for (size_t i = 0; numbers_table_word(table, i) != NULL; i++)
            for (size_t k = 0; k < 6; k++) {
                char text[256], *a, *b;
                json_t *r;
                const char *w = numbers_table_word(table, i);
                char word[64];
                snprintf(word, sizeof word, "%s", w);
                if (k >= 3 && word[0] >= 'a' && word[0] <= 'z')
                    word[0] = (char)(word[0] - 32);
                snprintf(text, sizeof text, (table == 2 ? before : after)[k % 3], word, word, word);
                numbers_len_filters(st.inst, 1);
                r = run_s(&st, text);
                a = json_dumps(json_object_get(r, "numbers"), JSON_COMPACT);
                json_decref(r);
                numbers_len_filters(st.inst, 0);
                r = run_s(&st, text);
                b = json_dumps(json_object_get(r, "numbers"), JSON_COMPACT);
                json_decref(r);
                ck_assert_msg(strcmp(a, b) == 0, "%s: %s against %s", text, a, b);
                free(a);
                free(b);
            }
    stage_close(&st);
}
END_TEST

/* Spaces after (and before) a position: the quick answers (no space, one
 * space) are the loop's, at every position of texts of spaces, tabs, no-break
 * spaces, letters and other bytes, up to the end of the text. */
START_TEST(skip_spaces_fast_path)
{
    char buf[24];
    unsigned x = 4242;
    for (int k = 0; k < 3000; k++) {
        for (size_t j = 0; j < sizeof buf; j++) {
            x = x * 1103515245u + 12345u;
            buf[j] = "a \t\xc2\xa0\xc3-5"[(x >> 16) % 8];
        }
        for (size_t len = 0; len <= sizeof buf; len += 7)
            for (size_t p = 0; p <= len; p++) {
                ck_assert(numbers_skip_sp_agrees(buf, len, p));
                ck_assert(numbers_skip_sp_back_agrees(buf, p));
            }
    }
}
END_TEST

/* ISO dates and years are written without snprintf: the same strings as
 * "%04d-%02d-%02d", "%04d-%02d", "--%02d-%02d", "%04d" and "%04d/%04d". */
START_TEST(iso_strings_fast_path)
{
    static const int ys[] = {-5, 0, 1, 7, 99, 100, 999, 1000, 1850, 1999, 2021, 2100, 9999, 10000, 123456};
    for (size_t i = 0; i < sizeof ys / sizeof ys[0]; i++)
        for (int m = 0; m <= 12; m++)
            for (int d = 0; d <= 31; d += 3)
                ck_assert_msg(numbers_iso_agrees(ys[i], m, d), "%d-%d-%d", ys[i], m, d);
}
END_TEST

/* max_findings stops a document early with a warning, not an error. */
START_TEST(max_findings_warns)
{
    stage st;
    json_t *o = json_pack("{s:i}", "max_findings", 3), *r;
    stage_open(&st, o);
    r = run_s(&st, "1 cat, 2 dogs, 3 owls, 4 bats, 5 rats.");
    ck_assert_int_eq(json_array_size(json_object_get(r, "numbers")), 3);
    ck_assert_int_eq(json_array_size(json_object_get(r, "warnings")), 1);
    json_decref(r);
    json_decref(o);
    stage_close(&st);
}
END_TEST

/* The names option adds files of known names. */
START_TEST(extra_names_file)
{
    char path[] = "/tmp/numbers-names-XXXXXX";
    int fd = mkstemp(path);
    FILE *fp;
    stage st;
    json_t *o, *r;
    ck_assert_int_ge(fd, 0);
    fp = fdopen(fd, "w");
    fputs("# my names\nname Agent 47\nprefix Model\n", fp);
    fclose(fp);
    o = json_pack("{s:[s]}", "names", path);
    stage_open(&st, o);
    r = run_s(&st, "Agent 47 met Model 3 owners and 12 others.");
    ck_assert_int_eq(json_array_size(json_object_get(r, "numbers")), 1);
    json_decref(r);
    stage_close(&st);
    json_decref(o);
    remove(path);
}
END_TEST

START_TEST(bad_names_file)
{
    const tp_plugin *pl = numbers_LTX_textpipe_plugin();
    void *inst = NULL;
    tp_error err;
    json_t *o = json_pack("{s:[s]}", "names", "/nonexistent/names.txt");
    ck_assert_int_eq(pl->create(&inst, o, &err), TP_ERROR);
    ck_assert_str_eq(err.option, "names");
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/names.txt"));
    json_decref(o);
}
END_TEST

START_TEST(descriptor)
{
    const tp_plugin *pl = numbers_LTX_textpipe_plugin();
    ck_assert_str_eq(pl->name, "numbers");
    ck_assert_int_eq(pl->abi_major, TP_ABI_MAJOR);
    ck_assert_str_eq(pl->writes[0], "numbers");
    ck_assert_str_eq(pl->reads[0], "text");
}
END_TEST

static Suite *numbers_suite(void)
{
    Suite *s = suite_create("numbers");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, descriptor);
    tcase_add_test(tc, cases_file);
    tcase_add_test(tc, cases_file_pcre2_candidates);
    tcase_add_test(tc, exact_values);
    tcase_add_test(tc, code_point_offsets);
    tcase_add_test(tc, empty_text);
    tcase_add_test(tc, record_without_text);
    tcase_add_test(tc, ten_megabytes_of_digits);
    tcase_add_test(tc, thousands_of_numbers);
    tcase_add_test(tc, block_scan_matches_pattern);
    tcase_add_test(tc, batches_of_findings);
    tcase_add_test(tc, exclusion_prefilter);
    tcase_add_test(tc, shared_values);
    tcase_add_test(tc, shared_values_fast_path);
    tcase_add_test(tc, word_packing_fast_path);
    tcase_add_test(tc, iso_strings_fast_path);
    tcase_add_test(tc, stop_words_fast_path);
    tcase_add_test(tc, previous_word_fast_path);
    tcase_add_test(tc, previous_word_kept);
    tcase_add_test(tc, code_points_at_every_distance);
    tcase_add_test(tc, currency_code_filter);
    tcase_add_test(tc, suffix_length_filters);
    tcase_add_test(tc, skip_spaces_fast_path);
    tcase_add_test(tc, max_findings_warns);
    tcase_add_test(tc, extra_names_file);
    tcase_add_test(tc, bad_names_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(numbers_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
