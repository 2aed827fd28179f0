/* core/options.c: to be written. */
