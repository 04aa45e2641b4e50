/* pb-results-scores.h: the Per-Class Scores tab of Results: precision, recall, F1 and
 * support of each class, under the summary scores of a run's evaluation. */
#pragma once

#include <gtk/gtk.h>

#include "pb-class-table.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_SCORES (pb_results_scores_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsScores, pb_results_scores, PB, RESULTS_SCORES, GtkWidget)

/* Property "run" (PbRun): the scores shown. */
GtkWidget    *pb_results_scores_new      (void);
void          pb_results_scores_set_run  (PbResultsScores *self, PbRun *run);
PbRun        *pb_results_scores_get_run  (PbResultsScores *self);
PbClassTable *pb_results_scores_get_view (PbResultsScores *self);

G_END_DECLS
