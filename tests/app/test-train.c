/* test-train.c: the Train and Results sections in the real window under Xvfb:
 * train a preset for a few epochs on the sample through the real worker, check
 * the live curves, the confusion matrix (against `passband-cli evaluate` on the
 * same model and data), click a cell and find its objects in the gallery, stop a
 * run, replace and cancel runs, close a window while it trains, save and reopen
 * the model, and export every chart. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "lc-simulate.h"
#include "pb-builder.h"
#include "pb-export.h"
#include "pb-object-browser.h"
#include "pb-results-page.h"
#include "pb-session.h"
#include "pb-settings.h"
#include "pb-train-page.h"
#include "pb-window.h"
#include "pb-test-gui.h"
#include "testutil.h"


static PbWindow *window;
static GSettings *settings;
static char *tmp_dir;

/* The first widget under root (itself included) that match accepts. */
static GtkWidget *
find_matching (GtkWidget *root, gboolean (*match) (GtkWidget *widget, gconstpointer data), gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_matching (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static PbTrainPage *
train_page (PbWindow *w)
{
  GtkWidget *page = pb_test_find_descendant (GTK_WIDGET (w), PB_TYPE_TRAIN_PAGE);

  g_assert_nonnull (page);
  return PB_TRAIN_PAGE (page);
}

static gboolean
is_button_labelled (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* A button found by its label, as a user would. */
static GtkWidget *
find_button_labelled (GtkWidget *root, const char *label)
{
  return find_matching (root, is_button_labelled, label);
}

static PbResultsPage *
results_page (PbWindow *w)
{
  GtkWidget *page = pb_test_find_descendant (GTK_WIDGET (w), PB_TYPE_RESULTS_PAGE);

  g_assert_nonnull (page);
  return PB_RESULTS_PAGE (page);
}

typedef struct
{
  int started, batches, epochs, finished;
  GArray *epoch_numbers;     /* int, from the "epoch" signal */
  PbRun *finished_run;
  gint64 finished_us;
} Counts;

static void
started_cb (PbTrainer *trainer, PbRun *run, Counts *c)
{
  c->started++;
}

static void
batch_cb (PbTrainer *trainer, PbRun *run, int epoch, int batch, int n_batches, Counts *c)
{
  g_assert_cmpint (batch, <, n_batches);
  c->batches++;
}

static void
epoch_cb (PbTrainer *trainer, PbRun *run, int epoch, Counts *c)
{
  /* the run already holds this epoch when the signal comes */
  g_assert_cmpuint (run->epochs->len, ==, epoch + 1);
  g_array_append_val (c->epoch_numbers, epoch);
  c->epochs++;
}

static void
finished_cb (PbTrainer *trainer, PbRun *run, Counts *c)
{
  c->finished++;
  c->finished_run = run;
  c->finished_us = g_get_monotonic_time ();
}

static void
counts_connect (Counts *c, PbTrainer *trainer)
{
  memset (c, 0, sizeof *c);
  c->epoch_numbers = g_array_new (FALSE, FALSE, sizeof (int));
  g_signal_connect (trainer, "started", G_CALLBACK (started_cb), c);
  g_signal_connect (trainer, "batch", G_CALLBACK (batch_cb), c);
  g_signal_connect (trainer, "epoch", G_CALLBACK (epoch_cb), c);
  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), c);
}

static void
counts_disconnect (Counts *c, PbTrainer *trainer)
{
  g_signal_handlers_disconnect_by_data (trainer, c);
  g_array_unref (c->epoch_numbers);
}

static void
wait_until_finished (Counts *c, int seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (c->finished == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
show_section (const char *name)
{
  GtkWidget *page = GTK_WIDGET (g_str_equal (name, "train") ? (gpointer) train_page (window)
                                                              : (gpointer) results_page (window));
  GtkStack *stack = GTK_STACK (gtk_widget_get_parent (page));

  gtk_stack_set_visible_child_name (stack, name);
  pb_test_iterate (50);
}

/* Trains small-gru for `epochs` epochs on the open dataset and returns the finished run. */
static PbRun *
train_preset (int epochs, Counts *c)
{
  PbTrainPage *page = train_page (window);
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_train_page_select_model (page, "small-gru.json"));
  pb_train_page_set_epochs (page, epochs);
  g_assert_true (pb_train_page_start (page, &error));
  g_assert_no_error (error);
  g_assert_true (pb_trainer_is_running (pb_train_page_get_trainer (page)));
  wait_until_finished (c, 100);
  return c->finished_run;
}

/* ---- tests ------------------------------------------------------------ */

/* What a student gets from one click: the default model (Small GRU) with its
 * own settings on the built-in sample learns it, well above 0.75 validation
 * accuracy (always guessing the commonest class gives about 0.2). */
static void
test_default_model_learns_sample (void)
{
  PbTrainer *trainer = pb_train_page_get_trainer (train_page (window));
  g_autoptr (NnModelDoc) preset = NULL;
  g_autoptr (GError) error = NULL;
  double best = 0.0;
  gint64 start = g_get_monotonic_time ();
  Counts c;
  PbRun *run;

  preset = pb_session_load_preset_doc ("small-gru.json", &error);
  g_assert_no_error (error);
  show_section ("train");
  counts_connect (&c, trainer);
  run = train_preset (preset->training.train.epochs, &c);
  g_assert_nonnull (run);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  for (guint e = 0; e < run->epochs->len; e++)
    best = MAX (best, g_array_index (run->epochs, NnEpochStats, e).val_accuracy);
  g_test_message ("Small GRU on the sample: best validation accuracy %.3f after %u epochs, %.1f s",
                  best, run->epochs->len, (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpfloat (best, >=, 0.75);
  counts_disconnect (&c, trainer);
}

static void
test_train_curves_and_confusion (void)
{
  PbTrainPage *page = train_page (window);
  PbResultsPage *results = results_page (window);
  PbTrainer *trainer = pb_train_page_get_trainer (page);
  PbConfusionView *confusion = pb_results_page_get_confusion (results);
  PbGalleryView *gallery = pb_results_page_get_cell_gallery (results);
  const NnClassReport *report;
  Counts c;
  PbRun *run;
  int k, sum = 0, t_pick = -1, p_pick = -1;
  guint n_cell;
  g_autofree gsize *cell_objects = NULL;
  const NnEpochStats *last;
  guint wrong_expected;

  show_section ("train");
  counts_connect (&c, trainer);
  run = train_preset (3, &c);
  pb_test_save_png (GTK_WIDGET (window), "train-finished");

  /* the curves got one point per epoch, in order, and the batches in between */
  g_assert_nonnull (run);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  g_assert_cmpint (c.started, ==, 1);
  g_assert_cmpint (c.finished, ==, 1);
  g_assert_cmpint (c.epochs, ==, 3);
  g_assert_cmpuint (run->epochs->len, ==, 3);
  for (int e = 0; e < 3; e++)
    g_assert_cmpint (g_array_index (c.epoch_numbers, int, e), ==, e);
  g_assert_cmpint (c.batches, >=, 1);
  g_assert_cmpuint (run->batches->len, >=, 3);
  g_assert_true (pb_history_chart_get_run (pb_train_page_get_chart (page)) == run);
  g_assert_cmpint (run->best_epoch, >=, 0);
  g_assert_cmpint (run->best_epoch, <, 3);
  g_assert_nonnull (strstr (pb_train_page_get_status (page), "finished"));
  {
    g_autofree char *readout = pb_history_chart_describe_epoch (pb_train_page_get_chart (page), 1);
    g_autofree char *none = pb_history_chart_describe_epoch (pb_train_page_get_chart (page), 3);

    g_assert_nonnull (strstr (readout, "epoch 2"));
    g_assert_nonnull (strstr (readout, "validation loss"));
    g_assert_null (none);
  }

  /* the "currently wrong" panel shows what the last epoch got wrong */
  last = &g_array_index (run->epochs, NnEpochStats, 2);
  wrong_expected = (guint) lround ((1.0 - last->val_accuracy) * run->n_val);
  g_assert_cmpuint (run->wrong_rows->len, ==, wrong_expected);
  g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_page_get_wrong_gallery (results)), ==,
                    MIN (wrong_expected, PB_RESULTS_MAX_GALLERY));

  /* the confusion matrix covers exactly the validation objects */
  g_assert_true (pb_results_page_get_run (results) == run);
  g_assert_nonnull (run->evaluation);
  report = run->evaluation->report;
  k = report->n_classes;
  g_assert_cmpint (run->n_val, >, 0);
  for (int i = 0; i < k * k; i++)
    sum += report->confusion[i];
  g_assert_cmpint (sum, ==, run->n_val);
  g_assert_cmpint (run->evaluation->n_rows, ==, run->n_val);

  /* click the fullest off-diagonal cell (the diagonal when the model is perfect) */
  for (int t = 0; t < k; t++)
    for (int p = 0; p < k; p++)
      if (report->confusion[t * k + p] > 0
          && (t_pick < 0 || (t != p && (t_pick == p_pick || report->confusion[t * k + p]
                                                              > report->confusion[t_pick * k + p_pick]))))
        {
          t_pick = t;
          p_pick = p;
        }
  g_assert_cmpint (t_pick, >=, 0);
  show_section ("results");
  {
    double x, y;

    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    /* the matrix knows where its cells are once it has been drawn */
    while (!pb_confusion_view_cell_center (confusion, t_pick, p_pick, &x, &y))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        pb_test_iterate (20);
      }
    g_assert_cmpint (x, >, 0);
  }
  pb_confusion_view_activate_cell (confusion, t_pick, p_pick);
  pb_test_iterate (50);
  pb_test_save_png (GTK_WIDGET (window), "results-cell");
  pb_results_page_show_tab (results, "wrong");
  pb_test_save_png (GTK_WIDGET (window), "results-wrong");
  pb_results_page_show_tab (results, "scores");
  pb_test_save_png (GTK_WIDGET (window), "results-scores");
  pb_results_page_show_tab (results, "reliability");
  pb_test_save_png (GTK_WIDGET (window), "results-reliability");
  pb_results_page_show_tab (results, "confusion");
  cell_objects = pb_confusion_cell_objects (run->evaluation, t_pick, p_pick, &n_cell);
  g_assert_cmpuint (n_cell, ==, report->confusion[t_pick * k + p_pick]);
  g_assert_cmpuint (pb_gallery_view_get_n_items (gallery), ==, MIN (n_cell, PB_RESULTS_MAX_GALLERY));
  for (guint i = 0; i < pb_gallery_view_get_n_items (gallery); i++)
    {
      gsize object = pb_gallery_view_get_object (gallery, i);
      const LcObject *o = &run->dataset->objects[object];

      g_assert_cmpuint (object, ==, cell_objects[i]);
      g_assert_cmpint (o->label, ==,
                       lc_dataset_class_index (run->dataset, g_array_index (run->doc->classes, NnClassSpec,
                                                                            t_pick).id));
    }
  {
    g_autofree char *text = pb_confusion_view_describe_cell (confusion, t_pick, p_pick);
    g_assert_nonnull (strstr (text, pb_run_class_name (run, t_pick)));
  }
  /* open one in the light-curve view */
  g_signal_emit_by_name (gallery, "object-activated", (gint64) cell_objects[0]);
  pb_test_iterate (50);
  g_assert_cmpint (pb_object_browser_get_selected (PB_OBJECT_BROWSER (pb_window_get_browser (window))), ==,
                   (gssize) cell_objects[0]);
  counts_disconnect (&c, trainer);
}

/* The model a session trained, saved, agrees with `passband-cli evaluate` when
 * opened again on the same data, and keeps its history. */
static void
test_save_reopen_and_cli (void)
{
  PbTrainPage *page = train_page (window);
  PbResultsPage *results = results_page (window);
  PbTrainer *trainer = pb_train_page_get_trainer (page);
  g_autofree char *model_path = g_build_filename (tmp_dir, "model.json", NULL);
  g_autofree char *data_path = g_build_filename (tmp_dir, "sample.csv", NULL);
  g_autofree char *meta_path = g_build_filename (tmp_dir, "sample_metadata.csv", NULL);
  g_autofree char *cli = g_build_filename (g_getenv ("PASSBAND_BUILD_DIR"), "src", "cli", "passband-cli", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  LcLoadOptions options = { 0 };
  JsonObject *result;
  JsonArray *matrix;
  const NnClassReport *report;
  PbRun *trained, *opened;
  Counts c;
  int status = 0;

  /* the data on disk, opened by the app and read by the CLI alike */
  g_assert_true (lc_write_plasticc (pb_window_get_dataset (window), tmp_dir, "sample", &error));
  g_assert_no_error (error);
  options.meta_path = meta_path;
  pb_window_load_path (window, data_path, &options);
  pb_test_wait_for_load (window);
  g_assert_cmpstr (pb_window_get_dataset (window)->path, ==, data_path);

  counts_connect (&c, trainer);
  trained = train_preset (2, &c);
  g_assert_cmpint (trained->state, ==, PB_RUN_FINISHED);
  g_assert_true (pb_train_page_save_run (page, trained, model_path, &error));
  g_assert_no_error (error);
  counts_disconnect (&c, trainer);

  opened = pb_train_page_open_model (page, model_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
  g_assert_cmpint (opened->state, ==, PB_RUN_OPENED);
  g_assert_cmpuint (opened->epochs->len, ==, trained->epochs->len);
  g_assert_true (pb_results_page_get_run (results) == opened);
  g_assert_cmpuint (pb_train_page_get_runs (page)->len, >=, 2);
  report = opened->evaluation->report;

  {
    const char *argv[] = { cli, "evaluate", "--model", model_path, "--data", data_path, "--meta", meta_path,
                           "--json", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                                 &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("passband-cli evaluate failed: %s", err);
  }
  /* the last JSON line is the result */
  {
    g_auto (GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);
    guint n = g_strv_length (lines);

    g_assert_true (json_parser_load_from_data (parser, lines[n - 1], -1, &error));
    g_assert_no_error (error);
  }
  result = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (result, "objects"), ==, opened->evaluation->n_rows);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (result, "accuracy"), report->accuracy, 1e-9);
  matrix = json_object_get_array_member (result, "confusion_matrix");
  g_assert_cmpint (json_array_get_length (matrix), ==, report->n_classes);
  for (int t = 0; t < report->n_classes; t++)
    {
      JsonArray *row = json_array_get_array_element (matrix, t);

      for (int p = 0; p < report->n_classes; p++)
        g_assert_cmpint (json_array_get_int_element (row, p), ==, report->confusion[t * report->n_classes + p]);
    }
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (result, "weighted_log_loss"),
                                  report->weighted_log_loss, 1e-6);

  /* any run of the session can be shown again, with its scores */
  pb_train_page_show_run (page, trained);
  g_assert_true (pb_history_chart_get_run (pb_train_page_get_chart (page)) == trained);
  g_assert_true (pb_results_page_get_run (results) == trained);

  /* comparing two runs overlays the second */
  pb_train_page_compare_with (page, trained);
  g_assert_true (pb_history_chart_get_compare (pb_train_page_get_chart (page)) == trained);
  pb_train_page_compare_with (page, NULL);

  /* a broken model file is an error, not a crash */
  {
    g_autofree char *broken = g_build_filename (tmp_dir, "broken.json", NULL);

    g_assert_true (g_file_set_contents (broken, "{\"format\": \"passband-model\", \"version\": 1, \"layers\": 3}",
                                        -1, NULL));
    g_assert_null (pb_train_page_open_model (page, broken, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  /* back to the sample for the other tests */
  pb_window_load_sample (window);
  pb_test_wait_for_load (window);
}

/* Stop takes effect within about a second and keeps a usable model. */
static void
test_stop (void)
{
  PbTrainPage *page = train_page (window);
  PbTrainer *trainer = pb_train_page_get_trainer (page);
  g_autoptr (GError) error = NULL;
  gint64 deadline, stop_us;
  Counts c;

  counts_connect (&c, trainer);
  g_assert_true (pb_train_page_select_model (page, "small-gru.json"));
  pb_train_page_set_epochs (page, 500);
  /* no early stopping: only Stop ends this run */
  pb_train_page_set_patience (page, 0);
  g_assert_true (pb_train_page_start (page, &error));
  /* the worker encodes first: the status line says how far */
  g_assert_true (g_str_has_prefix (pb_train_page_get_status (page), "Preparing data… "));
  g_assert_true (g_str_has_suffix (pb_train_page_get_status (page), " %"));
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (c.epochs < 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  show_section ("train");
  pb_test_iterate (1500);
  pb_test_save_png (GTK_WIDGET (window), "train-running");
  stop_us = g_get_monotonic_time ();
  pb_train_page_stop (page);
  wait_until_finished (&c, 30);
  g_test_message ("stopped %.3f s after Stop", (c.finished_us - stop_us) / 1e6);
  /* within a second on an idle machine; a loaded test machine gets some slack */
  g_assert_cmpint (c.finished_us - stop_us, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (c.finished_run->state, ==, PB_RUN_STOPPED);
  g_assert_cmpuint (c.finished_run->epochs->len, <, 500);
  g_assert_nonnull (c.finished_run->doc);
  g_assert_nonnull (c.finished_run->evaluation);
  g_assert_false (pb_trainer_is_running (trainer));
  g_assert_nonnull (strstr (pb_train_page_get_status (page), "stopped"));
  counts_disconnect (&c, trainer);
}

/* A preset with period features prepares for seconds on the sample: the Train
 * section says how far it is, and Stop then ends the run before any epoch. */
static void
test_preparing_shown (void)
{
  PbTrainPage *page = train_page (window);
  PbTrainer *trainer = pb_train_page_get_trainer (page);
  g_autoptr (GError) error = NULL;
  Counts c;

  counts_connect (&c, trainer);
  g_assert_true (pb_train_page_select_model (page, "rrlyrae-bigru.json"));
  show_section ("train");
  g_assert_true (pb_train_page_start (page, &error));
  g_assert_no_error (error);
  pb_test_iterate (200);
  pb_test_save_png (GTK_WIDGET (window), "train-preparing");
  g_assert_true (g_str_has_prefix (pb_train_page_get_status (page), "Preparing data… "));
  {
    /* the bar shows the same percentage as the status line */
    GtkProgressBar *bar = GTK_PROGRESS_BAR (pb_test_find_descendant (GTK_WIDGET (page), GTK_TYPE_PROGRESS_BAR));
    int percent = atoi (pb_train_page_get_status (page) + strlen ("Preparing data… "));

    g_assert_cmpfloat (fabs (gtk_progress_bar_get_fraction (bar) - percent / 100.0), <, 0.01);
  }
  pb_train_page_stop (page);
  wait_until_finished (&c, 30);
  g_assert_cmpint (c.finished_run->state, ==, PB_RUN_STOPPED);
  g_assert_cmpint (c.epochs, ==, 0);
  g_assert_false (pb_trainer_is_running (trainer));
  counts_disconnect (&c, trainer);
}

/* A new start replaces a running job (whose results go nowhere); cancel waits
 * for the worker; a window closed while training goes away cleanly. */
static void
test_replace_and_close (void)
{
  PbTrainPage *page = train_page (window);
  PbTrainer *trainer = pb_train_page_get_trainer (page);
  g_autoptr (GError) error = NULL;
  PbRun *first;
  PbWindow *other;
  Counts c;

  counts_connect (&c, trainer);
  g_assert_true (pb_train_page_select_model (page, "small-gru.json"));
  pb_train_page_set_epochs (page, 200);
  g_assert_true (pb_train_page_start (page, &error));
  first = pb_run_ref (pb_trainer_get_run (trainer));
  pb_test_iterate (200);
  g_assert_true (pb_train_page_start (page, &error));
  g_assert_true (pb_trainer_get_run (trainer) != first);
  pb_test_iterate (300);
  pb_trainer_cancel (trainer);
  g_assert_false (pb_trainer_is_running (trainer));
  pb_test_iterate (300);
  /* neither job finished: the first was replaced, the second cancelled */
  g_assert_cmpint (c.finished, ==, 0);
  g_assert_null (first->doc);
  g_assert_cmpint (first->state, ==, PB_RUN_FAILED);
  g_assert_nonnull (first->message);
  pb_run_unref (first);
  counts_disconnect (&c, trainer);

  other = pb_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (other));
  pb_window_load_sample (other);
  pb_test_wait_for_load (other);
  g_assert_true (pb_train_page_select_model (train_page (other), "small-gru.json"));
  pb_train_page_set_epochs (train_page (other), 200);
  g_assert_true (pb_train_page_start (train_page (other), &error));
  pb_test_iterate (300);
  gtk_window_destroy (GTK_WINDOW (other));
  pb_test_iterate (300);
}

/* The LSST train file (.ts, 14 classes) and a PLAsTiCC file with metadata
 * train through the same worker; ten objects are too few for a stratified
 * split of every class, which must be said, not crash. */
static void
test_real_files (void)
{
  PbTrainPage *page = train_page (window);
  PbTrainer *trainer = pb_train_page_get_trainer (page);
  g_autofree char *lsst = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autofree char *plasticc = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  g_autofree char *meta = tu_shared_path ("data/plasticc_training_sample/training_set_metadata_first10.csv");
  LcLoadOptions options = { 0 };
  const NnClassReport *report;
  PbRun *run;
  Counts c;
  int sum = 0;

  pb_window_clear_last_error (window);
  pb_window_load_path (window, lsst, NULL);
  pb_test_wait_for_load (window);
  g_assert_cmpstr (pb_window_get_last_error (window), ==, NULL);
  g_assert_cmpuint (pb_window_get_dataset (window)->n_objects, ==, 2459);
  counts_connect (&c, trainer);
  run = train_preset (1, &c);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  report = run->evaluation->report;
  g_assert_cmpint (report->n_classes, ==, 14);
  for (int i = 0; i < report->n_classes * report->n_classes; i++)
    sum += report->confusion[i];
  g_assert_cmpint (sum, ==, run->n_val);
  counts_disconnect (&c, trainer);

  options.meta_path = meta;
  pb_window_load_path (window, plasticc, &options);
  pb_test_wait_for_load (window);
  g_assert_cmpuint (pb_window_get_dataset (window)->n_objects, ==, 10);
  counts_connect (&c, trainer);
  run = train_preset (2, &c);
  if (run->state == PB_RUN_FAILED)
    {
      g_test_message ("10 PLAsTiCC objects: %s", run->message);
      g_assert_nonnull (run->message);
      g_assert_nonnull (strstr (pb_train_page_get_status (page), run->message));
    }
  else
    g_assert_cmpuint (run->epochs->len, ==, 2);
  counts_disconnect (&c, trainer);

  pb_window_load_sample (window);
  pb_test_wait_for_load (window);
}

static void
assert_png (PbPlottable *view, const char *name)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *png;

  g_assert_true (pb_export_plottable (view, path, PB_EXPORT_PNG, 900, 600, &error));
  g_assert_no_error (error);
  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, 900);
  cairo_surface_destroy (png);
  if (g_getenv ("PB_TEST_SAVE_DIR") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("PB_TEST_SAVE_DIR"), name, NULL);
      pb_export_plottable (view, copy, PB_EXPORT_PNG, 900, 600, NULL);
    }
}

/* Every chart exports, in each format; the burst view measures transient classes. */
static void
test_exports_and_bursts (void)
{
  PbResultsPage *results = results_page (window);
  PbTrainPage *page = train_page (window);
  PbBurstView *burst = pb_results_page_get_burst_view (results);
  LcDataset *ds = pb_window_get_dataset (window);
  int sn = lc_dataset_class_index (ds, 90);
  const char *const exts[] = { "svg", "pdf" };

  g_assert_cmpint (sn, >=, 0);
  pb_burst_view_set_class (burst, ds, sn);
  g_assert_nonnull (pb_burst_view_get_typical (burst, 0));
  g_assert_cmpint (pb_burst_view_get_typical (burst, 0)->n_objects, ==, ds->classes[sn].count);
  assert_png (PB_PLOTTABLE (burst), "bursts.png");
  for (gsize i = 0; i < ds->n_objects; i++)
    if (ds->objects[i].label == sn)
      {
        pb_burst_view_set_object (burst, ds, i, sn, lc_dataset_class_index (ds, 42));
        g_assert_nonnull (pb_burst_view_get_typical (burst, 1));
        break;
      }
  assert_png (PB_PLOTTABLE (burst), "burst-object.png");
  assert_png (PB_PLOTTABLE (pb_train_page_get_chart (page)), "history.png");
  assert_png (PB_PLOTTABLE (pb_results_page_get_confusion (results)), "confusion.png");
  pb_confusion_view_set_normalised (pb_results_page_get_confusion (results), TRUE);
  assert_png (PB_PLOTTABLE (pb_results_page_get_confusion (results)), "confusion-normalised.png");
  assert_png (PB_PLOTTABLE (pb_results_page_get_class_table (results)), "class-table.png");
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = g_strdup_printf ("confusion.%s", exts[i]);
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      PbExportFormat format;
      g_autoptr (GError) error = NULL;

      g_assert_true (pb_export_format_from_path (path, &format));
      g_assert_true (pb_export_plottable (PB_PLOTTABLE (pb_results_page_get_confusion (results)), path, format,
                                          800, 600, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  show_section ("results");
  pb_test_save_png (GTK_WIDGET (window), "results-final");
  pb_results_page_show_burst_for (results, 0);
  pb_test_save_png (GTK_WIDGET (window), "results-burst");
  pb_results_page_show_tab (results, "confusion");
}

/* The Model section's network is a choice too, trained with the panel's settings. */
static void
test_builder_spec (void)
{
  PbTrainPage *page = train_page (window);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = NULL;

  g_assert_true (pb_train_page_select_model (page, "builder"));
  pb_train_page_set_epochs (page, 7);
  pb_train_page_set_seed (page, 11);
  spec = pb_train_page_build_spec (page, &error);
  g_assert_no_error (error);
  g_assert_nonnull (spec);
  g_assert_cmpuint (spec->layers->len, >, 0);
  g_assert_cmpint (spec->training.train.epochs, ==, 7);
  g_assert_cmpuint (spec->training.train.seed, ==, 11);
  /* the preset's own setting first (off), then the panel's */
  g_assert_cmpfloat (spec->training.train.loss.logit_adjust, ==, 0.0f);
  pb_train_page_set_logit_adjust (page, 0.5);
  g_clear_pointer (&spec, nn_model_doc_free);
  spec = pb_train_page_build_spec (page, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (spec->training.train.loss.logit_adjust, ==, 0.5f);
  pb_train_page_set_logit_adjust (page, 0.0);
  g_assert_false (pb_train_page_select_model (page, "no-such-model.json"));

  /* an invalid network does not start: Start is off and says why, until undo mends it */
  {
    PbBuilder *builder = PB_BUILDER (pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_BUILDER));
    GtkWidget *start = find_button_labelled (GTK_WIDGET (page), "_Start");
    g_autoptr (GError) start_error = NULL;
    g_autofree char *why = NULL;
    const char *tooltip;
    int removed = 0;

    g_assert_nonnull (start);
    g_assert_true (pb_builder_can_train (builder, NULL));
    g_assert_true (gtk_widget_get_sensitive (start));
    while (pb_builder_get_spec (builder)->layers->len > 0)
      {
        pb_builder_remove_layer (builder, 0);
        removed++;
      }
    g_assert_false (pb_builder_can_train (builder, &why));
    g_assert_false (gtk_widget_get_sensitive (start));
    tooltip = gtk_widget_get_tooltip_text (start);
    g_assert_nonnull (strstr (tooltip, why));
    g_assert_nonnull (strstr (pb_train_page_get_status (page), why));
    g_assert_false (pb_train_page_start (page, &start_error));
    g_assert_error (start_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

    /* a preset picked here becomes the Model section's network (one undo step there) */
    g_assert_true (pb_train_page_select_model (page, "small-gru.json"));
    g_assert_true (gtk_widget_get_sensitive (start));
    g_assert_cmpuint (pb_builder_get_spec (builder)->layers->len, >, 0);
    g_assert_true (pb_builder_undo (builder));
    g_assert_cmpuint (pb_builder_get_spec (builder)->layers->len, ==, 0);
    g_assert_false (gtk_widget_get_sensitive (start));
    show_section ("train");
    pb_test_save_png (GTK_WIDGET (window), "train-invalid-network");

    while (removed-- > 0)
      g_assert_true (pb_builder_undo (builder));
    g_assert_true (pb_builder_can_train (builder, NULL));
    g_assert_true (gtk_widget_get_sensitive (start));
    g_assert_cmpstr (pb_train_page_get_status (page), ==, "");
    pb_train_page_set_epochs (page, 7);
    pb_train_page_set_seed (page, 11);
  }

  /* and it trains through the same worker */
  {
    PbTrainer *trainer = pb_train_page_get_trainer (page);
    Counts c;

    counts_connect (&c, trainer);
    g_assert_true (pb_train_page_select_model (page, "builder"));
    pb_train_page_set_epochs (page, 1);
    g_assert_true (pb_train_page_start (page, &error));
    g_assert_no_error (error);
    wait_until_finished (&c, 100);
    g_assert_cmpint (c.finished_run->state, ==, PB_RUN_FINISHED);
    g_assert_cmpuint (c.finished_run->epochs->len, ==, 1);
    pb_test_iterate (20);
    /* one epoch, not "1 epochs" */
    g_assert_nonnull (strstr (pb_train_page_get_status (page), " 1 epoch in "));
    counts_disconnect (&c, trainer);
  }
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-train-XXXXXX", NULL);
  settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  window = pb_test_window_on_sample (settings);

  g_test_add_func ("/train/curves-and-confusion", test_train_curves_and_confusion);
  g_test_add_func ("/train/default-model-learns-sample", test_default_model_learns_sample);
  g_test_add_func ("/train/save-reopen-cli", test_save_reopen_and_cli);
  g_test_add_func ("/train/stop", test_stop);
  g_test_add_func ("/train/preparing-shown", test_preparing_shown);
  g_test_add_func ("/train/replace-and-close", test_replace_and_close);
  g_test_add_func ("/train/builder-spec", test_builder_spec);
  g_test_add_func ("/train/real-files", test_real_files);
  g_test_add_func ("/train/exports-and-bursts", test_exports_and_bursts);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (100);
  g_object_unref (settings);
  tu_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
