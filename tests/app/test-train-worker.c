/* test-train-worker.c: the trainer's worker without a display: progress
 * records are coalesced (a busy main loop gets one "batch" signal for many
 * batches, and still every epoch in order), Stop ends the run after the
 * current batch, Stop while the data are prepared ends a stopped run at
 * once, and a trainer disposed while training lets go cleanly. */
#include "config.h"

#include <math.h>

#include "lc-simulate.h"
#include "nn-model-file.h"
#include "pb-trainer.h"

typedef struct
{
  int batch_signals;
  int epochs;
  int last_epoch;
  gboolean finished;
  PbRun *run;
  int preparing_signals;
  double prepared;           /* the latest preparation fraction */
} Seen;

static void
preparing_cb (PbTrainer *trainer, PbRun *run, double fraction, Seen *seen)
{
  g_assert_cmpfloat (fraction, >=, seen->prepared);
  g_assert_cmpfloat (fraction, <=, 1.0);
  seen->prepared = fraction;
  seen->preparing_signals++;
}

static void
batch_cb (PbTrainer *trainer, PbRun *run, int epoch, int batch, int n_batches, Seen *seen)
{
  seen->batch_signals++;
}

static void
epoch_cb (PbTrainer *trainer, PbRun *run, int epoch, Seen *seen)
{
  g_assert_cmpint (epoch, ==, seen->last_epoch + 1);
  seen->last_epoch = epoch;
  seen->epochs++;
}

static void
finished_cb (PbTrainer *trainer, PbRun *run, Seen *seen)
{
  seen->finished = TRUE;
  seen->run = run;
}

static LcDataset *
sample_of (int n_objects)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_simulate_options_default (&options);
  options.n_objects = n_objects;
  options.seed = 3;
  ds = lc_simulate (&options, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

static LcDataset *
sample (void)
{
  return sample_of (240);
}

/* A small GRU with batches of 16: many batches per epoch. */
static NnModelDoc *
small_spec (int epochs)
{
  NnModelDoc *spec = nn_model_doc_new ();
  NnLayerConfig gru, dense;
  NnLayerSpec *head;

  nn_layer_config_default_for_kind (&gru, NN_LAYER_GRU);
  gru.units = 8;
  nn_model_doc_add_layer (spec, NN_LAYER_GRU, &gru, NULL);
  nn_layer_config_default_for_kind (&dense, NN_LAYER_DENSE);
  dense.activation = NN_ACT_SOFTMAX;
  head = nn_model_doc_add_layer (spec, NN_LAYER_DENSE, &dense, NULL);
  head->units_is_classes = TRUE;
  spec->training.train.epochs = epochs;
  spec->training.train.batch_size = 16;
  spec->training.train.seed = 5;
  return spec;
}

static PbTrainer *
connected_trainer (Seen *seen)
{
  PbTrainer *trainer = pb_trainer_new ();

  *seen = (Seen) { 0, 0, -1, FALSE, NULL, 0, 0.0 };
  g_signal_connect (trainer, "preparing", G_CALLBACK (preparing_cb), seen);
  g_signal_connect (trainer, "batch", G_CALLBACK (batch_cb), seen);
  g_signal_connect (trainer, "epoch", G_CALLBACK (epoch_cb), seen);
  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), seen);
  return trainer;
}

static void
run_until_finished (Seen *seen)
{
  gint64 deadline = g_get_monotonic_time () + 100 * G_USEC_PER_SEC;

  while (!seen->finished)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_coalesced (void)
{
  g_autoptr (LcDataset) ds = sample ();
  g_autoptr (NnModelDoc) spec = small_spec (3);
  Seen seen;
  g_autoptr (PbTrainer) trainer = connected_trainer (&seen);
  PbRun *run = pb_trainer_start (trainer, ds, spec, NULL, "coalesce");

  g_assert_nonnull (run);
  g_assert_true (pb_trainer_is_running (trainer));
  /* a main loop too busy to look for a while: the worker keeps queueing */
  g_usleep (3 * G_USEC_PER_SEC);
  run_until_finished (&seen);

  g_assert_true (seen.run == run);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  g_assert_cmpint (seen.epochs, ==, 3);
  g_assert_cmpuint (run->epochs->len, ==, 3);
  /* the preparation's 100 % came in the same flush as its end, and still went out */
  g_assert_cmpfloat (seen.prepared, ==, 1.0);
  /* the curve has the end of every epoch (batches in between are thinned
   * to a few a second), in far fewer signals than points */
  g_assert_cmpuint (run->batches->len, >=, 3);
  for (int e = 1; e <= 3; e++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < run->batches->len; i++)
        found |= g_array_index (run->batches, PbBatchPoint, i).x == (double) e;
      g_assert_true (found);
    }
  g_assert_cmpint (seen.batch_signals, >=, 1);
  g_assert_cmpint (seen.batch_signals, <=, (int) run->batches->len);
  for (guint i = 1; i < run->batches->len; i++)
    g_assert_cmpfloat (g_array_index (run->batches, PbBatchPoint, i).x, >,
                       g_array_index (run->batches, PbBatchPoint, i - 1).x);
  g_assert_nonnull (run->doc);
  g_assert_cmpint (run->evaluation->n_rows, ==, run->n_val);
  g_assert_cmpfloat (pb_trainer_get_fraction (trainer), ==, 1.0);
  g_assert_cmpfloat (pb_trainer_get_eta (trainer), <, 0);
}

static void
test_stop_and_dispose (void)
{
  g_autoptr (LcDataset) ds = sample ();
  g_autoptr (NnModelDoc) spec = small_spec (1000);
  Seen seen;
  PbTrainer *trainer = connected_trainer (&seen);
  PbRun *run = pb_trainer_start (trainer, ds, spec, NULL, "stop");
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC, stop_us;

  while (seen.epochs < 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpfloat (pb_trainer_get_eta (trainer), >, 0);
  stop_us = g_get_monotonic_time ();
  pb_trainer_stop (trainer);
  run_until_finished (&seen);
  g_test_message ("stopped in %.3f s", (g_get_monotonic_time () - stop_us) / 1e6);
  g_assert_cmpint (run->state, ==, PB_RUN_STOPPED);
  g_assert_cmpuint (run->epochs->len, <, 1000);
  g_assert_nonnull (run->doc);

  /* disposed while training: the worker is cancelled and waited for */
  run = pb_run_ref (pb_trainer_start (trainer, ds, spec, NULL, "dispose"));
  g_usleep (200 * 1000);
  g_object_unref (trainer);
  g_assert_cmpint (run->state, ==, PB_RUN_FAILED);
  g_assert_null (run->doc);
  /* nothing arrives from it any more */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  pb_run_unref (run);
}

/* A network with the static input, and the period search in it: preparing
 * 1500 objects takes seconds. */
static NnModelDoc *
period_spec (void)
{
  static const char text[] =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"period\",\n"
    " \"preprocessing\": {\"with_period_features\": true},\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
    "            {\"type\": \"concat_metadata\"},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 5, \"batch_size\": 32, \"seed\": 3, \"val_fraction\": 0.2}}";
  g_autoptr (GError) error = NULL;
  NnModelDoc *spec = nn_model_doc_load_from_data (text, -1, "period.json", &error);

  g_assert_no_error (error);
  return spec;
}

static void
test_stop_while_preparing (void)
{
  g_autoptr (LcDataset) ds = sample_of (1500);
  g_autoptr (NnModelDoc) spec = period_spec ();
  Seen seen;
  g_autoptr (PbTrainer) trainer = connected_trainer (&seen);
  PbRun *run = pb_trainer_start (trainer, ds, spec, NULL, "prepare");
  gint64 start_us = g_get_monotonic_time (), stop_us;

  /* the first record comes as preparation begins */
  while (seen.preparing_signals == 0)
    {
      g_assert_cmpint (g_get_monotonic_time () - start_us, <, 30 * G_USEC_PER_SEC);
      g_main_context_iteration (NULL, TRUE);
    }
  stop_us = g_get_monotonic_time ();
  pb_trainer_stop (trainer);
  run_until_finished (&seen);
  g_test_message ("stopped %.3f s after Stop, %.3f s after start, at %.0f %%",
                  (g_get_monotonic_time () - stop_us) / 1e6, (g_get_monotonic_time () - start_us) / 1e6,
                  100 * seen.prepared);
  /* a few objects at most after Stop, not the whole preparation */
  g_assert_cmpint (g_get_monotonic_time () - stop_us, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpfloat (seen.prepared, <, 1.0);
  g_assert_true (seen.run == run);
  g_assert_cmpint (run->state, ==, PB_RUN_STOPPED);
  g_assert_null (run->message);
  g_assert_null (run->doc);
  g_assert_cmpint (seen.epochs, ==, 0);
  g_assert_cmpint (seen.batch_signals, ==, 0);
  g_assert_cmpuint (run->epochs->len, ==, 0);
  g_assert_cmpuint (run->batches->len, ==, 0);
  g_assert_false (pb_trainer_is_running (trainer));
}

/* Without Stop the preparation reports its way up to 100 % before the first
 * epoch (small: most of the time is the period search). */
static void
test_preparing_progress (void)
{
  g_autoptr (LcDataset) ds = sample_of (120);
  g_autoptr (NnModelDoc) spec = period_spec ();
  Seen seen;
  g_autoptr (PbTrainer) trainer = connected_trainer (&seen);
  PbRun *run = pb_trainer_start (trainer, ds, spec, NULL, "progress");

  run_until_finished (&seen);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  g_assert_cmpint (seen.preparing_signals, >=, 1);
  g_assert_cmpfloat (seen.prepared, ==, 1.0);
  g_assert_cmpint (seen.epochs, ==, 5);
}

typedef struct
{
  double last, lowest_step;
  int batches;
} Fractions;

static void
fraction_batch_cb (PbTrainer *trainer, PbRun *run, int epoch, int batch, int n_batches, Fractions *f)
{
  double now = pb_trainer_get_fraction (trainer);

  f->lowest_step = MIN (f->lowest_step, now - f->last);
  f->last = now;
  f->batches++;
}

/* An ensemble's progress counts every member: it never goes back when the
 * next member starts again at epoch 0, and it ends near 1. */
static void
test_ensemble_progress (void)
{
  g_autoptr (LcDataset) ds = sample ();
  g_autoptr (NnModelDoc) spec = small_spec (2);
  /* each member counts its own epochs from 0: not the single-model checks */
  Seen seen = { 0, 0, -1, FALSE, NULL, 0, 0.0 };
  g_autoptr (PbTrainer) trainer = pb_trainer_new ();
  Fractions f = { 0, 0, 0 };

  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), &seen);

  spec->ensemble_members = 3;
  g_signal_connect (trainer, "batch", G_CALLBACK (fraction_batch_cb), &f);
  pb_trainer_start (trainer, ds, spec, NULL, "ensemble");
  run_until_finished (&seen);
  g_assert_cmpint (seen.run->state, ==, PB_RUN_FINISHED);
  g_assert_cmpint (pb_trainer_get_n_members (trainer), ==, 3);
  g_assert_cmpint (f.batches, >=, 3);
  g_assert_cmpfloat (f.lowest_step, >=, 0);
  g_assert_cmpfloat (f.last, >, 0.9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trainer/coalesced", test_coalesced);
  g_test_add_func ("/trainer/stop-and-dispose", test_stop_and_dispose);
  g_test_add_func ("/trainer/stop-while-preparing", test_stop_while_preparing);
  g_test_add_func ("/trainer/preparing-progress", test_preparing_progress);
  g_test_add_func ("/trainer/ensemble-progress", test_ensemble_progress);
  return g_test_run ();
}
