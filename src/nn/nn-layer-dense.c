/* nn-layer-dense.c: fully connected layer, y = act (x W^T + b), PyTorch layout
 * weight (units, in), bias (units).  On a sequence it applies to every valid step
 * (like Keras Dense on 3-D input); all valid rows of the batch go through one GEMM. */
/* Element-wise loops must vectorise: allow it at -O2 (dynamic cost model) and let
 * conditionals become selects (no FP traps are ever enabled), as nn-layer-gru.c does. */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "config.h"

#include "nn-layer.h"

#include <glib/gi18n-lib.h>

#include "nn-blas.h"
#include "nn-layer-ff.h"

static gboolean
dense_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int wshape[2] = { cfg->units, in->features };

  if (cfg->units < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("A dense layer needs at least one unit (it has %d); set units to 1 or more."),
                   cfg->units);
      return FALSE;
    }
  if (in->features < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("A dense layer needs an input with at least one feature."));
      return FALSE;
    }
  if ((double) cfg->units * in->features > NN_LAYER_MAX_SIZE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("A dense layer of %d units on %d inputs is far too large; use fewer units."),
                   cfg->units, in->features);
      return FALSE;
    }
  if (!nn_activation_is_valid (cfg->activation))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The dense layer has an unknown activation; choose linear, relu, leaky_relu, "
                     "elu, tanh, sigmoid or softmax."));
      return FALSE;
    }
  layer->out = (NnShape) { .seq = in->seq, .steps = in->seq ? in->steps : 0, .features = cfg->units };
  nn_layer_add_tensor (layer, "weight", 2, wshape);
  if (cfg->use_bias)
    nn_layer_add_tensor (layer, "bias", 1, &cfg->units);
  return TRUE;
}

static void
dense_init (const NnLayer *layer, float *params, float *state, NnRng *rng)
{
  nn_init_glorot_uniform (params, layer->cfg.units, layer->in.features, rng);
  if (layer->cfg.use_bias)
    memset (params + layer->tensors[1].offset, 0, layer->cfg.units * sizeof (float));
}

/* Padded steps are left out of the GEMMs: the valid rows are packed together
 * (x into the workspace, y and dy in place), so padding costs nothing and its
 * values, even NaN, never reach a result. */
static gboolean
dense_packs (const NnAct *x, size_t valid_rows)
{
  return x->lengths != NULL && valid_rows < (size_t) x->batch * x->steps;
}

static size_t
dense_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  if (!layer->in.seq)
    return 0;
  return nn_align64 ((size_t) max_batch * MAX (max_steps, layer->in.steps) * layer->in.features
                     * sizeof (float));
}

static void
dense_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int units = cfg->units, in = x->features;
  size_t rows = nn_valid_rows (x->lengths, x->batch);
  gboolean packed = dense_packs (x, rows);
  const float *xin = x->data;

  if (packed)
    {
      nn_rows_gather (pass->work, x->data, x->lengths, x->batch, x->steps, in);
      xin = pass->work;
    }
  if (cfg->use_bias)
    {
      const float *bias = pass->params + layer->tensors[1].offset;
      for (size_t r = 0; r < rows; r++)
        memcpy (y->data + r * units, bias, units * sizeof (float));
    }
  if (rows > 0)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) rows, units, in,
                 1.0f, xin, in, pass->params, in, cfg->use_bias ? 1.0f : 0.0f, y->data, units);
  nn_activation_forward (cfg->activation, y->data, rows * units, units,
                         cfg->negative_slope, cfg->elu_alpha);
  if (x->lengths == NULL)
    return;
  memcpy (y->lengths, x->lengths, x->batch * sizeof (int));
  if (packed)
    nn_rows_unpack (y->data, y->lengths, y->batch, y->steps, units);
}

static void
dense_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                float *dy, float *dx)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int units = cfg->units, in = x->features;
  size_t rows = nn_valid_rows (x->lengths, x->batch);
  gboolean packed = dense_packs (x, rows);
  const float *xin = packed ? pass->work : x->data;

  nn_act_backward_valid (cfg->activation, y->data, dy, x->lengths, x->batch, nn_act_steps (x), units,
                         cfg->negative_slope, cfg->elu_alpha);
  if (packed)
    nn_rows_pack (dy, x->lengths, x->batch, x->steps, units);
  if (rows == 0)
    {
      if (dx != NULL)
        memset (dx, 0, (size_t) x->batch * nn_act_steps (x) * in * sizeof (float));
      return;
    }
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, units, in, (int) rows,
               1.0f, dy, units, xin, in, 1.0f, pass->grads, in);
  if (cfg->use_bias)
    {
      float *dbias = pass->grads + layer->tensors[1].offset;
      for (size_t r = 0; r < rows; r++)
        {
          const float *row = dy + r * units;
          for (int o = 0; o < units; o++)
            dbias[o] += row[o];
        }
    }
  if (dx == NULL)
    return;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) rows, in, units,
               1.0f, dy, units, pass->params, in, 0.0f, dx, in);
  if (packed)
    nn_rows_unpack (dx, x->lengths, x->batch, x->steps, in);
}

static double
dense_flops (const NnLayer *layer)
{
  double steps = layer->in.seq ? layer->in.steps : 1;
  return steps * layer->in.features * layer->cfg.units;
}

const NnLayerOps nn_dense_ops = {
  .kind = NN_LAYER_DENSE,
  .name = "dense",
  .setup = dense_setup,
  .init = dense_init,
  .workspace_size = dense_workspace_size,
  .forward = dense_forward,
  .backward = dense_backward,
  .flops = dense_flops,
};
