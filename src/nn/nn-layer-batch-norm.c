/* nn-layer-batch-norm.c: placeholder until the layer is written; setup refuses the layer. */
#include "nn-layer.h"

static gboolean
placeholder_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER, "layer kind “%s” is not available yet", "batch_norm");
  return FALSE;
}

const NnLayerOps nn_batch_norm_ops = {
  .kind = NN_LAYER_BATCH_NORM,
  .name = "batch_norm",
  .setup = placeholder_setup,
};
