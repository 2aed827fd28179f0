/* Decoding a document's bytes into UTF-8 text: valid UTF-8 as it is,
 * Windows-1252 where the bytes are that, UTF-8 with U+FFFD otherwise. */
#include "decode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DECODE_HIGH_BITS UINT64_C(0x8080808080808080)

static const char decode_bom[3] = { '\xEF', '\xBB', '\xBF' };
static const char decode_fffd[3] = { '\xEF', '\xBF', '\xBD' };

/* Windows-1252 0x80-0x9F to Unicode; 0 where the byte is undefined. */
static const uint16_t decode_cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178
};

/* Length of the valid UTF-8 sequence at s[0, n) (1 to 4), or, when it is
 * not valid, minus the length of its maximal subpart (the longest prefix
 * that could start a valid sequence, at least 1 byte). */
static int decode_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    int need, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;      /* no overlongs */
        else if (c == 0xED)
            hi = 0x9F;      /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;      /* no overlongs */
        else if (c == 0xF4)
            hi = 0x8F;      /* nothing above U+10FFFF */
    } else {
        return -1;          /* 0x80-0xC1, 0xF5-0xFF: never valid */
    }
    for (i = 1; i <= need; i++) {
        if ((size_t)i >= n || s[i] < lo || s[i] > hi)
            return -i;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Skip ASCII bytes eight at a time; returns the index of the first byte
 * at or after i that may be non-ASCII (or n). */
static size_t decode_skip_ascii(const unsigned char *s, size_t i, size_t n)
{
    uint64_t w;

    while (i + 8 <= n) {
        memcpy(&w, s + i, 8);
        if (w & DECODE_HIGH_BITS)
            break;
        i += 8;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

size_t tp_utf8_valid_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    int k;

    for (;;) {
        i = decode_skip_ascii(s, i, len);
        if (i >= len)
            return len;
        k = decode_seq(s + i, len - i);
        if (k < 0)
            return i;
        i += (size_t)k;
    }
}

static int decode_is_cp1252(const unsigned char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] >= 0x80 && s[i] <= 0x9F && decode_cp1252_c1[s[i] - 0x80] == 0)
            return 0;
    return 1;
}

static size_t decode_put_cp(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static unsigned decode_cp1252_cp(unsigned char c)
{
    return c >= 0x80 && c <= 0x9F ? decode_cp1252_c1[c - 0x80] : c;
}

/* Windows-1252 to UTF-8: two passes, the first for the exact size. */
static tp_decode_status decode_cp1252(tp_decoded *out, const unsigned char *s,
                                      size_t len)
{
    char tmp[3], *o;
    size_t i, size = 0;

    for (i = 0; i < len; i++)
        size += s[i] < 0x80 ? 1 : decode_put_cp(tmp, decode_cp1252_cp(s[i]));
    o = malloc(size + 1);
    if (!o)
        return TP_DECODE_NOMEM;
    out->text = o;
    out->len = size;
    for (i = 0; i < len; i++) {
        if (s[i] < 0x80)
            *o++ = (char)s[i];
        else
            o += decode_put_cp(o, decode_cp1252_cp(s[i]));
    }
    *o = '\0';
    out->encoding = "windows-1252";
    return TP_DECODE_OK;
}

/* UTF-8 with each maximal invalid subpart replaced by U+FFFD.  With o NULL
 * only counts; returns the output size and sets *replaced. */
static size_t decode_repair_into(char *o, const unsigned char *s, size_t len,
                                 size_t *replaced)
{
    size_t i = 0, start, size = 0;
    int k;

    *replaced = 0;
    while (i < len) {
        start = i;
        for (;;) {
            i = decode_skip_ascii(s, i, len);
            if (i >= len)
                break;
            k = decode_seq(s + i, len - i);
            if (k < 0)
                break;
            i += (size_t)k;
        }
        if (o)
            memcpy(o + size, s + start, i - start);
        size += i - start;
        if (i >= len)
            break;
        k = decode_seq(s + i, len - i);
        if (o)
            memcpy(o + size, decode_fffd, 3);
        size += 3;
        i += (size_t)-k;
        (*replaced)++;
    }
    return size;
}

static tp_decode_status decode_repair(tp_decoded *out, const unsigned char *s,
                                      size_t len)
{
    size_t size, replaced;
    char *o;

    size = decode_repair_into(NULL, s, len, &replaced);
    o = malloc(size + 1);
    if (!o)
        return TP_DECODE_NOMEM;
    decode_repair_into(o, s, len, &replaced);
    o[size] = '\0';
    out->text = o;
    out->len = size;
    out->replaced = replaced;
    out->encoding = "utf-8 (repaired)";
    return TP_DECODE_OK;
}

tp_decode_status tp_decode(tp_decoded *out, const char *bytes, size_t len)
{
    const unsigned char *s = (const unsigned char *)bytes;
    tp_decode_status st = TP_DECODE_OK;
    size_t valid;

    memset(out, 0, sizeof *out);
    if (len > 0 && memchr(bytes, '\0', len)) {
        st = TP_DECODE_BINARY;
        goto done;
    }
    if (len >= 3 && memcmp(bytes, decode_bom, 3) == 0) {
        out->had_bom = 1;
        s += 3;
        len -= 3;
    }
    valid = tp_utf8_valid_prefix((const char *)s, len);
    if (valid == len) {
        out->text = malloc(len + 1);
        if (!out->text) {
            st = TP_DECODE_NOMEM;
            goto done;
        }
        memcpy(out->text, s, len);
        out->text[len] = '\0';
        out->len = len;
        out->encoding = "utf-8";
    } else if (!out->had_bom && decode_is_cp1252(s, len)) {
        /* A byte-order mark says UTF-8: such a file is repaired instead. */
        st = decode_cp1252(out, s, len);
    } else {
        st = decode_repair(out, s, len);
    }
done:
    if (st != TP_DECODE_OK)
        memset(out, 0, sizeof *out);
    return st;
}
