/* pb-tune-page-explore.h: the Explore section (issue 7): what a trained
 * model does with part of each light curve (early classification, with a
 * slider that updates the confusion matrix and per-class table) and which
 * objects look like none of its classes (novelty: histogram, threshold,
 * ranked gallery), plus the Kaggle predictions export.  It follows the run
 * the Results section shows; the numbers come from lc-early and the novelty
 * functions of lightcurve. */
#pragma once

#include <gtk/gtk.h>

#include "lc-early.h"
#include "lc-format.h"
#include "lc-plasticc-metric.h"
#include "pb-class-table.h"
#include "pb-confusion-view.h"
#include "pb-early-view.h"
#include "pb-gallery-view.h"
#include "pb-novelty-view.h"
#include "pb-trainer.h"
#include "pb-window.h"

G_BEGIN_DECLS

#define PB_TYPE_EXPLORE_PAGE (pb_explore_page_get_type ())
G_DECLARE_FINAL_TYPE (PbExplorePage, pb_explore_page, PB, EXPLORE_PAGE, GtkBox)

GtkWidget       *pb_explore_page_new            (PbWindow *window);
/* Computes the early curve on the run's validation rows and the novelty
 * scores of every object of its dataset (run needs doc and evaluation). */
gboolean         pb_explore_page_set_run        (PbExplorePage *self, PbRun *run, GError **error);
PbRun           *pb_explore_page_get_run        (PbExplorePage *self);
gboolean         pb_explore_page_set_axis       (PbExplorePage *self, LcEarlyAxis axis, GError **error);
/* Moves the slider to point index of the curve: the confusion matrix and
 * the per-class table show the scores with that much of each curve. */
void             pb_explore_page_set_early_point (PbExplorePage *self, int index);
int              pb_explore_page_get_early_point (PbExplorePage *self);
/* The run the confusion matrix and table show at the slider's point. */
PbRun           *pb_explore_page_get_early_run  (PbExplorePage *self);
PbEarlyView     *pb_explore_page_get_early_view (PbExplorePage *self);
PbConfusionView *pb_explore_page_get_confusion  (PbExplorePage *self);
PbClassTable    *pb_explore_page_get_class_table (PbExplorePage *self);

void             pb_explore_page_set_novelty_score (PbExplorePage *self, LcNoveltyScore kind);
void             pb_explore_page_set_threshold  (PbExplorePage *self, double threshold);
PbNoveltyView   *pb_explore_page_get_novelty_view (PbExplorePage *self);
PbGalleryView   *pb_explore_page_get_gallery    (PbExplorePage *self);
/* Loads a separate labelled file (a .ts, a PLAsTiCC CSV...) and scores the
 * model on it, shown beside the validation scores. */
gboolean         pb_explore_page_evaluate_file  (PbExplorePage *self, const char *path, GError **error);
const LcEvaluation *pb_explore_page_get_test_evaluation (PbExplorePage *self);
/* Every object of the run's dataset in the Kaggle layout with class_99. */
gboolean         pb_explore_page_export_predictions (PbExplorePage *self, const char *path, GError **error);

G_END_DECLS
