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

void pb_class_table_draw (cairo_t *cr, int width, int height, const NnClassReport *report,
                          const char *const *names, const PbPlotStyle *style);

#define PB_TYPE_CLASS_TABLE (pb_class_table_get_type ())
G_DECLARE_FINAL_TYPE (PbClassTable, pb_class_table, PB, CLASS_TABLE, GtkWidget)

GtkWidget *pb_class_table_new     (void);
void       pb_class_table_set_run (PbClassTable *self, PbRun *run);

G_END_DECLS
