/* nn-layer-concat.c: placeholder until the layer is written; setup refuses the layer. */
#include "nn-layer.h"

static gboolean
placeholder_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER, "layer kind “%s” is not available yet", "concat_metadata");
  return FALSE;
}

const NnLayerOps nn_concat_metadata_ops = {
  .kind = NN_LAYER_CONCAT_METADATA,
  .name = "concat_metadata",
  .setup = placeholder_setup,
};
