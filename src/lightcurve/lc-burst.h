/* lc-burst.h: transient bursts measured on light curves: peak alignment,
 * normalisation, rise and decline time, full width at half maximum, and the
 * typical (median) curve of a class (Results: burst-event view).
 *
 * Brightness is linear: flux as it is, magnitudes converted with
 * 10^(-0.4 (m - m_peak)), so a normalised curve is 1 at the peak whatever the
 * file stores.  The baseline is 0 (survey fluxes are background subtracted).
 *
 * Times at half maximum are found by linear interpolation between the two
 * observations around the crossing nearest to the peak:
 *   rise time    = t_peak - t_half_before
 *   decline time = t_half_after - t_peak
 *   FWHM         = t_half_after - t_half_before
 * A side that never falls below half of the peak gives NaN for what needs it.
 */
#pragma once

#include <glib.h>

#include "lc-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  double peak_time;     /* time of the brightest point */
  double peak_value;    /* its linear brightness */
  double rise_time;     /* NaN when the curve never is below half before the peak */
  double decline_time;  /* NaN when it never falls below half after the peak */
  double fwhm;          /* NaN unless both sides are defined */
} LcBurstShape;

/* Measures a curve given as n points sorted by time (values linear, NaN
 * points skipped).  FALSE when no point is finite and positive. */
gboolean lc_burst_measure (const double *time, const float *value, int n, LcBurstShape *shape);

/* The peak of an object: the brightest detected observation over every band
 * (band >= 0: that band only; all observations when none is detected).
 * FALSE when the object has no usable observation. */
gboolean lc_burst_find_peak (const LcDataset *ds, gsize object, int band, double *peak_time,
                             double *peak_value);

/* The object's observations of band, aligned on the object's peak (all bands)
 * and normalised by its peak brightness: times_out[i] = t - t_peak,
 * values_out[i] = brightness / peak.  Arrays need room for the object's
 * observation count; returns the number written (0 without a peak). */
int lc_burst_align (const LcDataset *ds, gsize object, int band, double *times_out, float *values_out);

/* Shape of one band of an object after alignment (times relative to the peak). */
gboolean lc_burst_measure_object (const LcDataset *ds, gsize object, int band, LcBurstShape *shape);

/* The typical curve of some objects: per band, the median of their aligned,
 * normalised observations in n_bins equal bins over [t_min, t_max]. */
typedef struct
{
  int n_bands;
  int n_bins;
  double t_min, t_max;
  float *median;        /* (n_bands, n_bins), NaN where a bin is empty */
  int *count;           /* (n_bands, n_bins) observations in each bin */
  int n_objects;        /* objects that had a peak */
  LcBurstShape *shape;  /* [n_bands] measured on the median curve */
} LcBurstTypical;

LcBurstTypical *lc_burst_typical_new  (const LcDataset *ds, const gsize *objects, guint n_objects,
                                       double t_min, double t_max, int n_bins);
/* The same for every object of class index class_index. */
LcBurstTypical *lc_burst_typical_new_for_class (const LcDataset *ds, int class_index,
                                                double t_min, double t_max, int n_bins);
void            lc_burst_typical_free (LcBurstTypical *typical);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcBurstTypical, lc_burst_typical_free)
/* Centre time of bin i. */
double          lc_burst_typical_bin_time (const LcBurstTypical *typical, int bin);

/* Whether a class is a transient whose bursts make sense to align (supernovae,
 * kilonovae, TDEs, flares, microlensing), by its PLAsTiCC id or its name. */
gboolean lc_burst_class_is_transient (const LcDataset *ds, int class_index);

/* A time window suited to the dataset (days, or steps for data on a grid). */
void lc_burst_default_window (const LcDataset *ds, double *t_min, double *t_max);

G_END_DECLS
