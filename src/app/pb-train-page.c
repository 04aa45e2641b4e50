/* pb-train-page.c: the Train section */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "pb-export.h"
#include "pb-field-editor.h"
#include "pb-resume-bar.h"
#include "pb-train-page.h"

struct _PbTrainPage
{
  GtkBox parent_instance;

  PbSession *session;
  PbTrainer *trainer;        /* the session's */
  GPtrArray *runs;           /* PbRun *: the session's runs on the open dataset, borrowed */
  char *status;
  gboolean status_is_gate;   /* the status line says why Start is off */
  gboolean stopping;         /* Stop was pressed for the running job */

  GtkGrid *settings_grid;
  GHashTable *editors;       /* training field name → its editor (pb-field-editor.h) */
  GHashTable *marks;         /* training field name → its "Tune" mark */
  GtkBox *actions;           /* Start, Stop, progress and status */
  PbResumeBar *resume_bar;
  GtkButton *start_button;
  GtkButton *stop_button;
  GtkProgressBar *progress;
  GtkLabel *status_label;
  GtkDropDown *compare_drop;
  GtkStringList *compare_names;
  GtkDropDown *shown_drop;
  GtkStringList *shown_names;
  GtkButton *save_button;
  GtkButton *export_button;
  GtkLabel *model_label;
  PbHistoryChart *chart;
  GtkFileChooserNative *chooser;
  PbRun *chooser_run;        /* what the save chooser saves */
  NnTrainingSpec shown;      /* the training section the panel was last filled from */
  int default_threads;       /* the "training-threads" preference: threads suit the machine, not the model */
};

G_DEFINE_FINAL_TYPE (PbTrainPage, pb_train_page, GTK_TYPE_BOX)

/* The training fields the panel shows, from the core's field table; the
 * others keep the spec's values. */
static const char *const form_fields[] = {
  "optimizer", "learning_rate", "schedule", "batch_size", "epochs", "loss", "label_smoothing", "balance",
  "logit_adjust", "reweight_from_epoch", "val_fraction", "seed", "patience", "threads", NULL
};

static GtkWidget *
editor (PbTrainPage *self, const char *name)
{
  return g_hash_table_lookup (self->editors, name);
}

static gboolean
on_form (const char *name)
{
  return g_strv_contains (form_fields, name);
}

/* ---- the model to train ----------------------------------------------- */

/* The session's spec without the panel's settings. */
static NnModelDoc *
load_chosen_spec (PbTrainPage *self, GError **error)
{
  const NnModelDoc *spec = self->session != NULL ? pb_session_get_spec (self->session) : NULL;

  if (spec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The Model section has no model yet"));
      return NULL;
    }
  return nn_model_doc_copy (spec);
}

/* Whether the session's spec can train on the open data; the builder said why not. */
static gboolean
chosen_spec_can_train (PbTrainPage *self, GError **error)
{
  const char *why = self->session != NULL ? pb_session_get_spec_problem (self->session) : NULL;

  if (why == NULL)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The Model section’s network cannot train yet: %s"),
               why);
  return FALSE;
}

/* Shows a spec's training section in the panel: its defaults work on its data. */
static void
show_training_settings (PbTrainPage *self, const NnModelDoc *spec)
{
  const NnTrainingSpec *t = &spec->training;
  g_autofree char *description = NULL;

  for (const char *const *name = form_fields; *name != NULL; name++)
    {
      const NnField *field = nn_training_field_lookup (*name);
      /* threads suit the machine, not the model: the preference decides */
      double value = strcmp (*name, "threads") == 0 ? self->default_threads : nn_field_get (field, t);

      pb_field_editor_set_value (editor (self, *name), value);
    }
  description = g_strdup_printf ("%s%s%s", *spec->name != '\0' ? spec->name : _("Unnamed network"),
                                 *spec->description != '\0' ? ": " : "", spec->description);
  gtk_label_set_text (self->model_label, description);
  self->shown = *t;
}

/* Whether a and b agree on every setting the panel shows. */
static gboolean
same_panel_settings (const NnTrainingSpec *a, const NnTrainingSpec *b)
{
  for (const char *const *name = form_fields; *name != NULL; name++)
    {
      const NnField *field = nn_training_field_lookup (*name);

      if (nn_field_get (field, a) != nn_field_get (field, b))
        return FALSE;
    }
  return TRUE;
}

static void update_start_gate (PbTrainPage *self);

gboolean
pb_train_page_select_model (PbTrainPage *self, const char *name)
{
  g_autoptr (GError) error = NULL;
  const NnModelDoc *spec;

  if (g_strcmp0 (name, "builder") != 0 && !pb_session_load_preset (self->session, name, &error))
    return FALSE;
  /* the same model again still resets the settings to the model's */
  spec = pb_session_get_spec (self->session);
  show_training_settings (self, spec);
  update_start_gate (self);
  return TRUE;
}

/* The panel's settings written into the spec's training section. */
static void
apply_settings (PbTrainPage *self, NnModelDoc *spec)
{
  guint n;
  const NnField *fields = nn_training_fields (&n);

  /* in the table's order: a new optimiser's defaults come before the rate that refines them */
  for (guint i = 0; i < n; i++)
    if (on_form (fields[i].name))
      nn_field_set (&fields[i], &spec->training, pb_field_editor_get_value (editor (self, fields[i].name)));
  spec->has_training = TRUE;
}

NnModelDoc *
pb_train_page_build_spec (PbTrainPage *self, GError **error)
{
  NnModelDoc *spec = load_chosen_spec (self, error);

  if (spec != NULL)
    apply_settings (self, spec);
  return spec;
}

void
pb_train_page_set_default_threads (PbTrainPage *self, int threads)
{
  self->default_threads = CLAMP (threads, 1, 2);
  pb_field_editor_set_value (editor (self, "threads"), self->default_threads);
}

void
pb_train_page_set_epochs (PbTrainPage *self, int epochs)
{
  pb_field_editor_set_value (editor (self, "epochs"), epochs);
}

void
pb_train_page_set_patience (PbTrainPage *self, int patience)
{
  pb_field_editor_set_value (editor (self, "patience"), patience);
}

void
pb_train_page_set_seed (PbTrainPage *self, int seed)
{
  pb_field_editor_set_value (editor (self, "seed"), seed);
}

void
pb_train_page_set_logit_adjust (PbTrainPage *self, double tau)
{
  pb_field_editor_set_value (editor (self, "logit_adjust"), tau);
}

/* ---- progress --------------------------------------------------------- */

static void
set_status (PbTrainPage *self, const char *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  self->status_is_gate = FALSE;
  gtk_label_set_text (self->status_label, text);
}

static char *
format_duration (double seconds)
{
  if (seconds < 90)
    return g_strdup_printf (_("%.0f s"), MAX (seconds, 1));
  if (seconds < 5400)
    return g_strdup_printf (_("%.0f min"), seconds / 60);
  return g_strdup_printf (_("%.1f h"), seconds / 3600);
}

/* Start stays off while the chosen network cannot train, and says why: the
 * button's tooltip and the status line carry the builder's message. */
static void
update_start_gate (PbTrainPage *self)
{
  gboolean running = pb_trainer_is_running (self->trainer);
  g_autoptr (GError) why = NULL;
  gboolean can_train = chosen_spec_can_train (self, &why);

  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), !running && can_train);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button),
                               can_train ? _("Train on the open dataset (Ctrl+Return)") : why->message);
  if (!can_train && !running)
    {
      set_status (self, why->message);
      self->status_is_gate = TRUE;
    }
  else if (can_train && self->status_is_gate)
    {
      /* the reason is gone: do not leave it on the status line */
      set_status (self, "");
      self->status_is_gate = FALSE;
    }
}

static void
update_buttons (PbTrainPage *self)
{
  gboolean running = pb_trainer_is_running (self->trainer);
  PbRun *shown = pb_history_chart_get_run (self->chart);

  update_start_gate (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), shown != NULL && shown->doc != NULL);
}

static void
trainer_batch_cb (PbTrainPage *self, PbRun *run, int epoch, int batch, int n_batches)
{
  double eta = pb_trainer_get_eta (self->trainer);
  g_autofree char *left = eta >= 0 ? format_duration (eta) : NULL;
  g_autofree char *text = NULL;
  int epochs = run->total_epochs;

  /* an ensemble's members each count their own epochs */
  if (pb_trainer_get_n_members (self->trainer) > 1)
    epochs /= pb_trainer_get_n_members (self->trainer);
  if (left != NULL && pb_trainer_eta_is_bound (self->trainer))
    text = g_strdup_printf (_("Epoch %d of %d · batch %d of %d · at most %s left"), epoch + 1, epochs,
                            batch + 1, n_batches, left);
  else if (left != NULL)
    text = g_strdup_printf (_("Epoch %d of %d · batch %d of %d · about %s left"), epoch + 1, epochs,
                            batch + 1, n_batches, left);
  else
    text = g_strdup_printf (_("Epoch %d of %d · batch %d of %d"), epoch + 1, epochs, batch + 1, n_batches);
  set_status (self, text);
  gtk_progress_bar_set_fraction (self->progress, pb_trainer_get_fraction (self->trainer));
  /* the smoothed batch loss moves between the epoch points */
  pb_history_chart_refresh (self->chart);
}

static void
trainer_epoch_cb (PbTrainPage *self, PbRun *run, int epoch)
{
  pb_history_chart_refresh (self->chart);
}

/* Fitting the encoder and encoding, before the first epoch: with period
 * features that takes a while on a large dataset. */
static void
trainer_preparing_cb (PbTrainPage *self, PbRun *run, double fraction)
{
  g_autofree char *text = NULL;

  /* a late record must not hide that Stop was pressed */
  if (self->stopping)
    return;
  /* TRANSLATORS: the training data are being encoded; %d is a percentage */
  text = g_strdup_printf (_("Preparing data… %d %%"), (int) floor (CLAMP (fraction, 0, 1) * 100));
  set_status (self, text);
  /* the bar follows the preparation, then starts again from 0 with the epochs */
  gtk_progress_bar_set_fraction (self->progress, CLAMP (fraction, 0, 1));
}

static void
trainer_started_cb (PbTrainPage *self, PbRun *run)
{

  self->stopping = FALSE;
  pb_history_chart_set_run (self->chart, run);
  gtk_progress_bar_set_fraction (self->progress, 0);
  trainer_preparing_cb (self, run, 0);
  update_buttons (self);
}

static void compare_changed_cb (PbTrainPage *self);
static void shown_changed_cb (PbTrainPage *self);

/* Both run lists: "Show" lists the runs, "Compare with" has "No comparison" first. */
static void
rebuild_run_lists (PbTrainPage *self)
{
  guint n_compare = g_list_model_get_n_items (G_LIST_MODEL (self->compare_names));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->shown_names));
  guint compare = gtk_drop_down_get_selected (self->compare_drop);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < self->runs->len; i++)
    g_ptr_array_add (names, ((PbRun *) g_ptr_array_index (self->runs, i))->name);
  g_ptr_array_add (names, NULL);
  g_signal_handlers_block_by_func (self->compare_drop, compare_changed_cb, self);
  g_signal_handlers_block_by_func (self->shown_drop, shown_changed_cb, self);
  gtk_string_list_splice (self->compare_names, 1, n_compare - 1, (const char *const *) names->pdata);
  gtk_string_list_splice (self->shown_names, 0, n_shown, (const char *const *) names->pdata);
  gtk_drop_down_set_selected (self->compare_drop, compare);
  gtk_drop_down_set_selected (self->shown_drop, self->runs->len - 1);
  g_signal_handlers_unblock_by_func (self->compare_drop, compare_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->shown_drop, shown_changed_cb, self);
}

/* Curves on the chart; the Results section follows the runs itself. */
static void
show_run (PbTrainPage *self, PbRun *run)
{
  pb_history_chart_set_run (self->chart, run);
  pb_history_chart_refresh (self->chart);
  update_buttons (self);
  if (run->evaluation != NULL)
    pb_session_show_run (self->session, run);
}

static void
shown_changed_cb (PbTrainPage *self)
{
  guint i = gtk_drop_down_get_selected (self->shown_drop);

  if (i < self->runs->len)
    show_run (self, g_ptr_array_index (self->runs, i));
}

/* A finished or opened run joins the session's runs and is shown. */
static void
add_run (PbTrainPage *self, PbRun *run)
{
  pb_session_add_run (self->session, run);
}

static void
session_run_added_cb (PbTrainPage *self, PbRun *run)
{
  g_ptr_array_unref (self->runs);
  self->runs = pb_session_get_dataset_runs (self->session);
  rebuild_run_lists (self);
  if (lc_dataset_same_data (run->dataset, pb_session_get_dataset (self->session)))
    show_run (self, run);
}

/* A deleted run leaves both lists; the chart shows the newest run left. */
static void
session_run_removed_cb (PbTrainPage *self, PbRun *run)
{
  g_ptr_array_unref (self->runs);
  self->runs = pb_session_get_dataset_runs (self->session);
  gtk_drop_down_set_selected (self->compare_drop, 0);
  rebuild_run_lists (self);
  if (pb_history_chart_get_run (self->chart) != run || pb_trainer_is_running (self->trainer))
    return;
  if (self->runs->len > 0)
    show_run (self, g_ptr_array_index (self->runs, self->runs->len - 1));
  else
    {
      pb_history_chart_set_run (self->chart, NULL);
      update_buttons (self);
    }
}

static char *
describe_outcome (PbRun *run)
{
  const NnEpochStats *best = run->best_epoch >= 0 ? &g_array_index (run->epochs, NnEpochStats, run->best_epoch)
                                                  : NULL;
  g_autofree char *best_text = best == NULL ? g_strdup ("")
                               : isfinite (best->val_accuracy)
                                 ? g_strdup_printf (_("; best epoch %d, validation accuracy %.3f"),
                                                    run->best_epoch + 1, best->val_accuracy)
                                 : g_strdup_printf (_("; best epoch %d"), run->best_epoch + 1);

  switch (run->state)
    {
    case PB_RUN_FINISHED:
      if ((int) run->epochs->len < run->total_epochs)
        return g_strdup_printf (ngettext ("%s finished by early stopping: %u epoch in %.1f s%s",
                                          "%s finished by early stopping: %u epochs in %.1f s%s", run->epochs->len),
                                run->name, run->epochs->len, run->seconds, best_text);
      return g_strdup_printf (ngettext ("%s finished: %u epoch in %.1f s%s", "%s finished: %u epochs in %.1f s%s",
                                        run->epochs->len),
                              run->name, run->epochs->len, run->seconds, best_text);
    case PB_RUN_STOPPED:
      if (run->doc == NULL && run->epochs->len == 0)
        return g_strdup_printf (_("%s stopped while preparing the data"), run->name);
      return g_strdup_printf (ngettext ("%s stopped after %u epoch%s", "%s stopped after %u epochs%s",
                                        run->epochs->len),
                              run->name, run->epochs->len, best_text);
    case PB_RUN_FAILED:
      return g_strdup_printf (_("%s failed: %s"), run->name, run->message != NULL ? run->message : "");
    case PB_RUN_OPENED:
      return g_strdup_printf (_("%s evaluated on the current dataset"), run->name);
    case PB_RUN_RUNNING:
    default:
      return g_strdup (run->name);
    }
}

static void
trainer_finished_cb (PbTrainPage *self, PbRun *run)
{
  g_autofree char *text = describe_outcome (run);

  set_status (self, text);
  /* a run stopped while preparing has no model to show as done */
  if (run->state != PB_RUN_FAILED && run->doc != NULL)
    gtk_progress_bar_set_fraction (self->progress, 1);
  add_run (self, run);
  /* failed and cancelled runs are not added, but Stop must still go off */
  update_buttons (self);
}

gboolean
pb_train_page_start (PbTrainPage *self, GError **error)
{
  LcDataset *ds = pb_session_get_dataset (self->session);
  g_autoptr (NnModelDoc) spec = NULL;
  LcTrainOverrides overrides;

  if (ds == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Open a dataset first"));
      return FALSE;
    }
  if (!chosen_spec_can_train (self, error))
    return FALSE;
  spec = pb_train_page_build_spec (self, error);
  if (spec == NULL)
    return FALSE;
  /* everything is in the spec; the overrides keep it */
  lc_train_overrides_init (&overrides);
  pb_trainer_start (self->trainer, ds, spec, &overrides, *spec->name != '\0' ? spec->name : NULL);
  return TRUE;
}

void
pb_train_page_stop (PbTrainPage *self)
{
  PbRun *run = pb_trainer_get_run (self->trainer);

  pb_trainer_stop (self->trainer);
  self->stopping = TRUE;
  /* no batch yet: preparation stops within a few objects */
  if (run != NULL && run->total_epochs == 0)
    set_status (self, _("Stopping…"));
  else
    set_status (self, _("Stopping after this batch…"));
}

const char *
pb_train_page_get_status (PbTrainPage *self)
{
  return self->status;
}

static void
start_clicked_cb (PbTrainPage *self)
{
  g_autoptr (GError) error = NULL;

  if (!pb_train_page_start (self, &error))
    {
      set_status (self, error->message);
      /* an invalid network (Ctrl+Return gets here too): keep its reason as the gate's */
      update_start_gate (self);
    }
}

/* ---- runs: compare, save, open ----------------------------------------- */

GPtrArray *
pb_train_page_get_runs (PbTrainPage *self)
{
  return self->runs;
}

void
pb_train_page_compare_with (PbTrainPage *self, PbRun *run)
{
  pb_history_chart_set_compare (self->chart, run);
}

void
pb_train_page_show_run (PbTrainPage *self, PbRun *run)
{
  for (guint i = 0; i < self->runs->len; i++)
    if (g_ptr_array_index (self->runs, i) == run)
      {
        gtk_drop_down_set_selected (self->shown_drop, i);
        show_run (self, run);
        return;
      }
}

static void
compare_changed_cb (PbTrainPage *self)
{
  guint i = gtk_drop_down_get_selected (self->compare_drop);

  pb_train_page_compare_with (self, i >= 1 && i - 1 < self->runs->len ? g_ptr_array_index (self->runs, i - 1)
                                                                       : NULL);
}

gboolean
pb_train_page_save_run (PbTrainPage *self, PbRun *run, const char *path, GError **error)
{
  g_autofree char *text = NULL;

  if (!pb_run_save (run, path, error))
    return FALSE;
  text = g_strdup_printf (_("Saved %s as %s"), run->name, path);
  set_status (self, text);
  return TRUE;
}

PbRun *
pb_train_page_open_model (PbTrainPage *self, const char *path, GError **error)
{
  LcDataset *ds = pb_session_get_dataset (self->session);
  g_autoptr (PbRun) run = NULL;
  g_autofree char *text = NULL;

  if (ds == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Open a dataset first"));
      return NULL;
    }
  run = pb_run_open (path, ds, error);
  if (run == NULL)
    return NULL;
  text = describe_outcome (run);
  set_status (self, text);
  add_run (self, run);
  return run;
}

static GtkFileChooserNative *
new_chooser (PbTrainPage *self, const char *title, GtkFileChooserAction action, const char *accept)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action,
                                               accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Passband models (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  return self->chooser;
}

static void
report_error (PbTrainPage *self, const char *primary, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  set_status (self, error->message);
}

static char *
chosen_path (GtkNativeDialog *chooser, int response)
{
  g_autoptr (GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return NULL;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  return file != NULL ? g_file_get_path (file) : NULL;
}

static void
save_response_cb (GtkNativeDialog *chooser, int response, PbTrainPage *self)
{
  g_autofree char *path = chosen_path (chooser, response);
  g_autoptr (GError) error = NULL;

  if (path != NULL && self->chooser_run != NULL && !pb_train_page_save_run (self, self->chooser_run, path, &error))
    report_error (self, _("Could not save the model"), error);
  g_clear_pointer (&self->chooser_run, pb_run_unref);
}

static void
save_clicked_cb (PbTrainPage *self)
{
  PbRun *run = pb_history_chart_get_run (self->chart);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (run == NULL || run->doc == NULL)
    return;
  chooser = new_chooser (self, _("Save the Trained Model"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"));
  name = g_strdup_printf ("model-run-%d.json", run->id);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_clear_pointer (&self->chooser_run, pb_run_unref);
  self->chooser_run = pb_run_ref (run);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_response_cb (GtkNativeDialog *chooser, int response, PbTrainPage *self)
{
  g_autofree char *path = chosen_path (chooser, response);
  g_autoptr (GError) error = NULL;

  if (path != NULL && pb_train_page_open_model (self, path, &error) == NULL)
    report_error (self, _("Could not open the model"), error);
}

static void
open_clicked_cb (PbTrainPage *self)
{
  GtkFileChooserNative *chooser = new_chooser (self, _("Open a Trained Model"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"));

  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_clicked_cb (PbTrainPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  PbExportDialog *dialog = pb_export_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                 PB_PLOTTABLE (self->chart), 1200, 500);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- construction ----------------------------------------------------- */

static GtkWidget *
build_settings (PbTrainPage *self)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  GtkWidget *title, *runs_title, *run_buttons, *open_button;
  int row = 0;

  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  gtk_widget_set_margin_start (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (grid), 12);

  title = gtk_label_new (_("Training"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_grid_attach (grid, title, 0, row++, 3, 1);

  {
    GtkWidget *label = gtk_label_new (_("Model"));
    GtkWidget *edit = gtk_button_new_with_mnemonic (_("_Edit in Model Section"));

    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_widget_set_tooltip_text (edit, _("The network trained is the one in the Model section"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "train.edit-model");
    gtk_grid_attach (grid, label, 0, row, 1, 1);
    gtk_grid_attach (grid, edit, 1, row++, 1, 1);
  }
  self->model_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->model_label, TRUE);
  gtk_label_set_max_width_chars (self->model_label, 36);
  gtk_label_set_xalign (self->model_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->model_label), "dim-label");
  gtk_grid_attach (grid, GTK_WIDGET (self->model_label), 0, row++, 3, 1);

  /* every field a row from the table; the row below each is kept for its
   * "Tune" mark, attached once the page has its session */
  self->settings_grid = grid;
  for (const char *const *name = form_fields; *name != NULL; name++)
    {
      const NnField *field = nn_training_field_lookup (*name);
      GtkWidget *e = pb_field_editor_new (field, field->def);

      g_object_set_data (G_OBJECT (e), "pb-row", GINT_TO_POINTER (row));
      g_hash_table_insert (self->editors, (gpointer) field->name, e);
      row = pb_field_editor_attach (grid, row, e, NULL) + 1;
    }

  runs_title = gtk_label_new (_("Runs of this session"));
  gtk_widget_add_css_class (runs_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (runs_title), 0);
  gtk_widget_set_margin_top (runs_title, 12);
  gtk_grid_attach (grid, runs_title, 0, row++, 3, 1);
  self->shown_names = gtk_string_list_new (NULL);
  self->shown_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->shown_names)), NULL));
  {
    GtkWidget *label = gtk_label_new_with_mnemonic (_("Sho_w run"));

    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->shown_drop));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->shown_drop),
                                 _("The run whose curves are drawn and whose scores the Results section shows"));
    gtk_grid_attach (grid, label, 0, row, 1, 1);
    gtk_grid_attach (grid, GTK_WIDGET (self->shown_drop), 1, row++, 1, 1);
  }
  g_signal_connect_swapped (self->shown_drop, "notify::selected", G_CALLBACK (shown_changed_cb), self);
  self->compare_names = gtk_string_list_new ((const char *const[]) { _("No comparison"), NULL });
  self->compare_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->compare_names)),
                                                         NULL));
  {
    GtkWidget *label = gtk_label_new_with_mnemonic (_("_Compare with"));

    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->compare_drop));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_drop), _("Overlay another run's curves, dashed"));
    gtk_grid_attach (grid, label, 0, row, 1, 1);
    gtk_grid_attach (grid, GTK_WIDGET (self->compare_drop), 1, row++, 1, 1);
  }
  g_signal_connect_swapped (self->compare_drop, "notify::selected", G_CALLBACK (compare_changed_cb), self);

  run_buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->save_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("Save _Model…")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_button),
                               _("Save the shown run's model: weights, preprocessing, settings and history"));
  open_button = gtk_button_new_with_mnemonic (_("_Open Model…"));
  gtk_widget_set_tooltip_text (open_button, _("Open a trained model and evaluate it on the current dataset"));
  self->export_button = GTK_BUTTON (gtk_button_new_from_icon_name ("document-save-as-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->export_button), _("Export the curves as PNG, SVG or PDF"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->export_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Export the curves"), -1);
  gtk_box_append (GTK_BOX (run_buttons), GTK_WIDGET (self->save_button));
  gtk_box_append (GTK_BOX (run_buttons), open_button);
  gtk_box_append (GTK_BOX (run_buttons), GTK_WIDGET (self->export_button));
  gtk_grid_attach (grid, run_buttons, 0, row++, 3, 1);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect_swapped (open_button, "clicked", G_CALLBACK (open_clicked_cb), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);

  return GTK_WIDGET (grid);
}

static gboolean
start_shortcut_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  start_clicked_cb (PB_TRAIN_PAGE (widget));
  return TRUE;
}

static gboolean
stop_shortcut_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  PbTrainPage *self = PB_TRAIN_PAGE (widget);

  if (!pb_trainer_is_running (self->trainer))
    return FALSE;
  pb_train_page_stop (self);
  return TRUE;
}

static void
edit_model_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_session_show_section (PB_TRAIN_PAGE (widget)->session, "model");
}

static void
pb_train_page_dispose (GObject *object)
{
  PbTrainPage *self = PB_TRAIN_PAGE (object);

  /* closing the window while training: stop the worker and drop its results */
  if (self->trainer != NULL)
    {
      pb_trainer_cancel (self->trainer);
      g_signal_handlers_disconnect_by_data (self->trainer, self);
    }
  g_clear_object (&self->trainer);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->chooser_run, pb_run_unref);
  g_clear_object (&self->compare_names);
  g_clear_object (&self->shown_names);
  G_OBJECT_CLASS (pb_train_page_parent_class)->dispose (object);
}

static void
pb_train_page_finalize (GObject *object)
{
  PbTrainPage *self = PB_TRAIN_PAGE (object);

  g_ptr_array_unref (self->runs);
  g_hash_table_unref (self->editors);
  g_hash_table_unref (self->marks);
  g_free (self->status);
  G_OBJECT_CLASS (pb_train_page_parent_class)->finalize (object);
}

static void
pb_train_page_class_init (PbTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_train_page_dispose;
  object_class->finalize = pb_train_page_finalize;
  gtk_widget_class_install_action (widget_class, "train.edit-model", NULL, edit_model_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, start_shortcut_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, stop_shortcut_cb, NULL);
}

/* Start, Stop, the progress bar and the status line: below the settings, never
 * scrolled away, so a long model description cannot hide them. */
static GtkWidget *
build_actions (PbTrainPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons;

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 12);
  self->actions = GTK_BOX (box);
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->start_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Start")));
  gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "suggested-action");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button), _("Train on the open dataset (Ctrl+Return)"));
  self->stop_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("S_top")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stop_button),
                               _("Stop after the current batch and keep the best weights so far"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->start_button), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->stop_button), TRUE);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->start_button));
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->stop_button));
  gtk_box_append (GTK_BOX (box), buttons);
  g_signal_connect_swapped (self->start_button, "clicked", G_CALLBACK (start_clicked_cb), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (pb_train_page_stop), self);

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress));
  self->status_label = GTK_LABEL (gtk_label_new (_("Pick a model and press Start")));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_max_width_chars (self->status_label, 36);
  gtk_label_set_xalign (self->status_label, 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Training progress"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));
  return box;
}

static void
pb_train_page_init (PbTrainPage *self)
{
  GtkWidget *scroller, *sidebar, *paned;

  self->runs = g_ptr_array_new ();
  self->default_threads = 1;
  self->editors = g_hash_table_new (g_str_hash, g_str_equal);
  self->marks = g_hash_table_new (g_str_hash, g_str_equal);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), build_settings (self));
  gtk_widget_set_vexpand (scroller, TRUE);
  sidebar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (sidebar), scroller);
  gtk_box_append (GTK_BOX (sidebar), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (sidebar), build_actions (self));
  gtk_widget_set_size_request (sidebar, 340, -1);

  self->chart = PB_HISTORY_CHART (pb_history_chart_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->chart), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->chart), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->chart), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->chart), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (self->chart), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->chart), 6);

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (paned), sidebar);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->chart));
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_hexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (self), paned);
}

/* The chart and the run lists are about the open dataset: another one
 * starts them afresh (its runs, if any, come back with it). */
static void
session_dataset_changed_cb (PbTrainPage *self)
{
  g_ptr_array_unref (self->runs);
  self->runs = pb_session_get_dataset_runs (self->session);
  pb_history_chart_set_compare (self->chart, NULL);
  gtk_drop_down_set_selected (self->compare_drop, 0);
  rebuild_run_lists (self);
  if (self->runs->len > 0)
    show_run (self, g_ptr_array_index (self->runs, self->runs->len - 1));
  else if (!pb_trainer_is_running (self->trainer))
    {
      pb_history_chart_set_run (self->chart, NULL);
      update_buttons (self);
    }
}

/* The Model section changed the spec (an edit, a preset, new data): Start
 * follows.  A different training section (a preset or file opened there)
 * is shown as the panel's settings, else Start would train it with the
 * previous network's settings; layer edits keep the panel's settings. */
static void
session_spec_changed_cb (PbTrainPage *self)
{
  const NnModelDoc *spec = pb_session_get_spec (self->session);

  if (!same_panel_settings (&self->shown, &spec->training))
    show_training_settings (self, spec);
  else
    {
      g_autofree char *description = g_strdup_printf ("%s%s%s", *spec->name != '\0' ? spec->name
                                                                                    : _("Unnamed network"),
                                                       *spec->description != '\0' ? ": " : "",
                                                       spec->description);

      gtk_label_set_text (self->model_label, description);
    }
  update_start_gate (self);
}

static void
form_value_changed_cb (GtkWidget *e, gpointer data)
{
  PbTrainPage *self = data;
  GtkWidget *mark = g_hash_table_lookup (self->marks, pb_field_editor_get_field (e)->name);

  if (mark != NULL)
    pb_tune_mark_set_value (PB_TUNE_MARK (mark), pb_field_editor_get_value (e));
}

/* "Tune this" for every field of the panel that can be searched over: the
 * marks write the session's search space, which Tune runs. */
static void
attach_marks (PbTrainPage *self)
{
  for (const char *const *name = form_fields; *name != NULL; name++)
    {
      const NnField *field = nn_training_field_lookup (*name);
      GtkWidget *e = editor (self, *name);
      int row = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (e), "pb-row"));
      g_autofree char *path = g_strconcat ("training.", field->name, NULL);
      GtkWidget *mark = pb_tune_mark_new (self->session, field, path, pb_field_editor_get_value (e));

      if (mark == NULL)
        continue;
      gtk_grid_attach (self->settings_grid, pb_tune_mark_get_toggle (PB_TUNE_MARK (mark)), 2, row, 1, 1);
      gtk_grid_attach (self->settings_grid, mark, 0, row + 1, 3, 1);
      g_hash_table_insert (self->marks, (gpointer) field->name, mark);
      pb_field_editor_connect (e, form_value_changed_cb, self);
    }
}

GtkWidget *
pb_train_page_get_field_editor (PbTrainPage *self, const char *field)
{
  return editor (self, field);
}

GtkWidget *
pb_train_page_get_tune_mark (PbTrainPage *self, const char *field)
{
  return g_hash_table_lookup (self->marks, field);
}

GtkWidget *
pb_train_page_new (PbSession *session)
{
  PbTrainPage *self = g_object_new (PB_TYPE_TRAIN_PAGE, "orientation", GTK_ORIENTATION_HORIZONTAL, NULL);

  self->session = g_object_ref (session);
  self->trainer = g_object_ref (pb_session_get_trainer (session));
  g_signal_connect_swapped (self->trainer, "started", G_CALLBACK (trainer_started_cb), self);
  g_signal_connect_swapped (self->trainer, "preparing", G_CALLBACK (trainer_preparing_cb), self);
  g_signal_connect_swapped (self->trainer, "batch", G_CALLBACK (trainer_batch_cb), self);
  g_signal_connect_swapped (self->trainer, "epoch", G_CALLBACK (trainer_epoch_cb), self);
  g_signal_connect_swapped (self->trainer, "finished", G_CALLBACK (trainer_finished_cb), self);
  g_signal_connect_swapped (session, "dataset-changed", G_CALLBACK (session_dataset_changed_cb), self);
  g_signal_connect_swapped (session, "spec-changed", G_CALLBACK (session_spec_changed_cb), self);
  g_signal_connect_swapped (session, "run-added", G_CALLBACK (session_run_added_cb), self);
  g_signal_connect_swapped (session, "run-removed", G_CALLBACK (session_run_removed_cb), self);
  /* a run killed or crashed on this dataset: above Start */
  self->resume_bar = PB_RESUME_BAR (pb_resume_bar_new (session));
  gtk_box_prepend (self->actions, GTK_WIDGET (self->resume_bar));
  show_training_settings (self, pb_session_get_spec (session));
  attach_marks (self);
  session_dataset_changed_cb (self);
  update_buttons (self);
  return GTK_WIDGET (self);
}

PbTrainer *
pb_train_page_get_trainer (PbTrainPage *self)
{
  return self->trainer;
}

PbResumeBar *
pb_train_page_get_resume_bar (PbTrainPage *self)
{
  return self->resume_bar;
}

PbHistoryChart *
pb_train_page_get_chart (PbTrainPage *self)
{
  return self->chart;
}

