/* pb-test-gui.h: what the GUI tests share: running the main loop for a while,
 * waiting for a dataset to load, finding a widget in the window, keeping a
 * picture of it. */
#pragma once

#include <gtk/gtk.h>

#include "pb-trainer.h"
#include "pb-window.h"

G_BEGIN_DECLS

/* Runs the default main context for about ms milliseconds. */
void       pb_test_iterate         (int ms);
/* Runs the main loop until w has finished loading (fails the test after 60 s),
 * then lets the views lay out and draw once. */
void       pb_test_wait_for_load   (PbWindow *w);
/* The first widget under root (itself included) of type, depth first, or NULL. */
GtkWidget *pb_test_find_descendant (GtkWidget *root, GType type);
/* With PB_TEST_SAVE_DIR set, lets transitions end and writes what widget shows
 * to PB_TEST_SAVE_DIR/name.png, to look at; does nothing otherwise. */
void       pb_test_save_png        (GtkWidget *widget, const char *name);
/* A window of 1280 × 800 on screen with the built-in sample loaded. */
PbWindow  *pb_test_window_on_sample (GSettings *settings);
/* A run as the Train section leaves it: spec trained on ds (epochs > 0
 * overrides the spec's), scored on its validation rows. */
PbRun     *pb_test_trained_run     (LcDataset *ds, NnModelDoc *spec, int epochs, const char *name);

G_END_DECLS
