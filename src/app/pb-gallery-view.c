/* pb-gallery-view.c: a grid of small light curves */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-attribution-draw.h"
#include "pb-attribution-job.h"
#include "pb-gallery-view.h"
#include "pb-plottable.h"

int
pb_gallery_columns (int width)
{
  return MAX (1, width / PB_GALLERY_CELL_WIDTH);
}

static char *
default_caption (const LcDataset *ds, gsize object)
{
  const LcObject *o = &ds->objects[object];

  if (o->label >= 0 && o->label < ds->n_classes)
    return g_strdup_printf ("%s · %s", o->id, ds->classes[o->label].name);
  return g_strdup (o->id);
}

/* Under a thumbnail drawn with layout: for each time step (observations at
 * the same time, as the bands of one step on a grid, make one bar) the sum
 * of |attribution| of its observations, at its time. */
static void
draw_strip (cairo_t *cr, const LcDataset *ds, gsize object, const PbLightCurveOptions *options,
            const PbLightCurveLayout *layout, double top, const double *attribution, const PbPlotStyle *style)
{
  const LcObject *o = &ds->objects[object];
  g_autofree double *xs = g_new (double, MAX (o->n_obs, 1));
  g_autofree double *mass = g_new (double, MAX (o->n_obs, 1));
  g_autofree double *net = g_new (double, MAX (o->n_obs, 1));
  PbRect rect = { layout->area.rect.x, top, layout->area.rect.width, PB_GALLERY_STRIP_HEIGHT - 2 };
  double scale = 0.0, bar_time = NAN;
  int n = 0;

  for (int k = 0; attribution != NULL && k < o->n_obs; k++)
    {
      double x, y, e;

      if (!isfinite (attribution[k]) || !pb_light_curve_point (ds, object, k, options, &x, &y, &e))
        continue;
      /* observations are in time order: one of the same time joins the bar before */
      if (n == 0 || ds->time[o->first + k] != bar_time)
        {
          bar_time = ds->time[o->first + k];
          xs[n] = pb_plot_area_to_x (&layout->area, x);
          mass[n] = net[n] = 0.0;
          n++;
        }
      mass[n - 1] += fabs (attribution[k]);
      net[n - 1] += attribution[k];
    }
  for (int i = 0; i < n; i++)
    scale = MAX (scale, mass[i]);
  pb_attribution_draw_strip (cr, style, &rect, xs, mass, net, n, scale);
}

void
pb_gallery_draw (cairo_t *cr, int width, int height, const LcDataset *ds,
                 const gsize *objects, guint n, const char *const *captions,
                 const PbLightCurveOptions *options, int selected, const PbPlotStyle *style)
{
  pb_gallery_draw_with_attribution (cr, width, height, ds, objects, n, captions, options, selected, NULL, style);
}

void
pb_gallery_draw_with_attribution (cairo_t *cr, int width, int height, const LcDataset *ds,
                                  const gsize *objects, guint n, const char *const *captions,
                                  const PbLightCurveOptions *options, int selected,
                                  const double *const *attribution, const PbPlotStyle *style)
{
  PbLightCurveOptions cell_options = *options;
  int columns, rows;
  double cell_w, cell_h, text_h;

  cairo_save (cr);
  pb_plot_fill_background (cr, style, width, height);
  if (ds == NULL || n == 0)
    {
      pb_plot_draw_message (cr, style, width, height, _("No objects to show"));
      cairo_restore (cr);
      return;
    }
  cell_options.compact = TRUE;
  cell_options.zoomed = FALSE;
  cell_options.hidden_bands = 0;
  cell_options.attribution = NULL;
  columns = pb_gallery_columns (width);
  rows = (n + columns - 1) / columns;
  cell_w = width / (double) columns;
  cell_h = height / (double) rows;
  pb_plot_measure_text (cr, style, "Mg", 0.85, FALSE, NULL, &text_h);

  for (guint p = 0; p < n; p++)
    {
      double x = (p % columns) * cell_w, y = (p / columns) * cell_h;
      g_autofree char *fallback = NULL;
      const char *caption = captions != NULL ? captions[p] : NULL;

      if (objects[p] >= ds->n_objects)
        continue;
      if (caption == NULL)
        caption = fallback = default_caption (ds, objects[p]);

      cairo_save (cr);
      cairo_rectangle (cr, x + 2, y + 2, cell_w - 4, cell_h - 4);
      cairo_clip (cr);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      pb_plot_draw_text (cr, style, caption, x + 8, y + 5, PB_ALIGN_START, PB_ALIGN_START, 0.85,
                         (int) p == selected, NULL);
      cairo_translate (cr, x + 2, y + text_h + 6);
      if (attribution == NULL)
        pb_light_curve_draw (cr, cell_w - 4, cell_h - text_h - 8, ds, objects[p], &cell_options, style, NULL);
      else
        {
          double plot_h = cell_h - text_h - 8 - PB_GALLERY_STRIP_HEIGHT;
          PbLightCurveLayout layout;

          pb_light_curve_draw (cr, cell_w - 4, plot_h, ds, objects[p], &cell_options, style, &layout);
          if (layout.has_data)
            draw_strip (cr, ds, objects[p], &cell_options, &layout, plot_h, attribution[p], style);
        }
      cairo_restore (cr);

      cairo_set_line_width (cr, (int) p == selected ? 2.5 : 1.0);
      if ((int) p == selected)
        gdk_cairo_set_source_rgba (cr, &style->accent);
      else
        gdk_cairo_set_source_rgba (cr, &style->grid);
      cairo_rectangle (cr, x + 2.5, y + 2.5, cell_w - 5, cell_h - 5);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/* ---- the widget ------------------------------------------------------- */

struct _PbGalleryView
{
  GtkWidget parent_instance;

  LcDataset *dataset;
  GArray *objects;        /* gsize */
  GPtrArray *captions;    /* char *, NULL entries allowed; NULL when none were given */
  PbLightCurveOptions options;
  int selected;

  PbRun *attribution_run;     /* whose model the strips explain, or NULL */
  GPtrArray *attribution;     /* double * per position (NULL until computed); NULL without strips */
  PbJob *attribution_job;
  gboolean attribution_started;  /* the job for these items ran or runs */
};

enum
{
  PROP_0,
  PROP_VALUE_AXIS,
  N_PROPS
};

enum
{
  OBJECT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void pb_gallery_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbGalleryView, pb_gallery_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_gallery_view_plottable_init))

/* The strips start again from nothing: new items or another run. */
static void
reset_attribution (PbGalleryView *self)
{
  pb_job_clear (&self->attribution_job);
  g_clear_pointer (&self->attribution, g_ptr_array_unref);
  self->attribution_started = FALSE;
  if (self->attribution_run != NULL && lc_dataset_same_data (self->attribution_run->dataset, self->dataset))
    {
      self->attribution = g_ptr_array_new_full (self->objects->len, g_free);
      g_ptr_array_set_size (self->attribution, self->objects->len);
    }
}

static void
explained_cb (gpointer owner, PbAttributionResult *result)
{
  PbGalleryView *self = owner;
  const LcExplanation *ex = result->explanation;

  for (guint p = 0; self->attribution != NULL && p < self->objects->len; p++)
    if (g_array_index (self->objects, gsize, p) == result->object && g_ptr_array_index (self->attribution, p) == NULL)
      g_ptr_array_index (self->attribution, p) = g_memdup2 (ex->observation_attribution,
                                                            sizeof (double) * MAX (ex->n_observations, 1));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
explain_finished_cb (gpointer owner, const char *error_message)
{
  PbGalleryView *self = owner;

  /* strips that failed stay empty; the light-curve view's Explain says why */
  g_clear_pointer (&self->attribution_job, pb_job_unref);
}

/* Lazily, the first time the strips are to be drawn. */
static void
ensure_attribution_job (PbGalleryView *self)
{
  static const PbAttributionCallbacks callbacks = { explained_cb, explain_finished_cb };

  if (self->attribution == NULL || self->attribution_started || self->objects->len == 0)
    return;
  self->attribution_started = TRUE;
  self->attribution_job = pb_attribution_job_start (self, self->attribution_run,
                                                    (const gsize *) (void *) self->objects->data,
                                                    self->objects->len, -1, &callbacks);
}

static void
update_accessible_description (PbGalleryView *self)
{
  g_autofree char *text = g_strdup_printf (_("Gallery of %u light curves"), self->objects->len);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

void
pb_gallery_view_set_items (PbGalleryView *self, LcDataset *ds, const gsize *objects, guint n,
                           const char *const *captions)
{
  g_return_if_fail (PB_IS_GALLERY_VIEW (self));

  if (ds != NULL)
    lc_dataset_ref (ds);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds;
  g_array_set_size (self->objects, 0);
  g_clear_pointer (&self->captions, g_ptr_array_unref);
  if (ds != NULL && objects != NULL)
    g_array_append_vals (self->objects, objects, n);
  if (ds != NULL && captions != NULL)
    {
      self->captions = g_ptr_array_new_full (n, g_free);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (self->captions, g_strdup (captions[i]));
    }
  self->selected = self->objects->len > 0 ? 0 : -1;
  reset_attribution (self);
  update_accessible_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
pb_gallery_view_set_attribution_run (PbGalleryView *self, PbRun *run)
{
  g_return_if_fail (PB_IS_GALLERY_VIEW (self));
  if (run != NULL && run->doc == NULL)
    run = NULL;
  if (run == self->attribution_run)
    return;
  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->attribution_run, pb_run_unref);
  self->attribution_run = run;
  reset_attribution (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const double *
pb_gallery_view_get_attribution (PbGalleryView *self, guint position)
{
  g_return_val_if_fail (PB_IS_GALLERY_VIEW (self), NULL);
  if (self->attribution == NULL || position >= self->attribution->len)
    return NULL;
  return g_ptr_array_index (self->attribution, position);
}

gboolean
pb_gallery_view_is_explaining (PbGalleryView *self)
{
  return self->attribution_job != NULL;
}

guint
pb_gallery_view_get_n_items (PbGalleryView *self)
{
  return self->objects->len;
}

int
pb_gallery_view_get_selected (PbGalleryView *self)
{
  return self->selected;
}

/* Keyboard selection must stay on screen inside the scrolled window. */
static void
scroll_to_selected (PbGalleryView *self)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  int width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));
  int columns = pb_gallery_columns (width);
  int rows = MAX (1, ((int) self->objects->len + columns - 1) / columns);
  double cell_h = height / (double) rows, top = (self->selected / columns) * cell_h;
  graphene_point_t origin = GRAPHENE_POINT_INIT (0, top), in_scrolled;
  GtkAdjustment *adjustment;

  if (scrolled == NULL || height <= 0 || self->selected < 0)
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  /* the gallery's offset in the scrolled content is the adjustment value */
  if (!gtk_widget_compute_point (GTK_WIDGET (self), scrolled, &origin, &in_scrolled))
    return;
  top = gtk_adjustment_get_value (adjustment) + in_scrolled.y;
  gtk_adjustment_clamp_page (adjustment, top, top + cell_h);
}

void
pb_gallery_view_set_selected (PbGalleryView *self, int position)
{
  if (self->objects->len == 0)
    return;
  self->selected = CLAMP (position, 0, (int) self->objects->len - 1);
  scroll_to_selected (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gsize
pb_gallery_view_get_object (PbGalleryView *self, guint position)
{
  g_return_val_if_fail (position < self->objects->len, 0);
  return g_array_index (self->objects, gsize, position);
}

static void
draw_items (PbGalleryView *self, cairo_t *cr, int width, int height, int selected, const PbPlotStyle *style)
{
  pb_gallery_draw_with_attribution (cr, width, height, self->dataset, (const gsize *) self->objects->data,
                                    self->objects->len,
                                    self->captions != NULL ? (const char *const *) self->captions->pdata : NULL,
                                    &self->options, selected,
                                    self->attribution != NULL
                                    ? (const double *const *) self->attribution->pdata : NULL, style);
}

static void
pb_gallery_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbGalleryView *self = PB_GALLERY_VIEW (widget);
  PbPlotStyle style;
  int width, height;
  cairo_t *cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);

  if (cr == NULL)
    return;
  ensure_attribution_job (self);
  draw_items (self, cr, width, height, gtk_widget_has_focus (widget) ? self->selected : -1, &style);
  cairo_destroy (cr);
}

static GtkSizeRequestMode
pb_gallery_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
pb_gallery_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  PbGalleryView *self = PB_GALLERY_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = PB_GALLERY_CELL_WIDTH;
      *natural = PB_GALLERY_CELL_WIDTH * 4;
    }
  else
    {
      int columns = pb_gallery_columns (for_size > 0 ? for_size : PB_GALLERY_CELL_WIDTH * 4);
      int rows = MAX (1, ((int) self->objects->len + columns - 1) / columns);

      *minimum = *natural = rows * PB_GALLERY_CELL_HEIGHT;
    }
}

static int
position_at (PbGalleryView *self, double x, double y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));
  int columns = pb_gallery_columns (width);
  int rows = MAX (1, ((int) self->objects->len + columns - 1) / columns);
  int p = (int) (y / (height / (double) rows)) * columns + (int) (x / (width / (double) columns));

  return p >= 0 && p < (int) self->objects->len ? p : -1;
}

static void
activate_selected (PbGalleryView *self)
{
  if (self->selected >= 0)
    g_signal_emit (self, signals[OBJECT_ACTIVATED], 0,
                   (gint64) g_array_index (self->objects, gsize, self->selected));
}

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, PbGalleryView *self)
{
  int p = position_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (p < 0)
    return;
  pb_gallery_view_set_selected (self, p);
  activate_selected (self);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, PbGalleryView *self)
{
  int columns = pb_gallery_columns (gtk_widget_get_width (GTK_WIDGET (self)));

  switch (keyval)
    {
    case GDK_KEY_Left:
      pb_gallery_view_set_selected (self, self->selected - 1);
      return TRUE;
    case GDK_KEY_Right:
      pb_gallery_view_set_selected (self, self->selected + 1);
      return TRUE;
    case GDK_KEY_Up:
      pb_gallery_view_set_selected (self, self->selected - columns);
      return TRUE;
    case GDK_KEY_Down:
      pb_gallery_view_set_selected (self, self->selected + columns);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      activate_selected (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  PbGalleryView *self)
{
  int p = keyboard ? self->selected : position_at (self, x, y);
  gsize object;
  g_autofree char *text = NULL;

  if (p < 0 || self->dataset == NULL)
    return FALSE;
  object = g_array_index (self->objects, gsize, p);
  text = g_strdup_printf (_("Object %s: %d observations — click to open"),
                          self->dataset->objects[object].id, self->dataset->objects[object].n_obs);
  if (self->attribution != NULL)
    {
      g_autofree char *plain = g_steal_pointer (&text);

      text = g_strdup_printf ("%s\n%s", plain,
                              _("The strip: how much each time step weighed in the predicted class "
                                "(red raised it, blue lowered it)"));
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  draw_items (PB_GALLERY_VIEW (plottable), cr, width, height, -1, style);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  return g_strdup ("gallery");
}

static void
pb_gallery_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_gallery_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbGalleryView *self = PB_GALLERY_VIEW (object);

  switch (prop_id)
    {
    case PROP_VALUE_AXIS:
      g_value_set_string (value, self->options.value_kind == LC_VALUE_MAGNITUDE ? "magnitude" : "flux");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_gallery_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbGalleryView *self = PB_GALLERY_VIEW (object);

  switch (prop_id)
    {
    case PROP_VALUE_AXIS:
      self->options.value_kind = g_strcmp0 (g_value_get_string (value), "magnitude") == 0
                                 ? LC_VALUE_MAGNITUDE : LC_VALUE_FLUX;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_gallery_view_finalize (GObject *object)
{
  PbGalleryView *self = PB_GALLERY_VIEW (object);

  pb_job_clear (&self->attribution_job);
  g_clear_pointer (&self->attribution, g_ptr_array_unref);
  g_clear_pointer (&self->attribution_run, pb_run_unref);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  g_clear_pointer (&self->objects, g_array_unref);
  g_clear_pointer (&self->captions, g_ptr_array_unref);
  G_OBJECT_CLASS (pb_gallery_view_parent_class)->finalize (object);
}

static void
pb_gallery_view_class_init (PbGalleryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_gallery_view_finalize;
  object_class->get_property = pb_gallery_view_get_property;
  object_class->set_property = pb_gallery_view_set_property;
  widget_class->get_request_mode = pb_gallery_view_get_request_mode;

  properties[PROP_VALUE_AXIS] =
    g_param_spec_string ("value-axis", NULL, NULL, "flux",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the user opened one object (its index in the dataset) */
  signals[OBJECT_ACTIVATED] = g_signal_new ("object-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  pb_view_class_setup (widget_class, pb_gallery_view_snapshot, pb_gallery_view_measure, "galleryview");
}

static void
pb_gallery_view_init (PbGalleryView *self)
{
  const PbViewHandlers handlers = {
    .query_tooltip = G_CALLBACK (query_tooltip_cb),
    .pressed = G_CALLBACK (click_pressed_cb),
    .key_pressed = G_CALLBACK (key_pressed_cb),
  };

  self->objects = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->selected = -1;
  pb_light_curve_options_init (&self->options);
  self->options.error_bars = FALSE;
  pb_view_setup_interaction (GTK_WIDGET (self), &handlers, self);
  update_accessible_description (self);
}

GtkWidget *
pb_gallery_view_new (void)
{
  return g_object_new (PB_TYPE_GALLERY_VIEW, NULL);
}
