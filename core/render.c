/* core/render.c: rendering is not part of this build yet. */
#include <config.h>

#include <stdio.h>

#include "render.h"

tp_render *tp_render_open(const char *dir, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: rendering is not available in this build", dir);
    return NULL;
}

int tp_render_add(tp_render *r, const json_t *record, char *err, size_t errlen)
{
    (void)r;
    (void)record;
    snprintf(err, errlen, "rendering is not available in this build");
    return -1;
}

int tp_render_close(tp_render *r, char *err, size_t errlen)
{
    (void)r;
    (void)err;
    (void)errlen;
    return 0;
}

int tp_render_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "textpipe: render is not available in this build\n");
    return 2;
}
