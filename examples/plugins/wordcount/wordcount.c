/*
 * wordcount: a complete textpipe stage, small enough to read in one go.
 *
 * It counts the words of a record's text and writes the count under
 * `word_count`.  A "word" is a run of letters, digits, apostrophes or
 * hyphens; the option `min_length` leaves out shorter ones.
 *
 * Build it out of tree against an installed textpipe:
 *
 *     cc $(pkg-config --cflags textpipe) -shared -fPIC -o wordcount.so wordcount.c
 *
 * and run it from a pipeline whose plugin_path names this folder.
 */
#include <stdlib.h>

#include <textpipe/plugin.h>

/* What create() builds: read-only while records are processed, so every
 * worker thread may use it at once. */
typedef struct wordcount {
    json_int_t min_length;
} wordcount;

static int is_word_byte(unsigned char c)
{
    /* Bytes of multi-byte UTF-8 characters count as letters. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '\'' || c == '-' || c >= 0x80;
}

static int wc_create(void **out, const json_t *options, tp_error *err)
{
    wordcount *wc = malloc(sizeof *wc);
    if (wc == NULL)
        return tp_error_set(err, NULL, "out of memory");
    /* The runner has checked the option against the table below and
     * filled in its default, so it is always there and an integer. */
    wc->min_length = json_integer_value(json_object_get(options, "min_length"));
    *out = wc;
    return TP_OK;
}

static int wc_process(void *instance, void *worker, json_t *record, tp_error *err)
{
    const wordcount *wc = instance;
    const json_t *text = json_object_get(record, "text");
    const unsigned char *s;
    size_t i, n, run = 0;
    json_int_t words = 0;
    (void)worker; /* this stage needs no per-thread scratch */

    if (!json_is_string(text))
        return tp_error_set(err, NULL, "the record has no text");
    s = (const unsigned char *)json_string_value(text);
    n = json_string_length(text);
    for (i = 0; i <= n; i++) {
        if (i < n && is_word_byte(s[i])) {
            /* Count characters, not bytes: skip UTF-8 continuation bytes. */
            run += (s[i] & 0xC0) != 0x80;
        } else {
            if (run > 0 && (json_int_t)run >= wc->min_length)
                words++;
            run = 0;
        }
    }
    if (json_object_set_new(record, "word_count", json_integer(words)) != 0)
        return tp_error_set(err, NULL, "out of memory");
    return TP_OK;
}

static void wc_destroy(void *instance)
{
    free(instance);
}

/* One table drives validation, defaults and `textpipe plugins wordcount`. */
static const tp_option_spec wc_options[] = {
    {"min_length", TP_OPT_INT, "1", "shortest word to count, in characters", NULL, 1, 1000, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0}
};

static const char *const wc_reads[] = {"text", NULL};
static const char *const wc_writes[] = {"word_count", NULL};

static const tp_plugin descriptor = {
    TP_PLUGIN_ABI,
    .name = "wordcount",
    .version = "1.0",
    .description = "counts the words of the text into word_count",
    .options = wc_options,
    .reads = wc_reads,
    .writes = wc_writes,
    .create = wc_create,
    .process = wc_process,
    .destroy = wc_destroy,
};

TEXTPIPE_PLUGIN(wordcount) { return &descriptor; }
