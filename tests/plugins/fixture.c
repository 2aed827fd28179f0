/* Test plugins: one source, built once per case with FIXTURE_* defined, so
 * that the loader's checks and the runner's error handling can be tested.
 *
 *   FIXTURE_NAME          the module and stage name
 *   FIXTURE_MAJOR/MINOR   the ABI written into the descriptor
 *   FIXTURE_SHORT         a descriptor size that is too small
 *   FIXTURE_NO_PROCESS    leave out the process callback
 *   FIXTURE_NO_ENTRY      export no entry symbol at all
 *
 * The stage itself ("flaky" behaviour): it needs option `fail_on` (a word);
 * a record whose text contains it fails; `reads` declares `mark` when
 * FIXTURE_READS_MARK is set, and it writes `mark`. */
#include <stdlib.h>
#include <string.h>

#include <textpipe/plugin.h>

#ifndef FIXTURE_MAJOR
#define FIXTURE_MAJOR TP_ABI_MAJOR
#endif
#ifndef FIXTURE_MINOR
#define FIXTURE_MINOR TP_ABI_MINOR
#endif

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)

typedef struct fx {
    char *fail_on;
    long count;
} fx;

static int fx_create(void **out, const json_t *options, tp_error *err)
{
    fx *f = calloc(1, sizeof *f);
    const char *word = json_string_value(json_object_get(options, "fail_on"));
    if (f == NULL)
        return tp_error_set(err, NULL, "out of memory");
    if (word != NULL && strcmp(word, "refuse") == 0) {
        free(f);
        return tp_error_set(err, "fail_on", "the word 'refuse' is refused");
    }
    f->fail_on = strdup(word ? word : "FAIL");
    f->count = json_integer_value(json_object_get(options, "count"));
    *out = f;
    return TP_OK;
}

#if defined(__GNUC__)
__attribute__((unused))
#endif
static int fx_process(void *instance, void *worker, json_t *record, tp_error *err)
{
    fx *f = instance;
    const char *text = json_string_value(json_object_get(record, "text"));
    (void)worker;
    if (text == NULL)
        return tp_error_set(err, NULL, "the record has no text");
    if (strstr(text, f->fail_on) != NULL)
        return tp_error_set(err, NULL, "found '%s'", f->fail_on);
    json_object_set_new(record, "mark", json_integer(f->count));
    return TP_OK;
}

static void fx_destroy(void *instance)
{
    fx *f = instance;
    free(f->fail_on);
    free(f);
}

static const tp_option_spec fx_options[] = {
    {"fail_on", TP_OPT_STRING, NULL, "a word that makes a record fail", NULL, 0, 0, 1},
    {"count", TP_OPT_INT, "7", "a number written into `mark`", NULL, 0, 100, 0},
    {"mode", TP_OPT_ENUM, "fast", "how to go", "fast|careful", 0, 0, 0},
    {"flag", TP_OPT_BOOL, "false", "a switch", NULL, 0, 0, 0},
    {"ratio", TP_OPT_REAL, "0.5", "a fraction", NULL, 0, 1, 0},
    {"files", TP_OPT_LIST, NULL, "extra files", NULL, 0, 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0}
};

#ifdef FIXTURE_READS_MARK
static const char *const fx_reads[] = {"text", "mark", NULL};
#else
static const char *const fx_reads[] = {"text", NULL};
#endif
static const char *const fx_writes[] = {"mark", NULL};

static const tp_plugin descriptor = {
    .abi_major = FIXTURE_MAJOR,
    .abi_minor = FIXTURE_MINOR,
#ifdef FIXTURE_SHORT
    .size = 16,
#else
    .size = sizeof(tp_plugin),
#endif
    .name = STR(FIXTURE_NAME),
    .version = "0.1",
    .description = "a test fixture",
    .options = fx_options,
    .reads = fx_reads,
    .writes = fx_writes,
    .create = fx_create,
#ifndef FIXTURE_NO_PROCESS
    .process = fx_process,
#endif
    .destroy = fx_destroy,
};

#ifndef FIXTURE_NO_ENTRY
TEXTPIPE_PLUGIN(FIXTURE_NAME) { return &descriptor; }
#else
const tp_plugin *not_an_entry(void);
const tp_plugin *not_an_entry(void) { return &descriptor; }
#endif
