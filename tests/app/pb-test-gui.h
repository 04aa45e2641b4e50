/* pb-test-gui.h: what the GUI tests share: running the main loop for a while,
 * waiting for a dataset to load, finding a widget in the window, keeping a
 * picture of it, and driving the window with real pointer and key events
 * (xdotool under Xvfb).  Linked in, it gives the test process a runs
 * folder of its own (PASSBAND_RUNS_DIR), removed at exit. */
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

/* ---- real input ----------------------------------------------------------
 *
 * Under Xvfb (no window manager) xdotool sends pointer and key events through
 * the X server, so GTK receives them as it does from a user: picking, focus,
 * gestures, popovers and drag and drop included.  The test runs the window in
 * its own process; each call spawns xdotool (DISPLAY from the environment)
 * and runs the main loop until xdotool has exited and the window has handled
 * what it sent.  What the input changes is then awaited with
 * pb_test_wait_for (), never with a fixed sleep. */

/* Runs xdotool with the given arguments (NULL-terminated), fails the test if
 * it fails. */
void       pb_test_xdotool         (const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
/* Moves the pointer to (x, y) in widget's coordinates.  Fails (with a
 * screenshot) when the widget is not mapped, the point lies outside its
 * window, or another widget covers it there. */
void       pb_test_point_at        (GtkWidget *widget, double x, double y);
/* Clicks button 1 in the middle of widget, or of the part of it in sight
 * when a scrolled window shows only part (checked as pb_test_point_at). */
void       pb_test_click           (GtkWidget *widget);
void       pb_test_click_at        (GtkWidget *widget, double x, double y);
/* Presses a key combination as xdotool names it ("ctrl+comma", "Return"). */
void       pb_test_key             (const char *keys);
/* Types text into whatever has the keyboard focus. */
void       pb_test_type            (const char *text);
/* Whether some of widget is on screen: mapped, and inside the visible part
 * of the scrolled window around it. */
gboolean   pb_test_in_sight        (GtkWidget *widget);
/* Turns the mouse wheel over the scrolled window around widget until widget
 * is in sight (fails when it does not come). */
void       pb_test_scroll_to       (GtkWidget *widget);
/* Presses button 1 in the middle of from, moves in steps to (x, y) in to and
 * releases there: a drag and drop as a hand does it. */
void       pb_test_drag            (GtkWidget *from, GtkWidget *to, double x, double y);

/* The first mapped widget under root (itself included) of type whose label
 * or text is text (a mnemonic's underscore ignored), depth first, or NULL. */
GtkWidget *pb_test_find_text       (GtkWidget *root, GType type, const char *text);
/* The same, failing the test (with a screenshot) when there is none after
 * the main loop has run for up to two seconds. */
GtkWidget *pb_test_get_text        (GtkWidget *root, GType type, const char *text);

/* Takes a picture of the whole X screen (popovers and dialogs included) to
 * PB_TEST_SAVE_DIR/name.png, or beside the test program when that is unset. */
void       pb_test_screenshot      (const char *name);
/* Saves a screenshot named after the running test, then fails it with the message. */
void       pb_test_fail            (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

/* Runs the main loop until condition holds; after timeout_ms fails the test
 * (with a screenshot) saying what it waited for. */
#define pb_test_wait_for(condition, timeout_ms, ...)                                    \
  G_STMT_START {                                                                     \
    gint64 pb_test_deadline_ = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!(condition))                                                             \
      {                                                                              \
        if (g_get_monotonic_time () > pb_test_deadline_)                              \
          pb_test_fail (__VA_ARGS__);                                                \
        pb_test_iterate (5);                                                         \
      }                                                                              \
  } G_STMT_END

/* What the user sees, checked at once: fails with a screenshot otherwise. */
#define pb_test_check(condition, ...)                                                 \
  G_STMT_START {                                                                     \
    if (!(condition))                                                                \
      pb_test_fail (__VA_ARGS__);                                                    \
  } G_STMT_END

G_END_DECLS
