/* test-model-file.c: model documents (DESIGN §5): round trips, atomic saving,
 * and one broken file per kind of mistake in tests/nn/bad-models/ (written by
 * make-bad-models.py there), each message naming the file, the place and the
 * problem. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "nn.h"
#include "testutil.h"

static char *
bad_model_path (const char *name)
{
  const char *src = g_getenv ("PASSBAND_SOURCE_DIR");
  return g_build_filename (src != NULL ? src : ".", "tests", "nn", "bad-models", name, NULL);
}

/* ---- broken files ---- */

typedef struct
{
  const char *file;
  gboolean at_build;        /* the file reads, building the model fails */
  int code;                 /* NN_ERROR_* */
  const char *expect[4];    /* substrings of the message, besides the file name */
} BadCase;

static const BadCase bad_cases[] = {
  { "units-negative.json", FALSE, NN_ERROR_FILE,
    { "layers[2] (lstm): field “units”: expected a whole number from 1 to 65536, found -3" } },
  { "weight-shape.json", TRUE, NN_ERROR_FILE,
    { "weights[1] (layer 0 weight_hh): shape [4, 4] does not match the model's [12, 4]" } },
  { "newer-version.json", FALSE, NN_ERROR_VERSION,
    { "version 7 was written by a newer Passband (this one reads version 1)" } },
  { "bad-base64.json", FALSE, NN_ERROR_FILE,
    { "weights[0] (layer 0 weight_ih): field “data”", "not valid base64", "“!” at position 40" } },
  { "truncated-base64.json", FALSE, NN_ERROR_FILE,
    { "weights[0] (layer 0 weight_ih): field “data”", "280 bytes", "shape [12, 6] needs 288" } },
  { "truncated-base64-odd.json", FALSE, NN_ERROR_FILE,
    { "weights[0] (layer 0 weight_ih): field “data”", "not a multiple of 4" } },
  { "unknown-layer.json", FALSE, NN_ERROR_FILE,
    { "layers[1]: unknown layer type “lstmm”; known: dense, activation, simple_rnn, lstm, gru" } },
  { "unknown-format.json", FALSE, NN_ERROR_FILE,
    { "not a Passband model file", "“keras-model”", "“passband-model”" } },
  { "truncated.json", FALSE, NN_ERROR_FILE, { ": line ", "column", "not valid JSON" } },
  { "number-for-string.json", FALSE, NN_ERROR_FILE,
    { "layers[1] (dense): field “activation”: expected a string, found 3" } },
  { "string-for-number.json", FALSE, NN_ERROR_FILE,
    { "training: field “learning_rate”: expected a number greater than 0 and at most 10, found the text “0.001”" } },
  { "missing-layers.json", FALSE, NN_ERROR_FILE, { "required field “layers” is missing" } },
  { "missing-type.json", FALSE, NN_ERROR_FILE, { "layers[0]: required field “type” is missing" } },
  { "nan-weights.json", FALSE, NN_ERROR_FILE,
    { "weights[0] (layer 0 weight_ih): field “data”: value 5 is NaN" } },
  { "inf-weights.json", FALSE, NN_ERROR_FILE,
    { "weights[5] (layer 1 bias): field “data”: value 2 is infinite" } },
  { "unknown-field.json", FALSE, NN_ERROR_FILE, { "unknown field “wieghts”", "known fields:" } },
  { "layer-typo.json", FALSE, NN_ERROR_FILE,
    { "layers[0] (gru): unknown field “unit”", "takes: type, units," } },
  { "not-applicable.json", FALSE, NN_ERROR_FILE,
    { "layers[0] (gru): field “kernel_size” does not apply to a gru layer" } },
  { "missing-tensor.json", TRUE, NN_ERROR_FILE,
    { "weights: tensor “bias_hh” of layer 0 (gru) is missing" } },
  { "duplicate-tensor.json", FALSE, NN_ERROR_FILE,
    { "weights[6] (layer 0 weight_ih): this tensor is given twice (also in weights[0])" } },
  { "unknown-tensor.json", TRUE, NN_ERROR_FILE,
    { "weights[1] (layer 0 weight_hx): a gru layer has no tensor “weight_hx”", "weight_hh" } },
  { "weights-layer-range.json", FALSE, NN_ERROR_FILE,
    { "weights[4]: field “layer”: expected a layer index from 0 to 1, found 5" } },
  { "bad-training.json", FALSE, NN_ERROR_FILE,
    { "training: field “optimizer”: unknown value “adamm”; known: sgd, rmsprop, adam, adamw" } },
  { "empty.json", FALSE, NN_ERROR_FILE, { "the file is empty" } },
  { "top-array.json", FALSE, NN_ERROR_FILE, { "expected a JSON object", "found a list" } },
};

static void
test_bad_file (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *path = bad_model_path (c->file);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load (path, &error);

  if (c->at_build)
    {
      g_autoptr (NnModel) model = NULL;
      g_assert_no_error (error);
      g_assert_nonnull (doc);
      model = nn_model_doc_build (doc, 0, 0, 0, 0, &error);
      g_assert_null (model);
    }
  else
    g_assert_null (doc);
  g_assert_error (error, NN_ERROR, c->code);
  g_test_message ("%s", error->message);
  /* the file first, as the user gave it */
  g_assert_true (g_str_has_prefix (error->message, path));
  for (int i = 0; i < 4 && c->expect[i] != NULL; i++)
    if (strstr (error->message, c->expect[i]) == NULL)
      g_error ("%s: message “%s” does not say “%s”", c->file, error->message, c->expect[i]);
}

static void
test_good_file_builds (void)
{
  g_autofree char *path = bad_model_path ("good-small.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load (path, &error);
  g_autoptr (NnModel) model = NULL;
  const NnTensorData *bias;

  g_assert_no_error (error);
  g_assert_cmpstr (doc->name, ==, "good small");
  g_assert_cmpint (doc->layers->len, ==, 2);
  g_assert_true (g_array_index (doc->layers, NnLayerSpec, 1).units_is_classes);
  g_assert_cmpint (doc->classes->len, ==, 3);
  g_assert_cmpint (g_array_index (doc->classes, NnClassSpec, 2).id, ==, 90);
  g_assert_cmpstr (g_array_index (doc->classes, NnClassSpec, 2).name, ==, "SN Ia");
  g_assert_cmpint (doc->history->len, ==, 1);
  g_assert_true (isnan (g_array_index (doc->history, NnEpochStats, 0).val_loss));
  g_assert_cmpint (g_array_index (doc->history, NnEpochStats, 0).epoch, ==, 0);
  g_assert_cmpint (doc->training.train.batch_size, ==, 8);
  g_assert_cmpint ((int) doc->training.train.seed, ==, 3);

  model = nn_model_doc_build (doc, 6, 0, 3, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (model->n_classes, ==, 3);
  g_assert_cmpint (model->max_steps, ==, 10);
  g_assert_cmpstr (model->class_names[0], ==, "TDE");
  /* the weights are the file's, not a fresh draw: the dense bias is entry 5 */
  bias = g_ptr_array_index (doc->weights, 5);
  g_assert_cmpmem (model->params + nn_model_get_layer (model, 1)->param_offset
                   + nn_model_get_layer (model, 1)->tensors[1].offset,
                   3 * sizeof (float), bias->data, 3 * sizeof (float));
}

static void
test_extra_is_kept (void)
{
  g_autofree char *path = bad_model_path ("extra-ok.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load (path, &error);
  g_autofree char *text = NULL;
  g_autoptr (NnModelDoc) again = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (doc->extra);
  text = nn_model_doc_to_data (doc, NULL);
  again = nn_model_doc_load_from_data (text, -1, "again.json", &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (doc->extra, again->extra));
}

/* Data shapes that do not fit a trained model are refused with both numbers. */
static void
test_data_must_fit (void)
{
  g_autofree char *path = bad_model_path ("good-small.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load (path, &error);
  g_autoptr (NnModel) model = NULL;

  g_assert_no_error (error);
  model = nn_model_doc_build (doc, 5, 0, 0, 0, &error);
  g_assert_null (model);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "takes 6 features per step, the data have 5"));
  g_clear_error (&error);
  model = nn_model_doc_build (doc, 6, 0, 4, 0, &error);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "takes 3 classes, the data have 4"));
  g_clear_error (&error);
  model = nn_model_doc_build (doc, 6, 0, 3, 11, &error);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "up to 11 steps; this model takes at most 10"));
}

static void
test_layer_takes (void)
{
  g_assert_true (nn_model_file_layer_takes (NN_LAYER_GRU, "units"));
  g_assert_true (nn_model_file_layer_takes (NN_LAYER_GRU, "label"));
  g_assert_false (nn_model_file_layer_takes (NN_LAYER_GRU, "kernel_size"));
  g_assert_false (nn_model_file_layer_takes (NN_LAYER_GRU, "activation"));
  g_assert_true (nn_model_file_layer_takes (NN_LAYER_SIMPLE_RNN, "activation"));
  g_assert_true (nn_model_file_layer_takes (NN_LAYER_MAX_POOL1D, "stride"));
  g_assert_false (nn_model_file_layer_takes (NN_LAYER_FLATTEN, "units"));
  g_assert_false (nn_model_file_layer_takes (NN_LAYER_DENSE, "no_such_field"));
}

/* Absent fields take nn_layer_config_default_for_kind: simple_rnn uses tanh, pooling strides
 * default to the pool size (0), as in Keras and PyTorch. */
static void
test_layer_defaults (void)
{
  static const char spec[] =
    "{\"format\": \"passband-model\", \"version\": 1, \"layers\": ["
    "{\"type\": \"simple_rnn\"}, {\"type\": \"max_pool1d\"}, {\"type\": \"dense\"}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (spec, -1, "defaults.json", &error);
  NnLayerConfig def;
  const NnLayerSpec *rnn, *pool, *dense;

  g_assert_no_error (error);
  nn_layer_config_default (&def);
  rnn = &g_array_index (doc->layers, NnLayerSpec, 0);
  pool = &g_array_index (doc->layers, NnLayerSpec, 1);
  dense = &g_array_index (doc->layers, NnLayerSpec, 2);
  g_assert_cmpint (rnn->cfg.activation, ==, NN_ACT_TANH);
  g_assert_cmpint (rnn->cfg.units, ==, def.units);
  g_assert_cmpint (pool->cfg.pool_size, ==, def.pool_size);
  g_assert_cmpint (pool->cfg.stride, ==, 0);
  g_assert_cmpint (dense->cfg.activation, ==, def.activation);
  g_assert_cmpint (dense->cfg.use_bias, ==, def.use_bias);
  g_assert_null (dense->label);
  g_assert_cmpstr (doc->name, ==, "");
  g_assert_false (doc->has_training);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load ("/nonexistent/passband/m.json", &error);
  g_assert_null (doc);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/passband/m.json: "));
}

/* "units": "classes" needs a class count from somewhere. */
static void
test_classes_needed (void)
{
  static const char spec[] =
    "{\"format\": \"passband-model\", \"version\": 1, \"layers\": ["
    "{\"type\": \"gru\", \"units\": 4}, {\"type\": \"dense\", \"units\": \"classes\"}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (spec, -1, "c.json", &error);
  g_autoptr (NnModel) model = NULL;
  g_assert_no_error (error);
  model = nn_model_doc_build (doc, 3, 0, 0, 5, &error);
  g_assert_null (model);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "c.json: a classifier needs at least 2 classes"));
  g_clear_error (&error);
  model = nn_model_doc_build (doc, 3, 0, 5, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_model_get_layer (model, 1)->cfg.units, ==, 5);
}

/* ---- round trip ---- */

static const char round_trip_spec[] =
  "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"round trip\",\n"
  " \"description\": \"every kind of setting, with “quotes” and a \\\"backslash\\\\\\\"\",\n"
  " \"layers\": [\n"
  "  {\"type\": \"conv1d\", \"units\": 8, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"},\n"
  "  {\"type\": \"max_pool1d\", \"pool_size\": 2, \"stride\": 2},\n"
  "  {\"type\": \"gru\", \"units\": 6, \"return_sequences\": true, \"bidirectional\": true, \"label\": \"bi\"},\n"
  "  {\"type\": \"simple_rnn\", \"units\": 5, \"return_sequences\": true, \"activation\": \"elu\", \"elu_alpha\": 0.7},\n"
  "  {\"type\": \"lstm\", \"units\": 5, \"use_bias\": false},\n"
  "  {\"type\": \"batch_norm\", \"momentum\": 0.05, \"epsilon\": 0.001},\n"
  "  {\"type\": \"concat_metadata\"},\n"
  "  {\"type\": \"dense\", \"units\": 7, \"activation\": \"leaky_relu\", \"negative_slope\": 0.2},\n"
  "  {\"type\": \"dropout\", \"rate\": 0.3},\n"
  "  {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\", \"label\": \"head\"}],\n"
  " \"preprocessing\": {\"mean\": [0.5, -1.25, 3.0], \"bands\": \"ugrizy\", \"nested\": {\"n\": 3, \"ok\": true}},\n"
  " \"training\": {\"optimizer\": \"sgd\", \"learning_rate\": 0.05, \"momentum\": 0.8, \"batch_size\": 16,\n"
  "   \"epochs\": 3, \"seed\": 11, \"loss\": \"focal\", \"focal_gamma\": 1.5, \"balance\": \"resample\",\n"
  "   \"logit_adjust\": 0.75,\n"
  "   \"val_fraction\": 0.25, \"patience\": 2, \"l2\": 0.0001, \"clip_norm\": 5,\n"
  "   \"schedule\": \"plateau\", \"plateau_factor\": 0.5, \"plateau_patience\": 1},\n"
  " \"extra\": {\"author\": \"test\"}}\n";

enum { RT_F = 4, RT_S = 3, RT_K = 3, RT_T = 12, RT_N = 9 };

static void
fill_random (float *v, size_t n, NnRng *rng)
{
  for (size_t i = 0; i < n; i++)
    v[i] = (float) nn_rng_uniform_range (rng, -1, 1);
}

static NnData *
random_data (guint64 seed)
{
  NnData *data = nn_data_new (RT_N, RT_T, RT_F, RT_S, RT_K);
  NnRng rng;
  nn_rng_init (&rng, seed);
  fill_random (data->x, (size_t) RT_N * RT_T * RT_F, &rng);
  fill_random (data->meta, (size_t) RT_N * RT_S, &rng);
  for (int i = 0; i < RT_N; i++)
    {
      data->lengths[i] = 1 + (int) nn_rng_below (&rng, RT_T);
      /* padding is zero, as the encoder writes it */
      memset (data->x + ((size_t) i * RT_T + data->lengths[i]) * RT_F, 0,
              sizeof (float) * (RT_T - data->lengths[i]) * RT_F);
    }
  return data;
}

static void
assert_same_specs (const NnModelDoc *a, const NnModelDoc *b)
{
  g_assert_cmpint (a->layers->len, ==, b->layers->len);
  for (guint i = 0; i < a->layers->len; i++)
    {
      const NnLayerSpec *x = &g_array_index (a->layers, NnLayerSpec, i);
      const NnLayerSpec *y = &g_array_index (b->layers, NnLayerSpec, i);
      g_assert_cmpint (x->kind, ==, y->kind);
      g_assert_cmpint (x->units_is_classes, ==, y->units_is_classes);
      g_assert_cmpstr (x->label, ==, y->label);
      if (!x->units_is_classes)
        g_assert_cmpint (x->cfg.units, ==, y->cfg.units);
      g_assert_cmpint (x->cfg.activation, ==, y->cfg.activation);
      g_assert_cmpint (x->cfg.return_sequences, ==, y->cfg.return_sequences);
      g_assert_cmpint (x->cfg.bidirectional, ==, y->cfg.bidirectional);
      g_assert_cmpint (x->cfg.kernel_size, ==, y->cfg.kernel_size);
      g_assert_cmpint (x->cfg.stride, ==, y->cfg.stride);
      g_assert_cmpint (x->cfg.dilation, ==, y->cfg.dilation);
      g_assert_cmpint (x->cfg.padding, ==, y->cfg.padding);
      g_assert_cmpint (x->cfg.pool_size, ==, y->cfg.pool_size);
      g_assert_cmpfloat (x->cfg.rate, ==, y->cfg.rate);
      g_assert_cmpfloat (x->cfg.momentum, ==, y->cfg.momentum);
      g_assert_cmpfloat (x->cfg.epsilon, ==, y->cfg.epsilon);
      g_assert_cmpint (x->cfg.use_bias, ==, y->cfg.use_bias);
      if (x->cfg.activation == NN_ACT_LEAKY_RELU)
        g_assert_cmpfloat (x->cfg.negative_slope, ==, y->cfg.negative_slope);
      if (x->cfg.activation == NN_ACT_ELU)
        g_assert_cmpfloat (x->cfg.elu_alpha, ==, y->cfg.elu_alpha);
    }
  g_assert_cmpint (a->seq_features, ==, b->seq_features);
  g_assert_cmpint (a->meta_features, ==, b->meta_features);
  g_assert_cmpint (a->max_steps, ==, b->max_steps);
  g_assert_cmpmem (&a->training, sizeof a->training, &b->training, sizeof b->training);
}

static void
assert_same_tensors (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const NnTensorData *x = g_ptr_array_index (a, i);
      const NnTensorData *y = g_ptr_array_index (b, i);
      g_assert_cmpint (x->layer, ==, y->layer);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpmem (x->shape, sizeof x->shape, y->shape, sizeof y->shape);
      g_assert_cmpmem (x->data, x->size * sizeof (float), y->data, y->size * sizeof (float));
    }
}

/* The imbalance settings: read, written back, and refused when negative. */
static void
test_imbalance_settings (void)
{
  static const char *const text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
    " \"layers\": [{\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"balance\": \"weights\", \"class_weight_power\": 0.25, \"logit_adjust\": 1}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (text, -1, "spec.json", &error);
  g_autoptr (NnModelDoc) again = NULL;
  g_autoptr (NnModelDoc) plain = NULL;
  g_autoptr (NnModelDoc) bad = NULL;
  g_autofree char *written = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (doc->training.balance, ==, NN_BALANCE_WEIGHTS);
  g_assert_cmpfloat (doc->training.class_weight_power, ==, 0.25f);
  g_assert_cmpfloat (doc->training.train.loss.logit_adjust, ==, 1.0f);
  written = nn_model_doc_to_data (doc, NULL);
  again = nn_model_doc_load_from_data (written, -1, "written.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (again->training.class_weight_power, ==, 0.25f);
  g_assert_cmpfloat (again->training.train.loss.logit_adjust, ==, 1.0f);

  /* defaults: no logit adjustment, square-root weights */
  plain = nn_model_doc_load_from_data ("{\"format\": \"passband-model\", \"version\": 1, \"layers\":"
                                       " [{\"type\": \"dense\", \"units\": 3}]}", -1, "plain.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (plain->training.train.loss.logit_adjust, ==, 0.0f);
  g_assert_cmpfloat (plain->training.class_weight_power, ==, 0.5f);

  bad = nn_model_doc_load_from_data ("{\"format\": \"passband-model\", \"version\": 1, \"layers\":"
                                     " [{\"type\": \"dense\", \"units\": 3}],"
                                     " \"training\": {\"logit_adjust\": -1}}", -1, "bad.json", &error);
  g_assert_null (bad);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "logit_adjust"));
}

static NnModelDoc *
doc_with_training (const char *training, GError **error)
{
  g_autofree char *text = g_strdup_printf ("{\"format\": \"passband-model\", \"version\": 1, \"layers\":"
                                           " [{\"type\": \"dense\", \"units\": 3}],"
                                           " \"training\": {%s}}", training);
  return nn_model_doc_load_from_data (text, -1, "spec.json", error);
}

/* A training setting read, written and read back the same, and a value out
 * of its range refused with a message naming the file and the field. */
static void
check_training_setting (const char *training, const char *written_text, const char *bad_training,
                        const char *field)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = doc_with_training (training, &error);
  g_autoptr (NnModelDoc) again = NULL;
  g_autoptr (NnModelDoc) bad = NULL;
  g_autofree char *written = NULL, *rewritten = NULL;

  g_assert_no_error (error);
  written = nn_model_doc_to_data (doc, NULL);
  g_assert_nonnull (strstr (written, written_text));
  again = nn_model_doc_load_from_data (written, -1, "written.json", &error);
  g_assert_no_error (error);
  rewritten = nn_model_doc_to_data (again, NULL);
  g_assert_cmpstr (written, ==, rewritten);
  bad = doc_with_training (bad_training, &error);
  g_assert_null (bad);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "spec.json"));
  g_assert_nonnull (strstr (error->message, field));
}

/* Class-balanced sampling, deferred re-weighting, effective-number weights
 * and label smoothing: each setting round trips and its range is enforced. */
static void
test_imbalance_methods (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) plain = doc_with_training ("", &error);

  g_assert_no_error (error);
  g_assert_cmpfloat (plain->training.train.sampling_power, ==, 0.5f);

  {
    g_autoptr (NnModelDoc) doc = doc_with_training ("\"balance\": \"sample\", \"sampling_power\": 0.25",
                                                    &error);
    g_assert_no_error (error);
    g_assert_cmpint (doc->training.balance, ==, NN_BALANCE_SAMPLE);
    g_assert_cmpfloat (doc->training.train.sampling_power, ==, 0.25f);
  }
  check_training_setting ("\"balance\": \"sample\", \"sampling_power\": 0",
                          "\"sampling_power\": 0", "\"balance\": \"sample\", \"sampling_power\": 1.5",
                          "sampling_power");
  check_training_setting ("\"balance\": \"sample\", \"sampling_power\": 1",
                          "\"sampling_power\": 1", "\"balance\": \"sample\", \"sampling_power\": -0.1",
                          "sampling_power");

  g_assert_cmpint (plain->training.train.reweight_from_epoch, ==, 0);
  {
    g_autofree char *text = nn_model_doc_to_data (plain, NULL);
    g_assert_null (strstr (text, "reweight_from_epoch"));
  }
  check_training_setting ("\"balance\": \"weights\", \"reweight_from_epoch\": 12",
                          "\"reweight_from_epoch\": 12", "\"reweight_from_epoch\": -1",
                          "reweight_from_epoch");
  g_assert_cmpfloat (plain->training.effective_beta, ==, 0.999f);
  check_training_setting ("\"balance\": \"effective\", \"effective_beta\": 0.9999",
                          "\"effective_beta\": 0.9999", "\"balance\": \"effective\", \"effective_beta\": 1",
                          "effective_beta");
  check_training_setting ("\"balance\": \"effective\", \"effective_beta\": 0.5",
                          "\"balance\": \"effective\"", "\"balance\": \"effective\", \"effective_beta\": 0",
                          "effective_beta");
  g_assert_cmpfloat (plain->training.train.loss.label_smoothing, ==, 0.0f);
  check_training_setting ("\"label_smoothing\": 0.1", "\"label_smoothing\": 0.1",
                          "\"label_smoothing\": 1", "label_smoothing");
  check_training_setting ("\"label_smoothing\": 0.5, \"logit_adjust\": 1", "\"label_smoothing\": 0.5",
                          "\"label_smoothing\": -0.1", "label_smoothing");
  check_training_setting ("\"reweight_from_epoch\": 1", "\"reweight_from_epoch\": 1",
                          "\"reweight_from_epoch\": 2.5", "reweight_from_epoch");
}

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (round_trip_spec, -1, "spec.json", &error);
  g_autoptr (NnModel) model = NULL;
  g_autoptr (NnModel) model2 = NULL;
  g_autoptr (NnModelDoc) loaded = NULL;
  g_autoptr (NnData) data = random_data (5);
  g_autoptr (NnHistory) history = nn_history_new ();
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  g_autofree float *probs1 = g_new (float, RT_N * RT_K);
  g_autofree float *probs2 = g_new (float, RT_N * RT_K);
  NnEpochStats e1 = { 0, 1.5, 0.25, 1.75, 0.5, 0.125, 0.05 };
  NnEpochStats e2 = { 1, 1.0 / 3.0, 0.5, NAN, NAN, 2.0, 0.025 };
  const char *names[] = { "SN Ia", "RR “Lyrae”", "AGN" };
  const int ids[] = { 90, 92, 88 };
  NnRng rng;

  g_assert_no_error (error);
  g_assert_true (doc->has_training);
  g_assert_cmpint (doc->training.train.optim.kind, ==, NN_OPTIM_SGD);
  g_assert_cmpfloat (doc->training.train.optim.momentum, ==, 0.8f);
  g_assert_cmpint (doc->training.balance, ==, NN_BALANCE_RESAMPLE);
  g_assert_cmpint (doc->training.train.schedule.kind, ==, NN_SCHEDULE_PLATEAU);

  model = nn_model_doc_build (doc, RT_F, RT_S, RT_K, RT_T, &error);
  g_assert_no_error (error);
  /* running statistics that are not the initial ones, so the state is tested too */
  nn_rng_init (&rng, 99);
  for (size_t i = 0; i < model->n_state; i++)
    model->state[i] = (float) nn_rng_uniform_range (&rng, 0.5, 1.5);

  nn_model_doc_take_model (doc, model);
  g_assert_true (g_array_index (doc->layers, NnLayerSpec, 9).units_is_classes);
  nn_model_doc_set_classes (doc, RT_K, ids, names);
  g_array_append_val (history->epochs, e1);
  g_array_append_val (history->epochs, e2);
  nn_model_doc_set_history (doc, history);
  {
    /* what the encoder does: replace the preprocessing object with its own */
    g_autoptr (JsonNode) pre = json_from_string ("{\"mean\": [0.5, -1.25, 3.0], \"bands\": \"ugrizy\", "
                                                 "\"scale\": 1e-300, \"nested\": {\"n\": 3, \"ok\": true}}",
                                                 &error);
    g_assert_no_error (error);
    nn_model_doc_set_preprocessing (doc, pre);
  }
  g_assert_cmpint (doc->weights->len, >, 0);
  g_assert_cmpint (doc->state->len, ==, 2);

  dir = g_dir_make_tmp ("passband-model-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "trained.json", NULL);
  g_assert_true (nn_model_doc_save (doc, path, &error));
  g_assert_no_error (error);

  loaded = nn_model_doc_load (path, &error);
  g_assert_no_error (error);
  assert_same_specs (doc, loaded);
  assert_same_tensors (doc->weights, loaded->weights);
  assert_same_tensors (doc->state, loaded->state);
  g_assert_cmpstr (loaded->description, ==, doc->description);
  g_assert_cmpint (loaded->classes->len, ==, RT_K);
  g_assert_cmpstr (g_array_index (loaded->classes, NnClassSpec, 1).name, ==, "RR “Lyrae”");
  g_assert_cmpint (g_array_index (loaded->classes, NnClassSpec, 2).id, ==, 88);
  g_assert_cmpint (loaded->history->len, ==, 2);
  g_assert_cmpfloat (g_array_index (loaded->history, NnEpochStats, 1).loss, ==, 1.0 / 3.0);
  g_assert_true (isnan (g_array_index (loaded->history, NnEpochStats, 1).val_loss));
  g_assert_cmpint (g_array_index (loaded->history, NnEpochStats, 1).epoch, ==, 1);
  g_assert_true (json_node_equal (doc->preprocessing, loaded->preprocessing));
  g_assert_true (json_node_equal (doc->extra, loaded->extra));

  /* writing what was read gives the same text, byte for byte; so does a copy */
  text1 = nn_model_doc_to_data (doc, NULL);
  text2 = nn_model_doc_to_data (loaded, NULL);
  g_assert_cmpstr (text1, ==, text2);
  {
    g_autoptr (NnModelDoc) copy = nn_model_doc_copy (loaded);
    g_autofree char *text3 = NULL;
    nn_model_doc_free (g_steal_pointer (&loaded));
    text3 = nn_model_doc_to_data (copy, NULL);
    g_assert_cmpstr (text1, ==, text3);
    loaded = g_steal_pointer (&copy);
  }

  /* the same model: parameters, state and predictions bit-identical */
  model2 = nn_model_doc_build (loaded, RT_F, RT_S, 0, RT_T, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model2->n_params, ==, model->n_params);
  g_assert_cmpmem (model->params, model->n_params * sizeof (float),
                   model2->params, model2->n_params * sizeof (float));
  g_assert_cmpmem (model->state, model->n_state * sizeof (float),
                   model2->state, model2->n_state * sizeof (float));
  g_assert_true (nn_model_predict (model, data, probs1, 1, &error));
  g_assert_no_error (error);
  g_assert_true (nn_model_predict (model2, data, probs2, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (probs1, RT_N * RT_K * sizeof (float), probs2, RT_N * RT_K * sizeof (float));
  for (int i = 0; i < RT_N * RT_K; i++)
    g_assert_true (isfinite (probs1[i]));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A spec (no weights) builds to the same weights every time: they come from
 * the training seed. */
static void
test_spec_build_is_seeded (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (round_trip_spec, -1, "spec.json", &error);
  g_autoptr (NnModel) a = NULL;
  g_autoptr (NnModel) b = NULL;
  g_assert_no_error (error);
  a = nn_model_doc_build (doc, RT_F, RT_S, RT_K, RT_T, &error);
  g_assert_no_error (error);
  b = nn_model_doc_build (doc, RT_F, RT_S, RT_K, RT_T, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->params, a->n_params * sizeof (float), b->params, b->n_params * sizeof (float));
  g_assert_cmpint (nn_model_doc_count_params (doc, RT_F, RT_S, RT_K, RT_T, &error), ==,
                   (gssize) a->n_params);
}

/* ---- atomic saving ---- */

static char **
folder_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new ();
  const char *name;
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

static NnModelDoc *
saved_old_model (const char *path, char **old_text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *good = bad_model_path ("good-small.json");
  NnModelDoc *doc = nn_model_doc_load (good, &error);
  g_assert_no_error (error);
  g_assert_true (nn_model_doc_save (doc, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, old_text, NULL, NULL));
  return doc;
}

/* The new document differs from the old one and is large (so a failure can
 * come in the middle of writing it). */
static void
make_new_version (NnModelDoc *doc)
{
  NnTensorData *t = g_new0 (NnTensorData, 1);
  t->layer = 0;
  t->name = g_strdup ("padding_for_size");
  t->ndim = 1;
  t->shape[0] = 100000;
  t->size = 100000;
  t->data = g_new0 (float, t->size);
  g_ptr_array_add (doc->weights, t);
  g_free (doc->name);
  doc->name = g_strdup ("new version");
}

static void
assert_old_file_intact (const char *dir, const char *path, const char *old_text)
{
  g_autofree char *now = NULL;
  g_auto (GStrv) entries = folder_entries (dir);
  g_assert_true (g_file_get_contents (path, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, old_text);
  /* no temporary file left behind */
  g_assert_cmpint (g_strv_length (entries), ==, 1);
  g_assert_cmpstr (entries[0], ==, "model.json");
}

static void
read_only_folder_scenario (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("passband-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autofree char *old_text = NULL;
  g_autoptr (NnModelDoc) doc = saved_old_model (path, &old_text);

  make_new_version (doc);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  if (access (dir, W_OK) == 0)
    {
      g_chmod (dir, 0755);
      g_remove (path);
      g_rmdir (dir);
      g_test_skip ("a read-only folder is still writable here (root without a user to become)");
      return;
    }
  g_assert_false (nn_model_doc_save (doc, path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  assert_old_file_intact (dir, path, old_text);
  g_remove (path);
  g_rmdir (dir);
}

/* Root may write into read-only folders, so a root run does the scenario in a
 * child process that has become "nobody" first. */
static void
test_atomic_read_only_folder (void)
{
  if (g_test_subprocess ())
    {
      if (geteuid () == 0 && (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0))
        g_test_message ("cannot drop root privileges: %s", g_strerror (errno));
      read_only_folder_scenario ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A write that fails half way (here: the file-size limit, like a full disk)
 * leaves the old file as it was and no temporary file behind. */
static void
test_atomic_write_fails_midway (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("passband-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autofree char *old_text = NULL;
  g_autoptr (NnModelDoc) doc = saved_old_model (path, &old_text);
  struct rlimit saved, small;
  void (*old_handler) (int);
  gboolean ok;

  make_new_version (doc);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 64 * 1024;   /* the new file is about 530 kB */
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  ok = nn_model_doc_save (doc, path, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  assert_old_file_intact (dir, path, old_text);
  g_remove (path);
  g_rmdir (dir);
}

/* ---- hostile and damaged files ---- */

static char *
good_small_text (void)
{
  g_autofree char *path = bad_model_path ("good-small.json");
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* text with its first "from" replaced by "to" */
static char *
replace_once (const char *text, const char *from, const char *to)
{
  const char *at = strstr (text, from);
  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
}

static void
assert_refused (const char *text, const char *source, const char *expect)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (text, -1, source, &error);
  g_assert_null (doc);
  g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, source));
  if (strstr (error->message, expect) == NULL)
    g_error ("message “%s” does not say “%s”", error->message, expect);
}

/* json-glib's parser recurses once a level: 100000 levels crashed it */
static void
test_deep_nesting (void)
{
  GString *s = g_string_new ("{\"format\": \"passband-model\", \"version\": 1, \"extra\": {\"x\": ");
  g_autofree char *text = NULL;
  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, ']');
  g_string_append (s, "}}");
  text = g_string_free (s, FALSE);
  assert_refused (text, "n.json", "n.json: line 1, column 121: nested more than 64 levels deep");
}

static void
test_duplicate_field (void)
{
  g_autofree char *good = good_small_text ();
  g_autofree char *twice = replace_once (good, "\"units\": 4,", "\"units\": 4, \"units\": 3,");
  g_autofree char *top = replace_once (good, "\"version\": 1,", "\"version\": 1, \"version\": 1,");
  assert_refused (twice, "d.json", "d.json: line 14, column 16: the field “units” is given twice in "
                  "the same object (first on line 14)");
  assert_refused (top, "d.json", "the field “version” is given twice");
}

/* A flipped bit in the base64 changes a weight; the checksum finds it.  A file
 * without checksums (written before they were stored) still loads. */
static void
test_weights_checksum (void)
{
  g_autofree char *good = good_small_text ();
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (good, -1, "g.json", &error);
  g_autoptr (NnModelDoc) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *flipped = NULL;
  const char *data, *sum;
  char *c;

  g_assert_no_error (error);
  g_assert_null (strstr (good, "sha256"));
  saved = nn_model_doc_to_data (doc, NULL);
  sum = strstr (saved, "\"sha256\": \"");
  g_assert_nonnull (sum);
  again = nn_model_doc_load_from_data (saved, -1, "s.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->weights->len, ==, doc->weights->len);

  /* one bit of one base64 character: "A" (0) and "B" (1) differ in the last bit */
  flipped = g_strdup (saved);
  data = strstr (flipped, "\"data\": \"");
  g_assert_nonnull (data);
  c = (char *) data + strlen ("\"data\": \"") + 5;
  *c = *c == 'A' ? 'B' : (*c == 'B' ? 'A' : (*c == 'a' ? 'b' : (*c == 'b' ? 'a' : (*c ^ 1))));
  g_assert_true (g_ascii_isalnum (*c) || *c == '+' || *c == '/');
  assert_refused (flipped, "f.json", "weights[0] (layer 0 weight_ih): field “sha256”: the data do not "
                  "match their checksum");
}

/* What train writes must load: 1e-60 is a positive double whose float is 0 */
static void
test_float_fields_narrowed (void)
{
  g_autofree char *good = good_small_text ();
  g_autofree char *eps = replace_once (good, "\"learning_rate\": 0.001,",
                                       "\"learning_rate\": 0.001, \"eps\": 1e-60,");
  g_autofree char *lr = replace_once (good, "\"learning_rate\": 0.001,", "\"learning_rate\": 1e-50,");
  g_autofree char *bn = g_strdup ("{\"format\": \"passband-model\", \"version\": 1, \"layers\": ["
                                  "{\"type\": \"batch_norm\", \"epsilon\": 1e-60},"
                                  "{\"type\": \"dense\", \"units\": \"classes\"}]}");
  g_autofree char *tiny = replace_once (good, "\"learning_rate\": 0.001,", "\"learning_rate\": 1e-40,");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = NULL;
  g_autoptr (NnModelDoc) again = NULL;
  g_autofree char *saved = NULL;

  assert_refused (eps, "e.json", "training: field “eps”: expected a number greater than 0 and at most 1; "
                  "as a 32-bit float this is 0");
  assert_refused (lr, "e.json", "field “learning_rate”: expected a number greater than 0 and at most 10; "
                  "as a 32-bit float this is 0");
  assert_refused (bn, "e.json", "layers[0] (batch_norm): field “epsilon”");
  /* a subnormal float is still greater than 0: it loads, saves and loads again */
  doc = nn_model_doc_load_from_data (tiny, -1, "t.json", &error);
  g_assert_no_error (error);
  saved = nn_model_doc_to_data (doc, NULL);
  again = nn_model_doc_load_from_data (saved, -1, "t.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (again->training.train.optim.lr, ==, doc->training.train.optim.lr);
  g_assert_cmpfloat (again->training.train.optim.lr, >, 0.0f);
}

/* "units": 65536 on a trained model: the stored shapes are checked before the
 * 51 GB of weights such a layer would need are allocated */
static void
test_huge_layer_refused (void)
{
  g_autofree char *good = good_small_text ();
  g_autofree char *huge = replace_once (good, "\"units\": 4,", "\"units\": 65536,");
  g_autofree char *preset = g_strdup ("{\"format\": \"passband-model\", \"version\": 1, "
                                      "\"inputs\": {\"sequence_features\": 65536}, \"layers\": ["
                                      "{\"type\": \"lstm\", \"units\": 65536},"
                                      "{\"type\": \"dense\", \"units\": \"classes\"}]}");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (huge, -1, "h.json", &error);
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (NnModel) model = NULL;

  g_assert_no_error (error);
  model = nn_model_doc_build (doc, 0, 0, 0, 0, &error);
  g_assert_null (model);
  g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "h.json: weights[0] (layer 0 weight_ih): shape [12, 6] does "
                            "not match the model's [196608, 6]"));
  g_clear_error (&error);

  /* a spec without weights: refused by its size before anything is allocated */
  spec = nn_model_doc_load_from_data (preset, -1, "p.json", &error);
  g_assert_no_error (error);
  model = nn_model_doc_build (spec, 0, 0, 3, 10, &error);
  g_assert_null (model);
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "p.json: layer 0 (lstm) takes the model to 34360262656 "
                            "parameters; at most 134217728 fit in memory"));
}

static void
assert_build_refused (const char *text, const char *expect)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (text, -1, "f.json", &error);
  g_autoptr (NnModel) model = NULL;

  g_assert_no_error (error);
  model = nn_model_doc_build (doc, 0, 0, 3, 0, &error);
  g_assert_null (model);
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL);
  g_test_message ("%s", error->message);
  if (strstr (error->message, expect) == NULL)
    g_error ("message “%s” does not say “%s”", error->message, expect);
}

/* Flatten's steps × features from a file's sizes: 1048576 × 4097 wraps to
 * 1048576 in 32-bit arithmetic, a size that would look sane; refused, with
 * the layer named, before anything is allocated. */
static void
test_flatten_overflow_refused (void)
{
  assert_build_refused ("{\"format\": \"passband-model\", \"version\": 1, "
                        "\"inputs\": {\"sequence_features\": 4097, \"max_steps\": 1048576}, \"layers\": ["
                        "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": \"classes\"}]}",
                        "f.json: layer 0 (flatten): Flatten needs an input of 1 to 268435456 values per "
                        "sample, but 1048576 steps × 4097 features make 4296015872");
  /* the features a Conv1D makes, two layers in */
  assert_build_refused ("{\"format\": \"passband-model\", \"version\": 1, "
                        "\"inputs\": {\"sequence_features\": 1, \"max_steps\": 1048576}, \"layers\": ["
                        "{\"type\": \"conv1d\", \"units\": 4097, \"kernel_size\": 1},"
                        "{\"type\": \"dropout\", \"rate\": 0.1}, {\"type\": \"flatten\"},"
                        "{\"type\": \"dense\", \"units\": \"classes\"}]}",
                        "layer 2 (flatten): Flatten needs an input of 1 to 268435456 values per sample, "
                        "but 1048576 steps × 4097 features make 4296015872");
  /* below the limit per sample, but the head on it takes too many weights */
  assert_build_refused ("{\"format\": \"passband-model\", \"version\": 1, "
                        "\"inputs\": {\"sequence_features\": 256, \"max_steps\": 1048576}, \"layers\": ["
                        "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": \"classes\"}]}",
                        "layer 1 (dense)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/model-file/bad/%s", bad_cases[i].file);
      g_test_add_data_func (name, &bad_cases[i], test_bad_file);
    }
  g_test_add_func ("/model-file/good-file-builds", test_good_file_builds);
  g_test_add_func ("/model-file/imbalance-settings", test_imbalance_settings);
  g_test_add_func ("/model-file/imbalance-methods", test_imbalance_methods);
  g_test_add_func ("/model-file/extra-is-kept", test_extra_is_kept);
  g_test_add_func ("/model-file/data-must-fit", test_data_must_fit);
  g_test_add_func ("/model-file/layer-takes", test_layer_takes);
  g_test_add_func ("/model-file/layer-defaults", test_layer_defaults);
  g_test_add_func ("/model-file/missing-file", test_missing_file);
  g_test_add_func ("/model-file/classes-needed", test_classes_needed);
  g_test_add_func ("/model-file/round-trip", test_round_trip);
  g_test_add_func ("/model-file/spec-build-is-seeded", test_spec_build_is_seeded);
  g_test_add_func ("/model-file/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/model-file/hostile/duplicate-field", test_duplicate_field);
  g_test_add_func ("/model-file/hostile/weights-checksum", test_weights_checksum);
  g_test_add_func ("/model-file/hostile/float-fields-narrowed", test_float_fields_narrowed);
  g_test_add_func ("/model-file/hostile/huge-layer", test_huge_layer_refused);
  g_test_add_func ("/model-file/hostile/flatten-overflow", test_flatten_overflow_refused);
  g_test_add_func ("/model-file/atomic/read-only-folder", test_atomic_read_only_folder);
  g_test_add_func ("/model-file/atomic/write-fails-midway", test_atomic_write_fails_midway);
  return g_test_run ();
}
