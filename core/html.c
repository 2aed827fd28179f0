/* HTML escaping for `textpipe render`. */
#include <config.h>

#include <string.h>

#include "html.h"

/* 1 for every byte the fast loop must stop at: markup characters,
 * controls and the lead of every multi-byte sequence. */
static const unsigned char stop[256] = {
    /* 0x00 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1,
    /* 0x10 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x20 */ 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x30 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
    /* 0x40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x60 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x70 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    /* 0x80.. */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static const char replacement[] = "\xef\xbf\xbd";

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), with
 * its code point in *cp; 0 when it is not well formed. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len, i;
    unsigned lo = 0x80, hi = 0xBF, v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    v = (v << 6) | (s[1] & 0x3F);
    for (i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static const char *bidi_name(unsigned cp)
{
    switch (cp) {
    case 0x202A: return "LRE";
    case 0x202B: return "RLE";
    case 0x202C: return "PDF";
    case 0x202D: return "LRO";
    case 0x202E: return "RLO";
    case 0x2066: return "LRI";
    case 0x2067: return "RLI";
    case 0x2068: return "FSI";
    case 0x2069: return "PDI";
    default: return NULL;
    }
}

int tp_html_escape(FILE *f, const char *str, size_t n, int flags)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;
    if (s == NULL)
        return 0;
    while (i < n) {
        unsigned c = s[i], cp;
        size_t len;
        const char *rep;
        const char *name;
        if (!stop[c]) {
            i++;
            continue;
        }
        switch (c) {
        case '&': rep = "&amp;"; len = 1; break;
        case '<': rep = "&lt;"; len = 1; break;
        case '>': rep = "&gt;"; len = 1; break;
        case '"': rep = "&quot;"; len = 1; break;
        case '\'': rep = "&#39;"; len = 1; break;
        default:
            len = utf8_seq(s + i, n - i, &cp);
            if (len == 0) {
                rep = replacement;      /* not well-formed: one byte */
                len = 1;
            } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
                rep = replacement;      /* a control */
            } else if ((name = bidi_name(cp)) != NULL) {
                fwrite(s + run, 1, i - run, f);
                if (flags & TP_HTML_ATTR)
                    fputs(replacement, f);
                else
                    fprintf(f, "<span class=\"bidi\" data-c=\"%s\" "
                            "title=\"U+%04X\"></span>", name, cp);
                i += len;
                run = i;
                continue;
            } else {
                i += len;               /* an ordinary character */
                continue;
            }
        }
        fwrite(s + run, 1, i - run, f);
        fputs(rep, f);
        i += len;
        run = i;
    }
    fwrite(s + run, 1, n - run, f);
    return ferror(f) ? -1 : 0;
}

int tp_html_puts(FILE *f, const char *s, int flags)
{
    if (s == NULL)
        return 0;
    return tp_html_escape(f, s, strlen(s), flags);
}

size_t tp_html_prefix(const char *s, size_t n, size_t max, int *cut)
{
    size_t b = tp_html_cp_to_byte(s, n, 0, 0, max);
    if (cut != NULL)
        *cut = b < n;
    return b;
}

size_t tp_html_cp_to_byte(const char *s, size_t n, size_t from,
                          size_t from_cp, size_t cp)
{
    size_t i = from;
    size_t k = from_cp;
    while (i < n && k < cp) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        k++;
    }
    return i < n ? i : n;
}

size_t tp_html_cp_count(const char *s, size_t n)
{
    size_t c = 0, i;
    for (i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}
