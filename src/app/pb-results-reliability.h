/* pb-results-reliability.h: the Reliability tab of Results: how often the model
 * was right against how sure it was, with the expected calibration error. */
#pragma once

#include <gtk/gtk.h>

#include "pb-reliability-view.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_RELIABILITY (pb_results_reliability_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsReliability, pb_results_reliability, PB, RESULTS_RELIABILITY, GtkWidget)

/* Property "run" (PbRun): the scores shown. */
GtkWidget         *pb_results_reliability_new      (void);
void               pb_results_reliability_set_run  (PbResultsReliability *self, PbRun *run);
PbRun             *pb_results_reliability_get_run  (PbResultsReliability *self);
PbReliabilityView *pb_results_reliability_get_view (PbResultsReliability *self);

G_END_DECLS
