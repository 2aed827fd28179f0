/* core/decode.c: to be written. */
