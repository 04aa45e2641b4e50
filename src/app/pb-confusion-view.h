/* pb-confusion-view.h: the confusion matrix of a run (counts or row-normalised),
 * class names on both axes, a colour scale, hover readouts, and cells that
 * can be clicked (or reached with the arrow keys and Enter) to see the light
 * curves behind them. */
#pragma once

#include <gtk/gtk.h>

#include "lc-pipeline.h"
#include "pb-plot.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

typedef struct
{
  PbRect matrix;        /* the K x K cells */
  int n_classes;
  double cell;          /* cell size in pixels */
} PbConfusionLayout;

/* names: K display names.  hover and selected: cells as true * K + predicted, or -1. */
void pb_confusion_draw (cairo_t *cr, int width, int height, const NnClassReport *report,
                        const char *const *names, gboolean normalised, int hover, int selected,
                        const PbPlotStyle *style, PbConfusionLayout *layout);

/* The cell under (x, y) as true * K + predicted, or -1. */
int  pb_confusion_cell_at (const PbConfusionLayout *layout, double x, double y);

/* Dataset rows of the evaluated objects of true class t predicted as p (in the
 * evaluation's order); *n gets the count.  Free with g_free. */
gsize *pb_confusion_cell_objects (const LcEvaluation *evaluation, int t, int p, guint *n);

#define PB_TYPE_CONFUSION_VIEW (pb_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (PbConfusionView, pb_confusion_view, PB, CONFUSION_VIEW, GtkWidget)

/* Signal "cell-activated" (int true_class, int predicted_class). */
GtkWidget *pb_confusion_view_new            (void);
/* Shows run's evaluation (NULL or a run without one: a message). */
void       pb_confusion_view_set_run        (PbConfusionView *self, PbRun *run);
void       pb_confusion_view_set_normalised (PbConfusionView *self, gboolean normalised);
gboolean   pb_confusion_view_get_normalised (PbConfusionView *self);
/* Selects a cell and emits "cell-activated" as a click would. */
void       pb_confusion_view_activate_cell  (PbConfusionView *self, int t, int p);
/* Text of the hover readout of a cell. */
char      *pb_confusion_view_describe_cell  (PbConfusionView *self, int t, int p);
/* Where the cell's centre was drawn (for tests that click). */
gboolean   pb_confusion_view_cell_center    (PbConfusionView *self, int t, int p, double *x, double *y);

G_END_DECLS
