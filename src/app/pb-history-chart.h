/* pb-history-chart.h: training curves: loss (log scale) and accuracy per
 * epoch for training and validation, the smoothed batch loss in between, the
 * best epoch marked, and a second run overlaid (dashed) to compare. */
#pragma once

#include <gtk/gtk.h>

#include "pb-plot.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

/* Where the last draw put things, for hover and tests. */
typedef struct
{
  PbPlotArea loss;      /* y in log10(loss) */
  PbPlotArea accuracy;
  int n_epochs;         /* x range of both panels: 0 .. n_epochs */
} PbHistoryLayout;

/* runs[0] is drawn solid, runs[1] (may be NULL or absent) dashed; hover_epoch
 * (0-based, -1 none) gets a readout line.  layout may be NULL. */
void pb_history_chart_draw (cairo_t *cr, int width, int height, PbRun *const *runs, int n_runs,
                            int hover_epoch, const PbPlotStyle *style, PbHistoryLayout *layout);

/* The value shown for a loss on the log axis (clamped to stay finite). */
double pb_history_log_loss (double loss);

#define PB_TYPE_HISTORY_CHART (pb_history_chart_get_type ())
G_DECLARE_FINAL_TYPE (PbHistoryChart, pb_history_chart, PB, HISTORY_CHART, GtkWidget)

GtkWidget *pb_history_chart_new          (void);
void       pb_history_chart_set_run      (PbHistoryChart *self, PbRun *run);
/* A second run overlaid dashed; NULL removes it. */
void       pb_history_chart_set_compare  (PbHistoryChart *self, PbRun *run);
PbRun     *pb_history_chart_get_run      (PbHistoryChart *self);
PbRun     *pb_history_chart_get_compare  (PbHistoryChart *self);
/* The runs' curves grew: redraw. */
void       pb_history_chart_refresh      (PbHistoryChart *self);
/* The readout shown on hover at epoch (0-based) of the main run; NULL when none. */
char      *pb_history_chart_describe_epoch (PbHistoryChart *self, int epoch);

G_END_DECLS
