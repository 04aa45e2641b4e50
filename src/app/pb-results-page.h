/* pb-results-page.h: the Results section: one panel per tab (confusion
 * matrix with the light curves behind a cell, per-class scores, reliability,
 * early classification, novelty, the objects the model currently gets wrong,
 * bursts), above them the run's scores, the actions (a separate test file,
 * the predictions, ONNX) and the "Seen so far" slider that the score panels
 * follow. */
#pragma once

#include <gtk/gtk.h>

#include "lc-plasticc-metric.h"
#include "pb-results-bursts.h"
#include "pb-results-confusion.h"
#include "pb-results-early.h"
#include "pb-results-novelty.h"
#include "pb-results-reliability.h"
#include "pb-results-scores.h"
#include "pb-results-seen.h"
#include "pb-results-wrong.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_PAGE (pb_results_page_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsPage, pb_results_page, PB, RESULTS_PAGE, GtkBox)

/* Shows the session's shown run; follows its dataset. */
GtkWidget       *pb_results_page_new          (PbSession *session);
/* Shows run's scores (a finished, stopped or opened run). */
void             pb_results_page_set_run      (PbResultsPage *self, PbRun *run);
PbRun           *pb_results_page_get_run      (PbResultsPage *self);

/* Shows a tab: "confusion", "scores", "reliability", "early", "novelty", "wrong" or "bursts". */
void             pb_results_page_show_tab       (PbResultsPage *self, const char *name);
/* The panel of a tab, by the same names. */
GtkWidget       *pb_results_page_get_panel      (PbResultsPage *self, const char *name);

PbConfusionView *pb_results_page_get_confusion (PbResultsPage *self);
PbClassTable    *pb_results_page_get_class_table (PbResultsPage *self);
/* The objects of the last clicked cell. */
PbGalleryView   *pb_results_page_get_cell_gallery (PbResultsPage *self);
/* The validation objects misclassified at the latest epoch. */
PbGalleryView   *pb_results_page_get_wrong_gallery (PbResultsPage *self);
PbBurstView     *pb_results_page_get_burst_view (PbResultsPage *self);
/* Shows object against the typical curves of its true and its predicted
 * class in the Bursts tab. */
void             pb_results_page_show_burst_for (PbResultsPage *self, gsize object);

/* Early classification and novelty.  Every long step runs in a worker;
 * pb_results_page_is_busy says whether one is still going.  The jobs for a
 * run start when the page is mapped (or on pb_results_page_explore). */
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
