/* Unit tests of the per-thread block cache behind jansson. */
#include <check.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonmem.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define TEST_VALGRIND 1
#endif
#endif

#define N 20

/* Blocks freed to the cache come back to it, not to malloc: plain
 * mallocs of the same size made in between get other blocks. */
START_TEST(freed_blocks_come_back)
{
    void *mine[N], *plain[N], *again[N];
    size_t i, j;
    for (i = 0; i < N; i++)
        mine[i] = tp_jsonmem_malloc(40);
    for (i = 0; i < N; i++)
        tp_jsonmem_free(mine[i]);
    for (i = 0; i < N; i++)
        plain[i] = malloc(40);
    for (i = 0; i < N; i++)
        again[i] = tp_jsonmem_malloc(33); /* the same class */
    for (i = 0; i < N; i++) {
        int found = 0;
        for (j = 0; j < N; j++) {
            ck_assert_ptr_ne(plain[j], mine[i]);
            found += again[j] == mine[i];
        }
        ck_assert_msg(found == 1, "block %zu was not handed out again", i);
        ck_assert_uint_ge(malloc_usable_size(again[i]), 33);
    }
    for (i = 0; i < N; i++) {
        free(plain[i]);
        tp_jsonmem_free(again[i]);
    }
    tp_jsonmem_drain();
}
END_TEST

/* Each request gets a block at least as large, from 1 byte to past the
 * largest class; plain malloc blocks and NULL may be given back too. */
START_TEST(every_size)
{
    size_t n;
    for (n = 1; n < 600; n++) {
        unsigned char *p = tp_jsonmem_malloc(n);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_ge(malloc_usable_size(p), n);
        memset(p, 0xab, n);
        tp_jsonmem_free(p);
        tp_jsonmem_free(malloc(n));
    }
    tp_jsonmem_free(NULL);
    tp_jsonmem_drain();
}
END_TEST

/* What jansson hands out through the cache may be given to free(). */
START_TEST(dumps_result_to_free)
{
    json_t *v = json_pack("{s:s, s:[i,i,i]}", "text", "Forty-two ships", "n", 1, 2, 3);
    char *s = json_dumps(v, JSON_COMPACT);
    ck_assert_str_eq(s, "{\"text\":\"Forty-two ships\",\"n\":[1,2,3]}");
    free(s);
    json_decref(v);
}
END_TEST

/* The class a freed block is filed under, read from malloc's header where
 * tp_jsonmem_install found that it can be, is the one malloc_usable_size
 * gives: for blocks of every small size, aligned, grown, large (mapped of
 * their own), and made on another thread (another arena). */
static void *make_blocks(void *arg)
{
    void **p = arg;
    size_t i;
    for (i = 0; i < 300; i++)
        p[i] = malloc(i + 1);
    return NULL;
}

static void expect_same_class(void *p)
{
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(tp_jsonmem_class(p), tp_jsonmem_class_by_usable_size(p));
}

START_TEST(header_class_is_usable_size_class)
{
    void *other[300], *p;
    pthread_t t;
    size_t n, i;

#if defined(__GLIBC__) && !defined(TEST_ASAN)
    /* The fast way must be on where it can be: glibc's malloc, neither
     * AddressSanitizer's nor valgrind's. */
#ifdef TEST_VALGRIND
    if (!RUNNING_ON_VALGRIND)
#endif
        ck_assert_int_eq(tp_jsonmem_reads_headers(), 1);
#endif
    for (n = 1; n < 1200; n++) {
        p = malloc(n);
        expect_same_class(p);
        p = realloc(p, n + 100);
        expect_same_class(p);
        free(p);
        ck_assert_int_eq(posix_memalign(&p, 64, n), 0);
        expect_same_class(p);
        free(p);
        p = tp_jsonmem_malloc(n);
        expect_same_class(p);
        tp_jsonmem_free(p);
    }
    for (n = 100000; n <= 4000000; n *= 2) {
        p = malloc(n);
        expect_same_class(p);
        free(p);
    }
    ck_assert_int_eq(pthread_create(&t, NULL, make_blocks, other), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    for (i = 0; i < 300; i++) {
        expect_same_class(other[i]);
        tp_jsonmem_free(other[i]);
    }
    tp_jsonmem_drain();
}
END_TEST

/* Values made on one thread and freed on another, round after round. */
static void *make(void *arg)
{
    json_t *a = json_array();
    int i;
    (void)arg;
    for (i = 0; i < 5000; i++)
        json_array_append_new(a, json_pack("{s:i, s:s%}", "start", i, "text", "abcdefghijklmnopqrstuvwxyz",
                                           (size_t)(i % 26)));
    return a;
}

static void *drop(void *arg)
{
    json_decref(arg);
    return NULL;
}

START_TEST(across_threads)
{
    int round;
    for (round = 0; round < 4; round++) {
        pthread_t t;
        void *a;
        ck_assert_int_eq(pthread_create(&t, NULL, make, NULL), 0);
        ck_assert_int_eq(pthread_join(t, &a), 0);
        ck_assert_uint_eq(json_array_size(a), 5000);
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 4999), "text")), "abcdefg");
        ck_assert_int_eq(pthread_create(&t, NULL, drop, a), 0);
        ck_assert_int_eq(pthread_join(t, NULL), 0);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jsonmem");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;
    tp_jsonmem_install();
    tcase_add_test(tc, freed_blocks_come_back);
    tcase_add_test(tc, every_size);
    tcase_add_test(tc, dumps_result_to_free);
    tcase_add_test(tc, across_threads);
    tcase_add_test(tc, header_class_is_usable_size_class);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
