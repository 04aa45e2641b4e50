/* nn-layer-global-pool.c: placeholder until the layer is written; setup refuses the layer. */
#include "nn-layer.h"

static gboolean
placeholder_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER, "layer kind “%s” is not available yet", "global_max_pool");
  return FALSE;
}

const NnLayerOps nn_global_max_pool_ops = {
  .kind = NN_LAYER_GLOBAL_MAX_POOL,
  .name = "global_max_pool",
  .setup = placeholder_setup,
};

const NnLayerOps nn_global_avg_pool_ops = {
  .kind = NN_LAYER_GLOBAL_AVG_POOL,
  .name = "global_avg_pool",
  .setup = placeholder_setup,
};
