/* pb-plottable.c: the interface views implement to be exported */
#include "config.h"

#include "pb-plottable.h"

G_DEFINE_INTERFACE (PbPlottable, pb_plottable, G_TYPE_OBJECT)

static void
pb_plottable_default_init (PbPlottableInterface *iface)
{
}

void
pb_plottable_draw (PbPlottable *self, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  g_return_if_fail (PB_IS_PLOTTABLE (self));
  PB_PLOTTABLE_GET_IFACE (self)->draw (self, cr, width, height, style);
}

char *
pb_plottable_export_name (PbPlottable *self)
{
  PbPlottableInterface *iface;

  g_return_val_if_fail (PB_IS_PLOTTABLE (self), NULL);
  iface = PB_PLOTTABLE_GET_IFACE (self);
  return iface->export_name != NULL ? iface->export_name (self) : g_strdup ("passband-view");
}

cairo_t *
pb_view_begin_cairo (GtkWidget *widget, GtkSnapshot *snapshot, PbPlotStyle *style, int *width, int *height)
{
  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  if (*width <= 0 || *height <= 0)
    return NULL;
  pb_plot_style_from_widget (style, widget);
  return gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, *width, *height));
}

void
pb_plottable_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbPlotStyle style;
  int width, height;
  cairo_t *cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);

  if (cr == NULL)
    return;
  pb_plottable_draw (PB_PLOTTABLE (widget), cr, width, height, &style);
  cairo_destroy (cr);
}

void
pb_view_class_setup (GtkWidgetClass *widget_class, PbViewSnapshotFunc snapshot, PbViewMeasureFunc measure,
                     const char *css_name)
{
  widget_class->snapshot = snapshot;
  if (measure != NULL)
    widget_class->measure = measure;
  gtk_widget_class_set_css_name (widget_class, css_name);
  /* a drawing: its accessible description says what it shows */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
add_controller (GtkWidget *widget, GtkEventController *controller, const char *signal, GCallback handler,
                gpointer user_data)
{
  g_signal_connect (controller, signal, handler, user_data);
  gtk_widget_add_controller (widget, controller);
}

void
pb_view_setup_interaction (GtkWidget *widget, const PbViewHandlers *handlers, gpointer user_data)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (handlers != NULL);

  gtk_widget_set_focusable (widget, TRUE);
  if (handlers->query_tooltip != NULL)
    {
      gtk_widget_set_has_tooltip (widget, TRUE);
      g_signal_connect (widget, "query-tooltip", handlers->query_tooltip, user_data);
    }
  if (handlers->pressed != NULL)
    add_controller (widget, GTK_EVENT_CONTROLLER (gtk_gesture_click_new ()), "pressed", handlers->pressed,
                    user_data);
  if (handlers->motion != NULL || handlers->leave != NULL)
    {
      GtkEventController *motion = gtk_event_controller_motion_new ();

      if (handlers->motion != NULL)
        g_signal_connect (motion, "motion", handlers->motion, user_data);
      if (handlers->leave != NULL)
        g_signal_connect (motion, "leave", handlers->leave, user_data);
      gtk_widget_add_controller (widget, motion);
    }
  if (handlers->key_pressed != NULL)
    add_controller (widget, gtk_event_controller_key_new (), "key-pressed", handlers->key_pressed, user_data);
}
