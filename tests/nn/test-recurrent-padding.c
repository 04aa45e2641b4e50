/* test-recurrent-padding.c: what padding and batch order must not change, the
 * meaning of the reverse direction, setup errors and the fast activations. */
#include <math.h>
#include <string.h>

#include "layer-harness.h"
#include "nn-recurrent.h"
#include "testutil.h"

#define B 6
#define T_SHORT 7
#define T_LONG 11
#define F 4
#define UNITS 5

static const int lengths[B] = { 2, 7, 1, 5, 7, 3 };   /* unsorted, with ties */

static const NnLayerKind kinds[] = { NN_LAYER_SIMPLE_RNN, NN_LAYER_LSTM, NN_LAYER_GRU };

static void
config_for (NnLayerConfig *cfg, gboolean seq, gboolean bi)
{
  nn_layer_config_default (cfg);
  cfg->units = UNITS;
  cfg->activation = NN_ACT_TANH;
  cfg->return_sequences = seq;
  cfg->bidirectional = bi;
}

/* x (B, T, F) with the valid steps of `valid` (B, T_SHORT, F) and junk after them. */
static float *
padded_input (const float *valid, int T, const int *lens, const int *rows, float junk)
{
  float *x = g_new (float, (gsize) B * T * F);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      for (int f = 0; f < F; f++)
        x[((gsize) b * T + t) * F + f] = t < lens[b]
          ? valid[((gsize) rows[b] * T_SHORT + t) * F + f]
          : junk + 0.37f * t - 1.3f * f + b;
  return x;
}

static float *
random_floats (NnRng *rng, gsize n)
{
  float *v = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) nn_rng_uniform_range (rng, -1.0, 1.0);
  return v;
}

typedef struct
{
  float *y;      /* valid part of the output, rows in original order */
  float *dx;     /* valid part of dx */
  float *grads;
  gsize n_params;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->y);
  g_free (r->dx);
  g_free (r->grads);
}

/* Runs one layer on a batch whose row b is original row rows[b], padded to T with junk;
 * dy_valid is (B, T_SHORT, units*dirs) or (B, units*dirs) in original row order. */
static Result
run_batch (NnLayerKind kind, const NnLayerConfig *cfg, int T, const float *x_valid,
           const float *dy_valid, const int *rows, float junk)
{
  NnShape in = { TRUE, T, F };
  g_autoptr (GError) error = NULL;
  g_autoptr (LhRun) run = lh_run_new (kind, cfg, &in, 0, B, &error);
  int lens[B];
  int C = cfg->units * (cfg->bidirectional ? 2 : 1);
  int y_steps = cfg->return_sequences ? T : 1;
  g_autofree float *x = NULL, *dy = NULL;
  const NnAct *y;
  const float *dx;
  Result res = { 0 };

  g_assert_no_error (error);
  for (int b = 0; b < B; b++)
    lens[b] = lengths[rows[b]];
  x = padded_input (x_valid, T, lens, rows, junk);
  dy = g_new0 (float, (gsize) B * y_steps * C);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < (cfg->return_sequences ? lens[b] : 1); t++)
      memcpy (dy + ((gsize) b * y_steps + t) * C,
              dy_valid + ((gsize) rows[b] * (cfg->return_sequences ? T_SHORT : 1) + t) * C,
              C * sizeof (float));

  y = lh_run_forward (run, x, lens, NULL, TRUE, 1);
  res.y = g_new0 (float, (gsize) B * T_SHORT * 2 * UNITS);  /* room for both directions */
  for (int b = 0; b < B; b++)
    for (int t = 0; t < (cfg->return_sequences ? lens[b] : 1); t++)
      memcpy (res.y + ((gsize) rows[b] * T_SHORT + t) * C, y->data + ((gsize) b * y_steps + t) * C,
              C * sizeof (float));

  dx = lh_run_backward (run, dy, TRUE);
  res.dx = g_new0 (float, (gsize) B * T_SHORT * F);
  for (int b = 0; b < B; b++)
    memcpy (res.dx + (gsize) rows[b] * T_SHORT * F, dx + (gsize) b * T * F,
            (gsize) lens[b] * F * sizeof (float));
  res.n_params = lh_run_layer (run)->n_params;
  res.grads = g_memdup2 (lh_run_grads (run), res.n_params * sizeof (float));
  return res;
}

static void
assert_same (const char *what, const Result *a, const Result *b, double tol)
{
  g_autofree char *y = g_strdup_printf ("%s: y", what);
  g_autofree char *dx = g_strdup_printf ("%s: dx", what);
  g_autofree char *grads = g_strdup_printf ("%s: parameter gradients", what);
  tu_assert_close (y, a->y, b->y, (gsize) B * T_SHORT * 2 * UNITS, tol);
  tu_assert_close (dx, a->dx, b->dx, (gsize) B * T_SHORT * F, tol);
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  tu_assert_close (grads, a->grads, b->grads, a->n_params, tol);
}

/* Different padded lengths, different junk, and a shuffled batch: the same numbers. */
static void
test_padding_and_order (void)
{
  static const int identity[B] = { 0, 1, 2, 3, 4, 5 };
  static const int shuffled[B] = { 3, 0, 5, 2, 4, 1 };
  NnRng rng;
  g_autofree float *x_valid = NULL, *dy_valid = NULL;

  nn_rng_init (&rng, 7);
  x_valid = random_floats (&rng, (gsize) B * T_SHORT * F);
  dy_valid = random_floats (&rng, (gsize) B * T_SHORT * 2 * UNITS);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (int seq = 0; seq <= 1; seq++)
      for (int bi = 0; bi <= 1; bi++)
        {
          NnLayerConfig cfg;
          g_autofree char *what = NULL;
          Result base, longer, order;

          config_for (&cfg, seq, bi);
          what = g_strdup_printf ("%s seq=%d bi=%d", nn_layer_ops_for_kind (kinds[k])->name,
                                  seq, bi);
          base = run_batch (kinds[k], &cfg, T_SHORT, x_valid, dy_valid, identity, 9.0f);
          longer = run_batch (kinds[k], &cfg, T_LONG, x_valid, dy_valid, identity, -1e4f);
          order = run_batch (kinds[k], &cfg, T_SHORT, x_valid, dy_valid, shuffled, 123.0f);
          /* the packed computation is identical, so the numbers are too */
          assert_same (what, &longer, &base, 0.0);
          /* reordered sums may round differently */
          assert_same (what, &order, &base, 1e-5);
          result_clear (&base);
          result_clear (&longer);
          result_clear (&order);
        }
}

/* One forward + backward through the ops table, as nn-model runs a layer: the input has
 * x_steps steps, the output buffer the layer's (built) y_steps. */
static void
run_direct (const NnLayer *layer, const float *params, float *grads, const float *x, int x_steps,
            int y_steps, const float *dy, float *y, float *dx)
{
  int y_lengths[B];
  NnAct xa = { (float *) x, (int *) lengths, B, x_steps, F };
  NnAct ya = { y, y_lengths, B, y_steps, layer->out.features };
  NnPass pass = { 0 };
  NnRng rng;
  void *work = g_aligned_alloc0 (1, layer->ops->workspace_size (layer, B, T_LONG), 64);
  g_autofree float *dy_copy = g_memdup2 (dy, (gsize) B * y_steps * layer->out.features
                                              * sizeof (float));

  nn_rng_init (&rng, 1);
  pass.params = params;
  pass.grads = grads;
  pass.work = work;
  pass.training = TRUE;
  pass.rng = &rng;
  layer->ops->forward (layer, &pass, &xa, &ya);
  for (int b = 0; b < B; b++)
    g_assert_cmpint (y_lengths[b], ==, lengths[b]);
  layer->ops->backward (layer, &pass, &xa, &ya, dy_copy, dx);
  g_aligned_free (work);
}

/* A model built for T_LONG steps runs a batch of T_SHORT steps: the layer reads x with
 * T_SHORT steps and writes y with T_LONG; the numbers are those of a T_SHORT layer. */
static void
test_short_batch (void)
{
  NnRng rng;
  g_autofree float *x = NULL, *dy_short = NULL;

  nn_rng_init (&rng, 5);
  x = random_floats (&rng, (gsize) B * T_SHORT * F);
  dy_short = random_floats (&rng, (gsize) B * T_SHORT * 2 * UNITS);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      NnLayerConfig cfg;
      NnLayer built = { 0 }, exact = { 0 };
      NnShape in_long = { TRUE, T_LONG, F }, in_short = { TRUE, T_SHORT, F };
      g_autoptr (GError) error = NULL;
      g_autofree float *params = NULL, *g_long = NULL, *g_short = NULL;
      g_autofree float *y_long = NULL, *y_short = NULL, *dy_long = NULL;
      g_autofree float *dx_long = NULL, *dx_short = NULL;
      int C = 2 * UNITS;

      config_for (&cfg, TRUE, TRUE);
      built.ops = exact.ops = nn_layer_ops_for_kind (kinds[k]);
      built.cfg = exact.cfg = cfg;
      g_assert_true (nn_layer_setup (&built, &in_long, 0, &error));
      g_assert_true (nn_layer_setup (&exact, &in_short, 0, &error));
      g_assert_cmpuint (built.n_params, ==, exact.n_params);
      params = g_new (float, built.n_params);
      built.ops->init (&built, params, NULL, &rng);
      g_long = g_new0 (float, built.n_params);
      g_short = g_new0 (float, built.n_params);
      y_long = g_new (float, (gsize) B * T_LONG * C);
      y_short = g_new (float, (gsize) B * T_SHORT * C);
      dy_long = g_new0 (float, (gsize) B * T_LONG * C);
      for (int b = 0; b < B; b++)
        memcpy (dy_long + (gsize) b * T_LONG * C, dy_short + (gsize) b * T_SHORT * C,
                (gsize) T_SHORT * C * sizeof (float));
      dx_long = g_new (float, (gsize) B * T_SHORT * F);
      dx_short = g_new (float, (gsize) B * T_SHORT * F);

      run_direct (&built, params, g_long, x, T_SHORT, T_LONG, dy_long, y_long, dx_long);
      run_direct (&exact, params, g_short, x, T_SHORT, T_SHORT, dy_short, y_short, dx_short);
      for (int b = 0; b < B; b++)
        {
          tu_assert_close ("y of a short batch", y_long + (gsize) b * T_LONG * C,
                           y_short + (gsize) b * T_SHORT * C, (gsize) T_SHORT * C, 0.0);
          for (gsize i = (gsize) T_SHORT * C; i < (gsize) T_LONG * C; i++)
            g_assert_cmpfloat (y_long[(gsize) b * T_LONG * C + i], ==, 0.0f);
        }
      tu_assert_close ("dx of a short batch", dx_long, dx_short, (gsize) B * T_SHORT * F, 0.0);
      tu_assert_close ("grads of a short batch", g_long, g_short, built.n_params, 0.0);
    }
}

static const NnTensorInfo *
find_tensor (const NnLayer *layer, const char *name)
{
  for (int i = 0; i < layer->n_tensors; i++)
    if (g_strcmp0 (layer->tensors[i].name, name) == 0)
      return &layer->tensors[i];
  g_error ("layer %s has no tensor %s", layer->ops->name, name);
  return NULL;
}

/* The reverse half of a bidirectional layer is a forward layer with the reverse weights
 * run on each sequence's valid steps backwards; its sequence output is aligned with the
 * input steps and its last state is the one after step 0. */
static void
test_reverse_direction (void)
{
  static const char *const names[] = { "weight_ih", "weight_hh", "bias_ih", "bias_hh" };
  NnRng rng;
  g_autofree float *x = NULL, *x_rev = NULL;

  nn_rng_init (&rng, 11);
  x = random_floats (&rng, (gsize) B * T_SHORT * F);
  x_rev = g_memdup2 (x, (gsize) B * T_SHORT * F * sizeof (float));
  for (int b = 0; b < B; b++)
    for (int t = 0; t < lengths[b]; t++)
      memcpy (x_rev + ((gsize) b * T_SHORT + t) * F,
              x + ((gsize) b * T_SHORT + lengths[b] - 1 - t) * F, F * sizeof (float));

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (int seq = 0; seq <= 1; seq++)
      {
        NnLayerConfig cfg_bi, cfg_one;
        NnShape in = { TRUE, T_SHORT, F };
        g_autoptr (GError) error = NULL;
        g_autoptr (LhRun) bi = NULL;
        g_autoptr (LhRun) one = NULL;
        int steps = seq ? T_SHORT : 1;
        const NnAct *y_bi, *y_one;

        config_for (&cfg_bi, seq, TRUE);
        config_for (&cfg_one, seq, FALSE);
        bi = lh_run_new (kinds[k], &cfg_bi, &in, 0, B, &error);
        g_assert_no_error (error);
        one = lh_run_new (kinds[k], &cfg_one, &in, 0, B, &error);
        g_assert_no_error (error);
        for (guint i = 0; i < G_N_ELEMENTS (names); i++)
          {
            g_autofree char *rev = g_strdup_printf ("%s_reverse", names[i]);
            const NnTensorInfo *src = find_tensor (lh_run_layer (bi), rev);
            const NnTensorInfo *dst = find_tensor (lh_run_layer (one), names[i]);
            g_assert_cmpuint (src->size, ==, dst->size);
            memcpy (lh_run_params (one) + dst->offset, lh_run_params (bi) + src->offset,
                    src->size * sizeof (float));
          }
        y_bi = lh_run_forward (bi, x, lengths, NULL, FALSE, 1);
        y_one = lh_run_forward (one, x_rev, lengths, NULL, FALSE, 1);
        for (int b = 0; b < B; b++)
          for (int t = 0; t < (seq ? lengths[b] : 1); t++)
            {
              int t_one = seq ? lengths[b] - 1 - t : 0;
              const float *got = y_bi->data + ((gsize) b * steps + t) * 2 * UNITS + UNITS;
              const float *want = y_one->data + ((gsize) b * steps + t_one) * UNITS;
              tu_assert_close ("reverse direction", got, want, UNITS, 1e-6);
            }
      }
}

static void
test_setup_errors (void)
{
  NnLayerConfig cfg;
  NnLayer layer = { 0 };
  NnShape vector = { FALSE, 0, 8 };
  NnShape seq = { TRUE, 10, 8 };
  g_autoptr (GError) error = NULL;

  config_for (&cfg, FALSE, FALSE);
  layer.ops = nn_layer_ops_for_kind (NN_LAYER_GRU);
  layer.cfg = cfg;
  g_assert_false (nn_layer_setup (&layer, &vector, 0, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER);
  g_assert_nonnull (strstr (error->message, "needs a sequence"));
  g_assert_nonnull (strstr (error->message, "return sequences"));
  g_clear_error (&error);

  layer.cfg.units = 0;
  g_assert_false (nn_layer_setup (&layer, &seq, 0, &error));
  g_assert_nonnull (strstr (error->message, "units"));
  g_clear_error (&error);

  /* shapes and parameter counts as PyTorch counts them */
  layer.ops = nn_layer_ops_for_kind (NN_LAYER_LSTM);
  layer.cfg.units = 16;
  layer.cfg.bidirectional = TRUE;
  layer.cfg.return_sequences = TRUE;
  g_assert_true (nn_layer_setup (&layer, &seq, 0, &error));
  g_assert_no_error (error);
  g_assert_true (layer.out.seq);
  g_assert_cmpint (layer.out.steps, ==, 10);
  g_assert_cmpint (layer.out.features, ==, 32);
  g_assert_cmpuint (layer.n_params, ==, 2 * (4 * 16 * 8 + 4 * 16 * 16 + 2 * 4 * 16));
  g_assert_cmpint (layer.n_tensors, ==, 8);
  g_assert_cmpstr (layer.tensors[5].name, ==, "weight_hh_reverse");
}

/* LSTM init: forget bias 1 in bias_ih, orthogonal recurrent blocks. */
static void
test_init (void)
{
  NnLayerConfig cfg;
  NnShape in = { TRUE, 4, 3 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LhRun) run = NULL;
  const NnTensorInfo *b_ih, *b_hh, *w_hh;
  const float *p;
  int H = UNITS;

  config_for (&cfg, FALSE, FALSE);
  run = lh_run_new (NN_LAYER_LSTM, &cfg, &in, 0, 2, &error);
  g_assert_no_error (error);
  p = lh_run_params (run);
  b_ih = find_tensor (lh_run_layer (run), "bias_ih");
  b_hh = find_tensor (lh_run_layer (run), "bias_hh");
  w_hh = find_tensor (lh_run_layer (run), "weight_hh");
  for (int j = 0; j < 4 * H; j++)
    {
      g_assert_cmpfloat (p[b_ih->offset + j], ==, j >= H && j < 2 * H ? 1.0f : 0.0f);
      g_assert_cmpfloat (p[b_hh->offset + j], ==, 0.0f);
    }
  for (int g = 0; g < 4; g++)
    for (int a = 0; a < H; a++)
      for (int c = 0; c < H; c++)
        {
          const float *blk = p + w_hh->offset + (gsize) g * H * H;
          double dot = 0.0;
          for (int j = 0; j < H; j++)
            dot += (double) blk[a * H + j] * blk[c * H + j];
          g_assert_cmpfloat_with_epsilon (dot, a == c ? 1.0 : 0.0, 1e-5);
        }
}

static void
test_fast_math (void)
{
  double worst_exp = 0, worst_sig = 0, worst_tanh = 0;
  for (double v = -40.0; v <= 40.0; v += 1e-3)
    {
      float x = (float) v;
      double e = exp ((double) x), s = 1.0 / (1.0 + exp (-(double) x)), t = tanh ((double) x);
      worst_exp = fmax (worst_exp, fabs (nn_fast_exp (x) - e) / e);
      worst_sig = fmax (worst_sig, fabs (nn_fast_sigmoid (x) - s) / s);
      worst_tanh = fmax (worst_tanh, fabs (nn_fast_tanh (x) - t) / fmax (fabs (t), 1e-30));
    }
  g_test_message ("relative errors: exp %.3g sigmoid %.3g tanh %.3g",
                  worst_exp, worst_sig, worst_tanh);
  g_assert_cmpfloat (worst_exp, <, 1e-6);
  g_assert_cmpfloat (worst_sig, <, 1e-6);
  g_assert_cmpfloat (worst_tanh, <, 1e-6);
  /* saturation without overflow or NaN */
  g_assert_cmpfloat (nn_fast_sigmoid (-1e30f), >=, 0.0f);
  g_assert_cmpfloat (nn_fast_sigmoid (1e30f), ==, 1.0f);
  g_assert_cmpfloat (fabsf (nn_fast_tanh (1e30f) - 1.0f), <, 1e-6);
  g_assert_cmpfloat (fabsf (nn_fast_tanh (-1e30f) + 1.0f), <, 1e-6);
  g_assert_cmpfloat (nn_fast_tanh (0.0f), ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recurrent/padding-and-order", test_padding_and_order);
  g_test_add_func ("/recurrent/short-batch", test_short_batch);
  g_test_add_func ("/recurrent/reverse-direction", test_reverse_direction);
  g_test_add_func ("/recurrent/setup-errors", test_setup_errors);
  g_test_add_func ("/recurrent/init", test_init);
  g_test_add_func ("/recurrent/fast-math", test_fast_math);
  return g_test_run ();
}
