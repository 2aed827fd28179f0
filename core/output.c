/* core/output.c: to be written. */
