/* nn-attribution.h: which input values made the network decide.
 *
 * Integrated gradients (Sundararajan et al. 2017) of one class probability
 * of one row: along the straight path from the baseline (every encoded
 * value 0, the metadata 0; the row's length and so its padding mask kept) to
 * the row, attribution_i = x_i * mean over the path of df/dx_i, the mean
 * taken with the trapezoid rule on n_points + 1 evenly spaced points that go
 * through the network as one batch.  The attributions add up to
 * f(x) - f(baseline) (completeness), the closer the more points; padded
 * steps get exactly 0.
 *
 * f is the probability the model reports: for an ensemble the mean of the
 * members' softmax probabilities, and with a calibration temperature T,
 * softmax (log (p_mean) / T) as nn_calibration_apply computes it.
 */
#pragma once

#include <glib.h>

#include "nn-data.h"
#include "nn-model.h"

G_BEGIN_DECLS

/* Points of the path when the caller has no reason to choose. */
#define NN_ATTRIBUTION_DEFAULT_POINTS 64
/* More buy nothing measurable and cost memory (a batch of that many rows per member). */
#define NN_ATTRIBUTION_MAX_POINTS 4096

typedef struct
{
  int steps;                    /* T of the data the row came from */
  int length;                   /* the row's valid steps */
  int features;                 /* F */
  int meta_features;            /* S */
  int target;                   /* class index attributed */
  float *x;                     /* (T, F): attribution of every encoded value; 0 at padded steps */
  float *meta;                  /* (S), NULL when S is 0 */
  double probability;           /* f(row) */
  double baseline_probability;  /* f(baseline) */
} NnAttribution;

void nn_attribution_free (NnAttribution *attribution);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnAttribution, nn_attribution_free)

/* Sum of every attribution (sequence and metadata), in double. */
double nn_attribution_total (const NnAttribution *attribution);

/* Calibrated mean probabilities (K) of row `row` of data, with the models
 * in inference mode: what the attribution explains. */
gboolean nn_ensemble_row_probabilities (NnModel *const *models, int n_models, double temperature,
                                        const NnData *data, int row, float *probs_out,
                                        GError **error);

/* Integrated gradients of class `target` (0 <= target < K) of row `row` of
 * data for the ensemble models[0..n_models) (built with the same inputs and
 * classes), with calibration temperature (1: none) and n_points >= 2 path
 * intervals.  The models are not changed.  Errors (NN_ERROR_DATA) when the
 * data do not fit the models or an argument is out of range. */
NnAttribution *nn_attribution_integrated_gradients (NnModel *const *models, int n_models,
                                                    double temperature, const NnData *data,
                                                    int row, int target, int n_points,
                                                    GError **error);

G_END_DECLS
