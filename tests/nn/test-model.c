/* test-model.c: building and validating layer stacks, whole-model
 * finite-difference gradient checks (feed-forward, recurrent, mixed input),
 * padding, prediction and data checks. */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "testutil.h"

/* ---- helpers ---- */

static NnLayerConfig
config (int units, NnActivation act)
{
  NnLayerConfig cfg;
  nn_layer_config_default (&cfg);
  cfg.units = units;
  cfg.activation = act;
  return cfg;
}

/* Random data: values at valid steps, zeros at padded ones, lengths in [1, T]. */
static NnData *
random_data (int n, int T, int F, int S, int K, guint64 seed)
{
  NnData *d = nn_data_new (n, T, F, S, K);
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      d->lengths[i] = i == 0 ? T : 1 + (int) nn_rng_below (&rng, T);
      d->labels[i] = i % K;
      for (int t = 0; t < d->lengths[i]; t++)
        for (int f = 0; f < F; f++)
          d->x[((size_t) i * T + t) * F + f] = (float) nn_rng_uniform_range (&rng, -1.0, 1.0);
      for (int s = 0; s < S; s++)
        d->meta[(size_t) i * S + s] = (float) nn_rng_uniform_range (&rng, -1.0, 1.0);
    }
  return d;
}

static void
whole_batch (const NnData *d, NnBatch *b)
{
  b->batch = d->n;
  b->steps = d->steps;
  b->features = d->features;
  b->meta_features = d->meta_features;
  b->x = d->x;
  b->lengths = d->lengths;
  b->meta = d->meta;
  b->labels = d->labels;
}

static gboolean
kind_available (NnLayerKind kind)
{
  const NnLayerOps *ops = nn_layer_ops_for_kind (kind);
  return ops != NULL && ops->forward != NULL && ops->backward != NULL;
}

/* ---- building and validation ---- */

static void
test_build_shapes (void)
{
  g_autoptr (NnModel) m = nn_model_new (3, 0, 4);
  g_autoptr (GError) error = NULL;
  NnLayerConfig hidden = config (5, NN_ACT_TANH), head = config (4, NN_ACT_SOFTMAX);
  NnLayer *layer;

  nn_model_add_layer (m, NN_LAYER_DENSE, &hidden, "per-step");
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, "head");
  g_assert_true (nn_model_build (m, 7, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nn_model_n_layers (m), ==, 3);

  layer = nn_model_get_layer (m, 0);
  g_assert_true (layer->out.seq);
  g_assert_cmpint (layer->out.steps, ==, 7);
  g_assert_cmpint (layer->out.features, ==, 5);
  g_assert_cmpuint (layer->n_params, ==, 3 * 5 + 5);
  g_assert_cmpuint (layer->param_offset, ==, 0);
  g_assert_cmpstr (layer->label, ==, "per-step");

  layer = nn_model_get_layer (m, 1);
  g_assert_false (layer->out.seq);
  g_assert_cmpint (layer->out.features, ==, 5);
  g_assert_cmpuint (layer->n_params, ==, 0);

  layer = nn_model_get_layer (m, 2);
  g_assert_cmpuint (layer->n_params, ==, 5 * 4 + 4);
  g_assert_cmpuint (layer->param_offset, ==, 20);
  g_assert_cmpuint (nn_model_n_params (m), ==, 20 + 24);
  g_assert_true (m->fused_softmax);
  g_assert_cmpfloat (nn_model_flops (m), >, 0.0);

  /* inserting shifts the offsets of the layers after it */
  {
    NnLayerConfig drop = config (0, NN_ACT_LINEAR);
    nn_model_insert_layer (m, 2, NN_LAYER_DROPOUT, &drop, "drop");
    g_assert_false (m->built);
    g_assert_true (nn_model_build (m, 7, &error));
    g_assert_cmpint (nn_model_n_layers (m), ==, 4);
    g_assert_cmpstr (nn_model_get_layer (m, 2)->label, ==, "drop");
    g_assert_cmpuint (nn_model_get_layer (m, 3)->param_offset, ==, 20);
    g_assert_cmpuint (nn_model_n_params (m), ==, 44);
    nn_model_remove_layer (m, 2);
    g_assert_true (nn_model_build (m, 7, &error));
  }

  /* changing the stack un-builds it */
  nn_model_remove_layer (m, 1);
  g_assert_false (m->built);
  g_assert_false (nn_model_build (m, 7, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "sequence"));
}

static gboolean
has_problem (GArray *problems, int layer_index, const char *fragment)
{
  for (guint i = 0; i < problems->len; i++)
    {
      NnModelProblem *p = &g_array_index (problems, NnModelProblem, i);
      if (p->layer_index == layer_index && strstr (p->message, fragment) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Every problem is reported with its layer index, not only the first. */
static void
test_validate_all_problems (void)
{
  g_autoptr (NnModel) m = nn_model_new (3, 0, 4);
  g_autoptr (GArray) problems = NULL;
  g_autoptr (GError) error = NULL;
  NnLayerConfig bad = config (0, NN_ACT_TANH), head = config (3, NN_ACT_SOFTMAX);

  nn_model_add_layer (m, NN_LAYER_DENSE, &bad, NULL);                 /* 0: no units */
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);       /* 1: fine */
  nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, NULL, NULL);       /* 2: no metadata */
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);                /* 3: 3 outputs, 4 classes */
  problems = nn_model_validate (m, 5);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: layer %d: %s", g_array_index (problems, NnModelProblem, i).layer_index,
                    g_array_index (problems, NnModelProblem, i).message);
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_true (has_problem (problems, 0, ""));
  g_assert_true (has_problem (problems, 2, "metadata"));
  g_assert_true (has_problem (problems, 3, "gives 3 outputs but the data have 4 classes"));
  /* the layers that fit still show their shapes */
  g_assert_cmpuint (nn_model_get_layer (m, 3)->n_params, >, 0);

  g_assert_false (nn_model_build (m, 5, &error));
  g_assert_nonnull (strstr (error->message, "layer 0 (dense)"));
  g_assert_nonnull (strstr (error->message, "layer 2 (concat_metadata)"));
  g_assert_nonnull (strstr (error->message, "layer 3 (dense)"));
  g_assert_false (m->built);
}

static void
test_validate_model_level (void)
{
  g_autoptr (NnModel) empty = nn_model_new (3, 0, 4);
  g_autoptr (NnModel) twice = nn_model_new (3, 2, 4);
  g_autoptr (GArray) p1 = NULL;
  g_autoptr (GArray) p2 = NULL;
  NnLayerConfig head = config (4, NN_ACT_LINEAR);

  p1 = nn_model_validate (empty, 5);
  g_assert_cmpuint (p1->len, ==, 1);
  g_assert_true (has_problem (p1, -1, "no layers"));

  nn_model_add_layer (twice, NN_LAYER_GLOBAL_MAX_POOL, NULL, NULL);
  nn_model_add_layer (twice, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (twice, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (twice, NN_LAYER_DENSE, &head, NULL);
  p2 = nn_model_validate (twice, 5);
  g_assert_true (has_problem (p2, 2, "only one concat_metadata"));
}

/* ---- gradients ---- */

static double
model_loss (NnModel *m, NnWorkspace *ws, const NnBatch *b, gboolean training)
{
  const float *logits;
  /* the same dropout mask for every forward */
  nn_workspace_seed (ws, 77, 0);
  logits = nn_model_forward (m, ws, b, training);
  return nn_loss_compute (&(NnLossConfig) { NN_LOSS_CROSS_ENTROPY, 2.0f, NULL }, logits,
                          b->labels, b->batch, m->n_classes, b->batch, NULL, NULL);
}

/* Central differences on every parameter (or an even sample of at most 400),
 * in double on the float forward. */
static void
gradcheck_model (NnModel *m, const NnData *d, gboolean training, double h, double tol)
{
  g_autoptr (NnWorkspace) ws = nn_workspace_new (m, d->n);
  g_autofree float *dlogits = g_new (float, d->n * m->n_classes);
  g_autofree float *analytic = g_new0 (float, m->n_params);
  NnBatch b;
  const float *logits;
  size_t stride = MAX (m->n_params / 400, 1);
  double worst = 0.0;

  whole_batch (d, &b);
  nn_workspace_seed (ws, 77, 0);
  logits = nn_model_forward (m, ws, &b, training);
  nn_loss_compute (&(NnLossConfig) { NN_LOSS_CROSS_ENTROPY, 2.0f, NULL }, logits, b.labels,
                   b.batch, m->n_classes, b.batch, dlogits, NULL);
  nn_model_backward (m, ws, dlogits, analytic);

  /* no layer with parameters may have an all-zero gradient */
  for (int l = 0; l < nn_model_n_layers (m); l++)
    {
      NnLayer *layer = nn_model_get_layer (m, l);
      double norm = 0.0;
      for (size_t i = 0; i < layer->n_params; i++)
        norm += fabs (analytic[layer->param_offset + i]);
      if (layer->n_params > 0 && norm == 0.0)
        g_error ("layer %d (%s): gradient is all zeros", l, layer->ops->name);
    }

  for (size_t i = 0; i < m->n_params; i += stride)
    {
      float saved = m->params[i];
      double lp, lm, numeric, err;
      m->params[i] = saved + (float) h;
      lp = model_loss (m, ws, &b, training);
      m->params[i] = saved - (float) h;
      lm = model_loss (m, ws, &b, training);
      m->params[i] = saved;
      numeric = (lp - lm) / (((double) saved + (float) h) - ((double) saved - (float) h));
      err = fabs (numeric - analytic[i]) / MAX (1e-2, fabs (numeric));
      worst = MAX (worst, err);
      if (err > tol)
        {
          int l = 0;
          while (l + 1 < nn_model_n_layers (m)
                 && nn_model_get_layer (m, l + 1)->param_offset <= i)
            l++;
          g_error ("parameter %zu (layer %d, %s): analytic %.6g, numeric %.6g", i, l,
                   nn_model_get_layer (m, l)->ops->name, analytic[i], numeric);
        }
    }
  g_test_message ("worst relative gradient error %.3g over %zu parameters", worst, m->n_params);
}

static NnModel *
build_or_skip (NnModel *m, int T)
{
  g_autoptr (GError) error = NULL;
  if (!nn_model_build (m, T, &error))
    {
      g_test_skip (error->message);
      nn_model_free (m);
      return NULL;
    }
  nn_model_init (m, 3);
  return m;
}

static void
test_gradcheck_dense (void)
{
  NnModel *m = nn_model_new (3, 0, 4);
  g_autoptr (NnData) d = random_data (6, 5, 3, 0, 4, 11);
  NnLayerConfig a = config (6, NN_ACT_TANH), b = config (5, NN_ACT_ELU), head = config (4, NN_ACT_SOFTMAX);

  nn_model_add_layer (m, NN_LAYER_DENSE, &a, NULL);
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &b, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if ((m = build_or_skip (m, 5)) == NULL)
    return;
  gradcheck_model (m, d, FALSE, 1e-2, 2e-2);
  nn_model_free (m);
}

/* Mixed input: the metadata vector joins after pooling; the head ends in a
 * separate softmax activation layer, which the loss absorbs. */
static void
test_gradcheck_metadata (void)
{
  NnModel *m = nn_model_new (3, 2, 3);
  g_autoptr (NnData) d = random_data (6, 5, 3, 2, 3, 12);
  NnLayerConfig a = config (4, NN_ACT_SIGMOID), b = config (5, NN_ACT_TANH),
                head = config (3, NN_ACT_LINEAR), soft = config (0, NN_ACT_SOFTMAX);

  nn_model_add_layer (m, NN_LAYER_DENSE, &a, NULL);
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &b, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  nn_model_add_layer (m, NN_LAYER_ACTIVATION, &soft, NULL);
  if ((m = build_or_skip (m, 5)) == NULL)
    return;
  g_assert_cmpint (m->concat_index, ==, 2);
  g_assert_true (m->fused_softmax);
  g_assert_cmpint (m->n_run_layers, ==, 5);
  gradcheck_model (m, d, FALSE, 1e-3, 2e-2);

  /* the metadata really reach the output */
  {
    g_autoptr (NnWorkspace) ws = nn_workspace_new (m, d->n);
    g_autofree float *before = g_new (float, d->n * 3);
    const float *after;
    NnBatch b2;
    whole_batch (d, &b2);
    memcpy (before, nn_model_forward (m, ws, &b2, FALSE), d->n * 3 * sizeof (float));
    d->meta[0] += 1.0f;
    after = nn_model_forward (m, ws, &b2, FALSE);
    g_assert_cmpfloat (fabsf (after[0] - before[0]) + fabsf (after[1] - before[1]), >, 1e-6);
  }
  nn_model_free (m);
}

static void
gradcheck_recurrent (NnLayerKind kind, gboolean bidirectional)
{
  NnModel *m;
  g_autoptr (NnData) d = random_data (5, 6, 3, 2, 3, 13);
  NnLayerConfig rnn = config (4, NN_ACT_TANH), head = config (3, NN_ACT_SOFTMAX);

  if (!kind_available (kind))
    {
      g_test_skip ("recurrent layer not available yet");
      return;
    }
  m = nn_model_new (3, 2, 3);
  rnn.return_sequences = TRUE;
  rnn.bidirectional = bidirectional;
  nn_model_add_layer (m, kind, &rnn, NULL);
  rnn.return_sequences = FALSE;
  rnn.bidirectional = FALSE;
  rnn.units = 3;
  nn_model_add_layer (m, kind, &rnn, NULL);
  nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if ((m = build_or_skip (m, 6)) == NULL)
    return;
  gradcheck_model (m, d, FALSE, 1e-2, 3e-2);
  nn_model_free (m);
}

static void
test_gradcheck_gru (void)
{
  gradcheck_recurrent (NN_LAYER_GRU, TRUE);
}

static void
test_gradcheck_lstm (void)
{
  gradcheck_recurrent (NN_LAYER_LSTM, FALSE);
}

static void
test_gradcheck_simple_rnn (void)
{
  gradcheck_recurrent (NN_LAYER_SIMPLE_RNN, TRUE);
}

/* Conv1D, pooling, batch norm (training statistics) and dropout (fixed mask). */
static void
test_gradcheck_conv_training (void)
{
  NnModel *m = nn_model_new (2, 0, 3);
  g_autoptr (NnData) d = random_data (6, 8, 2, 0, 3, 14);
  NnLayerConfig conv = config (4, NN_ACT_TANH), pool = config (0, NN_ACT_LINEAR),
                drop = config (0, NN_ACT_LINEAR), bn = config (0, NN_ACT_LINEAR),
                head = config (3, NN_ACT_SOFTMAX);

  conv.padding = NN_PADDING_SAME;
  pool.pool_size = 2;
  drop.rate = 0.25f;
  nn_model_add_layer (m, NN_LAYER_CONV1D, &conv, NULL);
  nn_model_add_layer (m, NN_LAYER_AVG_POOL1D, &pool, NULL);
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_BATCH_NORM, &bn, NULL);
  nn_model_add_layer (m, NN_LAYER_DROPOUT, &drop, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if ((m = build_or_skip (m, 8)) == NULL)
    return;
  gradcheck_model (m, d, TRUE, 1e-2, 3e-2);
  nn_model_free (m);
}

/* ---- running ---- */

static NnModel *
small_dense_model (int F, int S, int K)
{
  NnModel *m = nn_model_new (F, S, K);
  NnLayerConfig a = config (6, NN_ACT_TANH), head = config (K, NN_ACT_SOFTMAX);
  g_autoptr (GError) error = NULL;
  nn_model_add_layer (m, NN_LAYER_DENSE, &a, NULL);
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  if (S > 0)
    nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if (!nn_model_build (m, 9, &error))
    g_error ("%s", error->message);
  nn_model_init (m, 5);
  return m;
}

/* A batch with fewer padded steps than the model's gives the same logits. */
static void
test_short_batches (void)
{
  g_autoptr (NnModel) m = small_dense_model (2, 1, 3);
  g_autoptr (NnData) d = random_data (4, 6, 2, 1, 3, 15);
  g_autoptr (NnData) padded = nn_data_new (4, 9, 2, 1, 3);
  g_autoptr (NnWorkspace) ws = nn_workspace_new (m, 4);
  g_autofree float *a = g_new (float, 12);
  NnBatch b;

  for (int i = 0; i < 4; i++)
    {
      memcpy (padded->x + i * 9 * 2, d->x + i * 6 * 2, 6 * 2 * sizeof (float));
      /* junk after the valid steps must not matter */
      for (int t = d->lengths[i]; t < 9; t++)
        padded->x[(i * 9 + t) * 2] = 1e3f;
      padded->lengths[i] = d->lengths[i];
      padded->meta[i] = d->meta[i];
    }
  whole_batch (d, &b);
  memcpy (a, nn_model_forward (m, ws, &b, FALSE), 12 * sizeof (float));
  whole_batch (padded, &b);
  tu_assert_close ("short vs padded", nn_model_forward (m, ws, &b, FALSE), a, 12, 1e-6);
}

static void
test_predict_and_copy (void)
{
  g_autoptr (NnModel) m = small_dense_model (2, 0, 3);
  g_autoptr (NnModel) copy = nn_model_copy (m);
  g_autoptr (NnData) d = random_data (301, 9, 2, 0, 3, 16);
  g_autofree float *p1 = g_new (float, 301 * 3);
  g_autofree float *p2 = g_new (float, 301 * 3);
  g_autofree float *p3 = g_new (float, 301 * 3);
  g_autoptr (GError) error = NULL;
  double loss, acc;

  g_assert_true (nn_model_predict (m, d, p1, 1, &error));
  g_assert_true (nn_model_predict (m, d, p2, 2, &error));
  g_assert_true (nn_model_predict (copy, d, p3, 1, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 301; i++)
    {
      double sum = p1[i * 3] + p1[i * 3 + 1] + p1[i * 3 + 2];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }
  /* the threads split at batch boundaries: the same batches, the same bits */
  g_assert_cmpmem (p2, sizeof (float) * 301 * 3, p1, sizeof (float) * 301 * 3);
  tu_assert_close ("predict copy", p3, p1, 301 * 3, 0.0);

  g_assert_true (nn_model_evaluate (m, d, NULL, 1, &loss, &acc, &error));
  g_assert_cmpfloat (loss, >, 0.0);
  g_assert_cmpfloat (acc, >=, 0.0);
  g_assert_cmpfloat (acc, <=, 1.0);
  /* the loss matches the probabilities */
  {
    double want = 0.0;
    for (int i = 0; i < 301; i++)
      want -= log (p1[i * 3 + d->labels[i]]);
    g_assert_cmpfloat_with_epsilon (loss, want / 301, 1e-5);
  }
}

static void
test_data_errors (void)
{
  g_autoptr (NnModel) m = small_dense_model (2, 1, 3);
  g_autoptr (NnData) wrong_f = random_data (4, 6, 3, 1, 3, 17);
  g_autoptr (NnData) too_long = random_data (4, 12, 2, 1, 3, 17);
  g_autoptr (NnData) bad = random_data (4, 6, 2, 1, 3, 17);
  g_autofree float *p = g_new (float, 4 * 3);
  g_autoptr (GError) error = NULL;

  g_assert_false (nn_model_predict (m, wrong_f, p, 1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "3 features"));
  g_clear_error (&error);

  g_assert_false (nn_model_predict (m, too_long, p, 1, &error));
  g_assert_nonnull (strstr (error->message, "12 steps"));
  g_clear_error (&error);

  bad->lengths[2] = 0;
  g_assert_false (nn_model_check_data (m, bad, FALSE, "test data", &error));
  g_assert_nonnull (strstr (error->message, "row 2"));
  g_assert_nonnull (strstr (error->message, "length"));
  g_clear_error (&error);

  bad->lengths[2] = 3;
  bad->labels[1] = 3;
  g_assert_false (nn_model_check_data (m, bad, TRUE, "test data", &error));
  g_assert_nonnull (strstr (error->message, "row 1"));
  g_assert_nonnull (strstr (error->message, "label"));
  g_clear_error (&error);

  bad->labels[1] = -1;
  g_assert_true (nn_model_check_data (m, bad, FALSE, "test data", &error));
  g_assert_false (nn_model_check_data (m, bad, TRUE, "test data", &error));
  g_clear_error (&error);

  /* unlabelled data can be predicted but not evaluated */
  g_clear_pointer (&bad->labels, g_free);
  g_assert_true (nn_model_predict (m, bad, p, 2, &error));
  g_assert_no_error (error);
  g_assert_false (nn_model_evaluate (m, bad, NULL, 1, NULL, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
}

/* Two halves of a batch, each normalised by the whole batch, add up to the
 * whole batch's gradient (what two training threads do). */
static void
test_split_batch_gradients (void)
{
  g_autoptr (NnModel) m = small_dense_model (2, 1, 3);
  g_autoptr (NnData) d = random_data (9, 9, 2, 1, 3, 18);
  g_autoptr (NnWorkspace) ws = nn_workspace_new (m, 9);
  g_autofree float *whole = g_new0 (float, m->n_params);
  g_autofree float *halves = g_new0 (float, m->n_params);
  g_autofree float *dlogits = g_new (float, 9 * 3);
  NnLossConfig loss;
  NnBatch b, part;
  double norm;
  int first = 5;

  nn_loss_config_default (&loss);
  whole_batch (d, &b);
  norm = nn_loss_normaliser (&loss, b.labels, b.batch, 3);
  nn_loss_compute (&loss, nn_model_forward (m, ws, &b, TRUE), b.labels, 9, 3, norm, dlogits, NULL);
  nn_model_backward (m, ws, dlogits, whole);

  part = b;
  part.batch = first;
  nn_loss_compute (&loss, nn_model_forward (m, ws, &part, TRUE), part.labels, first, 3, norm,
                   dlogits, NULL);
  nn_model_backward (m, ws, dlogits, halves);
  part.batch = 9 - first;
  part.x = b.x + first * 9 * 2;
  part.lengths = b.lengths + first;
  part.meta = b.meta + first;
  part.labels = b.labels + first;
  nn_loss_compute (&loss, nn_model_forward (m, ws, &part, TRUE), part.labels, 9 - first, 3, norm,
                   dlogits, NULL);
  /* backward adds into what is there */
  nn_model_backward (m, ws, dlogits, halves);
  tu_assert_close ("halves vs whole batch", halves, whole, m->n_params, 1e-6);
  g_assert_cmpfloat (fabsf (whole[0]) + fabsf (whole[1]), >, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nn_blas_set_threads (1);

  g_test_add_func ("/model/build-shapes", test_build_shapes);
  g_test_add_func ("/model/validate-all-problems", test_validate_all_problems);
  g_test_add_func ("/model/validate-model-level", test_validate_model_level);
  g_test_add_func ("/model/gradcheck/dense", test_gradcheck_dense);
  g_test_add_func ("/model/gradcheck/metadata", test_gradcheck_metadata);
  g_test_add_func ("/model/gradcheck/gru", test_gradcheck_gru);
  g_test_add_func ("/model/gradcheck/lstm", test_gradcheck_lstm);
  g_test_add_func ("/model/gradcheck/simple-rnn", test_gradcheck_simple_rnn);
  g_test_add_func ("/model/gradcheck/conv-training", test_gradcheck_conv_training);
  g_test_add_func ("/model/short-batches", test_short_batches);
  g_test_add_func ("/model/predict-and-copy", test_predict_and_copy);
  g_test_add_func ("/model/data-errors", test_data_errors);
  g_test_add_func ("/model/split-batch-gradients", test_split_batch_gradients);
  return g_test_run ();
}
