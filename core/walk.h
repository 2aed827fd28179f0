/* Walking the INPUT arguments: files, folders (recursive, sorted), "-". */
#ifndef TP_WALK_H
#define TP_WALK_H

#include <stddef.h>

typedef struct tp_walk tp_walk;

typedef struct tp_walk_options {
    const char *const *include; /* globs a file's relative path must match (any); NULL = all */
    size_t n_include;
    const char *const *exclude; /* globs that skip a file or folder; NULL = none */
    size_t n_exclude;
    int hidden;                 /* non-zero: also walk names that start with '.' */
} tp_walk_options;

typedef enum tp_walk_kind {
    TP_WALK_FILE = 1,  /* a regular file to read */
    TP_WALK_STDIN,     /* the "-" argument: JSON Lines on standard input */
    TP_WALK_ERROR      /* a path that cannot be read: message says why */
} tp_walk_kind;

typedef struct tp_walk_item {
    tp_walk_kind kind;
    const char *path;    /* as to open it */
    const char *id;      /* for the record: path relative to the folder argument, or the argument itself */
    const char *message; /* TP_WALK_ERROR only */
} tp_walk_item;

/* Start a walk over args[0, n).  NULL when out of memory. */
tp_walk *tp_walk_new(const char *const *args, size_t n, const tp_walk_options *opts);

/* The next item, in a stable order: arguments in the order given; inside a
 * folder, entries sorted by name (bytewise), folders descended where they
 * sort.  Returns 1 and fills item (valid until the next call), 0 at the end,
 * -1 when out of memory.  Symbolic links are followed, but a folder already
 * on the path being walked (a loop) is reported once as TP_WALK_ERROR and
 * not entered.  Memory is bounded by the depth of the tree and the size of
 * the folders on the current path, not the number of files.
 * Globs and hidden names apply to what is found inside folders; a file named
 * as an argument is always yielded.  Fifos and devices inside folders are
 * skipped; a broken symbolic link there is an error item. */
int tp_walk_next(tp_walk *w, tp_walk_item *item);

void tp_walk_free(tp_walk *w);

/* fnmatch-style glob where '*' does not cross '/', "**" does. */
int tp_glob_match(const char *pattern, const char *path);

#endif
