/* `textpipe render`, the command: read records from JSON Lines or from a
 * run's --out-dir and hand them to the site writer (render.c). */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "jsonr.h"
#include "render.h"

static const char usage[] =
    "usage: textpipe render [RECORDS.jsonl ... | - | --out-dir DIR] -o SITE/\n"
    "  Write one HTML page per record and SITE/index.html.\n"
    "  RECORDS.jsonl  JSON Lines from `textpipe run` (- or none: standard input)\n"
    "  --out-dir DIR  the folder of a `textpipe run --out-dir` (*.json, *.jsonl)\n"
    "  -o, --output SITE  the folder to write (created if missing)\n";

typedef struct run_state {
    tp_render *r;
    unsigned long ok, failed;
} run_state;

static void add_one(run_state *st, json_t *rec, const char *where, size_t line)
{
    char err[512];
    if (tp_render_add(st->r, rec, err, sizeof err) == 0) {
        st->ok++;
        return;
    }
    st->failed++;
    if (line > 0)
        fprintf(stderr, "textpipe render: %s:%zu: %s\n", where, line, err);
    else
        fprintf(stderr, "textpipe render: %s: %s\n", where, err);
}

static int read_jsonl(run_state *st, FILE *in, const char *name)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) != -1) {
        json_error_t je;
        json_t *rec;
        size_t k = (size_t)n;
        lineno++;
        while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r' ||
                         line[k - 1] == ' ' || line[k - 1] == '\t'))
            k--;
        if (k == 0)
            continue;
        rec = tp_json_parse(line, k, &je);
        if (rec == NULL) {
            st->failed++;
            fprintf(stderr, "textpipe render: %s:%zu: malformed JSON: %s\n",
                    name, lineno, je.text);
            continue;
        }
        add_one(st, rec, name, lineno);
        json_decref(rec);
    }
    free(line);
    if (ferror(in)) {
        fprintf(stderr, "textpipe render: %s: read error\n", name);
        st->failed++;
        return -1;
    }
    return 0;
}

static int read_path_jsonl(run_state *st, const char *path)
{
    FILE *in = fopen(path, "r");
    int rc;
    if (in == NULL) {
        fprintf(stderr, "textpipe render: %s: %s\n", path, strerror(errno));
        st->failed++;
        return -1;
    }
    rc = read_jsonl(st, in, path);
    fclose(in);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The records of a run's --out-dir, walked in a stable (byte) order. */
static void read_dir(run_state *st, const char *dir, int depth)
{
    DIR *dp = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    if (dp == NULL) {
        fprintf(stderr, "textpipe render: %s: %s\n", dir, strerror(errno));
        st->failed++;
        return;
    }
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t c = cap ? 2 * cap : 16;
            char **v = realloc(names, c * sizeof *v);
            if (v == NULL)
                break;
            names = v;
            cap = c;
        }
        names[n] = strdup(de->d_name);
        if (names[n] != NULL)
            n++;
    }
    closedir(dp);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    for (i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        struct stat sb;
        if (path == NULL)
            break;
        snprintf(path, len, "%s/%s", dir, names[i]);
        if (lstat(path, &sb) != 0) {
            /* vanished: skip */
        } else if (S_ISDIR(sb.st_mode)) {
            if (depth < 64)
                read_dir(st, path, depth + 1);
        } else if (S_ISREG(sb.st_mode) && ends_with(path, ".jsonl")) {
            read_path_jsonl(st, path);
        } else if (S_ISREG(sb.st_mode) && ends_with(path, ".json")) {
            json_error_t je;
            json_t *rec = json_load_file(path, 0, &je);
            if (rec == NULL) {
                st->failed++;
                fprintf(stderr, "textpipe render: %s:%d: malformed JSON: %s\n",
                        path, je.line, je.text);
            } else {
                add_one(st, rec, path, 0);
                json_decref(rec);
            }
        }
        free(path);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int tp_render_main(int argc, char **argv)
{
    const char *site = NULL;
    const char **inputs = NULL, **dirs = NULL;
    size_t ninputs = 0, ndirs = 0, i;
    int a, status;
    run_state st = { NULL, 0, 0 };
    char err[512];
    struct timespec t0, t1;
    inputs = calloc((size_t)argc + 1, sizeof *inputs);
    dirs = calloc((size_t)argc + 1, sizeof *dirs);
    if (inputs == NULL || dirs == NULL) {
        free(inputs);
        free(dirs);
        fprintf(stderr, "textpipe render: out of memory\n");
        return 2;
    }
    for (a = 1; a < argc; a++) {
        const char *s = argv[a];
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            fputs(usage, stdout);
            free(inputs);
            free(dirs);
            return 0;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (a + 1 >= argc)
                goto missing;
            site = argv[++a];
        } else if (strncmp(s, "--output=", 9) == 0) {
            site = s + 9;
        } else if (strcmp(s, "--out-dir") == 0) {
            if (a + 1 >= argc)
                goto missing;
            dirs[ndirs++] = argv[++a];
        } else if (strncmp(s, "--out-dir=", 10) == 0) {
            dirs[ndirs++] = s + 10;
        } else if (strcmp(s, "--") == 0) {
            for (a++; a < argc; a++)
                inputs[ninputs++] = argv[a];
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(stderr, "textpipe render: unknown option %s\n%s", s, usage);
            free(inputs);
            free(dirs);
            return 2;
        } else {
            inputs[ninputs++] = s;
        }
    }
    if (site == NULL || *site == '\0') {
        fprintf(stderr, "textpipe render: no site folder: give -o SITE/\n%s", usage);
        free(inputs);
        free(dirs);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st.r = tp_render_open(site, err, sizeof err);
    if (st.r == NULL) {
        fprintf(stderr, "textpipe render: %s\n", err);
        free(inputs);
        free(dirs);
        return 2;
    }
    if (ninputs == 0 && ndirs == 0)
        read_jsonl(&st, stdin, "-");
    for (i = 0; i < ninputs; i++) {
        if (strcmp(inputs[i], "-") == 0)
            read_jsonl(&st, stdin, "-");
        else
            read_path_jsonl(&st, inputs[i]);
    }
    for (i = 0; i < ndirs; i++)
        read_dir(&st, dirs[i], 0);
    if (tp_render_close(st.r, err, sizeof err) != 0) {
        fprintf(stderr, "textpipe render: %s\n", err);
        st.failed++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "textpipe render: %lu documents, %lu failed, %.2f s: %s/index.html\n",
            st.ok, st.failed,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            site);
    status = st.failed > 0 ? 1 : 0;
    free(inputs);
    free(dirs);
    return status;
missing:
    fprintf(stderr, "textpipe render: %s needs a value\n%s", argv[a], usage);
    free(inputs);
    free(dirs);
    return 2;
}
