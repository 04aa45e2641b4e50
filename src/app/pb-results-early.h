/* pb-results-early.h: the Early Classification tab of Results: accuracy,
 * macro F1 and macro AUC against how much of each light curve the model saw,
 * as the "Seen so far" row computed them, with the slider's point marked and
 * its scores written out below. */
#pragma once

#include <gtk/gtk.h>

#include "pb-early-view.h"
#include "pb-results-seen.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_EARLY (pb_results_early_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsEarly, pb_results_early, PB, RESULTS_EARLY, GtkWidget)

/* Property "seen" (PbResultsSeen): the row whose curve and point are shown. */
GtkWidget   *pb_results_early_new         (PbResultsSeen *seen);
PbEarlyView *pb_results_early_get_view    (PbResultsEarly *self);
/* "First 3 obs.: accuracy 0.412 · macro F1 0.301 · macro AUC 0.702" */
const char  *pb_results_early_get_caption (PbResultsEarly *self);

G_END_DECLS
