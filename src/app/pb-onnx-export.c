/* pb-onnx-export.c: Export Model as ONNX… for the latest trained (or opened) run. */
#include "config.h"

#include <glib/gi18n.h>

#include "lc-onnx.h"
#include "pb-onnx-export.h"
#include "pb-trainer.h"

static void
show_error (GtkWindow *parent, const char *path, const char *message)
{
  g_autofree char *display = g_filename_display_name (path);
  GtkWidget *dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              _("The model could not be exported as %s"), display);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
pb_onnx_export_write (const NnModelDoc *doc, const char *path, GError **error)
{
  g_autoptr (LcPredictor) predictor = lc_predictor_new (doc, error);
  LcOnnxOptions options;

  if (predictor == NULL)
    return FALSE;
  lc_onnx_options_default (&options);
  return lc_onnx_export (predictor, &options, path, error);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, NnModelDoc *doc)
{
  GtkWindow *parent = gtk_native_dialog_get_transient_for (chooser);
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL && !pb_onnx_export_write (doc, path, &error))
    show_error (parent, path, error->message);
  nn_model_doc_free (doc);
  g_object_unref (chooser);
}

void
pb_onnx_export_ask (GtkWindow *parent, const NnModelDoc *doc)
{
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = g_strdup_printf ("%s.onnx", doc->name[0] != '\0' ? doc->name : _("model"));

  chooser = gtk_file_chooser_native_new (_("Export Model as ONNX"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("ONNX models"));
  gtk_file_filter_add_pattern (filter, "*.onnx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  /* the chooser outlives this call: it keeps its own copy of the model */
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), nn_model_doc_copy (doc));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
run_has_model (PbRun *run)
{
  return run != NULL && run->doc != NULL && run->doc->weights->len > 0 && run->doc->preprocessing != NULL;
}

/* The action follows the run Results shows. */
static void
dataset_changed_cb (PbSession *session, GSimpleAction *action)
{
  g_simple_action_set_enabled (action, run_has_model (pb_session_get_shown_run (session)));
}

static void
run_shown_cb (PbSession *session, PbRun *run, GSimpleAction *action)
{
  dataset_changed_cb (session, action);
}

static void
export_activate_cb (GSimpleAction *action, GVariant *parameter, PbWindow *window)
{
  PbRun *run = pb_session_get_shown_run (g_object_get_data (G_OBJECT (action), "session"));

  if (run_has_model (run))
    pb_onnx_export_ask (GTK_WINDOW (window), run->doc);
}

void
pb_onnx_export_install (PbWindow *window, PbSession *session)
{
  g_autoptr (GSimpleAction) action = g_simple_action_new ("export-onnx", NULL);

  g_object_set_data_full (G_OBJECT (action), "session", g_object_ref (session), g_object_unref);
  g_simple_action_set_enabled (action, run_has_model (pb_session_get_shown_run (session)));
  g_signal_connect_object (action, "activate", G_CALLBACK (export_activate_cb), window, 0);
  g_signal_connect_object (session, "run-shown", G_CALLBACK (run_shown_cb), action, 0);
  g_signal_connect_object (session, "dataset-changed", G_CALLBACK (dataset_changed_cb), action, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (action));
}

GtkWidget *
pb_onnx_export_button_new (void)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Export as _ONNX…"));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.export-onnx");
  gtk_widget_set_tooltip_text (button,
                               _("Save this trained model as ONNX, for ONNX Runtime and alert brokers"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}
