/* nn-layer.h: the contract every layer kind implements.
 *
 * A layer is plain data (NnLayer: its kind, settings, shapes and where its
 * parameters live in the model's flat parameter vector) plus a table of
 * operations (NnLayerOps).  Layers never allocate during forward/backward:
 * every buffer they need is a slice of a per-thread workspace whose size the
 * layer reports once, when the model is compiled.
 *
 * Data layout (public, batch-major, row-major):
 *   sequence activations  x: (B, T, C)   with per-row valid lengths[B] <= T
 *   vector activations    x: (B, C)
 * Padded steps (t >= lengths[b]) of every sequence a layer writes are 0, and
 * no layer lets the values at padded steps of its input change a result.
 *
 * Gradients: backward ADDS parameter gradients into pass->grads (the model
 * zeroes them once per batch) and OVERWRITES dx (input gradient, shape of x).
 * dx may be NULL when nobody needs it (first layer): skip that work.
 * dy may be overwritten by backward (it is scratch after the call).
 */
#pragma once

#include <glib.h>
#include <stddef.h>

#include "nn-rng.h"

G_BEGIN_DECLS

#define NN_LAYER_MAX_TENSORS 12

typedef enum
{
  NN_ACT_LINEAR = 0,
  NN_ACT_RELU,
  NN_ACT_LEAKY_RELU,
  NN_ACT_ELU,
  NN_ACT_TANH,
  NN_ACT_SIGMOID,
  NN_ACT_SOFTMAX,
} NnActivation;

typedef enum
{
  NN_PADDING_VALID = 0,
  NN_PADDING_SAME,
} NnPadding;

/* Kinds, in the spelling used by model files (DESIGN §5). */
typedef enum
{
  NN_LAYER_DENSE = 0,        /* "dense" */
  NN_LAYER_ACTIVATION,       /* "activation" */
  NN_LAYER_SIMPLE_RNN,       /* "simple_rnn" */
  NN_LAYER_LSTM,             /* "lstm" */
  NN_LAYER_GRU,              /* "gru" */
  NN_LAYER_CONV1D,           /* "conv1d" */
  NN_LAYER_MAX_POOL1D,       /* "max_pool1d" */
  NN_LAYER_AVG_POOL1D,       /* "avg_pool1d" */
  NN_LAYER_GLOBAL_MAX_POOL,  /* "global_max_pool" */
  NN_LAYER_GLOBAL_AVG_POOL,  /* "global_avg_pool" */
  NN_LAYER_FLATTEN,          /* "flatten" */
  NN_LAYER_DROPOUT,          /* "dropout" */
  NN_LAYER_BATCH_NORM,       /* "batch_norm" */
  NN_LAYER_CONCAT_METADATA,  /* "concat_metadata": joins the per-object metadata vector */
  NN_LAYER_N_KINDS
} NnLayerKind;

/* Per-sample shape of an activation. */
typedef struct
{
  gboolean seq;   /* TRUE: (steps, features) sequence; FALSE: (features) vector */
  int steps;      /* maximum (padded) number of steps; 0 for vectors */
  int features;
} NnShape;

/* Settings of a layer; each kind reads the fields it needs (see nn_layer_config_default). */
typedef struct
{
  int units;                 /* dense, simple_rnn, lstm, gru: outputs per direction; conv1d: filters */
  NnActivation activation;   /* dense, conv1d, simple_rnn, activation */
  gboolean return_sequences; /* recurrent */
  gboolean bidirectional;    /* recurrent: output features become 2 * units */
  int kernel_size;           /* conv1d */
  int stride;                /* conv1d, pooling (0 = pool_size) */
  int dilation;              /* conv1d */
  NnPadding padding;         /* conv1d, pooling */
  int pool_size;             /* pooling */
  float rate;                /* dropout: probability of dropping a unit */
  float momentum;            /* batch_norm, PyTorch convention: weight of the new batch (0.1) */
  float epsilon;             /* batch_norm (1e-5) */
  float negative_slope;      /* leaky relu (0.01) */
  float elu_alpha;           /* elu (1.0) */
  gboolean use_bias;         /* dense, conv1d, recurrent */
} NnLayerConfig;

/* One parameter (or state) tensor of a layer, e.g. LSTM "weight_ih" (4H, I). */
typedef struct
{
  const char *name;     /* static string, PyTorch naming: weight, bias, weight_ih, ... */
  int ndim;
  int shape[4];
  size_t offset;        /* in floats, from the start of the layer's parameter (or state) slice */
  size_t size;          /* product of shape */
} NnTensorInfo;

typedef struct _NnLayer NnLayer;
typedef struct _NnLayerOps NnLayerOps;

/* An activation passed between layers. */
typedef struct
{
  float *data;        /* (B, T, C) or (B, C) */
  int *lengths;       /* [B] for sequences; NULL for vectors */
  int batch;          /* B */
  int steps;          /* T (padded); 0 for vectors */
  int features;       /* C */
} NnAct;

/* What a layer sees during one forward/backward call.  One NnPass per worker
 * thread; the model fills it in before calling each layer. */
typedef struct
{
  const float *params;   /* this layer's parameter slice (layer->n_params floats) */
  float *grads;          /* this layer's gradient slice; backward adds into it */
  float *state;          /* this layer's non-trainable state (batch-norm running stats) */
  gboolean update_state; /* training only: may this pass update state (one thread does) */
  void *work;            /* this layer's workspace (ops->workspace_size bytes, 64-byte aligned) */
  gboolean training;     /* dropout active, batch-norm uses batch statistics */
  NnRng *rng;            /* dropout masks; per thread */
  const NnAct *meta;     /* concat_metadata: the metadata vectors (B, S); NULL otherwise */
  float *dmeta;          /* concat_metadata backward: gradient for meta, may be NULL */
} NnPass;

struct _NnLayerOps
{
  NnLayerKind kind;
  const char *name;      /* model-file spelling */
  /* Checks the settings against the input shape, fills layer->out, the parameter and
   * state tensor tables, n_params and n_state.  Errors say what is wrong in plain words. */
  gboolean (*setup)          (NnLayer *layer, const NnShape *in, int meta_features, GError **error);
  /* Initialises this layer's parameter slice and state slice (Glorot-uniform inputs,
   * orthogonal recurrent weights, LSTM forget bias 1, BN gamma 1 / running var 1). */
  void     (*init)           (const NnLayer *layer, float *params, float *state, NnRng *rng);
  /* Bytes of scratch the layer needs for a batch of up to max_batch rows of at most
   * max_steps input steps (intermediates kept for backward, output lengths, ...). */
  size_t   (*workspace_size) (const NnLayer *layer, int max_batch, int max_steps);
  /* y->data and y->lengths are preallocated by the model with the output shape for
   * x->batch rows; the layer writes them (y->steps/features are already set). */
  void     (*forward)        (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y);
  void     (*backward)       (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                              float *dy, float *dx);
  /* Multiply-adds per sample for the forward pass (for the builder's work estimate). */
  double   (*flops)          (const NnLayer *layer);
};

struct _NnLayer
{
  const NnLayerOps *ops;
  NnLayerConfig cfg;
  NnShape in;
  NnShape out;
  int n_tensors;
  NnTensorInfo tensors[NN_LAYER_MAX_TENSORS];
  size_t n_params;       /* trainable floats */
  int n_state_tensors;
  NnTensorInfo state_tensors[4];
  size_t n_state;        /* non-trainable floats (running statistics) */
  size_t param_offset;   /* where this layer's slice starts in the model's vector */
  size_t state_offset;
  char *label;           /* optional user-visible name from the model file */
};

/* The ops table for a kind, or by model-file name (NULL if unknown). */
const NnLayerOps *nn_layer_ops_for_kind (NnLayerKind kind);
const NnLayerOps *nn_layer_ops_lookup   (const char *name);

/* Defaults that match Keras/PyTorch where they agree (see nn-layer.c). */
void nn_layer_config_default (NnLayerConfig *cfg);
/* The same, adjusted for a kind as Keras and PyTorch do: simple_rnn uses tanh,
 * pooling strides default to the pool size.  Model files and the builder use this. */
void nn_layer_config_default_for_kind (NnLayerConfig *cfg, NnLayerKind kind);

/* Runs ops->setup after clearing the derived fields. */
gboolean nn_layer_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error);

/* Helpers for setup functions: append a tensor to the table, returns its offset. */
size_t nn_layer_add_tensor (NnLayer *layer, const char *name, int ndim, const int *shape);
size_t nn_layer_add_state  (NnLayer *layer, const char *name, int ndim, const int *shape);

/* Activation functions shared by dense, conv1d, simple_rnn and the activation layer.
 * In place on n contiguous values; softmax works on rows of `width`. */
void nn_activation_forward  (NnActivation act, float *v, size_t n, int width,
                             float negative_slope, float elu_alpha);
/* dv = dL/dy on entry, dL/dx on return; y are the activation outputs, x the inputs
 * (x may be NULL for activations whose derivative needs only y: tanh, sigmoid,
 * softmax, relu, leaky relu; elu needs y only too since y > 0 <=> x > 0). */
void nn_activation_backward (NnActivation act, const float *y, float *dv, size_t n, int width,
                             float negative_slope, float elu_alpha);
const char  *nn_activation_to_string   (NnActivation act);
gboolean     nn_activation_from_string (const char *name, NnActivation *act);

/* Weight initialisers. */
void nn_init_glorot_uniform (float *w, int fan_out, int fan_in, NnRng *rng);
/* rows x cols block with orthonormal rows or columns (QR of a Gaussian matrix) */
void nn_init_orthogonal     (float *w, int rows, int cols, NnRng *rng);

/* Workspace carving: round sizes up so every slice stays 64-byte aligned. */
static inline size_t
nn_align64 (size_t bytes)
{
  return (bytes + 63) & ~(size_t) 63;
}

GQuark nn_error_quark (void);
#define NN_ERROR (nn_error_quark ())

typedef enum
{
  NN_ERROR_INVALID_LAYER,    /* a layer's settings do not fit its input */
  NN_ERROR_INVALID_MODEL,    /* the layer list as a whole is wrong */
  NN_ERROR_FILE,             /* a model file is malformed */
  NN_ERROR_VERSION,          /* a model file from a newer Passband */
  NN_ERROR_DATA,             /* data do not fit the model */
  NN_ERROR_DIVERGED,         /* loss became NaN or Inf */
  NN_ERROR_CANCELLED,
} NnError;

G_END_DECLS

/* The ops tables, one per kind, defined in nn-layer-<kind>.c. */
G_BEGIN_DECLS
extern const NnLayerOps nn_dense_ops;
extern const NnLayerOps nn_activation_ops;
extern const NnLayerOps nn_simple_rnn_ops;
extern const NnLayerOps nn_lstm_ops;
extern const NnLayerOps nn_gru_ops;
extern const NnLayerOps nn_conv1d_ops;
extern const NnLayerOps nn_max_pool1d_ops;
extern const NnLayerOps nn_avg_pool1d_ops;
extern const NnLayerOps nn_global_max_pool_ops;
extern const NnLayerOps nn_global_avg_pool_ops;
extern const NnLayerOps nn_flatten_ops;
extern const NnLayerOps nn_dropout_ops;
extern const NnLayerOps nn_batch_norm_ops;
extern const NnLayerOps nn_concat_metadata_ops;
G_END_DECLS
