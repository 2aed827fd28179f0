/* Tests of the normalise stage: the cases file, the offset map, records
 * normalised twice, malformed records, and properties over generated text. */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"
#include "../normtab.h"

const tp_plugin *normalise_LTX_textpipe_plugin(void);

/* ---- helpers ---------------------------------------------------------------- */

typedef struct stage {
    const tp_plugin *p;
    void *inst, *worker;
} stage;

/* "name=value,name=value" over the defaults, as the runner would hand them. */
static json_t *options_from(const char *spec)
{
    const tp_option_spec *o;
    json_t *opts = json_object();
    char buf[256], *tok, *save = NULL;
    for (o = normalise_LTX_textpipe_plugin()->options; o->name != NULL; o++) {
        if (o->type == TP_OPT_BOOL)
            json_object_set_new(opts, o->name, json_boolean(strcmp(o->default_value, "true") == 0));
        else
            json_object_set_new(opts, o->name, json_string(o->default_value));
    }
    snprintf(buf, sizeof buf, "%s", spec ? spec : "");
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        ck_assert_msg(eq != NULL, "bad option %s", tok);
        *eq = '\0';
        ck_assert_msg(json_object_get(opts, tok) != NULL, "unknown option %s", tok);
        if (strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "false") == 0)
            json_object_set_new(opts, tok, json_boolean(strcmp(eq + 1, "true") == 0));
        else
            json_object_set_new(opts, tok, json_string(eq + 1));
    }
    return opts;
}

static void stage_open(stage *st, const char *spec)
{
    tp_error err;
    json_t *opts = options_from(spec);
    st->p = normalise_LTX_textpipe_plugin();
    ck_assert_int_eq(st->p->create(&st->inst, opts, &err), TP_OK);
    ck_assert_int_eq(st->p->worker_init(&st->worker, st->inst, &err), TP_OK);
    json_decref(opts);
}

static void stage_close(stage *st)
{
    st->p->worker_fini(st->inst, st->worker);
    st->p->destroy(st->inst);
}

static json_t *rec_n(const char *s, size_t n)
{
    json_t *r = json_object();
    json_object_set_new(r, "text", json_stringn_nocheck(s, n));
    return r;
}

static int run(stage *st, json_t *r)
{
    tp_error err;
    return st->p->process(st->inst, st->worker, r, &err);
}

/* Normalise s alone; the result is malloc'ed. */
static char *norm_alone(stage *st, const char *s, size_t n, size_t *out_n)
{
    json_t *r = rec_n(s, n);
    json_t *t;
    char *o;
    ck_assert_int_eq(run(st, r), TP_OK);
    t = json_object_get(r, "text");
    *out_n = json_string_length(t);
    o = malloc(*out_n + 1);
    memcpy(o, json_string_value(t), *out_n + 1);
    json_decref(r);
    return o;
}

/* Escapes: \n \t \r \\ \xHH (a byte) \u{HHHH} (a code point). */
static size_t unescape(const char *s, size_t len, char *out)
{
    size_t i = 0, n = 0;
    while (i < len) {
        if (s[i] != '\\' || i + 1 >= len) {
            out[n++] = s[i++];
            continue;
        }
        i++;
        switch (s[i]) {
        case 'n': out[n++] = '\n'; i++; break;
        case 't': out[n++] = '\t'; i++; break;
        case 'r': out[n++] = '\r'; i++; break;
        case '\\': out[n++] = '\\'; i++; break;
        case 'x': {
            char h[3] = {s[i + 1], s[i + 2], 0};
            out[n++] = (char)strtol(h, NULL, 16);
            i += 3;
            break;
        }
        case 'u': {
            const char *end = memchr(s + i, '}', len - i);
            long c = strtol(s + i + 2, NULL, 16);
            ck_assert(end != NULL);
            n += (size_t)utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)out + n);
            i = (size_t)(end - s) + 1;
            break;
        }
        default:
            ck_abort_msg("unknown escape \\%c", s[i]);
        }
    }
    out[n] = '\0';
    return n;
}

static size_t cps(const char *s, size_t n)
{
    size_t c = 0, i;
    for (i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static int valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t c;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (l <= 0)
            return 0;
        i += (size_t)l;
    }
    return 1;
}

/* The map must be well formed and end at the lengths of both texts. */
static void check_map(json_t *r)
{
    tp_text *t = tp_text_new();
    json_t *m = json_object_get(r, "offset_map");
    json_t *o = json_object_get(r, "original");
    json_t *x = json_object_get(r, "text");
    size_t n;
    ck_assert(json_is_array(m));
    ck_assert(json_is_string(o));
    ck_assert_int_eq(tp_text_load(t, r), 0);
    n = json_array_size(m);
    ck_assert_uint_eq((size_t)json_integer_value(json_array_get(m, n - 2)),
                      cps(json_string_value(x), json_string_length(x)));
    ck_assert_uint_eq((size_t)json_integer_value(json_array_get(m, n - 1)),
                      cps(json_string_value(o), json_string_length(o)));
    tp_text_free(t);
}

/* ---- the cases file ----------------------------------------------------------- */

START_TEST(cases_file)
{
    const char *top = getenv("top_srcdir");
    char path[1024], line[4096], in[4096], want[4096];
    FILE *f;
    int lineno = 0, ncases = 0;
    snprintf(path, sizeof path, "%s/plugins/normalise/tests/cases.txt", top ? top : ".");
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, f) != NULL) {
        char opts[256] = "";
        char *p = line, *arrow;
        size_t len = strlen(line), nin, nwant = 0;
        int same;
        stage st;
        json_t *r, *t;
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (*p == '[') {
            char *close = strchr(p, ']');
            ck_assert_msg(close != NULL, "line %d: no ]", lineno);
            snprintf(opts, sizeof opts, "%.*s", (int)(close - p - 1), p + 1);
            p = close + 1;
            if (*p == ' ')
                p++;
        }
        arrow = strstr(p, " => ");
        ck_assert_msg(arrow != NULL, "line %d: no =>", lineno);
        nin = unescape(p, (size_t)(arrow - p), in);
        same = strcmp(arrow + 4, "=") == 0;
        if (!same)
            nwant = unescape(arrow + 4, strlen(arrow + 4), want);
        stage_open(&st, opts);
        r = rec_n(in, nin);
        ck_assert_int_eq(run(&st, r), TP_OK);
        t = json_object_get(r, "text");
        if (same) {
            ck_assert_msg(json_string_length(t) == nin && memcmp(json_string_value(t), in, nin) == 0,
                          "line %d: changed to [%s]", lineno, json_string_value(t));
            ck_assert_msg(json_object_get(r, "original") == NULL, "line %d: original set", lineno);
            ck_assert_msg(json_object_get(r, "offset_map") == NULL, "line %d: map set", lineno);
        } else {
            ck_assert_msg(json_string_length(t) == nwant &&
                              memcmp(json_string_value(t), want, nwant) == 0,
                          "line %d: got [%s], want [%s]", lineno, json_string_value(t), want);
            if (strstr(opts, "keep_original=false") == NULL) {
                json_t *o = json_object_get(r, "original");
                ck_assert_msg(json_is_string(o) && json_string_length(o) == nin &&
                                  memcmp(json_string_value(o), in, nin) == 0,
                              "line %d: original not kept", lineno);
                check_map(r);
            } else {
                ck_assert(json_object_get(r, "original") == NULL);
                ck_assert(json_object_get(r, "offset_map") == NULL);
            }
            {
                /* Idempotent: a second pass changes nothing. */
                json_t *again = json_deep_copy(r);
                ck_assert_int_eq(run(&st, again), TP_OK);
                ck_assert_msg(json_equal(again, r), "line %d: second pass changed the record",
                              lineno);
                json_decref(again);
            }
        }
        json_decref(r);
        stage_close(&st);
        ncases++;
    }
    fclose(f);
    ck_assert_int_gt(ncases, 50);
}
END_TEST

/* ---- the offset map ------------------------------------------------------------- */

static json_t *map_of(const char *spec, const char *s)
{
    stage st;
    json_t *r = rec_n(s, strlen(s)), *m;
    stage_open(&st, spec);
    ck_assert_int_eq(run(&st, r), TP_OK);
    stage_close(&st);
    m = json_incref(json_object_get(r, "offset_map"));
    json_decref(r);
    return m;
}

static void assert_map(json_t *m, const size_t *want, size_t n)
{
    size_t i;
    ck_assert_msg(json_is_array(m), "no map");
    ck_assert_uint_eq(json_array_size(m), n);
    for (i = 0; i < n; i++)
        ck_assert_msg((size_t)json_integer_value(json_array_get(m, i)) == want[i],
                      "map[%zu] = %lld, want %zu", i, json_integer_value(json_array_get(m, i)),
                      want[i]);
    json_decref(m);
}

START_TEST(map_is_small)
{
    /* 1:1 changes (a quote) need no breakpoint. */
    static const size_t q[] = {0, 0, 10, 10};
    /* "a  b": the second space removed. */
    static const size_t sp[] = {0, 0, 2, 2, 2, 3, 3, 4};
    /* A CRLF: two characters become one. */
    static const size_t crlf[] = {0, 0, 1, 1, 2, 3, 3, 4};
    /* Combining e + acute -> é, then the emoji 1:1. */
    static const size_t nfc[] = {0, 0, 1, 1, 2, 3, 4, 5};
    /* Leading and trailing white space trimmed. */
    static const size_t trim[] = {0, 0, 0, 2, 2, 4, 2, 6};
    assert_map(map_of(NULL, "don\xe2\x80\x99t stop"), q, 4);
    assert_map(map_of(NULL, "a  b"), sp, 8);
    assert_map(map_of(NULL, "a\r\nb"), crlf, 8);
    assert_map(map_of(NULL, "xe\xcc\x81 \xf0\x9f\x98\x80"), nfc, 8);
    assert_map(map_of(NULL, "  ab \n"), trim, 8);
}
END_TEST

START_TEST(clean_long_text_untouched)
{
    /* A long clean text (ASCII with some accented letters, emoji and Greek)
     * comes back byte-identical, the same string object, no original. */
    stage st;
    char *s = malloc(200000);
    size_t n = 0;
    json_t *r, *t;
    while (n < 199000) {
        const char *piece = (n / 97) % 5 == 0 ? "Caf\xc3\xa9 \xce\xb1\xce\xb2 \xf0\x9f\x98\x80 ok. "
                                              : "The quick brown fox, 42 times.\n\nNext: ";
        memcpy(s + n, piece, strlen(piece));
        n += strlen(piece);
    }
    memcpy(s + n, "end.", 4);
    n += 4;
    r = rec_n(s, n);
    t = json_object_get(r, "text");
    stage_open(&st, NULL);
    ck_assert_int_eq(run(&st, r), TP_OK);
    ck_assert_ptr_eq(json_object_get(r, "text"), t);
    ck_assert_ptr_null(json_object_get(r, "original"));
    ck_assert_ptr_null(json_object_get(r, "offset_map"));
    stage_close(&st);
    json_decref(r);
    free(s);
}
END_TEST

/* ---- malformed records ------------------------------------------------------------- */

START_TEST(malformed_records)
{
    stage st;
    tp_error err;
    json_t *r;
    stage_open(&st, NULL);
    r = json_pack("{s:s}", "id", "x");
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    ck_assert(strstr(err.message, "text") != NULL);
    json_decref(r);
    r = json_pack("{s:i}", "text", 42);
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    json_decref(r);
    r = json_pack("{s:n}", "text");
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    json_decref(r);
    r = json_pack("{s:[s]}", "text", "a");
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    json_decref(r);
    /* An old map that does not fit the text. */
    r = json_pack("{s:s, s:s, s:[i,i,i,i]}", "text", "a  b", "original", "a  b", "offset_map", 0,
                  0, 9, 9);
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    json_decref(r);
    r = json_pack("{s:s, s:i}", "text", "a  b", "original", 3);
    ck_assert_int_eq(st.p->process(st.inst, st.worker, r, &err), TP_ERROR);
    json_decref(r);
    /* Bytes that are not UTF-8 (only possible when a caller skips jansson's
     * check) and NUL characters: no crash, valid UTF-8 out. */
    {
        static const char bad[] = "a\xff\xc3(b\xe2\x80 \x00z\xf0\x9f";
        json_t *t;
        r = rec_n(bad, sizeof bad - 1);
        ck_assert_int_eq(run(&st, r), TP_OK);
        t = json_object_get(r, "text");
        ck_assert(valid_utf8(json_string_value(t), json_string_length(t)));
        ck_assert_str_eq(json_string_value(t), "a\xef\xbf\xbd\xef\xbf\xbd(b\xef\xbf\xbd\xef\xbf\xbd z"
                                               "\xef\xbf\xbd\xef\xbf\xbd");
        json_decref(r);
    }
    /* Empty text. */
    r = rec_n("", 0);
    ck_assert_int_eq(run(&st, r), TP_OK);
    ck_assert_ptr_null(json_object_get(r, "original"));
    json_decref(r);
    r = rec_n(" \n ", 3);
    ck_assert_int_eq(run(&st, r), TP_OK);
    ck_assert_str_eq(json_string_value(json_object_get(r, "text")), "");
    check_map(r);
    json_decref(r);
    stage_close(&st);
}
END_TEST

START_TEST(bad_form_refused)
{
    const tp_plugin *p = normalise_LTX_textpipe_plugin();
    void *inst = NULL;
    tp_error err;
    json_t *opts = options_from("form=NFD");
    ck_assert_int_eq(p->create(&inst, opts, &err), TP_ERROR);
    ck_assert_str_eq(err.option, "form");
    json_decref(opts);
}
END_TEST

/* ---- twice ------------------------------------------------------------------------- */

START_TEST(second_pass_composes_maps)
{
    /* First pass only folds spaces; the second also straightens quotes
     * and removes a zero-width space.  The map must still lead from the
     * final text to the text as first read. */
    stage a, b;
    static const char in[] = "  \xe2\x80\x9cSo\xe2\x80\x8b  far\xe2\x80\x9d,\r\n\r\n\r\nsaid   Ann.";
    json_t *r = rec_n(in, sizeof in - 1);
    tp_text *t = tp_text_new();
    const char *words[] = {"So", "far", "said", "Ann"};
    size_t i;
    stage_open(&a, "form=none,quotes=false,dashes=false,newlines=false,trim=false,strip_invisible=false");
    stage_open(&b, NULL);
    ck_assert_int_eq(run(&a, r), TP_OK);
    ck_assert_int_eq(run(&b, r), TP_OK);
    ck_assert_str_eq(json_string_value(json_object_get(r, "text")), "\"So far\",\n\nsaid Ann.");
    ck_assert_str_eq(json_string_value(json_object_get(r, "original")), in);
    check_map(r);
    ck_assert_int_eq(tp_text_load(t, r), 0);
    for (i = 0; i < 4; i++) {
        const char *x = json_string_value(json_object_get(r, "text"));
        const char *hit = strstr(x, words[i]);
        size_t s = (size_t)(hit - x), os, oe;
        size_t orig_cps[64], k, c = 0;
        char piece[64];
        ck_assert_int_eq(tp_text_orig(t, s, s + strlen(words[i]), &os, &oe), 1);
        /* Cut [os, oe) out of the original, in code points. */
        for (k = 0; k < sizeof in - 1; k++)
            if (((unsigned char)in[k] & 0xC0) != 0x80)
                orig_cps[c++] = k;
        orig_cps[c] = sizeof in - 1;
        snprintf(piece, sizeof piece, "%.*s", (int)(orig_cps[oe] - orig_cps[os]), in + orig_cps[os]);
        ck_assert_str_eq(piece, words[i]);
    }
    tp_text_free(t);
    json_decref(r);
    stage_close(&a);
    stage_close(&b);
}
END_TEST

/* ---- generated text ------------------------------------------------------------------ */

static const char *const atoms[] = {
    "a", "b", "e", "o", "u", "i", "A", "E", "x", "7", ".", ",", "-", "'", "<", "=",
    " ", " ", " ", "  ", "\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r",
    "\xe2\x80\x98", "\xe2\x80\x99", "\xe2\x80\x9c", "\xe2\x80\x9d",                    /* ‘ ’ “ ” */
    "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x88\x92", "\xe2\x80\x90",                    /* – — − ‐ */
    "\xc2\xa0", "\xe2\x80\x89", "\xe3\x80\x80",                                        /* spaces */
    "\xcc\x81", "\xcc\x88", "\xcc\xa7", "\xcc\xa3", "\xcc\x87", "\xcc\x82", "\xcc\xb8", /* marks */
    "\xc3\xa9", "\xe1\xb8\x8b", "\xc3\x85", "\xe2\x84\xab", "\xce\xac", "\xe1\xbb\x87", /* é ḋ Å Å ά ệ */
    "\xf0\x9f\x98\x80", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", "\xe2\x80\x8d",           /* emoji, ZWJ */
    "\xe2\x80\x8b", "\xc2\xad", "\xef\xbb\xbf", "\x01", "\x7f", "\xc2\x85",            /* invisible */
    "\xe2\x80\xa6", "\xef\xac\x81", "\xc2\xb2", "\xe0\xa5\x98",                        /* … ﬁ ² क़ */
    "\xc3\xa2\xe2\x82\xac\xe2\x84\xa2", "\xc3\x83\xc2\xa9",                            /* mojibake */
    "\xe1\x84\x80", "\xe1\x85\xa1", "\xe1\x86\xa8", "\xea\xb0\x80",                    /* jamo, 가 */
    "\xce\xb1", "\xd0\xb6",                                                           /* α ж */
};
#define NATOMS (sizeof atoms / sizeof atoms[0])

static uint64_t rng_state = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static size_t gen(char *buf, unsigned max_atoms)
{
    unsigned k, count = 1 + rnd(max_atoms);
    size_t n = 0;
    for (k = 0; k < count; k++) {
        const char *a = atoms[rnd(NATOMS)];
        memcpy(buf + n, a, strlen(a));
        n += strlen(a);
    }
    buf[n] = '\0';
    return n;
}

/* Byte offsets of each code point of s (and of its end). */
static size_t cp_offsets(const char *s, size_t n, size_t *off)
{
    size_t k, c = 0;
    for (k = 0; k < n; k++)
        if (((unsigned char)s[k] & 0xC0) != 0x80)
            off[c++] = k;
    off[c] = n;
    return c;
}

/* Where the map can place a boundary: 2 at a breakpoint, 1 inside a 1:1
 * stretch. */
static void expressible(json_t *map, size_t tlen, char *ok)
{
    size_t n = json_array_size(map), i, p;
    memset(ok, 0, tlen + 1);
    for (i = 0; i + 1 < n; i += 2) {
        size_t t0 = (size_t)json_integer_value(json_array_get(map, i));
        size_t o0 = (size_t)json_integer_value(json_array_get(map, i + 1));
        if (i + 3 < n) {
            size_t t1 = (size_t)json_integer_value(json_array_get(map, i + 2));
            size_t o1 = (size_t)json_integer_value(json_array_get(map, i + 3));
            if (t1 - t0 == o1 - o0)
                for (p = t0; p <= t1; p++)
                    ok[p] = 1;
        }
    }
    for (i = 0; i + 1 < n; i += 2)
        ok[(size_t)json_integer_value(json_array_get(map, i))] = 2;
}

/* Inside a 1:1 stretch, does output character p really stand for the one
 * input character the map gives?  (A replaced block as long as what it
 * replaces looks like a 1:1 stretch in the map's format.) */
static int char_matches(stage *st, tp_text *t, const char *in, const size_t *ioff,
                        const char *out, const size_t *ooff, size_t p)
{
    size_t os, oe, n;
    char *got;
    int same;
    tp_text_orig(t, p, p + 1, &os, &oe);
    if (oe != os + 1)
        return 0;
    got = norm_alone(st, in + ioff[os], ioff[oe] - ioff[os], &n);
    same = n == ooff[p + 1] - ooff[p] && memcmp(got, out + ooff[p], n) == 0;
    free(got);
    return same;
}

static int is_ws_cp(const char *s, size_t at)
{
    return s[at] == ' ' || s[at] == '\t' || s[at] == '\n';
}

/* Output position p starts a new character cluster: the character there
 * neither combines with nor reorders against what comes before it. */
static int cluster_start(const char *s, size_t n, size_t byte)
{
    utf8proc_int32_t c;
    if (byte >= n)
        return 1;
    utf8proc_iterate((const utf8proc_uint8_t *)s + byte, (utf8proc_ssize_t)(n - byte), &c);
    if ((c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2))
        return 0;
    return utf8proc_get_property(c)->combining_class == 0;
}

/*
 * The property: for every span [a, b) of the output, with a < b, whose two
 * ends the map can express (see expressible), that starts and ends a
 * character cluster, and that neither starts nor ends with white space,
 * the span of the input the map gives, normalised alone, is exactly the
 * output span.  Why these restrictions: inside a replaced block the map
 * has no answer by design; a cut inside a cluster cuts a base from its
 * marks, which normalise alone differently by Unicode's rules; and white
 * space at a span's edge is trimmed or folded by its neighbours.  One more:
 * the map's format cannot tell a replaced block from a 1:1 stretch when
 * both sides have the same length (NFKC: ligature fi + diaeresis -> f +
 * i-diaeresis), so at an end inside a 1:1 stretch the character next to it
 * must itself be the image of the one input character it maps to.  Every
 * other output span is a whole word, number or phrase, and those are what
 * the later stages report.
 */
static void check_spans(stage *st, const char *in, size_t nin, json_t *r)
{
    const char *out = json_string_value(json_object_get(r, "text"));
    size_t nout = json_string_length(json_object_get(r, "text"));
    json_t *map = json_object_get(r, "offset_map");
    static size_t ooff[4096], ioff[4096];
    static char ok[4096];
    size_t tl = cp_offsets(out, nout, ooff), a, b;
    tp_text *t = tp_text_new();
    cp_offsets(in, nin, ioff);
    if (map == NULL) { /* unchanged: identity */
        tp_text_free(t);
        return;
    }
    expressible(map, tl, ok);
    ck_assert_int_eq(tp_text_load(t, r), 0);
    for (a = 0; a < tl; a++) {
        if (!ok[a] || is_ws_cp(out, ooff[a]) || !cluster_start(out, nout, ooff[a]))
            continue;
        if (ok[a] == 1 && !char_matches(st, t, in, ioff, out, ooff, a))
            continue;
        for (b = a + 1; b <= tl; b++) {
            size_t os, oe, got_n;
            char *got;
            if (!ok[b] || is_ws_cp(out, ooff[b - 1]) || !cluster_start(out, nout, ooff[b]))
                continue;
            if (ok[b] == 1 && !char_matches(st, t, in, ioff, out, ooff, b - 1))
                continue;
            tp_text_orig(t, a, b, &os, &oe);
            got = norm_alone(st, in + ioff[os], ioff[oe] - ioff[os], &got_n);
            if (!(got_n == ooff[b] - ooff[a] && memcmp(got, out + ooff[a], got_n) == 0)) {
                char *x = json_dumps(r, JSON_ENSURE_ASCII);
                ck_abort_msg("span [%zu,%zu) of %s: input [%zu,%zu) normalises to [%s]", a, b, x,
                             os, oe, got);
            }
            free(got);
        }
    }
    tp_text_free(t);
}

static const char *const property_options[] = {
    "",
    "ellipsis=true,dehyphenate=true,mojibake=true",
    "form=NFKC,dehyphenate=true",
    "form=none,quotes=false,spaces=false",
    "newlines=false,trim=false,strip_invisible=false,dashes=false",
};

START_TEST(property_spans_and_idempotence)
{
    stage st;
    char in[1024];
    int k;
    stage_open(&st, property_options[_i]);
    rng_state = 88172645463325252ULL + (uint64_t)_i;
    for (k = 0; k < 400; k++) {
        size_t nin = gen(in, 24);
        json_t *r = rec_n(in, nin), *again;
        ck_assert_int_eq(run(&st, r), TP_OK);
        if (json_object_get(r, "offset_map") != NULL)
            check_map(r);
        check_spans(&st, in, nin, r);
        again = json_deep_copy(r);
        ck_assert_int_eq(run(&st, again), TP_OK);
        if (!json_equal(again, r)) {
            char *x = json_dumps(r, JSON_ENSURE_ASCII), *y = json_dumps(again, JSON_ENSURE_ASCII);
            stage f;
            json_t *r3 = rec_n(in, nin);
            stage_open(&f, property_options[_i]);
            run(&f, r3);
            fprintf(stderr, "k=%d fresh: %s\n", k, json_dumps(r3, JSON_ENSURE_ASCII));
            ck_abort_msg("not idempotent: %s then %s", x, y);
        }
        json_decref(again);
        json_decref(r);
    }
    stage_close(&st);
}
END_TEST

/* With every other option off, the stage is utf8proc's NFC / NFKC. */
START_TEST(agrees_with_utf8proc)
{
    static const char *const specs[] = {
        "quotes=false,dashes=false,spaces=false,newlines=false,trim=false,strip_invisible=false",
        "form=NFKC,quotes=false,dashes=false,spaces=false,newlines=false,trim=false,"
        "strip_invisible=false"};
    stage st;
    char in[1024];
    int k;
    stage_open(&st, specs[_i]);
    rng_state = 1234567ULL + (uint64_t)_i;
    for (k = 0; k < 3000; k++) {
        size_t nin = gen(in, 30), got_n;
        char *got = norm_alone(&st, in, nin, &got_n);
        utf8proc_uint8_t *want = _i ? utf8proc_NFKC((const utf8proc_uint8_t *)in)
                                    : utf8proc_NFC((const utf8proc_uint8_t *)in);
        ck_assert_msg(strcmp(got, (const char *)want) == 0, "[%s]: got [%s], want [%s]", in, got,
                      want);
        free(want);
        free(got);
    }
    stage_close(&st);
}
END_TEST

/* The table the build wrote (blocks of code points, each distinct block
 * once) says for every code point what utf8proc's data says, worked out
 * afresh; and the worked-out table says what it should of a few. */
START_TEST(table_matches_utf8proc)
{
    uint8_t *slow = malloc(NORM_NCP);
    int32_t c;
    ck_assert_ptr_nonnull(slow);
    ck_assert_int_eq(normalise_table_build(slow), 0);
    for (c = 0; c < NORM_NCP; c++)
        ck_assert_msg(normalise_tab(c) == slow[c], "U+%04X: table %u, utf8proc %u", (unsigned)c,
                      normalise_tab(c), slow[c]);
    /* é: normal in both forms, and a boundary */
    ck_assert_uint_eq(slow[0xE9] & 0x0F, T_OK_NFC | T_OK_NFKC | T_BND_NFC | T_BND_NFKC);
    /* a combining acute attaches to what precedes it */
    ck_assert_uint_eq(slow[0x301] & 0x0F, 0);
    /* the fi ligature: normal for NFC, not for NFKC */
    ck_assert_uint_eq(slow[0xFB01] & (T_OK_NFC | T_OK_NFKC), T_OK_NFC);
    /* a Hangul vowel jamo composes with the syllable before it */
    ck_assert_uint_eq(slow[0x1161] & (T_BND_NFC | T_OK_NFC), 0);
    ck_assert_uint_eq(T_KIND(slow[0x2019]), K_SQUOTE);
    ck_assert_uint_eq(T_KIND(slow[0x2014]), K_DASH);
    ck_assert_uint_eq(T_KIND(slow[0xFEFF]), K_INVIS);
    ck_assert_uint_eq(slow[0xD800], 0); /* surrogates are no characters */
    free(slow);
}
END_TEST

static Suite *normalise_suite(void)
{
    Suite *s = suite_create("normalise");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, cases_file);
    tcase_add_test(tc, map_is_small);
    tcase_add_test(tc, clean_long_text_untouched);
    tcase_add_test(tc, malformed_records);
    tcase_add_test(tc, bad_form_refused);
    tcase_add_test(tc, second_pass_composes_maps);
    tcase_add_loop_test(tc, property_spans_and_idempotence, 0,
                        (int)(sizeof property_options / sizeof property_options[0]));
    tcase_add_loop_test(tc, agrees_with_utf8proc, 0, 2);
    tcase_add_test(tc, table_matches_utf8proc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(normalise_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
