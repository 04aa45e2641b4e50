/* pb-burst-view.h: bursts of a transient class aligned on their peak and
 * normalised, overlaid per passband with the class's typical (median) curve
 * and its rise time, decline time and width at half maximum; or one object
 * drawn against the typical curves of its true and its predicted class.
 * Measurements come from lc-burst.h. */
#pragma once

#include <gtk/gtk.h>

#include "lc-burst.h"
#include "lc-dataset.h"
#include "pb-plot.h"

G_BEGIN_DECLS

#define PB_BURST_BINS 40
#define PB_BURST_MAX_CURVES 80

#define PB_TYPE_BURST_VIEW (pb_burst_view_get_type ())
G_DECLARE_FINAL_TYPE (PbBurstView, pb_burst_view, PB, BURST_VIEW, GtkWidget)

GtkWidget *pb_burst_view_new        (void);
/* Shows the objects of class_index (an index into ds->classes); -1 clears. */
void       pb_burst_view_set_class  (PbBurstView *self, LcDataset *ds, int class_index);
/* Shows object against the typical curves of true_class and predicted_class
 * (indices into ds->classes; either may be -1). */
void       pb_burst_view_set_object (PbBurstView *self, LcDataset *ds, gsize object, int true_class,
                                     int predicted_class);
/* The typical curve shown (0: the class or true class, 1: the predicted class), or NULL. */
const LcBurstTypical *pb_burst_view_get_typical (PbBurstView *self, int which);

G_END_DECLS
