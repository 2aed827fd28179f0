/* Two builds of one stage, loaded as modules into one process and timed in
 * turns, document by document:
 *
 *     stage-ab [--repeat N] [--stage NAME] A.so B.so < in.jsonl
 *
 * (A.so, B.so: a build's plugins/NAME/.libs/NAME.so; copy the older one
 * aside before rebuilding.  The stage's name is B.so's file name up to its
 * first dot, unless --stage names it.)  Each of N rounds creates both
 * stages afresh, so that each round starts as a process does, with nothing
 * cached yet, then runs every record through both, in turns (which of the
 * two goes first alternates from record to record), and adds up each
 * stage's thread CPU time.  What a stage writes (the keys its descriptor
 * lists that the input record lacks) is deleted after each run, outside the
 * time, as the runner frees a record once written; a key the input already
 * has (normalise's "text") stays as the stage left it, so such a stage
 * meets its own output from the second run on.  Printed: per round the MB/s of each and the ratio
 * B / A of their speeds, then the median, lowest and highest ratio.  Both
 * builds see the same load at the same moments, so the ratio varies far
 * less than between separate runs on a shared machine; they also share the
 * caches, so each sees more misses than alone.  Records come as they are
 * on stdin: a stage that reads another's keys finds them only if the input
 * has them.  JSON values are allocated by the runner's per-thread
 * allocator (core/jsonmem.c). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <ltdl.h>

#include "textpipe/plugin.h"

#include "jsonmem.h"
#include "cputime.h"

typedef struct {
    const tp_plugin *pl;
    void *inst, *worker;
} stage;

static int load(const char *path, const char *name, const tp_plugin **pl)
{
    char sym[128];
    lt_dlhandle h = lt_dlopen(path);
    const tp_plugin *(*entry)(void);
    if (h == NULL) {
        fprintf(stderr, "stage-ab: %s: %s\n", path, lt_dlerror());
        return -1;
    }
    snprintf(sym, sizeof sym, "%s_LTX_textpipe_plugin", name);
    entry = (const tp_plugin *(*)(void))lt_dlsym(h, sym);
    if (entry == NULL || (*pl = entry()) == NULL) {
        fprintf(stderr, "stage-ab: %s: no stage \"%s\" in it (name it with --stage)\n", path, name);
        return -1;
    }
    return 0;
}

static int start(const char *path, stage *st)
{
    tp_error err;
    st->worker = NULL;
    if (st->pl->create(&st->inst, NULL, &err) != 0) {
        fprintf(stderr, "stage-ab: %s: %s\n", path, err.message);
        return -1;
    }
    if (st->pl->worker_init != NULL && st->pl->worker_init(&st->worker, st->inst, &err) != 0) {
        fprintf(stderr, "stage-ab: %s: %s\n", path, err.message);
        st->pl->destroy(st->inst);
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

/* The stage's name from a module's path: "x/numbers.so" gives "numbers". */
static const char *name_of(const char *path, char *buf, size_t cap)
{
    const char *b = strrchr(path, '/');
    size_t n;
    b = b ? b + 1 : path;
    n = strcspn(b, ".");
    if (n == 0 || n >= cap)
        return NULL;
    memcpy(buf, b, n);
    buf[n] = '\0';
    return buf;
}

static json_t **read_records(size_t *count, size_t *bytes)
{
    json_t **recs = NULL;
    size_t n = 0, cap = 0, lcap = 0;
    char *line = NULL;
    ssize_t len;
    *bytes = 0;
    while ((len = getline(&line, &lcap, stdin)) > 0) {
        json_error_t jerr;
        json_t *r = json_loadb(line, (size_t)len, 0, &jerr), *t = json_object_get(r, "text");
        if (!json_is_string(t)) {
            json_decref(r);
            continue;
        }
        if (n == cap) {
            json_t **g = realloc(recs, (cap = cap ? 2 * cap : 1024) * sizeof *recs);
            if (g == NULL) {
                json_decref(r);
                break;
            }
            recs = g;
        }
        *bytes += json_string_length(t);
        recs[n++] = r;
    }
    free(line);
    *count = n;
    return recs;
}

int main(int argc, char **argv)
{
    stage st[2];
    const char *paths[2] = {NULL, NULL}, *name = NULL;
    char namebuf[64];
    json_t **recs;
    size_t n, bytes, np = 0, nw = 0;
    const char *writes[16];
    unsigned char *fresh;
    int rounds = 11;
    double *ratio, all[2] = {0, 0};
    tp_error err;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--stage") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (argv[i][0] != '-' && np < 2)
            paths[np++] = argv[i];
        else
            np = 3;
    }
    if (np != 2 || rounds < 1) {
        fprintf(stderr, "usage: stage-ab [--repeat N] [--stage NAME] A.so B.so < in.jsonl\n");
        return 2;
    }
    if (name == NULL && (name = name_of(paths[1], namebuf, sizeof namebuf)) == NULL) {
        fprintf(stderr, "stage-ab: %s: no stage name in the file name (name it with --stage)\n", paths[1]);
        return 2;
    }
    tp_jsonmem_install();
    if (lt_dlinit() != 0)
        return 1;
    for (int k = 0; k < 2; k++)
        if (load(paths[k], name, &st[k].pl) != 0)
            return 1;
    recs = read_records(&n, &bytes);
    if (n == 0) {
        fprintf(stderr, "stage-ab: no records with a string \"text\" on stdin\n");
        return 1;
    }
    /* The keys both builds write, and which of them each record lacks. */
    for (const char *const *w = st[1].pl->writes; w != NULL && *w != NULL && nw < 16; w++)
        writes[nw++] = *w;
    ratio = calloc((size_t)rounds, sizeof *ratio);
    fresh = calloc(n * nw + 1, 1);
    if (ratio == NULL || fresh == NULL)
        return 1;
    for (size_t i = 0; i < n; i++)
        for (size_t w = 0; w < nw; w++)
            fresh[i * nw + w] = json_object_get(recs[i], writes[w]) == NULL;
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
                    fprintf(stderr, "stage-ab: %s: record %zu: %s\n", paths[k], i + 1, err.message);
                t[k] += bench_cpu_now() - t0;
                for (size_t w = 0; w < nw; w++)
                    if (fresh[i * nw + w])
                        json_object_del(recs[i], writes[w]);
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
    free(fresh);
    return 0;
}
