/* pb-class-table.c: the per-class metrics table */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-class-table.h"
#include "pb-plottable.h"
#include "pb-run-scores.h"

#define ROW_HEIGHT_SCALE 1.6

char *
pb_class_table_summary (const NnClassReport *r)
{
  return g_strdup_printf (_("%d objects · accuracy %.3f · macro F1 %.3f · log loss %.3f · "
                            "PLAsTiCC weighted log loss %.3f"),
                          r->n_rows, r->accuracy, r->macro_f1, r->log_loss, r->weighted_log_loss);
}

static void
draw_number (cairo_t *cr, const PbPlotStyle *style, double value, double x, double y, gboolean bold)
{
  g_autofree char *text = isfinite (value) ? g_strdup_printf ("%.3f", value) : g_strdup ("–");

  pb_plot_draw_text (cr, style, text, x, y, PB_ALIGN_END, PB_ALIGN_CENTER, 1.0, bold, NULL);
}

/* A bar behind a score so weak classes stand out at a glance. */
static void
draw_bar (cairo_t *cr, const PbPlotStyle *style, double value, double x, double y, double w, double h)
{
  GdkRGBA c = style->accent;

  if (!isfinite (value))
    return;
  c.alpha = 0.25;
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_rectangle (cr, x, y, w * CLAMP (value, 0, 1), h);
  cairo_fill (cr);
}

void
pb_class_table_draw (cairo_t *cr, int width, int height, const NnClassReport *r, const char *const *names,
                     const PbPlotStyle *style)
{
  const char *headers[] = { N_("class"), N_("precision"), N_("recall"), N_("F1"), N_("support") };
  double text_h, row_h, name_w = 60, col_w, y;
  g_autofree char *summary = NULL;

  pb_plot_fill_background (cr, style, width, height);
  if (r == NULL)
    {
      pb_plot_draw_message (cr, style, width, height, _("No scores yet"));
      return;
    }
  pb_plot_measure_text (cr, style, "0", 1.0, FALSE, NULL, &text_h);
  row_h = text_h * ROW_HEIGHT_SCALE;
  for (int c = 0; c < r->n_classes; c++)
    {
      double w;

      pb_plot_measure_text (cr, style, names[c], 1.0, FALSE, &w, NULL);
      name_w = MAX (name_w, w);
    }
  name_w += 16;
  col_w = MAX (70, (width - name_w - 12) / 4.0);

  gdk_cairo_set_source_rgba (cr, &style->foreground);
  summary = pb_class_table_summary (r);
  pb_plot_draw_text (cr, style, summary, 6, 4, PB_ALIGN_START, PB_ALIGN_START, 1.0, TRUE, NULL);
  y = 8 + text_h + row_h / 2;
  for (int i = 0; i < 5; i++)
    pb_plot_draw_text (cr, style, _(headers[i]), i == 0 ? 6 : name_w + i * col_w - 8, y,
                       i == 0 ? PB_ALIGN_START : PB_ALIGN_END, PB_ALIGN_CENTER, 1.0, TRUE, NULL);
  for (int c = 0; c < r->n_classes; c++)
    {
      double values[] = { r->precision[c], r->recall[c], r->f1[c] };
      g_autofree char *support = g_strdup_printf ("%d", r->support[c]);

      y += row_h;
      if (y > height)
        break;
      for (int i = 0; i < 3; i++)
        draw_bar (cr, style, values[i], name_w + i * col_w, y - row_h / 2 + 2, col_w - 12, row_h - 4);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      pb_plot_draw_text (cr, style, names[c], 6, y, PB_ALIGN_START, PB_ALIGN_CENTER, 1.0, FALSE, NULL);
      for (int i = 0; i < 3; i++)
        draw_number (cr, style, r->support[c] > 0 || i == 0 ? values[i] : NAN, name_w + (i + 1) * col_w - 8, y,
                     FALSE);
      pb_plot_draw_text (cr, style, support, name_w + 4 * col_w - 8, y, PB_ALIGN_END, PB_ALIGN_CENTER, 1.0,
                         FALSE, NULL);
    }
}

struct _PbClassTable
{
  GtkWidget parent_instance;

  PbRunScores scores;
};

static void pb_class_table_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbClassTable, pb_class_table, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_class_table_plottable_init))

static void
pb_class_table_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                        int *natural, int *minimum_baseline, int *natural_baseline)
{
  PbClassTable *self = PB_CLASS_TABLE (widget);
  const NnClassReport *r = pb_run_scores_report (&self->scores);
  int rows = r != NULL ? r->n_classes + 2 : 2;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 420;
  else
    *minimum = *natural = 12 + rows * 24;
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbClassTable *self = PB_CLASS_TABLE (plottable);

  pb_class_table_draw (cr, width, height, pb_run_scores_report (&self->scores),
                       (const char *const *) self->scores.names, style);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  return g_strdup ("class-scores");
}

static void
pb_class_table_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_class_table_finalize (GObject *object)
{
  PbClassTable *self = PB_CLASS_TABLE (object);

  pb_run_scores_clear (&self->scores);
  G_OBJECT_CLASS (pb_class_table_parent_class)->finalize (object);
}

static void
pb_class_table_class_init (PbClassTableClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pb_class_table_finalize;
  pb_view_class_setup (widget_class, pb_plottable_snapshot, pb_class_table_measure, "classtable");
}

static void
pb_class_table_init (PbClassTable *self)
{
  pb_run_scores_set (&self->scores, NULL);
}

GtkWidget *
pb_class_table_new (void)
{
  return g_object_new (PB_TYPE_CLASS_TABLE, NULL);
}

void
pb_class_table_set_run (PbClassTable *self, PbRun *run)
{
  const NnClassReport *r;
  g_autofree char *description = NULL;

  pb_run_scores_set (&self->scores, run);
  r = pb_run_scores_report (&self->scores);
  description = r != NULL ? pb_class_table_summary (r) : g_strdup (_("No scores yet"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
