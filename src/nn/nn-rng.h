/* nn-rng.h: a small, seeded, portable random number generator (xoshiro256**).
 *
 * Every random choice in Passband (weight init, shuffling, dropout masks, splits,
 * simulation) draws from an NnRng so that the same seed gives the same numbers on
 * every machine.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 s[4];
  /* cached second value of the Box-Muller pair */
  gboolean has_spare;
  double spare;
} NnRng;

void    nn_rng_init          (NnRng *rng, guint64 seed);
/* An independent stream derived from rng's seed and stream id (e.g. per thread or per layer). */
void    nn_rng_init_stream   (NnRng *rng, guint64 seed, guint64 stream);
guint64 nn_rng_next          (NnRng *rng);
/* uniform in [0, 1) with 53 random bits */
double  nn_rng_uniform       (NnRng *rng);
/* uniform in [lo, hi) */
double  nn_rng_uniform_range (NnRng *rng, double lo, double hi);
/* uniform integer in [0, n), n > 0, without modulo bias */
guint64 nn_rng_below         (NnRng *rng, guint64 n);
/* standard normal */
double  nn_rng_normal        (NnRng *rng);
/* Fisher-Yates shuffle of n ints */
void    nn_rng_shuffle_int   (NnRng *rng, int *v, gsize n);

G_END_DECLS
