/* Speed of json_loadb and of tp_json_parse over the lines of a JSON Lines
 * file held in memory: MB/s of CPU time of this thread, median of several
 * passes after one warm-up pass.  The first pass also checks that both
 * parsers build equal trees.
 *
 * usage: bench_jsonr FILE.jsonl [RUNS] [PARSER]
 * PARSER (json_loadb or tp_json_parse) times only that one, for profiling. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonr.h"
#include "../cputime.h"

typedef struct {
    const char *p;
    size_t n;
} line;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One pass with parser `which` (0 jansson, 1 ours); CPU seconds. */
static double pass(const line *lines, size_t n, int which)
{
    double t0 = cpu_now();
    size_t i;
    for (i = 0; i < n; i++) {
        json_error_t e;
        json_t *v = which ? tp_json_parse(lines[i].p, lines[i].n, &e)
                          : json_loadb(lines[i].p, lines[i].n, 0, &e);
        if (v == NULL) {
            fprintf(stderr, "line %zu: %s\n", i + 1, e.text);
            exit(1);
        }
        json_decref(v);
    }
    return cpu_now() - t0;
}

int main(int argc, char **argv)
{
    FILE *f;
    char *data;
    long size;
    line *lines;
    size_t n = 0, cap = 1024, i, bytes = 0;
    int runs = argc > 2 ? atoi(argv[2]) : 7, r, which;
    const char *names[2] = { "json_loadb", "tp_json_parse" };
    double mbs[2] = { 0, 0 };
    const char *only = argc > 3 ? argv[3] : NULL;

    if (argc < 2 || runs < 1) {
        fprintf(stderr, "usage: bench_jsonr FILE.jsonl [RUNS] [PARSER]\n");
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
        perror(argv[1]);
        return 1;
    }
    rewind(f);
    data = malloc((size_t)size + 1);
    lines = malloc(cap * sizeof *lines);
    if (data == NULL || lines == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    fclose(f);
    for (i = 0; i < (size_t)size;) {
        char *nl = memchr(data + i, '\n', (size_t)size - i);
        size_t end = nl ? (size_t)(nl - data) : (size_t)size;
        if (end > i) {
            if (n == cap) {
                cap *= 2;
                lines = realloc(lines, cap * sizeof *lines);
                if (lines == NULL)
                    return 1;
            }
            lines[n].p = data + i;
            lines[n].n = end - i;
            bytes += end - i;
            n++;
        }
        i = end + 1;
    }

    /* the same trees from both */
    for (i = 0; i < n; i++) {
        json_t *a = json_loadb(lines[i].p, lines[i].n, 0, NULL);
        json_t *b = tp_json_parse(lines[i].p, lines[i].n, NULL);
        if (a == NULL || b == NULL || !json_equal(a, b)) {
            fprintf(stderr, "line %zu: the parsers disagree\n", i + 1);
            return 1;
        }
        json_decref(a);
        json_decref(b);
    }

    printf("%zu lines, %.2f MB\n", n, (double)bytes / 1e6);
    for (which = 0; which < 2; which++) {
        double *t;
        if (only != NULL && strcmp(only, names[which]) != 0)
            continue;
        t = malloc((size_t)runs * sizeof *t);
        if (t == NULL)
            return 1;
        pass(lines, n, which); /* warm-up */
        for (r = 0; r < runs; r++)
            t[r] = pass(lines, n, which);
        qsort(t, (size_t)runs, sizeof *t, bench_cmp_double);
        mbs[which] = (double)bytes / 1e6 / t[runs / 2];
        printf("%-14s %8.1f MB/s (median of %d, CPU time; min %.1f, max %.1f)\n", names[which],
               mbs[which], runs, (double)bytes / 1e6 / t[runs - 1], (double)bytes / 1e6 / t[0]);
        free(t);
    }
    if (only == NULL)
        printf("speed-up       %8.2fx\n", mbs[1] / mbs[0]);
    free(lines);
    free(data);
    return 0;
}
