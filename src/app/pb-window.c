/* pb-window.c: the main window */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-builder.h"
#include "pb-onnx-export.h"
#include "pb-runs-export.h"
#include "pb-results-page.h"
#include "pb-attribution-panel.h"
#include "pb-session.h"
#include "pb-train-page.h"
#include "pb-tune-page.h"
#include "pb-csv-mapping-dialog.h"
#include "pb-export.h"
#include "pb-gallery-view.h"
#include "pb-job.h"
#include "pb-layout.h"
#include "lc-period.h"
#include "pb-light-curve-view.h"
#include "pb-loader.h"
#include "pb-object-browser.h"
#include "pb-overview-view.h"
#include "pb-preferences.h"
#include "pb-window.h"

#define PB_GALLERY_MAX_OBJECTS 60
#define PB_RECENT_MAX 8

struct _PbWindow
{
  GtkApplicationWindow parent_instance;

  /* template children */
  GtkLabel *subtitle_label;
  GtkRevealer *load_revealer;
  GtkLabel *load_label;
  GtkProgressBar *load_progress;
  GtkStack *main_stack;
  GtkPaned *data_paned;
  GtkStack *view_stack;
  PbObjectBrowser *browser;
  PbOverviewView *overview_view;
  PbLightCurveView *light_curve_view;
  PbAttributionPanel *attribution_panel;
  PbGalleryView *gallery_view;
  GtkToggleButton *fold_button;
  GtkSpinButton *period_spin;
  GtkRevealer *period_revealer;
  GtkLabel *period_label;
  GMenu *recent_menu;

  GSettings *settings;
  PbSession *session;
  PbTrainPage *train_page;
  PbTunePage *tune_page;
  int sample_objects;               /* the "sample-objects" preference */
  LcDataset *dataset;               /* the session's, shown by the Data section */
  GCancellable *load_cancellable;   /* the load in progress, or NULL */
  char *loading_path;               /* what it is loading ("" for the sample) */
  char *loading_meta_path;
  char *pending_path;               /* waiting for a metadata or mapping answer */
  char *last_error;
  GtkWindow *dialog;                /* weak */
  GtkFileChooserNative *chooser;
  GtkRecentManager *recent;
  PbJob *period_job;                /* the period search in progress, or NULL */
  guint period_searches_stopped;    /* cancelled before they finished (tests) */
};

G_DEFINE_FINAL_TYPE (PbWindow, pb_window, GTK_TYPE_APPLICATION_WINDOW)

/* ---- dialogs ---------------------------------------------------------- */

static void
track_dialog (PbWindow *self, GtkWindow *dialog)
{
  if (self->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  self->dialog = dialog;
  if (dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
}

static void
show_error (PbWindow *self, const char *primary, const char *message)
{
  GtkWidget *dialog;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

const char *
pb_window_get_last_error (PbWindow *self)
{
  return self->last_error;
}

void
pb_window_clear_last_error (PbWindow *self)
{
  g_clear_pointer (&self->last_error, g_free);
}

GtkWindow *
pb_window_get_dialog (PbWindow *self)
{
  return self->dialog;
}

/* ---- the dataset ------------------------------------------------------ */

static void
refresh_gallery (PbWindow *self)
{
  g_autofree gsize *objects = NULL;
  guint n = 0;

  if (self->dataset != NULL)
    objects = pb_object_browser_get_shown_objects (self->browser, PB_GALLERY_MAX_OBJECTS, &n);
  pb_gallery_view_set_items (self->gallery_view, self->dataset, objects, n, NULL);
}

static void cancel_find_period (PbWindow *self);
static void update_find_period_action (PbWindow *self);
static void set_period_message (PbWindow *self, const char *message);

/* The Data section follows the session's dataset. */
static void
session_dataset_changed_cb (PbWindow *self)
{
  LcDataset *ds = pb_session_get_dataset (self->session);
  g_autofree char *name = pb_session_dataset_name (ds);

  cancel_find_period (self);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds != NULL ? lc_dataset_ref (ds) : NULL;
  gtk_label_set_text (self->subtitle_label, name);
  /* a fold belongs to the object whose period it is */
  gtk_toggle_button_set_active (self->fold_button, FALSE);
  pb_overview_view_set_dataset (self->overview_view, ds);
  pb_object_browser_set_dataset (self->browser, ds);
  refresh_gallery (self);
}

static void
set_dataset (PbWindow *self, LcDataset *ds)
{
  pb_session_set_dataset (self->session, ds);
}

PbSession *
pb_window_get_session (PbWindow *self)
{
  return self->session;
}

LcDataset *
pb_window_get_dataset (PbWindow *self)
{
  return self->dataset;
}

static void
browser_object_selected_cb (PbWindow *self, gint64 object)
{
  double period;

  /* a search still running is for the previous object: its answer is stale */
  cancel_find_period (self);
  set_period_message (self, "");
  pb_light_curve_view_set_object (self->light_curve_view, self->dataset, object);
  pb_attribution_panel_set_object (self->attribution_panel, self->dataset, object);
  update_find_period_action (self);
  period = self->dataset != NULL && object >= 0 ? pb_light_curve_object_period (self->dataset, object) : NAN;
  /* periodic objects come with their period: fill it in for folding; a
   * period found for the previous object says nothing about this one */
  if (isfinite (period) && period > 0)
    gtk_spin_button_set_value (self->period_spin, period);
  else
    gtk_toggle_button_set_active (self->fold_button, FALSE);
}

static void
browser_filter_changed_cb (PbWindow *self)
{
  refresh_gallery (self);
}

static void
overview_class_activated_cb (PbWindow *self, int class_index)
{
  pb_object_browser_set_class_filter (self->browser, class_index);
  gtk_stack_set_visible_child_name (self->view_stack, "gallery");
}

static void
gallery_object_activated_cb (PbWindow *self, gint64 object)
{
  pb_object_browser_select_object (self->browser, object);
  gtk_stack_set_visible_child_name (self->view_stack, "light-curve");
}

static void
fold_changed_cb (PbWindow *self)
{
  double period = gtk_toggle_button_get_active (self->fold_button) ? gtk_spin_button_get_value (self->period_spin)
                                                                   : 0.0;

  g_object_set (self->light_curve_view, "period", period, NULL);
}

void
pb_window_set_folding (PbWindow *self, gboolean fold)
{
  gtk_toggle_button_set_active (self->fold_button, fold);
}

static void
update_export_action (PbWindow *self)
{
  /* sections without a drawing (the builder, the training log) have nothing to export */
  if (self->main_stack == NULL || self->view_stack == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", pb_window_get_current_plottable (self) != NULL);
}

static void
view_stack_changed_cb (PbWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->view_stack);

  update_export_action (self);
  /* keyboard users land on the view they switched to */
  if (child != NULL && gtk_widget_get_mapped (child))
    gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
}

/* ---- finding the period ---------------------------------------------- */

typedef struct
{
  LcDataset *ds;
  gsize first;
  int n_obs;
  LcPeriodFit fit;
  gboolean found;
  GError *error;
} FindPeriodData;

static void
find_period_data_free (FindPeriodData *data)
{
  lc_dataset_unref (data->ds);
  g_clear_error (&data->error);
  g_free (data);
}

/* Asked between chunks of the search: a long light curve stops at once when
 * the user moves on or the window closes. */
static gboolean
find_period_progress_cb (double fraction, gpointer user_data)
{
  return !pb_job_is_cancelled (user_data);
}

static void
find_period_job (PbJob *job, gpointer user_data, GCancellable *cancellable)
{
  FindPeriodData *data = user_data;
  LcPeriodOptions options;

  lc_period_options_default (&options);
  data->found = lc_period_fit_range_full (data->ds, data->first, data->n_obs, &options, find_period_progress_cb,
                                          job, &data->fit, &data->error);
}

static void
set_period_message (PbWindow *self, const char *message)
{
  gtk_label_set_text (self->period_label, message);
  /* the toolbar may be too narrow for all of it */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->period_label), message[0] != '\0' ? message : NULL);
  gtk_revealer_set_reveal_child (self->period_revealer, message[0] != '\0');
}

/* One search at a time, for the object shown. */
static void
update_find_period_action (PbWindow *self)
{
  gboolean shown = self->dataset != NULL && self->light_curve_view != NULL
                   && pb_light_curve_view_get_object (self->light_curve_view) >= 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find-period", shown && self->period_job == NULL);
}

static void
find_period_done_cb (gpointer owner, gpointer user_data)
{
  PbWindow *self = PB_WINDOW (owner);
  FindPeriodData *data = user_data;
  g_autofree char *message = NULL;
  double period = data->fit.period;

  g_clear_pointer (&self->period_job, pb_job_unref);
  update_find_period_action (self);
  if (!data->found && data->error != NULL)
    {
      set_period_message (self, data->error->message);
      return;
    }
  if (!isfinite (period) || period <= 0)
    {
      set_period_message (self, _("Too few observations to search for a period"));
      return;
    }
  {
    GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (self->period_spin);

    /* a baseline of centuries is unlikely, but the spin must not clamp what was found */
    if (period > gtk_adjustment_get_upper (adjustment))
      gtk_adjustment_set_upper (adjustment, period);
  }
  gtk_spin_button_set_value (self->period_spin, period);
  gtk_toggle_button_set_active (self->fold_button, TRUE);
  if (data->ds->on_grid)
    message = g_strdup_printf (_("Period %.4f steps (the series explains %.0f %% of the variance)"),
                               period, 100 * data->fit.power);
  else
    message = g_strdup_printf (_("Period %.4f d (the series explains %.0f %% of the variance)"),
                               period, 100 * data->fit.power);
  set_period_message (self, message);
}

static void
cancel_find_period (PbWindow *self)
{
  if (self->period_job == NULL)
    return;
  /* a search that had not finished yet stops between chunks */
  if (pb_job_is_running (self->period_job))
    self->period_searches_stopped++;
  pb_job_clear (&self->period_job);
  /* not while the window is being torn down */
  if (self->period_label != NULL)
    {
      set_period_message (self, "");
      update_find_period_action (self);
    }
}

gboolean
pb_window_find_period (PbWindow *self)
{
  gssize object = pb_light_curve_view_get_object (self->light_curve_view);
  static const PbJobCallbacks callbacks = { .done = find_period_done_cb };
  FindPeriodData *data;

  if (self->dataset == NULL || object < 0 || (gsize) object >= self->dataset->n_objects
      || self->period_job != NULL)
    return FALSE;
  data = g_new0 (FindPeriodData, 1);
  data->ds = lc_dataset_ref (self->dataset);
  data->first = self->dataset->objects[object].first;
  data->n_obs = self->dataset->objects[object].n_obs;
  /* the answer shows in the light-curve toolbar, folded */
  pb_window_show_view (self, "light-curve");
  self->period_job = pb_job_start (self, find_period_job, data, (GDestroyNotify) find_period_data_free,
                                   &callbacks);
  set_period_message (self, _("Searching for the period…"));
  update_find_period_action (self);
  return TRUE;
}

gboolean
pb_window_is_finding_period (PbWindow *self)
{
  return self->period_job != NULL;
}

guint
pb_window_get_period_searches_stopped (PbWindow *self)
{
  return self->period_searches_stopped;
}

const char *
pb_window_get_period_message (PbWindow *self)
{
  return gtk_label_get_text (self->period_label);
}

static void
find_period_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_window_find_period (PB_WINDOW (widget));
}

/* ---- loading ---------------------------------------------------------- */

static void
set_loading (PbWindow *self, const char *label)
{
  gtk_label_set_text (self->load_label, label != NULL ? label : "");
  gtk_progress_bar_set_fraction (self->load_progress, 0);
  gtk_revealer_set_reveal_child (self->load_revealer, label != NULL);
}

static void
load_progress_cb (double fraction, gpointer user_data)
{
  PbWindow *self = user_data;

  if (self->load_cancellable != NULL)
    gtk_progress_bar_set_fraction (self->load_progress, fraction);
}

/* The name recent files are filed under: the executable's, fixed rather than
 * g_get_prgname (), which is NULL when nothing set it (the recent-files API
 * then refuses the entry with a critical). */
#define PB_RECENT_APP_NAME "passband"

static void
remember_recent (PbWindow *self, const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *name = g_path_get_basename (path);
  GtkRecentData data = {
    .display_name = name,
    .mime_type = (char *) (g_file_test (path, G_FILE_TEST_IS_DIR) ? "inode/directory" : "text/plain"),
    .app_name = (char *) PB_RECENT_APP_NAME,
    .app_exec = (char *) PB_RECENT_APP_NAME " %u",
  };

  gtk_recent_manager_add_full (self->recent, uri, &data);
}

static void
load_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbWindow *self = PB_WINDOW (source);
  g_autoptr(GCancellable) cancellable = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LcDataset) ds = pb_load_finish (result, &error);

  /* a newer load replaced this one: drop whatever it produced */
  if (cancellable != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);
  set_loading (self, NULL);

  if (ds == NULL)
    {
      if (!pb_load_error_is_cancelled (error))
        show_error (self, _("The dataset could not be opened"), error->message);
      return;
    }
  set_dataset (self, ds);
  if (self->loading_path[0] != '\0')
    remember_recent (self, self->loading_path);
  g_settings_set_string (self->settings, "last-dataset", self->loading_path);
  g_settings_set_string (self->settings, "last-metadata", self->loading_meta_path != NULL ? self->loading_meta_path : "");
}

static GCancellable *
begin_load (PbWindow *self, const char *path, const char *meta_path, const char *label)
{
  pb_window_cancel_loading (self);
  self->load_cancellable = g_cancellable_new ();
  g_free (self->loading_path);
  self->loading_path = g_strdup (path);
  g_free (self->loading_meta_path);
  self->loading_meta_path = g_strdup (meta_path);
  set_loading (self, label);
  return g_object_ref (self->load_cancellable);
}

void
pb_window_load_path (PbWindow *self, const char *path, const LcLoadOptions *options)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *label = g_strdup_printf (_("Loading “%s”…"), name);
  GCancellable *cancellable = begin_load (self, path, options != NULL ? options->meta_path : NULL, label);

  pb_load_async (G_OBJECT (self), path, options, cancellable, load_progress_cb, load_done_cb, cancellable);
}

void
pb_window_load_sample (PbWindow *self)
{
  GCancellable *cancellable = begin_load (self, "", NULL, _("Simulating the sample…"));

  pb_load_sample_async (G_OBJECT (self), self->sample_objects, PB_SAMPLE_SEED, cancellable, load_progress_cb,
                        load_done_cb, cancellable);
}

void
pb_window_cancel_loading (PbWindow *self)
{
  if (self->load_cancellable == NULL)
    return;
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  set_loading (self, NULL);
}

gboolean
pb_window_is_loading (PbWindow *self)
{
  return self->load_cancellable != NULL;
}

static void
load_cancel_clicked_cb (PbWindow *self)
{
  pb_window_cancel_loading (self);
}

/* ---- opening files ---------------------------------------------------- */

/* Whether the PLAsTiCC loader will find metadata beside csv_path by itself
 * (it looks for X_metadata.csv, then any *_metadata*.csv in the folder). */
static gboolean
has_metadata_beside (const char *csv_path)
{
  g_autofree char *dir_path = g_path_get_dirname (csv_path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (strstr (name, "_metadata") != NULL && g_str_has_suffix (name, ".csv"))
      return TRUE;
  return FALSE;
}

static GtkFileChooserNative *
new_chooser (PbWindow *self, const char *title, GtkFileChooserAction action,
             const char *accept, const char *cancel)
{
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, cancel);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  return self->chooser;
}

static void
metadata_chosen_cb (GtkNativeDialog *chooser, int response, PbWindow *self)
{
  g_autofree char *data_path = g_steal_pointer (&self->pending_path);
  g_autoptr(GFile) file = NULL;
  g_autofree char *meta_path = NULL;
  LcLoadOptions options = { .format = LC_FORMAT_PLASTICC };

  if (data_path == NULL)
    return;
  /* Cancel means "without metadata": the light curves still open, unlabelled */
  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    meta_path = g_file_get_path (file);
  options.meta_path = meta_path;
  pb_window_load_path (self, data_path, &options);
}

static void
ask_metadata (PbWindow *self, const char *csv_path)
{
  g_autofree char *name = g_path_get_basename (csv_path);
  g_autofree char *title = g_strdup_printf (_("Metadata for “%s”"), name);
  GtkFileChooserNative *chooser = new_chooser (self, title, GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Without Metadata"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *dir = g_path_get_dirname (csv_path);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);

  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_free (self->pending_path);
  self->pending_path = g_strdup (csv_path);
  g_signal_connect (chooser, "response", G_CALLBACK (metadata_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
mapping_chosen_cb (const LcCsvMapping *mapping, gpointer user_data)
{
  PbWindow *self = user_data;
  g_autofree char *path = g_steal_pointer (&self->pending_path);
  LcLoadOptions options = { .format = LC_FORMAT_CSV, .mapping = mapping };

  if (mapping == NULL || path == NULL)
    return;
  pb_window_load_path (self, path, &options);
}

static void
ask_mapping (PbWindow *self, const char *csv_path)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) header = lc_csv_read_header (csv_path, &error);
  PbCsvMappingDialog *dialog;

  if (header == NULL)
    {
      show_error (self, _("The dataset could not be opened"), error->message);
      return;
    }
  g_free (self->pending_path);
  self->pending_path = g_strdup (csv_path);
  dialog = pb_csv_mapping_dialog_new (GTK_WINDOW (self), csv_path, (const char *const *) header,
                                      mapping_chosen_cb, self);
  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
pb_window_open_file (PbWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *message = g_strdup_printf (_("%s: only local files and folders can be opened"), uri);
      show_error (self, _("The dataset could not be opened"), message);
      return;
    }
  /* a .npy file stands for the triple of arrays in its folder */
  if (g_str_has_suffix (path, ".npy"))
    {
      char *dir = g_path_get_dirname (path);
      g_free (path);
      path = dir;
    }
  switch (lc_format_detect (path))
    {
    case LC_FORMAT_PLASTICC:
      if (has_metadata_beside (path))
        pb_window_load_path (self, path, NULL);
      else
        ask_metadata (self, path);
      break;
    case LC_FORMAT_CSV:
      ask_mapping (self, path);
      break;
    default:
      /* the loader names what is wrong with anything it cannot read */
      pb_window_load_path (self, path, NULL);
      break;
    }
}

void
pb_window_open_initial (PbWindow *self)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-dataset");
  g_autofree char *meta = g_settings_get_string (self->settings, "last-metadata");

  if (last[0] != '\0' && g_file_test (last, G_FILE_TEST_EXISTS))
    {
      LcLoadOptions options = { .meta_path = meta[0] != '\0' ? meta : NULL };
      pb_window_load_path (self, last, &options);
    }
  else
    pb_window_load_sample (self);
}

static void
open_chosen_cb (GtkNativeDialog *chooser, int response, PbWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    pb_window_open_file (self, file);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  GtkFileChooserNative *chooser = new_chooser (self, _("Open a Dataset"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  g_autoptr(GtkFileFilter) data = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (data, _("Light curves (CSV, .ts, .npy)"));
  gtk_file_filter_add_suffix (data, "csv");
  gtk_file_filter_add_suffix (data, "ts");
  gtk_file_filter_add_suffix (data, "npy");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), data);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (open_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  GtkFileChooserNative *chooser = new_chooser (self, _("Open a Folder of Light Curves"),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (open_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_recent_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  pb_window_open_file (PB_WINDOW (widget), file);
}

static void
open_sample_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_window_load_sample (PB_WINDOW (widget));
}

static void
preferences_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  PbPreferences *preferences = pb_preferences_new (GTK_WINDOW (self), self->settings);

  track_dialog (self, GTK_WINDOW (preferences));
  gtk_window_present (GTK_WINDOW (preferences));
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, PbWindow *self)
{
  GFile *file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;
  pb_window_open_file (self, file);
  return TRUE;
}

/* ---- recent files ----------------------------------------------------- */

static int
compare_recent (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified (*(GtkRecentInfo **) a);
  GDateTime *tb = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);

  return -g_date_time_compare (ta, tb);
}

static void
rebuild_recent_menu (PbWindow *self)
{
  GList *items = gtk_recent_manager_get_items (self->recent);
  g_autoptr(GPtrArray) ours = g_ptr_array_new ();
  guint shown = 0;

  g_menu_remove_all (self->recent_menu);
  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_application (l->data, PB_RECENT_APP_NAME) && gtk_recent_info_exists (l->data))
      g_ptr_array_add (ours, l->data);
  g_ptr_array_sort (ours, compare_recent);
  for (guint i = 0; i < ours->len && shown < PB_RECENT_MAX; i++, shown++)
    {
      GtkRecentInfo *info = g_ptr_array_index (ours, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, item);
    }
  if (shown == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Datasets"), "win.none");
      g_menu_append_item (self->recent_menu, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

/* ---- other actions ---------------------------------------------------- */

PbPlottable *
pb_window_get_current_plottable (PbWindow *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->main_stack);
  const char *view;

  if (page != NULL && PB_IS_PLOTTABLE (page))
    return PB_PLOTTABLE (page);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "data") != 0)
    return NULL;
  view = gtk_stack_get_visible_child_name (self->view_stack);
  return PB_PLOTTABLE (pb_window_get_view (self, view));
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  PbPlottable *view = pb_window_get_current_plottable (self);
  PbExportDialog *dialog;

  if (view == NULL)
    return;
  dialog = pb_export_dialog_new (GTK_WINDOW (self), view, gtk_widget_get_width (GTK_WIDGET (view)),
                                 gtk_widget_get_height (GTK_WIDGET (view)));
  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reset_zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_light_curve_view_reset_zoom (PB_WINDOW (widget)->light_curve_view);
}

static void
search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbWindow *self = PB_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->main_stack, "data");
  pb_object_browser_focus_search (self->browser);
}

static void
select_relative_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_object_browser_select_relative (PB_WINDOW (widget)->browser, g_variant_get_int32 (parameter));
}

static void
show_view_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_window_show_view (PB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
pb_window_show_view (PbWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->main_stack, "data");
  gtk_stack_set_visible_child_name (self->view_stack, name);
}

GtkWidget *
pb_window_get_view (PbWindow *self, const char *name)
{
  if (g_strcmp0 (name, "overview") == 0)
    return GTK_WIDGET (self->overview_view);
  if (g_strcmp0 (name, "light-curve") == 0)
    return GTK_WIDGET (self->light_curve_view);
  if (g_strcmp0 (name, "gallery") == 0)
    return GTK_WIDGET (self->gallery_view);
  return NULL;
}

GtkWidget *
pb_window_get_browser (PbWindow *self)
{
  return GTK_WIDGET (self->browser);
}

void
pb_window_add_page (PbWindow *self, GtkWidget *child, const char *name, const char *title,
                    const char *icon_name)
{
  GtkStackPage *page = gtk_stack_add_titled (self->main_stack, child, name, title);

  if (icon_name != NULL)
    gtk_stack_page_set_icon_name (page, icon_name);
}

/* ---- settings and lifetime -------------------------------------------- */

/* The plot toggles and the preferences hold their state in the window and
 * take effect at once; the settings only remember it.  A settings backend
 * that cannot write (no session bus for dconf) must not leave a toggle or a
 * preference that does nothing. */
static void
apply_option (PbWindow *self, const char *key, GVariant *value)
{
  if (g_str_equal (key, "error-bars"))
    g_object_set (self->light_curve_view, "error-bars", g_variant_get_boolean (value), NULL);
  else if (g_str_equal (key, "plot-theme"))
    pb_plot_set_theme (GTK_WIDGET (self), pb_plot_theme_from_string (g_variant_get_string (value, NULL)));
  else if (g_str_equal (key, "training-threads"))
    pb_train_page_set_default_threads (self->train_page, g_variant_get_int32 (value));
  else if (g_str_equal (key, "kept-runs"))
    g_object_set (pb_session_get_trainer (self->session), "kept-runs", g_variant_get_int32 (value), NULL);
  else if (g_str_equal (key, "sample-objects"))
    /* the next time the sample is opened */
    self->sample_objects = g_variant_get_int32 (value);
  else
    {
      const char *text = g_variant_get_string (value, NULL);

      g_object_set (self->light_curve_view, key, text, NULL);
      if (g_str_equal (key, "value-axis"))
        g_object_set (self->gallery_view, key, text, NULL);
    }
}

static void
option_change_state_cb (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  PbWindow *self = user_data;
  const char *key = g_action_get_name (G_ACTION (action));
  g_autoptr (GSettingsSchemaKey) schema_key = NULL;
  GSettingsSchema *schema = NULL;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  g_settings_schema_unref (schema);
  /* a value outside the key's range (from a caller of the action) is refused */
  if (!g_settings_schema_key_range_check (schema_key, value))
    return;
  g_simple_action_set_state (action, value);
  apply_option (self, key, value);
  /* remembered for the next start when the backend can */
  if (g_settings_is_writable (self->settings, key))
    g_settings_set_value (self->settings, key, value);
}

/* Another window (or the settings themselves) changed an option. */
static void
setting_changed_cb (GSettings *settings, const char *key, PbWindow *self)
{
  g_autoptr (GVariant) value = g_settings_get_value (settings, key);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), key);

  if (action == NULL || g_variant_equal (value, g_action_get_state (action)))
    return;
  g_simple_action_set_state (G_SIMPLE_ACTION (action), value);
  apply_option (self, key, value);
}

static void
bind_settings (PbWindow *self)
{
  const char *const keys[] = { "value-axis", "time-axis", "error-bars", "plot-theme", "training-threads",
                               "sample-objects", "kept-runs" };

  /* the plot toggles and the preferences are stateful "win." actions remembered in the settings */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (self->settings, keys[i]);
      /* a boolean toggles; a choice is set by the menu item's target */
      gboolean toggle = g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN);
      g_autoptr (GSimpleAction) action = g_simple_action_new_stateful (keys[i], toggle ? NULL
                                                                                      : g_variant_get_type (value),
                                                                       value);
      g_autofree char *signal = g_strdup_printf ("changed::%s", keys[i]);

      g_signal_connect (action, "change-state", G_CALLBACK (option_change_state_cb), self);
      g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
      apply_option (self, keys[i], value);
      g_signal_connect_object (self->settings, signal, G_CALLBACK (setting_changed_cb), self, 0);
    }

  g_settings_bind (self->settings, "sidebar-position", self->data_paned, "position", G_SETTINGS_BIND_DEFAULT);
  pb_tune_page_bind_settings (self->tune_page, self->settings);

  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
pb_window_close_request (GtkWindow *window)
{
  PbWindow *self = PB_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  pb_window_cancel_loading (self);
  return GTK_WINDOW_CLASS (pb_window_parent_class)->close_request (window);
}

static void
pb_window_dispose (GObject *object)
{
  PbWindow *self = PB_WINDOW (object);

  pb_window_cancel_loading (self);
  cancel_find_period (self);
  track_dialog (self, NULL);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->recent != NULL)
    g_signal_handlers_disconnect_by_data (self->recent, self);
  self->recent = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_WINDOW);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (pb_window_parent_class)->dispose (object);
}

static void
pb_window_finalize (GObject *object)
{
  PbWindow *self = PB_WINDOW (object);

  g_free (self->loading_path);
  g_free (self->loading_meta_path);
  g_free (self->pending_path);
  g_free (self->last_error);
  G_OBJECT_CLASS (pb_window_parent_class)->finalize (object);
}

static void
pb_window_class_init (PbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_window_dispose;
  object_class->finalize = pb_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = pb_window_close_request;

  g_type_ensure (PB_TYPE_OBJECT_BROWSER);
  g_type_ensure (PB_TYPE_OVERVIEW_VIEW);
  g_type_ensure (PB_TYPE_LIGHT_CURVE_VIEW);
  g_type_ensure (PB_TYPE_ATTRIBUTION_PANEL);
  g_type_ensure (PB_TYPE_GALLERY_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passband/Passband/ui/pb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PbWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, load_revealer);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, load_label);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, load_progress);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, data_paned);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, browser);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, overview_view);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, light_curve_view);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, attribution_panel);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, gallery_view);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, fold_button);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, period_spin);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, period_revealer);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, period_label);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, recent_menu);
  gtk_widget_class_bind_template_callback (widget_class, load_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, browser_object_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, browser_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, overview_class_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, gallery_object_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, fold_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_stack_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.select-relative", "i", select_relative_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.find-period", NULL, find_period_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.open-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.find-period", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "win.select-relative", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "win.select-relative", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-view", "s", "overview");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-view", "s", "light-curve");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-view", "s", "gallery");
}

/* Someone (Results) asks to see an object of the open dataset. */
static void
session_show_object_cb (PbWindow *self, gint64 object)
{
  /* a class filter or search must not hide the object asked for */
  pb_object_browser_set_class_filter (self->browser, -1);
  pb_object_browser_set_search (self->browser, "");
  pb_object_browser_select_object (self->browser, (gsize) object);
  pb_window_show_view (self, "light-curve");
}

static void
session_show_section_cb (PbWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->main_stack, name);
}

/* The app's stylesheet, once per display.  A plain GtkApplication does not
 * load style.css from its resources (only AdwApplication does), and the
 * tests build windows without the application, so the window installs it. */
static void
install_style (GdkDisplay *display)
{
  GtkCssProvider *provider;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "pb-style") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/passband/Passband/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "pb-style", provider, g_object_unref);
}

static void
pb_window_init (PbWindow *self)
{
  GtkDropTarget *drop;

  install_style (gtk_widget_get_display (GTK_WIDGET (self)));
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sample_objects = PB_SAMPLE_OBJECTS;
  /* every section is laid out to be usable down to this size, not below */
  gtk_widget_set_size_request (GTK_WIDGET (self), PB_MIN_WIDTH, PB_MIN_HEIGHT);
  /* until an object is shown */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find-period", FALSE);
  g_signal_connect_swapped (self->main_stack, "notify::visible-child", G_CALLBACK (update_export_action), self);
  self->session = pb_session_new ();
  g_signal_connect_object (self->session, "dataset-changed", G_CALLBACK (session_dataset_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "show-object", G_CALLBACK (session_show_object_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "show-section", G_CALLBACK (session_show_section_cb), self,
                           G_CONNECT_SWAPPED);
  /* every section works on the session; none knows another */
  pb_window_add_page (self, pb_builder_new_for_session (self->session), "model", _("Model"),
                      "applications-science-symbolic");
  self->train_page = PB_TRAIN_PAGE (pb_train_page_new (self->session));
  pb_window_add_page (self, GTK_WIDGET (self->train_page), "train", _("Train"), "media-playback-start-symbolic");
  pb_window_add_page (self, pb_results_page_new (self->session), "results", _("Results"), "view-grid-symbolic");
  self->tune_page = PB_TUNE_PAGE (pb_tune_page_new (self->session));
  pb_window_add_page (self, GTK_WIDGET (self->tune_page), "tune", _("Tune"), "preferences-system-symbolic");
  pb_onnx_export_install (self, self->session);
  pb_runs_export_install (self, self->session);
  pb_attribution_panel_set_view (self->attribution_panel, self->light_curve_view);
  pb_attribution_panel_set_session (self->attribution_panel, self->session);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  self->recent = gtk_recent_manager_get_default ();
  g_signal_connect_swapped (self->recent, "changed", G_CALLBACK (rebuild_recent_menu), self);
  rebuild_recent_menu (self);
}

PbWindow *
pb_window_new (GtkApplication *app, GSettings *settings)
{
  PbWindow *self = g_object_new (PB_TYPE_WINDOW, "application", app, NULL);

  self->settings = g_object_ref (settings);
  bind_settings (self);
  return self;
}
