/* Unit tests of the unsourced stage.
 *
 * Most cases live in cases.txt (one block a case, read through $top_srcdir):
 *
 *     === name
 *     One sentence a line.  A blank line starts a new paragraph.
 *     --- record
 *     entity PER Q1 Zhao Lijian     every mention of the text becomes an entity
 *     number 42 million             every occurrence becomes a number
 *     nosentences                   leave `sentences` out (the stage splits)
 *     --- expect
 *     attrs 2                       number of attributions
 *     attr cue=said | source=Zhao Lijian | quality=named | kind=direct
 *     noattr cue=said | source=he   no attribution matches all of these
 *     claims 3                      number of claims
 *     claim 1 | status=attributed | source=he | from=2 | reasons=number,event
 *     noclaim 0
 *
 * attr keys: cue, source (text, or - for none), quality, kind, content
 * (exact text), content^ (its beginning), entity (entity_id), label,
 * resolved (text of the mention it was resolved to), sentence.  claim
 * keys: status, cue, source, from (source_sentence, or - for none),
 * reasons (each listed must be there), noreason.
 *
 * The other tests build unusual records in C. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"

const tp_plugin *unsourced_LTX_textpipe_plugin(void);

static const tp_plugin *P;
static void *inst, *wk;

static void setup(void)
{
    tp_error err;
    json_t *opts = json_object();
    P = unsourced_LTX_textpipe_plugin();
    ck_assert_int_eq(P->create(&inst, opts, &err), TP_OK);
    ck_assert_int_eq(P->worker_init(&wk, inst, &err), TP_OK);
    json_decref(opts);
}

static void teardown(void)
{
    P->worker_fini(inst, wk);
    P->destroy(inst);
}

static size_t cp_of(const char *s, size_t byte)
{
    size_t i, n = 0;
    for (i = 0; i < byte; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

static char *read_cases(size_t *len)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    FILE *f;
    char *buf;
    long n;
    snprintf(path, sizeof path, "%s/plugins/unsourced/tests/cases.txt", top ? top : ".");
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Split "a | b | c" fields; returns the value of key or NULL. */
static const char *field(const char *spec, const char *key, char *out, size_t outsize)
{
    size_t kl = strlen(key);
    const char *p = spec;
    while (*p) {
        const char *e = strstr(p, " | ");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (*p == ' ') {
            p++;
            n--;
        }
        if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl = n - kl - 1;
            if (vl >= outsize)
                vl = outsize - 1;
            memcpy(out, p + kl + 1, vl);
            out[vl] = '\0';
            while (vl > 0 && out[vl - 1] == ' ')
                out[--vl] = '\0';
            return out;
        }
        if (!e)
            break;
        p = e + 3;
    }
    return NULL;
}

static const char *span_text(const json_t *o, const char *key)
{
    const json_t *s = json_object_get(o, key);
    if (s == NULL || json_is_null(s))
        return "-";
    return json_string_value(json_object_get(s, "text"));
}

static int attr_matches(const json_t *a, const char *spec)
{
    char v[512];
    const json_t *src = json_object_get(a, "source");
    if (field(spec, "cue", v, sizeof v) && strcmp(span_text(a, "cue"), v) != 0)
        return 0;
    if (field(spec, "source", v, sizeof v) && strcmp(span_text(a, "source"), v) != 0)
        return 0;
    if (field(spec, "quality", v, sizeof v) &&
        strcmp(json_string_value(json_object_get(a, "quality")), v) != 0)
        return 0;
    if (field(spec, "kind", v, sizeof v) && strcmp(json_string_value(json_object_get(a, "kind")), v) != 0)
        return 0;
    if (field(spec, "content", v, sizeof v) && strcmp(span_text(a, "content"), v) != 0)
        return 0;
    if (field(spec, "content^", v, sizeof v) && strncmp(span_text(a, "content"), v, strlen(v)) != 0)
        return 0;
    if (field(spec, "sentence", v, sizeof v) &&
        json_integer_value(json_object_get(a, "sentence")) != atoi(v))
        return 0;
    if (field(spec, "entity", v, sizeof v)) {
        const char *id = json_is_object(src) ? json_string_value(json_object_get(src, "entity_id")) : NULL;
        if (id == NULL || strcmp(id, v) != 0)
            return 0;
    }
    if (field(spec, "label", v, sizeof v)) {
        const char *l = json_is_object(src) ? json_string_value(json_object_get(src, "label")) : NULL;
        if (l == NULL || strcmp(l, v) != 0)
            return 0;
    }
    if (field(spec, "resolved", v, sizeof v)) {
        const json_t *r = json_is_object(src) ? json_object_get(src, "resolved_from") : NULL;
        if (r == NULL || strcmp(json_string_value(json_object_get(r, "text")), v) != 0)
            return 0;
    }
    return 1;
}

static const json_t *claim_for(const json_t *rec, long s)
{
    size_t i;
    const json_t *cl = json_object_get(rec, "claims");
    for (i = 0; i < json_array_size(cl); i++)
        if (json_integer_value(json_object_get(json_array_get(cl, i), "sentence")) == s)
            return json_array_get(cl, i);
    return NULL;
}

static int has_reason(const json_t *c, const char *r)
{
    size_t i;
    const json_t *rs = json_object_get(c, "reasons");
    for (i = 0; i < json_array_size(rs); i++)
        if (strcmp(json_string_value(json_array_get(rs, i)), r) == 0)
            return 1;
    return 0;
}

/* Run one case; returns the number of failed expectations (printed). */
static int run_case(const char *name, const char *body, const char *recpart, const char *expect)
{
    char *text = malloc(strlen(body) + 1), *dump;
    size_t tl = 0;
    json_t *sents = json_array(), *ents = json_array(), *nums = json_array(), *rec;
    int fails = 0, para_break = 0, nosent = 0;
    const char *p = body;
    tp_error err;
    /* Text: lines are sentences, blank lines paragraphs. */
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) {
            para_break = 1;
        } else {
            size_t st;
            if (tl > 0) {
                if (para_break) {
                    memcpy(text + tl, "\n\n", 2);
                    tl += 2;
                } else {
                    text[tl++] = ' ';
                }
            }
            para_break = 0;
            st = tl;
            memcpy(text + tl, p, n);
            tl += n;
            text[tl] = '\0';
            json_array_append_new(sents, json_pack("{s:I,s:I}", "start", (json_int_t)cp_of(text, st),
                                                   "end", (json_int_t)cp_of(text, tl)));
        }
        p = e ? e + 1 : p + n;
    }
    text[tl] = '\0';
    /* Record keys written by hand. */
    p = recpart;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        char line[512];
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        if (strncmp(line, "entity ", 7) == 0) {
            char label[16], id[64];
            int off = 0;
            if (sscanf(line + 7, "%15s %63s %n", label, id, &off) >= 2 && off > 0) {
                const char *what = line + 7 + off, *q = text;
                while ((q = strstr(q, what)) != NULL) {
                    size_t b = (size_t)(q - text);
                    json_array_append_new(ents, json_pack("{s:I,s:I,s:s,s:s,s:s}", "start",
                        (json_int_t)cp_of(text, b), "end", (json_int_t)cp_of(text, b + strlen(what)),
                        "text", what, "label", label, "entity_id", id));
                    q += strlen(what);
                }
            }
        } else if (strncmp(line, "number ", 7) == 0) {
            const char *what = line + 7, *q = text;
            while ((q = strstr(q, what)) != NULL) {
                size_t b = (size_t)(q - text);
                json_array_append_new(nums, json_pack("{s:I,s:I,s:s}", "start", (json_int_t)cp_of(text, b),
                                                      "end", (json_int_t)cp_of(text, b + strlen(what)),
                                                      "text", what));
                q += strlen(what);
            }
        } else if (strcmp(line, "nosentences") == 0) {
            nosent = 1;
        }
        p = e ? e + 1 : NULL;
    }
    /* Entities in text order, as the entities stage writes them. */
    {
        size_t i, j, n = json_array_size(ents);
        for (i = 1; i < n; i++)
            for (j = i; j > 0; j--) {
                json_t *a = json_array_get(ents, j - 1), *b = json_array_get(ents, j);
                if (json_integer_value(json_object_get(a, "start")) <=
                    json_integer_value(json_object_get(b, "start")))
                    break;
                json_incref(a);
                json_array_set(ents, j - 1, b);
                json_array_set_new(ents, j, a);
            }
    }
    /* Keys with nothing given are left out, as when their stage did not run. */
    rec = json_pack("{s:s}", "text", text);
    if (json_array_size(ents) > 0)
        json_object_set(rec, "entities", ents);
    if (json_array_size(nums) > 0)
        json_object_set(rec, "numbers", nums);
    json_decref(ents);
    json_decref(nums);
    if (!nosent)
        json_object_set(rec, "sentences", sents);
    json_decref(sents);
    ck_assert_int_eq(P->process(inst, wk, rec, &err), TP_OK);
    /* Expectations. */
    p = expect;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        char line[1024], v[512];
        size_t n = e ? (size_t)(e - p) : strlen(p), i;
        int ok = 1;
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        p = e ? e + 1 : NULL;
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (strncmp(line, "attrs ", 6) == 0) {
            ok = json_array_size(json_object_get(rec, "attributions")) == (size_t)atoi(line + 6);
        } else if (strncmp(line, "claims ", 7) == 0) {
            ok = json_array_size(json_object_get(rec, "claims")) == (size_t)atoi(line + 7);
        } else if (strncmp(line, "attr ", 5) == 0 || strncmp(line, "noattr ", 7) == 0) {
            const json_t *as = json_object_get(rec, "attributions");
            int found = 0, neg = line[0] == 'n';
            for (i = 0; i < json_array_size(as); i++)
                if (attr_matches(json_array_get(as, i), line + (neg ? 7 : 5)))
                    found = 1;
            ok = neg ? !found : found;
        } else if (strncmp(line, "noclaim ", 8) == 0) {
            ok = claim_for(rec, atol(line + 8)) == NULL;
        } else if (strncmp(line, "claim ", 6) == 0) {
            const json_t *c = claim_for(rec, atol(line + 6));
            const char *spec = strchr(line, '|') ? strchr(line, '|') + 1 : "";
            if (c == NULL) {
                ok = 0;
            } else {
                if (field(spec, "status", v, sizeof v) &&
                    strcmp(json_string_value(json_object_get(c, "status")), v) != 0)
                    ok = 0;
                if (field(spec, "cue", v, sizeof v) &&
                    (json_string_value(json_object_get(c, "cue")) == NULL ||
                     strcmp(json_string_value(json_object_get(c, "cue")), v) != 0))
                    ok = 0;
                if (field(spec, "source", v, sizeof v) && strcmp(span_text(c, "source"), v) != 0)
                    ok = 0;
                if (field(spec, "from", v, sizeof v)) {
                    const json_t *f = json_object_get(c, "source_sentence");
                    if (strcmp(v, "-") == 0 ? f != NULL : (f == NULL || json_integer_value(f) != atoi(v)))
                        ok = 0;
                }
                if (field(spec, "reasons", v, sizeof v)) {
                    char *tok = strtok(v, ",");
                    while (tok) {
                        if (!has_reason(c, tok))
                            ok = 0;
                        tok = strtok(NULL, ",");
                    }
                }
                if (field(spec, "noreason", v, sizeof v) && has_reason(c, v))
                    ok = 0;
            }
        } else {
            ck_abort_msg("case %s: unknown expectation: %s", name, line);
        }
        if (!ok) {
            fprintf(stderr, "FAIL case \"%s\": %s\n", name, line);
            fails++;
        }
    }
    if (fails) {
        dump = json_dumps(rec, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        fprintf(stderr, "%s\n", dump);
        free(dump);
    }
    json_decref(rec);
    free(text);
    return fails;
}

START_TEST(cases_file)
{
    size_t len;
    char *buf = read_cases(&len), *p = buf;
    int fails = 0, n = 0;
    while ((p = strstr(p, "=== ")) != NULL) {
        char *name = p + 4, *eol = strchr(name, '\n'), *next, *rec, *exp, *body;
        if (eol == NULL)
            break;
        *eol = '\0';
        body = eol + 1;
        next = strstr(body, "\n=== ");
        if (next)
            next[0] = '\0';
        rec = strstr(body, "--- record\n");
        exp = strstr(body, "--- expect\n");
        ck_assert_msg(exp != NULL, "case %s has no --- expect", name);
        if (rec) {
            *rec = '\0';
            rec += 11;
        }
        *exp = '\0';
        exp += 11;
        /* The body ends with one newline before the marker. */
        if (strlen(body) > 0 && body[strlen(body) - 1] == '\n')
            body[strlen(body) - 1] = '\0';
        fails += run_case(name, body, rec, exp);
        n++;
        if (!next)
            break;
        p = next + 1;
    }
    ck_assert_int_gt(n, 20);
    ck_assert_msg(fails == 0, "%d expectations failed (see above)", fails);
    free(buf);
}
END_TEST

static json_t *run_text(const char *text)
{
    tp_error err;
    json_t *rec = json_pack("{s:s}", "text", text);
    ck_assert_int_eq(P->process(inst, wk, rec, &err), TP_OK);
    ck_assert(json_is_array(json_object_get(rec, "claims")));
    ck_assert(json_is_array(json_object_get(rec, "attributions")));
    return rec;
}

START_TEST(one_megabyte_sentence)
{
    /* One sentence of 1 MB with reporting verbs, quotation marks and
     * numbers all through it: bounded time, sane output. */
    size_t n = 1 << 20, i = 0;
    const char *piece = "officials said \"the 42 largest firms grew\" and experts say that ";
    size_t pl = strlen(piece);
    char *s = malloc(n + 1);
    json_t *rec;
    clock_t t0 = clock();
    while (i + pl < n) {
        memcpy(s + i, piece, pl);
        i += pl;
    }
    s[i] = '\0';
    rec = run_text(s);
    ck_assert_uint_le(json_array_size(json_object_get(rec, "claims")), 1);
    ck_assert_uint_gt(json_array_size(json_object_get(rec, "attributions")), 0);
    ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 3.0, "too slow");
    json_decref(rec);
    free(s);
}
END_TEST

START_TEST(unbalanced_quotes)
{
    /* A quotation that never closes attributes nothing beyond its paragraph. */
    json_t *rec = run_text("\xe2\x80\x9cThe plan failed,\xe2\x80\x9d the minister said. "
                           "\xe2\x80\x9cIt cost 40 million dollars and nobody\n\n"
                           "Profits fell to 3 million dollars last year.\n\n"
                           "\" \" \" \xe2\x80\x9d \xe2\x80\x9d");
    const json_t *as = json_object_get(rec, "attributions");
    size_t i;
    int named = 0;
    for (i = 0; i < json_array_size(as); i++) {
        const json_t *a = json_array_get(as, i);
        const char *c = json_string_value(json_object_get(json_object_get(a, "content"), "text"));
        ck_assert_ptr_null(strstr(c, "Profits"));
        if (strcmp(json_string_value(json_object_get(a, "quality")), "named") == 0)
            named++;
    }
    ck_assert_int_ge(named, 1);
    json_decref(rec);
}
END_TEST

START_TEST(only_quotations)
{
    json_t *rec = run_text("\xe2\x80\x9cWe won 42 seats.\xe2\x80\x9d\n\n\xe2\x80\x9cThey lost.\xe2\x80\x9d\n\n"
                           "\"The bridge collapsed in 1990 and 12 people died.\"");
    const json_t *cl = json_object_get(rec, "claims");
    size_t i;
    ck_assert_uint_eq(json_array_size(json_object_get(rec, "attributions")), 0);
    ck_assert_uint_ge(json_array_size(cl), 1);
    for (i = 0; i < json_array_size(cl); i++)
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cl, i), "status")), "unsourced");
    json_decref(rec);
}
END_TEST

START_TEST(empty_and_odd_records)
{
    tp_error err;
    json_t *rec = json_pack("{s:i}", "id", 3);
    ck_assert_int_eq(P->process(inst, wk, rec, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "text"));
    json_decref(rec);
    rec = run_text("");
    ck_assert_uint_eq(json_array_size(json_object_get(rec, "claims")), 0);
    json_decref(rec);
    rec = run_text("   \n\n\t ");
    ck_assert_uint_eq(json_array_size(json_object_get(rec, "claims")), 0);
    json_decref(rec);
    /* Sentences that do not fit the text: a warning, and the stage splits. */
    rec = json_pack("{s:s,s:[{s:i,s:i}],s:s,s:i}", "text", "The bank said profits rose 5 percent.",
                    "sentences", "start", 10, "end", 5000, "entities", "bad", "numbers", 7);
    ck_assert_int_eq(P->process(inst, wk, rec, &err), TP_OK);
    ck_assert_uint_eq(json_array_size(json_object_get(rec, "warnings")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(rec, "claims")), 1);
    json_decref(rec);
}
END_TEST

START_TEST(option_files)
{
    tp_error err;
    void *i2 = NULL;
    char path[] = "/tmp/unsourced_cues_XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    json_t *opts, *rec;
    void *w2 = NULL;
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fputs("# a newsroom's own cue\nspeech: squawked\nweasel: the grapevine\n", f);
    fclose(f);
    opts = json_pack("{s:[s],s:[s]}", "cue_lists", path, "weasel_lists", path);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_OK);
    ck_assert_int_eq(P->worker_init(&w2, i2, &err), TP_OK);
    rec = json_pack("{s:s}", "text", "The grapevine squawked that the mayor resigned.");
    ck_assert_int_eq(P->process(i2, w2, rec, &err), TP_OK);
    ck_assert_str_eq(json_string_value(json_object_get(
        json_array_get(json_object_get(rec, "attributions"), 0), "quality")), "vague");
    json_decref(rec);
    P->worker_fini(i2, w2);
    P->destroy(i2);
    json_decref(opts);
    /* A line without a known tag is refused, naming the file and line. */
    f = fopen(path, "w");
    fputs("speech: said\nverbs: squawked\n", f);
    fclose(f);
    opts = json_pack("{s:s}", "lexicon_lists", path);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_ERROR);
    ck_assert_str_eq(err.option, "lexicon_lists");
    ck_assert_ptr_nonnull(strstr(err.message, ":2:"));
    json_decref(opts);
    remove(path);
    opts = json_pack("{s:[s]}", "cue_lists", "/nonexistent/cues.txt");
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_ERROR);
    ck_assert_str_eq(err.option, "cue_lists");
    json_decref(opts);
}
END_TEST

/* The model finds a cue outside the lists; with tagger: false (rules
 * only) the sentence has no attribution. */
START_TEST(tagger_option)
{
    tp_error err;
    int on;
    for (on = 0; on <= 1; on++) {
        void *i2 = NULL, *w2 = NULL;
        json_t *opts = json_pack("{s:b}", "tagger", on);
        json_t *rec = json_pack("{s:s}", "text", "Sanders railed against Wall Street banks for hours.");
        json_t *a;
        ck_assert_int_eq(P->create(&i2, opts, &err), TP_OK);
        ck_assert_int_eq(P->worker_init(&w2, i2, &err), TP_OK);
        ck_assert_int_eq(P->process(i2, w2, rec, &err), TP_OK);
        a = json_object_get(rec, "attributions");
        ck_assert_int_eq(json_array_size(a), (size_t)on);
        if (on) {
            json_t *x = json_array_get(a, 0);
            ck_assert_str_eq(json_string_value(json_object_get(json_object_get(x, "cue"), "text")), "railed against");
            ck_assert_str_eq(json_string_value(json_object_get(json_object_get(x, "source"), "text")), "Sanders");
            ck_assert_str_eq(json_string_value(json_object_get(x, "quality")), "named");
        }
        json_decref(rec);
        json_decref(opts);
        P->worker_fini(i2, w2);
        P->destroy(i2);
    }
}
END_TEST

START_TEST(model_file)
{
    tp_error err;
    void *i2 = NULL;
    const char *top = getenv("top_srcdir");
    char src[4096], path[] = "/tmp/unsourced_model_XXXXXX";
    unsigned char *buf;
    long n;
    FILE *f;
    int fd;
    json_t *opts;
    snprintf(src, sizeof src, "%s/plugins/unsourced/data/model.bin", top ? top : ".");
    f = fopen(src, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    ck_assert_int_gt(n, 64);
    buf = malloc((size_t)n);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    opts = json_pack("{s:s}", "model", path);
    /* The model as shipped loads from a file too. */
    f = fopen(path, "wb");
    fwrite(buf, 1, (size_t)n, f);
    fclose(f);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_OK);
    P->destroy(i2);
    /* Truncated. */
    f = fopen(path, "wb");
    fwrite(buf, 1, (size_t)n - 100, f);
    fclose(f);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_ERROR);
    ck_assert_str_eq(err.option, "model");
    ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
    /* Shorter than its header. */
    f = fopen(path, "wb");
    fwrite(buf, 1, 20, f);
    fclose(f);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
    /* One weight changed. */
    buf[n - 7] ^= 0x40;
    f = fopen(path, "wb");
    fwrite(buf, 1, (size_t)n, f);
    fclose(f);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "checksum"));
    /* Not a model at all. */
    f = fopen(path, "wb");
    fputs("speech: said, told, claimed, denied, warned, added, stated, announced\n"
          "speech: said, told, claimed, denied, warned, added, stated, announced\n", f);
    fclose(f);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "magic"));
    remove(path);
    ck_assert_int_eq(P->create(&i2, opts, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "cannot open"));
    json_decref(opts);
    free(buf);
}
END_TEST

/* Two workers of one instance write the same output, and neither holds a
 * string object of the other's: the constant strings ("named", "direct",
 * "attributed", reasons) are each worker's own, so that workers on
 * different cores do not count references to the same objects. */
START_TEST(workers_own_strings)
{
    static const char text[] = "The minister said 42 people were arrested.\n\n"
                               "\xe2\x80\x9cThe attacks came from abroad,\xe2\x80\x9d Zhao said.";
    tp_error err;
    void *wk2;
    json_t *a = json_pack("{s:s}", "text", text), *b = json_pack("{s:s}", "text", text);
    const json_t *x[2];
    char *sa, *sb;
    size_t k;
    ck_assert_int_eq(P->worker_init(&wk2, inst, &err), TP_OK);
    ck_assert_int_eq(P->process(inst, wk, a, &err), TP_OK);
    ck_assert_int_eq(P->process(inst, wk2, b, &err), TP_OK);
    sa = json_dumps(a, JSON_SORT_KEYS);
    sb = json_dumps(b, JSON_SORT_KEYS);
    ck_assert_str_eq(sa, sb);
    ck_assert_uint_ge(json_array_size(json_object_get(a, "attributions")), 1);
    ck_assert_uint_ge(json_array_size(json_object_get(a, "claims")), 1);
    for (k = 0; k < 2; k++) {
        const json_t *r = k == 0 ? a : b;
        x[k] = json_object_get(json_array_get(json_object_get(r, "attributions"), 0), "quality");
    }
    ck_assert_ptr_nonnull(x[0]);
    ck_assert_ptr_ne(x[0], x[1]);
    for (k = 0; k < 2; k++) {
        const json_t *r = k == 0 ? a : b;
        x[k] = json_object_get(json_array_get(json_object_get(r, "attributions"), 0), "kind");
    }
    ck_assert_ptr_ne(x[0], x[1]);
    for (k = 0; k < 2; k++) {
        const json_t *r = k == 0 ? a : b;
        x[k] = json_object_get(json_array_get(json_object_get(r, "claims"), 0), "status");
    }
    ck_assert_ptr_ne(x[0], x[1]);
    for (k = 0; k < 2; k++) {
        const json_t *r = k == 0 ? a : b;
        x[k] = json_array_get(json_object_get(json_array_get(json_object_get(r, "claims"), 0), "reasons"), 0);
    }
    ck_assert_ptr_nonnull(x[0]);
    ck_assert_ptr_ne(x[0], x[1]);
    free(sa);
    free(sb);
    json_decref(a);
    json_decref(b);
    P->worker_fini(inst, wk2);
}
END_TEST

START_TEST(descriptor)
{
    const char *const *r;
    int n = 0;
    ck_assert_str_eq(P->name, "unsourced");
    for (r = P->reads; *r; r++)
        n += strcmp(*r, "sentences") == 0 || strcmp(*r, "numbers") == 0 || strcmp(*r, "entities") == 0;
    ck_assert_int_eq(n, 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unsourced");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, cases_file);
    tcase_add_test(tc, one_megabyte_sentence);
    tcase_add_test(tc, unbalanced_quotes);
    tcase_add_test(tc, only_quotations);
    tcase_add_test(tc, empty_and_odd_records);
    tcase_add_test(tc, option_files);
    tcase_add_test(tc, model_file);
    tcase_add_test(tc, tagger_option);
    tcase_add_test(tc, workers_own_strings);
    tcase_add_test(tc, descriptor);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
