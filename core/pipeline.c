/* Pipeline files: YAML in, checked stages out, every error with its place. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "options.h"
#include "pipeline.h"
#include "suggest.h"

#define AT(node) (node)->start_mark.line + 1, (node)->start_mark.column + 1
#define MAX_DIRS 64
#define MAX_KEYS 256

const char *const tp_input_keys[] = {"id", "source", "text", NULL};

static const char *const top_keys[] = {"pipeline", "version", "description", "plugin_path", "stages"};
static const char *const stage_keys[] = {"plugin", "options", "on_error"};
static const char *const on_error_names[] = {"keep", "skip", "fail"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *scalar(yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Report key as unknown among allowed, with the nearest one. */
static void unknown_key(tp_diags *d, yaml_node_t *k, const char *what,
                        const char *const *allowed, size_t n)
{
    char joined[512];
    const char *key = scalar(k), *near;
    tp_join_names(joined, sizeof joined, allowed, n);
    if (key == NULL) {
        tp_diags_add(d, AT(k), "%s keys must be plain words (allowed: %s)", what, joined);
        return;
    }
    near = tp_suggest(key, allowed, n);
    if (near != NULL)
        tp_diags_add(d, AT(k), "unknown %s key '%s'; did you mean '%s'? (allowed: %s)", what, key, near, joined);
    else
        tp_diags_add(d, AT(k), "unknown %s key '%s' (allowed: %s)", what, key, joined);
}

static int key_index(const char *key, const char *const *allowed, size_t n)
{
    size_t i;
    for (i = 0; key != NULL && i < n; i++)
        if (strcmp(key, allowed[i]) == 0)
            return (int)i;
    return -1;
}

/* The folder part of a file path ("." when there is none). */
static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == file)
        return strdup("/");
    return strndup(file, (size_t)(slash - file));
}

/* A plugin_path entry, relative to the pipeline file's folder. */
static char *resolve_dir(const char *base, const char *dir)
{
    char *out;
    size_t n;
    if (dir[0] == '/')
        return strdup(dir);
    n = strlen(base) + strlen(dir) + 2;
    out = malloc(n);
    if (out != NULL)
        snprintf(out, n, "%s/%s", base, dir);
    return out;
}

typedef struct keyset {
    const char *v[MAX_KEYS];
    size_t n;
} keyset;

static int keyset_has(const keyset *k, const char *key)
{
    size_t i;
    for (i = 0; i < k->n; i++)
        if (strcmp(k->v[i], key) == 0)
            return 1;
    return 0;
}

static void keyset_add(keyset *k, const char *key)
{
    if (!keyset_has(k, key) && k->n < MAX_KEYS)
        k->v[k->n++] = key;
}

/* Find a built-in or visible plugin that writes key, for the hint. */
typedef struct writer_search {
    const char *key;
    char found[64];
} writer_search;

static void find_writer(const char *name, const tp_plugin_ref *ref, int shadowed,
                        const char *message, void *payload)
{
    writer_search *w = payload;
    const char *const *k;
    (void)message;
    if (ref == NULL || shadowed || w->found[0] != '\0' || ref->desc->writes == NULL)
        return;
    for (k = ref->desc->writes; *k != NULL; k++)
        if (strcmp(*k, w->key) == 0) {
            snprintf(w->found, sizeof w->found, "%s", name);
            return;
        }
}

static void check_reads(tp_pipeline *p, const char *const *dirs, size_t ndirs, tp_diags *d)
{
    keyset have = {{0}, 0};
    size_t i;
    const char *const *k;
    for (k = tp_input_keys; *k != NULL; k++)
        keyset_add(&have, *k);
    for (i = 0; i < p->n_stages; i++) {
        const tp_plugin *desc = p->stages[i].ref.desc;
        for (k = desc->reads; k != NULL && *k != NULL; k++) {
            if (keyset_has(&have, *k))
                continue;
            {
                writer_search w;
                w.key = *k;
                w.found[0] = '\0';
                tp_loader_list(dirs, ndirs, find_writer, &w);
                if (w.found[0] != '\0')
                    tp_diags_add(d, p->stages[i].line, p->stages[i].col,
                                 "stage '%s' reads '%s', which no earlier stage writes "
                                 "(add the '%s' stage before it)", desc->name, *k, w.found);
                else
                    tp_diags_add(d, p->stages[i].line, p->stages[i].col,
                                 "stage '%s' reads '%s', which no earlier stage writes",
                                 desc->name, *k);
            }
        }
        for (k = desc->writes; k != NULL && *k != NULL; k++)
            keyset_add(&have, *k);
    }
}

static void parse_stage(tp_pipeline *p, yaml_document_t *doc, yaml_node_t *node,
                        const char *const *dirs, size_t ndirs, tp_diags *d)
{
    tp_stage *st = &p->stages[p->n_stages];
    yaml_node_t *plugin = NULL, *options = NULL;
    yaml_node_pair_t *pr;
    char err[2048];

    memset(st, 0, sizeof *st);
    st->line = node->start_mark.line + 1;
    st->col = node->start_mark.column + 1;
    if (node->type != YAML_MAPPING_NODE) {
        tp_diags_add(d, AT(node), "a stage must be a mapping with a 'plugin' key, e.g. '- plugin: normalise'");
        return;
    }
    for (pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(doc, pr->value);
        int idx = key_index(scalar(k), stage_keys, COUNT(stage_keys));
        if (idx < 0) {
            unknown_key(d, k, "stage", stage_keys, COUNT(stage_keys));
            continue;
        }
        if (idx == 0)
            plugin = v;
        else if (idx == 1)
            options = v;
        else {
            int e = key_index(scalar(v), on_error_names, COUNT(on_error_names));
            if (e < 0) {
                const char *near = scalar(v) ? tp_suggest(scalar(v), on_error_names, 3) : NULL;
                if (near != NULL)
                    tp_diags_add(d, AT(v), "on_error cannot be '%s'; did you mean '%s'? (one of: keep, skip, fail)",
                                 scalar(v), near);
                else
                    tp_diags_add(d, AT(v), "on_error must be one of: keep, skip, fail");
            } else {
                st->on_error = (tp_on_error)e;
            }
        }
    }
    if (plugin == NULL) {
        tp_diags_add(d, AT(node), "this stage has no 'plugin' key (it names the stage to run)");
        return;
    }
    if (scalar(plugin) == NULL || scalar(plugin)[0] == '\0') {
        tp_diags_add(d, AT(plugin), "'plugin' must be a plugin name");
        return;
    }
    st->line = plugin->start_mark.line + 1;
    st->col = plugin->start_mark.column + 1;
    if (tp_loader_find(&st->ref, scalar(plugin), dirs, ndirs, err, sizeof err) != 0) {
        tp_diags_add(d, AT(plugin), "%s", err);
        return;
    }
    st->options = tp_options_build(st->ref.desc, doc, options, &plugin->start_mark, d);
    p->n_stages++;
}

static int yaml_load_file(const char *file, yaml_document_t *doc, tp_diags *d)
{
    yaml_parser_t parser;
    FILE *f = fopen(file, "rb");
    int ok;
    if (f == NULL) {
        tp_diags_add(d, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    ok = yaml_parser_load(&parser, doc);
    if (!ok) {
        tp_diags_add(d, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                     "YAML syntax error: %s%s%s", parser.problem ? parser.problem : "unknown problem",
                     parser.context ? " " : "", parser.context ? parser.context : "");
    }
    yaml_parser_delete(&parser);
    fclose(f);
    return ok ? 0 : -1;
}

tp_pipeline *tp_pipeline_load(const char *file, const char *const *extra_dirs, size_t n_extra,
                              tp_diags *d)
{
    yaml_document_t doc;
    yaml_node_t *root, *stages = NULL, *path = NULL;
    yaml_node_pair_t *pr;
    tp_pipeline *p = NULL;
    char *base = NULL, *owned[MAX_DIRS];
    const char *dirs[MAX_DIRS];
    size_t ndirs = 0, nowned = 0, i;
    size_t errors_before = d->n;

    d->file = file;
    if (yaml_load_file(file, &doc, d) != 0)
        return NULL;
    p = calloc(1, sizeof *p);
    base = dir_of(file);
    if (p == NULL || base == NULL)
        goto done;
    p->file = strdup(file);
    root = yaml_document_get_root_node(&doc);
    if (root == NULL) {
        tp_diags_add(d, 0, 0, "the file is empty; a pipeline needs at least 'stages'");
        goto done;
    }
    if (root->type != YAML_MAPPING_NODE) {
        tp_diags_add(d, AT(root), "a pipeline file must be a mapping with the keys pipeline, version and stages");
        goto done;
    }
    for (pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
        int idx = key_index(scalar(k), top_keys, COUNT(top_keys));
        switch (idx) {
        case 0:
            if (scalar(v) == NULL)
                tp_diags_add(d, AT(v), "'pipeline' must be a name");
            else
                p->name = strdup(scalar(v));
            break;
        case 1:
            if (scalar(v) == NULL || strcmp(scalar(v), "1") != 0)
                tp_diags_add(d, AT(v), "'version' must be 1 (the only pipeline format version so far)");
            break;
        case 2:
            if (scalar(v) == NULL)
                tp_diags_add(d, AT(v), "'description' must be text");
            break;
        case 3:
            path = v;
            break;
        case 4:
            stages = v;
            break;
        default:
            unknown_key(d, k, "pipeline", top_keys, COUNT(top_keys));
        }
    }

    /* plugin_path first, so that stages can be found in it. */
    if (path != NULL) {
        if (scalar(path) != NULL) {
            owned[nowned++] = resolve_dir(base, scalar(path));
        } else if (path->type == YAML_SEQUENCE_NODE) {
            yaml_node_item_t *it;
            for (it = path->data.sequence.items.start; it < path->data.sequence.items.top; it++) {
                yaml_node_t *e = yaml_document_get_node(&doc, *it);
                if (scalar(e) == NULL)
                    tp_diags_add(d, AT(e), "'plugin_path' entries must be folder names");
                else if (nowned < MAX_DIRS / 2)
                    owned[nowned++] = resolve_dir(base, scalar(e));
            }
        } else {
            tp_diags_add(d, AT(path), "'plugin_path' must be a folder or a list of folders");
        }
    }
    for (i = 0; i < nowned; i++)
        if (owned[i] != NULL)
            dirs[ndirs++] = owned[i];
    for (i = 0; i < n_extra && ndirs < MAX_DIRS; i++)
        dirs[ndirs++] = extra_dirs[i];

    if (stages == NULL) {
        tp_diags_add(d, AT(root), "no 'stages': a pipeline needs a list of stages, e.g. 'stages: [{plugin: normalise}]'");
    } else if (stages->type != YAML_SEQUENCE_NODE) {
        tp_diags_add(d, AT(stages), "'stages' must be a list of stages");
    } else if (stages->data.sequence.items.top == stages->data.sequence.items.start) {
        tp_diags_add(d, AT(stages), "'stages' is empty: a pipeline needs at least one stage");
    } else {
        yaml_node_item_t *it;
        size_t n = (size_t)(stages->data.sequence.items.top - stages->data.sequence.items.start);
        p->stages = calloc(n, sizeof *p->stages);
        if (p->stages == NULL)
            goto done;
        for (it = stages->data.sequence.items.start; it < stages->data.sequence.items.top; it++)
            parse_stage(p, &doc, yaml_document_get_node(&doc, *it), dirs, ndirs, d);
        if (p->n_stages == n)
            check_reads(p, dirs, ndirs, d);
    }
    if (p->name == NULL)
        p->name = strdup(file);

done:
    yaml_document_delete(&doc);
    for (i = 0; i < nowned; i++)
        free(owned[i]);
    free(base);
    if (p == NULL || d->n > errors_before) {
        tp_pipeline_free(p);
        return NULL;
    }
    return p;
}

int tp_pipeline_create(tp_pipeline *p, tp_diags *d)
{
    size_t i;
    int rc = 0;
    d->file = p->file;
    for (i = 0; i < p->n_stages; i++) {
        tp_stage *st = &p->stages[i];
        tp_error err;
        memset(&err, 0, sizeof err);
        if (st->ref.desc->create(&st->instance, st->options, &err) != 0) {
            st->instance = NULL;
            if (err.option[0] != '\0')
                tp_diags_add(d, st->line, st->col, "stage '%s' cannot start: option '%s': %s",
                             st->ref.desc->name, err.option, err.message);
            else
                tp_diags_add(d, st->line, st->col, "stage '%s' cannot start: %s",
                             st->ref.desc->name, err.message[0] ? err.message : "(no reason given)");
            rc = -1;
        }
    }
    return rc;
}

void tp_pipeline_free(tp_pipeline *p)
{
    size_t i;
    if (p == NULL)
        return;
    for (i = 0; i < p->n_stages; i++) {
        tp_stage *st = &p->stages[i];
        if (st->instance != NULL)
            st->ref.desc->destroy(st->instance);
        json_decref(st->options);
        tp_plugin_ref_release(&st->ref);
    }
    free(p->stages);
    free(p->name);
    free(p->file);
    free(p);
}
