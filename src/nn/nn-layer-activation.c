/* nn-layer-activation.c: an activation function on its own, on any shape
 * (softmax over the last axis). */
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
activation_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  if (!nn_activation_is_valid (layer->cfg.activation))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The activation layer has an unknown function; choose linear, relu, leaky_relu, "
                     "elu, tanh, sigmoid or softmax."));
      return FALSE;
    }
  if (in->features < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("An activation layer needs an input with at least one feature."));
      return FALSE;
    }
  layer->out = *in;
  return TRUE;
}

/* Copies the valid steps of each row and zeroes the padded ones. */
static void
copy_valid (float *dst, const float *src, const int *lengths, int batch, int steps, int features)
{
  if (lengths == NULL)
    {
      memcpy (dst, src, (size_t) batch * features * sizeof (float));
      return;
    }
  for (int b = 0; b < batch; b++)
    {
      size_t off = (size_t) b * steps * features;
      memcpy (dst + off, src + off, (size_t) lengths[b] * features * sizeof (float));
    }
  nn_act_zero_padding (dst, lengths, batch, steps, features);
}

static void
activation_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int steps = nn_act_steps (x);

  copy_valid (y->data, x->data, x->lengths, x->batch, steps, x->features);
  nn_act_apply_valid (cfg->activation, y->data, x->lengths, x->batch, steps, x->features,
                      cfg->negative_slope, cfg->elu_alpha);
  if (x->lengths != NULL)
    memcpy (y->lengths, x->lengths, x->batch * sizeof (int));
}

static void
activation_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                     float *dy, float *dx)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int steps = nn_act_steps (x);

  if (dx == NULL)
    return;
  copy_valid (dx, dy, x->lengths, x->batch, steps, x->features);
  nn_act_backward_valid (cfg->activation, y->data, dx, x->lengths, x->batch, steps, x->features,
                         cfg->negative_slope, cfg->elu_alpha);
}

static double
activation_flops (const NnLayer *layer)
{
  return (double) (layer->in.seq ? layer->in.steps : 1) * layer->in.features;
}

const NnLayerOps nn_activation_ops = {
  .kind = NN_LAYER_ACTIVATION,
  .name = "activation",
  .setup = activation_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = nn_layer_no_workspace,
  .forward = activation_forward,
  .backward = activation_backward,
  .flops = activation_flops,
};
