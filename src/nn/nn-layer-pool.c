/* nn-layer-pool.c: max_pool1d and avg_pool1d over time, per channel.
 *
 * valid: T_out = floor ((T - pool) / stride) + 1 (layers_README §3a); a trailing
 *   step that no window reaches is not used.
 * same (Keras/TensorFlow): T_out = ceil (T / stride); max ((T_out - 1) stride +
 *   pool - T, 0) steps of padding in total, the odd one on the right; windows
 *   only use real steps, so the average divides by how many a window holds.
 *
 * Each row's output length and windows follow the same rule applied to its own
 * valid length, so windows never read padded steps and a row's result does not
 * depend on how much padding the batch has. */
/* Element-wise loops must vectorise: allow it at -O2 (dynamic cost model) and let
 * conditionals become selects (no FP traps are ever enabled), as nn-layer-gru.c does. */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "config.h"

#include "nn-layer.h"

#include <glib/gi18n-lib.h>

#include "nn-layer-ff.h"

static int
pool_stride (const NnLayer *layer)
{
  return layer->cfg.stride > 0 ? layer->cfg.stride : layer->cfg.pool_size;
}

/* Output steps for `steps` valid input steps (0 when no window fits). */
static int
pool_out_steps (const NnLayer *layer, int steps)
{
  int p = layer->cfg.pool_size, s = pool_stride (layer);
  if (steps <= 0)
    return 0;
  if (layer->cfg.padding == NN_PADDING_SAME)
    return (steps - 1) / s + 1;
  return steps >= p ? (steps - p) / s + 1 : 0;
}

/* Steps [*lo, *hi) of output step t of a row with `len` valid steps. */
static void
pool_window (const NnLayer *layer, int len, int t, int *lo, int *hi)
{
  int p = layer->cfg.pool_size, s = pool_stride (layer);
  int start = t * s;

  if (layer->cfg.padding == NN_PADDING_SAME)
    {
      int total = MAX ((pool_out_steps (layer, len) - 1) * s + p - len, 0);
      start -= total / 2;
    }
  *lo = MAX (start, 0);
  *hi = MIN (start + p, len);
}

static gboolean
pool_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  const NnLayerConfig *cfg = &layer->cfg;

  if (!in->seq)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Pooling over time needs a sequence input, but this input is a vector; move it "
                     "before Flatten, global pooling or the last recurrent layer."));
      return FALSE;
    }
  if (cfg->pool_size < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The pool size must be at least 1 step (it is %d)."), cfg->pool_size);
      return FALSE;
    }
  if (cfg->stride < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The pooling stride must be 1 or more, or 0 to use the pool size (it is %d)."),
                   cfg->stride);
      return FALSE;
    }
  if (cfg->padding != NN_PADDING_VALID && cfg->padding != NN_PADDING_SAME)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Pooling padding must be “valid” or “same”."));
      return FALSE;
    }
  if (cfg->pool_size > NN_LAYER_MAX_SIZE || cfg->stride > NN_LAYER_MAX_SIZE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The pool size or stride is far too large (%d, %d); use smaller values."),
                   cfg->pool_size, cfg->stride);
      return FALSE;
    }
  if (cfg->padding == NN_PADDING_VALID && cfg->pool_size > in->steps)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The pool of %d steps is longer than the sequence of %d steps; use a smaller "
                     "pool size, fewer pooling layers before this one or padding “same”."),
                   cfg->pool_size, in->steps);
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
  int c = x->features;
  int *arg = pass->work;

  pool_finish_output (layer, x, y);
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < y->lengths[b]; t++)
      {
        size_t o = ((size_t) b * y->steps + t) * c;
        const float *xb = x->data + (size_t) b * x->steps * c;
        float *out = y->data + o;
        int *argo = arg + o;
        int lo, hi;

        pool_window (layer, x->lengths[b], t, &lo, &hi);
        memcpy (out, xb + (size_t) lo * c, c * sizeof (float));
        for (int j = 0; j < c; j++)
          argo[j] = lo;
        for (int k = lo + 1; k < hi; k++)
          nn_max_update (out, argo, xb + (size_t) k * c, k, c);
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
  int c = x->features;

  pool_finish_output (layer, x, y);
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < y->lengths[b]; t++)
      {
        const float *xb = x->data + (size_t) b * x->steps * c;
        float *out = y->data + ((size_t) b * y->steps + t) * c;
        int lo, hi;
        float inv;

        pool_window (layer, x->lengths[b], t, &lo, &hi);
        inv = 1.0f / (float) (hi - lo);
        memcpy (out, xb + (size_t) lo * c, c * sizeof (float));
        for (int k = lo + 1; k < hi; k++)
          for (int j = 0; j < c; j++)
            out[j] += xb[(size_t) k * c + j];
        for (int j = 0; j < c; j++)
          out[j] *= inv;
      }
}

static void
avg_pool_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                   float *dy, float *dx)
{
  int c = x->features;

  if (dx == NULL)
    return;
  memset (dx, 0, (size_t) x->batch * x->steps * c * sizeof (float));
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < y->lengths[b]; t++)
      {
        const float *g = dy + ((size_t) b * y->steps + t) * c;
        float *dxb = dx + (size_t) b * x->steps * c;
        int lo, hi;
        float inv;

        pool_window (layer, x->lengths[b], t, &lo, &hi);
        inv = 1.0f / (float) (hi - lo);
        for (int k = lo; k < hi; k++)
          for (int j = 0; j < c; j++)
            dxb[(size_t) k * c + j] += g[j] * inv;
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
