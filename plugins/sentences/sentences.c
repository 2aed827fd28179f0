/*
 * sentences: split a record's text into sentences with the shared tokeniser
 * (include/textpipe/token.h) and write them as spans under "sentences".
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"
#include "textpipe/token.h"

typedef struct sentences_instance {
    int with_text;
} sentences_instance;

typedef struct sentences_worker {
    tp_text *text;
    tp_tokens tokens;
    tp_sentences sentences;
} sentences_worker;

static const tp_option_spec sentences_options[] = {
    { .name = "with_text", .type = TP_OPT_BOOL, .default_value = "false",
      .help = "give each sentence span its \"text\" as well as its offsets" },
    { .name = NULL }
};

static const char *const sentences_reads[] = { "text", NULL };
static const char *const sentences_writes[] = { "sentences", NULL };

static int sentences_create(void **out, const json_t *options, tp_error *err)
{
    sentences_instance *in = calloc(1, sizeof *in);
    const json_t *wt;
    if (in == NULL)
        return tp_error_set(err, NULL, "out of memory");
    wt = options ? json_object_get(options, "with_text") : NULL;
    if (wt != NULL && !json_is_boolean(wt)) {
        free(in);
        return tp_error_set(err, "with_text", "with_text must be true or false");
    }
    in->with_text = json_is_true(wt);
    *out = in;
    return TP_OK;
}

static int sentences_worker_init(void **out, void *instance, tp_error *err)
{
    sentences_worker *w = calloc(1, sizeof *w);
    (void)instance;
    if (w == NULL || (w->text = tp_text_new()) == NULL) {
        free(w);
        return tp_error_set(err, NULL, "out of memory");
    }
    *out = w;
    return TP_OK;
}

static void sentences_worker_fini(void *instance, void *worker)
{
    sentences_worker *w = worker;
    (void)instance;
    if (w == NULL)
        return;
    tp_text_free(w->text);
    tp_tokens_free(&w->tokens);
    tp_sentences_free(&w->sentences);
    free(w);
}

static int sentences_process(void *instance, void *worker, json_t *record, tp_error *err)
{
    const sentences_instance *in = instance;
    sentences_worker *w = worker;
    const char *bytes;
    size_t len, i;
    json_t *arr;

    if (w == NULL)
        return tp_error_set(err, NULL, "sentences: no worker state");
    if (tp_text_load(w->text, record) != 0)
        return tp_error_set(err, NULL, "the record has no string \"text\" (or a malformed offset_map)");
    bytes = tp_text_bytes(w->text);
    len = tp_text_len(w->text);
    if (len > UINT32_MAX)
        return tp_error_set(err, NULL, "the text is %zu bytes long; at most 4 GiB can be split", len);
    if (tp_tokenize(&w->tokens, bytes, len) != 0 ||
        tp_split_sentences(&w->sentences, &w->tokens, bytes, len) != 0)
        return tp_error_set(err, NULL, "out of memory splitting %zu bytes of text", len);

    arr = json_array();
    if (arr == NULL)
        return tp_error_set(err, NULL, "out of memory");
    for (i = 0; i < w->sentences.n; i++) {
        const tp_sentence *s = &w->sentences.v[i];
        json_t *span = in->with_text ? tp_span_new(w->text, s->start, s->end)
                                     : tp_span_new_bare(w->text, s->start, s->end);
        if (span == NULL)
            goto oom;
        if (json_array_append_new(arr, span) != 0)
            goto oom;
    }
    if (json_object_set_new(record, "sentences", arr) != 0)
        return tp_error_set(err, NULL, "out of memory");
    return TP_OK;
oom:
    json_decref(arr);
    return tp_error_set(err, NULL, "out of memory");
}

static void sentences_destroy(void *instance)
{
    free(instance);
}

static const tp_plugin descriptor = {
    TP_PLUGIN_ABI,
    .name = "sentences",
    .version = "1.0",
    .description = "split the text into sentences (spans in code points)",
    .options = sentences_options,
    .reads = sentences_reads,
    .writes = sentences_writes,
    .create = sentences_create,
    .worker_init = sentences_worker_init,
    .process = sentences_process,
    .worker_fini = sentences_worker_fini,
    .destroy = sentences_destroy,
};

TEXTPIPE_PLUGIN(sentences)
{
    return &descriptor;
}
