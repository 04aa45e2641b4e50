/* pb-network-diagram.h: the network as a drawn block diagram: input, one box
 * per layer, the metadata joining from the side, the output; shapes on the
 * arrows.  The drawing is a plain function on a cairo_t (screen, PNG/SVG/PDF
 * exports and tests alike); the widget shows it and is a PbPlottable. */
#pragma once

#include <gtk/gtk.h>

#include "nn-model-file.h"
#include "nn-model-info.h"
#include "pb-plot.h"

G_BEGIN_DECLS

/* Draws doc as analysed by info (info->n_layers == doc->layers->len) into
 * (0, 0, width, height); selected is a layer index to highlight, or -1. */
void pb_network_diagram_draw (cairo_t *cr, int width, int height, const PbPlotStyle *style,
                              const NnModelDoc *doc, const NnModelInfo *info, int selected);

#define PB_TYPE_NETWORK_DIAGRAM (pb_network_diagram_get_type ())
G_DECLARE_FINAL_TYPE (PbNetworkDiagram, pb_network_diagram, PB, NETWORK_DIAGRAM, GtkWidget)

GtkWidget *pb_network_diagram_new (void);
/* Shows doc as analysed by info; both are borrowed and must stay alive until
 * the next call (the builder owns them and calls again whenever they change). */
void       pb_network_diagram_set_model (PbNetworkDiagram *self, const NnModelDoc *doc,
                                         const NnModelInfo *info, int selected);

G_END_DECLS
