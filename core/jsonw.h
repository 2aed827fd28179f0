/* A fast JSON writer for jansson trees: the same bytes as
 * json_dumps(v, JSON_COMPACT) (keys in insertion order, UTF-8 kept, reals
 * as jansson prints them), several times faster. */
#ifndef TP_JSONW_H
#define TP_JSONW_H

#include <stddef.h>
#include <jansson.h>

typedef struct tp_buf {
    char *data;
    size_t len, cap;
} tp_buf;

/* Append bytes; 0 or -1 when out of memory. */
int tp_buf_append(tp_buf *b, const char *s, size_t n);
void tp_buf_free(tp_buf *b);

/* Append the compact JSON of v (an object or array, or any value) to b.
 * Returns 0, or -1 when out of memory or v is invalid (NaN, a cycle). */
int tp_json_write(tp_buf *b, const json_t *v);

/* 1 when tp_json_write reads jansson's structures directly (jansson 2.14,
 * its layout checked once by a probe), 0 when it goes through jansson's
 * functions (another version, or built with TP_JSONW_API).  For tests. */
int tp_json_write_reads_structures(void);

#endif
