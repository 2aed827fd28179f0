/* Pipeline files: load, check, and create the stages of a pipeline. */
#ifndef TP_PIPELINE_H
#define TP_PIPELINE_H

#include <stddef.h>
#include <jansson.h>

#include "diag.h"
#include "loader.h"

typedef enum tp_on_error {
    TP_ON_ERROR_KEEP = 0, /* the record goes on with the error noted */
    TP_ON_ERROR_SKIP,     /* the record is left out of the output */
    TP_ON_ERROR_FAIL      /* the run stops */
} tp_on_error;

typedef struct tp_stage {
    tp_plugin_ref ref;
    json_t *options;     /* validated, defaults filled in */
    tp_on_error on_error;
    void *instance;      /* what create() made; NULL before tp_pipeline_create */
    size_t line, col;    /* where the stage is in the file */
} tp_stage;

typedef struct tp_pipeline {
    char *file;
    char *name;
    tp_stage *stages;
    size_t n_stages;
} tp_pipeline;

/* Read and check a pipeline file: YAML, keys, plugins (searched in the
 * file's plugin_path, then extra_dirs, then built-in and installed ones),
 * options, and that every key a stage reads is written by an earlier
 * stage or present in every input.  Every problem found is added to
 * diags (whose file is set here).  NULL when there was any. */
tp_pipeline *tp_pipeline_load(const char *file, const char *const *extra_dirs, size_t n_extra,
                              tp_diags *diags);

/* Call every stage's create().  0, or -1 with the problems in diags. */
int tp_pipeline_create(tp_pipeline *p, tp_diags *diags);

/* Destroy the instances and free p. */
void tp_pipeline_free(tp_pipeline *p);

/* Record keys every input record has before the first stage. */
extern const char *const tp_input_keys[];

#endif
