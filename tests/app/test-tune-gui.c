/* test-tune-gui.c: the Tune section in the real window under Xvfb:
 * a grid search through the real worker fills the table, the table sorts,
 * the heat map covers the grid, the best trial is promoted into the builder,
 * a search stops and resumes, also in a new session from its ledger on
 * disk; the drawings export; the Results section's
 * early-classification slider, novelty tab, test file and predictions export. */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pb-builder.h"
#include "pb-export.h"
#include "pb-settings.h"
#include "pb-tune-page.h"
#include "pb-results-page.h"
#include "pb-window.h"
#include "pb-test-gui.h"
#include "testutil.h"

static PbWindow *window;
static GSettings *settings;
static char *ledger_root;     /* the searches of this run keep their trials here */

static PbTunePage *
tune_page (void)
{
  GtkWidget *page = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_TUNE_PAGE);
  g_assert_nonnull (page);
  return PB_TUNE_PAGE (page);
}

static NnModelDoc *
small_spec (void)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"tiny\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 1, \"batch_size\": 64, \"seed\": 3, \"val_fraction\": 0.25}}";
  g_autoptr (GError) error = NULL;
  NnModelDoc *doc = nn_model_doc_load_from_data (text, -1, "tiny.json", &error);
  g_assert_no_error (error);
  return doc;
}

typedef struct
{
  int trials;
  int finished;
  int status;
  gboolean stop_after_first;
} Counts;

static void
trial_cb (PbTunePage *page, int index, Counts *c)
{
  c->trials++;
  if (c->stop_after_first)
    pb_tune_page_stop (page);
}

static void
finished_cb (PbTunePage *page, int status, Counts *c)
{
  c->finished++;
  c->status = status;
}

static void
wait_finished (Counts *c)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (c->finished == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  pb_test_iterate (50);
}

static void
test_grid_table_heatmap_promote (void)
{
  PbTunePage *page = tune_page ();
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) promoted = NULL;
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (page), GTK_TYPE_STACK);
  PbBuilder *builder = PB_BUILDER (gtk_stack_get_child_by_name (GTK_STACK (stack), "model"));
  const LcTuneHeatmap *map;
  const LcTrial *best;
  Counts c = { 0 };
  gulong h1, h2;

  gtk_stack_set_visible_child_name (GTK_STACK (stack), "tune");
  pb_tune_page_set_spec (page, spec);
  pb_tune_page_set_space (page, lc_search_space_load_from_data (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"layers[0].units\", \"values\": [4, 8]},"
    " {\"path\": \"training.learning_rate\", \"values\": [0.00670689, 0.01]}]}", -1, "space.json", &error));
  g_assert_no_error (error);
  pb_tune_page_set_options (page, LC_TUNE_GRID, 4, 1, 0);
  h1 = g_signal_connect (page, "trial", G_CALLBACK (trial_cb), &c);
  h2 = g_signal_connect (page, "finished", G_CALLBACK (finished_cb), &c);
  g_assert_true (pb_tune_page_start (page, &error));
  g_assert_no_error (error);
  g_assert_true (pb_tune_page_is_running (page));
  wait_finished (&c);
  g_signal_handler_disconnect (page, h1);
  g_signal_handler_disconnect (page, h2);

  g_assert_cmpint (c.status, ==, LC_TUNE_DONE);
  g_assert_cmpint (c.trials, ==, 4);
  g_assert_false (pb_tune_page_is_running (page));
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, ==, 4);
  g_assert_nonnull (strstr (pb_tune_page_get_status (page), "Done"));

  /* the table: every trial a row; sorted by accuracy the best comes first */
  best = lc_tune_table_best (pb_tune_page_get_table (page));
  g_assert_nonnull (best);
  /* people count trials from 1, as "Trial n of N" does; the ledger from 0 */
  {
    g_autofree char *said = g_strdup_printf ("best trial %d ", best->index + 1);
    g_assert_nonnull (strstr (pb_tune_page_get_status (page), said));
  }
  pb_tune_page_sort_by (page, "val_accuracy", TRUE);
  pb_test_iterate (50);
  g_assert_cmpfloat (pb_tune_page_get_row (page, 0)->val_accuracy, ==, best->val_accuracy);
  g_assert_cmpfloat (pb_tune_page_get_row (page, 3)->val_accuracy, <=, best->val_accuracy);
  pb_tune_page_sort_by (page, "trial", FALSE);
  pb_test_iterate (50);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (pb_tune_page_get_row (page, i)->index, ==, (int) i);
  pb_tune_page_sort_by (page, "trial", TRUE);
  pb_test_iterate (50);
  g_assert_cmpint (pb_tune_page_get_row (page, 0)->index, ==, 3);

  /* the heat map: the 2 x 2 grid, every cell scored */
  pb_tune_page_set_heatmap_axes (page, "training.learning_rate", "layers[0].units");
  map = pb_heatmap_view_get_map (pb_tune_page_get_heatmap (page));
  g_assert_nonnull (map);
  g_assert_cmpint (map->nx, ==, 2);
  g_assert_cmpint (map->ny, ==, 2);
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpint (map->count[i], ==, 1);
      g_assert_true (isfinite (map->score[i]));
    }
  /* the axes say what they are and round as people write numbers */
  {
    PbHeatmapView *view = pb_tune_page_get_heatmap (page);
    g_autofree char *lr = pb_heatmap_view_dup_label (view, TRUE, 0);

    g_assert_cmpstr (lr, ==, "0.00671");
    g_assert_null (strchr (pb_heatmap_view_get_title (view, TRUE), '.'));
    g_assert_null (strchr (pb_heatmap_view_get_title (view, FALSE), '['));
    g_assert_nonnull (strstr (pb_heatmap_view_get_title (view, TRUE), "Learning rate"));
  }
  pb_test_iterate (200);

  /* promote: the builder gets the best trial's units and learning rate */
  promoted = pb_tune_page_promote_best (page, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_array_index (pb_builder_get_spec (builder)->layers, NnLayerSpec, 0).cfg.units, ==,
                   json_object_get_int_member (json_node_get_object (best->settings), "layers[0].units"));
  g_assert_cmpfloat_with_epsilon (pb_builder_get_spec (builder)->training.train.optim.lr,
                                  json_object_get_double_member (json_node_get_object (best->settings),
                                                                 "training.learning_rate"), 1e-7);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "model");
  /* the table still shows the search the network was promoted from */
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, ==, 4);
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "tune");
  pb_test_iterate (200);
}

static void
test_stop_and_resume (void)
{
  PbTunePage *page = tune_page ();
  g_autoptr (GError) error = NULL;
  Counts c = { 0 };
  gulong h1, h2;

  pb_tune_page_clear (page);
  pb_tune_page_set_options (page, LC_TUNE_RANDOM, 3, 1, 5);
  c.stop_after_first = TRUE;
  h1 = g_signal_connect (page, "trial", G_CALLBACK (trial_cb), &c);
  h2 = g_signal_connect (page, "finished", G_CALLBACK (finished_cb), &c);
  g_assert_true (pb_tune_page_start (page, &error));
  wait_finished (&c);
  g_assert_cmpint (c.status, ==, LC_TUNE_STOPPED);
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, >=, 1);
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, <, 3);

  /* Start again resumes: the finished trials are kept, the rest run */
  c.finished = 0;
  c.stop_after_first = FALSE;
  g_assert_true (pb_tune_page_start (page, &error));
  wait_finished (&c);
  g_assert_cmpint (c.status, ==, LC_TUNE_DONE);
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_nonnull (lc_tune_table_find (pb_tune_page_get_table (page), i));
  g_signal_handler_disconnect (page, h1);
  g_signal_handler_disconnect (page, h2);
}

static void
test_exports (void)
{
  PbTunePage *page = tune_page ();
  g_autofree char *dir = g_dir_make_tmp ("tune-gui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "heatmap.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  g_assert_true (pb_export_plottable (PB_PLOTTABLE (pb_tune_page_get_heatmap (page)), path, PB_EXPORT_PNG, 640,
                                      400, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 640);
  g_unlink (path);
  g_rmdir (dir);
}

/* Closing a window while its search runs: the worker stops after a batch and
 * its late results are dropped, nothing touches the destroyed widgets. */
static void
test_close_while_running (void)
{
  PbWindow *other = pb_window_new (NULL, settings);
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PbTunePage) page = NULL;

  gtk_window_present (GTK_WINDOW (other));
  pb_window_load_sample (other);
  pb_test_wait_for_load (other);
  page = g_object_ref (PB_TUNE_PAGE (pb_test_find_descendant (GTK_WIDGET (other), PB_TYPE_TUNE_PAGE)));
  pb_tune_page_set_ledger_root (page, ledger_root);
  pb_tune_page_set_spec (page, spec);
  pb_tune_page_set_options (page, LC_TUNE_RANDOM, 50, 3, 1);
  g_assert_true (pb_tune_page_start (page, &error));
  pb_test_iterate (100);
  gtk_window_destroy (GTK_WINDOW (other));
  /* the worker holds no reference to the page */
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (G_OBJECT (page)->ref_count > 1)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        pb_test_iterate (20);
      }
  }
  g_assert_false (pb_tune_page_is_running (page));
  /* stopped, not run to the end of its 50 trials */
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, <, 5);
}

typedef struct
{
  PbTunePage *page;
  int first;
  int n_done;
  char *progress_at_first;
  double left_at_first;
} Restart;

static void
restart_trial_cb (PbTunePage *page, int index, Restart *r)
{
  if (r->first >= 0)
    return;
  r->first = index;
  r->progress_at_first = g_strdup (pb_tune_page_get_progress (page, &r->left_at_first));
}

static const char *tiny_space_json =
  "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
  " {\"path\": \"layers[0].units\", \"values\": [4, 8]},"
  " {\"path\": \"training.learning_rate\", \"values\": [0.001, 0.01]}]}";

/* Quitting in the middle of a search and starting it again in a new
 * session: the new page reads the ledger and runs only the trials not on
 * record, starting with the first unfinished one, and says how far it is. */
static void
test_restart_continues (void)
{
  PbTunePage *page = tune_page ();
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PbTunePage) fresh = NULL;
  g_autofree char *trials_path = NULL;
  g_autofree char *expected = NULL;
  LcTuneTable *on_disk = lc_tune_table_new ();
  Counts c = { .stop_after_first = TRUE };
  Counts fc = { 0 };
  Restart r = { .first = -1 };
  gulong h1, h2;
  guint n_done;

  pb_tune_page_clear (page);
  pb_tune_page_set_spec (page, spec);
  pb_tune_page_set_space (page, lc_search_space_load_from_data (tiny_space_json, -1, "space.json", &error));
  pb_tune_page_set_options (page, LC_TUNE_RANDOM, 4, 1, 9);
  h1 = g_signal_connect (page, "trial", G_CALLBACK (trial_cb), &c);
  h2 = g_signal_connect (page, "finished", G_CALLBACK (finished_cb), &c);
  g_assert_true (pb_tune_page_start (page, &error));
  g_assert_no_error (error);
  /* "Trial 1 of 4" from the start */
  g_assert_true (g_str_has_prefix (pb_tune_page_get_progress (page, NULL), "Trial 1 of 4"));
  wait_finished (&c);
  g_signal_handler_disconnect (page, h1);
  g_signal_handler_disconnect (page, h2);
  g_assert_cmpint (c.status, ==, LC_TUNE_STOPPED);
  g_assert_null (pb_tune_page_get_progress (page, NULL));
  n_done = pb_tune_page_get_table (page)->trials->len;
  g_assert_cmpuint (n_done, >=, 1);
  g_assert_cmpuint (n_done, <, 4);

  /* the trials are on disk, in the search's own folder under the root */
  g_assert_true (g_str_has_prefix (pb_tune_page_get_ledger (page), ledger_root));
  trials_path = g_build_filename (pb_tune_page_get_ledger (page), "trials.jsonl", NULL);
  g_assert_true (lc_tune_table_load (on_disk, trials_path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (on_disk->trials->len, ==, n_done);
  lc_tune_table_free (on_disk);

  /* a new session: another page, the same data, spec, space and options */
  fresh = g_object_ref_sink (PB_TUNE_PAGE (pb_tune_page_new (NULL)));
  pb_tune_page_set_ledger_root (fresh, ledger_root);
  pb_tune_page_set_dataset (fresh, pb_window_get_dataset (window));
  pb_tune_page_set_spec (fresh, spec);
  pb_tune_page_set_space (fresh, lc_search_space_load_from_data (tiny_space_json, -1, "space.json", &error));
  pb_tune_page_set_options (fresh, LC_TUNE_RANDOM, 4, 1, 9);
  /* before Start, the table already shows what is on disk of this search */
  g_assert_cmpuint (pb_tune_page_get_table (fresh)->trials->len, ==, n_done);
  g_assert_nonnull (strstr (pb_tune_page_get_status (fresh), "on disk"));
  /* other settings are another search, with nothing on disk yet */
  pb_tune_page_set_options (fresh, LC_TUNE_RANDOM, 4, 1, 10);
  g_assert_cmpuint (pb_tune_page_get_table (fresh)->trials->len, ==, 0);
  pb_tune_page_set_options (fresh, LC_TUNE_RANDOM, 4, 1, 9);
  g_assert_cmpuint (pb_tune_page_get_table (fresh)->trials->len, ==, n_done);
  g_signal_connect (fresh, "trial", G_CALLBACK (restart_trial_cb), &r);
  g_signal_connect (fresh, "finished", G_CALLBACK (finished_cb), &fc);
  g_assert_true (pb_tune_page_start (fresh, &error));
  wait_finished (&fc);
  g_assert_cmpint (fc.status, ==, LC_TUNE_DONE);
  g_assert_cmpstr (pb_tune_page_get_ledger (fresh), ==, pb_tune_page_get_ledger (page));
  /* the first trial run is the first unfinished one; the others were read back */
  g_assert_cmpint (r.first, ==, (int) n_done);
  g_assert_cmpuint (pb_tune_page_get_table (fresh)->trials->len, ==, 4);
  for (guint i = 0; i < n_done; i++)
    g_assert_cmpfloat (lc_tune_table_find (pb_tune_page_get_table (fresh), i)->val_accuracy, ==,
                       lc_tune_table_find (pb_tune_page_get_table (page), i)->val_accuracy);
  /* after it, the bar counts on from there and knows the time left */
  g_test_message ("after the first trial of the new session: %s", r.progress_at_first);
  expected = g_strdup_printf ("Trial %u of 4", MIN (n_done + 2, 4));
  g_assert_true (g_str_has_prefix (r.progress_at_first, expected));
  g_assert_cmpfloat (r.left_at_first, >=, 0);
  g_free (r.progress_at_first);
}

/* A page on the session's network: promoting a trial changes that network,
 * but the table stays on the search it came from; another network then
 * shows its own search. */
static void
test_promote_keeps_table (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (NnModelDoc) promoted = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbTunePage) page = NULL;
  Counts c = { 0 };

  pb_session_set_dataset (session, pb_window_get_dataset (window));
  pb_session_set_spec (session, spec, NULL);
  page = g_object_ref_sink (PB_TUNE_PAGE (pb_tune_page_new (session)));
  pb_tune_page_set_ledger_root (page, ledger_root);
  pb_tune_page_set_space (page, lc_search_space_load_from_data (tiny_space_json, -1, "space.json", &error));
  pb_tune_page_set_options (page, LC_TUNE_GRID, 2, 1, 0);
  g_signal_connect (page, "finished", G_CALLBACK (finished_cb), &c);
  g_assert_true (pb_tune_page_start (page, &error));
  wait_finished (&c);
  g_assert_cmpint (c.status, ==, LC_TUNE_DONE);
  promoted = pb_tune_page_promote_best (page, &error);
  g_assert_no_error (error);
  /* both grid points have 4 units where the spec has 8: the session's network changed */
  g_assert_cmpint (g_array_index (pb_session_get_spec (session)->layers, NnLayerSpec, 0).cfg.units, ==, 4);
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, ==, 2);
  /* edited in the builder, the network is another search: nothing on disk */
  pb_session_set_spec (session, promoted, NULL);
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, ==, 0);
  /* back to the network searched: its trials come back from disk */
  pb_session_set_spec (session, spec, NULL);
  g_assert_cmpuint (pb_tune_page_get_table (page)->trials->len, ==, 2);
}

/* A run as the Train section leaves it: a trained model scored on its
 * validation rows. */
static PbRun *
trained_run (void)
{
  g_autoptr (NnModelDoc) spec = small_spec ();

  return pb_test_trained_run (pb_window_get_dataset (window), spec, 3, "Run 1: tiny");
}

static void
wait_results (PbResultsPage *results)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (pb_results_page_is_busy (results))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      pb_test_iterate (10);
    }
}

static int
confusion_total (PbRun *run)
{
  int k = run->evaluation->report->n_classes, sum = 0;

  for (int i = 0; i < k * k; i++)
    sum += run->evaluation->report->confusion[i];
  return sum;
}

/* The Results page's confusion matrix draws run's counts. */
static void
assert_matrix_shows (PbResultsPage *results, PbRun *run)
{
  const NnClassReport *r = run->evaluation->report;
  PbConfusionView *confusion = pb_results_page_get_confusion (results);

  for (int t = 0; t < r->n_classes; t++)
    for (int p = 0; p < r->n_classes; p++)
      {
        g_autofree char *cell = pb_confusion_view_describe_cell (confusion, t, p);
        g_autofree char *expected = g_strdup_printf ("\n%d of %d objects", r->confusion[t * r->n_classes + p],
                                                     r->support[t]);

        g_assert_nonnull (cell);
        g_assert_nonnull (strstr (cell, expected));
      }
}

/* Early classification and novelty live in the Results section:
 * the "seen so far" slider drives the Results page's own confusion matrix
 * and per-class table, computed in a worker. */
/* The objects a run's model trained on: the labelled ones but its validation objects. */
static int
run_trained_objects (PbRun *run)
{
  int n = 0;

  for (gsize i = 0; i < run->dataset->n_objects; i++)
    n += run->dataset->objects[i].label >= 0;
  return n - run->n_val;
}

static void
test_results_early_and_novelty (void)
{
  GtkWidget *found = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_RESULTS_PAGE);
  PbResultsPage *results = PB_RESULTS_PAGE (found);
  GtkWidget *stack = gtk_widget_get_ancestor (found, GTK_TYPE_STACK);
  g_autoptr (PbRun) run = trained_run ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("explore-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "predictions.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  const LcEarlyCurve *curve;
  PbRun *early;
  int n_lines = 0;

  /* no Explore section any more: one place for these views */
  g_assert_null (gtk_stack_get_child_by_name (GTK_STACK (stack), "explore"));
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "results");
  pb_results_page_set_run (results, run);
  pb_results_page_explore (results);
  /* the work is in a worker: the call returns before the curve exists */
  g_assert_true (pb_results_page_is_busy (results));
  wait_results (results);
  g_assert_null (pb_results_page_get_job_error (results));
  curve = pb_early_view_get_curve (pb_results_page_get_early_view (results));
  g_assert_nonnull (curve);
  g_assert_cmpint (curve->n_points, >=, 3);
  g_assert_cmpint (curve->n_rows, ==, run->evaluation->n_rows);
  /* the whole curve is what the Results section shows */
  g_assert_cmpfloat_with_epsilon (curve->accuracy[curve->n_points - 1], run->evaluation->report->accuracy, 1e-12);
  g_assert_true (pb_results_page_get_shown_run (results) == run);
  assert_matrix_shows (results, run);

  /* the slider: the Results matrix and table score the first observation only */
  pb_results_page_set_early_point (results, 0);
  wait_results (results);
  early = pb_results_page_get_shown_run (results);
  g_assert_true (early != run);
  assert_matrix_shows (results, early);
  g_assert_cmpint (confusion_total (early), ==, run->evaluation->n_rows);
  g_assert_cmpfloat_with_epsilon (early->evaluation->report->accuracy, curve->accuracy[0], 1e-12);
  /* a stale request is dropped: only the last point asked for is shown */
  pb_results_page_set_early_point (results, 1);
  pb_results_page_set_early_point (results, 0);
  wait_results (results);
  g_assert_cmpfloat_with_epsilon (pb_results_page_get_shown_run (results)->evaluation->report->accuracy,
                                  curve->accuracy[0], 1e-12);
  pb_results_page_set_early_point (results, curve->n_points - 1);
  wait_results (results);
  g_assert_true (pb_results_page_get_shown_run (results) == run);
  pb_results_page_set_early_axis (results, LC_EARLY_DAYS);
  wait_results (results);
  curve = pb_early_view_get_curve (pb_results_page_get_early_view (results));
  g_assert_nonnull (curve);
  g_assert_cmpint (curve->axis, ==, LC_EARLY_DAYS);
  pb_results_page_set_early_point (results, 1);
  wait_results (results);
  g_assert_cmpfloat_with_epsilon (pb_results_page_get_shown_run (results)->evaluation->report->accuracy,
                                  curve->accuracy[1], 1e-12);
  pb_results_page_show_tab (results, "early");
  pb_test_iterate (200);

  /* novelty: a threshold of 0 ranks everybody the model was not trained
   * on (up to the gallery's 60), above 1 nobody */
  pb_results_page_set_novelty_score (results, LC_NOVELTY_P99);
  pb_results_page_set_threshold (results, 0.0);
  g_assert_cmpint (pb_novelty_view_count_above (pb_results_page_get_novelty_view (results)), ==,
                   (int) run->dataset->n_objects - run_trained_objects (run));
  g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_page_get_novelty_gallery (results)), ==,
                    MIN (PB_RESULTS_MAX_GALLERY, run->dataset->n_objects));
  pb_results_page_set_threshold (results, 1.0);
  g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_page_get_novelty_gallery (results)), ==,
                    (guint) pb_novelty_view_count_above (pb_results_page_get_novelty_view (results)));
  g_assert_cmpint (pb_novelty_view_count_above (pb_results_page_get_novelty_view (results)), <,
                   (int) run->dataset->n_objects);
  pb_results_page_set_novelty_score (results, LC_NOVELTY_ENTROPY);
  pb_results_page_set_threshold (results, 0.5);
  pb_results_page_show_tab (results, "novelty");
  pb_test_iterate (200);

  /* a separate labelled file, scored in a worker and shown beside the validation scores */
  g_assert_true (pb_results_page_evaluate_file (results, "sim:80:9", &error));
  g_assert_no_error (error);
  wait_results (results);
  g_assert_null (pb_results_page_get_job_error (results));
  g_assert_cmpint (pb_results_page_get_test_evaluation (results)->n_rows, ==, 80);
  g_assert_nonnull (strstr (pb_results_page_get_test_text (results), "Validation"));
  g_assert_nonnull (strstr (pb_results_page_get_test_text (results), "sim:80:9: 80 objects"));
  g_assert_true (pb_results_page_evaluate_file (results, "/nonexistent/test.ts", &error));
  wait_results (results);
  g_assert_nonnull (pb_results_page_get_job_error (results));
  g_assert_nonnull (strstr (pb_results_page_get_test_text (results), "test.ts"));

  /* the Kaggle layout: a header with class_99 and one row per object */
  g_assert_true (pb_results_page_export_predictions (results, csv, &error));
  g_assert_no_error (error);
  wait_results (results);
  g_assert_null (pb_results_page_get_job_error (results));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  while (lines[n_lines] != NULL && lines[n_lines][0] != '\0')
    n_lines++;
  g_assert_cmpint (n_lines, ==, (int) run->dataset->n_objects + 1);
  g_assert_true (g_str_has_prefix (lines[0], "object_id,class_"));
  g_assert_true (g_str_has_suffix (lines[0], ",class_99"));
  g_unlink (csv);
  g_rmdir (dir);
}

/* Cancel drops the jobs in flight: nothing they computed is shown. */
static void
test_results_cancel (void)
{
  PbResultsPage *results = PB_RESULTS_PAGE (pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_RESULTS_PAGE));
  PbRun *before = pb_results_page_get_shown_run (results);
  const LcEarlyCurve *curve = pb_early_view_get_curve (pb_results_page_get_early_view (results));
  GtkWidget *cancel;

  g_assert_nonnull (curve);
  pb_results_page_set_early_point (results, 0);
  g_assert_true (pb_results_page_is_busy (results));
  cancel = pb_results_page_get_cancel_button (results);
  g_assert_nonnull (cancel);
  g_assert_true (gtk_widget_get_visible (cancel));
  g_signal_emit_by_name (cancel, "clicked");
  wait_results (results);
  g_assert_true (pb_results_page_get_shown_run (results) == before);
  g_assert_false (gtk_widget_get_visible (cancel));
  /* the slider is back where the shown scores are */
  g_assert_cmpint (pb_results_page_get_early_point (results), ==, 1);
}

/* A page on settings kept in memory, as the app keeps them on disk. */
static GSettings *
memory_settings (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettingsSchemaSource) source =
    g_settings_schema_source_new_from_directory (PB_BUILD_SCHEMA_DIR, NULL, FALSE, &error);
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();

  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
  g_assert_nonnull (schema);
  return g_settings_new_full (schema, backend, NULL);
}

static void
assert_options (PbTunePage *page, LcTuneStrategy strategy, int trials, int epochs, int seed)
{
  LcTuneStrategy s;
  int t, e, d;

  pb_tune_page_get_options (page, &s, &t, &e, &d);
  g_assert_cmpint (s, ==, strategy);
  g_assert_cmpint (t, ==, trials);
  g_assert_cmpint (e, ==, epochs);
  g_assert_cmpint (d, ==, seed);
}

/* The form's own fields outlive the session: a page made after the last
 * one was gone (the app started again) shows what was typed, so a search
 * resumes without typing its settings again. */
static void
test_form_remembered (void)
{
  g_autoptr (GSettings) remembered = memory_settings ();
  GtkWidget *first = g_object_ref_sink (pb_tune_page_new (NULL));
  GtkWidget *second;

  pb_tune_page_bind_settings (PB_TUNE_PAGE (first), remembered);
  assert_options (PB_TUNE_PAGE (first), LC_TUNE_RANDOM, 20, 5, 0);
  pb_tune_page_set_options (PB_TUNE_PAGE (first), LC_TUNE_HALVING, 12, 7, 42);
  g_assert_cmpint (g_settings_get_enum (remembered, "tune-strategy"), ==, LC_TUNE_HALVING);
  g_assert_cmpint (g_settings_get_int (remembered, "tune-trials"), ==, 12);
  g_assert_cmpint (g_settings_get_int (remembered, "tune-epochs"), ==, 7);
  g_assert_cmpint (g_settings_get_int (remembered, "tune-seed"), ==, 42);
  g_object_unref (first);

  second = g_object_ref_sink (pb_tune_page_new (NULL));
  pb_tune_page_bind_settings (PB_TUNE_PAGE (second), remembered);
  assert_options (PB_TUNE_PAGE (second), LC_TUNE_HALVING, 12, 7, 42);
  g_assert_true (g_settings_set_string (remembered, "tune-strategy", "grid"));
  assert_options (PB_TUNE_PAGE (second), LC_TUNE_GRID, 12, 7, 42);
  g_object_unref (second);

  /* the window's page is bound to the app's settings */
  pb_tune_page_set_options (tune_page (), LC_TUNE_GRID, 3, 2, 9);
  g_assert_cmpint (g_settings_get_int (settings, "tune-trials"), ==, 3);
  g_assert_cmpint (g_settings_get_int (settings, "tune-seed"), ==, 9);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  window = pb_test_window_on_sample (settings);
  ledger_root = g_dir_make_tmp ("tune-ledgers-XXXXXX", NULL);
  pb_tune_page_set_ledger_root (tune_page (), ledger_root);

  g_test_add_func ("/tune-gui/grid-table-heatmap-promote", test_grid_table_heatmap_promote);
  g_test_add_func ("/tune-gui/stop-resume", test_stop_and_resume);
  g_test_add_func ("/tune-gui/restart-continues", test_restart_continues);
  g_test_add_func ("/tune-gui/promote-keeps-table", test_promote_keeps_table);
  g_test_add_func ("/tune-gui/exports", test_exports);
  g_test_add_func ("/tune-gui/close-while-running", test_close_while_running);
  g_test_add_func ("/tune-gui/results-early-novelty", test_results_early_and_novelty);
  g_test_add_func ("/tune-gui/results-cancel", test_results_cancel);
  g_test_add_func ("/tune-gui/form-remembered", test_form_remembered);
  status = g_test_run ();

  /* to look at the novelty tab by hand: PB_TUNE_SCREENSHOT=ms keeps the window up */
  if (g_getenv ("PB_TUNE_SCREENSHOT") != NULL)
    {
      GtkWidget *results = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_RESULTS_PAGE);
      const char *tab = g_getenv ("PB_RESULTS_TAB");

      pb_results_page_show_tab (PB_RESULTS_PAGE (results), tab != NULL ? tab : "novelty");
      pb_test_iterate (atoi (g_getenv ("PB_TUNE_SCREENSHOT")));
    }
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (100);
  g_object_unref (settings);
  tu_remove_tree (ledger_root);
  g_free (ledger_root);
  return status;
}
