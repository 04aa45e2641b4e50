/* nn-loss.c: cross entropy and focal loss on logits */
#include "nn-loss.h"

#include "nn-names.h"

#include <math.h>

void
nn_loss_config_default (NnLossConfig *cfg)
{
  cfg->kind = NN_LOSS_CROSS_ENTROPY;
  cfg->gamma = 2.0f;
  cfg->class_weights = NULL;
  cfg->logit_adjust = 0.0f;
  cfg->logit_offsets = NULL;
  cfg->label_smoothing = 0.0f;
}

void
nn_loss_logit_offsets (const int *labels, int n, int n_classes, float tau, float *offsets)
{
  g_autofree int *counts = g_new0 (int, MAX (n_classes, 1));
  int total = 0;

  for (int i = 0; i < n; i++)
    if (labels[i] >= 0 && labels[i] < n_classes)
      {
        counts[labels[i]]++;
        total++;
      }
  for (int c = 0; c < n_classes; c++)
    {
      double count = counts[c] > 0 ? counts[c] : 0.5;
      offsets[c] = total > 0 ? (float) (tau * log (count / total)) : 0.0f;
    }
}

static const NnNameEntry loss_names[] = {
  { NN_LOSS_CROSS_ENTROPY, "ce" },
  { NN_LOSS_FOCAL, "focal" },
};

const char *
nn_loss_kind_to_string (NnLossKind kind)
{
  return nn_name_lookup_name (loss_names, G_N_ELEMENTS (loss_names), kind, "ce");
}

gboolean
nn_loss_kind_from_string (const char *name, NnLossKind *kind)
{
  int value;

  if (!nn_name_lookup_value (loss_names, G_N_ELEMENTS (loss_names), name, &value))
    return FALSE;
  *kind = value;
  return TRUE;
}

static inline gboolean
is_labelled (int label, int n_classes)
{
  return label >= 0 && label < n_classes;
}

static inline double
class_weight (const NnLossConfig *cfg, int label)
{
  return cfg->class_weights != NULL ? cfg->class_weights[label] : 1.0;
}

double
nn_loss_normaliser (const NnLossConfig *cfg, const int *labels, int batch, int n_classes)
{
  double sum = 0.0;
  /* only weighted cross entropy divides by the weights (PyTorch's weighted mean);
   * focal alpha is a plain mean */
  gboolean weighted = cfg->kind == NN_LOSS_CROSS_ENTROPY && cfg->class_weights != NULL;
  if (labels == NULL)
    return 0.0;
  for (int i = 0; i < batch; i++)
    if (is_labelled (labels[i], n_classes))
      sum += weighted ? class_weight (cfg, labels[i]) : 1.0;
  return sum;
}

/* Softmax of one row in double; returns ln Σ exp(z - max) so that
 * ln s_j = z_j - max - lse without underflow. */
static double
softmax_row (const float *z, double *s, int k, double *max_out)
{
  double m = z[0], sum = 0.0;
  for (int j = 1; j < k; j++)
    m = fmax (m, z[j]);
  for (int j = 0; j < k; j++)
    {
      s[j] = exp ((double) z[j] - m);
      sum += s[j];
    }
  for (int j = 0; j < k; j++)
    s[j] /= sum;
  *max_out = m;
  return log (sum);
}

void
nn_softmax_rows (const float *logits, float *probs, int batch, int n_classes)
{
  double s[n_classes];
  for (int i = 0; i < batch; i++)
    {
      double m;
      softmax_row (logits + (size_t) i * n_classes, s, n_classes, &m);
      for (int j = 0; j < n_classes; j++)
        probs[(size_t) i * n_classes + j] = (float) s[j];
    }
}

/* Per-row loss and the factor c such that d loss_i / d z_j = c (s_j - onehot_j). */
static double
row_loss (const NnLossConfig *cfg, double log_p, double p, int label, double *coef)
{
  double w = class_weight (cfg, label);
  if (cfg->kind == NN_LOSS_FOCAL)
    {
      double gamma = cfg->gamma;
      double q = 1.0 - p;
      double q_g = gamma == 0.0 ? 1.0 : pow (q, gamma);
      double q_g1 = gamma == 0.0 ? 0.0 : (gamma == 1.0 ? 1.0 : pow (q, gamma - 1.0));
      /* dFL/dz = alpha [gamma q^(g-1) p ln p - q^g] (onehot - s) */
      /* p = 1 exactly: the first term is 0 even where q^(g-1) is not finite */
      double focus = log_p == 0.0 ? 0.0 : gamma * q_g1 * p * log_p;
      *coef = -w * (focus - q_g);
      return -w * q_g * log_p;
    }
  *coef = w;
  return -w * log_p;
}

double
nn_loss_compute (const NnLossConfig *cfg, const float *logits, const int *labels,
                 int batch, int n_classes, double normaliser,
                 float *dlogits, float *probs)
{
  double s[n_classes];
  float adjusted[n_classes];
  double total = 0.0;
  double inv = normaliser > 0.0 ? 1.0 / normaliser : 0.0;
  double eps = cfg->kind == NN_LOSS_CROSS_ENTROPY ? cfg->label_smoothing : 0.0;
  double smooth = eps / n_classes;  /* every class's share of the smoothed target */

  for (int i = 0; i < batch; i++)
    {
      const float *z = logits + (size_t) i * n_classes;
      int y = labels != NULL ? labels[i] : -1;
      double m, lse, coef = 0.0;

      if (cfg->logit_offsets != NULL)
        {
          for (int j = 0; j < n_classes; j++)
            adjusted[j] = z[j] + cfg->logit_offsets[j];
          z = adjusted;
        }
      lse = softmax_row (z, s, n_classes, &m);
      if (probs != NULL)
        for (int j = 0; j < n_classes; j++)
          probs[(size_t) i * n_classes + j] = (float) s[j];
      if (is_labelled (y, n_classes))
        {
          double log_p = (double) z[y] - m - lse;
          total += row_loss (cfg, log_p, exp (log_p), y, &coef);
          /* -w Σ_j t_j ln s_j = -w ln s_y + w eps (ln s_y - mean_j ln s_j) */
          if (eps > 0.0)
            {
              double mean_log_s = 0.0;
              for (int j = 0; j < n_classes; j++)
                mean_log_s += (double) z[j] - m - lse;
              mean_log_s /= n_classes;
              total += coef * eps * (log_p - mean_log_s);
            }
        }
      if (dlogits != NULL)
        {
          float *d = dlogits + (size_t) i * n_classes;
          for (int j = 0; j < n_classes; j++)
            d[j] = (float) (coef * inv * (s[j] - (1.0 - eps) * (j == y ? 1.0 : 0.0) - smooth));
        }
    }
  return total * inv;
}
