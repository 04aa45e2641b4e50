/* pb-reliability-view.c: the reliability diagram */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-plottable.h"
#include "pb-reliability-view.h"

/* Bars of the bins' accuracy, the bins' mean confidence as a line across each
 * bar, and the diagonal a calibrated model follows. */
void
pb_reliability_draw (cairo_t *cr, int width, int height, const NnClassReport *report, double temperature,
                     const PbPlotStyle *style, PbPlotArea *area_out)
{
  PbPlotArea area = { { 0 }, 0, 1, 0, 1, FALSE };
  g_autofree char *summary = NULL;
  int max_count = 1;

  pb_plot_fill_background (cr, style, width, height);
  if (report == NULL || report->n_bins <= 0 || report->n_rows == 0)
    {
      pb_plot_draw_message (cr, style, width, height, _("The reliability diagram appears once a model is trained"));
      return;
    }
  pb_plot_area_layout (&area, cr, style, width, height, TRUE);
  pb_plot_draw_axes (cr, style, &area, _("Confidence (top probability)"), _("Accuracy"));
  for (int b = 0; b < report->n_bins; b++)
    max_count = MAX (max_count, report->bin_count[b]);

  for (int b = 0; b < report->n_bins; b++)
    {
      double x0, x1, y, y0, yc;

      if (report->bin_count[b] == 0)
        continue;
      x0 = pb_plot_area_to_x (&area, (double) b / report->n_bins);
      x1 = pb_plot_area_to_x (&area, (double) (b + 1) / report->n_bins);
      y = pb_plot_area_to_y (&area, report->bin_accuracy[b]);
      y0 = pb_plot_area_to_y (&area, 0);
      yc = pb_plot_area_to_y (&area, report->bin_confidence[b]);
      /* bins with few objects are paler: their accuracy says less */
      cairo_set_source_rgba (cr, style->accent.red, style->accent.green, style->accent.blue,
                             0.35 + 0.65 * sqrt ((double) report->bin_count[b] / max_count));
      cairo_rectangle (cr, x0 + 0.5, y, MAX (x1 - x0 - 1, 1), y0 - y);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, x0 + 0.5, yc);
      cairo_line_to (cr, x1 - 0.5, yc);
      cairo_stroke (cr);
    }

  /* perfect calibration */
  cairo_save (cr);
  cairo_set_source_rgba (cr, style->foreground.red, style->foreground.green, style->foreground.blue, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, (const double[]) { 5, 4 }, 2, 0);
  cairo_move_to (cr, pb_plot_area_to_x (&area, 0), pb_plot_area_to_y (&area, 0));
  cairo_line_to (cr, pb_plot_area_to_x (&area, 1), pb_plot_area_to_y (&area, 1));
  cairo_stroke (cr);
  cairo_restore (cr);

  summary = g_strdup_printf (_("ECE %.3f · temperature %.2f · %d objects"), report->ece, temperature,
                             report->n_rows);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, summary, area.rect.x + 6, area.rect.y + 6, PB_ALIGN_START, PB_ALIGN_START, 1,
                     TRUE, NULL);
  if (area_out != NULL)
    *area_out = area;
}

char *
pb_reliability_describe_bin (const NnClassReport *report, int b)
{
  if (report == NULL || b < 0 || b >= report->n_bins || report->bin_count[b] == 0)
    return NULL;
  return g_strdup_printf (ngettext ("Top probability %.2f–%.2f: %d object, mean confidence %.3f, accuracy %.3f",
                                    "Top probability %.2f–%.2f: %d objects, mean confidence %.3f, accuracy %.3f",
                                    report->bin_count[b]),
                          (double) b / report->n_bins, (double) (b + 1) / report->n_bins, report->bin_count[b],
                          report->bin_confidence[b], report->bin_accuracy[b]);
}

struct _PbReliabilityView
{
  GtkWidget parent_instance;
  PbRun *run;
  PbPlotArea area;           /* of the last drawing at the widget's size */
  gboolean have_area;
};

static void pb_reliability_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbReliabilityView, pb_reliability_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_reliability_view_plottable_init))

static const NnClassReport *
shown_report (PbReliabilityView *self)
{
  return self->run != NULL && self->run->evaluation != NULL ? self->run->evaluation->report : NULL;
}

static double
shown_temperature (PbReliabilityView *self)
{
  return self->run != NULL && self->run->doc != NULL ? self->run->doc->temperature : 1.0;
}

static void
reliability_plottable_draw (PbPlottable *p, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbReliabilityView *self = PB_RELIABILITY_VIEW (p);
  PbPlotArea area;
  gboolean on_screen = width == gtk_widget_get_width (GTK_WIDGET (self))
                       && height == gtk_widget_get_height (GTK_WIDGET (self));

  area.rect.width = 0;
  pb_reliability_draw (cr, width, height, shown_report (self), shown_temperature (self), style, &area);
  /* the tooltip finds bins on the screen's drawing, not an export's */
  if (on_screen)
    {
      self->area = area;
      self->have_area = area.rect.width > 0;
    }
}

static char *
reliability_export_name (PbPlottable *p)
{
  return g_strdup ("reliability-diagram");
}

static void
pb_reliability_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = reliability_plottable_draw;
  iface->export_name = reliability_export_name;
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  PbReliabilityView *self)
{
  const NnClassReport *report = shown_report (self);
  g_autofree char *text = NULL;
  double confidence;

  if (report == NULL)
    return FALSE;
  if (keyboard || !self->have_area || !pb_rect_contains (&self->area.rect, x, y))
    text = g_strdup (gtk_widget_get_tooltip_text (widget));
  else
    {
      confidence = pb_plot_area_from_x (&self->area, x);
      text = pb_reliability_describe_bin (report, CLAMP ((int) (confidence * report->n_bins), 0,
                                                         report->n_bins - 1));
    }
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
update_description (PbReliabilityView *self)
{
  const NnClassReport *report = shown_report (self);
  g_autofree char *d = NULL;

  if (report == NULL)
    d = g_strdup (_("Reliability diagram: no trained model yet"));
  else
    d = g_strdup_printf (_("Reliability diagram of %d objects: accuracy against confidence in %d bins; "
                           "expected calibration error %.3f; probabilities scaled by temperature %.2f"),
                         report->n_rows, report->n_bins, report->ece, shown_temperature (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, d, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), d);
}

static void
pb_reliability_view_dispose (GObject *object)
{
  PbReliabilityView *self = PB_RELIABILITY_VIEW (object);
  g_clear_pointer (&self->run, pb_run_unref);
  G_OBJECT_CLASS (pb_reliability_view_parent_class)->dispose (object);
}

static void
pb_reliability_view_class_init (PbReliabilityViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_reliability_view_dispose;
  pb_view_class_setup (GTK_WIDGET_CLASS (klass), pb_plottable_snapshot, NULL, "reliabilityview");
}

static void
pb_reliability_view_init (PbReliabilityView *self)
{
  const PbViewHandlers handlers = { .query_tooltip = G_CALLBACK (query_tooltip_cb) };

  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 240);
  pb_view_setup_interaction (GTK_WIDGET (self), &handlers, self);
  update_description (self);
}

GtkWidget *
pb_reliability_view_new (void)
{
  return g_object_new (PB_TYPE_RELIABILITY_VIEW, NULL);
}

void
pb_reliability_view_set_run (PbReliabilityView *self, PbRun *run)
{
  g_return_if_fail (PB_IS_RELIABILITY_VIEW (self));
  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  self->have_area = FALSE;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
