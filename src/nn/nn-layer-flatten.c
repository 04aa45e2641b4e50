/* nn-layer-flatten.c: sequence (T, C) -> vector of T*C values; padded steps
 * contribute zeros, so the result does not depend on what padding held.
 * A vector passes through unchanged. */
#include "config.h"

#include "nn-layer.h"

#include <glib/gi18n-lib.h>

#include "nn-layer-ff.h"

static gboolean
flatten_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  /* in 64 bits: steps × features of a hand-edited file can pass G_MAXINT */
  gint64 total = in->seq ? (gint64) in->steps * in->features : in->features;

  if (total < 1 || total > NN_LAYER_MAX_SIZE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Flatten needs an input of 1 to %d values per sample, but %d steps × %d "
                     "features make %lld; shorten the sequences or pool them first."),
                   NN_LAYER_MAX_SIZE, in->seq ? in->steps : 1, in->features, (long long) total);
      return FALSE;
    }
  layer->out = (NnShape) { .seq = FALSE, .steps = 0, .features = (int) total };
  return TRUE;
}

/* A row of y holds out.features values; a batch padded to fewer steps than the
 * layer was built for fills the rest with zeros, like padded steps. */
static void
flatten_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  size_t x_row = (size_t) nn_act_steps (x) * x->features, y_row = y->features;

  for (int b = 0; b < x->batch; b++)
    {
      size_t valid = MIN ((size_t) nn_act_row_length (x, b) * x->features, y_row);
      float *dst = y->data + (size_t) b * y_row;
      memcpy (dst, x->data + (size_t) b * x_row, valid * sizeof (float));
      memset (dst + valid, 0, (y_row - valid) * sizeof (float));
    }
}

static void
flatten_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                  float *dy, float *dx)
{
  size_t x_row = (size_t) nn_act_steps (x) * x->features, y_row = y->features;

  if (dx == NULL)
    return;
  for (int b = 0; b < x->batch; b++)
    {
      size_t valid = MIN ((size_t) nn_act_row_length (x, b) * x->features, y_row);
      float *dst = dx + (size_t) b * x_row;
      memcpy (dst, dy + (size_t) b * y_row, valid * sizeof (float));
      memset (dst + valid, 0, (x_row - valid) * sizeof (float));
    }
}

const NnLayerOps nn_flatten_ops = {
  .kind = NN_LAYER_FLATTEN,
  .name = "flatten",
  .setup = flatten_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = nn_layer_no_workspace,
  .forward = flatten_forward,
  .backward = flatten_backward,
  .flops = nn_layer_no_flops,
};
