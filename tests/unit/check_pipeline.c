/* Unit tests of option conversion, suggestions, descriptor checks and the
 * pipeline loader. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"
#include "options.h"
#include "pipeline.h"
#include "suggest.h"

static const char *fixtures(void)
{
    static char dir[4096];
    const char *b = getenv("top_builddir");
    snprintf(dir, sizeof dir, "%s/tests/plugins", b ? b : ".");
    return dir;
}

START_TEST(option_values_convert)
{
    tp_option_spec i = {"n", TP_OPT_INT, NULL, "", NULL, 1, 10, 0};
    tp_option_spec r = {"x", TP_OPT_REAL, NULL, "", NULL, 0, 0, 0};
    tp_option_spec b = {"b", TP_OPT_BOOL, NULL, "", NULL, 0, 0, 0};
    tp_option_spec e = {"form", TP_OPT_ENUM, NULL, "", "NFC|NFKC", 0, 0, 0};
    tp_option_spec l = {"files", TP_OPT_LIST, NULL, "", NULL, 0, 0, 0};
    char err[256];
    json_t *v;

    v = tp_option_value(&i, "7", err, sizeof err);
    ck_assert_int_eq(json_integer_value(v), 7);
    json_decref(v);
    ck_assert_ptr_null(tp_option_value(&i, "11", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "outside its range 1 to 10"));
    ck_assert_ptr_null(tp_option_value(&i, "7x", err, sizeof err));
    ck_assert_ptr_null(tp_option_value(&i, "", err, sizeof err));

    v = tp_option_value(&r, "-2.5", err, sizeof err);
    ck_assert(json_real_value(v) == -2.5);
    json_decref(v);
    ck_assert_ptr_null(tp_option_value(&r, "nan", err, sizeof err));

    v = tp_option_value(&b, "Yes", err, sizeof err);
    ck_assert(json_is_true(v));
    json_decref(v);
    v = tp_option_value(&b, "off", err, sizeof err);
    ck_assert(json_is_false(v));
    json_decref(v);
    ck_assert_ptr_null(tp_option_value(&b, "2", err, sizeof err));

    v = tp_option_value(&e, "NFKC", err, sizeof err);
    ck_assert_str_eq(json_string_value(v), "NFKC");
    json_decref(v);
    ck_assert_ptr_null(tp_option_value(&e, "NFKD", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "did you mean 'NFKC'?"));
    ck_assert_ptr_null(tp_option_value(&e, "ascii", err, sizeof err));
    ck_assert_ptr_null(strstr(err, "did you mean"));

    v = tp_option_value(&l, "one.txt", err, sizeof err);
    ck_assert(json_is_array(v) && json_array_size(v) == 1);
    json_decref(v);
}
END_TEST

START_TEST(suggestions)
{
    const char *names[] = {"normalise", "numbers", "entities", "unsourced", "sentences"};
    ck_assert_uint_eq(tp_edit_distance("kitten", "sitting"), 3);
    ck_assert_uint_eq(tp_edit_distance("ab", "ba"), 1);
    ck_assert_uint_eq(tp_edit_distance("", "abc"), 3);
    ck_assert_str_eq(tp_suggest("normalize", names, 5), "normalise");
    ck_assert_str_eq(tp_suggest("nubmers", names, 5), "numbers");
    ck_assert_ptr_null(tp_suggest("tokens", names, 5));
}
END_TEST

static int noop_create(void **out, const json_t *o, tp_error *e) { (void)o; (void)e; *out = NULL; return 0; }
static int noop_process(void *i, void *w, json_t *r, tp_error *e) { (void)i; (void)w; (void)r; (void)e; return 0; }
static void noop_destroy(void *i) { (void)i; }
static int noop_winit(void **out, void *i, tp_error *e) { (void)i; (void)e; *out = NULL; return 0; }

START_TEST(descriptor_checks)
{
    tp_plugin d = {TP_PLUGIN_ABI, .name = "x", .create = noop_create, .process = noop_process,
                   .destroy = noop_destroy};
    char err[512];
    ck_assert_int_eq(tp_loader_check(&d, "x.so", "x", err, sizeof err), 0);
    ck_assert_int_eq(tp_loader_check(&d, "x.so", "y", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "name is 'x', but it was loaded as 'y'"));

    d.abi_major = TP_ABI_MAJOR + 1;
    ck_assert_int_eq(tp_loader_check(&d, "x.so", NULL, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "x.so: abi_major"));
    d.abi_major = TP_ABI_MAJOR;

    d.abi_minor = TP_ABI_MINOR + 1;
    ck_assert_int_eq(tp_loader_check(&d, "x.so", NULL, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "abi_minor"));
    d.abi_minor = TP_ABI_MINOR;

    d.size = 8;
    ck_assert_int_eq(tp_loader_check(&d, "x.so", NULL, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "size is 8"));
    d.size = sizeof d;

    d.destroy = NULL;
    ck_assert_int_eq(tp_loader_check(&d, "x.so", NULL, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "callback destroy is missing"));
    d.destroy = noop_destroy;

    d.worker_init = noop_winit;
    ck_assert_int_eq(tp_loader_check(&d, "x.so", NULL, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "worker_fini"));
    d.worker_init = NULL;

    d.name = "";
    ck_assert_int_eq(tp_loader_check(&d, "x.so", NULL, err, sizeof err), -1);
    ck_assert_int_eq(tp_loader_check(NULL, "x.so", NULL, err, sizeof err), -1);
}
END_TEST

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/tp-pipeline-XXXXXX.yaml");
    int fd = mkstemps(path, 5);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

START_TEST(pipeline_loads_with_defaults)
{
    const char *dirs[] = {fixtures()};
    char *path = write_temp("pipeline: t\nversion: 1\nstages:\n"
                            "  - plugin: flaky\n    on_error: skip\n    options:\n"
                            "      fail_on: x\n      files: [a, b]\n");
    tp_diags d = {0};
    tp_pipeline *p = tp_pipeline_load(path, dirs, 1, &d);
    json_t *o;
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_uint_eq(p->n_stages, 1);
    ck_assert_int_eq(p->stages[0].on_error, TP_ON_ERROR_SKIP);
    o = p->stages[0].options;
    ck_assert_str_eq(json_string_value(json_object_get(o, "fail_on")), "x");
    ck_assert_int_eq(json_integer_value(json_object_get(o, "count")), 7);
    ck_assert_str_eq(json_string_value(json_object_get(o, "mode")), "fast");
    ck_assert(json_is_false(json_object_get(o, "flag")));
    ck_assert(json_real_value(json_object_get(o, "ratio")) == 0.5);
    ck_assert_uint_eq(json_array_size(json_object_get(o, "files")), 2);
    ck_assert_int_eq(tp_pipeline_create(p, &d), 0);
    tp_pipeline_free(p);
    tp_diags_free(&d);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(pipeline_reports_every_error_with_place)
{
    const char *dirs[] = {fixtures()};
    char *path = write_temp("pipeline: t\nversion: 1\nstages:\n"
                            "  - plugin: flaky\n    options:\n      fail_on: x\n      count: -1\n"
                            "  - plugin: flaky\n    options: {fail_on: y, mdoe: careful}\n");
    tp_diags d = {0};
    tp_pipeline *p = tp_pipeline_load(path, dirs, 1, &d);
    ck_assert_ptr_null(p);
    ck_assert_uint_eq(d.n, 2);
    ck_assert_uint_eq(d.v[0].line, 7);
    ck_assert_uint_eq(d.v[0].col, 14);
    ck_assert_ptr_nonnull(strstr(d.v[0].message, "outside its range"));
    ck_assert_uint_eq(d.v[1].line, 9);
    ck_assert_uint_eq(d.v[1].col, 27);
    ck_assert_ptr_nonnull(strstr(d.v[1].message, "did you mean 'mode'?"));
    tp_diags_free(&d);
    unlink(path);
    free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;
    char err[256];
    if (tp_loader_init(NULL, err, sizeof err) != 0)
        return EXIT_FAILURE;
    tcase_add_test(tc, option_values_convert);
    tcase_add_test(tc, suggestions);
    tcase_add_test(tc, descriptor_checks);
    tcase_add_test(tc, pipeline_loads_with_defaults);
    tcase_add_test(tc, pipeline_reports_every_error_with_place);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    tp_loader_exit();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
