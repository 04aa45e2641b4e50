/* pb-novelty-view.c: novelty-score histogram with a threshold. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lc-novelty.h"
#include "pb-novelty-view.h"
#include "pb-plottable.h"

/* pb_plot_draw_text draws with the current source: labels in the foreground. */
static void
fg_text (cairo_t *cr, const PbPlotStyle *style, const char *text, double x, double y, PbAlign xalign,
         PbAlign yalign, double scale, gboolean bold, PbRect *extent)
{
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, text, x, y, xalign, yalign, scale, bold, extent);
}

void
pb_novelty_draw (cairo_t *cr, int width, int height, const double *scores, int n, double hi,
                 double threshold, const char *score_name, const PbPlotStyle *style)
{
  int counts[PB_NOVELTY_BINS], max = 1, above = 0;
  PbPlotArea area = { { 0 }, 0, 1, 0, 1, FALSE };
  g_autofree char *summary = NULL;

  pb_plot_fill_background (cr, style, width, height);
  if (scores == NULL || n == 0 || !(hi > 0))
    {
      pb_plot_draw_message (cr, style, width, height, _("Novelty scores appear once a model is trained"));
      return;
    }
  lc_novelty_histogram (scores, n, 0, hi, PB_NOVELTY_BINS, counts);
  for (int b = 0; b < PB_NOVELTY_BINS; b++)
    max = MAX (max, counts[b]);
  for (int i = 0; i < n; i++)
    above += scores[i] >= threshold;
  area.xmax = hi;
  area.ymax = pb_nice_number (max * 1.1, FALSE);
  pb_plot_area_layout (&area, cr, style, width, height, TRUE);
  pb_plot_draw_axes (cr, style, &area, score_name, _("Objects"));
  for (int b = 0; b < PB_NOVELTY_BINS; b++)
    {
      double x0 = pb_plot_area_to_x (&area, hi * b / PB_NOVELTY_BINS);
      double x1 = pb_plot_area_to_x (&area, hi * (b + 1) / PB_NOVELTY_BINS);
      double y = pb_plot_area_to_y (&area, counts[b]), y0 = pb_plot_area_to_y (&area, 0);
      gboolean is_above = hi * (b + 0.5) / PB_NOVELTY_BINS >= threshold;
      if (is_above)
        gdk_cairo_set_source_rgba (cr, &style->accent);
      else
        cairo_set_source_rgba (cr, style->foreground.red, style->foreground.green, style->foreground.blue, 0.35);
      cairo_rectangle (cr, x0 + 0.5, y, MAX (x1 - x0 - 1, 1), y0 - y);
      cairo_fill (cr);
    }
  {
    double x = pb_plot_area_to_x (&area, CLAMP (threshold, 0, hi));
    gdk_cairo_set_source_rgba (cr, &style->foreground);
    cairo_set_line_width (cr, 2);
    cairo_move_to (cr, x, area.rect.y);
    cairo_line_to (cr, x, area.rect.y + area.rect.height);
    cairo_stroke (cr);
  }
  summary = g_strdup_printf (ngettext ("%d object at or above %.3g", "%d objects at or above %.3g", above),
                             above, threshold);
  fg_text (cr, style, summary, area.rect.x + area.rect.width - 6, area.rect.y + 6, PB_ALIGN_END,
                     PB_ALIGN_START, 1, TRUE, NULL);
}

struct _PbNoveltyView
{
  GtkWidget parent_instance;
  double *scores;
  int n;
  double hi;
  double threshold;
  char *score_name;
};

static void pb_novelty_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbNoveltyView, pb_novelty_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_novelty_view_plottable_init))

static void
novelty_plottable_draw (PbPlottable *p, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbNoveltyView *self = PB_NOVELTY_VIEW (p);
  pb_novelty_draw (cr, width, height, self->scores, self->n, self->hi, self->threshold, self->score_name, style);
}

static char *
novelty_export_name (PbPlottable *p)
{
  return g_strdup ("novelty-histogram");
}

static void
pb_novelty_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = novelty_plottable_draw;
  iface->export_name = novelty_export_name;
}

static void
pb_novelty_view_finalize (GObject *object)
{
  PbNoveltyView *self = PB_NOVELTY_VIEW (object);
  g_free (self->scores);
  g_free (self->score_name);
  G_OBJECT_CLASS (pb_novelty_view_parent_class)->finalize (object);
}

static void
pb_novelty_view_class_init (PbNoveltyViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pb_novelty_view_finalize;
  widget_class->snapshot = pb_plottable_snapshot;
  gtk_widget_class_set_css_name (widget_class, "noveltyview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pb_novelty_view_init (PbNoveltyView *self)
{
  self->threshold = 0.5;
  self->hi = 1;
  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 200);
}

GtkWidget *
pb_novelty_view_new (void)
{
  return g_object_new (PB_TYPE_NOVELTY_VIEW, NULL);
}

static void
update_description (PbNoveltyView *self)
{
  g_autofree char *d = g_strdup_printf (_("Histogram of %s for %d objects; %d at or above %.3g"),
                                        self->score_name != NULL ? self->score_name : "",
                                        self->n, pb_novelty_view_count_above (self), self->threshold);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, d, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), d);
}

void
pb_novelty_view_set_scores (PbNoveltyView *self, const double *scores, int n, double hi, const char *score_name)
{
  g_free (self->scores);
  g_free (self->score_name);
  self->scores = n > 0 ? g_memdup2 (scores, sizeof (double) * n) : NULL;
  self->n = n;
  self->hi = hi;
  self->score_name = g_strdup (score_name);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pb_novelty_view_set_threshold (PbNoveltyView *self, double threshold)
{
  self->threshold = threshold;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
pb_novelty_view_get_threshold (PbNoveltyView *self)
{
  return self->threshold;
}

int
pb_novelty_view_get_n_scores (PbNoveltyView *self)
{
  return self->n;
}

int
pb_novelty_view_count_above (PbNoveltyView *self)
{
  int above = 0;
  for (int i = 0; i < self->n; i++)
    above += self->scores[i] >= self->threshold;
  return above;
}
