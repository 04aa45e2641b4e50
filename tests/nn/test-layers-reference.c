/* test-layers-reference.c: outputs and gradients of the feed-forward layers
 * against PyTorch (../shared/reference/layers_reference.json, described in
 * layers_README.md).  Reference weights are loaded into the layer's parameter
 * slice: the layouts are PyTorch's. */
#include <glib.h>
#include <string.h>

#include "layer-harness.h"
#include "testutil.h"

#define TOL 1e-4

static JsonNode *reference;

static float *
ref_floats (const char *dotted, gsize expected)
{
  JsonNode *node = tu_json_get (reference, dotted);
  gsize n = 0;
  float *v;

  if (node == NULL)
    g_error ("layers_reference.json has no field %s", dotted);
  v = tu_json_floats (node, &n);
  if (expected != 0 && n != expected)
    g_error ("layers_reference.json: %s has %" G_GSIZE_FORMAT " values, expected %" G_GSIZE_FORMAT,
             dotted, n, expected);
  return v;
}

static int
ref_int (const char *dotted)
{
  JsonNode *node = tu_json_get (reference, dotted);
  if (node == NULL)
    g_error ("layers_reference.json has no field %s", dotted);
  return (int) json_node_get_int (node);
}

/* Copies a reference tensor into the parameter slice of the named tensor. */
static void
load_param (LhRun *run, const char *tensor, const char *dotted)
{
  NnLayer *layer = lh_run_layer (run);
  for (int t = 0; t < layer->n_tensors; t++)
    if (strcmp (layer->tensors[t].name, tensor) == 0)
      {
        g_autofree float *v = ref_floats (dotted, layer->tensors[t].size);
        memcpy (lh_run_params (run) + layer->tensors[t].offset, v, layer->tensors[t].size * sizeof (float));
        return;
      }
  g_error ("layer %s has no tensor %s", layer->ops->name, tensor);
}

static const float *
param_grad (LhRun *run, const char *tensor, gsize *size)
{
  NnLayer *layer = lh_run_layer (run);
  for (int t = 0; t < layer->n_tensors; t++)
    if (strcmp (layer->tensors[t].name, tensor) == 0)
      {
        *size = layer->tensors[t].size;
        return lh_run_grads (run) + layer->tensors[t].offset;
      }
  g_error ("layer %s has no tensor %s", layer->ops->name, tensor);
  return NULL;
}

static void
assert_grad (LhRun *run, const char *what, const char *tensor, const char *dotted)
{
  gsize n = 0;
  const float *got = param_grad (run, tensor, &n);
  g_autofree float *want = ref_floats (dotted, n);
  tu_assert_close (what, got, want, n, TOL);
}

static LhRun *
new_run (NnLayerKind kind, const NnLayerConfig *cfg, const NnShape *in, int batch)
{
  g_autoptr (GError) error = NULL;
  LhRun *run = lh_run_new (kind, cfg, in, 0, batch, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  return run;
}

static void
test_dense (void)
{
  int B = ref_int ("dense.B"), I = ref_int ("dense.I"), O = ref_int ("dense.O");
  NnShape in = { .seq = FALSE, .features = I };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = ref_floats ("dense.x", B * I);
  g_autofree float *R = ref_floats ("dense.R", B * O);
  g_autofree float *y = ref_floats ("dense.y", B * O);
  g_autofree float *gx = ref_floats ("dense.grad.x", B * I);
  const NnAct *out;

  nn_layer_config_default (&cfg);
  cfg.units = O;
  run = new_run (NN_LAYER_DENSE, &cfg, &in, B);
  load_param (run, "weight", "dense.weight");
  load_param (run, "bias", "dense.bias");
  out = lh_run_forward (run, x, NULL, NULL, TRUE, 1);
  tu_assert_close ("dense y", out->data, y, B * O, TOL);
  tu_assert_close ("dense grad x", lh_run_backward (run, R, TRUE), gx, B * I, TOL);
  assert_grad (run, "dense grad weight", "weight", "dense.grad.weight");
  assert_grad (run, "dense grad bias", "bias", "dense.grad.bias");
}

static void
test_conv1d (gconstpointer data)
{
  const char *name = data;
  int B = ref_int ("conv1d.B"), T = ref_int ("conv1d.T"), CI = ref_int ("conv1d.C_in");
  int CO = ref_int ("conv1d.C_out"), K = ref_int ("conv1d.K");
  g_autofree char *base = g_strdup_printf ("conv1d.cases.%s", name);
  g_autofree char *f_stride = g_strconcat (base, ".stride", NULL);
  g_autofree char *f_dilation = g_strconcat (base, ".dilation", NULL);
  g_autofree char *f_padding = g_strconcat (base, ".padding", NULL);
  g_autofree char *f_tout = g_strconcat (base, ".T_out", NULL);
  g_autofree char *f_R = g_strconcat (base, ".R", NULL);
  g_autofree char *f_y = g_strconcat (base, ".y", NULL);
  g_autofree char *f_gx = g_strconcat (base, ".grad.x", NULL);
  g_autofree char *f_gw = g_strconcat (base, ".grad.weight", NULL);
  g_autofree char *f_gb = g_strconcat (base, ".grad.bias", NULL);
  int T_out = ref_int (f_tout);
  NnShape in = { .seq = TRUE, .steps = T, .features = CI };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = ref_floats ("conv1d.x", B * T * CI);
  g_autofree float *R = ref_floats (f_R, B * T_out * CO);
  g_autofree float *y = ref_floats (f_y, B * T_out * CO);
  g_autofree float *gx = ref_floats (f_gx, B * T * CI);
  g_autofree int *lengths = g_new (int, B);
  const NnAct *out;

  nn_layer_config_default (&cfg);
  cfg.units = CO;
  cfg.kernel_size = K;
  cfg.stride = ref_int (f_stride);
  cfg.dilation = ref_int (f_dilation);
  cfg.padding = g_strcmp0 (json_node_get_string (tu_json_get (reference, f_padding)), "same") == 0
                ? NN_PADDING_SAME : NN_PADDING_VALID;
  run = new_run (NN_LAYER_CONV1D, &cfg, &in, B);
  g_assert_cmpint (lh_run_layer (run)->out.steps, ==, T_out);
  load_param (run, "weight", "conv1d.weight");
  load_param (run, "bias", "conv1d.bias");
  for (int b = 0; b < B; b++)
    lengths[b] = T;
  out = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
  for (int b = 0; b < B; b++)
    g_assert_cmpint (out->lengths[b], ==, T_out);
  tu_assert_close ("conv1d y", out->data, y, B * T_out * CO, TOL);
  tu_assert_close ("conv1d grad x", lh_run_backward (run, R, TRUE), gx, B * T * CI, TOL);
  assert_grad (run, "conv1d grad weight", "weight", f_gw);
  assert_grad (run, "conv1d grad bias", "bias", f_gb);
}

static void
test_pool1d (gconstpointer data)
{
  const char *which = data;
  int B = ref_int ("pool1d.B"), T = ref_int ("pool1d.T"), C = ref_int ("pool1d.C");
  int T_out = ref_int ("pool1d.T_out");
  g_autofree char *f_R = g_strdup_printf ("pool1d.%s.R", which);
  g_autofree char *f_y = g_strdup_printf ("pool1d.%s.y", which);
  g_autofree char *f_gx = g_strdup_printf ("pool1d.%s.grad_x", which);
  NnShape in = { .seq = TRUE, .steps = T, .features = C };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = ref_floats ("pool1d.x", B * T * C);
  g_autofree float *R = ref_floats (f_R, B * T_out * C);
  g_autofree float *y = ref_floats (f_y, B * T_out * C);
  g_autofree float *gx = ref_floats (f_gx, B * T * C);
  g_autofree int *lengths = g_new (int, B);
  const NnAct *out;

  nn_layer_config_default (&cfg);
  cfg.pool_size = ref_int ("pool1d.pool_size");
  cfg.stride = ref_int ("pool1d.stride");
  run = new_run (strcmp (which, "max") == 0 ? NN_LAYER_MAX_POOL1D : NN_LAYER_AVG_POOL1D, &cfg, &in, B);
  g_assert_cmpint (lh_run_layer (run)->out.steps, ==, T_out);
  for (int b = 0; b < B; b++)
    lengths[b] = T;
  out = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
  tu_assert_close ("pool1d y", out->data, y, B * T_out * C, TOL);
  tu_assert_close ("pool1d grad x", lh_run_backward (run, R, TRUE), gx, B * T * C, TOL);
}

static void
test_global_pool (gconstpointer data)
{
  const char *which = data;
  int B = ref_int ("global_pool.B"), T = ref_int ("global_pool.T"), C = ref_int ("global_pool.C");
  g_autofree char *f_R = g_strdup_printf ("global_pool.%s.R", which);
  g_autofree char *f_y = g_strdup_printf ("global_pool.%s.y", which);
  g_autofree char *f_gx = g_strdup_printf ("global_pool.%s.grad_x", which);
  NnShape in = { .seq = TRUE, .steps = T, .features = C };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = ref_floats ("global_pool.x", B * T * C);
  g_autofree float *R = ref_floats (f_R, B * C);
  g_autofree float *y = ref_floats (f_y, B * C);
  g_autofree float *gx = ref_floats (f_gx, B * T * C);
  g_autofree int *lengths = tu_json_ints (tu_json_get (reference, "global_pool.lengths"), NULL);
  const NnAct *out;

  nn_layer_config_default (&cfg);
  run = new_run (strcmp (which, "max") == 0 ? NN_LAYER_GLOBAL_MAX_POOL : NN_LAYER_GLOBAL_AVG_POOL,
                 &cfg, &in, B);
  out = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
  tu_assert_close ("global pool y", out->data, y, B * C, TOL);
  tu_assert_close ("global pool grad x", lh_run_backward (run, R, TRUE), gx, B * T * C, TOL);
}

static LhRun *
batchnorm_run (int B, int F)
{
  NnShape in = { .seq = FALSE, .features = F };
  NnLayerConfig cfg;
  LhRun *run;
  g_autofree float *rm = ref_floats ("batchnorm.running_mean", F);
  g_autofree float *rv = ref_floats ("batchnorm.running_var", F);

  nn_layer_config_default (&cfg);
  cfg.epsilon = (float) tu_json_double (tu_json_get (reference, "batchnorm.eps"));
  cfg.momentum = (float) tu_json_double (tu_json_get (reference, "batchnorm.momentum"));
  run = new_run (NN_LAYER_BATCH_NORM, &cfg, &in, B);
  load_param (run, "weight", "batchnorm.gamma");
  load_param (run, "bias", "batchnorm.beta");
  /* state layout: running_mean then running_var */
  g_assert_cmpstr (lh_run_layer (run)->state_tensors[0].name, ==, "running_mean");
  g_assert_cmpstr (lh_run_layer (run)->state_tensors[1].name, ==, "running_var");
  memcpy (lh_run_state (run), rm, F * sizeof (float));
  memcpy (lh_run_state (run) + F, rv, F * sizeof (float));
  return run;
}

static void
test_batchnorm (gconstpointer data)
{
  gboolean training = GPOINTER_TO_INT (data);
  const char *mode = training ? "train" : "eval";
  int B = ref_int ("batchnorm.B"), F = ref_int ("batchnorm.F");
  g_autoptr (LhRun) run = batchnorm_run (B, F);
  g_autofree float *x = ref_floats ("batchnorm.x", B * F);
  g_autofree float *R = ref_floats (training ? "batchnorm.R_train" : "batchnorm.R_eval", B * F);
  g_autofree char *f_y = g_strdup_printf ("batchnorm.%s.y", mode);
  g_autofree char *f_gx = g_strdup_printf ("batchnorm.%s.grad.x", mode);
  g_autofree char *f_gg = g_strdup_printf ("batchnorm.%s.grad.gamma", mode);
  g_autofree char *f_gb = g_strdup_printf ("batchnorm.%s.grad.beta", mode);
  g_autofree float *y = ref_floats (f_y, B * F);
  g_autofree float *gx = ref_floats (f_gx, B * F);
  const NnAct *out;

  out = lh_run_forward (run, x, NULL, NULL, training, 1);
  tu_assert_close ("batchnorm y", out->data, y, B * F, TOL);
  if (training)
    {
      g_autofree float *rm = ref_floats ("batchnorm.train.running_mean_new", F);
      g_autofree float *rv = ref_floats ("batchnorm.train.running_var_new", F);
      tu_assert_close ("batchnorm running_mean after training", lh_run_state (run), rm, F, TOL);
      tu_assert_close ("batchnorm running_var after training", lh_run_state (run) + F, rv, F, TOL);
    }
  else
    {
      /* inference never touches the running statistics */
      g_autofree float *rm = ref_floats ("batchnorm.running_mean", F);
      g_autofree float *rv = ref_floats ("batchnorm.running_var", F);
      g_assert_cmpmem (lh_run_state (run), F * sizeof (float), rm, F * sizeof (float));
      g_assert_cmpmem (lh_run_state (run) + F, F * sizeof (float), rv, F * sizeof (float));
    }
  tu_assert_close ("batchnorm grad x", lh_run_backward (run, R, TRUE), gx, B * F, TOL);
  assert_grad (run, "batchnorm grad gamma", "weight", f_gg);
  assert_grad (run, "batchnorm grad beta", "bias", f_gb);
}

static void
test_activation (gconstpointer data)
{
  const char *name = data;
  int B = ref_int ("activations.B"), N = ref_int ("activations.N");
  NnShape in = { .seq = FALSE, .features = N };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree char *f_R = g_strdup_printf ("activations.%s.R", name);
  g_autofree char *f_y = g_strdup_printf ("activations.%s.y", name);
  g_autofree char *f_gx = g_strdup_printf ("activations.%s.grad_x", name);
  g_autofree float *x = ref_floats ("activations.x", B * N);
  g_autofree float *R = ref_floats (f_R, B * N);
  g_autofree float *y = ref_floats (f_y, B * N);
  g_autofree float *gx = ref_floats (f_gx, B * N);
  const NnAct *out;

  nn_layer_config_default (&cfg);
  g_assert_true (nn_activation_from_string (name, &cfg.activation));
  cfg.negative_slope = (float) tu_json_double (tu_json_get (reference, "activations.negative_slope"));
  cfg.elu_alpha = (float) tu_json_double (tu_json_get (reference, "activations.elu_alpha"));
  run = new_run (NN_LAYER_ACTIVATION, &cfg, &in, B);
  out = lh_run_forward (run, x, NULL, NULL, TRUE, 1);
  tu_assert_close ("activation y", out->data, y, B * N, TOL);
  tu_assert_close ("activation grad x", lh_run_backward (run, R, TRUE), gx, B * N, TOL);
}

int
main (int argc, char **argv)
{
  static const char *conv_cases[] = { "valid_s1", "same_s1", "valid_s2", "valid_d2" };
  static const char *activations[] = { "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softmax" };
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  path = tu_shared_path ("reference/layers_reference.json");
  reference = tu_load_json (path);

  g_test_add_func ("/layers/reference/dense", test_dense);
  for (guint i = 0; i < G_N_ELEMENTS (conv_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/layers/reference/conv1d/%s", conv_cases[i]);
      g_test_add_data_func (name, conv_cases[i], test_conv1d);
    }
  g_test_add_data_func ("/layers/reference/max-pool1d", "max", test_pool1d);
  g_test_add_data_func ("/layers/reference/avg-pool1d", "avg", test_pool1d);
  g_test_add_data_func ("/layers/reference/global-max-pool", "max", test_global_pool);
  g_test_add_data_func ("/layers/reference/global-avg-pool", "avg", test_global_pool);
  g_test_add_data_func ("/layers/reference/batch-norm/train", GINT_TO_POINTER (TRUE), test_batchnorm);
  g_test_add_data_func ("/layers/reference/batch-norm/eval", GINT_TO_POINTER (FALSE), test_batchnorm);
  for (guint i = 0; i < G_N_ELEMENTS (activations); i++)
    {
      g_autofree char *name = g_strdup_printf ("/layers/reference/activation/%s", activations[i]);
      g_test_add_data_func (name, activations[i], test_activation);
    }
  status = g_test_run ();
  json_node_unref (reference);
  return status;
}
