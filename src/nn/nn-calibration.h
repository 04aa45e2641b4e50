/* nn-calibration.h: temperature scaling of predicted probabilities.
 *
 * A classifier's probabilities p (one row per object, the mean over the
 * members of an ensemble) are calibrated by one temperature T:
 *
 *   p_cal = softmax (log (p) / T)
 *
 * which for a single network equals softmax (logits / T).  T > 1 softens
 * over-confident probabilities, T < 1 sharpens them, T = 1 changes nothing.
 * T is fitted on held-out rows by minimising their negative log likelihood.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The range the fit searches; a stored temperature outside it is refused. */
#define NN_CALIBRATION_T_MIN 0.05
#define NN_CALIBRATION_T_MAX 20.0

/* probs (n, k) in place: every row becomes softmax (log (row) / temperature).
 * Probabilities of 0 are treated as the smallest positive float.  A
 * temperature of exactly 1 leaves the rows untouched, bit for bit. */
void   nn_calibration_apply (float *probs, int n, int k, double temperature);

/* The same with per-class offsets [k] (NULL: none) added before the softmax:
 * softmax (log (row) / temperature + offsets). */
void   nn_calibration_apply_offsets (float *probs, int n, int k, double temperature,
                                     const float *offsets);

/* The prior correction (Menon et al. 2021, post-hoc logit adjustment):
 * offsets[c] = −tau ln π_c, π the class prior a network trained on labels
 * (n rows, classes [0, k)) with class_weights (NULL: none) learned, so that
 * tau 1 turns its probabilities into those of balanced classes.  A class
 * without rows counts as half a row. */
void   nn_calibration_prior_offsets (const int *labels, int n, int k, const float *class_weights,
                                     double tau, float *offsets);

/* -(1/N) Σ_i ln p_cal[i][y_i] over the rows with labels in [0, k), with
 * probabilities clipped as the metrics do (NN_METRICS_PROB_CLIP); NaN
 * without labelled rows.  probs is not changed. */
double nn_calibration_nll   (const float *probs, const int *labels, int n, int k,
                             double temperature);

/* The temperature in [NN_CALIBRATION_T_MIN, NN_CALIBRATION_T_MAX] with the
 * lowest nn_calibration_nll on these rows.  The likelihood is convex in 1/T,
 * so a golden-section search on 1/T finds the one minimum; 1.0 without
 * labelled rows. */
double nn_calibration_fit_temperature (const float *probs, const int *labels, int n, int k);

G_END_DECLS
