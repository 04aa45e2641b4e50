/* test-onnx-export.c: Export Model as ONNX in the app: the window's action
 * follows the run Results shows (the session's), the Results page has its
 * button, and the export writes the file or says why not. */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-onnx-export.h"
#include "pb-results-page.h"
#include "pb-session.h"
#include "pb-settings.h"
#include "pb-test-gui.h"
#include "pb-train-page.h"
#include "testutil.h"

static gboolean
button_for_action (GtkWidget *root, const char *action)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (button_for_action (c, action))
      return TRUE;
  return FALSE;
}

static void
test_export_latest_run (void)
{
  g_autoptr (GSettings) settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  PbWindow *window = pb_test_window_on_sample (settings);
  GtkWidget *train = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_TRAIN_PAGE);
  GtkWidget *results = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_RESULTS_PAGE);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), "export-onnx");
  g_autofree char *spec_path = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models",
                                                 "small-gru.json", NULL);
  g_autofree char *tmp = g_dir_make_tmp ("passband-onnx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "gru.onnx", NULL);
  g_autofree char *bad_path = g_build_filename (tmp, "no-such-folder", "gru.onnx", NULL);
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (PbRun) run = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  g_assert_nonnull (train);
  g_assert_nonnull (results);
  g_assert_nonnull (action);
  g_assert_false (g_action_get_enabled (action));
  g_assert_true (button_for_action (results, "win.export-onnx"));

  spec = nn_model_doc_load (spec_path, &error);
  g_assert_no_error (error);
  run = pb_test_trained_run (pb_window_get_dataset (window), spec, 1, "Run 1: Small GRU");
  pb_session_add_run (pb_window_get_session (window), run);
  pb_session_show_run (pb_window_get_session (window), run);
  g_assert_true (g_action_get_enabled (action));
  /* another dataset: its Results show no run, so there is nothing to export */
  pb_session_show_run (pb_window_get_session (window), NULL);
  g_assert_false (g_action_get_enabled (action));
  pb_session_show_run (pb_window_get_session (window), run);
  g_assert_true (g_action_get_enabled (action));

  g_assert_true (pb_onnx_export_write (run->doc, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);

  g_assert_false (pb_onnx_export_write (run->doc, bad_path, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));

  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (100);
  tu_remove_tree (tmp);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx-export/latest-run", test_export_latest_run);
  return g_test_run ();
}
