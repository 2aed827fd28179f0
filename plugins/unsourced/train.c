/* textpipe-unsourced-train: train the unsourced stage's attribution tagger.
 *
 *     textpipe-unsourced-train [-e EPOCHS] [-w LEFT,RIGHT] [-g] [-s SEED] -o MODEL TRAIN.jsonl [DEV.jsonl]
 *
 * Each input line: {"text": "...", "spans": [[start, end, "Source"|"Cue"|"Content"], ...]}
 * with code-point offsets (bench/unsourced/polnear_spans.py writes PolNeAR
 * so).  The text goes through the stage's own analysis (tokens, the shared
 * sentence splitter, quotations, the rules); each token is labelled by the
 * span covering it (cue over source over content), BIO.  An averaged
 * structured perceptron learns the weights; after each epoch the token
 * scores on DEV are printed.  Features are hashed into the model's
 * 2^US_ROW_BITS rows (those that share a row share its weights, in
 * training as in the stage).  Each sentence is tagged over its window
 * (us_tag_window: LEFT tokens before its first cue word, quotation mark
 * or colon to RIGHT after its last; default 8,8), which the model file
 * keeps for the stage.  With -g it trains and checks on the sentences the
 * stage gives the tagger only (us_tag_window); the others are "none".
 * -s: the seed of the order in which the sentences are visited (default 7). */
#define US_NO_BUILTIN_MODEL
#include "unsourced.c"

#include <stdio.h>
#include <textpipe/token.h>

typedef struct sent {
    uint32_t n;
    uint32_t *rows;  /* n * US_NF */
    uint8_t *gold;
} sent;

typedef struct corpus {
    sent *v;
    size_t n, cap;
    size_t ntok;
} corpus;

static int kind_of(const char *k)
{
    return strcmp(k, "Source") == 0 ? 1 : strcmp(k, "Cue") == 0 ? 2 : strcmp(k, "Content") == 0 ? 3 : 0;
}

static void add_sentences(json_t *rec, tp_text *t, tp_tokens *tok, tp_sentences *sen)
{
    json_t *arr = json_array();
    size_t i;
    tp_text_load(t, rec);
    if (tp_tokenize(tok, tp_text_bytes(t), tp_text_len(t)) != 0 ||
        tp_split_sentences(sen, tok, tp_text_bytes(t), tp_text_len(t)) != 0) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (i = 0; i < sen->n; i++) {
        json_t *s = json_object();
        json_object_set_new(s, "start", json_integer((json_int_t)tp_text_cp(t, sen->v[i].start)));
        json_object_set_new(s, "end", json_integer((json_int_t)tp_text_cp(t, sen->v[i].end)));
        json_array_append_new(arr, s);
    }
    json_object_set_new(rec, "sentences", arr);
}

static void load(const char *path, us_instance *in, us_worker *w, corpus *c)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    tp_text *t = tp_text_new();
    tp_tokens tok;
    tp_sentences sen;
    memset(&tok, 0, sizeof tok);
    memset(&sen, 0, sizeof sen);
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    while (getline(&line, &cap, f) > 0) {
        json_error_t je;
        json_t *rec = json_loads(line, 0, &je), *spans;
        tp_error err;
        const char *text;
        size_t len, k, cp, b, s;
        uint32_t *cpb;
        uint8_t *kind;
        int32_t *sid;
        if (rec == NULL) {
            fprintf(stderr, "%s: %s\n", path, je.text);
            exit(1);
        }
        spans = json_object_get(rec, "spans");
        json_incref(spans);
        json_object_del(rec, "spans");
        add_sentences(rec, t, &tok, &sen);
        memset(&err, 0, sizeof err);
        if (us_process(in, w, rec, &err) != TP_OK) {
            fprintf(stderr, "%s: the stage failed\n", path);
            exit(1);
        }
        text = json_string_value(json_object_get(rec, "text"));
        len = strlen(text);
        /* code point -> byte */
        cpb = malloc((len + 2) * sizeof *cpb);
        kind = calloc(len + 1, 1);
        sid = malloc((len + 1) * sizeof *sid);
        for (b = 0, cp = 0; b < len; b++)
            if (((unsigned char)text[b] & 0xc0) != 0x80)
                cpb[cp++] = (uint32_t)b;
        cpb[cp] = (uint32_t)len;
        for (b = 0; b <= len; b++)
            sid[b] = -1;
        /* Content first, then source, then cue: the later wins. */
        for (s = 3; s >= 1; s--) {
            int want = s == 3 ? 3 : s == 2 ? 1 : 2;
            for (k = 0; k < json_array_size(spans); k++) {
                json_t *x = json_array_get(spans, k);
                size_t a = (size_t)json_integer_value(json_array_get(x, 0));
                size_t e = (size_t)json_integer_value(json_array_get(x, 1));
                if (kind_of(json_string_value(json_array_get(x, 2))) != want || a >= e || e > cp)
                    continue;
                for (b = cpb[a]; b < cpb[e]; b++) {
                    kind[b] = (uint8_t)want;
                    sid[b] = (int32_t)k;
                }
            }
        }
        for (s = 0; s < w->n_sents; s++) {
            const us_sent *st = &w->sents[s];
            uint32_t n = st->wb - st->wa, i, j; /* the window (us_tag_window) */
            sent *o;
            int32_t prev = -2;
            if (n == 0 || !st->tag) /* with -g, the sentences the stage tags only */
                continue;
            if (c->n == c->cap) {
                c->cap = c->cap ? 2 * c->cap : 1024;
                c->v = realloc(c->v, c->cap * sizeof *c->v);
            }
            o = &c->v[c->n++];
            o->n = n;
            o->rows = malloc((size_t)n * US_NF * sizeof *o->rows);
            o->gold = malloc(n);
            us_tag_fit(w, n);
            us_tag_feats(w->ti, w->toks.v, st->wa, st->wb, w->F, w->near);
            for (j = 0; j < n * US_NF; j++)
                o->rows[j] = us_row(w->F[j]);
            for (i = 0; i < n; i++) {
                const us_tok *tk = &w->toks.v[st->wa + i];
                int kd = kind[tk->s];
                int32_t id = sid[tk->s];
                if (kd == 0) {
                    o->gold[i] = US_L_O;
                } else {
                    int begin = prev != id;
                    o->gold[i] = (uint8_t)(kd == 1 ? (begin ? US_L_BSRC : US_L_ISRC)
                                         : kd == 2 ? (begin ? US_L_BCUE : US_L_ICUE)
                                                   : (begin ? US_L_BCON : US_L_ICON));
                }
                prev = kd ? id : -2;
            }
            c->ntok += n;
        }
        free(cpb);
        free(kind);
        free(sid);
        json_decref(spans);
        json_decref(rec);
    }
    free(line);
    fclose(f);
    tp_text_free(t);
    tp_tokens_free(&tok);
    tp_sentences_free(&sen);
}

#define NROWS (1u << US_ROW_BITS)
#define NT (US_NL * US_NL + 2 * US_NL)

static float *W, *U;        /* rows * US_NL, then the transitions */
static float T[NT], TU[NT];
static double cstep = 1;

static void emissions(const sent *s, const float *w, float *em)
{
    uint32_t i, j, l;
    for (i = 0; i < s->n; i++) {
        float *e = em + (size_t)i * US_NL;
        for (l = 0; l < US_NL; l++)
            e[l] = 0;
        for (j = 0; j < US_NF; j++) {
            const float *r = w + (size_t)s->rows[(size_t)i * US_NF + j] * US_NL;
            for (l = 0; l < US_NL; l++)
                e[l] += r[l];
        }
    }
}

static void upd(float *w, float *u, size_t k, float v)
{
    w[k] += v;
    u[k] += (float)(cstep * v);
}

static void train_sent(const sent *s, float *em, uint8_t *back, uint8_t *pred)
{
    uint32_t i, j;
    emissions(s, W, em);
    us_viterbi(em, s->n, T, T + US_NL * US_NL, T + US_NL * US_NL + US_NL, back, pred);
    for (i = 0; i < s->n; i++) {
        int g = s->gold[i], p = pred[i];
        if (g != p)
            for (j = 0; j < US_NF; j++) {
                size_t r = (size_t)s->rows[(size_t)i * US_NF + j] * US_NL;
                upd(W, U, r + g, 1);
                upd(W, U, r + p, -1);
            }
        if (i == 0) {
            if (g != p) {
                upd(T, TU, US_NL * US_NL + g, 1);
                upd(T, TU, US_NL * US_NL + p, -1);
            }
        } else if (g != p || s->gold[i - 1] != pred[i - 1]) {
            upd(T, TU, s->gold[i - 1] * US_NL + g, 1);
            upd(T, TU, pred[i - 1] * US_NL + p, -1);
        }
    }
    if (s->gold[s->n - 1] != pred[s->n - 1]) {
        upd(T, TU, US_NL * US_NL + US_NL + s->gold[s->n - 1], 1);
        upd(T, TU, US_NL * US_NL + US_NL + pred[s->n - 1], -1);
    }
    cstep++;
}

/* Span scores of the labels on a corpus with weights w, t: exact spans and
 * overlapping ones, per kind. */
static void evaluate(const corpus *c, const float *w, const float *t, float *em, uint8_t *back, uint8_t *pred)
{
    size_t k, tp[4] = {0}, np[4] = {0}, ng[4] = {0}, tpo[4] = {0}, ok = 0;
    for (k = 0; k < c->n; k++) {
        const sent *s = &c->v[k];
        uint32_t i;
        emissions(s, w, em);
        us_viterbi(em, s->n, t, t + US_NL * US_NL, t + US_NL * US_NL + US_NL, back, pred);
        for (i = 0; i < s->n; i++) {
            int kp = US_KIND_OF(pred[i]), kg = US_KIND_OF(s->gold[i]);
            ok += pred[i] == s->gold[i];
            if (pred[i] && (pred[i] & 1)) {  /* a predicted span starts */
                uint32_t e = i + 1, j, hit = 0, exact;
                while (e < s->n && pred[e] == pred[i] + 1)
                    e++;
                np[kp]++;
                for (j = i; j < e; j++)
                    hit |= US_KIND_OF(s->gold[j]) == kp;
                tpo[kp] += hit;
                exact = s->gold[i] == pred[i] && (e == s->n || s->gold[e] != pred[i] + 1);
                for (j = i + 1; j < e && exact; j++)
                    exact = s->gold[j] == pred[j];
                tp[kp] += exact;
            }
            if (s->gold[i] && (s->gold[i] & 1))
                ng[kg]++;
        }
    }
    fprintf(stderr, "  token accuracy %.4f", (double)ok / (double)(c->ntok ? c->ntok : 1));
    for (k = 1; k <= 3; k++) {
        double p = np[k] ? (double)tpo[k] / np[k] : 0, r = ng[k] ? (double)tp[k] / ng[k] : 0;
        fprintf(stderr, " | %s exact P %.3f R %.3f, overlapping P %.3f (pred %zu gold %zu)",
                k == 1 ? "src" : k == 2 ? "cue" : "con", np[k] ? (double)tp[k] / np[k] : 0, r, p, np[k], ng[k]);
    }
    fprintf(stderr, "\n");
}

static float *averaged(void)
{
    float *a = malloc((size_t)NROWS * US_NL * sizeof *a);
    size_t k;
    for (k = 0; k < (size_t)NROWS * US_NL; k++)
        a[k] = W[k] - U[k] / (float)cstep;
    return a;
}

static void write_model(const char *path, const float *a, const float *t, uint32_t wl, uint32_t wr)
{
    float mx = 0;
    size_t k, nfeat = 0;
    uint32_t l;
    us_weight *wv;
    us_model_header h;
    unsigned char *payload;
    size_t plen;
    FILE *f;
    for (k = 0; k < (size_t)NROWS * US_NL; k++)
        if (fabsf(a[k]) > mx)
            mx = fabsf(a[k]);
    memset(&h, 0, sizeof h);
    memcpy(h.magic, US_MODEL_MAGIC, 8);
    h.version = US_MODEL_VERSION;
    h.nlabels = US_NL;
    h.row_bits = US_ROW_BITS;
    h.rows = NROWS;
    h.wscale = mx > 0 ? mx / (float)US_WMAX : 1.0f;
    h.win_left = wl;
    h.win_right = wr;
    plen = us_model_payload();
    h.payload_bytes = plen;
    payload = calloc(1, plen);
    memcpy(payload, t, NT * sizeof(float));
    wv = (us_weight *)(void *)(payload + us_pad8(NT * sizeof(float)));
    for (k = 0; k < NROWS; k++) {
        int any = 0;
        for (l = 0; l < US_NL; l++) {
            long q = lrintf(a[k * US_NL + l] / h.wscale);
            wv[k * US_LANES + l] = (us_weight)(q > US_WMAX ? US_WMAX : q < -US_WMAX ? -US_WMAX : q);
            any |= wv[k * US_LANES + l] != 0;
        }
        nfeat += (size_t)any;
    }
    h.nfeat = (uint32_t)nfeat;
    h.checksum = us_fnv64(payload, plen);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(&h, sizeof h, 1, f) != 1 || fwrite(payload, plen, 1, f) != 1 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    fprintf(stderr, "wrote %s: %zu of %u rows in use, window %u,%u, %zu bytes\n", path, nfeat, (unsigned)NROWS, wl,
            wr, sizeof h + plen);
    free(payload);
}

int main(int argc, char **argv)
{
    const char *out = NULL, *trainf = NULL, *devf = NULL;
    int epochs = 6, i, e, gated = 0;
    unsigned seed = 7;
    unsigned wl = 8, wr = 8;
    us_instance *in;
    void *wp;
    tp_error err;
    corpus tr, dv;
    float *em, *ta;
    uint8_t *back, *pred;
    size_t maxn = 0, k;
    uint32_t *order;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
            epochs = atoi(argv[++i]);
        else if (strcmp(argv[i], "-g") == 0)
            gated = 1;
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%u,%u", &wl, &wr) != 2 || wl > US_WIN_MAX || wr > US_WIN_MAX) {
                fprintf(stderr, "-w: LEFT,RIGHT, each at most %u\n", US_WIN_MAX);
                return 2;
            }
        }
        else if (trainf == NULL)
            trainf = argv[i];
        else
            devf = argv[i];
    }
    if (out == NULL || trainf == NULL) {
        fprintf(stderr, "usage: textpipe-unsourced-train [-e EPOCHS] [-w LEFT,RIGHT] [-g] [-s SEED] -o MODEL TRAIN.jsonl [DEV.jsonl]\n");
        return 2;
    }
    memset(&err, 0, sizeof err);
    if (us_create((void **)&in, NULL, &err) != TP_OK || us_worker_init(&wp, in, &err) != TP_OK) {
        fprintf(stderr, "cannot create the stage\n");
        return 1;
    }
    in->tagger = 0;
    in->train_only = 1;
    in->train_gated = gated;
    in->model.win_l = wl;
    in->model.win_r = wr;
    memset(&tr, 0, sizeof tr);
    memset(&dv, 0, sizeof dv);
    load(trainf, in, wp, &tr);
    if (devf)
        load(devf, in, wp, &dv);
    fprintf(stderr, "train: %zu sentences, %zu tokens; dev: %zu sentences\n", tr.n, tr.ntok, dv.n);
    for (k = 0; k < tr.n; k++)
        if (tr.v[k].n > maxn)
            maxn = tr.v[k].n;
    for (k = 0; k < dv.n; k++)
        if (dv.v[k].n > maxn)
            maxn = dv.v[k].n;
    W = calloc((size_t)NROWS * US_NL, sizeof *W);
    U = calloc((size_t)NROWS * US_NL, sizeof *U);
    em = calloc(maxn * US_NL + 8, sizeof *em); /* us_viterbi reads one float more */
    back = malloc(maxn * US_BACK);
    pred = malloc(maxn);
    order = malloc(tr.n * sizeof *order);
    for (k = 0; k < tr.n; k++)
        order[k] = (uint32_t)k;
    srand(seed);
    for (e = 0; e < epochs; e++) {
        for (k = tr.n; k > 1; k--) {
            size_t j = (size_t)rand() % k;
            uint32_t x = order[k - 1];
            order[k - 1] = order[j];
            order[j] = x;
        }
        for (k = 0; k < tr.n; k++)
            train_sent(&tr.v[order[k]], em, back, pred);
        if (dv.n) {
            float *a = averaged();
            float t[NT];
            for (k = 0; k < NT; k++)
                t[k] = T[k] - TU[k] / (float)cstep;
            fprintf(stderr, "epoch %d dev:", e + 1);
            evaluate(&dv, a, t, em, back, pred);
            free(a);
        }
    }
    ta = averaged();
    {
        float t[NT];
        for (k = 0; k < NT; k++)
            t[k] = T[k] - TU[k] / (float)cstep;
        write_model(out, ta, t, wl, wr);
    }
    free(ta);
    return 0;
}
