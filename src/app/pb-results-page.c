/* pb-results-page.c: the Results section: one panel per tab, the rows
 * above them (the run's scores, the actions, "Seen so far") */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-explore-jobs.h"
#include "pb-export.h"
#include "pb-layout.h"
#include "pb-object-history-panel.h"
#include "pb-onnx-export.h"
#include "pb-results-page.h"
#include "pb-run-compare-view.h"
#include "pb-run-scores.h"

struct _PbResultsPage
{
  GtkBox parent_instance;

  PbSession *session;
  PbRun *run;

  GtkDropDown *run_drop;      /* the run picker: the session's runs on the open data */
  GtkWidget *delete_button;   /* moves the shown run's files to the trash */
  GtkStringList *run_names;
  GPtrArray *picked_runs;     /* PbRun, in the picker's order */
  gboolean listing_runs;
  GtkLabel *run_label;
  GtkLabel *test_label;
  GtkSpinner *spinner;
  GtkWidget *cancel_button;
  GtkStack *stack;
  PbResultsSeen *seen;
  PbResultsConfusion *confusion;
  PbResultsScores *scores;
  PbResultsReliability *reliability;
  PbResultsEarly *early;
  PbResultsNovelty *novelty;
  PbResultsWrong *wrong;
  PbResultsBursts *bursts;

  /* the actions: a separate test file, the predictions export */
  LcEvaluation *test_evaluation;
  char *job_error;           /* the last failed action's message */
  GCancellable *file_cancel;
  int file_jobs;
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (PbResultsPage, pb_results_page, GTK_TYPE_BOX)

/* ---- the panels -------------------------------------------------------- */

/* The scores the slider picks go to the panels that show a run's scores. */
static void
shown_run_changed_cb (PbResultsPage *self)
{
  PbRun *shown = pb_results_seen_get_shown_run (self->seen);

  if (self->disposed)
    return;
  pb_results_confusion_set_run (self->confusion, shown);
  pb_results_scores_set_run (self->scores, shown);
  pb_results_reliability_set_run (self->reliability, shown);
}

/* The model class k of run as an index into its dataset's classes (-1: the data lack it). */
static int
dataset_class (PbRun *run, int k)
{
  if (run->doc == NULL || k < 0 || (guint) k >= run->doc->classes->len)
    return -1;
  return lc_dataset_class_index (run->dataset, g_array_index (run->doc->classes, NnClassSpec, k).id);
}

/* What the run predicted for object: from its scores when the object is
 * among them, else from what it got wrong during training; -1 unknown. */
static int
predicted_class (PbResultsPage *self, gsize object)
{
  if (self->run != NULL && self->run->evaluation != NULL)
    {
      const LcEvaluation *ev = self->run->evaluation;
      int k = ev->report->n_classes;

      for (int i = 0; i < ev->n_rows; i++)
        if ((gsize) ev->rows[i] == object)
          return dataset_class (self->run, nn_metrics_argmax (ev->probs + (gsize) i * k, k));
    }
  return pb_results_wrong_predicted_for (self->wrong, object);
}

void
pb_results_page_show_burst_for (PbResultsPage *self, gsize object)
{
  LcDataset *ds = self->run != NULL ? self->run->dataset : pb_session_get_dataset (self->session);

  if (ds == NULL || object >= ds->n_objects)
    return;
  pb_results_bursts_show_object (self->bursts, ds, object, ds->objects[object].label,
                                 predicted_class (self, object));
  gtk_stack_set_visible_child_name (self->stack, "bursts");
}

static void
burst_requested_cb (PbResultsPage *self, guint64 object)
{
  pb_results_page_show_burst_for (self, (gsize) object);
}

/* ---- jobs -------------------------------------------------------------- */

static void
update_busy (PbResultsPage *self)
{
  gboolean busy;

  if (self->disposed)
    return;
  busy = self->file_jobs > 0 || pb_results_seen_is_busy (self->seen) || pb_results_novelty_is_busy (self->novelty);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (self->cancel_button, busy);
}

/* The early curve and the novelty scores cost a few seconds: only for a page someone sees. */
static void
explore (PbResultsPage *self)
{
  pb_results_seen_explore (self->seen);
  pb_results_novelty_explore (self->novelty);
}

static void
page_mapped_cb (PbResultsPage *self)
{
  explore (self);
}

/* ---- the actions: a separate labelled test file, the predictions ------- */

static char *
scores_text (const char *what, const LcEvaluation *ev)
{
  return g_strdup_printf (_("%s: %d objects, accuracy %.3f, macro F1 %.3f, weighted log loss %.3f"), what,
                          ev->n_rows, ev->report->accuracy, ev->report->macro_f1, ev->report->weighted_log_loss);
}

/* What the actions say: the test file's scores under the validation ones,
 * or how an action ended; hidden when there is nothing to say. */
static void
set_test_text (PbResultsPage *self, const char *text)
{
  gtk_label_set_text (self->test_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->test_label), text[0] != '\0');
}

static void
cancel_clicked_cb (PbResultsPage *self)
{
  if (self->file_cancel != NULL)
    g_cancellable_cancel (self->file_cancel);
  if (self->file_jobs > 0)
    set_test_text (self, _("Cancelled"));
  pb_results_seen_cancel (self->seen);
  pb_results_novelty_cancel (self->novelty);
}

static char *
validation_text (PbResultsPage *self)
{
  return pb_run_has_model (self->run) ? scores_text (_("Validation"), self->run->evaluation) : g_strdup ("");
}

/* Starts an action: the previous one's result is dropped. */
static GCancellable *
begin_file_job (PbResultsPage *self)
{
  if (self->file_cancel != NULL)
    g_cancellable_cancel (self->file_cancel);
  g_clear_object (&self->file_cancel);
  self->file_cancel = g_cancellable_new ();
  g_clear_pointer (&self->job_error, g_free);
  self->file_jobs++;
  update_busy (self);
  return self->file_cancel;
}

/* Ends an action; FALSE when its result is stale (cancelled or replaced). */
static gboolean
end_file_job (PbResultsPage *self, GError *error)
{
  self->file_jobs--;
  update_busy (self);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (error != NULL)
    {
      g_free (self->job_error);
      self->job_error = g_strdup (error->message);
    }
  return !self->disposed;
}

static void
test_file_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsPage *self = PB_RESULTS_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *base = user_data;
  g_autofree char *validation = NULL, *test = NULL, *text = NULL;
  LcEvaluation *ev = pb_explore_test_file_finish (result, &error);

  if (!end_file_job (self, error))
    {
      g_clear_pointer (&ev, lc_evaluation_free);
      return;
    }
  validation = validation_text (self);
  if (ev == NULL)
    {
      text = g_strdup_printf ("%s\n%s: %s", validation, base, error->message);
      set_test_text (self, text);
      return;
    }
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  self->test_evaluation = ev;
  test = scores_text (base, ev);
  text = g_strdup_printf ("%s\n%s", validation, test);
  set_test_text (self, text);
}

gboolean
pb_results_page_evaluate_file (PbResultsPage *self, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  char *base;

  if (!pb_run_has_model (self->run))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("No trained model to evaluate"));
      return FALSE;
    }
  base = g_path_get_basename (path);
  text = g_strdup_printf (_("Evaluating on %s…"), base);
  set_test_text (self, text);
  pb_explore_test_file_async (G_OBJECT (self), self->run, path, begin_file_job (self), test_file_done_cb, base);
  return TRUE;
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsPage *self = PB_RESULTS_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = user_data;
  g_autofree char *text = NULL;

  pb_explore_export_finish (result, &error);
  if (!end_file_job (self, error))
    return;
  text = error != NULL ? g_strdup (error->message) : g_strdup_printf (_("Predictions written to %s"), path);
  pb_results_gallery_set_caption (pb_results_novelty_get_gallery (self->novelty), text);
}

gboolean
pb_results_page_export_predictions (PbResultsPage *self, const char *path, GError **error)
{
  const PbNoveltyScores *scores = pb_results_novelty_get_scores (self->novelty);

  if (scores == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("No predictions yet: train or open a model and wait for its scores"));
      return FALSE;
    }
  pb_explore_export_async (G_OBJECT (self), pb_results_novelty_get_scores_run (self->novelty), scores, path,
                           begin_file_job (self), export_done_cb, g_strdup (path));
  return TRUE;
}

static void
report_error (PbResultsPage *self, GError *error)
{
  if (error != NULL)
    set_test_text (self, error->message);
}

static void
export_chosen_cb (GtkNativeDialog *dialog, int response, PbResultsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (path != NULL && !pb_results_page_export_predictions (self, path, &error))
        report_error (self, error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static GtkWindow *
parent_window (PbResultsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
predictions_clicked_cb (PbResultsPage *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Export predictions"), parent_window (self),
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "predictions.csv");
  g_signal_connect (dialog, "response", G_CALLBACK (export_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
test_file_chosen_cb (GtkNativeDialog *dialog, int response, PbResultsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (path != NULL && !pb_results_page_evaluate_file (self, path, &error))
        report_error (self, error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
test_file_clicked_cb (PbResultsPage *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Evaluate on a labelled test file"),
                                                              parent_window (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                                              _("_Evaluate"), NULL);

  g_signal_connect (dialog, "response", G_CALLBACK (test_file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The chart of the shown tab (the confusion matrix when the tab has none). */
static PbPlottable *
shown_chart (PbResultsPage *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  GtkWidget *view = g_strcmp0 (name, "scores") == 0 ? GTK_WIDGET (pb_results_scores_get_view (self->scores))
                    : g_strcmp0 (name, "reliability") == 0
                      ? GTK_WIDGET (pb_results_reliability_get_view (self->reliability))
                    : g_strcmp0 (name, "early") == 0 ? GTK_WIDGET (pb_results_early_get_view (self->early))
                    : g_strcmp0 (name, "novelty") == 0 ? GTK_WIDGET (pb_results_novelty_get_view (self->novelty))
                    : g_strcmp0 (name, "wrong") == 0
                      ? GTK_WIDGET (pb_results_gallery_get_view (pb_results_wrong_get_gallery (self->wrong)))
                    : g_strcmp0 (name, "bursts") == 0 ? GTK_WIDGET (pb_results_bursts_get_view (self->bursts))
                                                      : NULL;

  if (view == NULL || !PB_IS_PLOTTABLE (view))
    view = GTK_WIDGET (pb_results_confusion_get_view (self->confusion));
  return PB_PLOTTABLE (view);
}

static void
export_clicked_cb (PbResultsPage *self)
{
  PbExportDialog *dialog = pb_export_dialog_new (parent_window (self), shown_chart (self), 1000, 800);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the run ----------------------------------------------------------- */


/* The scores beside the run picker take two lines at most, so the page keeps
 * its height in small windows; the whole text is the tooltip. */
static void
set_run_label_text (PbResultsPage *self, const char *text)
{
  gtk_label_set_text (self->run_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_label), text);
}

static void
show_run_label (PbResultsPage *self)
{
  PbRun *run = self->run;
  g_autofree char *text = NULL;

  if (run != NULL && run->evaluation != NULL)
    {
      g_autofree char *summary = pb_class_table_summary (run->evaluation->report);
      g_autofree char *dataset = pb_session_dataset_name (run->dataset);

      g_autofree char *what = g_strdup_printf (run->state == PB_RUN_OPENED ? _("on %s")
                                                                           : _("on the validation objects of %s"),
                                               dataset);

      /* the picker beside it names the runs it lists */
      if (g_ptr_array_find (self->picked_runs, run, NULL))
        text = g_strdup_printf (_("Scores %s: %s"), what, summary);
      else
        text = g_strdup_printf (_("%s %s: %s"), run->name, what, summary);
    }
  else
    {
      g_autofree char *dataset = pb_session_dataset_name (pb_session_get_dataset (self->session));

      text = g_strdup_printf (_("No run on %s yet: train a model or open one to see results"), dataset);
    }
  set_run_label_text (self, text);
}

/* The picker shows the run shown. */
static void
select_picked_run (PbResultsPage *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < self->picked_runs->len; i++)
    if (g_ptr_array_index (self->picked_runs, i) == self->run)
      position = i;
  self->listing_runs = TRUE;
  gtk_drop_down_set_selected (self->run_drop, position);
  self->listing_runs = FALSE;
}

/* The runs of the session on the open data that have scores. */
static void
list_runs (PbResultsPage *self)
{
  g_autoptr (GPtrArray) runs = pb_session_get_dataset_runs (self->session);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->run_names));

  g_ptr_array_set_size (self->picked_runs, 0);
  for (guint i = 0; i < runs->len; i++)
    {
      PbRun *run = g_ptr_array_index (runs, i);

      if (run->evaluation == NULL)
        continue;
      g_ptr_array_add (self->picked_runs, pb_run_ref (run));
      g_ptr_array_add (names, run->name);
    }
  g_ptr_array_add (names, NULL);
  self->listing_runs = TRUE;
  gtk_string_list_splice (self->run_names, 0, n, (const char *const *) names->pdata);
  self->listing_runs = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->run_drop), self->picked_runs->len > 0);
  gtk_widget_set_visible (self->delete_button, self->picked_runs->len > 0);
  select_picked_run (self);
  show_run_label (self);
}

static void
run_picked_cb (PbResultsPage *self)
{
  guint i = gtk_drop_down_get_selected (self->run_drop);

  if (self->listing_runs || i >= self->picked_runs->len)
    return;
  pb_session_show_run (self->session, g_ptr_array_index (self->picked_runs, i));
}

void
pb_results_page_set_run (PbResultsPage *self, PbRun *run)
{
  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  /* what the actions computed belongs to the previous run */
  if (self->file_cancel != NULL)
    g_cancellable_cancel (self->file_cancel);
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  g_clear_pointer (&self->job_error, g_free);
  set_test_text (self, "");
  /* the seen row hands its shown run (the run itself, for now) to the score panels */
  pb_results_seen_set_run (self->seen, run);
  pb_results_novelty_set_run (self->novelty, run);
  pb_results_bursts_set_run (self->bursts, run);
  show_run_label (self);
  select_picked_run (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    explore (self);
}

PbRun *
pb_results_page_get_run (PbResultsPage *self)
{
  return self->run;
}

static void
session_run_shown_cb (PbResultsPage *self, PbRun *run)
{
  if (run != self->run)
    pb_results_page_set_run (self, run);
}

static void
session_dataset_changed_cb (PbResultsPage *self)
{
  /* every tab is about the open data: a run on other data is not shown */
  if (self->run == NULL || !lc_dataset_same_data (self->run->dataset, pb_session_get_dataset (self->session)))
    pb_results_page_set_run (self, NULL);
  list_runs (self);
}

/* ---- construction ------------------------------------------------------ */

/* A tab: a panel made for the session, named for pb_results_page_show_tab. */
static void
add_tab (PbResultsPage *self, GtkWidget *panel, const char *name, const char *title)
{
  gtk_stack_add_titled (self->stack, panel, name, title);
}

static void
add_panels (PbResultsPage *self, PbSession *session)
{
  self->confusion = PB_RESULTS_CONFUSION (pb_results_confusion_new (session));
  add_tab (self, GTK_WIDGET (self->confusion), "confusion", _("Confusion Matrix"));
  self->scores = PB_RESULTS_SCORES (pb_results_scores_new ());
  add_tab (self, GTK_WIDGET (self->scores), "scores", _("Per-Class Scores"));
  self->reliability = PB_RESULTS_RELIABILITY (pb_results_reliability_new ());
  add_tab (self, GTK_WIDGET (self->reliability), "reliability", _("Reliability"));
  self->early = PB_RESULTS_EARLY (pb_results_early_new (self->seen));
  add_tab (self, GTK_WIDGET (self->early), "early", _("Early Classification"));
  self->novelty = PB_RESULTS_NOVELTY (pb_results_novelty_new (session));
  add_tab (self, GTK_WIDGET (self->novelty), "novelty", _("Novelty"));
  self->wrong = PB_RESULTS_WRONG (pb_results_wrong_new (session));
  add_tab (self, GTK_WIDGET (self->wrong), "wrong", _("Currently Wrong"));
  self->bursts = PB_RESULTS_BURSTS (pb_results_bursts_new (session));
  add_tab (self, GTK_WIDGET (self->bursts), "bursts", _("Bursts"));

  g_signal_connect_swapped (self->confusion, "burst-requested", G_CALLBACK (burst_requested_cb), self);
  g_signal_connect_swapped (self->novelty, "burst-requested", G_CALLBACK (burst_requested_cb), self);
  g_signal_connect_swapped (self->wrong, "burst-requested", G_CALLBACK (burst_requested_cb), self);
  /* a panel's job may end after the page is gone */
  g_signal_connect_object (self->novelty, "notify::busy", G_CALLBACK (update_busy), self, G_CONNECT_SWAPPED);
}

/* A line of text of its own, wrapped when long. */
static GtkLabel *
caption_label (const char *text)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (text));

  gtk_label_set_xalign (label, 0);
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_selectable (label, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (label), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (label), 6);
  return label;
}

/* The tabs and the button that exports the shown chart. */
static GtkWidget *
build_header (PbResultsPage *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *switcher = gtk_stack_switcher_new ();
  GtkWidget *export_button = gtk_button_new_from_icon_name ("document-save-as-symbolic");

  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->stack);
  gtk_widget_set_halign (switcher, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (export_button, _("Export the shown chart as PNG, SVG or PDF"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (export_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Export the shown chart"), -1);
  g_signal_connect_swapped (export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_end (header, 6);
  gtk_widget_set_margin_top (header, 6);
  gtk_box_append (GTK_BOX (header), pb_scroll_sideways (switcher));
  gtk_box_append (GTK_BOX (header), export_button);
  return header;
}

static void
delete_clicked_cb (PbResultsPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbRun) run = NULL;

  if (self->run == NULL)
    return;
  run = pb_run_ref (self->run);
  if (!pb_session_delete_run (self->session, run, &error))
    set_run_label_text (self, error->message);
}

/* The run picker beside the shown run's scores. */
static GtkWidget *
build_run_row (PbResultsPage *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->run_names = gtk_string_list_new (NULL);
  self->picked_runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_run_unref);
  self->run_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->run_names)), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_drop), _("The run whose scores every tab shows"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->run_drop), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Shown run"),
                                  -1);
  gtk_widget_set_valign (GTK_WIDGET (self->run_drop), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->run_drop), FALSE);
  g_signal_connect_swapped (self->run_drop, "notify::selected", G_CALLBACK (run_picked_cb), self);
  self->delete_button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_tooltip_text (self->delete_button, _("Delete Run: its run file and model go to the trash"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->delete_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Delete Run"), -1);
  gtk_widget_set_valign (self->delete_button, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->delete_button, FALSE);
  g_signal_connect_swapped (self->delete_button, "clicked", G_CALLBACK (delete_clicked_cb), self);
  self->run_label = caption_label (NULL);
  gtk_label_set_lines (self->run_label, 2);
  gtk_label_set_ellipsize (self->run_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->run_label), TRUE);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_start (row, 6);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->run_drop));
  gtk_box_append (GTK_BOX (row), self->delete_button);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->run_label));
  return row;
}

/* The actions, and the spinner and Cancel of whatever the page computes. */
static GtkWidget *
build_actions (PbResultsPage *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *test_button = gtk_button_new_with_mnemonic (_("Evaluate on a _Test File…"));
  GtkWidget *predictions_button = gtk_button_new_with_mnemonic (_("E_xport Predictions…"));

  gtk_widget_set_tooltip_text (test_button, _("Score the model on a separate labelled file, beside the validation "
                                              "scores"));
  g_signal_connect_swapped (test_button, "clicked", G_CALLBACK (test_file_clicked_cb), self);
  gtk_widget_set_tooltip_text (predictions_button, _("Every object's probabilities in the Kaggle layout with "
                                                     "class_99"));
  g_signal_connect_swapped (predictions_button, "clicked", G_CALLBACK (predictions_clicked_cb), self);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_set_tooltip_text (self->cancel_button, _("Stop the computations in progress"));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  gtk_box_append (GTK_BOX (row), test_button);
  gtk_box_append (GTK_BOX (row), predictions_button);
  gtk_box_append (GTK_BOX (row), pb_onnx_export_button_new ());
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (row), self->cancel_button);
  return row;
}

static void
pb_results_page_dispose (GObject *object)
{
  PbResultsPage *self = PB_RESULTS_PAGE (object);

  /* a running action holds the page until its callback, which then sees it disposed */
  if (self->file_cancel != NULL)
    g_cancellable_cancel (self->file_cancel);
  self->disposed = TRUE;
  g_clear_object (&self->file_cancel);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  g_clear_pointer (&self->picked_runs, g_ptr_array_unref);
  g_clear_object (&self->run_names);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pb_results_page_parent_class)->dispose (object);
}

static void
pb_results_page_finalize (GObject *object)
{
  g_free (PB_RESULTS_PAGE (object)->job_error);
  G_OBJECT_CLASS (pb_results_page_parent_class)->finalize (object);
}

static void
pb_results_page_class_init (PbResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_results_page_dispose;
  object_class->finalize = pb_results_page_finalize;
}

static void
pb_results_page_init (PbResultsPage *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  self->seen = PB_RESULTS_SEEN (pb_results_seen_new ());
  g_signal_connect_object (self->seen, "notify::shown-run", G_CALLBACK (shown_run_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->seen, "notify::busy", G_CALLBACK (update_busy), self, G_CONNECT_SWAPPED);

  gtk_box_append (GTK_BOX (self), build_header (self));
  gtk_box_append (GTK_BOX (self), build_run_row (self));
  /* rows whose labels and buttons come and go scroll rather than widen the window */
  gtk_box_append (GTK_BOX (self), pb_scroll_sideways (build_actions (self)));
  self->test_label = caption_label (NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->test_label), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->test_label));
  /* above the tabs: the slider drives the matrix and the table below it */
  gtk_box_append (GTK_BOX (self), pb_scroll_sideways (GTK_WIDGET (self->seen)));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));
  g_signal_connect (self, "map", G_CALLBACK (page_mapped_cb), NULL);
}

GtkWidget *
pb_results_page_new (PbSession *session)
{
  PbResultsPage *self = g_object_new (PB_TYPE_RESULTS_PAGE, NULL);

  self->session = g_object_ref (session);
  add_panels (self, session);
  /* the tabs that follow the session by themselves */
  add_tab (self, pb_object_history_panel_new (session), "history", _("History"));
  add_tab (self, pb_run_compare_view_new (session), "compare", _("Compare Runs"));
  g_signal_connect_swapped (session, "dataset-changed", G_CALLBACK (session_dataset_changed_cb), self);
  g_signal_connect_swapped (session, "run-shown", G_CALLBACK (session_run_shown_cb), self);
  g_signal_connect_swapped (session, "run-added", G_CALLBACK (list_runs), self);
  g_signal_connect_swapped (session, "run-removed", G_CALLBACK (list_runs), self);
  list_runs (self);
  pb_results_page_set_run (self, pb_session_get_shown_run (session));
  return GTK_WIDGET (self);
}

/* ---- what tests and other callers reach -------------------------------- */

PbConfusionView *
pb_results_page_get_confusion (PbResultsPage *self)
{
  return pb_results_confusion_get_view (self->confusion);
}

PbClassTable *
pb_results_page_get_class_table (PbResultsPage *self)
{
  return pb_results_scores_get_view (self->scores);
}

PbGalleryView *
pb_results_page_get_cell_gallery (PbResultsPage *self)
{
  return pb_results_gallery_get_view (pb_results_confusion_get_gallery (self->confusion));
}

PbGalleryView *
pb_results_page_get_wrong_gallery (PbResultsPage *self)
{
  return pb_results_gallery_get_view (pb_results_wrong_get_gallery (self->wrong));
}

PbBurstView *
pb_results_page_get_burst_view (PbResultsPage *self)
{
  return pb_results_bursts_get_view (self->bursts);
}

void
pb_results_page_show_tab (PbResultsPage *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
}

GtkWidget *
pb_results_page_get_panel (PbResultsPage *self, const char *name)
{
  return gtk_stack_get_child_by_name (self->stack, name);
}

void
pb_results_page_set_early_axis (PbResultsPage *self, LcEarlyAxis axis)
{
  pb_results_seen_set_axis (self->seen, axis);
}

void
pb_results_page_set_early_point (PbResultsPage *self, int index)
{
  pb_results_seen_set_point (self->seen, index);
}

int
pb_results_page_get_early_point (PbResultsPage *self)
{
  return pb_results_seen_get_point (self->seen);
}

PbRun *
pb_results_page_get_shown_run (PbResultsPage *self)
{
  return pb_results_seen_get_shown_run (self->seen);
}

PbEarlyView *
pb_results_page_get_early_view (PbResultsPage *self)
{
  return pb_results_early_get_view (self->early);
}

void
pb_results_page_set_novelty_score (PbResultsPage *self, LcNoveltyScore kind)
{
  pb_results_novelty_set_score (self->novelty, kind);
}

void
pb_results_page_set_threshold (PbResultsPage *self, double threshold)
{
  pb_results_novelty_set_threshold (self->novelty, threshold);
}

PbNoveltyView *
pb_results_page_get_novelty_view (PbResultsPage *self)
{
  return pb_results_novelty_get_view (self->novelty);
}

PbGalleryView *
pb_results_page_get_novelty_gallery (PbResultsPage *self)
{
  return pb_results_gallery_get_view (pb_results_novelty_get_gallery (self->novelty));
}

const LcEvaluation *
pb_results_page_get_test_evaluation (PbResultsPage *self)
{
  return self->test_evaluation;
}

const char *
pb_results_page_get_test_text (PbResultsPage *self)
{
  return gtk_label_get_text (self->test_label);
}

const char *
pb_results_page_get_job_error (PbResultsPage *self)
{
  if (self->job_error != NULL)
    return self->job_error;
  if (pb_results_seen_get_error (self->seen) != NULL)
    return pb_results_seen_get_error (self->seen);
  return pb_results_novelty_get_error (self->novelty);
}

gboolean
pb_results_page_is_busy (PbResultsPage *self)
{
  return self->file_jobs > 0 || pb_results_seen_is_busy (self->seen) || pb_results_novelty_is_busy (self->novelty);
}

void
pb_results_page_explore (PbResultsPage *self)
{
  explore (self);
}

GtkWidget *
pb_results_page_get_cancel_button (PbResultsPage *self)
{
  return self->cancel_button;
}
