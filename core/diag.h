/* Diagnostics: messages about a file, each with its 1-based line and column. */
#ifndef TP_DIAG_H
#define TP_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "textpipe/plugin.h" /* TP_PRINTF */

typedef struct tp_diag {
    size_t line, col; /* 1-based; 0 when the message is about the whole file */
    char *message;
} tp_diag;

typedef struct tp_diags {
    const char *file;
    tp_diag *v;
    size_t n, cap;
} tp_diags;

void tp_diags_add(tp_diags *d, size_t line, size_t col, const char *fmt, ...) TP_PRINTF(4, 5);
/* Print as FILE:LINE:COLUMN: message, one a line, in the order of the file. */
void tp_diags_print(tp_diags *d, FILE *out);
void tp_diags_free(tp_diags *d);

#endif
