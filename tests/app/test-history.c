/* test-history.c: the per-object history in the app.  The chart of one
 * object's class probabilities (where the true class's line is drawn), the
 * History tab's lists against the core's queries, the Compare Runs tab's
 * fixed and broken objects, rows that open the light curve, and Export
 * Runs writing what `passband-cli runs export` writes for the same runs.
 * The runs are trained through the core with the history recorded, as the
 * app's trainer does. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lc-run.h"
#include "lc-simulate.h"
#include "pb-object-history-panel.h"
#include "pb-object-history-view.h"
#include "pb-results-page.h"
#include "pb-run-compare-view.h"
#include "pb-runs-export.h"
#include "pb-session.h"
#include "pb-settings.h"
#include "pb-test-gui.h"
#include "testutil.h"

static LcDataset *
simulated (int n_objects, guint64 seed)
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

/* A run trained on ds through the core with every validation object's
 * probabilities recorded at every epoch; seed < 0 keeps the spec's. */
static PbRun *
run_with_history (LcDataset *ds, int epochs, gint64 seed, const char *name)
{
  g_autoptr (NnModelDoc) spec = pb_session_load_preset_doc ("small-gru.json", NULL);
  g_autoptr (LcTrainRun) train = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (GError) error = NULL;
  NnTrainCallbacks callbacks = { 0 };
  NnObjectHistory *history;
  LcTrainOverrides o;
  PbRun *run;

  lc_train_overrides_init (&o);
  o.epochs = epochs;
  o.patience = 0;
  if (seed >= 0)
    o.seed = seed;
  train = lc_train_run_prepare (ds, spec, &o, &error);
  g_assert_no_error (error);
  history = nn_object_history_new (train->val->labels, train->val->n, train->model->n_classes, epochs);
  callbacks.object_history = history;
  lc_train_run_train (train, &callbacks, &error);
  g_assert_no_error (error);
  g_assert_cmpint (history->n_epochs, ==, epochs);
  p = lc_predictor_new (train->doc, &error);
  g_assert_no_error (error);
  run = pb_run_new (1, name, ds);
  run->state = PB_RUN_FINISHED;
  run->doc = nn_model_doc_copy (train->doc);
  run->evaluation = lc_predictor_evaluate_rows (p, ds, train->val_rows, train->n_val, 1, &error);
  g_assert_no_error (error);
  pb_run_set_object_history (run, history, train->val_rows);
  return run;
}

/* One run shared by the tests that only read it. */
static LcDataset *sample;
static PbRun *trained;

static void
ensure_trained (void)
{
  if (trained != NULL)
    return;
  sample = simulated (240, 3);
  trained = run_with_history (sample, 6, -1, "Run 1: Small GRU");
}

static double
color_distance (cairo_surface_t *surface, double x, double y, const GdkRGBA *c)
{
  guint32 px;

  cairo_surface_flush (surface);
  px = ((guint32 *) (void *) (cairo_image_surface_get_data (surface)
                              + (int) y * cairo_image_surface_get_stride (surface)))[(int) x];
  return fabs (((px >> 16) & 0xff) / 255.0 - c->red) + fabs (((px >> 8) & 0xff) / 255.0 - c->green)
         + fabs ((px & 0xff) / 255.0 - c->blue);
}

/* The chart puts each epoch's probability of the true class where the axes
 * say, in the true class's colour, and another class's line in its own. */
static void
test_draw_true_class (void)
{
  const int labels[] = { 1, 0 };
  const int rows[] = { 4, 9 };
  g_autoptr (LcDataset) ds = simulated (12, 1);
  g_autoptr (PbRun) run = pb_run_new (1, "Run 1", ds);
  NnObjectHistory *h = nn_object_history_new (labels, 2, 3, 5);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 400);
  cairo_t *cr = cairo_create (surface);
  const float truth[] = { 0.1f, 0.3f, 0.5f, 0.7f, 0.9f };
  PbPlotStyle style;
  PbPlotArea area;
  GdkRGBA green, other;

  for (int e = 0; e < 5; e++)
    {
      /* object 0: true class 1 rises, class 0 falls, class 2 stays near 0 */
      const float p[] = { 0.9f - truth[e] - 0.02f, truth[e], 0.02f, 0.2f, 0.7f, 0.1f };
      nn_object_history_record (h, p);
    }
  pb_run_set_object_history (run, h, rows);
  pb_plot_style_init_light (&style);
  pb_object_history_true_color (&style, &green);
  pb_object_history_class_color (&style, 0, &other);
  pb_object_history_draw (cr, 640, 400, run, 0, &style, &area);
  g_assert_cmpfloat (area.xmin, ==, 0.5);
  g_assert_cmpfloat (area.xmax, ==, 5.5);
  for (int e = 0; e < 5; e++)
    {
      double x = pb_plot_area_to_x (&area, e + 1), y = pb_plot_area_to_y (&area, truth[e]);
      g_assert_cmpfloat (color_distance (surface, x, y, &green), <, 0.2);
    }
  /* no green where the true class never is */
  g_assert_cmpfloat (color_distance (surface, pb_plot_area_to_x (&area, 1),
                                     pb_plot_area_to_y (&area, 0.95), &green), >, 0.5);
  /* class 0 in its colour at epoch 2 (0.58), where no other line passes */
  g_assert_cmpfloat (color_distance (surface, pb_plot_area_to_x (&area, 2),
                                     pb_plot_area_to_y (&area, 0.58), &other), <, 0.2);
  /* no object: no axes, a message */
  pb_object_history_draw (cr, 640, 400, run, -1, &style, NULL);
  g_assert_cmpfloat (color_distance (surface, pb_plot_area_to_x (&area, 5),
                                     pb_plot_area_to_y (&area, 0.9), &green), >, 0.5);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
show_object_cb (PbSession *session, gint64 row, gint64 *out)
{
  *out = row;
}

static void
assert_rows_are (PbObjectRows *rows, GArray *want)
{
  g_assert_cmpuint (pb_object_rows_get_n_rows (rows), ==, want->len);
  for (guint i = 0; i < want->len; i++)
    g_assert_cmpint (pb_object_rows_get_item (rows, i), ==, g_array_index (want, int, i));
}

/* Each list holds what the core's query answers; N moves them; a row opens
 * the object's light curve and the chart follows the selection. */
static void
test_panel_lists (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  GtkWidget *panel;
  PbObjectRows *rows;
  const NnObjectHistory *h;
  const int *val_rows = NULL;
  gint64 shown = -1;
  guint listed = 0;

  ensure_trained ();
  h = pb_run_get_object_history (trained, &val_rows);
  pb_session_set_dataset (session, sample);
  pb_session_add_run (session, trained);
  pb_session_show_run (session, trained);
  panel = g_object_ref_sink (pb_object_history_panel_new (session));
  rows = pb_object_history_panel_get_rows (PB_OBJECT_HISTORY_PANEL (panel));
  g_signal_connect (session, "show-object", G_CALLBACK (show_object_cb), &shown);

  for (int n = 1; n <= h->n_epochs; n++)
    {
      g_autoptr (GArray) learned = nn_object_history_learned_at (h, n - 1);
      g_autoptr (GArray) flipped = nn_object_history_flipped_after (h, n - 1);
      g_autofree char *count = g_strdup_printf ("%u ", learned->len);

      pb_object_history_panel_set_query (PB_OBJECT_HISTORY_PANEL (panel), PB_HISTORY_LEARNED_AT, n);
      assert_rows_are (rows, learned);
      g_assert_true (g_str_has_prefix (pb_object_history_panel_get_summary (PB_OBJECT_HISTORY_PANEL (panel)),
                                       count));
      listed += learned->len;
      pb_object_history_panel_set_query (PB_OBJECT_HISTORY_PANEL (panel), PB_HISTORY_FLIPPED_LATE, n);
      assert_rows_are (rows, flipped);
    }
  /* the run learned something, or the lists were never tested on rows */
  g_assert_cmpuint (listed, >, 0);
  {
    g_autoptr (GArray) wrong = nn_object_history_always_wrong (h);
    pb_object_history_panel_set_query (PB_OBJECT_HISTORY_PANEL (panel), PB_HISTORY_ALWAYS_WRONG, 1);
    assert_rows_are (rows, wrong);
    g_assert_cmpuint (wrong->len, >, 0);
    /* the first row is selected and charted; opening it shows its light curve */
    g_assert_cmpint (pb_object_history_view_get_object (
                       pb_object_history_panel_get_view (PB_OBJECT_HISTORY_PANEL (panel))),
                     ==, g_array_index (wrong, int, 0));
    g_assert_true (g_str_has_prefix (pb_object_rows_get_caption (rows, 0),
                                     sample->objects[val_rows[g_array_index (wrong, int, 0)]].id));
    pb_object_rows_activate (rows, wrong->len - 1);
    g_assert_cmpint (shown, ==, val_rows[g_array_index (wrong, int, wrong->len - 1)]);
    g_assert_cmpint (pb_object_history_view_get_object (
                       pb_object_history_panel_get_view (PB_OBJECT_HISTORY_PANEL (panel))),
                     ==, g_array_index (wrong, int, wrong->len - 1));
  }
  /* an object shown from elsewhere is charted when the run validated on it */
  pb_session_show_object (session, val_rows[3]);
  g_assert_cmpint (pb_object_history_view_get_object (
                     pb_object_history_panel_get_view (PB_OBJECT_HISTORY_PANEL (panel))), ==, 3);
  /* a run without history says so */
  {
    g_autoptr (PbRun) bare = pb_run_new (2, "Run 2", sample);
    pb_object_history_panel_set_run (PB_OBJECT_HISTORY_PANEL (panel), bare);
    g_assert_cmpuint (pb_object_rows_get_n_rows (rows), ==, 0);
    g_assert_nonnull (strstr (pb_object_history_panel_get_summary (PB_OBJECT_HISTORY_PANEL (panel)),
                              "no per-object history"));
  }
  g_signal_handlers_disconnect_by_data (session, &shown);
  g_object_unref (panel);
}

/* The tabs sit in Results. */
static void
test_results_tabs (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  GtkWidget *results = g_object_ref_sink (pb_results_page_new (session));

  g_assert_nonnull (pb_test_find_descendant (results, PB_TYPE_OBJECT_HISTORY_PANEL));
  g_assert_nonnull (pb_test_find_descendant (results, PB_TYPE_RUN_COMPARE_VIEW));
  g_object_unref (results);
}

/* Two runs on the same split compared: the lists are the core's fixed and
 * broken objects; a run on another split cannot be compared. */
static void
test_compare (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (PbRun) short_run = NULL, other_split = NULL;
  GtkWidget *view;
  PbRunCompareView *compare;
  g_autoptr (GArray) fixed = NULL;
  g_autoptr (GArray) broken = NULL;
  const int *val_rows = NULL;
  gint64 shown = -1;

  ensure_trained ();
  short_run = run_with_history (sample, 1, -1, "Run 2: one epoch");
  other_split = run_with_history (sample, 2, 99, "Run 3: another seed");
  pb_session_set_dataset (session, sample);
  view = g_object_ref_sink (pb_run_compare_view_new (session));
  compare = PB_RUN_COMPARE_VIEW (view);
  g_assert_cmpuint (pb_run_compare_view_get_runs (compare)->len, ==, 0);
  g_assert_nonnull (strstr (pb_run_compare_view_get_summary (compare), "Train two runs"));
  pb_session_add_run (session, short_run);
  pb_session_add_run (session, trained);
  pb_session_add_run (session, other_split);
  g_assert_cmpuint (pb_run_compare_view_get_runs (compare)->len, ==, 3);
  g_signal_connect (session, "show-object", G_CALLBACK (show_object_cb), &shown);

  pb_run_compare_view_set_runs (compare, 0, 1);
  g_assert_true (nn_object_history_compare (pb_run_get_object_history (short_run, NULL),
                                            pb_run_get_object_history (trained, &val_rows), &fixed,
                                            &broken));
  assert_rows_are (pb_run_compare_view_get_fixed (compare), fixed);
  assert_rows_are (pb_run_compare_view_get_broken (compare), broken);
  g_assert_cmpuint (fixed->len, >, 0);
  /* a fixed object charted in run B, opened in the Data section */
  pb_object_rows_activate (pb_run_compare_view_get_fixed (compare), 0);
  g_assert_cmpint (shown, ==, val_rows[g_array_index (fixed, int, 0)]);
  g_assert_cmpint (pb_object_history_view_get_object (pb_run_compare_view_get_chart (compare)), ==,
                   g_array_index (fixed, int, 0));
  /* swapped, what B fixed A broke */
  pb_run_compare_view_set_runs (compare, 1, 0);
  assert_rows_are (pb_run_compare_view_get_broken (compare), fixed);
  assert_rows_are (pb_run_compare_view_get_fixed (compare), broken);
  /* another seed, another split */
  pb_run_compare_view_set_runs (compare, 1, 2);
  g_assert_cmpuint (pb_object_rows_get_n_rows (pb_run_compare_view_get_fixed (compare)), ==, 0);
  g_assert_nonnull (strstr (pb_run_compare_view_get_summary (compare), "different objects"));
  g_signal_handlers_disconnect_by_data (session, &shown);
  g_object_unref (view);
}

static char *
read_text (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Export Runs writes the same files, byte for byte, as `passband-cli runs
 * export` on the same run files. */
static void
test_export_runs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-history-XXXXXX", NULL);
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models",
                                              "small-gru.json", NULL);
  g_autofree char *out = g_build_filename (dir, "m.json", NULL);
  g_autofree char *run_a = g_build_filename (dir, "gru_a&b.json", NULL);
  g_autofree char *run_b = g_build_filename (dir, "lstm.json", NULL);
  g_autofree char *app = g_build_filename (dir, "app", NULL);
  g_autofree char *cli = g_build_filename (dir, "cli", NULL);
  g_autofree char *cli_csv = g_build_filename (cli, "runs.csv", NULL);
  g_autofree char *cli_tex = g_build_filename (cli, "runs.tex", NULL);
  g_autofree char *cli_curves = g_build_filename (cli, "curves", NULL);
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (LcDataset) ds = simulated (30, 1);
  g_autoptr (PbRun) a = pb_run_new (1, "Run 1", ds);
  g_autoptr (PbRun) b = pb_run_new (2, "Run 2", ds);
  g_autoptr (PbRun) none = pb_run_new (3, "Run 3", ds);
  g_autoptr (GError) error = NULL;
  const char *const files[] = { "runs.csv", "runs.tex", "curves/gru_a&b.csv", "curves/lstm.csv" };

  g_assert_cmpint (g_mkdir (cli, 0755), ==, 0);
  {
    g_autoptr (TuCliResult) ra = tu_run_cli ("train", "--data", "sim:60:5", "--model", preset, "--out",
                                             out, "--epochs", "3", "--run", run_a, NULL);
    g_autoptr (TuCliResult) rb = tu_run_cli ("train", "--data", "sim:60:6", "--model", preset, "--out",
                                             out, "--epochs", "2", "--learning-rate", "0.01", "--run",
                                             run_b, NULL);
    g_autoptr (TuCliResult) e = tu_run_cli ("runs", "export", run_a, run_b, "--csv", cli_csv, "--latex",
                                            cli_tex, "--curves", cli_curves, NULL);
    g_assert_cmpint (ra->status, ==, 0);
    g_assert_cmpint (rb->status, ==, 0);
    g_assert_cmpint (e->status, ==, 0);
  }
  pb_run_set_run_path (a, run_a);
  pb_run_set_run_path (b, run_b);
  pb_session_add_run (session, a);
  pb_session_add_run (session, none);
  pb_session_add_run (session, b);
  {
    g_autoptr (GPtrArray) listed = pb_runs_export_files (session);
    g_assert_cmpuint (listed->len, ==, 2);
  }
  g_assert_true (pb_runs_export_write (session, app, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from_app = read_text (app, files[i]);
      g_autofree char *from_cli = read_text (cli, files[i]);
      g_assert_cmpstr (from_app, ==, from_cli);
      g_assert_cmpuint (strlen (from_app), >, 40);
    }
  /* a run file gone: the error names it */
  g_assert_cmpint (g_remove (run_b), ==, 0);
  g_assert_false (pb_runs_export_write (session, app, &error));
  g_assert_nonnull (strstr (error->message, "lstm.json"));
  tu_remove_tree (dir);
}

/* Runs the main loop until widget is laid out (slow under sanitizers). */
static void
wait_for_layout (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!(gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0)
         && g_get_monotonic_time () < deadline)
    pb_test_iterate (50);
  pb_test_iterate (100);
}

/* The tabs in the window at 800 x 600: History lists the shown run's
 * objects and opening one shows its light curve in the Data section;
 * Compare Runs compares the two runs.  The window keeps its size. */
static void
test_window (void)
{
  g_autoptr (GSettings) settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  PbWindow *window = pb_window_new (NULL, settings);
  PbSession *session = pb_window_get_session (window);
  g_autoptr (PbRun) first = NULL, second = NULL;
  PbObjectHistoryPanel *panel;
  PbRunCompareView *compare;
  GtkWidget *results;
  PbObjectRows *rows;
  LcDataset *ds;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  pb_window_load_sample (window);
  pb_test_wait_for_load (window);
  ds = pb_window_get_dataset (window);
  first = run_with_history (ds, 2, -1, "Run 1: Small GRU, 2 epochs");
  second = run_with_history (ds, 8, -1, "Run 2: Small GRU, 8 epochs");
  pb_session_add_run (session, first);
  pb_session_add_run (session, second);
  pb_session_show_run (session, second);
  pb_session_show_section (session, "results");
  results = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_RESULTS_PAGE);
  pb_results_page_show_tab (PB_RESULTS_PAGE (results), "history");
  panel = PB_OBJECT_HISTORY_PANEL (pb_test_find_descendant (results, PB_TYPE_OBJECT_HISTORY_PANEL));
  pb_object_history_panel_set_query (panel, PB_HISTORY_FLIPPED_LATE, 5);
  rows = pb_object_history_panel_get_rows (panel);
  g_assert_cmpuint (pb_object_rows_get_n_rows (rows), >, 0);
  pb_object_rows_select (rows, MIN (2, pb_object_rows_get_n_rows (rows) - 1));
  wait_for_layout (GTK_WIDGET (pb_object_history_panel_get_view (panel)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 800);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, 600);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pb_object_history_panel_get_view (panel))));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (pb_object_history_panel_get_view (panel))), >=, 240);
  pb_test_save_png (GTK_WIDGET (window), "history-object");

  pb_results_page_show_tab (PB_RESULTS_PAGE (results), "compare");
  compare = PB_RUN_COMPARE_VIEW (pb_test_find_descendant (results, PB_TYPE_RUN_COMPARE_VIEW));
  g_assert_cmpuint (pb_run_compare_view_get_runs (compare)->len, ==, 2);
  /* the two runs, not one twice */
  g_assert_true (g_str_has_prefix (pb_run_compare_view_get_summary (compare), "Of "));
  if (pb_object_rows_get_n_rows (pb_run_compare_view_get_fixed (compare)) > 0)
    pb_object_rows_select (pb_run_compare_view_get_fixed (compare), 0);
  wait_for_layout (GTK_WIDGET (pb_run_compare_view_get_broken (compare)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 800);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pb_run_compare_view_get_broken (compare))));
  pb_test_save_png (GTK_WIDGET (window), "history-compare");

  /* opening an object of the list shows its light curve */
  pb_results_page_show_tab (PB_RESULTS_PAGE (results), "history");
  pb_object_rows_activate (rows, 0);
  wait_for_layout (pb_window_get_view (window, "light-curve"));
  g_assert_true (gtk_widget_get_mapped (pb_window_get_view (window, "light-curve")));
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (100);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/history/draw/true-class", test_draw_true_class);
  g_test_add_func ("/history/panel/lists", test_panel_lists);
  g_test_add_func ("/history/results-tabs", test_results_tabs);
  g_test_add_func ("/history/compare", test_compare);
  g_test_add_func ("/history/export-runs", test_export_runs);
  g_test_add_func ("/history/window", test_window);
  status = g_test_run ();
  g_clear_pointer (&trained, pb_run_unref);
  g_clear_pointer (&sample, lc_dataset_unref);
  return status;
}
