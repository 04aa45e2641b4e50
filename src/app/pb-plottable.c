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
