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

/* Where the rows go: the header row's centre and the height of a row. */
static void
table_rows (cairo_t *cr, const PbPlotStyle *style, double *header_y, double *row_h)
{
  double text_h;

  pb_plot_measure_text (cr, style, "0", 1.0, FALSE, NULL, &text_h);
  *row_h = text_h * ROW_HEIGHT_SCALE;
  /* under the summary line */
  *header_y = 8 + text_h + *row_h / 2;
}

int
pb_class_table_row_at (cairo_t *cr, const PbPlotStyle *style, const NnClassReport *r, double y)
{
  double header_y, row_h;
  int c;

  if (r == NULL)
    return -1;
  table_rows (cr, style, &header_y, &row_h);
  c = (int) floor ((y - header_y - row_h / 2) / row_h);
  return c >= 0 && c < r->n_classes ? c : -1;
}

static char *
score_text (double value)
{
  return isfinite (value) ? g_strdup_printf ("%.3f", value) : g_strdup ("–");
}

char *
pb_class_table_describe_class (const NnClassReport *r, const char *name, int c)
{
  g_autofree char *precision = NULL, *recall = NULL, *f1 = NULL;

  g_return_val_if_fail (r != NULL && c >= 0 && c < r->n_classes, NULL);

  /* recall and F1 mean nothing for a class without objects, as in the table */
  precision = score_text (r->precision[c]);
  recall = score_text (r->support[c] > 0 ? r->recall[c] : NAN);
  f1 = score_text (r->support[c] > 0 ? r->f1[c] : NAN);
  return g_strdup_printf (ngettext ("%s: precision %s · recall %s · F1 %s · %d object",
                                    "%s: precision %s · recall %s · F1 %s · %d objects", r->support[c]),
                          name, precision, recall, f1, r->support[c]);
}

void
pb_class_table_draw (cairo_t *cr, int width, int height, const NnClassReport *r, const char *const *names,
                     const PbPlotStyle *style)
{
  const char *headers[] = { N_("class"), N_("precision"), N_("recall"), N_("F1"), N_("support") };
  double row_h, name_w = 60, col_w, y;
  g_autofree char *summary = NULL;

  pb_plot_fill_background (cr, style, width, height);
  if (r == NULL)
    {
      pb_plot_draw_message (cr, style, width, height, _("No scores yet"));
      return;
    }
  table_rows (cr, style, &y, &row_h);
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

/* The class under the pointer, read out in full. */
static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip, PbClassTable *self)
{
  const NnClassReport *r = pb_run_scores_report (&self->scores);
  cairo_surface_t *surface;
  cairo_t *cr;
  PbPlotStyle style;
  g_autofree char *text = NULL;
  int c;

  if (r == NULL || keyboard)
    return FALSE;
  /* the rows' places depend on the font only: measure on a scratch surface */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  pb_plot_style_from_widget (&style, widget);
  c = pb_class_table_row_at (cr, &style, r, y);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  if (c < 0)
    return FALSE;
  text = pb_class_table_describe_class (r, self->scores.names[c], c);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
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
  const PbViewHandlers handlers = { .query_tooltip = G_CALLBACK (query_tooltip_cb) };

  pb_run_scores_set (&self->scores, NULL);
  pb_view_setup_interaction (GTK_WIDGET (self), &handlers, self);
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
