/*
 * textpipe-train clusters: word classes and casing statistics from
 * unlabelled news, for the entities tagger.
 *
 * Each word of the vocabulary is described by the words seen just before and
 * after it (positive PMI with smoothed context counts over the commonest
 * words), projected to a few hundred dimensions by a seeded random matrix;
 * the words are then split in two again and again by spherical 2-means, which
 * gives every word a bit string like Brown clusters do (prefixes are coarser
 * classes).  Alongside, for every word, how often it is capitalised where it
 * does not start a sentence.
 *
 * Input: folders or files; *.sgm.gz (Reuters SGML: TITLE and BODY), *.txt.
 * Output lines: word<TAB>bits<TAB>casing<TAB>count, commonest first.
 */
#include <config.h>
#include "ner.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int entities_train_clusters(int argc, char **argv);

static void cdie(const char *msg, const char *arg)
{
    fprintf(stderr, "textpipe-train clusters: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

static void *cmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        cdie("out of memory", NULL);
    return p;
}

/* ---- vocabulary ---- */

typedef struct word {
    char *s;
    uint32_t len;
    uint64_t count, low_mid, cap_mid;
} word;

static word *W;
static uint32_t nW, capW;
static uint32_t *slots;
static uint32_t nslots;

static uint32_t word_id(const char *s, size_t len)
{
    uint32_t j;
    if ((nW + 1) * 2 > nslots) {
        uint32_t ns = nslots ? nslots * 2 : 1 << 16, i;
        free(slots);
        slots = cmalloc(sizeof *slots * ns);
        memset(slots, 0xff, sizeof *slots * ns);
        nslots = ns;
        for (i = 0; i < nW; i++) {
            j = (uint32_t)entities_hash(W[i].s, W[i].len, 5) & (ns - 1);
            while (slots[j] != UINT32_MAX)
                j = (j + 1) & (ns - 1);
            slots[j] = i;
        }
    }
    j = (uint32_t)entities_hash(s, len, 5) & (nslots - 1);
    while (slots[j] != UINT32_MAX) {
        word *w = &W[slots[j]];
        if (w->len == len && memcmp(w->s, s, len) == 0)
            return slots[j];
        j = (j + 1) & (nslots - 1);
    }
    if (nW == capW) {
        capW = capW ? capW * 2 : 1 << 15;
        W = realloc(W, sizeof *W * capW);
        if (W == NULL)
            cdie("out of memory", NULL);
    }
    W[nW].s = cmalloc(len + 1);
    memcpy(W[nW].s, s, len);
    W[nW].s[len] = '\0';
    W[nW].len = (uint32_t)len;
    W[nW].count = W[nW].low_mid = W[nW].cap_mid = 0;
    slots[j] = nW;
    return nW++;
}

/* the token stream: word ids, with UINT32_MAX between sentences */
static uint32_t *stream;
static size_t nstream, capstream;

static void emit(uint32_t id)
{
    if (nstream == capstream) {
        capstream = capstream ? capstream * 2 : 1 << 20;
        stream = realloc(stream, sizeof *stream * capstream);
        if (stream == NULL)
            cdie("out of memory", NULL);
    }
    stream[nstream++] = id;
}

/* ---- a plain tokeniser, close to CoNLL's ---- */

static int is_punct(unsigned char c)
{
    return c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

static void add_token(const char *s, size_t len, int initial, int casing)
{
    char low[64];
    size_t n;
    uint32_t id;
    if (len == 0 || len > 63)
        return;
    n = entities_lower(low, sizeof low, s, len);
    id = word_id(low, n);
    W[id].count++;
    if (casing && !initial) {
        unsigned char c = (unsigned char)s[0];
        if (c >= 'a' && c <= 'z')
            W[id].low_mid++;
        else if (c >= 'A' && c <= 'Z')
            W[id].cap_mid++;
    }
    emit(id);
}

/* Tokenise one paragraph of text; casing: count casing statistics. */
static void tokenize_text(const char *p, size_t len, int casing)
{
    size_t i = 0;
    int initial = 1;
    while (i < len) {
        size_t a, b;
        while (i < len && (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
            i++;
        a = i;
        while (i < len && !(p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
            i++;
        b = i;
        if (a == b)
            continue;
        /* leading punctuation */
        while (a < b && is_punct((unsigned char)p[a]) && !(p[a] == '$' && b - a > 1)) {
            add_token(p + a, 1, initial, casing);
            a++;
        }
        {
            size_t e = b, k;
            char trail[16];
            int nt = 0;
            /* trailing punctuation, except the dot of an abbreviation (U.S.) */
            while (e > a && is_punct((unsigned char)p[e - 1]) && nt < 16) {
                if (p[e - 1] == '.') {
                    int inner = 0;
                    for (k = a; k + 1 < e; k++)
                        if (p[k] == '.')
                            inner = 1;
                    if (inner || (e - a == 2 && p[a] >= 'A' && p[a] <= 'Z'))
                        break;
                }
                trail[nt++] = p[--e];
            }
            if (e > a) {
                /* clitics */
                size_t c = e;
                if (e - a > 2 && (p[e - 2] == '\'' ) && (p[e - 1] == 's' || p[e - 1] == 'S' || p[e - 1] == 'd'))
                    c = e - 2;
                else if (e - a > 3 && p[e - 3] == 'n' && p[e - 2] == '\'' && p[e - 1] == 't')
                    c = e - 3;
                add_token(p + a, c - a, initial, casing);
                initial = 0;
                if (c < e)
                    add_token(p + c, e - c, 0, casing);
            }
            while (nt > 0) {
                char t = trail[--nt];
                add_token(&t, 1, 0, casing);
                if (t == '.' || t == '!' || t == '?') {
                    emit(UINT32_MAX);
                    initial = 1;
                }
            }
        }
    }
    emit(UINT32_MAX);
}

static char *slurp_cmd(const char *path, size_t *len)
{
    char cmd[4200];
    FILE *f;
    char *buf;
    size_t cap = 1 << 20, n = 0, r;
    if (strchr(path, '\'') != NULL)
        cdie("path with a quote", path);
    snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
    f = popen(cmd, "r");
    if (f == NULL)
        cdie("cannot run gzip", path);
    buf = cmalloc(cap + 1);
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            if (buf == NULL)
                cdie("out of memory", NULL);
        }
    }
    pclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (f == NULL)
        cdie("cannot open", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = cmalloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Replace SGML entities in place. */
static size_t unescape(char *s, size_t n)
{
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '&') {
            size_t j = i + 1;
            while (j < n && j < i + 8 && s[j] != ';')
                j++;
            if (j < n && s[j] == ';') {
                if (!strncmp(s + i, "&lt;", 4))
                    s[o++] = '<';
                else if (!strncmp(s + i, "&gt;", 4))
                    s[o++] = '>';
                else if (!strncmp(s + i, "&amp;", 5))
                    s[o++] = '&';
                else
                    s[o++] = ' ';
                i = j;
                continue;
            }
        }
        s[o++] = s[i];
    }
    return o;
}

static void read_sgml(const char *path)
{
    size_t len;
    char *buf = slurp_cmd(path, &len), *p = buf;
    for (;;) {
        char *t = strstr(p, "<TITLE>"), *b = strstr(p, "<BODY>"), *e;
        if (t != NULL && (b == NULL || t < b)) {
            t += 7;
            e = strstr(t, "</TITLE>");
            if (e == NULL)
                break;
            tokenize_text(t, unescape(t, (size_t)(e - t)), 0);
            p = e + 8;
        } else if (b != NULL) {
            b += 6;
            e = strstr(b, "</BODY>");
            if (e == NULL)
                break;
            tokenize_text(b, unescape(b, (size_t)(e - b)), 1);
            p = e + 7;
        } else
            break;
    }
    free(buf);
}

static void read_txt(const char *path)
{
    size_t len;
    char *buf = slurp(path, &len), *p = buf, *e;
    /* one paragraph at a time; the first line is a headline */
    int first = 1;
    while (*p) {
        e = strstr(p, "\n\n");
        if (e == NULL)
            e = p + strlen(p);
        tokenize_text(p, (size_t)(e - p), !first);
        first = 0;
        p = *e ? e + 2 : e;
    }
    free(buf);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        cdie("cannot read", path);
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char **names = NULL;
        size_t n = 0, cap = 0, i;
        if (d == NULL)
            cdie("cannot open", path);
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                names = realloc(names, sizeof *names * cap);
            }
            names[n] = cmalloc(strlen(path) + strlen(e->d_name) + 2);
            sprintf(names[n], "%s/%s", path, e->d_name);
            n++;
        }
        closedir(d);
        qsort(names, n, sizeof *names, cmp_str);
        for (i = 0; i < n; i++) {
            read_path(names[i]);
            free(names[i]);
        }
        free(names);
        return;
    }
    if (strlen(path) > 7 && !strcmp(path + strlen(path) - 7, ".sgm.gz"))
        read_sgml(path);
    else if (strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".txt") &&
             strstr(path, "README") == NULL)
        read_txt(path);
}

/* ---- clustering ---- */

static uint64_t crng;
static double urand(void)
{
    crng ^= crng << 13;
    crng ^= crng >> 7;
    crng ^= crng << 17;
    return (double)(crng >> 11) / 9007199254740992.0;
}

static int cmp_count(const void *a, const void *b)
{
    const word *x = &W[*(const uint32_t *)a], *y = &W[*(const uint32_t *)b];
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->s, y->s);
}

static float *V;      /* nv * D */
static int D = 192;
static uint32_t *codes;
static uint8_t *clens;

/* Spherical k-means of the words ids[0, n) into k groups (k-means++ seeds,
 * a fixed number of rounds); fills side[] with each word's group. */
static void kmeans(const uint32_t *ids, size_t n, int k, uint8_t *side)
{
    float *c = cmalloc(sizeof(float) * (size_t)D * (size_t)k);
    double *dist = cmalloc(sizeof(double) * n), total;
    size_t i;
    int g, d, it;
    /* k-means++ on 1 - cosine */
    memcpy(c, V + (size_t)ids[(size_t)(urand() * (double)n) % n] * (size_t)D, sizeof(float) * (size_t)D);
    for (i = 0; i < n; i++)
        dist[i] = 2;
    for (g = 1; g < k; g++) {
        double r;
        total = 0;
        for (i = 0; i < n; i++) {
            const float *v = V + (size_t)ids[i] * (size_t)D;
            float s = 0;
            for (d = 0; d < D; d++)
                s += v[d] * c[(size_t)(g - 1) * (size_t)D + (size_t)d];
            if (1 - s < dist[i])
                dist[i] = 1 - s > 0 ? 1 - s : 0;
            total += dist[i] * dist[i];
        }
        r = urand() * total;
        for (i = 0; i + 1 < n && r > dist[i] * dist[i]; i++)
            r -= dist[i] * dist[i];
        memcpy(c + (size_t)g * (size_t)D, V + (size_t)ids[i] * (size_t)D, sizeof(float) * (size_t)D);
    }
    for (it = 0; it < 10; it++) {
        for (i = 0; i < n; i++) {
            const float *v = V + (size_t)ids[i] * (size_t)D;
            float best = -2;
            int bg = 0;
            for (g = 0; g < k; g++) {
                const float *cc = c + (size_t)g * (size_t)D;
                float s = 0;
                for (d = 0; d < D; d++)
                    s += v[d] * cc[d];
                if (s > best) {
                    best = s;
                    bg = g;
                }
            }
            side[i] = (uint8_t)bg;
        }
        memset(c, 0, sizeof(float) * (size_t)D * (size_t)k);
        for (i = 0; i < n; i++) {
            const float *v = V + (size_t)ids[i] * (size_t)D;
            float *cc = c + (size_t)side[i] * (size_t)D;
            for (d = 0; d < D; d++)
                cc[d] += v[d];
        }
        for (g = 0; g < k; g++) {
            float *cc = c + (size_t)g * (size_t)D;
            double norm = 0;
            for (d = 0; d < D; d++)
                norm += (double)cc[d] * cc[d];
            norm = norm > 0 ? 1 / sqrt(norm) : 0;
            for (d = 0; d < D; d++)
                cc[d] = (float)(cc[d] * norm);
        }
    }
    free(c);
    free(dist);
}

/* bits added at each level of the tree: 16, 4, 16 and 64 groups */
static const int level_bits[] = {4, 2, 4, 6};

static void split(uint32_t *ids, size_t n, int depth, int maxdepth, uint32_t code)
{
    int level, bits, k, g;
    uint8_t *side;
    size_t i, at;
    uint32_t *tmp;
    for (level = 0, bits = 0; level < 4 && bits < depth; level++)
        bits += level_bits[level];
    if (level >= 4 || depth >= maxdepth || n < 8) {
        for (i = 0; i < n; i++) {
            codes[ids[i]] = code;
            clens[ids[i]] = (uint8_t)depth;
        }
        return;
    }
    bits = level_bits[level];
    k = 1 << bits;
    while (k > 1 && (size_t)k * 4 > n)
        k >>= 1;
    side = cmalloc(n);
    kmeans(ids, n, k, side);
    tmp = cmalloc(sizeof *tmp * n);
    for (g = 0, at = 0; g < k; g++) {
        size_t from = at;
        for (i = 0; i < n; i++)
            if (side[i] == g)
                tmp[at++] = ids[i];
        (void)from;
    }
    memcpy(ids, tmp, sizeof *tmp * n);
    /* group sizes, in the same order */
    {
        size_t *cnt = calloc((size_t)k, sizeof *cnt), off = 0;
        for (i = 0; i < n; i++)
            cnt[side[i]]++;
        for (g = 0; g < k; g++) {
            if (cnt[g] > 0)
                split(ids + off, cnt[g], depth + bits, maxdepth, (code << bits) | (uint32_t)g);
            off += cnt[g];
        }
        free(cnt);
    }
    free(tmp);
    free(side);
}

int entities_train_clusters(int argc, char **argv)
{
    const char *out = NULL;
    int i, depth = 16;
    uint32_t nctx = 1000, nvocab = 40000, mincount = 5;
    uint32_t *order, *rankof, nv, k;
    float *C, *R, *ctxcount;
    double *rowsum;
    FILE *f;
    crng = 0x2545f4914f6cdd1dull;
    for (i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            crng ^= (uint64_t)strtoull(argv[++i], NULL, 10) * 0x9e3779b97f4a7c15ull;
        else if (!strcmp(argv[i], "--depth") && i + 1 < argc)
            depth = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--vocab") && i + 1 < argc)
            nvocab = (uint32_t)atoi(argv[++i]);
        else
            read_path(argv[i]);
    }
    if (out == NULL || nW == 0)
        cdie("usage: textpipe-train clusters -o OUT [--seed N] [--depth N] [--vocab N] DIR_OR_FILE...", NULL);
    if (depth < 1 || depth > 16)
        cdie("--depth must be 1..16", NULL);
    if (crng == 0)
        crng = 1;
    fprintf(stderr, "clusters: %zu tokens, %u word types\n", nstream, nW);
    order = cmalloc(sizeof *order * nW);
    rankof = cmalloc(sizeof *rankof * nW);
    for (k = 0; k < nW; k++)
        order[k] = k;
    qsort(order, nW, sizeof *order, cmp_count);
    for (k = 0; k < nW; k++)
        rankof[order[k]] = k;
    for (nv = 0; nv < nW && nv < nvocab && W[order[nv]].count >= mincount; nv++)
        ;
    if (nctx > nv)
        nctx = nv;
    /* context counts: left neighbours in [0, nctx), right in [nctx, 2 nctx) */
    C = calloc((size_t)nv * 2 * nctx, sizeof *C);
    ctxcount = calloc(2 * (size_t)nctx, sizeof *ctxcount);
    rowsum = calloc(nv, sizeof *rowsum);
    if (C == NULL || ctxcount == NULL || rowsum == NULL)
        cdie("out of memory", NULL);
    {
        size_t t;
        for (t = 0; t < nstream; t++) {
            uint32_t w = stream[t], r;
            if (w == UINT32_MAX || (r = rankof[w]) >= nv)
                continue;
            if (t > 0 && stream[t - 1] != UINT32_MAX && rankof[stream[t - 1]] < nctx)
                C[(size_t)r * 2 * nctx + rankof[stream[t - 1]]] += 1;
            if (t + 1 < nstream && stream[t + 1] != UINT32_MAX && rankof[stream[t + 1]] < nctx)
                C[(size_t)r * 2 * nctx + nctx + rankof[stream[t + 1]]] += 1;
        }
    }
    {
        size_t r, c;
        double total = 0, ztot = 0;
        for (r = 0; r < nv; r++)
            for (c = 0; c < 2 * nctx; c++) {
                ctxcount[c] += C[r * 2 * nctx + c];
                rowsum[r] += C[r * 2 * nctx + c];
            }
        for (c = 0; c < 2 * nctx; c++) {
            total += ctxcount[c];
            ztot += pow(ctxcount[c], 0.75);
        }
        /* PPMI with context smoothing (alpha 0.75) */
        for (r = 0; r < nv; r++)
            for (c = 0; c < 2 * nctx; c++) {
                float *x = &C[r * 2 * nctx + c];
                if (*x > 0 && rowsum[r] > 0) {
                    double pmi = log((double)*x / rowsum[r]) - log(pow(ctxcount[c], 0.75) / ztot);
                    *x = pmi > 0 ? (float)pmi : 0;
                }
            }
        (void)total;
    }
    /* random projection */
    R = cmalloc(sizeof *R * 2 * nctx * (size_t)D);
    for (k = 0; k < 2 * nctx * (uint32_t)D; k++)
        R[k] = (float)(urand() + urand() + urand() - 1.5);
    V = calloc((size_t)nv * (size_t)D, sizeof *V);
    if (V == NULL)
        cdie("out of memory", NULL);
    {
        size_t r, c;
        int d;
        for (r = 0; r < nv; r++) {
            float *v = V + r * (size_t)D;
            double norm = 0;
            for (c = 0; c < 2 * nctx; c++) {
                float x = C[r * 2 * nctx + c];
                const float *rr = R + c * (size_t)D;
                if (x == 0)
                    continue;
                for (d = 0; d < D; d++)
                    v[d] += x * rr[d];
            }
            for (d = 0; d < D; d++)
                norm += (double)v[d] * v[d];
            norm = norm > 0 ? 1 / sqrt(norm) : 0;
            for (d = 0; d < D; d++)
                v[d] = (float)(v[d] * norm);
        }
    }
    free(C);
    codes = calloc(nv, sizeof *codes);
    clens = calloc(nv, 1);
    {
        uint32_t *ids = cmalloc(sizeof *ids * nv);
        for (k = 0; k < nv; k++)
            ids[k] = k;
        split(ids, nv, 0, depth, 0);
        free(ids);
    }
    f = fopen(out, "w");
    if (f == NULL)
        cdie("cannot write", out);
    fprintf(f, "# word\tcluster bits\tcasing (0 unseen, 1..4 rarely..always capitalised mid-sentence)\tcount\n");
    for (k = 0; k < nW; k++) {
        const word *w = &W[order[k]];
        uint64_t mid = w->low_mid + w->cap_mid;
        int casing = 0, b;
        double frac;
        char bits[20];
        if (w->count < 2)
            break;
        if (mid >= 2) {
            frac = (double)w->cap_mid / (double)mid;
            casing = frac < 0.05 ? 1 : frac < 0.5 ? 2 : frac < 0.95 ? 3 : 4;
        }
        if (k < nv && clens[k] > 0) {
            for (b = 0; b < clens[k]; b++)
                bits[b] = (char)('0' + ((codes[k] >> (clens[k] - 1 - b)) & 1));
            bits[clens[k]] = '\0';
        } else
            strcpy(bits, "-");
        if (casing == 0 && bits[0] == '-')
            continue;
        fprintf(f, "%s\t%s\t%d\t%llu\n", w->s, bits, casing, (unsigned long long)w->count);
    }
    if (fclose(f) != 0)
        cdie("cannot write", out);
    fprintf(stderr, "clusters: %u words clustered into depth %d\n", nv, depth);
    for (k = 0; k < nW; k++)
        free(W[k].s);
    free(W);
    free(slots);
    free(stream);
    free(order);
    free(rankof);
    free(ctxcount);
    free(rowsum);
    free(R);
    free(V);
    free(codes);
    free(clens);
    return 0;
}
