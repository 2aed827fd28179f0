/* Unit tests of the entities stage: training learns a small file of our own
 * sentences, saved models reload to the same output, broken models are
 * refused, user lists win, mentions are grouped, the built-in model tags the
 * cases in cases.txt. */
#include <config.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <textpipe/plugin.h>

const tp_plugin *entities_LTX_textpipe_plugin(void);

static char workdir[256];

static const char *srcpath(const char *rel, char *buf, size_t n)
{
    const char *top = getenv("top_srcdir");
    snprintf(buf, n, "%s/%s", top ? top : ".", rel);
    return buf;
}

static void make_workdir(void)
{
    if (workdir[0] == '\0') {
        snprintf(workdir, sizeof workdir, "%s/entities-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        ck_assert_ptr_nonnull(mkdtemp(workdir));
    }
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* create an instance with options given as JSON text; NULL with err filled on failure */
static void *create(const char *opts_json, tp_error *err)
{
    const tp_plugin *p = entities_LTX_textpipe_plugin();
    json_t *opts = json_loads(opts_json, 0, NULL);
    void *inst = NULL;
    int rc;
    ck_assert_ptr_nonnull(opts);
    if (json_object_get(opts, "min_score") == NULL)
        json_object_set_new(opts, "min_score", json_real(0));
    memset(err, 0, sizeof *err);
    rc = p->create(&inst, opts, err);
    json_decref(opts);
    return rc == TP_OK ? inst : NULL;
}

/* process text, return the entities array as "text|label|id;..." */
static char *tag(void *inst, const char *text)
{
    const tp_plugin *p = entities_LTX_textpipe_plugin();
    void *w = NULL;
    tp_error err;
    json_t *rec = json_object(), *arr, *e;
    size_t i, cap = 4096, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    json_object_set_new(rec, "text", json_string(text));
    ck_assert_int_eq(p->worker_init(&w, inst, &err), TP_OK);
    ck_assert_msg(p->process(inst, w, rec, &err) == TP_OK, "process: %s", err.message);
    arr = json_object_get(rec, "entities");
    ck_assert(json_is_array(arr));
    json_array_foreach(arr, i, e) {
        const char *t = json_string_value(json_object_get(e, "text"));
        const char *l = json_string_value(json_object_get(e, "label"));
        double sc = json_number_value(json_object_get(e, "score"));
        long long id = json_integer_value(json_object_get(e, "entity_id"));
        long long st = json_integer_value(json_object_get(e, "start"));
        long long en = json_integer_value(json_object_get(e, "end"));
        ck_assert_ptr_nonnull(t);
        ck_assert_ptr_nonnull(l);
        ck_assert(sc > 0 && sc <= 1);
        ck_assert(id >= 1);
        ck_assert(en > st);
        if (n + strlen(t) + strlen(l) + 32 > cap) {
            cap = (n + strlen(t) + strlen(l) + 32) * 2;
            out = realloc(out, cap);
        }
        n += (size_t)sprintf(out + n, "%s%s|%s|%lld", n ? ";" : "", t, l, id);
    }
    p->worker_fini(inst, w);
    json_decref(rec);
    return out;
}

static void destroy(void *inst)
{
    entities_LTX_textpipe_plugin()->destroy(inst);
}

/* ---- training on our own sentences ---- */

static char model_path[300];

static void train_small(const char *out, int seed)
{
    char cmd[2048], data[512];
    const char *bld = getenv("top_builddir");
    srcpath("plugins/entities/tests/train.conll", data, sizeof data);
    snprintf(cmd, sizeof cmd,
             "'%s/textpipe-train' train -o '%s' --train '%s' --dev '%s' --epochs 30 --patience 30 --seed %d "
             "--hbits 16 >'%s.log' 2>&1",
             bld ? bld : ".", out, data, data, seed, out);
    ck_assert_msg(system(cmd) == 0, "training failed: see %s.log", out);
}

/* the text of the training file and its entities, as tag() prints them */
static void gold_of(const char *path, char **text, char **ents)
{
    size_t n, tn = 0, en = 0;
    char *buf = read_all(path, &n), *line, *next, cur[256] = "", curlab[8] = "";
    *text = calloc(1, n + 1);
    *ents = calloc(1, 2 * n + 64);
    for (line = buf; line && *line; line = next) {
        char *sp;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        sp = strchr(line, ' ');
        if (*line == '\0' || strncmp(line, "-DOCSTART-", 10) == 0 || sp == NULL)
            continue;
        *sp = '\0';
        if (sp[1] != 'I' && cur[0]) {
            en += (size_t)sprintf(*ents + en, "%s%s|%s|", en ? ";" : "", cur, curlab);
            cur[0] = '\0';
        }
        if (sp[1] == 'B') {
            snprintf(cur, sizeof cur, "%s", line);
            snprintf(curlab, sizeof curlab, "%s", sp + 3);
        } else if (sp[1] == 'I') {
            strcat(cur, " ");
            strcat(cur, line);
        }
        tn += (size_t)sprintf(*text + tn, "%s%s", tn ? " " : "", line);
    }
    if (cur[0])
        sprintf(*ents + en, "%s%s|%s|", en ? ";" : "", cur, curlab);
    free(buf);
}

/* drop the ids: "a|L|3;b|M|1" -> "a|L|;b|M|" */
static void strip_ids(char *s)
{
    char *r = s, *w = s;
    int bars = 0;
    for (; *r; r++) {
        if (*r == ';')
            bars = 0;
        if (bars == 2 && *r != ';')
            continue;
        if (*r == '|')
            bars++;
        *w++ = *r;
    }
    *w = '\0';
}

START_TEST(test_training_learns_small_file)
{
    char data[512], opts[512], *text, *gold, *got;
    tp_error err;
    void *inst;
    make_workdir();
    snprintf(model_path, sizeof model_path, "%s/small.bin", workdir);
    train_small(model_path, 3);
    gold_of(srcpath("plugins/entities/tests/train.conll", data, sizeof data), &text, &gold);
    snprintf(opts, sizeof opts, "{\"model\": \"%s\"}", model_path);
    inst = create(opts, &err);
    ck_assert_msg(inst != NULL, "create: %s", err.message);
    got = tag(inst, text);
    strip_ids(got);
    ck_assert_str_eq(got, gold);
    free(got);
    free(text);
    free(gold);
    destroy(inst);
}
END_TEST

START_TEST(test_training_is_deterministic_and_reloads)
{
    char a[300], b[300], log[320];
    size_t na, nb, nl;
    char *ma, *mb, *lg;
    make_workdir();
    snprintf(a, sizeof a, "%s/seed5a.bin", workdir);
    snprintf(b, sizeof b, "%s/seed5b.bin", workdir);
    train_small(a, 5);
    train_small(b, 5);
    ma = read_all(a, &na);
    mb = read_all(b, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert(memcmp(ma, mb, na) == 0);
    /* the saved model tags exactly as the weights it was saved from */
    snprintf(log, sizeof log, "%s.log", a);
    lg = read_all(log, &nl);
    ck_assert_msg(strstr(lg, "reloaded model: 0 of ") != NULL, "trainer log: %s", lg);
    free(ma);
    free(mb);
    free(lg);
}
END_TEST

START_TEST(test_saved_model_same_output_twice)
{
    /* a model file and a copy of it give identical records */
    char copy[300], opts[700], *m, *t1, *t2;
    const char *text = "Tomas Reyes flew to Lisbon. The Lumen Council met Marta Kowalczyk in Vienna.";
    size_t n;
    tp_error err;
    void *i1, *i2;
    make_workdir();
    snprintf(model_path, sizeof model_path, "%s/small2.bin", workdir);
    train_small(model_path, 3);
    m = read_all(model_path, &n);
    snprintf(copy, sizeof copy, "%s/copy.bin", workdir);
    write_file(copy, m, n);
    snprintf(opts, sizeof opts, "{\"model\": \"%s\"}", model_path);
    i1 = create(opts, &err);
    ck_assert_ptr_nonnull(i1);
    snprintf(opts, sizeof opts, "{\"model\": \"%s\"}", copy);
    i2 = create(opts, &err);
    ck_assert_ptr_nonnull(i2);
    t1 = tag(i1, text);
    t2 = tag(i2, text);
    ck_assert_str_eq(t1, t2);
    ck_assert_ptr_nonnull(strstr(t1, "Tomas Reyes|PER"));
    free(t1);
    free(t2);
    free(m);
    destroy(i1);
    destroy(i2);
}
END_TEST

/* ---- broken models ---- */

/* Where the header keeps its flags (ner.h: ent_header), and the one that
 * asks for the second pass. */
#define MODEL_FLAGS_AT 52
#define MODEL_FLAG_SECOND 1

static const char *refuse(const char *path, const void *data, size_t n)
{
    static tp_error err;
    char opts[600];
    void *inst;
    write_file(path, data, n);
    snprintf(opts, sizeof opts, "{\"model\": \"%s\"}", path);
    inst = create(opts, &err);
    ck_assert_msg(inst == NULL, "a broken model was accepted: %s", path);
    ck_assert_str_eq(err.option, "model");
    return err.message;
}

START_TEST(test_broken_models_refused)
{
    char bad[300], *m;
    size_t n;
    const char *msg;
    make_workdir();
    snprintf(model_path, sizeof model_path, "%s/small3.bin", workdir);
    train_small(model_path, 3);
    m = read_all(model_path, &n);
    snprintf(bad, sizeof bad, "%s/bad.bin", workdir);
    msg = refuse(bad, m, n / 2);
    ck_assert_msg(strstr(msg, "truncated") != NULL, "%s", msg);
    msg = refuse(bad, m, 10);
    ck_assert_msg(strstr(msg, "truncated") != NULL, "%s", msg);
    msg = refuse(bad, m, 0);
    ck_assert_msg(strstr(msg, "truncated") != NULL, "%s", msg);
    m[n - 100] ^= 0x5a;
    msg = refuse(bad, m, n);
    ck_assert_msg(strstr(msg, "checksum") != NULL, "%s", msg);
    m[n - 100] ^= 0x5a;
    m[0] = 'X';
    msg = refuse(bad, m, n);
    ck_assert_msg(strstr(msg, "not an entities model") != NULL, "%s", msg);
    m[0] = 'T';
    m[8] = 99; /* version */
    msg = refuse(bad, m, n);
    ck_assert_msg(strstr(msg, "version") != NULL, "%s", msg);
    m[8] = 1;
    m[MODEL_FLAGS_AT + 3] = 0x40; /* a flag this build does not know */
    msg = refuse(bad, m, n);
    ck_assert_msg(strstr(msg, "flags") != NULL, "%s", msg);
    free(m);
    {
        tp_error err;
        void *inst = create("{\"model\": \"/nonexistent/entities-model.bin\"}", &err);
        ck_assert_ptr_null(inst);
        ck_assert_ptr_nonnull(strstr(err.message, "cannot open"));
    }
}
END_TEST

/* ---- the built-in model ---- */

/* The second pass: what the first pass tagged the other mentions of a word
 * decides its first mention too.  The same model with the second pass
 * turned off (its header flag cleared) tags the first "Vantor" otherwise. */
START_TEST(test_second_pass_agrees_with_later_mentions)
{
    const char *text = "Vantor said on Friday it had bought a rival. Vantor Corp shares rose 5 percent. "
                       "A Vantor Corp spokesman said the deal would close in March.";
    char path[512], copy[300], opts[400], *m, *with, *without;
    size_t n;
    tp_error err;
    void *inst;
    make_workdir();
    m = read_all(srcpath("plugins/entities/data/model.bin", path, sizeof path), &n);
    ck_assert_uint_gt(n, MODEL_FLAGS_AT + 4);
    ck_assert_msg(m[MODEL_FLAGS_AT] & MODEL_FLAG_SECOND, "the built-in model has no second pass");
    inst = create("{}", &err);
    ck_assert_msg(inst != NULL, "create: %s", err.message);
    with = tag(inst, text);
    destroy(inst);
    ck_assert_str_eq(with, "Vantor|ORG|1;Vantor Corp|ORG|1;Vantor Corp|ORG|1");
    m[MODEL_FLAGS_AT] &= (char)~MODEL_FLAG_SECOND;
    snprintf(copy, sizeof copy, "%s/one-pass.bin", workdir);
    write_file(copy, m, n);
    snprintf(opts, sizeof opts, "{\"model\": \"%s\"}", copy);
    inst = create(opts, &err);
    ck_assert_msg(inst != NULL, "create: %s", err.message);
    without = tag(inst, text);
    destroy(inst);
    ck_assert_msg(strncmp(without, "Vantor|ORG|", 11) != 0, "one pass: %s", without);
    ck_assert_ptr_nonnull(strstr(without, "Vantor Corp|ORG"));
    free(with);
    free(without);
    free(m);
}
END_TEST

START_TEST(test_builtin_cases)
{
    char path[512], *buf, *line, *next;
    size_t n;
    tp_error err;
    void *inst = create("{}", &err);
    int cases = 0;
    ck_assert_msg(inst != NULL, "create: %s", err.message);
    buf = read_all(srcpath("plugins/entities/tests/cases.txt", path, sizeof path), &n);
    for (line = buf; line && *line; line = next) {
        char *tab, *got;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '#' || *line == '\0')
            continue;
        tab = strchr(line, '\t');
        ck_assert_msg(tab != NULL, "cases.txt: no tab in %s", line);
        *tab = '\0';
        got = tag(inst, line);
        ck_assert_msg(strcmp(got, tab + 1) == 0, "%s\n  expected %s\n  got      %s", line, tab + 1, got);
        free(got);
        cases++;
    }
    ck_assert_int_gt(cases, 3);
    free(buf);
    destroy(inst);
}
END_TEST

START_TEST(test_empty_text)
{
    tp_error err;
    void *inst = create("{}", &err);
    char *got;
    ck_assert_ptr_nonnull(inst);
    got = tag(inst, "");
    ck_assert_str_eq(got, "");
    free(got);
    got = tag(inst, "   \n\n  ");
    ck_assert_str_eq(got, "");
    free(got);
    destroy(inst);
}
END_TEST

START_TEST(test_no_text_is_an_error)
{
    const tp_plugin *p = entities_LTX_textpipe_plugin();
    tp_error err;
    void *inst = create("{}", &err), *w = NULL;
    json_t *rec = json_pack("{s:i}", "text", 3);
    ck_assert_int_eq(p->worker_init(&w, inst, &err), TP_OK);
    ck_assert_int_eq(p->process(inst, w, rec, &err), TP_ERROR);
    ck_assert_ptr_nonnull(strstr(err.message, "text"));
    json_decref(rec);
    p->worker_fini(inst, w);
    destroy(inst);
}
END_TEST

/* ---- user lists ---- */

static void *with_list(const char *content)
{
    char path[300], opts[700];
    tp_error err;
    void *inst;
    make_workdir();
    snprintf(path, sizeof path, "%s/list.tsv", workdir);
    write_file(path, content, strlen(content));
    snprintf(opts, sizeof opts, "{\"lists\": [\"%s\"]}", path);
    inst = create(opts, &err);
    ck_assert_msg(inst != NULL, "create: %s", err.message);
    return inst;
}

START_TEST(test_user_list_wins)
{
    void *inst = with_list("# our names\nParis\tPRODUCT\nBlue Lantern Group\tTHREAT_GROUP\n"
                           "re:APT-C-[0-9]+\tTHREAT_GROUP\n");
    char *got = tag(inst, "Researchers in Paris linked APT-C-39 to the Blue Lantern Group.");
    ck_assert_ptr_nonnull(strstr(got, "Paris|PRODUCT|"));
    ck_assert_ptr_nonnull(strstr(got, "APT-C-39|THREAT_GROUP|"));
    ck_assert_ptr_nonnull(strstr(got, "Blue Lantern Group|THREAT_GROUP|"));
    ck_assert_ptr_null(strstr(got, "Paris|LOC"));
    free(got);
    destroy(inst);
    /* without the list, the model calls Paris a place */
    {
        tp_error err;
        inst = create("{}", &err);
        got = tag(inst, "Researchers in Paris linked APT-C-39 to the Blue Lantern Group.");
        ck_assert_ptr_nonnull(strstr(got, "Paris|LOC|"));
        free(got);
        destroy(inst);
    }
}
END_TEST

START_TEST(test_bad_lists_refused)
{
    char path[300], opts[700];
    tp_error err;
    make_workdir();
    snprintf(path, sizeof path, "%s/badlist.tsv", workdir);
    write_file(path, "Paris\tLOC\nno tab here\n", 21);
    snprintf(opts, sizeof opts, "{\"lists\": [\"%s\"]}", path);
    ck_assert_ptr_null(create(opts, &err));
    ck_assert_ptr_nonnull(strstr(err.message, ":2: expected NAME<TAB>LABEL"));
    ck_assert_str_eq(err.option, "lists");
    write_file(path, "re:APT(\tX\n", 10);
    ck_assert_ptr_null(create(opts, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "bad pattern"));
    write_file(path, "Paris\tbad label!\n", 17);
    ck_assert_ptr_null(create(opts, &err));
    ck_assert_ptr_null(create("{\"lists\": [\"/nonexistent/list.tsv\"]}", &err));
    ck_assert_ptr_nonnull(strstr(err.message, "cannot open list"));
}
END_TEST

/* ---- grouping ---- */

START_TEST(test_grouping_acronym_and_surname)
{
    void *inst = with_list(
        "National Computer Network Emergency Response Technical Team/Coordination Center of China\tORG\n"
        "CNCERT/CC\tORG\nZhao Lijian\tPER\nZhao\tPER\nUnited Nations Development Programme\tORG\n"
        "UNDP\tORG\n");
    char *got = tag(inst,
                    "A report by the National Computer Network Emergency Response Technical "
                    "Team/Coordination Center of China (CNCERT/CC) was cited by Zhao Lijian. "
                    "The United Nations Development Programme agreed. Zhao said CNCERT/CC had "
                    "found the flaw, and UNDP did not comment.");
    ck_assert_str_eq(got,
                     "National Computer Network Emergency Response Technical Team/Coordination Center "
                     "of China|ORG|1;CNCERT/CC|ORG|1;Zhao Lijian|PER|2;United Nations Development "
                     "Programme|ORG|3;Zhao|PER|2;CNCERT/CC|ORG|1;UNDP|ORG|3");
    free(got);
    destroy(inst);
}
END_TEST

START_TEST(test_grouping_leading_or_trailing_part)
{
    /* a shorter mention first, the longer one later: the same entity when
     * the shorter is its first or last tokens and has its label */
    void *inst = with_list("Vantor\tORG\nVantor Holdings Ltd\tORG\nKessler\tPER\nAnna Kessler\tPER\n"
                           "Ormond\tLOC\nOrmond Bank\tORG\nHoldings\tORG\nLee\tPER\nLee Park Hall\tPER\n");
    char *got = tag(inst, "Vantor said Kessler would stay on. Ormond was quiet. Shares of Vantor "
                          "Holdings Ltd rose, Anna Kessler said, and Ormond Bank fell. Lee met Lee Park Hall.");
    ck_assert_str_eq(got, "Vantor|ORG|1;Kessler|PER|2;Ormond|LOC|3;Vantor Holdings Ltd|ORG|1;"
                          "Anna Kessler|PER|2;Ormond Bank|ORG|4;Lee|PER|5;Lee Park Hall|PER|5");
    free(got);
    got = tag(inst, "Holdings rose. Shares of Vantor Holdings Ltd fell.");
    ck_assert_str_eq(got, "Holdings|ORG|1;Vantor Holdings Ltd|ORG|2");
    free(got);
    destroy(inst);
}
END_TEST

/* The label strings are made once and shared by the entities of every
 * record: a record freed (on any thread, in any order) leaves the
 * others' labels as they were, and each entity's label is the same text
 * as a string of its own would be. */
START_TEST(test_labels_shared_across_records)
{
    const tp_plugin *p = entities_LTX_textpipe_plugin();
    void *inst = with_list("Sandworm\tTHREAT_GROUP\nAngela Merkel\tPER\n"), *w = NULL;
    const char *text = "Angela Merkel said Sandworm attacked Paris. Sandworm denied it in London.";
    json_t *rec[3];
    tp_error err;
    size_t r, i;
    json_t *e;
    ck_assert_int_eq(p->worker_init(&w, inst, &err), TP_OK);
    for (r = 0; r < 3; r++) {
        rec[r] = json_object();
        json_object_set_new(rec[r], "text", json_string(text));
        ck_assert_int_eq(p->process(inst, w, rec[r], &err), TP_OK);
    }
    /* the same labels object in each record, counted once for each use
     * and once for the stage */
    e = json_array_get(json_object_get(rec[0], "entities"), 0);
    ck_assert_ptr_eq(json_object_get(e, "label"),
                     json_object_get(json_array_get(json_object_get(rec[2], "entities"), 0), "label"));
    ck_assert_uint_ge(json_object_get(e, "label")->refcount, 4);
    json_decref(rec[1]);
    p->worker_fini(inst, w);
    for (r = 0; r < 3; r += 2) {
        char *dump = json_dumps(json_object_get(rec[r], "entities"), JSON_COMPACT);
        size_t groups = 0;
        json_array_foreach(json_object_get(rec[r], "entities"), i, e) {
            const char *t = json_string_value(json_object_get(e, "text"));
            const char *l = json_string_value(json_object_get(e, "label"));
            if (strcmp(t, "Sandworm") == 0) {
                ck_assert_str_eq(l, "THREAT_GROUP");
                groups++;
            } else if (strcmp(t, "Angela Merkel") == 0)
                ck_assert_str_eq(l, "PER");
            ck_assert_uint_eq(json_string_length(json_object_get(e, "label")), strlen(l));
        }
        ck_assert_uint_eq(groups, 2);
        ck_assert_ptr_nonnull(strstr(dump, "\"label\":\"THREAT_GROUP\""));
        ck_assert_ptr_nonnull(strstr(dump, "\"text\":\"Angela Merkel\",\"label\":\"PER\""));
        free(dump);
        json_decref(rec[r]);
    }
    destroy(inst);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("entities");
    TCase *tc = tcase_create("entities");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_training_learns_small_file);
    tcase_add_test(tc, test_training_is_deterministic_and_reloads);
    tcase_add_test(tc, test_saved_model_same_output_twice);
    tcase_add_test(tc, test_broken_models_refused);
    tcase_add_test(tc, test_builtin_cases);
    tcase_add_test(tc, test_second_pass_agrees_with_later_mentions);
    tcase_add_test(tc, test_empty_text);
    tcase_add_test(tc, test_no_text_is_an_error);
    tcase_add_test(tc, test_user_list_wins);
    tcase_add_test(tc, test_bad_lists_refused);
    tcase_add_test(tc, test_grouping_acronym_and_surname);
    tcase_add_test(tc, test_grouping_leading_or_trailing_part);
    tcase_add_test(tc, test_labels_shared_across_records);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (workdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", workdir);
        if (system(cmd) != 0)
            failed++;
    }
    return failed ? 1 : 0;
}
