/* test-train-resume.c: the app's runs survive a crash.
 *
 * The app's trainer writes a run file after every epoch.  A trainer in a
 * child process is killed with SIGKILL in the middle of its run; the trainer
 * of this process finds the unfinished run for the same data, resumes it,
 * and ends with the same weights, bit for bit, the same curves and the same
 * per-object history as a run that never stopped.  A cancelled run stays
 * unfinished too; a stopped one is finished with its model beside it; a run
 * resumed on other data fails and says so; Discard forgets a run. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <utime.h>

#include "lc-format.h"
#include "lc-run.h"
#include "lc-simulate.h"
#include "nn-json.h"
#include "nn-model-file.h"
#include "pb-resume-bar.h"
#include "pb-session.h"
#include "pb-trainer.h"
#include "testutil.h"

#define EPOCHS 30
/* runs cancelled from the main loop: long enough that the records, handed
 * over twice a second, come before the end on any machine */
#define LONG_EPOCHS 160

static LcDataset *
sample_of (int n_objects, guint64 seed)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_simulate_options_default (&options);
  options.n_objects = n_objects;
  options.seed = seed;
  ds = lc_simulate (&options, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

/* A GRU with dropout: the dropout generator is part of what a resumed run
 * must get back. */
static NnModelDoc *
spec_of (int epochs)
{
  NnModelDoc *spec = nn_model_doc_new ();
  NnLayerConfig gru, drop, dense;
  NnLayerSpec *head;

  nn_layer_config_default_for_kind (&gru, NN_LAYER_GRU);
  gru.units = 8;
  nn_model_doc_add_layer (spec, NN_LAYER_GRU, &gru, NULL);
  nn_layer_config_default_for_kind (&drop, NN_LAYER_DROPOUT);
  drop.rate = 0.2f;
  nn_model_doc_add_layer (spec, NN_LAYER_DROPOUT, &drop, NULL);
  nn_layer_config_default_for_kind (&dense, NN_LAYER_DENSE);
  dense.activation = NN_ACT_SOFTMAX;
  head = nn_model_doc_add_layer (spec, NN_LAYER_DENSE, &dense, NULL);
  head->units_is_classes = TRUE;
  spec->training.train.epochs = epochs;
  spec->training.train.batch_size = 16;
  spec->training.train.seed = 5;
  spec->training.train.patience = 0;
  spec->training.val_fraction = 0.2;
  return spec;
}

typedef struct
{
  PbRun *finished;
  int epochs_seen;
} Seen;

static void
finished_cb (PbTrainer *trainer, PbRun *run, Seen *seen)
{
  seen->finished = pb_run_ref (run);
}

static void
epoch_cb (PbTrainer *trainer, PbRun *run, int epoch, Seen *seen)
{
  seen->epochs_seen++;
}

static PbTrainer *
trainer_in (const char *dir, Seen *seen)
{
  PbTrainer *trainer = g_object_new (PB_TYPE_TRAINER, "runs-dir", dir, NULL);

  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), seen);
  g_signal_connect (trainer, "epoch", G_CALLBACK (epoch_cb), seen);
  return trainer;
}

static void
wait_finished (Seen *seen)
{
  gint64 deadline = g_get_monotonic_time () + 100 * G_USEC_PER_SEC;

  while (seen->finished == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static PbRun *
train_to_the_end (const char *dir, LcDataset *ds, const NnModelDoc *spec)
{
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = trainer_in (dir, &seen);

  pb_trainer_start (trainer, ds, spec, NULL, "resume test");
  wait_finished (&seen);
  return seen.finished;
}

static void
assert_same_tensors (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const NnTensorData *ta = g_ptr_array_index (a, i), *tb = g_ptr_array_index (b, i);

      g_assert_cmpstr (ta->name, ==, tb->name);
      g_assert_cmpuint (ta->size, ==, tb->size);
      g_assert_cmpint (memcmp (ta->data, tb->data, ta->size * sizeof (float)), ==, 0);
    }
}

/* The same weights, bit for bit, the same curves and the same objects. */
static void
assert_same_run (PbRun *whole, PbRun *resumed)
{
  g_assert_cmpint (whole->state, ==, PB_RUN_FINISHED);
  g_assert_cmpint (resumed->state, ==, PB_RUN_FINISHED);
  assert_same_tensors (whole->doc->weights, resumed->doc->weights);
  assert_same_tensors (whole->doc->state, resumed->doc->state);
  g_assert_cmpfloat (whole->doc->temperature, ==, resumed->doc->temperature);
  g_assert_cmpuint (whole->epochs->len, ==, EPOCHS);
  g_assert_cmpuint (resumed->epochs->len, ==, EPOCHS);
  for (guint e = 0; e < EPOCHS; e++)
    {
      const NnEpochStats *a = &g_array_index (whole->epochs, NnEpochStats, e);
      const NnEpochStats *b = &g_array_index (resumed->epochs, NnEpochStats, e);

      g_assert_cmpfloat (a->loss, ==, b->loss);
      g_assert_cmpfloat (a->val_loss, ==, b->val_loss);
      g_assert_cmpfloat (a->val_accuracy, ==, b->val_accuracy);
    }
  g_assert_nonnull (whole->objects);
  g_assert_nonnull (resumed->objects);
  g_assert_cmpint (whole->objects->n_epochs, ==, EPOCHS);
  g_assert_cmpint (resumed->objects->n_epochs, ==, EPOCHS);
  g_assert_cmpint (memcmp (whole->objects->predicted, resumed->objects->predicted,
                           (size_t) EPOCHS * whole->objects->n_objects * sizeof (int)), ==, 0);
}

/* The child: trains in dir until the parent kills it. */
static int
child_main (const char *dir)
{
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (NnModelDoc) spec = spec_of (EPOCHS);
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = trainer_in (dir, &seen);

  pb_trainer_start (trainer, ds, spec, NULL, "resume test");
  wait_finished (&seen);
  return 0;
}

/* The one run file in dir, or NULL when there is none yet. */
static LcRunFile *
load_only_run_file (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".run.json"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autoptr (GError) error = NULL;
        LcRunFile *file = lc_run_file_load (path, &error);

        g_assert_no_error (error);
        return file;
      }
  return NULL;
}

/* Runs the child (argv) and kills it with SIGKILL as soon as its run file,
 * looked at every few milliseconds with the child stopped, holds two epochs
 * or more of an unfinished run.  Returns the epochs the file holds, or 0
 * when the run finished before that. */
static int
kill_mid_run (char **argv)
{
  g_autoptr (GError) error = NULL;
  GPid pid;
  int status, epochs_done = 0;
  gboolean finished = FALSE;

  g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  while (epochs_done == 0 && !finished)
    {
      g_autoptr (LcRunFile) file = NULL;

      g_usleep (5000);
      kill (pid, SIGSTOP);
      g_assert_cmpint (waitpid (pid, &status, WUNTRACED), ==, pid);
      if (!WIFSTOPPED (status))
        break;
      file = load_only_run_file (argv[2]);
      if (file != NULL && file->finished)
        finished = TRUE;
      else if (file != NULL && file->checkpoint != NULL && file->checkpoint->epochs_done >= 2)
        epochs_done = file->checkpoint->epochs_done;
      else
        kill (pid, SIGCONT);
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  return epochs_done;
}

static void
test_killed_and_resumed (void)
{
  g_autofree char *root = g_dir_make_tmp ("passband-app-resume-XXXXXX", NULL);
  g_autofree char *whole_dir = g_build_filename (root, "whole", NULL);
  g_autofree char *killed_dir = g_build_filename (root, "killed", NULL);
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (NnModelDoc) spec = spec_of (EPOCHS);
  g_autoptr (PbRun) whole = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) unfinished = NULL;
  char *argv[] = { self_path, (char *) "--child", killed_dir, NULL };
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = NULL;
  int epochs_done = 0;

  whole = train_to_the_end (whole_dir, ds, spec);
  g_assert_cmpint (whole->state, ==, PB_RUN_FINISHED);

  /* the crash: the child is killed once its file holds two epochs or more
   * (tried again, in a new folder, when a busy machine let it finish first) */
  for (int attempt = 0; epochs_done == 0; attempt++)
    {
      g_autofree char *attempt_dir = g_strdup_printf ("%s-%d", killed_dir, attempt);

      g_assert_cmpint (attempt, <, 5);
      g_clear_pointer (&killed_dir, g_free);
      killed_dir = g_steal_pointer (&attempt_dir);
      argv[2] = killed_dir;
      epochs_done = kill_mid_run (argv);
    }
  g_test_message ("killed after %d of %d epochs", epochs_done, EPOCHS);
  g_assert_cmpint (epochs_done, <, EPOCHS);

  /* the app finds the run for this dataset, not for another one */
  trainer = trainer_in (killed_dir, &seen);
  unfinished = pb_trainer_list_unfinished (trainer, ds);
  g_assert_cmpuint (unfinished->len, ==, 1);
  {
    g_autoptr (LcDataset) other = sample_of (240, 4);
    g_autoptr (GPtrArray) none = pb_trainer_list_unfinished (trainer, other);

    g_assert_cmpuint (none->len, ==, 0);
  }
  {
    LcRunFile *file = g_ptr_array_index (unfinished, 0);
    PbRun *run = pb_trainer_resume (trainer, ds, file->path, &error);

    g_assert_no_error (error);
    g_assert_nonnull (run);
    /* the curves start with the epochs done */
    g_assert_cmpuint (run->epochs->len, ==, epochs_done);
  }
  wait_finished (&seen);
  /* only the epochs after the kill were trained again */
  g_assert_cmpint (seen.epochs_seen, ==, EPOCHS - epochs_done);
  assert_same_run (whole, seen.finished);
  {
    g_autoptr (GPtrArray) none = pb_trainer_list_unfinished (trainer, ds);
    g_autoptr (LcRunFile) file = lc_run_file_load (seen.finished->run_path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
    g_assert_true (file->finished);
    /* the model beside it is the one the run ended with */
    g_assert_true (g_file_test (file->out_path, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpstr (seen.finished->path, ==, file->out_path);
    g_assert_cmpint (file->objects->n_epochs, ==, EPOCHS);
  }
  g_clear_pointer (&seen.finished, pb_run_unref);
  tu_remove_tree (root);
}

static void
cancel_at_third_epoch_cb (PbTrainer *trainer, PbRun *run, int epoch, gpointer user_data)
{
  if (epoch >= 2)
    pb_trainer_cancel (trainer);
}

static void
stop_at_first_epoch_cb (PbTrainer *trainer, PbRun *run, int epoch, gpointer user_data)
{
  pb_trainer_stop (trainer);
}

/* A cancelled run (the window closed) stays to be resumed; resumed on
 * other data it fails and says why; Discard forgets it. */
static void
test_cancelled_other_data_discard (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-app-resume-XXXXXX", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (NnModelDoc) spec = spec_of (LONG_EPOCHS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) unfinished = NULL;
  g_autofree char *run_path = NULL;
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = trainer_in (dir, &seen);
  PbRun *run;
  gulong handler;

  handler = g_signal_connect (trainer, "epoch", G_CALLBACK (cancel_at_third_epoch_cb), NULL);
  run = pb_trainer_start (trainer, ds, spec, NULL, "cancelled");
  run_path = g_strdup (run->run_path);
  while (pb_trainer_is_running (trainer))
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (trainer, handler);
  g_assert_null (seen.finished);

  unfinished = pb_trainer_list_unfinished (trainer, ds);
  g_assert_cmpuint (unfinished->len, ==, 1);
  g_assert_cmpstr (((LcRunFile *) g_ptr_array_index (unfinished, 0))->path, ==, run_path);
  /* the last epoch trained is on disk when cancel returns, however short
   * the writer's rest was */
  {
    const LcRunFile *file = g_ptr_array_index (unfinished, 0);

    g_assert_nonnull (file->checkpoint);
    g_assert_cmpint (file->checkpoint->epochs_done, >=, 3);
    g_assert_cmpint (file->checkpoint->epochs_done, <, LONG_EPOCHS);
  }

  /* the same path, other content: the checksum tells */
  {
    g_autoptr (LcDataset) other = sample_of (240, 4);

    g_free (other->path);
    other->path = g_strdup (ds->path);
    g_assert_nonnull (pb_trainer_resume (trainer, other, run_path, &error));
    g_assert_no_error (error);
    wait_finished (&seen);
    g_assert_cmpint (seen.finished->state, ==, PB_RUN_FAILED);
    g_assert_nonnull (strstr (seen.finished->message, "other data"));
    g_clear_pointer (&seen.finished, pb_run_unref);
  }
  /* still there to be resumed on the right data */
  g_clear_pointer (&unfinished, g_ptr_array_unref);
  unfinished = pb_trainer_list_unfinished (trainer, ds);
  g_assert_cmpuint (unfinished->len, ==, 1);

  g_assert_true (pb_trainer_discard (trainer, run_path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&unfinished, g_ptr_array_unref);
  unfinished = pb_trainer_list_unfinished (trainer, ds);
  g_assert_cmpuint (unfinished->len, ==, 0);
  g_assert_null (pb_trainer_resume (trainer, ds, run_path, &error));
  g_assert_nonnull (error);
  tu_remove_tree (dir);
}

/* Stop ends a run as the user wanted: finished, with its model saved. */
static void
test_stopped_is_finished (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-app-resume-XXXXXX", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (NnModelDoc) spec = spec_of (LONG_EPOCHS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) unfinished = NULL;
  g_autoptr (LcRunFile) file = NULL;
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = trainer_in (dir, &seen);

  g_signal_connect (trainer, "epoch", G_CALLBACK (stop_at_first_epoch_cb), NULL);
  pb_trainer_start (trainer, ds, spec, NULL, "stopped");
  wait_finished (&seen);
  g_assert_cmpint (seen.finished->state, ==, PB_RUN_STOPPED);
  unfinished = pb_trainer_list_unfinished (trainer, ds);
  g_assert_cmpuint (unfinished->len, ==, 0);
  file = lc_run_file_load (seen.finished->run_path, &error);
  g_assert_no_error (error);
  g_assert_true (file->finished);
  g_assert_nonnull (file->checkpoint);
  g_assert_cmpuint (file->checkpoint->history->epochs->len, ==, seen.finished->epochs->len);
  g_assert_true (g_file_test (file->out_path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&seen.finished, pb_run_unref);
  tu_remove_tree (dir);
}

static void
cancel_cb (PbTrainer *trainer, PbRun *run, int epoch, gpointer user_data)
{
  pb_trainer_cancel (trainer);
}

/* An ensemble cannot go on from an epoch: its run file says it is one, and
 * resuming trains every member again, to the same model as a run that
 * never stopped. */
static void
test_ensemble_trains_again (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-app-resume-XXXXXX", NULL);
  g_autofree char *whole_dir = g_build_filename (dir, "whole", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (NnModelDoc) spec = spec_of (LONG_EPOCHS / 2);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) unfinished = NULL;
  g_autoptr (PbRun) whole = NULL;
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = trainer_in (dir, &seen);
  const LcRunFile *file;
  PbRun *run;
  gulong handler;

  spec->ensemble_members = 2;
  whole = train_to_the_end (whole_dir, ds, spec);
  g_assert_cmpint (nn_model_doc_n_members (whole->doc), ==, 2);

  handler = g_signal_connect (trainer, "epoch", G_CALLBACK (cancel_cb), NULL);
  pb_trainer_start (trainer, ds, spec, NULL, "ensemble");
  while (pb_trainer_is_running (trainer))
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (trainer, handler);

  unfinished = pb_trainer_list_unfinished (trainer, ds);
  g_assert_cmpuint (unfinished->len, ==, 1);
  file = g_ptr_array_index (unfinished, 0);
  g_assert_true (pb_run_file_is_ensemble (file));
  run = pb_trainer_resume (trainer, ds, file->path, &error);
  g_assert_no_error (error);
  /* from the start: no curves carried over */
  g_assert_cmpuint (run->epochs->len, ==, 0);
  wait_finished (&seen);
  g_assert_cmpint (seen.finished->state, ==, PB_RUN_FINISHED);
  g_assert_cmpuint (seen.finished->epochs->len, ==, 2 * (LONG_EPOCHS / 2));
  assert_same_tensors (whole->doc->weights, seen.finished->doc->weights);
  g_assert_cmpuint (seen.finished->doc->ensemble->len, ==, 1);
  assert_same_tensors (((NnEnsembleMember *) g_ptr_array_index (whole->doc->ensemble, 0))->weights,
                       ((NnEnsembleMember *) g_ptr_array_index (seen.finished->doc->ensemble, 0))->weights);
  g_assert_cmpfloat (whole->doc->temperature, ==, seen.finished->doc->temperature);
  g_clear_pointer (&seen.finished, pb_run_unref);
  tu_remove_tree (dir);
}

/* An unfinished run of ds in dir, cancelled after its third epoch. */
static char *
leave_unfinished_run (const char *dir, LcDataset *ds)
{
  g_autoptr (NnModelDoc) spec = spec_of (LONG_EPOCHS);
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = trainer_in (dir, &seen);
  PbRun *run;

  g_signal_connect (trainer, "epoch", G_CALLBACK (cancel_at_third_epoch_cb), NULL);
  run = pb_trainer_start (trainer, ds, spec, NULL, "cancelled");
  while (pb_trainer_is_running (trainer))
    g_main_context_iteration (NULL, TRUE);
  return g_strdup (run->run_path);
}

static void
wait_scanned (PbResumeBar *bar)
{
  while (pb_resume_bar_is_scanning (bar))
    g_main_context_iteration (NULL, TRUE);
}

/* The start of a run file tells finished runs and other data apart without
 * reading the rest; a file laid out otherwise is read whole. */
static void
test_peek (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-app-resume-XXXXXX", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autofree char *path = leave_unfinished_run (dir, ds);
  g_autofree char *other = g_build_filename (dir, "other.run.json", NULL);
  g_autofree char *data = NULL, *meta = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = tu_load_json (path);
  g_autofree char *one_line = NULL;
  gboolean finished = TRUE;

  g_assert_true (lc_run_file_peek (path, &data, &meta, NULL, &finished, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (data, ==, ds->path);
  g_assert_null (meta);
  g_assert_false (finished);
  g_clear_pointer (&data, g_free);

  /* the rest is not read: a file cut short after its start still tells */
  {
    g_autofree char *text = NULL;
    char *overrides;
    g_autoptr (LcRunFile) whole = NULL;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    overrides = strstr (text, "\"overrides\"");
    g_assert_nonnull (overrides);
    g_assert_true (g_file_set_contents (other, text, overrides - text + 20, NULL));
    whole = lc_run_file_load (other, NULL);
    g_assert_null (whole);
    g_assert_true (lc_run_file_peek (other, &data, &meta, NULL, &finished, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (data, ==, ds->path);
    g_assert_false (finished);
    g_clear_pointer (&data, g_free);
  }

  /* one line, finished: read whole */
  json_object_set_boolean_member (json_node_get_object (node), "finished", TRUE);
  one_line = nn_json_to_string (node);
  g_assert_null (strchr (one_line, '\n'));
  g_assert_true (g_file_set_contents (other, one_line, -1, NULL));
  g_assert_true (lc_run_file_peek (other, &data, &meta, NULL, &finished, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (data, ==, ds->path);
  g_assert_true (finished);

  /* not a run file */
  g_clear_pointer (&data, g_free);
  g_assert_true (g_file_set_contents (other, "{\"format\": \"passband-model\"}", -1, NULL));
  g_assert_false (lc_run_file_peek (other, &data, &meta, NULL, &finished, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  tu_remove_tree (dir);
}

/* The Train section's bar offers the unfinished run of the open dataset,
 * not of another one; Resume trains it to the end; Discard forgets one. */
static void
test_resume_bar (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-app-resume-XXXXXX", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (LcDataset) other = sample_of (240, 4);
  g_autofree char *first = leave_unfinished_run (dir, ds);
  g_autofree char *second = NULL;
  g_autoptr (PbSession) session = pb_session_new ();
  PbTrainer *trainer = pb_session_get_trainer (session);
  g_autoptr (GError) error = NULL;
  GtkWidget *bar;
  Seen seen = { 0 };
  PbRun *run;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return;
    }
  pb_trainer_set_runs_dir (trainer, dir);
  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), &seen);
  bar = g_object_ref_sink (pb_resume_bar_new (session));
  pb_session_set_dataset (session, ds);
  wait_scanned (PB_RESUME_BAR (bar));
  g_assert_nonnull (pb_resume_bar_get_offered (PB_RESUME_BAR (bar)));
  g_assert_cmpstr (pb_resume_bar_get_offered (PB_RESUME_BAR (bar))->path, ==, first);
  g_assert_true (gtk_widget_get_visible (bar));

  pb_session_set_dataset (session, other);
  wait_scanned (PB_RESUME_BAR (bar));
  g_assert_null (pb_resume_bar_get_offered (PB_RESUME_BAR (bar)));
  g_assert_false (gtk_widget_get_visible (bar));

  /* two unfinished runs: the newest is offered first */
  second = leave_unfinished_run (dir, ds);
  pb_session_set_dataset (session, ds);
  wait_scanned (PB_RESUME_BAR (bar));
  g_assert_cmpstr (pb_resume_bar_get_offered (PB_RESUME_BAR (bar))->path, ==, second);
  g_assert_true (pb_resume_bar_discard (PB_RESUME_BAR (bar), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (second, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (pb_resume_bar_get_offered (PB_RESUME_BAR (bar))->path, ==, first);

  run = pb_resume_bar_resume (PB_RESUME_BAR (bar), &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  g_assert_cmpuint (run->epochs->len, >=, 1);
  g_assert_false (gtk_widget_get_visible (bar));
  wait_finished (&seen);
  g_assert_cmpint (seen.finished->state, ==, PB_RUN_FINISHED);
  g_assert_cmpuint (seen.finished->epochs->len, ==, LONG_EPOCHS);
  g_assert_null (pb_resume_bar_get_offered (PB_RESUME_BAR (bar)));
  g_assert_false (gtk_widget_get_visible (bar));
  g_clear_pointer (&seen.finished, pb_run_unref);
  g_object_unref (bar);
  tu_remove_tree (dir);
}

/* A real file of simulated light curves: dir/lc.csv and its metadata. */
static LcDataset *
write_and_load (const char *dir, guint64 seed)
{
  g_autoptr (LcDataset) made = sample_of (240, seed);
  g_autofree char *path = g_build_filename (dir, "lc.csv", NULL);
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  g_assert_true (lc_write_plasticc (made, dir, "lc", &error));
  g_assert_no_error (error);
  ds = lc_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

static void
wait_runs_found (PbSession *session)
{
  while (pb_session_is_finding_runs (session))
    g_main_context_iteration (NULL, TRUE);
}

/* The session's run on ds whose run file is run_path, or NULL. */
static PbRun *
listed_run (PbSession *session, const char *run_path)
{
  g_autoptr (GPtrArray) runs = pb_session_get_dataset_runs (session);

  for (guint i = 0; i < runs->len; i++)
    if (g_strcmp0 (((PbRun *) g_ptr_array_index (runs, i))->run_path, run_path) == 0)
      return g_ptr_array_index (runs, i);
  return NULL;
}

/* Runs belong to the data, not to one load of it: the same file opened
 * again (a new dataset object) or in a new session (the app started again)
 * lists its finished runs with their scores and curves and offers its
 * unfinished one; other content under the same name gets neither. */
static void
test_reopened (void)
{
  g_autofree char *root = g_dir_make_tmp ("passband-app-reopen-XXXXXX", NULL);
  g_autofree char *runs_dir = g_build_filename (root, "runs", NULL);
  g_autofree char *data_dir = g_build_filename (root, "data", NULL);
  g_autoptr (LcDataset) ds = NULL, again = NULL, replaced = NULL;
  g_autoptr (NnModelDoc) spec = spec_of (3);
  g_autoptr (PbSession) session = pb_session_new (), later = NULL;
  g_autofree char *unfinished = NULL, *finished_path = NULL;
  GtkWidget *bar;
  Seen seen = { 0 };
  PbRun *run;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  ds = write_and_load (data_dir, 3);
  pb_trainer_set_runs_dir (pb_session_get_trainer (session), runs_dir);
  g_signal_connect (pb_session_get_trainer (session), "finished", G_CALLBACK (finished_cb), &seen);
  pb_session_set_dataset (session, ds);
  wait_runs_found (session);
  pb_trainer_start (pb_session_get_trainer (session), ds, spec, NULL, "reopened");
  wait_finished (&seen);
  g_assert_cmpint (seen.finished->state, ==, PB_RUN_FINISHED);
  pb_session_add_run (session, seen.finished);
  finished_path = g_strdup (seen.finished->run_path);
  unfinished = leave_unfinished_run (runs_dir, ds);

  /* the same file again, in the same session: the run stays listed, once */
  again = write_and_load (data_dir, 3);
  g_assert_true (again != ds);
  pb_session_set_dataset (session, again);
  wait_runs_found (session);
  {
    g_autoptr (GPtrArray) runs = pb_session_get_dataset_runs (session);

    g_assert_cmpuint (runs->len, ==, 1);
    g_assert_true (g_ptr_array_index (runs, 0) == seen.finished);
  }
  pb_session_show_run (session, seen.finished);
  g_assert_true (pb_session_get_shown_run (session) == seen.finished);

  /* the app started again: a new session finds the run in the runs folder */
  later = pb_session_new ();
  pb_trainer_set_runs_dir (pb_session_get_trainer (later), runs_dir);
  bar = g_object_ref_sink (pb_resume_bar_new (later));
  pb_session_set_dataset (later, again);
  wait_runs_found (later);
  wait_scanned (PB_RESUME_BAR (bar));
  run = listed_run (later, finished_path);
  g_assert_nonnull (run);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  g_assert_nonnull (run->evaluation);
  g_assert_nonnull (run->doc);
  g_assert_cmpuint (run->epochs->len, ==, 3);
  g_assert_cmpint (run->n_val, ==, seen.finished->n_val);
  /* scored on the same validation objects as when it was trained */
  g_assert_cmpfloat_with_epsilon (run->evaluation->report->accuracy, seen.finished->evaluation->report->accuracy,
                                  1e-9);
  g_assert_nonnull (run->objects);
  g_assert_cmpint (run->objects->n_epochs, ==, 3);
  g_assert_cmpint (memcmp (run->object_rows, seen.finished->object_rows, run->n_val * sizeof (int)), ==, 0);
  pb_session_show_run (later, run);
  g_assert_true (pb_session_get_shown_run (later) == run);
  g_assert_nonnull (pb_resume_bar_get_offered (PB_RESUME_BAR (bar)));
  g_assert_cmpstr (pb_resume_bar_get_offered (PB_RESUME_BAR (bar))->path, ==, unfinished);

  /* other content under the same name: no run, nothing to resume */
  replaced = write_and_load (data_dir, 4);
  g_assert_cmpstr (replaced->path, ==, ds->path);
  pb_session_set_dataset (later, replaced);
  wait_runs_found (later);
  wait_scanned (PB_RESUME_BAR (bar));
  g_assert_null (listed_run (later, finished_path));
  g_assert_null (pb_session_get_shown_run (later));
  g_assert_null (pb_resume_bar_get_offered (PB_RESUME_BAR (bar)));

  g_object_unref (bar);
  g_clear_pointer (&seen.finished, pb_run_unref);
  tu_remove_tree (root);
}

/* A run file on ds in dir written by hand, finished or not, with a model
 * beside it, last written `age` seconds ago. */
static char *
fake_run (const char *dir, const char *stem, LcDataset *ds, gboolean finished, int age)
{
  g_autofree char *name = g_strconcat (stem, ".run.json", NULL);
  g_autofree char *model_name = g_strconcat (stem, ".model.json", NULL);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *model = g_build_filename (dir, model_name, NULL);
  g_autoptr (NnModelDoc) spec = spec_of (2);
  g_autoptr (LcRunFile) file = NULL;
  g_autoptr (GError) error = NULL;
  LcTrainOverrides overrides;
  struct utimbuf when;

  lc_train_overrides_init (&overrides);
  file = lc_run_file_new (path, ds->path, NULL, ds, model, spec, &overrides);
  file->finished = finished;
  g_assert_true (lc_run_file_save (file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (model, "{}", -1, NULL));
  when.actime = when.modtime = time (NULL) - age;
  g_assert_cmpint (utime (path, &when), ==, 0);
  return path;
}

static char *
model_beside (const char *run_path)
{
  g_autofree char *stem = g_strndup (run_path, strlen (run_path) - strlen (".run.json"));

  return g_strconcat (stem, ".model.json", NULL);
}

/* The runs folder keeps the newest finished runs of each dataset, with
 * their models; unfinished runs and other data's runs stay whatever their
 * age; 0 keeps everything.  A trainer told to keep one prunes when a run
 * ends. */
static void
test_prune (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-app-prune-XXXXXX", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (LcDataset) other = sample_of (240, 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = spec_of (1);
  char *finished[5], *unfinished[2], *others[2];
  Seen seen = { 0 };
  g_autoptr (PbTrainer) trainer = NULL;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *stem = g_strdup_printf ("done-%d", i);

      finished[i] = fake_run (dir, stem, ds, TRUE, 1000 - 100 * i);   /* done-4 the newest */
    }
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *stem = g_strdup_printf ("cut-%d", i), *ostem = g_strdup_printf ("other-%d", i);

      unfinished[i] = fake_run (dir, stem, ds, FALSE, 5000 + i);      /* older than all */
      others[i] = fake_run (dir, ostem, other, TRUE, 6000 + i);
    }

  g_assert_cmpint (pb_run_files_prune (dir, ds, 0, &error), ==, 0);
  g_assert_cmpint (pb_run_files_prune (dir, ds, 10, &error), ==, 0);
  g_assert_cmpint (pb_run_files_prune (dir, ds, 3, &error), ==, 2);
  g_assert_no_error (error);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *model = model_beside (finished[i]);

      g_assert_true (g_file_test (finished[i], G_FILE_TEST_EXISTS) == (i >= 2));
      g_assert_true (g_file_test (model, G_FILE_TEST_EXISTS) == (i >= 2));
    }
  for (int i = 0; i < 2; i++)
    {
      g_assert_true (g_file_test (unfinished[i], G_FILE_TEST_EXISTS));
      g_assert_true (g_file_test (others[i], G_FILE_TEST_EXISTS));
    }

  /* the trainer prunes when a run ends: the new run and the newest before it */
  trainer = trainer_in (dir, &seen);
  g_object_set (trainer, "kept-runs", 2, NULL);
  pb_trainer_start (trainer, ds, spec, NULL, "pruned");
  wait_finished (&seen);
  g_assert_cmpint (seen.finished->state, ==, PB_RUN_FINISHED);
  g_assert_true (g_file_test (seen.finished->run_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (seen.finished->path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (finished[4], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (finished[3], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (finished[2], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (unfinished[0], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (others[1], G_FILE_TEST_EXISTS));

  for (int i = 0; i < 5; i++)
    g_free (finished[i]);
  for (int i = 0; i < 2; i++)
    {
      g_free (unfinished[i]);
      g_free (others[i]);
    }
  g_clear_pointer (&seen.finished, pb_run_unref);
  tu_remove_tree (dir);
}

static void
count_removed_cb (PbSession *session, PbRun *run, int *removed)
{
  (*removed)++;
}

/* Delete Run moves the run file and its model to the trash and drops the
 * run from the session; a model saved elsewhere stays. */
static void
test_delete (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "passband-runs", NULL);
  g_autoptr (LcDataset) ds = sample_of (240, 3);
  g_autoptr (NnModelDoc) spec = spec_of (1);
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *run_path = NULL, *model_path = NULL, *trash = NULL;
  Seen seen = { 0 };
  int removed = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  pb_trainer_set_runs_dir (pb_session_get_trainer (session), dir);
  g_signal_connect (pb_session_get_trainer (session), "finished", G_CALLBACK (finished_cb), &seen);
  g_signal_connect (session, "run-removed", G_CALLBACK (count_removed_cb), &removed);
  pb_session_set_dataset (session, ds);
  pb_trainer_start (pb_session_get_trainer (session), ds, spec, NULL, "deleted");
  wait_finished (&seen);
  pb_session_add_run (session, seen.finished);
  pb_session_show_run (session, seen.finished);
  run_path = g_strdup (seen.finished->run_path);
  model_path = g_strdup (seen.finished->path);
  g_assert_true (g_file_test (model_path, G_FILE_TEST_EXISTS));

  g_assert_true (pb_session_delete_run (session, seen.finished, &error));
  g_assert_no_error (error);
  g_assert_cmpint (removed, ==, 1);
  g_assert_false (g_file_test (run_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (model_path, G_FILE_TEST_EXISTS));
  g_assert_null (pb_session_get_shown_run (session));
  g_assert_cmpuint (pb_session_get_runs (session)->len, ==, 0);
  /* in the trash, to be restored */
  {
    g_autofree char *base = g_path_get_basename (run_path);

    trash = g_build_filename (g_get_user_data_dir (), "Trash", "files", base, NULL);
    g_assert_true (g_file_test (trash, G_FILE_TEST_EXISTS));
  }
  g_clear_pointer (&seen.finished, pb_run_unref);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = NULL;
  int status;

  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2]);
  /* a data folder of its own: Delete Run fills its trash */
  home = g_dir_make_tmp ("passband-app-home-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trainer-resume/killed-and-resumed", test_killed_and_resumed);
  g_test_add_func ("/trainer-resume/cancelled-other-data-discard", test_cancelled_other_data_discard);
  g_test_add_func ("/trainer-resume/stopped-is-finished", test_stopped_is_finished);
  g_test_add_func ("/trainer-resume/ensemble-trains-again", test_ensemble_trains_again);
  g_test_add_func ("/trainer-resume/peek", test_peek);
  g_test_add_func ("/trainer-resume/bar", test_resume_bar);
  g_test_add_func ("/trainer-resume/reopened", test_reopened);
  g_test_add_func ("/trainer-resume/prune", test_prune);
  g_test_add_func ("/trainer-resume/delete", test_delete);
  status = g_test_run ();
  tu_remove_tree (home);
  return status;
}
