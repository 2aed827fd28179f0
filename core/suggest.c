/* core/suggest.c: to be written. */
