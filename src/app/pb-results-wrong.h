/* pb-results-wrong.h: the Currently Wrong tab of Results: the validation
 * objects the model gets wrong at the latest epoch, following the session's
 * trainer while it trains (true → predicted class under each). */
#pragma once

#include <gtk/gtk.h>

#include "pb-results-gallery.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RESULTS_WRONG (pb_results_wrong_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsWrong, pb_results_wrong, PB, RESULTS_WRONG, GtkWidget)

/* Property "session" (PbSession).  Signal "burst-requested" (guint64 object). */
GtkWidget        *pb_results_wrong_new           (PbSession *session);
/* Shows what run got wrong at its latest epoch. */
void              pb_results_wrong_show_run      (PbResultsWrong *self, PbRun *run);
/* The run shown, or NULL. */
PbRun            *pb_results_wrong_get_run       (PbResultsWrong *self);
/* The class (an index into the dataset's classes) the shown run predicted
 * for object at its latest epoch, or -1 when it got the object right. */
int               pb_results_wrong_predicted_for (PbResultsWrong *self, gsize object);
PbResultsGallery *pb_results_wrong_get_gallery   (PbResultsWrong *self);

G_END_DECLS
