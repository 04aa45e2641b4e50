/* pb-overview-view.c: dataset overview: counts, class bars, length histogram */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-overview-view.h"
#include "pb-plottable.h"

int
pb_overview_length_histogram (const LcDataset *ds, int max_bins, int *counts, int *lo, int *bin_width)
{
  int min_len = G_MAXINT, max_len = 0, n_bins;

  if (ds == NULL || ds->n_objects == 0 || max_bins <= 0)
    return 0;
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      min_len = MIN (min_len, ds->objects[i].n_obs);
      max_len = MAX (max_len, ds->objects[i].n_obs);
    }
  *lo = min_len;
  *bin_width = MAX (1, (max_len - min_len + max_bins) / max_bins);
  n_bins = (max_len - min_len) / *bin_width + 1;
  memset (counts, 0, sizeof (int) * n_bins);
  for (gsize i = 0; i < ds->n_objects; i++)
    counts[(ds->objects[i].n_obs - min_len) / *bin_width]++;
  return n_bins;
}

static void
draw_class_bars (cairo_t *cr, const LcDataset *ds, const PbRect *box, int highlighted,
                 const PbPlotStyle *style, PbOverviewLayout *layout)
{
  double label_w = 0, text_h, row_h, bar_x, bar_w;
  int max_count = 1;
  int n = MIN (ds->n_classes, PB_OVERVIEW_MAX_CLASSES);

  pb_plot_measure_text (cr, style, "Mg", 1.0, FALSE, NULL, &text_h);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, _("Objects per class"), box->x, box->y, PB_ALIGN_START, PB_ALIGN_START,
                     1.0, TRUE, NULL);
  if (n == 0)
    {
      pb_plot_draw_message (cr, style, box->x * 2 + box->width, box->y * 2 + box->height, _("No labels"));
      return;
    }
  for (int c = 0; c < n; c++)
    {
      double w;

      pb_plot_measure_text (cr, style, ds->classes[c].name, 1.0, FALSE, &w, NULL);
      label_w = MAX (label_w, w);
      max_count = MAX (max_count, ds->classes[c].count);
    }
  label_w = MIN (label_w, box->width * 0.4);
  row_h = MIN ((box->height - text_h - 8) / n, text_h * 2.0);
  bar_x = box->x + label_w + 8;
  bar_w = box->width - label_w - 8 - 50;

  for (int c = 0; c < n; c++)
    {
      double y = box->y + text_h + 8 + c * row_h;
      double len = bar_w * ds->classes[c].count / (double) max_count;
      g_autofree char *count = g_strdup_printf ("%d", ds->classes[c].count);
      GdkRGBA bar = style->accent;

      if (c == highlighted)
        {
          GdkRGBA band = style->accent;

          band.alpha = 0.15;
          gdk_cairo_set_source_rgba (cr, &band);
          cairo_rectangle (cr, box->x, y, box->width, row_h);
          cairo_fill (cr);
        }
      else
        bar.alpha = 0.8;
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      cairo_save (cr);
      cairo_rectangle (cr, box->x, y, label_w, row_h);
      cairo_clip (cr);
      pb_plot_draw_text (cr, style, ds->classes[c].name, bar_x - 8, y + row_h / 2, PB_ALIGN_END, PB_ALIGN_CENTER,
                         1.0, FALSE, NULL);
      cairo_restore (cr);
      gdk_cairo_set_source_rgba (cr, &bar);
      cairo_rectangle (cr, bar_x, y + row_h * 0.15, MAX (len, 1), row_h * 0.7);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      pb_plot_draw_text (cr, style, count, bar_x + len + 4, y + row_h / 2, PB_ALIGN_START, PB_ALIGN_CENTER,
                         0.9, FALSE, NULL);
      if (layout != NULL)
        layout->class_bars[c] = (PbRect) { box->x, y, box->width, row_h };
    }
  if (layout != NULL)
    layout->n_classes = n;
}

static void
draw_length_histogram (cairo_t *cr, const LcDataset *ds, const PbRect *box,
                       const PbPlotStyle *style, PbOverviewLayout *layout)
{
  int counts[40], lo = 0, bin_width = 1, n_bins, max_count = 0;
  double text_h;
  PbPlotArea area = { 0 };
  GdkRGBA bar = style->accent;

  pb_plot_measure_text (cr, style, "Mg", 1.0, FALSE, NULL, &text_h);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, _("Observations per object"), box->x, box->y, PB_ALIGN_START, PB_ALIGN_START,
                     1.0, TRUE, NULL);
  n_bins = pb_overview_length_histogram (ds, G_N_ELEMENTS (counts), counts, &lo, &bin_width);
  for (int b = 0; b < n_bins; b++)
    max_count = MAX (max_count, counts[b]);

  area.xmin = lo;
  area.xmax = lo + n_bins * bin_width;
  /* a few bins (every object equally long, as on a .ts grid) would be drawn as one
   * wall with fractional ticks: give them room on both sides */
  if (n_bins < 5)
    {
      area.xmin -= (5 - n_bins) * bin_width;
      area.xmax += (5 - n_bins) * bin_width;
    }
  area.ymin = 0;
  area.ymax = MAX (max_count, 1) * 1.08;
  cairo_save (cr);
  cairo_translate (cr, box->x, box->y + text_h + 6);
  pb_plot_area_layout (&area, cr, style, box->width, box->height - text_h - 6, TRUE);
  pb_plot_draw_axes (cr, style, &area, _("Observations"), _("Objects"));
  bar.alpha = 0.8;
  gdk_cairo_set_source_rgba (cr, &bar);
  for (int b = 0; b < n_bins; b++)
    {
      double x0 = pb_plot_area_to_x (&area, lo + b * bin_width);
      double x1 = pb_plot_area_to_x (&area, lo + (b + 1) * bin_width);
      double y = pb_plot_area_to_y (&area, counts[b]);

      cairo_rectangle (cr, x0 + 0.5, y, MAX (x1 - x0 - 1, 1), area.rect.y + area.rect.height - y);
    }
  cairo_fill (cr);
  cairo_restore (cr);
  if (layout != NULL)
    {
      area.rect.x += box->x;
      area.rect.y += box->y + text_h + 6;
      layout->histogram = area;
    }
}

void
pb_overview_draw (cairo_t *cr, int width, int height, const LcDataset *ds,
                  int highlighted, const PbPlotStyle *style, PbOverviewLayout *layout)
{
  g_autofree char *name = NULL;
  g_autofree char *summary = NULL;
  PbRect extent, bars, histogram;
  double top;

  if (layout != NULL)
    memset (layout, 0, sizeof *layout);
  cairo_save (cr);
  pb_plot_fill_background (cr, style, width, height);
  if (ds == NULL)
    {
      pb_plot_draw_message (cr, style, width, height, _("No dataset open"));
      cairo_restore (cr);
      return;
    }

  if (ds->source == LC_SOURCE_SIMULATED)
    name = g_strdup (_("Simulated sample"));
  else
    name = g_path_get_basename (ds->path != NULL ? ds->path : "?");
  summary = g_strdup_printf (_("%zu objects · %zu observations · %d passbands · %d classes"),
                             (size_t) ds->n_objects, (size_t) ds->n_obs, ds->n_bands, ds->n_classes);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, name, 12, 10, PB_ALIGN_START, PB_ALIGN_START, 1.3, TRUE, &extent);
  pb_plot_draw_text (cr, style, summary, 12, extent.y + extent.height + 2, PB_ALIGN_START, PB_ALIGN_START,
                     1.0, FALSE, &extent);
  top = extent.y + extent.height + 16;

  /* side by side when wide, stacked when narrow */
  if (width >= 700)
    {
      bars = (PbRect) { 12, top, width * 0.45 - 18, height - top - 12 };
      histogram = (PbRect) { width * 0.45 + 12, top, width * 0.55 - 24, height - top - 12 };
    }
  else
    {
      double half = (height - top - 24) / 2;
      bars = (PbRect) { 12, top, width - 24, half };
      histogram = (PbRect) { 12, top + half + 12, width - 24, half };
    }
  draw_class_bars (cr, ds, &bars, highlighted, style, layout);
  draw_length_histogram (cr, ds, &histogram, style, layout);
  cairo_restore (cr);
}

/* ---- the widget ------------------------------------------------------- */

struct _PbOverviewView
{
  GtkWidget parent_instance;

  LcDataset *dataset;
  PbOverviewLayout layout;
  int highlighted;
};

enum
{
  CLASS_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pb_overview_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbOverviewView, pb_overview_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_overview_view_plottable_init))

static void
update_accessible_description (PbOverviewView *self)
{
  g_autofree char *text = NULL;

  if (self->dataset == NULL)
    text = g_strdup (_("Dataset overview: no dataset open"));
  else
    text = g_strdup_printf (_("Dataset overview: %zu objects in %d classes, %d passbands"),
                            (size_t) self->dataset->n_objects, self->dataset->n_classes,
                            self->dataset->n_bands);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

void
pb_overview_view_set_dataset (PbOverviewView *self, LcDataset *ds)
{
  g_return_if_fail (PB_IS_OVERVIEW_VIEW (self));
  if (ds != NULL)
    lc_dataset_ref (ds);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds;
  self->highlighted = -1;
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pb_overview_view_activate_class (PbOverviewView *self, int class_index)
{
  if (self->dataset == NULL || class_index < 0 || class_index >= self->dataset->n_classes)
    return;
  self->highlighted = class_index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CLASS_ACTIVATED], 0, class_index);
}

static int
class_at (PbOverviewView *self, double x, double y)
{
  for (int c = 0; c < self->layout.n_classes; c++)
    if (pb_rect_contains (&self->layout.class_bars[c], x, y))
      return c;
  return -1;
}

static void
pb_overview_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbOverviewView *self = PB_OVERVIEW_VIEW (widget);
  PbPlotStyle style;
  int width, height;
  cairo_t *cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);

  if (cr == NULL)
    return;
  pb_overview_draw (cr, width, height, self->dataset, self->highlighted, &style, &self->layout);
  cairo_destroy (cr);
}

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, PbOverviewView *self)
{
  int c = class_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (c >= 0)
    pb_overview_view_activate_class (self, c);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, PbOverviewView *self)
{
  int n = self->layout.n_classes;

  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
      self->highlighted = self->highlighted <= 0 ? n - 1 : self->highlighted - 1;
      break;
    case GDK_KEY_Down:
      self->highlighted = (self->highlighted + 1) % n;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      pb_overview_view_activate_class (self, self->highlighted);
      return TRUE;
    default:
      return FALSE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  PbOverviewView *self)
{
  g_autofree char *text = NULL;
  int c = class_at (self, x, y);

  if (c < 0 || self->dataset == NULL)
    return FALSE;
  text = g_strdup_printf (_("%s (class %d): %d objects — click to show them"),
                          self->dataset->classes[c].name, self->dataset->classes[c].id,
                          self->dataset->classes[c].count);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
pb_overview_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                          int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 300 : 300;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 500;
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  pb_overview_draw (cr, width, height, PB_OVERVIEW_VIEW (plottable)->dataset, -1, style, NULL);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  return g_strdup ("overview");
}

static void
pb_overview_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_overview_view_finalize (GObject *object)
{
  PbOverviewView *self = PB_OVERVIEW_VIEW (object);

  g_clear_pointer (&self->dataset, lc_dataset_unref);
  G_OBJECT_CLASS (pb_overview_view_parent_class)->finalize (object);
}

static void
pb_overview_view_class_init (PbOverviewViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_overview_view_finalize;

  /* the user picked a class (index into dataset->classes) */
  signals[CLASS_ACTIVATED] = g_signal_new ("class-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  pb_view_class_setup (widget_class, pb_overview_view_snapshot, pb_overview_view_measure, "overviewview");
}

static void
pb_overview_view_init (PbOverviewView *self)
{
  const PbViewHandlers handlers = {
    .query_tooltip = G_CALLBACK (query_tooltip_cb),
    .pressed = G_CALLBACK (click_pressed_cb),
    .key_pressed = G_CALLBACK (key_pressed_cb),
  };

  self->highlighted = -1;
  pb_view_setup_interaction (GTK_WIDGET (self), &handlers, self);
  update_accessible_description (self);
}

GtkWidget *
pb_overview_view_new (void)
{
  return g_object_new (PB_TYPE_OVERVIEW_VIEW, NULL);
}
