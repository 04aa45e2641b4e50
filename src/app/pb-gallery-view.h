/* pb-gallery-view.h: small light curves of several objects side by side.
 *
 * Input is a dataset and a list of object indices with an optional caption
 * each, so the same widget shows "SN Ia objects" on the Data page and a
 * confusion-matrix cell ("true SNIbc, predicted SNII") on the Results page.
 */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"
#include "pb-light-curve-view.h"
#include "pb-plot.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

#define PB_GALLERY_CELL_WIDTH 220
#define PB_GALLERY_CELL_HEIGHT 160

/* Number of columns the gallery uses at this width. */
int  pb_gallery_columns (int width);

/* Draws n cells of a columns-wide grid; captions may be NULL (id and class are shown),
 * selected is a position or -1. */
void pb_gallery_draw (cairo_t *cr, int width, int height, const LcDataset *ds,
                      const gsize *objects, guint n, const char *const *captions,
                      const PbLightCurveOptions *options, int selected, const PbPlotStyle *style);

/* The same with an attribution strip under each thumbnail: attribution[p]
 * holds the observation attributions of objects[p] (NULL while not yet
 * computed: an empty strip), drawn on the thumbnail's time axis. */
void pb_gallery_draw_with_attribution (cairo_t *cr, int width, int height, const LcDataset *ds,
                                       const gsize *objects, guint n, const char *const *captions,
                                       const PbLightCurveOptions *options, int selected,
                                       const double *const *attribution, const PbPlotStyle *style);

/* Height of the attribution strip under a thumbnail. */
#define PB_GALLERY_STRIP_HEIGHT 12

#define PB_TYPE_GALLERY_VIEW (pb_gallery_view_get_type ())
G_DECLARE_FINAL_TYPE (PbGalleryView, pb_gallery_view, PB, GALLERY_VIEW, GtkWidget)

GtkWidget *pb_gallery_view_new        (void);
/* Copies objects and captions (captions: NULL or n strings, entries may be NULL). */
void       pb_gallery_view_set_items  (PbGalleryView *self, LcDataset *ds, const gsize *objects, guint n,
                                       const char *const *captions);
guint      pb_gallery_view_get_n_items  (PbGalleryView *self);
/* The selected position, or -1; selection moves with arrow keys and clicks. */
int        pb_gallery_view_get_selected (PbGalleryView *self);
void       pb_gallery_view_set_selected (PbGalleryView *self, int position);
/* Object index at a position. */
gsize      pb_gallery_view_get_object   (PbGalleryView *self, guint position);
/* Strips of attribution under the thumbnails, for the class run's model
 * predicts for each object: computed in the background (pb-attribution-job.h)
 * the first time the gallery is drawn, one object after another.  NULL, a
 * run without a model or one on another dataset: no strips. */
void       pb_gallery_view_set_attribution_run (PbGalleryView *self, PbRun *run);
/* The observation attributions of the item at position, or NULL while not computed. */
const double *pb_gallery_view_get_attribution (PbGalleryView *self, guint position);
/* TRUE while strips are being computed. */
gboolean   pb_gallery_view_is_explaining (PbGalleryView *self);

G_END_DECLS
