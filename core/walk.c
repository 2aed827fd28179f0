/* core/walk.c: to be written. */
