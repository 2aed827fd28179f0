/* Collecting and printing diagnostics. */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void tp_diags_add(tp_diags *d, size_t line, size_t col, const char *fmt, ...)
{
    va_list ap;
    char buf[1024];
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 8;
        tp_diag *v = realloc(d->v, cap * sizeof *v);
        if (v == NULL)
            return;
        d->v = v;
        d->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    d->v[d->n].line = line;
    d->v[d->n].col = col;
    d->v[d->n].message = strdup(buf);
    if (d->v[d->n].message != NULL)
        d->n++;
}

static int diag_cmp(const void *a, const void *b)
{
    const tp_diag *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return 0;
}

void tp_diags_print(tp_diags *d, FILE *out)
{
    size_t i;
    /* A stable order: by position, ties kept in the order found. */
    for (i = 1; i < d->n; i++) {
        tp_diag t = d->v[i];
        size_t j = i;
        while (j > 0 && diag_cmp(&d->v[j - 1], &t) > 0) {
            d->v[j] = d->v[j - 1];
            j--;
        }
        d->v[j] = t;
    }
    for (i = 0; i < d->n; i++) {
        if (d->v[i].line > 0)
            fprintf(out, "%s:%zu:%zu: %s\n", d->file, d->v[i].line, d->v[i].col, d->v[i].message);
        else
            fprintf(out, "%s: %s\n", d->file, d->v[i].message);
    }
}

void tp_diags_free(tp_diags *d)
{
    size_t i;
    for (i = 0; i < d->n; i++)
        free(d->v[i].message);
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}
