/*
 * Tokens (and sentences) per second per core over a folder of text files,
 * all read into memory first.  Usage: bench_tokens FOLDER [RUNS]
 * Prints the median of RUNS timed passes (default 7) for tokenising alone
 * and for tokenising then splitting sentences, on one thread.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "textpipe/token.h"
#include "../cputime.h"

typedef struct doc {
    char *text;
    size_t len;
} doc;

static doc *docs;
static size_t ndocs, capdocs, total_bytes;

static void add_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *buf;
    if (f == NULL)
        return;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return;
    }
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return;
    }
    fclose(f);
    buf[n] = '\0';
    if (ndocs == capdocs) {
        capdocs = capdocs ? capdocs * 2 : 1024;
        docs = realloc(docs, capdocs * sizeof *docs);
        if (docs == NULL) {
            perror("realloc");
            exit(2);
        }
    }
    docs[ndocs].text = buf;
    docs[ndocs].len = (size_t)n;
    ndocs++;
    total_bytes += (size_t)n;
}

/* Every .txt file under dir, in no particular order. */
static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(path);
        else if (S_ISREG(st.st_mode) && n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0)
            add_file(path);
    }
    closedir(d);
}

/* One pass over every document; returns seconds, counts into *ntok, *nsent. */
static double pass(int sentences, tp_tokens *t, tp_sentences *s, size_t *ntok, size_t *nsent)
{
    double t0 = bench_cpu_now();
    size_t i;
    *ntok = *nsent = 0;
    for (i = 0; i < ndocs; i++) {
        if (tp_tokenize(t, docs[i].text, docs[i].len) != 0) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        *ntok += t->n;
        if (sentences) {
            if (tp_split_sentences(s, t, docs[i].text, docs[i].len) != 0) {
                fprintf(stderr, "out of memory\n");
                exit(2);
            }
            *nsent += s->n;
        }
    }
    return bench_cpu_now() - t0;
}

int main(int argc, char **argv)
{
    int runs = argc > 2 ? atoi(argv[2]) : 7, r, mode;
    tp_tokens t = { 0 };
    tp_sentences s = { 0 };
    double *secs;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FOLDER [RUNS]\n", argv[0]);
        return 2;
    }
    if (runs < 1)
        runs = 1;
    walk(argv[1]);
    if (ndocs == 0) {
        fprintf(stderr, "%s: no .txt files found\n", argv[1]);
        return 2;
    }
    secs = malloc((size_t)runs * sizeof *secs);
    printf("%zu documents, %.1f MB\n", ndocs, (double)total_bytes / 1e6);
    for (mode = 0; mode < 2; mode++) {
        size_t ntok = 0, nsent = 0;
        double med;
        pass(mode, &t, &s, &ntok, &nsent); /* warm up */
        for (r = 0; r < runs; r++)
            secs[r] = pass(mode, &t, &s, &ntok, &nsent);
        qsort(secs, (size_t)runs, sizeof *secs, bench_cmp_double);
        med = secs[runs / 2];
        if (mode == 0)
            printf("tokens:             %zu tokens, median %.4f s of %d runs: %.1f M tokens/s per core, %.0f MB/s\n",
                   ntok, med, runs, (double)ntok / med / 1e6, (double)total_bytes / med / 1e6);
        else
            printf("tokens + sentences: %zu tokens, %zu sentences, median %.4f s of %d runs: %.1f M tokens/s per core\n",
                   ntok, nsent, med, runs, (double)ntok / med / 1e6);
    }
    tp_tokens_free(&t);
    tp_sentences_free(&s);
    free(secs);
    for (size_t i = 0; i < ndocs; i++)
        free(docs[i].text);
    free(docs);
    return 0;
}
