/* Checking a stage's options against its plugin's option table. */
#ifndef TP_OPTIONS_H
#define TP_OPTIONS_H

#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

#include "textpipe/plugin.h"
#include "diag.h"

/* The name of an option type, as help and messages print it. */
const char *tp_option_type_name(tp_option_type type);

/* Convert text, as written in YAML, to the JSON value of an option of
 * spec's type.  NULL with a message in err when it does not fit. */
json_t *tp_option_value(const tp_option_spec *spec, const char *text, char *err, size_t errlen);

/* Check the options mapping node (NULL: none given) of a stage using
 * plugin (stage: where the stage starts, for what is missing), and return the object create() receives: every option the file
 * sets, converted, and the defaults of the others.  Problems are added to
 * diags at their place in the file. */
json_t *tp_options_build(const tp_plugin *plugin, yaml_document_t *doc, yaml_node_t *node,
                         const yaml_mark_t *stage, tp_diags *diags);

/* The option table as `textpipe plugins NAME` prints it. */
void tp_options_describe(const tp_plugin *plugin, FILE *out);

#endif
