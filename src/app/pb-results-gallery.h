/* pb-results-gallery.h: the light curves behind a Results panel (a
 * confusion-matrix cell, the misclassified objects, the most novel ones):
 * a caption saying what they are, the gallery, and "Compare Burst" for the
 * selected object.  Opening an object asks the session to show it, as long
 * as its dataset is still the open one. */
#pragma once

#include <gtk/gtk.h>

#include "pb-gallery-view.h"
#include "pb-session.h"

G_BEGIN_DECLS

/* At most this many objects in a Results gallery. */
#define PB_RESULTS_MAX_GALLERY 60

#define PB_TYPE_RESULTS_GALLERY (pb_results_gallery_get_type ())
G_DECLARE_FINAL_TYPE (PbResultsGallery, pb_results_gallery, PB, RESULTS_GALLERY, GtkWidget)

/* Properties: "session" (PbSession), "description" (the gallery's accessible description).
 * Signal "burst-requested" (guint64 object): Compare Burst on the selected object. */
GtkWidget     *pb_results_gallery_new         (PbSession *session, const char *description);
void           pb_results_gallery_set_session (PbResultsGallery *self, PbSession *session);
/* Shows n objects of ds (captions: NULL or n strings) under caption. */
void           pb_results_gallery_show        (PbResultsGallery *self, LcDataset *ds, const gsize *objects, guint n,
                                               const char *const *captions, const char *caption);
/* Empties the gallery; caption says why (may be NULL). */
void           pb_results_gallery_clear       (PbResultsGallery *self, const char *caption);
void           pb_results_gallery_set_caption (PbResultsGallery *self, const char *caption);
const char    *pb_results_gallery_get_caption (PbResultsGallery *self);
PbGalleryView *pb_results_gallery_get_view    (PbResultsGallery *self);

G_END_DECLS
