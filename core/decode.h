/* Decoding a document's bytes into UTF-8 text. */
#ifndef TP_DECODE_H
#define TP_DECODE_H

#include <stddef.h>

typedef enum tp_decode_status {
    TP_DECODE_OK = 0,      /* out holds the text */
    TP_DECODE_BINARY = 1,  /* a NUL byte: not a text file; out is empty */
    TP_DECODE_NOMEM = -1
} tp_decode_status;

typedef struct tp_decoded {
    char *text;           /* malloc'd UTF-8, NUL-terminated; caller frees */
    size_t len;           /* bytes, without the NUL */
    const char *encoding; /* "utf-8", "windows-1252", or "utf-8 (repaired)" */
    int had_bom;          /* a UTF-8 byte-order mark was dropped */
    size_t replaced;      /* invalid sequences replaced by U+FFFD */
} tp_decoded;

/* Valid UTF-8 is kept as it is (a leading BOM dropped).  Otherwise, bytes
 * that are valid Windows-1252 are decoded as that; anything else is decoded
 * as UTF-8 with each invalid sequence replaced by U+FFFD.  A file that
 * starts with a UTF-8 BOM is taken as UTF-8 and never read as Windows-1252.
 * When the status is not TP_DECODE_OK, *out is all zero (text NULL). */
tp_decode_status tp_decode(tp_decoded *out, const char *bytes, size_t len);

/* Length of the longest valid UTF-8 prefix of s (== len when all valid). */
size_t tp_utf8_valid_prefix(const char *s, size_t len);

#endif
