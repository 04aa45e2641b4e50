/* pb-object-history-view.h: one validation object's class probabilities
 * across the epochs of a run, one line per class, the true class drawn
 * thick in green and named first in the legend, the others in colours by
 * how likely they came to be. */
#pragma once

#include <gtk/gtk.h>

#include "pb-plot.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

/* Draws object (an index into the run's object history; -1: none) of run
 * (may be NULL).  area (may be NULL) gets where the epochs (x, 1-based) and
 * probabilities (y, 0..1) were drawn. */
void pb_object_history_draw (cairo_t *cr, int width, int height, PbRun *run, int object,
                             const PbPlotStyle *style, PbPlotArea *area);

/* The colour of the other classes' lines, by rank: the class that comes
 * closest to certain is 0, the next 1, ... (classes never above 5 % are grey). */
void pb_object_history_class_color (const PbPlotStyle *style, int rank, GdkRGBA *out);
/* The colour of the true class's line. */
void pb_object_history_true_color  (const PbPlotStyle *style, GdkRGBA *out);

#define PB_TYPE_OBJECT_HISTORY_VIEW (pb_object_history_view_get_type ())
G_DECLARE_FINAL_TYPE (PbObjectHistoryView, pb_object_history_view, PB, OBJECT_HISTORY_VIEW, GtkWidget)

GtkWidget *pb_object_history_view_new        (void);
/* Shows object (history index, -1: none) of run (a reference is kept). */
void       pb_object_history_view_set_object (PbObjectHistoryView *self, PbRun *run, int object);
int        pb_object_history_view_get_object (PbObjectHistoryView *self);

G_END_DECLS
