/* Random text for property tests: a small, seedable generator and random
 * Unicode characters of every encoded length, including the ones JSON must
 * escape.  Header-only (inline, so a test may use any part of it); each
 * test program gets its own generator state, which it must seed. */
#ifndef TP_TEST_RANDOM_TEXT_H
#define TP_TEST_RANDOM_TEXT_H

#include <stddef.h>
#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rng(void)
{
    /* xorshift64*: small, and the same sequence everywhere. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static inline unsigned rng_below(unsigned n)
{
    return (unsigned)(rng() % n);
}

/* A random code point: controls (NUL only when allow_nul), the characters
 * JSON escapes, '/', DEL, and characters of 2, 3 and 4 UTF-8 bytes (no
 * surrogates); printable ASCII the rest of the time. */
static inline unsigned random_codepoint(int allow_nul)
{
    unsigned cp;
    switch (rng_below(9)) {
    case 0:
        cp = allow_nul ? rng_below(0x20) : 1 + rng_below(0x1F);
        break;
    case 1: {
        static const char special[] = "\"\\/\x7f '";
        cp = (unsigned char)special[rng_below(sizeof special - 1)];
        break;
    }
    case 2:
        cp = 0x80 + rng_below(0x800 - 0x80);
        break;
    case 3:
        do
            cp = 0x800 + rng_below(0x10000 - 0x800);
        while (cp >= 0xD800 && cp <= 0xDFFF);
        break;
    case 4:
        cp = 0x10000 + rng_below(0x110000 - 0x10000);
        break;
    default:
        cp = 0x20 + rng_below(0x7F - 0x20);
        break;
    }
    return cp;
}

/* Encode cp as UTF-8 into out; returns the number of bytes (1 to 4). */
static inline size_t utf8_encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

#endif
