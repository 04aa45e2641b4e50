/* test-run-cli.c: passband-cli train --run / --resume: a training process
 * killed (SIGKILL) after an epoch and resumed from its run file saves the
 * same weights as the run that was never interrupted. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "testutil.h"

#define EPOCHS "12"

static char *
cli_path (void)
{
  return g_build_filename (g_getenv ("PASSBAND_BUILD_DIR"), "src", "cli", "passband-cli", NULL);
}

/* The "weights" of a model file as compact text. */
static char *
weights_text (const char *model_path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *w;

  g_assert_true (json_parser_load_from_file (parser, model_path, &error));
  g_assert_no_error (error);
  w = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "weights");
  g_assert_nonnull (w);
  return json_to_string (w, FALSE);
}

static int
epochs_done (const char *run_path)
{
  g_autofree char *text = NULL;
  const char *p;
  if (!g_file_get_contents (run_path, &text, NULL, NULL)
      || (p = strstr (text, "\"epochs_done\": ")) == NULL)
    return 0;
  return atoi (p + strlen ("\"epochs_done\": "));
}

static void
test_kill_and_resume (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-run-XXXXXX", NULL);
  g_autofree char *spec = tu_write_file (dir, "spec.json",
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 16}, {\"type\": \"dropout\", \"rate\": 0.2},\n"
    "            {\"type\": \"concat_metadata\"},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 2, \"batch_size\": 16, \"seed\": 3}}");
  g_autofree char *whole = g_build_filename (dir, "whole.json", NULL);
  g_autofree char *resumed = g_build_filename (dir, "resumed.json", NULL);
  g_autofree char *run = g_build_filename (dir, "run.json", NULL);
  g_autofree char *exe = cli_path ();
  g_autofree char *w_whole = NULL, *w_resumed = NULL, *text = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  int done = 0;

  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", "sim:300:5", "--model", spec,
                                            "--out", whole, "--epochs", EPOCHS, NULL);
    g_assert_cmpint (r->status, ==, 0);
  }

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, exe, "train", "--data", "sim:300:5", "--model", spec, "--out",
                            resumed, "--epochs", EPOCHS, "--run", run, NULL);
  g_assert_no_error (error);
  /* kill it for real once an epoch or two are in the run file */
  for (int i = 0; i < 6000 && (done = epochs_done (run)) < 2; i++)
    g_usleep (5000);
  kill (atoi (g_subprocess_get_identifier (child)), SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  done = epochs_done (run);
  g_test_message ("killed after %d epochs", done);
  g_assert_cmpint (done, >=, 2);
  g_assert_cmpint (done, <, atoi (EPOCHS));
  g_assert_false (g_file_test (resumed, G_FILE_TEST_EXISTS));

  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--resume", run, NULL);
    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "saved"));
  }
  w_whole = weights_text (whole);
  w_resumed = weights_text (resumed);
  g_assert_cmpstr (w_whole, ==, w_resumed);
  g_assert_true (g_file_get_contents (run, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"finished\": true"));
  g_assert_cmpint (epochs_done (run), ==, atoi (EPOCHS));
  /* every validation object's prediction at every epoch, those before the
   * kill included */
  {
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonObject *objects;
    JsonArray *predicted, *ids;
    g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
    objects = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                             "objects");
    g_assert_nonnull (objects);
    predicted = json_object_get_array_member (objects, "predicted");
    ids = json_object_get_array_member (objects, "ids");
    g_assert_cmpuint (json_array_get_length (ids), >, 10);
    g_assert_cmpuint (json_array_get_length (predicted), ==, atoi (EPOCHS));
    for (guint e = 0; e < json_array_get_length (predicted); e++)
      g_assert_cmpuint (json_array_get_length (json_array_get_array_element (predicted, e)), ==,
                        json_array_get_length (ids));
  }

  /* a finished run is not trained again */
  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--resume", run, NULL);
    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->err, "finished"));
  }
  tu_remove_tree (dir);
}

/* Other data than the run started with are refused, naming both checksums. */
static void
test_changed_data_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-run-XXXXXX", NULL);
  g_autofree char *run = g_build_filename (dir, "run.json", NULL);
  g_autofree char *out = g_build_filename (dir, "m.json", NULL);
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR") != NULL
                                              ? g_getenv ("PASSBAND_SOURCE_DIR") : "..",
                                              "models", "small-gru.json", NULL);
  g_autofree char *text = NULL, *changed = NULL;
  g_autoptr (GString) s = NULL;

  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", "sim:60:5", "--model", preset,
                                            "--out", out, "--epochs", "1", "--run", run, NULL);
    g_assert_cmpint (r->status, ==, 0);
  }
  g_assert_true (g_file_get_contents (run, &text, NULL, NULL));
  s = g_string_new (text);
  g_string_replace (s, "\"finished\": true", "\"finished\": false", 1);
  g_string_replace (s, "\"sim:60:5\"", "\"sim:60:6\"", 1);
  g_assert_true (g_file_set_contents (run, s->str, -1, NULL));
  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--resume", run, NULL);
    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "not those the run started with"));
  }
  g_assert_true (g_file_set_contents (run, "{\"format\": \"passband-run\", \"version\": 1}", -1,
                                      NULL));
  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--resume", run, NULL);
    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "run.json"));
    g_assert_nonnull (strstr (r->err, "data"));
  }
  tu_remove_tree (dir);
}

/* runs export: the table as CSV and LaTeX (escaped), one curves file per run. */
static void
test_export (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-run-XXXXXX", NULL);
  g_autofree char *run_a = g_build_filename (dir, "gru_a&b.json", NULL);
  g_autofree char *run_b = g_build_filename (dir, "lstm.json", NULL);
  g_autofree char *out = g_build_filename (dir, "m.json", NULL);
  g_autofree char *csv = g_build_filename (dir, "table.csv", NULL);
  g_autofree char *tex = g_build_filename (dir, "table.tex", NULL);
  g_autofree char *curves = g_build_filename (dir, "curves", NULL);
  g_autofree char *curve_a = g_build_filename (curves, "gru_a&b.csv", NULL);
  g_autofree char *curve_b = g_build_filename (curves, "lstm.csv", NULL);
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models",
                                              "small-gru.json", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  {
    g_autoptr (TuCliResult) a = tu_run_cli ("train", "--data", "sim:60:5", "--model", preset,
                                            "--out", out, "--epochs", "3", "--run", run_a, NULL);
    g_autoptr (TuCliResult) b = tu_run_cli ("train", "--data", "sim:60:6", "--model", preset,
                                            "--out", out, "--epochs", "2", "--learning-rate",
                                            "0.01", "--run", run_b, NULL);
    g_autoptr (TuCliResult) e = tu_run_cli ("runs", "export", run_a, run_b, "--csv", csv,
                                            "--latex", tex, "--curves", curves, NULL);
    g_assert_cmpint (a->status, ==, 0);
    g_assert_cmpint (b->status, ==, 0);
    g_assert_cmpint (e->status, ==, 0);
  }
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, two runs, "" */
  g_assert_true (g_str_has_prefix (lines[0], "run,data,data_sha256,model,epochs,"));
  g_assert_true (g_str_has_prefix (lines[1], "gru_a&b.json,sim:60:5,"));
  /* the override wins over the spec's settings */
  g_assert_nonnull (strstr (lines[2], ",2,32,0.01,"));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (tex, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "gru\\_a\\&b.json & sim:60:5"));
  g_assert_nonnull (strstr (text, "\\bottomrule"));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (curve_a, &text, NULL, NULL));
  g_strfreev (lines);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);   /* header, 3 epochs, "" */
  g_assert_true (g_str_has_prefix (lines[3], "3,"));
  g_assert_true (g_file_test (curve_b, G_FILE_TEST_EXISTS));
  {
    g_autoptr (TuCliResult) none = tu_run_cli ("runs", "export", run_a, NULL);
    g_assert_cmpint (none->status, ==, 2);
  }
  tu_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run-cli/kill-and-resume", test_kill_and_resume);
  g_test_add_func ("/run-cli/changed-data-refused", test_changed_data_refused);
  g_test_add_func ("/run-cli/export", test_export);
  return g_test_run ();
}
