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

/* Settings that differ from nn_layer_config_default; 0 keeps the default. */
typedef struct
{
  int units;
  NnActivation activation;
  int kernel_size;
  int stride;
  int dilation;
  gboolean same;
  int pool_size;
  float rate;
  gboolean no_bias;
} Settings;

typedef struct
{
  const char *path;
  NnLayerKind kind;
  Settings settings;
  NnShape in;
  int meta_features;
  const int *lengths;
  gboolean training;
} Case;

#define SEQ(t, c) { .seq = TRUE, .steps = (t), .features = (c) }
#define VEC(c) { .seq = FALSE, .steps = 0, .features = (c) }
#define U4(act) { .units = 4, .activation = (act) }
#define ACT(act) { .activation = (act) }
#define NONE { 0 }

static const Case cases[] = {
  { "/layers/gradcheck/dense/vector", NN_LAYER_DENSE, U4 (NN_ACT_LINEAR), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-relu", NN_LAYER_DENSE, U4 (NN_ACT_RELU), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-leaky-relu", NN_LAYER_DENSE, U4 (NN_ACT_LEAKY_RELU), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-elu", NN_LAYER_DENSE, U4 (NN_ACT_ELU), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-tanh", NN_LAYER_DENSE, U4 (NN_ACT_TANH), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-sigmoid", NN_LAYER_DENSE, U4 (NN_ACT_SIGMOID), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-softmax", NN_LAYER_DENSE, U4 (NN_ACT_SOFTMAX), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/vector-no-bias", NN_LAYER_DENSE, { .units = 4, .no_bias = TRUE }, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dense/sequence", NN_LAYER_DENSE, U4 (NN_ACT_LINEAR), SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/dense/sequence-full", NN_LAYER_DENSE, U4 (NN_ACT_TANH), SEQ (6, 3), 0, lengths4_full, TRUE },
  { "/layers/gradcheck/dense/sequence-softmax", NN_LAYER_DENSE, U4 (NN_ACT_SOFTMAX), SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/activation/vector-softmax", NN_LAYER_ACTIVATION, ACT (NN_ACT_SOFTMAX), VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/activation/sequence-tanh", NN_LAYER_ACTIVATION, ACT (NN_ACT_TANH), SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/activation/sequence-softmax", NN_LAYER_ACTIVATION, ACT (NN_ACT_SOFTMAX), SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/activation/sequence-elu", NN_LAYER_ACTIVATION, ACT (NN_ACT_ELU), SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/valid", NN_LAYER_CONV1D, { .units = 3, .kernel_size = 3 }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/valid-full", NN_LAYER_CONV1D, { .units = 3, .kernel_size = 3 }, SEQ (6, 2), 0, lengths4_full, TRUE },
  { "/layers/gradcheck/conv1d/same", NN_LAYER_CONV1D, { .units = 3, .kernel_size = 3, .same = TRUE, .activation = NN_ACT_TANH }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/same-even-kernel", NN_LAYER_CONV1D, { .units = 2, .kernel_size = 2, .same = TRUE }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/stride2", NN_LAYER_CONV1D, { .units = 3, .kernel_size = 2, .stride = 2 }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/conv1d/dilation2", NN_LAYER_CONV1D, { .units = 3, .kernel_size = 2, .dilation = 2, .activation = NN_ACT_SIGMOID }, SEQ (6, 2), 0, lengths4_nonempty, TRUE },
  { "/layers/gradcheck/conv1d/no-bias", NN_LAYER_CONV1D, { .units = 2, .kernel_size = 1, .no_bias = TRUE }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/max-pool1d/pool2", NN_LAYER_MAX_POOL1D, { .pool_size = 2, .stride = 2 }, SEQ (6, 2), 0, lengths4_nonempty, TRUE },
  { "/layers/gradcheck/max-pool1d/pool3-stride1", NN_LAYER_MAX_POOL1D, { .pool_size = 3, .stride = 1 }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/avg-pool1d/pool2", NN_LAYER_AVG_POOL1D, { .pool_size = 2, .stride = 2 }, SEQ (6, 2), 0, lengths4_nonempty, TRUE },
  { "/layers/gradcheck/avg-pool1d/pool3-stride1", NN_LAYER_AVG_POOL1D, { .pool_size = 3, .stride = 1 }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/max-pool1d/same-pool3-stride2", NN_LAYER_MAX_POOL1D, { .pool_size = 3, .stride = 2, .same = TRUE }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/avg-pool1d/same-pool3-stride2", NN_LAYER_AVG_POOL1D, { .pool_size = 3, .stride = 2, .same = TRUE }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/avg-pool1d/same-pool2-stride1", NN_LAYER_AVG_POOL1D, { .pool_size = 2, .stride = 1, .same = TRUE }, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/global-max-pool", NN_LAYER_GLOBAL_MAX_POOL, NONE, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/global-avg-pool", NN_LAYER_GLOBAL_AVG_POOL, NONE, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/flatten/sequence", NN_LAYER_FLATTEN, NONE, SEQ (6, 2), 0, lengths4, TRUE },
  { "/layers/gradcheck/flatten/vector", NN_LAYER_FLATTEN, NONE, VEC (5), 0, NULL, TRUE },
  { "/layers/gradcheck/dropout/training-vector", NN_LAYER_DROPOUT, { .rate = 0.3f }, VEC (7), 0, NULL, TRUE },
  { "/layers/gradcheck/dropout/training-sequence", NN_LAYER_DROPOUT, { .rate = 0.3f }, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/dropout/inference", NN_LAYER_DROPOUT, { .rate = 0.3f }, SEQ (6, 3), 0, lengths4, FALSE },
  { "/layers/gradcheck/batch-norm/training-vector", NN_LAYER_BATCH_NORM, NONE, VEC (3), 0, NULL, TRUE },
  { "/layers/gradcheck/batch-norm/inference-vector", NN_LAYER_BATCH_NORM, NONE, VEC (3), 0, NULL, FALSE },
  { "/layers/gradcheck/batch-norm/training-sequence", NN_LAYER_BATCH_NORM, NONE, SEQ (6, 3), 0, lengths4, TRUE },
  { "/layers/gradcheck/batch-norm/inference-sequence", NN_LAYER_BATCH_NORM, NONE, SEQ (6, 3), 0, lengths4, FALSE },
  { "/layers/gradcheck/concat-metadata", NN_LAYER_CONCAT_METADATA, NONE, VEC (4), 3, NULL, TRUE },
};

static void
apply_settings (const Settings *s, NnLayerConfig *cfg)
{
  nn_layer_config_default (cfg);
  if (s->units > 0)
    cfg->units = s->units;
  cfg->activation = s->activation;
  if (s->kernel_size > 0)
    cfg->kernel_size = s->kernel_size;
  if (s->stride > 0)
    cfg->stride = s->stride;
  if (s->dilation > 0)
    cfg->dilation = s->dilation;
  if (s->same)
    cfg->padding = NN_PADDING_SAME;
  if (s->pool_size > 0)
    cfg->pool_size = s->pool_size;
  if (s->rate > 0.0f)
    cfg->rate = s->rate;
  if (s->no_bias)
    cfg->use_bias = FALSE;
  /* a slope of 0.2 makes a wrong leaky-relu branch visible */
  cfg->negative_slope = 0.2f;
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  NnLayerConfig cfg;

  apply_settings (&c->settings, &cfg);
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
