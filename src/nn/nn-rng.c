/* nn-rng.c: xoshiro256** seeded through splitmix64 */
#include "nn-rng.h"

#include <math.h>

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
nn_rng_init (NnRng *rng, guint64 seed)
{
  nn_rng_init_stream (rng, seed, 0);
}

void
nn_rng_init_stream (NnRng *rng, guint64 seed, guint64 stream)
{
  guint64 x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
  rng->has_spare = FALSE;
  rng->spare = 0.0;
}

guint64
nn_rng_next (NnRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
nn_rng_uniform (NnRng *rng)
{
  return (double) (nn_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
nn_rng_uniform_range (NnRng *rng, double lo, double hi)
{
  return lo + (hi - lo) * nn_rng_uniform (rng);
}

guint64
nn_rng_below (NnRng *rng, guint64 n)
{
  /* rejection sampling keeps every value equally likely */
  guint64 limit = G_MAXUINT64 - G_MAXUINT64 % n;
  guint64 r;
  g_return_val_if_fail (n > 0, 0);
  do
    r = nn_rng_next (rng);
  while (r >= limit);
  return r % n;
}

double
nn_rng_normal (NnRng *rng)
{
  double u, v, s;
  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      return rng->spare;
    }
  do
    {
      u = 2.0 * nn_rng_uniform (rng) - 1.0;
      v = 2.0 * nn_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);
  s = sqrt (-2.0 * log (s) / s);
  rng->spare = v * s;
  rng->has_spare = TRUE;
  return u * s;
}

void
nn_rng_shuffle_int (NnRng *rng, int *v, gsize n)
{
  for (gsize i = n; i > 1; i--)
    {
      gsize j = nn_rng_below (rng, i);
      int tmp = v[i - 1];
      v[i - 1] = v[j];
      v[j] = tmp;
    }
}
