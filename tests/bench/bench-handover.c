/* bench-handover.c: what nn_train's second thread costs per batch when there
 * is almost nothing to compute.  A model of nine weights (Dense 2 -> 3) is trained
 * with batches of 4 rows (split 2 + 2 on two threads), so an epoch is nearly
 * all hand-overs between the caller and the helper (the batch, then the
 * optimiser step); the difference from one thread is their cost.
 *
 * Prints one JSON line: {"bench": "team-handover", "corename", "batches",
 * "us_per_batch_1_thread", "us_per_batch_2_threads", "handover_us" (the
 * difference), "cpu_us_per_batch_*" (process CPU time, all threads)}.
 *
 * Usage: bench-handover [--batches N] [--reps R]  (best of R epochs of N batches)
 */
#include <stdio.h>

#include "nn-blas.h"
#include "nn-model.h"
#include "nn-train.h"
#include "testutil.h"

#define BATCH 4

/* Best wall and CPU seconds of one epoch over reps epochs. */
static gboolean
time_epochs (const NnData *data, int threads, int reps, double *wall, double *cpu, GError **error)
{
  g_autoptr (NnModel) model = nn_model_new (2, 0, 3);
  g_autoptr (NnHistory) history = nn_history_new ();
  NnLayerConfig cfg;
  NnTrainConfig tc;
  double start_cpu;

  nn_layer_config_default (&cfg);
  cfg.units = 3;
  nn_model_add_layer (model, NN_LAYER_FLATTEN, &cfg, NULL);
  nn_model_add_layer (model, NN_LAYER_DENSE, &cfg, NULL);
  if (!nn_model_build (model, 1, error))
    return FALSE;
  nn_model_init (model, 1);

  nn_train_config_default (&tc);
  tc.batch_size = BATCH;
  tc.epochs = 1;
  tc.threads = threads;
  tc.restore_best = FALSE;
  *wall = *cpu = G_MAXDOUBLE;
  for (int r = 0; r < reps; r++)
    {
      start_cpu = tu_process_cpu_seconds ();
      if (!nn_train (model, data, NULL, &tc, NULL, history, error))
        return FALSE;
      *cpu = MIN (*cpu, tu_process_cpu_seconds () - start_cpu);
      *wall = MIN (*wall, g_array_index (history->epochs, NnEpochStats, 0).seconds);
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  int batches = 20000, reps = 5;
  GOptionEntry entries[] = {
    { "batches", 0, 0, G_OPTION_ARG_INT, &batches, "Batches per epoch (20000)", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Epochs timed, the best counts (5)", "R" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— nn_train's hand-over cost");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnData) data = NULL;
  double wall[2], cpu[2];
  NnRng rng;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || batches < 1 || reps < 1)
    {
      g_printerr ("usage: bench-handover [--batches N] [--reps R]\n");
      return 2;
    }
  data = nn_data_new (batches * BATCH, 1, 2, 0, 3);
  nn_rng_init (&rng, 1);
  for (int i = 0; i < data->n; i++)
    {
      data->labels[i] = i % 3;
      data->lengths[i] = 1;
      data->x[2 * i] = (float) nn_rng_normal (&rng) + data->labels[i];
      data->x[2 * i + 1] = (float) nn_rng_normal (&rng);
    }
  nn_blas_set_threads (1);
  for (int t = 0; t < 2; t++)
    if (!time_epochs (data, t + 1, reps, &wall[t], &cpu[t], &error))
      {
        g_printerr ("bench-handover: %s\n", error->message);
        return 1;
      }
  printf ("{\"bench\": \"team-handover\", \"corename\": \"%s\", \"batches\": %d, "
          "\"us_per_batch_1_thread\": %.2f, \"us_per_batch_2_threads\": %.2f, "
          "\"handover_us\": %.2f, "
          "\"cpu_us_per_batch_1_thread\": %.2f, \"cpu_us_per_batch_2_threads\": %.2f}\n",
          nn_blas_corename (), batches, wall[0] * 1e6 / batches, wall[1] * 1e6 / batches,
          (wall[1] - wall[0]) * 1e6 / batches, cpu[0] * 1e6 / batches, cpu[1] * 1e6 / batches);
  return 0;
}
