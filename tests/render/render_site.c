/* Render JSON Lines into a site: `render_site [RECORDS.jsonl | --out-dir DIR] -o SITE`,
 * the same as `textpipe render`. */
#include <config.h>

#include "render.h"

int main(int argc, char **argv)
{
    char *args[64];
    int i, n = 0;
    args[n++] = (char *)"render";
    for (i = 1; i < argc && n < 63; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    return tp_render_main(n, args);
}
