/* bench-core.c: training and inference speed of the core on the three presets
 * of ../shared/perf (fixed synthetic data of the same shapes):
 *
 *   misweeper-lstm     LSTM(8->100) x2 -> BatchNorm -> concat 31 metadata -> 512 -> 256 -> 128
 *                      -> 64 -> 14 (Dense, BatchNorm, ReLU, Dropout), 7848 sequences of at most
 *                      352 steps, batch 1024, Adam 0.01.  Lengths are drawn like the PyTorch
 *                      script's: normal(181, 70) rounded and clipped to 12..352 (PLAsTiCC's mean).
 *   hybrid-rnn-conv1d  SimpleRNN(64) x3 -> Conv1D(64, k=3, relu) -> Dropout -> Flatten
 *                      -> Dense(64, relu) -> Dropout -> Dense(14), 2459 x 36 x 6, batch 32.
 *   gru2               GRU(6->64) x2 -> Dense(14), 2459 x 36 x 6, batch 64.
 *
 * Prints one JSON line: {"bench", "threads", "corename", "epoch_seconds" (median of the
 * timed epochs after one warm-up epoch), "epoch_cpu_seconds" (the same in process CPU
 * time, all threads: steadier on a busy machine), "infer_objects_per_second",
 * "peak_rss_mb", ...}.
 *
 * Usage: bench-core PRESET [--epochs N] [--threads 1|2] [--subset K]
 * --subset K trains on the first K objects and scales the epoch time to the full set.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "nn-blas.h"
#include "nn-loss.h"
#include "nn-model.h"
#include "nn-train.h"
#include "testutil.h"

#define N_CLASSES 14

/* PLAsTiCC training-set class counts (sum 7848), as the PyTorch script uses. */
static const int plasticc_counts[N_CLASSES] = {
  151, 495, 924, 1193, 183, 30, 484, 102, 981, 208, 370, 2313, 239, 175
};

typedef struct
{
  const char *name;
  int n;            /* objects in a full epoch */
  int steps;
  int features;
  int meta;
  int batch;
  float lr;
  double torch_epoch_seconds;  /* ../shared/perf/README.md, for the ratio */
  NnModel *(*build) (void);
} Preset;

static NnLayerConfig
config (int units, NnActivation act)
{
  NnLayerConfig cfg;
  nn_layer_config_default (&cfg);
  cfg.units = units;
  cfg.activation = act;
  return cfg;
}

static void
add_recurrent (NnModel *m, NnLayerKind kind, int units, gboolean seq)
{
  NnLayerConfig cfg = config (units, NN_ACT_TANH);
  cfg.return_sequences = seq;
  nn_model_add_layer (m, kind, &cfg, NULL);
}

static void
add_dropout (NnModel *m, float rate)
{
  NnLayerConfig cfg = config (0, NN_ACT_LINEAR);
  cfg.rate = rate;
  nn_model_add_layer (m, NN_LAYER_DROPOUT, &cfg, NULL);
}

static NnModel *
build_misweeper (void)
{
  static const int dims[] = { 512, 256, 128, 64 };
  static const float drops[] = { 0.25f, 0.5f, 0.5f, 0.25f };
  NnModel *m = nn_model_new (8, 31, N_CLASSES);
  NnLayerConfig cfg;

  add_recurrent (m, NN_LAYER_LSTM, 100, TRUE);
  add_dropout (m, 0.1f);
  add_recurrent (m, NN_LAYER_LSTM, 100, FALSE);
  cfg = config (0, NN_ACT_LINEAR);
  nn_model_add_layer (m, NN_LAYER_BATCH_NORM, &cfg, NULL);
  nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, &cfg, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
    {
      cfg = config (dims[i], NN_ACT_LINEAR);
      nn_model_add_layer (m, NN_LAYER_DENSE, &cfg, NULL);
      cfg = config (0, NN_ACT_LINEAR);
      nn_model_add_layer (m, NN_LAYER_BATCH_NORM, &cfg, NULL);
      cfg = config (0, NN_ACT_RELU);
      nn_model_add_layer (m, NN_LAYER_ACTIVATION, &cfg, NULL);
      add_dropout (m, drops[i]);
    }
  cfg = config (N_CLASSES, NN_ACT_LINEAR);
  nn_model_add_layer (m, NN_LAYER_DENSE, &cfg, NULL);
  return m;
}

static NnModel *
build_hybrid (void)
{
  NnModel *m = nn_model_new (6, 0, N_CLASSES);
  NnLayerConfig cfg;

  for (int i = 0; i < 3; i++)
    add_recurrent (m, NN_LAYER_SIMPLE_RNN, 64, TRUE);
  cfg = config (64, NN_ACT_RELU);
  cfg.kernel_size = 3;
  nn_model_add_layer (m, NN_LAYER_CONV1D, &cfg, NULL);
  add_dropout (m, 0.5f);
  cfg = config (0, NN_ACT_LINEAR);
  nn_model_add_layer (m, NN_LAYER_FLATTEN, &cfg, NULL);
  cfg = config (64, NN_ACT_RELU);
  nn_model_add_layer (m, NN_LAYER_DENSE, &cfg, NULL);
  add_dropout (m, 0.5f);
  cfg = config (N_CLASSES, NN_ACT_LINEAR);
  nn_model_add_layer (m, NN_LAYER_DENSE, &cfg, NULL);
  return m;
}

static NnModel *
build_gru2 (void)
{
  NnModel *m = nn_model_new (6, 0, N_CLASSES);
  NnLayerConfig cfg;

  add_recurrent (m, NN_LAYER_GRU, 64, TRUE);
  add_recurrent (m, NN_LAYER_GRU, 64, FALSE);
  cfg = config (N_CLASSES, NN_ACT_LINEAR);
  nn_model_add_layer (m, NN_LAYER_DENSE, &cfg, NULL);
  return m;
}

static const Preset presets[] = {
  { "misweeper-lstm", 7848, 352, 8, 31, 1024, 0.01f, 71.8, build_misweeper },
  { "hybrid-rnn-conv1d", 2459, 36, 6, 0, 32, 1e-3f, 0.677, build_hybrid },
  { "gru2", 2459, 36, 6, 0, 64, 1e-3f, 0.593, build_gru2 },
};

/* Fixed synthetic data of the preset's shape. */
static NnData *
make_data (const Preset *p, int n)
{
  NnData *d = nn_data_new (n, p->steps, p->features, p->meta, N_CLASSES);
  NnRng rng;

  nn_rng_init (&rng, 2026);
  for (int i = 0; i < n; i++)
    {
      int len = p->steps;
      if (p->meta > 0)
        {
          /* CLAMP evaluates its argument more than once: draw first */
          int drawn = (int) lround (181.0 + 70.0 * nn_rng_normal (&rng));
          len = CLAMP (drawn, 12, p->steps);
        }
      d->lengths[i] = len;
      for (int t = 0; t < len; t++)
        for (int f = 0; f < p->features; f++)
          d->x[((size_t) i * p->steps + t) * p->features + f] = (float) nn_rng_normal (&rng);
      for (int s = 0; s < p->meta; s++)
        d->meta[(size_t) i * p->meta + s] = (float) nn_rng_normal (&rng);
    }
  /* labels with PLAsTiCC's class proportions, shuffled */
  for (int i = 0, c = 0, left = plasticc_counts[0]; i < n; i++)
    {
      while (left == 0 && c + 1 < N_CLASSES)
        left = plasticc_counts[++c];
      d->labels[i] = c;
      left--;
    }
  nn_rng_shuffle_int (&rng, d->labels, n);
  return d;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct
{
  double last;
  GArray *per_epoch;   /* double: CPU seconds of each epoch */
} CpuClock;

static gboolean
record_epoch_cpu (const NnEpochStats *stats, gpointer user_data)
{
  CpuClock *clock = user_data;
  double now = tu_process_cpu_seconds ();
  double used = now - clock->last;
  g_array_append_val (clock->per_epoch, used);
  clock->last = now;
  return TRUE;
}

static double
peak_rss_mb (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;  /* kilobytes on Linux */
}

static const Preset *
find_preset (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].name, name) == 0)
      return &presets[i];
  return NULL;
}

static double
time_inference (const NnModel *model, const NnData *data, int threads, GError **error)
{
  g_autofree float *probs = g_new (float, (size_t) data->n * N_CLASSES);
  double best = INFINITY;

  /* one warm-up, then the fastest of three: the least disturbed by the other jobs */
  for (int rep = 0; rep < 4; rep++)
    {
      gint64 start = g_get_monotonic_time ();
      double s;
      if (!nn_model_predict (model, data, probs, threads, error))
        return -1.0;
      s = (g_get_monotonic_time () - start) / 1e6;
      if (rep > 0)
        best = MIN (best, s);
    }
  return best;
}

int
main (int argc, char **argv)
{
  int epochs = 3, threads = 1, subset = 0;
  GOptionEntry entries[] = {
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Timed epochs after the warm-up (3)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Training threads, 1 or 2 (1)", "N" },
    { "subset", 0, 0, G_OPTION_ARG_INT, &subset, "Time K objects and scale to the full set", "K" },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new ("PRESET — misweeper-lstm, hybrid-rnn-conv1d or gru2");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModel) model = NULL;
  g_autoptr (NnData) data = NULL;
  g_autoptr (NnHistory) history = nn_history_new ();
  g_autofree double *seconds = NULL;
  g_autofree double *cpu = NULL;
  g_autoptr (GArray) cpu_per_epoch = g_array_new (FALSE, FALSE, sizeof (double));
  CpuClock clock = { 0.0, cpu_per_epoch };
  NnTrainCallbacks callbacks = { NULL, record_epoch_cpu, &clock };
  NnTrainConfig tc;
  const Preset *p;
  int n;
  double scale, epoch_s, epoch_cpu_s, infer_s;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-core: %s\n", error->message);
      return 2;
    }
  p = argc == 2 ? find_preset (argv[1]) : NULL;
  if (p == NULL || epochs < 1 || threads < 1 || threads > 2 || subset < 0)
    {
      g_printerr ("usage: bench-core misweeper-lstm|hybrid-rnn-conv1d|gru2 "
                  "[--epochs N] [--threads 1|2] [--subset K]\n");
      return 2;
    }

  n = subset > 0 ? MIN (subset, p->n) : p->n;
  scale = (double) p->n / n;
  data = make_data (p, n);
  model = p->build ();
  if (!nn_model_build (model, p->steps, &error))
    {
      g_printerr ("bench-core: %s: %s\n", p->name, error->message);
      return 1;
    }
  nn_model_init (model, 1);
  /* with two training threads each runs single-threaded BLAS (DESIGN §4) */
  nn_blas_set_threads (1);

  nn_train_config_default (&tc);
  nn_optim_config_default (&tc.optim, NN_OPTIM_ADAM);
  tc.optim.lr = p->lr;
  tc.batch_size = p->batch;
  tc.epochs = epochs + 1;
  tc.threads = threads;
  tc.seed = 7;
  tc.restore_best = FALSE;
  clock.last = tu_process_cpu_seconds ();
  if (!nn_train (model, data, NULL, &tc, &callbacks, history, &error))
    {
      g_printerr ("bench-core: %s: training failed: %s\n", p->name, error->message);
      return 1;
    }
  seconds = g_new (double, epochs);
  cpu = g_new (double, epochs);
  for (int e = 0; e < epochs; e++)
    {
      seconds[e] = g_array_index (history->epochs, NnEpochStats, e + 1).seconds;
      cpu[e] = g_array_index (cpu_per_epoch, double, e + 1);
    }
  epoch_s = median (seconds, epochs) * scale;
  epoch_cpu_s = median (cpu, epochs) * scale;

  infer_s = time_inference (model, data, threads, &error);
  if (infer_s < 0.0)
    {
      g_printerr ("bench-core: %s: inference failed: %s\n", p->name, error->message);
      return 1;
    }

  printf ("{\"bench\": \"%s\", \"threads\": %d, \"corename\": \"%s\", \"epoch_seconds\": %.4f, "
          "\"epoch_cpu_seconds\": %.4f, \"infer_objects_per_second\": %.0f, \"peak_rss_mb\": %.1f, "
          "\"objects_timed\": %d, "
          "\"objects_full\": %d, \"torch_epoch_seconds\": %.3f, \"ratio_to_torch\": %.3f, "
          "\"final_loss\": %.4f}\n",
          p->name, threads, nn_blas_corename (), epoch_s, epoch_cpu_s, n / infer_s,
          peak_rss_mb (), n, p->n,
          p->torch_epoch_seconds, epoch_s / p->torch_epoch_seconds,
          g_array_index (history->epochs, NnEpochStats, epochs).loss);
  return 0;
}
