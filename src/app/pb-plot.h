/* pb-plot.h: the one place for axes, ticks, number formatting, legends,
 * markers, error bars and theme colours shared by every view (DESIGN §8).
 *
 * Everything here draws on a plain cairo_t so views render the same on
 * screen, into PNG/SVG/PDF exports and into tests without a display.
 */
#pragma once

#include <gtk/gtk.h>
#include <cairo.h>

G_BEGIN_DECLS

/* Colours and sizes a view draws with; taken from the widget's style
 * context on screen, or one of the fixed light/dark styles for exports. */
typedef struct
{
  GdkRGBA foreground;   /* text, axes, tick labels */
  GdkRGBA background;   /* behind the plot; alpha 0 draws nothing */
  GdkRGBA grid;         /* grid lines */
  GdkRGBA accent;       /* bars, selection, rubber band */
  double font_size;     /* px */
  gboolean dark;        /* the background is dark: lighten colours that would vanish */
} PbPlotStyle;

void pb_plot_style_init_light  (PbPlotStyle *style);
void pb_plot_style_init_dark   (PbPlotStyle *style);
void pb_plot_style_from_widget (PbPlotStyle *style, GtkWidget *widget);

/* Which style the views of a window draw with (the "plot-theme" setting). */
typedef enum
{
  PB_PLOT_THEME_SYSTEM,  /* the colours of the widget's theme */
  PB_PLOT_THEME_LIGHT,
  PB_PLOT_THEME_DARK,
} PbPlotTheme;

/* "system", "light" or "dark"; anything else is PB_PLOT_THEME_SYSTEM. */
PbPlotTheme pb_plot_theme_from_string (const char *nick);
/* Every view under root (a window) draws with theme from now on; they redraw at once. */
void        pb_plot_set_theme         (GtkWidget *root, PbPlotTheme theme);
PbPlotTheme pb_plot_get_theme         (GtkWidget *root);

/* A "#rrggbb" colour adjusted so it stays readable on the style's background. */
void pb_plot_style_band_color (const PbPlotStyle *style, const char *hex, GdkRGBA *out);

#define PB_PLOT_MAX_TICKS 24

typedef struct
{
  int n;
  double values[PB_PLOT_MAX_TICKS];
  double step;
  int decimals;         /* digits after the point that tell the ticks apart */
} PbTicks;

/* 1, 2, 2.5 or 5 times a power of ten close to x (rounded, or the next one up). */
double pb_nice_number (double x, gboolean round);
/* At most max_ticks round values covering [lo, hi] (lo may exceed hi). */
void   pb_nice_ticks  (double lo, double hi, int max_ticks, PbTicks *ticks);
/* Short text for a number: fixed decimals, an exponent for very large or small
 * values, never "-0".  Free with g_free. */
char  *pb_format_number (double value, int decimals);

/* Rectangle in device units. */
typedef struct
{
  double x, y, width, height;
} PbRect;

gboolean pb_rect_contains (const PbRect *rect, double x, double y);

/* The rectangle data are drawn in and the data range it shows. */
typedef struct
{
  PbRect rect;
  double xmin, xmax, ymin, ymax;
  gboolean y_inverted;  /* magnitudes: small values at the top */
} PbPlotArea;

double pb_plot_area_to_x   (const PbPlotArea *area, double x);
double pb_plot_area_to_y   (const PbPlotArea *area, double y);
double pb_plot_area_from_x (const PbPlotArea *area, double px);
double pb_plot_area_from_y (const PbPlotArea *area, double py);

/* Sets area->rect inside (0,0,width,height) leaving room for tick labels and
 * axis titles, using the data range already in area. */
void pb_plot_area_layout (PbPlotArea *area, cairo_t *cr, const PbPlotStyle *style,
                          double width, double height, gboolean with_titles);

/* Grid, frame, ticks, tick labels and the axis titles (either may be NULL). */
void pb_plot_draw_axes (cairo_t *cr, const PbPlotStyle *style, const PbPlotArea *area,
                        const char *x_title, const char *y_title);

typedef enum
{
  PB_ALIGN_START,
  PB_ALIGN_CENTER,
  PB_ALIGN_END,
} PbAlign;

/* Draws text with its anchor at (x, y); returns its extent. */
void pb_plot_draw_text (cairo_t *cr, const PbPlotStyle *style, const char *text,
                        double x, double y, PbAlign xalign, PbAlign yalign,
                        double scale, gboolean bold, PbRect *extent);
/* Size of text without drawing it. */
void pb_plot_measure_text (cairo_t *cr, const PbPlotStyle *style, const char *text,
                           double scale, gboolean bold, double *width, double *height);
/* A centred message such as "No object selected". */
void pb_plot_draw_message (cairo_t *cr, const PbPlotStyle *style, double width, double height,
                           const char *message);

void pb_plot_fill_background (cairo_t *cr, const PbPlotStyle *style, double width, double height);

/* Adds a marker (circle) to the current path; filled markers are detections. */
void pb_plot_marker_path (cairo_t *cr, double x, double y, double radius);
/* Adds a vertical error bar with caps to the current path. */
void pb_plot_error_bar_path (cairo_t *cr, double x, double y_low, double y_high, double cap);
/* Adds the next point of a line with gaps to the path: a line to (x, y), or
 * a move there when *pen is FALSE (the first point, or the first after a
 * gap); then *pen is TRUE.  Set *pen to FALSE to break the line. */
void pb_plot_polyline_to (cairo_t *cr, gboolean *pen, double x, double y);

typedef struct
{
  const char *label;
  GdkRGBA color;
  gboolean active;      /* inactive entries are drawn struck out */
} PbLegendEntry;

/* Draws a horizontal legend whose top right corner is at (right, top), wrapping
 * to more rows when wider than max_width.  boxes (n entries, may be NULL)
 * receive each entry's clickable rectangle. */
void pb_plot_draw_legend (cairo_t *cr, const PbPlotStyle *style, const PbLegendEntry *entries,
                          int n, double right, double top, double max_width, PbRect *boxes);

G_END_DECLS
