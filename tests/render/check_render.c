/* Unit tests of the page writer: hostile, malformed and randomly
 * overlapping records always give well-nested pages whose text is the
 * record's text; the command line reports bad input with its exit status. */
#include <config.h>

#define _XOPEN_SOURCE 700
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render.h"

static char site[256];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

static void setup(void)
{
    snprintf(site, sizeof site, "/tmp/check_render.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(site));
}

static void teardown(void)
{
    nftw(site, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The page of the k-th record (1-based). */
static char *page(int k)
{
    char pattern[64], path[1024], cmd[600];
    FILE *p;
    snprintf(pattern, sizeof pattern, "%06d-", k);
    snprintf(cmd, sizeof cmd, "ls %s/pages | grep '^%s'", site, pattern);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(cmd, sizeof cmd, p));
    pclose(p);
    cmd[strcspn(cmd, "\n")] = '\0';
    snprintf(path, sizeof path, "%s/pages/%s", site, cmd);
    return slurp(path);
}

static const char *const allowed_tags[] = {
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header",
    "p", "a", "h1", "h2", "ul", "ol", "li", "span", "div", "main", "aside",
    "section", "bdi", "strong", "table", "thead", "tbody", "tr", "th", "td",
    "script", NULL
};
static const char *const void_tags[] = { "!DOCTYPE", "meta", NULL };

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && strncmp(*list, s, n) == 0)
            return 1;
    return 0;
}

/* Every tag is one we write, tags nest properly, and the text of <main>,
 * with references decoded and bidi markers dropped, is returned. */
static char *check_markup(const char *html, int allow_script)
{
    const char *stack[256];
    size_t slen[256], depth = 0, n;
    const char *p = html, *main_start = NULL, *main_end = NULL;
    char *text, *t;
    while ((p = strchr(p, '<')) != NULL) {
        int closing = p[1] == '/';
        const char *name = p + 1 + closing, *end;
        n = strcspn(name, " >\n");
        ck_assert_msg(in_list(allowed_tags, name, n), "unexpected tag <%.*s", (int)n, name);
        if (!allow_script)
            ck_assert_msg(strncmp(name, "script", 6) != 0, "a script element");
        end = strchr(p, '>');
        ck_assert_ptr_nonnull(end);
        /* attribute values are quoted and hold no raw < or " */
        ck_assert_msg(memchr(p + 1, '<', (size_t)(end - p - 1)) == NULL, "< in a tag");
        if (strncmp(name, "style", 5) == 0 && !closing)
            end = strstr(p, "</style>") - 1;
        else if (strncmp(name, "script", 6) == 0 && !closing)
            end = strstr(p, "</script>") - 1;
        if (closing) {
            ck_assert_msg(depth > 0, "</%.*s> closes nothing", (int)n, name);
            depth--;
            ck_assert_msg(slen[depth] == n && strncmp(stack[depth], name, n) == 0,
                          "</%.*s> closes <%.*s>", (int)n, name, (int)slen[depth], stack[depth]);
            if (n == 4 && strncmp(name, "main", 4) == 0)
                main_end = p;
        } else if (!in_list(void_tags, name, n)) {
            ck_assert(depth < 256);
            stack[depth] = name;
            slen[depth++] = n;
            if (n == 4 && strncmp(name, "main", 4) == 0)
                main_start = strchr(p, '>') + 1;
        }
        p = end + 1;
    }
    ck_assert_uint_eq(depth, 0);
    ck_assert_ptr_nonnull(main_start);
    ck_assert_ptr_nonnull(main_end);
    text = malloc((size_t)(main_end - main_start) + 1);
    for (p = main_start, t = text; p < main_end;) {
        if (*p == '<') {
            p = strchr(p, '>') + 1;
        } else if (*p == '&') {
            static const char *const refs[][2] = {
                { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" },
                { "&quot;", "\"" }, { "&#39;", "'" } };
            size_t k;
            for (k = 0; k < 5; k++)
                if (strncmp(p, refs[k][0], strlen(refs[k][0])) == 0)
                    break;
            ck_assert_msg(k < 5, "unknown reference %.8s", p);
            *t++ = refs[k][1][0];
            p += strlen(refs[k][0]);
        } else {
            *t++ = *p++;
        }
    }
    *t = '\0';
    return text;
}

static void render_records(json_t *const *recs, size_t n)
{
    char err[256];
    tp_render *r = tp_render_open(site, err, sizeof err);
    size_t i;
    ck_assert_msg(r != NULL, "%s", err);
    for (i = 0; i < n; i++)
        ck_assert_msg(tp_render_add(r, recs[i], err, sizeof err) == 0, "%s", err);
    ck_assert_msg(tp_render_close(r, err, sizeof err) == 0, "%s", err);
}

START_TEST(hostile_record_stays_text)
{
    const char *text = "<script>alert(1)</script> & \"q\" 'a' <img src=x onerror=alert(2)> "
                       "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\xae" "evil";
    json_t *rec = json_pack(
        "{s:s, s:s, s:s, s:[{s:i, s:i, s:s, s:s}], s:[{s:i, s:i, s:s, s:s}],"
        " s:[{s:i, s:s}], s:{s:s, s:s}}",
        "id", "<b>id</b>\"", "text", text, "original", text,
        "entities", "start", 0, "end", 25, "label", "\"><script>x</script>", "entity_id", "'\"<",
        "numbers", "start", 28, "end", 31, "unit", "<i>", "approx", "\"",
        "claims", "sentence", 0, "status", "<u>",
        "error", "stage", "<s>", "message", "</main><script>");
    char *html, *main_text;
    render_records(&rec, 1);
    html = page(1);
    main_text = check_markup(html, 0);
    /* the text as read, with the RLO shown as a marker instead */
    ck_assert_str_eq(main_text, "<script>alert(1)</script> & \"q\" 'a' <img src=x onerror=alert(2)> "
                                "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d evil");
    ck_assert_ptr_nonnull(strstr(html, "data-c=\"RLO\""));
    ck_assert_ptr_nonnull(strstr(html, "dir=\"auto\""));
    ck_assert_ptr_nonnull(strstr(html, "<bdi>&lt;b&gt;id&lt;/b&gt;&quot;</bdi>"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;/main&gt;&lt;script&gt;"));
    ck_assert_ptr_null(strstr(html, "<script"));
    free(main_text);
    free(html);
    html = slurp(strcat(strcpy((char[300]){ 0 }, site), "/index.html"));
    free(check_markup(html, 1));
    ck_assert_ptr_nonnull(strstr(html, "&lt;b&gt;id&lt;/b&gt;"));
    free(html);
    json_decref(rec);
}
END_TEST

START_TEST(malformed_records_render)
{
    const char *lines[] = {
        "{\"text\": 42}",
        "{\"text\": \"abc\", \"entities\": {\"start\": 0}}",
        "{\"text\": \"abc\", \"entities\": [null, 1, \"x\", [], {\"start\": 2, \"end\": 1},"
        " {\"start\": -5, \"end\": 2}, {\"start\": 0, \"end\": 4611686018427387904},"
        " {\"start\": 0.5, \"end\": 2}, {\"start\": \"0\", \"end\": \"2\"}, {\"start\": 0, \"end\": 99}]}",
        "{\"text\": \"abc\", \"sentences\": 5, \"claims\": [{\"sentence\": 7}, {\"sentence\": -1},"
        " {\"sentence\": {\"start\": 0, \"end\": 2}, \"status\": 5, \"reasons\": [1, null, \"r\"]},"
        " {\"sentence\": 0, \"source\": \"x\", \"cue\": 3}]}",
        "{\"text\": \"abc\", \"attributions\": [{\"cue\": null, \"source\": {\"start\": 9, \"end\": 10},"
        " \"content\": {\"start\": 0, \"end\": 3}, \"quality\": [\"x\"]}, 17]}",
        "{\"text\": \"abc\", \"original\": \"ab\", \"offset_map\": \"bad\","
        " \"entities\": [{\"start\": 0, \"end\": 3}], \"numbers\": [{\"start\": 0, \"end\": 1, \"value\": {}}]}",
        "{\"text\": \"abc\", \"original\": 7, \"warnings\": [1, {\"stage\": 2}], \"error\": \"just text\"}",
        "{\"id\": 5, \"source\": [], \"text\": \"\"}",
        "{}",
    };
    size_t n = sizeof lines / sizeof lines[0], i;
    json_t *recs[16];
    char *html, *t;
    for (i = 0; i < n; i++) {
        recs[i] = json_loads(lines[i], 0, NULL);
        ck_assert_ptr_nonnull(recs[i]);
    }
    render_records(recs, n);
    for (i = 0; i < n; i++) {
        html = page((int)i + 1);
        t = check_markup(html, 0);
        free(t);
        free(html);
        json_decref(recs[i]);
    }
    html = page(3);                     /* not one of the ten entities is placed */
    ck_assert_ptr_null(strstr(html, "<span class=\"ent ent-X\""));
    ck_assert_ptr_nonnull(strstr(html, "10 findings could not be placed"));
    free(html);
    html = page(6);                     /* no map: the original is shown, spans skipped */
    t = check_markup(html, 0);
    ck_assert_str_eq(t, "ab");
    free(t);
    free(html);
    html = slurp(strcat(strcpy((char[300]){ 0 }, site), "/index.html"));
    free(check_markup(html, 1));
    free(html);
}
END_TEST

START_TEST(not_an_object_is_refused)
{
    char err[128] = "";
    tp_render *r = tp_render_open(site, err, sizeof err);
    json_t *a = json_array();
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(tp_render_add(r, a, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a JSON object"));
    ck_assert_int_eq(tp_render_close(r, err, sizeof err), 0);
    json_decref(a);
}
END_TEST

/* Random texts with random, overlapping, partly malformed spans. */
START_TEST(random_spans_nest)
{
    static const char *const pieces[] = { "a", "b", " ", "\xc3\xa9", "\xe2\x82\xac",
                                          "\xf0\x9f\x98\x80", "<", "&", "\n", "\n\n", "\"" };
    static const char *const keys[] = { "entities", "numbers" };
    unsigned seed = 12345u + (unsigned)_i;
    json_t *recs[20];
    size_t i;
    char *texts[20];
    for (i = 0; i < 20; i++) {
        char buf[2048] = "";
        size_t len = 0, ncp = 0, j, k;
        json_t *rec, *arr, *sents;
        while (ncp < 60 + (size_t)(rand_r(&seed) % 200)) {
            const char *pc = pieces[rand_r(&seed) % 11];
            memcpy(buf + len, pc, strlen(pc));
            len += strlen(pc);
            ncp += (pc[0] == '\n' && pc[1] == '\n') ? 2 : 1;
        }
        buf[len] = '\0';
        texts[i] = strdup(buf);
        rec = json_pack("{s:s, s:s}", "id", "random", "text", buf);
        for (k = 0; k < 2; k++) {
            arr = json_array();
            for (j = 0; j < 30; j++) {
                int s = rand_r(&seed) % (int)(ncp + 5) - 2, e = s + rand_r(&seed) % 40 - 5;
                json_array_append_new(arr, json_pack("{s:i, s:i, s:s}", "start", s, "end", e,
                                                     "label", "PER"));
            }
            json_object_set_new(rec, keys[k], arr);
        }
        sents = json_array();
        arr = json_array();
        for (j = 0; j < 10; j++) {
            int s = rand_r(&seed) % (int)ncp, e = s + rand_r(&seed) % 50;
            json_array_append_new(sents, json_pack("{s:i, s:i}", "start", s, "end", e));
            json_array_append_new(arr, json_pack("{s:i, s:s, s:{s:i, s:i}}", "sentence", (int)j,
                                                 "status", j % 2 ? "unsourced" : "vague",
                                                 "source", "start", s + 1, "end", s + 3));
        }
        json_object_set_new(rec, "sentences", sents);
        json_object_set_new(rec, "claims", arr);
        recs[i] = rec;
    }
    render_records(recs, 20);
    for (i = 0; i < 20; i++) {
        char *html = page((int)i + 1), *t = check_markup(html, 0);
        ck_assert_str_eq(t, texts[i]);
        free(t);
        free(html);
        free(texts[i]);
        json_decref(recs[i]);
    }
}
END_TEST

START_TEST(index_has_a_row_per_document)
{
    json_t *recs[50];
    size_t i, rows = 0;
    char *html, *p;
    for (i = 0; i < 50; i++)
        recs[i] = json_pack("{s:s, s:[{s:i, s:s}, {s:i, s:s}], s:[{s:i,s:i}]}",
                            "text", "Same text.", "claims", "sentence", 0, "status", "unsourced",
                            "sentence", 0, "status", i % 2 ? "attributed" : "vague",
                            "sentences", "start", 0, "end", 10);
    render_records(recs, 50);
    html = slurp(strcat(strcpy((char[300]){ 0 }, site), "/index.html"));
    for (p = html; (p = strstr(p, "<tr><td")) != NULL; p++)
        rows++;
    ck_assert_uint_eq(rows, 50);
    /* 50 unsourced claims of 100 */
    ck_assert_ptr_nonnull(strstr(html, "<strong id=\"unsourced-share\">50.0%</strong>"));
    ck_assert_ptr_nonnull(strstr(html, "50 documents"));
    free(html);
    for (i = 0; i < 50; i++)
        json_decref(recs[i]);
}
END_TEST

static int run_main(const char *a1, const char *a2, const char *a3, const char *a4)
{
    char *argv[6] = { (char *)"render", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
    int argc = 1;
    while (argc < 5 && argv[argc] != NULL)
        argc++;
    return tp_render_main(argc, argv);
}

START_TEST(command_line)
{
    char in[300], out[300];
    FILE *f;
    snprintf(in, sizeof in, "%s/in.jsonl", site);
    snprintf(out, sizeof out, "%s/site", site);
    f = fopen(in, "w");
    fputs("{\"id\": \"a\", \"text\": \"one\"}\n\n{not json\n[1]\n{\"id\": \"b\", \"text\": \"two\"}\n", f);
    fclose(f);
    ck_assert_int_eq(run_main("--help", NULL, NULL, NULL), 0);
    ck_assert_int_eq(run_main(in, NULL, NULL, NULL), 2);            /* no -o */
    ck_assert_int_eq(run_main(in, "-o", NULL, NULL), 2);            /* -o without a value */
    ck_assert_int_eq(run_main("--frobnicate", "-o", out, NULL), 2);
    ck_assert_int_eq(run_main(in, "-o", out, NULL), 1);             /* two bad lines */
    ck_assert_int_eq(access(strcat(strcpy((char[400]){ 0 }, out), "/pages/000002-b.html"), F_OK), 0);
    ck_assert_int_eq(run_main("/nonexistent/file.jsonl", "-o", out, NULL), 1);
    f = fopen(in, "w");
    fputs("{\"id\": \"a\", \"text\": \"one\"}\n", f);
    fclose(f);
    ck_assert_int_eq(run_main(in, "--output", out, NULL), 0);
    ck_assert_int_eq(run_main("--out-dir", site, "-o", out), 0);
    ck_assert_int_eq(run_main(in, "-o", in, NULL), 2);              /* a file, not a folder */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("pages");
    SRunner *sr;
    int failed;
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hostile_record_stays_text);
    tcase_add_test(tc, malformed_records_render);
    tcase_add_test(tc, not_an_object_is_refused);
    tcase_add_loop_test(tc, random_spans_nest, 0, 5);
    tcase_add_test(tc, index_has_a_row_per_document);
    tcase_add_test(tc, command_line);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
