/* pb-heatmap-view.c: heat map of a search and its validation curves. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-heatmap-view.h"
#include "pb-plottable.h"

/* ---- drawing ---------------------------------------------------------- */

/* pb_plot_draw_text draws with the current source: labels in the foreground. */
static void
fg_text (cairo_t *cr, const PbPlotStyle *style, const char *text, double x, double y, PbAlign xalign,
         PbAlign yalign, double scale, gboolean bold, PbRect *extent)
{
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, text, x, y, xalign, yalign, scale, bold, extent);
}

char *
pb_format_setting (const char *text)
{
  char *end = NULL;
  double v = text != NULL ? g_ascii_strtod (text, &end) : 0;

  if (text == NULL || end == text || *end != '\0' || v == floor (v))
    return g_strdup (text);
  return g_strdup_printf ("%.3g", v);
}

static void
mix (const GdkRGBA *a, const GdkRGBA *b, double f, GdkRGBA *out)
{
  f = CLAMP (f, 0, 1);
  out->red = a->red + f * (b->red - a->red);
  out->green = a->green + f * (b->green - a->green);
  out->blue = a->blue + f * (b->blue - a->blue);
  out->alpha = 1;
}

static void
score_range (const LcTuneHeatmap *map, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int i = 0; i < map->nx * map->ny; i++)
    if (isfinite (map->score[i]))
      {
        *lo = MIN (*lo, map->score[i]);
        *hi = MAX (*hi, map->score[i]);
      }
}

static double
widest_label (cairo_t *cr, const PbPlotStyle *style, char **labels, int n)
{
  double w = 0, lw, lh;
  for (int i = 0; i < n; i++)
    {
      g_autofree char *label = pb_format_setting (labels[i]);
      pb_plot_measure_text (cr, style, label, 1, FALSE, &lw, &lh);
      w = MAX (w, lw);
    }
  return w;
}

void
pb_heatmap_draw (cairo_t *cr, int width, int height, const LcTuneHeatmap *map, const char *x_title,
                 const char *y_title, const PbPlotStyle *style)
{
  double lo, hi, left, top = 12, bottom, cw, ch, fs = style->font_size;

  pb_plot_fill_background (cr, style, width, height);
  if (map == NULL || map->nx == 0 || map->ny == 0)
    {
      pb_plot_draw_message (cr, style, width, height, _("No trials to map yet"));
      return;
    }
  score_range (map, &lo, &hi);
  left = widest_label (cr, style, map->y_labels, map->ny) + 2.2 * fs + 10;
  bottom = 2.8 * fs + 10;
  cw = (width - left - 12) / map->nx;
  ch = (height - top - bottom) / map->ny;
  if (cw < 4 || ch < 4)
    return;
  for (int y = 0; y < map->ny; y++)
    for (int x = 0; x < map->nx; x++)
      {
        /* row 0 at the bottom, like a plot's y axis */
        double px = left + x * cw, py = top + (map->ny - 1 - y) * ch;
        double s = map->score[y * map->nx + x];
        GdkRGBA c;
        if (isfinite (s))
          mix (&style->background, &style->accent, hi > lo ? 0.15 + 0.85 * (s - lo) / (hi - lo) : 1, &c);
        else
          c = style->grid;
        gdk_cairo_set_source_rgba (cr, &c);
        cairo_rectangle (cr, px + 1, py + 1, cw - 2, ch - 2);
        cairo_fill (cr);
        if (isfinite (s) && cw > 3 * fs)
          {
            g_autofree char *text = g_strdup_printf ("%.3f", s);
            PbPlotStyle on_cell = *style;
            double lum = 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue;
            on_cell.foreground = lum > 0.55 ? (GdkRGBA) { 0, 0, 0, 1 } : (GdkRGBA) { 1, 1, 1, 1 };
            fg_text (cr, &on_cell, text, px + cw / 2, py + ch / 2, PB_ALIGN_CENTER, PB_ALIGN_CENTER,
                               1, FALSE, NULL);
          }
      }
  for (int x = 0; x < map->nx; x++)
    {
      g_autofree char *label = pb_format_setting (map->x_labels[x]);
      fg_text (cr, style, label, left + (x + 0.5) * cw, height - bottom + 6, PB_ALIGN_CENTER, PB_ALIGN_START,
               0.9, FALSE, NULL);
    }
  for (int y = 0; y < map->ny; y++)
    {
      g_autofree char *label = pb_format_setting (map->y_labels[y]);
      fg_text (cr, style, label, left - 6, top + (map->ny - 1 - y + 0.5) * ch, PB_ALIGN_END, PB_ALIGN_CENTER,
               0.9, FALSE, NULL);
    }
  if (x_title != NULL)
    fg_text (cr, style, x_title, left + map->nx * cw / 2, height - 4, PB_ALIGN_CENTER, PB_ALIGN_END,
                       1, TRUE, NULL);
  if (y_title != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, 4, top + map->ny * ch / 2);
      cairo_rotate (cr, -G_PI / 2);
      fg_text (cr, style, y_title, 0, 0, PB_ALIGN_CENTER, PB_ALIGN_START, 1, TRUE, NULL);
      cairo_restore (cr);
    }
}

static void
curve_path (cairo_t *cr, const PbPlotArea *area, const GArray *curve)
{
  gboolean pen = FALSE;
  for (guint e = 0; e < curve->len; e++)
    {
      double v = g_array_index (curve, double, e);
      double px = pb_plot_area_to_x (area, e + 1), py = pb_plot_area_to_y (area, v);
      if (!isfinite (v))
        {
          pen = FALSE;
          continue;
        }
      pb_plot_polyline_to (cr, &pen, px, py);
    }
  if (curve->len == 1 && isfinite (g_array_index (curve, double, 0)))
    {
      cairo_new_sub_path (cr);
      pb_plot_marker_path (cr, pb_plot_area_to_x (area, 1),
                           pb_plot_area_to_y (area, g_array_index (curve, double, 0)), 2.5);
    }
}

void
pb_tune_curves_draw (cairo_t *cr, int width, int height, const LcTuneTable *table, int highlight,
                     const PbPlotStyle *style)
{
  PbPlotArea area = { { 0 }, 0.5, 1.5, 0, 1, FALSE };
  const LcTrial *best = table != NULL ? lc_tune_table_best (table) : NULL;
  double ymax = 0;

  pb_plot_fill_background (cr, style, width, height);
  if (table == NULL || best == NULL)
    {
      pb_plot_draw_message (cr, style, width, height, _("Validation curves appear as trials finish"));
      return;
    }
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      area.xmax = MAX (area.xmax, t->val_curve->len + 0.5);
      for (guint e = 0; e < t->val_curve->len; e++)
        if (isfinite (g_array_index (t->val_curve, double, e)))
          ymax = MAX (ymax, g_array_index (t->val_curve, double, e));
    }
  area.ymax = MIN (1.0, pb_nice_number (MAX (ymax * 1.1, 0.05), FALSE));
  pb_plot_area_layout (&area, cr, style, width, height, TRUE);
  pb_plot_draw_axes (cr, style, &area, _("Epoch"), _("Validation accuracy"));
  cairo_save (cr);
  cairo_rectangle (cr, area.rect.x, area.rect.y, area.rect.width, area.rect.height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      if (t == best || t->index == highlight)
        continue;
      cairo_new_path (cr);
      curve_path (cr, &area, t->val_curve);
      cairo_set_source_rgba (cr, style->foreground.red, style->foreground.green, style->foreground.blue, 0.25);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      if (t->index != highlight || t == best)
        continue;
      cairo_new_path (cr);
      curve_path (cr, &area, t->val_curve);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
  cairo_new_path (cr);
  curve_path (cr, &area, best->val_curve);
  gdk_cairo_set_source_rgba (cr, &style->accent);
  cairo_set_line_width (cr, 3);
  cairo_stroke (cr);
  cairo_restore (cr);
  {
    g_autofree char *label = g_strdup_printf (_("best: trial %d"), lc_trial_number (best));
    PbLegendEntry entry = { label, style->accent, TRUE };
    pb_plot_draw_legend (cr, style, &entry, 1, area.rect.x + area.rect.width - 4, area.rect.y + 4,
                         area.rect.width / 2, NULL);
  }
}

/* ---- the heat map widget ---------------------------------------------- */

struct _PbHeatmapView
{
  GtkWidget parent_instance;
  LcTuneHeatmap *map;
  char *x_path, *y_path;
  char *x_title, *y_title;
};

static void pb_heatmap_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbHeatmapView, pb_heatmap_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_heatmap_view_plottable_init))

static void
heatmap_plottable_draw (PbPlottable *p, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbHeatmapView *self = PB_HEATMAP_VIEW (p);
  pb_heatmap_draw (cr, width, height, self->map, pb_heatmap_view_get_title (self, TRUE),
                   pb_heatmap_view_get_title (self, FALSE), style);
}

static char *
heatmap_export_name (PbPlottable *p)
{
  return g_strdup ("tune-heatmap");
}

static void
pb_heatmap_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = heatmap_plottable_draw;
  iface->export_name = heatmap_export_name;
}

static void
pb_heatmap_view_finalize (GObject *object)
{
  PbHeatmapView *self = PB_HEATMAP_VIEW (object);
  g_clear_pointer (&self->map, lc_tune_heatmap_free);
  g_free (self->x_path);
  g_free (self->y_path);
  g_free (self->x_title);
  g_free (self->y_title);
  G_OBJECT_CLASS (pb_heatmap_view_parent_class)->finalize (object);
}

static void
pb_heatmap_view_class_init (PbHeatmapViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pb_heatmap_view_finalize;
  pb_view_class_setup (widget_class, pb_plottable_snapshot, NULL, "heatmap");
}

static void
pb_heatmap_view_init (PbHeatmapView *self)
{
  gtk_widget_set_size_request (GTK_WIDGET (self), 240, 200);
}

GtkWidget *
pb_heatmap_view_new (void)
{
  return g_object_new (PB_TYPE_HEATMAP_VIEW, NULL);
}

void
pb_heatmap_view_set_table (PbHeatmapView *self, const LcTuneTable *table, const char *x_path,
                           const char *y_path, const char *x_title, const char *y_title)
{
  g_autofree char *description = NULL;
  g_clear_pointer (&self->map, lc_tune_heatmap_free);
  g_free (self->x_path);
  g_free (self->y_path);
  g_free (self->x_title);
  g_free (self->y_title);
  self->x_path = g_strdup (x_path);
  self->y_path = g_strdup (y_path);
  self->x_title = g_strdup (x_title);
  self->y_title = g_strdup (y_title);
  if (table != NULL && x_path != NULL && y_path != NULL)
    self->map = lc_tune_heatmap_new (table, x_path, y_path, 6);
  description = g_strdup_printf (_("Best validation accuracy over %s and %s"),
                                 pb_heatmap_view_get_title (self, TRUE) ? pb_heatmap_view_get_title (self, TRUE) : "—",
                                 pb_heatmap_view_get_title (self, FALSE) ? pb_heatmap_view_get_title (self, FALSE) : "—");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), description);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const LcTuneHeatmap *
pb_heatmap_view_get_map (PbHeatmapView *self)
{
  return self->map;
}

const char *
pb_heatmap_view_get_title (PbHeatmapView *self, gboolean x_axis)
{
  if (x_axis)
    return self->x_title != NULL ? self->x_title : self->x_path;
  return self->y_title != NULL ? self->y_title : self->y_path;
}

char *
pb_heatmap_view_dup_label (PbHeatmapView *self, gboolean x_axis, int i)
{
  if (self->map == NULL || i < 0 || i >= (x_axis ? self->map->nx : self->map->ny))
    return NULL;
  return pb_format_setting (x_axis ? self->map->x_labels[i] : self->map->y_labels[i]);
}

/* ---- the curves widget ------------------------------------------------ */

struct _PbTuneCurvesView
{
  GtkWidget parent_instance;
  const LcTuneTable *table;
  int highlight;
};

static void pb_tune_curves_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbTuneCurvesView, pb_tune_curves_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_tune_curves_view_plottable_init))

static void
curves_plottable_draw (PbPlottable *p, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbTuneCurvesView *self = PB_TUNE_CURVES_VIEW (p);
  pb_tune_curves_draw (cr, width, height, self->table, self->highlight, style);
}

static char *
curves_export_name (PbPlottable *p)
{
  return g_strdup ("tune-curves");
}

static void
pb_tune_curves_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = curves_plottable_draw;
  iface->export_name = curves_export_name;
}

static void
pb_tune_curves_view_class_init (PbTuneCurvesViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  pb_view_class_setup (widget_class, pb_plottable_snapshot, NULL, "tunecurves");
}

static void
pb_tune_curves_view_init (PbTuneCurvesView *self)
{
  self->highlight = -1;
  gtk_widget_set_size_request (GTK_WIDGET (self), 240, 200);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Validation accuracy per epoch of every trial"), -1);
}

GtkWidget *
pb_tune_curves_view_new (void)
{
  return g_object_new (PB_TYPE_TUNE_CURVES_VIEW, NULL);
}

void
pb_tune_curves_view_set_table (PbTuneCurvesView *self, const LcTuneTable *table, int highlight)
{
  self->table = table;
  self->highlight = highlight;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
