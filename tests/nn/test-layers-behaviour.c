/* test-layers-behaviour.c: what gradient checks cannot see: dropout
 * statistics and masks, setup errors in plain words, per-row output lengths,
 * batch-norm statistics over the valid steps of a sequence. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "layer-harness.h"

static LhRun *
new_run (NnLayerKind kind, const NnLayerConfig *cfg, const NnShape *in, int meta, int batch)
{
  g_autoptr (GError) error = NULL;
  LhRun *run = lh_run_new (kind, cfg, in, meta, batch, &error);
  g_assert_no_error (error);
  return run;
}

static float *
random_floats (gsize n, guint64 seed)
{
  float *v = g_new (float, MAX (n, 1));
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) nn_rng_uniform_range (&rng, 0.5, 1.5);  /* never 0: zeros mean dropped */
  return v;
}

/* ---- dropout ---- */

static void
test_dropout_fraction (void)
{
  NnShape in = { .seq = FALSE, .features = 1000 };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = random_floats (20 * 1000, 1);
  const NnAct *y;
  gsize zeros = 0, n = 20 * 1000;

  nn_layer_config_default (&cfg);
  cfg.rate = 0.3f;
  run = new_run (NN_LAYER_DROPOUT, &cfg, &in, 0, 20);
  y = lh_run_forward (run, x, NULL, NULL, TRUE, 7);
  for (gsize i = 0; i < n; i++)
    {
      if (y->data[i] == 0.0f)
        zeros++;
      else
        g_assert_cmpfloat_with_epsilon (y->data[i], x[i] / 0.7f, 1e-6);
    }
  /* 20000 draws: the standard deviation of the fraction is about 0.003 */
  g_assert_cmpfloat (fabs ((double) zeros / n - 0.3), <, 0.015);
}

static void
test_dropout_inference_identity (void)
{
  NnShape in = { .seq = TRUE, .steps = 5, .features = 4 };
  int lengths[3] = { 5, 2, 0 };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = random_floats (3 * 5 * 4, 2);
  const NnAct *y;

  nn_layer_config_default (&cfg);
  cfg.rate = 0.5f;
  run = new_run (NN_LAYER_DROPOUT, &cfg, &in, 0, 3);
  y = lh_run_forward (run, x, lengths, NULL, FALSE, 7);
  for (int b = 0; b < 3; b++)
    {
      g_assert_cmpint (y->lengths[b], ==, lengths[b]);
      for (int i = 0; i < 5 * 4; i++)
        g_assert_cmpfloat (y->data[b * 20 + i], ==, i < lengths[b] * 4 ? x[b * 20 + i] : 0.0f);
    }
}

static void
test_dropout_same_seed_same_mask (void)
{
  NnShape in = { .seq = FALSE, .features = 64 };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = random_floats (4 * 64, 3);
  g_autofree float *first = NULL;
  const NnAct *y;
  const float *dx;
  int differ = 0;

  nn_layer_config_default (&cfg);
  cfg.rate = 0.5f;
  run = new_run (NN_LAYER_DROPOUT, &cfg, &in, 0, 4);
  y = lh_run_forward (run, x, NULL, NULL, TRUE, 11);
  first = g_memdup2 (y->data, 4 * 64 * sizeof (float));
  y = lh_run_forward (run, x, NULL, NULL, TRUE, 11);
  g_assert_cmpmem (first, 4 * 64 * sizeof (float), y->data, 4 * 64 * sizeof (float));

  /* backward uses the forward's mask: dy = 1 gives the mask itself */
  {
    g_autofree float *ones = g_new (float, 4 * 64);
    for (int i = 0; i < 4 * 64; i++)
      ones[i] = 1.0f;
    dx = lh_run_backward (run, ones, TRUE);
    for (int i = 0; i < 4 * 64; i++)
      g_assert_cmpfloat (dx[i], ==, first[i] == 0.0f ? 0.0f : 2.0f);
  }

  y = lh_run_forward (run, x, NULL, NULL, TRUE, 12);
  for (int i = 0; i < 4 * 64; i++)
    differ += (first[i] == 0.0f) != (y->data[i] == 0.0f);
  g_assert_cmpint (differ, >, 0);
}

/* ---- setup errors ---- */

static void
assert_setup_error (NnLayerKind kind, const NnLayerConfig *cfg, const NnShape *in, int meta,
                    const char *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LhRun) run = lh_run_new (kind, cfg, in, meta, 2, &error);
  g_assert_null (run);
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER);
  if (strstr (error->message, words) == NULL)
    g_error ("setup error “%s” does not mention “%s”", error->message, words);
}

static void
test_setup_errors (void)
{
  NnShape seq = { .seq = TRUE, .steps = 5, .features = 3 };
  NnShape vec = { .seq = FALSE, .features = 3 };
  NnLayerConfig cfg;

  nn_layer_config_default (&cfg);
  cfg.kernel_size = 3;
  cfg.dilation = 3;
  assert_setup_error (NN_LAYER_CONV1D, &cfg, &seq, 0, "kernel of 7 steps is longer than the sequence of 5 steps");

  nn_layer_config_default (&cfg);
  cfg.padding = NN_PADDING_SAME;
  cfg.stride = 2;
  assert_setup_error (NN_LAYER_CONV1D, &cfg, &seq, 0, "stride 1");

  nn_layer_config_default (&cfg);
  assert_setup_error (NN_LAYER_CONV1D, &cfg, &vec, 0, "sequence input");
  cfg.kernel_size = 0;
  assert_setup_error (NN_LAYER_CONV1D, &cfg, &seq, 0, "kernel size");

  nn_layer_config_default (&cfg);
  assert_setup_error (NN_LAYER_CONCAT_METADATA, &cfg, &seq, 2,
                      "join metadata after a layer that produces a vector (Flatten, global pooling "
                      "or a recurrent layer without return sequences)");
  assert_setup_error (NN_LAYER_CONCAT_METADATA, &cfg, &vec, 0, "the data have no metadata features");

  cfg.rate = 1.0f;
  assert_setup_error (NN_LAYER_DROPOUT, &cfg, &vec, 0, "dropout rate");
  cfg.rate = -0.1f;
  assert_setup_error (NN_LAYER_DROPOUT, &cfg, &vec, 0, "dropout rate");
  cfg.rate = NAN;
  assert_setup_error (NN_LAYER_DROPOUT, &cfg, &vec, 0, "dropout rate");

  nn_layer_config_default (&cfg);
  cfg.pool_size = 6;
  assert_setup_error (NN_LAYER_MAX_POOL1D, &cfg, &seq, 0, "pool of 6 steps is longer than the sequence of 5 steps");
  nn_layer_config_default (&cfg);
  assert_setup_error (NN_LAYER_AVG_POOL1D, &cfg, &vec, 0, "sequence input");
  assert_setup_error (NN_LAYER_GLOBAL_MAX_POOL, &cfg, &vec, 0, "already a vector");
  assert_setup_error (NN_LAYER_GLOBAL_AVG_POOL, &cfg, &vec, 0, "already a vector");

  cfg.units = 0;
  assert_setup_error (NN_LAYER_DENSE, &cfg, &vec, 0, "at least one unit");
  cfg.units = G_MAXINT;
  assert_setup_error (NN_LAYER_DENSE, &cfg, &vec, 0, "far too large");

  nn_layer_config_default (&cfg);
  cfg.kernel_size = G_MAXINT;
  cfg.dilation = G_MAXINT;
  cfg.padding = NN_PADDING_SAME;
  cfg.stride = 1;
  assert_setup_error (NN_LAYER_CONV1D, &cfg, &seq, 0, "far too large");

  nn_layer_config_default (&cfg);
  cfg.momentum = 1.5f;
  assert_setup_error (NN_LAYER_BATCH_NORM, &cfg, &vec, 0, "momentum");
  cfg.momentum = 0.1f;
  cfg.epsilon = 0.0f;
  assert_setup_error (NN_LAYER_BATCH_NORM, &cfg, &vec, 0, "epsilon");
}

/* ---- shapes and lengths ---- */

static void
test_output_lengths (void)
{
  NnShape in = { .seq = TRUE, .steps = 9, .features = 2 };
  int lengths[5] = { 9, 8, 3, 1, 0 };
  NnLayerConfig cfg;
  g_autofree float *x = random_floats (5 * 9 * 2, 4);
  const NnAct *y;

  /* valid conv, K 3, stride 2: floor ((L - 3) / 2) + 1 */
  {
    static const int want[5] = { 4, 3, 1, 0, 0 };
    g_autoptr (LhRun) run = NULL;
    nn_layer_config_default (&cfg);
    cfg.units = 2;
    cfg.kernel_size = 3;
    cfg.stride = 2;
    run = new_run (NN_LAYER_CONV1D, &cfg, &in, 0, 5);
    g_assert_cmpint (lh_run_layer (run)->out.steps, ==, 4);
    y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
    g_assert_cmpmem (y->lengths, sizeof want, want, sizeof want);
  }
  /* same conv keeps every length, also an even kernel */
  {
    g_autoptr (LhRun) run = NULL;
    nn_layer_config_default (&cfg);
    cfg.units = 2;
    cfg.kernel_size = 4;
    cfg.padding = NN_PADDING_SAME;
    run = new_run (NN_LAYER_CONV1D, &cfg, &in, 0, 5);
    g_assert_cmpint (lh_run_layer (run)->out.steps, ==, 9);
    y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
    g_assert_cmpmem (y->lengths, sizeof lengths, lengths, sizeof lengths);
  }
  /* pooling 2, stride default (pool size): floor ((L - 2) / 2) + 1 */
  {
    static const int want[5] = { 4, 4, 1, 0, 0 };
    g_autoptr (LhRun) run = NULL;
    nn_layer_config_default (&cfg);
    cfg.pool_size = 2;
    cfg.stride = 0;
    run = new_run (NN_LAYER_AVG_POOL1D, &cfg, &in, 0, 5);
    g_assert_cmpint (lh_run_layer (run)->out.steps, ==, 4);
    y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
    g_assert_cmpmem (y->lengths, sizeof want, want, sizeof want);
  }
  /* global pooling of an empty row is 0 */
  {
    g_autoptr (LhRun) run = NULL;
    nn_layer_config_default (&cfg);
    run = new_run (NN_LAYER_GLOBAL_MAX_POOL, &cfg, &in, 0, 5);
    y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
    g_assert_cmpfloat (y->data[4 * 2], ==, 0.0f);
    g_assert_cmpfloat (y->data[4 * 2 + 1], ==, 0.0f);
    g_assert_cmpfloat (y->data[3 * 2], ==, x[3 * 9 * 2]);
  }
}

/* "same" with an even kernel pads one zero in total, on the right (PyTorch and
 * Keras agree): y[t] = w0 x[t] + w1 x[t + 1], and the last step sees a zero. */
static void
test_conv1d_same_even_kernel (void)
{
  NnShape in = { .seq = TRUE, .steps = 4, .features = 1 };
  int lengths[2] = { 4, 3 };
  float x[8] = { 1, 2, 3, 4, 5, 6, 7, 100 };
  float want[8] = { 21, 32, 43, 4, 65, 76, 7, 0 };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  const NnAct *y;
  float *w;

  nn_layer_config_default (&cfg);
  cfg.units = 1;
  cfg.kernel_size = 2;
  cfg.padding = NN_PADDING_SAME;
  run = new_run (NN_LAYER_CONV1D, &cfg, &in, 0, 2);
  w = lh_run_params (run);
  w[0] = 1.0f;   /* weight (1, 1, 2) */
  w[1] = 10.0f;
  w[2] = 0.0f;   /* bias */
  y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
  g_assert_cmpmem (y->data, sizeof want, want, sizeof want);
}

/* Keras "same" pooling, pool 2 stride 2 on 5 steps: 3 outputs, one padding step
 * on the right that the windows leave out (the last average is x4 alone).  A
 * row of 3 valid steps follows the same rule on its own length. */
static void
test_pool_same (void)
{
  NnShape in = { .seq = TRUE, .steps = 5, .features = 1 };
  int lengths[2] = { 5, 3 };
  float x[10] = { 1, 2, 3, 4, 5, -1, -2, -3, 50, 60 };
  float want_avg[6] = { 1.5f, 3.5f, 5, -1.5f, -3, 0 };
  float want_max[6] = { 2, 4, 5, -1, -3, 0 };
  int want_lengths[2] = { 3, 2 };
  NnLayerConfig cfg;
  const NnAct *y;

  nn_layer_config_default (&cfg);
  cfg.pool_size = 2;
  cfg.stride = 2;
  cfg.padding = NN_PADDING_SAME;
  {
    g_autoptr (LhRun) run = new_run (NN_LAYER_AVG_POOL1D, &cfg, &in, 0, 2);
    g_assert_cmpint (lh_run_layer (run)->out.steps, ==, 3);
    y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
    g_assert_cmpmem (y->lengths, sizeof want_lengths, want_lengths, sizeof want_lengths);
    g_assert_cmpmem (y->data, sizeof want_avg, want_avg, sizeof want_avg);
  }
  {
    g_autoptr (LhRun) run = new_run (NN_LAYER_MAX_POOL1D, &cfg, &in, 0, 2);
    y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
    g_assert_cmpmem (y->data, sizeof want_max, want_max, sizeof want_max);
  }
  /* a pool longer than the sequence is fine with "same" */
  cfg.pool_size = 8;
  {
    g_autoptr (LhRun) run = new_run (NN_LAYER_MAX_POOL1D, &cfg, &in, 0, 2);
    y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
    g_assert_cmpfloat (y->data[0], ==, 5.0f);
  }
}

static void
test_flatten_shape (void)
{
  NnShape in = { .seq = TRUE, .steps = 4, .features = 3 };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;

  nn_layer_config_default (&cfg);
  run = new_run (NN_LAYER_FLATTEN, &cfg, &in, 0, 2);
  g_assert_false (lh_run_layer (run)->out.seq);
  g_assert_cmpint (lh_run_layer (run)->out.features, ==, 12);
}

/* Training on a sequence normalises over the valid steps only: every channel
 * of the output has mean beta and biased variance gamma^2 there. */
static void
test_batch_norm_sequence_statistics (void)
{
  NnShape in = { .seq = TRUE, .steps = 6, .features = 3 };
  int lengths[4] = { 6, 1, 4, 2 };
  NnLayerConfig cfg;
  g_autoptr (LhRun) run = NULL;
  g_autofree float *x = random_floats (4 * 6 * 3, 5);
  const NnAct *y;
  double mean[3] = { 0 }, var[3] = { 0 }, xmean[3] = { 0 }, xvar[3] = { 0 };
  int n = 13;
  float *state;

  for (int i = 0; i < 4 * 6 * 3; i++)
    if ((i / 3) % 6 >= lengths[i / 18])
      x[i] = 1000.0f;  /* padding that would dominate any unmasked statistic */
  nn_layer_config_default (&cfg);
  cfg.momentum = 0.5f;
  run = new_run (NN_LAYER_BATCH_NORM, &cfg, &in, 0, 4);
  y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
  for (int b = 0; b < 4; b++)
    for (int t = 0; t < lengths[b]; t++)
      for (int c = 0; c < 3; c++)
        {
          mean[c] += y->data[(b * 6 + t) * 3 + c] / n;
          xmean[c] += x[(b * 6 + t) * 3 + c] / (double) n;
        }
  for (int b = 0; b < 4; b++)
    for (int t = 0; t < lengths[b]; t++)
      for (int c = 0; c < 3; c++)
        {
          var[c] += pow (y->data[(b * 6 + t) * 3 + c] - mean[c], 2) / n;
          xvar[c] += pow (x[(b * 6 + t) * 3 + c] - xmean[c], 2) / (n - 1);
        }
  state = lh_run_state (run);
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat (fabs (mean[c]), <, 1e-5);
      g_assert_cmpfloat (fabs (var[c] - 1.0), <, 1e-3);  /* eps makes it slightly below 1 */
      /* running stats: momentum 0.5 from mean 0 / var 1, unbiased variance */
      g_assert_cmpfloat (fabs (state[c] - 0.5 * xmean[c]), <, 1e-5);
      g_assert_cmpfloat (fabs (state[3 + c] - (0.5 + 0.5 * xvar[c])), <, 1e-5);
    }
}

/* Padding may hold anything, even NaN: no output, input gradient or parameter
 * gradient of any kind that takes a sequence may see it. */
static void
test_nan_padding (void)
{
  static const NnLayerKind kinds[] = {
    NN_LAYER_DENSE, NN_LAYER_ACTIVATION, NN_LAYER_CONV1D, NN_LAYER_MAX_POOL1D,
    NN_LAYER_AVG_POOL1D, NN_LAYER_GLOBAL_MAX_POOL, NN_LAYER_GLOBAL_AVG_POOL,
    NN_LAYER_FLATTEN, NN_LAYER_DROPOUT, NN_LAYER_BATCH_NORM,
  };
  NnShape in = { .seq = TRUE, .steps = 6, .features = 3 };
  int lengths[3] = { 6, 2, 0 };
  g_autofree float *x = random_floats (3 * 6 * 3, 6);

  for (int i = 0; i < 3 * 6 * 3; i++)
    if ((i / 3) % 6 >= lengths[i / 18])
      x[i] = NAN;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (int training = 0; training <= 1; training++)
      {
        NnLayerConfig cfg;
        g_autoptr (LhRun) run = NULL;
        g_autofree float *dy = NULL;
        const NnAct *y;
        const float *dx;
        NnLayer *layer;

        nn_layer_config_default_for_kind (&cfg, kinds[k]);
        cfg.units = 4;
        cfg.activation = NN_ACT_SOFTMAX;
        run = new_run (kinds[k], &cfg, &in, 0, 3);
        layer = lh_run_layer (run);
        y = lh_run_forward (run, x, lengths, NULL, training, 1);
        for (gsize i = 0; i < lh_run_y_size (run); i++)
          if (!isfinite (y->data[i]))
            g_error ("%s: output %" G_GSIZE_FORMAT " is %g with NaN padding", layer->ops->name, i, y->data[i]);
        dy = random_floats (lh_run_y_size (run), 7);
        dx = lh_run_backward (run, dy, TRUE);
        for (gsize i = 0; i < lh_run_x_size (run); i++)
          if (!isfinite (dx[i]))
            g_error ("%s: dx %" G_GSIZE_FORMAT " is %g with NaN padding", layer->ops->name, i, dx[i]);
        for (gsize i = 0; i < layer->n_params; i++)
          if (!isfinite (lh_run_grads (run)[i]))
            g_error ("%s: grad %" G_GSIZE_FORMAT " is %g with NaN padding", layer->ops->name, i,
                     lh_run_grads (run)[i]);
      }
}

static void
test_flops (void)
{
  NnShape seq = { .seq = TRUE, .steps = 10, .features = 3 };
  NnShape vec = { .seq = FALSE, .features = 8 };
  NnLayerConfig cfg;

  nn_layer_config_default (&cfg);
  cfg.units = 5;
  {
    g_autoptr (LhRun) run = new_run (NN_LAYER_DENSE, &cfg, &vec, 0, 1);
    g_assert_cmpfloat (lh_run_layer (run)->ops->flops (lh_run_layer (run)), ==, 40.0);
  }
  {
    g_autoptr (LhRun) run = new_run (NN_LAYER_DENSE, &cfg, &seq, 0, 1);
    g_assert_cmpfloat (lh_run_layer (run)->ops->flops (lh_run_layer (run)), ==, 150.0);
  }
  cfg.kernel_size = 3;
  {
    /* valid: 8 output steps of 5 filters over 3 channels x 3 taps */
    g_autoptr (LhRun) run = new_run (NN_LAYER_CONV1D, &cfg, &seq, 0, 1);
    g_assert_cmpfloat (lh_run_layer (run)->ops->flops (lh_run_layer (run)), ==, 8.0 * 5 * 3 * 3);
    g_assert_cmpuint (lh_run_layer (run)->n_params, ==, 5 * 3 * 3 + 5);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layers/behaviour/dropout/fraction", test_dropout_fraction);
  g_test_add_func ("/layers/behaviour/dropout/inference-identity", test_dropout_inference_identity);
  g_test_add_func ("/layers/behaviour/dropout/same-seed-same-mask", test_dropout_same_seed_same_mask);
  g_test_add_func ("/layers/behaviour/setup-errors", test_setup_errors);
  g_test_add_func ("/layers/behaviour/output-lengths", test_output_lengths);
  g_test_add_func ("/layers/behaviour/conv1d-same-even-kernel", test_conv1d_same_even_kernel);
  g_test_add_func ("/layers/behaviour/pool-same", test_pool_same);
  g_test_add_func ("/layers/behaviour/flatten-shape", test_flatten_shape);
  g_test_add_func ("/layers/behaviour/batch-norm/sequence-statistics", test_batch_norm_sequence_statistics);
  g_test_add_func ("/layers/behaviour/nan-padding", test_nan_padding);
  g_test_add_func ("/layers/behaviour/flops", test_flops);
  return g_test_run ();
}
