/* core/pipeline.c: to be written. */
