/* A fast JSON writer for jansson trees, byte-for-byte the output of
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) with jansson 2.14. */
#include "jsonw.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSONW_ONES UINT64_C(0x0101010101010101)
#define JSONW_HIGH UINT64_C(0x8080808080808080)

/* The containers on the path being written, to refuse cycles. */
typedef struct jsonw_parent {
    const json_t *v;
    const struct jsonw_parent *up;
} jsonw_parent;

/* For each byte: 0 when it is written as it is, else the letter after the
 * backslash ('u' for \u00XX). */
static const char jsonw_escape[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
};

static const char jsonw_digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static int jsonw_grow(tp_buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 256;
    char *p;

    if (need <= b->cap)
        return 0;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

/* Room for n more bytes. */
static inline int jsonw_reserve(tp_buf *b, size_t n)
{
    if (b->cap - b->len >= n)
        return 0;
    if (n > SIZE_MAX - b->len)
        return -1;
    return jsonw_grow(b, b->len + n);
}

int tp_buf_append(tp_buf *b, const char *s, size_t n)
{
    if (jsonw_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

void tp_buf_free(tp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static inline int jsonw_byte(tp_buf *b, char c)
{
    if (b->len == b->cap && jsonw_reserve(b, 1) < 0)
        return -1;
    b->data[b->len++] = c;
    return 0;
}

/* Non-zero when one of the 8 bytes in w needs escaping: below 0x20, '"'
 * or '\\' (exact as a whole, though not telling which byte). */
static inline uint64_t jsonw_special8(uint64_t w)
{
    uint64_t q = w ^ (JSONW_ONES * '"');
    uint64_t bs = w ^ (JSONW_ONES * '\\');
    uint64_t t = ((w - JSONW_ONES * 0x20) & ~w) | ((q - JSONW_ONES) & ~q)
                 | ((bs - JSONW_ONES) & ~bs);
    return t & JSONW_HIGH;
}

static int jsonw_string(tp_buf *b, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run;
    uint64_t w;
    char *o;

    /* Worst case: every byte becomes \u00XX; reserve less and grow on
     * escapes instead, since escapes are rare. */
    if (jsonw_reserve(b, n + 2) < 0)
        return -1;
    b->data[b->len++] = '"';
    while (i < n) {
        run = i;
        while (i + 8 <= n) {
            memcpy(&w, s + i, 8);
            if (jsonw_special8(w))
                break;
            i += 8;
        }
        while (i < n && !jsonw_escape[s[i]])
            i++;
        if (i > run) {
            if (jsonw_reserve(b, i - run + 1) < 0)
                return -1;
            memcpy(b->data + b->len, s + run, i - run);
            b->len += i - run;
        }
        if (i >= n)
            break;
        if (jsonw_reserve(b, 6 + 1) < 0)
            return -1;
        o = b->data + b->len;
        o[0] = '\\';
        if (jsonw_escape[s[i]] == 'u') {
            o[1] = 'u';
            o[2] = '0';
            o[3] = '0';
            o[4] = hex[s[i] >> 4];
            o[5] = hex[s[i] & 15];
            b->len += 6;
        } else {
            o[1] = jsonw_escape[s[i]];
            b->len += 2;
        }
        i++;
    }
    return jsonw_byte(b, '"');
}

/* Write v in decimal, as "%" JSON_INTEGER_FORMAT does. */
static int jsonw_integer(tp_buf *b, json_int_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    size_t n;

    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        *--p = jsonw_digits2[d + 1];
        *--p = jsonw_digits2[d];
    }
    if (u >= 10) {
        *--p = jsonw_digits2[u * 2 + 1];
        *--p = jsonw_digits2[u * 2];
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0)
        *--p = '-';
    n = (size_t)(tmp + sizeof tmp - p);
    return tp_buf_append(b, p, n);
}

/* A real as jansson's jsonp_dtostr prints it with precision 17. */
static int jsonw_real(tp_buf *b, double d)
{
    char tmp[40], *e, *p;
    int n;

    if (!isfinite(d))
        return -1;
    /* Whole numbers below 2^53 print as their digits; "%.17g" gives the
     * same digits, and jansson then adds ".0". */
    if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(json_int_t)d) {
        json_int_t i = (json_int_t)d;
        if (i == 0 && signbit(d)) {
            if (tp_buf_append(b, "-0", 2) < 0)
                return -1;
        } else if (jsonw_integer(b, i) < 0) {
            return -1;
        }
        return tp_buf_append(b, ".0", 2);
    }
    n = snprintf(tmp, sizeof tmp - 3, "%.17g", d);
    if (n < 0 || (size_t)n >= sizeof tmp - 3)
        return -1;
    /* The decimal point of the locale, whatever it is, becomes '.'. */
    for (p = tmp; *p; p++)
        if (!(*p >= '0' && *p <= '9') && *p != '-' && *p != '+' && *p != 'e')
            *p = '.';
    if (!strchr(tmp, '.') && !strchr(tmp, 'e')) {
        tmp[n++] = '.';
        tmp[n++] = '0';
        tmp[n] = '\0';
    }
    e = strchr(tmp, 'e');
    if (e) {
        /* Drop the '+' and leading zeros of the exponent. */
        char *q = e + 1, *src;
        if (*q == '-')
            q++;
        src = q;
        if (*src == '+')
            src++;
        while (*src == '0' && src[1] != '\0')
            src++;
        if (src != q)
            memmove(q, src, strlen(src) + 1);
        n = (int)strlen(tmp);
    }
    return tp_buf_append(b, tmp, (size_t)n);
}

static int jsonw_value(tp_buf *b, const json_t *v, const jsonw_parent *up);

static int jsonw_check_loop(const json_t *v, const jsonw_parent *up)
{
    for (; up; up = up->up)
        if (up->v == v)
            return -1;
    return 0;
}

static int jsonw_object(tp_buf *b, const json_t *v, const jsonw_parent *up)
{
    jsonw_parent me = { v, up };
    void *it;
    int first = 1;

    if (jsonw_check_loop(v, up) < 0)
        return -1;
    if (jsonw_byte(b, '{') < 0)
        return -1;
    for (it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
        if (!first && jsonw_byte(b, ',') < 0)
            return -1;
        first = 0;
        if (jsonw_string(b, json_object_iter_key(it), json_object_iter_key_len(it)) < 0)
            return -1;
        if (jsonw_byte(b, ':') < 0)
            return -1;
        if (jsonw_value(b, json_object_iter_value(it), &me) < 0)
            return -1;
    }
    return jsonw_byte(b, '}');
}

static int jsonw_array(tp_buf *b, const json_t *v, const jsonw_parent *up)
{
    jsonw_parent me = { v, up };
    size_t i, n = json_array_size(v);

    if (jsonw_check_loop(v, up) < 0)
        return -1;
    if (jsonw_byte(b, '[') < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (i > 0 && jsonw_byte(b, ',') < 0)
            return -1;
        if (jsonw_value(b, json_array_get(v, i), &me) < 0)
            return -1;
    }
    return jsonw_byte(b, ']');
}

static int jsonw_value(tp_buf *b, const json_t *v, const jsonw_parent *up)
{
    if (!v)
        return -1;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return jsonw_object(b, v, up);
    case JSON_ARRAY:
        return jsonw_array(b, v, up);
    case JSON_STRING:
        return jsonw_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return jsonw_integer(b, json_integer_value(v));
    case JSON_REAL:
        return jsonw_real(b, json_real_value(v));
    case JSON_TRUE:
        return tp_buf_append(b, "true", 4);
    case JSON_FALSE:
        return tp_buf_append(b, "false", 5);
    case JSON_NULL:
        return tp_buf_append(b, "null", 4);
    }
    return -1;
}

int tp_json_write(tp_buf *b, const json_t *v)
{
    size_t start = b->len;
    int rc = jsonw_value(b, v, NULL);

    if (rc < 0)
        b->len = start;  /* nothing half-written is left behind */
    return rc;
}
