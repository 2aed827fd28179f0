/* HTML output helpers for `textpipe render`: escaping text taken from
 * records so that it always renders as text, never as markup. */
#ifndef TP_HTML_H
#define TP_HTML_H

#include <stdio.h>
#include <stddef.h>

/* Escape for an attribute value (between double quotes): controls and bidi
 * formatting characters become U+FFFD and no markup is written. */
#define TP_HTML_ATTR 1

/* Write the n bytes at s to f as HTML character data:
 *  - & < > " ' become character references;
 *  - C0 and C1 controls other than tab, newline and carriage return, and
 *    bytes that are not well-formed UTF-8, become U+FFFD;
 *  - the bidi embedding, override and isolate controls (U+202A..U+202E,
 *    U+2066..U+2069), which would silently reorder what follows them, are
 *    dropped and shown instead as an empty <span class="bidi"> whose label
 *    is drawn by the stylesheet (with TP_HTML_ATTR: U+FFFD).
 * Returns 0, or -1 when writing failed. */
int tp_html_escape(FILE *f, const char *s, size_t n, int flags);

/* tp_html_escape() of a NUL-terminated string; NULL writes nothing. */
int tp_html_puts(FILE *f, const char *s, int flags);

/* Length in bytes of the longest prefix of s[0..n) holding at most max
 * code points and ending on a character boundary; *cut is set to 1 when
 * the string was longer. */
size_t tp_html_prefix(const char *s, size_t n, size_t max, int *cut);

/* Byte offset of code point cp in s[0..n), counting from byte `from`,
 * which is the offset of code point `from_cp`; cp >= from_cp.  Clamped to
 * n.  Walking forward with increasing cp costs O(distance). */
size_t tp_html_cp_to_byte(const char *s, size_t n, size_t from,
                          size_t from_cp, size_t cp);

/* Number of code points in s[0..n). */
size_t tp_html_cp_count(const char *s, size_t n);

#endif
