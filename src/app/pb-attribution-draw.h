/* pb-attribution-draw.h: how attribution looks wherever it is drawn.
 *
 * One diverging colour scale: observations that raised the probability of
 * the class are red, those that lowered it blue, near-zero ones neutral;
 * the scale is symmetric around 0 and spans the largest |attribution| of
 * the object, so one object's strongest observation is always full colour.
 */
#pragma once

#include "pb-plot.h"

G_BEGIN_DECLS

/* The colour of an attribution value on a scale whose ends are ±scale. */
void   pb_attribution_color (const PbPlotStyle *style, double value, double scale, GdkRGBA *out);

/* The largest |values[i]| over the finite values (0 when none). */
double pb_attribution_scale (const double *values, int n);

/* A horizontal colour bar from -scale to +scale with its end values and a
 * title ("Attribution to SN Ia"), right-aligned at (right, top); returns its
 * extent in *extent (may be NULL). */
void   pb_attribution_draw_color_bar (cairo_t *cr, const PbPlotStyle *style, double scale, const char *title,
                                      double right, double top, PbRect *extent);

/* A strip of height rect->height under a thumbnail: one bar per time step
 * at x_positions[i] (device x), as tall as the square root of mass[i] (the
 * step's sum of |attribution|) over scale, coloured by net[i] (its signed sum) on the
 * scale ±mass[i]: red or blue when its observations agree, neutral when they
 * cancel.  NaN masses and x outside rect are skipped.  A faint band shows
 * the strip is there even when every value is 0. */
void   pb_attribution_draw_strip (cairo_t *cr, const PbPlotStyle *style, const PbRect *rect,
                                  const double *x_positions, const double *mass, const double *net, int n,
                                  double scale);

G_END_DECLS
