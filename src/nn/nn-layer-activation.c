/* nn-layer-activation.c: placeholder until the layer is written; setup refuses the layer. */
#include "nn-layer.h"

static gboolean
placeholder_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER, "layer kind “%s” is not available yet", "activation");
  return FALSE;
}

const NnLayerOps nn_activation_ops = {
  .kind = NN_LAYER_ACTIVATION,
  .name = "activation",
  .setup = placeholder_setup,
};
