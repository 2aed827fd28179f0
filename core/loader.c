/* core/loader.c: to be written. */
