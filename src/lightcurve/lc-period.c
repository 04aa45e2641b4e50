/* lc-period.c: multi-band Lomb-Scargle search refined by a Fourier series. */
#include "config.h"

#include "lc-period.h"
#include "lc-features.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#define MIN_OBSERVATIONS 12
#define MAX_BANDS 16
#define MAX_PARAMS (MAX_BANDS + 2 * LC_PERIOD_MAX_HARMONICS)
/* A value this many robust spreads from its band's median is an outlier: clipped. */
#define CLIP 8.0
/* The phasors are rotated step by step along the grid; recomputing them
 * exactly this often keeps the rounding of the rotations from adding up. */
#define RESEED_STEPS 512

void
lc_period_options_default (LcPeriodOptions *options)
{
  g_return_if_fail (options != NULL);
  options->min_period = 0.1;
  options->max_period = 0.0;
  options->oversample = 5.0;
  options->max_frequencies = 200000;
  options->n_harmonics = 4;
  options->n_candidates = 16;
}

/* The usable observations, centred and scaled per band. */
typedef struct
{
  int n;
  int n_bands;        /* bands with enough observations, renumbered 0.. */
  double *t;          /* time minus the middle of the baseline */
  double *y;          /* (value - band median) / band robust spread */
  double *w;          /* 1 / (error² + model floor²), in the same units */
  int *b;             /* renumbered band */
  double baseline;
} Series;

static void
series_clear (Series *s)
{
  g_free (s->t);
  g_free (s->y);
  g_free (s->w);
  g_free (s->b);
  memset (s, 0, sizeof *s);
}

/* What a few harmonics cannot fit (cycle-to-cycle changes, blends), in
 * robust-spread units: the most weight a precise observation can get. */
#define WEIGHT_FLOOR 0.2

/* Bands with fewer observations than this are left out: their median and
 * spread would be noise. */
#define MIN_PER_BAND 4

static gboolean
series_build (Series *s, const double *time, const float *value, const float *error,
              const guint8 *band, int n, int n_bands)
{
  g_autofree double *v = g_new (double, MAX (n, 1));
  g_autofree double *scratch = g_new (double, 2 * MAX (n, 1));
  g_autofree int *index = g_new (int, MAX (n, 1));
  double t_lo = INFINITY, t_hi = -INFINITY;

  memset (s, 0, sizeof *s);
  s->t = g_new (double, MAX (n, 1));
  s->y = g_new (double, MAX (n, 1));
  s->w = g_new (double, MAX (n, 1));
  s->b = g_new (int, MAX (n, 1));
  for (int bb = 0; bb < MIN (n_bands, MAX_BANDS); bb++)
    {
      int m = 0;
      double median, spread;

      for (int i = 0; i < n; i++)
        if (band[i] == bb && isfinite (value[i]) && isfinite (time[i]))
          {
            index[m] = i;
            v[m++] = value[i];
          }
      if (m < MIN_PER_BAND)
        continue;
      median = lc_stat_median (v, m, scratch);
      spread = lc_stat_robust_scale (v, m, median, scratch);
      for (int k = 0; k < m; k++)
        {
          double y = (v[k] - median) / spread;
          double e = error != NULL && isfinite (error[index[k]]) ? error[index[k]] / spread : 0.0;
          s->w[s->n] = 1.0 / (e * e + WEIGHT_FLOOR * WEIGHT_FLOOR);
          s->t[s->n] = time[index[k]];
          s->y[s->n] = CLAMP (y, -CLIP, CLIP);
          s->b[s->n] = s->n_bands;
          t_lo = MIN (t_lo, s->t[s->n]);
          t_hi = MAX (t_hi, s->t[s->n]);
          s->n++;
        }
      s->n_bands++;
    }
  if (s->n < MIN_OBSERVATIONS || !(t_hi > t_lo))
    return FALSE;
  s->baseline = t_hi - t_lo;
  for (int i = 0; i < s->n; i++)
    s->t[i] -= 0.5 * (t_lo + t_hi);
  return TRUE;
}

/* ------------------------------------------------------------ periodogram */

typedef struct
{
  double f0, df;
  int nf;
} Grid;

static gboolean
grid_for (const Series *s, const LcPeriodOptions *options, Grid *g)
{
  double max_period = options->max_period > 0 ? options->max_period : 0.5 * s->baseline;
  double f_lo = 1.0 / max_period;
  double f_hi = 1.0 / MAX (options->min_period, 1e-6);
  double df = 1.0 / (MAX (options->oversample, 1.0) * s->baseline);

  if (!(f_hi > f_lo))
    return FALSE;
  g->nf = (int) MIN ((f_hi - f_lo) / df + 1.0, (double) MAX (options->max_frequencies, 16));
  g->f0 = f_lo;
  g->df = (f_hi - f_lo) / MAX (g->nf - 1, 1);
  return TRUE;
}

/* The caller's progress function and its answer: the search asks between
 * chunks of the grid and between candidates, and stops at the first FALSE. */
typedef struct
{
  LcProgressFunc func;
  gpointer user_data;
  double grid_share;   /* the periodogram's part of the work, for the fraction */
  gboolean stopped;
} Progress;

static gboolean
progress_report (Progress *p, double fraction)
{
  if (p->func != NULL && !p->stopped && !p->func (MIN (fraction, 1.0), p->user_data))
    p->stopped = TRUE;
  return !p->stopped;
}

/* Eight floats processed as one by the compiler's vector extension: the
 * periodogram is nearly all of the cost, and single precision is plenty for
 * ranking peaks that are refined afterwards.  On x86-64 an AVX2 clone is
 * picked at run time; elsewhere the vector is split into what the machine has
 * (two SSE or NEON registers). */
typedef float v8f __attribute__ ((vector_size (32)));
#define LANES 8

/* By pointer: a vector passed by value would travel differently in the AVX2
 * clone and in this plain function (the x86-64 ABI of 32-byte vectors). */
static float
v8f_sum (const v8f *v)
{
  return (((*v)[0] + (*v)[1]) + ((*v)[2] + (*v)[3])) + (((*v)[4] + (*v)[5]) + ((*v)[6] + (*v)[7]));
}

static v8f *
v8f_new0 (int n)
{
  return g_aligned_alloc0 (n, sizeof (v8f), sizeof (v8f));
}

/* The classical single-sine power at every grid frequency (the data are
 * already centred per band).  With the phasor z = exp(iωt) of each
 * observation, the four sums Σy cos, Σy sin, Σcos 2ωt and Σsin 2ωt give the
 * power; z is advanced along the grid by one complex multiplication and
 * recomputed exactly every RESEED_STEPS so that rounding cannot drift.
 * Padding lanes have z = 0 and add nothing. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__ ((target_clones ("avx2", "default")))
#endif
static gboolean
periodogram (const Series *s, const Grid *g, float *power, Progress *progress)
{
  int n = s->n, nv = (n + LANES - 1) / LANES;
  v8f *zr = v8f_new0 (nv), *zi = v8f_new0 (nv), *rr = v8f_new0 (nv), *ri = v8f_new0 (nv);
  v8f *y = v8f_new0 (nv), *w = v8f_new0 (nv);
  double total = 0;

  for (int j = 0; j < n; j++)
    {
      rr[j / LANES][j % LANES] = (float) cos (2 * G_PI * g->df * s->t[j]);
      ri[j / LANES][j % LANES] = (float) sin (2 * G_PI * g->df * s->t[j]);
      y[j / LANES][j % LANES] = (float) (s->w[j] * s->y[j]);
      w[j / LANES][j % LANES] = (float) s->w[j];
      total += s->w[j];
    }
  for (int k = 0; k < g->nf; k++)
    {
      v8f c = { 0 }, sn = { 0 }, c2 = { 0 }, s2 = { 0 };
      double cc, ss, cs, det, sc, ssn;

      if (k % RESEED_STEPS == 0)
        {
          if (!progress_report (progress, progress->grid_share * k / g->nf))
            break;
          for (int j = 0; j < n; j++)
            {
              double phase = 2 * G_PI * (g->f0 + k * g->df) * s->t[j];
              zr[j / LANES][j % LANES] = (float) cos (phase);
              zi[j / LANES][j % LANES] = (float) sin (phase);
            }
        }
      for (int v = 0; v < nv; v++)
        {
          v8f re = zr[v], im = zi[v];
          c += y[v] * re;
          sn += y[v] * im;
          c2 += w[v] * (re * re - im * im);
          s2 += w[v] * re * im;
          zr[v] = re * rr[v] - im * ri[v];
          zi[v] = re * ri[v] + im * rr[v];
        }
      sc = v8f_sum (&c);
      ssn = v8f_sum (&sn);
      cc = 0.5 * (total + v8f_sum (&c2));
      ss = 0.5 * (total - v8f_sum (&c2));
      cs = v8f_sum (&s2);
      det = cc * ss - cs * cs;
      power[k] = det > 1e-9 * total * total ? (float) ((ss * sc * sc - 2 * cs * sc * ssn + cc * ssn * ssn) / det) : 0.0f;
    }
  g_aligned_free (zr);
  g_aligned_free (zi);
  g_aligned_free (rr);
  g_aligned_free (ri);
  g_aligned_free (y);
  g_aligned_free (w);
  return !progress->stopped;
}

/* Indices of the n_out highest local maxima of power, best first; returns how many. */
static int
top_peaks (const float *power, int nf, int *out, int n_out)
{
  int found = 0;
  for (int k = 0; k < nf; k++)
    {
      int at;
      if ((k > 0 && power[k] < power[k - 1]) || (k + 1 < nf && power[k] < power[k + 1]))
        continue;
      if (found == n_out && power[k] <= power[out[found - 1]])
        continue;
      at = MIN (found, n_out - 1);
      while (at > 0 && power[out[at - 1]] < power[k])
        {
          out[at] = out[at - 1];
          at--;
        }
      out[at] = k;
      found = MIN (found + 1, n_out);
    }
  return found;
}

/* -------------------------------------------------------- Fourier series */

typedef struct
{
  double rss;
  double coef[MAX_PARAMS];
} SeriesFit;

/* Solves the symmetric positive definite system a x = r (p unknowns) by Cholesky, in
 * place; a tiny ridge keeps an unlucky design (a band seen at one phase only)
 * solvable.  FALSE when it is not. */
static gboolean
solve_spd (double *a, double *r, int p)
{
  double trace = 0;
  for (int i = 0; i < p; i++)
    trace += a[i * p + i];
  for (int i = 0; i < p; i++)
    a[i * p + i] += 1e-9 * trace / p + 1e-12;
  for (int j = 0; j < p; j++)
    {
      double d = a[j * p + j];
      for (int k = 0; k < j; k++)
        d -= a[j * p + k] * a[j * p + k];
      if (!(d > 0))
        return FALSE;
      d = sqrt (d);
      a[j * p + j] = d;
      for (int i = j + 1; i < p; i++)
        {
          double v = a[i * p + j];
          for (int k = 0; k < j; k++)
            v -= a[i * p + k] * a[j * p + k];
          a[i * p + j] = v / d;
        }
    }
  for (int i = 0; i < p; i++)
    {
      double v = r[i];
      for (int k = 0; k < i; k++)
        v -= a[i * p + k] * r[k];
      r[i] = v / a[i * p + i];
    }
  for (int i = p - 1; i >= 0; i--)
    {
      double v = r[i];
      for (int k = i + 1; k < p; k++)
        v -= a[k * p + i] * r[k];
      r[i] = v / a[i * p + i];
    }
  return TRUE;
}

/* The regressors of observation j at frequency f: one-hot band offsets, then
 * cos and sin of h ω t for h = 1..H (by complex powers of exp(iωt)). */
static void
regressors (const Series *s, int j, double f, int harmonics, double *x)
{
  double w = 2 * G_PI * f * s->t[j];
  double c1 = cos (w), s1 = sin (w), c = c1, sn = s1;

  memset (x, 0, sizeof (double) * s->n_bands);
  x[s->b[j]] = 1.0;
  for (int h = 0; h < harmonics; h++)
    {
      double next_c = c * c1 - sn * s1;
      x[s->n_bands + 2 * h] = c;
      x[s->n_bands + 2 * h + 1] = sn;
      sn = sn * c1 + c * s1;
      c = next_c;
    }
}

/* Least squares of the series at frequency f; FALSE when singular. */
static gboolean
fit_series (const Series *s, double f, int harmonics, SeriesFit *out)
{
  int p = s->n_bands + 2 * harmonics;
  double a[MAX_PARAMS * MAX_PARAMS] = { 0 };
  double r[MAX_PARAMS] = { 0 };
  double x[MAX_PARAMS];
  double yy = 0, explained = 0;

  for (int j = 0; j < s->n; j++)
    {
      regressors (s, j, f, harmonics, x);
      for (int u = 0; u < p; u++)
        {
          r[u] += s->w[j] * x[u] * s->y[j];
          for (int v = 0; v <= u; v++)
            a[u * p + v] += s->w[j] * x[u] * x[v];
        }
      yy += s->w[j] * s->y[j] * s->y[j];
    }
  for (int u = 0; u < p; u++)
    for (int v = 0; v < u; v++)
      a[v * p + u] = a[u * p + v];
  memcpy (out->coef, r, sizeof (double) * p);
  if (!solve_spd (a, out->coef, p))
    return FALSE;
  for (int u = 0; u < p; u++)
    explained += out->coef[u] * r[u];
  out->rss = MAX (yy - explained, 0.0);
  return TRUE;
}

/* The residual of the offsets alone: what "all the variance" means. */
static double
offsets_only_rss (const Series *s)
{
  double sum[MAX_BANDS] = { 0 }, count[MAX_BANDS] = { 0 }, yy = 0;
  for (int j = 0; j < s->n; j++)
    {
      sum[s->b[j]] += s->w[j] * s->y[j];
      count[s->b[j]] += s->w[j];
      yy += s->w[j] * s->y[j] * s->y[j];
    }
  for (int b = 0; b < s->n_bands; b++)
    if (count[b] > 0)
      yy -= sum[b] * sum[b] / count[b];
  return MAX (yy, 1e-12);
}

/* Peak-to-peak of the harmonic part of the series, sampled over one cycle. */
static double
peak_to_peak (const double *harm, int harmonics)
{
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < 200; i++)
    {
      double phase = 2 * G_PI * i / 200.0, v = 0;
      for (int h = 0; h < harmonics; h++)
        v += harm[2 * h] * cos ((h + 1) * phase) + harm[2 * h + 1] * sin ((h + 1) * phase);
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  return hi - lo;
}

static double
wrap_phase (double phi)
{
  phi = fmod (phi, 2 * G_PI);
  return phi < 0 ? phi + 2 * G_PI : phi;
}

/* The Fourier parameters of the winning series: a cos + b sin = A cos(hωt + φ). */
static void
describe_series (const Series *s, const SeriesFit *best, int harmonics, LcPeriodFit *fit)
{
  const double *harm = best->coef + s->n_bands;
  double amp[LC_PERIOD_MAX_HARMONICS], phi[LC_PERIOD_MAX_HARMONICS];

  for (int h = 0; h < harmonics; h++)
    {
      amp[h] = hypot (harm[2 * h], harm[2 * h + 1]);
      phi[h] = atan2 (-harm[2 * h + 1], harm[2 * h]);
    }
  fit->amplitude = peak_to_peak (harm, harmonics);
  fit->power = CLAMP (1.0 - best->rss / offsets_only_rss (s), 0.0, 1.0);
  if (harmonics >= 2 && amp[0] > 0)
    {
      fit->r21 = amp[1] / amp[0];
      fit->phi21 = wrap_phase (phi[1] - 2 * phi[0]);
    }
  if (harmonics >= 3 && amp[0] > 0)
    {
      fit->r31 = amp[2] / amp[0];
      fit->phi31 = wrap_phase (phi[2] - 3 * phi[0]);
    }
}

/* The residual of the series at f (INFINITY when singular). */
static double
series_rss (const Series *s, double f, int harmonics, SeriesFit *out)
{
  return f > 0 && fit_series (s, f, harmonics, out) ? out->rss : INFINITY;
}

/* Golden-section search of the residual on [lo, hi], where one minimum is
 * bracketed; leaves the best fit in best and returns its frequency. */
static double
golden_refine (const Series *s, double lo, double hi, int harmonics, double best_f, SeriesFit *best)
{
  const double g = 0.5 * (sqrt (5.0) - 1.0);
  double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  SeriesFit fa, fb;
  double ra = series_rss (s, a, harmonics, &fa), rb = series_rss (s, b, harmonics, &fb);

  for (int i = 0; i < 24; i++)
    {
      if (ra < rb)
        {
          hi = b;
          b = a;
          rb = ra;
          fb = fa;
          a = hi - g * (hi - lo);
          ra = series_rss (s, a, harmonics, &fa);
        }
      else
        {
          lo = a;
          a = b;
          ra = rb;
          fa = fb;
          b = lo + g * (hi - lo);
          rb = series_rss (s, b, harmonics, &fb);
        }
    }
  if (MIN (ra, rb) < best->rss)
    {
      *best = ra < rb ? fa : fb;
      return ra < rb ? a : b;
    }
  return best_f;
}

/* Refines each candidate on a grid of quarter steps around it with the
 * series, keeps the best, and polishes that one between its neighbours, so
 * the period is exact to far better than a grid step even for long periods.
 * Returns its frequency (NaN when none fitted). */
static double
refine_candidates (const Series *s, const Grid *g, const int *peaks, int n_peaks, int harmonics,
                   SeriesFit *best, Progress *progress)
{
  const double step = 0.25 * g->df;
  const double share = progress->grid_share, per_peak = (1.0 - share) / (n_peaks + 3);
  double best_f = NAN;

  best->rss = INFINITY;
  for (int c = 0; c < n_peaks; c++)
    {
      if (!progress_report (progress, share + c * per_peak))
        return NAN;
      for (int q = -4; q <= 4; q++)
        {
          double f = g->f0 + peaks[c] * g->df + q * step;
          SeriesFit trial;
          if (series_rss (s, f, harmonics, &trial) >= best->rss)
            continue;
          *best = trial;
          best_f = f;
        }
    }
  /* the polish costs about three candidates */
  if (!progress_report (progress, share + n_peaks * per_peak))
    return NAN;
  if (isfinite (best_f))
    best_f = golden_refine (s, MAX (best_f - step, 0.5 * best_f), best_f + step, harmonics, best_f, best);
  return best_f;
}

static void
fit_clear (LcPeriodFit *fit)
{
  fit->period = fit->power = fit->amplitude = NAN;
  fit->r21 = fit->r31 = fit->phi21 = fit->phi31 = NAN;
  fit->n_used = 0;
}

gboolean
lc_period_fit_full (const double *time, const float *value, const float *error, const guint8 *band, int n,
                    int n_bands, const LcPeriodOptions *options, LcProgressFunc progress_func,
                    gpointer user_data, LcPeriodFit *fit, GError **error_out)
{
  LcPeriodOptions defaults;
  Series s = { 0 };
  Grid g;
  Progress progress = { progress_func, user_data, 1.0, FALSE };
  g_autofree float *power = NULL;
  int peaks[64];
  int n_peaks, harmonics;
  SeriesFit best;
  double f = NAN;

  g_return_val_if_fail (fit != NULL, FALSE);
  g_return_val_if_fail (error_out == NULL || *error_out == NULL, FALSE);
  fit_clear (fit);
  if (options == NULL)
    {
      lc_period_options_default (&defaults);
      options = &defaults;
    }
  harmonics = CLAMP (options->n_harmonics, 1, LC_PERIOD_MAX_HARMONICS);
  if (n <= 0 || !series_build (&s, time, value, error, band, n, n_bands)
      || s.n <= s.n_bands + 2 * harmonics + 2 || !grid_for (&s, options, &g))
    {
      series_clear (&s);
      return FALSE;
    }
  n_peaks = CLAMP (options->n_candidates, 1, (int) G_N_ELEMENTS (peaks));
  /* For the fraction: a series fit of p parameters costs about p² grid
   * frequencies (measured on the SDSS RR Lyrae, where the grid is 80 % of the
   * time); each candidate takes nine fits and the polish twenty-six. */
  {
    double p = s.n_bands + 2 * harmonics;
    double fit_work = (9.0 * n_peaks + 26.0) * p * p;
    progress.grid_share = g.nf / (g.nf + fit_work);
  }
  power = g_new (float, g.nf);
  if (periodogram (&s, &g, power, &progress))
    {
      n_peaks = top_peaks (power, g.nf, peaks, n_peaks);
      f = refine_candidates (&s, &g, peaks, n_peaks, harmonics, &best, &progress);
    }
  if (progress.stopped)
    {
      series_clear (&s);
      g_set_error_literal (error_out, LC_ERROR, LC_ERROR_CANCELLED, _("period search cancelled"));
      return FALSE;
    }
  if (isfinite (f))
    {
      fit->period = 1.0 / f;
      fit->n_used = s.n;
      describe_series (&s, &best, harmonics, fit);
    }
  series_clear (&s);
  return isfinite (f);
}

gboolean
lc_period_fit (const double *time, const float *value, const float *error, const guint8 *band, int n,
               int n_bands,
               const LcPeriodOptions *options, LcPeriodFit *fit)
{
  return lc_period_fit_full (time, value, error, band, n, n_bands, options, NULL, NULL, fit, NULL);
}

gboolean
lc_period_fit_range_full (const LcDataset *ds, gsize first, int n_obs, const LcPeriodOptions *options,
                          LcProgressFunc progress, gpointer user_data, LcPeriodFit *fit, GError **error_out)
{
  g_return_val_if_fail (ds != NULL && fit != NULL, FALSE);
  g_return_val_if_fail (first + (gsize) MAX (n_obs, 0) <= ds->n_obs, FALSE);
  return lc_period_fit_full (ds->time + first, ds->value + first, ds->error + first, ds->band + first, n_obs,
                             ds->n_bands, options, progress, user_data, fit, error_out);
}

gboolean
lc_period_fit_range (const LcDataset *ds, gsize first, int n_obs, const LcPeriodOptions *options,
                     LcPeriodFit *fit)
{
  return lc_period_fit_range_full (ds, first, n_obs, options, NULL, NULL, fit, NULL);
}
