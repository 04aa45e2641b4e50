/* test-results-panels.c: each Results panel shows what the libraries
 * computed for a run.  The panels are made for a session without a window;
 * the numbers in their labels, tooltips and drawings are checked against
 * the core's and the light-curve library's own results. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "lc-burst.h"
#include "lc-novelty.h"
#include "lc-simulate.h"
#include "pb-results-page.h"
#include "pb-session.h"
#include "pb-test-gui.h"

/* One simulated survey and one run trained on it, shared by the tests. */
static LcDataset *dataset;
static PbRun *run;

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

static PbSession *
session_on_dataset (void)
{
  PbSession *session = pb_session_new ();

  pb_session_set_dataset (session, dataset);
  return session;
}

/* A panel made for a test: floating reference sunk, freed with g_object_unref. */
static gpointer
own (GtkWidget *panel)
{
  return g_object_ref_sink (panel);
}

/* Runs the main loop until busy (a panel's jobs) says done; fails after a minute. */
static void
wait_until_idle (gboolean (*busy) (gpointer panel), gpointer panel)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (busy (panel))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      pb_test_iterate (10);
    }
}

static int
model_classes (PbRun *r)
{
  return r->evaluation->report->n_classes;
}

/* The model class the model gives evaluation row i. */
static int
predicted_row (const LcEvaluation *ev, int i)
{
  int k = ev->report->n_classes;

  return nn_metrics_argmax (ev->probs + (gsize) i * k, k);
}

/* ---- Confusion Matrix --------------------------------------------------- */

static void
test_confusion (void)
{
  g_autoptr (PbSession) session = session_on_dataset ();
  PbResultsConfusion *panel = own (pb_results_confusion_new (session));
  PbResultsGallery *gallery = pb_results_confusion_get_gallery (panel);
  const NnClassReport *report = run->evaluation->report;
  int k = model_classes (run), checked = 0;

  g_assert_nonnull (strstr (pb_results_gallery_get_caption (gallery), "Click a cell"));
  pb_results_confusion_set_run (panel, run);
  for (int t = 0; t < k; t++)
    for (int p = 0; p < k; p++)
      {
        int count = report->confusion[t * k + p];
        g_autofree char *cell = pb_confusion_view_describe_cell (pb_results_confusion_get_view (panel), t, p);
        g_autofree char *expected = g_strdup_printf ("\n%d of %d objects", count, report->support[t]);
        g_autofree char *caption = NULL;
        g_autofree gsize *objects = NULL;
        guint n;

        /* the matrix's readout is the core's count */
        g_assert_nonnull (strstr (cell, expected));
        if (count == 0)
          continue;
        pb_results_confusion_show_cell (panel, t, p);
        caption = g_strdup_printf ("True %s, predicted %s: %d object", pb_run_class_name (run, t),
                                   pb_run_class_name (run, p), count);
        g_assert_true (g_str_has_prefix (pb_results_gallery_get_caption (gallery), caption));
        /* the gallery holds exactly the cell's objects */
        objects = pb_confusion_cell_objects (run->evaluation, t, p, &n);
        g_assert_cmpuint (n, ==, (guint) count);
        g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_gallery_get_view (gallery)), ==,
                          MIN (n, PB_RESULTS_MAX_GALLERY));
        for (guint i = 0; i < MIN (n, PB_RESULTS_MAX_GALLERY); i++)
          g_assert_cmpuint (pb_gallery_view_get_object (pb_results_gallery_get_view (gallery), i), ==, objects[i]);
        checked++;
      }
  g_assert_cmpint (checked, >, 1);

  /* another run: the chosen cell is forgotten */
  pb_results_confusion_set_run (panel, NULL);
  g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_gallery_get_view (gallery)), ==, 0);
  g_assert_nonnull (strstr (pb_results_gallery_get_caption (gallery), "Click a cell"));
  g_object_unref (panel);
}

/* ---- Per-Class Scores ---------------------------------------------------- */

/* Whether two surfaces of the same size hold the same pixels. */
static gboolean
same_pixels (cairo_surface_t *a, cairo_surface_t *b)
{
  int h = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);

  cairo_surface_flush (a);
  cairo_surface_flush (b);
  return memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b), (gsize) stride * h) == 0;
}

static cairo_surface_t *
draw_plottable (PbPlottable *plottable)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 700, 420);
  cairo_t *cr = cairo_create (surface);
  PbPlotStyle style;

  pb_plot_style_init_light (&style);
  pb_plottable_draw (plottable, cr, 700, 420, &style);
  cairo_destroy (cr);
  return surface;
}

static cairo_surface_t *
draw_class_table (const NnClassReport *report, PbRun *names_of)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 700, 420);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  PbPlotStyle style;

  for (int c = 0; c < report->n_classes; c++)
    g_ptr_array_add (names, (gpointer) pb_run_class_name (names_of, c));
  pb_plot_style_init_light (&style);
  pb_class_table_draw (cr, 700, 420, report, (const char *const *) names->pdata, &style);
  cairo_destroy (cr);
  return surface;
}

static void
test_scores (void)
{
  PbResultsScores *panel = own (pb_results_scores_new ());
  const LcEvaluation *ev = run->evaluation;
  g_autoptr (NnClassReport) recomputed = nn_class_report_new (ev->probs, ev->labels, ev->n_rows,
                                                              ev->report->n_classes, NULL);
  cairo_surface_t *shown, *expected, *empty;

  /* the run's report is the core's for these predictions */
  g_assert_cmpfloat_with_epsilon (ev->report->accuracy, recomputed->accuracy, 1e-12);
  g_assert_cmpfloat_with_epsilon (ev->report->macro_f1, recomputed->macro_f1, 1e-12);
  for (int c = 0; c < recomputed->n_classes; c++)
    g_assert_cmpint (ev->report->support[c], ==, recomputed->support[c]);

  empty = draw_plottable (PB_PLOTTABLE (pb_results_scores_get_view (panel)));
  pb_results_scores_set_run (panel, run);
  g_assert_true (pb_results_scores_get_run (panel) == run);
  shown = draw_plottable (PB_PLOTTABLE (pb_results_scores_get_view (panel)));
  expected = draw_class_table (ev->report, run);
  /* what the panel draws is the table of the run's scores, number for number */
  g_assert_true (same_pixels (shown, expected));
  g_assert_false (same_pixels (shown, empty));
  cairo_surface_destroy (shown);
  cairo_surface_destroy (expected);
  cairo_surface_destroy (empty);

  /* hovering a row reads out the core's scores of its class */
  {
    cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create (scratch);
    PbPlotStyle style;
    double text_h, row_h, y = -1;

    pb_plot_style_init_light (&style);
    pb_plot_measure_text (cr, &style, "0", 1.0, FALSE, NULL, &text_h);
    row_h = text_h * 1.6;
    g_assert_cmpint (pb_class_table_row_at (cr, &style, ev->report, 2), ==, -1);
    for (int c = 0; c < recomputed->n_classes; c++)
      {
        g_autofree char *text = pb_class_table_describe_class (ev->report, pb_run_class_name (run, c), c);
        g_autofree char *precision = g_strdup_printf ("precision %.3f", recomputed->precision[c]);
        g_autofree char *support = g_strdup_printf ("%d object", recomputed->support[c]);
        int row = -1;

        g_assert_true (g_str_has_prefix (text, pb_run_class_name (run, c)));
        g_assert_nonnull (strstr (text, precision));
        g_assert_nonnull (strstr (text, support));
        if (recomputed->support[c] > 0)
          {
            g_autofree char *recall = g_strdup_printf ("recall %.3f", recomputed->recall[c]);
            g_autofree char *f1 = g_strdup_printf ("F1 %.3f", recomputed->f1[c]);

            g_assert_nonnull (strstr (text, recall));
            g_assert_nonnull (strstr (text, f1));
          }
        /* the rows come one under the other, each class once */
        while (row != c)
          {
            y += row_h / 4;
            g_assert_cmpfloat (y, <, 2000);
            row = pb_class_table_row_at (cr, &style, ev->report, y);
            g_assert_cmpint (row, <=, c);
          }
      }
    g_assert_cmpint (pb_class_table_row_at (cr, &style, ev->report, y + row_h), ==, -1);
    cairo_destroy (cr);
    cairo_surface_destroy (scratch);
  }
  g_object_unref (panel);
}

/* ---- Reliability --------------------------------------------------------- */

static void
test_reliability (void)
{
  PbResultsReliability *panel = own (pb_results_reliability_new ());
  const LcEvaluation *ev = run->evaluation;
  double ece = nn_metrics_ece (ev->probs, ev->labels, ev->n_rows, ev->report->n_classes);
  g_autofree char *expected = g_strdup_printf ("expected calibration error %.3f; probabilities scaled by "
                                               "temperature %.2f", ece, run->doc->temperature);
  g_autofree char *objects = g_strdup_printf ("Reliability diagram of %d objects", ev->n_rows);
  const char *tooltip;

  g_assert_true (isfinite (ece));
  pb_results_reliability_set_run (panel, run);
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (pb_results_reliability_get_view (panel)));
  g_assert_nonnull (strstr (tooltip, expected));
  g_assert_true (g_str_has_prefix (tooltip, objects));
  pb_results_reliability_set_run (panel, NULL);
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (pb_results_reliability_get_view (panel)));
  g_assert_null (strstr (tooltip, expected));
  g_object_unref (panel);
}

/* ---- Seen so far and Early Classification -------------------------------- */

static gboolean
seen_busy (gpointer seen)
{
  return pb_results_seen_is_busy (seen);
}

static void
test_seen_and_early (void)
{
  PbResultsSeen *seen = own (pb_results_seen_new ());
  PbResultsEarly *early = own (pb_results_early_new (seen));
  const LcEvaluation *ev = run->evaluation;
  g_autoptr (LcPredictor) predictor = lc_predictor_new (run->doc, NULL);
  g_autoptr (LcEarlyCurve) own_curve = NULL;
  const LcEarlyCurve *curve;
  g_autofree char *whole = NULL, *first = NULL, *first_row = NULL;
  int last;

  g_assert_nonnull (predictor);
  pb_results_seen_set_run (seen, run);
  /* nothing is computed until someone looks */
  g_assert_null (pb_results_seen_get_curve (seen));
  g_assert_cmpstr (pb_results_early_get_caption (early), ==, "");
  pb_results_seen_explore (seen);
  g_assert_true (pb_results_seen_is_busy (seen));
  wait_until_idle (seen_busy, seen);
  g_assert_null (pb_results_seen_get_error (seen));
  curve = pb_results_seen_get_curve (seen);
  g_assert_nonnull (curve);
  /* the panel draws a curve equal to the row's, which is the library's */
  own_curve = lc_early_curve_new (predictor, run->dataset, ev->rows, ev->n_rows, curve->axis, NULL, 0, 1, NULL,
                                  NULL, NULL);
  g_assert_nonnull (own_curve);
  g_assert_cmpint (own_curve->n_points, ==, curve->n_points);
  for (int i = 0; i < curve->n_points; i++)
    {
      g_assert_cmpfloat (curve->amount[i], ==, own_curve->amount[i]);
      g_assert_cmpfloat_with_epsilon (curve->accuracy[i], own_curve->accuracy[i], 1e-12);
      g_assert_cmpfloat_with_epsilon (pb_early_view_get_curve (pb_results_early_get_view (early))->accuracy[i],
                                      own_curve->accuracy[i], 1e-12);
    }
  last = curve->n_points - 1;
  /* the slider starts at the whole curves: the run's own scores */
  g_assert_cmpint (pb_results_seen_get_point (seen), ==, last);
  g_assert_true (pb_results_seen_get_shown_run (seen) == run);
  whole = g_strdup_printf ("Whole curves of %d objects: accuracy %.3f", ev->n_rows, ev->report->accuracy);
  g_assert_true (g_str_has_prefix (pb_results_early_get_caption (early), whole));
  g_assert_cmpfloat_with_epsilon (own_curve->accuracy[last], ev->report->accuracy, 1e-12);

  /* the first observation only: the row scores it, the caption says it */
  pb_results_seen_set_point (seen, 0);
  wait_until_idle (seen_busy, seen);
  g_assert_true (pb_results_seen_get_shown_run (seen) != run);
  g_assert_cmpfloat_with_epsilon (pb_results_seen_get_shown_run (seen)->evaluation->report->accuracy,
                                  own_curve->accuracy[0], 1e-12);
  first = g_strdup_printf ("First 1 obs.: accuracy %.3f", own_curve->accuracy[0]);
  g_assert_cmpstr (pb_results_seen_get_text (seen), ==, first);
  first_row = g_strdup_printf ("First 1 obs. of %d objects: accuracy %.3f · macro F1 %.3f", ev->n_rows,
                               own_curve->accuracy[0], own_curve->macro_f1[0]);
  g_assert_true (g_str_has_prefix (pb_results_early_get_caption (early), first_row));

  /* another run: everything computed for this one is gone */
  pb_results_seen_set_run (seen, NULL);
  g_assert_null (pb_results_seen_get_curve (seen));
  g_assert_null (pb_early_view_get_curve (pb_results_early_get_view (early)));
  g_assert_null (pb_results_seen_get_shown_run (seen));
  g_object_unref (early);
  g_object_unref (seen);
}

/* ---- Novelty --------------------------------------------------------------- */

static gboolean
novelty_busy (gpointer panel)
{
  return pb_results_novelty_is_busy (panel);
}

static void
test_novelty (void)
{
  g_autoptr (PbSession) session = session_on_dataset ();
  PbResultsNovelty *panel = own (pb_results_novelty_new (session));
  PbResultsGallery *gallery = pb_results_novelty_get_gallery (panel);
  g_autoptr (LcPredictor) predictor = lc_predictor_new (run->doc, NULL);
  g_autofree float *probs = NULL;
  g_autofree double *p99 = g_new (double, dataset->n_objects);
  g_autofree char *expected = NULL;
  g_autofree char *left_out = NULL;
  double threshold;
  int k, above = 0, n_untrained = 0;

  pb_results_novelty_set_run (panel, run);
  pb_results_novelty_explore (panel);
  wait_until_idle (novelty_busy, panel);
  g_assert_null (pb_results_novelty_get_error (panel));
  g_assert_nonnull (pb_results_novelty_get_scores (panel));
  g_assert_true (pb_results_novelty_get_scores_run (panel) == run);

  /* the shipped score first: the distance in feature space, from the
   * model's own threshold, on the distance's range */
  g_assert_true (lc_predictor_has_novelty (predictor));
  g_assert_cmpfloat (run->doc->novelty_threshold, >, 0.0);
  g_assert_cmpfloat (pb_novelty_view_get_threshold (pb_results_novelty_get_view (panel)), ==,
                     run->doc->novelty_threshold);
  {
    g_autofree double *distance = lc_predictor_novelty_of_dataset (predictor, dataset, NULL);
    const PbNoveltyScores *shown = pb_results_novelty_get_scores (panel);

    g_assert_nonnull (distance);
    g_assert_nonnull (shown->scores[PB_NOVELTY_DISTANCE]);
    for (gsize i = 0; i < dataset->n_objects; i++)
      g_assert_cmpfloat_with_epsilon (shown->scores[PB_NOVELTY_DISTANCE][i], distance[i], 1e-9);
    g_assert_cmpfloat (pb_novelty_scores_high (shown, PB_NOVELTY_DISTANCE), ==, LC_NOVELTY_DISTANCE_MAX);
  }

  /* the training objects: every labelled object but the validation ones,
   * each its own nearest neighbour (distance 0), left out by default */
  {
    const PbNoveltyScores *shown = pb_results_novelty_get_scores (panel);
    g_autofree guint8 *validation = g_new0 (guint8, dataset->n_objects);
    int n_trained = 0, n_zero_val = 0;

    g_assert_cmpint (run->n_val, >, 0);
    for (int i = 0; i < run->evaluation->n_rows; i++)
      validation[run->evaluation->rows[i]] = 1;
    for (gsize i = 0; i < dataset->n_objects; i++)
      {
        gboolean trained = dataset->objects[i].label >= 0 && !validation[i];

        g_assert_cmpint (shown->trained[i], ==, trained);
        n_trained += trained;
        /* 0 but for the rounding of features computed again */
        if (trained)
          g_assert_cmpfloat (shown->scores[PB_NOVELTY_DISTANCE][i], <=, 1e-6);
        else
          n_zero_val += shown->scores[PB_NOVELTY_DISTANCE][i] <= 1e-6;
      }
    g_assert_cmpint (shown->n_trained, ==, n_trained);
    g_assert_cmpint (n_trained, >, 0);
    g_assert_cmpint (n_zero_val, <, run->n_val / 10);
    n_untrained = (int) dataset->n_objects - n_trained;
    g_assert_cmpint (pb_novelty_view_get_n_scores (pb_results_novelty_get_view (panel)), ==, n_untrained);
    left_out = g_strdup_printf ("%d training objects left out", n_trained);
    g_assert_nonnull (strstr (pb_results_gallery_get_caption (gallery), left_out));
    /* included, they all count again */
    pb_results_novelty_set_include_trained (panel, TRUE);
    g_assert_cmpint (pb_novelty_view_get_n_scores (pb_results_novelty_get_view (panel)), ==,
                     (int) dataset->n_objects);
    g_assert_null (strstr (pb_results_gallery_get_caption (gallery), "left out"));
    pb_results_novelty_set_include_trained (panel, FALSE);
  }

  /* P(99) of every object, from the library's probabilities and score */
  k = predictor->n_classes;
  probs = lc_predictor_predict (predictor, dataset, NULL, 0, 1, NULL, NULL);
  g_assert_nonnull (probs);
  lc_novelty_scores (probs, (int) dataset->n_objects, k, LC_NOVELTY_P99, p99);
  /* half way up the score's range, on the scale's two digits */
  threshold = floor (lc_novelty_score_max (LC_NOVELTY_P99, k) * 50) / 100;
  for (gsize i = 0; i < dataset->n_objects; i++)
    above += !pb_results_novelty_get_scores (panel)->trained[i] && p99[i] >= threshold;
  g_assert_cmpint (above, >, 0);
  g_assert_cmpint (above, <, n_untrained);
  pb_results_novelty_set_score (panel, LC_NOVELTY_P99);
  pb_results_novelty_set_threshold (panel, threshold);
  expected = g_strdup_printf ("%d of %d objects score at least %.2f", above, n_untrained, threshold);
  g_assert_true (g_str_has_prefix (pb_results_gallery_get_caption (gallery), expected));
  g_assert_cmpint (pb_novelty_view_count_above (pb_results_novelty_get_view (panel)), ==, above);
  g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_gallery_get_view (gallery)), ==,
                    MIN (above, PB_RESULTS_MAX_GALLERY));
  /* most novel first */
  for (guint i = 1; i < pb_gallery_view_get_n_items (pb_results_gallery_get_view (gallery)); i++)
    g_assert_cmpfloat (p99[pb_gallery_view_get_object (pb_results_gallery_get_view (gallery), i - 1)], >=,
                       p99[pb_gallery_view_get_object (pb_results_gallery_get_view (gallery), i)]);

  /* a job cancelled before it ends delivers nothing */
  pb_results_novelty_set_run (panel, NULL);
  pb_results_novelty_set_run (panel, run);
  pb_results_novelty_explore (panel);
  pb_results_novelty_cancel (panel);
  wait_until_idle (novelty_busy, panel);
  g_assert_null (pb_results_novelty_get_scores (panel));
  g_assert_nonnull (strstr (pb_results_gallery_get_caption (gallery), "Cancelled"));
  g_object_unref (panel);
}

/* ---- Currently Wrong ------------------------------------------------------ */

/* What a trainer records at an epoch: the validation rows the model gets
 * wrong, with the class it predicts for each (as dataset classes). */
static PbRun *
run_with_mistakes (void)
{
  const LcEvaluation *ev = run->evaluation;
  PbRun *r = pb_run_new (2, "Run 2: with mistakes", dataset);
  NnEpochStats stats = { 0 };

  r->n_val = ev->n_rows;
  for (int e = 0; e < 3; e++)
    g_array_append_val (r->epochs, stats);
  for (int i = 0; i < ev->n_rows; i++)
    {
      int p = predicted_row (ev, i);

      if (p != ev->labels[i])
        {
          gsize row = (gsize) ev->rows[i];
          int predicted = lc_dataset_class_index (dataset, g_array_index (run->doc->classes, NnClassSpec, p).id);

          g_array_append_val (r->wrong_rows, row);
          g_array_append_val (r->wrong_predicted, predicted);
        }
    }
  return r;
}

static void
test_wrong (void)
{
  g_autoptr (PbSession) session = session_on_dataset ();
  g_autoptr (LcDataset) other = simulated (40, 9);
  g_autoptr (PbRun) r = run_with_mistakes ();
  PbResultsWrong *panel = own (pb_results_wrong_new (session));
  PbResultsGallery *gallery = pb_results_wrong_get_gallery (panel);
  const NnClassReport *report = run->evaluation->report;
  g_autofree char *expected = NULL;
  int right = 0;

  for (int c = 0; c < report->n_classes; c++)
    right += report->confusion[c * report->n_classes + c];
  g_assert_cmpint (report->n_rows - right, >, 0);
  g_assert_cmpuint (r->wrong_rows->len, ==, (guint) (report->n_rows - right));

  /* the panel follows the session's trainer */
  g_signal_emit_by_name (pb_session_get_trainer (session), "wrong", r);
  g_assert_true (pb_results_wrong_get_run (panel) == r);
  expected = g_strdup_printf ("Run 2: with mistakes, epoch 3: %d of %d validation objects misclassified",
                              report->n_rows - right, report->n_rows);
  g_assert_true (g_str_has_prefix (pb_results_gallery_get_caption (gallery), expected));
  g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_gallery_get_view (gallery)), ==,
                    MIN (r->wrong_rows->len, PB_RESULTS_MAX_GALLERY));
  for (guint i = 0; i < pb_gallery_view_get_n_items (pb_results_gallery_get_view (gallery)); i++)
    {
      gsize object = pb_gallery_view_get_object (pb_results_gallery_get_view (gallery), i);

      g_assert_cmpuint (object, ==, g_array_index (r->wrong_rows, gsize, i));
      g_assert_cmpint (pb_results_wrong_predicted_for (panel, object), ==,
                       g_array_index (r->wrong_predicted, int, i));
      g_assert_cmpint (pb_results_wrong_predicted_for (panel, object), !=, dataset->objects[object].label);
    }

  /* other data: the mistakes on the old data are not shown */
  pb_session_set_dataset (session, other);
  g_assert_null (pb_results_wrong_get_run (panel));
  g_assert_cmpuint (pb_gallery_view_get_n_items (pb_results_gallery_get_view (gallery)), ==, 0);
  /* and a run on data that is not open is not taken up */
  g_signal_emit_by_name (pb_session_get_trainer (session), "wrong", r);
  g_assert_null (pb_results_wrong_get_run (panel));
  g_object_unref (panel);
}

/* ---- Bursts --------------------------------------------------------------- */

static void
test_bursts (void)
{
  g_autoptr (PbSession) session = session_on_dataset ();
  PbResultsBursts *panel = own (pb_results_bursts_new (session));
  PbBurstView *view = pb_results_bursts_get_view (panel);
  double t_min, t_max;
  guint n_transient = 0;
  int first = -1;

  for (int c = 0; c < dataset->n_classes; c++)
    if (dataset->classes[c].count > 0 && lc_burst_class_is_transient (dataset, c))
      {
        n_transient++;
        if (first < 0)
          first = c;
      }
  g_assert_cmpuint (n_transient, >, 1);
  lc_burst_default_window (dataset, &t_min, &t_max);
  /* every transient class of the open data is offered, and only those */
  for (guint i = 0, c = 0; i < n_transient; i++, c++)
    {
      g_autoptr (LcBurstTypical) typical = NULL;
      const LcBurstTypical *shown;

      while (!(dataset->classes[c].count > 0 && lc_burst_class_is_transient (dataset, c)))
        c++;
      g_assert_true (pb_results_bursts_select (panel, i));
      typical = lc_burst_typical_new_for_class (dataset, c, t_min, t_max, PB_BURST_BINS);
      shown = pb_burst_view_get_typical (view, 0);
      g_assert_nonnull (shown);
      /* the rise, decline and width drawn are the library's measurements */
      g_assert_cmpint (shown->n_objects, ==, typical->n_objects);
      g_assert_cmpint (shown->n_objects, ==, dataset->classes[c].count);
      for (int b = 0; b < typical->n_bands; b++)
        {
          g_assert_true (shown->shape[b].rise_time == typical->shape[b].rise_time
                         || (isnan (shown->shape[b].rise_time) && isnan (typical->shape[b].rise_time)));
          g_assert_true (shown->shape[b].fwhm == typical->shape[b].fwhm
                         || (isnan (shown->shape[b].fwhm) && isnan (typical->shape[b].fwhm)));
        }
    }
  g_assert_false (pb_results_bursts_select (panel, n_transient));

  /* one object against its true and its predicted class */
  for (gsize i = 0; i < dataset->n_objects; i++)
    if (dataset->objects[i].label == first)
      {
        pb_results_bursts_show_object (panel, dataset, i, first, -1);
        g_assert_nonnull (pb_burst_view_get_typical (view, 0));
        g_assert_cmpint (pb_burst_view_get_typical (view, 0)->n_objects, ==, dataset->classes[first].count);
        g_assert_null (pb_burst_view_get_typical (view, 1));
        break;
      }
  g_object_unref (panel);
}

/* ---- the page assembles them ---------------------------------------------- */

/* Another run of the same model, scored on the same objects. */
static PbRun *
second_run (void)
{
  g_autoptr (LcPredictor) predictor = lc_predictor_new (run->doc, NULL);
  g_autoptr (GError) error = NULL;
  PbRun *r = pb_run_new (2, "Run 2: again", dataset);

  r->state = PB_RUN_FINISHED;
  r->doc = nn_model_doc_copy (run->doc);
  r->evaluation = lc_predictor_evaluate_rows (predictor, dataset, run->evaluation->rows, run->evaluation->n_rows,
                                              1, &error);
  g_assert_no_error (error);
  return r;
}

static void
test_page_panels (void)
{
  g_autoptr (PbSession) session = session_on_dataset ();
  PbResultsPage *page = own (pb_results_page_new (session));
  const char *names[] = { "confusion", "scores", "reliability", "early", "novelty", "wrong", "bursts" };
  GType types[] = { PB_TYPE_RESULTS_CONFUSION, PB_TYPE_RESULTS_SCORES, PB_TYPE_RESULTS_RELIABILITY,
                    PB_TYPE_RESULTS_EARLY, PB_TYPE_RESULTS_NOVELTY, PB_TYPE_RESULTS_WRONG,
                    PB_TYPE_RESULTS_BURSTS };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (pb_results_page_get_panel (page, names[i]), types[i]));

  /* the session's shown run reaches the panels that show scores */
  pb_session_add_run (session, run);
  pb_session_show_run (session, run);
  g_assert_true (pb_results_page_get_run (page) == run);
  g_assert_true (pb_results_confusion_get_run (PB_RESULTS_CONFUSION (pb_results_page_get_panel (page, "confusion")))
                 == run);
  g_assert_true (pb_results_scores_get_run (PB_RESULTS_SCORES (pb_results_page_get_panel (page, "scores"))) == run);
  g_assert_true (pb_results_reliability_get_run (PB_RESULTS_RELIABILITY (pb_results_page_get_panel (page,
                                                                                                    "reliability")))
                 == run);
  /* the run picker lists the session's runs on the open data and shows the one picked */
  {
    g_autoptr (PbRun) second = second_run ();
    GtkDropDown *picker = GTK_DROP_DOWN (pb_test_find_descendant (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN));

    g_assert_nonnull (picker);
    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (picker)), ==, 1);
    g_assert_cmpuint (gtk_drop_down_get_selected (picker), ==, 0);
    pb_session_add_run (session, second);
    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (picker)), ==, 2);
    /* adding a run does not change what is shown */
    g_assert_true (pb_results_page_get_run (page) == run);
    g_assert_cmpuint (gtk_drop_down_get_selected (picker), ==, 0);
    gtk_drop_down_set_selected (picker, 1);
    g_assert_true (pb_session_get_shown_run (session) == second);
    g_assert_true (pb_results_page_get_run (page) == second);
    g_assert_true (pb_results_scores_get_run (PB_RESULTS_SCORES (pb_results_page_get_panel (page, "scores")))
                   == second);
    pb_session_show_run (session, run);
    g_assert_cmpuint (gtk_drop_down_get_selected (picker), ==, 0);
  }
  /* and leaves them with the dataset */
  {
    g_autoptr (LcDataset) other = simulated (40, 11);
    GtkWidget *picker = pb_test_find_descendant (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN);

    pb_session_set_dataset (session, other);
    g_assert_false (gtk_widget_get_visible (picker));
    g_assert_null (pb_results_confusion_get_run (PB_RESULTS_CONFUSION (pb_results_page_get_panel (page,
                                                                                                  "confusion"))));
    g_assert_null (pb_results_scores_get_run (PB_RESULTS_SCORES (pb_results_page_get_panel (page, "scores"))));
  }
  g_object_unref (page);
}

int
main (int argc, char **argv)
{
  g_autoptr (NnModelDoc) spec = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  dataset = simulated (240, 21);
  spec = pb_session_load_preset_doc ("small-gru.json", NULL);
  g_assert_nonnull (spec);
  run = pb_test_trained_run (dataset, spec, 4, "Run 1: Small GRU");

  g_test_add_func ("/results-panels/confusion", test_confusion);
  g_test_add_func ("/results-panels/scores", test_scores);
  g_test_add_func ("/results-panels/reliability", test_reliability);
  g_test_add_func ("/results-panels/seen-and-early", test_seen_and_early);
  g_test_add_func ("/results-panels/novelty", test_novelty);
  g_test_add_func ("/results-panels/wrong", test_wrong);
  g_test_add_func ("/results-panels/bursts", test_bursts);
  g_test_add_func ("/results-panels/page", test_page_panels);
  status = g_test_run ();

  pb_run_unref (run);
  lc_dataset_unref (dataset);
  return status;
}
