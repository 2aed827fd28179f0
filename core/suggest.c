/* Nearest-name suggestions for error messages. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

size_t tp_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, result;
    size_t *prev2, *prev, *cur;
    if (la == 0)
        return lb;
    if (lb == 0)
        return la;
    prev2 = calloc(3 * (lb + 1), sizeof *prev2);
    if (prev2 == NULL)
        return la > lb ? la : lb;
    prev = prev2 + lb + 1;
    cur = prev + lb + 1;
    for (j = 0; j <= lb; j++)
        prev[j] = j;
    for (i = 1; i <= la; i++) {
        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        {
            size_t *t = prev2;
            prev2 = prev;
            prev = cur;
            cur = t;
        }
    }
    result = prev[lb];
    /* prev2, prev and cur are a rotation of one allocation: free its start. */
    free(prev2 < prev ? (prev2 < cur ? prev2 : cur) : (prev < cur ? prev : cur));
    return result;
}

const char *tp_suggest(const char *name, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, i, limit = strlen(name) / 3;
    if (limit > 2)
        limit = 2;
    if (limit < 1)
        limit = 1;
    for (i = 0; i < n; i++) {
        size_t d = tp_edit_distance(name, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

void tp_join_names(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t i, used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
