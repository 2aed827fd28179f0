/* A fast JSON reader into jansson trees.  It accepts exactly what
 * json_loadb(buf, len, 0, ...) of jansson 2.14 accepts and builds the same
 * tree with jansson's own constructors (so duplicate keys, key order and
 * the integer/real split come out the same):
 *
 * - the top-level value must be an object or an array, and nothing but
 *   white space (space, tab, LF, CR) may follow it;
 * - strings: valid UTF-8 only (no overlong forms, surrogates or code points
 *   past U+10FFFF), no raw control characters, escapes \" \\ \/ \b \f \n
 *   \r \t \uXXXX, surrogate escapes only in high-low pairs, no \u0000;
 * - numbers: a real when they have '.', 'e' or 'E' (read with strtod, the
 *   value refused when it overflows to infinity), an integer otherwise
 *   (refused when it does not fit json_int_t); no leading zeros;
 * - nesting: a value may sit at most 2048 deep, counting itself;
 * - and one quirk: a NUL byte right after a number or a literal is skipped
 *   (see jsonr_after_token).
 *
 * Strings are scanned eight bytes at a time for '"', '\\', control bytes
 * and non-ASCII bytes; only the last are checked one by one.  A string with
 * no escape goes to json_stringn_nocheck straight from the input; escaped
 * ones are decoded into one scratch buffer as long as the input, used as a
 * stack (a key stays there while its value is read). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l */
#endif
#include "jsonr.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSONR_MAX_DEPTH 2048
#define JSONR_ONES UINT64_C(0x0101010101010101)
#define JSONR_HIGH UINT64_C(0x8080808080808080)

typedef struct jsonr {
    const unsigned char *start, *p, *end;
    size_t depth;
    char *scratch;      /* NULL until the first escape; as long as the input */
    size_t sused;       /* scratch bytes held by keys being read */
    const unsigned char *err_at;
    enum json_error_code err_code;
    char err_text[JSON_ERROR_TEXT_LENGTH];
} jsonr;

static pthread_once_t jsonr_once = PTHREAD_ONCE_INIT;
static locale_t jsonr_c_locale;

static void jsonr_init_locale(void)
{
    jsonr_c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

static void jsonr_fail(jsonr *j, const unsigned char *at, enum json_error_code code,
                       const char *fmt, ...)
{
    va_list ap;
    if (j->err_at != NULL)
        return;
    j->err_at = at;
    j->err_code = code;
    va_start(ap, fmt);
    vsnprintf(j->err_text, sizeof j->err_text, fmt, ap);
    va_end(ap);
}

static int jsonr_is_digit(unsigned c)
{
    return c - '0' < 10;
}

static int jsonr_is_space(unsigned c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static void jsonr_skip_space(jsonr *j)
{
    const unsigned char *p = j->p, *end = j->end;
    while (p < end && jsonr_is_space(*p))
        p++;
    j->p = p;
}

/* Where reading goes on after a number or a literal that ends at p.
 * jansson reads one byte past such a token and puts it back; its reader
 * marks an empty put-back buffer with a NUL, so a NUL byte put back is
 * lost: one NUL right after a number, true, false or null is skipped. */
static const unsigned char *jsonr_after_token(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p == '\0' ? p + 1 : p;
}

/* Nonzero (in the high bit of the byte) for each byte that is '"', '\\',
 * below 0x20 or above 0x7F.  The lowest flagged byte is always a true one. */
static uint64_t jsonr_special(uint64_t x)
{
    uint64_t q = x ^ (JSONR_ONES * '"');
    uint64_t b = x ^ (JSONR_ONES * '\\');
    uint64_t zq = (q - JSONR_ONES) & ~q;
    uint64_t zb = (b - JSONR_ONES) & ~b;
    uint64_t lt = (x - JSONR_ONES * 0x20) & ~x;
    return (zq | zb | lt | x) & JSONR_HIGH;
}

static int jsonr_is_special(unsigned c)
{
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

/* The first special byte at or after p, or end. */
static const unsigned char *jsonr_scan(const unsigned char *p, const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t x, m;
        memcpy(&x, p, 8);
        m = jsonr_special(x);
        if (m != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return p + (__builtin_ctzll(m) >> 3);
#else
            break;
#endif
        }
        p += 8;
    }
    while (p < end && !jsonr_is_special(*p))
        p++;
    return p;
}

/* Length of the valid UTF-8 sequence of 2 to 4 bytes at p, or 0. */
static size_t jsonr_utf8(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t left = (size_t)(end - p);
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0; /* overlong, or a surrogate */
        return 3;
    }
    if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
        return 0; /* overlong, or past U+10FFFF */
    return 4;
}

/* The value of 4 hex digits at p (p + 4 <= end checked by the caller), or -1. */
static long jsonr_hex4(const unsigned char *p)
{
    long v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        unsigned c = p[i];
        v <<= 4;
        if (jsonr_is_digit(c))
            v += c - '0';
        else if (c - 'a' < 6)
            v += c - 'a' + 10;
        else if (c - 'A' < 6)
            v += c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static char *jsonr_put_utf8(char *t, unsigned long cp)
{
    if (cp < 0x80) {
        *t++ = (char)cp;
    } else if (cp < 0x800) {
        *t++ = (char)(0xC0 | (cp >> 6));
        *t++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *t++ = (char)(0xE0 | (cp >> 12));
        *t++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *t++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *t++ = (char)(0xF0 | (cp >> 18));
        *t++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *t++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *t++ = (char)(0x80 | (cp & 0x3F));
    }
    return t;
}

/* Decode the escape at *pp (a backslash) into *tp.  Sets *nul on \u0000.
 * Returns 0, or -1 with the error set. */
static int jsonr_escape(jsonr *j, const unsigned char **pp, char **tp, int *nul)
{
    const unsigned char *p = *pp, *end = j->end;
    char *t = *tp;
    long v, v2;
    if (end - p < 2) {
        jsonr_fail(j, end, json_error_premature_end_of_input, "premature end of input");
        return -1;
    }
    switch (p[1]) {
    case '"': case '\\': case '/':
        *t++ = (char)p[1];
        break;
    case 'b': *t++ = '\b'; break;
    case 'f': *t++ = '\f'; break;
    case 'n': *t++ = '\n'; break;
    case 'r': *t++ = '\r'; break;
    case 't': *t++ = '\t'; break;
    case 'u':
        if (end - p < 6 || (v = jsonr_hex4(p + 2)) < 0) {
            jsonr_fail(j, p + 1, json_error_invalid_syntax, "invalid escape");
            return -1;
        }
        if (v >= 0xD800 && v <= 0xDBFF) {
            if (end - p < 12 || p[6] != '\\' || p[7] != 'u') {
                jsonr_fail(j, p, json_error_invalid_syntax, "invalid Unicode '\\u%04lX'", v);
                return -1;
            }
            if ((v2 = jsonr_hex4(p + 8)) < 0) {
                jsonr_fail(j, p + 6, json_error_invalid_syntax, "invalid escape");
                return -1;
            }
            if (v2 < 0xDC00 || v2 > 0xDFFF) {
                jsonr_fail(j, p, json_error_invalid_syntax, "invalid Unicode '\\u%04lX\\u%04lX'",
                           v, v2);
                return -1;
            }
            v = ((v - 0xD800) << 10) + (v2 - 0xDC00) + 0x10000;
            p += 6;
        } else if (v >= 0xDC00 && v <= 0xDFFF) {
            jsonr_fail(j, p, json_error_invalid_syntax, "invalid Unicode '\\u%04lX'", v);
            return -1;
        } else if (v == 0) {
            *nul = 1;
        }
        t = jsonr_put_utf8(t, (unsigned long)v);
        p += 4;
        break;
    default:
        jsonr_fail(j, p + 1, json_error_invalid_syntax, "invalid escape");
        return -1;
    }
    *pp = p + 2;
    *tp = t;
    return 0;
}

/* Read the string whose opening quote is at j->p.  *out and *len give its
 * bytes: in the input, or at j->scratch + j->sused.  *nul is set when it
 * holds a \u0000.  Returns 0, or -1 with the error set. */
static int jsonr_string(jsonr *j, const char **out, size_t *len, int *nul)
{
    const unsigned char *p = j->p + 1, *end = j->end, *s = p;
    char *t = NULL; /* where decoding goes, once an escape is met */
    *nul = 0;
    for (;;) {
        unsigned c;
        p = jsonr_scan(p, end);
        if (p == end) {
            jsonr_fail(j, end, json_error_premature_end_of_input, "premature end of input");
            return -1;
        }
        c = *p;
        if (c == '"')
            break;
        if (c >= 0x80) {
            size_t k = jsonr_utf8(p, end);
            if (k == 0) {
                jsonr_fail(j, p, json_error_invalid_utf8, "unable to decode byte 0x%x", c);
                return -1;
            }
            p += k;
            continue;
        }
        if (c < 0x20) {
            if (c == '\n')
                jsonr_fail(j, p, json_error_invalid_syntax, "unexpected newline");
            else
                jsonr_fail(j, p, json_error_invalid_syntax, "control character 0x%x", c);
            return -1;
        }
        /* a backslash */
        if (t == NULL) {
            if (j->scratch == NULL) {
                j->scratch = malloc((size_t)(j->end - j->start) + 1);
                if (j->scratch == NULL) {
                    jsonr_fail(j, p, json_error_out_of_memory, "out of memory");
                    return -1;
                }
            }
            t = j->scratch + j->sused;
        }
        memcpy(t, s, (size_t)(p - s));
        t += p - s;
        if (jsonr_escape(j, &p, &t, nul) != 0)
            return -1;
        s = p;
    }
    if (t == NULL) {
        *out = (const char *)s;
        *len = (size_t)(p - s);
    } else {
        memcpy(t, s, (size_t)(p - s));
        t += p - s;
        *out = j->scratch + j->sused;
        *len = (size_t)(t - *out);
    }
    j->p = p + 1;
    return 0;
}

static json_t *jsonr_number(jsonr *j)
{
    const unsigned char *s = j->p, *p = s, *end = j->end, *digits;
    int neg = 0, real = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    digits = p;
    if (p == end || !jsonr_is_digit(*p)) {
        jsonr_fail(j, p, json_error_invalid_syntax, "invalid token");
        return NULL;
    }
    if (*p == '0') {
        p++;
        if (p < end && jsonr_is_digit(*p)) {
            jsonr_fail(j, p, json_error_invalid_syntax, "invalid token");
            return NULL;
        }
    } else {
        while (p < end && jsonr_is_digit(*p))
            p++;
    }
    if (p < end && *p == '.') {
        real = 1;
        p++;
        if (p == end || !jsonr_is_digit(*p)) {
            jsonr_fail(j, p, json_error_invalid_syntax, "invalid token");
            return NULL;
        }
        while (p < end && jsonr_is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !jsonr_is_digit(*p)) {
            jsonr_fail(j, p, json_error_invalid_syntax, "invalid token");
            return NULL;
        }
        while (p < end && jsonr_is_digit(*p))
            p++;
    }
    j->p = jsonr_after_token(p, end);
    if (!real) {
        /* No leading zeros, so 20 digits or more never fit; 19 always fit
         * in 64 unsigned bits. */
        size_t n = (size_t)(p - digits), i;
        uint64_t v = 0;
        if (n <= 19) {
            for (i = 0; i < n; i++)
                v = v * 10 + (uint64_t)(digits[i] - '0');
        }
        if (n > 19 || v > (uint64_t)INT64_MAX + (uint64_t)neg) {
            jsonr_fail(j, p - 1, json_error_numeric_overflow,
                       neg ? "too big negative integer" : "too big integer");
            return NULL;
        }
        if (!neg)
            return json_integer((json_int_t)v);
        return json_integer(v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(json_int_t)v);
    } else {
        char small[64], *copy = small, *stop;
        size_t n = (size_t)(p - s);
        double d;
        json_t *r;
        if (n >= sizeof small && (copy = malloc(n + 1)) == NULL) {
            jsonr_fail(j, s, json_error_out_of_memory, "out of memory");
            return NULL;
        }
        memcpy(copy, s, n);
        copy[n] = '\0';
        pthread_once(&jsonr_once, jsonr_init_locale);
        errno = 0;
        d = jsonr_c_locale != (locale_t)0 ? strtod_l(copy, &stop, jsonr_c_locale)
                                          : strtod(copy, &stop);
        if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE) {
            jsonr_fail(j, p - 1, json_error_numeric_overflow, "real number overflow");
            r = NULL;
        } else {
            r = json_real(d);
        }
        if (copy != small)
            free(copy);
        return r;
    }
}

static json_t *jsonr_value(jsonr *j);


/* After a member of an array or object: a ',' (returns 1, at the next
 * member), the closing character (0, past it), or an error (-1). */
static int jsonr_next_member(jsonr *j, char close)
{
    jsonr_skip_space(j);
    if (j->p < j->end && *j->p == ',') {
        j->p++;
        jsonr_skip_space(j);
        return 1;
    }
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
    }
    jsonr_fail(j, j->p, json_error_invalid_syntax, close == ']' ? "']' expected" : "'}' expected");
    return -1;
}

/* Step into a container that v (new and empty, NULL when out of memory)
 * holds: 1 when it closes at once, 0 when members follow, -1 on error. */
static int jsonr_open(jsonr *j, const json_t *v, char close)
{
    if (v == NULL) {
        jsonr_fail(j, j->p, json_error_out_of_memory, "out of memory");
        return -1;
    }
    j->p++;
    jsonr_skip_space(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return 1;
    }
    return 0;
}

static json_t *jsonr_array(jsonr *j)
{
    json_t *a = json_array();
    switch (jsonr_open(j, a, ']')) {
    case 1:
        return a;
    case -1:
        return NULL;
    }
    for (;;) {
        json_t *v = jsonr_value(j);
        if (v == NULL)
            goto fail;
        if (json_array_append_new(a, v) != 0) {
            jsonr_fail(j, j->p, json_error_out_of_memory, "out of memory");
            goto fail;
        }
        switch (jsonr_next_member(j, ']')) {
        case 0:
            return a;
        case -1:
            goto fail;
        }
    }
fail:
    json_decref(a);
    return NULL;
}

static json_t *jsonr_object(jsonr *j)
{
    json_t *o = json_object();
    switch (jsonr_open(j, o, '}')) {
    case 1:
        return o;
    case -1:
        return NULL;
    }
    for (;;) {
        const char *key;
        size_t klen, held = 0;
        int nul;
        json_t *v;
        if (j->p == j->end || *j->p != '"') {
            jsonr_fail(j, j->p, json_error_invalid_syntax, "string or '}' expected");
            goto fail;
        }
        if (jsonr_string(j, &key, &klen, &nul) != 0)
            goto fail;
        if (nul) {
            jsonr_fail(j, j->p - 1, json_error_null_byte_in_key,
                       "NUL byte in object key not supported");
            goto fail;
        }
        jsonr_skip_space(j);
        if (j->p == j->end || *j->p != ':') {
            jsonr_fail(j, j->p, json_error_invalid_syntax, "':' expected");
            goto fail;
        }
        j->p++;
        jsonr_skip_space(j);
        if (j->scratch != NULL && key == j->scratch + j->sused) {
            held = klen; /* keep the decoded key while the value is read */
            j->sused += held;
        }
        v = jsonr_value(j);
        j->sused -= held;
        if (v == NULL)
            goto fail;
        if (json_object_setn_new_nocheck(o, key, klen, v) != 0) {
            jsonr_fail(j, j->p, json_error_out_of_memory, "out of memory");
            goto fail;
        }
        switch (jsonr_next_member(j, '}')) {
        case 0:
            return o;
        case -1:
            goto fail;
        }
    }
fail:
    json_decref(o);
    return NULL;
}

static json_t *jsonr_literal(jsonr *j, const char *word, size_t n, json_t *value)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) {
        jsonr_fail(j, j->p, json_error_invalid_syntax, "invalid token");
        return NULL;
    }
    j->p = jsonr_after_token(j->p + n, j->end);
    return value;
}

/* The value at j->p (white space skipped), or NULL with the error set. */
static json_t *jsonr_value(jsonr *j)
{
    json_t *v;
    if (++j->depth > JSONR_MAX_DEPTH) {
        jsonr_fail(j, j->p, json_error_stack_overflow, "maximum parsing depth reached");
        return NULL;
    }
    if (j->p == j->end) {
        jsonr_fail(j, j->p, json_error_premature_end_of_input, "unexpected end of input");
        return NULL;
    }
    switch (*j->p) {
    case '{':
        v = jsonr_object(j);
        break;
    case '[':
        v = jsonr_array(j);
        break;
    case '"': {
        const char *s;
        size_t len;
        int nul;
        if (jsonr_string(j, &s, &len, &nul) != 0)
            return NULL;
        if (nul) {
            jsonr_fail(j, j->p - 1, json_error_null_character,
                       "\\u0000 is not allowed without JSON_ALLOW_NUL");
            return NULL;
        }
        v = json_stringn_nocheck(s, len);
        if (v == NULL)
            jsonr_fail(j, j->p, json_error_out_of_memory, "out of memory");
        break;
    }
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        v = jsonr_number(j);
        break;
    case 't':
        v = jsonr_literal(j, "true", 4, json_true());
        break;
    case 'f':
        v = jsonr_literal(j, "false", 5, json_false());
        break;
    case 'n':
        v = jsonr_literal(j, "null", 4, json_null());
        break;
    default:
        jsonr_fail(j, j->p, json_error_invalid_syntax, "invalid token");
        return NULL;
    }
    if (v != NULL)
        j->depth--;
    return v;
}

/* Fill err as jansson does: line, column in characters (1-based, of the
 * offending byte), byte position. */
static void jsonr_set_error(const jsonr *j, json_error_t *err)
{
    static const char near_end[] = " near end of file";
    const unsigned char *q, *at = j->err_at;
    int line = 1, column = 0;
    size_t n;
    if (at > j->end)
        at = j->end;
    for (q = j->start; q < at; q++) {
        if (*q == '\n') {
            line++;
            column = 0;
        } else if ((*q & 0xC0) != 0x80) {
            column++;
        }
    }
    if (at < j->end && *at != '\n')
        column++;
    err->line = line;
    err->column = column;
    err->position = (int)(at - j->start);
    snprintf(err->source, sizeof err->source, "%s", "<buffer>");
    /* the last byte of text holds the error code, as in jansson */
    n = strlen(j->err_text);
    if (n > JSON_ERROR_TEXT_LENGTH - 2)
        n = JSON_ERROR_TEXT_LENGTH - 2;
    memcpy(err->text, j->err_text, n);
    if (at == j->end && n + sizeof near_end <= JSON_ERROR_TEXT_LENGTH - 1) {
        memcpy(err->text + n, near_end, sizeof near_end - 1);
        n += sizeof near_end - 1;
    }
    err->text[n] = '\0';
    err->text[JSON_ERROR_TEXT_LENGTH - 1] = (char)j->err_code;
}

json_t *tp_json_parse(const char *buf, size_t len, json_error_t *err)
{
    jsonr j;
    json_t *v = NULL;
    memset(&j, 0, sizeof j);
    j.start = j.p = (const unsigned char *)buf;
    j.end = j.start + len;
    if (buf == NULL) {
        j.start = j.p = j.end = (const unsigned char *)"";
        jsonr_fail(&j, j.p, json_error_invalid_argument, "wrong arguments");
        goto done;
    }
    jsonr_skip_space(&j);
    if (j.p == j.end || (*j.p != '{' && *j.p != '[')) {
        jsonr_fail(&j, j.p, json_error_invalid_syntax, "'[' or '{' expected");
        goto done;
    }
    v = jsonr_value(&j);
    if (v != NULL) {
        jsonr_skip_space(&j);
        if (j.p != j.end) {
            jsonr_fail(&j, j.p, json_error_end_of_input_expected, "end of file expected");
            json_decref(v);
            v = NULL;
        }
    }
done:
    free(j.scratch);
    if (err != NULL) {
        if (v == NULL) {
            jsonr_set_error(&j, err);
        } else {
            memset(err, 0, sizeof *err);
            err->line = err->column = -1;
            err->position = (int)len;
            snprintf(err->source, sizeof err->source, "%s", "<buffer>");
        }
    }
    return v;
}
