/* pb-run-compare-view.h: the Results tab "Compare Runs": two runs of the
 * session on the open dataset, picked from two drop-downs, compared object
 * by object at their last epochs: which validation objects run B fixed
 * (A wrong, B right) and which it broke (A right, B wrong).  Selecting an
 * object charts its probabilities in run B; opening it shows its light
 * curve (pb_session_show_object). */
#pragma once

#include <gtk/gtk.h>

#include "pb-object-history-view.h"
#include "pb-object-rows.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RUN_COMPARE_VIEW (pb_run_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (PbRunCompareView, pb_run_compare_view, PB, RUN_COMPARE_VIEW, GtkWidget)

GtkWidget    *pb_run_compare_view_new      (PbSession *session);
/* The runs it offers: the session's runs on the open dataset that kept a
 * per-object history, oldest first (borrowed). */
GPtrArray    *pb_run_compare_view_get_runs (PbRunCompareView *self);
/* Picks runs a and b by their positions in that list. */
void          pb_run_compare_view_set_runs (PbRunCompareView *self, guint a, guint b);
PbObjectRows *pb_run_compare_view_get_fixed  (PbRunCompareView *self);
PbObjectRows *pb_run_compare_view_get_broken (PbRunCompareView *self);
PbObjectHistoryView *pb_run_compare_view_get_chart (PbRunCompareView *self);
/* One line: how many objects B fixed and broke, or why the runs cannot be compared. */
const char   *pb_run_compare_view_get_summary (PbRunCompareView *self);

G_END_DECLS
