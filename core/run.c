/* The run loop.
 *
 * One reader thread walks the inputs and fills slots of a ring; N worker
 * threads take slots in order, build each record (reading and decoding
 * files themselves), run the stages and serialise the result into the
 * slot; the calling thread writes slots out strictly in input order.  The
 * ring holds a few slots per worker, so memory does not grow with the
 * number of documents, and -j 1 and -j N write the same bytes. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "jsonr.h"
#include "jsonw.h"
#include "output.h"
#include "render.h"
#include "run.h"
#include "textpipe/record.h"

/* The ring holds SLOTS_PER_WORKER slots a worker.  A slot is a batch of
 * inputs: one large file, up to FILES_PER_SLOT small ones, or up to
 * LINES_PER_SLOT lines of JSON Lines, and about BATCH_BYTES at most (a
 * single larger document still travels alone). */
#define SLOTS_PER_WORKER 4
#define FILES_PER_SLOT 32
#define LINES_PER_SLOT 4096
#define BATCH_BYTES (1u << 20)

enum item_kind { ITEM_FILE = 1, ITEM_LINE, ITEM_ERROR };
enum slot_state { SLOT_EMPTY = 0, SLOT_FILLED, SLOT_DONE };

typedef struct item {
    enum item_kind kind;
    char *path;           /* ITEM_FILE, ITEM_ERROR */
    char *id;             /* ITEM_FILE, ITEM_ERROR */
    char *message;        /* ITEM_ERROR */
    size_t off, len;      /* ITEM_LINE: bytes in the slot's line buffer */
    const char *mapped;   /* ITEM_LINE from a mapped file: the line itself */
    size_t lineno;        /* ITEM_LINE */
} item;

typedef struct out_rec {
    size_t start, end;    /* bytes in the slot's output buffer */
    char *id;
    json_t *record;       /* kept only when rendering */
} out_rec;

typedef struct slot {
    enum slot_state state;
    size_t seq;           /* its place in the input order */
    item *items;
    size_t n_items, cap_items;
    char *lines;
    size_t lines_len, lines_cap;
    tp_buf out;
    out_rec *recs;
    size_t n_recs, cap_recs;
    size_t docs, failed, skipped, bytes;
    char *stop_message;   /* set when a stage with on_error: fail failed */
    const char *chunk;    /* mapped JSON Lines the worker cuts into items */
    size_t chunk_len;
    size_t first_line;    /* lines of standard input before the chunk */
} slot;

typedef struct stage_stats {
    double seconds;
    size_t records, bytes;
} stage_stats;

typedef struct run_state run_state;

typedef struct worker {
    run_state *rs;
    pthread_t thread;
    void **states;        /* per stage */
    stage_stats *stats;   /* per stage, then read, then write */
    char *buf;            /* file read buffer */
    size_t buf_cap;
} worker;

struct run_state {
    tp_pipeline *p;
    const tp_run_options *o;
    tp_output *out;
    slot *slots;
    size_t cap;
    size_t next_fill, next_take, written;
    int reader_done;
    int stop;             /* on_error: fail, or the output failed */
    size_t fail_seq;      /* the first slot where a stage with on_error: fail failed */
    pthread_mutex_t mu;
    pthread_cond_t work, done, space, lined;
    size_t lined_seq;     /* the next slot to number its lines */
    size_t lines_before;  /* lines of standard input in the slots before it */
    pthread_mutex_t trace_mu;
    size_t resumed;       /* inputs skipped by --resume */
    size_t total_docs, total_bytes; /* counted ahead, for progress */
    int tty;              /* standard error is a terminal */
    void *map;            /* standard input, when it is a file mapped whole */
    size_t map_len;
    int counted;
};

static volatile sig_atomic_t g_interrupted;

static void on_interrupt(int sig)
{
    g_interrupted = 1;
    signal(sig, SIG_DFL); /* a second Ctrl-C ends at once */
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- records from inputs ---- */

static json_t *input_error(const char *id, const char *path, const char *message)
{
    json_t *r = json_object();
    if (r == NULL)
        return NULL;
    json_object_set_new(r, "id", json_string(id));
    json_object_set_new(r, "source", json_pack("{s:s}", "path", path));
    tp_record_error(r, "input", message);
    return r;
}

static json_t *file_record(worker *w, const item *it, size_t *bytes)
{
    size_t max = w->rs->o->max_bytes, len = 0;
    struct stat st;
    char msg[512];
    tp_decoded dec;
    tp_decode_status ds;
    json_t *r;
    int fd = open(it->path, O_RDONLY);

    *bytes = 0;
    if (fd < 0) {
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        return input_error(it->id, it->path, msg);
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, sizeof msg, "not a regular file");
        close(fd);
        return input_error(it->id, it->path, msg);
    }
    if ((size_t)st.st_size > max) {
        snprintf(msg, sizeof msg, "the file is %lld bytes, over --max-bytes %zu",
                 (long long)st.st_size, max);
        close(fd);
        return input_error(it->id, it->path, msg);
    }
    if ((size_t)st.st_size + 1 > w->buf_cap) {
        size_t cap = (size_t)st.st_size + 1 > 65536 ? (size_t)st.st_size + 1 : 65536;
        char *b = realloc(w->buf, cap);
        if (b == NULL) {
            close(fd);
            return input_error(it->id, it->path, "out of memory");
        }
        w->buf = b;
        w->buf_cap = cap;
    }
    /* Read to the end, whatever fstat said (files can change). */
    for (;;) {
        ssize_t n;
        if (len == w->buf_cap) {
            size_t cap = w->buf_cap * 2;
            char *b = cap > max + 1 ? NULL : realloc(w->buf, cap);
            if (b == NULL) {
                close(fd);
                return input_error(it->id, it->path, "the file grew past --max-bytes while being read");
            }
            w->buf = b;
            w->buf_cap = cap;
        }
        n = read(fd, w->buf + len, w->buf_cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
            close(fd);
            return input_error(it->id, it->path, msg);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    *bytes = len;

    ds = tp_decode(&dec, w->buf, len);
    if (ds == TP_DECODE_BINARY)
        return input_error(it->id, it->path, "binary file (it contains NUL bytes); not read as text");
    if (ds != TP_DECODE_OK)
        return input_error(it->id, it->path, "out of memory");
    r = json_object();
    if (r != NULL) {
        json_object_set_new(r, "id", json_string(it->id));
        json_object_set_new(r, "source", json_pack("{s:s, s:I, s:s}", "path", it->path,
                                                   "bytes", (json_int_t)len, "encoding", dec.encoding));
        json_object_set_new(r, "text", json_stringn_nocheck(dec.text, dec.len));
        if (dec.replaced > 0) {
            snprintf(msg, sizeof msg, "not valid UTF-8 or Windows-1252: %zu invalid sequences "
                     "replaced by U+FFFD", dec.replaced);
            tp_record_warn(r, "input", msg);
        }
        if (len == 0)
            tp_record_warn(r, "input", "empty file");
    }
    free(dec.text);
    return r;
}

static json_t *line_record(const slot *s, const item *it)
{
    json_error_t jerr;
    char id[64], msg[512];
    const char *line = it->mapped != NULL ? it->mapped : s->lines + it->off;
    json_t *r = tp_json_parse(line, it->len, &jerr);
    if (r == NULL) /* rare: read it again with jansson, for its own words */
        r = json_loadb(line, it->len, 0, &jerr);
    if (r != NULL && json_is_object(r))
        return r;
    snprintf(id, sizeof id, "-:%zu", it->lineno);
    if (r == NULL) {
        snprintf(msg, sizeof msg, "line %zu: not valid JSON: %s (column %d)", it->lineno, jerr.text,
                 jerr.column);
        r = input_error(id, "-", msg);
        json_object_set_new(json_object_get(r, "source"), "line", json_integer((json_int_t)it->lineno));
        return r;
    }
    json_decref(r);
    snprintf(msg, sizeof msg, "line %zu: not a JSON object", it->lineno);
    r = input_error(id, "-", msg);
    json_object_set_new(json_object_get(r, "source"), "line", json_integer((json_int_t)it->lineno));
    return r;
}

/* ---- the stages ---- */

static void trace(run_state *rs, const char *stage, const json_t *r)
{
    tp_buf b = {NULL, 0, 0};
    if (tp_json_write(&b, r) != 0) {
        tp_buf_free(&b);
        return;
    }
    pthread_mutex_lock(&rs->trace_mu);
    fprintf(stderr, "trace %s: %.*s\n", stage, (int)b.len, b.data);
    pthread_mutex_unlock(&rs->trace_mu);
    tp_buf_free(&b);
}

/* Charge the time since *t to stats and move *t on: one clock reading
 * ends one step and starts the next. */
static void charge(stage_stats *stats, double *t, size_t bytes)
{
    double t1 = now();
    stats->seconds += t1 - *t;
    stats->records++;
    stats->bytes += bytes;
    *t = t1;
}

/* Run every stage on r, timing each from *t.  Returns 0 to output it, 1 to
 * skip it. */
static int run_stages(worker *w, slot *s, json_t *r, size_t bytes, double *t)
{
    run_state *rs = w->rs;
    size_t i;
    for (i = 0; i < rs->p->n_stages; i++) {
        tp_stage *st = &rs->p->stages[i];
        const tp_plugin *d = st->ref.desc;
        tp_error err;
        int rc;
        err.message[0] = err.option[0] = '\0';
        rc = d->process(st->instance, w->states[i], r, &err);
        charge(&w->stats[i], t, bytes);
        if (rc != 0) {
            const char *msg = err.message[0] ? err.message : "failed without saying why";
            if (st->on_error == TP_ON_ERROR_SKIP)
                return 1;
            tp_record_error(r, d->name, msg);
            if (st->on_error == TP_ON_ERROR_FAIL && s->stop_message == NULL) {
                const char *id = json_string_value(json_object_get(r, "id"));
                char buf[1024];
                snprintf(buf, sizeof buf, "stage '%s' failed on %s: %s", d->name, id ? id : "a record", msg);
                s->stop_message = strdup(buf);
            }
            break;
        }
        if (rs->o->trace != NULL && strcmp(rs->o->trace, d->name) == 0) {
            trace(rs, d->name, r);
            *t = now();
        }
    }
    return 0;
}

/* Serialise r into the slot; id names its file in a folder output (NULL for
 * a stream), keep holds on to the tree for rendering. */
static int add_out(slot *s, const char *id, json_t *r, int keep)
{
    out_rec *o;
    if (s->n_recs == s->cap_recs) {
        size_t cap = s->cap_recs ? 2 * s->cap_recs : 8;
        out_rec *v = realloc(s->recs, cap * sizeof *v);
        if (v == NULL)
            return -1;
        s->recs = v;
        s->cap_recs = cap;
    }
    o = &s->recs[s->n_recs];
    o->start = s->out.len;
    if (tp_json_write(&s->out, r) != 0)
        return -1;
    o->end = s->out.len;
    /* Each record is followed by a newline, so that a stream can take the
     * slot's records in one write. */
    if (tp_buf_append(&s->out, "\n", 1) != 0) {
        s->out.len = o->start;
        return -1;
    }
    o->id = id != NULL ? strdup(id) : NULL;
    o->record = keep ? json_incref(r) : NULL;
    s->n_recs++;
    return 0;
}

static void process_slot(worker *w, slot *s)
{
    run_state *rs = w->rs;
    size_t i, ns = rs->p->n_stages;
    double t = now();
    for (i = 0; i < s->n_items; i++) {
        item *it = &s->items[i];
        size_t bytes = 0;
        json_t *r;
        const char *id;
        char idbuf[64];
        if (s->stop_message != NULL)
            break;
        if (it->kind == ITEM_FILE) {
            r = file_record(w, it, &bytes);
        } else if (it->kind == ITEM_LINE) {
            bytes = it->len;
            r = line_record(s, it);
        } else {
            r = input_error(it->id, it->path, it->message);
        }
        charge(&w->stats[ns], &t, bytes);
        s->docs++;
        s->bytes += bytes;
        if (r == NULL) {
            s->failed++;
            continue;
        }
        if (json_object_get(r, "error") == NULL && run_stages(w, s, r, bytes, &t) != 0) {
            s->skipped++;
            json_decref(r);
            t = now();
            continue;
        }
        if (json_object_get(r, "error") != NULL)
            s->failed++;
        /* A folder output names each file after its record; a stream
         * needs no name. */
        id = NULL;
        if (!tp_output_is_stream(rs->out)) {
            id = json_string_value(json_object_get(r, "id"));
            if (id == NULL) {
                snprintf(idbuf, sizeof idbuf, "line-%zu", it->lineno);
                id = it->kind == ITEM_LINE ? idbuf : it->id;
            }
        }
        if (add_out(s, id, r, rs->o->html_dir != NULL) != 0)
            s->failed++;
        json_decref(r);
        charge(&w->stats[ns + 1], &t, bytes);
    }
}

static item *new_item(slot *s);
static int blank(const char *s, size_t n);
static void set_error_line(item *it, const char *message);
static void set_overlong_line(item *it, size_t max);

/* Cut a slot's chunk of mapped JSON Lines into items, numbering the lines
 * from 1 within the chunk.  Returns how many lines the chunk holds. */
static size_t split_chunk(run_state *rs, slot *s)
{
    const char *p = s->chunk, *end = p + s->chunk_len;
    size_t lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (!blank(p, ll)) {
            item *it = new_item(s);
            if (it == NULL)
                break;
            it->kind = ll > rs->o->max_bytes ? ITEM_ERROR : ITEM_LINE;
            it->mapped = p;
            it->len = ll;
            it->lineno = lineno;
        }
        p += ll + (nl != NULL);
    }
    return lineno;
}

/* Give the lines of slot s their numbers in standard input.  Each worker
 * cuts its own chunk, so the reader never reads the text; the numbering
 * then passes from slot to slot in input order, which waits only on
 * slots taken earlier that are cutting their chunks. */
static void number_lines(run_state *rs, slot *s)
{
    size_t i, n = s->chunk != NULL ? split_chunk(rs, s) : 0;
    pthread_mutex_lock(&rs->mu);
    while (rs->lined_seq != s->seq)
        pthread_cond_wait(&rs->lined, &rs->mu);
    s->first_line = rs->lines_before;
    rs->lines_before += n;
    rs->lined_seq++;
    pthread_cond_broadcast(&rs->lined);
    pthread_mutex_unlock(&rs->mu);
    if (s->chunk == NULL)
        return;
    for (i = 0; i < s->n_items; i++) {
        item *it = &s->items[i];
        it->lineno += s->first_line;
        if (it->kind == ITEM_ERROR)
            set_overlong_line(it, rs->o->max_bytes);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    run_state *rs = w->rs;
    for (;;) {
        slot *s;
        int skip;
        pthread_mutex_lock(&rs->mu);
        while (rs->next_take == rs->next_fill && !rs->reader_done)
            pthread_cond_wait(&rs->work, &rs->mu);
        if (rs->next_take == rs->next_fill) {
            pthread_mutex_unlock(&rs->mu);
            break;
        }
        s = &rs->slots[rs->next_take % rs->cap];
        s->seq = rs->next_take;
        rs->next_take++;
        skip = s->seq > rs->fail_seq;
        pthread_mutex_unlock(&rs->mu);

        number_lines(rs, s);
        if (!skip)
            process_slot(w, s);

        pthread_mutex_lock(&rs->mu);
        if (s->stop_message != NULL && s->seq < rs->fail_seq) {
            rs->fail_seq = s->seq;
            rs->stop = 1;
        }
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&rs->done);
        pthread_mutex_unlock(&rs->mu);
    }
    return NULL;
}

/* ---- the reader ---- */

/* Wait for a free slot; NULL when the run is stopping. */
static slot *acquire(run_state *rs)
{
    slot *s = NULL;
    pthread_mutex_lock(&rs->mu);
    while (rs->next_fill - rs->written >= rs->cap && !rs->stop && !g_interrupted) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&rs->space, &rs->mu, &ts);
    }
    if (!rs->stop && !g_interrupted)
        s = &rs->slots[rs->next_fill % rs->cap];
    pthread_mutex_unlock(&rs->mu);
    return s;
}

static void publish(run_state *rs, slot *s)
{
    pthread_mutex_lock(&rs->mu);
    s->state = SLOT_FILLED;
    rs->next_fill++;
    pthread_cond_signal(&rs->work);
    pthread_mutex_unlock(&rs->mu);
}

static item *new_item(slot *s)
{
    item *it;
    if (s->n_items == s->cap_items) {
        size_t cap = s->cap_items ? 2 * s->cap_items : 8;
        item *v = realloc(s->items, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        s->items = v;
        s->cap_items = cap;
    }
    it = &s->items[s->n_items++];
    memset(it, 0, sizeof *it);
    return it;
}

static int add_line(slot *s, const char *line, size_t len, size_t lineno)
{
    item *it;
    if (s->lines_len + len > s->lines_cap) {
        size_t cap = s->lines_cap ? s->lines_cap : 65536;
        char *b;
        while (cap < s->lines_len + len)
            cap *= 2;
        b = realloc(s->lines, cap);
        if (b == NULL)
            return -1;
        s->lines = b;
        s->lines_cap = cap;
    }
    it = new_item(s);
    if (it == NULL)
        return -1;
    memcpy(s->lines + s->lines_len, line, len);
    it->kind = ITEM_LINE;
    it->off = s->lines_len;
    it->len = len;
    it->lineno = lineno;
    s->lines_len += len;
    return 0;
}

/* Make it the error record of its line of standard input. */
static void set_error_line(item *it, const char *message)
{
    char id[64];
    snprintf(id, sizeof id, "-:%zu", it->lineno);
    it->kind = ITEM_ERROR;
    it->id = strdup(id);
    it->path = strdup("-");
    it->message = strdup(message);
}

/* Make it the error record of a line of it->len bytes, over max. */
static void set_overlong_line(item *it, size_t max)
{
    char msg[256];
    snprintf(msg, sizeof msg, "line %zu: %zu bytes, over --max-bytes %zu", it->lineno, it->len, max);
    set_error_line(it, msg);
}

static int add_error_line(slot *s, size_t lineno, const char *message)
{
    item *it = new_item(s);
    if (it == NULL)
        return -1;
    it->lineno = lineno;
    set_error_line(it, message);
    return 0;
}

/* Whether reading fd would not block. */
static int input_ready(int fd)
{
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    return poll(&p, 1, 0) > 0;
}

static int blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* JSON Lines from standard input that is a regular file: map it whole and
 * hand the workers chunks of about BATCH_BYTES that end at a line end; they
 * cut the lines themselves.  Returns 0 when it did, -1 when standard input
 * is not a file that can be mapped. */
static int read_stdin_mapped(run_state *rs)
{
    struct stat st;
    const char *p, *end;
    off_t at = lseek(0, 0, SEEK_CUR);
    if (fstat(0, &st) != 0 || !S_ISREG(st.st_mode) || at < 0 || st.st_size <= at)
        return -1;
    rs->map_len = (size_t)st.st_size;
    rs->map = mmap(NULL, rs->map_len, PROT_READ, MAP_PRIVATE, 0, 0);
    if (rs->map == MAP_FAILED) {
        rs->map = NULL;
        return -1;
    }
    madvise(rs->map, rs->map_len, MADV_SEQUENTIAL);
    lseek(0, 0, SEEK_END); /* a second "-" finds nothing more */
    p = (const char *)rs->map + at;
    end = (const char *)rs->map + rs->map_len;
    while (p < end && !g_interrupted) {
        size_t n = (size_t)(end - p);
        slot *s;
        if (n > BATCH_BYTES) {
            const char *nl = memchr(p + BATCH_BYTES - 1, '\n', n - (BATCH_BYTES - 1));
            if (nl != NULL)
                n = (size_t)(nl + 1 - p);
        }
        if ((s = acquire(rs)) == NULL)
            break;
        s->chunk = p;
        s->chunk_len = n;
        publish(rs, s);
        p += n;
    }
    return 0;
}

/* JSON Lines from standard input, in slots of up to LINES_PER_SLOT lines. */
static void read_stdin(run_state *rs)
{
    size_t cap = 1 << 20, len = 0, lineno = 0, max = rs->o->max_bytes;
    char *buf = malloc(cap);
    slot *s = NULL;
    int eof = 0, overlong = 0;
    if (buf == NULL)
        return;
    while (!eof || len > 0) {
        char *nl;
        size_t consumed = 0;
        if (!eof && len < cap) {
            ssize_t n;
            /* Before waiting for more input, let the workers have what
             * has come, so a slow stream is processed as it arrives. */
            if (s != NULL && s->n_items > 0 && !input_ready(0)) {
                publish(rs, s);
                s = NULL;
            }
            n = read(0, buf + len, cap - len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                eof = 1;
            else
                len += (size_t)n;
        }
        if (g_interrupted)
            break;
        for (;;) {
            const char *line = buf + consumed;
            size_t avail = len - consumed, ll;
            nl = memchr(line, '\n', avail);
            if (nl == NULL) {
                if (!eof || avail == 0)
                    break;
                ll = avail; /* a last line without a newline */
            } else {
                ll = (size_t)(nl - line);
            }
            lineno++;
            if (overlong) {
                overlong = 0; /* the tail of a line already reported */
            } else if (!blank(line, ll)) {
                if (s == NULL && (s = acquire(rs)) == NULL)
                    goto done;
                if (ll > max) {
                    item *it = new_item(s);
                    if (it != NULL) {
                        it->lineno = lineno;
                        it->len = ll;
                        set_overlong_line(it, max);
                    }
                } else {
                    add_line(s, line, ll, lineno);
                }
                if (s->n_items >= LINES_PER_SLOT || s->lines_len >= BATCH_BYTES) {
                    publish(rs, s);
                    s = NULL;
                }
            }
            consumed += ll + (nl != NULL);
        }
        memmove(buf, buf + consumed, len - consumed);
        len -= consumed;
        if (len == cap) {
            /* A line longer than the buffer: grow up to max, else report it
             * and drop its bytes up to the newline. */
            if (cap <= max) {
                char *b = realloc(buf, cap * 2);
                if (b == NULL)
                    break;
                buf = b;
                cap *= 2;
            } else {
                lineno++;
                if (s == NULL && (s = acquire(rs)) == NULL)
                    goto done;
                {
                    char msg[256];
                    snprintf(msg, sizeof msg, "line %zu: longer than --max-bytes %zu", lineno, max);
                    add_error_line(s, lineno, msg);
                }
                lineno--; /* counted again when its newline arrives */
                overlong = 1;
                len = 0;
                /* Skip to the end of this line. */
                while (!eof) {
                    ssize_t n = read(0, buf, cap);
                    if (n < 0 && errno == EINTR)
                        continue;
                    if (n <= 0) {
                        eof = 1;
                        break;
                    }
                    nl = memchr(buf, '\n', (size_t)n);
                    if (nl != NULL) {
                        len = (size_t)n - (size_t)(nl - buf);
                        memmove(buf, nl, len); /* keep the newline: it ends the line */
                        break;
                    }
                }
            }
        }
    }
done:
    if (s != NULL) {
        if (s->n_items > 0)
            publish(rs, s);
    }
    free(buf);
}

static void *reader_main(void *arg)
{
    run_state *rs = arg;
    const tp_run_options *o = rs->o;
    tp_walk *walk = tp_walk_new(o->inputs, o->n_inputs, &o->walk);
    tp_walk_item wi;
    slot *s = NULL;       /* the batch being filled */
    size_t batch_bytes = 0;
    while (walk != NULL && !g_interrupted && tp_walk_next(walk, &wi) == 1) {
        item *it;
        struct stat st;
        if (wi.kind == TP_WALK_STDIN) {
            if (s != NULL)
                publish(rs, s);
            s = NULL;
            if (rs->map != NULL || read_stdin_mapped(rs) != 0)
                read_stdin(rs);
            continue;
        }
        if (o->resume && wi.kind == TP_WALK_FILE && tp_output_exists(rs->out, wi.id)) {
            rs->resumed++;
            continue;
        }
        if (s == NULL) {
            if ((s = acquire(rs)) == NULL)
                break;
            batch_bytes = 0;
        }
        it = new_item(s);
        if (it == NULL)
            break;
        it->kind = wi.kind == TP_WALK_FILE ? ITEM_FILE : ITEM_ERROR;
        it->path = strdup(wi.path);
        it->id = strdup(wi.id);
        if (wi.kind == TP_WALK_ERROR)
            it->message = strdup(wi.message ? wi.message : "cannot read");
        else if (stat(wi.path, &st) == 0)
            batch_bytes += (size_t)st.st_size;
        /* Small files travel in batches: handing a slot to a worker costs
         * a wake-up, which would otherwise outweigh a short document. */
        if (s->n_items >= FILES_PER_SLOT || batch_bytes >= BATCH_BYTES) {
            publish(rs, s);
            s = NULL;
        }
    }
    if (s != NULL && s->n_items > 0)
        publish(rs, s);
    tp_walk_free(walk);
    pthread_mutex_lock(&rs->mu);
    rs->reader_done = 1;
    pthread_cond_broadcast(&rs->work);
    pthread_cond_broadcast(&rs->done);
    pthread_mutex_unlock(&rs->mu);
    return NULL;
}

/* Counts documents and bytes ahead of the run, for the progress line. */
static void *counter_main(void *arg)
{
    run_state *rs = arg;
    tp_walk *walk = tp_walk_new(rs->o->inputs, rs->o->n_inputs, &rs->o->walk);
    tp_walk_item wi;
    size_t docs = 0, bytes = 0;
    while (walk != NULL && !g_interrupted && tp_walk_next(walk, &wi) == 1) {
        struct stat st;
        if (wi.kind == TP_WALK_STDIN) {
            tp_walk_free(walk);
            return NULL; /* unknown length: no estimate */
        }
        docs++;
        if (wi.kind == TP_WALK_FILE && stat(wi.path, &st) == 0)
            bytes += (size_t)st.st_size;
    }
    tp_walk_free(walk);
    pthread_mutex_lock(&rs->mu);
    rs->total_docs = docs;
    rs->total_bytes = bytes;
    rs->counted = 1;
    pthread_mutex_unlock(&rs->mu);
    return NULL;
}

/* ---- the writer (the calling thread) ---- */

static void slot_reset(slot *s)
{
    size_t i;
    for (i = 0; i < s->n_items; i++) {
        free(s->items[i].path);
        free(s->items[i].id);
        free(s->items[i].message);
    }
    for (i = 0; i < s->n_recs; i++) {
        free(s->recs[i].id);
        json_decref(s->recs[i].record);
    }
    free(s->stop_message);
    s->stop_message = NULL;
    s->n_items = s->n_recs = 0;
    s->lines_len = 0;
    s->out.len = 0;
    s->docs = s->failed = s->skipped = s->bytes = 0;
    s->chunk = NULL;
    s->chunk_len = 0;
    s->state = SLOT_EMPTY;
}

static void slot_free(slot *s)
{
    slot_reset(s);
    free(s->items);
    free(s->recs);
    free(s->lines);
    tp_buf_free(&s->out);
}

/* One progress line.  On a terminal it is redrawn in place and cleared at
 * the end; elsewhere (a log file, with --progress) each one is a line of
 * its own, at most one a second. */
static void show_progress(run_state *rs, size_t docs, size_t bytes, double elapsed, int final)
{
    double mb = (double)bytes / 1e6, rate = elapsed > 0 ? mb / elapsed : 0;
    char left[64] = "";
    const char *start = rs->tty ? "\r\033[K" : "";
    const char *end = rs->tty ? "" : "\n";
    if (final) {
        if (rs->tty)
            fprintf(stderr, "\r\033[K");
        return;
    }
    pthread_mutex_lock(&rs->mu);
    if (rs->counted && rate > 0 && rs->total_bytes > bytes) {
        double secs = ((double)(rs->total_bytes - bytes) / 1e6) / rate;
        snprintf(left, sizeof left, ", %d:%02d left", (int)secs / 60, (int)secs % 60);
    }
    if (rs->counted)
        fprintf(stderr, "%stextpipe: %zu/%zu documents, %.1f/%.1f MB, %.1f MB/s%s%s", start, docs,
                rs->total_docs, mb, (double)rs->total_bytes / 1e6, rate, left, end);
    else
        fprintf(stderr, "%stextpipe: %zu documents, %.1f MB, %.1f MB/s%s", start, docs, mb, rate, end);
    pthread_mutex_unlock(&rs->mu);
}

static void print_stats(run_state *rs, worker *ws, int jobs)
{
    size_t ns = rs->p->n_stages, i;
    int j;
    for (i = 0; i < ns + 2; i++) {
        stage_stats t = {0, 0, 0};
        const char *name = i < ns ? rs->p->stages[i].ref.desc->name : i == ns ? "(read)" : "(write)";
        for (j = 0; j < jobs; j++) {
            t.seconds += ws[j].stats[i].seconds;
            t.records += ws[j].stats[i].records;
            t.bytes += ws[j].stats[i].bytes;
        }
        fprintf(stderr, "textpipe: stage %s: %zu records, %.6f s, %.1f MB/s\n", name, t.records,
                t.seconds, t.seconds > 0 ? (double)t.bytes / 1e6 / t.seconds : 0.0);
    }
}

/* What the writer has seen, for the summary. */
typedef struct totals {
    size_t docs, failed, skipped, bytes;
    char *stop_message;   /* the first on_error: fail */
} totals;

/* A worker's stage times, on cache lines of their own: each worker adds
 * to its own after every stage of every record, and a line shared with
 * another worker's would travel between the cores each time. */
static stage_stats *stats_new(size_t n)
{
    size_t bytes = (n * sizeof(stage_stats) + 63) / 64 * 64;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    memset(p, 0, bytes);
    return p;
}

/* Make every stage's per-worker state before any document is read. */
static int workers_init(run_state *rs, worker *ws, int jobs)
{
    tp_pipeline *p = rs->p;
    size_t i;
    int j;
    for (j = 0; j < jobs; j++) {
        worker *w = &ws[j];
        w->rs = rs;
        w->states = calloc(p->n_stages + 1, sizeof *w->states);
        w->stats = stats_new(p->n_stages + 2);
        if (w->states == NULL || w->stats == NULL) {
            fprintf(stderr, "textpipe: out of memory\n");
            return -1;
        }
        for (i = 0; i < p->n_stages; i++) {
            const tp_plugin *d = p->stages[i].ref.desc;
            tp_error e;
            e.message[0] = e.option[0] = '\0';
            if (d->worker_init != NULL && d->worker_init(&w->states[i], p->stages[i].instance, &e) != 0) {
                fprintf(stderr, "textpipe: stage '%s' cannot start a worker: %s\n", d->name,
                        e.message[0] ? e.message : "(no reason given)");
                w->states[i] = NULL;
                return -1;
            }
        }
    }
    return 0;
}

static void workers_fini(run_state *rs, worker *ws, int jobs)
{
    tp_pipeline *p = rs->p;
    size_t i;
    int j;
    for (j = 0; j < jobs; j++) {
        worker *w = &ws[j];
        for (i = 0; w->states != NULL && i < p->n_stages; i++) {
            const tp_plugin *d = p->stages[i].ref.desc;
            if (w->states[i] != NULL && d->worker_fini != NULL)
                d->worker_fini(p->stages[i].instance, w->states[i]);
        }
        free(w->states);
        free(w->stats);
        free(w->buf);
    }
}

/* The next slot to write, once it is done; NULL at the end.  *skip says
 * the slot comes after a failure with on_error: fail. */
static slot *next_done(run_state *rs, int *skip)
{
    slot *s;
    pthread_mutex_lock(&rs->mu);
    for (;;) {
        s = &rs->slots[rs->written % rs->cap];
        if (rs->written < rs->next_fill && s->state == SLOT_DONE)
            break;
        if (rs->reader_done && rs->written == rs->next_fill) {
            s = NULL;
            break;
        }
        pthread_cond_wait(&rs->done, &rs->mu);
    }
    *skip = rs->written > rs->fail_seq;
    pthread_mutex_unlock(&rs->mu);
    return s;
}

/* Whether the next slot to write is already done. */
static int next_ready(run_state *rs)
{
    int ready;
    pthread_mutex_lock(&rs->mu);
    ready = rs->written < rs->next_fill && rs->slots[rs->written % rs->cap].state == SLOT_DONE;
    pthread_mutex_unlock(&rs->mu);
    return ready;
}

/* Hand a written slot back to the reader. */
static void release(run_state *rs, slot *s, int stop)
{
    slot_reset(s);
    pthread_mutex_lock(&rs->mu);
    rs->written++;
    if (stop)
        rs->stop = 1;
    pthread_cond_signal(&rs->space);
    pthread_mutex_unlock(&rs->mu);
}

/* Write the slots out in input order as they are done.  Returns 0, or 1
 * when the output could not be written. */
static int write_slots(run_state *rs, tp_render *render, totals *t, double t0)
{
    double last_progress = 0;
    char err[1024];
    int status = 0, skip;
    slot *s;
    size_t i;
    while ((s = next_done(rs, &skip)) != NULL) {
        if (skip) {
            release(rs, s, 0);
            continue;
        }
        if (status == 0 && tp_output_is_stream(rs->out) && s->n_recs > 0 &&
            tp_output_write_lines(rs->out, s->out.data, s->out.len, err, sizeof err) != 0) {
            fprintf(stderr, "textpipe: %s\n", err);
            status = 1;
        }
        for (i = 0; i < s->n_recs && status == 0; i++) {
            out_rec *r = &s->recs[i];
            if (!tp_output_is_stream(rs->out) &&
                tp_output_write(rs->out, r->id, s->out.data + r->start, r->end - r->start, err,
                                sizeof err) != 0) {
                fprintf(stderr, "textpipe: %s\n", err);
                status = 1;
                break;
            }
            if (render != NULL && r->record != NULL &&
                tp_render_add(render, r->record, err, sizeof err) != 0)
                fprintf(stderr, "textpipe: render: %s\n", err);
        }
        t->docs += s->docs;
        t->failed += s->failed;
        t->skipped += s->skipped;
        t->bytes += s->bytes;
        if (s->stop_message != NULL && t->stop_message == NULL) {
            t->stop_message = s->stop_message;
            s->stop_message = NULL;
        }
        release(rs, s, status != 0 || t->stop_message != NULL);
        /* Nothing more ready: let what is written reach the reader of a
         * stream now rather than when the buffer fills. */
        if (!next_ready(rs))
            tp_output_flush(rs->out);
        if (rs->o->progress && now() - last_progress > (rs->tty ? 0.2 : 1.0)) {
            last_progress = now();
            show_progress(rs, t->docs, t->bytes, last_progress - t0, 0);
        }
    }
    if (rs->o->progress)
        show_progress(rs, t->docs, t->bytes, now() - t0, 1);
    return status;
}

static void print_summary(run_state *rs, worker *ws, int jobs, const totals *t, double secs)
{
    const tp_run_options *o = rs->o;
    if (t->stop_message != NULL)
        fprintf(stderr, "textpipe: stopped: %s\n", t->stop_message);
    if (g_interrupted)
        fprintf(stderr, "textpipe: interrupted; what was written is whole "
                "(run again with --out-dir and --resume to go on)\n");
    if (o->stats)
        print_stats(rs, ws, jobs);
    if (o->quiet)
        return;
    fprintf(stderr, "textpipe: %zu documents (%zu failed, %zu skipped", t->docs, t->failed, t->skipped);
    if (rs->resumed > 0)
        fprintf(stderr, ", %zu already done", rs->resumed);
    fprintf(stderr, "), %.1f MB in %.3f s, %.1f MB/s\n", (double)t->bytes / 1e6, secs,
            secs > 0 ? (double)t->bytes / 1e6 / secs : 0.0);
}

int tp_run(tp_pipeline *p, const tp_run_options *o)
{
    run_state rs;
    worker *ws = NULL;
    pthread_t reader, counter;
    int jobs = o->jobs > 0 ? o->jobs : 1, j, started = 0, status = 0, have_counter = 0;
    size_t i;
    double t0 = now();
    char err[1024];
    totals t;
    tp_render *render = NULL;
    struct sigaction sa, old_int, old_term;

    memset(&rs, 0, sizeof rs);
    memset(&t, 0, sizeof t);
    rs.p = p;
    rs.o = o;
    rs.cap = (size_t)jobs * SLOTS_PER_WORKER;
    rs.fail_seq = (size_t)-1;
    rs.tty = isatty(2);
    rs.slots = calloc(rs.cap, sizeof *rs.slots);
    ws = calloc((size_t)jobs, sizeof *ws);
    if (rs.slots == NULL || ws == NULL) {
        fprintf(stderr, "textpipe: out of memory\n");
        free(rs.slots);
        free(ws);
        return 2;
    }
    pthread_mutex_init(&rs.mu, NULL);
    pthread_mutex_init(&rs.trace_mu, NULL);
    pthread_cond_init(&rs.work, NULL);
    pthread_cond_init(&rs.done, NULL);
    pthread_cond_init(&rs.space, NULL);
    pthread_cond_init(&rs.lined, NULL);

    rs.out = o->out_dir ? tp_output_dir(o->out_dir, err, sizeof err)
                        : tp_output_stream(o->output_file, err, sizeof err);
    if (rs.out == NULL) {
        fprintf(stderr, "textpipe: %s\n", err);
        status = 2;
        goto done;
    }
    if (o->html_dir != NULL && (render = tp_render_open(o->html_dir, err, sizeof err)) == NULL) {
        fprintf(stderr, "textpipe: %s\n", err);
        status = 2;
        goto done;
    }
    if (workers_init(&rs, ws, jobs) != 0) {
        status = 2;
        goto done;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    g_interrupted = 0;

    if (o->progress && pthread_create(&counter, NULL, counter_main, &rs) == 0)
        have_counter = 1;
    if (pthread_create(&reader, NULL, reader_main, &rs) != 0) {
        fprintf(stderr, "textpipe: cannot start a thread\n");
        status = 2;
        goto restore;
    }
    for (j = 0; j < jobs; j++) {
        if (pthread_create(&ws[j].thread, NULL, worker_main, &ws[j]) != 0)
            break;
        started++;
    }
    if (started == 0) {
        fprintf(stderr, "textpipe: cannot start a worker thread\n");
        pthread_mutex_lock(&rs.mu);
        rs.stop = 1;
        pthread_mutex_unlock(&rs.mu);
        pthread_join(reader, NULL);
        status = 2;
        goto restore;
    }

    status = write_slots(&rs, render, &t, t0);

    pthread_join(reader, NULL);
    for (j = 0; j < started; j++)
        pthread_join(ws[j].thread, NULL);

restore:
    if (have_counter)
        pthread_join(counter, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

done:
    if (rs.out != NULL && tp_output_close(rs.out, err, sizeof err) != 0) {
        fprintf(stderr, "textpipe: %s\n", err);
        if (status == 0)
            status = 1;
    }
    if (render != NULL && tp_render_close(render, err, sizeof err) != 0) {
        fprintf(stderr, "textpipe: render: %s\n", err);
        if (status == 0)
            status = 1;
    }
    if (status != 2) {
        print_summary(&rs, ws, jobs, &t, now() - t0);
        if (g_interrupted)
            status = 130;
        else if (status == 0 && (t.failed > 0 || t.skipped > 0 || t.stop_message != NULL))
            status = 1;
    }
    workers_fini(&rs, ws, jobs);
    if (rs.map != NULL)
        munmap(rs.map, rs.map_len);
    for (i = 0; i < rs.cap; i++)
        slot_free(&rs.slots[i]);
    free(rs.slots);
    free(ws);
    free(t.stop_message);
    pthread_mutex_destroy(&rs.mu);
    pthread_mutex_destroy(&rs.trace_mu);
    pthread_cond_destroy(&rs.work);
    pthread_cond_destroy(&rs.done);
    pthread_cond_destroy(&rs.space);
    pthread_cond_destroy(&rs.lined);
    return status;
}
