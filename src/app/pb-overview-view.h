/* pb-overview-view.h: what is in a dataset at a glance: counts, objects per
 * class as bars, and a histogram of sequence lengths (DESIGN §8). */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"
#include "pb-plot.h"

G_BEGIN_DECLS

#define PB_OVERVIEW_MAX_CLASSES 64

typedef struct
{
  int n_classes;
  PbRect class_bars[PB_OVERVIEW_MAX_CLASSES];   /* one clickable row per class */
  PbPlotArea histogram;
} PbOverviewLayout;

/* Draws the overview; highlighted is a class index to mark, or -1. */
void pb_overview_draw (cairo_t *cr, int width, int height, const LcDataset *ds,
                       int highlighted, const PbPlotStyle *style, PbOverviewLayout *layout);

/* Histogram of observations per object: counts[bins] over [lo, hi), equal-width
 * integer bins; returns the bin count used (<= max_bins). */
int pb_overview_length_histogram (const LcDataset *ds, int max_bins, int *counts, int *lo, int *bin_width);

#define PB_TYPE_OVERVIEW_VIEW (pb_overview_view_get_type ())
G_DECLARE_FINAL_TYPE (PbOverviewView, pb_overview_view, PB, OVERVIEW_VIEW, GtkWidget)

GtkWidget *pb_overview_view_new         (void);
void       pb_overview_view_set_dataset (PbOverviewView *self, LcDataset *ds);
/* Emits "class-activated" (class index) as a click on its bar does. */
void       pb_overview_view_activate_class (PbOverviewView *self, int class_index);

G_END_DECLS
