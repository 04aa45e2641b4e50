/* nn-metrics.c: classification metrics (DESIGN §7).  Sums are in double so a
 * float32 input gives results to about 1e-7 of the float64 reference. */
#include "nn-metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline gboolean
label_ok (int label, int k)
{
  return label >= 0 && label < k;
}

/* The probability that goes into a logarithm; a NaN becomes the floor, so a
 * broken prediction costs the most rather than poisoning the whole sum. */
static inline double
clipped_log (float p)
{
  double q = (double) p;
  if (isnan (q) || q < NN_METRICS_PROB_CLIP)
    q = NN_METRICS_PROB_CLIP;
  if (q > 1.0 - NN_METRICS_PROB_CLIP)
    q = 1.0 - NN_METRICS_PROB_CLIP;
  return log (q);
}

int
nn_metrics_argmax (const float *row, int k)
{
  int best = 0;
  for (int c = 1; c < k; c++)
    if (row[c] > row[best] || (isnan (row[best]) && !isnan (row[c])))
      best = c;
  return best;
}

double
nn_metrics_accuracy (const float *probs, const int *labels, int n, int k)
{
  int used = 0, right = 0;
  for (int i = 0; i < n; i++)
    {
      if (!label_ok (labels[i], k))
        continue;
      used++;
      if (nn_metrics_argmax (probs + (size_t) i * k, k) == labels[i])
        right++;
    }
  return used > 0 ? (double) right / used : NAN;
}

void
nn_metrics_confusion (const float *probs, const int *labels, int n, int k, int *counts)
{
  memset (counts, 0, sizeof (int) * (size_t) k * k);
  for (int i = 0; i < n; i++)
    if (label_ok (labels[i], k))
      counts[(size_t) labels[i] * k + nn_metrics_argmax (probs + (size_t) i * k, k)]++;
}

void
nn_metrics_confusion_normalise (const int *counts, int k, double *normalised)
{
  for (int t = 0; t < k; t++)
    {
      long row = 0;
      for (int p = 0; p < k; p++)
        row += counts[(size_t) t * k + p];
      for (int p = 0; p < k; p++)
        normalised[(size_t) t * k + p] = row > 0 ? (double) counts[(size_t) t * k + p] / row : 0.0;
    }
}

static long
column_sum (const int *counts, int k, int c)
{
  long s = 0;
  for (int t = 0; t < k; t++)
    s += counts[(size_t) t * k + c];
  return s;
}

static long
row_sum (const int *counts, int k, int c)
{
  long s = 0;
  for (int p = 0; p < k; p++)
    s += counts[(size_t) c * k + p];
  return s;
}

static double
ratio_or_zero (double num, double den)
{
  return den > 0 ? num / den : 0.0;
}

void
nn_metrics_per_class (const int *counts, int k, double *precision, double *recall,
                      double *f1, int *support)
{
  for (int c = 0; c < k; c++)
    {
      double hit = counts[(size_t) c * k + c];
      long actual = row_sum (counts, k, c);
      double p = ratio_or_zero (hit, column_sum (counts, k, c));
      double r = ratio_or_zero (hit, actual);
      if (precision != NULL)
        precision[c] = p;
      if (recall != NULL)
        recall[c] = r;
      if (f1 != NULL)
        f1[c] = ratio_or_zero (2.0 * p * r, p + r);
      if (support != NULL)
        support[c] = (int) actual;
    }
}

double
nn_metrics_macro_f1 (const int *counts, int k)
{
  g_autofree double *f1 = g_new (double, k);
  double sum = 0.0;
  int seen = 0;
  nn_metrics_per_class (counts, k, NULL, NULL, f1, NULL);
  for (int c = 0; c < k; c++)
    {
      /* a class nobody has and nobody predicts says nothing about the model */
      if (row_sum (counts, k, c) == 0 && column_sum (counts, k, c) == 0)
        continue;
      sum += f1[c];
      seen++;
    }
  return seen > 0 ? sum / seen : NAN;
}

double
nn_metrics_log_loss (const float *probs, const int *labels, int n, int k)
{
  double sum = 0.0;
  int used = 0;
  for (int i = 0; i < n; i++)
    {
      if (!label_ok (labels[i], k))
        continue;
      sum -= clipped_log (probs[(size_t) i * k + labels[i]]);
      used++;
    }
  return used > 0 ? sum / used : NAN;
}

/* sums[c] = Σ_{i∈c} -ln q_ic, counts[c] = N_c */
static void
class_log_sums (const float *probs, const int *labels, int n, int k, double *sums, int *counts)
{
  memset (sums, 0, sizeof (double) * k);
  memset (counts, 0, sizeof (int) * k);
  for (int i = 0; i < n; i++)
    {
      int y = labels[i];
      if (!label_ok (y, k))
        continue;
      sums[y] -= clipped_log (probs[(size_t) i * k + y]);
      counts[y]++;
    }
}

void
nn_metrics_class_log_loss (const float *probs, const int *labels, int n, int k, double *out)
{
  g_autofree int *counts = g_new (int, k);
  class_log_sums (probs, labels, n, k, out, counts);
  for (int c = 0; c < k; c++)
    out[c] = counts[c] > 0 ? out[c] / counts[c] : NAN;
}

double
nn_metrics_weighted_log_loss (const float *probs, const int *labels, int n, int k,
                              const double *weights)
{
  g_autofree double *sums = g_new (double, k);
  g_autofree int *counts = g_new (int, k);
  double num = 0.0, den = 0.0;
  class_log_sums (probs, labels, n, k, sums, counts);
  for (int c = 0; c < k; c++)
    {
      double w = weights != NULL ? weights[c] : 1.0;
      if (counts[c] == 0)
        continue;
      num += w * sums[c] / counts[c];
      den += w;
    }
  return den > 0 ? num / den : NAN;
}

typedef struct
{
  float score;
  gboolean positive;
} ScoredRow;

/* Ascending, NaN first, so a NaN score ranks as the least confident. */
static int
compare_scores (const void *pa, const void *pb)
{
  float a = ((const ScoredRow *) pa)->score;
  float b = ((const ScoredRow *) pb)->score;
  if (isnan (a) || isnan (b))
    return isnan (b) - isnan (a);
  return (a > b) - (a < b);
}

static gboolean
same_score (float a, float b)
{
  return a == b || (isnan (a) && isnan (b));
}

/* Mann-Whitney form: (Σ_pos rank - n_pos (n_pos + 1) / 2) / (n_pos n_neg),
 * with tied scores sharing the mean of the ranks they span. */
double
nn_metrics_roc_auc (const float *probs, const int *labels, int n, int k, int c)
{
  g_autofree ScoredRow *rows = g_new (ScoredRow, MAX (n, 1));
  int m = 0;
  double n_pos = 0, n_neg, pos_rank_sum = 0.0;

  for (int i = 0; i < n; i++)
    {
      if (!label_ok (labels[i], k))
        continue;
      rows[m].score = probs[(size_t) i * k + c];
      rows[m].positive = labels[i] == c;
      n_pos += rows[m].positive;
      m++;
    }
  n_neg = m - n_pos;
  if (n_pos == 0 || n_neg == 0)
    return NAN;

  qsort (rows, m, sizeof *rows, compare_scores);
  for (int start = 0; start < m;)
    {
      int end = start + 1;
      int pos_in_run = rows[start].positive;
      double mean_rank;
      while (end < m && same_score (rows[end].score, rows[start].score))
        pos_in_run += rows[end++].positive;
      /* ranks start+1 .. end, 1-based */
      mean_rank = 0.5 * ((start + 1) + end);
      pos_rank_sum += pos_in_run * mean_rank;
      start = end;
    }
  return (pos_rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
}

double
nn_metrics_roc_auc_macro (const float *probs, const int *labels, int n, int k)
{
  double sum = 0.0;
  int seen = 0;
  for (int c = 0; c < k; c++)
    {
      double auc = nn_metrics_roc_auc (probs, labels, n, k, c);
      if (isnan (auc))
        continue;
      sum += auc;
      seen++;
    }
  return seen > 0 ? sum / seen : NAN;
}

double
nn_metrics_reliability (const float *probs, const int *labels, int n, int k, int n_bins,
                        double *confidence, double *accuracy, int *count)
{
  g_autofree double *conf_sum = g_new0 (double, MAX (n_bins, 1));
  g_autofree int *correct = g_new0 (int, MAX (n_bins, 1));
  g_autofree int *rows = g_new0 (int, MAX (n_bins, 1));
  double ece = 0.0;
  int used = 0;

  g_return_val_if_fail (n_bins > 0, NAN);
  for (int i = 0; i < n; i++)
    {
      const float *row = probs + (size_t) i * k;
      int top, b;
      double p;

      if (!label_ok (labels[i], k))
        continue;
      top = nn_metrics_argmax (row, k);
      p = isnan (row[top]) ? 0.0 : CLAMP ((double) row[top], 0.0, 1.0);
      /* (b/B, (b+1)/B]: the upper edge belongs to the bin */
      b = CLAMP ((int) ceil (p * n_bins) - 1, 0, n_bins - 1);
      conf_sum[b] += p;
      correct[b] += top == labels[i];
      rows[b]++;
      used++;
    }
  for (int b = 0; b < n_bins; b++)
    {
      double conf = rows[b] > 0 ? conf_sum[b] / rows[b] : NAN;
      double acc = rows[b] > 0 ? (double) correct[b] / rows[b] : NAN;
      if (rows[b] > 0)
        ece += (double) rows[b] / used * fabs (acc - conf);
      if (confidence != NULL)
        confidence[b] = conf;
      if (accuracy != NULL)
        accuracy[b] = acc;
      if (count != NULL)
        count[b] = rows[b];
    }
  return used > 0 ? ece : NAN;
}

double
nn_metrics_ece (const float *probs, const int *labels, int n, int k)
{
  return nn_metrics_reliability (probs, labels, n, k, NN_METRICS_ECE_BINS, NULL, NULL, NULL);
}

static int
count_labelled (const int *labels, int n, int k)
{
  int used = 0;
  for (int i = 0; i < n; i++)
    used += label_ok (labels[i], k);
  return used;
}

NnClassReport *
nn_class_report_new (const float *probs, const int *labels, int n, int k, const double *weights)
{
  NnClassReport *r;

  g_return_val_if_fail (k > 0 && n >= 0, NULL);
  g_return_val_if_fail (n == 0 || (probs != NULL && labels != NULL), NULL);

  r = g_new0 (NnClassReport, 1);
  r->n_classes = k;
  r->n_rows = count_labelled (labels, n, k);
  r->confusion = g_new (int, (size_t) k * k);
  r->confusion_normalised = g_new (double, (size_t) k * k);
  r->precision = g_new (double, k);
  r->recall = g_new (double, k);
  r->f1 = g_new (double, k);
  r->support = g_new (int, k);
  r->class_log_loss = g_new (double, k);
  r->auc = g_new (double, k);

  r->accuracy = nn_metrics_accuracy (probs, labels, n, k);
  nn_metrics_confusion (probs, labels, n, k, r->confusion);
  nn_metrics_confusion_normalise (r->confusion, k, r->confusion_normalised);
  nn_metrics_per_class (r->confusion, k, r->precision, r->recall, r->f1, r->support);
  r->macro_f1 = nn_metrics_macro_f1 (r->confusion, k);
  r->log_loss = nn_metrics_log_loss (probs, labels, n, k);
  nn_metrics_class_log_loss (probs, labels, n, k, r->class_log_loss);
  r->weighted_log_loss = nn_metrics_weighted_log_loss (probs, labels, n, k, weights);
  for (int c = 0; c < k; c++)
    r->auc[c] = nn_metrics_roc_auc (probs, labels, n, k, c);
  r->macro_auc = nn_metrics_roc_auc_macro (probs, labels, n, k);
  r->n_bins = NN_METRICS_ECE_BINS;
  r->bin_confidence = g_new (double, r->n_bins);
  r->bin_accuracy = g_new (double, r->n_bins);
  r->bin_count = g_new (int, r->n_bins);
  r->ece = nn_metrics_reliability (probs, labels, n, k, r->n_bins, r->bin_confidence,
                                   r->bin_accuracy, r->bin_count);
  return r;
}

void
nn_class_report_free (NnClassReport *report)
{
  if (report == NULL)
    return;
  g_free (report->confusion);
  g_free (report->confusion_normalised);
  g_free (report->precision);
  g_free (report->recall);
  g_free (report->f1);
  g_free (report->support);
  g_free (report->class_log_loss);
  g_free (report->auc);
  g_free (report->bin_confidence);
  g_free (report->bin_accuracy);
  g_free (report->bin_count);
  g_free (report);
}
