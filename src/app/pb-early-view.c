/* pb-early-view.c: early-classification curve drawing and widget. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-early-view.h"
#include "pb-plottable.h"

/* pb_plot_draw_text draws with the current source: labels in the foreground. */
static void
fg_text (cairo_t *cr, const PbPlotStyle *style, const char *text, double x, double y, PbAlign xalign,
         PbAlign yalign, double scale, gboolean bold, PbRect *extent)
{
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, text, x, y, xalign, yalign, scale, bold, extent);
}

char *
pb_early_amount_label (LcEarlyAxis axis, double amount)
{
  if (amount <= 0)
    return g_strdup (_("all"));
  if (axis == LC_EARLY_DAYS)
    return g_strdup_printf (_("%g d"), amount);
  return g_strdup_printf ("%g", amount);
}

/* The points sit evenly spaced (the amounts grow roughly geometrically, and
 * "all" has no number), labelled with their amounts. */
void
pb_early_draw (cairo_t *cr, int width, int height, const LcEarlyCurve *c, int marker,
               const PbPlotStyle *style)
{
  const char *names[] = { N_("Accuracy"), N_("Macro F1"), N_("Macro AUC") };
  GdkRGBA colors[3];
  PbLegendEntry legend[3];
  double left, right, top = 12 + 1.6 * style->font_size, bottom, fs = style->font_size, pw, ph;

  pb_plot_fill_background (cr, style, width, height);
  if (c == NULL || c->n_points == 0)
    {
      pb_plot_draw_message (cr, style, width, height, _("Train a model to see how early it can tell classes apart"));
      return;
    }
  colors[0] = style->accent;
  pb_plot_style_band_color (style, "#d1495b", &colors[1]);
  pb_plot_style_band_color (style, "#2e8b57", &colors[2]);
  left = 3.5 * fs + 12;
  right = 12;
  bottom = 3 * fs + 12;
  pw = width - left - right;
  ph = height - top - bottom;
  if (pw < 20 || ph < 20)
    return;

  /* y grid 0 .. 1 */
  cairo_set_line_width (cr, 1);
  for (int i = 0; i <= 5; i++)
    {
      double y = top + ph * (1 - i / 5.0);
      g_autofree char *label = g_strdup_printf ("%.1f", i / 5.0);
      gdk_cairo_set_source_rgba (cr, &style->grid);
      cairo_move_to (cr, left, y + 0.5);
      cairo_line_to (cr, left + pw, y + 0.5);
      cairo_stroke (cr);
      fg_text (cr, style, label, left - 4, y, PB_ALIGN_END, PB_ALIGN_CENTER, 0.9, FALSE, NULL);
    }
  for (int i = 0; i < c->n_points; i++)
    {
      double x = left + pw * (i + 0.5) / c->n_points;
      g_autofree char *label = pb_early_amount_label (c->axis, c->amount[i]);
      fg_text (cr, style, label, x, top + ph + 4, PB_ALIGN_CENTER, PB_ALIGN_START, 0.9, FALSE, NULL);
    }
  fg_text (cr, style,
                     c->axis == LC_EARLY_DAYS ? _("Days since the first detection")
                                              : _("First observations seen"),
                     left + pw / 2, height - 4, PB_ALIGN_CENTER, PB_ALIGN_END, 1, TRUE, NULL);
  if (marker >= 0 && marker < c->n_points)
    {
      double x = left + pw * (marker + 0.5) / c->n_points;
      cairo_set_source_rgba (cr, style->foreground.red, style->foreground.green, style->foreground.blue, 0.5);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, top + ph);
      cairo_stroke (cr);
    }
  for (int s = 0; s < 3; s++)
    {
      const double *v = s == 0 ? c->accuracy : s == 1 ? c->macro_f1 : c->macro_auc;
      gboolean pen = FALSE;
      gdk_cairo_set_source_rgba (cr, &colors[s]);
      cairo_set_line_width (cr, 2);
      for (int i = 0; i < c->n_points; i++)
        {
          double x = left + pw * (i + 0.5) / c->n_points, y = top + ph * (1 - CLAMP (v[i], 0, 1));
          if (!isfinite (v[i]))
            {
              pen = FALSE;
              continue;
            }
          pb_plot_polyline_to (cr, &pen, x, y);
        }
      cairo_stroke (cr);
      for (int i = 0; i < c->n_points; i++)
        if (isfinite (v[i]))
          {
            pb_plot_marker_path (cr, left + pw * (i + 0.5) / c->n_points, top + ph * (1 - CLAMP (v[i], 0, 1)), 3);
            cairo_fill (cr);
          }
      legend[s].label = _(names[s]);
      legend[s].color = colors[s];
      legend[s].active = TRUE;
    }
  pb_plot_draw_legend (cr, style, legend, 3, left + pw, 4, pw, NULL);
}

struct _PbEarlyView
{
  GtkWidget parent_instance;
  LcEarlyCurve *curve;
  int marker;
};

static void pb_early_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbEarlyView, pb_early_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_early_view_plottable_init))

static void
early_plottable_draw (PbPlottable *p, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbEarlyView *self = PB_EARLY_VIEW (p);
  pb_early_draw (cr, width, height, self->curve, self->marker, style);
}

static char *
early_export_name (PbPlottable *p)
{
  return g_strdup ("early-classification");
}

static void
pb_early_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = early_plottable_draw;
  iface->export_name = early_export_name;
}

static void
pb_early_view_finalize (GObject *object)
{
  g_clear_pointer (&PB_EARLY_VIEW (object)->curve, lc_early_curve_free);
  G_OBJECT_CLASS (pb_early_view_parent_class)->finalize (object);
}

static void
pb_early_view_class_init (PbEarlyViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pb_early_view_finalize;
  widget_class->snapshot = pb_plottable_snapshot;
  gtk_widget_class_set_css_name (widget_class, "earlyview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pb_early_view_init (PbEarlyView *self)
{
  self->marker = -1;
  gtk_widget_set_size_request (GTK_WIDGET (self), 360, 220);
}

GtkWidget *
pb_early_view_new (void)
{
  return g_object_new (PB_TYPE_EARLY_VIEW, NULL);
}

void
pb_early_view_set_curve (PbEarlyView *self, LcEarlyCurve *curve)
{
  g_autofree char *description = NULL;
  g_clear_pointer (&self->curve, lc_early_curve_free);
  self->curve = curve;
  if (curve != NULL && curve->n_points > 0)
    description = g_strdup_printf (_("Early classification: accuracy %.3f with the least, %.3f with all"),
                                   curve->accuracy[0], curve->accuracy[curve->n_points - 1]);
  else
    description = g_strdup (_("Early classification: no curve yet"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), description);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const LcEarlyCurve *
pb_early_view_get_curve (PbEarlyView *self)
{
  return self->curve;
}

void
pb_early_view_set_marker (PbEarlyView *self, int marker)
{
  self->marker = marker;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
