/* nn-layer-concat.c: concat_metadata joins the per-object metadata vector
 * (B, S) to a vector activation (B, C), giving (B, C + S): the "mixed input"
 * point where the sequence branch meets the metadata branch. */
#include "config.h"

#include "nn-layer.h"

#include <glib/gi18n-lib.h>

#include "nn-layer-ff.h"

static gboolean
concat_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  if (in->seq)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Can only join metadata after a layer that produces a vector (Flatten, global "
                     "pooling or a recurrent layer without return sequences); this input is a sequence "
                     "of %d steps."), in->steps);
      return FALSE;
    }
  if (meta_features <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Cannot join metadata: the data have no metadata features. Remove this layer or "
                     "load data with per-object metadata."));
      return FALSE;
    }
  layer->out = (NnShape) { .seq = FALSE, .steps = 0, .features = in->features + meta_features };
  return TRUE;
}

static int
meta_width (const NnLayer *layer)
{
  return layer->out.features - layer->in.features;
}

static void
concat_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  int c = x->features, s = meta_width (layer), width = c + s;

  for (int b = 0; b < x->batch; b++)
    {
      float *row = y->data + (size_t) b * width;
      memcpy (row, x->data + (size_t) b * c, c * sizeof (float));
      /* a pass without metadata is a caller bug; zeros keep the output defined */
      if (pass->meta != NULL)
        memcpy (row + c, pass->meta->data + (size_t) b * s, s * sizeof (float));
      else
        memset (row + c, 0, s * sizeof (float));
    }
}

static void
concat_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
                 float *dy, float *dx)
{
  int c = x->features, s = meta_width (layer), width = c + s;

  for (int b = 0; b < x->batch; b++)
    {
      const float *row = dy + (size_t) b * width;
      if (dx != NULL)
        memcpy (dx + (size_t) b * c, row, c * sizeof (float));
      if (pass->dmeta != NULL)
        memcpy (pass->dmeta + (size_t) b * s, row + c, s * sizeof (float));
    }
}

const NnLayerOps nn_concat_metadata_ops = {
  .kind = NN_LAYER_CONCAT_METADATA,
  .name = "concat_metadata",
  .setup = concat_setup,
  .init = nn_layer_init_nothing,
  .workspace_size = nn_layer_no_workspace,
  .forward = concat_forward,
  .backward = concat_backward,
  .flops = nn_layer_no_flops,
};
