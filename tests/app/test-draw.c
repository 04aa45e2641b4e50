/* test-draw.c: every view's drawing function rendered into an image surface,
 * with no display; plus the shared tick and number code of pb-plot. */
#include <math.h>
#include <time.h>

#include "pb-gallery-view.h"
#include "pb-light-curve-view.h"
#include "pb-overview-view.h"
#include "pb-plot.h"
#include "pb-test-dataset.h"

#define W 480
#define H 320

/* With PB_TEST_SAVE_DIR set, keep each rendering as a PNG to look at. */
static void
maybe_save (cairo_surface_t *surface, const char *name)
{
  const char *dir = g_getenv ("PB_TEST_SAVE_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  path = g_strdup_printf ("%s/%s.png", dir, name);
  cairo_surface_write_to_png (surface, path);
}

static cairo_surface_t *
new_surface (cairo_t **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);

  *cr = cairo_create (surface);
  return surface;
}

/* Pixels within tol (0..255 per channel) of the "#rrggbb" colour. */
static int
count_color (cairo_surface_t *surface, const char *hex, int tol)
{
  GdkRGBA want;
  unsigned char *data;
  int stride, n = 0;

  cairo_surface_flush (surface);
  g_assert_true (gdk_rgba_parse (&want, hex));
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 p = *(guint32 *) (data + y * stride + 4 * x);
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (abs (r - (int) (want.red * 255)) <= tol && abs (g - (int) (want.green * 255)) <= tol
            && abs (b - (int) (want.blue * 255)) <= tol)
          n++;
      }
  return n;
}

/* Pixels that differ from the background (white). */
static int
count_ink (cairo_surface_t *surface)
{
  unsigned char *data;
  int stride, n = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      if ((*(guint32 *) (data + y * stride + 4 * x) & 0xffffff) != 0xffffff)
        n++;
  return n;
}

static void
test_nice_ticks (void)
{
  PbTicks t;

  pb_nice_ticks (0, 10, 6, &t);
  g_assert_cmpint (t.n, ==, 6);
  g_assert_cmpfloat (t.values[0], ==, 0);
  g_assert_cmpfloat (t.values[5], ==, 10);
  g_assert_cmpfloat (t.step, ==, 2);
  g_assert_cmpint (t.decimals, ==, 0);

  /* reversed range and a small step: decimals follow the step */
  pb_nice_ticks (0.087, 0.013, 5, &t);
  g_assert_cmpint (t.n, >=, 3);
  g_assert_cmpint (t.n, <=, 5);
  g_assert_cmpfloat (t.values[0], >=, 0.013);
  g_assert_cmpfloat (t.values[t.n - 1], <=, 0.087);
  g_assert_cmpint (t.decimals, ==, 2);

  /* a step of 2.5 needs one more decimal than 2 */
  pb_nice_ticks (0, 0.1, 5, &t);
  for (int i = 1; i < t.n; i++)
    g_assert_cmpfloat (fabs (t.values[i] - t.values[i - 1] - t.step), <, 1e-12);
  g_assert_cmpint (t.decimals, ==, t.step == 0.025 ? 3 : 2);

  /* never more than asked, whatever the range */
  for (int max = 2; max <= 10; max++)
    {
      pb_nice_ticks (-3.7, 1234.5, max, &t);
      g_assert_cmpint (t.n, <=, max);
      g_assert_cmpint (t.n, >=, 1);
    }

  /* a zero crossing is written 0, not 1e-17 */
  pb_nice_ticks (-1, 1, 5, &t);
  for (int i = 0; i < t.n; i++)
    if (fabs (t.values[i]) < 0.1)
      g_assert_cmpfloat (t.values[i], ==, 0.0);

  pb_nice_ticks (5, 5, 5, &t);
  g_assert_cmpint (t.n, ==, 1);
  pb_nice_ticks (NAN, 5, 5, &t);
  g_assert_cmpint (t.n, ==, 0);
}

static void
test_format_number (void)
{
  struct { double v; int d; const char *want; } cases[] = {
    { 0, 0, "0" }, { 2.5, 1, "2.5" }, { -0.001, 2, "0.00" }, { 59580, 0, "59580" },
    { 1e8, 0, "1.0e+08" }, { -12.25, 2, "-12.25" }, { 3e-6, 1, "3.0e-06" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = pb_format_number (cases[i].v, cases[i].d);
      g_assert_cmpstr (got, ==, cases[i].want);
    }
  {
    g_autofree char *nan = pb_format_number (NAN, 2);
    g_assert_cmpstr (nan, ==, "–");
  }
}

static void
test_plot_area (void)
{
  PbPlotArea a = { { 10, 20, 100, 50 }, 0, 10, 0, 5, FALSE };

  g_assert_cmpfloat (pb_plot_area_to_x (&a, 0), ==, 10);
  g_assert_cmpfloat (pb_plot_area_to_x (&a, 10), ==, 110);
  g_assert_cmpfloat (pb_plot_area_to_y (&a, 0), ==, 70);
  g_assert_cmpfloat (pb_plot_area_to_y (&a, 5), ==, 20);
  g_assert_cmpfloat (fabs (pb_plot_area_from_y (&a, pb_plot_area_to_y (&a, 3.3)) - 3.3), <, 1e-12);
  /* magnitudes: small (bright) values at the top */
  a.y_inverted = TRUE;
  g_assert_cmpfloat (pb_plot_area_to_y (&a, 0), ==, 20);
  g_assert_cmpfloat (fabs (pb_plot_area_from_y (&a, pb_plot_area_to_y (&a, 3.3)) - 3.3), <, 1e-12);
}

static void
test_light_curve_draw (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (6);
  PbLightCurveOptions options;
  PbLightCurveLayout layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (&cr);
  int red_all, red_hidden;

  pb_plot_style_init_light (&style);
  pb_light_curve_options_init (&options);
  pb_light_curve_draw (cr, W, H, ds, 2, &options, &style, &layout);
  g_assert_true (layout.has_data);
  g_assert_cmpint (layout.n_legend, ==, 6);
  g_assert_false (layout.area.y_inverted);
  maybe_save (surface, "light-curve");
  red_all = count_color (surface, lc_band_color (ds, 2), 10);
  g_assert_cmpint (red_all, >, 50);
  g_assert_cmpint (count_color (surface, lc_band_color (ds, 0), 10), >, 50);

  /* hiding band r removes its points but keeps the legend swatch (struck out) */
  options.hidden_bands = 1 << 2;
  pb_plot_fill_background (cr, &style, W, H);
  pb_light_curve_draw (cr, W, H, ds, 2, &options, &style, &layout);
  red_hidden = count_color (surface, lc_band_color (ds, 2), 10);
  g_assert_cmpint (red_hidden, <, red_all / 4);

  /* the legend boxes are where a click toggles a band: inside the widget, not overlapping */
  for (int b = 0; b < layout.n_legend; b++)
    {
      g_assert_cmpfloat (layout.legend[b].x, >=, 0);
      g_assert_cmpfloat (layout.legend[b].x + layout.legend[b].width, <=, W);
      if (b > 0)
        g_assert_cmpfloat (layout.legend[b - 1].x + layout.legend[b - 1].width, <=, layout.legend[b].x + 0.5);
    }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_light_curve_points (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (3);
  PbLightCurveOptions options;
  double x, y, e;
  gsize first = ds->objects[0].first;

  pb_light_curve_options_init (&options);
  g_assert_true (pb_light_curve_point (ds, 0, 0, &options, &x, &y, &e));
  g_assert_cmpfloat (x, ==, ds->time[first]);
  g_assert_cmpfloat (y, ==, ds->value[first]);
  g_assert_cmpfloat (fabs (e - ds->error[first]), <, 1e-6);

  /* magnitude of a flux: 27.5 - 2.5 log10 f; a negative flux has none */
  options.value_kind = LC_VALUE_MAGNITUDE;
  g_assert_true (pb_light_curve_point (ds, 0, 0, &options, &x, &y, &e));
  g_assert_cmpfloat (fabs (y - (27.5 - 2.5 * log10 (ds->value[first]))), <, 1e-9);
  g_assert_cmpfloat (fabs (e - 1.0857362 * ds->error[first] / ds->value[first]), <, 1e-6);
  g_assert_false (pb_light_curve_point (ds, 0, 3, &options, &x, &y, &e));

  /* days since the first detection: observation 0 is detected, so it is day 0 */
  options.value_kind = LC_VALUE_FLUX;
  options.time_axis = PB_TIME_SINCE_FIRST;
  g_assert_true (pb_light_curve_point (ds, 0, 2, &options, &x, &y, &e));
  g_assert_cmpfloat (x, ==, ds->time[first + 2] - ds->time[first]);

  /* folding: phase in [0, 1) */
  options.period = 7.0;
  for (int k = 0; k < ds->objects[1].n_obs; k++)
    {
      g_assert_true (pb_light_curve_point (ds, 1, k, &options, &x, &y, &e));
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (x, <, 1);
    }
  g_assert_cmpfloat (pb_light_curve_object_period (ds, 1), ==, 2.5f);
}

static void
test_light_curve_magnitude_and_nearest (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (3);
  PbLightCurveOptions options;
  PbLightCurveLayout layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (&cr);
  double x, y, e;
  gssize k;

  pb_plot_style_init_light (&style);
  pb_light_curve_options_init (&options);
  options.value_kind = LC_VALUE_MAGNITUDE;
  pb_light_curve_draw (cr, W, H, ds, 1, &options, &style, &layout);
  g_assert_true (layout.area.y_inverted);
  maybe_save (surface, "light-curve-magnitude");
  g_assert_cmpint (count_ink (surface), >, 1000);

  /* the nearest point to where observation 5 is drawn is observation 5 */
  g_assert_true (pb_light_curve_point (ds, 1, 5, &options, &x, &y, &e));
  k = pb_light_curve_nearest (ds, 1, &options, &layout, pb_plot_area_to_x (&layout.area, x),
                              pb_plot_area_to_y (&layout.area, y), 5);
  g_assert_cmpint (k, ==, 5);
  g_assert_cmpint (pb_light_curve_nearest (ds, 1, &options, &layout, -100, -100, 5), ==, -1);

  /* brighter (larger flux) is higher up on a magnitude axis too */
  {
    gsize first = ds->objects[1].first;
    int bright = 0, faint = 0;
    double xb, yb, xf, yf;

    for (int j = 0; j < ds->objects[1].n_obs; j++)
      {
        if (ds->value[first + j] > ds->value[first + bright])
          bright = j;
        if (ds->value[first + j] < ds->value[first + faint])
          faint = j;
      }
    pb_light_curve_point (ds, 1, bright, &options, &xb, &yb, &e);
    pb_light_curve_point (ds, 1, faint, &options, &xf, &yf, &e);
    g_assert_cmpfloat (pb_plot_area_to_y (&layout.area, yb), <, pb_plot_area_to_y (&layout.area, yf));
  }

  /* zoomed: the visible window is what the options say */
  options.zoomed = TRUE;
  options.view_xmin = 59600;
  options.view_xmax = 59610;
  options.view_ymin = 20;
  options.view_ymax = 22;
  pb_light_curve_draw (cr, W, H, ds, 1, &options, &style, &layout);
  g_assert_cmpfloat (layout.area.xmin, ==, 59600);
  g_assert_cmpfloat (layout.area.ymax, ==, 22);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_light_curve_empty (void)
{
  PbLightCurveOptions options;
  PbLightCurveLayout layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (&cr);

  pb_plot_style_init_dark (&style);
  pb_light_curve_options_init (&options);
  pb_light_curve_draw (cr, W, H, NULL, -1, &options, &style, &layout);
  g_assert_false (layout.has_data);
  /* the dark background is painted and the message is drawn */
  g_assert_cmpint (count_color (surface, "#242426", 2), >, W * H / 2);
  g_assert_cmpint (count_color (surface, "#242426", 2), <, W * H);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_overview_draw (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (40);
  PbOverviewLayout layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (&cr);
  int counts[60], lo, width, n, total = 0;

  n = pb_overview_length_histogram (ds, 60, counts, &lo, &width);
  g_assert_cmpint (lo, ==, 20);
  g_assert_cmpint (n, >, 1);
  for (int b = 0; b < n; b++)
    total += counts[b];
  g_assert_cmpint (total, ==, 40);
  g_assert_cmpint (lo + n * width, >, 20 + 7 * 9);

  pb_plot_style_init_light (&style);
  pb_overview_draw (cr, W, H, ds, 1, &style, &layout);
  maybe_save (surface, "overview");
  g_assert_cmpint (layout.n_classes, ==, 3);
  for (int c = 1; c < 3; c++)
    g_assert_cmpfloat (layout.class_bars[c].y, >=, layout.class_bars[c - 1].y + layout.class_bars[c - 1].height - 0.5);
  g_assert_cmpint (count_ink (surface), >, 2000);
  g_assert_cmpint (count_color (surface, "#3685e3", 30), >, 100);  /* the accent bars */
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_overview_equal_lengths (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (10);
  PbOverviewLayout layout;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (&cr);

  /* every object as long as the first: one bin, with room around it */
  for (gsize i = 0; i < ds->n_objects; i++)
    ds->objects[i].n_obs = ds->objects[0].n_obs;
  pb_plot_style_init_light (&style);
  pb_overview_draw (cr, W, H, ds, -1, &style, &layout);
  g_assert_cmpfloat (layout.histogram.xmin, <, ds->objects[0].n_obs - 1);
  g_assert_cmpfloat (layout.histogram.xmax, >, ds->objects[0].n_obs + 2);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_gallery_draw (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (10);
  gsize objects[] = { 0, 3, 6, 9 };
  const char *captions[] = { "first", NULL, "third", "fourth" };
  PbLightCurveOptions options;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (&cr);
  int ink_quadrants[4] = { 0 };

  g_assert_cmpint (pb_gallery_columns (W), ==, 2);
  pb_plot_style_init_light (&style);
  pb_light_curve_options_init (&options);
  pb_gallery_draw (cr, W, H, ds, objects, 4, captions, &options, 1, &style);

  maybe_save (surface, "gallery");
  /* each of the 2x2 cells has a light curve in it */
  cairo_surface_flush (surface);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        guint32 p = *(guint32 *) (cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface) + 4 * x);
        if ((p & 0xffffff) != 0xffffff)
          ink_quadrants[(y >= H / 2) * 2 + (x >= W / 2)]++;
      }
  for (int q = 0; q < 4; q++)
    g_assert_cmpint (ink_quadrants[q], >, 500);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
test_draw_many_points (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (1);
  PbLightCurveOptions options;
  PbPlotStyle style;
  cairo_t *cr;
  cairo_surface_t *surface = new_surface (&cr);
  gint64 start;
  double ms;
  gsize n = 20000;

  /* one object with 20000 observations: drawing stays linear in the points */
  g_free (ds->time); g_free (ds->value); g_free (ds->error); g_free (ds->band); g_free (ds->detected);
  ds->time = g_new (double, n);
  ds->value = g_new (float, n);
  ds->error = g_new (float, n);
  ds->band = g_new (guint8, n);
  ds->detected = g_new (guint8, n);
  for (gsize i = 0; i < n; i++)
    {
      ds->time[i] = i * 0.1;
      ds->value[i] = sinf (i * 0.01f) * 50;
      ds->error[i] = 3;
      ds->band[i] = i % 6;
      ds->detected[i] = i % 3 != 0;
    }
  ds->n_obs = n;
  ds->objects[0].n_obs = n;
  pb_plot_style_init_light (&style);
  pb_light_curve_options_init (&options);
  /* CPU time, not wall time: the test machine is shared */
  start = thread_cpu_us ();
  pb_light_curve_draw (cr, W, H, ds, 0, &options, &style, NULL);
  ms = (thread_cpu_us () - start) / 1000.0;
  maybe_save (surface, "many-points");
  /* timing is reported, not asserted: speed bars live in benchmarks (meson test --benchmark) */
  g_test_message ("20000 points drawn in %.1f ms", ms);
  cairo_surface_flush (surface);
  g_assert_cmpint (count_ink (surface), >, 1000);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/plot/nice-ticks", test_nice_ticks);
  g_test_add_func ("/app/plot/format-number", test_format_number);
  g_test_add_func ("/app/plot/area", test_plot_area);
  g_test_add_func ("/app/draw/light-curve", test_light_curve_draw);
  g_test_add_func ("/app/draw/light-curve-points", test_light_curve_points);
  g_test_add_func ("/app/draw/light-curve-magnitude", test_light_curve_magnitude_and_nearest);
  g_test_add_func ("/app/draw/light-curve-empty", test_light_curve_empty);
  g_test_add_func ("/app/draw/overview", test_overview_draw);
  g_test_add_func ("/app/draw/overview-equal-lengths", test_overview_equal_lengths);
  g_test_add_func ("/app/draw/gallery", test_gallery_draw);
  g_test_add_func ("/app/draw/many-points", test_draw_many_points);
  return g_test_run ();
}
