/* nn-model.h: a stack of layers with one flat parameter vector.
 *
 * A model has two inputs: a sequence (B, T, F) with per-row lengths, and an
 * optional per-object metadata vector (B, S).  Its layers run in order: the
 * sequence branch, at most one "concat_metadata" layer that appends the
 * metadata vector, then the head, which must end in a vector of n_classes.
 *
 * Building (no JSON needed):
 *
 *   NnModel *m = nn_model_new (F, S, K);
 *   nn_model_add_layer (m, NN_LAYER_GRU, &gru_cfg, NULL);
 *   nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, &cfg, NULL);
 *   nn_model_add_layer (m, NN_LAYER_DENSE, &head_cfg, "head");
 *   if (!nn_model_build (m, T, &error)) ...
 *   nn_model_init (m, seed);
 *
 * After nn_model_build, every layer's in/out shapes, n_params, param_offset and
 * state_offset are filled in, and model->params / grads / state are allocated
 * (zeroed; nn_model_init draws the initial weights).
 *
 * Output: the network computes LOGITS (B, K).  A final dense layer with
 * activation softmax, or a final activation layer with softmax, is not applied
 * inside the network: it is fused into the loss (which works on logits) and
 * nn_model_predict applies it to return probabilities.
 */
#pragma once

#include <glib.h>

#include "nn-data.h"
#include "nn-layer.h"
#include "nn-rng.h"

G_BEGIN_DECLS

typedef struct _NnModel NnModel;
typedef struct _NnWorkspace NnWorkspace;

struct _NnModel
{
  /* inputs and outputs */
  int seq_features;      /* F */
  int meta_features;     /* S (0 = no metadata input) */
  int n_classes;         /* K */
  char **class_names;    /* optional, NULL-terminated, n_classes entries (display names) */

  /* layers, in order; owned */
  GPtrArray *layers;     /* NnLayer * */

  /* filled by nn_model_build */
  gboolean built;
  int max_steps;         /* T the model was built for; batches may have fewer steps */
  int concat_index;      /* index of the concat_metadata layer, or -1 */
  int n_run_layers;      /* layers run by forward (a trailing softmax activation layer is fused) */
  gboolean fused_softmax; /* the output activation is a softmax applied by the loss / predict */
  NnLayer *head_run;     /* copy of the last run layer with activation linear when fused, else NULL */
  size_t n_params;
  size_t n_state;
  float *params;         /* [n_params], each layer's slice starts at layer->param_offset */
  float *grads;          /* [n_params] */
  float *state;          /* [n_state]: batch-norm running statistics */
};

/* A problem found by nn_model_validate. */
typedef struct
{
  int layer_index;       /* 0-based layer index, or -1 for the model as a whole */
  char *message;         /* plain words, says what to change */
} NnModelProblem;

NnModel *nn_model_new  (int seq_features, int meta_features, int n_classes);
void     nn_model_free (NnModel *model);
/* Deep copy: layers, shapes, parameters and state (grads are zeroed). */
NnModel *nn_model_copy (const NnModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnModel, nn_model_free)

/* Appends a layer; cfg NULL means nn_layer_config_default.  label may be NULL.
 * Returns the new layer (owned by the model).  Changing the stack un-builds the model. */
NnLayer *nn_model_add_layer    (NnModel *model, NnLayerKind kind, const NnLayerConfig *cfg,
                                const char *label);
NnLayer *nn_model_insert_layer (NnModel *model, int index, NnLayerKind kind,
                                const NnLayerConfig *cfg, const char *label);
void     nn_model_remove_layer (NnModel *model, int index);
int      nn_model_n_layers     (const NnModel *model);
/* The layer at index (its in/out shapes and n_params are valid after build or validate). */
NnLayer *nn_model_get_layer    (const NnModel *model, int index);
/* Call after editing a layer's cfg in place: the model must be built again. */
void     nn_model_invalidate   (NnModel *model);
/* class_names: n_classes strings, copied; NULL clears. */
void     nn_model_set_class_names (NnModel *model, const char *const *class_names);

/* Runs shape inference over the whole stack and returns EVERY problem found
 * (element type NnModelProblem, freed with the array); an empty array means the
 * stack is valid.  A layer that fails is skipped (its input shape passes
 * through) so the layers after it are still checked.  Fills each layer's shapes
 * and parameter counts where possible, so a builder can show them.  A built
 * model validated for another max_steps is un-built. */
GArray  *nn_model_validate (NnModel *model, int max_steps);

/* The most parameters a model may have: 128 Mi floats, 512 MiB (twice that
 * with gradients, more with an optimiser's moments).  A layer size from a
 * file (65536 units) could otherwise ask for tens of gigabytes. */
#define NN_MODEL_MAX_PARAMS ((size_t) 1 << 27)

/* Validates and allocates the parameter, gradient and state vectors (zeroed).
 * On failure the message lists every problem as "layer 2 (lstm): ...";
 * a model of more than NN_MODEL_MAX_PARAMS parameters is refused before
 * anything is allocated. */
gboolean nn_model_build    (NnModel *model, int max_steps, GError **error);
/* Draws initial weights (per-layer streams of seed, so adding a layer at the end
 * does not change the others) and resets state. */
void     nn_model_init     (NnModel *model, guint64 seed);

size_t   nn_model_n_params (const NnModel *model);
/* Multiply-adds per sample for one forward pass (needs a built model). */
double   nn_model_flops    (const NnModel *model);

/* ---- running the network ---- */

/* Buffers for one thread: activations and their gradients for every layer,
 * every layer's workspace, logits and probabilities, for batches of at most
 * max_batch rows of at most model->max_steps steps.  The model must be built;
 * a workspace is tied to the model's layer stack (build again => new workspace). */
NnWorkspace *nn_workspace_new  (const NnModel *model, int max_batch);
/* The same for forward passes only (prediction): no gradient buffers, so
 * nn_model_backward cannot use it. */
NnWorkspace *nn_workspace_new_inference (const NnModel *model, int max_batch);

/* The bytes nn_workspace_new (or _inference, for_training FALSE) would
 * allocate, computed without allocating. */
size_t       nn_workspace_bytes (const NnModel *model, int max_batch, gboolean for_training);
/* The most a prediction workspace may take: a file's "max_steps" of a million
 * steps would otherwise ask for tens of gigabytes. */
#define NN_PREDICT_MAX_WORKSPACE ((size_t) 1 << 31)

/* Rows per forward pass when predicting.  Small on purpose: the workspace
 * stays in cache and is fresh memory (page faults) for less; the GEMMs lose
 * little.  bench-core against 256 rows, objects per second with 1 / 2
 * threads: gru2 21k / 11k -> 27k / 43k, hybrid 10k / 10k -> 27k / 33k,
 * MISweeper LSTM (352 steps) 1.01k / 1.45k -> 1.10k / 1.38k. */
#define NN_PREDICT_BATCH 32

/* Predicts rows in batches of NN_PREDICT_BATCH with buffers kept from call to
 * call (one per thread): what nn_model_predict does, for callers that feed
 * rows piece by piece (lc-stream).  run writes probabilities of
 * data rows [first, first + count) to probs_out at the same rows; the
 * batches start at first. */
typedef struct _NnRowPredictor NnRowPredictor;
NnRowPredictor *nn_row_predictor_new  (const NnModel *model);
void            nn_row_predictor_run  (NnRowPredictor *rp, const NnData *data, int first, int count,
                                       float *probs_out);
void            nn_row_predictor_free (NnRowPredictor *rp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnRowPredictor, nn_row_predictor_free)
void         nn_workspace_free (NnWorkspace *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnWorkspace, nn_workspace_free)
int          nn_workspace_max_batch (const NnWorkspace *ws);
/* The dropout stream of this workspace (seed, stream id e.g. the thread index). */
void         nn_workspace_seed (NnWorkspace *ws, guint64 seed, guint64 stream);
/* The dropout stream's position, for checkpoints. */
NnRng       *nn_workspace_rng (NnWorkspace *ws);
/* Whether training forward passes on this workspace update batch-norm running
 * statistics (TRUE by default; one thread of a split batch only). */
void         nn_workspace_set_update_state (NnWorkspace *ws, gboolean update_state);
/* The workspace's own gradient vector [n_params] (for threads that must not
 * write the model's). */
float       *nn_workspace_grads (NnWorkspace *ws);

/* Runs the layers on batch (batch->batch <= max_batch, batch->steps <= model->max_steps,
 * features matching the model).  Returns the logits (B, K) inside ws. */
const float *nn_model_forward  (const NnModel *model, NnWorkspace *ws, const NnBatch *batch,
                                gboolean training);
/* Back-propagates dlogits (B, K) of the last forward on ws and ADDS the parameter
 * gradients into grads (model->grads, nn_workspace_grads (ws), or any [n_params]
 * vector; the caller zeroes it).  dlogits is not modified. */
void         nn_model_backward (const NnModel *model, NnWorkspace *ws, const float *dlogits,
                                float *grads);
/* Gradient of sum (dlogits * logits) of the last forward on ws with respect
 * to its inputs: dx (B, max_steps, F), 0 at padded steps, and dmeta (B, S)
 * (NULL when the model has no metadata; zeros when no layer reads it).  Runs
 * every layer's backward down to the input; the parameter gradients land in
 * the workspace's own vector, which this overwrites. */
void         nn_model_input_gradient (const NnModel *model, NnWorkspace *ws, const float *dlogits,
                                      float *dx, float *dmeta);
/* Softmax of the last forward's logits (B, K) into ws; returns them. */
const float *nn_model_probabilities (const NnModel *model, NnWorkspace *ws);

/* Checks that data fit the model (features, metadata, steps, lengths and, when
 * need_labels, labels in [0, K)).  Errors name the row and field. */
gboolean nn_model_check_data (const NnModel *model, const NnData *data, gboolean need_labels,
                              const char *what, GError **error);

/* Class probabilities (data->n, K) for every row, in inference mode, in
 * batches of NN_PREDICT_BATCH rows from row 0 (threads 1 or 2: the batches
 * are split between two threads; the numbers are the same). */
gboolean nn_model_predict  (const NnModel *model, const NnData *data, float *probs_out,
                            int threads, GError **error);

/* The features the network's last layer reads (the penultimate layer's
 * output, in inference mode): what a distance-based novelty score measures.
 * Its width, 0 when that is a sequence or the network has one layer. */
int      nn_model_embedding_width (const NnModel *model);
/* out (data->n, nn_model_embedding_width) for every row of data. */
gboolean nn_model_embed    (const NnModel *model, const NnData *data, float *out, GError **error);

G_END_DECLS
