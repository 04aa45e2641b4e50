/* bench-app-train.c: the app trains as fast as the CLI (benchmark).
 *
 * The real window under Xvfb trains a preset on the built-in sample from
 * the Train section, page shown, as a user would; then `passband-cli train`
 * trains the same spec on the same data (sim:600:42) with the same seed and
 * threads.  Both report the seconds from the start of the preparation to
 * the end of the last epoch.  Fails when the app takes more than 10 % longer.
 *
 *   meson test -C build --benchmark app-train-speed --verbose
 *   bench-app-train [PRESET.json]      (default small-gru.json)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "nn-blas.h"
#include "pb-settings.h"
#include "pb-train-page.h"
#include "pb-window.h"
#include "pb-test-gui.h"
#include "testutil.h"

#define MAX_RATIO 1.10

static void
finished_cb (PbTrainer *trainer, PbRun *run, PbRun **out)
{
  *out = pb_run_ref (run);
}

static PbRun *
train_in_window (PbWindow *window, const char *preset, NnModelDoc **spec_out)
{
  PbTrainPage *page = PB_TRAIN_PAGE (pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_TRAIN_PAGE));
  GtkStack *stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (page)));
  PbTrainer *trainer = pb_train_page_get_trainer (page);
  g_autoptr (GError) error = NULL;
  PbRun *run = NULL;
  gulong handler;

  gtk_stack_set_visible_child_name (stack, "train");
  g_assert_true (pb_train_page_select_model (page, preset));
  *spec_out = pb_train_page_build_spec (page, &error);
  g_assert_no_error (error);
  pb_test_iterate (200);
  handler = g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), &run);
  g_assert_true (pb_train_page_start (page, &error));
  g_assert_no_error (error);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (trainer, handler);
  return run;
}

/* The CLI's result line for spec on the sample. */
static JsonObject *
train_with_cli (const char *spec_path, const char *out_path)
{
  g_autofree char *data = g_strdup_printf ("sim:%d:%d", PB_SAMPLE_OBJECTS, PB_SAMPLE_SEED);
  g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", data, "--model", spec_path, "--out", out_path,
                                          "--json", NULL);
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *node;
  guint n;

  if (r->status != 0)
    g_error ("passband-cli train failed (%d): %s", r->status, r->err);
  lines = g_strsplit (g_strstrip (r->out), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >, 0);
  node = json_from_string (lines[n - 1], &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

int
main (int argc, char **argv)
{
  const char *preset = argc > 1 ? argv[1] : "small-gru.json";
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (PbRun) run = NULL;
  g_autoptr (JsonObject) cli = NULL;
  g_autofree char *dir = NULL, *spec_path = NULL, *out_path = NULL;
  PbWindow *window;
  double app_seconds, cli_seconds, ratio;
  int cli_epochs;

  gtk_init ();
  settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  dir = g_dir_make_tmp ("passband-bench-XXXXXX", &error);
  g_assert_no_error (error);
  spec_path = g_build_filename (dir, "spec.json", NULL);
  out_path = g_build_filename (dir, "model.json", NULL);

  window = pb_test_window_on_sample (settings);
  run = train_in_window (window, preset, &spec);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  app_seconds = run->seconds;
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (200);

  /* the exact spec Start trained: the preset with the panel's settings */
  g_assert_true (nn_model_doc_save (spec, spec_path, &error));
  g_assert_no_error (error);
  cli = train_with_cli (spec_path, out_path);
  cli_seconds = json_object_get_double_member (cli, "seconds");
  cli_epochs = (int) json_object_get_int_member (cli, "epochs");

  ratio = app_seconds / cli_seconds;
  printf ("preset %s on sim:%d:%d, %d thread(s), OpenBLAS core %s\n", preset, PB_SAMPLE_OBJECTS, PB_SAMPLE_SEED,
          MAX (spec->training.train.threads, 1), nn_blas_corename ());
  printf ("app: %u epochs in %.2f s\n", run->epochs->len, app_seconds);
  printf ("cli: %d epochs in %.2f s\n", cli_epochs, cli_seconds);
  printf ("app / cli: %.3f (at most %.2f)\n", ratio, MAX_RATIO);
  g_remove (spec_path);
  g_remove (out_path);
  g_rmdir (dir);
  /* the same run, or the timing means nothing */
  g_assert_cmpint ((int) run->epochs->len, ==, cli_epochs);
  return ratio <= MAX_RATIO ? 0 : 1;
}
