/* lc-features.h: per-object aggregate features (DESIGN §6, the MISweeper table).
 *
 * Statistics over all observations of an object, as the MISweeper report
 * computed them with pandas:
 *   mjd:       min, max, size (number of observations)
 *   passband:  min, max, mean, median, std
 *   flux:      min, max, mean, median, std, skew
 *   flux_err:  min, max, mean, median, std, skew
 *   flux_ratio_sq = (flux / flux_err)^2:       sum, skew
 *   flux_by_flux_ratio_sq = flux * flux_ratio_sq: sum, skew
 * std is the sample standard deviation (n - 1) and skew the bias-corrected
 * sample skewness (pandas' Series.skew); both are NaN when undefined (fewer
 * than 2 or 3 values) and skew is 0 when all values are equal.  Statistics of
 * a column that is NaN (a file without errors) are NaN.
 */
#pragma once

#include "lc-dataset.h"

G_BEGIN_DECLS

typedef enum
{
  LC_FEATURE_MJD_MIN = 0,
  LC_FEATURE_MJD_MAX,
  LC_FEATURE_MJD_SIZE,
  LC_FEATURE_PASSBAND_MIN,
  LC_FEATURE_PASSBAND_MAX,
  LC_FEATURE_PASSBAND_MEAN,
  LC_FEATURE_PASSBAND_MEDIAN,
  LC_FEATURE_PASSBAND_STD,
  LC_FEATURE_FLUX_MIN,
  LC_FEATURE_FLUX_MAX,
  LC_FEATURE_FLUX_MEAN,
  LC_FEATURE_FLUX_MEDIAN,
  LC_FEATURE_FLUX_STD,
  LC_FEATURE_FLUX_SKEW,
  LC_FEATURE_FLUX_ERR_MIN,
  LC_FEATURE_FLUX_ERR_MAX,
  LC_FEATURE_FLUX_ERR_MEAN,
  LC_FEATURE_FLUX_ERR_MEDIAN,
  LC_FEATURE_FLUX_ERR_STD,
  LC_FEATURE_FLUX_ERR_SKEW,
  LC_FEATURE_FLUX_RATIO_SQ_SUM,
  LC_FEATURE_FLUX_RATIO_SQ_SKEW,
  LC_FEATURE_FLUX_BY_FLUX_RATIO_SQ_SUM,
  LC_FEATURE_FLUX_BY_FLUX_RATIO_SQ_SKEW,
  LC_N_FEATURES
} LcFeature;

/* "mjd_min", "flux_ratio_sq_skew", ...; NULL when out of range. */
const char *lc_feature_name (int feature);

/* The features of observations [first, first + n_obs) of ds into out[LC_N_FEATURES]
 * (a window of one object, e.g. its first k observations). */
void lc_features_compute_range (const LcDataset *ds, gsize first, int n_obs, float *out);
/* The features of object index `object` (all its observations). */
void lc_features_compute       (const LcDataset *ds, gsize object, float *out);
/* A table (n_rows, LC_N_FEATURES) for the objects rows[0..n_rows), or every
 * object when rows is NULL (n_rows is then ignored); free with g_free. */
float *lc_features_table       (const LcDataset *ds, const int *rows, int n_rows);

/* Sample statistics the encoder shares: NaN when undefined. */
double lc_stat_median (const double *v, int n, double *scratch);
double lc_stat_std    (const double *v, int n);
double lc_stat_skew   (const double *v, int n);
/* A robust standard deviation around median: 1.4826 times the median absolute
 * deviation; the mean absolute deviation when over half the values equal the
 * median (a flat light curve with one flare); 1 when nothing spreads.
 * scratch holds 2n doubles. */
double lc_stat_robust_scale (const double *v, int n, double median, double *scratch);

G_END_DECLS
