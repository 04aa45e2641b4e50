/* pb-light-curve-view.h: every passband of one object, with error bars,
 * non-detections, flux or magnitude, zoom, pan and phase folding (DESIGN §8).
 */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"
#include "pb-plot.h"

G_BEGIN_DECLS

typedef enum
{
  PB_TIME_MJD = 0,        /* the time column as stored (MJD, or step index on a grid) */
  PB_TIME_SINCE_FIRST,    /* days since the first detection */
} PbTimeAxis;

#define PB_LIGHT_CURVE_MAX_BANDS 64

/* What to draw; the drawing itself keeps no state. */
typedef struct
{
  LcValueKind value_kind;   /* shown as flux or magnitude, converted when the file has the other */
  PbTimeAxis time_axis;
  gboolean error_bars;
  double period;            /* > 0: fold on this period (days), phase 0..2 */
  guint64 hidden_bands;     /* bit b set: band b is not drawn */
  gboolean compact;         /* thumbnails: no titles, no legend, small marks */
  gboolean zoomed;          /* view_* hold the visible window, else the data range is shown */
  double view_xmin, view_xmax, view_ymin, view_ymax;
  /* Each observation of the object coloured (pb-attribution-draw.h) and
   * sized by its attribution: [n_obs of the object], NaN for one the network
   * did not see (drawn small and hollow); NULL: band colours. */
  const double *attribution;
  double attribution_scale;       /* the ends of the colour scale: ±this */
  const char *attribution_title;  /* above the colour bar: "Attribution to SN Ia" */
} PbLightCurveOptions;

/* Where things ended up, for hit testing by the widget. */
typedef struct
{
  PbPlotArea area;
  double data_xmin, data_xmax, data_ymin, data_ymax;  /* full (unzoomed) range */
  gboolean has_data;
  int n_legend;
  PbRect legend[PB_LIGHT_CURVE_MAX_BANDS];
} PbLightCurveLayout;

void pb_light_curve_options_init (PbLightCurveOptions *options);

/* One observation in plot coordinates; FALSE when it cannot be shown
 * (e.g. non-positive flux in magnitudes). */
gboolean pb_light_curve_point (const LcDataset *ds, gsize object, gsize obs,
                               const PbLightCurveOptions *options,
                               double *x, double *y, double *err);

void pb_light_curve_draw (cairo_t *cr, int width, int height,
                          const LcDataset *ds, gssize object,
                          const PbLightCurveOptions *options, const PbPlotStyle *style,
                          PbLightCurveLayout *layout);

/* Observation nearest to (px, py) within max_distance pixels, or -1. */
gssize pb_light_curve_nearest (const LcDataset *ds, gsize object, const PbLightCurveOptions *options,
                               const PbLightCurveLayout *layout, double px, double py,
                               double max_distance);

#define PB_TYPE_LIGHT_CURVE_VIEW (pb_light_curve_view_get_type ())
G_DECLARE_FINAL_TYPE (PbLightCurveView, pb_light_curve_view, PB, LIGHT_CURVE_VIEW, GtkWidget)

GtkWidget *pb_light_curve_view_new          (void);
void       pb_light_curve_view_set_object   (PbLightCurveView *self, LcDataset *ds, gssize object);
gssize     pb_light_curve_view_get_object   (PbLightCurveView *self);
/* Shows or hides one band, as a click on its legend entry does. */
void       pb_light_curve_view_toggle_band  (PbLightCurveView *self, int band);
gboolean   pb_light_curve_view_band_visible (PbLightCurveView *self, int band);
/* The band whose legend entry is at widget coordinates (x, y), or -1. */
int        pb_light_curve_view_legend_band_at (PbLightCurveView *self, double x, double y);
/* Where the band's legend entry was last drawn (FALSE before the first draw). */
gboolean   pb_light_curve_view_get_legend_box (PbLightCurveView *self, int band, PbRect *box);
/* Zooms by factor (> 1 in) around the plot point at widget coordinates (px, py). */
void       pb_light_curve_view_zoom_at      (PbLightCurveView *self, double factor, double px, double py);
void       pb_light_curve_view_pan          (PbLightCurveView *self, double dx_pixels, double dy_pixels);
void       pb_light_curve_view_reset_zoom   (PbLightCurveView *self);
gboolean   pb_light_curve_view_is_zoomed    (PbLightCurveView *self);
const PbLightCurveOptions *pb_light_curve_view_get_options (PbLightCurveView *self);
/* Colours the shown object's observations by their attribution: values
 * [n] (n must be the object's observation count), NaN for one the network
 * did not see; title names the class ("Attribution to SN Ia").  NULL
 * clears; so does showing another object. */
void       pb_light_curve_view_set_attribution (PbLightCurveView *self, const double *values, int n,
                                                const char *title);
gboolean   pb_light_curve_view_has_attribution (PbLightCurveView *self);
/* Value of a metadata column named like "period" for the object, or NaN. */
double     pb_light_curve_object_period     (const LcDataset *ds, gsize object);

G_END_DECLS
