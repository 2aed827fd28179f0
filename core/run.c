/* core/run.c: to be written. */
