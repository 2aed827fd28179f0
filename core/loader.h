/* Finding and loading plugins: built-in (preloaded) and external modules. */
#ifndef TP_LOADER_H
#define TP_LOADER_H

#include <stddef.h>
#include <ltdl.h>

#include "textpipe/plugin.h"

typedef struct tp_plugin_ref {
    const tp_plugin *desc;
    char *origin;       /* "built-in" or the module's path */
    lt_dlhandle handle; /* NULL for a built-in one */
} tp_plugin_ref;

/* Start libltdl; preloaded is the program's lt_preloaded_symbols (or NULL).
 * 0, or -1 with a message in err. */
int tp_loader_init(const lt_dlsymlist *preloaded, char *err, size_t errlen);
void tp_loader_exit(void);

/* Check a descriptor against this runner's ABI: the same major, an equal or
 * older minor, a large enough size, a name (equal to expect_name unless
 * that is NULL) and the required callbacks.  0, or -1 with a message that
 * names origin and what is wrong. */
int tp_loader_check(const tp_plugin *desc, const char *origin, const char *expect_name,
                    char *err, size_t errlen);

/* Find the plugin called name: in dirs[0..ndirs) in order, then among the
 * built-in ones, then in the installed plugin directory.  0, or -1 with a
 * message (which names what was searched and the nearest known name). */
int tp_loader_find(tp_plugin_ref *out, const char *name, const char *const *dirs,
                   size_t ndirs, char *err, size_t errlen);

/* Load one module file. */
int tp_loader_open_file(tp_plugin_ref *out, const char *path, const char *expect_name,
                        char *err, size_t errlen);

void tp_plugin_ref_release(tp_plugin_ref *ref);

/* Every plugin visible from dirs, built-in and installed: called once per
 * name in search order; shadowed is non-zero for a later one of the same
 * name, which a pipeline would not get.  A module that fails to load is
 * reported with desc NULL and its reason in message. */
typedef void (*tp_loader_visit)(const char *name, const tp_plugin_ref *ref, int shadowed,
                                const char *message, void *payload);
void tp_loader_list(const char *const *dirs, size_t ndirs, tp_loader_visit visit, void *payload);

/* The directory plugins are installed in. */
const char *tp_loader_installed_dir(void);

#endif
