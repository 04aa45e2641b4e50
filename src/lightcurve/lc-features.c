/* lc-features.c: per-object aggregate features (the MISweeper table) */
#include "lc-features.h"

#include <math.h>
#include <stdlib.h>

static const char *const feature_names[LC_N_FEATURES] = {
  "mjd_min", "mjd_max", "mjd_size",
  "passband_min", "passband_max", "passband_mean", "passband_median", "passband_std",
  "flux_min", "flux_max", "flux_mean", "flux_median", "flux_std", "flux_skew",
  "flux_err_min", "flux_err_max", "flux_err_mean", "flux_err_median", "flux_err_std", "flux_err_skew",
  "flux_ratio_sq_sum", "flux_ratio_sq_skew",
  "flux_by_flux_ratio_sq_sum", "flux_by_flux_ratio_sq_skew",
};

const char *
lc_feature_name (int feature)
{
  if (feature < 0 || feature >= LC_N_FEATURES)
    return NULL;
  return feature_names[feature];
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
lc_stat_median (const double *v, int n, double *scratch)
{
  if (n <= 0)
    return NAN;
  for (int i = 0; i < n; i++)
    scratch[i] = v[i];
  qsort (scratch, n, sizeof (double), compare_double);
  return n % 2 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]);
}

static double
stat_mean (const double *v, int n)
{
  double sum = 0.0;
  if (n <= 0)
    return NAN;
  for (int i = 0; i < n; i++)
    sum += v[i];
  return sum / n;
}

double
lc_stat_robust_scale (const double *v, int n, double median, double *scratch)
{
  double mad, mean_dev = 0.0;

  if (n <= 0)
    return 1.0;
  for (int i = 0; i < n; i++)
    {
      scratch[n + i] = fabs (v[i] - median);
      mean_dev += scratch[n + i] / n;
    }
  mad = 1.4826 * lc_stat_median (scratch + n, n, scratch);
  return mad > 0.0 ? mad : (mean_dev > 0.0 ? mean_dev : 1.0);
}

double
lc_stat_std (const double *v, int n)
{
  double mean = stat_mean (v, n), m2 = 0.0;
  if (n < 2)
    return NAN;
  for (int i = 0; i < n; i++)
    m2 += (v[i] - mean) * (v[i] - mean);
  return sqrt (m2 / (n - 1));
}

double
lc_stat_skew (const double *v, int n)
{
  double mean = stat_mean (v, n), m2 = 0.0, m3 = 0.0;
  if (n < 3)
    return NAN;
  for (int i = 0; i < n; i++)
    {
      double d = v[i] - mean;
      m2 += d * d;
      m3 += d * d * d;
    }
  /* pandas: a constant column has skew 0, not 0/0 */
  if (m2 == 0.0)
    return 0.0;
  return n * sqrt (n - 1.0) / (n - 2.0) * m3 / pow (m2, 1.5);
}

static double
stat_sum (const double *v, int n)
{
  double sum = 0.0;
  if (n <= 0)
    return NAN;
  for (int i = 0; i < n; i++)
    sum += v[i];
  return sum;
}

static double
stat_min (const double *v, int n)
{
  double m = n > 0 ? v[0] : NAN;
  for (int i = 1; i < n; i++)
    m = MIN (m, v[i]);
  return m;
}

static double
stat_max (const double *v, int n)
{
  double m = n > 0 ? v[0] : NAN;
  for (int i = 1; i < n; i++)
    m = MAX (m, v[i]);
  return m;
}

/* min, max, mean, median, std and skew into out[0..6) (skew only when with_skew). */
static void
describe (const double *v, int n, double *scratch, gboolean with_skew, float *out)
{
  out[0] = stat_min (v, n);
  out[1] = stat_max (v, n);
  out[2] = stat_mean (v, n);
  out[3] = lc_stat_median (v, n, scratch);
  out[4] = lc_stat_std (v, n);
  if (with_skew)
    out[5] = lc_stat_skew (v, n);
}

/* Keeps the finite values of v (pandas skips NaN); returns how many. */
static int
keep_finite (double *v, int n)
{
  int kept = 0;
  for (int i = 0; i < n; i++)
    if (isfinite (v[i]))
      v[kept++] = v[i];
  return kept;
}

void
lc_features_compute_range (const LcDataset *ds, gsize first, int n_obs, float *out)
{
  g_autofree double *buf = g_new (double, 6 * (gsize) MAX (n_obs, 1));
  double *mjd = buf, *band = buf + n_obs, *flux = buf + 2 * n_obs, *err = buf + 3 * n_obs;
  double *ratio = buf + 4 * n_obs, *scratch = buf + 5 * n_obs;
  double *by_ratio = mjd;   /* reuses the time column once its statistics are taken */
  int n_flux, n_err, n_ratio, n_by;

  g_return_if_fail (ds != NULL && out != NULL);
  for (int i = 0; i < n_obs; i++)
    {
      gsize j = first + i;
      mjd[i] = ds->time[j];
      band[i] = ds->band[j];
      flux[i] = ds->value[j];
      err[i] = ds->error[j];
      ratio[i] = (flux[i] / err[i]) * (flux[i] / err[i]);
    }
  out[LC_FEATURE_MJD_MIN] = stat_min (mjd, n_obs);
  out[LC_FEATURE_MJD_MAX] = stat_max (mjd, n_obs);
  out[LC_FEATURE_MJD_SIZE] = n_obs;
  out[LC_FEATURE_PASSBAND_MIN] = stat_min (band, n_obs);
  out[LC_FEATURE_PASSBAND_MAX] = stat_max (band, n_obs);
  out[LC_FEATURE_PASSBAND_MEAN] = stat_mean (band, n_obs);
  out[LC_FEATURE_PASSBAND_MEDIAN] = lc_stat_median (band, n_obs, scratch);
  out[LC_FEATURE_PASSBAND_STD] = lc_stat_std (band, n_obs);

  for (int i = 0; i < n_obs; i++)
    by_ratio[i] = flux[i] * ratio[i];
  n_flux = keep_finite (flux, n_obs);
  n_err = keep_finite (err, n_obs);
  n_ratio = keep_finite (ratio, n_obs);
  n_by = keep_finite (by_ratio, n_obs);
  describe (flux, n_flux, scratch, TRUE, out + LC_FEATURE_FLUX_MIN);
  describe (err, n_err, scratch, TRUE, out + LC_FEATURE_FLUX_ERR_MIN);
  out[LC_FEATURE_FLUX_RATIO_SQ_SUM] = stat_sum (ratio, n_ratio);
  out[LC_FEATURE_FLUX_RATIO_SQ_SKEW] = lc_stat_skew (ratio, n_ratio);
  out[LC_FEATURE_FLUX_BY_FLUX_RATIO_SQ_SUM] = stat_sum (by_ratio, n_by);
  out[LC_FEATURE_FLUX_BY_FLUX_RATIO_SQ_SKEW] = lc_stat_skew (by_ratio, n_by);
}

void
lc_features_compute (const LcDataset *ds, gsize object, float *out)
{
  g_return_if_fail (ds != NULL && object < ds->n_objects);
  lc_features_compute_range (ds, ds->objects[object].first, ds->objects[object].n_obs, out);
}

float *
lc_features_table (const LcDataset *ds, const int *rows, int n_rows)
{
  float *table;
  g_return_val_if_fail (ds != NULL, NULL);
  if (rows == NULL)
    n_rows = (int) ds->n_objects;
  table = g_new (float, (gsize) MAX (n_rows, 1) * LC_N_FEATURES);
  for (int r = 0; r < n_rows; r++)
    lc_features_compute (ds, rows != NULL ? (gsize) rows[r] : (gsize) r, table + (gsize) r * LC_N_FEATURES);
  return table;
}
