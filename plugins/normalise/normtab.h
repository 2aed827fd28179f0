/* The character table of the normalise stage: one byte per code point,
 * saying what the options and the normal forms make of it.
 *
 * The table is worked out from utf8proc's data by normalise_table_build
 * (normtab.c), at build time: the program normalise-gentab writes it as C
 * (normalise_table.c), in blocks of 256 code points with every distinct
 * block kept once, so that a process starts without the work (a pass over
 * every code point) and the table costs a few pages of read-only data.
 * A test holds the written table to normalise_table_build for every code
 * point. */
#ifndef NORMALISE_NORMTAB_H
#define NORMALISE_NORMTAB_H

#include <stdint.h>

/* What a character is to the options. */
enum {
    K_NONE,
    K_SQUOTE,   /* single curly quotes: -> ' */
    K_DQUOTE,   /* double curly quotes: -> " */
    K_DASH,     /* dashes, hyphens and the minus sign: -> - */
    K_SPACE,    /* Unicode spaces: -> ' ' */
    K_INVIS,    /* zero-width space, soft hyphen, BOM, ...: removed */
    K_CTRL,     /* C1 controls: removed */
    K_NEWLINE,  /* NEL, line and paragraph separators: -> \n */
    K_ELLIPSIS, /* U+2026 -> ... */
    K_MOJI      /* a character that starts UTF-8 read as Windows-1252 */
};

/* Per code point: bit 0/1: unchanged by NFC/NFKC whatever surrounds it
 * (a starter that nothing before it composes with, and that normalises to
 * itself); bit 2/3: a unit boundary for NFC/NFKC (normalisation never
 * reaches across the point before it); bits 4-7: the kind above. */
#define T_OK_NFC 0x01u
#define T_OK_NFKC 0x02u
#define T_BND_NFC 0x04u
#define T_BND_NFKC 0x08u
#define T_KIND(x) ((unsigned)(x) >> 4)
#define NORM_NCP 0x110000
#define NORM_BLOCK_BITS 8
#define NORM_BLOCK (1 << NORM_BLOCK_BITS)

/* The table as built (normalise_table.c): block i of code points is
 * normalise_tab_blocks[normalise_tab_index[i]]. */
extern const uint16_t normalise_tab_index[NORM_NCP / NORM_BLOCK];
extern const uint8_t normalise_tab_blocks[][NORM_BLOCK];

/* The table's byte for code point c (0 <= c < NORM_NCP). */
static inline unsigned normalise_tab(int32_t c)
{
    return normalise_tab_blocks[normalise_tab_index[(uint32_t)c >> NORM_BLOCK_BITS]]
                               [(uint32_t)c & (NORM_BLOCK - 1)];
}

/* Work the table out from utf8proc into tab[NORM_NCP].  Returns 0, or -1
 * when out of memory. */
int normalise_table_build(uint8_t *tab);

#endif
