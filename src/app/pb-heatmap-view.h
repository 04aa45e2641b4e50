/* pb-heatmap-view.h: the tuner's drawings: a heat map of the best
 * validation accuracy over two search settings, and the trials' validation
 * curves overlaid.  The numbers come from lc-tune; these only draw. */
#pragma once

#include <gtk/gtk.h>

#include "lc-tune.h"
#include "pb-plot.h"

G_BEGIN_DECLS

/* A setting as people write it: 0.00313 rather than 0.00313003; text that
 * is not a fractional number is returned as it is. */
char *pb_format_setting  (const char *text);

/* map may be NULL (a message is drawn); its axis labels are drawn through
 * pb_format_setting. */
void pb_heatmap_draw     (cairo_t *cr, int width, int height, const LcTuneHeatmap *map,
                          const char *x_title, const char *y_title, const PbPlotStyle *style);
/* Validation accuracy per epoch of every trial of table; the best trial in
 * the accent colour, trial `highlight` (an index, -1 none) in the foreground. */
void pb_tune_curves_draw (cairo_t *cr, int width, int height, const LcTuneTable *table, int highlight,
                          const PbPlotStyle *style);

#define PB_TYPE_HEATMAP_VIEW (pb_heatmap_view_get_type ())
G_DECLARE_FINAL_TYPE (PbHeatmapView, pb_heatmap_view, PB, HEATMAP_VIEW, GtkWidget)

GtkWidget           *pb_heatmap_view_new  (void);
/* Shows lc_tune_heatmap_new (table, x_path, y_path, 6); table may be NULL.
 * The axes are titled x_title and y_title (the paths when NULL). */
void                 pb_heatmap_view_set_table (PbHeatmapView *self, const LcTuneTable *table,
                                                const char *x_path, const char *y_path,
                                                const char *x_title, const char *y_title);
/* The axis titles drawn, and label i of one axis as drawn (free it). */
const char          *pb_heatmap_view_get_title (PbHeatmapView *self, gboolean x_axis);
char                *pb_heatmap_view_dup_label (PbHeatmapView *self, gboolean x_axis, int i);
const LcTuneHeatmap *pb_heatmap_view_get_map   (PbHeatmapView *self);

#define PB_TYPE_TUNE_CURVES_VIEW (pb_tune_curves_view_get_type ())
G_DECLARE_FINAL_TYPE (PbTuneCurvesView, pb_tune_curves_view, PB, TUNE_CURVES_VIEW, GtkWidget)

GtkWidget *pb_tune_curves_view_new       (void);
/* table is not copied: it must outlive the view or be replaced first. */
void       pb_tune_curves_view_set_table (PbTuneCurvesView *self, const LcTuneTable *table, int highlight);

G_END_DECLS
