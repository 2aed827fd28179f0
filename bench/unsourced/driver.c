/* A driver for measuring the unsourced stage alone: JSON Lines on standard
 * input, the records after the stage on standard output (unless -n), and
 * the stage's time on standard error in the runner's --stats form:
 *
 *     textpipe: stage unsourced: N records, S s, X MB/s
 *
 * With -s it first fills `sentences` with the shared sentence splitter
 * (outside the stage's time), as the sentences stage would.  With -M JSON
 * values are allocated as the runner allocates them (tp_jsonmem_install),
 * so the stage's time is the one `textpipe run --stats` sees; without it,
 * by plain malloc.  Not installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"
#include "textpipe/token.h"

#include "../../core/jsonmem.h"
#include "../cputime.h"

const tp_plugin *unsourced_LTX_textpipe_plugin(void);

/* The shared splitter may be missing from an older libtextpipe: -s then
 * says so instead of failing to link. */
#pragma weak tp_tokenize
#pragma weak tp_split_sentences
#pragma weak tp_tokens_free
#pragma weak tp_sentences_free

static int add_sentences(json_t *rec, tp_text *t, tp_tokens *tok, tp_sentences *sen)
{
    json_t *arr;
    size_t i;
    if (tp_text_load(t, rec) != 0)
        return 0;
    if (tp_split_sentences == NULL || tp_tokenize == NULL) {
        fprintf(stderr, "unsourced-driver: -s needs tp_split_sentences in libtextpipe\n");
        exit(2);
    }
    if (tp_tokenize(tok, tp_text_bytes(t), tp_text_len(t)) != 0 ||
        tp_split_sentences(sen, tok, tp_text_bytes(t), tp_text_len(t)) != 0)
        return -1;
    arr = json_array();
    for (i = 0; i < sen->n; i++) {
        json_t *s = json_object();
        json_object_set_new(s, "start", json_integer((json_int_t)tp_text_cp(t, sen->v[i].start)));
        json_object_set_new(s, "end", json_integer((json_int_t)tp_text_cp(t, sen->v[i].end)));
        json_array_append_new(arr, s);
    }
    json_object_set_new(rec, "sentences", arr);
    return 0;
}

int main(int argc, char **argv)
{
    const tp_plugin *p = unsourced_LTX_textpipe_plugin();
    void *inst = NULL, *wk = NULL;
    tp_error err;
    json_t *opts = json_object();
    char *line = NULL;
    size_t cap = 0, records = 0, bytes = 0;
    ssize_t n;
    double spent = 0;
    int quiet = 0, split = 0, drop_entities = 0, rc = 0, i, repeat = 1, r;
    tp_text *t = tp_text_new();
    tp_tokens tok = {0};
    tp_sentences sen = {0};

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0)
            quiet = 1;
        else if (strcmp(argv[i], "-s") == 0)
            split = 1;
        else if (strcmp(argv[i], "-E") == 0)
            drop_entities = 1;
        else if (strcmp(argv[i], "-M") == 0)
            tp_jsonmem_install();
        else if (strcmp(argv[i], "-R") == 0)
            json_object_set_new(opts, "tagger", json_false());
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
            json_object_set_new(opts, "model", json_string(argv[++i]));
        else {
            fprintf(stderr, "usage: unsourced-driver [-n] [-s] [-E] [-M] [-R] [-m MODEL] [-r N] < records.jsonl\n"
                            "  -n  no output, only the time\n"
                            "  -s  fill \"sentences\" with the shared splitter first\n"
                            "  -E  drop \"entities\" from the records first\n"
                            "  -M  allocate JSON values as the runner does (its per-thread cache)\n"
                            "  -R  rules only (option tagger: false)\n"
                            "  -m  the attribution model from this file (option model)\n"
                            "  -r  run the stage N times on each record (for profiling: the\n"
                            "      stage then dominates the process; time and bytes count all runs)\n");
            return 2;
        }
    }
    memset(&err, 0, sizeof err);
    if (p->create(&inst, opts, &err) != TP_OK || p->worker_init(&wk, inst, &err) != TP_OK) {
        fprintf(stderr, "unsourced-driver: %s\n", err.message);
        return 1;
    }
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t je;
        json_t *rec = json_loadb(line, (size_t)n, 0, &je);
        const char *txt;
        double t0;
        if (rec == NULL) {
            fprintf(stderr, "unsourced-driver: line %zu: %s\n", records + 1, je.text);
            rc = 1;
            continue;
        }
        if (drop_entities)
            json_object_del(rec, "entities");
        if (split && add_sentences(rec, t, &tok, &sen) != 0) {
            fprintf(stderr, "unsourced-driver: out of memory\n");
            return 1;
        }
        txt = json_string_value(json_object_get(rec, "text"));
        bytes += (txt ? strlen(txt) : 0) * (size_t)repeat;
        t0 = bench_cpu_now();
        for (r = 0; r < repeat; r++) {
            if (p->process(inst, wk, rec, &err) != TP_OK) {
                tp_record_error(rec, "unsourced", err.message);
                rc = 1;
                break;
            }
        }
        spent += bench_cpu_now() - t0;
        records++;
        if (!quiet) {
            char *out = json_dumps(rec, JSON_COMPACT);
            if (out != NULL) {
                fputs(out, stdout);
                fputc('\n', stdout);
                free(out);
            }
        }
        json_decref(rec);
    }
    fprintf(stderr, "textpipe: stage unsourced: %zu records, %.3f s, %.1f MB/s\n", records, spent,
            spent > 0 ? bytes / spent / 1e6 : 0.0);
    free(line);
    p->worker_fini(inst, wk);
    p->destroy(inst);
    json_decref(opts);
    tp_text_free(t);
    if (split) {
        tp_tokens_free(&tok);
        tp_sentences_free(&sen);
    }
    return rc;
}
