/* pb-results-novelty.h: the Novelty tab of Results: the histogram of a
 * novelty score ("class 99") over every object of the run's dataset, a
 * threshold, and the objects at or above it, most novel first.  The scores
 * are computed in a worker when the tab's page is shown. */
#pragma once

#include <gtk/gtk.h>

#include "lc-novelty.h"
#include "pb-explore-jobs.h"
#include "pb-novelty-view.h"
#include "pb-results-gallery.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_NOVELTY (pb_results_novelty_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsNovelty, pb_results_novelty, PB, RESULTS_NOVELTY, GtkWidget)

/* Properties: "session" (PbSession), "run" (PbRun), read-only "busy".
 * Signal "burst-requested" (guint64 object). */
GtkWidget             *pb_results_novelty_new            (PbSession *session);
/* Forgets the scores of the previous run. */
void                   pb_results_novelty_set_run        (PbResultsNovelty *self, PbRun *run);
/* Starts scoring every object unless it was done or started for the run. */
void                   pb_results_novelty_explore        (PbResultsNovelty *self);
void                   pb_results_novelty_cancel         (PbResultsNovelty *self);
gboolean               pb_results_novelty_is_busy        (PbResultsNovelty *self);
const char            *pb_results_novelty_get_error      (PbResultsNovelty *self);
/* kind: a LcNoveltyScore or PB_NOVELTY_DISTANCE */
void                   pb_results_novelty_set_score      (PbResultsNovelty *self, int kind);
void                   pb_results_novelty_set_threshold  (PbResultsNovelty *self, double threshold);
/* Whether the objects the model was trained on are scored too (by default
 * they are left out: the model knows them). */
void                   pb_results_novelty_set_include_trained (PbResultsNovelty *self, gboolean include);
/* The scores, or NULL until computed; the run they were computed for. */
const PbNoveltyScores *pb_results_novelty_get_scores     (PbResultsNovelty *self);
PbRun                 *pb_results_novelty_get_scores_run (PbResultsNovelty *self);
PbNoveltyView         *pb_results_novelty_get_view       (PbResultsNovelty *self);
PbResultsGallery      *pb_results_novelty_get_gallery    (PbResultsNovelty *self);

G_END_DECLS
