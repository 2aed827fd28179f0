/* The character table of the normalise stage worked out from utf8proc's
 * data (see normtab.h).  The build runs it once, through normalise-gentab;
 * the tests run it to check the table the build wrote. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "normtab.h"

static int norm_is_surrogate(int32_t c)
{
    return c >= 0xD800 && c < 0xE000;
}

/* The whole normal form of one character, compared with itself. */
static int norm_char_stable(int32_t c, int compat)
{
    uint8_t s[8];
    utf8proc_ssize_t n = utf8proc_encode_char(c, s);
    utf8proc_uint8_t *r;
    int same;
    s[n] = 0;
    r = compat ? utf8proc_NFKC(s) : utf8proc_NFC(s);
    if (r == NULL)
        return 0;
    same = strcmp((const char *)r, (const char *)s) == 0;
    free(r);
    return same;
}

static unsigned norm_kind(int32_t c)
{
    switch (c) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B:
        return K_SQUOTE;
    case 0x201C: case 0x201D: case 0x201E: case 0x201F:
        return K_DQUOTE;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D: case 0x2E3A: case 0x2E3B:
        return K_DASH;
    case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
        return K_SPACE;
    case 0x00AD: case 0x180E: case 0x200B: case 0x2060: case 0x2061:
    case 0x2062: case 0x2063: case 0x2064: case 0xFEFF:
        return K_INVIS;
    case 0x0085: case 0x2028: case 0x2029:
        return K_NEWLINE;
    case 0x2026:
        return K_ELLIPSIS;
    default:
        break;
    }
    if (c >= 0x2000 && c <= 0x200A)
        return K_SPACE;
    if (c >= 0x80 && c <= 0x9F)
        return K_CTRL;
    if (c >= 0xC2 && c <= 0xF4)
        return K_MOJI;
    return K_NONE;
}

int normalise_table_build(uint8_t *tab)
{
    /* Characters that a canonical composition may attach to the one
     * before them although their combining class is 0. */
    uint8_t *second = calloc(NORM_NCP / 8, 1);
    int32_t d[32];
    int32_t c;
    if (second == NULL)
        return -1;
    memset(tab, 0, NORM_NCP); /* surrogates stay 0 */
#define SECOND(x) (second[(x) >> 3] & (1u << ((x) & 7)))
    for (c = 0; c < NORM_NCP; c++) {
        const utf8proc_property_t *p;
        utf8proc_ssize_t n, k;
        if (norm_is_surrogate(c))
            continue;
        p = utf8proc_get_property(c);
        if (p->decomp_seqindex == UINT16_MAX || p->decomp_type != 0)
            continue;
        n = utf8proc_decompose_char(c, d, 32, UTF8PROC_DECOMPOSE, NULL);
        for (k = 1; k < n && k < 32; k++)
            if (utf8proc_get_property(d[k])->combining_class == 0)
                second[d[k] >> 3] |= (uint8_t)(1u << (d[k] & 7));
    }
    /* Hangul vowel and trailing jamo compose algorithmically. */
    for (c = 0x1161; c <= 0x1175; c++)
        second[c >> 3] |= (uint8_t)(1u << (c & 7));
    for (c = 0x11A8; c <= 0x11C2; c++)
        second[c >> 3] |= (uint8_t)(1u << (c & 7));

    for (c = 0; c < NORM_NCP; c++) {
        const utf8proc_property_t *p;
        unsigned v = 0;
        int base;
        int compat;
        if (norm_is_surrogate(c))
            continue;
        p = utf8proc_get_property(c);
        base = p->combining_class == 0 && !SECOND(c);
        for (compat = 0; compat < 2; compat++) {
            int has_d = p->decomp_seqindex != UINT16_MAX && (compat || p->decomp_type == 0);
            int bnd = base, ok = base;
            if (has_d && base) {
                utf8proc_ssize_t n = utf8proc_decompose_char(
                    c, d, 32, UTF8PROC_DECOMPOSE | (compat ? UTF8PROC_COMPAT : 0), NULL);
                if (n < 1 || utf8proc_get_property(d[0])->combining_class != 0 || SECOND(d[0]))
                    bnd = 0;
                ok = bnd && norm_char_stable(c, compat);
            }
            if (ok)
                v |= compat ? T_OK_NFKC : T_OK_NFC;
            if (bnd)
                v |= compat ? T_BND_NFKC : T_BND_NFC;
        }
        tab[c] = (uint8_t)(v | (norm_kind(c) << 4));
    }
#undef SECOND
    free(second);
    return 0;
}

