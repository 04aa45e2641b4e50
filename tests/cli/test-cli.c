/* test-cli.c: passband-cli as a user runs it: every subcommand, its JSON
 * output (DESIGN §9), exit statuses and error messages. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *tmp_dir;

/* The JSON object on line `index` (negative: from the end) of out. */
static JsonObject *
json_line (const char *out, int index, JsonParser *parser)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  int n = 0, pick;
  g_autoptr (GError) error = NULL;
  while (lines[n] != NULL && lines[n][0] != '\0')
    n++;
  pick = index < 0 ? n + index : index;
  g_assert_cmpint (pick, >=, 0);
  g_assert_cmpint (pick, <, n);
  json_parser_load_from_data (parser, lines[pick], -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static int
count_lines_with (const char *out, const char *needle)
{
  int n = 0;
  for (const char *p = out; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

static void
test_info_formats (void)
{
  struct { const char *path; int objects; int classes; } cases[] = {
    { "data/uea_lsst/LSST_TRAIN.ts", 2459, 14 },
    { "data/plasticc_training_sample/training_set_first10.csv", 10, 5 },
    { "data/rnn_classifier_sample", 560 + 140 + 300, 2 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = tu_shared_path (cases[i].path);
      g_autoptr (TuCliResult) r = tu_run_cli ("info", "--data", path, "--json", NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *o;
      g_assert_cmpint (r->status, ==, 0);
      o = json_line (r->out, 0, parser);
      g_assert_cmpstr (json_object_get_string_member (o, "event"), ==, "info");
      g_assert_cmpint (json_object_get_int_member (o, "objects"), ==, cases[i].objects);
      g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "classes")), ==,
                       cases[i].classes);
    }
}

static void
test_simulate_then_info (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "sim", NULL);
  g_autofree char *csv = g_build_filename (dir, "training_set.csv", NULL);
  g_autoptr (TuCliResult) sim = tu_run_cli ("simulate", "--objects", "120", "--seed", "7", "--out", dir,
                                       "--json", NULL);
  g_autoptr (TuCliResult) info = NULL;
  g_autoptr (JsonParser) p1 = json_parser_new ();
  g_autoptr (JsonParser) p2 = json_parser_new ();
  JsonObject *o, *i;

  g_assert_cmpint (sim->status, ==, 0);
  o = json_line (sim->out, -1, p1);
  g_assert_cmpint (json_object_get_int_member (o, "objects"), ==, 120);
  /* the metadata file beside it is found without --meta */
  info = tu_run_cli ("info", "--data", csv, "--json", NULL);
  g_assert_cmpint (info->status, ==, 0);
  i = json_line (info->out, 0, p2);
  g_assert_cmpint (json_object_get_int_member (i, "objects"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (i, "observations"), ==,
                   json_object_get_int_member (o, "observations"));
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (i, "metadata")), >, 0);
}

static char *
model_path (const char *name)
{
  return g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", name, NULL);
}

/* train -> evaluate -> predict on simulated data with metadata (mixed input). */
static void
test_train_evaluate_predict (void)
{
  g_autofree char *spec = model_path ("goto-gru.json");
  g_autofree char *out = g_build_filename (tmp_dir, "goto.json", NULL);
  g_autofree char *pred = g_build_filename (tmp_dir, "pred.csv", NULL);
  g_autoptr (TuCliResult) train = tu_run_cli ("train", "--data", "sim:240:3", "--model", spec, "--out", out,
                                         "--epochs", "3", "--seed", "5", "--json", NULL);
  g_autoptr (TuCliResult) ev = NULL, ev2 = NULL, predict = NULL;
  g_autoptr (JsonParser) p1 = json_parser_new ();
  g_autoptr (JsonParser) p2 = json_parser_new ();
  g_autofree char *csv = NULL;
  g_auto (GStrv) rows = NULL;
  JsonObject *res, *e;
  JsonArray *cm, *classes;
  gint64 total = 0;
  int n_rows = 0, k;

  g_assert_cmpint (train->status, ==, 0);
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
  /* one epoch line per epoch, then the result */
  g_assert_cmpint (count_lines_with (train->out, "\"event\":\"epoch\""), ==, 3);
  res = json_line (train->out, -1, p1);
  g_assert_cmpstr (json_object_get_string_member (res, "event"), ==, "result");
  g_assert_cmpint (json_object_get_int_member (res, "epochs"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (res, "temperature"), >, 0.0);

  ev = tu_run_cli ("evaluate", "--model", out, "--data", "sim:240:3", "--json", NULL);
  g_assert_cmpint (ev->status, ==, 0);
  e = json_line (ev->out, 0, p2);
  g_assert_cmpfloat (json_object_get_double_member (e, "accuracy"), >=, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (e, "accuracy"), <=, 1.0);
  g_assert_true (json_object_has_member (e, "macro_f1"));
  g_assert_true (json_object_has_member (e, "log_loss"));
  g_assert_true (json_object_has_member (e, "weighted_log_loss"));
  /* the model's own temperature, and a reliability diagram of every object */
  g_assert_cmpfloat (json_object_get_double_member (e, "temperature"), ==,
                     json_object_get_double_member (res, "temperature"));
  g_assert_cmpfloat (json_object_get_double_member (e, "ece"), >=, 0.0);
  {
    JsonArray *counts = json_object_get_array_member (json_object_get_object_member (e, "reliability"), "count");
    gint64 binned = 0;
    g_assert_cmpuint (json_array_get_length (counts), ==, 15);
    for (guint b = 0; b < 15; b++)
      binned += json_array_get_int_element (counts, b);
    g_assert_cmpint (binned, ==, 240);
  }
  classes = json_object_get_array_member (e, "classes");
  cm = json_object_get_array_member (e, "confusion_matrix");
  k = json_array_get_length (classes);
  g_assert_cmpint (json_array_get_length (cm), ==, k);
  for (int i = 0; i < k; i++)
    {
      JsonArray *row = json_array_get_array_element (cm, i);
      for (int j = 0; j < k; j++)
        total += json_array_get_int_element (row, j);
    }
  g_assert_cmpint (total, ==, json_object_get_int_member (e, "objects"));
  g_assert_cmpint (total, ==, 240);

  /* the same model and data give the same numbers again */
  ev2 = tu_run_cli ("evaluate", "--model", out, "--data", "sim:240:3", "--json", NULL);
  g_assert_cmpstr (ev->out, ==, ev2->out);

  predict = tu_run_cli ("predict", "--model", out, "--data", "sim:240:3", "--out", pred, NULL);
  g_assert_cmpint (predict->status, ==, 0);
  g_assert_true (g_file_get_contents (pred, &csv, NULL, NULL));
  rows = g_strsplit (csv, "\n", -1);
  g_assert_true (g_str_has_prefix (rows[0], "object_id,class_"));
  g_assert_true (g_str_has_suffix (rows[0], ",class_99"));
  for (int r = 1; rows[r] != NULL && rows[r][0] != '\0'; r++)
    {
      g_auto (GStrv) f = g_strsplit (rows[r], ",", -1);
      double sum = 0.0, top = 0.0;
      g_assert_cmpint (g_strv_length (f), ==, k + 2);
      for (int c = 1; c < k + 2; c++)
        {
          double p = g_ascii_strtod (f[c], NULL);
          g_assert_true (p >= 0.0 && p <= 1.0);
          sum += p;
          if (c <= k)
            top = MAX (top, p);
        }
      /* class 99 never outranks the class the model picked */
      g_assert_cmpfloat (g_ascii_strtod (f[k + 1], NULL), <, top);
      g_assert_cmpfloat (fabs (sum - 1.0), <, 1e-4);
      n_rows++;
    }
  g_assert_cmpint (n_rows, ==, 240);

}

/* The LSST .ts with a GRU preset, as the "done when" command. */
static void
test_train_lsst_gru (void)
{
  g_autofree char *spec = model_path ("small-gru.json");
  g_autofree char *data = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autofree char *out = g_build_filename (tmp_dir, "lsst.json", NULL);
  g_autoptr (TuCliResult) train = tu_run_cli ("train", "--data", data, "--model", spec, "--out", out,
                                         "--epochs", "1", "--json", NULL);
  g_autoptr (TuCliResult) ev = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_cmpint (train->status, ==, 0);
  ev = tu_run_cli ("evaluate", "--model", out, "--data", data, "--json", NULL);
  g_assert_cmpint (ev->status, ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_line (ev->out, 0, parser), "objects"), ==, 2459);
}

static void
test_errors (void)
{
  g_autofree char *spec = model_path ("small-gru.json");
  g_autofree char *bad = g_build_filename (tmp_dir, "bad.csv", NULL);
  g_autoptr (TuCliResult) no_cmd = tu_run_cli ("frobnicate", NULL);
  g_autoptr (TuCliResult) missing = tu_run_cli ("info", "--data", "/nonexistent/x.ts", NULL);
  g_autoptr (TuCliResult) no_data = tu_run_cli ("train", "--model", spec, NULL);
  g_autoptr (TuCliResult) bad_opt = tu_run_cli ("info", "--data", "sim:10", "--frob", NULL);
  g_autoptr (TuCliResult) bad_file = NULL, not_trained = NULL, help = NULL;

  g_assert_cmpint (no_cmd->status, ==, 2);
  g_assert_nonnull (strstr (no_cmd->err, "unknown command"));
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "x.ts"));
  g_assert_cmpint (no_data->status, ==, 2);
  g_assert_nonnull (strstr (no_data->err, "--data"));
  g_assert_cmpint (bad_opt->status, ==, 2);

  g_assert_true (g_file_set_contents (bad,
                                      "object_id,mjd,passband,flux,flux_err,detected\n"
                                      "1,59000.1,2,12.5,1.0,1\n"
                                      "1,59001.1,2,abc,1.0,1\n", -1, NULL));
  bad_file = tu_run_cli ("info", "--data", bad, NULL);
  g_assert_cmpint (bad_file->status, ==, 1);
  /* file, line and field */
  g_assert_nonnull (strstr (bad_file->err, "bad.csv"));
  g_assert_nonnull (strstr (bad_file->err, "3"));
  g_assert_nonnull (strstr (bad_file->err, "flux"));

  /* a spec has no weights: evaluating it says to train first */
  not_trained = tu_run_cli ("evaluate", "--model", spec, "--data", "sim:20", NULL);
  g_assert_cmpint (not_trained->status, ==, 1);
  g_assert_nonnull (strstr (not_trained->err, "train"));

  help = tu_run_cli ("train", "--help", NULL);
  g_assert_cmpint (help->status, ==, 0);
  g_assert_nonnull (strstr (help->out, "--batch-size"));
}

/* train finds an unwritable --out and settings it could not read back before
 * training, not after; a broken preprocessing section is named once */
static void
test_train_output_checked (void)
{
  g_autofree char *spec = model_path ("small-gru.json");
  g_autofree char *missing = g_build_filename (tmp_dir, "no-such-folder", "m.json", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "checked.json", NULL);
  g_autofree char *broken = g_build_filename (tmp_dir, "broken-preprocessing.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_autoptr (TuCliResult) no_folder = tu_run_cli ("train", "--data", "sim:60", "--model", spec,
                                                  "--out", missing, "--epochs", "1", NULL);
  g_autoptr (TuCliResult) tiny_lr = tu_run_cli ("train", "--data", "sim:60", "--model", spec, "--out", out,
                                                "--epochs", "1", "--learning-rate", "1e-60", NULL);
  g_autoptr (TuCliResult) trained = NULL, evaluated = NULL;
  const char *at;

  g_assert_cmpint (no_folder->status, ==, 1);
  g_assert_nonnull (strstr (no_folder->err, "no-such-folder/m.json: cannot save the model there"));
  g_assert_null (strstr (no_folder->out, "epoch"));
  g_assert_null (strstr (no_folder->out, "trained"));
  g_assert_cmpint (tiny_lr->status, ==, 1);
  g_assert_nonnull (strstr (tiny_lr->err, "cannot read back"));
  g_assert_nonnull (strstr (tiny_lr->err, "“learning_rate”"));
  g_assert_null (strstr (tiny_lr->out, "trained"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  trained = tu_run_cli ("train", "--data", "sim:60", "--model", spec, "--out", out, "--epochs", "1", NULL);
  g_assert_cmpint (trained->status, ==, 0);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  at = strstr (text, "\"preprocessing\": {");
  g_assert_nonnull (at);
  edited = g_strdup_printf ("%.*s\"preprocessing\": {\"bogus\": 1, %s", (int) (at - text), text,
                            at + strlen ("\"preprocessing\": {"));
  g_assert_true (g_file_set_contents (broken, edited, -1, NULL));
  evaluated = tu_run_cli ("evaluate", "--model", broken, "--data", "sim:20", NULL);
  g_assert_cmpint (evaluated->status, ==, 1);
  g_test_message ("%s", evaluated->err);
  at = strstr (evaluated->err, "preprocessing:");
  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, "preprocessing:"));
}

/* "max_steps": 1048576 in a trained model: evaluate and predict build the
 * network for the data's length, with the same scores and predictions. */
static void
test_long_max_steps (void)
{
  g_autofree char *spec = model_path ("small-gru.json");
  g_autofree char *out = g_build_filename (tmp_dir, "short.json", NULL);
  g_autofree char *long_path = g_build_filename (tmp_dir, "long.json", NULL);
  g_autofree char *sim = g_build_filename (tmp_dir, "sim-long", NULL);
  g_autofree char *csv = g_build_filename (sim, "training_set.csv", NULL);
  g_autofree char *pred = g_build_filename (tmp_dir, "long-pred.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GRegex) steps = g_regex_new ("\"max_steps\": [0-9]+", 0, 0, NULL);
  g_autofree char *edited = NULL;
  g_autoptr (TuCliResult) trained = tu_run_cli ("train", "--data", "sim:60", "--model", spec, "--out", out,
                                                "--epochs", "1", NULL);
  g_autoptr (TuCliResult) simulated = tu_run_cli ("simulate", "--objects", "20", "--out", sim, NULL);
  g_autofree char *short_csv = g_build_filename (tmp_dir, "short-pred.csv", NULL);
  g_autofree char *short_text = NULL, *long_text = NULL;
  g_autoptr (TuCliResult) short_ev = NULL, long_ev = NULL, short_pred = NULL, long_pred = NULL;

  g_assert_cmpint (trained->status, ==, 0);
  g_assert_cmpint (simulated->status, ==, 0);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  edited = g_regex_replace_literal (steps, text, -1, 0, "\"max_steps\": 1048576", 0, NULL);
  g_assert_nonnull (strstr (edited, "\"max_steps\": 1048576"));
  g_assert_true (g_file_set_contents (long_path, edited, -1, NULL));

  short_ev = tu_run_cli ("evaluate", "--model", out, "--data", "sim:30:4", "--json", NULL);
  long_ev = tu_run_cli ("evaluate", "--model", long_path, "--data", "sim:30:4", "--json", NULL);
  g_assert_cmpint (short_ev->status, ==, 0);
  g_test_message ("%s", long_ev->err);
  g_assert_cmpint (long_ev->status, ==, 0);
  g_assert_cmpstr (long_ev->out, ==, short_ev->out);

  short_pred = tu_run_cli ("predict", "--model", out, "--data", csv, "--out", short_csv, NULL);
  long_pred = tu_run_cli ("predict", "--model", long_path, "--data", csv, "--out", pred, NULL);
  g_test_message ("%s", long_pred->err);
  g_assert_cmpint (short_pred->status, ==, 0);
  g_assert_cmpint (long_pred->status, ==, 0);
  g_assert_true (g_file_get_contents (short_csv, &short_text, NULL, NULL));
  g_assert_true (g_file_get_contents (pred, &long_text, NULL, NULL));
  g_assert_cmpstr (long_text, ==, short_text);
}

int
main (int argc, char **argv)
{
  int status;
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-cli-XXXXXX", NULL);
  g_test_add_func ("/cli/info-formats", test_info_formats);
  g_test_add_func ("/cli/simulate-then-info", test_simulate_then_info);
  g_test_add_func ("/cli/train-evaluate-predict", test_train_evaluate_predict);
  g_test_add_func ("/cli/train-lsst-gru", test_train_lsst_gru);
  g_test_add_func ("/cli/errors", test_errors);
  g_test_add_func ("/cli/train-output-checked", test_train_output_checked);
  g_test_add_func ("/cli/long-max-steps", test_long_max_steps);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    (void) !system (cmd);
  }
  return status;
}
