/* A small driver for the numbers stage, for the scripts in bench/numbers.
 *
 *     numbers-driver [--stats] [--quiet] [--repeat N] [--floor] < in.jsonl > out.jsonl
 *
 * Reads JSON Lines {"id":..,"text":..}, runs the numbers stage on each
 * record and writes the records as JSON Lines.  --stats prints on standard
 * error the line the runner prints for a stage:
 *     textpipe: stage numbers: N records, S s, X MB/s
 * (S is the median over --repeat runs of the stage over all records, in
 * CPU seconds of the thread, so the figure is per core and does not depend
 * on what else the machine is running).
 * --floor adds the same figure for a pcre2 JIT scan of the same texts with
 * one simple digit pattern, measured in the same run.
 *
 * JSON values are allocated as the runner allocates them (core/jsonmem.c,
 * blocks kept per thread), and with --quiet each record's findings are
 * freed right after the record (outside the time), as the runner frees a
 * record once written: a profile of the driver shows what the runner pays. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"

#include "jsonmem.h"
#include "../cputime.h"

const tp_plugin *numbers_LTX_textpipe_plugin(void);

int main(int argc, char **argv)
{
    const tp_plugin *pl = numbers_LTX_textpipe_plugin();
    int stats = 0, quiet = 0, floor_scan = 0, repeat = 1;
    void *inst = NULL, *worker = NULL;
    tp_error err;
    json_t **recs = NULL;
    size_t n = 0, cap = 0, bytes = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    double *times, *ftimes;
    long total_findings = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stats") == 0)
            stats = 1;
        else if (strcmp(argv[i], "--quiet") == 0)
            quiet = 1;
        else if (strcmp(argv[i], "--floor") == 0)
            floor_scan = 1;
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: numbers-driver [--stats] [--quiet] [--repeat N] [--floor] < in.jsonl\n");
            return 2;
        }
    }
    if (repeat < 1)
        repeat = 1;
    /* JSON values come from the runner's per-thread allocator, as in
     * textpipe run, so that a profile of the driver shows what the runner
     * pays */
    tp_jsonmem_install();
    while ((len = getline(&line, &lcap, stdin)) > 0) {
        json_error_t je;
        json_t *r = json_loadb(line, (size_t)len, 0, &je);
        if (r == NULL || !json_is_object(r)) {
            fprintf(stderr, "numbers-driver: line %zu: %s\n", n + 1, r ? "not an object" : je.text);
            json_decref(r);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            recs = realloc(recs, cap * sizeof *recs);
            if (recs == NULL)
                return 1;
        }
        if (json_is_string(json_object_get(r, "text")))
            bytes += json_string_length(json_object_get(r, "text"));
        recs[n++] = r;
    }
    free(line);
    {
        json_t *opts = json_object();
        int rc = pl->create(&inst, opts, &err);
        json_decref(opts);
        if (rc != 0) {
            fprintf(stderr, "numbers-driver: %s\n", err.message);
            return 1;
        }
    }
    if (pl->worker_init(&worker, inst, &err) != 0) {
        fprintf(stderr, "numbers-driver: %s\n", err.message);
        return 1;
    }
    times = calloc((size_t)repeat, sizeof *times);
    ftimes = calloc((size_t)repeat, sizeof *ftimes);
    {
        pcre2_code *re = NULL;
        pcre2_match_data *md = NULL;
        if (floor_scan) {
            int ec;
            PCRE2_SIZE eo;
            re = pcre2_compile((PCRE2_SPTR) "[0-9]+", PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &eo, NULL);
            pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
            md = pcre2_match_data_create_from_pattern(re, NULL);
        }
        for (int k = 0; k < repeat; k++) {
            double t0;
            for (size_t i = 0; i < n; i++)
                json_object_del(recs[i], "numbers");
            if (quiet) {
                /* as the runner does, free each record's findings before
                 * the next record (outside the time), so that the
                 * allocator's blocks are used again */
                times[k] = 0;
                for (size_t i = 0; i < n; i++) {
                    t0 = bench_cpu_now();
                    if (pl->process(inst, worker, recs[i], &err) != 0)
                        fprintf(stderr, "numbers-driver: record %zu: %s\n", i + 1, err.message);
                    times[k] += bench_cpu_now() - t0;
                    if (k == 0)
                        total_findings += (long)json_array_size(json_object_get(recs[i], "numbers"));
                    json_object_del(recs[i], "numbers");
                }
            } else {
                t0 = bench_cpu_now();
                for (size_t i = 0; i < n; i++) {
                    if (pl->process(inst, worker, recs[i], &err) != 0) {
                        json_object_set_new(recs[i], "error",
                                            json_pack("{s:s,s:s}", "stage", "numbers", "message", err.message));
                    }
                }
                times[k] = bench_cpu_now() - t0;
            }
            if (floor_scan) {
                long hits = 0;
                t0 = bench_cpu_now();
                for (size_t i = 0; i < n; i++) {
                    json_t *t = json_object_get(recs[i], "text");
                    const char *s = json_string_value(t);
                    size_t sl = json_string_length(t), pos = 0;
                    if (s == NULL)
                        continue;
                    while (pos < sl &&
                           pcre2_jit_match(re, (PCRE2_SPTR)s, sl, pos, PCRE2_NO_UTF_CHECK, md, NULL) > 0) {
                        pos = pcre2_get_ovector_pointer(md)[1];
                        hits++;
                    }
                }
                ftimes[k] = bench_cpu_now() - t0;
                if (hits < 0)
                    return 1;
            }
        }
        pcre2_match_data_free(md);
        pcre2_code_free(re);
    }
    for (size_t i = 0; i < n; i++) {
        if (!quiet) {
            json_t *a = json_object_get(recs[i], "numbers");
            total_findings += (long)json_array_size(a);
            char *out = json_dumps(recs[i], JSON_COMPACT | JSON_REAL_PRECISION(15));
            if (out) {
                fputs(out, stdout);
                fputc('\n', stdout);
                free(out);
            }
        }
        json_decref(recs[i]);
    }
    if (stats) {
        double t, ft;
        qsort(times, (size_t)repeat, sizeof *times, bench_cmp_double);
        t = times[repeat / 2];
        fprintf(stderr, "textpipe: stage numbers: %zu records, %.4f s, %.1f MB/s\n", n, t,
                t > 0 ? (double)bytes / 1e6 / t : 0.0);
        fprintf(stderr, "numbers-driver: %ld findings in %zu bytes\n", total_findings, bytes);
        if (floor_scan) {
            qsort(ftimes, (size_t)repeat, sizeof *ftimes, bench_cmp_double);
            ft = ftimes[repeat / 2];
            fprintf(stderr, "numbers-driver: floor pcre2 [0-9]+ scan: %.4f s, %.1f MB/s; numbers/floor speed ratio %.3f\n",
                    ft, ft > 0 ? (double)bytes / 1e6 / ft : 0.0, t > 0 ? ft / t : 0.0);
        }
    }
    free(times);
    free(ftimes);
    free(recs);
    pl->worker_fini(inst, worker);
    pl->destroy(inst);
    return 0;
}
