/* pb-class-table.h: per-class precision, recall, F1 and support, with the
 * summary scores (accuracy, macro F1, log loss, PLAsTiCC weighted log loss)
 * of a run's evaluation, drawn as a table that exports like any view. */
#pragma once

#include <gtk/gtk.h>

#include "pb-plot.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

/* One line of summary scores, e.g. "accuracy 0.812 · macro F1 0.774 · ..." (free with g_free). */
char *pb_class_table_summary (const NnClassReport *report);

/* "SN II: precision 0.667 · recall 0.615 · F1 0.640 · 13 objects": class c of r. */
char *pb_class_table_describe_class (const NnClassReport *report, const char *name, int c);
/* The class whose row pb_class_table_draw puts at height y, or -1. */
int   pb_class_table_row_at (cairo_t *cr, const PbPlotStyle *style, const NnClassReport *report, double y);
void pb_class_table_draw (cairo_t *cr, int width, int height, const NnClassReport *report,
                          const char *const *names, const PbPlotStyle *style);

#define PB_TYPE_CLASS_TABLE (pb_class_table_get_type ())
G_DECLARE_FINAL_TYPE (PbClassTable, pb_class_table, PB, CLASS_TABLE, GtkWidget)

GtkWidget *pb_class_table_new     (void);
void       pb_class_table_set_run (PbClassTable *self, PbRun *run);

G_END_DECLS
