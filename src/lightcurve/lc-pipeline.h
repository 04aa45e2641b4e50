/* lc-pipeline.h: dataset + model spec -> trained model, and trained model +
 * dataset -> predictions and scores.
 *
 * This is the one place where splitting, balancing, encoding, building and
 * training are put together, so that `passband-cli train` and the app's
 * trainer give the same numbers for the same inputs.
 */
#pragma once

#include "lc-dataset.h"
#include "lc-encoder.h"
#include "nn-calibration.h"
#include "nn-metrics.h"
#include "nn-model-file.h"
#include "nn-train.h"

G_BEGIN_DECLS

/* Settings that override the spec's "training" section (a negative or zero
 * value / NULL keeps the spec's). */
typedef struct
{
  int epochs;
  int batch_size;
  double learning_rate;
  gint64 seed;               /* -1: keep */
  double val_fraction;       /* -1: keep; 0: no validation split */
  int balance;               /* -1: keep; else an NnBalance */
  double class_weight_power; /* -1: keep */
  int loss;                  /* -1: keep; else an NnLossKind */
  double focal_gamma;        /* -1: keep */
  double logit_adjust;       /* -1: keep; 0: off; tau of the logit-adjusted loss */
  double prior_correction;   /* -1: keep; 0: off; tau of the prior correction at prediction */
  double sampling_power;     /* -1: keep; q of "balance": "sample" */
  double effective_beta;     /* -1: keep; beta of "balance": "effective" */
  int reweight_from_epoch;   /* -1: keep; 0: from the start */
  double label_smoothing;    /* -1: keep; 0: off */
  int threads;               /* 0: keep */
  int patience;              /* -1: keep */
  int augment_copies;        /* -1: keep the spec's "augmentation"; 0: none; N: N copies */
  int ensemble_members;      /* 0: keep the spec's "ensemble"; N: train N seeds */
} LcTrainOverrides;

void lc_train_overrides_init (LcTrainOverrides *overrides);

/* A prepared training run: the split, the fitted encoder and the encoded
 * tensors, ready for nn_train.  Everything a worker thread needs is owned here. */
typedef struct
{
  NnModelDoc *doc;           /* the spec, with the overrides applied; becomes the trained model */
  LcEncoder *encoder;        /* fitted on the training rows */
  NnData *train;             /* encoded training rows (after resampling) */
  NnData *val;               /* encoded validation rows, or NULL */
  int *val_rows;             /* dataset object index of every validation row */
  int n_val;
  float *class_weights;      /* [K] when balance is "weights" or "effective", else NULL */
  NnModel *model;            /* built and initialised */
  NnTrainConfig config;      /* config.loss.class_weights points at class_weights */
  NnHistory *history;        /* of the first ensemble member */
  int n_members;             /* ensemble members to train (1: a single model) */
  int n_augmented;           /* training rows that are augmented copies */
  /* When set (not owned), the first member goes on from this checkpoint of
   * an earlier run of the same data and settings (nn_train_resume). */
  const NnTrainCheckpoint *resume_from;
} LcTrainRun;

/* Splits (stratified, seeded, before any resampling), balances, fits the
 * encoder on the training rows, encodes, and builds the model of spec.
 * The spec is copied. */
LcTrainRun *lc_train_run_prepare (const LcDataset *ds, const NnModelDoc *spec,
                                  const LcTrainOverrides *overrides, GError **error);
/* The same on rows[0..n_rows) of ds only (the training part of a
 * cross-validation fold): unlabelled rows are left out; the validation split
 * for early stopping is taken from these rows. */
LcTrainRun *lc_train_run_prepare_rows (const LcDataset *ds, const int *rows, int n_rows,
                                       const NnModelDoc *spec, const LcTrainOverrides *overrides,
                                       GError **error);
/* Both of the above (rows NULL: every object) with progress: progress (may
 * be NULL) is called in the calling thread with the fraction done (0..1,
 * never decreasing, 1 at the end) of fitting the encoder and encoding the
 * training and validation rows, the slow part of preparing; returning FALSE
 * makes it fail with LC_ERROR_CANCELLED.  With threads >= 2 in the
 * (overridden) training settings, the encoder's per-object features are
 * computed in two threads. */
LcTrainRun *lc_train_run_prepare_full (const LcDataset *ds, const int *rows, int n_rows,
                                       const NnModelDoc *spec, const LcTrainOverrides *overrides,
                                       LcProgressFunc progress, gpointer user_data, GError **error);
/* Runs nn_train (once per ensemble member, member k with seed + k, the
 * callbacks seeing each member's epochs); on success (or a stop by the callbacks) the run's doc holds
 * the trained model: classes, preprocessing, training settings, history,
 * weights, and the temperature fitted on the validation split (1 without
 * one) with its record. */
gboolean    lc_train_run_train   (LcTrainRun *run, const NnTrainCallbacks *callbacks, GError **error);
/* Prepares and trains on rows[0..n_rows) of ds without callbacks (a
 * cross-validation fold, a leave-one-class-out model): a run that diverged
 * keeps its best weights, as `train` saves them. */
LcTrainRun *lc_train_run_fit_rows (const LcDataset *ds, const int *rows, int n_rows, const NnModelDoc *spec,
                                   const LcTrainOverrides *overrides, GError **error);
void        lc_train_run_free    (LcTrainRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcTrainRun, lc_train_run_free)

/* A trained model ready to predict on datasets. */
typedef struct
{
  NnModelDoc *doc;
  LcEncoder *encoder;
  NnModel *model;
  int n_classes;
  int *class_ids;            /* [K] survey class ids (e.g. PLAsTiCC targets) */
  int n_models;              /* ensemble members; models[0] == model */
  NnModel **models;
} LcPredictor;

LcPredictor *lc_predictor_new  (const NnModelDoc *doc, GError **error);
LcPredictor *lc_predictor_load (const char *model_path, GError **error);
void         lc_predictor_free (LcPredictor *predictor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcPredictor, lc_predictor_free)

/* The members built for sequences of up to `steps` steps, with their stored
 * weights: what lets a model file saying "max_steps": 1048576 predict data of
 * a few hundred steps.  Recurrent layers with masking give the same numbers
 * at any length the data fit; NULL when the weights depend on the length (a
 * flatten layer's do). */
GPtrArray *lc_predictor_members_at (const LcPredictor *predictor, int steps);

/* The model's calibration on probs (n, K), the ensemble's mean probabilities:
 * nn_calibration_apply_offsets with the document's temperature and class
 * offsets (the prior correction).  Every prediction
 * below goes through it. */
void   lc_predictor_calibrate (const LcPredictor *predictor, float *probs, int n);

/* Probabilities (n_rows, K) for rows of ds (NULL rows: every object), the
 * calibrated mean over the ensemble members; labels_out
 * (may be NULL) gets each row's class index in the model's classes, -1 when
 * unknown or a class the model does not know. */
float *lc_predictor_predict (const LcPredictor *predictor, const LcDataset *ds, const int *rows,
                             int n_rows, int threads, int **labels_out, GError **error);

/* Rows of ds (NULL rows: every object) encoded for the model: an object with
 * more observations (grid: steps) than the model's max_steps is encoded from
 * its first max_steps only, normalisation and aggregate features included,
 * as if the survey had stopped there.  What lc_predictor_predict feeds the
 * network. */
NnData *lc_predictor_encode (const LcPredictor *predictor, const LcDataset *ds, const int *rows,
                             int n_rows, int threads, GError **error);
/* The window lc_predictor_encode encodes with (first_k, first_days as in
 * LcEncoderOptions). */
void    lc_predictor_window (const LcPredictor *predictor, int *first_k, double *first_days);

/* Scores on the labelled objects of ds. */
typedef struct
{
  NnClassReport *report;     /* with PLAsTiCC weights: report->weighted_log_loss is that metric */
  int n_rows;
  int n_skipped;             /* objects without a label the model knows */
  int *rows;                 /* [n_rows] dataset object index of each scored row */
  float *probs;              /* (n_rows, K) */
  int *labels;               /* [n_rows] */
} LcEvaluation;

LcEvaluation *lc_predictor_evaluate (const LcPredictor *predictor, const LcDataset *ds, int threads,
                                     GError **error);
/* The same on rows[0..n_rows) of ds (a cross-validation fold). */
/* Probabilities (data->n, K) of already encoded data (longer sequences keep
 * their first max_steps steps): the ensemble's mean, calibrated. */
float        *lc_predictor_predict_data (const LcPredictor *predictor, const NnData *data, int threads,
                                         GError **error);
/* Scores probs (n_rows, K) of rows (NULL: 0..n_rows-1) against labels (class
 * indices in the model's classes; -1 rows are skipped and counted). */
LcEvaluation *lc_evaluation_new (const LcPredictor *predictor, const LcDataset *ds, const int *rows,
                                 int n_rows, const float *probs, const int *labels, GError **error);
LcEvaluation *lc_predictor_evaluate_rows (const LcPredictor *predictor, const LcDataset *ds,
                                          const int *rows, int n_rows, int threads, GError **error);
void          lc_evaluation_free    (LcEvaluation *evaluation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcEvaluation, lc_evaluation_free)

G_END_DECLS
