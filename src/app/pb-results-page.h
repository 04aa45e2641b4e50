/* pb-results-page.h: the Results section (issue 6): the confusion matrix of a
 * run, the light curves behind a clicked cell (with their predicted
 * probabilities), per-class scores, the validation objects the model gets
 * wrong during training, and the burst view of transient classes. */
#pragma once

#include <gtk/gtk.h>

#include "pb-burst-view.h"
#include "pb-class-table.h"
#include "pb-confusion-view.h"
#include "pb-early-view.h"
#include "pb-novelty-view.h"
#include "lc-plasticc-metric.h"
#include "pb-gallery-view.h"
#include "pb-results-confusion.h"
#include "pb-results-wrong.h"
#include "pb-trainer.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_PAGE (pb_results_page_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsPage, pb_results_page, PB, RESULTS_PAGE, GtkBox)

/* Shows the session's shown run; follows its dataset. */
GtkWidget       *pb_results_page_new          (PbSession *session);
/* Shows run's scores (a finished, stopped or opened run). */
void             pb_results_page_set_run      (PbResultsPage *self, PbRun *run);
PbRun           *pb_results_page_get_run      (PbResultsPage *self);

PbConfusionView *pb_results_page_get_confusion (PbResultsPage *self);
PbClassTable    *pb_results_page_get_class_table (PbResultsPage *self);
/* The objects of the last clicked cell. */
PbGalleryView   *pb_results_page_get_cell_gallery (PbResultsPage *self);
/* The validation objects misclassified at the latest epoch. */
PbGalleryView   *pb_results_page_get_wrong_gallery (PbResultsPage *self);
PbBurstView     *pb_results_page_get_burst_view (PbResultsPage *self);
/* Shows "true → predicted" of the gallery item at position as a burst
 * against the typical curves of both classes. */
void             pb_results_page_show_burst_for (PbResultsPage *self, gsize object);
/* Shows a tab: "confusion", "scores", "wrong" or "bursts". */
void             pb_results_page_show_tab       (PbResultsPage *self, const char *name);

/* Early classification and novelty (issue 7).  Every long step runs in a
 * worker; pb_results_page_is_busy says whether one is still going.  The jobs
 * for a run start when the page is mapped (or on pb_results_page_explore). */
void             pb_results_page_explore        (PbResultsPage *self);
gboolean         pb_results_page_is_busy        (PbResultsPage *self);
/* Shown while a job runs; stops them all. */
GtkWidget       *pb_results_page_get_cancel_button (PbResultsPage *self);
/* The message of the last job that failed, or NULL. */
const char      *pb_results_page_get_job_error  (PbResultsPage *self);
void             pb_results_page_set_early_axis (PbResultsPage *self, LcEarlyAxis axis);
/* Moves the "seen so far" slider to point index of the early curve: the
 * confusion matrix and per-class table then score that much of each curve. */
void             pb_results_page_set_early_point (PbResultsPage *self, int index);
int              pb_results_page_get_early_point (PbResultsPage *self);
/* The run the confusion matrix and table show: the slider's or the run itself. */
PbRun           *pb_results_page_get_shown_run  (PbResultsPage *self);
PbEarlyView     *pb_results_page_get_early_view (PbResultsPage *self);
void             pb_results_page_set_novelty_score (PbResultsPage *self, LcNoveltyScore kind);
void             pb_results_page_set_threshold  (PbResultsPage *self, double threshold);
PbNoveltyView   *pb_results_page_get_novelty_view (PbResultsPage *self);
/* The objects above the threshold, most novel first. */
PbGalleryView   *pb_results_page_get_novelty_gallery (PbResultsPage *self);
/* Scores the model on a separate labelled file in a worker; the scores are
 * shown beside the validation scores.  FALSE: no model to evaluate. */
gboolean         pb_results_page_evaluate_file  (PbResultsPage *self, const char *path, GError **error);
const LcEvaluation *pb_results_page_get_test_evaluation (PbResultsPage *self);
/* "Validation: …\n<file>: …" as shown. */
const char      *pb_results_page_get_test_text  (PbResultsPage *self);
/* Writes every object's probabilities (Kaggle layout, class_99) in a worker.
 * FALSE: the novelty scores are not ready. */
gboolean         pb_results_page_export_predictions (PbResultsPage *self, const char *path, GError **error);

G_END_DECLS
