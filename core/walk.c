/* Walking the INPUT arguments: files, folders (recursive, sorted), "-".
 *
 * A folder is a stack of open levels; each level holds the sorted names of
 * one folder on the current path, so memory follows the depth and the size
 * of those folders, never the number of files in the tree. */
#define _DEFAULT_SOURCE
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define WALK_TYPE_UNKNOWN 'u'
#define WALK_TYPE_REG 'r'
#define WALK_TYPE_OTHER 'o'

typedef struct walk_level {
    char *pool;      /* entries: a type byte, the name, a NUL */
    char **names;    /* into pool, sorted; each name's type is name[-1] */
    size_t n, next;
    size_t path_len; /* length of w->path for this folder */
    dev_t dev;
    ino_t ino;
} walk_level;

struct tp_walk {
    char **args;
    size_t n_args, next_arg;
    char **include, **exclude;
    size_t n_include, n_exclude;
    int hidden;

    walk_level *levels;
    size_t depth, cap_levels;
    size_t base_len;   /* w->path[0, base_len) is the folder argument */
    char *path;        /* the path of the current entry */
    size_t path_cap;
};

static char *walk_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

static char **walk_strvdup(const char *const *v, size_t n)
{
    char **d;
    size_t i;

    d = calloc(n ? n : 1, sizeof *d);
    if (!d)
        return NULL;
    for (i = 0; i < n; i++) {
        d[i] = walk_strdup(v[i]);
        if (!d[i]) {
            while (i > 0)
                free(d[--i]);
            free(d);
            return NULL;
        }
    }
    return d;
}

static void walk_strvfree(char **v, size_t n)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- globs ---- */

/* A [class] at p (just after '['); sets *end past the ']'.  Returns
 * 1 when c is in it, 0 when not, -1 when the class is not closed. */
static int walk_class(const char *p, unsigned char c, const char **end)
{
    int negate = 0, in = 0;
    const char *q = p;

    if (*q == '!' || *q == '^') {
        negate = 1;
        q++;
    }
    if (*q == ']') {            /* a leading ']' is literal */
        in |= c == ']';
        q++;
    }
    while (*q && *q != ']') {
        unsigned char lo = (unsigned char)*q, hi = lo;
        if (q[1] == '-' && q[2] && q[2] != ']') {
            hi = (unsigned char)q[2];
            q += 3;
        } else {
            q++;
        }
        if (c >= lo && c <= hi)
            in = 1;
    }
    if (*q != ']')
        return -1;
    *end = q + 1;
    return in != negate;
}

int tp_glob_match(const char *p, const char *s)
{
    const char *end;
    int r;

    for (;;) {
        switch (*p) {
        case '\0':
            return *s == '\0';
        case '*':
            if (p[1] == '*') {
                p += 2;
                if (*p == '/') {
                    /* "**" + "/": zero or more whole folders. */
                    p++;
                    for (;;) {
                        if (tp_glob_match(p, s))
                            return 1;
                        s = strchr(s, '/');
                        if (!s)
                            return 0;
                        s++;
                    }
                }
                /* Anything, '/' included. */
                for (;; s++) {
                    if (tp_glob_match(p, s))
                        return 1;
                    if (*s == '\0')
                        return 0;
                }
            }
            p++;
            for (;; s++) {
                if (tp_glob_match(p, s))
                    return 1;
                if (*s == '\0' || *s == '/')
                    return 0;
            }
        case '?':
            if (*s == '\0' || *s == '/')
                return 0;
            p++;
            s++;
            break;
        case '[':
            if (*s == '\0' || *s == '/')
                return 0;
            r = walk_class(p + 1, (unsigned char)*s, &end);
            if (r < 0) {        /* no closing ']': a literal '[' */
                if (*s != '[')
                    return 0;
                p++;
            } else if (r == 0) {
                return 0;
            } else {
                p = end;
            }
            s++;
            break;
        case '\\':
            if (p[1] != '\0')
                p++;
            /* fall through */
        default:
            if (*p != *s)
                return 0;
            p++;
            s++;
            break;
        }
    }
}

static int walk_any_match(char *const *globs, size_t n, const char *rel)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (tp_glob_match(globs[i], rel))
            return 1;
    return 0;
}

/* ---- the walk ---- */

tp_walk *tp_walk_new(const char *const *args, size_t n, const tp_walk_options *opts)
{
    tp_walk *w = calloc(1, sizeof *w);

    if (!w)
        return NULL;
    w->args = walk_strvdup(args, n);
    if (!w->args)
        goto fail;
    w->n_args = n;
    if (opts) {
        w->include = walk_strvdup(opts->include, opts->include ? opts->n_include : 0);
        w->exclude = walk_strvdup(opts->exclude, opts->exclude ? opts->n_exclude : 0);
        if (!w->include || !w->exclude)
            goto fail;
        w->n_include = opts->include ? opts->n_include : 0;
        w->n_exclude = opts->exclude ? opts->n_exclude : 0;
        w->hidden = opts->hidden;
    }
    return w;
fail:
    tp_walk_free(w);
    return NULL;
}

static void walk_pop(tp_walk *w)
{
    walk_level *l = &w->levels[--w->depth];

    free(l->names);
    free(l->pool);
    l->names = NULL;
    l->pool = NULL;
}

void tp_walk_free(tp_walk *w)
{
    if (!w)
        return;
    while (w->depth > 0)
        walk_pop(w);
    free(w->levels);
    free(w->path);
    walk_strvfree(w->args, w->n_args);
    walk_strvfree(w->include, w->n_include);
    walk_strvfree(w->exclude, w->n_exclude);
    free(w);
}

/* Make w->path[at, ...) hold s (and a NUL).  0 or -1. */
static int walk_path_set(tp_walk *w, size_t at, const char *s, size_t n)
{
    if (at + n + 1 > w->path_cap) {
        size_t cap = w->path_cap ? w->path_cap : 256;
        char *p;
        while (cap < at + n + 1)
            cap *= 2;
        p = realloc(w->path, cap);
        if (!p)
            return -1;
        w->path = p;
        w->path_cap = cap;
    }
    memcpy(w->path + at, s, n);
    w->path[at + n] = '\0';
    return 0;
}

static int walk_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char walk_dtype(const struct dirent *e)
{
#ifdef DT_REG
    if (e->d_type == DT_REG)
        return WALK_TYPE_REG;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK || e->d_type == DT_DIR)
        return WALK_TYPE_UNKNOWN;
    return WALK_TYPE_OTHER;
#else
    (void)e;
    return WALK_TYPE_UNKNOWN;
#endif
}

/* Read the folder at w->path (of length path_len) into a new level.
 * Returns 0, -1 out of memory, or a positive errno. */
static int walk_push(tp_walk *w, size_t path_len, const struct stat *st)
{
    DIR *d = NULL;
    struct dirent *e;
    char *pool = NULL, **names = NULL;
    size_t pool_len = 0, pool_cap = 0, n = 0, i, off;
    int rc = 0;

    d = opendir(w->path);
    if (!d) {
        rc = errno ? errno : EIO;
        goto done;
    }
    for (;;) {
        size_t len;
        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno) {
                rc = errno;
                goto done;
            }
            break;
        }
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0'
                                    || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
            continue;
        if (e->d_name[0] == '.' && !w->hidden)
            continue;
        len = strlen(e->d_name);
        if (pool_len + len + 2 > pool_cap) {
            size_t cap = pool_cap ? pool_cap * 2 : 1024;
            char *p;
            while (cap < pool_len + len + 2)
                cap *= 2;
            p = realloc(pool, cap);
            if (!p) {
                rc = -1;
                goto done;
            }
            pool = p;
            pool_cap = cap;
        }
        pool[pool_len] = walk_dtype(e);
        memcpy(pool + pool_len + 1, e->d_name, len + 1);
        pool_len += len + 2;
        n++;
    }
    if (w->depth == w->cap_levels) {
        size_t cap = w->cap_levels ? w->cap_levels * 2 : 8;
        walk_level *l = realloc(w->levels, cap * sizeof *l);
        if (!l) {
            rc = -1;
            goto done;
        }
        w->levels = l;
        w->cap_levels = cap;
    }
    names = malloc((n ? n : 1) * sizeof *names);
    if (!names) {
        rc = -1;
        goto done;
    }
    for (i = 0, off = 0; i < n; i++) {
        names[i] = pool + off + 1;
        off += strlen(names[i]) + 2;
    }
    qsort(names, n, sizeof *names, walk_cmp);
    w->levels[w->depth].pool = pool;
    w->levels[w->depth].names = names;
    w->levels[w->depth].n = n;
    w->levels[w->depth].next = 0;
    w->levels[w->depth].path_len = path_len;
    w->levels[w->depth].dev = st->st_dev;
    w->levels[w->depth].ino = st->st_ino;
    w->depth++;
    pool = NULL;
    names = NULL;
done:
    if (d)
        closedir(d);
    free(pool);
    free(names);
    return rc;
}

static int walk_on_stack(const tp_walk *w, const struct stat *st)
{
    size_t i;

    for (i = 0; i < w->depth; i++)
        if (w->levels[i].dev == st->st_dev && w->levels[i].ino == st->st_ino)
            return 1;
    return 0;
}

static void walk_error(tp_walk_item *item, const char *path, const char *id,
                       const char *message)
{
    item->kind = TP_WALK_ERROR;
    item->path = path;
    item->id = id;
    item->message = message;
}

/* The next entry of the folders being walked: 1 an item, 0 the folders
 * are done, -1 out of memory. */
static int walk_next_entry(tp_walk *w, tp_walk_item *item)
{
    while (w->depth > 0) {
        walk_level *l = &w->levels[w->depth - 1];
        const char *name, *rel;
        size_t len, at;
        struct stat st;
        char type;
        int rc;

        if (l->next == l->n) {
            walk_pop(w);
            continue;
        }
        name = l->names[l->next++];
        type = name[-1];
        len = strlen(name);
        at = l->path_len;
        if (at > 0 && w->path[at - 1] != '/')
            w->path[at++] = '/';    /* room: path_cap > path_len */
        if (walk_path_set(w, at, name, len) < 0)
            return -1;
        rel = w->path + w->base_len;
        while (*rel == '/')
            rel++;
        if (w->n_exclude && walk_any_match(w->exclude, w->n_exclude, rel))
            continue;
        if (type != WALK_TYPE_REG) {
            if (type == WALK_TYPE_OTHER)
                continue;
            if (stat(w->path, &st) < 0) {
                /* A dangling link, say: reported where a file of that
                 * name would be kept. */
                int err = errno;
                if (w->n_include && !walk_any_match(w->include, w->n_include, rel))
                    continue;
                walk_error(item, w->path, rel, strerror(err));
                return 1;
            }
            if (S_ISDIR(st.st_mode)) {
                if (walk_on_stack(w, &st)) {
                    walk_error(item, w->path, rel, "symbolic link loop");
                    return 1;
                }
                rc = walk_push(w, at + len, &st);
                if (rc < 0)
                    return -1;
                if (rc > 0) {
                    walk_error(item, w->path, rel, strerror(rc));
                    return 1;
                }
                continue;
            }
            if (!S_ISREG(st.st_mode))
                continue;
        }
        if (w->n_include && !walk_any_match(w->include, w->n_include, rel))
            continue;
        item->kind = TP_WALK_FILE;
        item->path = w->path;
        item->id = rel;
        item->message = NULL;
        return 1;
    }
    return 0;
}

int tp_walk_next(tp_walk *w, tp_walk_item *item)
{
    struct stat st;
    const char *arg;
    size_t len;
    int rc;

    memset(item, 0, sizeof *item);
    for (;;) {
        rc = walk_next_entry(w, item);
        if (rc != 0)
            return rc;
        if (w->next_arg == w->n_args)
            return 0;
        arg = w->args[w->next_arg++];
        if (strcmp(arg, "-") == 0) {
            item->kind = TP_WALK_STDIN;
            item->path = arg;
            item->id = arg;
            return 1;
        }
        if (stat(arg, &st) < 0) {
            walk_error(item, arg, arg, strerror(errno));
            return 1;
        }
        if (S_ISREG(st.st_mode)) {
            item->kind = TP_WALK_FILE;
            item->path = arg;
            item->id = arg;
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            walk_error(item, arg, arg, "not a regular file or folder");
            return 1;
        }
        /* A folder: its path without trailing slashes ("/" stays). */
        len = strlen(arg);
        while (len > 1 && arg[len - 1] == '/')
            len--;
        if (walk_path_set(w, 0, arg, len) < 0)
            return -1;
        w->base_len = len;
        rc = walk_push(w, len, &st);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            walk_error(item, arg, arg, strerror(rc));
            return 1;
        }
    }
}
