/* A fast JSON writer for jansson trees, byte-for-byte the output of
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) with jansson 2.14.
 *
 * Strings are copied while they are scanned, 16 bytes at a time with SSE2
 * (8 with plain 64-bit words elsewhere), and stop only at a byte that
 * needs escaping.  Integers are printed without snprintf.  Reals print as
 * jansson's "%.17g" does: whole numbers below 2^53 from their integer,
 * other values from 1e-6 up from an exact 128-bit product of the binary
 * mantissa and a power of ten, and the rest with snprintf. */
#include "jsonw.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TP_JSONW_PORTABLE builds the plain C scanner even where SSE2 is there
 * (a test holds the two to the same output). */
#if defined(__SSE2__) && !defined(TP_JSONW_PORTABLE)
#include <emmintrin.h>
#define JSONW_SSE2 1
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define JSONW_LITTLE 1
#endif

#if defined(__GNUC__)
#define JSONW_INLINE inline __attribute__((always_inline))
#define JSONW_NOINLINE __attribute__((noinline))
#else
#define JSONW_INLINE inline
#define JSONW_NOINLINE
#endif

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

/* Out of line: it is rare, and inlined it would cost every caller's
 * fast path saved registers. */
static JSONW_NOINLINE int jsonw_grow(tp_buf *b, size_t need)
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

/* A set high bit in each of the 8 bytes of w that needs escaping (below
 * 0x20, '"' or '\\').  A borrow only runs upwards, so the lowest set bit
 * always marks a byte that does: in memory order on a little-endian
 * machine, the first such byte. */
static inline uint64_t jsonw_special8(uint64_t w)
{
    uint64_t q = w ^ (JSONW_ONES * '"');
    uint64_t bs = w ^ (JSONW_ONES * '\\');
    uint64_t t = ((w - JSONW_ONES * 0x20) & ~w) | ((q - JSONW_ONES) & ~q)
                 | ((bs - JSONW_ONES) & ~bs);
    return t & JSONW_HIGH;
}

/* jsonw_scan_copy from byte i on, one byte at a time. */
static inline size_t jsonw_copy_from(char *d, const unsigned char *s, size_t i, size_t n)
{
    for (; i < n; i++) {
        if (jsonw_escape[s[i]])
            return i;
        d[i] = (char)s[i];
    }
    return n;
}

/* Copy the bytes of s to d up to the first one that needs escaping and
 * return its index (n when there is none).  Bytes of d past that index,
 * up to n, may have been written too. */
#if defined(JSONW_SSE2)
static inline unsigned jsonw_special16(__m128i v)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i flip = _mm_set1_epi8((char)0x80), below = _mm_set1_epi8((char)(0x20 ^ 0x80));
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash));

    /* Unsigned v < 0x20, as a signed compare with the top bit flipped. */
    m = _mm_or_si128(m, _mm_cmplt_epi8(_mm_xor_si128(v, flip), below));
    return (unsigned)_mm_movemask_epi8(m);
}

static JSONW_INLINE size_t jsonw_scan_copy(char *d, const unsigned char *s, size_t n)
{
    size_t i = 0;
    unsigned m;

    if (n >= 16) {
        __m128i v;
        for (; i + 16 <= n; i += 16) {
            v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            _mm_storeu_si128((__m128i *)(void *)(d + i), v);
            m = jsonw_special16(v);
            if (m)
                return i + (size_t)__builtin_ctz(m);
        }
        if (i == n)
            return n;
        /* The last 16 bytes, overlapping those already seen. */
        v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        _mm_storeu_si128((__m128i *)(void *)(d + n - 16), v);
        m = jsonw_special16(v) >> (16 - (n - i));
        return m ? i + (size_t)__builtin_ctz(m) : n;
    }
    if (n >= 8) {
        /* The first and the last 8 bytes, overlapping. */
        __m128i lo = _mm_loadl_epi64((const __m128i *)(const void *)s);
        __m128i hi = _mm_loadl_epi64((const __m128i *)(const void *)(s + n - 8));
        _mm_storel_epi64((__m128i *)(void *)d, lo);
        _mm_storel_epi64((__m128i *)(void *)(d + n - 8), hi);
        m = jsonw_special16(_mm_unpacklo_epi64(lo, hi));
        if (m & 0xFF)
            return (size_t)__builtin_ctz(m);
        m >>= 8 + (16 - n);
        return m ? 8 + (size_t)__builtin_ctz(m) : n;
    }
    if (n >= 4) {
        uint32_t lo, hi;
        uint64_t t;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        memcpy(d, &lo, 4);
        memcpy(d + n - 4, &hi, 4);
        t = jsonw_special8((uint64_t)lo | (uint64_t)hi << 32);
        if (t & 0xFFFFFFFFu)
            return (size_t)__builtin_ctzll(t) / 8;
        if (n == 4)
            return n;
        t >>= 32 + 8 * (8 - n);
        return t ? 4 + (size_t)__builtin_ctzll(t) / 8 : n;
    }
    if (n > 0) {
        /* 1 to 3 bytes: the first, the middle and the last are all of them */
        unsigned char a = s[0], h = s[n >> 1], z = s[n - 1];
        d[0] = (char)a;
        d[n >> 1] = (char)h;
        d[n - 1] = (char)z;
        if (!(jsonw_escape[a] | jsonw_escape[h] | jsonw_escape[z]))
            return n;
    }
    return jsonw_copy_from(d, s, i, n);
}
#else
static JSONW_INLINE size_t jsonw_scan_copy(char *d, const unsigned char *s, size_t n)
{
    size_t i = 0;
#if defined(JSONW_LITTLE) && defined(__GNUC__)
    uint64_t w, t;

    if (n >= 8) {
        for (; i + 8 <= n; i += 8) {
            memcpy(&w, s + i, 8);
            memcpy(d + i, &w, 8);
            t = jsonw_special8(w);
            if (t)
                return i + (size_t)__builtin_ctzll(t) / 8;
        }
        if (i == n)
            return n;
        memcpy(&w, s + n - 8, 8);
        memcpy(d + n - 8, &w, 8);
        t = jsonw_special8(w) >> 8 * (8 - (n - i));
        return t ? i + (size_t)__builtin_ctzll(t) / 8 : n;
    }
#endif
    return jsonw_copy_from(d, s, i, n);
}
#endif

/* The rest of a string from its first byte to escape, s[0]: escapes and
 * the plain runs between them, then the closing quote.  o is where it
 * goes in b; room for the n bytes and the quote is there. */
static JSONW_NOINLINE int jsonw_string_escapes(tp_buf *b, char *o, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    unsigned char c;

    for (;;) {
        c = s[k];
        s += k + 1;
        n -= k + 1;
        /* Escapes are rare: room for each is made as it comes. */
        b->len = (size_t)(o - b->data);
        if (jsonw_reserve(b, 6 + n + 2) < 0)
            return -1;
        o = b->data + b->len;
        o[0] = '\\';
        if (jsonw_escape[c] == 'u') {
            o[1] = 'u';
            o[2] = '0';
            o[3] = '0';
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
        } else {
            o[1] = jsonw_escape[c];
            o += 2;
        }
        k = jsonw_scan_copy(o, s, n);
        o += k;
        if (k == n)
            break;
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
    return 0;
}

static inline int jsonw_string(tp_buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k;
    char *o;

    /* The quotes and one byte more, so that the caller's ':' or ',' after
     * a string needs no check. */
    if (n > SIZE_MAX - 3 || jsonw_reserve(b, n + 3) < 0)
        return -1;
    o = b->data + b->len;
    *o++ = '"';
    k = jsonw_scan_copy(o, s, n);
    if (k < n)
        return jsonw_string_escapes(b, o + k, s + k, n - k);
    o[n] = '"';
    b->len += n + 2;
    return 0;
}

/* A string.  Keys and most string values (kinds, labels, currencies,
 * short texts) are short and rarely need escaping: with room for the
 * longest short one, it is copied and checked in place, without a call (a
 * record has hundreds of them).  Either way at least one byte of room is
 * left after it, for a key's ':'. */
static JSONW_INLINE int jsonw_value_string(tp_buf *b, const char *str, size_t n)
{
    if (n < 16 && b->cap - b->len >= 18) {
        char *o = b->data + b->len;
        o[0] = '"';
        if (jsonw_scan_copy(o + 1, (const unsigned char *)str, n) == n) {
            o[n + 1] = '"';
            b->len += n + 2;
            return 0;
        }
    }
    return jsonw_string(b, str, n);
}

/* A key and its ':'. */
static JSONW_INLINE int jsonw_key(tp_buf *b, const char *key, size_t n)
{
    if (jsonw_value_string(b, key, n) < 0)
        return -1;
    b->data[b->len++] = ':';   /* jsonw_value_string left room for it */
    return 0;
}

/* The decimal digits of u end at e; returns where they start.  Below
 * 2^32 (offsets, counts) the arithmetic is 32-bit, which is cheaper. */
static inline char *jsonw_digits(char *e, uint64_t u)
{
    uint32_t v;

    while (u > UINT32_MAX) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        e -= 2;
        memcpy(e, jsonw_digits2 + d, 2);
    }
    v = (uint32_t)u;
    while (v >= 100) {
        unsigned d = (v % 100) * 2;
        v /= 100;
        e -= 2;
        memcpy(e, jsonw_digits2 + d, 2);
    }
    if (v >= 10) {
        e -= 2;
        memcpy(e, jsonw_digits2 + v * 2, 2);
    } else {
        *--e = (char)('0' + v);
    }
    return e;
}

static const uint64_t jsonw_pow10[20] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
    UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
    UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
    UINT64_C(1000000000000000), UINT64_C(10000000000000000),
    UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000)
};

/* How many decimal digits u has. */
static inline unsigned jsonw_ndigits(uint64_t u)
{
#if defined(__GNUC__)
    /* log10 from the bit length (1233 / 4096 ~ log10 2), then one compare. */
    unsigned t = ((64 - (unsigned)__builtin_clzll(u | 1)) * 1233) >> 12;
    return t + (u >= jsonw_pow10[t]) + (u == 0);
#else
    unsigned n = 1;
    while (n < 20 && u >= jsonw_pow10[n])
        n++;
    return n;
#endif
}

/* Write v in decimal, as "%" JSON_INTEGER_FORMAT does. */
static JSONW_NOINLINE int jsonw_integer_any(tp_buf *b, json_int_t v)
{
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    unsigned n = jsonw_ndigits(u) + (v < 0);
    char *o;

    if (jsonw_reserve(b, n) < 0)
        return -1;
    o = b->data + b->len;
    if (v < 0)
        o[0] = '-';
    jsonw_digits(o + n, u);
    b->len += n;
    return 0;
}

/* The same, with 0 to 9999 (most offsets) written straight in. */
static inline int jsonw_integer(tp_buf *b, json_int_t v)
{
    if ((uint64_t)v < 10000 && b->cap - b->len >= 4) {
        unsigned u = (unsigned)v, hi = u / 100, lo = u % 100;
        char *o = b->data + b->len;
        if (hi == 0) {
            if (lo < 10) {
                o[0] = (char)('0' + lo);
                b->len += 1;
            } else {
                memcpy(o, jsonw_digits2 + 2 * lo, 2);
                b->len += 2;
            }
        } else if (hi < 10) {
            o[0] = (char)('0' + hi);
            memcpy(o + 1, jsonw_digits2 + 2 * lo, 2);
            b->len += 3;
        } else {
            memcpy(o, jsonw_digits2 + 2 * hi, 2);
            memcpy(o + 2, jsonw_digits2 + 2 * lo, 2);
            b->len += 4;
        }
        return 0;
    }
    return jsonw_integer_any(b, v);
}

/* A real with snprintf, as jansson's jsonp_dtostr prints it with precision
 * 17 (the decimal point of the locale, whatever it is, becomes '.'). */
static int jsonw_real_printf(tp_buf *b, double d)
{
    char tmp[40], *e, *p;
    int n;

    n = snprintf(tmp, sizeof tmp - 3, "%.17g", d);
    if (n < 0 || (size_t)n >= sizeof tmp - 3)
        return -1;
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

#if defined(__SIZEOF_INT128__)
typedef unsigned __int128 jsonw_u128;

/* The 17 significant digits "%.17g" prints for a finite d that is not a
 * whole number, with 1e-6 <= |d| < 2^53: *digits in [10^16, 10^17) and *x
 * the decimal exponent of the first.  Exact: |d| = m / 2^s, and
 * m * 10^k / 2^s is rounded half to even, as glibc's printf does in the
 * default rounding mode.  0 when d is outside that range. */
static int jsonw_digits17(double d, uint64_t *digits, int *x)
{
    const uint64_t *p10 = jsonw_pow10;
    const uint64_t lo = p10[16], hi = p10[17];
    uint64_t bits, m, q;
    int e2, s, k, tries;
    jsonw_u128 pk, n, r, half;

    memcpy(&bits, &d, sizeof bits);
    e2 = (int)((bits >> 52) & 0x7FF);
    if (e2 == 0 || e2 == 0x7FF)
        return 0;                       /* subnormal, infinite or NaN */
    m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    e2 -= 1075;                         /* |d| = m * 2^e2 */
    /* 2^-20 < 1e-6: below it, and from 2^53 up, leave it to printf. */
    if (e2 >= 0 || e2 + 52 < -20)
        return 0;
    s = -e2;
    /* floor(log10 |d|) is x or x + 1, with x from the binary exponent. */
    *x = (int)(((int64_t)(e2 + 52) * 78913) >> 18);
    for (tries = 0; tries < 3; tries++) {
        k = 16 - *x;
        if (k < 0 || k > 22)
            return 0;
        pk = k < 20 ? (jsonw_u128)p10[k] : (jsonw_u128)p10[19] * p10[k - 19];
        n = (jsonw_u128)m * pk;         /* < 2^53 * 10^22 < 2^127 */
        q = (uint64_t)(n >> s);
        if (q < lo) {
            (*x)--;
            continue;
        }
        if (q >= hi) {
            (*x)++;
            continue;
        }
        r = n & (((jsonw_u128)1 << s) - 1);
        half = (jsonw_u128)1 << (s - 1);
        if (r > half || (r == half && (q & 1)))
            q++;
        if (q == hi) {
            q = lo;
            (*x)++;
        }
        *digits = q;
        return 1;
    }
    return 0;
}
#endif

/* A real as jansson's jsonp_dtostr prints it with precision 17. */
static int jsonw_real(tp_buf *b, double d)
{
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
#if defined(__SIZEOF_INT128__)
    {
        uint64_t q;
        int x, nd, tz;
        char digits[17], *o;

        if (jsonw_digits17(d, &q, &x)) {
            /* %g: fixed notation for -4 <= x < 17, else an exponent; trailing
             * zeros of the fraction dropped. */
            for (tz = 0; q % 10 == 0; tz++)
                q /= 10;
            nd = 17 - tz;
            jsonw_digits(digits + nd, q);
            if (jsonw_reserve(b, 40) < 0)
                return -1;
            o = b->data + b->len;
            if (signbit(d))
                *o++ = '-';
            if (x >= 0) {
                if (nd <= x + 1) {
                    memcpy(o, digits, (size_t)nd);
                    o += nd;
                    memset(o, '0', (size_t)(x + 1 - nd));
                    o += x + 1 - nd;
                    *o++ = '.';
                    *o++ = '0';
                } else {
                    memcpy(o, digits, (size_t)x + 1);
                    o += x + 1;
                    *o++ = '.';
                    memcpy(o, digits + x + 1, (size_t)(nd - x - 1));
                    o += nd - x - 1;
                }
            } else if (x >= -4) {
                /* Fixed-size copies (no call): the 40 bytes reserved hold
                 * "-0." and up to three zeros before all 17 digits. */
                *o++ = '0';
                *o++ = '.';
                memset(o, '0', 3);
                o += -x - 1;
                memcpy(o, digits, sizeof digits);
                o += nd;
            } else {
                /* jansson keeps no leading zero of the exponent. */
                *o++ = digits[0];
                if (nd > 1) {
                    *o++ = '.';
                    memcpy(o, digits + 1, (size_t)nd - 1);
                    o += nd - 1;
                }
                *o++ = 'e';
                *o++ = '-';
                *o++ = (char)('0' + -x);    /* x is -5 or -6 here */
            }
            b->len = (size_t)(o - b->data);
            return 0;
        }
    }
#endif
    return jsonw_real_printf(b, d);
}

/* ---- Reading the tree ----
 *
 * Through jansson's API each key, value and array element costs a call
 * into the shared library (through the PLT): a fifth of the writer's
 * instructions on a record.  With jansson 2.14 the writer reads its
 * structures instead (their layout below), once a probe on values of
 * every kind has found each field where jansson's own functions find it;
 * otherwise, and with TP_JSONW_API, it goes through the API.  The order
 * is the same either way: an object's pairs in insertion order, the list
 * json_object_iter walks and json_dumps writes without JSON_SORT_KEYS. */
#if JANSSON_VERSION_HEX >= 0x020e00 && JANSSON_VERSION_HEX < 0x020f00 && !defined(TP_JSONW_API)
#define JSONW_DIRECT 1
#endif

#ifdef JSONW_DIRECT
#include <pthread.h>

/* jansson 2.14's layout (src/hashtable.h, src/jansson_private.h). */
typedef struct jw_list {
    struct jw_list *prev, *next;
} jw_list;

typedef struct jw_pair {
    jw_list list;
    jw_list ordered;          /* an iterator points here */
    size_t hash;
    json_t *value;
    size_t key_len;
    char key[1];
} jw_pair;

typedef struct jw_object {
    json_t json;
    size_t size;
    void *buckets;
    size_t order;
    jw_list list;
    jw_list ordered;          /* the head of the pairs in insertion order */
} jw_object;

typedef struct jw_array {
    json_t json;
    size_t size, entries;
    json_t **table;
} jw_array;

typedef struct jw_string {
    json_t json;
    char *value;
    size_t length;
} jw_string;

typedef struct jw_integer {
    json_t json;
    json_int_t value;
} jw_integer;

typedef struct jw_real {
    json_t json;
    double value;
} jw_real;

#define JW_PAIR(it) ((const jw_pair *)(const void *)((const char *)(it) - offsetof(jw_pair, ordered)))

static int jsonw_direct_ok;
static pthread_once_t jsonw_probe_once = PTHREAD_ONCE_INIT;
#endif

/* The accessors: direct is a constant at every call, so each walker below
 * is compiled twice, once for each way. */
static JSONW_INLINE void *jw_iter(const json_t *o, int direct)
{
#ifdef JSONW_DIRECT
    if (direct) {
        const jw_object *ob = (const jw_object *)(const void *)o;
        return ob->ordered.next == &ob->ordered ? NULL : ob->ordered.next;
    }
#endif
    (void)direct;
    return json_object_iter((json_t *)o);
}

static JSONW_INLINE void *jw_iter_next(const json_t *o, void *it, int direct)
{
#ifdef JSONW_DIRECT
    if (direct) {
        const jw_object *ob = (const jw_object *)(const void *)o;
        jw_list *n = ((jw_list *)it)->next;
        return n == &ob->ordered ? NULL : n;
    }
#endif
    (void)direct;
    return json_object_iter_next((json_t *)o, it);
}

static JSONW_INLINE const char *jw_iter_key(void *it, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return JW_PAIR(it)->key;
#endif
    (void)direct;
    return json_object_iter_key(it);
}

static JSONW_INLINE size_t jw_iter_key_len(void *it, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return JW_PAIR(it)->key_len;
#endif
    (void)direct;
    return json_object_iter_key_len(it);
}

static JSONW_INLINE json_t *jw_iter_value(void *it, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return JW_PAIR(it)->value;
#endif
    (void)direct;
    return json_object_iter_value(it);
}

static JSONW_INLINE size_t jw_array_size(const json_t *a, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return ((const jw_array *)(const void *)a)->entries;
#endif
    (void)direct;
    return json_array_size(a);
}

static JSONW_INLINE json_t *jw_array_get(const json_t *a, size_t i, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return ((const jw_array *)(const void *)a)->table[i];
#endif
    (void)direct;
    return json_array_get(a, i);
}

static JSONW_INLINE const char *jw_string_value(const json_t *s, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return ((const jw_string *)(const void *)s)->value;
#endif
    (void)direct;
    return json_string_value(s);
}

static JSONW_INLINE size_t jw_string_length(const json_t *s, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return ((const jw_string *)(const void *)s)->length;
#endif
    (void)direct;
    return json_string_length(s);
}

static JSONW_INLINE json_int_t jw_integer_value(const json_t *v, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return ((const jw_integer *)(const void *)v)->value;
#endif
    (void)direct;
    return json_integer_value(v);
}

static JSONW_INLINE double jw_real_value(const json_t *v, int direct)
{
#ifdef JSONW_DIRECT
    if (direct)
        return ((const jw_real *)(const void *)v)->value;
#endif
    (void)direct;
    return json_real_value(v);
}

static int jsonw_container_api(tp_buf *b, const json_t *v, const jsonw_parent *up);
#ifdef JSONW_DIRECT
static int jsonw_container_direct(tp_buf *b, const json_t *v, const jsonw_parent *up);
#endif

/* Any value: containers recurse, the rest are written in place (most
 * values of a record are strings and integers, so they make no call more
 * than their own). */
static JSONW_INLINE int jsonw_value(tp_buf *b, const json_t *v, const jsonw_parent *up, int direct)
{
    if (!v)
        return -1;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
#ifdef JSONW_DIRECT
        if (direct)
            return jsonw_container_direct(b, v, up);
#endif
        return jsonw_container_api(b, v, up);
    case JSON_STRING:
        return jsonw_value_string(b, jw_string_value(v, direct), jw_string_length(v, direct));
    case JSON_INTEGER:
        return jsonw_integer(b, jw_integer_value(v, direct));
    case JSON_REAL:
        return jsonw_real(b, jw_real_value(v, direct));
    case JSON_TRUE:
        return tp_buf_append(b, "true", 4);
    case JSON_FALSE:
        return tp_buf_append(b, "false", 5);
    case JSON_NULL:
        return tp_buf_append(b, "null", 4);
    }
    return -1;
}

static int jsonw_check_loop(const json_t *v, const jsonw_parent *up)
{
    for (; up; up = up->up)
        if (up->v == v)
            return -1;
    return 0;
}

static JSONW_INLINE int jsonw_container(tp_buf *b, const json_t *v, const jsonw_parent *up, int direct)
{
    jsonw_parent me = { v, up };

    if (jsonw_check_loop(v, up) < 0)
        return -1;
    if (json_is_object(v)) {
        void *it = jw_iter(v, direct);

        if (jsonw_byte(b, '{') < 0)
            return -1;
        for (; it; it = jw_iter_next(v, it, direct)) {
            if (jsonw_key(b, jw_iter_key(it, direct), jw_iter_key_len(it, direct)) < 0)
                return -1;
            if (jsonw_value(b, jw_iter_value(it, direct), &me, direct) < 0)
                return -1;
            if (jsonw_byte(b, ',') < 0)
                return -1;
        }
        /* The last ',' (if any) becomes the '}'. */
        if (b->data[b->len - 1] == ',')
            b->data[b->len - 1] = '}';
        else if (jsonw_byte(b, '}') < 0)
            return -1;
        return 0;
    } else {
        size_t i, n = jw_array_size(v, direct);

        if (jsonw_byte(b, '[') < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (jsonw_value(b, jw_array_get(v, i, direct), &me, direct) < 0)
                return -1;
            if (jsonw_byte(b, ',') < 0)
                return -1;
        }
        if (n > 0)
            b->data[b->len - 1] = ']';
        else if (jsonw_byte(b, ']') < 0)
            return -1;
        return 0;
    }
}

static JSONW_NOINLINE int jsonw_container_api(tp_buf *b, const json_t *v, const jsonw_parent *up)
{
    return jsonw_container(b, v, up, 0);
}

#ifdef JSONW_DIRECT
static JSONW_NOINLINE int jsonw_container_direct(tp_buf *b, const json_t *v, const jsonw_parent *up)
{
    return jsonw_container(b, v, up, 1);
}

/* Whether the structures read directly hold what jansson's functions
 * return, on objects of 0 to 40 keys (their table grown, a key deleted and
 * one replaced), arrays grown and shrunk, strings with and without NUL
 * bytes, integers and reals. */
static int jsonw_probe_object(json_t *o)
{
    void *a = json_object_iter(o), *d = jw_iter(o, 1);

    for (;;) {
        if (a != d)
            return 0;
        if (a == NULL)
            return 1;
        if (jw_iter_key(d, 1) != json_object_iter_key(a) ||
            jw_iter_key_len(d, 1) != json_object_iter_key_len(a) ||
            jw_iter_value(d, 1) != json_object_iter_value(a))
            return 0;
        a = json_object_iter_next(o, a);
        d = jw_iter_next(o, d, 1);
    }
}

static int jsonw_probe_array(const json_t *arr)
{
    size_t i, n = json_array_size(arr);

    if (jw_array_size(arr, 1) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (jw_array_get(arr, i, 1) != json_array_get(arr, i))
            return 0;
    return 1;
}

static int jsonw_probe_scalars(void)
{
    static const char text[] = "a\0b\"c";
    static const json_int_t ints[] = { 0, 1, -1, 123456789, INT64_MAX, INT64_MIN };
    static const double reals[] = { 0.0, -2.5, 1e300, 3.141592653589793 };
    json_t *v;
    size_t i;
    int ok = 1;

    for (i = 0; i < sizeof text && ok; i++) {
        v = json_stringn(text, i);
        ok = v != NULL && jw_string_value(v, 1) == json_string_value(v) &&
             jw_string_length(v, 1) == json_string_length(v) && json_string_length(v) == i;
        json_decref(v);
    }
    for (i = 0; i < sizeof ints / sizeof ints[0] && ok; i++) {
        v = json_integer(ints[i]);
        ok = v != NULL && jw_integer_value(v, 1) == ints[i];
        json_decref(v);
    }
    for (i = 0; i < sizeof reals / sizeof reals[0] && ok; i++) {
        double d;
        v = json_real(reals[i]);
        d = v != NULL ? jw_real_value(v, 1) : 0.0;
        ok = v != NULL && memcmp(&d, &reals[i], sizeof d) == 0;
        json_decref(v);
    }
    return ok;
}

static void jsonw_probe(void)
{
    json_t *o = json_object(), *arr = json_array();
    char key[48];
    int ok = o != NULL && arr != NULL && jsonw_probe_scalars();
    size_t n;

    for (n = 0; ok && n <= 40; n++) {
        ok = jsonw_probe_object(o) && jsonw_probe_array(arr);
        snprintf(key, sizeof key, "key %zu%s", n, n % 3 ? "" : " and a longer tail");
        if (ok)
            ok = json_object_set_new(o, key, json_integer((json_int_t)n)) == 0 &&
                 json_array_append_new(arr, json_stringn(key, n % 7)) == 0;
        if (ok && n == 20) {
            ok = json_object_del(o, "key 10") == 0 &&
                 json_object_set_new(o, "key 4", json_true()) == 0 &&
                 json_array_remove(arr, 3) == 0 && json_array_insert_new(arr, 0, json_null()) == 0;
        }
    }
    ok = ok && jsonw_probe_object(o) && jsonw_probe_array(arr);
    json_decref(o);
    json_decref(arr);
    if (ok) {
        /* An empty object and array of their own. */
        o = json_object();
        arr = json_array();
        ok = o != NULL && arr != NULL && jsonw_probe_object(o) && jsonw_probe_array(arr);
        json_decref(o);
        json_decref(arr);
    }
    jsonw_direct_ok = ok;
}
#endif

int tp_json_write_reads_structures(void)
{
#ifdef JSONW_DIRECT
    pthread_once(&jsonw_probe_once, jsonw_probe);
    return jsonw_direct_ok;
#else
    return 0;
#endif
}

static int jsonw_top(tp_buf *b, const json_t *v)
{
#ifdef JSONW_DIRECT
    if (tp_json_write_reads_structures())
        return jsonw_value(b, v, NULL, 1);
#endif
    return jsonw_value(b, v, NULL, 0);
}

int tp_json_write(tp_buf *b, const json_t *v)
{
    size_t start = b->len;
    int rc = jsonw_top(b, v);

    if (rc < 0)
        b->len = start;  /* nothing half-written is left behind */
    return rc;
}
