/* pb-window.h: the main window: header bar, sidebar of sections (Data,
 * Model, Train, Results, Tune), loading.  The window only assembles the
 * sections; they share a PbSession and never look each other up. */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"
#include "lc-format.h"
#include "pb-plottable.h"
#include "pb-session.h"

G_BEGIN_DECLS

/* the default of the "sample-objects" setting */
#define PB_SAMPLE_OBJECTS 600
#define PB_SAMPLE_SEED 42

#define PB_TYPE_WINDOW (pb_window_get_type ())
G_DECLARE_FINAL_TYPE (PbWindow, pb_window, PB, WINDOW, GtkApplicationWindow)

PbWindow   *pb_window_new                (GtkApplication *app, GSettings *settings);

/* Opens a file or folder as a user would: asks for PLAsTiCC metadata or a CSV
 * column mapping when needed, then loads in the background. */
void        pb_window_open_file          (PbWindow *self, GFile *file);
/* Loads without asking anything (options may be NULL). */
void        pb_window_load_path          (PbWindow *self, const char *path, const LcLoadOptions *options);
void        pb_window_load_sample        (PbWindow *self);
/* What a fresh window shows: the last dataset if it still exists, else the sample. */
void        pb_window_open_initial       (PbWindow *self);
void        pb_window_cancel_loading     (PbWindow *self);
gboolean    pb_window_is_loading         (PbWindow *self);

LcDataset  *pb_window_get_dataset        (PbWindow *self);
/* What the window's sections work on. */
PbSession  *pb_window_get_session        (PbWindow *self);
/* The message of the last error shown in a dialog (NULL if none); tests read it. */
const char *pb_window_get_last_error     (PbWindow *self);
void        pb_window_clear_last_error   (PbWindow *self);
/* The dialog currently asking something (error, mapping, export), or NULL. */
GtkWindow  *pb_window_get_dialog         (PbWindow *self);

/* Folds the light curve on the period field (prefilled from a "period" meta column). */
void        pb_window_set_folding        (PbWindow *self, gboolean fold);
/* Searches the shown object's light curve for its period in a worker thread
 * (win.find-period); when found, fills the period field and folds.  FALSE when
 * no object is shown or a search is already running.  Selecting another object,
 * loading another dataset or closing the window stops the search (cancelled)
 * and drops the answer. */
gboolean    pb_window_find_period        (PbWindow *self);
gboolean    pb_window_is_finding_period  (PbWindow *self);
/* How many searches were cancelled before they finished (tests). */
guint       pb_window_get_period_searches_stopped (PbWindow *self);
/* What the search found, or why it found nothing ("" before a search). */
const char *pb_window_get_period_message (PbWindow *self);

/* "overview", "light-curve" or "gallery" on the Data page. */
void        pb_window_show_view          (PbWindow *self, const char *name);
/* The view the export action would export. */
PbPlottable *pb_window_get_current_plottable (PbWindow *self);
GtkWidget  *pb_window_get_view           (PbWindow *self, const char *name);
GtkWidget  *pb_window_get_browser        (PbWindow *self);

/* Adds a section to the sidebar (Model, Train, Results...). */
void        pb_window_add_page           (PbWindow *self, GtkWidget *child, const char *name,
                                          const char *title, const char *icon_name);

G_END_DECLS
