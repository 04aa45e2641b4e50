/* nn-layer-dropout.c: inverted dropout (layers_README §5).  In training each
 * element is kept with probability 1 - rate and scaled by 1 / (1 - rate); the
 * mask comes from pass->rng and stays in the workspace for backward.  In
 * inference the layer is the identity. */
/* Element-wise loops must vectorise: allow it at -O2 (dynamic cost model) and let
 * conditionals become selects (no FP traps are ever enabled), as nn-layer-gru.c does. */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "config.h"

#include "nn-layer.h"

#include <glib/gi18n-lib.h>

#include "nn-layer-ff.h"

static gboolean
dropout_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  float rate = layer->cfg.rate;

  if (!(rate >= 0.0f && rate < 1.0f))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The dropout rate must be at least 0 and below 1 (it is %g); it is the "
                     "fraction of values dropped, e.g. 0.2."), rate);
      return FALSE;
    }
  layer->out = *in;
  return TRUE;
}

static size_t
dropout_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  size_t steps = layer->in.seq ? (size_t) MAX (max_steps, 1) : 1;
  return nn_align64 ((size_t) max_batch * steps * layer->in.features * sizeof (float));
}

static gboolean
dropout_active (const NnLayer *layer, const NnPass *pass)
{
  /* without an rng there is no mask: behave as in inference rather than crash */
  return pass->training && layer->cfg.rate > 0.0f && pass->rng != NULL;
}

/* mask[i] = 0 or 1 / (1 - rate); two 32-bit draws per rng call. */
static void
draw_mask (float *mask, size_t n, float rate, NnRng *rng)
{
  guint64 threshold = (guint64) ((double) rate * 4294967296.0);
  float scale = 1.0f / (1.0f - rate);
  size_t i = 0;

  /* bit selects, not branches: keep or drop is a coin flip the CPU cannot predict */
  for (; i + 1 < n; i += 2)
    {
      guint64 r = nn_rng_next (rng);
      mask[i] = nn_select_bits (-(guint32) ((r & 0xffffffffu) >= threshold), scale, 0.0f);
      mask[i + 1] = nn_select_bits (-(guint32) ((r >> 32) >= threshold), scale, 0.0f);
    }
  if (i < n)
    mask[i] = nn_select_bits (-(guint32) ((nn_rng_next (rng) >> 32) >= threshold), scale, 0.0f);
}

/* dst = src * mask (or a copy without mask) on valid steps, 0 on padded ones. */
static void
apply_mask (float *dst, const float *src, const float *mask, const NnAct *x)
{
  size_t per_row = (size_t) nn_act_steps (x) * x->features;

  for (int b = 0; b < x->batch; b++)
    {
      size_t off = (size_t) b * per_row;
      size_t valid = (size_t) nn_act_row_length (x, b) * x->features;
      if (mask != NULL)
        for (size_t i = off; i < off + valid; i++)
          dst[i] = src[i] * mask[i];
      else
        memcpy (dst + off, src + off, valid * sizeof (float));
      memset (dst + off + valid, 0, (per_row - valid) * sizeof (float));
    }
}

static void
dropout_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  float *mask = NULL;

  if (dropout_active (layer, pass))
    {
      mask = pass->work;
      draw_mask (mask, (size_t) x->batch * nn_act_steps (x) * x->features, layer->cfg.rate, pass->rng);
    }
  apply_mask (y->data, x->data, mask, x);
  if (x->lengths != NULL)
    memcpy (y->lengths, x->lengths, x->batch * sizeof (int));
}

static void
dropout_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                  float *dy, float *dx)
{
  if (dx == NULL)
    return;
  apply_mask (dx, dy, dropout_active (layer, pass) ? pass->work : NULL, x);
}

static double
dropout_flops (const NnLayer *layer)
{
  return (double) (layer->in.seq ? layer->in.steps : 1) * layer->in.features;
}

const NnLayerOps nn_dropout_ops = {
  .kind = NN_LAYER_DROPOUT,
  .name = "dropout",
  .setup = dropout_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = dropout_workspace_size,
  .forward = dropout_forward,
  .backward = dropout_backward,
  .flops = dropout_flops,
};
