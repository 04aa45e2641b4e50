/* pb-reliability-view.h: the reliability diagram of a run's evaluation: for
 * each bin of the top probability, how often the model was right against how
 * sure it was, with the expected calibration error and the temperature the
 * model's probabilities are scaled by. */
#pragma once

#include <gtk/gtk.h>

#include "nn-metrics.h"
#include "pb-plot.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

/* report NULL: a message.  area (may be NULL) gets the plot area drawn. */
void pb_reliability_draw (cairo_t *cr, int width, int height, const NnClassReport *report,
                          double temperature, const PbPlotStyle *style, PbPlotArea *area);

/* One line about bin b of report ("0.60–0.67: 42 objects, ..."); NULL for an
 * empty bin. */
char *pb_reliability_describe_bin (const NnClassReport *report, int b);

#define PB_TYPE_RELIABILITY_VIEW (pb_reliability_view_get_type ())
G_DECLARE_FINAL_TYPE (PbReliabilityView, pb_reliability_view, PB, RELIABILITY_VIEW, GtkWidget)

GtkWidget *pb_reliability_view_new     (void);
/* Shows run's evaluation (NULL or a run without one: a message). */
void       pb_reliability_view_set_run (PbReliabilityView *self, PbRun *run);

G_END_DECLS
