/* A stage that changes nothing: for measuring the runner alone. */
#include <textpipe/plugin.h>

static int pt_create(void **out, const json_t *options, tp_error *err)
{
    (void)options;
    (void)err;
    *out = (void *)1; /* no state, but not NULL */
    return TP_OK;
}

static int pt_process(void *instance, void *worker, json_t *record, tp_error *err)
{
    (void)instance;
    (void)worker;
    (void)record;
    (void)err;
    return TP_OK;
}

static void pt_destroy(void *instance)
{
    (void)instance;
}

static const tp_plugin descriptor = {
    TP_PLUGIN_ABI,
    .name = "passthrough",
    .version = "1.0",
    .description = "passes every record on unchanged",
    .create = pt_create,
    .process = pt_process,
    .destroy = pt_destroy,
};

TEXTPIPE_PLUGIN(passthrough) { return &descriptor; }
