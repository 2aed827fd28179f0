/* core/render.c: to be written. */
