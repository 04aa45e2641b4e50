/* pb-light-curve-view.c: the per-passband light curve of one object */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-attribution-draw.h"
#include "pb-light-curve-view.h"
#include "pb-plottable.h"

/* PLAsTiCC's FLUXCAL zero point: m = 27.5 - 2.5 log10(flux) */
#define PB_ZERO_POINT 27.5
#define PB_POGSON 1.0857362047581294  /* 2.5 / ln 10 */

void
pb_light_curve_options_init (PbLightCurveOptions *options)
{
  *options = (PbLightCurveOptions) {
    .value_kind = LC_VALUE_FLUX,
    .time_axis = PB_TIME_MJD,
    .error_bars = TRUE,
  };
}

/* Time that x is measured from: the first detection (or first observation). */
static double
reference_time (const LcDataset *ds, gsize object, const PbLightCurveOptions *options)
{
  const LcObject *o = &ds->objects[object];

  if (o->n_obs == 0 || ds->on_grid)
    return 0.0;
  if (options->period > 0)
    return ds->time[o->first];
  if (options->time_axis != PB_TIME_SINCE_FIRST)
    return 0.0;
  for (int k = 0; k < o->n_obs; k++)
    if (ds->detected[o->first + k])
      return ds->time[o->first + k];
  return ds->time[o->first];
}

static gboolean
point_at (const LcDataset *ds, gsize object, gsize obs, const PbLightCurveOptions *options,
          double t_ref, double *x, double *y, double *err)
{
  gsize i = ds->objects[object].first + obs;
  double t = ds->time[i];
  double v = ds->value[i];
  double e = ds->error != NULL ? ds->error[i] : NAN;

  if (ds->value_kind == options->value_kind)
    {
      *y = v;
      *err = e;
    }
  else if (ds->value_kind == LC_VALUE_FLUX)
    {
      if (!(v > 0))
        return FALSE;
      *y = PB_ZERO_POINT - 2.5 * log10 (v);
      *err = PB_POGSON * e / v;
    }
  else
    {
      *y = pow (10.0, -0.4 * (v - PB_ZERO_POINT));
      *err = *y * e / PB_POGSON;
    }
  if (!isfinite (*err) || *err < 0)
    *err = 0;

  if (options->period > 0)
    {
      double phase = fmod ((t - t_ref) / options->period, 1.0);
      *x = phase < 0 ? phase + 1.0 : phase;
    }
  else
    *x = t - t_ref;
  return isfinite (*x) && isfinite (*y);
}

gboolean
pb_light_curve_point (const LcDataset *ds, gsize object, gsize obs,
                      const PbLightCurveOptions *options,
                      double *x, double *y, double *err)
{
  g_return_val_if_fail (object < ds->n_objects, FALSE);
  g_return_val_if_fail (obs < (gsize) ds->objects[object].n_obs, FALSE);
  return point_at (ds, object, obs, options, reference_time (ds, object, options), x, y, err);
}

double
pb_light_curve_object_period (const LcDataset *ds, gsize object)
{
  if (ds == NULL || object >= ds->n_objects || ds->meta_names == NULL)
    return NAN;
  for (int m = 0; m < ds->n_meta; m++)
    if (g_ascii_strcasecmp (ds->meta_names[m], "period") == 0
        || g_ascii_strcasecmp (ds->meta_names[m], "per") == 0)
      return ds->objects[object].meta[m];
  return NAN;
}

static const char *
x_title (const LcDataset *ds, const PbLightCurveOptions *options)
{
  if (options->period > 0)
    return _("Phase");
  if (ds->on_grid)
    return _("Step");
  return options->time_axis == PB_TIME_SINCE_FIRST ? _("Days since first detection") : _("Time (MJD)");
}

/* Range of every drawable point (all bands, so hiding one keeps the scale). */
static gboolean
data_range (const LcDataset *ds, gsize object, const PbLightCurveOptions *options, double t_ref,
            double *xmin, double *xmax, double *ymin, double *ymax)
{
  const LcObject *o = &ds->objects[object];
  gboolean any = FALSE;

  *xmin = *ymin = INFINITY;
  *xmax = *ymax = -INFINITY;
  for (int k = 0; k < o->n_obs; k++)
    {
      double x, y, e;

      if (!point_at (ds, object, k, options, t_ref, &x, &y, &e))
        continue;
      /* huge error bars would flatten the curve: let them leave the frame */
      e = MIN (e, 0.5 * fabs (y) + 1e-6);
      *xmin = MIN (*xmin, x);
      *xmax = MAX (*xmax, x);
      *ymin = MIN (*ymin, options->error_bars ? y - e : y);
      *ymax = MAX (*ymax, options->error_bars ? y + e : y);
      any = TRUE;
    }
  if (!any)
    return FALSE;
  if (options->period > 0)
    {
      *xmin = 0;
      *xmax = 2;
    }
  else
    {
      double pad = (*xmax - *xmin) * 0.03;
      if (pad == 0)
        pad = 0.5;
      *xmin -= pad;
      *xmax += pad;
    }
  {
    double pad = (*ymax - *ymin) * 0.06;
    if (pad == 0)
      pad = MAX (fabs (*ymax) * 0.1, 0.5);
    *ymin -= pad;
    *ymax += pad;
  }
  return TRUE;
}

static char *
object_title (const LcDataset *ds, gsize object, const PbLightCurveOptions *options)
{
  const LcObject *o = &ds->objects[object];
  GString *title = g_string_new (NULL);

  g_string_append_printf (title, _("Object %s"), o->id != NULL ? o->id : "?");
  if (o->label >= 0 && o->label < ds->n_classes)
    g_string_append_printf (title, " · %s", ds->classes[o->label].name);
  if (options->period > 0)
    g_string_append_printf (title, " · P = %.6g d", options->period);
  return g_string_free (title, FALSE);
}

static void
finish_markers (cairo_t *cr, gboolean filled)
{
  if (filled)
    cairo_fill (cr);
  else
    cairo_stroke (cr);
}

/* Attribution mode: each marker filled with its attribution's colour, as
 * large as its share of the largest, ringed in its band's colour; the
 * observations the network did not see small and hollow. */
static void
draw_attributed_markers (cairo_t *cr, const LcDataset *ds, gsize object, int band,
                         const PbLightCurveOptions *options, double t_ref, const PbPlotArea *area,
                         const GdkRGBA *color, const PbPlotStyle *style)
{
  const LcObject *o = &ds->objects[object];
  int copies = options->period > 0 ? 2 : 1;

  for (int k = 0; k < o->n_obs; k++)
    {
      double a = options->attribution[k], x, y, e, radius;
      gboolean seen = isfinite (a);
      GdkRGBA fill;

      if (ds->band[o->first + k] != band || !point_at (ds, object, k, options, t_ref, &x, &y, &e))
        continue;
      radius = !seen ? 2.0
               : 3.0 + 4.0 * (options->attribution_scale > 0 ? sqrt (fabs (a) / options->attribution_scale) : 0);
      pb_attribution_color (style, a, options->attribution_scale, &fill);
      for (int c = 0; c < copies; c++)
        {
          double px = pb_plot_area_to_x (area, x + c), py = pb_plot_area_to_y (area, y);

          if (px < area->rect.x - radius || px > area->rect.x + area->rect.width + radius
              || py < area->rect.y - radius || py > area->rect.y + area->rect.height + radius)
            continue;
          pb_plot_marker_path (cr, px, py, radius);
          if (seen)
            {
              gdk_cairo_set_source_rgba (cr, &fill);
              cairo_fill_preserve (cr);
            }
          gdk_cairo_set_source_rgba (cr, color);
          cairo_set_line_width (cr, seen ? 1.5 : 1.0);
          cairo_stroke (cr);
        }
    }
}

static void
draw_band (cairo_t *cr, const LcDataset *ds, gsize object, int band,
           const PbLightCurveOptions *options, double t_ref, const PbPlotArea *area,
           const GdkRGBA *color, const PbPlotStyle *style)
{
  const LcObject *o = &ds->objects[object];
  double radius = options->compact ? 1.8 : 3.0;
  int copies = options->period > 0 ? 2 : 1;

  if (options->error_bars)
    {
      GdkRGBA faint = *color;

      faint.alpha *= 0.55;
      gdk_cairo_set_source_rgba (cr, &faint);
      cairo_set_line_width (cr, options->compact ? 0.8 : 1.0);
      for (int k = 0, in_path = 0; k < o->n_obs; k++)
        {
          double x, y, e;

          if (ds->band[o->first + k] != band || !point_at (ds, object, k, options, t_ref, &x, &y, &e) || e <= 0)
            continue;
          for (int c = 0; c < copies; c++)
            {
              double px = pb_plot_area_to_x (area, x + c);

              if (px < area->rect.x - 3 || px > area->rect.x + area->rect.width + 3)
                continue;
              pb_plot_error_bar_path (cr, px, pb_plot_area_to_y (area, y - e),
                                      pb_plot_area_to_y (area, y + e), options->compact ? 0 : 2.0);
              in_path++;
            }
          if (in_path >= 128)
            {
              cairo_stroke (cr);
              in_path = 0;
            }
        }
      cairo_stroke (cr);
    }

  if (options->attribution != NULL)
    {
      draw_attributed_markers (cr, ds, object, band, options, t_ref, area, color, style);
      return;
    }

  /* detections filled, non-detections hollow */
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1.2);
  for (int pass = 0; pass < 2; pass++)
    {
      int in_path = 0;

      for (int k = 0; k < o->n_obs; k++)
        {
          gsize i = o->first + k;
          double x, y, e;

          if (ds->band[i] != band || (ds->detected[i] != 0) != (pass == 0)
              || !point_at (ds, object, k, options, t_ref, &x, &y, &e))
            continue;
          for (int c = 0; c < copies; c++)
            {
              double px = pb_plot_area_to_x (area, x + c), py = pb_plot_area_to_y (area, y);

              /* points outside the visible window cost nothing when zoomed in */
              if (px < area->rect.x - radius || px > area->rect.x + area->rect.width + radius
                  || py < area->rect.y - radius || py > area->rect.y + area->rect.height + radius)
                continue;
              pb_plot_marker_path (cr, px, py, radius);
              in_path++;
            }
          /* cairo tessellates a huge path far slower than many small ones */
          if (in_path >= 128)
            {
              finish_markers (cr, pass == 0);
              in_path = 0;
            }
        }
      finish_markers (cr, pass == 0);
    }
}

void
pb_light_curve_draw (cairo_t *cr, int width, int height,
                     const LcDataset *ds, gssize object,
                     const PbLightCurveOptions *options, const PbPlotStyle *style,
                     PbLightCurveLayout *layout_out)
{
  PbLightCurveLayout layout = { 0 };
  PbPlotStyle small;
  double t_ref, header = 0;

  cairo_save (cr);
  pb_plot_fill_background (cr, style, width, height);
  if (ds == NULL || object < 0 || (gsize) object >= ds->n_objects)
    {
      pb_plot_draw_message (cr, style, width, height, _("No object selected"));
      goto out;
    }
  t_ref = reference_time (ds, object, options);
  if (!data_range (ds, object, options, t_ref, &layout.data_xmin, &layout.data_xmax,
                   &layout.data_ymin, &layout.data_ymax))
    {
      pb_plot_draw_message (cr, style, width, height, _("No observations to show"));
      goto out;
    }
  layout.has_data = TRUE;

  if (options->compact)
    {
      small = *style;
      small.font_size *= 0.75;
      style = &small;
    }
  else
    {
      g_autofree char *title = object_title (ds, object, options);
      PbLegendEntry entries[PB_LIGHT_CURVE_MAX_BANDS];
      PbRect extent;

      layout.n_legend = MIN (ds->n_bands, PB_LIGHT_CURVE_MAX_BANDS);
      for (int b = 0; b < layout.n_legend; b++)
        {
          entries[b].label = ds->band_names != NULL ? ds->band_names[b] : "?";
          pb_plot_style_band_color (style, lc_band_color (ds, b), &entries[b].color);
          entries[b].active = !(options->hidden_bands & (G_GUINT64_CONSTANT (1) << b));
        }
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      pb_plot_draw_text (cr, style, title, 8, 6, PB_ALIGN_START, PB_ALIGN_START, 1.1, TRUE, &extent);
      header = extent.y + extent.height;
      pb_plot_draw_legend (cr, style, entries, layout.n_legend, width - 8, 7,
                           MAX (width - extent.width - 40, width * 0.3), layout.legend);
      for (int b = 0; b < layout.n_legend; b++)
        header = MAX (header, layout.legend[b].y + layout.legend[b].height);
      if (options->attribution != NULL)
        {
          pb_attribution_draw_color_bar (cr, style, options->attribution_scale,
                                         options->attribution_title != NULL ? options->attribution_title : "",
                                         width - 8, header + 3, &extent);
          header = extent.y + extent.height + 2;
        }
    }

  layout.area.xmin = options->zoomed ? options->view_xmin : layout.data_xmin;
  layout.area.xmax = options->zoomed ? options->view_xmax : layout.data_xmax;
  layout.area.ymin = options->zoomed ? options->view_ymin : layout.data_ymin;
  layout.area.ymax = options->zoomed ? options->view_ymax : layout.data_ymax;
  layout.area.y_inverted = options->value_kind == LC_VALUE_MAGNITUDE;
  pb_plot_area_layout (&layout.area, cr, style, width, height - header, !options->compact);
  layout.area.rect.y += header;
  pb_plot_draw_axes (cr, style, &layout.area,
                     options->compact ? NULL : x_title (ds, options),
                     options->compact ? NULL
                     : options->value_kind == LC_VALUE_MAGNITUDE ? _("Magnitude") : _("Flux"));

  cairo_save (cr);
  cairo_rectangle (cr, layout.area.rect.x, layout.area.rect.y, layout.area.rect.width, layout.area.rect.height);
  cairo_clip (cr);
  for (int b = 0; b < ds->n_bands; b++)
    {
      GdkRGBA color;

      if (b < 64 && (options->hidden_bands & (G_GUINT64_CONSTANT (1) << b)))
        continue;
      pb_plot_style_band_color (style, lc_band_color (ds, b), &color);
      draw_band (cr, ds, object, b, options, t_ref, &layout.area, &color, style);
    }
  cairo_restore (cr);

out:
  cairo_restore (cr);
  if (layout_out != NULL)
    *layout_out = layout;
}

gssize
pb_light_curve_nearest (const LcDataset *ds, gsize object, const PbLightCurveOptions *options,
                        const PbLightCurveLayout *layout, double px, double py, double max_distance)
{
  const LcObject *o;
  double t_ref, best = max_distance * max_distance;
  gssize best_k = -1;

  if (ds == NULL || object >= ds->n_objects || !layout->has_data)
    return -1;
  o = &ds->objects[object];
  t_ref = reference_time (ds, object, options);
  for (int k = 0; k < o->n_obs; k++)
    {
      double x, y, e;
      int band = ds->band[o->first + k];

      if ((band < 64 && (options->hidden_bands & (G_GUINT64_CONSTANT (1) << band)))
          || !point_at (ds, object, k, options, t_ref, &x, &y, &e))
        continue;
      for (int c = 0; c < (options->period > 0 ? 2 : 1); c++)
        {
          double dx = pb_plot_area_to_x (&layout->area, x + c) - px;
          double dy = pb_plot_area_to_y (&layout->area, y) - py;

          if (dx * dx + dy * dy <= best)
            {
              best = dx * dx + dy * dy;
              best_k = k;
            }
        }
    }
  return best_k;
}

/* ---- the widget ------------------------------------------------------- */

struct _PbLightCurveView
{
  GtkWidget parent_instance;

  LcDataset *dataset;
  gssize object;
  PbLightCurveOptions options;
  PbLightCurveLayout layout;

  double *attribution;       /* [n_obs of object] or NULL */
  char *attribution_title;

  double pointer_x, pointer_y;
  gboolean dragging, panning;
  double drag_x, drag_y, drag_dx, drag_dy;
  gssize hover;
};

enum
{
  PROP_0,
  PROP_VALUE_AXIS,
  PROP_TIME_AXIS,
  PROP_ERROR_BARS,
  PROP_PERIOD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pb_light_curve_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbLightCurveView, pb_light_curve_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_light_curve_view_plottable_init))

static void
update_accessible_description (PbLightCurveView *self)
{
  g_autofree char *text = NULL;

  if (self->dataset == NULL || self->object < 0)
    text = g_strdup (_("Light curve: no object selected"));
  else
    {
      const LcObject *o = &self->dataset->objects[self->object];
      const char *class_name = o->label >= 0 ? self->dataset->classes[o->label].name : _("unknown class");

      text = g_strdup_printf (_("Light curve of object %s (%s): %d observations in %d passbands"),
                              o->id, class_name, o->n_obs, self->dataset->n_bands);
      if (self->attribution_title != NULL)
        {
          g_autofree char *plain = g_steal_pointer (&text);
          /* "Light curve of …; colours: Attribution to SN Ia" */
          text = g_strdup_printf (_("%s; colours: %s"), plain, self->attribution_title);
        }
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
clear_attribution (PbLightCurveView *self)
{
  g_clear_pointer (&self->attribution, g_free);
  g_clear_pointer (&self->attribution_title, g_free);
  self->options.attribution = NULL;
  self->options.attribution_title = NULL;
  self->options.attribution_scale = 0;
}

static void
changed (PbLightCurveView *self, gboolean reset_zoom)
{
  if (reset_zoom)
    self->options.zoomed = FALSE;
  self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pb_light_curve_view_set_object (PbLightCurveView *self, LcDataset *ds, gssize object)
{
  g_return_if_fail (PB_IS_LIGHT_CURVE_VIEW (self));

  if (ds != self->dataset)
    {
      g_clear_pointer (&self->dataset, lc_dataset_unref);
      self->dataset = ds != NULL ? lc_dataset_ref (ds) : NULL;
      self->options.hidden_bands = 0;
    }
  self->object = ds != NULL && object >= 0 && (gsize) object < ds->n_objects ? object : -1;
  /* an attribution belongs to the object it explains */
  clear_attribution (self);
  update_accessible_description (self);
  changed (self, TRUE);
}

void
pb_light_curve_view_set_attribution (PbLightCurveView *self, const double *values, int n, const char *title)
{
  g_return_if_fail (PB_IS_LIGHT_CURVE_VIEW (self));
  clear_attribution (self);
  if (values != NULL && self->object >= 0 && n == self->dataset->objects[self->object].n_obs)
    {
      self->attribution = g_memdup2 (values, sizeof (double) * MAX (n, 1));
      self->attribution_title = g_strdup (title);
      self->options.attribution = self->attribution;
      self->options.attribution_scale = pb_attribution_scale (values, n);
      self->options.attribution_title = self->attribution_title;
    }
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
pb_light_curve_view_has_attribution (PbLightCurveView *self)
{
  return self->attribution != NULL;
}

gssize
pb_light_curve_view_get_object (PbLightCurveView *self)
{
  g_return_val_if_fail (PB_IS_LIGHT_CURVE_VIEW (self), -1);
  return self->object;
}

const PbLightCurveOptions *
pb_light_curve_view_get_options (PbLightCurveView *self)
{
  return &self->options;
}

void
pb_light_curve_view_toggle_band (PbLightCurveView *self, int band)
{
  g_return_if_fail (band >= 0 && band < PB_LIGHT_CURVE_MAX_BANDS);
  self->options.hidden_bands ^= G_GUINT64_CONSTANT (1) << band;
  changed (self, FALSE);
}

gboolean
pb_light_curve_view_band_visible (PbLightCurveView *self, int band)
{
  return band >= 0 && band < PB_LIGHT_CURVE_MAX_BANDS
         && !(self->options.hidden_bands & (G_GUINT64_CONSTANT (1) << band));
}

int
pb_light_curve_view_legend_band_at (PbLightCurveView *self, double x, double y)
{
  for (int b = 0; b < self->layout.n_legend; b++)
    if (pb_rect_contains (&self->layout.legend[b], x, y))
      return b;
  return -1;
}

gboolean
pb_light_curve_view_get_legend_box (PbLightCurveView *self, int band, PbRect *box)
{
  if (band < 0 || band >= self->layout.n_legend)
    return FALSE;
  *box = self->layout.legend[band];
  return TRUE;
}

static void
ensure_view_window (PbLightCurveView *self)
{
  if (self->options.zoomed || !self->layout.has_data)
    return;
  self->options.view_xmin = self->layout.area.xmin;
  self->options.view_xmax = self->layout.area.xmax;
  self->options.view_ymin = self->layout.area.ymin;
  self->options.view_ymax = self->layout.area.ymax;
  self->options.zoomed = TRUE;
}

/* The layout is only refreshed at the next snapshot: the area takes the new
 * window now so zooms and pans in a row stay consistent. */
static void
view_window_changed (PbLightCurveView *self)
{
  PbPlotArea *area = &self->layout.area;

  area->xmin = self->options.view_xmin;
  area->xmax = self->options.view_xmax;
  area->ymin = self->options.view_ymin;
  area->ymax = self->options.view_ymax;
  changed (self, FALSE);
}

void
pb_light_curve_view_zoom_at (PbLightCurveView *self, double factor, double px, double py)
{
  PbPlotArea *area = &self->layout.area;
  double cx, cy;

  if (!self->layout.has_data || factor <= 0)
    return;
  ensure_view_window (self);
  cx = pb_plot_area_from_x (area, CLAMP (px, area->rect.x, area->rect.x + area->rect.width));
  cy = pb_plot_area_from_y (area, CLAMP (py, area->rect.y, area->rect.y + area->rect.height));
  /* keep the point under the pointer where it is */
  self->options.view_xmin = cx - (cx - self->options.view_xmin) / factor;
  self->options.view_xmax = cx + (self->options.view_xmax - cx) / factor;
  self->options.view_ymin = cy - (cy - self->options.view_ymin) / factor;
  self->options.view_ymax = cy + (self->options.view_ymax - cy) / factor;
  view_window_changed (self);
}

void
pb_light_curve_view_pan (PbLightCurveView *self, double dx_pixels, double dy_pixels)
{
  PbPlotArea *area = &self->layout.area;
  double dx, dy;

  if (!self->layout.has_data)
    return;
  ensure_view_window (self);
  dx = -dx_pixels / MAX (area->rect.width, 1) * (self->options.view_xmax - self->options.view_xmin);
  dy = dy_pixels / MAX (area->rect.height, 1) * (self->options.view_ymax - self->options.view_ymin);
  if (area->y_inverted)
    dy = -dy;
  self->options.view_xmin += dx;
  self->options.view_xmax += dx;
  self->options.view_ymin += dy;
  self->options.view_ymax += dy;
  view_window_changed (self);
}

void
pb_light_curve_view_reset_zoom (PbLightCurveView *self)
{
  changed (self, TRUE);
}

gboolean
pb_light_curve_view_is_zoomed (PbLightCurveView *self)
{
  return self->options.zoomed;
}

static void
zoom_to_box (PbLightCurveView *self, double x0, double y0, double x1, double y1)
{
  PbPlotArea *area = &self->layout.area;
  double ax = pb_plot_area_from_x (area, MIN (x0, x1)), bx = pb_plot_area_from_x (area, MAX (x0, x1));
  double ay = pb_plot_area_from_y (area, y0), by = pb_plot_area_from_y (area, y1);

  self->options.view_xmin = ax;
  self->options.view_xmax = bx;
  self->options.view_ymin = MIN (ay, by);
  self->options.view_ymax = MAX (ay, by);
  self->options.zoomed = TRUE;
  changed (self, FALSE);
}

static void
pb_light_curve_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (widget);
  PbPlotStyle style;
  int width, height;
  cairo_t *cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);

  if (cr == NULL)
    return;
  pb_light_curve_draw (cr, width, height, self->dataset, self->object, &self->options, &style, &self->layout);

  if (self->hover >= 0 && self->object >= 0)
    {
      double x, y, e;

      if (pb_light_curve_point (self->dataset, self->object, self->hover, &self->options, &x, &y, &e))
        {
          gdk_cairo_set_source_rgba (cr, &style.foreground);
          cairo_set_line_width (cr, 1.5);
          pb_plot_marker_path (cr, pb_plot_area_to_x (&self->layout.area, x),
                               pb_plot_area_to_y (&self->layout.area, y), 6);
          cairo_stroke (cr);
        }
    }
  if (self->dragging && !self->panning)
    {
      GdkRGBA fill = style.accent;

      fill.alpha = 0.2;
      cairo_rectangle (cr, self->drag_x, self->drag_y, self->drag_dx, self->drag_dy);
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &style.accent);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
  if (gtk_widget_has_visible_focus (widget))
    {
      GdkRGBA ring = style.accent;

      ring.alpha = 0.6;
      gdk_cairo_set_source_rgba (cr, &ring);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, 1, 1, width - 2, height - 2);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

/* ---- input ------------------------------------------------------------ */

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, PbLightCurveView *self)
{
  int band;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    {
      pb_light_curve_view_reset_zoom (self);
      return;
    }
  band = pb_light_curve_view_legend_band_at (self, x, y);
  if (band >= 0)
    {
      pb_light_curve_view_toggle_band (self, band);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    }
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, PbLightCurveView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (!self->layout.has_data || !pb_rect_contains (&self->layout.area.rect, x, y)
      || (button != GDK_BUTTON_PRIMARY && button != GDK_BUTTON_MIDDLE))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->dragging = TRUE;
  self->panning = button == GDK_BUTTON_MIDDLE || (state & GDK_SHIFT_MASK) != 0;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_dx = self->drag_dy = 0;
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, PbLightCurveView *self)
{
  if (!self->dragging)
    return;
  if (self->panning)
    {
      pb_light_curve_view_pan (self, dx - self->drag_dx, dy - self->drag_dy);
      self->drag_dx = dx;
      self->drag_dy = dy;
      return;
    }
  self->drag_dx = dx;
  self->drag_dy = dy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, PbLightCurveView *self)
{
  gboolean was_box = self->dragging && !self->panning;

  self->dragging = FALSE;
  /* a tiny box is a click, not a zoom */
  if (was_box && fabs (dx) > 5 && fabs (dy) > 5)
    zoom_to_box (self, self->drag_x, self->drag_y, self->drag_x + dx, self->drag_y + dy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, PbLightCurveView *self)
{
  if (dy == 0)
    return FALSE;
  pb_light_curve_view_zoom_at (self, pow (1.2, -dy), self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, PbLightCurveView *self)
{
  gssize hover;

  self->pointer_x = x;
  self->pointer_y = y;
  hover = self->object >= 0 ? pb_light_curve_nearest (self->dataset, self->object, &self->options,
                                                       &self->layout, x, y, 12) : -1;
  if (hover != self->hover)
    {
      self->hover = hover;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* Keyboard access goes through widget actions ("plot.*") bound to keys in
 * class_init, so the same steps are reachable from menus and tests. */
static void
plot_center (PbLightCurveView *self, double *cx, double *cy)
{
  const PbRect *r = &self->layout.area.rect;

  *cx = r->x + r->width / 2;
  *cy = r->y + r->height / 2;
}

static void
zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (widget);
  double cx, cy;

  plot_center (self, &cx, &cy);
  pb_light_curve_view_zoom_at (self, g_variant_get_double (parameter), cx, cy);
}

static void
pan_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (widget);
  const PbRect *r = &self->layout.area.rect;
  double fx, fy;

  /* fractions of the plot: (-0.1, 0) moves the view a tenth to the right */
  g_variant_get (parameter, "(dd)", &fx, &fy);
  pb_light_curve_view_pan (self, fx * r->width, fy * r->height);
}

static void
reset_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_light_curve_view_reset_zoom (PB_LIGHT_CURVE_VIEW (widget));
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  PbLightCurveView *self)
{
  const LcDataset *ds = self->dataset;
  g_autofree char *text = NULL;
  gssize k;
  gsize i;
  double t, v, e;

  if (self->object < 0)
    return FALSE;
  k = pb_light_curve_nearest (ds, self->object, &self->options, &self->layout, x, y, 12);
  if (k < 0)
    return FALSE;
  i = ds->objects[self->object].first + k;
  pb_light_curve_point (ds, self->object, k, &self->options, &t, &v, &e);
  text = g_strdup_printf ("%s %s\n%s %.5f\n%s %.4g ± %.3g\n%s",
                          _("Band"), ds->band_names != NULL ? ds->band_names[ds->band[i]] : "?",
                          ds->on_grid ? _("Step") : _("MJD"), ds->time[i],
                          self->options.value_kind == LC_VALUE_MAGNITUDE ? _("Magnitude") : _("Flux"), v, e,
                          ds->detected[i] ? _("Detected") : _("Not detected"));
  if (self->attribution != NULL)
    {
      g_autofree char *plain = g_steal_pointer (&text);

      text = isfinite (self->attribution[k])
             ? g_strdup_printf ("%s\n%s %+.4g", plain, _("Attribution"), self->attribution[k])
             : g_strdup_printf ("%s\n%s", plain, _("Not seen by the network"));
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ---- properties and class --------------------------------------------- */

static void
pb_light_curve_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (object);

  switch (prop_id)
    {
    case PROP_VALUE_AXIS:
      g_value_set_string (value, self->options.value_kind == LC_VALUE_MAGNITUDE ? "magnitude" : "flux");
      break;
    case PROP_TIME_AXIS:
      g_value_set_string (value, self->options.time_axis == PB_TIME_SINCE_FIRST ? "days" : "mjd");
      break;
    case PROP_ERROR_BARS:
      g_value_set_boolean (value, self->options.error_bars);
      break;
    case PROP_PERIOD:
      g_value_set_double (value, self->options.period);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_light_curve_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (object);

  switch (prop_id)
    {
    case PROP_VALUE_AXIS:
      self->options.value_kind = g_strcmp0 (g_value_get_string (value), "magnitude") == 0
                                 ? LC_VALUE_MAGNITUDE : LC_VALUE_FLUX;
      changed (self, TRUE);
      break;
    case PROP_TIME_AXIS:
      self->options.time_axis = g_strcmp0 (g_value_get_string (value), "days") == 0
                                ? PB_TIME_SINCE_FIRST : PB_TIME_MJD;
      changed (self, TRUE);
      break;
    case PROP_ERROR_BARS:
      self->options.error_bars = g_value_get_boolean (value);
      changed (self, FALSE);
      break;
    case PROP_PERIOD:
      self->options.period = g_value_get_double (value);
      changed (self, TRUE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_light_curve_view_finalize (GObject *object)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (object);

  g_clear_pointer (&self->dataset, lc_dataset_unref);
  clear_attribution (self);
  G_OBJECT_CLASS (pb_light_curve_view_parent_class)->finalize (object);
}

static void
pb_light_curve_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                             int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 400;
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (plottable);

  pb_light_curve_draw (cr, width, height, self->dataset, self->object, &self->options, style, NULL);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  PbLightCurveView *self = PB_LIGHT_CURVE_VIEW (plottable);

  if (self->object < 0)
    return g_strdup ("light-curve");
  return g_strdup_printf ("light-curve-%s", self->dataset->objects[self->object].id);
}

static void
pb_light_curve_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_light_curve_view_class_init (PbLightCurveViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_light_curve_view_finalize;
  object_class->get_property = pb_light_curve_view_get_property;
  object_class->set_property = pb_light_curve_view_set_property;

  properties[PROP_VALUE_AXIS] =
    g_param_spec_string ("value-axis", NULL, NULL, "flux",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME_AXIS] =
    g_param_spec_string ("time-axis", NULL, NULL, "mjd",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_BARS] =
    g_param_spec_boolean ("error-bars", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERIOD] =
    g_param_spec_double ("period", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "plot.zoom", "d", zoom_action);
  gtk_widget_class_install_action (widget_class, "plot.pan", "(dd)", pan_action);
  gtk_widget_class_install_action (widget_class, "plot.reset", NULL, reset_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "plot.zoom", "d", 1.25);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "plot.zoom", "d", 1.25);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "plot.zoom", "d", 1.25);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "plot.zoom", "d", 0.8);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "plot.zoom", "d", 0.8);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "plot.pan", "(dd)", 0.1, 0.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "plot.pan", "(dd)", -0.1, 0.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "plot.pan", "(dd)", 0.0, 0.1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "plot.pan", "(dd)", 0.0, -0.1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "plot.reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "plot.reset", NULL);
  pb_view_class_setup (widget_class, pb_light_curve_view_snapshot, pb_light_curve_view_measure, "lightcurveview");
}

static void
pb_light_curve_view_init (PbLightCurveView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;
  const PbViewHandlers handlers = {
    .query_tooltip = G_CALLBACK (query_tooltip_cb),
    .pressed = G_CALLBACK (click_pressed_cb),
  };

  self->object = -1;
  self->hover = -1;
  pb_light_curve_options_init (&self->options);
  pb_view_setup_interaction (widget, &handlers, self);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (widget, controller);

  update_accessible_description (self);
}

GtkWidget *
pb_light_curve_view_new (void)
{
  return g_object_new (PB_TYPE_LIGHT_CURVE_VIEW, NULL);
}
