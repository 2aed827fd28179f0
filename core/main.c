/* textpipe: the command line. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonmem.h"
#include "loader.h"
#include "options.h"
#include "pipeline.h"
#include "render.h"
#include "run.h"

#define MAX_DIRS 64
#define MAX_GLOBS 64

static const char usage_text[] =
    "usage: textpipe run PIPELINE [INPUT ...] [options]\n"
    "       textpipe check PIPELINE\n"
    "       textpipe plugins [NAME]\n"
    "       textpipe render [RECORDS.jsonl | --out-dir DIR] -o SITE\n"
    "\n"
    "INPUT is a file, a folder (walked recursively, sorted by path) or - for\n"
    "JSON Lines on standard input (the default).  Records go to standard output\n"
    "as JSON Lines unless -o or --out-dir says otherwise.\n"
    "\n"
    "run options:\n"
    "  -o, --output FILE      write JSON Lines to FILE\n"
    "      --out-dir DIR      write one DIR/ID.json per document, atomically\n"
    "      --resume           with --out-dir: skip documents already written\n"
    "  -j, --jobs N           worker threads (default: the number of cores)\n"
    "      --include GLOB     only files whose path in the folder matches (repeatable)\n"
    "      --exclude GLOB     skip files and folders that match (repeatable)\n"
    "      --hidden           also read files and folders whose names start with '.'\n"
    "      --max-bytes N      larger documents become error records (default 64M)\n"
    "      --plugin-path DIR  look for plugins in DIR first (repeatable)\n"
    "      --progress, --no-progress  show progress on standard error (default: when a terminal)\n"
    "      --stats            add the time each stage took to the summary\n"
    "      --trace STAGE      print each record as it leaves STAGE, on standard error\n"
    "      --html DIR         also render the records as HTML pages in DIR\n"
    "  -q, --quiet            no summary line\n"
    "\n"
    "Exit status: 0 all done, 1 some documents failed, 2 usage or pipeline error.\n";

static int usage(FILE *f, int status)
{
    fputs(usage_text, f);
    return status;
}

/* Split a colon-separated list of folders into dirs. */
static void add_dirs(const char **dirs, size_t *n, char *list)
{
    char *p, *save = NULL;
    for (p = strtok_r(list, ":", &save); p != NULL && *n < MAX_DIRS; p = strtok_r(NULL, ":", &save))
        if (*p != '\0')
            dirs[(*n)++] = p;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || s[0] == '-')
        return -1;
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end != '\0' || v == 0 || v > (2ULL << 30))
        return -1;
    *out = (size_t)v;
    return 0;
}

static int load_pipeline(tp_pipeline **out, const char *file, const char **dirs, size_t ndirs)
{
    tp_diags d;
    memset(&d, 0, sizeof d);
    *out = tp_pipeline_load(file, dirs, ndirs, &d);
    if (*out != NULL && tp_pipeline_create(*out, &d) != 0) {
        tp_diags_print(&d, stderr);
        tp_pipeline_free(*out);
        *out = NULL;
    } else if (*out == NULL) {
        if (d.n == 0)
            tp_diags_add(&d, 0, 0, "cannot load the pipeline (out of memory?)");
        tp_diags_print(&d, stderr);
    }
    tp_diags_free(&d);
    return *out != NULL ? 0 : -1;
}

static int cmd_check(int argc, char **argv, const char **dirs, size_t ndirs)
{
    tp_pipeline *p;
    size_t i;
    if (argc != 1) {
        fprintf(stderr, "textpipe check: give one pipeline file\n");
        return usage(stderr, 2);
    }
    if (load_pipeline(&p, argv[0], dirs, ndirs) != 0)
        return 2;
    printf("%s: ok: pipeline '%s', %zu stage%s:", argv[0], p->name, p->n_stages,
           p->n_stages == 1 ? "" : "s");
    for (i = 0; i < p->n_stages; i++)
        printf("%s%s", i ? " -> " : " ", p->stages[i].ref.desc->name);
    printf("\n");
    tp_pipeline_free(p);
    return 0;
}

static void print_keys(const char *label, const char *const *keys)
{
    printf("%-12s", label);
    if (keys == NULL || keys[0] == NULL)
        printf(" -");
    for (; keys != NULL && *keys != NULL; keys++)
        printf(" %s", *keys);
    printf("\n");
}

static void list_one(const char *name, const tp_plugin_ref *ref, int shadowed,
                     const char *message, void *payload)
{
    (void)payload;
    if (ref == NULL) {
        printf("%-12s  (cannot load) %s\n", name, message ? message : "");
        return;
    }
    printf("%-12s %-8s %s%s\n    %s\n", name, ref->desc->version ? ref->desc->version : "?",
           ref->origin, shadowed ? " (shadowed by the one above)" : "",
           ref->desc->description ? ref->desc->description : "");
}

static int cmd_plugins(int argc, char **argv, const char **dirs, size_t ndirs)
{
    tp_plugin_ref ref;
    char err[2048];
    const tp_plugin *d;
    if (argc == 0) {
        tp_loader_list(dirs, ndirs, list_one, NULL);
        return 0;
    }
    if (argc != 1)
        return usage(stderr, 2);
    if (tp_loader_find(&ref, argv[0], dirs, ndirs, err, sizeof err) != 0) {
        fprintf(stderr, "textpipe: %s\n", err);
        return 2;
    }
    d = ref.desc;
    printf("%s %s (ABI %u.%u)\n%s\n", d->name, d->version ? d->version : "?",
           (unsigned)d->abi_major, (unsigned)d->abi_minor, d->description ? d->description : "");
    printf("%-12s %s\n", "from", ref.origin);
    print_keys("reads", d->reads);
    print_keys("writes", d->writes);
    tp_options_describe(d, stdout);
    tp_plugin_ref_release(&ref);
    return 0;
}

enum {
    OPT_OUT_DIR = 256, OPT_RESUME, OPT_INCLUDE, OPT_EXCLUDE, OPT_HIDDEN, OPT_MAX_BYTES,
    OPT_PLUGIN_PATH, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_STATS, OPT_TRACE, OPT_HTML
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"out-dir", required_argument, NULL, OPT_OUT_DIR},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"jobs", required_argument, NULL, 'j'},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"hidden", no_argument, NULL, OPT_HIDDEN},
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
    {"plugin-path", required_argument, NULL, OPT_PLUGIN_PATH},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"stats", no_argument, NULL, OPT_STATS},
    {"trace", required_argument, NULL, OPT_TRACE},
    {"html", required_argument, NULL, OPT_HTML},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0}
};

int main(int argc, char **argv)
{
    tp_run_options o;
    const char *dirs[MAX_DIRS], *include[MAX_GLOBS], *exclude[MAX_GLOBS];
    const char *stdin_input[] = {"-"};
    size_t ndirs = 0, ninclude = 0, nexclude = 0, i;
    char *env_path = NULL, err[1024];
    const char *cmd;
    int c, progress = isatty(2), status = 2;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    tp_pipeline *p = NULL;

    tp_jsonmem_install();
    if (argc < 2)
        return usage(stderr, 2);
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return usage(stdout, 0);
    if (strcmp(cmd, "--version") == 0) {
        printf("textpipe %s (plugin ABI %d.%d)\n", PACKAGE_VERSION, TP_ABI_MAJOR, TP_ABI_MINOR);
        return 0;
    }
    if (strcmp(cmd, "render") == 0)
        return tp_render_main(argc - 1, argv + 1);
    if (strcmp(cmd, "run") != 0 && strcmp(cmd, "check") != 0 && strcmp(cmd, "plugins") != 0) {
        fprintf(stderr, "textpipe: unknown command '%s' (commands: run, check, plugins, render)\n", cmd);
        return 2;
    }

    memset(&o, 0, sizeof o);
    o.jobs = ncpu > 0 ? (int)ncpu : 1;
    o.max_bytes = 64u << 20;
    optind = 2;
    while ((c = getopt_long(argc, argv, "o:j:qhV", long_options, NULL)) != -1) {
        switch (c) {
        case 'o': o.output_file = optarg; break;
        case OPT_OUT_DIR: o.out_dir = optarg; break;
        case OPT_RESUME: o.resume = 1; break;
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end != '\0' || v < 1 || v > 1024) {
                fprintf(stderr, "textpipe: -j takes a number of threads from 1 to 1024, not '%s'\n", optarg);
                return 2;
            }
            o.jobs = (int)v;
            break;
        }
        case OPT_INCLUDE:
            if (ninclude < MAX_GLOBS)
                include[ninclude++] = optarg;
            break;
        case OPT_EXCLUDE:
            if (nexclude < MAX_GLOBS)
                exclude[nexclude++] = optarg;
            break;
        case OPT_HIDDEN: o.walk.hidden = 1; break;
        case OPT_MAX_BYTES:
            if (parse_size(optarg, &o.max_bytes) != 0) {
                fprintf(stderr, "textpipe: --max-bytes takes a size such as 64M (at most 2G), not '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_PLUGIN_PATH: add_dirs(dirs, &ndirs, optarg); break;
        case OPT_PROGRESS: progress = 1; break;
        case OPT_NO_PROGRESS: progress = 0; break;
        case OPT_STATS: o.stats = 1; break;
        case OPT_TRACE: o.trace = optarg; break;
        case OPT_HTML: o.html_dir = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': return usage(stdout, 0);
        case 'V':
            printf("textpipe %s\n", PACKAGE_VERSION);
            return 0;
        default:
            return usage(stderr, 2);
        }
    }
    if (getenv("TEXTPIPE_PLUGIN_PATH") != NULL) {
        env_path = strdup(getenv("TEXTPIPE_PLUGIN_PATH"));
        if (env_path != NULL)
            add_dirs(dirs, &ndirs, env_path);
    }
    if (tp_loader_init(lt_preloaded_symbols, err, sizeof err) != 0) {
        fprintf(stderr, "textpipe: %s\n", err);
        free(env_path);
        return 2;
    }

    if (strcmp(cmd, "check") == 0) {
        status = cmd_check(argc - optind, argv + optind, dirs, ndirs);
        goto done;
    }
    if (strcmp(cmd, "plugins") == 0) {
        status = cmd_plugins(argc - optind, argv + optind, dirs, ndirs);
        goto done;
    }

    if (optind >= argc) {
        fprintf(stderr, "textpipe run: give a pipeline file\n");
        status = usage(stderr, 2);
        goto done;
    }
    if (o.resume && o.out_dir == NULL) {
        fprintf(stderr, "textpipe: --resume goes with --out-dir\n");
        goto done;
    }
    if (o.output_file != NULL && o.out_dir != NULL) {
        fprintf(stderr, "textpipe: give -o or --out-dir, not both\n");
        goto done;
    }
    if (load_pipeline(&p, argv[optind], dirs, ndirs) != 0)
        goto done;
    if (o.trace != NULL) {
        int found = 0;
        for (i = 0; i < p->n_stages; i++)
            found |= strcmp(p->stages[i].ref.desc->name, o.trace) == 0;
        if (!found) {
            fprintf(stderr, "textpipe: --trace %s: the pipeline has no such stage\n", o.trace);
            goto done;
        }
    }
    o.inputs = (const char *const *)argv + optind + 1;
    o.n_inputs = (size_t)(argc - optind - 1);
    if (o.n_inputs == 0) {
        o.inputs = stdin_input;
        o.n_inputs = 1;
    }
    o.walk.include = ninclude ? include : NULL;
    o.walk.n_include = ninclude;
    o.walk.exclude = nexclude ? exclude : NULL;
    o.walk.n_exclude = nexclude;
    o.progress = progress;
    status = tp_run(p, &o);

done:
    tp_pipeline_free(p);
    tp_loader_exit();
    free(env_path);
    return status;
}
