/* Plugin loading with libltdl, and the ABI checks every plugin passes. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "suggest.h"

#define ENTRY_SUFFIX "_LTX_" TP_ENTRY_SYMBOL
#define MAX_KNOWN 256

typedef const tp_plugin *(*tp_entry_fn)(void);

/* Plugin names are kept in char[64]; longer ones are cut. */
static void copy_name(char *dst, const char *src)
{
    size_t n = strnlen(src, 63);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static const lt_dlsymlist *g_preloaded;

const char *tp_loader_installed_dir(void)
{
    return TP_PLUGINDIR;
}

int tp_loader_init(const lt_dlsymlist *preloaded, char *err, size_t errlen)
{
    g_preloaded = preloaded;
    if (lt_dlinit() != 0) {
        snprintf(err, errlen, "cannot start the plugin loader: %s", lt_dlerror());
        return -1;
    }
    return 0;
}

void tp_loader_exit(void)
{
    lt_dlexit();
}

/* The size a descriptor of ABI minor `minor` has at least. */
static size_t min_size(uint16_t minor)
{
    (void)minor; /* 1.0 is the only minor so far */
    return offsetof(tp_plugin, reserved);
}

int tp_loader_check(const tp_plugin *d, const char *origin, const char *expect_name,
                    char *err, size_t errlen)
{
    if (d == NULL) {
        snprintf(err, errlen, "%s: its entry point returned no descriptor", origin);
        return -1;
    }
    if (d->abi_major != TP_ABI_MAJOR) {
        snprintf(err, errlen, "%s: abi_major is %u, but this textpipe loads plugins of ABI %d.x "
                 "(rebuild the plugin against these headers)",
                 origin, (unsigned)d->abi_major, TP_ABI_MAJOR);
        return -1;
    }
    if (d->abi_minor > TP_ABI_MINOR) {
        snprintf(err, errlen, "%s: abi_minor is %u, newer than this textpipe's ABI %d.%d "
                 "(upgrade textpipe or rebuild the plugin)",
                 origin, (unsigned)d->abi_minor, TP_ABI_MAJOR, TP_ABI_MINOR);
        return -1;
    }
    if (d->size < min_size(d->abi_minor)) {
        snprintf(err, errlen, "%s: size is %u, smaller than the %zu bytes of an ABI %u.%u descriptor",
                 origin, (unsigned)d->size, min_size(d->abi_minor),
                 (unsigned)d->abi_major, (unsigned)d->abi_minor);
        return -1;
    }
    if (d->name == NULL || d->name[0] == '\0') {
        snprintf(err, errlen, "%s: name is missing", origin);
        return -1;
    }
    if (expect_name != NULL && strcmp(d->name, expect_name) != 0) {
        snprintf(err, errlen, "%s: name is '%s', but it was loaded as '%s'", origin, d->name, expect_name);
        return -1;
    }
    if (d->create == NULL || d->process == NULL || d->destroy == NULL) {
        snprintf(err, errlen, "%s: callback %s is missing", origin,
                 d->create == NULL ? "create" : d->process == NULL ? "process" : "destroy");
        return -1;
    }
    if ((d->worker_init == NULL) != (d->worker_fini == NULL)) {
        snprintf(err, errlen, "%s: callback %s is missing (worker_init and worker_fini come together)",
                 origin, d->worker_init == NULL ? "worker_init" : "worker_fini");
        return -1;
    }
    return 0;
}

/* The built-in entry called `name`, from the preloaded symbol table. */
static tp_entry_fn builtin_entry(const char *name)
{
    const lt_dlsymlist *s;
    size_t nlen = strlen(name);
    for (s = g_preloaded; s != NULL && s->name != NULL; s++) {
        if (s->address != NULL && strncmp(s->name, name, nlen) == 0 &&
            strcmp(s->name + nlen, ENTRY_SUFFIX) == 0)
            return (tp_entry_fn)(uintptr_t)s->address;
    }
    return NULL;
}

/* Names of the built-in plugins (pointers into the symbol table's names,
 * copied into buf). */
static size_t builtin_names(char names[][64], size_t max)
{
    const lt_dlsymlist *s;
    size_t n = 0, slen = strlen(ENTRY_SUFFIX);
    for (s = g_preloaded; s != NULL && s->name != NULL && n < max; s++) {
        size_t len = strlen(s->name);
        if (s->address == NULL || len <= slen || len - slen >= 64 ||
            strcmp(s->name + len - slen, ENTRY_SUFFIX) != 0)
            continue;
        memcpy(names[n], s->name, len - slen);
        names[n][len - slen] = '\0';
        n++;
    }
    return n;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int tp_loader_open_file(tp_plugin_ref *out, const char *path, const char *expect_name,
                        char *err, size_t errlen)
{
    lt_dlhandle h;
    lt_dladvise advise;
    tp_entry_fn entry;
    const tp_plugin *d;

    memset(out, 0, sizeof *out);
    if (lt_dladvise_init(&advise) != 0 || lt_dladvise_local(&advise) != 0) {
        snprintf(err, errlen, "%s: cannot load: %s", path, lt_dlerror());
        return -1;
    }
    h = lt_dlopenadvise(path, advise);
    lt_dladvise_destroy(&advise);
    if (h == NULL) {
        snprintf(err, errlen, "%s: cannot load: %s", path, lt_dlerror());
        return -1;
    }
    entry = (tp_entry_fn)(uintptr_t)lt_dlsym(h, TP_ENTRY_SYMBOL);
    if (entry == NULL) {
        snprintf(err, errlen, "%s: not a textpipe plugin: no entry symbol '%s' "
                 "(declare it with TEXTPIPE_PLUGIN(name))", path, TP_ENTRY_SYMBOL);
        lt_dlclose(h);
        return -1;
    }
    d = entry();
    if (tp_loader_check(d, path, expect_name, err, errlen) != 0) {
        lt_dlclose(h);
        return -1;
    }
    out->desc = d;
    out->origin = strdup(path);
    out->handle = h;
    return 0;
}

/* The module file for name in dir, or 0 when there is none. */
static int module_in_dir(char *path, size_t size, const char *dir, const char *name)
{
    static const char *const exts[] = {".la", ".so"};
    size_t i;
    for (i = 0; i < 2; i++) {
        snprintf(path, size, "%s/%s%s", dir, name, exts[i]);
        if (file_exists(path))
            return 1;
    }
    return 0;
}

static int open_builtin(tp_plugin_ref *out, const char *name, char *err, size_t errlen)
{
    tp_entry_fn entry = builtin_entry(name);
    const tp_plugin *d;
    memset(out, 0, sizeof *out);
    if (entry == NULL)
        return 1;
    d = entry();
    if (tp_loader_check(d, "built-in", name, err, errlen) != 0)
        return -1;
    out->desc = d;
    out->origin = strdup("built-in");
    return 0;
}

typedef struct name_list {
    char names[MAX_KNOWN][64];
    size_t n;
} name_list;

static void collect_name(const char *name, const tp_plugin_ref *ref, int shadowed,
                         const char *message, void *payload)
{
    name_list *l = payload;
    (void)message;
    if (ref != NULL && !shadowed && l->n < MAX_KNOWN)
        copy_name(l->names[l->n++], name);
}

int tp_loader_find(tp_plugin_ref *out, const char *name, const char *const *dirs,
                   size_t ndirs, char *err, size_t errlen)
{
    char path[4096], searched[2048];
    name_list *all;
    const char *names[MAX_KNOWN], *near;
    size_t i, n;
    int rc;

    memset(out, 0, sizeof *out);
    if (strchr(name, '/') != NULL)
        return tp_loader_open_file(out, name, NULL, err, errlen);
    for (i = 0; i < ndirs; i++)
        if (module_in_dir(path, sizeof path, dirs[i], name))
            return tp_loader_open_file(out, path, name, err, errlen);
    rc = open_builtin(out, name, err, errlen);
    if (rc <= 0)
        return rc;
    if (module_in_dir(path, sizeof path, TP_PLUGINDIR, name))
        return tp_loader_open_file(out, path, name, err, errlen);

    /* Not found: say where we looked and what is near. */
    all = malloc(sizeof *all);
    n = 0;
    if (all != NULL) {
        all->n = 0;
        tp_loader_list(dirs, ndirs, collect_name, all);
        for (i = 0; i < all->n; i++)
            names[i] = all->names[i];
        n = all->n;
    }
    near = tp_suggest(name, names, n);
    searched[0] = '\0';
    for (i = 0; i < ndirs; i++) {
        strncat(searched, dirs[i], sizeof searched - strlen(searched) - 1);
        strncat(searched, ", ", sizeof searched - strlen(searched) - 1);
    }
    strncat(searched, "built-in, " TP_PLUGINDIR, sizeof searched - strlen(searched) - 1);
    if (near != NULL)
        snprintf(err, errlen, "unknown plugin '%s'; did you mean '%s'? (searched: %s)", name, near, searched);
    else
        snprintf(err, errlen, "unknown plugin '%s' (searched: %s; `textpipe plugins` lists what there is)",
                 name, searched);
    free(all);
    return -1;
}

void tp_plugin_ref_release(tp_plugin_ref *ref)
{
    if (ref->handle != NULL)
        lt_dlclose(ref->handle);
    free(ref->origin);
    memset(ref, 0, sizeof *ref);
}

/* Names already visited, to mark later ones as shadowed. */
typedef struct seen {
    char names[MAX_KNOWN][64];
    size_t n;
} seen;

static int seen_add(seen *s, const char *name)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return 1;
    if (s->n < MAX_KNOWN)
        copy_name(s->names[s->n++], name);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *dir, seen *s, tp_loader_visit visit, void *payload)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *files[MAX_KNOWN];
    size_t n = 0, i;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL && n < MAX_KNOWN) {
        size_t len = strlen(e->d_name);
        if (len > 3 && (strcmp(e->d_name + len - 3, ".la") == 0 ||
                        (strcmp(e->d_name + len - 3, ".so") == 0)))
            files[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(files, n, sizeof *files, cmp_str);
    for (i = 0; i < n; i++) {
        char name[64], path[4096], err[1024];
        size_t len = strlen(files[i]) - 3;
        tp_plugin_ref ref;
        /* name.so next to name.la is the same module. */
        if (files[i] == NULL || len >= sizeof name)
            continue;
        memcpy(name, files[i], len);
        name[len] = '\0';
        if (i > 0 && files[i - 1] != NULL && strncmp(files[i - 1], name, len) == 0 &&
            files[i - 1][len] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (tp_loader_open_file(&ref, path, NULL, err, sizeof err) == 0) {
            visit(ref.desc->name, &ref, seen_add(s, ref.desc->name), NULL, payload);
            tp_plugin_ref_release(&ref);
        } else {
            visit(name, NULL, 0, err, payload);
        }
    }
    for (i = 0; i < n; i++)
        free(files[i]);
}

void tp_loader_list(const char *const *dirs, size_t ndirs, tp_loader_visit visit, void *payload)
{
    seen *s = calloc(1, sizeof *s);
    char known[MAX_KNOWN][64], err[1024];
    size_t i, n;
    if (s == NULL)
        return;
    for (i = 0; i < ndirs; i++)
        list_dir(dirs[i], s, visit, payload);
    n = builtin_names(known, MAX_KNOWN);
    for (i = 0; i < n; i++) {
        tp_plugin_ref ref;
        if (open_builtin(&ref, known[i], err, sizeof err) == 0) {
            visit(known[i], &ref, seen_add(s, known[i]), NULL, payload);
            tp_plugin_ref_release(&ref);
        } else {
            visit(known[i], NULL, 0, err, payload);
        }
    }
    list_dir(TP_PLUGINDIR, s, visit, payload);
    free(s);
}
