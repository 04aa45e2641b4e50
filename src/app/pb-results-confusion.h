/* pb-results-confusion.h: the Confusion Matrix tab of Results: a run's
 * confusion matrix (counts or row-normalised) and, beside it, the light
 * curves behind the chosen cell with each object's most likely classes. */
#pragma once

#include <gtk/gtk.h>

#include "pb-confusion-view.h"
#include "pb-results-gallery.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_CONFUSION (pb_results_confusion_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsConfusion, pb_results_confusion, PB, RESULTS_CONFUSION, GtkWidget)

/* Properties: "session" (PbSession), "run" (PbRun, the scores shown).
 * Signal "burst-requested" (guint64 object). */
GtkWidget        *pb_results_confusion_new         (PbSession *session);
/* Shows run's scores.  The chosen cell stays when run scores the same
 * dataset with the same classes (the Seen-so-far slider's runs). */
void              pb_results_confusion_set_run     (PbResultsConfusion *self, PbRun *run);
PbRun            *pb_results_confusion_get_run     (PbResultsConfusion *self);
/* Shows the objects of true class t predicted as p (model class indices). */
void              pb_results_confusion_show_cell   (PbResultsConfusion *self, int t, int p);
PbConfusionView  *pb_results_confusion_get_view    (PbResultsConfusion *self);
PbResultsGallery *pb_results_confusion_get_gallery (PbResultsConfusion *self);

G_END_DECLS
