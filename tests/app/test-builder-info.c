/* test-builder-info.c: what the builder knows about a spec comes from
 * nn-model-info: shapes and counts of every preset on the LSST shape (the
 * hand counts of tests/nn/test-model-file-presets.c), and every validation
 * rule the builder reports with its one-click fix, applied until the network
 * is valid. */
#include <string.h>

#include "nn.h"
#include "nn-model-info.h"

enum { T = 36, F = 6, K = 14, S = 31 };

/* ---- presets ---------------------------------------------------------- */

typedef struct
{
  const char *file;
  int meta_features;
  gssize params;               /* hand counts, see test-model-file-presets.c */
  const char *shapes[20];      /* every layer's output shape as the cards show it */
} Preset;

static const Preset presets[] = {
  { "misweeper-lstm.json", S, 367094,
    { "36 × 100", "36 × 100", "100", "100", "131", "512", "512", "512", "256", "256", "256", "128", "128",
      "128", "64", "64", "64", "14" } },
  { "keras-hybrid.json", 60, 42510,
    { "36 × 64", "36 × 64", "36 × 64", "34 × 64", "64", "64", "124", "64", "64", "14" } },
  { "goto-gru.json", S, 8164, { "36 × 25", "36 × 25", "25", "25", "56", "25", "14" } },
  /* the small presets with the LSST preset's 60 features (see test-model-file-presets.c) */
  { "small-gru.json", 60, 7278, { "32", "92", "32", "14" } },
  { "small-lstm.json", 60, 8558, { "32", "92", "32", "14" } },
  { "small-simplernn.json", 60, 4718, { "32", "92", "32", "14" } },
  /* conv k5 same: 36 steps; pool 2: 18; conv k3 same: 18; global average: 32 */
  { "small-conv1d.json", 60, 7534, { "36 × 32", "18 × 32", "18 × 32", "32", "92", "32", "14" } },
};

static NnModelDoc *
load_preset (const char *file)
{
  const char *src = g_getenv ("PASSBAND_SOURCE_DIR");
  g_autofree char *path = g_build_filename (src != NULL ? src : ".", "models", file, NULL);
  g_autoptr(GError) error = NULL;
  NnModelDoc *doc = nn_model_doc_load (path, &error);

  g_assert_no_error (error);
  return doc;
}

static void
test_preset (gconstpointer data)
{
  const Preset *p = data;
  g_autoptr(NnModelDoc) doc = load_preset (p->file);
  g_autoptr(NnModelInfo) info = nn_model_info_new (doc, F, p->meta_features, K, T);
  size_t sum = 0;

  g_assert_true (info->valid);
  g_assert_cmpint (info->problems->len, ==, 0);
  g_assert_cmpint (info->n_layers, ==, doc->layers->len);
  g_assert_cmpint ((gssize) info->n_params, ==, p->params);
  for (int i = 0; i < info->n_layers; i++)
    {
      g_autofree char *shape = nn_shape_to_string (&info->layers[i].out);

      g_assert_true (info->layers[i].ok);
      g_assert_nonnull (p->shapes[i]);
      g_assert_cmpstr (shape, ==, p->shapes[i]);
      sum += info->layers[i].n_params;
      /* training keeps at least each output and its gradient */
      g_assert_cmpuint (info->layers[i].bytes_per_sample, >=,
                        2 * sizeof (float) * MAX (info->layers[i].out.steps, 1) * info->layers[i].out.features);
    }
  g_assert_null (p->shapes[info->n_layers]);
  g_assert_cmpuint (sum, ==, info->n_params);
  g_assert_cmpuint (info->bytes_fixed, ==, 16 * info->n_params);
  g_assert_cmpfloat (info->flops, >, (double) info->n_params);
  g_assert_cmpint (info->concat_index >= 0, ==, p->meta_features > 0);
  for (int i = 0; i < info->n_layers; i++)
    g_assert_cmpint (info->layers[i].in_head, ==, info->concat_index >= 0 && i > info->concat_index);
}

/* The same flops as the built model: the builder shows what the trainer runs. */
static void
test_flops_match_model (void)
{
  g_autoptr(NnModelDoc) doc = load_preset ("keras-hybrid.json");
  g_autoptr(NnModelInfo) info = nn_model_info_new (doc, F, 60, K, T);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_doc_build (doc, F, 60, K, T, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (info->flops, nn_model_flops (model), 1e-6 * info->flops);
}

/* ---- validation rules and their fixes ------------------------------------ */

static NnLayerSpec *
add (NnModelDoc *doc, NnLayerKind kind)
{
  NnLayerConfig cfg;

  nn_layer_config_default_for_kind (&cfg, kind);
  return nn_model_doc_add_layer (doc, kind, &cfg, NULL);
}

static void
add_output (NnModelDoc *doc)
{
  NnLayerSpec *out = add (doc, NN_LAYER_DENSE);

  out->units_is_classes = TRUE;
  out->cfg.activation = NN_ACT_SOFTMAX;
}

static NnLayerSpec *
add_recurrent (NnModelDoc *doc, NnLayerKind kind, gboolean return_sequences)
{
  NnLayerSpec *spec = add (doc, kind);

  spec->cfg.units = 16;
  spec->cfg.return_sequences = return_sequences;
  return spec;
}

/* Expects exactly one problem, at layer, with a fix of kind; applies it. */
static void
expect_fix (NnModelDoc *doc, int meta_features, int layer, NnFixKind kind, const char *words)
{
  g_autoptr(NnModelInfo) info = nn_model_info_new (doc, F, meta_features, K, T);
  const NnModelProblem *p;

  g_assert_false (info->valid);
  g_assert_cmpint (info->problems->len, ==, 1);
  p = &g_array_index (info->problems, NnModelProblem, 0);
  g_assert_cmpint (p->layer_index, ==, layer);
  g_assert_cmpuint (strlen (p->message), >, 20);
  g_assert_cmpint (info->fixes[0].kind, ==, kind);
  g_assert_nonnull (strstr (info->fixes[0].description, words));
  if (layer >= 0)
    g_assert_false (info->layers[layer].ok && layer != info->n_layers - 1);
  g_assert_true (nn_model_fix_apply (&info->fixes[0], doc));
}

static void
expect_valid (NnModelDoc *doc, int meta_features)
{
  g_autoptr(NnModelInfo) info = nn_model_info_new (doc, F, meta_features, K, T);

  if (!info->valid)
    g_error ("still invalid: %s", g_array_index (info->problems, NnModelProblem, 0).message);
  g_assert_cmpuint (info->n_params, >, 0);
}

static void
test_recurrent_after_flatten (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  add_recurrent (doc, NN_LAYER_LSTM, TRUE);
  add (doc, NN_LAYER_FLATTEN);
  add_recurrent (doc, NN_LAYER_GRU, FALSE);
  add_output (doc);
  expect_fix (doc, 0, 2, NN_FIX_REMOVE_LAYER, "Remove layer 2");
  g_assert_cmpint (doc->layers->len, ==, 3);
  g_assert_cmpint (g_array_index (doc->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_GRU);
  expect_valid (doc, 0);
}

static void
test_stacked_recurrent_without_sequences (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  add_recurrent (doc, NN_LAYER_LSTM, FALSE);
  add (doc, NN_LAYER_DROPOUT);   /* the fix looks through dropout to the LSTM */
  add_recurrent (doc, NN_LAYER_GRU, FALSE);
  add_output (doc);
  expect_fix (doc, 0, 2, NN_FIX_SET_RETURN_SEQUENCES, "return sequences in layer 1");
  g_assert_true (g_array_index (doc->layers, NnLayerSpec, 0).cfg.return_sequences);
  expect_valid (doc, 0);
}

static void
test_conv_kernel_too_long (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();
  NnLayerSpec *conv = add (doc, NN_LAYER_CONV1D);

  conv->cfg.kernel_size = 20;
  conv->cfg.dilation = 3;      /* receptive field 58 > 36 */
  add (doc, NN_LAYER_GLOBAL_AVG_POOL);
  add_output (doc);
  expect_fix (doc, 0, 0, NN_FIX_SET_KERNEL_SIZE, "kernel of 20 steps");
  conv = &g_array_index (doc->layers, NnLayerSpec, 0);
  g_assert_cmpint (conv->cfg.kernel_size, ==, 20);
  g_assert_cmpint (conv->cfg.dilation, ==, 1);
  expect_valid (doc, 0);

  /* longer than the sequence even without dilation: the kernel shrinks to it */
  conv->cfg.kernel_size = 50;
  expect_fix (doc, 0, 0, NN_FIX_SET_KERNEL_SIZE, "kernel of 36 steps");
  expect_valid (doc, 0);
}

static void
test_conv_same_with_stride (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();
  NnLayerSpec *conv = add (doc, NN_LAYER_CONV1D);

  conv->cfg.padding = NN_PADDING_SAME;
  conv->cfg.stride = 2;
  add (doc, NN_LAYER_GLOBAL_MAX_POOL);
  add_output (doc);
  expect_fix (doc, 0, 0, NN_FIX_SET_STRIDE, "stride");
  expect_valid (doc, 0);
}

static void
test_pool_too_long (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();
  NnLayerSpec *pool = add (doc, NN_LAYER_AVG_POOL1D);

  pool->cfg.pool_size = 40;
  pool->cfg.stride = 40;
  add (doc, NN_LAYER_FLATTEN);
  add_output (doc);
  expect_fix (doc, 0, 0, NN_FIX_SET_POOL_SIZE, "pool of 36 steps");
  expect_valid (doc, 0);
}

static void
test_output_not_matching_classes (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();
  NnLayerSpec *out;

  add_recurrent (doc, NN_LAYER_GRU, FALSE);
  out = add (doc, NN_LAYER_DENSE);
  out->cfg.units = 10;
  out->cfg.activation = NN_ACT_SOFTMAX;
  expect_fix (doc, 0, 1, NN_FIX_SET_UNITS_TO_CLASSES, "one unit per class (14)");
  g_assert_true (g_array_index (doc->layers, NnLayerSpec, 1).units_is_classes);
  expect_valid (doc, 0);
}

/* A sequence at the end takes two fixes: a vector first, then the classes. */
static void
test_output_is_a_sequence (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  add_recurrent (doc, NN_LAYER_SIMPLE_RNN, TRUE);
  expect_fix (doc, 0, 0, NN_FIX_SET_RETURN_SEQUENCES, "Turn off return sequences");
  expect_fix (doc, 0, 0, NN_FIX_INSERT_LAYER, "dense output layer of 14 classes");
  g_assert_cmpint (doc->layers->len, ==, 2);
  g_assert_true (g_array_index (doc->layers, NnLayerSpec, 1).units_is_classes);
  g_assert_cmpint (g_array_index (doc->layers, NnLayerSpec, 1).cfg.activation, ==, NN_ACT_SOFTMAX);
  expect_valid (doc, 0);

  /* a convolution at the end gets a global pooling */
  g_array_set_size (doc->layers, 0);
  add (doc, NN_LAYER_CONV1D);
  expect_fix (doc, 0, 0, NN_FIX_INSERT_LAYER, "global average pooling");
  expect_fix (doc, 0, 1, NN_FIX_INSERT_LAYER, "dense output layer");
  expect_valid (doc, 0);
}

/* A recurrent layer returning sequences before the softmax head: the pooling
 * goes between them, never after the softmax. */
static void
test_output_sequence_before_head (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  add_recurrent (doc, NN_LAYER_LSTM, TRUE);
  add (doc, NN_LAYER_DENSE)->cfg.units = 16;
  add (doc, NN_LAYER_DROPOUT);
  add_output (doc);
  expect_fix (doc, 0, 3, NN_FIX_INSERT_LAYER, "global average pooling before layer 2");
  g_assert_cmpint (doc->layers->len, ==, 5);
  g_assert_cmpint (g_array_index (doc->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_GLOBAL_AVG_POOL);
  g_assert_cmpint (g_array_index (doc->layers, NnLayerSpec, 4).kind, ==, NN_LAYER_DENSE);
  g_assert_cmpint (g_array_index (doc->layers, NnLayerSpec, 4).cfg.activation, ==, NN_ACT_SOFTMAX);
  expect_valid (doc, 0);
}

static void
test_metadata_join (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  /* joining a sequence: the recurrent layer before it stops returning sequences */
  add_recurrent (doc, NN_LAYER_LSTM, TRUE);
  add (doc, NN_LAYER_BATCH_NORM);
  add (doc, NN_LAYER_CONCAT_METADATA);
  add_output (doc);
  expect_fix (doc, S, 2, NN_FIX_SET_RETURN_SEQUENCES, "Turn off return sequences in layer 1");
  expect_valid (doc, S);

  /* no metadata in the data: the join goes */
  expect_fix (doc, 0, 2, NN_FIX_REMOVE_LAYER, "Remove the metadata join");
  expect_valid (doc, 0);

  /* a second join goes */
  g_array_set_size (doc->layers, 0);
  add_recurrent (doc, NN_LAYER_GRU, FALSE);
  add (doc, NN_LAYER_CONCAT_METADATA);
  add (doc, NN_LAYER_CONCAT_METADATA);
  add_output (doc);
  expect_fix (doc, S, 2, NN_FIX_REMOVE_LAYER, "second metadata join");
  expect_valid (doc, S);

  /* a convolution's sequence is pooled before the join */
  g_array_set_size (doc->layers, 0);
  add (doc, NN_LAYER_CONV1D);
  add (doc, NN_LAYER_CONCAT_METADATA);
  add_output (doc);
  expect_fix (doc, S, 1, NN_FIX_INSERT_LAYER, "global average pooling before the join");
  g_assert_cmpint (g_array_index (doc->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_GLOBAL_AVG_POOL);
  expect_valid (doc, S);
}

static void
test_global_pool_of_a_vector (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  add_recurrent (doc, NN_LAYER_GRU, FALSE);
  add (doc, NN_LAYER_GLOBAL_AVG_POOL);
  add_output (doc);
  expect_fix (doc, 0, 1, NN_FIX_REMOVE_LAYER, "Remove this pooling layer");
  expect_valid (doc, 0);
}

static void
test_empty_network (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  expect_fix (doc, 0, -1, NN_FIX_INSERT_LAYER, "GRU");
  expect_fix (doc, 0, 0, NN_FIX_INSERT_LAYER, "dense output layer");
  expect_valid (doc, 0);
}

/* Problems without an obvious fix are still reported, with no button. */
static void
test_no_fix_without_an_obvious_one (void)
{
  g_autoptr(NnModelDoc) doc = load_preset ("small-gru.json");
  g_autoptr(NnModelInfo) one_class = nn_model_info_new (doc, F, 0, 1, T);
  g_autoptr(NnModelInfo) after_dense = NULL;
  NnModelFix stale = { NN_FIX_REMOVE_LAYER, 9, 0, 0, NULL };

  g_assert_false (one_class->valid);
  g_assert_cmpint (g_array_index (one_class->problems, NnModelProblem, 0).layer_index, ==, -1);
  g_assert_cmpint (one_class->fixes[0].kind, ==, NN_FIX_NONE);

  /* a recurrent layer after a dense layer: nothing to switch on or remove */
  g_array_set_size (doc->layers, 0);
  add_recurrent (doc, NN_LAYER_GRU, FALSE);
  add (doc, NN_LAYER_DENSE);
  add_recurrent (doc, NN_LAYER_LSTM, FALSE);
  add_output (doc);
  after_dense = nn_model_info_new (doc, F, 0, K, T);
  g_assert_false (after_dense->valid);
  g_assert_cmpint (g_array_index (after_dense->problems, NnModelProblem, 0).layer_index, ==, 2);
  g_assert_cmpint (after_dense->fixes[0].kind, ==, NN_FIX_NONE);

  /* a fix that no longer fits the document changes nothing */
  g_assert_false (nn_model_fix_apply (&stale, doc));
  g_assert_cmpint (doc->layers->len, ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_autofree char *name = g_strdup_printf ("/builder-info/preset/%s", presets[i].file);
      g_test_add_data_func (name, &presets[i], test_preset);
    }
  g_test_add_func ("/builder-info/flops-match-model", test_flops_match_model);
  g_test_add_func ("/builder-info/fix/recurrent-after-flatten", test_recurrent_after_flatten);
  g_test_add_func ("/builder-info/fix/stacked-recurrent", test_stacked_recurrent_without_sequences);
  g_test_add_func ("/builder-info/fix/conv-kernel-too-long", test_conv_kernel_too_long);
  g_test_add_func ("/builder-info/fix/conv-same-with-stride", test_conv_same_with_stride);
  g_test_add_func ("/builder-info/fix/pool-too-long", test_pool_too_long);
  g_test_add_func ("/builder-info/fix/output-classes", test_output_not_matching_classes);
  g_test_add_func ("/builder-info/fix/output-sequence", test_output_is_a_sequence);
  g_test_add_func ("/builder-info/fix/output-sequence-before-head", test_output_sequence_before_head);
  g_test_add_func ("/builder-info/fix/metadata-join", test_metadata_join);
  g_test_add_func ("/builder-info/fix/global-pool-of-vector", test_global_pool_of_a_vector);
  g_test_add_func ("/builder-info/fix/empty", test_empty_network);
  g_test_add_func ("/builder-info/fix/none", test_no_fix_without_an_obvious_one);
  return g_test_run ();
}
