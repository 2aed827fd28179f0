/* What the benchmark programs under bench/ share: the CPU time of the
 * calling thread, a figure per core whatever else the machine runs, and
 * the order of doubles for qsort (medians of repeated runs). */
#ifndef TEXTPIPE_BENCH_CPUTIME_H
#define TEXTPIPE_BENCH_CPUTIME_H

#include <time.h>

static inline double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
