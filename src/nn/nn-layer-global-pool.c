/* nn-layer-global-pool.c: global max / average over the valid steps of each
 * sequence, (B, T, C) -> (B, C).  A row with no valid steps gives 0. */
/* Element-wise loops must vectorise: allow it at -O2 (dynamic cost model) and let
 * conditionals become selects (no FP traps are ever enabled), as nn-layer-gru.c does. */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "config.h"

#include "nn-layer.h"

#include <float.h>
#include <glib/gi18n-lib.h>

#include "nn-layer-ff.h"

static gboolean
global_pool_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  if (!in->seq)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Global pooling summarises a sequence over time, but its input is already a "
                     "vector; remove it or move it before Flatten or the last recurrent layer "
                     "without return sequences."));
      return FALSE;
    }
  if (in->features < 1 || in->steps < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Global pooling needs a sequence with at least one step and one feature."));
      return FALSE;
    }
  layer->out = (NnShape) { .seq = FALSE, .steps = 0, .features = in->features };
  return TRUE;
}

static double
global_pool_flops (const NnLayer *layer)
{
  return (double) layer->in.steps * layer->in.features;
}

/* ---- max ---- */

static size_t
global_max_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  /* the arg-max step of every (row, channel), for backward */
  return nn_align64 ((size_t) max_batch * layer->in.features * sizeof (int));
}

static void
global_max_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  int c = x->features;
  int *arg = pass->work;

  for (int b = 0; b < x->batch; b++)
    {
      const float *rows = x->data + (size_t) b * x->steps * c;
      float *out = y->data + (size_t) b * c;
      int *argb = arg + (size_t) b * c;
      int len = x->lengths[b];

      if (len <= 0)
        {
          memset (out, 0, c * sizeof (float));
          for (int j = 0; j < c; j++)
            argb[j] = -1;
          continue;
        }
      memcpy (out, rows, c * sizeof (float));
      memset (argb, 0, c * sizeof (int));
      /* a running maximum over many steps rarely changes, so this branch
       * predicts well (unlike a short pooling window: see nn_max_update) */
      for (int t = 1; t < len; t++)
        {
          const float *row = rows + (size_t) t * c;
          for (int j = 0; j < c; j++)
            if (row[j] > out[j])
              {
                out[j] = row[j];
                argb[j] = t;
              }
        }
    }
}

static void
global_max_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                     float *dy, float *dx)
{
  int c = x->features;
  const int *arg = pass->work;

  if (dx == NULL)
    return;
  memset (dx, 0, (size_t) x->batch * x->steps * c * sizeof (float));
  for (int b = 0; b < x->batch; b++)
    for (int j = 0; j < c; j++)
      {
        int t = arg[(size_t) b * c + j];
        if (t >= 0)
          dx[((size_t) b * x->steps + t) * c + j] = dy[(size_t) b * c + j];
      }
}

const NnLayerOps nn_global_max_pool_ops = {
  .kind = NN_LAYER_GLOBAL_MAX_POOL,
  .name = "global_max_pool",
  .setup = global_pool_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = global_max_workspace_size,
  .forward = global_max_forward,
  .backward = global_max_backward,
  .flops = global_pool_flops,
};

/* ---- average ---- */

static void
global_avg_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  int c = x->features;

  for (int b = 0; b < x->batch; b++)
    {
      const float *rows = x->data + (size_t) b * x->steps * c;
      float *out = y->data + (size_t) b * c;
      int len = x->lengths[b];

      memset (out, 0, c * sizeof (float));
      if (len <= 0)
        continue;
      for (int t = 0; t < len; t++)
        for (int j = 0; j < c; j++)
          out[j] += rows[(size_t) t * c + j];
      for (int j = 0; j < c; j++)
        out[j] /= (float) len;
    }
}

static void
global_avg_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                     float *dy, float *dx)
{
  int c = x->features;

  if (dx == NULL)
    return;
  for (int b = 0; b < x->batch; b++)
    {
      float *rows = dx + (size_t) b * x->steps * c;
      const float *g = dy + (size_t) b * c;
      int len = MAX (x->lengths[b], 0);
      float inv = len > 0 ? 1.0f / (float) len : 0.0f;

      for (int t = 0; t < len; t++)
        for (int j = 0; j < c; j++)
          rows[(size_t) t * c + j] = g[j] * inv;
      memset (rows + (size_t) len * c, 0, (size_t) (x->steps - len) * c * sizeof (float));
    }
}

const NnLayerOps nn_global_avg_pool_ops = {
  .kind = NN_LAYER_GLOBAL_AVG_POOL,
  .name = "global_avg_pool",
  .setup = global_pool_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = nn_layer_no_workspace,
  .forward = global_avg_forward,
  .backward = global_avg_backward,
  .flops = global_pool_flops,
};
