/* pb-object-history-panel.h: the Results tab "History": what the shown
 * run said about its validation objects epoch by epoch.  A list picks the
 * objects that flipped late, were always wrong or were learned at epoch N
 * (N adjustable); the chart shows the picked object's class probabilities
 * across the epochs; opening a row shows its light curve
 * (pb_session_show_object).  An object shown elsewhere in the window is
 * charted too when it is one of the run's validation objects. */
#pragma once

#include <gtk/gtk.h>

#include "pb-object-history-view.h"
#include "pb-object-rows.h"
#include "pb-session.h"

G_BEGIN_DECLS

typedef enum
{
  PB_HISTORY_FLIPPED_LATE,   /* predicted class changed at or after epoch N */
  PB_HISTORY_ALWAYS_WRONG,
  PB_HISTORY_LEARNED_AT,     /* right from epoch N on, wrong before */
} PbHistoryQuery;

#define PB_TYPE_OBJECT_HISTORY_PANEL (pb_object_history_panel_get_type ())
G_DECLARE_FINAL_TYPE (PbObjectHistoryPanel, pb_object_history_panel, PB, OBJECT_HISTORY_PANEL, GtkWidget)

GtkWidget           *pb_object_history_panel_new       (PbSession *session);
/* The run it shows: the session's shown run unless set otherwise. */
void                 pb_object_history_panel_set_run   (PbObjectHistoryPanel *self, PbRun *run);
/* Which list, and N (1-based epoch) for the queries that take one. */
void                 pb_object_history_panel_set_query (PbObjectHistoryPanel *self, PbHistoryQuery query,
                                                        int epoch);
PbObjectRows        *pb_object_history_panel_get_rows  (PbObjectHistoryPanel *self);
PbObjectHistoryView *pb_object_history_panel_get_view  (PbObjectHistoryPanel *self);
/* The line above the list: how many objects, or why there are none. */
const char          *pb_object_history_panel_get_summary (PbObjectHistoryPanel *self);

G_END_DECLS
