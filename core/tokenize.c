/*
 * English tokens and sentences in one pass over UTF-8 text, without regular
 * expressions.  The rules are documented in include/textpipe/token.h; keep
 * the two in step.
 *
 * ASCII characters are classified through a table; other code points are
 * decoded and classified by their Unicode category (utf8proc).
 */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "textpipe/token.h"

/* Character classes (bits). */
#define K_UP   0x01u /* upper-case or title-case letter */
#define K_LO   0x02u /* lower-case letter */
#define K_LET  0x04u /* any letter */
#define K_DIG  0x08u /* decimal digit (and other numbers: ½ ²) */
#define K_MARK 0x10u /* combining mark or format character: continues a word */
#define K_SP   0x20u /* white space within a line */
#define K_NL   0x40u /* line break */
#define K_PUN  0x80u /* punctuation, symbol, anything else */
#define K_ALNUM (K_LET | K_DIG | K_MARK)

#define SP K_SP
#define NL K_NL
#define DG K_DIG
#define UP (K_UP | K_LET)
#define LO (K_LO | K_LET)
#define PU K_PUN
/* Controls are white space, except \n and \r which break lines. */
static const uint8_t ascii_class[128] = {
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, NL, SP, SP, NL, SP, SP,
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP,
    SP, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU,
    DG, DG, DG, DG, DG, DG, DG, DG, DG, DG, PU, PU, PU, PU, PU, PU,
    PU, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP,
    UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, PU, PU, PU, PU, PU,
    PU, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, PU, PU, PU, PU, SP,
};
#undef SP
#undef NL
#undef DG
#undef UP
#undef LO
#undef PU

/* Decode the code point at s[i] (i < len) into *cp and return its length in
 * bytes.  A malformed sequence yields one byte and *cp = -1. */
static inline size_t utf8_decode(const uint8_t *s, size_t i, size_t len, int32_t *cp)
{
    uint8_t c = s[i];
    size_t n, k;
    int32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    if (i + n > len) {
        *cp = -1;
        return 1;
    }
    for (k = 1; k < n; k++) {
        uint8_t d = s[i + k];
        if ((d & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (d & 0x3F);
    }
    if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
        (n == 4 && (v < 0x10000 || v > 0x10FFFF))) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return n;
}

static unsigned cp_class(int32_t cp)
{
    if (cp < 0)
        return K_PUN;
    if (cp < 0x80)
        return ascii_class[cp];
    switch (cp) {
    case 0x0085: /* next line */
    case 0x2028: /* line separator */
    case 0x2029: /* paragraph separator */
        return K_NL;
    case 0x200B: /* zero width space */
    case 0xFEFF: /* byte order mark */
        return K_SP;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return K_UP | K_LET;
    case UTF8PROC_CATEGORY_LL:
        return K_LO | K_LET;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
        return K_LET;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
        return K_MARK;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NO:
        return K_DIG;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_CC:
        return K_SP;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return K_NL;
    default:
        return K_PUN;
    }
}

/* Class of the character at s[i] (i < len); its length in *n, its code
 * point in *cp. */
static inline unsigned class_at(const uint8_t *s, size_t i, size_t len, size_t *n, int32_t *cp)
{
    uint8_t c = s[i];
    if (c < 0x80) {
        *n = 1;
        *cp = c;
        return ascii_class[c];
    }
    *n = utf8_decode(s, i, len, cp);
    return cp_class(*cp);
}

static inline unsigned class_only(const uint8_t *s, size_t i, size_t len)
{
    size_t n;
    int32_t cp;
    if (i >= len)
        return 0;
    return class_at(s, i, len, &n, &cp);
}

static inline int is_ascii_digit(const uint8_t *s, size_t i, size_t len)
{
    return i < len && s[i] >= '0' && s[i] <= '9';
}

static inline int lower_ascii(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ------------------------------------------------------------------ */
/* Abbreviations */

enum {
    ABBR_NONE = 0,
    ABBR_TITLE,   /* Mr. Dr. Gen.: never ends a sentence */
    ABBR_NOSPLIT, /* e.g. vs. No. p.: never ends a sentence */
    ABBR_ETC,     /* etc.: ends one before any capitalised word */
    ABBR_OTHER,   /* Inc. Jul. U.S. a.m.: ends one before a sentence opener */
    ABBR_INITIAL  /* J.: like ABBR_OTHER */
};

typedef struct abbrev {
    const char *s;
    uint8_t len, cls;
} abbrev;

#define AB(str, c) { str, (uint8_t)(sizeof str - 1), c }
static const abbrev abbrevs[] = {
    AB("Mr", ABBR_TITLE), AB("Mrs", ABBR_TITLE), AB("Ms", ABBR_TITLE),
    AB("Messrs", ABBR_TITLE), AB("Mme", ABBR_TITLE), AB("Mlle", ABBR_TITLE),
    AB("Dr", ABBR_TITLE), AB("Drs", ABBR_TITLE), AB("Prof", ABBR_TITLE),
    AB("Gen", ABBR_TITLE), AB("Gens", ABBR_TITLE), AB("Sen", ABBR_TITLE),
    AB("Sens", ABBR_TITLE), AB("Rep", ABBR_TITLE), AB("Reps", ABBR_TITLE),
    AB("Gov", ABBR_TITLE), AB("Lt", ABBR_TITLE), AB("Col", ABBR_TITLE),
    AB("Capt", ABBR_TITLE), AB("Cpt", ABBR_TITLE), AB("Sgt", ABBR_TITLE),
    AB("Maj", ABBR_TITLE), AB("Adm", ABBR_TITLE), AB("Cmdr", ABBR_TITLE),
    AB("Cdr", ABBR_TITLE), AB("Brig", ABBR_TITLE), AB("Rev", ABBR_TITLE),
    AB("Hon", ABBR_TITLE), AB("Rt", ABBR_TITLE), AB("St", ABBR_TITLE),
    AB("Ste", ABBR_TITLE), AB("Mt", ABBR_TITLE), AB("Pres", ABBR_TITLE),
    AB("Supt", ABBR_TITLE), AB("Det", ABBR_TITLE), AB("Insp", ABBR_TITLE),
    AB("Fr", ABBR_TITLE), AB("Cllr", ABBR_TITLE), AB("Amb", ABBR_TITLE),
    AB("Atty", ABBR_TITLE), AB("Sec", ABBR_TITLE),
    AB("vs", ABBR_NOSPLIT), AB("v", ABBR_NOSPLIT), AB("cf", ABBR_NOSPLIT),
    AB("al", ABBR_NOSPLIT), AB("approx", ABBR_NOSPLIT), AB("ca", ABBR_NOSPLIT),
    AB("No", ABBR_NOSPLIT), AB("Nos", ABBR_NOSPLIT), AB("Fig", ABBR_NOSPLIT),
    AB("fig", ABBR_NOSPLIT), AB("pp", ABBR_NOSPLIT), AB("p", ABBR_NOSPLIT),
    AB("vol", ABBR_NOSPLIT), AB("Vol", ABBR_NOSPLIT), AB("viz", ABBR_NOSPLIT),
    AB("etc", ABBR_ETC),
    AB("Inc", ABBR_OTHER), AB("Corp", ABBR_OTHER), AB("Ltd", ABBR_OTHER),
    AB("Co", ABBR_OTHER), AB("Bros", ABBR_OTHER), AB("Jr", ABBR_OTHER),
    AB("Sr", ABBR_OTHER), AB("Esq", ABBR_OTHER), AB("Ave", ABBR_OTHER),
    AB("Rd", ABBR_OTHER), AB("Blvd", ABBR_OTHER), AB("Dept", ABBR_OTHER),
    AB("Univ", ABBR_OTHER), AB("Govt", ABBR_OTHER), AB("Intl", ABBR_OTHER),
    AB("Jan", ABBR_OTHER), AB("Feb", ABBR_OTHER), AB("Mar", ABBR_OTHER),
    AB("Apr", ABBR_OTHER), AB("Jun", ABBR_OTHER), AB("Jul", ABBR_OTHER),
    AB("Aug", ABBR_OTHER), AB("Sep", ABBR_OTHER), AB("Sept", ABBR_OTHER),
    AB("Oct", ABBR_OTHER), AB("Nov", ABBR_OTHER), AB("Dec", ABBR_OTHER),
    AB("Mon", ABBR_OTHER), AB("Tue", ABBR_OTHER), AB("Tues", ABBR_OTHER),
    AB("Wed", ABBR_OTHER), AB("Thu", ABBR_OTHER), AB("Thur", ABBR_OTHER),
    AB("Thurs", ABBR_OTHER), AB("Fri", ABBR_OTHER), AB("Sat", ABBR_OTHER),
    AB("Sun", ABBR_OTHER),
};

/* For each first character, the lengths (bits) of the abbreviations that
 * start with it: most words are refused without a look at the list. */
static uint8_t abbrev_lens[128];
static pthread_once_t abbrev_once = PTHREAD_ONCE_INIT;

static void abbrev_index_build(void)
{
    size_t i;
    for (i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
        abbrev_lens[(uint8_t)abbrevs[i].s[0] & 0x7F] |= (uint8_t)(1u << abbrevs[i].len);
}

/* Class of the word s[a, b) as an abbreviation when a dot follows it. */
static int abbrev_class(const uint8_t *s, size_t a, size_t b, size_t len)
{
    size_t n = b - a, i, seg = 0;
    int dots = 0, one = 0;
    if (n == 0)
        return ABBR_NONE;
    /* A single upper-case letter: an initial. */
    if (s[a] >= 0x80 || n == 1) {
        size_t cl;
        int32_t cp;
        unsigned k = class_at(s, a, len, &cl, &cp);
        if (cl == n && (k & K_UP))
            return ABBR_INITIAL;
    }
    if (n > 7)
        return ABBR_NONE;
    /* Letters with dots, segments of one or two letters, one of them a
     * single letter: U.S, e.g, a.m, Ph.D. */
    for (i = a; i < b; i++) {
        uint8_t c = s[i];
        if (c == '.') {
            if (seg == 0 || seg > 2)
                return ABBR_NONE;
            one |= seg == 1;
            dots++;
            seg = 0;
        } else if (c < 0x80 && (ascii_class[c] & K_LET)) {
            seg++;
        } else {
            return ABBR_NONE;
        }
    }
    if (dots) {
        if (seg == 0 || seg > 2)
            return ABBR_NONE;
        one |= seg == 1;
        if (!one)
            return ABBR_NONE;
        if ((n == 3 && lower_ascii(s[a]) == 'e' && lower_ascii(s[a + 2]) == 'g') ||
            (n == 3 && lower_ascii(s[a]) == 'i' && lower_ascii(s[a + 2]) == 'e'))
            return ABBR_NOSPLIT;
        return ABBR_OTHER;
    }
    pthread_once(&abbrev_once, abbrev_index_build);
    if (s[a] >= 0x80 || !(abbrev_lens[s[a]] & (1u << n)))
        return ABBR_NONE;
    for (i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
        if (abbrevs[i].len == n && abbrevs[i].s[0] == (char)s[a] &&
            memcmp(abbrevs[i].s, s + a, n) == 0)
            return abbrevs[i].cls;
    return ABBR_NONE;
}

/* ------------------------------------------------------------------ */
/* Tokens */

typedef struct tz {
    tp_tokens *out;
    const uint8_t *s;
    size_t len;
} tz;

/* Case flags from the class of the first character and the union of the
 * classes of all of them. */
static inline uint32_t case_bits(unsigned first, unsigned acc)
{
    uint32_t f = 0;
    if (first & K_UP)
        f |= TP_TOK_UPPER_INIT;
    else if (first & K_LO)
        f |= TP_TOK_LOWER_INIT;
    if ((acc & K_UP) && !(acc & K_LO))
        f |= TP_TOK_ALL_UPPER;
    return f;
}

static uint32_t case_flags(const uint8_t *s, size_t a, size_t b)
{
    unsigned acc = 0, first;
    size_t i = a, n;
    int32_t cp;
    first = class_at(s, a, b, &n, &cp);
    for (; i < b; i++) {
        uint8_t c = s[i];
        if (c < 0x80) {
            acc |= ascii_class[c];
        } else {
            acc |= class_at(s, i, b, &n, &cp);
            i += n - 1;
        }
    }
    return case_bits(first, acc);
}

static int grow(tp_tokens *t)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    tp_token *v = realloc(t->v, cap * sizeof *v);
    if (v == NULL)
        return -1;
    t->v = v;
    t->cap = cap;
    return 0;
}

/* Append a token whose flags are complete. */
static inline int push_raw(tz *z, size_t start, size_t end, uint32_t flags)
{
    tp_tokens *t = z->out;
    tp_token *tok;
    if (t->n == t->cap && grow(t) != 0)
        return -1;
    tok = &t->v[t->n++];
    tok->start = (uint32_t)start;
    tok->end = (uint32_t)end;
    tok->flags = flags;
    return 0;
}

/* Append a token, adding the case flags of words and numbers. */
static inline int push(tz *z, size_t start, size_t end, uint32_t flags)
{
    tp_tokens *t = z->out;
    tp_token *tok;
    if (t->n == t->cap && grow(t) != 0)
        return -1;
    if (flags & (TP_TOK_WORD | TP_TOK_NUMBER))
        flags |= case_flags(z->s, start, end);
    tok = &t->v[t->n++];
    tok->start = (uint32_t)start;
    tok->end = (uint32_t)end;
    tok->flags = flags;
    return 0;
}

/* Letters of a clitic after the apostrophe at s[q]: 's 'd 'm 're 've 'll,
 * any case, not followed by a letter or digit.  0 when there is none. */
static size_t clitic_len(const uint8_t *s, size_t q, size_t len)
{
    uint8_t a, b;
    if (q >= len)
        return 0;
    a = (uint8_t)lower_ascii(s[q]);
    if ((a == 's' || a == 'd' || a == 'm') && !(class_only(s, q + 1, len) & K_ALNUM))
        return 1;
    if (q + 1 >= len)
        return 0;
    b = (uint8_t)lower_ascii(s[q + 1]);
    if (((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) &&
        !(class_only(s, q + 2, len) & K_ALNUM))
        return 2;
    return 0;
}

/* Does a slash between s[seg, p) and the word at q join them?  Yes when
 * either side is short (and/or, 24/7, km/h) or upper case and digits only
 * (CNCERT/CC, TCP/IP). */
static int slash_joins(const uint8_t *s, size_t seg, size_t p, size_t q, size_t len)
{
    size_t r = q, i;
    int up_b = 1, up_a = 1;
    while (r < len && s[r] < 0x80 && (ascii_class[s[r]] & K_ALNUM))
        r++;
    if (p - seg <= 3 || r - q <= 3)
        return 1;
    for (i = seg; i < p; i++)
        if (s[i] >= 0x80 || (ascii_class[s[i]] & K_LO))
            up_b = 0;
    for (i = q; i < r; i++)
        if (ascii_class[s[i]] & K_LO)
            up_a = 0;
    if (r < len && s[r] >= 0x80)
        up_a = 0;
    return up_b || up_a;
}

/* End of the domain of an e-mail address starting at q (after the '@'):
 * labels of letters, digits and hyphens joined by dots, at least two
 * labels, the last of two letters or more.  0 when there is none. */
static size_t domain_end(const uint8_t *s, size_t q, size_t len)
{
    size_t p = q, last = q;
    int dots = 0;
    for (;;) {
        size_t st = p;
        while (p < len && s[p] < 0x80 && ((ascii_class[s[p]] & K_ALNUM) || s[p] == '-'))
            p++;
        if (p == st)
            return 0;
        last = st;
        if (p + 1 < len && s[p] == '.' && s[p + 1] < 0x80 && (ascii_class[s[p + 1]] & K_ALNUM)) {
            dots++;
            p++;
            continue;
        }
        break;
    }
    if (dots == 0 || p - last < 2)
        return 0;
    return p;
}

static const char *const tlds[] = {
    "com", "net", "org", "gov", "edu", "int", "mil", "info", "biz", "io",
    "uk", "us", "eu", "de", "fr", "cn", "ru", "jp", "in", "au", "ca", "ie",
    "nz", "za", "tv", NULL
};

/* A word of dotted labels ending in a known top-level domain: bbc.co.uk. */
static int is_domain(const uint8_t *s, size_t a, size_t b)
{
    size_t i = b, n;
    int k;
    while (i > a && s[i - 1] != '.')
        i--;
    if (i <= a + 1)
        return 0;
    n = b - i;
    for (k = 0; tlds[k] != NULL; k++)
        if (strlen(tlds[k]) == n) {
            size_t j;
            for (j = 0; j < n && lower_ascii(s[i + j]) == tlds[k][j]; j++)
                ;
            if (j == n)
                return 1;
        }
    return 0;
}

static int strncasecmp_ascii(const uint8_t *s, const char *lit, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++)
        if (lower_ascii(s[k]) != (uint8_t)lit[k])
            return 0;
    return 1;
}

/* URL starting at i (http://, https://, ftp://, www.): its end, or 0. */
static size_t url_end(const uint8_t *s, size_t i, size_t len)
{
    size_t p, n;
    int parens = 0;
    uint8_t c = (uint8_t)lower_ascii(s[i]);
    if (c != 'h' && c != 'w' && c != 'f')
        return 0;
    {
        /* Most words that start so are no URL: their first four bytes,
         * folded to lower case (which leaves ':' '.' '/' as they are),
         * are none of the prefixes' (the full test follows). */
        uint32_t w;
        if (len - i < 4)
            return 0;
        memcpy(&w, s + i, 4);
        w |= 0x20202020u;
        if (memcmp(&w, "http", 4) != 0 && memcmp(&w, "ftp:", 4) != 0 && memcmp(&w, "www.", 4) != 0)
            return 0;
    }
#define PREFIX(lit) (len - i >= sizeof lit - 1 && strncasecmp_ascii(s + i, lit, sizeof lit - 1))
    if (PREFIX("http://"))
        p = i + 7;
    else if (PREFIX("https://"))
        p = i + 8;
    else if (PREFIX("ftp://"))
        p = i + 6;
    else if (PREFIX("www.") && (class_only(s, i + 4, len) & K_ALNUM))
        p = i + 4;
    else
        return 0;
#undef PREFIX
    while (p < len) {
        int32_t cp;
        unsigned k = class_at(s, p, len, &n, &cp);
        if (k & (K_SP | K_NL))
            break;
        if (cp == '"' || cp == '<' || cp == '>' || cp == 0x201C || cp == 0x201D ||
            cp == 0x2018 || cp == 0x2019 || cp == 0xAB || cp == 0xBB)
            break;
        if (cp == '(')
            parens++;
        else if (cp == ')')
            parens--;
        p += n;
    }
    /* Trailing punctuation belongs to the sentence. */
    while (p > i) {
        c = s[p - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
            c == '\'' || c == ']' || c == '}' || (c == ')' && parens < 0)) {
            if (c == ')')
                parens++;
            p--;
        } else {
            break;
        }
    }
    return p;
}

/* The end of the run of ASCII letters and digits from p, with the class
 * bits of its letters added to *acc.  Sixteen bytes at a time with SSE2
 * where sixteen are there to read; TP_TOKENIZE_PORTABLE builds the byte
 * loop alone (a test holds the two to the same tokens). */
#if defined(__SSE2__) && !defined(TP_TOKENIZE_PORTABLE)
#include <emmintrin.h>
#define TZ_SSE2 1
#endif

static inline size_t ascii_run_bytes(const uint8_t *s, size_t p, size_t len, unsigned *acc)
{
    unsigned a = 0;
    for (; p < len; p++) {
        uint8_t c = s[p];
        unsigned k;
        if (c >= 0x80)
            break;
        k = ascii_class[c];
        if (!(k & K_ALNUM))
            break;
        a |= k;
    }
    *acc |= a;
    return p;
}

static inline size_t ascii_run(const uint8_t *s, size_t p, size_t len, unsigned *acc)
{
#ifdef TZ_SSE2
    const __m128i case_bit = _mm_set1_epi8(0x20);
    unsigned up = 0, lo = 0;
    while (p + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
        /* Letters by their upper-case form ('a' | 0x20 ... 'z' | 0x20 ->
         * upper case with the bit cleared); bytes from 0x80 are negative
         * and in no range. */
        __m128i f = _mm_andnot_si128(case_bit, v);
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(f, _mm_set1_epi8('A' - 1)),
                                       _mm_cmplt_epi8(f, _mm_set1_epi8('Z' + 1)));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        /* the lower-case letters are the letters above 'Z' */
        __m128i lower = _mm_and_si128(letter, _mm_cmpgt_epi8(v, _mm_set1_epi8('Z')));
        unsigned run = (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
        unsigned let = (unsigned)_mm_movemask_epi8(letter);
        unsigned low = (unsigned)_mm_movemask_epi8(lower);
        /* n: the bytes of the run in this block (bit 16 stops the count) */
        unsigned n = (unsigned)__builtin_ctz(~run), keep = (1u << n) - 1;
        lo |= low & keep;
        up |= let & ~low & keep;
        p += n;
        if (n < 16)
            break;
    }
    *acc |= (up ? K_UP | K_LET : 0) | (lo ? K_LO | K_LET : 0);
    if (p + 16 <= len)
        return p;
#endif
    return ascii_run_bytes(s, p, len, acc);
}

/* Whether ASCII punctuation c after a run of letters and digits may join
 * it to more or extend it (scan_word's joiners, '%' and an abbreviation's
 * '.'). */
static inline int word_tail_slow(uint8_t c)
{
    switch (c) {
    case '.': case '-': case '_': case '/': case ',': case ':':
    case '&': case '\'': case '@': case '%':
        return 1;
    default:
        return 0;
    }
}

#define WORD_SLOW ((size_t)-2)

/* The most common word or number: ASCII letters and digits from i up to
 * white space, the end, or punctuation that neither joins nor extends it.
 * Pushes it and returns its end, or WORD_SLOW for scan_word to do it all
 * ((size_t)-1 when out of memory).  first is the class of s[i].  A test
 * holds it to scan_word (TP_TOKENIZE_PORTABLE builds without it). */
static inline size_t scan_word_fast(tz *z, size_t i, unsigned first)
{
#ifndef TP_TOKENIZE_PORTABLE
    const uint8_t *s = z->s;
    size_t len = z->len, p;
    unsigned acc = 0;
    uint32_t kind;

    if (s[i] >= 0x80)
        return WORD_SLOW;
    p = ascii_run(s, i, len, &acc);
    if (p < len) {
        uint8_t c = s[p];
        if (c >= 0x80)
            return WORD_SLOW;
        if (!(ascii_class[c] & (K_SP | K_NL)) && word_tail_slow(c))
            return WORD_SLOW;
    }
    kind = (first & K_DIG) ? TP_TOK_NUMBER : TP_TOK_WORD;
    kind |= case_bits(first, acc);
    if (push_raw(z, i, p, kind) != 0)
        return (size_t)-1;
    return p;
#else
    (void)z;
    (void)i;
    (void)first;
    return WORD_SLOW;
#endif
}

/* A word or number starting at i; pre is the length of a currency sign
 * before its first digit.  Pushes one or two tokens; returns the end, or
 * (size_t)-1 when out of memory. */
static size_t scan_word(tz *z, size_t i, size_t pre)
{
    const uint8_t *s = z->s;
    size_t len = z->len, p = i + pre, seg = p, n, m, end;
    int dots = 0;
    uint32_t kind;
    int32_t cp, cq;
    unsigned k, first, acc = 0;

    first = class_at(s, i, len, &n, &cp);
    k = class_at(s, p, len, &n, &cp);
    kind = (pre || (k & K_DIG)) ? TP_TOK_NUMBER : TP_TOK_WORD;
    while (p < len) {
        size_t q;
        unsigned kq;
        uint8_t c;
        /* The run of ASCII letters and digits from p (most of a word). */
        p = ascii_run(s, p, len, &acc);
        if (p >= len)
            break;
        c = s[p];
        if (c < 0x80) {
            k = ascii_class[c];
            n = 1;
            cp = c;
        } else {
            k = class_at(s, p, len, &n, &cp);
            if (k & K_ALNUM) {
                acc |= k;
                p += n;
                continue;
            }
        }
        q = p + n;
        if (q >= len || k != K_PUN)
            break;
        kq = class_at(s, q, len, &m, &cq);
        switch (cp) {
        case '.':
            if (kq & K_ALNUM) {
                dots++;
                p = seg = q;
                continue;
            }
            /* U.S.-based */
            if (cq == '-' && dots && (class_only(s, q + 1, len) & K_ALNUM)) {
                p = seg = q + 1;
                continue;
            }
            goto done;
        case '-':
        case 0x2010: /* hyphen */
        case 0x2011: /* non-breaking hyphen */
        case '_':
            if (kq & K_ALNUM) {
                p = seg = q;
                continue;
            }
            goto done;
        case '/':
            if ((kq & K_ALNUM) && slash_joins(s, seg, p, q, len)) {
                p = seg = q;
                continue;
            }
            goto done;
        case ',':
            /* 2,700 and 1,000,000: groups of exactly three digits */
            if (p > i && is_ascii_digit(s, p - 1, len) && is_ascii_digit(s, q, len) &&
                is_ascii_digit(s, q + 1, len) && is_ascii_digit(s, q + 2, len) &&
                !is_ascii_digit(s, q + 3, len)) {
                p = q;
                continue;
            }
            goto done;
        case ':':
            if (p > i && is_ascii_digit(s, p - 1, len) && is_ascii_digit(s, q, len)) {
                p = q;
                continue;
            }
            goto done;
        case '&':
            if (p > i && s[p - 1] < 0x80 && (ascii_class[s[p - 1]] & K_UP) && (kq & K_UP)) {
                p = q;
                continue;
            }
            goto done;
        case '\'':
        case 0x2019:
            if (!(kq & K_ALNUM) || clitic_len(s, q, len))
                goto done; /* the clitic is a token of its own */
            if ((cq == 't' || cq == 'T') && p > i + pre + 1 &&
                (s[p - 1] == 'n' || s[p - 1] == 'N') &&
                !(class_only(s, q + 1, len) & K_ALNUM)) {
                /* don't -> do n't */
                if (push(z, i, p - 1, kind) != 0 ||
                    push(z, p - 1, q + 1, TP_TOK_WORD | TP_TOK_CLITIC) != 0)
                    return (size_t)-1;
                return q + 1;
            }
            p = q; /* O'Brien */
            continue;
        case '@':
            if (kq & K_ALNUM) {
                end = domain_end(s, q, len);
                if (end) {
                    if (push(z, i, end, TP_TOK_URL) != 0)
                        return (size_t)-1;
                    return end;
                }
            }
            goto done;
        default:
            goto done;
        }
    }
done:
    end = p;
    if (end < len) {
        uint8_t c = s[end];
        if (c == '%' && kind == TP_TOK_NUMBER && is_ascii_digit(s, end - 1, len)) {
            end++;
        } else if (c == '.' && !(end + 1 < len && s[end + 1] == '.') &&
                   abbrev_class(s, i, end, len) != ABBR_NONE) {
            end++;
            kind |= TP_TOK_ABBREV;
        }
    }
    if (dots && kind == TP_TOK_WORD && is_domain(s, i, end))
        kind = TP_TOK_URL;
    else
        kind |= case_bits(first, acc);
    if (push_raw(z, i, end, kind) != 0)
        return (size_t)-1;
    return end;
}

/* Straight quotes: opening when white space (or an opening bracket or
 * quote) precedes and something else follows; closing when glued to what
 * precedes. */
static uint32_t quote_side(tz *z, size_t i, size_t after)
{
    tp_tokens *t = z->out;
    int space_before = t->n == 0 || t->v[t->n - 1].end != i ||
                       (t->v[t->n - 1].flags & TP_TOK_OPEN);
    int space_after = after >= z->len || (class_only(z->s, after, z->len) & (K_SP | K_NL));
    if (space_before && !space_after)
        return TP_TOK_OPEN;
    if (!space_before)
        return TP_TOK_CLOSE;
    return 0;
}

/* Punctuation or a symbol at i. */
static size_t scan_punct(tz *z, size_t i)
{
    const uint8_t *s = z->s;
    size_t len = z->len, p = i + 1, n;
    uint32_t f = TP_TOK_PUNCT;
    int32_t cp;
    uint8_t c = s[i];

    if (c < 0x80) {
        switch (c) {
        case '.':
        case '-':
            while (p < len && s[p] == c)
                p++;
            break;
        case '?':
        case '!':
            while (p < len && (s[p] == '?' || s[p] == '!'))
                p++;
            break;
        case '"':
            f |= TP_TOK_QUOTE | quote_side(z, i, p);
            break;
        case '\'':
        case '`':
            if (p < len && s[p] == c) {
                p++;
                f |= TP_TOK_QUOTE | (c == '`' ? TP_TOK_OPEN : TP_TOK_CLOSE);
            } else {
                f |= TP_TOK_QUOTE | quote_side(z, i, p);
            }
            break;
        case '(':
        case '[':
        case '{':
            f |= TP_TOK_OPEN;
            break;
        case ')':
        case ']':
        case '}':
            f |= TP_TOK_CLOSE;
            break;
        default:
            break;
        }
    } else {
        n = utf8_decode(s, i, len, &cp);
        p = i + n;
        switch (cp) {
        case 0x201C: case 0x2018: case 0x201E: case 0x201A:
        case 0x201F: case 0x201B: case 0x00AB: case 0x2039:
            f |= TP_TOK_QUOTE | TP_TOK_OPEN;
            break;
        case 0x201D: case 0x2019: case 0x00BB: case 0x203A:
            f |= TP_TOK_QUOTE | TP_TOK_CLOSE;
            break;
        default:
            if (cp >= 0) {
                utf8proc_category_t cat = utf8proc_category(cp);
                if (cat == UTF8PROC_CATEGORY_PS)
                    f |= TP_TOK_OPEN;
                else if (cat == UTF8PROC_CATEGORY_PE)
                    f |= TP_TOK_CLOSE;
            }
            break;
        }
    }
    if (push(z, i, p, f) != 0)
        return (size_t)-1;
    return p;
}

static int is_currency(int32_t cp)
{
    return cp == '$' || cp == 0xA3 || cp == 0x20AC || cp == 0xA5 || cp == 0x20B9;
}

static int tokenize_fresh(tp_tokens *out, const char *text, size_t len)
{
    tz z;
    const uint8_t *s = (const uint8_t *)text;
    size_t i = 0, n;
    int32_t cp;

    out->n = 0;
    if (len > UINT32_MAX)
        return -1;
    if (out->cap < len / 5 + 16) {
        tp_token *v = realloc(out->v, (len / 5 + 16) * sizeof *v);
        if (v == NULL)
            return -1;
        out->v = v;
        out->cap = len / 5 + 16;
    }
    z.out = out;
    z.s = s;
    z.len = len;

    while (i < len) {
        unsigned k;
        size_t next;
        if (s[i] == ' ' && i + 1 < len && s[i + 1] < 0x80 &&
            !(ascii_class[s[i + 1]] & (K_SP | K_NL))) {
            /* the common case: one space between two tokens */
            if (out->n)
                out->v[out->n - 1].flags |= TP_TOK_SPACE_AFTER;
            i++;
        }
        k = class_at(s, i, len, &n, &cp);
        if (k & (K_SP | K_NL)) {
            unsigned lines = 0, para = 0;
            while (i < len) {
                k = class_at(s, i, len, &n, &cp);
                if (k & K_SP) {
                    i += n;
                } else if (k & K_NL) {
                    /* \r\n is one line break */
                    if (!(cp == '\r' && i + 1 < len && s[i + 1] == '\n'))
                        lines++;
                    para |= cp == 0x2029;
                    i += n;
                } else {
                    break;
                }
            }
            if (out->n) {
                uint32_t f = TP_TOK_SPACE_AFTER;
                if (lines)
                    f |= TP_TOK_LINE_AFTER;
                if (lines >= 2 || para)
                    f |= TP_TOK_LINE_AFTER | TP_TOK_PARA_AFTER;
                out->v[out->n - 1].flags |= f;
            }
            continue;
        }
        if (k & K_ALNUM) {
            size_t e = (k & K_LET) ? url_end(s, i, len) : 0;
            if (e) {
                if (push(&z, i, e, TP_TOK_URL) != 0)
                    return -1;
                next = e;
            } else {
                next = scan_word_fast(&z, i, k);
                if (next == WORD_SLOW)
                    next = scan_word(&z, i, 0);
            }
        } else if (is_currency(cp) && is_ascii_digit(s, i + n, len)) {
            next = scan_word(&z, i, n);
        } else if ((cp == '#' || cp == '@') && i + n < len &&
                   ((class_only(s, i + n, len) & K_LET) ||
                    (cp == '@' && ((class_only(s, i + n, len) & K_DIG) || s[i + n] == '_')))) {
            size_t p = i + n, m;
            int32_t c2;
            while (p < len && ((class_at(s, p, len, &m, &c2) & K_ALNUM) || c2 == '_'))
                p += m;
            if (push(&z, i, p, TP_TOK_WORD | TP_TOK_TAG) != 0)
                return -1;
            next = p;
        } else if ((cp == '\'' || cp == 0x2019) && out->n &&
                   out->v[out->n - 1].end == i &&
                   (out->v[out->n - 1].flags & (TP_TOK_WORD | TP_TOK_NUMBER))) {
            size_t cl = clitic_len(s, i + n, len);
            const tp_token *prev = &out->v[out->n - 1];
            if (cl) {
                if (push(&z, i, i + n + cl, TP_TOK_WORD | TP_TOK_CLITIC) != 0)
                    return -1;
                next = i + n + cl;
            } else if ((s[prev->end - 1] == 's' || s[prev->end - 1] == 'S') &&
                       !(class_only(s, i + n, len) & K_ALNUM)) {
                /* workers' rights */
                if (push(&z, i, i + n, TP_TOK_PUNCT | TP_TOK_CLITIC) != 0)
                    return -1;
                next = i + n;
            } else {
                next = scan_punct(&z, i);
            }
        } else {
            next = scan_punct(&z, i);
        }
        if (next == (size_t)-1)
            return -1;
        i = next;
    }
    return 0;
}

void tp_tokens_free(tp_tokens *t)
{
    if (t == NULL)
        return;
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Sentences */

enum { T_NONE = 0, T_STOP, T_QE, T_ELLIPSIS, T_ABBREV, T_CJK };

static int terminal_kind(const uint8_t *s, const tp_token *t)
{
    size_t n = t->end - t->start;
    const uint8_t *p = s + t->start;
    if (t->flags & TP_TOK_ABBREV)
        return T_ABBREV;
    if (!(t->flags & TP_TOK_PUNCT) || (t->flags & (TP_TOK_QUOTE | TP_TOK_OPEN | TP_TOK_CLOSE)))
        return T_NONE;
    if (p[0] == '.')
        return n == 1 ? T_STOP : T_ELLIPSIS;
    if (p[0] == '?' || p[0] == '!')
        return T_QE;
    if (n == 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xA6) /* … */
        return T_ELLIPSIS;
    if (n == 3 && ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) ||  /* 。 */
                   (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x81 || p[2] == 0x9F)))) /* ！？ */
        return T_CJK;
    return T_NONE;
}

static int word_in(const uint8_t *s, const tp_token *t, const char *const *list)
{
    size_t n = t->end - t->start;
    int k;
    for (k = 0; list[k] != NULL; k++)
        if (strlen(list[k]) == n && memcmp(list[k], s + t->start, n) == 0)
            return 1;
    return 0;
}

/* Capitalised words that usually open a sentence, never a name's second
 * half: after "U.S." or "Inc." they mean a new sentence. */
static const char *const openers[] = {
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This",
    "That", "These", "Those", "There", "Their", "His", "Her", "Its", "Our",
    "My", "Your", "But", "And", "Or", "So", "Yet", "If", "When", "While",
    "As", "After", "Before", "Although", "Though", "Because", "Since", "In",
    "On", "At", "For", "From", "With", "By", "To", "However", "Meanwhile",
    "Now", "Then", "Today", "Yesterday", "Last", "Next", "Earlier", "Later",
    "Some", "Many", "Most", "All", "Both", "Each", "Every", "No", "Not",
    "What", "Who", "Why", "How", "Where", "Which", "Such", "Other", "Also",
    "Still", "Even", "Only", "Here", "One", "Two", "According", "Despite",
    "During", "Under", NULL
};

/* Lower-case words after which a line cannot end a sentence. */
static const char *const continuers[] = {
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "and", "or", "but", "as", "that", "which", "who", "whose", "is",
    "are", "was", "were", "be", "been", "has", "have", "had", "will", "would",
    "can", "could", "should", "may", "might", "must", "not", "its", "their",
    "his", "her", "our", "your", "my", "this", "these", "those", "into",
    "than", "so", "if", "said", "says", "about", "over", "after", "before",
    "under", "between", "against", "during", "without", "within", "through",
    NULL
};

/* Does the sentence end after tokens v[j] (the terminator v[k] and the
 * closing quotes and brackets glued to it)? */
static int ends_here(const uint8_t *s, size_t len, const tp_token *v, size_t n,
                     size_t k, size_t j, int term)
{
    const tp_token *nx;
    int cls;
    if (j + 1 >= n || (v[j].flags & TP_TOK_PARA_AFTER))
        return 1;
    if (term != T_CJK && !(v[j].flags & TP_TOK_SPACE_AFTER))
        return 0;
    nx = &v[j + 1];
    if (nx->flags & TP_TOK_LOWER_INIT)
        return 0;
    if ((nx->flags & TP_TOK_PUNCT) && !(nx->flags & TP_TOK_OPEN) && !(v[j].flags & TP_TOK_LINE_AFTER))
        return 0;
    switch (term) {
    case T_STOP:
    case T_QE:
    case T_CJK:
        return 1;
    case T_ELLIPSIS:
        return (nx->flags & (TP_TOK_UPPER_INIT | TP_TOK_OPEN)) != 0;
    default:
        break;
    }
    cls = abbrev_class(s, v[k].start, v[k].end - 1, len);
    switch (cls) {
    case ABBR_TITLE:
    case ABBR_NOSPLIT:
        return 0;
    case ABBR_ETC:
        return (nx->flags & (TP_TOK_UPPER_INIT | TP_TOK_OPEN)) != 0;
    default:
        return (nx->flags & TP_TOK_OPEN) || word_in(s, nx, openers);
    }
}

static int is_bullet(const uint8_t *s, const tp_token *t)
{
    size_t n = t->end - t->start;
    const uint8_t *p = s + t->start;
    if (!(t->flags & TP_TOK_PUNCT))
        return 0;
    if (n == 1)
        return p[0] == '-' || p[0] == '*' || p[0] == '>';
    if (n == 2 && p[0] == 0xC2 && p[1] == 0xB7) /* · */
        return 1;
    return n == 3 && p[0] == 0xE2 && p[1] == 0x80 &&
           (p[2] == 0xA2 || p[2] == 0x93 || p[2] == 0x94); /* • – — */
}

/* A single line break after v[k], with no final punctuation: a headline or
 * list item ends there when the next line opens like a sentence and this
 * line is short beside it (or the next line is a bullet). */
static int headline_ends(const uint8_t *s, size_t len, const tp_token *v, size_t n,
                         size_t k, size_t line_first)
{
    const tp_token *t = &v[k], *nx;
    const uint8_t *nl;
    size_t line_len, next_len;
    if (k + 1 >= n)
        return 0;
    nx = &v[k + 1];
    if (t->flags & TP_TOK_PUNCT) {
        if (!(t->flags & TP_TOK_CLOSE) || (k > 0 && terminal_kind(s, &v[k - 1])))
            return 0;
    } else if ((t->flags & TP_TOK_LOWER_INIT) && word_in(s, t, continuers)) {
        return 0;
    }
    if (is_bullet(s, nx))
        return 1;
    if (!(nx->flags & (TP_TOK_UPPER_INIT | TP_TOK_NUMBER | TP_TOK_OPEN)))
        return 0;
    line_len = t->end - v[line_first].start;
    nl = memchr(s + nx->start, '\n', len - nx->start);
    next_len = (nl ? (size_t)(nl - s) : len) - nx->start;
    return line_len * 5 < next_len * 3;
}

static int push_sentence(tp_sentences *out, const tp_token *v, size_t a, size_t b)
{
    tp_sentence *se;
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        tp_sentence *w = realloc(out->v, cap * sizeof *w);
        if (w == NULL)
            return -1;
        out->v = w;
        out->cap = cap;
    }
    se = &out->v[out->n++];
    se->start = v[a].start;
    se->end = v[b].end;
    se->tok_start = (uint32_t)a;
    se->tok_end = (uint32_t)(b + 1);
    return 0;
}

static int split_fresh(tp_sentences *out, const tp_tokens *tokens, const char *text, size_t len)
{
    const uint8_t *s = (const uint8_t *)text;
    const tp_token *v = tokens->v;
    size_t n = tokens->n, k, first = 0, line_first = 0;

    out->n = 0;
    for (k = 0; k < n; k++) {
        size_t last = k;
        int split, term;
#ifndef TP_TOKENIZE_PORTABLE
        /* Most tokens are words and numbers inside a line: no terminator,
         * no break after them, nothing below to do unless they are the last
         * (the portable build, which a test holds this to, takes each the
         * full way). */
        if (!(v[k].flags & (TP_TOK_PUNCT | TP_TOK_ABBREV | TP_TOK_LINE_AFTER | TP_TOK_PARA_AFTER)) &&
            k + 1 < n)
            continue;
#endif
        split = 0;
        term = terminal_kind(s, &v[k]);
        if (term) {
            size_t j = k;
            while (j + 1 < n && v[j + 1].start == v[j].end && (v[j + 1].flags & TP_TOK_CLOSE))
                j++;
            if (ends_here(s, len, v, n, k, j, term)) {
                split = 1;
                last = j;
            }
        }
        if (!split) {
            if (v[k].flags & TP_TOK_PARA_AFTER)
                split = 1;
            else if (!term && (v[k].flags & TP_TOK_LINE_AFTER))
                split = headline_ends(s, len, v, n, k, line_first);
        }
        if (split || last + 1 == n) {
            if (push_sentence(out, v, first, last) != 0)
                return -1;
            first = last + 1;
        }
        for (; k < last; k++)
            if (v[k].flags & TP_TOK_LINE_AFTER)
                line_first = k + 1;
        if (v[k].flags & TP_TOK_LINE_AFTER)
            line_first = k + 1;
    }
    return 0;
}

void tp_sentences_free(tp_sentences *s)
{
    if (s == NULL)
        return;
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* ---- the last text's tokens and sentences, per thread ----
 *
 * Several stages tokenise the same text one after the other (sentences,
 * then entities, on the text normalise left), each with its own buffers.
 * Each thread keeps a copy of the last text it tokenised, with its tokens
 * and (once asked for) its sentences; when the next call brings the same
 * bytes (compared in full, wherever they are), the answer is copied rather
 * than worked out again.  Sentences are reused only when the tokens handed
 * in are those kept, so a caller that changed its tokens gets them split
 * afresh.  Texts over MEMO_MAX bytes are not kept. */
#define MEMO_MAX (4u << 20)

typedef struct tok_memo {
    char *text;
    size_t len, text_cap;
    tp_tokens toks;
    tp_sentences sents;
    int have_toks, have_sents, registered;
} tok_memo;

static __thread tok_memo memo;
static pthread_key_t memo_key;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;
static int memo_key_made;

static void memo_free(void *arg)
{
    tok_memo *m = arg;
    free(m->text);
    tp_tokens_free(&m->toks);
    tp_sentences_free(&m->sents);
    memset(m, 0, sizeof *m);
}

static void memo_make_key(void)
{
    memo_key_made = pthread_key_create(&memo_key, memo_free) == 0;
}

/* Room for n + 1 elements of size bytes in v (capacity *cap), and the
 * first n copied from src: the array, or NULL when out of memory (v and
 * *cap unchanged). */
static void *copy_into(void *v, size_t *cap, const void *src, size_t n, size_t size)
{
    if (*cap < n + 1) {
        void *b = realloc(v, (n + 1) * size);
        if (b == NULL)
            return NULL;
        v = b;
        *cap = n + 1;
    }
    if (n > 0)
        memcpy(v, src, n * size);
    return v;
}

/* Whether the memo holds the tokens of text[0, len). */
static int memo_has_text(const char *text, size_t len)
{
    return memo.have_toks && memo.len == len && (len == 0 || memcmp(memo.text, text, len) == 0);
}

/* Keep a copy of text and its tokens; on any failure keep nothing. */
static void memo_keep(const tp_tokens *t, const char *text, size_t len)
{
    memo.have_toks = memo.have_sents = 0;
    if (len > MEMO_MAX) {
        if (memo.text_cap > MEMO_MAX) { /* do not hold on to a large text's room */
            free(memo.text);
            memo.text = NULL;
            memo.text_cap = 0;
            tp_tokens_free(&memo.toks);
            tp_sentences_free(&memo.sents);
        }
        return;
    }
    if (!memo.registered) {
        pthread_once(&memo_once, memo_make_key);
        if (!memo_key_made || pthread_setspecific(memo_key, &memo) != 0)
            return;
        memo.registered = 1;
    }
    char *b = copy_into(memo.text, &memo.text_cap, text, len, 1);
    if (b == NULL)
        return;
    memo.text = b;
    memo.len = len;
    tp_token *v = copy_into(memo.toks.v, &memo.toks.cap, t->v, t->n, sizeof *v);
    if (v == NULL)
        return;
    memo.toks.v = v;
    memo.toks.n = t->n;
    memo.have_toks = 1;
}

int tp_tokenize(tp_tokens *out, const char *text, size_t len)
{
    int rc;
    if (memo_has_text(text, len)) {
        tp_token *v = copy_into(out->v, &out->cap, memo.toks.v, memo.toks.n, sizeof *v);
        if (v == NULL)
            return -1;
        out->v = v;
        out->n = memo.toks.n;
        return 0;
    }
    rc = tokenize_fresh(out, text, len);
    if (rc == 0)
        memo_keep(out, text, len);
    else
        memo.have_toks = memo.have_sents = 0;
    return rc;
}

/* Whether tokens are the ones the memo keeps for text. */
static int memo_has_tokens(const tp_tokens *tokens, const char *text, size_t len)
{
    return memo.toks.n == tokens->n && memo_has_text(text, len) &&
           (tokens->n == 0 || memcmp(memo.toks.v, tokens->v, tokens->n * sizeof *tokens->v) == 0);
}

int tp_split_sentences(tp_sentences *out, const tp_tokens *tokens,
                       const char *text, size_t len)
{
    int rc;
    if (memo.have_sents && memo_has_tokens(tokens, text, len)) {
        tp_sentence *v = copy_into(out->v, &out->cap, memo.sents.v, memo.sents.n, sizeof *v);
        if (v == NULL)
            return -1;
        out->v = v;
        out->n = memo.sents.n;
        return 0;
    }
    rc = split_fresh(out, tokens, text, len);
    if (rc == 0 && memo.have_toks && !memo.have_sents && memo_has_tokens(tokens, text, len)) {
        tp_sentence *v = copy_into(memo.sents.v, &memo.sents.cap, out->v, out->n, sizeof *v);
        if (v == NULL)
            return 0;
        memo.sents.v = v;
        memo.sents.n = out->n;
        memo.have_sents = 1;
    }
    return rc;
}
