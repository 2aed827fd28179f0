/* Option validation: one table per plugin drives checks, defaults and help. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "options.h"
#include "suggest.h"

#define MAX_NAMES 64

const char *tp_option_type_name(tp_option_type type)
{
    switch (type) {
    case TP_OPT_STRING: return "string";
    case TP_OPT_INT: return "integer";
    case TP_OPT_REAL: return "number";
    case TP_OPT_BOOL: return "boolean";
    case TP_OPT_ENUM: return "choice";
    case TP_OPT_LIST: return "list of strings";
    }
    return "unknown";
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    size_t i;
    for (i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Split "a|b|c" into names (pointers into buf). */
static size_t split_choices(const char *choices, char *buf, size_t size, const char **names)
{
    size_t n = 0;
    char *p, *save = NULL;
    snprintf(buf, size, "%s", choices ? choices : "");
    for (p = strtok_r(buf, "|", &save); p != NULL && n < MAX_NAMES; p = strtok_r(NULL, "|", &save))
        names[n++] = p;
    return n;
}

static int out_of_range(const tp_option_spec *spec, double v, char *err, size_t errlen)
{
    if (spec->min == spec->max || (v >= spec->min && v <= spec->max))
        return 0;
    snprintf(err, errlen, "option '%s' is %g, outside its range %g to %g",
             spec->name, v, spec->min, spec->max);
    return 1;
}

json_t *tp_option_value(const tp_option_spec *spec, const char *text, char *err, size_t errlen)
{
    char *end;
    switch (spec->type) {
    case TP_OPT_STRING:
        return json_string(text);
    case TP_OPT_LIST:
        return json_pack("[s]", text);
    case TP_OPT_INT: {
        long long v;
        errno = 0;
        v = strtoll(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0') {
            snprintf(err, errlen, "option '%s' takes an integer, not '%s'", spec->name, text);
            return NULL;
        }
        if (out_of_range(spec, (double)v, err, errlen))
            return NULL;
        return json_integer((json_int_t)v);
    }
    case TP_OPT_REAL: {
        double v;
        errno = 0;
        v = strtod(text, &end);
        if (errno != 0 || end == text || *end != '\0' || !isfinite(v)) {
            snprintf(err, errlen, "option '%s' takes a number, not '%s'", spec->name, text);
            return NULL;
        }
        if (out_of_range(spec, v, err, errlen))
            return NULL;
        return json_real(v);
    }
    case TP_OPT_BOOL: {
        int b;
        if (parse_bool(text, &b) != 0) {
            snprintf(err, errlen, "option '%s' takes true or false, not '%s'", spec->name, text);
            return NULL;
        }
        return json_boolean(b);
    }
    case TP_OPT_ENUM: {
        char buf[1024], joined[1024];
        const char *names[MAX_NAMES], *near;
        size_t n = split_choices(spec->choices, buf, sizeof buf, names), i;
        for (i = 0; i < n; i++)
            if (strcmp(names[i], text) == 0)
                return json_string(text);
        tp_join_names(joined, sizeof joined, names, n);
        near = tp_suggest(text, names, n);
        if (near != NULL)
            snprintf(err, errlen, "option '%s' cannot be '%s'; did you mean '%s'? (one of: %s)",
                     spec->name, text, near, joined);
        else
            snprintf(err, errlen, "option '%s' cannot be '%s' (one of: %s)", spec->name, text, joined);
        return NULL;
    }
    }
    snprintf(err, errlen, "option '%s' has an unknown type", spec->name);
    return NULL;
}

static size_t option_names(const tp_plugin *plugin, const char **names)
{
    size_t n = 0;
    const tp_option_spec *o;
    for (o = plugin->options; o != NULL && o->name != NULL && n < MAX_NAMES; o++)
        names[n++] = o->name;
    return n;
}

static const tp_option_spec *find_option(const tp_plugin *plugin, const char *name)
{
    const tp_option_spec *o;
    for (o = plugin->options; o != NULL && o->name != NULL; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

#define AT(node) (node)->start_mark.line + 1, (node)->start_mark.column + 1

static json_t *value_from_node(const tp_option_spec *spec, yaml_document_t *doc,
                               yaml_node_t *v, tp_diags *diags)
{
    char err[1024];
    json_t *value;
    if (v->type == YAML_SCALAR_NODE) {
        value = tp_option_value(spec, (const char *)v->data.scalar.value, err, sizeof err);
        if (value == NULL)
            tp_diags_add(diags, AT(v), "%s", err);
        return value;
    }
    if (v->type == YAML_SEQUENCE_NODE && spec->type == TP_OPT_LIST) {
        yaml_node_item_t *it;
        value = json_array();
        for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(doc, *it);
            if (e == NULL || e->type != YAML_SCALAR_NODE) {
                if (e != NULL)
                    tp_diags_add(diags, AT(e), "option '%s' takes a list of strings", spec->name);
                json_decref(value);
                return NULL;
            }
            json_array_append_new(value, json_string((const char *)e->data.scalar.value));
        }
        return value;
    }
    tp_diags_add(diags, AT(v), "option '%s' takes a %s, not a %s", spec->name,
                 tp_option_type_name(spec->type),
                 v->type == YAML_MAPPING_NODE ? "mapping" : "list");
    return NULL;
}

json_t *tp_options_build(const tp_plugin *plugin, yaml_document_t *doc, yaml_node_t *node,
                         const yaml_mark_t *stage, tp_diags *diags)
{
    size_t line = (node ? node->start_mark : *stage).line + 1;
    size_t col = (node ? node->start_mark : *stage).column + 1;
    json_t *opts = json_object();
    const tp_option_spec *o;
    const char *names[MAX_NAMES];
    size_t nnames = option_names(plugin, names);
    char joined[1024], err[1024];

    tp_join_names(joined, sizeof joined, names, nnames);
    if (node != NULL && node->type == YAML_MAPPING_NODE) {
        yaml_node_pair_t *p;
        for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            yaml_node_t *v = yaml_document_get_node(doc, p->value);
            const char *key;
            json_t *value;
            if (k == NULL || v == NULL)
                continue;
            if (k->type != YAML_SCALAR_NODE) {
                tp_diags_add(diags, AT(k), "an option name must be a plain word");
                continue;
            }
            key = (const char *)k->data.scalar.value;
            o = find_option(plugin, key);
            if (o == NULL) {
                const char *near = tp_suggest(key, names, nnames);
                if (nnames == 0)
                    tp_diags_add(diags, AT(k), "stage '%s' takes no options, but '%s' is given",
                                 plugin->name, key);
                else if (near != NULL)
                    tp_diags_add(diags, AT(k), "unknown option '%s' for stage '%s'; did you mean '%s'? (options: %s)",
                                 key, plugin->name, near, joined);
                else
                    tp_diags_add(diags, AT(k), "unknown option '%s' for stage '%s' (options: %s)",
                                 key, plugin->name, joined);
                continue;
            }
            if (json_object_get(opts, key) != NULL) {
                tp_diags_add(diags, AT(k), "option '%s' is given twice", key);
                continue;
            }
            value = value_from_node(o, doc, v, diags);
            if (value != NULL)
                json_object_set_new(opts, key, value);
        }
    } else if (node != NULL && !(node->type == YAML_SCALAR_NODE && node->data.scalar.length == 0)) {
        tp_diags_add(diags, AT(node), "'options' must be a mapping of option names to values");
    }

    for (o = plugin->options; o != NULL && o->name != NULL; o++) {
        if (json_object_get(opts, o->name) != NULL)
            continue;
        if (o->default_value != NULL) {
            json_t *value = tp_option_value(o, o->default_value, err, sizeof err);
            if (value == NULL)
                tp_diags_add(diags, line, col, "plugin '%s' has a bad default: %s", plugin->name, err);
            else
                json_object_set_new(opts, o->name, value);
        } else if (o->required) {
            tp_diags_add(diags, line, col, "stage '%s' needs option '%s' (%s: %s)", plugin->name, o->name,
                         tp_option_type_name(o->type), o->help ? o->help : "");
        }
    }
    return opts;
}

void tp_options_describe(const tp_plugin *plugin, FILE *out)
{
    const tp_option_spec *o;
    if (plugin->options == NULL || plugin->options[0].name == NULL) {
        fprintf(out, "options: none\n");
        return;
    }
    fprintf(out, "options:\n");
    for (o = plugin->options; o->name != NULL; o++) {
        fprintf(out, "  %-18s %s", o->name, tp_option_type_name(o->type));
        if (o->type == TP_OPT_ENUM && o->choices)
            fprintf(out, " (%s)", o->choices);
        if ((o->type == TP_OPT_INT || o->type == TP_OPT_REAL) && o->min != o->max)
            fprintf(out, " [%g..%g]", o->min, o->max);
        if (o->required)
            fprintf(out, ", required");
        else if (o->default_value != NULL)
            fprintf(out, ", default %s", o->default_value);
        fprintf(out, "\n      %s\n", o->help ? o->help : "");
    }
}
