/* pb-early-view.h: the early-classification curve: accuracy, macro
 * F1 and macro AUC against how much of each light curve the model saw.  The
 * curve comes from lc_early_curve_new; this only draws it. */
#pragma once

#include <gtk/gtk.h>

#include "lc-early.h"
#include "pb-plot.h"

G_BEGIN_DECLS

/* marker: the point the slider shows (an index into the curve), -1 none. */
void pb_early_draw (cairo_t *cr, int width, int height, const LcEarlyCurve *curve, int marker,
                    const PbPlotStyle *style);
/* "first 3 obs.", "5 days", "all" */
char *pb_early_amount_label (LcEarlyAxis axis, double amount);

#define PB_TYPE_EARLY_VIEW (pb_early_view_get_type ())
G_DECLARE_FINAL_TYPE (PbEarlyView, pb_early_view, PB, EARLY_VIEW, GtkWidget)

GtkWidget          *pb_early_view_new        (void);
/* Takes curve (may be NULL). */
void                pb_early_view_set_curve  (PbEarlyView *self, LcEarlyCurve *curve);
const LcEarlyCurve *pb_early_view_get_curve  (PbEarlyView *self);
void                pb_early_view_set_marker (PbEarlyView *self, int marker);

G_END_DECLS
