/* test-run-file.c: the per-object history in a run file: every validation
 * object's whole probability vector at every epoch, read back exactly as
 * written; files of the first version (top class only) still read; damaged
 * or oversized histories refused, naming the file and the field. */
#include <math.h>
#include <string.h>

#include "lc-format.h"
#include "lc-run.h"
#include "testutil.h"

/* A run file trained by the CLI for a few epochs on simulated data. */
static char *
train_run (const char *dir, const char *name, const char *data, const char *epochs)
{
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models",
                                              "small-gru.json", NULL);
  g_autofree char *out = g_build_filename (dir, "model.json", NULL);
  char *run = g_build_filename (dir, name, NULL);
  g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", data, "--model", preset, "--out", out,
                                          "--epochs", epochs, "--run", run, NULL);
  g_assert_cmpint (r->status, ==, 0);
  return run;
}

static char *
read_text (const char *path)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Replaces the first match of pattern (a GRegex) in the file. */
static void
edit_file (const char *path, const char *pattern, const char *replacement)
{
  g_autofree char *text = read_text (path);
  g_autoptr (GRegex) re = g_regex_new (pattern, G_REGEX_DOTALL, 0, NULL);
  g_autofree char *edited = NULL;

  g_assert_true (g_regex_match (re, text, 0, NULL));
  edited = g_regex_replace (re, text, -1, 0, replacement, G_REGEX_MATCH_NOTEMPTY, NULL);
  g_assert_true (g_file_set_contents (path, edited, -1, NULL));
}

static void
assert_load_fails (const char *path, const char *field)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcRunFile) run = lc_run_file_load (path, &error);
  g_assert_null (run);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, field));
}

static void
test_whole_vectors_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-runfile-XXXXXX", NULL);
  g_autofree char *path = train_run (dir, "run.json", "sim:90:4", "3");
  g_autofree char *again = g_build_filename (dir, "again.json", NULL);
  g_autofree char *text = NULL, *text_again = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcRunFile) run = lc_run_file_load (path, &error);
  g_autoptr (LcRunFile) reread = NULL;
  const NnObjectHistory *h;
  int spread = 0;

  g_assert_no_error (error);
  h = run->objects;
  g_assert_nonnull (h);
  g_assert_cmpint (h->n_epochs, ==, 3);
  g_assert_cmpint (h->n_objects, >, 10);
  g_assert_cmpint (h->n_classes, >, 3);
  /* every class's probability is kept, not the top one alone: each row is a
   * distribution, and more than one class has a share */
  for (int e = 0; e < h->n_epochs; e++)
    for (int i = 0; i < h->n_objects; i++)
      {
        const float *row = h->probs + ((size_t) e * h->n_objects + i) * h->n_classes;
        double sum = 0;
        int nonzero = 0;
        for (int c = 0; c < h->n_classes; c++)
          {
            sum += row[c];
            nonzero += row[c] > 0;
          }
        g_assert_cmpfloat (fabs (sum - 1.0), <, 1e-4);
        spread += nonzero > 1;
      }
  g_assert_cmpint (spread, ==, h->n_epochs * h->n_objects);

  /* written again, it reads back the same bits and writes the same bytes */
  g_free (run->path);
  run->path = g_strdup (again);
  g_assert_true (lc_run_file_save (run, NULL, &error));
  g_assert_no_error (error);
  text = read_text (path);
  text_again = read_text (again);
  g_assert_cmpstr (text, ==, text_again);
  reread = lc_run_file_load (again, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reread->objects->n_epochs, ==, h->n_epochs);
  g_assert_cmpint (memcmp (reread->objects->probs, h->probs,
                           (size_t) h->n_epochs * h->n_objects * h->n_classes * sizeof (float)), ==, 0);
  for (int i = 0; i < h->n_objects; i++)
    g_assert_cmpstr (reread->object_ids[i], ==, run->object_ids[i]);
  tu_remove_tree (dir);
}

/* A version 1 file: "probability" holds the top class's probability. */
static void
test_version_1_reads (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-runfile-XXXXXX", NULL);
  g_autofree char *path = train_run (dir, "run.json", "sim:60:5", "2");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcRunFile) now = lc_run_file_load (path, &error);
  g_autoptr (LcRunFile) old = NULL;
  g_autoptr (GString) top = g_string_new ("\"probability\": [");
  const NnObjectHistory *h = now->objects;

  g_assert_no_error (error);
  for (int e = 0; e < h->n_epochs; e++)
    {
      g_string_append (top, e > 0 ? ",[" : "[");
      for (int i = 0; i < h->n_objects; i++)
        {
          int c = nn_object_history_predicted (h, e, i);
          g_string_append_printf (top, "%s%.9g", i > 0 ? "," : "",
                                  h->probs[((size_t) e * h->n_objects + i) * h->n_classes + c]);
        }
      g_string_append_c (top, ']');
    }
  g_string_append (top, "]}");
  edit_file (path, "\"probabilities\": \\[[^]]*\\]}", top->str);
  edit_file (path, "\"version\": 2", "\"version\": 1");
  old = lc_run_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (old->objects->n_epochs, ==, h->n_epochs);
  for (int e = 0; e < h->n_epochs; e++)
    for (int i = 0; i < h->n_objects; i++)
      {
        int c = nn_object_history_predicted (h, e, i);
        size_t at = ((size_t) e * h->n_objects + i) * h->n_classes;
        g_assert_cmpint (nn_object_history_predicted (old->objects, e, i), ==, c);
        g_assert_cmpfloat (old->objects->probs[at + c], ==, h->probs[at + c]);
        for (int k = 0; k < h->n_classes; k++)
          if (k != c)
            g_assert_cmpfloat (old->objects->probs[at + k], ==, 0);
      }
  tu_remove_tree (dir);
}

static void
test_damaged_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-runfile-XXXXXX", NULL);
  g_autofree char *path = train_run (dir, "run.json", "sim:60:5", "2");
  g_autofree char *pristine = read_text (path);
  /* one epoch's probabilities: a run of base64 */
  const char *b64 = "\"probabilities\": \\[\\s*\"[A-Za-z0-9+/=]+\"";

  /* cut short */
  edit_file (path, "(\"probabilities\": \\[\\s*\"[A-Za-z0-9+/]{8})[A-Za-z0-9+/=]+\"", "\\1\"");
  assert_load_fails (path, "objects.probabilities[0]");
  /* not base64 */
  g_assert_true (g_file_set_contents (path, pristine, -1, NULL));
  edit_file (path, "(\"probabilities\": \\[\\s*\"[A-Za-z0-9+/]{8})[A-Za-z0-9+/]", "\\1!");
  assert_load_fails (path, "not valid base64");
  /* a number, not text */
  g_assert_true (g_file_set_contents (path, pristine, -1, NULL));
  edit_file (path, b64, "\"probabilities\": [7");
  assert_load_fails (path, "objects.probabilities[0]");
  /* 2.0 (little-endian 0x40000000) where a probability belongs */
  g_assert_true (g_file_set_contents (path, pristine, -1, NULL));
  edit_file (path, "(\"probabilities\": \\[\\s*\")[A-Za-z0-9+/]{8}", "\\1AAAAQAAA");
  assert_load_fails (path, "is not a probability");
  /* one epoch fewer than the predicted classes */
  g_assert_true (g_file_set_contents (path, pristine, -1, NULL));
  edit_file (path, "(\"probabilities\": \\[\\s*)\"[A-Za-z0-9+/=]+\",", "\\1");
  assert_load_fails (path, "objects");
  /* a predicted class the probabilities do not give */
  g_assert_true (g_file_set_contents (path, pristine, -1, NULL));
  edit_file (path, "(\"predicted\": \\[\\s*\\[)(\\d+)", "\\g<1>0");
  {
    g_autoptr (LcRunFile) run = lc_run_file_load (path, NULL);
    if (run != NULL)   /* it was 0 */
      edit_file (path, "(\"predicted\": \\[\\s*\\[)(\\d+)", "\\g<1>1");
  }
  assert_load_fails (path, "is not the most probable one");
  /* one out of range */
  edit_file (path, "(\"predicted\": \\[\\s*\\[)(\\d+)", "\\g<1>99");
  assert_load_fails (path, "objects.predicted");
  /* sizes that would reserve more than a model may hold: refused before
   * anything is allocated */
  g_assert_true (g_file_set_contents (path, pristine, -1, NULL));
  edit_file (path, "\"objects\": \\{\"classes\": \\d+", "\"objects\": {\"classes\": 99999");
  edit_file (path, "\"overrides\": \\{\"epochs\": \\d+", "\"overrides\": {\"epochs\": 2000000000");
  assert_load_fails (path, "too many objects and classes");
  tu_remove_tree (dir);
}

/* The training overrides are kept by name: the imbalance settings read back
 * as written, a file written before they existed still reads (keeping the
 * spec's), and a balancing mode that does not exist is refused. */
static void
test_overrides_by_name (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-runfile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autofree char *preset = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models",
                                              "small-gru.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load ("sim:30:1", NULL, NULL, NULL, &error);
  g_autoptr (NnModelDoc) spec = nn_model_doc_load (preset, &error);
  g_autoptr (LcRunFile) run = NULL;
  g_autoptr (LcRunFile) back = NULL;
  g_autoptr (LcRunFile) older = NULL;
  LcTrainOverrides o;

  g_assert_no_error (error);
  lc_train_overrides_init (&o);
  o.balance = NN_BALANCE_SAMPLE;
  o.sampling_power = 0.25;
  o.reweight_from_epoch = 7;
  o.effective_beta = 0.9995;
  o.label_smoothing = 0.05;
  run = lc_run_file_new (path, "sim:30:1", NULL, ds, "model.json", spec, &o);
  g_assert_true (lc_run_file_save (run, NULL, &error));
  g_assert_no_error (error);
  back = lc_run_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->overrides.balance, ==, NN_BALANCE_SAMPLE);
  g_assert_cmpfloat (back->overrides.sampling_power, ==, 0.25);
  g_assert_cmpint (back->overrides.reweight_from_epoch, ==, 7);
  g_assert_cmpfloat (back->overrides.effective_beta, ==, 0.9995);
  g_assert_cmpfloat (back->overrides.label_smoothing, ==, 0.05);
  g_assert_cmpfloat (back->overrides.logit_adjust, ==, -1.0);

  /* as written before these settings existed */
  edit_file (path, ", \"sampling_power\": [-0-9.e]+", "");
  edit_file (path, ", \"reweight_from_epoch\": [-0-9]+", "");
  edit_file (path, ", \"effective_beta\": [-0-9.e]+", "");
  edit_file (path, ", \"label_smoothing\": [-0-9.e]+", "");
  older = lc_run_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (older->overrides.sampling_power, ==, -1.0);
  g_assert_cmpint (older->overrides.reweight_from_epoch, ==, -1);
  g_assert_cmpfloat (older->overrides.effective_beta, ==, -1.0);
  g_assert_cmpfloat (older->overrides.label_smoothing, ==, -1.0);
  g_assert_cmpint (older->overrides.balance, ==, NN_BALANCE_SAMPLE);

  edit_file (path, "\"balance\": \\d+", "\"balance\": 99");
  assert_load_fails (path, "balance");
  tu_remove_tree (dir);
}

/* The copy a view keeps while a worker goes on recording. */
static void
test_copy (void)
{
  const int labels[] = { 0, 1, 2 };
  const float epoch[] = { 0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f, 0.2f, 0.2f, 0.6f };
  g_autoptr (NnObjectHistory) h = nn_object_history_new (labels, 3, 3, 4);
  g_autoptr (NnObjectHistory) c = NULL;

  nn_object_history_record (h, epoch);
  c = nn_object_history_copy (h);
  nn_object_history_record (h, epoch);
  g_assert_cmpint (c->n_epochs, ==, 1);
  g_assert_cmpint (c->max_epochs, ==, 4);
  g_assert_cmpint (nn_object_history_predicted (c, 0, 1), ==, 2);
  g_assert_cmpfloat (c->probs[5], ==, 0.6f);
  nn_object_history_record (c, epoch);
  g_assert_cmpint (c->n_epochs, ==, 2);
  g_assert_cmpint (nn_object_history_learned_epoch (c, 2), ==, 0);
  g_assert_cmpint (nn_object_history_learned_epoch (c, 1), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run-file/whole-vectors-round-trip", test_whole_vectors_round_trip);
  g_test_add_func ("/run-file/version-1-reads", test_version_1_reads);
  g_test_add_func ("/run-file/damaged-refused", test_damaged_refused);
  g_test_add_func ("/run-file/overrides-by-name", test_overrides_by_name);
  g_test_add_func ("/run-file/history-copy", test_copy);
  return g_test_run ();
}
