/* lc-period.h: the period of a variable star from its raw light curve.
 *
 * A multi-band search: each band is centred on its median and scaled by its
 * robust spread, so that bands of different depth and amplitude share one
 * shape.  A Lomb-Scargle periodogram of all bands together ranks trial
 * frequencies on a grid fine enough for the baseline; the best few peaks are
 * then refined with a Fourier series of n_harmonics terms and one offset per
 * band, and the peak whose series fits best wins.  The multi-harmonic step is
 * what keeps the saw-tooth light curves of RR Lyrae ab stars from locking onto
 * a one-day alias, which a single sine does about one time in five.
 *
 * From the winning fit come the Fourier parameters variable-star work uses to
 * tell pulsators apart: amplitude ratios R21 = A2/A1, R31 = A3/A1 and phase
 * differences phi21 = phi2 - 2 phi1, phi31 = phi3 - 3 phi1 (both in [0, 2π)).
 */
#pragma once

#include "lc-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  double min_period;     /* days (or steps); the shortest period searched */
  double max_period;     /* the longest; 0: half the baseline */
  double oversample;     /* grid points per periodogram peak width (1 / baseline) */
  int max_frequencies;   /* cap on the grid, so long baselines stay affordable */
  int n_harmonics;       /* terms of the Fourier series, 1..LC_PERIOD_MAX_HARMONICS */
  int n_candidates;      /* periodogram peaks refined with the series */
} LcPeriodOptions;

#define LC_PERIOD_MAX_HARMONICS 4

typedef struct
{
  double period;         /* days; NaN when the light curve is too short to search */
  double power;          /* fraction of the variance the series explains, 0..1 */
  double amplitude;      /* peak-to-peak of the fitted series, in robust-spread units */
  double r21, r31;       /* amplitude ratios (NaN when n_harmonics is too small) */
  double phi21, phi31;   /* phase differences in [0, 2π) */
  int n_used;            /* observations that took part */
} LcPeriodFit;

/* Periods 0.1 days to half the baseline, oversample 5, 4 harmonics, 16 candidates. */
void     lc_period_options_default (LcPeriodOptions *options);

/* Searches observations [first, first + n_obs) of ds (one object, or a window
 * of one).  Returns FALSE, with fit->period NaN, when fewer than a dozen
 * usable observations or no baseline are left. */
gboolean lc_period_fit_range (const LcDataset *ds, gsize first, int n_obs,
                              const LcPeriodOptions *options, LcPeriodFit *fit);

/* The same on arrays: times, values, errors (NULL or NaN: unknown) and a band
 * index per observation (n_bands bands); non-finite values are skipped.
 * Observations are weighted by 1 / (error² + floor²) in units of their band's
 * spread, so a noisy band or point counts less but none dominates. */
gboolean lc_period_fit (const double *time, const float *value, const float *error,
                        const guint8 *band, int n, int n_bands,
                        const LcPeriodOptions *options, LcPeriodFit *fit);

/* lc_period_fit and lc_period_fit_range that can be stopped (e.g. by an app
 * when the user moves on): progress (NULL: none) is called in the calling
 * thread before the search, between chunks of trial frequencies and between
 * refined peaks, with the fraction done (0..1, never decreasing).  When it
 * returns FALSE the search stops there and returns FALSE with fit->period
 * NaN and LC_ERROR_CANCELLED in error.  A light curve too short to search
 * also returns FALSE, as above, but sets no error.  Searches that are not
 * stopped give the same bits as the plain calls. */
gboolean lc_period_fit_full       (const double *time, const float *value, const float *error,
                                   const guint8 *band, int n, int n_bands,
                                   const LcPeriodOptions *options, LcProgressFunc progress,
                                   gpointer user_data, LcPeriodFit *fit, GError **error_out);
gboolean lc_period_fit_range_full (const LcDataset *ds, gsize first, int n_obs,
                                   const LcPeriodOptions *options, LcProgressFunc progress,
                                   gpointer user_data, LcPeriodFit *fit, GError **error_out);

G_END_DECLS
