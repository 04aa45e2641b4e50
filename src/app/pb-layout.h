/* pb-layout.h: layout helpers that keep every section usable in a small
 * window (800 × 600, PB_MIN_WIDTH × PB_MIN_HEIGHT). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The smallest window every section is usable in (the window asks for it). */
#define PB_MIN_WIDTH 800
#define PB_MIN_HEIGHT 600

/* Wraps a row of tabs (a GtkStackSwitcher) or of controls so that it
 * scrolls sideways when the window is narrower than the row instead of
 * widening the window. */
GtkWidget *pb_scroll_sideways (GtkWidget *switcher);

/* The mouse wheel over spin (a GtkSpinButton in a scrolled form) scrolls
 * the form unless spin has the keyboard focus: a user scrolling through
 * the settings does not change the one under the pointer. */
void pb_spin_wheel_scrolls_form (GtkWidget *spin);

G_END_DECLS
