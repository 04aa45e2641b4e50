/* nn-loss.h: classification losses on logits (B, K).
 *
 * Semantics follow PyTorch (shared/reference/layers_README.md §6):
 *   cross entropy      L = (1/B) Σ_i -ln p_i
 *   with class weights L = Σ_i w[y_i] (-ln p_i) / Σ_i w[y_i]    (weighted mean)
 *   focal              L = (1/B) Σ_i -alpha[y_i] (1 - p_i)^gamma ln p_i
 * where p_i is the softmax probability of row i's label.
 *
 * Logit adjustment (Menon et al. 2021, "Long-tail learning via logit
 * adjustment"; balanced softmax for tau = 1): with logit_offsets set, p_i is
 * the softmax of z + offsets, offsets = tau ln(prior of the class) from the
 * training labels (nn_loss_logit_offsets).  The loss then stops rewarding the
 * network for leaning towards common classes; the model's own logits (used
 * for prediction) are left unadjusted, so rare classes get their share.
 *
 * Label smoothing (cross entropy only; Szegedy et al. 2016): with eps > 0 the
 * target of row i is (1 - eps) onehot(y_i) + eps / K instead of the one-hot,
 *   L_i = -w[y_i] Σ_j t_ij ln s_ij,   dL_i/dz_ij = w[y_i] (s_ij - t_ij),
 * weighted by its label's class weight and normalised as above; with logit
 * offsets s is the softmax of the adjusted logits.
 *
 * Rows whose label is negative (unknown) contribute nothing and are not counted.
 *
 * Splitting a batch between threads: compute the normaliser once on the WHOLE
 * batch (nn_loss_normaliser), then call nn_loss_compute on each part with it;
 * the parts' losses and gradients then add up to the whole batch's.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NN_LOSS_CROSS_ENTROPY = 0,  /* "ce" */
  NN_LOSS_FOCAL,              /* "focal" */
} NnLossKind;

typedef struct
{
  NnLossKind kind;
  float gamma;                /* focal: focusing exponent (2) */
  /* [n_classes] or NULL (all 1): cross entropy class weights, or focal alpha per class.
   * Not owned; must outlive the calls. */
  const float *class_weights;
  /* logit adjustment strength tau (0: off); nn_train fills logit_offsets from
   * its training labels when this is > 0 and logit_offsets is NULL */
  float logit_adjust;
  /* [n_classes] or NULL: added to the logits inside the loss only.  Not owned. */
  const float *logit_offsets;
  /* cross entropy: eps of label smoothing, in [0, 1) (0: off) */
  float label_smoothing;
} NnLossConfig;

void        nn_loss_config_default (NnLossConfig *cfg);
const char *nn_loss_kind_to_string   (NnLossKind kind);
gboolean    nn_loss_kind_from_string (const char *name, NnLossKind *kind);

/* The denominator of the mean for these labels: the number of labelled rows,
 * or Σ w[y_i] for weighted cross entropy (0 when labels is NULL). */
double nn_loss_normaliser (const NnLossConfig *cfg, const int *labels, int batch, int n_classes);

/* Loss of rows [0, batch) divided by normaliser; returns it.  When dlogits is not
 * NULL, writes d loss / d logits (batch, K) (overwrites; 0 for unlabelled rows).
 * When probs is not NULL, writes the softmax (batch, K).  Works in double
 * internally and never produces NaN for finite logits. */
double nn_loss_compute (const NnLossConfig *cfg, const float *logits, const int *labels,
                        int batch, int n_classes, double normaliser,
                        float *dlogits, float *probs);

/* offsets[c] = tau ln(n_c / n) over the labelled rows (labels outside
 * [0, n_classes) are skipped); a class without rows counts as half a row, so
 * its offset stays finite.  Writes n_classes floats. */
void   nn_loss_logit_offsets (const int *labels, int n, int n_classes, float tau, float *offsets);

/* Row-wise softmax of logits (batch, K) into probs (may alias logits). */
void   nn_softmax_rows (const float *logits, float *probs, int batch, int n_classes);

G_END_DECLS
