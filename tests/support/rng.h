/*
 * tests/support/rng.h: the deterministic generator tests use for random
 * operation sequences (xorshift64*, Vigna 2016). Seed it explicitly so that
 * a failing sequence can be replayed. One state per file that includes it.
 * The bench suites use it too, unseeded, so their inputs stay the same from
 * run to run.
 */
#ifndef CUR_TESTS_SUPPORT_RNG_H
#define CUR_TESTS_SUPPORT_RNG_H

#include <stddef.h>
#include <stdint.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static inline void rng_seed(uint64_t seed) { rng_state = seed ? seed : 1; }

static inline uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Uniform enough in [0, n) for tests; n > 0. */
static inline ptrdiff_t rng_below(ptrdiff_t n)
{
    return (ptrdiff_t)(rng() % (uint64_t)n);
}

#endif /* CUR_TESTS_SUPPORT_RNG_H */
