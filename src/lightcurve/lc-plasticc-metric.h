/* lc-plasticc-metric.h: the PLAsTiCC weighted log loss and novelty ("class 99")
 * scores (DESIGN §7).
 *
 * probs is (N, K) row-major with column c the class class_ids[c] (PLAsTiCC
 * numbers), labels[i] a column index (-1: unlabelled, skipped).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LC_PLASTICC_NOVEL_CLASS 99

/* 2 for classes 15 (TDE), 64 (kilonova) and 99 (unknown), 1 for the rest. */
double lc_plasticc_class_weight (int class_id);
/* weights[c] = lc_plasticc_class_weight (class_ids[c]) for c < k. */
void   lc_plasticc_weights      (const int *class_ids, int k, double *weights);

/* -(Σ_c w_c (1/N_c) Σ_{i∈c} ln q_ic) / Σ_c w_c over the classes present in the
 * labels, probabilities clipped to [1e-15, 1 - 1e-15] (nn_metrics_weighted_log_loss
 * with the PLAsTiCC weights). */
double lc_plasticc_weighted_log_loss (const float *probs, const int *labels, int n, int k,
                                      const int *class_ids);

typedef enum
{
  LC_NOVELTY_P99 = 0,   /* Π_c (1 - p_c), MISweeper's class-99 probability */
  LC_NOVELTY_MAX_PROB,  /* 1 - max_c p_c: an unsure classifier */
  LC_NOVELTY_ENTROPY,   /* -Σ_c p_c ln p_c in nats (0 ln 0 = 0), at most ln K */
} LcNoveltyScore;

/* out[i] for each of the n rows; higher means more likely novel. */
void lc_novelty_scores (const float *probs, int n, int k, LcNoveltyScore kind, double *out);

G_END_DECLS
