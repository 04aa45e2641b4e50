/* test-reliability.c: the reliability diagram without a display: bars as
 * tall as each bin's accuracy, in the theme's accent, a message without a
 * report, and the words of a bin's tooltip. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pb-reliability-view.h"

/* Two bins used: top probability 0.95 always right (bin 14), 0.55 right one
 * time in two (bin 8). */
static NnClassReport *
make_report (void)
{
  static const float probs[] = { 0.95f, 0.05f, 0.95f, 0.05f, 0.55f, 0.45f, 0.55f, 0.45f };
  static const int labels[] = { 0, 0, 0, 1 };
  return nn_class_report_new (probs, labels, 4, 2, NULL);
}

/* Whether the pixel at (x, y) has the accent colour's hue (more red than
 * green and blue: the light style's accent is blue, so compare channels). */
static gboolean
is_accent (cairo_surface_t *surface, const PbPlotStyle *style, int x, int y)
{
  const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface)
                                          + y * cairo_image_surface_get_stride (surface));
  guint32 px = row[x];
  double r = ((px >> 16) & 0xff) / 255.0, g = ((px >> 8) & 0xff) / 255.0, b = (px & 0xff) / 255.0;
  /* the bars blend the accent over the background: the accent's dominant channel stays dominant */
  return (style->accent.blue > style->accent.red ? b - r : r - b) > 0.15 && fabs (g - r) + fabs (g - b) > 0.05;
}

static void
test_bars (void)
{
  g_autoptr (NnClassReport) report = make_report ();
  PbPlotStyle style;
  PbPlotArea area;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create (surface);
  double x14, x8, x3, y_full, y_half, y_low;

  pb_plot_style_init_light (&style);
  pb_reliability_draw (cr, 400, 300, report, 1.5, &style, &area);
  cairo_surface_flush (surface);
  g_assert_cmpfloat (area.rect.width, >, 100);
  /* the middle of bins 14 and 8, and of the empty bin 3 */
  x14 = pb_plot_area_to_x (&area, 14.5 / 15);
  x8 = pb_plot_area_to_x (&area, 8.5 / 15);
  x3 = pb_plot_area_to_x (&area, 3.5 / 15);
  y_full = pb_plot_area_to_y (&area, 0.9);   /* below the top of a bar of accuracy 1 */
  y_half = pb_plot_area_to_y (&area, 0.4);   /* inside a bar of 0.5 */
  y_low = pb_plot_area_to_y (&area, 0.6);    /* above a bar of 0.5 */
  g_assert_true (is_accent (surface, &style, (int) x14, (int) y_full));
  g_assert_true (is_accent (surface, &style, (int) x8, (int) y_half));
  g_assert_false (is_accent (surface, &style, (int) x8, (int) y_low));
  g_assert_false (is_accent (surface, &style, (int) x3, (int) y_half));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_message_without_report (void)
{
  PbPlotStyle style;
  PbPlotArea area = { { 0 }, 0, 0, 0, 0, FALSE };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 100);
  cairo_t *cr = cairo_create (surface);

  pb_plot_style_init_dark (&style);
  pb_reliability_draw (cr, 200, 100, NULL, 1.0, &style, &area);
  /* nothing plotted, so no area */
  g_assert_cmpfloat (area.rect.width, ==, 0);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_describe_bin (void)
{
  g_autoptr (NnClassReport) report = make_report ();
  g_autofree char *full = pb_reliability_describe_bin (report, 14);
  g_autofree char *half = pb_reliability_describe_bin (report, 8);

  g_assert_nonnull (strstr (full, "2 objects"));
  g_assert_nonnull (strstr (full, "accuracy 1.000"));
  g_assert_nonnull (strstr (full, "0.950"));
  g_assert_nonnull (strstr (half, "accuracy 0.500"));
  g_assert_null (pb_reliability_describe_bin (report, 3));
  g_assert_null (pb_reliability_describe_bin (report, 15));
  g_assert_null (pb_reliability_describe_bin (NULL, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reliability/bars", test_bars);
  g_test_add_func ("/reliability/message", test_message_without_report);
  g_test_add_func ("/reliability/describe-bin", test_describe_bin);
  return g_test_run ();
}
