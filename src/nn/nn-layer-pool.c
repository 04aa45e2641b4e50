/* nn-layer-pool.c: placeholder until the layer is written; setup refuses the layer. */
#include "nn-layer.h"

static gboolean
placeholder_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER, "layer kind “%s” is not available yet", "max_pool1d");
  return FALSE;
}

const NnLayerOps nn_max_pool1d_ops = {
  .kind = NN_LAYER_MAX_POOL1D,
  .name = "max_pool1d",
  .setup = placeholder_setup,
};

const NnLayerOps nn_avg_pool1d_ops = {
  .kind = NN_LAYER_AVG_POOL1D,
  .name = "avg_pool1d",
  .setup = placeholder_setup,
};
