/* nn-calibration.c: temperature scaling */
#include "nn-calibration.h"

#include "nn-loss.h"

#include "nn-metrics.h"

#include <float.h>
#include <math.h>

static inline double
safe_log (float p)
{
  return log (isnan (p) || p < FLT_MIN ? (double) FLT_MIN : (double) p);
}

/* log of the calibrated probability of class y in row, in double. */
static double
calibrated_log_prob (const float *row, int k, int y, double inv_t)
{
  double top = -INFINITY, sum = 0.0;
  for (int c = 0; c < k; c++)
    top = MAX (top, safe_log (row[c]) * inv_t);
  for (int c = 0; c < k; c++)
    sum += exp (safe_log (row[c]) * inv_t - top);
  return safe_log (row[y]) * inv_t - top - log (sum);
}

void
nn_calibration_apply (float *probs, int n, int k, double temperature)
{
  nn_calibration_apply_offsets (probs, n, k, temperature, NULL);
}

void
nn_calibration_apply_offsets (float *probs, int n, int k, double temperature, const float *offsets)
{
  double inv_t;

  g_return_if_fail (temperature > 0.0 && isfinite (temperature));
  if (temperature == 1.0 && offsets == NULL)
    return;
  inv_t = 1.0 / temperature;
  for (int i = 0; i < n; i++)
    {
      float *row = probs + (gsize) i * k;
      double top = -INFINITY, sum = 0.0;
#define CALIBRATED(c) (safe_log (row[c]) * inv_t + (offsets != NULL ? offsets[c] : 0.0))
      for (int c = 0; c < k; c++)
        top = MAX (top, CALIBRATED (c));
      for (int c = 0; c < k; c++)
        sum += exp (CALIBRATED (c) - top);
      for (int c = 0; c < k; c++)
        row[c] = (float) (exp (CALIBRATED (c) - top) / sum);
#undef CALIBRATED
    }
}

void
nn_calibration_prior_offsets (const int *labels, int n, int k, const float *class_weights, double tau,
                              float *offsets)
{
  /* the prior the loss saw: n_c, times w_c when the classes were weighted
   * (the normaliser is a constant, which the softmax ignores) */
  nn_loss_logit_offsets (labels, n, k, (float) -tau, offsets);
  for (int c = 0; class_weights != NULL && c < k; c++)
    offsets[c] -= (float) (tau * log (MAX (class_weights[c], 1e-30f)));
}

double
nn_calibration_nll (const float *probs, const int *labels, int n, int k, double temperature)
{
  double inv_t = 1.0 / temperature, sum = 0.0;
  double lo = log (NN_METRICS_PROB_CLIP), hi = log1p (-NN_METRICS_PROB_CLIP);
  int used = 0;

  for (int i = 0; i < n; i++)
    {
      if (labels[i] < 0 || labels[i] >= k)
        continue;
      sum -= CLAMP (calibrated_log_prob (probs + (gsize) i * k, k, labels[i], inv_t), lo, hi);
      used++;
    }
  return used > 0 ? sum / used : NAN;
}

double
nn_calibration_fit_temperature (const float *probs, const int *labels, int n, int k)
{
  /* golden-section search on b = 1/T, where the likelihood is convex */
  const double phi = (sqrt (5.0) - 1.0) / 2.0;
  double a = 1.0 / NN_CALIBRATION_T_MAX, b = 1.0 / NN_CALIBRATION_T_MIN;
  double x1 = b - phi * (b - a), x2 = a + phi * (b - a);
  double f1, f2, best_b, best_f, f_one;

  f_one = nn_calibration_nll (probs, labels, n, k, 1.0);
  if (isnan (f_one))
    return 1.0;
  f1 = nn_calibration_nll (probs, labels, n, k, 1.0 / x1);
  f2 = nn_calibration_nll (probs, labels, n, k, 1.0 / x2);
  while (b - a > 1e-5 * (a + b))
    {
      if (f1 <= f2)
        {
          b = x2;
          x2 = x1;
          f2 = f1;
          x1 = b - phi * (b - a);
          f1 = nn_calibration_nll (probs, labels, n, k, 1.0 / x1);
        }
      else
        {
          a = x1;
          x1 = x2;
          f1 = f2;
          x2 = a + phi * (b - a);
          f2 = nn_calibration_nll (probs, labels, n, k, 1.0 / x2);
        }
    }
  best_b = f1 <= f2 ? x1 : x2;
  best_f = MIN (f1, f2);
  /* never worse than leaving the probabilities alone (e.g. a flat minimum) */
  return best_f < f_one ? 1.0 / best_b : 1.0;
}
