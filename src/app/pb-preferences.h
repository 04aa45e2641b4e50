/* pb-preferences.h: the Preferences window: training threads, plot theme and
 * the size of the simulated sample.  It edits the main window's stateful
 * actions of the same names, so a change takes effect at once and is
 * remembered in the settings when they can be written. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PB_TYPE_PREFERENCES (pb_preferences_get_type ())
G_DECLARE_FINAL_TYPE (PbPreferences, pb_preferences, PB, PREFERENCES, GtkWindow)

/* parent: the PbWindow whose "training-threads", "plot-theme" and
 * "sample-objects" actions the window shows and changes; settings: the
 * window's, for the keys' ranges. */
PbPreferences *pb_preferences_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
