/* Where records go: a JSON Lines stream, or one file per record in a folder. */
#ifndef TP_OUTPUT_H
#define TP_OUTPUT_H

#include <stddef.h>

typedef struct tp_output tp_output;

/* JSON Lines to path ("-" or NULL: standard output). */
tp_output *tp_output_stream(const char *path, char *err, size_t errlen);

/* One DIR/ID.json per record, each written to a temporary file and renamed. */
tp_output *tp_output_dir(const char *dir, char *err, size_t errlen);

/* The file a record with this id goes to in dir (callers free), with the id
 * made safe: no absolute paths, no "..", no empty components. */
char *tp_output_path(const char *dir, const char *id);

/* Whether the output for id already exists (--resume); always 0 for streams. */
int tp_output_exists(tp_output *o, const char *id);

/* Write one record's JSON (without a newline).  0, or -1 with err. */
int tp_output_write(tp_output *o, const char *id, const char *json, size_t len,
                    char *err, size_t errlen);

/* Whether o is a JSON Lines stream (not a folder). */
int tp_output_is_stream(const tp_output *o);

/* Write records that are already JSON Lines (each ending in a newline) to a
 * stream, in one piece.  0, or -1 with err. */
int tp_output_write_lines(tp_output *o, const char *lines, size_t len, char *err, size_t errlen);

/* Push what is buffered to the stream (no-op for folders). */
void tp_output_flush(tp_output *o);

/* Flush and close.  0, or -1 with err. */
int tp_output_close(tp_output *o, char *err, size_t errlen);

#endif
