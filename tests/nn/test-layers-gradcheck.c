/* test-layers-gradcheck.c: finite-difference gradient checks of every
 * feed-forward layer kind and its main variants, on variable-length batches. */
#include <glib.h>

#include "layer-harness.h"

#define H 1e-3
#define TOL 5e-3

/* Lengths of the sequence cases: full, a single step, partial and empty rows. */
static const int lengths4[] = { 6, 1, 4, 0 };
static const int lengths4_nonempty[] = { 6, 1, 4, 3 };
static const int lengths4_full[] = { 6, 6, 6, 6 };

typedef struct
{
  const char *path;
  NnLayerKind kind;
  void (*configure) (NnLayerConfig *cfg);
  NnShape in;
  int meta_features;
  const int *lengths;
  gboolean training;
} Case;

static void no_change (NnLayerConfig *cfg) { }
static void units4 (NnLayerConfig *cfg) { cfg->units = 4; }
static void units4_relu (NnLayerConfig *cfg) { cfg->units = 4; cfg->activation = NN_ACT_RELU; }
static void units4_leaky (NnLayerConfig *cfg) { cfg->units = 4; cfg->activation = NN_ACT_LEAKY_RELU; cfg->negative_slope = 0.2f; }
static void units4_elu (NnLayerConfig *cfg) { cfg->units = 4; cfg->activation = NN_ACT_ELU; }
static void units4_tanh (NnLayerConfig *cfg) { cfg->units = 4; cfg->activation = NN_ACT_TANH; }
static void units4_sigmoid (NnLayerConfig *cfg) { cfg->units = 4; cfg->activation = NN_ACT_SIGMOID; }
static void units4_softmax (NnLayerConfig *cfg) { cfg->units = 4; cfg->activation = NN_ACT_SOFTMAX; }
static void units4_nobias (NnLayerConfig *cfg) { cfg->units = 4; cfg->use_bias = FALSE; }
static void act_softmax (NnLayerConfig *cfg) { cfg->activation = NN_ACT_SOFTMAX; }
static void act_tanh (NnLayerConfig *cfg) { cfg->activation = NN_ACT_TANH; }
static void act_elu (NnLayerConfig *cfg) { cfg->activation = NN_ACT_ELU; }
static void conv_valid (NnLayerConfig *cfg) { cfg->units = 3; cfg->kernel_size = 3; }
static void conv_same (NnLayerConfig *cfg) { cfg->units = 3; cfg->kernel_size = 3; cfg->padding = NN_PADDING_SAME; cfg->activation = NN_ACT_TANH; }
static void conv_same_even (NnLayerConfig *cfg) { cfg->units = 2; cfg->kernel_size = 2; cfg->padding = NN_PADDING_SAME; }
static void conv_stride2 (NnLayerConfig *cfg) { cfg->units = 3; cfg->kernel_size = 2; cfg->stride = 2; }
static void conv_dilation2 (NnLayerConfig *cfg) { cfg->units = 3; cfg->kernel_size = 2; cfg->dilation = 2; cfg->activation = NN_ACT_SIGMOID; }
static void conv_nobias (NnLayerConfig *cfg) { cfg->units = 2; cfg->kernel_size = 1; cfg->use_bias = FALSE; }
static void pool2 (NnLayerConfig *cfg) { cfg->pool_size = 2; cfg->stride = 0; }
static void pool3_s1 (NnLayerConfig *cfg) { cfg->pool_size = 3; cfg->stride = 1; }
static void dropout30 (NnLayerConfig *cfg) { cfg->rate = 0.3f; }

#define SEQ(t, c) { .seq = TRUE, .steps = (t), .features = (c) }
#define VEC(c) { .seq = FALSE, .steps = 0, .features = (c) }

static const Case cases[] = {
  { "/layers/gradcheck/dense/vector", NN_LAYER_DENSE, units4, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-relu", NN_LAYER_DENSE, units4_relu, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-leaky-relu", NN_LAYER_DENSE, units4_leaky, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-elu", NN_LAYER_DENSE, units4_elu, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-tanh", NN_LAYER_DENSE, units4_tanh, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-sigmoid", NN_LAYER_DENSE, units4_sigmoid, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-softmax", NN_LAYER_DENSE, units4_softmax, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-no-bias", NN_LAYER_DENSE, units4_nobias, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/sequence", NN_LAYER_DENSE, units4, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/dense/sequence-full", NN_LAYER_DENSE, units4_tanh, SEQ (6, 3), 0, lengths4_full, TRUE },
  { "/layers/gradcheck/dense/sequence-softmax", NN_LAYER_DENSE, units4_softmax, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/activation/vector-softmax", NN_LAYER_ACTIVATION, act_softmax, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/activation/sequence-tanh", NN_LAYER_ACTIVATION, act_tanh, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/activation/sequence-softmax", NN_LAYER_ACTIVATION, act_softmax, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/activation/sequence-elu", NN_LAYER_ACTIVATION, act_elu, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/valid", NN_LAYER_CONV1D, conv_valid, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/same", NN_LAYER_CONV1D, conv_same, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/same-even-kernel", NN_LAYER_CONV1D, conv_same_even, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/stride2", NN_LAYER_CONV1D, conv_stride2, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/dilation2", NN_LAYER_CONV1D, conv_dilation2, SEQ (6, 2), 0, lengths4_nonempty, TRUE },
  { "/layers/gradcheck/conv1d/valid-full", NN_LAYER_CONV1D, conv_valid, SEQ (6, 2), 0, lengths4_full, TRUE },
  { "/layers/gradcheck/conv1d/no-bias", NN_LAYER_CONV1D, conv_nobias, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/max-pool1d/pool2", NN_LAYER_MAX_POOL1D, pool2, SEQ (6, 2), 0, lengths4_nonempty, TRUE },
  { "/layers/gradcheck/max-pool1d/pool3-stride1", NN_LAYER_MAX_POOL1D, pool3_s1, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/avg-pool1d/pool2", NN_LAYER_AVG_POOL1D, pool2, SEQ (6, 2), 0, lengths4_nonempty, TRUE },
  { "/layers/gradcheck/avg-pool1d/pool3-stride1", NN_LAYER_AVG_POOL1D, pool3_s1, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/global-max-pool", NN_LAYER_GLOBAL_MAX_POOL, no_change, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/global-avg-pool", NN_LAYER_GLOBAL_AVG_POOL, no_change, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/flatten/sequence", NN_LAYER_FLATTEN, no_change, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/flatten/vector", NN_LAYER_FLATTEN, no_change, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dropout/training-vector", NN_LAYER_DROPOUT, dropout30, VEC (7), 0, NULL, TRUE },
  { "/layers/gradcheck/dropout/training-sequence", NN_LAYER_DROPOUT, dropout30, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/dropout/inference", NN_LAYER_DROPOUT, dropout30, SEQ (6, 3), 0, lengths4, FALSE },
  { "/layers/gradcheck/batch-norm/training-vector", NN_LAYER_BATCH_NORM, no_change, VEC (3), 0, NULL, TRUE },
  { "/layers/gradcheck/batch-norm/inference-vector", NN_LAYER_BATCH_NORM, no_change, VEC (3), 0, NULL, FALSE },
  { "/layers/gradcheck/batch-norm/training-sequence", NN_LAYER_BATCH_NORM, no_change, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/batch-norm/inference-sequence", NN_LAYER_BATCH_NORM, no_change, SEQ (6, 3), 0, lengths4, FALSE },
  { "/layers/gradcheck/concat-metadata", NN_LAYER_CONCAT_METADATA, no_change, VEC (4), 3, NULL, TRUE },
};

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  NnLayerConfig cfg;

  nn_layer_config_default (&cfg);
  c->configure (&cfg);
  lh_gradcheck (c->kind, &cfg, &c->in, c->meta_features, 4, c->lengths, c->training, H, TOL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], run_case);
  return g_test_run ();
}
