/* nn-layer-dense.c: placeholder until the layer is written; setup refuses the layer. */
#include "nn-layer.h"

static gboolean
placeholder_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER, "layer kind “%s” is not available yet", "dense");
  return FALSE;
}

const NnLayerOps nn_dense_ops = {
  .kind = NN_LAYER_DENSE,
  .name = "dense",
  .setup = placeholder_setup,
};
