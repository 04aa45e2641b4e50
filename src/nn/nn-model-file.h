/* nn-model-file.h: model documents, the one JSON schema for presets, specs and
 * trained models (DESIGN §5).
 *
 *   {"format": "passband-model", "version": 1, "name": "...", "description": "...",
 *    "inputs": {"sequence_features": F, "max_steps": T, "metadata_features": S},
 *    "layers": [{"type": "gru", "units": 64, "return_sequences": true, ...}, ...],
 *    "classes": [{"id": 90, "name": "SN Ia"}, ...],
 *    "preprocessing": {...}, "training": {...}, "history": [...],
 *    "weights": [{"layer": 0, "name": "weight_ih", "shape": [192, 6], "sha256": "<hex>",
 *                 "data": "<base64>"}],
 *    "state": [...], "extra": {...}, "augmentation": {...}, "ensemble": {...},
 *    "calibration": {"temperature": T, "class_offsets": [...], ...},
 *    "novelty": {"score": "knn", "k": K, "members": [...]}}
 *
 * Layer fields (their types, ranges and defaults are rows of nn-fields.h): type,
 * label, and what the kind takes (nn_model_file_layer_takes):
 * units (a number or "classes"), activation, return_sequences, bidirectional,
 * kernel_size, stride, dilation, padding ("valid"/"same"), pool_size, rate,
 * momentum, epsilon, negative_slope, elu_alpha, use_bias.  Absent fields take
 * their row's default (nn_layer_config_default_for_kind: simple_rnn's
 * activation is tanh).  A field that means nothing in its place (a slope
 * without a leaky relu, momentum without SGD) is not written.
 *
 * Training fields (all optional; rows of nn-fields.h too): optimizer (sgd/rmsprop/adam/adamw, whose
 * defaults the others refine), learning_rate, momentum, beta1, beta2, eps,
 * rmsprop_alpha, weight_decay, l2, clip_norm, batch_size, epochs, seed, threads,
 * patience, restore_best, loss (ce/focal), focal_gamma, label_smoothing (ce:
 * eps in [0, 1), the target is (1 − eps) one-hot + eps / K; 0 = off),
 * logit_adjust (tau of
 * the logit-adjusted loss, nn-loss.h; 0 = off), balance
 * (none/weights/resample/sample/effective), class_weight_power (what "weights"
 * does: the balanced weights n / (K n_c) to this power, 0.5 by default),
 * effective_beta (what "effective" does: class weights by the effective
 * number of samples, w_c ∝ (1 − β) / (1 − β^n_c), scaled to a mean weight of
 * 1 over the training objects; β in (0, 1), 0.999 by default), sampling_power
 * (what "sample" does: every epoch draws its n training rows with replacement,
 * a row of class c with probability ∝ n_c^(q - 1), so class c comes up in
 * proportion to n_c^q: 1 is the data's own mix, 0 every class equally often;
 * 0.5 by default), reweight_from_epoch (deferred re-weighting: the class
 * weights and logit_adjust act from this epoch on, counted from 1, and early
 * stopping's best epoch is searched from there; 0 = from the start),
 * prior_correction
 * (tau: at prediction, divide the probabilities by the learned class priors to
 * this power; 0 = off), val_fraction, schedule (constant/step/cosine/plateau),
 * step_size, step_gamma, cosine_epochs, lr_min, plateau_factor, plateau_patience,
 * plateau_threshold.  History entries: epoch (from 1), loss, accuracy, val_loss,
 * val_accuracy (null without validation), seconds, learning_rate.
 *
 * A preset is a document without classes, history, weights and state; inputs
 * left at 0 (or absent) are taken from the data when the model is built.
 * Every field a document may hold is listed in nn-model-file.c or nn-fields.c; anything else is
 * refused (so a typo never passes silently), except inside the top-level
 * "extra" object, which is kept as it is.  The text itself must be plain JSON
 * nested at most NN_JSON_MAX_DEPTH deep with no field given twice in one
 * object (nn_json_parse_untrusted); a tensor's "sha256" (of its bytes as
 * stored, written always, optional when reading) must match its data.  Errors name the file, the place and
 * what was expected: "gru.json: layers[2] (lstm): field “units”: expected a
 * whole number from 1 to 65536, found -3".
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "nn-layer.h"
#include "nn-model.h"
#include "nn-train.h"

G_BEGIN_DECLS

#define NN_MODEL_FILE_FORMAT  "passband-model"
#define NN_MODEL_FILE_VERSION 1

/* How the training split is balanced ("balance" in the training section). */
typedef enum
{
  NN_BALANCE_NONE = 0,  /* "none" */
  NN_BALANCE_WEIGHTS,   /* "weights": class weights in the loss (class_weight_power) */
  NN_BALANCE_RESAMPLE,  /* "resample": over/under-sample to the mean class size */
  NN_BALANCE_SAMPLE,    /* "sample": class-balanced sampling every epoch (sampling_power) */
  NN_BALANCE_EFFECTIVE, /* "effective": class weights by effective number (effective_beta) */
} NnBalance;

const char *nn_balance_to_string   (NnBalance balance);
gboolean    nn_balance_from_string (const char *name, NnBalance *balance);

/* Whether a layer kind takes a model-file field ("units", "kernel_size", ...;
 * "type" and "label" always): what a builder shows for the layer, and what the
 * reader accepts. */
gboolean nn_model_file_layer_takes (NnLayerKind kind, const char *field);

/* One entry of "layers". */
typedef struct
{
  NnLayerKind kind;
  NnLayerConfig cfg;
  gboolean units_is_classes;  /* "units": "classes": cfg.units is set when building
                               * (and means nothing before) */
  char *label;                /* NULL when the file has none */
} NnLayerSpec;

/* One entry of "classes". */
typedef struct
{
  int id;                     /* e.g. the PLAsTiCC target 90; the index when the file has none */
  char *name;                 /* display name, e.g. "SN Ia" */
} NnClassSpec;

/* One entry of "weights" or "state": a tensor of one layer. */
typedef struct
{
  int layer;                  /* index into layers */
  char *name;                 /* the layer's tensor name: "weight_ih", "running_mean", ... */
  int ndim;
  int shape[4];
  size_t size;                /* product of shape */
  float *data;                /* [size], every value finite */
} NnTensorData;

/* One trained member of an ensemble beyond the first. */
typedef struct
{
  GPtrArray *weights;         /* NnTensorData * */
  GPtrArray *state;           /* NnTensorData * */
} NnEnsembleMember;

/* The "training" section: the trainer's settings plus what the data side does. */
typedef struct
{
  NnTrainConfig train;        /* train.loss.class_weights is always NULL here */
  NnBalance balance;          /* "none" */
  /* "weights": the balanced weights n / (K n_c) raised to this power (0.5) */
  float class_weight_power;
  /* "effective": beta of the effective number of samples (0.999) */
  float effective_beta;
  float val_fraction;         /* 0.2 */
  /* "prior_correction": tau of the prior correction at prediction (0: off):
   * the trained model's probabilities are divided by the class priors the
   * network learned, to this power (the calibration's class_offsets) */
  float prior_correction;
} NnTrainingSpec;

/* Defaults: nn_train_config_default, balance none, class_weight_power 0.5,
 * effective_beta 0.999, val_fraction 0.2. */
void nn_training_spec_default (NnTrainingSpec *spec);

/* What the temperature fit measured on the validation split of its training
 * run ("calibration" beside "temperature"); rows 0 when nothing was recorded. */
typedef struct
{
  int rows;                   /* "validation_rows" */
  double nll_before;          /* "nll_before": validation log loss at T = 1 */
  double nll_after;           /* "nll_after": at the fitted T */
  double ece_before;          /* "ece_before": expected calibration error at T = 1 */
  double ece_after;           /* "ece_after" */
} NnCalibrationRecord;

typedef struct
{
  char *source;               /* name used in messages: the path given, or "model" */
  char *name;                 /* never NULL ("" when absent) */
  char *description;          /* never NULL */
  int seq_features;           /* F, 0 = from the data */
  int max_steps;              /* T, 0 = from the data */
  int meta_features;          /* S, 0 = from the data (or no metadata) */
  GArray *layers;             /* NnLayerSpec */
  GArray *classes;            /* NnClassSpec; empty in presets */
  JsonNode *preprocessing;    /* an object owned by the light-curve encoder, or NULL */
  gboolean has_training;      /* the file had a "training" section */
  NnTrainingSpec training;    /* defaults when it had none */
  GArray *history;            /* NnEpochStats (epoch 0-based here, 1-based in the file) */
  GPtrArray *weights;         /* NnTensorData *, in layer order; empty in presets */
  GPtrArray *state;           /* NnTensorData * (batch-norm running statistics) */
  JsonNode *extra;            /* the "extra" object, kept as is, or NULL */
  /* "augmentation": an object owned by the light-curve side (lc-augment.h), or NULL */
  JsonNode *augmentation;
  /* "ensemble": {"members": N, "models": [{"weights": [...], "state": [...]}, ...]}:
   * train N seeds and average their probabilities.  The top-level weights and
   * state are member 1; ensemble holds the trained members 2..N. */
  int ensemble_members;       /* N, 1 when the file has no ensemble */
  GPtrArray *ensemble;        /* NnEnsembleMember * */
  /* "calibration": {"temperature": T, "validation_rows": N, "nll_before": ...}:
   * the model's probabilities are softmax (log (p) / T) of the ensemble's mean
   * p (nn_calibration_apply); 1.0 when absent.  Belongs to the weights:
   * nn_model_doc_clear_weights resets it. */
  double temperature;
  /* "class_offsets" in "calibration": [K] added to log (p) / T before the
   * softmax (the prior correction, −tau ln of the learned class priors), or
   * NULL (all 0).  Belongs to the weights as the temperature does. */
  float *class_offsets;
  NnCalibrationRecord calibration;
  /* "novelty": {"score": "knn", "k": 10, "threshold": x, "members": [{"reference":
   * {tensor (n, d)}}, ...]}: per ensemble member, the features its last layer
   * reads (nn_model_embed) of every training row, scaled to unit length: the
   * distance to the k-th nearest of them is the novelty score
   * (lc_predictor_novelty); threshold is the score that 5 % of the validation
   * objects exceed (0 without a validation split).  Empty when not fitted;
   * belongs to the weights. */
  GPtrArray *novelty_reference;  /* NnTensorData *, one per member */
  int novelty_k;
  double novelty_threshold;
} NnModelDoc;

/* An empty document (no layers) with default training settings. */
NnModelDoc *nn_model_doc_new  (void);
void        nn_model_doc_free (NnModelDoc *doc);
/* A deep copy (layers, classes, preprocessing, history, weights, state, extra). */
NnModelDoc *nn_model_doc_copy (const NnModelDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnModelDoc, nn_model_doc_free)

/* Reads and checks a document.  source_name is used in messages (e.g. the file
 * name); len -1 means text is NUL-terminated.  Errors are NN_ERROR_FILE or
 * NN_ERROR_VERSION (a newer file) or G_FILE_ERROR (cannot read). */
NnModelDoc *nn_model_doc_load           (const char *path, GError **error);
NnModelDoc *nn_model_doc_load_from_data (const char *text, gssize len, const char *source_name,
                                         GError **error);

/* The document as JSON text (pretty, UTF-8, ends with a newline). */
char       *nn_model_doc_to_data (const NnModelDoc *doc, gsize *length);
/* Writes atomically: a temporary file in the same folder, renamed over path,
 * so a crash or a full disk never leaves half a model. */
gboolean    nn_model_doc_save    (const NnModelDoc *doc, const char *path, GError **error);

/* Appends a layer spec (cfg NULL = nn_layer_config_default); returns it. */
NnLayerSpec *nn_model_doc_add_layer (NnModelDoc *doc, NnLayerKind kind, const NnLayerConfig *cfg,
                                     const char *label);
/* Replaces the classes; ids may be NULL (0, 1, ...), names may be NULL ("class <id>"). */
void        nn_model_doc_set_classes (NnModelDoc *doc, int n_classes, const int *ids,
                                      const char *const *names);
/* Stores a copy of the encoder's settings (an object node; NULL clears). */
void        nn_model_doc_set_preprocessing (NnModelDoc *doc, JsonNode *preprocessing);
/* Drops weights, state, history and calibration (what makes a trained model a spec). */
void        nn_model_doc_clear_weights (NnModelDoc *doc);

/* Builds a model for data with the given shape.  Each argument may be 0 to
 * take the document's value; when both are set they must agree (the data must
 * fit a trained model).  n_classes comes from "classes" when the document has
 * them.  The weights are drawn from the training seed, then the document's
 * weights and state, when it has any, replace them: every tensor of every
 * layer must then be given once with the model's shape. */
NnModel    *nn_model_doc_build (const NnModelDoc *doc, int seq_features, int meta_features,
                                int n_classes, int max_steps, GError **error);

/* Captures a built model into the document: its inputs, its layers (keeping
 * "units": "classes" where the document had it and it still holds), its
 * weights and state (copied; the model is not changed), and its class names
 * when the document has no classes yet. */
void        nn_model_doc_take_model (NnModelDoc *doc, const NnModel *model);

/* Trained members: 1 + ensemble->len when the document has weights, else 0. */
int         nn_model_doc_n_members (const NnModelDoc *doc);
/* Appends a copy of a built model's weights and state as the next ensemble
 * member (the document's layers must be the model's). */
void        nn_model_doc_add_member (NnModelDoc *doc, const NnModel *model);
/* nn_model_doc_build with the weights of member `member` (0: the top-level
 * weights, k: ensemble[k - 1]). */
NnModel    *nn_model_doc_build_member (const NnModelDoc *doc, int member, int seq_features,
                                       int meta_features, int n_classes, int max_steps,
                                       GError **error);

/* Replaces the history with a copy of history's epochs (NULL clears it). */
void        nn_model_doc_set_history (NnModelDoc *doc, const NnHistory *history);

/* Total parameters of the document's layers for a data shape (builds a model
 * without allocating weights); -1 with error when the layers do not fit. */
gssize      nn_model_doc_count_params (const NnModelDoc *doc, int seq_features, int meta_features,
                                       int n_classes, int max_steps, GError **error);

G_END_DECLS
