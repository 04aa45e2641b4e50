/* lc-explain.h: why a trained model classified one object as it did.
 *
 * Two answers for one object and one class:
 *  - integrated gradients (nn-attribution.h) of the class probability the
 *    model reports (ensemble mean, calibrated) with respect to every value
 *    the encoder fed the network: each step's features and each metadata
 *    feature, against the baseline of all zeros;
 *  - occlusion by band: the object is encoded again without one band's
 *    observations, as the encoder treats a band the survey never observed
 *    (observations mode: fewer steps; grid: empty cells), aggregate features
 *    included, and the change of the probability is reported.
 */
#pragma once

#include "lc-dataset.h"
#include "lc-pipeline.h"
#include "nn-attribution.h"

G_BEGIN_DECLS

typedef struct
{
  int object;                 /* index in the dataset */
  int target;                 /* class index in the model's classes */
  NnAttribution *attribution; /* steps x features of the encoded sequence, and the metadata */
  NnData *encoded;            /* the object as the network saw it (one row) */
  double probability;         /* of target, as lc_predictor_predict reports it */
  int n_bands;                /* the dataset's bands */
  int *band_observations;     /* [n_bands] the object's observations in each band */
  /* [n_bands] probability of target without the band minus probability;
   * NaN when the object has no observation in the band or only that band */
  double *band_occlusion;
  /* [n_observations] the object's observations in dataset order: the
   * attribution of the cells each one filled (lc_encoder_cells_to_observations),
   * NaN for one the network did not see */
  int n_observations;
  double *observation_attribution;
} LcExplanation;

void lc_explanation_free (LcExplanation *explanation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcExplanation, lc_explanation_free)

/* Explains object `object` of ds for class `target` (-1: the class the
 * model predicts) with n_points path intervals (0: the default). */
LcExplanation *lc_explain_object (const LcPredictor *predictor, const LcDataset *ds, int object,
                                  int target, int n_points, GError **error);
/* The same, calling progress (may be NULL) with the fraction done after the
 * attribution and after each band's occlusion; returning FALSE stops with
 * LC_ERROR_CANCELLED. */
LcExplanation *lc_explain_object_full (const LcPredictor *predictor, const LcDataset *ds, int object,
                                       int target, int n_points, LcProgressFunc progress,
                                       gpointer user_data, GError **error);

/* Sum of |attribution| over the features of each valid step: steps_out
 * [attribution->steps], 0 past the object's length. */
void lc_explanation_step_mass (const LcExplanation *explanation, double *steps_out);

/* The metadata features by |attribution|, largest first: order_out
 * [attribution->meta_features] gets their indices. */
void lc_explanation_rank_metadata     (const LcExplanation *explanation, int *order_out);
/* The observations the network saw by |attribution|, largest first:
 * order_out[n_observations] gets their indices; returns how many were seen. */
int  lc_explanation_rank_observations (const LcExplanation *explanation, int *order_out);

G_END_DECLS
