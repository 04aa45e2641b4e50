/* pb-confusion-view.c: confusion matrix drawing and the clickable widget */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-confusion-view.h"
#include "pb-plottable.h"
#include "pb-run-scores.h"

#define COLOR_BAR_WIDTH 14.0

gsize *
pb_confusion_cell_objects (const LcEvaluation *ev, int t, int p, guint *n)
{
  int k = ev->report->n_classes;
  gsize *rows = g_new (gsize, MAX (ev->n_rows, 1));
  guint count = 0;

  for (int i = 0; i < ev->n_rows; i++)
    if (ev->labels[i] == t && nn_metrics_argmax (ev->probs + (gsize) i * k, k) == p)
      rows[count++] = (gsize) ev->rows[i];
  *n = count;
  return rows;
}

/* ---- drawing ---------------------------------------------------------- */

static double
cell_fraction (const NnClassReport *report, int t, int p, gboolean normalised)
{
  int k = report->n_classes, max = 1;

  if (normalised)
    return report->confusion_normalised[t * k + p];
  for (int i = 0; i < k * k; i++)
    max = MAX (max, report->confusion[i]);
  return report->confusion[t * k + p] / (double) max;
}

/* A sequential scale from the background to the accent colour. */
static void
scale_color (const PbPlotStyle *style, double f, GdkRGBA *out)
{
  f = CLAMP (f, 0, 1);
  out->red = style->background.red + f * (style->accent.red - style->background.red);
  out->green = style->background.green + f * (style->accent.green - style->background.green);
  out->blue = style->background.blue + f * (style->accent.blue - style->background.blue);
  out->alpha = 1;
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

static void
draw_color_bar (cairo_t *cr, const PbPlotStyle *style, const PbRect *m, gboolean normalised, int max_count)
{
  double x = m->x + m->width + 12;
  g_autofree char *top = normalised ? g_strdup ("100%") : g_strdup_printf ("%d", max_count);

  for (int i = 0; i < 64; i++)
    {
      GdkRGBA c;

      scale_color (style, 1.0 - i / 63.0, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, x, m->y + i * m->height / 64, COLOR_BAR_WIDTH, m->height / 64 + 1);
      cairo_fill (cr);
    }
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x + 0.5, m->y + 0.5, COLOR_BAR_WIDTH, m->height);
  cairo_stroke (cr);
  pb_plot_draw_text (cr, style, top, x + COLOR_BAR_WIDTH + 4, m->y, PB_ALIGN_START, PB_ALIGN_START, 0.9,
                     FALSE, NULL);
  pb_plot_draw_text (cr, style, normalised ? "0%" : "0", x + COLOR_BAR_WIDTH + 4, m->y + m->height,
                     PB_ALIGN_START, PB_ALIGN_END, 0.9, FALSE, NULL);
}

static void
draw_cell (cairo_t *cr, const NnClassReport *report, int t, int p, gboolean normalised, const PbRect *r,
           const PbPlotStyle *style)
{
  int k = report->n_classes;
  double f = cell_fraction (report, t, p, normalised);
  GdkRGBA fill, text;
  g_autofree char *label = NULL;

  scale_color (style, f, &fill);
  gdk_cairo_set_source_rgba (cr, &fill);
  cairo_rectangle (cr, r->x, r->y, r->width, r->height);
  cairo_fill (cr);
  if (r->width < 18 || report->confusion[t * k + p] == 0)
    return;
  label = normalised ? g_strdup_printf ("%.0f", 100 * report->confusion_normalised[t * k + p])
                     : g_strdup_printf ("%d", report->confusion[t * k + p]);
  text = luminance (&fill) > 0.55 ? (GdkRGBA) { 0.1, 0.1, 0.1, 1 } : (GdkRGBA) { 1, 1, 1, 1 };
  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, &text);
  pb_plot_draw_text (cr, style, label, r->x + r->width / 2, r->y + r->height / 2, PB_ALIGN_CENTER,
                     PB_ALIGN_CENTER, r->width < 30 ? 0.75 : 0.9, t == p, NULL);
  cairo_restore (cr);
}

static void
cell_rect (const PbConfusionLayout *layout, int t, int p, PbRect *r)
{
  r->x = layout->matrix.x + p * layout->cell;
  r->y = layout->matrix.y + t * layout->cell;
  r->width = r->height = layout->cell;
}

static void
outline_cell (cairo_t *cr, const PbConfusionLayout *layout, int cell, const GdkRGBA *rgba, double width)
{
  int k = layout->n_classes;
  PbRect r;

  if (cell < 0 || cell >= k * k)
    return;
  cell_rect (layout, cell / k, cell % k, &r);
  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_set_line_width (cr, width);
  cairo_rectangle (cr, r.x + width / 2, r.y + width / 2, r.width - width, r.height - width);
  cairo_stroke (cr);
}

static void
draw_labels (cairo_t *cr, const PbPlotStyle *style, const PbConfusionLayout *layout,
             const char *const *names)
{
  const PbRect *m = &layout->matrix;
  double scale = layout->cell < 16 ? 0.75 : 0.9;

  gdk_cairo_set_source_rgba (cr, &style->foreground);
  for (int c = 0; c < layout->n_classes; c++)
    {
      double centre = (c + 0.5) * layout->cell;

      pb_plot_draw_text (cr, style, names[c], m->x - 4, m->y + centre, PB_ALIGN_END, PB_ALIGN_CENTER, scale,
                         FALSE, NULL);
      /* column names turned so long names do not collide */
      cairo_save (cr);
      cairo_translate (cr, m->x + centre, m->y - 4);
      cairo_rotate (cr, -G_PI / 4);
      pb_plot_draw_text (cr, style, names[c], 0, 0, PB_ALIGN_START, PB_ALIGN_CENTER, scale, FALSE, NULL);
      cairo_restore (cr);
    }
}

void
pb_confusion_draw (cairo_t *cr, int width, int height, const NnClassReport *report, const char *const *names,
                   gboolean normalised, int hover, int selected, const PbPlotStyle *style,
                   PbConfusionLayout *layout)
{
  PbConfusionLayout local;
  double label_w = 0, text_h, left, top, avail_w, avail_h;
  int k, max_count = 0;
  GdkRGBA outline;

  if (layout == NULL)
    layout = &local;
  layout->n_classes = 0;
  pb_plot_fill_background (cr, style, width, height);
  if (report == NULL || report->n_classes == 0)
    {
      pb_plot_draw_message (cr, style, width, height, _("Train a model or open one to see its confusion matrix"));
      return;
    }
  k = report->n_classes;
  for (int c = 0; c < k; c++)
    {
      double w;

      pb_plot_measure_text (cr, style, names[c], 0.9, FALSE, &w, &text_h);
      label_w = MAX (label_w, w);
    }
  for (int i = 0; i < k * k; i++)
    max_count = MAX (max_count, report->confusion[i]);

  /* room for the row names and titles on the left, the turned column names on top */
  left = label_w + 2 * text_h + 12;
  top = label_w * 0.72 + 2 * text_h + 12;
  avail_w = width - left - COLOR_BAR_WIDTH - 60;
  avail_h = height - top - 8;
  layout->n_classes = k;
  layout->cell = floor (MAX (4, MIN (avail_w, avail_h) / k));
  layout->matrix.x = left;
  layout->matrix.y = top;
  layout->matrix.width = layout->matrix.height = layout->cell * k;

  for (int t = 0; t < k; t++)
    for (int p = 0; p < k; p++)
      {
        PbRect r;

        cell_rect (layout, t, p, &r);
        draw_cell (cr, report, t, p, normalised, &r, style);
      }
  gdk_cairo_set_source_rgba (cr, &style->grid);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, layout->matrix.x + 0.5, layout->matrix.y + 0.5, layout->matrix.width,
                   layout->matrix.height);
  cairo_stroke (cr);
  outline = style->foreground;
  outline.alpha = 0.6;
  outline_cell (cr, layout, hover, &outline, 1.5);
  outline_cell (cr, layout, selected, &style->foreground, 2.5);

  draw_labels (cr, style, layout, names);
  pb_plot_draw_text (cr, style, _("predicted class →"), layout->matrix.x, 4, PB_ALIGN_START, PB_ALIGN_START,
                     1.0, TRUE, NULL);
  cairo_save (cr);
  cairo_translate (cr, 4, layout->matrix.y + layout->matrix.height);
  cairo_rotate (cr, -G_PI / 2);
  pb_plot_draw_text (cr, style, _("true class →"), 0, 0, PB_ALIGN_START, PB_ALIGN_START, 1.0, TRUE, NULL);
  cairo_restore (cr);
  draw_color_bar (cr, style, &layout->matrix, normalised, max_count);
}

int
pb_confusion_cell_at (const PbConfusionLayout *layout, double x, double y)
{
  int t, p;

  if (layout->n_classes == 0 || !pb_rect_contains (&layout->matrix, x, y))
    return -1;
  t = (int) ((y - layout->matrix.y) / layout->cell);
  p = (int) ((x - layout->matrix.x) / layout->cell);
  if (t < 0 || p < 0 || t >= layout->n_classes || p >= layout->n_classes)
    return -1;
  return t * layout->n_classes + p;
}

/* ---- the widget ------------------------------------------------------- */

struct _PbConfusionView
{
  GtkWidget parent_instance;

  PbRunScores scores;
  gboolean normalised;
  int hover, selected;
  PbConfusionLayout layout;
};

enum
{
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pb_confusion_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbConfusionView, pb_confusion_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_confusion_view_plottable_init))

char *
pb_confusion_view_describe_cell (PbConfusionView *self, int t, int p)
{
  const NnClassReport *r = pb_run_scores_report (&self->scores);
  int k, count, row_total;

  if (r == NULL || t < 0 || p < 0 || t >= r->n_classes || p >= r->n_classes)
    return NULL;
  k = r->n_classes;
  count = r->confusion[t * k + p];
  row_total = r->support[t];
  return g_strdup_printf (_("True %s, predicted %s\n%d of %d objects (%.1f%% of the class, %.1f%% of all)"),
                          self->scores.names[t], self->scores.names[p], count, row_total,
                          row_total > 0 ? 100.0 * count / row_total : 0.0,
                          r->n_rows > 0 ? 100.0 * count / r->n_rows : 0.0);
}

static void
update_accessible_description (PbConfusionView *self)
{
  const NnClassReport *r = pb_run_scores_report (&self->scores);
  g_autofree char *text = NULL;

  if (r == NULL)
    text = g_strdup (_("Confusion matrix: nothing evaluated yet"));
  else
    text = g_strdup_printf (_("Confusion matrix of %d classes over %d objects, accuracy %.1f%%. "
                              "Arrow keys move between cells, Enter shows their light curves."),
                            r->n_classes, r->n_rows, 100 * r->accuracy);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
pb_confusion_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbConfusionView *self = PB_CONFUSION_VIEW (widget);
  PbPlotStyle style;
  int width, height;
  cairo_t *cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);

  if (cr == NULL)
    return;
  pb_confusion_draw (cr, width, height, pb_run_scores_report (&self->scores),
                     (const char *const *) self->scores.names, self->normalised, self->hover, self->selected,
                     &style, &self->layout);
  cairo_destroy (cr);
}

void
pb_confusion_view_activate_cell (PbConfusionView *self, int t, int p)
{
  const NnClassReport *r = pb_run_scores_report (&self->scores);

  if (r == NULL || t < 0 || p < 0 || t >= r->n_classes || p >= r->n_classes)
    return;
  self->selected = t * r->n_classes + p;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, t, p);
}

gboolean
pb_confusion_view_cell_center (PbConfusionView *self, int t, int p, double *x, double *y)
{
  int k = self->layout.n_classes;

  if (k == 0 || t < 0 || p < 0 || t >= k || p >= k)
    return FALSE;
  *x = self->layout.matrix.x + (p + 0.5) * self->layout.cell;
  *y = self->layout.matrix.y + (t + 0.5) * self->layout.cell;
  return TRUE;
}

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, PbConfusionView *self)
{
  int cell = pb_confusion_cell_at (&self->layout, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (cell >= 0)
    pb_confusion_view_activate_cell (self, cell / self->layout.n_classes, cell % self->layout.n_classes);
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, PbConfusionView *self)
{
  int cell = pb_confusion_cell_at (&self->layout, x, y);

  if (cell != self->hover)
    {
      self->hover = cell;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *motion, PbConfusionView *self)
{
  self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                PbConfusionView *self)
{
  const NnClassReport *r = pb_run_scores_report (&self->scores);
  int k, t, p;

  if (r == NULL)
    return FALSE;
  k = r->n_classes;
  t = self->selected >= 0 ? self->selected / k : 0;
  p = self->selected >= 0 ? self->selected % k : 0;
  switch (keyval)
    {
    case GDK_KEY_Up: t = (t + k - 1) % k; break;
    case GDK_KEY_Down: t = (t + 1) % k; break;
    case GDK_KEY_Left: p = (p + k - 1) % k; break;
    case GDK_KEY_Right: p = (p + 1) % k; break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      pb_confusion_view_activate_cell (self, t, p);
      return TRUE;
    default:
      return FALSE;
    }
  self->selected = t * k + p;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  PbConfusionView *self)
{
  int cell = keyboard ? self->selected : pb_confusion_cell_at (&self->layout, x, y);
  int k = self->layout.n_classes;
  g_autofree char *text = NULL;

  if (cell < 0 || k == 0)
    return FALSE;
  text = pb_confusion_view_describe_cell (self, cell / k, cell % k);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbConfusionView *self = PB_CONFUSION_VIEW (plottable);

  pb_confusion_draw (cr, width, height, pb_run_scores_report (&self->scores),
                     (const char *const *) self->scores.names, self->normalised, -1, -1, style, NULL);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  PbConfusionView *self = PB_CONFUSION_VIEW (plottable);

  return g_strdup_printf ("confusion-matrix-%s", self->normalised ? "normalised" : "counts");
}

static void
pb_confusion_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_confusion_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                           int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = 260;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 560 : 480;
}

static void
pb_confusion_view_finalize (GObject *object)
{
  PbConfusionView *self = PB_CONFUSION_VIEW (object);

  pb_run_scores_clear (&self->scores);
  G_OBJECT_CLASS (pb_confusion_view_parent_class)->finalize (object);
}

static void
pb_confusion_view_class_init (PbConfusionViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pb_confusion_view_finalize;

  /* a cell was clicked or chosen with Enter: (true class, predicted class) */
  signals[CELL_ACTIVATED] = g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  pb_view_class_setup (widget_class, pb_confusion_view_snapshot, pb_confusion_view_measure, "confusionview");
}

static void
pb_confusion_view_init (PbConfusionView *self)
{
  const PbViewHandlers handlers = {
    .query_tooltip = G_CALLBACK (query_tooltip_cb),
    .pressed = G_CALLBACK (click_pressed_cb),
    .motion = G_CALLBACK (motion_cb),
    .leave = G_CALLBACK (leave_cb),
    .key_pressed = G_CALLBACK (key_pressed_cb),
  };

  self->hover = self->selected = -1;
  pb_run_scores_set (&self->scores, NULL);
  pb_view_setup_interaction (GTK_WIDGET (self), &handlers, self);
  update_accessible_description (self);
}

GtkWidget *
pb_confusion_view_new (void)
{
  return g_object_new (PB_TYPE_CONFUSION_VIEW, NULL);
}

void
pb_confusion_view_set_run (PbConfusionView *self, PbRun *run)
{
  pb_run_scores_set (&self->scores, run);
  self->hover = self->selected = -1;
  self->layout.n_classes = 0;
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pb_confusion_view_set_normalised (PbConfusionView *self, gboolean normalised)
{
  self->normalised = normalised;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
pb_confusion_view_get_normalised (PbConfusionView *self)
{
  return self->normalised;
}
