/* Unit tests of the input walker and its globs, on temporary trees. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk.h"

static char root[1024];

static void make_file(const char *rel, const char *text)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot create %s", path);
    fputs(text, f);
    fclose(f);
}

static void make_dir(const char *rel)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    ck_assert_msg(mkdir(path, 0755) == 0, "cannot create %s", path);
}

static void make_link(const char *target, const char *rel)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    ck_assert_msg(symlink(target, path) == 0, "cannot link %s", path);
}

static void make_root(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(root, sizeof root, "%s/tp-walk-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_msg(mkdtemp(root) != NULL, "mkdtemp: %s", strerror(errno));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static void remove_root(void)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/locked", root);
    chmod(path, 0755);
    nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The standard tree:
 *   A.txt a.txt b.txt .hidden.txt .hiddendir/x.txt
 *   a/x.txt a-b.txt            ("a" sorts before "a-b.txt")
 *   sub/c.txt sub/z.md sub/deeper/d.txt sub/up -> ..   (a loop)
 *   sub2/                      (empty)
 *   loop -> .                  (a loop)
 *   link_to_file -> a.txt      (followed)
 *   dangling -> nowhere
 *   fifo                       (skipped)                          */
static void make_tree(void)
{
    char path[4096];

    make_root();
    make_file("A.txt", "A");
    make_file("a.txt", "a");
    make_file("b.txt", "b");
    make_file(".hidden.txt", "h");
    make_dir(".hiddendir");
    make_file(".hiddendir/x.txt", "x");
    make_dir("a");
    make_file("a/x.txt", "x");
    make_file("a-b.txt", "ab");
    make_dir("sub");
    make_file("sub/c.txt", "c");
    make_file("sub/z.md", "z");
    make_dir("sub/deeper");
    make_file("sub/deeper/d.txt", "d");
    make_link("..", "sub/up");
    make_dir("sub2");
    make_link(".", "loop");
    make_link("a.txt", "link_to_file");
    make_link("nowhere", "dangling");
    snprintf(path, sizeof path, "%s/fifo", root);
    ck_assert(mkfifo(path, 0644) == 0);
}

/* The whole walk as text: one line per item, "F id", "E id: message" or
 * "S id", checking on the way that a file's path is root/id. */
static char *walk_all(const char *const *args, size_t n, const tp_walk_options *opts)
{
    size_t cap = 4096, len = 0;
    char *out = malloc(cap), line[8192];
    tp_walk *w = tp_walk_new(args, n, opts);
    tp_walk_item it;
    int rc;

    ck_assert_ptr_nonnull(w);
    out[0] = '\0';
    while ((rc = tp_walk_next(w, &it)) == 1) {
        switch (it.kind) {
        case TP_WALK_FILE:
            snprintf(line, sizeof line, "F %s\n", it.id);
            break;
        case TP_WALK_STDIN:
            snprintf(line, sizeof line, "S %s\n", it.id);
            break;
        case TP_WALK_ERROR:
            ck_assert_ptr_nonnull(it.message);
            snprintf(line, sizeof line, "E %s: %s\n", it.id, it.message);
            break;
        }
        if (len + strlen(line) + 1 > cap) {
            cap = (len + strlen(line) + 1) * 2;
            out = realloc(out, cap);
        }
        memcpy(out + len, line, strlen(line) + 1);
        len += strlen(line);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(tp_walk_next(w, &it), 0);  /* stays at the end */
    tp_walk_free(w);
    return out;
}

static void check_walk(const tp_walk_options *opts, const char *want)
{
    const char *args[1] = { root };
    char *got = walk_all(args, 1, opts);

    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(folder_sorted_and_recursive)
{
    char want[1024];

    make_tree();
    snprintf(want, sizeof want,
             "F A.txt\n"
             "F a/x.txt\n"
             "F a-b.txt\n"
             "F a.txt\n"
             "F b.txt\n"
             "E dangling: %s\n"
             "F link_to_file\n"
             "E loop: symbolic link loop\n"
             "F sub/c.txt\n"
             "F sub/deeper/d.txt\n"
             "E sub/up: symbolic link loop\n"
             "F sub/z.md\n",
             strerror(ENOENT));
    check_walk(NULL, want);
    remove_root();
}
END_TEST

START_TEST(hidden_names_on_request)
{
    tp_walk_options o = { 0 };
    char *got;
    const char *args[1];

    make_tree();
    o.hidden = 1;
    args[0] = root;
    got = walk_all(args, 1, &o);
    ck_assert_msg(strncmp(got, "F .hidden.txt\nF .hiddendir/x.txt\nF A.txt\n", 41) == 0,
                  "got %s", got);
    free(got);
    remove_root();
}
END_TEST

START_TEST(include_globs)
{
    const char *inc[] = { "**/*.txt" };
    tp_walk_options o = { 0 };

    make_tree();
    o.include = inc;
    o.n_include = 1;
    /* Folder errors (loops) still show; the dangling link does not match. */
    check_walk(&o,
               "F A.txt\n"
               "F a/x.txt\n"
               "F a-b.txt\n"
               "F a.txt\n"
               "F b.txt\n"
               "E loop: symbolic link loop\n"
               "F sub/c.txt\n"
               "F sub/deeper/d.txt\n"
               "E sub/up: symbolic link loop\n");
    remove_root();
}
END_TEST

START_TEST(include_several_globs)
{
    const char *inc[] = { "sub/*", "?.txt" };
    tp_walk_options o = { 0 };

    make_tree();
    o.include = inc;
    o.n_include = 2;
    check_walk(&o,
               "F A.txt\n"
               "F a.txt\n"
               "F b.txt\n"
               "E loop: symbolic link loop\n"
               "F sub/c.txt\n"
               "E sub/up: symbolic link loop\n"
               "F sub/z.md\n");
    remove_root();
}
END_TEST

START_TEST(exclude_globs)
{
    const char *exc[] = { "sub/deeper", "**/*.md", "loop", "sub/up", "dangling", "[ab]*" };
    tp_walk_options o = { 0 };

    make_tree();
    o.exclude = exc;
    o.n_exclude = 6;
    check_walk(&o,
               "F A.txt\n"
               "F link_to_file\n"
               "F sub/c.txt\n");
    remove_root();
}
END_TEST

START_TEST(arguments_in_order)
{
    char file[4096], folder[4096], missing[4096];
    const char *args[5];
    char *got, want[16384];

    make_root();
    make_dir("f");
    make_file("f/2.txt", "2");
    make_file("f/1.txt", "1");
    make_file("one.txt", "1");
    snprintf(file, sizeof file, "%s/one.txt", root);
    snprintf(folder, sizeof folder, "%s/f//", root);  /* trailing slashes */
    snprintf(missing, sizeof missing, "%s/missing.txt", root);
    args[0] = file;
    args[1] = "-";
    args[2] = missing;
    args[3] = folder;
    args[4] = "/dev/null";
    got = walk_all(args, 5, NULL);
    snprintf(want, sizeof want,
             "F %s\nS -\nE %s: %s\nF 1.txt\nF 2.txt\nE /dev/null: not a regular file or folder\n",
             file, missing, strerror(ENOENT));
    ck_assert_str_eq(got, want);
    free(got);
    remove_root();
}
END_TEST

START_TEST(paths_open_the_files)
{
    const char *args[1];
    tp_walk *w;
    tp_walk_item it;
    char buf[16];
    int n = 0;

    make_root();
    make_dir("d");
    make_dir("d/e");
    make_file("d/e/f.txt", "hello");
    args[0] = root;
    w = tp_walk_new(args, 1, NULL);
    while (tp_walk_next(w, &it) == 1) {
        FILE *f;
        size_t got;
        ck_assert_int_eq(it.kind, TP_WALK_FILE);
        ck_assert_str_eq(it.id, "d/e/f.txt");
        ck_assert_uint_eq(strlen(it.path), strlen(root) + 1 + strlen(it.id));
        f = fopen(it.path, "r");
        ck_assert_ptr_nonnull(f);
        got = fread(buf, 1, sizeof buf, f);
        fclose(f);
        ck_assert_uint_eq(got, 5);
        n++;
    }
    ck_assert_int_eq(n, 1);
    tp_walk_free(w);
    remove_root();
}
END_TEST

START_TEST(unreadable_folder)
{
    char path[4096], want[1024];

    if (geteuid() == 0)
        return;     /* root reads every folder */
    make_root();
    make_file("a.txt", "a");
    make_dir("locked");
    make_file("locked/secret.txt", "s");
    make_file("z.txt", "z");
    snprintf(path, sizeof path, "%s/locked", root);
    ck_assert(chmod(path, 0) == 0);
    snprintf(want, sizeof want, "F a.txt\nE locked: %s\nF z.txt\n", strerror(EACCES));
    check_walk(NULL, want);
    remove_root();
}
END_TEST

START_TEST(many_files_in_order)
{
    /* 300 files over 3 folders written in reverse: the walk sorts. */
    char name[64], want[16384];
    size_t len = 0;
    int i, d;

    make_root();
    for (d = 0; d < 3; d++) {
        snprintf(name, sizeof name, "d%d", d);
        make_dir(name);
    }
    for (i = 299; i >= 0; i--) {
        snprintf(name, sizeof name, "d%d/%03d.txt", i % 3, i);
        make_file(name, "x");
    }
    for (d = 0; d < 3; d++)
        for (i = d; i < 300; i += 3)
            len += (size_t)snprintf(want + len, sizeof want - len, "F d%d/%03d.txt\n", d, i);
    check_walk(NULL, want);
    remove_root();
}
END_TEST

START_TEST(empty_and_bad_walks)
{
    tp_walk *w = tp_walk_new(NULL, 0, NULL);
    tp_walk_item it;

    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(tp_walk_next(w, &it), 0);
    tp_walk_free(w);
    tp_walk_free(NULL);
}
END_TEST

START_TEST(globs)
{
    ck_assert(tp_glob_match("*.txt", "a.txt"));
    ck_assert(tp_glob_match("*.txt", ".txt"));
    ck_assert(!tp_glob_match("*.txt", "x/a.txt"));
    ck_assert(!tp_glob_match("*.txt", "a.txt.bak"));
    ck_assert(tp_glob_match("**/*.txt", "a.txt"));
    ck_assert(tp_glob_match("**/*.txt", "x/a.txt"));
    ck_assert(tp_glob_match("**/*.txt", "x/y/a.txt"));
    ck_assert(!tp_glob_match("**/*.txt", "x/y/a.md"));
    ck_assert(tp_glob_match("politics/**", "politics/a/b.txt"));
    ck_assert(!tp_glob_match("politics/**", "sport/a.txt"));
    ck_assert(tp_glob_match("a/**/b", "a/b"));
    ck_assert(tp_glob_match("a/**/b", "a/x/y/b"));
    ck_assert(!tp_glob_match("a/**/b", "a/xb"));
    ck_assert(tp_glob_match("??.txt", "ab.txt"));
    ck_assert(!tp_glob_match("??.txt", "a.txt"));
    ck_assert(!tp_glob_match("a?b", "a/b"));
    ck_assert(tp_glob_match("[abc].txt", "b.txt"));
    ck_assert(!tp_glob_match("[abc].txt", "d.txt"));
    ck_assert(tp_glob_match("[a-c]x", "cx"));
    ck_assert(tp_glob_match("[!a-c]x", "dx"));
    ck_assert(!tp_glob_match("[!a-c]x", "ax"));
    ck_assert(tp_glob_match("[]]", "]"));
    ck_assert(tp_glob_match("[ab", "[ab"));       /* unclosed: literal */
    ck_assert(tp_glob_match("\\*", "*"));
    ck_assert(!tp_glob_match("\\*", "a"));
    ck_assert(tp_glob_match("*", ""));
    ck_assert(tp_glob_match("", ""));
    ck_assert(!tp_glob_match("", "a"));
    ck_assert(tp_glob_match("a*b*c", "aXXbYYc"));
    ck_assert(!tp_glob_match("a*b*c", "aXXbYY"));
    ck_assert(tp_glob_match("2024-*/**/*.txt", "2024-01/x/y.txt"));
}
END_TEST

static Suite *walk_suite(void)
{
    Suite *s = suite_create("walk");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, folder_sorted_and_recursive);
    tcase_add_test(tc, hidden_names_on_request);
    tcase_add_test(tc, include_globs);
    tcase_add_test(tc, include_several_globs);
    tcase_add_test(tc, exclude_globs);
    tcase_add_test(tc, arguments_in_order);
    tcase_add_test(tc, paths_open_the_files);
    tcase_add_test(tc, unreadable_folder);
    tcase_add_test(tc, many_files_in_order);
    tcase_add_test(tc, empty_and_bad_walks);
    tcase_add_test(tc, globs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(walk_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
