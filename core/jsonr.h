/* A fast JSON reader into jansson trees: accepts exactly what
 * json_loadb(buf, len, 0, ...) accepts (jansson 2.14) and builds an equal
 * tree (same key order, same integer/real types), several times faster. */
#ifndef TP_JSONR_H
#define TP_JSONR_H

#include <stddef.h>
#include <jansson.h>

/* Parse buf[0, len) as one JSON object or array (surrounding white space
 * allowed).  Returns a new reference, or NULL with a message and a 1-based
 * column (in characters) in err when err is not NULL. */
json_t *tp_json_parse(const char *buf, size_t len, json_error_t *err);

#endif
