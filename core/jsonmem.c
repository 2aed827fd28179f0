/* Memory for JSON values: small blocks kept per thread.
 *
 * A record's values are hundreds of small blocks (objects, strings, hash
 * buckets) made together and freed together, record after record.  glibc's
 * per-thread cache keeps only seven blocks of each size, so most of them
 * take the slow way through its bins.  Here each thread keeps the blocks
 * it frees, by size class and up to a bound, and hands them out again.
 *
 * Every block is an ordinary malloc block of a class's size, and the class
 * of a freed block is read from its size as malloc keeps it: so memory
 * jansson hands out (json_dumps' result, say) may still be given to free(),
 * a block may be freed on another thread than the one that made it, and a
 * malloc block given to tp_jsonmem_free is simply cached or freed.
 *
 * malloc_usable_size tells that size, but it is a call that also reads the
 * header of the next block (to see that this one is in use): a cache miss
 * on every free.  With glibc's malloc the size is the word just before the
 * block, so it is read there instead, once tp_jsonmem_install has checked
 * on blocks of every class that the word says what malloc_usable_size says
 * (under another malloc, AddressSanitizer or valgrind it is not read). */
#include <config.h>

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonmem.h"

#if defined(__SANITIZE_ADDRESS__)
#define TP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TP_ASAN 1
#endif
#endif

#if defined(__GLIBC__) && !defined(TP_ASAN)
#define TP_CHUNK_HEADER 1
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define TP_VALGRIND 1
#endif
#endif
#endif

#ifdef TP_ASAN
/* A cached block is poisoned but for its link (which LeakSanitizer must
 * read to see the blocks as kept, not lost), so a use after free is still
 * caught. */
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((char *)(p) + sizeof(block), (n) - sizeof(block))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Class k holds blocks of at least CLASS_SIZE(k) usable bytes: glibc's own
 * steps on a 64-bit machine (24, 40, 56, ...), so a block made for class k
 * wastes nothing. */
#define CLASS_SIZE(k) (24 + 16 * (size_t)(k))
#define CLASSES 16
/* Bytes of blocks a thread keeps per class: a record with a thousand
 * spans makes thousands of blocks of the smallest classes. */
#define KEEP_BYTES (256u << 10)

typedef struct block {
    struct block *next;
} block;

typedef struct cache {
    block *head[CLASSES];
    unsigned room[CLASSES]; /* blocks each class may still take; 0 until the
                             * thread's exit is set to drain the cache */
    int registered;
} cache;

/* Initial-exec: this file goes only into the program and its tests (never
 * a library loaded later), so the cache is one %fs-relative address rather
 * than a call to find it. */
#if defined(__GNUC__)
static __thread cache tc __attribute__((tls_model("initial-exec")));
#else
static __thread cache tc;
#endif
static pthread_key_t drain_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int read_headers;  /* set once, before any thread, by the probe */

/* The class a block of u usable bytes is kept in, or CLASSES for none. */
static inline size_t class_of_usable(size_t u)
{
    size_t k = u < CLASS_SIZE(0) ? CLASSES : (u - CLASS_SIZE(0)) / 16;
    return k < CLASSES ? k : CLASSES;
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* Out of line, so that the fast way of tp_jsonmem_free makes no call. */
NOINLINE size_t tp_jsonmem_class_by_usable_size(void *p)
{
    return class_of_usable(malloc_usable_size(p));
}

#ifdef TP_CHUNK_HEADER
/* glibc keeps a block's chunk size in the word before it, with flags in
 * its three low bits; a chunk of size c has c - 8 usable bytes.  A chunk
 * of its own mapping (flag 2) is never kept. */
static inline size_t class_by_header(const void *p)
{
    size_t h;
    memcpy(&h, (const char *)p - sizeof h, sizeof h);
    if (h & 2)
        return CLASSES;
    return class_of_usable((h & ~(size_t)7) - sizeof h);
}

/* Whether the word before a block says what malloc_usable_size says, on
 * blocks made for every class, of sizes in between, and large ones. */
static int probe_headers(void)
{
    enum { N = 3 * CLASSES + 2 };
    void *p[N];
    size_t i, n = 0;
    int ok = 1;
#ifdef TP_VALGRIND
    if (RUNNING_ON_VALGRIND)
        return 0;  /* its malloc keeps no such word */
#endif
    for (i = 0; i < CLASSES; i++) {
        p[n++] = malloc(CLASS_SIZE(i));
        p[n++] = malloc(CLASS_SIZE(i) - 7);
        p[n++] = malloc(CLASS_SIZE(i) + 1);
    }
    p[n++] = malloc(4096);
    p[n++] = malloc(1u << 20);
    for (i = 0; i < n; i++) {
        size_t u;
        if (p[i] == NULL) {
            ok = 0;
            continue;
        }
        u = malloc_usable_size(p[i]);
        if (class_by_header(p[i]) != class_of_usable(u))
            ok = 0;
        if (i < 3 * CLASSES && i % 3 != 2 && class_of_usable(u) != i / 3)
            ok = 0;  /* a block made for a class must be filed under it */
    }
    for (i = 0; i < n; i++)
        free(p[i]);
    return ok;
}
#endif

static inline size_t class_of_block(void *p)
{
#ifdef TP_CHUNK_HEADER
    if (read_headers)
        return class_by_header(p);
#endif
    return tp_jsonmem_class_by_usable_size(p);
}

size_t tp_jsonmem_class(void *p)
{
    return class_of_block(p);
}

int tp_jsonmem_reads_headers(void)
{
    return read_headers;
}

/* Give back the blocks a thread kept (at its exit, or when asked). */
static void drain(void *arg)
{
    cache *c = arg;
    size_t k;
    for (k = 0; k < CLASSES; k++) {
        while (c->head[k] != NULL) {
            block *b = c->head[k];
            UNPOISON(b, CLASS_SIZE(k));
            c->head[k] = b->next;
            free(b);
        }
        c->room[k] = 0;
    }
    c->registered = 0;
}

static void make_key(void)
{
    pthread_key_create(&drain_key, drain);
}

static size_t class_of_request(size_t n)
{
    return n <= CLASS_SIZE(0) ? 0 : (n - CLASS_SIZE(0) + 15) / 16;
}

void *tp_jsonmem_malloc(size_t n)
{
    size_t k = class_of_request(n);
    block *b;
    if (k >= CLASSES)
        return malloc(n);
    b = tc.head[k];
    if (b == NULL)
        return malloc(CLASS_SIZE(k));
    UNPOISON(b, CLASS_SIZE(k));
    tc.head[k] = b->next;
    tc.room[k]++;
    /* The block handed out next: by the time it is asked for, its link is
     * in the cache (blocks kept since the last record are often not, once
     * a stage's tables have passed through it). */
#if defined(__GNUC__) && !defined(TP_ASAN)
    __builtin_prefetch(tc.head[k]);
#endif
    return b;
}

/* Push a block onto its class's list. */
static inline void keep_block(void *p, size_t k)
{
    block *b = p;
    b->next = tc.head[k];
    tc.head[k] = b;
    tc.room[k]--;
    POISON(b, CLASS_SIZE(k));
}

/* What the fast way of tp_jsonmem_free leaves: a block of no class, a
 * full class, or a thread's first block to keep. */
static NOINLINE void free_slow(void *p, size_t k)
{
    if (k < CLASSES && !tc.registered) {
        /* The thread's exit drains its cache; a thread without a key
         * (none could be made) frees at once instead. */
        size_t j;
        pthread_once(&key_once, make_key);
        if (pthread_setspecific(drain_key, &tc) == 0) {
            tc.registered = 1;
            for (j = 0; j < CLASSES; j++)
                tc.room[j] = (unsigned)(KEEP_BYTES / CLASS_SIZE(j));
            keep_block(p, k);
            return;
        }
    }
    free(p);
}

/* Free by the class malloc_usable_size gives (the way without headers). */
static NOINLINE void free_by_usable_size(void *p)
{
    size_t k = tp_jsonmem_class_by_usable_size(p);
    if (k < CLASSES && tc.room[k] > 0)
        keep_block(p, k);
    else
        free_slow(p, k);
}

void tp_jsonmem_free(void *p)
{
    if (p == NULL)
        return;
#ifdef TP_CHUNK_HEADER
    if (read_headers) {
        /* No call on the way to keeping a block: only tail calls. */
        size_t k = class_by_header(p);
        if (k < CLASSES && tc.room[k] > 0)
            keep_block(p, k);
        else
            free_slow(p, k);
        return;
    }
#endif
    free_by_usable_size(p);
}

void tp_jsonmem_drain(void)
{
    drain(&tc);
}

void tp_jsonmem_install(void)
{
    pthread_once(&key_once, make_key);
#ifdef TP_CHUNK_HEADER
    if (!read_headers)
        read_headers = probe_headers();
#endif
    json_set_alloc_funcs(tp_jsonmem_malloc, tp_jsonmem_free);
}
