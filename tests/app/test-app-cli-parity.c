/* test-app-cli-parity.c: the app trains the LSST preset and the
 * small presets to the same numbers as `passband-cli train` for the same spec,
 * data, seed and threads.
 *
 * Without a window: PbTrainer (the app's worker) against the CLI on a copy of
 * models/lsst-bigru.json cut to 2 epochs and 1 member, with 1 and 2 threads.
 * In the real window (under Xvfb): open the LSST file, pick the preset from
 * the Model section's preset menu, train it from the Train section with the
 * panel's epochs and seed, save it the way Save Model does, and compare with
 * the CLI training the shipped preset with --epochs and --seed.
 *
 * Compared: the saved model files (every weight bit for bit, the fitted
 * preprocessing, the training section, the history within 1e-6 apart from
 * wall-clock seconds), the curves the app shows, and
 * `passband-cli evaluate --json` on both files. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "lc-format.h"
#include "pb-builder.h"
#include "pb-settings.h"
#include "pb-train-page.h"
#include "pb-trainer.h"
#include "pb-window.h"
#include "pb-test-gui.h"
#include "testutil.h"

#define SEED 7
#define TOL 1e-6

static char *tmp_dir;
static char *data_path;       /* the real LSST training file */
static char *short_spec;      /* the preset cut to 2 epochs and 1 member */

/* ---- comparing two trained models ---------------------------------------- */

static JsonNode *
member (JsonNode *root, const char *name)
{
  JsonNode *node = tu_json_get (root, name);

  if (node == NULL)
    g_error ("model file has no “%s”", name);
  return node;
}

static char *
node_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static void
assert_close (const char *what, int index, double app, double cli)
{
  if (isnan (app) && isnan (cli))
    return;
  if (!(fabs (app - cli) <= TOL * fmax (1.0, fabs (cli))))
    g_error ("%s [%d]: the app has %.12g, the CLI %.12g", what, index, app, cli);
}

static double
number_or_nan (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
}

/* The history arrays agree in length and in every number but "seconds". */
static void
assert_same_history (JsonArray *app, JsonArray *cli)
{
  static const char *const fields[] = { "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", NULL };

  g_assert_cmpuint (json_array_get_length (app), ==, json_array_get_length (cli));
  for (guint e = 0; e < json_array_get_length (cli); e++)
    {
      JsonObject *a = json_array_get_object_element (app, e);
      JsonObject *c = json_array_get_object_element (cli, e);

      g_assert_cmpint (json_object_get_int_member (a, "epoch"), ==, json_object_get_int_member (c, "epoch"));
      for (int f = 0; fields[f] != NULL; f++)
        {
          g_autofree char *what = g_strdup_printf ("history %s", fields[f]);

          assert_close (what, e, number_or_nan (a, fields[f]), number_or_nan (c, fields[f]));
        }
    }
}

/* Every member of both files that is not timing must be the same text: the
 * weights (base64 of the floats), classes, preprocessing with its fitted
 * statistics, training settings and the ensemble. */
static void
assert_same_model_files (const char *app_path, const char *cli_path)
{
  g_autoptr (JsonNode) app = tu_load_json (app_path);
  g_autoptr (JsonNode) cli = tu_load_json (cli_path);
  JsonObject *a = json_node_get_object (app), *c = json_node_get_object (cli);
  g_autoptr (GList) names = json_object_get_members (c);

  g_assert_cmpuint (json_object_get_size (a), ==, json_object_get_size (c));
  /* the settings first: when they differ, everything after them does too */
  names = g_list_prepend (names, (gpointer) "training");
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *app_text = NULL, *cli_text = NULL;

      g_assert_true (json_object_has_member (a, name));
      if (g_str_equal (name, "history"))
        continue;
      app_text = node_text (member (app, name));
      cli_text = node_text (member (cli, name));
      if (strcmp (app_text, cli_text) != 0)
        g_error ("“%s” differs between the app's model and the CLI's:\napp: %.400s\ncli: %.400s", name,
                 app_text, cli_text);
    }
  assert_same_history (json_node_get_array (member (app, "history")), json_node_get_array (member (cli, "history")));
}

/* What the app showed while training (run->epochs: every member's epochs,
 * one member after the other) starts with the CLI's history, which is the
 * first member's. */
static void
assert_run_matches_history (PbRun *run, int n_members, const char *cli_path)
{
  g_autoptr (JsonNode) cli = tu_load_json (cli_path);
  JsonArray *history = json_node_get_array (member (cli, "history"));

  g_assert_cmpuint (run->epochs->len, ==, n_members * json_array_get_length (history));
  for (guint e = 0; e < json_array_get_length (history); e++)
    {
      const NnEpochStats *s = &g_array_index (run->epochs, NnEpochStats, e);
      JsonObject *h = json_array_get_object_element (history, e);

      assert_close ("shown loss", e, s->loss, number_or_nan (h, "loss"));
      assert_close ("shown val_loss", e, s->val_loss, number_or_nan (h, "val_loss"));
      assert_close ("shown val_accuracy", e, s->val_accuracy, number_or_nan (h, "val_accuracy"));
    }
}

/* `passband-cli evaluate --json` of a model on the LSST file: its result line. */
static JsonNode *
evaluate (const char *model_path)
{
  g_autoptr (TuCliResult) r = tu_run_cli ("evaluate", "--model", model_path, "--data", data_path, "--json", NULL);
  g_auto (GStrv) lines = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  int last = -1;

  if (r->status != 0)
    g_error ("passband-cli evaluate %s failed: %s", model_path, r->err);
  lines = g_strsplit (g_strstrip (r->out), "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"result\"") != NULL)
      last = i;
  g_assert_cmpint (last, >=, 0);
  json_parser_load_from_data (parser, lines[last], -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_same_scores (const char *app_path, const char *cli_path)
{
  static const char *const fields[] = { "accuracy", "macro_f1", "log_loss", "weighted_log_loss", "macro_auc", NULL };
  g_autoptr (JsonNode) app = evaluate (app_path);
  g_autoptr (JsonNode) cli = evaluate (cli_path);
  JsonObject *a = json_node_get_object (app), *c = json_node_get_object (cli);
  g_autofree char *app_confusion = node_text (member (app, "confusion_matrix"));
  g_autofree char *cli_confusion = node_text (member (cli, "confusion_matrix"));

  g_assert_cmpint (json_object_get_int_member (a, "objects"), ==, json_object_get_int_member (c, "objects"));
  g_assert_cmpint (json_object_get_int_member (c, "objects"), >, 2000);
  for (int f = 0; fields[f] != NULL; f++)
    assert_close (fields[f], 0, number_or_nan (a, fields[f]), number_or_nan (c, fields[f]));
  g_assert_cmpstr (app_confusion, ==, cli_confusion);
  if (g_test_verbose ())
    g_test_message ("both score accuracy %.4f, log loss %.4f on %" G_GINT64_FORMAT " objects",
                    number_or_nan (c, "accuracy"), number_or_nan (c, "log_loss"),
                    json_object_get_int_member (c, "objects"));
}

/* `passband-cli train` of spec on the LSST file with the seed, threads and
 * (unless NULL) epochs given as options. */
static char *
cli_train (const char *spec, const char *out_name, const char *threads, const char *epochs)
{
  g_autofree char *out = g_build_filename (tmp_dir, out_name, NULL);
  g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", data_path, "--model", spec, "--out", out,
                                          "--seed", G_STRINGIFY (SEED), "--threads", threads,
                                          epochs != NULL ? "--epochs" : NULL, epochs, NULL);

  if (r->status != 0)
    g_error ("passband-cli train failed (%d): %s", r->status, r->err);
  return g_steal_pointer (&out);
}

/* ---- the app's worker, without a window ---------------------------------- */

static void
finished_cb (PbTrainer *trainer, PbRun *run, PbRun **out)
{
  *out = pb_run_ref (run);
}

/* Trains spec on ds in a PbTrainer with the overrides the CLI's options set
 * (epochs 0: the spec's). */
static PbRun *
trainer_train (LcDataset *ds, const NnModelDoc *spec, int threads, int epochs)
{
  g_autoptr (PbTrainer) trainer = pb_trainer_new ();
  LcTrainOverrides overrides;
  PbRun *run = NULL;
  gint64 deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;

  lc_train_overrides_init (&overrides);
  overrides.seed = SEED;
  overrides.threads = threads;
  overrides.epochs = epochs;
  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), &run);
  pb_trainer_start (trainer, ds, spec, &overrides, spec->name);
  while (run == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return run;
}

static void
check_trainer (int threads)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (data_path, NULL, NULL, NULL, &error);
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (PbRun) run = NULL;
  g_autofree char *threads_text = g_strdup_printf ("%d", threads);
  g_autofree char *app_name = g_strdup_printf ("app-trainer-%d.json", threads);
  g_autofree char *cli_name = g_strdup_printf ("cli-trainer-%d.json", threads);
  g_autofree char *app_path = g_build_filename (tmp_dir, app_name, NULL);
  g_autofree char *cli_path = NULL;

  g_assert_no_error (error);
  spec = nn_model_doc_load (short_spec, &error);
  g_assert_no_error (error);
  run = trainer_train (ds, spec, threads, 0);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  g_assert_cmpuint (run->epochs->len, ==, 2);
  g_assert_true (pb_run_save (run, app_path, &error));
  g_assert_no_error (error);

  cli_path = cli_train (short_spec, cli_name, threads_text, NULL);
  assert_same_model_files (app_path, cli_path);
  assert_run_matches_history (run, 1, cli_path);
  /* bit-equal weights predict the same; one evaluation shows it end to end */
  if (threads == 1)
    assert_same_scores (app_path, cli_path);
  g_remove (app_path);
  g_remove (cli_path);
}

static void
test_trainer (void)
{
  check_trainer (1);
}

/* DESIGN §4: two threads are deterministic too, so the app with two threads
 * is the CLI with --threads 2. */
static void
test_trainer_two_threads (void)
{
  check_trainer (2);
}

/* The small presets, as shipped (3 epochs to keep it short): the app's
 * worker trains each to the same bits and scores as `passband-cli train`. */
static void
test_small_presets (void)
{
  static const char *const presets[] = { "small-gru.json", "small-lstm.json", "small-simplernn.json",
                                         "small-conv1d.json", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (data_path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  for (int i = 0; presets[i] != NULL; i++)
    {
      g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", presets[i], NULL);
      g_autofree char *app_name = g_strdup_printf ("app-%s", presets[i]);
      g_autofree char *cli_name = g_strdup_printf ("cli-%s", presets[i]);
      g_autofree char *app_path = g_build_filename (tmp_dir, app_name, NULL);
      g_autofree char *cli_path = NULL;
      g_autoptr (NnModelDoc) spec = nn_model_doc_load (preset, &error);
      g_autoptr (PbRun) run = NULL;

      g_assert_no_error (error);
      run = trainer_train (ds, spec, 1, 3);
      g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
      g_assert_cmpuint (run->epochs->len, ==, 3);
      g_assert_true (pb_run_save (run, app_path, &error));
      g_assert_no_error (error);
      cli_path = cli_train (preset, cli_name, "1", "3");
      assert_same_model_files (app_path, cli_path);
      assert_run_matches_history (run, 1, cli_path);
      assert_same_scores (app_path, cli_path);
      g_remove (app_path);
      g_remove (cli_path);
    }
}

/* An ensemble's result line scores what was saved: the members' averaged
 * probabilities on the validation objects, the number the app shows for
 * the same run, not the first member's best epoch. */
static void
test_ensemble_result (void)
{
  g_autoptr (GError) error = NULL;
  /* a small simulated set: the sanitizer build runs this too */
  const char *sim = "sim:300:3";
  g_autoptr (LcDataset) ds = lc_load (sim, NULL, NULL, NULL, &error);
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", "small-gru.json", NULL);
  g_autofree char *spec_path = g_build_filename (tmp_dir, "small-gru-ensemble.json", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "cli-ensemble.json", NULL);
  g_autoptr (JsonNode) root = tu_load_json (preset);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (PbRun) run = NULL;
  g_autoptr (TuCliResult) r = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_auto (GStrv) lines = NULL;
  guint n;

  g_assert_no_error (error);
  /* two members of 2 epochs: their average differs from either member */
  json_object_set_int_member (json_node_get_object (member (root, "training")), "epochs", 2);
  {
    JsonObject *ensemble = json_object_new ();

    json_object_set_int_member (ensemble, "members", 2);
    json_object_set_object_member (json_node_get_object (root), "ensemble", ensemble);
  }
  json_generator_set_root (gen, root);
  g_assert_true (json_generator_to_file (gen, spec_path, &error));
  g_assert_no_error (error);
  spec = nn_model_doc_load (spec_path, &error);
  g_assert_no_error (error);

  run = trainer_train (ds, spec, 1, 0);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  g_assert_nonnull (run->evaluation);

  r = tu_run_cli ("train", "--data", sim, "--model", spec_path, "--out", out, "--seed", G_STRINGIFY (SEED),
                  "--threads", "1", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  lines = g_strsplit (g_strstrip (r->out), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >, 0);
  result = json_from_string (lines[n - 1], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result), "event"), ==, "result");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (result), "members"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_node_get_object (result), "val_accuracy"),
                                  run->evaluation->report->accuracy, 1e-9);
  g_remove (out);
  g_remove (spec_path);
}

/* ---- the real window ------------------------------------------------------ */

static gboolean
is_start_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Start") == 0;
}

static GtkWidget *
find_start_button (GtkWidget *root)
{
  if (is_start_button (root, NULL))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_start_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
show_section (GtkWidget *page, const char *name)
{
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_parent (page)), name);
  pb_test_iterate (50);
}

static gboolean have_display;

/* The "training" section of a model file, as text. */
static char *
training_text (const char *path)
{
  g_autoptr (JsonNode) root = tu_load_json (path);

  return node_text (member (root, "training"));
}

/* A user's session: the Train section is on the Model section's network
 * (trained before, say), then the LSST preset is picked in the Model
 * section's preset menu after another preset: Start must train it with its
 * own training section (the panel follows the builder), not with the
 * previous network's.  Picking the network again in the Train section shows
 * the same settings. */
static void
test_window (void)
{
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (data_path);
  g_autoptr (GError) error = NULL;
  g_autofree char *app_path = g_build_filename (tmp_dir, "model-run-1.json", NULL);
  g_autofree char *spec_path = g_build_filename (tmp_dir, "spec-again.json", NULL);
  g_autofree char *preset = NULL, *cli_path = NULL, *trained = NULL, *again = NULL;
  g_autoptr (NnModelDoc) shipped = NULL;
  PbWindow *window;
  GtkWidget *builder, *start;
  PbTrainPage *page;
  PbTrainer *trainer;
  PbRun *run = NULL;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  window = pb_window_new (NULL, settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  /* Open… on the LSST file */
  pb_window_open_file (window, file);
  pb_test_wait_for_load (window);
  g_assert_null (pb_window_get_last_error (window));
  g_assert_nonnull (pb_window_get_dataset (window));
  g_assert_cmpuint (pb_window_get_dataset (window)->n_objects, >, 2000);

  /* Train section: the Model section's network */
  page = PB_TRAIN_PAGE (pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_TRAIN_PAGE));
  g_assert_nonnull (page);
  show_section (GTK_WIDGET (page), "train");
  g_assert_true (pb_train_page_select_model (page, "builder"));

  /* Model section → Presets → Small GRU, then LSST BiGRU */
  builder = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_BUILDER);
  g_assert_nonnull (builder);
  show_section (builder, "model");
  gtk_widget_activate_action (builder, "builder.preset", "s", "small-gru.json");
  pb_test_iterate (20);
  gtk_widget_activate_action (builder, "builder.preset", "s", "lsst-bigru.json");
  pb_test_iterate (50);
  shipped = pb_session_load_preset_doc ("lsst-bigru.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pb_builder_get_spec (PB_BUILDER (builder))->name, ==, shipped->name);
  g_assert_true (pb_builder_can_train (PB_BUILDER (builder), NULL));
  pb_test_save_png (GTK_WIDGET (window), "builder-lsst-bigru");

  /* Train section: 1 epoch, seed 7 */
  show_section (GTK_WIDGET (page), "train");
  pb_train_page_set_epochs (page, 1);
  pb_train_page_set_seed (page, SEED);
  /* a layer edit and its undo leave the training section, and so the panel, alone */
  gtk_widget_activate_action (builder, "builder.add", "s", "dropout");
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  pb_test_iterate (20);
  {
    g_autoptr (NnModelDoc) spec = pb_train_page_build_spec (page, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (spec->layers->len, ==, shipped->layers->len);
    g_assert_cmpint (spec->training.train.epochs, ==, 1);
    g_assert_cmpuint (spec->training.train.seed, ==, SEED);
    g_assert_cmpfloat (spec->training.train.optim.lr, ==, shipped->training.train.optim.lr);
    g_assert_cmpfloat (spec->training.val_fraction, ==, shipped->training.val_fraction);
  }

  /* Start */
  trainer = pb_train_page_get_trainer (page);
  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), &run);
  start = find_start_button (GTK_WIDGET (page));
  g_assert_nonnull (start);
  g_assert_true (gtk_widget_get_sensitive (start));
  /* a button activated from the keyboard clicks when its press animation ends */
  gtk_widget_activate (start);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!pb_trainer_is_running (trainer) && run == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (!pb_trainer_is_running (trainer) && run == NULL)
    g_error ("Start did not train: %s", pb_train_page_get_status (page));
  deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;
  while (run == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handlers_disconnect_by_data (trainer, &run);
  g_assert_cmpint (run->state, ==, PB_RUN_FINISHED);
  /* the preset's three members, one epoch each */
  g_assert_cmpuint (run->epochs->len, ==, 3);
  /* Save Model… writes what this does with the chosen path */
  g_assert_true (pb_train_page_save_run (page, run, app_path, &error));
  g_assert_no_error (error);

  /* the same as `passband-cli train --model models/lsst-bigru.json --epochs 1 --seed 7 --threads 1` */
  preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", "lsst-bigru.json", NULL);
  cli_path = cli_train (preset, "cli-window.json", "1", "1");
  assert_same_model_files (app_path, cli_path);
  assert_run_matches_history (run, 3, cli_path);
  assert_same_scores (app_path, cli_path);

  /* the other order: another preset picked in the Train section (it becomes
   * the Model section's network), undone there, 1 epoch and seed 7: Start
   * would train the same settings */
  g_assert_true (pb_train_page_select_model (page, "small-gru.json"));
  g_assert_cmpstr (pb_builder_get_spec (PB_BUILDER (builder))->name, !=, shipped->name);
  g_assert_true (pb_builder_undo (PB_BUILDER (builder)));
  g_assert_cmpstr (pb_builder_get_spec (PB_BUILDER (builder))->name, ==, shipped->name);
  g_assert_true (pb_train_page_select_model (page, "builder"));
  pb_train_page_set_epochs (page, 1);
  pb_train_page_set_seed (page, SEED);
  {
    g_autoptr (NnModelDoc) spec = pb_train_page_build_spec (page, &error);

    g_assert_no_error (error);
    g_assert_true (nn_model_doc_save (spec, spec_path, &error));
    g_assert_no_error (error);
  }
  trained = training_text (cli_path);
  again = training_text (spec_path);
  g_assert_cmpstr (again, ==, trained);

  pb_run_unref (run);
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (100);
  g_remove (app_path);
  g_remove (cli_path);
  g_remove (spec_path);
}

/* ---- main ------------------------------------------------------------------ */

/* The preset with 2 epochs and 1 member, as a file both sides read. */
static char *
write_short_spec (void)
{
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", "lsst-bigru.json", NULL);
  g_autoptr (JsonNode) root = tu_load_json (preset);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (tmp_dir, "lsst-bigru-short.json", NULL);

  json_object_set_int_member (json_node_get_object (member (root, "training")), "epochs", 2);
  json_object_set_int_member (json_node_get_object (member (root, "ensemble")), "members", 1);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  g_assert_true (json_generator_to_file (gen, path, &error));
  g_assert_no_error (error);
  return path;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* the worker cases need no display; the window case runs under Xvfb */
  have_display = gtk_init_check ();
  tmp_dir = g_dir_make_tmp ("passband-parity-XXXXXX", &error);
  g_assert_no_error (error);
  data_path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  short_spec = write_short_spec ();

  g_test_add_func ("/app-cli-parity/trainer", test_trainer);
  g_test_add_func ("/app-cli-parity/trainer-two-threads", test_trainer_two_threads);
  g_test_add_func ("/app-cli-parity/small-presets", test_small_presets);
  g_test_add_func ("/app-cli-parity/ensemble-result", test_ensemble_result);
  g_test_add_func ("/app-cli-parity/window", test_window);
  status = g_test_run ();

  tu_remove_tree (tmp_dir);
  g_free (short_spec);
  g_free (data_path);
  g_free (tmp_dir);
  return status;
}
