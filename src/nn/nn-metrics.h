/* nn-metrics.h: classification metrics on predicted probabilities (DESIGN §7).
 *
 * Every function takes
 *   probs:  (N, K) row-major, one row of class probabilities per object
 *   labels: [N] true class index in [0, K)
 * Rows whose label is outside [0, K) (e.g. -1, "unknown") are skipped, so a
 * partly labelled set can be scored without copying it.  Probabilities that go
 * into a logarithm are clipped to [NN_METRICS_PROB_CLIP, 1 - NN_METRICS_PROB_CLIP]
 * without renormalising the row (the PLAsTiCC/Kaggle convention).  Values that
 * are undefined (a class with no rows, no labelled rows at all) are NaN.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_METRICS_PROB_CLIP 1e-15

/* Index of the largest probability in row (first one on ties; NaN never wins). */
int    nn_metrics_argmax          (const float *row, int k);

/* Fraction of labelled rows whose arg max is the label. */
double nn_metrics_accuracy        (const float *probs, const int *labels, int n, int k);

/* counts: (K, K), rows true class, columns predicted class; overwritten. */
void   nn_metrics_confusion       (const float *probs, const int *labels, int n, int k,
                                   int *counts);
/* normalised: (K, K), each row of counts divided by its sum (a row of 0 when the
 * class has no rows). */
void   nn_metrics_confusion_normalise (const int *counts, int k, double *normalised);

/* From a confusion matrix: per-class precision, recall, F1 (0 when 0/0) and
 * support (rows of the class); any output may be NULL. */
void   nn_metrics_per_class       (const int *counts, int k, double *precision,
                                   double *recall, double *f1, int *support);
/* Mean F1 over the classes that occur in the labels or the predictions
 * (scikit-learn's average='macro'). */
double nn_metrics_macro_f1        (const int *counts, int k);

/* -(1/N) Σ_i ln q[i][y_i] */
double nn_metrics_log_loss        (const float *probs, const int *labels, int n, int k);
/* out[c] = -(1/N_c) Σ_{i∈c} ln q[i][c]; NaN for classes with no rows. */
void   nn_metrics_class_log_loss  (const float *probs, const int *labels, int n, int k,
                                   double *out);
/* -(Σ_c w_c (1/N_c) Σ_{i∈c} ln q_ic) / Σ_c w_c over the classes present in the
 * labels only.  weights: [K], NULL for all 1.  The PLAsTiCC metric is this with
 * weight 2 for classes 15, 64 and 99. */
double nn_metrics_weighted_log_loss (const float *probs, const int *labels, int n, int k,
                                     const double *weights);

/* One-vs-rest ROC AUC of class c with the score probs[:, c]; ties get average
 * ranks (a tied positive/negative pair counts 1/2).  NaN without positives or
 * negatives. */
double nn_metrics_roc_auc         (const float *probs, const int *labels, int n, int k, int c);
/* Mean of the per-class AUCs that are defined. */
double nn_metrics_roc_auc_macro   (const float *probs, const int *labels, int n, int k);

/* Bins of the expected calibration error: the standard 15. */
#define NN_METRICS_ECE_BINS 15

/* The reliability diagram of the top probability: each labelled row goes to
 * the bin of its largest probability among n_bins equal bins of [0, 1] (bin b
 * holds (b/B, (b+1)/B], bin 0 also 0), where confidence[b] gets the bins' mean
 * top probability, accuracy[b] the fraction whose arg max is the label (both
 * NaN for an empty bin) and count[b] the rows.  Returns the expected
 * calibration error Σ_b count[b]/N |accuracy[b] - confidence[b]|, NaN without
 * labelled rows.  Any output may be NULL. */
double nn_metrics_reliability     (const float *probs, const int *labels, int n, int k, int n_bins,
                                   double *confidence, double *accuracy, int *count);
/* nn_metrics_reliability's error with NN_METRICS_ECE_BINS bins. */
double nn_metrics_ece             (const float *probs, const int *labels, int n, int k);

/* Everything above for one set of predictions, for the app and the CLI to print. */
typedef struct
{
  int n_classes;                 /* K */
  int n_rows;                    /* labelled rows that were scored */
  double accuracy;
  int *confusion;                /* (K, K) counts, rows true, columns predicted */
  double *confusion_normalised;  /* (K, K) rows divided by their counts */
  double *precision;             /* [K] */
  double *recall;                /* [K] */
  double *f1;                    /* [K] */
  int *support;                  /* [K] rows per true class */
  double macro_f1;
  double log_loss;
  double *class_log_loss;        /* [K], NaN for absent classes */
  double weighted_log_loss;      /* with the weights given to nn_class_report_new */
  double *auc;                   /* [K] one-vs-rest, NaN when undefined */
  double macro_auc;
  double ece;                    /* with NN_METRICS_ECE_BINS bins */
  int n_bins;                    /* NN_METRICS_ECE_BINS */
  double *bin_confidence;        /* [n_bins] the reliability diagram, NaN when empty */
  double *bin_accuracy;          /* [n_bins] NaN when empty */
  int *bin_count;                /* [n_bins] */
} NnClassReport;

/* weights: [K] for weighted_log_loss, NULL for all 1. */
NnClassReport *nn_class_report_new  (const float *probs, const int *labels, int n, int k,
                                     const double *weights);
void           nn_class_report_free (NnClassReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnClassReport, nn_class_report_free)

G_END_DECLS
