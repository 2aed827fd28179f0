/* Record helpers: code-point offsets, offset maps and spans. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textpipe/record.h"

/* Every TP_BLOCK bytes the number of code points before it is kept, so
 * that a byte offset turns into a code point offset by a short scan. */
#define TP_BLOCK 64

struct tp_text {
    const char *bytes;
    size_t len;
    int ascii;           /* every byte < 0x80: offsets are the same */
    int indexed;         /* blocks[] is filled for this text */
    size_t cp_len;
    size_t *blocks;      /* code points before byte k * TP_BLOCK */
    size_t blocks_cap;
    size_t *map;         /* offset map pairs t0, o0, t1, o1, ... */
    size_t map_pairs;
    size_t map_cap;
};

tp_text *tp_text_new(void)
{
    return calloc(1, sizeof(tp_text));
}

void tp_text_free(tp_text *t)
{
    if (t == NULL)
        return;
    free(t->blocks);
    free(t->map);
    free(t);
}

static int is_ascii(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t acc = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)s[i];
    return (acc & UINT64_C(0x8080808080808080)) == 0;
}

#define TP_ONES UINT64_C(0x0101010101010101)
#define TP_HIGH UINT64_C(0x8080808080808080)

/* How many of the 8 bytes in w are UTF-8 continuation bytes (10xxxxxx):
 * bit 7 set and bit 6 clear, summed across the bytes by a multiply. */
static inline size_t continuation8(uint64_t w)
{
    uint64_t c = (w & ~(w << 1) & TP_HIGH) >> 7;
    return (size_t)((c * TP_ONES) >> 56);
}

/* Code points in s[0..n): the bytes that are not continuation bytes. */
static size_t count_cp(const char *s, size_t n)
{
    size_t c = n, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        c -= continuation8(w);
    }
    for (; i < n; i++)
        c -= ((unsigned char)s[i] & 0xC0) == 0x80;
    return c;
}

static int load_map(tp_text *t, const json_t *map)
{
    size_t n, i;
    t->map_pairs = 0;
    if (map == NULL || json_is_null(map))
        return 0;
    if (!json_is_array(map))
        return -1;
    n = json_array_size(map);
    if (n < 4 || n % 2 != 0)
        return -1;
    if (n > t->map_cap) {
        size_t *m = realloc(t->map, n * sizeof *m);
        if (m == NULL)
            return -1;
        t->map = m;
        t->map_cap = n;
    }
    for (i = 0; i < n; i++) {
        const json_t *v = json_array_get(map, i);
        json_int_t x;
        if (!json_is_integer(v))
            return -1;
        x = json_integer_value(v);
        if (x < 0)
            return -1;
        t->map[i] = (size_t)x;
        if (i >= 2 && t->map[i] < t->map[i - 2])
            return -1;
    }
    if (t->map[0] != 0 || t->map[1] != 0)
        return -1;
    t->map_pairs = n / 2;
    return 0;
}

int tp_text_load(tp_text *t, const json_t *record)
{
    const json_t *text = json_object_get(record, "text");
    t->bytes = NULL;
    t->len = 0;
    t->indexed = 0;
    t->map_pairs = 0;
    if (!json_is_string(text))
        return -1;
    t->bytes = json_string_value(text);
    t->len = json_string_length(text);
    t->ascii = is_ascii(t->bytes, t->len);
    if (t->ascii)
        t->cp_len = t->len;
    if (load_map(t, json_object_get(record, "offset_map")) != 0)
        return -1;
    return 0;
}

const char *tp_text_bytes(const tp_text *t) { return t->bytes; }
size_t tp_text_len(const tp_text *t) { return t->len; }

static int build_index(tp_text *t)
{
    size_t nblocks = t->len / TP_BLOCK + 1, k, cps = 0;
    if (t->indexed)
        return 0;
    if (nblocks > t->blocks_cap) {
        size_t *b = realloc(t->blocks, nblocks * sizeof *b);
        if (b == NULL)
            return -1;
        t->blocks = b;
        t->blocks_cap = nblocks;
    }
    for (k = 0; k < nblocks; k++) {
        size_t from = k * TP_BLOCK;
        size_t to = from + TP_BLOCK < t->len ? from + TP_BLOCK : t->len;
        t->blocks[k] = cps;
        if (from < t->len)
            cps += count_cp(t->bytes + from, to - from);
    }
    t->cp_len = cps;
    t->indexed = 1;
    return 0;
}

size_t tp_text_cp_len(tp_text *t)
{
    if (t->ascii)
        return t->len;
    if (build_index(t) != 0)
        return count_cp(t->bytes, t->len);
    return t->cp_len;
}

/* The start of the character byte b is in (b itself at a character's
 * start or at the end). */
static size_t char_start(const tp_text *t, size_t b)
{
    while (b > 0 && b < t->len && ((unsigned char)t->bytes[b] & 0xC0) == 0x80)
        b--;
    return b;
}

size_t tp_text_cp(tp_text *t, size_t b)
{
    size_t k;
    if (b > t->len)
        b = t->len;
    if (t->ascii)
        return b;
    /* A byte inside a character counts as that character's start. */
    b = char_start(t, b);
    if (build_index(t) != 0)
        return count_cp(t->bytes, b);
    k = b / TP_BLOCK;
    return t->blocks[k] + count_cp(t->bytes + k * TP_BLOCK, b - k * TP_BLOCK);
}

size_t tp_text_byte(tp_text *t, size_t cp)
{
    size_t lo, hi, b, n;
    if (t->ascii)
        return cp < t->len ? cp : t->len;
    if (build_index(t) != 0)
        return t->len;
    if (cp >= t->cp_len)
        return t->len;
    /* The last block that starts at or before cp. */
    lo = 0;
    hi = t->len / TP_BLOCK;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (t->blocks[mid] <= cp)
            lo = mid;
        else
            hi = mid - 1;
    }
    b = lo * TP_BLOCK;
    n = t->blocks[lo];
    /* Whole words whose characters all start before cp. */
    while (b + 8 <= t->len) {
        uint64_t w;
        size_t starts;
        memcpy(&w, t->bytes + b, 8);
        starts = 8 - continuation8(w);
        if (n + starts > cp)
            break;
        n += starts;
        b += 8;
    }
    for (; b < t->len; b++) {
        if (((unsigned char)t->bytes[b] & 0xC0) != 0x80) {
            if (n == cp)
                return b;
            n++;
        }
    }
    return t->len;
}

/* The largest pair index i with t_i <= p. */
static size_t map_floor(const tp_text *t, size_t p)
{
    size_t lo = 0, hi = t->map_pairs - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (t->map[2 * mid] <= p)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The smallest pair index j with t_j >= p. */
static size_t map_ceil(const tp_text *t, size_t p)
{
    size_t lo = 0, hi = t->map_pairs - 1;
    if (t->map[2 * hi] < p)
        return hi;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->map[2 * mid] >= p)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static size_t map_start(const tp_text *t, size_t p)
{
    size_t i = map_floor(t, p), t0, o0, t1, o1;
    if (i + 1 >= t->map_pairs)
        return t->map[2 * i + 1];
    t0 = t->map[2 * i];
    o0 = t->map[2 * i + 1];
    t1 = t->map[2 * i + 2];
    o1 = t->map[2 * i + 3];
    if (t1 - t0 == o1 - o0)
        return o0 + (p - t0);
    return o0;
}

static size_t map_end(const tp_text *t, size_t p)
{
    size_t j, t0, o0, t1, o1;
    if (p == 0)
        return 0;
    j = map_ceil(t, p);
    if (j == 0)
        return t->map[1];
    t0 = t->map[2 * j - 2];
    o0 = t->map[2 * j - 1];
    t1 = t->map[2 * j];
    o1 = t->map[2 * j + 1];
    if (p > t1) /* past the end of the map: clamp */
        return o1;
    if (t1 - t0 == o1 - o0)
        return o0 + (p - t0);
    return o1;
}

int tp_text_orig(const tp_text *t, size_t cp_start, size_t cp_end,
                 size_t *orig_start, size_t *orig_end)
{
    if (t->map_pairs == 0) {
        *orig_start = cp_start;
        *orig_end = cp_end;
        return 0;
    }
    *orig_start = map_start(t, cp_start);
    *orig_end = map_end(t, cp_end);
    if (*orig_end < *orig_start)
        *orig_end = *orig_start;
    return 1;
}

/* tp_span_new and tp_span_new_bare: the same span, with or without its
 * text. */
static json_t *span_make(tp_text *t, size_t byte_start, size_t byte_end, int with_text)
{
    json_t *span;
    size_t s, e, os, oe;
    if (byte_end > t->len)
        byte_end = t->len;
    if (byte_start > byte_end)
        byte_start = byte_end;
    s = tp_text_cp(t, byte_start);
    /* The text of whole characters, as tp_text_cp counted them; the end
     * counted on from the start rather than from its index block. */
    byte_start = char_start(t, byte_start);
    byte_end = char_start(t, byte_end);
    e = t->ascii ? byte_end : s + count_cp(t->bytes + byte_start, byte_end - byte_start);
    span = json_object();
    if (span == NULL)
        return NULL;
    /* Keys with their lengths: jansson need not measure them.  Offsets as
     * shared integers: most are small, and then nothing is allocated. */
    if (json_object_setn_new_nocheck(span, "start", 5, tp_shared_int((json_int_t)s)) != 0 ||
        json_object_setn_new_nocheck(span, "end", 3, tp_shared_int((json_int_t)e)) != 0 ||
        (with_text && json_object_setn_new_nocheck(span, "text", 4,
                            json_stringn_nocheck(t->bytes + byte_start, byte_end - byte_start)) != 0))
        goto fail;
    if (tp_text_orig(t, s, e, &os, &oe)) {
        if (json_object_setn_new_nocheck(span, "orig_start", 10, tp_shared_int((json_int_t)os)) != 0 ||
            json_object_setn_new_nocheck(span, "orig_end", 8, tp_shared_int((json_int_t)oe)) != 0)
            goto fail;
    }
    return span;
fail:
    json_decref(span);
    return NULL;
}

json_t *tp_span_new(tp_text *t, size_t byte_start, size_t byte_end)
{
    return span_make(t, byte_start, byte_end, 1);
}

json_t *tp_span_new_bare(tp_text *t, size_t byte_start, size_t byte_end)
{
    return span_make(t, byte_start, byte_end, 0);
}

json_t *tp_record_array(json_t *record, const char *key)
{
    json_t *a = json_object_get(record, key);
    if (json_is_array(a))
        return a;
    a = json_array();
    if (a == NULL || json_object_set_new(record, key, a) != 0)
        return NULL;
    return a;
}

int tp_record_warn(json_t *record, const char *stage, const char *message)
{
    json_t *w = tp_record_array(record, "warnings");
    json_t *o;
    if (w == NULL)
        return -1;
    o = json_pack("{s:s, s:s}", "stage", stage ? stage : "", "message", message ? message : "");
    if (o == NULL)
        return -1;
    return json_array_append_new(w, o);
}

int tp_record_error(json_t *record, const char *stage, const char *message)
{
    json_t *o = json_pack("{s:s, s:s}", "stage", stage ? stage : "", "message", message ? message : "");
    if (o == NULL)
        return -1;
    return json_object_set_new(record, "error", o);
}

/* ---- shared small integers ---- */

static json_t *shared_ints[TP_SHARED_INTS];

static __attribute__((noinline)) json_t *shared_int_new(json_int_t v)
{
    json_t *j = json_integer(v), *old = NULL;
    if (j == NULL)
        return NULL;
    j->refcount = (size_t)-1;
    /* made on first use; a thread that loses the race frees its own */
    if (__atomic_compare_exchange_n(&shared_ints[v], &old, j, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return j;
    j->refcount = 1;
    json_decref(j);
    return old;
}

json_t *tp_shared_int(json_int_t v)
{
    if (v >= 0 && v < TP_SHARED_INTS) {
        json_t *j = __atomic_load_n(&shared_ints[v], __ATOMIC_ACQUIRE);
        return j != NULL ? j : shared_int_new(v);
    }
    return json_integer(v);
}
