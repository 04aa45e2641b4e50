/* pb-attribution-panel.h: "why did the network decide?" for the object the
 * light-curve view shows.
 *
 * A row with an Explain toggle, the class to explain (the predicted one or
 * any the user picks) and what was found; while Explain is on, the shown
 * run's model explains the shown object in a PbJob (pb-attribution-job.h),
 * the light-curve view colours every observation by its attribution, and a
 * drawing below shows each band's share of |attribution| with the change of
 * the probability without the band, and the metadata features that weigh
 * most with their values.  Another object, run or class cancels the job:
 * a stale result never reaches the view.
 */
#pragma once

#include <gtk/gtk.h>

#include "lc-explain.h"
#include "pb-light-curve-view.h"
#include "pb-session.h"

G_BEGIN_DECLS

/* What the bar drawing shows of one explanation. */
typedef struct
{
  const LcDataset *dataset;
  const LcExplanation *explanation;
  const char *const *meta_names;   /* static input names, or NULL */
} PbAttributionSummary;

/* Bands on the left (share of |attribution|, Δp without the band), the top
 * metadata features on the right (name, value, attribution). */
void pb_attribution_summary_draw (cairo_t *cr, int width, int height, const PbAttributionSummary *summary,
                                  const PbPlotStyle *style);
/* Each band's sum of |attribution| over its observations: totals_out[ds->n_bands]. */
void pb_attribution_band_totals  (const LcDataset *ds, const LcExplanation *explanation, double *totals_out);

#define PB_TYPE_ATTRIBUTION_PANEL (pb_attribution_panel_get_type ())
G_DECLARE_FINAL_TYPE (PbAttributionPanel, pb_attribution_panel, PB, ATTRIBUTION_PANEL, GtkWidget)

GtkWidget *pb_attribution_panel_new        (void);
void       pb_attribution_panel_set_session (PbAttributionPanel *self, PbSession *session);
/* The view it colours (not owned: it must outlive the panel or be cleared with NULL). */
void       pb_attribution_panel_set_view   (PbAttributionPanel *self, PbLightCurveView *view);
/* The object the view now shows (call after pb_light_curve_view_set_object). */
void       pb_attribution_panel_set_object (PbAttributionPanel *self, LcDataset *ds, gssize object);
void       pb_attribution_panel_set_active (PbAttributionPanel *self, gboolean active);
gboolean   pb_attribution_panel_get_active (PbAttributionPanel *self);
/* The class to explain, an index in the shown run's classes; -1: the predicted one. */
void       pb_attribution_panel_set_target (PbAttributionPanel *self, int target);
/* The explanation shown, or NULL (none yet, or Explain off). */
const LcExplanation *pb_attribution_panel_get_explanation (PbAttributionPanel *self);
/* TRUE while a job is explaining the shown object. */
gboolean   pb_attribution_panel_is_busy    (PbAttributionPanel *self);
/* How long the selection must rest on an object before its job starts
 * (150 ms; 0: at once). */
void       pb_attribution_panel_set_start_delay (PbAttributionPanel *self, guint ms);
/* The status line: what was found, why nothing can be explained, or an error. */
const char *pb_attribution_panel_get_status (PbAttributionPanel *self);

G_END_DECLS
