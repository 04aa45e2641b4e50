/* pb-plot.c: shared axes, ticks, legends and colours for all views */
#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "pb-plot.h"

#define PB_TICK_LENGTH 4.0
#define PB_PAD 6.0

static void
set_rgba (GdkRGBA *c, double r, double g, double b, double a)
{
  c->red = r;
  c->green = g;
  c->blue = b;
  c->alpha = a;
}

void
pb_plot_style_init_light (PbPlotStyle *style)
{
  set_rgba (&style->foreground, 0.15, 0.15, 0.17, 1.0);
  set_rgba (&style->background, 1.0, 1.0, 1.0, 1.0);
  set_rgba (&style->grid, 0.15, 0.15, 0.17, 0.12);
  set_rgba (&style->accent, 0.21, 0.52, 0.89, 1.0);
  style->font_size = 12.0;
  style->dark = FALSE;
}

void
pb_plot_style_init_dark (PbPlotStyle *style)
{
  set_rgba (&style->foreground, 0.93, 0.93, 0.93, 1.0);
  set_rgba (&style->background, 0.14, 0.14, 0.15, 1.0);
  set_rgba (&style->grid, 0.93, 0.93, 0.93, 0.14);
  set_rgba (&style->accent, 0.47, 0.68, 0.93, 1.0);
  style->font_size = 12.0;
  style->dark = TRUE;
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

#define PB_PLOT_THEME_KEY "pb-plot-theme"

PbPlotTheme
pb_plot_theme_from_string (const char *nick)
{
  if (g_strcmp0 (nick, "light") == 0)
    return PB_PLOT_THEME_LIGHT;
  if (g_strcmp0 (nick, "dark") == 0)
    return PB_PLOT_THEME_DARK;
  return PB_PLOT_THEME_SYSTEM;
}

PbPlotTheme
pb_plot_get_theme (GtkWidget *root)
{
  g_return_val_if_fail (GTK_IS_WIDGET (root), PB_PLOT_THEME_SYSTEM);
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (root), PB_PLOT_THEME_KEY));
}

static void
queue_draw_tree (GtkWidget *widget)
{
  gtk_widget_queue_draw (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    queue_draw_tree (child);
}

void
pb_plot_set_theme (GtkWidget *root, PbPlotTheme theme)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  if (pb_plot_get_theme (root) == theme)
    return;
  g_object_set_data (G_OBJECT (root), PB_PLOT_THEME_KEY, GINT_TO_POINTER (theme));
  /* the views' CSS does not change, so GTK would not redraw them by itself */
  queue_draw_tree (root);
}

/* The font size the widget's text has, in pixels, a little smaller for plots. */
static double
plot_font_size (GtkWidget *widget)
{
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango != NULL ? pango_context_get_font_description (pango) : NULL;
  double size;

  if (font == NULL || pango_font_description_get_size (font) <= 0)
    return 12.0;
  size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  /* points to pixels at 96 dpi unless the size is already absolute */
  if (!pango_font_description_get_size_is_absolute (font))
    size *= 96.0 / 72.0;
  return CLAMP (size * 0.9, 8.0, 24.0);
}

static void
style_from_theme_colors (PbPlotStyle *style, GtkWidget *widget)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA fg, color;

  gtk_style_context_get_color (context, &fg);
  /* a light text colour means a dark theme */
  if (luminance (&fg) > 0.5)
    pb_plot_style_init_dark (style);
  else
    pb_plot_style_init_light (style);
  style->foreground = fg;
  style->grid = fg;
  style->grid.alpha = 0.13;
  if (gtk_style_context_lookup_color (context, "theme_base_color", &color)
      || gtk_style_context_lookup_color (context, "view_bg_color", &color))
    style->background = color;
  if (gtk_style_context_lookup_color (context, "accent_color", &color)
      || gtk_style_context_lookup_color (context, "theme_selected_bg_color", &color))
    style->accent = color;
}

void
pb_plot_style_from_widget (PbPlotStyle *style, GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  switch (root != NULL ? pb_plot_get_theme (GTK_WIDGET (root)) : PB_PLOT_THEME_SYSTEM)
    {
    case PB_PLOT_THEME_LIGHT:
      pb_plot_style_init_light (style);
      break;
    case PB_PLOT_THEME_DARK:
      pb_plot_style_init_dark (style);
      break;
    case PB_PLOT_THEME_SYSTEM:
    default:
      style_from_theme_colors (style, widget);
      break;
    }
  style->font_size = plot_font_size (widget);
}

void
pb_plot_style_band_color (const PbPlotStyle *style, const char *hex, GdkRGBA *out)
{
  if (hex == NULL || !gdk_rgba_parse (out, hex))
    *out = style->foreground;
  /* dark band colours (u violet, y grey) vanish on a dark background: mix towards white */
  if (style->dark && luminance (out) < 0.35)
    {
      out->red = 0.45 * out->red + 0.55;
      out->green = 0.45 * out->green + 0.55;
      out->blue = 0.45 * out->blue + 0.55;
    }
}

/* ---- numbers ---------------------------------------------------------- */

double
pb_nice_number (double x, gboolean round)
{
  double exponent, fraction, nice;

  if (!(x > 0) || !isfinite (x))
    return 1.0;
  exponent = floor (log10 (x));
  fraction = x / pow (10.0, exponent);
  if (round)
    nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10;
  else
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * pow (10.0, exponent);
}

static int
decimals_for_step (double step)
{
  int decimals = 0;

  /* enough digits that step is written exactly (2.5 needs one more than 2) */
  while (decimals < 10 && fabs (step * pow (10.0, decimals) - nearbyint (step * pow (10.0, decimals)))
         > 1e-6 * step * pow (10.0, decimals))
    decimals++;
  return decimals;
}

void
pb_nice_ticks (double lo, double hi, int max_ticks, PbTicks *ticks)
{
  double step, first;

  ticks->n = 0;
  ticks->step = 1;
  ticks->decimals = 0;
  if (!isfinite (lo) || !isfinite (hi))
    return;
  if (lo > hi)
    {
      double tmp = lo;
      lo = hi;
      hi = tmp;
    }
  max_ticks = CLAMP (max_ticks, 2, PB_PLOT_MAX_TICKS);
  if (hi - lo < 1e-12 * MAX (1.0, fabs (lo)))
    {
      ticks->n = 1;
      ticks->values[0] = lo;
      ticks->decimals = fabs (lo) < 10 ? 2 : 0;
      return;
    }
  step = pb_nice_number ((hi - lo) / (max_ticks - 1), FALSE);
  first = ceil (lo / step - 1e-9) * step;
  /* the nice step can still give one tick too many; widen it until they fit */
  while ((int) floor ((hi - first) / step + 1e-9) + 1 > max_ticks)
    {
      step = pb_nice_number (step * 1.01, FALSE);
      first = ceil (lo / step - 1e-9) * step;
    }
  ticks->step = step;
  for (double v = first; v <= hi + 1e-9 * step && ticks->n < PB_PLOT_MAX_TICKS; v = first + ticks->n * step)
    ticks->values[ticks->n++] = fabs (v) < 1e-9 * step ? 0.0 : v;
  ticks->decimals = step >= 1 && step == floor (step) ? 0 : decimals_for_step (step);
}

char *
pb_format_number (double value, int decimals)
{
  double magnitude = fabs (value);

  if (isnan (value))
    return g_strdup ("–");
  if (isinf (value))
    return g_strdup (value > 0 ? "∞" : "−∞");
  if (magnitude != 0 && (magnitude >= 1e7 || magnitude < 1e-4))
    return g_strdup_printf ("%.*e", MIN (MAX (decimals, 1), 3), value);
  decimals = CLAMP (decimals, 0, 8);
  /* rounding a tiny negative to zero decimals must not print "-0" */
  if (nearbyint (value * pow (10.0, decimals)) == 0)
    value = 0.0;
  return g_strdup_printf ("%.*f", decimals, value);
}

/* ---- geometry --------------------------------------------------------- */

gboolean
pb_rect_contains (const PbRect *rect, double x, double y)
{
  return x >= rect->x && x <= rect->x + rect->width && y >= rect->y && y <= rect->y + rect->height;
}

static double
span (double a, double b)
{
  double d = b - a;
  return fabs (d) < 1e-300 ? 1.0 : d;
}

double
pb_plot_area_to_x (const PbPlotArea *area, double x)
{
  return area->rect.x + (x - area->xmin) / span (area->xmin, area->xmax) * area->rect.width;
}

double
pb_plot_area_to_y (const PbPlotArea *area, double y)
{
  double f = (y - area->ymin) / span (area->ymin, area->ymax);

  return area->y_inverted ? area->rect.y + f * area->rect.height
                          : area->rect.y + (1.0 - f) * area->rect.height;
}

double
pb_plot_area_from_x (const PbPlotArea *area, double px)
{
  return area->xmin + (px - area->rect.x) / MAX (area->rect.width, 1e-9) * (area->xmax - area->xmin);
}

double
pb_plot_area_from_y (const PbPlotArea *area, double py)
{
  double f = (py - area->rect.y) / MAX (area->rect.height, 1e-9);

  if (!area->y_inverted)
    f = 1.0 - f;
  return area->ymin + f * (area->ymax - area->ymin);
}

/* ---- text ------------------------------------------------------------- */

static PangoLayout *
make_layout (cairo_t *cr, const PbPlotStyle *style, const char *text, double scale, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, style->font_size * scale * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

void
pb_plot_measure_text (cairo_t *cr, const PbPlotStyle *style, const char *text,
                      double scale, gboolean bold, double *width, double *height)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, style, text, scale, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
}

static double
aligned (double anchor, double size, PbAlign align)
{
  switch (align)
    {
    case PB_ALIGN_CENTER: return anchor - size / 2;
    case PB_ALIGN_END: return anchor - size;
    case PB_ALIGN_START:
    default: return anchor;
    }
}

void
pb_plot_draw_text (cairo_t *cr, const PbPlotStyle *style, const char *text,
                   double x, double y, PbAlign xalign, PbAlign yalign,
                   double scale, gboolean bold, PbRect *extent)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, style, text, scale, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  x = aligned (x, w, xalign);
  y = aligned (y, h, yalign);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
  if (extent != NULL)
    *extent = (PbRect) { x, y, w, h };
}

void
pb_plot_fill_background (cairo_t *cr, const PbPlotStyle *style, double width, double height)
{
  if (style->background.alpha <= 0)
    return;
  gdk_cairo_set_source_rgba (cr, &style->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

void
pb_plot_draw_message (cairo_t *cr, const PbPlotStyle *style, double width, double height,
                      const char *message)
{
  GdkRGBA dim = style->foreground;
  double scale = 1.25, text_w = 0;

  /* a narrow view (a small window) gets smaller words, not cut ones */
  pb_plot_measure_text (cr, style, message, scale, FALSE, &text_w, NULL);
  if (text_w > width - 16 && text_w > 0)
    scale = MAX (0.8, scale * (width - 16) / text_w);
  dim.alpha *= 0.55;
  gdk_cairo_set_source_rgba (cr, &dim);
  pb_plot_draw_text (cr, style, message, width / 2, height / 2, PB_ALIGN_CENTER, PB_ALIGN_CENTER,
                     scale, FALSE, NULL);
}

/* ---- axes ------------------------------------------------------------- */

static int
max_ticks_for (double length, double label_size)
{
  return CLAMP ((int) (length / MAX (label_size, 1.0)), 2, 10);
}

void
pb_plot_area_layout (PbPlotArea *area, cairo_t *cr, const PbPlotStyle *style,
                     double width, double height, gboolean with_titles)
{
  PbTicks ticks;
  double label_w = 0, text_h, w;
  double left, bottom;

  pb_plot_measure_text (cr, style, "0", 1.0, FALSE, NULL, &text_h);
  pb_nice_ticks (area->ymin, area->ymax, max_ticks_for (height, text_h * 2.5), &ticks);
  for (int i = 0; i < ticks.n; i++)
    {
      g_autofree char *label = pb_format_number (ticks.values[i], ticks.decimals);
      pb_plot_measure_text (cr, style, label, 1.0, FALSE, &w, NULL);
      label_w = MAX (label_w, w);
    }
  left = PB_PAD + label_w + PB_TICK_LENGTH + 3 + (with_titles ? text_h + 4 : 0);
  bottom = PB_PAD + text_h + PB_TICK_LENGTH + 2 + (with_titles ? text_h + 4 : 0);
  area->rect.x = left;
  area->rect.y = PB_PAD + text_h / 2;
  area->rect.width = MAX (width - left - PB_PAD - 6, 10);
  area->rect.height = MAX (height - area->rect.y - bottom, 10);
}

void
pb_plot_draw_axes (cairo_t *cr, const PbPlotStyle *style, const PbPlotArea *area,
                   const char *x_title, const char *y_title)
{
  const PbRect *r = &area->rect;
  PbTicks xt, yt;
  double text_h, label_w = 0;

  pb_plot_measure_text (cr, style, "0", 1.0, FALSE, NULL, &text_h);
  pb_nice_ticks (area->xmin, area->xmax, max_ticks_for (r->width, text_h * 6), &xt);
  pb_nice_ticks (area->ymin, area->ymax, max_ticks_for (r->height, text_h * 2.5), &yt);

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);

  /* grid first so data and frame sit on top of it */
  gdk_cairo_set_source_rgba (cr, &style->grid);
  for (int i = 0; i < xt.n; i++)
    {
      double x = round (pb_plot_area_to_x (area, xt.values[i])) + 0.5;
      cairo_move_to (cr, x, r->y);
      cairo_line_to (cr, x, r->y + r->height);
    }
  for (int i = 0; i < yt.n; i++)
    {
      double y = round (pb_plot_area_to_y (area, yt.values[i])) + 0.5;
      cairo_move_to (cr, r->x, y);
      cairo_line_to (cr, r->x + r->width, y);
    }
  cairo_stroke (cr);

  gdk_cairo_set_source_rgba (cr, &style->foreground);
  cairo_rectangle (cr, round (r->x) + 0.5, round (r->y) + 0.5, round (r->width), round (r->height));
  cairo_stroke (cr);

  for (int i = 0; i < xt.n; i++)
    {
      g_autofree char *label = pb_format_number (xt.values[i], xt.decimals);
      double x = round (pb_plot_area_to_x (area, xt.values[i])) + 0.5;
      double y = r->y + r->height;

      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x, y + PB_TICK_LENGTH);
      cairo_stroke (cr);
      pb_plot_draw_text (cr, style, label, x, y + PB_TICK_LENGTH + 2,
                         PB_ALIGN_CENTER, PB_ALIGN_START, 1.0, FALSE, NULL);
    }
  for (int i = 0; i < yt.n; i++)
    {
      g_autofree char *label = pb_format_number (yt.values[i], yt.decimals);
      double y = round (pb_plot_area_to_y (area, yt.values[i])) + 0.5;
      PbRect extent;

      cairo_move_to (cr, r->x - PB_TICK_LENGTH, y);
      cairo_line_to (cr, r->x, y);
      cairo_stroke (cr);
      pb_plot_draw_text (cr, style, label, r->x - PB_TICK_LENGTH - 3, y,
                         PB_ALIGN_END, PB_ALIGN_CENTER, 1.0, FALSE, &extent);
      label_w = MAX (label_w, extent.width);
    }

  if (x_title != NULL)
    pb_plot_draw_text (cr, style, x_title, r->x + r->width / 2,
                       r->y + r->height + PB_TICK_LENGTH + 2 + text_h + 2,
                       PB_ALIGN_CENTER, PB_ALIGN_START, 1.0, TRUE, NULL);
  if (y_title != NULL)
    {
      g_autoptr(PangoLayout) layout = make_layout (cr, style, y_title, 1.0, TRUE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_save (cr);
      cairo_translate (cr, MAX (r->x - PB_TICK_LENGTH - 3 - label_w - 4 - h, 0), r->y + r->height / 2 + w / 2.0);
      cairo_rotate (cr, -G_PI / 2);
      cairo_move_to (cr, 0, 0);
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

/* ---- marks ------------------------------------------------------------ */

void
pb_plot_marker_path (cairo_t *cr, double x, double y, double radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
}

void
pb_plot_error_bar_path (cairo_t *cr, double x, double y_low, double y_high, double cap)
{
  cairo_move_to (cr, x, y_low);
  cairo_line_to (cr, x, y_high);
  if (cap > 0 && fabs (y_high - y_low) > 2 * cap)
    {
      cairo_move_to (cr, x - cap, y_low);
      cairo_line_to (cr, x + cap, y_low);
      cairo_move_to (cr, x - cap, y_high);
      cairo_line_to (cr, x + cap, y_high);
    }
}

void
pb_plot_polyline_to (cairo_t *cr, gboolean *pen, double x, double y)
{
  if (*pen)
    cairo_line_to (cr, x, y);
  else
    cairo_move_to (cr, x, y);
  *pen = TRUE;
}

void
pb_plot_draw_legend (cairo_t *cr, const PbPlotStyle *style, const PbLegendEntry *entries,
                     int n, double right, double top, double max_width, PbRect *boxes)
{
  double text_h, swatch, gap = 10, row_w = 0, x, y;
  int row_start = 0;

  if (n <= 0)
    return;
  pb_plot_measure_text (cr, style, "Mg", 1.0, FALSE, NULL, &text_h);
  swatch = text_h * 0.6;

  /* lay entries out right-aligned in rows, then draw */
  y = top;
  for (int i = 0; i <= n; i++)
    {
      double w = 0;

      if (i < n)
        {
          pb_plot_measure_text (cr, style, entries[i].label, 1.0, FALSE, &w, NULL);
          w += swatch + 4;
        }
      if (i == n || (i > row_start && row_w + gap + w > max_width))
        {
          x = right - row_w;
          for (int j = row_start; j < i; j++)
            {
              double tw;
              GdkRGBA color = entries[j].color;
              GdkRGBA text = style->foreground;

              pb_plot_measure_text (cr, style, entries[j].label, 1.0, FALSE, &tw, NULL);
              if (!entries[j].active)
                {
                  color.alpha *= 0.3;
                  text.alpha *= 0.4;
                }
              gdk_cairo_set_source_rgba (cr, &color);
              pb_plot_marker_path (cr, x + swatch / 2, y + text_h / 2, swatch / 2);
              cairo_fill (cr);
              gdk_cairo_set_source_rgba (cr, &text);
              pb_plot_draw_text (cr, style, entries[j].label, x + swatch + 4, y,
                                 PB_ALIGN_START, PB_ALIGN_START, 1.0, FALSE, NULL);
              if (!entries[j].active)
                {
                  cairo_set_line_width (cr, 1);
                  cairo_move_to (cr, x + swatch + 3, y + text_h / 2 + 0.5);
                  cairo_line_to (cr, x + swatch + 5 + tw, y + text_h / 2 + 0.5);
                  cairo_stroke (cr);
                }
              if (boxes != NULL)
                boxes[j] = (PbRect) { x - 2, y - 1, swatch + 4 + tw + 4, text_h + 2 };
              x += swatch + 4 + tw + gap;
            }
          y += text_h + 2;
          row_start = i;
          row_w = w;
        }
      else
        row_w += (i > row_start ? gap : 0) + w;
    }
}
