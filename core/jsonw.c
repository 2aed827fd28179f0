/* core/jsonw.c: to be written. */
