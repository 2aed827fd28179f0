/* unsourced: a small sequence tagger for attributions.
 *
 * One label a token, BIO over three kinds: source, cue, content.  A linear
 * model (averaged perceptron, trained by plugins/unsourced/train.c) scores
 * hashed features of each token; a first-order Viterbi pass picks the best
 * label sequence of a sentence under the BIO constraints.
 *
 * Features are the words around the token, their shapes and list tags,
 * quotation state, and what the rules found (cue, source, content), so the
 * model learns where to trust the rules and what they miss.
 *
 * The model file (little-endian, as written on the machine that trained it):
 *   us_model_header (64 bytes)
 *   float trans[US_NL * US_NL], start[US_NL], end[US_NL]   (padded to 8 bytes)
 *   int8   w[2^US_ROW_BITS * US_LANES] weights, a row per hashed feature
 *          (the hashing trick: features that share a row share its
 *          weights, as in training), lane US_NL zero; weight = value * wscale
 * checksum: FNV-1a 64 of everything after the header.  Versions 1 (a table
 * of the kept rows of 2^20, with their keys, 16-bit weights) and 2 (every
 * row, 16-bit weights) are refused.
 *
 * Included by unsourced.c (and the trainer) only: everything is static. */
#ifndef UNSOURCED_TAG_H
#define UNSOURCED_TAG_H

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

enum { US_L_O = 0, US_L_BSRC, US_L_ISRC, US_L_BCUE, US_L_ICUE, US_L_BCON, US_L_ICON, US_NL };
#define US_KIND_OF(l) (((l) + 1) / 2) /* 0 none, 1 source, 2 cue, 3 content */
#define US_ROW_BITS 16                /* feature hashing space: the model's rows */
#define US_ROW_NONE (1u << US_ROW_BITS) /* no feature: its block of the index is empty */
#define US_NF 26                      /* features of one token */
#define US_LANES 8
#define US_MODEL_MAGIC "TPUSATTR"
#define US_MODEL_VERSION 3u
typedef int8_t us_weight;
#define US_WMAX 127                   /* the largest weight (in wscale): 16 bits hold any
                                         sum of a token's US_NF rows */
_Static_assert(US_NF * US_WMAX <= 32767, "a token's sum of rows fits in 16 bits");
#define US_WIN_MAX 64u                /* the widest window a model may ask for */

typedef struct us_model_header {
    char magic[8];
    uint32_t version;
    uint32_t nlabels;
    uint32_t row_bits;
    uint32_t rows;       /* 1 << row_bits */
    uint32_t nfeat;      /* rows not all zero (for information) */
    float wscale;
    uint64_t payload_bytes;
    uint64_t checksum;
    uint32_t win_left;   /* tokens tagged before the first and after the */
    uint32_t win_right;  /* last cue word of a sentence (us_tag_window) */
    uint32_t reserved[2];
} us_model_header;

typedef struct us_model {
    const float *trans, *start, *end;
    float wscale;
    uint32_t nfeat;
    uint32_t win_l, win_r; /* the window the model was trained with */
    void *map;          /* a mapped file, or NULL */
    size_t map_size;
    us_weight *dense;   /* the rows, US_LANES weights each, aligned, and a zero row
                           after the last (US_ROW_NONE) */
    int16_t *tab;       /* sums of the features of few values (us_model_tables) */
    int hw;             /* score with us_model_emissions_hw (the processor has its instructions) */
    float vrows[US_NL * 8]; /* the transitions as us_viterbi_r takes them */
} us_model;

static size_t us_pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t us_model_payload(void)
{
    return us_pad8((US_NL * US_NL + 2 * US_NL) * sizeof(float)) +
           ((size_t)1 << US_ROW_BITS) * US_LANES * sizeof(us_weight);
}

static uint64_t us_fnv64(const void *p, size_t n)
{
    const unsigned char *c = p;
    uint64_t h = 14695981039346656037ull;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* The weights of a feature row (US_ROW_NONE: the zero row). */
static inline const us_weight *us_model_row(const us_model *m, uint32_t row)
{
    return m->dense + (size_t)row * US_LANES;
}

static int us_weight_ok(int w)
{
    return w >= -US_WMAX && w <= US_WMAX;
}

static int us_model_tables(us_model *m);
static int us_cpu_hw(void);
static void us_viterbi_rows(const float *trans, float *rows);

/* Check a model image and point m into it (not copied).  0, or -1 with a
 * message. */
static int us_model_open(us_model *m, const void *data, size_t size, char *msg, size_t msglen)
{
    us_model_header h;
    const unsigned char *p = data;
    size_t k;
    memset(m, 0, sizeof *m);
    if (size < sizeof h) {
        snprintf(msg, msglen, "truncated: %zu bytes, shorter than the header", size);
        return -1;
    }
    memcpy(&h, data, sizeof h);
    if (memcmp(h.magic, US_MODEL_MAGIC, 8) != 0) {
        snprintf(msg, msglen, "not an attribution model (bad magic)");
        return -1;
    }
    if (h.version != US_MODEL_VERSION || h.nlabels != US_NL || h.row_bits != US_ROW_BITS) {
        snprintf(msg, msglen, "model version %u with %u labels over %u bits; this build reads version %u, %d labels, %d bits",
                 h.version, h.nlabels, h.row_bits, US_MODEL_VERSION, US_NL, US_ROW_BITS);
        return -1;
    }
    if (h.rows != 1u << US_ROW_BITS || h.nfeat > h.rows) {
        snprintf(msg, msglen, "bad table size %u (%u in use)", h.rows, h.nfeat);
        return -1;
    }
    if (h.win_left > US_WIN_MAX || h.win_right > US_WIN_MAX) {
        snprintf(msg, msglen, "bad window %u, %u (at most %u)", h.win_left, h.win_right, US_WIN_MAX);
        return -1;
    }
    if (h.payload_bytes != us_model_payload() || size - sizeof h < h.payload_bytes) {
        snprintf(msg, msglen, "truncated or wrong size: %zu payload bytes, %llu expected",
                 size - sizeof h, (unsigned long long)us_model_payload());
        return -1;
    }
    if (size - sizeof h != h.payload_bytes) {
        snprintf(msg, msglen, "%zu bytes after the model", size - sizeof h - (size_t)h.payload_bytes);
        return -1;
    }
    if (((uintptr_t)p & 7) != 0) {
        snprintf(msg, msglen, "model image not aligned");
        return -1;
    }
    if (us_fnv64(p + sizeof h, (size_t)h.payload_bytes) != h.checksum) {
        snprintf(msg, msglen, "checksum mismatch (corrupt model)");
        return -1;
    }
    if (!(h.wscale > 0 && h.wscale < 1e3f)) {
        snprintf(msg, msglen, "bad weight scale");
        return -1;
    }
    p += sizeof h;
    m->trans = (const float *)(const void *)p;
    m->start = m->trans + US_NL * US_NL;
    m->end = m->start + US_NL;
    for (k = 0; k < US_NL * US_NL + 2 * US_NL; k++)
        if (!isfinite(m->trans[k])) {
            snprintf(msg, msglen, "transition scores are not finite");
            return -1;
        }
    p += us_pad8((US_NL * US_NL + 2 * US_NL) * sizeof(float));
    m->wscale = h.wscale;
    m->nfeat = h.nfeat;
    m->win_l = h.win_left;
    m->win_r = h.win_right;
    m->hw = us_cpu_hw();
    us_viterbi_rows(m->trans, m->vrows);
    /* the rows, aligned, and the zero row after them */
    {
        size_t nb = ((size_t)1 << US_ROW_BITS) * US_LANES * sizeof *m->dense;
        if (posix_memalign((void **)&m->dense, 64, nb + US_LANES * sizeof *m->dense) != 0) {
            m->dense = NULL;
            snprintf(msg, msglen, "out of memory");
            return -1;
        }
        memcpy(m->dense, p, nb);
        memset(m->dense + ((size_t)1 << US_ROW_BITS) * US_LANES, 0, US_LANES * sizeof *m->dense);
        for (k = 0; k < ((size_t)1 << US_ROW_BITS) * US_LANES; k++)
            if (!us_weight_ok(m->dense[k]) || (k % US_LANES == US_NL && m->dense[k] != 0)) {
                snprintf(msg, msglen, "row %zu: a weight out of range or its unused lane not zero", k / US_LANES);
                free(m->dense);
                m->dense = NULL;
                return -1;
            }
    }
    if (us_model_tables(m) != 0) {
        snprintf(msg, msglen, "out of memory");
        free(m->dense);
        m->dense = NULL;
        return -1;
    }
    return 0;
}

static void us_model_close(us_model *m)
{
    if (m->map != NULL)
        munmap(m->map, m->map_size);
    free(m->dense);
    free(m->tab);
    memset(m, 0, sizeof *m);
}

static int us_model_open_file(us_model *m, const char *path, char *msg, size_t msglen)
{
    struct stat st;
    void *map;
    char sub[300];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(msg, msglen, "cannot open model %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        snprintf(msg, msglen, "model %s is not a regular file or is empty", path);
        close(fd);
        return -1;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(msg, msglen, "cannot map model %s: %s", path, strerror(errno));
        return -1;
    }
    if (us_model_open(m, map, (size_t)st.st_size, sub, sizeof sub) != 0) {
        snprintf(msg, msglen, "model %s: %s", path, sub);
        munmap(map, (size_t)st.st_size);
        return -1;
    }
    m->map = map;
    m->map_size = (size_t)st.st_size;
    return 0;
}

/* ---- features ---- */

static inline uint64_t us_mix(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return x;
}

/* A word's mixed hash a (us_mix of a template and the word) joined with
 * another word's hash or a small value: one product, as the fast path
 * takes it per token (the high bits, us_row, depend on every bit of a ^ b). */
static inline uint64_t us_mix2(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ b;
    return (x ^ x >> 32) * 0x9e3779b97f4a7c15ull;
}

/* What the tagger keeps per token of a document (filled by the stage). */
typedef struct us_tokinfo {
    uint64_t h;      /* hash of the lower-cased form */
    uint64_t suf;    /* hash of its last three bytes */
    uint8_t shape;   /* 0 lower word, 1 capitalised, 2 all capitals, 3 number, 4 punctuation,
                        5 opening quote, 6 closing quote, 7 other quote */
    uint8_t rule;    /* 0 none, 1 source, 2 cue, 3 content (by the rules); | 4 in a quotation;
                        after the model: | 8 a standing cue, | 16 a standing source */
    uint8_t pad[6];
} us_tokinfo;

#define US_TAGMASK (US_CUE | US_WEAK | US_NOUN | US_STMT | US_WEASEL | US_PRON | US_DET | US_AUX | \
                    US_PREP | US_ROLE | US_STOP)

/* 0 for 0, 1..3 as they are, 4 for 4..5, 5 for 6..9, 6 for 10..20, 7 beyond */
static inline unsigned us_dist_bucket(uint32_t d)
{
    static const unsigned char b[21] = {0, 1, 2, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6};
    return d <= 20 ? b[d] : 7;
}

/* Features of the tokens [ts, te) of a sentence into F[(i - ts) * US_NF ...].
 * tags: each token's list tags; near: scratch of 2 * (te - ts) uint32. */
/* near[2i], near[2i+1] of the tokens [ts, te) (see below); returns
 * has_quote | has_rule << 1. */
static unsigned us_tag_near(const us_tokinfo *ti, const us_tok *tk, uint32_t ts, uint32_t te,
                            uint32_t *near)
{
    uint32_t n = te - ts, i;
    uint32_t last = UINT32_MAX, lastrule = UINT32_MAX;
    unsigned has_quote = 0, has_rule = 0;
    /* near[2i]: distance to the nearest cue-list word on the left (0 none),
     * near[2i+1] ... to the right; the high half: the same for rule cues. */
    for (i = 0; i < n; i++) {
        const us_tok *t = &tk[ts + i];
        near[2 * i] = (last == UINT32_MAX ? 0 : us_dist_bucket(i - last)) |
                      (lastrule == UINT32_MAX ? 0 : us_dist_bucket(i - lastrule)) << 8;
        if (t->tags & US_CUE)
            last = i;
        if ((ti[ts + i].rule & 3) == 2)
            lastrule = i, has_rule = 1;
        if (ti[ts + i].rule & 4)
            has_quote = 1;
    }
    last = lastrule = UINT32_MAX;
    for (i = n; i-- > 0;) {
        const us_tok *t = &tk[ts + i];
        near[2 * i + 1] = (last == UINT32_MAX ? 0 : us_dist_bucket(last - i)) |
                          (lastrule == UINT32_MAX ? 0 : us_dist_bucket(lastrule - i)) << 8;
        if (t->tags & US_CUE)
            last = i;
        if ((ti[ts + i].rule & 3) == 2)
            lastrule = i;
    }
    return has_quote | has_rule << 1;
}

static void us_tag_feats(const us_tokinfo *ti, const us_tok *tk, uint32_t ts, uint32_t te,
                         uint64_t *F, uint32_t *near)
{
    uint32_t n = te - ts, i;
    unsigned hq = us_tag_near(ti, tk, ts, te, near);
    unsigned has_quote = hq & 1, has_rule = hq >> 1;
    for (i = 0; i < n; i++) {
        uint32_t k = ts + i;
        uint64_t *f = F + (size_t)i * US_NF;
        uint64_t w0 = ti[k].h;
        uint64_t wm1 = i > 0 ? ti[k - 1].h : 11, wp1 = i + 1 < n ? ti[k + 1].h : 13;
        uint64_t wm2 = i > 1 ? ti[k - 2].h : 17, wp2 = i + 2 < n ? ti[k + 2].h : 19;
        unsigned s0 = ti[k].shape, sm1 = i > 0 ? ti[k - 1].shape : 8, sp1 = i + 1 < n ? ti[k + 1].shape : 9;
        unsigned r0 = ti[k].rule, rm1 = i > 0 ? ti[k - 1].rule : 8, rp1 = i + 1 < n ? ti[k + 1].rule : 9;
        uint64_t g0 = tk[k].tags & US_TAGMASK, gm1 = i > 0 ? tk[k - 1].tags & US_TAGMASK : 1ull << 40,
                 gp1 = i + 1 < n ? tk[k + 1].tags & US_TAGMASK : 1ull << 41;
        unsigned pos = (i == 0) | (i + 1 == n) << 1 | ((tk[k].flags & US_F_PARA) != 0) << 2;
        unsigned cl = near[2 * i] & 0xff, cr = near[2 * i + 1] & 0xff;
        unsigned rl = near[2 * i] >> 8, rr = near[2 * i + 1] >> 8;
        f[0] = us_mix(1, 0);
        f[1] = us_mix(2, w0);
        f[2] = us_mix(3, wm1);
        f[3] = us_mix(4, wp1);
        f[4] = us_mix(5, wm2);
        f[5] = us_mix(6, wp2);
        f[6] = us_mix2(us_mix(7, wm1), w0);
        f[7] = us_mix2(us_mix(8, w0), wp1);
        f[8] = us_mix(9, ti[k].suf);
        f[9] = us_mix(10, s0);
        f[10] = us_mix(11, s0 | sm1 << 4 | sp1 << 8);
        f[11] = us_mix(12, g0);
        f[12] = us_mix(13, gm1);
        f[13] = us_mix(14, gp1);
        f[14] = us_mix(15, r0);
        f[15] = us_mix(16, r0 | rm1 << 4 | rp1 << 8);
        f[16] = us_mix(17, rl | rr << 4);
        f[17] = us_mix(18, rl | rr << 4 | s0 << 8 | r0 << 12);
        f[18] = us_mix(19, cl | cr << 4);
        f[19] = us_mix(20, cl | cr << 4 | s0 << 8);
        f[20] = us_mix(21, pos | (unsigned)has_quote << 3 | (unsigned)has_rule << 4);
        f[21] = us_mix2(us_mix(22, w0), r0);
        f[22] = us_mix2(us_mix(23, wm1), rl | rr << 4);
        f[23] = us_mix(24, cl | cr << 4 | (unsigned)(g0 & US_CUE ? 1 : 0) << 8 | r0 << 12);
        f[24] = us_mix2(us_mix(25, w0), cl | cr << 4);
        f[25] = us_mix(26, pos | s0 << 4 | r0 << 8);
    }
}

static inline uint32_t us_row(uint64_t f)
{
    return (uint32_t)(f >> (64 - US_ROW_BITS));
}

/* Emission scores em[n * US_NL] of n tokens' features. */
static void us_model_emissions(const us_model *m, const uint64_t *F, uint32_t n, float *em)
{
    uint32_t i, j, l;
    for (i = 0; i < n; i++) {
        int32_t acc[US_LANES] = {0};
        for (j = 0; j < US_NF; j++) {
            const us_weight *wr = us_model_row(m, us_row(F[(size_t)i * US_NF + j]));
            for (l = 0; l < US_LANES; l++)
                acc[l] += wr[l];
        }
        for (l = 0; l < US_NL; l++)
            em[(size_t)i * US_NL + l] = (float)acc[l] * m->wscale;
    }
}

/* ---- the fast path of the emission scores ----
 *
 * The same sums as us_tag_feats + us_model_emissions, in fewer look-ups:
 *
 * - features of few values are summed once, in us_model_tables, into
 *   tables indexed by those values: shapes at -1..1 (f9, f10), rule
 *   labels at -1..1 (f14, f15), rule cue distances with shape and rule
 *   (f16, f17), cue-word distances with shape, cue tag and rule (f18,
 *   f19, f23), position, quotation state, shape and rule with the bias
 *   (f0, f20, f25), and the sentence-edge values of the neighbour
 *   features;
 * - what a word adds to itself and to its neighbours at -2..2 (f1..f5,
 *   f8, f11..f13, and f21 outside rule spans) is summed once per worker
 *   and word in a small cache (us_wentry), so a token reads one entry;
 * - the word pairs (f6, f7), f21 inside rule spans, f22 and f24 are looked
 *   up as before.
 * Integer sums are exact, so the scores are the same to the bit; a test
 * compares both paths. */

enum {
    US_TB_SHAPE = 0,          /* s0 | sm1 << 4 | sp1 << 8 */
    US_TB_RULE = 4096,        /* r0 | rm1 << 4 | rp1 << 8 */
    US_TB_RCUE = 8192,        /* rl | rr << 3 | s0 << 6 | r0 << 9 */
    US_TB_CUE = 12288,        /* cl | cr << 3 | s0 << 6 | cue << 9 | r0 << 10 */
    US_TB_POS = 20480,        /* pos | hq << 3 | hr << 4 | s0 << 5 | r0 << 8, with the bias */
    US_TB_EDGE = 22528,       /* 0: no left neighbour, 1: none at -2, 2: no right one, 3: none at +2 */
    US_TB_ALL = 22532
};

/* Eight lanes as two 16-byte vectors (SSE2, NEON, or plain code the
 * compiler makes of them): the scalar loops were not vectorised at -O2. */
typedef int32_t us_v4i __attribute__((vector_size(16)));
typedef int16_t us_v4s __attribute__((vector_size(8)));
typedef float us_v4f __attribute__((vector_size(16)));

/* Eight lanes as one 32-byte vector: one instruction each with AVX2 (the
 * build of us_model_emissions_hw), two 16-byte ones otherwise. */
typedef int32_t us_v8i __attribute__((vector_size(32)));
typedef int16_t us_v8s __attribute__((vector_size(16)));
typedef float us_v8f __attribute__((vector_size(32)));

typedef int8_t us_v8b __attribute__((vector_size(8)));
typedef us_weight us_v8w __attribute__((vector_size(8 * sizeof(us_weight))));

/* a += the row of feature f (a's lanes hold sums of at most a few rows, so
 * 16 bits hold them: see US_WMAX). */
static inline void us_add_feat(int16_t *a, const us_model *m, uint64_t f)
{
    us_v8w r;
    us_v8s p;
    memcpy(&r, us_model_row(m, us_row(f)), sizeof r);
    memcpy(&p, a, sizeof p);
    p += __builtin_convertvector(r, us_v8s);
    memcpy(a, &p, sizeof p);
}

static inline void us_add16(int16_t *a, const int16_t *r)
{
    us_v8s x, p;
    memcpy(&x, r, sizeof x);
    memcpy(&p, a, sizeof p);
    p += x;
    memcpy(a, &p, sizeof p);
}

/* The tables of us_model (US_TB_ALL vectors of US_LANES).  0, or -1 when
 * out of memory. */
static int us_model_tables(us_model *m)
{
    uint32_t a, b, c, d, e;
    int16_t *t = calloc((size_t)US_TB_ALL * US_LANES, sizeof *t);
    if (t == NULL)
        return -1;
    for (a = 0; a < 16; a++)
        for (b = 0; b < 16; b++)
            for (c = 0; c < 16; c++) {
                int16_t *v = t + (size_t)(US_TB_SHAPE + (a | b << 4 | c << 8)) * US_LANES;
                us_add_feat(v, m, us_mix(10, a));
                us_add_feat(v, m, us_mix(11, a | b << 4 | c << 8));
                v = t + (size_t)(US_TB_RULE + (a | b << 4 | c << 8)) * US_LANES;
                us_add_feat(v, m, us_mix(15, a));
                us_add_feat(v, m, us_mix(16, a | b << 4 | c << 8));
            }
    /* a, b: distances left and right (0..7); c: shape; d: rule; e: cue tag */
    for (a = 0; a < 8; a++)
        for (b = 0; b < 8; b++)
            for (c = 0; c < 8; c++)
                for (d = 0; d < 8; d++) {
                    int16_t *v = t + (size_t)(US_TB_RCUE + (a | b << 3 | c << 6 | d << 9)) * US_LANES;
                    us_add_feat(v, m, us_mix(17, a | b << 4));
                    us_add_feat(v, m, us_mix(18, a | b << 4 | c << 8 | d << 12));
                    for (e = 0; e < 2; e++) {
                        v = t + (size_t)(US_TB_CUE + (a | b << 3 | c << 6 | e << 9 | d << 10)) * US_LANES;
                        us_add_feat(v, m, us_mix(19, a | b << 4));
                        us_add_feat(v, m, us_mix(20, a | b << 4 | c << 8));
                        us_add_feat(v, m, us_mix(24, a | b << 4 | e << 8 | d << 12));
                    }
                }
    /* a: position; b: has_quote | has_rule << 1; c: shape; d: rule */
    for (a = 0; a < 8; a++)
        for (b = 0; b < 4; b++)
            for (c = 0; c < 8; c++)
                for (d = 0; d < 8; d++) {
                    int16_t *v = t + (size_t)(US_TB_POS + (a | b << 3 | c << 5 | d << 8)) * US_LANES;
                    us_add_feat(v, m, us_mix(1, 0));
                    us_add_feat(v, m, us_mix(21, a | (b & 1) << 3 | (b >> 1) << 4));
                    us_add_feat(v, m, us_mix(26, a | c << 4 | d << 8));
                }
    /* (each vector sums at most three rows: 16 bits hold it) */
    us_add_feat(t + (size_t)(US_TB_EDGE + 0) * US_LANES, m, us_mix(3, 11));
    us_add_feat(t + (size_t)(US_TB_EDGE + 0) * US_LANES, m, us_mix(13, 1ull << 40));
    us_add_feat(t + (size_t)(US_TB_EDGE + 1) * US_LANES, m, us_mix(5, 17));
    us_add_feat(t + (size_t)(US_TB_EDGE + 2) * US_LANES, m, us_mix(4, 13));
    us_add_feat(t + (size_t)(US_TB_EDGE + 2) * US_LANES, m, us_mix(14, 1ull << 41));
    us_add_feat(t + (size_t)(US_TB_EDGE + 3) * US_LANES, m, us_mix(6, 19));
    m->tab = t;
    return 0;
}

/* What one word adds to itself and its neighbours, for one worker: 16,384
 * entries of 128 bytes (2 MB; 8,192 missed often enough that the larger
 * cache is 1.02 times as fast over BBC, and 32,768 no faster again). */
#define US_WC_BITS 14
typedef struct us_wentry {
    uint64_t h, suf, tags;  /* the word; tags UINT64_MAX: empty */
    uint64_t pad;
    int16_t self[US_LANES];  /* f1, f8, f11 */
    int16_t selfz[US_LANES]; /* the same and f21 with no rule label */
    int16_t next[US_LANES];  /* f2, f12 of the token after it */
    int16_t prev[US_LANES];  /* f3, f13 of the token before it */
    int16_t next2[US_LANES]; /* f4 of the token two after */
    int16_t prev2[US_LANES]; /* f5 of the token two before */
} us_wentry;
_Static_assert(sizeof(us_wentry) == 128, "a word cache entry is two cache lines");

static us_wentry *us_wcache_new(void)
{
    size_t n = (size_t)1 << US_WC_BITS, k;
    us_wentry *c = NULL;
    if (posix_memalign((void **)&c, 64, n * sizeof *c) != 0)
        return NULL;
    for (k = 0; k < n; k++)
        c[k].tags = UINT64_MAX;
    return c;
}

/* Fill the entry of a word (out of the loop that calls it, which then
 * keeps more in registers). */
static __attribute__((noinline)) void us_wcache_fill(const us_model *m, us_wentry *e, uint64_t h,
                                                           uint64_t suf, uint64_t tags)
{
    memset(e, 0, sizeof *e);
    e->h = h;
    e->suf = suf;
    e->tags = tags;
    us_add_feat(e->self, m, us_mix(2, h));
    us_add_feat(e->self, m, us_mix(9, suf));
    us_add_feat(e->self, m, us_mix(12, tags));
    memcpy(e->selfz, e->self, sizeof e->selfz);
    us_add_feat(e->selfz, m, us_mix2(us_mix(22, h), 0));
    us_add_feat(e->next, m, us_mix(3, h));
    us_add_feat(e->next, m, us_mix(13, tags));
    us_add_feat(e->prev, m, us_mix(4, h));
    us_add_feat(e->prev, m, us_mix(14, tags));
    us_add_feat(e->next2, m, us_mix(5, h));
    us_add_feat(e->prev2, m, us_mix(6, h));
}

/* Fetch ahead the rows us_wcache_fill reads for a word (the same
 * features: keep the two together; a row missed here is only read
 * later, never wrong). */
static inline __attribute__((always_inline)) void us_wcache_prefetch(const us_model *m, uint64_t h, uint64_t suf,
                                                                     uint64_t tags)
{
    __builtin_prefetch(us_model_row(m, us_row(us_mix(2, h))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(9, suf))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(12, tags))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix2(us_mix(22, h), 0))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(3, h))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(13, tags))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(4, h))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(14, tags))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(5, h))));
    __builtin_prefetch(us_model_row(m, us_row(us_mix(6, h))));
}

/* The entry of a word in its slot (us_emissions_prep), filled on a miss. */
static inline __attribute__((always_inline)) const us_wentry *
us_wcache_get(const us_model *m, us_wentry *c, uint32_t slot, uint64_t h, uint64_t suf, uint64_t tags)
{
    us_wentry *e = &c[slot];
    if (__builtin_expect(!(e->h == h && e->suf == suf && e->tags == tags), 0))
        us_wcache_fill(m, e, h, suf, tags);
    return e;
}

/* What the main loop of us_emissions_body reads per token, made by
 * us_emissions_prep: the byte offsets of its five table vectors and the
 * small values its rows are hashed with. */
typedef struct us_tctx {
    uint32_t tab[5]; /* shape, rule, rule-cue, cue-word and position tables */
    uint32_t row[5]; /* f6, f7, f21 (US_ROW_NONE without a rule label), f22, f24 */
    uint32_t slot;   /* the word's entry in the word cache */
    uint32_t r0;     /* the rule label */
} us_tctx;

/* us_tag_near, the table offsets, the rows and the word cache slots of the
 * tokens [ts, te) in two passes: the left distances (and whether the
 * window has a quotation or a rule cue) forwards, the rest backwards; the
 * rows and cache entries are fetched as they are found, so that the main
 * loop finds them in the cache.  c: n entries; left: n bytes of scratch. */
static inline __attribute__((always_inline)) void us_emissions_prep(const us_model *m, const us_wentry *wc,
                                                                    const us_tokinfo *t, const us_tok *tk,
                                                                    uint32_t n, us_tctx *c, uint8_t *left)
{
    uint32_t i, last = UINT32_MAX, lastrule = UINT32_MAX;
    unsigned hqr = 0, sn, rn;
    uint64_t hn = 13;
    const us_weight *dn = m->dense;
    for (i = 0; i < n; i++) {
        left[i] = (uint8_t)((last == UINT32_MAX ? 0 : us_dist_bucket(i - last)) |
                            (lastrule == UINT32_MAX ? 0 : us_dist_bucket(i - lastrule)) << 3);
        if (tk[i].tags & US_CUE)
            last = i;
        if ((t[i].rule & 3) == 2)
            lastrule = i, hqr |= 2;
        hqr |= t[i].rule >> 2 & 1;
    }
    last = lastrule = UINT32_MAX;
    sn = 9;
    rn = 9;
    for (i = n; i-- > 0;) {
        const unsigned s0 = t[i].shape, r0 = t[i].rule;
        const unsigned sp = i > 0 ? t[i - 1].shape : 8, rp = i > 0 ? t[i - 1].rule : 8;
        const uint64_t h = t[i].h, hp = i > 0 ? t[i - 1].h : 11;
        const unsigned cl = left[i] & 7, rl = left[i] >> 3;
        const unsigned cr = last == UINT32_MAX ? 0 : us_dist_bucket(last - i);
        const unsigned rr = lastrule == UINT32_MAX ? 0 : us_dist_bucket(lastrule - i);
        const unsigned cue = (tk[i].tags & US_CUE) != 0;
        const unsigned pos = (i == 0) | (i + 1 == n) << 1 | ((tk[i].flags & US_F_PARA) != 0) << 2;
        const uint64_t tags = tk[i].tags & US_TAGMASK;
        us_tctx *x = &c[i];
        uint32_t r2 = us_row(us_mix2(us_mix(22, h), r0));
        x->tab[0] = (US_TB_SHAPE + (s0 | sp << 4 | sn << 8)) * US_LANES * 2;
        x->tab[1] = (US_TB_RULE + (r0 | rp << 4 | rn << 8)) * US_LANES * 2;
        x->tab[2] = (US_TB_RCUE + (rl | rr << 3 | s0 << 6 | r0 << 9)) * US_LANES * 2;
        x->tab[3] = (US_TB_CUE + (cl | cr << 3 | s0 << 6 | cue << 9 | r0 << 10)) * US_LANES * 2;
        x->tab[4] = (US_TB_POS + (pos | hqr << 3 | s0 << 5 | r0 << 8)) * US_LANES * 2;
        /* no feature f21 without a rule label: the zero row, by a mask */
        x->row[0] = us_row(us_mix2(us_mix(7, hp), h));
        x->row[1] = us_row(us_mix2(us_mix(8, h), hn));
        x->row[2] = US_ROW_NONE ^ ((r2 ^ US_ROW_NONE) & (0u - (r0 != 0)));
        x->row[3] = us_row(us_mix2(us_mix(23, hp), rl | rr << 4));
        x->row[4] = us_row(us_mix2(us_mix(25, h), cl | cr << 4));
        x->slot = (uint32_t)(us_mix(h ^ tags, t[i].suf) >> (64 - US_WC_BITS));
        x->r0 = r0;
        __builtin_prefetch(dn + (size_t)x->row[0] * US_LANES);
        __builtin_prefetch(dn + (size_t)x->row[1] * US_LANES);
        __builtin_prefetch(dn + (size_t)x->row[2] * US_LANES);
        __builtin_prefetch(dn + (size_t)x->row[3] * US_LANES);
        __builtin_prefetch(dn + (size_t)x->row[4] * US_LANES);
        __builtin_prefetch(&wc[x->slot]);
        __builtin_prefetch((const char *)&wc[x->slot] + 64);
        __builtin_prefetch((const char *)m->tab + x->tab[0]);
        __builtin_prefetch((const char *)m->tab + x->tab[1]);
        __builtin_prefetch((const char *)m->tab + x->tab[2]);
        __builtin_prefetch((const char *)m->tab + x->tab[3]);
        __builtin_prefetch((const char *)m->tab + x->tab[4]);
        if (tk[i].tags & US_CUE)
            last = i;
        if ((r0 & 3) == 2)
            lastrule = i;
        sn = s0;
        rn = r0;
        hn = h;
    }
}

/* Emission scores em[n * US_NL] of the tokens [ts, te) of a sentence, as
 * us_tag_feats + us_model_emissions give them; em has room for one float
 * more (written, not a score).  scratch: n * sizeof(us_tctx) + n bytes,
 * acc: (n + 4) * US_LANES int32.  -1 (nothing done) when a token's shape
 * or rule label is outside the tables.
 *
 * One pass over the tokens after us_emissions_prep: token i adds its
 * word's shares to the sums of tokens i-2..i+2 (acc slot j + 2 is token
 * j's: slots 0, 1 and the last two take what falls off the edges), its
 * tables and its rows to its own; token i-2's sum is then complete and
 * becomes its scores.  Nothing is read back from a cache entry once a
 * later word may have replaced it, and no test of the sentence's edges is
 * made per token: the edges' rows start the first two sums and end the
 * last two. */
static inline __attribute__((always_inline)) int
us_emissions_body(const us_model *m, us_wentry *wc, const us_tokinfo *ti, const us_tok *tk, uint32_t ts,
                  uint32_t te, void *scratch, int16_t *acc, float *em)
{
    uint32_t n = te - ts, i;
    unsigned smask = 0;
    const unsigned char *tb = (const unsigned char *)m->tab;
    const us_weight *dn = m->dense;
    const us_tokinfo *t = ti + ts;
    us_tctx *c = scratch;
    us_v8s v, y, e0, e1, e2, e3;
    us_v8w w8;
    us_v8f f, sc = {m->wscale, m->wscale, m->wscale, m->wscale, m->wscale, m->wscale, m->wscale, m->wscale};
    for (i = 0; i < n; i++)
        smask |= t[i].shape | t[i].rule;
    if (smask > 7)
        return -1;
    us_emissions_prep(m, wc, t, tk + ts, n, c, (uint8_t *)(c + n));
    /* the rows of the words missing from the cache, fetched ahead too
     * (their entries were fetched by the pass above, the last first) */
    for (i = n; i-- > 0;) {
        const us_wentry *e = &wc[c[i].slot];
        const uint64_t tags = tk[ts + i].tags & US_TAGMASK;
        if (!(e->h == t[i].h && e->suf == t[i].suf && e->tags == tags))
            us_wcache_prefetch(m, t[i].h, t[i].suf, tags);
    }
    memcpy(&e0, tb + (size_t)(US_TB_EDGE + 0) * US_LANES * 2, sizeof e0);
    memcpy(&e1, tb + (size_t)(US_TB_EDGE + 1) * US_LANES * 2, sizeof e1);
    memcpy(&e2, tb + (size_t)(US_TB_EDGE + 2) * US_LANES * 2, sizeof e2);
    memcpy(&e3, tb + (size_t)(US_TB_EDGE + 3) * US_LANES * 2, sizeof e3);
    /* slots 0, 1: off the left edge; 2, 3: tokens 0 and 1, with the rows of
     * no word before them */
    memset(acc, 0, 2 * US_LANES * sizeof *acc);
    v = e0 + e1;
    memcpy(acc + 2 * US_LANES, &v, sizeof v);
    memcpy(acc + 3 * US_LANES, &e1, sizeof e1);
    for (i = 0; i < n; i++) {
        const us_tctx *x = &c[i];
        const us_wentry *e = us_wcache_get(m, wc, x->slot, t[i].h, t[i].suf, tk[ts + i].tags & US_TAGMASK);
        int16_t *a = acc + (size_t)(i + 2) * US_LANES;
        const unsigned r0 = x->r0;
        /* the word's shares to its neighbours (slot i + 4 is new: stored) */
        memcpy(acc + (size_t)(i + 4) * US_LANES, e->next2, sizeof e->next2);
        us_add16(a + US_LANES, e->next);
        us_add16(a - US_LANES, e->prev);
        us_add16(a - 2 * US_LANES, e->prev2);
        /* its own, the tables and the rows, summed in a register (16 bits
         * hold any sum of a token's rows: 26 of at most US_WMAX) */
        memcpy(&v, a, sizeof v);
        memcpy(&y, r0 == 0 ? e->selfz : e->self, sizeof y);
        v += y;
#define US_ACC16(OFF) (memcpy(&y, tb + (OFF), sizeof y), v += y)
#define US_ACC8(ROW) (memcpy(&w8, dn + (size_t)(ROW) * US_LANES, sizeof w8), v += __builtin_convertvector(w8, us_v8s))
        US_ACC16(x->tab[0]);
        US_ACC16(x->tab[1]);
        US_ACC16(x->tab[2]);
        US_ACC16(x->tab[3]);
        US_ACC16(x->tab[4]);
        /* word pairs, word and rule label, words and cue distances */
        US_ACC8(x->row[0]);
        US_ACC8(x->row[1]);
        US_ACC8(x->row[2]);
        US_ACC8(x->row[3]);
        US_ACC8(x->row[4]);
        memcpy(a, &v, sizeof v);
        /* token i - 2 has all its shares (slot i) */
        if (i >= 2) {
            memcpy(&v, acc + (size_t)i * US_LANES, sizeof v);
            /* (float)sum * wscale, all lanes at once (the same IEEE
             * operations, so the same scores); stored whole, the eighth
             * lane over the next token's first score, written next */
            f = __builtin_convertvector(__builtin_convertvector(v, us_v8i), us_v8f) * sc;
            memcpy(em + (size_t)(i - 2) * US_NL, &f, sizeof f);
        }
    }
    /* the last two: the rows of no word after them */
    for (i = n > 2 ? n - 2 : 0; i < n; i++) {
        memcpy(&v, acc + (size_t)(i + 2) * US_LANES, sizeof v);
        v += e3;
        if (i + 1 == n)
            v += e2;
        f = __builtin_convertvector(__builtin_convertvector(v, us_v8i), us_v8f) * sc;
        memcpy(em + (size_t)i * US_NL, &f, sizeof f);
    }
#undef US_ACC16
#undef US_ACC8
    return 0;
}

/* The body above compiled twice: for any processor of the target, and, on
 * x86, for those with the population count and SSE4 instructions (one
 * instruction for the rank of a row, one to widen four weights).  Integer
 * sums and the same IEEE conversions and products (no fused multiply-add
 * is enabled), so both give the same scores to the bit; a test compares
 * them. */
static int us_model_emissions_sw(const us_model *m, us_wentry *wc, const us_tokinfo *ti, const us_tok *tk,
                                 uint32_t ts, uint32_t te, void *scratch, int16_t *acc, float *em)
{
    return us_emissions_body(m, wc, ti, tk, ts, te, scratch, acc, em);
}

#if defined(__GNUC__) && defined(__x86_64__)
#define US_HAVE_HW 1
static __attribute__((target("avx2"))) int
us_model_emissions_hw(const us_model *m, us_wentry *wc, const us_tokinfo *ti, const us_tok *tk, uint32_t ts,
                      uint32_t te, void *scratch, int16_t *acc, float *em)
{
    return us_emissions_body(m, wc, ti, tk, ts, te, scratch, acc, em);
}

static int us_cpu_hw(void)
{
    return __builtin_cpu_supports("avx2") != 0;
}
#else
#define US_HAVE_HW 0
static int us_cpu_hw(void)
{
    return 0;
}
#endif

static int us_model_emissions_fast(const us_model *m, us_wentry *wc, const us_tokinfo *ti,
                                   const us_tok *tk, uint32_t ts, uint32_t te, void *scratch,
                                   int16_t *acc, float *em)
{
#if US_HAVE_HW
    if (m->hw)
        return us_model_emissions_hw(m, wc, ti, tk, ts, te, scratch, acc, em);
#endif
    return us_model_emissions_sw(m, wc, ti, tk, ts, te, scratch, acc, em);
}

/* BIO: an inside label only after its own kind. */
static int us_bio_ok(int prev, int cur)
{
    if (cur == US_L_ISRC || cur == US_L_ICUE || cur == US_L_ICON)
        return prev == cur || prev == cur - 1;
    return 1;
}

/* Best labels out[n] for emissions em; back: n * US_NL bytes of scratch.
 * The plain form; us_viterbi below gives the same labels faster (a test
 * compares them). */
static __attribute__((unused)) void us_viterbi_plain(const float *em, uint32_t n, const float *trans, const float *start,
                       const float *end, uint8_t *back, uint8_t *out)
{
    float a[US_NL], b[US_NL];
    uint32_t i;
    int l, p, best = 0;
    if (n == 0)
        return;
    for (l = 0; l < US_NL; l++)
        a[l] = us_bio_ok(US_L_O, l) ? start[l] + em[l] : -1e30f;
    for (i = 1; i < n; i++) {
        /* outside and begin labels follow any label; an inside label only
         * its own begin or inside (us_bio_ok), tried in the same order */
        for (l = 0; l < US_NL; l++) {
            float bv = -1e30f;
            int bp = 0;
            if (l == US_L_ISRC || l == US_L_ICUE || l == US_L_ICON) {
                float v0 = a[l - 1] + trans[(l - 1) * US_NL + l], v1 = a[l] + trans[l * US_NL + l];
                if (v0 > bv)
                    bv = v0, bp = l - 1;
                if (v1 > bv)
                    bv = v1, bp = l;
            } else {
                for (p = 0; p < US_NL; p++) {
                    float v = a[p] + trans[p * US_NL + l];
                    if (v > bv)
                        bv = v, bp = p;
                }
            }
            b[l] = bv + em[(size_t)i * US_NL + l];
            back[(size_t)i * US_NL + l] = (uint8_t)bp;
        }
        memcpy(a, b, sizeof a);
    }
    for (l = 0; l < US_NL; l++)
        if (a[l] + end[l] > a[best] + end[best])
            best = l;
    out[n - 1] = (uint8_t)best;
    for (i = n - 1; i > 0; i--)
        out[i - 1] = back[(size_t)i * US_NL + out[i]];
}

/* us_viterbi_plain with the previous labels as the loop and the current
 * ones as lanes: a[p] + trans[p][l] for all l at once, a forbidden step
 * scoring -inf.  Ties go to the lowest previous label, as there.  em must
 * have one float to spare after its n * US_NL (read, never used); back:
 * n * US_BACK bytes of scratch: per token, the best previous label of
 * each label as the eight 32-bit lanes of the tournament, stored as they
 * are (narrowing them to bytes took five instructions a token on the
 * shuffle port the broadcasts already crowd). */
#define US_BACK 32
_Static_assert(US_NL == 7, "us_viterbi_body's tournament takes seven labels");
/* The transition scores as us_viterbi takes them: a row of eight lanes
 * per previous label, a forbidden step -inf (the model keeps them). */
static void us_viterbi_rows(const float *trans, float *rows)
{
    int l, p;
    for (p = 0; p < US_NL; p++)
        for (l = 0; l < 8; l++)
            rows[p * 8 + l] = l < US_NL && us_bio_ok(p, l) ? trans[p * US_NL + l] : -INFINITY;
}

/* The labels from the back pointers, the last one best: the label walked
 * back in a register (out and back may alias as far as the compiler
 * knows, so out[i] read back would wait on its store). */
static inline __attribute__((always_inline)) void us_viterbi_back(const uint8_t *back, uint32_t n, int best,
                                                                  uint8_t *out)
{
    uint32_t i;
    unsigned cur = (unsigned)best;
    out[n - 1] = (uint8_t)cur;
    for (i = n - 1; i > 0; i--) {
        int32_t p;
        memcpy(&p, back + (size_t)i * US_BACK + 4 * cur, sizeof p);
        cur = (unsigned)p;
        out[i - 1] = (uint8_t)cur;
    }
}

static inline __attribute__((always_inline)) void us_viterbi_body(const float *em, uint32_t n, const float *rows,
                                                                const float *start, const float *end,
                                                                uint8_t *back, uint8_t *out)
{
    us_v8f t[US_NL], a;
    float av[8];
    uint32_t i;
    int l, p, best = 0;
    if (n == 0)
        return;
    for (p = 0; p < US_NL; p++)
        memcpy(&t[p], rows + p * 8, sizeof t[p]);
    for (l = 0; l < 8; l++)
        av[l] = l < US_NL && us_bio_ok(US_L_O, l) ? start[l] + em[l] : -1e30f;
    memcpy(&a, av, sizeof a);
    for (i = 1; i < n; i++) {
        us_v8f v[US_NL], b, b01, b23, b45, b03, b46, e;
        us_v8i pl, p01, p23, p45, p03, p46, m;
        /* the previous label p as a constant, so its score is a lane
         * shuffle, not a trip through memory */
#define US_VPREV(P)                                                                      \
    do {                                                                                 \
        const us_v8i bc = {P, P, P, P, P, P, P, P};                                      \
        v[P] = __builtin_shuffle(a, bc) + t[P];                                          \
    } while (0)
        US_VPREV(0);
        US_VPREV(1);
        US_VPREV(2);
        US_VPREV(3);
        US_VPREV(4);
        US_VPREV(5);
        US_VPREV(6);
#undef US_VPREV
        /* The best previous label as a tournament of pairs, the lower
         * label kept on a tie (a later one must score more): the first
         * best label, as the plain loop's strict comparisons in label
         * order find it, in three rounds of comparisons instead of six
         * one after the other (each step waits on the one before). */
#define US_PICK(BO, PO, BL, PL, BR, PR)                                                  \
    do {                                                                                 \
        m = (BR) > (BL);                                                                 \
        BO = (us_v8f)((m & (us_v8i)(BR)) | (~m & (us_v8i)(BL)));                         \
        PO = (m & (PR)) | (~m & (PL));                                                   \
    } while (0)
        {
            const us_v8i c0 = {0, 0, 0, 0, 0, 0, 0, 0}, c1 = {1, 1, 1, 1, 1, 1, 1, 1};
            const us_v8i c2 = {2, 2, 2, 2, 2, 2, 2, 2}, c3 = {3, 3, 3, 3, 3, 3, 3, 3};
            const us_v8i c4 = {4, 4, 4, 4, 4, 4, 4, 4}, c5 = {5, 5, 5, 5, 5, 5, 5, 5};
            const us_v8i c6 = {6, 6, 6, 6, 6, 6, 6, 6};
            US_PICK(b01, p01, v[0], c0, v[1], c1);
            US_PICK(b23, p23, v[2], c2, v[3], c3);
            US_PICK(b45, p45, v[4], c4, v[5], c5);
            US_PICK(b03, p03, b01, p01, b23, p23);
            US_PICK(b46, p46, b45, p45, v[6], c6);
            US_PICK(b, pl, b03, p03, b46, p46);
        }
#undef US_PICK
        memcpy(&e, em + (size_t)i * US_NL, sizeof e); /* lane 7: the next float, unused */
        a = b + e;
        memcpy(back + (size_t)i * US_BACK, &pl, sizeof pl);
    }
    memcpy(av, &a, sizeof a);
    for (l = 0; l < US_NL; l++)
        if (av[l] + end[l] > av[best] + end[best])
            best = l;
    us_viterbi_back(back, n, best, out);
}

/* Built twice, as the emission scores are (the same float additions and
 * comparisons lane by lane, so the same labels).  rows: us_viterbi_rows. */
static void us_viterbi_rows_sw(const float *em, uint32_t n, const float *rows, const float *start,
                               const float *end, uint8_t *back, uint8_t *out)
{
    us_viterbi_body(em, n, rows, start, end, back, out);
}

#if US_HAVE_HW
/* us_viterbi_body for AVX2, with the tournament's scores taken by the
 * processor's maximum: vmaxps(r, l) is r > l ? r : l lane by lane (on a
 * tie, -0 against +0, or a NaN, the second operand), the very choice of
 * US_PICK, so the scores and labels are the same to the bit (a test
 * compares).  The chain from one token's scores to the next is then a
 * shuffle, an addition, three maxima and an addition; the comparisons
 * that choose the back pointers hang off it. */
static __attribute__((target("avx2"))) void us_viterbi_rows_hw(const float *em, uint32_t n,
                                                                      const float *rows, const float *start,
                                                                      const float *end, uint8_t *back,
                                                                      uint8_t *out)
{
    __m256 t[US_NL], a;
    float av[8];
    uint32_t i;
    int l, p, best = 0;
    const __m256i c0 = _mm256_set1_epi32(0), c1 = _mm256_set1_epi32(1), c2 = _mm256_set1_epi32(2);
    const __m256i c3 = _mm256_set1_epi32(3), c4 = _mm256_set1_epi32(4), c5 = _mm256_set1_epi32(5);
    const __m256i c6 = _mm256_set1_epi32(6);
    if (n == 0)
        return;
    for (p = 0; p < US_NL; p++)
        t[p] = _mm256_loadu_ps(rows + p * 8);
    for (l = 0; l < 8; l++)
        av[l] = l < US_NL && us_bio_ok(US_L_O, l) ? start[l] + em[l] : -1e30f;
    a = _mm256_loadu_ps(av);
    for (i = 1; i < n; i++) {
        __m256 v0, v1, v2, v3, v4, v5, v6, b01, b23, b45, b03, b46, b;
        __m256 p01, p23, p45, p03, p46, pl;
        v0 = _mm256_add_ps(_mm256_permutevar8x32_ps(a, c0), t[0]);
        v1 = _mm256_add_ps(_mm256_permutevar8x32_ps(a, c1), t[1]);
        v2 = _mm256_add_ps(_mm256_permutevar8x32_ps(a, c2), t[2]);
        v3 = _mm256_add_ps(_mm256_permutevar8x32_ps(a, c3), t[3]);
        v4 = _mm256_add_ps(_mm256_permutevar8x32_ps(a, c4), t[4]);
        v5 = _mm256_add_ps(_mm256_permutevar8x32_ps(a, c5), t[5]);
        v6 = _mm256_add_ps(_mm256_permutevar8x32_ps(a, c6), t[6]);
        /* the labels: R where R > L, as US_PICK (ints kept as float bits) */
#define US_PICKP(BL, PL, BR, PR) \
    _mm256_blendv_ps((PL), (PR), _mm256_cmp_ps((BR), (BL), _CMP_GT_OQ))
        p01 = US_PICKP(v0, _mm256_castsi256_ps(c0), v1, _mm256_castsi256_ps(c1));
        p23 = US_PICKP(v2, _mm256_castsi256_ps(c2), v3, _mm256_castsi256_ps(c3));
        p45 = US_PICKP(v4, _mm256_castsi256_ps(c4), v5, _mm256_castsi256_ps(c5));
        b01 = _mm256_max_ps(v1, v0);
        b23 = _mm256_max_ps(v3, v2);
        b45 = _mm256_max_ps(v5, v4);
        p03 = US_PICKP(b01, p01, b23, p23);
        p46 = US_PICKP(b45, p45, v6, _mm256_castsi256_ps(c6));
        b03 = _mm256_max_ps(b23, b01);
        b46 = _mm256_max_ps(v6, b45);
        pl = US_PICKP(b03, p03, b46, p46);
        b = _mm256_max_ps(b46, b03);
#undef US_PICKP
        a = _mm256_add_ps(b, _mm256_loadu_ps(em + (size_t)i * US_NL)); /* lane 7: the next float, unused */
        _mm256_storeu_ps((float *)(void *)(back + (size_t)i * US_BACK), pl);
    }
    _mm256_storeu_ps(av, a);
    for (l = 0; l < US_NL; l++)
        if (av[l] + end[l] > av[best] + end[best])
            best = l;
    us_viterbi_back(back, n, best, out);
}
#endif

static void us_viterbi_r(const float *em, uint32_t n, const float *rows, const float *start, const float *end,
                         uint8_t *back, uint8_t *out)
{
#if US_HAVE_HW
    if (us_cpu_hw()) {
        us_viterbi_rows_hw(em, n, rows, start, end, back, out);
        return;
    }
#endif
    us_viterbi_rows_sw(em, n, rows, start, end, back, out);
}

static __attribute__((unused)) void us_viterbi_sw(const float *em, uint32_t n, const float *trans,
                                                  const float *start, const float *end, uint8_t *back,
                                                  uint8_t *out)
{
    float rows[US_NL * 8];
    us_viterbi_rows(trans, rows);
    us_viterbi_rows_sw(em, n, rows, start, end, back, out);
}

static __attribute__((unused)) void us_viterbi(const float *em, uint32_t n, const float *trans,
                                               const float *start, const float *end, uint8_t *back,
                                               uint8_t *out)
{
    float rows[US_NL * 8];
    us_viterbi_rows(trans, rows);
    us_viterbi_r(em, n, rows, start, end, back, out);
}

#endif /* UNSOURCED_TAG_H */
