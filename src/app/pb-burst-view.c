/* pb-burst-view.c: aligned, normalised bursts per passband */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-burst-view.h"
#include "pb-plottable.h"

#define Y_MIN -0.25
#define Y_MAX 1.25

struct _PbBurstView
{
  GtkWidget parent_instance;

  LcDataset *ds;
  int class_index;           /* class mode: the class shown; object mode: the true class */
  int predicted_class;       /* object mode only, else -1 */
  gssize object;             /* -1: class mode */
  LcBurstTypical *typical[2];
  double t_min, t_max;
};

static void pb_burst_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbBurstView, pb_burst_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_burst_view_plottable_init))

static const char *
class_name (const LcDataset *ds, int c)
{
  return c >= 0 && c < ds->n_classes ? ds->classes[c].name : "?";
}

static char *
format_days (double value)
{
  return isfinite (value) ? g_strdup_printf ("%.1f", value) : g_strdup ("–");
}

static char *
shape_text (const LcBurstShape *s)
{
  g_autofree char *rise = format_days (s->rise_time);
  g_autofree char *decline = format_days (s->decline_time);
  g_autofree char *fwhm = format_days (s->fwhm);

  return g_strdup_printf (_("rise %s · decline %s · FWHM %s"), rise, decline, fwhm);
}

/* ---- drawing ---------------------------------------------------------- */

static void
draw_polyline (cairo_t *cr, const PbPlotArea *area, const double *t, const float *v, int n)
{
  gboolean started = FALSE;

  for (int i = 0; i < n; i++)
    {
      double x, y;

      if (!isfinite (v[i]) || t[i] < area->xmin || t[i] > area->xmax)
        {
          started = FALSE;
          continue;
        }
      x = pb_plot_area_to_x (area, t[i]);
      y = pb_plot_area_to_y (area, CLAMP (v[i], Y_MIN, Y_MAX));
      pb_plot_polyline_to (cr, &started, x, y);
    }
  cairo_stroke (cr);
}

static void
draw_typical (cairo_t *cr, const PbPlotArea *area, const LcBurstTypical *typ, int band, const GdkRGBA *rgba,
              gboolean dashed)
{
  static const double dash[] = { 7, 4 };
  g_autofree double *t = g_new (double, typ->n_bins);

  for (int i = 0; i < typ->n_bins; i++)
    t[i] = lc_burst_typical_bin_time (typ, i);
  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_set_line_width (cr, 3.0);
  /* round joins: noisy medians make spikes with mitred corners */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
  draw_polyline (cr, area, t, typ->median + (gsize) band * typ->n_bins, typ->n_bins);
  cairo_restore (cr);
}

/* Faint aligned curves of (at most PB_BURST_MAX_CURVES) objects of the class. */
static void
draw_class_members (PbBurstView *self, cairo_t *cr, const PbPlotArea *area, int band, const GdkRGBA *rgba)
{
  const LcDataset *ds = self->ds;
  g_autofree double *t = NULL;
  g_autofree float *v = NULL;
  int max_obs = 1, shown = 0;
  GdkRGBA faint = *rgba;

  for (gsize i = 0; i < ds->n_objects; i++)
    max_obs = MAX (max_obs, ds->objects[i].n_obs);
  t = g_new (double, max_obs);
  v = g_new (float, max_obs);
  faint.alpha = 0.18;
  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, &faint);
  cairo_set_line_width (cr, 1.0);
  for (gsize i = 0; i < ds->n_objects && shown < PB_BURST_MAX_CURVES; i++)
    {
      int n;

      if (ds->objects[i].label != self->class_index)
        continue;
      n = lc_burst_align (ds, i, band, t, v);
      draw_polyline (cr, area, t, v, n);
      shown++;
    }
  cairo_restore (cr);
}

static void
draw_object (PbBurstView *self, cairo_t *cr, const PbPlotArea *area, int band, const GdkRGBA *rgba)
{
  int n_obs = self->ds->objects[self->object].n_obs;
  g_autofree double *t = g_new (double, MAX (n_obs, 1));
  g_autofree float *v = g_new (float, MAX (n_obs, 1));
  int n = lc_burst_align (self->ds, self->object, band, t, v);

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_set_line_width (cr, 1.0);
  draw_polyline (cr, area, t, v, n);
  for (int i = 0; i < n; i++)
    if (isfinite (v[i]) && t[i] >= area->xmin && t[i] <= area->xmax)
      {
        pb_plot_marker_path (cr, pb_plot_area_to_x (area, t[i]),
                             pb_plot_area_to_y (area, CLAMP (v[i], Y_MIN, Y_MAX)), 3.0);
        cairo_fill (cr);
      }
  cairo_restore (cr);
}

static void
draw_band_panel (PbBurstView *self, cairo_t *cr, const PbRect *cell, int band, const PbPlotStyle *style)
{
  PbPlotArea area = { .xmin = self->t_min, .xmax = self->t_max, .ymin = Y_MIN, .ymax = Y_MAX };
  const char *band_name = self->ds->band_names != NULL ? self->ds->band_names[band] : "?";
  g_autofree char *title = NULL;
  double title_width, available, scale;
  GdkRGBA band_color;

  pb_plot_style_band_color (style, lc_band_color (self->ds, band), &band_color);
  cairo_save (cr);
  cairo_translate (cr, cell->x, cell->y);
  pb_plot_area_layout (&area, cr, style, cell->width, cell->height - 16, FALSE);
  area.rect.y += 16;
  pb_plot_draw_axes (cr, style, &area, NULL, NULL);
  cairo_rectangle (cr, area.rect.x, area.rect.y, area.rect.width, area.rect.height);
  cairo_save (cr);
  cairo_clip (cr);
  if (self->object < 0)
    draw_class_members (self, cr, &area, band, &band_color);
  else
    draw_object (self, cr, &area, band, &band_color);
  for (int k = 0; k < 2; k++)
    if (self->typical[k] != NULL)
      draw_typical (cr, &area, self->typical[k], band, k == 0 ? &style->foreground : &band_color, k == 1);
  cairo_restore (cr);

  if (self->typical[0] != NULL)
    {
      g_autofree char *shape = shape_text (&self->typical[0]->shape[band]);
      title = g_strdup_printf ("%s: %s", band_name, shape);
    }
  else
    title = g_strdup (band_name);
  /* in narrow windows the title shrinks to its panel rather than run into the next one */
  pb_plot_measure_text (cr, style, title, 0.85, TRUE, &title_width, NULL);
  available = cell->width - area.rect.x - 4;
  scale = title_width > available && title_width > 0 ? MAX (0.85 * available / title_width, 0.6) : 0.85;
  cairo_rectangle (cr, 0, 0, cell->width - 2, cell->height);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, &band_color);
  pb_plot_draw_text (cr, style, title, area.rect.x, area.rect.y - 3, PB_ALIGN_START, PB_ALIGN_END, scale,
                     TRUE, NULL);
  cairo_restore (cr);
}

static char *
heading (PbBurstView *self)
{
  const LcDataset *ds = self->ds;
  const char *unit = ds->on_grid ? _("steps") : _("days");

  if (self->object < 0)
    return g_strdup_printf (_("%s: %d objects aligned on their peak (%s from peak; thick line: median)"),
                            class_name (ds, self->class_index),
                            self->typical[0] != NULL ? self->typical[0]->n_objects : 0, unit);
  if (self->predicted_class < 0 || self->predicted_class == self->class_index)
    return g_strdup_printf (_("%s (dots) against typical %s (solid), %s from peak"), ds->objects[self->object].id,
                            class_name (ds, self->class_index), unit);
  return g_strdup_printf (_("%s (dots) against typical %s (solid) and %s (dashed), %s from peak"),
                          ds->objects[self->object].id, class_name (ds, self->class_index),
                          class_name (ds, self->predicted_class), unit);
}

static void
burst_draw (PbBurstView *self, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  g_autofree char *title = NULL;
  int n_bands, cols, rows;
  double text_h, cell_w, cell_h, top;

  pb_plot_fill_background (cr, style, width, height);
  if (self->ds == NULL || (self->object < 0 && self->class_index < 0))
    {
      pb_plot_draw_message (cr, style, width, height, _("Pick a transient class to see its bursts"));
      return;
    }
  n_bands = MAX (self->ds->n_bands, 1);
  cols = n_bands <= 2 ? n_bands : n_bands <= 4 ? 2 : 3;
  rows = (n_bands + cols - 1) / cols;
  pb_plot_measure_text (cr, style, "0", 1.0, TRUE, NULL, &text_h);
  top = text_h + 10;
  title = heading (self);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, title, 6, 4, PB_ALIGN_START, PB_ALIGN_START, 1.0, TRUE, NULL);
  cell_w = width / (double) cols;
  cell_h = (height - top) / (double) rows;
  for (int b = 0; b < self->ds->n_bands; b++)
    {
      PbRect cell = { (b % cols) * cell_w, top + (b / cols) * cell_h, cell_w, cell_h };

      draw_band_panel (self, cr, &cell, b, style);
    }
}

/* ---- the widget ------------------------------------------------------- */

static void
update_accessible_description (PbBurstView *self)
{
  g_autofree char *text = self->ds != NULL && (self->object >= 0 || self->class_index >= 0)
                            ? heading (self) : g_strdup (_("Burst view: nothing shown"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  burst_draw (PB_BURST_VIEW (plottable), cr, width, height, style);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  PbBurstView *self = PB_BURST_VIEW (plottable);

  if (self->ds != NULL && self->object >= 0)
    return g_strdup_printf ("burst-%s", self->ds->objects[self->object].id);
  return g_strdup ("bursts");
}

static void
pb_burst_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_burst_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                       int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 360 : 260;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 440;
}

static void
clear (PbBurstView *self)
{
  g_clear_pointer (&self->typical[0], lc_burst_typical_free);
  g_clear_pointer (&self->typical[1], lc_burst_typical_free);
  g_clear_pointer (&self->ds, lc_dataset_unref);
  self->class_index = self->predicted_class = -1;
  self->object = -1;
}

static void
pb_burst_view_finalize (GObject *object)
{
  clear (PB_BURST_VIEW (object));
  G_OBJECT_CLASS (pb_burst_view_parent_class)->finalize (object);
}

static void
pb_burst_view_class_init (PbBurstViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pb_burst_view_finalize;
  pb_view_class_setup (widget_class, pb_plottable_snapshot, pb_burst_view_measure, "burstview");
}

static void
pb_burst_view_init (PbBurstView *self)
{
  self->class_index = self->predicted_class = -1;
  self->object = -1;
  update_accessible_description (self);
}

GtkWidget *
pb_burst_view_new (void)
{
  return g_object_new (PB_TYPE_BURST_VIEW, NULL);
}

static void
set_common (PbBurstView *self, LcDataset *ds)
{
  g_autoptr (LcDataset) keep = ds != NULL ? lc_dataset_ref (ds) : NULL;

  clear (self);
  self->ds = g_steal_pointer (&keep);
  if (self->ds != NULL)
    lc_burst_default_window (self->ds, &self->t_min, &self->t_max);
}

static LcBurstTypical *
typical_of (PbBurstView *self, int class_index)
{
  if (class_index < 0 || class_index >= self->ds->n_classes)
    return NULL;
  return lc_burst_typical_new_for_class (self->ds, class_index, self->t_min, self->t_max, PB_BURST_BINS);
}

void
pb_burst_view_set_class (PbBurstView *self, LcDataset *ds, int class_index)
{
  set_common (self, ds);
  if (self->ds != NULL)
    {
      self->class_index = class_index;
      self->typical[0] = typical_of (self, class_index);
    }
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pb_burst_view_set_object (PbBurstView *self, LcDataset *ds, gsize object, int true_class, int predicted_class)
{
  set_common (self, ds);
  if (self->ds != NULL && object < self->ds->n_objects)
    {
      self->object = (gssize) object;
      self->class_index = true_class;
      self->predicted_class = predicted_class;
      self->typical[0] = typical_of (self, true_class);
      if (predicted_class != true_class)
        self->typical[1] = typical_of (self, predicted_class);
    }
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const LcBurstTypical *
pb_burst_view_get_typical (PbBurstView *self, int which)
{
  return which >= 0 && which < 2 ? self->typical[which] : NULL;
}
