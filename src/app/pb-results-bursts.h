/* pb-results-bursts.h: the Bursts tab of Results: the bursts of a transient
 * class aligned on their peak with the class's typical curve, or one object
 * drawn against the typical curves of its true and its predicted class. */
#pragma once

#include <gtk/gtk.h>

#include "pb-burst-view.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_BURSTS (pb_results_bursts_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsBursts, pb_results_bursts, PB, RESULTS_BURSTS, GtkWidget)

/* Properties: "session" (PbSession), "run" (PbRun).  The classes offered are
 * the transient classes of the run's dataset, or of the open one without a run. */
GtkWidget   *pb_results_bursts_new         (PbSession *session);
void         pb_results_bursts_set_run     (PbResultsBursts *self, PbRun *run);
/* Shows object of ds against the typical curves of true_class and
 * predicted_class (indices into ds->classes, either may be -1). */
void         pb_results_bursts_show_object (PbResultsBursts *self, LcDataset *ds, gsize object, int true_class,
                                            int predicted_class);
/* Shows the class at position i of the drop-down; FALSE past its end. */
gboolean     pb_results_bursts_select      (PbResultsBursts *self, guint i);
PbBurstView *pb_results_bursts_get_view    (PbResultsBursts *self);

G_END_DECLS
