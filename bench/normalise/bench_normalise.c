/* bench_normalise: MB/s of the normalise stage on one core, against
 * utf8proc's NFC and a plain scan over the same bytes, in one run.
 *
 *     bench_normalise [-r REPS] NAME=FOLDER ...
 *
 * Every .txt file under each folder is read into memory; each is one
 * record.  The stage's time is that of process() alone (records are built
 * before the clock starts); the medians of REPS runs are printed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utf8proc.h>

#include "textpipe/plugin.h"

const tp_plugin *normalise_LTX_textpipe_plugin(void);

typedef struct doc {
    char *s;
    size_t n;
} doc;

static doc *docs;
static size_t ndocs, capdocs, total;

static void load(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        struct dirent **list;
        int n = scandir(path, &list, NULL, alphasort), i;
        for (i = 0; i < n; i++) {
            if (list[i]->d_name[0] != '.') {
                char sub[4096];
                snprintf(sub, sizeof sub, "%s/%s", path, list[i]->d_name);
                load(sub);
            }
            free(list[i]);
        }
        free(list);
    } else if (S_ISREG(st.st_mode) && strlen(path) > 4 && strcmp(path + strlen(path) - 4, ".txt") == 0) {
        FILE *f = fopen(path, "rb");
        doc d;
        if (f == NULL)
            return;
        d.n = (size_t)st.st_size;
        d.s = malloc(d.n + 1);
        d.n = fread(d.s, 1, d.n, f);
        fclose(f);
        if (ndocs == capdocs) {
            capdocs = capdocs ? capdocs * 2 : 256;
            docs = realloc(docs, capdocs * sizeof *docs);
        }
        docs[ndocs++] = d;
        total += d.n;
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static volatile size_t sink;

static double run_stage(const tp_plugin *p, void *inst, void *w, size_t *changed)
{
    json_t **recs = malloc(ndocs * sizeof *recs);
    size_t i;
    double t0, t1;
    tp_error err;
    for (i = 0; i < ndocs; i++) {
        recs[i] = json_object();
        json_object_set_new(recs[i], "text", json_stringn_nocheck(docs[i].s, docs[i].n));
    }
    t0 = now();
    for (i = 0; i < ndocs; i++)
        if (p->process(inst, w, recs[i], &err) != TP_OK)
            fprintf(stderr, "error: %s\n", err.message);
    t1 = now();
    *changed = 0;
    for (i = 0; i < ndocs; i++) {
        *changed += json_object_get(recs[i], "original") != NULL;
        json_decref(recs[i]);
    }
    free(recs);
    return t1 - t0;
}

static double run_nfc(void)
{
    double t0 = now();
    size_t i;
    for (i = 0; i < ndocs; i++) {
        utf8proc_uint8_t *out = NULL;
        utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)docs[i].s,
                                          (utf8proc_ssize_t)docs[i].n, &out,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        sink += (size_t)r;
        free(out);
    }
    return now() - t0;
}

/* Skip ASCII eight bytes at a time; decode each other character and look
 * up its properties: the least a normaliser must do. */
static double run_scan(void)
{
    double t0 = now();
    size_t i, acc = 0;
    for (i = 0; i < ndocs; i++) {
        const unsigned char *s = (const unsigned char *)docs[i].s;
        size_t n = docs[i].n, k = 0;
        while (k < n) {
            uint64_t x;
            if (k + 8 <= n) {
                memcpy(&x, s + k, 8);
                if ((x & UINT64_C(0x8080808080808080)) == 0) {
                    k += 8;
                    continue;
                }
            }
            if (s[k] < 0x80) {
                k++;
            } else {
                utf8proc_int32_t c;
                utf8proc_ssize_t l = utf8proc_iterate(s + k, (utf8proc_ssize_t)(n - k), &c);
                if (l < 1)
                    l = 1;
                else
                    acc += utf8proc_get_property(c)->combining_class;
                k += (size_t)l;
            }
        }
    }
    sink += acc;
    return now() - t0;
}

int main(int argc, char **argv)
{
    const tp_plugin *p = normalise_LTX_textpipe_plugin();
    int reps = 7, a = 1;
    void *inst, *w;
    tp_error err;
    json_t *opts = json_object();
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        reps = atoi(argv[2]);
        a = 3;
    }
    if (reps < 1 || a >= argc) {
        fprintf(stderr, "usage: bench_normalise [-r REPS] NAME=FOLDER ...\n");
        return 2;
    }
    if (p->create(&inst, opts, &err) != TP_OK || p->worker_init(&w, inst, &err) != TP_OK) {
        fprintf(stderr, "normalise: %s\n", err.message);
        return 1;
    }
    for (; a < argc; a++) {
        char *eq = strchr(argv[a], '=');
        double ts[64], tn[64], tc[64], mb;
        size_t changed = 0, i;
        int r;
        if (eq == NULL) {
            fprintf(stderr, "bench_normalise: %s: want NAME=FOLDER\n", argv[a]);
            return 2;
        }
        *eq = '\0';
        for (i = 0; i < ndocs; i++)
            free(docs[i].s);
        ndocs = total = 0;
        load(eq + 1);
        if (ndocs == 0) {
            fprintf(stderr, "bench_normalise: no files under %s\n", eq + 1);
            return 1;
        }
        run_stage(p, inst, w, &changed); /* warm up the worker's buffers */
        for (r = 0; r < reps && r < 64; r++) {
            ts[r] = run_stage(p, inst, w, &changed);
            tn[r] = run_nfc();
            tc[r] = run_scan();
        }
        qsort(ts, (size_t)r, sizeof *ts, cmp);
        qsort(tn, (size_t)r, sizeof *tn, cmp);
        qsort(tc, (size_t)r, sizeof *tc, cmp);
        mb = (double)total / 1e6;
        printf("%s: %zu documents, %.2f MB, %zu changed by normalise (medians of %d runs, one core)\n",
               argv[a], ndocs, mb, changed, r);
        printf("  normalise      %8.1f MB/s\n", mb / ts[r / 2]);
        printf("  utf8proc NFC   %8.1f MB/s\n", mb / tn[r / 2]);
        printf("  scan           %8.1f MB/s\n", mb / tc[r / 2]);
        printf("  normalise / utf8proc NFC = %.2f   normalise / scan = %.2f\n",
               tn[r / 2] / ts[r / 2], tc[r / 2] / ts[r / 2]);
    }
    p->worker_fini(inst, w);
    p->destroy(inst);
    json_decref(opts);
    return 0;
}
