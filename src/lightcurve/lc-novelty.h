/* lc-novelty.h: what the novelty view needs beyond the scores of
 * lc-plasticc-metric.h: a histogram of a score and the objects
 * above a threshold, most novel first. */
#pragma once

#include <glib.h>

#include "lc-pipeline.h"
#include "lc-plasticc-metric.h"

G_BEGIN_DECLS

/* The scores lc_novelty_scores computes (LcNoveltyScore values 0..N-1). */
#define LC_NOVELTY_N_SCORES 3

/* Beyond those from probabilities: the energy score of the logits
 * (lc_novelty_energy), measured by lc_novelty_leave_one_out as column
 * LC_NOVELTY_ENERGY_COLUMN of its AUROCs. */
#define LC_NOVELTY_ENERGY_COLUMN      LC_NOVELTY_N_SCORES
/* ... then two scores in the network's feature space: the Mahalanobis
 * distance to the nearest class (lc_novelty_mahalanobis) and the k-th
 * neighbour's distance (lc_predictor_novelty, the shipped score). */
#define LC_NOVELTY_MAHALANOBIS_COLUMN (LC_NOVELTY_N_SCORES + 1)
#define LC_NOVELTY_KNN_COLUMN         (LC_NOVELTY_N_SCORES + 2)
#define LC_NOVELTY_N_MEASURED         (LC_NOVELTY_N_SCORES + 3)

/* The shrinkage of the shared covariance (nn-density.h) and the neighbour
 * whose distance counts (the shipped score), as measured in the README. */
#define LC_NOVELTY_SHRINKAGE 0.1
#define LC_NOVELTY_KNN_K     1

/* The score Passband ships (the app's default, the class_99 column) is
 * lc_predictor_novelty: it separated left-out classes best in the
 * leave-one-class-out measurement on LSST (README).  Its range is
 * [0, LC_NOVELTY_DISTANCE_MAX] (unit-length features).  Models without the
 * reference features fall back to the best score from probabilities. */
#define LC_NOVELTY_DISTANCE_MAX 2.0
#define LC_NOVELTY_DEFAULT LC_NOVELTY_MAX_PROB

/* The largest value a score can take with k classes (its range starts at 0):
 * Π(1 − p) peaks at (1 − 1/k)^k, 1 − max p at 1 − 1/k, the entropy at ln k. */
double lc_novelty_score_max (LcNoveltyScore kind, int k);
/* The threshold a view starts from: the middle of the score's range. */
double lc_novelty_default_threshold (LcNoveltyScore kind, int k);

/* out[i] for each row of data (encoded for the predictor, at most its
 * max_steps): the energy −T log Σ_c exp (z_c / T) of the logits z, T the
 * model's temperature, averaged over the ensemble's members; higher means
 * more likely novel.  Needs networks whose output softmax is fused (their
 * forward pass gives the logits). */
gboolean lc_novelty_energy (const LcPredictor *predictor, const NnData *data, double *out,
                            GError **error);

/* The Mahalanobis score of every row of data (encoded for the predictor):
 * the smallest squared Mahalanobis distance of each member's features
 * (nn_model_embed: what its last layer reads) to the class Gaussians of the
 * training rows train (labelled with the model's classes; a shared
 * covariance shrunk by LC_NOVELTY_SHRINKAGE, nn-density.h), averaged over the
 * members.  Measured by lc_novelty_leave_one_out, not shipped. */
gboolean lc_novelty_mahalanobis (const LcPredictor *predictor, const NnData *train, const NnData *data,
                                 double *out, GError **error);

/* Stores in run's document, for every member, the unit-length features of
 * the training rows (the model file's "novelty" section) and the score 5 %
 * of the validation rows exceed: what lc_predictor_novelty measures against.
 * Nothing is stored (TRUE) when the network has no vector of features before
 * its last layer or the run no labelled training rows. */
gboolean lc_novelty_fit (LcTrainRun *run, GError **error);

/* The shipped novelty score of every row of data (encoded for the predictor):
 * the distance of each member's unit-length features to the
 * doc->novelty_k-th nearest training row's (in [0, 2]), averaged over the
 * members.  FALSE when the model stores no reference features. */
gboolean lc_predictor_novelty (const LcPredictor *predictor, const NnData *data, double *out,
                               GError **error);
/* lc_predictor_novelty with members[n_models] in place of the predictor's
 * own (the same weights built for other lengths, as lc-stream.c uses). */
gboolean lc_predictor_novelty_members (const LcPredictor *predictor, NnModel *const *members,
                                       const NnData *data, double *out, GError **error);
/* lc_predictor_novelty of every object of ds: a new array (ds->n_objects),
 * or NULL with *error unset when the model has no reference features. */
double *lc_predictor_novelty_of_dataset (const LcPredictor *predictor, const LcDataset *ds, GError **error);
/* Whether the model can give lc_predictor_novelty. */
gboolean lc_predictor_has_novelty (const LcPredictor *predictor);

/* Area under the ROC curve of scores separating the rows with novel[i] TRUE
 * (positives) from the others; ties count 1/2.  NaN without both kinds. */
double lc_novelty_auroc (const double *scores, const gboolean *novel, int n);

/* One leave-one-class-out measurement: trained without one class, how well
 * each score separates that class's objects from unseen objects of the known
 * classes. */
typedef struct
{
  int class_id;                        /* the class left out of training */
  int n_novel;                         /* its objects, all scored */
  int n_known;                         /* held-out objects of the other classes */
  double known_accuracy;               /* accuracy on those */
  double auroc[LC_NOVELTY_N_MEASURED]; /* per LcNoveltyScore, then the energy */
  double seconds;
} LcNoveltyFold;

/* The labelled objects of ds are split once (stratified, seed) into a
 * training part and a test part of test_fraction; the spec is trained (as
 * `train` would, with its own validation split and calibration) on the
 * training part without class class_index (an index into ds->classes), and
 * scored on the test part's known objects plus every object of the left-out
 * class. */
gboolean lc_novelty_leave_one_out (const LcDataset *ds, const NnModelDoc *spec,
                                   const LcTrainOverrides *overrides, int class_index,
                                   double test_fraction, guint64 seed, int threads,
                                   LcNoveltyFold *out, GError **error);

/* counts[n_bins]: scores in [lo, hi) split into equal bins, the last bin
 * closed; NaN and scores outside are left out.  Returns how many were counted. */
int  lc_novelty_histogram (const double *scores, int n, double lo, double hi, int n_bins, int *counts);

/* The indices i with scores[i] >= threshold, highest score first (ties: lower
 * index first); *n_out gets their number.  Never NULL. */
int *lc_novelty_rank      (const double *scores, int n, double threshold, int *n_out);

/* The submission row: out (n, k + 1) = [p_i (1 − q), q], which sums to 1
 * when p_i does, with the class-99 probability q the shipped score scaled
 * into [0, 1] and divided by k + 2: below the largest class column of every
 * row (that column is at least 1/k), so the ranking of the k classes and the
 * top class of every object stay as the classifier gave them.  distance[n]
 * is lc_predictor_novelty's score, or NULL for a model without it (then
 * q comes from LC_NOVELTY_DEFAULT on the probabilities); q follows its order. */
void lc_novelty_append_p99 (const float *probs, const double *distance, int n, int k, float *out);

/* Writes the Kaggle submission layout (DESIGN §7), as `passband-cli predict`
 * does: "object_id,class_<id>...,class_99", one row per object with
 * lc_novelty_append_p99's probabilities.  ids[n], probs (n, k), distance[n]
 * or NULL as lc_novelty_append_p99 takes it; written to a
 * temporary file and renamed. */
gboolean lc_novelty_write_predictions (const char *path, const char *const *ids, const float *probs,
                                       const double *distance, int n, int k, const int *class_ids,
                                       GError **error);

G_END_DECLS
