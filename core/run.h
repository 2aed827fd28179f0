/* The run loop: inputs -> worker threads -> stages -> ordered output. */
#ifndef TP_RUN_H
#define TP_RUN_H

#include <stddef.h>

#include "pipeline.h"
#include "walk.h"

typedef struct tp_run_options {
    const char *const *inputs; /* files, folders, "-" */
    size_t n_inputs;
    tp_walk_options walk;
    const char *output_file;   /* -o; NULL: standard output */
    const char *out_dir;       /* --out-dir; NULL: a stream */
    int resume;                /* skip inputs whose output file exists */
    int jobs;                  /* worker threads, >= 1 */
    int progress;              /* show progress on standard error */
    int stats;                 /* time per stage in the summary */
    int quiet;                 /* no summary line */
    const char *trace;         /* print records as they leave this stage */
    size_t max_bytes;          /* larger documents become error records */
    const char *html_dir;      /* also render the records as a site here */
} tp_run_options;

/* Run p (created) over the inputs.  Returns the exit status: 0 all done,
 * 1 some documents failed (their error records are in the output) or the
 * output could not be written, 2 a worker could not start, 130 interrupted. */
int tp_run(tp_pipeline *p, const tp_run_options *o);

#endif
