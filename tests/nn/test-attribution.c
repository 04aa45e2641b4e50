/* test-attribution.c: input gradients of whole models against finite
 * differences (one stack per layer kind as the first layer, so the gradient
 * goes through it to the input), and integrated gradients: completeness for
 * a single model and a calibrated ensemble, zero at padded steps. */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "testutil.h"

static NnLayerConfig
config (int units, NnActivation act)
{
  NnLayerConfig cfg;
  nn_layer_config_default (&cfg);
  cfg.units = units;
  cfg.activation = act;
  return cfg;
}

/* Values at valid steps, zeros at padded ones; row 0 is full length, the
 * others shorter. */
static NnData *
random_data (int n, int T, int F, int S, int K, double scale, guint64 seed)
{
  NnData *d = nn_data_new (n, T, F, S, K);
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      d->lengths[i] = i == 0 ? T : MAX (T - 1 - i, 2);
      for (int t = 0; t < d->lengths[i]; t++)
        for (int f = 0; f < F; f++)
          d->x[((size_t) i * T + t) * F + f] = (float) nn_rng_uniform_range (&rng, -scale, scale);
      for (int s = 0; s < S; s++)
        d->meta[(size_t) i * S + s] = (float) nn_rng_uniform_range (&rng, -scale, scale);
    }
  return d;
}

static void
whole_batch (const NnData *d, NnBatch *b)
{
  *b = (NnBatch) { d->n, d->steps, d->features, d->meta_features, d->x, d->lengths, d->meta,
                   NULL };
}

/* sum (R * logits) in double */
static double
weighted_logits (NnModel *m, NnWorkspace *ws, const NnBatch *b, const float *r)
{
  const float *logits = nn_model_forward (m, ws, b, FALSE);
  double sum = 0.0;
  for (int i = 0; i < b->batch * m->n_classes; i++)
    sum += (double) r[i] * logits[i];
  return sum;
}

static void
check_value (const char *what, int index, double analytic, double numeric, double *worst)
{
  double err = fabs (numeric - analytic) / MAX (0.1, fabs (numeric));
  *worst = MAX (*worst, err);
  if (err > 3e-2)
    g_error ("%s %d: analytic %.6g, numeric %.6g", what, index, analytic, numeric);
}

/* Central differences of sum (R * logits) on every valid input value and
 * every metadata value against nn_model_input_gradient; padded steps must
 * get exactly 0. */
static void
input_gradcheck (NnModel *m, NnData *d)
{
  int T = d->steps, F = d->features, S = d->meta_features, K = m->n_classes, Tm = m->max_steps;
  g_autoptr (NnWorkspace) ws = nn_workspace_new (m, d->n);
  g_autofree float *r = g_new (float, d->n * K);
  g_autofree float *dx = g_new (float, (size_t) d->n * Tm * F);
  g_autofree float *dmeta = S > 0 ? g_new (float, (size_t) d->n * S) : NULL;
  double h = 5e-3, worst = 0.0, norm = 0.0;
  NnBatch b;
  NnRng rng;

  nn_rng_init (&rng, 5);
  for (int i = 0; i < d->n * K; i++)
    r[i] = (float) nn_rng_uniform_range (&rng, -1.0, 1.0);
  whole_batch (d, &b);
  nn_model_forward (m, ws, &b, FALSE);
  nn_model_input_gradient (m, ws, r, dx, dmeta);

  for (int i = 0; i < d->n; i++)
    for (int t = 0; t < Tm; t++)
      for (int f = 0; f < F; f++)
        {
          size_t gi = ((size_t) i * Tm + t) * F + f;
          if (t >= d->lengths[i])
            {
              g_assert_cmpfloat (dx[gi], ==, 0.0f);
              continue;
            }
          float *v = &d->x[((size_t) i * T + t) * F + f];
          float saved = *v;
          double plus, minus;
          *v = saved + (float) h;
          plus = weighted_logits (m, ws, &b, r);
          *v = saved - (float) h;
          minus = weighted_logits (m, ws, &b, r);
          *v = saved;
          norm += fabs (dx[gi]);
          check_value ("input", (int) gi, dx[gi], (plus - minus) / (2 * h), &worst);
        }
  for (int i = 0; i < d->n * S; i++)
    {
      float saved = d->meta[i];
      double plus, minus;
      d->meta[i] = saved + (float) h;
      plus = weighted_logits (m, ws, &b, r);
      d->meta[i] = saved - (float) h;
      minus = weighted_logits (m, ws, &b, r);
      d->meta[i] = saved;
      check_value ("metadata", i, dmeta[i], (plus - minus) / (2 * h), &worst);
    }
  g_assert_cmpfloat (norm, >, 0.0);
  g_test_message ("worst relative input-gradient error %.3g", worst);
}

/* first layer(s) given by the caller, then global average pooling (when the
 * stack is still a sequence), the metadata, a tanh dense and the head. */
static NnModel *
finish_model (NnModel *m, int T)
{
  g_autoptr (GError) error = NULL;
  NnLayerConfig hidden = config (5, NN_ACT_TANH), head = config (3, NN_ACT_SOFTMAX);
  /* fills the shapes (an unused metadata input is a problem here, not one) */
  GArray *problems = nn_model_validate (m, T);
  NnLayer *last = nn_model_get_layer (m, nn_model_n_layers (m) - 1);

  g_array_unref (problems);
  if (last->out.seq)
    nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  if (m->meta_features > 0)
    nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &hidden, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if (!nn_model_build (m, T, &error))
    g_error ("%s", error->message);
  nn_model_init (m, 9);
  return m;
}

typedef struct
{
  const char *name;
  NnLayerKind kind;
  NnLayerConfig cfg;
  gboolean with_meta;
} KindCase;

static void
test_input_gradient (gconstpointer data)
{
  const KindCase *c = data;
  int T = 7, F = 3, S = c->with_meta ? 2 : 0;
  g_autoptr (NnModel) m = nn_model_new (F, S, 3);
  g_autoptr (NnData) d = NULL;

  nn_model_add_layer (m, c->kind, &c->cfg, NULL);
  finish_model (m, T);
  d = random_data (4, T, F, S, 3, 1.0, 21);
  input_gradcheck (m, d);
}

/* A batch shorter than the model's steps still gets (B, max_steps, F). */
static void
test_input_gradient_short_batch (void)
{
  NnLayerConfig gru = config (4, NN_ACT_TANH);
  g_autoptr (NnModel) m = nn_model_new (2, 0, 3);
  g_autoptr (NnData) d = random_data (3, 5, 2, 0, 3, 1.0, 4);

  gru.return_sequences = TRUE;
  nn_model_add_layer (m, NN_LAYER_GRU, &gru, NULL);
  finish_model (m, 8);
  input_gradcheck (m, d);
}

static NnModel *
ig_model (int F, int S, int K, NnLayerKind kind, guint64 seed)
{
  NnLayerConfig rnn = config (8, NN_ACT_TANH), head = config (K, NN_ACT_SOFTMAX);
  NnModel *m = nn_model_new (F, S, K);
  g_autoptr (GError) error = NULL;

  nn_model_add_layer (m, kind, &rnn, NULL);
  if (S > 0)
    nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if (!nn_model_build (m, 10, &error))
    g_error ("%s", error->message);
  nn_model_init (m, seed);
  /* larger weights than the initial ones, so the probabilities move far */
  for (size_t i = 0; i < m->n_params; i++)
    m->params[i] *= 2.0f;
  return m;
}

static void
check_completeness (NnModel *const *models, int n_models, double temperature, const NnData *d,
                    int row, int target)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnAttribution) a = NULL;
  g_autofree float *probs = g_new (float, models[0]->n_classes);
  double delta, total, meta_mass = 0.0;

  a = nn_attribution_integrated_gradients (models, n_models, temperature, d, row, target,
                                           NN_ATTRIBUTION_DEFAULT_POINTS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (nn_ensemble_row_probabilities (models, n_models, temperature, d, row, probs,
                                                   &error) ? a : NULL);
  g_assert_cmpfloat_with_epsilon (a->probability, probs[target], 1e-5);
  delta = a->probability - a->baseline_probability;
  total = nn_attribution_total (a);
  g_test_message ("f(x) %.5f, f(0) %.5f, sum of attributions %.5f", a->probability,
                  a->baseline_probability, total);
  /* the probability must really move for the check to mean something */
  g_assert_cmpfloat (fabs (delta), >, 0.05);
  g_assert_cmpfloat (fabs (total - delta), <=, 0.01 * fabs (delta));
  for (int t = a->length; t < a->steps; t++)
    for (int f = 0; f < a->features; f++)
      g_assert_cmpfloat (a->x[t * a->features + f], ==, 0.0f);
  for (int s = 0; s < a->meta_features; s++)
    meta_mass += fabs (a->meta[s]);
  if (a->meta_features > 0)
    g_assert_cmpfloat (meta_mass, >, 0.0);
}

static void
test_completeness_single (void)
{
  g_autoptr (NnModel) m = ig_model (3, 2, 3, NN_LAYER_LSTM, 31);
  g_autoptr (NnData) d = random_data (3, 10, 3, 2, 3, 2.0, 8);
  NnModel *models[] = { m };

  for (int row = 0; row < d->n; row++)
    {
      float p[3];
      g_assert_true (nn_ensemble_row_probabilities (models, 1, 1.0, d, row, p, NULL));
      /* the predicted class: its probability is far from a third */
      int top = p[0] > p[1] ? (p[0] > p[2] ? 0 : 2) : (p[1] > p[2] ? 1 : 2);
      check_completeness (models, 1, 1.0, d, row, top);
    }
}

static void
test_completeness_ensemble_calibrated (void)
{
  g_autoptr (NnModel) a = ig_model (3, 2, 4, NN_LAYER_GRU, 41);
  g_autoptr (NnModel) b = ig_model (3, 2, 4, NN_LAYER_GRU, 42);
  g_autoptr (NnData) d = random_data (2, 10, 3, 2, 4, 2.0, 9);
  NnModel *models[] = { a, b };
  float p[4];
  int top = 0;

  g_assert_true (nn_ensemble_row_probabilities (models, 2, 0.6, d, 0, p, NULL));
  for (int k = 1; k < 4; k++)
    if (p[k] > p[top])
      top = k;
  check_completeness (models, 2, 0.6, d, 0, top);
  check_completeness (models, 2, 1.8, d, 1, top);
}

static void
test_bad_arguments (void)
{
  g_autoptr (NnModel) m = ig_model (3, 0, 3, NN_LAYER_GRU, 1);
  g_autoptr (NnData) d = random_data (2, 10, 3, 0, 3, 1.0, 2);
  g_autoptr (NnData) wrong = random_data (2, 10, 4, 0, 3, 1.0, 2);
  NnModel *models[] = { m };
  GError *error = NULL;

  g_assert_null (nn_attribution_integrated_gradients (models, 1, 1.0, d, 0, 3, 64, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);
  g_assert_null (nn_attribution_integrated_gradients (models, 1, 1.0, d, 2, 0, 64, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);
  g_assert_null (nn_attribution_integrated_gradients (models, 1, 1.0, d, 0, 0, 1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);
  g_assert_null (nn_attribution_integrated_gradients (models, 1, 0.0, d, 0, 0, 64, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL);
  g_clear_error (&error);
  g_assert_null (nn_attribution_integrated_gradients (models, 1, 1.0, wrong, 0, 0, 64, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  static KindCase cases[32];
  int n = 0;
  NnLayerConfig c;

  g_test_init (&argc, &argv, NULL);
#define ADD(NAME, KIND, META, ...)                                                       \
  do {                                                                                   \
    nn_layer_config_default (&c);                                                        \
    __VA_ARGS__;                                                                         \
    cases[n] = (KindCase) { NAME, KIND, c, META };                                       \
    g_test_add_data_func ("/attribution/input-gradient/" NAME, &cases[n], test_input_gradient); \
    n++;                                                                                 \
  } while (0)
  ADD ("dense", NN_LAYER_DENSE, TRUE, c.units = 4; c.activation = NN_ACT_TANH);
  ADD ("activation", NN_LAYER_ACTIVATION, FALSE, c.activation = NN_ACT_SIGMOID);
  ADD ("simple_rnn", NN_LAYER_SIMPLE_RNN, TRUE, c.units = 4; c.activation = NN_ACT_TANH);
  ADD ("lstm", NN_LAYER_LSTM, FALSE, c.units = 4);
  ADD ("lstm-bidirectional-sequences", NN_LAYER_LSTM, TRUE,
       c.units = 3; c.bidirectional = TRUE; c.return_sequences = TRUE);
  ADD ("gru", NN_LAYER_GRU, TRUE, c.units = 4);
  ADD ("gru-bidirectional", NN_LAYER_GRU, FALSE, c.units = 3; c.bidirectional = TRUE);
  ADD ("conv1d", NN_LAYER_CONV1D, FALSE,
       c.units = 4; c.kernel_size = 3; c.padding = NN_PADDING_SAME; c.activation = NN_ACT_TANH);
  ADD ("conv1d-valid-dilated", NN_LAYER_CONV1D, TRUE,
       c.units = 3; c.kernel_size = 2; c.dilation = 2; c.activation = NN_ACT_TANH);
  ADD ("max_pool1d", NN_LAYER_MAX_POOL1D, FALSE, c.pool_size = 2);
  ADD ("avg_pool1d", NN_LAYER_AVG_POOL1D, TRUE, c.pool_size = 2);
  ADD ("global_max_pool", NN_LAYER_GLOBAL_MAX_POOL, FALSE, (void) 0);
  ADD ("global_avg_pool", NN_LAYER_GLOBAL_AVG_POOL, TRUE, (void) 0);
  ADD ("flatten", NN_LAYER_FLATTEN, FALSE, (void) 0);
  ADD ("dropout", NN_LAYER_DROPOUT, TRUE, c.rate = 0.5f);
  ADD ("batch_norm", NN_LAYER_BATCH_NORM, FALSE, (void) 0);
#undef ADD
  g_test_add_func ("/attribution/input-gradient/short-batch", test_input_gradient_short_batch);
  g_test_add_func ("/attribution/completeness/single", test_completeness_single);
  g_test_add_func ("/attribution/completeness/ensemble-calibrated",
                   test_completeness_ensemble_calibrated);
  g_test_add_func ("/attribution/bad-arguments", test_bad_arguments);
  return g_test_run ();
}
