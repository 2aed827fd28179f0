/*
 * normalise: settle the Unicode form, the typography and the white space of
 * "text", keep the text as read in "original" and an offset map between the
 * two.
 *
 * One pass over the bytes.  Runs of plain ASCII are copied eight bytes at a
 * time with no other work; only non-ASCII characters, control characters
 * and white space that needs folding leave that path.  A non-ASCII run (with
 * the ASCII letter before it, which a combining mark may attach to) is first
 * checked against a table: when every character in it is already in normal
 * form and none is one the options change, it is copied as well.  Otherwise
 * it is cut into items (code point, number of input code points it stands
 * for), repaired, stripped, normalised unit by unit and mapped, and the items
 * go to the white-space layer, which folds spaces and blank lines, trims and
 * rejoins hyphenated words.  The offset map is built while the output is
 * written: 1:1 stretches cost nothing, only changes of length add
 * breakpoints.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"
#include "normtab.h"

/* ---- the character table (normtab.h) ------------------------------------ */

static int norm_is_surrogate(int32_t c)
{
    return c >= 0xD800 && c < 0xE000;
}

/* ---- the instance -------------------------------------------------------- */

enum { FORM_NONE, FORM_NFC, FORM_NFKC };

typedef struct norm_inst {
    int form;
    int quotes, dashes, spaces, newlines, trim, strip, ellipsis, dehyph, mojibake, keep_original;
    unsigned ok_bit, bnd_bit;
    unsigned active; /* 1 << kind for every kind the options change */
} norm_inst;

typedef struct norm_item {
    int32_t cp;     /* -1: removed */
    uint32_t in;    /* input code points it stands for */
    uint32_t cont;  /* 1: continues the replaced block of the item before;
                     * 2: opens a block that the next items continue */
} norm_item;

typedef struct norm_worker {
    char *out;
    size_t out_len, out_cap;
    /* The offset map being built: current text / original positions and
     * the replaced block that is open, if any. */
    size_t t, o, bt, bo;
    int in_block;
    size_t *bp;
    size_t nbp, bp_cap;
    /* White space (and a hyphen) held back until what follows is known. */
    norm_item *pend;
    size_t npend, pend_cap;
    int hyphen;
    /* Items of a non-ASCII run. */
    norm_item *it, *it2;
    size_t nit, it_cap, it2_cap;
    int32_t *ubuf, *nbuf;
    size_t ubuf_cap, nbuf_cap;
    size_t *uidx;
    size_t uidx_cap;
    uint8_t *u8;
    size_t u8_cap;
    size_t *m1, *m2;
    size_t m1_cap, m2_cap;
    int oom;
} norm_worker;

static int norm_grow(void *pp, size_t *cap, size_t need, size_t size)
{
    void **p = pp;
    size_t n;
    void *q;
    if (need <= *cap)
        return 0;
    n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    q = realloc(*p, n * size);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

#define NORM_GROW(w, arr, cap, need) \
    (norm_grow(&(w)->arr, &(w)->cap, (need), sizeof *(w)->arr) == 0 ? 0 : ((w)->oom = 1, -1))

/* ---- output and the offset map ------------------------------------------- */

static void out_put(norm_worker *w, const void *b, size_t n)
{
    if (NORM_GROW(w, out, out_cap, w->out_len + n + 1) != 0)
        return;
    memcpy(w->out + w->out_len, b, n);
    w->out_len += n;
}

static void bp_push(norm_worker *w, size_t t, size_t o)
{
    if (w->nbp >= 2 && w->bp[w->nbp - 2] == t && w->bp[w->nbp - 1] == o)
        return;
    if (NORM_GROW(w, bp, bp_cap, w->nbp + 2) != 0)
        return;
    w->bp[w->nbp++] = t;
    w->bp[w->nbp++] = o;
}

/* A replaced block as long as what it replaces cannot be told from a 1:1
 * stretch in the map's format, so it adds no breakpoint. */
static void mb_close(norm_worker *w)
{
    if (!w->in_block)
        return;
    w->in_block = 0;
    if (w->t - w->bt == w->o - w->bo)
        return;
    bp_push(w, w->bt, w->bo);
    bp_push(w, w->t, w->o);
}

static void mb_keep(norm_worker *w, size_t n)
{
    if (n == 0)
        return;
    mb_close(w);
    w->t += n;
    w->o += n;
}

/* in input code points become out output code points.  cont: part of the
 * block opened just before.  A removal right after another removal joins
 * it; any other change is a block of its own, so that a span that ends or
 * starts next to a removal does not take it in. */
static void mb_change(norm_worker *w, size_t in, size_t out, int cont)
{
    if (w->in_block) {
        if (cont) {
            w->t += out;
            w->o += in;
            return;
        }
        if (w->t == w->bt && out == 0) {
            w->t += out;
            w->o += in;
            return;
        }
        mb_close(w);
    }
    w->in_block = 1;
    w->bt = w->t;
    w->bo = w->o;
    w->t += out;
    w->o += in;
}

static void mb_reset(norm_worker *w)
{
    w->t = w->o = w->bt = w->bo = 0;
    w->in_block = 0;
    w->nbp = 0;
    bp_push(w, 0, 0);
}

static void mb_finish(norm_worker *w)
{
    mb_close(w);
    bp_push(w, w->t, w->o);
    if (w->nbp == 2 && NORM_GROW(w, bp, bp_cap, 4) == 0) { /* an empty text */
        w->bp[2] = w->t;
        w->bp[3] = w->o;
        w->nbp = 4;
    }
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Decode one character; a byte that starts no valid character stands for
 * itself as U+FFFD (jansson only hands over valid UTF-8, so this is a
 * guard, not a feature). */
static size_t u8dec(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c < 0xE0 && n >= 2 && (s[1] & 0xC0) == 0x80) {
        *cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
        return 2;
    }
    if (c >= 0xE0 && c < 0xF0 && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        int32_t v = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F));
        if (v >= 0x800 && !norm_is_surrogate(v)) {
            *cp = v;
            return 3;
        }
    }
    if (c >= 0xF0 && c < 0xF5 && n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
        (s[3] & 0xC0) == 0x80) {
        int32_t v = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) |
                              ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F));
        if (v >= 0x10000 && v < NORM_NCP) {
            *cp = v;
            return 4;
        }
    }
    *cp = 0xFFFD;
    return 1;
}

static int32_t last_out_cp(const norm_worker *w)
{
    size_t i = w->out_len;
    int32_t c;
    if (i == 0)
        return -1;
    while (i > 0 && ((unsigned char)w->out[i - 1] & 0xC0) == 0x80 && w->out_len - i < 3)
        i--;
    if (i > 0)
        i--;
    u8dec((const unsigned char *)w->out + i, w->out_len - i, &c);
    return c;
}

static int is_letter(int32_t c)
{
    utf8proc_category_t k;
    if (c < 0)
        return 0;
    if (c < 0x80)
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

static int is_lower(int32_t c)
{
    if (c < 0)
        return 0;
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

/* ---- the white-space layer ------------------------------------------------ */

static void emit(norm_worker *w, int32_t cp, uint32_t in, int cont)
{
    uint8_t b[4];
    utf8proc_ssize_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else {
        n = utf8proc_encode_char(cp, b);
    }
    out_put(w, b, (size_t)n);
    if (cont == 1)
        mb_change(w, 0, 1, 1);
    else if (in == 1 && cont == 0)
        mb_keep(w, 1);
    else
        mb_change(w, in, 1, 0);
}

static void pend_add(norm_worker *w, int32_t cp, uint32_t in, uint32_t cont)
{
    if (NORM_GROW(w, pend, pend_cap, w->npend + 1) != 0)
        return;
    w->pend[w->npend].cp = cp;
    w->pend[w->npend].in = in;
    w->pend[w->npend].cont = cont;
    w->npend++;
}

static int is_hspace(int32_t c)
{
    return c == ' ' || c == '\t';
}

/* Settle the held-back white space, now that next (-1: the end of the
 * text) is known. */
static void resolve(const norm_inst *I, norm_worker *w, int32_t next)
{
    norm_item *p = w->pend;
    size_t n = w->npend, k, h0 = w->hyphen ? 1 : 0;
    int at_end = next < 0, at_start = w->out_len == 0;

    if (I->trim && (at_start || at_end)) {
        for (k = h0; k < n; k++)
            if (p[k].cp >= 0)
                p[k].cp = -1;
    } else {
        size_t nl = 0, last_nl = 0, seen = 0, run_start, h = 0;
        for (k = h0; k < n; k++)
            if (p[k].cp == '\n') {
                nl++;
                last_nl = k;
            }
        for (k = h0; k < n; k++) {
            if (p[k].cp == '\n') {
                seen++;
                if (I->newlines && seen > 2)
                    p[k].cp = -1;
            } else if (is_hspace(p[k].cp) && I->spaces && nl > 0 && k < last_nl) {
                p[k].cp = -1; /* at the end of a line */
            }
        }
        run_start = nl > 0 ? last_nl + 1 : h0;
        if (I->spaces) {
            for (k = run_start; k < n; k++)
                if (is_hspace(p[k].cp))
                    h++;
            if (h >= 2) {
                int first = 1;
                for (k = run_start; k < n; k++) {
                    if (!is_hspace(p[k].cp))
                        continue;
                    if (first) {
                        p[k].cp = ' ';
                        first = 0;
                    } else {
                        p[k].cp = -1;
                    }
                }
            }
        }
    }
    if (w->hyphen && !at_end && is_lower(next)) {
        size_t kept = 0, nls = 0;
        for (k = 1; k < n; k++)
            if (p[k].cp >= 0) {
                kept++;
                nls += p[k].cp == '\n';
            }
        if (kept == 1 && nls == 1)
            for (k = 0; k < n; k++)
                p[k].cp = -1;
    }
    for (k = 0; k < n; k++) {
        if (p[k].cp < 0) {
            if (p[k].in > 0)
                mb_change(w, p[k].in, 0, 0);
        } else {
            emit(w, p[k].cp, p[k].in, (int)p[k].cont);
        }
    }
    w->npend = 0;
    w->hyphen = 0;
}

static void post_item(const norm_inst *I, norm_worker *w, int32_t cp, uint32_t in, uint32_t cont)
{
    if (cp < 0) {
        if (w->npend > 0)
            pend_add(w, cp, in, cont);
        else if (in > 0)
            mb_change(w, in, 0, 0);
        return;
    }
    if (cp == ' ' || cp == '\t' || cp == '\n') {
        pend_add(w, cp, in, cont);
        return;
    }
    if (w->npend > 0)
        resolve(I, w, cp);
    if (cp == '-' && I->dehyph && cont == 0 && is_letter(last_out_cp(w))) {
        pend_add(w, '-', in, 0);
        w->hyphen = 1;
        return;
    }
    emit(w, cp, in, (int)cont);
}

/* ---- non-ASCII runs ------------------------------------------------------- */

static int cp1252_byte(int32_t c)
{
    if (c >= 0x80 && c <= 0xFF)
        return (int)c;
    switch (c) {
    case 0x20AC: return 0x80;
    case 0x201A: return 0x82;
    case 0x0192: return 0x83;
    case 0x201E: return 0x84;
    case 0x2026: return 0x85;
    case 0x2020: return 0x86;
    case 0x2021: return 0x87;
    case 0x02C6: return 0x88;
    case 0x2030: return 0x89;
    case 0x0160: return 0x8A;
    case 0x2039: return 0x8B;
    case 0x0152: return 0x8C;
    case 0x017D: return 0x8E;
    case 0x2018: return 0x91;
    case 0x2019: return 0x92;
    case 0x201C: return 0x93;
    case 0x201D: return 0x94;
    case 0x2022: return 0x95;
    case 0x2013: return 0x96;
    case 0x2014: return 0x97;
    case 0x02DC: return 0x98;
    case 0x2122: return 0x99;
    case 0x0161: return 0x9A;
    case 0x203A: return 0x9B;
    case 0x0153: return 0x9C;
    case 0x017E: return 0x9E;
    case 0x0178: return 0x9F;
    default: return -1;
    }
}

/* UTF-8 read as Windows-1252: a lead character (Â..ô) followed by the
 * characters of its continuation bytes.  Repeated for text encoded twice.
 * Returns whether anything changed. */
static int moji_fix(norm_worker *w)
{
    int any = 0, pass;
    for (pass = 0; pass < 3; pass++) {
        size_t r = 0, k = 0;
        int changed = 0;
        while (r < w->nit) {
            int32_t c = w->it[r].cp;
            size_t need = 0, j;
            if (c >= 0xC2 && c <= 0xF4)
                need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
            if (need > 0 && r + need < w->nit) {
                int b[4], good = 1;
                int32_t v;
                uint32_t in = w->it[r].in;
                b[0] = (int)c;
                for (j = 1; j <= need; j++) {
                    b[j] = cp1252_byte(w->it[r + j].cp);
                    if (b[j] < 0x80 || b[j] > 0xBF)
                        good = 0;
                    in += w->it[r + j].in;
                }
                if (good && ((b[0] == 0xE0 && b[1] < 0xA0) || (b[0] == 0xED && b[1] > 0x9F) ||
                             (b[0] == 0xF0 && b[1] < 0x90) || (b[0] == 0xF4 && b[1] > 0x8F)))
                    good = 0;
                if (good) {
                    if (need == 1)
                        v = ((b[0] & 0x1F) << 6) | (b[1] & 0x3F);
                    else if (need == 2)
                        v = ((b[0] & 0x0F) << 12) | ((b[1] & 0x3F) << 6) | (b[2] & 0x3F);
                    else
                        v = ((b[0] & 0x07) << 18) | ((b[1] & 0x3F) << 12) | ((b[2] & 0x3F) << 6) |
                            (b[3] & 0x3F);
                    w->it[k].cp = v;
                    w->it[k].in = in;
                    w->it[k].cont = 0;
                    k++;
                    r += need + 1;
                    changed = 1;
                    continue;
                }
            }
            w->it[k++] = w->it[r++];
        }
        w->nit = k;
        if (!changed)
            break;
        any = 1;
    }
    return any;
}

/* An ASCII control character the options remove. */
static int ascii_gone(const norm_inst *I, unsigned b)
{
    if (!I->strip || !(b < 0x20 || b == 0x7F))
        return 0;
    if (b == '\t' || b == '\n' || b == '\r')
        return 0;
    if ((b == '\v' || b == '\f') && I->newlines)
        return 0;
    return 1;
}

static int is_ok(const norm_inst *I, int32_t c)
{
    return c < 0x80 || (normalise_tab(c) & I->ok_bit);
}

static int is_bnd(const norm_inst *I, int32_t c)
{
    return c < 0x80 || (normalise_tab(c) & I->bnd_bit);
}

/* Normalise ubuf[0..nu) into nbuf; returns its length, or -1. */
static long norm_unit(const norm_inst *I, norm_worker *w, size_t nu)
{
    utf8proc_option_t opt = UTF8PROC_COMPOSE | UTF8PROC_STABLE |
                            (I->form == FORM_NFKC ? UTF8PROC_COMPAT : 0);
    size_t k, len = 0;
    utf8proc_ssize_t r;
    if (NORM_GROW(w, u8, u8_cap, nu * 4 + 1) != 0)
        return -1;
    for (k = 0; k < nu; k++)
        len += (size_t)utf8proc_encode_char(w->ubuf[k], w->u8 + len);
    for (;;) {
        r = utf8proc_decompose(w->u8, (utf8proc_ssize_t)len, w->nbuf,
                               (utf8proc_ssize_t)w->nbuf_cap, opt);
        if (r < 0)
            return -1;
        if ((size_t)r <= w->nbuf_cap)
            break;
        if (NORM_GROW(w, nbuf, nbuf_cap, (size_t)r) != 0)
            return -1;
    }
    r = utf8proc_normalize_utf32(w->nbuf, r, opt);
    return r < 0 ? -1 : (long)r;
}

/* Cut the items into units at boundaries and normalise the units that may
 * change.  Only the part of a unit that changed becomes a replaced block. */
static void norm_units(const norm_inst *I, norm_worker *w)
{
    size_t i = 0, n2 = 0;
    if (NORM_GROW(w, it2, it2_cap, w->nit) != 0)
        return;
    while (i < w->nit) {
        size_t j = i + 1, k, nu = 0, p, s, la, lb, mid_in, mid_out, first, last;
        long r;
        int all_ok = 1;
        uint32_t sum = 0;
        while (j < w->nit && !(w->it[j].cp >= 0 && is_bnd(I, w->it[j].cp)))
            j++;
        for (k = i; k < j; k++)
            if (w->it[k].cp >= 0 && !is_ok(I, w->it[k].cp))
                all_ok = 0;
        if (!all_ok) {
            if (NORM_GROW(w, ubuf, ubuf_cap, j - i) != 0 || NORM_GROW(w, uidx, uidx_cap, j - i) != 0)
                return;
            for (k = i; k < j; k++)
                if (w->it[k].cp >= 0) {
                    w->ubuf[nu] = w->it[k].cp;
                    w->uidx[nu++] = k;
                }
        }
        r = all_ok || nu == 0 ? -1 : norm_unit(I, w, nu);
        if (r < 0 || ((size_t)r == nu && memcmp(w->ubuf, w->nbuf, nu * sizeof *w->ubuf) == 0)) {
            if (NORM_GROW(w, it2, it2_cap, n2 + (j - i)) != 0)
                return;
            memcpy(w->it2 + n2, w->it + i, (j - i) * sizeof *w->it);
            n2 += j - i;
            i = j;
            continue;
        }
        la = nu;
        lb = (size_t)r;
        for (p = 0; p < la && p < lb && w->ubuf[p] == w->nbuf[p]; p++)
            ;
        for (s = 0; s + p < la && s + p < lb && w->ubuf[la - 1 - s] == w->nbuf[lb - 1 - s]; s++)
            ;
        if (la - p - s == 0) { /* keep at least one input character in the block */
            if (p > 0)
                p--;
            else
                s--;
        }
        mid_in = la - p - s;
        mid_out = lb - p - s;
        first = w->uidx[p];
        last = w->uidx[p + mid_in - 1];
        if (NORM_GROW(w, it2, it2_cap, n2 + (j - i) + mid_out + 1) != 0)
            return;
        for (k = i; k < first; k++)
            w->it2[n2++] = w->it[k];
        for (k = first; k <= last; k++)
            sum += w->it[k].in;
        if (mid_out == 0) {
            w->it2[n2].cp = -1;
            w->it2[n2].in = sum;
            w->it2[n2++].cont = 0;
        }
        for (k = 0; k < mid_out; k++) {
            w->it2[n2].cp = w->nbuf[p + k];
            w->it2[n2].in = k == 0 ? sum : 0;
            w->it2[n2++].cont = k > 0 ? 1 : mid_out > 1 ? 2 : 0;
        }
        for (k = last + 1; k < j; k++)
            w->it2[n2++] = w->it[k];
        i = j;
    }
    {
        norm_item *t = w->it;
        size_t c = w->it_cap;
        w->it = w->it2;
        w->it_cap = w->it2_cap;
        w->it2 = t;
        w->it2_cap = c;
        w->nit = n2;
    }
}

/* The full treatment of the run s[start, end). */
static void seg_full(const norm_inst *I, norm_worker *w, const unsigned char *s, size_t start,
                     size_t end)
{
    size_t i = start, k;
    w->nit = 0;
    if (NORM_GROW(w, it, it_cap, end - start) != 0)
        return;
    while (i < end) {
        int32_t c;
        i += u8dec(s + i, end - i, &c);
        if (c < 0x80 && ascii_gone(I, (unsigned)c))
            c = -1;
        w->it[w->nit].cp = c;
        w->it[w->nit].in = 1;
        w->it[w->nit++].cont = 0;
    }
    if (I->mojibake)
        moji_fix(w);
    for (k = 0; k < w->nit; k++) {
        int32_t c = w->it[k].cp;
        unsigned kind;
        if (c < 0x80)
            continue;
        kind = T_KIND(normalise_tab(c));
        if ((kind == K_INVIS || kind == K_CTRL) && I->strip)
            w->it[k].cp = -1;
        else if (kind == K_NEWLINE && I->newlines)
            w->it[k].cp = '\n';
        else if (kind == K_NEWLINE && I->strip)
            w->it[k].cp = -1;
    }
    if (I->form != FORM_NONE) {
        norm_units(I, w);
        /* Composition can make a new lead character: repair once more. */
        if (I->mojibake && moji_fix(w))
            norm_units(I, w);
    }
    for (k = 0; k < w->nit && !w->oom; k++) {
        int32_t c = w->it[k].cp;
        uint32_t in = w->it[k].in, cont = w->it[k].cont;
        if (c >= 0x80) {
            switch (T_KIND(normalise_tab(c))) {
            case K_SQUOTE:
                if (I->quotes)
                    c = '\'';
                break;
            case K_DQUOTE:
                if (I->quotes)
                    c = '"';
                break;
            case K_DASH:
                if (I->dashes)
                    c = '-';
                break;
            case K_SPACE:
                if (I->spaces)
                    c = ' ';
                break;
            case K_ELLIPSIS:
                if (I->ellipsis) {
                    post_item(I, w, '.', in, cont == 1 ? 1 : 2);
                    post_item(I, w, '.', 0, 1);
                    post_item(I, w, '.', 0, 1);
                    continue;
                }
                break;
            default:
                break;
            }
        }
        post_item(I, w, c, in, cont);
    }
}

/* A run of non-ASCII characters and of controls the options remove, from
 * start (with an ASCII letter first when base).  Removed controls belong to
 * the run, so that what they separated normalises as one. */
static size_t segment(const norm_inst *I, norm_worker *w, const unsigned char *s, size_t n,
                      size_t start, int base)
{
    size_t k = base ? start + 1 : start, ncp = base ? 1 : 0;
    int32_t first = base ? (int32_t)s[start] : -1;
    int ok = 1;
    while (k < n && (s[k] >= 0x80 || ascii_gone(I, s[k]))) {
        int32_t c;
        size_t l = u8dec(s + k, n - k, &c);
        k += l;
        ncp++;
        if (c < 0x80) {
            ok = 0;
            continue;
        }
        if (first < 0)
            first = c;
        if (l == 1) /* not UTF-8 */
            ok = 0;
        if (ok) {
            unsigned v = normalise_tab(c);
            if ((I->ok_bit && !(v & I->ok_bit)) || (I->active & (1u << T_KIND(v))))
                ok = 0;
        }
    }
    if (ok) {
        if (w->npend > 0)
            resolve(I, w, first);
        out_put(w, s + start, k - start);
        mb_keep(w, ncp);
    } else {
        seg_full(I, w, s, start, k);
    }
    return k;
}

/* ---- ASCII --------------------------------------------------------------- */

#define ONES UINT64_C(0x0101010101010101)
#define HIGH UINT64_C(0x8080808080808080)
#define LOW7 UINT64_C(0x7F7F7F7F7F7F7F7F)

/* Per byte, exact: the high bit of each byte where x's byte is < n
 * (bytes >= 0x80 are flagged separately), or == c. */
static inline uint64_t swar_lt(uint64_t x, unsigned n)
{
    return ~(((x & LOW7) + ONES * (0x80 - n)) | x) & HIGH;
}

static inline uint64_t swar_eq(uint64_t x, unsigned c)
{
    uint64_t t = x ^ (ONES * c);
    return ~(((t & LOW7) + LOW7) | t) & HIGH;
}

static inline int is_content(unsigned b)
{
    return b > 0x20 && b < 0x7F;
}

/* The first position >= i that the copying path must not pass: a byte
 * >= 0x80, a control, or a space (or, when rejoining hyphenated words, a
 * hyphen) that is not followed by a plain character. */
static size_t scan(const norm_inst *I, const unsigned char *s, size_t n, size_t i)
{
    unsigned hy = I->dehyph ? '-' : ' ';
    while (i + 9 <= n) {
        uint64_t a, b, bad, m;
        memcpy(&a, s + i, 8);
        memcpy(&b, s + i + 1, 8);
        bad = (b & HIGH) | swar_lt(b, 0x21) | swar_eq(b, 0x7F);
        m = (a & HIGH) | swar_lt(a, 0x20) | swar_eq(a, 0x7F) |
            ((swar_eq(a, ' ') | swar_eq(a, hy)) & bad);
        if (m != 0)
            return i + ((size_t)__builtin_ctzll(m) >> 3);
        i += 8;
    }
    for (; i < n; i++) {
        unsigned c = s[i];
        if (c >= 0x80 || c < 0x20 || c == 0x7F)
            return i;
        if ((c == ' ' || (c == '-' && I->dehyph)) && !(i + 1 < n && is_content(s[i + 1])))
            return i;
    }
    return n;
}

static int is_base(unsigned b)
{
    return ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || b == '<' || b == '=' || b == '>';
}

static size_t ascii_slow(const norm_inst *I, norm_worker *w, const unsigned char *s, size_t n,
                         size_t i)
{
    unsigned b = s[i];
    switch (b) {
    case ' ':
    case '\t':
    case '\n':
        post_item(I, w, (int32_t)b, 1, 0);
        return i + 1;
    case '\r':
        if (!I->newlines)
            break;
        if (i + 1 < n && s[i + 1] == '\n') {
            post_item(I, w, '\n', 2, 0);
            return i + 2;
        }
        post_item(I, w, '\n', 1, 0);
        return i + 1;
    case '\v':
    case '\f':
        if (I->newlines) {
            post_item(I, w, '\n', 1, 0);
            return i + 1;
        }
        if (I->strip) {
            post_item(I, w, -1, 1, 0);
            return i + 1;
        }
        break;
    default:
        if ((b < 0x20 || b == 0x7F) && I->strip) {
            post_item(I, w, -1, 1, 0);
            return i + 1;
        }
        break;
    }
    post_item(I, w, (int32_t)b, 1, 0);
    return i + 1;
}

static void norm_run(const norm_inst *I, norm_worker *w, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !w->oom) {
        unsigned b = s[i];
        if (b >= 0x80 || ascii_gone(I, b)) {
            i = segment(I, w, s, n, i, 0);
            continue;
        }
        if ((is_content(b) && !(b == '-' && I->dehyph && !(i + 1 < n && is_content(s[i + 1])))) ||
            (b == ' ' && w->npend == 0 && w->out_len > 0 && i + 1 < n && is_content(s[i + 1]))) {
            size_t j = scan(I, s, n, i + 1);
            if (j < n && (s[j] >= 0x80 || ascii_gone(I, s[j])) && is_base(s[j - 1]))
                j--; /* the letter a combining mark may attach to */
            if (j > i) {
                if (w->npend > 0)
                    resolve(I, w, (int32_t)s[i]);
                out_put(w, s + i, j - i);
                mb_keep(w, j - i);
                i = j;
            } else {
                i = segment(I, w, s, n, i, 1);
            }
            continue;
        }
        i = ascii_slow(I, w, s, n, i);
    }
    if (w->npend > 0)
        resolve(I, w, -1);
}

/* ---- a record that was normalised before ---------------------------------- */

typedef struct norm_piece {
    const size_t *m;
    size_t np, i;   /* pairs, next pair */
    size_t x, y;    /* what is left of the current piece */
    int one;        /* 1:1 */
} norm_piece;

static int piece_next(norm_piece *p)
{
    while (p->i + 1 < p->np) {
        const size_t *a = p->m + 2 * p->i;
        p->x = a[2] - a[0];
        p->y = a[3] - a[1];
        p->one = p->x == p->y;
        p->i++;
        if (p->x || p->y)
            return 1;
    }
    return 0;
}

/* The new map (in w->bp, text -> text as this stage read it) after the old
 * one (m1, text as read -> original): a map from text to original.  A 1:1
 * stretch stays 1:1 where both are; a block on either side swallows what
 * the other side maps to it. */
static void compose(norm_worker *w, const size_t *m1, size_t pairs1)
{
    norm_piece a, b;
    int ha, hb;
    if (NORM_GROW(w, m2, m2_cap, w->nbp) != 0)
        return;
    memcpy(w->m2, w->bp, w->nbp * sizeof *w->bp);
    a.m = w->m2;
    a.np = w->nbp / 2;
    a.i = 0;
    b.m = m1;
    b.np = pairs1;
    b.i = 0;
    mb_reset(w);
    ha = piece_next(&a);
    hb = piece_next(&b);
    while ((ha || hb) && !w->oom) {
        size_t bt = 0, bo = 0, ua = 0, ub = 0;
        if (ha && hb && a.one && b.one) {
            size_t k = a.y < b.x ? a.y : b.x;
            mb_keep(w, k);
            a.x -= k;
            a.y -= k;
            b.x -= k;
            b.y -= k;
            if (a.y == 0)
                ha = piece_next(&a);
            if (b.x == 0)
                hb = piece_next(&b);
            continue;
        }
        if (ha && (!a.one || !hb)) {
            bt += a.x;
            ua += a.y;
            ha = piece_next(&a);
        } else {
            bo += b.y;
            ub += b.x;
            hb = piece_next(&b);
        }
        while (ua != ub) {
            if (ua < ub) {
                if (!ha)
                    break;
                if (a.one) {
                    size_t k = a.y < ub - ua ? a.y : ub - ua;
                    bt += k;
                    ua += k;
                    a.x -= k;
                    a.y -= k;
                    if (a.y == 0)
                        ha = piece_next(&a);
                } else {
                    bt += a.x;
                    ua += a.y;
                    ha = piece_next(&a);
                }
            } else {
                if (!hb)
                    break;
                if (b.one) {
                    size_t k = b.x < ua - ub ? b.x : ua - ub;
                    bo += k;
                    ub += k;
                    b.x -= k;
                    b.y -= k;
                    if (b.x == 0)
                        hb = piece_next(&b);
                } else {
                    bo += b.y;
                    ub += b.x;
                    hb = piece_next(&b);
                }
            }
        }
        mb_change(w, bo, bt, 0);
    }
    mb_finish(w);
}

static size_t cp_count(const char *s, size_t n)
{
    size_t c = 0, i;
    for (i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Read the record's old map into w->m1, checked against the lengths of the
 * text as read (tlen) and of the original.  No map: the whole text stands
 * for the whole original. */
static int load_old_map(norm_worker *w, const json_t *map, size_t tlen, size_t olen, size_t *pairs)
{
    size_t n, i;
    if (map == NULL || json_is_null(map)) {
        if (NORM_GROW(w, m1, m1_cap, 4) != 0)
            return -1;
        w->m1[0] = w->m1[1] = 0;
        w->m1[2] = tlen;
        w->m1[3] = olen;
        *pairs = 2;
        return 0;
    }
    if (!json_is_array(map))
        return -1;
    n = json_array_size(map);
    if (n < 4 || n % 2 != 0 || NORM_GROW(w, m1, m1_cap, n) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        const json_t *v = json_array_get(map, i);
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return -1;
        w->m1[i] = (size_t)json_integer_value(v);
        if (i >= 2 && w->m1[i] < w->m1[i - 2])
            return -1;
    }
    if (w->m1[0] != 0 || w->m1[1] != 0 || w->m1[n - 2] != tlen || w->m1[n - 1] != olen)
        return -1;
    *pairs = n / 2;
    return 0;
}

/* ---- the plugin ------------------------------------------------------------ */

static int opt_bool(const json_t *options, const char *name, int dflt)
{
    const json_t *v = json_object_get(options, name);
    if (json_is_boolean(v))
        return json_is_true(v);
    return dflt;
}

static int norm_create(void **out, const json_t *options, tp_error *err)
{
    norm_inst *I;
    const char *form = json_string_value(json_object_get(options, "form"));
    I = calloc(1, sizeof *I);
    if (I == NULL)
        return tp_error_set(err, NULL, "out of memory");
    if (form == NULL || strcmp(form, "NFC") == 0) {
        I->form = FORM_NFC;
    } else if (strcmp(form, "NFKC") == 0) {
        I->form = FORM_NFKC;
    } else if (strcmp(form, "none") == 0) {
        I->form = FORM_NONE;
    } else {
        free(I);
        return tp_error_set(err, "form", "unknown form '%s': choose NFC, NFKC or none", form);
    }
    I->quotes = opt_bool(options, "quotes", 1);
    I->dashes = opt_bool(options, "dashes", 1);
    I->spaces = opt_bool(options, "spaces", 1);
    I->newlines = opt_bool(options, "newlines", 1);
    I->trim = opt_bool(options, "trim", 1);
    I->strip = opt_bool(options, "strip_invisible", 1);
    I->ellipsis = opt_bool(options, "ellipsis", 0);
    I->dehyph = opt_bool(options, "dehyphenate", 0);
    I->mojibake = opt_bool(options, "mojibake", 0);
    I->keep_original = opt_bool(options, "keep_original", 1);
    I->ok_bit = I->form == FORM_NFC ? T_OK_NFC : I->form == FORM_NFKC ? T_OK_NFKC : 0;
    I->bnd_bit = I->form == FORM_NFC ? T_BND_NFC : I->form == FORM_NFKC ? T_BND_NFKC : 0;
    if (I->quotes)
        I->active |= 1u << K_SQUOTE | 1u << K_DQUOTE;
    if (I->dashes)
        I->active |= 1u << K_DASH;
    if (I->spaces)
        I->active |= 1u << K_SPACE;
    if (I->strip)
        I->active |= 1u << K_INVIS | 1u << K_CTRL | 1u << K_NEWLINE;
    if (I->newlines)
        I->active |= 1u << K_NEWLINE;
    if (I->ellipsis)
        I->active |= 1u << K_ELLIPSIS;
    if (I->mojibake)
        I->active |= 1u << K_MOJI;
    *out = I;
    return TP_OK;
}

static int norm_worker_init(void **out, void *instance, tp_error *err)
{
    norm_worker *w = calloc(1, sizeof *w);
    (void)instance;
    if (w == NULL)
        return tp_error_set(err, NULL, "out of memory");
    *out = w;
    return TP_OK;
}

static void norm_worker_fini(void *instance, void *worker)
{
    norm_worker *w = worker;
    (void)instance;
    if (w == NULL)
        return;
    free(w->out);
    free(w->bp);
    free(w->pend);
    free(w->it);
    free(w->it2);
    free(w->ubuf);
    free(w->nbuf);
    free(w->uidx);
    free(w->u8);
    free(w->m1);
    free(w->m2);
    free(w);
}

static json_t *map_json(const norm_worker *w)
{
    json_t *a = json_array();
    size_t i;
    if (a == NULL)
        return NULL;
    for (i = 0; i < w->nbp; i++)
        if (json_array_append_new(a, json_integer((json_int_t)w->bp[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static int norm_process(void *instance, void *worker, json_t *record, tp_error *err)
{
    const norm_inst *I = instance;
    norm_worker *w = worker;
    json_t *text, *orig, *map, *nt;
    const char *s;
    size_t n;

    if (!json_is_object(record))
        return tp_error_set(err, NULL, "the record is not an object");
    text = json_object_get(record, "text");
    if (text == NULL)
        return tp_error_set(err, NULL, "the record has no \"text\"");
    if (!json_is_string(text))
        return tp_error_set(err, NULL, "\"text\" is not a string");
    if (w == NULL)
        return tp_error_set(err, NULL, "no worker state");
    s = json_string_value(text);
    n = json_string_length(text);

    w->out_len = 0;
    w->npend = 0;
    w->hyphen = 0;
    w->oom = 0;
    mb_reset(w);
    if (NORM_GROW(w, out, out_cap, n + 16) == 0)
        norm_run(I, w, (const unsigned char *)s, n);
    mb_finish(w);
    if (w->oom)
        return tp_error_set(err, NULL, "out of memory");
    if (w->out_len == n && memcmp(w->out, s, n) == 0)
        return TP_OK; /* unchanged: the record stays as it is */

    orig = json_object_get(record, "original");
    if (!I->keep_original) {
        json_object_del(record, "original");
        json_object_del(record, "offset_map");
    } else if (orig != NULL && !json_is_null(orig)) {
        size_t pairs;
        if (!json_is_string(orig))
            return tp_error_set(err, NULL, "\"original\" is not a string");
        if (load_old_map(w, json_object_get(record, "offset_map"), w->o,
                         cp_count(json_string_value(orig), json_string_length(orig)), &pairs) != 0)
            return tp_error_set(err, NULL,
                                "\"offset_map\" does not match \"text\" and \"original\"");
        compose(w, w->m1, pairs);
        if (w->oom)
            return tp_error_set(err, NULL, "out of memory");
    } else if (json_object_set(record, "original", text) != 0) {
        return tp_error_set(err, NULL, "out of memory");
    }
    if (I->keep_original) {
        map = map_json(w);
        if (map == NULL || json_object_set_new(record, "offset_map", map) != 0)
            return tp_error_set(err, NULL, "out of memory");
    }
    nt = json_stringn_nocheck(w->out, w->out_len);
    if (nt == NULL || json_object_set_new(record, "text", nt) != 0)
        return tp_error_set(err, NULL, "out of memory");
    return TP_OK;
}

static void norm_destroy(void *instance)
{
    free(instance);
}

static const tp_option_spec norm_options[] = {
    {"form", TP_OPT_ENUM, "NFC", "Unicode normalisation form (none: leave the form alone)",
     "NFC|NFKC|none", 0, 0, 0},
    {"quotes", TP_OPT_BOOL, "true", "curly quotes and apostrophes to ' and \"", NULL, 0, 0, 0},
    {"dashes", TP_OPT_BOOL, "true", "hyphens, dashes and the minus sign to -", NULL, 0, 0, 0},
    {"spaces", TP_OPT_BOOL, "true",
     "Unicode spaces to ' ', runs of spaces and tabs to one, none at line ends", NULL, 0, 0, 0},
    {"newlines", TP_OPT_BOOL, "true", "CRLF, CR and other line breaks to \\n, at most one blank line",
     NULL, 0, 0, 0},
    {"trim", TP_OPT_BOOL, "true", "remove white space at the start and end of the text", NULL, 0,
     0, 0},
    {"strip_invisible", TP_OPT_BOOL, "true",
     "remove zero-width characters, soft hyphens, BOMs and control characters", NULL, 0, 0, 0},
    {"ellipsis", TP_OPT_BOOL, "false", "the ellipsis character to ...", NULL, 0, 0, 0},
    {"dehyphenate", TP_OPT_BOOL, "false", "rejoin words hyphenated across a line break", NULL, 0,
     0, 0},
    {"mojibake", TP_OPT_BOOL, "false", "repair UTF-8 that was read as Windows-1252", NULL, 0, 0, 0},
    {"keep_original", TP_OPT_BOOL, "true", "keep the text as read in original, with offset_map",
     NULL, 0, 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0}};

static const char *const norm_reads[] = {"text", NULL};
static const char *const norm_writes[] = {"text", "original", "offset_map", NULL};

static const tp_plugin descriptor = {
    TP_PLUGIN_ABI,
    .name = "normalise",
    .version = "1.0",
    .description = "settle Unicode form, typography and white space; keep every offset traceable",
    .options = norm_options,
    .reads = norm_reads,
    .writes = norm_writes,
    .create = norm_create,
    .worker_init = norm_worker_init,
    .process = norm_process,
    .worker_fini = norm_worker_fini,
    .destroy = norm_destroy,
};

TEXTPIPE_PLUGIN(normalise)
{
    return &descriptor;
}
