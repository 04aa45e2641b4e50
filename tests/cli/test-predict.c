/* test-predict.c: passband-cli predict streams its input: the submission it
 * writes chunk by chunk is byte for byte the one predicted from the whole
 * file, and a failure leaves no output behind. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc.h"
#include "testutil.h"

static char *tmp_dir;
static char *data_csv;   /* simulated PLAsTiCC light curves (+ metadata beside) */
static char *model;      /* trained on them for one epoch */

/* What predict wrote before it streamed: the whole file loaded, predicted
 * at once and formatted in the submission layout. */
static char *
whole_file_submission (const char *model_path, const char *csv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = lc_predictor_load (model_path, &error);
  g_autoptr (LcDataset) ds = NULL;
  g_autofree float *probs = NULL, *with99 = NULL;
  g_autofree double *distance = NULL;
  GString *out = g_string_new ("object_id");
  int k;

  g_assert_no_error (error);
  ds = lc_load (csv, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  probs = lc_predictor_predict (p, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  k = p->n_classes;
  with99 = g_new (float, ds->n_objects * (k + 1));
  distance = lc_predictor_novelty_of_dataset (p, ds, &error);
  g_assert_no_error (error);
  lc_novelty_append_p99 (probs, distance, (int) ds->n_objects, k, with99);
  for (int c = 0; c < k; c++)
    g_string_append_printf (out, ",class_%d", p->class_ids[c]);
  g_string_append (out, ",class_99\n");
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      g_string_append (out, ds->objects[i].id);
      for (int c = 0; c <= k; c++)
        g_string_append_printf (out, ",%.6g", with99[i * (k + 1) + c]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static char *
read_file (const char *path)
{
  char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* Nothing named out.* or .out.* (a temporary file) is left in out's folder. */
static void
assert_no_leftovers (const char *out)
{
  g_autofree char *dir = g_path_get_dirname (out);
  g_autofree char *base = g_path_get_basename (out);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  g_autofree char *hidden = g_strconcat (".", base, ".", NULL);
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (folder);
  while ((name = g_dir_read_name (folder)) != NULL)
    if (g_str_has_prefix (name, prefix) || g_str_has_prefix (name, hidden))
      g_error ("temporary file %s left in %s", name, dir);
}

static void
test_streamed_equals_whole (void)
{
  g_autofree char *want = whole_file_submission (model, data_csv);
  g_autofree char *out = g_build_filename (tmp_dir, "pred.csv", NULL);
  /* chunk boundaries everywhere (one chunk: what loading the whole file gives) */
  const struct { const char *chunk; const char *threads; } runs[] = {
    { "100000", "1" }, { "1", "1" }, { "2", "1" }, { "7", "1" }, { "7", "2" },
  };

  g_assert_true (g_str_has_prefix (want, "object_id,class_"));
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", model, "--data", data_csv, "--out", out,
                                         "--threads", runs[i].threads, "--chunk-objects", runs[i].chunk,
                                         "--json", NULL);
      g_autofree char *got = NULL;

      if (r->status != 0)
        g_error ("predict failed: %s", r->err);
      g_assert_nonnull (strstr (r->out, "\"objects\":300"));
      got = read_file (out);
      /* byte for byte, whatever the chunks and threads */
      g_assert_cmpstr (got, ==, want);
      g_assert_true (g_unlink (out) == 0);
      assert_no_leftovers (out);
    }
  /* the default chunking */
  {
    g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", model, "--data", data_csv, "--out", out, NULL);
    g_autofree char *got = NULL;
    g_assert_cmpint (r->status, ==, 0);
    got = read_file (out);
    g_assert_cmpstr (got, ==, want);
  }
}

/* A copy of the model whose file says it takes sequences of up to a million
 * steps: the same weights (recurrent layers do not depend on the length). */
static char *
write_huge_max_steps_model (void)
{
  g_autofree char *text = read_file (model);
  g_autoptr (GRegex) regex = g_regex_new ("(\"inputs\": \\{[^}]*\"max_steps\": )[0-9]+", 0, 0, NULL);
  g_autofree char *huge = g_regex_replace (regex, text, -1, 0, "\\g<1>1048576", 0, NULL);
  char *path = g_build_filename (tmp_dir, "huge-max-steps.json", NULL);

  g_assert_nonnull (huge);
  g_assert_cmpstr (huge, !=, text);
  g_assert_nonnull (strstr (huge, "\"max_steps\": 1048576"));
  g_assert_true (g_file_set_contents (path, huge, -1, NULL));
  return path;
}

/* A model file saying "max_steps": 1048576 predicts data of a few hundred
 * steps within the budget, and every number is the model's at its own
 * length, whatever the chunks and threads. */
static void
test_huge_max_steps (void)
{
  g_autofree char *huge = write_huge_max_steps_model ();
  g_autofree char *out = g_build_filename (tmp_dir, "huge.csv", NULL);
  g_autofree char *want_out = g_build_filename (tmp_dir, "normal.csv", NULL);
  g_autofree char *want = NULL;
  g_autofree char *dir = g_path_get_dirname (data_csv);
  const struct { const char *chunk; const char *threads; } runs[] = {
    { "100000", "1" }, { "7", "1" }, { "7", "2" },
  };

  {
    g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", model, "--data", data_csv, "--out", want_out,
                                            NULL);
    g_assert_cmpint (r->status, ==, 0);
    want = read_file (want_out);
  }
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", huge, "--data", data_csv, "--out", out,
                                              "--threads", runs[i].threads, "--chunk-objects", runs[i].chunk,
                                              NULL);
      g_autofree char *got = NULL;

      if (r->status != 0)
        g_error ("predict with max_steps 1048576 failed: %s", r->err);
      got = read_file (out);
      g_assert_cmpstr (got, ==, want);
      g_assert_true (g_unlink (out) == 0);
    }
  /* the folder is loaded whole: members for its longest object */
  g_clear_pointer (&want, g_free);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", i == 0 ? model : huge, "--data", dir,
                                              "--out", i == 0 ? want_out : out, NULL);
      if (r->status != 0)
        g_error ("predict of the folder failed: %s", r->err);
    }
  want = read_file (want_out);
  {
    g_autofree char *got = read_file (out);
    g_assert_cmpstr (got, ==, want);
  }
}

/* dir/rows.csv with text, and the survey's metadata beside it (the model
 * reads metadata columns). */
static char *
write_rows (const char *name, const char *text)
{
  g_autofree char *dir = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *meta_in = g_build_filename (tmp_dir, "sim", "training_set_metadata.csv", NULL);
  g_autofree char *meta_out = g_build_filename (dir, "rows_metadata.csv", NULL);
  g_autofree char *meta = read_file (meta_in);
  char *csv = g_build_filename (dir, "rows.csv", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (meta_out, meta, -1, NULL));
  g_assert_true (g_file_set_contents (csv, text, -1, NULL));
  return csv;
}

static void
test_interleaved_refused (void)
{
  g_autofree char *csv = write_rows ("mixed",
                                     "object_id,mjd,passband,flux,flux_err,detected\n"
                                     "0,59000.1,2,12.5,1.0,1\n"
                                     "1,59000.2,2,2.5,1.0,0\n"
                                     "0,59002.1,2,11.5,1.0,1\n");
  g_autofree char *out = g_build_filename (tmp_dir, "mixed", "pred.csv", NULL);
  g_autoptr (TuCliResult) r = NULL;

  r = tu_run_cli ("predict", "--model", model, "--data", csv, "--out", out, "--chunk-objects", "1", NULL);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "rows.csv:4:"));
  g_assert_nonnull (strstr (r->err, "object_id"));
  g_assert_nonnull (strstr (r->err, "sort"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  assert_no_leftovers (out);
}

static void
test_broken_keeps_old_output (void)
{
  /* the whole survey (more than one batch of rows is written before the
   * failure), then a line cut short */
  g_autofree char *good = read_file (data_csv);
  g_autofree char *text = g_strconcat (good, "299,59001.2,2,2.5,1.", NULL);
  g_autofree char *csv = write_rows ("broken", text);
  g_autofree char *out = g_build_filename (tmp_dir, "broken", "pred.csv", NULL);
  g_autofree char *where = NULL, *kept = NULL;
  g_autoptr (TuCliResult) r = NULL;
  int lines = 0;

  for (const char *c = good; *c != '\0'; c++)
    lines += *c == '\n';
  where = g_strdup_printf ("rows.csv:%d:", lines + 1);
  g_assert_true (g_file_set_contents (out, "an older submission\n", -1, NULL));
  r = tu_run_cli ("predict", "--model", model, "--data", csv, "--out", out, "--chunk-objects", "7", NULL);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, where));
  g_assert_nonnull (strstr (r->err, "field"));
  kept = read_file (out);
  g_assert_cmpstr (kept, ==, "an older submission\n");
  assert_no_leftovers (out);
}

static void
test_unwritable_output (void)
{
  g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", model, "--data", data_csv,
                                     "--out", "/nonexistent/folder/pred.csv", NULL);
  g_autoptr (TuCliResult) bad_chunk = tu_run_cli ("predict", "--model", model, "--data", data_csv,
                                             "--out", "x.csv", "--chunk-objects", "-3", NULL);

  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "/nonexistent/folder/pred.csv"));
  g_assert_cmpint (bad_chunk->status, ==, 2);
}

/* predict's class_99 ranks the objects as the model's nearest-neighbour
 * distance in feature space does (not as 1 − max p), and never takes the
 * top column from the class the classifier chose. */
static void
test_class99_follows_distance (void)
{
  g_autofree char *out = g_build_filename (tmp_dir, "order.csv", NULL);
  g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", model, "--data", data_csv, "--out", out, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = lc_predictor_load (model, &error);
  g_autoptr (LcDataset) ds = lc_load (data_csv, NULL, NULL, NULL, &error);
  g_autofree float *probs = NULL;
  g_autofree double *distance = NULL, *class99 = NULL, *max_p = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  int n, k, disagree_with_max_p = 0;

  g_assert_no_error (error);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (lc_predictor_has_novelty (p));
  n = (int) ds->n_objects;
  k = p->n_classes;
  probs = lc_predictor_predict (p, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  distance = lc_predictor_novelty_of_dataset (p, ds, &error);
  g_assert_no_error (error);
  g_assert_nonnull (distance);
  max_p = g_new (double, n);
  lc_novelty_scores (probs, n, k, LC_NOVELTY_MAX_PROB, max_p);

  text = read_file (out);
  lines = g_strsplit (text, "\n", -1);
  class99 = g_new (double, n);
  for (int i = 0; i < n; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i + 1], ",", -1);
      int top = 0;

      g_assert_cmpint (g_strv_length (fields), ==, k + 2);
      g_assert_cmpstr (fields[0], ==, ds->objects[i].id);
      class99[i] = g_ascii_strtod (fields[k + 1], NULL);
      for (int c = 1; c < k; c++)
        if (g_ascii_strtod (fields[c + 1], NULL) > g_ascii_strtod (fields[top + 1], NULL))
          top = c;
      g_assert_cmpint (top, ==, nn_metrics_argmax (probs + (gsize) i * k, k));
      g_assert_cmpfloat (class99[i], <, g_ascii_strtod (fields[top + 1], NULL));
    }
  /* the same order, up to the file's six digits */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        if (distance[i] < distance[j] - 1e-4)
          g_assert_cmpfloat (class99[i], <=, class99[j]);
        if ((distance[i] < distance[j]) != (max_p[i] < max_p[j]))
          disagree_with_max_p++;
      }
  /* the two scores do rank differently here, so the check above tells them apart */
  g_assert_cmpint (disagree_with_max_p, >, 0);
}

/* A small simulated survey and a model trained on it for one epoch. */
static void
make_fixtures (void)
{
  tu_predict_fixture (tmp_dir, 300, NULL, &data_csv, &model);
}

/* An object longer than the budget lets such a model's batches be is
 * refused, naming it, rather than cut shorter than the model would cut it. */
static void
test_huge_max_steps_long_object_refused (void)
{
  g_autofree char *huge = write_huge_max_steps_model ();
  g_autofree char *out = g_build_filename (tmp_dir, "long", "pred.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr (TuCliResult) r = NULL;
  GString *text = g_string_new ("object_id,mjd,passband,flux,flux_err,detected\n");

  for (int i = 0; i < 40000; i++)
    g_string_append_printf (text, "0,%.2f,%d,%d,50,%d\n", 59000 + i * 0.01, i % 6, (i * 37) % 200 - 100,
                            i % 2);
  csv = write_rows ("long", text->str);
  g_string_free (text, TRUE);
  r = tu_run_cli ("predict", "--model", huge, "--data", csv, "--out", out, NULL);
  g_test_message ("%s", r->err);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "rows.csv: object “0” has 40000 steps; the model "));
  g_assert_nonnull (strstr (r->err, "takes up to 1048576, but predicting in batches within"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  assert_no_leftovers (out);
}

/* The header and the rows of the first n_objects objects of the data CSV;
 * *next_id: the first object left out (NULL when none is). */
static char *
first_objects_rows (int n_objects, char **next_id)
{
  g_autofree char *good = read_file (data_csv);
  g_auto (GStrv) lines = g_strsplit (good, "\n", -1);
  GString *kept = g_string_new (NULL);
  g_autofree char *last_id = NULL;
  int n_ids = 0;

  *next_id = NULL;
  g_string_append_printf (kept, "%s\n", lines[0]);
  for (int i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autofree char *id = g_strndup (lines[i], strcspn (lines[i], ","));
      if (g_strcmp0 (id, last_id) != 0)
        {
          if (++n_ids > n_objects)
            {
              *next_id = g_steal_pointer (&id);
              break;
            }
          g_free (last_id);
          last_id = g_strdup (id);
        }
      g_string_append_printf (kept, "%s\n", lines[i]);
    }
  return g_string_free (kept, FALSE);
}

static int
count_objects (void)
{
  g_autofree char *next = NULL;
  g_autofree char *all = first_objects_rows (G_MAXINT, &next);
  g_auto (GStrv) lines = g_strsplit (all, "\n", -1);
  g_autofree char *last_id = NULL;
  int n = 0;

  for (int i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autofree char *id = g_strndup (lines[i], strcspn (lines[i], ","));
      if (g_strcmp0 (id, last_id) != 0)
        {
          n++;
          g_free (last_id);
          last_id = g_steal_pointer (&id);
        }
    }
  return n;
}

/* Objects the metadata lists with no observations were left out of the
 * predictions without a word; predict refuses, naming the files, how many,
 * the object, why and what to do. */
static void
test_unobserved_objects_refused (void)
{
  g_autofree char *first = NULL, *missing = NULL;
  g_autofree char *text = first_objects_rows (5, &first);
  g_autofree char *csv = write_rows ("unobserved", text);
  g_autofree char *out = g_build_filename (tmp_dir, "unobserved", "pred.csv", NULL);
  g_autofree char *one_text = NULL, *one_csv = NULL, *quoted = NULL;
  g_autofree char *one_out = g_build_filename (tmp_dir, "unobserved-one", "pred.csv", NULL);
  g_autoptr (TuCliResult) r = NULL, one = NULL;
  int n = count_objects ();

  g_assert_nonnull (first);
  r = tu_run_cli ("predict", "--model", model, "--data", csv, "--out", out, NULL);
  g_test_message ("%s", r->err);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "rows.csv: "));
  g_assert_nonnull (strstr (r->err, "objects listed in the metadata file"));
  g_assert_nonnull (strstr (r->err, "have no observations"));
  quoted = g_strdup_printf ("(the first: “%s”)", first);
  g_assert_nonnull (strstr (r->err, quoted));
  g_assert_nonnull (strstr (r->err, "the model classifies light curves, so they cannot be predicted: give "
                            "their observations or remove their metadata rows"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  assert_no_leftovers (out);

  /* all but the last object: that one is named */
  one_text = first_objects_rows (n - 1, &missing);
  g_assert_nonnull (missing);
  one_csv = write_rows ("unobserved-one", one_text);
  one = tu_run_cli ("predict", "--model", model, "--data", one_csv, "--out", one_out, NULL);
  g_test_message ("%s", one->err);
  g_assert_cmpint (one->status, ==, 1);
  g_assert_nonnull (strstr (one->err, "1 object listed in the metadata file "));
  g_clear_pointer (&quoted, g_free);
  quoted = g_strdup_printf ("has no observations (“%s”); the model classifies light curves, so it cannot be "
                            "predicted: give its observations or remove its metadata row", missing);
  g_assert_nonnull (strstr (one->err, quoted));
  g_assert_false (g_file_test (one_out, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-predict-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  make_fixtures ();
  g_test_add_func ("/predict/streamed-equals-whole", test_streamed_equals_whole);
  g_test_add_func ("/predict/class99-follows-distance", test_class99_follows_distance);
  g_test_add_func ("/predict/interleaved-refused", test_interleaved_refused);
  g_test_add_func ("/predict/broken-keeps-old-output", test_broken_keeps_old_output);
  g_test_add_func ("/predict/unwritable-output", test_unwritable_output);
  g_test_add_func ("/predict/unobserved-objects-refused", test_unobserved_objects_refused);
  g_test_add_func ("/predict/huge-max-steps", test_huge_max_steps);
  g_test_add_func ("/predict/huge-max-steps-long-object-refused", test_huge_max_steps_long_object_refused);
  status = g_test_run ();
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    if (system (command) != 0)
      g_warning ("could not remove %s", tmp_dir);
  }
  g_free (data_csv);
  g_free (model);
  g_free (tmp_dir);
  return status;
}
