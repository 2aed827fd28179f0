/*
 * textpipe plugin contract.
 *
 * A stage is a shared object that exports one entry function returning a
 * constant descriptor.  Declare it with TEXTPIPE_PLUGIN(name), where name is
 * the file name of the module without its extension:
 *
 *     static const tp_plugin descriptor = {
 *         TP_PLUGIN_ABI,
 *         .name = "wordcount", .version = "1.0", ...
 *     };
 *     TEXTPIPE_PLUGIN(wordcount) { return &descriptor; }
 *
 * Threads: create() runs once per pipeline; what it builds is read-only
 * afterwards.  process() is called from several threads at once on the same
 * instance, each thread with its own worker state made by worker_init().
 * A plugin reports failure by returning a negative number and filling the
 * tp_error it is given; it never prints and never calls exit().
 */
#ifndef TEXTPIPE_PLUGIN_H
#define TEXTPIPE_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Major changes break plugins; minor ones only add at the end. */
#define TP_ABI_MAJOR 1
#define TP_ABI_MINOR 0

/* Return codes of the callbacks. */
#define TP_OK 0
#define TP_ERROR (-1)

/* An error a plugin reports: a message and, where it is about one option,
 * that option's name. */
typedef struct tp_error {
    char message[512];
    char option[64];
} tp_error;

#if defined(__GNUC__)
#define TP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TP_PRINTF(a, b)
#endif

static inline int tp_error_set(tp_error *err, const char *option, const char *fmt, ...) TP_PRINTF(3, 4);

/* Fill err (which may be NULL) and return TP_ERROR, so that a callback can
 * say `return tp_error_set(err, NULL, "cannot open %s", path);`. */
static inline int tp_error_set(tp_error *err, const char *option, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL)
        return TP_ERROR;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (option != NULL)
        snprintf(err->option, sizeof err->option, "%s", option);
    else
        err->option[0] = '\0';
    return TP_ERROR;
}

/* Option types.  The runner checks every option of a pipeline file against
 * the plugin's table before any document is read, fills in defaults, and
 * hands create() a JSON object holding exactly one value per option:
 *   TP_OPT_STRING -> string, TP_OPT_ENUM -> string (one of `choices`),
 *   TP_OPT_INT -> integer, TP_OPT_REAL -> real, TP_OPT_BOOL -> true/false,
 *   TP_OPT_LIST -> array of strings (a single string is accepted too).
 * An option whose default is NULL and that the file does not set is absent
 * from the object unless it is `required`, in which case the pipeline is
 * refused. */
typedef enum tp_option_type {
    TP_OPT_STRING = 1,
    TP_OPT_INT,
    TP_OPT_REAL,
    TP_OPT_BOOL,
    TP_OPT_ENUM,
    TP_OPT_LIST
} tp_option_type;

typedef struct tp_option_spec {
    const char *name;
    tp_option_type type;
    const char *default_value; /* as it would be written in YAML, or NULL */
    const char *help;          /* one line */
    const char *choices;       /* TP_OPT_ENUM: "NFC|NFKC"; else NULL */
    double min, max;           /* TP_OPT_INT / TP_OPT_REAL: range; ignored when min == max */
    int required;              /* non-zero: the pipeline file must set it */
} tp_option_spec;

/* The descriptor a plugin's entry function returns.  The runner loads a
 * plugin built for the same major and an equal or older minor, whose
 * descriptor is at least as large as the fields that minor defines. */
typedef struct tp_plugin {
    uint16_t abi_major;
    uint16_t abi_minor;
    uint32_t size;             /* sizeof(tp_plugin) as the plugin saw it */

    const char *name;          /* the stage's name, as pipelines spell it */
    const char *version;
    const char *description;   /* one line */
    const tp_option_spec *options; /* ends with an entry whose name is NULL; may be NULL */
    const char *const *reads;  /* record keys it needs, NULL-terminated; may be NULL */
    const char *const *writes; /* record keys it writes, NULL-terminated; may be NULL */

    /* Required.  options is the validated object described above. */
    int (*create)(void **out, const json_t *options, tp_error *err);
    /* Optional: per-thread scratch. */
    int (*worker_init)(void **out, void *instance, tp_error *err);
    /* Required.  Change the record in place; worker is what worker_init
     * made (NULL without it). */
    int (*process)(void *instance, void *worker, json_t *record, tp_error *err);
    /* Optional. */
    void (*worker_fini)(void *instance, void *worker);
    /* Required. */
    void (*destroy)(void *instance);

    void *reserved[8];         /* must be zero; room to grow within a major */
} tp_plugin;

/* The ABI fields, for the first line of a descriptor. */
#define TP_PLUGIN_ABI \
    .abi_major = TP_ABI_MAJOR, .abi_minor = TP_ABI_MINOR, .size = (uint32_t)sizeof(tp_plugin)

/* The exported entry.  The _LTX_ prefix is libltdl's way of keeping the
 * entries of several modules apart when they are linked into one program. */
#define TP_ENTRY_SYMBOL "textpipe_plugin"
#define TP_ENTRY_NAME_(module) module##_LTX_textpipe_plugin
#define TP_ENTRY_NAME(module) TP_ENTRY_NAME_(module)
#define TEXTPIPE_PLUGIN(module) \
    const tp_plugin *TP_ENTRY_NAME(module)(void); \
    const tp_plugin *TP_ENTRY_NAME(module)(void)

#ifdef __cplusplus
}
#endif

#endif /* TEXTPIPE_PLUGIN_H */
