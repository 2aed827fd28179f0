/* Two builds of the entities stage, loaded as modules into one process
 * and timed in turns, document by document:
 *
 *     entities-ab [--repeat N] A.so B.so < in.jsonl
 *
 * (A.so, B.so: a build's plugins/entities/.libs/entities.so; copy the
 * older one aside before rebuilding.)  Each of N rounds creates both
 * stages afresh (so each round starts, as a process does, with no word's
 * rows made yet), runs every record through both, in turns (which of
 * the two goes first alternates from record to record), and adds up each
 * stage's thread CPU time; each record's entities are deleted after each
 * run, outside the time, as the runner frees a record once written.
 * Printed: per round the MB/s of each and the ratio B / A of their
 * speeds, then the median, lowest and highest ratio.  Both builds see
 * the same load at the same moments, so the ratio varies far less than
 * between separate runs on a shared machine; they also share the caches,
 * so each sees more misses than alone.  JSON values are allocated by the
 * runner's per-thread allocator (core/jsonmem.c). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <ltdl.h>

#include "textpipe/plugin.h"

#include "jsonmem.h"
#include "../cputime.h"

typedef struct {
    const tp_plugin *pl;
    void *inst, *worker;
} stage;

static int load(const char *path, const tp_plugin **pl)
{
    lt_dlhandle h = lt_dlopen(path);
    const tp_plugin *(*entry)(void);
    if (h == NULL) {
        fprintf(stderr, "entities-ab: %s: %s\n", path, lt_dlerror());
        return -1;
    }
    entry = (const tp_plugin *(*)(void))lt_dlsym(h, "entities_LTX_textpipe_plugin");
    if (entry == NULL || (*pl = entry()) == NULL) {
        fprintf(stderr, "entities-ab: %s: no entities stage in it\n", path);
        return -1;
    }
    return 0;
}

static int start(const char *path, stage *st)
{
    tp_error err;
    if (st->pl->create(&st->inst, NULL, &err) != 0 ||
        (st->pl->worker_init != NULL && st->pl->worker_init(&st->worker, st->inst, &err) != 0)) {
        fprintf(stderr, "entities-ab: %s: %s\n", path, err.message);
        return -1;
    }
    return 0;
}

static void stop(stage *st)
{
    if (st->pl->worker_fini != NULL)
        st->pl->worker_fini(st->inst, st->worker);
    st->pl->destroy(st->inst);
}

int main(int argc, char **argv)
{
    stage st[2];
    const char *paths[2] = {NULL, NULL};
    json_t **recs = NULL;
    size_t n = 0, cap = 0, bytes = 0, np = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rounds = 11;
    double *ratio, all[2] = {0, 0};
    tp_error err;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (argv[i][0] != '-' && np < 2)
            paths[np++] = argv[i];
        else
            np = 3;
    }
    if (np != 2 || rounds < 1) {
        fprintf(stderr, "usage: entities-ab [--repeat N] A.so B.so < in.jsonl\n");
        return 2;
    }
    tp_jsonmem_install();
    if (lt_dlinit() != 0)
        return 1;
    for (int k = 0; k < 2; k++)
        if (load(paths[k], &st[k].pl) != 0)
            return 1;
    while ((len = getline(&line, &lcap, stdin)) > 0) {
        json_error_t jerr;
        json_t *r = json_loadb(line, (size_t)len, 0, &jerr), *t = json_object_get(r, "text");
        if (!json_is_string(t)) {
            json_decref(r);
            continue;
        }
        if (n == cap) {
            json_t **g = realloc(recs, (cap = cap ? 2 * cap : 1024) * sizeof *recs);
            if (g == NULL)
                return 1;
            recs = g;
        }
        bytes += json_string_length(t);
        recs[n++] = r;
    }
    free(line);
    if (n == 0) {
        fprintf(stderr, "entities-ab: no records with a string \"text\" on stdin\n");
        return 1;
    }
    ratio = calloc((size_t)rounds, sizeof *ratio);
    if (ratio == NULL)
        return 1;
    for (int rd = 0; rd < rounds; rd++) {
        double t[2] = {0, 0};
        for (int k = 0; k < 2; k++)
            if (start(paths[k], &st[k]) != 0)
                return 1;
        for (size_t i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                int k = (int)((i + (size_t)rd + (size_t)j) & 1);
                double t0 = bench_cpu_now();
                if (st[k].pl->process(st[k].inst, st[k].worker, recs[i], &err) != 0)
                    fprintf(stderr, "entities-ab: %s: record %zu: %s\n", paths[k], i + 1, err.message);
                t[k] += bench_cpu_now() - t0;
                json_object_del(recs[i], "entities");
            }
        }
        for (int k = 0; k < 2; k++)
            stop(&st[k]);
        ratio[rd] = t[0] / t[1];
        all[0] += t[0];
        all[1] += t[1];
        printf("round %d: A %.2f MB/s, B %.2f MB/s, B / A %.3f\n", rd + 1, (double)bytes / t[0] / 1e6,
               (double)bytes / t[1] / 1e6, ratio[rd]);
        fflush(stdout);
    }
    qsort(ratio, (size_t)rounds, sizeof *ratio, bench_cmp_double);
    printf("%zu records, %zu bytes, %d rounds: A %.2f MB/s, B %.2f MB/s; speed B / A: median %.3f (%.3f to %.3f)\n",
           n, bytes, rounds, (double)bytes * rounds / all[0] / 1e6, (double)bytes * rounds / all[1] / 1e6,
           ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    for (size_t i = 0; i < n; i++)
        json_decref(recs[i]);
    free(recs);
    free(ratio);
    return 0;
}
