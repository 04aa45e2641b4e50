/* nn-layer-pool.c: max_pool1d and avg_pool1d over time, per channel, with
 * valid padding: T_out = floor ((T - pool) / stride) + 1 (layers_README §3a).
 * Each row's output length is the same rule applied to its own valid length,
 * so windows never read padded steps and a row's result does not depend on how
 * much padding the batch has. */
#include "nn-layer.h"

#include "nn-layer-ff.h"

static int
pool_stride (const NnLayer *layer)
{
  return layer->cfg.stride > 0 ? layer->cfg.stride : layer->cfg.pool_size;
}

/* Output steps for `steps` valid input steps (0 when no whole window fits). */
static int
pool_out_steps (const NnLayer *layer, int steps)
{
  int p = layer->cfg.pool_size;
  return steps >= p ? (steps - p) / pool_stride (layer) + 1 : 0;
}

static gboolean
pool_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  const NnLayerConfig *cfg = &layer->cfg;

  if (!in->seq)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   "Pooling over time needs a sequence input, but this input is a vector; move it "
                   "before Flatten, global pooling or the last recurrent layer.");
      return FALSE;
    }
  if (cfg->pool_size < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   "The pool size must be at least 1 step (it is %d).", cfg->pool_size);
      return FALSE;
    }
  if (cfg->stride < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   "The pooling stride must be 1 or more, or 0 to use the pool size (it is %d).",
                   cfg->stride);
      return FALSE;
    }
  if (cfg->padding != NN_PADDING_VALID)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   "Pooling supports only padding “valid”; set the padding to valid.");
      return FALSE;
    }
  if (cfg->pool_size > in->steps)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   "The pool of %d steps is longer than the sequence of %d steps; use a smaller "
                   "pool size or fewer pooling layers before this one.", cfg->pool_size, in->steps);
      return FALSE;
    }
  layer->out = (NnShape) {
    .seq = TRUE,
    .steps = pool_out_steps (layer, in->steps),
    .features = in->features,
  };
  return TRUE;
}

static double
pool_flops (const NnLayer *layer)
{
  return (double) layer->out.steps * layer->out.features * layer->cfg.pool_size;
}

/* Writes the per-row output lengths and zeroes padded output steps. */
static void
pool_finish_output (const NnLayer *layer, const NnAct *x, NnAct *y)
{
  for (int b = 0; b < x->batch; b++)
    y->lengths[b] = MIN (pool_out_steps (layer, x->lengths[b]), y->steps);
  nn_act_zero_padding (y->data, y->lengths, y->batch, y->steps, y->features);
}

/* ---- max ---- */

static size_t
max_pool_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  /* the input step of every output's maximum, for backward */
  size_t out_steps = MAX (pool_out_steps (layer, max_steps), layer->out.steps);
  return nn_align64 ((size_t) max_batch * out_steps * layer->in.features * sizeof (int));
}

static void
max_pool_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  int c = x->features, p = layer->cfg.pool_size, s = pool_stride (layer);
  int *arg = pass->work;

  pool_finish_output (layer, x, y);
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < y->lengths[b]; t++)
      {
        size_t o = ((size_t) b * y->steps + t) * c;
        const float *first = x->data + ((size_t) b * x->steps + (size_t) t * s) * c;
        float *out = y->data + o;
        int *argo = arg + o;

        memcpy (out, first, c * sizeof (float));
        for (int j = 0; j < c; j++)
          argo[j] = t * s;
        for (int k = 1; k < p; k++)
          nn_max_update (out, argo, first + (size_t) k * c, t * s + k, c);
      }
}

static void
max_pool_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                   float *dy, float *dx)
{
  int c = x->features;
  const int *arg = pass->work;

  if (dx == NULL)
    return;
  memset (dx, 0, (size_t) x->batch * x->steps * c * sizeof (float));
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < y->lengths[b]; t++)
      {
        size_t o = ((size_t) b * y->steps + t) * c;
        float *dxb = dx + (size_t) b * x->steps * c;
        for (int j = 0; j < c; j++)
          dxb[(size_t) arg[o + j] * c + j] += dy[o + j];
      }
}

const NnLayerOps nn_max_pool1d_ops = {
  .kind = NN_LAYER_MAX_POOL1D,
  .name = "max_pool1d",
  .setup = pool_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = max_pool_workspace_size,
  .forward = max_pool_forward,
  .backward = max_pool_backward,
  .flops = pool_flops,
};

/* ---- average ---- */

static void
avg_pool_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  int c = x->features, p = layer->cfg.pool_size, s = pool_stride (layer);
  float inv = 1.0f / (float) p;

  pool_finish_output (layer, x, y);
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < y->lengths[b]; t++)
      {
        const float *first = x->data + ((size_t) b * x->steps + (size_t) t * s) * c;
        float *out = y->data + ((size_t) b * y->steps + t) * c;

        memcpy (out, first, c * sizeof (float));
        for (int k = 1; k < p; k++)
          for (int j = 0; j < c; j++)
            out[j] += first[(size_t) k * c + j];
        for (int j = 0; j < c; j++)
          out[j] *= inv;
      }
}

static void
avg_pool_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                   float *dy, float *dx)
{
  int c = x->features, p = layer->cfg.pool_size, s = pool_stride (layer);
  float inv = 1.0f / (float) p;

  if (dx == NULL)
    return;
  memset (dx, 0, (size_t) x->batch * x->steps * c * sizeof (float));
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < y->lengths[b]; t++)
      {
        const float *g = dy + ((size_t) b * y->steps + t) * c;
        float *first = dx + ((size_t) b * x->steps + (size_t) t * s) * c;
        for (int k = 0; k < p; k++)
          for (int j = 0; j < c; j++)
            first[(size_t) k * c + j] += g[j] * inv;
      }
}

const NnLayerOps nn_avg_pool1d_ops = {
  .kind = NN_LAYER_AVG_POOL1D,
  .name = "avg_pool1d",
  .setup = pool_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = nn_layer_no_workspace,
  .forward = avg_pool_forward,
  .backward = avg_pool_backward,
  .flops = pool_flops,
};
