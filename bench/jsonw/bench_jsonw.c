/* Micro-benchmark: tp_json_write against json_dumps(v, JSON_COMPACT) on
 * records shaped like textpipe's (a text, an id, a source, and about a
 * hundred annotation spans).  Texts come from the BBC news folder when it
 * is there (read with the walker and the decoder), else are made up.
 *
 * usage: bench_jsonw [DATA_DIR] [RUNS]      (see run.sh) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "jsonw.h"
#include "walk.h"

#define BENCH_MAX_DOCS 600
#define BENCH_SPANS 100  /* sentences + entities + numbers */

static uint64_t bench_rng_state = 88172645463325252ULL;

static unsigned bench_rng(unsigned n)
{
    bench_rng_state ^= bench_rng_state << 13;
    bench_rng_state ^= bench_rng_state >> 7;
    bench_rng_state ^= bench_rng_state << 17;
    return (unsigned)(bench_rng_state % n);
}

static double bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *bench_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

/* A record around text as DESIGN.md shows them: 20 sentences, 60 entities
 * over words of the text, 20 numbers (half with a real value). */
static json_t *bench_record(const char *id, const char *path, const char *text,
                            size_t len, const char *encoding)
{
    static const char *labels[] = { "PER", "ORG", "LOC", "MISC" };
    json_t *rec, *spans, *sents, *nums;
    size_t i;

    rec = json_pack("{s:s,s:{s:s,s:I,s:s},s:s%}", "id", id, "source", "path", path,
                    "bytes", (json_int_t)len, "encoding", encoding, "text", text, len);
    if (!rec)
        return NULL;
    sents = json_array();
    for (i = 0; i < 20; i++)
        json_array_append_new(sents, json_pack("{s:I,s:I}", "start", (json_int_t)(i * 100),
                                               "end", (json_int_t)(i * 100 + 99)));
    json_object_set_new(rec, "sentences", sents);
    nums = json_array();
    spans = json_array();
    for (i = 0; i < 80; i++) {
        size_t start = len > 40 ? bench_rng((unsigned)(len - 40)) : 0;
        size_t n = 3 + bench_rng(20);
        char word[32];
        size_t k;
        json_t *value;
        if (start + n > len)
            n = len - start;
        for (k = 0; k < n; k++) {
            unsigned char c = (unsigned char)text[start + k];
            word[k] = c >= 0x20 && c < 0x7F ? (char)c : ' ';
        }
        word[n] = '\0';
        if (i < 60) {
            json_array_append_new(spans, json_pack("{s:I,s:I,s:s,s:s}",
                                                   "start", (json_int_t)start,
                                                   "end", (json_int_t)(start + n),
                                                   "text", word, "label", labels[i % 4]));
            continue;
        }
        value = i % 2 ? json_real(bench_rng(100000) / 10.0) : json_integer(bench_rng(1000000));
        json_array_append_new(nums, json_pack("{s:I,s:I,s:s,s:o,s:s}",
                                              "start", (json_int_t)start,
                                              "end", (json_int_t)(start + n), "text", word,
                                              "value", value, "kind", "cardinal"));
    }
    json_object_set_new(rec, "numbers", nums);
    json_object_set_new(rec, "entities", spans);
    return rec;
}

static size_t bench_load(const char *data, json_t **recs)
{
    char folder[4096];
    const char *args[1];
    tp_walk_options opts = { 0 };
    const char *inc[] = { "*/*.txt" };
    tp_walk *w;
    tp_walk_item it;
    size_t n = 0;

    snprintf(folder, sizeof folder, "%s/bbc-news", data);
    args[0] = folder;
    opts.include = inc;
    opts.n_include = 1;
    w = tp_walk_new(args, 1, &opts);
    while (w && n < BENCH_MAX_DOCS && tp_walk_next(w, &it) == 1) {
        size_t len;
        char *bytes;
        tp_decoded d;
        if (it.kind != TP_WALK_FILE)
            continue;
        bytes = bench_read(it.path, &len);
        if (!bytes)
            continue;
        if (tp_decode(&d, bytes, len) == TP_DECODE_OK) {
            recs[n] = bench_record(it.id, it.path, d.text, d.len, d.encoding);
            if (recs[n])
                n++;
            free(d.text);
        }
        free(bytes);
    }
    tp_walk_free(w);
    return n;
}

static size_t bench_make_up(json_t **recs)
{
    static const char *words[] = { "The", "minister", "said", "figures", "rose", "by",
        "12.5%", "in", "March,", "\xE2\x80\x9Cwell", "above\xE2\x80\x9D", "forecasts.",
        "Z\xC3\xBCrich", "\xC2\xA3" "40m", "\n" };
    char text[4096], id[32];
    size_t n, len;

    for (n = 0; n < BENCH_MAX_DOCS; n++) {
        len = 0;
        while (len < 2000) {
            const char *w = words[bench_rng(sizeof words / sizeof words[0])];
            memcpy(text + len, w, strlen(w));
            len += strlen(w);
            text[len++] = ' ';
        }
        snprintf(id, sizeof id, "made-up/%03zu.txt", n);
        recs[n] = bench_record(id, id, text, len, "utf-8");
    }
    return n;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : "../shared/data";
    int runs = argc > 2 ? atoi(argv[2]) : 7, r;
    static json_t *recs[BENCH_MAX_DOCS];
    double *t_ours, *t_jansson, t0, med_ours, med_jansson;
    size_t n, i, bytes = 0;
    tp_buf b = { 0 };
    int rc = 1;

    if (runs < 1)
        runs = 1;
    t_ours = calloc((size_t)runs, sizeof *t_ours);
    t_jansson = calloc((size_t)runs, sizeof *t_jansson);
    n = bench_load(data, recs);
    if (n == 0) {
        fprintf(stderr, "no %s/bbc-news: using made-up texts\n", data);
        n = bench_make_up(recs);
    }
    /* Check once that the bytes agree. */
    for (i = 0; i < n; i++) {
        char *s = json_dumps(recs[i], JSON_COMPACT);
        b.len = 0;
        if (!s || tp_json_write(&b, recs[i]) < 0 || b.len != strlen(s)
            || memcmp(b.data, s, b.len) != 0) {
            fprintf(stderr, "record %zu differs\n", i);
            free(s);
            goto done;
        }
        bytes += b.len;
        free(s);
    }
    for (r = 0; r < runs; r++) {
        t0 = bench_now();
        for (i = 0; i < n; i++) {
            b.len = 0;
            tp_json_write(&b, recs[i]);
        }
        t_ours[r] = bench_now() - t0;
        t0 = bench_now();
        for (i = 0; i < n; i++)
            free(json_dumps(recs[i], JSON_COMPACT));
        t_jansson[r] = bench_now() - t0;
    }
    qsort(t_ours, (size_t)runs, sizeof *t_ours, bench_cmp);
    qsort(t_jansson, (size_t)runs, sizeof *t_jansson, bench_cmp);
    med_ours = t_ours[runs / 2];
    med_jansson = t_jansson[runs / 2];
    printf("records: %zu (%zu annotations each), %.1f MB of JSON, %d runs\n", n,
           (size_t)BENCH_SPANS, bytes / 1e6, runs);
    printf("json_dumps:    median %.2f ms  (%.0f MB/s)\n", med_jansson * 1e3,
           bytes / 1e6 / med_jansson);
    printf("tp_json_write: median %.2f ms  (%.0f MB/s)\n", med_ours * 1e3,
           bytes / 1e6 / med_ours);
    printf("ratio (json_dumps / tp_json_write): %.2f\n", med_jansson / med_ours);
    rc = 0;
done:
    for (i = 0; i < n; i++)
        json_decref(recs[i]);
    tp_buf_free(&b);
    free(t_ours);
    free(t_jansson);
    return rc;
}
