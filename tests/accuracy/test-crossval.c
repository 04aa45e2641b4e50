/* test-crossval.c: `passband-cli crossval` on a small simulated set, and the
 * shipped LSST preset trained for one epoch on the real LSST file, saved,
 * loaded and evaluated.  The full accuracy run is not a unit test:
 * see lsst-crossval.sh beside this file. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "testutil.h"

#define LSST_PRESET "lsst-bigru.json"
#define RRLYRAE_PRESET "rrlyrae-bigru.json"

/* Every line of out parsed as a JSON object. */
static GPtrArray *
json_lines (const char *out)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (int i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      if (lines[i][0] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      g_ptr_array_add (objects, json_node_copy (json_parser_get_root (parser)));
    }
  return objects;
}

static JsonObject *
nth_object (GPtrArray *lines, guint i)
{
  return json_node_get_object (g_ptr_array_index (lines, i));
}

static char *
spec_file (const char *dir)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"cv test\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
    "            {\"type\": \"concat_metadata\"},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"augmentation\": {\"copies\": 1, \"time_shift\": 3},\n"
    " \"training\": {\"epochs\": 3, \"batch_size\": 32, \"seed\": 2, \"val_fraction\": 0.2}}\n";
  char *path = g_build_filename (dir, "spec.json", NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* --predictions writes every held-out object once, with the probabilities
 * the fold's model gave it (its accuracy is the fold's), and the prior
 * correction is applied to them. */
static void
test_crossval_predictions (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-cv-XXXXXX", NULL);
  g_autofree char *spec = spec_file (dir);
  g_autofree char *csv = g_build_filename (dir, "held-out.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (TuCliResult) r = tu_run_cli ("crossval", "--data", "sim:90:4", "--model", spec, "--folds", "3",
                                          "--epochs", "1", "--prior-correction", "0.5", "--predictions", csv,
                                          "--json", NULL);
  g_autoptr (GPtrArray) lines = NULL;
  g_auto (GStrv) rows = NULL, header = NULL;
  g_autoptr (GError) error = NULL;
  int right[3] = { 0 }, count[3] = { 0 }, n_rows = 0;

  g_assert_cmpint (r->status, ==, 0);
  lines = json_lines (r->out);
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  g_assert_no_error (error);
  rows = g_strsplit (text, "\n", -1);
  header = g_strsplit (rows[0], ",", -1);
  g_assert_cmpstr (header[0], ==, "object_id");
  g_assert_cmpstr (header[1], ==, "fold");
  g_assert_cmpstr (header[2], ==, "class");
  g_assert_true (g_str_has_prefix (header[3], "class_"));
  for (int i = 1; rows[i] != NULL && rows[i][0] != '\0'; i++)
    {
      g_auto (GStrv) f = g_strsplit (rows[i], ",", -1);
      int fold = atoi (f[1]), best = 3;
      double sum = 0.0;

      g_assert_cmpint (g_strv_length (f), ==, g_strv_length (header));
      g_assert_true (fold >= 1 && fold <= 3);
      for (int c = 3; f[c] != NULL; c++)
        {
          sum += g_ascii_strtod (f[c], NULL);
          if (g_ascii_strtod (f[c], NULL) > g_ascii_strtod (f[best], NULL))
            best = c;
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
      count[fold - 1]++;
      right[fold - 1] += g_strcmp0 (header[best] + strlen ("class_"), f[2]) == 0;
      n_rows++;
    }
  g_assert_cmpint (n_rows, ==, 90);
  for (int f = 0; f < 3; f++)
    {
      JsonObject *o = nth_object (lines, f);
      g_assert_cmpint (count[f], ==, json_object_get_int_member (o, "objects"));
      g_assert_cmpfloat_with_epsilon ((double) right[f] / count[f], json_object_get_double_member (o, "accuracy"),
                                      1e-9);
    }
  tu_remove_tree (dir);
}

static void
test_crossval_json (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-cv-XXXXXX", NULL);
  g_autofree char *spec = spec_file (dir);
  g_autoptr (TuCliResult) r = tu_run_cli ("crossval", "--data", "sim:150:4", "--model", spec,
                                     "--folds", "3", "--json", NULL);
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (TuCliResult) again = NULL;
  JsonObject *result;
  double sum = 0.0, sq = 0.0, mean, std;
  int objects = 0, never = 0;

  g_assert_cmpint (r->status, ==, 0);
  lines = json_lines (r->out);
  g_assert_cmpuint (lines->len, ==, 4);
  for (guint f = 0; f < 3; f++)
    {
      JsonObject *o = nth_object (lines, f);
      double acc = json_object_get_double_member (o, "accuracy");
      g_assert_cmpstr (json_object_get_string_member (o, "event"), ==, "fold");
      g_assert_cmpint (json_object_get_int_member (o, "fold"), ==, f + 1);
      g_assert_cmpfloat (acc, >=, 0.0);
      g_assert_cmpfloat (acc, <=, 1.0);
      g_assert_cmpint (json_object_get_int_member (o, "epochs"), ==, 3);
      /* calibration: a fitted temperature, the fold's ECE and PLAsTiCC log loss */
      g_assert_cmpfloat (json_object_get_double_member (o, "temperature"), >, 0.0);
      g_assert_cmpfloat (json_object_get_double_member (o, "ece"), >=, 0.0);
      g_assert_cmpfloat (json_object_get_double_member (o, "ece"), <=, 1.0);
      g_assert_cmpfloat (json_object_get_double_member (o, "weighted_log_loss"), >, 0.0);
      objects += json_object_get_int_member (o, "objects");
      sum += acc;
      /* per-class recall; a class never predicted has recall 0 */
      {
        JsonObject *recall = json_object_get_object_member (o, "recall");
        g_autoptr (GList) ids = json_object_get_members (recall);
        int zero = 0;

        g_assert_cmpuint (g_list_length (ids), >=, 2);
        for (GList *l = ids; l != NULL; l = l->next)
          {
            JsonNode *node = json_object_get_member (recall, l->data);
            double value = JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);

            g_assert_true (isnan (value) || (value >= 0.0 && value <= 1.0));
            zero += value == 0.0;
          }
        g_assert_cmpint (json_object_get_int_member (o, "never_predicted"), <=, zero);
        never += json_object_get_int_member (o, "never_predicted");
      }
      g_assert_cmpfloat (json_object_get_double_member (o, "train_accuracy"), >, 0.0);
      g_assert_cmpfloat (json_object_get_double_member (o, "train_accuracy"), <=, 1.0);
    }
  /* every object is scored exactly once, by the model that never saw it */
  g_assert_cmpint (objects, ==, 150);
  mean = sum / 3;
  for (guint f = 0; f < 3; f++)
    {
      double d = json_object_get_double_member (nth_object (lines, f), "accuracy") - mean;
      sq += d * d;
    }
  std = sqrt (sq / 2);
  result = nth_object (lines, 3);
  g_assert_cmpstr (json_object_get_string_member (result, "event"), ==, "result");
  g_assert_cmpint (json_object_get_int_member (result, "folds"), ==, 3);
  g_assert_cmpfloat (fabs (json_object_get_double_member (result, "accuracy_mean") - mean), <, 1e-9);
  g_assert_cmpfloat (fabs (json_object_get_double_member (result, "accuracy_std") - std), <, 1e-9);
  g_assert_true (json_object_has_member (result, "macro_f1_mean"));
  /* every held-out object at once */
  g_assert_cmpfloat (json_object_get_double_member (result, "ece_pooled"), >=, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (result, "ece_pooled"), <=, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (result, "weighted_log_loss_pooled"), >, 0.0);
  g_assert_cmpint (json_object_get_int_member (result, "never_predicted"), ==, never);
  g_assert_true (json_object_has_member (result, "recall_mean"));
  g_assert_true (json_object_has_member (result, "train_accuracy_mean"));

  /* seeded: the same command gives the same figures */
  again = tu_run_cli ("crossval", "--data", "sim:150:4", "--model", spec, "--folds", "3", "--json", NULL);
  g_assert_cmpint (again->status, ==, 0);
  {
    g_autoptr (GPtrArray) again_lines = json_lines (again->out);
    g_assert_cmpuint (again_lines->len, ==, 4);
    for (guint f = 0; f < 3; f++)
      for (guint k = 0; k < 2; k++)
        {
          const char *field = k == 0 ? "accuracy" : "log_loss";
          g_assert_cmpfloat (json_object_get_double_member (nth_object (again_lines, f), field), ==,
                             json_object_get_double_member (nth_object (lines, f), field));
        }
  }
  g_remove (spec);
  g_rmdir (dir);
}

/* novelty-eval: one line per left-out class (every object of it scored as
 * novel), then the mean AUROC of each score and the best one. */
static void
test_novelty_eval (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-cv-XXXXXX", NULL);
  g_autofree char *spec = spec_file (dir);
  g_autoptr (TuCliResult) r = tu_run_cli ("novelty-eval", "--data", "sim:150:4", "--model", spec,
                                          "--epochs", "2", "--json", NULL);
  g_autoptr (TuCliResult) bad = tu_run_cli ("novelty-eval", "--data", "sim:150:4", "--model", spec,
                                            "--classes", "12345", NULL);
  g_autoptr (GPtrArray) lines = NULL;
  const char *const scores[] = { "p99", "max_prob", "entropy", "energy", "mahalanobis", "knn" };
  JsonObject *result, *mean;
  guint n_classes;

  g_assert_cmpint (r->status, ==, 0);
  lines = json_lines (r->out);
  g_assert_cmpuint (lines->len, >=, 3);
  n_classes = lines->len - 1;
  for (guint i = 0; i < n_classes; i++)
    {
      JsonObject *o = nth_object (lines, i);
      JsonObject *auroc = json_object_get_object_member (o, "auroc");
      g_assert_cmpstr (json_object_get_string_member (o, "event"), ==, "class");
      g_assert_cmpint (json_object_get_int_member (o, "novel_objects"), >, 0);
      g_assert_cmpint (json_object_get_int_member (o, "known_objects"), >, 0);
      for (guint s = 0; s < G_N_ELEMENTS (scores); s++)
        {
          g_assert_cmpfloat (json_object_get_double_member (auroc, scores[s]), >=, 0.0);
          g_assert_cmpfloat (json_object_get_double_member (auroc, scores[s]), <=, 1.0);
        }
    }
  result = nth_object (lines, n_classes);
  g_assert_cmpstr (json_object_get_string_member (result, "event"), ==, "result");
  g_assert_cmpint (json_object_get_int_member (result, "classes"), ==, n_classes);
  mean = json_object_get_object_member (result, "mean_auroc");
  for (guint s = 0; s < G_N_ELEMENTS (scores); s++)
    g_assert_true (json_object_has_member (mean, scores[s]));
  g_assert_nonnull (json_object_get_string_member (result, "best"));

  g_assert_cmpint (bad->status, ==, 2);
  g_assert_nonnull (strstr (bad->err, "12345"));
  g_remove (spec);
  g_rmdir (dir);
}

static void
test_crossval_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-cv-XXXXXX", NULL);
  g_autofree char *spec = spec_file (dir);
  g_autofree char *missing = g_build_filename (dir, "nothing.csv", NULL);
  g_autoptr (TuCliResult) folds = tu_run_cli ("crossval", "--data", "sim:50", "--model", spec,
                                         "--folds", "1", NULL);
  g_autoptr (TuCliResult) no_data = tu_run_cli ("crossval", "--model", spec, NULL);
  g_autoptr (TuCliResult) bad_file = tu_run_cli ("crossval", "--data", missing, "--model", spec, NULL);
  /* the training overrides are the same options as train's */
  g_autoptr (TuCliResult) bad_balance = tu_run_cli ("crossval", "--data", "sim:50", "--model", spec,
                                                    "--balance", "fair", NULL);

  g_assert_cmpint (folds->status, ==, 2);
  g_assert_nonnull (strstr (folds->err, "--folds"));
  g_assert_cmpint (no_data->status, ==, 2);
  g_assert_nonnull (strstr (no_data->err, "--data"));
  g_assert_cmpint (bad_file->status, ==, 1);
  g_assert_nonnull (strstr (bad_file->err, "nothing.csv"));
  g_assert_cmpint (bad_balance->status, ==, 2);
  g_assert_nonnull (strstr (bad_balance->err, "--balance"));
  g_assert_nonnull (strstr (bad_balance->err, "fair"));
  g_remove (spec);
  g_rmdir (dir);
}

/* The shipped LSST recipe: one epoch on the real file, saved, loaded, scored. */
static void
test_lsst_preset_one_epoch (void)
{
  g_autofree char *data = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models",
                                              LSST_PRESET, NULL);
  g_autofree char *dir = g_dir_make_tmp ("passband-lsst-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "lsst.json", NULL);
  g_autoptr (TuCliResult) train = NULL;
  g_autoptr (TuCliResult) eval = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (GPtrArray) eval_lines = NULL;
  JsonObject *result;
  double acc;

  if (!g_file_test (data, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("LSST_TRAIN.ts is not in the shared data");
      return;
    }
  train = tu_run_cli ("train", "--data", data, "--model", preset, "--out", out, "--epochs", "1",
                   "--json", NULL);
  g_assert_cmpstr (train->err, ==, "");
  g_assert_cmpint (train->status, ==, 0);
  lines = json_lines (train->out);
  result = nth_object (lines, lines->len - 1);
  g_assert_cmpstr (json_object_get_string_member (result, "event"), ==, "result");
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));

  eval = tu_run_cli ("evaluate", "--model", out, "--data", data, "--json", NULL);
  g_assert_cmpint (eval->status, ==, 0);
  eval_lines = json_lines (eval->out);
  acc = json_object_get_double_member (nth_object (eval_lines, 0), "accuracy");
  /* one epoch already beats always answering the largest class (0.30) */
  g_assert_cmpfloat (acc, >, 0.35);
  g_assert_cmpint (json_object_get_int_member (nth_object (eval_lines, 0), "objects"), ==, 2459);
  g_remove (out);
  g_rmdir (dir);
}

/* A copy of a shipped preset in dir with edit applied to its JSON object. */
static char *
edited_preset (const char *preset, const char *dir, const char *name, void (*edit) (JsonObject *spec))
{
  g_autofree char *path = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", preset, NULL);
  g_autoptr (JsonNode) root = tu_load_json (path);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;
  char *out = g_build_filename (dir, name, NULL);

  edit (json_node_get_object (root));
  json_generator_set_root (generator, root);
  g_assert_true (json_generator_to_file (generator, out, &error));
  g_assert_no_error (error);
  return out;
}

static void
one_member (JsonObject *spec)
{
  JsonObject *ensemble = json_object_new ();
  json_object_set_int_member (ensemble, "members", 1);
  json_object_set_object_member (spec, "ensemble", ensemble);
}

/* The sequence-only variant: the same network without its metadata branch. */
static void
sequence_only (JsonObject *spec)
{
  JsonArray *layers = json_object_get_array_member (spec, "layers");
  JsonArray *kept = json_array_new ();

  one_member (spec);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      if (g_strcmp0 (json_object_get_string_member (layer, "type"), "concat_metadata") != 0)
        json_array_add_object_element (kept, json_object_ref (layer));
    }
  json_object_set_array_member (spec, "layers", kept);
}

static void
without_period (JsonObject *spec)
{
  json_object_set_boolean_member (json_object_get_object_member (spec, "preprocessing"),
                                  "with_period_features", FALSE);
}

/* Accuracy of model on data, by `passband-cli evaluate`. */
static double
evaluate_accuracy (const char *model, const char *data)
{
  g_autoptr (TuCliResult) r = tu_run_cli ("evaluate", "--model", model, "--data", data, "--json", NULL);
  g_autoptr (GPtrArray) lines = NULL;

  g_assert_cmpint (r->status, ==, 0);
  lines = json_lines (r->out);
  return json_object_get_double_member (nth_object (lines, 0), "accuracy");
}

/* Issue 8: on simulated PLAsTiCC-format data with metadata, the LSST recipe
 * with its metadata branch beats the same network reading the sequence only.
 * Short runs (300 objects, 6 epochs, one seed) keep it a unit test; the
 * margin there is about 0.19 (0.57 against 0.38), with 1000 objects and full
 * training 0.855 against 0.711 (README). */
static void
test_mixed_beats_sequence_only (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-mixed-XXXXXX", NULL);
  const char *variants[2] = { "mixed.json", "sequence.json" };
  double accuracy[2];

  for (int v = 0; v < 2; v++)
    {
      g_autofree char *spec = edited_preset (LSST_PRESET, dir, variants[v], v == 0 ? one_member : sequence_only);
      g_autofree char *model = g_strconcat (spec, ".trained", NULL);
      g_autoptr (TuCliResult) train = tu_run_cli ("train", "--data", "sim:300:1", "--model", spec, "--out", model,
                                                  "--epochs", "6", "--threads", "1", NULL);
      g_assert_cmpstr (train->err, ==, "");
      g_assert_cmpint (train->status, ==, 0);
      accuracy[v] = evaluate_accuracy (model, "sim:300:2");
    }
  g_test_message ("mixed input %.3f, sequence only %.3f", accuracy[0], accuracy[1]);
  g_assert_cmpfloat (accuracy[0], >, accuracy[1] + 0.08);
  tu_remove_tree (dir);
}

/* Issue 8: the RR Lyrae preset tells types ab and c apart from the raw light
 * curves (the catalogue period is not used), and the period it searches is
 * what does it.  One fold of three, 3 epochs: about 0.93 with the period
 * features and 0.83 without; the full recipe's 5-fold CV is 0.988
 * (rrlyrae-crossval.sh). */
static void
test_rrlyrae_period_features (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-rrlyrae-XXXXXX", NULL);
  g_autofree char *folder = tu_extract_shared_archive (
    "data/sdss_s82_rrlyrae/rrlyrae_sesar2010_lightcurves.tar.gz", dir, "rrlyrae");
  g_autofree char *curves = g_build_filename (folder, "light-curves", NULL);
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", RRLYRAE_PRESET, NULL);
  g_autofree char *plain = edited_preset (RRLYRAE_PRESET, dir, "no-period.json", without_period);
  const char *specs[2] = { preset, plain };
  double accuracy[2];

  for (int v = 0; v < 2; v++)
    {
      g_autoptr (TuCliResult) r = tu_run_cli ("crossval", "--data", curves, "--model", specs[v], "--folds", "3",
                                              "--max-folds", "1", "--epochs", "3", "--threads", "1", "--json",
                                              NULL);
      g_autoptr (GPtrArray) lines = NULL;
      g_assert_cmpint (r->status, ==, 0);
      lines = json_lines (r->out);
      accuracy[v] = json_object_get_double_member (nth_object (lines, lines->len - 1), "accuracy_mean");
    }
  g_test_message ("RR Lyrae ab/c: %.3f with the period features, %.3f without", accuracy[0], accuracy[1]);
  g_assert_cmpfloat (accuracy[0], >=, 0.90);
  g_assert_cmpfloat (accuracy[0], >, accuracy[1] + 0.04);
  tu_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/accuracy/crossval-json", test_crossval_json);
  g_test_add_func ("/accuracy/crossval-predictions", test_crossval_predictions);
  g_test_add_func ("/accuracy/crossval-errors", test_crossval_errors);
  g_test_add_func ("/accuracy/novelty-eval", test_novelty_eval);
  g_test_add_func ("/accuracy/lsst-preset-one-epoch", test_lsst_preset_one_epoch);
  g_test_add_func ("/accuracy/mixed-beats-sequence-only", test_mixed_beats_sequence_only);
  g_test_add_func ("/accuracy/rrlyrae-period-features", test_rrlyrae_period_features);
  return g_test_run ();
}
