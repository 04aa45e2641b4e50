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

G_END_DECLS
