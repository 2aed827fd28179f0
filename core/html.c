/* core/html.c: to be written. */
