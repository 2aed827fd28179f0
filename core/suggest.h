/* "Did you mean ...?": the nearest valid name to a misspelt one. */
#ifndef TP_SUGGEST_H
#define TP_SUGGEST_H

#include <stddef.h>

/* Edit distance (insertions, deletions, substitutions, transpositions). */
size_t tp_edit_distance(const char *a, const char *b);

/* The candidate nearest to name, or NULL when none is near enough to be a
 * plausible misspelling (distance at most a third of the length, and 2). */
const char *tp_suggest(const char *name, const char *const *candidates, size_t n);

/* Write the candidates as "a, b, c" into buf. */
void tp_join_names(char *buf, size_t size, const char *const *names, size_t n);

#endif
