/* lc-plasticc-metric.c: PLAsTiCC weighted log loss and novelty scores */
#include "lc-plasticc-metric.h"

#include "nn-metrics.h"

#include <math.h>

double
lc_plasticc_class_weight (int class_id)
{
  return class_id == 15 || class_id == 64 || class_id == LC_PLASTICC_NOVEL_CLASS ? 2.0 : 1.0;
}

void
lc_plasticc_weights (const int *class_ids, int k, double *weights)
{
  for (int c = 0; c < k; c++)
    weights[c] = lc_plasticc_class_weight (class_ids[c]);
}

double
lc_plasticc_weighted_log_loss (const float *probs, const int *labels, int n, int k,
                               const int *class_ids)
{
  g_autofree double *weights = g_new (double, MAX (k, 1));
  lc_plasticc_weights (class_ids, k, weights);
  return nn_metrics_weighted_log_loss (probs, labels, n, k, weights);
}

static double
p99 (const float *row, int k)
{
  double product = 1.0;
  for (int c = 0; c < k; c++)
    product *= 1.0 - (double) row[c];
  return product;
}

static double
one_minus_max (const float *row, int k)
{
  double best = 0.0;
  for (int c = 0; c < k; c++)
    best = MAX (best, (double) row[c]);
  return 1.0 - best;
}

static double
entropy (const float *row, int k)
{
  double h = 0.0;
  for (int c = 0; c < k; c++)
    if (row[c] > 0.0f)
      h -= (double) row[c] * log ((double) row[c]);
  return h;
}

void
lc_novelty_scores (const float *probs, int n, int k, LcNoveltyScore kind, double *out)
{
  for (int i = 0; i < n; i++)
    {
      const float *row = probs + (gsize) i * k;
      switch (kind)
        {
        case LC_NOVELTY_MAX_PROB:
          out[i] = one_minus_max (row, k);
          break;
        case LC_NOVELTY_ENTROPY:
          out[i] = entropy (row, k);
          break;
        case LC_NOVELTY_P99:
        default:
          out[i] = p99 (row, k);
          break;
        }
    }
}
