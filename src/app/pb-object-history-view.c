/* pb-object-history-view.c: one object's class probabilities per epoch. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-object-history-view.h"
#include "pb-plottable.h"

/* Lines of classes that never reach this probability stay grey and out of
 * the legend, so a 14-class model still reads at a glance. */
#define SHOWN_PROBABILITY 0.05
#define MAX_LEGEND 5

/* No green: that is the true class's. */
static const char *const class_palette[] = {
  "#1c71d8", "#e66100", "#9141ac", "#c01c28", "#986a44", "#2190a4",
};

void
pb_object_history_class_color (const PbPlotStyle *style, int rank, GdkRGBA *out)
{
  pb_plot_style_band_color (style, class_palette[rank % G_N_ELEMENTS (class_palette)], out);
}

void
pb_object_history_true_color (const PbPlotStyle *style, GdkRGBA *out)
{
  pb_plot_style_band_color (style, "#26a269", out);
}

static float
probability (const NnObjectHistory *h, int epoch, int object, int k)
{
  return h->probs[((size_t) epoch * h->n_objects + object) * h->n_classes + k];
}

static float
max_probability (const NnObjectHistory *h, int object, int k)
{
  float best = 0;
  for (int e = 0; e < h->n_epochs; e++)
    best = MAX (best, probability (h, e, object, k));
  return best;
}

static void
draw_class_line (cairo_t *cr, const NnObjectHistory *h, int object, int k, const PbPlotArea *area,
                 const GdkRGBA *color, double line_width)
{
  gboolean pen = FALSE;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, line_width);
  for (int e = 0; e < h->n_epochs; e++)
    {
      float p = probability (h, e, object, k);
      if (isnan (p))
        {
          pen = FALSE;
          continue;
        }
      pb_plot_polyline_to (cr, &pen, pb_plot_area_to_x (area, e + 1), pb_plot_area_to_y (area, p));
    }
  cairo_stroke (cr);
  if (h->n_epochs > 30)
    return;
  for (int e = 0; e < h->n_epochs; e++)
    if (!isnan (probability (h, e, object, k)))
      {
        pb_plot_marker_path (cr, pb_plot_area_to_x (area, e + 1),
                             pb_plot_area_to_y (area, probability (h, e, object, k)), line_width + 1);
        cairo_fill (cr);
      }
}

typedef struct
{
  const NnObjectHistory *h;
  int object;
} ClassOrder;

static int
compare_peaks (gconstpointer a, gconstpointer b, gpointer data)
{
  const ClassOrder *o = data;
  float pa = max_probability (o->h, o->object, *(const int *) a);
  float pb = max_probability (o->h, o->object, *(const int *) b);
  return (pa < pb) - (pa > pb);
}

/* The classes drawn in colour: those that reach SHOWN_PROBABILITY, the most
 * likely first, the true class not among them. */
static GArray *
coloured_classes (const NnObjectHistory *h, int object)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  ClassOrder order = { h, object };

  for (int k = 0; k < h->n_classes; k++)
    if (k != h->labels[object] && max_probability (h, object, k) >= SHOWN_PROBABILITY)
      g_array_append_val (out, k);
  g_qsort_with_data (out->data, out->len, sizeof (int), compare_peaks, &order);
  return out;
}

/* The class of legend entry i: the true class first when known. */
static int
legend_class (int truth, GArray *coloured, int i)
{
  if (truth >= 0)
    return i == 0 ? truth : g_array_index (coloured, int, i - 1);
  return g_array_index (coloured, int, i);
}

void
pb_object_history_draw (cairo_t *cr, int width, int height, PbRun *run, int object,
                        const PbPlotStyle *style, PbPlotArea *area_out)
{
  const int *rows = NULL;
  const NnObjectHistory *h = run != NULL ? pb_run_get_object_history (run, &rows) : NULL;
  PbPlotArea area = { { 0 }, 0.5, 1.5, 0, 1, FALSE };
  PbLegendEntry legend[MAX_LEGEND + 1];
  PbRect boxes[MAX_LEGEND + 1], title_extent;
  g_autoptr (GArray) coloured = NULL;
  g_autofree char *title = NULL;
  GdkRGBA grey;
  int truth, n_legend = 0;
  double top;

  pb_plot_fill_background (cr, style, width, height);
  if (h == NULL || h->n_epochs == 0)
    {
      pb_plot_draw_message (cr, style, width, height,
                            run == NULL ? _("Train a model to see how its predictions changed")
                                        : _("This run kept no per-object history"));
      return;
    }
  if (object < 0 || object >= h->n_objects)
    {
      pb_plot_draw_message (cr, style, width, height, _("Pick an object to see its probabilities"));
      return;
    }
  truth = h->labels[object];
  title = truth >= 0
    ? g_strdup_printf (_("%s, true class %s"), run->dataset->objects[rows[object]].id,
                       pb_run_class_name (run, truth))
    : g_strdup_printf (_("%s, class unknown"), run->dataset->objects[rows[object]].id);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, title, 8, 4, PB_ALIGN_START, PB_ALIGN_START, 1, TRUE, &title_extent);
  top = title_extent.y + title_extent.height + 2;

  /* the legend under the title, the true class first */
  if (truth >= 0)
    pb_object_history_true_color (style, &legend[n_legend++].color);
  coloured = coloured_classes (h, object);
  for (guint i = 0; i < coloured->len && n_legend <= MAX_LEGEND; i++)
    pb_object_history_class_color (style, (int) i, &legend[n_legend++].color);
  for (int i = 0; i < n_legend; i++)
    {
      legend[i].label = pb_run_class_name (run, legend_class (truth, coloured, i));
      legend[i].active = TRUE;
    }
  pb_plot_draw_legend (cr, style, legend, n_legend, width - 8, top, width - 16, boxes);
  for (int i = 0; i < n_legend; i++)
    top = MAX (top, boxes[i].y + boxes[i].height);

  area.xmin = 0.5;
  area.xmax = h->n_epochs + 0.5;
  pb_plot_area_layout (&area, cr, style, width, height - top - 4, TRUE);
  area.rect.y += top + 4;
  if (area.rect.width < 20 || area.rect.height < 20)
    return;
  pb_plot_draw_axes (cr, style, &area, _("Epoch"), _("Probability"));

  cairo_save (cr);
  cairo_rectangle (cr, area.rect.x, area.rect.y - 4, area.rect.width, area.rect.height + 8);
  cairo_clip (cr);
  grey = style->foreground;
  grey.alpha = 0.25;
  /* grey classes first, then coloured ones, the true class on top */
  for (int k = 0; k < h->n_classes; k++)
    if (k != truth && max_probability (h, object, k) < SHOWN_PROBABILITY)
      draw_class_line (cr, h, object, k, &area, &grey, 1);
  /* coloured classes the legend has no room for: thin */
  for (guint i = n_legend - (truth >= 0 ? 1 : 0); i < coloured->len; i++)
    {
      GdkRGBA color;
      pb_object_history_class_color (style, (int) i, &color);
      draw_class_line (cr, h, object, g_array_index (coloured, int, i), &area, &color, 1);
    }
  for (int i = n_legend - 1; i >= 0; i--)
    {
      int k = legend_class (truth, coloured, i);
      draw_class_line (cr, h, object, k, &area, &legend[i].color, k == truth ? 3.5 : 1.5);
    }
  cairo_restore (cr);
  if (area_out != NULL)
    *area_out = area;
}

/* ---- the widget ------------------------------------------------------- */

struct _PbObjectHistoryView
{
  GtkWidget parent_instance;
  PbRun *run;
  int object;
  PbPlotArea area;
};

static void pb_object_history_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbObjectHistoryView, pb_object_history_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE,
                                                      pb_object_history_view_plottable_init))

/* "Epoch 4: SN Ia 0.61, SN II 0.22, ...": the classes at one epoch, most likely first. */
static char *
describe_epoch (PbObjectHistoryView *self, int epoch)
{
  const NnObjectHistory *h = self->run != NULL ? pb_run_get_object_history (self->run, NULL) : NULL;
  GString *text;
  gboolean used[64] = { FALSE };

  if (h == NULL || self->object < 0 || epoch < 0 || epoch >= h->n_epochs)
    return NULL;
  text = g_string_new (NULL);
  g_string_printf (text, _("Epoch %d"), epoch + 1);
  for (int shown = 0; shown < MIN (4, MIN (h->n_classes, 64)); shown++)
    {
      int best = -1;
      for (int k = 0; k < MIN (h->n_classes, 64); k++)
        if (!used[k] && (best < 0 || probability (h, epoch, self->object, k)
                                     > probability (h, epoch, self->object, best)))
          best = k;
      used[best] = TRUE;
      g_string_append_printf (text, "%s %s %.2f", shown == 0 ? ":" : ",",
                              pb_run_class_name (self->run, best),
                              probability (h, epoch, self->object, best));
    }
  return g_string_free (text, FALSE);
}

static void
update_accessible_description (PbObjectHistoryView *self)
{
  const int *rows = NULL;
  const NnObjectHistory *h = self->run != NULL ? pb_run_get_object_history (self->run, &rows) : NULL;
  g_autofree char *last = NULL, *text = NULL;

  if (h != NULL && self->object >= 0 && h->n_epochs > 0)
    {
      last = describe_epoch (self, h->n_epochs - 1);
      text = g_strdup_printf (_("Class probabilities of %s over %d epochs; last: %s"),
                              self->run->dataset->objects[rows[self->object]].id, h->n_epochs, last);
    }
  else
    text = g_strdup (_("Class probabilities across epochs: no object shown"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbObjectHistoryView *self = PB_OBJECT_HISTORY_VIEW (widget);
  PbPlotStyle style;
  int width, height;
  cairo_t *cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);

  if (cr == NULL)
    return;
  pb_object_history_draw (cr, width, height, self->run, self->object, &style, &self->area);
  cairo_destroy (cr);
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  PbObjectHistoryView *self)
{
  g_autofree char *text = NULL;

  if (self->area.rect.width <= 0 || !pb_rect_contains (&self->area.rect, x, y))
    return FALSE;
  text = describe_epoch (self, (int) lround (pb_plot_area_from_x (&self->area, x)) - 1);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbObjectHistoryView *self = PB_OBJECT_HISTORY_VIEW (plottable);
  pb_object_history_draw (cr, width, height, self->run, self->object, style, NULL);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  PbObjectHistoryView *self = PB_OBJECT_HISTORY_VIEW (plottable);
  const int *rows = NULL;

  if (self->run == NULL || self->object < 0 || pb_run_get_object_history (self->run, &rows) == NULL)
    return g_strdup ("object-history");
  return g_strdup_printf ("object-history-%s", self->run->dataset->objects[rows[self->object]].id);
}

static void
pb_object_history_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
         int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 520 : 320;
}

static void
pb_object_history_view_finalize (GObject *object)
{
  PbObjectHistoryView *self = PB_OBJECT_HISTORY_VIEW (object);

  g_clear_pointer (&self->run, pb_run_unref);
  G_OBJECT_CLASS (pb_object_history_view_parent_class)->finalize (object);
}

static void
pb_object_history_view_class_init (PbObjectHistoryViewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_object_history_view_finalize;
  pb_view_class_setup (GTK_WIDGET_CLASS (klass), snapshot, measure, "objecthistoryview");
}

static void
pb_object_history_view_init (PbObjectHistoryView *self)
{
  const PbViewHandlers handlers = { .query_tooltip = G_CALLBACK (query_tooltip_cb) };

  self->object = -1;
  pb_view_setup_interaction (GTK_WIDGET (self), &handlers, self);
  update_accessible_description (self);
}

GtkWidget *
pb_object_history_view_new (void)
{
  return g_object_new (PB_TYPE_OBJECT_HISTORY_VIEW, NULL);
}

void
pb_object_history_view_set_object (PbObjectHistoryView *self, PbRun *run, int object)
{
  if (run != self->run)
    {
      g_clear_pointer (&self->run, pb_run_unref);
      self->run = run != NULL ? pb_run_ref (run) : NULL;
    }
  self->object = object;
  self->area.rect.width = 0;
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
pb_object_history_view_get_object (PbObjectHistoryView *self)
{
  return self->object;
}
