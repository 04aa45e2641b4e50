/* nn-layer.c: what all layer kinds share: the registry, defaults, tensor tables,
 * activation functions and weight initialisers. */
/* Element-wise loops must vectorise: allow it at -O2 (dynamic cost model) and let
 * conditionals become selects (no FP traps are ever enabled), as nn-layer-gru.c does. */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "nn-layer.h"

#include "nn-fields.h"

#include "nn-layer-ff.h"
#include "nn-names.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (nn-error-quark, nn_error)

static const NnLayerOps *const all_ops[NN_LAYER_N_KINDS] = {
  [NN_LAYER_DENSE] = &nn_dense_ops,
  [NN_LAYER_ACTIVATION] = &nn_activation_ops,
  [NN_LAYER_SIMPLE_RNN] = &nn_simple_rnn_ops,
  [NN_LAYER_LSTM] = &nn_lstm_ops,
  [NN_LAYER_GRU] = &nn_gru_ops,
  [NN_LAYER_CONV1D] = &nn_conv1d_ops,
  [NN_LAYER_MAX_POOL1D] = &nn_max_pool1d_ops,
  [NN_LAYER_AVG_POOL1D] = &nn_avg_pool1d_ops,
  [NN_LAYER_GLOBAL_MAX_POOL] = &nn_global_max_pool_ops,
  [NN_LAYER_GLOBAL_AVG_POOL] = &nn_global_avg_pool_ops,
  [NN_LAYER_FLATTEN] = &nn_flatten_ops,
  [NN_LAYER_DROPOUT] = &nn_dropout_ops,
  [NN_LAYER_BATCH_NORM] = &nn_batch_norm_ops,
  [NN_LAYER_CONCAT_METADATA] = &nn_concat_metadata_ops,
};

const NnLayerOps *
nn_layer_ops_for_kind (NnLayerKind kind)
{
  if ((int) kind < 0 || kind >= NN_LAYER_N_KINDS)
    return NULL;
  return all_ops[kind];
}

const NnLayerOps *
nn_layer_ops_lookup (const char *name)
{
  if (name == NULL)
    return NULL;
  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    if (g_strcmp0 (all_ops[k]->name, name) == 0)
      return all_ops[k];
  return NULL;
}

void
nn_layer_config_default (NnLayerConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->units = 32;
  cfg->activation = NN_ACT_LINEAR;
  cfg->return_sequences = FALSE;
  cfg->bidirectional = FALSE;
  cfg->kernel_size = 3;
  cfg->stride = 1;
  cfg->dilation = 1;
  cfg->padding = NN_PADDING_VALID;
  cfg->pool_size = 2;
  cfg->rate = 0.5f;
  cfg->momentum = 0.1f;
  cfg->epsilon = 1e-5f;
  cfg->negative_slope = 0.01f;
  cfg->elu_alpha = 1.0f;
  cfg->use_bias = TRUE;
}

void
nn_layer_config_default_for_kind (NnLayerConfig *cfg, NnLayerKind kind)
{
  /* the defaults of the fields the kind takes are rows of the field table */
  nn_fields_layer_defaults (cfg, kind);
}

gboolean
nn_layer_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  layer->in = *in;
  memset (&layer->out, 0, sizeof layer->out);
  layer->n_tensors = 0;
  layer->n_params = 0;
  layer->n_state_tensors = 0;
  layer->n_state = 0;
  return layer->ops->setup (layer, in, meta_features, error);
}

static size_t
tensor_append (NnTensorInfo *table, int *count, int capacity, size_t *total,
               const char *name, int ndim, const int *shape)
{
  NnTensorInfo *t;
  g_assert (*count < capacity && ndim >= 1 && ndim <= 4);
  t = &table[(*count)++];
  t->name = name;
  t->ndim = ndim;
  t->size = 1;
  for (int i = 0; i < 4; i++)
    t->shape[i] = i < ndim ? shape[i] : 0;
  for (int i = 0; i < ndim; i++)
    t->size *= (size_t) shape[i];
  t->offset = *total;
  *total += t->size;
  return t->offset;
}

size_t
nn_layer_add_tensor (NnLayer *layer, const char *name, int ndim, const int *shape)
{
  return tensor_append (layer->tensors, &layer->n_tensors, NN_LAYER_MAX_TENSORS,
                        &layer->n_params, name, ndim, shape);
}

size_t
nn_layer_add_state (NnLayer *layer, const char *name, int ndim, const int *shape)
{
  return tensor_append (layer->state_tensors, &layer->n_state_tensors,
                        G_N_ELEMENTS (layer->state_tensors), &layer->n_state, name, ndim, shape);
}

/* ---- activations ---- */

static const NnNameEntry activation_names[] = {
  { NN_ACT_LINEAR, "linear" },
  { NN_ACT_RELU, "relu" },
  { NN_ACT_LEAKY_RELU, "leaky_relu" },
  { NN_ACT_ELU, "elu" },
  { NN_ACT_TANH, "tanh" },
  { NN_ACT_SIGMOID, "sigmoid" },
  { NN_ACT_SOFTMAX, "softmax" },
};

const char *
nn_activation_to_string (NnActivation act)
{
  return nn_name_lookup_name (activation_names, G_N_ELEMENTS (activation_names), act, "linear");
}

gboolean
nn_activation_from_string (const char *name, NnActivation *act)
{
  int value;

  if (!nn_name_lookup_value (activation_names, G_N_ELEMENTS (activation_names), name, &value))
    return FALSE;
  *act = value;
  return TRUE;
}

/* c > 0 ? a : b without a branch: relu signs are random, so a branch
 * mispredicts half the time and costs more than the GEMM feeding it. */
static inline float
select_if_positive (float c, float a, float b)
{
  return nn_select_bits (-(guint32) (c > 0.0f), a, b);
}

static inline float
sigmoidf (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

static void
softmax_rows (float *v, size_t n, int width)
{
  for (size_t r = 0; r + width <= n; r += width)
    {
      float *row = v + r;
      float m = row[0], sum = 0.0f;
      for (int j = 1; j < width; j++)
        m = fmaxf (m, row[j]);
      for (int j = 0; j < width; j++)
        {
          row[j] = expf (row[j] - m);
          sum += row[j];
        }
      for (int j = 0; j < width; j++)
        row[j] /= sum;
    }
}

void
nn_activation_forward (NnActivation act, float *v, size_t n, int width,
                       float negative_slope, float elu_alpha)
{
  switch (act)
    {
    case NN_ACT_LINEAR:
      break;
    case NN_ACT_RELU:
      for (size_t i = 0; i < n; i++)
        v[i] = select_if_positive (v[i], v[i], 0.0f);
      break;
    case NN_ACT_LEAKY_RELU:
      for (size_t i = 0; i < n; i++)
        v[i] = select_if_positive (v[i], v[i], negative_slope * v[i]);
      break;
    case NN_ACT_ELU:
      for (size_t i = 0; i < n; i++)
        v[i] = v[i] > 0.0f ? v[i] : elu_alpha * expm1f (v[i]);
      break;
    case NN_ACT_TANH:
      for (size_t i = 0; i < n; i++)
        v[i] = tanhf (v[i]);
      break;
    case NN_ACT_SIGMOID:
      for (size_t i = 0; i < n; i++)
        v[i] = sigmoidf (v[i]);
      break;
    case NN_ACT_SOFTMAX:
      softmax_rows (v, n, width);
      break;
    }
}

void
nn_activation_backward (NnActivation act, const float *y, float *dv, size_t n, int width,
                        float negative_slope, float elu_alpha)
{
  switch (act)
    {
    case NN_ACT_LINEAR:
      break;
    case NN_ACT_RELU:
      for (size_t i = 0; i < n; i++)
        dv[i] = select_if_positive (y[i], dv[i], 0.0f);
      break;
    case NN_ACT_LEAKY_RELU:
      /* y > 0 exactly when x > 0 (slope > 0); at x = 0 the slope is used, as PyTorch does */
      for (size_t i = 0; i < n; i++)
        dv[i] = select_if_positive (y[i], dv[i], negative_slope * dv[i]);
      break;
    case NN_ACT_ELU:
      /* for x <= 0, dy/dx = alpha e^x = y + alpha */
      for (size_t i = 0; i < n; i++)
        dv[i] = y[i] > 0.0f ? dv[i] : dv[i] * (y[i] + elu_alpha);
      break;
    case NN_ACT_TANH:
      for (size_t i = 0; i < n; i++)
        dv[i] *= 1.0f - y[i] * y[i];
      break;
    case NN_ACT_SIGMOID:
      for (size_t i = 0; i < n; i++)
        dv[i] *= y[i] * (1.0f - y[i]);
      break;
    case NN_ACT_SOFTMAX:
      for (size_t r = 0; r + width <= n; r += width)
        {
          float dot = 0.0f;
          for (int j = 0; j < width; j++)
            dot += dv[r + j] * y[r + j];
          for (int j = 0; j < width; j++)
            dv[r + j] = y[r + j] * (dv[r + j] - dot);
        }
      break;
    }
}

/* ---- initialisers ---- */

void
nn_init_glorot_uniform (float *w, int fan_out, int fan_in, NnRng *rng)
{
  double limit = sqrt (6.0 / (double) (fan_in + fan_out));
  size_t n = (size_t) fan_out * fan_in;
  for (size_t i = 0; i < n; i++)
    w[i] = (float) nn_rng_uniform_range (rng, -limit, limit);
}

void
nn_init_orthogonal (float *w, int rows, int cols, NnRng *rng)
{
  /* Modified Gram-Schmidt on the longer side of a Gaussian matrix, in double. */
  gboolean by_rows = rows <= cols;
  int nvec = by_rows ? rows : cols;
  int len = by_rows ? cols : rows;
  double *q = g_new (double, (size_t) nvec * len);
  for (size_t i = 0; i < (size_t) nvec * len; i++)
    q[i] = nn_rng_normal (rng);
  for (int a = 0; a < nvec; a++)
    {
      double *qa = q + (size_t) a * len, norm = 0.0;
      for (int b = 0; b < a; b++)
        {
          double *qb = q + (size_t) b * len, dot = 0.0;
          for (int k = 0; k < len; k++)
            dot += qa[k] * qb[k];
          for (int k = 0; k < len; k++)
            qa[k] -= dot * qb[k];
        }
      for (int k = 0; k < len; k++)
        norm += qa[k] * qa[k];
      norm = sqrt (norm);
      for (int k = 0; k < len; k++)
        qa[k] = norm > 0.0 ? qa[k] / norm : 0.0;
    }
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      w[(size_t) r * cols + c] = (float) (by_rows ? q[(size_t) r * len + c] : q[(size_t) c * len + r]);
  g_free (q);
}
