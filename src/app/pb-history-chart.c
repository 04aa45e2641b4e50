/* pb-history-chart.c: live training curves */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-history-chart.h"
#include "pb-plottable.h"

#define TRAIN_COLOR "#1c71d8"
#define VAL_COLOR "#e66100"
#define BEST_COLOR "#26a269"

double
pb_history_log_loss (double loss)
{
  return log10 (MAX (loss, 1e-6));
}

/* ---- drawing ---------------------------------------------------------- */

static void
color (const PbPlotStyle *style, const char *hex, double alpha, GdkRGBA *out)
{
  pb_plot_style_band_color (style, hex, out);
  out->alpha *= alpha;
}

/* Loss range over the runs' epochs and batch points, in log10. */
static void
loss_range (PbRun *const *runs, int n_runs, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int r = 0; r < n_runs; r++)
    {
      if (runs[r] == NULL)
        continue;
      for (guint i = 0; i < runs[r]->epochs->len; i++)
        {
          const NnEpochStats *s = &g_array_index (runs[r]->epochs, NnEpochStats, i);
          double v[2] = { s->loss, s->val_loss };

          for (int k = 0; k < 2; k++)
            if (isfinite (v[k]))
              {
                *lo = MIN (*lo, pb_history_log_loss (v[k]));
                *hi = MAX (*hi, pb_history_log_loss (v[k]));
              }
        }
      for (guint i = 0; i < runs[r]->batches->len; i++)
        {
          double v = g_array_index (runs[r]->batches, PbBatchPoint, i).loss;

          if (isfinite (v))
            {
              *lo = MIN (*lo, pb_history_log_loss (v));
              *hi = MAX (*hi, pb_history_log_loss (v));
            }
        }
    }
  if (!isfinite (*lo))
    {
      *lo = -1;
      *hi = 0.5;
    }
  /* at least a factor of two, and a little room above and below */
  if (*hi - *lo < 0.3)
    {
      double mid = 0.5 * (*hi + *lo);
      *lo = mid - 0.15;
      *hi = mid + 0.15;
    }
  *lo -= 0.04 * (*hi - *lo);
  *hi += 0.04 * (*hi - *lo);
}

/* Grid, frame and ticks of the loss panel: x linear, y at 1, 2 and 5 times powers of ten. */
static void
draw_log_axes (cairo_t *cr, const PbPlotStyle *style, const PbPlotArea *area, const char *x_title,
               const char *y_title)
{
  const PbRect *r = &area->rect;
  PbTicks xt;
  double text_h;
  static const double fine[] = { 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9 };
  static const double coarse[] = { 1, 2, 5 };
  double range = area->ymax - area->ymin;
  /* a narrow range (the loss of a slow run) still needs a few labelled ticks */
  const double *mantissas = range < 0.7 ? fine : coarse;
  guint n_mantissas = range < 0.7 ? G_N_ELEMENTS (fine) : range < 2.5 ? G_N_ELEMENTS (coarse) : 1;

  pb_plot_measure_text (cr, style, "0", 1.0, FALSE, NULL, &text_h);
  pb_nice_ticks (area->xmin, area->xmax, MAX (2, (int) (r->width / (text_h * 5))), &xt);
  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  cairo_rectangle (cr, round (r->x) + 0.5, round (r->y) + 0.5, round (r->width), round (r->height));
  cairo_stroke (cr);
  for (int i = 0; i < xt.n; i++)
    {
      g_autofree char *label = pb_format_number (xt.values[i], xt.decimals);
      double x = round (pb_plot_area_to_x (area, xt.values[i])) + 0.5;

      gdk_cairo_set_source_rgba (cr, &style->grid);
      cairo_move_to (cr, x, r->y);
      cairo_line_to (cr, x, r->y + r->height);
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      pb_plot_draw_text (cr, style, label, x, r->y + r->height + 4, PB_ALIGN_CENTER, PB_ALIGN_START, 1.0,
                         FALSE, NULL);
    }
  for (int e = (int) floor (area->ymin) - 1; e <= (int) ceil (area->ymax); e++)
    for (guint m = 0; m < n_mantissas; m++)
      {
        double value = mantissas[m] * pow (10, e), ly = log10 (value), y;
        g_autofree char *label = NULL;

        if (ly < area->ymin || ly > area->ymax)
          continue;
        y = round (pb_plot_area_to_y (area, ly)) + 0.5;
        gdk_cairo_set_source_rgba (cr, &style->grid);
        cairo_move_to (cr, r->x, y);
        cairo_line_to (cr, r->x + r->width, y);
        cairo_stroke (cr);
        gdk_cairo_set_source_rgba (cr, &style->foreground);
        label = pb_format_number (value, MAX (0, -e) + (mantissas[m] != floor (mantissas[m])));
        pb_plot_draw_text (cr, style, label, r->x - 4, y, PB_ALIGN_END, PB_ALIGN_CENTER, 1.0, FALSE, NULL);
      }
  if (x_title != NULL)
    pb_plot_draw_text (cr, style, x_title, r->x + r->width / 2, r->y + r->height + 6 + text_h,
                       PB_ALIGN_CENTER, PB_ALIGN_START, 1.0, TRUE, NULL);
  if (y_title != NULL)
    pb_plot_draw_text (cr, style, y_title, r->x, r->y - 4, PB_ALIGN_START, PB_ALIGN_END, 1.0, TRUE, NULL);
  cairo_restore (cr);
}

typedef enum
{
  SERIES_LOSS,
  SERIES_VAL_LOSS,
  SERIES_ACCURACY,
  SERIES_VAL_ACCURACY,
} Series;

static double
series_value (const NnEpochStats *s, Series series)
{
  switch (series)
    {
    case SERIES_LOSS: return pb_history_log_loss (s->loss);
    case SERIES_VAL_LOSS: return isfinite (s->val_loss) ? pb_history_log_loss (s->val_loss) : NAN;
    case SERIES_ACCURACY: return s->accuracy;
    case SERIES_VAL_ACCURACY: return s->val_accuracy;
    default: return NAN;
    }
}

/* One curve: a line through the epoch ends (x = epoch + 1) with a dot at each. */
static void
draw_series (cairo_t *cr, const PbPlotArea *area, PbRun *run, Series series, const GdkRGBA *rgba,
             gboolean dashed)
{
  static const double dash[] = { 6, 4 };
  gboolean started = FALSE;

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
  for (guint i = 0; i < run->epochs->len; i++)
    {
      double v = series_value (&g_array_index (run->epochs, NnEpochStats, i), series);
      double x = pb_plot_area_to_x (area, i + 1.0), y;

      if (!isfinite (v))
        continue;
      y = pb_plot_area_to_y (area, v);
      pb_plot_polyline_to (cr, &started, x, y);
    }
  cairo_stroke (cr);
  for (guint i = 0; i < run->epochs->len; i++)
    {
      double v = series_value (&g_array_index (run->epochs, NnEpochStats, i), series);

      if (!isfinite (v))
        continue;
      pb_plot_marker_path (cr, pb_plot_area_to_x (area, i + 1.0), pb_plot_area_to_y (area, v), 2.5);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

/* The smoothed batch loss: a thin line that moves between the epoch points. */
static void
draw_batches (cairo_t *cr, const PbPlotArea *area, PbRun *run, const GdkRGBA *rgba)
{
  gboolean started = FALSE;

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_set_line_width (cr, 1.0);
  for (guint i = 0; i < run->batches->len; i++)
    {
      const PbBatchPoint *p = &g_array_index (run->batches, PbBatchPoint, i);
      double x, y;

      if (!isfinite (p->loss))
        continue;
      x = pb_plot_area_to_x (area, p->x);
      y = pb_plot_area_to_y (area, pb_history_log_loss (p->loss));
      /* a new epoch count (an ensemble member) starts a new line */
      if (started && i > 0 && p->x < g_array_index (run->batches, PbBatchPoint, i - 1).x)
        started = FALSE;
      pb_plot_polyline_to (cr, &started, x, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_vertical (cairo_t *cr, const PbPlotArea *area, double x_value, const GdkRGBA *rgba, gboolean dashed)
{
  static const double dash[] = { 3, 3 };
  double x = round (pb_plot_area_to_x (area, x_value)) + 0.5;

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
  cairo_move_to (cr, x, area->rect.y);
  cairo_line_to (cr, x, area->rect.y + area->rect.height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_panel_runs (cairo_t *cr, const PbPlotArea *area, PbRun *const *runs, int n_runs, gboolean loss,
                 int hover_epoch, const PbPlotStyle *style)
{
  GdkRGBA train, val, best, faint, hover;

  color (style, TRAIN_COLOR, 1.0, &train);
  color (style, VAL_COLOR, 1.0, &val);
  color (style, BEST_COLOR, 0.9, &best);
  color (style, TRAIN_COLOR, 0.35, &faint);
  hover = style->foreground;
  hover.alpha = 0.5;

  cairo_save (cr);
  cairo_rectangle (cr, area->rect.x, area->rect.y, area->rect.width, area->rect.height);
  cairo_clip (cr);
  if (runs[0] != NULL && runs[0]->best_epoch >= 0)
    draw_vertical (cr, area, runs[0]->best_epoch + 1.0, &best, TRUE);
  if (hover_epoch >= 0)
    draw_vertical (cr, area, hover_epoch + 1.0, &hover, FALSE);
  for (int r = n_runs - 1; r >= 0; r--)
    {
      if (runs[r] == NULL)
        continue;
      if (loss && r == 0)
        draw_batches (cr, area, runs[r], &faint);
      draw_series (cr, area, runs[r], loss ? SERIES_LOSS : SERIES_ACCURACY, &train, r > 0);
      draw_series (cr, area, runs[r], loss ? SERIES_VAL_LOSS : SERIES_VAL_ACCURACY, &val, r > 0);
    }
  cairo_restore (cr);
}

static void
draw_legend (cairo_t *cr, PbRun *const *runs, int n_runs, double right, double top, double max_width,
             const PbPlotStyle *style)
{
  PbLegendEntry entries[4];
  g_autofree char *compare = NULL;
  int n = 0;

  entries[n].label = _("training");
  color (style, TRAIN_COLOR, 1.0, &entries[n].color);
  entries[n++].active = TRUE;
  entries[n].label = _("validation");
  color (style, VAL_COLOR, 1.0, &entries[n].color);
  entries[n++].active = TRUE;
  entries[n].label = _("best epoch");
  color (style, BEST_COLOR, 1.0, &entries[n].color);
  entries[n++].active = TRUE;
  if (n_runs > 1 && runs[1] != NULL)
    {
      compare = g_strdup_printf (_("dashed: %s"), runs[1]->name);
      entries[n].label = compare;
      entries[n].color = style->foreground;
      entries[n++].active = TRUE;
    }
  pb_plot_draw_legend (cr, style, entries, n, right, top, max_width, NULL);
}

void
pb_history_chart_draw (cairo_t *cr, int width, int height, PbRun *const *runs, int n_runs,
                       int hover_epoch, const PbPlotStyle *style, PbHistoryLayout *layout)
{
  PbHistoryLayout local;
  double text_h, panel_w, legend_h;
  int n_epochs = 1;

  if (layout == NULL)
    layout = &local;
  pb_plot_fill_background (cr, style, width, height);
  if (n_runs == 0 || runs[0] == NULL)
    {
      pb_plot_draw_message (cr, style, width, height, _("Training curves appear here once a run starts"));
      layout->n_epochs = 0;
      return;
    }
  /* the x axis grows with the run, so the first epochs of a long run are not squeezed */
  for (int r = 0; r < n_runs; r++)
    if (runs[r] != NULL)
      {
        int done = runs[r]->epochs->len;
        int ahead = MIN (MAX (runs[r]->total_epochs, done), MAX (10, done + done / 2 + 1));

        n_epochs = MAX (n_epochs, MAX (done, ahead));
      }
  layout->n_epochs = n_epochs;

  pb_plot_measure_text (cr, style, "0", 1.0, FALSE, NULL, &text_h);
  legend_h = text_h + 10;
  draw_legend (cr, runs, n_runs, width - 6, 4, width - 12, style);

  /* two panels side by side: loss on the left, accuracy on the right */
  panel_w = width / 2.0;
  layout->loss.xmin = 0;
  layout->loss.xmax = n_epochs + 0.25;  /* room for the last point and the best-epoch line */
  layout->loss.y_inverted = FALSE;
  loss_range (runs, n_runs, &layout->loss.ymin, &layout->loss.ymax);
  layout->accuracy = layout->loss;
  layout->accuracy.ymin = 0;
  layout->accuracy.ymax = 1;

  cairo_save (cr);
  cairo_translate (cr, 0, legend_h + text_h);
  pb_plot_area_layout (&layout->loss, cr, style, panel_w, height - legend_h - text_h, TRUE);
  pb_plot_area_layout (&layout->accuracy, cr, style, panel_w, height - legend_h - text_h, TRUE);
  cairo_restore (cr);
  layout->loss.rect.y += legend_h + text_h;
  layout->accuracy.rect.y += legend_h + text_h;
  layout->accuracy.rect.x += panel_w;

  draw_log_axes (cr, style, &layout->loss, _("epoch"), _("loss (log scale)"));
  draw_panel_runs (cr, &layout->loss, runs, n_runs, TRUE, hover_epoch, style);
  pb_plot_draw_axes (cr, style, &layout->accuracy, _("epoch"), NULL);
  pb_plot_draw_text (cr, style, _("accuracy"), layout->accuracy.rect.x, layout->accuracy.rect.y - 4,
                     PB_ALIGN_START, PB_ALIGN_END, 1.0, TRUE, NULL);
  draw_panel_runs (cr, &layout->accuracy, runs, n_runs, FALSE, hover_epoch, style);
}

/* ---- the widget ------------------------------------------------------- */

struct _PbHistoryChart
{
  GtkWidget parent_instance;

  PbRun *runs[2];            /* main, compared */
  int hover_epoch;
  PbHistoryLayout layout;
};

static void pb_history_chart_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbHistoryChart, pb_history_chart, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_history_chart_plottable_init))

char *
pb_history_chart_describe_epoch (PbHistoryChart *self, int epoch)
{
  GString *text;

  if (self->runs[0] == NULL || epoch < 0 || (guint) epoch >= self->runs[0]->epochs->len)
    return NULL;
  text = g_string_new (NULL);
  for (int r = 0; r < 2; r++)
    {
      const NnEpochStats *s;

      if (self->runs[r] == NULL || (guint) epoch >= self->runs[r]->epochs->len)
        continue;
      s = &g_array_index (self->runs[r]->epochs, NnEpochStats, epoch);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("%s, epoch %d%s\nloss %.4f, accuracy %.3f"), self->runs[r]->name,
                              epoch + 1, epoch == self->runs[r]->best_epoch ? _(" (best)") : "", s->loss,
                              s->accuracy);
      if (isfinite (s->val_loss))
        g_string_append_printf (text, _("\nvalidation loss %.4f, accuracy %.3f"), s->val_loss,
                                s->val_accuracy);
    }
  return g_string_free (text, FALSE);
}

static void
update_accessible_description (PbHistoryChart *self)
{
  g_autofree char *text = NULL;
  PbRun *run = self->runs[0];

  if (run == NULL || run->epochs->len == 0)
    text = g_strdup (_("Training curves: no epochs yet"));
  else
    {
      const NnEpochStats *last = &g_array_index (run->epochs, NnEpochStats, run->epochs->len - 1);

      text = g_strdup_printf (_("Training curves of %s: %u epochs, last loss %.4f, validation accuracy %.3f"),
                              run->name, run->epochs->len, last->loss, last->val_accuracy);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
pb_history_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbHistoryChart *self = PB_HISTORY_CHART (widget);
  PbPlotStyle style;
  int width, height;
  cairo_t *cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);

  if (cr == NULL)
    return;
  pb_history_chart_draw (cr, width, height, self->runs, 2, self->hover_epoch, &style, &self->layout);
  cairo_destroy (cr);
}

static int
epoch_at (PbHistoryChart *self, double x, double y)
{
  const PbPlotArea *areas[] = { &self->layout.loss, &self->layout.accuracy };

  if (self->layout.n_epochs == 0)
    return -1;
  for (int i = 0; i < 2; i++)
    if (pb_rect_contains (&areas[i]->rect, x, y))
      return (int) lround (pb_plot_area_from_x (areas[i], x)) - 1;
  return -1;
}

static void
set_hover (PbHistoryChart *self, int epoch)
{
  if (self->hover_epoch == epoch)
    return;
  self->hover_epoch = epoch;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, PbHistoryChart *self)
{
  int epoch = epoch_at (self, x, y);

  set_hover (self, self->runs[0] != NULL && epoch >= 0 && (guint) epoch < self->runs[0]->epochs->len
                     ? epoch : -1);
}

static void
leave_cb (GtkEventControllerMotion *motion, PbHistoryChart *self)
{
  set_hover (self, -1);
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  PbHistoryChart *self)
{
  g_autofree char *text = pb_history_chart_describe_epoch (self, keyboard ? self->hover_epoch
                                                                          : epoch_at (self, x, y));

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Left and right walk the epochs for the readout without a mouse. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                PbHistoryChart *self)
{
  int n = self->runs[0] != NULL ? (int) self->runs[0]->epochs->len : 0;

  if (n == 0 || (keyval != GDK_KEY_Left && keyval != GDK_KEY_Right))
    return FALSE;
  if (keyval == GDK_KEY_Left)
    set_hover (self, self->hover_epoch <= 0 ? n - 1 : self->hover_epoch - 1);
  else
    set_hover (self, (self->hover_epoch + 1) % n);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  return TRUE;
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbHistoryChart *self = PB_HISTORY_CHART (plottable);

  pb_history_chart_draw (cr, width, height, self->runs, 2, -1, style, NULL);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  PbHistoryChart *self = PB_HISTORY_CHART (plottable);

  return g_strdup_printf ("training-run-%d", self->runs[0] != NULL ? self->runs[0]->id : 0);
}

static void
pb_history_chart_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_history_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                          int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 260 : 220;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 320;
}

static void
pb_history_chart_finalize (GObject *object)
{
  PbHistoryChart *self = PB_HISTORY_CHART (object);

  g_clear_pointer (&self->runs[0], pb_run_unref);
  g_clear_pointer (&self->runs[1], pb_run_unref);
  G_OBJECT_CLASS (pb_history_chart_parent_class)->finalize (object);
}

static void
pb_history_chart_class_init (PbHistoryChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pb_history_chart_finalize;
  pb_view_class_setup (widget_class, pb_history_chart_snapshot, pb_history_chart_measure, "historychart");
}

static void
pb_history_chart_init (PbHistoryChart *self)
{
  const PbViewHandlers handlers = {
    .query_tooltip = G_CALLBACK (query_tooltip_cb),
    .motion = G_CALLBACK (motion_cb),
    .leave = G_CALLBACK (leave_cb),
    .key_pressed = G_CALLBACK (key_pressed_cb),
  };

  self->hover_epoch = -1;
  pb_view_setup_interaction (GTK_WIDGET (self), &handlers, self);
  update_accessible_description (self);
}

GtkWidget *
pb_history_chart_new (void)
{
  return g_object_new (PB_TYPE_HISTORY_CHART, NULL);
}

static void
set_run_slot (PbHistoryChart *self, int slot, PbRun *run)
{
  if (self->runs[slot] == run)
    return;
  g_clear_pointer (&self->runs[slot], pb_run_unref);
  if (run != NULL)
    self->runs[slot] = pb_run_ref (run);
  pb_history_chart_refresh (self);
}

void
pb_history_chart_set_run (PbHistoryChart *self, PbRun *run)
{
  self->hover_epoch = -1;
  set_run_slot (self, 0, run);
}

void
pb_history_chart_set_compare (PbHistoryChart *self, PbRun *run)
{
  set_run_slot (self, 1, run);
}

PbRun *
pb_history_chart_get_run (PbHistoryChart *self)
{
  return self->runs[0];
}

PbRun *
pb_history_chart_get_compare (PbHistoryChart *self)
{
  return self->runs[1];
}

void
pb_history_chart_refresh (PbHistoryChart *self)
{
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
