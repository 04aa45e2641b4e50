/* test-results.c: the Results and Train drawings without a display: where the
 * confusion matrix puts its cells and colours, which objects a cell holds, the
 * log-scale loss axis of the training curves, the per-class summary line; and
 * the Results section's worker jobs (early classification, novelty, test
 * file, predictions export) on a small trained model. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pb-class-table.h"
#include "pb-confusion-view.h"
#include "pb-explore-jobs.h"
#include "lc-format.h"
#include "lc-novelty.h"
#include <glib/gstdio.h>
#include "pb-history-chart.h"
#include "pb-test-dataset.h"
#include "pb-test-gui.h"
#include "pb-trainer.h"

#define K 3
#define N 9

/* Labels and probabilities with a known confusion matrix:
 *   true 0: predicted 0, 0, 0, 1     true 1: predicted 1, 1, 2     true 2: predicted 2, 0 */
static const int labels[N] = { 0, 0, 0, 0, 1, 1, 1, 2, 2 };
static const int predicted[N] = { 0, 0, 0, 1, 1, 1, 2, 2, 0 };

static LcEvaluation *
make_evaluation (void)
{
  LcEvaluation *ev = g_new0 (LcEvaluation, 1);

  ev->n_rows = N;
  ev->rows = g_new (int, N);
  ev->labels = g_new (int, N);
  ev->probs = g_new0 (float, N * K);
  for (int i = 0; i < N; i++)
    {
      ev->rows[i] = 10 + 2 * i;  /* dataset rows are not the evaluation's order */
      ev->labels[i] = labels[i];
      for (int c = 0; c < K; c++)
        ev->probs[i * K + c] = c == predicted[i] ? 0.8f : 0.1f;
    }
  ev->report = nn_class_report_new (ev->probs, ev->labels, N, K, NULL);
  return ev;
}

static cairo_surface_t *
new_surface (int width, int height, cairo_t **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);

  *cr = cairo_create (surface);
  return surface;
}

/* How far a pixel is from white (0 = white, 3 = black). */
static double
ink (cairo_surface_t *surface, double x, double y)
{
  guint32 *row;
  guint32 px;

  cairo_surface_flush (surface);
  row = (guint32 *) (void *) (cairo_image_surface_get_data (surface)
                              + (int) y * cairo_image_surface_get_stride (surface));
  px = row[(int) x];
  return 3.0 - (((px >> 16) & 0xff) + ((px >> 8) & 0xff) + (px & 0xff)) / 255.0;
}

static void
test_confusion_layout_and_colours (void)
{
  g_autoptr (LcEvaluation) ev = make_evaluation ();
  const NnClassReport *r = ev->report;
  const char *names[] = { "SN Ia", "SN II", "RR Lyrae" };
  PbConfusionLayout layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (600, 500, &cr);
  double ink_full, ink_empty;

  g_assert_cmpint (r->confusion[0 * K + 0], ==, 3);
  g_assert_cmpint (r->confusion[0 * K + 1], ==, 1);
  g_assert_cmpint (r->confusion[2 * K + 0], ==, 1);
  g_assert_cmpint (r->confusion[0 * K + 2], ==, 0);

  pb_plot_style_init_light (&style);
  pb_confusion_draw (cr, 600, 500, r, names, FALSE, -1, -1, &style, &layout);
  g_assert_cmpint (layout.n_classes, ==, K);
  g_assert_cmpfloat (layout.cell, >, 20);
  g_assert_cmpfloat (layout.matrix.x + layout.matrix.width, <=, 600);
  g_assert_cmpfloat (layout.matrix.y + layout.matrix.height, <=, 500);
  for (int t = 0; t < K; t++)
    for (int p = 0; p < K; p++)
      {
        double x = layout.matrix.x + (p + 0.5) * layout.cell, y = layout.matrix.y + (t + 0.5) * layout.cell;

        g_assert_cmpint (pb_confusion_cell_at (&layout, x, y), ==, t * K + p);
      }
  g_assert_cmpint (pb_confusion_cell_at (&layout, layout.matrix.x - 2, layout.matrix.y + 2), ==, -1);
  g_assert_cmpint (pb_confusion_cell_at (&layout, 599, 499), ==, -1);

  /* the fullest cell is the darkest, an empty cell stays the background (corners avoid the numbers) */
  ink_full = ink (surface, layout.matrix.x + 3, layout.matrix.y + 3);
  ink_empty = ink (surface, layout.matrix.x + 2 * layout.cell + 3, layout.matrix.y + 3);
  g_assert_cmpfloat (ink_full, >, 0.5);
  g_assert_cmpfloat (ink_empty, <, 0.05);

  /* row-normalised: (2, 0) holds 1 of 2 of its row, less than the 3 of 4 of (0, 0) */
  pb_confusion_draw (cr, 600, 500, r, names, TRUE, -1, -1, &style, &layout);
  g_assert_cmpfloat (ink (surface, layout.matrix.x + 3, layout.matrix.y + 2 * layout.cell + 3), <,
                     ink (surface, layout.matrix.x + 3, layout.matrix.y + 3));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_cell_objects (void)
{
  g_autoptr (LcEvaluation) ev = make_evaluation ();
  g_autofree gsize *diag = NULL, *off = NULL, *none = NULL;
  guint n;

  diag = pb_confusion_cell_objects (ev, 1, 1, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (diag[0], ==, 10 + 2 * 4);
  g_assert_cmpuint (diag[1], ==, 10 + 2 * 5);
  off = pb_confusion_cell_objects (ev, 2, 0, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (off[0], ==, 10 + 2 * 8);
  none = pb_confusion_cell_objects (ev, 0, 2, &n);
  g_assert_cmpuint (n, ==, 0);
}

static void
add_epoch (PbRun *run, double loss, double val_loss, double acc)
{
  NnEpochStats s = { (int) run->epochs->len, loss, acc, val_loss, acc - 0.05, 0.1, 1e-3 };

  g_array_append_val (run->epochs, s);
}

static void
test_history_log_axis (void)
{
  g_autoptr (LcDataset) ds = pb_test_dataset_new (4);
  g_autoptr (PbRun) run = pb_run_new (1, "Run 1", ds);
  g_autoptr (PbRun) other = pb_run_new (2, "Run 2", ds);
  PbRun *runs[2] = { run, other };
  PbHistoryLayout layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (900, 400, &cr);
  double y_one, y_tenth, y_hundredth;

  g_assert_cmpfloat (pb_history_log_loss (0.1), ==, -1.0);
  g_assert_cmpfloat (pb_history_log_loss (0), ==, -6.0);
  run->total_epochs = 20;
  add_epoch (run, 2.0, 2.2, 0.2);
  add_epoch (run, 0.5, 0.8, 0.6);
  add_epoch (run, 0.05, 0.3, 0.9);
  add_epoch (other, 3.0, 3.5, 0.1);

  pb_plot_style_init_light (&style);
  pb_history_chart_draw (cr, 900, 400, runs, 2, 1, &style, &layout);
  /* the x axis grows with the run (10 epochs shown after 3 of 20) */
  g_assert_cmpint (layout.n_epochs, ==, 10);
  /* every loss is inside the log axis, and equal ratios are equal distances */
  g_assert_cmpfloat (layout.loss.ymin, <=, log10 (0.05));
  g_assert_cmpfloat (layout.loss.ymax, >=, log10 (3.5));
  y_one = pb_plot_area_to_y (&layout.loss, pb_history_log_loss (1.0));
  y_tenth = pb_plot_area_to_y (&layout.loss, pb_history_log_loss (0.1));
  y_hundredth = pb_plot_area_to_y (&layout.loss, pb_history_log_loss (0.01));
  g_assert_cmpfloat (y_tenth, >, y_one);
  g_assert_cmpfloat_with_epsilon (y_tenth - y_one, y_hundredth - y_tenth, 1e-6);
  g_assert_cmpfloat (layout.accuracy.ymin, ==, 0);
  g_assert_cmpfloat (layout.accuracy.ymax, ==, 1);
  /* the two panels side by side, not overlapping */
  g_assert_cmpfloat (layout.loss.rect.x + layout.loss.rect.width, <, layout.accuracy.rect.x);

  /* without a run: a message, no panels */
  runs[0] = NULL;
  pb_history_chart_draw (cr, 900, 400, runs, 2, -1, &style, &layout);
  g_assert_cmpint (layout.n_epochs, ==, 0);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_class_summary (void)
{
  g_autoptr (LcEvaluation) ev = make_evaluation ();
  g_autofree char *summary = pb_class_table_summary (ev->report);
  const char *names[] = { "SN Ia", "SN II", "RR Lyrae" };
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (700, 300, &cr);
  PbPlotStyle style;

  /* 6 of 9 right */
  g_assert_nonnull (strstr (summary, "9 objects"));
  g_assert_nonnull (strstr (summary, "accuracy 0.667"));
  g_assert_nonnull (strstr (summary, "PLAsTiCC weighted log loss"));
  pb_plot_style_init_light (&style);
  pb_class_table_draw (cr, 700, 300, ev->report, names, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ---- the worker jobs --------------------------------------------------- */

static PbRun *
small_trained_run (void)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"tiny\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 4},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 1, \"batch_size\": 64, \"seed\": 3, \"val_fraction\": 0.3}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = nn_model_doc_load_from_data (text, -1, "tiny.json", &error);
  g_autoptr (LcDataset) ds = lc_load ("sim:120:5", NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return pb_test_trained_run (ds, spec, 0, "tiny");
}

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *slot;
}

static void
test_jobs (void)
{
  g_autoptr (PbRun) run = small_trained_run ();
  g_autoptr (GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = lc_predictor_new (run->doc, &error);
  g_autoptr (LcEvaluation) direct = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (PbRun) early = NULL;
  g_autoptr (LcEarlyCurve) curve = NULL;
  g_autoptr (PbNoveltyScores) scores = NULL;
  g_autoptr (LcEvaluation) test = NULL;
  g_autoptr (PbRun) bare = pb_run_new (2, "untrained", run->dataset);
  g_autofree float *probs = NULL;
  g_autofree double *p99 = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jobs-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "predictions.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GAsyncResult *r[8] = { NULL };
  int n_lines = 0, n = (int) run->dataset->n_objects;

  g_assert_no_error (error);
  /* one point: the same scores as the library's, as a run of its own */
  direct = lc_early_evaluate (p, run->dataset, run->evaluation->rows, run->evaluation->n_rows,
                              LC_EARLY_OBSERVATIONS, 2, 1, &error);
  g_assert_no_error (error);
  pb_explore_point_async (source, run, LC_EARLY_OBSERVATIONS, 2, NULL, store_result_cb, &r[0]);
  early = pb_explore_point_finish (wait_result (&r[0]), &error);
  g_assert_no_error (error);
  g_assert_true (early != run);
  g_assert_true (early->dataset == run->dataset);
  g_assert_cmpint (early->evaluation->n_rows, ==, run->evaluation->n_rows);
  g_assert_cmpfloat_with_epsilon (early->evaluation->report->accuracy, direct->report->accuracy, 1e-12);

  /* the curve ends with the whole curves: the run's own accuracy */
  pb_explore_curve_async (source, run, LC_EARLY_OBSERVATIONS, NULL, store_result_cb, &r[1]);
  curve = pb_explore_curve_finish (wait_result (&r[1]), &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (curve->accuracy[curve->n_points - 1], run->evaluation->report->accuracy, 1e-12);

  /* a cancelled job never delivers a result */
  g_cancellable_cancel (cancelled);
  pb_explore_curve_async (source, run, LC_EARLY_DAYS, cancelled, store_result_cb, &r[2]);
  g_assert_null (pb_explore_curve_finish (wait_result (&r[2]), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* novelty: P(99) of every object, as the library computes it */
  pb_explore_novelty_async (source, run, NULL, store_result_cb, &r[3]);
  scores = pb_explore_novelty_finish (wait_result (&r[3]), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scores->n_objects, ==, n);
  probs = lc_predictor_predict (p, run->dataset, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  p99 = g_new (double, n);
  lc_novelty_scores (probs, n, p->n_classes, LC_NOVELTY_P99, p99);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (scores->scores[LC_NOVELTY_P99][i], p99[i], 1e-9);
  g_assert_cmpfloat_with_epsilon (pb_novelty_scores_high (scores, LC_NOVELTY_ENTROPY), log (p->n_classes), 1e-12);

  /* a test file, and a missing one that names itself */
  pb_explore_test_file_async (source, run, "sim:40:8", NULL, store_result_cb, &r[4]);
  test = pb_explore_test_file_finish (wait_result (&r[4]), &error);
  g_assert_no_error (error);
  g_assert_cmpint (test->n_rows, ==, 40);
  pb_explore_test_file_async (source, run, "/nonexistent/held-out.ts", NULL, store_result_cb, &r[5]);
  g_assert_null (pb_explore_test_file_finish (wait_result (&r[5]), &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "held-out.ts"));
  g_clear_error (&error);

  /* the Kaggle layout: class_99 last, one row per object */
  pb_explore_export_async (source, run, scores, csv, NULL, store_result_cb, &r[6]);
  g_assert_true (pb_explore_export_finish (wait_result (&r[6]), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  while (lines[n_lines] != NULL && lines[n_lines][0] != '\0')
    n_lines++;
  g_assert_cmpint (n_lines, ==, n + 1);
  g_assert_true (g_str_has_suffix (lines[0], ",class_99"));
  /* byte for byte what passband-cli predict writes for the same model and data */
  g_assert_nonnull (scores->scores[PB_NOVELTY_DISTANCE]);
  {
    g_autofree char *model = g_build_filename (dir, "model.json", NULL);
    g_autofree char *predicted = g_build_filename (dir, "predicted.csv", NULL);
    g_autofree char *cli = g_build_filename (g_getenv ("PASSBAND_BUILD_DIR"), "src", "cli", "passband-cli", NULL);
    g_autofree char *cli_text = NULL;
    const char *argv[] = { cli, "predict", "--model", model, "--data", "sim:120:5", "--out", predicted, NULL };
    int status = -1;

    g_assert_true (nn_model_doc_save (run->doc, model, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                                 &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (predicted, &cli_text, NULL, NULL));
    g_assert_cmpstr (text, ==, cli_text);
    g_unlink (predicted);
    g_unlink (model);
  }
  g_unlink (csv);

  /* every other kind of job, cancelled, delivers nothing either; the
   * cancelled export leaves no file */
  {
    GAsyncResult *c[4] = { NULL };
    g_autofree char *never = g_build_filename (dir, "never.csv", NULL);

    pb_explore_point_async (source, run, LC_EARLY_OBSERVATIONS, 2, cancelled, store_result_cb, &c[0]);
    pb_explore_novelty_async (source, run, cancelled, store_result_cb, &c[1]);
    pb_explore_test_file_async (source, run, "sim:40:8", cancelled, store_result_cb, &c[2]);
    pb_explore_export_async (source, run, scores, never, cancelled, store_result_cb, &c[3]);
    g_assert_null (pb_explore_point_finish (wait_result (&c[0]), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_null (pb_explore_novelty_finish (wait_result (&c[1]), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_null (pb_explore_test_file_finish (wait_result (&c[2]), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_false (pb_explore_export_finish (wait_result (&c[3]), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
    for (guint i = 0; i < G_N_ELEMENTS (c); i++)
      g_clear_object (&c[i]);
  }

  /* a run without a model is an error, not a crash */
  pb_explore_point_async (source, bare, LC_EARLY_OBSERVATIONS, 2, NULL, store_result_cb, &r[7]);
  g_assert_null (pb_explore_point_finish (wait_result (&r[7]), &error));
  g_assert_nonnull (error);
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    g_clear_object (&r[i]);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/results/confusion/layout-and-colours", test_confusion_layout_and_colours);
  g_test_add_func ("/results/confusion/cell-objects", test_cell_objects);
  g_test_add_func ("/results/history/log-axis", test_history_log_axis);
  g_test_add_func ("/results/class-table/summary", test_class_summary);
  g_test_add_func ("/results/jobs", test_jobs);
  return g_test_run ();
}
