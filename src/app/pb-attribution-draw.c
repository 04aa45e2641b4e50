/* pb-attribution-draw.c: the attribution colour scale, its legend and the strip */
#include "config.h"

#include <math.h>

#include "pb-attribution-draw.h"

/* ColorBrewer RdBu ends: readable on light and dark backgrounds alike. */
static const GdkRGBA positive_end = { 0.80, 0.19, 0.17, 1.0 };
static const GdkRGBA negative_end = { 0.16, 0.42, 0.76, 1.0 };

static void
mix (const GdkRGBA *a, const GdkRGBA *b, double t, GdkRGBA *out)
{
  out->red = a->red + (b->red - a->red) * t;
  out->green = a->green + (b->green - a->green) * t;
  out->blue = a->blue + (b->blue - a->blue) * t;
  out->alpha = a->alpha + (b->alpha - a->alpha) * t;
}

void
pb_attribution_color (const PbPlotStyle *style, double value, double scale, GdkRGBA *out)
{
  GdkRGBA neutral;
  double t = scale > 0.0 && isfinite (value) ? CLAMP (fabs (value) / scale, 0.0, 1.0) : 0.0;

  /* neutral is a grey a little off the background, so a zero still shows */
  mix (&style->background, &style->foreground, 0.3, &neutral);
  neutral.alpha = 1.0;
  /* a square root keeps the middle of the scale from looking like zero */
  mix (&neutral, value < 0 ? &negative_end : &positive_end, sqrt (t), out);
}

double
pb_attribution_scale (const double *values, int n)
{
  double scale = 0.0;

  for (int i = 0; i < n; i++)
    if (isfinite (values[i]))
      scale = MAX (scale, fabs (values[i]));
  return scale;
}

void
pb_attribution_draw_color_bar (cairo_t *cr, const PbPlotStyle *style, double scale, const char *title,
                               double right, double top, PbRect *extent)
{
  const double bar_w = 84, bar_h = 8, steps = 28;
  g_autofree char *lo = pb_format_number (-scale, scale >= 0.01 ? 2 : 3);
  g_autofree char *hi = pb_format_number (scale, scale >= 0.01 ? 2 : 3);
  g_autofree char *hi_text = g_strconcat ("+", hi, NULL);
  double lo_w, hi_w, text_h, title_w, x0, bar_y;

  pb_plot_measure_text (cr, style, lo, 0.8, FALSE, &lo_w, &text_h);
  pb_plot_measure_text (cr, style, hi_text, 0.8, FALSE, &hi_w, NULL);
  pb_plot_measure_text (cr, style, title, 0.8, FALSE, &title_w, NULL);
  x0 = right - hi_w - 4 - bar_w;
  bar_y = top + text_h + 3;

  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, title, right, top, PB_ALIGN_END, PB_ALIGN_START, 0.8, FALSE, NULL);
  for (int i = 0; i < steps; i++)
    {
      GdkRGBA c;

      pb_attribution_color (style, (2.0 * (i + 0.5) / steps - 1.0) * scale, scale, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, x0 + bar_w * i / steps, bar_y, bar_w / steps + 0.5, bar_h);
      cairo_fill (cr);
    }
  gdk_cairo_set_source_rgba (cr, &style->grid);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x0 + 0.5, bar_y + 0.5, bar_w - 1, bar_h - 1);
  cairo_stroke (cr);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, lo, x0 - 4, bar_y + bar_h / 2, PB_ALIGN_END, PB_ALIGN_CENTER, 0.8, FALSE, NULL);
  pb_plot_draw_text (cr, style, hi_text, right, bar_y + bar_h / 2, PB_ALIGN_END, PB_ALIGN_CENTER, 0.8, FALSE,
                     NULL);
  if (extent != NULL)
    {
      double left = MIN (x0 - 4 - lo_w, right - title_w);
      *extent = (PbRect) { left, top, right - left, bar_y + bar_h - top };
    }
}

void
pb_attribution_draw_strip (cairo_t *cr, const PbPlotStyle *style, const PbRect *rect,
                           const double *x_positions, const double *mass, const double *net, int n,
                           double scale)
{
  double base = rect->y + rect->height;

  cairo_save (cr);
  /* a faint band, so the strip reads as one even where nothing weighs */
  {
    GdkRGBA band = style->grid;

    band.alpha *= 0.35;
    gdk_cairo_set_source_rgba (cr, &band);
    cairo_rectangle (cr, rect->x, rect->y, rect->width, rect->height);
    cairo_fill (cr);
  }
  gdk_cairo_set_source_rgba (cr, &style->grid);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, rect->x, base - 0.5);
  cairo_line_to (cr, rect->x + rect->width, base - 0.5);
  cairo_stroke (cr);
  for (int i = 0; i < n; i++)
    {
      double x = x_positions[i], h;
      GdkRGBA c;

      if (!isfinite (mass[i]) || !isfinite (x) || x < rect->x || x > rect->x + rect->width)
        continue;
      /* a square root, as the markers' sizes: one dominant step must not hide the rest */
      h = scale > 0.0 ? sqrt (CLAMP (mass[i] / scale, 0.0, 1.0)) * (rect->height - 1) : 0.0;
      if (h < 0.5)
        continue;
      pb_attribution_color (style, net[i], mass[i], &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, x - 1.0, base - 1 - h, 2.0, h);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}
