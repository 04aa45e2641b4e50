/* pb-results-page.h: the Results section (issue 6): the confusion matrix of a
 * run, the light curves behind a clicked cell (with their predicted
 * probabilities), per-class scores, the validation objects the model gets
 * wrong during training, and the burst view of transient classes. */
#pragma once

#include <gtk/gtk.h>

#include "pb-burst-view.h"
#include "pb-class-table.h"
#include "pb-confusion-view.h"
#include "pb-gallery-view.h"
#include "pb-trainer.h"
#include "pb-window.h"

G_BEGIN_DECLS

#define PB_RESULTS_MAX_GALLERY 60

#define PB_TYPE_RESULTS_PAGE (pb_results_page_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsPage, pb_results_page, PB, RESULTS_PAGE, GtkBox)

GtkWidget       *pb_results_page_new          (PbWindow *window);
/* Follows trainer's epochs for the "currently wrong" panel. */
void             pb_results_page_set_trainer  (PbResultsPage *self, PbTrainer *trainer);
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

G_END_DECLS
