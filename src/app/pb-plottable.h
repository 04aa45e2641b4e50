/* pb-plottable.h: a view that can draw itself on any cairo_t at any size,
 * so the export dialog and the tests treat every view alike. */
#pragma once

#include <gtk/gtk.h>

#include "pb-plot.h"

G_BEGIN_DECLS

#define PB_TYPE_PLOTTABLE (pb_plottable_get_type ())
G_DECLARE_INTERFACE (PbPlottable, pb_plottable, PB, PLOTTABLE, GObject)

struct _PbPlottableInterface
{
  GTypeInterface parent_iface;

  void (*draw) (PbPlottable *self, cairo_t *cr, int width, int height, const PbPlotStyle *style);
  /* a short file-name stem for exports, e.g. "light-curve-615" (newly allocated) */
  char *(*export_name) (PbPlottable *self);
};

void  pb_plottable_draw        (PbPlottable *self, cairo_t *cr, int width, int height,
                                const PbPlotStyle *style);
char *pb_plottable_export_name (PbPlottable *self);

/* The set-up every drawn view shares.  The class part: a snapshot, an
 * optional measure, a CSS name and the image role for screen readers. */
typedef void (*PbViewSnapshotFunc) (GtkWidget *widget, GtkSnapshot *snapshot);
typedef void (*PbViewMeasureFunc)  (GtkWidget *widget, GtkOrientation orientation, int for_size,
                                    int *minimum, int *natural, int *minimum_baseline,
                                    int *natural_baseline);

/* A snapshot that draws the view as it would be exported: for views that
 * show nothing more on screen (hover, focus) than in a file. */
void     pb_plottable_snapshot (GtkWidget *widget, GtkSnapshot *snapshot);
/* The cairo_t a view's snapshot draws on, with the widget's size and style;
 * NULL when the widget has no area yet.  Destroy it when done. */
cairo_t *pb_view_begin_cairo   (GtkWidget *widget, GtkSnapshot *snapshot, PbPlotStyle *style,
                                int *width, int *height);

void  pb_view_class_setup      (GtkWidgetClass *widget_class, PbViewSnapshotFunc snapshot,
                                PbViewMeasureFunc measure, const char *css_name);

/* The instance part: the view takes focus and, for each handler that is not
 * NULL, gets the signal or controller that calls it (with user_data), added
 * in this order: tooltip, click, motion (and leave), keys. */
typedef struct
{
  GCallback query_tooltip;   /* GtkWidget::query-tooltip */
  GCallback pressed;         /* GtkGestureClick::pressed */
  GCallback motion;          /* GtkEventControllerMotion::motion */
  GCallback leave;           /* GtkEventControllerMotion::leave */
  GCallback key_pressed;     /* GtkEventControllerKey::key-pressed */
} PbViewHandlers;

void  pb_view_setup_interaction (GtkWidget *widget, const PbViewHandlers *handlers, gpointer user_data);

G_END_DECLS
