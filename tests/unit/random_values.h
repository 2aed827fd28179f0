/* Random numbers for the JSON property tests: reals and integers at the
 * edges of printing and parsing, and of every size.  Header-only, on top of
 * random_text.h's generator. */
#ifndef TP_TEST_RANDOM_VALUES_H
#define TP_TEST_RANDOM_VALUES_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "random_text.h"

/* Reals for property tests: values at the edges of printing and parsing,
 * any finite bit pattern, quotients, whole numbers of every size. */
static const double special_reals[] = {
    0.0, -0.0, 1e300, -1e300, 1e-300, 1e-5, 1e-4, 1e15, 1e16, 1e17, 1e21, 1e22,
    0.1, 0.2, 0.3, 1.0 / 3.0, 123456789.0, 1.5, -1.5, 2.5e-308, 4.9e-324,
    1.7976931348623157e308, 9007199254740991.0, 9007199254740992.0, 9007199254740993.0,
    9007199254740994.0, -9007199254740992.0, 123456789012345678.0, 3.14159,
    100.0, -100.0, 1e100, 5e-324, 0.5, 42.0
};

static double random_real(void)
{
    uint64_t bits;
    double d;

    switch (rng_below(5)) {
    case 0:
        return special_reals[rng_below(sizeof special_reals / sizeof special_reals[0])];
    case 1:
        do {
            bits = rng();
            memcpy(&d, &bits, sizeof d);
        } while (!isfinite(d));
        return d;
    case 2:
        return (double)(int64_t)rng() / (double)(1 + rng_below(1000000));
    case 3:
        /* Whole numbers of every size, around 2^53 especially. */
        return ldexp((double)(rng() >> rng_below(64)), (int)rng_below(12)) *
               (rng_below(2) ? -1 : 1);
    default:
        return (double)rng_below(100000) / 100.0;
    }
}

/* Integers for property tests: any 64 bits, edges of printing and of the
 * 64-bit range, every magnitude, small ones. */
static int64_t random_integer(void)
{
    switch (rng_below(4)) {
    case 0:
        return (int64_t)rng();
    case 1: {
        static const int64_t edge[] = { 0, 1, -1, 9, 10, 99, 100, -10, INT64_MAX, INT64_MIN,
                                        INT64_MAX - 1, INT64_MIN + 1, 1000000000000,
                                        999999999999999999LL, -999999999999999999LL,
                                        1000000000000000000LL };
        return edge[rng_below(sizeof edge / sizeof edge[0])];
    }
    case 2:
        return (int64_t)(rng() >> rng_below(64)) * (rng_below(2) ? -1 : 1);
    default:
        return (int64_t)rng_below(1000);
    }
}

#endif
