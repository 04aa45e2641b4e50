/* pb-results-seen.h: the "Seen so far" row above the Results tabs: how much
 * of each validation light curve the confusion matrix, the per-class scores
 * and the reliability diagram score.  It computes the early-classification
 * curve of a run (the slider's points) and the scores at the slider's point
 * in workers; a stale or cancelled result is dropped. */
#pragma once

#include <gtk/gtk.h>

#include "lc-early.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_SEEN (pb_results_seen_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsSeen, pb_results_seen, PB, RESULTS_SEEN, GtkWidget)

/* Properties: "run" (PbRun, the run explored), and read-only "shown-run"
 * (PbRun, its scores at the slider's point: the run itself for whole
 * curves), "curve" (the LcEarlyCurve, a pointer), "point" (the slider's
 * index into the curve, -1 none), "busy" (a job runs). */
GtkWidget          *pb_results_seen_new            (void);
/* Forgets what was computed for the previous run. */
void                pb_results_seen_set_run        (PbResultsSeen *self, PbRun *run);
PbRun              *pb_results_seen_get_run        (PbResultsSeen *self);
/* Starts the curve of the run unless it was already computed or started. */
void                pb_results_seen_explore        (PbResultsSeen *self);
void                pb_results_seen_set_axis       (PbResultsSeen *self, LcEarlyAxis axis);
/* Moves the slider to point index and scores that much of each curve. */
void                pb_results_seen_set_point      (PbResultsSeen *self, int index);
int                 pb_results_seen_get_point      (PbResultsSeen *self);
const LcEarlyCurve *pb_results_seen_get_curve      (PbResultsSeen *self);
PbRun              *pb_results_seen_get_shown_run  (PbResultsSeen *self);
/* Stops the jobs; the slider goes back to the point whose scores are shown. */
void                pb_results_seen_cancel         (PbResultsSeen *self);
/* A job runs or the slider is about to start one. */
gboolean            pb_results_seen_is_busy        (PbResultsSeen *self);
/* The message of the last job that failed, or NULL. */
const char         *pb_results_seen_get_error      (PbResultsSeen *self);
const char         *pb_results_seen_get_text       (PbResultsSeen *self);

G_END_DECLS
