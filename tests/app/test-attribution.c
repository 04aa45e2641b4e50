/* test-attribution.c: Explain in the app: the light curve coloured by
 * attribution (drawn without a display), the panel that explains the shown
 * object with the shown run's model in the background, the class picked
 * from the drop-down, and a stale job whose result never arrives. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "lc-format.h"
#include "pb-attribution-draw.h"
#include "pb-attribution-job.h"
#include "pb-attribution-panel.h"
#include "pb-gallery-view.h"
#include "pb-test-dataset.h"
#include "pb-test-gui.h"

static cairo_surface_t *
new_surface (int width, int height, cairo_t **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);

  *cr = cairo_create (surface);
  return surface;
}

/* With PB_TEST_SAVE_DIR set, writes the drawing there to look at. */
static void
keep_surface (cairo_surface_t *surface, const char *name)
{
  const char *dir = g_getenv ("PB_TEST_SAVE_DIR");
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = dir != NULL ? g_build_filename (dir, file, NULL) : NULL;

  if (path != NULL)
    g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
}

static void
pixel (cairo_surface_t *surface, double x, double y, double rgb[3])
{
  guint32 px;

  cairo_surface_flush (surface);
  px = ((guint32 *) (void *) (cairo_image_surface_get_data (surface)
                              + (int) y * cairo_image_surface_get_stride (surface)))[(int) x];
  rgb[0] = ((px >> 16) & 0xff) / 255.0;
  rgb[1] = ((px >> 8) & 0xff) / 255.0;
  rgb[2] = (px & 0xff) / 255.0;
}

/* Where observation k of object is drawn. */
static void
marker_at (const LcDataset *ds, gsize object, int k, const PbLightCurveOptions *o, const PbLightCurveLayout *l,
           double *px, double *py)
{
  double x, y, e;

  g_assert_true (pb_light_curve_point (ds, object, k, o, &x, &y, &e));
  *px = pb_plot_area_to_x (&l->area, x);
  *py = pb_plot_area_to_y (&l->area, y);
}

/* The scale: red above zero, blue below, the same grey-ish neutral at 0. */
static void
test_color_scale (void)
{
  PbPlotStyle style;
  GdkRGBA pos, neg, zero, half;
  double values[] = { 0.2, NAN, -0.5, 0.1 };

  pb_plot_style_init_light (&style);
  pb_attribution_color (&style, 1.0, 1.0, &pos);
  pb_attribution_color (&style, -1.0, 1.0, &neg);
  pb_attribution_color (&style, 0.0, 1.0, &zero);
  pb_attribution_color (&style, 0.25, 1.0, &half);
  g_assert_cmpfloat (pos.red, >, pos.blue + 0.4);
  g_assert_cmpfloat (neg.blue, >, neg.red + 0.4);
  g_assert_cmpfloat (fabs (zero.red - zero.blue), <, 0.05);
  /* between zero and the end, and already clearly red */
  g_assert_cmpfloat (half.red - half.blue, >, 0.5 * (pos.red - pos.blue) - 0.01);
  g_assert_cmpfloat (half.red - half.blue, <, pos.red - pos.blue);
  g_assert_cmpfloat (pb_attribution_scale (values, 4), ==, 0.5);
}

/* Each observation drawn in its attribution's colour, sized by it, with the
 * colour bar in the header; without attribution the band colours. */
static void
test_draw_attribution (void)
{
  g_autoptr (LcDataset) ds = pb_test_dataset_new (4);
  const LcObject *o = &ds->objects[1];
  g_autofree double *a = g_new (double, o->n_obs);
  PbLightCurveOptions options;
  PbLightCurveLayout plain_layout, layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *plain = new_surface (640, 400, &cr);
  double px, py, rgb[3];
  int strong_pos = 3, strong_neg = 10, unseen = 12;

  pb_plot_style_init_light (&style);
  pb_light_curve_options_init (&options);
  options.error_bars = FALSE;
  pb_light_curve_draw (cr, 640, 400, ds, 1, &options, &style, &plain_layout);
  cairo_destroy (cr);

  for (int k = 0; k < o->n_obs; k++)
    a[k] = 0.001;
  a[strong_pos] = 0.3;
  a[strong_neg] = -0.3;
  a[unseen] = NAN;
  options.attribution = a;
  options.attribution_scale = pb_attribution_scale (a, o->n_obs);
  options.attribution_title = "Attribution to SN Ia";
  {
    cairo_surface_t *surface = new_surface (640, 400, &cr);

    pb_light_curve_draw (cr, 640, 400, ds, 1, &options, &style, &layout);
    cairo_destroy (cr);
    /* the colour bar takes room under the legend: the plot starts lower */
    g_assert_cmpfloat (layout.area.rect.y, >, plain_layout.area.rect.y + 8);

    marker_at (ds, 1, strong_pos, &options, &layout, &px, &py);
    pixel (surface, px, py, rgb);
    g_assert_cmpfloat (rgb[0], >, rgb[2] + 0.3);
    marker_at (ds, 1, strong_neg, &options, &layout, &px, &py);
    pixel (surface, px, py, rgb);
    g_assert_cmpfloat (rgb[2], >, rgb[0] + 0.3);
    /* a strong observation is drawn larger: 5 px from its centre is still its colour */
    pixel (surface, px + 5, py, rgb);
    g_assert_cmpfloat (rgb[2], >, rgb[0] + 0.2);
    /* an observation the network did not see is hollow: its centre is background */
    marker_at (ds, 1, unseen, &options, &layout, &px, &py);
    pixel (surface, px, py, rgb);
    g_assert_cmpfloat (rgb[0] + rgb[1] + rgb[2], >, 2.8);
    cairo_surface_destroy (surface);
  }
  cairo_surface_destroy (plain);
}

/* The strip: a bar per step as tall as the square root of its share,
 * coloured by its net sign, neutral when its observations cancel. */
static void
test_strip (void)
{
  PbPlotStyle style;
  PbRect rect = { 10, 10, 100, 20 };
  double xs[] = { 20, 60, 90, 100 }, mass[] = { 0.25, 1.0, NAN, 1.0 }, net[] = { 0.25, -1.0, 0.0, 0.0 };
  double rgb[3];
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (120, 40, &cr);

  pb_plot_style_init_light (&style);
  pb_plot_fill_background (cr, &style, 120, 40);
  pb_attribution_draw_strip (cr, &style, &rect, xs, mass, net, 4, 1.0);
  cairo_destroy (cr);
  /* two observations that cancel: a full bar, grey */
  pixel (surface, 100, 14, rgb);
  g_assert_cmpfloat (fabs (rgb[0] - rgb[2]), <, 0.1);
  g_assert_cmpfloat (rgb[0] + rgb[1] + rgb[2], <, 2.6);
  /* the negative bar is full height, the positive one (a quarter) half */
  pixel (surface, 60, 12, rgb);
  g_assert_cmpfloat (rgb[2], >, rgb[0] + 0.3);
  pixel (surface, 20, 16, rgb);
  g_assert_cmpfloat (rgb[0] + rgb[1] + rgb[2], >, 2.8);
  pixel (surface, 20, 24, rgb);
  g_assert_cmpfloat (rgb[0], >, rgb[2] + 0.2);
  pixel (surface, 90, 24, rgb);
  g_assert_cmpfloat (rgb[0] + rgb[1] + rgb[2], >, 2.8);
  cairo_surface_destroy (surface);
}

/* ---- with a trained model ------------------------------------------------ */

static PbRun *
tiny_run (void)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"tiny\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 4}, {\"type\": \"concat_metadata\"},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 1, \"batch_size\": 64, \"seed\": 3, \"val_fraction\": 0.3}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = nn_model_doc_load_from_data (text, -1, "tiny.json", &error);
  g_autoptr (LcDataset) ds = lc_load ("sim:60:5", NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return pb_test_trained_run (ds, spec, 0, "tiny");
}

static void
wait_idle (PbAttributionPanel *panel)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (pb_attribution_panel_is_busy (panel))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  /* anything a stale job could still post has had its chance */
  pb_test_iterate (100);
}

static double
finite_sum (const double *v, int n)
{
  double sum = 0.0;

  for (int i = 0; i < n; i++)
    if (isfinite (v[i]))
      sum += v[i];
  return sum;
}

static void
test_panel_explains_shown_object (void)
{
  g_autoptr (PbRun) run = tiny_run ();
  g_autoptr (PbSession) session = pb_session_new ();
  PbLightCurveView *view = g_object_ref_sink (PB_LIGHT_CURVE_VIEW (pb_light_curve_view_new ()));
  PbAttributionPanel *panel = g_object_ref_sink (PB_ATTRIBUTION_PANEL (pb_attribution_panel_new ()));
  LcDataset *ds = run->dataset;
  const LcExplanation *ex;
  double total = 0.0;

  pb_session_set_dataset (session, ds);
  pb_session_add_run (session, run);
  pb_attribution_panel_set_view (panel, view);
  pb_attribution_panel_set_session (panel, session);
  pb_light_curve_view_set_object (view, ds, 2);
  pb_attribution_panel_set_object (panel, ds, 2);

  /* off: nothing computed */
  g_assert_false (pb_attribution_panel_is_busy (panel));
  pb_attribution_panel_set_active (panel, TRUE);
  /* no run shown yet: it says how to get one */
  g_assert_false (pb_attribution_panel_is_busy (panel));
  g_assert_nonnull (strstr (pb_attribution_panel_get_status (panel), "Train"));

  pb_session_show_run (session, run);
  g_assert_true (pb_attribution_panel_is_busy (panel));
  /* the main loop keeps running while the worker explains */
  wait_idle (panel);
  ex = pb_attribution_panel_get_explanation (panel);
  g_assert_nonnull (ex);
  g_assert_cmpint (ex->object, ==, 2);
  g_assert_cmpint (ex->n_observations, ==, ds->objects[2].n_obs);
  g_assert_true (pb_light_curve_view_has_attribution (view));
  g_assert_cmpint (ex->attribution->meta_features, >, 0);
  for (gsize i = 0; i < (gsize) ex->attribution->steps * ex->attribution->features; i++)
    total += ex->attribution->x[i];
  /* the observations carry the whole sequence's attribution */
  g_assert_cmpfloat (fabs (finite_sum (ex->observation_attribution, ex->n_observations) - total), <=,
                     1e-9 + 1e-6 * fabs (total));
  g_assert_nonnull (strstr (pb_attribution_panel_get_status (panel), "p = "));

  /* drawn as the view holds it: the observation that weighs most in its sign's colour */
  {
    const PbLightCurveOptions *options = pb_light_curve_view_get_options (view);
    PbLightCurveLayout layout;
    PbPlotStyle style;
    cairo_t *cr;
    cairo_surface_t *surface = new_surface (640, 400, &cr);
    int top = -1;
    double px, py, rgb[3];

    g_assert_true (options->attribution != NULL);
    for (int k = 0; k < ex->n_observations; k++)
      if (isfinite (ex->observation_attribution[k])
          && (top < 0 || fabs (ex->observation_attribution[k]) > fabs (ex->observation_attribution[top])))
        top = k;
    g_assert_cmpint (top, >=, 0);
    g_assert_cmpfloat (options->attribution_scale, ==, fabs (ex->observation_attribution[top]));
    pb_plot_style_init_light (&style);
    pb_light_curve_draw (cr, 640, 400, ds, 2, options, &style, &layout);
    cairo_destroy (cr);
    marker_at (ds, 2, top, options, &layout, &px, &py);
    pixel (surface, px, py, rgb);
    if (ex->observation_attribution[top] > 0)
      g_assert_cmpfloat (rgb[0], >, rgb[2] + 0.3);
    else
      g_assert_cmpfloat (rgb[2], >, rgb[0] + 0.3);
    keep_surface (surface, "attribution-view");
    cairo_surface_destroy (surface);
  }

  /* another class from the drop-down */
  {
    int other = (ex->target + 1) % pb_run_n_classes (run);

    pb_attribution_panel_set_target (panel, other);
    g_assert_null (pb_attribution_panel_get_explanation (panel));
    g_assert_false (pb_light_curve_view_has_attribution (view));
    wait_idle (panel);
    ex = pb_attribution_panel_get_explanation (panel);
    g_assert_nonnull (ex);
    g_assert_cmpint (ex->target, ==, other);
  }

  /* the summary drawing: one bar per band, as long as the band's share */
  {
    PbAttributionSummary summary = { ds, ex, NULL };
    g_autofree double *totals = g_new (double, ds->n_bands);
    PbPlotStyle style;
    cairo_t *cr;
    cairo_surface_t *surface = new_surface (400, 120, &cr);
    double sum = 0.0;

    pb_attribution_band_totals (ds, ex, totals);
    for (int b = 0; b < ds->n_bands; b++)
      sum += totals[b];
    g_assert_cmpfloat (sum, >, 0.0);
    pb_plot_style_init_light (&style);
    pb_attribution_summary_draw (cr, 400, 120, &summary, &style);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }

  /* off again: the view goes back to band colours */
  pb_attribution_panel_set_active (panel, FALSE);
  g_assert_false (pb_light_curve_view_has_attribution (view));
  g_assert_null (pb_attribution_panel_get_explanation (panel));

  g_object_unref (panel);
  g_object_unref (view);
}

/* Browsing: objects passed on the way are never explained, only the one
 * the selection rests on. */
static void
test_panel_waits_for_selection_to_rest (void)
{
  g_autoptr (PbRun) run = tiny_run ();
  g_autoptr (PbSession) session = pb_session_new ();
  PbAttributionPanel *panel = g_object_ref_sink (PB_ATTRIBUTION_PANEL (pb_attribution_panel_new ()));

  pb_session_set_dataset (session, run->dataset);
  pb_session_add_run (session, run);
  pb_session_show_run (session, run);
  pb_attribution_panel_set_session (panel, session);
  /* longer than the default, so a loaded machine cannot make the test wrong */
  pb_attribution_panel_set_start_delay (panel, 1000);
  pb_attribution_panel_set_active (panel, TRUE);
  for (int i = 0; i < 6; i++)
    {
      pb_attribution_panel_set_object (panel, run->dataset, i);
      pb_test_iterate (20);
      g_assert_null (pb_attribution_panel_get_explanation (panel));
    }
  wait_idle (panel);
  g_assert_nonnull (pb_attribution_panel_get_explanation (panel));
  g_assert_cmpint (pb_attribution_panel_get_explanation (panel)->object, ==, 5);
  g_object_unref (panel);
}

/* The class picked is the class explained. */
static void
test_panel_class_pick (void)
{
  g_autoptr (PbRun) run = tiny_run ();
  g_autoptr (PbSession) session = pb_session_new ();
  PbAttributionPanel *panel = g_object_ref_sink (PB_ATTRIBUTION_PANEL (pb_attribution_panel_new ()));

  pb_session_set_dataset (session, run->dataset);
  pb_session_add_run (session, run);
  pb_session_show_run (session, run);
  pb_attribution_panel_set_session (panel, session);
  pb_attribution_panel_set_object (panel, run->dataset, 0);
  pb_attribution_panel_set_active (panel, TRUE);
  for (int k = 0; k < MIN (3, pb_run_n_classes (run)); k++)
    {
      pb_attribution_panel_set_target (panel, k);
      wait_idle (panel);
      g_assert_nonnull (pb_attribution_panel_get_explanation (panel));
      g_assert_cmpint (pb_attribution_panel_get_explanation (panel)->target, ==, k);
    }
  g_object_unref (panel);
}

/* Another object while a job runs (jobs start at once here, so two run
 * together): only the new object's explanation arrives, however the two
 * jobs finish. */
static void
test_stale_object_dropped (void)
{
  g_autoptr (PbRun) run = tiny_run ();
  g_autoptr (PbSession) session = pb_session_new ();
  PbLightCurveView *view = g_object_ref_sink (PB_LIGHT_CURVE_VIEW (pb_light_curve_view_new ()));
  PbAttributionPanel *panel = g_object_ref_sink (PB_ATTRIBUTION_PANEL (pb_attribution_panel_new ()));
  LcDataset *ds = run->dataset;

  pb_session_set_dataset (session, ds);
  pb_session_add_run (session, run);
  pb_session_show_run (session, run);
  pb_attribution_panel_set_view (panel, view);
  pb_attribution_panel_set_session (panel, session);
  pb_attribution_panel_set_start_delay (panel, 0);
  pb_attribution_panel_set_active (panel, TRUE);
  for (int round = 0; round < 5; round++)
    {
      const LcExplanation *ex;
      int first = 2 * round, second = 2 * round + 1;

      pb_light_curve_view_set_object (view, ds, first);
      pb_attribution_panel_set_object (panel, ds, first);
      g_assert_true (pb_attribution_panel_is_busy (panel));
      pb_light_curve_view_set_object (view, ds, second);
      pb_attribution_panel_set_object (panel, ds, second);
      wait_idle (panel);
      ex = pb_attribution_panel_get_explanation (panel);
      g_assert_nonnull (ex);
      g_assert_cmpint (ex->object, ==, second);
      g_assert_true (pb_light_curve_view_has_attribution (view));
    }

  /* the run goes away while its job runs: the same object, and still nothing arrives */
  pb_light_curve_view_set_object (view, ds, 3);
  pb_attribution_panel_set_object (panel, ds, 3);
  g_assert_true (pb_attribution_panel_is_busy (panel));
  pb_session_show_run (session, NULL);
  g_assert_false (pb_attribution_panel_is_busy (panel));
  pb_test_iterate (300);
  g_assert_null (pb_attribution_panel_get_explanation (panel));
  g_assert_false (pb_light_curve_view_has_attribution (view));
  g_object_unref (panel);
  g_object_unref (view);
}

/* Gallery strips: nothing computed until the gallery is drawn, then each
 * thumbnail gets its object's attribution for the predicted class, the
 * same numbers the library gives. */
static void
test_gallery_strips (void)
{
  g_autoptr (PbRun) run = tiny_run ();
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = lc_predictor_new (run->doc, &error);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  PbGalleryView *gallery = PB_GALLERY_VIEW (pb_gallery_view_new ());
  const gsize objects[] = { 5, 0, 9 };
  gint64 deadline;

  g_assert_no_error (error);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (gallery));
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 400);
  pb_gallery_view_set_attribution_run (gallery, run);
  pb_gallery_view_set_items (gallery, run->dataset, objects, 3, NULL);
  pb_test_iterate (50);
  g_assert_false (pb_gallery_view_is_explaining (gallery));
  g_assert_null (pb_gallery_view_get_attribution (gallery, 0));

  gtk_window_present (GTK_WINDOW (window));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (pb_gallery_view_get_attribution (gallery, 2) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (LcExplanation) ex = lc_explain_object (p, run->dataset, (int) objects[i], -1,
                                                        PB_ATTRIBUTION_POINTS, &error);
      const double *strip = pb_gallery_view_get_attribution (gallery, i);

      g_assert_no_error (error);
      g_assert_nonnull (strip);
      for (int k = 0; k < ex->n_observations; k++)
        if (isnan (ex->observation_attribution[k]))
          g_assert_true (isnan (strip[k]));
        else
          g_assert_cmpfloat (fabs (strip[k] - ex->observation_attribution[k]), <=, 1e-12);
    }
  pb_test_save_png (GTK_WIDGET (gallery), "attribution-gallery");

  /* new items start from nothing; no run, no strips */
  pb_gallery_view_set_items (gallery, run->dataset, objects, 2, NULL);
  g_assert_null (pb_gallery_view_get_attribution (gallery, 0));
  pb_gallery_view_set_attribution_run (gallery, NULL);
  pb_test_iterate (100);
  g_assert_null (pb_gallery_view_get_attribution (gallery, 0));
  g_assert_false (pb_gallery_view_is_explaining (gallery));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The job itself: a cancelled job hands nothing over, a running one hands
 * over each object in order. */
static int n_explained, n_finished;
static gsize last_object;

static void
count_explained_cb (gpointer owner, PbAttributionResult *result)
{
  g_assert_nonnull (result->explanation);
  g_assert_nonnull (result->meta_names);
  g_assert_true (n_explained == 0 || result->object > last_object);
  last_object = result->object;
  n_explained++;
}

static void
count_finished_cb (gpointer owner, const char *error_message)
{
  g_assert_null (error_message);
  n_finished++;
}

static void
test_job_cancel_drops_result (void)
{
  static const PbAttributionCallbacks callbacks = { count_explained_cb, count_finished_cb };
  g_autoptr (PbRun) run = tiny_run ();
  g_autoptr (GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  const gsize objects[] = { 1, 4, 7 };
  PbJob *job;
  gint64 deadline;

  n_explained = n_finished = 0;
  job = pb_attribution_job_start (owner, run, objects, 3, -1, &callbacks);
  pb_job_clear (&job);
  g_assert_null (job);
  pb_test_iterate (300);
  g_assert_cmpint (n_explained, ==, 0);
  g_assert_cmpint (n_finished, ==, 0);

  job = pb_attribution_job_start (owner, run, objects, 3, -1, &callbacks);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (n_finished == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (n_explained, ==, 3);
  g_assert_cmpuint (last_object, ==, 7);
  pb_job_unref (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/attribution/color-scale", test_color_scale);
  g_test_add_func ("/attribution/draw", test_draw_attribution);
  g_test_add_func ("/attribution/strip", test_strip);
  if (gtk_init_check ())
    {
      g_test_add_func ("/attribution/panel", test_panel_explains_shown_object);
      g_test_add_func ("/attribution/class-pick", test_panel_class_pick);
      g_test_add_func ("/attribution/selection-rests", test_panel_waits_for_selection_to_rest);
      g_test_add_func ("/attribution/stale-object", test_stale_object_dropped);
      g_test_add_func ("/attribution/job-cancel", test_job_cancel_drops_result);
      g_test_add_func ("/attribution/gallery-strips", test_gallery_strips);
    }
  return g_test_run ();
}
