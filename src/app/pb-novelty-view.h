/* pb-novelty-view.h: the histogram of a novelty score ("class 99")
 * with the threshold above which objects are ranked.  Scores come from
 * lc_novelty_scores; this only draws. */
#pragma once

#include <gtk/gtk.h>

#include "pb-plot.h"

G_BEGIN_DECLS

#define PB_NOVELTY_BINS 30

/* hi: the top of the score's range (lc_novelty_score_max). */
void pb_novelty_draw (cairo_t *cr, int width, int height, const double *scores, int n, double hi,
                      double threshold, const char *score_name, const PbPlotStyle *style);

#define PB_TYPE_NOVELTY_VIEW (pb_novelty_view_get_type ())
G_DECLARE_FINAL_TYPE (PbNoveltyView, pb_novelty_view, PB, NOVELTY_VIEW, GtkWidget)

GtkWidget *pb_novelty_view_new           (void);
/* Copies scores. */
void       pb_novelty_view_set_scores    (PbNoveltyView *self, const double *scores, int n, double hi,
                                          const char *score_name);
void       pb_novelty_view_set_threshold (PbNoveltyView *self, double threshold);
double     pb_novelty_view_get_threshold (PbNoveltyView *self);
/* The objects in the histogram. */
int        pb_novelty_view_get_n_scores  (PbNoveltyView *self);
/* Objects at or above the threshold. */
int        pb_novelty_view_count_above   (PbNoveltyView *self);

G_END_DECLS
