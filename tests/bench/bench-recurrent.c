/* bench-recurrent.c: forward + backward of one recurrent layer on the shapes of the
 * core presets, timed in thread CPU time (steadier than wall time on a shared
 * machine).  Prints one JSON line per shape with milliseconds per batch and GFLOP/s
 * (multiply-adds x 2; backward counted as 2 x forward).
 *
 * Usage: bench-recurrent [--reps N] [--only NAME]
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nn-blas.h"
#include "nn-layer.h"

typedef struct
{
  const char *name;
  NnLayerKind kind;
  int batch, steps, in_features, units;
  gboolean return_sequences;
  gboolean plasticc_lengths;   /* normal(181, 70) clipped to 12..steps, else all full */
} Shape;

static const Shape shapes[] = {
  { "gru-6-64-seq", NN_LAYER_GRU, 64, 36, 6, 64, TRUE, FALSE },
  { "gru-64-64-last", NN_LAYER_GRU, 64, 36, 64, 64, FALSE, FALSE },
  { "rnn-64-64-seq", NN_LAYER_SIMPLE_RNN, 32, 36, 64, 64, TRUE, FALSE },
  { "lstm-8-100-seq", NN_LAYER_LSTM, 1024, 352, 8, 100, TRUE, TRUE },
  { "lstm-100-100-last", NN_LAYER_LSTM, 1024, 352, 100, 100, FALSE, TRUE },
};

static double
thread_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
fill (NnRng *rng, float *v, size_t n, double scale)
{
  for (size_t i = 0; i < n; i++)
    v[i] = (float) nn_rng_uniform_range (rng, -scale, scale);
}

static void
run_shape (const Shape *s, int reps)
{
  NnLayer layer = { 0 };
  NnShape in = { TRUE, s->steps, s->in_features };
  g_autoptr (GError) error = NULL;
  g_autofree float *params = NULL, *grads = NULL, *x = NULL, *dx = NULL, *y = NULL, *dy = NULL;
  g_autofree int *lengths = NULL, *y_lengths = NULL;
  void *work;
  size_t x_size = (size_t) s->batch * s->steps * s->in_features, y_size;
  NnAct xa, ya;
  NnPass pass = { 0 };
  NnRng rng;
  double fwd = 0.0, bwd = 0.0, valid_steps = 0.0, flops;

  layer.ops = nn_layer_ops_for_kind (s->kind);
  nn_layer_config_default (&layer.cfg);
  layer.cfg.units = s->units;
  layer.cfg.activation = NN_ACT_TANH;
  layer.cfg.return_sequences = s->return_sequences;
  if (!nn_layer_setup (&layer, &in, 0, &error))
    g_error ("%s: %s", s->name, error->message);

  nn_rng_init (&rng, 1);
  params = g_new (float, layer.n_params);
  grads = g_new0 (float, layer.n_params);
  layer.ops->init (&layer, params, NULL, &rng);
  work = g_aligned_alloc0 (1, layer.ops->workspace_size (&layer, s->batch, s->steps), 64);
  x = g_new (float, x_size);
  dx = g_new (float, x_size);
  fill (&rng, x, x_size, 1.0);
  lengths = g_new (int, s->batch);
  for (int b = 0; b < s->batch; b++)
    {
      /* CLAMP evaluates its argument more than once: draw first */
      int drawn = (int) (181.0 + 70.0 * nn_rng_normal (&rng) + 0.5);
      lengths[b] = s->plasticc_lengths ? CLAMP (drawn, 12, s->steps) : s->steps;
      valid_steps += lengths[b];
    }
  y_size = (size_t) s->batch * (layer.out.seq ? layer.out.steps : 1) * layer.out.features;
  y = g_new (float, y_size);
  dy = g_new (float, y_size);
  y_lengths = g_new (int, s->batch);
  fill (&rng, dy, y_size, 1.0);

  xa = (NnAct) { x, lengths, s->batch, s->steps, s->in_features };
  ya = (NnAct) { y, layer.out.seq ? y_lengths : NULL, s->batch, layer.out.steps,
                 layer.out.features };
  pass.params = params;
  pass.grads = grads;
  pass.work = work;
  pass.training = TRUE;
  pass.rng = &rng;

  for (int r = 0; r <= reps; r++)
    {
      double t0 = thread_seconds (), t1, t2;
      layer.ops->forward (&layer, &pass, &xa, &ya);
      t1 = thread_seconds ();
      layer.ops->backward (&layer, &pass, &xa, &ya, dy, dx);
      t2 = thread_seconds ();
      if (r > 0)  /* the first round pages the buffers in */
        {
          fwd += t1 - t0;
          bwd += t2 - t1;
        }
    }
  fwd /= reps;
  bwd /= reps;
  flops = 2.0 * layer.ops->flops (&layer) / s->steps * valid_steps;
  printf ("{\"bench\": \"%s\", \"corename\": \"%s\", \"batch\": %d, \"forward_ms\": %.3f, "
          "\"backward_ms\": %.3f, \"forward_gflops\": %.1f, \"train_gflops\": %.1f}\n",
          s->name, nn_blas_corename (), s->batch, fwd * 1e3, bwd * 1e3, flops / fwd * 1e-9,
          3.0 * flops / (fwd + bwd) * 1e-9);
  g_aligned_free (work);
}

int
main (int argc, char **argv)
{
  int reps = 5;
  char *only = NULL;
  GOptionEntry entries[] = {
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Timed repetitions (5)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run one shape", "NAME" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— recurrent layer speed");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || reps < 1)
    {
      g_printerr ("bench-recurrent: %s\n", error != NULL ? error->message : "--reps must be >= 1");
      return 2;
    }
  nn_blas_set_threads (1);
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    if (only == NULL || strcmp (only, shapes[i].name) == 0)
      run_shape (&shapes[i], reps);
  g_free (only);
  return 0;
}
