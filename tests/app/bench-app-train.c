/* bench-app-train.c: the app trains as fast as the CLI (benchmark).
 *
 * The real window under Xvfb trains a preset on the built-in sample from
 * the Train section, page shown, as a user would (its run file written as
 * every app run's is); then `passband-cli train` trains the same spec on
 * the same data (sim:600:42) with the same seed and threads.  Both report the
 * seconds from the start of the preparation to the end of the last epoch.
 * The two take turns ROUNDS times and the fastest of each is compared, so a
 * burst of other work on a shared machine does not decide the figure; the
 * CPU seconds each used (the app's whole process: training, drawing, the
 * run file) are shown beside them.  Fails when the app takes more than 10 %
 * longer.
 *
 *   meson test -C build --benchmark app-train-speed --verbose
 *   bench-app-train [PRESET.json [ROUNDS]]      (default small-gru.json, 3)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "nn-blas.h"
#include "pb-settings.h"
#include "pb-train-page.h"
#include "pb-window.h"
#include "pb-test-gui.h"
#include "testutil.h"

#define MAX_RATIO 1.10

/* CPU seconds of the calling thread: the main loop's. */
static double
thread_cpu_seconds (void)
{
  struct timespec t;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process, or of its children waited for. */
static double
cpu_seconds (int who)
{
  struct rusage u;

  getrusage (who, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

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
  int rounds = argc > 2 ? MAX (atoi (argv[2]), 1) : 3;
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = NULL;
  g_autofree char *dir = NULL, *spec_path = NULL, *out_path = NULL;
  PbWindow *window;
  double app_best = G_MAXDOUBLE, cli_best = G_MAXDOUBLE, app_cpu_best = G_MAXDOUBLE, cli_cpu_best = G_MAXDOUBLE;
  double ratio;
  int app_epochs = -1, cli_epochs = -1;

  gtk_init ();
  settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  dir = g_dir_make_tmp ("passband-bench-XXXXXX", &error);
  g_assert_no_error (error);
  spec_path = g_build_filename (dir, "spec.json", NULL);
  out_path = g_build_filename (dir, "model.json", NULL);

  window = pb_test_window_on_sample (settings);
  for (int round = 0; round < rounds; round++)
    {
      g_autoptr (PbRun) run = NULL;
      g_autoptr (JsonObject) cli = NULL;
      double cpu, app_cpu, cli_cpu, cli_seconds, main_cpu;

      cpu = cpu_seconds (RUSAGE_SELF);
      main_cpu = thread_cpu_seconds ();
      g_clear_pointer (&spec, nn_model_doc_free);
      run = train_in_window (window, preset, &spec);
      app_cpu = cpu_seconds (RUSAGE_SELF) - cpu;
      main_cpu = thread_cpu_seconds () - main_cpu;
      g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
      pb_test_iterate (200);

      /* the exact spec Start trained: the preset with the panel's settings */
      g_assert_true (nn_model_doc_save (spec, spec_path, &error));
      g_assert_no_error (error);
      cpu = cpu_seconds (RUSAGE_CHILDREN);
      cli = train_with_cli (spec_path, out_path);
      cli_cpu = cpu_seconds (RUSAGE_CHILDREN) - cpu;
      cli_seconds = json_object_get_double_member (cli, "seconds");
      cli_epochs = (int) json_object_get_int_member (cli, "epochs");
      app_epochs = (int) run->epochs->len;
      printf ("round %d: app %.2f s (%.2f s CPU, main loop %.2f s), cli %.2f s (%.2f s CPU)\n", round + 1,
              run->seconds, app_cpu, main_cpu, cli_seconds, cli_cpu);
      /* the same run, or the timing means nothing */
      g_assert_cmpint (app_epochs, ==, cli_epochs);
      app_best = MIN (app_best, run->seconds);
      app_cpu_best = MIN (app_cpu_best, app_cpu);
      cli_best = MIN (cli_best, cli_seconds);
      cli_cpu_best = MIN (cli_cpu_best, cli_cpu);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (200);

  ratio = app_best / cli_best;
  printf ("preset %s on sim:%d:%d, %d thread(s), OpenBLAS core %s, fastest of %d rounds\n", preset,
          PB_SAMPLE_OBJECTS, PB_SAMPLE_SEED, MAX (spec->training.train.threads, 1), nn_blas_corename (), rounds);
  printf ("app: %d epochs in %.2f s (%.2f s CPU)\n", app_epochs, app_best, app_cpu_best);
  printf ("cli: %d epochs in %.2f s (%.2f s CPU)\n", cli_epochs, cli_best, cli_cpu_best);
  printf ("app / cli: %.3f (at most %.2f); CPU %.3f\n", ratio, MAX_RATIO, app_cpu_best / cli_cpu_best);
  g_remove (spec_path);
  g_remove (out_path);
  g_rmdir (dir);
  return ratio <= MAX_RATIO ? 0 : 1;
}
