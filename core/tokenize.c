/* core/tokenize.c: to be written. */
