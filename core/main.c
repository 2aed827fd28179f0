/* textpipe: the command line. */
#include <config.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "textpipe: not yet\n");
    return 2;
}
