/* pb-runs-export.c: Export Runs… for the runs of a session. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lc-run.h"
#include "pb-runs-export.h"
#include "pb-trainer.h"

GPtrArray *
pb_runs_export_files (PbSession *session)
{
  GPtrArray *runs = pb_session_get_runs (session);
  GPtrArray *files = g_ptr_array_new ();

  for (guint i = 0; i < runs->len; i++)
    {
      const char *file = pb_run_get_run_path (g_ptr_array_index (runs, i));
      if (file != NULL)
        g_ptr_array_add (files, (gpointer) file);
    }
  return files;
}

gboolean
pb_runs_export_write (PbSession *session, const char *folder, GError **error)
{
  g_autoptr (GPtrArray) files = pb_runs_export_files (session);
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) lc_run_file_free);
  g_autofree char *csv = g_build_filename (folder, "runs.csv", NULL);
  g_autofree char *latex = g_build_filename (folder, "runs.tex", NULL);
  g_autofree char *curves = g_build_filename (folder, "curves", NULL);

  for (guint i = 0; i < files->len; i++)
    {
      LcRunFile *run = lc_run_file_load (g_ptr_array_index (files, i), error);
      if (run == NULL)
        return FALSE;
      g_ptr_array_add (runs, run);
    }
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot create %s: %s"), folder,
                   g_strerror (saved));
      return FALSE;
    }
  return lc_runs_export ((LcRunFile *const *) runs->pdata, (int) runs->len, csv, latex, curves, error);
}

static void
show_error (GtkWindow *parent, const char *folder, const char *message)
{
  g_autofree char *display = g_filename_display_name (folder);
  GtkWidget *dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              _("The runs could not be exported to %s"), display);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, PbSession *session)
{
  GtkWindow *parent = gtk_native_dialog_get_transient_for (chooser);
  g_autoptr (GFile) file = NULL;
  g_autofree char *folder = NULL;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    folder = g_file_get_path (file);
  if (folder != NULL && !pb_runs_export_write (session, folder, &error))
    show_error (parent, folder, error->message);
  g_object_unref (session);
  g_object_unref (chooser);
}

static void
update_enabled (PbSession *session, GSimpleAction *action)
{
  g_autoptr (GPtrArray) files = pb_runs_export_files (session);
  g_simple_action_set_enabled (action, files->len > 0);
}

/* A run joined or left the session. */
static void
runs_changed_cb (PbSession *session, PbRun *run, PbWindow *window)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), "export-runs");

  if (action != NULL)
    update_enabled (session, G_SIMPLE_ACTION (action));
}

static void
export_activate_cb (GSimpleAction *action, GVariant *parameter, PbWindow *window)
{
  PbSession *session = g_object_get_data (G_OBJECT (action), "session");
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Export Runs to a Folder"), GTK_WINDOW (window),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (session));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
pb_runs_export_install (PbWindow *window, PbSession *session)
{
  g_autoptr (GSimpleAction) action = g_simple_action_new ("export-runs", NULL);

  g_object_set_data_full (G_OBJECT (action), "session", g_object_ref (session), g_object_unref);
  update_enabled (session, action);
  g_signal_connect_object (action, "activate", G_CALLBACK (export_activate_cb), window, 0);
  /* the window's lifetime, not the action's: the session's jobs may deliver runs after it closed */
  g_signal_connect_object (session, "run-added", G_CALLBACK (runs_changed_cb), window, 0);
  g_signal_connect_object (session, "run-removed", G_CALLBACK (runs_changed_cb), window, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (action));
}
