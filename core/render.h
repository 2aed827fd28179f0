/* `textpipe render`: HTML pages of a run's records, one per document, and
 * an index of the folder (docs/render.md). */
#ifndef TP_RENDER_H
#define TP_RENDER_H

#include <stddef.h>
#include <jansson.h>

typedef struct tp_render tp_render;

/* Start a site in dir (created if missing).  NULL on failure, with a
 * message in err. */
tp_render *tp_render_open(const char *dir, char *err, size_t errlen);

/* Write one document's page; records arrive in output order.  0, or -1
 * with err.  Only a small summary of the record is kept. */
int tp_render_add(tp_render *r, const json_t *record, char *err, size_t errlen);

/* Write index.html and free r.  0, or -1 with err. */
int tp_render_close(tp_render *r, char *err, size_t errlen);

/* `textpipe render [RECORDS.jsonl | --out-dir DIR] -o SITE/`: argv[0] is
 * "render".  Returns the exit status (0 ok, 1 some records could not be
 * rendered, 2 usage). */
int tp_render_main(int argc, char **argv);

#endif
